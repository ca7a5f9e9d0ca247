/* seer_state_import_json: a mainnet pre-state (pre_state.json +
 * bytecodes.json) into the LMDB store. It is parsed into a memstore first
 * (the same loader and checks the replays use: codes must hash to their
 * keys), then written as one change set in one transaction, so a failure
 * at any point writes nothing. */
#include "seer/state.h"

#include "common/util.h"
#include "conformance/json.h"
#include "state/lmdb.h"
#include "state/memstore.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct build {
    seer_account_change *accts;
    size_t n, cap;
    uint64_t nslots;
} build;

static int add_entry(void *arg, const seer_memstore_entry *e)
{
    build *b = arg;
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        seer_account_change *p = realloc(b->accts, cap * sizeof *p);
        if (!p)
            return seer_err(SEER_ENOMEM, "import: %zu accounts", cap);
        b->accts = p;
        b->cap = cap;
    }
    seer_account_change *c = &b->accts[b->n++];
    memset(c, 0, sizeof *c); /* counted now, so cleanup frees its slots */
    c->addr = *e->addr;
    c->account = *e->account;
    /* The file describes whole accounts: whatever the store held for one
     * is replaced. */
    c->storage_cleared = true;
    if (e->nslots) {
        c->slots = malloc(e->nslots * sizeof *c->slots);
        if (!c->slots)
            return seer_err(SEER_ENOMEM, "import: %zu slots", e->nslots);
        memcpy(c->slots, e->slots, e->nslots * sizeof *c->slots);
        c->nslots = e->nslots;
        b->nslots += e->nslots;
    }
    if (e->code && e->code_len) {
        c->code_changed = true;
        c->code = e->code; /* owned by the memstore, which outlives the commit */
        c->code_len = e->code_len;
    }
    return 0;
}

int seer_state_import_json(seer_state *st, seer_state_import_stats *stats, const char *pre_path,
                           const char *codes_path)
{
    if (!st || !pre_path)
        return seer_err(SEER_EINVAL, "state_import_json: NULL argument");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    seer_lmdb *db = seer_state_lmdb(st);
    json_object *pre = NULL, *codes = NULL;
    seer_memstore *ms = NULL;
    build b = {0};
    seer_lmdb_stat before, after;
    int err = seer_lmdb_stat_get(db, &before);
    if (err)
        goto cleanup;
    if ((err = seer_json_parse_file(&pre, pre_path)))
        goto cleanup;
    if (codes_path && (err = seer_json_parse_file(&codes, codes_path)))
        goto cleanup;
    if ((err = seer_memstore_new(&ms)))
        goto cleanup;
    if ((err = seer_json_load_mainnet_pre(ms, pre, pre_path, codes, codes_path ? codes_path : "bytecodes")))
        goto cleanup;
    /* The documents are no longer needed: free them before the commit. */
    json_object_put(pre);
    json_object_put(codes);
    pre = codes = NULL;
    if ((err = seer_memstore_foreach(ms, add_entry, &b)))
        goto cleanup;
    seer_changeset cs = {b.accts, b.n};
    if ((err = seer_lmdb_commit_state(db, &cs)))
        goto cleanup;
    if ((err = seer_lmdb_stat_get(db, &after)))
        goto cleanup;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (stats) {
        stats->accounts = b.n;
        stats->slots = b.nslots;
        stats->codes = after.codes - before.codes;
        stats->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    }
cleanup:
    for (size_t i = 0; i < b.n; i++)
        free(b.accts[i].slots);
    free(b.accts);
    seer_memstore_free(ms);
    json_object_put(pre);
    json_object_put(codes);
    return err;
}

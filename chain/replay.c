/* The public block API: loading blocks, and the serial replay of a mainnet
 * fixture block over its partial pre-state (include/seer/block.h). */
#include "seer/block.h"

#include "chain/block.h"
#include "chain/exec.h"
#include "common/hex.h"
#include "common/util.h"
#include "conformance/json.h"
#include "seer/state.h"
#include "state/lmdb.h"
#include "state/memstore.h"
#include "state/overlay.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int seer_block_from_json_file(seer_block **out, const char *path)
{
    if (!out || !path)
        return SEER_EINVAL;
    *out = NULL;
    json_object *doc = NULL;
    int rc = seer_json_parse_file(&doc, path);
    if (rc < 0)
        return rc;
    seer_block *b = calloc(1, sizeof *b);
    if (!b) {
        json_object_put(doc);
        return SEER_ENOMEM;
    }
    rc = seer_block_from_json(b, doc, path);
    json_object_put(doc);
    if (rc < 0) {
        free(b);
        return rc;
    }
    *out = b;
    return 0;
}

int seer_block_from_rlp(seer_block **out, const uint8_t *rlp, size_t len)
{
    if (!out || (!rlp && len))
        return SEER_EINVAL;
    *out = NULL;
    seer_block *b = calloc(1, sizeof *b);
    if (!b)
        return SEER_ENOMEM;
    int rc = seer_block_decode(b, rlp, len, NULL);
    if (rc < 0) {
        free(b);
        return rc;
    }
    *out = b;
    return 0;
}

void seer_block_free(seer_block *block)
{
    if (!block)
        return;
    seer_block_clear(block);
    free(block);
}

uint64_t seer_block_number(const seer_block *block)
{
    return block ? block->header.number : 0;
}
size_t seer_block_tx_count(const seer_block *block)
{
    return block ? block->ntxs : 0;
}

seer_bytes32 seer_block_hash(const seer_block *block)
{
    seer_bytes32 z;
    memset(&z, 0, sizeof z);
    return block ? block->header.hash : z;
}

/* ---- replay ---- */

static int memstore_apply_cb(void *ctx, const seer_changeset *cs)
{
    return seer_memstore_apply(ctx, cs);
}
static int overlay_apply_cb(void *ctx, const seer_changeset *cs)
{
    return seer_overlay_apply(ctx, cs);
}

/* The LMDB store keeps no BLOCKHASH table: reads go to the overlay over
 * the store, block hashes to a table loaded from block_hashes.json. */
typedef struct db_reader {
    seer_state_reader state, hashes;
} db_reader;

static int dbr_account(void *c, const seer_address *a, seer_account *o)
{
    db_reader *r = c;
    return r->state.vt->get_account(r->state.ctx, a, o);
}
static int dbr_storage(void *c, const seer_address *a, const u256 *k, u256 *o)
{
    db_reader *r = c;
    return r->state.vt->get_storage(r->state.ctx, a, k, o);
}
static int dbr_has_storage(void *c, const seer_address *a, bool *o)
{
    db_reader *r = c;
    return r->state.vt->has_storage(r->state.ctx, a, o);
}
static int dbr_code(void *c, const seer_bytes32 *h, const uint8_t **code, size_t *len)
{
    db_reader *r = c;
    return r->state.vt->get_code(r->state.ctx, h, code, len);
}
static int dbr_block_hash(void *c, uint64_t n, seer_bytes32 *o)
{
    db_reader *r = c;
    return r->hashes.vt->get_block_hash(r->hashes.ctx, n, o);
}
static const seer_state_reader_vt db_reader_vt = {dbr_account, dbr_storage, dbr_has_storage, dbr_code,
                                                  dbr_block_hash};

static int load_json(json_object **doc, const char *path)
{
    return seer_json_parse_file(doc, path);
}

/* bytecodes.json (45 MB) is the same for every fixture block: parse it
 * once per process and share it (read-only) between replays, so that
 * replaying N blocks does not parse it N times. The last parsed document
 * is kept until exit. */
static pthread_mutex_t codes_lock = PTHREAD_MUTEX_INITIALIZER;
static json_object *codes_cache;
static char codes_cache_path[4200];

static int load_codes(json_object **doc, const char *path)
{
    pthread_mutex_lock(&codes_lock);
    int rc = 0;
    if (!codes_cache || strcmp(codes_cache_path, path) != 0) {
        json_object *d = NULL;
        if ((rc = seer_json_parse_file(&d, path)) == 0) {
            if (codes_cache)
                json_object_put(codes_cache);
            codes_cache = d;
            snprintf(codes_cache_path, sizeof codes_cache_path, "%s", path);
        }
    }
    if (rc == 0)
        *doc = json_object_get(codes_cache); /* a reference for the caller */
    pthread_mutex_unlock(&codes_lock);
    return rc;
}

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int seer_block_replay_file(const seer_replay_options *opts, seer_replay_report *out, const char *path,
                           seer_replay_tx_cb cb, void *cb_ctx)
{
    static const seer_replay_options defaults = SEER_REPLAY_OPTIONS_INIT;
    if (!out || !path)
        return SEER_EINVAL;
    if (!opts)
        opts = &defaults;
    memset(out, 0, sizeof *out);
    /* Resolve the fixture layout: DIR/block.json, DIR/pre_state.json,
     * DIR/../../{bytecodes,block_hashes}.json. */
    char dir[4096], block_path[4200], pre[4200], codes[4200], hashes[4200];
    struct stat st;
    if (stat(path, &st) != 0)
        return seer_err(SEER_EIO, "%s: no such file or directory", path);
    if (S_ISDIR(st.st_mode)) {
        snprintf(dir, sizeof dir, "%s", path);
        snprintf(block_path, sizeof block_path, "%s/block.json", dir);
    } else {
        snprintf(block_path, sizeof block_path, "%s", path);
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *slash = 0;
        else
            strcpy(dir, ".");
    }
    snprintf(pre, sizeof pre, "%s", opts->pre_path ? opts->pre_path : "");
    if (!opts->pre_path)
        snprintf(pre, sizeof pre, "%s/pre_state.json", dir);
    if (opts->codes_path)
        snprintf(codes, sizeof codes, "%s", opts->codes_path);
    else
        snprintf(codes, sizeof codes, "%s/../../bytecodes.json", dir);
    if (opts->hashes_path)
        snprintf(hashes, sizeof hashes, "%s", opts->hashes_path);
    else
        snprintf(hashes, sizeof hashes, "%s/../../block_hashes.json", dir);

    seer_block *b = NULL;
    seer_memstore *store = NULL;
    seer_state *db = NULL;
    seer_lmdb_snapshot *snap = NULL;
    seer_overlay *ov = NULL;
    json_object *pre_doc = NULL, *codes_doc = NULL, *hashes_doc = NULL, *oracle_doc = NULL;
    seer_block_result res;
    memset(&res, 0, sizeof res);
    int rc;
    if ((rc = seer_block_from_json_file(&b, block_path)) < 0)
        goto out;
    if ((rc = seer_memstore_new(&store)) < 0)
        goto out;
    if (opts->db_dir) {
        if ((rc = seer_state_open(&db, opts->db_dir, NULL)) < 0)
            goto out;
        if (opts->pre_path &&
            (rc = seer_state_import_json(db, NULL, pre, file_exists(codes) ? codes : NULL)) < 0)
            goto out;
        if ((rc = seer_lmdb_snapshot_begin(seer_state_lmdb(db), &snap)) < 0 ||
            (rc = seer_overlay_new(&ov, seer_lmdb_snapshot_reader(snap))) < 0)
            goto out;
    } else {
        if ((rc = load_json(&pre_doc, pre)) < 0)
            goto out;
        if (file_exists(codes) && (rc = load_codes(&codes_doc, codes)) < 0)
            goto out;
        if ((rc = seer_json_load_mainnet_pre(store, pre_doc, pre, codes_doc, codes)) < 0)
            goto out;
    }
    char oracle[4300];
    snprintf(oracle, sizeof oracle, "%s/../../oracle/access/%" PRIu64 ".json", dir, b->header.number);
    if (file_exists(oracle) && (rc = load_json(&oracle_doc, oracle)) < 0)
        goto out;
    if (opts->hashes_path || file_exists(hashes)) {
        if ((rc = load_json(&hashes_doc, hashes)) < 0 ||
            (rc = seer_json_load_block_hashes(store, hashes_doc, hashes)) < 0)
            goto out;
    }
    seer_fork fork = seer_mainnet_fork(b->header.number, b->header.timestamp);
    out->number = b->header.number;
    out->fork = fork;
    out->ntxs = b->ntxs;
    out->header_gas_used = b->header.gas_used;
    /* Sender recovery (and the static rules) count as execution: a node
     * does them for every block. */
    double t0 = now_s();
    size_t bad = 0;
    const char *ex = NULL;
    if ((rc = seer_block_admit_txs(b, fork, 1, &bad, &ex)) < 0) {
        seer_err_wrap(rc, "%s: ", block_path);
        goto out;
    }
    seer_exec_target tgt = {seer_memstore_reader(store), memstore_apply_cb, NULL, store};
    db_reader dbr = {seer_memstore_reader(store), seer_memstore_reader(store)};
    if (ov) {
        dbr.state = seer_overlay_reader(ov);
        tgt.reader.vt = &db_reader_vt;
        tgt.reader.ctx = &dbr;
        tgt.apply = overlay_apply_cb;
        tgt.ctx = ov;
    }
    seer_exec_options eo = SEER_EXEC_OPTIONS_TXS_ONLY;
    if ((rc = seer_exec_block(&res, &tgt, &eo, b, fork, 1)) < 0)
        goto out;
    out->exec_seconds = now_s() - t0;
    out->gas_used = res.gas_used;
    out->invalid_txs = res.exception ? 1 : 0;
    uint64_t prev = 0;
    out->cumulative_ok = res.exception == NULL;
    for (size_t i = 0; i < b->ntxs; i++) {
        seer_replay_tx tx;
        memset(&tx, 0, sizeof tx);
        tx.index = i;
        tx.hash = b->txs[i].hash;
        if (i < res.nreceipts) {
            const seer_receipt *r = &res.receipts[i];
            tx.status = r->status;
            tx.gas_used = r->gas_used;
            tx.cumulative_gas = r->cumulative_gas;
            tx.nlogs = r->nlogs;
            if (r->cumulative_gas != prev + r->gas_used)
                out->cumulative_ok = false;
            prev = r->cumulative_gas;
        } else {
            tx.exception = i == res.bad_tx && res.exception
                               ? res.exception
                               : "not executed (an earlier transaction was invalid)";
        }
        json_object *orc = NULL;
        if (oracle_doc && json_object_is_type(oracle_doc, json_type_array) &&
            i < json_object_array_length(oracle_doc))
            orc = json_object_array_get_idx(oracle_doc, i);
        if (orc && i < res.nreceipts) {
            json_object *og = seer_json_get_opt(orc, "gasUsed"), *os = seer_json_get_opt(orc, "status");
            tx.oracle_checked = true;
            tx.oracle_ok = og && os && (uint64_t)json_object_get_int64(og) == tx.gas_used &&
                           json_object_get_int(os) == tx.status;
            out->oracle_checked++;
            out->oracle_ok += tx.oracle_ok;
        }
        if (b->has_from[i]) {
            tx.sender_checked = true;
            tx.sender_ok = memcmp(&b->from[i], &b->txs[i].sender, 20) == 0;
            out->senders_checked++;
            out->senders_ok += tx.sender_ok;
        }
        if (cb)
            cb(cb_ctx, &tx);
    }
    if (prev != b->header.gas_used)
        out->cumulative_ok = false;
    out->gas_used_ok = res.gas_used == b->header.gas_used && !res.exception;
    out->bloom_ok = memcmp(res.bloom, b->header.bloom, SEER_BLOOM_SIZE) == 0 && !res.exception;
    seer_hex_encode(out->header_receipts_root, b->header.receipts_root.bytes, 32, true);
    seer_bytes32 root;
    if ((rc = seer_receipts_root(&root, res.receipts, res.nreceipts)) < 0)
        goto out;
    seer_hex_encode(out->receipts_root, root.bytes, 32, true);
    /* Before Byzantium each receipt holds the state root after its
     * transaction, which a partial pre-state cannot give. */
    out->receipts_root_checked = fork >= SEER_FORK_BYZANTIUM;
    out->receipts_root_ok =
        out->receipts_root_checked && !res.exception && memcmp(&root, &b->header.receipts_root, 32) == 0;
    bool pass = out->gas_used_ok && out->bloom_ok && out->senders_ok == out->senders_checked &&
                out->oracle_ok == out->oracle_checked && !res.exception &&
                (out->receipts_root_checked ? out->receipts_root_ok : out->cumulative_ok);
    if (ov && pass) {
        /* The block is final: its changes reach the store in one write. */
        seer_changeset cs;
        if ((rc = seer_overlay_changeset(ov, &cs)) < 0)
            goto out;
        seer_lmdb_snapshot_end(snap);
        snap = NULL;
        if ((rc = seer_lmdb_commit(seer_state_lmdb(db), &cs, b->header.number, &b->header.hash)) < 0)
            goto out;
        out->committed = true;
    }
    rc = 0;
out:
    seer_overlay_free(ov);
    seer_lmdb_snapshot_end(snap);
    seer_state_close(db);
    seer_block_result_clear(&res);
    seer_block_free(b);
    seer_memstore_free(store);
    if (pre_doc)
        json_object_put(pre_doc);
    if (codes_doc)
        json_object_put(codes_doc);
    if (hashes_doc)
        json_object_put(hashes_doc);
    if (oracle_doc)
        json_object_put(oracle_doc);
    return rc;
}

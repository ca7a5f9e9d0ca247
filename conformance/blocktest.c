/* The BlockchainTests runner: build the genesis from the fixture, import
 * each block from its RLP (decode, validate against the parent, execute,
 * check the roots), reject the blocks the fixture marks invalid for the
 * reason it gives, and compare the head and the post state. With
 * opts->threads > 0 blocks execute through the parallel executor. */
#include "seer/conformance.h"

#include "chain/block.h"
#include "chain/exec.h"
#include "common/util.h"
#include "conformance/json.h"
#include "conformance/runner.h"
#include "state/memstore.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One imported block: its header and the state after it. */
typedef struct bt_node {
    seer_header header;
    seer_memstore *store;
} bt_node;

typedef struct bt_chain {
    bt_node *nodes;
    size_t n, cap;
} bt_chain;

static void chain_free(bt_chain *c)
{
    for (size_t i = 0; i < c->n; i++)
        seer_memstore_free(c->nodes[i].store);
    free(c->nodes);
    memset(c, 0, sizeof *c);
}

static int chain_push(bt_chain *c, const seer_header *h, seer_memstore *store)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        bt_node *p = realloc(c->nodes, nc * sizeof *p);
        if (!p)
            return SEER_ENOMEM;
        c->nodes = p;
        c->cap = nc;
    }
    c->nodes[c->n].header = *h;
    c->nodes[c->n].store = store;
    c->n++;
    return 0;
}

static bt_node *chain_find(bt_chain *c, const seer_bytes32 *hash)
{
    for (size_t i = c->n; i-- > 0;)
        if (memcmp(&c->nodes[i].header.hash, hash, 32) == 0)
            return &c->nodes[i];
    return NULL;
}

static int memstore_apply_cb(void *ctx, const seer_changeset *cs)
{
    return seer_memstore_apply(ctx, cs);
}
static int memstore_root_cb(void *ctx, seer_bytes32 *out)
{
    return seer_memstore_state_root(ctx, out);
}

/* How blocks are executed: serially, or in parallel on `threads` threads
 * with `an`'s predictions. */
typedef struct bt_exec {
    unsigned threads;
    seer_analyzer *an;
} bt_exec;

/* Imports one block. Returns 0 with *exception NULL (imported: *out_store
 * holds the new state) or set (rejected, with `why` explaining), or a
 * negative error of seer itself. */
static int import_block(const bt_exec *x, bt_chain *chain, seer_fork fork, const uint8_t *raw, size_t len,
                        const char **exception, char *why, size_t whycap, seer_header *out_header,
                        seer_memstore **out_store)
{
    seer_block b;
    seer_memstore *store = NULL;
    seer_block_result res;
    memset(&res, 0, sizeof res);
    memset(&b, 0, sizeof b);
    *exception = NULL;
    *out_store = NULL;
    int rc = seer_block_decode(&b, raw, len, exception);
    if (rc < 0) {
        if (rc == SEER_ENOMEM)
            return rc;
        if (!*exception)
            *exception = SEER_BLKEX("RLP_STRUCTURES_ENCODING");
        snprintf(why, whycap, "%s", seer_error_detail());
        return 0;
    }
    const seer_header *h = &b.header;
    char g[67], w[67];
    bt_node *parent = chain_find(chain, &h->parent_hash);
    if (!parent) {
        static const seer_bytes32 zero;
        *exception = memcmp(&h->parent_hash, &zero, 32) == 0 ? SEER_BLKEX("UNKNOWN_PARENT_ZERO")
                                                             : SEER_BLKEX("UNKNOWN_PARENT");
        seer_conf_hex32(g, &h->parent_hash);
        snprintf(why, whycap, "parent %s not imported", g);
        goto reject;
    }
    if ((rc = seer_header_validate(h, &parent->header, fork, exception)) < 0) {
        snprintf(why, whycap, "%s", seer_error_detail());
        rc = 0;
        goto reject;
    }
    /* The body must match what the header commits to. */
    seer_bytes32 root;
    if (fork >= SEER_FORK_PARIS && b.nuncles) {
        *exception = SEER_BLKEX("IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS");
        snprintf(why, whycap, "%zu uncles after the Merge (EIP-3675)", b.nuncles);
        goto reject;
    }
    if ((rc = seer_block_ommers_hash(&root, &b)) < 0)
        goto fail;
    if (memcmp(&root, &h->ommers_hash, 32) != 0) {
        *exception = SEER_BLKEX("INVALID_UNCLES_HASH");
        snprintf(why, whycap, "uncle hash does not match the uncles");
        goto reject;
    }
    if (b.has_withdrawals) {
        if ((rc = seer_block_withdrawals_root(&root, &b)) < 0)
            goto fail;
        if (memcmp(&root, &h->withdrawals_root, 32) != 0) {
            *exception = SEER_BLKEX("INVALID_WITHDRAWALS_ROOT");
            seer_conf_hex32(g, &root);
            seer_conf_hex32(w, &h->withdrawals_root);
            snprintf(why, whycap, "withdrawals root %s, header %s", g, w);
            goto reject;
        }
    }
    size_t bad = 0;
    if ((rc = seer_block_admit_txs(&b, fork, 1, &bad, exception)) < 0) {
        if (rc == SEER_ENOMEM)
            goto fail;
        snprintf(why, whycap, "%s", seer_error_detail());
        if (!*exception)
            *exception = "TransactionException.INVALID";
        rc = 0;
        goto reject;
    }
    if ((rc = seer_memstore_clone(&store, parent->store)) < 0)
        goto fail;
    seer_exec_target tgt = {seer_memstore_reader(store), memstore_apply_cb, memstore_root_cb, store};
    seer_exec_options eo = SEER_EXEC_OPTIONS_ALL;
    if ((rc = seer_conf_exec_block(&res, &tgt, &eo, &b, fork, x->threads, x->an)) < 0)
        goto fail;
    if (res.exception) {
        *exception = res.exception;
        snprintf(why, whycap, "transaction %zu: %s", res.bad_tx, res.exception);
        goto reject;
    }
    /* Checked after execution: the fixtures that hold an invalid
     * transaction commit to a root without it, and name the
     * transaction's exception as the reason. */
    if ((rc = seer_block_tx_root(&root, &b)) < 0)
        goto fail;
    if (memcmp(&root, &h->tx_root, 32) != 0) {
        *exception = SEER_BLKEX("INVALID_TRANSACTIONS_ROOT");
        snprintf(why, whycap, "transactions root does not match the transactions");
        goto reject;
    }
    if (fork >= SEER_FORK_CANCUN && res.blob_gas_used != h->blob_gas_used) {
        *exception = SEER_BLKEX("INCORRECT_BLOB_GAS_USED");
        snprintf(why, whycap, "blob gas used %" PRIu64 ", header %" PRIu64, res.blob_gas_used,
                 h->blob_gas_used);
        goto reject;
    }
    if (res.gas_used != h->gas_used) {
        *exception = SEER_BLKEX("INVALID_GAS_USED");
        snprintf(why, whycap, "gas used %" PRIu64 ", header %" PRIu64, res.gas_used, h->gas_used);
        goto reject;
    }
    if (memcmp(res.bloom, h->bloom, SEER_BLOOM_SIZE) != 0) {
        *exception = SEER_BLKEX("INVALID_LOG_BLOOM");
        snprintf(why, whycap, "logs bloom differs from the header's");
        goto reject;
    }
    if ((rc = seer_receipts_root(&root, res.receipts, res.nreceipts)) < 0)
        goto fail;
    if (memcmp(&root, &h->receipts_root, 32) != 0) {
        *exception = SEER_BLKEX("INVALID_RECEIPTS_ROOT");
        seer_conf_hex32(g, &root);
        seer_conf_hex32(w, &h->receipts_root);
        snprintf(why, whycap, "receipts root %s, header %s", g, w);
        goto reject;
    }
    if ((rc = seer_memstore_state_root(store, &root)) < 0)
        goto fail;
    if (memcmp(&root, &h->state_root, 32) != 0) {
        *exception = SEER_BLKEX("INVALID_STATE_ROOT");
        seer_conf_hex32(g, &root);
        seer_conf_hex32(w, &h->state_root);
        snprintf(why, whycap, "state root %s, header %s", g, w);
        goto reject;
    }
    /* BLOCKHASH in the descendants sees this block. */
    if ((rc = seer_memstore_set_block_hash(store, h->number, &h->hash)) < 0)
        goto fail;
    *out_header = *h;
    *out_store = store;
    store = NULL;
    rc = 0;
    goto done;
reject:
    rc = 0;
    goto done;
fail:
done:
    seer_block_result_clear(&res);
    seer_memstore_free(store);
    seer_block_clear(&b);
    return rc;
}

static int run_test(const seer_blocktest_options *opts, const bt_exec *x, const char *file, const char *name,
                    json_object *test, seer_blocktest_result *r, char *err, size_t errcap)
{
    bt_chain chain;
    memset(&chain, 0, sizeof chain);
    seer_memstore *store = NULL, *post = NULL;
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    json_object *v, *blocks;
    int rc;
    seer_fork fork;
    if (!seer_json_get_opt(test, "network") ||
        seer_fork_from_name(&fork, json_object_get_string(seer_json_get_opt(test, "network"))) < 0 ||
        fork > SEER_FORK_CANCUN) {
        r->skipped = true;
        snprintf(err, errcap, "fork not implemented");
        return 0;
    }
    seer_header genesis;
    if ((rc = seer_json_get(&v, test, file, "genesisBlockHeader")) < 0 ||
        (rc = seer_header_from_json(&genesis, v, file, "genesisBlockHeader")) < 0)
        goto fixture;
    if ((v = seer_json_get_opt(test, "genesisRLP"))) {
        seer_block gb;
        const char *ex;
        if ((rc = seer_json_bytes(&raw, &raw_len, v, file, "genesisRLP")) < 0)
            goto fixture;
        if ((rc = seer_block_decode(&gb, raw, raw_len, &ex)) < 0) {
            seer_err_wrap(rc, "%s: genesisRLP: ", file);
            goto fixture;
        }
        bool same = memcmp(&gb.header.hash, &genesis.hash, 32) == 0;
        seer_block_clear(&gb);
        free(raw);
        raw = NULL;
        if (!same) {
            snprintf(err, errcap, "genesisRLP hashes to another value than genesisBlockHeader.hash");
            goto done;
        }
    }
    if ((rc = seer_memstore_new(&store)) < 0)
        goto fail;
    if ((rc = seer_json_get(&v, test, file, "pre")) < 0 ||
        (rc = seer_json_load_state(store, v, file, "pre")) < 0)
        goto fixture;
    seer_bytes32 root;
    if ((rc = seer_memstore_state_root(store, &root)) < 0)
        goto fail;
    if (memcmp(&root, &genesis.state_root, 32) != 0) {
        char g[67];
        seer_conf_hex32(g, &root);
        snprintf(err, errcap, "genesis state root %s differs from genesisBlockHeader.stateRoot", g);
        goto done;
    }
    if ((rc = seer_memstore_set_block_hash(store, genesis.number, &genesis.hash)) < 0)
        goto fail;
    if ((rc = chain_push(&chain, &genesis, store)) < 0)
        goto fail;
    store = NULL;
    bt_node *head = &chain.nodes[0];
    seer_bytes32 head_hash = genesis.hash;
    if ((rc = seer_json_get(&blocks, test, file, "blocks")) < 0)
        goto fixture;
    size_t nb = json_object_array_length(blocks);
    r->blocks = (unsigned)nb;
    bool ok = true;
    for (size_t i = 0; i < nb; i++) {
        json_object *bj = json_object_array_get_idx(blocks, i);
        json_object *expect = seer_json_get_opt(bj, "expectException");
        const char *want = expect ? json_object_get_string(expect) : NULL;
        char fld[48];
        snprintf(fld, sizeof fld, "blocks[%zu].rlp", i);
        const char *ex = NULL;
        char why[512] = "";
        seer_header nh;
        seer_memstore *ns = NULL;
        free(raw);
        raw = NULL;
        if ((v = seer_json_get_opt(bj, "rlp")) == NULL) {
            rc = seer_err(SEER_EPARSE, "%s: field '%s': missing", file, fld);
            goto fixture;
        }
        if (seer_json_bytes(&raw, &raw_len, v, file, fld) < 0) {
            /* Not even hex: undecodable, as a malformed block. */
            ex = SEER_BLKEX("RLP_STRUCTURES_ENCODING");
            snprintf(why, sizeof why, "%s", seer_error_detail());
        } else if ((rc = import_block(x, &chain, fork, raw, raw_len, &ex, why, sizeof why, &nh, &ns)) < 0) {
            goto fail;
        }
        if (!ex) {
            if ((rc = chain_push(&chain, &nh, ns)) < 0) {
                seer_memstore_free(ns);
                goto fail;
            }
            head_hash = nh.hash;
            r->imported++;
        } else {
            r->rejected++;
        }
        if (opts->log)
            fprintf(opts->log, "%s block %zu: %s%s%s%s%s\n", name, i, ex ? "rejected: " : "imported",
                    ex ? ex : "", ex ? " (" : "", ex ? why : "", ex ? ")" : "");
        if (want && !ex) {
            if (ok)
                snprintf(err, errcap, "block %zu: imported, but the fixture expects %s", i, want);
            ok = false;
        } else if (!want && ex) {
            if (ok)
                snprintf(err, errcap, "block %zu: rejected with %s: %s", i, ex, why);
            ok = false;
        } else if (want && !seer_tx_exception_matches(ex, want)) {
            if (ok)
                snprintf(err, errcap, "block %zu: rejected with %s (%s), the fixture expects %s", i, ex, why,
                         want);
            ok = false;
        }
    }
    head = chain_find(&chain, &head_hash);
    seer_bytes32 last;
    if ((rc = seer_json_get(&v, test, file, "lastblockhash")) < 0 ||
        (rc = seer_json_bytes32(&last, v, file, "lastblockhash")) < 0)
        goto fixture;
    if (ok && memcmp(&last, &head_hash, 32) != 0) {
        char g[67], w[67];
        seer_conf_hex32(g, &head_hash);
        seer_conf_hex32(w, &last);
        snprintf(err, errcap, "head %s, lastblockhash %s", g, w);
        ok = false;
    }
    seer_bytes32 want_root, got_root;
    if ((rc = seer_memstore_state_root(head->store, &got_root)) < 0)
        goto fail;
    if ((v = seer_json_get_opt(test, "postState"))) {
        if ((rc = seer_memstore_new(&post)) < 0)
            goto fail;
        if ((rc = seer_json_load_state(post, v, file, "postState")) < 0)
            goto fixture;
        if ((rc = seer_memstore_state_root(post, &want_root)) < 0)
            goto fail;
    } else if ((rc = seer_json_get(&v, test, file, "postStateHash")) < 0 ||
               (rc = seer_json_bytes32(&want_root, v, file, "postStateHash")) < 0) {
        goto fixture;
    }
    if (ok && memcmp(&want_root, &got_root, 32) != 0) {
        char g[67], w[67];
        seer_conf_hex32(g, &got_root);
        seer_conf_hex32(w, &want_root);
        snprintf(err, errcap, "post state root %s, the fixture's %s", g, w);
        ok = false;
    }
    r->pass = ok;
    rc = 0;
    goto done;
fixture:
    if (rc == SEER_ENOMEM)
        goto fail;
    snprintf(err, errcap, "malformed fixture: %s", seer_error_detail());
    rc = 0;
    goto done;
fail:
done:
    free(raw);
    seer_memstore_free(store);
    seer_memstore_free(post);
    chain_free(&chain);
    return rc;
}

int seer_blocktest_run_file(const seer_blocktest_options *opts, const char *path, seer_blocktest_cb cb,
                            void *cb_ctx)
{
    static const seer_blocktest_options defaults = SEER_BLOCKTEST_OPTIONS_INIT;
    if (!path || !cb)
        return SEER_EINVAL;
    if (!opts)
        opts = &defaults;
    seer_conf_file cf;
    bt_exec x = {opts->threads, NULL};
    int rc = seer_conf_file_open(&cf, path, opts->run_regex);
    if (rc < 0)
        goto out;
    if (x.threads > 0 && (rc = seer_analyzer_new(&x.an, NULL)) < 0)
        goto out;
    char err[1024];
    json_object_object_foreach(cf.doc, name, test)
    {
        if (!seer_conf_file_selected(&cf, name))
            continue;
        seer_blocktest_result r;
        memset(&r, 0, sizeof r);
        r.file = path;
        r.name = name;
        json_object *net = seer_json_get_opt(test, "network");
        r.network = net ? json_object_get_string(net) : "";
        err[0] = 0;
        if ((rc = run_test(opts, &x, path, name, test, &r, err, sizeof err)) < 0)
            goto out;
        r.error = err;
        cb(cb_ctx, &r);
    }
    rc = 0;
out:
    seer_analyzer_free(x.an);
    seer_conf_file_close(&cf);
    return rc;
}

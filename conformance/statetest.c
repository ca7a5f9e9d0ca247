/* The GeneralStateTests runner: for each (test, fork, index) case, load the
 * pre-state into a memstore, build the transaction from the indexed data,
 * gas and value, execute it in a world and compare the post-state root and
 * the logs hash with the fixture (or check that the expected exception is
 * raised). Behaves like geth's `evm statetest` so that differential tools
 * can drive it.
 *
 * With opts->threads > 0 each case runs instead as a one-transaction block
 * through the parallel executor (DESIGN.md: parallel = serial), against
 * the same expectations. */
#include "seer/conformance.h"

#include "chain/block.h"
#include "chain/exec.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "common/util.h"
#include "conformance/json.h"
#include "conformance/runner.h"
#include "state/memstore.h"
#include "vm/interp.h"
#include "vm/tx.h"
#include "vm/world.h"

#include <inttypes.h>
#include <pthread.h>
#include <secp256k1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the reader: the memstore's, with state tests' BLOCKHASH rule ---- */

/* ethereum/tests fill BLOCKHASH(n) with keccak256 of n's decimal digits
 * (the filler's test host; geth's runner does the same). */
typedef struct st_reader {
    seer_state_reader base;
} st_reader;

static int st_get_account(void *ctx, const seer_address *a, seer_account *out)
{
    st_reader *r = ctx;
    return r->base.vt->get_account(r->base.ctx, a, out);
}
static int st_get_storage(void *ctx, const seer_address *a, const u256 *k, u256 *out)
{
    st_reader *r = ctx;
    return r->base.vt->get_storage(r->base.ctx, a, k, out);
}
static int st_has_storage(void *ctx, const seer_address *a, bool *out)
{
    st_reader *r = ctx;
    return r->base.vt->has_storage(r->base.ctx, a, out);
}
static int st_get_code(void *ctx, const seer_bytes32 *h, const uint8_t **code, size_t *len)
{
    st_reader *r = ctx;
    return r->base.vt->get_code(r->base.ctx, h, code, len);
}
static int st_get_block_hash(void *ctx, uint64_t number, seer_bytes32 *out)
{
    char dec[24];
    int n = snprintf(dec, sizeof dec, "%" PRIu64, number);
    seer_keccak256(out->bytes, dec, (size_t)n);
    return 0;
}
static const seer_state_reader_vt st_reader_vt = {st_get_account, st_get_storage, st_has_storage, st_get_code,
                                                  st_get_block_hash};

/* ---- sender from the secret key ---- */

static secp256k1_context *sign_ctx;
static pthread_once_t sign_once = PTHREAD_ONCE_INIT;
static void sign_init(void)
{
    sign_ctx = secp256k1_context_create(SECP256K1_CONTEXT_SIGN);
}

static int address_from_secret(seer_address *out, const seer_bytes32 *secret)
{
    pthread_once(&sign_once, sign_init);
    secp256k1_pubkey pk;
    if (!sign_ctx || !secp256k1_ec_pubkey_create(sign_ctx, &pk, secret->bytes))
        return seer_err(SEER_EPARSE, "transaction.secretKey: not a valid secp256k1 secret key");
    uint8_t ser[65], h[32];
    size_t len = sizeof ser;
    secp256k1_ec_pubkey_serialize(sign_ctx, ser, &len, &pk, SECP256K1_EC_UNCOMPRESSED);
    seer_keccak256(h, ser + 1, 64);
    memcpy(out->bytes, h + 12, 20);
    return 0;
}

/* ---- EIP-3155 tracing ---- */

typedef struct trace_ctx {
    FILE *f;
} trace_ctx;

static void trace_step(void *ctx, const seer_trace_step *s)
{
    FILE *f = ((trace_ctx *)ctx)->f;
    char hex[67];
    fprintf(f,
            "{\"pc\":%" PRIu32 ",\"op\":%u,\"gas\":\"0x%" PRIx64 "\",\"gasCost\":\"0x%" PRIx64
            "\",\"memSize\":%zu,\"stack\":[",
            s->pc, s->op, (uint64_t)s->gas, (uint64_t)s->gas_cost, s->mem_size);
    for (size_t i = 0; i < s->stack_size; i++)
        fprintf(f, "%s\"%s\"", i ? "," : "", u256_to_hex(hex, &s->stack[i]));
    fprintf(f, "],\"depth\":%" PRId32 ",\"refund\":%" PRId64 ",\"opName\":\"%s\"}\n", s->depth, s->refund,
            s->op_name);
}

/* ---- building the case ---- */

typedef struct st_case {
    const char *file;
    const char *name;
    json_object *test;
    json_object *env, *txj, *pre;
} st_case;

static int load_env(seer_block_env *env, const st_case *c, seer_fork fork)
{
    const char *f = c->file;
    json_object *v;
    int rc;
    memset(env, 0, sizeof *env);
    env->fork = fork;
    env->chain_id = 1;
    if ((rc = seer_json_get(&v, c->env, f, "currentCoinbase")) < 0 ||
        (rc = seer_json_address(&env->coinbase, v, f, "env.currentCoinbase")) < 0)
        return rc;
    if ((rc = seer_json_get(&v, c->env, f, "currentNumber")) < 0 ||
        (rc = seer_json_u64(&env->number, v, f, "env.currentNumber")) < 0)
        return rc;
    if ((rc = seer_json_get(&v, c->env, f, "currentTimestamp")) < 0 ||
        (rc = seer_json_u64(&env->timestamp, v, f, "env.currentTimestamp")) < 0)
        return rc;
    if ((rc = seer_json_get(&v, c->env, f, "currentGasLimit")) < 0 ||
        (rc = seer_json_u64(&env->gas_limit, v, f, "env.currentGasLimit")) < 0)
        return rc;
    /* DIFFICULTY before the Merge, PREVRANDAO (EIP-4399) after. */
    const char *rnd = fork >= SEER_FORK_PARIS ? "currentRandom" : "currentDifficulty";
    if ((v = seer_json_get_opt(c->env, rnd)) && (rc = seer_json_u256(&env->prev_randao, v, f, rnd)) < 0)
        return rc;
    if ((v = seer_json_get_opt(c->env, "currentBaseFee")) &&
        (rc = seer_json_u256(&env->base_fee, v, f, "env.currentBaseFee")) < 0)
        return rc;
    if ((v = seer_json_get_opt(c->env, "currentExcessBlobGas")) &&
        (rc = seer_json_u256(&env->excess_blob_gas, v, f, "env.currentExcessBlobGas")) < 0)
        return rc;
    return 0;
}

static int pick(json_object **out, json_object *arr, size_t idx, const char *file, const char *field)
{
    if (!json_object_is_type(arr, json_type_array) || idx >= json_object_array_length(arr))
        return seer_err(SEER_EPARSE, "%s: field 'transaction.%s': index %zu out of range", file, field, idx);
    *out = json_object_array_get_idx(arr, idx);
    return 0;
}

/* Builds the transaction for one case. A value that cannot be represented
 * (a gas limit above 2^64-1) makes the transaction invalid rather than the
 * fixture malformed: *invalid is set and 0 returned. */
static int build_tx(seer_tx *tx, bool *invalid, const st_case *c, json_object *indexes)
{
    const char *f = c->file;
    json_object *t = c->txj, *v, *arr;
    int rc;
    memset(tx, 0, sizeof *tx);
    *invalid = false;
    int64_t di = 0, gi = 0, vi = 0;
    if ((v = seer_json_get_opt(indexes, "data")))
        di = json_object_get_int64(v);
    if ((v = seer_json_get_opt(indexes, "gas")))
        gi = json_object_get_int64(v);
    if ((v = seer_json_get_opt(indexes, "value")))
        vi = json_object_get_int64(v);

    if ((rc = seer_json_get(&v, t, f, "nonce")) < 0)
        return rc;
    if (seer_json_u64(&tx->nonce, v, f, "transaction.nonce") < 0) {
        *invalid = true;
        return 0;
    }
    if ((rc = seer_json_get(&arr, t, f, "gasLimit")) < 0 ||
        (rc = pick(&v, arr, (size_t)gi, f, "gasLimit")) < 0)
        return rc;
    if (seer_json_u64(&tx->gas_limit, v, f, "transaction.gasLimit") < 0) {
        *invalid = true;
        return 0;
    }
    if ((rc = seer_json_get(&arr, t, f, "value")) < 0 || (rc = pick(&v, arr, (size_t)vi, f, "value")) < 0)
        return rc;
    if (seer_json_u256(&tx->value, v, f, "transaction.value") < 0) {
        *invalid = true; /* values past 2^256-1 exist in the suite */
        return 0;
    }
    if ((rc = seer_json_get(&arr, t, f, "data")) < 0 || (rc = pick(&v, arr, (size_t)di, f, "data")) < 0 ||
        (rc = seer_json_bytes(&tx->data, &tx->data_len, v, f, "transaction.data")) < 0)
        return rc;
    v = seer_json_get_opt(t, "to");
    const char *to_s = v ? json_object_get_string(v) : "";
    if (to_s && *to_s) {
        if ((rc = seer_json_address(&tx->to, v, f, "transaction.to")) < 0)
            return rc;
        tx->has_to = true;
    }
    /* Type: blob fields make type 3, a fee cap type 2, an access list 1. */
    json_object *gp = seer_json_get_opt(t, "gasPrice"), *mf = seer_json_get_opt(t, "maxFeePerGas");
    json_object *mp = seer_json_get_opt(t, "maxPriorityFeePerGas");
    json_object *bh = seer_json_get_opt(t, "blobVersionedHashes");
    json_object *al_all = seer_json_get_opt(t, "accessLists");
    json_object *al = NULL;
    if (al_all && json_object_is_type(al_all, json_type_array) &&
        (size_t)di < json_object_array_length(al_all))
        al = json_object_array_get_idx(al_all, (size_t)di);
    if (bh)
        tx->type = 3;
    else if (mf)
        tx->type = 2;
    else if (al)
        tx->type = 1;
    if (mf) {
        if (seer_json_u256(&tx->max_fee, mf, f, "transaction.maxFeePerGas") < 0 || !mp ||
            seer_json_u256(&tx->max_priority_fee, mp, f, "transaction.maxPriorityFeePerGas") < 0) {
            *invalid = true;
            return 0;
        }
        tx->gas_price = tx->max_fee;
    } else {
        if (!gp)
            return seer_err(SEER_EPARSE, "%s: field 'transaction.gasPrice': missing", f);
        if (seer_json_u256(&tx->gas_price, gp, f, "transaction.gasPrice") < 0) {
            *invalid = true;
            return 0;
        }
        tx->max_fee = tx->max_priority_fee = tx->gas_price;
    }
    if (tx->type != 0)
        tx->has_chain_id = true, tx->chain_id = 1;
    if (al) {
        size_t n = json_object_array_length(al);
        tx->access_list = calloc(n ? n : 1, sizeof *tx->access_list);
        if (!tx->access_list)
            return SEER_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            json_object *e = json_object_array_get_idx(al, i), *keys;
            seer_access_list_entry *ae = &tx->access_list[i];
            tx->access_list_len = i + 1;
            if ((rc = seer_json_get(&v, e, f, "address")) < 0 ||
                (rc = seer_json_address(&ae->addr, v, f, "transaction.accessLists.address")) < 0 ||
                (rc = seer_json_get(&keys, e, f, "storageKeys")) < 0)
                return rc;
            size_t nk = json_object_array_length(keys);
            ae->keys = calloc(nk ? nk : 1, sizeof *ae->keys);
            if (!ae->keys)
                return SEER_ENOMEM;
            for (size_t k = 0; k < nk; k++) {
                u256 key;
                if ((rc = seer_json_u256(&key, json_object_array_get_idx(keys, k), f,
                                         "transaction.accessLists.storageKeys")) < 0)
                    return rc;
                u256_to_be32(ae->keys[k].bytes, &key);
            }
            ae->nkeys = nk;
        }
    }
    if (bh) {
        size_t n = json_object_array_length(bh);
        tx->blob_hashes = calloc(n ? n : 1, sizeof *tx->blob_hashes);
        if (!tx->blob_hashes)
            return SEER_ENOMEM;
        for (size_t i = 0; i < n; i++)
            if ((rc = seer_json_bytes32(&tx->blob_hashes[i], json_object_array_get_idx(bh, i), f,
                                        "transaction.blobVersionedHashes")) < 0)
                return rc;
        tx->nblob_hashes = n;
        if ((v = seer_json_get_opt(t, "maxFeePerBlobGas")) &&
            seer_json_u256(&tx->max_fee_per_blob_gas, v, f, "transaction.maxFeePerBlobGas") < 0) {
            *invalid = true;
            return 0;
        }
    }
    /* The sender: from the secret key (the fixtures' own rule), else the
     * `sender` field. */
    if ((v = seer_json_get_opt(t, "secretKey"))) {
        seer_bytes32 sk;
        if ((rc = seer_json_bytes32(&sk, v, f, "transaction.secretKey")) < 0 ||
            (rc = address_from_secret(&tx->sender, &sk)) < 0)
            return rc;
    } else if ((rc = seer_json_get(&v, t, f, "sender")) < 0 ||
               (rc = seer_json_address(&tx->sender, v, f, "transaction.sender")) < 0) {
        return rc;
    }
    tx->has_sender = true;
    return 0;
}

static void result_init(seer_statetest_result *r, const st_case *c, const char *fork, int index)
{
    memset(r, 0, sizeof *r);
    r->file = c->file;
    r->name = c->name;
    r->fork = fork;
    r->index = index;
    r->error = "";
    strcpy(r->state_root, "0x");
}

static int ms_apply(void *ctx, const seer_changeset *cs)
{
    return seer_memstore_apply(ctx, cs);
}
static int ms_root(void *ctx, seer_bytes32 *out)
{
    return seer_memstore_state_root(ctx, out);
}

/* The case as a block of one transaction through the parallel executor:
 * the test's env as the header (seer_block_env_from_header gives back the
 * same env), nothing but the transaction applied. On a valid transaction
 * `store` holds the post state and *logs_hash the hash of its logs.
 * Returns 0 (*exception set when the transaction is invalid), SEER_EPARSE
 * for an env no header can carry, or the executor's error. */
static int exec_par(const char **exception, seer_bytes32 *logs_hash, const seer_statetest_options *opts,
                    seer_analyzer *an, seer_memstore *store, const seer_state_reader *reader,
                    const seer_block_env *env, seer_tx *tx, const char *file)
{
    seer_block b;
    memset(&b, 0, sizeof b);
    seer_header *h = &b.header;
    h->coinbase = env->coinbase;
    h->number = env->number;
    h->timestamp = env->timestamp;
    h->gas_limit = env->gas_limit;
    if (env->fork >= SEER_FORK_PARIS)
        u256_to_be32(h->mix_hash.bytes, &env->prev_randao); /* EIP-4399 */
    else
        h->difficulty = env->prev_randao;
    h->has_base_fee = env->fork >= SEER_FORK_LONDON;
    h->base_fee = env->base_fee;
    if (!u256_fits_u64(&env->excess_blob_gas))
        return seer_err(SEER_EPARSE,
                        "%s: field 'env.currentExcessBlobGas': above 2^64-1, no header carries it", file);
    h->has_blob_gas = env->fork >= SEER_FORK_CANCUN;
    h->excess_blob_gas = env->excess_blob_gas.w[0];
    b.ntxs = 1;
    b.txs = tx; /* borrowed: b is not cleared */
    seer_exec_target t = {*reader, ms_apply, ms_root, store};
    seer_exec_options eo = SEER_EXEC_OPTIONS_TXS_ONLY;
    seer_block_result res;
    int rc = seer_conf_exec_block(&res, &t, &eo, &b, env->fork, opts->threads, an);
    if (rc < 0)
        return rc;
    *exception = res.exception;
    if (!res.exception) {
        SEER_VERIFY(res.nreceipts == 1);
        rc = seer_logs_hash(logs_hash, res.receipts[0].logs, res.receipts[0].nlogs);
    }
    seer_block_result_clear(&res);
    return rc;
}

/* Runs one case; fills r. Returns a negative error only for failures of
 * seer itself (out of memory); fixture problems become failed cases. */
static int run_case(const seer_statetest_options *opts, seer_analyzer *an, const st_case *c, seer_fork fork,
                    json_object *post, seer_statetest_result *r, char *errbuf, size_t errcap)
{
    const char *f = c->file;
    seer_memstore *store = NULL;
    seer_world *world = NULL;
    seer_tx tx;
    seer_tx_result res;
    memset(&tx, 0, sizeof tx);
    memset(&res, 0, sizeof res);
    int rc = 0;
    json_object *v, *indexes = NULL;
    seer_bytes32 want_root, want_logs, got_root, got_logs;
    bool invalid = false;

    json_object *expect_exc = seer_json_get_opt(post, "expectException");
    if ((rc = seer_json_get(&v, post, f, "hash")) < 0 ||
        (rc = seer_json_bytes32(&want_root, v, f, "post.hash")) < 0 ||
        (rc = seer_json_get(&v, post, f, "logs")) < 0 ||
        (rc = seer_json_bytes32(&want_logs, v, f, "post.logs")) < 0 ||
        (rc = seer_json_get(&indexes, post, f, "indexes")) < 0)
        goto fixture_error;
    if ((rc = seer_memstore_new(&store)) < 0)
        goto cleanup;
    if ((rc = seer_json_load_pre(store, c->pre, f)) < 0)
        goto fixture_error;
    seer_block_env env;
    if ((rc = load_env(&env, c, fork)) < 0)
        goto fixture_error;
    if ((rc = build_tx(&tx, &invalid, c, indexes)) < 0) {
        if (rc == SEER_ENOMEM)
            goto cleanup;
        goto fixture_error;
    }
    st_reader sr = {seer_memstore_reader(store)};
    seer_state_reader reader = {&st_reader_vt, &sr};
    if ((rc = seer_world_create(&world, &reader, &env)) < 0)
        goto cleanup;
    trace_ctx tctx = {opts->trace};
    seer_tracer tracer = {trace_step, &tctx};
    if (opts->trace)
        seer_world_set_tracer(world, &tracer);
    const char *exception = NULL;
    if (invalid) {
        exception = "TransactionException.INVALID_FIELD_VALUE";
    } else if (opts->threads > 0) {
        if ((rc = exec_par(&exception, &got_logs, opts, an, store, &reader, &env, &tx, f)) < 0) {
            if (rc == SEER_ENOMEM)
                goto cleanup;
            snprintf(errbuf, errcap, "parallel execution (%u threads) failed: %s: %s", opts->threads,
                     seer_strerror(rc), seer_error_detail());
            r->error = errbuf;
            rc = 0;
            goto cleanup;
        }
    } else {
        if ((rc = seer_world_execute_tx(world, &res, &tx, 0)) < 0) {
            snprintf(errbuf, errcap, "execution failed: %s: %s", seer_strerror(rc), seer_error_detail());
            r->error = errbuf;
            rc = rc == SEER_ENOMEM ? rc : 0;
            goto cleanup;
        }
        exception = res.exception;
    }
    if (!exception && opts->threads > 0) {
        /* exec_par applied the changes and hashed the logs */
    } else if (!exception) {
        const seer_changeset *cs;
        if ((rc = seer_world_changeset(world, &cs)) < 0 || (rc = seer_memstore_apply(store, cs)) < 0)
            goto cleanup;
        if ((rc = seer_logs_hash(&got_logs, res.logs, res.nlogs)) < 0)
            goto cleanup;
    } else {
        seer_logs_hash(&got_logs, NULL, 0);
    }
    if ((rc = seer_memstore_state_root(store, &got_root)) < 0)
        goto cleanup;
    seer_conf_hex32(r->state_root, &got_root);
    if (expect_exc) {
        r->pass = exception != NULL;
        if (!r->pass)
            snprintf(errbuf, errcap, "expected exception %s, the transaction was valid",
                     json_object_get_string(expect_exc));
        else
            snprintf(errbuf, errcap, "%s", exception);
        r->error = errbuf;
    } else if (exception) {
        snprintf(errbuf, errcap, "unexpected exception %s", exception);
        r->error = errbuf;
    } else {
        bool root_ok = memcmp(&got_root, &want_root, 32) == 0;
        bool logs_ok = memcmp(&got_logs, &want_logs, 32) == 0;
        r->pass = root_ok && logs_ok;
        if (!r->pass) {
            char w1[67], w2[67], g2[67];
            seer_conf_hex32(w1, &want_root);
            seer_conf_hex32(w2, &want_logs);
            seer_conf_hex32(g2, &got_logs);
            if (!root_ok)
                snprintf(errbuf, errcap, "post state root mismatch: got %s, want %s", r->state_root, w1);
            else
                snprintf(errbuf, errcap, "logs hash mismatch: got %s, want %s", g2, w2);
            r->error = errbuf;
        }
    }
    rc = 0;
    goto cleanup;

fixture_error:
    snprintf(errbuf, errcap, "malformed fixture: %s", seer_error_detail());
    r->error = errbuf;
    r->pass = false;
    rc = 0;
cleanup:
    seer_tx_result_clear(&res);
    seer_tx_clear(&tx);
    seer_world_free(world);
    seer_memstore_free(store);
    return rc;
}

int seer_statetest_run_file(const seer_statetest_options *opts, const char *path, seer_statetest_cb cb,
                            void *cb_ctx)
{
    static const seer_statetest_options defaults = SEER_STATETEST_OPTIONS_INIT;
    if (!path || !cb)
        return SEER_EINVAL;
    if (!opts)
        opts = &defaults;
    seer_conf_file cf;
    seer_analyzer *an = NULL;
    int rc = seer_conf_file_open(&cf, path, opts->run_regex);
    if (rc < 0)
        goto out;
    /* One analyzer per file: its summaries are cached by code hash, and the
     * cases of one file share their contracts. */
    if (opts->threads > 0 && (rc = seer_analyzer_new(&an, NULL)) < 0)
        goto out;
    char errbuf[1024];
    json_object_object_foreach(cf.doc, name, test)
    {
        if (!seer_conf_file_selected(&cf, name))
            continue;
        st_case c = {path, name, test, NULL, NULL, NULL};
        json_object *post = NULL;
        seer_statetest_result r;
        if (seer_json_get(&c.env, test, path, "env") < 0 ||
            seer_json_get(&c.txj, test, path, "transaction") < 0 ||
            seer_json_get(&c.pre, test, path, "pre") < 0 || seer_json_get(&post, test, path, "post") < 0) {
            result_init(&r, &c, "", 0);
            snprintf(errbuf, sizeof errbuf, "malformed fixture: %s", seer_error_detail());
            r.error = errbuf;
            cb(cb_ctx, &r);
            continue;
        }
        json_object_object_foreach(post, fork_name, cases)
        {
            if (opts->fork && strcmp(opts->fork, fork_name) != 0)
                continue;
            seer_fork fork;
            bool known = seer_fork_from_name(&fork, fork_name) == 0 && fork <= SEER_FORK_CANCUN;
            size_t n = json_object_is_type(cases, json_type_array) ? json_object_array_length(cases) : 0;
            for (size_t i = 0; i < n; i++) {
                result_init(&r, &c, fork_name, (int)i);
                if (!known) {
                    r.skipped = true;
                    r.error = "fork not implemented";
                    cb(cb_ctx, &r);
                    continue;
                }
                errbuf[0] = 0;
                rc = run_case(opts, an, &c, fork, json_object_array_get_idx(cases, i), &r, errbuf,
                              sizeof errbuf);
                if (rc < 0)
                    goto out;
                cb(cb_ctx, &r);
            }
        }
    }
    rc = 0;
out:
    seer_analyzer_free(an);
    seer_conf_file_close(&cf);
    return rc;
}

/* The scheduler's units: access-set modes (reads, writes, credits as
 * deltas, wildcards), conflict-graph edges and levels, the DAG's
 * invariants on random sets, build-mode order (nonce chains, gas limit, no
 * conflict inside a batch), and every conflict pattern of up to 5
 * transactions executed at 1..8 threads against serial execution. */
#include "chain/block.h"
#include "chain/exec.h"
#include "scheduler/sched.h"
#include "state/memstore.h"
#include "test_util.h"

static seer_key key(uint8_t a, int field, uint8_t slot)
{
    seer_key k;
    memset(&k, 0, sizeof k);
    memset(k.addr, a, 20);
    k.field = (uint8_t)field;
    k.slot[31] = slot;
    return k;
}

static int mode_of(const seer_access_set *s, seer_key k)
{
    for (size_t i = 0; i < s->n; i++)
        if (!memcmp(&s->acc[i].key, &k, sizeof k))
            return s->acc[i].mode;
    return 0;
}

/* ---- access sets ---- */

START_TEST(test_actual_modes)
{
    seer_key reads[] = {key(1, SEER_KEY_BALANCE, 0), key(1, SEER_KEY_NONCE, 0), key(3, SEER_KEY_STORAGE, 7)};
    seer_key writes[] = {key(1, SEER_KEY_BALANCE, 0), key(1, SEER_KEY_NONCE, 0), key(2, SEER_KEY_BALANCE, 0),
                         key(3, SEER_KEY_STORAGE, 7)};
    seer_address cb;
    memset(&cb, 9, sizeof cb);
    seer_access_set s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(seer_access_set_from_actual(&s, reads, 3, writes, 4, &cb), 0);
    ck_assert_int_eq(mode_of(&s, key(1, SEER_KEY_BALANCE, 0)), SEER_ACC_W); /* read and written */
    ck_assert_int_eq(mode_of(&s, key(2, SEER_KEY_BALANCE, 0)), SEER_ACC_D); /* credited blind */
    ck_assert_int_eq(mode_of(&s, key(3, SEER_KEY_STORAGE, 7)), SEER_ACC_W);
    ck_assert_int_eq(mode_of(&s, key(9, SEER_KEY_BALANCE, 0)), SEER_ACC_D); /* the coinbase fee */
    ck_assert_uint_eq(s.n, 5);
    seer_access_set_clear(&s);

    /* the coinbase read: its balance is no delta any more */
    seer_key r2[] = {key(9, SEER_KEY_BALANCE, 0)};
    seer_key w2[] = {key(9, SEER_KEY_BALANCE, 0)};
    ck_assert_int_eq(seer_access_set_from_actual(&s, r2, 1, w2, 1, &cb), 0);
    ck_assert_int_eq(mode_of(&s, key(9, SEER_KEY_BALANCE, 0)), SEER_ACC_W);
    seer_access_set_clear(&s);

    /* a fresh account created by a blind credit: its existence is a delta;
     * observed existence (a value call's new-account charge) is not */
    seer_key w3[] = {key(5, SEER_KEY_BALANCE, 0), key(5, SEER_KEY_EXISTS, 0)};
    ck_assert_int_eq(seer_access_set_from_actual(&s, NULL, 0, w3, 2, NULL), 0);
    ck_assert_int_eq(mode_of(&s, key(5, SEER_KEY_EXISTS, 0)), SEER_ACC_D);
    seer_access_set_clear(&s);
    seer_key r4[] = {key(5, SEER_KEY_EXISTS, 0)};
    ck_assert_int_eq(seer_access_set_from_actual(&s, r4, 1, w3, 2, NULL), 0);
    ck_assert_int_eq(mode_of(&s, key(5, SEER_KEY_EXISTS, 0)), SEER_ACC_W);
    seer_access_set_clear(&s);
}
END_TEST

static seer_access_set one(seer_key k, int mode)
{
    seer_access_set s;
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(seer_access_set_add(&s, &k, mode), 0);
    seer_access_set_normalize(&s);
    return s;
}

START_TEST(test_conflict_rules)
{
    static const int modes[3] = {SEER_ACC_R, SEER_ACC_D, SEER_ACC_W};
    /* only R/R and D/D commute */
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            seer_access_set a = one(key(1, SEER_KEY_BALANCE, 0), modes[i]);
            seer_access_set b = one(key(1, SEER_KEY_BALANCE, 0), modes[j]);
            bool expect = !(modes[i] == modes[j] && modes[i] != SEER_ACC_W);
            seer_key why;
            ck_assert_int_eq(seer_access_conflict(&a, &b, &why), expect);
            if (expect)
                ck_assert_int_eq(memcmp(&why, &a.acc[0].key, sizeof why), 0);
            seer_access_set c = one(key(2, SEER_KEY_BALANCE, 0), modes[j]);
            ck_assert(!seer_access_conflict(&a, &c, NULL)); /* other key */
            seer_access_set_clear(&a);
            seer_access_set_clear(&b);
            seer_access_set_clear(&c);
        }
    /* "every slot of A" covers A's slots, not its balance nor B's slots */
    seer_access_set w;
    memset(&w, 0, sizeof w);
    seer_address A;
    memset(&A, 1, sizeof A);
    ck_assert_int_eq(seer_access_set_add_all_slots(&w, &A), 0);
    seer_access_set_normalize(&w);
    seer_access_set s1 = one(key(1, SEER_KEY_STORAGE, 3), SEER_ACC_R);
    seer_access_set s2 = one(key(1, SEER_KEY_BALANCE, 0), SEER_ACC_W);
    seer_access_set s3 = one(key(2, SEER_KEY_STORAGE, 3), SEER_ACC_W);
    seer_key why;
    ck_assert(seer_access_conflict(&w, &s1, &why));
    ck_assert_uint_eq(why.field, SEER_KEY_ALL_SLOTS);
    ck_assert(seer_access_conflict(&s1, &w, NULL));
    ck_assert(!seer_access_conflict(&w, &s2, NULL));
    ck_assert(!seer_access_conflict(&w, &s3, NULL));
    ck_assert(seer_access_conflict(&w, &w, NULL));
    /* "unknown" conflicts with everything, even an empty set */
    seer_access_set u, e;
    memset(&u, 0, sizeof u);
    memset(&e, 0, sizeof e);
    u.unknown = true;
    ck_assert(seer_access_conflict(&u, &e, &why));
    ck_assert_uint_eq(why.field, SEER_KEY_GLOBAL);
    ck_assert(!seer_access_conflict(&e, &s1, NULL));
    /* union keeps one entry per key and merges modes */
    seer_access_set m = one(key(1, SEER_KEY_STORAGE, 3), SEER_ACC_R);
    seer_access_set m2 = one(key(1, SEER_KEY_STORAGE, 3), SEER_ACC_D);
    ck_assert_int_eq(seer_access_set_union(&m, &m2), 0);
    ck_assert_uint_eq(m.n, 1);
    ck_assert_int_eq(m.acc[0].mode, SEER_ACC_W);
    seer_access_set_clear(&m);
    seer_access_set_clear(&m2);
    seer_access_set_clear(&w);
    seer_access_set_clear(&s1);
    seer_access_set_clear(&s2);
    seer_access_set_clear(&s3);
}
END_TEST

/* ---- the graph ---- */

START_TEST(test_graph_small)
{
    /* 0: W x      1: R x      2: R x      3: W x      4: D c
     * 5: D c      6: R c      7: all slots of A   8: A slot 1 R
     * expected: 1,2 after 0; 3 after 1 and 2 (not directly 0); 5 no edge
     * to 4 (credits commute); 6 after 4 and 5; 8 after 7. */
    seer_access_set s[9];
    memset(s, 0, sizeof s);
    seer_key x = key(1, SEER_KEY_STORAGE, 1), c = key(9, SEER_KEY_BALANCE, 0),
             a1 = key(5, SEER_KEY_STORAGE, 1);
    seer_access_set_add(&s[0], &x, SEER_ACC_W);
    seer_access_set_add(&s[1], &x, SEER_ACC_R);
    seer_access_set_add(&s[2], &x, SEER_ACC_R);
    seer_access_set_add(&s[3], &x, SEER_ACC_W);
    seer_access_set_add(&s[4], &c, SEER_ACC_D);
    seer_access_set_add(&s[5], &c, SEER_ACC_D);
    seer_access_set_add(&s[6], &c, SEER_ACC_R);
    seer_address A;
    memset(&A, 5, sizeof A);
    seer_access_set_add_all_slots(&s[7], &A);
    seer_access_set_add(&s[8], &a1, SEER_ACC_R);
    for (int i = 0; i < 9; i++)
        seer_access_set_normalize(&s[i]);
    uint64_t w[9] = {10, 20, 30, 40, 1, 1, 1, 5, 5};
    seer_sched_graph g;
    ck_assert_int_eq(seer_sched_graph_build(&g, s, 9, w, NULL), 0);
    static const uint32_t lv[9] = {0, 1, 1, 2, 0, 0, 1, 0, 1};
    for (int i = 0; i < 9; i++)
        ck_assert_msg(g.level[i] == lv[i], "level of %d: %u, want %u", i, g.level[i], lv[i]);
    ck_assert_uint_eq(g.nlevels, 3);
    /* preds of 3 are exactly {1, 2} */
    ck_assert_uint_eq(g.pred_start[4] - g.pred_start[3], 2);
    ck_assert_uint_eq(g.pred[g.pred_start[3]], 1);
    ck_assert_uint_eq(g.pred[g.pred_start[3] + 1], 2);
    ck_assert_int_eq(memcmp(&g.pred_key[g.pred_start[3]], &x, sizeof x), 0);
    ck_assert_uint_eq(g.pred_start[6] - g.pred_start[5], 0);
    ck_assert_uint_eq(g.pred_start[7] - g.pred_start[6], 2);
    ck_assert_uint_eq(g.pred_start[9] - g.pred_start[8], 1);
    ck_assert_uint_eq(g.pred[g.pred_start[8]], 7);
    /* critical path 10 + 30 + 40; levels 30 + 40 + ... */
    ck_assert_uint_eq(g.critical_gas, 80);
    ck_assert_uint_eq(g.total_gas, 113);
    ck_assert_uint_eq(g.level_gas, 10 + 30 + 40);
    ck_assert_uint_eq(seer_sched_graph_list_makespan(&g, w, 1), 113);
    ck_assert_uint_eq(seer_sched_graph_list_makespan(&g, w, 64), 80);
    seer_sched_graph_clear(&g);
    for (int i = 0; i < 9; i++)
        seer_access_set_clear(&s[i]);
}
END_TEST

static void random_sets(seer_access_set *s, size_t n, test_rng *r, bool wild)
{
    for (size_t i = 0; i < n; i++) {
        memset(&s[i], 0, sizeof s[i]);
        size_t k = test_rng_next(r) % 4;
        for (size_t j = 0; j < k; j++) {
            uint8_t a = (uint8_t)(1 + test_rng_next(r) % 3);
            int f = (int)(test_rng_next(r) % 2) ? SEER_KEY_STORAGE : SEER_KEY_BALANCE;
            seer_key kk = key(a, f, (uint8_t)(test_rng_next(r) % 3));
            int m = 1 + (int)(test_rng_next(r) % 3);
            seer_access_set_add(&s[i], &kk, m);
        }
        if (wild && test_rng_next(r) % 17 == 0) {
            seer_address A;
            memset(&A, 1 + (int)(test_rng_next(r) % 3), sizeof A);
            seer_access_set_add_all_slots(&s[i], &A);
        }
        if (wild && test_rng_next(r) % 41 == 0)
            s[i].unknown = true;
        seer_access_set_normalize(&s[i]);
    }
}

START_TEST(test_graph_invariants)
{
    test_rng r;
    test_rng_init(&r, test_seed("test_scheduler") ^ 0x9a);
    for (int it = 0; it < 200; it++) {
        size_t n = 1 + test_rng_next(&r) % 40;
        seer_access_set s[40];
        uint64_t w[40];
        random_sets(s, n, &r, true);
        for (size_t i = 0; i < n; i++)
            w[i] = 1 + test_rng_next(&r) % 100;
        seer_sched_graph g;
        ck_assert_int_eq(seer_sched_graph_build(&g, s, n, w, NULL), 0);
        /* reachability by the DAG's edges */
        bool reach[40][40];
        memset(reach, 0, sizeof reach);
        for (size_t b = 0; b < n; b++)
            for (uint32_t e = g.pred_start[b]; e < g.pred_start[b + 1]; e++) {
                uint32_t a = g.pred[e];
                ck_assert_uint_lt(a, b);
                ck_assert_uint_lt(g.level[a], g.level[b]);
                /* the key behind the edge is accessed by both */
                reach[a][b] = true;
                for (size_t x = 0; x < a; x++)
                    if (reach[x][a])
                        reach[x][b] = true;
            }
        for (size_t a = 0; a < n; a++)
            for (size_t b = a + 1; b < n; b++)
                if (seer_access_conflict(&s[a], &s[b], NULL)) {
                    ck_assert_msg(g.level[a] < g.level[b], "iteration %d: conflicting %zu<%zu not ordered",
                                  it, a, b);
                    ck_assert_msg(reach[a][b], "iteration %d: conflicting %zu<%zu not connected", it, a, b);
                }
        uint64_t one_thr = seer_sched_graph_list_makespan(&g, w, 1);
        ck_assert_uint_eq(one_thr, g.total_gas);
        for (unsigned p = 2; p <= 8; p *= 2) {
            uint64_t m = seer_sched_graph_list_makespan(&g, w, p);
            ck_assert_uint_ge(m, g.critical_gas);
            ck_assert_uint_ge(m * p, g.total_gas);
            ck_assert_uint_le(m, g.total_gas);
        }
        ck_assert_uint_le(g.critical_gas, g.level_gas);
        seer_sched_graph_clear(&g);
        for (size_t i = 0; i < n; i++)
            seer_access_set_clear(&s[i]);
    }
}
END_TEST

START_TEST(test_build_order)
{
    test_rng r;
    test_rng_init(&r, test_seed("test_scheduler") ^ 0xb1);
    for (int it = 0; it < 200; it++) {
        size_t n = 1 + test_rng_next(&r) % 40;
        seer_access_set s[40];
        seer_tx txs[40];
        memset(txs, 0, sizeof txs);
        random_sets(s, n, &r, true);
        uint64_t next_nonce[4] = {0};
        for (size_t i = 0; i < n; i++) {
            int snd = (int)(test_rng_next(&r) % 4);
            memset(&txs[i].sender, 0x40 + snd, 20);
            txs[i].nonce = next_nonce[snd]++;
            txs[i].gas_limit = 21000 + test_rng_next(&r) % 100000;
            /* a nonce chain shares the sender's keys (as implied sets do) */
            seer_key nk;
            memset(&nk, 0, sizeof nk);
            memcpy(nk.addr, txs[i].sender.bytes, 20);
            nk.field = SEER_KEY_NONCE;
            seer_access_set_add(&s[i], &nk, SEER_ACC_W);
            seer_access_set_normalize(&s[i]);
        }
        /* pool order is not nonce order: shuffle */
        for (size_t i = n; i > 1; i--) {
            size_t j = test_rng_next(&r) % i;
            seer_tx t = txs[i - 1];
            txs[i - 1] = txs[j];
            txs[j] = t;
            seer_access_set u = s[i - 1];
            s[i - 1] = s[j];
            s[j] = u;
        }
        uint64_t limit = 21000 * n + test_rng_next(&r) % (60000 * n);
        size_t order[40], norder = 0;
        uint32_t batch[40], nb = 0;
        ck_assert_int_eq(seer_sched_build_order(order, &norder, batch, &nb, s, txs, n, limit), 0);
        uint64_t gas = 0;
        uint64_t last_nonce[4];
        bool seen[4] = {false};
        for (size_t i = 0; i < norder; i++) {
            const seer_tx *t = &txs[order[i]];
            gas += t->gas_limit;
            int snd = t->sender.bytes[0] - 0x40;
            /* nonce order, and without gaps */
            if (seen[snd])
                ck_assert_uint_eq(t->nonce, last_nonce[snd] + 1);
            else
                ck_assert_uint_eq(t->nonce, 0);
            seen[snd] = true;
            last_nonce[snd] = t->nonce;
            if (i)
                ck_assert_uint_le(batch[order[i - 1]], batch[order[i]]);
            for (size_t j = 0; j < i; j++)
                if (batch[order[j]] == batch[order[i]])
                    ck_assert_msg(!seer_access_conflict(&s[order[j]], &s[order[i]], NULL),
                                  "iteration %d: conflicting transactions share batch %u", it,
                                  batch[order[i]]);
        }
        ck_assert_uint_le(gas, limit);
        for (size_t i = 0; i < n; i++) {
            bool in = false;
            for (size_t j = 0; j < norder; j++)
                in |= order[j] == i;
            ck_assert_int_eq(in, batch[i] != UINT32_MAX);
            /* left out: it did not fit, or its predecessor was left out */
            if (!in)
                ck_assert(txs[i].gas_limit + gas > limit || txs[i].nonce > 0);
        }
        for (size_t i = 0; i < n; i++)
            seer_access_set_clear(&s[i]);
    }
}
END_TEST

/* ---- every conflict pattern of up to 5 transactions ---- */

/* Contract C: sstore(cd[32], sload(cd[0]) + 1). */
static const uint8_t code_c[] = {0x60, 0x00, 0x35, 0x54, 0x60, 0x01, 0x01, 0x60, 0x20, 0x35, 0x55, 0x00};

typedef struct world {
    seer_memstore *pre;
    seer_address c, rd, hot, snd[3], cb;
    uint8_t code_r[27];
} world;

static void addr(seer_address *a, uint8_t v)
{
    memset(a, 0, sizeof *a);
    a->bytes[0] = 0xaa;
    a->bytes[19] = v;
}

static void world_init(world *w)
{
    ck_assert_int_eq(seer_memstore_new(&w->pre), 0);
    addr(&w->c, 1);
    addr(&w->rd, 2);
    addr(&w->hot, 3);
    addr(&w->cb, 4);
    seer_account acc;
    memset(&acc, 0, sizeof acc);
    acc.exists = true;
    acc.balance = u256_from_u64(1000000000000000000ull);
    for (int i = 0; i < 3; i++) {
        addr(&w->snd[i], (uint8_t)(16 + i));
        ck_assert_int_eq(seer_memstore_set_account(w->pre, &w->snd[i], &acc), 0);
    }
    acc.balance = u256_from_u64(5);
    ck_assert_int_eq(seer_memstore_set_account(w->pre, &w->hot, &acc), 0);
    acc.balance = U256_ZERO;
    acc.nonce = 1;
    ck_assert_int_eq(seer_memstore_set_account(w->pre, &w->c, &acc), 0);
    ck_assert_int_eq(seer_memstore_set_code(w->pre, &w->c, code_c, sizeof code_c), 0);
    /* R: sstore(caller, balance(hot)) */
    w->code_r[0] = 0x73;
    memcpy(w->code_r + 1, w->hot.bytes, 20);
    w->code_r[21] = 0x31;
    w->code_r[22] = 0x33;
    w->code_r[23] = 0x55;
    w->code_r[24] = 0x00;
    ck_assert_int_eq(seer_memstore_set_account(w->pre, &w->rd, &acc), 0);
    ck_assert_int_eq(seer_memstore_set_code(w->pre, &w->rd, w->code_r, 25), 0);
    /* the coinbase is absent: the first fee creates it */
}

static uint8_t calldata[5][64];

static void make_tx(seer_tx *t, const world *w, int op, int sender, uint64_t nonce, size_t i)
{
    memset(t, 0, sizeof *t);
    t->type = 0;
    t->nonce = nonce;
    t->gas_price = t->max_fee = t->max_priority_fee = u256_from_u64(3);
    t->gas_limit = 100000;
    t->has_to = true;
    t->has_sender = true;
    t->sender = w->snd[sender];
    t->hash.bytes[0] = (uint8_t)i;
    memset(calldata[i], 0, 64);
    switch (op) {
    case 0: /* C: read slot 0, write slot 1 */
    case 1: /* C: read slot 1, write slot 0 */
    case 2: /* C: read and write slot 0 */
        t->to = w->c;
        calldata[i][31] = op == 1 ? 1 : 0;
        calldata[i][63] = op == 0 ? 1 : 0;
        t->data = calldata[i];
        t->data_len = 64;
        break;
    case 3: /* a blind credit to hot */
        t->to = w->hot;
        t->value = u256_from_u64(1);
        break;
    default: /* R: reads hot's balance */ t->to = w->rd; break;
    }
}

static int ms_apply(void *ctx, const seer_changeset *cs)
{
    return seer_memstore_apply(ctx, cs);
}

START_TEST(test_patterns_up_to_5)
{
    world w;
    world_init(&w);
    seer_block b;
    memset(&b, 0, sizeof b);
    b.header.number = 20000000;
    b.header.timestamp = 1720000000;
    b.header.gas_limit = 30000000;
    b.header.has_base_fee = true;
    b.header.base_fee = u256_from_u64(1);
    b.header.has_blob_gas = true;
    b.header.coinbase = w.cb;
    seer_tx txs[5];
    b.txs = txs;
    seer_exec_options eo = SEER_EXEC_OPTIONS_TXS_ONLY;
    unsigned patterns = 0, runs = 0, equal = 0, rollbacks = 0, pipe_runs = 0, pipe_rollbacks = 0;
    for (size_t n = 1; n <= 5; n++) {
        size_t total = 1;
        for (size_t i = 0; i < n; i++)
            total *= 5;
        for (size_t p = 0; p < total; p++) {
            size_t code = p;
            uint64_t nonce[3] = {0};
            for (size_t i = 0; i < n; i++) {
                int op = (int)(code % 5);
                code /= 5;
                int snd = (int)(i % 3);
                make_tx(&txs[i], &w, op, snd, nonce[snd]++, i);
            }
            b.ntxs = n;
            seer_memstore *m = NULL;
            ck_assert_int_eq(seer_memstore_clone(&m, w.pre), 0);
            seer_exec_target t = {seer_memstore_reader(m), ms_apply, NULL, m};
            seer_block_result ser;
            ck_assert_int_eq(seer_exec_block(&ser, &t, &eo, &b, SEER_FORK_CANCUN, 1), 0);
            ck_assert_ptr_null(ser.exception);
            seer_bytes32 root_s, rr_s;
            ck_assert_int_eq(seer_memstore_state_root(m, &root_s), 0);
            ck_assert_int_eq(seer_receipts_root(&rr_s, ser.receipts, ser.nreceipts), 0);
            seer_memstore_free(m);
            patterns++;
            for (unsigned thr = 1; thr <= 8; thr++) {
                ck_assert_int_eq(seer_memstore_clone(&m, w.pre), 0);
                seer_exec_target tp = {seer_memstore_reader(m), ms_apply, NULL, m};
                seer_par_options po = SEER_PAR_OPTIONS_INIT;
                po.threads = thr;
                po.min_parallelism = 0;
                po.blind = (p + thr) % 2 == 0; /* else transaction-implied keys only */
                seer_par_stats st;
                seer_block_result par;
                ck_assert_int_eq(
                    seer_par_exec_block(&par, &st, &tp, &eo, &b, NULL, n, SEER_FORK_CANCUN, 1, &po, NULL), 0);
                seer_bytes32 root_p, rr_p;
                ck_assert_int_eq(seer_memstore_state_root(m, &root_p), 0);
                ck_assert_int_eq(seer_receipts_root(&rr_p, par.receipts, par.nreceipts), 0);
                bool ok = par.gas_used == ser.gas_used && par.nreceipts == ser.nreceipts &&
                          !memcmp(&root_p, &root_s, 32) && !memcmp(&rr_p, &rr_s, 32) &&
                          !memcmp(par.bloom, ser.bloom, 256);
                runs++;
                equal += ok;
                rollbacks += st.reexecuted > 0;
                ck_assert_msg(ok, "pattern %zu of %zu txs at %u threads (blind %d) differs from serial", p, n,
                              thr, po.blind);
                seer_par_stats_clear(&st);
                seer_block_result_clear(&par);
                seer_memstore_free(m);

                /* the pipeline: the lane executes a prefix in block order,
                 * the rest goes to the schedule at every split point */
                size_t k = (p + thr) % (n + 1);
                ck_assert_int_eq(seer_memstore_clone(&m, w.pre), 0);
                seer_exec_target tq = {seer_memstore_reader(m), ms_apply, NULL, m};
                po.pipeline = true;
                po.lane_max = k;
                ck_assert_int_eq(
                    seer_par_exec_block(&par, &st, &tq, &eo, &b, NULL, n, SEER_FORK_CANCUN, 1, &po, NULL), 0);
                ck_assert_int_eq(seer_memstore_state_root(m, &root_p), 0);
                ck_assert_int_eq(seer_receipts_root(&rr_p, par.receipts, par.nreceipts), 0);
                ok = par.gas_used == ser.gas_used && par.nreceipts == ser.nreceipts &&
                     !memcmp(&root_p, &root_s, 32) && !memcmp(&rr_p, &rr_s, 32) &&
                     !memcmp(par.bloom, ser.bloom, 256);
                runs++;
                equal += ok;
                ck_assert_msg(
                    ok, "pattern %zu of %zu txs at %u threads, lane up to %zu (blind %d) differs from serial",
                    p, n, thr, k, po.blind);
                /* blind: nothing is predicted, so the lane stops at k
                 * exactly; else it may stop earlier where everything after
                 * it is predicted */
                ck_assert(st.pipelined);
                ck_assert_uint_le(st.lane_txs, k);
                if (po.blind)
                    ck_assert_uint_eq(st.lane_txs, k);
                ck_assert_uint_eq(st.lane_txs + st.sched_txs, n);
                pipe_runs++;
                pipe_rollbacks += st.lane_txs > 0 && st.reexecuted > 0;
                seer_par_stats_clear(&st);
                seer_block_result_clear(&par);
                seer_memstore_free(m);
            }
            seer_block_result_clear(&ser);
        }
    }
    printf("patterns: %u blocks of 1..5 txs x 1..8 threads: %u/%u runs equal serial (%u re-scheduled after a "
           "misprediction)\n",
           patterns, equal, runs, rollbacks);
    printf("patterns, pipeline: %u runs with the lane stopping at every split point (%u re-scheduled in a "
           "suffix handed over after the lane)\n",
           pipe_runs, pipe_rollbacks);
    ck_assert_uint_eq(equal, runs);
    ck_assert_uint_gt(rollbacks, 0);
    ck_assert_uint_gt(pipe_rollbacks, 0);
    seer_memstore_free(w.pre);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("scheduler");
    TCase *tc = tcase_create("access");
    tcase_add_test(tc, test_actual_modes);
    tcase_add_test(tc, test_conflict_rules);
    suite_add_tcase(s, tc);
    tc = tcase_create("graph");
    tcase_add_test(tc, test_graph_small);
    tcase_add_test(tc, test_graph_invariants);
    suite_add_tcase(s, tc);
    tc = tcase_create("build");
    tcase_add_test(tc, test_build_order);
    suite_add_tcase(s, tc);
    tc = tcase_create("patterns");
    tcase_set_timeout(tc, 1800);
    tcase_add_test(tc, test_patterns_up_to_5);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(suite());
}

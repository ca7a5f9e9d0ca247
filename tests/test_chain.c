/* chain/: logs bloom, receipt encodings per type, receipts root on mainnet
 * blocks, header decoding and its errors (field and byte offset),
 * malformed block RLP and block JSON, the mainnet fork schedule. */
#include "chain/block.h"
#include "chain/exec.h"
#include "chain/receipt.h"
#include "common/keccak.h"
#include "common/rlp.h"
#include "conformance/json.h"
#include "state/memstore.h"
#include "test_util.h"

#include <json-c/json.h>

static int popcount_bloom(const uint8_t *b)
{
    int n = 0;
    for (int i = 0; i < SEER_BLOOM_SIZE; i++)
        n += __builtin_popcount(b[i]);
    return n;
}

static bool bloom_has(const uint8_t *bloom, const uint8_t *data, size_t len)
{
    uint8_t one[SEER_BLOOM_SIZE] = {0};
    seer_bloom_add(one, data, len);
    for (int i = 0; i < SEER_BLOOM_SIZE; i++)
        if ((bloom[i] & one[i]) != one[i])
            return false;
    return true;
}

/* ---- bloom ---- */

START_TEST(test_bloom_bits)
{
    test_rng r;
    test_rng_init(&r, test_seed("test_chain"));
    for (int iter = 0; iter < 200; iter++) {
        uint8_t data[32], bloom[SEER_BLOOM_SIZE] = {0}, h[32];
        for (int i = 0; i < 32; i++)
            data[i] = (uint8_t)test_rng_next(&r);
        seer_bloom_add(bloom, data, 32);
        int bits = popcount_bloom(bloom);
        ck_assert_int_ge(bits, 1);
        ck_assert_int_le(bits, 3);
        /* Each pair of hash bytes picks bit (pair & 2047), counted from the
         * last byte's lowest bit. */
        seer_keccak256(h, data, 32);
        for (int k = 0; k < 6; k += 2) {
            unsigned bit = ((unsigned)h[k] << 8 | h[k + 1]) & 2047u;
            ck_assert(bloom[255 - bit / 8] & (1u << (bit % 8)));
        }
        uint8_t again[SEER_BLOOM_SIZE];
        memcpy(again, bloom, sizeof again);
        seer_bloom_add(again, data, 32);
        ck_assert_mem_eq(again, bloom, SEER_BLOOM_SIZE);
    }
}
END_TEST

/* ---- receipt encodings ---- */

static void check_receipt_roundtrip(uint8_t type, bool has_status, uint8_t status)
{
    seer_bytes32 topics[2];
    memset(topics, 0x11, sizeof topics);
    topics[1].bytes[0] = 0x22;
    uint8_t data[3] = {1, 2, 3};
    seer_log lg;
    memset(&lg, 0, sizeof lg);
    memset(lg.addr.bytes, 0xab, 20);
    lg.topics = topics;
    lg.ntopics = 2;
    lg.data = data;
    lg.data_len = 3;
    seer_receipt rc;
    memset(&rc, 0, sizeof rc);
    rc.type = type;
    rc.has_status = has_status;
    rc.status = status;
    memset(rc.post_state.bytes, 0x5a, 32);
    rc.cumulative_gas = 123456;
    rc.logs = &lg;
    rc.nlogs = 1;
    seer_bloom_add_logs(rc.bloom, &lg, 1);
    ck_assert(bloom_has(rc.bloom, lg.addr.bytes, 20));
    ck_assert(bloom_has(rc.bloom, topics[1].bytes, 32));
    seer_buf b = SEER_BUF_INIT;
    ck_assert_int_eq(seer_receipt_encode(&b, &rc), 0);
    const uint8_t *p = b.p;
    size_t len = b.len;
    if (type) {
        ck_assert_uint_eq(p[0], type); /* EIP-2718 envelope */
        p++, len--;
    } else {
        ck_assert_uint_ge(p[0], 0xc0); /* a bare list */
    }
    seer_rlp_item top, f[4], x;
    ck_assert_int_eq(seer_rlp_decode_full(&top, p, len), 0);
    seer_rlp_iter it;
    ck_assert_int_eq(seer_rlp_iter_init(&it, &top), 0);
    int n = 0;
    while (seer_rlp_iter_next(&it, &x) > 0 && n < 4)
        f[n++] = x;
    ck_assert_int_eq(n, 4);
    if (has_status) { /* EIP-658: 1 or the empty string */
        ck_assert_uint_eq(f[0].len, status ? 1 : 0);
        if (status)
            ck_assert_uint_eq(f[0].payload[0], 1);
    } else {
        ck_assert_uint_eq(f[0].len, 32);
        ck_assert_mem_eq(f[0].payload, rc.post_state.bytes, 32);
    }
    uint64_t cum;
    ck_assert_int_eq(seer_rlp_get_u64(&cum, &f[1]), 0);
    ck_assert_uint_eq(cum, 123456);
    ck_assert_uint_eq(f[2].len, 256);
    ck_assert_mem_eq(f[2].payload, rc.bloom, 256);
    ck_assert(f[3].is_list);
    ck_assert_int_eq(seer_rlp_list_count(&f[3]), 1);
    seer_buf_free(&b);
}

START_TEST(test_receipt_encoding)
{
    for (uint8_t type = 0; type <= 3; type++) {
        check_receipt_roundtrip(type, true, 1);
        check_receipt_roundtrip(type, true, 0);
    }
    check_receipt_roundtrip(0, false, 0); /* pre-Byzantium: state root */
    seer_receipt bad;
    memset(&bad, 0, sizeof bad);
    bad.type = 4;
    seer_buf b = SEER_BUF_INIT;
    ck_assert_int_eq(seer_receipt_encode(&b, &bad), SEER_EINVAL);
    seer_buf_free(&b);
    seer_bytes32 root;
    ck_assert_int_eq(seer_receipts_root(&root, NULL, 0), 0);
    ck_assert_mem_eq(root.bytes, SEER_EMPTY_TRIE_ROOT.bytes, 32);
}
END_TEST

/* ---- receipts root on mainnet blocks (the header is the reference) ---- */

static int apply_cb(void *ctx, const seer_changeset *cs)
{
    return seer_memstore_apply(ctx, cs);
}

static void replay_block(const char *number)
{
    char dir[8192], path[8400], codes[8192];
    snprintf(dir, sizeof dir, "%s", test_fixture_path("mainnet/blocks"));
    snprintf(codes, sizeof codes, "%s", test_fixture_path("mainnet/bytecodes.json"));
    json_object *bj = NULL, *pj = NULL, *cj = NULL;
    snprintf(path, sizeof path, "%s/%s/block.json", dir, number);
    ck_assert_msg(seer_json_parse_file(&bj, path) == 0, "%s", seer_error_detail());
    snprintf(path, sizeof path, "%s/%s/pre_state.json", dir, number);
    ck_assert_int_eq(seer_json_parse_file(&pj, path), 0);
    ck_assert_int_eq(seer_json_parse_file(&cj, codes), 0);
    seer_block b;
    ck_assert_msg(seer_block_from_json(&b, bj, "block.json") == 0, "%s", seer_error_detail());
    seer_memstore *st;
    ck_assert_int_eq(seer_memstore_new(&st), 0);
    ck_assert_int_eq(seer_json_load_mainnet_pre(st, pj, path, cj, codes), 0);
    seer_fork fork = seer_mainnet_fork(b.header.number, b.header.timestamp);
    size_t bad;
    const char *ex;
    ck_assert_int_eq(seer_block_admit_txs(&b, fork, 1, &bad, &ex), 0);
    for (size_t i = 0; i < b.ntxs; i++)
        ck_assert_mem_eq(b.txs[i].sender.bytes, b.from[i].bytes, 20);
    seer_exec_target t = {seer_memstore_reader(st), apply_cb, NULL, st};
    seer_exec_options o = SEER_EXEC_OPTIONS_TXS_ONLY;
    seer_block_result res;
    ck_assert_int_eq(seer_exec_block(&res, &t, &o, &b, fork, 1), 0);
    ck_assert_ptr_null(res.exception);
    ck_assert_uint_eq(res.gas_used, b.header.gas_used);
    ck_assert_mem_eq(res.bloom, b.header.bloom, 256);
    seer_bytes32 root;
    ck_assert_int_eq(seer_receipts_root(&root, res.receipts, res.nreceipts), 0);
    ck_assert_mem_eq(root.bytes, b.header.receipts_root.bytes, 32);
    /* The transactions root from the rebuilt encodings matches too. */
    ck_assert_int_eq(seer_block_tx_root(&root, &b), 0);
    ck_assert_mem_eq(root.bytes, b.header.tx_root.bytes, 32);
    if (b.has_withdrawals) {
        ck_assert_int_eq(seer_block_withdrawals_root(&root, &b), 0);
        ck_assert_mem_eq(root.bytes, b.header.withdrawals_root.bytes, 32);
    }
    /* And the header rebuilt from the JSON fields hashes to the block hash. */
    seer_bytes32 want = b.header.hash;
    ck_assert_int_eq(seer_header_rehash(&b.header), 0);
    ck_assert_mem_eq(want.bytes, b.header.hash.bytes, 32);
    printf("block %s (%s): %zu receipts, receipts root matches\n", number, seer_fork_name(fork),
           res.nreceipts);
    seer_block_result_clear(&res);
    seer_block_clear(&b);
    seer_memstore_free(st);
    json_object_put(bj);
    json_object_put(pj);
    json_object_put(cj);
}

START_TEST(test_receipts_root_mainnet)
{
    replay_block("4370000");  /* Byzantium: legacy receipts with status */
    replay_block("19934116"); /* Cancun: typed receipts, blobs, withdrawals */
}
END_TEST

/* ---- block-level state changes: system call, withdrawals, rewards, DAO ---- */

static seer_address addr_n(uint8_t n)
{
    seer_address a;
    memset(&a, 0, sizeof a);
    a.bytes[19] = n;
    return a;
}

static u256 balance_of(seer_memstore *st, const seer_address *a)
{
    seer_account acct;
    ck_assert_int_eq(seer_memstore_get_account(st, &acct, a), 0);
    return acct.balance;
}

START_TEST(test_block_state_changes)
{
    seer_memstore *st;
    ck_assert_int_eq(seer_memstore_new(&st), 0);
    seer_exec_target t = {seer_memstore_reader(st), apply_cb, NULL, st};
    seer_block_env env;
    seer_header h;
    memset(&h, 0, sizeof h);
    h.number = 100;
    h.timestamp = 8191 * 3 + 5;
    memset(h.parent_beacon_root.bytes, 0x77, 32);
    seer_block_env_from_header(&env, &h, SEER_FORK_CANCUN, 1);
    seer_world *w;
    ck_assert_int_eq(seer_world_create(&w, &t.reader, &env), 0);

    /* EIP-4788: no code at the address, no change. */
    ck_assert_int_eq(seer_exec_beacon_root(&t, &h), 0);
    ck_assert_uint_eq(seer_memstore_account_count(st), 0);
    seer_account acct;
    memset(&acct, 0, sizeof acct);
    acct.exists = true;
    ck_assert_int_eq(seer_memstore_set_account(st, &SEER_BEACON_ROOTS_ADDRESS, &acct), 0);
    /* A stand-in for the EIP-4788 contract's system branch, run for real
     * by the system call: storage[ts % 8191] = ts and
     * storage[ts % 8191 + 8191] = calldata[0:32]. */
    static const uint8_t code[] = {0x61, 0x1f, 0xff, 0x42, 0x06, 0x80, 0x42, 0x90, 0x55, 0x61,
                                   0x1f, 0xff, 0x01, 0x60, 0x00, 0x35, 0x90, 0x55, 0x00};
    ck_assert_int_eq(seer_memstore_set_code(st, &SEER_BEACON_ROOTS_ADDRESS, code, sizeof code), 0);
    ck_assert_int_eq(seer_exec_beacon_root(&t, &h), 0);
    u256 k = u256_from_u64(5), v;
    ck_assert_int_eq(seer_memstore_get_storage(st, &v, &SEER_BEACON_ROOTS_ADDRESS, &k), 0);
    ck_assert_uint_eq(v.w[0], h.timestamp);
    k = u256_from_u64(5 + 8191);
    ck_assert_int_eq(seer_memstore_get_storage(st, &v, &SEER_BEACON_ROOTS_ADDRESS, &k), 0);
    uint8_t be[32];
    u256_to_be32(be, &v);
    ck_assert_mem_eq(be, h.parent_beacon_root.bytes, 32);

    /* EIP-4895: gwei to wei; a zero amount creates nothing. */
    seer_block b;
    memset(&b, 0, sizeof b);
    b.header = h;
    seer_withdrawal wds[3] = {{0, 0, addr_n(1), 5}, {1, 0, addr_n(2), 0}, {2, 0, addr_n(1), 7}};
    b.withdrawals = wds;
    b.nwithdrawals = 3;
    b.has_withdrawals = true;
    ck_assert_int_eq(seer_exec_withdrawals(w, &t, &b), 0);
    seer_address a1 = addr_n(1), a2 = addr_n(2);
    u256 got = balance_of(st, &a1);
    ck_assert_uint_eq(got.w[0], 12000000000ull);
    ck_assert_int_eq(seer_memstore_get_account(st, &acct, &a2), 0);
    ck_assert(!acct.exists);

    /* Rewards before Paris: 5 ETH + 1/32 per uncle; the uncle's miner
     * (8 + 98 - 100)/8 of it. */
    seer_header uncle;
    memset(&uncle, 0, sizeof uncle);
    uncle.number = 98;
    uncle.coinbase = addr_n(9);
    b.uncles = &uncle;
    b.nuncles = 1;
    b.header.coinbase = addr_n(8);
    ck_assert_int_eq(seer_exec_rewards(w, &t, &b, SEER_FORK_FRONTIER), 0);
    seer_address cb = addr_n(8), ub = addr_n(9);
    u256 five;
    seer_block_reward(&five, SEER_FORK_FRONTIER);
    u256 want_cb, want_u, d = u256_from_u64(32), six = u256_from_u64(6), eight = u256_from_u64(8);
    u256_div(&want_cb, &five, &d);
    u256_add(&want_cb, &want_cb, &five);
    u256_mul(&want_u, &five, &six);
    u256_div(&want_u, &want_u, &eight);
    got = balance_of(st, &cb);
    ck_assert(u256_eq(&got, &want_cb));
    got = balance_of(st, &ub);
    ck_assert(u256_eq(&got, &want_u));
    ck_assert_int_eq(seer_exec_rewards(w, &t, &b, SEER_FORK_PARIS), 0); /* none after the Merge */
    got = balance_of(st, &cb);
    ck_assert(u256_eq(&got, &want_cb));

    /* EIP-779: two drain-list accounts with balances move to the refund
     * contract; the rest of the list stays absent. */
    ck_assert_uint_eq(seer_dao_drain_count(), 116);
    seer_address d0, d1, refund;
    seer_dao_drain_address(&d0, 0);
    seer_dao_drain_address(&d1, 115);
    seer_dao_refund_address(&refund);
    memset(&acct, 0, sizeof acct);
    acct.exists = true;
    acct.balance = u256_from_u64(1000);
    ck_assert_int_eq(seer_memstore_set_account(st, &d0, &acct), 0);
    acct.balance = u256_from_u64(234);
    acct.nonce = 3;
    ck_assert_int_eq(seer_memstore_set_account(st, &d1, &acct), 0);
    size_t before = seer_memstore_account_count(st);
    ck_assert_int_eq(seer_exec_dao(&t), 0);
    got = balance_of(st, &refund);
    ck_assert_uint_eq(got.w[0], 1234);
    got = balance_of(st, &d0);
    ck_assert(u256_is_zero(&got));
    ck_assert_int_eq(seer_memstore_get_account(st, &acct, &d1), 0);
    ck_assert(acct.exists && acct.nonce == 3 && u256_is_zero(&acct.balance));
    ck_assert_uint_eq(seer_memstore_account_count(st), before + 1);

    seer_world_free(w);
    seer_memstore_free(st);
}
END_TEST

/* ---- header decoding ---- */

/* Builds a header RLP with one field replaced by `bad` (len bytes). */
static void build_header(seer_buf *b, int bad_field, const uint8_t *bad, size_t bad_len, int nfields)
{
    static const uint8_t z[256];
    const size_t sizes[] = {32, 32, 20, 32, 32, 32, 256, 1, 1, 2, 1, 1, 0, 32, 8, 1, 32, 1, 1, 32};
    size_t m = seer_rlp_list_begin(b);
    for (int i = 0; i < nfields; i++) {
        if (i == bad_field)
            seer_rlp_put_bytes(b, bad, bad_len);
        else if (i >= 7 && sizes[i] <= 2 && i != 12)
            seer_rlp_put_u64(b, (uint64_t)(i + 1));
        else
            seer_rlp_put_bytes(b, z, sizes[i]);
    }
    seer_rlp_list_end(b, m);
}

START_TEST(test_header_decode)
{
    seer_buf b = SEER_BUF_INIT;
    seer_header h;
    const char *ex;
    /* A valid 20-field header round-trips. */
    build_header(&b, -1, NULL, 0, 20);
    ck_assert_int_eq(seer_header_decode(&h, b.p, b.len, &ex), 0);
    ck_assert(h.has_base_fee && h.has_withdrawals_root && h.has_blob_gas && h.has_beacon_root);
    ck_assert_uint_eq(h.number, 9);
    seer_buf e = SEER_BUF_INIT;
    ck_assert_int_eq(seer_header_encode(&e, &h), 0);
    ck_assert_uint_eq(e.len, b.len);
    ck_assert_mem_eq(e.p, b.p, b.len);
    seer_buf_free(&e);

    /* A 19-byte coinbase: named, with its offset (list header 3 bytes +
     * two 33-byte hashes). */
    uint8_t addr19[19] = {0};
    seer_buf_reset(&b);
    build_header(&b, 2, addr19, 19, 20);
    ck_assert_int_eq(seer_header_decode(&h, b.p, b.len, &ex), SEER_ERLP);
    ck_assert_str_eq(ex, "BlockException.RLP_INVALID_ADDRESS");
    ck_assert_msg(strstr(seer_error_detail(), "'coinbase' at offset 69"), "%s", seer_error_detail());

    /* A 9-byte number does not fit 64 bits. */
    uint8_t nine[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    seer_buf_reset(&b);
    build_header(&b, 8, nine, 9, 20);
    ck_assert_int_eq(seer_header_decode(&h, b.p, b.len, &ex), SEER_ERLP);
    ck_assert_str_eq(ex, "BlockException.RLP_INVALID_FIELD_OVERFLOW_64");
    ck_assert_msg(strstr(seer_error_detail(), "'number' at offset"), "%s", seer_error_detail());

    /* A leading zero in gasLimit is not canonical. */
    uint8_t lz[2] = {0, 5};
    seer_buf_reset(&b);
    build_header(&b, 9, lz, 2, 15);
    ck_assert_int_eq(seer_header_decode(&h, b.p, b.len, &ex), SEER_ERLP);
    ck_assert_msg(strstr(seer_error_detail(), "'gasLimit'"), "%s", seer_error_detail());

    /* 18 fields match no fork; 14 are too few. */
    seer_buf_reset(&b);
    build_header(&b, -1, NULL, 0, 18);
    ck_assert_int_eq(seer_header_decode(&h, b.p, b.len, &ex), SEER_ERLP);
    ck_assert_msg(strstr(seer_error_detail(), "18 fields"), "%s", seer_error_detail());
    seer_buf_reset(&b);
    build_header(&b, -1, NULL, 0, 14);
    ck_assert_int_eq(seer_header_decode(&h, b.p, b.len, &ex), SEER_ERLP);

    /* Truncated input. */
    seer_buf_reset(&b);
    build_header(&b, -1, NULL, 0, 15);
    ck_assert_int_eq(seer_header_decode(&h, b.p, b.len - 1, &ex), SEER_ERLP);
    ck_assert_msg(strstr(seer_error_detail(), "header"), "%s", seer_error_detail());
    seer_buf_free(&b);
}
END_TEST

/* A genesisRLP from the BlockchainTests decodes to the fixture's hash. */
START_TEST(test_genesis_rlp)
{
    json_object *doc;
    const char *p =
        test_fixture_path("ethereum-tests/BlockchainTests/ValidBlocks/bcExample/basefeeExample.json");
    ck_assert_msg(seer_json_parse_file(&doc, p) == 0, "%s", seer_error_detail());
    int n = 0;
    json_object_object_foreach(doc, name, test)
    {
        (void)name;
        uint8_t *raw;
        size_t len;
        seer_header gh;
        ck_assert_int_eq(
            seer_header_from_json(&gh, json_object_object_get(test, "genesisBlockHeader"), p, "g"), 0);
        ck_assert_int_eq(
            seer_json_bytes(&raw, &len, json_object_object_get(test, "genesisRLP"), p, "genesisRLP"), 0);
        seer_block b;
        const char *ex;
        ck_assert_int_eq(seer_block_decode(&b, raw, len, &ex), 0);
        ck_assert_mem_eq(b.header.hash.bytes, gh.hash.bytes, 32);
        seer_block_clear(&b);
        seer_bytes32 want = gh.hash;
        ck_assert_int_eq(seer_header_rehash(&gh), 0);
        ck_assert_mem_eq(gh.hash.bytes, want.bytes, 32);
        /* Trailing garbage and truncation are refused with an offset. */
        uint8_t *more = malloc(len + 1);
        memcpy(more, raw, len);
        more[len] = 0;
        ck_assert_int_eq(seer_block_decode(&b, more, len + 1, &ex), SEER_ERLP);
        ck_assert_str_eq(ex, "BlockException.RLP_STRUCTURES_ENCODING");
        ck_assert_int_eq(seer_block_decode(&b, raw, len - 1, &ex), SEER_ERLP);
        free(more);
        free(raw);
        n++;
    }
    ck_assert_int_gt(n, 0);
    json_object_put(doc);
}
END_TEST

/* ---- malformed blocks ---- */

START_TEST(test_block_rlp_malformed)
{
    seer_buf b = SEER_BUF_INIT;
    seer_block blk;
    const char *ex;
    /* [header, ["\x80..."], []]: a string transaction that is no envelope. */
    seer_buf hb = SEER_BUF_INIT;
    build_header(&hb, -1, NULL, 0, 15);
    size_t m = seer_rlp_list_begin(&b);
    seer_rlp_put_raw(&b, hb.p, hb.len);
    size_t mt = seer_rlp_list_begin(&b);
    uint8_t notenv[3] = {0x85, 1, 2};
    seer_rlp_put_bytes(&b, notenv, 3);
    seer_rlp_list_end(&b, mt);
    size_t mu = seer_rlp_list_begin(&b);
    seer_rlp_list_end(&b, mu);
    seer_rlp_list_end(&b, m);
    ck_assert_int_eq(seer_block_decode(&blk, b.p, b.len, &ex), SEER_ERLP);
    ck_assert_msg(strstr(seer_error_detail(), "transaction 0 at offset"), "%s", seer_error_detail());
    /* Withdrawals in the body without a withdrawals root in the header. */
    seer_buf_reset(&b);
    m = seer_rlp_list_begin(&b);
    seer_rlp_put_raw(&b, hb.p, hb.len);
    for (int i = 0; i < 3; i++) {
        size_t e = seer_rlp_list_begin(&b);
        seer_rlp_list_end(&b, e);
    }
    seer_rlp_list_end(&b, m);
    ck_assert_int_eq(seer_block_decode(&blk, b.p, b.len, &ex), SEER_ERLP);
    ck_assert_str_eq(ex, "BlockException.RLP_WITHDRAWALS_NOT_READ");
    /* Two parts only. */
    seer_buf_reset(&b);
    m = seer_rlp_list_begin(&b);
    seer_rlp_put_raw(&b, hb.p, hb.len);
    seer_rlp_list_end(&b, m);
    ck_assert_int_eq(seer_block_decode(&blk, b.p, b.len, &ex), SEER_ERLP);
    ck_assert_msg(strstr(seer_error_detail(), "1 parts"), "%s", seer_error_detail());
    seer_buf_free(&b);
    seer_buf_free(&hb);
}
END_TEST

static const char *block_json_head =
    "{\"parentHash\":\"0x"
    "0000000000000000000000000000000000000000000000000000000000000000\","
    "\"sha3Uncles\":\"0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347\","
    "\"miner\":\"0x0000000000000000000000000000000000000000\","
    "\"stateRoot\":\"0x0000000000000000000000000000000000000000000000000000000000000000\","
    "\"transactionsRoot\":\"0x0000000000000000000000000000000000000000000000000000000000000000\","
    "\"receiptsRoot\":\"0x0000000000000000000000000000000000000000000000000000000000000000\","
    "\"difficulty\":\"0x0\",\"number\":\"0x1\",\"gasLimit\":\"0x1000000\",\"gasUsed\":\"0x0\","
    "\"timestamp\":\"0x10\",\"extraData\":\"0x\",\"nonce\":\"0x0000000000000000\",";

static int parse_block_json(seer_block *b, const char *tail)
{
    char buf[8192];
    char bloom[600] = "\"logsBloom\":\"0x";
    for (int i = 0; i < 512; i++)
        strcat(bloom, "0");
    strcat(bloom, "\",");
    snprintf(buf, sizeof buf, "%s%s%s", block_json_head, bloom, tail);
    json_object *o = json_tokener_parse(buf);
    ck_assert_ptr_nonnull(o);
    int rc = seer_block_from_json(b, o, "t.json");
    json_object_put(o);
    return rc;
}

START_TEST(test_block_json_malformed)
{
    seer_block b;
    /* No transaction fields at all: the first missing one is named. */
    ck_assert_int_eq(parse_block_json(&b, "\"transactions\":[{\"type\":\"0x0\",\"nonce\":\"0x0\"}]}"),
                     SEER_EPARSE);
    ck_assert_msg(strstr(seer_error_detail(), "transactions[0].gas"), "%s", seer_error_detail());
    /* Hashes instead of full transactions. */
    ck_assert_int_eq(parse_block_json(&b, "\"transactions\":[\"0x12\"]}"), SEER_EPARSE);
    ck_assert_msg(strstr(seer_error_detail(), "transactions[0]"), "%s", seer_error_detail());
    /* A withdrawal without an amount. */
    ck_assert_int_eq(
        parse_block_json(&b, "\"transactions\":[],\"withdrawals\":[{\"index\":\"0x1\","
                             "\"validatorIndex\":\"0x2\",\"address\":\"0x000000000000000000000000000000000000"
                             "0001\"}]}"),
        SEER_EPARSE);
    ck_assert_msg(strstr(seer_error_detail(), "withdrawals[0].amount"), "%s", seer_error_detail());
    /* A full legacy transaction whose stated hash is not its encoding's. */
    ck_assert_int_eq(
        parse_block_json(
            &b, "\"transactions\":[{\"type\":\"0x0\",\"nonce\":\"0x0\",\"gas\":\"0x5208\","
                "\"gasPrice\":\"0x1\",\"value\":\"0x0\",\"input\":\"0x\",\"v\":\"0x1b\","
                "\"r\":\"0x1\",\"s\":\"0x1\",\"to\":\"0x0000000000000000000000000000000000000001\","
                "\"hash\":\"0x0000000000000000000000000000000000000000000000000000000000000001\"}]}"),
        SEER_EPARSE);
    ck_assert_msg(strstr(seer_error_detail(), "transactions[0].hash"), "%s", seer_error_detail());
    /* A bad bloom length. */
    json_object *o = json_tokener_parse("{\"logsBloom\":\"0x00\"}");
    seer_header h;
    ck_assert_int_eq(seer_header_from_json(&h, o, "t.json", "hdr"), SEER_EPARSE);
    ck_assert_msg(strstr(seer_error_detail(), "hdr.parentHash"), "%s", seer_error_detail());
    json_object_put(o);
    /* A well-formed empty block parses. */
    ck_assert_int_eq(parse_block_json(&b, "\"transactions\":[]}"), 0);
    ck_assert_uint_eq(b.ntxs, 0);
    seer_block_clear(&b);
}
END_TEST

/* ---- forks, header rules ---- */

START_TEST(test_mainnet_fork_schedule)
{
    ck_assert_int_eq(seer_mainnet_fork(1149999, 0), SEER_FORK_FRONTIER);
    ck_assert_int_eq(seer_mainnet_fork(1150000, 0), SEER_FORK_HOMESTEAD);
    ck_assert_int_eq(seer_mainnet_fork(2463000, 0), SEER_FORK_TANGERINE_WHISTLE);
    ck_assert_int_eq(seer_mainnet_fork(2675000, 0), SEER_FORK_SPURIOUS_DRAGON);
    ck_assert_int_eq(seer_mainnet_fork(4370000, 0), SEER_FORK_BYZANTIUM);
    ck_assert_int_eq(seer_mainnet_fork(7280000, 0), SEER_FORK_PETERSBURG);
    ck_assert_int_eq(seer_mainnet_fork(9069000, 0), SEER_FORK_ISTANBUL);
    ck_assert_int_eq(seer_mainnet_fork(12244000, 0), SEER_FORK_BERLIN);
    ck_assert_int_eq(seer_mainnet_fork(12965000, 0), SEER_FORK_LONDON);
    ck_assert_int_eq(seer_mainnet_fork(15537394, 0), SEER_FORK_PARIS);
    ck_assert_int_eq(seer_mainnet_fork(17000000, 1681338455), SEER_FORK_SHANGHAI);
    ck_assert_int_eq(seer_mainnet_fork(19426587, 1710338135), SEER_FORK_CANCUN);
    u256 r;
    seer_block_reward(&r, SEER_FORK_FRONTIER);
    u256 five_eth = u256_from_u64(5000000000000000000ull);
    ck_assert(u256_eq(&r, &five_eth));
    seer_block_reward(&r, SEER_FORK_PARIS);
    ck_assert(u256_is_zero(&r));
}
END_TEST

START_TEST(test_header_validate)
{
    seer_header p, h;
    memset(&p, 0, sizeof p);
    p.number = 10;
    p.timestamp = 100;
    p.gas_limit = 30000000;
    p.gas_used = 15000000;
    p.has_base_fee = true;
    p.base_fee = u256_from_u64(1000);
    p.ommers_hash = SEER_EMPTY_OMMERS_HASH;
    h = p;
    h.number = 11;
    h.timestamp = 112;
    h.gas_used = 0;
    const char *ex;
    ck_assert_int_eq(seer_header_validate(&h, &p, SEER_FORK_PARIS, &ex), 0);
    /* EIP-1559: a full parent raises the fee by 1/8. */
    p.gas_used = 30000000;
    seer_header_next_base_fee(&h.base_fee, &p);
    ck_assert_uint_eq(h.base_fee.w[0], 1125);
    p.gas_used = 0;
    seer_header_next_base_fee(&h.base_fee, &p);
    ck_assert_uint_eq(h.base_fee.w[0], 875);
    ck_assert_int_eq(seer_header_validate(&h, &p, SEER_FORK_PARIS, &ex), 0);
    seer_header bad = h;
    bad.number = 13;
    ck_assert_int_eq(seer_header_validate(&bad, &p, SEER_FORK_PARIS, &ex), SEER_EBLOCK);
    ck_assert_str_eq(ex, "BlockException.INVALID_BLOCK_NUMBER");
    bad = h;
    bad.gas_limit = p.gas_limit + p.gas_limit / 1024;
    ck_assert_int_eq(seer_header_validate(&bad, &p, SEER_FORK_PARIS, &ex), SEER_EBLOCK);
    ck_assert_str_eq(ex, "BlockException.INVALID_GASLIMIT");
    bad = h;
    bad.extra_len = 33;
    ck_assert_int_eq(seer_header_validate(&bad, &p, SEER_FORK_PARIS, &ex), SEER_EBLOCK);
    ck_assert_str_eq(ex, "BlockException.EXTRA_DATA_TOO_BIG");
    bad = h;
    bad.difficulty = u256_from_u64(1);
    ck_assert_int_eq(seer_header_validate(&bad, &p, SEER_FORK_PARIS, &ex), SEER_EBLOCK);
    ck_assert_str_eq(ex, "BlockException.IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS");
    /* EIP-4844 excess blob gas. */
    p.has_blob_gas = true;
    p.excess_blob_gas = 393216;
    p.blob_gas_used = 786432;
    ck_assert_uint_eq(seer_header_next_excess_blob_gas(&p), 786432);
    p.blob_gas_used = 0;
    p.excess_blob_gas = 100;
    ck_assert_uint_eq(seer_header_next_excess_blob_gas(&p), 0);
}
END_TEST

static Suite *chain_suite(void)
{
    Suite *s = suite_create("chain");
    TCase *tc;
    tc = tcase_create("bloom");
    tcase_add_test(tc, test_bloom_bits);
    suite_add_tcase(s, tc);
    tc = tcase_create("receipt_encoding");
    tcase_add_test(tc, test_receipt_encoding);
    suite_add_tcase(s, tc);
    tc = tcase_create("receipts_root_mainnet");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_receipts_root_mainnet);
    suite_add_tcase(s, tc);
    tc = tcase_create("block_state_changes");
    tcase_add_test(tc, test_block_state_changes);
    suite_add_tcase(s, tc);
    tc = tcase_create("header_decode");
    tcase_add_test(tc, test_header_decode);
    tcase_add_test(tc, test_genesis_rlp);
    suite_add_tcase(s, tc);
    tc = tcase_create("malformed");
    tcase_add_test(tc, test_block_rlp_malformed);
    tcase_add_test(tc, test_block_json_malformed);
    suite_add_tcase(s, tc);
    tc = tcase_create("rules");
    tcase_add_test(tc, test_mainnet_fork_schedule);
    tcase_add_test(tc, test_header_validate);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(chain_suite());
}

/* Analyzer tests: contracts written here in EVM assembly (a tiny assembler
 * below), their predicted access sets asserted key by key, and a property
 * test: random transactions to those contracts, executed by the world,
 * whose recorded access sets must lie inside every prediction that is not
 * "unknown". Hostile code must be analyzed within the budget. */
#include "analyzer/analyzer_internal.h"
#include "common/keccak.h"
#include "common/util.h"
#include "state/memstore.h"
#include "test_analyzer_fx.h"
#include "test_util.h"
#include "vm/opcodes.h"

#include <pthread.h>

/* ---- the contracts ---- */

/* ERC-20: balances at slot 0, allowances (a mapping of mappings) at 1.
 * transfer/transferFrom share the internal function `move` (a return
 * address on the stack). */
static const char *ERC20 =
    "PUSH1 0x00 CALLDATALOAD PUSH1 0xe0 SHR\n"
    "DUP1 PUSH4 0xa9059cbb EQ @transfer JUMPI\n"
    "DUP1 PUSH4 0x70a08231 EQ @balanceOf JUMPI\n"
    "DUP1 PUSH4 0x095ea7b3 EQ @approve JUMPI\n"
    "DUP1 PUSH4 0x23b872dd EQ @transferFrom JUMPI\n"
    "PUSH1 0x00 DUP1 REVERT\n"
    "move: ; [ret, amt, to, from]\n"
    "  DUP1 PUSH1 0x00 MSTORE PUSH1 0x00 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256\n"
    "  DUP1 SLOAD DUP5 DUP2 LT @fail JUMPI\n"
    "  DUP5 SWAP1 SUB SWAP1 SSTORE\n"
    "  DUP2 PUSH1 0x00 MSTORE PUSH1 0x00 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256\n"
    "  DUP1 SLOAD DUP5 ADD SWAP1 SSTORE\n"
    "  POP POP POP JUMP\n"
    "fail: PUSH1 0x00 DUP1 REVERT\n"
    "transfer: @done PUSH1 0x24 CALLDATALOAD PUSH1 0x04 CALLDATALOAD CALLER @move JUMP\n"
    "done: STOP\n"
    "balanceOf: PUSH1 0x04 CALLDATALOAD PUSH1 0x00 MSTORE PUSH1 0x00 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 "
    "KECCAK256\n"
    "  SLOAD PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN\n"
    "approve: CALLER PUSH1 0x00 MSTORE PUSH1 0x01 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256\n"
    "  PUSH1 0x20 MSTORE PUSH1 0x04 CALLDATALOAD PUSH1 0x00 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256\n"
    "  PUSH1 0x24 CALLDATALOAD SWAP1 SSTORE STOP\n"
    "transferFrom: PUSH1 0x04 CALLDATALOAD PUSH1 0x00 MSTORE PUSH1 0x01 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 "
    "0x00 KECCAK256\n"
    "  PUSH1 0x20 MSTORE CALLER PUSH1 0x00 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256\n"
    "  DUP1 SLOAD PUSH1 0x44 CALLDATALOAD SWAP1 SUB SWAP1 SSTORE\n"
    "  @done PUSH1 0x44 CALLDATALOAD PUSH1 0x24 CALLDATALOAD PUSH1 0x04 CALLDATALOAD @move JUMP\n";

/* EIP-1967 proxy: the implementation at
 * bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1). */
static const char *PROXY1967 =
    "PUSH32 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc SLOAD\n"
    "CALLDATASIZE PUSH1 0x00 PUSH1 0x00 CALLDATACOPY\n"
    "PUSH1 0x00 PUSH1 0x00 CALLDATASIZE PUSH1 0x00 DUP5 GAS DELEGATECALL\n"
    "RETURNDATASIZE PUSH1 0x00 PUSH1 0x00 RETURNDATACOPY\n"
    "@ok JUMPI RETURNDATASIZE PUSH1 0x00 REVERT\n"
    "ok: RETURNDATASIZE PUSH1 0x00 RETURN\n";

/* Array push: length at slot 2, elements at keccak(2) + i. */
static const char *ARRAY = "PUSH1 0x02 SLOAD DUP1 PUSH1 0x01 ADD PUSH1 0x02 SSTORE\n"
                           "PUSH1 0x02 PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 KECCAK256 ADD\n"
                           "PUSH1 0x04 CALLDATALOAD SWAP1 SSTORE STOP\n";

/* f(address[] a): counter[a[i]] += 1 (slot 0) for each i: a loop bounded by
 * calldata. */
static const char *LOOP = "PUSH1 0x04 CALLDATALOAD PUSH1 0x04 ADD DUP1 CALLDATALOAD PUSH1 0x00\n"
                          "loop: DUP2 DUP2 LT ISZERO @end JUMPI\n"
                          "  DUP1 PUSH1 0x05 SHL DUP4 ADD PUSH1 0x20 ADD CALLDATALOAD\n"
                          "  PUSH1 0x00 MSTORE PUSH1 0x00 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256\n"
                          "  DUP1 SLOAD PUSH1 0x01 ADD SWAP1 SSTORE\n"
                          "  PUSH1 0x01 ADD @loop JUMP\n"
                          "end: STOP\n";

/* AMM pair: reserves at slots 0 and 1, its token at slot 2.
 * swap(amountIn, to) (0x11111111): out = r1*in/(r0+in), reserves updated,
 * token.transfer(to, out) with Solidity's unaligned argument layout. */
static const char *PAIR =
    "PUSH1 0x00 CALLDATALOAD PUSH1 0xe0 SHR PUSH4 0x11111111 EQ @swap JUMPI PUSH1 0x00 DUP1 REVERT\n"
    "swap: PUSH1 0x00 SLOAD PUSH1 0x01 SLOAD\n"
    "  PUSH1 0x04 CALLDATALOAD DUP3 ADD PUSH1 0x04 CALLDATALOAD DUP3 MUL DIV\n"
    "  DUP1 DUP3 SUB PUSH1 0x01 SSTORE\n"
    "  PUSH1 0x04 CALLDATALOAD DUP4 ADD PUSH1 0x00 SSTORE\n"
    "  PUSH4 0xa9059cbb PUSH1 0xe0 SHL PUSH1 0x00 MSTORE\n"
    "  PUSH1 0x24 CALLDATALOAD PUSH1 0x04 MSTORE PUSH1 0x24 MSTORE\n"
    "  PUSH1 0x00 PUSH1 0x00 PUSH1 0x44 PUSH1 0x00 PUSH1 0x00 PUSH1 0x02 SLOAD GAS CALL POP STOP\n";

/* Router: route(pair, amountIn) (0x22222222) calls pair.swap(amountIn,
 * caller). */
static const char *ROUTER =
    "PUSH1 0x00 CALLDATALOAD PUSH1 0xe0 SHR PUSH4 0x22222222 EQ @route JUMPI PUSH1 0x00 DUP1 REVERT\n"
    "route: PUSH4 0x11111111 PUSH1 0xe0 SHL PUSH1 0x00 MSTORE\n"
    "  PUSH1 0x24 CALLDATALOAD PUSH1 0x04 MSTORE CALLER PUSH1 0x24 MSTORE\n"
    "  PUSH1 0x00 PUSH1 0x00 PUSH1 0x44 PUSH1 0x00 PUSH1 0x00 PUSH1 0x04 CALLDATALOAD GAS CALL POP STOP\n";

/* ---- fixture state ---- */

enum { A_TOKEN = 1, A_PROXY, A_MINPROXY, A_ARRAY, A_LOOP, A_PAIR, A_ROUTER, A_ALICE = 0x10, A_BOB, A_CAROL };

static void fx_init(world_fx *fx)
{
    memset(fx, 0, sizeof *fx);
    ck_assert_int_eq(seer_memstore_new(&fx->ms), 0);
    put_contract(fx, A_TOKEN, ERC20);
    put_contract(fx, A_PROXY, PROXY1967);
    put_contract(fx, A_ARRAY, ARRAY);
    put_contract(fx, A_LOOP, LOOP);
    put_contract(fx, A_PAIR, PAIR);
    put_contract(fx, A_ROUTER, ROUTER);
    /* EIP-1167 minimal proxy to the token, byte for byte as the EIP gives it. */
    uint8_t mp[45];
    static const uint8_t head[] = {0x36, 0x3d, 0x3d, 0x37, 0x3d, 0x3d, 0x3d, 0x36, 0x3d, 0x73};
    static const uint8_t tail[] = {0x5a, 0xf4, 0x3d, 0x82, 0x80, 0x3e, 0x90, 0x3d,
                                   0x91, 0x60, 0x2b, 0x57, 0xfd, 0x5b, 0xf3};
    seer_address tok = addr(A_TOKEN);
    memcpy(mp, head, sizeof head);
    memcpy(mp + 10, tok.bytes, 20);
    memcpy(mp + 30, tail, sizeof tail);
    seer_address mpa = addr(A_MINPROXY);
    seer_account acct = {.exists = true, .nonce = 1};
    ck_assert_int_eq(seer_memstore_set_account(fx->ms, &mpa, &acct), 0);
    ck_assert_int_eq(seer_memstore_set_code(fx->ms, &mpa, mp, sizeof mp), 0);
    u256 impl_slot;
    ck_assert_int_eq(
        u256_parse(&impl_slot, "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc"), 0);
    u256 tw = word_of(&tok);
    put_slot(fx, A_PROXY, &impl_slot, &tw);
    /* Pair: reserves and its token. */
    u256 r = u256_from_u64(1000000), two = u256_from_u64(2), zero = U256_ZERO, one = U256_ONE;
    put_slot(fx, A_PAIR, &zero, &r);
    put_slot(fx, A_PAIR, &one, &r);
    put_slot(fx, A_PAIR, &two, &tw);
    /* Token balances for the users, the pair and via the proxies. */
    unsigned holders[] = {A_ALICE, A_BOB, A_CAROL, A_PAIR};
    for (size_t i = 0; i < SEER_ARRAY_LEN(holders); i++) {
        seer_address h = addr(holders[i]);
        u256 hw = word_of(&h), bal = u256_from_u64(1000000), s = map_slot(&hw, &zero);
        put_slot(fx, A_TOKEN, &s, &bal);
        put_slot(fx, A_PROXY, &s, &bal);
        put_slot(fx, A_MINPROXY, &s, &bal);
        seer_account user = {.exists = true, .balance = u256_from_u64(1000000000000000000ULL)};
        if (holders[i] != A_PAIR)
            ck_assert_int_eq(seer_memstore_set_account(fx->ms, &h, &user), 0);
    }
    fx_finish(fx);
}

static int key_tier(const seer_prediction *p, unsigned a, seer_key_field f, const u256 *slot, bool write)
{
    seer_key k = key(a, f, slot);
    for (size_t i = 0; i < p->nkeys; i++)
        if (!memcmp(&p->keys[i].key, &k, sizeof k) && p->keys[i].write == write)
            return p->keys[i].tier;
    return -1;
}

static size_t storage_keys(const seer_prediction *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nkeys; i++)
        n += p->keys[i].key.field == SEER_KEY_STORAGE;
    return n;
}

/* exec_check; returns (and *resolved says) whether the prediction was
 * resolved, i.e. checked key by key. */
static bool exec_and_check(world_fx *fx, const seer_tx *tx, const seer_prediction *p, bool *resolved)
{
    exec_check(fx, tx, p, false);
    *resolved = !p->unknown;
    return !p->unknown;
}

static void predict(world_fx *fx, seer_prediction *p, const seer_tx *tx)
{
    ck_assert_int_eq(seer_analyzer_predict_tx(fx->an, p, tx, &fx->env, &fx->reader), 0);
}

/* ---- templates ---- */

static char *describe(world_fx *fx, const char *src)
{
    uint8_t code[4096];
    size_t len = test_assemble(code, sizeof code, src);
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    ck_assert_int_eq(seer_analyzer_describe_code(fx->an, f, code, len, SEER_ANALYZER_TEXT), 0);
    fclose(f);
    return buf;
}

START_TEST(test_erc20_templates)
{
    world_fx fx;
    fx_init(&fx);
    char *d = describe(&fx, ERC20);
    /* Entry points from the dispatcher, and the templates each holds. */
    ck_assert_msg(strstr(d, "entry 0xa9059cbb:\n"), "%s", d);
    ck_assert_msg(strstr(d, "entry 0x23b872dd:\n"), "%s", d);
    ck_assert_msg(strstr(d, "sstore storage[keccak(caller, 0x0)]"), "%s", d);
    ck_assert_msg(strstr(d, "sstore storage[keccak(calldata[0x4], 0x0)]"), "%s", d);
    ck_assert_msg(strstr(d, "sstore storage[keccak(calldata[0x4], keccak(caller, 0x1))]"), "%s", d);
    ck_assert_msg(strstr(d, "sstore storage[keccak(caller, keccak(calldata[0x4], 0x1))]"), "%s", d);
    ck_assert_msg(!strstr(d, "unknown"), "%s", d);
    free(d);

    /* transfer(bob, 5) from alice: exactly the two balance slots. */
    seer_address bob = addr(A_BOB), alice = addr(A_ALICE);
    u256 w[3] = {word_of(&bob), u256_from_u64(5)}, zero = U256_ZERO, one = U256_ONE;
    uint8_t cd[128];
    seer_tx tx;
    mk_tx(&tx, A_ALICE, A_TOKEN, cd, calldata(cd, 0xa9059cbb, w, 2), 0);
    seer_prediction p;
    predict(&fx, &p, &tx);
    u256 sa = word_of(&alice), sb = word_of(&bob);
    u256 ka = map_slot(&sa, &zero), kb = map_slot(&sb, &zero);
    ck_assert(!p.unknown);
    ck_assert_uint_eq(p.nall_slots, 0);
    ck_assert_uint_eq(storage_keys(&p), 4); /* two slots, read and write */
    ck_assert(has(&p, A_TOKEN, SEER_KEY_STORAGE, &ka, true));
    ck_assert(has(&p, A_TOKEN, SEER_KEY_STORAGE, &kb, true));
    ck_assert(has(&p, A_ALICE, SEER_KEY_NONCE, NULL, true));
    bool resolved;
    exec_and_check(&fx, &tx, &p, &resolved);
    ck_assert(resolved);
    seer_prediction_clear(&p);
    seer_tx_clear(&tx);

    /* approve then transferFrom: the allowance is a mapping of mappings. */
    seer_address carol = addr(A_CAROL);
    u256 wf[3] = {word_of(&alice), word_of(&carol), u256_from_u64(7)};
    mk_tx(&tx, A_BOB, A_TOKEN, cd, calldata(cd, 0x23b872dd, wf, 3), 0);
    predict(&fx, &p, &tx);
    u256 inner = map_slot(&sa, &one), allow = map_slot(&sb, &inner);
    u256 sc = word_of(&carol), kc = map_slot(&sc, &zero);
    ck_assert(!p.unknown && p.nall_slots == 0);
    ck_assert(has(&p, A_TOKEN, SEER_KEY_STORAGE, &allow, true));
    ck_assert(has(&p, A_TOKEN, SEER_KEY_STORAGE, &ka, true));
    ck_assert(has(&p, A_TOKEN, SEER_KEY_STORAGE, &kc, true));
    ck_assert_uint_eq(storage_keys(&p), 6);
    seer_prediction_clear(&p);
    seer_tx_clear(&tx);

    /* An unknown selector reverts: no storage key at all. */
    mk_tx(&tx, A_BOB, A_TOKEN, cd, calldata(cd, 0xdeadbeef, wf, 3), 0);
    predict(&fx, &p, &tx);
    ck_assert(!p.unknown && p.nall_slots == 0);
    ck_assert_uint_eq(storage_keys(&p), 0);
    seer_prediction_clear(&p);
    seer_tx_clear(&tx);
    fx_free(&fx);
}
END_TEST

/* Both proxies: the implementation comes from storage (EIP-1967, tier 2)
 * or from the code (EIP-1167); the token's templates are instantiated on
 * the forwarded calldata in the proxy's storage. */
START_TEST(test_proxies)
{
    world_fx fx;
    fx_init(&fx);
    seer_address bob = addr(A_BOB), alice = addr(A_ALICE);
    u256 w[2] = {word_of(&bob), u256_from_u64(5)}, zero = U256_ZERO, impl_slot;
    ck_assert_int_eq(
        u256_parse(&impl_slot, "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc"), 0);
    u256 sa = word_of(&alice), sb = word_of(&bob);
    u256 ka = map_slot(&sa, &zero), kb = map_slot(&sb, &zero);
    unsigned proxies[] = {A_PROXY, A_MINPROXY};
    for (size_t i = 0; i < 2; i++) {
        uint8_t cd[128];
        seer_tx tx;
        mk_tx(&tx, A_ALICE, proxies[i], cd, calldata(cd, 0xa9059cbb, w, 2), i);
        seer_prediction p;
        predict(&fx, &p, &tx);
        ck_assert(!p.unknown && p.nall_slots == 0);
        ck_assert(has(&p, proxies[i], SEER_KEY_STORAGE, &ka, true));
        ck_assert(has(&p, proxies[i], SEER_KEY_STORAGE, &kb, true));
        ck_assert(has(&p, A_TOKEN, SEER_KEY_CODE, NULL, false));
        ck_assert(!has(&p, A_TOKEN, SEER_KEY_STORAGE, &ka, true)); /* the proxy's storage, not the token's */
        if (proxies[i] == A_PROXY) {
            ck_assert(has(&p, A_PROXY, SEER_KEY_STORAGE, &impl_slot, false));
            /* The balance slots went through a stored target: tier 2. */
            ck_assert_int_eq(key_tier(&p, A_PROXY, SEER_KEY_STORAGE, &ka, true), SEER_PRED_STATE);
            ck_assert_int_eq(key_tier(&p, A_PROXY, SEER_KEY_STORAGE, &impl_slot, false), SEER_PRED_STATIC);
        } else {
            ck_assert_int_eq(key_tier(&p, A_MINPROXY, SEER_KEY_STORAGE, &ka, true), SEER_PRED_STATIC);
        }
        ck_assert_uint_eq(storage_keys(&p), proxies[i] == A_PROXY ? 5 : 4);
        bool resolved;
        exec_and_check(&fx, &tx, &p, &resolved);
        ck_assert(resolved);
        seer_prediction_clear(&p);
        seer_tx_clear(&tx);
    }
    fx_free(&fx);
}
END_TEST

START_TEST(test_array_push)
{
    world_fx fx;
    fx_init(&fx);
    char *d = describe(&fx, ARRAY);
    ck_assert_msg(strstr(d, "sstore storage[add(keccak(0x2), sload(0x2))]"), "%s", d);
    free(d);
    u256 three = u256_from_u64(3), two = u256_from_u64(2);
    put_slot(&fx, A_ARRAY, &two, &three); /* length 3 */
    uint8_t cd[64];
    u256 w[1] = {u256_from_u64(42)};
    seer_tx tx;
    mk_tx(&tx, A_ALICE, A_ARRAY, cd, calldata(cd, 0x12345678, w, 1), 0);
    seer_prediction p;
    predict(&fx, &p, &tx);
    uint8_t buf[32], h[32];
    u256_to_be32(buf, &two);
    seer_keccak256(h, buf, 32);
    u256 base, elem;
    u256_from_be32(&base, h);
    u256_add(&elem, &base, &three);
    ck_assert(!p.unknown && p.nall_slots == 0);
    ck_assert(has(&p, A_ARRAY, SEER_KEY_STORAGE, &two, true));
    ck_assert(has(&p, A_ARRAY, SEER_KEY_STORAGE, &elem, true));
    ck_assert_int_eq(key_tier(&p, A_ARRAY, SEER_KEY_STORAGE, &elem, true),
                     SEER_PRED_STATE); /* uses the length */
    ck_assert_int_eq(key_tier(&p, A_ARRAY, SEER_KEY_STORAGE, &two, true), SEER_PRED_STATIC);
    bool resolved;
    exec_and_check(&fx, &tx, &p, &resolved);
    ck_assert(resolved);
    seer_prediction_clear(&p);
    seer_tx_clear(&tx);
    fx_free(&fx);
}
END_TEST

/* A loop bounded by calldata is widened, not unrolled: the keys inside it
 * become "all slots of the contract", never "unknown" and never dropped. */
START_TEST(test_calldata_loop)
{
    world_fx fx;
    fx_init(&fx);
    char *d = describe(&fx, LOOP);
    ck_assert_msg(strstr(d, "1 loops widened") || strstr(d, "loops widened"), "%s", d);
    ck_assert_msg(!strstr(d, "unknown"), "%s", d);
    free(d);
    uint8_t cd[4 + 32 * 8];
    u256 w[6];
    w[0] = u256_from_u64(0x20);
    w[1] = u256_from_u64(4);
    for (int i = 0; i < 4; i++) {
        seer_address x = addr(0x40 + (unsigned)i);
        w[2 + i] = word_of(&x);
    }
    seer_tx tx;
    mk_tx(&tx, A_ALICE, A_LOOP, cd, calldata(cd, 0xabcdef01, w, 6), 0);
    seer_prediction p;
    predict(&fx, &p, &tx);
    ck_assert(!p.unknown);
    ck_assert_uint_eq(p.nall_slots, 1);
    ck_assert_uint_eq(p.all_slots[0].bytes[19], A_LOOP);
    bool resolved;
    exec_and_check(&fx, &tx, &p, &resolved);
    ck_assert(resolved);
    seer_prediction_clear(&p);
    seer_tx_clear(&tx);
    fx_free(&fx);
}
END_TEST

/* Router -> pair -> token: two call levels, the token address read from the
 * pair's storage (tier 2), the arguments passed in Solidity's unaligned
 * layout. */
START_TEST(test_router_pair_swap)
{
    world_fx fx;
    fx_init(&fx);
    char *d = describe(&fx, PAIR);
    ck_assert_msg(strstr(d, "CALL sload(0x2)("), "%s", d);
    free(d);
    seer_address pair = addr(A_PAIR), alice = addr(A_ALICE);
    u256 w[2] = {word_of(&pair), u256_from_u64(1000)}, zero = U256_ZERO, one = U256_ONE,
         two = u256_from_u64(2);
    uint8_t cd[128];
    seer_tx tx;
    mk_tx(&tx, A_ALICE, A_ROUTER, cd, calldata(cd, 0x22222222, w, 2), 0);
    seer_prediction p;
    predict(&fx, &p, &tx);
    ck_assert_msg(!p.unknown, "%s", p.unknown_why);
    ck_assert_uint_eq(p.nall_slots, 0);
    ck_assert(has(&p, A_PAIR, SEER_KEY_STORAGE, &zero, true));
    ck_assert(has(&p, A_PAIR, SEER_KEY_STORAGE, &one, true));
    ck_assert(has(&p, A_PAIR, SEER_KEY_STORAGE, &two, false));
    u256 sp = word_of(&pair), sa = word_of(&alice);
    u256 kp = map_slot(&sp, &zero), ka = map_slot(&sa, &zero);
    ck_assert(has(&p, A_TOKEN, SEER_KEY_STORAGE, &kp, true)); /* the pair pays */
    ck_assert(has(&p, A_TOKEN, SEER_KEY_STORAGE, &ka, true)); /* to the router's caller */
    ck_assert_uint_eq(storage_keys(&p), 9); /* r0, r1 rw; the token slot read; two balances rw */
    ck_assert_uint_ge(p.frames, 3);
    bool resolved;
    exec_and_check(&fx, &tx, &p, &resolved);
    ck_assert(resolved);
    seer_prediction_clear(&p);
    seer_tx_clear(&tx);
    fx_free(&fx);
}
END_TEST

/* Property: random transactions to all the contracts above, executed in
 * sequence; each prediction (made on the state just before the tx) that is
 * not "unknown" must cover the recorded reads and writes. */
START_TEST(test_property_random_txs)
{
    world_fx fx;
    fx_init(&fx);
    test_rng rng;
    test_rng_init(&rng, test_seed("test_analyzer"));
    unsigned users[] = {A_ALICE, A_BOB, A_CAROL};
    uint64_t nonces[3] = {0};
    unsigned checked = 0, total = 0, wildcard = 0;
    for (int it = 0; it < 300; it++) {
        unsigned ui = (unsigned)(test_rng_next(&rng) % 3);
        unsigned kind = (unsigned)(test_rng_next(&rng) % 9);
        seer_address other = addr(users[test_rng_next(&rng) % 3]);
        seer_address third = addr(users[test_rng_next(&rng) % 3]);
        u256 amt = u256_from_u64(test_rng_next(&rng) % 2000);
        uint8_t cd[4 + 32 * 8];
        size_t len;
        unsigned to;
        u256 w[8];
        uint32_t sels[] = {0xa9059cbb, 0x70a08231, 0x095ea7b3, 0x23b872dd, 0x01020304};
        switch (kind) {
        case 0:
        case 1:
        case 2: {
            unsigned targets[] = {A_TOKEN, A_PROXY, A_MINPROXY};
            to = targets[kind];
            uint32_t sel = sels[test_rng_next(&rng) % 5];
            w[0] = word_of(sel == 0x23b872dd ? &third : &other);
            w[1] = sel == 0x23b872dd ? word_of(&other) : amt;
            w[2] = amt;
            len = calldata(cd, sel, w, sel == 0x23b872dd ? 3 : 2);
            break;
        }
        case 3:
            to = A_ARRAY;
            w[0] = amt;
            len = calldata(cd, 0, w, 1);
            break;
        case 4: {
            to = A_LOOP;
            unsigned n = (unsigned)(test_rng_next(&rng) % 6);
            w[0] = u256_from_u64(0x20);
            w[1] = u256_from_u64(n);
            for (unsigned i = 0; i < n; i++)
                w[2 + i] = word_of(i % 2 ? &other : &third);
            len = calldata(cd, 0, w, 2 + n);
            break;
        }
        case 5:
        case 6:
            to = A_ROUTER;
            {
                seer_address pa = addr(A_PAIR);
                w[0] = word_of(&pa);
            }
            w[1] = amt;
            len = calldata(cd, kind == 5 ? 0x22222222 : 0x22222223, w, 2);
            break;
        default:
            to = A_PAIR;
            w[0] = amt;
            w[1] = word_of(&other);
            len = calldata(cd, 0x11111111, w, 2);
            break;
        }
        /* Random truncation now and then: short calldata reads zeros. */
        if (test_rng_next(&rng) % 10 == 0 && len > 4)
            len -= (size_t)(test_rng_next(&rng) % (len - 4));
        seer_tx tx;
        mk_tx(&tx, users[ui], to, cd, len, nonces[ui]++);
        seer_prediction p;
        predict(&fx, &p, &tx);
        bool resolved;
        checked += exec_and_check(&fx, &tx, &p, &resolved);
        wildcard += p.nall_slots > 0;
        total++;
        seer_prediction_clear(&p);
        seer_tx_clear(&tx);
    }
    /* Calldata arrays of up to 3 items resolve exactly (the unrolled
     * iterations; the widened part's guard is false); longer ones give the
     * loop contract's all-slots wildcard. */
    printf("test_analyzer: property: %u txs, %u resolved without unknown and checked, %u with all-slots\n",
           total, checked, wildcard);
    ck_assert_uint_eq(checked, total); /* none of these contracts needs "unknown" */
    fx_free(&fx);
}
END_TEST

/* ---- transactions that run no code ---- */

static bool has_key(const seer_prediction *p, const seer_address *a, seer_key_field f, bool write)
{
    for (size_t i = 0; i < p->nkeys; i++)
        if (!memcmp(p->keys[i].key.addr, a->bytes, 20) && p->keys[i].key.field == f &&
            p->keys[i].write == write)
            return true;
    return false;
}

/* Value transfers to accounts without code (present or absent), to the
 * sender itself and to precompiles: exactly the transaction's own keys,
 * sorted and distinct, covering what execution touches. */
START_TEST(test_plain_transfers)
{
    world_fx fx;
    fx_init(&fx);
    seer_address alice = addr(A_ALICE), absent = addr(0x77), empty = addr(0x78), pre4, pre1;
    /* An account that exists and is empty: a call touches it and from
     * EIP-161 it goes at the end of the transaction (a write of its
     * existence; mainnet 2675000 tx 1 calls such a precompile). */
    seer_account ea = {.exists = true};
    ck_assert_int_eq(seer_memstore_set_account(fx.ms, &empty, &ea), 0);
    memset(&pre4, 0, sizeof pre4);
    pre4.bytes[19] = 4;
    memset(&pre1, 0, sizeof pre1);
    pre1.bytes[19] = 1;
    struct {
        seer_address to;
        uint64_t value;
    } cases[] = {{addr(A_BOB), 5}, {addr(A_BOB), 0}, {absent, 5}, {absent, 0}, {alice, 5},
                 {alice, 0},       {pre4, 0},        {pre4, 3},   {pre1, 0},   {empty, 0}};
    uint64_t nonce = 0;
    for (size_t c = 0; c < SEER_ARRAY_LEN(cases); c++) {
        seer_tx tx;
        uint8_t none[1] = {0};
        mk_tx(&tx, A_ALICE, A_BOB, none, 0, nonce++);
        tx.to = cases[c].to;
        tx.value = u256_from_u64(cases[c].value);
        seer_account ta;
        ck_assert_int_eq(fx.reader.vt->get_account(fx.reader.ctx, &tx.to, &ta), 0);
        seer_prediction p;
        predict(&fx, &p, &tx);
        ck_assert(!p.unknown);
        ck_assert_uint_eq(p.nall_slots, 0);
        ck_assert_uint_eq(p.frames, 0);
        /* sorted by key then write flag, no duplicates */
        for (size_t i = 1; i < p.nkeys; i++) {
            int d = memcmp(&p.keys[i - 1].key, &p.keys[i].key, sizeof(seer_key));
            ck_assert_msg(d < 0 || (d == 0 && p.keys[i - 1].write < p.keys[i].write),
                          "case %zu: key %zu out of order", c, i);
        }
        for (size_t i = 0; i < p.nkeys; i++)
            ck_assert_uint_eq(p.keys[i].tier, SEER_PRED_TX);
        bool self = !memcmp(&tx.to, &alice, sizeof alice), value = cases[c].value != 0;
        size_t want = 5; /* the sender's nonce and balance read and written, its code read */
        ck_assert(has_key(&p, &alice, SEER_KEY_NONCE, false) && has_key(&p, &alice, SEER_KEY_NONCE, true));
        ck_assert(has_key(&p, &alice, SEER_KEY_BALANCE, false) &&
                  has_key(&p, &alice, SEER_KEY_BALANCE, true));
        ck_assert(has_key(&p, &alice, SEER_KEY_CODE, false));
        ck_assert(has_key(&p, &tx.to, SEER_KEY_EXISTS, false) && has_key(&p, &tx.to, SEER_KEY_CODE, false));
        want += self ? 1 : 2;
        if (value) {
            ck_assert(has_key(&p, &tx.to, SEER_KEY_BALANCE, true));
            want += self ? 0 : 1;
        }
        bool swept = ta.exists && !value && !memcmp(&tx.to, &empty, sizeof empty);
        if ((value && !ta.exists) || swept) {
            ck_assert(has_key(&p, &tx.to, SEER_KEY_EXISTS, true));
            want++;
        }
        ck_assert_msg(p.nkeys == want, "case %zu: %zu keys, expected %zu", c, p.nkeys, want);
        check_done(&fx, &tx, &p, false);
    }
    fx_free(&fx);
}
END_TEST

/* ---- hostile code ---- */

START_TEST(test_hostile_code_bounded)
{
    seer_analyzer_options o = SEER_ANALYZER_OPTIONS_INIT;
    o.max_steps = 20000;
    o.max_entry_steps = 5000;
    o.max_nodes = 4000;
    o.max_paths = 64;
    test_rng rng;
    test_rng_init(&rng, test_seed("test_analyzer") ^ 0x5555);
    static uint8_t code[8192];
    unsigned unknown = 0;
    for (int it = 0; it < 200; it++) {
        size_t len = 48 + (size_t)(test_rng_next(&rng) % (sizeof code - 48));
        /* A prefix of pushes, so paths do not all end in a stack underflow. */
        for (size_t i = 0; i < 48; i += 3) {
            code[i] = SEER_OP_PUSH2;
            code[i + 1] = (uint8_t)(test_rng_next(&rng) % 32);
            code[i + 2] = (uint8_t)test_rng_next(&rng);
        }
        for (size_t i = 48; i < len; i++) {
            uint64_t r = test_rng_next(&rng);
            /* Bias toward jumps, pushes and JUMPDESTs so paths branch. */
            static const uint8_t pick[] = {0x5b, 0x56, 0x57, 0x60, 0x61, 0x80,
                                           0x90, 0x54, 0x55, 0x20, 0x35, 0x01};
            code[i] = r % 3 ? pick[(r >> 8) % sizeof pick] : (uint8_t)(r >> 16);
        }
        an_summary *s = NULL;
        ck_assert_int_eq(an_summary_build(&s, code, len, &o), 0);
        ck_assert_uint_le(s->steps, o.max_steps);
        ck_assert_uint_le(s->nnodes, o.max_nodes + 1);
        for (uint32_t i = 0; i < s->ntpl; i++)
            unknown += s->tpl[i].kind == AT_UNKNOWN;
        an_summary_free(s);
    }
    /* An infinite loop that grows a counter: widened, then it stops. */
    uint8_t spin[64];
    size_t n = test_assemble(spin, sizeof spin, "PUSH1 0x00 top: PUSH1 0x01 ADD DUP1 SLOAD POP @top JUMP");
    an_summary *s = NULL;
    ck_assert_int_eq(an_summary_build(&s, spin, n, &o), 0);
    ck_assert_uint_ge(s->widened, 1);
    ck_assert(!s->budget_hit);
    an_summary_free(s);
    /* A stack that grows each iteration cannot be widened: "unknown". */
    n = test_assemble(spin, sizeof spin, "top: CALLER @top JUMP");
    ck_assert_int_eq(an_summary_build(&s, spin, n, &o), 0);
    bool unk = false;
    for (uint32_t i = 0; i < s->ntpl; i++)
        unk |= s->tpl[i].kind == AT_UNKNOWN;
    ck_assert(unk);
    an_summary_free(s);
    printf("test_analyzer: hostile: 200 random codes analyzed within budget, %u unknown templates\n",
           unknown);
}
END_TEST

/* The summary cache is keyed by (code hash, selector): two entry points of
 * one code are two entries when the builder specialises them, else the
 * one summary of every entry point serves both; either way a repeated
 * prediction builds nothing and both predictions hold. */
START_TEST(test_cache_per_selector)
{
    world_fx fx;
    fx_init(&fx);
    seer_address bob = addr(A_BOB), alice = addr(A_ALICE), tok = addr(A_TOKEN);
    seer_account acct;
    ck_assert_int_eq(fx.reader.vt->get_account(fx.reader.ctx, &tok, &acct), 0);
    u256 w[3] = {word_of(&alice), word_of(&bob), u256_from_u64(1)}, zero = U256_ZERO;
    uint8_t cd1[128], cd2[128];
    seer_tx t1, t2;
    mk_tx(&t1, A_ALICE, A_TOKEN, cd1, calldata(cd1, 0xa9059cbb, w + 1, 2), 0); /* transfer(bob, 1) */
    mk_tx(&t2, A_BOB, A_TOKEN, cd2, calldata(cd2, 0x23b872dd, w, 3), 0); /* transferFrom(alice, bob, 1) */
    seer_prediction p1, p2;
    predict(&fx, &p1, &t1);
    size_t after1 = seer_analyzer_cache_count(fx.an);
    predict(&fx, &p2, &t2);
    size_t after2 = seer_analyzer_cache_count(fx.an);
    bool s1 = an_cache_has(fx.an, &acct.code_hash, 0xa9059cbb),
         s2 = an_cache_has(fx.an, &acct.code_hash, 0x23b872dd),
         any = an_cache_has(fx.an, &acct.code_hash, -1);
    ck_assert_msg((s1 && s2 && after2 == after1 + 1) || (any && !s1 && !s2 && after2 == after1),
                  "per selector %d %d, any %d, count %zu -> %zu", s1, s2, any, after1, after2);
    ck_assert_uint_gt(an_cache_bytes(fx.an), 0);
    /* Each prediction is its entry point's: transfer writes the sender's
     * and bob's balances, transferFrom also the allowance. */
    u256 sa = word_of(&alice), sb = word_of(&bob);
    u256 ka = map_slot(&sa, &zero), kb = map_slot(&sb, &zero);
    ck_assert(!p1.unknown && !p2.unknown);
    ck_assert(has(&p1, A_TOKEN, SEER_KEY_STORAGE, &ka, true) &&
              has(&p1, A_TOKEN, SEER_KEY_STORAGE, &kb, true));
    ck_assert(has(&p2, A_TOKEN, SEER_KEY_STORAGE, &ka, true) &&
              has(&p2, A_TOKEN, SEER_KEY_STORAGE, &kb, true));
    ck_assert_uint_gt(storage_keys(&p2), storage_keys(&p1)); /* the allowance */
    /* Again: served from the cache, the same keys. */
    seer_prediction q;
    predict(&fx, &q, &t1);
    ck_assert_uint_eq(seer_analyzer_cache_count(fx.an), after2);
    ck_assert_uint_eq(q.nkeys, p1.nkeys);
    ck_assert(!memcmp(q.keys, p1.keys, q.nkeys * sizeof *q.keys));
    seer_prediction_clear(&q);
    bool resolved;
    exec_and_check(&fx, &t1, &p1, &resolved);
    ck_assert(resolved);
    exec_and_check(&fx, &t2, &p2, &resolved);
    ck_assert(resolved);
    seer_prediction_clear(&p1);
    seer_prediction_clear(&p2);
    seer_tx_clear(&t1);
    seer_tx_clear(&t2);
    fx_free(&fx);
}
END_TEST

/* A cache bounded to one entry (and to a few bytes) still predicts the
 * router -> pair -> token swap exactly as an unbounded one: the summaries a
 * prediction instantiates stay pinned while newer ones evict them from the
 * cache (ASan would see a use after free). */
START_TEST(test_cache_bounded)
{
    world_fx fx;
    fx_init(&fx);
    seer_address pair = addr(A_PAIR);
    u256 w[2] = {word_of(&pair), u256_from_u64(1000)};
    uint8_t cd[128];
    seer_tx tx;
    mk_tx(&tx, A_ALICE, A_ROUTER, cd, calldata(cd, 0x22222222, w, 2), 0);
    seer_prediction full, small;
    predict(&fx, &full, &tx);
    ck_assert_uint_ge(seer_analyzer_cache_count(fx.an), 3);
    for (int round = 0; round < 2; round++) {
        an_cache_set_limits(fx.an, 1, round ? 1 : (size_t)1 << 30);
        for (int i = 0; i < 3; i++) {
            predict(&fx, &small, &tx);
            ck_assert_uint_le(seer_analyzer_cache_count(fx.an), 1);
            ck_assert_uint_eq(small.nkeys, full.nkeys);
            ck_assert(!memcmp(small.keys, full.keys, full.nkeys * sizeof *full.keys));
            ck_assert_int_eq(small.unknown, full.unknown);
            seer_prediction_clear(&small);
        }
    }
    seer_analyzer_cache_clear(fx.an);
    ck_assert_uint_eq(seer_analyzer_cache_count(fx.an), 0);
    ck_assert_uint_eq(an_cache_bytes(fx.an), 0);
    seer_prediction_clear(&full);
    seer_tx_clear(&tx);
    fx_free(&fx);
}
END_TEST

/* Threads sharing one analyzer whose cache holds one summary: every
 * prediction of the swap evicts summaries other threads are instantiating
 * (pinned, so freed only after them) and must equal the single-threaded
 * one. Run under ASan/TSan in CI. */
typedef struct cache_thread {
    world_fx *fx;
    const seer_tx *tx;
    const seer_prediction *want;
    int bad;
} cache_thread;

static void *cache_thread_run(void *arg)
{
    cache_thread *c = arg;
    for (int i = 0; i < 40; i++) {
        seer_prediction p;
        if (seer_analyzer_predict_tx(c->fx->an, &p, c->tx, &c->fx->env, &c->fx->reader) != 0) {
            c->bad++;
            continue;
        }
        if (p.nkeys != c->want->nkeys || memcmp(p.keys, c->want->keys, p.nkeys * sizeof *p.keys) != 0 ||
            p.unknown != c->want->unknown)
            c->bad++;
        seer_prediction_clear(&p);
        if (i % 8 == 7)
            seer_analyzer_cache_clear(c->fx->an);
    }
    return NULL;
}

START_TEST(test_cache_threads)
{
    world_fx fx;
    fx_init(&fx);
    seer_address pair = addr(A_PAIR);
    u256 w[2] = {word_of(&pair), u256_from_u64(1000)};
    uint8_t cd[128];
    seer_tx tx;
    mk_tx(&tx, A_ALICE, A_ROUTER, cd, calldata(cd, 0x22222222, w, 2), 0);
    seer_prediction want;
    predict(&fx, &want, &tx);
    ck_assert(!want.unknown);
    an_cache_set_limits(fx.an, 1, 1);
    cache_thread c[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        c[i] = (cache_thread){&fx, &tx, &want, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, cache_thread_run, &c[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
        ck_assert_int_eq(c[i].bad, 0);
    }
    ck_assert_uint_le(seer_analyzer_cache_count(fx.an), 1);
    seer_prediction_clear(&want);
    seer_tx_clear(&tx);
    fx_free(&fx);
}
END_TEST

/* CREATE and CREATE2 addresses as the EVM makes them: a factory creates
 * with each (1-byte init code, salt 0x2a) and stores the new addresses;
 * the derivation must give the same. Inside a called contract the init
 * code is not derivable here, so the prediction keeps "unknown" (never a
 * dropped access), and names the creator's nonce. */
static const char *FACTORY = "PUSH1 0x00 PUSH1 0x00 MSTORE8\n"
                             "PUSH1 0x01 PUSH1 0x00 PUSH1 0x00 CREATE PUSH1 0x00 SSTORE\n"
                             "PUSH1 0x2a PUSH1 0x01 PUSH1 0x00 PUSH1 0x00 CREATE2 PUSH1 0x01 SSTORE STOP\n";

START_TEST(test_create_addresses)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_FACTORY = 0x30 };
    put_contract(&fx, A_FACTORY, FACTORY);
    seer_address fa = addr(A_FACTORY);
    seer_account before;
    ck_assert_int_eq(fx.reader.vt->get_account(fx.reader.ctx, &fa, &before), 0);
    seer_tx tx;
    uint8_t none[1] = {0};
    mk_tx(&tx, A_ALICE, A_FACTORY, none, 0, 0);
    seer_prediction p;
    predict(&fx, &p, &tx);
    ck_assert(p.unknown);
    ck_assert_msg(p.unknown_why && strstr(p.unknown_why, "CREATE"), "%s", p.unknown_why);
    ck_assert(has(&p, A_FACTORY, SEER_KEY_NONCE, NULL, true));
    bool resolved;
    exec_and_check(&fx, &tx, &p, &resolved);
    u256 zero = U256_ZERO, one = U256_ONE, v0, v1;
    ck_assert_int_eq(fx.reader.vt->get_storage(fx.reader.ctx, &fa, &zero, &v0), 0);
    ck_assert_int_eq(fx.reader.vt->get_storage(fx.reader.ctx, &fa, &one, &v1), 0);
    ck_assert(!u256_is_zero(&v0) && !u256_is_zero(&v1));
    seer_address c1, c2, made1, made2;
    an_create_address(&c1, &fa, before.nonce);
    u256 salt = u256_from_u64(0x2a);
    uint8_t init[1] = {0};
    an_create2_address(&c2, &fa, &salt, init, sizeof init);
    uint8_t be[32];
    u256_to_be32(be, &v0);
    memcpy(made1.bytes, be + 12, 20);
    u256_to_be32(be, &v1);
    memcpy(made2.bytes, be + 12, 20);
    ck_assert(!memcmp(&c1, &made1, 20));
    ck_assert(!memcmp(&c2, &made2, 20));
    /* The next CREATE is at the next nonce, and the derivation moves with it. */
    an_create_address(&c2, &fa, before.nonce + 1);
    ck_assert(memcmp(&c1, &c2, 20) != 0);
    seer_prediction_clear(&p);
    seer_tx_clear(&tx);
    fx_free(&fx);
}
END_TEST

/* ---- frame memo ----
 * One analyzer predicts a block's worth of transactions that repeat
 * frames (the same swap by the same or another user, transfers), while
 * the state changes between them, including the pair's token slot that
 * decides which contract the pair calls: every prediction must equal the
 * one of an analyzer that never saw the earlier transactions, key by key
 * with tiers, wildcards, the "unknown" reason and the frame count. */
static void assert_same_prediction(const seer_prediction *a, const seer_prediction *b, int it)
{
    ck_assert_msg(a->nkeys == b->nkeys, "tx %d: %zu keys vs %zu", it, a->nkeys, b->nkeys);
    ck_assert_msg(!a->nkeys || !memcmp(a->keys, b->keys, a->nkeys * sizeof *a->keys), "tx %d: keys differ",
                  it);
    ck_assert_uint_eq(a->nall_slots, b->nall_slots);
    ck_assert(!a->nall_slots || !memcmp(a->all_slots, b->all_slots, a->nall_slots * sizeof *a->all_slots));
    ck_assert_int_eq(a->unknown, b->unknown);
    ck_assert_str_eq(a->unknown_why ? a->unknown_why : "-", b->unknown_why ? b->unknown_why : "-");
    ck_assert_uint_eq(a->frames, b->frames);
}

START_TEST(test_frame_memo_equals_walk)
{
    world_fx fx;
    fx_init(&fx);
    test_rng rng;
    test_rng_init(&rng, test_seed("test_analyzer_memo"));
    unsigned users[] = {A_ALICE, A_BOB, A_CAROL};
    uint64_t nonces[3] = {0};
    seer_address tok = addr(A_TOKEN), prx = addr(A_PROXY), pair = addr(A_PAIR);
    u256 two = u256_from_u64(2);
    unsigned switched = 0;
    for (int it = 0; it < 200; it++) {
        unsigned ui = (unsigned)(test_rng_next(&rng) % 3);
        seer_address other = addr(users[test_rng_next(&rng) % 3]);
        u256 amt = u256_from_u64(1000 * (1 + test_rng_next(&rng) % 2)), w[2];
        uint8_t cd[4 + 64];
        size_t len;
        unsigned to, kind = (unsigned)(test_rng_next(&rng) % 4);
        if (kind < 2) {
            to = A_ROUTER;
            w[0] = word_of(&pair);
            w[1] = amt;
            len = calldata(cd, 0x22222222, w, 2);
        } else if (kind == 2) {
            to = A_PAIR;
            w[0] = amt;
            w[1] = word_of(&other);
            len = calldata(cd, 0x11111111, w, 2);
        } else {
            to = test_rng_next(&rng) % 2 ? A_TOKEN : A_MINPROXY;
            w[0] = word_of(&other);
            w[1] = amt;
            len = calldata(cd, 0xa9059cbb, w, 2);
        }
        if (test_rng_next(&rng) % 8 == 0) {
            /* The pair pays in the other token from now on. */
            u256 t = word_of(switched++ % 2 ? &tok : &prx);
            put_slot(&fx, A_PAIR, &two, &t);
        }
        seer_tx tx;
        mk_tx(&tx, users[ui], to, cd, len, nonces[ui]++);
        seer_prediction p, q;
        predict(&fx, &p, &tx);
        seer_analyzer *fresh;
        ck_assert_int_eq(seer_analyzer_new(&fresh, NULL), 0);
        ck_assert_int_eq(seer_analyzer_predict_tx(fresh, &q, &tx, &fx.env, &fx.reader), 0);
        assert_same_prediction(&p, &q, it);
        seer_analyzer_free(fresh);
        if (test_rng_next(&rng) % 2) {
            bool resolved;
            exec_and_check(&fx, &tx, &p, &resolved);
        } else {
            nonces[ui]--;
        }
        seer_prediction_clear(&p);
        seer_prediction_clear(&q);
        seer_tx_clear(&tx);
    }
    ck_assert_uint_ge(switched, 2);
    fx_free(&fx);
}
END_TEST

/* A call argument that is another call's return data: FWD asks REG for an
 * address (slot 0 of REG), then calls TOKEN.transferFrom(alice, that
 * address, 5). Deriving the argument walks REG's summary with REG's own
 * calldata at the callee level, where the words of transferFrom's calldata
 * already written wait: they must come out whole (selector and from). */
START_TEST(test_retdata_in_call_args)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_REG = 0x20, A_FWD = 0x21 };
    put_contract(&fx, A_REG, "PUSH1 0x00 SLOAD PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN\n");
    put_contract(&fx, A_FWD,
                 "PUSH4 0x33333333 PUSH1 0xe0 SHL PUSH1 0x00 MSTORE\n"
                 "PUSH1 0x20 PUSH1 0x40 PUSH1 0x04 PUSH1 0x00\n"
                 "  PUSH20 0xaa00000000000000000000000000000000000020 GAS STATICCALL POP\n"
                 "PUSH4 0x23b872dd PUSH1 0xe0 SHL PUSH1 0x80 MSTORE\n"
                 "PUSH20 0xaa00000000000000000000000000000000000010 PUSH1 0x84 MSTORE\n"
                 "PUSH1 0x40 MLOAD PUSH1 0xa4 MSTORE PUSH1 0x05 PUSH1 0xc4 MSTORE\n"
                 "PUSH1 0x00 PUSH1 0x00 PUSH1 0x64 PUSH1 0x80 PUSH1 0x00\n"
                 "  PUSH20 0xaa00000000000000000000000000000000000001 GAS CALL POP STOP\n");
    seer_address carol = addr(A_CAROL), alice = addr(A_ALICE), fwd = addr(A_FWD);
    u256 zero = U256_ZERO, one = U256_ONE, cw = word_of(&carol), aw = word_of(&alice), fw = word_of(&fwd);
    put_slot(&fx, A_REG, &zero, &cw);
    uint8_t cd[4];
    size_t len = calldata(cd, 0x44444444, NULL, 0);
    for (int round = 0; round < 4; round++) { /* walks, then the frame memo's replays */
        seer_tx tx;
        mk_tx(&tx, A_BOB, A_FWD, cd, len, (uint64_t)round);
        seer_prediction p;
        predict(&fx, &p, &tx);
        ck_assert_msg(!p.unknown, "round %d: unknown (%s)", round, p.unknown_why ? p.unknown_why : "");
        ck_assert_uint_eq(p.nall_slots, 0);
        u256 from_bal = map_slot(&aw, &zero), to_bal = map_slot(&cw, &zero), inner = map_slot(&aw, &one),
             allow = map_slot(&fw, &inner);
        ck_assert(has(&p, A_TOKEN, SEER_KEY_STORAGE, &from_bal, true));
        ck_assert(has(&p, A_TOKEN, SEER_KEY_STORAGE, &to_bal, true));
        ck_assert(has(&p, A_TOKEN, SEER_KEY_STORAGE, &allow, true));
        ck_assert(has(&p, A_REG, SEER_KEY_STORAGE, &zero, false));
        check_done(&fx, &tx, &p, false);
    }
    fx_free(&fx);
}
END_TEST

/* Memory moved by a symbolic amount: a copy of calldata of calldata length
 * at 0xa0 and the free-memory pointer after it (0xa0 + n). The words
 * stored at that pointer still hash (mapping key), 0x40 survives the
 * stores above it (their range starts at 0xa0, since a copy that succeeded
 * is shorter than memory can be), and the copied word, read before those
 * stores (at n = 0 the first one lands on it), is the calldata, only its
 * first n bytes when n < 32. */
START_TEST(test_symbolic_memory)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_SYM = 0x40 };
    const char *src = "PUSH1 0x04 CALLDATALOAD\n"
                      "DUP1 PUSH1 0x24 PUSH1 0xa0 CALLDATACOPY\n"
                      "PUSH1 0xa0 MLOAD SLOAD POP\n"
                      "DUP1 PUSH1 0xa0 ADD PUSH1 0x40 MSTORE\n"
                      "PUSH1 0x40 MLOAD CALLER DUP2 MSTORE PUSH1 0x01 DUP2 PUSH1 0x20 ADD MSTORE\n"
                      "PUSH1 0x40 DUP2 KECCAK256 SLOAD POP\n"
                      "PUSH1 0x40 MLOAD SLOAD POP STOP\n";
    char *d = describe(&fx, src);
    ck_assert_msg(strstr(d, "sload storage[keccak(caller, 0x1)]"), "%s", d);
    ck_assert_msg(strstr(d, "sload storage[add(0xa0, calldata[0x4])]"), "%s", d);
    ck_assert_msg(!strstr(d, "unknown"), "%s", d);
    free(d);
    put_contract(&fx, A_SYM, src);
    seer_address alice = addr(A_ALICE);
    u256 aw = word_of(&alice), one = U256_ONE, key = map_slot(&aw, &one);
    for (int round = 0; round < 2; round++) {
        /* n = 0x40: the whole word; n = 0x10: its first 16 bytes */
        u256 w[3], word = {.w = {0x5678, 0, 0x1234, 0}}, want, end;
        w[0] = u256_from_u64(round == 0 ? 0x40 : 0x10);
        w[1] = word;
        w[2] = u256_from_u64(5);
        want = round == 0 ? word : (u256){.w = {0, 0, 0x1234, 0}};
        end = u256_from_u64(round == 0 ? 0xe0 : 0xb0);
        uint8_t cd[4 + 32 * 3];
        seer_tx tx;
        seer_prediction p;
        predict_resolved(&fx, &tx, &p, A_ALICE, A_SYM, cd, calldata(cd, 0x55555555, w, 3), (uint64_t)round);
        ck_assert_uint_eq(p.nall_slots, 0);
        ck_assert(has(&p, A_SYM, SEER_KEY_STORAGE, &key, false));
        ck_assert(has(&p, A_SYM, SEER_KEY_STORAGE, &end, false));
        ck_assert(has(&p, A_SYM, SEER_KEY_STORAGE, &want, false));
        check_done(&fx, &tx, &p, false);
    }
    fx_free(&fx);
}
END_TEST

/* A bytes value copied from calldata to 0xa0, n bytes, and the
 * free-memory pointer p past it rounded up to a word, as Solidity places
 * them (older solc: 0xa0 + 32 * ((n + 31) / 32); newer: 0xa0 +
 * ((n + 31) & ~31)); then keccak(caller, 0) built at p. The hash's second
 * word, never written, is zero: p + 0x20 lies past the copy's end, since
 * p - 0xa0 - n is the padding (below 32). Without that the word overlapped
 * the copy of any length, the hash did not evaluate and the key was every
 * slot. */
START_TEST(test_padded_free_pointer)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_PAD = 0x43, A_PAD2 };
    const char *src[2] = {"PUSH1 0x04 CALLDATALOAD DUP1 PUSH1 0x24 PUSH1 0xa0 CALLDATACOPY\n"
                          "PUSH1 0x20 DUP2 PUSH1 0x1f ADD DIV PUSH1 0x20 MUL PUSH1 0xa0 ADD\n"
                          "CALLER DUP2 MSTORE PUSH1 0x40 DUP2 KECCAK256 SLOAD POP STOP\n",
                          "PUSH1 0x04 CALLDATALOAD DUP1 PUSH1 0x24 PUSH1 0xa0 CALLDATACOPY\n"
                          "PUSH1 0x1f NOT PUSH1 0x1f DUP3 ADD AND PUSH1 0xa0 ADD\n"
                          "CALLER DUP2 MSTORE PUSH1 0x40 DUP2 KECCAK256 SLOAD POP STOP\n"};
    seer_address alice = addr(A_ALICE);
    u256 aw = word_of(&alice), zero = U256_ZERO, key = map_slot(&aw, &zero);
    for (int v = 0; v < 2; v++) {
        char *d = describe(&fx, src[v]);
        ck_assert_msg(strstr(d, "sload storage[keccak(caller, 0x0)]"), "%s", d);
        free(d);
        put_contract(&fx, v ? A_PAD2 : A_PAD, src[v]);
        for (int round = 0; round < 2; round++) {
            u256 w[3] = {u256_from_u64(round ? 0x30 : 0x05), u256_from_u64(0x1234), u256_from_u64(0x5678)};
            uint8_t cd[4 + 32 * 3];
            seer_tx tx;
            seer_prediction p;
            predict_resolved(&fx, &tx, &p, A_ALICE, v ? A_PAD2 : A_PAD, cd, calldata(cd, 0x88888888, w, 3),
                             (uint64_t)(2 * v + round));
            ck_assert_uint_eq(p.nall_slots, 0);
            ck_assert(has(&p, v ? A_PAD2 : A_PAD, SEER_KEY_STORAGE, &key, false));
            check_done(&fx, &tx, &p, false);
        }
    }
    fx_free(&fx);
}
END_TEST

/* A call whose argument size is not a constant (a word, then n bytes of
 * calldata): its first words are passed, the callee's calldata length is
 * the size evaluated, and the callee's key derives from the word. */
START_TEST(test_call_args_dynamic_size)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_DYNC = 0x41, A_DYNR = 0x42 };
    put_contract(&fx, A_DYNR, "PUSH1 0x00 CALLDATALOAD SLOAD POP CALLDATASIZE SLOAD POP STOP\n");
    put_contract(&fx, A_DYNC,
                 "PUSH1 0x24 CALLDATALOAD PUSH1 0xa0 MSTORE\n"
                 "PUSH1 0x04 CALLDATALOAD DUP1 PUSH1 0x44 PUSH1 0xc0 CALLDATACOPY\n"
                 "PUSH1 0x00 PUSH1 0x00 DUP3 PUSH1 0x20 ADD PUSH1 0xa0 PUSH1 0x00\n"
                 "  PUSH20 0xaa00000000000000000000000000000000000042 GAS CALL POP STOP\n");
    for (int round = 0; round < 2; round++) {
        u256 w[4] = {u256_from_u64(round ? 0x30 : 0x05), u256_from_u64(0x777), u256_from_u64(1),
                     u256_from_u64(2)};
        u256 x = u256_from_u64(0x777), size = u256_from_u64(round ? 0x50 : 0x25);
        uint8_t cd[4 + 32 * 4];
        seer_tx tx;
        seer_prediction p;
        predict_resolved(&fx, &tx, &p, A_ALICE, A_DYNC, cd, calldata(cd, 0x66666666, w, 4), (uint64_t)round);
        ck_assert_uint_eq(p.nall_slots, 0);
        ck_assert(has(&p, A_DYNR, SEER_KEY_STORAGE, &x, false));
        ck_assert(has(&p, A_DYNR, SEER_KEY_STORAGE, &size, false));
        check_done(&fx, &tx, &p, false);
    }
    fx_free(&fx);
}
END_TEST

/* seer_analyzer_set_stop_at_unknown, on by default: a prediction that
 * ends "unknown" keeps its first reason and a subset of the keys it has
 * with the setting off (UNKCALL calls UNKC, which jumps
 * to a stored target, then TOKEN.transfer: that call's keys are not
 * derived); one that does not is unchanged. */
START_TEST(test_stop_at_unknown)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_UNKC = 0x22, A_UNKCALL = 0x23 };
    put_contract(&fx, A_UNKC, "PUSH1 0x01 PUSH1 0x01 SSTORE PUSH1 0x05 SLOAD JUMP\n");
    put_contract(
        &fx, A_UNKCALL,
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00\n"
        "  PUSH20 0xaa00000000000000000000000000000000000022 GAS STATICCALL POP\n"
        "PUSH4 0xa9059cbb PUSH1 0xe0 SHL PUSH1 0x00 MSTORE\n"
        "PUSH20 0xaa00000000000000000000000000000000000011 PUSH1 0x04 MSTORE PUSH1 0x01 PUSH1 0x24 MSTORE\n"
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x44 PUSH1 0x00 PUSH1 0x00\n"
        "  PUSH20 0xaa00000000000000000000000000000000000001 GAS CALL POP STOP\n");
    seer_analyzer *stop; /* the default */
    ck_assert_int_eq(seer_analyzer_new(&stop, NULL), 0);
    seer_analyzer_set_stop_at_unknown(fx.an, false);
    seer_address bob = addr(A_BOB), uc = addr(A_UNKCALL);
    u256 w[2] = {word_of(&bob), u256_from_u64(7)}, one = U256_ONE, zero = U256_ZERO, ucw = word_of(&uc),
         from_bal = map_slot(&ucw, &zero);
    uint8_t cd[4 + 64];
    size_t tlen = calldata(cd, 0xa9059cbb, w, 2);
    for (int round = 0; round < 4; round++) { /* walks, then the frame memo's replays */
        for (int k = 0; k < 2; k++) {
            seer_tx tx;
            mk_tx(&tx, A_ALICE, k == 0 ? A_UNKCALL : A_TOKEN, cd, k == 0 ? 4 : tlen, (uint64_t)round);
            seer_prediction p, q;
            predict(&fx, &p, &tx);
            ck_assert_int_eq(seer_analyzer_predict_tx(stop, &q, &tx, &fx.env, &fx.reader), 0);
            ck_assert_int_eq(p.unknown, k == 0);
            ck_assert_int_eq(q.unknown, p.unknown);
            if (p.unknown) {
                ck_assert_str_eq(q.unknown_why, p.unknown_why);
                /* where: the callee with the symbolic jump, walked or replayed */
                seer_address uk = addr(A_UNKC);
                ck_assert(p.unknown_in_known && q.unknown_in_known);
                ck_assert(!memcmp(&p.unknown_in, &uk, sizeof uk));
                ck_assert(!memcmp(&q.unknown_in, &uk, sizeof uk));
                for (size_t i = 0; i < q.nkeys; i++) {
                    bool in = false;
                    for (size_t j = 0; j < p.nkeys && !in; j++)
                        in = !memcmp(&p.keys[j].key, &q.keys[i].key, sizeof(seer_key)) &&
                             p.keys[j].write == q.keys[i].write;
                    ck_assert_msg(in, "key %zu of the stopped prediction not in the full one", i);
                }
                ck_assert(has(&q, A_UNKC, SEER_KEY_STORAGE, &one, true));
                ck_assert(has(&p, A_TOKEN, SEER_KEY_STORAGE, &from_bal, false));
                ck_assert(!has(&q, A_TOKEN, SEER_KEY_STORAGE, &from_bal, false));
                ck_assert_uint_lt(q.nkeys, p.nkeys);
            } else {
                assert_same_prediction(&p, &q, round);
            }
            seer_prediction_clear(&p);
            seer_prediction_clear(&q);
            seer_tx_clear(&tx);
        }
    }
    seer_analyzer_free(stop);
    fx_free(&fx);
}
END_TEST

/* Storage an earlier frame of the same transaction wrote (see "earlier
 * writes" in predict.c). SB.set writes SB's slot 1 (0x42); SB.get writes
 * slot 7 when slot 1 is 0x42; SB.ret returns slot 1; SB.inc writes slot 8
 * when slot 2 is 1, then sets slot 2 to 1. SA calls SB.set then SB.get
 * (a sibling wrote what get reads); SR calls SB.set, then reads its own
 * slot at the word SB.ret returns (0x42, not the pre-state 0); SP calls
 * SB.inc twice (the second, the same frame repeated, writes slot 8). The
 * pre-state value (0) would rule each write out, with no wildcard: every
 * one must be predicted. Rounds walk, record and replay the frames. */
START_TEST(test_sibling_writes)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_SB = 0x54, A_SA = 0x55, A_SR = 0x56, A_SP = 0x57 };
    put_contract(&fx, A_SB,
                 "PUSH1 0x00 CALLDATALOAD PUSH1 0xe0 SHR\n"
                 "DUP1 PUSH4 0x00000011 EQ @set JUMPI\n"
                 "DUP1 PUSH4 0x00000012 EQ @get JUMPI\n"
                 "DUP1 PUSH4 0x00000013 EQ @ret JUMPI\n"
                 "PUSH4 0x00000014 EQ @inc JUMPI PUSH1 0x00 DUP1 REVERT\n"
                 "set: PUSH1 0x42 PUSH1 0x01 SSTORE STOP\n"
                 "get: PUSH1 0x01 SLOAD PUSH1 0x42 EQ @seven JUMPI STOP\n"
                 "seven: PUSH1 0x01 PUSH1 0x07 SSTORE STOP\n"
                 "ret: PUSH1 0x01 SLOAD PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN\n"
                 "inc: PUSH1 0x02 SLOAD PUSH1 0x01 EQ @eight JUMPI PUSH1 0x01 PUSH1 0x02 SSTORE STOP\n"
                 "eight: PUSH1 0x01 PUSH1 0x08 SSTORE PUSH1 0x01 PUSH1 0x02 SSTORE STOP\n");
#define SB_CALL(sel, op)                                                                                     \
    "PUSH4 " sel " PUSH1 0xe0 SHL PUSH1 0x00 MSTORE\n"                                                       \
    "PUSH1 0x20 PUSH1 0x00 PUSH1 0x04 PUSH1 0x00 PUSH1 0x00\n"                                               \
    "  PUSH20 0xaa00000000000000000000000000000000000054 GAS " op " POP\n"
    put_contract(&fx, A_SA, SB_CALL("0x00000011", "CALL") SB_CALL("0x00000012", "CALL") "STOP\n");
    put_contract(&fx, A_SR,
                 SB_CALL("0x00000011", "CALL")
                     SB_CALL("0x00000013", "CALL") "PUSH1 0x00 MLOAD SLOAD POP STOP\n");
    put_contract(&fx, A_SP, SB_CALL("0x00000014", "CALL") SB_CALL("0x00000014", "CALL") "STOP\n");
#undef SB_CALL
    u256 zero = U256_ZERO, one = U256_ONE, two = u256_from_u64(2), seven = u256_from_u64(7),
         eight = u256_from_u64(8), x42 = u256_from_u64(0x42);
    const int to[3] = {A_SA, A_SR, A_SP};
    for (int round = 0; round < 12; round++) {
        int k = round % 3;
        seer_tx tx;
        uint8_t none[1] = {0};
        mk_tx(&tx, A_ALICE, to[k], none, 0, (uint64_t)round);
        seer_prediction p;
        predict(&fx, &p, &tx);
        ck_assert_msg(!p.unknown, "round %d: unknown (%s)", round, p.unknown_why ? p.unknown_why : "");
        if (k == 0)
            ck_assert_msg(has(&p, A_SB, SEER_KEY_STORAGE, &seven, true), "round %d: SB.get's write", round);
        if (k == 1) {
            seer_key kx = key(A_SR, SEER_KEY_STORAGE, &x42);
            ck_assert_msg(seer_prediction_covers(&p, &kx, false), "round %d: SR's read at SB.ret's word",
                          round);
        }
        if (k == 2)
            ck_assert_msg(has(&p, A_SB, SEER_KEY_STORAGE, &eight, true), "round %d: the second SB.inc",
                          round);
        check_done(&fx, &tx, &p, false);
        put_slot(&fx, A_SB, &one, &zero); /* back to the pre-state for the next round */
        put_slot(&fx, A_SB, &two, &zero);
        put_slot(&fx, A_SB, &seven, &zero);
        put_slot(&fx, A_SB, &eight, &zero);
    }
    fx_free(&fx);
}
END_TEST

/* Re-entrancy: RA.start writes its slot 1 (0x42) and calls RB, which
 * calls back RA.cb; cb requires slot 1 == 0x42 (what start wrote, not the
 * pre-state 0) and then writes slot 7. The call back must not evaluate
 * slot 1 from the pre-state (which would rule the write out, with no
 * wildcard). RC calls RB too, where the call back runs with the pre-state
 * (RC writes nothing of RA's): RB's frame, the same inputs at the same
 * depth, is recorded by the frame memo there and must not be replayed
 * below RA.start. */
START_TEST(test_reentrant_reads)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_RA = 0x50, A_RB = 0x51, A_RC = 0x52, A_RD = 0x53 };
    put_contract(&fx, A_RA,
                 "PUSH1 0x00 CALLDATALOAD PUSH1 0xe0 SHR\n"
                 "DUP1 PUSH4 0x00000002 EQ @cb JUMPI\n"
                 "DUP1 PUSH4 0x00000003 EQ @get JUMPI\n"
                 "DUP1 PUSH4 0x00000004 EQ @start2 JUMPI\n"
                 "PUSH4 0x00000001 EQ @start JUMPI PUSH1 0x00 DUP1 REVERT\n"
                 "start: PUSH1 0x42 PUSH1 0x01 SSTORE\n"
                 "  PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00\n"
                 "  PUSH20 0xaa00000000000000000000000000000000000051 GAS CALL POP STOP\n"
                 "cb: POP PUSH1 0x01 SLOAD PUSH1 0x42 EQ @ok JUMPI PUSH1 0x00 DUP1 REVERT\n"
                 "ok: PUSH1 0x01 PUSH1 0x07 SSTORE STOP\n"
                 "get: POP PUSH1 0x01 SLOAD PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN\n"
                 "start2: POP PUSH1 0x42 PUSH1 0x01 SSTORE\n"
                 "  PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00\n"
                 "  PUSH20 0xaa00000000000000000000000000000000000053 GAS CALL POP STOP\n");
    /* RD reads its slot at the word RA.get returns (RA's slot 1). */
    put_contract(&fx, A_RD,
                 "PUSH4 0x00000003 PUSH1 0xe0 SHL PUSH1 0x00 MSTORE\n"
                 "PUSH1 0x20 PUSH1 0x00 PUSH1 0x04 PUSH1 0x00\n"
                 "  PUSH20 0xaa00000000000000000000000000000000000050 GAS STATICCALL POP\n"
                 "PUSH1 0x00 MLOAD SLOAD POP STOP\n");
    put_contract(&fx, A_RB,
                 "PUSH4 0x00000002 PUSH1 0xe0 SHL PUSH1 0x00 MSTORE\n"
                 "PUSH1 0x00 PUSH1 0x00 PUSH1 0x04 PUSH1 0x00 PUSH1 0x00\n"
                 "  PUSH20 0xaa00000000000000000000000000000000000050 GAS CALL POP STOP\n");
    put_contract(&fx, A_RC,
                 "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00\n"
                 "  PUSH20 0xaa00000000000000000000000000000000000051 GAS CALL POP STOP\n");
    u256 zero = U256_ZERO, one = U256_ONE, seven = u256_from_u64(7);
    uint8_t cd[4];
    for (int round = 0; round < 5; round++) {
        /* Rounds 0-3 through RC (RB's frame walked, then recorded and
         * replayed), round 4 through RA.start. */
        bool via_a = round == 4;
        seer_tx tx;
        mk_tx(&tx, A_ALICE, via_a ? A_RA : A_RC, cd, via_a ? calldata(cd, 0x00000001, NULL, 0) : 0,
              (uint64_t)round);
        seer_prediction p, q;
        predict(&fx, &p, &tx);
        seer_analyzer *fresh;
        ck_assert_int_eq(seer_analyzer_new(&fresh, NULL), 0);
        ck_assert_int_eq(seer_analyzer_predict_tx(fresh, &q, &tx, &fx.env, &fx.reader), 0);
        assert_same_prediction(&p, &q, round);
        seer_analyzer_free(fresh);
        ck_assert_msg(!p.unknown, "round %d: unknown (%s)", round, p.unknown_why ? p.unknown_why : "");
        ck_assert_uint_eq(p.nall_slots, 0);
        ck_assert(has(&p, A_RA, SEER_KEY_STORAGE, &one, false));
        /* Through RC the guard reads the pre-state (0): the write is out. */
        ck_assert_int_eq(has(&p, A_RA, SEER_KEY_STORAGE, &seven, true), via_a);
        bool resolved;
        ck_assert(exec_and_check(&fx, &tx, &p, &resolved));
        seer_prediction_clear(&p);
        seer_prediction_clear(&q);
        seer_tx_clear(&tx);
        put_slot(&fx, A_RA, &one, &zero); /* slot 1 back to 0 for the next round */
    }
    /* Return data: RA.start2 writes slot 1 and calls RD, which asks RA.get
     * for slot 1 (0x42, not the pre-state 0) and reads its own slot
     * there. The return word must not come from the pre-state. */
    u256 x42 = u256_from_u64(0x42);
    seer_tx tx;
    mk_tx(&tx, A_ALICE, A_RA, cd, calldata(cd, 0x00000004, NULL, 0), 5);
    seer_prediction p;
    predict(&fx, &p, &tx);
    ck_assert_msg(!p.unknown, "start2: unknown (%s)", p.unknown_why ? p.unknown_why : "");
    ck_assert(has(&p, A_RA, SEER_KEY_STORAGE, &one, true));
    ck_assert(!has(&p, A_RD, SEER_KEY_STORAGE, &zero, false) || p.nall_slots > 0);
    seer_key k42 = key(A_RD, SEER_KEY_STORAGE, &x42);
    ck_assert(seer_prediction_covers(&p, &k42, false));
    check_done(&fx, &tx, &p, false);
    fx_free(&fx);
}
END_TEST

/* Uniswap's sortTokens: `a < b ? (a, b) : (b, a)`, then a keccak over the
 * ordered pair (the pair's address), 6 times per iteration of a loop of 3,
 * each hash taking the place of a. The two arms meet one JUMPDEST later
 * with states that differ only in the two ordered words: without merging
 * them into selects every round doubles the paths (2^18 here, far past
 * the step budget: "unknown"); merged, one path derives every key. */
START_TEST(test_sort_pair_select)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_SORT = 0x60, ROUNDS = 6, ITERS = 3 };
    char src[4096];
    size_t o = 0;
    o += (size_t)snprintf(src + o, sizeof src - o,
                          "PUSH1 0x00 PUSH1 0x24 CALLDATALOAD PUSH1 0x04 CALLDATALOAD\n" /* [a, b, i] */
                          "loop:\n");
    for (int r = 0; r < ROUNDS; r++)
        o += (size_t)snprintf(src + o, sizeof src - o,
                              "  DUP2 DUP2 LT @ab%d JUMPI\n"
                              "  DUP1 DUP3 @join%d JUMP\n" /* a >= b: [b, a, a, b] */
                              "ab%d: DUP2 DUP2\n"          /* a < b: [a, b, a, b] */
                              "join%d: PUSH1 0x00 MSTORE PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256\n"
                              "  DUP1 SLOAD POP SWAP1 POP\n", /* [keccak(t0, t1), b, i] */
                              r, r, r, r);
    snprintf(src + o, sizeof src - o,
             "  DUP3 PUSH1 0x01 ADD SWAP3 POP\n"
             "  PUSH1 0x%02x DUP4 LT @loop JUMPI\n"
             "  STOP\n",
             ITERS);
    put_contract(&fx, A_SORT, src);
    for (int round = 0; round < 2; round++) {
        /* both orders of the two calldata words */
        seer_address x = addr(0x33), y = addr(0x44);
        u256 a = word_of(round ? &y : &x), b = word_of(round ? &x : &y);
        u256 w[2] = {a, b};
        uint8_t cd[4 + 64];
        seer_tx tx;
        seer_prediction p;
        predict_resolved(&fx, &tx, &p, A_ALICE, A_SORT, cd, calldata(cd, 0x5047a5e7, w, 2), (uint64_t)round);
        ck_assert_uint_eq(p.nall_slots, 0);
        u256 cur = a;
        for (int k = 0; k < ROUNDS * ITERS; k++) {
            bool lt = u256_lt(&cur, &b);
            u256 h = lt ? map_slot(&cur, &b) : map_slot(&b, &cur);
            ck_assert_msg(has(&p, A_SORT, SEER_KEY_STORAGE, &h, false), "round %d: key %d", round, k);
            cur = h;
        }
        ck_assert_uint_eq(storage_keys(&p), ROUNDS * ITERS);
        check_done(&fx, &tx, &p, false);
    }
    fx_free(&fx);
}
END_TEST

/* The whole-contract summary of `src` is complete: no budget or bound cut
 * a path. */
static void assert_complete(const char *src)
{
    static uint8_t code[8192];
    size_t len = test_assemble(code, sizeof code, src);
    seer_analyzer_options o = SEER_ANALYZER_OPTIONS_INIT;
    an_summary *s = NULL;
    ck_assert_int_eq(an_summary_build(&s, code, len, &o), 0);
    ck_assert_msg(!s->budget_hit && s->truncated == 0, "steps %llu, %u paths cut",
                  (unsigned long long)s->steps, s->truncated);
    an_summary_free(s);
}

/* Paths that differ only in opaque values (never evaluated, no range
 * known) merge at the next jump target: each round forks on a calldata
 * word and both arms leave a different unknown (GAS at two pcs) on the
 * stack. Without the rule the 2^ROUNDS paths never meet and the step
 * budget cuts the build ("unknown"); with it the build is linear. */
START_TEST(test_opaque_values_merge)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_OPQ = 0x62, ROUNDS = 20 };
    char src[8192];
    size_t o = 0;
    for (int r = 0; r < ROUNDS; r++)
        o += (size_t)snprintf(src + o, sizeof src - o,
                              "PUSH1 0x%02x CALLDATALOAD @a%d JUMPI GAS @j%d JUMP\n"
                              "a%d: GAS @j%d JUMP\n"
                              "j%d:\n",
                              4 + 32 * (r % 2), r, r, r, r, r);
    snprintf(src + o, sizeof src - o, "PUSH1 0x07 SLOAD POP STOP\n");
    assert_complete(src);
    put_contract(&fx, A_OPQ, src);
    u256 w[2] = {U256_ONE, U256_ZERO};
    uint8_t cd[4 + 64];
    seer_tx tx;
    mk_tx(&tx, A_ALICE, A_OPQ, cd, calldata(cd, 0x01020304, w, 2), 0);
    seer_prediction p;
    predict(&fx, &p, &tx);
    ck_assert_msg(!p.unknown, "unknown (%s)", p.unknown_why ? p.unknown_why : "");
    u256 k = u256_from_u64(7);
    ck_assert(has(&p, A_OPQ, SEER_KEY_STORAGE, &k, false));
    ck_assert_uint_eq(storage_keys(&p), 1);
    check_done(&fx, &tx, &p, false);
    fx_free(&fx);
}
END_TEST

/* States that differ only in whose return data RETURNDATASIZE would see
 * (each of ARMS arms ends with a call of its own: a command interpreter's
 * commands) go on twice at most, the second with that return data not
 * derivable, and the later ones merge there. Without the rule each arm
 * runs the long tail after them on its own and a budget of 10,000 steps
 * cuts the build. RETURNDATASIZE then names a slot: derived on the first
 * arm, any slot on the joined ones (checked by execution). */
START_TEST(test_retdata_arms_merge)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_RDA = 0x64, ARMS = 16, TAIL = 600 };
    static char src[16384];
    size_t o = 0;
    for (int r = 0; r < ARMS; r++)
        o += (size_t)snprintf(src + o, sizeof src - o, "PUSH1 0x04 CALLDATALOAD PUSH1 0x%02x EQ @a%d JUMPI\n",
                              r, r);
    o += (size_t)snprintf(src + o, sizeof src - o, "STOP\n");
    for (int r = 0; r < ARMS; r++)
        o += (size_t)snprintf(
            src + o, sizeof src - o,
            "a%d: PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH2 0x01%02x GAS STATICCALL POP "
            "@tail JUMP\n",
            r, r);
    o += (size_t)snprintf(src + o, sizeof src - o, "tail:\n");
    for (int i = 0; i < TAIL; i++)
        o += (size_t)snprintf(src + o, sizeof src - o, "PUSH1 0x01 POP\n");
    snprintf(src + o, sizeof src - o, "PUSH1 0x07 SLOAD POP RETURNDATASIZE SLOAD POP STOP\n");
    static uint8_t code[8192];
    size_t len = test_assemble(code, sizeof code, src);
    seer_analyzer_options opts = SEER_ANALYZER_OPTIONS_INIT;
    opts.max_steps = 10000;
    an_summary *s = NULL;
    ck_assert_int_eq(an_summary_build(&s, code, len, &opts), 0);
    ck_assert_msg(!s->budget_hit && s->truncated == 0, "steps %llu, %u paths cut",
                  (unsigned long long)s->steps, s->truncated);
    an_summary_free(s);
    seer_address a = addr(A_RDA);
    seer_account acct = {.exists = true, .nonce = 1};
    ck_assert_int_eq(seer_memstore_set_account(fx.ms, &a, &acct), 0);
    ck_assert_int_eq(seer_memstore_set_code(fx.ms, &a, code, len), 0);
    for (unsigned arm = 0; arm < ARMS; arm += 5) {
        u256 w[1] = {u256_from_u64(arm)};
        uint8_t cd[4 + 32];
        seer_tx tx;
        seer_prediction p;
        predict_resolved(&fx, &tx, &p, A_ALICE, A_RDA, cd, calldata(cd, 0x01020304, w, 1), arm / 5);
        u256 k = u256_from_u64(7);
        ck_assert(has(&p, A_RDA, SEER_KEY_STORAGE, &k, false));
        check_done(&fx, &tx, &p, false);
    }
    fx_free(&fx);
}
END_TEST

/* A calldata copy of symbolic length over memory written before (Solidity
 * copies an `address[] calldata` argument to memory at the free-memory
 * pointer, over the words an earlier call's arguments left there: the
 * router's _swap after WETH.transfer): a word read there is the copy's
 * first bytes and the older word's rest, so the slot derives. It read
 * as unknown while the older word was not zero (the slot became every
 * slot of the contract). n = 0x20: the whole word from calldata; n =
 * 0x10: its first 16 bytes, then the caller's last 16 bytes. */
START_TEST(test_calldata_copy_over_older)
{
    world_fx fx;
    fx_init(&fx);
    enum { A_OVER = 0x61 };
    const char *src = "CALLER PUSH1 0xa0 MSTORE\n"
                      "PUSH1 0x04 CALLDATALOAD PUSH1 0x24 PUSH1 0xa0 CALLDATACOPY\n"
                      "PUSH1 0xa0 MLOAD SLOAD POP STOP\n";
    char *d = describe(&fx, src);
    ck_assert_msg(!strstr(d, "unknown"), "%s", d);
    free(d);
    put_contract(&fx, A_OVER, src);
    seer_address alice = addr(A_ALICE);
    u256 aw = word_of(&alice);
    for (int round = 0; round < 2; round++) {
        u256 w[2], word = {.w = {0x5678, 0, 0x1234, 0x9a}}, want;
        w[0] = u256_from_u64(round == 0 ? 0x20 : 0x10);
        w[1] = word;
        want = round == 0 ? word : (u256){.w = {aw.w[0], aw.w[1], 0x1234, 0x9a}};
        uint8_t cd[4 + 32 * 2];
        seer_tx tx;
        seer_prediction p;
        predict_resolved(&fx, &tx, &p, A_ALICE, A_OVER, cd, calldata(cd, 0x77777777, w, 2), (uint64_t)round);
        ck_assert_uint_eq(p.nall_slots, 0);
        ck_assert(has(&p, A_OVER, SEER_KEY_STORAGE, &want, false));
        check_done(&fx, &tx, &p, false);
    }
    fx_free(&fx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("analyzer");
    TCase *t;
    t = tcase_create("erc20");
    tcase_add_test(t, test_erc20_templates);
    suite_add_tcase(s, t);
    t = tcase_create("proxies");
    tcase_add_test(t, test_proxies);
    suite_add_tcase(s, t);
    t = tcase_create("array");
    tcase_add_test(t, test_array_push);
    suite_add_tcase(s, t);
    t = tcase_create("loop");
    tcase_add_test(t, test_calldata_loop);
    suite_add_tcase(s, t);
    t = tcase_create("router");
    tcase_add_test(t, test_router_pair_swap);
    suite_add_tcase(s, t);
    t = tcase_create("cache");
    tcase_add_test(t, test_cache_per_selector);
    tcase_add_test(t, test_cache_bounded);
    tcase_add_test(t, test_cache_threads);
    suite_add_tcase(s, t);
    t = tcase_create("create");
    tcase_add_test(t, test_create_addresses);
    suite_add_tcase(s, t);
    t = tcase_create("property");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_property_random_txs);
    suite_add_tcase(s, t);
    t = tcase_create("memo");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_frame_memo_equals_walk);
    suite_add_tcase(s, t);
    t = tcase_create("retdata");
    tcase_add_test(t, test_retdata_in_call_args);
    tcase_add_test(t, test_symbolic_memory);
    tcase_add_test(t, test_call_args_dynamic_size);
    tcase_add_test(t, test_calldata_copy_over_older);
    tcase_add_test(t, test_padded_free_pointer);
    suite_add_tcase(s, t);
    t = tcase_create("stop");
    tcase_add_test(t, test_stop_at_unknown);
    suite_add_tcase(s, t);
    t = tcase_create("plain");
    tcase_add_test(t, test_plain_transfers);
    suite_add_tcase(s, t);
    t = tcase_create("reentrancy");
    tcase_add_test(t, test_reentrant_reads);
    tcase_add_test(t, test_sibling_writes);
    suite_add_tcase(s, t);
    t = tcase_create("select");
    tcase_add_test(t, test_sort_pair_select);
    tcase_add_test(t, test_opaque_values_merge);
    tcase_add_test(t, test_retdata_arms_merge);
    suite_add_tcase(s, t);
    t = tcase_create("hostile");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_hostile_code_bounded);
    suite_add_tcase(s, t);
    return test_run_suite(s);
}

/* Analyzer tests for the addresses a prediction derives around calls:
 * contracts written here in EVM assembly (test_assemble), each reproducing a pattern of the mainnet blocks
 * where an EXTCODESIZE or call target was "not derivable". Each test asserts that the prediction is resolved
 * (no "unknown") and covers the keys the world records when it executes the transaction; and, where a pattern
 * could go wrong, that a prediction that cannot be resolved stays "unknown". */
#include "analyzer/analyzer_internal.h"
#include "common/keccak.h"
#include "common/util.h"
#include "state/memstore.h"
#include "test_analyzer_fx.h"
#include "test_util.h"
#include "vm/opcodes.h"

/* ---- a world with contracts ---- */

enum {
    A_VAULT = 0x60, /* run(): calls A_NOTE, then reads its slot 0 and calls the address there */
    A_NOTE,         /* counts calls in its own slot 0 */
    A_RESET,        /* calls A_VAULT2.set(A_TARGET2): writes the slot A_VAULT2 reads after the call */
    A_TARGET,       /* stores 1 at its slot 5 */
    A_TARGET2,      /* stores 1 at its slot 6 */
    A_VAULT2,       /* A_VAULT calling A_RESET instead of A_NOTE */
    A_HASHER,       /* stores, calls the sha256 precompile by CALL, reads the slot back */
    A_FIELDS,       /* stores one mapping entry, reads other entries' fields */
    A_RDBASE,       /* copies return data as `bytes memory`, then allocates at the moved pointer */
    A_RET32,        /* returns 32 bytes */
    A_PACKED,       /* keccak of 40 packed bytes over an unknown word */
    A_GASRET,       /* returns GAS: return data that does not evaluate */
    A_SELCALL,      /* calls A_TWOSEL with selector 7 and an argument from A_GASRET */
    A_TWOSEL,       /* selector 7 stores slot 7; any other a slot that is not derivable */
    A_ARRAY,        /* copies a calldata array of at least 2 words, calls its second element */
    A_REG_IMPL,     /* returns its slot 0 (a registry's getter) */
    A_REG_PROXY,    /* DELEGATECALLs A_REG_IMPL and passes its return data on */
    A_REG_USER,     /* asks A_REG_PROXY for an address and calls it */
    A_NESTED,       /* stores m1[caller][k], reads m2[k] */
    A_REORDER,      /* stores m3[caller], m3[k], m3[caller] again, reads m3[caller] */
    A_REORDER2,     /* the same stores, reads m3[k] */
    A_SELPROXY, /* copies msg.data to memory, looks its selector up, forwards a copy at the free pointer */
    A_SELPROXY_BAD, /* the same with GAS instead of zero past the first copy */
    A_SELIMPL,      /* calls the address in its first argument */
    A_RETARR,       /* returns abi.encode(address[] [A_TARGET]) */
    A_DECODE, /* abi.decodes A_RETARR's answer, then calls A_TWOSEL(7) at the moved free-memory pointer */
    A_ALICE = 0x10,
};
/* the addresses the contracts below name in their code */
_Static_assert(A_RET32 == 0x69 && A_GASRET == 0x6b && A_TWOSEL == 0x6d, "contract addresses");

/* The vault: selector 1 calls `callee` (no data), then reads slot 0,
 * requires code there (Solidity's EXTCODESIZE check) and calls it;
 * selector 2 stores its argument at slot 0. */
static void put_vault(world_fx *fx, unsigned n, unsigned callee)
{
    char src[2048];
    snprintf(src, sizeof src,
             "PUSH1 0x00 CALLDATALOAD PUSH1 0xe0 SHR\n"
             "DUP1 PUSH4 0x00000001 EQ @run JUMPI\n"
             "DUP1 PUSH4 0x00000002 EQ @set JUMPI\n"
             "PUSH1 0x00 DUP1 REVERT\n"
             "run: POP PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00\n"
             "  PUSH20 0xaa000000000000000000000000000000000000%02x GAS CALL POP\n"
             "  PUSH1 0x00 SLOAD DUP1 EXTCODESIZE ISZERO @fail JUMPI\n"
             "  PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 DUP6 GAS CALL POP STOP\n"
             "fail: PUSH1 0x00 DUP1 REVERT\n"
             "set: POP PUSH1 0x04 CALLDATALOAD PUSH1 0x00 SSTORE STOP\n",
             callee);
    put_contract(fx, n, src);
}

static void fx_init(world_fx *fx)
{
    memset(fx, 0, sizeof *fx);
    ck_assert_int_eq(seer_memstore_new(&fx->ms), 0);
    put_vault(fx, A_VAULT, A_NOTE);
    put_vault(fx, A_VAULT2, A_RESET);
    put_contract(fx, A_NOTE, "PUSH1 0x00 SLOAD PUSH1 0x01 ADD PUSH1 0x00 SSTORE STOP\n");
    put_contract(fx, A_RESET,
                 "PUSH4 0x00000002 PUSH1 0xe0 SHL PUSH1 0x00 MSTORE\n"
                 "PUSH20 0xaa00000000000000000000000000000000000064 PUSH1 0x04 MSTORE\n"
                 "PUSH1 0x00 PUSH1 0x00 PUSH1 0x24 PUSH1 0x00 PUSH1 0x00\n"
                 "  PUSH20 0xaa00000000000000000000000000000000000065 GAS CALL POP STOP\n");
    put_contract(fx, A_TARGET, "PUSH1 0x01 PUSH1 0x05 SSTORE STOP\n");
    /* Solidity's `(bool ok, bytes memory data) = x.call(..)` moves the
     * free-memory pointer by RETURNDATASIZE rounded up; the next
     * allocation there holds the argument, whose code is asked for and
     * which is called. */
    put_contract(fx, A_RDBASE,
                 "PUSH1 0x80 PUSH1 0x40 MSTORE\n"
                 "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00\n"
                 "  PUSH20 0xaa00000000000000000000000000000000000069 GAS CALL POP\n"
                 "PUSH1 0x40 MLOAD PUSH1 0x1f NOT RETURNDATASIZE PUSH1 0x3f ADD AND\n"
                 "DUP2 ADD PUSH1 0x40 MSTORE\n"
                 "RETURNDATASIZE DUP2 MSTORE\n"
                 "RETURNDATASIZE PUSH1 0x00 DUP3 PUSH1 0x20 ADD RETURNDATACOPY POP\n"
                 "PUSH1 0x40 MLOAD PUSH1 0x04 CALLDATALOAD DUP2 MSTORE\n"
                 "DUP1 PUSH1 0x20 ADD PUSH1 0x40 MSTORE\n"
                 "MLOAD DUP1 EXTCODESIZE ISZERO @fail JUMPI\n"
                 "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 DUP6 GAS CALL POP STOP\n"
                 "fail: PUSH1 0x00 DUP1 REVERT\n");
    put_contract(fx, A_RET32, "PUSH1 0x20 PUSH1 0x00 RETURN\n");
    /* m[keccak(abi.encodePacked(caller, arg))] = 1, over memory whose
     * word at 0xa0 is not known (GAS): the hash reads 8 bytes of it. */
    put_contract(fx, A_PACKED,
                 "GAS PUSH1 0xa0 MSTORE\n"
                 "CALLER PUSH1 0x60 SHL PUSH1 0x80 MSTORE\n"
                 "PUSH1 0x04 CALLDATALOAD PUSH1 0x60 SHL PUSH1 0x94 MSTORE\n"
                 "PUSH1 0x01 PUSH1 0x28 PUSH1 0x80 KECCAK256 SSTORE STOP\n");
    put_contract(fx, A_GASRET, "GAS PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN\n");
    /* f(amount) on A_TWOSEL: selector 7 at 0x80, the amount (A_GASRET's
     * return data) at 0x84, so the first argument word holds both. */
    put_contract(fx, A_SELCALL,
                 "PUSH1 0x20 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00\n"
                 "  PUSH20 0xaa0000000000000000000000000000000000006b GAS CALL POP\n"
                 "PUSH4 0x00000007 PUSH1 0xe0 SHL PUSH1 0x80 MSTORE\n"
                 "PUSH1 0x00 MLOAD PUSH1 0x84 MSTORE\n"
                 "PUSH1 0x00 PUSH1 0x00 PUSH1 0x24 PUSH1 0x80 PUSH1 0x00\n"
                 "  PUSH20 0xaa0000000000000000000000000000000000006d GAS CALL POP STOP\n");
    /* f(address[] a) with a.length >= 2 (required after the copy, as
     * the router's getAmountsOut does): a[1] over an unknown word. */
    put_contract(fx, A_ARRAY,
                 "GAS PUSH1 0xa0 MSTORE\n"
                 "PUSH1 0x04 CALLDATALOAD\n"
                 "DUP1 PUSH1 0x05 SHL PUSH1 0x24 PUSH1 0x80 CALLDATACOPY\n"
                 "DUP1 PUSH8 0xffffffffffffffff LT @fail JUMPI\n"
                 "PUSH1 0x02 GT @fail JUMPI\n"
                 "PUSH1 0xa0 MLOAD DUP1 EXTCODESIZE ISZERO @fail JUMPI\n"
                 "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 DUP6 GAS CALL POP STOP\n"
                 "fail: PUSH1 0x00 DUP1 REVERT\n");
    put_contract(fx, A_TWOSEL,
                 "PUSH1 0x00 CALLDATALOAD PUSH1 0xe0 SHR\n"
                 "DUP1 PUSH4 0x00000007 EQ @seven JUMPI\n"
                 "PUSH1 0x01 GAS SSTORE STOP\n"
                 "seven: PUSH1 0x01 PUSH1 0x07 SSTORE STOP\n");
    put_contract(fx, A_TARGET2, "PUSH1 0x01 PUSH1 0x06 SSTORE STOP\n");
    /* Stores its argument at slot 0, hashes a word with sha256 (CALL to
     * the precompile at 2, as pre-Byzantium Solidity did), reads slot 0
     * back and asks for the code there. */
    put_contract(fx, A_HASHER,
                 "PUSH1 0x04 CALLDATALOAD PUSH1 0x00 SSTORE\n"
                 "PUSH1 0x20 PUSH1 0x00 PUSH1 0x20 PUSH1 0x00 PUSH1 0x00 PUSH1 0x02 GAS CALL POP\n"
                 "PUSH1 0x00 SLOAD EXTCODESIZE POP STOP\n");
    /* m3[caller] = 1 (slot keccak(caller, 3)); then the code at m3[k].field1
     * (keccak(k, 3) + 1) and at m4[k] (keccak(k, 4)), k the argument. */
    put_contract(
        fx, A_FIELDS,
        "PUSH1 0x01 CALLER PUSH1 0x00 MSTORE PUSH1 0x03 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256 "
        "SSTORE\n"
        "PUSH1 0x04 CALLDATALOAD PUSH1 0x00 MSTORE PUSH1 0x03 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 "
        "KECCAK256\n"
        "  PUSH1 0x01 ADD SLOAD EXTCODESIZE POP\n"
        "PUSH1 0x04 CALLDATALOAD PUSH1 0x00 MSTORE PUSH1 0x04 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 "
        "KECCAK256\n"
        "  SLOAD EXTCODESIZE POP STOP\n");
    /* A forwarding proxy (EIP-1967 / Aragon style): the answer it returns
     * is RETURNDATACOPY(0x80, 0, RETURNDATASIZE) of its DELEGATECALL. */
    put_contract(fx, A_REG_IMPL, "PUSH1 0x00 SLOAD PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN\n");
    char src[2048];
    snprintf(src, sizeof src,
             "CALLDATASIZE PUSH1 0x00 PUSH1 0x00 CALLDATACOPY\n"
             "PUSH1 0x00 PUSH1 0x00 CALLDATASIZE PUSH1 0x00\n"
             "  PUSH20 0xaa000000000000000000000000000000000000%02x GAS DELEGATECALL\n"
             "RETURNDATASIZE PUSH1 0x00 PUSH1 0x80 RETURNDATACOPY\n"
             "ISZERO @fail JUMPI RETURNDATASIZE PUSH1 0x80 RETURN\n"
             "fail: RETURNDATASIZE PUSH1 0x80 REVERT\n",
             A_REG_IMPL);
    put_contract(fx, A_REG_PROXY, src);
    snprintf(src, sizeof src,
             "PUSH1 0x20 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00\n"
             "  PUSH20 0xaa000000000000000000000000000000000000%02x GAS STATICCALL POP\n"
             "PUSH1 0x00 MLOAD DUP1 EXTCODESIZE ISZERO @fail JUMPI\n"
             "  PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 DUP6 GAS CALL POP STOP\n"
             "fail: PUSH1 0x00 DUP1 REVERT\n",
             A_REG_PROXY);
    put_contract(fx, A_REG_USER, src);
    /* m1[caller][k] = 1 (slot keccak(k, keccak(caller, 1))); then the code
     * at m2[k] (keccak(k, 2)), k the argument. */
    put_contract(
        fx, A_NESTED,
        "CALLER PUSH1 0x00 MSTORE PUSH1 0x01 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256\n"
        "  PUSH1 0x20 MSTORE PUSH1 0x04 CALLDATALOAD PUSH1 0x00 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256\n"
        "  PUSH1 0x01 SWAP1 SSTORE\n"
        "PUSH1 0x04 CALLDATALOAD PUSH1 0x00 MSTORE PUSH1 0x02 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 "
        "KECCAK256\n"
        "  SLOAD EXTCODESIZE POP STOP\n");
    /* m3[caller] = w1, m3[k] = w2, m3[caller] = w3 (k, w1, w2, w3 the
     * arguments); then the code at m3[caller] (A_REORDER) or at m3[k]
     * (A_REORDER2). */
    static const char *m3_stores =
        "PUSH1 0x24 CALLDATALOAD CALLER PUSH1 0x00 MSTORE PUSH1 0x03 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 "
        "KECCAK256 SSTORE\n"
        "PUSH1 0x44 CALLDATALOAD PUSH1 0x04 CALLDATALOAD PUSH1 0x00 MSTORE PUSH1 0x03 PUSH1 0x20 MSTORE\n"
        "  PUSH1 0x40 PUSH1 0x00 KECCAK256 SSTORE\n"
        "PUSH1 0x64 CALLDATALOAD CALLER PUSH1 0x00 MSTORE PUSH1 0x03 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 "
        "KECCAK256 SSTORE\n";
    snprintf(src, sizeof src,
             "%sCALLER PUSH1 0x00 MSTORE PUSH1 0x03 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256\n"
             "  SLOAD EXTCODESIZE POP STOP\n",
             m3_stores);
    put_contract(fx, A_REORDER, src);
    snprintf(src, sizeof src,
             "%sPUSH1 0x04 CALLDATALOAD PUSH1 0x00 MSTORE PUSH1 0x03 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 "
             "KECCAK256\n"
             "  SLOAD EXTCODESIZE POP STOP\n",
             m3_stores);
    put_contract(fx, A_REORDER2, src);
    /* The 0x Exchange Proxy's fallback (Solidity 0.6): `bytes memory` of
     * msg.data at 0x80 (its length, the copy, a zero word past the copy's
     * end), the implementation of its first 4 bytes from a mapping (slot
     * keccak(selector, 0)), and `impl.delegatecall(msg.data)`: another
     * copy at the free-memory pointer, zero past its end. */
    static const char *selproxy =
        "PUSH1 0x80 PUSH1 0x40 MSTORE\n"
        "CALLDATASIZE PUSH1 0x80 MSTORE\n"
        "CALLDATASIZE PUSH1 0x00 PUSH1 0xa0 CALLDATACOPY\n"
        "%s CALLDATASIZE PUSH1 0xa0 ADD MSTORE\n"
        "PUSH1 0x1f NOT PUSH1 0x1f CALLDATASIZE ADD AND PUSH1 0xa0 ADD PUSH1 0x40 MSTORE\n"
        "PUSH1 0xa0 MLOAD PUSH4 0xffffffff PUSH1 0xe0 SHL AND\n"
        "PUSH1 0x00 MSTORE PUSH1 0x00 PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 KECCAK256 SLOAD\n"
        "PUSH1 0x40 MLOAD CALLDATASIZE PUSH1 0x00 DUP3 CALLDATACOPY\n"
        "PUSH1 0x00 CALLDATASIZE DUP3 ADD MSTORE\n"
        "PUSH1 0x00 PUSH1 0x00 CALLDATASIZE DUP4 DUP6 GAS DELEGATECALL POP STOP\n";
    snprintf(src, sizeof src, selproxy, "PUSH1 0x00");
    put_contract(fx, A_SELPROXY, src);
    snprintf(src, sizeof src, selproxy, "GAS");
    put_contract(fx, A_SELPROXY_BAD, src);
    snprintf(src, sizeof src,
             "PUSH1 0x20 PUSH1 0x00 MSTORE PUSH1 0x01 PUSH1 0x20 MSTORE\n"
             "PUSH20 0xaa000000000000000000000000000000000000%02x PUSH1 0x40 MSTORE PUSH1 0x60 PUSH1 0x00 "
             "RETURN\n",
             A_TARGET);
    put_contract(fx, A_RETARR, src);
    /* Solidity's abi.decode(data, (address[])) of a call's whole return
     * data copied at 0x80: the array's offset o (the data's first word),
     * its length n at 0x80 + o (both required below 2^32, as the
     * decoder does; n in a disjunction with an end check), a new array at the free-memory pointer moved past
     * it by 0x20 + 32n; then f(caller) on A_TWOSEL (selector 7) encoded
     * there. */
    snprintf(
        src, sizeof src,
        "PUSH1 0x80 PUSH1 0x40 MSTORE\n"
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00\n"
        "  PUSH20 0xaa000000000000000000000000000000000000%02x GAS STATICCALL POP\n"
        "RETURNDATASIZE PUSH1 0x00 PUSH1 0x80 RETURNDATACOPY\n"
        "PUSH1 0x1f NOT PUSH1 0x1f RETURNDATASIZE ADD AND PUSH1 0x80 ADD PUSH1 0x40 MSTORE\n"
        "PUSH1 0x80 MLOAD DUP1 PUSH5 0x0100000000 LT @fail JUMPI\n"
        "PUSH1 0x80 ADD MLOAD DUP1 PUSH5 0x0100000000 LT RETURNDATASIZE PUSH1 0x00 GT OR @fail JUMPI\n"
        "PUSH1 0x40 MLOAD DUP2 DUP2 MSTORE SWAP1 PUSH1 0x05 SHL ADD PUSH1 0x20 ADD PUSH1 0x40 MSTORE\n"
        "PUSH1 0x40 MLOAD PUSH4 0x00000007 PUSH1 0xe0 SHL DUP2 MSTORE CALLER DUP2 PUSH1 0x04 ADD MSTORE POP\n"
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x24 PUSH1 0x40 MLOAD PUSH1 0x00\n"
        "  PUSH20 0xaa000000000000000000000000000000000000%02x GAS CALL POP STOP\n"
        "fail: PUSH1 0x00 DUP1 REVERT\n",
        A_RETARR, A_TWOSEL);
    put_contract(fx, A_DECODE, src);
    put_contract(fx, A_SELIMPL,
                 "PUSH1 0x04 CALLDATALOAD DUP1 EXTCODESIZE ISZERO @fail JUMPI\n"
                 "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 DUP6 GAS CALL POP STOP\n"
                 "fail: PUSH1 0x00 DUP1 REVERT\n");
    seer_address t = addr(A_TARGET), t2 = addr(A_TARGET2);
    u256 zero = U256_ZERO, tw = word_of(&t), t2w = word_of(&t2);
    put_slot(fx, A_VAULT, &zero, &tw);
    put_slot(fx, A_REG_PROXY, &zero, &t2w); /* the implementation runs in the proxy's storage */
    put_slot(fx, A_VAULT2, &zero, &tw);
    /* A_FIELDS: m3[A_TARGET].field1 = A_TARGET, m4[A_TARGET] = A_TARGET2 */
    u256 three = u256_from_u64(3), four = u256_from_u64(4), s3 = map_slot(&tw, &three),
         s4 = map_slot(&tw, &four);
    u256 s3f = s3;
    u256 one = U256_ONE;
    u256_add(&s3f, &s3, &one);
    put_slot(fx, A_FIELDS, &s3f, &tw);
    put_slot(fx, A_FIELDS, &s4, &t2w);
    /* A_NESTED: m2[A_TARGET] = A_TARGET2 */
    u256 two = u256_from_u64(2), s2 = map_slot(&tw, &two);
    put_slot(fx, A_NESTED, &s2, &t2w);
    /* A_SELPROXY*: impls[0x00000001] = A_SELIMPL */
    seer_address si = addr(A_SELIMPL);
    u256 sel1 = u256_from_u64(1), siw = word_of(&si), simpl;
    u256_shl_bits(&sel1, &sel1, 224);
    simpl = map_slot(&sel1, &zero);
    put_slot(fx, A_SELPROXY, &simpl, &siw);
    put_slot(fx, A_SELPROXY_BAD, &simpl, &siw);
    seer_address al = addr(A_ALICE);
    seer_account user = {.exists = true, .balance = u256_from_u64(1000000000000000000ULL)};
    ck_assert_int_eq(seer_memstore_set_account(fx->ms, &al, &user), 0);
    fx_finish(fx);
}

/* Predicts tx with the fixture's analyzer (its cache and frame memo warm
 * from earlier rounds) and with a fresh one: the two must agree. */
static void predict(world_fx *fx, seer_prediction *p, const seer_tx *tx)
{
    ck_assert_int_eq(seer_analyzer_predict_tx(fx->an, p, tx, &fx->env, &fx->reader), 0);
    seer_analyzer *fresh;
    seer_prediction q;
    ck_assert_int_eq(seer_analyzer_new(&fresh, NULL), 0);
    ck_assert_int_eq(seer_analyzer_predict_tx(fresh, &q, tx, &fx->env, &fx->reader), 0);
    ck_assert_uint_eq(p->unknown, q.unknown);
    ck_assert_uint_eq(p->nkeys, q.nkeys);
    ck_assert_uint_eq(p->nall_slots, q.nall_slots);
    for (size_t i = 0; i < p->nkeys; i++)
        ck_assert(!memcmp(&p->keys[i].key, &q.keys[i].key, sizeof q.keys[i].key) &&
                  p->keys[i].write == q.keys[i].write);
    seer_prediction_clear(&q);
    seer_analyzer_free(fresh);
}

/* One call to `to`'s selector 1 with the address `arg`, in a fresh
 * world: resolved, naming the code of `code_of` (and of `code_of2`, 0:
 * none), and covering what it touches. */
static void check_address_call(unsigned to, unsigned arg, unsigned code_of, unsigned code_of2)
{
    world_fx fx;
    fx_init(&fx);
    uint8_t cd[4 + 32];
    seer_address a = addr(arg);
    u256 aw = word_of(&a);
    seer_tx tx;
    seer_prediction p;
    predict_resolved(&fx, &tx, &p, A_ALICE, to, cd, calldata(cd, 0x00000001, &aw, 1), 0);
    ck_assert(has(&p, code_of, SEER_KEY_CODE, NULL, false));
    if (code_of2)
        ck_assert(has(&p, code_of2, SEER_KEY_CODE, NULL, false));
    check_done(&fx, &tx, &p, true);
    fx_free(&fx);
}

/* ---- reads after a call ---- */

/* The vault reads its slot 0 after calling a contract that writes only its
 * own storage: the address there is the pre-state's, so the EXTCODESIZE
 * check and the call to it resolve. Five rounds, so the frame memo has
 * recorded what it would (a frame whose read was taken must not be
 * replayed as if it had not been checked). */
START_TEST(test_read_after_call)
{
    world_fx fx;
    fx_init(&fx);
    uint8_t cd[4];
    u256 zero = U256_ZERO, five = u256_from_u64(5);
    for (int round = 0; round < 5; round++) {
        seer_tx tx;
        seer_prediction p;
        predict_resolved(&fx, &tx, &p, A_ALICE, A_VAULT, cd, calldata(cd, 0x00000001, NULL, 0), round);
        ck_assert_uint_eq(p.nall_slots, 0);
        ck_assert(has(&p, A_VAULT, SEER_KEY_STORAGE, &zero, false));
        ck_assert(has(&p, A_NOTE, SEER_KEY_STORAGE, &zero, true));
        ck_assert(has(&p, A_TARGET, SEER_KEY_CODE, NULL, false));
        ck_assert(has(&p, A_TARGET, SEER_KEY_STORAGE, &five, true));
        check_done(&fx, &tx, &p, true);
    }
    fx_free(&fx);
}
END_TEST

/* The same vault calling A_RESET, which calls back the vault's set() and
 * replaces the address at slot 0 before the vault reads it: the pre-state
 * address (A_TARGET) is the wrong one, and the prediction, which holds
 * that write, must not keep it: it stays "unknown" (the read does not
 * evaluate), so A_TARGET2's keys are covered. Before the read was checked
 * this prediction named A_TARGET and missed A_TARGET2. Repeated, with the
 * slot set back, for the frame memo. */
START_TEST(test_read_after_call_written)
{
    world_fx fx;
    fx_init(&fx);
    uint8_t cd[4];
    u256 zero = U256_ZERO, six = u256_from_u64(6);
    seer_address t = addr(A_TARGET);
    u256 tw = word_of(&t);
    for (int round = 0; round < 4; round++) {
        seer_tx tx;
        mk_tx(&tx, A_ALICE, A_VAULT2, cd, calldata(cd, 0x00000001, NULL, 0), (uint64_t)round);
        seer_prediction p;
        predict(&fx, &p, &tx);
        ck_assert(has(&p, A_VAULT2, SEER_KEY_STORAGE, &zero, true));
        ck_assert_msg(p.unknown, "round %d: the vault's read after the call was taken", round);
        ck_assert(!has(&p, A_TARGET2, SEER_KEY_STORAGE, &six, true));
        check_done(&fx, &tx, &p, true);
        put_slot(&fx, A_VAULT2, &zero, &tw);
    }
    fx_free(&fx);
}
END_TEST

/* A CALL to a precompile runs no code that stores: the slot the contract
 * stored before it still holds the argument, whose code is asked for. */
START_TEST(test_precompile_call)
{
    check_address_call(A_HASHER, A_TARGET2, A_TARGET2, 0);
}
END_TEST

/* ---- return data passed on ---- */

/* A_REG_USER calls the address a forwarding proxy returns: the proxy's
 * RETURN of RETURNDATACOPY(p, 0, RETURNDATASIZE) is its callee's answer
 * (the implementation's read of the proxy's slot 0, A_TARGET2), so the
 * EXTCODESIZE check and the call resolve. Before, a RETURN of a length
 * that is not a constant was opaque, and this was "call target not
 * derivable" (Lido's stETH asking its Aragon kernel, itself a proxy, for
 * the implementation). */
START_TEST(test_proxy_passes_return_data)
{
    world_fx fx;
    fx_init(&fx);
    u256 zero = U256_ZERO, six = u256_from_u64(6);
    for (int round = 0; round < 4; round++) { /* walks, then the frame memo's replays */
        seer_tx tx;
        seer_prediction p;
        predict_resolved(&fx, &tx, &p, A_ALICE, A_REG_USER, NULL, 0, round);
        ck_assert(has(&p, A_REG_PROXY, SEER_KEY_STORAGE, &zero, false));
        ck_assert(has(&p, A_TARGET2, SEER_KEY_CODE, NULL, false));
        ck_assert(has(&p, A_TARGET2, SEER_KEY_STORAGE, &six, true));
        check_done(&fx, &tx, &p, true);
    }
    fx_free(&fx);
}
END_TEST

/* ---- mapping slots apart ---- */

/* After storing m3[caller], the reads of m3[k].field1 (another offset from
 * a hash) and of m4[k] (another mapping's hash) cannot be that slot: their
 * pre-state values are the addresses whose code is asked for. */
START_TEST(test_mapping_fields_apart)
{
    check_address_call(A_FIELDS, A_TARGET, A_TARGET, A_TARGET2);
}
END_TEST

/* After storing m1[caller][k] (keccak(k, keccak(caller, 1))), the read of
 * m2[k] (keccak(k, 2)) cannot be that slot: the hashes' second words are
 * a small constant and a hash, so their inputs differ. Its pre-state
 * value is the address whose code is asked for. */
START_TEST(test_nested_mapping_apart)
{
    check_address_call(A_NESTED, A_TARGET, A_TARGET2, 0);
}
END_TEST

/* Stores to m3[caller], m3[k], then m3[caller] again: a read sees the
 * newest store that may name its slot. m3[caller] is the value stored
 * there last (A_TARGET2, whose code is asked for); m3[k] may be
 * m3[caller] (k = caller here), stored after it, so it is not taken as
 * the value stored at m3[k] (A_TARGET; the EVM reads A_TARGET2) and stays
 * unknown. With a slot stored again kept at its first place, the first
 * read was unknown and the second named A_TARGET, missing A_TARGET2's
 * code. */
START_TEST(test_store_order)
{
    world_fx fx;
    fx_init(&fx);
    seer_address al = addr(A_ALICE), t = addr(A_TARGET), t2 = addr(A_TARGET2);
    u256 w[4] = {word_of(&al), word_of(&t), word_of(&t), word_of(&t2)};
    uint8_t cd[4 + 32 * 4];
    for (int round = 0; round < 2; round++) {
        seer_tx tx;
        mk_tx(&tx, A_ALICE, round ? A_REORDER2 : A_REORDER, cd, calldata(cd, 0x00000001, w, 4),
              (uint64_t)round);
        seer_prediction p;
        predict(&fx, &p, &tx);
        if (round == 0) {
            ck_assert_msg(!p.unknown, "unknown (%s)", p.unknown_why ? p.unknown_why : "");
            ck_assert(has(&p, A_TARGET2, SEER_KEY_CODE, NULL, false));
        } else {
            ck_assert_msg(p.unknown, "m3[k] read as the value stored there before m3[caller]");
        }
        check_done(&fx, &tx, &p, true);
    }
    fx_free(&fx);
}
END_TEST

/* ---- memory after return data ---- */

/* A_RDBASE copies a call's return data into memory the way Solidity
 * does, which moves the free-memory pointer by RETURNDATASIZE; it then
 * stores its argument at the new pointer and reads it back. Return data
 * is a stable memory base (one value per path) and RETURNDATASIZE is
 * bounded, so the word reads back and the target resolves. Before, the
 * store at a base over return data clobbered memory: "unknown". */
START_TEST(test_retdata_memory_base)
{
    world_fx fx;
    fx_init(&fx);
    uint8_t cd[4 + 32];
    seer_address t = addr(A_TARGET);
    u256 tw = word_of(&t), five = u256_from_u64(5);
    for (int round = 0; round < 4; round++) {
        seer_tx tx;
        seer_prediction p;
        predict_resolved(&fx, &tx, &p, A_ALICE, A_RDBASE, cd, calldata(cd, 0x00000001, &tw, 1), round);
        ck_assert(has(&p, A_RET32, SEER_KEY_CODE, NULL, false));
        ck_assert(has(&p, A_TARGET, SEER_KEY_CODE, NULL, false));
        ck_assert(has(&p, A_TARGET, SEER_KEY_STORAGE, &five, true));
        check_done(&fx, &tx, &p, true);
    }
    fx_free(&fx);
}
END_TEST

/* A_PACKED hashes 40 packed bytes (caller, argument) whose second word's
 * tail is an unknown word an earlier store left there: only the hashed
 * bytes count, so the slot is derived (before: the all-slots wildcard). */
START_TEST(test_packed_keccak_tail)
{
    world_fx fx;
    fx_init(&fx);
    uint8_t cd[4 + 32];
    seer_address t = addr(A_TARGET), al = addr(A_ALICE);
    u256 tw = word_of(&t);
    uint8_t buf[40], h[32];
    memcpy(buf, al.bytes, 20);
    memcpy(buf + 20, t.bytes, 20);
    seer_keccak256(h, buf, sizeof buf);
    u256 slot;
    u256_from_be32(&slot, h);
    seer_tx tx;
    seer_prediction p;
    predict_resolved(&fx, &tx, &p, A_ALICE, A_PACKED, cd, calldata(cd, 0x00000001, &tw, 1), 0);
    ck_assert_uint_eq(p.nall_slots, 0);
    ck_assert(has(&p, A_PACKED, SEER_KEY_STORAGE, &slot, true));
    check_done(&fx, &tx, &p, true);
    fx_free(&fx);
}
END_TEST

/* A_SELCALL calls A_TWOSEL with selector 7 and an argument that does not
 * evaluate, in the same first word: the selector's bytes still do, so the
 * callee's entry point for 7 is taken (slot 7 only; before, the whole
 * contract: its other entry point's slot is not derivable, all slots). */
START_TEST(test_selector_bytes_known)
{
    world_fx fx;
    fx_init(&fx);
    uint8_t cd[4];
    u256 seven = u256_from_u64(7);
    for (int round = 0; round < 4; round++) {
        seer_tx tx;
        seer_prediction p;
        predict_resolved(&fx, &tx, &p, A_ALICE, A_SELCALL, cd, calldata(cd, 0x00000001, NULL, 0), round);
        ck_assert_uint_eq(p.nall_slots, 0);
        ck_assert(has(&p, A_TWOSEL, SEER_KEY_STORAGE, &seven, true));
        check_done(&fx, &tx, &p, true);
    }
    fx_free(&fx);
}
END_TEST

/* A_ARRAY reads a[1] of a calldata array copied with a symbolic length
 * over a word that is not known: the length is at least 2 on the path
 * that reads it, so the word is the calldata's (before: unknown where the
 * copy might end inside it). */
START_TEST(test_array_length_bound)
{
    world_fx fx;
    fx_init(&fx);
    uint8_t cd[4 + 32 * 3];
    seer_address t = addr(A_TARGET);
    u256 w[3] = {u256_from_u64(2), U256_ONE, word_of(&t)}, five = u256_from_u64(5);
    seer_tx tx;
    seer_prediction p;
    predict_resolved(&fx, &tx, &p, A_ALICE, A_ARRAY, cd, calldata(cd, 0x00000001, w, 3), 0);
    ck_assert(has(&p, A_TARGET, SEER_KEY_CODE, NULL, false));
    ck_assert(has(&p, A_TARGET, SEER_KEY_STORAGE, &five, true));
    check_done(&fx, &tx, &p, true);
    fx_free(&fx);
}
END_TEST

/* A_SELPROXY reads its selector from a copy of msg.data in memory, the
 * zero word Solidity stores past the copy's end over the word's tail
 * when the calldata is short: the word is the calldata's first (a word
 * read inside the copy, no further than its end, holds the copy's bytes
 * then zeros). Its DELEGATECALL passes a copy of msg.data at the
 * free-memory pointer (a symbolic base), zero past its end: the
 * implementation gets the whole calldata, its argument's code is asked
 * for and called. Before, the selector word and the call target were
 * not derivable. Over anything but zero past the copy (A_SELPROXY_BAD)
 * the word stays unknown. */
START_TEST(test_msg_data_copy)
{
    world_fx fx;
    fx_init(&fx);
    uint8_t cd[4 + 32];
    seer_address t = addr(A_TARGET);
    u256 tw = word_of(&t), five = u256_from_u64(5), zero = U256_ZERO, sel1 = u256_from_u64(1);
    u256_shl_bits(&sel1, &sel1, 224);
    u256 simpl = map_slot(&sel1, &zero);
    seer_tx tx;
    seer_prediction p;
    predict_resolved(&fx, &tx, &p, A_ALICE, A_SELPROXY, cd, calldata(cd, 0x00000001, &tw, 1), 0);
    ck_assert_uint_eq(p.nall_slots, 0);
    ck_assert(has(&p, A_SELPROXY, SEER_KEY_STORAGE, &simpl, false));
    ck_assert(has(&p, A_TARGET, SEER_KEY_CODE, NULL, false));
    ck_assert(has(&p, A_TARGET, SEER_KEY_STORAGE, &five, true));
    check_done(&fx, &tx, &p, true);
    mk_tx(&tx, A_ALICE, A_SELPROXY_BAD, cd, calldata(cd, 0x00000001, &tw, 1), 1);
    predict(&fx, &p, &tx);
    ck_assert(p.unknown);
    check_done(&fx, &tx, &p, true);
    fx_free(&fx);
}
END_TEST

/* A_DECODE decodes a dynamic array from a call's return data: its
 * length is the data's word at the offset the first word gives (an
 * AN_RETDATA node at an offset that is not a constant), the decoder's
 * bounds on offset and length (conditions over return data) hold on the
 * path, so the free-memory pointer moved past the new array is known and
 * the next call's selector evaluates: A_TWOSEL's entry point 7 alone
 * (before: its whole code, whose other slot is not derivable). */
START_TEST(test_decode_dynamic_return)
{
    world_fx fx;
    fx_init(&fx);
    uint8_t cd[4];
    u256 seven = u256_from_u64(7);
    seer_tx tx;
    seer_prediction p;
    predict_resolved(&fx, &tx, &p, A_ALICE, A_DECODE, cd, calldata(cd, 0x00000001, NULL, 0), 0);
    ck_assert_uint_eq(p.nall_slots, 0);
    ck_assert(has(&p, A_TWOSEL, SEER_KEY_STORAGE, &seven, true));
    check_done(&fx, &tx, &p, true);
    fx_free(&fx);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("analyzer_calls");
    TCase *t;
    t = tcase_create("read_after_call");
    tcase_add_test(t, test_read_after_call);
    tcase_add_test(t, test_read_after_call_written);
    tcase_add_test(t, test_precompile_call);
    suite_add_tcase(s, t);
    t = tcase_create("return_data");
    tcase_add_test(t, test_proxy_passes_return_data);
    suite_add_tcase(s, t);
    t = tcase_create("slots_apart");
    tcase_add_test(t, test_mapping_fields_apart);
    tcase_add_test(t, test_nested_mapping_apart);
    tcase_add_test(t, test_store_order);
    suite_add_tcase(s, t);
    t = tcase_create("memory_words");
    tcase_add_test(t, test_retdata_memory_base);
    tcase_add_test(t, test_packed_keccak_tail);
    tcase_add_test(t, test_selector_bytes_known);
    tcase_add_test(t, test_array_length_bound);
    tcase_add_test(t, test_msg_data_copy);
    tcase_add_test(t, test_decode_dynamic_return);
    suite_add_tcase(s, t);
    return test_run_suite(s);
}

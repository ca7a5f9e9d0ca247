/* Tests of gen/: the assembler, the contracts' storage effects (executed
 * with the VM over an in-memory store) and the block generator (determinism,
 * every workload re-executed from its JSON files, the contention knob). */
#include "common/keccak.h"
#include "common/state_iface.h"
#include "common/u256.h"
#include "conformance/json.h"
#include "gen/asm.h"
#include "gen/gen.h"
#include "state/memstore.h"
#include "test_util.h"
#include "vm/opcodes.h"
#include "vm/tx.h"
#include "vm/world.h"

#include <check.h>
#include <seer.h>
#include <sys/wait.h>

/* ---------------------------------------------------------------- asm */

static size_t asm_ok(uint8_t **code, const char *src)
{
    size_t len = 0;
    int rc = seer_asm_assemble(code, &len, src);
    ck_assert_msg(rc == 0, "assembling '%s': %s", src, seer_error_detail());
    return len;
}

static void asm_bytes(const char *src, const uint8_t *want, size_t want_len)
{
    uint8_t *code;
    size_t len = asm_ok(&code, src);
    ck_assert_uint_eq(len, want_len);
    ck_assert_mem_eq(code, want, want_len);
    free(code);
}

static void asm_fails(const char *src, const char *detail_part)
{
    uint8_t *code = (uint8_t *)"x";
    size_t len = 7;
    int rc = seer_asm_assemble(&code, &len, src);
    ck_assert_int_eq(rc, SEER_EPARSE);
    ck_assert_ptr_null(code);
    ck_assert_msg(strstr(seer_error_detail(), detail_part), "detail '%s' lacks '%s'", seer_error_detail(),
                  detail_part);
}

START_TEST(asm_push_widths)
{
    asm_bytes("PUSH 0", (const uint8_t[]){0x5f}, 1);
    asm_bytes("PUSH 1", (const uint8_t[]){0x60, 0x01}, 2);
    asm_bytes("PUSH 255 PUSH 256", (const uint8_t[]){0x60, 0xff, 0x61, 0x01, 0x00}, 5);
    asm_bytes("push 0x1234", (const uint8_t[]){0x61, 0x12, 0x34}, 3);
    asm_bytes("PUSH 0x0001", (const uint8_t[]){0x60, 0x01}, 2);
    asm_bytes("PUSH4 7", (const uint8_t[]){0x63, 0, 0, 0, 7}, 5);
    asm_bytes("PUSH1 0", (const uint8_t[]){0x60, 0x00}, 2);
    /* 2^256-1 in decimal takes all 32 bytes */
    uint8_t *code;
    size_t len =
        asm_ok(&code, "PUSH 115792089237316195423570985008687907853269984665640564039457584007913129639935");
    ck_assert_uint_eq(len, 33);
    ck_assert_uint_eq(code[0], 0x7f);
    for (int i = 1; i < 33; i++)
        ck_assert_uint_eq(code[i], 0xff);
    free(code);
}
END_TEST

/* Every mnemonic of the opcode list assembles to its byte. */
START_TEST(asm_every_opcode)
{
    unsigned n = 0;
#define CHECK_OP_(name, code, in, out, imm, fork, gas)                                                       \
    do {                                                                                                     \
        uint8_t *c;                                                                                          \
        size_t l = asm_ok(&c, imm ? #name " 0" : #name);                                                     \
        ck_assert_uint_eq(l, 1u + imm);                                                                      \
        ck_assert_uint_eq(c[0], code);                                                                       \
        free(c);                                                                                             \
        n++;                                                                                                 \
    } while (0);
    SEER_OPCODES(CHECK_OP_)
#undef CHECK_OP_
    ck_assert_uint_gt(n, 140);
}
END_TEST

START_TEST(asm_labels_and_data)
{
    /* forward and backward references, a data mark, db, comments */
    asm_bytes("start: @end JUMP ; to the end\n"
              "// a whole-line comment\n"
              "@start\n"
              ".blob: db 0xc0ffee\n"
              "end: @blob",
              (const uint8_t[]){0x5b, 0x61, 0x00, 0x0b, 0x56, 0x61, 0x00, 0x00, 0xc0, 0xff, 0xee, 0x5b, 0x61,
                                0x00, 0x08},
              15);
    asm_bytes("PUSH @x x:", (const uint8_t[]){0x61, 0x00, 0x03, 0x5b}, 4);
    asm_bytes("", (const uint8_t[]){0}, 0);
}
END_TEST

START_TEST(asm_errors_name_lines)
{
    asm_fails("ADD\nMUL\nFROB", "line 3: unknown mnemonic 'FROB'");
    asm_fails("@nowhere JUMP", "line 1: undefined label 'nowhere'");
    asm_fails("a:\n\na:", "line 3: label 'a' already defined on line 1");
    asm_fails("STOP\nPUSH1 0x100", "line 2: PUSH1 cannot hold 0x100");
    asm_fails("PUSH 0xzz", "line 1: bad number '0xzz'");
    asm_fails("PUSH 0x"
              "1111111111111111111111111111111111111111111111111111111111111111"
              "1",
              "line 1: bad number");
    asm_fails("PUSH 115792089237316195423570985008687907853269984665640564039457584007913129639936",
              "line 1: bad number");
    asm_fails("\n\nPUSH", "line 3: PUSH needs a value");
    asm_fails("db 0xabc", "line 1: db: odd");
    asm_fails("PUSH1 @x x:", "line 1: a label push is PUSH2");
    ck_assert_int_eq(seer_asm_assemble(NULL, NULL, "ADD"), SEER_EINVAL);
}
END_TEST

START_TEST(asm_initcode_layout)
{
    const uint8_t rt[] = {0x60, 0x2a, 0x5f, 0x55, 0x00};
    uint8_t *init;
    size_t len;
    ck_assert_int_eq(seer_asm_initcode(&init, &len, rt, sizeof rt), 0);
    const uint8_t want[] = {0x61, 0x00, 0x05, 0x80, 0x61, 0x00, 0x0b, 0x5f, 0x39, 0x5f, 0xf3};
    ck_assert_uint_eq(len, sizeof want + sizeof rt);
    ck_assert_mem_eq(init, want, sizeof want);
    ck_assert_mem_eq(init + sizeof want, rt, sizeof rt);
    free(init);
    /* with a constructor, the copy offset moves past it */
    const uint8_t ctor[] = {0x60, 0x01, 0x5f, 0x55};
    ck_assert_int_eq(seer_asm_initcode_with(&init, &len, ctor, sizeof ctor, rt, sizeof rt), 0);
    ck_assert_mem_eq(init, ctor, sizeof ctor);
    ck_assert_uint_eq(init[sizeof ctor + 6], 0x0b + sizeof ctor);
    free(init);
}
END_TEST

/* The selectors and event topics are Solidity's: keccak256 of the
 * signature. */
START_TEST(selectors_are_solidity)
{
    static const struct {
        const char *sig;
        uint32_t sel;
    } t[] = {
        {"transfer(address,uint256)", SEER_SEL_TRANSFER},
        {"transferFrom(address,address,uint256)", SEER_SEL_TRANSFER_FROM},
        {"approve(address,uint256)", SEER_SEL_APPROVE},
        {"balanceOf(address)", SEER_SEL_BALANCE_OF},
        {"totalSupply()", SEER_SEL_TOTAL_SUPPLY},
        {"allowance(address,address)", SEER_SEL_ALLOWANCE},
        {"swap(uint256,uint256,address,bytes)", SEER_SEL_SWAP},
        {"getReserves()", SEER_SEL_GET_RESERVES},
        {"token0()", SEER_SEL_TOKEN0},
        {"token1()", SEER_SEL_TOKEN1},
        {"swapExactIn(address,address,uint256,uint256)", SEER_SEL_SWAP_EXACT_IN},
        {"mint(address)", SEER_SEL_MINT},
        {"ownerOf(uint256)", SEER_SEL_OWNER_OF},
        {"set(uint256)", SEER_SEL_SET},
        {"bump()", SEER_SEL_BUMP},
        {"deploy(uint256)", SEER_SEL_DEPLOY},
        {"cycle(uint256)", SEER_SEL_CYCLE},
        {"record()", SEER_SEL_RECORD},
        {"increment()", SEER_SEL_INCREMENT},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        uint8_t h[32];
        seer_keccak256(h, t[i].sig, strlen(t[i].sig));
        uint32_t got = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
        ck_assert_msg(got == t[i].sel, "%s: 0x%08x, constant 0x%08x", t[i].sig, got, t[i].sel);
    }
}
END_TEST

/* ---------------------------------------------------------- contracts */

typedef struct chain {
    seer_memstore *st;
    seer_block_env env;
    seer_address eoa[3];
    uint64_t nonce[3];
    seer_tx_result res;
    uint64_t next_addr;
} chain;

static seer_address addr_n(uint64_t n)
{
    seer_address a;
    memset(&a, 0, sizeof a);
    a.bytes[0] = 0xc0;
    for (int i = 0; i < 8; i++)
        a.bytes[19 - i] = (uint8_t)(n >> (8 * i));
    return a;
}

static void chain_init(chain *c)
{
    memset(c, 0, sizeof c[0]);
    ck_assert_int_eq(seer_memstore_new(&c->st), 0);
    c->env.fork = SEER_FORK_CANCUN;
    c->env.chain_id = 1;
    c->env.coinbase = addr_n(0xcb);
    c->env.number = 20000000;
    c->env.timestamp = 1720000000;
    c->env.gas_limit = 30000000;
    c->env.base_fee = u256_from_u64(7);
    for (int i = 0; i < 3; i++) {
        c->eoa[i] = addr_n(0xe0 + (uint64_t)i);
        seer_account a;
        memset(&a, 0, sizeof a);
        a.exists = true;
        a.balance = u256_from_u64(UINT64_MAX);
        ck_assert_int_eq(seer_memstore_set_account(c->st, &c->eoa[i], &a), 0);
    }
    c->next_addr = 0x100;
}

static void chain_free(chain *c)
{
    seer_tx_result_clear(&c->res);
    seer_memstore_free(c->st);
}

static seer_address chain_deploy_src(chain *c, const char *src)
{
    uint8_t *code;
    size_t len = asm_ok(&code, src);
    seer_address a = addr_n(c->next_addr++);
    seer_account acct;
    memset(&acct, 0, sizeof acct);
    acct.exists = true;
    acct.nonce = 1;
    ck_assert_int_eq(seer_memstore_set_account(c->st, &a, &acct), 0);
    ck_assert_int_eq(seer_memstore_set_code(c->st, &a, code, len), 0);
    free(code);
    return a;
}

static u256 u(uint64_t v)
{
    return u256_from_u64(v);
}

static u256 slot_at(chain *c, const seer_address *a, const uint8_t slot[32])
{
    u256 k, v;
    u256_from_be32(&k, slot);
    ck_assert_int_eq(seer_memstore_get_storage(c->st, &v, a, &k), 0);
    return v;
}

static u256 slot_n(chain *c, const seer_address *a, uint64_t n)
{
    u256 k = u(n), v;
    ck_assert_int_eq(seer_memstore_get_storage(c->st, &v, a, &k), 0);
    return v;
}

static void put_slot(chain *c, const seer_address *a, const uint8_t slot[32], uint64_t v)
{
    u256 k, val = u(v);
    u256_from_be32(&k, slot);
    ck_assert_int_eq(seer_memstore_set_storage(c->st, a, &k, &val), 0);
}

static u256 balance_slot(chain *c, const seer_address *token, const seer_address *holder)
{
    uint8_t s[32];
    seer_gen_map_slot_addr(s, holder, SEER_ERC20_SLOT_BALANCES);
    return slot_at(c, token, s);
}

/* calldata: a selector then 32-byte words */
typedef struct calldata {
    uint8_t b[4 + 32 * 6];
    size_t n;
} calldata;

static calldata cd(uint32_t sel)
{
    calldata d;
    memset(&d, 0, sizeof d);
    d.b[0] = (uint8_t)(sel >> 24);
    d.b[1] = (uint8_t)(sel >> 16);
    d.b[2] = (uint8_t)(sel >> 8);
    d.b[3] = (uint8_t)sel;
    d.n = 4;
    return d;
}

static void cd_word(calldata *d, const u256 *v)
{
    u256_to_be32(d->b + d->n, v);
    d->n += 32;
}

static void cd_addr(calldata *d, const seer_address *a)
{
    memcpy(d->b + d->n + 12, a->bytes, 20);
    d->n += 32;
}

/* Executes a call from eoa[from]; applies the effects and returns the
 * top frame's status. */
static seer_status call(chain *c, int from, const seer_address *to, const calldata *d)
{
    seer_tx tx;
    memset(&tx, 0, sizeof tx);
    tx.type = 2;
    tx.has_chain_id = true;
    tx.chain_id = 1;
    tx.nonce = c->nonce[from]++;
    tx.max_fee = tx.gas_price = u(100);
    tx.max_priority_fee = u(1);
    tx.gas_limit = 1000000;
    tx.has_to = true;
    tx.to = *to;
    tx.data = (uint8_t *)d->b;
    tx.data_len = d->n;
    tx.has_sender = true;
    tx.sender = c->eoa[from];
    seer_state_reader r = seer_memstore_reader(c->st);
    seer_world *w;
    ck_assert_int_eq(seer_world_create(&w, &r, &c->env), 0);
    seer_tx_result_clear(&c->res);
    ck_assert_int_eq(seer_world_execute_tx(w, &c->res, &tx, 0), 0);
    ck_assert_msg(c->res.exception == NULL, "invalid tx: %s", c->res.exception);
    const seer_changeset *cs;
    ck_assert_int_eq(seer_world_changeset(w, &cs), 0);
    ck_assert_int_eq(seer_memstore_apply(c->st, cs), 0);
    seer_world_free(w);
    return c->res.status;
}

static void ck_u256_eq(const u256 *a, const u256 *b)
{
    char x[67], y[67];
    ck_assert_msg(u256_eq(a, b), "%s != %s", u256_to_hex(x, a), u256_to_hex(y, b));
}

START_TEST(erc20_effects)
{
    chain c;
    chain_init(&c);
    seer_address t = chain_deploy_src(&c, seer_gen_src_erc20);
    uint8_t s[32];
    seer_gen_map_slot_addr(s, &c.eoa[0], 0);
    put_slot(&c, &t, s, 1000);
    calldata d = cd(SEER_SEL_TRANSFER);
    cd_addr(&d, &c.eoa[1]);
    u256 v = u(300);
    cd_word(&d, &v);
    ck_assert_int_eq(call(&c, 0, &t, &d), SEER_STATUS_SUCCESS);
    u256 b0 = balance_slot(&c, &t, &c.eoa[0]), b1 = balance_slot(&c, &t, &c.eoa[1]);
    ck_u256_eq(&b0, &(u256){{700, 0, 0, 0}});
    ck_u256_eq(&b1, &(u256){{300, 0, 0, 0}});
    /* the return value is true and one Transfer(from, to, 300) log */
    ck_assert_uint_eq(c.res.output_len, 32);
    ck_assert_uint_eq(c.res.output[31], 1);
    ck_assert_uint_eq(c.res.nlogs, 1);
    ck_assert_uint_eq(c.res.logs[0].ntopics, 3);
    ck_assert_uint_eq(c.res.logs[0].topics[0].bytes[0], 0xdd);
    ck_assert_mem_eq(c.res.logs[0].topics[1].bytes + 12, c.eoa[0].bytes, 20);
    ck_assert_mem_eq(c.res.logs[0].topics[2].bytes + 12, c.eoa[1].bytes, 20);

    /* more than the balance reverts and changes nothing */
    d = cd(SEER_SEL_TRANSFER);
    cd_addr(&d, &c.eoa[1]);
    v = u(701);
    cd_word(&d, &v);
    ck_assert_int_eq(call(&c, 0, &t, &d), SEER_STATUS_REVERT);
    b0 = balance_slot(&c, &t, &c.eoa[0]);
    ck_u256_eq(&b0, &(u256){{700, 0, 0, 0}});

    /* approve(eoa2, 250), then eoa2 moves 200 of eoa0's to itself */
    d = cd(SEER_SEL_APPROVE);
    cd_addr(&d, &c.eoa[2]);
    v = u(250);
    cd_word(&d, &v);
    ck_assert_int_eq(call(&c, 0, &t, &d), SEER_STATUS_SUCCESS);
    seer_gen_allowance_slot(s, &c.eoa[0], &c.eoa[2]);
    u256 al = slot_at(&c, &t, s);
    ck_u256_eq(&al, &(u256){{250, 0, 0, 0}});
    d = cd(SEER_SEL_TRANSFER_FROM);
    cd_addr(&d, &c.eoa[0]);
    cd_addr(&d, &c.eoa[2]);
    v = u(200);
    cd_word(&d, &v);
    ck_assert_int_eq(call(&c, 2, &t, &d), SEER_STATUS_SUCCESS);
    al = slot_at(&c, &t, s);
    ck_u256_eq(&al, &(u256){{50, 0, 0, 0}});
    u256 b2 = balance_slot(&c, &t, &c.eoa[2]);
    b0 = balance_slot(&c, &t, &c.eoa[0]);
    ck_u256_eq(&b2, &(u256){{200, 0, 0, 0}});
    ck_u256_eq(&b0, &(u256){{500, 0, 0, 0}});
    /* beyond the allowance reverts */
    ck_assert_int_eq(call(&c, 2, &t, &d), SEER_STATUS_REVERT);
    /* balanceOf reads the same slot */
    d = cd(SEER_SEL_BALANCE_OF);
    cd_addr(&d, &c.eoa[2]);
    ck_assert_int_eq(call(&c, 1, &t, &d), SEER_STATUS_SUCCESS);
    ck_assert_uint_eq(c.res.output[31], 200);
    chain_free(&c);
}
END_TEST

START_TEST(swap_effects)
{
    chain c;
    chain_init(&c);
    seer_address ta = chain_deploy_src(&c, seer_gen_src_erc20), tb = chain_deploy_src(&c, seer_gen_src_erc20);
    seer_address pair = chain_deploy_src(&c, seer_gen_src_pair),
                 router = chain_deploy_src(&c, seer_gen_src_router);
    uint8_t s[32];
    uint64_t r0 = 1000000000, r1 = 3000000000;
    seer_gen_map_slot_addr(s, &pair, 0);
    put_slot(&c, &ta, s, r0);
    put_slot(&c, &tb, s, r1);
    u256 a = U256_ZERO;
    u256_from_be(&a, ta.bytes, 20);
    ck_assert_int_eq(seer_memstore_set_storage(c.st, &pair, &(u256){{6, 0, 0, 0}}, &a), 0);
    u256_from_be(&a, tb.bytes, 20);
    ck_assert_int_eq(seer_memstore_set_storage(c.st, &pair, &(u256){{7, 0, 0, 0}}, &a), 0);
    ck_assert_int_eq(seer_memstore_set_storage(c.st, &pair, &(u256){{8, 0, 0, 0}}, &(u256){{r0, 0, 0, 0}}),
                     0);
    ck_assert_int_eq(seer_memstore_set_storage(c.st, &pair, &(u256){{9, 0, 0, 0}}, &(u256){{r1, 0, 0, 0}}),
                     0);
    seer_gen_map_slot_addr(s, &c.eoa[0], 0);
    put_slot(&c, &ta, s, 5000000);
    put_slot(&c, &tb, s, 5000000);
    seer_gen_allowance_slot(s, &c.eoa[0], &router);
    put_slot(&c, &ta, s, 1u << 30);
    put_slot(&c, &tb, s, 1u << 30);

    for (int dir = 0; dir < 2; dir++) {
        u256 k0, x0 = slot_n(&c, &pair, 8), y0 = slot_n(&c, &pair, 9);
        u256_mul(&k0, &x0, &y0);
        uint64_t in = 1000000, rin = dir ? y0.w[0] : x0.w[0], rout = dir ? x0.w[0] : y0.w[0];
        uint64_t want =
            (uint64_t)((unsigned __int128)in * 997 * rout / ((unsigned __int128)rin * 1000 + in * 997));
        u256 user_out_before = balance_slot(&c, dir ? &ta : &tb, &c.eoa[0]);
        calldata d = cd(SEER_SEL_SWAP_EXACT_IN);
        cd_addr(&d, &pair);
        cd_addr(&d, dir ? &tb : &ta);
        u256 v = u(in);
        cd_word(&d, &v);
        v = u(want);
        cd_word(&d, &v);
        ck_assert_int_eq(call(&c, 0, &router, &d), SEER_STATUS_SUCCESS);
        ck_assert_uint_eq(c.res.output_len, 32);
        u256 out;
        u256_from_be32(&out, c.res.output);
        ck_u256_eq(&out, &(u256){{want, 0, 0, 0}});
        /* the reserves are the pair's token balances, and the product grew */
        u256 x1 = slot_n(&c, &pair, 8), y1 = slot_n(&c, &pair, 9), k1;
        u256 bx = balance_slot(&c, &ta, &pair), by = balance_slot(&c, &tb, &pair);
        ck_u256_eq(&x1, &bx);
        ck_u256_eq(&y1, &by);
        u256_mul(&k1, &x1, &y1);
        ck_assert(u256_gt(&k1, &k0));
        ck_assert_uint_eq(dir ? y1.w[0] - y0.w[0] : x1.w[0] - x0.w[0], in);
        ck_assert_uint_eq(dir ? x0.w[0] - x1.w[0] : y0.w[0] - y1.w[0], want);
        u256 user_out = balance_slot(&c, dir ? &ta : &tb, &c.eoa[0]);
        ck_assert_uint_eq(user_out.w[0] - user_out_before.w[0], want);
    }
    /* asking for one more than the price gives reverts */
    calldata d = cd(SEER_SEL_SWAP_EXACT_IN);
    cd_addr(&d, &pair);
    cd_addr(&d, &ta);
    u256 v = u(1000000);
    cd_word(&d, &v);
    v = u(4000000);
    cd_word(&d, &v);
    ck_assert_int_eq(call(&c, 0, &router, &d), SEER_STATUS_REVERT);
    /* a direct swap that takes out without paying in breaks the product */
    d = cd(SEER_SEL_SWAP);
    v = u(10);
    cd_word(&d, &v);
    v = u(0);
    cd_word(&d, &v);
    cd_addr(&d, &c.eoa[1]);
    ck_assert_int_eq(call(&c, 1, &pair, &d), SEER_STATUS_REVERT);
    chain_free(&c);
}
END_TEST

START_TEST(nft_effects)
{
    chain c;
    chain_init(&c);
    seer_address n = chain_deploy_src(&c, seer_gen_src_nft);
    for (int i = 0; i < 3; i++) {
        calldata d = cd(SEER_SEL_MINT);
        cd_addr(&d, &c.eoa[i == 2 ? 0 : i]);
        ck_assert_int_eq(call(&c, 1, &n, &d), SEER_STATUS_SUCCESS);
        ck_assert_uint_eq(c.res.output[31], i + 1);
        ck_assert_uint_eq(c.res.nlogs, 1);
        ck_assert_uint_eq(c.res.logs[0].ntopics, 4);
        ck_assert_uint_eq(c.res.logs[0].topics[3].bytes[31], i + 1);
    }
    u256 counter = slot_n(&c, &n, SEER_NFT_SLOT_COUNTER);
    ck_u256_eq(&counter, &(u256){{3, 0, 0, 0}});
    for (uint64_t id = 1; id <= 3; id++) {
        uint8_t k[32] = {0}, slot6[32] = {0}, s[32];
        k[31] = (uint8_t)id;
        slot6[31] = SEER_NFT_SLOT_OWNERS;
        seer_gen_map_slot(s, k, slot6);
        u256 owner = slot_at(&c, &n, s), want;
        u256_from_be(&want, c.eoa[id == 2 ? 1 : 0].bytes, 20);
        ck_u256_eq(&owner, &want);
    }
    uint8_t s[32];
    seer_gen_map_slot_addr(s, &c.eoa[0], SEER_NFT_SLOT_BALANCES);
    u256 bal = slot_at(&c, &n, s);
    ck_u256_eq(&bal, &(u256){{2, 0, 0, 0}});
    /* ownerOf of an unminted id reverts */
    calldata d = cd(SEER_SEL_OWNER_OF);
    u256 v = u(4);
    cd_word(&d, &v);
    ck_assert_int_eq(call(&c, 0, &n, &d), SEER_STATUS_REVERT);
    chain_free(&c);
}
END_TEST

START_TEST(adversarial_effects)
{
    chain c;
    chain_init(&c);
    /* indirect: bump() follows the pointer set() wrote */
    seer_address ind = chain_deploy_src(&c, seer_gen_src_indirect);
    calldata d = cd(SEER_SEL_SET);
    u256 p = u(0x1234);
    cd_word(&d, &p);
    ck_assert_int_eq(call(&c, 0, &ind, &d), SEER_STATUS_SUCCESS);
    d = cd(SEER_SEL_BUMP);
    ck_assert_int_eq(call(&c, 1, &ind, &d), SEER_STATUS_SUCCESS);
    ck_assert_int_eq(call(&c, 2, &ind, &d), SEER_STATUS_SUCCESS);
    u256 v = slot_n(&c, &ind, 0x1234);
    ck_u256_eq(&v, &(u256){{2, 0, 0, 0}});

    /* factory: deploy makes a child with code at the CREATE2 address;
     * cycle makes and deletes one; deploy after cycle recreates it */
    uint8_t *fac, *init;
    size_t flen, ilen;
    ck_assert_int_eq(seer_gen_factory_code(&fac, &flen, &init, &ilen), 0);
    seer_address f = addr_n(0xfac);
    seer_account acct;
    memset(&acct, 0, sizeof acct);
    acct.exists = true;
    acct.nonce = 1;
    ck_assert_int_eq(seer_memstore_set_account(c.st, &f, &acct), 0);
    ck_assert_int_eq(seer_memstore_set_code(c.st, &f, fac, flen), 0);
    u256 salt = u(77);
    uint8_t buf[85], h[32];
    buf[0] = 0xff;
    memcpy(buf + 1, f.bytes, 20);
    u256_to_be32(buf + 21, &salt);
    seer_keccak256(buf + 53, init, ilen);
    seer_keccak256(h, buf, sizeof buf);
    seer_address child;
    memcpy(child.bytes, h + 12, 20);
    d = cd(SEER_SEL_CYCLE);
    cd_word(&d, &salt);
    ck_assert_int_eq(call(&c, 0, &f, &d), SEER_STATUS_SUCCESS);
    seer_account ca;
    ck_assert_int_eq(seer_memstore_get_account(c.st, &ca, &child), 0);
    ck_assert(!ca.exists);
    u256 reg = slot_n(&c, &f, 77), want;
    u256_from_be(&want, child.bytes, 20);
    ck_u256_eq(&reg, &want);
    d = cd(SEER_SEL_DEPLOY);
    cd_word(&d, &salt);
    ck_assert_int_eq(call(&c, 0, &f, &d), SEER_STATUS_SUCCESS);
    ck_assert_int_eq(seer_memstore_get_account(c.st, &ca, &child), 0);
    ck_assert(ca.exists);
    ck_assert(memcmp(&ca.code_hash, &SEER_EMPTY_CODE_HASH, 32) != 0);
    v = slot_n(&c, &child, 0);
    ck_u256_eq(&v, &(u256){{1, 0, 0, 0}}); /* the constructor's write */
    d.n = 0;
    ck_assert_int_eq(call(&c, 1, &child, &d), SEER_STATUS_SUCCESS);
    v = slot_n(&c, &child, 0);
    ck_u256_eq(&v, &(u256){{2, 0, 0, 0}});
    /* a second deploy of the same salt collides and reverts */
    d = cd(SEER_SEL_DEPLOY);
    cd_word(&d, &salt);
    ck_assert_int_eq(call(&c, 0, &f, &d), SEER_STATUS_REVERT);
    free(fac);
    free(init);

    /* the coinbase reader stores the coinbase balance under the caller */
    seer_address rd = chain_deploy_src(&c, seer_gen_src_coinbase_reader);
    d = cd(SEER_SEL_RECORD);
    ck_assert_int_eq(call(&c, 2, &rd, &d), SEER_STATUS_SUCCESS);
    seer_account cb;
    ck_assert_int_eq(seer_memstore_get_account(c.st, &cb, &c.env.coinbase), 0);
    u256 key, got;
    u256_from_be(&key, c.eoa[2].bytes, 20);
    ck_assert_int_eq(seer_memstore_get_storage(c.st, &got, &rd, &key), 0);
    ck_assert(!u256_is_zero(&got));
    /* read before this transaction's own fee was credited */
    ck_assert(u256_lt(&got, &cb.balance));
    chain_free(&c);
}
END_TEST

/* ---------------------------------------------------------- generator */

static seer_gen_block *gen_block(const char *wl, uint64_t seed, size_t txs, size_t senders, double p)
{
    seer_gen_options o = SEER_GEN_OPTIONS_INIT;
    o.workload = wl;
    o.seed = seed;
    o.txs = txs;
    o.senders = senders;
    o.contention = p;
    seer_gen_block *b = NULL;
    int rc = seer_gen_block_new(&b, &o);
    ck_assert_msg(rc == 0, "gen %s seed %llu: %s: %s", wl, (unsigned long long)seed, seer_strerror(rc),
                  seer_error_detail());
    return b;
}

START_TEST(gen_deterministic)
{
    uint64_t seed = test_seed("test_gen");
    seer_gen_block *a = gen_block("mix", seed, 40, 6, 0.3), *b = gen_block("mix", seed, 40, 6, 0.3);
    seer_gen_block *c = gen_block("mix", seed + 1, 40, 6, 0.3);
    for (int f = 0; f < 3; f++) {
        size_t la, lb;
        const char *ja = seer_gen_block_json(a, (seer_gen_file)f, &la),
                   *jb = seer_gen_block_json(b, (seer_gen_file)f, &lb);
        ck_assert_uint_eq(la, lb);
        ck_assert_uint_gt(la, 2);
        ck_assert_mem_eq(ja, jb, la);
    }
    size_t la, lc;
    const char *ja = seer_gen_block_json(a, SEER_GEN_BLOCK_JSON, &la),
               *jc = seer_gen_block_json(c, SEER_GEN_BLOCK_JSON, &lc);
    ck_assert(la != lc || memcmp(ja, jc, la) != 0);
    ck_assert_ptr_null(seer_gen_block_json(a, (seer_gen_file)3, NULL));
    /* and on disk */
    char dir[] = "/tmp/seer_test_gen_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(seer_gen_block_write(a, dir), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/block.json", dir);
    FILE *fp = fopen(path, "rb");
    ck_assert_ptr_nonnull(fp);
    char *buf = malloc(la + 1);
    ck_assert_uint_eq(fread(buf, 1, la + 1, fp), la);
    fclose(fp);
    ck_assert_mem_eq(buf, ja, la);
    free(buf);
    const char *names[] = {"block.json", "pre_state.json", "bytecodes.json"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        ck_assert_int_eq(unlink(path), 0);
    }
    ck_assert_int_eq(rmdir(dir), 0);
    seer_gen_block_free(a);
    seer_gen_block_free(b);
    seer_gen_block_free(c);
}
END_TEST

START_TEST(gen_bad_options)
{
    seer_gen_options o = SEER_GEN_OPTIONS_INIT;
    seer_gen_block *b = NULL;
    o.workload = "nope";
    ck_assert_int_eq(seer_gen_block_new(&b, &o), SEER_EINVAL);
    ck_assert(strstr(seer_error_detail(), "nope"));
    o = (seer_gen_options)SEER_GEN_OPTIONS_INIT;
    o.txs = 0;
    ck_assert_int_eq(seer_gen_block_new(&b, &o), SEER_EINVAL);
    o = (seer_gen_options)SEER_GEN_OPTIONS_INIT;
    o.senders = o.txs + 1;
    ck_assert_int_eq(seer_gen_block_new(&b, &o), SEER_EINVAL);
    o = (seer_gen_options)SEER_GEN_OPTIONS_INIT;
    o.contention = 1.5;
    ck_assert_int_eq(seer_gen_block_new(&b, &o), SEER_EINVAL);
    o = (seer_gen_options)SEER_GEN_OPTIONS_INIT;
    memset(o.weights, 0, sizeof o.weights);
    ck_assert_int_eq(seer_gen_block_new(&b, &o), SEER_EINVAL);
    o = (seer_gen_options)SEER_GEN_OPTIONS_INIT;
    o.version = 99;
    ck_assert_int_eq(seer_gen_block_new(&b, &o), SEER_EINVAL);
    ck_assert_ptr_null(b);
}
END_TEST

/* Re-executes a generated block from its JSON text alone, as a reader of
 * the mainnet fixtures would: load pre_state + bytecodes, rebuild each
 * transaction from its fields, recover its sender from the signature
 * (checked against "from") and its hash (checked against "hash"), execute
 * it, and require status 1; then the header's gasUsed and stateRoot.
 * Optionally counts the transactions whose actual access set touches
 * `hot` (any key of that address, or the storage slot `hot_slot`). */
/* Called after each replayed transaction with its actual access set and
 * the block's pre-state (unchanged by the replay). */
typedef void (*replay_fn)(void *ctx, size_t i, const seer_tx *tx, const seer_key *reads, size_t nr,
                          const seer_key *writes, size_t nw, seer_memstore *pre);

static void replay_full(const seer_gen_block *blk, const char *wl, const seer_address *hot,
                        const uint8_t *hot_slot, size_t *nhot, replay_fn cb, void *cb_ctx)
{
    const char *F = wl;
    json_object *block = json_tokener_parse(seer_gen_block_json(blk, SEER_GEN_BLOCK_JSON, NULL));
    json_object *pre = json_tokener_parse(seer_gen_block_json(blk, SEER_GEN_PRE_STATE_JSON, NULL));
    json_object *codes = json_tokener_parse(seer_gen_block_json(blk, SEER_GEN_BYTECODES_JSON, NULL));
    ck_assert_ptr_nonnull(block);
    ck_assert_ptr_nonnull(pre);
    ck_assert_ptr_nonnull(codes);
    seer_memstore *st;
    ck_assert_int_eq(seer_memstore_new(&st), 0);
    ck_assert_msg(seer_json_load_mainnet_pre(st, pre, "pre_state.json", codes, "bytecodes.json") == 0, "%s",
                  seer_error_detail());
    seer_memstore *pre_st = NULL;
    if (cb)
        ck_assert_int_eq(seer_memstore_clone(&pre_st, st), 0);
    json_object *v;
    seer_block_env env;
    memset(&env, 0, sizeof env);
    env.fork = SEER_FORK_CANCUN;
    env.chain_id = 1;
    uint64_t want_gas;
    seer_bytes32 want_root, got_root;
    ck_assert_int_eq(seer_json_get(&v, block, F, "miner"), 0);
    ck_assert_int_eq(seer_json_address(&env.coinbase, v, F, "miner"), 0);
    ck_assert_int_eq(seer_json_get(&v, block, F, "number"), 0);
    ck_assert_int_eq(seer_json_u64(&env.number, v, F, "number"), 0);
    ck_assert_int_eq(seer_json_get(&v, block, F, "timestamp"), 0);
    ck_assert_int_eq(seer_json_u64(&env.timestamp, v, F, "timestamp"), 0);
    ck_assert_uint_ge(env.timestamp, 1710338135); /* Cancun */
    ck_assert_int_eq(seer_json_get(&v, block, F, "gasLimit"), 0);
    ck_assert_int_eq(seer_json_u64(&env.gas_limit, v, F, "gasLimit"), 0);
    ck_assert_int_eq(seer_json_get(&v, block, F, "baseFeePerGas"), 0);
    ck_assert_int_eq(seer_json_u256(&env.base_fee, v, F, "baseFeePerGas"), 0);
    ck_assert_int_eq(seer_json_get(&v, block, F, "mixHash"), 0);
    seer_bytes32 mix;
    ck_assert_int_eq(seer_json_bytes32(&mix, v, F, "mixHash"), 0);
    u256_from_be32(&env.prev_randao, mix.bytes);
    ck_assert_int_eq(seer_json_get(&v, block, F, "gasUsed"), 0);
    ck_assert_int_eq(seer_json_u64(&want_gas, v, F, "gasUsed"), 0);
    ck_assert_int_eq(seer_json_get(&v, block, F, "stateRoot"), 0);
    ck_assert_int_eq(seer_json_bytes32(&want_root, v, F, "stateRoot"), 0);
    json_object *txs;
    ck_assert_int_eq(seer_json_get(&txs, block, F, "transactions"), 0);
    seer_state_reader r = seer_memstore_reader(st);
    seer_world *w;
    ck_assert_int_eq(seer_world_create(&w, &r, &env), 0);
    uint64_t gas = 0;
    size_t hot_count = 0, n = json_object_array_length(txs);
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(txs, i);
        seer_tx tx;
        memset(&tx, 0, sizeof tx);
        tx.type = 2;
        tx.has_chain_id = true;
        tx.has_to = true;
        ck_assert_int_eq(seer_json_get(&v, t, F, "chainId"), 0);
        ck_assert_int_eq(seer_json_u64(&tx.chain_id, v, F, "chainId"), 0);
        ck_assert_int_eq(seer_json_get(&v, t, F, "nonce"), 0);
        ck_assert_int_eq(seer_json_u64(&tx.nonce, v, F, "nonce"), 0);
        ck_assert_int_eq(seer_json_get(&v, t, F, "gas"), 0);
        ck_assert_int_eq(seer_json_u64(&tx.gas_limit, v, F, "gas"), 0);
        ck_assert_int_eq(seer_json_get(&v, t, F, "maxFeePerGas"), 0);
        ck_assert_int_eq(seer_json_u256(&tx.max_fee, v, F, "maxFeePerGas"), 0);
        tx.gas_price = tx.max_fee;
        ck_assert_int_eq(seer_json_get(&v, t, F, "maxPriorityFeePerGas"), 0);
        ck_assert_int_eq(seer_json_u256(&tx.max_priority_fee, v, F, "maxPriorityFeePerGas"), 0);
        ck_assert_int_eq(seer_json_get(&v, t, F, "to"), 0);
        ck_assert_int_eq(seer_json_address(&tx.to, v, F, "to"), 0);
        ck_assert_int_eq(seer_json_get(&v, t, F, "value"), 0);
        ck_assert_int_eq(seer_json_u256(&tx.value, v, F, "value"), 0);
        ck_assert_int_eq(seer_json_get(&v, t, F, "input"), 0);
        ck_assert_int_eq(seer_json_bytes(&tx.data, &tx.data_len, v, F, "input"), 0);
        ck_assert_int_eq(seer_json_get(&v, t, F, "yParity"), 0);
        ck_assert_int_eq(seer_json_u256(&tx.v, v, F, "yParity"), 0);
        ck_assert_int_eq(seer_json_get(&v, t, F, "r"), 0);
        ck_assert_int_eq(seer_json_u256(&tx.r, v, F, "r"), 0);
        ck_assert_int_eq(seer_json_get(&v, t, F, "s"), 0);
        ck_assert_int_eq(seer_json_u256(&tx.s, v, F, "s"), 0);
        ck_assert_msg(seer_tx_recover_sender(&tx, SEER_FORK_CANCUN) == 0, "%s tx %zu: %s", wl, i,
                      seer_error_detail());
        seer_address from;
        seer_bytes32 hash, got_hash;
        ck_assert_int_eq(seer_json_get(&v, t, F, "from"), 0);
        ck_assert_int_eq(seer_json_address(&from, v, F, "from"), 0);
        ck_assert_mem_eq(from.bytes, tx.sender.bytes, 20);
        uint8_t *raw;
        size_t raw_len;
        ck_assert_int_eq(seer_tx_encode(&raw, &raw_len, &tx), 0);
        seer_keccak256(got_hash.bytes, raw, raw_len);
        free(raw);
        ck_assert_int_eq(seer_json_get(&v, t, F, "hash"), 0);
        ck_assert_int_eq(seer_json_bytes32(&hash, v, F, "hash"), 0);
        ck_assert_mem_eq(hash.bytes, got_hash.bytes, 32);

        seer_tx_result res;
        memset(&res, 0, sizeof res);
        seer_world_reset(w);
        ck_assert_int_eq(seer_world_execute_tx(w, &res, &tx, gas), 0);
        ck_assert_msg(res.exception == NULL && res.status == SEER_STATUS_SUCCESS, "%s tx %zu: %s status %d",
                      wl, i, res.exception ? res.exception : "", (int)res.status);
        gas += res.gas_used;
        if (hot) {
            const seer_key *reads, *writes;
            size_t nr, nw;
            bool touched = false;
            ck_assert_int_eq(seer_world_access_set(w, &reads, &nr, &writes, &nw), 0);
            for (size_t k = 0; k < nr + nw && !touched; k++) {
                const seer_key *key = k < nr ? &reads[k] : &writes[k - nr];
                if (hot_slot)
                    touched = key->field == SEER_KEY_STORAGE && !memcmp(key->slot, hot_slot, 32);
                else
                    touched = !memcmp(key->addr, hot->bytes, 20);
            }
            hot_count += touched;
        }
        if (cb) {
            const seer_key *reads, *writes;
            size_t nr, nw;
            ck_assert_int_eq(seer_world_access_set(w, &reads, &nr, &writes, &nw), 0);
            cb(cb_ctx, i, &tx, reads, nr, writes, nw, pre_st);
        }
        const seer_changeset *cs;
        ck_assert_int_eq(seer_world_changeset(w, &cs), 0);
        ck_assert_int_eq(seer_memstore_apply(st, cs), 0);
        seer_tx_result_clear(&res);
        seer_tx_clear(&tx);
    }
    ck_assert_uint_eq(gas, want_gas);
    ck_assert_int_eq(seer_memstore_state_root(st, &got_root), 0);
    ck_assert_mem_eq(got_root.bytes, want_root.bytes, 32);
    if (nhot)
        *nhot = hot_count;
    seer_world_free(w);
    seer_memstore_free(st);
    seer_memstore_free(pre_st);
    json_object_put(block);
    json_object_put(pre);
    json_object_put(codes);
}

static void replay_key(const seer_gen_block *blk, const char *wl, const seer_address *hot,
                       const uint8_t *hot_slot, size_t *nhot)
{
    replay_full(blk, wl, hot, hot_slot, nhot, NULL, NULL);
}

static void replay(const seer_gen_block *blk, const char *wl, const seer_address *hot, size_t *nhot)
{
    replay_key(blk, wl, hot, NULL, nhot);
}

/* Every workload: a block whose every transaction succeeds when replayed
 * from the files. Prints a count per workload. */
START_TEST(gen_every_workload_replays)
{
    uint64_t seed = test_seed("test_gen");
    unsigned passed = 0, total = 0;
    for (const char *const *w = seer_gen_workloads(); *w; w++) {
        seer_gen_block *b = gen_block(*w, seed, 37, 5, 0.3);
        seer_gen_info info;
        ck_assert_int_eq(seer_gen_block_info(b, &info), 0);
        ck_assert_uint_eq(info.txs, 37);
        replay(b, *w, NULL, NULL);
        printf("test_gen: workload %-26s 37/37 transactions succeed, gasUsed %llu\n", *w,
               (unsigned long long)info.gas_used);
        seer_gen_block_free(b);
        passed++;
        total++;
    }
    printf("test_gen: %u/%u workloads replayed\n", passed, total);
    ck_assert_uint_eq(total, 12);
}
END_TEST

/* The contention knob: exactly round(P * N) transactions touch the hot
 * object, measured on the actual access sets of a replay. */
START_TEST(gen_contention)
{
    static const char *const wls[] = {"transfer", "swap", "nft-mint"};
    static const double ps[] = {0.0, 0.25, 0.5, 1.0};
    uint64_t seed = test_seed("test_gen");
    for (size_t i = 0; i < 3; i++) {
        for (size_t j = 0; j < 4; j++) {
            size_t n = 40;
            seer_gen_block *b = gen_block(wls[i], seed + j, n, 8, ps[j]);
            seer_gen_info info;
            ck_assert_int_eq(seer_gen_block_info(b, &info), 0);
            ck_assert(info.has_hot);
            size_t want = (size_t)(ps[j] * (double)n + 0.5), got;
            ck_assert_uint_eq(info.hot_txs, want);
            replay(b, wls[i], &info.hot, &got);
            printf("test_gen: contention %-8s P=%.2f: %zu/%zu transactions touch the hot object\n", wls[i],
                   ps[j], got, n);
            ck_assert_uint_eq(got, want);
            seer_gen_block_free(b);
        }
    }
    /* erc20: the hot object is a recipient, whose token balance slot
     * keccak(hot . 0) is the contended key */
    for (size_t j = 0; j < 4; j++) {
        seer_gen_block *b = gen_block("erc20", seed + j, 40, 8, ps[j]);
        seer_gen_info info;
        ck_assert_int_eq(seer_gen_block_info(b, &info), 0);
        uint8_t slot[32];
        seer_gen_map_slot_addr(slot, &info.hot, SEER_ERC20_SLOT_BALANCES);
        size_t want = (size_t)(ps[j] * 40.0 + 0.5), got;
        ck_assert_uint_eq(info.hot_txs, want);
        replay_key(b, "erc20", &info.hot, slot, &got);
        printf("test_gen: contention %-8s P=%.2f: %zu/40 transactions touch the hot balance slot\n", "erc20",
               ps[j], got);
        ck_assert_uint_eq(got, want);
        seer_gen_block_free(b);
    }
    /* every transaction of adversarial-hot-key touches the counter */
    seer_gen_block *b = gen_block("adversarial-hot-key", seed, 20, 4, 0.0);
    seer_gen_info info;
    ck_assert_int_eq(seer_gen_block_info(b, &info), 0);
    size_t got;
    replay(b, "adversarial-hot-key", &info.hot, &got);
    ck_assert_uint_eq(got, 20);
    seer_gen_block_free(b);
}
END_TEST

/* What makes the adversarial blocks adversarial, checked on the actual
 * access sets against the pre-block state. */
typedef struct adv_stats {
    size_t storage_moved;  /* a storage write at a slot that the pre-state's pointer does not name */
    size_t storage_kept;   /* a bump at the slot the pre-state's pointer names */
    size_t code_appeared;  /* calls to an address without code before the block */
    size_t coinbase_reads; /* reads of the coinbase balance */
    seer_address coinbase, first_from;
    size_t same_from, txs;
} adv_stats;

static void adv_cb(void *ctx, size_t i, const seer_tx *tx, const seer_key *reads, size_t nr,
                   const seer_key *writes, size_t nw, seer_memstore *pre)
{
    adv_stats *a = ctx;
    a->txs++;
    if (i == 0)
        a->first_from = tx->sender;
    a->same_from += !memcmp(&a->first_from, &tx->sender, 20);
    seer_account acct;
    ck_assert_int_eq(seer_memstore_get_account(pre, &acct, &tx->to), 0);
    bool had_code = acct.exists && memcmp(&acct.code_hash, &SEER_EMPTY_CODE_HASH, 32) != 0;
    if (!had_code && acct.nonce == 0 && tx->data_len == 0 && !tx->value.w[0]) {
        /* a call with no value and no data to a codeless account changes
         * storage only when code appeared there during the block */
        for (size_t k = 0; k < nw; k++)
            a->code_appeared +=
                writes[k].field == SEER_KEY_STORAGE && !memcmp(writes[k].addr, tx->to.bytes, 20);
    }
    if (tx->data_len == 4 && tx->data[0] == 0x68) { /* bump(): storage[sload(0)] += 1 */
        u256 ptr, zero = U256_ZERO;
        ck_assert_int_eq(seer_memstore_get_storage(pre, &ptr, &tx->to, &zero), 0);
        uint8_t pslot[32];
        u256_to_be32(pslot, &ptr);
        for (size_t k = 0; k < nw; k++) {
            if (writes[k].field != SEER_KEY_STORAGE)
                continue;
            bool moved = memcmp(writes[k].slot, pslot, 32) != 0;
            a->storage_moved += moved;
            a->storage_kept += !moved;
        }
    }
    for (size_t k = 0; k < nr; k++)
        a->coinbase_reads +=
            reads[k].field == SEER_KEY_BALANCE && !memcmp(reads[k].addr, a->coinbase.bytes, 20);
}

START_TEST(gen_adversarial_properties)
{
    uint64_t seed = test_seed("test_gen");
    static const char *const wls[] = {"adversarial-storage",      "adversarial-create2",
                                      "adversarial-selfdestruct", "adversarial-coinbase",
                                      "adversarial-nonce-chain",  "adversarial-mix"};
    for (size_t i = 0; i < sizeof wls / sizeof wls[0]; i++) {
        seer_gen_block *b = gen_block(wls[i], seed, 30, 6, 0.0);
        adv_stats a;
        memset(&a, 0, sizeof a);
        json_object *blk = json_tokener_parse(seer_gen_block_json(b, SEER_GEN_BLOCK_JSON, NULL)), *v;
        ck_assert_int_eq(seer_json_get(&v, blk, wls[i], "miner"), 0);
        ck_assert_int_eq(seer_json_address(&a.coinbase, v, wls[i], "miner"), 0);
        json_object_put(blk);
        replay_full(b, wls[i], NULL, NULL, NULL, adv_cb, &a);
        printf("test_gen: %-26s moved keys %zu, code appeared %zu, coinbase reads %zu, same sender %zu/%zu\n",
               wls[i], a.storage_moved, a.code_appeared, a.coinbase_reads, a.same_from, a.txs);
        ck_assert_uint_eq(a.txs, 30);
        if (!strcmp(wls[i], "adversarial-storage")) {
            ck_assert_uint_gt(a.storage_moved, 5);
            ck_assert_uint_ge(a.storage_kept, 1); /* the first bump precedes every set() */
        }
        if (!strcmp(wls[i], "adversarial-create2") || !strcmp(wls[i], "adversarial-selfdestruct"))
            ck_assert_uint_gt(a.code_appeared, 5);
        if (!strcmp(wls[i], "adversarial-coinbase"))
            ck_assert_uint_eq(a.coinbase_reads, 15);
        if (!strcmp(wls[i], "adversarial-nonce-chain"))
            ck_assert_uint_eq(a.same_from, 30);
        if (!strcmp(wls[i], "adversarial-mix"))
            ck_assert(a.storage_moved > 0 && a.code_appeared > 0 && a.coinbase_reads > 0);
        seer_gen_block_free(b);
    }
}
END_TEST

/* The public assembler entry point matches the internal one, and the
 * initcode form deploys the runtime. */
START_TEST(public_assemble)
{
    uint8_t *code;
    size_t len;
    ck_assert_int_eq(seer_gen_assemble(&code, &len, "PUSH 1 PUSH0 SSTORE", false), 0);
    ck_assert_uint_eq(len, 4);
    seer_gen_bytes_free(code);
    ck_assert_int_eq(seer_gen_assemble(&code, &len, "PUSH 1 PUSH0 SSTORE", true), 0);
    ck_assert_uint_eq(len, 15);
    ck_assert_uint_eq(code[0], 0x61);
    seer_gen_bytes_free(code);
    ck_assert_int_eq(seer_gen_assemble(&code, &len, "JUMPX", false), SEER_EPARSE);
}
END_TEST

/* The CLI (make check sets SEER_BIN): seer gen twice with one seed gives
 * identical files, another seed different ones; seer asm prints hex and
 * exits 1 on a source error with the line in the message. */
static int sh(const char *fmt, const char *a, const char *b)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, a, b, a, b);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(cli_gen_and_asm)
{
    const char *bin = getenv("SEER_BIN");
    char dir[] = "/tmp/seer_test_gen_cli_XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *gen2 =
        "%s gen --workload swap --txs 30 --senders 4 --contention 0.5 --seed 9 --out %s/a 2>/dev/null && "
        "%s gen --workload swap --txs 30 --senders 4 --contention 0.5 --seed 9 --out %s/b 2>/dev/null";
    ck_assert_int_eq(sh(gen2, bin, dir), 0);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cmp -s %s/a/block.json %s/b/block.json && cmp -s %s/a/pre_state.json %s/b/pre_state.json"
             " && cmp -s %s/a/bytecodes.json %s/b/bytecodes.json",
             dir, dir, dir, dir, dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd,
             "%s gen --workload swap --txs 30 --senders 4 --contention 0.5 --seed 10 --out %s/c "
             "2>/dev/null && ! cmp -s %s/a/block.json %s/c/block.json",
             bin, dir, dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s gen --workload nope --out %s/d 2>/dev/null", bin, dir);
    ck_assert_int_eq(WEXITSTATUS(system(cmd)), 2);
    snprintf(cmd, sizeof cmd, "printf 'x: @x JUMP\\n' | %s asm - > %s/asm.out", bin, dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "grep -qx 0x5b61000056 %s/asm.out", dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "printf 'ADD\\nFOO\\n' | %s asm - 2> %s/asm.err", bin, dir);
    ck_assert_int_eq(WEXITSTATUS(system(cmd)), 1);
    snprintf(cmd, sizeof cmd, "grep -q \"line 2: unknown mnemonic 'FOO'\" %s/asm.err", dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *gen_suite(void)
{
    Suite *s = suite_create("gen");
    TCase *tc = tcase_create("asm");
    tcase_add_test(tc, asm_push_widths);
    tcase_add_test(tc, asm_every_opcode);
    tcase_add_test(tc, asm_labels_and_data);
    tcase_add_test(tc, asm_errors_name_lines);
    tcase_add_test(tc, asm_initcode_layout);
    tcase_add_test(tc, public_assemble);
    suite_add_tcase(s, tc);
    tc = tcase_create("contracts");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, selectors_are_solidity);
    tcase_add_test(tc, erc20_effects);
    tcase_add_test(tc, swap_effects);
    tcase_add_test(tc, nft_effects);
    tcase_add_test(tc, adversarial_effects);
    suite_add_tcase(s, tc);
    tc = tcase_create("generator");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, gen_deterministic);
    tcase_add_test(tc, gen_bad_options);
    tcase_add_test(tc, gen_every_workload_replays);
    tcase_add_test(tc, gen_contention);
    tcase_add_test(tc, gen_adversarial_properties);
    suite_add_tcase(s, tc);
    const char *bin = getenv("SEER_BIN");
    if (bin && *bin && access(bin, X_OK) == 0) {
        tc = tcase_create("cli");
        tcase_set_timeout(tc, 120);
        tcase_add_test(tc, cli_gen_and_asm);
        suite_add_tcase(s, tc);
    } else {
        printf("test_gen: SEER_BIN not set or not executable: the cli TCase is not run (not counted)\n");
    }
    return s;
}

int main(void)
{
    test_seed("test_gen");
    return test_run_suite(gen_suite());
}

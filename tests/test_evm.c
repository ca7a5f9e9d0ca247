/* Interpreter tests: exact gas per opcode and per EIP across forks, halts,
 * static mode, soft call failures, deep recursion, code analysis and the
 * analysis cache. A mock host (arrays) stands in for the world. */
#include "tests/test_util.h"

#include "common/keccak.h"
#include "common/util.h"
#include "vm/analysis.h"
#include "vm/fork_table.h"
#include "vm/interp.h"
#include "vm/opcodes.h"

#include <pthread.h>
#include <stdbool.h>

/* ---------------------------------------------------------------- assembler */

/* Assembles "PUSH1 0x01 PUSH2 0x0203 ADD" (mnemonics from the X-macro).
 * After PUSHn the next token is a hex number, left-padded to n bytes.
 * "#hex" emits raw bytes. Returns the size. */
static size_t assemble(uint8_t *out, size_t cap, const char *src)
{
    size_t n = 0;
    char tok[256];
    const char *p = src;
    while (*p) {
        while (*p == ' ' || *p == '\n')
            p++;
        if (!*p)
            break;
        size_t len = 0;
        while (p[len] && p[len] != ' ' && p[len] != '\n')
            len++;
        ck_assert_uint_lt(len, sizeof tok);
        memcpy(tok, p, len);
        tok[len] = 0;
        p += len;
        if (tok[0] == '#') {
            for (size_t i = 1; i + 1 < len + 1 && tok[i]; i += 2) {
                unsigned v;
                ck_assert_int_eq(sscanf(tok + i, "%2x", &v), 1);
                ck_assert_uint_lt(n, cap);
                out[n++] = (uint8_t)v;
            }
            continue;
        }
        int op = -1;
        for (int i = 0; i < 256; i++) {
            const char *nm = seer_opcode_name((unsigned)i);
            if (nm && strcmp(nm, tok) == 0) {
                op = i;
                break;
            }
        }
        ck_assert_msg(op >= 0, "unknown mnemonic %s", tok);
        ck_assert_uint_lt(n, cap);
        out[n++] = (uint8_t)op;
        unsigned imm = seer_opcode_immediate((unsigned)op);
        if (imm) {
            while (*p == ' ')
                p++;
            ck_assert_msg(p[0] == '0' && p[1] == 'x', "PUSH needs a 0x value: %s", p);
            p += 2;
            size_t hl = 0;
            while (p[hl] && p[hl] != ' ' && p[hl] != '\n')
                hl++;
            uint8_t val[64] = {0};
            size_t nb = (hl + 1) / 2;
            ck_assert_uint_le(nb, imm);
            for (size_t i = 0; i < hl; i++) {
                char c = p[hl - 1 - i];
                unsigned d = (unsigned)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
                val[imm - 1 - i / 2] |= (uint8_t)(i % 2 ? d << 4 : d);
            }
            p += hl;
            ck_assert_uint_le(n + imm, cap);
            memcpy(out + n, val, imm);
            n += imm;
        }
    }
    return n;
}

/* ---------------------------------------------------------------- mock host */

typedef struct mock_acct {
    seer_address addr;
    u256 balance;
    uint64_t nonce;
    const uint8_t *code;
    size_t code_size;
} mock_acct;

typedef struct mock_slot {
    seer_address addr;
    u256 key, orig, cur;
    bool transient;
} mock_slot;

typedef struct mock {
    mock_acct accts[16];
    int nacct;
    mock_slot slots[1024];
    int nslot;
    seer_address warm_accts[1024];
    int nwarm;
    struct {
        seer_address a;
        u256 k;
    } warm_slots[1024];
    int nwarm_slots;
    seer_tx_context txc;
    seer_bytes32 blob_hashes[2];
    /* calls */
    int ncalls;
    seer_message last_call;
    seer_result call_result; /* returned when !recurse; gas_left -1 means "all of msg.gas" */
    uint8_t call_output[64];
    /* recursion */
    bool recurse;
    const seer_code *rec_code;
    const seer_vm_config *rec_cfg;
    int32_t max_depth;
    /* logs, selfdestruct */
    int nlogs;
    size_t last_log_size;
    size_t last_log_topics;
    seer_bytes32 last_topic0;
    int nselfdestruct;
    bool sd_first;
    uint64_t blockhash_asked;
} mock;

static mock *M(void *ctx)
{
    return (mock *)ctx;
}

static bool addr_eq(const seer_address *a, const seer_address *b)
{
    return memcmp(a->bytes, b->bytes, 20) == 0;
}

static seer_address mkaddr(uint8_t last)
{
    seer_address a;
    memset(&a, 0, sizeof a);
    a.bytes[19] = last;
    return a;
}

static mock_acct *find_acct(mock *m, const seer_address *a)
{
    for (int i = 0; i < m->nacct; i++)
        if (addr_eq(&m->accts[i].addr, a))
            return &m->accts[i];
    return NULL;
}

static mock_acct *add_acct(mock *m, uint8_t last, uint64_t balance, uint64_t nonce)
{
    mock_acct *a = &m->accts[m->nacct++];
    memset(a, 0, sizeof *a);
    a->addr = mkaddr(last);
    a->balance = u256_from_u64(balance);
    a->nonce = nonce;
    return a;
}

static mock_slot *find_slot(mock *m, const seer_address *a, const u256 *k, bool transient)
{
    for (int i = 0; i < m->nslot; i++)
        if (m->slots[i].transient == transient && addr_eq(&m->slots[i].addr, a) &&
            u256_eq(&m->slots[i].key, k))
            return &m->slots[i];
    return NULL;
}

static mock_slot *get_slot(mock *m, const seer_address *a, const u256 *k, bool transient)
{
    mock_slot *s = find_slot(m, a, k, transient);
    if (!s) {
        ck_assert_int_lt(m->nslot, 1024);
        s = &m->slots[m->nslot++];
        memset(s, 0, sizeof *s);
        s->addr = *a;
        s->key = *k;
        s->transient = transient;
    }
    return s;
}

static void set_orig(mock *m, uint8_t addr, uint64_t key, uint64_t orig, uint64_t cur)
{
    seer_address a = mkaddr(addr);
    u256 k = u256_from_u64(key);
    mock_slot *s = get_slot(m, &a, &k, false);
    s->orig = u256_from_u64(orig);
    s->cur = u256_from_u64(cur);
}

static bool mh_account_exists(void *ctx, const seer_address *a)
{
    return find_acct(M(ctx), a) != NULL;
}

static bool mh_account_is_empty(void *ctx, const seer_address *a)
{
    mock_acct *x = find_acct(M(ctx), a);
    return x && x->nonce == 0 && u256_is_zero(&x->balance) && x->code_size == 0;
}

static void mh_get_storage(void *ctx, u256 *out, const seer_address *a, const u256 *k)
{
    mock_slot *s = find_slot(M(ctx), a, k, false);
    *out = s ? s->cur : U256_ZERO;
}

/* EIP-1283 / EIP-2200 classification (as EVMC defines the statuses). */
static seer_storage_status mh_set_storage(void *ctx, const seer_address *a, const u256 *k, const u256 *v)
{
    mock_slot *s = get_slot(M(ctx), a, k, false);
    u256 o = s->orig, c = s->cur;
    seer_storage_status st;
    if (u256_eq(&c, v))
        st = SEER_STORAGE_ASSIGNED;
    else if (u256_eq(&o, &c))
        st = u256_is_zero(&o)  ? SEER_STORAGE_ADDED
             : u256_is_zero(v) ? SEER_STORAGE_DELETED
                               : SEER_STORAGE_MODIFIED;
    else if (!u256_is_zero(&o)) {
        if (u256_is_zero(&c))
            st = u256_eq(v, &o) ? SEER_STORAGE_DELETED_RESTORED : SEER_STORAGE_DELETED_ADDED;
        else if (u256_is_zero(v))
            st = SEER_STORAGE_MODIFIED_DELETED;
        else
            st = u256_eq(v, &o) ? SEER_STORAGE_MODIFIED_RESTORED : SEER_STORAGE_ASSIGNED;
    } else {
        st = u256_is_zero(v) ? SEER_STORAGE_ADDED_DELETED : SEER_STORAGE_ASSIGNED;
    }
    s->cur = *v;
    return st;
}

static void mh_get_original_storage(void *ctx, u256 *out, const seer_address *a, const u256 *k)
{
    mock_slot *s = find_slot(M(ctx), a, k, false);
    *out = s ? s->orig : U256_ZERO;
}

static void mh_get_balance(void *ctx, u256 *out, const seer_address *a)
{
    mock_acct *x = find_acct(M(ctx), a);
    *out = x ? x->balance : U256_ZERO;
}

static size_t mh_get_code_size(void *ctx, const seer_address *a)
{
    mock_acct *x = find_acct(M(ctx), a);
    return x ? x->code_size : 0;
}

static void mh_get_code_hash(void *ctx, seer_bytes32 *out, const seer_address *a)
{
    mock_acct *x = find_acct(M(ctx), a);
    memset(out, 0, sizeof *out);
    if (x)
        seer_keccak256(out->bytes, x->code ? x->code : (const uint8_t *)"", x->code_size);
}

static size_t mh_copy_code(void *ctx, const seer_address *a, size_t off, uint8_t *buf, size_t size)
{
    mock_acct *x = find_acct(M(ctx), a);
    if (!x || off >= x->code_size)
        return 0;
    size_t n = x->code_size - off < size ? x->code_size - off : size;
    memcpy(buf, x->code + off, n);
    return n;
}

static bool mh_selfdestruct(void *ctx, const seer_address *a, const seer_address *b)
{
    M(ctx)->nselfdestruct++;
    return M(ctx)->sd_first;
}

static const seer_host_vt mock_vt;

static seer_result mh_call(void *ctx, const seer_message *msg)
{
    mock *m = M(ctx);
    m->ncalls++;
    m->last_call = *msg;
    if (msg->depth > m->max_depth)
        m->max_depth = msg->depth;
    if (m->recurse) {
        seer_host h = {&mock_vt, ctx};
        seer_result r = seer_vm_execute(&h, m->rec_cfg, msg, m->rec_code);
        free((void *)r.output_data);
        r.output_data = NULL;
        r.output_size = 0;
        return r;
    }
    seer_result r = m->call_result;
    if (r.gas_left < 0)
        r.gas_left = msg->gas;
    r.output_data = m->call_output;
    return r;
}

static const seer_tx_context *mh_get_tx_context(void *ctx)
{
    return &M(ctx)->txc;
}

static void mh_get_block_hash(void *ctx, seer_bytes32 *out, uint64_t number)
{
    M(ctx)->blockhash_asked = number;
    memset(out, 0, sizeof *out);
    out->bytes[31] = (uint8_t)number;
    out->bytes[0] = 0xbb;
}

static void mh_emit_log(void *ctx, const seer_address *a, const uint8_t *data, size_t size,
                        const seer_bytes32 topics[], size_t ntopics)
{
    mock *m = M(ctx);
    m->nlogs++;
    m->last_log_size = size;
    m->last_log_topics = ntopics;
    if (ntopics)
        m->last_topic0 = topics[0];
}

static seer_access_status mh_access_account(void *ctx, const seer_address *a)
{
    mock *m = M(ctx);
    for (int i = 0; i < m->nwarm; i++)
        if (addr_eq(&m->warm_accts[i], a))
            return SEER_ACCESS_WARM;
    ck_assert_int_lt(m->nwarm, 1024);
    m->warm_accts[m->nwarm++] = *a;
    return SEER_ACCESS_COLD;
}

static seer_access_status mh_access_storage(void *ctx, const seer_address *a, const u256 *k)
{
    mock *m = M(ctx);
    for (int i = 0; i < m->nwarm_slots; i++)
        if (addr_eq(&m->warm_slots[i].a, a) && u256_eq(&m->warm_slots[i].k, k))
            return SEER_ACCESS_WARM;
    ck_assert_int_lt(m->nwarm_slots, 1024);
    m->warm_slots[m->nwarm_slots].a = *a;
    m->warm_slots[m->nwarm_slots].k = *k;
    m->nwarm_slots++;
    return SEER_ACCESS_COLD;
}

static void mh_get_transient(void *ctx, u256 *out, const seer_address *a, const u256 *k)
{
    mock_slot *s = find_slot(M(ctx), a, k, true);
    *out = s ? s->cur : U256_ZERO;
}

static void mh_set_transient(void *ctx, const seer_address *a, const u256 *k, const u256 *v)
{
    get_slot(M(ctx), a, k, true)->cur = *v;
}

static const seer_host_vt mock_vt = {
    .account_exists = mh_account_exists,
    .account_is_empty = mh_account_is_empty,
    .get_storage = mh_get_storage,
    .set_storage = mh_set_storage,
    .get_original_storage = mh_get_original_storage,
    .get_balance = mh_get_balance,
    .get_code_size = mh_get_code_size,
    .get_code_hash = mh_get_code_hash,
    .copy_code = mh_copy_code,
    .selfdestruct = mh_selfdestruct,
    .call = mh_call,
    .get_tx_context = mh_get_tx_context,
    .get_block_hash = mh_get_block_hash,
    .emit_log = mh_emit_log,
    .access_account = mh_access_account,
    .access_storage = mh_access_storage,
    .get_transient_storage = mh_get_transient,
    .set_transient_storage = mh_set_transient,
};

#define SELF        0xaa
#define CALLER_ADDR 0xcc
#define OTHER       0xbb

static void mock_init(mock *m)
{
    memset(m, 0, sizeof *m);
    add_acct(m, SELF, 1000000, 1);
    add_acct(m, CALLER_ADDR, 1000000, 1);
    m->txc.number = 1000;
    m->txc.timestamp = 1234;
    m->txc.gas_limit = 30000000;
    m->txc.chain_id = u256_from_u64(1);
    m->txc.base_fee = u256_from_u64(7);
    m->txc.blob_base_fee = u256_from_u64(9);
    m->txc.origin = mkaddr(CALLER_ADDR);
    m->txc.coinbase = mkaddr(0xc0);
    m->txc.prev_randao = u256_from_u64(0x1234);
    memset(m->blob_hashes, 0x11, sizeof m->blob_hashes);
    m->blob_hashes[1].bytes[0] = 0x22;
    m->txc.blob_hashes = m->blob_hashes;
    m->txc.blob_hashes_count = 2;
    m->call_result.status = SEER_STATUS_SUCCESS;
    m->call_result.gas_left = -1;
    m->sd_first = true;
}

/* Runs `src` in `m` as SELF called by CALLER_ADDR. The caller frees
 * r.output_data. */
typedef struct run_opts {
    uint32_t flags;
    int32_t depth;
    const uint8_t *input;
    size_t input_size;
    u256 value;
    const seer_tracer *tracer;
} run_opts;

static seer_result run_opt(mock *m, seer_fork fork, const char *src, int64_t gas, const run_opts *o)
{
    static uint8_t buf[70000];
    size_t n = assemble(buf, sizeof buf, src);
    seer_code *code = NULL;
    ck_assert_int_eq(seer_code_analyze(&code, buf, n), 0);
    seer_host h = {&mock_vt, m};
    seer_vm_config cfg = {.fork = fork, .tracer = o ? o->tracer : NULL};
    seer_message msg;
    memset(&msg, 0, sizeof msg);
    msg.kind = SEER_CALL;
    msg.gas = gas;
    msg.recipient = mkaddr(SELF);
    msg.code_address = mkaddr(SELF);
    msg.sender = mkaddr(CALLER_ADDR);
    if (o) {
        msg.flags = o->flags;
        msg.depth = o->depth;
        msg.input_data = o->input;
        msg.input_size = o->input_size;
        msg.value = o->value;
    }
    seer_result r = seer_vm_execute(&h, &cfg, &msg, code);
    seer_code_free(code);
    return r;
}

static seer_result run(mock *m, seer_fork fork, const char *src, int64_t gas)
{
    return run_opt(m, fork, src, gas, NULL);
}

/* Gas used by src on a fresh mock (SUCCESS required). */
static int64_t gas_of(seer_fork fork, const char *src)
{
    mock m;
    mock_init(&m);
    seer_result r = run(&m, fork, src, 1000000);
    ck_assert_msg(r.status == SEER_STATUS_SUCCESS, "%s: status %d", src, r.status);
    free((void *)r.output_data);
    return 1000000 - r.gas_left;
}

static seer_status status_of(seer_fork fork, const char *src, int64_t gas)
{
    mock m;
    mock_init(&m);
    seer_result r = run(&m, fork, src, gas);
    free((void *)r.output_data);
    if (r.status != SEER_STATUS_SUCCESS && r.status != SEER_STATUS_REVERT)
        ck_assert_int_eq(r.gas_left, 0);
    return r.status;
}

/* Returns word 0 of memory after running src + "PUSH1 0x20 PUSH1 0x00 RETURN"
 * (src must leave the value at memory 0). */
static u256 ret_word(seer_fork fork, const char *src)
{
    mock m;
    mock_init(&m);
    char full[2048];
    snprintf(full, sizeof full, "%s PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN", src);
    seer_result r = run(&m, fork, full, 1000000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_uint_eq(r.output_size, 32);
    u256 v;
    u256_from_be32(&v, r.output_data);
    free((void *)r.output_data);
    return v;
}

static uint64_t ret_u64(seer_fork fork, const char *src)
{
    u256 v = ret_word(fork, src);
    ck_assert_msg(u256_fits_u64(&v), "result does not fit 64 bits");
    return v.w[0];
}

/* ---------------------------------------------------------------- tests */

START_TEST(test_fork_tables)
{
    for (int f = SEER_FORK_FRONTIER; f <= SEER_FORK_CANCUN; f++) {
        const seer_fork_table *t = seer_fork_table_get((seer_fork)f);
        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(t->fork, f);
        if (f > 0) {
            /* A fork never removes an opcode. */
            const seer_fork_table *p = seer_fork_table_get((seer_fork)(f - 1));
            for (int op = 0; op < 256; op++)
                if (p->defined[op])
                    ck_assert_msg(t->defined[op], "fork %d drops op 0x%02x", f, op);
        }
    }
    ck_assert_ptr_null(seer_fork_table_get(SEER_FORK_PRAGUE));
    ck_assert_ptr_null(seer_fork_table_get(SEER_FORK_COUNT));
    const seer_fork_table *fr = seer_fork_table_get(SEER_FORK_FRONTIER);
    const seer_fork_table *ca = seer_fork_table_get(SEER_FORK_CANCUN);
    ck_assert(!fr->defined[SEER_OP_DELEGATECALL]);
    ck_assert(seer_fork_table_get(SEER_FORK_HOMESTEAD)->defined[SEER_OP_DELEGATECALL]);
    ck_assert_int_eq(fr->ops[SEER_OP_ADD].stack_req, 2);
    ck_assert_int_eq(fr->ops[SEER_OP_DUP16].stack_req, 16);
    ck_assert_int_eq(fr->ops[SEER_OP_DUP16].stack_max, 1023);
    ck_assert_int_eq(fr->ops[0x0c].stack_req, SEER_OP_UNDEFINED_REQ);
    ck_assert_str_eq(fr->names[SEER_OP_DIFFICULTY], "DIFFICULTY");
    ck_assert_str_eq(ca->names[SEER_OP_DIFFICULTY], "PREVRANDAO");
    ck_assert_str_eq(seer_opcode_name(SEER_OP_KECCAK256), "KECCAK256");
    ck_assert_ptr_null(seer_opcode_name(0x0c));
    ck_assert_int_eq(ca->refund_quotient, 5);
    ck_assert_int_eq(fr->refund_quotient, 2);
}
END_TEST

START_TEST(test_arith)
{
    seer_fork c = SEER_FORK_CANCUN;
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x03 PUSH1 0x05 SUB"), 2); /* 5 - 3 */
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x03 PUSH1 0x07 DIV"), 2); /* 7 / 3 */
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x03 PUSH1 0x07 MOD"), 1);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x03 PUSH1 0x05 LT"), 0);      /* 5 < 3 */
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x03 PUSH1 0x05 GT"), 1);      /* 5 > 3 */
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x01 PUSH1 0x00 NOT SLT"), 1); /* -1 < 1 */
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x01 PUSH1 0x00 NOT SGT"), 0);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x01 PUSH1 0x04 SHL"), 16);      /* shift (top) 4: 1 << 4 */
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x01 PUSH1 0x04 SWAP1 SHL"), 8); /* 4 << 1 */
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0xff PUSH1 0x04 SHR"), 0x0f);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x05 PUSH1 0x01 SUB PUSH1 0x00 EQ"), 0);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x00 ISZERO"), 1);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x0c PUSH1 0x0a AND"), 8);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x0c PUSH1 0x0a OR"), 14);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x0c PUSH1 0x0a XOR"), 6);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x0a PUSH1 0x03 PUSH1 0x04 ADDMOD"), 7);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x0a PUSH1 0x03 PUSH1 0x04 MULMOD"), 2);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x0a PUSH1 0x02 EXP"), 1024); /* 2 ** 10 */
    ck_assert_uint_eq(ret_u64(c, "PUSH2 0x1234 PUSH1 0x1e BYTE"), 0x12);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x7f PUSH1 0x00 SIGNEXTEND"), 0x7f);
    u256 m1 = ret_word(c, "PUSH1 0xff PUSH1 0x00 SIGNEXTEND");
    ck_assert(u256_eq(&m1, &U256_MAX));
    u256 wrap = ret_word(c, "PUSH1 0x01 PUSH1 0x00 SUB");
    ck_assert(u256_eq(&wrap, &U256_MAX));
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x01 PUSH1 0x00 NOT ADD"), 0);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x01 PUSH1 0x02 PUSH1 0x03 SWAP2 POP POP"), 3);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x01 PUSH1 0x02 DUP2 SWAP1 POP"), 1);
    u256 sar = ret_word(c, "PUSH1 0x00 NOT PUSH1 0x04 SAR"); /* -1 >> 4 */
    ck_assert(u256_eq(&sar, &U256_MAX));
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0xf0 PUSH1 0x04 SAR"), 0x0f);
}
END_TEST

START_TEST(test_gas_basic)
{
    ck_assert_int_eq(gas_of(SEER_FORK_FRONTIER, "PUSH1 0x01 PUSH1 0x02 ADD"), 9);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x01 PUSH1 0x02 MUL POP"), 3 + 3 + 5 + 2);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x01 PUSH1 0x02 PUSH1 0x03 ADDMOD"), 9 + 8);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "JUMPDEST PC MSIZE GAS"), 1 + 2 + 2 + 2);
    ck_assert_int_eq(gas_of(SEER_FORK_SHANGHAI, "PUSH0"), 2);
    ck_assert_int_eq(
        gas_of(SEER_FORK_CANCUN, "ADDRESS ORIGIN CALLER CALLVALUE CALLDATASIZE CODESIZE GASPRICE"), 7 * 2);
    ck_assert_int_eq(
        gas_of(SEER_FORK_CANCUN, "COINBASE TIMESTAMP NUMBER DIFFICULTY GASLIMIT CHAINID BASEFEE"), 7 * 2);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "SELFBALANCE BLOBBASEFEE PUSH1 0x00 BLOBHASH"), 5 + 2 + 3 + 3);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x00 BLOCKHASH"), 3 + 20);
    /* TLOAD/TSTORE (EIP-1153): 100 each. */
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x01 PUSH1 0x02 TSTORE PUSH1 0x02 TLOAD"),
                     3 + 3 + 100 + 3 + 100);
    /* EXP: 10 + 10/byte of exponent, 50/byte from EIP-160. */
    ck_assert_int_eq(gas_of(SEER_FORK_HOMESTEAD, "PUSH2 0x0100 PUSH1 0x02 EXP"), 6 + 10 + 2 * 10);
    ck_assert_int_eq(gas_of(SEER_FORK_TANGERINE_WHISTLE, "PUSH2 0x0100 PUSH1 0x02 EXP"), 6 + 10 + 2 * 10);
    ck_assert_int_eq(gas_of(SEER_FORK_SPURIOUS_DRAGON, "PUSH2 0x0100 PUSH1 0x02 EXP"), 6 + 10 + 2 * 50);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x00 PUSH1 0x02 EXP"), 6 + 10);
    /* KECCAK256: 30 + 6/word + memory. */
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x21 PUSH1 0x00 KECCAK256"), 6 + 30 + 2 * 6 + 2 * 3);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x00 PUSH1 0x00 KECCAK256"), 6 + 30);
    /* LOG: 375 + 375/topic + 8/byte + memory. */
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x07 PUSH1 0x05 PUSH1 0x02 PUSH1 0x00 LOG2"),
                     12 + 375 * 3 + 8 * 2 + 3);
    /* Copies: 3 + 3/word + memory. */
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x40 PUSH1 0x00 PUSH1 0x00 CALLDATACOPY"),
                     9 + 3 + 6 + 6);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x20 PUSH1 0x00 PUSH1 0x20 MCOPY"), 9 + 3 + 3 + 6);
}
END_TEST

START_TEST(test_memory_expansion)
{
    /* 3 words + words^2/512, charged on the high-water mark only. */
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x01 PUSH1 0x00 MSTORE"), 6 + 3 + 3);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x01 PUSH1 0x01 MSTORE"), 6 + 3 + 6);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x01 PUSH1 0x00 MSTORE8"), 6 + 3 + 3);
    /* 1024 words: 3*1024 + 1024*1024/512 = 5120. */
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH2 0x7fe0 MLOAD"), 3 + 3 + 5120);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH2 0x7fe0 MLOAD POP PUSH1 0x00 MLOAD"),
                     3 + 3 + 5120 + 2 + 3 + 3);
    ck_assert_uint_eq(ret_u64(SEER_FORK_CANCUN, "PUSH2 0x7fe0 MLOAD POP MSIZE"), 0x8000);
    /* Offsets that can never be paid for are out of gas, not an overflow. */
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH8 0xffffffffffffffe0 MLOAD", 1000000),
                     SEER_STATUS_OUT_OF_GAS);
    ck_assert_int_eq(
        status_of(SEER_FORK_CANCUN,
                  "PUSH32 0x0100000000000000000000000000000000000000000000000000000000000000 MLOAD", 1000000),
        SEER_STATUS_OUT_OF_GAS);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH5 0x0100000000 PUSH1 0x00 RETURN", INT64_MAX / 2),
                     SEER_STATUS_OUT_OF_GAS);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH4 0xffffffff PUSH4 0xffffffff KECCAK256", 1000000),
                     SEER_STATUS_OUT_OF_GAS);
    /* A zero size touches no memory, whatever the offset. */
    ck_assert_int_eq(
        gas_of(
            SEER_FORK_CANCUN,
            "PUSH1 0x00 PUSH32 0xff00000000000000000000000000000000000000000000000000000000000000 KECCAK256"),
        6 + 30);
    /* Memory is zero when a pooled buffer is reused by the next frame. */
    mock m;
    mock_init(&m);
    seer_result r = run(&m, SEER_FORK_CANCUN, "PUSH1 0x2a PUSH1 0x00 MSTORE", 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_uint_eq(ret_u64(SEER_FORK_CANCUN, "PUSH1 0x00 MLOAD"), 0);
    /* RETURN output is malloc'd for the caller. */
    r = run(&m, SEER_FORK_CANCUN, "PUSH1 0x2a PUSH1 0x00 MSTORE8 PUSH1 0x03 PUSH1 0x00 RETURN", 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_uint_eq(r.output_size, 3);
    ck_assert_uint_eq(r.output_data[0], 0x2a);
    ck_assert_uint_eq(r.output_data[2], 0);
    free((void *)r.output_data);
}
END_TEST

/* SLOAD and account queries across forks (EIP-150, EIP-1884, EIP-2929). */
START_TEST(test_gas_sload_balance)
{
    const char *sload = "PUSH1 0x00 SLOAD";
    ck_assert_int_eq(gas_of(SEER_FORK_FRONTIER, sload), 3 + 50);
    ck_assert_int_eq(gas_of(SEER_FORK_TANGERINE_WHISTLE, sload), 3 + 200);
    ck_assert_int_eq(gas_of(SEER_FORK_PETERSBURG, sload), 3 + 200);
    ck_assert_int_eq(gas_of(SEER_FORK_ISTANBUL, sload), 3 + 800);
    ck_assert_int_eq(gas_of(SEER_FORK_BERLIN, sload), 3 + 2100);
    ck_assert_int_eq(gas_of(SEER_FORK_BERLIN, "PUSH1 0x00 SLOAD PUSH1 0x00 SLOAD"), 6 + 2100 + 100);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x00 SLOAD PUSH1 0x01 SLOAD"), 6 + 2 * 2100);

    const char *bal = "PUSH1 0xbb BALANCE";
    ck_assert_int_eq(gas_of(SEER_FORK_FRONTIER, bal), 3 + 20);
    ck_assert_int_eq(gas_of(SEER_FORK_TANGERINE_WHISTLE, bal), 3 + 400);
    ck_assert_int_eq(gas_of(SEER_FORK_ISTANBUL, bal), 3 + 700);
    ck_assert_int_eq(gas_of(SEER_FORK_BERLIN, bal), 3 + 2600);
    ck_assert_int_eq(gas_of(SEER_FORK_LONDON, "PUSH1 0xbb BALANCE PUSH1 0xbb BALANCE"), 6 + 2600 + 100);

    const char *ecs = "PUSH1 0xbb EXTCODESIZE";
    ck_assert_int_eq(gas_of(SEER_FORK_HOMESTEAD, ecs), 3 + 20);
    ck_assert_int_eq(gas_of(SEER_FORK_TANGERINE_WHISTLE, ecs), 3 + 700);
    ck_assert_int_eq(gas_of(SEER_FORK_ISTANBUL, ecs), 3 + 700);
    ck_assert_int_eq(gas_of(SEER_FORK_BERLIN, ecs), 3 + 2600);

    const char *ech = "PUSH1 0xbb EXTCODEHASH";
    ck_assert_int_eq(gas_of(SEER_FORK_CONSTANTINOPLE, ech), 3 + 400);
    ck_assert_int_eq(gas_of(SEER_FORK_ISTANBUL, ech), 3 + 700);
    ck_assert_int_eq(gas_of(SEER_FORK_BERLIN, ech), 3 + 2600);

    /* EXTCODECOPY: base + 3/word + memory (+ cold from Berlin). */
    const char *ecc = "PUSH1 0x20 PUSH1 0x00 PUSH1 0x00 PUSH1 0xbb EXTCODECOPY";
    ck_assert_int_eq(gas_of(SEER_FORK_FRONTIER, ecc), 12 + 20 + 3 + 3);
    ck_assert_int_eq(gas_of(SEER_FORK_TANGERINE_WHISTLE, ecc), 12 + 700 + 3 + 3);
    ck_assert_int_eq(gas_of(SEER_FORK_BERLIN, ecc), 12 + 2600 + 3 + 3);
}
END_TEST

/* SSTORE: classic, EIP-1283, EIP-2200, EIP-2929, EIP-3529. Runs two or
 * three SSTOREs to mock_slot 0 starting from `orig`, returns gas and refund. */
static void sstore_case(seer_fork fork, uint64_t orig, const uint64_t *vals, int nvals, int64_t want_gas,
                        int64_t want_refund)
{
    mock m;
    mock_init(&m);
    set_orig(&m, SELF, 0, orig, orig);
    char src[512] = "";
    for (int i = 0; i < nvals; i++) {
        char part[64];
        snprintf(part, sizeof part, "PUSH1 0x%02llx PUSH1 0x00 SSTORE ", (unsigned long long)vals[i]);
        strcat(src, part);
    }
    seer_result r = run(&m, fork, src, 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_msg(100000 - r.gas_left == want_gas && r.gas_refund == want_refund,
                  "fork %d orig %llu vals %llu,%llu,%llu: gas %lld refund %lld, want %lld %lld", fork,
                  (unsigned long long)orig, (unsigned long long)vals[0],
                  (unsigned long long)(nvals > 1 ? vals[1] : 9),
                  (unsigned long long)(nvals > 2 ? vals[2] : 9), (long long)(100000 - r.gas_left),
                  (long long)r.gas_refund, (long long)want_gas, (long long)want_refund);
}

#define SS(fork, orig, g, rf, ...)                                                                           \
    do {                                                                                                     \
        const uint64_t v_[] = {__VA_ARGS__};                                                                 \
        sstore_case(fork, orig, v_, (int)(sizeof v_ / sizeof v_[0]), g, rf);                                 \
    } while (0)

START_TEST(test_sstore_classic)
{
    seer_fork forks[] = {SEER_FORK_FRONTIER, SEER_FORK_BYZANTIUM, SEER_FORK_PETERSBURG};
    for (size_t i = 0; i < SEER_ARRAY_LEN(forks); i++) {
        seer_fork f = forks[i];
        SS(f, 0, 6 + 20000, 0, 1);                /* 0 -> 1 */
        SS(f, 0, 6 + 5000, 0, 0);                 /* 0 -> 0 */
        SS(f, 1, 6 + 5000, 15000, 0);             /* 1 -> 0 */
        SS(f, 1, 6 + 5000, 0, 2);                 /* 1 -> 2 */
        SS(f, 1, 6 + 5000, 0, 1);                 /* 1 -> 1 */
        SS(f, 0, 12 + 20000 + 5000, 15000, 1, 0); /* 0 -> 1 -> 0 */
        SS(f, 1, 12 + 5000 + 20000, 15000, 0, 1); /* 1 -> 0 -> 1 */
    }
}
END_TEST

/* The EIP-1283 test table (Constantinople) and the EIP-2200 one (Istanbul:
 * same cases, SLOAD_GAS 800). */
START_TEST(test_sstore_net)
{
    struct {
        uint64_t orig;
        uint64_t v[3];
        int n;
        int64_t g1283, r1283, g2200, r2200;
    } t[] = {
        {0, {0, 0}, 2, 412, 0, 1612, 0},
        {0, {0, 1}, 2, 20212, 0, 20812, 0},
        {0, {1, 0}, 2, 20212, 19800, 20812, 19200},
        {0, {1, 2}, 2, 20212, 0, 20812, 0},
        {0, {1, 1}, 2, 20212, 0, 20812, 0},
        {1, {0, 0}, 2, 5212, 15000, 5812, 15000},
        {1, {0, 1}, 2, 5212, 4800, 5812, 4200},
        {1, {0, 2}, 2, 5212, 0, 5812, 0},
        {1, {2, 0}, 2, 5212, 15000, 5812, 15000},
        {1, {2, 3}, 2, 5212, 0, 5812, 0},
        {1, {2, 1}, 2, 5212, 4800, 5812, 4200},
        {1, {2, 2}, 2, 5212, 0, 5812, 0},
        {1, {1, 0}, 2, 5212, 15000, 5812, 15000},
        {1, {1, 2}, 2, 5212, 0, 5812, 0},
        {1, {1, 1}, 2, 412, 0, 1612, 0},
        {0, {1, 0, 1}, 3, 40218, 19800, 40818, 19200},
        {1, {0, 1, 0}, 3, 10218, 19800, 10818, 19200},
    };
    for (size_t i = 0; i < SEER_ARRAY_LEN(t); i++) {
        sstore_case(SEER_FORK_CONSTANTINOPLE, t[i].orig, t[i].v, t[i].n, t[i].g1283, t[i].r1283);
        sstore_case(SEER_FORK_ISTANBUL, t[i].orig, t[i].v, t[i].n, t[i].g2200, t[i].r2200);
    }
}
END_TEST

/* EIP-2929 (Berlin: cold mock_slot +2100, reset 2900, dirty 100) and EIP-3529
 * (London: clear refund 4800). */
START_TEST(test_sstore_berlin_london)
{
    SS(SEER_FORK_BERLIN, 0, 6 + 22100, 0, 1);
    SS(SEER_FORK_BERLIN, 1, 6 + 2100 + 2900, 15000, 0);
    SS(SEER_FORK_LONDON, 1, 6 + 2100 + 2900, 4800, 0);
    SS(SEER_FORK_BERLIN, 1, 6 + 2100 + 100, 0, 1);          /* no-op */
    SS(SEER_FORK_BERLIN, 0, 12 + 22100 + 100, 19900, 1, 0); /* 0 -> 1 -> 0 */
    SS(SEER_FORK_LONDON, 0, 12 + 22100 + 100, 19900, 1, 0);
    SS(SEER_FORK_BERLIN, 1, 12 + 5000 + 100, 15000 - 15000 + 2800, 0, 1); /* 1 -> 0 -> 1 */
    SS(SEER_FORK_LONDON, 1, 12 + 5000 + 100, 2800, 0, 1);
    SS(SEER_FORK_LONDON, 1, 12 + 5000 + 100, 2800, 2, 1); /* 1 -> 2 -> 1 */
    SS(SEER_FORK_LONDON, 1, 12 + 5000 + 100, 4800, 2, 0); /* 1 -> 2 -> 0 */
    SS(SEER_FORK_CANCUN, 1, 12 + 5000 + 100, 0, 0, 2);    /* 1 -> 0 -> 2: 4800 - 4800 */
}
END_TEST

START_TEST(test_sstore_sentry_static)
{
    /* EIP-2200: SSTORE with gas left <= 2300 fails, even for a no-op. */
    mock m;
    mock_init(&m);
    seer_result r = run(&m, SEER_FORK_ISTANBUL, "PUSH1 0x00 PUSH1 0x00 SSTORE", 6 + 2300);
    ck_assert_int_eq(r.status, SEER_STATUS_OUT_OF_GAS);
    r = run(&m, SEER_FORK_ISTANBUL, "PUSH1 0x00 PUSH1 0x00 SSTORE", 6 + 2301);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(r.gas_left, 2301 - 800);
    /* Berlin keeps the sentry. */
    r = run(&m, SEER_FORK_BERLIN, "PUSH1 0x00 PUSH1 0x00 SSTORE", 6 + 2300);
    ck_assert_int_eq(r.status, SEER_STATUS_OUT_OF_GAS);
    /* Petersburg has no sentry: 5000 with exactly 5000 left works. */
    r = run(&m, SEER_FORK_PETERSBURG, "PUSH1 0x00 PUSH1 0x00 SSTORE", 6 + 5000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(r.gas_left, 0);
}
END_TEST

START_TEST(test_static_mode)
{
    const char *bad[] = {
        "PUSH1 0x01 PUSH1 0x00 SSTORE",
        "PUSH1 0x00 PUSH1 0x00 LOG0",
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 LOG1",
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 CREATE",
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 CREATE2",
        "PUSH1 0xbb SELFDESTRUCT",
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x01 PUSH1 0xbb PUSH2 0xffff CALL",
        "PUSH1 0x01 PUSH1 0x00 TSTORE",
    };
    run_opts o = {.flags = SEER_MSG_STATIC};
    for (size_t i = 0; i < SEER_ARRAY_LEN(bad); i++) {
        mock m;
        mock_init(&m);
        seer_result r = run_opt(&m, SEER_FORK_CANCUN, bad[i], 1000000, &o);
        ck_assert_msg(r.status == SEER_STATUS_STATIC_MODE_VIOLATION, "%s: %d", bad[i], r.status);
        ck_assert_int_eq(r.gas_left, 0);
        ck_assert_int_eq(m.ncalls, 0);
        /* The same code outside static mode does not violate anything. */
        r = run(&m, SEER_FORK_CANCUN, bad[i], 1000000);
        ck_assert_int_ne(r.status, SEER_STATUS_STATIC_MODE_VIOLATION);
    }
    /* CALL without value, reads and TLOAD are fine; the callee inherits static. */
    mock m;
    mock_init(&m);
    seer_result r =
        run_opt(&m, SEER_FORK_CANCUN,
                "PUSH1 0x00 TLOAD PUSH1 0x00 SLOAD PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 "
                "0x00 PUSH1 0xbb PUSH2 0xffff CALL",
                1000000, &o);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(m.ncalls, 1);
    ck_assert(m.last_call.flags & SEER_MSG_STATIC);
    /* STATICCALL sets the flag for the callee. */
    mock_init(&m);
    r = run(&m, SEER_FORK_BYZANTIUM,
            "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0xbb PUSH2 0xffff STATICCALL", 1000000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert(m.last_call.flags & SEER_MSG_STATIC);
    ck_assert_int_eq(m.last_call.kind, SEER_CALL);
}
END_TEST

START_TEST(test_stack_limits)
{
    char *src = malloc(1025 * 11 + 16);
    src[0] = 0;
    for (int i = 0; i < 1024; i++)
        strcat(src, "PUSH1 0x01 ");
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, src, 1000000), SEER_STATUS_SUCCESS);
    strcat(src, "PUSH1 0x01");
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, src, 1000000), SEER_STATUS_STACK_OVERFLOW);
    src[strlen(src) - 10] = 0;
    strcat(src, "DUP1");
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, src, 1000000), SEER_STATUS_STACK_OVERFLOW);
    src[strlen(src) - 4] = 0;
    strcat(src, "SWAP16 POP ADD");
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, src, 1000000), SEER_STATUS_SUCCESS);
    free(src);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "ADD", 1000), SEER_STATUS_STACK_UNDERFLOW);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH1 0x01 ADD", 1000), SEER_STATUS_STACK_UNDERFLOW);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH1 0x01 DUP2", 1000), SEER_STATUS_STACK_UNDERFLOW);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH1 0x01 SWAP1", 1000), SEER_STATUS_STACK_UNDERFLOW);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "POP", 1000), SEER_STATUS_STACK_UNDERFLOW);
}
END_TEST

START_TEST(test_jumps)
{
    /* 0: PUSH1 4, 2: JUMP, 3: INVALID, 4: JUMPDEST, 5: PUSH1 1 */
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x04 JUMP INVALID JUMPDEST PUSH1 0x01"), 3 + 8 + 1 + 3);
    /* Byte 4 is 0x5b but inside PUSH1's immediate. */
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH1 0x04 JUMP PUSH1 0x5b", 1000),
                     SEER_STATUS_BAD_JUMP_DESTINATION);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH1 0x03 JUMP PUSH1 0x5b", 1000),
                     SEER_STATUS_BAD_JUMP_DESTINATION);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH1 0x63 JUMP", 1000), SEER_STATUS_BAD_JUMP_DESTINATION);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH9 0x010000000000000004 JUMP INVALID JUMPDEST", 1000),
                     SEER_STATUS_BAD_JUMP_DESTINATION);
    /* JUMPI: not taken with a zero condition (even to a bad target). */
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x00 PUSH1 0x63 JUMPI"), 6 + 10);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH1 0x01 PUSH1 0x63 JUMPI", 1000),
                     SEER_STATUS_BAD_JUMP_DESTINATION);
    ck_assert_int_eq(gas_of(SEER_FORK_CANCUN, "PUSH1 0x01 PUSH1 0x06 JUMPI INVALID JUMPDEST"), 6 + 10 + 1);
    /* A loop: count down from 3. 0: PUSH1 3, 2: JUMPDEST, 3: PUSH1 1, 5: SWAP1, 6: SUB, 7: DUP1,
     * 8: PUSH1 2, 10: JUMPI */
    ck_assert_int_eq(
        gas_of(SEER_FORK_CANCUN, "PUSH1 0x03 JUMPDEST PUSH1 0x01 SWAP1 SUB DUP1 PUSH1 0x02 JUMPI"),
        3 + 3 * (1 + 3 + 3 + 3 + 3 + 3 + 10));
}
END_TEST

START_TEST(test_undefined_per_fork)
{
    ck_assert_int_eq(status_of(SEER_FORK_BYZANTIUM, "PUSH1 0x01 PUSH1 0x01 SHL", 1000),
                     SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_CONSTANTINOPLE, "PUSH1 0x01 PUSH1 0x01 SHL", 1000),
                     SEER_STATUS_SUCCESS);
    ck_assert_int_eq(status_of(SEER_FORK_LONDON, "PUSH0", 1000), SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_SHANGHAI, "PUSH0", 1000), SEER_STATUS_SUCCESS);
    ck_assert_int_eq(status_of(SEER_FORK_SHANGHAI, "PUSH1 0x00 TLOAD", 1000),
                     SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH1 0x00 TLOAD", 1000), SEER_STATUS_SUCCESS);
    ck_assert_int_eq(status_of(SEER_FORK_FRONTIER,
                               "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 "
                               "PUSH1 0x00 DELEGATECALL",
                               100000),
                     SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_SPURIOUS_DRAGON, "PUSH1 0x00 PUSH1 0x00 REVERT", 1000),
                     SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_BYZANTIUM, "PUSH1 0x00 PUSH1 0x00 REVERT", 1000),
                     SEER_STATUS_REVERT);
    ck_assert_int_eq(status_of(SEER_FORK_SPURIOUS_DRAGON, "RETURNDATASIZE", 1000),
                     SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_PETERSBURG, "CHAINID", 1000), SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_BERLIN, "BASEFEE", 1000), SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_SHANGHAI, "BLOBBASEFEE", 1000), SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "#0c", 1000), SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "#ef", 1000), SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "INVALID", 1000), SEER_STATUS_INVALID_INSTRUCTION);
    ck_assert_int_eq(status_of(SEER_FORK_FRONTIER, "INVALID", 1000), SEER_STATUS_INVALID_INSTRUCTION);
    /* Running out of gas exactly. */
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH1 0x01 PUSH1 0x01 ADD", 8), SEER_STATUS_OUT_OF_GAS);
    ck_assert_int_eq(status_of(SEER_FORK_CANCUN, "PUSH1 0x01 PUSH1 0x01 ADD", 9), SEER_STATUS_SUCCESS);
}
END_TEST

typedef struct trace_rec {
    int steps;
    uint32_t pcs[16];
    uint8_t ops[16];
    int64_t gas[16];
    int64_t cost[16];
    size_t stack_size[16];
    u256 top[16];
    int32_t depth;
    char names[16][16];
} trace_rec;

static void rec_step(void *ctx, const seer_trace_step *s)
{
    trace_rec *t = ctx;
    if (t->steps < 16) {
        int i = t->steps;
        t->pcs[i] = s->pc;
        t->ops[i] = s->op;
        t->gas[i] = s->gas;
        t->cost[i] = s->gas_cost;
        t->stack_size[i] = s->stack_size;
        t->top[i] = s->stack_size ? s->stack[s->stack_size - 1] : U256_ZERO;
        snprintf(t->names[i], sizeof t->names[i], "%s", s->op_name);
        t->depth = s->depth;
    }
    t->steps++;
}

START_TEST(test_push_at_end_and_tracer)
{
    /* PUSH2 with one immediate byte: reads a zero for the missing byte, then
     * execution meets the STOP of the padding. */
    mock m;
    mock_init(&m);
    trace_rec t;
    memset(&t, 0, sizeof t);
    seer_tracer tr = {rec_step, &t};
    run_opts o = {.tracer = &tr, .depth = 2};
    seer_result r = run_opt(&m, SEER_FORK_PARIS, "PUSH1 0x07 DIFFICULTY #6101", 100, &o);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(r.gas_left, 100 - 8);
    ck_assert_int_eq(t.steps, 4); /* PUSH1, PREVRANDAO, PUSH2, STOP */
    ck_assert_uint_eq(t.pcs[2], 3);
    ck_assert_uint_eq(t.ops[2], SEER_OP_PUSH2);
    ck_assert_int_eq(t.gas[2], 95);
    ck_assert_int_eq(t.cost[2], 3);
    ck_assert_str_eq(t.names[1], "PREVRANDAO");
    ck_assert_str_eq(t.names[3], "STOP");
    ck_assert_uint_eq(t.stack_size[3], 3);
    ck_assert_uint_eq(t.top[3].w[0], 0x0100);
    ck_assert_int_eq(t.depth, 3);
    /* PUSH32 as the last byte pushes zero. */
    memset(&t, 0, sizeof t);
    r = run_opt(&m, SEER_FORK_CANCUN, "#7f", 100, &o);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(t.steps, 2);
    ck_assert(u256_is_zero(&t.top[1]));
    ck_assert_uint_eq(t.stack_size[1], 1);
    /* Undefined opcodes are traced too. */
    memset(&t, 0, sizeof t);
    r = run_opt(&m, SEER_FORK_LONDON, "PUSH0", 100, &o);
    ck_assert_int_eq(r.status, SEER_STATUS_UNDEFINED_INSTRUCTION);
    ck_assert_int_eq(t.steps, 1);
}
END_TEST

START_TEST(test_context_ops)
{
    seer_fork c = SEER_FORK_CANCUN;
    ck_assert_uint_eq(ret_u64(c, "ADDRESS"), SELF);
    ck_assert_uint_eq(ret_u64(c, "CALLER"), CALLER_ADDR);
    ck_assert_uint_eq(ret_u64(c, "ORIGIN"), CALLER_ADDR);
    ck_assert_uint_eq(ret_u64(c, "COINBASE"), 0xc0);
    ck_assert_uint_eq(ret_u64(c, "NUMBER"), 1000);
    ck_assert_uint_eq(ret_u64(c, "TIMESTAMP"), 1234);
    ck_assert_uint_eq(ret_u64(c, "GASLIMIT"), 30000000);
    ck_assert_uint_eq(ret_u64(c, "CHAINID"), 1);
    ck_assert_uint_eq(ret_u64(c, "BASEFEE"), 7);
    ck_assert_uint_eq(ret_u64(c, "BLOBBASEFEE"), 9);
    ck_assert_uint_eq(ret_u64(c, "DIFFICULTY"), 0x1234);
    ck_assert_uint_eq(ret_u64(SEER_FORK_FRONTIER, "DIFFICULTY"), 0x1234);
    ck_assert_uint_eq(ret_u64(c, "SELFBALANCE"), 1000000);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0xcc BALANCE"), 1000000);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x02 BLOBHASH"), 0);
    u256 bh = ret_word(c, "PUSH1 0x01 BLOBHASH");
    ck_assert_uint_eq(bh.w[3] >> 56, 0x22);
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x20 PUSH1 0x00 PUSH1 0x00 CODECOPY PUSH1 0x00 MLOAD PUSH1 0xf8 SHR"),
                      0x60);
    ck_assert_uint_eq(ret_u64(c, "CODESIZE"), 9); /* with ret_word's 8-byte epilogue */
    ck_assert_uint_eq(ret_u64(c, "PUSH1 0x05 PC"), 2);
    /* BLOCKHASH: only the 256 blocks before the current one (1000). */
    ck_assert_uint_eq(ret_u64(c, "PUSH2 0x03e8 BLOCKHASH"), 0);
    ck_assert_uint_eq(ret_u64(c, "PUSH2 0x02e7 BLOCKHASH"), 0); /* 743 */
    u256 h = ret_word(c, "PUSH2 0x02e8 BLOCKHASH");             /* 744 = 1000 - 256 */
    ck_assert_uint_eq(h.w[0] & 0xff, 0xe8);
    ck_assert_uint_eq(h.w[3] >> 56, 0xbb);
    h = ret_word(c, "PUSH2 0x03e7 BLOCKHASH");
    ck_assert_uint_eq(h.w[0] & 0xff, 0xe7);
    u256 kz = ret_word(c, "PUSH1 0x00 PUSH1 0x00 KECCAK256");
    uint8_t want[32];
    seer_keccak256(want, "", 0);
    u256 wz;
    u256_from_be32(&wz, want);
    ck_assert(u256_eq(&kz, &wz));

    /* CALLDATALOAD pads with zeros past the input; CALLDATACOPY too. */
    uint8_t in[3] = {0xa1, 0xb2, 0xc3};
    run_opts o = {.input = in, .input_size = 3, .value = u256_from_u64(77)};
    mock m;
    mock_init(&m);
    seer_result r =
        run_opt(&m, c,
                "PUSH1 0x01 CALLDATALOAD PUSH1 0x00 MSTORE CALLVALUE PUSH1 0x20 MSTORE CALLDATASIZE "
                "PUSH1 0x40 MSTORE PUSH1 0x60 PUSH1 0x00 RETURN",
                100000, &o);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_uint_eq(r.output_size, 0x60);
    ck_assert_uint_eq(r.output_data[0], 0xb2);
    ck_assert_uint_eq(r.output_data[1], 0xc3);
    ck_assert_uint_eq(r.output_data[2], 0);
    ck_assert_uint_eq(r.output_data[63], 77);
    ck_assert_uint_eq(r.output_data[95], 3);
    free((void *)r.output_data);
}
END_TEST

/* Call family gas: EIP-150 63/64, stipend, value, new account, cold. */
START_TEST(test_call_gas)
{
    mock m;
    mock_init(&m);
    add_acct(&m, OTHER, 5, 0);
    const char *call_v =
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x01 PUSH1 0xbb PUSH2 0x1000 CALL";
    /* Istanbul: 700 + 9000 value; the 2300 stipend is the callee's and
     * returns to the caller unused. */
    seer_result r = run(&m, SEER_FORK_ISTANBUL, call_v, 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(m.ncalls, 1);
    ck_assert_int_eq(m.last_call.gas, 0x1000 + 2300);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 700 + 9000 - 2300);
    ck_assert_uint_eq(m.last_call.value.w[0], 1);
    ck_assert_int_eq(m.last_call.depth, 1);
    ck_assert_int_eq(m.last_call.kind, SEER_CALL);
    ck_assert_uint_eq(m.last_call.recipient.bytes[19], OTHER);
    ck_assert_uint_eq(m.last_call.sender.bytes[19], SELF);

    /* The callee uses 100 of its gas. */
    m.call_result.gas_left = 0x1000 + 2300 - 100;
    r = run(&m, SEER_FORK_ISTANBUL, call_v, 100000);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 700 + 9000 - 2300 + 100);
    m.call_result.gas_left = -1;

    /* Value to an absent account: +25000 (any fork); to an empty one: from
     * EIP-161 only... */
    const char *call_new =
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x01 PUSH1 0xdd PUSH2 0x1000 CALL";
    r = run(&m, SEER_FORK_ISTANBUL, call_new, 100000);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 700 + 9000 + 25000 - 2300);
    add_acct(&m, 0xee, 0, 0); /* exists, empty */
    const char *call_empty =
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x01 PUSH1 0xee PUSH2 0x1000 CALL";
    r = run(&m, SEER_FORK_ISTANBUL, call_empty, 100000);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 700 + 9000 + 25000 - 2300);
    r = run(&m, SEER_FORK_TANGERINE_WHISTLE, call_empty, 100000);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 700 + 9000 - 2300);
    /* ...and without value: pre-EIP-161 an absent target still costs 25000. */
    const char *call_new0 =
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0xdd PUSH2 0x1000 CALL";
    r = run(&m, SEER_FORK_TANGERINE_WHISTLE, call_new0, 100000);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 700 + 25000);
    r = run(&m, SEER_FORK_SPURIOUS_DRAGON, call_new0, 100000);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 700);
    r = run(&m, SEER_FORK_FRONTIER, call_new0, 100000);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 40 + 25000);

    /* EIP-150: all but one 64th of the gas left after the call's costs. */
    const char *call_all =
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0xbb PUSH4 0xffffffff CALL";
    m.call_result.gas_left = 0; /* the callee burns everything it got */
    r = run(&m, SEER_FORK_ISTANBUL, call_all, 100000);
    m.call_result.gas_left = -1;
    int64_t avail = 100000 - 6 * 3 - 3 - 700;
    ck_assert_int_eq(m.last_call.gas, avail - avail / 64);
    ck_assert_int_eq(r.gas_left, avail / 64);
    /* Before EIP-150 asking for more than is left is out of gas. */
    r = run(&m, SEER_FORK_HOMESTEAD, call_all, 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_OUT_OF_GAS);

    /* Berlin: cold target +2500, warm afterwards. */
    mock_init(&m);
    add_acct(&m, OTHER, 5, 0);
    const char *call0 = "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0xbb PUSH2 0x1000 CALL";
    r = run(&m, SEER_FORK_BERLIN, call0, 100000);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 2600);
    r = run(&m, SEER_FORK_BERLIN, call0, 100000);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 100);
    /* DELEGATECALL keeps sender and value; CALLCODE runs in our account. */
    run_opts o = {.value = u256_from_u64(42)};
    r = run_opt(&m, SEER_FORK_BERLIN,
                "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0xbb PUSH2 0x1000 DELEGATECALL", 100000,
                &o);
    ck_assert_int_eq(100000 - r.gas_left, 18 + 100);
    ck_assert_int_eq(m.last_call.kind, SEER_DELEGATECALL);
    ck_assert_uint_eq(m.last_call.sender.bytes[19], CALLER_ADDR);
    ck_assert_uint_eq(m.last_call.recipient.bytes[19], SELF);
    ck_assert_uint_eq(m.last_call.code_address.bytes[19], OTHER);
    ck_assert_uint_eq(m.last_call.value.w[0], 42);
    r = run(&m, SEER_FORK_BERLIN,
            "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x02 PUSH1 0xbb PUSH2 0x1000 CALLCODE",
            100000);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 100 + 9000 - 2300); /* no new-account cost for CALLCODE */
    ck_assert_int_eq(m.last_call.kind, SEER_CALLCODE);
    ck_assert_uint_eq(m.last_call.recipient.bytes[19], SELF);
    ck_assert_uint_eq(m.last_call.sender.bytes[19], SELF);
    ck_assert_uint_eq(m.last_call.value.w[0], 2);
}
END_TEST

START_TEST(test_call_soft_failures_and_returndata)
{
    mock m;
    mock_init(&m);
    add_acct(&m, OTHER, 5, 0);
    /* Value above our balance: no host call, 0 pushed, the callee's gas back. */
    const char *rich =
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH4 0x7fffffff PUSH1 0xbb PUSH2 0x1000 CALL "
        "PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN";
    seer_result r = run(&m, SEER_FORK_ISTANBUL, rich, 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(m.ncalls, 0);
    ck_assert_uint_eq(r.output_data[31], 0);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 700 + 9000 - 2300 + 3 + 6 + 6);
    free((void *)r.output_data);
    /* Depth 1024: the same soft failure. */
    run_opts o = {.depth = 1024};
    const char *call0 = "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0xbb PUSH2 0x1000 CALL "
                        "PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN";
    r = run_opt(&m, SEER_FORK_ISTANBUL, call0, 100000, &o);
    ck_assert_int_eq(m.ncalls, 0);
    ck_assert_uint_eq(r.output_data[31], 0);
    ck_assert_int_eq(100000 - r.gas_left, 21 + 700 + 3 + 6 + 6);
    free((void *)r.output_data);
    o.depth = 1023;
    r = run_opt(&m, SEER_FORK_ISTANBUL, call0, 100000, &o);
    ck_assert_int_eq(m.ncalls, 1);
    ck_assert_uint_eq(r.output_data[31], 1);
    free((void *)r.output_data);

    /* Return data: the callee's output is copied to memory and kept as
     * RETURNDATA; reading past it is an exceptional halt. */
    memset(m.call_output, 0x5a, sizeof m.call_output);
    m.call_result.output_size = 40;
    const char *rd =
        "PUSH1 0x20 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0xbb PUSH2 0x1000 CALL POP "
        "RETURNDATASIZE PUSH1 0x40 MSTORE PUSH1 0x08 PUSH1 0x20 PUSH1 0x60 RETURNDATACOPY "
        "PUSH1 0x80 PUSH1 0x00 RETURN";
    r = run(&m, SEER_FORK_BYZANTIUM, rd, 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_uint_eq(r.output_data[0], 0x5a); /* out area, 32 bytes */
    ck_assert_uint_eq(r.output_data[31], 0x5a);
    ck_assert_uint_eq(r.output_data[32], 0);    /* only out_size bytes copied */
    ck_assert_uint_eq(r.output_data[0x5f], 40); /* RETURNDATASIZE */
    ck_assert_uint_eq(r.output_data[0x60], 0x5a);
    ck_assert_uint_eq(r.output_data[0x67], 0x5a);
    ck_assert_uint_eq(r.output_data[0x68], 0);
    free((void *)r.output_data);
    const char *rd_bad =
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0xbb PUSH2 0x1000 CALL POP "
        "PUSH1 0x09 PUSH1 0x20 PUSH1 0x00 RETURNDATACOPY";
    r = run(&m, SEER_FORK_BYZANTIUM, rd_bad, 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_INVALID_MEMORY_ACCESS);
    ck_assert_int_eq(r.gas_left, 0);
    r = run(&m, SEER_FORK_BYZANTIUM, "PUSH1 0x00 PUSH1 0x01 PUSH1 0x00 RETURNDATACOPY", 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_INVALID_MEMORY_ACCESS);
    r = run(&m, SEER_FORK_BYZANTIUM, "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 RETURNDATACOPY", 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    /* A failing callee: 0 pushed, its REVERT data is the return data. */
    m.call_result.status = SEER_STATUS_REVERT;
    m.call_result.output_size = 2;
    r = run(&m, SEER_FORK_BYZANTIUM,
            "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0xbb PUSH2 0x1000 CALL PUSH1 0x00 "
            "MSTORE "
            "RETURNDATASIZE PUSH1 0x20 MSTORE PUSH1 0x40 PUSH1 0x00 RETURN",
            100000);
    ck_assert_uint_eq(r.output_data[31], 0);
    ck_assert_uint_eq(r.output_data[63], 2);
    free((void *)r.output_data);
}
END_TEST

START_TEST(test_create)
{
    mock m;
    mock_init(&m);
    m.call_result.create_address = mkaddr(0x77);
    m.call_result.output_size = 5; /* must not become RETURNDATA on success */
    /* CREATE: 32000, all but 1/64 to the initcode, address pushed. */
    seer_result r =
        run(&m, SEER_FORK_LONDON,
            "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 CREATE PUSH1 0x00 MSTORE RETURNDATASIZE PUSH1 0x20 MSTORE "
            "PUSH1 0x40 PUSH1 0x00 RETURN",
            100000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(m.last_call.kind, SEER_CREATE);
    ck_assert_int_eq(m.last_call.gas, (100000 - 9 - 32000) - (100000 - 9 - 32000) / 64);
    ck_assert_uint_eq(m.last_call.sender.bytes[19], SELF);
    ck_assert_uint_eq(r.output_data[31], 0x77);
    ck_assert_uint_eq(r.output_data[63], 0);
    free((void *)r.output_data);
    /* CREATE2: + 6/word hashing; Shanghai adds EIP-3860's 2/word. */
    m.call_result.gas_left = 0;
    r = run(&m, SEER_FORK_LONDON, "PUSH1 0x05 PUSH1 0x21 PUSH1 0x00 PUSH1 0x00 CREATE2", 100000);
    int64_t used_london = 100000 - r.gas_left;
    int64_t left = 100000 - 12 - 32000 - 2 * 3 - 2 * 6;
    ck_assert_int_eq(m.last_call.gas, left - left / 64);
    ck_assert_int_eq(used_london, 100000 - left / 64);
    ck_assert_uint_eq(m.last_call.create2_salt.w[0], 5);
    ck_assert_uint_eq(m.last_call.input_size, 0x21);
    r = run(&m, SEER_FORK_SHANGHAI, "PUSH1 0x05 PUSH1 0x21 PUSH1 0x00 PUSH1 0x00 CREATE2", 100000);
    left = 100000 - 12 - 32000 - 2 * 3 - 2 * 6 - 2 * 2;
    ck_assert_int_eq(m.last_call.gas, left - left / 64);
    ck_assert_int_eq(m.last_call.kind, SEER_CREATE2);
    /* EIP-3860: initcode above 49152 bytes fails the frame. */
    int nc = m.ncalls;
    r = run(&m, SEER_FORK_SHANGHAI, "PUSH2 0xc001 PUSH1 0x00 PUSH1 0x00 CREATE", 10000000);
    ck_assert_int_eq(r.status, SEER_STATUS_OUT_OF_GAS);
    ck_assert_int_eq(m.ncalls, nc);
    r = run(&m, SEER_FORK_SHANGHAI, "PUSH2 0xc000 PUSH1 0x00 PUSH1 0x00 CREATE", 10000000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(m.ncalls, nc + 1);
    r = run(&m, SEER_FORK_LONDON, "PUSH2 0xc001 PUSH1 0x00 PUSH1 0x00 CREATE", 10000000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    /* Frontier passes all gas; endowment above balance fails softly. */
    m.call_result.gas_left = -1;
    r = run(&m, SEER_FORK_FRONTIER, "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 CREATE", 100000);
    ck_assert_int_eq(m.last_call.gas, 100000 - 9 - 32000);
    nc = m.ncalls;
    r = run(&m, SEER_FORK_LONDON, "PUSH1 0x00 PUSH1 0x00 PUSH4 0x7fffffff CREATE", 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(m.ncalls, nc);
    ck_assert_int_eq(100000 - r.gas_left, 9 + 32000);
}
END_TEST

START_TEST(test_selfdestruct)
{
    struct {
        seer_fork fork;
        uint8_t ben;
        int64_t gas;
        int64_t refund;
    } t[] = {
        {SEER_FORK_FRONTIER, 0xdd, 3, 24000},
        {SEER_FORK_HOMESTEAD, 0xdd, 3, 24000},
        {SEER_FORK_TANGERINE_WHISTLE, 0xdd, 3 + 5000 + 25000, 24000}, /* absent beneficiary */
        {SEER_FORK_TANGERINE_WHISTLE, 0xbb, 3 + 5000, 24000},
        {SEER_FORK_TANGERINE_WHISTLE, 0xee, 3 + 5000, 24000},       /* exists, empty */
        {SEER_FORK_SPURIOUS_DRAGON, 0xee, 3 + 5000 + 25000, 24000}, /* dead and we have a balance */
        {SEER_FORK_SPURIOUS_DRAGON, 0xbb, 3 + 5000, 24000},
        {SEER_FORK_BERLIN, 0xbb, 3 + 5000 + 2600, 24000},
        {SEER_FORK_BERLIN, SELF, 3 + 5000, 24000}, /* warm: our own address */
        {SEER_FORK_LONDON, 0xbb, 3 + 5000 + 2600, 0},
        {SEER_FORK_CANCUN, 0xdd, 3 + 5000 + 2600 + 25000, 0},
    };
    for (size_t i = 0; i < SEER_ARRAY_LEN(t); i++) {
        mock m;
        mock_init(&m);
        add_acct(&m, OTHER, 5, 0);
        add_acct(&m, 0xee, 0, 0);
        mh_access_account(&m, &(seer_address){{[19] = SELF}});
        char src[64];
        snprintf(src, sizeof src, "PUSH1 0x%02x SELFDESTRUCT PUSH1 0x00", t[i].ben);
        seer_result r = run(&m, t[i].fork, src, 100000);
        ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
        ck_assert_msg(100000 - r.gas_left == t[i].gas, "case %zu: gas %lld want %lld", i,
                      (long long)(100000 - r.gas_left), (long long)t[i].gas);
        ck_assert_int_eq(r.gas_refund, t[i].refund);
        ck_assert_int_eq(m.nselfdestruct, 1);
    }
    /* Spurious Dragon: a zero-balance account pays no new-account cost. */
    mock m;
    mock_init(&m);
    m.accts[0].balance = U256_ZERO;
    seer_result r = run(&m, SEER_FORK_SPURIOUS_DRAGON, "PUSH1 0xdd SELFDESTRUCT", 100000);
    ck_assert_int_eq(100000 - r.gas_left, 3 + 5000);
    /* The refund comes only the first time (the host says). */
    m.sd_first = false;
    r = run(&m, SEER_FORK_BERLIN, "PUSH1 0xaa SELFDESTRUCT", 100000);
    ck_assert_int_eq(r.gas_refund, 0);
}
END_TEST

START_TEST(test_logs)
{
    mock m;
    mock_init(&m);
    seer_result r = run(&m, SEER_FORK_CANCUN, "PUSH1 0x09 PUSH1 0x08 PUSH1 0x03 PUSH1 0x00 LOG2", 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(m.nlogs, 1);
    ck_assert_uint_eq(m.last_log_size, 3);
    ck_assert_uint_eq(m.last_log_topics, 2);
    ck_assert_uint_eq(m.last_topic0.bytes[31], 8);
    r = run(&m, SEER_FORK_CANCUN, "PUSH1 0x00 PUSH2 0xffff LOG0", 100000);
    ck_assert_int_eq(100000 - r.gas_left, 6 + 375);
    ck_assert_uint_eq(m.last_log_size, 0);
}
END_TEST

/* Refund bookkeeping: a frame reports its own refund only; with
 * propagate_refunds the successful callees' refunds are added (EVMC style).
 * The tracer sees the frame's running refund. */
START_TEST(test_refund_propagation)
{
    mock m;
    mock_init(&m);
    set_orig(&m, SELF, 0, 1, 1);
    m.call_result.gas_refund = 777;
    const char *src = "PUSH1 0x00 PUSH1 0x00 SSTORE PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 "
                      "PUSH1 0xbb PUSH2 0x1000 CALL";
    seer_result r = run(&m, SEER_FORK_LONDON, src, 100000);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(r.gas_refund, 4800);

    mock_init(&m);
    set_orig(&m, SELF, 0, 1, 1);
    m.call_result.gas_refund = 777;
    static uint8_t buf[256];
    size_t n = assemble(buf, sizeof buf, src);
    seer_code *code = NULL;
    ck_assert_int_eq(seer_code_analyze(&code, buf, n), 0);
    trace_rec t;
    memset(&t, 0, sizeof t);
    seer_tracer tr = {rec_step, &t};
    seer_vm_config cfg = {.fork = SEER_FORK_LONDON, .propagate_refunds = true, .tracer = &tr};
    seer_host h = {&mock_vt, &m};
    seer_message msg;
    memset(&msg, 0, sizeof msg);
    msg.gas = 100000;
    msg.recipient = mkaddr(SELF);
    msg.sender = mkaddr(CALLER_ADDR);
    r = seer_vm_execute(&h, &cfg, &msg, code);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(r.gas_refund, 4800 + 777);
    ck_assert_int_eq(t.steps, 12); /* 11 instructions and the final STOP of the padding */
    /* A failed callee's refund is not added. */
    mock_init(&m);
    set_orig(&m, SELF, 0, 1, 1);
    m.call_result.gas_refund = 777;
    m.call_result.status = SEER_STATUS_REVERT;
    r = seer_vm_execute(&h, &cfg, &msg, code);
    ck_assert_int_eq(r.gas_refund, 4800);
    /* A failing frame reports no refund at all. */
    mock_init(&m);
    set_orig(&m, SELF, 0, 1, 1);
    seer_result r2 = run(&m, SEER_FORK_LONDON, "PUSH1 0x00 PUSH1 0x00 SSTORE INVALID", 100000);
    ck_assert_int_eq(r2.status, SEER_STATUS_INVALID_INSTRUCTION);
    ck_assert_int_eq(r2.gas_refund, 0);
    seer_code_free(code);
}
END_TEST

/* The per-thread pool survives cleanup: the next execution rebuilds it. */
START_TEST(test_thread_cleanup)
{
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(ret_u64(SEER_FORK_CANCUN, "PUSH1 0x2a"), 0x2a);
        seer_vm_thread_cleanup();
        seer_vm_thread_cleanup();
    }
    /* Bad arguments are an internal error, not a crash. */
    mock m;
    mock_init(&m);
    seer_host h = {&mock_vt, &m};
    seer_vm_config cfg = {.fork = SEER_FORK_PRAGUE};
    seer_message msg;
    memset(&msg, 0, sizeof msg);
    seer_code *c = NULL;
    ck_assert_int_eq(seer_code_analyze(&c, (const uint8_t *)"", 0), 0);
    seer_result r = seer_vm_execute(&h, &cfg, &msg, c);
    ck_assert_int_eq(r.status, SEER_STATUS_INTERNAL_ERROR);
    cfg.fork = SEER_FORK_CANCUN;
    r = seer_vm_execute(&h, &cfg, &msg, NULL);
    ck_assert_int_eq(r.status, SEER_STATUS_INTERNAL_ERROR);
    r = seer_vm_execute(&h, &cfg, &msg, c);
    ck_assert_int_eq(r.status, SEER_STATUS_SUCCESS);
    seer_code_free(c);
}
END_TEST

/* ---- recursion: 1024 nested CALLs in a default-attribute pthread ---- */

typedef struct rec_arg {
    seer_fork fork;
    seer_result res;
    int calls;
    int32_t max_depth;
} rec_arg;

static void *recursion_thread(void *p)
{
    rec_arg *a = p;
    static const char *src =
        /* call ourselves with all but 256 of the gas left (pre-EIP-150 rules need the margin) */
        "PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 ADDRESS PUSH2 0x0100 GAS SUB CALL";
    uint8_t buf[64];
    size_t n = assemble(buf, sizeof buf, src);
    seer_code *code = NULL;
    ck_assert_int_eq(seer_code_analyze(&code, buf, n), 0);
    mock *m = calloc(1, sizeof *m);
    mock_init(m);
    seer_vm_config cfg = {.fork = a->fork};
    m->recurse = true;
    m->rec_code = code;
    m->rec_cfg = &cfg;
    seer_host h = {&mock_vt, m};
    seer_message msg;
    memset(&msg, 0, sizeof msg);
    msg.gas = INT64_MAX / 4;
    msg.recipient = mkaddr(SELF);
    msg.code_address = mkaddr(SELF);
    msg.sender = mkaddr(CALLER_ADDR);
    a->res = seer_vm_execute(&h, &cfg, &msg, code);
    a->calls = m->ncalls;
    a->max_depth = m->max_depth;
    free(m);
    seer_code_free(code);
    seer_vm_thread_cleanup();
    return NULL;
}

START_TEST(test_recursion_depth_1024)
{
    seer_fork forks[] = {SEER_FORK_CANCUN, SEER_FORK_HOMESTEAD};
    for (size_t i = 0; i < SEER_ARRAY_LEN(forks); i++) {
        rec_arg a;
        memset(&a, 0, sizeof a);
        a.fork = forks[i];
        pthread_t th;
        ck_assert_int_eq(pthread_create(&th, NULL, recursion_thread, &a), 0);
        ck_assert_int_eq(pthread_join(th, NULL), 0);
        ck_assert_int_eq(a.res.status, SEER_STATUS_SUCCESS);
        /* Frames at depths 0..1024; the one at 1024 fails its CALL softly. */
        ck_assert_int_eq(a.calls, 1024);
        ck_assert_int_eq(a.max_depth, 1024);
    }
}
END_TEST

/* ---- analysis and the cache ---- */

START_TEST(test_analysis)
{
    uint8_t buf[64];
    size_t n = assemble(buf, sizeof buf, "JUMPDEST PUSH2 0x5b5b JUMPDEST PUSH32 0x5b");
    seer_code *c = NULL;
    ck_assert_int_eq(seer_code_analyze(&c, buf, n), 0);
    ck_assert_uint_eq(c->size, n);
    ck_assert(seer_code_is_jumpdest(c, 0));
    ck_assert(!seer_code_is_jumpdest(c, 2));
    ck_assert(!seer_code_is_jumpdest(c, 3));
    ck_assert(seer_code_is_jumpdest(c, 4));
    ck_assert(!seer_code_is_jumpdest(c, n - 1));
    ck_assert(!seer_code_is_jumpdest(c, n));
    ck_assert(!seer_code_is_jumpdest(c, 1000));
    for (size_t i = 0; i < SEER_CODE_PADDING; i++)
        ck_assert_uint_eq(c->code[n + i], 0);
    seer_code_free(c);
    ck_assert_int_eq(seer_code_analyze(&c, NULL, 0), 0);
    ck_assert_uint_eq(c->size, 0);
    ck_assert_uint_eq(c->code[0], 0);
    seer_code_free(c);
    ck_assert_int_eq(seer_code_analyze(NULL, buf, n), SEER_EINVAL);
}
END_TEST

typedef struct cache_arg {
    seer_code_cache *cache;
    uint64_t seed;
    int errors;
} cache_arg;

static void *cache_thread(void *p)
{
    cache_arg *a = p;
    test_rng rng;
    test_rng_init(&rng, a->seed);
    for (int i = 0; i < 2000; i++) {
        uint8_t code[8];
        unsigned k = (unsigned)(test_rng_next(&rng) % 64);
        memset(code, 0x5b, sizeof code);
        code[0] = (uint8_t)k;
        seer_bytes32 h;
        seer_keccak256(h.bytes, code, sizeof code);
        const seer_code *c = NULL;
        if (seer_code_cache_get(a->cache, &c, &h, code, sizeof code) != 0 || memcmp(c->code, code, 8) != 0 ||
            memcmp(c->hash.bytes, h.bytes, 32) != 0)
            a->errors++;
        if (seer_code_cache_find(a->cache, &h) != c)
            a->errors++;
    }
    return NULL;
}

START_TEST(test_code_cache)
{
    seer_code_cache *cache = NULL;
    ck_assert_int_eq(seer_code_cache_new(&cache), 0);
    uint8_t code[] = {0x60, 0x01, 0x5b};
    seer_bytes32 h;
    seer_keccak256(h.bytes, code, sizeof code);
    ck_assert_ptr_null(seer_code_cache_find(cache, &h));
    const seer_code *c1 = NULL, *c2 = NULL;
    ck_assert_int_eq(seer_code_cache_get(cache, &c1, &h, code, sizeof code), 0);
    ck_assert_int_eq(seer_code_cache_get(cache, &c2, &h, code, sizeof code), 0);
    ck_assert_ptr_eq(c1, c2);
    ck_assert(seer_code_is_jumpdest(c1, 2));
    ck_assert_uint_eq(seer_code_cache_count(cache), 1);

    /* Several threads share it. */
    uint64_t seed = test_seed("test_evm");
    pthread_t th[4];
    cache_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (cache_arg){cache, seed + (uint64_t)i, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, cache_thread, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(args[i].errors, 0);
    }
    ck_assert_uint_le(seer_code_cache_count(cache), 65);
    ck_assert_uint_ge(seer_code_cache_count(cache), 2);
    seer_code_cache_clear(cache);
    ck_assert_uint_eq(seer_code_cache_count(cache), 0);
    seer_code_cache_free(cache);
}
END_TEST

/* Worker threads share the fork tables, the dispatch tables and a code
 * cache, and each has its own stack/memory pool: the same programs give
 * the same results on 4 threads at once as on one. */
typedef struct par_arg {
    seer_code_cache *cache;
    int iters;
    int64_t gas_left[4];
    int errors;
} par_arg;

static const char *const par_progs[4] = {
    "PUSH1 0x20 PUSH1 0x00 PUSH1 0x00 CALLDATACOPY PUSH1 0x40 PUSH1 0x00 KECCAK256 PUSH1 0x00 SSTORE",
    "PUSH2 0x1000 MLOAD PUSH1 0x05 PUSH1 0x03 EXP PUSH1 0x00 MSTORE PUSH1 0x20 PUSH1 0x00 RETURN",
    ("PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0x00 PUSH1 0xbb PUSH2 0x1000 CALL POP PUSH1 0xbb "
     "BALANCE"),
    "PUSH1 0x03 JUMPDEST PUSH1 0x01 SWAP1 SUB DUP1 PUSH1 0x02 JUMPI PUSH1 0x01 PUSH1 0x00 TSTORE",
};

static void *par_thread(void *p)
{
    par_arg *a = p;
    for (int it = 0; it < a->iters; it++) {
        for (int k = 0; k < 4; k++) {
            uint8_t buf[128];
            size_t n = assemble(buf, sizeof buf, par_progs[k]);
            seer_bytes32 h;
            seer_keccak256(h.bytes, buf, n);
            const seer_code *c = NULL;
            if (seer_code_cache_get(a->cache, &c, &h, buf, n) != 0) {
                a->errors++;
                continue;
            }
            mock *m = malloc(sizeof *m);
            mock_init(m);
            seer_host host = {&mock_vt, m};
            static const seer_fork forks[4] = {SEER_FORK_BERLIN, SEER_FORK_LONDON, SEER_FORK_SHANGHAI,
                                               SEER_FORK_CANCUN};
            seer_vm_config cfg = {.fork = forks[k]};
            seer_message msg;
            memset(&msg, 0, sizeof msg);
            msg.gas = 200000;
            msg.recipient = mkaddr(SELF);
            msg.sender = mkaddr(CALLER_ADDR);
            seer_result r = seer_vm_execute(&host, &cfg, &msg, c);
            free((void *)r.output_data);
            free(m);
            if (r.status != SEER_STATUS_SUCCESS)
                a->errors++;
            if (it == 0)
                a->gas_left[k] = r.gas_left;
            else if (a->gas_left[k] != r.gas_left)
                a->errors++;
        }
    }
    seer_vm_thread_cleanup();
    return NULL;
}

START_TEST(test_parallel_threads)
{
    seer_code_cache *cache = NULL;
    ck_assert_int_eq(seer_code_cache_new(&cache), 0);
    par_arg one = {cache, 1, {0}, 0};
    par_thread(&one);
    ck_assert_int_eq(one.errors, 0);
    pthread_t th[4];
    par_arg args[4];
    for (int i = 0; i < 4; i++) {
        args[i] = (par_arg){cache, 50, {0}, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, par_thread, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
        ck_assert_int_eq(args[i].errors, 0);
        for (int k = 0; k < 4; k++)
            ck_assert_int_eq(args[i].gas_left[k], one.gas_left[k]);
    }
    ck_assert_uint_eq(seer_code_cache_count(cache), 4);
    seer_code_cache_free(cache);
}
END_TEST

/* Random bytecode must never crash or return gas it did not have. */
START_TEST(test_random_code)
{
    test_rng rng;
    test_rng_init(&rng, test_seed("test_evm") ^ 0x5eed);
    uint8_t buf[256];
    for (int iter = 0; iter < 3000; iter++) {
        size_t n = 1 + test_rng_next(&rng) % sizeof buf;
        for (size_t i = 0; i < n; i++) {
            uint64_t x = test_rng_next(&rng);
            /* Bias toward small pushes so arguments stay in range sometimes. */
            buf[i] = (x & 3) == 0 ? 0x60 : (uint8_t)(x >> 8);
        }
        seer_code *c = NULL;
        ck_assert_int_eq(seer_code_analyze(&c, buf, n), 0);
        mock m;
        mock_init(&m);
        add_acct(&m, OTHER, 5, 0);
        seer_host h = {&mock_vt, &m};
        seer_vm_config cfg = {.fork = (seer_fork)(test_rng_next(&rng) % (SEER_FORK_CANCUN + 1))};
        seer_message msg;
        memset(&msg, 0, sizeof msg);
        msg.gas = 100000;
        msg.recipient = mkaddr(SELF);
        msg.sender = mkaddr(CALLER_ADDR);
        seer_result r = seer_vm_execute(&h, &cfg, &msg, c);
        ck_assert_int_ge(r.status, 0);
        ck_assert_int_ge(r.gas_left, 0);
        ck_assert_int_le(r.gas_left, 100000);
        free((void *)r.output_data);
        seer_code_free(c);
    }
}
END_TEST

static Suite *evm_suite(void)
{
    Suite *s = suite_create("evm");
    struct {
        const char *name;
        const TTest *fn;
    } cases[] = {
        {"fork_tables", test_fork_tables},
        {"arith", test_arith},
        {"gas_basic", test_gas_basic},
        {"memory", test_memory_expansion},
        {"sload_balance", test_gas_sload_balance},
        {"sstore_classic", test_sstore_classic},
        {"sstore_net", test_sstore_net},
        {"sstore_berlin_london", test_sstore_berlin_london},
        {"sstore_sentry", test_sstore_sentry_static},
        {"static_mode", test_static_mode},
        {"stack_limits", test_stack_limits},
        {"jumps", test_jumps},
        {"undefined_per_fork", test_undefined_per_fork},
        {"push_end_tracer", test_push_at_end_and_tracer},
        {"context", test_context_ops},
        {"call_gas", test_call_gas},
        {"call_soft_failures", test_call_soft_failures_and_returndata},
        {"create", test_create},
        {"selfdestruct", test_selfdestruct},
        {"logs", test_logs},
        {"refunds", test_refund_propagation},
        {"thread_cleanup", test_thread_cleanup},
        {"recursion", test_recursion_depth_1024},
        {"analysis", test_analysis},
        {"code_cache", test_code_cache},
        {"parallel_threads", test_parallel_threads},
        {"random_code", test_random_code},
    };
    for (size_t i = 0; i < SEER_ARRAY_LEN(cases); i++) {
        TCase *tc = tcase_create(cases[i].name);
        tcase_set_timeout(tc, 120);
        tcase_add_test(tc, cases[i].fn);
        suite_add_tcase(s, tc);
    }
    return s;
}

int main(void)
{
    seer_vm_thread_cleanup();
    int rc = test_run_suite(evm_suite());
    seer_vm_thread_cleanup();
    return rc;
}

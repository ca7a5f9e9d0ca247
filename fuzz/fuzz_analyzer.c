/* Fuzz target: random bytecode through the analyzer (summary build) and a
 * prediction of a call to it with the same bytes as calldata. Nothing may
 * crash, hang or exceed the budgets; a budget cut must show as "unknown".
 *
 * Built with -DSEER_LIBFUZZER and -fsanitize=fuzzer it is a libFuzzer
 * target; otherwise main() replays the files named on the command line, or
 * a set of generated seeds (make check). */
#include "analyzer/analyzer_internal.h"
#include "state/memstore.h"
#include "vm/opcodes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Return-data evaluation over the summaries it asks for, built here and
 * freed at the end. */
typedef struct rd_fuzz {
    const seer_state_reader *r;
    const seer_analyzer_options *o;
    an_summary *built[64];
    unsigned nbuilt;
} rd_fuzz;

static int rd_summary(void *ctx, const an_summary **out, const seer_address *addr, int64_t sel)
{
    rd_fuzz *z = ctx;
    *out = NULL;
    seer_account acct;
    int rc = z->r->vt->get_account(z->r->ctx, addr, &acct);
    if (rc < 0 || !acct.exists || !memcmp(&acct.code_hash, &SEER_EMPTY_CODE_HASH, 32))
        return rc < 0 ? rc : 0;
    const uint8_t *code;
    size_t len;
    if ((rc = z->r->vt->get_code(z->r->ctx, &acct.code_hash, &code, &len)) < 0)
        return rc;
    if (z->nbuilt == 64)
        return 0; /* as if no code: not derivable */
    an_summary *s = NULL;
    if ((rc = an_summary_build_sel(&s, code, len, z->o, sel)) < 0)
        return rc;
    z->built[z->nbuilt++] = s;
    *out = s;
    return 0;
}

/* Evaluates every return-data node of s in a frame calling it with data. */
static void fuzz_retdata(const an_summary *s, const seer_state_reader *r, const seer_block_env *env,
                         const seer_analyzer_options *o, const seer_address *self, const seer_address *caller,
                         const uint8_t *data, size_t size)
{
    rd_fuzz z;
    memset(&z, 0, sizeof z);
    z.r = r;
    z.o = o;
    an_rctx rc;
    memset(&rc, 0, sizeof rc);
    rc.r = r;
    rc.env = env;
    rc.origin = *caller;
    rc.max_depth = 4;
    rc.budget = 8;
    rc.summary = rd_summary;
    rc.summary_ctx = &z;
    an_rframe f;
    memset(&f, 0, sizeof f);
    f.ctx = f.code_addr = *self;
    f.caller = *caller;
    f.value_known = true;
    f.cd = data;
    f.cd_len = size;
    f.cd_len_known = true;
    unsigned evaluated = 0;
    for (uint32_t id = 1; id < s->nnodes && evaluated < 32 && rc.err == 0; id++) {
        if (s->nodes[id].kind != AN_RETDATA)
            continue;
        u256 v;
        (void)an_retdata_eval(&rc, s, &f, id, &v);
        evaluated++;
    }
    for (unsigned i = 0; i < z.nbuilt; i++)
        an_summary_free(z.built[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seer_analyzer_options o = SEER_ANALYZER_OPTIONS_INIT;
    o.max_steps = 50000;
    o.max_entry_steps = 10000;
    o.max_nodes = 20000;
    o.max_paths = 256;
    an_summary *s = NULL;
    if (an_summary_build(&s, data, size, &o) == 0) {
        if (s->steps > o.max_steps || s->selector != -1)
            abort();
        an_summary_free(s);
    }
    /* Per-entry-point builds: the selector the data starts with, and
     * empty calldata; each gets at most the whole budget. */
    int64_t sels[2] = {
        size >= 4 ? ((int64_t)data[0] << 24 | (int64_t)data[1] << 16 | (int64_t)data[2] << 8 | data[3]) : -1,
        AN_SEL_EMPTY};
    for (int i = 0; i < 2; i++) {
        s = NULL;
        if (an_summary_build_sel(&s, data, size, &o, sels[i]) == 0) {
            if (s->steps > o.max_steps || s->selector != sels[i])
                abort();
            an_summary_free(s);
        }
    }
    /* Instantiation over a state holding the code. */
    seer_memstore *ms = NULL;
    seer_analyzer *a = NULL;
    if (seer_memstore_new(&ms) < 0 || seer_analyzer_new(&a, &o) < 0)
        goto done;
    seer_address to = {{0xc0, [19] = 1}}, from = {{0xe0, [19] = 2}};
    seer_account acct = {.exists = true, .balance = U256_ONE};
    if (seer_memstore_set_account(ms, &to, &acct) < 0 || seer_memstore_set_code(ms, &to, data, size) < 0 ||
        seer_memstore_set_account(ms, &from, &acct) < 0)
        goto done;
    seer_state_reader r = seer_memstore_reader(ms);
    seer_block_env env;
    memset(&env, 0, sizeof env);
    env.fork = SEER_FORK_CANCUN;
    env.chain_id = 1;
    seer_tx tx;
    memset(&tx, 0, sizeof tx);
    tx.has_to = true;
    tx.to = to;
    tx.has_sender = true;
    tx.sender = from;
    tx.data = (uint8_t *)data;
    tx.data_len = size;
    tx.value = U256_ONE;
    seer_prediction p;
    if (seer_analyzer_predict_tx(a, &p, &tx, &env, &r) == 0)
        seer_prediction_clear(&p);
    s = NULL;
    if (an_summary_build_sel(&s, data, size, &o, sels[0]) == 0) {
        fuzz_retdata(s, &r, &env, &o, &to, &from, data, size);
        an_summary_free(s);
    }
done:
    seer_analyzer_free(a);
    seer_memstore_free(ms);
    return 0;
}

#ifndef SEER_LIBFUZZER
static uint64_t next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            FILE *f = fopen(argv[i], "rb");
            if (!f) {
                fprintf(stderr, "fuzz_analyzer: cannot open %s\n", argv[i]);
                return 1;
            }
            static uint8_t buf[1 << 16];
            size_t n = fread(buf, 1, sizeof buf, f);
            fclose(f);
            LLVMFuzzerTestOneInput(buf, n);
        }
        printf("fuzz_analyzer: %d inputs replayed\n", argc - 1);
        return 0;
    }
    /* Generated seeds: fixed, so a failure reproduces. Opcodes drawn from
     * the interesting ones (jumps, pushes, memory, storage, calls). */
    static const uint8_t pick[] = {SEER_OP_JUMPDEST,
                                   SEER_OP_JUMP,
                                   SEER_OP_JUMPI,
                                   SEER_OP_PUSH1,
                                   SEER_OP_PUSH2,
                                   SEER_OP_DUP1,
                                   SEER_OP_DUP2,
                                   SEER_OP_SWAP1,
                                   SEER_OP_SLOAD,
                                   SEER_OP_SSTORE,
                                   SEER_OP_KECCAK256,
                                   SEER_OP_CALLDATALOAD,
                                   SEER_OP_MSTORE,
                                   SEER_OP_MLOAD,
                                   SEER_OP_CALL,
                                   SEER_OP_DELEGATECALL,
                                   SEER_OP_ADD,
                                   SEER_OP_EQ,
                                   SEER_OP_CALLDATACOPY,
                                   SEER_OP_CALLER,
                                   SEER_OP_STATICCALL,
                                   SEER_OP_RETURN,
                                   SEER_OP_RETURNDATASIZE,
                                   SEER_OP_RETURNDATACOPY,
                                   SEER_OP_ADDRESS,
                                   SEER_OP_SHR,
                                   SEER_OP_LT,
                                   SEER_OP_CALLDATASIZE};
    /* A contract that STATICCALLs itself and uses the returned word as a
     * storage key and an EXTCODESIZE address, then returns a stored word:
     * return-data evaluation recursing into its own summary, to the depth
     * and budget bounds. */
    static const uint8_t self_call[] = {0x60, 0x20, 0x60, 0x00, 0x60, 0x04, 0x60, 0x00, 0x30, 0x5a, 0xfa,
                                        0x50, 0x60, 0x00, 0x51, 0x54, 0x50, 0x60, 0x00, 0x51, 0x3b, 0x50,
                                        0x60, 0x07, 0x54, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3};
    LLVMFuzzerTestOneInput(self_call, sizeof self_call);
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    static uint8_t code[6000];
    unsigned n = 0;
    for (; n < 64; n++) {
        size_t len = 1 + (size_t)(next(&x) % sizeof code);
        for (size_t i = 0; i < len; i++) {
            uint64_t r = next(&x);
            code[i] = i < 40 && i % 2 == 0 ? SEER_OP_PUSH1
                      : r % 4              ? pick[(r >> 8) % sizeof pick]
                                           : (uint8_t)(r >> 16);
        }
        LLVMFuzzerTestOneInput(code, len);
    }
    printf("fuzz_analyzer: %u generated inputs\n", n);
    return 0;
}
#endif

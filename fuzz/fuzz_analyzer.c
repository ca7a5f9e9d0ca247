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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seer_analyzer_options o = SEER_ANALYZER_OPTIONS_INIT;
    o.max_steps = 50000;
    o.max_entry_steps = 10000;
    o.max_nodes = 20000;
    o.max_paths = 256;
    an_summary *s = NULL;
    if (an_summary_build(&s, data, size, &o) == 0) {
        if (s->steps > o.max_steps)
            abort();
        an_summary_free(s);
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
    static const uint8_t pick[] = {
        SEER_OP_JUMPDEST,     SEER_OP_JUMP,         SEER_OP_JUMPI,  SEER_OP_PUSH1,        SEER_OP_PUSH2,
        SEER_OP_DUP1,         SEER_OP_DUP2,         SEER_OP_SWAP1,  SEER_OP_SLOAD,        SEER_OP_SSTORE,
        SEER_OP_KECCAK256,    SEER_OP_CALLDATALOAD, SEER_OP_MSTORE, SEER_OP_MLOAD,        SEER_OP_CALL,
        SEER_OP_DELEGATECALL, SEER_OP_ADD,          SEER_OP_EQ,     SEER_OP_CALLDATACOPY, SEER_OP_CALLER};
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

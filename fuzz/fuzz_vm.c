/* libFuzzer target: random bytecode run as a transaction through the world
 * (vm/world.h) over an in-memory store, under every fork.
 *
 * Input layout (short inputs read missing bytes as zero):
 *   [0]      fork: Frontier + byte % (Cancun - Frontier + 1)
 *   [1]      flags: bits 0-1 gas limit (100k + n * 600k), bit 2 a creation
 *            transaction (the code is initcode), bit 3 send value,
 *            bit 4 the code also sits at a second contract the code may call
 *   [2]      calldata length n (clipped to what is left)
 *   [3..3+n) calldata; the rest is the code.
 *
 * The oracle, beyond "no crash, no sanitizer report": the world never fails
 * with a store error on a memstore; a valid transaction uses at most its
 * gas limit; running the same transaction again from the same state gives
 * the same status, gas, output, logs and change set (determinism, which
 * the parallel executor relies on); the change set applies to the store
 * and the state root computes. A violated property aborts, so libFuzzer
 * reports it and the replay driver fails. */
#include "common/keccak.h"
#include "common/u256.h"
#include "state/memstore.h"
#include "vm/interp.h"
#include "vm/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const seer_address sender = {{0xf0, 0x22, 0x5e, 0x4d}};
static const seer_address target = {{0xf0, 0x22, 0x7a, 0x46}};
static const seer_address second = {{0xf0, 0x22, 0x5e, 0xc0}};
static const seer_address funded = {{0xf0, 0x22, 0xfa, 0x4d}};
/* Small addresses are what random code pushes most: 0x01..0x0a are the
 * precompiles; 0xff holds a contract too. */
static const seer_address low = {{[19] = 0xff}};

#define FUZZ_CHECK(cond, ...)                                                                                \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "fuzz_vm: %s failed: ", #cond);                                                  \
            fprintf(stderr, __VA_ARGS__);                                                                    \
            fprintf(stderr, "\n");                                                                           \
            abort();                                                                                         \
        }                                                                                                    \
    } while (0)

static void put_account(seer_memstore *s, const seer_address *a, uint64_t balance, const uint8_t *code,
                        size_t len)
{
    seer_account acct = {.exists = true};
    acct.balance = u256_from_u64(balance);
    acct.nonce = code ? 1 : 0;
    FUZZ_CHECK(seer_memstore_set_account(s, a, &acct) == 0, "set_account");
    if (code)
        FUZZ_CHECK(seer_memstore_set_code(s, a, code, len) == 0, "set_code");
}

/* A digest of everything a transaction produced, to compare two runs. */
static void digest_run(uint8_t out[32], const seer_tx_result *r, const seer_changeset *cs)
{
    seer_keccak_ctx k;
    seer_keccak_init(&k);
    int32_t st = r->status;
    seer_keccak_update(&k, &st, sizeof st);
    seer_keccak_update(&k, &r->gas_used, sizeof r->gas_used);
    seer_keccak_update(&k, &r->created, sizeof r->created);
    seer_keccak_update(&k, &r->create_address, sizeof r->create_address);
    if (r->output_len)
        seer_keccak_update(&k, r->output, r->output_len);
    seer_bytes32 logs;
    FUZZ_CHECK(seer_logs_hash(&logs, r->logs, r->nlogs) == 0, "logs hash");
    seer_keccak_update(&k, logs.bytes, 32);
    for (size_t i = 0; cs && i < cs->naccounts; i++) {
        const seer_account_change *a = &cs->accounts[i];
        seer_keccak_update(&k, &a->addr, sizeof a->addr);
        seer_keccak_update(&k, &a->account.balance, sizeof a->account.balance);
        seer_keccak_update(&k, &a->account.nonce, sizeof a->account.nonce);
        seer_keccak_update(&k, &a->account.code_hash, sizeof a->account.code_hash);
        uint8_t flags = (uint8_t)(a->account.exists | a->storage_cleared << 1 | a->code_changed << 2);
        seer_keccak_update(&k, &flags, 1);
        for (size_t j = 0; j < a->nslots; j++)
            seer_keccak_update(&k, &a->slots[j], sizeof a->slots[j]);
    }
    seer_keccak_final(&k, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t hdr[3] = {0};
    memcpy(hdr, data, size < 3 ? size : 3);
    size_t off = size < 3 ? size : 3;
    seer_fork fork = (seer_fork)(SEER_FORK_FRONTIER + hdr[0] % (SEER_FORK_CANCUN - SEER_FORK_FRONTIER + 1));
    uint8_t flags = hdr[1];
    size_t cd_len = hdr[2] < size - off ? hdr[2] : size - off;
    const uint8_t *calldata = data + off;
    const uint8_t *code = data + off + cd_len;
    size_t code_len = size - off - cd_len;

    seer_memstore *store = NULL;
    FUZZ_CHECK(seer_memstore_new(&store) == 0, "memstore_new");
    put_account(store, &sender, 1000000000000000000ull, NULL, 0);
    put_account(store, &funded, 12345, NULL, 0);
    if (flags & 4)
        put_account(store, &target, 1000, NULL, 0);
    else
        put_account(store, &target, 1000, code, code_len);
    if (flags & 16) {
        put_account(store, &second, 7, code, code_len);
        put_account(store, &low, 0, code, code_len);
    }
    seer_bytes32 bh;
    memset(&bh, 0xbb, sizeof bh);
    FUZZ_CHECK(seer_memstore_set_block_hash(store, 0, &bh) == 0, "block hash");

    seer_block_env env;
    memset(&env, 0, sizeof env);
    env.fork = fork;
    env.chain_id = 1;
    env.number = 1;
    env.timestamp = 1000;
    env.gas_limit = 30000000;
    env.coinbase.bytes[0] = 0xc0;
    env.prev_randao = u256_from_u64(0x1234567);
    env.base_fee = u256_from_u64(7);
    env.excess_blob_gas = u256_from_u64(0);

    seer_state_reader reader = seer_memstore_reader(store);
    seer_world *w = NULL;
    FUZZ_CHECK(seer_world_create(&w, &reader, &env) == 0, "world_create");

    seer_tx tx;
    memset(&tx, 0, sizeof tx);
    tx.type = 0;
    tx.gas_price = tx.max_fee = tx.max_priority_fee = u256_from_u64(10);
    tx.gas_limit = 100000 + (uint64_t)(flags & 3) * 600000;
    tx.has_sender = true;
    tx.sender = sender;
    tx.value = u256_from_u64(flags & 8 ? 777 : 0);
    if (flags & 4) {
        tx.data = (uint8_t *)code; /* initcode; the calldata bytes are unused */
        tx.data_len = code_len;
    } else {
        tx.has_to = true;
        tx.to = target;
        tx.data = (uint8_t *)calldata;
        tx.data_len = cd_len;
    }

    seer_tx_result r1, r2;
    memset(&r1, 0, sizeof r1);
    memset(&r2, 0, sizeof r2);
    uint8_t d1[32], d2[32];
    const seer_changeset *cs = NULL;

    int rc = seer_world_execute_tx(w, &r1, &tx, 0);
    FUZZ_CHECK(rc == 0, "execute_tx returned %d (%s)", rc, seer_error_detail());
    if (!r1.exception) {
        FUZZ_CHECK(r1.gas_used <= tx.gas_limit, "gas used %llu > limit %llu", (unsigned long long)r1.gas_used,
                   (unsigned long long)tx.gas_limit);
        FUZZ_CHECK(r1.status >= SEER_STATUS_SUCCESS && r1.status <= SEER_STATUS_INSUFFICIENT_BALANCE,
                   "top-level status %d", (int)r1.status);
        FUZZ_CHECK(seer_world_changeset(w, &cs) == 0, "changeset");
    }
    digest_run(d1, &r1, cs);

    /* Again from the same state: the same everything. */
    seer_world_reset(w);
    cs = NULL;
    rc = seer_world_execute_tx(w, &r2, &tx, 0);
    FUZZ_CHECK(rc == 0, "second execute_tx returned %d", rc);
    FUZZ_CHECK((r1.exception == NULL) == (r2.exception == NULL), "validity differs between runs");
    if (!r2.exception)
        FUZZ_CHECK(seer_world_changeset(w, &cs) == 0, "changeset");
    digest_run(d2, &r2, cs);
    FUZZ_CHECK(memcmp(d1, d2, 32) == 0, "two runs differ: status %d/%d gas %llu/%llu", (int)r1.status,
               (int)r2.status, (unsigned long long)r1.gas_used, (unsigned long long)r2.gas_used);
    if (cs) {
        seer_bytes32 root;
        FUZZ_CHECK(seer_memstore_apply(store, cs) == 0, "apply");
        FUZZ_CHECK(seer_memstore_state_root(store, &root) == 0, "state root");
    }

    tx.data = NULL; /* borrowed from the input */
    seer_tx_clear(&tx);
    seer_tx_result_clear(&r1);
    seer_tx_result_clear(&r2);
    seer_world_free(w);
    seer_memstore_free(store);
    return 0;
}

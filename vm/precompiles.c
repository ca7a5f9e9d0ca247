/* Precompiled contracts 0x01..0x0a: activation per fork, pricing, and
 * dispatch. The arithmetic-heavy ones live elsewhere: MODEXP in
 * vm/modexp.c, BLAKE2F in vm/blake2f.c, BN254 in vm/bn254.c, KZG in
 * vm/kzg.c. */
#include "vm/precompiles.h"

#include "common/keccak.h"
#include "common/util.h"
#include "vm/bn254.h"
#include "vm/kzg.h"
#include "vm/precompiles_impl.h"

#include <nettle/ripemd160.h>
#include <nettle/sha2.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdlib.h>
#include <string.h>

enum {
    PC_ECRECOVER = 0x01,
    PC_SHA256 = 0x02,
    PC_RIPEMD160 = 0x03,
    PC_IDENTITY = 0x04,
    PC_MODEXP = 0x05,
    PC_BN254_ADD = 0x06,
    PC_BN254_MUL = 0x07,
    PC_BN254_PAIRING = 0x08,
    PC_BLAKE2F = 0x09,
    PC_KZG_POINT_EVAL = 0x0a,
    PC_LAST = PC_KZG_POINT_EVAL,
};

/* The fork that introduced each precompile (index = address byte). */
static const seer_fork pc_activation[PC_LAST + 1] = {
    [PC_ECRECOVER] = SEER_FORK_FRONTIER,      [PC_SHA256] = SEER_FORK_FRONTIER,
    [PC_RIPEMD160] = SEER_FORK_FRONTIER,      [PC_IDENTITY] = SEER_FORK_FRONTIER,
    [PC_MODEXP] = SEER_FORK_BYZANTIUM,        /* EIP-198 */
    [PC_BN254_ADD] = SEER_FORK_BYZANTIUM,     /* EIP-196 */
    [PC_BN254_MUL] = SEER_FORK_BYZANTIUM,     /* EIP-196 */
    [PC_BN254_PAIRING] = SEER_FORK_BYZANTIUM, /* EIP-197 */
    [PC_BLAKE2F] = SEER_FORK_ISTANBUL,        /* EIP-152 */
    [PC_KZG_POINT_EVAL] = SEER_FORK_CANCUN,   /* EIP-4844 */
};

/* The fixed prices of one fork. Each fork's schedule is the previous one's
 * plus the EIPs that repriced something (see gas_schedule_for). */
typedef struct gas_schedule {
    uint64_t ecrecover;
    uint64_t sha256_base, sha256_word;
    uint64_t ripemd160_base, ripemd160_word;
    uint64_t identity_base, identity_word;
    uint64_t bn254_add, bn254_mul;
    uint64_t bn254_pairing_base, bn254_pairing_pair;
    uint64_t kzg_point_eval;
} gas_schedule;

static void gas_schedule_for(gas_schedule *g, seer_fork fork)
{
    /* Frontier (Yellow Paper appendix E), with the Byzantium additions
     * from EIP-196 / EIP-197 (unreachable before Byzantium by activation). */
    *g = (gas_schedule){
        .ecrecover = 3000,
        .sha256_base = 60,
        .sha256_word = 12,
        .ripemd160_base = 600,
        .ripemd160_word = 120,
        .identity_base = 15,
        .identity_word = 3,
        .bn254_add = 500,
        .bn254_mul = 40000,
        .bn254_pairing_base = 100000,
        .bn254_pairing_pair = 80000,
        .kzg_point_eval = 50000, /* EIP-4844 */
    };
    if (fork >= SEER_FORK_ISTANBUL) {
        /* EIP-1108: cheaper alt_bn128 operations. */
        g->bn254_add = 150;
        g->bn254_mul = 6000;
        g->bn254_pairing_base = 45000;
        g->bn254_pairing_pair = 34000;
    }
    /* EIP-2565 (Berlin) reprices MODEXP through seer_modexp_gas(). */
}

static bool pc_index(const seer_address *addr, unsigned *idx)
{
    for (int i = 0; i < 19; i++)
        if (addr->bytes[i] != 0)
            return false;
    unsigned b = addr->bytes[19];
    if (b == 0 || b > PC_LAST)
        return false;
    *idx = b;
    return true;
}

bool seer_precompile_is_active(seer_fork fork, const seer_address *addr)
{
    unsigned idx;
    if (!addr || !pc_index(addr, &idx))
        return false;
    return fork >= pc_activation[idx];
}

/* base + per_word * ceil(len / 32), saturating (len may be near SIZE_MAX
 * in principle; the product then only needs to exceed any budget). */
static uint64_t linear_gas(uint64_t base, uint64_t per_word, size_t len)
{
    uint64_t words = (uint64_t)(len / 32) + (len % 32 != 0);
    if (words > (UINT64_MAX - base) / per_word)
        return UINT64_MAX;
    return base + per_word * words;
}

static uint64_t precompile_gas(const gas_schedule *g, seer_fork fork, unsigned idx, const uint8_t *in,
                               size_t len)
{
    switch (idx) {
    case PC_ECRECOVER: return g->ecrecover;
    case PC_SHA256: return linear_gas(g->sha256_base, g->sha256_word, len);
    case PC_RIPEMD160: return linear_gas(g->ripemd160_base, g->ripemd160_word, len);
    case PC_IDENTITY: return linear_gas(g->identity_base, g->identity_word, len);
    case PC_MODEXP: return seer_modexp_gas(fork, in, len);
    case PC_BN254_ADD: return g->bn254_add;
    case PC_BN254_MUL: return g->bn254_mul;
    /* EIP-197 prices by the whole pairs present; a length that is not a
     * multiple of 192 fails at run time after this price is charged. */
    case PC_BN254_PAIRING: {
        uint64_t k = (uint64_t)(len / 192);
        if (k > (UINT64_MAX - g->bn254_pairing_base) / g->bn254_pairing_pair)
            return UINT64_MAX;
        return g->bn254_pairing_base + g->bn254_pairing_pair * k;
    }
    case PC_BLAKE2F: return seer_blake2f_gas(in, len);
    case PC_KZG_POINT_EVAL: return g->kzg_point_eval;
    default: SEER_VERIFY(0); return UINT64_MAX;
    }
}

/* Outcome of running a priced precompile: RUN_OK (output set), RUN_FAIL
 * (exceptional halt, all gas consumed), or a negative seer_error. */
enum { RUN_OK = 0, RUN_FAIL = 1 };

static int out_alloc(uint8_t **out, size_t *out_len, size_t n)
{
    *out = malloc(n);
    if (!*out)
        return seer_err(SEER_ENOMEM, "precompile: cannot allocate %zu output bytes", n);
    *out_len = n;
    return RUN_OK;
}

static int out_copy(uint8_t **out, size_t *out_len, const uint8_t *data, size_t n)
{
    if (n == 0)
        return RUN_OK;
    int rc = out_alloc(out, out_len, n);
    if (rc == RUN_OK)
        memcpy(*out, data, n);
    return rc;
}

/* Returns true when the 32-byte big-endian value is in [1, n-1] for the
 * secp256k1 group order n. */
static bool secp256k1_scalar_in_range(const uint8_t v[32])
{
    static const uint8_t order[32] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
    };
    static const uint8_t zero[32];
    return memcmp(v, zero, 32) != 0 && memcmp(v, order, 32) < 0;
}

/* ECRECOVER: hash | v | r | s, right-padded to 128 bytes. A signature that
 * does not recover is not a failure: the call succeeds with empty output
 * (Yellow Paper appendix E). Unlike transaction signatures (EIP-2), s is
 * not required to be in the lower half of the order. */
static int run_ecrecover(uint8_t **out, size_t *out_len, const uint8_t *in, size_t len)
{
    uint8_t buf[128] = {0};
    memcpy(buf, in, len < sizeof buf ? len : sizeof buf);
    const uint8_t *hash = buf, *v = buf + 32, *rs = buf + 64;
    for (int i = 0; i < 31; i++)
        if (v[i] != 0)
            return RUN_OK;
    if (v[31] != 27 && v[31] != 28)
        return RUN_OK;
    if (!secp256k1_scalar_in_range(rs) || !secp256k1_scalar_in_range(rs + 32))
        return RUN_OK;

    /* Recovery needs no secret-key tables, so the library's static context
     * serves every thread without set-up or locking. */
    const secp256k1_context *ctx = secp256k1_context_static;
    secp256k1_ecdsa_recoverable_signature sig;
    secp256k1_pubkey pub;
    if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, rs, v[31] - 27))
        return RUN_OK;
    if (!secp256k1_ecdsa_recover(ctx, &pub, &sig, hash))
        return RUN_OK;
    uint8_t ser[65];
    size_t ser_len = sizeof ser;
    if (!secp256k1_ec_pubkey_serialize(ctx, ser, &ser_len, &pub, SECP256K1_EC_UNCOMPRESSED) || ser_len != 65)
        return RUN_OK;
    /* The address is the last 20 bytes of keccak256(X | Y), left-padded to
     * a 32-byte word. */
    uint8_t digest[32];
    seer_keccak256(digest, ser + 1, 64);
    int rc = out_alloc(out, out_len, 32);
    if (rc != RUN_OK)
        return rc;
    memset(*out, 0, 12);
    memcpy(*out + 12, digest + 12, 20);
    return RUN_OK;
}

static int run_sha256(uint8_t **out, size_t *out_len, const uint8_t *in, size_t len)
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, in);
    int rc = out_alloc(out, out_len, SHA256_DIGEST_SIZE);
    if (rc == RUN_OK)
        sha256_digest(&ctx, SHA256_DIGEST_SIZE, *out);
    return rc;
}

static int run_ripemd160(uint8_t **out, size_t *out_len, const uint8_t *in, size_t len)
{
    struct ripemd160_ctx ctx;
    ripemd160_init(&ctx);
    ripemd160_update(&ctx, len, in);
    int rc = out_alloc(out, out_len, 32);
    if (rc != RUN_OK)
        return rc;
    /* The 20-byte digest is returned as a left-padded 32-byte word. */
    memset(*out, 0, 12);
    ripemd160_digest(&ctx, RIPEMD160_DIGEST_SIZE, *out + 12);
    return RUN_OK;
}

static int run_bn254_add_mul(uint8_t **out, size_t *out_len, const uint8_t *in, size_t len, bool mul)
{
    uint8_t res[64];
    bool ok = mul ? seer_bn254_mul(res, in, len) : seer_bn254_add(res, in, len);
    return ok ? out_copy(out, out_len, res, sizeof res) : RUN_FAIL;
}

static int run_bn254_pairing(uint8_t **out, size_t *out_len, const uint8_t *in, size_t len)
{
    bool result = false;
    if (!seer_bn254_pairing_check(&result, in, len))
        return RUN_FAIL;
    int rc = out_alloc(out, out_len, 32);
    if (rc != RUN_OK)
        return rc;
    memset(*out, 0, 32);
    (*out)[31] = result ? 1 : 0;
    return RUN_OK;
}

static int run_blake2f(uint8_t **out, size_t *out_len, const uint8_t *in, size_t len)
{
    uint8_t res[64];
    if (!seer_blake2f_run(res, in, len))
        return RUN_FAIL;
    return out_copy(out, out_len, res, sizeof res);
}

static int run_kzg(uint8_t **out, size_t *out_len, const uint8_t *in, size_t len)
{
    uint8_t res[64];
    if (!seer_kzg_point_evaluation(res, in, len))
        return RUN_FAIL;
    return out_copy(out, out_len, res, sizeof res);
}

static int precompile_exec(unsigned idx, uint8_t **out, size_t *out_len, const uint8_t *in, size_t len)
{
    switch (idx) {
    case PC_ECRECOVER: return run_ecrecover(out, out_len, in, len);
    case PC_SHA256: return run_sha256(out, out_len, in, len);
    case PC_RIPEMD160: return run_ripemd160(out, out_len, in, len);
    case PC_IDENTITY: return out_copy(out, out_len, in, len);
    case PC_MODEXP: return seer_modexp_run(out, out_len, in, len);
    case PC_BN254_ADD: return run_bn254_add_mul(out, out_len, in, len, false);
    case PC_BN254_MUL: return run_bn254_add_mul(out, out_len, in, len, true);
    case PC_BN254_PAIRING: return run_bn254_pairing(out, out_len, in, len);
    case PC_BLAKE2F: return run_blake2f(out, out_len, in, len);
    case PC_KZG_POINT_EVAL: return run_kzg(out, out_len, in, len);
    default: SEER_VERIFY(0); return RUN_FAIL;
    }
}

int seer_precompile_run(seer_precompile_result *out, seer_fork fork, const seer_address *addr,
                        const uint8_t *input, size_t input_len, int64_t gas)
{
    if (!out || !addr || (!input && input_len > 0))
        return seer_err(SEER_EINVAL, "seer_precompile_run: NULL argument");
    memset(out, 0, sizeof *out);
    if (gas < 0)
        return seer_err(SEER_EINVAL, "seer_precompile_run: negative gas %lld", (long long)gas);
    unsigned idx;
    if (!seer_precompile_is_active(fork, addr) || !pc_index(addr, &idx))
        return seer_err(SEER_EINVAL, "seer_precompile_run: address 0x..%02x is not a precompile under %s",
                        addr->bytes[19], seer_fork_name(fork));
    static const uint8_t empty[1];
    if (!input)
        input = empty;

    gas_schedule g;
    gas_schedule_for(&g, fork);
    /* Price first: nothing (in particular MODEXP with huge declared
     * lengths) runs or allocates unless the budget covers it. */
    uint64_t cost = precompile_gas(&g, fork, idx, input, input_len);
    if (cost > (uint64_t)gas) {
        out->status = SEER_PRECOMPILE_OUT_OF_GAS;
        out->gas_used = gas;
        return 0;
    }
    int rc = precompile_exec(idx, &out->output, &out->output_len, input, input_len);
    if (rc < 0) {
        free(out->output);
        memset(out, 0, sizeof *out);
        return rc;
    }
    if (rc == RUN_FAIL) {
        free(out->output);
        out->output = NULL;
        out->output_len = 0;
        out->status = SEER_PRECOMPILE_FAILURE;
        out->gas_used = gas;
        return 0;
    }
    out->status = SEER_PRECOMPILE_SUCCESS;
    out->gas_used = (int64_t)cost;
    return 0;
}

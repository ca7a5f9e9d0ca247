/* Precompiles 0x01..0x0a: activation per fork, exact gas per EIP, and
 * results checked against independent computations (libsecp256k1 signing,
 * nettle digests and Keccak permutation, GMP's mpz_powm, the EIP-152
 * vectors). BN254 and KZG math is tested in their own suites; here only
 * dispatch and pricing. */
#include "tests/test_util.h"

#include "common/util.h"
#include "vm/precompiles.h"
#include "vm/precompiles_impl.h"

#include <gmp.h>
#include <nettle/ripemd160.h>
#include <nettle/sha2.h>
#include <nettle/sha3.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

/* ---- helpers ------------------------------------------------------------ */

static seer_address pc_addr(unsigned b)
{
    seer_address a;
    memset(&a, 0, sizeof a);
    a.bytes[19] = (uint8_t)b;
    return a;
}

/* Runs precompile `b` and checks the call itself did not error. */
static seer_precompile_result run_pc(seer_fork fork, unsigned b, const uint8_t *in, size_t len, int64_t gas)
{
    seer_precompile_result r;
    seer_address a = pc_addr(b);
    int rc = seer_precompile_run(&r, fork, &a, in, len, gas);
    ck_assert_int_eq(rc, 0);
    ck_assert(r.output_len == 0 || r.output != NULL);
    ck_assert(r.output_len != 0 || r.output == NULL);
    return r;
}

static size_t unhex(uint8_t *out, size_t cap, const char *hex)
{
    size_t n = strlen(hex) / 2;
    ck_assert_uint_le(n, cap);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        ck_assert_int_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
    return n;
}

static uint64_t words32(size_t len)
{
    return (len + 31) / 32;
}

/* Keccak-256 (pre-FIPS padding) built on nettle's Keccak-f permutation, so
 * the expected addresses do not depend on seer's own keccak. */
static void ref_keccak256(uint8_t out[32], const uint8_t *data, size_t len)
{
    struct sha3_state st;
    memset(&st, 0, sizeof st);
    uint8_t block[136];
    for (;;) {
        size_t n = len < 136 ? len : 136;
        memset(block, 0, sizeof block);
        if (n)
            memcpy(block, data, n);
        if (n < 136) {
            block[n] ^= 0x01;
            block[135] ^= 0x80;
        }
        for (int i = 0; i < 17; i++) {
            uint64_t lane = 0;
            for (int j = 7; j >= 0; j--)
                lane = (lane << 8) | block[8 * i + j];
            st.a[i] ^= lane;
        }
        sha3_permute(&st);
        if (n < 136)
            break;
        data += n;
        len -= n;
    }
    for (int i = 0; i < 32; i++)
        out[i] = (uint8_t)(st.a[i / 8] >> (8 * (i % 8)));
}

/* ---- activation ----------------------------------------------------------- */

START_TEST(test_activation)
{
    /* The fork that introduced each address (EIP-198/196/197 Byzantium,
     * EIP-152 Istanbul, EIP-4844 Cancun). */
    static const seer_fork introduced[11] = {
        SEER_FORK_COUNT,     SEER_FORK_FRONTIER,  SEER_FORK_FRONTIER,  SEER_FORK_FRONTIER,
        SEER_FORK_FRONTIER,  SEER_FORK_BYZANTIUM, SEER_FORK_BYZANTIUM, SEER_FORK_BYZANTIUM,
        SEER_FORK_BYZANTIUM, SEER_FORK_ISTANBUL,  SEER_FORK_CANCUN,
    };
    int active = 0;
    for (int f = SEER_FORK_FRONTIER; f <= SEER_FORK_CANCUN; f++) {
        for (unsigned b = 0; b <= 0x0b; b++) {
            seer_address a = pc_addr(b);
            bool want = b >= 1 && b <= 0x0a && f >= (int)introduced[b];
            ck_assert_msg(seer_precompile_is_active((seer_fork)f, &a) == want, "fork %d addr %u", f, b);
            active += want;
        }
    }
    /* 4 x 4 (Frontier..Spurious) + 8 x 3 (Byzantium..Petersburg) + 9 x 5
     * (Istanbul..Shanghai) + 10 (Cancun). */
    ck_assert_int_eq(active, 16 + 24 + 45 + 10);

    /* Only the low byte may be set. */
    seer_address a = pc_addr(1);
    a.bytes[0] = 1;
    ck_assert(!seer_precompile_is_active(SEER_FORK_CANCUN, &a));
    a = pc_addr(1);
    a.bytes[18] = 1;
    ck_assert(!seer_precompile_is_active(SEER_FORK_CANCUN, &a));
    ck_assert(!seer_precompile_is_active(SEER_FORK_CANCUN, NULL));

    /* Running an inactive address is API misuse, not an EVM outcome. */
    seer_precompile_result r;
    seer_address blake = pc_addr(9), kzg = pc_addr(0x0a), zero = pc_addr(0);
    ck_assert_int_eq(seer_precompile_run(&r, SEER_FORK_PETERSBURG, &blake, NULL, 0, 100), SEER_EINVAL);
    ck_assert_int_eq(seer_precompile_run(&r, SEER_FORK_SHANGHAI, &kzg, NULL, 0, 100000), SEER_EINVAL);
    ck_assert_int_eq(seer_precompile_run(&r, SEER_FORK_CANCUN, &zero, NULL, 0, 100), SEER_EINVAL);
    ck_assert_int_eq(seer_precompile_run(NULL, SEER_FORK_CANCUN, &blake, NULL, 0, 100), SEER_EINVAL);
    ck_assert_int_eq(seer_precompile_run(&r, SEER_FORK_CANCUN, NULL, NULL, 0, 100), SEER_EINVAL);
    ck_assert_int_eq(seer_precompile_run(&r, SEER_FORK_CANCUN, &blake, NULL, 5, 100), SEER_EINVAL);
    ck_assert_int_eq(seer_precompile_run(&r, SEER_FORK_CANCUN, &blake, NULL, 0, -1), SEER_EINVAL);
}
END_TEST

/* ---- exact gas ---------------------------------------------------------------- */

/* Checks that `cost` is the exact price: cost - 1 runs out of gas (using all
 * of it) and cost does not, charging exactly cost (a FAILURE also reports
 * the gas given, which is cost). */
static void assert_exact_price(seer_fork fork, unsigned b, const uint8_t *in, size_t len, int64_t cost)
{
    seer_precompile_result r;
    if (cost > 0) {
        r = run_pc(fork, b, in, len, cost - 1);
        ck_assert_msg(r.status == SEER_PRECOMPILE_OUT_OF_GAS, "pc %u fork %d len %zu: %lld-1 not OOG", b,
                      fork, len, (long long)cost);
        ck_assert_int_eq(r.gas_used, cost - 1);
        ck_assert_uint_eq(r.output_len, 0);
    }
    r = run_pc(fork, b, in, len, cost);
    ck_assert_msg(r.status != SEER_PRECOMPILE_OUT_OF_GAS, "pc %u fork %d len %zu: %lld is OOG", b, fork, len,
                  (long long)cost);
    ck_assert_int_eq(r.gas_used, cost);
    free(r.output);
    /* More gas than needed: still charged only the price on success. */
    r = run_pc(fork, b, in, len, cost + 1000);
    if (r.status == SEER_PRECOMPILE_SUCCESS)
        ck_assert_int_eq(r.gas_used, cost);
    else
        ck_assert_int_eq(r.gas_used, cost + 1000);
    free(r.output);
}

START_TEST(test_gas_hashes_identity)
{
    static uint8_t buf[1000];
    static const size_t lens[] = {0, 1, 31, 32, 33, 64, 65, 999};
    for (int f = SEER_FORK_FRONTIER; f <= SEER_FORK_CANCUN; f++) {
        /* ECRECOVER: 3000 flat (Yellow Paper appendix E). */
        assert_exact_price((seer_fork)f, 1, buf, 128, 3000);
        assert_exact_price((seer_fork)f, 1, buf, 0, 3000);
        for (size_t i = 0; i < SEER_ARRAY_LEN(lens); i++) {
            size_t n = lens[i];
            uint64_t w = words32(n);
            assert_exact_price((seer_fork)f, 2, buf, n, (int64_t)(60 + 12 * w));
            assert_exact_price((seer_fork)f, 3, buf, n, (int64_t)(600 + 120 * w));
            assert_exact_price((seer_fork)f, 4, buf, n, (int64_t)(15 + 3 * w));
        }
    }
    /* Hand-checked instances: 33 bytes = 2 words. */
    assert_exact_price(SEER_FORK_CANCUN, 2, buf, 33, 84);
    assert_exact_price(SEER_FORK_CANCUN, 3, buf, 33, 840);
    assert_exact_price(SEER_FORK_CANCUN, 4, buf, 33, 21);
}
END_TEST

START_TEST(test_gas_bn254_kzg)
{
    static uint8_t buf[192 * 3 + 7];
    for (int f = SEER_FORK_BYZANTIUM; f <= SEER_FORK_CANCUN; f++) {
        bool eip1108 = f >= SEER_FORK_ISTANBUL;
        /* EIP-196 add 500 / mul 40000; EIP-1108 from Istanbul: 150 / 6000. */
        assert_exact_price((seer_fork)f, 6, buf, 128, eip1108 ? 150 : 500);
        assert_exact_price((seer_fork)f, 7, buf, 96, eip1108 ? 6000 : 40000);
        /* EIP-197 100000 + 80000 k; EIP-1108: 45000 + 34000 k. */
        for (size_t k = 0; k <= 3; k++)
            assert_exact_price((seer_fork)f, 8, buf, 192 * k,
                               eip1108 ? 45000 + 34000 * (int64_t)k : 100000 + 80000 * (int64_t)k);
        /* A ragged length is priced by whole pairs, then fails. */
        assert_exact_price((seer_fork)f, 8, buf, 192 + 7, eip1108 ? 79000 : 180000);
    }
    /* EIP-4844 point evaluation: 50000 flat. */
    assert_exact_price(SEER_FORK_CANCUN, 0x0a, buf, 192, 50000);
    assert_exact_price(SEER_FORK_CANCUN, 0x0a, buf, 0, 50000);
}
END_TEST

/* ---- SHA-256 / RIPEMD-160 / identity ------------------------------------------ */

START_TEST(test_hash_known_vectors)
{
    /* FIPS 180-2 and the RIPEMD-160 authors' vectors for "" and "abc". */
    static const struct {
        const char *msg, *sha256, *ripemd160;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "9c1185a5c5e9fc54612808977ee8f548b2258d31"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
         "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
    };
    for (size_t i = 0; i < SEER_ARRAY_LEN(v); i++) {
        const uint8_t *in = (const uint8_t *)v[i].msg;
        size_t len = strlen(v[i].msg);
        uint8_t want[32] = {0};
        unhex(want, 32, v[i].sha256);
        seer_precompile_result r = run_pc(SEER_FORK_FRONTIER, 2, len ? in : NULL, len, 1000);
        ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
        ck_assert_uint_eq(r.output_len, 32);
        ck_assert_mem_eq(r.output, want, 32);
        free(r.output);

        memset(want, 0, sizeof want);
        unhex(want + 12, 20, v[i].ripemd160);
        r = run_pc(SEER_FORK_CANCUN, 3, len ? in : NULL, len, 1000);
        ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
        ck_assert_uint_eq(r.output_len, 32);
        ck_assert_mem_eq(r.output, want, 32); /* 12 zero bytes, then the digest */
        free(r.output);
    }
    /* Identity of nothing is nothing, and costs the base. */
    seer_precompile_result r = run_pc(SEER_FORK_FRONTIER, 4, NULL, 0, 15);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_uint_eq(r.output_len, 0);
    ck_assert_int_eq(r.gas_used, 15);
}
END_TEST

START_TEST(test_hash_random_vs_nettle)
{
    test_rng rng;
    test_rng_init(&rng, test_seed("precompiles") ^ 0x5a5a);
    static uint8_t buf[700];
    for (int iter = 0; iter < 200; iter++) {
        size_t len = (size_t)(test_rng_next(&rng) % sizeof buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)test_rng_next(&rng);

        uint8_t want[32];
        struct sha256_ctx sctx;
        sha256_init(&sctx);
        sha256_update(&sctx, len, buf);
        sha256_digest(&sctx, 32, want);
        seer_precompile_result r = run_pc(SEER_FORK_BERLIN, 2, buf, len, 100000);
        ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
        ck_assert_int_eq(r.gas_used, (int64_t)(60 + 12 * words32(len)));
        ck_assert_uint_eq(r.output_len, 32);
        ck_assert_mem_eq(r.output, want, 32);
        free(r.output);

        struct ripemd160_ctx rctx;
        memset(want, 0, sizeof want);
        ripemd160_init(&rctx);
        ripemd160_update(&rctx, len, buf);
        ripemd160_digest(&rctx, 20, want + 12);
        r = run_pc(SEER_FORK_BERLIN, 3, buf, len, 100000);
        ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
        ck_assert_uint_eq(r.output_len, 32);
        ck_assert_mem_eq(r.output, want, 32);
        free(r.output);

        r = run_pc(SEER_FORK_BERLIN, 4, buf, len, 100000);
        ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
        ck_assert_uint_eq(r.output_len, len);
        if (len)
            ck_assert_mem_eq(r.output, buf, len);
        free(r.output);
    }
}
END_TEST

/* ---- ECRECOVER ------------------------------------------------------------------ */

static const uint8_t secp_order[32] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
};

/* out = a - b (32-byte big-endian, a >= b). */
static void sub256(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = (int)a[i] - (int)b[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

typedef struct signed_case {
    uint8_t input[128]; /* hash | v | r | s */
    uint8_t want[32];   /* left-padded address */
} signed_case;

static void make_signed_case(signed_case *c, secp256k1_context *ctx, test_rng *rng)
{
    uint8_t key[32];
    do {
        for (int i = 0; i < 32; i++)
            key[i] = (uint8_t)test_rng_next(rng);
    } while (!secp256k1_ec_seckey_verify(ctx, key));
    memset(c->input, 0, sizeof c->input);
    for (int i = 0; i < 32; i++)
        c->input[i] = (uint8_t)test_rng_next(rng);

    secp256k1_ecdsa_recoverable_signature sig;
    ck_assert(secp256k1_ecdsa_sign_recoverable(ctx, &sig, c->input, key, NULL, NULL));
    int recid;
    ck_assert(secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, c->input + 64, &recid, &sig));
    c->input[63] = (uint8_t)(27 + recid);

    secp256k1_pubkey pub;
    ck_assert(secp256k1_ec_pubkey_create(ctx, &pub, key));
    uint8_t ser[65], digest[32];
    size_t n = sizeof ser;
    ck_assert(secp256k1_ec_pubkey_serialize(ctx, ser, &n, &pub, SECP256K1_EC_UNCOMPRESSED));
    ref_keccak256(digest, ser + 1, 64);
    memset(c->want, 0, 12);
    memcpy(c->want + 12, digest + 12, 20);
}

/* A bad signature is not a failure: SUCCESS, 3000 gas, empty output. */
static void assert_no_recovery(const uint8_t *in, size_t len, const char *what)
{
    seer_precompile_result r = run_pc(SEER_FORK_CANCUN, 1, in, len, 5000);
    ck_assert_msg(r.status == SEER_PRECOMPILE_SUCCESS, "%s: status %d", what, r.status);
    ck_assert_int_eq(r.gas_used, 3000);
    ck_assert_msg(r.output_len == 0, "%s: recovered something", what);
}

START_TEST(test_ecrecover_keccak_ref)
{
    /* The test's own Keccak must match the published empty-input digest
     * before it can judge addresses. */
    uint8_t d[32], want[32];
    ref_keccak256(d, NULL, 0);
    unhex(want, 32, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    ck_assert_mem_eq(d, want, 32);
}
END_TEST

START_TEST(test_ecrecover_valid)
{
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    test_rng rng;
    test_rng_init(&rng, test_seed("precompiles") ^ 0xec);
    for (int iter = 0; iter < 50; iter++) {
        signed_case c;
        make_signed_case(&c, ctx, &rng);
        seer_fork fork = iter % 2 ? SEER_FORK_FRONTIER : SEER_FORK_CANCUN;
        seer_precompile_result r = run_pc(fork, 1, c.input, 128, 3000);
        ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
        ck_assert_int_eq(r.gas_used, 3000);
        ck_assert_uint_eq(r.output_len, 32);
        ck_assert_mem_eq(r.output, c.want, 32);
        free(r.output);

        /* Bytes past 128 are ignored. */
        uint8_t longer[160];
        memcpy(longer, c.input, 128);
        memset(longer + 128, 0xab, 32);
        r = run_pc(fork, 1, longer, sizeof longer, 3000);
        ck_assert_uint_eq(r.output_len, 32);
        ck_assert_mem_eq(r.output, c.want, 32);
        free(r.output);

        /* High s: (r, n - s) with the other parity recovers the same key;
         * the precompile has no EIP-2 low-s rule. */
        uint8_t high[128];
        memcpy(high, c.input, 128);
        sub256(high + 96, secp_order, c.input + 96);
        high[63] = c.input[63] == 27 ? 28 : 27;
        r = run_pc(fork, 1, high, 128, 3000);
        ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
        ck_assert_uint_eq(r.output_len, 32);
        ck_assert_mem_eq(r.output, c.want, 32);
        free(r.output);

        /* The wrong parity recovers some other key (or none). */
        high[63] = c.input[63];
        r = run_pc(fork, 1, high, 128, 3000);
        ck_assert(r.output_len == 0 || memcmp(r.output, c.want, 32) != 0);
        free(r.output);
    }
    secp256k1_context_destroy(ctx);
}
END_TEST

START_TEST(test_ecrecover_invalid)
{
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    test_rng rng;
    test_rng_init(&rng, test_seed("precompiles") ^ 0xbad);
    signed_case c;
    make_signed_case(&c, ctx, &rng);
    uint8_t in[128];

    /* v must be exactly 27 or 28 as a 32-byte word. */
    static const uint8_t bad_v[] = {0, 1, 26, 29, 27 + 4, 255};
    for (size_t i = 0; i < sizeof bad_v; i++) {
        memcpy(in, c.input, 128);
        in[63] = bad_v[i];
        assert_no_recovery(in, 128, "bad v");
    }
    memcpy(in, c.input, 128);
    in[62] = 1; /* v = 256 + 27 */
    assert_no_recovery(in, 128, "v upper bytes");
    memcpy(in, c.input, 128);
    in[32] = 0x80;
    assert_no_recovery(in, 128, "v top byte");

    /* r and s must be in [1, n-1]. */
    memcpy(in, c.input, 128);
    memset(in + 64, 0, 32);
    assert_no_recovery(in, 128, "r = 0");
    memcpy(in, c.input, 128);
    memset(in + 96, 0, 32);
    assert_no_recovery(in, 128, "s = 0");
    memcpy(in, c.input, 128);
    memcpy(in + 64, secp_order, 32);
    assert_no_recovery(in, 128, "r = n");
    memcpy(in, c.input, 128);
    memcpy(in + 96, secp_order, 32);
    assert_no_recovery(in, 128, "s = n");
    memcpy(in, c.input, 128);
    memset(in + 96, 0xff, 32);
    assert_no_recovery(in, 128, "s = 2^256-1");

    /* An r that is no curve point's x-coordinate: found by asking
     * libsecp256k1 directly, then the precompile must agree. */
    memcpy(in, c.input, 128);
    in[63] = 27;
    memset(in + 96, 0, 32);
    in[127] = 1;
    bool found = false;
    for (unsigned x = 1; x < 64 && !found; x++) {
        memset(in + 64, 0, 32);
        in[95] = (uint8_t)x;
        secp256k1_ecdsa_recoverable_signature sig;
        secp256k1_pubkey pub;
        ck_assert(secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, in + 64, 0));
        found = !secp256k1_ecdsa_recover(ctx, &pub, &sig, in);
    }
    ck_assert(found);
    assert_no_recovery(in, 128, "r not an x-coordinate");

    /* Short input: zero-padded to 128, so v = 0 and nothing recovers; an
     * input cut inside s pads s with zeros (a different, valid s). */
    assert_no_recovery(NULL, 0, "empty");
    assert_no_recovery(c.input, 63, "cut before v");
    assert_no_recovery(c.input, 64, "cut after v");
    seer_precompile_result r = run_pc(SEER_FORK_CANCUN, 1, c.input, 127, 3000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    memcpy(in, c.input, 128);
    in[127] = 0;
    seer_precompile_result r2 = run_pc(SEER_FORK_CANCUN, 1, in, 128, 3000);
    ck_assert_uint_eq(r.output_len, r2.output_len);
    if (r.output_len)
        ck_assert_mem_eq(r.output, r2.output, r.output_len);
    free(r.output);
    free(r2.output);
    secp256k1_context_destroy(ctx);
}
END_TEST

/* ---- MODEXP --------------------------------------------------------------------- */

static void put_len(uint8_t *p, uint64_t v)
{
    memset(p, 0, 32);
    for (int i = 0; i < 8; i++)
        p[31 - i] = (uint8_t)(v >> (8 * i));
}

/* Builds header + body; body may be shorter than the lengths declare. */
static size_t modexp_input(uint8_t *out, uint64_t bl, uint64_t el, uint64_t ml, const uint8_t *body,
                           size_t body_len)
{
    put_len(out, bl);
    put_len(out + 32, el);
    put_len(out + 64, ml);
    memcpy(out + 96, body, body_len);
    return 96 + body_len;
}

/* The EIP-198 / EIP-2565 price computed with unbounded GMP integers,
 * straight from the EIPs' pseudo-code. */
static void ref_modexp_gas(mpz_t gas, seer_fork fork, const uint8_t *in, size_t len)
{
    mpz_t bl, el, ml, x, head, adj, t;
    mpz_inits(bl, el, ml, x, head, adj, t, NULL);
    uint8_t hdr[96] = {0};
    memcpy(hdr, in, len < 96 ? len : 96);
    mpz_import(bl, 32, 1, 1, 1, 0, hdr);
    mpz_import(el, 32, 1, 1, 1, 0, hdr + 32);
    mpz_import(ml, 32, 1, 1, 1, 0, hdr + 64);
    /* Exponent head: the first min(exp_len, 32) bytes at 96 + base_len. */
    uint8_t hb[32] = {0};
    size_t hn = mpz_cmp_ui(el, 32) < 0 ? mpz_get_ui(el) : 32;
    if (mpz_cmp_ui(bl, len) < 0) {
        size_t off = 96 + mpz_get_ui(bl);
        for (size_t i = 0; i < hn && off + i < len; i++)
            hb[i] = in[off + i];
    }
    mpz_import(head, hn, 1, 1, 1, 0, hb);
    size_t hbits = mpz_sgn(head) ? mpz_sizeinbase(head, 2) : 0;
    mpz_set_ui(adj, hbits ? hbits - 1 : 0);
    if (mpz_cmp_ui(el, 32) > 0) {
        mpz_sub_ui(t, el, 32);
        mpz_mul_ui(t, t, 8);
        mpz_add(adj, adj, t);
    }
    if (mpz_cmp_ui(adj, 1) < 0)
        mpz_set_ui(adj, 1);
    mpz_set(x, mpz_cmp(bl, ml) > 0 ? bl : ml);
    if (fork >= SEER_FORK_BERLIN) {
        mpz_cdiv_q_ui(t, x, 8);
        mpz_mul(t, t, t);
        mpz_mul(t, t, adj);
        mpz_fdiv_q_ui(gas, t, 3);
        if (mpz_cmp_ui(gas, 200) < 0)
            mpz_set_ui(gas, 200);
    } else {
        mpz_mul(t, x, x);
        if (mpz_cmp_ui(x, 64) <= 0) {
            /* x^2 */
        } else if (mpz_cmp_ui(x, 1024) <= 0) {
            mpz_fdiv_q_ui(t, t, 4);
            mpz_addmul_ui(t, x, 96);
            mpz_sub_ui(t, t, 3072);
        } else {
            mpz_fdiv_q_ui(t, t, 16);
            mpz_addmul_ui(t, x, 480);
            mpz_sub_ui(t, t, 199680);
        }
        mpz_mul(t, t, adj);
        mpz_fdiv_q_ui(gas, t, 20);
    }
    mpz_clears(bl, el, ml, x, head, adj, t, NULL);
}

static void assert_gas_matches_ref(seer_fork fork, const uint8_t *in, size_t len)
{
    mpz_t g;
    mpz_init(g);
    ref_modexp_gas(g, fork, in, len);
    uint64_t got = seer_modexp_gas(fork, in, len);
    if (mpz_cmp_ui(g, INT64_MAX) > 0)
        ck_assert_uint_eq(got, UINT64_MAX);
    else
        ck_assert_uint_eq(got, mpz_get_ui(g));
    mpz_clear(g);
}

/* Hand-derived prices, each from the EIP's formula written out. */
START_TEST(test_modexp_gas_by_hand)
{
    static uint8_t in[96 + 4200];
    uint8_t body[200];
    size_t n;

    /* EIP-198's own example: 3^(p-1) mod p with p = 2^256 - 2^32 - 977:
     * base_len 1, exp_len 32, mod_len 32. x = 32, exponent head has 256
     * bits so adj = 255.
     * EIP-198: 32^2 * 255 / 20 = 261120 / 20 = 13056.
     * EIP-2565: ceil(32/8)^2 = 16; 16 * 255 / 3 = 1360. */
    body[0] = 3;
    memset(body + 1, 0xff, 32); /* exponent p - 1 = ff..ff fffffffe fffffc2e */
    body[1 + 27] = 0xfe;
    body[1 + 28] = 0xff;
    body[1 + 29] = 0xff;
    body[1 + 30] = 0xfc;
    body[1 + 31] = 0x2e;
    memset(body + 33, 0xff, 32);
    body[33 + 27] = 0xfe;
    body[33 + 28] = 0xff;
    body[33 + 29] = 0xff;
    body[33 + 30] = 0xfc;
    body[33 + 31] = 0x2f;
    n = modexp_input(in, 1, 32, 32, body, 65);
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BYZANTIUM, in, n), 13056);
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BERLIN, in, n), 1360);
    seer_precompile_result r = run_pc(SEER_FORK_BYZANTIUM, 5, in, n, 13056);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_int_eq(r.gas_used, 13056);
    ck_assert_uint_eq(r.output_len, 32);
    uint8_t one[32] = {0};
    one[31] = 1; /* Fermat: 3^(p-1) = 1 mod p */
    ck_assert_mem_eq(r.output, one, 32);
    free(r.output);
    assert_exact_price(SEER_FORK_BERLIN, 5, in, n, 1360);
    assert_exact_price(SEER_FORK_ISTANBUL, 5, in, n, 13056);

    /* Exponent longer than 32 bytes: base 64, exp 33 (first byte 0x01,
     * head bit length 249), mod 64. adj = 8 * (33 - 32) + 248 = 256.
     * EIP-198: 64^2 = 4096; 4096 * 256 / 20 = 52428 (52428.8 floored).
     * EIP-2565: ceil(64/8)^2 = 64; 64 * 256 / 3 = 5461 (5461.33). */
    memset(in, 0, sizeof in);
    n = modexp_input(in, 64, 33, 64, body, 0);
    in[96 + 64] = 0x01;
    n = 96 + 64 + 33 + 64;
    in[n - 1] = 7;
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BYZANTIUM, in, n), 52428);
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BERLIN, in, n), 5461);
    assert_exact_price(SEER_FORK_PETERSBURG, 5, in, n, 52428);
    assert_exact_price(SEER_FORK_LONDON, 5, in, n, 5461);

    /* Middle branch: x = 100, exp = 0x03 (1 byte, adj = 1).
     * EIP-198: 100^2 / 4 + 96 * 100 - 3072 = 2500 + 9600 - 3072 = 9028;
     * 9028 * 1 / 20 = 451. EIP-2565: ceil(100/8)^2 = 169; 169 / 3 = 56
     * -> floor of 200. */
    memset(in, 0, sizeof in);
    n = modexp_input(in, 100, 1, 100, body, 0);
    in[96 + 100] = 3;
    n = 96 + 100 + 1 + 100;
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BYZANTIUM, in, n), 451);
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BERLIN, in, n), 200);

    /* Last branch: x = 2000, exp_len 0 (adj = max(0, 1) = 1).
     * EIP-198: 2000^2 / 16 + 480 * 2000 - 199680 = 250000 + 960000 -
     * 199680 = 1010320; / 20 = 50516. EIP-2565: 250^2 = 62500; / 3 =
     * 20833. */
    memset(in, 0, sizeof in);
    n = modexp_input(in, 2000, 0, 2000, body, 0);
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BYZANTIUM, in, n), 50516);
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BERLIN, in, n), 20833);

    /* Exponent 2^255 in 32 bytes (adj 255), x = 1: EIP-198 1 * 255 / 20 =
     * 12; EIP-2565 1 * 255 / 3 = 85 -> 200. */
    memset(in, 0, sizeof in);
    n = modexp_input(in, 1, 32, 1, body, 0);
    in[97] = 0x80;
    n = 96 + 1 + 32 + 1;
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BYZANTIUM, in, n), 12);
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BERLIN, in, n), 200);

    /* Exponent of 40 bytes whose first 32 are zero: adj = 8 * 8 + 0 = 64;
     * x = 16: EIP-198 256 * 64 / 20 = 819; EIP-2565 4 * 64 / 3 = 85 ->
     * 200. */
    memset(in, 0, sizeof in);
    n = modexp_input(in, 16, 40, 16, body, 0);
    n = 96 + 16 + 40 + 16;
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BYZANTIUM, in, n), 819);
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BERLIN, in, n), 200);

    /* All lengths zero: EIP-198 0; EIP-2565 the 200 floor. */
    memset(in, 0, 96);
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BYZANTIUM, in, 96), 0);
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BERLIN, in, 0), 200);
    r = run_pc(SEER_FORK_BYZANTIUM, 5, NULL, 0, 0);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_int_eq(r.gas_used, 0);
    ck_assert_uint_eq(r.output_len, 0);
}
END_TEST

START_TEST(test_modexp_huge_lengths)
{
    uint8_t in[96 + 64];
    seer_precompile_result r;

    /* base_len = 2^255 and mod_len 1: priced far past any budget, so the
     * call is OUT_OF_GAS before anything is read or allocated. */
    memset(in, 0, sizeof in);
    in[0] = 0x80;
    in[95] = 1;
    for (int f = SEER_FORK_BYZANTIUM; f <= SEER_FORK_CANCUN; f++) {
        ck_assert_uint_eq(seer_modexp_gas((seer_fork)f, in, sizeof in), UINT64_MAX);
        r = run_pc((seer_fork)f, 5, in, sizeof in, INT64_MAX);
        ck_assert_int_eq(r.status, SEER_PRECOMPILE_OUT_OF_GAS);
        ck_assert_int_eq(r.gas_used, INT64_MAX);
        ck_assert_uint_eq(r.output_len, 0);
    }

    /* mod_len = 2^64 (just past 64 bits), exp_len = 2^256 - 1. */
    memset(in, 0, sizeof in);
    in[64 + 23] = 1;
    memset(in + 32, 0xff, 32);
    r = run_pc(SEER_FORK_CANCUN, 5, in, sizeof in, INT64_MAX);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_OUT_OF_GAS);

    /* exp_len = 2^255 with base and mod 1 byte: 8 * (2^255 - 32) of adj. */
    memset(in, 0, sizeof in);
    in[31] = 1;
    in[32] = 0x80;
    in[95] = 1;
    assert_gas_matches_ref(SEER_FORK_BYZANTIUM, in, sizeof in);
    assert_gas_matches_ref(SEER_FORK_BERLIN, in, sizeof in);
    r = run_pc(SEER_FORK_BERLIN, 5, in, sizeof in, 1000000000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_OUT_OF_GAS);
    ck_assert_int_eq(r.gas_used, 1000000000);

    /* A huge exponent is free when base and modulus are empty: x = 0
     * makes the product zero (EIP-198) or the 200 floor (EIP-2565), and
     * the result is empty without touching the exponent. */
    memset(in, 0, 96);
    in[32] = 0x80; /* exp_len = 2^255 */
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BYZANTIUM, in, 96), 0);
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BERLIN, in, 96), 200);
    r = run_pc(SEER_FORK_BYZANTIUM, 5, in, 96, 0);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_int_eq(r.gas_used, 0);
    ck_assert_uint_eq(r.output_len, 0);
    r = run_pc(SEER_FORK_CANCUN, 5, in, 96, 200);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_int_eq(r.gas_used, 200);
    ck_assert_uint_eq(r.output_len, 0);

    /* Lengths of 2^63 and 2^40: exact arithmetic must not wrap. */
    static const uint64_t big[] = {(uint64_t)1 << 63, UINT64_MAX, (uint64_t)1 << 40, (uint64_t)1 << 34,
                                   (uint64_t)1 << 20};
    for (size_t i = 0; i < SEER_ARRAY_LEN(big); i++) {
        for (int which = 0; which < 3; which++) {
            memset(in, 0, sizeof in);
            put_len(in, 1);
            put_len(in + 32, 1);
            put_len(in + 64, 1);
            put_len(in + 32 * which, big[i]);
            in[96] = 2;
            in[97] = 0xff;
            assert_gas_matches_ref(SEER_FORK_BYZANTIUM, in, sizeof in);
            assert_gas_matches_ref(SEER_FORK_BERLIN, in, sizeof in);
        }
    }
    /* Lengths of 2^64 .. 2^80: an exponent of 2^64 bytes is still priced
     * below 2^63 by EIP-198 (8 * 2^64 / 20), so saturating at 2^64 would
     * misprice it. */
    for (int bit = 64; bit <= 80; bit++) {
        for (int which = 0; which < 3; which++) {
            memset(in, 0, sizeof in);
            put_len(in, 1);
            put_len(in + 32, 1);
            put_len(in + 64, 1);
            memset(in + 32 * which, 0, 32);
            in[32 * which + 31 - bit / 8] = (uint8_t)(1u << (bit % 8));
            in[96] = 2;
            assert_gas_matches_ref(SEER_FORK_BYZANTIUM, in, sizeof in);
            assert_gas_matches_ref(SEER_FORK_BERLIN, in, sizeof in);
        }
    }
    memset(in, 0, sizeof in);
    put_len(in, 1);
    put_len(in + 64, 1);
    in[32 + 23] = 1; /* exp_len = 2^64: (8 * (2^64 - 32)) / 20 */
    ck_assert_uint_eq(seer_modexp_gas(SEER_FORK_BYZANTIUM, in, sizeof in), 7378697629483820633ULL);
}
END_TEST

/* The expected MODEXP output from GMP on a fully materialised, zero-padded
 * copy of the input. Returns the output length (mod_len). */
static size_t ref_modexp(uint8_t **out, const uint8_t *in, size_t len, size_t bl, size_t el, size_t ml)
{
    size_t total = 96 + bl + el + ml;
    uint8_t *full = calloc(1, total);
    ck_assert_ptr_nonnull(full);
    memcpy(full, in, len < total ? len : total);
    mpz_t b, e, m, r;
    mpz_inits(b, e, m, r, NULL);
    if (bl)
        mpz_import(b, bl, 1, 1, 1, 0, full + 96);
    if (el)
        mpz_import(e, el, 1, 1, 1, 0, full + 96 + bl);
    if (ml)
        mpz_import(m, ml, 1, 1, 1, 0, full + 96 + bl + el);
    *out = calloc(1, ml ? ml : 1);
    ck_assert_ptr_nonnull(*out);
    if (mpz_sgn(m) != 0) {
        mpz_powm(r, b, e, m);
        size_t nb = mpz_sgn(r) ? (mpz_sizeinbase(r, 2) + 7) / 8 : 0;
        if (nb)
            mpz_export(*out + ml - nb, NULL, 1, 1, 1, 0, r);
    }
    mpz_clears(b, e, m, r, NULL);
    free(full);
    return ml;
}

START_TEST(test_modexp_random_vs_gmp)
{
    test_rng rng;
    test_rng_init(&rng, test_seed("precompiles") ^ 0x3e);
    static uint8_t in[96 + 3 * 80];
    int truncated = 0, zero_mod = 0, long_exp = 0;
    for (int iter = 0; iter < 400; iter++) {
        size_t bl = test_rng_next(&rng) % 48, el = test_rng_next(&rng) % 48, ml = test_rng_next(&rng) % 48;
        if (iter % 7 == 0)
            el += 32; /* past the 32-byte head */
        if (iter % 11 == 0)
            ml = 1 + ml % 3;
        size_t body = bl + el + ml;
        put_len(in, bl);
        put_len(in + 32, el);
        put_len(in + 64, ml);
        for (size_t i = 0; i < body; i++)
            in[96 + i] = (uint8_t)test_rng_next(&rng);
        /* Sparse bytes make zero moduli, leading zeros and fixed points. */
        if (iter % 5 == 0)
            for (size_t i = 0; i < body; i++)
                if (test_rng_next(&rng) % 4)
                    in[96 + i] = 0;
        size_t len = 96 + body;
        if (iter % 4 == 1 && body > 0) {
            len = 96 + (size_t)(test_rng_next(&rng) % body); /* input past the end reads as zero */
            truncated++;
        }
        seer_fork fork = iter % 2 ? SEER_FORK_BERLIN : SEER_FORK_BYZANTIUM;
        uint8_t *want;
        size_t wl = ref_modexp(&want, in, len, bl, el, ml);
        static const uint8_t zero[80];
        zero_mod += ml > 0 && memcmp(in + 96 + bl + el, zero, ml) == 0 && len == 96 + body;
        long_exp += el > 32;

        mpz_t g;
        mpz_init(g);
        ref_modexp_gas(g, fork, in, len);
        ck_assert(mpz_cmp_ui(g, 100000000) < 0);
        int64_t cost = (int64_t)mpz_get_ui(g);
        mpz_clear(g);

        seer_precompile_result r = run_pc(fork, 5, in, len, cost);
        ck_assert_msg(r.status == SEER_PRECOMPILE_SUCCESS, "iter %d bl %zu el %zu ml %zu len %zu", iter, bl,
                      el, ml, len);
        ck_assert_int_eq(r.gas_used, cost);
        ck_assert_uint_eq(r.output_len, wl);
        if (wl)
            ck_assert_msg(memcmp(r.output, want, wl) == 0, "iter %d: result differs from mpz_powm", iter);
        free(r.output);
        free(want);
        if (cost > 0) {
            r = run_pc(fork, 5, in, len, cost - 1);
            ck_assert_int_eq(r.status, SEER_PRECOMPILE_OUT_OF_GAS);
        }
    }
    ck_assert_int_gt(truncated, 0);
    ck_assert_int_gt(zero_mod, 0);
    ck_assert_int_gt(long_exp, 0);
}
END_TEST

START_TEST(test_modexp_edge_values)
{
    uint8_t in[256], body[64];
    size_t n;
    seer_precompile_result r;

    /* Modulus zero: mod_len zero bytes. */
    memset(body, 0, sizeof body);
    body[0] = 5;
    body[1] = 3;
    n = modexp_input(in, 1, 1, 4, body, 6);
    r = run_pc(SEER_FORK_CANCUN, 5, in, n, 100000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_uint_eq(r.output_len, 4);
    static const uint8_t zero4[4];
    ck_assert_mem_eq(r.output, zero4, 4);
    free(r.output);

    /* Exponent zero: x^0 = 1 (even 0^0), left-padded to mod_len. */
    memset(body, 0, sizeof body);
    body[0] = 0;  /* base 0 */
    body[1] = 0;  /* exp 0 */
    body[3] = 10; /* mod 0x000a */
    n = modexp_input(in, 1, 1, 2, body, 4);
    r = run_pc(SEER_FORK_CANCUN, 5, in, n, 100000);
    ck_assert_uint_eq(r.output_len, 2);
    ck_assert_int_eq(r.output[0], 0);
    ck_assert_int_eq(r.output[1], 1);
    free(r.output);

    /* Modulus 1: everything is 0. */
    body[0] = 7;
    body[1] = 0;
    body[2] = 0;
    body[3] = 1;
    n = modexp_input(in, 1, 1, 2, body, 4);
    r = run_pc(SEER_FORK_CANCUN, 5, in, n, 100000);
    ck_assert_uint_eq(r.output_len, 2);
    ck_assert_int_eq(r.output[0] | r.output[1], 0);
    free(r.output);

    /* Input past the end reads as zero: mod_len 2 with only the byte 0x05
     * present gives modulus 0x0500 = 1280; 3^5 mod 1280 = 243. */
    body[0] = 3;
    body[1] = 5;
    body[2] = 5;
    n = modexp_input(in, 1, 1, 2, body, 3);
    r = run_pc(SEER_FORK_CANCUN, 5, in, n, 100000);
    ck_assert_uint_eq(r.output_len, 2);
    ck_assert_int_eq(r.output[0], 0);
    ck_assert_int_eq(r.output[1], 243);
    free(r.output);

    /* mod_len 0 with a base: priced on the base, empty output. */
    n = modexp_input(in, 8, 1, 0, body, 9);
    r = run_pc(SEER_FORK_BYZANTIUM, 5, in, n, 100000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_int_eq(r.gas_used, 64 * 1 / 20); /* 8^2 * max(adj, 1) / 20 = 3 */
    ck_assert_uint_eq(r.output_len, 0);

    /* Only part of the header present: the rest is zero. */
    in[0] = 0;
    r = run_pc(SEER_FORK_BERLIN, 5, in, 10, 200);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_uint_eq(r.output_len, 0);
}
END_TEST

/* ---- BLAKE2F ---------------------------------------------------------------------- */

/* EIP-152 test vectors 4-7 share h, m and t; they differ in rounds and the
 * final flag (EIP-152, "Test Cases"). */
#define EIP152_H                                                                                             \
    "48c9bdf267e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d182e6ad7f520e511f6c3e2b8c68059b6bbd41" \
    "f"                                                                                                      \
    "babd9831f79217e1319cde05b"
#define EIP152_M                                                                                             \
    "616263000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" \
    "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" \
    "0000000000000000000000000000000000000000000000000000"
#define EIP152_T "03000000000000000000000000000000"

static size_t eip152_input(uint8_t in[213], const char *rounds, const char *flag)
{
    char hex[2 * 213 + 1];
    snprintf(hex, sizeof hex, "%s%s%s%s%s", rounds, EIP152_H, EIP152_M, EIP152_T, flag);
    ck_assert_uint_eq(strlen(hex), 426);
    return unhex(in, 213, hex);
}

START_TEST(test_blake2f_eip152_vectors)
{
    static const struct {
        int vector;
        const char *rounds, *flag, *out;
        int64_t gas;
    } v[] = {
        {4, "00000000", "01",
         "08c9bcf367e6096a3ba7ca8485ae67bb2bf894fe72f36e3cf1361d5f3af54fa5d282e6ad7f520e511f6c3e2b8c68059b944"
         "2be0"
         "454267ce079217e1319cde05b",
         0},
        {5, "0000000c", "01",
         "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d"
         "38aa"
         "8dbf1925ab92386edd4009923",
         12},
        {6, "0000000c", "00",
         "75ab69d3190a562c51aef8d88f1c2775876944407270c42c9844252c26d2875298743e7f6d5ea2f2d3e8d226039cd31b4e4"
         "26ac"
         "4f2d3d666a610c2116fde4735",
         12},
        {7, "00000001", "01",
         "b63a380cb2897d521994a85234ee2c181b5f844d2c624c002677e9703449d2fba551b3a8333bcdf5f2f7e08993d53923de3"
         "d64f"
         "cc68c034e717b9293fed7a421",
         1},
    };
    int passed = 0;
    for (size_t i = 0; i < SEER_ARRAY_LEN(v); i++) {
        uint8_t in[213], want[64];
        eip152_input(in, v[i].rounds, v[i].flag);
        unhex(want, 64, v[i].out);
        seer_precompile_result r = run_pc(SEER_FORK_ISTANBUL, 9, in, 213, v[i].gas);
        ck_assert_msg(r.status == SEER_PRECOMPILE_SUCCESS, "EIP-152 vector %d", v[i].vector);
        ck_assert_int_eq(r.gas_used, v[i].gas);
        ck_assert_uint_eq(r.output_len, 64);
        ck_assert_msg(memcmp(r.output, want, 64) == 0, "EIP-152 vector %d output", v[i].vector);
        free(r.output);
        if (v[i].gas > 0) {
            r = run_pc(SEER_FORK_CANCUN, 9, in, 213, v[i].gas - 1);
            ck_assert_int_eq(r.status, SEER_PRECOMPILE_OUT_OF_GAS);
        }
        passed++;
    }
    printf("blake2f: EIP-152 vectors 4-7: %d/%zu passed\n", passed, SEER_ARRAY_LEN(v));

    /* Vector 8 (2^32 - 1 rounds) is priced only: running it takes minutes. */
    uint8_t in[213];
    eip152_input(in, "ffffffff", "01");
    ck_assert_uint_eq(seer_blake2f_gas(in, 213), 0xffffffffULL);
    seer_precompile_result r = run_pc(SEER_FORK_CANCUN, 9, in, 213, 0xfffffffeLL);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_OUT_OF_GAS);
    ck_assert_int_eq(r.gas_used, 0xfffffffeLL);
}
END_TEST

START_TEST(test_blake2f_malformed)
{
    /* EIP-152 vectors 0-3: empty, 212 bytes, 214 bytes, final flag 2: all
     * fail, consuming all gas given. */
    uint8_t in[214];
    eip152_input(in, "0000000c", "01");
    in[213] = 0;
    static const size_t bad_len[] = {0, 212, 214};
    for (size_t i = 0; i < SEER_ARRAY_LEN(bad_len); i++) {
        seer_precompile_result r = run_pc(SEER_FORK_ISTANBUL, 9, bad_len[i] ? in : NULL, bad_len[i], 5000);
        ck_assert_int_eq(r.status, SEER_PRECOMPILE_FAILURE);
        ck_assert_int_eq(r.gas_used, 5000);
        ck_assert_uint_eq(r.output_len, 0);
    }
    for (unsigned flag = 2; flag < 256; flag += 51) {
        in[212] = (uint8_t)flag;
        seer_precompile_result r = run_pc(SEER_FORK_ISTANBUL, 9, in, 213, 5000);
        ck_assert_int_eq(r.status, SEER_PRECOMPILE_FAILURE);
        ck_assert_int_eq(r.gas_used, 5000);
        ck_assert_uint_eq(r.output_len, 0);
    }
}
END_TEST

START_TEST(test_blake2f_zero_rounds)
{
    /* Zero rounds cost nothing and return h ^ v[0..7] ^ v[8..15] with
     * v = h | IV (t and f folded in): for an all-zero input that is the
     * IV itself (RFC 7693 section 2.6), little-endian. */
    uint8_t in[213] = {0};
    seer_precompile_result r = run_pc(SEER_FORK_CANCUN, 9, in, 213, 0);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_int_eq(r.gas_used, 0);
    ck_assert_uint_eq(r.output_len, 64);
    /* IV[0] = 0x6a09e667f3bcc908 and IV[7] = 0x5be0cd19137e2179. */
    static const uint8_t iv0[8] = {0x08, 0xc9, 0xbc, 0xf3, 0x67, 0xe6, 0x09, 0x6a};
    static const uint8_t iv7[8] = {0x79, 0x21, 0x7e, 0x13, 0x19, 0xcd, 0xe0, 0x5b};
    ck_assert_mem_eq(r.output, iv0, 8);
    ck_assert_mem_eq(r.output + 56, iv7, 8);
    free(r.output);
}
END_TEST

/* ---- BN254 / KZG dispatch ----------------------------------------------------------------- */

START_TEST(test_bn254_dispatch)
{
    static uint8_t zeros[192];
    /* The point at infinity is (0, 0): 0 + 0 = 0 and k * 0 = 0. */
    seer_precompile_result r = run_pc(SEER_FORK_BYZANTIUM, 6, NULL, 0, 500);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_int_eq(r.gas_used, 500);
    ck_assert_uint_eq(r.output_len, 64);
    ck_assert_mem_eq(r.output, zeros, 64);
    free(r.output);
    r = run_pc(SEER_FORK_ISTANBUL, 7, zeros, 96, 6000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_int_eq(r.gas_used, 6000);
    ck_assert_uint_eq(r.output_len, 64);
    ck_assert_mem_eq(r.output, zeros, 64);
    free(r.output);

    /* G + G through ECADD equals 2 * G through ECMUL, with G = (1, 2). */
    uint8_t in[128] = {0};
    in[31] = 1;
    in[63] = 2;
    in[95] = 1;
    in[127] = 2;
    r = run_pc(SEER_FORK_CANCUN, 6, in, 128, 150);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_uint_eq(r.output_len, 64);
    in[95] = 2; /* scalar 2 */
    seer_precompile_result r2 = run_pc(SEER_FORK_CANCUN, 7, in, 96, 6000);
    ck_assert_int_eq(r2.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_uint_eq(r2.output_len, 64);
    ck_assert_mem_eq(r.output, r2.output, 64);
    ck_assert(memcmp(r.output, zeros, 64) != 0);
    ck_assert(memcmp(r.output, in, 64) != 0);
    free(r.output);
    free(r2.output);

    /* (1, 3) is not on y^2 = x^3 + 3: FAILURE consumes all gas. */
    uint8_t bad[128] = {0};
    bad[31] = 1;
    bad[63] = 3;
    r = run_pc(SEER_FORK_ISTANBUL, 6, bad, 128, 1000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_FAILURE);
    ck_assert_int_eq(r.gas_used, 1000);
    ck_assert_uint_eq(r.output_len, 0);

    /* Empty pairing input: the empty product is 1. */
    r = run_pc(SEER_FORK_ISTANBUL, 8, NULL, 0, 45000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_int_eq(r.gas_used, 45000);
    ck_assert_uint_eq(r.output_len, 32);
    ck_assert_mem_eq(r.output, zeros, 31);
    ck_assert_int_eq(r.output[31], 1);
    free(r.output);
    /* A length that is not a multiple of 192 fails. */
    r = run_pc(SEER_FORK_ISTANBUL, 8, zeros, 191, 100000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_FAILURE);
    ck_assert_int_eq(r.gas_used, 100000);
}
END_TEST

START_TEST(test_kzg_dispatch)
{
    static uint8_t zeros[193];
    /* Wrong length and a zero versioned hash (not version 0x01) fail. */
    seer_precompile_result r = run_pc(SEER_FORK_CANCUN, 0x0a, zeros, 193, 60000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_FAILURE);
    ck_assert_int_eq(r.gas_used, 60000);
    r = run_pc(SEER_FORK_CANCUN, 0x0a, zeros, 192, 50000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_FAILURE);
    ck_assert_int_eq(r.gas_used, 50000);
    ck_assert_uint_eq(r.output_len, 0);

    /* A valid proof built by hand: the zero polynomial's commitment and
     * proof are both the point at infinity (compressed: 0xc0, then zeros)
     * and it evaluates to y = 0 at any z. The versioned hash is
     * 0x01 | sha256(commitment)[1:] (EIP-4844). */
    uint8_t in[192] = {0};
    in[32 + 31] = 42; /* z */
    in[96] = 0xc0;    /* commitment */
    in[144] = 0xc0;   /* proof */
    struct sha256_ctx sctx;
    sha256_init(&sctx);
    sha256_update(&sctx, 48, in + 96);
    sha256_digest(&sctx, 32, in);
    in[0] = 0x01;
    r = run_pc(SEER_FORK_CANCUN, 0x0a, in, 192, 50000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_SUCCESS);
    ck_assert_int_eq(r.gas_used, 50000);
    ck_assert_uint_eq(r.output_len, 64);
    /* FIELD_ELEMENTS_PER_BLOB (4096) | BLS_MODULUS, big-endian words. */
    uint8_t want[64] = {0};
    want[30] = 0x10;
    unhex(want + 32, 32, "73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
    ck_assert_mem_eq(r.output, want, 64);
    free(r.output);
    /* The same input with y = 1 does not verify. */
    in[64 + 31] = 1;
    r = run_pc(SEER_FORK_CANCUN, 0x0a, in, 192, 50000);
    ck_assert_int_eq(r.status, SEER_PRECOMPILE_FAILURE);
    ck_assert_int_eq(r.gas_used, 50000);
}
END_TEST

static Suite *precompiles_suite(void)
{
    Suite *s = suite_create("precompiles");
    TCase *tc;
#define ADD_TCASE(name, fn)                                                                                  \
    tc = tcase_create(name);                                                                                 \
    tcase_add_test(tc, fn);                                                                                  \
    suite_add_tcase(s, tc)
    ADD_TCASE("activation", test_activation);
    ADD_TCASE("gas_hashes_identity", test_gas_hashes_identity);
    ADD_TCASE("gas_bn254_kzg", test_gas_bn254_kzg);
    ADD_TCASE("hash_known_vectors", test_hash_known_vectors);
    ADD_TCASE("hash_random_vs_nettle", test_hash_random_vs_nettle);
    ADD_TCASE("ecrecover_keccak_ref", test_ecrecover_keccak_ref);
    ADD_TCASE("ecrecover_valid", test_ecrecover_valid);
    ADD_TCASE("ecrecover_invalid", test_ecrecover_invalid);
    ADD_TCASE("modexp_gas_by_hand", test_modexp_gas_by_hand);
    ADD_TCASE("modexp_huge_lengths", test_modexp_huge_lengths);
    ADD_TCASE("modexp_random_vs_gmp", test_modexp_random_vs_gmp);
    ADD_TCASE("modexp_edge_values", test_modexp_edge_values);
    ADD_TCASE("blake2f_eip152_vectors", test_blake2f_eip152_vectors);
    ADD_TCASE("blake2f_malformed", test_blake2f_malformed);
    ADD_TCASE("blake2f_zero_rounds", test_blake2f_zero_rounds);
    ADD_TCASE("bn254_dispatch", test_bn254_dispatch);
    ADD_TCASE("kzg_dispatch", test_kzg_dispatch);
#undef ADD_TCASE
    return s;
}

int main(void)
{
    test_seed("precompiles");
    return test_run_suite(precompiles_suite());
}

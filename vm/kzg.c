/* The point-evaluation precompile 0x0a (EIP-4844): verifies a KZG proof
 * that the polynomial committed to by `commitment` evaluates to y at z. */
#include "vm/kzg.h"

#include "common/util.h"
#include "vm/bls12_381.h"

#include <nettle/sha2.h>
#include <pthread.h>
#include <string.h>

/* [tau]G2: g2_monomial[1] of the Ethereum KZG ceremony's trusted setup,
 * compressed (data, not code). Source: consensus-specs
 * presets/mainnet/trusted_setups/trusted_setup_4096.json (commit adc514a1,
 * line 8200), the same point as c-kzg-4844 src/trusted_setup.txt line 4100
 * (commit 81a8949f). Older copies of that file carry the pre-ceremony
 * setup (g2[1] = 0x99aca9fb...), which rejects every real proof. */
static const uint8_t TAU_G2_COMPRESSED[96] = {
    0xb5, 0xbf, 0xd7, 0xdd, 0x8c, 0xde, 0xb1, 0x28, 0x84, 0x3b, 0xc2, 0x87, 0x23, 0x0a, 0xf3, 0x89,
    0x26, 0x18, 0x70, 0x75, 0xcb, 0xfb, 0xef, 0xa8, 0x10, 0x09, 0xa2, 0xce, 0x61, 0x5a, 0xc5, 0x3d,
    0x29, 0x14, 0xe5, 0x87, 0x0c, 0xb4, 0x52, 0xd2, 0xaf, 0xaa, 0xab, 0x24, 0xf3, 0x49, 0x9f, 0x72,
    0x18, 0x5c, 0xbf, 0xee, 0x53, 0x49, 0x27, 0x14, 0x73, 0x44, 0x29, 0xb7, 0xb3, 0x86, 0x08, 0xe2,
    0x39, 0x26, 0xc9, 0x11, 0xcc, 0xec, 0xea, 0xc9, 0xa3, 0x68, 0x51, 0x47, 0x7b, 0xa4, 0xc6, 0x0b,
    0x08, 0x70, 0x41, 0xde, 0x62, 0x10, 0x00, 0xed, 0xc9, 0x8e, 0xda, 0xda, 0x20, 0xc1, 0xde, 0xf2,
};

/* EIP-4844 constants */
#define FIELD_ELEMENTS_PER_BLOB    4096
#define VERSIONED_HASH_VERSION_KZG 0x01

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static seer_bls_g2_prepared tau_g2;
static seer_bls_g2_prepared neg_g2;
static bool setup_ok;

/* Decoding and the subgroup check of the setup point cost about as much as
 * one verification: do them once per process. */
static void setup_init(void)
{
    seer_bls_g2 g, tau;
    seer_bls_g2_generator(&g);
    seer_bls_g2_neg(&g, &g);
    seer_bls_g2_prepare(&neg_g2, &g);
    setup_ok = seer_bls_g2_decompress(&tau, TAU_G2_COMPRESSED) == 0;
    if (setup_ok)
        seer_bls_g2_prepare(&tau_g2, &tau);
}

const uint8_t *seer_kzg_tau_g2_compressed(void)
{
    return TAU_G2_COMPRESSED;
}

/* out = (r - a) mod r for a < r, big-endian */
static void scalar_neg(uint8_t out[32], const uint8_t a[32])
{
    bool zero = true;
    for (int i = 0; i < 32; i++)
        zero = zero && a[i] == 0;
    if (zero) {
        memset(out, 0, 32);
        return;
    }
    int borrow = 0;
    for (int i = 31; i >= 0; i--) {
        int d = (int)seer_bls_r_be[i] - a[i] - borrow;
        borrow = d < 0;
        out[i] = (uint8_t)(d + (borrow ? 256 : 0));
    }
}

/* big-endian 32-byte a < r */
static bool below_modulus(const uint8_t a[32])
{
    return memcmp(a, seer_bls_r_be, 32) < 0;
}

bool seer_kzg_point_evaluation(uint8_t out[64], const uint8_t *in, size_t in_len)
{
    if (in == NULL || in_len != 192)
        return false;
    const uint8_t *vhash = in, *z = in + 32, *y = in + 64, *commitment = in + 96, *proof = in + 144;

    /* kzg_to_versioned_hash: 0x01 || sha256(commitment)[1:] */
    struct sha256_ctx ctx;
    uint8_t h[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, 48, commitment);
    sha256_digest(&ctx, sizeof h, h);
    h[0] = VERSIONED_HASH_VERSION_KZG;
    if (memcmp(h, vhash, 32) != 0)
        return false;

    if (!below_modulus(z) || !below_modulus(y))
        return false;

    seer_bls_g1 c, pi;
    if (seer_bls_g1_decompress(&c, commitment) != 0 || seer_bls_g1_decompress(&pi, proof) != 0)
        return false;

    if (pthread_once(&setup_once, setup_init) != 0 || !setup_ok)
        return false;

    /* verify_kzg_proof: e(C - [y]G1, G2) == e(pi, [tau]G2 - [z]G2). By
     * bilinearity e(pi, [tau - z]G2) = e(pi, [tau]G2) e([z]pi, G2)^-1, so the
     * same equation is the product check
     *   e(C - [y]G1 + [z]pi, -G2) * e(pi, [tau]G2) == 1,
     * which needs G1 scalar multiplications only (a third of the cost of a
     * G2 one) and both G2 points are fixed, their Miller-loop lines
     * computed once. */
    uint8_t neg_y[32];
    scalar_neg(neg_y, y);
    seer_bls_g1 g1, ps[2];
    seer_bls_g1_generator(&g1);
    seer_bls_g1_mul2(&ps[0], &g1, neg_y, &pi, z);
    seer_bls_g1_add(&ps[0], &ps[0], &c);
    ps[1] = pi;
    const seer_bls_g2_prepared *qs[2] = {&neg_g2, &tau_g2};

    if (!seer_bls_pairing_check_prepared(ps, qs, 2))
        return false;

    memset(out, 0, 64);
    out[30] = (uint8_t)(FIELD_ELEMENTS_PER_BLOB >> 8);
    out[31] = (uint8_t)(FIELD_ELEMENTS_PER_BLOB & 0xff);
    memcpy(out + 32, seer_bls_r_be, 32);
    return true;
}

/* The point-evaluation precompile 0x0a (EIP-4844): verifies a KZG proof
 * that the polynomial committed to by `commitment` evaluates to y at z. */
#include "vm/kzg.h"

#include "common/util.h"
#include "vm/bls12_381.h"

#include <nettle/sha2.h>
#include <pthread.h>
#include <string.h>

/* [tau]G2: the degree-1 entry of g2_monomial in the Ethereum KZG ceremony's
 * trusted setup, compressed (data, not code). Source: c-kzg-4844
 * src/trusted_setup.txt (the mainnet setup published with the consensus
 * specs as trusted_setup_4096.json), line 4100 = the second of the 65 G2
 * points that follow the 4096 G1 points. */
static const uint8_t TAU_G2_COMPRESSED[96] = {
    0x99, 0xac, 0xa9, 0xfb, 0x2f, 0x77, 0x60, 0xce, 0xcb, 0x89, 0x2b, 0xf7, 0x26, 0x2c, 0x17, 0x6b,
    0x33, 0x48, 0x24, 0xf5, 0x72, 0x7f, 0x68, 0x0b, 0xba, 0x70, 0x1a, 0x33, 0xe3, 0x22, 0xcb, 0x66,
    0x67, 0x53, 0x14, 0x10, 0xdf, 0xc7, 0xc8, 0xe4, 0x32, 0x1a, 0x3f, 0x0e, 0xa8, 0xaf, 0x48, 0xcb,
    0x14, 0x36, 0x63, 0x8a, 0x20, 0x93, 0x12, 0x3f, 0x04, 0x6f, 0x0f, 0x50, 0x4c, 0xc2, 0xa8, 0x64,
    0x82, 0x55, 0x42, 0x87, 0x3e, 0xdb, 0xbc, 0x5d, 0x7e, 0xd1, 0x7a, 0xf1, 0x25, 0xa4, 0xf2, 0xcf,
    0x64, 0x33, 0xc6, 0xf4, 0xf6, 0x1b, 0x81, 0x17, 0x37, 0x26, 0x98, 0x1d, 0xd9, 0x89, 0x76, 0x1d};

/* EIP-4844 constants */
#define FIELD_ELEMENTS_PER_BLOB    4096
#define VERSIONED_HASH_VERSION_KZG 0x01

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static seer_bls_g2 tau_g2;
static seer_bls_g2 neg_g2;
static bool setup_ok;

/* Decoding and the subgroup check of the setup point cost about as much as
 * one verification: do them once per process. */
static void setup_init(void)
{
    seer_bls_g2 g;
    seer_bls_g2_generator(&g);
    seer_bls_g2_neg(&neg_g2, &g);
    setup_ok = seer_bls_g2_decompress(&tau_g2, TAU_G2_COMPRESSED) == 0;
}

const uint8_t *seer_kzg_tau_g2_compressed(void)
{
    return TAU_G2_COMPRESSED;
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

    /* verify_kzg_proof: e(C - [y]G1, G2) == e(pi, [tau]G2 - [z]G2), checked
     * as e(C - [y]G1, -G2) * e(pi, [tau - z]G2) == 1 */
    seer_bls_g1 g1, yg;
    seer_bls_g1_generator(&g1);
    seer_bls_g1_mul(&yg, &g1, y);
    seer_bls_g1_neg(&yg, &yg);
    seer_bls_g1 ps[2];
    seer_bls_g1_add(&ps[0], &c, &yg);
    ps[1] = pi;

    seer_bls_g2 g2, zg;
    seer_bls_g2_generator(&g2);
    seer_bls_g2_mul(&zg, &g2, z);
    seer_bls_g2_neg(&zg, &zg);
    seer_bls_g2 qs[2];
    qs[0] = neg_g2;
    seer_bls_g2_add(&qs[1], &tau_g2, &zg);

    if (!seer_bls_pairing_check(ps, qs, 2))
        return false;

    memset(out, 0, 64);
    out[30] = (uint8_t)(FIELD_ELEMENTS_PER_BLOB >> 8);
    out[31] = (uint8_t)(FIELD_ELEMENTS_PER_BLOB & 0xff);
    memcpy(out + 32, seer_bls_r_be, 32);
    return true;
}

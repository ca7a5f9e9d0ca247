/* BLS12-381: fields, groups, optimal ate pairing (see bls12_381.h). Used by
 * the EIP-4844 point-evaluation precompile; written for correctness first
 * and then for a few easy speedups, all inputs being public. */
#include "vm/bls12_381.h"

#include "common/util.h"

#include <string.h>

typedef unsigned __int128 u128;
typedef seer_bls_fp fp;
typedef seer_bls_fp2 fp2;
typedef seer_bls_fp6 fp6;
typedef seer_bls_fp12 fp12;

/* The constants below were derived from p, r and the standard generators
 * (IETF draft-irtf-cfrg-pairing-friendly-curves, BLS12-381) with a short
 * Python script; Montgomery forms use R = 2^384. */

/* p, little-endian limbs */
static const uint64_t P[6] = {0xb9feffffffffaaabULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
                              0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL};
/* -p^-1 mod 2^64 */
static const uint64_t N0 = 0x89f3fffcfffcfffdULL;
/* R mod p (Montgomery one) and R^2 mod p (to enter Montgomery form) */
static const fp FP_ONE = {{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL,
                           0x77ce585370525745ULL, 0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}};
static const fp FP_R2 = {{0xf4df1f341c341746ULL, 0x0a76e6a609d104f1ULL, 0x8de5476c4c95b6d5ULL,
                          0x67eb88a9939d83c0ULL, 0x9a793e85b519952dULL, 0x11988fe592cae3aaULL}};
/* 4 in Montgomery form: the curve constant b of G1 and both halves of
 * G2's b' = 4(u + 1) */
#define FP_FOUR_INIT                                                                                         \
    {                                                                                                        \
        {                                                                                                    \
            0xaa270000000cfff3ULL, 0x53cc0032fc34000aULL, 0x478fe97a6b0a807fULL, 0xb1d37ebee6ba24d7ULL,      \
                0x8ec9733bbf78ab2fULL, 0x09d645513d83de7eULL                                                 \
        }                                                                                                    \
    }
/* Exponents (plain integers): p - 2 (Fermat inverse), (p + 1) / 4 (square
 * root, p = 3 mod 4), (p - 3) / 4 and (p - 1) / 2 (Fp2 square root). */
static const uint64_t E_PM2[6] = {0xb9feffffffffaaa9ULL, 0x1eabfffeb153ffffULL, 0x6730d2a0f6b0f624ULL,
                                  0x64774b84f38512bfULL, 0x4b1ba7b6434bacd7ULL, 0x1a0111ea397fe69aULL};
static const uint64_t E_PP1D4[6] = {0xee7fbfffffffeaabULL, 0x07aaffffac54ffffULL, 0xd9cc34a83dac3d89ULL,
                                    0xd91dd2e13ce144afULL, 0x92c6e9ed90d2eb35ULL, 0x0680447a8e5ff9a6ULL};
static const uint64_t E_PM3D4[6] = {0xee7fbfffffffeaaaULL, 0x07aaffffac54ffffULL, 0xd9cc34a83dac3d89ULL,
                                    0xd91dd2e13ce144afULL, 0x92c6e9ed90d2eb35ULL, 0x0680447a8e5ff9a6ULL};
static const uint64_t E_PM1D2[6] = {0xdcff7fffffffd555ULL, 0x0f55ffff58a9ffffULL, 0xb39869507b587b12ULL,
                                    0xb23ba5c279c2895fULL, 0x258dd3db21a5d66bULL, 0x0d0088f51cbff34dULL};
/* Frobenius coefficients gamma_k = (u + 1)^(k (p - 1) / 6), k = 1..5: with
 * f = sum a_k w^k (a_k in Fp2, w^6 = u + 1), f^p = sum conj(a_k) gamma_k w^k. */
static const fp2 FROB_GAMMA[6] = {
    {{{0x760900000002fffdULL, 0xebf4000bc40c0002ULL, 0x5f48985753c758baULL, 0x77ce585370525745ULL,
       0x5c071a97a256ec6dULL, 0x15f65ec3fa80e493ULL}},
     {{0}}},
    {{{0x07089552b319d465ULL, 0xc6695f92b50a8313ULL, 0x97e83cccd117228fULL, 0xa35baecab2dc29eeULL,
       0x1ce393ea5daace4dULL, 0x08f2220fb0fb66ebULL}},
     {{0xb2f66aad4ce5d646ULL, 0x5842a06bfc497cecULL, 0xcf4895d42599d394ULL, 0xc11b9cba40a8e8d0ULL,
       0x2e3813cbe5a0de89ULL, 0x110eefda88847fafULL}}},
    {{{0}},
     {{0xcd03c9e48671f071ULL, 0x5dab22461fcda5d2ULL, 0x587042afd3851b95ULL, 0x8eb60ebe01bacb9eULL,
       0x03f97d6e83d050d2ULL, 0x18f0206554638741ULL}}},
    {{{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL, 0xd1ca2087da74d4a7ULL,
       0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}},
     {{0x7bcfa7a25aa30fdaULL, 0xdc17dec12a927e7cULL, 0x2f088dd86b4ebef1ULL, 0xd1ca2087da74d4a7ULL,
       0x2da2596696cebc1dULL, 0x0e2b7eedbbfd87d2ULL}}},
    {{{0x890dc9e4867545c3ULL, 0x2af322533285a5d5ULL, 0x50880866309b7e2cULL, 0xa20d1b8c7e881024ULL,
       0x14e4f04fe2db9068ULL, 0x14e56d3f1564853aULL}},
     {{0}}},
    {{{0x82d83cf50dbce43fULL, 0xa2813e53df9d018fULL, 0xc6f0caa53c65e181ULL, 0x7525cf528d50fe95ULL,
       0x4a85ed50f4798a6bULL, 0x171da0fd6cf8eebdULL}},
     {{0x3726c30af242c66cULL, 0x7c2ac1aad1b6fe70ULL, 0xa04007fbba4b14a2ULL, 0xef517c3266341429ULL,
       0x0095ba654ed2226bULL, 0x02e370eccc86f7ddULL}}},
};
/* Generators, affine, Montgomery form */
static const fp G1_X = {{0x5cb38790fd530c16ULL, 0x7817fc679976fff5ULL, 0x154f95c7143ba1c1ULL,
                         0xf0ae6acdf3d0e747ULL, 0xedce6ecc21dbf440ULL, 0x120177419e0bfb75ULL}};
static const fp G1_Y = {{0xbaac93d50ce72271ULL, 0x8c22631a7918fd8eULL, 0xdd595f13570725ceULL,
                         0x51ac582950405194ULL, 0x0e1c8c3fad0059c0ULL, 0x0bbc3efc5008a26aULL}};
static const fp2 G2_X = {{{0xf5f28fa202940a10ULL, 0xb3f5fb2687b4961aULL, 0xa1a893b53e2ae580ULL,
                           0x9894999d1a3caee9ULL, 0x6f67b7631863366bULL, 0x058191924350bcd7ULL}},
                         {{0xa5a9c0759e23f606ULL, 0xaaa0c59dbccd60c3ULL, 0x3bb17e18e2867806ULL,
                           0x1b1ab6cc8541b367ULL, 0xc2b6ed0ef2158547ULL, 0x11922a097360edf3ULL}}};
static const fp2 G2_Y = {{{0x4c730af860494c4aULL, 0x597cfa1f5e369c5aULL, 0xe7e6856caa0a635aULL,
                           0xbbefb5e96e0d495fULL, 0x07d3a975f0ef25a2ULL, 0x0083fd8e7e80dae5ULL}},
                         {{0xadc0fc92df64b05dULL, 0x18aa270a2b1461dcULL, 0x86adac6a3be4eba0ULL,
                           0x79495c4ec93da33aULL, 0xe7175850a43ccaedULL, 0x0b2bc2a163de1bf2ULL}}};

const uint8_t seer_bls_r_be[32] = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                                   0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                                   0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};

/* beta = 0x5f19672f...fffefffe, a primitive cube root of unity in Fp,
 * Montgomery form (see seer_bls_g1_in_subgroup; the other root, beta^2,
 * pairs with x^4 instead of -x^2) */
static const fp G1_BETA = {{0x30f1361b798a64e8ULL, 0xf3b8ddab7ece5a2aULL, 0x16a8ca3ac61577f7ULL,
                            0xc26a2ff874fd029bULL, 0x3636b76660701c6eULL, 0x051ba4ab241b6160ULL}};

/* |x| for the BLS parameter x = -0xd201000000010000: the Miller loop length */
static const uint64_t BLS_X_ABS = 0xd201000000010000ULL;

/* ------------------------------------------------------------------ Fp */

static bool limbs_geq_p(const uint64_t a[6])
{
    for (int i = 5; i >= 0; i--) {
        if (a[i] != P[i])
            return a[i] > P[i];
    }
    return true;
}

static void limbs_sub_p(uint64_t a[6])
{
    uint64_t borrow = 0;
    for (int i = 0; i < 6; i++) {
        u128 d = (u128)a[i] - P[i] - borrow;
        a[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
}

void seer_bls_fp_zero(fp *r)
{
    memset(r, 0, sizeof *r);
}

void seer_bls_fp_one(fp *r)
{
    *r = FP_ONE;
}

bool seer_bls_fp_is_zero(const fp *a)
{
    return (a->l[0] | a->l[1] | a->l[2] | a->l[3] | a->l[4] | a->l[5]) == 0;
}

bool seer_bls_fp_eq(const fp *a, const fp *b)
{
    return memcmp(a->l, b->l, sizeof a->l) == 0;
}

void seer_bls_fp_add(fp *r, const fp *a, const fp *b)
{
    /* p < 2^381, so a + b < 2^382 never overflows six limbs; subtract p
     * and keep the difference unless it borrowed (no compare loop: adds
     * outnumber products in the tower arithmetic) */
    uint64_t t[6], u[6], carry = 0, borrow = 0;
    for (int i = 0; i < 6; i++) {
        u128 s = (u128)a->l[i] + b->l[i] + carry;
        t[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    for (int i = 0; i < 6; i++) {
        u128 d = (u128)t[i] - P[i] - borrow;
        u[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    memcpy(r->l, borrow ? t : u, sizeof r->l);
}

void seer_bls_fp_sub(fp *r, const fp *a, const fp *b)
{
    uint64_t t[6], borrow = 0;
    for (int i = 0; i < 6; i++) {
        u128 d = (u128)a->l[i] - b->l[i] - borrow;
        t[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
    /* add p back when the difference went negative: p masked by the borrow */
    uint64_t mask = 0 - borrow, carry = 0;
    for (int i = 0; i < 6; i++) {
        u128 s = (u128)t[i] + (P[i] & mask) + carry;
        r->l[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
}

void seer_bls_fp_neg(fp *r, const fp *a)
{
    if (seer_bls_fp_is_zero(a)) {
        seer_bls_fp_zero(r);
        return;
    }
    uint64_t borrow = 0;
    for (int i = 0; i < 6; i++) {
        u128 d = (u128)P[i] - a->l[i] - borrow;
        r->l[i] = (uint64_t)d;
        borrow = (uint64_t)(d >> 64) & 1;
    }
}

/* Montgomery product a b R^-1 mod p by operand scanning, interleaving each
 * row's product with its reduction. p's top limb is below 2^62, so the
 * running value stays below 2p < 2^382 and needs no seventh word (the
 * "no-carry" variant of CIOS, e.g. gnark-crypto's): every row ends with
 * t[5] = C + A, which cannot overflow. */
void seer_bls_fp_mul(fp *r, const fp *a, const fp *b)
{
    uint64_t t[6] = {0};
    for (int i = 0; i < 6; i++) {
        uint64_t bi = b->l[i];
        u128 s = (u128)a->l[0] * bi + t[0];
        uint64_t A = (uint64_t)(s >> 64);
        t[0] = (uint64_t)s;
        uint64_t m = t[0] * N0;
        u128 c = (u128)m * P[0] + t[0];
        uint64_t C = (uint64_t)(c >> 64);
        for (int j = 1; j < 6; j++) {
            s = (u128)a->l[j] * bi + t[j] + A;
            A = (uint64_t)(s >> 64);
            c = (u128)m * P[j] + (uint64_t)s + C;
            C = (uint64_t)(c >> 64);
            t[j - 1] = (uint64_t)c;
        }
        t[5] = C + A;
    }
    if (limbs_geq_p(t))
        limbs_sub_p(t);
    memcpy(r->l, t, sizeof r->l);
}

void seer_bls_fp_sqr(fp *r, const fp *a)
{
    seer_bls_fp_mul(r, a, a);
}

static void fp_dbl(fp *r, const fp *a)
{
    seer_bls_fp_add(r, a, a);
}

static void fp_pow(fp *r, const fp *a, const uint64_t *e, size_t n)
{
    fp acc = FP_ONE, base = *a;
    for (size_t i = n; i-- > 0;) {
        for (int b = 63; b >= 0; b--) {
            seer_bls_fp_sqr(&acc, &acc);
            if ((e[i] >> b) & 1)
                seer_bls_fp_mul(&acc, &acc, &base);
        }
    }
    *r = acc;
}

void seer_bls_fp_inv(fp *r, const fp *a)
{
    fp_pow(r, a, E_PM2, 6);
}

bool seer_bls_fp_sqrt(fp *r, const fp *a)
{
    fp s, chk;
    fp_pow(&s, a, E_PP1D4, 6);
    seer_bls_fp_sqr(&chk, &s);
    if (!seer_bls_fp_eq(&chk, a))
        return false;
    *r = s;
    return true;
}

/* Leaves Montgomery form: a R^-1 */
static void fp_to_plain(uint64_t out[6], const fp *a)
{
    fp one_plain = {{1, 0, 0, 0, 0, 0}}, t;
    seer_bls_fp_mul(&t, a, &one_plain);
    memcpy(out, t.l, sizeof t.l);
}

void seer_bls_fp_set_u64(fp *r, uint64_t v)
{
    fp t = {{v, 0, 0, 0, 0, 0}};
    seer_bls_fp_mul(r, &t, &FP_R2);
}

bool seer_bls_fp_from_bytes(fp *r, const uint8_t in[48])
{
    fp t;
    for (int i = 0; i < 6; i++) {
        uint64_t v = 0;
        for (int j = 0; j < 8; j++)
            v = (v << 8) | in[(5 - i) * 8 + j];
        t.l[i] = v;
    }
    if (limbs_geq_p(t.l))
        return false;
    seer_bls_fp_mul(r, &t, &FP_R2);
    return true;
}

void seer_bls_fp_to_bytes(uint8_t out[48], const fp *a)
{
    uint64_t v[6];
    fp_to_plain(v, a);
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 8; j++)
            out[(5 - i) * 8 + j] = (uint8_t)(v[i] >> (56 - 8 * j));
}

bool seer_bls_fp_is_lex_largest(const fp *a)
{
    uint64_t v[6];
    fp_to_plain(v, a);
    for (int i = 5; i >= 0; i--) {
        if (v[i] != E_PM1D2[i])
            return v[i] > E_PM1D2[i];
    }
    return false;
}

/* ------------------------------------------------------------------ Fp2 */

void seer_bls_fp2_zero(fp2 *r)
{
    memset(r, 0, sizeof *r);
}

void seer_bls_fp2_one(fp2 *r)
{
    r->c0 = FP_ONE;
    seer_bls_fp_zero(&r->c1);
}

bool seer_bls_fp2_is_zero(const fp2 *a)
{
    return seer_bls_fp_is_zero(&a->c0) && seer_bls_fp_is_zero(&a->c1);
}

bool seer_bls_fp2_eq(const fp2 *a, const fp2 *b)
{
    return seer_bls_fp_eq(&a->c0, &b->c0) && seer_bls_fp_eq(&a->c1, &b->c1);
}

void seer_bls_fp2_add(fp2 *r, const fp2 *a, const fp2 *b)
{
    seer_bls_fp_add(&r->c0, &a->c0, &b->c0);
    seer_bls_fp_add(&r->c1, &a->c1, &b->c1);
}

void seer_bls_fp2_sub(fp2 *r, const fp2 *a, const fp2 *b)
{
    seer_bls_fp_sub(&r->c0, &a->c0, &b->c0);
    seer_bls_fp_sub(&r->c1, &a->c1, &b->c1);
}

void seer_bls_fp2_neg(fp2 *r, const fp2 *a)
{
    seer_bls_fp_neg(&r->c0, &a->c0);
    seer_bls_fp_neg(&r->c1, &a->c1);
}

static void fp2_dbl(fp2 *r, const fp2 *a)
{
    seer_bls_fp2_add(r, a, a);
}

/* Karatsuba: three base-field products instead of four */
void seer_bls_fp2_mul(fp2 *r, const fp2 *a, const fp2 *b)
{
    fp t0, t1, s0, s1, m;
    seer_bls_fp_mul(&t0, &a->c0, &b->c0);
    seer_bls_fp_mul(&t1, &a->c1, &b->c1);
    seer_bls_fp_add(&s0, &a->c0, &a->c1);
    seer_bls_fp_add(&s1, &b->c0, &b->c1);
    seer_bls_fp_mul(&m, &s0, &s1);
    seer_bls_fp_sub(&m, &m, &t0);
    seer_bls_fp_sub(&r->c1, &m, &t1);
    seer_bls_fp_sub(&r->c0, &t0, &t1);
}

/* (a + b u)^2 = (a + b)(a - b) + 2ab u */
void seer_bls_fp2_sqr(fp2 *r, const fp2 *a)
{
    fp s, d, m;
    seer_bls_fp_add(&s, &a->c0, &a->c1);
    seer_bls_fp_sub(&d, &a->c0, &a->c1);
    seer_bls_fp_mul(&m, &a->c0, &a->c1);
    seer_bls_fp_mul(&r->c0, &s, &d);
    fp_dbl(&r->c1, &m);
}

static void fp2_mul_fp(fp2 *r, const fp2 *a, const fp *b)
{
    seer_bls_fp_mul(&r->c0, &a->c0, b);
    seer_bls_fp_mul(&r->c1, &a->c1, b);
}

/* times the Fp6 non-residue xi = u + 1 */
static void fp2_mul_xi(fp2 *r, const fp2 *a)
{
    fp t;
    seer_bls_fp_sub(&t, &a->c0, &a->c1);
    seer_bls_fp_add(&r->c1, &a->c0, &a->c1);
    r->c0 = t;
}

static void fp2_conj(fp2 *r, const fp2 *a)
{
    r->c0 = a->c0;
    seer_bls_fp_neg(&r->c1, &a->c1);
}

void seer_bls_fp2_inv(fp2 *r, const fp2 *a)
{
    fp n, t, inv;
    seer_bls_fp_sqr(&n, &a->c0);
    seer_bls_fp_sqr(&t, &a->c1);
    seer_bls_fp_add(&n, &n, &t);
    seer_bls_fp_inv(&inv, &n);
    seer_bls_fp_mul(&r->c0, &a->c0, &inv);
    seer_bls_fp_mul(&t, &a->c1, &inv);
    seer_bls_fp_neg(&r->c1, &t);
}

static void fp2_pow(fp2 *r, const fp2 *a, const uint64_t *e, size_t n)
{
    fp2 acc, base = *a;
    seer_bls_fp2_one(&acc);
    for (size_t i = n; i-- > 0;) {
        for (int b = 63; b >= 0; b--) {
            seer_bls_fp2_sqr(&acc, &acc);
            if ((e[i] >> b) & 1)
                seer_bls_fp2_mul(&acc, &acc, &base);
        }
    }
    *r = acc;
}

/* Square root for p = 3 mod 4 (Adj and Rodriguez-Henriquez, "Square root
 * computation over even extension fields", algorithm 9); the result is
 * checked by squaring, so a non-residue is reported, never mis-rooted. */
bool seer_bls_fp2_sqrt(fp2 *r, const fp2 *a)
{
    fp2 a1, alpha, x0, x, chk, minus_one;
    fp2_pow(&a1, a, E_PM3D4, 6);
    seer_bls_fp2_sqr(&alpha, &a1);
    seer_bls_fp2_mul(&alpha, &alpha, a);
    seer_bls_fp2_mul(&x0, &a1, a);
    seer_bls_fp2_one(&minus_one);
    seer_bls_fp2_neg(&minus_one, &minus_one);
    if (seer_bls_fp2_eq(&alpha, &minus_one)) {
        /* x = u x0 */
        seer_bls_fp_neg(&x.c0, &x0.c1);
        x.c1 = x0.c0;
    } else {
        fp2 b, one;
        seer_bls_fp2_one(&one);
        seer_bls_fp2_add(&b, &alpha, &one);
        fp2_pow(&b, &b, E_PM1D2, 6);
        seer_bls_fp2_mul(&x, &b, &x0);
    }
    seer_bls_fp2_sqr(&chk, &x);
    if (!seer_bls_fp2_eq(&chk, a))
        return false;
    *r = x;
    return true;
}

/* IETF sign of an Fp2 element: compare c1 first, c0 when c1 = 0 */
static bool fp2_is_lex_largest(const fp2 *a)
{
    if (!seer_bls_fp_is_zero(&a->c1))
        return seer_bls_fp_is_lex_largest(&a->c1);
    return seer_bls_fp_is_lex_largest(&a->c0);
}

/* ------------------------------------------------------------------ Fp6 */

static void fp6_add(fp6 *r, const fp6 *a, const fp6 *b)
{
    seer_bls_fp2_add(&r->c0, &a->c0, &b->c0);
    seer_bls_fp2_add(&r->c1, &a->c1, &b->c1);
    seer_bls_fp2_add(&r->c2, &a->c2, &b->c2);
}

static void fp6_sub(fp6 *r, const fp6 *a, const fp6 *b)
{
    seer_bls_fp2_sub(&r->c0, &a->c0, &b->c0);
    seer_bls_fp2_sub(&r->c1, &a->c1, &b->c1);
    seer_bls_fp2_sub(&r->c2, &a->c2, &b->c2);
}

static void fp6_neg(fp6 *r, const fp6 *a)
{
    seer_bls_fp2_neg(&r->c0, &a->c0);
    seer_bls_fp2_neg(&r->c1, &a->c1);
    seer_bls_fp2_neg(&r->c2, &a->c2);
}

/* Karatsuba over the three coefficients (6 Fp2 products), v^3 = xi */
static void fp6_mul(fp6 *r, const fp6 *a, const fp6 *b)
{
    fp2 t0, t1, t2, s, u, c0, c1, c2;
    seer_bls_fp2_mul(&t0, &a->c0, &b->c0);
    seer_bls_fp2_mul(&t1, &a->c1, &b->c1);
    seer_bls_fp2_mul(&t2, &a->c2, &b->c2);
    /* c0 = t0 + xi ((a1 + a2)(b1 + b2) - t1 - t2) */
    seer_bls_fp2_add(&s, &a->c1, &a->c2);
    seer_bls_fp2_add(&u, &b->c1, &b->c2);
    seer_bls_fp2_mul(&c0, &s, &u);
    seer_bls_fp2_sub(&c0, &c0, &t1);
    seer_bls_fp2_sub(&c0, &c0, &t2);
    fp2_mul_xi(&c0, &c0);
    seer_bls_fp2_add(&c0, &c0, &t0);
    /* c1 = (a0 + a1)(b0 + b1) - t0 - t1 + xi t2 */
    seer_bls_fp2_add(&s, &a->c0, &a->c1);
    seer_bls_fp2_add(&u, &b->c0, &b->c1);
    seer_bls_fp2_mul(&c1, &s, &u);
    seer_bls_fp2_sub(&c1, &c1, &t0);
    seer_bls_fp2_sub(&c1, &c1, &t1);
    fp2_mul_xi(&s, &t2);
    seer_bls_fp2_add(&c1, &c1, &s);
    /* c2 = (a0 + a2)(b0 + b2) - t0 - t2 + t1 */
    seer_bls_fp2_add(&s, &a->c0, &a->c2);
    seer_bls_fp2_add(&u, &b->c0, &b->c2);
    seer_bls_fp2_mul(&c2, &s, &u);
    seer_bls_fp2_sub(&c2, &c2, &t0);
    seer_bls_fp2_sub(&c2, &c2, &t2);
    seer_bls_fp2_add(&c2, &c2, &t1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* times v: (c0, c1, c2) -> (xi c2, c0, c1) */
static void fp6_mul_v(fp6 *r, const fp6 *a)
{
    fp2 t;
    fp2_mul_xi(&t, &a->c2);
    r->c2 = a->c1;
    r->c1 = a->c0;
    r->c0 = t;
}

static void fp6_inv(fp6 *r, const fp6 *a)
{
    fp2 t0, t1, t2, tmp, det;
    /* t0 = a0^2 - xi a1 a2, t1 = xi a2^2 - a0 a1, t2 = a1^2 - a0 a2 */
    seer_bls_fp2_sqr(&t0, &a->c0);
    seer_bls_fp2_mul(&tmp, &a->c1, &a->c2);
    fp2_mul_xi(&tmp, &tmp);
    seer_bls_fp2_sub(&t0, &t0, &tmp);
    seer_bls_fp2_sqr(&t1, &a->c2);
    fp2_mul_xi(&t1, &t1);
    seer_bls_fp2_mul(&tmp, &a->c0, &a->c1);
    seer_bls_fp2_sub(&t1, &t1, &tmp);
    seer_bls_fp2_sqr(&t2, &a->c1);
    seer_bls_fp2_mul(&tmp, &a->c0, &a->c2);
    seer_bls_fp2_sub(&t2, &t2, &tmp);
    /* det = a0 t0 + xi (a2 t1 + a1 t2) */
    seer_bls_fp2_mul(&det, &a->c2, &t1);
    seer_bls_fp2_mul(&tmp, &a->c1, &t2);
    seer_bls_fp2_add(&det, &det, &tmp);
    fp2_mul_xi(&det, &det);
    seer_bls_fp2_mul(&tmp, &a->c0, &t0);
    seer_bls_fp2_add(&det, &det, &tmp);
    seer_bls_fp2_inv(&det, &det);
    seer_bls_fp2_mul(&r->c0, &t0, &det);
    seer_bls_fp2_mul(&r->c1, &t1, &det);
    seer_bls_fp2_mul(&r->c2, &t2, &det);
}

/* ------------------------------------------------------------------ Fp12 */

void seer_bls_fp12_one(fp12 *r)
{
    memset(r, 0, sizeof *r);
    r->c0.c0.c0 = FP_ONE;
}

bool seer_bls_fp12_eq(const fp12 *a, const fp12 *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

bool seer_bls_fp12_is_one(const fp12 *a)
{
    fp12 one;
    seer_bls_fp12_one(&one);
    return seer_bls_fp12_eq(a, &one);
}

/* (a0 + a1 w)(b0 + b1 w) = a0 b0 + v a1 b1 + ((a0 + a1)(b0 + b1) - a0 b0 -
 * a1 b1) w */
void seer_bls_fp12_mul(fp12 *r, const fp12 *a, const fp12 *b)
{
    fp6 t0, t1, s, u;
    fp6_mul(&t0, &a->c0, &b->c0);
    fp6_mul(&t1, &a->c1, &b->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_add(&u, &b->c0, &b->c1);
    fp6_mul(&s, &s, &u);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&r->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&r->c0, &t0, &t1);
}

/* complex squaring: (a0 + a1 w)^2 = (a0 + a1)(a0 + v a1) - (1 + v) a0 a1 +
 * 2 a0 a1 w: two Fp6 products */
void seer_bls_fp12_sqr(fp12 *r, const fp12 *a)
{
    fp6 m, s, t, vm;
    fp6_mul(&m, &a->c0, &a->c1);
    fp6_add(&s, &a->c0, &a->c1);
    fp6_mul_v(&t, &a->c1);
    fp6_add(&t, &t, &a->c0);
    fp6_mul(&s, &s, &t);
    fp6_mul_v(&vm, &m);
    fp6_sub(&s, &s, &m);
    fp6_sub(&r->c0, &s, &vm);
    fp6_add(&r->c1, &m, &m);
}

/* (a0 + a1 w)^-1 = (a0 - a1 w) / (a0^2 - v a1^2) */
void seer_bls_fp12_inv(fp12 *r, const fp12 *a)
{
    fp6 t0, t1;
    fp6_mul(&t0, &a->c0, &a->c0);
    fp6_mul(&t1, &a->c1, &a->c1);
    fp6_mul_v(&t1, &t1);
    fp6_sub(&t0, &t0, &t1);
    fp6_inv(&t0, &t0);
    fp6_mul(&r->c0, &a->c0, &t0);
    fp6_mul(&t1, &a->c1, &t0);
    fp6_neg(&r->c1, &t1);
}

/* f^(p^6): w^(p^6) = -w, so this negates the w half */
static void fp12_conj(fp12 *r, const fp12 *a)
{
    r->c0 = a->c0;
    fp6_neg(&r->c1, &a->c1);
}

/* f^p. The layout maps w-powers to fields: c0 = (a0, a2, a4), c1 = (a1, a3,
 * a5) for f = sum a_k w^k, since v = w^2. */
static void fp12_frob(fp12 *r, const fp12 *a)
{
    fp2 *out[6] = {&r->c0.c0, &r->c1.c0, &r->c0.c1, &r->c1.c1, &r->c0.c2, &r->c1.c2};
    const fp2 *in[6] = {&a->c0.c0, &a->c1.c0, &a->c0.c1, &a->c1.c1, &a->c0.c2, &a->c1.c2};
    fp2 t[6];
    for (int k = 0; k < 6; k++) {
        fp2_conj(&t[k], in[k]);
        if (k)
            seer_bls_fp2_mul(&t[k], &t[k], &FROB_GAMMA[k]);
    }
    for (int k = 0; k < 6; k++)
        *out[k] = t[k];
}

void seer_bls_fp12_pow(fp12 *r, const fp12 *a, const uint64_t *e, size_t n)
{
    fp12 acc, base = *a;
    seer_bls_fp12_one(&acc);
    bool started = false;
    for (size_t i = n; i-- > 0;) {
        for (int b = 63; b >= 0; b--) {
            if (started)
                seer_bls_fp12_sqr(&acc, &acc);
            if ((e[i] >> b) & 1) {
                if (started)
                    seer_bls_fp12_mul(&acc, &acc, &base);
                else
                    acc = base;
                started = true;
            }
        }
    }
    *r = acc;
}

static const fp B_G1 = FP_FOUR_INIT;

/* ------------------------------------------------------------------ G1 */

void seer_bls_g1_set_inf(seer_bls_g1 *r)
{
    seer_bls_fp_one(&r->x);
    seer_bls_fp_one(&r->y);
    seer_bls_fp_zero(&r->z);
}

bool seer_bls_g1_is_inf(const seer_bls_g1 *a)
{
    return seer_bls_fp_is_zero(&a->z);
}

/* Y^2 = X^3 + b Z^6 */
bool seer_bls_g1_on_curve(const seer_bls_g1 *a)
{
    if (seer_bls_g1_is_inf(a))
        return true;
    fp l, rhs, z2, z6;
    seer_bls_fp_sqr(&l, &a->y);
    seer_bls_fp_sqr(&rhs, &a->x);
    seer_bls_fp_mul(&rhs, &rhs, &a->x);
    seer_bls_fp_sqr(&z2, &a->z);
    seer_bls_fp_sqr(&z6, &z2);
    seer_bls_fp_mul(&z6, &z6, &z2);
    seer_bls_fp_mul(&z6, &z6, &B_G1);
    seer_bls_fp_add(&rhs, &rhs, &z6);
    return seer_bls_fp_eq(&l, &rhs);
}

/* X1 Z2^2 = X2 Z1^2 and Y1 Z2^3 = Y2 Z1^3 */
bool seer_bls_g1_eq(const seer_bls_g1 *a, const seer_bls_g1 *b)
{
    bool ia = seer_bls_g1_is_inf(a), ib = seer_bls_g1_is_inf(b);
    if (ia || ib)
        return ia == ib;
    fp za2, zb2, za3, zb3, l, r;
    seer_bls_fp_sqr(&za2, &a->z);
    seer_bls_fp_sqr(&zb2, &b->z);
    seer_bls_fp_mul(&l, &a->x, &zb2);
    seer_bls_fp_mul(&r, &b->x, &za2);
    if (!seer_bls_fp_eq(&l, &r))
        return false;
    seer_bls_fp_mul(&za3, &za2, &a->z);
    seer_bls_fp_mul(&zb3, &zb2, &b->z);
    seer_bls_fp_mul(&l, &a->y, &zb3);
    seer_bls_fp_mul(&r, &b->y, &za3);
    return seer_bls_fp_eq(&l, &r);
}

void seer_bls_g1_neg(seer_bls_g1 *r, const seer_bls_g1 *a)
{
    r->x = a->x;
    seer_bls_fp_neg(&r->y, &a->y);
    r->z = a->z;
}

/* dbl-2009-l (a = 0) */
void seer_bls_g1_dbl(seer_bls_g1 *r, const seer_bls_g1 *a)
{
    if (seer_bls_g1_is_inf(a)) {
        *r = *a;
        return;
    }
    fp A, B, C, D, E, F, t, z3;
    seer_bls_fp_sqr(&A, &a->x);
    seer_bls_fp_sqr(&B, &a->y);
    seer_bls_fp_sqr(&C, &B);
    seer_bls_fp_add(&D, &a->x, &B);
    seer_bls_fp_sqr(&D, &D);
    seer_bls_fp_sub(&D, &D, &A);
    seer_bls_fp_sub(&D, &D, &C);
    fp_dbl(&D, &D);
    fp_dbl(&E, &A);
    seer_bls_fp_add(&E, &E, &A);
    seer_bls_fp_sqr(&F, &E);
    seer_bls_fp_mul(&z3, &a->y, &a->z);
    fp_dbl(&z3, &z3);
    fp_dbl(&t, &D);
    seer_bls_fp_sub(&r->x, &F, &t);
    seer_bls_fp_sub(&t, &D, &r->x);
    seer_bls_fp_mul(&t, &t, &E);
    fp_dbl(&C, &C);
    fp_dbl(&C, &C);
    fp_dbl(&C, &C);
    seer_bls_fp_sub(&r->y, &t, &C);
    r->z = z3;
}

/* add-1998-cmo-2, with the doubling and inverse cases handled */
void seer_bls_g1_add(seer_bls_g1 *r, const seer_bls_g1 *a, const seer_bls_g1 *b)
{
    if (seer_bls_g1_is_inf(a)) {
        *r = *b;
        return;
    }
    if (seer_bls_g1_is_inf(b)) {
        *r = *a;
        return;
    }
    fp z1z1, z2z2, u1, u2, s1, s2, h, rr, hh, hhh, v, t;
    seer_bls_fp_sqr(&z1z1, &a->z);
    seer_bls_fp_sqr(&z2z2, &b->z);
    seer_bls_fp_mul(&u1, &a->x, &z2z2);
    seer_bls_fp_mul(&u2, &b->x, &z1z1);
    seer_bls_fp_mul(&s1, &a->y, &b->z);
    seer_bls_fp_mul(&s1, &s1, &z2z2);
    seer_bls_fp_mul(&s2, &b->y, &a->z);
    seer_bls_fp_mul(&s2, &s2, &z1z1);
    seer_bls_fp_sub(&h, &u2, &u1);
    seer_bls_fp_sub(&rr, &s2, &s1);
    if (seer_bls_fp_is_zero(&h)) {
        if (seer_bls_fp_is_zero(&rr))
            seer_bls_g1_dbl(r, a);
        else
            seer_bls_g1_set_inf(r);
        return;
    }
    seer_bls_fp_sqr(&hh, &h);
    seer_bls_fp_mul(&hhh, &hh, &h);
    seer_bls_fp_mul(&v, &u1, &hh);
    fp z3;
    seer_bls_fp_mul(&z3, &a->z, &b->z);
    seer_bls_fp_mul(&z3, &z3, &h);
    fp x3;
    seer_bls_fp_sqr(&x3, &rr);
    seer_bls_fp_sub(&x3, &x3, &hhh);
    fp_dbl(&t, &v);
    seer_bls_fp_sub(&x3, &x3, &t);
    seer_bls_fp_sub(&t, &v, &x3);
    seer_bls_fp_mul(&t, &t, &rr);
    seer_bls_fp_mul(&s1, &s1, &hhh);
    seer_bls_fp_sub(&r->y, &t, &s1);
    r->x = x3;
    r->z = z3;
}

/* left-to-right double-and-add over the 256 bits of k */
void seer_bls_g1_mul(seer_bls_g1 *r, const seer_bls_g1 *a, const uint8_t k[32])
{
    seer_bls_g1 acc, base = *a;
    seer_bls_g1_set_inf(&acc);
    for (int i = 0; i < 256; i++) {
        seer_bls_g1_dbl(&acc, &acc);
        if ((k[i / 8] >> (7 - i % 8)) & 1)
            seer_bls_g1_add(&acc, &acc, &base);
    }
    *r = acc;
}

void seer_bls_g1_mul2(seer_bls_g1 *r, const seer_bls_g1 *a, const uint8_t ka[32], const seer_bls_g1 *b,
                      const uint8_t kb[32])
{
    /* Shamir's trick: the two scalars share one chain of doublings */
    seer_bls_g1 acc, ab;
    seer_bls_g1_add(&ab, a, b);
    seer_bls_g1_set_inf(&acc);
    for (int i = 0; i < 256; i++) {
        seer_bls_g1_dbl(&acc, &acc);
        int bit_a = (ka[i / 8] >> (7 - i % 8)) & 1, bit_b = (kb[i / 8] >> (7 - i % 8)) & 1;
        if (bit_a && bit_b)
            seer_bls_g1_add(&acc, &acc, &ab);
        else if (bit_a)
            seer_bls_g1_add(&acc, &acc, a);
        else if (bit_b)
            seer_bls_g1_add(&acc, &acc, b);
    }
    *r = acc;
}

static void g1_mul_u64(seer_bls_g1 *r, const seer_bls_g1 *a, uint64_t k)
{
    seer_bls_g1 acc, base = *a;
    seer_bls_g1_set_inf(&acc);
    for (int i = 63; i >= 0; i--) {
        seer_bls_g1_dbl(&acc, &acc);
        if ((k >> i) & 1)
            seer_bls_g1_add(&acc, &acc, &base);
    }
    *r = acc;
}

/* Membership by the endomorphism phi(x, y) = (beta x, y): on the curve,
 * P is in the order-r subgroup iff phi(P) = [-x^2]P (Scott, "A note on group
 * membership tests for G1, G2 and GT on BLS pairing-friendly curves", ePrint
 * 2021/1130). -x^2 is a cube root of unity mod r, and BETA is the cube root
 * of unity in Fp that phi pairs with it. Costs two 64-bit multiplications
 * instead of one by the 255-bit r; the test suite checks it against [r]P. */
bool seer_bls_g1_in_subgroup(const seer_bls_g1 *a)
{
    if (seer_bls_g1_is_inf(a))
        return true;
    seer_bls_g1 t, phi;
    g1_mul_u64(&t, a, BLS_X_ABS);
    g1_mul_u64(&t, &t, BLS_X_ABS);
    seer_bls_g1_neg(&t, &t);
    phi = *a;
    seer_bls_fp_mul(&phi.x, &a->x, &G1_BETA);
    return seer_bls_g1_eq(&phi, &t);
}

static void g1_to_affine(fp *x, fp *y, const seer_bls_g1 *a)
{
    fp zi, zi2, zi3;
    seer_bls_fp_inv(&zi, &a->z);
    seer_bls_fp_sqr(&zi2, &zi);
    seer_bls_fp_mul(&zi3, &zi2, &zi);
    seer_bls_fp_mul(x, &a->x, &zi2);
    seer_bls_fp_mul(y, &a->y, &zi3);
}

static const fp2 B_G2 = {FP_FOUR_INIT, FP_FOUR_INIT};

/* ------------------------------------------------------------------ G2 */

void seer_bls_g2_set_inf(seer_bls_g2 *r)
{
    seer_bls_fp2_one(&r->x);
    seer_bls_fp2_one(&r->y);
    seer_bls_fp2_zero(&r->z);
}

bool seer_bls_g2_is_inf(const seer_bls_g2 *a)
{
    return seer_bls_fp2_is_zero(&a->z);
}

/* Y^2 = X^3 + b Z^6 */
bool seer_bls_g2_on_curve(const seer_bls_g2 *a)
{
    if (seer_bls_g2_is_inf(a))
        return true;
    fp2 l, rhs, z2, z6;
    seer_bls_fp2_sqr(&l, &a->y);
    seer_bls_fp2_sqr(&rhs, &a->x);
    seer_bls_fp2_mul(&rhs, &rhs, &a->x);
    seer_bls_fp2_sqr(&z2, &a->z);
    seer_bls_fp2_sqr(&z6, &z2);
    seer_bls_fp2_mul(&z6, &z6, &z2);
    seer_bls_fp2_mul(&z6, &z6, &B_G2);
    seer_bls_fp2_add(&rhs, &rhs, &z6);
    return seer_bls_fp2_eq(&l, &rhs);
}

/* X1 Z2^2 = X2 Z1^2 and Y1 Z2^3 = Y2 Z1^3 */
bool seer_bls_g2_eq(const seer_bls_g2 *a, const seer_bls_g2 *b)
{
    bool ia = seer_bls_g2_is_inf(a), ib = seer_bls_g2_is_inf(b);
    if (ia || ib)
        return ia == ib;
    fp2 za2, zb2, za3, zb3, l, r;
    seer_bls_fp2_sqr(&za2, &a->z);
    seer_bls_fp2_sqr(&zb2, &b->z);
    seer_bls_fp2_mul(&l, &a->x, &zb2);
    seer_bls_fp2_mul(&r, &b->x, &za2);
    if (!seer_bls_fp2_eq(&l, &r))
        return false;
    seer_bls_fp2_mul(&za3, &za2, &a->z);
    seer_bls_fp2_mul(&zb3, &zb2, &b->z);
    seer_bls_fp2_mul(&l, &a->y, &zb3);
    seer_bls_fp2_mul(&r, &b->y, &za3);
    return seer_bls_fp2_eq(&l, &r);
}

void seer_bls_g2_neg(seer_bls_g2 *r, const seer_bls_g2 *a)
{
    r->x = a->x;
    seer_bls_fp2_neg(&r->y, &a->y);
    r->z = a->z;
}

/* dbl-2009-l (a = 0) */
void seer_bls_g2_dbl(seer_bls_g2 *r, const seer_bls_g2 *a)
{
    if (seer_bls_g2_is_inf(a)) {
        *r = *a;
        return;
    }
    fp2 A, B, C, D, E, F, t, z3;
    seer_bls_fp2_sqr(&A, &a->x);
    seer_bls_fp2_sqr(&B, &a->y);
    seer_bls_fp2_sqr(&C, &B);
    seer_bls_fp2_add(&D, &a->x, &B);
    seer_bls_fp2_sqr(&D, &D);
    seer_bls_fp2_sub(&D, &D, &A);
    seer_bls_fp2_sub(&D, &D, &C);
    fp2_dbl(&D, &D);
    fp2_dbl(&E, &A);
    seer_bls_fp2_add(&E, &E, &A);
    seer_bls_fp2_sqr(&F, &E);
    seer_bls_fp2_mul(&z3, &a->y, &a->z);
    fp2_dbl(&z3, &z3);
    fp2_dbl(&t, &D);
    seer_bls_fp2_sub(&r->x, &F, &t);
    seer_bls_fp2_sub(&t, &D, &r->x);
    seer_bls_fp2_mul(&t, &t, &E);
    fp2_dbl(&C, &C);
    fp2_dbl(&C, &C);
    fp2_dbl(&C, &C);
    seer_bls_fp2_sub(&r->y, &t, &C);
    r->z = z3;
}

/* add-1998-cmo-2, with the doubling and inverse cases handled */
void seer_bls_g2_add(seer_bls_g2 *r, const seer_bls_g2 *a, const seer_bls_g2 *b)
{
    if (seer_bls_g2_is_inf(a)) {
        *r = *b;
        return;
    }
    if (seer_bls_g2_is_inf(b)) {
        *r = *a;
        return;
    }
    fp2 z1z1, z2z2, u1, u2, s1, s2, h, rr, hh, hhh, v, t;
    seer_bls_fp2_sqr(&z1z1, &a->z);
    seer_bls_fp2_sqr(&z2z2, &b->z);
    seer_bls_fp2_mul(&u1, &a->x, &z2z2);
    seer_bls_fp2_mul(&u2, &b->x, &z1z1);
    seer_bls_fp2_mul(&s1, &a->y, &b->z);
    seer_bls_fp2_mul(&s1, &s1, &z2z2);
    seer_bls_fp2_mul(&s2, &b->y, &a->z);
    seer_bls_fp2_mul(&s2, &s2, &z1z1);
    seer_bls_fp2_sub(&h, &u2, &u1);
    seer_bls_fp2_sub(&rr, &s2, &s1);
    if (seer_bls_fp2_is_zero(&h)) {
        if (seer_bls_fp2_is_zero(&rr))
            seer_bls_g2_dbl(r, a);
        else
            seer_bls_g2_set_inf(r);
        return;
    }
    seer_bls_fp2_sqr(&hh, &h);
    seer_bls_fp2_mul(&hhh, &hh, &h);
    seer_bls_fp2_mul(&v, &u1, &hh);
    fp2 z3;
    seer_bls_fp2_mul(&z3, &a->z, &b->z);
    seer_bls_fp2_mul(&z3, &z3, &h);
    fp2 x3;
    seer_bls_fp2_sqr(&x3, &rr);
    seer_bls_fp2_sub(&x3, &x3, &hhh);
    fp2_dbl(&t, &v);
    seer_bls_fp2_sub(&x3, &x3, &t);
    seer_bls_fp2_sub(&t, &v, &x3);
    seer_bls_fp2_mul(&t, &t, &rr);
    seer_bls_fp2_mul(&s1, &s1, &hhh);
    seer_bls_fp2_sub(&r->y, &t, &s1);
    r->x = x3;
    r->z = z3;
}

/* left-to-right double-and-add over the 256 bits of k */
void seer_bls_g2_mul(seer_bls_g2 *r, const seer_bls_g2 *a, const uint8_t k[32])
{
    seer_bls_g2 acc, base = *a;
    seer_bls_g2_set_inf(&acc);
    for (int i = 0; i < 256; i++) {
        seer_bls_g2_dbl(&acc, &acc);
        if ((k[i / 8] >> (7 - i % 8)) & 1)
            seer_bls_g2_add(&acc, &acc, &base);
    }
    *r = acc;
}

/* [r]Q = O: r^2 does not divide #E'(Fp2), so this holds exactly on the
 * order-r subgroup. Only the trusted-setup point goes through it, once. */
bool seer_bls_g2_in_subgroup(const seer_bls_g2 *a)
{
    seer_bls_g2 t;
    seer_bls_g2_mul(&t, a, seer_bls_r_be);
    return seer_bls_g2_is_inf(&t);
}

static void g2_to_affine(fp2 *x, fp2 *y, const seer_bls_g2 *a)
{
    fp2 zi, zi2, zi3;
    seer_bls_fp2_inv(&zi, &a->z);
    seer_bls_fp2_sqr(&zi2, &zi);
    seer_bls_fp2_mul(&zi3, &zi2, &zi);
    seer_bls_fp2_mul(x, &a->x, &zi2);
    seer_bls_fp2_mul(y, &a->y, &zi3);
}

/* ------------------------------------------------------- encodings */

void seer_bls_g1_generator(seer_bls_g1 *r)
{
    r->x = G1_X;
    r->y = G1_Y;
    seer_bls_fp_one(&r->z);
}

void seer_bls_g2_generator(seer_bls_g2 *r)
{
    r->x = G2_X;
    r->y = G2_Y;
    seer_bls_fp2_one(&r->z);
}

/* Flag bits of the first byte (ZCash serialization, adopted by the IETF
 * draft and the consensus specs): compression, infinity, sign of y. */
#define FLAG_C 0x80
#define FLAG_I 0x40
#define FLAG_S 0x20

void seer_bls_g1_compress(uint8_t out[48], const seer_bls_g1 *a)
{
    if (seer_bls_g1_is_inf(a)) {
        memset(out, 0, 48);
        out[0] = FLAG_C | FLAG_I;
        return;
    }
    fp x, y;
    g1_to_affine(&x, &y, a);
    seer_bls_fp_to_bytes(out, &x);
    out[0] |= FLAG_C;
    if (seer_bls_fp_is_lex_largest(&y))
        out[0] |= FLAG_S;
}

void seer_bls_g2_compress(uint8_t out[96], const seer_bls_g2 *a)
{
    if (seer_bls_g2_is_inf(a)) {
        memset(out, 0, 96);
        out[0] = FLAG_C | FLAG_I;
        return;
    }
    fp2 x, y;
    g2_to_affine(&x, &y, a);
    seer_bls_fp_to_bytes(out, &x.c1);
    seer_bls_fp_to_bytes(out + 48, &x.c0);
    out[0] |= FLAG_C;
    if (fp2_is_lex_largest(&y))
        out[0] |= FLAG_S;
}

/* The infinity encoding is canonical only as 0xc0 followed by zeros. */
static bool inf_encoding_ok(const uint8_t *in, size_t n)
{
    if ((in[0] & 0x3f) != 0)
        return false;
    for (size_t i = 1; i < n; i++)
        if (in[i])
            return false;
    return true;
}

int seer_bls_g1_decompress(seer_bls_g1 *r, const uint8_t in[48])
{
    if (!(in[0] & FLAG_C))
        return seer_err(SEER_EPARSE, "bls12-381 G1: compression flag not set (byte 0 = 0x%02x)", in[0]);
    if (in[0] & FLAG_I) {
        if (!inf_encoding_ok(in, 48))
            return seer_err(SEER_EPARSE, "bls12-381 G1: non-zero bits in the point-at-infinity encoding");
        seer_bls_g1_set_inf(r);
        return 0;
    }
    uint8_t buf[48];
    memcpy(buf, in, 48);
    buf[0] &= 0x1f;
    fp x, y, rhs;
    if (!seer_bls_fp_from_bytes(&x, buf))
        return seer_err(SEER_EPARSE, "bls12-381 G1: x coordinate >= p");
    seer_bls_fp_sqr(&rhs, &x);
    seer_bls_fp_mul(&rhs, &rhs, &x);
    seer_bls_fp_add(&rhs, &rhs, &B_G1);
    if (!seer_bls_fp_sqrt(&y, &rhs))
        return seer_err(SEER_EPARSE, "bls12-381 G1: x is not the abscissa of a curve point");
    if (seer_bls_fp_is_lex_largest(&y) != !!(in[0] & FLAG_S))
        seer_bls_fp_neg(&y, &y);
    seer_bls_g1 p = {x, y, FP_ONE};
    if (!seer_bls_g1_in_subgroup(&p))
        return seer_err(SEER_EPARSE, "bls12-381 G1: point not in the prime-order subgroup");
    *r = p;
    return 0;
}

int seer_bls_g2_decompress(seer_bls_g2 *r, const uint8_t in[96])
{
    if (!(in[0] & FLAG_C))
        return seer_err(SEER_EPARSE, "bls12-381 G2: compression flag not set (byte 0 = 0x%02x)", in[0]);
    if (in[0] & FLAG_I) {
        if (!inf_encoding_ok(in, 96))
            return seer_err(SEER_EPARSE, "bls12-381 G2: non-zero bits in the point-at-infinity encoding");
        seer_bls_g2_set_inf(r);
        return 0;
    }
    uint8_t buf[48];
    memcpy(buf, in, 48);
    buf[0] &= 0x1f;
    fp2 x, y, rhs;
    if (!seer_bls_fp_from_bytes(&x.c1, buf) || !seer_bls_fp_from_bytes(&x.c0, in + 48))
        return seer_err(SEER_EPARSE, "bls12-381 G2: x coordinate >= p");
    seer_bls_fp2_sqr(&rhs, &x);
    seer_bls_fp2_mul(&rhs, &rhs, &x);
    seer_bls_fp2_add(&rhs, &rhs, &B_G2);
    if (!seer_bls_fp2_sqrt(&y, &rhs))
        return seer_err(SEER_EPARSE, "bls12-381 G2: x is not the abscissa of a curve point");
    if (fp2_is_lex_largest(&y) != !!(in[0] & FLAG_S))
        seer_bls_fp2_neg(&y, &y);
    seer_bls_g2 p;
    p.x = x;
    p.y = y;
    seer_bls_fp2_one(&p.z);
    if (!seer_bls_g2_in_subgroup(&p))
        return seer_err(SEER_EPARSE, "bls12-381 G2: point not in the prime-order subgroup");
    *r = p;
    return 0;
}

/* Fp6 times (b0, b1, 0): five Fp2 products (Karatsuba on the b0, b1 pair) */
static void fp6_mul_01(fp6 *r, const fp6 *a, const fp2 *b0, const fp2 *b1)
{
    fp2 v0, v1, s, t, c0, c1, c2;
    seer_bls_fp2_mul(&v0, &a->c0, b0);
    seer_bls_fp2_mul(&v1, &a->c1, b1);
    /* c1 = (a0 + a1)(b0 + b1) - v0 - v1 */
    seer_bls_fp2_add(&s, &a->c0, &a->c1);
    seer_bls_fp2_add(&t, b0, b1);
    seer_bls_fp2_mul(&c1, &s, &t);
    seer_bls_fp2_sub(&c1, &c1, &v0);
    seer_bls_fp2_sub(&c1, &c1, &v1);
    /* c0 = v0 + xi a2 b1, c2 = v1 + a2 b0 */
    seer_bls_fp2_mul(&t, &a->c2, b1);
    fp2_mul_xi(&t, &t);
    seer_bls_fp2_add(&c0, &v0, &t);
    seer_bls_fp2_mul(&t, &a->c2, b0);
    seer_bls_fp2_add(&c2, &v1, &t);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* Fp6 times (0, b1, 0) = b1 v */
static void fp6_mul_1(fp6 *r, const fp6 *a, const fp2 *b1)
{
    fp2 c0, c1, c2;
    seer_bls_fp2_mul(&c0, &a->c2, b1);
    fp2_mul_xi(&c0, &c0);
    seer_bls_fp2_mul(&c1, &a->c0, b1);
    seer_bls_fp2_mul(&c2, &a->c1, b1);
    r->c0 = c0;
    r->c1 = c1;
    r->c2 = c2;
}

/* f *= (l0 + l2 v) + (l3 v) w, the shape of every line: 13 Fp2 products
 * instead of the 18 of a full Fp12 product */
static void fp12_mul_line(fp12 *f, const fp2 *l0, const fp2 *l2, const fp2 *l3)
{
    fp6 t0, t1, s;
    fp2 l23;
    fp6_mul_01(&t0, &f->c0, l0, l2);
    fp6_mul_1(&t1, &f->c1, l3);
    seer_bls_fp2_add(&l23, l2, l3);
    fp6_add(&s, &f->c0, &f->c1);
    fp6_mul_01(&s, &s, l0, &l23);
    fp6_sub(&s, &s, &t0);
    fp6_sub(&f->c1, &s, &t1);
    fp6_mul_v(&t1, &t1);
    fp6_add(&f->c0, &t0, &t1);
}

/* Squaring in the cyclotomic subgroup (Granger and Scott, "Faster squaring
 * in the cyclotomic subgroup of sixth degree extensions", PKC 2010). Seen
 * over Fp4 = Fp2[s]/(s^2 - xi) with s = w^3, f = A + B w + C w^2 where A =
 * a0 + a3 s, B = a1 + a4 s, C = a2 + a5 s (a_k the coefficient of w^k); for
 * f of order dividing p^4 - p^2 + 1,
 *   f^2 = (3 A^2 - 2 conj(A)) + (3 s C^2 + 2 conj(B)) w + (3 B^2 - 2 conj(C)) w^2.
 * Three Fp4 squarings: about half the cost of a general squaring. Only
 * valid on that subgroup (after the easy part of the final exponentiation). */
static void fp4_sqr(fp2 *r0, fp2 *r1, const fp2 *a, const fp2 *b)
{
    fp2 a2, b2, t;
    seer_bls_fp2_sqr(&a2, a);
    seer_bls_fp2_sqr(&b2, b);
    seer_bls_fp2_add(&t, a, b);
    seer_bls_fp2_sqr(&t, &t);
    seer_bls_fp2_sub(&t, &t, &a2);
    seer_bls_fp2_sub(r1, &t, &b2);
    fp2_mul_xi(&b2, &b2);
    seer_bls_fp2_add(r0, &a2, &b2);
}

/* r = 3 t - 2 z (sign = -1) or 3 t + 2 z (sign = +1) */
static void cyc_combine(fp2 *r, const fp2 *t, const fp2 *z, int sign)
{
    fp2 u;
    if (sign < 0)
        seer_bls_fp2_sub(&u, t, z);
    else
        seer_bls_fp2_add(&u, t, z);
    fp2_dbl(&u, &u);
    seer_bls_fp2_add(r, &u, t);
}

void seer_bls_fp12_cyclotomic_sqr(fp12 *r, const fp12 *f)
{
    const fp2 *a0 = &f->c0.c0, *a1 = &f->c1.c0, *a2 = &f->c0.c1, *a3 = &f->c1.c1, *a4 = &f->c0.c2,
              *a5 = &f->c1.c2;
    fp2 A0, A1, B0, B1, C0, C1, sc;
    fp4_sqr(&A0, &A1, a0, a3);
    fp4_sqr(&B0, &B1, a1, a4);
    fp4_sqr(&C0, &C1, a2, a5);
    fp12 out;
    /* w^0 and w^3: 3 A^2 - 2 conj(A) */
    cyc_combine(&out.c0.c0, &A0, a0, -1);
    cyc_combine(&out.c1.c1, &A1, a3, +1);
    /* w^1 and w^4: 3 s C^2 + 2 conj(B), s C^2 = xi C1 + C0 s */
    fp2_mul_xi(&sc, &C1);
    cyc_combine(&out.c1.c0, &sc, a1, +1);
    cyc_combine(&out.c0.c2, &C0, a4, -1);
    /* w^2 and w^5: 3 B^2 - 2 conj(C) */
    cyc_combine(&out.c0.c1, &B0, a2, -1);
    cyc_combine(&out.c1.c2, &B1, a5, +1);
    *r = out;
}

/* ------------------------------------------------------------ pairing */

/* The line functions are evaluated on the twist and mapped through the
 * untwist psi(x, y) = (x w^-2, y w^-3). A line l(P) = yP - yT - lambda (xP -
 * xT) is multiplied by w^3 and by a factor in Fp2; both lie in proper
 * subfields of Fp12 and vanish under the final exponentiation, leaving the
 * sparse element a0 + a2 w^2 + a3 w^3 = (a0, a2, 0) + (0, a3, 0) w. */
/* A line's coefficients before P is known: the line at P is
 * (a0, b2 xP, 0) + (0, b3 yP, 0) w. Keeping P out lets a fixed Q's lines be
 * computed once (seer_bls_g2_prepare). */
typedef seer_bls_line line_coeffs;

/* T = 2T; line tangent at T (Jacobian X, Y, Z): lambda' = 3X^2 / (2YZ);
 * scaled by 2YZ^3: a0 = 3X^3 - 2Y^2, a2 = -3X^2 Z^2 xP, a3 = 2YZ^3 yP. */
static void miller_dbl(line_coeffs *l, seer_bls_g2 *t)
{
    fp2 x2, x3, y2, z2, tmp;
    seer_bls_fp2_sqr(&x2, &t->x);
    seer_bls_fp2_mul(&x3, &x2, &t->x);
    seer_bls_fp2_sqr(&y2, &t->y);
    seer_bls_fp2_sqr(&z2, &t->z);
    fp2_dbl(&l->a0, &x3);
    seer_bls_fp2_add(&l->a0, &l->a0, &x3);
    fp2_dbl(&tmp, &y2);
    seer_bls_fp2_sub(&l->a0, &l->a0, &tmp);
    fp2_dbl(&tmp, &x2);
    seer_bls_fp2_add(&tmp, &tmp, &x2);
    seer_bls_fp2_mul(&tmp, &tmp, &z2);
    seer_bls_fp2_neg(&l->b2, &tmp);
    /* b3 = Z3 Z^2 with Z3 = 2YZ */
    seer_bls_g2_dbl(t, t);
    seer_bls_fp2_mul(&l->b3, &t->z, &z2);
}

/* T = T + Q (Q affine): H = xQ Z^2 - X, R = yQ Z^3 - Y, lambda' = R / (HZ);
 * the line through Q scaled by HZ: a0 = R xQ - yQ HZ, a2 = -R xP,
 * a3 = HZ yP. */
static void miller_add(line_coeffs *l, seer_bls_g2 *t, const fp2 *xq, const fp2 *yq)
{
    fp2 z2, z3, h, r, tmp;
    seer_bls_fp2_sqr(&z2, &t->z);
    seer_bls_fp2_mul(&z3, &z2, &t->z);
    seer_bls_fp2_mul(&h, xq, &z2);
    seer_bls_fp2_sub(&h, &h, &t->x);
    seer_bls_fp2_mul(&r, yq, &z3);
    seer_bls_fp2_sub(&r, &r, &t->y);
    seer_bls_fp2_mul(&l->b3, &h, &t->z);
    seer_bls_fp2_mul(&l->a0, &r, xq);
    seer_bls_fp2_mul(&tmp, yq, &l->b3);
    seer_bls_fp2_sub(&l->a0, &l->a0, &tmp);
    seer_bls_fp2_neg(&l->b2, &r);
    /* T + Q never meets the doubling or inverse case here: T = [k]Q with
     * 1 < k < |x| < r, so the generic addition is exact */
    seer_bls_g2 q;
    q.x = *xq;
    q.y = *yq;
    seer_bls_fp2_one(&q.z);
    seer_bls_g2_add(t, t, &q);
}

/* f *= line(P) */
static void line_mul(fp12 *f, const line_coeffs *l, const fp *xp, const fp *yp)
{
    fp2 a2, a3;
    fp2_mul_fp(&a2, &l->b2, xp);
    fp2_mul_fp(&a3, &l->b3, yp);
    fp12_mul_line(f, &l->a0, &a2, &a3);
}

#define PAIRING_MAX 4

/* f = prod f_{|x|, Q_i}(P_i), conjugated because x < 0 */
static void miller_loop(fp12 *f, const seer_bls_g1 *ps, const seer_bls_g2 *qs, size_t n)
{
    fp xp[PAIRING_MAX], yp[PAIRING_MAX];
    fp2 xq[PAIRING_MAX], yq[PAIRING_MAX];
    seer_bls_g2 t[PAIRING_MAX];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        /* a factor with a point at infinity is 1 */
        if (seer_bls_g1_is_inf(&ps[i]) || seer_bls_g2_is_inf(&qs[i]))
            continue;
        g1_to_affine(&xp[m], &yp[m], &ps[i]);
        g2_to_affine(&xq[m], &yq[m], &qs[i]);
        t[m].x = xq[m];
        t[m].y = yq[m];
        seer_bls_fp2_one(&t[m].z);
        m++;
    }
    seer_bls_fp12_one(f);
    if (m == 0)
        return;
    line_coeffs l;
    for (int b = 62; b >= 0; b--) {
        seer_bls_fp12_sqr(f, f);
        for (size_t i = 0; i < m; i++) {
            miller_dbl(&l, &t[i]);
            line_mul(f, &l, &xp[i], &yp[i]);
        }
        if ((BLS_X_ABS >> b) & 1) {
            for (size_t i = 0; i < m; i++) {
                miller_add(&l, &t[i], &xq[i], &yq[i]);
                line_mul(f, &l, &xp[i], &yp[i]);
            }
        }
    }
    fp12_conj(f, f);
}

static void final_exp(fp12 *r, const fp12 *f);

void seer_bls_g2_prepare(seer_bls_g2_prepared *out, const seer_bls_g2 *q)
{
    out->inf = seer_bls_g2_is_inf(q);
    if (out->inf)
        return;
    fp2 xq, yq;
    g2_to_affine(&xq, &yq, q);
    seer_bls_g2 t;
    t.x = xq;
    t.y = yq;
    seer_bls_fp2_one(&t.z);
    size_t k = 0;
    for (int b = 62; b >= 0; b--) {
        miller_dbl(&out->lines[k++], &t);
        if ((BLS_X_ABS >> b) & 1)
            miller_add(&out->lines[k++], &t, &xq, &yq);
    }
    SEER_VERIFY(k == SEER_BLS_MILLER_LINES);
}

bool seer_bls_pairing_check_prepared(const seer_bls_g1 *ps, const seer_bls_g2_prepared *const *qs, size_t n)
{
    fp xp[PAIRING_MAX], yp[PAIRING_MAX];
    const seer_bls_g2_prepared *pq[PAIRING_MAX];
    fp12 acc, f, r;
    seer_bls_fp12_one(&acc);
    for (size_t base = 0; base < n; base += PAIRING_MAX) {
        size_t m = 0, end = n - base < PAIRING_MAX ? n : base + PAIRING_MAX;
        for (size_t i = base; i < end; i++) {
            if (seer_bls_g1_is_inf(&ps[i]) || qs[i]->inf)
                continue;
            g1_to_affine(&xp[m], &yp[m], &ps[i]);
            pq[m++] = qs[i];
        }
        seer_bls_fp12_one(&f);
        size_t k = 0;
        for (int b = 62; b >= 0 && m > 0; b--) {
            seer_bls_fp12_sqr(&f, &f);
            for (size_t i = 0; i < m; i++)
                line_mul(&f, &pq[i]->lines[k], &xp[i], &yp[i]);
            k++;
            if ((BLS_X_ABS >> b) & 1) {
                for (size_t i = 0; i < m; i++)
                    line_mul(&f, &pq[i]->lines[k], &xp[i], &yp[i]);
                k++;
            }
        }
        fp12_conj(&f, &f);
        seer_bls_fp12_mul(&acc, &acc, &f);
    }
    final_exp(&r, &acc);
    return seer_bls_fp12_is_one(&r);
}

/* g^|x| by square-and-multiply over the 64 bits of |x| (6 of them set);
 * g must be in the cyclotomic subgroup */
static void fp12_pow_xabs(fp12 *r, const fp12 *g)
{
    fp12 acc = *g;
    for (int b = 62; b >= 0; b--) {
        seer_bls_fp12_cyclotomic_sqr(&acc, &acc);
        if ((BLS_X_ABS >> b) & 1)
            seer_bls_fp12_mul(&acc, &acc, g);
    }
    *r = acc;
}

/* f^(3 (p^12 - 1) / r). The easy part f^((p^6 - 1)(p^2 + 1)) lands in the
 * cyclotomic subgroup, where inversion is conjugation. The hard part uses
 * 3 (p^4 - p^2 + 1) / r = (x - 1)^2 (x + p) (x^2 + p^2 - 1) + 3 (Hayashida,
 * Hayasaka and Teruya, ePrint 2020/875): five exponentiations by |x| instead
 * of one by a 1268-bit exponent. The extra factor 3 is coprime to r, so the
 * result is a fixed power of the reduced pairing: still bilinear and
 * non-degenerate, and a product is 1 exactly when the reduced one is. */
static void final_exp(fp12 *r, const fp12 *f)
{
    fp12 u, t, a, b;
    seer_bls_fp12_inv(&t, f);
    fp12_conj(&u, f);
    seer_bls_fp12_mul(&u, &u, &t);
    fp12_frob(&t, &u);
    fp12_frob(&t, &t);
    seer_bls_fp12_mul(&u, &t, &u);

    /* t = u^((x - 1)^2) = u^((|x| + 1)^2), since x - 1 = -(|x| + 1) */
    fp12_pow_xabs(&t, &u);
    seer_bls_fp12_mul(&t, &t, &u);
    fp12_pow_xabs(&a, &t);
    seer_bls_fp12_mul(&t, &a, &t);
    /* t = t^(x + p) = conj(t^|x|) t^p */
    fp12_pow_xabs(&a, &t);
    fp12_conj(&a, &a);
    fp12_frob(&b, &t);
    seer_bls_fp12_mul(&t, &a, &b);
    /* t = t^(x^2 + p^2 - 1) = (t^|x|)^|x| t^(p^2) conj(t) */
    fp12_pow_xabs(&a, &t);
    fp12_pow_xabs(&a, &a);
    fp12_frob(&b, &t);
    fp12_frob(&b, &b);
    seer_bls_fp12_mul(&a, &a, &b);
    fp12_conj(&b, &t);
    seer_bls_fp12_mul(&t, &a, &b);
    /* times u^3 */
    seer_bls_fp12_sqr(&a, &u);
    seer_bls_fp12_mul(&a, &a, &u);
    seer_bls_fp12_mul(r, &t, &a);
}

void seer_bls_pairing(fp12 *r, const seer_bls_g1 *p, const seer_bls_g2 *q)
{
    fp12 f;
    miller_loop(&f, p, q, 1);
    final_exp(r, &f);
}

bool seer_bls_pairing_check(const seer_bls_g1 *ps, const seer_bls_g2 *qs, size_t n)
{
    fp12 f, r;
    fp12 acc;
    seer_bls_fp12_one(&acc);
    /* chunks of PAIRING_MAX share the final exponentiation */
    for (size_t i = 0; i < n; i += PAIRING_MAX) {
        size_t k = n - i < PAIRING_MAX ? n - i : PAIRING_MAX;
        miller_loop(&f, ps + i, qs + i, k);
        seer_bls_fp12_mul(&acc, &acc, &f);
    }
    final_exp(&r, &acc);
    return seer_bls_fp12_is_one(&r);
}

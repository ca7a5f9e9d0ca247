/* BLS12-381 arithmetic for the KZG point-evaluation precompile (EIP-4844)
 * (internal).
 *
 * Fields: Fp (381-bit prime p, Montgomery form, 6 x 64-bit limbs), Fp2 =
 * Fp[u]/(u^2 + 1), Fp6 = Fp2[v]/(v^3 - (u + 1)), Fp12 = Fp6[w]/(w^2 - v).
 * Curves: G1: y^2 = x^3 + 4 over Fp; G2: y^2 = x^3 + 4(u + 1) over Fp2 (the
 * M-type sextic twist). Points are Jacobian (X, Y, Z), x = X/Z^2, y = Y/Z^3;
 * Z = 0 is the point at infinity. Scalars are 32-byte big-endian integers
 * (not reduced). Serialization follows the ZCash / IETF pairing-friendly
 * curves encoding (48-byte G1, 96-byte G2, compressed only).
 *
 * Nothing here is constant-time: every input is public (consensus data). */
#ifndef SEER_VM_BLS12_381_H
#define SEER_VM_BLS12_381_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct seer_bls_fp {
    uint64_t l[6]; /* Montgomery form, little-endian limbs, < p */
} seer_bls_fp;

typedef struct seer_bls_fp2 {
    seer_bls_fp c0, c1; /* c0 + c1 u */
} seer_bls_fp2;

typedef struct seer_bls_fp6 {
    seer_bls_fp2 c0, c1, c2; /* c0 + c1 v + c2 v^2 */
} seer_bls_fp6;

typedef struct seer_bls_fp12 {
    seer_bls_fp6 c0, c1; /* c0 + c1 w */
} seer_bls_fp12;

typedef struct seer_bls_g1 {
    seer_bls_fp x, y, z;
} seer_bls_g1;

typedef struct seer_bls_g2 {
    seer_bls_fp2 x, y, z;
} seer_bls_g2;

/* ---- Fp ---- */
void seer_bls_fp_zero(seer_bls_fp *r);
void seer_bls_fp_one(seer_bls_fp *r);
/** Sets r to the small integer v. */
void seer_bls_fp_set_u64(seer_bls_fp *r, uint64_t v);
/** Reads 48 big-endian bytes. Returns false (r unchanged) when >= p. */
bool seer_bls_fp_from_bytes(seer_bls_fp *r, const uint8_t in[48]);
void seer_bls_fp_to_bytes(uint8_t out[48], const seer_bls_fp *a);
bool seer_bls_fp_is_zero(const seer_bls_fp *a);
bool seer_bls_fp_eq(const seer_bls_fp *a, const seer_bls_fp *b);
void seer_bls_fp_add(seer_bls_fp *r, const seer_bls_fp *a, const seer_bls_fp *b);
void seer_bls_fp_sub(seer_bls_fp *r, const seer_bls_fp *a, const seer_bls_fp *b);
void seer_bls_fp_neg(seer_bls_fp *r, const seer_bls_fp *a);
void seer_bls_fp_mul(seer_bls_fp *r, const seer_bls_fp *a, const seer_bls_fp *b);
void seer_bls_fp_sqr(seer_bls_fp *r, const seer_bls_fp *a);
/** r = a^-1; inverse of 0 is 0. */
void seer_bls_fp_inv(seer_bls_fp *r, const seer_bls_fp *a);
/** Returns true and r = a square root of a, or false if a is a non-residue. */
bool seer_bls_fp_sqrt(seer_bls_fp *r, const seer_bls_fp *a);
/** True when a, as an integer in [0, p), is > (p - 1) / 2 (the IETF sign). */
bool seer_bls_fp_is_lex_largest(const seer_bls_fp *a);

/* ---- Fp2 ---- */
void seer_bls_fp2_zero(seer_bls_fp2 *r);
void seer_bls_fp2_one(seer_bls_fp2 *r);
bool seer_bls_fp2_is_zero(const seer_bls_fp2 *a);
bool seer_bls_fp2_eq(const seer_bls_fp2 *a, const seer_bls_fp2 *b);
void seer_bls_fp2_add(seer_bls_fp2 *r, const seer_bls_fp2 *a, const seer_bls_fp2 *b);
void seer_bls_fp2_sub(seer_bls_fp2 *r, const seer_bls_fp2 *a, const seer_bls_fp2 *b);
void seer_bls_fp2_neg(seer_bls_fp2 *r, const seer_bls_fp2 *a);
void seer_bls_fp2_mul(seer_bls_fp2 *r, const seer_bls_fp2 *a, const seer_bls_fp2 *b);
void seer_bls_fp2_sqr(seer_bls_fp2 *r, const seer_bls_fp2 *a);
void seer_bls_fp2_inv(seer_bls_fp2 *r, const seer_bls_fp2 *a);
bool seer_bls_fp2_sqrt(seer_bls_fp2 *r, const seer_bls_fp2 *a);

/* ---- Fp12 ---- */
void seer_bls_fp12_one(seer_bls_fp12 *r);
bool seer_bls_fp12_is_one(const seer_bls_fp12 *a);
bool seer_bls_fp12_eq(const seer_bls_fp12 *a, const seer_bls_fp12 *b);
void seer_bls_fp12_mul(seer_bls_fp12 *r, const seer_bls_fp12 *a, const seer_bls_fp12 *b);
void seer_bls_fp12_sqr(seer_bls_fp12 *r, const seer_bls_fp12 *a);
void seer_bls_fp12_inv(seer_bls_fp12 *r, const seer_bls_fp12 *a);
/** r = a^2 for a in the cyclotomic subgroup (order dividing p^4 - p^2 + 1,
 *  e.g. any pairing value); wrong for other elements. */
void seer_bls_fp12_cyclotomic_sqr(seer_bls_fp12 *r, const seer_bls_fp12 *a);
/** r = a^e, e a little-endian array of n 64-bit limbs. */
void seer_bls_fp12_pow(seer_bls_fp12 *r, const seer_bls_fp12 *a, const uint64_t *e, size_t n);

/* ---- G1 ---- */
void seer_bls_g1_generator(seer_bls_g1 *r);
void seer_bls_g1_set_inf(seer_bls_g1 *r);
bool seer_bls_g1_is_inf(const seer_bls_g1 *a);
/** True when a lies on the curve (infinity counts). */
bool seer_bls_g1_on_curve(const seer_bls_g1 *a);
bool seer_bls_g1_eq(const seer_bls_g1 *a, const seer_bls_g1 *b);
void seer_bls_g1_neg(seer_bls_g1 *r, const seer_bls_g1 *a);
void seer_bls_g1_dbl(seer_bls_g1 *r, const seer_bls_g1 *a);
void seer_bls_g1_add(seer_bls_g1 *r, const seer_bls_g1 *a, const seer_bls_g1 *b);
void seer_bls_g1_mul(seer_bls_g1 *r, const seer_bls_g1 *a, const uint8_t k[32]);
/** r = [ka]a + [kb]b (one shared doubling chain). */
void seer_bls_g1_mul2(seer_bls_g1 *r, const seer_bls_g1 *a, const uint8_t ka[32], const seer_bls_g1 *b,
                      const uint8_t kb[32]);
/** True when a (on the curve) is in the order-r subgroup, i.e. [r]a == O
 *  (computed with the GLV endomorphism test, which is equivalent). */
bool seer_bls_g1_in_subgroup(const seer_bls_g1 *a);
void seer_bls_g1_compress(uint8_t out[48], const seer_bls_g1 *a);
/** Decodes a compressed point and checks it is on the curve and in the
 *  subgroup. Returns 0, or SEER_EPARSE with a detail message naming the
 *  failed check. */
int seer_bls_g1_decompress(seer_bls_g1 *r, const uint8_t in[48]);

/* ---- G2 ---- */
void seer_bls_g2_generator(seer_bls_g2 *r);
void seer_bls_g2_set_inf(seer_bls_g2 *r);
bool seer_bls_g2_is_inf(const seer_bls_g2 *a);
bool seer_bls_g2_on_curve(const seer_bls_g2 *a);
bool seer_bls_g2_eq(const seer_bls_g2 *a, const seer_bls_g2 *b);
void seer_bls_g2_neg(seer_bls_g2 *r, const seer_bls_g2 *a);
void seer_bls_g2_dbl(seer_bls_g2 *r, const seer_bls_g2 *a);
void seer_bls_g2_add(seer_bls_g2 *r, const seer_bls_g2 *a, const seer_bls_g2 *b);
void seer_bls_g2_mul(seer_bls_g2 *r, const seer_bls_g2 *a, const uint8_t k[32]);
bool seer_bls_g2_in_subgroup(const seer_bls_g2 *a);
/** 96 bytes: x.c1 | x.c0 with the flags in the first byte. */
void seer_bls_g2_compress(uint8_t out[96], const seer_bls_g2 *a);
int seer_bls_g2_decompress(seer_bls_g2 *r, const uint8_t in[96]);

/* ---- pairing ---- */
/** The subgroup order r, 32 bytes big-endian. */
extern const uint8_t seer_bls_r_be[32];
/** r = e(p, q)^3 where e is the reduced optimal ate pairing (Miller loop +
 *  final exponentiation; the cube comes from the fast hard-part formula and
 *  is harmless: it is a fixed power coprime to r, so r is still bilinear and
 *  non-degenerate). Either point at infinity gives 1. */
void seer_bls_pairing(seer_bls_fp12 *r, const seer_bls_g1 *p, const seer_bls_g2 *q);
/** True when prod_i e(ps[i], qs[i]) == 1, with one shared Miller loop and one
 *  final exponentiation. Points must be in their subgroups. */
bool seer_bls_pairing_check(const seer_bls_g1 *ps, const seer_bls_g2 *qs, size_t n);

/** One Miller-loop line with the G1 point left out: at P it is
 *  (a0 + b2 xP v) + (b3 yP v) w. */
typedef struct seer_bls_line {
    seer_bls_fp2 a0, b2, b3;
} seer_bls_line;

/** The loop over |x| below its top bit: 63 doublings and 5 additions. */
#define SEER_BLS_MILLER_LINES 68

/** A G2 point with its Miller-loop lines computed once, for a point that
 *  takes part in many pairings (the KZG setup point, -G2); about 20 KiB. */
typedef struct seer_bls_g2_prepared {
    bool inf;
    seer_bls_line lines[SEER_BLS_MILLER_LINES];
} seer_bls_g2_prepared;

void seer_bls_g2_prepare(seer_bls_g2_prepared *out, const seer_bls_g2 *q);
/** As seer_bls_pairing_check, with prepared G2 points. */
bool seer_bls_pairing_check_prepared(const seer_bls_g1 *ps, const seer_bls_g2_prepared *const *qs, size_t n);

#endif

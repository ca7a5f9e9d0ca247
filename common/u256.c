/* 256-bit EVM arithmetic: the operations too large to inline (see u256.h).
 *
 * Limbs are 64 bits, least significant first. Products and carries use
 * unsigned __int128. Division is Knuth's algorithm D (TAOCP vol. 2, 4.3.1)
 * over 64-bit digits with Moller-Granlund reciprocals for the quotient
 * digits, shared by DIV/MOD (256/256), ADDMOD (257/256) and MULMOD
 * (512/256). tests/test_u256.c checks everything against GMP;
 * bench/bench_u256.c times it against GMP. */
#include "common/u256.h"

#include "common/util.h"

#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;

/* ---- helpers ---- */

static inline unsigned clz64(uint64_t x)
{
    return x ? (unsigned)__builtin_clzll(x) : 64;
}

/* (hi:lo) / d for hi < d, so the quotient fits 64 bits. On x86-64 this is
 * one DIVQ; the generic __int128 division goes through __udivti3, which is
 * several times slower and sits on the hot path of every division. */
static inline uint64_t div_2by1(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
    SEER_VERIFY(hi < d);
#if defined(__x86_64__) && defined(__GNUC__) && !defined(SEER_U256_PORTABLE)
    uint64_t q, r;
    __asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d) : "cc");
    *rem = r;
    return q;
#else
    u128 n = ((u128)hi << 64) | lo;
    *rem = (uint64_t)(n % d);
    return (uint64_t)(n / d);
#endif
}

/* Number of significant limbs of x[0..n). */
static inline int limbs_used(const uint64_t *x, int n)
{
    while (n > 0 && x[n - 1] == 0)
        n--;
    return n;
}

/* Division by invariant integers (Moller and Granlund, "Improved division
 * by invariant integers", IEEE Trans. Computers 2011): one DIVQ computes a
 * reciprocal of the normalised divisor, after which every quotient digit
 * costs a few multiplications instead of a DIVQ (20-90 cycles) plus Knuth's
 * correction loop. MULMOD's 512/256 reduction needs five digits, so this
 * matters there most. */

/* v = floor((b^2 - 1) / d) - b for normalised d (top bit set); b = 2^64.
 * (b^2 - 1) - b*d = <~d, ~0>, and ~d < d, so one DIVQ gives it. */
static inline uint64_t reciprocal_2by1(uint64_t d)
{
    uint64_t r;
    return div_2by1(~d, ~UINT64_C(0), d, &r);
}

/* <u1,u0> / d with u1 < d, d normalised, v = reciprocal_2by1(d) (the
 * paper's algorithm 4). */
static inline uint64_t div_2by1_recip(uint64_t u1, uint64_t u0, uint64_t d, uint64_t v, uint64_t *rem)
{
    u128 q = (u128)v * u1 + (((u128)u1 << 64) | u0);
    uint64_t q1 = (uint64_t)(q >> 64) + 1, q0 = (uint64_t)q;
    uint64_t r = u0 - q1 * d;
    if (r > q0) {
        q1--;
        r += d;
    }
    if (SEER_UNLIKELY(r >= d)) {
        q1++;
        r -= d;
    }
    *rem = r;
    return q1;
}

/* v = floor((b^3 - 1) / <d1,d0>) - b for normalised d1 (algorithm 6):
 * the 2-by-1 reciprocal of d1, corrected for d0. */
static inline uint64_t reciprocal_3by2(uint64_t d1, uint64_t d0)
{
    uint64_t v = reciprocal_2by1(d1);
    uint64_t p = d1 * v + d0;
    if (p < d0) {
        v--;
        if (p >= d1) {
            v--;
            p -= d1;
        }
        p -= d1;
    }
    u128 t = (u128)v * d0;
    uint64_t t1 = (uint64_t)(t >> 64), t0 = (uint64_t)t;
    p += t1;
    if (p < t1) {
        v--;
        if (p > d1 || (p == d1 && t0 >= d0))
            v--;
    }
    return v;
}

/* <u2,u1,u0> / <d1,d0> with <u2,u1> < <d1,d0>, d1 normalised, v from
 * reciprocal_3by2 (algorithm 5). The quotient fits one digit; the
 * remainder is <r1,r0>. */
static inline uint64_t div_3by2(uint64_t u2, uint64_t u1, uint64_t u0, uint64_t d1, uint64_t d0, uint64_t v,
                                u128 *rem)
{
    const u128 d = ((u128)d1 << 64) | d0;
    u128 q = (u128)v * u2 + (((u128)u2 << 64) | u1);
    uint64_t q1 = (uint64_t)(q >> 64), q0 = (uint64_t)q;
    uint64_t r1 = u1 - q1 * d1;
    u128 r = (((u128)r1 << 64) | u0) - (u128)d0 * q1 - d;
    q1++;
    if ((uint64_t)(r >> 64) >= q0) {
        q1--;
        r += d;
    }
    if (SEER_UNLIKELY(r >= d)) {
        q1++;
        r -= d;
    }
    *rem = r;
    return q1;
}

/* x[0..n) -= q * y[0..n); returns the amount still to subtract from x[n]
 * (the product's top digit plus the borrow; it fits one digit because
 * q*y[i] + k <= (b-1)^2 + (b-1) < b^2 - b). */
static inline __attribute__((always_inline)) uint64_t submul(uint64_t *x, const uint64_t *y, int n,
                                                             uint64_t q)
{
    uint64_t k = 0;
#pragma GCC unroll 4
    for (int i = 0; i < n; i++) {
        u128 p = (u128)q * y[i] + k;
        uint64_t pl = (uint64_t)p, xi = x[i];
        k = (uint64_t)(p >> 64) + (xi < pl);
        x[i] = xi - pl;
    }
    return k;
}

/* Knuth's algorithm D (TAOCP vol. 2, 4.3.1) on normalised operands, with
 * each quotient digit from a 3-by-2 division by the divisor's top two
 * digits. That estimate is never too small and at most one too large, so
 * step D3's refinement loop disappears; step D6's add-back remains (taken
 * with probability about 1/2^64 for random operands). un has ulen + 1 limbs,
 * vn has n >= 2 limbs with its top bit set. Writes ulen - n + 1 quotient
 * digits to q and leaves the (still shifted) remainder in un[0..n). */
static inline __attribute__((always_inline)) void knuth_d(uint64_t *q, uint64_t *un, int ulen,
                                                          const uint64_t *vn, int n)
{
    const uint64_t d1 = vn[n - 1], d0 = vn[n - 2];
    const uint64_t v = reciprocal_3by2(d1, d0);
    for (int j = ulen - n; j >= 0; j--) {
        uint64_t u2 = un[j + n], u1 = un[j + n - 1], u0 = un[j + n - 2];
        uint64_t qhat;
        if (SEER_UNLIKELY(u2 == d1 && u1 == d0)) {
            /* Outside the 3-by-2 precondition. The digit is b - 1 exactly:
             * the running remainder is below the divisor, so it cannot be
             * larger, and the divisor's top digit being >= 2^63 makes
             * (b-1) * divisor no greater than the current dividend. */
            qhat = UINT64_MAX;
            un[j + n] = u2 - submul(un + j, vn, n, qhat);
        } else {
            u128 r;
            qhat = div_3by2(u2, u1, u0, d1, d0, v, &r);
            /* The top two digits' product is already accounted for in r;
             * subtract the rest and propagate into r. */
            uint64_t k = submul(un + j, vn, n - 2, qhat);
            uint64_t r0 = (uint64_t)r, r1 = (uint64_t)(r >> 64);
            uint64_t b1 = r0 < k;
            un[j + n - 2] = r0 - k;
            uint64_t b2 = r1 < b1;
            un[j + n - 1] = r1 - b1;
            if (SEER_UNLIKELY(b2)) {
                /* D6: qhat was one too large; add the divisor back (the
                 * carry out cancels the borrow). */
                qhat--;
                uint64_t c = 0;
#pragma GCC unroll 4
                for (int i = 0; i < n; i++) {
                    u128 t = (u128)un[j + i] + vn[i] + c;
                    un[j + i] = (uint64_t)t;
                    c = (uint64_t)(t >> 64);
                }
            }
        }
        q[j] = qhat;
    }
}

/* q = u / v and r = u % v for v != 0, u of ulen limbs (4 <= ulen <= 8,
 * a constant at every call site), v of 4 limbs. q receives ulen limbs (may
 * be NULL), r 4 limbs (may be NULL). Outputs must not alias the inputs.
 * Always inlined so that ulen, and through the switch the divisor length n,
 * are constants and the limb loops unroll. */
static inline __attribute__((always_inline)) void udivrem(uint64_t *q, uint64_t r[4], const uint64_t *u,
                                                          int ulen, const uint64_t v[4])
{
    int m = limbs_used(u, ulen), n = limbs_used(v, 4);
    SEER_VERIFY(n > 0 && ulen >= 4 && ulen <= 8);
    uint64_t qq[8] = {0}, un[9], vn[4];
    if (m < n) {
        if (q)
            memset(q, 0, (size_t)ulen * sizeof *q);
        if (r) /* u < v < 2^256: u's upper limbs are zero */
            memcpy(r, u, 4 * sizeof *r);
        return;
    }
    /* D1: shift so the divisor's top bit is set; the reciprocals need it.
     * Shifting all limbs (the unused ones are zero) keeps trip counts
     * constant. */
    unsigned s = clz64(v[n - 1]);
    if (s) {
        for (int i = 3; i > 0; i--)
            vn[i] = (v[i] << s) | (v[i - 1] >> (64 - s));
        vn[0] = v[0] << s;
        un[ulen] = u[ulen - 1] >> (64 - s);
        for (int i = ulen - 1; i > 0; i--)
            un[i] = (u[i] << s) | (u[i - 1] >> (64 - s));
        un[0] = u[0] << s;
    } else {
        memcpy(vn, v, sizeof vn);
        memcpy(un, u, (size_t)ulen * sizeof *un);
        un[ulen] = 0;
    }
    switch (n) {
    case 1: {
        /* Short division: the running remainder stays below the divisor. */
        uint64_t d = vn[0], v1 = reciprocal_2by1(d), rem = un[m];
        for (int i = m - 1; i >= 0; i--)
            qq[i] = div_2by1_recip(rem, un[i], d, v1, &rem);
        un[0] = rem;
        break;
    }
    case 2: knuth_d(qq, un, m, vn, 2); break;
    case 3: knuth_d(qq, un, m, vn, 3); break;
    default: knuth_d(qq, un, m, vn, 4); break;
    }
    if (q)
        memcpy(q, qq, (size_t)ulen * sizeof *q);
    if (r) {
        /* Limbs at and above n are not part of the remainder. */
        for (int i = n; i < 4; i++)
            un[i] = 0;
        un[4] = 0;
        if (s) {
            for (int i = 0; i < 4; i++)
                r[i] = (un[i] >> s) | (un[i + 1] << (64 - s));
        } else {
            memcpy(r, un, 4 * sizeof *r);
        }
    }
}

/* ---- multiplication ---- */

/* Schoolbook truncated to 256 bits: only the 10 partial products that land
 * below 2^256 are formed; the last of each row needs only its low half. */
static inline __attribute__((always_inline)) void mul_trunc(uint64_t r[4], const uint64_t x[4],
                                                            const uint64_t y[4])
{
    uint64_t r0, r1, r2, r3;
    u128 t;

    t = (u128)x[0] * y[0];
    r0 = (uint64_t)t;
    t = (u128)x[0] * y[1] + (uint64_t)(t >> 64);
    r1 = (uint64_t)t;
    t = (u128)x[0] * y[2] + (uint64_t)(t >> 64);
    r2 = (uint64_t)t;
    r3 = (uint64_t)(t >> 64) + x[0] * y[3];

    t = (u128)x[1] * y[0] + r1;
    r1 = (uint64_t)t;
    t = (u128)x[1] * y[1] + r2 + (uint64_t)(t >> 64);
    r2 = (uint64_t)t;
    r3 += (uint64_t)(t >> 64) + x[1] * y[2];

    t = (u128)x[2] * y[0] + r2;
    r2 = (uint64_t)t;
    r3 += (uint64_t)(t >> 64) + x[2] * y[1];

    r3 += x[3] * y[0];

    r[0] = r0;
    r[1] = r1;
    r[2] = r2;
    r[3] = r3;
}

/* x^2 mod 2^256 with 6 multiplications instead of 10: each cross product
 * x_i*x_j (i != j) appears twice, so it is formed once and doubled. EXP
 * spends two thirds of its multiplications squaring. */
static inline __attribute__((always_inline)) void sqr_trunc(uint64_t r[4], const uint64_t x[4])
{
    u128 p01 = (u128)x[0] * x[1];
    u128 t = (u128)x[0] * x[2] + (uint64_t)(p01 >> 64);
    uint64_t c1 = (uint64_t)p01, c2 = (uint64_t)t;
    uint64_t c3 = (uint64_t)(t >> 64) + x[0] * x[3] + x[1] * x[2];
    /* double the cross terms (positions 1..3) */
    c3 = (c3 << 1) | (c2 >> 63);
    c2 = (c2 << 1) | (c1 >> 63);
    c1 <<= 1;
    /* add the squares x0^2 (positions 0..1) and x1^2 (positions 2..3) */
    u128 p00 = (u128)x[0] * x[0], p11 = (u128)x[1] * x[1];
    r[0] = (uint64_t)p00;
    t = (u128)(uint64_t)(p00 >> 64) + c1;
    r[1] = (uint64_t)t;
    t = (u128)(uint64_t)p11 + c2 + (uint64_t)(t >> 64);
    r[2] = (uint64_t)t;
    r[3] = (uint64_t)(p11 >> 64) + c3 + (uint64_t)(t >> 64);
}

void u256_mul(u256 *r, const u256 *a, const u256 *b)
{
    mul_trunc(r->w, a->w, b->w);
}

void u256_mul_full(uint64_t r[8], const u256 *a, const u256 *b)
{
    uint64_t x[4], y[4], t[8] = {0};
    memcpy(x, a->w, sizeof x);
    memcpy(y, b->w, sizeof y);
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
        uint64_t c = 0;
#pragma GCC unroll 4
        for (int j = 0; j < 4; j++) {
            u128 p = (u128)x[i] * y[j] + t[i + j] + c;
            t[i + j] = (uint64_t)p;
            c = (uint64_t)(p >> 64);
        }
        t[i + 4] = c;
    }
    memcpy(r, t, sizeof t);
}

/* ---- division ---- */

void u256_divmod(u256 *q, u256 *rem, const u256 *a, const u256 *b)
{
    if (SEER_UNLIKELY(u256_is_zero(b))) {
        /* EVM: x / 0 = 0 and x % 0 = 0 (yellow paper, DIV and MOD). */
        if (q)
            *q = U256_ZERO;
        if (rem)
            *rem = U256_ZERO;
        return;
    }
    if (u256_fits_u64(a)) {
        /* Operands that fit 64 bits are the common case in real contracts. */
        uint64_t x = a->w[0], y = u256_fits_u64(b) ? b->w[0] : 0;
        if (y == 0) { /* b >= 2^64 > a */
            if (rem)
                *rem = *a;
            if (q)
                *q = U256_ZERO;
            return;
        }
        if (q)
            *q = u256_from_u64(x / y);
        if (rem)
            *rem = u256_from_u64(x % y);
        return;
    }
    uint64_t qq[4], rr[4];
    udivrem(q ? qq : NULL, rem ? rr : NULL, a->w, 4, b->w);
    if (q)
        memcpy(q->w, qq, sizeof qq);
    if (rem)
        memcpy(rem->w, rr, sizeof rr);
}

void u256_div(u256 *r, const u256 *a, const u256 *b)
{
    u256_divmod(r, NULL, a, b);
}

void u256_mod(u256 *r, const u256 *a, const u256 *b)
{
    u256_divmod(NULL, r, a, b);
}

static inline void u256_abs(u256 *r, const u256 *a)
{
    if (u256_is_neg(a))
        u256_neg(r, a);
    else
        *r = *a;
}

void u256_sdiv(u256 *r, const u256 *a, const u256 *b)
{
    /* Divide magnitudes, then negate when the signs differ. -2^255 / -1
     * overflows to 2^255, which reads back as -2^255: exactly the result
     * the yellow paper's SDIV prescribes for that case. */
    bool neg = u256_is_neg(a) != u256_is_neg(b);
    u256 x, y;
    u256_abs(&x, a);
    u256_abs(&y, b);
    u256_div(r, &x, &y);
    if (neg)
        u256_neg(r, r);
}

void u256_smod(u256 *r, const u256 *a, const u256 *b)
{
    /* The result takes the dividend's sign (truncated division). */
    bool neg = u256_is_neg(a);
    u256 x, y;
    u256_abs(&x, a);
    u256_abs(&y, b);
    u256_mod(r, &x, &y);
    if (neg)
        u256_neg(r, r);
}

void u256_addmod(u256 *r, const u256 *a, const u256 *b, const u256 *m)
{
    if (SEER_UNLIKELY(u256_is_zero(m))) {
        *r = U256_ZERO;
        return;
    }
    u256 s;
    int carry;
    if (u256_lt(a, m) && u256_lt(b, m)) {
        /* Reduced operands: a + b < 2m, so one conditional subtraction of m
         * suffices, including when the sum carried past 2^256. */
        carry = u256_add_carry(&s, a, b);
        if (carry || !u256_lt(&s, m))
            u256_sub(&s, &s, m);
        *r = s;
        return;
    }
    /* The exact 257-bit sum, reduced by division. */
    carry = u256_add_carry(&s, a, b);
    uint64_t u[5] = {s.w[0], s.w[1], s.w[2], s.w[3], (uint64_t)carry}, rr[4];
    udivrem(NULL, rr, u, 5, m->w);
    memcpy(r->w, rr, sizeof rr);
}

void u256_mulmod(u256 *r, const u256 *a, const u256 *b, const u256 *m)
{
    if (SEER_UNLIKELY(u256_is_zero(m))) {
        *r = U256_ZERO;
        return;
    }
    uint64_t p[8], rr[4];
    u256_mul_full(p, a, b);
    udivrem(NULL, rr, p, 8, m->w);
    memcpy(r->w, rr, sizeof rr);
}

void u256_exp(u256 *r, const u256 *base, const u256 *exponent)
{
    unsigned nbits = u256_bit_len(exponent);
    if (nbits == 0) { /* x^0 = 1, including 0^0 */
        *r = U256_ONE;
        return;
    }
    u256 b = *base;
    /* A power of two base turns into one shift: 2^k^e = 2^(k*e), which is
     * zero once k*e >= 256. */
    if (u256_fits_u64(&b) && b.w[0] > 1 && (b.w[0] & (b.w[0] - 1)) == 0) {
        unsigned k = (unsigned)__builtin_ctzll(b.w[0]);
        if (nbits > 8 || (uint64_t)k * exponent->w[0] >= 256) {
            *r = U256_ZERO;
            return;
        }
        u256_shl_bits(r, &U256_ONE, (unsigned)(k * exponent->w[0]));
        return;
    }
    /* Left-to-right square-and-multiply: the top bit is 1, so start from
     * the base and skip the first squaring. */
    uint64_t acc[4], e[4];
    memcpy(acc, b.w, sizeof acc);
    memcpy(e, exponent->w, sizeof e); /* r may alias exponent */
    for (int i = (int)nbits - 2; i >= 0; i--) {
        sqr_trunc(acc, acc);
        if ((e[i / 64] >> (i % 64)) & 1)
            mul_trunc(acc, acc, b.w);
    }
    memcpy(r->w, acc, sizeof acc);
}

/* ---- bit operations ---- */

void u256_signextend(u256 *r, const u256 *b, const u256 *x)
{
    if (!u256_fits_u64(b) || b->w[0] >= 31) {
        *r = *x;
        return;
    }
    unsigned bit = (unsigned)b->w[0] * 8 + 7; /* the sign bit, 7..247 */
    unsigned limb = bit / 64, off = bit % 64;
    bool neg = (x->w[limb] >> off) & 1;
    /* Bits at or below `bit` are kept; all above take the sign. */
    uint64_t keep = off == 63 ? UINT64_MAX : (UINT64_C(2) << off) - 1;
    u256 t = *x;
    t.w[limb] = neg ? (t.w[limb] | ~keep) : (t.w[limb] & keep);
    for (unsigned i = limb + 1; i < 4; i++)
        t.w[i] = neg ? UINT64_MAX : 0;
    *r = t;
}

void u256_byte(u256 *r, const u256 *i, const u256 *x)
{
    if (!u256_fits_u64(i) || i->w[0] >= 32) {
        *r = U256_ZERO;
        return;
    }
    unsigned pos = 31 - (unsigned)i->w[0]; /* byte index from the least significant */
    uint64_t v = (x->w[pos / 8] >> ((pos % 8) * 8)) & 0xff;
    *r = u256_from_u64(v);
}

void u256_shl_bits(u256 *r, const u256 *x, unsigned n)
{
    SEER_VERIFY(n < 256);
    unsigned ls = n / 64, bs = n % 64;
    uint64_t t[4];
    for (int i = 3; i >= 0; i--) {
        int src = i - (int)ls;
        uint64_t v = src >= 0 ? x->w[src] << bs : 0;
        if (bs && src - 1 >= 0)
            v |= x->w[src - 1] >> (64 - bs);
        t[i] = v;
    }
    memcpy(r->w, t, sizeof t);
}

void u256_shr_bits(u256 *r, const u256 *x, unsigned n)
{
    SEER_VERIFY(n < 256);
    unsigned ls = n / 64, bs = n % 64;
    uint64_t t[4];
    for (int i = 0; i < 4; i++) {
        unsigned src = (unsigned)i + ls;
        uint64_t v = src < 4 ? x->w[src] >> bs : 0;
        if (bs && src + 1 < 4)
            v |= x->w[src + 1] << (64 - bs);
        t[i] = v;
    }
    memcpy(r->w, t, sizeof t);
}

/* EIP-145: SHL, SHR, SAR take the shift first; shifts of 256 or more give 0
 * (or all ones for SAR of a negative value). */
void u256_shl(u256 *r, const u256 *shift, const u256 *x)
{
    if (!u256_fits_u64(shift) || shift->w[0] >= 256)
        *r = U256_ZERO;
    else
        u256_shl_bits(r, x, (unsigned)shift->w[0]);
}

void u256_shr(u256 *r, const u256 *shift, const u256 *x)
{
    if (!u256_fits_u64(shift) || shift->w[0] >= 256)
        *r = U256_ZERO;
    else
        u256_shr_bits(r, x, (unsigned)shift->w[0]);
}

void u256_sar(u256 *r, const u256 *shift, const u256 *x)
{
    bool neg = u256_is_neg(x);
    if (!u256_fits_u64(shift) || shift->w[0] >= 256) {
        *r = neg ? U256_MAX : U256_ZERO;
        return;
    }
    /* For a negative x, ~(~x >> n) is the arithmetic shift. */
    if (neg) {
        u256 t;
        u256_not(&t, x);
        u256_shr_bits(&t, &t, (unsigned)shift->w[0]);
        u256_not(r, &t);
    } else {
        u256_shr_bits(r, x, (unsigned)shift->w[0]);
    }
}

/* ---- size ---- */

unsigned u256_bit_len(const u256 *a)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i])
            return (unsigned)i * 64 + 64 - clz64(a->w[i]);
    return 0;
}

unsigned u256_byte_len(const u256 *a)
{
    return (u256_bit_len(a) + 7) / 8;
}

/* ---- conversion ---- */

void u256_from_be(u256 *r, const uint8_t *in, size_t len)
{
    uint8_t buf[32] = {0};
    if (len > 32) {
        in += len - 32;
        len = 32;
    }
    if (len)
        memcpy(buf + 32 - len, in, len);
    u256_from_be32(r, buf);
}

size_t u256_to_be_min(uint8_t out[32], const u256 *a)
{
    uint8_t buf[32];
    size_t n = u256_byte_len(a);
    u256_to_be32(buf, a);
    memcpy(out, buf + 32 - n, n);
    return n;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int u256_parse(u256 *r, const char *s)
{
    if (!r || !s)
        return seer_err(SEER_EINVAL, "u256_parse: NULL argument");
    u256 v = U256_ZERO;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        const char *p = s + 2;
        if (!*p)
            return seer_err(SEER_EPARSE, "u256: no digits after 0x in \"%s\"", s);
        for (; *p; p++) {
            int d = hex_digit(*p);
            if (d < 0)
                return seer_err(SEER_EPARSE, "u256: bad hex digit '%c' at offset %zu in \"%.80s\"", *p,
                                (size_t)(p - s), s);
            if (v.w[3] >> 60)
                return seer_err(SEER_EPARSE, "u256: hex value \"%.80s\" exceeds 2^256-1", s);
            u256_shl_bits(&v, &v, 4);
            v.w[0] |= (uint64_t)d;
        }
    } else {
        if (!*s)
            return seer_err(SEER_EPARSE, "u256: empty string");
        for (const char *p = s; *p; p++) {
            if (*p < '0' || *p > '9')
                return seer_err(SEER_EPARSE, "u256: bad decimal digit '%c' at offset %zu in \"%.80s\"", *p,
                                (size_t)(p - s), s);
            /* v = v * 10 + d, tracking the carry out of the top limb. */
            uint64_t c = (uint64_t)(*p - '0');
            for (int i = 0; i < 4; i++) {
                u128 t = (u128)v.w[i] * 10 + c;
                v.w[i] = (uint64_t)t;
                c = (uint64_t)(t >> 64);
            }
            if (c)
                return seer_err(SEER_EPARSE, "u256: decimal value \"%.80s\" exceeds 2^256-1", s);
        }
    }
    *r = v;
    return 0;
}

char *u256_to_hex(char out[67], const u256 *a)
{
    static const char digits[] = "0123456789abcdef";
    unsigned n = (u256_bit_len(a) + 3) / 4;
    out[0] = '0';
    out[1] = 'x';
    if (n == 0) {
        out[2] = '0';
        out[3] = 0;
        return out;
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned nib = n - 1 - i; /* nibble index from the least significant */
        out[2 + i] = digits[(a->w[nib / 16] >> ((nib % 16) * 4)) & 0xf];
    }
    out[2 + n] = 0;
    return out;
}

char *u256_to_dec(char out[79], const u256 *a)
{
    /* Peel off 19 decimal digits at a time (10^19 < 2^64), each chunk by one
     * short division; 2^256 has 78 digits, so at most 5 chunks. */
    const uint64_t ten19 = UINT64_C(10000000000000000000);
    uint64_t chunks[5];
    int nc = 0;
    u256 v = *a;
    do {
        uint64_t rem = 0;
        for (int i = 3; i >= 0; i--)
            v.w[i] = div_2by1(rem, v.w[i], ten19, &rem);
        chunks[nc++] = rem;
    } while (!u256_is_zero(&v));
    char tmp[80];
    size_t len = 0;
    len += (size_t)snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)chunks[nc - 1]);
    for (int i = nc - 2; i >= 0; i--)
        len += (size_t)snprintf(tmp + len, sizeof tmp - len, "%019llu", (unsigned long long)chunks[i]);
    memcpy(out, tmp, len + 1);
    return out;
}

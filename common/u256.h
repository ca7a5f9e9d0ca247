/* 256-bit unsigned integers as used by the EVM (internal).
 *
 * Representation: four 64-bit limbs, least significant first (w[0]).
 * Arithmetic wraps modulo 2^256. Signed operations read the value as two's
 * complement. Division by zero yields 0 (EVM semantics). All functions take
 * the output first; outputs may alias inputs. */
#ifndef SEER_COMMON_U256_H
#define SEER_COMMON_U256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct u256 {
    uint64_t w[4];
} u256;

#define U256_ZERO ((u256){{0, 0, 0, 0}})
#define U256_ONE  ((u256){{1, 0, 0, 0}})
#define U256_MAX  ((u256){{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}})

static inline u256 u256_from_u64(uint64_t v)
{
    return (u256){{v, 0, 0, 0}};
}
static inline bool u256_is_zero(const u256 *a)
{
    return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}
/** True when a fits in 64 bits. */
static inline bool u256_fits_u64(const u256 *a)
{
    return (a->w[1] | a->w[2] | a->w[3]) == 0;
}
static inline bool u256_eq(const u256 *a, const u256 *b)
{
    return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2]) | (a->w[3] ^ b->w[3])) == 0;
}

/* Arithmetic (mod 2^256).
 *
 * The cheap operations are static inline: the interpreter executes them for
 * nearly every instruction and a call would cost more than the work. */

/* One limb of a carry chain. On x86-64 the compiler builtins behind
 * _addcarry_u64/_subborrow_u64 make GCC and clang emit a plain add/adc
 * (sub/sbb) chain; <immintrin.h> itself is avoided because it would add
 * half a second to every file that includes this header. Elsewhere,
 * __builtin_*_overflow is the portable form. SEER_U256_PORTABLE forces it
 * (and the portable division in u256.c) so those paths can be tested on
 * x86-64 too. */
#undef U256_ADC_
#if defined(__x86_64__) && !defined(SEER_U256_PORTABLE) && defined(__has_builtin)
#if __has_builtin(__builtin_ia32_addcarryx_u64) && __has_builtin(__builtin_ia32_sbb_u64)
#define U256_ADC_         1 /* GCC */
#define U256_SBB_BUILTIN_ __builtin_ia32_sbb_u64
#elif __has_builtin(__builtin_ia32_addcarryx_u64) && __has_builtin(__builtin_ia32_subborrow_u64)
#define U256_ADC_         1 /* clang */
#define U256_SBB_BUILTIN_ __builtin_ia32_subborrow_u64
#endif
#endif

static inline uint64_t u256_adc_(uint64_t a, uint64_t b, unsigned char *carry)
{
#ifdef U256_ADC_
    unsigned long long s;
    *carry = __builtin_ia32_addcarryx_u64(*carry, a, b, &s);
    return (uint64_t)s;
#else
    uint64_t s;
    bool c1 = __builtin_add_overflow(a, b, &s);
    bool c2 = __builtin_add_overflow(s, (uint64_t)*carry, &s);
    *carry = (unsigned char)(c1 | c2);
    return s;
#endif
}

static inline uint64_t u256_sbb_(uint64_t a, uint64_t b, unsigned char *borrow)
{
#ifdef U256_ADC_
    unsigned long long s;
    *borrow = U256_SBB_BUILTIN_(*borrow, a, b, &s);
    return (uint64_t)s;
#else
    uint64_t s;
    bool c1 = __builtin_sub_overflow(a, b, &s);
    bool c2 = __builtin_sub_overflow(s, (uint64_t)*borrow, &s);
    *borrow = (unsigned char)(c1 | c2);
    return s;
#endif
}

/** Returns the carry out of a + b (0 or 1). */
static inline int u256_add_carry(u256 *r, const u256 *a, const u256 *b)
{
    unsigned char c = 0;
    uint64_t r0 = u256_adc_(a->w[0], b->w[0], &c);
    uint64_t r1 = u256_adc_(a->w[1], b->w[1], &c);
    uint64_t r2 = u256_adc_(a->w[2], b->w[2], &c);
    uint64_t r3 = u256_adc_(a->w[3], b->w[3], &c);
    r->w[0] = r0;
    r->w[1] = r1;
    r->w[2] = r2;
    r->w[3] = r3;
    return c;
}

/** Returns the borrow out of a - b (0 or 1). */
static inline int u256_sub_borrow(u256 *r, const u256 *a, const u256 *b)
{
    unsigned char c = 0;
    uint64_t r0 = u256_sbb_(a->w[0], b->w[0], &c);
    uint64_t r1 = u256_sbb_(a->w[1], b->w[1], &c);
    uint64_t r2 = u256_sbb_(a->w[2], b->w[2], &c);
    uint64_t r3 = u256_sbb_(a->w[3], b->w[3], &c);
    r->w[0] = r0;
    r->w[1] = r1;
    r->w[2] = r2;
    r->w[3] = r3;
    return c;
}

static inline void u256_add(u256 *r, const u256 *a, const u256 *b)
{
    (void)u256_add_carry(r, a, b);
}
static inline void u256_sub(u256 *r, const u256 *a, const u256 *b)
{
    (void)u256_sub_borrow(r, a, b);
}
void u256_mul(u256 *r, const u256 *a, const u256 *b);
/** Full 512-bit product: r[0..7] limbs, least significant first. */
void u256_mul_full(uint64_t r[8], const u256 *a, const u256 *b);
void u256_div(u256 *r, const u256 *a, const u256 *b); /* b == 0 -> 0 */
void u256_mod(u256 *r, const u256 *a, const u256 *b); /* b == 0 -> 0 */
/** Quotient and remainder in one pass; either output may be NULL. */
void u256_divmod(u256 *q, u256 *rem, const u256 *a, const u256 *b);
void u256_sdiv(u256 *r, const u256 *a, const u256 *b);                  /* -2^255 / -1 = -2^255 */
void u256_smod(u256 *r, const u256 *a, const u256 *b);                  /* sign of a */
void u256_addmod(u256 *r, const u256 *a, const u256 *b, const u256 *m); /* exact, m == 0 -> 0 */
void u256_mulmod(u256 *r, const u256 *a, const u256 *b, const u256 *m); /* 512-bit intermediate */
void u256_exp(u256 *r, const u256 *base, const u256 *exponent);
/** EVM SIGNEXTEND: extend the sign of byte `b` (0 = least significant)
 *  of x; b >= 31 leaves x unchanged. */
void u256_signextend(u256 *r, const u256 *b, const u256 *x);
/** EVM BYTE: byte i of x counting from the most significant (i >= 32 -> 0). */
void u256_byte(u256 *r, const u256 *i, const u256 *x);
void u256_shl(u256 *r, const u256 *shift, const u256 *x); /* shift >= 256 -> 0 */
void u256_shr(u256 *r, const u256 *shift, const u256 *x);
void u256_sar(u256 *r, const u256 *shift, const u256 *x);
/** Shifts by a small count (0..255); for internal use. */
void u256_shl_bits(u256 *r, const u256 *x, unsigned n);
void u256_shr_bits(u256 *r, const u256 *x, unsigned n);

/* Bitwise. */
static inline void u256_not(u256 *r, const u256 *a)
{
    for (int i = 0; i < 4; i++)
        r->w[i] = ~a->w[i];
}
static inline void u256_and(u256 *r, const u256 *a, const u256 *b)
{
    for (int i = 0; i < 4; i++)
        r->w[i] = a->w[i] & b->w[i];
}
static inline void u256_or(u256 *r, const u256 *a, const u256 *b)
{
    for (int i = 0; i < 4; i++)
        r->w[i] = a->w[i] | b->w[i];
}
static inline void u256_xor(u256 *r, const u256 *a, const u256 *b)
{
    for (int i = 0; i < 4; i++)
        r->w[i] = a->w[i] ^ b->w[i];
}

/* Comparison. */
/** True when a < b (unsigned): the borrow out of a - b, without branches. */
static inline bool u256_lt(const u256 *a, const u256 *b)
{
    u256 t;
    return u256_sub_borrow(&t, a, b) != 0;
}
static inline bool u256_gt(const u256 *a, const u256 *b)
{
    return u256_lt(b, a);
}
/** Returns -1, 0 or 1 (unsigned). */
static inline int u256_cmp(const u256 *a, const u256 *b)
{
    for (int i = 3; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}
static inline bool u256_is_neg(const u256 *a)
{
    return (a->w[3] >> 63) != 0;
} /* bit 255 set */
/** Signed a < b: flipping the sign bit of both maps two's complement order
 *  onto unsigned order, so this is one borrow chain without branches. */
static inline bool u256_slt(const u256 *a, const u256 *b)
{
    const uint64_t s = UINT64_C(1) << 63;
    u256 x = *a, y = *b;
    x.w[3] ^= s;
    y.w[3] ^= s;
    return u256_lt(&x, &y);
}
static inline bool u256_sgt(const u256 *a, const u256 *b)
{
    return u256_slt(b, a);
}
/** Two's complement negation (0 - a). */
static inline void u256_neg(u256 *r, const u256 *a)
{
    u256_sub(r, &U256_ZERO, a);
}

/* Size. */
/** Number of significant bytes (0 for zero, 32 for >= 2^248). */
unsigned u256_byte_len(const u256 *a);
/** Number of significant bits (0 for zero). */
unsigned u256_bit_len(const u256 *a);

/* Conversion. */
/** A big-endian 64-bit word: one load or store, and a byte swap on
 *  little-endian hosts (the state stores and the analyzer convert every
 *  storage key and argument word, so these are inline). */
static inline uint64_t u256_load_be64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void u256_store_be64(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, 8);
}

/** Big-endian 32 bytes. */
static inline void u256_to_be32(uint8_t out[32], const u256 *a)
{
    for (int i = 0; i < 4; i++)
        u256_store_be64(out + 8 * i, a->w[3 - i]);
}

static inline void u256_from_be32(u256 *r, const uint8_t in[32])
{
    uint64_t t[4];
    for (int i = 0; i < 4; i++)
        t[3 - i] = u256_load_be64(in + 8 * i);
    memcpy(r->w, t, sizeof t);
}
/** Big-endian bytes of any length <= 32 (leading bytes are the high ones;
 *  shorter input is zero-extended on the left). len > 32 keeps the LAST
 *  32 bytes. */
void u256_from_be(u256 *r, const uint8_t *in, size_t len);
/** Minimal big-endian bytes (no leading zeros; zero gives length 0), as RLP
 *  wants. Returns the length written into out (capacity 32). */
size_t u256_to_be_min(uint8_t out[32], const u256 *a);
/** Parses "0x..." hex (1..64 significant digits, odd count allowed: this is
 *  a quantity; leading zeros do not count) or a decimal string. Returns 0, or SEER_EPARSE on a bad digit, an
 * empty string or overflow past 2^256-1, with a detail naming the input. */
int u256_parse(u256 *r, const char *s);
/** Formats as "0x" + minimal hex digits ("0x0" for zero). out must hold 67
 *  bytes. Returns out. */
char *u256_to_hex(char out[67], const u256 *a);
/** Formats as decimal (out must hold 79 bytes). Returns out. */
char *u256_to_dec(char out[79], const u256 *a);

#endif

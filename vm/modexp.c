/* MODEXP precompile (0x05): EIP-198, repriced by EIP-2565 from Berlin.
 *
 * Input: base_len (32) | exp_len (32) | mod_len (32) | base | exp | mod,
 * every length a 256-bit big-endian word and everything past the end of the
 * input read as zero. The declared lengths are attacker-chosen and may be
 * near 2^256, so pricing works on saturated 64-bit lengths with 128-bit
 * arithmetic and never allocates; execution runs only after the caller has
 * paid the price, which bounds what it allocates. */
#include "common/util.h"
#include "vm/precompiles_impl.h"

#include <gmp.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned __int128 u128;

/* Anything at or above this is more gas than an int64 budget can hold; all
 * products saturate here so no intermediate overflows. */
#define GAS_CAP ((u128)1 << 100)

/* Declared lengths saturate here. Not at 2^64: an exponent of 2^64 bytes
 * is priced 8 * 2^64 / 20 < 2^63 by EIP-198, a payable int64 budget, so
 * the cap must sit where every price is already past INT64_MAX (8 * 2^70
 * / 20 > 2^72). */
#define LEN_CAP ((u128)1 << 70)

/* The byte at `off` of the input, zero past the end (EIP-198: the input is
 * implicitly right-padded with zeros). */
static inline uint8_t byte_at(const uint8_t *in, size_t in_len, u128 off)
{
    return off < in_len ? in[(size_t)off] : 0;
}

static inline u128 sat_add(u128 a, u128 b)
{
    return a + b > LEN_CAP ? LEN_CAP : a + b;
}

/* A 32-byte big-endian length word at `off`, saturated to LEN_CAP: any
 * length that large is priced far beyond any gas budget, or multiplied by a
 * zero and then never read. */
static u128 read_len(const uint8_t *in, size_t in_len, u128 off)
{
    u128 v = 0;
    for (unsigned i = 0; i < 32; i++) {
        v = (v << 8) | byte_at(in, in_len, off + i);
        if (v >= LEN_CAP)
            return LEN_CAP;
    }
    return v;
}

typedef struct modexp_header {
    u128 base_len, exp_len, mod_len; /* saturated to LEN_CAP */
    u128 base_off, exp_off, mod_off; /* offsets into the input, saturated */
} modexp_header;

static void read_header(modexp_header *h, const uint8_t *in, size_t in_len)
{
    h->base_len = read_len(in, in_len, 0);
    h->exp_len = read_len(in, in_len, 32);
    h->mod_len = read_len(in, in_len, 64);
    h->base_off = 96;
    h->exp_off = sat_add(h->base_off, h->base_len);
    h->mod_off = sat_add(h->exp_off, h->exp_len);
}

/* Bit length of the first min(exp_len, 32) bytes of the exponent read as a
 * big-endian number (the "exponent head" of EIP-198). */
static unsigned exp_head_bits(const modexp_header *h, const uint8_t *in, size_t in_len)
{
    unsigned n = h->exp_len < 32 ? (unsigned)h->exp_len : 32;
    for (unsigned i = 0; i < n; i++) {
        uint8_t b = byte_at(in, in_len, h->exp_off + i);
        if (b) {
            unsigned bits = 32 - (unsigned)__builtin_clz(b); /* bit length of the byte */
            return (n - i - 1) * 8 + bits;
        }
    }
    return 0;
}

/* EIP-198 adjusted_exponent_length, identical to EIP-2565's
 * iteration_count before its max(.., 1): 8 bits per exponent byte past the
 * first 32, plus the index of the head's highest set bit (0 for a zero
 * head). */
static u128 adjusted_exp_len(const modexp_header *h, const uint8_t *in, size_t in_len)
{
    unsigned bits = exp_head_bits(h, in, in_len);
    u128 adj = bits > 0 ? bits - 1 : 0;
    if (h->exp_len > 32)
        adj += 8 * (h->exp_len - 32); /* < 2^73: no overflow */
    return adj;
}

static u128 sat_mul(u128 a, u128 b)
{
    if (a == 0 || b == 0)
        return 0;
    if (a >= GAS_CAP || b >= GAS_CAP || a > GAS_CAP / b)
        return GAS_CAP;
    return a * b;
}

/* EIP-198 mult_complexity(x): piecewise, modelling Karatsuba cost. The
 * subtracted constants never make it negative: at x = 65 the middle branch
 * is 1056 + 6240 - 3072 > 0, and at x = 1025 the last is 65664 + 492000 -
 * 199680 > 0. */
static u128 mult_complexity_eip198(u128 x)
{
    if (x > ((u128)1 << 40)) /* x^2 / 16 > 2^76: past any budget */
        return GAS_CAP;
    u128 xx = x * x;
    if (x <= 64)
        return xx;
    if (x <= 1024)
        return xx / 4 + 96 * x - 3072;
    return xx / 16 + 480 * x - 199680;
}

uint64_t seer_modexp_gas(seer_fork fork, const uint8_t *in, size_t in_len)
{
    modexp_header h;
    read_header(&h, in, in_len);
    u128 max_len = h.base_len > h.mod_len ? h.base_len : h.mod_len;
    u128 adj = adjusted_exp_len(&h, in, in_len);
    if (adj < 1)
        adj = 1;
    u128 gas;
    if (fork >= SEER_FORK_BERLIN) {
        /* EIP-2565: ceil(max_len / 8)^2 * max(iteration_count, 1) / 3,
         * with a floor of 200. */
        u128 words = (max_len + 7) / 8;
        gas = sat_mul(sat_mul(words, words), adj);
        if (gas < GAS_CAP)
            gas /= 3;
        if (gas < 200)
            gas = 200;
    } else {
        /* EIP-198: mult_complexity(max_len) * max(adj, 1) / GQUADDIVISOR
         * (20). */
        gas = sat_mul(mult_complexity_eip198(max_len), adj);
        if (gas < GAS_CAP)
            gas /= 20;
    }
    return gas > (u128)INT64_MAX ? UINT64_MAX : (uint64_t)gas;
}

/* Loads `len` bytes at `off` of the zero-padded input as a big-endian
 * number. Only the part inside the input is read: the zero tail is
 * returned in *tail_bytes (the value is mpz * 256^tail_bytes). */
static void load_num(mpz_t r, u128 *tail_bytes, const uint8_t *in, size_t in_len, u128 off, u128 len)
{
    u128 avail = off < in_len ? in_len - off : 0;
    u128 n = len < avail ? len : avail;
    if (n > 0)
        mpz_import(r, (size_t)n, 1, 1, 1, 0, in + (size_t)off);
    else
        mpz_set_ui(r, 0);
    *tail_bytes = len - n;
}

/* Past this mod_len the output alone would not fit in memory; only a gas
 * budget near 2^63 pays for it. */
#define MODEXP_MAX_MOD_LEN ((u128)1 << 31)

int seer_modexp_run(uint8_t **out, size_t *out_len, const uint8_t *in, size_t in_len)
{
    modexp_header h;
    read_header(&h, in, in_len);
    *out = NULL;
    *out_len = 0;
    /* A zero mod_len gives empty output without reading base or exponent,
     * whose declared lengths may then be anything (priced at zero or the
     * EIP-2565 floor). */
    if (h.mod_len == 0)
        return 0;
    if (h.mod_len > MODEXP_MAX_MOD_LEN)
        return seer_err(SEER_ENOMEM, "modexp: mod_len %llu too large to allocate",
                        (unsigned long long)(h.mod_len >= LEN_CAP ? UINT64_MAX : (uint64_t)h.mod_len));
    uint8_t *res = calloc(1, (size_t)h.mod_len);
    if (!res)
        return seer_err(SEER_ENOMEM, "modexp: cannot allocate %llu output bytes",
                        (unsigned long long)h.mod_len);

    mpz_t base, exp, mod, r;
    mpz_inits(base, exp, mod, r, NULL);
    u128 base_tail, exp_tail, mod_tail;
    load_num(mod, &mod_tail, in, in_len, h.mod_off, h.mod_len);
    mpz_mul_2exp(mod, mod, (mp_bitcnt_t)(8 * mod_tail)); /* mod_len <= 2^31: the tail is small */
    /* EIP-198: a zero modulus gives zero (mod_len zero bytes). */
    if (mpz_sgn(mod) == 0)
        goto done;

    /* The modulus comes last, so a nonzero modulus means the input reaches
     * into it: base and exponent then lie wholly inside the input and are
     * bounded by in_len, whatever lengths were declared. */
    load_num(base, &base_tail, in, in_len, h.base_off, h.base_len);
    load_num(exp, &exp_tail, in, in_len, h.exp_off, h.exp_len);
    SEER_VERIFY(base_tail == 0 && exp_tail == 0);
    mpz_powm(r, base, exp, mod);

    /* Output is left-padded to mod_len; r < mod fits. */
    size_t nbytes = (mpz_sizeinbase(r, 2) + 7) / 8;
    if (mpz_sgn(r) != 0) {
        SEER_VERIFY(nbytes <= h.mod_len);
        mpz_export(res + (size_t)h.mod_len - nbytes, NULL, 1, 1, 1, 0, r);
    }
done:
    mpz_clears(base, exp, mod, r, NULL);
    *out = res;
    *out_len = (size_t)h.mod_len;
    return 0;
}

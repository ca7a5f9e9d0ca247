/* Keccak-256 as Ethereum uses it (the pre-FIPS padding 0x01 .. 0x80, not
 * SHA3's 0x06). The permutation keeps all 25 lanes in local variables and
 * ping-pongs between two sets of them, two rounds per loop iteration, so
 * the compiler can hold the state in registers and no lane is copied
 * between rounds. Absorbing many blocks loads and stores the state once. */
#include "common/keccak.h"

#include "common/util.h"

#include <string.h>

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

static inline uint64_t rol64(uint64_t x, unsigned n)
{
    return (x << n) | (x >> ((64 - n) & 63));
}

/* Lanes are little-endian 64-bit words (Keccak's bit numbering). */
static inline uint64_t load64le(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void store64le(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, 8);
}

/* Lane (x, y) is S##xy, i.e. st[x + 5*y].
 *
 * One round reads lanes S and writes lanes T. Rho and pi are folded into
 * the chi step: output row y is built from B[x][y] = rol(S[x+3y][x] ^ D,
 * r[x+3y][x]) (pi's inverse map), so each row needs only five temporaries. */
#define KECCAK_ROUND(S, T, rc)                                                                               \
    do {                                                                                                     \
        uint64_t c0 = S##00 ^ S##01 ^ S##02 ^ S##03 ^ S##04;                                                 \
        uint64_t c1 = S##10 ^ S##11 ^ S##12 ^ S##13 ^ S##14;                                                 \
        uint64_t c2 = S##20 ^ S##21 ^ S##22 ^ S##23 ^ S##24;                                                 \
        uint64_t c3 = S##30 ^ S##31 ^ S##32 ^ S##33 ^ S##34;                                                 \
        uint64_t c4 = S##40 ^ S##41 ^ S##42 ^ S##43 ^ S##44;                                                 \
        uint64_t d0 = c4 ^ rol64(c1, 1);                                                                     \
        uint64_t d1 = c0 ^ rol64(c2, 1);                                                                     \
        uint64_t d2 = c1 ^ rol64(c3, 1);                                                                     \
        uint64_t d3 = c2 ^ rol64(c4, 1);                                                                     \
        uint64_t d4 = c3 ^ rol64(c0, 1);                                                                     \
        uint64_t b0, b1, b2, b3, b4;                                                                         \
        b0 = S##00 ^ d0;                                                                                     \
        b1 = rol64(S##11 ^ d1, 44);                                                                          \
        b2 = rol64(S##22 ^ d2, 43);                                                                          \
        b3 = rol64(S##33 ^ d3, 21);                                                                          \
        b4 = rol64(S##44 ^ d4, 14);                                                                          \
        T##00 = b0 ^ (~b1 & b2) ^ (rc);                                                                      \
        T##10 = b1 ^ (~b2 & b3);                                                                             \
        T##20 = b2 ^ (~b3 & b4);                                                                             \
        T##30 = b3 ^ (~b4 & b0);                                                                             \
        T##40 = b4 ^ (~b0 & b1);                                                                             \
        b0 = rol64(S##30 ^ d3, 28);                                                                          \
        b1 = rol64(S##41 ^ d4, 20);                                                                          \
        b2 = rol64(S##02 ^ d0, 3);                                                                           \
        b3 = rol64(S##13 ^ d1, 45);                                                                          \
        b4 = rol64(S##24 ^ d2, 61);                                                                          \
        T##01 = b0 ^ (~b1 & b2);                                                                             \
        T##11 = b1 ^ (~b2 & b3);                                                                             \
        T##21 = b2 ^ (~b3 & b4);                                                                             \
        T##31 = b3 ^ (~b4 & b0);                                                                             \
        T##41 = b4 ^ (~b0 & b1);                                                                             \
        b0 = rol64(S##10 ^ d1, 1);                                                                           \
        b1 = rol64(S##21 ^ d2, 6);                                                                           \
        b2 = rol64(S##32 ^ d3, 25);                                                                          \
        b3 = rol64(S##43 ^ d4, 8);                                                                           \
        b4 = rol64(S##04 ^ d0, 18);                                                                          \
        T##02 = b0 ^ (~b1 & b2);                                                                             \
        T##12 = b1 ^ (~b2 & b3);                                                                             \
        T##22 = b2 ^ (~b3 & b4);                                                                             \
        T##32 = b3 ^ (~b4 & b0);                                                                             \
        T##42 = b4 ^ (~b0 & b1);                                                                             \
        b0 = rol64(S##40 ^ d4, 27);                                                                          \
        b1 = rol64(S##01 ^ d0, 36);                                                                          \
        b2 = rol64(S##12 ^ d1, 10);                                                                          \
        b3 = rol64(S##23 ^ d2, 15);                                                                          \
        b4 = rol64(S##34 ^ d3, 56);                                                                          \
        T##03 = b0 ^ (~b1 & b2);                                                                             \
        T##13 = b1 ^ (~b2 & b3);                                                                             \
        T##23 = b2 ^ (~b3 & b4);                                                                             \
        T##33 = b3 ^ (~b4 & b0);                                                                             \
        T##43 = b4 ^ (~b0 & b1);                                                                             \
        b0 = rol64(S##20 ^ d2, 62);                                                                          \
        b1 = rol64(S##31 ^ d3, 55);                                                                          \
        b2 = rol64(S##42 ^ d4, 39);                                                                          \
        b3 = rol64(S##03 ^ d0, 41);                                                                          \
        b4 = rol64(S##14 ^ d1, 2);                                                                           \
        T##04 = b0 ^ (~b1 & b2);                                                                             \
        T##14 = b1 ^ (~b2 & b3);                                                                             \
        T##24 = b2 ^ (~b3 & b4);                                                                             \
        T##34 = b3 ^ (~b4 & b0);                                                                             \
        T##44 = b4 ^ (~b0 & b1);                                                                             \
    } while (0)

/* The rate (136 bytes) is the first 17 lanes: x + 5y < 17. */
#define KECCAK_ABSORB_LANES(A, in)                                                                           \
    do {                                                                                                     \
        A##00 ^= load64le((in) + 0);                                                                         \
        A##10 ^= load64le((in) + 8);                                                                         \
        A##20 ^= load64le((in) + 16);                                                                        \
        A##30 ^= load64le((in) + 24);                                                                        \
        A##40 ^= load64le((in) + 32);                                                                        \
        A##01 ^= load64le((in) + 40);                                                                        \
        A##11 ^= load64le((in) + 48);                                                                        \
        A##21 ^= load64le((in) + 56);                                                                        \
        A##31 ^= load64le((in) + 64);                                                                        \
        A##41 ^= load64le((in) + 72);                                                                        \
        A##02 ^= load64le((in) + 80);                                                                        \
        A##12 ^= load64le((in) + 88);                                                                        \
        A##22 ^= load64le((in) + 96);                                                                        \
        A##32 ^= load64le((in) + 104);                                                                       \
        A##42 ^= load64le((in) + 112);                                                                       \
        A##03 ^= load64le((in) + 120);                                                                       \
        A##13 ^= load64le((in) + 128);                                                                       \
    } while (0)

/* For each of nblocks rate-sized blocks at in: XOR it into the state, then
 * permute. in == NULL permutes nblocks times without absorbing. Inlined
 * into one function per instruction-set variant below. */
static inline __attribute__((always_inline)) void keccak_absorb_blocks_body(uint64_t st[25],
                                                                            const uint8_t *in, size_t nblocks)
{
    uint64_t a00 = st[0], a10 = st[1], a20 = st[2], a30 = st[3], a40 = st[4];
    uint64_t a01 = st[5], a11 = st[6], a21 = st[7], a31 = st[8], a41 = st[9];
    uint64_t a02 = st[10], a12 = st[11], a22 = st[12], a32 = st[13], a42 = st[14];
    uint64_t a03 = st[15], a13 = st[16], a23 = st[17], a33 = st[18], a43 = st[19];
    uint64_t a04 = st[20], a14 = st[21], a24 = st[22], a34 = st[23], a44 = st[24];
    uint64_t e00, e10, e20, e30, e40, e01, e11, e21, e31, e41, e02, e12, e22, e32, e42;
    uint64_t e03, e13, e23, e33, e43, e04, e14, e24, e34, e44;

    for (; nblocks > 0; nblocks--) {
        if (in) {
            KECCAK_ABSORB_LANES(a, in);
            in += SEER_KECCAK256_RATE;
        }
        for (int r = 0; r < 24; r += 2) {
            KECCAK_ROUND(a, e, keccak_rc[r]);
            KECCAK_ROUND(e, a, keccak_rc[r + 1]);
        }
    }

    st[0] = a00, st[1] = a10, st[2] = a20, st[3] = a30, st[4] = a40;
    st[5] = a01, st[6] = a11, st[7] = a21, st[8] = a31, st[9] = a41;
    st[10] = a02, st[11] = a12, st[12] = a22, st[13] = a32, st[14] = a42;
    st[15] = a03, st[16] = a13, st[17] = a23, st[18] = a33, st[19] = a43;
    st[20] = a04, st[21] = a14, st[22] = a24, st[23] = a34, st[24] = a44;
}

static void keccak_absorb_blocks_portable(uint64_t st[25], const uint8_t *in, size_t nblocks)
{
    keccak_absorb_blocks_body(st, in, nblocks);
}

/* chi's ~b & c is two instructions on baseline x86-64 but one ANDN with
 * BMI1, which removes a fifth of the permutation's instructions. The
 * library is built for the baseline, so the BMI1 variant is chosen at run
 * time. */
#if defined(__x86_64__) && defined(__GNUC__)
#define KECCAK_HAVE_BMI_VARIANT 1
__attribute__((target("bmi"))) static void keccak_absorb_blocks_bmi(uint64_t st[25], const uint8_t *in,
                                                                    size_t nblocks)
{
    keccak_absorb_blocks_body(st, in, nblocks);
}
#endif

/* 0 unknown, 1 portable, 2 BMI1. Relaxed atomics: every thread computes
 * the same value, so a race only repeats the CPUID query. */
static int keccak_variant;
static bool keccak_portable_forced;

static int keccak_detect_variant(void)
{
    int v = __atomic_load_n(&keccak_variant, __ATOMIC_RELAXED);
    if (SEER_LIKELY(v != 0))
        return v;
    v = 1;
#ifdef KECCAK_HAVE_BMI_VARIANT
    __builtin_cpu_init();
    if (__builtin_cpu_supports("bmi"))
        v = 2;
#endif
    __atomic_store_n(&keccak_variant, v, __ATOMIC_RELAXED);
    return v;
}

static inline void keccak_absorb_blocks(uint64_t st[25], const uint8_t *in, size_t nblocks)
{
#ifdef KECCAK_HAVE_BMI_VARIANT
    if (keccak_detect_variant() == 2 && !__atomic_load_n(&keccak_portable_forced, __ATOMIC_RELAXED)) {
        keccak_absorb_blocks_bmi(st, in, nblocks);
        return;
    }
#endif
    keccak_absorb_blocks_portable(st, in, nblocks);
}

bool seer_keccak_force_portable(bool on)
{
    bool old = __atomic_exchange_n(&keccak_portable_forced, on, __ATOMIC_RELAXED);
    return old;
}

const char *seer_keccak_impl_name(void)
{
    if (__atomic_load_n(&keccak_portable_forced, __ATOMIC_RELAXED))
        return "portable";
    return keccak_detect_variant() == 2 ? "bmi1" : "portable";
}

void seer_keccak_f1600(uint64_t st[25])
{
    keccak_absorb_blocks(st, NULL, 1);
}

/* Pads the final partial block (n < rate bytes) per the original Keccak
 * submission (multi-rate padding with domain bits 0x01), absorbs it and
 * squeezes 32 bytes: the digest fits in the first rate block. */
static void keccak_pad_and_squeeze(uint64_t st[25], const uint8_t *tail, size_t n, uint8_t out[32])
{
    uint8_t block[SEER_KECCAK256_RATE];
    if (n > 0) /* tail may be NULL when n == 0 */
        memcpy(block, tail, n);
    memset(block + n, 0, sizeof block - n);
    block[n] = 0x01;
    block[SEER_KECCAK256_RATE - 1] |= 0x80;
    keccak_absorb_blocks(st, block, 1);
    for (int i = 0; i < 4; i++)
        store64le(out + 8 * i, st[i]);
}

void seer_keccak_init(seer_keccak_ctx *ctx)
{
    memset(ctx->st, 0, sizeof ctx->st);
    ctx->n = 0;
}

void seer_keccak_update(seer_keccak_ctx *ctx, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (len == 0)
        return;
    if (ctx->n > 0) {
        size_t take = SEER_KECCAK256_RATE - ctx->n;
        if (take > len)
            take = len;
        memcpy(ctx->buf + ctx->n, p, take);
        ctx->n += take;
        p += take;
        len -= take;
        if (ctx->n < SEER_KECCAK256_RATE)
            return;
        keccak_absorb_blocks(ctx->st, ctx->buf, 1);
        ctx->n = 0;
    }
    size_t nblocks = len / SEER_KECCAK256_RATE;
    if (nblocks > 0) {
        keccak_absorb_blocks(ctx->st, p, nblocks);
        p += nblocks * SEER_KECCAK256_RATE;
        len -= nblocks * SEER_KECCAK256_RATE;
    }
    if (len > 0)
        memcpy(ctx->buf, p, len);
    ctx->n = len;
}

void seer_keccak_final(seer_keccak_ctx *ctx, uint8_t out[32])
{
    keccak_pad_and_squeeze(ctx->st, ctx->buf, ctx->n, out);
}

void seer_keccak256(uint8_t out[32], const void *data, size_t len)
{
    /* Skips the context's staging buffer: whole blocks are read in place. */
    uint64_t st[25] = {0};
    const uint8_t *p = data;
    size_t nblocks = len / SEER_KECCAK256_RATE;
    if (nblocks > 0) {
        keccak_absorb_blocks(st, p, nblocks);
        p += nblocks * SEER_KECCAK256_RATE;
    }
    keccak_pad_and_squeeze(st, p, len % SEER_KECCAK256_RATE, out);
}

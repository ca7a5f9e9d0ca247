/* BLAKE2F precompile (0x09, EIP-152): the bare BLAKE2b compression function
 * F with a caller-chosen round count, so contracts can verify Zcash-style
 * Equihash and other BLAKE2b-based proofs. */
#include "vm/precompiles_impl.h"

#include <string.h>

#define BLAKE2F_INPUT_LEN 213

/* RFC 7693 section 2.6: the BLAKE2b IV (the SHA-512 IV). */
static const uint64_t blake2b_iv[8] = {
    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
    0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL, 0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
};

/* RFC 7693 section 2.7: message word permutations, one per round mod 10. */
static const uint8_t blake2b_sigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

static inline uint64_t rotr64(uint64_t x, unsigned n)
{
    return (x >> n) | (x << (64 - n));
}

static inline uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static inline void store_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* RFC 7693 section 3.1, the mixing function G with rotations 32/24/16/63. */
#define G(a, b, c, d, x, y)                                                                                  \
    do {                                                                                                     \
        v[a] = v[a] + v[b] + (x);                                                                            \
        v[d] = rotr64(v[d] ^ v[a], 32);                                                                      \
        v[c] = v[c] + v[d];                                                                                  \
        v[b] = rotr64(v[b] ^ v[c], 24);                                                                      \
        v[a] = v[a] + v[b] + (y);                                                                            \
        v[d] = rotr64(v[d] ^ v[a], 16);                                                                      \
        v[c] = v[c] + v[d];                                                                                  \
        v[b] = rotr64(v[b] ^ v[c], 63);                                                                      \
    } while (0)

void seer_blake2b_compress(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool last,
                           uint32_t rounds)
{
    uint64_t v[16];
    for (int i = 0; i < 8; i++) {
        v[i] = h[i];
        v[i + 8] = blake2b_iv[i];
    }
    v[12] ^= t[0];
    v[13] ^= t[1];
    if (last)
        v[14] = ~v[14];
    /* EIP-152 lets the caller pick any round count (up to 2^32-1), so the
     * schedule index wraps every 10 rounds rather than stopping at 12. */
    for (uint32_t r = 0; r < rounds; r++) {
        const uint8_t *s = blake2b_sigma[r % 10];
        G(0, 4, 8, 12, m[s[0]], m[s[1]]);
        G(1, 5, 9, 13, m[s[2]], m[s[3]]);
        G(2, 6, 10, 14, m[s[4]], m[s[5]]);
        G(3, 7, 11, 15, m[s[6]], m[s[7]]);
        G(0, 5, 10, 15, m[s[8]], m[s[9]]);
        G(1, 6, 11, 12, m[s[10]], m[s[11]]);
        G(2, 7, 8, 13, m[s[12]], m[s[13]]);
        G(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++)
        h[i] ^= v[i] ^ v[i + 8];
}

uint64_t seer_blake2f_gas(const uint8_t *in, size_t in_len)
{
    if (in_len != BLAKE2F_INPUT_LEN)
        return 0;
    return ((uint64_t)in[0] << 24) | ((uint64_t)in[1] << 16) | ((uint64_t)in[2] << 8) | in[3];
}

bool seer_blake2f_run(uint8_t out[64], const uint8_t *in, size_t in_len)
{
    if (in_len != BLAKE2F_INPUT_LEN)
        return false;
    /* EIP-152: the final-block flag is one byte that must be exactly 0 or 1,
     * not any nonzero value. */
    uint8_t f = in[212];
    if (f > 1)
        return false;
    uint32_t rounds = (uint32_t)seer_blake2f_gas(in, in_len);
    uint64_t h[8], m[16], t[2];
    for (int i = 0; i < 8; i++)
        h[i] = load_le64(in + 4 + 8 * i);
    for (int i = 0; i < 16; i++)
        m[i] = load_le64(in + 68 + 8 * i);
    t[0] = load_le64(in + 196);
    t[1] = load_le64(in + 204);
    seer_blake2b_compress(h, m, t, f == 1, rounds);
    for (int i = 0; i < 8; i++)
        store_le64(out + 8 * i, h[i]);
    return true;
}

/* Keccak-256 as Ethereum uses it: the original Keccak padding (0x01), not
 * FIPS-202 SHA3's 0x06 (internal). */
#ifndef SEER_COMMON_KECCAK_H
#define SEER_COMMON_KECCAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEER_KECCAK256_RATE 136

typedef struct seer_keccak_ctx {
    uint64_t st[25];
    uint8_t buf[SEER_KECCAK256_RATE];
    size_t n; /* bytes in buf */
} seer_keccak_ctx;

/** One-shot: out = keccak256(data[0..len)). */
void seer_keccak256(uint8_t out[32], const void *data, size_t len);
void seer_keccak_init(seer_keccak_ctx *ctx);
void seer_keccak_update(seer_keccak_ctx *ctx, const void *data, size_t len);
/** Writes the digest; the context must be re-initialised before reuse. */
void seer_keccak_final(seer_keccak_ctx *ctx, uint8_t out[32]);
/** The Keccak-f[1600] permutation (24 rounds), exposed for tests. */
void seer_keccak_f1600(uint64_t st[25]);
/** The permutation has a portable variant and, on x86-64 CPUs with BMI1,
 *  a faster one chosen at run time. For tests and benchmarks: forces the
 *  portable variant on (true) or lifts that (false) for every thread;
 *  returns the previous setting. */
bool seer_keccak_force_portable(bool on);
/** Names the variant in use now: "portable" or "bmi1". */
const char *seer_keccak_impl_name(void);

#endif

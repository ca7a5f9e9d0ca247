/* Internals of the precompiles shared between vm/precompiles.c,
 * vm/modexp.c and vm/blake2f.c (private to vm/; tests may use them). */
#ifndef SEER_VM_PRECOMPILES_IMPL_H
#define SEER_VM_PRECOMPILES_IMPL_H

#include "seer/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** MODEXP (0x05) price under `fork` (EIP-198 before Berlin, EIP-2565 from
 *  Berlin) for the raw call input. Allocates nothing and reads at most the
 *  three length words and the first 32 bytes of the exponent, so declared
 *  lengths up to 2^256-1 are priced safely.
 *  Returns: the gas, or UINT64_MAX when it exceeds INT64_MAX (no call can
 *  pay it). */
uint64_t seer_modexp_gas(seer_fork fork, const uint8_t *in, size_t in_len);

/** MODEXP (0x05) execution, to be called only after seer_modexp_gas() was
 *  paid. Returns 0 and writes *out (malloc'd, mod_len bytes; NULL when
 *  mod_len == 0) and *out_len, or SEER_ENOMEM (also for a mod_len too large
 *  to allocate, reachable only with an absurd gas budget). */
int seer_modexp_run(uint8_t **out, size_t *out_len, const uint8_t *in, size_t in_len);

/** The BLAKE2b compression function F (RFC 7693 section 3.2) with a
 *  caller-chosen round count, as EIP-152 exposes it. h is updated in place;
 *  rounds beyond 12 reuse the message schedule cyclically (sigma[r % 10]). */
void seer_blake2b_compress(uint64_t h[8], const uint64_t m[16], const uint64_t t[2], bool last,
                           uint32_t rounds);

/** BLAKE2F (0x09) price: the round count (first 4 bytes, big-endian), or 0
 *  when the input is not 213 bytes (the call then fails anyway). */
uint64_t seer_blake2f_gas(const uint8_t *in, size_t in_len);

/** BLAKE2F (0x09) per EIP-152: in = rounds (4, BE) | h (64) | m (128) |
 *  t (16) | f (1). Returns false when in_len != 213 or f is not 0 or 1;
 *  otherwise true and out = the new state h (64 bytes, little-endian
 *  words). */
bool seer_blake2f_run(uint8_t out[64], const uint8_t *in, size_t in_len);

#endif

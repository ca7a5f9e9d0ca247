/* BLS12-381 and the KZG point-evaluation precompile 0x0a (EIP-4844)
 * (internal). */
#ifndef SEER_VM_KZG_H
#define SEER_VM_KZG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The point-evaluation precompile's input: versioned_hash (32) | z (32) |
 *  y (32) | commitment (48) | proof (48) = 192 bytes. Returns true when
 *  the input has length 192, versioned_hash == kzg_to_versioned_hash(
 *  commitment), z and y are canonical field elements (< BLS_MODULUS), the
 *  commitment and proof are valid compressed G1 points in the subgroup,
 *  and the proof verifies (e(commitment - [y]G1, G2) == e(proof, [tau]G2 -
 *  [z]G2)). On success writes the 64-byte output FIELD_ELEMENTS_PER_BLOB
 *  (4096) | BLS_MODULUS, both big-endian 32 bytes. */
bool seer_kzg_point_evaluation(uint8_t out[64], const uint8_t *in, size_t in_len);

/** The trusted setup's [tau]G2 (96 bytes, compressed), for tests. */
const uint8_t *seer_kzg_tau_g2_compressed(void);

#endif

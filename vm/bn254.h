/* BN254 (alt_bn128) curve operations for the precompiles 0x06-0x08
 * (EIP-196, EIP-197) (internal). Inputs are the precompile's raw encodings
 * (big-endian 32-byte coordinates); the point at infinity is (0, 0). */
#ifndef SEER_VM_BN254_H
#define SEER_VM_BN254_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** ECADD: in = x1|y1|x2|y2 (128 bytes; shorter input is zero-padded on the
 *  right, longer is truncated). Returns true and out = x|y (64 bytes), or
 *  false when a point is not on the curve or a coordinate >= p. */
bool seer_bn254_add(uint8_t out[64], const uint8_t *in, size_t in_len);
/** ECMUL: in = x|y|scalar (96 bytes, same padding rule). */
bool seer_bn254_mul(uint8_t out[64], const uint8_t *in, size_t in_len);
/** ECPAIRING: in = k * (G1 x|y (64 bytes) | G2 x_im|x_re|y_im|y_re (128
 *  bytes)). Returns false if in_len % 192 != 0, a coordinate >= p, a point
 *  is not on its curve, or a G2 point is not in the r-torsion subgroup.
 *  Otherwise true and *result = (product of pairings == 1); k = 0 gives 1. */
bool seer_bn254_pairing_check(bool *result, const uint8_t *in, size_t in_len);

#endif

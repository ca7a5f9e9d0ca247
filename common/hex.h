/* Hex strings <-> bytes (internal). */
#ifndef SEER_COMMON_HEX_H
#define SEER_COMMON_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Decodes hex (with or without a 0x/0X prefix) of hexlen characters into
 *  out (capacity cap); writes the byte count to *outlen. Odd digit counts,
 *  non-hex characters and too-small capacity are errors (SEER_EHEX, with
 *  the offending character offset in the detail). "" and "0x" decode to
 *  zero bytes. */
int seer_hex_decode(uint8_t *out, size_t cap, size_t *outlen, const char *hex, size_t hexlen);
/** As seer_hex_decode for a NUL-terminated string into a new malloc'd
 *  buffer (*out, freed with free(); non-NULL even for zero bytes). */
int seer_hex_decode_alloc(uint8_t **out, size_t *outlen, const char *hex);
/** Decodes exactly n bytes (e.g. an address: 20, a hash: 32); any other
 *  length is SEER_EHEX. */
int seer_hex_decode_exact(uint8_t *out, size_t n, const char *hex);
/** Writes 2*len lowercase digits (+ "0x" if prefix) and a NUL into out,
 *  which must hold 2*len + 3 bytes. Returns out. */
char *seer_hex_encode(char *out, const uint8_t *in, size_t len, bool prefix);

#endif

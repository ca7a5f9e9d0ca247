/* RLP (Recursive Length Prefix) encode and strict decode (internal).
 *
 * The decoder is strict (canonical encodings only): a single byte below
 * 0x80 must not be wrapped as a string, lengths have no leading zeros, the
 * long form is never used for lengths below 56, no length runs past the end
 * of its input, and seer_rlp_decode rejects trailing bytes. Every error is
 * SEER_ERLP with the byte offset (from the start of the top-level input) in
 * the detail message. */
#ifndef SEER_COMMON_RLP_H
#define SEER_COMMON_RLP_H

#include "common/buf.h"
#include "common/u256.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- encoding: append to a seer_buf ---- */
void seer_rlp_put_bytes(seer_buf *b, const void *data, size_t len);
/** Integers use the minimal big-endian encoding (0 -> empty string). */
void seer_rlp_put_u64(seer_buf *b, uint64_t v);
void seer_rlp_put_u256(seer_buf *b, const u256 *v);
/** Appends an already-encoded item verbatim. */
void seer_rlp_put_raw(seer_buf *b, const void *data, size_t len);
/** Starts a list: returns a mark to pass to seer_rlp_list_end, which writes
 *  the list header in front of everything appended since. */
size_t seer_rlp_list_begin(seer_buf *b);
void seer_rlp_list_end(seer_buf *b, size_t mark);

/* ---- decoding: zero-copy views into the input ---- */
typedef struct seer_rlp_item {
    bool is_list;
    const uint8_t *payload; /* string bytes, or the list's encoded items */
    size_t len;             /* payload length */
    const uint8_t *raw;     /* the whole item including its header */
    size_t raw_len;
    size_t offset; /* offset of the item's first header byte in the top-level input */
} seer_rlp_item;

/** Decodes exactly one item spanning all of in[0..len). */
int seer_rlp_decode(seer_rlp_item *out, const uint8_t *in, size_t len);

typedef struct seer_rlp_iter {
    const uint8_t *p, *end;
    size_t offset; /* top-level offset of p */
} seer_rlp_iter;

/** Checks every item nested anywhere inside `item` (headers, canonical
 *  forms, and that each list's items exactly fill it), without recursion:
 *  any depth is accepted and hostile nesting cannot exhaust the stack.
 *  Returns 0, SEER_ERLP (offset in the detail) or SEER_ENOMEM. */
int seer_rlp_validate(const seer_rlp_item *item);
/** seer_rlp_decode followed by seer_rlp_validate: the whole input is one
 *  canonical item, nested items included. */
int seer_rlp_decode_full(seer_rlp_item *out, const uint8_t *in, size_t len);

/** Starts iterating over the items of a list item. SEER_ERLP if not a list. */
int seer_rlp_iter_init(seer_rlp_iter *it, const seer_rlp_item *list);
/** Returns 1 and the next item, 0 at the end of the list, or SEER_ERLP. */
int seer_rlp_iter_next(seer_rlp_iter *it, seer_rlp_item *out);
/** Counts a list's items (validating each header). Returns the count or
 *  a negative error. */
int seer_rlp_list_count(const seer_rlp_item *list);

/** Reads a string item as a canonical integer (no leading zero bytes; at
 *  most 8 or 32 bytes). SEER_ERLP otherwise. */
int seer_rlp_get_u64(uint64_t *out, const seer_rlp_item *it);
int seer_rlp_get_u256(u256 *out, const seer_rlp_item *it);

#endif

/* RLP encode and strict decode (Ethereum yellow paper, appendix B).
 *
 * Decoding is lazy: seer_rlp_decode checks one header and that the item
 * spans the input; list items are checked as they are iterated. Length
 * arithmetic never adds a header length to a payload length, so a declared
 * length near SIZE_MAX cannot wrap around: every length is compared with
 * the bytes that remain. */
#include "common/rlp.h"

#include "common/util.h"

#include <stdlib.h>

/* ---- encoding ---- */

/* Big-endian bytes of v without leading zeros into out[8]; returns the
 * count (0 for v == 0). */
static size_t be_minimal_u64(uint8_t out[8], uint64_t v)
{
    size_t n = 0;
    for (uint64_t t = v; t; t >>= 8)
        n++;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    return n;
}

/* Writes the header of a string (base 0x80) or list (base 0xc0) with a
 * payload of len bytes into out[9]; returns its size. */
static size_t rlp_header(uint8_t out[9], uint8_t base, size_t len)
{
    if (len < 56) {
        out[0] = (uint8_t)(base + len);
        return 1;
    }
    size_t n = be_minimal_u64(out + 1, (uint64_t)len);
    out[0] = (uint8_t)(base + 55 + n);
    return 1 + n;
}

void seer_rlp_put_bytes(seer_buf *b, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (len == 1 && p[0] < 0x80) {
        seer_buf_push(b, p[0]);
        return;
    }
    uint8_t h[9];
    size_t hn = rlp_header(h, 0x80, len);
    if (!seer_buf_reserve(b, hn + len))
        return;
    seer_buf_append(b, h, hn);
    if (len > 0)
        seer_buf_append(b, data, len);
}

void seer_rlp_put_u64(seer_buf *b, uint64_t v)
{
    uint8_t be[8];
    size_t n = be_minimal_u64(be, v);
    seer_rlp_put_bytes(b, be, n);
}

void seer_rlp_put_u256(seer_buf *b, const u256 *v)
{
    /* Limbs are least significant first; the encoding is big-endian with
     * the leading zero bytes dropped. */
    uint8_t be[32];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++)
            be[8 * i + j] = (uint8_t)(v->w[3 - i] >> (56 - 8 * j));
    size_t skip = 0;
    while (skip < 32 && be[skip] == 0)
        skip++;
    seer_rlp_put_bytes(b, be + skip, 32 - skip);
}

void seer_rlp_put_raw(seer_buf *b, const void *data, size_t len)
{
    if (len > 0)
        seer_buf_append(b, data, len);
}

size_t seer_rlp_list_begin(seer_buf *b)
{
    return b->len;
}

void seer_rlp_list_end(seer_buf *b, size_t mark)
{
    /* After an allocation failure the buffer's contents are meaningless;
     * the caller sees `oom` at the end. */
    if (b->oom)
        return;
    SEER_VERIFY(mark <= b->len);
    uint8_t h[9];
    size_t hn = rlp_header(h, 0xc0, b->len - mark);
    seer_buf_insert(b, mark, h, hn);
}

/* ---- decoding ---- */

/* Reads the item starting at p (top-level offset off), which must end at
 * or before `end`. Writes every field of *out. */
static int rlp_parse_item(seer_rlp_item *out, const uint8_t *p, const uint8_t *end, size_t off)
{
    size_t avail = (size_t)(end - p);
    if (SEER_UNLIKELY(avail == 0))
        return seer_err(SEER_ERLP, "RLP: unexpected end of input at byte %zu", off);
    uint8_t b = p[0];
    size_t hlen, len;
    bool is_list = b >= 0xc0;

    if (b < 0x80) {
        /* A byte below 0x80 is its own encoding. */
        out->is_list = false;
        out->payload = p;
        out->len = 1;
        out->raw = p;
        out->raw_len = 1;
        out->offset = off;
        return 0;
    }
    uint8_t base = is_list ? 0xc0 : 0x80;
    if (b - base < 56) {
        hlen = 1;
        len = (size_t)(b - base);
        if (SEER_UNLIKELY(len > avail - 1))
            return seer_err(SEER_ERLP, "RLP: %s of %zu bytes at byte %zu runs past the end (%zu bytes left)",
                            is_list ? "list" : "string", len, off, avail - 1);
        if (!is_list && len == 1 && p[1] < 0x80)
            return seer_err(SEER_ERLP, "RLP: single byte 0x%02x below 0x80 wrapped as a string at byte %zu",
                            p[1], off);
    } else {
        size_t lenlen = (size_t)(b - base - 55); /* 1..8 */
        if (SEER_UNLIKELY(lenlen > avail - 1))
            return seer_err(SEER_ERLP, "RLP: %zu-byte length at byte %zu runs past the end (%zu bytes left)",
                            lenlen, off, avail - 1);
        if (p[1] == 0)
            return seer_err(SEER_ERLP, "RLP: length with a leading zero byte at byte %zu", off + 1);
        uint64_t v = 0;
        for (size_t i = 0; i < lenlen; i++)
            v = v << 8 | p[1 + i];
        if (SEER_UNLIKELY(v > SIZE_MAX))
            return seer_err(SEER_ERLP, "RLP: length %llu at byte %zu overflows size_t", (unsigned long long)v,
                            off);
        len = (size_t)v;
        if (len < 56)
            return seer_err(SEER_ERLP, "RLP: long-form length %zu (below 56) at byte %zu", len, off);
        hlen = 1 + lenlen;
        if (SEER_UNLIKELY(len > avail - hlen))
            return seer_err(SEER_ERLP, "RLP: %s of %zu bytes at byte %zu runs past the end (%zu bytes left)",
                            is_list ? "list" : "string", len, off, avail - hlen);
    }
    out->is_list = is_list;
    out->payload = p + hlen;
    out->len = len;
    out->raw = p;
    out->raw_len = hlen + len;
    out->offset = off;
    return 0;
}

int seer_rlp_decode(seer_rlp_item *out, const uint8_t *in, size_t len)
{
    if (!out || (!in && len > 0))
        return seer_err(SEER_EINVAL, "RLP: NULL argument");
    if (len == 0)
        return seer_err(SEER_ERLP, "RLP: empty input at byte 0");
    int rc = rlp_parse_item(out, in, in + len, 0);
    if (rc < 0)
        return rc;
    if (out->raw_len != len)
        return seer_err(SEER_ERLP, "RLP: %zu trailing bytes after the item at byte %zu", len - out->raw_len,
                        out->raw_len);
    return 0;
}

int seer_rlp_validate(const seer_rlp_item *item)
{
    if (!item)
        return seer_err(SEER_EINVAL, "RLP: NULL argument");
    if (!item->is_list || item->len == 0)
        return 0;

    /* ends[] holds the end of every open list, innermost last: each item
     * must end by the innermost one, so lists nest properly. It lives on
     * the heap once it outgrows the local array, so depth costs memory
     * proportional to the input, never stack. */
    const uint8_t *local[64];
    const uint8_t **ends = local;
    size_t cap = SEER_ARRAY_LEN(local), depth = 0;
    int rc = 0;

    const uint8_t *p = item->payload;
    size_t off = item->offset + (size_t)(item->payload - item->raw);
    ends[depth++] = item->payload + item->len;
    while (depth > 0) {
        if (p == ends[depth - 1]) {
            depth--;
            continue;
        }
        seer_rlp_item sub;
        rc = rlp_parse_item(&sub, p, ends[depth - 1], off);
        if (rc < 0)
            goto cleanup;
        if (sub.is_list && sub.len > 0) {
            if (depth == cap) {
                size_t ncap = cap * 2;
                const uint8_t **n = malloc(ncap * sizeof *n);
                if (!n) {
                    rc = seer_err(SEER_ENOMEM, "RLP: no memory for nesting depth %zu at byte %zu", ncap, off);
                    goto cleanup;
                }
                memcpy(n, ends, depth * sizeof *n);
                if (ends != local)
                    free(ends);
                ends = n;
                cap = ncap;
            }
            ends[depth++] = sub.payload + sub.len;
            off += (size_t)(sub.payload - sub.raw);
            p = sub.payload;
        } else {
            p += sub.raw_len;
            off += sub.raw_len;
        }
    }
cleanup:
    if (ends != local)
        free(ends);
    return rc;
}

int seer_rlp_decode_full(seer_rlp_item *out, const uint8_t *in, size_t len)
{
    int rc = seer_rlp_decode(out, in, len);
    return rc < 0 ? rc : seer_rlp_validate(out);
}

int seer_rlp_iter_init(seer_rlp_iter *it, const seer_rlp_item *list)
{
    if (!it || !list)
        return seer_err(SEER_EINVAL, "RLP: NULL argument");
    if (!list->is_list)
        return seer_err(SEER_ERLP, "RLP: expected a list, found a string at byte %zu", list->offset);
    it->p = list->payload;
    it->end = list->payload + list->len;
    it->offset = list->offset + (size_t)(list->payload - list->raw);
    return 0;
}

int seer_rlp_iter_next(seer_rlp_iter *it, seer_rlp_item *out)
{
    if (!it || !out)
        return seer_err(SEER_EINVAL, "RLP: NULL argument");
    if (it->p == it->end)
        return 0;
    int rc = rlp_parse_item(out, it->p, it->end, it->offset);
    if (rc < 0)
        return rc;
    it->p += out->raw_len;
    it->offset += out->raw_len;
    return 1;
}

int seer_rlp_list_count(const seer_rlp_item *list)
{
    seer_rlp_iter it;
    seer_rlp_item sub;
    int rc = seer_rlp_iter_init(&it, list);
    if (rc < 0)
        return rc;
    int count = 0;
    while ((rc = seer_rlp_iter_next(&it, &sub)) == 1) {
        /* Unreachable below 2 GiB of input; keeps the int result honest. */
        if (count == INT32_MAX)
            return seer_err(SEER_ELIMIT, "RLP: list at byte %zu has too many items", list->offset);
        count++;
    }
    return rc < 0 ? rc : count;
}

/* Checks that a string item is a canonical integer of at most maxlen
 * bytes (no leading zero byte; zero is the empty string). */
static int rlp_check_int(const seer_rlp_item *it, size_t maxlen)
{
    if (!it)
        return seer_err(SEER_EINVAL, "RLP: NULL argument");
    if (it->is_list)
        return seer_err(SEER_ERLP, "RLP: expected an integer, found a list at byte %zu", it->offset);
    size_t payload_off = it->offset + (size_t)(it->payload - it->raw);
    if (it->len > maxlen)
        return seer_err(SEER_ERLP, "RLP: integer of %zu bytes (more than %zu) at byte %zu", it->len, maxlen,
                        it->offset);
    if (it->len > 0 && it->payload[0] == 0)
        return seer_err(SEER_ERLP, "RLP: integer with a leading zero byte at byte %zu", payload_off);
    return 0;
}

int seer_rlp_get_u64(uint64_t *out, const seer_rlp_item *it)
{
    int rc = rlp_check_int(it, 8);
    if (rc < 0)
        return rc;
    uint64_t v = 0;
    for (size_t i = 0; i < it->len; i++)
        v = v << 8 | it->payload[i];
    *out = v;
    return 0;
}

int seer_rlp_get_u256(u256 *out, const seer_rlp_item *it)
{
    int rc = rlp_check_int(it, 32);
    if (rc < 0)
        return rc;
    u256 v = {{0, 0, 0, 0}};
    /* Byte i from the end goes to limb i / 8 (least significant first). */
    for (size_t i = 0; i < it->len; i++) {
        uint8_t byte = it->payload[it->len - 1 - i];
        v.w[i / 8] |= (uint64_t)byte << (8 * (i % 8));
    }
    *out = v;
    return 0;
}

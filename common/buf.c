/* Growable byte buffer. Failures are sticky: after one failed allocation
 * every later write is dropped and `oom` stays set, so an encoder can write
 * a whole structure and check once at the end instead of after each byte. */
#include "common/buf.h"

#include "common/util.h"

#include <stdlib.h>
#include <string.h>

/* Small buffers (RLP items, hashes) are the common case: start at 64 bytes
 * rather than growing through 1, 2, 4, ... */
#define SEER_BUF_MIN_CAP 64

bool seer_buf_reserve(seer_buf *b, size_t extra)
{
    if (b->oom)
        return false;
    if (extra <= b->cap - b->len)
        return true;
    if (extra > SIZE_MAX - b->len) {
        b->oom = true;
        return false;
    }
    size_t need = b->len + extra;
    /* Doubling keeps appends amortised O(1). */
    size_t cap = b->cap < SEER_BUF_MIN_CAP ? SEER_BUF_MIN_CAP : b->cap;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

/* Appending a slice of the buffer to itself is allowed: the source offset
 * is taken before realloc may move the storage. */
void seer_buf_append(seer_buf *b, const void *data, size_t len)
{
    if (len == 0)
        return;
    const uint8_t *old_p = b->p;
    size_t old_cap = b->cap;
    if (!seer_buf_reserve(b, len))
        return;
    const uint8_t *src = data;
    if (old_p && src >= old_p && src < old_p + old_cap)
        src = b->p + (src - old_p);
    memcpy(b->p + b->len, src, len);
    b->len += len;
}

void seer_buf_push(seer_buf *b, uint8_t byte)
{
    if (b->len < b->cap && !b->oom) {
        b->p[b->len++] = byte;
        return;
    }
    if (!seer_buf_reserve(b, 1))
        return;
    b->p[b->len++] = byte;
}

void seer_buf_insert(seer_buf *b, size_t pos, const void *data, size_t len)
{
    /* A position past the end is a caller bug; outside test builds it
     * degrades to an append rather than writing out of bounds. */
    SEER_VERIFY(pos <= b->len);
    if (pos > b->len)
        pos = b->len;
    if (len == 0)
        return;
    const uint8_t *old_p = b->p;
    size_t old_cap = b->cap;
    if (!seer_buf_reserve(b, len))
        return;
    const uint8_t *src = data;
    if (old_p && src >= old_p && src < old_p + old_cap) {
        /* Inserting a slice of the buffer itself: copy it out first, since
         * the memmove below may shift it. */
        size_t off = (size_t)(src - old_p);
        memmove(b->p + pos + len, b->p + pos, b->len - pos);
        /* Bytes at or after pos moved up by len. */
        size_t s = off >= pos ? off + len : off;
        if (off < pos && off + len > pos) {
            /* The source straddles pos: its head stayed, its tail moved. */
            size_t head = pos - off;
            memmove(b->p + pos, b->p + off, head);
            memmove(b->p + pos + head, b->p + pos + len, len - head);
        } else {
            memmove(b->p + pos, b->p + s, len);
        }
        b->len += len;
        return;
    }
    memmove(b->p + pos + len, b->p + pos, b->len - pos);
    memcpy(b->p + pos, src, len);
    b->len += len;
}

/* Reset also clears oom: a reused buffer starts a new item, and the caller
 * has already seen (and reported) the failure of the previous one. */
void seer_buf_reset(seer_buf *b)
{
    b->len = 0;
    b->oom = false;
}

void seer_buf_free(seer_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

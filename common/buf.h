/* A growable byte buffer with a sticky out-of-memory flag (internal): the
 * writer appends freely and checks `oom` once at the end. */
#ifndef SEER_COMMON_BUF_H
#define SEER_COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct seer_buf {
    uint8_t *p;
    size_t len, cap;
    bool oom;
} seer_buf;

#define SEER_BUF_INIT                                                                                        \
    {                                                                                                        \
        NULL, 0, 0, false                                                                                    \
    }

/** Ensures room for `extra` more bytes; returns false (and sets oom). */
bool seer_buf_reserve(seer_buf *b, size_t extra);
void seer_buf_append(seer_buf *b, const void *data, size_t len);
void seer_buf_push(seer_buf *b, uint8_t byte);
/** Inserts len bytes at position pos (memmove of the tail). */
void seer_buf_insert(seer_buf *b, size_t pos, const void *data, size_t len);
void seer_buf_reset(seer_buf *b); /* len = 0, keeps memory */
void seer_buf_free(seer_buf *b);

#endif

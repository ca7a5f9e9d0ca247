/* Internal helpers shared by every module: error reporting with detail,
 * SEER_VERIFY for internal invariants, small macros. Not public. */
#ifndef SEER_COMMON_UTIL_H
#define SEER_COMMON_UTIL_H

#include "seer/common.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Internal invariants: checked in test builds only (libsecp256k1's
 * VERIFY_CHECK). Never used for input validation. */
#ifdef SEER_VERIFY_ENABLED
#include <stdio.h>
#include <stdlib.h>
#define SEER_VERIFY(cond)                                                                                    \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "%s:%d: SEER_VERIFY(%s) failed\n", __FILE__, __LINE__, #cond);                   \
            abort();                                                                                         \
        }                                                                                                    \
    } while (0)
#else
#define SEER_VERIFY(cond) ((void)0)
#endif

#define SEER_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SEER_LIKELY(x)    __builtin_expect(!!(x), 1)
#define SEER_UNLIKELY(x)  __builtin_expect(!!(x), 0)

/** qsort that accepts an empty (possibly NULL) array: qsort(NULL, 0, ...)
 *  is undefined behaviour, and UBSan reports it. */
#include <stdlib.h>
static inline void seer_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

/** Records a detail message for the calling thread and returns `code`
 *  unchanged, so a failure site reads `return seer_err(SEER_EPARSE, ...)`. */
int seer_err(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Prefixes the calling thread's detail message with more context ("file
 *  x.json: " + old detail) and returns `code` unchanged. */
int seer_err_wrap(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

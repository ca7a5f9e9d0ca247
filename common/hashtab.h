/* uthash with non-fatal out-of-memory (internal).
 *
 * Include this header, never <uthash.h> directly. A failed allocation inside
 * HASH_ADD leaves the table unchanged and sets the caller-provided flag
 * instead of calling exit(-1):
 *
 *     bool oom = false;
 *     SEER_HASH_ADD(hh, table, key, sizeof(key_t), elt, &oom);
 *     if (oom) { free(elt); return SEER_ENOMEM; }
 *
 * Add only through SEER_HASH_ADD: a plain HASH_ADD (or HASH_REPLACE,
 * HASH_SELECT) that runs out of memory drops the element with no flag armed
 * to report it. Verified against uthash 2.3.0 (tests/test_hashtab.c injects
 * failures into table creation and bucket expansion).
 *
 * Keys are plain byte structs with no padding (static_assert their size);
 * memset a lookup key to zero before filling it. Iteration order is
 * insertion order: sort before anything that reaches consensus output. One
 * table per thread (uthash is not thread-safe). */
#ifndef SEER_COMMON_HASHTAB_H
#define SEER_COMMON_HASHTAB_H

#include <stdbool.h>

/* uthash reads these settings once, at its first inclusion: an earlier
 * #include <uthash.h> would silently bring back exit(-1) on OOM. */
#ifdef UTHASH_H
#error "include common/hashtab.h instead of <uthash.h>, and before anything that includes it"
#endif
#define HASH_NONFATAL_OOM 1
/* The flag the next SEER_HASH_ADD reports into; per thread. */
extern _Thread_local bool *seer_hash_oom_flag;
#define uthash_nonfatal_oom(obj)                                                                             \
    do {                                                                                                     \
        if (seer_hash_oom_flag)                                                                              \
            *seer_hash_oom_flag = true;                                                                      \
    } while (0)
#include <uthash.h>

#define SEER_HASH_ADD(hh, head, keyfield_ptr, keylen, elt, oomp)                                             \
    do {                                                                                                     \
        seer_hash_oom_flag = (oomp);                                                                         \
        HASH_ADD_KEYPTR(hh, head, keyfield_ptr, keylen, elt);                                                \
        seer_hash_oom_flag = NULL;                                                                           \
    } while (0)

#endif

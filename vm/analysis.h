/* Code analysis (internal): one pass per code builds the jump-destination
 * bitmap and a zero-padded copy of the code, in one allocation. The
 * interpreter and the static analyzer share it.
 *
 * Padding: code[size .. size+SEER_CODE_PADDING) are zero bytes, so a PUSHn
 * at the end of the code reads zeros without bounds checks and execution
 * that runs off the end meets a STOP.
 *
 * Lifetime: a seer_code from seer_code_analyze() is owned by the caller and
 * freed with seer_code_free(). A seer_code from a cache is owned by the
 * cache: it stays valid until seer_code_cache_free() (or
 * seer_code_cache_clear()) and must not be freed by the user. Entries are
 * never evicted while the cache lives, so a pointer handed to one worker
 * thread stays valid while other threads insert. */
#ifndef SEER_VM_ANALYSIS_H
#define SEER_VM_ANALYSIS_H

#include "seer/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Zero bytes after the code: the widest immediate (PUSH32) plus a STOP. */
#define SEER_CODE_PADDING 33

typedef struct seer_code {
    const uint8_t *code;     /* size + SEER_CODE_PADDING bytes */
    size_t size;             /* the real code size */
    const uint8_t *jumpdest; /* bitmap: bit (i & 7) of byte i >> 3 is set for a valid JUMPDEST at i */
    seer_bytes32 hash;       /* keccak256 of the code when cached; zero for seer_code_analyze() */
} seer_code;

/** True if `dest` is a JUMPDEST outside PUSH data. */
static inline bool seer_code_is_jumpdest(const seer_code *c, uint64_t dest)
{
    return dest < c->size && ((c->jumpdest[dest >> 3] >> (dest & 7)) & 1);
}

/** Analyzes code without caching (initcode, one-off code).
 *  Returns 0, or SEER_ENOMEM (detail set) / SEER_EINVAL for out == NULL or
 *  code == NULL with size > 0.
 *  Out: *out, freed by the caller with seer_code_free(). */
int seer_code_analyze(seer_code **out, const uint8_t *code, size_t size);

/** Frees a seer_code from seer_code_analyze(); NULL is a no-op. Never call
 *  it on a code owned by a cache. */
void seer_code_free(seer_code *c);

/** A thread-safe cache of analyzed code keyed by code hash, shared by any
 *  number of worker threads (a read-write lock; lookups run in parallel). */
typedef struct seer_code_cache seer_code_cache;

/** Returns 0, or SEER_ENOMEM. Out: *out, freed with seer_code_cache_free(). */
int seer_code_cache_new(seer_code_cache **out);

/** Frees the cache and every seer_code it owns. No thread may use the
 *  cache or a code from it any more. NULL is a no-op. */
void seer_code_cache_free(seer_code_cache *cache);

/** Drops every entry (e.g. between blocks, to bound memory). Same rule as
 *  seer_code_cache_free(): no code from the cache may be in use. */
void seer_code_cache_clear(seer_code_cache *cache);

/** Looks up a code by hash. Returns the cached code (owned by the cache) or
 *  NULL when absent; the world can skip loading the code bytes on a hit. */
const seer_code *seer_code_cache_find(seer_code_cache *cache, const seer_bytes32 *hash);

/** Returns the analysis of code whose keccak256 is `hash` (the caller's
 *  word: it is not recomputed), analyzing and inserting it on a miss.
 *  Returns 0, SEER_ENOMEM or SEER_EINVAL.
 *  Out: *out, owned by the cache (see the lifetime rule above). */
int seer_code_cache_get(seer_code_cache *cache, const seer_code **out, const seer_bytes32 *hash,
                        const uint8_t *code, size_t size);

/** Number of entries (for tests and statistics). */
size_t seer_code_cache_count(seer_code_cache *cache);

#endif

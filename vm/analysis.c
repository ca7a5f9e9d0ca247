#include "vm/analysis.h"

#include "common/hashtab.h"
#include "common/util.h"
#include "vm/opcodes.h"

#include <pthread.h>
#include <stdlib.h>

/* One allocation: header, padded code, bitmap. The struct a cache entry
 * needs (uthash handle) lives in the same block, so a cached code costs one
 * malloc. */
typedef struct code_block {
    seer_code pub;
    UT_hash_handle hh;
    uint8_t data[]; /* code + padding, then the bitmap */
} code_block;

_Static_assert(sizeof(seer_bytes32) == 32, "hash keys must have no padding");

static code_block *analyze_block(const uint8_t *code, size_t size)
{
    size_t bitmap_size = (size + 7) / 8 + 1;
    if (size > SIZE_MAX / 2) {
        seer_err(SEER_ENOMEM, "code analysis: code size %zu too large", size);
        return NULL;
    }
    code_block *b = malloc(sizeof *b + size + SEER_CODE_PADDING + bitmap_size);
    if (!b) {
        seer_err(SEER_ENOMEM, "code analysis: out of memory for %zu bytes of code", size);
        return NULL;
    }
    uint8_t *padded = b->data;
    uint8_t *bitmap = b->data + size + SEER_CODE_PADDING;
    if (size)
        memcpy(padded, code, size);
    memset(padded + size, 0, SEER_CODE_PADDING);
    memset(bitmap, 0, bitmap_size);
    /* Skip PUSH immediates: a 0x5b inside push data is not a destination. */
    for (size_t i = 0; i < size; i++) {
        uint8_t op = padded[i];
        if (op == SEER_OP_JUMPDEST)
            bitmap[i >> 3] |= (uint8_t)(1u << (i & 7));
        else if (op >= SEER_OP_PUSH1 && op <= SEER_OP_PUSH32)
            i += (size_t)(op - SEER_OP_PUSH1 + 1);
    }
    b->pub.code = padded;
    b->pub.size = size;
    b->pub.jumpdest = bitmap;
    memset(&b->pub.hash, 0, sizeof b->pub.hash);
    return b;
}

int seer_code_analyze(seer_code **out, const uint8_t *code, size_t size)
{
    if (!out || (!code && size))
        return seer_err(SEER_EINVAL, "seer_code_analyze: NULL argument");
    code_block *b = analyze_block(code, size);
    if (!b)
        return SEER_ENOMEM;
    *out = &b->pub;
    return 0;
}

void seer_code_free(seer_code *c)
{
    /* pub is the first member: the block starts at the same address. */
    free(c);
}

struct seer_code_cache {
    pthread_rwlock_t lock;
    code_block *table;
    size_t count;
};

int seer_code_cache_new(seer_code_cache **out)
{
    if (!out)
        return seer_err(SEER_EINVAL, "seer_code_cache_new: NULL out");
    seer_code_cache *c = calloc(1, sizeof *c);
    if (!c)
        return seer_err(SEER_ENOMEM, "seer_code_cache_new: out of memory");
    if (pthread_rwlock_init(&c->lock, NULL) != 0) {
        free(c);
        return seer_err(SEER_ENOMEM, "seer_code_cache_new: cannot create the lock");
    }
    *out = c;
    return 0;
}

static void cache_drop_all(seer_code_cache *cache)
{
    code_block *b, *tmp;
    HASH_ITER(hh, cache->table, b, tmp)
    {
        HASH_DELETE(hh, cache->table, b);
        free(b);
    }
    cache->table = NULL;
    cache->count = 0;
}

void seer_code_cache_clear(seer_code_cache *cache)
{
    if (!cache)
        return;
    pthread_rwlock_wrlock(&cache->lock);
    cache_drop_all(cache);
    pthread_rwlock_unlock(&cache->lock);
}

void seer_code_cache_free(seer_code_cache *cache)
{
    if (!cache)
        return;
    cache_drop_all(cache);
    pthread_rwlock_destroy(&cache->lock);
    free(cache);
}

const seer_code *seer_code_cache_find(seer_code_cache *cache, const seer_bytes32 *hash)
{
    if (!cache || !hash)
        return NULL;
    code_block *b = NULL;
    pthread_rwlock_rdlock(&cache->lock);
    HASH_FIND(hh, cache->table, hash->bytes, sizeof hash->bytes, b);
    pthread_rwlock_unlock(&cache->lock);
    return b ? &b->pub : NULL;
}

int seer_code_cache_get(seer_code_cache *cache, const seer_code **out, const seer_bytes32 *hash,
                        const uint8_t *code, size_t size)
{
    if (!cache || !out || !hash || (!code && size))
        return seer_err(SEER_EINVAL, "seer_code_cache_get: NULL argument");
    const seer_code *hit = seer_code_cache_find(cache, hash);
    if (hit) {
        *out = hit;
        return 0;
    }
    /* Analyze outside the lock: other threads keep reading meanwhile. */
    code_block *b = analyze_block(code, size);
    if (!b)
        return SEER_ENOMEM;
    b->pub.hash = *hash;
    code_block *old = NULL;
    pthread_rwlock_wrlock(&cache->lock);
    HASH_FIND(hh, cache->table, hash->bytes, sizeof hash->bytes, old);
    if (old) {
        /* Another thread inserted the same code first: keep theirs. */
        pthread_rwlock_unlock(&cache->lock);
        free(b);
        *out = &old->pub;
        return 0;
    }
    bool oom = false;
    SEER_HASH_ADD(hh, cache->table, b->pub.hash.bytes, sizeof b->pub.hash.bytes, b, &oom);
    if (!oom)
        cache->count++;
    pthread_rwlock_unlock(&cache->lock);
    if (oom) {
        free(b);
        return seer_err(SEER_ENOMEM, "code cache: out of memory inserting code of %zu bytes", size);
    }
    *out = &b->pub;
    return 0;
}

size_t seer_code_cache_count(seer_code_cache *cache)
{
    if (!cache)
        return 0;
    pthread_rwlock_rdlock(&cache->lock);
    size_t n = cache->count;
    pthread_rwlock_unlock(&cache->lock);
    return n;
}

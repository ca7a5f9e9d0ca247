/* A map from state keys to dense ids (0, 1, 2, ... in insertion order) for
 * the scheduler's per-block indexes (the conflict graph's key groups, the
 * validation index): open addressing with a cheap hash of the key's
 * address and slot words, where uthash's byte-wise hash of the 56-byte key
 * was most of the cost. Callers keep their per-key data in arrays indexed
 * by id. Not thread-safe; one map per user. Header-only: static inline. */
#ifndef SEER_SCHEDULER_KEYMAP_H
#define SEER_SCHEDULER_KEYMAP_H

#include "common/state_iface.h"
#include "common/util.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(seer_key) == 56, "seer_key is 56 plain bytes");

typedef struct seer_keymap {
    uint32_t *slot; /* cap entries: id + 1, 0 empty */
    uint32_t *tag;  /* cap entries: the hash's high bits, to skip most key compares */
    seer_key *keys; /* by id */
    size_t n, cap, kcap;
} seer_keymap;

static inline uint64_t seer_keymap_load64(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return x;
}

static inline uint64_t seer_keymap_hash(const seer_key *k)
{
    uint32_t a4;
    memcpy(&a4, k->addr + 16, 4);
    uint64_t h = seer_keymap_load64(k->addr) * 0x9E3779B97F4A7C15ull;
    h ^= seer_keymap_load64(k->addr + 8) * 0xC2B2AE3D27D4EB4Full;
    h ^= ((uint64_t)a4 | (uint64_t)k->field << 32) * 0x165667B19E3779F9ull;
    uint64_t s = seer_keymap_load64(k->slot) ^ (seer_keymap_load64(k->slot + 8) * 0x27D4EB2F165667C5ull) ^
                 (seer_keymap_load64(k->slot + 16) * 0x94D049BB133111EBull) ^
                 (seer_keymap_load64(k->slot + 24) * 0xBF58476D1CE4E5B9ull);
    h ^= s * 0xFF51AFD7ED558CCDull;
    h ^= h >> 31;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    return h;
}

static inline void seer_keymap_clear(seer_keymap *m)
{
    free(m->slot);
    free(m->tag);
    free(m->keys);
    memset(m, 0, sizeof *m);
}

/* Empties the map, keeping its memory. */
static inline void seer_keymap_reset(seer_keymap *m)
{
    if (m->slot)
        memset(m->slot, 0, m->cap * sizeof *m->slot);
    m->n = 0;
}

static inline int seer_keymap_grow(seer_keymap *m)
{
    size_t nc = m->cap ? m->cap * 2 : 256;
    uint32_t *ns = calloc(nc, sizeof *ns), *nt = malloc(nc * sizeof *nt);
    if (!ns || !nt) {
        free(ns);
        free(nt);
        return SEER_ENOMEM;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slot[i])
            continue;
        uint64_t h = seer_keymap_hash(&m->keys[m->slot[i] - 1]);
        size_t j = (size_t)h & (nc - 1);
        while (ns[j])
            j = (j + 1) & (nc - 1);
        ns[j] = m->slot[i];
        nt[j] = (uint32_t)(h >> 32);
    }
    free(m->slot);
    free(m->tag);
    m->slot = ns;
    m->tag = nt;
    m->cap = nc;
    return 0;
}

/** The id of `k`, inserting it when absent (*fresh true then; may be
 *  NULL). Returns 0 or SEER_ENOMEM. */
static inline int seer_keymap_get(seer_keymap *m, const seer_key *k, uint32_t *id, bool *fresh)
{
    if ((m->n + 1) * 4 > m->cap * 3) {
        int rc = seer_keymap_grow(m);
        if (rc < 0)
            return rc;
    }
    uint64_t h = seer_keymap_hash(k);
    uint32_t tag = (uint32_t)(h >> 32);
    size_t j = (size_t)h & (m->cap - 1);
    for (; m->slot[j]; j = (j + 1) & (m->cap - 1))
        if (m->tag[j] == tag && memcmp(&m->keys[m->slot[j] - 1], k, sizeof *k) == 0) {
            *id = m->slot[j] - 1;
            if (fresh)
                *fresh = false;
            return 0;
        }
    if (m->n == m->kcap) {
        size_t nc = m->kcap ? m->kcap * 2 : 256;
        seer_key *nk = realloc(m->keys, nc * sizeof *nk);
        if (!nk)
            return SEER_ENOMEM;
        m->keys = nk;
        m->kcap = nc;
    }
    m->keys[m->n] = *k;
    m->slot[j] = (uint32_t)(m->n + 1);
    m->tag[j] = tag;
    *id = (uint32_t)m->n++;
    if (fresh)
        *fresh = true;
    return 0;
}

#endif

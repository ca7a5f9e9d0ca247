/* Access sets as the scheduler compares them: modes R / D / W per key,
 * wildcards, and how recorded and predicted sets become one. */
#include "analyzer/analyzer_internal.h"
#include "common/util.h"
#include "scheduler/sched.h"

#include <stdlib.h>
#include <string.h>

void seer_access_set_clear(seer_access_set *s)
{
    if (!s)
        return;
    free(s->acc);
    free(s->all_slots);
    memset(s, 0, sizeof *s);
}

int seer_access_set_add(seer_access_set *s, const seer_key *k, int mode)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        seer_acc *p = realloc(s->acc, nc * sizeof *p);
        if (!p)
            return seer_err(SEER_ENOMEM, "access set: %zu keys", nc);
        s->acc = p;
        s->cap = nc;
    }
    seer_acc *a = &s->acc[s->n++];
    memset(a, 0, sizeof *a);
    a->key = *k;
    a->mode = (uint8_t)mode;
    return 0;
}

int seer_access_set_add_all_slots(seer_access_set *s, const seer_address *addr)
{
    if (s->nall == s->all_cap) {
        size_t nc = s->all_cap ? s->all_cap * 2 : 4;
        seer_address *p = realloc(s->all_slots, nc * sizeof *p);
        if (!p)
            return seer_err(SEER_ENOMEM, "access set: %zu wildcards", nc);
        s->all_slots = p;
        s->all_cap = nc;
    }
    s->all_slots[s->nall++] = *addr;
    return 0;
}

static int cmp_acc(const void *x, const void *y)
{
    const seer_acc *a = x, *b = y;
    int c = memcmp(&a->key, &b->key, sizeof a->key);
    return c ? c : (int)a->mode - (int)b->mode;
}

static int cmp_addr(const void *x, const void *y)
{
    return memcmp(x, y, 20);
}

static int merge_mode(int a, int b)
{
    return a == b ? a : SEER_ACC_W;
}

void seer_access_set_normalize(seer_access_set *s)
{
    if (s->n > 1) {
        seer_qsort(s->acc, s->n, sizeof *s->acc, cmp_acc);
        size_t o = 0;
        for (size_t i = 0; i < s->n; i++) {
            if (o && memcmp(&s->acc[o - 1].key, &s->acc[i].key, sizeof(seer_key)) == 0)
                s->acc[o - 1].mode = (uint8_t)merge_mode(s->acc[o - 1].mode, s->acc[i].mode);
            else
                s->acc[o++] = s->acc[i];
        }
        s->n = o;
    }
    if (s->nall > 1) {
        seer_qsort(s->all_slots, s->nall, sizeof *s->all_slots, cmp_addr);
        size_t o = 0;
        for (size_t i = 0; i < s->nall; i++)
            if (!o || memcmp(&s->all_slots[o - 1], &s->all_slots[i], 20) != 0)
                s->all_slots[o++] = s->all_slots[i];
        s->nall = o;
    }
}

int seer_access_set_union(seer_access_set *dst, const seer_access_set *src)
{
    int rc;
    for (size_t i = 0; i < src->n; i++)
        if ((rc = seer_access_set_add(dst, &src->acc[i].key, src->acc[i].mode)) < 0)
            return rc;
    for (size_t i = 0; i < src->nall; i++)
        if ((rc = seer_access_set_add_all_slots(dst, &src->all_slots[i])) < 0)
            return rc;
    dst->unknown |= src->unknown;
    seer_access_set_normalize(dst);
    return 0;
}

static void make_key(seer_key *k, const seer_address *a, int field)
{
    memset(k, 0, sizeof *k);
    memcpy(k->addr, a->bytes, 20);
    k->field = (uint8_t)field;
}

static bool key_in(const seer_key *arr, size_t n, const seer_key *k)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(&arr[mid], k, sizeof *k);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

int seer_access_set_from_actual(seer_access_set *s, const seer_key *reads, size_t nreads,
                                const seer_key *writes, size_t nwrites, const seer_address *coinbase)
{
    int rc;
    for (size_t i = 0; i < nreads; i++)
        if ((rc = seer_access_set_add(s, &reads[i], SEER_ACC_R)) < 0)
            return rc;
    for (size_t i = 0; i < nwrites; i++) {
        /* A balance credited without being read commutes with other
         * credits (DESIGN.md: blind credits are deltas). */
        int mode = writes[i].field == SEER_KEY_BALANCE && !key_in(reads, nreads, &writes[i]) ? SEER_ACC_D
                                                                                             : SEER_ACC_W;
        if ((rc = seer_access_set_add(s, &writes[i], mode)) < 0)
            return rc;
    }
    if (coinbase) {
        seer_key k;
        make_key(&k, coinbase, SEER_KEY_BALANCE);
        if (!key_in(reads, nreads, &k) && !key_in(writes, nwrites, &k) &&
            (rc = seer_access_set_add(s, &k, SEER_ACC_D)) < 0)
            return rc;
    }
    seer_access_set_normalize(s);
    /* An account brought into existence by a blind credit alone (the
     * coinbase's first fee, a payout to a fresh address) commutes with other
     * such credits: "create if absent, add". Only when the transaction
     * observed neither the balance nor the existence, and wrote nothing else
     * of the account. */
    for (size_t i = 0; i < s->n; i++) {
        seer_acc *e = &s->acc[i];
        if (e->key.field != SEER_KEY_EXISTS || e->mode != SEER_ACC_W || key_in(reads, nreads, &e->key))
            continue;
        bool blind = true, credited = false;
        for (size_t j = 0; j < s->n; j++) {
            const seer_acc *o = &s->acc[j];
            if (j == i || memcmp(o->key.addr, e->key.addr, 20) != 0)
                continue;
            if (o->key.field == SEER_KEY_BALANCE && o->mode == SEER_ACC_D)
                credited = true;
            else if (o->mode != SEER_ACC_R || o->key.field == SEER_KEY_BALANCE)
                blind = false;
        }
        if (blind && credited)
            e->mode = SEER_ACC_D;
    }
    return 0;
}

int seer_access_set_tx_implied(seer_access_set *s, const seer_tx *tx, const seer_address *coinbase)
{
    seer_key k;
    int rc;
    make_key(&k, &tx->sender, SEER_KEY_NONCE);
    if ((rc = seer_access_set_add(s, &k, SEER_ACC_W)) < 0)
        return rc;
    make_key(&k, &tx->sender, SEER_KEY_BALANCE);
    if ((rc = seer_access_set_add(s, &k, SEER_ACC_W)) < 0)
        return rc;
    if (tx->has_to) {
        /* a call without value neither reads nor credits the recipient's
         * balance; with value it is a credit (its code may still read it:
         * the analyzer's part) */
        make_key(&k, &tx->to, SEER_KEY_BALANCE);
        if (!u256_is_zero(&tx->value) && (rc = seer_access_set_add(s, &k, SEER_ACC_D)) < 0)
            return rc;
        make_key(&k, &tx->to, SEER_KEY_CODE);
        if ((rc = seer_access_set_add(s, &k, SEER_ACC_R)) < 0)
            return rc;
    }
    if (coinbase) {
        make_key(&k, coinbase, SEER_KEY_BALANCE);
        if ((rc = seer_access_set_add(s, &k, SEER_ACC_D)) < 0)
            return rc;
        make_key(&k, coinbase, SEER_KEY_EXISTS);
        if ((rc = seer_access_set_add(s, &k, SEER_ACC_D)) < 0)
            return rc;
    }
    seer_access_set_normalize(s);
    return 0;
}

int seer_access_set_add_prediction(seer_access_set *s, const void *prediction)
{
    const seer_prediction *p = prediction;
    int rc;
    for (size_t i = 0; i < p->nkeys; i++) {
        const seer_pred_key *pk = &p->keys[i];
        int mode = pk->write ? SEER_ACC_W : SEER_ACC_R;
        if (pk->write && pk->key.field == SEER_KEY_BALANCE) {
            /* keys are sorted by key then write flag: a read entry of the
             * same key comes right before */
            bool read =
                i > 0 && !p->keys[i - 1].write && memcmp(&p->keys[i - 1].key, &pk->key, sizeof pk->key) == 0;
            mode = read ? SEER_ACC_W : SEER_ACC_D;
        }
        if ((rc = seer_access_set_add(s, &pk->key, mode)) < 0)
            return rc;
    }
    for (size_t i = 0; i < p->nall_slots; i++)
        if ((rc = seer_access_set_add_all_slots(s, &p->all_slots[i])) < 0)
            return rc;
    s->unknown |= p->unknown;
    seer_access_set_normalize(s);
    return 0;
}

static bool has_all_slots(const seer_access_set *s, const uint8_t addr[20])
{
    size_t lo = 0, hi = s->nall;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(&s->all_slots[mid], addr, 20);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static bool wildcard_hits(const seer_access_set *w, const seer_access_set *o, seer_key *why)
{
    for (size_t i = 0; i < w->nall; i++) {
        if (has_all_slots(o, w->all_slots[i].bytes))
            goto hit;
        for (size_t j = 0; j < o->n; j++)
            if (o->acc[j].key.field == SEER_KEY_STORAGE &&
                memcmp(o->acc[j].key.addr, w->all_slots[i].bytes, 20) == 0)
                goto hit;
        continue;
    hit:
        if (why) {
            make_key(why, &w->all_slots[i], SEER_KEY_ALL_SLOTS);
        }
        return true;
    }
    return false;
}

bool seer_access_conflict(const seer_access_set *a, const seer_access_set *b, seer_key *why)
{
    if (a->unknown || b->unknown) {
        if (why) {
            memset(why, 0, sizeof *why);
            why->field = SEER_KEY_GLOBAL;
        }
        return true;
    }
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        int c = memcmp(&a->acc[i].key, &b->acc[j].key, sizeof(seer_key));
        if (c < 0)
            i++;
        else if (c > 0)
            j++;
        else {
            if (seer_acc_modes_conflict(a->acc[i].mode, b->acc[j].mode)) {
                if (why)
                    *why = a->acc[i].key;
                return true;
            }
            i++;
            j++;
        }
    }
    return wildcard_hits(a, b, why) || wildcard_hits(b, a, why);
}

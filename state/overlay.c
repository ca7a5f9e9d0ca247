/* The block overlay: see overlay.h. */
#include "state/overlay.h"

#include "common/hashtab.h"
#include "common/keccak.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct ov_slot {
    u256 key; /* four uint64 limbs: no padding */
    u256 value;
    UT_hash_handle hh;
} ov_slot;

typedef struct ov_code {
    seer_bytes32 hash;
    uint8_t *bytes;
    size_t len;
    UT_hash_handle hh;
} ov_code;

typedef struct ov_acct {
    seer_address addr;
    seer_account acct;
    bool storage_cleared;
    bool code_changed;
    const ov_code *code;
    ov_slot *slots;
    size_t nonzero; /* slots with a non-zero value */
    UT_hash_handle hh;
} ov_acct;

struct seer_overlay {
    seer_state_reader base;
    ov_acct *accts;
    ov_code *codes;
    size_t naccts;
    /* the last merged change set (owned) */
    seer_account_change *cs_accts;
    seer_slot_change *cs_slots;
};

static void free_changeset(seer_overlay *ov)
{
    free(ov->cs_accts);
    free(ov->cs_slots);
    ov->cs_accts = NULL;
    ov->cs_slots = NULL;
}

static void clear_slots(ov_acct *a)
{
    ov_slot *s, *tmp;
    HASH_ITER(hh, a->slots, s, tmp)
    {
        HASH_DEL(a->slots, s);
        free(s);
    }
    a->nonzero = 0;
}

void seer_overlay_reset(seer_overlay *ov)
{
    if (!ov)
        return;
    ov_acct *a, *atmp;
    HASH_ITER(hh, ov->accts, a, atmp)
    {
        clear_slots(a);
        HASH_DEL(ov->accts, a);
        free(a);
    }
    ov_code *c, *ctmp;
    HASH_ITER(hh, ov->codes, c, ctmp)
    {
        HASH_DEL(ov->codes, c);
        free(c->bytes);
        free(c);
    }
    ov->naccts = 0;
    free_changeset(ov);
}

void seer_overlay_free(seer_overlay *ov)
{
    if (!ov)
        return;
    seer_overlay_reset(ov);
    free(ov);
}

int seer_overlay_new(seer_overlay **out, seer_state_reader base)
{
    if (!out || !base.vt)
        return seer_err(SEER_EINVAL, "overlay_new: NULL argument");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return seer_err(SEER_ENOMEM, "overlay_new");
    (*out)->base = base;
    return 0;
}

size_t seer_overlay_account_count(const seer_overlay *ov)
{
    return ov ? ov->naccts : 0;
}

static ov_acct *find_acct(const seer_overlay *ov, const seer_address *addr)
{
    ov_acct *a;
    HASH_FIND(hh, ov->accts, addr->bytes, 20, a);
    return a;
}

static int put_code(seer_overlay *ov, const ov_code **out, const uint8_t *code, size_t len)
{
    seer_bytes32 h;
    seer_keccak256(h.bytes, code, len);
    ov_code *c;
    HASH_FIND(hh, ov->codes, h.bytes, 32, c);
    if (!c) {
        c = calloc(1, sizeof *c);
        uint8_t *bytes = malloc(len ? len : 1);
        if (!c || !bytes) {
            free(c);
            free(bytes);
            return seer_err(SEER_ENOMEM, "overlay: code of %zu bytes", len);
        }
        memcpy(bytes, code, len);
        c->hash = h;
        c->bytes = bytes;
        c->len = len;
        bool oom = false;
        SEER_HASH_ADD(hh, ov->codes, c->hash.bytes, 32, c, &oom);
        if (oom) {
            free(bytes);
            free(c);
            return seer_err(SEER_ENOMEM, "overlay: code table");
        }
    }
    *out = c;
    return 0;
}

static int set_slot(ov_acct *a, const seer_slot_change *sc)
{
    ov_slot *s;
    HASH_FIND(hh, a->slots, &sc->key, sizeof(u256), s);
    bool nz = !u256_is_zero(&sc->value);
    if (s) {
        bool was = !u256_is_zero(&s->value);
        s->value = sc->value;
        a->nonzero += (size_t)nz - (size_t)was;
        return 0;
    }
    /* After a wipe, a zero write is the same as absent. */
    if (!nz && a->storage_cleared)
        return 0;
    s = calloc(1, sizeof *s);
    if (!s)
        return seer_err(SEER_ENOMEM, "overlay: slot");
    s->key = sc->key;
    s->value = sc->value;
    bool oom = false;
    SEER_HASH_ADD(hh, a->slots, &s->key, sizeof(u256), s, &oom);
    if (oom) {
        free(s);
        return seer_err(SEER_ENOMEM, "overlay: slot table");
    }
    a->nonzero += nz;
    return 0;
}

int seer_overlay_apply(seer_overlay *ov, const seer_changeset *cs)
{
    if (!ov || !cs || (cs->naccounts && !cs->accounts))
        return seer_err(SEER_EINVAL, "overlay_apply: NULL argument");
    free_changeset(ov);
    static const seer_bytes32 zero;
    for (size_t i = 0; i < cs->naccounts; i++) {
        const seer_account_change *ac = &cs->accounts[i];
        if ((ac->code_changed && !ac->code && ac->code_len) || (ac->nslots && !ac->slots))
            return seer_err(SEER_EINVAL, "overlay_apply: account %zu: NULL code or slots", i);
        ov_acct *a = find_acct(ov, &ac->addr);
        if (!a) {
            a = calloc(1, sizeof *a);
            if (!a)
                return seer_err(SEER_ENOMEM, "overlay: account");
            a->addr = ac->addr;
            bool oom = false;
            SEER_HASH_ADD(hh, ov->accts, a->addr.bytes, 20, a, &oom);
            if (oom) {
                free(a);
                return seer_err(SEER_ENOMEM, "overlay: account table");
            }
            ov->naccts++;
        }
        if (!ac->account.exists) {
            memset(&a->acct, 0, sizeof a->acct);
            a->storage_cleared = true;
            a->code_changed = false;
            a->code = NULL;
            clear_slots(a);
            continue;
        }
        if (ac->storage_cleared) {
            clear_slots(a);
            a->storage_cleared = true;
        }
        a->acct = ac->account;
        if (!memcmp(a->acct.code_hash.bytes, zero.bytes, 32))
            a->acct.code_hash = SEER_EMPTY_CODE_HASH;
        if (ac->code_changed) {
            int err = put_code(ov, &a->code, ac->code ? ac->code : (const uint8_t *)"", ac->code_len);
            if (err)
                return err;
            a->code_changed = true;
        }
        for (size_t j = 0; j < ac->nslots; j++) {
            int err = set_slot(a, &ac->slots[j]);
            if (err)
                return err;
        }
    }
    return 0;
}

/* ---- reader ---- */

static int ov_get_account(void *ctx, const seer_address *addr, seer_account *out)
{
    seer_overlay *ov = ctx;
    const ov_acct *a = find_acct(ov, addr);
    if (a) {
        *out = a->acct;
        return 0;
    }
    return ov->base.vt->get_account(ov->base.ctx, addr, out);
}

static int ov_get_storage(void *ctx, const seer_address *addr, const u256 *key, u256 *out)
{
    seer_overlay *ov = ctx;
    const ov_acct *a = find_acct(ov, addr);
    if (a) {
        ov_slot *s;
        HASH_FIND(hh, a->slots, key, sizeof(u256), s);
        if (s) {
            *out = s->value;
            return 0;
        }
        if (a->storage_cleared) {
            memset(out, 0, sizeof *out);
            return 0;
        }
    }
    return ov->base.vt->get_storage(ov->base.ctx, addr, key, out);
}

static int ov_has_storage(void *ctx, const seer_address *addr, bool *out)
{
    seer_overlay *ov = ctx;
    const ov_acct *a = find_acct(ov, addr);
    if (a && (a->nonzero || a->storage_cleared)) {
        *out = a->nonzero > 0;
        return 0;
    }
    return ov->base.vt->has_storage(ov->base.ctx, addr, out);
}

static int ov_get_code(void *ctx, const seer_bytes32 *hash, const uint8_t **code, size_t *len)
{
    seer_overlay *ov = ctx;
    ov_code *c;
    HASH_FIND(hh, ov->codes, hash->bytes, 32, c);
    if (c) {
        *code = c->bytes;
        *len = c->len;
        return 0;
    }
    return ov->base.vt->get_code(ov->base.ctx, hash, code, len);
}

static int ov_get_block_hash(void *ctx, uint64_t number, seer_bytes32 *out)
{
    seer_overlay *ov = ctx;
    return ov->base.vt->get_block_hash(ov->base.ctx, number, out);
}

static const seer_state_reader_vt ov_vt = {ov_get_account, ov_get_storage, ov_has_storage, ov_get_code,
                                           ov_get_block_hash};

seer_state_reader seer_overlay_reader(seer_overlay *ov)
{
    seer_state_reader r = {&ov_vt, ov};
    return r;
}

/* ---- merged change set ---- */

static int cmp_change(const void *x, const void *y)
{
    const seer_account_change *a = x, *b = y;
    return memcmp(a->addr.bytes, b->addr.bytes, 20);
}

static int cmp_slot(const void *x, const void *y)
{
    const seer_slot_change *a = x, *b = y;
    return u256_cmp(&a->key, &b->key);
}

int seer_overlay_changeset(seer_overlay *ov, seer_changeset *out)
{
    if (!ov || !out)
        return seer_err(SEER_EINVAL, "overlay_changeset: NULL argument");
    free_changeset(ov);
    size_t nslots = 0;
    ov_acct *a, *tmp;
    HASH_ITER(hh, ov->accts, a, tmp)
    nslots += HASH_COUNT(a->slots);
    ov->cs_accts = calloc(ov->naccts ? ov->naccts : 1, sizeof *ov->cs_accts);
    ov->cs_slots = malloc((nslots ? nslots : 1) * sizeof *ov->cs_slots);
    if (!ov->cs_accts || !ov->cs_slots) {
        free_changeset(ov);
        return seer_err(SEER_ENOMEM, "overlay_changeset: %zu accounts, %zu slots", ov->naccts, nslots);
    }
    size_t i = 0, si = 0;
    HASH_ITER(hh, ov->accts, a, tmp)
    {
        seer_account_change *c = &ov->cs_accts[i++];
        c->addr = a->addr;
        c->account = a->acct;
        c->storage_cleared = a->storage_cleared;
        /* Code by the account's final hash, not by the last code_changed:
         * a later transaction may have set another hash (re-creation). */
        ov_code *code = NULL;
        if (a->acct.exists && a->code_changed)
            HASH_FIND(hh, ov->codes, a->acct.code_hash.bytes, 32, code);
        if (code) {
            c->code_changed = true;
            c->code = code->bytes;
            c->code_len = code->len;
        }
        c->slots = ov->cs_slots + si;
        if (a->acct.exists) {
            ov_slot *s, *stmp;
            HASH_ITER(hh, a->slots, s, stmp)
            {
                /* A zero over a wiped storage deletes nothing. */
                if (a->storage_cleared && u256_is_zero(&s->value))
                    continue;
                ov->cs_slots[si].key = s->key;
                ov->cs_slots[si].value = s->value;
                si++;
            }
        }
        c->nslots = (size_t)(ov->cs_slots + si - c->slots);
        seer_qsort(c->slots, c->nslots, sizeof *c->slots, cmp_slot);
    }
    SEER_VERIFY(i == ov->naccts);
    seer_qsort(ov->cs_accts, i, sizeof *ov->cs_accts, cmp_change);
    out->accounts = ov->cs_accts;
    out->naccounts = i;
    return 0;
}

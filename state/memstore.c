#include "state/memstore.h"

#include "common/buf.h"
#include "common/hashtab.h"
#include "common/hex.h"
#include "common/keccak.h"
#include "common/rlp.h"
#include "common/util.h"
#include "state/mpt.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot_entry {
    uint8_t key[32]; /* big-endian slot: the hash key and the trie key */
    u256 value;      /* never zero */
    /* keccak(key), the secure-trie path, hashed on the first root: most
     * slots outlive many roots, and hashing is most of a root's cost. */
    bool hashed;
    uint8_t hkey[32];
    UT_hash_handle hh;
} slot_entry;

typedef struct acct_entry {
    seer_address addr; /* hash key */
    seer_account acct; /* exists is always true while in the table */
    slot_entry *slots;
    size_t nslots;
    /* The storage root is costly and most accounts' storage does not change
     * between two state roots, so it is kept until a slot changes. */
    bool root_valid;
    seer_bytes32 storage_root;
    bool hashed; /* haddr = keccak(addr) is set, as slot_entry.hkey */
    uint8_t haddr[32];
    UT_hash_handle hh;
} acct_entry;

typedef struct code_entry {
    seer_bytes32 hash; /* hash key */
    size_t len;
    UT_hash_handle hh;
    uint8_t code[];
} code_entry;

typedef struct bh_entry {
    uint64_t number; /* hash key */
    seer_bytes32 hash;
    UT_hash_handle hh;
} bh_entry;

_Static_assert(sizeof(seer_address) == 20, "seer_address is a padding-free hash key");
_Static_assert(sizeof(seer_bytes32) == 32, "seer_bytes32 is a padding-free hash key");

struct seer_memstore {
    acct_entry *accounts;
    code_entry *codes;
    bh_entry *block_hashes;
    size_t naccounts;
};

static const uint8_t empty_code_byte;

int seer_memstore_new(seer_memstore **out)
{
    if (!out)
        return seer_err(SEER_EINVAL, "memstore_new: out is NULL");
    *out = calloc(1, sizeof **out);
    if (!*out)
        return seer_err(SEER_ENOMEM, "memstore_new: allocating the store");
    return 0;
}

static void wipe_slots(acct_entry *a)
{
    slot_entry *s, *tmp;
    HASH_ITER(hh, a->slots, s, tmp)
    {
        HASH_DEL(a->slots, s);
        free(s);
    }
    a->nslots = 0;
    a->root_valid = false;
}

static void delete_account(seer_memstore *store, acct_entry *a)
{
    wipe_slots(a);
    HASH_DEL(store->accounts, a);
    free(a);
    store->naccounts--;
}

void seer_memstore_free(seer_memstore *store)
{
    if (!store)
        return;
    acct_entry *a, *atmp;
    HASH_ITER(hh, store->accounts, a, atmp) delete_account(store, a);
    code_entry *c, *ctmp;
    HASH_ITER(hh, store->codes, c, ctmp)
    {
        HASH_DEL(store->codes, c);
        free(c);
    }
    bh_entry *b, *btmp;
    HASH_ITER(hh, store->block_hashes, b, btmp)
    {
        HASH_DEL(store->block_hashes, b);
        free(b);
    }
    free(store);
}

static acct_entry *find_account(const seer_memstore *store, const seer_address *addr)
{
    acct_entry *a = NULL;
    HASH_FIND(hh, store->accounts, addr->bytes, sizeof addr->bytes, a);
    return a;
}

static slot_entry *find_slot(const acct_entry *a, const uint8_t key[32])
{
    slot_entry *s = NULL;
    HASH_FIND(hh, a->slots, key, 32, s);
    return s;
}

/* Finds the account, creating an empty existing one when absent. */
static int get_or_create(seer_memstore *store, acct_entry **out, const seer_address *addr)
{
    acct_entry *a = find_account(store, addr);
    if (!a) {
        a = calloc(1, sizeof *a);
        if (!a)
            return seer_err(SEER_ENOMEM, "memstore: allocating an account");
        a->addr = *addr;
        a->acct.exists = true;
        a->acct.code_hash = SEER_EMPTY_CODE_HASH;
        bool oom = false;
        SEER_HASH_ADD(hh, store->accounts, a->addr.bytes, sizeof a->addr.bytes, a, &oom);
        if (oom) {
            free(a);
            return seer_err(SEER_ENOMEM, "memstore: growing the account table");
        }
        store->naccounts++;
    }
    *out = a;
    return 0;
}

static int write_slot(acct_entry *a, const u256 *key, const u256 *value)
{
    uint8_t k[32];
    u256_to_be32(k, key);
    slot_entry *s = find_slot(a, k);
    a->root_valid = false;
    if (u256_is_zero(value)) {
        if (s) {
            HASH_DEL(a->slots, s);
            free(s);
            a->nslots--;
        }
        return 0;
    }
    if (s) {
        s->value = *value;
        return 0;
    }
    s = malloc(sizeof *s);
    if (!s)
        return seer_err(SEER_ENOMEM, "memstore: allocating a storage slot");
    memcpy(s->key, k, 32);
    s->value = *value;
    s->hashed = false;
    bool oom = false;
    SEER_HASH_ADD(hh, a->slots, s->key, sizeof s->key, s, &oom);
    if (oom) {
        free(s);
        return seer_err(SEER_ENOMEM, "memstore: growing a storage table");
    }
    a->nslots++;
    return 0;
}

static int store_code(seer_memstore *store, const seer_bytes32 *hash, const uint8_t *code, size_t len)
{
    code_entry *c = NULL;
    HASH_FIND(hh, store->codes, hash->bytes, 32, c);
    if (c)
        return 0;
    if (len > SIZE_MAX - sizeof *c)
        return seer_err(SEER_ENOMEM, "memstore: code of %zu bytes", len);
    c = malloc(sizeof *c + len);
    if (!c)
        return seer_err(SEER_ENOMEM, "memstore: allocating %zu bytes of code", len);
    c->hash = *hash;
    c->len = len;
    if (len)
        memcpy(c->code, code, len);
    bool oom = false;
    SEER_HASH_ADD(hh, store->codes, c->hash.bytes, sizeof c->hash.bytes, c, &oom);
    if (oom) {
        free(c);
        return seer_err(SEER_ENOMEM, "memstore: growing the code table");
    }
    return 0;
}

static const code_entry *find_code(const seer_memstore *store, const seer_bytes32 *hash)
{
    code_entry *c = NULL;
    HASH_FIND(hh, store->codes, hash->bytes, 32, c);
    return c;
}

int seer_memstore_clone(seer_memstore **out, const seer_memstore *src)
{
    if (!out || !src)
        return seer_err(SEER_EINVAL, "memstore_clone: NULL argument");
    *out = NULL;
    seer_memstore *dst;
    int rc = seer_memstore_new(&dst);
    if (rc)
        return rc;
    const acct_entry *a, *atmp;
    HASH_ITER(hh, src->accounts, a, atmp)
    {
        acct_entry *na;
        rc = get_or_create(dst, &na, &a->addr);
        if (rc)
            goto fail;
        na->acct = a->acct;
        na->root_valid = a->root_valid;
        na->storage_root = a->storage_root;
        na->hashed = a->hashed;
        memcpy(na->haddr, a->haddr, 32);
        const slot_entry *s, *stmp;
        HASH_ITER(hh, a->slots, s, stmp)
        {
            u256 k;
            u256_from_be32(&k, s->key);
            rc = write_slot(na, &k, &s->value);
            if (rc)
                goto fail;
        }
        /* write_slot dropped the cached root; the slots are the same. */
        na->root_valid = a->root_valid;
    }
    const code_entry *c, *ctmp;
    HASH_ITER(hh, src->codes, c, ctmp)
    {
        rc = store_code(dst, &c->hash, c->code, c->len);
        if (rc)
            goto fail;
    }
    const bh_entry *b, *btmp;
    HASH_ITER(hh, src->block_hashes, b, btmp)
    {
        rc = seer_memstore_set_block_hash(dst, b->number, &b->hash);
        if (rc)
            goto fail;
    }
    *out = dst;
    return 0;
fail:
    seer_memstore_free(dst);
    return rc;
}

/* ---- setters ---- */

int seer_memstore_set_account(seer_memstore *store, const seer_address *addr, const seer_account *acct)
{
    if (!store || !addr || !acct)
        return seer_err(SEER_EINVAL, "memstore_set_account: NULL argument");
    if (!acct->exists) {
        acct_entry *a = find_account(store, addr);
        if (a)
            delete_account(store, a);
        return 0;
    }
    acct_entry *a;
    int rc = get_or_create(store, &a, addr);
    if (rc)
        return rc;
    a->acct = *acct;
    static const seer_bytes32 zero;
    if (memcmp(a->acct.code_hash.bytes, zero.bytes, 32) == 0)
        a->acct.code_hash = SEER_EMPTY_CODE_HASH;
    return 0;
}

int seer_memstore_put_code(seer_memstore *store, seer_bytes32 *hash_out, const uint8_t *code, size_t len)
{
    if (!store || (!code && len))
        return seer_err(SEER_EINVAL, "memstore_put_code: NULL argument");
    seer_bytes32 h;
    seer_keccak256(h.bytes, code ? (const void *)code : (const void *)&empty_code_byte, len);
    int rc = store_code(store, &h, code, len);
    if (rc == 0 && hash_out)
        *hash_out = h;
    return rc;
}

int seer_memstore_set_code(seer_memstore *store, const seer_address *addr, const uint8_t *code, size_t len)
{
    if (!store || !addr || (!code && len))
        return seer_err(SEER_EINVAL, "memstore_set_code: NULL argument");
    acct_entry *a = find_account(store, addr);
    if (!a)
        return seer_err(SEER_ENOTFOUND, "memstore_set_code: no account at the address");
    seer_bytes32 h;
    int rc = seer_memstore_put_code(store, &h, code, len);
    if (rc)
        return rc;
    a->acct.code_hash = h;
    return 0;
}

int seer_memstore_set_storage(seer_memstore *store, const seer_address *addr, const u256 *key,
                              const u256 *value)
{
    if (!store || !addr || !key || !value)
        return seer_err(SEER_EINVAL, "memstore_set_storage: NULL argument");
    acct_entry *a = find_account(store, addr);
    if (!a)
        return seer_err(SEER_ENOTFOUND, "memstore_set_storage: no account at the address");
    return write_slot(a, key, value);
}

int seer_memstore_set_block_hash(seer_memstore *store, uint64_t number, const seer_bytes32 *hash)
{
    if (!store || !hash)
        return seer_err(SEER_EINVAL, "memstore_set_block_hash: NULL argument");
    bh_entry *b = NULL;
    HASH_FIND(hh, store->block_hashes, &number, sizeof number, b);
    if (b) {
        b->hash = *hash;
        return 0;
    }
    b = malloc(sizeof *b);
    if (!b)
        return seer_err(SEER_ENOMEM, "memstore: allocating a block hash");
    b->number = number;
    b->hash = *hash;
    bool oom = false;
    SEER_HASH_ADD(hh, store->block_hashes, &b->number, sizeof b->number, b, &oom);
    if (oom) {
        free(b);
        return seer_err(SEER_ENOMEM, "memstore: growing the block hash table");
    }
    return 0;
}

/* ---- change sets ---- */

int seer_memstore_apply(seer_memstore *store, const seer_changeset *cs)
{
    if (!store || !cs || (!cs->accounts && cs->naccounts))
        return seer_err(SEER_EINVAL, "memstore_apply: NULL argument");
    for (size_t i = 0; i < cs->naccounts; i++) {
        const seer_account_change *ch = &cs->accounts[i];
        if (!ch->account.exists) {
            acct_entry *a = find_account(store, &ch->addr);
            if (a)
                delete_account(store, a);
            continue;
        }
        if ((ch->code_changed && !ch->code && ch->code_len) || (!ch->slots && ch->nslots))
            return seer_err(SEER_EINVAL, "memstore_apply: account change %zu has a NULL array", i);
        acct_entry *a;
        int rc = get_or_create(store, &a, &ch->addr);
        if (rc)
            return rc;
        if (ch->storage_cleared)
            wipe_slots(a);
        a->acct = ch->account;
        if (ch->code_changed) {
#ifdef SEER_VERIFY_ENABLED
            seer_bytes32 h;
            seer_keccak256(h.bytes, ch->code ? (const void *)ch->code : (const void *)&empty_code_byte,
                           ch->code_len);
            SEER_VERIFY(memcmp(h.bytes, ch->account.code_hash.bytes, 32) == 0);
#endif
            rc = store_code(store, &ch->account.code_hash, ch->code, ch->code_len);
            if (rc)
                return rc;
        }
        for (size_t j = 0; j < ch->nslots; j++) {
            rc = write_slot(a, &ch->slots[j].key, &ch->slots[j].value);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- roots ---- */

static int compute_storage_root(acct_entry *a)
{
    if (a->root_valid)
        return 0;
    if (a->nslots == 0) {
        a->storage_root = SEER_EMPTY_TRIE_ROOT;
        a->root_valid = true;
        return 0;
    }
    int rc = 0;
    seer_mpt_kv *kvs = malloc(a->nslots * sizeof *kvs);
    uint8_t *vals = malloc(a->nslots * 33);
    if (!kvs || !vals) {
        rc = seer_err(SEER_ENOMEM, "memstore: storage root of %zu slots", a->nslots);
        goto cleanup;
    }
    size_t i = 0;
    slot_entry *s, *tmp;
    HASH_ITER(hh, a->slots, s, tmp)
    {
        /* A slot's trie value is rlp(minimal big-endian bytes): a string
         * of 1..32 bytes, so its header is one byte (or none below 0x80). */
        uint8_t *v = vals + 33 * i;
        uint8_t be[32];
        size_t n = u256_to_be_min(be, &s->value);
        size_t vl;
        if (n == 1 && be[0] < 0x80) {
            v[0] = be[0];
            vl = 1;
        } else {
            v[0] = (uint8_t)(0x80 + n);
            memcpy(v + 1, be, n);
            vl = n + 1;
        }
        if (!s->hashed) {
            seer_keccak256(s->hkey, s->key, 32);
            s->hashed = true;
        }
        kvs[i++] = (seer_mpt_kv){s->hkey, 32, v, vl};
    }
    SEER_VERIFY(i == a->nslots);
    /* Keys are already keccak'd: this is the secure trie. */
    rc = seer_mpt_root(&a->storage_root, kvs, a->nslots);
    if (rc == 0)
        a->root_valid = true;
cleanup:
    free(kvs);
    free(vals);
    return rc;
}

int seer_memstore_storage_root(seer_memstore *store, seer_bytes32 *out, const seer_address *addr)
{
    if (!store || !out || !addr)
        return seer_err(SEER_EINVAL, "memstore_storage_root: NULL argument");
    acct_entry *a = find_account(store, addr);
    if (!a) {
        *out = SEER_EMPTY_TRIE_ROOT;
        return 0;
    }
    int rc = compute_storage_root(a);
    if (rc == 0)
        *out = a->storage_root;
    return rc;
}

int seer_memstore_state_root(seer_memstore *store, seer_bytes32 *out)
{
    if (!store || !out)
        return seer_err(SEER_EINVAL, "memstore_state_root: NULL argument");
    size_t n = store->naccounts;
    if (n == 0) {
        *out = SEER_EMPTY_TRIE_ROOT;
        return 0;
    }
    int rc = 0;
    seer_buf b = SEER_BUF_INIT;
    seer_mpt_kv *kvs = malloc(n * sizeof *kvs);
    size_t *offs = malloc((n + 1) * sizeof *offs);
    if (!kvs || !offs) {
        rc = seer_err(SEER_ENOMEM, "memstore: state root of %zu accounts", n);
        goto cleanup;
    }
    size_t i = 0;
    acct_entry *a, *tmp;
    HASH_ITER(hh, store->accounts, a, tmp)
    {
        rc = compute_storage_root(a);
        if (rc)
            goto cleanup;
        offs[i] = b.len;
        size_t mark = seer_rlp_list_begin(&b);
        seer_rlp_put_u64(&b, a->acct.nonce);
        seer_rlp_put_u256(&b, &a->acct.balance);
        seer_rlp_put_bytes(&b, a->storage_root.bytes, 32);
        seer_rlp_put_bytes(&b, a->acct.code_hash.bytes, 32);
        seer_rlp_list_end(&b, mark);
        if (!a->hashed) {
            seer_keccak256(a->haddr, a->addr.bytes, 20);
            a->hashed = true;
        }
        kvs[i].key = a->haddr;
        kvs[i].key_len = 32;
        i++;
    }
    offs[i] = b.len;
    if (b.oom) {
        rc = seer_err(SEER_ENOMEM, "memstore: encoding %zu accounts", n);
        goto cleanup;
    }
    SEER_VERIFY(i == n);
    /* The buffer may have moved while growing: point into it only now. */
    for (i = 0; i < n; i++) {
        kvs[i].val = b.p + offs[i];
        kvs[i].val_len = offs[i + 1] - offs[i];
    }
    rc = seer_mpt_root(out, kvs, n); /* keys already keccak'd */
cleanup:
    free(kvs);
    free(offs);
    seer_buf_free(&b);
    return rc;
}

/* ---- reads ---- */

size_t seer_memstore_account_count(const seer_memstore *store)
{
    return store ? store->naccounts : 0;
}

int seer_memstore_get_account(const seer_memstore *store, seer_account *out, const seer_address *addr)
{
    if (!store || !out || !addr)
        return seer_err(SEER_EINVAL, "memstore_get_account: NULL argument");
    const acct_entry *a = find_account(store, addr);
    if (a)
        *out = a->acct;
    else
        memset(out, 0, sizeof *out);
    return 0;
}

int seer_memstore_get_storage(const seer_memstore *store, u256 *out, const seer_address *addr,
                              const u256 *key)
{
    if (!store || !out || !addr || !key)
        return seer_err(SEER_EINVAL, "memstore_get_storage: NULL argument");
    *out = U256_ZERO;
    const acct_entry *a = find_account(store, addr);
    if (!a)
        return 0;
    uint8_t k[32];
    u256_to_be32(k, key);
    const slot_entry *s = find_slot(a, k);
    if (s)
        *out = s->value;
    return 0;
}

static int rd_get_account(void *ctx, const seer_address *addr, seer_account *out)
{
    return seer_memstore_get_account(ctx, out, addr);
}

static int rd_get_storage(void *ctx, const seer_address *addr, const u256 *key, u256 *out)
{
    return seer_memstore_get_storage(ctx, out, addr, key);
}

static int rd_has_storage(void *ctx, const seer_address *addr, bool *out)
{
    if (!ctx || !addr || !out)
        return seer_err(SEER_EINVAL, "memstore has_storage: NULL argument");
    const acct_entry *a = find_account(ctx, addr);
    *out = a && a->nslots > 0;
    return 0;
}

static int rd_get_code(void *ctx, const seer_bytes32 *code_hash, const uint8_t **code, size_t *len)
{
    if (!ctx || !code_hash || !code || !len)
        return seer_err(SEER_EINVAL, "memstore get_code: NULL argument");
    if (memcmp(code_hash->bytes, SEER_EMPTY_CODE_HASH.bytes, 32) == 0) {
        *code = &empty_code_byte;
        *len = 0;
        return 0;
    }
    const code_entry *c = find_code(ctx, code_hash);
    if (!c) {
        char hex[67];
        seer_hex_encode(hex, code_hash->bytes, 32, true);
        return seer_err(SEER_ENOTFOUND, "memstore get_code: no code with hash %s", hex);
    }
    *code = c->len ? c->code : &empty_code_byte;
    *len = c->len;
    return 0;
}

static int rd_get_block_hash(void *ctx, uint64_t number, seer_bytes32 *out)
{
    if (!ctx || !out)
        return seer_err(SEER_EINVAL, "memstore get_block_hash: NULL argument");
    const seer_memstore *store = ctx;
    bh_entry *b = NULL;
    HASH_FIND(hh, store->block_hashes, &number, sizeof number, b);
    if (b)
        *out = b->hash;
    else
        memset(out, 0, sizeof *out);
    return 0;
}

static const seer_state_reader_vt memstore_reader_vt = {
    .get_account = rd_get_account,
    .get_storage = rd_get_storage,
    .has_storage = rd_has_storage,
    .get_code = rd_get_code,
    .get_block_hash = rd_get_block_hash,
};

seer_state_reader seer_memstore_reader(seer_memstore *store)
{
    return (seer_state_reader){&memstore_reader_vt, store};
}

/* ---- iteration and dump ---- */

static int acct_ptr_cmp(const void *pa, const void *pb)
{
    const acct_entry *a = *(const acct_entry *const *)pa, *b = *(const acct_entry *const *)pb;
    return memcmp(a->addr.bytes, b->addr.bytes, 20);
}

static int slot_change_cmp(const void *pa, const void *pb)
{
    const seer_slot_change *a = pa, *b = pb;
    return u256_cmp(&a->key, &b->key);
}

int seer_memstore_foreach(seer_memstore *store, int (*fn)(void *arg, const seer_memstore_entry *e), void *arg)
{
    if (!store || !fn)
        return seer_err(SEER_EINVAL, "memstore_foreach: NULL argument");
    size_t n = store->naccounts, maxslots = 0;
    if (n == 0)
        return 0;
    int rc = 0;
    seer_slot_change *slots = NULL;
    acct_entry **sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return seer_err(SEER_ENOMEM, "memstore_foreach: %zu accounts", n);
    size_t i = 0;
    acct_entry *a, *tmp;
    HASH_ITER(hh, store->accounts, a, tmp)
    {
        sorted[i++] = a;
        if (a->nslots > maxslots)
            maxslots = a->nslots;
    }
    /* Hash order is insertion order, which would leak into output. */
    seer_qsort(sorted, n, sizeof *sorted, acct_ptr_cmp);
    if (maxslots) {
        slots = malloc(maxslots * sizeof *slots);
        if (!slots) {
            rc = seer_err(SEER_ENOMEM, "memstore_foreach: %zu slots", maxslots);
            goto cleanup;
        }
    }
    for (i = 0; i < n; i++) {
        a = sorted[i];
        size_t k = 0;
        slot_entry *s, *stmp;
        HASH_ITER(hh, a->slots, s, stmp)
        {
            u256_from_be32(&slots[k].key, s->key);
            slots[k].value = s->value;
            k++;
        }
        if (k > 1)
            seer_qsort(slots, k, sizeof *slots, slot_change_cmp);
        const code_entry *c = find_code(store, &a->acct.code_hash);
        seer_memstore_entry e = {
            .addr = &a->addr,
            .account = &a->acct,
            .slots = slots,
            .nslots = k,
            .code = c && c->len ? c->code : NULL,
            .code_len = c ? c->len : 0,
        };
        rc = fn(arg, &e);
        if (rc)
            goto cleanup;
    }
cleanup:
    free(slots);
    free(sorted);
    return rc;
}

typedef struct dump_ctx {
    FILE *f;
    bool first;
} dump_ctx;

static int dump_one(void *arg, const seer_memstore_entry *e)
{
    dump_ctx *d = arg;
    char addr[43], q[67], k[67];
    seer_hex_encode(addr, e->addr->bytes, 20, true);
    fprintf(d->f, "%s\n  \"%s\": {\n    \"balance\": \"%s\",\n    \"code\": \"", d->first ? "" : ",", addr,
            u256_to_hex(q, &e->account->balance));
    d->first = false;
    if (e->code_len) {
        char *hex = malloc(2 * e->code_len + 3);
        if (!hex)
            return seer_err(SEER_ENOMEM, "memstore_dump: %zu bytes of code", e->code_len);
        fputs(seer_hex_encode(hex, e->code, e->code_len, true), d->f);
        free(hex);
    } else {
        fputs("0x", d->f);
    }
    fprintf(d->f, "\",\n    \"nonce\": \"0x%" PRIx64 "\",\n    \"storage\": {", e->account->nonce);
    for (size_t i = 0; i < e->nslots; i++) {
        fprintf(d->f, "%s\n      \"%s\": \"%s\"", i ? "," : "", u256_to_hex(k, &e->slots[i].key),
                u256_to_hex(q, &e->slots[i].value));
    }
    fprintf(d->f, "%s}\n  }", e->nslots ? "\n    " : "");
    return ferror(d->f) ? seer_err(SEER_EIO, "memstore_dump: write failed") : 0;
}

int seer_memstore_dump(seer_memstore *store, FILE *f)
{
    if (!store || !f)
        return seer_err(SEER_EINVAL, "memstore_dump: NULL argument");
    dump_ctx d = {f, true};
    fputs("{", f);
    int rc = seer_memstore_foreach(store, dump_one, &d);
    if (rc)
        return rc;
    fputs("\n}\n", f);
    if (ferror(f))
        return seer_err(SEER_EIO, "memstore_dump: write failed");
    return 0;
}

/* The LMDB state store: see lmdb.h for the layout and the caveats. */
#include "state/lmdb.h"

#include "common/buf.h"
#include "common/hashtab.h"
#include "common/keccak.h"
#include "common/rlp.h"
#include "common/util.h"
#include "state/mpt.h"

#include <dirent.h>
#include <errno.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_MAP_SIZE     ((size_t)256 << 20)
#define DEFAULT_MAX_MAP_SIZE ((size_t)1 << 40)
#define NSHARDS              64

struct seer_lmdb {
    MDB_env *env;
    MDB_dbi acc, sto, code, meta;
    bool read_only;
    size_t map_size, max_map_size;
    /* Serialises commits, map growth and snapshot begin/end, so the map is
     * only resized while no read transaction of this process is open. */
    pthread_mutex_t lock;
    unsigned nsnapshots;
    char *dir;
};

/* ---- helpers ---- */

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* Maps an LMDB or errno code to a seer_error with a detail naming `what`. */
static int lmdb_err(seer_lmdb *store, int rc, const char *what)
{
    const char *dir = store && store->dir ? store->dir : "?";
    switch (rc) {
    case MDB_MAP_FULL: return seer_err(SEER_EMAPFULL, "lmdb %s: %s: map full", dir, what);
    case MDB_VERSION_MISMATCH:
        return seer_err(SEER_EDBVERSION, "lmdb %s: %s: %s", dir, what, mdb_strerror(rc));
    case MDB_INVALID:
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INCOMPATIBLE: return seer_err(SEER_EDBCORRUPT, "lmdb %s: %s: %s", dir, what, mdb_strerror(rc));
    case EACCES:
    case EROFS:
    case EPERM: return seer_err(SEER_EREADONLY, "lmdb %s: %s: %s", dir, what, mdb_strerror(rc));
    case ENOMEM: return seer_err(SEER_ENOMEM, "lmdb %s: %s: out of memory", dir, what);
    default: return seer_err(SEER_EIO, "lmdb %s: %s: %s", dir, what, mdb_strerror(rc));
    }
}

void seer_lmdb_encode_account(uint8_t out[SEER_LMDB_ACCOUNT_LEN], const seer_account *acct)
{
    put_be64(out, acct->nonce);
    u256_to_be32(out + 8, &acct->balance);
    memcpy(out + 40, acct->code_hash.bytes, 32);
}

int seer_lmdb_decode_account(seer_account *out, const uint8_t *val, size_t len)
{
    if (len != SEER_LMDB_ACCOUNT_LEN)
        return seer_err(SEER_EDBCORRUPT, "lmdb: account value of %zu bytes (expected %d)", len,
                        SEER_LMDB_ACCOUNT_LEN);
    memset(out, 0, sizeof *out);
    out->nonce = get_be64(val);
    u256_from_be32(&out->balance, val + 8);
    memcpy(out->code_hash.bytes, val + 40, 32);
    out->exists = true;
    return 0;
}

void seer_lmdb_storage_key(uint8_t out[52], const seer_address *addr, const u256 *slot)
{
    memcpy(out, addr->bytes, 20);
    u256_to_be32(out + 20, slot);
}

static MDB_val mval(const void *p, size_t n)
{
    MDB_val v = {n, (void *)p};
    return v;
}

/* ---- open / close ---- */

static bool dir_is_empty_but_lock(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool empty = true;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, "lock.mdb"))
            continue;
        empty = false;
        break;
    }
    closedir(d);
    return empty;
}

static int open_dbis(seer_lmdb *st, MDB_txn *txn, unsigned flags)
{
    static const char *names[4] = {"meta", "accounts", "storage", "code"};
    MDB_dbi *dbis[4] = {&st->meta, &st->acc, &st->sto, &st->code};
    for (int i = 0; i < 4; i++) {
        int rc = mdb_dbi_open(txn, names[i], flags, dbis[i]);
        if (rc == MDB_NOTFOUND || rc == MDB_INCOMPATIBLE)
            return seer_err(SEER_EDBCORRUPT, "lmdb %s: not a seer store: no '%s' database", st->dir,
                            names[i]);
        if (rc)
            return lmdb_err(st, rc, "opening a database");
    }
    return 0;
}

static int init_fresh(seer_lmdb *st)
{
    MDB_txn *txn = NULL;
    int rc = mdb_txn_begin(st->env, NULL, 0, &txn);
    if (rc)
        return lmdb_err(st, rc, "creating the store");
    int err = open_dbis(st, txn, MDB_CREATE);
    if (err)
        goto fail;
    uint8_t schema[4] = {0, 0, 0, SEER_LMDB_SCHEMA};
    MDB_val k = mval("magic", 5), v = mval(SEER_LMDB_MAGIC, strlen(SEER_LMDB_MAGIC));
    rc = mdb_put(txn, st->meta, &k, &v, 0);
    if (!rc) {
        k = mval("schema", 6);
        v = mval(schema, 4);
        rc = mdb_put(txn, st->meta, &k, &v, 0);
    }
    if (rc) {
        err = lmdb_err(st, rc, "writing the store's metadata");
        goto fail;
    }
    rc = mdb_txn_commit(txn);
    if (rc)
        return lmdb_err(st, rc, "creating the store");
    return 0;
fail:
    mdb_txn_abort(txn);
    return err;
}

static int check_existing(seer_lmdb *st)
{
    MDB_txn *txn = NULL;
    int rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
    if (rc)
        return lmdb_err(st, rc, "reading the store");
    int err = open_dbis(st, txn, 0);
    if (err)
        goto done;
    MDB_val k = mval("magic", 5), v;
    rc = mdb_get(txn, st->meta, &k, &v);
    if (rc || v.mv_size != strlen(SEER_LMDB_MAGIC) || memcmp(v.mv_data, SEER_LMDB_MAGIC, v.mv_size)) {
        err = seer_err(SEER_EDBCORRUPT, "lmdb %s: not a seer store: meta 'magic' %s", st->dir,
                       rc ? "missing" : "wrong");
        goto done;
    }
    k = mval("schema", 6);
    rc = mdb_get(txn, st->meta, &k, &v);
    if (rc || v.mv_size != 4) {
        err = seer_err(SEER_EDBCORRUPT, "lmdb %s: meta 'schema' %s", st->dir, rc ? "missing" : "malformed");
        goto done;
    }
    const uint8_t *s = v.mv_data;
    uint32_t schema = (uint32_t)s[0] << 24 | (uint32_t)s[1] << 16 | (uint32_t)s[2] << 8 | s[3];
    if (schema != SEER_LMDB_SCHEMA)
        err = seer_err(SEER_EDBVERSION, "lmdb %s: schema version %u, this seer reads version %u", st->dir,
                       schema, SEER_LMDB_SCHEMA);
done:
    /* Committing a read transaction keeps the database handles it opened. */
    if (err)
        mdb_txn_abort(txn);
    else if ((rc = mdb_txn_commit(txn)))
        err = lmdb_err(st, rc, "reading the store");
    return err;
}

int seer_lmdb_open(seer_lmdb **out, const char *dir, const seer_lmdb_options *opts)
{
    if (!out || !dir)
        return seer_err(SEER_EINVAL, "lmdb_open: NULL argument");
    *out = NULL;
    seer_lmdb_options o = SEER_LMDB_OPTIONS_INIT;
    if (opts) {
        if (opts->version != 1)
            return seer_err(SEER_EINVAL, "lmdb_open: options version %u", opts->version);
        o = *opts;
    }
    if (!o.map_size)
        o.map_size = DEFAULT_MAP_SIZE;
    if (!o.max_map_size)
        o.max_map_size = DEFAULT_MAX_MAP_SIZE;
    if (o.max_map_size < o.map_size)
        o.max_map_size = o.map_size;

    struct stat sb;
    bool fresh = false;
    if (stat(dir, &sb) != 0) {
        if (errno != ENOENT)
            return seer_err(errno == EACCES ? SEER_EREADONLY : SEER_EIO, "lmdb %s: %s", dir, strerror(errno));
        if (!o.create || o.read_only)
            return seer_err(SEER_ENOTFOUND, "lmdb %s: no such directory", dir);
        if (mkdir(dir, 0755) != 0)
            return seer_err(errno == EACCES || errno == EROFS ? SEER_EREADONLY : SEER_EIO,
                            "lmdb %s: cannot create the directory: %s", dir, strerror(errno));
        fresh = true;
    } else if (!S_ISDIR(sb.st_mode)) {
        return seer_err(SEER_EDBCORRUPT, "lmdb %s: not a directory", dir);
    }
    size_t dl = strlen(dir);
    char *data = malloc(dl + 10);
    if (!data)
        return seer_err(SEER_ENOMEM, "lmdb_open");
    memcpy(data, dir, dl);
    memcpy(data + dl, "/data.mdb", 10);
    int have = stat(data, &sb) == 0;
    free(data);
    if (!fresh) {
        if (!have) {
            if (!dir_is_empty_but_lock(dir))
                return seer_err(SEER_EDBCORRUPT,
                                "lmdb %s: not a seer store (a non-empty directory without data.mdb)", dir);
            if (!o.create || o.read_only)
                return seer_err(SEER_ENOTFOUND, "lmdb %s: no store (data.mdb) there", dir);
            fresh = true;
        } else if (sb.st_size == 0) {
            /* LMDB would initialise an empty file as a new environment. */
            return seer_err(SEER_EDBCORRUPT, "lmdb %s: data.mdb is empty", dir);
        }
    }
    if (!o.read_only && access(dir, W_OK) != 0)
        return seer_err(SEER_EREADONLY, "lmdb %s: directory not writable: %s", dir, strerror(errno));

    seer_lmdb *st = calloc(1, sizeof *st);
    if (!st)
        return seer_err(SEER_ENOMEM, "lmdb_open");
    st->dir = strdup(dir);
    st->read_only = o.read_only;
    st->max_map_size = o.max_map_size;
    pthread_mutex_init(&st->lock, NULL);
    int err = 0, rc;
    if (!st->dir) {
        err = seer_err(SEER_ENOMEM, "lmdb_open");
        goto fail;
    }
    if ((rc = mdb_env_create(&st->env))) {
        st->env = NULL;
        err = lmdb_err(st, rc, "mdb_env_create");
        goto fail;
    }
    mdb_env_set_maxdbs(st->env, 4);
    mdb_env_set_mapsize(st->env, o.map_size);
    unsigned flags = MDB_NOTLS | (o.read_only ? MDB_RDONLY : 0) | (o.no_sync ? MDB_NOSYNC : 0);
    if ((rc = mdb_env_open(st->env, dir, flags, 0644))) {
        err = lmdb_err(st, rc, "opening the environment");
        if (rc == MDB_INVALID)
            err = seer_err(SEER_EDBCORRUPT, "lmdb %s: data.mdb is not an LMDB file (or is damaged)", dir);
        goto fail;
    }
    err = fresh ? init_fresh(st) : check_existing(st);
    if (err)
        goto fail;
    MDB_envinfo info;
    mdb_env_info(st->env, &info);
    st->map_size = info.me_mapsize;
    if (st->max_map_size < st->map_size)
        st->max_map_size = st->map_size;
    *out = st;
    return 0;
fail:
    if (st->env)
        mdb_env_close(st->env);
    pthread_mutex_destroy(&st->lock);
    free(st->dir);
    free(st);
    return err;
}

void seer_lmdb_close(seer_lmdb *store)
{
    if (!store)
        return;
    SEER_VERIFY(store->nsnapshots == 0);
    mdb_env_close(store->env);
    pthread_mutex_destroy(&store->lock);
    free(store->dir);
    free(store);
}

size_t seer_lmdb_map_size(seer_lmdb *store)
{
    return store ? store->map_size : 0;
}

/* ---- commit ---- */

/* Deletes every slot of `addr` (a range delete over the key prefix). */
static int wipe_storage(seer_lmdb *st, MDB_txn *txn, const seer_address *addr)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, st->sto, &cur);
    if (rc)
        return rc;
    uint8_t start[52] = {0};
    memcpy(start, addr->bytes, 20);
    for (;;) {
        MDB_val k = mval(start, 52), v;
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        if (rc == MDB_NOTFOUND) {
            rc = 0;
            break;
        }
        if (rc)
            break;
        if (k.mv_size != 52 || memcmp(k.mv_data, addr->bytes, 20))
            break;
        /* Re-seek after each delete rather than rely on the cursor's
         * position after mdb_cursor_del. */
        if ((rc = mdb_cursor_del(cur, 0)))
            break;
    }
    mdb_cursor_close(cur);
    return rc;
}

static int del_ok(int rc)
{
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* One attempt: returns an LMDB/errno code (0 on success), or a negative
 * seer_error for a bad change set. The transaction is gone on return. */
static int write_block(seer_lmdb *st, const seer_changeset *cs, bool with_block, uint64_t number,
                       const seer_bytes32 *hash, const char **what)
{
    MDB_txn *txn;
    *what = "beginning the write transaction";
    int rc = mdb_txn_begin(st->env, NULL, 0, &txn);
    if (rc)
        return rc;
    *what = "writing the block";
    for (size_t i = 0; i < cs->naccounts && !rc; i++) {
        const seer_account_change *ac = &cs->accounts[i];
        MDB_val k = mval(ac->addr.bytes, 20), v;
        if (!ac->account.exists) {
            rc = del_ok(mdb_del(txn, st->acc, &k, NULL));
            if (!rc)
                rc = wipe_storage(st, txn, &ac->addr);
            continue;
        }
        if (ac->storage_cleared && (rc = wipe_storage(st, txn, &ac->addr)))
            break;
        seer_account a = ac->account;
        static const seer_bytes32 zero;
        if (!memcmp(a.code_hash.bytes, zero.bytes, 32))
            a.code_hash = SEER_EMPTY_CODE_HASH;
        uint8_t enc[SEER_LMDB_ACCOUNT_LEN];
        seer_lmdb_encode_account(enc, &a);
        v = mval(enc, sizeof enc);
        if ((rc = mdb_put(txn, st->acc, &k, &v, 0)))
            break;
        if (ac->code_changed && ac->code_len > 0) {
            uint8_t h[32];
            seer_keccak256(h, ac->code, ac->code_len);
            MDB_val ck = mval(h, 32), cv = mval(ac->code, ac->code_len);
            rc = mdb_put(txn, st->code, &ck, &cv, MDB_NOOVERWRITE);
            if (rc == MDB_KEYEXIST)
                rc = 0;
            if (rc)
                break;
        }
        for (size_t j = 0; j < ac->nslots && !rc; j++) {
            uint8_t sk[52], sv[32];
            seer_lmdb_storage_key(sk, &ac->addr, &ac->slots[j].key);
            MDB_val kk = mval(sk, 52);
            if (u256_is_zero(&ac->slots[j].value)) {
                rc = del_ok(mdb_del(txn, st->sto, &kk, NULL));
            } else {
                u256_to_be32(sv, &ac->slots[j].value);
                MDB_val vv = mval(sv, 32);
                rc = mdb_put(txn, st->sto, &kk, &vv, 0);
            }
        }
    }
    if (!rc && with_block) {
        *what = "writing the block's metadata";
        uint8_t nb[8];
        put_be64(nb, number);
        MDB_val k = mval("block_number", 12), v = mval(nb, 8);
        rc = mdb_put(txn, st->meta, &k, &v, 0);
        if (!rc && hash) {
            k = mval("block_hash", 10);
            v = mval(hash->bytes, 32);
            rc = mdb_put(txn, st->meta, &k, &v, 0);
            uint8_t bk[10] = {'b', 'h'};
            put_be64(bk + 2, number);
            k = mval(bk, 10);
            if (!rc)
                rc = mdb_put(txn, st->meta, &k, &v, 0);
            if (!rc && number >= SEER_LMDB_BLOCK_HASHES) {
                put_be64(bk + 2, number - SEER_LMDB_BLOCK_HASHES);
                rc = del_ok(mdb_del(txn, st->meta, &k, NULL));
            }
        }
    }
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    *what = "committing the block";
    return mdb_txn_commit(txn); /* frees the transaction even on failure */
}

static int commit(seer_lmdb *store, const seer_changeset *cs, bool with_block, uint64_t number,
                  const seer_bytes32 *hash)
{
    if (!store || !cs || (cs->naccounts && !cs->accounts))
        return seer_err(SEER_EINVAL, "lmdb_commit: NULL argument");
    for (size_t i = 0; i < cs->naccounts; i++) {
        const seer_account_change *ac = &cs->accounts[i];
        if ((ac->code_changed && !ac->code && ac->code_len) || (ac->nslots && !ac->slots))
            return seer_err(SEER_EINVAL, "lmdb_commit: account %zu: NULL code or slots", i);
    }
    if (store->read_only)
        return seer_err(SEER_EREADONLY, "lmdb %s: opened read-only: cannot commit (block %llu)", store->dir,
                        (unsigned long long)number);
    pthread_mutex_lock(&store->lock);
    int err = 0;
    for (;;) {
        const char *what = "";
        int rc = write_block(store, cs, with_block, number, hash, &what);
        if (rc == 0)
            break;
        if (rc == MDB_MAP_RESIZED) { /* another process grew the map */
            if (store->nsnapshots) {
                err =
                    seer_err(SEER_EMAPFULL,
                             "lmdb %s: map resized by another process while snapshots are open", store->dir);
                break;
            }
            mdb_env_set_mapsize(store->env, 0);
            MDB_envinfo info;
            mdb_env_info(store->env, &info);
            store->map_size = info.me_mapsize;
            continue;
        }
        if (rc != MDB_MAP_FULL) {
            err = lmdb_err(store, rc, what);
            break;
        }
        if (store->map_size >= store->max_map_size) {
            err = seer_err(
                SEER_EMAPFULL, "lmdb %s: map full at %zu bytes (max_map_size %zu) while %s of block %llu",
                store->dir, store->map_size, store->max_map_size, what, (unsigned long long)number);
            break;
        }
        if (store->nsnapshots) {
            err = seer_err(SEER_EMAPFULL,
                           "lmdb %s: map full at %zu bytes and %u snapshot(s) open: the map can only grow "
                           "while no snapshot is open",
                           store->dir, store->map_size, store->nsnapshots);
            break;
        }
        size_t next = store->map_size * 2;
        if (next > store->max_map_size || next < store->map_size)
            next = store->max_map_size;
        if ((rc = mdb_env_set_mapsize(store->env, next))) {
            err = lmdb_err(store, rc, "growing the map");
            break;
        }
        store->map_size = next;
    }
    pthread_mutex_unlock(&store->lock);
    return err;
}

int seer_lmdb_commit(seer_lmdb *store, const seer_changeset *cs, uint64_t number, const seer_bytes32 *hash)
{
    return commit(store, cs, true, number, hash);
}

int seer_lmdb_commit_state(seer_lmdb *store, const seer_changeset *cs)
{
    return commit(store, cs, false, 0, NULL);
}

/* ---- snapshots ---- */

enum { K_ACCOUNT = 1, K_SLOT, K_CODE, K_HASSTORAGE };

typedef struct cache_key {
    uint8_t kind;
    uint8_t k[52];
    uint8_t pad[3];
} cache_key;
_Static_assert(sizeof(cache_key) == 56, "cache_key must have no padding");

typedef struct cache_entry {
    cache_key key;
    union {
        seer_account acct;
        u256 value;
        bool flag;
        struct {
            uint8_t *p;
            size_t len;
            bool found;
        } code;
    } u;
    UT_hash_handle hh;
} cache_entry;

typedef struct cache_shard {
    pthread_mutex_t lock;
    cache_entry *tab;
} cache_shard;

/* Read transactions of one snapshot: all begun while no commit of this
 * process could run and checked to carry the same transaction id, so they
 * see the same state. Each is used by one thread at a time. */
#define MAX_TXNS 8

typedef struct snap_txn {
    pthread_mutex_t lock;
    MDB_txn *txn;
} snap_txn;

struct seer_lmdb_snapshot {
    seer_lmdb *store;
    unsigned ntxn;
    atomic_uint next;
    snap_txn txns[MAX_TXNS];
    atomic_uint_fast64_t hits, misses;
    cache_shard shards[NSHARDS];
};

static unsigned shard_of(const cache_key *k)
{
    /* Addresses and code hashes are already uniformly spread: mix a word
     * of them with the slot's low word (slots of one contract are often
     * small consecutive numbers). */
    uint64_t a, b;
    memcpy(&a, k->k + 4, 8);
    memcpy(&b, k->k + 44, 8);
    uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ULL) ^ k->kind) * 0xbf58476d1ce4e5b9ULL;
    return (unsigned)(h >> 58) % NSHARDS;
}

static cache_entry *cache_find(seer_lmdb_snapshot *s, const cache_key *k)
{
    cache_shard *sh = &s->shards[shard_of(k)];
    cache_entry *e;
    pthread_mutex_lock(&sh->lock);
    HASH_FIND(hh, sh->tab, k, sizeof *k, e);
    pthread_mutex_unlock(&sh->lock);
    if (e)
        atomic_fetch_add_explicit(&s->hits, 1, memory_order_relaxed);
    return e;
}

static void entry_free(cache_entry *e)
{
    if (e->key.kind == K_CODE)
        free(e->u.code.p);
    free(e);
}

/* Inserts a fresh entry; if another thread inserted the key meanwhile, the
 * new one is freed and the existing one returned (code pointers handed out
 * must stay unique and stable). NULL on out of memory. */
static cache_entry *cache_insert(seer_lmdb_snapshot *s, cache_entry *e)
{
    cache_shard *sh = &s->shards[shard_of(&e->key)];
    cache_entry *old;
    bool oom = false;
    pthread_mutex_lock(&sh->lock);
    HASH_FIND(hh, sh->tab, &e->key, sizeof e->key, old);
    if (!old)
        SEER_HASH_ADD(hh, sh->tab, &e->key, sizeof e->key, e, &oom);
    pthread_mutex_unlock(&sh->lock);
    if (old) {
        entry_free(e);
        return old;
    }
    if (oom) {
        entry_free(e);
        return NULL;
    }
    return e;
}

static cache_entry *entry_new(const cache_key *k)
{
    cache_entry *e = calloc(1, sizeof *e);
    if (e)
        e->key = *k;
    return e;
}

/* Takes a free transaction of the snapshot, or waits for one. */
static snap_txn *txn_acquire(seer_lmdb_snapshot *s)
{
    unsigned start = atomic_fetch_add_explicit(&s->next, 1, memory_order_relaxed);
    for (unsigned i = 0; i < s->ntxn; i++) {
        snap_txn *t = &s->txns[(start + i) % s->ntxn];
        if (pthread_mutex_trylock(&t->lock) == 0)
            return t;
    }
    snap_txn *t = &s->txns[start % s->ntxn];
    pthread_mutex_lock(&t->lock);
    return t;
}

/* Reads one key in one of the snapshot's transactions; fills `e`. */
static int snap_load(seer_lmdb_snapshot *s, cache_entry *e)
{
    seer_lmdb *st = s->store;
    int rc = 0, err = 0;
    atomic_fetch_add_explicit(&s->misses, 1, memory_order_relaxed);
    snap_txn *t = txn_acquire(s);
    MDB_txn *txn = t->txn;
    MDB_val k, v;
    switch (e->key.kind) {
    case K_ACCOUNT:
        k = mval(e->key.k, 20);
        rc = mdb_get(txn, st->acc, &k, &v);
        if (rc == 0)
            err = seer_lmdb_decode_account(&e->u.acct, v.mv_data, v.mv_size);
        else if (rc == MDB_NOTFOUND)
            rc = 0;
        break;
    case K_SLOT:
        k = mval(e->key.k, 52);
        rc = mdb_get(txn, st->sto, &k, &v);
        if (rc == 0) {
            if (v.mv_size != 32)
                err = seer_err(SEER_EDBCORRUPT, "lmdb %s: storage value of %zu bytes", st->dir, v.mv_size);
            else
                u256_from_be32(&e->u.value, v.mv_data);
        } else if (rc == MDB_NOTFOUND) {
            rc = 0;
        }
        break;
    case K_CODE:
        k = mval(e->key.k, 32);
        rc = mdb_get(txn, st->code, &k, &v);
        if (rc == 0) {
            /* Copied: the bytes must outlive any later map resize. */
            e->u.code.p = malloc(v.mv_size ? v.mv_size : 1);
            if (!e->u.code.p)
                err = seer_err(SEER_ENOMEM, "lmdb snapshot: code of %zu bytes", v.mv_size);
            else
                memcpy(e->u.code.p, v.mv_data, v.mv_size);
            e->u.code.len = v.mv_size;
            e->u.code.found = true;
        } else if (rc == MDB_NOTFOUND) {
            rc = 0;
        }
        break;
    case K_HASSTORAGE: {
        MDB_cursor *cur;
        uint8_t start[52] = {0};
        memcpy(start, e->key.k, 20);
        rc = mdb_cursor_open(txn, st->sto, &cur);
        if (rc)
            break;
        k = mval(start, 52);
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        e->u.flag = rc == 0 && k.mv_size == 52 && !memcmp(k.mv_data, e->key.k, 20);
        if (rc == MDB_NOTFOUND)
            rc = 0;
        mdb_cursor_close(cur);
        break;
    }
    default: err = seer_err(SEER_EINTERNAL, "lmdb snapshot: bad cache key kind");
    }
    pthread_mutex_unlock(&t->lock);
    if (rc)
        return lmdb_err(st, rc, "reading a snapshot");
    return err;
}

static int snap_lookup(seer_lmdb_snapshot *s, const cache_key *k, cache_entry **out)
{
    cache_entry *e = cache_find(s, k);
    if (e) {
        *out = e;
        return 0;
    }
    e = entry_new(k);
    if (!e)
        return seer_err(SEER_ENOMEM, "lmdb snapshot: cache entry");
    int err = snap_load(s, e);
    if (err) {
        entry_free(e);
        return err;
    }
    *out = cache_insert(s, e);
    return *out ? 0 : seer_err(SEER_ENOMEM, "lmdb snapshot: cache insert");
}

static int snap_get_account(void *ctx, const seer_address *addr, seer_account *out)
{
    cache_key k;
    memset(&k, 0, sizeof k);
    k.kind = K_ACCOUNT;
    memcpy(k.k, addr->bytes, 20);
    cache_entry *e;
    int err = snap_lookup(ctx, &k, &e);
    if (err)
        return err;
    *out = e->u.acct;
    return 0;
}

static int snap_get_storage(void *ctx, const seer_address *addr, const u256 *key, u256 *out)
{
    cache_key k;
    memset(&k, 0, sizeof k);
    k.kind = K_SLOT;
    seer_lmdb_storage_key(k.k, addr, key);
    cache_entry *e;
    int err = snap_lookup(ctx, &k, &e);
    if (err)
        return err;
    *out = e->u.value;
    return 0;
}

static int snap_has_storage(void *ctx, const seer_address *addr, bool *out)
{
    cache_key k;
    memset(&k, 0, sizeof k);
    k.kind = K_HASSTORAGE;
    memcpy(k.k, addr->bytes, 20);
    cache_entry *e;
    int err = snap_lookup(ctx, &k, &e);
    if (err)
        return err;
    *out = e->u.flag;
    return 0;
}

static int snap_get_code(void *ctx, const seer_bytes32 *hash, const uint8_t **code, size_t *len)
{
    static const seer_bytes32 zero;
    if (!memcmp(hash->bytes, SEER_EMPTY_CODE_HASH.bytes, 32) || !memcmp(hash->bytes, zero.bytes, 32)) {
        *code = NULL;
        *len = 0;
        return 0;
    }
    cache_key k;
    memset(&k, 0, sizeof k);
    k.kind = K_CODE;
    memcpy(k.k, hash->bytes, 32);
    cache_entry *e;
    int err = snap_lookup(ctx, &k, &e);
    if (err)
        return err;
    if (!e->u.code.found)
        return seer_err(SEER_ENOTFOUND, "lmdb snapshot: no code for hash 0x%02x%02x%02x%02x...",
                        hash->bytes[0], hash->bytes[1], hash->bytes[2], hash->bytes[3]);
    *code = e->u.code.p;
    *len = e->u.code.len;
    return 0;
}

static int snap_get_block_hash(void *ctx, uint64_t number, seer_bytes32 *out)
{
    seer_lmdb_snapshot *s = ctx;
    uint8_t bk[10] = {'b', 'h'};
    put_be64(bk + 2, number);
    MDB_val k = mval(bk, 10), v;
    memset(out, 0, sizeof *out);
    snap_txn *t = txn_acquire(s);
    int rc = mdb_get(t->txn, s->store->meta, &k, &v);
    if (rc == 0 && v.mv_size == 32)
        memcpy(out->bytes, v.mv_data, 32);
    pthread_mutex_unlock(&t->lock);
    if (rc && rc != MDB_NOTFOUND)
        return lmdb_err(s->store, rc, "reading a block hash");
    return 0;
}

static const seer_state_reader_vt snap_vt = {snap_get_account, snap_get_storage, snap_has_storage,
                                             snap_get_code, snap_get_block_hash};

int seer_lmdb_snapshot_begin(seer_lmdb *store, seer_lmdb_snapshot **out)
{
    if (!store || !out)
        return seer_err(SEER_EINVAL, "lmdb_snapshot_begin: NULL argument");
    seer_lmdb_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return seer_err(SEER_ENOMEM, "lmdb_snapshot_begin");
    s->store = store;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned want = ncpu < 1 ? 1 : ncpu > MAX_TXNS ? MAX_TXNS : (unsigned)ncpu;
    /* store->lock keeps this process's commits out while the transactions
     * begin; a commit by another process could still slip in between, so
     * only transactions with the first one's id are kept. */
    pthread_mutex_lock(&store->lock);
    int rc = mdb_txn_begin(store->env, NULL, MDB_RDONLY, &s->txns[0].txn);
    if (rc == MDB_MAP_RESIZED && store->nsnapshots == 0) {
        mdb_env_set_mapsize(store->env, 0);
        rc = mdb_txn_begin(store->env, NULL, MDB_RDONLY, &s->txns[0].txn);
    }
    if (rc == 0) {
        s->ntxn = 1;
        size_t id = mdb_txn_id(s->txns[0].txn);
        for (unsigned i = 1; i < want; i++) {
            MDB_txn *txn;
            if (mdb_txn_begin(store->env, NULL, MDB_RDONLY, &txn))
                break; /* e.g. the reader table is full: fewer is fine */
            if (mdb_txn_id(txn) != id) {
                mdb_txn_abort(txn);
                break;
            }
            s->txns[s->ntxn++].txn = txn;
        }
        store->nsnapshots++;
    }
    pthread_mutex_unlock(&store->lock);
    if (rc) {
        free(s);
        return lmdb_err(store, rc, "beginning a snapshot");
    }
    for (unsigned i = 0; i < s->ntxn; i++)
        pthread_mutex_init(&s->txns[i].lock, NULL);
    for (int i = 0; i < NSHARDS; i++)
        pthread_mutex_init(&s->shards[i].lock, NULL);
    *out = s;
    return 0;
}

void seer_lmdb_snapshot_end(seer_lmdb_snapshot *s)
{
    if (!s)
        return;
    for (int i = 0; i < NSHARDS; i++) {
        cache_entry *e, *tmp;
        HASH_ITER(hh, s->shards[i].tab, e, tmp)
        {
            HASH_DEL(s->shards[i].tab, e);
            entry_free(e);
        }
        pthread_mutex_destroy(&s->shards[i].lock);
    }
    pthread_mutex_lock(&s->store->lock);
    for (unsigned i = 0; i < s->ntxn; i++) {
        mdb_txn_abort(s->txns[i].txn);
        pthread_mutex_destroy(&s->txns[i].lock);
    }
    s->store->nsnapshots--;
    pthread_mutex_unlock(&s->store->lock);
    free(s);
}

seer_state_reader seer_lmdb_snapshot_reader(seer_lmdb_snapshot *snap)
{
    seer_state_reader r = {&snap_vt, snap};
    return r;
}

void seer_lmdb_snapshot_cache_stat(seer_lmdb_snapshot *snap, seer_lmdb_cache_stat *out)
{
    out->hits = atomic_load(&snap->hits);
    out->misses = atomic_load(&snap->misses);
    out->txns = snap->ntxn;
}

/* ---- stat and root ---- */

int seer_lmdb_stat_get(seer_lmdb *store, seer_lmdb_stat *out)
{
    if (!store || !out)
        return seer_err(SEER_EINVAL, "lmdb_stat: NULL argument");
    memset(out, 0, sizeof *out);
    MDB_txn *txn;
    /* Held until the transaction ends: a commit must not resize the map
     * under an open read transaction. */
    pthread_mutex_lock(&store->lock);
    int rc = mdb_txn_begin(store->env, NULL, MDB_RDONLY, &txn);
    if (rc) {
        pthread_mutex_unlock(&store->lock);
        return lmdb_err(store, rc, "stat");
    }
    MDB_stat ms;
    if (!(rc = mdb_stat(txn, store->acc, &ms)))
        out->accounts = ms.ms_entries;
    if (!rc && !(rc = mdb_stat(txn, store->sto, &ms)))
        out->slots = ms.ms_entries;
    if (!rc && !(rc = mdb_stat(txn, store->code, &ms)))
        out->codes = ms.ms_entries;
    if (!rc) {
        MDB_envinfo info;
        MDB_stat es;
        mdb_env_info(store->env, &info);
        mdb_env_stat(store->env, &es);
        out->bytes = (uint64_t)(info.me_last_pgno + 1) * es.ms_psize;
        out->map_size = info.me_mapsize;
        out->schema = SEER_LMDB_SCHEMA;
        MDB_val k = mval("block_number", 12), v;
        if (mdb_get(txn, store->meta, &k, &v) == 0 && v.mv_size == 8) {
            out->block_number = get_be64(v.mv_data);
            out->has_block = true;
        }
        k = mval("block_hash", 10);
        if (mdb_get(txn, store->meta, &k, &v) == 0 && v.mv_size == 32)
            memcpy(out->block_hash.bytes, v.mv_data, 32);
    }
    mdb_txn_abort(txn);
    pthread_mutex_unlock(&store->lock);
    return rc ? lmdb_err(store, rc, "stat") : 0;
}

/* The secure-trie value of a storage slot: rlp(minimal big-endian bytes). */
static size_t slot_rlp(uint8_t out[33], const uint8_t be32[32])
{
    size_t z = 0;
    while (z < 32 && be32[z] == 0)
        z++;
    size_t n = 32 - z;
    if (n == 1 && be32[31] < 0x80) {
        out[0] = be32[31];
        return 1;
    }
    out[0] = (uint8_t)(0x80 + n);
    memcpy(out + 1, be32 + z, n);
    return n + 1;
}

typedef struct root_work {
    seer_mpt_kv *kvs;
    uint8_t *keys; /* 32 per entry */
    uint8_t *vals; /* 33 per entry */
    size_t cap;
} root_work;

static int work_reserve(root_work *w, size_t n)
{
    if (n <= w->cap)
        return 0;
    size_t cap = w->cap ? w->cap : 64;
    while (cap < n)
        cap *= 2;
    seer_mpt_kv *kvs = realloc(w->kvs, cap * sizeof *kvs);
    if (kvs)
        w->kvs = kvs;
    uint8_t *keys = realloc(w->keys, cap * 32);
    if (keys)
        w->keys = keys;
    uint8_t *vals = realloc(w->vals, cap * 33);
    if (vals)
        w->vals = vals;
    if (!kvs || !keys || !vals)
        return seer_err(SEER_ENOMEM, "lmdb root: %zu entries", n);
    w->cap = cap;
    return 0;
}

int seer_lmdb_state_root(seer_lmdb *store, seer_bytes32 *out)
{
    if (!store || !out)
        return seer_err(SEER_EINVAL, "lmdb_state_root: NULL argument");
    MDB_txn *txn = NULL;
    MDB_cursor *ac = NULL, *sc = NULL;
    root_work sw = {0};
    seer_buf accts = SEER_BUF_INIT, akeys = SEER_BUF_INIT;
    seer_buf offs = SEER_BUF_INIT;
    seer_mpt_kv *kvs = NULL;
    int err = 0;
    /* Held until the transaction ends (see seer_lmdb_stat_get). */
    pthread_mutex_lock(&store->lock);
    int rc = mdb_txn_begin(store->env, NULL, MDB_RDONLY, &txn);
    if (rc) {
        pthread_mutex_unlock(&store->lock);
        return lmdb_err(store, rc, "state root");
    }
    if ((rc = mdb_cursor_open(txn, store->acc, &ac)) || (rc = mdb_cursor_open(txn, store->sto, &sc)))
        goto cleanup;
    MDB_val sk, sv;
    int src = mdb_cursor_get(sc, &sk, &sv, MDB_FIRST);
    size_t n = 0;
    MDB_val k, v;
    for (rc = mdb_cursor_get(ac, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(ac, &k, &v, MDB_NEXT)) {
        seer_account a;
        if (k.mv_size != 20) {
            err = seer_err(SEER_EDBCORRUPT, "lmdb %s: account key of %zu bytes", store->dir, k.mv_size);
            goto cleanup;
        }
        if ((err = seer_lmdb_decode_account(&a, v.mv_data, v.mv_size)))
            goto cleanup;
        /* Storage is sorted by address like the accounts: walk it in step,
         * skipping slots of addresses without an account (never written). */
        while (src == 0 && memcmp(sk.mv_data, k.mv_data, 20) < 0)
            src = mdb_cursor_get(sc, &sk, &sv, MDB_NEXT);
        size_t ns = 0;
        while (src == 0 && !memcmp(sk.mv_data, k.mv_data, 20)) {
            if (sk.mv_size != 52 || sv.mv_size != 32) {
                err = seer_err(SEER_EDBCORRUPT, "lmdb %s: malformed storage entry", store->dir);
                goto cleanup;
            }
            if ((err = work_reserve(&sw, ns + 1)))
                goto cleanup;
            seer_keccak256(sw.keys + 32 * ns, (const uint8_t *)sk.mv_data + 20, 32);
            /* the length goes into kvs now, the pointers once the buffers
             * stop moving */
            sw.kvs[ns].val_len = slot_rlp(sw.vals + 33 * ns, sv.mv_data);
            ns++;
            src = mdb_cursor_get(sc, &sk, &sv, MDB_NEXT);
        }
        if (src && src != MDB_NOTFOUND) {
            rc = src;
            goto cleanup;
        }
        for (size_t i = 0; i < ns; i++) {
            sw.kvs[i].key = sw.keys + 32 * i;
            sw.kvs[i].key_len = 32;
            sw.kvs[i].val = sw.vals + 33 * i;
        }
        seer_bytes32 sroot = SEER_EMPTY_TRIE_ROOT;
        if (ns && (err = seer_mpt_root(&sroot, sw.kvs, ns))) /* keys already keccak'd */
            goto cleanup;
        size_t off = accts.len;
        seer_buf_append(&offs, &off, sizeof off);
        size_t mark = seer_rlp_list_begin(&accts);
        seer_rlp_put_u64(&accts, a.nonce);
        seer_rlp_put_u256(&accts, &a.balance);
        seer_rlp_put_bytes(&accts, sroot.bytes, 32);
        seer_rlp_put_bytes(&accts, a.code_hash.bytes, 32);
        seer_rlp_list_end(&accts, mark);
        uint8_t h[32];
        seer_keccak256(h, k.mv_data, 20);
        seer_buf_append(&akeys, h, 32);
        n++;
    }
    if (rc != MDB_NOTFOUND)
        goto cleanup;
    rc = 0;
    size_t end = accts.len;
    seer_buf_append(&offs, &end, sizeof end);
    if (accts.oom || akeys.oom || offs.oom) {
        err = seer_err(SEER_ENOMEM, "lmdb root: encoding %zu accounts", n);
        goto cleanup;
    }
    if (n == 0) {
        *out = SEER_EMPTY_TRIE_ROOT;
        goto cleanup;
    }
    kvs = malloc(n * sizeof *kvs);
    if (!kvs) {
        err = seer_err(SEER_ENOMEM, "lmdb root: %zu accounts", n);
        goto cleanup;
    }
    const size_t *o = (const size_t *)(void *)offs.p;
    for (size_t i = 0; i < n; i++)
        kvs[i] = (seer_mpt_kv){akeys.p + 32 * i, 32, accts.p + o[i], o[i + 1] - o[i]};
    err = seer_mpt_root(out, kvs, n);
cleanup:
    if (ac)
        mdb_cursor_close(ac);
    if (sc)
        mdb_cursor_close(sc);
    mdb_txn_abort(txn);
    pthread_mutex_unlock(&store->lock);
    free(kvs);
    free(sw.kvs);
    free(sw.keys);
    free(sw.vals);
    seer_buf_free(&accts);
    seer_buf_free(&akeys);
    seer_buf_free(&offs);
    if (!err && rc)
        err = lmdb_err(store, rc, "state root");
    return err;
}

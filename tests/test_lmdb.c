/* The LMDB state store, the block overlay and the public seer_state API:
 * encodings, commits against the in-memory store as reference, roots,
 * snapshots under concurrent commits, crash safety under SIGKILL, map
 * full, read-only, foreign and damaged directories, and the JSON import
 * of a mainnet pre-state. Every test works in its own mkdtemp directory. */
#define _GNU_SOURCE
#include "common/keccak.h"
#include "common/util.h"
#include "conformance/json.h"
#include "seer/state.h"
#include "state/lmdb.h"
#include "state/memstore.h"
#include "state/overlay.h"
#include "test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <lmdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* ---- helpers ---- */

static char *tmpdir_new(void)
{
    char tmpl[] = "/tmp/seer_test_lmdb_XXXXXX";
    char *d = mkdtemp(tmpl);
    ck_assert_msg(d != NULL, "mkdtemp: %s", strerror(errno));
    return strdup(d);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

static void tmpdir_free(char *d)
{
    chmod(d, 0700);
    nftw(d, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(d);
}

static char *path_join(const char *dir, const char *name)
{
    char *p;
    ck_assert(asprintf(&p, "%s/%s", dir, name) > 0);
    return p;
}

/* Reads a whole file (NULL when absent). */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
    ck_assert(p);
    ck_assert(fread(p, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert(f);
    ck_assert(fwrite(data, 1, len, f) == len);
    fclose(f);
}

static seer_lmdb_options opts_default(void)
{
    seer_lmdb_options o = SEER_LMDB_OPTIONS_INIT;
    o.map_size = 8 << 20;
    return o;
}

/* ---- random states and change sets ---- */

#define POOL_ADDRS 24
#define POOL_SLOTS 12

typedef struct gen_cs {
    seer_changeset cs;
    uint8_t codes[POOL_ADDRS][40];
} gen_cs;

static seer_address pool_addr(unsigned i)
{
    seer_address a;
    memset(&a, 0, sizeof a);
    a.bytes[0] = (uint8_t)(0x10 + i * 7);
    a.bytes[19] = (uint8_t)i;
    return a;
}

static u256 pool_slot(unsigned j)
{
    /* some small keys, some large ones, so keys differ in every byte */
    u256 k = u256_from_u64(j);
    if (j % 3 == 2)
        k.w[3] = 0xdeadbeef00000000ULL | j;
    return k;
}

/* A change set over the address pool: sorted, unique addresses and slots.
 * `pdel` in 1/16ths is the chance of deleting an account. */
static void gen_changeset(gen_cs *g, test_rng *r, unsigned pdel)
{
    memset(g, 0, sizeof *g);
    g->cs.accounts = calloc(POOL_ADDRS, sizeof *g->cs.accounts);
    ck_assert(g->cs.accounts);
    size_t n = 0;
    for (unsigned i = 0; i < POOL_ADDRS; i++) {
        if (test_rng_next(r) % 3)
            continue;
        seer_account_change *c = &g->cs.accounts[n++];
        c->addr = pool_addr(i);
        if ((test_rng_next(r) % 16) < pdel) {
            c->account.exists = false;
            continue;
        }
        c->account.exists = true;
        c->account.nonce = test_rng_next(r) % 1000;
        c->account.balance = u256_from_u64(test_rng_next(r));
        c->account.balance.w[2] = test_rng_next(r) % 4;
        c->account.code_hash = SEER_EMPTY_CODE_HASH;
        c->storage_cleared = test_rng_next(r) % 8 == 0;
        if (test_rng_next(r) % 4 == 0) {
            size_t len = 1 + test_rng_next(r) % 40;
            for (size_t b = 0; b < len; b++)
                g->codes[i][b] = (uint8_t)test_rng_next(r);
            c->code_changed = true;
            c->code = g->codes[i];
            c->code_len = len;
            seer_keccak256(c->account.code_hash.bytes, c->code, len);
        }
        c->slots = calloc(POOL_SLOTS, sizeof *c->slots);
        ck_assert(c->slots);
        for (unsigned j = 0; j < POOL_SLOTS; j++) {
            if (test_rng_next(r) % 2)
                continue;
            seer_slot_change *s = &c->slots[c->nslots++];
            s->key = pool_slot(j);
            s->value =
                test_rng_next(r) % 4 == 0 ? u256_from_u64(0) : u256_from_u64(test_rng_next(r) % 100000);
        }
        /* pool_slot is not monotonic in j: sort */
        for (size_t a = 1; a < c->nslots; a++)
            for (size_t b = a; b > 0 && u256_cmp(&c->slots[b - 1].key, &c->slots[b].key) > 0; b--) {
                seer_slot_change t = c->slots[b];
                c->slots[b] = c->slots[b - 1];
                c->slots[b - 1] = t;
            }
    }
    g->cs.naccounts = n;
}

static void gen_free(gen_cs *g)
{
    for (size_t i = 0; i < g->cs.naccounts; i++)
        free(g->cs.accounts[i].slots);
    free(g->cs.accounts);
}

/* Every pool key read through two readers must agree. */
static void assert_readers_equal(seer_state_reader a, seer_state_reader b, const char *what)
{
    for (unsigned i = 0; i < POOL_ADDRS; i++) {
        seer_address ad = pool_addr(i);
        seer_account x, y;
        ck_assert_int_eq(a.vt->get_account(a.ctx, &ad, &x), 0);
        ck_assert_int_eq(b.vt->get_account(b.ctx, &ad, &y), 0);
        ck_assert_msg(x.exists == y.exists, "%s: account %u exists %d vs %d", what, i, x.exists, y.exists);
        if (x.exists) {
            ck_assert_msg(x.nonce == y.nonce && u256_eq(&x.balance, &y.balance) &&
                              !memcmp(x.code_hash.bytes, y.code_hash.bytes, 32),
                          "%s: account %u differs", what, i);
            const uint8_t *c1, *c2;
            size_t l1, l2;
            ck_assert_int_eq(a.vt->get_code(a.ctx, &x.code_hash, &c1, &l1), 0);
            ck_assert_int_eq(b.vt->get_code(b.ctx, &y.code_hash, &c2, &l2), 0);
            ck_assert_msg(l1 == l2 && (l1 == 0 || !memcmp(c1, c2, l1)), "%s: code of %u", what, i);
        }
        bool h1, h2;
        ck_assert_int_eq(a.vt->has_storage(a.ctx, &ad, &h1), 0);
        ck_assert_int_eq(b.vt->has_storage(b.ctx, &ad, &h2), 0);
        ck_assert_msg(h1 == h2, "%s: has_storage of %u: %d vs %d", what, i, h1, h2);
        for (unsigned j = 0; j < POOL_SLOTS; j++) {
            u256 k = pool_slot(j), v1, v2;
            ck_assert_int_eq(a.vt->get_storage(a.ctx, &ad, &k, &v1), 0);
            ck_assert_int_eq(b.vt->get_storage(b.ctx, &ad, &k, &v2), 0);
            ck_assert_msg(u256_eq(&v1, &v2), "%s: slot %u of account %u", what, j, i);
        }
    }
}

static void assert_root_eq(seer_lmdb *db, seer_memstore *ms, const char *what)
{
    seer_bytes32 r1, r2;
    ck_assert_int_eq(seer_lmdb_state_root(db, &r1), 0);
    ck_assert_int_eq(seer_memstore_state_root(ms, &r2), 0);
    ck_assert_msg(!memcmp(r1.bytes, r2.bytes, 32), "%s: LMDB root differs from the memstore root", what);
}

/* ---- open / create / reopen ---- */

START_TEST(test_open_create_reopen)
{
    char *dir = tmpdir_new();
    char *sub = path_join(dir, "store");
    seer_lmdb *db = NULL;
    seer_lmdb_options o = opts_default();
    o.create = false;
    ck_assert_int_eq(seer_lmdb_open(&db, sub, &o), SEER_ENOTFOUND);
    o.create = true;
    o.read_only = true;
    ck_assert_int_eq(seer_lmdb_open(&db, sub, &o), SEER_ENOTFOUND);
    o.read_only = false;
    ck_assert_int_eq(seer_lmdb_open(&db, sub, &o), 0);
    seer_lmdb_stat st;
    ck_assert_int_eq(seer_lmdb_stat_get(db, &st), 0);
    ck_assert_uint_eq(st.accounts, 0);
    ck_assert_uint_eq(st.schema, SEER_LMDB_SCHEMA);
    ck_assert(!st.has_block);
    seer_bytes32 root;
    ck_assert_int_eq(seer_lmdb_state_root(db, &root), 0);
    ck_assert(!memcmp(root.bytes, SEER_EMPTY_TRIE_ROOT.bytes, 32));
    seer_bytes32 h;
    memset(h.bytes, 0xab, 32);
    seer_changeset empty = {NULL, 0};
    ck_assert_int_eq(seer_lmdb_commit(db, &empty, 7, &h), 0);
    seer_lmdb_close(db);
    o.create = false;
    ck_assert_int_eq(seer_lmdb_open(&db, sub, &o), 0);
    ck_assert_int_eq(seer_lmdb_stat_get(db, &st), 0);
    ck_assert(st.has_block);
    ck_assert_uint_eq(st.block_number, 7);
    ck_assert(!memcmp(st.block_hash.bytes, h.bytes, 32));
    seer_lmdb_snapshot *snap;
    ck_assert_int_eq(seer_lmdb_snapshot_begin(db, &snap), 0);
    seer_state_reader r = seer_lmdb_snapshot_reader(snap);
    seer_bytes32 got;
    ck_assert_int_eq(r.vt->get_block_hash(r.ctx, 7, &got), 0);
    ck_assert(!memcmp(got.bytes, h.bytes, 32));
    ck_assert_int_eq(r.vt->get_block_hash(r.ctx, 6, &got), 0);
    seer_bytes32 zero = {{0}};
    ck_assert(!memcmp(got.bytes, zero.bytes, 32));
    seer_lmdb_snapshot_end(snap);
    seer_lmdb_close(db);
    /* a file where a directory is expected */
    char *file = path_join(dir, "plain");
    write_file(file, "x", 1);
    ck_assert_int_eq(seer_lmdb_open(&db, file, NULL), SEER_EDBCORRUPT);
    /* the public API, with the same store */
    seer_state *ps;
    seer_state_options po = SEER_STATE_OPTIONS_INIT;
    po.version = 99;
    ck_assert_int_eq(seer_state_open(&ps, sub, &po), SEER_EINVAL);
    po.version = SEER_STATE_OPTIONS_VERSION;
    ck_assert_int_eq(seer_state_open(&ps, sub, &po), 0);
    seer_state_stat pst;
    ck_assert_int_eq(seer_state_stat_get(ps, &pst), 0);
    ck_assert_uint_eq(pst.block_number, 7);
    ck_assert_int_eq(seer_state_root(ps, &got), 0);
    ck_assert(!memcmp(got.bytes, SEER_EMPTY_TRIE_ROOT.bytes, 32));
    seer_state_close(ps);
    /* the default location */
    const char *saved = getenv("SEER_DB");
    char *keep = saved ? strdup(saved) : NULL;
    setenv("SEER_DB", sub, 1);
    ck_assert_str_eq(seer_state_default_dir(), sub);
    setenv("SEER_DB", "", 1);
    ck_assert_str_eq(seer_state_default_dir(), "./seer-data");
    if (keep)
        setenv("SEER_DB", keep, 1);
    else
        unsetenv("SEER_DB");
    free(keep);
    free(file);
    free(sub);
    tmpdir_free(dir);
}
END_TEST

/* ---- encodings ---- */

START_TEST(test_encodings)
{
    test_rng r;
    test_rng_init(&r, test_seed("test_lmdb") ^ 1);
    for (int i = 0; i < 1000; i++) {
        seer_account a;
        memset(&a, 0, sizeof a);
        a.exists = true;
        a.nonce = test_rng_next(&r);
        for (int w = 0; w < 4; w++)
            a.balance.w[w] = test_rng_next(&r);
        for (int b = 0; b < 32; b++)
            a.code_hash.bytes[b] = (uint8_t)test_rng_next(&r);
        uint8_t enc[SEER_LMDB_ACCOUNT_LEN];
        seer_lmdb_encode_account(enc, &a);
        /* the documented layout: nonce BE, balance BE, code hash */
        for (int b = 0; b < 8; b++)
            ck_assert_uint_eq(enc[b], (uint8_t)(a.nonce >> (56 - 8 * b)));
        uint8_t be[32];
        u256_to_be32(be, &a.balance);
        ck_assert(!memcmp(enc + 8, be, 32));
        ck_assert(!memcmp(enc + 40, a.code_hash.bytes, 32));
        seer_account d;
        ck_assert_int_eq(seer_lmdb_decode_account(&d, enc, sizeof enc), 0);
        ck_assert(d.exists && d.nonce == a.nonce && u256_eq(&d.balance, &a.balance) &&
                  !memcmp(d.code_hash.bytes, a.code_hash.bytes, 32));
    }
    uint8_t enc[SEER_LMDB_ACCOUNT_LEN + 1] = {0};
    seer_account d;
    ck_assert_int_eq(seer_lmdb_decode_account(&d, enc, SEER_LMDB_ACCOUNT_LEN + 1), SEER_EDBCORRUPT);
    ck_assert_int_eq(seer_lmdb_decode_account(&d, enc, SEER_LMDB_ACCOUNT_LEN - 1), SEER_EDBCORRUPT);
    seer_address ad = pool_addr(3);
    u256 slot = u256_from_u64(0x0102);
    uint8_t sk[52];
    seer_lmdb_storage_key(sk, &ad, &slot);
    ck_assert(!memcmp(sk, ad.bytes, 20));
    ck_assert_uint_eq(sk[50], 1);
    ck_assert_uint_eq(sk[51], 2);
    for (int b = 20; b < 50; b++)
        ck_assert_uint_eq(sk[b], 0);
}
END_TEST

/* ---- commit and read back, against the memstore ---- */

START_TEST(test_commit_vs_memstore)
{
    char *dir = tmpdir_new();
    seer_lmdb *db;
    seer_lmdb_options o = opts_default();
    o.no_sync = true;
    ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
    seer_memstore *ms;
    ck_assert_int_eq(seer_memstore_new(&ms), 0);
    test_rng r;
    test_rng_init(&r, test_seed("test_lmdb") ^ 2);
    unsigned deleted = 0, cleared = 0;
    for (uint64_t blk = 1; blk <= 60; blk++) {
        gen_cs g;
        gen_changeset(&g, &r, blk % 5 == 0 ? 6 : 1);
        for (size_t i = 0; i < g.cs.naccounts; i++) {
            deleted += !g.cs.accounts[i].account.exists;
            cleared += g.cs.accounts[i].storage_cleared;
        }
        seer_bytes32 h;
        memset(h.bytes, (int)blk, 32);
        ck_assert_int_eq(seer_lmdb_commit(db, &g.cs, blk, &h), 0);
        ck_assert_int_eq(seer_memstore_apply(ms, &g.cs), 0);
        gen_free(&g);
        seer_lmdb_snapshot *snap;
        ck_assert_int_eq(seer_lmdb_snapshot_begin(db, &snap), 0);
        char what[64];
        snprintf(what, sizeof what, "block %llu", (unsigned long long)blk);
        assert_readers_equal(seer_lmdb_snapshot_reader(snap), seer_memstore_reader(ms), what);
        /* second pass: all from the cache now */
        seer_lmdb_cache_stat cst;
        seer_lmdb_snapshot_cache_stat(snap, &cst);
        uint64_t misses = cst.misses;
        assert_readers_equal(seer_lmdb_snapshot_reader(snap), seer_memstore_reader(ms), what);
        seer_lmdb_snapshot_cache_stat(snap, &cst);
        ck_assert_uint_eq(cst.misses, misses);
        seer_lmdb_snapshot_end(snap);
        if (blk % 10 == 0)
            assert_root_eq(db, ms, what);
    }
    ck_assert_msg(deleted > 10 && cleared > 10, "the generator must delete and clear (%u, %u)", deleted,
                  cleared);
    seer_lmdb_stat st;
    ck_assert_int_eq(seer_lmdb_stat_get(db, &st), 0);
    ck_assert_uint_eq(st.accounts, seer_memstore_account_count(ms));
    ck_assert_uint_eq(st.block_number, 60);
    /* an unknown code hash is SEER_ENOTFOUND */
    seer_lmdb_snapshot *snap;
    ck_assert_int_eq(seer_lmdb_snapshot_begin(db, &snap), 0);
    seer_state_reader rd = seer_lmdb_snapshot_reader(snap);
    seer_bytes32 bogus;
    memset(bogus.bytes, 0x5a, 32);
    const uint8_t *c;
    size_t cl;
    ck_assert_int_eq(rd.vt->get_code(rd.ctx, &bogus, &c, &cl), SEER_ENOTFOUND);
    seer_lmdb_snapshot_end(snap);
    printf("test_lmdb: commit vs memstore: 60 blocks, %u deletions, %u storage wipes, all keys equal\n",
           deleted, cleared);
    seer_memstore_free(ms);
    seer_lmdb_close(db);
    tmpdir_free(dir);
}
END_TEST

/* storage_cleared and deletion hide old slots; re-creation starts empty */
START_TEST(test_clear_and_delete)
{
    char *dir = tmpdir_new();
    seer_lmdb *db;
    ck_assert_int_eq(seer_lmdb_open(&db, dir, NULL), 0);
    seer_address a = pool_addr(1), b = pool_addr(2);
    seer_slot_change s3[3] = {{u256_from_u64(1), u256_from_u64(11)},
                              {u256_from_u64(2), u256_from_u64(22)},
                              {u256_from_u64(3), u256_from_u64(33)}};
    seer_account_change ch[2];
    memset(ch, 0, sizeof ch);
    ch[0].addr = a;
    ch[0].account.exists = true;
    ch[0].account.code_hash = SEER_EMPTY_CODE_HASH;
    ch[0].slots = s3;
    ch[0].nslots = 3;
    ch[1] = ch[0];
    ch[1].addr = b;
    seer_changeset cs = {ch, 2};
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 1, NULL), 0);
    seer_lmdb_stat st;
    ck_assert_int_eq(seer_lmdb_stat_get(db, &st), 0);
    ck_assert_uint_eq(st.slots, 6);
    /* a: wiped, then one slot written; b: deleted */
    seer_slot_change s1 = {u256_from_u64(2), u256_from_u64(5)};
    ch[0].storage_cleared = true;
    ch[0].slots = &s1;
    ch[0].nslots = 1;
    ch[1].account.exists = false;
    ch[1].slots = NULL;
    ch[1].nslots = 0;
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 2, NULL), 0);
    ck_assert_int_eq(seer_lmdb_stat_get(db, &st), 0);
    ck_assert_uint_eq(st.accounts, 1);
    ck_assert_uint_eq(st.slots, 1);
    seer_lmdb_snapshot *snap;
    ck_assert_int_eq(seer_lmdb_snapshot_begin(db, &snap), 0);
    seer_state_reader r = seer_lmdb_snapshot_reader(snap);
    u256 v, k1 = u256_from_u64(1), k2 = u256_from_u64(2);
    ck_assert_int_eq(r.vt->get_storage(r.ctx, &a, &k1, &v), 0);
    ck_assert(u256_is_zero(&v));
    ck_assert_int_eq(r.vt->get_storage(r.ctx, &a, &k2, &v), 0);
    ck_assert_uint_eq(v.w[0], 5);
    bool has;
    ck_assert_int_eq(r.vt->has_storage(r.ctx, &b, &has), 0);
    ck_assert(!has);
    ck_assert_int_eq(r.vt->has_storage(r.ctx, &a, &has), 0);
    ck_assert(has);
    seer_account acct;
    ck_assert_int_eq(r.vt->get_account(r.ctx, &b, &acct), 0);
    ck_assert(!acct.exists);
    seer_lmdb_snapshot_end(snap);
    /* zero writes delete */
    s1.value = u256_from_u64(0);
    ch[0].storage_cleared = false;
    cs.naccounts = 1;
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 3, NULL), 0);
    ck_assert_int_eq(seer_lmdb_stat_get(db, &st), 0);
    ck_assert_uint_eq(st.slots, 0);
    /* bad change sets */
    ch[0].code_changed = true;
    ch[0].code = NULL;
    ch[0].code_len = 3;
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 4, NULL), SEER_EINVAL);
    ck_assert_int_eq(seer_lmdb_commit(db, NULL, 4, NULL), SEER_EINVAL);
    seer_lmdb_close(db);
    tmpdir_free(dir);
}
END_TEST

/* ---- overlay ---- */

/* Transactions applied one by one to an overlay read the same as applied
 * to a memstore; the merged change set committed to LMDB (or applied to
 * the base memstore) gives the same state and root. */
START_TEST(test_overlay_vs_memstore)
{
    char *dir = tmpdir_new();
    test_rng r;
    test_rng_init(&r, test_seed("test_lmdb") ^ 3);
    seer_lmdb *db;
    seer_lmdb_options o = opts_default();
    o.no_sync = true;
    ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
    seer_memstore *ref, *base;
    ck_assert_int_eq(seer_memstore_new(&ref), 0);
    /* a base state */
    gen_cs g;
    gen_changeset(&g, &r, 0);
    ck_assert_int_eq(seer_memstore_apply(ref, &g.cs), 0);
    ck_assert_int_eq(seer_lmdb_commit(db, &g.cs, 0, NULL), 0);
    gen_free(&g);
    unsigned checks = 0;
    for (uint64_t blk = 1; blk <= 25; blk++) {
        ck_assert_int_eq(seer_memstore_clone(&base, ref), 0);
        seer_lmdb_snapshot *snap;
        ck_assert_int_eq(seer_lmdb_snapshot_begin(db, &snap), 0);
        seer_overlay *ov, *ov2;
        ck_assert_int_eq(seer_overlay_new(&ov, seer_lmdb_snapshot_reader(snap)), 0);
        ck_assert_int_eq(seer_overlay_new(&ov2, seer_memstore_reader(base)), 0);
        for (int tx = 0; tx < 6; tx++) {
            gen_changeset(&g, &r, 2);
            ck_assert_int_eq(seer_overlay_apply(ov, &g.cs), 0);
            ck_assert_int_eq(seer_overlay_apply(ov2, &g.cs), 0);
            ck_assert_int_eq(seer_memstore_apply(ref, &g.cs), 0);
            gen_free(&g);
            assert_readers_equal(seer_overlay_reader(ov), seer_memstore_reader(ref), "overlay over lmdb");
            assert_readers_equal(seer_overlay_reader(ov2), seer_memstore_reader(ref),
                                 "overlay over memstore");
            checks++;
        }
        seer_changeset m;
        ck_assert_int_eq(seer_overlay_changeset(ov, &m), 0);
        for (size_t i = 1; i < m.naccounts; i++)
            ck_assert(memcmp(m.accounts[i - 1].addr.bytes, m.accounts[i].addr.bytes, 20) < 0);
        for (size_t i = 0; i < m.naccounts; i++)
            for (size_t j = 1; j < m.accounts[i].nslots; j++)
                ck_assert(u256_cmp(&m.accounts[i].slots[j - 1].key, &m.accounts[i].slots[j].key) < 0);
        seer_lmdb_snapshot_end(snap); /* the overlay's base is gone: commit only */
        ck_assert_int_eq(seer_lmdb_commit(db, &m, blk, NULL), 0);
        seer_overlay_free(ov);
        ck_assert_int_eq(seer_overlay_changeset(ov2, &m), 0);
        ck_assert_int_eq(seer_memstore_apply(base, &m), 0);
        seer_overlay_free(ov2);
        seer_bytes32 r1, r2;
        ck_assert_int_eq(seer_memstore_state_root(base, &r1), 0);
        ck_assert_int_eq(seer_memstore_state_root(ref, &r2), 0);
        ck_assert_msg(!memcmp(r1.bytes, r2.bytes, 32), "block %llu: merged change set differs",
                      (unsigned long long)blk);
        assert_root_eq(db, ref, "overlay commit");
        seer_memstore_free(base);
    }
    printf("test_lmdb: overlay: 25 blocks, %u transactions compared key by key\n", checks);
    seer_memstore_free(ref);
    seer_lmdb_close(db);
    tmpdir_free(dir);
}
END_TEST

START_TEST(test_overlay_reset_and_args)
{
    seer_memstore *ms;
    ck_assert_int_eq(seer_memstore_new(&ms), 0);
    seer_overlay *ov;
    seer_state_reader none = {NULL, NULL};
    ck_assert_int_eq(seer_overlay_new(&ov, none), SEER_EINVAL);
    ck_assert_int_eq(seer_overlay_new(&ov, seer_memstore_reader(ms)), 0);
    ck_assert_int_eq(seer_overlay_apply(ov, NULL), SEER_EINVAL);
    seer_account_change ch;
    memset(&ch, 0, sizeof ch);
    ch.addr = pool_addr(0);
    ch.account.exists = true;
    seer_changeset cs = {&ch, 1};
    ck_assert_int_eq(seer_overlay_apply(ov, &cs), 0);
    ck_assert_uint_eq(seer_overlay_account_count(ov), 1);
    seer_state_reader rd = seer_overlay_reader(ov);
    seer_account a;
    ck_assert_int_eq(rd.vt->get_account(rd.ctx, &ch.addr, &a), 0);
    ck_assert(a.exists);
    /* a zero code hash reads as the empty code hash */
    ck_assert(!memcmp(a.code_hash.bytes, SEER_EMPTY_CODE_HASH.bytes, 32));
    seer_overlay_reset(ov);
    ck_assert_uint_eq(seer_overlay_account_count(ov), 0);
    ck_assert_int_eq(rd.vt->get_account(rd.ctx, &ch.addr, &a), 0);
    ck_assert(!a.exists);
    seer_overlay_free(ov);
    seer_memstore_free(ms);
}
END_TEST

/* ---- roots ---- */

START_TEST(test_root_random_states)
{
    test_rng r;
    test_rng_init(&r, test_seed("test_lmdb") ^ 4);
    for (int round = 0; round < 5; round++) {
        char *dir = tmpdir_new();
        seer_lmdb *db;
        seer_lmdb_options o = opts_default();
        o.no_sync = true;
        ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
        seer_memstore *ms;
        ck_assert_int_eq(seer_memstore_new(&ms), 0);
        /* many accounts with many slots: random addresses and keys */
        size_t n = 200 + test_rng_next(&r) % 300;
        seer_account_change *ch = calloc(n, sizeof *ch);
        ck_assert(ch);
        for (size_t i = 0; i < n; i++) {
            for (int b = 0; b < 20; b++)
                ch[i].addr.bytes[b] = (uint8_t)test_rng_next(&r);
            ch[i].addr.bytes[0] = (uint8_t)(i * 256 / n); /* sorted, distinct */
            ch[i].addr.bytes[1] = (uint8_t)i;
            ch[i].account.exists = true;
            ch[i].account.nonce = test_rng_next(&r) % 3;
            ch[i].account.balance = u256_from_u64(test_rng_next(&r) % 5 ? test_rng_next(&r) : 0);
            ch[i].account.code_hash = SEER_EMPTY_CODE_HASH;
            size_t ns = test_rng_next(&r) % 4 ? 0 : 1 + test_rng_next(&r) % 40;
            ch[i].slots = calloc(ns ? ns : 1, sizeof *ch[i].slots);
            for (size_t j = 0; j < ns; j++) {
                ch[i].slots[j].key = u256_from_u64(j * 977 + 1);
                ch[i].slots[j].key.w[3] = j;
                ch[i].slots[j].value = u256_from_u64(1 + test_rng_next(&r) % (j % 2 ? 0x7f : ~0ULL));
            }
            ch[i].nslots = ns;
        }
        seer_changeset cs = {ch, n};
        ck_assert_int_eq(seer_lmdb_commit(db, &cs, 1, NULL), 0);
        ck_assert_int_eq(seer_memstore_apply(ms, &cs), 0);
        assert_root_eq(db, ms, "random state");
        for (size_t i = 0; i < n; i++)
            free(ch[i].slots);
        free(ch);
        seer_memstore_free(ms);
        seer_lmdb_close(db);
        tmpdir_free(dir);
    }
}
END_TEST

/* A mainnet pre-state through the public import: counts and root equal a
 * memstore loaded from the same files; a bad file writes nothing. */
START_TEST(test_import_mainnet)
{
    static const char *blocks[] = {"15538827", "46147"};
    static char pre[8400], codes[8400];
    snprintf(codes, sizeof codes, "%s", test_fixture_path("mainnet/bytecodes.json"));
    json_object *cj;
    int rc = seer_json_parse_file(&cj, codes);
    ck_assert_msg(rc == 0, "%s: %s", codes, seer_error_detail());
    char *dir = tmpdir_new();
    seer_state *st;
    ck_assert_int_eq(seer_state_open(&st, dir, NULL), 0);
    seer_memstore *ms;
    ck_assert_int_eq(seer_memstore_new(&ms), 0);
    unsigned passed = 0;
    for (size_t b = 0; b < SEER_ARRAY_LEN(blocks); b++) {
        snprintf(pre, sizeof pre, "%s", test_fixture_path("mainnet/blocks"));
        strncat(pre, "/", sizeof pre - strlen(pre) - 1);
        strncat(pre, blocks[b], sizeof pre - strlen(pre) - 1);
        strncat(pre, "/pre_state.json", sizeof pre - strlen(pre) - 1);
        seer_state_import_stats is;
        rc = seer_state_import_json(st, &is, pre, codes);
        ck_assert_msg(rc == 0, "%s: %s", pre, seer_error_detail());
        json_object *pj;
        ck_assert_int_eq(seer_json_parse_file(&pj, pre), 0);
        ck_assert_int_eq(seer_json_load_mainnet_pre(ms, pj, pre, cj, codes), 0);
        json_object_put(pj);
        seer_state_stat ss;
        ck_assert_int_eq(seer_state_stat_get(st, &ss), 0);
        ck_assert_uint_eq(ss.accounts, seer_memstore_account_count(ms));
        ck_assert(!ss.has_block); /* an import is not a block */
        seer_bytes32 r1, r2;
        ck_assert_int_eq(seer_state_root(st, &r1), 0);
        ck_assert_int_eq(seer_memstore_state_root(ms, &r2), 0);
        ck_assert_msg(!memcmp(r1.bytes, r2.bytes, 32), "block %s: imported root differs", blocks[b]);
        printf("test_lmdb: import mainnet %s: %llu accounts, %llu slots, %llu codes, root equal\n", blocks[b],
               (unsigned long long)is.accounts, (unsigned long long)is.slots, (unsigned long long)is.codes);
        passed++;
    }
    ck_assert_uint_eq(passed, SEER_ARRAY_LEN(blocks));
    /* bad input: nothing written, the error names the file */
    seer_bytes32 before, after;
    ck_assert_int_eq(seer_state_root(st, &before), 0);
    char *bad = path_join(dir, "bad.json");
    write_file(bad, "{\"0x00000000000000000000000000000000000000aa\": {\"balance\": \"0xzz\", \"nonce\": 0}}",
               78);
    rc = seer_state_import_json(st, NULL, bad, NULL);
    ck_assert_int_eq(rc, SEER_EPARSE);
    ck_assert_msg(strstr(seer_error_detail(), "bad.json") != NULL, "detail: %s", seer_error_detail());
    ck_assert_int_eq(seer_state_import_json(st, NULL, "/nonexistent/pre.json", NULL), SEER_EIO);
    ck_assert_int_eq(seer_state_root(st, &after), 0);
    ck_assert(!memcmp(before.bytes, after.bytes, 32));
    free(bad);
    json_object_put(cj);
    seer_memstore_free(ms);
    seer_state_close(st);
    tmpdir_free(dir);
}
END_TEST

/* ---- crash safety ---- */

#define CRASH_BLOCKS 400

/* Block n's change set, a function of n only: a few accounts and slots,
 * sometimes a wipe or a deletion, so a torn block would show in the root. */
static void crash_block(gen_cs *g, uint64_t n)
{
    test_rng r;
    test_rng_init(&r, 0x5eedULL * (n + 1));
    gen_changeset(g, &r, 1);
}

static void crash_child(const char *dir, int ready_fd)
{
    seer_lmdb *db;
    seer_lmdb_options o = opts_default();
    if (seer_lmdb_open(&db, dir, &o))
        _exit(3);
    /* Tell the parent the store is open, so its random delay lands among
     * the commits rather than in process start-up. */
    if (write(ready_fd, "r", 1) != 1)
        _exit(6);
    close(ready_fd);
    seer_lmdb_stat st;
    if (seer_lmdb_stat_get(db, &st))
        _exit(4);
    for (uint64_t n = st.block_number + 1; n < CRASH_BLOCKS; n++) {
        gen_cs g;
        crash_block(&g, n);
        if (seer_lmdb_commit(db, &g.cs, n, NULL))
            _exit(5);
        gen_free(&g);
    }
    seer_lmdb_close(db);
    _exit(0);
}

START_TEST(test_crash_safety)
{
    /* expected root after each block */
    seer_bytes32 *roots = malloc(CRASH_BLOCKS * sizeof *roots);
    ck_assert(roots);
    seer_memstore *ms;
    ck_assert_int_eq(seer_memstore_new(&ms), 0);
    ck_assert_int_eq(seer_memstore_state_root(ms, &roots[0]), 0);
    for (uint64_t n = 1; n < CRASH_BLOCKS; n++) {
        gen_cs g;
        crash_block(&g, n);
        ck_assert_int_eq(seer_memstore_apply(ms, &g.cs), 0);
        gen_free(&g);
        ck_assert_int_eq(seer_memstore_state_root(ms, &roots[n]), 0);
    }
    seer_memstore_free(ms);
    char *dir = tmpdir_new();
    seer_lmdb *db;
    seer_lmdb_options o = opts_default();
    ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
    seer_changeset empty = {NULL, 0};
    ck_assert_int_eq(seer_lmdb_commit(db, &empty, 0, NULL), 0);
    seer_lmdb_close(db);
    test_rng r;
    test_rng_init(&r, test_seed("test_lmdb") ^ 5);
    unsigned rounds = 0, killed = 0, restarts = 0;
    uint64_t last = 0;
    for (; rounds < 100; rounds++) {
        int fds[2];
        ck_assert_int_eq(pipe(fds), 0);
        pid_t pid = fork();
        ck_assert(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            crash_child(dir, fds[1]);
        }
        close(fds[1]);
        char c;
        ck_assert_int_eq(read(fds[0], &c, 1), 1);
        close(fds[0]);
        /* commits take ~15 ms each here (two fsyncs) */
        usleep((useconds_t)(test_rng_next(&r) % 60000));
        kill(pid, SIGKILL);
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        if (WIFSIGNALED(status))
            killed++;
        else
            ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed with %d", status);
        ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
        seer_lmdb_stat st;
        ck_assert_int_eq(seer_lmdb_stat_get(db, &st), 0);
        ck_assert(st.has_block && st.block_number < CRASH_BLOCKS);
        ck_assert(st.block_number >= last);
        seer_bytes32 root;
        ck_assert_int_eq(seer_lmdb_state_root(db, &root), 0);
        ck_assert_msg(!memcmp(root.bytes, roots[st.block_number].bytes, 32),
                      "round %u: root after a kill is not the root of block %llu", rounds,
                      (unsigned long long)st.block_number);
        last = st.block_number;
        seer_lmdb_close(db);
        if (last == CRASH_BLOCKS - 1) { /* all blocks done: start over */
            tmpdir_free(dir);
            dir = tmpdir_new();
            ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
            ck_assert_int_eq(seer_lmdb_commit(db, &empty, 0, NULL), 0);
            seer_lmdb_close(db);
            last = 0;
            restarts++;
        }
    }
    printf("test_lmdb: crash safety: %u rounds, %u killed mid-run, %u full runs, at block %llu, every root a "
           "block boundary\n",
           rounds, killed, restarts, (unsigned long long)last);
    ck_assert_msg(restarts > 0 || last > 20, "the children committed too little (%llu blocks)",
                  (unsigned long long)last);
    ck_assert_uint_eq(rounds, 100);
    ck_assert_msg(killed >= 50, "only %u of 100 children were killed while committing", killed);
    free(roots);
    tmpdir_free(dir);
}
END_TEST

/* ---- snapshots under concurrent commits ---- */

typedef struct reader_arg {
    seer_state_reader rd;
    seer_memstore *expect;
    atomic_int *stop;
    unsigned passes;
} reader_arg;

static atomic_uint committed;

static void *reader_main(void *p)
{
    reader_arg *a = p;
    /* Start only once blocks have been committed over the snapshot, so
     * the cache's first (LMDB) reads all happen after those commits and
     * while more are being written. */
    while (atomic_load(&committed) < 5)
        usleep(100);
    while (!atomic_load(a->stop) || a->passes < 3) {
        assert_readers_equal(a->rd, seer_memstore_reader(a->expect), "snapshot during commits");
        a->passes++;
    }
    return NULL;
}

typedef struct writer_arg {
    seer_lmdb *db;
    int err;
    unsigned blocks;
} writer_arg;

static void *writer_main(void *p)
{
    writer_arg *w = p;
    test_rng r;
    test_rng_init(&r, 77);
    for (uint64_t n = 2; n < 40 && !w->err; n++) {
        gen_cs g;
        gen_changeset(&g, &r, 2);
        w->err = seer_lmdb_commit(w->db, &g.cs, n, NULL);
        gen_free(&g);
        w->blocks++;
        atomic_fetch_add(&committed, 1);
    }
    return NULL;
}

START_TEST(test_snapshot_consistent_during_commit)
{
    char *dir = tmpdir_new();
    seer_lmdb *db;
    seer_lmdb_options o = opts_default();
    o.map_size = 64 << 20; /* no growth while the snapshot is open */
    ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
    test_rng r;
    test_rng_init(&r, test_seed("test_lmdb") ^ 6);
    seer_memstore *ms;
    ck_assert_int_eq(seer_memstore_new(&ms), 0);
    gen_cs g;
    gen_changeset(&g, &r, 0);
    ck_assert_int_eq(seer_lmdb_commit(db, &g.cs, 1, NULL), 0);
    ck_assert_int_eq(seer_memstore_apply(ms, &g.cs), 0);
    gen_free(&g);
    seer_lmdb_snapshot *snap;
    ck_assert_int_eq(seer_lmdb_snapshot_begin(db, &snap), 0);
    atomic_int stop = 0;
    reader_arg ra[3];
    pthread_t rt[3], wt;
    for (int i = 0; i < 3; i++) {
        ra[i] = (reader_arg){seer_lmdb_snapshot_reader(snap), ms, &stop, 0};
        ck_assert_int_eq(pthread_create(&rt[i], NULL, reader_main, &ra[i]), 0);
    }
    writer_arg wa = {db, 0, 0};
    ck_assert_int_eq(pthread_create(&wt, NULL, writer_main, &wa), 0);
    pthread_join(wt, NULL);
    atomic_store(&stop, 1);
    for (int i = 0; i < 3; i++)
        pthread_join(rt[i], NULL);
    ck_assert_int_eq(wa.err, 0);
    seer_lmdb_cache_stat cst;
    seer_lmdb_snapshot_cache_stat(snap, &cst);
    ck_assert_uint_gt(cst.misses, POOL_ADDRS);
    ck_assert_uint_ge(cst.txns, 1);
    seer_lmdb_snapshot_end(snap);
    seer_lmdb_stat st;
    ck_assert_int_eq(seer_lmdb_stat_get(db, &st), 0);
    ck_assert_uint_eq(st.block_number, 39);
    printf("test_lmdb: snapshot: 3 reader threads, %u+%u+%u passes over block 1 (%llu LMDB reads through %u "
           "read transactions) while %u blocks committed\n",
           ra[0].passes, ra[1].passes, ra[2].passes, (unsigned long long)cst.misses, cst.txns, wa.blocks);
    seer_memstore_free(ms);
    seer_lmdb_close(db);
    tmpdir_free(dir);
}
END_TEST

/* ---- map full ---- */

static void big_changeset(seer_changeset *cs, seer_account_change *ch, size_t nslots, uint8_t tag)
{
    memset(ch, 0, sizeof *ch);
    ch->addr = pool_addr(tag);
    ch->account.exists = true;
    ch->account.code_hash = SEER_EMPTY_CODE_HASH;
    ch->slots = calloc(nslots, sizeof *ch->slots);
    ck_assert(ch->slots);
    for (size_t j = 0; j < nslots; j++) {
        ch->slots[j].key = u256_from_u64(j);
        ch->slots[j].value = u256_from_u64(j + 1);
    }
    ch->nslots = nslots;
    cs->accounts = ch;
    cs->naccounts = 1;
}

START_TEST(test_map_full)
{
    char *dir = tmpdir_new();
    char *data = path_join(dir, "data.mdb");
    seer_lmdb *db;
    seer_lmdb_options o = opts_default();
    o.map_size = 1 << 20;
    o.max_map_size = 4 << 20;
    ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
    seer_changeset cs;
    seer_account_change ch;
    big_changeset(&cs, &ch, 2000, 1);
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 1, NULL), 0);
    free(ch.slots);
    seer_bytes32 r1, r2;
    ck_assert_int_eq(seer_lmdb_state_root(db, &r1), 0);
    /* grows: 1 MiB -> 2 MiB */
    big_changeset(&cs, &ch, 12000, 2);
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 2, NULL), 0);
    free(ch.slots);
    ck_assert_uint_gt(seer_lmdb_map_size(db), 1 << 20);
    ck_assert_int_eq(seer_lmdb_state_root(db, &r1), 0);
    /* past the maximum */
    big_changeset(&cs, &ch, 60000, 3);
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 3, NULL), SEER_EMAPFULL);
    ck_assert_msg(strstr(seer_error_detail(), "map full") != NULL, "%s", seer_error_detail());
    ck_assert_int_eq(seer_lmdb_state_root(db, &r2), 0);
    ck_assert(!memcmp(r1.bytes, r2.bytes, 32));
    seer_lmdb_stat st;
    ck_assert_int_eq(seer_lmdb_stat_get(db, &st), 0);
    ck_assert_uint_eq(st.block_number, 2);
    /* still usable */
    seer_account_change small = ch;
    small.nslots = 1;
    seer_changeset scs = {&small, 1};
    ck_assert_int_eq(seer_lmdb_commit(db, &scs, 3, NULL), 0);
    ck_assert_int_eq(seer_lmdb_state_root(db, &r1), 0);
    seer_lmdb_close(db);
    ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
    ck_assert_int_eq(seer_lmdb_state_root(db, &r2), 0);
    ck_assert(!memcmp(r1.bytes, r2.bytes, 32));
    ck_assert_int_eq(seer_lmdb_stat_get(db, &st), 0);
    ck_assert_uint_eq(st.block_number, 3);
    /* growth refused while a snapshot is open, allowed after */
    seer_lmdb_close(db);
    o.max_map_size = 64 << 20;
    ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
    seer_lmdb_snapshot *snap;
    ck_assert_int_eq(seer_lmdb_snapshot_begin(db, &snap), 0);
    size_t before = seer_lmdb_map_size(db);
    int rc = seer_lmdb_commit(db, &cs, 4, NULL);
    if (rc == SEER_EMAPFULL)
        ck_assert_msg(strstr(seer_error_detail(), "snapshot") != NULL, "%s", seer_error_detail());
    else
        ck_assert_msg(rc == 0 && seer_lmdb_map_size(db) == before, "commit with a snapshot open: %d", rc);
    seer_lmdb_snapshot_end(snap);
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 4, NULL), 0);
    free(ch.slots);
    seer_lmdb_close(db);
    free(data);
    tmpdir_free(dir);
}
END_TEST

/* A full disk, simulated with RLIMIT_FSIZE in a child (EFBIG from write,
 * as ENOSPC would be): SEER_EIO, and the store keeps its old state. */
START_TEST(test_disk_full)
{
    char *dir = tmpdir_new();
    seer_lmdb *db;
    seer_lmdb_options o = opts_default();
    o.map_size = 64 << 20;
    ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
    seer_changeset cs;
    seer_account_change ch;
    big_changeset(&cs, &ch, 100, 1);
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 1, NULL), 0);
    free(ch.slots);
    seer_bytes32 r1, r2;
    ck_assert_int_eq(seer_lmdb_state_root(db, &r1), 0);
    seer_lmdb_close(db);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {256 << 10, 256 << 10};
        setrlimit(RLIMIT_FSIZE, &rl);
        if (seer_lmdb_open(&db, dir, &o))
            _exit(10);
        big_changeset(&cs, &ch, 50000, 2);
        int rc = seer_lmdb_commit(db, &cs, 2, NULL);
        seer_lmdb_close(db);
        _exit(rc == SEER_EIO ? 0 : 20 + (-rc));
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
    ck_assert_int_eq(seer_lmdb_state_root(db, &r2), 0);
    ck_assert(!memcmp(r1.bytes, r2.bytes, 32));
    seer_lmdb_stat st;
    ck_assert_int_eq(seer_lmdb_stat_get(db, &st), 0);
    ck_assert_uint_eq(st.block_number, 1);
    seer_lmdb_close(db);
    tmpdir_free(dir);
}
END_TEST

/* ---- read-only ---- */

START_TEST(test_read_only)
{
    char *dir = tmpdir_new();
    char *data = path_join(dir, "data.mdb");
    seer_lmdb *db;
    ck_assert_int_eq(seer_lmdb_open(&db, dir, NULL), 0);
    seer_changeset cs;
    seer_account_change ch;
    big_changeset(&cs, &ch, 10, 1);
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 1, NULL), 0);
    seer_lmdb_close(db);
    size_t l1, l2;
    uint8_t *b1 = slurp(data, &l1);
    /* the read-only flag */
    seer_lmdb_options o = opts_default();
    o.read_only = true;
    ck_assert_int_eq(seer_lmdb_open(&db, dir, &o), 0);
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 2, NULL), SEER_EREADONLY);
    seer_bytes32 root;
    ck_assert_int_eq(seer_lmdb_state_root(db, &root), 0);
    seer_lmdb_close(db);
    seer_state *ps;
    seer_state_options po = SEER_STATE_OPTIONS_INIT;
    po.read_only = true;
    ck_assert_int_eq(seer_state_open(&ps, dir, &po), 0);
    ck_assert_int_eq(
        seer_state_import_json(ps, NULL, test_fixture_path("mainnet/blocks/46147/pre_state.json"), NULL),
        SEER_EREADONLY);
    seer_state_close(ps);
    /* a directory without write permission: only meaningful when not root,
     * since root writes regardless of mode bits */
    bool as_root = geteuid() == 0;
    if (!as_root) {
        ck_assert_int_eq(chmod(dir, 0555), 0);
        ck_assert_int_eq(seer_lmdb_open(&db, dir, NULL), SEER_EREADONLY);
        ck_assert_int_eq(chmod(dir, 0755), 0);
    } else {
        /* Root ignores mode bits: open as an unprivileged user instead, in
         * a child, so the directory (root's, 0755) is really not writable. */
        ck_assert_int_eq(chmod(dir, 0755), 0);
        pid_t pid = fork();
        ck_assert(pid >= 0);
        if (pid == 0) {
            if (setgid(65534) || setuid(65534))
                _exit(9);
            int rc = seer_lmdb_open(&db, dir, NULL);
            _exit(rc == SEER_EREADONLY ? 0 : 20 - rc);
        }
        int status;
        ck_assert_int_eq(waitpid(pid, &status, 0), pid);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) != 9, "could not drop privileges");
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "open of a non-writable directory as uid 65534: exit %d", WEXITSTATUS(status));
    }
    uint8_t *b3 = slurp(data, &l2);
    ck_assert(l1 == l2 && !memcmp(b1, b3, l1));
    ck_assert_int_eq(seer_lmdb_open(&db, dir, NULL), 0);
    ck_assert_int_eq(seer_lmdb_commit(db, &cs, 2, NULL), 0);
    seer_lmdb_close(db);
    printf("test_lmdb: read-only: the read_only flag, and a directory the process cannot write (%s)\n",
           as_root ? "as uid 65534 in a child, since root ignores mode bits" : "chmod 0555");
    free(ch.slots);
    free(b1);
    free(b3);
    free(data);
    tmpdir_free(dir);
}
END_TEST

/* ---- foreign, damaged, other schema ---- */

static void assert_refused_unchanged(const char *dir, int expect, const char *what)
{
    char *data = path_join(dir, "data.mdb");
    size_t l1 = 0, l2 = 0;
    uint8_t *b1 = slurp(data, &l1);
    seer_lmdb *db = NULL;
    int rc = seer_lmdb_open(&db, dir, NULL);
    ck_assert_msg(rc == expect, "%s: open gave %d (%s), expected %d", what, rc, seer_error_detail(), expect);
    ck_assert(db == NULL);
    ck_assert_msg(strstr(seer_error_detail(), dir) != NULL, "%s: detail does not name the directory: %s",
                  what, seer_error_detail());
    uint8_t *b2 = slurp(data, &l2);
    ck_assert_msg((b1 == NULL) == (b2 == NULL), "%s: data.mdb appeared or vanished", what);
    if (b1)
        ck_assert_msg(l1 == l2 && !memcmp(b1, b2, l1), "%s: data.mdb was modified", what);
    free(b1);
    free(b2);
    free(data);
}

/* Writes raw key/values into an environment, outside seer. */
static void raw_put(const char *dir, const char *dbname, const char *key, const void *val, size_t len)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    ck_assert_int_eq(mdb_env_create(&env), 0);
    mdb_env_set_maxdbs(env, 8);
    ck_assert_int_eq(mdb_env_open(env, dir, 0, 0644), 0);
    ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
    ck_assert_int_eq(mdb_dbi_open(txn, dbname, MDB_CREATE, &dbi), 0);
    MDB_val k = {strlen(key), (void *)key}, v = {len, (void *)val};
    ck_assert_int_eq(mdb_put(txn, dbi, &k, &v, 0), 0);
    ck_assert_int_eq(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
}

START_TEST(test_foreign_and_damaged)
{
    unsigned cases = 0;
    /* another program's LMDB environment */
    char *d = tmpdir_new();
    raw_put(d, NULL, "hello", "world", 5);
    assert_refused_unchanged(d, SEER_EDBCORRUPT, "foreign lmdb");
    tmpdir_free(d);
    cases++;
    /* an LMDB environment with a 'meta' database but no magic */
    d = tmpdir_new();
    raw_put(d, "meta", "schema", "\0\0\0\1", 4);
    raw_put(d, "accounts", "x", "y", 1);
    raw_put(d, "storage", "x", "y", 1);
    raw_put(d, "code", "x", "y", 1);
    assert_refused_unchanged(d, SEER_EDBCORRUPT, "no magic");
    tmpdir_free(d);
    cases++;
    /* garbage data.mdb */
    d = tmpdir_new();
    char *data = path_join(d, "data.mdb");
    uint8_t junk[16384];
    test_rng r;
    test_rng_init(&r, test_seed("test_lmdb") ^ 7);
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (uint8_t)test_rng_next(&r);
    write_file(data, junk, sizeof junk);
    assert_refused_unchanged(d, SEER_EDBCORRUPT, "garbage data.mdb");
    /* a short one and an empty one */
    write_file(data, junk, 100);
    assert_refused_unchanged(d, SEER_EDBCORRUPT, "short data.mdb");
    write_file(data, junk, 0);
    assert_refused_unchanged(d, SEER_EDBCORRUPT, "empty data.mdb");
    free(data);
    tmpdir_free(d);
    cases += 3;
    /* a directory with other files in it */
    d = tmpdir_new();
    char *other = path_join(d, "notes.txt");
    write_file(other, "mine", 4);
    assert_refused_unchanged(d, SEER_EDBCORRUPT, "non-empty directory");
    size_t ol;
    uint8_t *ob = slurp(other, &ol);
    ck_assert(ol == 4 && !memcmp(ob, "mine", 4));
    free(ob);
    free(other);
    tmpdir_free(d);
    cases++;
    /* a seer store of another schema version */
    d = tmpdir_new();
    seer_lmdb *db;
    ck_assert_int_eq(seer_lmdb_open(&db, d, NULL), 0);
    seer_lmdb_close(db);
    raw_put(d, "meta", "schema", "\0\0\0\2", 4);
    assert_refused_unchanged(d, SEER_EDBVERSION, "schema 2");
    seer_state *ps;
    ck_assert_int_eq(seer_state_open(&ps, d, NULL), SEER_EDBVERSION);
    tmpdir_free(d);
    cases++;
    printf("test_lmdb: foreign/damaged directories: %u cases refused, files unchanged\n", cases);
}
END_TEST

static Suite *lmdb_suite(void)
{
    Suite *s = suite_create("lmdb");
    struct {
        const char *name;
        const TTest *fn;
        double timeout;
    } tcs[] = {
        {"open", test_open_create_reopen, 30},     {"encodings", test_encodings, 30},
        {"commit", test_commit_vs_memstore, 60},   {"clear_delete", test_clear_and_delete, 30},
        {"overlay", test_overlay_vs_memstore, 60}, {"overlay_args", test_overlay_reset_and_args, 30},
        {"root", test_root_random_states, 60},     {"import", test_import_mainnet, 120},
        {"crash", test_crash_safety, 120},         {"snapshot", test_snapshot_consistent_during_commit, 60},
        {"map_full", test_map_full, 60},           {"disk_full", test_disk_full, 60},
        {"read_only", test_read_only, 30},         {"foreign", test_foreign_and_damaged, 30},
    };
    for (size_t i = 0; i < sizeof tcs / sizeof tcs[0]; i++) {
        TCase *tc = tcase_create(tcs[i].name);
        tcase_set_timeout(tc, tcs[i].timeout);
        tcase_add_test(tc, tcs[i].fn);
        suite_add_tcase(s, tc);
    }
    return s;
}

int main(void)
{
    test_seed("test_lmdb");
    return test_run_suite(lmdb_suite());
}

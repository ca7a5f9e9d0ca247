/* Tests of state/mpt (trie roots), state/memstore (the in-memory state and
 * its state root) and conformance/json (fixture readers and pre-state
 * loaders). Fixture runners: every TrieTests file; the state roots of
 * BlockchainTests pre/post states against their headers; GeneralStateTests
 * cases with an invalid transaction, whose post root is the pre-state's;
 * the mainnet pre-states with their code. */
#include "tests/test_util.h"

#include "common/hex.h"
#include "common/keccak.h"
#include "common/rlp.h"
#include "common/state_iface.h"
#include "common/util.h"
#include "conformance/json.h"
#include "state/memstore.h"
#include "state/mpt.h"

#include <dirent.h>
#include <json-c/json.h>

/* ---- small helpers ---- */

static seer_mpt_kv kv_str(const char *k, const char *v)
{
    return (seer_mpt_kv){(const uint8_t *)k, strlen(k), (const uint8_t *)v, strlen(v)};
}

static void hex32(char out[67], const seer_bytes32 *h)
{
    seer_hex_encode(out, h->bytes, 32, true);
}

static seer_bytes32 keccak_of(const void *p, size_t n)
{
    seer_bytes32 h;
    seer_keccak256(h.bytes, p, n);
    return h;
}

static bool b32_eq(const seer_bytes32 *a, const seer_bytes32 *b)
{
    return memcmp(a->bytes, b->bytes, 32) == 0;
}

/* A tiny RLP writer local to the tests, so the expected roots below do not
 * depend on the encoder under test. Handles payloads below 256 bytes. */
typedef struct tbuf {
    uint8_t p[1024];
    size_t n;
} tbuf;

static void t_str(tbuf *b, const uint8_t *d, size_t n)
{
    if (n == 1 && d[0] < 0x80) {
        b->p[b->n++] = d[0];
        return;
    }
    if (n < 56) {
        b->p[b->n++] = (uint8_t)(0x80 + n);
    } else {
        b->p[b->n++] = 0xb8;
        b->p[b->n++] = (uint8_t)n;
    }
    if (n)
        memcpy(b->p + b->n, d, n);
    b->n += n;
}

static void t_list(tbuf *out, const tbuf *payload)
{
    if (payload->n < 56) {
        out->p[out->n++] = (uint8_t)(0xc0 + payload->n);
    } else {
        out->p[out->n++] = 0xf8;
        out->p[out->n++] = (uint8_t)payload->n;
    }
    memcpy(out->p + out->n, payload->p, payload->n);
    out->n += payload->n;
}

/* Appends a child reference by the yellow paper's rule, written out here
 * independently: inline below 32 bytes, else the hash as a string. */
static void t_ref(tbuf *b, const tbuf *node)
{
    if (node->n < 32) {
        memcpy(b->p + b->n, node->p, node->n);
        b->n += node->n;
    } else {
        seer_bytes32 h = keccak_of(node->p, node->n);
        t_str(b, h.bytes, 32);
    }
}

/* ---- mpt unit tests ---- */

START_TEST(test_empty_root)
{
    seer_bytes32 r;
    static const uint8_t rlp_empty = 0x80;
    seer_bytes32 want = keccak_of(&rlp_empty, 1);
    ck_assert_int_eq(seer_mpt_root(&r, NULL, 0), 0);
    ck_assert(b32_eq(&r, &want));
    ck_assert_int_eq(seer_mpt_secure_root(&r, NULL, 0), 0);
    ck_assert(b32_eq(&r, &want));
    ck_assert_int_eq(seer_mpt_index_root(&r, NULL, NULL, 0), 0);
    ck_assert(b32_eq(&r, &want));
    /* A pair whose value is empty is absent. */
    seer_mpt_kv kv = kv_str("dog", "");
    ck_assert_int_eq(seer_mpt_root(&r, &kv, 1), 0);
    ck_assert(b32_eq(&r, &want));
    char hex[67];
    hex32(hex, &r);
    ck_assert_str_eq(hex, "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
}
END_TEST

START_TEST(test_single_key)
{
    /* One pair: the root node is a leaf [hp(path, leaf), value], hashed
     * even though it is shorter than 32 bytes. Even path: flag byte 0x20. */
    seer_mpt_kv kv = kv_str("ab", "xyz");
    tbuf payload = {.n = 0}, node = {.n = 0};
    const uint8_t hp[3] = {0x20, 'a', 'b'};
    t_str(&payload, hp, 3);
    t_str(&payload, (const uint8_t *)"xyz", 3);
    t_list(&node, &payload);
    seer_bytes32 want = keccak_of(node.p, node.n), r;
    ck_assert_int_eq(seer_mpt_root(&r, &kv, 1), 0);
    ck_assert(b32_eq(&r, &want));

    /* Odd path after hashing is impossible for a whole key, so check the
     * odd flag through a branch: keys 0x12 and 0x13 share nibble 1, then
     * branch on 2/3 with empty remaining paths (leaf flag 0x20). */
    const uint8_t k1[1] = {0x12}, k2[1] = {0x13};
    seer_mpt_kv kvs[2] = {{k2, 1, (const uint8_t *)"B", 1}, {k1, 1, (const uint8_t *)"A", 1}};
    tbuf branch_payload = {.n = 0}, branch = {.n = 0};
    for (int i = 0; i < 16; i++) {
        if (i == 2 || i == 3) {
            tbuf lp = {.n = 0}, leaf = {.n = 0};
            const uint8_t leafhp = 0x20;
            t_str(&lp, &leafhp, 1);
            t_str(&lp, (const uint8_t *)(i == 2 ? "A" : "B"), 1);
            t_list(&leaf, &lp);
            t_ref(&branch_payload, &leaf);
        } else {
            t_str(&branch_payload, NULL, 0);
        }
    }
    t_str(&branch_payload, NULL, 0);
    t_list(&branch, &branch_payload);
    tbuf ext_payload = {.n = 0}, ext = {.n = 0};
    const uint8_t exthp = 0x11; /* extension, odd: flag 1, nibble 1 */
    t_str(&ext_payload, &exthp, 1);
    t_ref(&ext_payload, &branch);
    t_list(&ext, &ext_payload);
    want = keccak_of(ext.p, ext.n);
    ck_assert_int_eq(seer_mpt_root(&r, kvs, 2), 0);
    ck_assert(b32_eq(&r, &want));
}
END_TEST

/* Expected root for keys {0x01, 0x02} with values of length vlen, built by
 * hand: extension(nibble 0) -> branch(children 1, 2 = leaves with an empty
 * path). A leaf is 3 + vlen bytes, so vlen 28 inlines and 29 hashes. */
static seer_bytes32 boundary_root(size_t vlen, const uint8_t *v1, const uint8_t *v2)
{
    tbuf bp = {.n = 0}, branch = {.n = 0};
    for (int i = 0; i < 16; i++) {
        if (i == 1 || i == 2) {
            tbuf lp = {.n = 0}, leaf = {.n = 0};
            const uint8_t leafhp = 0x20;
            t_str(&lp, &leafhp, 1);
            t_str(&lp, i == 1 ? v1 : v2, vlen);
            t_list(&leaf, &lp);
            ck_assert_uint_eq(leaf.n, 3 + vlen);
            t_ref(&bp, &leaf);
        } else {
            t_str(&bp, NULL, 0);
        }
    }
    t_str(&bp, NULL, 0);
    t_list(&branch, &bp);
    tbuf ep = {.n = 0}, ext = {.n = 0};
    const uint8_t exthp = 0x10; /* extension, odd, nibble 0 */
    t_str(&ep, &exthp, 1);
    t_ref(&ep, &branch);
    t_list(&ext, &ep);
    return keccak_of(ext.p, ext.n);
}

START_TEST(test_inline_boundary)
{
    uint8_t v1[40], v2[40];
    memset(v1, 0xa1, sizeof v1);
    memset(v2, 0xb2, sizeof v2);
    const uint8_t k1 = 0x01, k2 = 0x02;
    for (size_t vlen = 26; vlen <= 31; vlen++) {
        seer_mpt_kv kvs[2] = {{&k1, 1, v1, vlen}, {&k2, 1, v2, vlen}};
        seer_bytes32 r, want = boundary_root(vlen, v1, v2);
        ck_assert_int_eq(seer_mpt_root(&r, kvs, 2), 0);
        ck_assert_msg(b32_eq(&r, &want), "value length %zu (leaf of %zu bytes)", vlen, vlen + 3);
    }
}
END_TEST

START_TEST(test_prefix_keys)
{
    /* "do" is a prefix of "dog" and "doge": it becomes a branch value. The
     * expected root is the ethereum/tests "puppy" case, written through
     * different code paths: the keys arrive in reverse order. */
    seer_mpt_kv kvs[4] = {kv_str("horse", "stallion"), kv_str("doge", "coin"), kv_str("dog", "puppy"),
                          kv_str("do", "verb")};
    seer_bytes32 r;
    char hex[67];
    ck_assert_int_eq(seer_mpt_root(&r, kvs, 4), 0);
    hex32(hex, &r);
    ck_assert_str_eq(hex, "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84");

    /* The empty key is a prefix of every key: the root branch's value. */
    seer_mpt_kv two[2] = {kv_str("", "root value"), kv_str("a", "x")};
    tbuf bp = {.n = 0}, branch = {.n = 0};
    for (int i = 0; i < 16; i++) {
        if (i == 6) { /* 'a' = 0x61: nibble 6, then leaf with path [1] */
            tbuf lp = {.n = 0}, leaf = {.n = 0};
            const uint8_t leafhp = 0x31; /* leaf, odd, nibble 1 */
            t_str(&lp, &leafhp, 1);
            t_str(&lp, (const uint8_t *)"x", 1);
            t_list(&leaf, &lp);
            t_ref(&bp, &leaf);
        } else {
            t_str(&bp, NULL, 0);
        }
    }
    t_str(&bp, (const uint8_t *)"root value", 10);
    t_list(&branch, &bp);
    seer_bytes32 want = keccak_of(branch.p, branch.n);
    ck_assert_int_eq(seer_mpt_root(&r, two, 2), 0);
    ck_assert(b32_eq(&r, &want));
}
END_TEST

START_TEST(test_errors)
{
    seer_bytes32 r;
    seer_mpt_kv dup[2] = {kv_str("k", "a"), kv_str("k", "b")};
    ck_assert_int_eq(seer_mpt_root(&r, dup, 2), SEER_EINVAL);
    ck_assert_ptr_nonnull(strstr(seer_error_detail(), "duplicate"));
    /* A duplicate whose value is empty is no duplicate: it is absent. */
    seer_mpt_kv dup_absent[2] = {kv_str("k", "a"), kv_str("k", "")};
    ck_assert_int_eq(seer_mpt_root(&r, dup_absent, 2), 0);
    seer_mpt_kv one = kv_str("k", "a");
    seer_bytes32 r1;
    ck_assert_int_eq(seer_mpt_root(&r1, &one, 1), 0);
    ck_assert(b32_eq(&r, &r1));
    ck_assert_int_eq(seer_mpt_root(NULL, &one, 1), SEER_EINVAL);
    ck_assert_int_eq(seer_mpt_root(&r, NULL, 1), SEER_EINVAL);
    seer_mpt_kv bad = {NULL, 3, (const uint8_t *)"x", 1};
    ck_assert_int_eq(seer_mpt_root(&r, &bad, 1), SEER_EINVAL);
    /* Keys nested as prefixes ("a", "aa", ...) need two nodes per key: past
     * SEER_MPT_MAX_DEPTH the builder refuses instead of recursing on. */
    enum { NEST = SEER_MPT_MAX_DEPTH / 2 + 8 };
    static uint8_t nested[NEST];
    static seer_mpt_kv nkv[NEST];
    memset(nested, 'a', sizeof nested);
    for (size_t i = 0; i < NEST; i++)
        nkv[i] = (seer_mpt_kv){nested, i + 1, (const uint8_t *)"v", 1};
    ck_assert_int_eq(seer_mpt_root(&r, nkv, NEST), SEER_ELIMIT);
    ck_assert_int_eq(seer_mpt_root(&r, nkv, 100), 0);

    const uint8_t *vals[1] = {(const uint8_t *)"x"};
    size_t lens[1] = {0};
    ck_assert_int_eq(seer_mpt_index_root(&r, vals, lens, 1), SEER_EINVAL);
}
END_TEST

START_TEST(test_random_properties)
{
    uint64_t seed = test_seed("test_mpt");
    test_rng rng;
    test_rng_init(&rng, seed ^ 0x6d7074);
    enum { N = 200 };
    static uint8_t keys[N][8], vals[N][40];
    seer_mpt_kv kvs[N + 1], hashed[N];
    seer_bytes32 hk[N];
    for (int round = 0; round < 20; round++) {
        size_t n = 1 + test_rng_next(&rng) % N;
        for (size_t i = 0; i < n; i++) {
            /* Short keys over a tiny alphabet: many shared prefixes and keys
             * that are prefixes of others. Uniqueness by construction: the
             * last byte is the index. */
            size_t kl = 1 + test_rng_next(&rng) % 7;
            for (size_t j = 0; j + 1 < kl; j++)
                keys[i][j] = (uint8_t)(test_rng_next(&rng) % 3);
            keys[i][kl - 1] = (uint8_t)(0x10 + i);
            size_t vl = 1 + test_rng_next(&rng) % 40;
            for (size_t j = 0; j < vl; j++)
                vals[i][j] = (uint8_t)test_rng_next(&rng);
            kvs[i] = (seer_mpt_kv){keys[i], kl, vals[i], vl};
        }
        seer_bytes32 r1, r2, r3;
        ck_assert_int_eq(seer_mpt_root(&r1, kvs, n), 0);
        /* Order does not matter. */
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = test_rng_next(&rng) % (i + 1);
            seer_mpt_kv t = kvs[i];
            kvs[i] = kvs[j];
            kvs[j] = t;
        }
        ck_assert_int_eq(seer_mpt_root(&r2, kvs, n), 0);
        ck_assert_msg(b32_eq(&r1, &r2), "seed %llu round %d: root depends on order", (unsigned long long)seed,
                      round);
        /* An extra absent pair changes nothing. */
        kvs[n] = (seer_mpt_kv){(const uint8_t *)"\x7f", 1, NULL, 0};
        ck_assert_int_eq(seer_mpt_root(&r3, kvs, n + 1), 0);
        ck_assert(b32_eq(&r1, &r3));
        /* Dropping one pair changes the root. */
        ck_assert_int_eq(seer_mpt_root(&r3, kvs, n - 1), 0);
        ck_assert(!b32_eq(&r1, &r3));
        /* The secure root is the plain root over hashed keys. */
        for (size_t i = 0; i < n; i++) {
            hk[i] = keccak_of(kvs[i].key, kvs[i].key_len);
            hashed[i] = kvs[i];
            hashed[i].key = hk[i].bytes;
            hashed[i].key_len = 32;
        }
        ck_assert_int_eq(seer_mpt_secure_root(&r2, kvs, n), 0);
        ck_assert_int_eq(seer_mpt_root(&r3, hashed, n), 0);
        ck_assert(b32_eq(&r2, &r3));
    }
}
END_TEST

START_TEST(test_index_root)
{
    /* The index trie's keys are rlp(0)=0x80, rlp(1)=0x01, ..., rlp(128) =
     * 0x8180: check against a plain root over those keys written out. */
    enum { N = 300 };
    static uint8_t vals[N][4];
    static uint8_t keys[N][3];
    const uint8_t *vp[N];
    size_t lens[N];
    seer_mpt_kv kvs[N];
    for (size_t i = 0; i < N; i++) {
        vals[i][0] = 0xc3;
        vals[i][1] = (uint8_t)i;
        vals[i][2] = (uint8_t)(i >> 8);
        vals[i][3] = 0x55;
        vp[i] = vals[i];
        lens[i] = 4;
        size_t kl;
        if (i == 0) {
            keys[i][0] = 0x80;
            kl = 1;
        } else if (i < 0x80) {
            keys[i][0] = (uint8_t)i;
            kl = 1;
        } else if (i < 0x100) {
            keys[i][0] = 0x81;
            keys[i][1] = (uint8_t)i;
            kl = 2;
        } else {
            keys[i][0] = 0x82;
            keys[i][1] = (uint8_t)(i >> 8);
            keys[i][2] = (uint8_t)i;
            kl = 3;
        }
        kvs[i] = (seer_mpt_kv){keys[i], kl, vals[i], 4};
    }
    seer_bytes32 a, b;
    for (size_t n = 1; n <= N; n += 37) {
        ck_assert_int_eq(seer_mpt_index_root(&a, vp, lens, n), 0);
        ck_assert_int_eq(seer_mpt_root(&b, kvs, n), 0);
        ck_assert_msg(b32_eq(&a, &b), "n=%zu", n);
    }
}
END_TEST

/* ---- TrieTests fixtures ---- */

/* A fixture string: "0x..." is hex, anything else its raw bytes. */
static bool fixture_bytes(uint8_t **out, size_t *len, const char *s)
{
    if (s[0] == '0' && s[1] == 'x')
        return seer_hex_decode_alloc(out, len, s) == 0;
    *len = strlen(s);
    *out = malloc(*len + 1);
    if (!*out)
        return false;
    memcpy(*out, s, *len + 1);
    return true;
}

typedef struct pair_list {
    uint8_t *k[128], *v[128];
    size_t kl[128], vl[128];
    size_t n;
} pair_list;

static void pairs_free(pair_list *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->k[i]);
        free(p->v[i]);
    }
    p->n = 0;
}

/* Inserts, overwrites, or (value NULL) deletes, as the fixtures apply
 * their `in` lists in order. */
static bool pairs_put(pair_list *p, const char *ks, const char *vs)
{
    uint8_t *k, *v = NULL;
    size_t kl, vl = 0;
    if (!fixture_bytes(&k, &kl, ks))
        return false;
    if (vs && !fixture_bytes(&v, &vl, vs)) {
        free(k);
        return false;
    }
    for (size_t i = 0; i < p->n; i++) {
        if (p->kl[i] == kl && memcmp(p->k[i], k, kl) == 0) {
            free(k);
            free(p->v[i]);
            p->v[i] = v;
            p->vl[i] = vl;
            return true;
        }
    }
    if (p->n == 128) {
        free(k);
        free(v);
        return false;
    }
    p->k[p->n] = k;
    p->kl[p->n] = kl;
    p->v[p->n] = v;
    p->vl[p->n] = vl;
    p->n++;
    return true;
}

static bool run_trie_case(json_object *tc, bool secure, const char *file, const char *name)
{
    json_object *in = seer_json_get_opt(tc, "in"), *root = seer_json_get_opt(tc, "root");
    if (!in || !root || !json_object_is_type(root, json_type_string)) {
        printf("  %s/%s: malformed case\n", file, name);
        return false;
    }
    pair_list p = {.n = 0};
    bool ok = true;
    if (json_object_is_type(in, json_type_array)) {
        for (size_t i = 0; ok && i < json_object_array_length(in); i++) {
            json_object *pr = json_object_array_get_idx(in, i);
            json_object *k = json_object_array_get_idx(pr, 0), *v = json_object_array_get_idx(pr, 1);
            ok = json_object_array_length(pr) == 2 && json_object_is_type(k, json_type_string) &&
                 (!v || json_object_is_type(v, json_type_string)) &&
                 pairs_put(&p, json_object_get_string(k), v ? json_object_get_string(v) : NULL);
        }
    } else if (json_object_is_type(in, json_type_object)) {
        json_object_object_foreach(in, k, v)
        {
            if (!ok)
                break;
            ok = (!v || json_object_is_type(v, json_type_string)) &&
                 pairs_put(&p, k, v ? json_object_get_string(v) : NULL);
        }
    } else {
        ok = false;
    }
    if (!ok) {
        printf("  %s/%s: cannot read `in`\n", file, name);
        pairs_free(&p);
        return false;
    }
    seer_mpt_kv kvs[128];
    for (size_t i = 0; i < p.n; i++)
        kvs[i] = (seer_mpt_kv){p.k[i], p.kl[i], p.v[i], p.vl[i]};
    seer_bytes32 r;
    int rc = secure ? seer_mpt_secure_root(&r, kvs, p.n) : seer_mpt_root(&r, kvs, p.n);
    pairs_free(&p);
    char got[67];
    hex32(got, &r);
    if (rc || strcmp(got, json_object_get_string(root)) != 0) {
        printf("  %s/%s: rc %d root %s, want %s\n", file, name, rc, got, json_object_get_string(root));
        return false;
    }
    return true;
}

/* trietestnextprev.json: for each query, the previous and next keys in
 * trie order ("" for none). seer builds roots from keys sorted in trie
 * order (seer_mpt_sort, seer_mpt_key_cmp), so this checks that order. */
static bool run_nextprev_case(json_object *tc, const char *name, int *rows)
{
    json_object *in = seer_json_get_opt(tc, "in"), *tests = seer_json_get_opt(tc, "tests");
    if (!in || !tests || !json_object_is_type(in, json_type_array) ||
        !json_object_is_type(tests, json_type_array))
        return false;
    size_t n = json_object_array_length(in);
    seer_mpt_kv kvs[64];
    if (n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        kvs[i] = kv_str(json_object_get_string(json_object_array_get_idx(in, i)), "v");
    seer_mpt_sort(kvs, n);
    bool ok = true;
    for (size_t t = 0; t < json_object_array_length(tests); t++) {
        json_object *row = json_object_array_get_idx(tests, t);
        const char *q = json_object_get_string(json_object_array_get_idx(row, 0));
        const char *want_prev = json_object_get_string(json_object_array_get_idx(row, 1));
        const char *want_next = json_object_get_string(json_object_array_get_idx(row, 2));
        const char *prev = "", *next = "";
        for (size_t i = 0; i < n; i++) {
            int c = seer_mpt_key_cmp(kvs[i].key, kvs[i].key_len, (const uint8_t *)q, strlen(q));
            if (c < 0)
                prev = (const char *)kvs[i].key;
            else if (c > 0 && !*next)
                next = (const char *)kvs[i].key;
        }
        (*rows)++;
        if (strcmp(prev, want_prev) || strcmp(next, want_next)) {
            printf("  nextprev/%s: query '%s': prev '%s' next '%s', want '%s' '%s'\n", name, q, prev, next,
                   want_prev, want_next);
            ok = false;
        }
    }
    return ok;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_trie_fixtures)
{
    char dirpath[8192];
    snprintf(dirpath, sizeof dirpath, "%s", test_fixture_path("ethereum-tests/TrieTests"));
    DIR *d = opendir(dirpath);
    ck_assert_msg(d != NULL, "cannot open %s (set SEER_FIXTURES)", dirpath);
    char *names[64];
    size_t nfiles = 0;
    struct dirent *de;
    while ((de = readdir(d)) && nfiles < 64) {
        size_t l = strlen(de->d_name);
        if (l > 5 && strcmp(de->d_name + l - 5, ".json") == 0)
            names[nfiles++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, nfiles, sizeof *names, cmp_str);
    ck_assert_uint_ge(nfiles, 6);
    int total = 0, passed = 0;
    for (size_t f = 0; f < nfiles; f++) {
        char path[8512];
        snprintf(path, sizeof path, "%s/%s", dirpath, names[f]);
        json_object *doc;
        int rc = seer_json_parse_file(&doc, path);
        ck_assert_msg(rc == 0, "%s", seer_error_detail());
        /* The secure variants say so in their file names. */
        bool secure = strstr(names[f], "ecureTrie") || strstr(names[f], "ecuretrie");
        bool nextprev = strstr(names[f], "nextprev") != NULL;
        int ft = 0, fp = 0, rows = 0;
        json_object_object_foreach(doc, name, tc)
        {
            ft++;
            if (nextprev ? run_nextprev_case(tc, name, &rows) : run_trie_case(tc, secure, names[f], name))
                fp++;
        }
        if (nextprev)
            printf("TrieTests/%s: %d/%d cases passed (%d next/prev queries, checks trie key order)\n",
                   names[f], fp, ft, rows);
        else
            printf("TrieTests/%s: %d/%d cases passed%s\n", names[f], fp, ft, secure ? " (secure)" : "");
        total += ft;
        passed += fp;
        json_object_put(doc);
        free(names[f]);
    }
    printf("TrieTests: %d/%d cases passed\n", passed, total);
    ck_assert_int_gt(total, 0);
    ck_assert_int_eq(passed, total);
}
END_TEST

/* ---- memstore ---- */

static seer_address addr_n(uint8_t n)
{
    seer_address a;
    memset(&a, 0, sizeof a);
    a.bytes[19] = n;
    a.bytes[0] = (uint8_t)(0xa0 ^ n);
    return a;
}

START_TEST(test_memstore_basic)
{
    seer_memstore *s;
    ck_assert_int_eq(seer_memstore_new(&s), 0);
    seer_state_reader rd = seer_memstore_reader(s);
    seer_address a1 = addr_n(1), a2 = addr_n(2);
    seer_account acct;
    ck_assert_int_eq(rd.vt->get_account(rd.ctx, &a1, &acct), 0);
    ck_assert(!acct.exists);
    ck_assert(u256_is_zero(&acct.balance));

    seer_account in = {.balance = u256_from_u64(1000), .nonce = 7, .exists = true};
    ck_assert_int_eq(seer_memstore_set_account(s, &a1, &in), 0);
    ck_assert_int_eq(rd.vt->get_account(rd.ctx, &a1, &acct), 0);
    ck_assert(acct.exists);
    ck_assert_uint_eq(acct.nonce, 7);
    ck_assert_uint_eq(acct.balance.w[0], 1000);
    ck_assert(b32_eq(&acct.code_hash, &SEER_EMPTY_CODE_HASH)); /* zero hash read as empty */

    /* Storage needs an account; zero deletes. */
    u256 k = u256_from_u64(5), v = u256_from_u64(99), got;
    ck_assert_int_eq(seer_memstore_set_storage(s, &a2, &k, &v), SEER_ENOTFOUND);
    ck_assert_int_eq(seer_memstore_set_storage(s, &a1, &k, &v), 0);
    ck_assert_int_eq(rd.vt->get_storage(rd.ctx, &a1, &k, &got), 0);
    ck_assert(u256_eq(&got, &v));
    bool has;
    ck_assert_int_eq(rd.vt->has_storage(rd.ctx, &a1, &has), 0);
    ck_assert(has);
    u256 zero = U256_ZERO;
    ck_assert_int_eq(seer_memstore_set_storage(s, &a1, &k, &zero), 0);
    ck_assert_int_eq(rd.vt->has_storage(rd.ctx, &a1, &has), 0);
    ck_assert(!has);
    ck_assert_int_eq(rd.vt->get_storage(rd.ctx, &a1, &k, &got), 0);
    ck_assert(u256_is_zero(&got));

    /* Code by hash. */
    const uint8_t code[] = {0x60, 0x01, 0x60, 0x00, 0x55, 0x00};
    ck_assert_int_eq(seer_memstore_set_code(s, &a1, code, sizeof code), 0);
    ck_assert_int_eq(rd.vt->get_account(rd.ctx, &a1, &acct), 0);
    seer_bytes32 want = keccak_of(code, sizeof code);
    ck_assert(b32_eq(&acct.code_hash, &want));
    const uint8_t *cp;
    size_t cl;
    ck_assert_int_eq(rd.vt->get_code(rd.ctx, &acct.code_hash, &cp, &cl), 0);
    ck_assert_uint_eq(cl, sizeof code);
    ck_assert_mem_eq(cp, code, sizeof code);
    ck_assert_int_eq(rd.vt->get_code(rd.ctx, &SEER_EMPTY_CODE_HASH, &cp, &cl), 0);
    ck_assert_uint_eq(cl, 0);
    seer_bytes32 unknown = keccak_of("nope", 4);
    ck_assert_int_eq(rd.vt->get_code(rd.ctx, &unknown, &cp, &cl), SEER_ENOTFOUND);

    /* Block hashes: unknown numbers read as zero. */
    seer_bytes32 bh = keccak_of("block", 5), out;
    ck_assert_int_eq(seer_memstore_set_block_hash(s, 12345, &bh), 0);
    ck_assert_int_eq(rd.vt->get_block_hash(rd.ctx, 12345, &out), 0);
    ck_assert(b32_eq(&out, &bh));
    ck_assert_int_eq(rd.vt->get_block_hash(rd.ctx, 12346, &out), 0);
    seer_bytes32 z;
    memset(&z, 0, sizeof z);
    ck_assert(b32_eq(&out, &z));

    ck_assert_uint_eq(seer_memstore_account_count(s), 1);
    seer_account gone = {.exists = false};
    ck_assert_int_eq(seer_memstore_set_account(s, &a1, &gone), 0);
    ck_assert_uint_eq(seer_memstore_account_count(s), 0);
    seer_memstore_free(s);
}
END_TEST

/* The state root of one account written out by hand: the secure trie's
 * single leaf, keyed by keccak(address), over rlp([nonce, balance,
 * storage_root, code_hash]). */
START_TEST(test_memstore_root_single)
{
    seer_memstore *s;
    ck_assert_int_eq(seer_memstore_new(&s), 0);
    seer_bytes32 r;
    ck_assert_int_eq(seer_memstore_state_root(s, &r), 0);
    ck_assert(b32_eq(&r, &SEER_EMPTY_TRIE_ROOT));

    seer_address a = addr_n(9);
    seer_account in = {.balance = u256_from_u64(0x0de0b6b3a7640000ULL), .nonce = 1, .exists = true};
    ck_assert_int_eq(seer_memstore_set_account(s, &a, &in), 0);
    u256 k = u256_from_u64(1), v = u256_from_u64(0x80); /* 0x80 needs an RLP header */
    ck_assert_int_eq(seer_memstore_set_storage(s, &a, &k, &v), 0);

    /* Storage trie: one leaf, keccak(slot32) -> rlp(0x80) = 0x8180. */
    uint8_t slot32[32] = {0};
    slot32[31] = 1;
    seer_bytes32 sk = keccak_of(slot32, 32);
    tbuf lp = {.n = 0}, leaf = {.n = 0};
    uint8_t hp[33];
    hp[0] = 0x20;
    memcpy(hp + 1, sk.bytes, 32);
    t_str(&lp, hp, 33);
    const uint8_t sv[2] = {0x81, 0x80};
    t_str(&lp, sv, 2);
    t_list(&leaf, &lp);
    seer_bytes32 storage_root = keccak_of(leaf.p, leaf.n), got_sr;
    ck_assert_int_eq(seer_memstore_storage_root(s, &got_sr, &a), 0);
    ck_assert(b32_eq(&got_sr, &storage_root));

    tbuf ap = {.n = 0}, arlp = {.n = 0};
    const uint8_t nonce = 1;
    t_str(&ap, &nonce, 1);
    const uint8_t bal[8] = {0x0d, 0xe0, 0xb6, 0xb3, 0xa7, 0x64, 0x00, 0x00};
    t_str(&ap, bal, 8);
    t_str(&ap, storage_root.bytes, 32);
    t_str(&ap, SEER_EMPTY_CODE_HASH.bytes, 32);
    t_list(&arlp, &ap);
    seer_bytes32 ak = keccak_of(a.bytes, 20);
    tbuf sp = {.n = 0}, sleaf = {.n = 0};
    memcpy(hp + 1, ak.bytes, 32);
    t_str(&sp, hp, 33);
    t_str(&sp, arlp.p, arlp.n);
    t_list(&sleaf, &sp);
    seer_bytes32 want = keccak_of(sleaf.p, sleaf.n);
    ck_assert_int_eq(seer_memstore_state_root(s, &r), 0);
    ck_assert(b32_eq(&r, &want));
    seer_memstore_free(s);
}
END_TEST

static int collect_addrs(void *arg, const seer_memstore_entry *e)
{
    seer_address *out = arg;
    for (int i = 0; i < 8; i++) {
        if (out[i].bytes[19] == 0) {
            out[i] = *e->addr;
            /* Slots come sorted by key. */
            for (size_t j = 1; j < e->nslots; j++)
                if (u256_cmp(&e->slots[j - 1].key, &e->slots[j].key) >= 0)
                    return -99;
            return 0;
        }
    }
    return -98;
}

START_TEST(test_memstore_apply)
{
    seer_memstore *s, *ref;
    ck_assert_int_eq(seer_memstore_new(&s), 0);
    ck_assert_int_eq(seer_memstore_new(&ref), 0);
    seer_address a1 = addr_n(1), a2 = addr_n(2), a3 = addr_n(3);
    seer_account base = {.balance = u256_from_u64(50), .nonce = 1, .exists = true};
    ck_assert_int_eq(seer_memstore_set_account(s, &a1, &base), 0);
    ck_assert_int_eq(seer_memstore_set_account(s, &a2, &base), 0);
    for (uint64_t i = 1; i <= 3; i++) {
        u256 k = u256_from_u64(i), v = u256_from_u64(i * 10);
        ck_assert_int_eq(seer_memstore_set_storage(s, &a1, &k, &v), 0);
        ck_assert_int_eq(seer_memstore_set_storage(s, &a2, &k, &v), 0);
    }
    seer_bytes32 before;
    ck_assert_int_eq(seer_memstore_state_root(s, &before), 0);

    /* a1: slot 1 deleted by a zero, slot 2 changed, slot 7 added. a2:
     * self-destructed and re-created with only slot 9. a3: new with code. */
    seer_slot_change c1[3] = {{u256_from_u64(1), U256_ZERO},
                              {u256_from_u64(2), u256_from_u64(22)},
                              {u256_from_u64(7), u256_from_u64(77)}};
    seer_slot_change c2[1] = {{u256_from_u64(9), u256_from_u64(99)}};
    const uint8_t code[] = {0x5f, 0x5f, 0xf3};
    seer_account_change ch[3];
    memset(ch, 0, sizeof ch);
    ch[0].addr = a1;
    ch[0].account = (seer_account){
        .balance = u256_from_u64(40), .nonce = 2, .code_hash = SEER_EMPTY_CODE_HASH, .exists = true};
    ch[0].slots = c1;
    ch[0].nslots = 3;
    ch[1].addr = a2;
    ch[1].account = (seer_account){
        .balance = u256_from_u64(60), .nonce = 1, .code_hash = SEER_EMPTY_CODE_HASH, .exists = true};
    ch[1].storage_cleared = true;
    ch[1].slots = c2;
    ch[1].nslots = 1;
    ch[2].addr = a3;
    ch[2].account = (seer_account){.nonce = 1, .code_hash = keccak_of(code, sizeof code), .exists = true};
    ch[2].code_changed = true;
    ch[2].code = code;
    ch[2].code_len = sizeof code;
    seer_changeset cs = {ch, 3};
    ck_assert_int_eq(seer_memstore_apply(s, &cs), 0);

    /* The same end state, loaded directly. */
    seer_account r1 = ch[0].account, r2 = ch[1].account;
    ck_assert_int_eq(seer_memstore_set_account(ref, &a1, &r1), 0);
    ck_assert_int_eq(seer_memstore_set_account(ref, &a2, &r2), 0);
    ck_assert_int_eq(seer_memstore_set_account(ref, &a3, &ch[2].account), 0);
    ck_assert_int_eq(seer_memstore_set_code(ref, &a3, code, sizeof code), 0);
    uint64_t ref1[][2] = {{2, 22}, {3, 30}, {7, 77}};
    for (size_t i = 0; i < 3; i++) {
        u256 k = u256_from_u64(ref1[i][0]), v = u256_from_u64(ref1[i][1]);
        ck_assert_int_eq(seer_memstore_set_storage(ref, &a1, &k, &v), 0);
    }
    ck_assert_int_eq(seer_memstore_set_storage(ref, &a2, &c2[0].key, &c2[0].value), 0);

    seer_bytes32 after, want;
    ck_assert_int_eq(seer_memstore_state_root(s, &after), 0);
    ck_assert_int_eq(seer_memstore_state_root(ref, &want), 0);
    ck_assert(b32_eq(&after, &want));
    ck_assert(!b32_eq(&after, &before));

    u256 got;
    u256 k1 = u256_from_u64(1);
    ck_assert_int_eq(seer_memstore_get_storage(s, &got, &a2, &k1), 0);
    ck_assert(u256_is_zero(&got)); /* wiped by storage_cleared */

    seer_address seen[8];
    memset(seen, 0, sizeof seen);
    ck_assert_int_eq(seer_memstore_foreach(s, collect_addrs, seen), 0);
    ck_assert_int_eq(memcmp(seen[0].bytes, a1.bytes, 20), 0); /* 0xa1.. < 0xa2.. < 0xa3.. */
    ck_assert_int_eq(memcmp(seen[1].bytes, a2.bytes, 20), 0);
    ck_assert_int_eq(memcmp(seen[2].bytes, a3.bytes, 20), 0);

    /* A clone has the same state, and changing it leaves the original be. */
    seer_memstore *copy;
    ck_assert_int_eq(seer_memstore_clone(&copy, s), 0);
    seer_bytes32 cr;
    ck_assert_int_eq(seer_memstore_state_root(copy, &cr), 0);
    ck_assert(b32_eq(&cr, &after));
    seer_state_reader crd = seer_memstore_reader(copy);
    const uint8_t *ccode;
    size_t ccode_len;
    ck_assert_int_eq(crd.vt->get_code(crd.ctx, &ch[2].account.code_hash, &ccode, &ccode_len), 0);
    ck_assert_mem_eq(ccode, code, sizeof code);
    u256 k2 = u256_from_u64(2), v2 = u256_from_u64(5);
    ck_assert_int_eq(seer_memstore_set_storage(copy, &a1, &k2, &v2), 0);
    ck_assert_int_eq(seer_memstore_state_root(copy, &cr), 0);
    ck_assert(!b32_eq(&cr, &after));
    ck_assert_int_eq(seer_memstore_state_root(s, &cr), 0);
    ck_assert(b32_eq(&cr, &after));
    seer_memstore_free(copy);

    /* Deleting an account removes it and its storage from the root. */
    seer_account_change del;
    memset(&del, 0, sizeof del);
    del.addr = a3;
    seer_changeset cs2 = {&del, 1};
    ck_assert_int_eq(seer_memstore_apply(s, &cs2), 0);
    ck_assert_uint_eq(seer_memstore_account_count(s), 2);
    seer_account none = {.exists = false};
    ck_assert_int_eq(seer_memstore_set_account(ref, &a3, &none), 0);
    ck_assert_int_eq(seer_memstore_state_root(s, &after), 0);
    ck_assert_int_eq(seer_memstore_state_root(ref, &want), 0);
    ck_assert(b32_eq(&after, &want));

    /* The dump is sorted and names every slot. */
    char *text = NULL;
    size_t textlen = 0;
    FILE *f = open_memstream(&text, &textlen);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(seer_memstore_dump(s, f), 0);
    fclose(f);
    json_object *doc = json_tokener_parse(text);
    ck_assert_msg(doc != NULL, "dump is not JSON: %s", text);
    char a1hex[43];
    seer_hex_encode(a1hex, a1.bytes, 20, true);
    json_object *acc = seer_json_get_opt(doc, a1hex), *st = seer_json_get_opt(acc, "storage");
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(json_object_object_length(st), 3);
    ck_assert_str_eq(json_object_get_string(seer_json_get_opt(st, "0x7")), "0x4d");
    ck_assert_str_eq(json_object_get_string(seer_json_get_opt(acc, "nonce")), "0x2");
    /* Reloading the dump gives the same root. */
    seer_memstore *again;
    ck_assert_int_eq(seer_memstore_new(&again), 0);
    ck_assert_int_eq(seer_json_load_pre(again, doc, "dump"), 0);
    ck_assert_int_eq(seer_memstore_state_root(again, &want), 0);
    ck_assert(b32_eq(&after, &want));
    seer_memstore_free(again);
    json_object_put(doc);
    free(text);

    seer_memstore_free(s);
    seer_memstore_free(ref);
}
END_TEST

/* A model of the state: 12 addresses, 6 slot keys each, 3 codes. Random
 * change sets go to both the store and the model; after each, the store's
 * root (with its cached storage roots) must equal the root of a fresh
 * store loaded from the model, and every read must match the model. */
enum { M_ADDRS = 12, M_SLOTS = 6 };
typedef struct model {
    bool exists[M_ADDRS];
    uint64_t nonce[M_ADDRS], bal[M_ADDRS], slot[M_ADDRS][M_SLOTS];
    int code[M_ADDRS]; /* -1: none */
} model;

static const uint8_t m_codes[3][5] = {
    {0x60, 0x00, 0x54, 0x00, 0x00}, {0x5f, 0x35, 0x00, 0x00, 0x00}, {0xfe, 1, 2, 3, 4}};
static const size_t m_code_len[3] = {3, 2, 5};

static u256 m_slot_key(int j)
{
    return (u256){{(uint64_t)j * 0x1111, 0, j == 5 ? 1u : 0u, (uint64_t)j << 60}};
}

static seer_memstore *model_load(const model *m)
{
    seer_memstore *s;
    ck_assert_int_eq(seer_memstore_new(&s), 0);
    for (int i = 0; i < M_ADDRS; i++) {
        if (!m->exists[i])
            continue;
        seer_address a = addr_n((uint8_t)(i + 1));
        seer_account acct = {.balance = u256_from_u64(m->bal[i]), .nonce = m->nonce[i], .exists = true};
        ck_assert_int_eq(seer_memstore_set_account(s, &a, &acct), 0);
        if (m->code[i] >= 0)
            ck_assert_int_eq(seer_memstore_set_code(s, &a, m_codes[m->code[i]], m_code_len[m->code[i]]), 0);
        for (int j = 0; j < M_SLOTS; j++) {
            u256 k = m_slot_key(j), v = u256_from_u64(m->slot[i][j]);
            ck_assert_int_eq(seer_memstore_set_storage(s, &a, &k, &v), 0);
        }
    }
    return s;
}

START_TEST(test_memstore_random_apply)
{
    uint64_t seed = test_seed("test_mpt");
    test_rng rng;
    test_rng_init(&rng, seed ^ 0x6d656d);
    model m;
    memset(&m, 0, sizeof m);
    for (int i = 0; i < M_ADDRS; i++)
        m.code[i] = -1;
    seer_memstore *s;
    ck_assert_int_eq(seer_memstore_new(&s), 0);
    seer_state_reader rd = seer_memstore_reader(s);
    for (int step = 0; step < 300; step++) {
        seer_account_change ch[M_ADDRS];
        seer_slot_change slots[M_ADDRS][M_SLOTS];
        size_t n = 0;
        for (int i = 0; i < M_ADDRS; i++) {
            if (test_rng_next(&rng) % 3)
                continue;
            seer_account_change *c = &ch[n++];
            memset(c, 0, sizeof *c);
            c->addr = addr_n((uint8_t)(i + 1));
            if (m.exists[i] && test_rng_next(&rng) % 6 == 0) {
                m.exists[i] = false; /* deleted: storage goes too */
                memset(m.slot[i], 0, sizeof m.slot[i]);
                m.code[i] = -1;
                m.bal[i] = m.nonce[i] = 0;
                continue;
            }
            if (!m.exists[i]) {
                m.exists[i] = true;
                m.bal[i] = m.nonce[i] = 0;
                m.code[i] = -1;
            }
            if (test_rng_next(&rng) % 5 == 0) {
                c->storage_cleared = true;
                memset(m.slot[i], 0, sizeof m.slot[i]);
            }
            if (test_rng_next(&rng) % 4 == 0) {
                int code = (int)(test_rng_next(&rng) % 3);
                m.code[i] = code;
                c->code_changed = true;
                c->code = m_codes[code];
                c->code_len = m_code_len[code];
            }
            m.bal[i] = test_rng_next(&rng) % 4 == 0 ? 0 : test_rng_next(&rng);
            m.nonce[i] += test_rng_next(&rng) % 2;
            c->account.exists = true;
            c->account.balance = u256_from_u64(m.bal[i]);
            c->account.nonce = m.nonce[i];
            c->account.code_hash =
                m.code[i] < 0 ? SEER_EMPTY_CODE_HASH : keccak_of(m_codes[m.code[i]], m_code_len[m.code[i]]);
            c->slots = slots[n - 1];
            for (int j = 0; j < M_SLOTS; j++) {
                if (test_rng_next(&rng) % 2)
                    continue;
                uint64_t v =
                    test_rng_next(&rng) % 3 == 0 ? 0 : test_rng_next(&rng) >> (test_rng_next(&rng) % 64);
                m.slot[i][j] = v;
                c->slots[c->nslots++] = (seer_slot_change){m_slot_key(j), u256_from_u64(v)};
            }
        }
        seer_changeset cs = {ch, n};
        ck_assert_int_eq(seer_memstore_apply(s, &cs), 0);

        seer_memstore *fresh = model_load(&m);
        seer_bytes32 r1, r2;
        ck_assert_int_eq(seer_memstore_state_root(s, &r1), 0);
        ck_assert_int_eq(seer_memstore_state_root(fresh, &r2), 0);
        ck_assert_msg(b32_eq(&r1, &r2), "seed %llu step %d: root differs from a fresh load",
                      (unsigned long long)seed, step);
        ck_assert_uint_eq(seer_memstore_account_count(s), seer_memstore_account_count(fresh));
        seer_memstore_free(fresh);
        for (int i = 0; i < M_ADDRS; i++) {
            seer_address a = addr_n((uint8_t)(i + 1));
            seer_account acct;
            ck_assert_int_eq(rd.vt->get_account(rd.ctx, &a, &acct), 0);
            ck_assert(acct.exists == m.exists[i]);
            ck_assert_uint_eq(acct.balance.w[0], m.bal[i]);
            bool has, want_has = false;
            for (int j = 0; j < M_SLOTS; j++) {
                u256 k = m_slot_key(j), v;
                ck_assert_int_eq(rd.vt->get_storage(rd.ctx, &a, &k, &v), 0);
                ck_assert_uint_eq(v.w[0], m.slot[i][j]);
                want_has |= m.slot[i][j] != 0;
            }
            ck_assert_int_eq(rd.vt->has_storage(rd.ctx, &a, &has), 0);
            ck_assert(has == want_has);
        }
    }
    seer_memstore_free(s);
}
END_TEST

/* ---- out of memory ---- */

/* Allocation failure injection: the executable's malloc/calloc/realloc
 * interpose libc's and fail the n-th call once armed. Not under ASan,
 * which owns the allocator. */
#if defined(__SANITIZE_ADDRESS__)
#define TEST_NO_MALLOC_HOOK 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_NO_MALLOC_HOOK 1
#endif
#endif

#ifndef TEST_NO_MALLOC_HOOK
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static long fail_at = -1; /* allocations left before the failing one; -1: off */

static bool inject_failure(void)
{
    if (fail_at < 0)
        return false;
    return fail_at-- == 0;
}

void *malloc(size_t n)
{
    return inject_failure() ? NULL : __libc_malloc(n);
}
void *calloc(size_t n, size_t m)
{
    return inject_failure() ? NULL : __libc_calloc(n, m);
}
void *realloc(void *p, size_t n)
{
    return inject_failure() ? NULL : __libc_realloc(p, n);
}

/* Everything a state-test run does with these modules, given a parsed pre
 * object; returns the first error. */
static int oom_workload(json_object *pre, const seer_changeset *cs, seer_bytes32 *root)
{
    seer_memstore *s = NULL, *copy = NULL;
    int rc = seer_memstore_new(&s);
    if (rc == 0)
        rc = seer_json_load_pre(s, pre, "oom.json");
    if (rc == 0)
        rc = seer_memstore_state_root(s, root);
    if (rc == 0)
        rc = seer_memstore_apply(s, cs);
    if (rc == 0)
        rc = seer_memstore_clone(&copy, s);
    if (rc == 0)
        rc = seer_memstore_state_root(copy, root);
    seer_memstore_free(copy);
    seer_memstore_free(s);
    return rc;
}

START_TEST(test_out_of_memory)
{
    json_object *pre = json_tokener_parse(
        "{\"0x1000000000000000000000000000000000000001\": {\"balance\": \"0x10\", \"nonce\": \"0x1\", "
        "\"code\": \"0x600160015500\", \"storage\": {\"0x01\": \"0x02\", \"0x03\": \"0x04\", \"0x05\": "
        "\"0x06\"}},"
        "\"0x2000000000000000000000000000000000000002\": {\"balance\": \"0x20\", \"nonce\": \"0x0\", "
        "\"code\": "
        "\"0x\", \"storage\": {}},"
        "\"0x3000000000000000000000000000000000000003\": {\"balance\": \"0x30\", \"nonce\": \"0x0\", "
        "\"code\": "
        "\"0x\", \"storage\": {\"0x07\": \"0x08\"}}}");
    ck_assert_ptr_nonnull(pre);
    const uint8_t code[] = {0x60, 0x00, 0xf3};
    seer_slot_change sl[2] = {{u256_from_u64(1), U256_ZERO}, {u256_from_u64(9), u256_from_u64(10)}};
    seer_account_change ch[2];
    memset(ch, 0, sizeof ch);
    ch[0].addr.bytes[0] = 0x10;
    ch[0].addr.bytes[19] = 0x01;
    ch[0].account = (seer_account){
        .balance = u256_from_u64(1), .nonce = 2, .exists = true, .code_hash = SEER_EMPTY_CODE_HASH};
    ch[0].storage_cleared = true;
    ch[0].slots = sl;
    ch[0].nslots = 2;
    ch[1].addr.bytes[0] = 0x40;
    ch[1].account = (seer_account){.nonce = 1, .exists = true, .code_hash = keccak_of(code, sizeof code)};
    ch[1].code_changed = true;
    ch[1].code = code;
    ch[1].code_len = sizeof code;
    seer_changeset cs = {ch, 2};
    seer_bytes32 want, got;
    ck_assert_int_eq(oom_workload(pre, &cs, &want), 0);
    int failures = 0;
    for (long k = 0;; k++) {
        fail_at = k;
        int rc = oom_workload(pre, &cs, &got);
        bool fired = fail_at < 0;
        fail_at = -1;
        if (!fired) {
            ck_assert_int_eq(rc, 0);
            ck_assert(b32_eq(&got, &want));
            break;
        }
        ck_assert_msg(rc == SEER_ENOMEM, "allocation %ld failed: rc %d, want SEER_ENOMEM", k, rc);
        failures++;
        ck_assert_int_lt(k, 100000);
    }
    printf("out of memory: %d injected allocation failures, each gave SEER_ENOMEM\n", failures);
    ck_assert_int_gt(failures, 10);
    json_object_put(pre);
}
END_TEST
#endif

/* ---- json helpers ---- */

/* Loads a `pre` object from text and returns the error code; the detail is
 * left in seer_error_detail(). */
static int load_pre_text(const char *text)
{
    json_object *doc = json_tokener_parse(text);
    ck_assert_msg(doc != NULL, "test JSON does not parse: %s", text);
    seer_memstore *s;
    ck_assert_int_eq(seer_memstore_new(&s), 0);
    int rc = seer_json_load_pre(s, doc, "case.json");
    seer_memstore_free(s);
    json_object_put(doc);
    return rc;
}

#define A "\"0x095e7baea6a6c7c4c2dfeb977efac326af552d87\""

START_TEST(test_json_errors)
{
    ck_assert_int_eq(load_pre_text("{" A
                                   ": {\"balance\": \"0x10\", \"nonce\": \"0x1\", \"code\": \"0x6000\", "
                                   "\"storage\": {\"0x01\": \"0x02\"}}}"),
                     0);
    struct {
        const char *text, *needle;
    } bad[] = {
        {"{" A ": {\"nonce\": \"0x1\"}}", "pre.0x095e7baea6a6c7c4c2dfeb977efac326af552d87.balance"},
        {"{" A ": {\"balance\": \"0xzz\", \"nonce\": \"0x1\"}}",
         "pre.0x095e7baea6a6c7c4c2dfeb977efac326af552d87.balance"},
        {"{" A ": {\"balance\": \"1\", \"nonce\": \"0x10000000000000000\"}}", "exceeds 2^64-1"},
        {"{" A ": {\"balance\": \"1\", \"nonce\": \"0x10000000000000000\"}}",
         "pre.0x095e7baea6a6c7c4c2dfeb977efac326af552d87.nonce"},
        {"{" A ": {\"balance\": \"1\", \"nonce\": -1}}", ".nonce"},
        {"{" A ": {\"balance\": \"1\", \"nonce\": 18446744073709551616}}", ".nonce"},
        {"{" A ": {\"balance\": \"1\", \"nonce\": 1.5}}", ".nonce"},
        {"{" A ": {\"balance\": \"1\", \"nonce\": \"1\", \"code\": \"0x600\"}}", ".code"},
        {"{" A ": {\"balance\": \"1\", \"nonce\": \"1\", \"storage\": {\"0xg1\": \"0x01\"}}}",
         ".storage.0xg1"},
        {"{" A ": {\"balance\": \"1\", \"nonce\": \"1\", \"storage\": {\"0x01\": []}}}", ".storage.0x01"},
        {"{" A ": {\"balance\": \"1\", \"nonce\": \"1\", \"storage\": []}}", ".storage"},
        {"{\"0x095e7b\": {\"balance\": \"1\", \"nonce\": \"1\"}}", "pre.0x095e7b"},
        {"{" A ": {\"balance\": \"0x1" /* 65 digits */ "00000000000000000000000000000000000000000000000000000"
         "00000000000"
         "\", \"nonce\": \"1\"}}",
         "2^256-1"},
    };
    for (size_t i = 0; i < SEER_ARRAY_LEN(bad); i++) {
        seer_error_clear();
        int rc = load_pre_text(bad[i].text);
        ck_assert_msg(rc == SEER_EPARSE, "case %zu: rc %d", i, rc);
        ck_assert_msg(strstr(seer_error_detail(), bad[i].needle) != NULL, "case %zu: detail '%s' lacks '%s'",
                      i, seer_error_detail(), bad[i].needle);
        ck_assert_msg(strstr(seer_error_detail(), "case.json") != NULL, "case %zu: no file name in '%s'", i,
                      seer_error_detail());
    }

    /* The label names the object: a postState error says postState. */
    json_object *post = json_tokener_parse("{" A ": {\"balance\": \"1\", \"nonce\": \"0xq\"}}");
    seer_memstore *ps;
    ck_assert_int_eq(seer_memstore_new(&ps), 0);
    ck_assert_int_eq(seer_json_load_state(ps, post, "bc.json", "postState"), SEER_EPARSE);
    ck_assert_ptr_nonnull(strstr(
        seer_error_detail(), "bc.json: field 'postState.0x095e7baea6a6c7c4c2dfeb977efac326af552d87.nonce'"));
    seer_memstore_free(ps);
    json_object_put(post);

    /* Typed getters. */
    json_object *doc =
        json_tokener_parse("{\"n\": 42, \"h\": \"0x000000000000000000000000000000000000000000000000"
                           "0000000000000000ff\", \"d\": \"1000\", \"max\": \"0xffffffffffffffff\"}");
    ck_assert_ptr_nonnull(doc);
    json_object *v;
    uint64_t u;
    u256 w;
    ck_assert_int_eq(seer_json_get(&v, doc, "f.json", "n"), 0);
    ck_assert_int_eq(seer_json_u64(&u, v, "f.json", "n"), 0);
    ck_assert_uint_eq(u, 42);
    ck_assert_int_eq(seer_json_u256(&w, seer_json_get_opt(doc, "h"), "f.json", "h"), 0);
    ck_assert_uint_eq(w.w[0], 0xff);
    ck_assert_int_eq(seer_json_u64(&u, seer_json_get_opt(doc, "d"), "f.json", "d"), 0);
    ck_assert_uint_eq(u, 1000);
    ck_assert_int_eq(seer_json_u64(&u, seer_json_get_opt(doc, "max"), "f.json", "max"), 0);
    ck_assert_uint_eq(u, UINT64_MAX);
    seer_bytes32 b;
    ck_assert_int_eq(seer_json_bytes32(&b, seer_json_get_opt(doc, "h"), "f.json", "h"), SEER_EPARSE);
    ck_assert_ptr_nonnull(strstr(seer_error_detail(), "field 'h'"));
    ck_assert_int_eq(seer_json_get(&v, doc, "f.json", "missing"), SEER_EPARSE);
    ck_assert_ptr_nonnull(strstr(seer_error_detail(), "f.json: field 'missing'"));
    json_object_put(doc);

    ck_assert_int_eq(seer_json_parse_file(&doc, "/nonexistent/seer/x.json"), SEER_EIO);
    ck_assert_ptr_nonnull(strstr(seer_error_detail(), "/nonexistent/seer/x.json"));
}
END_TEST

/* ---- state roots of fixture states ---- */

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
        free(p);
        p = NULL;
    }
    if (p)
        p[n] = 0;
    fclose(f);
    return p;
}

static bool state_root_of(seer_bytes32 *out, json_object *state, const char *file, const char *label)
{
    seer_memstore *s;
    if (seer_memstore_new(&s))
        return false;
    int rc = seer_json_load_state(s, state, file, label);
    if (rc == 0)
        rc = seer_memstore_state_root(s, out);
    if (rc)
        printf("  %s: %s\n", file, seer_error_detail());
    seer_memstore_free(s);
    return rc == 0;
}

static bool hex_eq(const seer_bytes32 *h, json_object *want)
{
    char got[67];
    hex32(got, h);
    return want && json_object_is_type(want, json_type_string) &&
           strcasecmp(got, json_object_get_string(want)) == 0;
}

/* A transaction that fails validity (post entry with expectException)
 * leaves the state untouched, so that entry's post root is the root of
 * the pre-state. The cases are found at run time in the smoke list. */
START_TEST(test_statetest_invalid_tx_roots)
{
    char *list = read_text(test_fixture_path("ethereum-tests/smoke.txt"));
    ck_assert_msg(list != NULL, "cannot read %s", test_fixture_path("ethereum-tests/smoke.txt"));
    int files = 0, cases = 0, passed = 0;
    for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
        char rel[1024];
        snprintf(rel, sizeof rel, "ethereum-tests/GeneralStateTests/%s", line);
        char *text = read_text(test_fixture_path(rel));
        ck_assert_msg(text != NULL, "cannot read %s", rel);
        bool candidate = strstr(text, "expectException") != NULL;
        if (!candidate) {
            free(text);
            continue;
        }
        json_object *doc = json_tokener_parse(text);
        free(text);
        ck_assert_msg(doc != NULL, "%s does not parse", rel);
        files++;
        json_object_object_foreach(doc, name, t)
        {
            json_object *post = seer_json_get_opt(t, "post");
            seer_bytes32 root;
            bool have_root = false, root_ok = false;
            json_object_object_foreach(post, fork, entries)
            {
                (void)fork;
                for (size_t i = 0; i < json_object_array_length(entries); i++) {
                    json_object *e = json_object_array_get_idx(entries, i);
                    if (!seer_json_get_opt(e, "expectException"))
                        continue;
                    if (!have_root) {
                        root_ok = state_root_of(&root, seer_json_get_opt(t, "pre"), rel, "pre");
                        have_root = true;
                    }
                    cases++;
                    if (root_ok && hex_eq(&root, seer_json_get_opt(e, "hash")))
                        passed++;
                    else
                        printf("  %s/%s: pre-state root differs from post hash\n", rel, name);
                }
            }
        }
        json_object_put(doc);
    }
    free(list);
    printf("GeneralStateTests (smoke) invalid-tx cases: %d/%d post roots == pre-state root (%d files)\n",
           passed, cases, files);
    ck_assert_int_gt(cases, 0);
    ck_assert_int_eq(passed, cases);
}
END_TEST

static void walk_json_files(const char *dir, void (*fn)(const char *path, void *arg), void *arg)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    char *names[4096];
    size_t n = 0;
    while ((de = readdir(d)) && n < 4096) {
        if (de->d_name[0] == '.')
            continue;
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t l = strlen(names[i]);
        DIR *sub = opendir(path);
        if (sub) {
            closedir(sub);
            walk_json_files(path, fn, arg);
        } else if (l > 5 && strcmp(names[i] + l - 5, ".json") == 0) {
            fn(path, arg);
        }
        free(names[i]);
    }
}

typedef struct bc_counts {
    int tests, pre_ok, post_cases, post_ok, post_hash_only, files;
    int tx_roots, tx_roots_ok, wd_roots, wd_roots_ok;
} bc_counts;

/* Collects the trie values of a block body list: a legacy transaction or a
 * withdrawal is its RLP list as is, a typed transaction (EIP-2718) the
 * bytes of the string that wraps it. Returns the count, or -1. */
static int body_items(const seer_rlp_item *list, const uint8_t **vals, size_t *lens, int cap)
{
    seer_rlp_iter it;
    seer_rlp_item item;
    int n = 0, rc;
    if (seer_rlp_iter_init(&it, list))
        return -1;
    while ((rc = seer_rlp_iter_next(&it, &item)) == 1) {
        if (n == cap)
            return -1;
        vals[n] = item.is_list ? item.raw : item.payload;
        lens[n] = item.is_list ? item.raw_len : item.len;
        n++;
    }
    return rc == 0 ? n : -1;
}

/* The index trie over a valid block's transactions (and withdrawals, from
 * Shanghai on) against the header's transactionsTrie and withdrawalsRoot. */
static void bc_block_roots(bc_counts *c, json_object *block, const char *path)
{
    json_object *h = seer_json_get_opt(block, "blockHeader");
    const char *rlp_hex = json_object_get_string(seer_json_get_opt(block, "rlp"));
    if (!h || !rlp_hex)
        return;
    uint8_t *raw;
    size_t raw_len;
    ck_assert_int_eq(seer_hex_decode_alloc(&raw, &raw_len, rlp_hex), 0);
    seer_rlp_item blk, part;
    seer_rlp_iter it;
    ck_assert_msg(seer_rlp_decode(&blk, raw, raw_len) == 0 && seer_rlp_iter_init(&it, &blk) == 0,
                  "%s: block rlp", path);
    enum { CAP = 4096 };
    static const uint8_t *vals[CAP];
    static size_t lens[CAP];
    for (int idx = 0; seer_rlp_iter_next(&it, &part) == 1; idx++) {
        if (idx != 1 && idx != 3)
            continue; /* header, uncles */
        json_object *want = seer_json_get_opt(h, idx == 1 ? "transactionsTrie" : "withdrawalsRoot");
        int n = body_items(&part, vals, lens, CAP);
        ck_assert_msg(n >= 0, "%s: block body", path);
        seer_bytes32 r;
        int rc = seer_mpt_index_root(&r, vals, lens, (size_t)n);
        bool ok = rc == 0 && hex_eq(&r, want);
        if (idx == 1) {
            c->tx_roots++;
            c->tx_roots_ok += ok;
        } else {
            c->wd_roots++;
            c->wd_roots_ok += ok;
        }
        if (!ok)
            printf("  %s: %s root differs (%d items)\n", path, idx == 1 ? "transactions" : "withdrawals", n);
    }
    free(raw);
}

static void bc_file(const char *path, void *arg)
{
    bc_counts *c = arg;
    json_object *doc;
    ck_assert_msg(seer_json_parse_file(&doc, path) == 0, "%s", seer_error_detail());
    c->files++;
    json_object_object_foreach(doc, name, t)
    {
        c->tests++;
        json_object *genesis = seer_json_get_opt(t, "genesisBlockHeader");
        seer_bytes32 r;
        if (state_root_of(&r, seer_json_get_opt(t, "pre"), path, "pre") &&
            hex_eq(&r, seer_json_get_opt(genesis, "stateRoot")))
            c->pre_ok++;
        else
            printf("  %s/%s: pre root differs from the genesis stateRoot\n", path, name);

        json_object *blocks = seer_json_get_opt(t, "blocks");
        for (size_t i = 0; blocks && i < json_object_array_length(blocks); i++)
            bc_block_roots(c, json_object_array_get_idx(blocks, i), path);

        json_object *post = seer_json_get_opt(t, "postState");
        if (!post) {
            c->post_hash_only++;
            continue;
        }
        /* The post-state belongs to the chain head, lastblockhash: the
         * genesis or one of the valid blocks. */
        const char *last = json_object_get_string(seer_json_get_opt(t, "lastblockhash"));
        json_object *want = NULL;
        if (last && strcasecmp(last, json_object_get_string(seer_json_get_opt(genesis, "hash"))) == 0)
            want = seer_json_get_opt(genesis, "stateRoot");
        for (size_t i = 0; !want && last && blocks && i < json_object_array_length(blocks); i++) {
            json_object *h = seer_json_get_opt(json_object_array_get_idx(blocks, i), "blockHeader");
            json_object *hh = seer_json_get_opt(h, "hash");
            if (hh && strcasecmp(last, json_object_get_string(hh)) == 0)
                want = seer_json_get_opt(h, "stateRoot");
        }
        c->post_cases++;
        if (want && state_root_of(&r, post, path, "postState") && hex_eq(&r, want))
            c->post_ok++;
        else
            printf("  %s/%s: postState root differs from the head's stateRoot%s\n", path, name,
                   want ? "" : " (head block not found)");
    }
    json_object_put(doc);
}

START_TEST(test_blockchain_state_roots)
{
    bc_counts c;
    memset(&c, 0, sizeof c);
    walk_json_files(test_fixture_path("ethereum-tests/BlockchainTests"), bc_file, &c);
    printf("BlockchainTests: %d files; pre roots == genesis stateRoot: %d/%d; postState roots == head "
           "stateRoot: "
           "%d/%d (%d tests give only postStateHash, not checked here)\n",
           c.files, c.pre_ok, c.tests, c.post_ok, c.post_cases, c.post_hash_only);
    ck_assert_int_gt(c.tests, 0);
    ck_assert_int_eq(c.pre_ok, c.tests);
    ck_assert_int_eq(c.post_ok, c.post_cases);
    printf("BlockchainTests valid blocks: transactionsTrie %d/%d, withdrawalsRoot %d/%d (index tries)\n",
           c.tx_roots_ok, c.tx_roots, c.wd_roots_ok, c.wd_roots);
    ck_assert_int_gt(c.tx_roots, 0);
    ck_assert_int_gt(c.wd_roots, 0);
    ck_assert_int_eq(c.tx_roots_ok, c.tx_roots);
    ck_assert_int_eq(c.wd_roots_ok, c.wd_roots);
}
END_TEST

typedef struct mainnet_ctx {
    json_object *bytecodes;
    const char *bc_path;
    int blocks, accounts, codes, slots;
} mainnet_ctx;

/* Loads a block's pre_state.json and checks every value reads back
 * through the reader, code included (keccak = code_hash). */
static void mainnet_block(const char *dir, mainnet_ctx *m)
{
    char path[8960];
    snprintf(path, sizeof path, "%s/pre_state.json", dir);
    json_object *pre;
    ck_assert_msg(seer_json_parse_file(&pre, path) == 0, "%s", seer_error_detail());
    seer_memstore *s;
    ck_assert_int_eq(seer_memstore_new(&s), 0);
    int rc = seer_json_load_mainnet_pre(s, pre, path, m->bytecodes, m->bc_path);
    ck_assert_msg(rc == 0, "%s", seer_error_detail());
    ck_assert_uint_eq(seer_memstore_account_count(s), (size_t)json_object_object_length(pre));
    seer_state_reader rd = seer_memstore_reader(s);
    json_object_object_foreach(pre, key, a)
    {
        seer_address addr;
        ck_assert_int_eq(seer_json_parse_address(&addr, key, path, key), 0);
        seer_account acct;
        ck_assert_int_eq(rd.vt->get_account(rd.ctx, &addr, &acct), 0);
        ck_assert(acct.exists);
        uint64_t nonce;
        ck_assert_int_eq(seer_json_u64(&nonce, seer_json_get_opt(a, "nonce"), path, "nonce"), 0);
        ck_assert_uint_eq(acct.nonce, nonce);
        const uint8_t *code;
        size_t len;
        ck_assert_int_eq(rd.vt->get_code(rd.ctx, &acct.code_hash, &code, &len), 0);
        seer_bytes32 h = keccak_of(code, len);
        ck_assert(b32_eq(&h, &acct.code_hash));
        if (len)
            m->codes++;
        json_object_object_foreach(seer_json_get_opt(a, "storage"), sk, sv)
        {
            u256 k, want, got;
            ck_assert_int_eq(seer_json_parse_u256(&k, sk, path, sk), 0);
            ck_assert_int_eq(seer_json_u256(&want, sv, path, sk), 0);
            ck_assert_int_eq(rd.vt->get_storage(rd.ctx, &addr, &k, &got), 0);
            ck_assert(u256_eq(&got, &want));
            m->slots++;
        }
        m->accounts++;
    }
    seer_bytes32 root;
    ck_assert_int_eq(seer_memstore_state_root(s, &root), 0);
    seer_memstore_free(s);
    json_object_put(pre);
    m->blocks++;
}

START_TEST(test_mainnet_pre_states)
{
    char bc_path[8192], blocks[8192];
    snprintf(bc_path, sizeof bc_path, "%s", test_fixture_path("mainnet/bytecodes.json"));
    snprintf(blocks, sizeof blocks, "%s", test_fixture_path("mainnet/blocks"));
    mainnet_ctx m = {NULL, bc_path, 0, 0, 0, 0};
    ck_assert_msg(seer_json_parse_file(&m.bytecodes, bc_path) == 0, "%s", seer_error_detail());
    DIR *d = opendir(blocks);
    ck_assert_msg(d != NULL, "cannot open %s", blocks);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char dir[8704];
        snprintf(dir, sizeof dir, "%s/%s", blocks, de->d_name);
        mainnet_block(dir, &m);
    }
    closedir(d);

    /* block_hashes.json feeds BLOCKHASH. */
    json_object *bh;
    ck_assert_int_eq(seer_json_parse_file(&bh, test_fixture_path("mainnet/block_hashes.json")), 0);
    seer_memstore *s;
    ck_assert_int_eq(seer_memstore_new(&s), 0);
    ck_assert_int_eq(seer_json_load_block_hashes(s, bh, "block_hashes.json"), 0);
    seer_state_reader rd = seer_memstore_reader(s);
    int nh = 0;
    json_object_object_foreach(bh, num, hv)
    {
        seer_bytes32 got, want;
        ck_assert_int_eq(seer_json_bytes32(&want, hv, "block_hashes.json", num), 0);
        ck_assert_int_eq(rd.vt->get_block_hash(rd.ctx, strtoull(num, NULL, 10), &got), 0);
        ck_assert(b32_eq(&got, &want));
        nh++;
    }
    seer_memstore_free(s);
    json_object_put(bh);
    json_object_put(m.bytecodes);
    printf("mainnet pre-states: %d blocks, %d accounts (%d with code), %d slots read back; %d block hashes\n",
           m.blocks, m.accounts, m.codes, m.slots, nh);
    ck_assert_int_gt(m.blocks, 0);
    ck_assert_int_gt(m.codes, 0);
}
END_TEST

static Suite *mpt_suite(void)
{
    Suite *s = suite_create("mpt");
    TCase *tc = tcase_create("mpt_unit");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_empty_root);
    tcase_add_test(tc, test_single_key);
    tcase_add_test(tc, test_inline_boundary);
    tcase_add_test(tc, test_prefix_keys);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_random_properties);
    tcase_add_test(tc, test_index_root);
    suite_add_tcase(s, tc);

    tc = tcase_create("trie_fixtures");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_trie_fixtures);
    suite_add_tcase(s, tc);

    tc = tcase_create("memstore");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_memstore_basic);
    tcase_add_test(tc, test_memstore_root_single);
    tcase_add_test(tc, test_memstore_apply);
    tcase_add_test(tc, test_memstore_random_apply);
#ifndef TEST_NO_MALLOC_HOOK
    tcase_add_test(tc, test_out_of_memory);
#endif
    suite_add_tcase(s, tc);

    tc = tcase_create("json");
    tcase_add_test(tc, test_json_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("fixture_state_roots");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_statetest_invalid_tx_roots);
    tcase_add_test(tc, test_blockchain_state_roots);
    tcase_add_test(tc, test_mainnet_pre_states);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    test_seed("test_mpt");
    return test_run_suite(mpt_suite());
}

/* hashtab (uthash with non-fatal OOM) and seer_buf.
 *
 * The OOM tests replace uthash's allocator in this translation unit with
 * one that fails on demand, which is how uthash itself is meant to be
 * customised (uthash_malloc/uthash_free are overridable macros). They show
 * that a failed allocation inside SEER_HASH_ADD sets the caller's flag,
 * leaves the table exactly as it was, leaks nothing, and does not exit. */
#include "common/buf.h"
#include "common/state_iface.h"
#include "common/util.h"
#include "tests/test_util.h"

#include <stddef.h>

/* ---- failure-injecting allocator ---- */

static long alloc_live;     /* allocations not yet freed */
static long alloc_fail_at;  /* fail the n-th allocation from now (0 = next); -1 = never */
static bool alloc_fail_all; /* fail every allocation */

static void *test_malloc(size_t sz)
{
    if (alloc_fail_all)
        return NULL;
    if (alloc_fail_at == 0) {
        alloc_fail_at = -1;
        return NULL;
    }
    if (alloc_fail_at > 0)
        alloc_fail_at--;
    void *p = malloc(sz);
    if (p)
        alloc_live++;
    return p;
}

static void test_free(void *p)
{
    if (p)
        alloc_live--;
    free(p);
}

#define uthash_malloc(sz)    test_malloc(sz)
#define uthash_free(ptr, sz) test_free(ptr)
/* Under HASH_NONFATAL_OOM uthash never calls this; if it did, the test
 * fails instead of the process exiting. */
#define uthash_fatal(msg) ck_abort_msg("uthash_fatal called: %s", msg)
#include "common/hashtab.h"

static void alloc_reset(void)
{
    alloc_live = 0;
    alloc_fail_at = -1;
    alloc_fail_all = false;
}

/* ---- items keyed by seer_key, as the access sets are ---- */

typedef struct item {
    seer_key key;
    long value;
    UT_hash_handle hh;
} item;

static void make_key(seer_key *k, long i)
{
    memset(k, 0, sizeof *k); /* the pad bytes are part of the key */
    memcpy(k->addr, &i, sizeof i);
    k->field = (uint8_t)(i % 5);
    k->slot[31] = (uint8_t)(i * 7);
    k->slot[0] = (uint8_t)(i >> 8);
}

static item *new_item(long i)
{
    item *it = calloc(1, sizeof *it);
    ck_assert_ptr_nonnull(it);
    make_key(&it->key, i);
    it->value = i;
    return it;
}

static item *find(item *head, long i)
{
    seer_key k;
    item *out = NULL;
    make_key(&k, i);
    HASH_FIND(hh, head, &k, sizeof k, out);
    return out;
}

/* Adds through SEER_HASH_ADD; returns the oom flag. */
static bool add(item **head, item *it)
{
    bool oom = false;
    SEER_HASH_ADD(hh, *head, &it->key, sizeof it->key, it, &oom);
    ck_assert_ptr_null(seer_hash_oom_flag); /* the macro must not leave it armed */
    return oom;
}

/* Walks the table the way uthash stores it (insertion list and buckets) and
 * checks that both agree with num_items. */
static void check_consistent(item *head, long expect)
{
    if (!head) {
        ck_assert_int_eq(expect, 0);
        return;
    }
    UT_hash_table *tbl = head->hh.tbl;
    ck_assert_uint_eq(HASH_COUNT(head), (unsigned)expect);
    long n = 0;
    item *prev = NULL;
    for (item *it = head; it; it = it->hh.next) {
        if (it->hh.prev != prev)
            ck_abort_msg("insertion list broken at item %ld", it->value);
        if (it->hh.tbl != tbl)
            ck_abort_msg("item %ld points at another table", it->value);
        prev = it;
        n++;
    }
    ck_assert_int_eq(n, expect);
    ck_assert_ptr_eq(tbl->tail, &prev->hh);
    unsigned total = 0;
    for (unsigned b = 0; b < tbl->num_buckets; b++) {
        unsigned c = 0;
        for (UT_hash_handle *h = tbl->buckets[b].hh_head; h; h = h->hh_next)
            c++;
        if (c != tbl->buckets[b].count)
            ck_abort_msg("bucket %u holds %u items but counts %u", b, c, tbl->buckets[b].count);
        total += c;
    }
    ck_assert_uint_eq(total, (unsigned)expect);
}

static void clear_all(item **head)
{
    item *it, *tmp;
    HASH_ITER(hh, *head, it, tmp)
    {
        HASH_DEL(*head, it);
        free(it);
    }
    ck_assert_ptr_null(*head);
}

/* ---- basic operations ---- */

START_TEST(add_find_delete)
{
    alloc_reset();
    enum { N = 5000 };
    item *head = NULL;
    for (long i = 0; i < N; i++)
        ck_assert(!add(&head, new_item(i)));
    check_consistent(head, N);
    for (long i = 0; i < N; i++) {
        item *it = find(head, i);
        if (!it || it->value != i)
            ck_abort_msg("item %ld not found", i);
    }
    ck_assert_ptr_null(find(head, N));
    ck_assert_ptr_null(find(head, -1));

    /* iteration is insertion order */
    long expect = 0;
    for (item *it = head; it; it = it->hh.next)
        ck_assert_int_eq(it->value, expect++);

    for (long i = 0; i < N; i += 2) {
        item *it = find(head, i);
        HASH_DEL(head, it);
        free(it);
    }
    check_consistent(head, N / 2);
    for (long i = 0; i < N; i++) {
        item *it = find(head, i);
        if ((i % 2 == 0) != (it == NULL))
            ck_abort_msg("item %ld: found=%d after deleting the even ones", i, it != NULL);
    }
    clear_all(&head);
    ck_assert_int_eq(alloc_live, 0);
}
END_TEST

/* ---- injected allocation failures ---- */

START_TEST(oom_creating_table)
{
    alloc_reset();
    item *head = NULL;
    /* The first add allocates the table header, then its buckets: fail
     * each in turn. */
    for (long fail = 0; fail < 2; fail++) {
        item *it = new_item(1);
        alloc_fail_at = fail;
        ck_assert_msg(add(&head, it), "allocation %ld failed but oom was not reported", fail);
        ck_assert_ptr_null(head);
        ck_assert_ptr_null(it->hh.tbl);
        ck_assert_int_eq(alloc_live, 0); /* the partial table was freed */
        free(it);
    }
    /* The same table works once memory is back. */
    alloc_fail_at = -1;
    ck_assert(!add(&head, new_item(1)));
    ck_assert_ptr_nonnull(find(head, 1));
    check_consistent(head, 1);
    clear_all(&head);
    ck_assert_int_eq(alloc_live, 0);
}
END_TEST

START_TEST(oom_expanding_buckets)
{
    alloc_reset();
    item *head = NULL;
    ck_assert(!add(&head, new_item(0)));
    /* With every allocation failing, adds succeed until one needs to grow
     * the bucket array; that add must fail cleanly. */
    alloc_fail_all = true;
    long n = 1;
    bool oom = false;
    item *it = NULL;
    for (; n < 100000; n++) {
        it = new_item(n);
        oom = add(&head, it);
        if (oom)
            break;
    }
    ck_assert_msg(oom, "no add needed an allocation in %ld items", n);
    unsigned buckets = head->hh.tbl->num_buckets;
    long live = alloc_live;
    /* The failed item is not in the table; everything before it is. */
    ck_assert_ptr_null(it->hh.tbl);
    ck_assert_ptr_null(find(head, n));
    check_consistent(head, n);
    for (long i = 0; i < n; i++)
        if (!find(head, i))
            ck_abort_msg("item %ld lost after the failed add", i);
    ck_assert_int_eq(alloc_live, live);

    /* Deleting still works while allocation fails. */
    item *victim = find(head, 0);
    HASH_DEL(head, victim);
    free(victim);
    check_consistent(head, n - 1);

    /* Memory comes back: the same element can be added and the table grows. */
    alloc_fail_all = false;
    ck_assert(!add(&head, it));
    ck_assert_ptr_eq(find(head, n), it);
    check_consistent(head, n);
    ck_assert_uint_gt(head->hh.tbl->num_buckets, buckets);
    clear_all(&head);
    ck_assert_int_eq(alloc_live, 0);
}
END_TEST

START_TEST(oom_flag_is_per_call)
{
    alloc_reset();
    item *head = NULL;
    bool first = false, second = false;
    item *a = new_item(1), *b = new_item(2);
    alloc_fail_all = true;
    SEER_HASH_ADD(hh, head, &a->key, sizeof a->key, a, &first);
    alloc_fail_all = false;
    SEER_HASH_ADD(hh, head, &b->key, sizeof b->key, b, &second);
    ck_assert(first);
    ck_assert(!second); /* a success does not touch the flag */
    ck_assert_ptr_null(seer_hash_oom_flag);
    check_consistent(head, 1);
    free(a);
    clear_all(&head);
}
END_TEST

/* ---- seer_buf ---- */

/* Random appends, pushes and inserts (including slices of the buffer
 * itself) against a plain array model. */
START_TEST(buf_model)
{
    test_rng rng;
    test_rng_init(&rng, test_seed("hashtab"));
    enum { CAP = 1 << 16 };
    uint8_t *model = malloc(CAP), *tmp = malloc(CAP);
    ck_assert_ptr_nonnull(model);
    ck_assert_ptr_nonnull(tmp);
    size_t mlen = 0;
    seer_buf b = SEER_BUF_INIT;
    for (int step = 0; step < 4000; step++) {
        unsigned op = (unsigned)(test_rng_next(&rng) % 5);
        size_t len = (size_t)(test_rng_next(&rng) % 40);
        if (mlen + len >= CAP)
            break;
        uint8_t src[40];
        for (size_t i = 0; i < len; i++)
            src[i] = (uint8_t)test_rng_next(&rng);
        size_t pos = mlen ? (size_t)(test_rng_next(&rng) % (mlen + 1)) : 0;
        if (op == 0) {
            seer_buf_append(&b, src, len);
            memcpy(model + mlen, src, len);
            mlen += len;
        } else if (op == 1) {
            seer_buf_push(&b, src[0]);
            model[mlen++] = src[0];
        } else if (op == 2) {
            seer_buf_insert(&b, pos, src, len);
            memmove(model + pos + len, model + pos, mlen - pos);
            memcpy(model + pos, src, len);
            mlen += len;
        } else if (mlen > 0) {
            /* a slice of the buffer itself, appended (op 3) or inserted (op 4) */
            size_t off = (size_t)(test_rng_next(&rng) % mlen);
            size_t n = len < mlen - off ? len : mlen - off;
            memcpy(tmp, model + off, n);
            if (op == 3) {
                seer_buf_append(&b, b.p + off, n);
                memcpy(model + mlen, tmp, n);
            } else {
                seer_buf_insert(&b, pos, b.p + off, n);
                memmove(model + pos + n, model + pos, mlen - pos);
                memcpy(model + pos, tmp, n);
            }
            mlen += n;
        }
        ck_assert(!b.oom);
        if (b.len != mlen || (mlen && memcmp(b.p, model, mlen) != 0))
            ck_abort_msg("buffer differs from the model after step %d (op %u)", step, op);
        ck_assert_uint_ge(b.cap, b.len);
    }
    seer_buf_reset(&b);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_uint_gt(b.cap, 0); /* reset keeps the memory */
    seer_buf_free(&b);
    ck_assert_ptr_null(b.p);
    ck_assert_uint_eq(b.cap, 0);
    free(model);
    free(tmp);
}
END_TEST

START_TEST(buf_oom_is_sticky)
{
    seer_buf b = SEER_BUF_INIT;
    seer_buf_append(&b, "abc", 3);
    ck_assert(!b.oom);
    /* len + extra overflows size_t: the reservation fails (without calling
     * realloc, so sanitizers that trap huge allocations stay quiet). */
    ck_assert(!seer_buf_reserve(&b, SIZE_MAX));
    ck_assert(b.oom);
    ck_assert_uint_eq(b.len, 3);
    /* Later writes are dropped, even ones that would fit. */
    seer_buf_push(&b, 'd');
    seer_buf_append(&b, "ef", 2);
    seer_buf_insert(&b, 0, "g", 1);
    ck_assert(!seer_buf_reserve(&b, 1));
    ck_assert_uint_eq(b.len, 3);
    ck_assert_mem_eq(b.p, "abc", 3);
    /* reset starts a new item: the flag clears and writes work again */
    seer_buf_reset(&b);
    ck_assert(!b.oom);
    seer_buf_append(&b, "x", 1);
    ck_assert_uint_eq(b.len, 1);
    ck_assert_mem_eq(b.p, "x", 1);
    seer_buf_free(&b);
    ck_assert(!b.oom);
    /* Empty appends on an empty buffer allocate nothing. */
    seer_buf_append(&b, NULL, 0);
    ck_assert_ptr_null(b.p);
}
END_TEST

static Suite *hashtab_suite(void)
{
    Suite *s = suite_create("hashtab");
    TCase *tc = tcase_create("basic");
    tcase_add_test(tc, add_find_delete);
    suite_add_tcase(s, tc);

    tc = tcase_create("oom");
    tcase_add_test(tc, oom_creating_table);
    tcase_add_test(tc, oom_expanding_buckets);
    tcase_add_test(tc, oom_flag_is_per_call);
    suite_add_tcase(s, tc);

    tc = tcase_create("buf");
    tcase_add_test(tc, buf_model);
    tcase_add_test(tc, buf_oom_is_sticky);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    test_seed("hashtab");
    return test_run_suite(hashtab_suite());
}

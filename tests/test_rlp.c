/* RLP: encoding of strings, integers and lists at every header boundary;
 * strict decoding with the byte offset of each error; canonical integers;
 * hostile nesting; random round trips and mutations; and every case of
 * ethereum/tests RLPTests, read at run time. */
#include "common/hex.h"
#include "common/rlp.h"
#include "common/util.h"
#include "test_util.h"

#include <dirent.h>
#include <json-c/json.h>

static test_rng rng;

static void rng_setup(void)
{
    test_rng_init(&rng, test_seed("test_rlp"));
}

static void assert_detail_has(const char *what)
{
    const char *d = seer_error_detail();
    ck_assert_msg(strstr(d, what) != NULL, "detail \"%s\" does not contain \"%s\"", d, what);
}

static void assert_detail_byte(size_t offset)
{
    char want[64];
    snprintf(want, sizeof want, "at byte %zu", offset);
    assert_detail_has(want);
}

/* Decodes a hex literal into a static buffer. */
static const uint8_t *unhex(const char *s, size_t *n)
{
    static uint8_t buf[4096];
    ck_assert_int_eq(seer_hex_decode(buf, sizeof buf, n, s, strlen(s)), 0);
    return buf;
}

static void assert_buf_hex(const seer_buf *b, const char *hex)
{
    size_t n;
    const uint8_t *want = unhex(hex, &n);
    ck_assert(!b->oom);
    ck_assert_uint_eq(b->len, n);
    if (n > 0)
        ck_assert_mem_eq(b->p, want, n);
}

/* Re-encodes a decoded item from its parts (not its raw bytes), so that a
 * decoder which accepted a non-canonical form would produce a mismatch.
 * Recursive: used on shallow inputs only. */
static int reencode(seer_buf *b, const seer_rlp_item *it)
{
    if (!it->is_list) {
        seer_rlp_put_bytes(b, it->payload, it->len);
        return 0;
    }
    seer_rlp_iter iter;
    seer_rlp_item sub;
    int rc = seer_rlp_iter_init(&iter, it);
    if (rc < 0)
        return rc;
    size_t mark = seer_rlp_list_begin(b);
    while ((rc = seer_rlp_iter_next(&iter, &sub)) == 1)
        if ((rc = reencode(b, &sub)) < 0)
            return rc;
    if (rc < 0)
        return rc;
    seer_rlp_list_end(b, mark);
    return 0;
}

/* ---- encoding ---- */

START_TEST(test_encode_strings)
{
    seer_buf b = SEER_BUF_INIT;
    seer_rlp_put_bytes(&b, "", 0);
    assert_buf_hex(&b, "80");
    seer_buf_reset(&b);
    seer_rlp_put_bytes(&b, "\x00", 1);
    assert_buf_hex(&b, "00");
    seer_buf_reset(&b);
    seer_rlp_put_bytes(&b, "\x7f", 1);
    assert_buf_hex(&b, "7f");
    seer_buf_reset(&b);
    seer_rlp_put_bytes(&b, "\x80", 1);
    assert_buf_hex(&b, "8180");
    seer_buf_reset(&b);
    seer_rlp_put_bytes(&b, "dog", 3);
    assert_buf_hex(&b, "83646f67");

    /* Header boundaries: 55 short, 56 long with 1 length byte, 256 with 2,
     * 65536 with 3. */
    static uint8_t big[65536];
    memset(big, 0xab, sizeof big);
    static const struct {
        size_t len;
        uint8_t hdr[4];
        size_t hlen;
    } cases[] = {
        {55, {0xb7}, 1},
        {56, {0xb8, 56}, 2},
        {255, {0xb8, 0xff}, 2},
        {256, {0xb9, 0x01, 0x00}, 3},
        {65535, {0xb9, 0xff, 0xff}, 3},
        {65536, {0xba, 0x01, 0x00, 0x00}, 4},
    };
    for (size_t i = 0; i < SEER_ARRAY_LEN(cases); i++) {
        seer_buf_reset(&b);
        seer_rlp_put_bytes(&b, big, cases[i].len);
        ck_assert(!b.oom);
        ck_assert_uint_eq(b.len, cases[i].hlen + cases[i].len);
        ck_assert_mem_eq(b.p, cases[i].hdr, cases[i].hlen);
        ck_assert_mem_eq(b.p + cases[i].hlen, big, cases[i].len);
    }
    seer_buf_free(&b);
}
END_TEST

START_TEST(test_encode_integers)
{
    static const struct {
        uint64_t v;
        const char *hex;
    } cases[] = {
        {0, "80"},
        {1, "01"},
        {0x7f, "7f"},
        {0x80, "8180"},
        {0xff, "81ff"},
        {0x100, "820100"},
        {1000, "8203e8"},
        {0x0102030405060708ULL, "880102030405060708"},
        {UINT64_MAX, "88ffffffffffffffff"},
    };
    seer_buf b = SEER_BUF_INIT;
    for (size_t i = 0; i < SEER_ARRAY_LEN(cases); i++) {
        seer_buf_reset(&b);
        seer_rlp_put_u64(&b, cases[i].v);
        assert_buf_hex(&b, cases[i].hex);
        /* The u256 encoder agrees on every value that fits 64 bits. */
        seer_buf_reset(&b);
        u256 w = u256_from_u64(cases[i].v);
        seer_rlp_put_u256(&b, &w);
        assert_buf_hex(&b, cases[i].hex);
    }
    u256 w = {{0, 0, 0, 1}}; /* 2^192 */
    seer_buf_reset(&b);
    seer_rlp_put_u256(&b, &w);
    assert_buf_hex(&b, "9901"
                       "000000000000000000000000000000000000000000000000");
    w = U256_MAX;
    seer_buf_reset(&b);
    seer_rlp_put_u256(&b, &w);
    assert_buf_hex(&b, "a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    w = (u256){{0x0807060504030201ULL, 0x100f0e0d0c0b0a09ULL, 0, 0}};
    seer_buf_reset(&b);
    seer_rlp_put_u256(&b, &w);
    assert_buf_hex(&b, "90100f0e0d0c0b0a090807060504030201");
    seer_buf_free(&b);
}
END_TEST

START_TEST(test_encode_lists)
{
    seer_buf b = SEER_BUF_INIT;
    size_t m = seer_rlp_list_begin(&b);
    seer_rlp_list_end(&b, m);
    assert_buf_hex(&b, "c0");

    /* [[], [[]], [[], [[]]]] (the yellow paper's set-theoretic 3) */
    seer_buf_reset(&b);
    size_t m0 = seer_rlp_list_begin(&b);
    size_t m1 = seer_rlp_list_begin(&b);
    seer_rlp_list_end(&b, m1);
    m1 = seer_rlp_list_begin(&b);
    size_t m2 = seer_rlp_list_begin(&b);
    seer_rlp_list_end(&b, m2);
    seer_rlp_list_end(&b, m1);
    m1 = seer_rlp_list_begin(&b);
    m2 = seer_rlp_list_begin(&b);
    seer_rlp_list_end(&b, m2);
    m2 = seer_rlp_list_begin(&b);
    size_t m3 = seer_rlp_list_begin(&b);
    seer_rlp_list_end(&b, m3);
    seer_rlp_list_end(&b, m2);
    seer_rlp_list_end(&b, m1);
    seer_rlp_list_end(&b, m0);
    assert_buf_hex(&b, "c7c0c1c0c3c0c1c0");

    /* A list whose payload is exactly 55 and 56 bytes; put_raw is verbatim. */
    uint8_t s54[54];
    memset(s54, 'x', sizeof s54);
    seer_buf_reset(&b);
    m = seer_rlp_list_begin(&b);
    seer_rlp_put_bytes(&b, s54, 54); /* 55 bytes with its header */
    seer_rlp_list_end(&b, m);
    ck_assert_uint_eq(b.len, 56);
    ck_assert_uint_eq(b.p[0], 0xf7);
    seer_buf_reset(&b);
    m = seer_rlp_list_begin(&b);
    seer_rlp_put_bytes(&b, s54, 54);
    seer_rlp_put_raw(&b, "\xc0", 1);
    seer_rlp_list_end(&b, m);
    ck_assert_uint_eq(b.len, 58);
    ck_assert_uint_eq(b.p[0], 0xf8);
    ck_assert_uint_eq(b.p[1], 56);
    ck_assert_uint_eq(b.p[57], 0xc0);
    seer_buf_free(&b);
}
END_TEST

/* ---- strict decoding ---- */

/* Expects seer_rlp_decode_full to reject `hex` naming byte `at` and the
 * phrase `what`. */
static void expect_reject(const char *hex, size_t at, const char *what)
{
    size_t n;
    const uint8_t *in = unhex(hex, &n);
    seer_rlp_item it;
    seer_error_clear();
    int rc = seer_rlp_decode_full(&it, in, n);
    ck_assert_msg(rc == SEER_ERLP, "%s: accepted (rc %d)", hex, rc);
    assert_detail_byte(at);
    assert_detail_has(what);
}

START_TEST(test_decode_valid_shapes)
{
    size_t n;
    const uint8_t *in = unhex("c6827a77c10401", &n);
    seer_rlp_item it, sub;
    ck_assert_int_eq(seer_rlp_decode_full(&it, in, n), 0);
    ck_assert(it.is_list);
    ck_assert_uint_eq(it.len, 6);
    ck_assert_uint_eq(it.raw_len, 7);
    ck_assert_uint_eq(it.offset, 0);
    ck_assert_int_eq(seer_rlp_list_count(&it), 3);

    seer_rlp_iter iter;
    ck_assert_int_eq(seer_rlp_iter_init(&iter, &it), 0);
    ck_assert_int_eq(seer_rlp_iter_next(&iter, &sub), 1);
    ck_assert(!sub.is_list);
    ck_assert_uint_eq(sub.offset, 1);
    ck_assert_uint_eq(sub.len, 2);
    ck_assert_mem_eq(sub.payload, "zw", 2);
    ck_assert_int_eq(seer_rlp_iter_next(&iter, &sub), 1);
    ck_assert(sub.is_list);
    ck_assert_uint_eq(sub.offset, 4);
    seer_rlp_iter inner;
    seer_rlp_item four;
    ck_assert_int_eq(seer_rlp_iter_init(&inner, &sub), 0);
    ck_assert_int_eq(seer_rlp_iter_next(&inner, &four), 1);
    ck_assert_uint_eq(four.offset, 5);
    uint64_t v;
    ck_assert_int_eq(seer_rlp_get_u64(&v, &four), 0);
    ck_assert_uint_eq(v, 4);
    ck_assert_int_eq(seer_rlp_iter_next(&inner, &four), 0);
    ck_assert_int_eq(seer_rlp_iter_next(&iter, &sub), 1);
    ck_assert_uint_eq(sub.offset, 6);
    ck_assert_int_eq(seer_rlp_iter_next(&iter, &sub), 0);

    /* A string is not a list. */
    in = unhex("83646f67", &n);
    ck_assert_int_eq(seer_rlp_decode(&it, in, n), 0);
    ck_assert_int_eq(seer_rlp_iter_init(&iter, &it), SEER_ERLP);
    assert_detail_byte(0);
    ck_assert_int_eq(seer_rlp_list_count(&it), SEER_ERLP);
}
END_TEST

START_TEST(test_decode_noncanonical)
{
    expect_reject("8100", 0, "single byte");
    expect_reject("817f", 0, "single byte");
    expect_reject("c3018105", 2, "single byte"); /* nested: offset in the whole input */
    expect_reject("b800", 1, "leading zero");
    expect_reject("b90040", 1, "leading zero");
    expect_reject("f800", 1, "leading zero");
    expect_reject("c4f9003700", 2, "leading zero");
    expect_reject("b801ff", 0, "below 56");
    expect_reject("b837", 0, "below 56"); /* 55 in long form */
    expect_reject("f803112233", 0, "below 56");
}
END_TEST

START_TEST(test_decode_truncated)
{
    expect_reject("", 0, "empty");
    expect_reject("81", 0, "past the end");
    expect_reject("c5010203", 0, "past the end");
    expect_reject("b8", 0, "past the end");     /* the length itself is cut */
    expect_reject("bb0100", 0, "past the end"); /* 4-byte length, 2 present */
    expect_reject("b838"
                  "00",
                  0, "past the end"); /* 56 declared, 1 present */
    expect_reject("f90180", 0, "past the end");
    expect_reject("c3c38180", 1, "past the end");   /* inner list overruns outer */
    expect_reject("c48200c1c1", 4, "past the end"); /* last item overruns its list */
    expect_reject("c3c18180", 2, "past the end");   /* judged against the inner list, not the input */
}
END_TEST

START_TEST(test_decode_trailing)
{
    expect_reject("8000", 1, "trailing");
    expect_reject("c0c0", 1, "trailing");
    expect_reject("83646f6700", 4, "trailing");
    seer_rlp_item it;
    /* Lazy decode alone also rejects trailing bytes. */
    ck_assert_int_eq(seer_rlp_decode(&it, (const uint8_t *)"\x01\x02", 2), SEER_ERLP);
    assert_detail_byte(1);
}
END_TEST

START_TEST(test_decode_huge_lengths)
{
    /* Lengths near 2^64: a header + payload sum would wrap a size_t, so the
     * decoder must compare with what is left, never add. */
    expect_reject("bfffffffffffffffff00", 0, "past the end");
    expect_reject("bffffffffffffffff7", 0, "past the end");
    expect_reject("ffffffffffffffffff0001020304050607", 0, "past the end");
    expect_reject("ffffffffffffffffff", 0, "past the end");
    expect_reject("bf0f000000000000021111", 0, "past the end");
    expect_reject("c2bf01", 1, "past the end");
    /* 2^64 - 9 + 9 header bytes == 0 (mod 2^64): a wrapping sum would
     * accept this as spanning exactly the input. */
    expect_reject("bffffffffffffffff7"
                  "00",
                  0, "past the end");
    expect_reject("fffffffffffffffff7", 0, "past the end");
}
END_TEST

START_TEST(test_decode_null_arguments)
{
    seer_rlp_item it;
    ck_assert_int_eq(seer_rlp_decode(NULL, (const uint8_t *)"\x80", 1), SEER_EINVAL);
    ck_assert_int_eq(seer_rlp_decode(&it, NULL, 1), SEER_EINVAL);
    ck_assert_int_eq(seer_rlp_decode(&it, NULL, 0), SEER_ERLP);
    ck_assert_int_eq(seer_rlp_validate(NULL), SEER_EINVAL);
    seer_rlp_iter iter;
    ck_assert_int_eq(seer_rlp_iter_init(&iter, NULL), SEER_EINVAL);
    ck_assert_int_eq(seer_rlp_iter_next(NULL, &it), SEER_EINVAL);
    ck_assert_int_eq(seer_rlp_iter_next(&iter, NULL), SEER_EINVAL);
    uint64_t v;
    ck_assert_int_eq(seer_rlp_get_u64(&v, NULL), SEER_EINVAL);
}
END_TEST

/* ---- integers ---- */

static int get_u64_hex(uint64_t *v, const char *hex)
{
    size_t n;
    const uint8_t *in = unhex(hex, &n);
    seer_rlp_item it;
    ck_assert_int_eq(seer_rlp_decode(&it, in, n), 0);
    return seer_rlp_get_u64(v, &it);
}

static int get_u256_hex(u256 *v, const char *hex)
{
    size_t n;
    const uint8_t *in = unhex(hex, &n);
    seer_rlp_item it;
    ck_assert_int_eq(seer_rlp_decode(&it, in, n), 0);
    return seer_rlp_get_u256(v, &it);
}

START_TEST(test_integers)
{
    uint64_t v = 99;
    ck_assert_int_eq(get_u64_hex(&v, "80"), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_int_eq(get_u64_hex(&v, "7f"), 0);
    ck_assert_uint_eq(v, 0x7f);
    ck_assert_int_eq(get_u64_hex(&v, "8203e8"), 0);
    ck_assert_uint_eq(v, 1000);
    ck_assert_int_eq(get_u64_hex(&v, "88ffffffffffffffff"), 0);
    ck_assert_uint_eq(v, UINT64_MAX);

    /* Zero is the empty string, so a 0x00 byte is a leading zero. */
    ck_assert_int_eq(get_u64_hex(&v, "00"), SEER_ERLP);
    assert_detail_byte(0);
    assert_detail_has("leading zero");
    ck_assert_int_eq(get_u64_hex(&v, "820001"), SEER_ERLP);
    assert_detail_byte(1);
    ck_assert_int_eq(get_u64_hex(&v, "89010000000000000000"), SEER_ERLP);
    assert_detail_has("more than 8");
    ck_assert_int_eq(get_u64_hex(&v, "c0"), SEER_ERLP);
    assert_detail_has("list");

    u256 w;
    ck_assert_int_eq(get_u256_hex(&w, "89010000000000000000"), 0);
    ck_assert(w.w[0] == 0 && w.w[1] == 1 && w.w[2] == 0 && w.w[3] == 0);
    ck_assert_int_eq(get_u256_hex(&w, "a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
                     0);
    ck_assert(u256_eq(&w, &U256_MAX));
    ck_assert_int_eq(get_u256_hex(&w, "a0"
                                      "0000000000000000000000000000000000000000000000000000000000000001"),
                     SEER_ERLP);
    ck_assert_int_eq(get_u256_hex(&w, "a1010000000000000000000000000000000000000000000000000000000000000000"),
                     SEER_ERLP);
    assert_detail_has("more than 32");
    ck_assert_int_eq(get_u256_hex(&w, "80"), 0);
    ck_assert(u256_is_zero(&w));
}
END_TEST

START_TEST(test_integer_round_trip)
{
    seer_buf b = SEER_BUF_INIT;
    for (int i = 0; i < 2000; i++) {
        /* Values of every byte length, so each minimal width is hit. */
        unsigned bits = (unsigned)(test_rng_next(&rng) % 257);
        u256 w = {{0, 0, 0, 0}};
        for (unsigned k = 0; k < bits; k += 64) {
            uint64_t r = test_rng_next(&rng);
            unsigned take = bits - k < 64 ? bits - k : 64;
            w.w[k / 64] = take == 64 ? r : r & ((1ULL << take) - 1);
        }
        seer_buf_reset(&b);
        seer_rlp_put_u256(&b, &w);
        ck_assert(!b.oom);
        seer_rlp_item it;
        ck_assert_int_eq(seer_rlp_decode(&it, b.p, b.len), 0);
        u256 back;
        ck_assert_int_eq(seer_rlp_get_u256(&back, &it), 0);
        ck_assert(u256_eq(&back, &w));
        if (u256_fits_u64(&w)) {
            uint64_t v;
            ck_assert_int_eq(seer_rlp_get_u64(&v, &it), 0);
            ck_assert_uint_eq(v, w.w[0]);
            seer_buf c = SEER_BUF_INIT;
            seer_rlp_put_u64(&c, w.w[0]);
            ck_assert_uint_eq(c.len, b.len);
            ck_assert_mem_eq(c.p, b.p, b.len);
            seer_buf_free(&c);
        }
    }
    seer_buf_free(&b);
}
END_TEST

/* ---- nesting ---- */

/* depth nested lists around an empty list: c? c? ... c0. Written back to
 * front with the header rule spelled out here, independently of the
 * encoder (list_end at position 0 would memmove the whole buffer per level). */
static uint8_t *build_nested(size_t depth, size_t *outlen)
{
    size_t cap = 1 + 9 * depth;
    uint8_t *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    size_t pos = cap;
    buf[--pos] = 0xc0;
    for (size_t i = 0; i < depth; i++) {
        size_t payload = cap - pos;
        if (payload < 56) {
            buf[--pos] = (uint8_t)(0xc0 + payload);
        } else {
            uint8_t n = 0;
            for (size_t t = payload; t; t >>= 8) {
                buf[--pos] = (uint8_t)t;
                n++;
            }
            buf[--pos] = (uint8_t)(0xf7 + n);
        }
    }
    memmove(buf, buf + pos, cap - pos);
    *outlen = cap - pos;
    return buf;
}

START_TEST(test_deep_nesting)
{
    /* Far deeper than any recursive decoder's stack would allow. */
    enum { DEPTH = 200000 };
    size_t len;
    uint8_t *in = build_nested(DEPTH, &len);
    seer_rlp_item it;
    ck_assert_int_eq(seer_rlp_decode_full(&it, in, len), 0);
    ck_assert(it.is_list);
    free(in);

    /* A small case checked against the encoder: [[[]]] */
    uint8_t *small = build_nested(2, &len);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(small, "\xc2\xc1\xc0", 3);
    free(small);

    /* Corrupt the innermost list into a string that claims a byte that is
     * not there: the error names its offset, found through every level. */
    in = build_nested(DEPTH, &len);
    size_t inner = len - 1;
    ck_assert_uint_eq(in[inner], 0xc0);
    in[inner] = 0x81;
    ck_assert_int_eq(seer_rlp_decode_full(&it, in, len), SEER_ERLP);
    assert_detail_byte(inner);
    free(in);
}
END_TEST

/* ---- random structures ---- */

/* Appends a random item of at most `depth` levels. */
static void random_item(seer_buf *b, int depth)
{
    uint64_t r = test_rng_next(&rng);
    if (depth > 0 && r % 3 == 0) {
        size_t m = seer_rlp_list_begin(b);
        int n = (int)(test_rng_next(&rng) % 6);
        if (depth == 1 && test_rng_next(&rng) % 4 == 0)
            n += 20; /* pushes some list payloads past 55 bytes */
        for (int i = 0; i < n; i++)
            random_item(b, depth - 1);
        seer_rlp_list_end(b, m);
        return;
    }
    /* String lengths cluster around the header boundaries. */
    static const size_t lens[] = {0, 1, 1, 1, 2, 54, 55, 56, 57, 255, 256, 300};
    size_t len = lens[(r >> 8) % SEER_ARRAY_LEN(lens)];
    uint8_t s[300];
    for (size_t i = 0; i < len; i++)
        s[i] = (uint8_t)test_rng_next(&rng);
    seer_rlp_put_bytes(b, s, len);
}

START_TEST(test_random_round_trip_and_mutations)
{
    seer_buf b = SEER_BUF_INIT, c = SEER_BUF_INIT;
    int accepted_mutants = 0, rejected_mutants = 0;
    for (int iter = 0; iter < 600; iter++) {
        seer_buf_reset(&b);
        random_item(&b, 4);
        ck_assert(!b.oom);
        seer_rlp_item it;
        ck_assert_int_eq(seer_rlp_decode_full(&it, b.p, b.len), 0);
        seer_buf_reset(&c);
        ck_assert_int_eq(reencode(&c, &it), 0);
        ck_assert_uint_eq(c.len, b.len);
        ck_assert_mem_eq(c.p, b.p, b.len);

        /* Mutants: canonical RLP is unique, so whatever a strict decoder
         * accepts must re-encode to exactly the same bytes. */
        for (int m = 0; m < 8; m++) {
            seer_buf_reset(&c);
            seer_buf_append(&c, b.p, b.len);
            size_t len = c.len;
            switch (test_rng_next(&rng) % 3) {
            case 0: c.p[test_rng_next(&rng) % len] ^= (uint8_t)(1u << (test_rng_next(&rng) % 8)); break;
            case 1: c.p[test_rng_next(&rng) % len] = (uint8_t)test_rng_next(&rng); break;
            default: len = (size_t)(test_rng_next(&rng) % len); break;
            }
            seer_rlp_item mit;
            int rc = seer_rlp_decode_full(&mit, c.p, len);
            if (rc < 0) {
                ck_assert_int_eq(rc, SEER_ERLP);
                ck_assert_ptr_nonnull(strstr(seer_error_detail(), "at byte "));
                rejected_mutants++;
                continue;
            }
            seer_buf d = SEER_BUF_INIT;
            ck_assert_int_eq(reencode(&d, &mit), 0);
            ck_assert_uint_eq(d.len, len);
            ck_assert_mem_eq(d.p, c.p, len);
            seer_buf_free(&d);
            accepted_mutants++;
        }
    }
    printf("test_rlp: random mutants: %d rejected, %d accepted and re-encoded identically\n",
           rejected_mutants, accepted_mutants);
    fflush(stdout); /* check may end a failing forked test without flushing */
    ck_assert_int_gt(rejected_mutants, 0);
    seer_buf_free(&b);
    seer_buf_free(&c);
}
END_TEST

/* ---- ethereum/tests RLPTests ---- */

/* "#<decimal>" -> minimal big-endian bytes (arbitrary size: "bigint" is
 * 2^256, one byte past u256). Returns the byte count. */
static size_t bigdec_to_be(uint8_t *out, size_t cap, const char *dec)
{
    memset(out, 0, cap);
    for (const char *d = dec; *d; d++) {
        ck_assert_msg(*d >= '0' && *d <= '9', "bad decimal %s", dec);
        unsigned carry = (unsigned)(*d - '0');
        for (size_t i = cap; i-- > 0;) {
            unsigned v = out[i] * 10u + carry;
            out[i] = (uint8_t)v;
            carry = v >> 8;
        }
        ck_assert_uint_eq(carry, 0);
    }
    size_t skip = 0;
    while (skip < cap && out[skip] == 0)
        skip++;
    memmove(out, out + skip, cap - skip);
    return cap - skip;
}

/* Encodes a fixture's JSON `in` value. */
static void encode_json(seer_buf *b, json_object *j)
{
    switch (json_object_get_type(j)) {
    case json_type_string: {
        const char *s = json_object_get_string(j);
        size_t n = (size_t)json_object_get_string_len(j);
        if (n > 0 && s[0] == '#') {
            uint8_t be[64];
            size_t len = bigdec_to_be(be, sizeof be, s + 1);
            seer_rlp_put_bytes(b, be, len);
        } else {
            seer_rlp_put_bytes(b, s, n);
        }
        break;
    }
    case json_type_int: {
        int64_t v = json_object_get_int64(j);
        ck_assert_int_ge(v, 0);
        seer_rlp_put_u64(b, (uint64_t)v);
        break;
    }
    case json_type_array: {
        size_t m = seer_rlp_list_begin(b);
        size_t n = json_object_array_length(j);
        for (size_t i = 0; i < n; i++)
            encode_json(b, json_object_array_get_idx(j, i));
        seer_rlp_list_end(b, m);
        break;
    }
    default: ck_abort_msg("unexpected JSON type in RLP fixture: %s", json_object_to_json_string(j));
    }
}

/* True if the decoded item is the fixture's JSON `in` value, read through
 * the typed accessors (integers via get_u64/get_u256). */
static bool matches_json(const seer_rlp_item *it, json_object *j)
{
    switch (json_object_get_type(j)) {
    case json_type_string: {
        const char *s = json_object_get_string(j);
        size_t n = (size_t)json_object_get_string_len(j);
        if (it->is_list)
            return false;
        if (n > 0 && s[0] == '#') {
            uint8_t be[64];
            size_t len = bigdec_to_be(be, sizeof be, s + 1);
            u256 w;
            int rc = seer_rlp_get_u256(&w, it);
            if (len > 32) /* bigint: 2^256 must not read as a u256 */
                return rc == SEER_ERLP && it->len == len && memcmp(it->payload, be, len) == 0;
            if (rc < 0)
                return false;
            seer_buf e = SEER_BUF_INIT;
            seer_rlp_put_u256(&e, &w);
            bool ok = it->len == len && memcmp(it->payload, be, len) == 0 && e.len == it->raw_len &&
                      memcmp(e.p, it->raw, e.len) == 0;
            seer_buf_free(&e);
            return ok;
        }
        return it->len == n && (n == 0 || memcmp(it->payload, s, n) == 0);
    }
    case json_type_int: {
        uint64_t v;
        return seer_rlp_get_u64(&v, it) == 0 && v == (uint64_t)json_object_get_int64(j);
    }
    case json_type_array: {
        if (!it->is_list)
            return false;
        size_t n = json_object_array_length(j);
        if (seer_rlp_list_count(it) != (int)n)
            return false;
        seer_rlp_iter iter;
        seer_rlp_item sub;
        seer_rlp_iter_init(&iter, it);
        for (size_t i = 0; i < n; i++)
            if (seer_rlp_iter_next(&iter, &sub) != 1 || !matches_json(&sub, json_object_array_get_idx(j, i)))
                return false;
        return seer_rlp_iter_next(&iter, &sub) == 0;
    }
    default: return false;
    }
}

typedef struct fixture_counts {
    int valid_passed, valid_failed, invalid_passed, invalid_failed;
} fixture_counts;

/* Runs one case; returns true if it passed. A failure prints why. */
static bool run_case(const char *file, const char *name, json_object *tc, fixture_counts *cnt)
{
    json_object *jin, *jout;
    ck_assert_msg(json_object_object_get_ex(tc, "in", &jin) && json_object_object_get_ex(tc, "out", &jout),
                  "%s/%s: no in/out", file, name);
    const char *outhex = json_object_get_string(jout);
    uint8_t *out;
    size_t outlen;
    ck_assert_msg(seer_hex_decode_alloc(&out, &outlen, outhex) == 0, "%s/%s: bad hex in out", file, name);

    bool is_invalid =
        json_object_is_type(jin, json_type_string) && strcmp(json_object_get_string(jin), "INVALID") == 0;
    bool ok = true;
    seer_rlp_item it;
    if (is_invalid) {
        int rc = seer_rlp_decode_full(&it, out, outlen);
        ok = rc == SEER_ERLP && strstr(seer_error_detail(), "at byte ") != NULL;
        if (!ok)
            printf("  FAIL %s/%s: invalid input accepted (rc %d)\n", file, name, rc);
        ok ? cnt->invalid_passed++ : cnt->invalid_failed++;
    } else {
        seer_buf b = SEER_BUF_INIT;
        int rc = seer_rlp_decode_full(&it, out, outlen);
        if (rc < 0) {
            printf("  FAIL %s/%s: rejected: %s\n", file, name, seer_error_detail());
            ok = false;
        }
        if (ok) {
            if (reencode(&b, &it) < 0 || b.len != outlen || memcmp(b.p, out, outlen) != 0) {
                printf("  FAIL %s/%s: re-encoding differs\n", file, name);
                ok = false;
            }
        }
        bool only_valid =
            json_object_is_type(jin, json_type_string) && strcmp(json_object_get_string(jin), "VALID") == 0;
        if (ok && !only_valid) {
            seer_buf_reset(&b);
            encode_json(&b, jin);
            if (b.oom || b.len != outlen || memcmp(b.p, out, outlen) != 0) {
                printf("  FAIL %s/%s: encoding of in differs from out\n", file, name);
                ok = false;
            } else if (!matches_json(&it, jin)) {
                printf("  FAIL %s/%s: decoded out differs from in\n", file, name);
                ok = false;
            }
        }
        seer_buf_free(&b);
        ok ? cnt->valid_passed++ : cnt->valid_failed++;
    }
    free(out);
    return ok;
}

static int run_file(const char *rel, fixture_counts *cnt)
{
    const char *path = test_fixture_path(rel);
    json_object *root = json_object_from_file(path);
    ck_assert_msg(root != NULL, "cannot read %s (set SEER_FIXTURES): %s", path, json_util_get_last_err());
    ck_assert(json_object_is_type(root, json_type_object));
    int cases = 0;
    json_object_object_foreach(root, name, tc)
    {
        run_case(rel, name, tc, cnt);
        cases++;
    }
    json_object_put(root);
    return cases;
}

START_TEST(test_fixtures)
{
    fixture_counts cnt = {0, 0, 0, 0};
    int cases = 0, files = 0;
    cases += run_file("ethereum-tests/RLPTests/rlptest.json", &cnt);
    cases += run_file("ethereum-tests/RLPTests/invalidRLPTest.json", &cnt);
    files = 2;

    const char *dir = "ethereum-tests/RLPTests/RandomRLPTests";
    DIR *d = opendir(test_fixture_path(dir));
    ck_assert_msg(d != NULL, "cannot open %s", test_fixture_path(dir));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        char rel[1024];
        snprintf(rel, sizeof rel, "%s/%s", dir, e->d_name);
        cases += run_file(rel, &cnt);
        files++;
    }
    closedir(d);

    printf(
        "test_rlp: RLPTests (%d files, %d cases): valid %d passed, %d failed; invalid %d passed, %d failed\n",
        files, cases, cnt.valid_passed, cnt.valid_failed, cnt.invalid_passed, cnt.invalid_failed);
    fflush(stdout); /* check may end a failing forked test without flushing */
    ck_assert_int_eq(cnt.valid_passed + cnt.valid_failed + cnt.invalid_passed + cnt.invalid_failed, cases);
    ck_assert_int_eq(cnt.valid_failed, 0);
    ck_assert_int_eq(cnt.invalid_failed, 0);
    ck_assert_int_gt(cnt.valid_passed, 0);
    ck_assert_int_gt(cnt.invalid_passed, 0);
    ck_assert_int_ge(files, 3);
}
END_TEST

static Suite *rlp_suite(void)
{
    Suite *s = suite_create("rlp");
    TCase *tc = tcase_create("encode");
    tcase_add_test(tc, test_encode_strings);
    tcase_add_test(tc, test_encode_integers);
    tcase_add_test(tc, test_encode_lists);
    suite_add_tcase(s, tc);

    tc = tcase_create("decode_strict");
    tcase_add_test(tc, test_decode_valid_shapes);
    tcase_add_test(tc, test_decode_noncanonical);
    tcase_add_test(tc, test_decode_truncated);
    tcase_add_test(tc, test_decode_trailing);
    tcase_add_test(tc, test_decode_huge_lengths);
    tcase_add_test(tc, test_decode_null_arguments);
    suite_add_tcase(s, tc);

    tc = tcase_create("integers");
    tcase_add_checked_fixture(tc, rng_setup, NULL);
    tcase_add_test(tc, test_integers);
    tcase_add_test(tc, test_integer_round_trip);
    suite_add_tcase(s, tc);

    tc = tcase_create("nesting");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_deep_nesting);
    suite_add_tcase(s, tc);

    tc = tcase_create("random");
    tcase_add_checked_fixture(tc, rng_setup, NULL);
    tcase_add_test(tc, test_random_round_trip_and_mutations);
    suite_add_tcase(s, tc);

    tc = tcase_create("ethereum_tests");
    tcase_add_test(tc, test_fixtures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    test_seed("test_rlp"); /* once, before check forks the tests */
    return test_run_suite(rlp_suite());
}

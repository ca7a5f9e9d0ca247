/* keccak256: published vectors, an independent sponge built on nettle's
 * Keccak-f[1600] (every length 0..1000, random chunkings of the incremental
 * API), the permutation alone, and the mainnet code hashes of the fixtures. */
#include "common/keccak.h"
#include "test_util.h"

#include <nettle/sha3.h>

static test_rng rng;

static void rng_setup(void)
{
    test_rng_init(&rng, test_seed("test_keccak"));
}

/* Loop tests run once per permutation variant: _i == 0 forces the
 * portable code, _i == 1 lets the library pick (BMI1 where available). */
static void select_variant(int i)
{
    seer_keccak_force_portable(i == 0);
    printf("test_keccak: variant %s\n", seer_keccak_impl_name());
    fflush(stdout);
}

static void fill_random(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)test_rng_next(&rng);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A local decoder so that this suite does not depend on common/hex.c.
 * Returns the byte count or -1. */
static long unhex(uint8_t *out, size_t cap, const char *s, size_t n)
{
    if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2, n -= 2;
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2);
}

/* The reference: a sponge written byte by byte (no word loads, no
 * staging buffer) around nettle's permutation, with Keccak's original
 * 0x01 .. 0x80 padding. Rate 136 = 1088 bits, capacity 512. */
static void ref_keccak256(uint8_t out[32], const uint8_t *data, size_t len)
{
    struct sha3_state s;
    memset(&s, 0, sizeof s);
    size_t pos = 0;
    for (size_t i = 0; i < len; i++) {
        s.a[pos / 8] ^= (uint64_t)data[i] << (8 * (pos % 8));
        if (++pos == 136) {
            sha3_permute(&s);
            pos = 0;
        }
    }
    s.a[pos / 8] ^= (uint64_t)0x01 << (8 * (pos % 8));
    s.a[135 / 8] ^= (uint64_t)0x80 << (8 * (135 % 8));
    sha3_permute(&s);
    for (size_t i = 0; i < 32; i++)
        out[i] = (uint8_t)(s.a[i / 8] >> (8 * (i % 8)));
}

static void hex32(char out[65], const uint8_t d[32])
{
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

/* ---- published vectors ---- */

static void check_vector(const uint8_t *msg, size_t len, const char *expect_hex)
{
    uint8_t expect[32], got[32], ref[32];
    ck_assert_int_eq(unhex(expect, sizeof expect, expect_hex, strlen(expect_hex)), 32);
    /* The expected values are from published test vectors; the reference
     * sponge confirms each one independently of seer's code. */
    ref_keccak256(ref, msg, len);
    ck_assert_mem_eq(ref, expect, 32);
    seer_keccak256(got, msg, len);
    ck_assert_mem_eq(got, expect, 32);
}

START_TEST(test_vector_empty)
{
    check_vector(NULL, 0, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
}
END_TEST

START_TEST(test_vector_abc)
{
    check_vector((const uint8_t *)"abc", 3,
                 "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}
END_TEST

START_TEST(test_vector_a3x200)
{
    uint8_t msg[200];
    memset(msg, 0xa3, sizeof msg);
    check_vector(msg, sizeof msg, "3a57666b048777f2c953dc4456f45a2588e1cb6f2da760122d530ac2ce607d4a");
}
END_TEST

/* ---- independent sponge ---- */

START_TEST(test_all_lengths_vs_nettle)
{
    select_variant(_i);
    enum { MAXLEN = 1000 };
    static uint8_t buf[MAXLEN + 8];
    int checked = 0;
    for (size_t len = 0; len <= MAXLEN; len++) {
        uint8_t got[32], ref[32];
        /* Odd offsets exercise unaligned lane loads. */
        size_t off = len % 8;
        fill_random(buf + off, len);
        ref_keccak256(ref, buf + off, len);
        seer_keccak256(got, buf + off, len);
        if (memcmp(got, ref, 32) != 0) {
            char g[65], r[65];
            hex32(g, got), hex32(r, ref);
            ck_abort_msg("length %zu: seer %s, reference %s", len, g, r);
        }
        checked++;
    }
    ck_assert_int_eq(checked, MAXLEN + 1);
}
END_TEST

START_TEST(test_incremental_random_chunks)
{
    select_variant(_i);
    enum { MAXLEN = 1200 };
    static uint8_t buf[MAXLEN];
    for (int iter = 0; iter < 400; iter++) {
        size_t len = (size_t)(test_rng_next(&rng) % (MAXLEN + 1));
        fill_random(buf, len);
        uint8_t ref[32], got[32];
        ref_keccak256(ref, buf, len);

        seer_keccak_ctx ctx;
        seer_keccak_init(&ctx);
        size_t pos = 0;
        /* Chunk sizes mix zero-length updates, tiny pieces, exact and
         * larger-than-rate pieces, so every path of update() is taken. */
        unsigned mode = (unsigned)(test_rng_next(&rng) % 4);
        while (pos < len) {
            size_t chunk;
            switch (mode) {
            case 0: chunk = (size_t)(test_rng_next(&rng) % 4); break;
            case 1: chunk = (size_t)(test_rng_next(&rng) % 140); break;
            case 2: chunk = 136; break;
            default: chunk = (size_t)(test_rng_next(&rng) % 600); break;
            }
            if (chunk > len - pos)
                chunk = len - pos;
            seer_keccak_update(&ctx, buf + pos, chunk);
            pos += chunk;
        }
        seer_keccak_update(&ctx, NULL, 0);
        seer_keccak_final(&ctx, got);
        if (memcmp(got, ref, 32) != 0)
            ck_abort_msg("iteration %d: length %zu, chunk mode %u differs", iter, len, mode);
    }
}
END_TEST

START_TEST(test_incremental_bytewise)
{
    select_variant(_i);
    uint8_t buf[300], ref[32], got[32];
    fill_random(buf, sizeof buf);
    ref_keccak256(ref, buf, sizeof buf);
    seer_keccak_ctx ctx;
    seer_keccak_init(&ctx);
    for (size_t i = 0; i < sizeof buf; i++)
        seer_keccak_update(&ctx, buf + i, 1);
    seer_keccak_final(&ctx, got);
    ck_assert_mem_eq(got, ref, 32);

    /* A context is reusable after init. */
    seer_keccak_init(&ctx);
    seer_keccak_update(&ctx, buf, sizeof buf);
    seer_keccak_final(&ctx, got);
    ck_assert_mem_eq(got, ref, 32);
}
END_TEST

/* ---- the permutation alone ---- */

START_TEST(test_permutation_vs_nettle)
{
    select_variant(_i);
    for (int iter = 0; iter < 1000; iter++) {
        uint64_t st[25];
        struct sha3_state ref;
        for (int i = 0; i < 25; i++)
            st[i] = iter == 0 ? 0 : test_rng_next(&rng);
        memcpy(ref.a, st, sizeof st);
        seer_keccak_f1600(st);
        sha3_permute(&ref);
        if (memcmp(st, ref.a, sizeof st) != 0)
            ck_abort_msg("permutation differs at iteration %d", iter);
    }
}
END_TEST

/* ---- mainnet code hashes ---- */

/* bytecodes.json maps keccak256(code) -> code for every contract in the
 * mainnet fixtures. Its shape is a flat object of string pairs, so a
 * scanner for quoted strings suffices. */
START_TEST(test_mainnet_code_hashes)
{
    const char *path = test_fixture_path("mainnet/bytecodes.json");
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (set SEER_FIXTURES)", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    ck_assert(size > 0);
    char *text = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = 0;
    fclose(f);

    size_t cap = (size_t)size / 2;
    uint8_t *code = malloc(cap + 1);
    ck_assert_ptr_nonnull(code);
    int passed = 0, failed = 0;
    char *p = text;
    for (;;) {
        char *k = strchr(p, '"');
        if (!k)
            break;
        char *kend = strchr(k + 1, '"');
        ck_assert_ptr_nonnull(kend);
        char *v = strchr(kend + 1, '"');
        ck_assert_ptr_nonnull(v);
        char *vend = strchr(v + 1, '"');
        ck_assert_ptr_nonnull(vend);
        p = vend + 1;

        uint8_t hash[32], got[32];
        ck_assert_int_eq(unhex(hash, sizeof hash, k + 1, (size_t)(kend - k - 1)), 32);
        long n = unhex(code, cap, v + 1, (size_t)(vend - v - 1));
        ck_assert_int_ge(n, 0);
        seer_keccak256(got, code, (size_t)n);
        if (memcmp(got, hash, 32) == 0)
            passed++;
        else
            failed++;
    }
    printf("test_keccak: mainnet code hashes: %d passed, %d failed\n", passed, failed);
    fflush(stdout); /* check may end a failing forked test without flushing */
    free(code);
    free(text);
    ck_assert_int_eq(failed, 0);
    ck_assert_int_gt(passed, 0);
}
END_TEST

static Suite *keccak_suite(void)
{
    Suite *s = suite_create("keccak");
    TCase *tc = tcase_create("vectors");
    tcase_add_test(tc, test_vector_empty);
    tcase_add_test(tc, test_vector_abc);
    tcase_add_test(tc, test_vector_a3x200);
    suite_add_tcase(s, tc);

    tc = tcase_create("sponge_vs_nettle");
    tcase_add_checked_fixture(tc, rng_setup, NULL);
    tcase_add_loop_test(tc, test_all_lengths_vs_nettle, 0, 2);
    suite_add_tcase(s, tc);

    tc = tcase_create("incremental");
    tcase_add_checked_fixture(tc, rng_setup, NULL);
    tcase_add_loop_test(tc, test_incremental_random_chunks, 0, 2);
    tcase_add_loop_test(tc, test_incremental_bytewise, 0, 2);
    suite_add_tcase(s, tc);

    tc = tcase_create("permutation");
    tcase_add_checked_fixture(tc, rng_setup, NULL);
    tcase_add_loop_test(tc, test_permutation_vs_nettle, 0, 2);
    suite_add_tcase(s, tc);

    tc = tcase_create("mainnet_code_hashes");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_mainnet_code_hashes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    test_seed("test_keccak"); /* once, before check forks the tests */
    return test_run_suite(keccak_suite());
}

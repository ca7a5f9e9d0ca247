/* hex: decoding with and without 0x, odd lengths, bad characters, capacity,
 * the exact and allocating variants, encoding and random round trips. */
#include "common/hex.h"
#include "common/util.h"
#include "test_util.h"

/* Asserts that the last error's detail names `offset`. */
static void assert_detail_offset(size_t offset)
{
    char want[64];
    snprintf(want, sizeof want, "offset %zu", offset);
    const char *d = seer_error_detail();
    ck_assert_msg(strstr(d, want) != NULL, "detail \"%s\" does not name \"%s\"", d, want);
}

static int decode_str(uint8_t *out, size_t cap, size_t *outlen, const char *s)
{
    return seer_hex_decode(out, cap, outlen, s, strlen(s));
}

/* ---- valid input ---- */

START_TEST(test_decode_prefixes_and_case)
{
    static const uint8_t want[] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    static const char *forms[] = {"0123456789abcdef", "0x0123456789abcdef", "0X0123456789ABCDEF",
                                  "0123456789AbCdEf"};
    for (size_t i = 0; i < SEER_ARRAY_LEN(forms); i++) {
        uint8_t out[8];
        size_t n = 99;
        ck_assert_int_eq(decode_str(out, sizeof out, &n, forms[i]), 0);
        ck_assert_uint_eq(n, 8);
        ck_assert_mem_eq(out, want, 8);
    }
}
END_TEST

START_TEST(test_decode_empty)
{
    uint8_t out[1];
    size_t n = 99;
    ck_assert_int_eq(decode_str(out, sizeof out, &n, ""), 0);
    ck_assert_uint_eq(n, 0);
    n = 99;
    ck_assert_int_eq(decode_str(out, sizeof out, &n, "0x"), 0);
    ck_assert_uint_eq(n, 0);
    /* Zero bytes need no buffer at all. */
    n = 99;
    ck_assert_int_eq(seer_hex_decode(NULL, 0, &n, "0x", 2), 0);
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_decode_respects_hexlen)
{
    /* hexlen, not the NUL, bounds the input: a field inside a larger text. */
    uint8_t out[4];
    size_t n;
    ck_assert_int_eq(seer_hex_decode(out, sizeof out, &n, "0xabcdzz", 6), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(out[0], 0xab);
    ck_assert_uint_eq(out[1], 0xcd);
}
END_TEST

/* ---- malformed input ---- */

START_TEST(test_odd_length)
{
    uint8_t out[8];
    size_t n = 99;
    ck_assert_int_eq(decode_str(out, sizeof out, &n, "abc"), SEER_EHEX);
    ck_assert_uint_eq(n, 0);
    assert_detail_offset(2);
    ck_assert_int_eq(decode_str(out, sizeof out, &n, "0x1"), SEER_EHEX);
    assert_detail_offset(2);
    ck_assert_int_eq(decode_str(out, sizeof out, &n, "0"), SEER_EHEX);
    assert_detail_offset(0);
    ck_assert_int_eq(decode_str(out, sizeof out, &n, "0x12345"), SEER_EHEX);
    assert_detail_offset(6);
}
END_TEST

START_TEST(test_bad_characters)
{
    /* Every non-hex byte, at every position of a 4-digit string, with and
     * without a prefix: the detail must name the exact offset. */
    uint8_t out[2];
    size_t n;
    int rejected = 0;
    for (int c = 1; c < 256; c++) {
        int valid = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        for (int pre = 0; pre <= 1; pre++) {
            for (size_t pos = 0; pos < 4; pos++) {
                char s[7];
                strcpy(s, pre ? "0x1234" : "1234");
                s[(pre ? 2 : 0) + pos] = (char)c;
                int rc = seer_hex_decode(out, sizeof out, &n, s, strlen(s));
                if (valid) {
                    ck_assert_int_eq(rc, 0);
                } else {
                    ck_assert_msg(rc == SEER_EHEX, "character 0x%02x accepted", c);
                    assert_detail_offset((pre ? 2 : 0) + pos);
                    rejected++;
                }
            }
        }
    }
    ck_assert_int_eq(rejected, (255 - 22) * 8);

    /* A NUL inside the counted length is a bad character, not an end. */
    ck_assert_int_eq(seer_hex_decode(out, sizeof out, &n, "12\0004", 4), SEER_EHEX);
    assert_detail_offset(2);
    /* A second prefix is not a prefix. */
    ck_assert_int_eq(decode_str(out, sizeof out, &n, "0x0x"), SEER_EHEX);
    assert_detail_offset(3);
    ck_assert_int_eq(decode_str(out, sizeof out, &n, " 12"), SEER_EHEX); /* odd first */
    ck_assert_int_eq(decode_str(out, sizeof out, &n, " 123"), SEER_EHEX);
    assert_detail_offset(0);
}
END_TEST

START_TEST(test_capacity)
{
    uint8_t out[4];
    size_t n = 99;
    ck_assert_int_eq(decode_str(out, 3, &n, "0x01020304"), SEER_EHEX);
    ck_assert_uint_eq(n, 0);
    assert_detail_offset(8); /* the 4th byte's digits start after "0x" + 6 */
    ck_assert_int_eq(decode_str(out, 4, &n, "0x01020304"), 0);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(decode_str(out, 0, &n, "00"), SEER_EHEX);
    assert_detail_offset(0);
}
END_TEST

START_TEST(test_null_arguments)
{
    uint8_t out[4];
    size_t n;
    ck_assert_int_eq(seer_hex_decode(out, 4, NULL, "00", 2), SEER_EINVAL);
    ck_assert_int_eq(seer_hex_decode(out, 4, &n, NULL, 2), SEER_EINVAL);
    ck_assert_int_eq(seer_hex_decode(NULL, 4, &n, "00", 2), SEER_EINVAL);
    uint8_t *p;
    ck_assert_int_eq(seer_hex_decode_alloc(NULL, &n, "00"), SEER_EINVAL);
    ck_assert_int_eq(seer_hex_decode_alloc(&p, NULL, "00"), SEER_EINVAL);
    ck_assert_int_eq(seer_hex_decode_alloc(&p, &n, NULL), SEER_EINVAL);
    ck_assert_int_eq(seer_hex_decode_exact(out, 1, NULL), SEER_EINVAL);
    ck_assert_int_eq(seer_hex_decode_exact(NULL, 1, "00"), SEER_EINVAL);
}
END_TEST

/* ---- variants ---- */

START_TEST(test_exact)
{
    uint8_t addr[20];
    memset(addr, 0x55, sizeof addr);
    ck_assert_int_eq(seer_hex_decode_exact(addr, 20, "0x00000000000000000000000000000000000000ff"), 0);
    for (int i = 0; i < 19; i++)
        ck_assert_uint_eq(addr[i], 0);
    ck_assert_uint_eq(addr[19], 0xff);

    /* Wrong sizes are rejected without touching the output. */
    memset(addr, 0x55, sizeof addr);
    ck_assert_int_eq(seer_hex_decode_exact(addr, 20, "0x000000000000000000000000000000000000ff"), SEER_EHEX);
    ck_assert_int_eq(seer_hex_decode_exact(addr, 20, "0x0000000000000000000000000000000000000000ff"),
                     SEER_EHEX);
    ck_assert_int_eq(seer_hex_decode_exact(addr, 20, "0x"), SEER_EHEX);
    for (int i = 0; i < 20; i++)
        ck_assert_uint_eq(addr[i], 0x55);
    ck_assert_int_eq(seer_hex_decode_exact(addr, 20, "0x00000000000000000000000000000000000000fg"),
                     SEER_EHEX);
    assert_detail_offset(41);
    uint8_t none[1];
    ck_assert_int_eq(seer_hex_decode_exact(none, 0, ""), 0);
}
END_TEST

START_TEST(test_alloc)
{
    uint8_t *p = NULL;
    size_t n = 99;
    ck_assert_int_eq(seer_hex_decode_alloc(&p, &n, "0xdeadbeef"), 0);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(n, 4);
    ck_assert_mem_eq(p, "\xde\xad\xbe\xef", 4);
    free(p);

    p = NULL;
    ck_assert_int_eq(seer_hex_decode_alloc(&p, &n, "0x"), 0);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(n, 0);
    free(p);

    p = (uint8_t *)1;
    ck_assert_int_eq(seer_hex_decode_alloc(&p, &n, "0xdeadbeeg"), SEER_EHEX);
    ck_assert_ptr_null(p);
    assert_detail_offset(9);
    ck_assert_int_eq(seer_hex_decode_alloc(&p, &n, "0xdeadbee"), SEER_EHEX);
    ck_assert_ptr_null(p);
}
END_TEST

START_TEST(test_encode)
{
    char s[2 * 4 + 3];
    static const uint8_t in[] = {0x00, 0x0f, 0xa5, 0xff};
    ck_assert_ptr_eq(seer_hex_encode(s, in, 4, false), s);
    ck_assert_str_eq(s, "000fa5ff");
    ck_assert_str_eq(seer_hex_encode(s, in, 4, true), "0x000fa5ff");
    ck_assert_str_eq(seer_hex_encode(s, in, 0, true), "0x");
    ck_assert_str_eq(seer_hex_encode(s, NULL, 0, false), "");
}
END_TEST

START_TEST(test_random_round_trip)
{
    test_rng rng;
    test_rng_init(&rng, test_seed("test_hex"));
    static uint8_t in[600], back[600];
    static char s[2 * 600 + 3];
    for (int iter = 0; iter < 500; iter++) {
        size_t len = (size_t)(test_rng_next(&rng) % (sizeof in + 1));
        for (size_t i = 0; i < len; i++)
            in[i] = (uint8_t)test_rng_next(&rng);
        bool prefix = test_rng_next(&rng) & 1;
        seer_hex_encode(s, in, len, prefix);
        ck_assert_uint_eq(strlen(s), 2 * len + (prefix ? 2 : 0));
        /* Randomly upper-case some digits: decoding is case-insensitive. */
        for (size_t i = prefix ? 2 : 0; s[i]; i++)
            if (s[i] >= 'a' && (test_rng_next(&rng) & 1))
                s[i] = (char)(s[i] - 'a' + 'A');
        size_t n;
        ck_assert_int_eq(decode_str(back, sizeof back, &n, s), 0);
        ck_assert_uint_eq(n, len);
        ck_assert_mem_eq(back, in, len);
    }
}
END_TEST

static Suite *hex_suite(void)
{
    Suite *s = suite_create("hex");
    TCase *tc = tcase_create("decode_valid");
    tcase_add_test(tc, test_decode_prefixes_and_case);
    tcase_add_test(tc, test_decode_empty);
    tcase_add_test(tc, test_decode_respects_hexlen);
    suite_add_tcase(s, tc);

    tc = tcase_create("decode_errors");
    tcase_add_test(tc, test_odd_length);
    tcase_add_test(tc, test_bad_characters);
    tcase_add_test(tc, test_capacity);
    tcase_add_test(tc, test_null_arguments);
    suite_add_tcase(s, tc);

    tc = tcase_create("variants");
    tcase_add_test(tc, test_exact);
    tcase_add_test(tc, test_alloc);
    suite_add_tcase(s, tc);

    tc = tcase_create("encode");
    tcase_add_test(tc, test_encode);
    tcase_add_test(tc, test_random_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    test_seed("test_hex"); /* once, before check forks the tests */
    return test_run_suite(hex_suite());
}

/* Helpers shared by the check suites: fixture paths and seeds. */
#ifndef SEER_TESTS_UTIL_H
#define SEER_TESTS_UTIL_H

#include "gen/asm.h"
#include "seer/common.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/** The fixtures root: $SEER_FIXTURES, else ../shared/fixtures relative to
 *  the source tree ($top_srcdir, set by make check), else relative to the
 *  current directory. */
/* Assembles src (gen/asm.h's syntax: mnemonics, "PUSHk 0x..", "name:" a
 * JUMPDEST, "@name" pushes it, ';' comments) into out, cap bytes; fails
 * the test on a syntax error or longer code. Returns the length. */
static inline size_t test_assemble(uint8_t *out, size_t cap, const char *src)
{
    uint8_t *code = NULL;
    size_t len = 0;
    ck_assert_msg(seer_asm_assemble(&code, &len, src) == 0, "assembler: %s", seer_error_detail());
    ck_assert_uint_le(len, cap);
    memcpy(out, code, len);
    free(code);
    return len;
}

static inline const char *test_fixtures_dir(void)
{
    static char buf[4096];
    const char *env = getenv("SEER_FIXTURES");
    if (env && *env)
        return env;
    const char *top = getenv("top_srcdir");
    snprintf(buf, sizeof buf, "%s/../shared/fixtures", top && *top ? top : ".");
    return buf;
}

/** Joins the fixtures root and a relative path into a static buffer. */
static inline const char *test_fixture_path(const char *rel)
{
    static char buf[8192];
    const char *dir = test_fixtures_dir();
    size_t a = strlen(dir), b = strlen(rel);
    if (a + b + 2 > sizeof buf)
        return rel; /* absurdly long: let the open fail and name it */
    memcpy(buf, dir, a);
    buf[a] = '/';
    memcpy(buf + a + 1, rel, b + 1);
    return buf;
}

/** The seed for randomized tests: $SEER_SEED if set, else the time. Printed
 *  once so a failure can be replayed. */
static inline uint64_t test_seed(const char *suite)
{
    static uint64_t seed;
    static int done;
    if (!done) {
        const char *env = getenv("SEER_SEED");
        seed = env && *env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
        printf("%s: SEER_SEED=%llu\n", suite, (unsigned long long)seed);
        fflush(stdout);
        done = 1;
    }
    return seed;
}

/** xoshiro256** seeded by splitmix64: deterministic from the seed. */
typedef struct test_rng {
    uint64_t s[4];
} test_rng;

static inline void test_rng_init(test_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        r->s[i] = z ^ (z >> 31);
    }
}

static inline uint64_t test_rng_next(test_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = ((s[1] * 5) << 7 | (s[1] * 5) >> 57) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/** Runs a suite with CK_NORMAL output; returns the process exit status. */
static inline int test_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}

#endif

/* u256: randomized oracle tests against GMP, EVM edge cases, parsing.
 *
 * The oracle computes every operation with mpz on the exact integers and
 * reduces to 256 bits at the end; signed operations map the operands to
 * two's complement integers in [-2^255, 2^255) first. Operands are biased
 * toward edge values (limb boundaries, powers of two, the signed extremes)
 * because that is where carry and normalisation bugs live. */
#include "common/keccak.h"
#include "common/state_iface.h"
#include "common/u256.h"
#include "common/util.h"
#include "tests/test_util.h"

#include <gmp.h>
#include <inttypes.h>

/* Operand pairs per oracle TCase; four TCases give 1,000,000 pairs. */
#define PAIRS_PER_GROUP 250000

/* ---- mpz bridge ---- */

static mpz_t two256;

static void mpz_set_u256(mpz_t r, const u256 *a)
{
    mpz_import(r, 4, -1, sizeof(uint64_t), 0, 0, a->w);
}

/* Two's complement reading: values with bit 255 set are a - 2^256. */
static void mpz_set_s256(mpz_t r, const u256 *a)
{
    mpz_set_u256(r, a);
    if (u256_is_neg(a))
        mpz_sub(r, r, two256);
}

/* r = x mod 2^256 (floor, so negative x wraps as two's complement). */
static void u256_from_mpz(u256 *r, const mpz_t x)
{
    mpz_t t;
    mpz_init(t);
    mpz_fdiv_r_2exp(t, x, 256);
    size_t count = 0;
    uint64_t w[4] = {0};
    mpz_export(w, &count, -1, sizeof(uint64_t), 0, 0, t);
    mpz_clear(t);
    memcpy(r->w, w, sizeof w);
}

static void oracle_setup(void)
{
    mpz_init(two256);
    mpz_setbit(two256, 256);
}

static void oracle_teardown(void)
{
    mpz_clear(two256);
}

/* Formats limb by limb, independently of u256_to_hex (which is under
 * test), so a failure message is trustworthy. */
static const char *hx(char buf[67], const u256 *a)
{
    snprintf(buf, 67, "0x%016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%016" PRIx64, a->w[3], a->w[2], a->w[1],
             a->w[0]);
    return buf;
}

/* Reports a mismatch with every operand in hex so the case can be replayed
 * by hand, then fails the test. */
#define CHECK_EQ(op, got, want, a, b, c)                                                                     \
    do {                                                                                                     \
        if (!u256_eq((got), (want))) {                                                                       \
            char h1_[67], h2_[67], h3_[67], h4_[67], h5_[67];                                                \
            ck_abort_msg("%s mismatch (seed %" PRIu64 ")\n  a=%s\n  b=%s\n  c=%s\n  got =%s\n  want=%s", op, \
                         test_seed("u256"), hx(h1_, (a)), hx(h2_, (b)), hx(h3_, (c)), hx(h4_, (got)),        \
                         hx(h5_, (want)));                                                                   \
        }                                                                                                    \
    } while (0)

#define CHECK_INT(op, got, want, a, b)                                                                       \
    do {                                                                                                     \
        long long g_ = (long long)(got), w_ = (long long)(want);                                             \
        if (g_ != w_) {                                                                                      \
            char h1_[67], h2_[67];                                                                           \
            ck_abort_msg("%s mismatch (seed %" PRIu64 ")\n  a=%s\n  b=%s\n  got =%lld\n  want=%lld", op,     \
                         test_seed("u256"), hx(h1_, (a)), hx(h2_, (b)), g_, w_);                             \
        }                                                                                                    \
    } while (0)

/* ck_assert records a mark point (a pipe write under fork mode) even when
 * it passes; in loops of a million iterations that costs more than the
 * arithmetic, so hot loops test first and only then fail. */
#define REQUIRE(cond, ...)                                                                                   \
    do {                                                                                                     \
        if (!(cond))                                                                                         \
            ck_abort_msg(__VA_ARGS__);                                                                       \
    } while (0)

/* ---- operand generation ---- */

static test_rng rng;

/* Each TCase draws its own stream, derived from the one printed seed. */
static void rng_start(uint64_t stream)
{
    test_rng_init(&rng, test_seed("u256") ^ (stream * 0x9e3779b97f4a7c15ULL));
}

static uint64_t rnd(void)
{
    return test_rng_next(&rng);
}
static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* A limb drawn from the values that stress carries and Knuth's qhat
 * estimate: 0, 1, all ones, the top bit alone, and their neighbours. */
static uint64_t edge_limb(void)
{
    static const uint64_t v[] = {0,
                                 1,
                                 2,
                                 UINT64_MAX,
                                 UINT64_MAX - 1,
                                 UINT64_C(1) << 63,
                                 (UINT64_C(1) << 63) - 1,
                                 (UINT64_C(1) << 63) + 1,
                                 UINT64_C(0xffffffff),
                                 UINT64_C(0x100000000)};
    unsigned k = rnd_below(SEER_ARRAY_LEN(v) + 2);
    return k < SEER_ARRAY_LEN(v) ? v[k] : rnd();
}

static void gen(u256 *r)
{
    unsigned kind = rnd_below(12);
    *r = U256_ZERO;
    switch (kind) {
    case 0:
    case 1:
    case 2: /* fully random */
        for (int i = 0; i < 4; i++)
            r->w[i] = rnd();
        break;
    case 3: { /* fixed edge values */
        static const u256 edges[] = {
            {{0, 0, 0, 0}},
            {{1, 0, 0, 0}},
            {{2, 0, 0, 0}},
            {{0, 0, 0, UINT64_C(1) << 63}},                                  /* 2^255 = -2^255 */
            {{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}},              /* 2^256-1 = -1 */
            {{UINT64_MAX, UINT64_MAX, UINT64_MAX, (UINT64_C(1) << 63) - 1}}, /* 2^255-1 */
            {{1, 0, 0, UINT64_C(1) << 63}},                                  /* -2^255+1 */
            {{UINT64_MAX - 1, UINT64_MAX, UINT64_MAX, UINT64_MAX}},          /* -2 */
            {{UINT64_MAX, 0, 0, 0}},                                         /* 2^64-1 */
            {{0, 1, 0, 0}},                                                  /* 2^64 */
            {{UINT64_MAX, UINT64_MAX, 0, 0}},                                /* 2^128-1 */
            {{0, 0, 1, 0}},                                                  /* 2^128 */
            {{UINT64_MAX, UINT64_MAX, UINT64_MAX, 0}},                       /* 2^192-1 */
            {{0, 0, 0, 1}},                                                  /* 2^192 */
        };
        *r = edges[rnd_below(SEER_ARRAY_LEN(edges))];
        break;
    }
    case 4: { /* 2^k, 2^k - 1, 2^k + 1 */
        unsigned k = rnd_below(256);
        u256_shl_bits(r, &U256_ONE, k);
        unsigned d = rnd_below(3);
        if (d == 1)
            u256_sub(r, r, &U256_ONE);
        else if (d == 2)
            u256_add(r, r, &U256_ONE);
        break;
    }
    case 5: { /* 2^(64k) +- small, right at the limb boundaries */
        unsigned k = 1 + rnd_below(3);
        u256 s = u256_from_u64(rnd_below(4));
        u256_shl_bits(r, &U256_ONE, 64 * k);
        if (rnd() & 1)
            u256_add(r, r, &s);
        else
            u256_sub(r, r, &s);
        break;
    }
    case 6: /* small */ r->w[0] = rnd_below(300); break;
    case 7: /* small negative */
        r->w[0] = rnd_below(300);
        u256_neg(r, r);
        break;
    case 8:
    case 9: { /* random with a random bit length, so divisors of every size occur */
        for (int i = 0; i < 4; i++)
            r->w[i] = rnd();
        unsigned bits = 1 + rnd_below(256);
        if (bits < 256)
            u256_shr_bits(r, r, 256 - bits);
        break;
    }
    default: { /* limbs from the edge set, with a random length */
        unsigned n = 1 + rnd_below(4);
        for (unsigned i = 0; i < n; i++)
            r->w[i] = edge_limb();
        break;
    }
    }
}

/* A shift count or byte index: mostly in the interesting range 0..300. */
static void gen_small_or_any(u256 *r)
{
    if (rnd_below(4) != 0)
        *r = u256_from_u64(rnd_below(300));
    else
        gen(r);
}

/* ---- oracle: arithmetic ---- */

START_TEST(oracle_arith)
{
    rng_start(1);
    mpz_t x, y, z, t;
    mpz_inits(x, y, z, t, NULL);
    u256 a, b, c, got, got2, want;
    for (long it = 0; it < PAIRS_PER_GROUP; it++) {
        gen(&a);
        gen(&b);
        gen(&c);
        mpz_set_u256(x, &a);
        mpz_set_u256(y, &b);
        mpz_set_u256(z, &c);

        u256_add(&got, &a, &b);
        mpz_add(t, x, y);
        u256_from_mpz(&want, t);
        CHECK_EQ("add", &got, &want, &a, &b, &c);
        int carry = u256_add_carry(&got, &a, &b);
        CHECK_INT("add_carry", carry, mpz_cmp(t, two256) >= 0, &a, &b);

        u256_sub(&got, &a, &b);
        mpz_sub(t, x, y);
        u256_from_mpz(&want, t);
        CHECK_EQ("sub", &got, &want, &a, &b, &c);
        int borrow = u256_sub_borrow(&got, &a, &b);
        CHECK_INT("sub_borrow", borrow, mpz_sgn(t) < 0, &a, &b);

        u256_mul(&got, &a, &b);
        mpz_mul(t, x, y);
        u256_from_mpz(&want, t);
        CHECK_EQ("mul", &got, &want, &a, &b, &c);

        uint64_t full[8], wfull[8] = {0};
        size_t cnt;
        u256_mul_full(full, &a, &b);
        mpz_export(wfull, &cnt, -1, sizeof(uint64_t), 0, 0, t);
        REQUIRE(memcmp(full, wfull, sizeof full) == 0, "mul_full mismatch a=%s b=%s", hx((char[67]){0}, &a),
                hx((char[67]){0}, &b));

        /* div and mod, also through divmod with each output optional */
        if (mpz_sgn(y)) {
            mpz_tdiv_q(t, x, y);
            u256_from_mpz(&want, t);
        } else {
            want = U256_ZERO;
        }
        u256_div(&got, &a, &b);
        CHECK_EQ("div", &got, &want, &a, &b, &c);
        u256_divmod(&got, &got2, &a, &b);
        CHECK_EQ("divmod.q", &got, &want, &a, &b, &c);
        if (mpz_sgn(y)) {
            mpz_tdiv_r(t, x, y);
            u256_from_mpz(&want, t);
        } else {
            want = U256_ZERO;
        }
        CHECK_EQ("divmod.r", &got2, &want, &a, &b, &c);
        u256_mod(&got, &a, &b);
        CHECK_EQ("mod", &got, &want, &a, &b, &c);

        if (mpz_sgn(z)) {
            mpz_add(t, x, y);
            mpz_mod(t, t, z);
            u256_from_mpz(&want, t);
        } else {
            want = U256_ZERO;
        }
        u256_addmod(&got, &a, &b, &c);
        CHECK_EQ("addmod", &got, &want, &a, &b, &c);

        if (mpz_sgn(z)) {
            mpz_mul(t, x, y);
            mpz_mod(t, t, z);
            u256_from_mpz(&want, t);
        } else {
            want = U256_ZERO;
        }
        u256_mulmod(&got, &a, &b, &c);
        CHECK_EQ("mulmod", &got, &want, &a, &b, &c);

        /* exp: both a random exponent and a short one (the common case) */
        mpz_powm(t, x, y, two256);
        u256_from_mpz(&want, t);
        u256_exp(&got, &a, &b);
        CHECK_EQ("exp", &got, &want, &a, &b, &c);
        u256 e = u256_from_u64(rnd_below(300));
        mpz_powm_ui(t, x, e.w[0], two256);
        u256_from_mpz(&want, t);
        u256_exp(&got, &a, &e);
        CHECK_EQ("exp(small)", &got, &want, &a, &e, &c);
    }
    printf("oracle_arith: %d random pairs passed: add add_carry sub sub_borrow mul mul_full div divmod mod "
           "addmod mulmod exp exp(small)\n",
           PAIRS_PER_GROUP);
    mpz_clears(x, y, z, t, NULL);
}
END_TEST

/* ---- oracle: signed operations ---- */

START_TEST(oracle_signed)
{
    rng_start(2);
    mpz_t x, y, t, m;
    mpz_inits(x, y, t, m, NULL);
    u256 a, b, got, want, s;
    for (long it = 0; it < PAIRS_PER_GROUP; it++) {
        gen(&a);
        gen(&b);
        mpz_set_s256(x, &a);
        mpz_set_s256(y, &b);

        if (mpz_sgn(y)) {
            mpz_tdiv_q(t, x, y); /* truncation toward zero; 2^255 wraps */
            u256_from_mpz(&want, t);
        } else {
            want = U256_ZERO;
        }
        u256_sdiv(&got, &a, &b);
        CHECK_EQ("sdiv", &got, &want, &a, &b, &b);

        if (mpz_sgn(y)) {
            mpz_tdiv_r(t, x, y); /* sign of the dividend */
            u256_from_mpz(&want, t);
        } else {
            want = U256_ZERO;
        }
        u256_smod(&got, &a, &b);
        CHECK_EQ("smod", &got, &want, &a, &b, &b);

        CHECK_INT("slt", u256_slt(&a, &b), mpz_cmp(x, y) < 0, &a, &b);
        CHECK_INT("sgt", u256_sgt(&a, &b), mpz_cmp(x, y) > 0, &a, &b);
        CHECK_INT("is_neg", u256_is_neg(&a), mpz_sgn(x) < 0, &a, &b);

        mpz_neg(t, x);
        u256_from_mpz(&want, t);
        u256_neg(&got, &a);
        CHECK_EQ("neg", &got, &want, &a, &b, &b);

        /* SAR is floor division by 2^s on the signed value (EIP-145). */
        gen_small_or_any(&s);
        if (u256_fits_u64(&s) && s.w[0] < 256)
            mpz_fdiv_q_2exp(t, x, (mp_bitcnt_t)s.w[0]);
        else
            mpz_set_si(t, mpz_sgn(x) < 0 ? -1 : 0);
        u256_from_mpz(&want, t);
        u256_sar(&got, &s, &a);
        CHECK_EQ("sar", &got, &want, &s, &a, &a);

        /* SIGNEXTEND: keep the low 8(k+1) bits as a signed number. */
        gen_small_or_any(&s);
        if (u256_fits_u64(&s) && s.w[0] < 31) {
            unsigned bits = 8 * ((unsigned)s.w[0] + 1);
            mpz_set_u256(m, &a);
            mpz_fdiv_r_2exp(t, m, bits);
            if (mpz_tstbit(t, bits - 1)) {
                mpz_set_ui(m, 0);
                mpz_setbit(m, bits);
                mpz_sub(t, t, m);
            }
            u256_from_mpz(&want, t);
        } else {
            want = a;
        }
        u256_signextend(&got, &s, &a);
        CHECK_EQ("signextend", &got, &want, &s, &a, &a);
    }
    printf("oracle_signed: %d random pairs passed: sdiv smod slt sgt is_neg neg sar signextend\n",
           PAIRS_PER_GROUP);
    mpz_clears(x, y, t, m, NULL);
}
END_TEST

/* ---- oracle: bitwise, shifts, comparison ---- */

START_TEST(oracle_bits)
{
    rng_start(3);
    mpz_t x, y, t;
    mpz_inits(x, y, t, NULL);
    u256 a, b, got, want, s;
    for (long it = 0; it < PAIRS_PER_GROUP; it++) {
        gen(&a);
        gen(&b);
        mpz_set_u256(x, &a);
        mpz_set_u256(y, &b);

        mpz_and(t, x, y);
        u256_from_mpz(&want, t);
        u256_and(&got, &a, &b);
        CHECK_EQ("and", &got, &want, &a, &b, &b);
        mpz_ior(t, x, y);
        u256_from_mpz(&want, t);
        u256_or(&got, &a, &b);
        CHECK_EQ("or", &got, &want, &a, &b, &b);
        mpz_xor(t, x, y);
        u256_from_mpz(&want, t);
        u256_xor(&got, &a, &b);
        CHECK_EQ("xor", &got, &want, &a, &b, &b);
        mpz_sub(t, two256, x);
        mpz_sub_ui(t, t, 1);
        u256_from_mpz(&want, t);
        u256_not(&got, &a);
        CHECK_EQ("not", &got, &want, &a, &b, &b);

        int c = mpz_cmp(x, y);
        CHECK_INT("cmp", u256_cmp(&a, &b), c < 0 ? -1 : c > 0, &a, &b);
        CHECK_INT("lt", u256_lt(&a, &b), c < 0, &a, &b);
        CHECK_INT("gt", u256_gt(&a, &b), c > 0, &a, &b);
        CHECK_INT("eq", u256_eq(&a, &b), c == 0, &a, &b);
        CHECK_INT("iszero", u256_is_zero(&a), mpz_sgn(x) == 0, &a, &b);
        CHECK_INT("fits_u64", u256_fits_u64(&a), mpz_sizeinbase(x, 2) <= 64, &a, &b);

        gen_small_or_any(&s);
        bool small = u256_fits_u64(&s) && s.w[0] < 256;
        if (small)
            mpz_mul_2exp(t, x, (mp_bitcnt_t)s.w[0]);
        else
            mpz_set_ui(t, 0);
        u256_from_mpz(&want, t);
        u256_shl(&got, &s, &a);
        CHECK_EQ("shl", &got, &want, &s, &a, &a);
        if (small) {
            u256_shl_bits(&got, &a, (unsigned)s.w[0]);
            CHECK_EQ("shl_bits", &got, &want, &s, &a, &a);
        }

        if (small)
            mpz_fdiv_q_2exp(t, x, (mp_bitcnt_t)s.w[0]);
        else
            mpz_set_ui(t, 0);
        u256_from_mpz(&want, t);
        u256_shr(&got, &s, &a);
        CHECK_EQ("shr", &got, &want, &s, &a, &a);
        if (small) {
            u256_shr_bits(&got, &a, (unsigned)s.w[0]);
            CHECK_EQ("shr_bits", &got, &want, &s, &a, &a);
        }

        /* BYTE i counts from the most significant byte. */
        gen_small_or_any(&s);
        if (u256_fits_u64(&s) && s.w[0] < 32) {
            mpz_fdiv_q_2exp(t, x, 8 * (31 - (mp_bitcnt_t)s.w[0]));
            mpz_fdiv_r_2exp(t, t, 8);
        } else {
            mpz_set_ui(t, 0);
        }
        u256_from_mpz(&want, t);
        u256_byte(&got, &s, &a);
        CHECK_EQ("byte", &got, &want, &s, &a, &a);
    }
    printf("oracle_bits: %d random pairs passed: and or xor not cmp lt gt eq iszero fits_u64 shl shl_bits "
           "shr shr_bits byte\n",
           PAIRS_PER_GROUP);
    mpz_clears(x, y, t, NULL);
}
END_TEST

/* ---- oracle: sizes and conversions ---- */

START_TEST(oracle_conv)
{
    rng_start(4);
    mpz_t x, t;
    mpz_inits(x, t, NULL);
    u256 a, got;
    char buf[80], want[80];
    uint8_t be[32], wbe[32], bmin[32];
    for (long it = 0; it < PAIRS_PER_GROUP; it++) {
        gen(&a);
        mpz_set_u256(x, &a);
        unsigned bits = mpz_sgn(x) ? (unsigned)mpz_sizeinbase(x, 2) : 0;
        CHECK_INT("bit_len", u256_bit_len(&a), bits, &a, &a);
        CHECK_INT("byte_len", u256_byte_len(&a), (bits + 7) / 8, &a, &a);

        /* big-endian: 32 bytes, minimal, and arbitrary lengths */
        size_t cnt = 0;
        memset(wbe, 0, sizeof wbe);
        uint8_t tmp[32];
        mpz_export(tmp, &cnt, 1, 1, 1, 0, x);
        memcpy(wbe + 32 - cnt, tmp, cnt);
        u256_to_be32(be, &a);
        REQUIRE(memcmp(be, wbe, 32) == 0, "to_be32 mismatch for %s", hx(buf, &a));
        u256_from_be32(&got, be);
        CHECK_EQ("from_be32", &got, &a, &a, &a, &a);
        size_t n = u256_to_be_min(bmin, &a);
        CHECK_INT("to_be_min.len", n, cnt, &a, &a);
        REQUIRE(memcmp(bmin, tmp, cnt) == 0, "to_be_min bytes mismatch for %s", hx(buf, &a));
        u256_from_be(&got, bmin, n);
        CHECK_EQ("from_be(min)", &got, &a, &a, &a, &a);
        /* a random-length suffix reads as the value mod 2^(8 len) */
        size_t len = rnd_below(33);
        u256_from_be(&got, be + 32 - len, len);
        mpz_fdiv_r_2exp(t, x, 8 * len);
        u256 w;
        u256_from_mpz(&w, t);
        CHECK_EQ("from_be(suffix)", &got, &w, &a, &a, &a);

        /* hex and decimal formatting, then parsing back */
        /* mpz_get_str into a caller buffer: gmp_snprintf allocates and
         * would dominate the run time. */
        want[0] = '0';
        want[1] = 'x';
        mpz_get_str(want + 2, 16, x);
        REQUIRE(strcmp(u256_to_hex(buf, &a), want) == 0, "to_hex: got %s, want %s", buf, want);
        REQUIRE(u256_parse(&got, buf) == 0, "parse %s: %s", buf, seer_error_detail());
        CHECK_EQ("parse(hex)", &got, &a, &a, &a, &a);
        mpz_get_str(want, 10, x);
        REQUIRE(strcmp(u256_to_dec(buf, &a), want) == 0, "to_dec: got %s, want %s", buf, want);
        REQUIRE(u256_parse(&got, buf) == 0, "parse %s: %s", buf, seer_error_detail());
        CHECK_EQ("parse(dec)", &got, &a, &a, &a, &a);
        /* upper-case, zero-padded hex as fixtures sometimes spell it */
        char up[70];
        mpz_get_str(up, -16, x);
        size_t ul = strlen(up);
        memset(want, '0', sizeof want);
        want[1] = 'X';
        memcpy(want + 2 + 64 - ul, up, ul + 1);
        REQUIRE(u256_parse(&got, want) == 0, "parse %s: %s", want, seer_error_detail());
        CHECK_EQ("parse(HEX64)", &got, &a, &a, &a, &a);
    }
    printf("oracle_conv: %d random pairs passed: bit_len byte_len to_be32 from_be32 to_be_min from_be to_hex "
           "to_dec parse(hex) parse(dec) parse(HEX64)\n",
           PAIRS_PER_GROUP);
    mpz_clears(x, t, NULL);
}
END_TEST

/* ---- outputs may alias inputs ---- */

typedef void (*binop)(u256 *, const u256 *, const u256 *);

START_TEST(aliasing)
{
    rng_start(5);
    static const struct {
        const char *name;
        binop f;
    } ops[] = {{"add", u256_add},
               {"sub", u256_sub},
               {"mul", u256_mul},
               {"div", u256_div},
               {"mod", u256_mod},
               {"sdiv", u256_sdiv},
               {"smod", u256_smod},
               {"exp", u256_exp},
               {"shl", u256_shl},
               {"shr", u256_shr},
               {"sar", u256_sar},
               {"byte", u256_byte},
               {"signextend", u256_signextend},
               {"and", u256_and},
               {"or", u256_or},
               {"xor", u256_xor}};
    for (int it = 0; it < 2000; it++) {
        u256 a, b, c, want, r;
        gen(&a);
        if (it & 1)
            gen_small_or_any(&a);
        gen(&b);
        gen(&c);
        for (size_t k = 0; k < SEER_ARRAY_LEN(ops); k++) {
            ops[k].f(&want, &a, &b);
            r = a;
            ops[k].f(&r, &r, &b);
            CHECK_EQ(ops[k].name, &r, &want, &a, &b, &b);
            r = b;
            ops[k].f(&r, &a, &r);
            CHECK_EQ(ops[k].name, &r, &want, &a, &b, &b);
            r = a;
            ops[k].f(&want, &a, &a);
            ops[k].f(&r, &r, &r);
            CHECK_EQ(ops[k].name, &r, &want, &a, &a, &a);
        }
        u256_addmod(&want, &a, &b, &c);
        r = c;
        u256_addmod(&r, &a, &b, &r);
        CHECK_EQ("addmod", &r, &want, &a, &b, &c);
        u256_mulmod(&want, &a, &b, &c);
        r = a;
        u256_mulmod(&r, &r, &b, &c);
        CHECK_EQ("mulmod", &r, &want, &a, &b, &c);
        u256 q, rem, wq, wr;
        u256_divmod(&wq, &wr, &a, &b);
        q = a;
        rem = b;
        u256_divmod(&q, &rem, &q, &rem);
        CHECK_EQ("divmod.q", &q, &wq, &a, &b, &b);
        CHECK_EQ("divmod.r", &rem, &wr, &a, &b, &b);
    }
}
END_TEST

/* ---- Knuth D's rare branches ----
 * The quotient digit estimate is one too large with probability about
 * 2/2^64 for uniform operands, so fully random operands never reach step
 * D6 (add back); nor do they reach the case where the dividend's top two
 * digits equal the divisor's (the digit is then b - 1, outside the 3-by-2
 * division's domain). The operands below, from the edge-limb set, were
 * found by searching with an instrumented copy of the division: in each
 * list the last four take the b - 1 branch and the others the add-back
 * branch; addback_div through a 256/256 division, addback_mulmod through
 * MULMOD's 512/256 reduction. The expected values come from GMP. */
static const char *addback_div[][2] = {
    {"0xfffffffffffffffd7fffffffffffffff00000000000000015e4d995aa252887b",
     "0x800000000000000080000000000000018000000000000002"},
    {"0x8000000000000000000000000000000000000001000000007fffffffffffffff",
     "0x100000000000000000000000000000000ffffffff"},
    {"0x1ffffffffffffffff0000000000000002fffffffffffffffe",
     "0xffffffffffffffff80000000000000018000000000000002"},
    {"0x8000000000000000000000000000000100000000ffffffff0000000000000002",
     "0x80000000000000008000000000000001ffffffffffffffff"},
    {"0xffffffffffffffffffffffff7fffffffffffffff8000000000000002",
     "0x100000000fffffffffffffffe7fffffffffffffff"},
    {"0xfffffffffffffffeffffffffffffffff80000000000000008000000000000001",
     "0x27fffffffffffffffffffffffffffffff"},
    {"0x7fffffffffffffff00000001000000008000000000000001fffffffffffffffe",
     "0x7fffffffffffffff0000000100000000b09007c09d09daaa"},
    {"0xffffffff00000000ffffffff00000000000000008000000000000000",
     "0x2800000000000000280000000000000028000000000000001"},
    {"0x800000000000000180000000000000020000000100000000ffffffffffffffff",
     "0x8000000000000001800000000000000221dbc6dbd1706b2b"},
    {"0xfffffffffffffffdffffffffffffffff8000000000000001fffffffffffffffe",
     "0x7ffffffffffffffffffffffffffffffffffffffffffffffe"},
    {"0x7fffffffffffffff800000000000000100000000ffffffff8000000000000001",
     "0x80000000000000000000000000000001fffffffffffffffe"},
    {"0xfffffffffffffffd00000000ffffffff00000001000000000000000100000000",
     "0xfffffffffffffffd00000000ffffffffc05709e9d8f1bb5e"},
    {"0xfffffffffffffffffffffffffffffffe00000000000000000000000000000001",
     "0xfffffffffffffffffffffffffffffffe8000000000000000"},
    {"0x8000000000000000fffffffffffffffe00000000000000007fffffffffffffff",
     "0x8000000000000000fffffffffffffffe6679fb618b211955"},
    {"0x800000000000000100000000000000017fffffffffffffff00000000ffffffff",
     "0x80000000000000010000000000000001a047d6957d71e69d"},
    {"0x800000000000000100000000000000018000000000000001ffffffffffffffff",
     "0x80000000000000010000000000000001ffffffffffffffff"},
};

static const char *addback_mulmod[][3] = {
    {"0x2fffffffffffffffffffffffffffffffd8227ec8c3eb4ae55",
     "0x8000000000000001fffffffffffffffeffffffffffffffff8000000000000000",
     "0x8000000000000001fffffffffffffffeffffffffffffffff0000000100000000"},
    {"0xfffffffffffffffe000000000000000280000000000000000000000000000002",
     "0x80000000000000007fffffffffffffff000000000000000180558d815d138981",
     "0x800000000000000080000000000000007fffffffffffffff708ef43e905ef798"},
    {"0x80000000000000018000000000000000e76033ac7d84bbad0000000100000000",
     "0x7ffffffffffffffffffffffffffffffe00000000ffffffff8000000000000002",
     "0x7fffffffffffffff8000000000000000ffffffffffffffff"},
    {"0xffffffff00000001000000008000000000000001fffffffffffffffd",
     "0xfffffffffffffffdfffffffffffffffe7fffffffffffffffe29a997fe19444e9",
     "0x10000000000000000000000027fffffffffffffff"},
    {"0xfffffffffffffffdfffffffffffffffe7fffffffffffffff8000000000000001",
     "0x8000000000000000800000000000000200000000ffffffff0000000000000000",
     "0xffffffffffffffff0000000000000000ffffffffffffffff"},
    {"0xfffffffffffffffeffffffffffffffff7fffffffffffffff83646c2224f537e8",
     "0xffffffffffffffff7fffffffffffffff8000000000000000fffffffffffffffd",
     "0xffffffffffffffff7fffffffffffffff0000000100000000"},
    {"0xffffffffffffffff0000000000000000fffffffffffffffe0000000000000000",
     "0xffffffffffffffffffffffffffffffff7fffffffffffffff8000000000000000",
     "0xffffffffffffffff0000000000000000800000000000000023ceb21bc07a866a"},
    {"0x8000000000000000fffffffffffffffe7fffffffffffffff",
     "0x8000000000000001000000000000000200000000000000000000000000000000",
     "0x800000000000000100000000000000007fffffffffffffff00000000ffffffff"},
    {"0xfffffffffffffffffffffffffffffffffffffffffffffffe0000000000000000",
     "0xfffffffffffffffe7fffffffffffffff00000000000000020000000000000000",
     "0xfffffffffffffffe7ffffffffffffffffffffffffffffffe7eeb3cb34a8136ca"},
    {"0x8000000000000000000000000000000100000000000000004486d017a99bd7c8",
     "0xfffffffffffffffe000000000000000080000000000000018000000000000000",
     "0x7fffffffffffffff00000000000000017fffffffffffffffdafd1da315c70da0"},
};

START_TEST(knuth_addback)
{
    mpz_t x, y, z, t;
    mpz_inits(x, y, z, t, NULL);
    u256 a, b, m, got, want;
    for (size_t i = 0; i < SEER_ARRAY_LEN(addback_div); i++) {
        ck_assert_int_eq(u256_parse(&a, addback_div[i][0]), 0);
        ck_assert_int_eq(u256_parse(&b, addback_div[i][1]), 0);
        mpz_set_u256(x, &a);
        mpz_set_u256(y, &b);
        mpz_tdiv_q(t, x, y);
        u256_from_mpz(&want, t);
        u256_div(&got, &a, &b);
        CHECK_EQ("div(addback)", &got, &want, &a, &b, &b);
        mpz_tdiv_r(t, x, y);
        u256_from_mpz(&want, t);
        u256_mod(&got, &a, &b);
        CHECK_EQ("mod(addback)", &got, &want, &a, &b, &b);
    }
    for (size_t i = 0; i < SEER_ARRAY_LEN(addback_mulmod); i++) {
        ck_assert_int_eq(u256_parse(&a, addback_mulmod[i][0]), 0);
        ck_assert_int_eq(u256_parse(&b, addback_mulmod[i][1]), 0);
        ck_assert_int_eq(u256_parse(&m, addback_mulmod[i][2]), 0);
        mpz_set_u256(x, &a);
        mpz_set_u256(y, &b);
        mpz_set_u256(z, &m);
        mpz_mul(t, x, y);
        mpz_mod(t, t, z);
        u256_from_mpz(&want, t);
        u256_mulmod(&got, &a, &b, &m);
        CHECK_EQ("mulmod(addback)", &got, &want, &a, &b, &m);
    }
    mpz_clears(x, y, z, t, NULL);
}
END_TEST

/* ---- fixed EVM edge cases ---- */

static u256 P(const char *s)
{
    u256 r;
    ck_assert_msg(u256_parse(&r, s) == 0, "parse %s: %s", s, seer_error_detail());
    return r;
}

#define ASSERT_U256(got, want_str)                                                                           \
    do {                                                                                                     \
        u256 w_ = P(want_str);                                                                               \
        char g_[67];                                                                                         \
        ck_assert_msg(u256_eq(&(got), &w_), "got %s, want %s", hx(g_, &(got)), want_str);                    \
    } while (0)

START_TEST(evm_edges)
{
    u256 r, a, b, m;
    const u256 zero = U256_ZERO, one = U256_ONE, max = U256_MAX;
    a = P("12345");
    /* division by zero is 0 for every division opcode */
    u256_div(&r, &a, &zero);
    ASSERT_U256(r, "0");
    u256_mod(&r, &a, &zero);
    ASSERT_U256(r, "0");
    u256_sdiv(&r, &a, &zero);
    ASSERT_U256(r, "0");
    u256_smod(&r, &a, &zero);
    ASSERT_U256(r, "0");
    u256_addmod(&r, &a, &a, &zero);
    ASSERT_U256(r, "0");
    u256_mulmod(&r, &a, &a, &zero);
    ASSERT_U256(r, "0");
    /* -2^255 / -1 overflows back to -2^255; smod of it by -1 is 0 */
    a = P("0x8000000000000000000000000000000000000000000000000000000000000000");
    u256_sdiv(&r, &a, &max);
    ASSERT_U256(r, "0x8000000000000000000000000000000000000000000000000000000000000000");
    u256_smod(&r, &a, &max);
    ASSERT_U256(r, "0");
    /* smod takes the dividend's sign: -8 smod 3 = -2, 8 smod -3 = 2 */
    a = P("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8");
    b = P("3");
    u256_smod(&r, &a, &b);
    ASSERT_U256(r, "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe");
    a = P("8");
    b = P("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd");
    u256_smod(&r, &a, &b);
    ASSERT_U256(r, "2");
    /* exp: 0^0 = 1, 0^1 = 0, 2^255, 2^256 wraps to 0, (-1)^odd = -1 */
    u256_exp(&r, &zero, &zero);
    ASSERT_U256(r, "1");
    u256_exp(&r, &zero, &one);
    ASSERT_U256(r, "0");
    a = P("2");
    b = P("255");
    u256_exp(&r, &a, &b);
    ASSERT_U256(r, "0x8000000000000000000000000000000000000000000000000000000000000000");
    b = P("256");
    u256_exp(&r, &a, &b);
    ASSERT_U256(r, "0");
    b = P("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    u256_exp(&r, &max, &b);
    ASSERT_U256(r, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    /* addmod and mulmod are exact past 2^256 (EVM spec: no intermediate wrap) */
    m = P("0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe");
    u256_addmod(&r, &max, &max, &m);
    ASSERT_U256(r, "2");
    u256_mulmod(&r, &max, &max, &m);
    ASSERT_U256(r, "1");
    m = P("12");
    u256_addmod(&r, &max, &one, &m); /* 2^256 mod 12 = 4 */
    ASSERT_U256(r, "4");
}
END_TEST

START_TEST(signextend_byte_shift_edges)
{
    u256 r, b, x;
    x = P("0xff");
    b = P("0");
    u256_signextend(&r, &b, &x);
    ASSERT_U256(r, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    x = P("0x7f");
    u256_signextend(&r, &b, &x);
    ASSERT_U256(r, "0x7f");
    /* b >= 31 leaves x unchanged, including a b that does not fit 64 bits */
    x = P("0x80");
    b = P("31");
    u256_signextend(&r, &b, &x);
    ASSERT_U256(r, "0x80");
    b = P("0x10000000000000000");
    u256_signextend(&r, &b, &x);
    ASSERT_U256(r, "0x80");
    x = P("0x00800000000000000000000000000000000000000000000000000000000000ff");
    b = P("30");
    u256_signextend(&r, &b, &x);
    ASSERT_U256(r, "0xff800000000000000000000000000000000000000000000000000000000000ff");

    x = P("0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
    b = P("0");
    u256_byte(&r, &b, &x);
    ASSERT_U256(r, "1");
    b = P("31");
    u256_byte(&r, &b, &x);
    ASSERT_U256(r, "0x20");
    b = P("32");
    u256_byte(&r, &b, &x);
    ASSERT_U256(r, "0");
    b = P("0x10000000000000000");
    u256_byte(&r, &b, &x);
    ASSERT_U256(r, "0");

    /* EIP-145's test vectors */
    x = P("1");
    b = P("255");
    u256_shl(&r, &b, &x);
    ASSERT_U256(r, "0x8000000000000000000000000000000000000000000000000000000000000000");
    b = P("256");
    u256_shl(&r, &b, &x);
    ASSERT_U256(r, "0");
    x = P("0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    b = P("1");
    u256_shl(&r, &b, &x);
    ASSERT_U256(r, "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe");
    b = P("256");
    u256_shr(&r, &b, &x);
    ASSERT_U256(r, "0");
    b = P("255");
    u256_shr(&r, &b, &x);
    ASSERT_U256(r, "1");
    /* SAR of negatives fills with ones, also for shifts >= 256 */
    x = P("0x8000000000000000000000000000000000000000000000000000000000000000");
    b = P("1");
    u256_sar(&r, &b, &x);
    ASSERT_U256(r, "0xc000000000000000000000000000000000000000000000000000000000000000");
    b = P("255");
    u256_sar(&r, &b, &x);
    ASSERT_U256(r, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    b = P("256");
    u256_sar(&r, &b, &x);
    ASSERT_U256(r, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    b = P("0x100000000000000000000000000000000");
    u256_sar(&r, &b, &x);
    ASSERT_U256(r, "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    x = P("0x4000000000000000000000000000000000000000000000000000000000000000");
    b = P("254");
    u256_sar(&r, &b, &x);
    ASSERT_U256(r, "1");
    b = P("256");
    u256_sar(&r, &b, &x);
    ASSERT_U256(r, "0");
}
END_TEST

START_TEST(parse_ok)
{
    u256 r;
    ck_assert_int_eq(u256_parse(&r, "0x1"), 0); /* odd digit count */
    ASSERT_U256(r, "1");
    ck_assert_int_eq(u256_parse(&r, "0xabc"), 0);
    ck_assert_uint_eq(r.w[0], 0xabc);
    ck_assert_int_eq(u256_parse(&r, "0"), 0);
    ck_assert(u256_is_zero(&r));
    ck_assert_int_eq(u256_parse(&r, "0x0"), 0);
    ck_assert(u256_is_zero(&r));
    /* leading zeros do not count toward the 64-digit limit */
    ck_assert_int_eq(u256_parse(&r, "0x00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
                     0);
    ck_assert(u256_eq(&r, &U256_MAX));
    ck_assert_int_eq(
        u256_parse(&r, "115792089237316195423570985008687907853269984665640564039457584007913129639935"), 0);
    ck_assert(u256_eq(&r, &U256_MAX));
    ck_assert_int_eq(u256_parse(&r, "18446744073709551616"), 0); /* 2^64 */
    ck_assert(r.w[0] == 0 && r.w[1] == 1 && r.w[2] == 0 && r.w[3] == 0);
    char buf[79];
    ck_assert_str_eq(u256_to_hex(buf, &U256_ZERO), "0x0");
    ck_assert_str_eq(u256_to_dec(buf, &U256_ZERO), "0");
    ck_assert_str_eq(u256_to_dec(buf, &U256_MAX),
                     "115792089237316195423570985008687907853269984665640564039457584007913129639935");
}
END_TEST

static void expect_parse_error(const char *s, const char *detail_part)
{
    u256 r = u256_from_u64(77);
    seer_error_clear();
    int rc = u256_parse(&r, s);
    ck_assert_msg(rc == SEER_EPARSE, "\"%s\": rc %d, want SEER_EPARSE", s, rc);
    ck_assert_msg(strstr(seer_error_detail(), detail_part) != NULL, "\"%s\": detail \"%s\" lacks \"%s\"", s,
                  seer_error_detail(), detail_part);
    ck_assert_msg(r.w[0] == 77, "\"%s\": output written on failure", s);
}

START_TEST(parse_errors)
{
    expect_parse_error("", "empty");
    expect_parse_error("0x", "0x");
    expect_parse_error("0X", "0X");
    expect_parse_error("0xg1", "'g'");
    expect_parse_error("0x12 ", "offset 4");
    expect_parse_error("12a", "'a'");
    expect_parse_error("-1", "'-'");
    expect_parse_error(" 1", "offset 0");
    /* 65 significant hex digits */
    expect_parse_error("0x10000000000000000000000000000000000000000000000000000000000000000", "exceeds");
    /* 2^256 in decimal, and a much longer decimal */
    expect_parse_error("115792089237316195423570985008687907853269984665640564039457584007913129639936",
                       "exceeds");
    expect_parse_error("9999999999999999999999999999999999999999999999999999999999999999999999999999999999",
                       "exceeds");
    ck_assert_int_eq(u256_parse(NULL, "1"), SEER_EINVAL);
}
END_TEST

/* The empty-code hash and empty-trie root are consensus constants: recompute
 * them with the keccak implementation rather than trusting the table. */
START_TEST(state_constants)
{
    uint8_t h[32];
    seer_keccak256(h, "", 0);
    ck_assert_mem_eq(h, SEER_EMPTY_CODE_HASH.bytes, 32);
    const uint8_t rlp_empty = 0x80;
    seer_keccak256(h, &rlp_empty, 1);
    ck_assert_mem_eq(h, SEER_EMPTY_TRIE_ROOT.bytes, 32);
}
END_TEST

/* The oracle cases take ~1 s each on an idle core; the generous limit
 * keeps them from timing out on a loaded machine when run by hand (make
 * check raises CK_DEFAULT_TIMEOUT anyway). */
#define ORACLE_TIMEOUT_S 300

static Suite *u256_suite(void)
{
    Suite *s = suite_create("u256");
    TCase *tc;

    tc = tcase_create("oracle_arith");
    tcase_set_timeout(tc, ORACLE_TIMEOUT_S);
    tcase_add_unchecked_fixture(tc, oracle_setup, oracle_teardown);
    tcase_add_test(tc, oracle_arith);
    suite_add_tcase(s, tc);

    tc = tcase_create("oracle_signed");
    tcase_set_timeout(tc, ORACLE_TIMEOUT_S);
    tcase_add_unchecked_fixture(tc, oracle_setup, oracle_teardown);
    tcase_add_test(tc, oracle_signed);
    suite_add_tcase(s, tc);

    tc = tcase_create("oracle_bits");
    tcase_set_timeout(tc, ORACLE_TIMEOUT_S);
    tcase_add_unchecked_fixture(tc, oracle_setup, oracle_teardown);
    tcase_add_test(tc, oracle_bits);
    suite_add_tcase(s, tc);

    tc = tcase_create("oracle_conv");
    tcase_set_timeout(tc, ORACLE_TIMEOUT_S);
    tcase_add_unchecked_fixture(tc, oracle_setup, oracle_teardown);
    tcase_add_test(tc, oracle_conv);
    suite_add_tcase(s, tc);

    tc = tcase_create("aliasing");
    tcase_add_test(tc, aliasing);
    suite_add_tcase(s, tc);

    tc = tcase_create("knuth_addback");
    tcase_add_unchecked_fixture(tc, oracle_setup, oracle_teardown);
    tcase_add_test(tc, knuth_addback);
    suite_add_tcase(s, tc);

    tc = tcase_create("evm_edges");
    tcase_add_test(tc, evm_edges);
    tcase_add_test(tc, signextend_byte_shift_edges);
    suite_add_tcase(s, tc);

    tc = tcase_create("parse");
    tcase_add_test(tc, parse_ok);
    tcase_add_test(tc, parse_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("state_constants");
    tcase_add_test(tc, state_constants);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    test_seed("u256");
    return test_run_suite(u256_suite());
}

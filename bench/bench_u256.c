/* bench_u256: ns/op of the u256 operations the EVM spends its arithmetic
 * time in, next to GMP's mpz doing the same work on the same operands.
 *
 *   bench_u256 [seconds-per-measurement]   (default 0.3)
 *
 * Operands are pre-generated (fixed seed) random 256-bit values, a few
 * thousand pairs cycled through, so both sides see identical inputs and
 * neither benefits from a single value staying in registers. GMP is told
 * the EVM's modulus 2^256 explicitly: mul is mpz_mul + mpz_fdiv_r_2exp,
 * exp is mpz_powm mod 2^256. The ratio is GMP time / u256 time. */
#include "common/u256.h"

#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NPAIRS 4096

static u256 A[NPAIRS], B[NPAIRS], M[NPAIRS], Bhalf[NPAIRS];
static mpz_t zA[NPAIRS], zB[NPAIRS], zM[NPAIRS], zBhalf[NPAIRS];
static mpz_t two256, zr, zt;
static volatile uint64_t sink;

static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static uint64_t next(void)
{
    /* splitmix64: a fixed sequence so runs are comparable */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef void (*bench_fn)(size_t i);

/* Runs passes over the operand set until `secs` have elapsed; returns
 * ns per operation. */
static double measure(bench_fn f, double secs)
{
    for (size_t i = 0; i < NPAIRS; i++) /* warm-up: caches, branch predictors */
        f(i);
    size_t ops = 0;
    double t0 = now(), t;
    do {
        for (size_t i = 0; i < NPAIRS; i++)
            f(i);
        ops += NPAIRS;
        t = now();
    } while (t - t0 < secs);
    return (t - t0) * 1e9 / (double)ops;
}

static void u_mul(size_t i)
{
    u256 r;
    u256_mul(&r, &A[i], &B[i]);
    sink ^= r.w[0];
}
static void g_mul(size_t i)
{
    mpz_mul(zr, zA[i], zB[i]);
    mpz_fdiv_r_2exp(zr, zr, 256);
    sink ^= mpz_getlimbn(zr, 0);
}
static void u_div(size_t i)
{
    u256 r;
    u256_div(&r, &A[i], &B[i]);
    sink ^= r.w[0];
}
static void g_div(size_t i)
{
    mpz_tdiv_q(zr, zA[i], zB[i]);
    sink ^= mpz_getlimbn(zr, 0);
}
static void u_div_half(size_t i)
{
    u256 r;
    u256_div(&r, &A[i], &Bhalf[i]);
    sink ^= r.w[0];
}
static void g_div_half(size_t i)
{
    mpz_tdiv_q(zr, zA[i], zBhalf[i]);
    sink ^= mpz_getlimbn(zr, 0);
}
static void u_mulmod(size_t i)
{
    u256 r;
    u256_mulmod(&r, &A[i], &B[i], &M[i]);
    sink ^= r.w[0];
}
static void g_mulmod(size_t i)
{
    mpz_mul(zt, zA[i], zB[i]);
    mpz_mod(zr, zt, zM[i]);
    sink ^= mpz_getlimbn(zr, 0);
}
static void u_exp(size_t i)
{
    u256 r;
    u256_exp(&r, &A[i], &B[i]);
    sink ^= r.w[0];
}
static void g_exp(size_t i)
{
    mpz_powm(zr, zA[i], zB[i], two256);
    sink ^= mpz_getlimbn(zr, 0);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 0.3;
    if (!(secs > 0))
        secs = 0.3;
    mpz_inits(two256, zr, zt, NULL);
    mpz_setbit(two256, 256);
    for (size_t i = 0; i < NPAIRS; i++) {
        for (int k = 0; k < 4; k++) {
            A[i].w[k] = next();
            B[i].w[k] = next();
            M[i].w[k] = next();
        }
        /* A 128-bit divisor gives a two-limb quotient: the case that
         * exercises Knuth D's loop rather than a single estimate. */
        Bhalf[i] = B[i];
        Bhalf[i].w[2] = Bhalf[i].w[3] = 0;
        mpz_init(zA[i]);
        mpz_init(zB[i]);
        mpz_init(zM[i]);
        mpz_init(zBhalf[i]);
        mpz_import(zA[i], 4, -1, sizeof(uint64_t), 0, 0, A[i].w);
        mpz_import(zB[i], 4, -1, sizeof(uint64_t), 0, 0, B[i].w);
        mpz_import(zM[i], 4, -1, sizeof(uint64_t), 0, 0, M[i].w);
        mpz_import(zBhalf[i], 4, -1, sizeof(uint64_t), 0, 0, Bhalf[i].w);
    }

    static const struct {
        const char *name;
        bench_fn u, g;
    } rows[] = {
        {"mul", u_mul, g_mul},          {"div", u_div, g_div}, {"div(256/128)", u_div_half, g_div_half},
        {"mulmod", u_mulmod, g_mulmod}, {"exp", u_exp, g_exp},
    };
    printf("bench_u256: %d random 256-bit operand pairs, GMP %s\n", NPAIRS, gmp_version);
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        double tu = measure(rows[k].u, secs), tg = measure(rows[k].g, secs);
        printf("%-13s u256 %9.1f ns/op   gmp %9.1f ns/op   gmp/u256 %5.2fx\n", rows[k].name, tu, tg, tg / tu);
    }

    for (size_t i = 0; i < NPAIRS; i++) {
        mpz_clear(zA[i]);
        mpz_clear(zB[i]);
        mpz_clear(zM[i]);
        mpz_clear(zBhalf[i]);
    }
    mpz_clears(two256, zr, zt, NULL);
    return 0;
}

/* keccak256 throughput next to nettle's SHA3-256 (the same permutation and
 * rate, so the ratio measures the implementation alone).
 *
 * Build: gcc -std=gnu11 -O2 -I include -I . common/keccak.c
 *        bench/bench_keccak.c -o bench_keccak -lnettle
 * "ratio" is seer (run-time selected variant) / nettle; "port." is seer's
 * portable variant / nettle.
 * Run:   ./bench_keccak [seconds per measurement, default 0.5] */
#include "common/keccak.h"

#include <nettle/sha3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Sinks every digest so the compiler cannot drop the hashing. */
static volatile uint8_t sink;

static void hash_seer(const uint8_t *in, size_t len, uint8_t out[32])
{
    seer_keccak256(out, in, len);
}

static void hash_nettle(const uint8_t *in, size_t len, uint8_t out[32])
{
    struct sha3_256_ctx ctx;
    sha3_256_init(&ctx);
    sha3_256_update(&ctx, len, in);
    sha3_256_digest(&ctx, 32, out);
}

/* Returns MB/s (10^6 bytes). Runs batches until `secs` have passed; the
 * input's first byte changes each call so no result can be reused. */
static double measure(void (*fn)(const uint8_t *, size_t, uint8_t *), uint8_t *in, size_t len, double secs)
{
    uint8_t out[32];
    size_t calls = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 1000; i++) {
            in[0] = (uint8_t)calls;
            fn(in, len, out);
            sink ^= out[0];
            calls++;
        }
        t = now() - t0;
    } while (t < secs);
    return (double)calls * (double)len / t / 1e6;
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 0.5;
    if (secs <= 0)
        secs = 0.5;
    static uint8_t in[4096];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (uint8_t)(i * 131 + 7);

    static const size_t sizes[] = {64, 4096};
    printf("seer variant picked at run time: %s\n", seer_keccak_impl_name());
    printf("%-8s %14s %14s %14s %8s %8s\n", "bytes", "seer MB/s", "portable MB/s", "nettle MB/s", "ratio",
           "port.");
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t len = sizes[k];
        /* Interleave and keep the best of three, to damp noise from other
         * processes on a shared machine. */
        double best_s = 0, best_p = 0, best_n = 0;
        for (int rep = 0; rep < 3; rep++) {
            double s = measure(hash_seer, in, len, secs);
            seer_keccak_force_portable(true);
            double p = measure(hash_seer, in, len, secs);
            seer_keccak_force_portable(false);
            double n = measure(hash_nettle, in, len, secs);
            best_s = s > best_s ? s : best_s;
            best_p = p > best_p ? p : best_p;
            best_n = n > best_n ? n : best_n;
        }
        printf("%-8zu %14.1f %14.1f %14.1f %7.2fx %7.2fx\n", len, best_s, best_p, best_n, best_s / best_n,
               best_p / best_n);
    }
    return 0;
}

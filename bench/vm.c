/* The EVM interpreter benchmark (include/seer/bench.h).
 *
 * The contracts are built here with a few lines of emitter (one opcode per
 * call, labels patched as PUSH2) rather than gen/asm.h, so that the
 * benchmark does not depend on the synthetic-workload generator. Each one
 * is a loop that runs until less than RESERVE gas is left and then STOPs:
 * a transaction executes its whole gas limit in the loop, the exit is a
 * success (checked, so a broken contract or interpreter fails the run
 * instead of producing fast figures), and the loop test costs three
 * cheap instructions per iteration. */
#define _GNU_SOURCE /* CLOCK_THREAD_CPUTIME_ID */
#include "seer/bench.h"

#include "common/keccak.h"
#include "common/u256.h"
#include "common/util.h"
#include "state/memstore.h"
#include "vm/interp.h"
#include "vm/opcodes.h"
#include "vm/world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Gas kept back by the loop test: more than one iteration of the most
 * expensive body (the token loop's first, cold iteration: 4 keccaks, two
 * cold SLOADs and two cold SSTOREs, ~15000 gas). */
#define RESERVE 50000

#define DEFAULT_GAS    200000000ull
#define DEFAULT_TX_GAS 30000000ull

/* ---- a tiny emitter ---- */

#define EMIT_CAP    2048
#define EMIT_LABELS 16
#define EMIT_FIXUPS 32

typedef struct emitter {
    uint8_t code[EMIT_CAP];
    size_t len;
    size_t label_at[EMIT_LABELS];
    struct {
        size_t at;
        int label;
    } fix[EMIT_FIXUPS];
    size_t nfix;
    bool overflow; /* a body too big for the buffer: a bug here, reported */
} emitter;

static void op(emitter *e, uint8_t b)
{
    if (e->len < EMIT_CAP)
        e->code[e->len++] = b;
    else
        e->overflow = true;
}

/* The narrowest PUSH of v (PUSH0 for zero, EIP-3855). */
static void push(emitter *e, uint64_t v)
{
    int n = 0;
    for (uint64_t t = v; t; t >>= 8)
        n++;
    op(e, (uint8_t)(SEER_OP_PUSH0 + n));
    for (int i = n - 1; i >= 0; i--)
        op(e, (uint8_t)(v >> (8 * i)));
}

/* A full-width 256-bit constant: PUSH32 of the big-endian bytes. */
static void push32(emitter *e, const char *hex)
{
    u256 v;
    uint8_t be[32];
    if (u256_parse(&v, hex) < 0) {
        e->overflow = true;
        return;
    }
    u256_to_be32(be, &v);
    op(e, SEER_OP_PUSH32);
    for (int i = 0; i < 32; i++)
        op(e, be[i]);
}

/* Defines label `l` here: a JUMPDEST. */
static void label(emitter *e, int l)
{
    e->label_at[l] = e->len;
    op(e, SEER_OP_JUMPDEST);
}

/* PUSH2 of label `l`'s position, patched by finish(). */
static void push_label(emitter *e, int l)
{
    op(e, SEER_OP_PUSH2);
    if (e->nfix < EMIT_FIXUPS) {
        e->fix[e->nfix].at = e->len;
        e->fix[e->nfix].label = l;
        e->nfix++;
    } else {
        e->overflow = true;
    }
    op(e, 0);
    op(e, 0);
}

static void jump(emitter *e, int l)
{
    push_label(e, l);
    op(e, SEER_OP_JUMP);
}

static void jumpi(emitter *e, int l)
{
    push_label(e, l);
    op(e, SEER_OP_JUMPI);
}

static void finish(emitter *e)
{
    for (size_t i = 0; i < e->nfix; i++) {
        size_t at = e->fix[i].at, to = e->label_at[e->fix[i].label];
        if (at + 1 < EMIT_CAP) {
            e->code[at] = (uint8_t)(to >> 8);
            e->code[at + 1] = (uint8_t)to;
        }
    }
}

enum { L_TOP, L_EXIT, L_A, L_B, L_C, L_D };

/* The loop head every contract shares: leave through L_EXIT (STOP) once
 * less than RESERVE gas is left. Stack unchanged. */
static void loop_head(emitter *e)
{
    label(e, L_TOP);
    push(e, RESERVE);
    op(e, SEER_OP_GAS);
    op(e, SEER_OP_LT); /* gas < RESERVE */
    jumpi(e, L_EXIT);
}

static void loop_tail(emitter *e)
{
    jump(e, L_TOP);
    label(e, L_EXIT);
    op(e, SEER_OP_STOP);
}

/* ---- the contracts ---- */

/* Arithmetic: a 256-bit LCG feeding DIV, MULMOD, ADDMOD, XOR and SHR. The
 * stack holds [x, y] (y on top) across iterations. */
static void build_arith(emitter *e)
{
    push(e, 0x12345);
    push(e, 0x6789);
    loop_head(e);
    /* y = y * A + B */
    push32(e, "0x5851f42d4c957f2d14057b7ef767814f7c3e6b1d2a5f3d6e4b1c0d9e8f7a6b5c");
    op(e, SEER_OP_MUL);
    push32(e, "0x14057b7ef767814f5851f42d4c957f2d0123456789abcdef0fedcba987654321");
    op(e, SEER_OP_ADD);
    op(e, SEER_OP_SWAP1); /* [y, x] */
    /* x = x / ((y >> 128) | 1) + y */
    op(e, SEER_OP_DUP2);
    push(e, 128);
    op(e, SEER_OP_SHR);
    push(e, 1);
    op(e, SEER_OP_OR); /* [y, x, d] */
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_DIV); /* [y, x / d] */
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_ADD); /* [y, t] */
    /* t += (t * y) mod P; t ^= (t + y) mod Q */
    push32(e, "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
    op(e, SEER_OP_DUP3);
    op(e, SEER_OP_DUP3);
    op(e, SEER_OP_MULMOD); /* [y, t, t*y mod P] */
    op(e, SEER_OP_ADD);
    push32(e, "0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47");
    op(e, SEER_OP_DUP3);
    op(e, SEER_OP_DUP3);
    op(e, SEER_OP_ADDMOD); /* [y, t, (t+y) mod Q] */
    op(e, SEER_OP_XOR);
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_SUB);   /* [y, y - t] */
    op(e, SEER_OP_SWAP1); /* [x', y] */
    loop_tail(e);
}

/* keccak: a hash chain over 64 bytes of memory, h = keccak(mem[0..64)),
 * mem[32..64) = h, with a counter in mem[0..32). */
static void build_keccak(emitter *e)
{
    push(e, 0); /* [i] */
    loop_head(e);
    push(e, 1);
    op(e, SEER_OP_ADD);
    op(e, SEER_OP_DUP1);
    push(e, 0);
    op(e, SEER_OP_MSTORE); /* mem[0] = i */
    push(e, 64);
    push(e, 0);
    op(e, SEER_OP_KECCAK256);
    push(e, 32);
    op(e, SEER_OP_MSTORE); /* mem[32] = h */
    loop_tail(e);
}

/* Memory: MCOPY of 4 KiB between two halves of an 8 KiB memory (EIP-5656),
 * then 32 words moved back one by one with MLOAD/MSTORE, each changed. */
static void build_memcopy(emitter *e)
{
    loop_head(e);
    push(e, 4096);
    push(e, 0);
    push(e, 4096);
    op(e, SEER_OP_MCOPY); /* mem[4096..8192) = mem[0..4096) */
    for (unsigned k = 0; k < 32; k++) {
        push(e, 4096 + 32 * k);
        op(e, SEER_OP_MLOAD);
        push(e, k + 1);
        op(e, SEER_OP_ADD);
        push(e, 32 * ((k * 5) % 32)); /* scatter the stores a little */
        op(e, SEER_OP_MSTORE);
    }
    loop_tail(e);
}

/* Token transfers: an ERC-20-style balance mapping at slot 0 (solc's
 * keccak(holder . 0)), one unit from holder i & 63 to holder (i+1) & 63
 * per iteration, with the balance check a real transfer makes. */
static void build_token(emitter *e)
{
    push(e, 0); /* [i] */
    loop_head(e);
    /* kf = keccak(i & 63 . 0) (mem[32..64) stays zero) */
    op(e, SEER_OP_DUP1);
    push(e, 63);
    op(e, SEER_OP_AND);
    push(e, 0);
    op(e, SEER_OP_MSTORE);
    push(e, 64);
    push(e, 0);
    op(e, SEER_OP_KECCAK256); /* [i, kf] */
    /* kt = keccak((i+1) & 63 . 0) */
    op(e, SEER_OP_DUP2);
    push(e, 1);
    op(e, SEER_OP_ADD);
    push(e, 63);
    op(e, SEER_OP_AND);
    push(e, 0);
    op(e, SEER_OP_MSTORE);
    push(e, 64);
    push(e, 0);
    op(e, SEER_OP_KECCAK256); /* [i, kf, kt] */
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_SLOAD); /* [i, kf, kt, bf] */
    op(e, SEER_OP_DUP1);
    op(e, SEER_OP_ISZERO);
    jumpi(e, L_A); /* insufficient balance: revert */
    push(e, 1);
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_SUB); /* bf - 1 */
    op(e, SEER_OP_DUP3);
    op(e, SEER_OP_SSTORE); /* balances[from] = bf - 1 */
    op(e, SEER_OP_DUP1);
    op(e, SEER_OP_SLOAD);
    push(e, 1);
    op(e, SEER_OP_ADD);
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_SSTORE); /* balances[to] = bt + 1 */
    op(e, SEER_OP_POP);
    push(e, 1);
    op(e, SEER_OP_ADD); /* [i + 1] */
    loop_tail(e);
    label(e, L_A);
    push(e, 0);
    push(e, 0);
    op(e, SEER_OP_REVERT);
}

/* A fixed-point renderer: the Mandelbrot set over a 32x32 grid in signed
 * Q32 arithmetic (MUL, SAR, SGT, signed wrap-around), up to 32 iterations
 * per pixel, one byte per pixel into memory; the ray tracers of EVM
 * benchmarks stress the same signed multiply-shift chains.
 * Pixel loop stack: [p]; inner loop: [p, cx, cy, zx, zy, n]. */
#define Q 32
static void build_fractal(emitter *e)
{
    push(e, 0); /* [p] */
    loop_head(e);
    /* cx = (p & 31) * 3/32 - 2 */
    op(e, SEER_OP_DUP1);
    push(e, 31);
    op(e, SEER_OP_AND);
    push(e, (3ull << Q) / 32);
    op(e, SEER_OP_MUL);
    push(e, 2ull << Q);
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_SUB);
    /* cy = (p >> 5) * 2/32 - 1 */
    op(e, SEER_OP_DUP2);
    push(e, 5);
    op(e, SEER_OP_SHR);
    push(e, (2ull << Q) / 32);
    op(e, SEER_OP_MUL);
    push(e, 1ull << Q);
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_SUB);
    push(e, 0);
    push(e, 0);
    push(e, 0); /* [p, cx, cy, zx=0, zy=0, n=0] */
    label(e, L_A);
    /* zx2 = zx*zx >> Q, zy2 = zy*zy >> Q */
    op(e, SEER_OP_DUP3);
    op(e, SEER_OP_DUP1);
    op(e, SEER_OP_MUL);
    push(e, Q);
    op(e, SEER_OP_SAR);
    op(e, SEER_OP_DUP3);
    op(e, SEER_OP_DUP1);
    op(e, SEER_OP_MUL);
    push(e, Q);
    op(e, SEER_OP_SAR); /* [.., n, zx2, zy2] */
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_ADD); /* [.., zx2, zy2, s] */
    push(e, 4ull << Q);
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_SGT); /* s > 4 */
    jumpi(e, L_B);
    op(e, SEER_OP_POP);
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_SUB); /* [p, cx, cy, zx, zy, n, zx2 - zy2] */
    op(e, SEER_OP_DUP6);
    op(e, SEER_OP_ADD); /* zx' = zx2 - zy2 + cx */
    op(e, SEER_OP_DUP4);
    op(e, SEER_OP_DUP4);
    op(e, SEER_OP_MUL);
    push(e, Q - 1);
    op(e, SEER_OP_SAR); /* 2 zx zy */
    op(e, SEER_OP_DUP6);
    op(e, SEER_OP_ADD); /* [p, cx, cy, zx, zy, n, zx', zy'] */
    op(e, SEER_OP_SWAP3);
    op(e, SEER_OP_POP);
    op(e, SEER_OP_SWAP3);
    op(e, SEER_OP_POP); /* [p, cx, cy, zx', zy', n] */
    push(e, 1);
    op(e, SEER_OP_ADD);
    push(e, 32);
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_LT); /* n < 32 */
    jumpi(e, L_A);
    jump(e, L_C);
    label(e, L_B); /* escaped: [p, cx, cy, zx, zy, n, zx2, zy2, s] */
    op(e, SEER_OP_POP);
    op(e, SEER_OP_POP);
    op(e, SEER_OP_POP);
    label(e, L_C); /* [p, cx, cy, zx, zy, n] */
    op(e, SEER_OP_DUP6);
    op(e, SEER_OP_MSTORE8); /* image[p] = n */
    op(e, SEER_OP_POP);
    op(e, SEER_OP_POP);
    op(e, SEER_OP_POP);
    op(e, SEER_OP_POP);
    push(e, 1);
    op(e, SEER_OP_ADD);
    push(e, 1023);
    op(e, SEER_OP_AND); /* [p + 1 mod 1024] */
    loop_tail(e);
}

/* A ray tracer: one ray per pixel of a 32x32 image from the origin along
 * (x, y, 32), x, y in -16..15, against a sphere of radius 40 centred at
 * (8, -4, 96): b = d.C, disc = b^2 - |d|^2 (|C|^2 - R^2); a hit shades the
 * pixel by the distance (b - isqrt(disc)) * 64 / |d|^2, the integer square
 * root by Newton's iteration (DIV-bound, a data-dependent trip count).
 * Stack: [p] between pixels. */
static void build_raytrace(emitter *e)
{
    push(e, 0); /* [p] */
    loop_head(e);
    op(e, SEER_OP_DUP1);
    push(e, 31);
    op(e, SEER_OP_AND);
    push(e, 16);
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_SUB); /* [p, x] */
    op(e, SEER_OP_DUP2);
    push(e, 5);
    op(e, SEER_OP_SHR);
    push(e, 16);
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_SUB); /* [p, x, y] */
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_DUP1);
    op(e, SEER_OP_MUL);
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_DUP1);
    op(e, SEER_OP_MUL);
    op(e, SEER_OP_ADD);
    push(e, 1024);
    op(e, SEER_OP_ADD); /* [p, x, y, dd] */
    op(e, SEER_OP_DUP3);
    push(e, 3);
    op(e, SEER_OP_SHL);
    op(e, SEER_OP_DUP3);
    push(e, 2);
    op(e, SEER_OP_SHL);
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_SUB);
    push(e, 3072);
    op(e, SEER_OP_ADD); /* [p, x, y, dd, b = 8x - 4y + 96*32] */
    op(e, SEER_OP_DUP1);
    op(e, SEER_OP_DUP1);
    op(e, SEER_OP_MUL);
    op(e, SEER_OP_DUP3);
    push(e, 7696); /* |C|^2 - R^2 = 64 + 16 + 9216 - 1600 */
    op(e, SEER_OP_MUL);
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_SUB); /* [p, x, y, dd, b, disc] */
    push(e, 0);
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_SLT);
    jumpi(e, L_C); /* disc < 0: the ray misses */
    op(e, SEER_OP_DUP1);
    op(e, SEER_OP_DUP1);
    push(e, 1);
    op(e, SEER_OP_ADD);
    push(e, 1);
    op(e, SEER_OP_SHR); /* [.., disc, r = disc, q = (disc + 1) / 2] */
    label(e, L_A);
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_LT);
    op(e, SEER_OP_ISZERO);
    jumpi(e, L_B); /* q >= r: r is the root */
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_POP); /* r = q */
    op(e, SEER_OP_DUP1);
    op(e, SEER_OP_DUP3);
    op(e, SEER_OP_DIV);
    op(e, SEER_OP_DUP2);
    op(e, SEER_OP_ADD);
    push(e, 1);
    op(e, SEER_OP_SHR); /* q = (r + disc / r) / 2 */
    jump(e, L_A);
    label(e, L_B); /* [p, x, y, dd, b, disc, r, q] */
    op(e, SEER_OP_POP);
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_POP); /* [p, x, y, dd, b, s] */
    op(e, SEER_OP_SWAP1);
    op(e, SEER_OP_SUB);
    push(e, 64);
    op(e, SEER_OP_MUL);
    op(e, SEER_OP_DIV);
    push(e, 255);
    op(e, SEER_OP_AND); /* [p, x, y, shade] */
    jump(e, L_D);
    label(e, L_C); /* [p, x, y, dd, b, disc] */
    op(e, SEER_OP_POP);
    op(e, SEER_OP_POP);
    op(e, SEER_OP_POP);
    push(e, 0);
    label(e, L_D); /* [p, x, y, shade] */
    op(e, SEER_OP_DUP4);
    op(e, SEER_OP_MSTORE8); /* image[p] = shade */
    op(e, SEER_OP_POP);
    op(e, SEER_OP_POP);
    push(e, 1);
    op(e, SEER_OP_ADD);
    push(e, 1023);
    op(e, SEER_OP_AND);
    loop_tail(e);
}

typedef struct contract {
    const char *name;
    const char *description;
    void (*build)(emitter *e);
    bool token_state; /* pre-fund the 64 holders' balances */
} contract;

static const contract contracts[] = {
    {"arith", "256-bit MUL/ADD/DIV/MULMOD/ADDMOD/XOR/SHR chain on the stack", build_arith, false},
    {"keccak", "KECCAK256 hash chain over 64 bytes of memory", build_keccak, false},
    {"memcopy", "MCOPY 4 KiB + 32 MLOAD/ADD/MSTORE per iteration", build_memcopy, false},
    {"token", "ERC-20-style transfers: keccak mapping slots, SLOAD/SSTORE, balance check", build_token, true},
    {"fractal", "fixed-point Mandelbrot 32x32 (signed MUL/SAR/SGT), ray-tracer-like", build_fractal, false},
    {"raytrace", "ray-sphere intersection per pixel, Newton integer sqrt (DIV), SLT/SHL", build_raytrace,
     false},
};
#define NCONTRACTS (sizeof contracts / sizeof contracts[0])

static const char *const names[NCONTRACTS + 1] = {"arith",   "keccak",   "memcopy", "token",
                                                  "fractal", "raytrace", NULL};

const char *const *seer_bench_vm_names(void)
{
    return names;
}

int seer_bench_vm_code(uint8_t *out, size_t cap, size_t *len, const char *name)
{
    if (!out || !len || !name)
        return seer_err(SEER_EINVAL, "seer_bench_vm_code: NULL argument");
    for (size_t i = 0; i < NCONTRACTS; i++) {
        if (strcmp(contracts[i].name, name) != 0)
            continue;
        emitter *e = calloc(1, sizeof *e);
        if (!e)
            return seer_err(SEER_ENOMEM, "bench vm: emitter");
        contracts[i].build(e);
        finish(e);
        int rc = 0;
        *len = e->len;
        if (e->overflow)
            rc = seer_err(SEER_EINTERNAL, "bench vm: contract '%s' does not fit its buffer", name);
        else if (e->len > cap)
            rc = seer_err(SEER_ELIMIT, "seer_bench_vm_code: '%s' needs %zu bytes, %zu given", name, e->len,
                          cap);
        else
            memcpy(out, e->code, e->len);
        free(e);
        return rc;
    }
    return seer_err(SEER_EINVAL, "seer_bench_vm_code: no contract named '%s'", name);
}

/* ---- running ---- */

static const seer_address bench_sender = {{0xbe, 0x9c, 0x50, 0x01}};
static const seer_address bench_target = {{0xbe, 0x9c, 0xc0, 0xde}};

static double now_s(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool selected(const char *only, const char *name)
{
    if (!only)
        return true;
    size_t n = strlen(name);
    for (const char *p = only; *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, name, n) == 0)
            return true;
        p += len + (end ? 1 : 0);
    }
    return false;
}

/* Checks that every name in `only` is a contract's. */
static int check_only(const char *only)
{
    for (const char *p = only; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        bool found = false;
        for (size_t i = 0; i < NCONTRACTS; i++)
            found |= strlen(contracts[i].name) == len && memcmp(contracts[i].name, p, len) == 0;
        if (!found)
            return seer_err(SEER_EINVAL, "bench vm: no contract named '%.*s'", (int)len, p);
        p += len + (end ? 1 : 0);
    }
    return 0;
}

static int setup_store(seer_memstore **out, const contract *c, const uint8_t *code, size_t len)
{
    seer_memstore *store = NULL;
    int rc;
    if ((rc = seer_memstore_new(&store)) < 0)
        return rc;
    seer_account a = {.exists = true};
    a.balance = u256_from_u64(1000000000000000000ull);
    if ((rc = seer_memstore_set_account(store, &bench_sender, &a)) < 0)
        goto fail;
    seer_account t = {.exists = true, .nonce = 1};
    if ((rc = seer_memstore_set_account(store, &bench_target, &t)) < 0 ||
        (rc = seer_memstore_set_code(store, &bench_target, code, len)) < 0)
        goto fail;
    if (c->token_state) {
        for (uint64_t h = 0; h < 64; h++) {
            uint8_t buf[64] = {0}, slot[32];
            buf[31] = (uint8_t)h;
            seer_keccak256(slot, buf, 64);
            u256 key, val = u256_from_u64(1000000000000ull);
            u256_from_be32(&key, slot);
            if ((rc = seer_memstore_set_storage(store, &bench_target, &key, &val)) < 0)
                goto fail;
        }
    }
    *out = store;
    return 0;
fail:
    seer_memstore_free(store);
    return rc;
}

/* Runs one transaction; only a successful loop exit counts. */
static int run_tx(seer_world *w, uint64_t *gas_used, const seer_tx *tx, const contract *c)
{
    seer_tx_result res;
    memset(&res, 0, sizeof res);
    seer_world_reset(w); /* every transaction starts from the same state */
    int rc = seer_world_execute_tx(w, &res, tx, 0);
    if (rc == 0 && (res.exception || res.status != SEER_STATUS_SUCCESS))
        rc = seer_err(SEER_EINTERNAL, "bench vm: contract '%s' ended with %s (status %d) after %llu gas",
                      c->name, res.exception ? res.exception : "a failed frame", (int)res.status,
                      (unsigned long long)res.gas_used);
    *gas_used = res.gas_used;
    seer_tx_result_clear(&res);
    return rc;
}

static int run_contract(seer_bench_vm_result *r, const contract *c, const seer_bench_vm_options *o,
                        uint64_t budget, uint64_t tx_gas)
{
    emitter *e = calloc(1, sizeof *e);
    seer_memstore *store = NULL;
    seer_world *w = NULL;
    int rc;
    if (!e)
        return seer_err(SEER_ENOMEM, "bench vm: emitter");
    c->build(e);
    finish(e);
    if (e->overflow) {
        rc = seer_err(SEER_EINTERNAL, "bench vm: contract '%s' does not fit its buffer", c->name);
        goto cleanup;
    }
    if ((rc = setup_store(&store, c, e->code, e->len)) < 0)
        goto cleanup;

    seer_block_env env;
    memset(&env, 0, sizeof env);
    env.fork = SEER_FORK_CANCUN; /* MCOPY (EIP-5656), PUSH0 (EIP-3855) */
    env.chain_id = 1;
    env.number = 20000000;
    env.timestamp = 1710338135;
    env.gas_limit = tx_gas;
    env.base_fee = u256_from_u64(7);
    seer_state_reader reader = seer_memstore_reader(store);
    if ((rc = seer_world_create(&w, &reader, &env)) < 0)
        goto cleanup;

    seer_tx tx;
    memset(&tx, 0, sizeof tx);
    tx.type = 2;
    tx.chain_id = 1;
    tx.has_chain_id = true;
    tx.max_fee = u256_from_u64(10);
    tx.max_priority_fee = u256_from_u64(1);
    tx.gas_price = tx.max_fee;
    tx.gas_limit = tx_gas;
    tx.has_to = true;
    tx.to = bench_target;
    tx.has_sender = true;
    tx.sender = bench_sender;

    r->name = c->name;
    r->description = c->description;
    r->code_size = e->len;
    uint64_t used;
    for (unsigned i = 0; i < o->warmup_txs; i++)
        if ((rc = run_tx(w, &used, &tx, c)) < 0)
            goto cleanup;
    double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
    while (r->gas < budget) {
        if ((rc = run_tx(w, &used, &tx, c)) < 0)
            goto cleanup;
        r->gas += used;
        r->txs++;
    }
    r->wall_s = now_s(CLOCK_MONOTONIC) - w0;
    r->cpu_s = now_s(CLOCK_THREAD_CPUTIME_ID) - c0;
    r->mgas_per_s = r->cpu_s > 0 ? (double)r->gas / r->cpu_s / 1e6 : 0;
cleanup:
    seer_world_free(w);
    seer_memstore_free(store);
    free(e);
    return rc;
}

int seer_bench_vm(seer_bench_vm_report *out, const seer_bench_vm_options *opts)
{
    seer_bench_vm_options defaults = SEER_BENCH_VM_OPTIONS_INIT;
    const seer_bench_vm_options *o = opts ? opts : &defaults;
    if (!out)
        return seer_err(SEER_EINVAL, "seer_bench_vm: out is NULL");
    memset(out, 0, sizeof *out);
    if (o->version != SEER_BENCH_VM_OPTIONS_VERSION)
        return seer_err(SEER_EINVAL, "seer_bench_vm: options version %u, expected %u", o->version,
                        SEER_BENCH_VM_OPTIONS_VERSION);
    uint64_t budget = o->gas ? o->gas : DEFAULT_GAS;
    uint64_t tx_gas = o->tx_gas ? o->tx_gas : DEFAULT_TX_GAS;
    if (tx_gas < 2 * RESERVE)
        return seer_err(SEER_EINVAL, "seer_bench_vm: tx_gas %llu is below %u", (unsigned long long)tx_gas,
                        2 * RESERVE);
    int rc = check_only(o->only);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < NCONTRACTS && out->ncontracts < SEER_BENCH_VM_MAX; i++) {
        if (!selected(o->only, contracts[i].name))
            continue;
        seer_bench_vm_result *r = &out->contracts[out->ncontracts];
        rc = run_contract(r, &contracts[i], o, budget, tx_gas);
        if (rc < 0) {
            memset(r, 0, sizeof *r);
            break;
        }
        out->ncontracts++;
        out->total_gas += r->gas;
        out->total_wall_s += r->wall_s;
        out->total_cpu_s += r->cpu_s;
        if (o->progress)
            o->progress(o->progress_arg, r);
    }
    out->total_mgas_per_s = out->total_cpu_s > 0 ? (double)out->total_gas / out->total_cpu_s / 1e6 : 0;
    seer_vm_thread_cleanup();
    return rc;
}

/* The EVM interpreter: computed-goto dispatch over zero-padded code.
 *
 * Layout of the work:
 *  - per-fork dispatch tables (label addresses) send opcodes the fork does
 *    not define straight to L_UNDEFINED, so the fast path never tests the
 *    fork; base gas comes from the fork's seer_fork_table; stack bounds are
 *    compile-time constants of the X-macro (they never change across forks);
 *  - tracing swaps the whole dispatch table for one whose every entry is the
 *    tracing trampoline, so an untraced run pays nothing for the tracer;
 *  - rare or heavy opcodes (CALL*, CREATE*, SSTORE, LOG, copies, ...) are
 *    noinline helpers: the loop's own C frame stays small, which keeps
 *    1024-deep recursion well inside a default 8 MiB thread stack;
 *  - stacks and memories come from a per-thread pool indexed by nesting
 *    level: no malloc in the loop except when memory grows.
 *
 * Gas, sp and ip live in locals; helpers see the frame (gas synced to
 * f->gas around each helper call). */
#include "vm/interp.h"

#include "common/keccak.h"
#include "common/util.h"
#include "vm/fork_table.h"
#include "vm/opcodes.h"

#include <pthread.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "interp.c assumes a little-endian host"
#endif

#define STACK_LIMIT      1024
#define CALL_DEPTH_LIMIT 1024
/* Memory offsets and sizes above 2^32-1 can never be paid for (the
 * quadratic cost of 4 GiB is ~3.6e13 gas); treating them as out of gas keeps
 * every size computation far from overflow. */
#define MAX_BUF 0xFFFFFFFFull
/* Memories bigger than this are released when their frame ends so one
 * memory-hungry transaction does not pin them in the pool forever. */
#define MEM_KEEP_MAX (8u << 20)

/* Helper return codes: 0 = continue, a seer_status = halt with it.
 * SUCCESS is 0, so halting successfully (SELFDESTRUCT) has its own code. */
#define HALT_SUCCESS 1000

typedef struct frame {
    /* Pooled buffers, kept across executions on this thread. */
    u256 *stack; /* STACK_LIMIT words */
    uint8_t *mem;
    size_t mem_cap;
    uint8_t *ret; /* RETURNDATA: a copy of the last call's output */
    size_t ret_cap;
    /* Per execution. */
    size_t mem_size; /* active memory, a multiple of 32 */
    size_t ret_size;
    int64_t gas;
    int64_t refund;
    const seer_host *host;
    const seer_message *msg;
    const seer_code *code;
    const seer_vm_config *cfg;
    const seer_fork_table *ft;
    const seer_tx_context *txc; /* fetched on first use */
    uint8_t *out;               /* RETURN/REVERT data (malloc'd, handed to the caller) */
    size_t out_size;
} frame;

static _Thread_local frame **pool;
static _Thread_local size_t pool_cap;
static _Thread_local size_t pool_level;

static frame *frame_acquire(void)
{
    if (pool_level == pool_cap) {
        size_t ncap = pool_cap ? pool_cap * 2 : 16;
        frame **np = realloc(pool, ncap * sizeof *np);
        if (!np)
            return NULL;
        memset(np + pool_cap, 0, (ncap - pool_cap) * sizeof *np);
        pool = np;
        pool_cap = ncap;
    }
    frame *f = pool[pool_level];
    if (!f) {
        f = calloc(1, sizeof *f);
        if (!f)
            return NULL;
        f->stack = malloc(STACK_LIMIT * sizeof(u256));
        if (!f->stack) {
            free(f);
            return NULL;
        }
        pool[pool_level] = f;
    }
    pool_level++;
    return f;
}

static void frame_release(frame *f)
{
    if (f->mem_cap > MEM_KEEP_MAX) {
        free(f->mem);
        f->mem = NULL;
        f->mem_cap = 0;
    }
    if (f->ret_cap > MEM_KEEP_MAX) {
        free(f->ret);
        f->ret = NULL;
        f->ret_cap = 0;
    }
    pool_level--;
}

void seer_vm_thread_cleanup(void)
{
    if (pool_level != 0)
        return; /* a frame is running on this thread: keep everything */
    for (size_t i = 0; i < pool_cap; i++) {
        frame *f = pool[i];
        if (!f)
            continue;
        free(f->stack);
        free(f->mem);
        free(f->ret);
        free(f);
    }
    free(pool);
    pool = NULL;
    pool_cap = 0;
}

/* ---- small u256 helpers kept inline for the hot opcodes ---- */

static inline uint64_t load64_be(const uint8_t *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
    return __builtin_bswap64(x);
}

static inline void store64_be(uint8_t *p, uint64_t v)
{
    v = __builtin_bswap64(v);
    memcpy(p, &v, 8);
}

/* r = big-endian p[0..n), n <= 32. */
static inline void load_be(u256 *r, const uint8_t *p, unsigned n)
{
    uint64_t w[4] = {0, 0, 0, 0};
    const uint8_t *end = p + n;
    unsigned limb = 0;
    while (end - p >= 8) {
        end -= 8;
        w[limb++] = load64_be(end);
    }
    if (end > p) {
        uint64_t v = 0;
        while (p < end)
            v = v << 8 | *p++;
        w[limb] = v;
    }
    r->w[0] = w[0];
    r->w[1] = w[1];
    r->w[2] = w[2];
    r->w[3] = w[3];
}

/* PUSHn's immediate: n is a constant at every use, so this unrolls into a
 * few 8-byte loads. Reading forward past the immediate is safe: the code
 * is padded (vm/analysis.h) with SEER_CODE_PADDING zero bytes. */
static inline __attribute__((always_inline)) void load_push(u256 *r, const uint8_t *p, unsigned n)
{
    uint64_t w[4] = {0, 0, 0, 0};
    unsigned full = n / 8, part = n % 8;
    const uint8_t *q = p + part;
    if (part)
        w[full] = load64_be(p) >> (64 - 8 * part);
    for (unsigned i = 0; i < full; i++)
        w[full - 1 - i] = load64_be(q + 8 * i);
    r->w[0] = w[0];
    r->w[1] = w[1];
    r->w[2] = w[2];
    r->w[3] = w[3];
}

static inline void store_be32(uint8_t *p, const u256 *v)
{
    store64_be(p, v->w[3]);
    store64_be(p + 8, v->w[2]);
    store64_be(p + 16, v->w[1]);
    store64_be(p + 24, v->w[0]);
}

static inline void to_addr(seer_address *a, const u256 *v)
{
    uint8_t b[32];
    store_be32(b, v);
    memcpy(a->bytes, b + 12, 20);
}

static inline void from_addr(u256 *r, const seer_address *a)
{
    load_be(r, a->bytes, 20);
}

static inline void from_b32(u256 *r, const seer_bytes32 *b)
{
    load_be(r, b->bytes, 32);
}

/* Comparisons on the limbs directly. (u256_lt of common/u256.h goes
 * through a u256 temporary, and GCC gives inlined temporaries of this
 * computed-goto function their own stack slots, which the 1024-deep
 * recursion pays for.) */
static inline bool lt_(const u256 *a, const u256 *b)
{
    if (a->w[3] != b->w[3])
        return a->w[3] < b->w[3];
    if (a->w[2] != b->w[2])
        return a->w[2] < b->w[2];
    if (a->w[1] != b->w[1])
        return a->w[1] < b->w[1];
    return a->w[0] < b->w[0];
}

/* Signed: flipping the sign bits maps two's complement order onto unsigned. */
static inline bool slt_(const u256 *a, const u256 *b)
{
    const uint64_t s = UINT64_C(1) << 63;
    if (a->w[3] != b->w[3])
        return (a->w[3] ^ s) < (b->w[3] ^ s);
    if (a->w[2] != b->w[2])
        return a->w[2] < b->w[2];
    if (a->w[1] != b->w[1])
        return a->w[1] < b->w[1];
    return a->w[0] < b->w[0];
}

/* b += a and b = a - b in place, as carry chains the compiler keeps in
 * registers (the header's versions go through temporaries that get stack
 * slots in this function, see lt_). */
#if defined(__x86_64__)
static inline void add_to(u256 *b, const u256 *a)
{
    unsigned long long r0, r1, r2, r3;
    unsigned char c = _addcarry_u64(0, a->w[0], b->w[0], &r0);
    c = _addcarry_u64(c, a->w[1], b->w[1], &r1);
    c = _addcarry_u64(c, a->w[2], b->w[2], &r2);
    (void)_addcarry_u64(c, a->w[3], b->w[3], &r3);
    b->w[0] = r0;
    b->w[1] = r1;
    b->w[2] = r2;
    b->w[3] = r3;
}

static inline void rsub_to(u256 *b, const u256 *a)
{
    unsigned long long r0, r1, r2, r3;
    unsigned char c = _subborrow_u64(0, a->w[0], b->w[0], &r0);
    c = _subborrow_u64(c, a->w[1], b->w[1], &r1);
    c = _subborrow_u64(c, a->w[2], b->w[2], &r2);
    (void)_subborrow_u64(c, a->w[3], b->w[3], &r3);
    b->w[0] = r0;
    b->w[1] = r1;
    b->w[2] = r2;
    b->w[3] = r3;
}
#else
static inline void add_to(u256 *b, const u256 *a)
{
    unsigned __int128 t = (unsigned __int128)a->w[0] + b->w[0];
    b->w[0] = (uint64_t)t;
    t = (unsigned __int128)a->w[1] + b->w[1] + (uint64_t)(t >> 64);
    b->w[1] = (uint64_t)t;
    t = (unsigned __int128)a->w[2] + b->w[2] + (uint64_t)(t >> 64);
    b->w[2] = (uint64_t)t;
    b->w[3] = a->w[3] + b->w[3] + (uint64_t)(t >> 64);
}

static inline void rsub_to(u256 *b, const u256 *a)
{
    unsigned __int128 t = (unsigned __int128)a->w[0] - b->w[0];
    b->w[0] = (uint64_t)t;
    t = (unsigned __int128)a->w[1] - b->w[1] - ((uint64_t)(t >> 64) & 1);
    b->w[1] = (uint64_t)t;
    t = (unsigned __int128)a->w[2] - b->w[2] - ((uint64_t)(t >> 64) & 1);
    b->w[2] = (uint64_t)t;
    b->w[3] = a->w[3] - b->w[3] - ((uint64_t)(t >> 64) & 1);
}
#endif

static inline void swap_words(u256 *a, u256 *b)
{
    for (int i = 0; i < 4; i++) {
        uint64_t t = a->w[i];
        a->w[i] = b->w[i];
        b->w[i] = t;
    }
}

static inline void set_u64(u256 *r, uint64_t v)
{
    r->w[0] = v;
    r->w[1] = r->w[2] = r->w[3] = 0;
}

static inline uint64_t num_words(uint64_t size)
{
    return (size + 31) / 32;
}

/* ---- memory ---- */

static inline int64_t mem_cost(uint64_t words)
{
    return (int64_t)(3 * words + words * words / 512);
}

static __attribute__((noinline)) int mem_grow(frame *f, int64_t *gas, uint64_t end)
{
    uint64_t words = num_words(end);
    uint64_t new_size = words * 32;
    int64_t cost = mem_cost(words) - mem_cost(f->mem_size / 32);
    if ((*gas -= cost) < 0)
        return SEER_STATUS_OUT_OF_GAS;
    if (new_size > f->mem_cap) {
        size_t cap = f->mem_cap ? f->mem_cap : 4096;
        while (cap < new_size)
            cap *= 2;
        uint8_t *m = realloc(f->mem, cap);
        if (!m)
            return SEER_STATUS_OUT_OF_MEMORY;
        f->mem = m;
        f->mem_cap = cap;
    }
    /* Pooled memory holds the previous frame's bytes: zero what we expose. */
    memset(f->mem + f->mem_size, 0, new_size - f->mem_size);
    f->mem_size = new_size;
    return 0;
}

/* Makes [off, off+size) addressable, charging the expansion. A zero size
 * touches nothing, whatever the offset (the Yellow Paper's M function). */
static inline int mem_need(frame *f, int64_t *gas, const u256 *off, const u256 *size)
{
    if (u256_is_zero(size))
        return 0;
    if (!u256_fits_u64(off) || !u256_fits_u64(size) || (off->w[0] | size->w[0]) > MAX_BUF)
        return SEER_STATUS_OUT_OF_GAS;
    uint64_t end = off->w[0] + size->w[0];
    if (end > f->mem_size)
        return mem_grow(f, gas, end);
    return 0;
}

static inline const seer_tx_context *tx_ctx(frame *f)
{
    if (!f->txc)
        f->txc = f->host->vt->get_tx_context(f->host->ctx);
    return f->txc;
}

/* Copies src[0..src_size) from offset `off` into dst[0..size), zero-filling
 * past the end of src (CALLDATACOPY, CODECOPY, EXTCODECOPY semantics). */
static void copy_padded(uint8_t *dst, size_t size, const uint8_t *src, size_t src_size, const u256 *off)
{
    size_t n = 0;
    if (u256_fits_u64(off) && off->w[0] < src_size) {
        n = src_size - (size_t)off->w[0];
        if (n > size)
            n = size;
        memcpy(dst, src + off->w[0], n);
    }
    if (n < size)
        memset(dst + n, 0, size - n);
}

static int set_return_data(frame *f, const uint8_t *data, size_t size)
{
    if (size > f->ret_cap) {
        size_t cap = f->ret_cap ? f->ret_cap : 256;
        while (cap < size)
            cap *= 2;
        uint8_t *p = realloc(f->ret, cap);
        if (!p)
            return SEER_STATUS_OUT_OF_MEMORY;
        f->ret = p;
        f->ret_cap = cap;
    }
    if (size)
        memcpy(f->ret, data, size);
    f->ret_size = size;
    return 0;
}

/* ---- noinline helpers: each reads its operands at sp[-1], sp[-2], ... and
 * writes its result (if any) to the lowest operand slot. ---- */

static __attribute__((noinline)) int op_keccak(frame *f, u256 *sp)
{
    int64_t gas = f->gas;
    int st = mem_need(f, &gas, &sp[-1], &sp[-2]);
    if (st)
        return st;
    uint64_t size = u256_is_zero(&sp[-2]) ? 0 : sp[-2].w[0];
    if ((gas -= (int64_t)(6 * num_words(size))) < 0)
        return SEER_STATUS_OUT_OF_GAS;
    uint8_t h[32];
    seer_keccak256(h, size ? f->mem + sp[-1].w[0] : (const uint8_t *)"", size);
    load_be(&sp[-2], h, 32);
    f->gas = gas;
    return 0;
}

/* CALLDATACOPY, CODECOPY, RETURNDATACOPY, MCOPY: dst, src, size. */
static __attribute__((noinline)) int op_copy(frame *f, u256 *sp, uint8_t op)
{
    const u256 *dst = &sp[-1], *src = &sp[-2], *size = &sp[-3];
    int64_t gas = f->gas;
    int st = mem_need(f, &gas, dst, size);
    if (st)
        return st;
    if (op == SEER_OP_MCOPY && (st = mem_need(f, &gas, src, size)) != 0)
        return st;
    uint64_t n = u256_is_zero(size) ? 0 : size->w[0];
    if (op == SEER_OP_RETURNDATACOPY) {
        /* EIP-211: reading past the return data is an exceptional halt, even
         * for a zero size. */
        if (!u256_fits_u64(src) || src->w[0] > f->ret_size || f->ret_size - src->w[0] < n)
            return SEER_STATUS_INVALID_MEMORY_ACCESS;
    }
    if ((gas -= (int64_t)(3 * num_words(n))) < 0)
        return SEER_STATUS_OUT_OF_GAS;
    f->gas = gas;
    if (!n)
        return 0;
    uint8_t *d = f->mem + dst->w[0];
    switch (op) {
    case SEER_OP_CALLDATACOPY: copy_padded(d, n, f->msg->input_data, f->msg->input_size, src); break;
    case SEER_OP_CODECOPY: copy_padded(d, n, f->code->code, f->code->size, src); break;
    case SEER_OP_RETURNDATACOPY: memcpy(d, f->ret + src->w[0], n); break;
    default: memmove(d, f->mem + src->w[0], n); break; /* MCOPY (EIP-5656): overlap allowed */
    }
    return 0;
}

/* EIP-2929: a cold account access costs the cold surcharge on top of the
 * (warm) base cost already charged. */
static inline int charge_account_access(frame *f, int64_t *gas, const seer_address *a)
{
    if (f->ft->access_lists && f->host->vt->access_account(f->host->ctx, a) == SEER_ACCESS_COLD) {
        if ((*gas -= f->ft->cold_account_extra) < 0)
            return SEER_STATUS_OUT_OF_GAS;
    }
    return 0;
}

/* BALANCE, EXTCODESIZE, EXTCODEHASH: one address in, one word out. */
static __attribute__((noinline)) int op_account_query(frame *f, u256 *sp, uint8_t op)
{
    seer_address a;
    to_addr(&a, &sp[-1]);
    int64_t gas = f->gas;
    int st = charge_account_access(f, &gas, &a);
    if (st)
        return st;
    f->gas = gas;
    const seer_host *h = f->host;
    switch (op) {
    case SEER_OP_BALANCE: h->vt->get_balance(h->ctx, &sp[-1], &a); break;
    case SEER_OP_EXTCODESIZE: set_u64(&sp[-1], h->vt->get_code_size(h->ctx, &a)); break;
    default: {
        seer_bytes32 hash;
        h->vt->get_code_hash(h->ctx, &hash, &a);
        from_b32(&sp[-1], &hash);
        break;
    }
    }
    return 0;
}

static __attribute__((noinline)) int op_extcodecopy(frame *f, u256 *sp)
{
    seer_address a;
    to_addr(&a, &sp[-1]);
    const u256 *dst = &sp[-2], *src = &sp[-3], *size = &sp[-4];
    int64_t gas = f->gas;
    int st = mem_need(f, &gas, dst, size);
    if (st)
        return st;
    uint64_t n = u256_is_zero(size) ? 0 : size->w[0];
    if ((gas -= (int64_t)(3 * num_words(n))) < 0)
        return SEER_STATUS_OUT_OF_GAS;
    if ((st = charge_account_access(f, &gas, &a)) != 0)
        return st;
    f->gas = gas;
    if (!n)
        return 0;
    uint8_t *d = f->mem + dst->w[0];
    size_t got = 0;
    if (u256_fits_u64(src) && src->w[0] <= SIZE_MAX)
        got = f->host->vt->copy_code(f->host->ctx, &a, (size_t)src->w[0], d, n);
    if (got < n)
        memset(d + got, 0, n - got);
    return 0;
}

static __attribute__((noinline)) int op_sload(frame *f, u256 *sp)
{
    const seer_host *h = f->host;
    const seer_address *self = &f->msg->recipient;
    if (f->ft->access_lists && h->vt->access_storage(h->ctx, self, &sp[-1]) == SEER_ACCESS_COLD) {
        if ((f->gas -= f->ft->cold_sload_extra) < 0)
            return SEER_STATUS_OUT_OF_GAS;
    }
    u256 key = sp[-1];
    h->vt->get_storage(h->ctx, &sp[-1], self, &key);
    return 0;
}

static __attribute__((noinline)) int op_sstore(frame *f, u256 *sp)
{
    const seer_fork_table *ft = f->ft;
    const seer_host *h = f->host;
    if (f->msg->flags & SEER_MSG_STATIC)
        return SEER_STATUS_STATIC_MODE_VIOLATION;
    /* EIP-2200: the sentry keeps SSTORE from running on a 2300 stipend. */
    if (ft->sstore_sentry && f->gas <= ft->sstore_sentry)
        return SEER_STATUS_OUT_OF_GAS;
    const seer_address *self = &f->msg->recipient;
    int64_t cost = 0;
    if (ft->access_lists && h->vt->access_storage(h->ctx, self, &sp[-1]) == SEER_ACCESS_COLD)
        cost += ft->cold_sstore_extra;
    seer_storage_status s = h->vt->set_storage(h->ctx, self, &sp[-1], &sp[-2]);
    int64_t set = ft->sstore_set_gas, reset = ft->sstore_reset_gas, clear = ft->sstore_clear_refund;
    if (ft->sstore_rule == SEER_SSTORE_CLASSIC) {
        /* Pre-EIP-1283: 20000 when a zero slot becomes non-zero, else 5000;
         * the refund when a non-zero slot becomes zero. The status tells
         * exactly these cases apart (current == 0 and new != 0 are ADDED,
         * DELETED_ADDED, DELETED_RESTORED). */
        switch (s) {
        case SEER_STORAGE_ADDED:
        case SEER_STORAGE_DELETED_ADDED:
        case SEER_STORAGE_DELETED_RESTORED: cost += set; break;
        case SEER_STORAGE_DELETED:
        case SEER_STORAGE_MODIFIED_DELETED:
        case SEER_STORAGE_ADDED_DELETED:
            cost += reset;
            f->refund += clear;
            break;
        default: cost += reset; break;
        }
    } else {
        /* EIP-1283 / EIP-2200 (prices from EIP-2929 / EIP-3529 in the table). */
        int64_t noop = ft->sstore_noop_gas;
        switch (s) {
        case SEER_STORAGE_ADDED: cost += set; break;
        case SEER_STORAGE_DELETED:
            cost += reset;
            f->refund += clear;
            break;
        case SEER_STORAGE_MODIFIED: cost += reset; break;
        case SEER_STORAGE_DELETED_ADDED:
            cost += noop;
            f->refund -= clear;
            break;
        case SEER_STORAGE_MODIFIED_DELETED:
            cost += noop;
            f->refund += clear;
            break;
        case SEER_STORAGE_DELETED_RESTORED:
            cost += noop;
            f->refund += reset - noop - clear;
            break;
        case SEER_STORAGE_ADDED_DELETED:
            cost += noop;
            f->refund += set - noop;
            break;
        case SEER_STORAGE_MODIFIED_RESTORED:
            cost += noop;
            f->refund += reset - noop;
            break;
        default: cost += noop; break; /* ASSIGNED */
        }
    }
    if ((f->gas -= cost) < 0)
        return SEER_STATUS_OUT_OF_GAS;
    return 0;
}

static __attribute__((noinline)) int op_log(frame *f, u256 *sp, unsigned ntopics)
{
    if (f->msg->flags & SEER_MSG_STATIC)
        return SEER_STATUS_STATIC_MODE_VIOLATION;
    int64_t gas = f->gas;
    int st = mem_need(f, &gas, &sp[-1], &sp[-2]);
    if (st)
        return st;
    uint64_t size = u256_is_zero(&sp[-2]) ? 0 : sp[-2].w[0];
    if ((gas -= (int64_t)(8 * size)) < 0)
        return SEER_STATUS_OUT_OF_GAS;
    f->gas = gas;
    seer_bytes32 topics[4];
    for (unsigned i = 0; i < ntopics; i++)
        store_be32(topics[i].bytes, &sp[-3 - (int)i]);
    f->host->vt->emit_log(f->host->ctx, &f->msg->recipient, size ? f->mem + sp[-1].w[0] : NULL, size, topics,
                          ntopics);
    return 0;
}

static __attribute__((noinline)) int op_blockhash(frame *f, u256 *sp)
{
    uint64_t cur = tx_ctx(f)->number;
    u256 *n = &sp[-1];
    /* Only the 256 most recent complete blocks are visible. */
    if (u256_fits_u64(n) && n->w[0] < cur && cur - n->w[0] <= 256) {
        seer_bytes32 h;
        f->host->vt->get_block_hash(f->host->ctx, &h, n->w[0]);
        from_b32(n, &h);
    } else {
        set_u64(n, 0);
    }
    return 0;
}

static __attribute__((noinline)) int op_context(frame *f, u256 *top, uint8_t op)
{
    const seer_tx_context *t = tx_ctx(f);
    switch (op) {
    case SEER_OP_ORIGIN: from_addr(top, &t->origin); break;
    case SEER_OP_GASPRICE: *top = t->gas_price; break;
    case SEER_OP_COINBASE: from_addr(top, &t->coinbase); break;
    case SEER_OP_TIMESTAMP: set_u64(top, t->timestamp); break;
    case SEER_OP_NUMBER: set_u64(top, t->number); break;
    case SEER_OP_DIFFICULTY: *top = t->prev_randao; break; /* PREVRANDAO from EIP-4399 */
    case SEER_OP_GASLIMIT: set_u64(top, t->gas_limit); break;
    case SEER_OP_CHAINID: *top = t->chain_id; break;
    case SEER_OP_BASEFEE: *top = t->base_fee; break;
    case SEER_OP_BLOBBASEFEE: *top = t->blob_base_fee; break;
    case SEER_OP_SELFBALANCE: f->host->vt->get_balance(f->host->ctx, top, &f->msg->recipient); break;
    case SEER_OP_BLOBHASH: /* EIP-4844: top holds the index */
        if (u256_fits_u64(top) && top->w[0] < t->blob_hashes_count)
            from_b32(top, &t->blob_hashes[top->w[0]]);
        else
            set_u64(top, 0);
        break;
    default: set_u64(top, 0); break;
    }
    return 0;
}

static int finish_call(frame *f, int64_t gas, int64_t msg_gas, const seer_result *r)
{
    int st = set_return_data(f, r->output_data, r->output_size);
    if (st)
        return st;
    f->gas = gas - (msg_gas - r->gas_left);
    if (f->cfg->propagate_refunds && r->status == SEER_STATUS_SUCCESS)
        f->refund += r->gas_refund;
    /* The host could not read state: abort the transaction from here up. */
    if (r->status < 0)
        return r->status;
    return 0;
}

/* CALL, CALLCODE: gas addr value in_off in_size out_off out_size.
 * DELEGATECALL, STATICCALL: gas addr in_off in_size out_off out_size. */
static __attribute__((noinline)) int op_call(frame *f, u256 *sp, uint8_t op)
{
    const seer_fork_table *ft = f->ft;
    const seer_host *h = f->host;
    const seer_message *pm = f->msg;
    bool value_arg = op == SEER_OP_CALL || op == SEER_OP_CALLCODE;
    int nargs = value_arg ? 7 : 6;
    u256 *res = &sp[-nargs];
    seer_address dst;
    to_addr(&dst, &sp[-2]);
    u256 gas_arg = sp[-1];
    u256 value = value_arg ? sp[-3] : U256_ZERO;
    int k = value_arg ? 4 : 3;
    u256 in_off = sp[-k], in_size = sp[-k - 1], out_off = sp[-k - 2], out_size = sp[-k - 3];
    set_u64(res, 0); /* assume failure */
    f->ret_size = 0;

    int64_t gas = f->gas;
    int st = charge_account_access(f, &gas, &dst);
    if (st)
        return st;
    if ((st = mem_need(f, &gas, &in_off, &in_size)) != 0)
        return st;
    if ((st = mem_need(f, &gas, &out_off, &out_size)) != 0)
        return st;

    bool has_value = value_arg && !u256_is_zero(&value);
    int64_t cost = has_value ? ft->call_value_gas : 0;
    if (op == SEER_OP_CALL) {
        if (has_value && (pm->flags & SEER_MSG_STATIC))
            return SEER_STATUS_STATIC_MODE_VIOLATION;
        /* Before EIP-161 any call to an absent account pays for creating it;
         * from EIP-161 only a value transfer to a dead (absent or empty) one. */
        if (has_value || !ft->new_account_if_empty) {
            bool dead = !h->vt->account_exists(h->ctx, &dst) ||
                        (ft->new_account_if_empty && h->vt->account_is_empty(h->ctx, &dst));
            if (dead)
                cost += ft->call_new_account_gas;
        }
    }
    if ((gas -= cost) < 0)
        return SEER_STATUS_OUT_OF_GAS;

    int64_t msg_gas =
        (u256_fits_u64(&gas_arg) && gas_arg.w[0] <= INT64_MAX) ? (int64_t)gas_arg.w[0] : INT64_MAX;
    if (ft->call_all_but_one_64th) { /* EIP-150 */
        if (msg_gas > gas - gas / 64)
            msg_gas = gas - gas / 64;
    } else if (msg_gas > gas) {
        return SEER_STATUS_OUT_OF_GAS;
    }
    if (has_value) {
        /* The stipend is free for the caller: it is returned if unused. */
        msg_gas += ft->call_stipend;
        gas += ft->call_stipend;
    }
    f->gas = gas;
    /* Soft failures: the callee's gas comes back untouched. */
    if (pm->depth >= CALL_DEPTH_LIMIT)
        return 0;
    if (has_value) {
        u256 bal;
        h->vt->get_balance(h->ctx, &bal, &pm->recipient);
        if (u256_lt(&bal, &value))
            return 0;
    }

    seer_message m;
    memset(&m, 0, sizeof m);
    m.flags = pm->flags;
    m.depth = pm->depth + 1;
    m.gas = msg_gas;
    m.code_address = dst;
    m.input_size = u256_is_zero(&in_size) ? 0 : (size_t)in_size.w[0];
    m.input_data = m.input_size ? f->mem + in_off.w[0] : NULL;
    switch (op) {
    case SEER_OP_CALL:
        m.kind = SEER_CALL;
        m.recipient = dst;
        m.sender = pm->recipient;
        m.value = value;
        break;
    case SEER_OP_CALLCODE:
        m.kind = SEER_CALLCODE;
        m.recipient = pm->recipient;
        m.sender = pm->recipient;
        m.value = value;
        break;
    case SEER_OP_DELEGATECALL:
        m.kind = SEER_DELEGATECALL;
        m.recipient = pm->recipient;
        m.sender = pm->sender;
        m.value = pm->value;
        break;
    default: /* STATICCALL */
        m.kind = SEER_CALL;
        m.flags |= SEER_MSG_STATIC;
        m.recipient = dst;
        m.sender = pm->recipient;
        break;
    }
    seer_result r = h->vt->call(h->ctx, &m);
    if ((st = finish_call(f, gas, msg_gas, &r)) != 0)
        return st;
    size_t out_n = u256_is_zero(&out_size) ? 0 : (size_t)out_size.w[0];
    if (out_n > r.output_size)
        out_n = r.output_size;
    if (out_n)
        memcpy(f->mem + out_off.w[0], r.output_data, out_n);
    set_u64(res, r.status == SEER_STATUS_SUCCESS);
    return 0;
}

/* CREATE: value off size. CREATE2: value off size salt. */
static __attribute__((noinline)) int op_create(frame *f, u256 *sp, uint8_t op)
{
    const seer_fork_table *ft = f->ft;
    const seer_host *h = f->host;
    const seer_message *pm = f->msg;
    if (pm->flags & SEER_MSG_STATIC)
        return SEER_STATUS_STATIC_MODE_VIOLATION;
    bool is2 = op == SEER_OP_CREATE2;
    u256 *res = &sp[is2 ? -4 : -3];
    u256 value = sp[-1], off = sp[-2], size = sp[-3];
    u256 salt = is2 ? sp[-4] : U256_ZERO;
    set_u64(res, 0);
    f->ret_size = 0;

    int64_t gas = f->gas;
    int st = mem_need(f, &gas, &off, &size);
    if (st)
        return st;
    uint64_t n = u256_is_zero(&size) ? 0 : size.w[0];
    /* EIP-3860: oversized initcode is an exceptional halt of this frame. */
    if (ft->max_initcode_size && n > (uint64_t)ft->max_initcode_size)
        return SEER_STATUS_OUT_OF_GAS;
    int64_t word_gas = ft->initcode_word_gas + (is2 ? ft->create2_word_gas : 0);
    if ((gas -= (int64_t)num_words(n) * word_gas) < 0)
        return SEER_STATUS_OUT_OF_GAS;
    f->gas = gas;
    if (pm->depth >= CALL_DEPTH_LIMIT)
        return 0;
    if (!u256_is_zero(&value)) {
        u256 bal;
        h->vt->get_balance(h->ctx, &bal, &pm->recipient);
        if (u256_lt(&bal, &value))
            return 0;
    }
    seer_message m;
    memset(&m, 0, sizeof m);
    m.kind = is2 ? SEER_CREATE2 : SEER_CREATE;
    m.flags = pm->flags;
    m.depth = pm->depth + 1;
    m.gas = ft->call_all_but_one_64th ? gas - gas / 64 : gas; /* EIP-150 */
    m.sender = pm->recipient;
    m.value = value;
    m.create2_salt = salt;
    m.input_size = (size_t)n;
    m.input_data = n ? f->mem + off.w[0] : NULL;
    seer_result r = h->vt->call(h->ctx, &m);
    /* EIP-211: after a successful create the return data is empty; after a
     * REVERT it is the revert data. */
    seer_result rr = r;
    if (r.status == SEER_STATUS_SUCCESS) {
        rr.output_data = NULL;
        rr.output_size = 0;
    }
    if ((st = finish_call(f, gas, m.gas, &rr)) != 0)
        return st;
    if (r.status == SEER_STATUS_SUCCESS)
        from_addr(res, &r.create_address);
    return 0;
}

static __attribute__((noinline)) int op_selfdestruct(frame *f, u256 *sp)
{
    const seer_fork_table *ft = f->ft;
    const seer_host *h = f->host;
    if (f->msg->flags & SEER_MSG_STATIC)
        return SEER_STATUS_STATIC_MODE_VIOLATION;
    seer_address ben;
    to_addr(&ben, &sp[-1]);
    int64_t gas = f->gas;
    if (ft->access_lists && h->vt->access_account(h->ctx, &ben) == SEER_ACCESS_COLD)
        gas -= ft->cold_sd_beneficiary; /* EIP-2929: no warm base for SELFDESTRUCT */
    if (gas < 0)
        return SEER_STATUS_OUT_OF_GAS;
    switch (ft->sd_new_account) {
    case SEER_SD_NEW_ACCOUNT_IF_ABSENT: /* EIP-150 */
        if (!h->vt->account_exists(h->ctx, &ben))
            gas -= ft->sd_new_account_gas;
        break;
    case SEER_SD_NEW_ACCOUNT_IF_FUNDED_DEAD: { /* EIP-161 */
        u256 bal;
        h->vt->get_balance(h->ctx, &bal, &f->msg->recipient);
        if (!u256_is_zero(&bal) &&
            (!h->vt->account_exists(h->ctx, &ben) || h->vt->account_is_empty(h->ctx, &ben)))
            gas -= ft->sd_new_account_gas;
        break;
    }
    default: break;
    }
    if (gas < 0)
        return SEER_STATUS_OUT_OF_GAS;
    f->gas = gas;
    if (h->vt->selfdestruct(h->ctx, &f->msg->recipient, &ben))
        f->refund += ft->sd_refund; /* 0 from EIP-3529 */
    return HALT_SUCCESS;
}

static __attribute__((noinline)) int op_tstorage(frame *f, u256 *sp, uint8_t op)
{
    const seer_host *h = f->host;
    if (op == SEER_OP_TLOAD) {
        u256 key = sp[-1];
        h->vt->get_transient_storage(h->ctx, &sp[-1], &f->msg->recipient, &key);
        return 0;
    }
    if (f->msg->flags & SEER_MSG_STATIC) /* EIP-1153 */
        return SEER_STATUS_STATIC_MODE_VIOLATION;
    h->vt->set_transient_storage(h->ctx, &f->msg->recipient, &sp[-1], &sp[-2]);
    return 0;
}

static __attribute__((noinline)) int op_exp(frame *f, u256 *sp)
{
    int64_t cost = (int64_t)f->ft->exp_byte_gas * u256_byte_len(&sp[-2]);
    if ((f->gas -= cost) < 0)
        return SEER_STATUS_OUT_OF_GAS;
    u256_exp(&sp[-2], &sp[-1], &sp[-2]);
    return 0;
}

static __attribute__((noinline)) int op_return(frame *f, u256 *sp)
{
    int64_t gas = f->gas;
    int st = mem_need(f, &gas, &sp[-1], &sp[-2]);
    if (st)
        return st;
    f->gas = gas;
    size_t n = u256_is_zero(&sp[-2]) ? 0 : (size_t)sp[-2].w[0];
    if (n) {
        f->out = malloc(n);
        if (!f->out)
            return SEER_STATUS_OUT_OF_MEMORY;
        memcpy(f->out, f->mem + sp[-1].w[0], n);
        f->out_size = n;
    }
    return 0;
}

static __attribute__((noinline)) void op_calldataload(frame *f, u256 *t)
{
    size_t isz = f->msg->input_size;
    if (u256_fits_u64(t) && t->w[0] < isz) {
        size_t off = (size_t)t->w[0], n = isz - off;
        if (n >= 32) {
            load_be(t, f->msg->input_data + off, 32);
        } else {
            uint8_t buf[32] = {0};
            memcpy(buf, f->msg->input_data + off, n);
            load_be(t, buf, 32);
        }
    } else {
        set_u64(t, 0);
    }
}

static __attribute__((noinline)) void trace_step(frame *f, const uint8_t *ip, const u256 *sp, int64_t gas)
{
    uint8_t op = *ip;
    const seer_fork_table *ft = f->ft;
    seer_trace_step s;
    s.pc = (uint32_t)(ip - f->code->code);
    s.op = op;
    s.op_name = ft->defined[op] ? ft->names[op] : "UNDEFINED";
    s.gas = gas;
    s.gas_cost = ft->defined[op] ? ft->ops[op].gas : 0;
    s.mem_size = f->mem_size;
    s.memory = f->mem;
    s.stack = f->stack;
    s.stack_size = (size_t)(sp - f->stack);
    s.depth = f->msg->depth + 1;
    s.refund = f->refund;
    s.return_data = f->ret;
    s.return_data_size = f->ret_size;
    f->cfg->tracer->step(f->cfg->tracer->ctx, &s);
}

/* ---- the loop ---- */

/* Stack bounds per opcode as compile-time constants. */
enum {
#define OP_STACK_(nm, code, in, out, imm, fork, gas) IN_##nm = in, GROW_##nm = out - in,
    SEER_OPCODES(OP_STACK_)
#undef OP_STACK_
};

static const void *fork_dispatch[SEER_FORK_COUNT][256];
static const void *trace_dispatch[256];
static pthread_once_t dispatch_once = PTHREAD_ONCE_INIT;

static int interp_loop(frame *f);

static void dispatch_init(void)
{
    interp_loop(NULL);
}

static int interp_loop(frame *f)
{
    /* Label addresses of implemented opcodes; NULL entries are filled with
     * L_UNDEFINED in fork_dispatch. */
    static const void *const labels[256] = {
#define OP_LABEL_(nm, code, in, out, imm, fork, gas) [code] = &&L_##nm,
        SEER_OPCODES(OP_LABEL_)
#undef OP_LABEL_
    };
    if (!f) {
        for (int fk = 0; fk < SEER_FORK_COUNT; fk++) {
            const seer_fork_table *t = seer_fork_table_get((seer_fork)fk);
            for (int op = 0; op < 256; op++)
                fork_dispatch[fk][op] = (t && t->defined[op] && labels[op]) ? labels[op] : &&L_UNDEFINED;
        }
        for (int op = 0; op < 256; op++)
            trace_dispatch[op] = &&L_TRACE;
        return 0;
    }

    const seer_fork_table *const ft = f->ft;
    const void *const *const real = fork_dispatch[ft->fork];
    const void *const *const table = f->cfg->tracer ? trace_dispatch : real;
    const uint8_t *const code = f->code->code;
    const uint8_t *const jumpdest =
        f->code->jumpdest; /* seer_code_is_jumpdest, with both fields in registers */
    const uint64_t code_size = f->code->size;
    const uint8_t *ip = code;
    u256 *const stack_lo = f->stack;
    u256 *const stack_hi = f->stack + STACK_LIMIT;
    u256 *sp = stack_lo;
    int64_t gas = f->gas;
    int st = 0;

#define DISPATCH() goto *table[*ip]
#define SYNC()     (f->gas = gas)
#define RELOAD()   (gas = f->gas)
    /* Checks of the opcode at ip; the constants fold per opcode. */
#define BEGIN(nm)                                                                                            \
    L_##nm:                                                                                                  \
    {                                                                                                        \
        if (IN_##nm > 0 && GROW_##nm > 0) {                                                                  \
            /* DUPn: both bounds in one unsigned compare. */                                                 \
            if (SEER_UNLIKELY((size_t)((const char *)sp - (const char *)(stack_lo + IN_##nm)) >              \
                              (size_t)(STACK_LIMIT - GROW_##nm - IN_##nm) * sizeof(u256)))                   \
                goto L_STACK_BOUNDS;                                                                         \
        } else {                                                                                             \
            if (IN_##nm > 0 && SEER_UNLIKELY(sp < stack_lo + IN_##nm))                                       \
                goto L_UNDERFLOW;                                                                            \
            if (GROW_##nm > 0 && SEER_UNLIKELY(sp > stack_hi - GROW_##nm))                                   \
                goto L_OVERFLOW;                                                                             \
        }                                                                                                    \
        if (SEER_UNLIKELY((gas -= ft->ops[SEER_OP_##nm].gas) < 0))                                           \
            goto L_OOG;
#define NEXT()                                                                                               \
    ip++;                                                                                                    \
    DISPATCH();                                                                                              \
    }
    /* Runs a helper that may halt; sp is adjusted afterwards. */
#define HELPER(call)                                                                                         \
    do {                                                                                                     \
        SYNC();                                                                                              \
        st = (call);                                                                                         \
        RELOAD();                                                                                            \
        if (SEER_UNLIKELY(st))                                                                               \
            goto L_HALT;                                                                                     \
    } while (0)
    /* MLOAD/MSTORE/MSTORE8: the gas local must not have its address taken
     * (it would live in memory), so growth syncs through the frame. */
#define MEM_FIXED(offp, n)                                                                                   \
    do {                                                                                                     \
        const u256 *o_ = (offp);                                                                             \
        if (SEER_UNLIKELY(!u256_fits_u64(o_) || o_->w[0] > MAX_BUF))                                         \
            goto L_OOG;                                                                                      \
        if (SEER_UNLIKELY(o_->w[0] + (n) > f->mem_size)) {                                                   \
            SYNC();                                                                                          \
            st = mem_grow(f, &f->gas, o_->w[0] + (n));                                                       \
            RELOAD();                                                                                        \
            if (st)                                                                                          \
                goto L_HALT;                                                                                 \
        }                                                                                                    \
    } while (0)
#define BINOP(nm, expr)                                                                                      \
    BEGIN(nm)                                                                                                \
    {                                                                                                        \
        u256 *a = &sp[-1], *b = &sp[-2];                                                                     \
        expr;                                                                                                \
        sp--;                                                                                                \
    }                                                                                                        \
    NEXT()

    DISPATCH();

L_TRACE:
    trace_step(f, ip, sp, gas);
    goto *real[*ip];

    BEGIN(STOP)
    st = SEER_STATUS_SUCCESS;
    goto L_HALT;
}

BINOP(ADD, add_to(b, a))
BINOP(MUL, u256_mul(b, a, b))
BINOP(SUB, rsub_to(b, a))
BINOP(DIV, u256_div(b, a, b))
BINOP(SDIV, u256_sdiv(b, a, b))
BINOP(MOD, u256_mod(b, a, b))
BINOP(SMOD, u256_smod(b, a, b))
BEGIN(ADDMOD)
u256_addmod(&sp[-3], &sp[-1], &sp[-2], &sp[-3]);
sp -= 2;
NEXT()
BEGIN(MULMOD)
u256_mulmod(&sp[-3], &sp[-1], &sp[-2], &sp[-3]);
sp -= 2;
NEXT()
BEGIN(EXP)
HELPER(op_exp(f, sp));
sp--;
NEXT()
BINOP(SIGNEXTEND, u256_signextend(b, a, b))
BINOP(LT, set_u64(b, lt_(a, b)))
BINOP(GT, set_u64(b, lt_(b, a)))
BINOP(SLT, set_u64(b, slt_(a, b)))
BINOP(SGT, set_u64(b, slt_(b, a)))
BINOP(EQ, set_u64(b, u256_eq(a, b)))
BEGIN(ISZERO)
set_u64(&sp[-1], u256_is_zero(&sp[-1]));
NEXT()
BINOP(AND, for (int i = 0; i < 4; i++) b->w[i] &= a->w[i])
BINOP(OR, for (int i = 0; i < 4; i++) b->w[i] |= a->w[i])
BINOP(XOR, for (int i = 0; i < 4; i++) b->w[i] ^= a->w[i])
BEGIN(NOT)
for (int i = 0; i < 4; i++)
    sp[-1].w[i] = ~sp[-1].w[i];
NEXT()
BINOP(BYTE, u256_byte(b, a, b))
BINOP(SHL, u256_shl(b, a, b))
BINOP(SHR, u256_shr(b, a, b))
BINOP(SAR, u256_sar(b, a, b))

BEGIN(KECCAK256)
HELPER(op_keccak(f, sp));
sp--;
NEXT()

BEGIN(ADDRESS)
from_addr(sp++, &f->msg->recipient);
NEXT()
BEGIN(BALANCE)
HELPER(op_account_query(f, sp, SEER_OP_BALANCE));
NEXT()
BEGIN(ORIGIN)
op_context(f, sp++, SEER_OP_ORIGIN);
NEXT()
BEGIN(CALLER)
from_addr(sp++, &f->msg->sender);
NEXT()
BEGIN(CALLVALUE)
*sp++ = f->msg->value;
NEXT()
BEGIN(CALLDATALOAD)
op_calldataload(f, &sp[-1]);
NEXT()
BEGIN(CALLDATASIZE)
set_u64(sp++, f->msg->input_size);
NEXT()
BEGIN(CALLDATACOPY)
HELPER(op_copy(f, sp, SEER_OP_CALLDATACOPY));
sp -= 3;
NEXT()
BEGIN(CODESIZE)
set_u64(sp++, f->code->size);
NEXT()
BEGIN(CODECOPY)
HELPER(op_copy(f, sp, SEER_OP_CODECOPY));
sp -= 3;
NEXT()
BEGIN(GASPRICE)
op_context(f, sp++, SEER_OP_GASPRICE);
NEXT()
BEGIN(EXTCODESIZE)
HELPER(op_account_query(f, sp, SEER_OP_EXTCODESIZE));
NEXT()
BEGIN(EXTCODECOPY)
HELPER(op_extcodecopy(f, sp));
sp -= 4;
NEXT()
BEGIN(RETURNDATASIZE)
set_u64(sp++, f->ret_size);
NEXT()
BEGIN(RETURNDATACOPY)
HELPER(op_copy(f, sp, SEER_OP_RETURNDATACOPY));
sp -= 3;
NEXT()
BEGIN(EXTCODEHASH)
HELPER(op_account_query(f, sp, SEER_OP_EXTCODEHASH));
NEXT()

BEGIN(BLOCKHASH)
op_blockhash(f, sp);
NEXT()
BEGIN(COINBASE)
op_context(f, sp++, SEER_OP_COINBASE);
NEXT()
BEGIN(TIMESTAMP)
op_context(f, sp++, SEER_OP_TIMESTAMP);
NEXT()
BEGIN(NUMBER)
op_context(f, sp++, SEER_OP_NUMBER);
NEXT()
BEGIN(DIFFICULTY)
op_context(f, sp++, SEER_OP_DIFFICULTY);
NEXT()
BEGIN(GASLIMIT)
op_context(f, sp++, SEER_OP_GASLIMIT);
NEXT()
BEGIN(CHAINID)
op_context(f, sp++, SEER_OP_CHAINID);
NEXT()
BEGIN(SELFBALANCE)
op_context(f, sp++, SEER_OP_SELFBALANCE);
NEXT()
BEGIN(BASEFEE)
op_context(f, sp++, SEER_OP_BASEFEE);
NEXT()
BEGIN(BLOBHASH)
op_context(f, &sp[-1], SEER_OP_BLOBHASH);
NEXT()
BEGIN(BLOBBASEFEE)
op_context(f, sp++, SEER_OP_BLOBBASEFEE);
NEXT()

BEGIN(POP)
sp--;
NEXT()
BEGIN(MLOAD)
MEM_FIXED(&sp[-1], 32);
load_be(&sp[-1], f->mem + sp[-1].w[0], 32);
NEXT()
BEGIN(MSTORE)
MEM_FIXED(&sp[-1], 32);
store_be32(f->mem + sp[-1].w[0], &sp[-2]);
sp -= 2;
NEXT()
BEGIN(MSTORE8)
MEM_FIXED(&sp[-1], 1);
f->mem[sp[-1].w[0]] = (uint8_t)sp[-2].w[0];
sp -= 2;
NEXT()
BEGIN(SLOAD)
HELPER(op_sload(f, sp));
NEXT()
BEGIN(SSTORE)
HELPER(op_sstore(f, sp));
sp -= 2;
NEXT()
BEGIN(JUMP)
{
    const u256 *d = &sp[-1];
    sp--;
    if (SEER_UNLIKELY(!u256_fits_u64(d) || d->w[0] >= code_size ||
                      !((jumpdest[d->w[0] >> 3] >> (d->w[0] & 7)) & 1)))
        goto L_BADJUMP;
    ip = code + d->w[0];
    DISPATCH();
}
}
BEGIN(JUMPI)
{
    const u256 *d = &sp[-1], *c = &sp[-2];
    sp -= 2;
    if (!u256_is_zero(c)) {
        if (SEER_UNLIKELY(!u256_fits_u64(d) || d->w[0] >= code_size ||
                          !((jumpdest[d->w[0] >> 3] >> (d->w[0] & 7)) & 1)))
            goto L_BADJUMP;
        ip = code + d->w[0];
        DISPATCH();
    }
}
NEXT()
BEGIN(PC)
set_u64(sp++, (uint64_t)(ip - code));
NEXT()
BEGIN(MSIZE)
set_u64(sp++, f->mem_size);
NEXT()
BEGIN(GAS)
set_u64(sp++, (uint64_t)gas);
NEXT()
BEGIN(JUMPDEST)
NEXT()
BEGIN(TLOAD)
HELPER(op_tstorage(f, sp, SEER_OP_TLOAD));
NEXT()
BEGIN(TSTORE)
HELPER(op_tstorage(f, sp, SEER_OP_TSTORE));
sp -= 2;
NEXT()
BEGIN(MCOPY)
HELPER(op_copy(f, sp, SEER_OP_MCOPY));
sp -= 3;
NEXT()
BEGIN(PUSH0)
set_u64(sp++, 0);
NEXT()

#define PUSH_OP(n)                                                                                           \
    BEGIN(PUSH##n)                                                                                           \
    load_push(sp++, ip + 1, n);                                                                              \
    ip += n + 1;                                                                                             \
    DISPATCH();                                                                                              \
    }
PUSH_OP(1)
PUSH_OP(2)
PUSH_OP(3)
PUSH_OP(4)
PUSH_OP(5)
PUSH_OP(6)
PUSH_OP(7)
PUSH_OP(8)
PUSH_OP(9)
PUSH_OP(10)
PUSH_OP(11)
PUSH_OP(12)
PUSH_OP(13)
PUSH_OP(14)
PUSH_OP(15)
PUSH_OP(16)
PUSH_OP(17)
PUSH_OP(18)
PUSH_OP(19)
PUSH_OP(20)
PUSH_OP(21)
PUSH_OP(22)
PUSH_OP(23)
PUSH_OP(24)
PUSH_OP(25)
PUSH_OP(26)
PUSH_OP(27)
PUSH_OP(28)
PUSH_OP(29)
PUSH_OP(30)
PUSH_OP(31)
PUSH_OP(32)

#define DUP_OP(n)                                                                                            \
    BEGIN(DUP##n)                                                                                            \
    *sp = sp[-(n)];                                                                                          \
    sp++;                                                                                                    \
    NEXT()
DUP_OP(1)
DUP_OP(2)
DUP_OP(3)
DUP_OP(4)
DUP_OP(5)
DUP_OP(6)
DUP_OP(7)
DUP_OP(8)
DUP_OP(9)
DUP_OP(10)
DUP_OP(11)
DUP_OP(12)
DUP_OP(13)
DUP_OP(14)
DUP_OP(15)
DUP_OP(16)

#define SWAP_OP(n)                                                                                           \
    BEGIN(SWAP##n)                                                                                           \
    {                                                                                                        \
        swap_words(&sp[-1], &sp[-1 - (n)]);                                                                  \
    }                                                                                                        \
    NEXT()
SWAP_OP(1)
SWAP_OP(2)
SWAP_OP(3)
SWAP_OP(4)
SWAP_OP(5)
SWAP_OP(6)
SWAP_OP(7)
SWAP_OP(8)
SWAP_OP(9)
SWAP_OP(10)
SWAP_OP(11)
SWAP_OP(12)
SWAP_OP(13)
SWAP_OP(14)
SWAP_OP(15)
SWAP_OP(16)

#define LOG_OP(n)                                                                                            \
    BEGIN(LOG##n)                                                                                            \
    HELPER(op_log(f, sp, n));                                                                                \
    sp -= 2 + n;                                                                                             \
    NEXT()
LOG_OP(0)
LOG_OP(1)
LOG_OP(2)
LOG_OP(3)
LOG_OP(4)

BEGIN(CREATE)
HELPER(op_create(f, sp, SEER_OP_CREATE));
sp -= 2;
NEXT()
BEGIN(CALL)
HELPER(op_call(f, sp, SEER_OP_CALL));
sp -= 6;
NEXT()
BEGIN(CALLCODE)
HELPER(op_call(f, sp, SEER_OP_CALLCODE));
sp -= 6;
NEXT()
BEGIN(RETURN)
SYNC();
st = op_return(f, sp);
RELOAD();
goto L_HALT;
}
BEGIN(DELEGATECALL)
HELPER(op_call(f, sp, SEER_OP_DELEGATECALL));
sp -= 5;
NEXT()
BEGIN(CREATE2)
HELPER(op_create(f, sp, SEER_OP_CREATE2));
sp -= 3;
NEXT()
BEGIN(STATICCALL)
HELPER(op_call(f, sp, SEER_OP_STATICCALL));
sp -= 5;
NEXT()
BEGIN(REVERT)
SYNC();
st = op_return(f, sp);
RELOAD();
if (!st)
    st = SEER_STATUS_REVERT;
goto L_HALT;
}
BEGIN(INVALID)
st = SEER_STATUS_INVALID_INSTRUCTION;
goto L_HALT;
}
BEGIN(SELFDESTRUCT)
SYNC();
st = op_selfdestruct(f, sp);
RELOAD();
if (st == HALT_SUCCESS)
    st = SEER_STATUS_SUCCESS;
goto L_HALT;
}

L_UNDEFINED : st = SEER_STATUS_UNDEFINED_INSTRUCTION;
goto L_HALT;
L_STACK_BOUNDS :
    /* Only DUPn get here; DUPn needs n items, n = opcode - DUP1 + 1. */
    if (sp < stack_lo + (*ip - SEER_OP_DUP1 + 1)) goto L_UNDERFLOW;
goto L_OVERFLOW;
L_UNDERFLOW : st = SEER_STATUS_STACK_UNDERFLOW;
goto L_HALT;
L_OVERFLOW : st = SEER_STATUS_STACK_OVERFLOW;
goto L_HALT;
L_OOG : st = SEER_STATUS_OUT_OF_GAS;
goto L_HALT;
L_BADJUMP : st = SEER_STATUS_BAD_JUMP_DESTINATION;
goto L_HALT;
L_HALT : f->gas = gas;
return st;

#undef DISPATCH
#undef SYNC
#undef RELOAD
#undef BEGIN
#undef NEXT
#undef HELPER
#undef BINOP
#undef MEM_FIXED
#undef PUSH_OP
#undef DUP_OP
#undef SWAP_OP
#undef LOG_OP
}

seer_result seer_vm_execute(const seer_host *host, const seer_vm_config *cfg, const seer_message *msg,
                            const seer_code *code)
{
    seer_result r;
    memset(&r, 0, sizeof r);
    const seer_fork_table *ft = cfg ? seer_fork_table_get(cfg->fork) : NULL;
    if (!host || !msg || !code || !ft) {
        r.status = SEER_STATUS_INTERNAL_ERROR;
        return r;
    }
    pthread_once(&dispatch_once, dispatch_init);
    frame *f = frame_acquire();
    if (!f) {
        r.status = SEER_STATUS_OUT_OF_MEMORY;
        return r;
    }
    f->mem_size = 0;
    f->ret_size = 0;
    f->gas = msg->gas;
    f->refund = 0;
    f->host = host;
    f->msg = msg;
    f->code = code;
    f->cfg = cfg;
    f->ft = ft;
    f->txc = NULL;
    f->out = NULL;
    f->out_size = 0;

    int st = interp_loop(f);

    r.status = (seer_status)st;
    if (st == SEER_STATUS_SUCCESS || st == SEER_STATUS_REVERT) {
        r.gas_left = f->gas;
        r.output_data = f->out;
        r.output_size = f->out_size;
    } else {
        free(f->out);
    }
    if (st == SEER_STATUS_SUCCESS)
        r.gas_refund = f->refund;
    frame_release(f);
    return r;
}

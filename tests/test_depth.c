/* Call depth 1024 through the real world (vm/world.c) and interpreter
 * (vm/interp.c), inside a pthread created with default attributes: the
 * recursion interpreter -> host->call -> world -> interpreter lives on the C
 * stack, so a worker thread's normal stack must hold 1024 nested frames of
 * every kind (CALL and CREATE). The deepest frame must run (it writes
 * storage) and the call one level deeper must fail softly: 0 pushed, the
 * transaction still succeeds. */
#define _GNU_SOURCE /* pthread_getattr_np */
#include "common/u256.h"
#include "state/memstore.h"
#include "test_util.h"
#include "vm/interp.h"
#include "vm/world.h"

#include <pthread.h>

/* Frame k of the CALL recursion receives k as calldata word 0, marks
 * storage[k] = 1, calls itself with k+1 (all gas the 63/64 rule allows) and
 * records 1 + the call's success flag at storage[0x10000 + k] (1: failed;
 * a zero would store nothing).
 *
 *   PUSH0 CALLDATALOAD            ; k
 *   PUSH1 1 DUP2 SSTORE           ; storage[k] = 1
 *   PUSH1 1 ADD PUSH0 MSTORE      ; mem[0..32) = k + 1
 *   PUSH0 PUSH0 PUSH1 32 PUSH0 PUSH0 ADDRESS GAS CALL
 *   PUSH1 1 ADD PUSH0 CALLDATALOAD PUSH3 0x010000 ADD SSTORE
 *   STOP */
static const uint8_t call_code[] = {
    0x5f, 0x35,                                           /* PUSH0 CALLDATALOAD */
    0x60, 0x01, 0x81, 0x55,                               /* PUSH1 1 DUP2 SSTORE */
    0x60, 0x01, 0x01, 0x5f, 0x52,                         /* PUSH1 1 ADD PUSH0 MSTORE */
    0x5f, 0x5f, 0x60, 0x20, 0x5f, 0x5f, 0x30, 0x5a, 0xf1, /* CALL(gas, self, 0, 0, 32, 0, 0) */
    0x60, 0x01, 0x01,                                     /* PUSH1 1 ADD */
    0x5f, 0x35, 0x62, 0x01, 0x00, 0x00, 0x01, 0x55,       /* storage[0x10000 + k] = success */
    0x00,
};

/* The same for Frontier..Merge forks, which have no PUSH0 (EIP-3855):
 * PUSH1 0; and before EIP-150 a CALL asking for more gas than is left
 * after its own cost fails, so it asks for GAS - 100. */
static const uint8_t call_code_legacy[] = {
    0x60, 0x00, 0x35,                                                 /* PUSH1 0 CALLDATALOAD */
    0x60, 0x01, 0x81, 0x55,                                           /* PUSH1 1 DUP2 SSTORE */
    0x60, 0x01, 0x01, 0x60, 0x00, 0x52,                               /* PUSH1 1 ADD PUSH1 0 MSTORE */
    0x60, 0x00, 0x60, 0x00, 0x60, 0x20, 0x60, 0x00, 0x60, 0x00, 0x30, /* ... ADDRESS */
    0x60, 0x64, 0x5a, 0x03, 0xf1,                                     /* PUSH1 100 GAS SUB CALL */
    0x60, 0x01, 0x01,                                                 /* PUSH1 1 ADD */
    0x60, 0x00, 0x35, 0x62, 0x01, 0x00, 0x00, 0x01, 0x55,             /* storage[0x10000 + k] = success */
    0x00,
};

/* The CREATE recursion: initcode whose last 32 bytes hold the depth d of
 * the frame that runs it. It stores d + 1 at storage[0], patches the tail of
 * its own copy to d + 1, CREATEs that copy and stores the new address (0
 * when the CREATE failed) at storage[1]. The creation transaction's frame
 * is depth 0.
 *
 *   CODESIZE PUSH0 PUSH0 CODECOPY       ; mem = own code
 *   PUSH1 32 CODESIZE SUB MLOAD         ; d
 *   PUSH1 1 ADD DUP1 PUSH0 SSTORE       ; storage[0] = d + 1
 *   PUSH1 32 CODESIZE SUB MSTORE        ; tail = d + 1
 *   CODESIZE PUSH0 PUSH0 CREATE         ; CREATE(0, 0, codesize)
 *   PUSH1 1 SSTORE STOP                 ; storage[1] = address */
static const uint8_t create_code[] = {
    0x38, 0x5f, 0x5f, 0x39,             /* CODESIZE PUSH0 PUSH0 CODECOPY */
    0x60, 0x20, 0x38, 0x03, 0x51,       /* PUSH1 32 CODESIZE SUB MLOAD */
    0x60, 0x01, 0x01, 0x80, 0x5f, 0x55, /* PUSH1 1 ADD DUP1 PUSH0 SSTORE */
    0x60, 0x20, 0x38, 0x03, 0x52,       /* PUSH1 32 CODESIZE SUB MSTORE */
    0x38, 0x5f, 0x5f, 0xf0,             /* CODESIZE PUSH0 PUSH0 CREATE */
    0x60, 0x01, 0x55, 0x00,             /* PUSH1 1 SSTORE STOP */
};

#if defined(__SANITIZE_ADDRESS__)
#define DEPTH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DEPTH_ASAN 1
#endif
#endif
#ifndef DEPTH_ASAN
#define DEPTH_ASAN 0
#endif

static const seer_address sender = {{0x5e, 0x4d, 0xe2}};
static const seer_address target = {{0xca, 0x11, 0xee}};

/* The gas a full-depth recursion needs under the 63/64 rule (EIP-150):
 * each level keeps 1/64 of what is left after its own costs (two fresh
 * slots, a CREATE's 32000), so the start gas grows ~10x per 146 levels:
 * measured, 10^12 reaches depth 811 (CALL) and 776 (CREATE). 10^15 reaches
 * the limit with room. */
#define DEEP_GAS 1000000000000000ull

typedef struct depth_job {
    seer_fork fork;
    bool create; /* the CREATE recursion instead of CALL */
    bool probe;  /* trace to measure the C stack (else the untraced fast path) */
    int rc;      /* seer_world_execute_tx */
    seer_status status;
    const char *exception;
    uint64_t gas_used;
    /* CALL: storage of `target`; CREATE: per created account. */
    int frames;       /* frames that ran (distinct storage markers) */
    int max_depth;    /* deepest frame seen (0-based) */
    int failed_calls; /* CALL: success flag 0; CREATE: address 0 */
    int failed_depth; /* the depth of the frame whose call failed */
    int ok_calls;     /* calls that succeeded (CALL: flag 2; CREATE: an address) */
    size_t default_stack;
    /* The C stack: the address of a local in the thread's entry and the
     * lowest one the tracer saw (stacks grow down on every target we run). */
    uintptr_t stack_top, stack_low;
} depth_job;

/* Tracer step: notes how deep into the C stack the interpreter runs. */
static void stack_probe(void *ctx, const seer_trace_step *step)
{
    depth_job *j = ctx;
    volatile char here;
    uintptr_t a = (uintptr_t)&here;
    if (!j->stack_low || a < j->stack_low)
        j->stack_low = a;
    (void)step;
}

static uint64_t slot_u64(const seer_slot_change *s)
{
    return u256_fits_u64(&s->value) ? s->value.w[0] : UINT64_MAX;
}

static void run_job(depth_job *j)
{
    seer_memstore *store = NULL;
    seer_world *world = NULL;
    seer_tx tx;
    seer_tx_result res;
    memset(&tx, 0, sizeof tx);
    memset(&res, 0, sizeof res);
    ck_assert_int_eq(seer_memstore_new(&store), 0);

    seer_account acct = {.exists = true};
    acct.balance = u256_from_u64(1000000000ull);
    ck_assert_int_eq(seer_memstore_set_account(store, &sender, &acct), 0);
    if (!j->create) {
        seer_account t = {.exists = true};
        ck_assert_int_eq(seer_memstore_set_account(store, &target, &t), 0);
        const uint8_t *code = j->fork >= SEER_FORK_SHANGHAI ? call_code : call_code_legacy;
        size_t len = j->fork >= SEER_FORK_SHANGHAI ? sizeof call_code : sizeof call_code_legacy;
        ck_assert_int_eq(seer_memstore_set_code(store, &target, code, len), 0);
    }

    seer_block_env env;
    memset(&env, 0, sizeof env);
    env.fork = j->fork;
    env.chain_id = 1;
    env.number = 1;
    env.timestamp = 1;
    env.gas_limit = UINT64_MAX / 2;
    seer_state_reader reader = seer_memstore_reader(store);
    ck_assert_int_eq(seer_world_create(&world, &reader, &env), 0);
    seer_tracer tracer = {stack_probe, j};
    if (j->probe)
        seer_world_set_tracer(world, &tracer);

    uint8_t data[sizeof create_code + 32];
    memset(data, 0, sizeof data);
    tx.type = 0;
    tx.gas_limit = DEEP_GAS;
    tx.has_sender = true;
    tx.sender = sender;
    if (j->create) {
        memcpy(data, create_code, sizeof create_code); /* depth word 0 */
        tx.data = data;
        tx.data_len = sizeof data;
    } else {
        tx.has_to = true;
        tx.to = target;
        tx.data = data; /* k = 0 */
        tx.data_len = 32;
    }
    j->rc = seer_world_execute_tx(world, &res, &tx, 0);
    tx.data = NULL; /* not malloc'd: keep seer_tx_clear away from it */
    j->status = res.status;
    j->exception = res.exception;
    j->gas_used = res.gas_used;
    j->max_depth = -1;
    j->failed_depth = -1;

    const seer_changeset *cs = NULL;
    if (j->rc == 0 && !res.exception && seer_world_changeset(world, &cs) == 0) {
        for (size_t a = 0; a < cs->naccounts; a++) {
            const seer_account_change *ac = &cs->accounts[a];
            if (!j->create) {
                if (memcmp(&ac->addr, &target, sizeof target) != 0)
                    continue;
                for (size_t i = 0; i < ac->nslots; i++) {
                    uint64_t k = ac->slots[i].key.w[0], v = slot_u64(&ac->slots[i]);
                    if (k < 0x10000 && v == 1) {
                        j->frames++;
                        if ((int)k > j->max_depth)
                            j->max_depth = (int)k;
                    } else if (k >= 0x10000 && v == 1) {
                        j->failed_calls++;
                        j->failed_depth = (int)(k - 0x10000);
                    } else if (k >= 0x10000 && v == 2) {
                        j->ok_calls++;
                    }
                }
                continue;
            }
            /* CREATE: an account with storage[0] = d + 1 ran at depth d. */
            int depth = -1;
            bool has_child = false;
            for (size_t i = 0; i < ac->nslots; i++) {
                if (u256_fits_u64(&ac->slots[i].key) && ac->slots[i].key.w[0] == 0)
                    depth = (int)slot_u64(&ac->slots[i]) - 1;
                if (u256_fits_u64(&ac->slots[i].key) && ac->slots[i].key.w[0] == 1)
                    has_child = !u256_is_zero(&ac->slots[i].value);
            }
            if (depth < 0)
                continue;
            j->frames++;
            if (depth > j->max_depth)
                j->max_depth = depth;
            if (!has_child) {
                j->failed_calls++;
                j->failed_depth = depth;
            } else {
                j->ok_calls++;
            }
        }
    }
    seer_tx_result_clear(&res);
    seer_tx_clear(&tx);
    seer_world_free(world);
    seer_memstore_free(store);
}

static void *depth_thread(void *arg)
{
    depth_job *j = arg;
    volatile char top;
    j->stack_top = (uintptr_t)&top;
    pthread_attr_t attr;
    /* The stack this thread really got (glibc: RLIMIT_STACK, 8 MiB on
     * common systems), for the log. */
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstacksize(&attr, &j->default_stack);
        pthread_attr_destroy(&attr);
    }
    run_job(j);
    seer_vm_thread_cleanup(); /* the interpreter's per-thread pools */
    return NULL;
}

/* Runs the job on a thread created with default attributes (NULL). */
static void run_in_thread(depth_job *j)
{
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, depth_thread, j), 0);
    ck_assert_int_eq(pthread_join(th, NULL), 0);
}

static const char *fork_name(seer_fork f)
{
    switch (f) {
    case SEER_FORK_FRONTIER: return "Frontier";
    case SEER_FORK_HOMESTEAD: return "Homestead";
    case SEER_FORK_BERLIN: return "Berlin";
    case SEER_FORK_SHANGHAI: return "Shanghai";
    case SEER_FORK_CANCUN: return "Cancun";
    default: return "?";
    }
}

/* The transaction's frame is depth 0 and a frame at depth d may call while
 * d < 1024, so frames at depths 0..1024 run (1025 frames, 1024 successful
 * calls); the 1025th call, made by the frame at depth 1024, fails softly
 * and is the only failure; the transaction succeeds. */
static void check_full_depth(const depth_job *j, const char *what)
{
    printf("test_depth: %s %s: rc %d status %d frames %d deepest %d failed at %d, gas %llu, "
           "thread stack %zu KiB",
           what, fork_name(j->fork), j->rc, j->status, j->frames, j->max_depth, j->failed_depth,
           (unsigned long long)j->gas_used, j->default_stack / 1024);
    if (j->probe)
        printf(", used %zu KiB", (size_t)(j->stack_top - j->stack_low) / 1024);
    printf("\n");
    fflush(stdout);
    ck_assert_int_eq(j->rc, 0);
    ck_assert_ptr_null(j->exception);
    ck_assert_int_eq(j->status, SEER_STATUS_SUCCESS);
    ck_assert_int_eq(j->frames, 1025);
    ck_assert_int_eq(j->max_depth, 1024);
    ck_assert_int_eq(j->failed_calls, 1);
    ck_assert_int_eq(j->ok_calls, 1024);
    ck_assert_int_eq(j->failed_depth, 1024);
    /* Half the stack is the margin a worker keeps for its own callers.
     * AddressSanitizer's redzones multiply frame sizes (measured at -O1:
     * 5.6 MiB for the CALL chain, 7.0 MiB for CREATE, against 1.4 and
     * 1.5 MiB without), so there the run itself is the check. */
    if (j->probe)
        ck_assert_uint_lt(j->stack_top - j->stack_low, DEPTH_ASAN ? j->default_stack : j->default_stack / 2);
}

static const seer_fork call_forks[] = {SEER_FORK_FRONTIER, SEER_FORK_HOMESTEAD, SEER_FORK_BERLIN,
                                       SEER_FORK_CANCUN};

START_TEST(test_call_depth_1024)
{
    depth_job j = {.fork = call_forks[_i], .probe = true};
    run_in_thread(&j);
    check_full_depth(&j, "CALL");
}
END_TEST

START_TEST(test_create_depth_1024)
{
    depth_job j = {.fork = _i == 0 ? SEER_FORK_SHANGHAI : SEER_FORK_CANCUN, .create = true, .probe = true};
    run_in_thread(&j);
    check_full_depth(&j, "CREATE");
}
END_TEST

/* Several worker threads at full depth at once, untraced (the fast path):
 * the per-thread pools of the interpreter and separate worlds must not
 * interfere. */
START_TEST(test_parallel_depth)
{
    depth_job jobs[4] = {
        {.fork = SEER_FORK_CANCUN},
        {.fork = SEER_FORK_CANCUN, .create = true},
        {.fork = SEER_FORK_BERLIN},
        {.fork = SEER_FORK_SHANGHAI, .create = true},
    };
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, depth_thread, &jobs[i]), 0);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 4; i++)
        check_full_depth(&jobs[i], jobs[i].create ? "parallel CREATE" : "parallel CALL");
}
END_TEST

/* With too little gas the recursion stops early through the 63/64 rule, not
 * at the depth limit: the run is still a success, with a shallower chain
 * (guards the checks above against passing for the wrong reason). */
START_TEST(test_gas_bounded_depth)
{
    seer_memstore *store = NULL;
    seer_world *world = NULL;
    ck_assert_int_eq(seer_memstore_new(&store), 0);
    seer_account acct = {.exists = true};
    acct.balance = u256_from_u64(1000000000ull);
    ck_assert_int_eq(seer_memstore_set_account(store, &sender, &acct), 0);
    seer_account t = {.exists = true};
    ck_assert_int_eq(seer_memstore_set_account(store, &target, &t), 0);
    ck_assert_int_eq(seer_memstore_set_code(store, &target, call_code, sizeof call_code), 0);
    seer_block_env env;
    memset(&env, 0, sizeof env);
    env.fork = SEER_FORK_CANCUN;
    env.chain_id = 1;
    env.gas_limit = 30000000;
    seer_state_reader reader = seer_memstore_reader(store);
    ck_assert_int_eq(seer_world_create(&world, &reader, &env), 0);
    uint8_t data[32] = {0};
    seer_tx tx;
    memset(&tx, 0, sizeof tx);
    tx.gas_limit = 30000000;
    tx.has_sender = true;
    tx.sender = sender;
    tx.has_to = true;
    tx.to = target;
    tx.data = data;
    tx.data_len = 32;
    seer_tx_result res;
    memset(&res, 0, sizeof res);
    ck_assert_int_eq(seer_world_execute_tx(world, &res, &tx, 0), 0);
    ck_assert_ptr_null(res.exception);
    ck_assert_int_eq(res.status, SEER_STATUS_SUCCESS);
    const seer_changeset *cs;
    ck_assert_int_eq(seer_world_changeset(world, &cs), 0);
    int frames = 0;
    for (size_t a = 0; a < cs->naccounts; a++)
        if (memcmp(&cs->accounts[a].addr, &target, sizeof target) == 0)
            for (size_t i = 0; i < cs->accounts[a].nslots; i++)
                frames += cs->accounts[a].slots[i].key.w[0] < 0x10000;
    /* seer_world_changeset's storage is the world's: read before freeing. */
    printf("test_depth: 30M gas reaches %d frames\n", frames);
    ck_assert_int_gt(frames, 10);
    ck_assert_int_lt(frames, 1025);
    seer_tx_result_clear(&res);
    seer_world_free(world);
    seer_memstore_free(store);
}
END_TEST

static Suite *depth_suite(void)
{
    Suite *s = suite_create("depth");
    TCase *tc = tcase_create("call");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_call_depth_1024, 0, (int)(sizeof call_forks / sizeof call_forks[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("create");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_create_depth_1024, 0, 2);
    suite_add_tcase(s, tc);
    tc = tcase_create("parallel");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, test_parallel_depth);
    suite_add_tcase(s, tc);
    tc = tcase_create("gas_bound");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_gas_bounded_depth);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_run_suite(depth_suite());
}

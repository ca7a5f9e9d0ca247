/* The EVM interpreter (internal): executes one call frame's bytecode for a
 * fork Frontier..Cancun, reaching the world only through vm/host.h.
 *
 * Threads: any number of threads may execute at once. Each thread keeps a
 * pool of EVM stacks and memories (one per nesting level, reused across
 * frames and transactions, grown geometrically); call
 * seer_vm_thread_cleanup() before a worker thread exits to free it.
 *
 * Recursion: CALL/CREATE recurse (interpreter -> host->call -> world ->
 * seer_vm_execute). The interpreter's own C stack use is small (see
 * tests/test_evm.c: 1024 nested frames run in a default 8 MiB pthread).
 *
 * Division of work with the host (the world):
 *  - the interpreter charges all gas of the opcodes, including cold/warm
 *    access (EIP-2929), memory, the CALL family's 63/64 rule, stipend, value
 *    and new-account costs, initcode costs (EIP-3860); it checks depth
 *    (>= 1024) and the caller's balance before host->call and fails such a
 *    call softly (0 pushed, the callee's gas returned, return data cleared);
 *  - the host does value transfer, snapshots/reverts, precompiles, nonces,
 *    address derivation, the code deposit cost, EIP-170 and EIP-3541 checks
 *    of CREATE results, and EIP-6780.
 *  - refunds: a frame's result.gas_refund is its OWN refund counter change
 *    (SSTORE, pre-London SELFDESTRUCT); the interpreter does not add the
 *    gas_refund of results returned by host->call (unless
 *    seer_vm_config.propagate_refunds is set, EVMC style). The host keeps the
 *    sum over frames that succeed.
 *  - host->call results: the interpreter copies output_data at once (it is
 *    its RETURNDATA), so the host may release it at its next host call. */
#ifndef SEER_VM_INTERP_H
#define SEER_VM_INTERP_H

#include "common/u256.h"
#include "vm/analysis.h"
#include "vm/host.h"

#include <stddef.h>
#include <stdint.h>

/** One EIP-3155 step, reported BEFORE the instruction runs. All pointers are
 *  borrowed and valid only during the callback. */
typedef struct seer_trace_step {
    uint32_t pc;
    uint8_t op;
    const char *op_name; /* fork's spelling ("PREVRANDAO" from Paris); "UNDEFINED" if undefined */
    int64_t gas;         /* gas left before the instruction */
    int64_t gas_cost;    /* the opcode's STATIC (base) cost only; dynamic parts are not included */
    size_t mem_size;     /* active memory in bytes (a multiple of 32) */
    const u256 *stack;   /* stack[0] is the bottom, stack[stack_size-1] the top */
    size_t stack_size;
    int32_t depth;              /* 1-based, as EIP-3155 wants (msg->depth + 1) */
    int64_t refund;             /* this frame's refund counter change so far (not the tx total) */
    const uint8_t *return_data; /* the last call's return data */
    size_t return_data_size;
    const uint8_t *memory; /* mem_size bytes */
} seer_trace_step;

typedef struct seer_tracer {
    void (*step)(void *ctx, const seer_trace_step *step);
    void *ctx;
} seer_tracer;

/** Per-execution settings. */
typedef struct seer_vm_config {
    seer_fork fork;            /* Frontier..Cancun */
    const seer_tracer *tracer; /* NULL: no tracing (the fast path) */
    bool propagate_refunds;    /* add the gas_refund of host->call results to this frame's (EVMC style) */
} seer_vm_config;

/** Executes one frame: msg (gas, depth, flags, addresses, input) running
 *  `code` (from vm/analysis.h, whose lifetime covers the call).
 *
 *  Returns the frame's result:
 *   status: SUCCESS (STOP, RETURN, SELFDESTRUCT, end of code), REVERT, or an
 *     exceptional halt (OUT_OF_GAS, STACK_*, BAD_JUMP_DESTINATION,
 *     UNDEFINED_INSTRUCTION, INVALID_INSTRUCTION, STATIC_MODE_VIOLATION,
 *     INVALID_MEMORY_ACCESS), OUT_OF_MEMORY when the memory pool cannot
 *     grow, INTERNAL_ERROR for a fork without a table or NULL arguments;
 *   gas_left: > 0 only for SUCCESS and REVERT (exceptional halts consume all);
 *   gas_refund: the frame's own refund delta for SUCCESS, else 0;
 *   output_data/output_size: RETURN/REVERT data, malloc'd: THE CALLER FREES
 *     it with free() (NULL when output_size is 0). This differs from results
 *     returned by host->call, which the host owns (see vm/host.h).
 *   create_address is left zero (the host fills it for CREATE). */
seer_result seer_vm_execute(const seer_host *host, const seer_vm_config *cfg, const seer_message *msg,
                            const seer_code *code);

/** Frees the calling thread's stack/memory pool. Call it when a worker
 *  thread is done (no frame may be running on the thread). Safe to call
 *  more than once; the next execution re-creates the pool. */
void seer_vm_thread_cleanup(void);

#endif

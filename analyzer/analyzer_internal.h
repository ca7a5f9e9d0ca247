/* The analyzer's internals: per-contract summaries (abstract interpretation
 * of bytecode into access templates) and their per-transaction
 * instantiation (internal).
 *
 * A summary holds a hash-consed expression DAG whose leaves are the inputs
 * of a frame (calldata words, caller, origin, call value, the storage
 * context's own address, block fields), values read from storage (tier 2)
 * and opaque unknowns; and a list of templates (a storage read or write, a
 * balance/code touch, an outgoing call, a creation, an unexplored region),
 * each guarded by a node of the path-condition graph. Instantiation walks
 * the condition graph from its root with the concrete inputs, keeps the
 * templates whose guard may hold, and evaluates their expressions; what
 * does not evaluate becomes a wildcard. */
#ifndef SEER_ANALYZER_INTERNAL_H
#define SEER_ANALYZER_INTERNAL_H

#include "common/state_iface.h"
#include "common/u256.h"
#include "seer/analyzer.h"
#include "vm/tx.h"
#include "vm/world.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- expression nodes ---- */
typedef enum an_kind {
    AN_CONST = 1,
    AN_CALLDATA, /* a: offset node; the 32-byte word there */
    AN_CDSIZE,
    AN_CALLER,
    AN_ORIGIN,
    AN_CALLVALUE,
    AN_SELF,    /* the storage context's address (ADDRESS) */
    AN_ENV,     /* op: the block/tx opcode (TIMESTAMP, NUMBER, ...) */
    AN_SLOAD,   /* a: slot node; the pre-state value (tier 2) */
    AN_OP,      /* op: an EVM arithmetic opcode over a, b, c */
    AN_KECCAK,  /* args[a .. a+b): 32-byte words, of which the first c bytes are hashed */
    AN_UNKNOWN, /* k: a tag (pc, kind): never evaluates */
    AN_LOOPVAR, /* a widened loop variable: never evaluates */
    /* a: index into calls; b: byte offset (AN_RETDATA_SIZE: RETURNDATASIZE).
     * The 32-byte word at that offset of the return data of that call.
     * Evaluation (an_retdata_eval in retval.c): evaluate the call's target,
     * value and argument words in the caller's frame, instantiate the
     * callee's summary with them, and take the word from its feasible
     * returns (s->rets); it evaluates only when every feasible end of the
     * callee is a RETURN (or a revert/invalid, after which the caller does
     * not go on with this data) whose word evaluates to one same value, no
     * feasible path was cut, and the return data is long enough. A tier-2
     * value (it reads the callee's storage). */
    AN_RETDATA,
} an_kind;

#define AN_RETDATA_SIZE UINT32_MAX /* AN_RETDATA's b for RETURNDATASIZE */
/* AN_RETDATA's b for a word at a byte offset that is not a constant: c,
 * a node (Solidity's abi.decode of a dynamic value reads its length at
 * the offset the data's first word gives). */
#define AN_RETDATA_DYN (UINT32_MAX - 1)

typedef struct an_node {
    uint8_t kind;
    uint8_t op;
    uint16_t depth; /* expression height, bounded so evaluation is shallow */
    uint32_t a, b, c;
    u256 k;
} an_node;

/* ---- templates ---- */
typedef enum an_tkind {
    AT_SLOAD = 1,    /* a: slot */
    AT_SSTORE,       /* a: slot */
    AT_BALANCE,      /* a: address */
    AT_SELFBALANCE,  /* the context's balance */
    AT_CODE,         /* a: address (EXTCODESIZE/EXTCODECOPY) */
    AT_CODEHASH,     /* a: address (EXTCODEHASH: code and existence) */
    AT_CALL,         /* call: index into calls */
    AT_CREATE,       /* call: index into calls (op CREATE/CREATE2) */
    AT_SELFDESTRUCT, /* a: beneficiary */
    AT_UNKNOWN,      /* an unexplored region (budget, symbolic jump, ...) */
} an_tkind;

/* Why an AT_UNKNOWN template was emitted: its `a` field (0: not said).
 * Its `call` field holds the pc where the path was cut (diagnostics). */
typedef enum an_unk_why {
    AN_UNK_BUDGET = 1, /* the step budget (per contract or per entry point) */
    AN_UNK_JUMP,       /* a jump target that is not a constant */
    AN_UNK_STACKLOOP,  /* a loop whose stack grows per iteration */
    AN_UNK_PATHS,      /* too many pending paths */
    AN_UNK_LIMIT,      /* nodes, templates or code size: something was dropped */
    AN_UNK_OPCODE,     /* an opcode the analyzer does not model */
} an_unk_why;

typedef struct an_template {
    uint8_t kind;
    uint8_t pad[3];
    uint32_t a;
    uint32_t call;
    uint32_t guard; /* condition-graph node */
} an_template;

#define AN_ARGS_UNKNOWN UINT32_MAX
#define AN_ARGS_FORWARD (UINT32_MAX - 1) /* the caller's own calldata, forwarded */

typedef struct an_call {
    uint8_t op;       /* CALL, CALLCODE, DELEGATECALL, STATICCALL, CREATE, CREATE2 */
    uint32_t target;  /* node (0 for CREATE*) */
    uint32_t value;   /* node (0: none) */
    uint32_t salt;    /* CREATE2 */
    uint32_t args;    /* first word in args[], or AN_ARGS_UNKNOWN */
    uint32_t nargs;   /* words */
    uint32_t argsize; /* node: the input size in bytes */
} an_call;

/* How a path of the code ends, for the return data its callers read. */
typedef enum an_rkind {
    AN_RET_DATA = 1, /* RETURN of words[0 .. nwords), size bytes */
    AN_RET_OPAQUE,   /* a RETURN whose data is not derivable, or STOP (empty data) */
    AN_RET_FAIL,     /* REVERT, INVALID or an exceptional halt: the call failed */
} an_rkind;

typedef struct an_ret {
    uint8_t kind;
    uint8_t pad[3];
    uint32_t guard;
    uint32_t words;  /* AN_RET_DATA: first word in args[] */
    uint32_t nwords; /* words */
    uint32_t size;   /* node: the size in bytes */
} an_ret;

/* The condition graph: node 0 is the root (always feasible). A node holds
 * when its condition may hold and one of its parents holds. */
typedef struct an_guard {
    uint32_t cond;    /* node; 0 for a merge point */
    uint8_t polarity; /* 1: cond != 0 on this path; 0: cond == 0 */
    uint8_t pad[3];
    uint32_t parent; /* first parent */
    uint32_t extra;  /* head of further parents in guard_links, 0 none */
} an_guard;

typedef struct an_link {
    uint32_t parent;
    uint32_t next;
} an_link;

/* A summary of one contract's code. Immutable once built, so shared by
 * threads. */
typedef struct an_summary {
    seer_bytes32 code_hash;
    an_node *nodes;
    uint32_t nnodes, nodes_cap;
    uint32_t *args;
    uint32_t nargs, args_cap;
    an_template *tpl;
    uint32_t ntpl, tpl_cap;
    an_call *calls;
    uint32_t ncalls, calls_cap;
    an_guard *guards;
    uint32_t nguards, guards_cap;
    an_link *links;
    uint32_t nlinks, links_cap;
    /* forward edges of the guard graph (CSR), built at the end */
    uint32_t *gchild_start, *gchild;
    /* templates by guard (CSR over tpl_order), so instantiation touches
     * only the templates of feasible guards */
    uint32_t *gtpl_start, *gtpl;
    /* ends of paths (RETURN, STOP, REVERT, ...): the return data; when
     * rets_incomplete some were not recorded (a bound) */
    an_ret *rets;
    uint32_t nrets, rets_cap;
    bool rets_incomplete;
    /* entry points: selectors the dispatcher compares against */
    uint32_t *selectors;
    uint32_t nselectors;
    /* statistics */
    uint32_t nblocks;   /* basic blocks reached */
    uint32_t nedges;    /* jump edges resolved */
    uint64_t steps;     /* abstract instructions executed */
    uint32_t truncated; /* paths cut short (budget, symbolic jump, ...) */
    uint32_t widened;   /* loop heads widened */
    bool budget_hit;
    double build_us;
    int64_t selector; /* the entry point it was built for, -1: all */
} an_summary;

/** Builds the summary of `code`. Never fails on hostile input: what the
 *  budgets cut becomes AT_UNKNOWN templates. Returns 0 or SEER_ENOMEM. */
int an_summary_build(an_summary **out, const uint8_t *code, size_t len, const seer_analyzer_options *opts);
void an_summary_free(an_summary *s);

/** Builds the summary of `code` for one entry point. `selector` in
 *  [0, 2^32): the calldata is at least 4 bytes long and starts with these
 *  4 bytes (big-endian), so the dispatcher's other branches are not
 *  explored; -1: any calldata (same as an_summary_build). The summary's
 *  `selector` field records it. Returns 0 or SEER_ENOMEM. */
int an_summary_build_sel(an_summary **out, const uint8_t *code, size_t len, const seer_analyzer_options *opts,
                         int64_t selector);

/** an_summary_build_sel's selector for empty calldata (a plain value
 *  transfer, a receive function): CALLDATASIZE and every calldata word
 *  are 0. */
#define AN_SEL_EMPTY (-2)

/** The selector a guard path enforces (the first EQ against a 4-byte
 *  constant on the first-parent chain), or -1. For display. */
int64_t an_guard_selector(const an_summary *s, uint32_t guard);

/** Applies an EVM arithmetic opcode (ADD..SAR) to constants; false for
 *  any other opcode. a is the first operand popped. */
bool an_apply_op(u256 *r, unsigned op, const u256 *a, const u256 *b, const u256 *c);

/** Formats a node as text ("keccak(calldata[4], 0x1)") into buf. */
void an_node_format(const an_summary *s, uint32_t id, char *buf, size_t cap);

/* ---- prediction ---- */

/** Provenance of a predicted key. */
typedef enum seer_pred_tier {
    SEER_PRED_TX = 0,     /* implied by the transaction itself (sender, recipient) */
    SEER_PRED_STATIC = 1, /* tier 1: bytecode templates over the tx's inputs */
    SEER_PRED_STATE = 2,  /* tier 2: resolved with a value from the pre-block state */
} seer_pred_tier;

typedef struct seer_pred_key {
    seer_key key;
    uint8_t write;
    uint8_t tier;
    uint8_t pad[6];
} seer_pred_key;

/** A transaction's predicted access set. Reads include every key the
 *  transaction may observe, writes every key it may change. `all_slots`
 *  lists addresses whose every slot may be read and written; `unknown`
 *  means it may touch anything. */
typedef struct seer_prediction {
    seer_pred_key *keys; /* sorted by key then write flag, no duplicates */
    size_t nkeys, keys_cap;
    seer_address *all_slots;
    size_t nall_slots, all_slots_cap;
    bool unknown;
    const char *unknown_why; /* static string: the first reason */
    bool unknown_in_known;   /* unknown_in is set */
    seer_address unknown_in; /* the code (its address) whose analysis gave the first reason */
    uint32_t frames;         /* call frames instantiated */
} seer_prediction;

void seer_prediction_clear(seer_prediction *p);

/** Predicts the access set of `tx` (sender set) as the next transaction of
 *  the block `env`, over the pre-block state `reader`. Thread-safe: the
 *  summary cache is locked; each call uses its own scratch.
 *  Returns 0 or SEER_ENOMEM / SEER_EINVAL; I/O failures of the reader are
 *  passed up. */
int seer_analyzer_predict_tx(seer_analyzer *a, seer_prediction *out, const seer_tx *tx,
                             const seer_block_env *env, const seer_state_reader *reader);

/** Looks up or builds the summary of a code (the cache owns it). */
int seer_analyzer_summary(seer_analyzer *a, const an_summary **out, const seer_bytes32 *code_hash,
                          const uint8_t *code, size_t len);

/** The summary cache's bounds (entries, bytes of summary memory; least
 *  recently used out first; the newest entry always stays). Defaults:
 *  4096 entries, 256 MiB. For tests. */
void an_cache_set_limits(seer_analyzer *a, size_t max_entries, size_t max_bytes);

/** Bytes of summary memory the cache holds. */
size_t an_cache_bytes(const seer_analyzer *a);

/** True when the cache holds the summary of (code hash, selector), -1 for
 *  the summary of every entry point. */
bool an_cache_has(const seer_analyzer *a, const seer_bytes32 *code_hash, int64_t selector);

/* ---- return data (retval.c) ---- */

/** A frame's inputs, as predict.c's frame_in: what the callee's return
 *  expressions are evaluated over. */
typedef struct an_rframe {
    seer_address ctx; /* storage context and ADDRESS */
    seer_address code_addr;
    seer_address caller;
    bool value_known;
    u256 value;
    const uint8_t *cd;
    const uint8_t *cd_known; /* per byte, NULL: all known */
    size_t cd_len;
    bool cd_len_known;
    unsigned depth;
} an_rframe;

/** What evaluating return data needs from the prediction running it. */
typedef struct an_rctx {
    const seer_state_reader *r;
    const seer_block_env *env;
    seer_address origin;
    unsigned max_depth; /* frames nest at most this deep (opts.max_call_depth) */
    uint32_t budget;    /* callee instantiations left (each counts one); 0: none */
    int err;            /* set to the first failure of the reader or the callback */
    /* The summary of the code at `code_addr` for entry point `sel` (-1:
     * any, AN_SEL_EMPTY: no calldata), valid until the prediction ends; *out NULL when the account
     * has no code. Returns 0 or a negative seer_error. */
    int (*summary)(void *ctx, const an_summary **out, const seer_address *code_addr, int64_t sel);
    void *summary_ctx;
} an_rctx;

/** Evaluates `node`, an AN_RETDATA node of summary `s`, in the caller's
 *  frame `f` (see AN_RETDATA for the rule). True with *out set when it
 *  evaluates; the value is tier 2 (it reads the callee's storage). False
 *  when it does not, or on a failure (rc->err set: pass it up).
 *  predict.c's eval: `case AN_RETDATA: ok = an_retdata_eval(&rc, e->s,
 *  &rf, id, &v); mt2 = true; break;` with rf the frame_in's fields. */
bool an_retdata_eval(an_rctx *rc, const an_summary *s, const an_rframe *f, uint32_t node, u256 *out);

/** The address of a CREATE by `sender` at `nonce`:
 *  keccak256(rlp([sender, nonce]))[12:]. */
void an_create_address(seer_address *out, const seer_address *sender, uint64_t nonce);

/** The address of a CREATE2 (EIP-1014):
 *  keccak256(0xff ++ sender ++ salt ++ keccak256(init))[12:]. */
void an_create2_address(seer_address *out, const seer_address *sender, const u256 *salt, const uint8_t *init,
                        size_t len);

/** True when the prediction covers the key as a read (write=false) or a
 *  write (write=true). */
bool seer_prediction_covers(const seer_prediction *p, const seer_key *k, bool write);

#endif

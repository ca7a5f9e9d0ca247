/* seer — conformance runners over the ethereum/tests fixtures.
 *
 * These run the consensus test suite's GeneralStateTests (and, later,
 * BlockchainTests) through seer's EVM and compare roots, so that the CLI
 * (`seer statetest`) and test programs share one implementation. */
#ifndef SEER_CONFORMANCE_H
#define SEER_CONFORMANCE_H

#include "seer/common.h"

#include <stdbool.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Options of seer_statetest_run_file. Initialise with
 *  SEER_STATETEST_OPTIONS_INIT, then set what you need. */
typedef struct seer_statetest_options {
    unsigned version;      /**< SEER_STATETEST_OPTIONS_VERSION */
    const char *fork;      /**< run only this fork's cases (fixture name); NULL: all */
    const char *run_regex; /**< POSIX extended regex on test names; NULL: all */
    FILE *trace;           /**< EIP-3155 JSON lines go here when non-NULL (serial runs only) */
    /** 0: each case runs in a plain world (the serial path). N >= 1: each
     *  case runs as a one-transaction block (the test's env as the header,
     *  no system call, withdrawals or rewards) through the parallel
     *  executor with N threads, forced through its scheduling, validation
     *  and merge even where it would run serially, with the analyzer's
     *  predictions; the same expectations are checked. `trace` is ignored
     *  then. */
    unsigned threads;
} seer_statetest_options;

#define SEER_STATETEST_OPTIONS_VERSION 1
#define SEER_STATETEST_OPTIONS_INIT                                                                          \
    {                                                                                                        \
        SEER_STATETEST_OPTIONS_VERSION, NULL, NULL, NULL, 0                                                  \
    }

/** The outcome of one case: one (test, fork, data/gas/value index). */
typedef struct seer_statetest_result {
    const char *file;    /**< the fixture file */
    const char *name;    /**< the test's name */
    const char *fork;    /**< fork name as the fixture spells it */
    int index;           /**< position in post[fork] */
    bool pass;           /**< state root and logs hash match, or the expected exception was raised */
    bool skipped;        /**< a fork seer does not implement (not counted as passed) */
    char state_root[67]; /**< "0x" + 64 hex digits of the post-state root seer computed */
    const char *error;   /**< why it failed (or the exception raised); "" if none */
} seer_statetest_result;

/** Called once per case; the result and its strings are valid only during
 *  the call. */
typedef void (*seer_statetest_cb)(void *ctx, const seer_statetest_result *result);

/** Runs every case of one GeneralStateTests JSON file.
 *  Returns: 0 when the file was read (whatever the cases' outcomes), or
 *           SEER_EIO / SEER_EPARSE when the file cannot be read or parsed
 *           (seer_error_detail() names the file and field); a malformed
 *           case inside a readable file is reported through `cb` as a
 *           failed case and the run goes on.
 *  Args:    opts: options (NULL: defaults); path: the file;
 *           cb, cb_ctx: receives each case's result. */
SEER_API int seer_statetest_run_file(const seer_statetest_options *opts, const char *path,
                                     seer_statetest_cb cb, void *cb_ctx);

/* ---- BlockchainTests ---- */

/** Options of seer_blocktest_run_file. Initialise with
 *  SEER_BLOCKTEST_OPTIONS_INIT. */
typedef struct seer_blocktest_options {
    unsigned version;      /**< SEER_BLOCKTEST_OPTIONS_VERSION */
    const char *run_regex; /**< POSIX extended regex on test names; NULL: all */
    FILE *log;             /**< one line per block (imported, or rejected and why) when non-NULL */
    /** 0: blocks run through the serial executor. N >= 1: through the
     *  parallel executor with N threads, forced through its scheduling,
     *  validation and merge even where it would run serially, with the
     *  analyzer's predictions; the same checks follow. */
    unsigned threads;
} seer_blocktest_options;

#define SEER_BLOCKTEST_OPTIONS_VERSION 1
#define SEER_BLOCKTEST_OPTIONS_INIT                                                                          \
    {                                                                                                        \
        SEER_BLOCKTEST_OPTIONS_VERSION, NULL, NULL, 0                                                        \
    }

/** The outcome of one BlockchainTests test (one chain of blocks). */
typedef struct seer_blocktest_result {
    const char *file;    /**< the fixture file */
    const char *name;    /**< the test's name */
    const char *network; /**< the fork as the fixture spells it */
    bool pass;           /**< every valid block imported, every invalid one rejected for the
                              fixture's reason, lastblockhash and the post state match */
    bool skipped;        /**< a fork seer does not implement (not counted as passed) */
    unsigned blocks;     /**< blocks in the test */
    unsigned imported;   /**< blocks imported as valid */
    unsigned rejected;   /**< blocks rejected */
    const char *error;   /**< why it failed; "" if none */
} seer_blocktest_result;

/** Called once per test; the result and its strings are valid only during
 *  the call. */
typedef void (*seer_blocktest_cb)(void *ctx, const seer_blocktest_result *result);

/** Runs every test of one BlockchainTests JSON file: the genesis from
 *  genesisBlockHeader, genesisRLP and pre; each block from its `rlp`
 *  (validated against its parent, executed, its roots checked); a block
 *  with expectException must be rejected for that reason and the chain goes
 *  on from the last valid block; at the end lastblockhash and postState
 *  (or postStateHash) are compared.
 *  Returns: 0 when the file was read (whatever the tests' outcomes), or
 *           SEER_EIO / SEER_EPARSE / SEER_ENOMEM / SEER_EINVAL.
 *  Args:    opts: NULL for defaults; path: the file; cb, cb_ctx: receives
 *           each test's result. */
SEER_API int seer_blocktest_run_file(const seer_blocktest_options *opts, const char *path,
                                     seer_blocktest_cb cb, void *cb_ctx);

#ifdef __cplusplus
}
#endif
#endif

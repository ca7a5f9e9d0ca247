/* What the conformance runners (statetest.c, blocktest.c) share: opening a
 * fixture file with its test-name filter, printing 32-byte values in
 * results, and executing a block serially or through the parallel
 * executor. Internal to the library. */
#ifndef SEER_CONFORMANCE_RUNNER_H
#define SEER_CONFORMANCE_RUNNER_H

#include "chain/exec.h"
#include "seer/analyzer.h"
#include "seer/common.h"

#include <json-c/json.h>
#include <regex.h>
#include <stdbool.h>

/** One fixture file being run: its parsed JSON and the --run filter. */
typedef struct seer_conf_file {
    json_object *doc; /* the top-level object: test name -> test */
    regex_t re;
    bool have_re;
} seer_conf_file;

/** Compiles `run_regex` (NULL: every test) and parses `path`.
 *  Returns: 0, or SEER_EINVAL (a bad regex), SEER_EIO / SEER_EPARSE (the
 *  file, or a top level that is not an object), with the detail naming
 *  it. Out: *f, released with seer_conf_file_close whatever the result. */
int seer_conf_file_open(seer_conf_file *f, const char *path, const char *run_regex);
void seer_conf_file_close(seer_conf_file *f);

/** True when the test `name` passes the --run filter. */
bool seer_conf_file_selected(const seer_conf_file *f, const char *name);

/** "0x" + 64 lowercase hex digits. */
void seer_conf_hex32(char out[67], const seer_bytes32 *h);

/** Executes block `b` (senders recovered) on `t`: with seer_exec_block
 *  when threads is 0, else with the parallel executor on `threads`
 *  threads, forced through its scheduling (min_parallelism 0), with `an`'s
 *  predictions (NULL: the transaction-implied keys only). The two give the
 *  same result by the executor's contract; the runners check it against
 *  the fixtures. Returns what the executor returns. */
int seer_conf_exec_block(seer_block_result *out, const seer_exec_target *t, const seer_exec_options *opts,
                         const seer_block *b, seer_fork fork, unsigned threads, seer_analyzer *an);

#endif

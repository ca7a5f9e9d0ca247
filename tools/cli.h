/* The seer command: one file per subcommand, each using only the public
 * API (<seer.h>). */
#ifndef SEER_TOOLS_CLI_H
#define SEER_TOOLS_CLI_H

#include <stdio.h>

/** A subcommand: argv[0] is the subcommand's name. Returns the exit code:
 *  0 success, 1 a failed check (a test case, a mismatch), 2 usage error,
 *  3 a runtime error. */
typedef int (*seer_cmd_fn)(int argc, char **argv);

int cmd_demo(int argc, char **argv);
int cmd_statetest(int argc, char **argv);
int cmd_db(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_asm(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_blocktest(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_graph(int argc, char **argv);
/** `seer bench vm` (the `bench` command dispatches its `vm` mode here). */
int cmd_bench_vm(int argc, char **argv);

/** Prints "seer: <what>: <strerror>[: <detail>]" to stderr. */
void cli_error(const char *what, int err);

#endif

/* What `seer statetest` and `seer blocktest` share: walking the fixture
 * paths given on the command line (or in a list file), and counting the
 * outcomes per category for the summary table. */
#ifndef SEER_TOOLS_WALK_H
#define SEER_TOOLS_WALK_H

#include <stdio.h>

/** Called with each fixture file found. */
typedef void (*cli_file_fn)(void *ctx, const char *path);

/** Runs `fn` on `path`: a file as it is; a folder's files ending in .json
 *  and its subfolders, recursively, in name order (names starting with a
 *  dot skipped). A path that cannot be read is reported on stderr as
 *  "seer CMD: ..." and counted in *errors. */
void cli_walk(const char *cmd, const char *path, cli_file_fn fn, void *ctx, int *errors);

/** cli_walk on each line of the file `list` (blank lines and lines
 *  starting with # skipped), relative to `base` (NULL: the list's folder).
 *  Returns: 0, or -1 when the list cannot be opened (reported). */
int cli_walk_list(const char *cmd, const char *list, const char *base, cli_file_fn fn, void *ctx,
                  int *errors);

/** Pass / fail / skip counts of one category (a fixture folder). */
typedef struct cli_category {
    char *name;
    unsigned passed, failed, skipped;
} cli_category;

typedef struct cli_tally {
    cli_category *cats; /* in the order first seen */
    size_t ncats, cap;
    unsigned passed, failed, skipped; /* totals */
} cli_tally;

enum { CLI_PASS, CLI_FAIL, CLI_SKIP };

/** The category `name`, added when new; NULL when out of memory. */
cli_category *cli_tally_category(cli_tally *t, const char *name);

/** Counts one outcome (CLI_PASS, CLI_FAIL or CLI_SKIP) in the totals and
 *  in `c` (may be NULL). A skipped case is never counted as passed. */
void cli_tally_add(cli_tally *t, cli_category *c, int outcome);

/** Prints the table (category, passed, failed, skipped) and the total line
 *  "WHAT: P passed, F failed, S skipped" (with " (--threads N)" when threads
 *  is not 0). */
void cli_tally_print(const cli_tally *t, FILE *f, const char *what, unsigned threads);

void cli_tally_free(cli_tally *t);

/** Parses a --threads value: a decimal number from 0 to 1024.
 *  Returns: 0, or -1 (*out untouched). */
int cli_parse_threads(unsigned *out, const char *s);

#endif

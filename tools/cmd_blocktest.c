/* seer blocktest: runs BlockchainTests files or folders (recursively).
 * Prints each failing test, then pass counts per category (the folder of
 * the file, e.g. ValidBlocks/bcStateTests). Exit 1 when a test fails or is
 * skipped. --threads N imports the blocks through the parallel executor. */
#include "cli.h"
#include "walk.h"

#include <getopt.h>
#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bt_state {
    const seer_blocktest_options *opts;
    bool verbose;
    cli_tally tally;
    cli_category *cur;
    char thr_note[32]; /* " (--threads N)" in failure lines when parallel */
    int errors;
} bt_state;

static void on_result(void *ctx, const seer_blocktest_result *r)
{
    bt_state *st = ctx;
    cli_tally_add(&st->tally, st->cur, r->skipped ? CLI_SKIP : r->pass ? CLI_PASS : CLI_FAIL);
    if (r->skipped) {
        fprintf(stderr, "SKIP %s %s (%s): %s\n", r->file, r->name, r->network, r->error);
        return;
    }
    if (r->pass) {
        if (st->verbose)
            printf("PASS %s (%u blocks: %u imported, %u rejected)\n", r->name, r->blocks, r->imported,
                   r->rejected);
        return;
    }
    printf("FAIL %s %s%s: %s\n", r->file, r->name, st->thr_note, r->error);
}

/* The category: the last two folders of the file's path. */
static void category_of(char *out, size_t cap, const char *path)
{
    const char *end = strrchr(path, '/');
    if (!end) {
        snprintf(out, cap, ".");
        return;
    }
    const char *b = end;
    int slashes = 0;
    while (b > path) {
        if (b[-1] == '/' && ++slashes == 2)
            break;
        b--;
    }
    snprintf(out, cap, "%.*s", (int)(end - b), b);
}

static void on_file(void *ctx, const char *path)
{
    bt_state *st = ctx;
    char cat[256];
    category_of(cat, sizeof cat, path);
    st->cur = cli_tally_category(&st->tally, cat);
    int rc = seer_blocktest_run_file(st->opts, path, on_result, st);
    if (rc < 0) {
        cli_error(path, rc);
        st->errors++;
    }
}

static void usage(FILE *f)
{
    fprintf(f, "usage: seer blocktest [--run REGEX] [--threads N] [--verbose] [--log] PATH...\n"
               "Runs BlockchainTests files or folders; --log prints each block's import or rejection;\n"
               "--threads N executes the blocks through the parallel executor on N threads\n"
               "(0, the default: the serial executor).\n");
}

int cmd_blocktest(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"run", required_argument, NULL, 'r'}, {"verbose", no_argument, NULL, 'v'},
        {"log", no_argument, NULL, 'l'},       {"threads", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0}};
    seer_blocktest_options o = SEER_BLOCKTEST_OPTIONS_INIT;
    bt_state st;
    memset(&st, 0, sizeof st);
    st.opts = &o;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:vlj:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': o.run_regex = optarg; break;
        case 'v': st.verbose = true; break;
        case 'l': o.log = stdout; break;
        case 'j':
            if (cli_parse_threads(&o.threads, optarg) < 0) {
                fprintf(stderr, "seer blocktest: --threads: '%s' is not a number from 0 to 1024\n", optarg);
                return 2;
            }
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    if (o.threads)
        snprintf(st.thr_note, sizeof st.thr_note, " (--threads %u)", o.threads);
    for (int i = optind; i < argc; i++)
        cli_walk("blocktest", argv[i], on_file, &st, &st.errors);
    cli_tally_print(&st.tally, stdout, "blocktest", o.threads);
    int ret = st.errors ? 3 : st.tally.failed || st.tally.skipped ? 1 : 0;
    cli_tally_free(&st.tally);
    return ret;
}

/* seer statetest: runs GeneralStateTests files like geth's `evm statetest`.
 * stdout: a JSON array of {"name", "pass", "stateRoot", "fork", "error"?};
 * stderr: one {"stateRoot": "0x..."} line per case (EIP-3155 trace lines
 * before it with --trace), then the per-category summary. --threads N runs
 * every case through the parallel executor. */
#include "cli.h"
#include "walk.h"

#include <getopt.h>
#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct run_state {
    const seer_statetest_options *opts;
    bool quiet;
    bool first;
    cli_tally tally;
    cli_category *cur;
    char thr_note[32]; /* " (--threads N)" in failure lines when parallel */
    int errors;
} run_state;

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void on_result(void *ctx, const seer_statetest_result *r)
{
    run_state *st = ctx;
    cli_tally_add(&st->tally, st->cur, r->skipped ? CLI_SKIP : r->pass ? CLI_PASS : CLI_FAIL);
    if (r->skipped)
        return;
    if (st->quiet) {
        if (!r->pass)
            fprintf(stderr, "FAIL %s %s[%d] %s%s: %s\n", r->file, r->name, r->index, r->fork, st->thr_note,
                    r->error);
        return;
    }
    printf("%s\n  {\"name\": ", st->first ? "" : ",");
    st->first = false;
    json_str(stdout, r->name);
    printf(", \"pass\": %s, \"stateRoot\": \"%s\", \"fork\": ", r->pass ? "true" : "false", r->state_root);
    json_str(stdout, r->fork);
    if (!r->pass && r->error && *r->error) {
        printf(", \"error\": ");
        json_str(stdout, r->error);
    }
    printf("}");
    fprintf(stderr, "{\"stateRoot\": \"%s\"}\n", r->state_root);
}

/* The category of a file: its folder below GeneralStateTests/ if the path
 * has one, else the folder's name. */
static void category_of(char *out, size_t cap, const char *path)
{
    const char *p = strstr(path, "GeneralStateTests/");
    const char *start = p ? p + strlen("GeneralStateTests/") : NULL;
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(out, cap, ".");
        return;
    }
    if (!start || start > slash) {
        const char *b = slash;
        while (b > path && b[-1] != '/')
            b--;
        snprintf(out, cap, "%.*s", (int)(slash - b), b);
        return;
    }
    snprintf(out, cap, "%.*s", (int)(slash - start), start);
}

static void on_file(void *ctx, const char *path)
{
    run_state *st = ctx;
    char cat[512];
    category_of(cat, sizeof cat, path);
    st->cur = cli_tally_category(&st->tally, cat);
    int rc = seer_statetest_run_file(st->opts, path, on_result, st);
    if (rc < 0) {
        /* A malformed file is reported and the run goes on. */
        cli_error(path, rc);
        cli_tally_add(&st->tally, st->cur, CLI_FAIL);
        st->errors++;
    }
}

static void help(FILE *f)
{
    fprintf(f, "usage: seer statetest [options] PATH...\n\n"
               "Runs ethereum/tests GeneralStateTests files; PATHs are files or directories\n"
               "(searched recursively for files ending in .json).\n\n"
               "  --fork NAME     run only this fork's cases (Frontier .. Cancun, fixture spelling)\n"
               "  --run REGEX     run only tests whose name matches (POSIX extended regex)\n"
               "  --trace         write EIP-3155 JSON trace lines to stderr (serial runs)\n"
               "  --threads N     run each case as a one-transaction block through the parallel\n"
               "                  executor on N threads (0, the default: the serial world)\n"
               "  --list FILE     also run each path listed in FILE (one per line), relative\n"
               "                  to --base (default: the folder of FILE)\n"
               "  --base DIR      folder the --list paths are relative to\n"
               "  --quiet         print only failures and the summary\n\n"
               "stdout: a JSON array of {\"name\",\"pass\",\"stateRoot\",\"fork\",\"error\"?};\n"
               "stderr: one {\"stateRoot\": \"0x...\"} line per case, then passed/failed/skipped\n"
               "per category and a total line. Exit status: 0 all passed, 1 a case failed,\n"
               "2 usage error.\n");
}

int cmd_statetest(int argc, char **argv)
{
    seer_statetest_options opts = SEER_STATETEST_OPTIONS_INIT;
    run_state st;
    memset(&st, 0, sizeof st);
    st.first = true;
    st.opts = &opts;
    const char *list = NULL, *base = NULL;
    static const struct option longopts[] = {
        {"fork", required_argument, 0, 'f'},
        {"run", required_argument, 0, 'r'},
        {"trace", no_argument, 0, 't'},
        {"list", required_argument, 0, 'l'},
        {"base", required_argument, 0, 'b'},
        {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},
        {"threads", required_argument, 0, 'j'},
        {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:r:tl:b:qhj:", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': opts.fork = optarg; break;
        case 'r': opts.run_regex = optarg; break;
        case 't': opts.trace = stderr; break;
        case 'l': list = optarg; break;
        case 'b': base = optarg; break;
        case 'q': st.quiet = true; break;
        case 'j':
            if (cli_parse_threads(&opts.threads, optarg) < 0) {
                fprintf(stderr, "seer statetest: --threads: '%s' is not a number from 0 to 1024\n", optarg);
                return 2;
            }
            break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return 2;
        }
    }
    if (optind >= argc && !list) {
        help(stderr);
        return 2;
    }
    if (opts.trace && opts.threads) {
        fprintf(stderr, "seer statetest: --trace traces the serial world only (drop --threads)\n");
        return 2;
    }
    if (opts.threads)
        snprintf(st.thr_note, sizeof st.thr_note, " (--threads %u)", opts.threads);
    if (!st.quiet)
        printf("[");
    if (list && cli_walk_list("statetest", list, base, on_file, &st, &st.errors) < 0)
        return 2;
    for (int i = optind; i < argc; i++)
        cli_walk("statetest", argv[i], on_file, &st, &st.errors);
    if (!st.quiet)
        printf("\n]\n");
    fflush(stdout);
    cli_tally_print(&st.tally, stderr, "statetest", opts.threads);
    int ret = st.tally.failed || st.errors ? 1 : 0;
    cli_tally_free(&st.tally);
    return ret;
}

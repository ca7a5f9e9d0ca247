/* seer statetest: runs GeneralStateTests files like geth's `evm statetest`.
 * stdout: a JSON array of {"name", "pass", "stateRoot", "fork", "error"?};
 * stderr: one {"stateRoot": "0x..."} line per case (EIP-3155 trace lines
 * before it with --trace), then the per-category summary. */
#include "cli.h"

#include <dirent.h>
#include <getopt.h>
#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct category {
    char *name;
    unsigned passed, failed, skipped;
} category;

typedef struct run_state {
    bool quiet;
    bool first;
    category *cats;
    size_t ncats, capcats;
    const char *cur_cat;
    unsigned passed, failed, skipped;
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

static category *cat_get(run_state *st, const char *name)
{
    for (size_t i = 0; i < st->ncats; i++)
        if (!strcmp(st->cats[i].name, name))
            return &st->cats[i];
    if (st->ncats == st->capcats) {
        size_t n = st->capcats ? st->capcats * 2 : 64;
        category *c = realloc(st->cats, n * sizeof *c);
        if (!c)
            return NULL;
        st->cats = c;
        st->capcats = n;
    }
    category *c = &st->cats[st->ncats];
    memset(c, 0, sizeof *c);
    c->name = strdup(name);
    if (!c->name)
        return NULL;
    st->ncats++;
    return c;
}

static void on_result(void *ctx, const seer_statetest_result *r)
{
    run_state *st = ctx;
    category *c = cat_get(st, st->cur_cat);
    if (r->skipped) {
        st->skipped++;
        if (c)
            c->skipped++;
        return;
    }
    if (r->pass) {
        st->passed++;
        if (c)
            c->passed++;
    } else {
        st->failed++;
        if (c)
            c->failed++;
    }
    if (st->quiet) {
        if (!r->pass)
            fprintf(stderr, "FAIL %s %s[%d] %s: %s\n", r->file, r->name, r->index, r->fork, r->error);
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

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const seer_statetest_options *opts, run_state *st, const char *path, int *errors);

static int run_dir(const seer_statetest_options *opts, run_state *st, const char *dir, int *errors)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "seer statetest: cannot open directory %s\n", dir);
        (*errors)++;
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str); /* deterministic order */
    for (size_t i = 0; i < n; i++) {
        if (!names[i])
            continue;
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *p = malloc(len);
        if (p) {
            snprintf(p, len, "%s/%s", dir, names[i]);
            run_path(opts, st, p, errors);
            free(p);
        }
        free(names[i]);
    }
    free(names);
    return 0;
}

static int run_path(const seer_statetest_options *opts, run_state *st, const char *path, int *errors)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "seer statetest: %s: no such file or directory\n", path);
        (*errors)++;
        return 0;
    }
    if (S_ISDIR(sb.st_mode))
        return run_dir(opts, st, path, errors);
    size_t len = strlen(path);
    if (len < 5 || strcmp(path + len - 5, ".json") != 0)
        return 0; /* not a test file */
    char cat[512];
    category_of(cat, sizeof cat, path);
    st->cur_cat = cat;
    int rc = seer_statetest_run_file(opts, path, on_result, st);
    if (rc < 0) {
        /* A malformed file is reported and the run goes on. */
        cli_error(path, rc);
        category *c = cat_get(st, cat);
        if (c)
            c->failed++;
        st->failed++;
        (*errors)++;
    }
    return 0;
}

static void help(FILE *f)
{
    fprintf(f, "usage: seer statetest [options] PATH...\n\n"
               "Runs ethereum/tests GeneralStateTests files; PATHs are files or directories\n"
               "(searched recursively; files not ending in .json are skipped).\n\n"
               "  --fork NAME     run only this fork's cases (Frontier .. Cancun, fixture spelling)\n"
               "  --run REGEX     run only tests whose name matches (POSIX extended regex)\n"
               "  --trace         write EIP-3155 JSON trace lines to stderr\n"
               "  --list FILE     also run each path listed in FILE (one per line), relative\n"
               "                  to --base (default: the folder of FILE)\n"
               "  --base DIR      folder the --list paths are relative to\n"
               "  --quiet         print only failures and the summary\n\n"
               "stdout: a JSON array of {\"name\",\"pass\",\"stateRoot\",\"fork\",\"error\"?};\n"
               "stderr: one {\"stateRoot\": \"0x...\"} line per case, then passed/failed per\n"
               "category and a total line. Exit status: 0 all passed, 1 a case failed,\n"
               "2 usage error.\n");
}

static int run_list(const seer_statetest_options *opts, run_state *st, const char *list, const char *base,
                    int *errors)
{
    FILE *f = fopen(list, "r");
    if (!f) {
        fprintf(stderr, "seer statetest: cannot open list %s\n", list);
        return -1;
    }
    char dirbuf[4096];
    if (!base) {
        snprintf(dirbuf, sizeof dirbuf, "%s", list);
        char *slash = strrchr(dirbuf, '/');
        if (slash)
            *slash = 0;
        else
            strcpy(dirbuf, ".");
        base = dirbuf;
    }
    char line[4096], path[8192];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#')
            continue;
        snprintf(path, sizeof path, "%s/%s", base, line);
        run_path(opts, st, path, errors);
    }
    fclose(f);
    return 0;
}

int cmd_statetest(int argc, char **argv)
{
    seer_statetest_options opts = SEER_STATETEST_OPTIONS_INIT;
    run_state st;
    memset(&st, 0, sizeof st);
    st.first = true;
    const char *list = NULL, *base = NULL;
    static const struct option longopts[] = {
        {"fork", required_argument, 0, 'f'}, {"run", required_argument, 0, 'r'},
        {"trace", no_argument, 0, 't'},      {"list", required_argument, 0, 'l'},
        {"base", required_argument, 0, 'b'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'},       {0, 0, 0, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:r:tl:b:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': opts.fork = optarg; break;
        case 'r': opts.run_regex = optarg; break;
        case 't': opts.trace = stderr; break;
        case 'l': list = optarg; break;
        case 'b': base = optarg; break;
        case 'q': st.quiet = true; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return 2;
        }
    }
    if (optind >= argc && !list) {
        help(stderr);
        return 2;
    }
    int errors = 0;
    if (!st.quiet)
        printf("[");
    if (list && run_list(&opts, &st, list, base, &errors) < 0)
        return 2;
    for (int i = optind; i < argc; i++)
        run_path(&opts, &st, argv[i], &errors);
    if (!st.quiet)
        printf("\n]\n");
    fflush(stdout);
    fprintf(stderr, "\n%-48s %8s %8s %8s\n", "category", "passed", "failed", "skipped");
    for (size_t i = 0; i < st.ncats; i++) {
        fprintf(stderr, "%-48s %8u %8u %8u\n", st.cats[i].name, st.cats[i].passed, st.cats[i].failed,
                st.cats[i].skipped);
        free(st.cats[i].name);
    }
    free(st.cats);
    fprintf(stderr, "statetest: %u passed, %u failed, %u skipped\n", st.passed, st.failed, st.skipped);
    return st.failed || errors ? 1 : 0;
}

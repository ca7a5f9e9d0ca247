/* seer blocktest: runs BlockchainTests files or folders (recursively).
 * Prints each failing test, then pass counts per category (the folder of
 * the file, e.g. ValidBlocks/bcStateTests). Exit 1 when a test fails. */
#include "cli.h"

#include <dirent.h>
#include <getopt.h>
#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct bt_cat {
    char name[256];
    unsigned passed, failed, skipped;
} bt_cat;

typedef struct bt_state {
    bool verbose;
    bt_cat *cats;
    size_t ncats, cap;
    bt_cat *cur;
    unsigned passed, failed, skipped;
} bt_state;

static bt_cat *cat_get(bt_state *st, const char *name)
{
    for (size_t i = 0; i < st->ncats; i++)
        if (!strcmp(st->cats[i].name, name))
            return &st->cats[i];
    if (st->ncats == st->cap) {
        size_t n = st->cap ? st->cap * 2 : 32;
        bt_cat *c = realloc(st->cats, n * sizeof *c);
        if (!c)
            return NULL;
        st->cats = c;
        st->cap = n;
    }
    bt_cat *c = &st->cats[st->ncats++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    return c;
}

static void on_result(void *ctx, const seer_blocktest_result *r)
{
    bt_state *st = ctx;
    bt_cat *c = st->cur;
    if (r->skipped) {
        st->skipped++;
        if (c)
            c->skipped++;
        fprintf(stderr, "SKIP %s %s (%s): %s\n", r->file, r->name, r->network, r->error);
        return;
    }
    if (r->pass) {
        st->passed++;
        if (c)
            c->passed++;
        if (st->verbose)
            printf("PASS %s (%u blocks: %u imported, %u rejected)\n", r->name, r->blocks, r->imported,
                   r->rejected);
        return;
    }
    st->failed++;
    if (c)
        c->failed++;
    printf("FAIL %s %s: %s\n", r->file, r->name, r->error);
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

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const seer_blocktest_options *o, bt_state *st, const char *path, int *errors)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "seer blocktest: %s: no such file or directory\n", path);
        (*errors)++;
        return 0;
    }
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        if (!d) {
            fprintf(stderr, "seer blocktest: cannot open directory %s\n", path);
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
            size_t len = strlen(path) + strlen(e->d_name) + 2;
            names[n] = malloc(len);
            if (!names[n])
                break;
            snprintf(names[n], len, "%s/%s", path, e->d_name);
            n++;
        }
        closedir(d);
        if (n > 1)
            qsort(names, n, sizeof *names, cmp_str);
        for (size_t i = 0; i < n; i++) {
            struct stat s2;
            size_t l = strlen(names[i]);
            if (stat(names[i], &s2) == 0 &&
                (S_ISDIR(s2.st_mode) || (l > 5 && !strcmp(names[i] + l - 5, ".json"))))
                run_path(o, st, names[i], errors);
            free(names[i]);
        }
        free(names);
        return 0;
    }
    char cat[256];
    category_of(cat, sizeof cat, path);
    st->cur = cat_get(st, cat);
    int rc = seer_blocktest_run_file(o, path, on_result, st);
    if (rc < 0) {
        cli_error(path, rc);
        (*errors)++;
    }
    return 0;
}

int cmd_blocktest(int argc, char **argv)
{
    static const struct option longopts[] = {{"run", required_argument, NULL, 'r'},
                                             {"verbose", no_argument, NULL, 'v'},
                                             {"log", no_argument, NULL, 'l'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    seer_blocktest_options o = SEER_BLOCKTEST_OPTIONS_INIT;
    bt_state st;
    memset(&st, 0, sizeof st);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:vlh", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': o.run_regex = optarg; break;
        case 'v': st.verbose = true; break;
        case 'l': o.log = stdout; break;
        case 'h':
            printf("usage: seer blocktest [--run REGEX] [--verbose] [--log] PATH...\n"
                   "Runs BlockchainTests files or folders; --log prints each block's import or rejection.\n");
            return 0;
        default: return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: seer blocktest [--run REGEX] [--verbose] [--log] PATH...\n");
        return 2;
    }
    int errors = 0;
    for (int i = optind; i < argc; i++)
        run_path(&o, &st, argv[i], &errors);
    for (size_t i = 0; i < st.ncats; i++)
        printf("%-48s %4u/%-4u passed%s\n", st.cats[i].name, st.cats[i].passed,
               st.cats[i].passed + st.cats[i].failed, st.cats[i].skipped ? " (some skipped)" : "");
    printf("blocktest: %u passed, %u failed, %u skipped\n", st.passed, st.failed, st.skipped);
    free(st.cats);
    if (errors)
        return 3;
    return st.failed || st.skipped ? 1 : 0;
}

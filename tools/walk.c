/* The fixture walk and the per-category summary shared by `seer statetest`
 * and `seer blocktest` (walk.h). */
#include "walk.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_json(const char *name)
{
    size_t l = strlen(name);
    return l > 5 && strcmp(name + l - 5, ".json") == 0;
}

static void walk_dir(const char *cmd, const char *dir, cli_file_fn fn, void *ctx, int *errors)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "seer %s: cannot open directory %s\n", cmd, dir);
        (*errors)++;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    bool oom = false;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn) {
                oom = true;
                break;
            }
            names = nn;
            cap = nc;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(len))) {
            oom = true;
            break;
        }
        snprintf(names[n], len, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (oom) {
        fprintf(stderr, "seer %s: %s: out of memory\n", cmd, dir);
        (*errors)++;
    }
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str); /* deterministic order */
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(names[i], &sb) == 0 && (S_ISDIR(sb.st_mode) || is_json(names[i])))
            cli_walk(cmd, names[i], fn, ctx, errors);
        free(names[i]);
    }
    free(names);
}

void cli_walk(const char *cmd, const char *path, cli_file_fn fn, void *ctx, int *errors)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "seer %s: %s: no such file or directory\n", cmd, path);
        (*errors)++;
        return;
    }
    if (S_ISDIR(sb.st_mode))
        walk_dir(cmd, path, fn, ctx, errors);
    else
        fn(ctx, path);
}

int cli_walk_list(const char *cmd, const char *list, const char *base, cli_file_fn fn, void *ctx, int *errors)
{
    FILE *f = fopen(list, "r");
    if (!f) {
        fprintf(stderr, "seer %s: cannot open list %s\n", cmd, list);
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
        cli_walk(cmd, path, fn, ctx, errors);
    }
    fclose(f);
    return 0;
}

cli_category *cli_tally_category(cli_tally *t, const char *name)
{
    for (size_t i = 0; i < t->ncats; i++)
        if (!strcmp(t->cats[i].name, name))
            return &t->cats[i];
    if (t->ncats == t->cap) {
        size_t n = t->cap ? t->cap * 2 : 64;
        cli_category *c = realloc(t->cats, n * sizeof *c);
        if (!c)
            return NULL;
        t->cats = c;
        t->cap = n;
    }
    cli_category *c = &t->cats[t->ncats];
    memset(c, 0, sizeof *c);
    if (!(c->name = strdup(name)))
        return NULL;
    t->ncats++;
    return c;
}

void cli_tally_add(cli_tally *t, cli_category *c, int outcome)
{
    unsigned *total = outcome == CLI_PASS ? &t->passed : outcome == CLI_SKIP ? &t->skipped : &t->failed;
    (*total)++;
    if (c)
        (*(outcome == CLI_PASS ? &c->passed : outcome == CLI_SKIP ? &c->skipped : &c->failed))++;
}

void cli_tally_print(const cli_tally *t, FILE *f, const char *what, unsigned threads)
{
    fprintf(f, "\n%-48s %8s %8s %8s\n", "category", "passed", "failed", "skipped");
    for (size_t i = 0; i < t->ncats; i++)
        fprintf(f, "%-48s %8u %8u %8u\n", t->cats[i].name, t->cats[i].passed, t->cats[i].failed,
                t->cats[i].skipped);
    fprintf(f, "%s: %u passed, %u failed, %u skipped", what, t->passed, t->failed, t->skipped);
    if (threads)
        fprintf(f, " (--threads %u)", threads);
    fputc('\n', f);
}

void cli_tally_free(cli_tally *t)
{
    for (size_t i = 0; i < t->ncats; i++)
        free(t->cats[i].name);
    free(t->cats);
    memset(t, 0, sizeof *t);
}

int cli_parse_threads(unsigned *out, const char *s)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || v > 1024)
        return -1;
    *out = (unsigned)v;
    return 0;
}

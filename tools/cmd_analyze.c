/* seer analyze: a contract's entry points and access templates (--code), or
 * a block's predicted access sets, compared with serial execution
 * (--compare). */
#include "cli.h"

#include <getopt.h>
#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: seer analyze --code HEX_OR_FILE [--json]\n"
               "       seer analyze BLOCK [--db DIR | --pre FILE --codes FILE] [--hashes FILE] [--compare] "
               "[--json] [--quiet] [--all-keys]\n"
               "  BLOCK is a fixture block folder (block.json, pre_state.json) or a block.json file;\n"
               "  --codes defaults to bytecodes.json two folders up (the fixtures' layout).\n"
               "  --all-keys: a prediction that holds \"unknown\" still lists every key the analyzer\n"
               "  derives (by default it stops there, as the scheduler's predictions do).\n");
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes hex (optional 0x, whitespace ignored) into a malloc'd buffer. */
static int decode_hex(uint8_t **out, size_t *len, const char *s)
{
    size_t n = strlen(s);
    uint8_t *b = malloc(n / 2 + 1);
    if (!b)
        return -1;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        s += 2;
    size_t o = 0;
    int hi = -1;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t' || *s == '"')
            continue;
        int v = hexval((unsigned char)*s);
        if (v < 0) {
            free(b);
            return -1;
        }
        if (hi < 0) {
            hi = v;
        } else {
            b[o++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0) {
        free(b);
        return -1;
    }
    *out = b;
    *len = o;
    return 0;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = 0;
    fclose(f);
    return b;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

int cmd_analyze(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"code", required_argument, NULL, 'c'},
        {"pre", required_argument, NULL, 'p'},
        {"codes", required_argument, NULL, 'b'},
        {"hashes", required_argument, NULL, 'H'},
        {"db", required_argument, NULL, 'd'},
        {"compare", no_argument, NULL, 'C'},
        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"all-keys", no_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *code_arg = NULL, *pre = NULL, *codes = NULL, *hashes = NULL, *db = NULL;
    bool compare = false, json = false, quiet = false, all_keys = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': code_arg = optarg; break;
        case 'p': pre = optarg; break;
        case 'b': codes = optarg; break;
        case 'H': hashes = optarg; break;
        case 'd': db = optarg; break;
        case 'C': compare = true; break;
        case 'j': json = true; break;
        case 'q': quiet = true; break;
        case 'A': all_keys = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    seer_analyzer *a = NULL;
    int rc = seer_analyzer_new(&a, NULL);
    if (rc < 0) {
        cli_error("analyzer", rc);
        return 3;
    }
    if (all_keys)
        seer_analyzer_set_stop_at_unknown(a, false);
    int ret = 0;
    if (code_arg) {
        char *text = exists(code_arg) ? read_file(code_arg) : NULL;
        uint8_t *code = NULL;
        size_t len = 0;
        if (decode_hex(&code, &len, text ? text : code_arg) < 0) {
            fprintf(stderr, "seer analyze: --code: not hex and not a readable hex file: %s\n", code_arg);
            free(text);
            seer_analyzer_free(a);
            return 2;
        }
        free(text);
        rc =
            seer_analyzer_describe_code(a, stdout, code, len, json ? SEER_ANALYZER_JSON : SEER_ANALYZER_TEXT);
        free(code);
        if (rc < 0) {
            cli_error("analyze --code", rc);
            ret = 3;
        }
        seer_analyzer_free(a);
        return ret;
    }
    if (optind >= argc) {
        usage(stderr);
        seer_analyzer_free(a);
        return 2;
    }
    const char *blk = argv[optind];
    char bpath[4096], ppath[4096], cpath[4096], hpath[4096];
    if (is_dir(blk)) {
        snprintf(bpath, sizeof bpath, "%s/block.json", blk);
        snprintf(ppath, sizeof ppath, "%s/pre_state.json", blk);
        snprintf(cpath, sizeof cpath, "%s/../../bytecodes.json", blk);
        snprintf(hpath, sizeof hpath, "%s/../../block_hashes.json", blk);
    } else {
        snprintf(bpath, sizeof bpath, "%s", blk);
        const char *slash = strrchr(blk, '/');
        int dl = slash ? (int)(slash - blk) : 1;
        const char *dir = slash ? blk : ".";
        snprintf(ppath, sizeof ppath, "%.*s/pre_state.json", dl, dir);
        snprintf(cpath, sizeof cpath, "%.*s/../../bytecodes.json", dl, dir);
        snprintf(hpath, sizeof hpath, "%.*s/../../block_hashes.json", dl, dir);
    }
    seer_analyzer_block_options o = SEER_ANALYZER_BLOCK_OPTIONS_INIT;
    o.block = bpath;
    if (db) {
        o.db = db;
    } else {
        o.pre = pre ? pre : ppath;
        o.codes = codes ? codes : cpath;
        o.hashes = hashes ? hashes : (exists(hpath) ? hpath : NULL);
    }
    o.compare = compare;
    o.per_tx = !quiet;
    o.format = json ? SEER_ANALYZER_JSON : SEER_ANALYZER_TEXT;
    seer_analyzer_block_stats st;
    rc = seer_analyzer_block_report(a, &st, stdout, &o);
    if (rc < 0) {
        cli_error("analyze", rc);
        ret = 3;
    }
    seer_analyzer_free(a);
    return ret;
}

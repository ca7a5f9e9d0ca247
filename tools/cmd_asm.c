/* seer asm: assembles EVM assembly (the syntax the synthetic workloads'
 * contracts are written in) to hex, for people writing contracts. */
#include "cli.h"

#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void asm_usage(FILE *f)
{
    fprintf(f, "usage: seer asm [--initcode] FILE|-\n\n"
               "Prints the bytecode of FILE (- for stdin) as 0x-hex. --initcode wraps it\n"
               "as the runtime of initcode that returns it (for a creation transaction).\n\n"
               "Syntax: mnemonics (ADD, SSTORE, ...); PUSH n (smallest width, PUSH0 for 0)\n"
               "or PUSHk n; 'name:' a label (a JUMPDEST); '.name:' a data mark; '@name'\n"
               "pushes its position (PUSH2); 'db 0x..' raw bytes; ';' or '//' comments.\n");
}

static char *read_all(FILE *f)
{
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    while (s) {
        size_t n = fread(s + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
        if (cap - len - 1 == 0) {
            char *t = realloc(s, cap * 2);
            if (!t) {
                free(s);
                return NULL;
            }
            s = t;
            cap *= 2;
        }
    }
    if (s)
        s[len] = 0;
    return s;
}

int cmd_asm(int argc, char **argv)
{
    bool initcode = false;
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            asm_usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--initcode")) {
            initcode = true;
        } else if (!path) {
            path = argv[i];
        } else {
            asm_usage(stderr);
            return 2;
        }
    }
    if (!path) {
        asm_usage(stderr);
        return 2;
    }
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        perror(path);
        return 3;
    }
    char *src = read_all(f);
    bool read_failed = ferror(f);
    if (f != stdin)
        fclose(f);
    if (!src || read_failed) {
        fprintf(stderr, "seer asm: %s: cannot read\n", path);
        free(src);
        return 3;
    }
    uint8_t *code = NULL;
    size_t len = 0;
    int rc = seer_gen_assemble(&code, &len, src, initcode);
    free(src);
    if (rc < 0) {
        cli_error(path, rc);
        return rc == SEER_EPARSE ? 1 : 3;
    }
    printf("0x");
    for (size_t i = 0; i < len; i++)
        printf("%02x", code[i]);
    printf("\n");
    seer_gen_bytes_free(code);
    return 0;
}

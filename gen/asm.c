/* The EVM assembler: two passes in one (emit, then patch label pushes). */
#include "gen/asm.h"

#include "common/buf.h"
#include "common/util.h"
#include "vm/opcodes.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The mnemonic table comes from the one opcode list (STYLE.md: no second
 * list to drift from the interpreter's). */
static const struct {
    const char *name;
    uint8_t code;
} op_names[] = {
#define SEER_ASM_OP_(name, code, in, out, imm, fork, gas) {#name, code},
    SEER_OPCODES(SEER_ASM_OP_)
#undef SEER_ASM_OP_
};

#define ASM_MAX_TOKEN 256

typedef struct label {
    char name[ASM_MAX_TOKEN];
    size_t pos;
    unsigned line;
} label;

typedef struct fixup {
    char name[ASM_MAX_TOKEN];
    size_t at; /* offset of the 2 immediate bytes */
    unsigned line;
} fixup;

typedef struct asm_state {
    seer_buf code;
    label *labels;
    size_t nlabels, caplabels;
    fixup *fixups;
    size_t nfixups, capfixups;
} asm_state;

static int find_op(const char *tok)
{
    for (size_t i = 0; i < SEER_ARRAY_LEN(op_names); i++)
        if (!strcasecmp(op_names[i].name, tok))
            return op_names[i].code;
    return -1;
}

/* Parses a hex (0x) or decimal number into 32 big-endian bytes; returns
 * false when it is malformed or above 2^256-1. */
static bool parse_number(uint8_t be[32], const char *s)
{
    memset(be, 0, 32);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        size_t n = strlen(s);
        if (n == 0 || n > 64)
            return false;
        for (size_t i = 0; i < n; i++) {
            char c = s[n - 1 - i];
            int v = isdigit((unsigned char)c) ? c - '0'
                    : (c >= 'a' && c <= 'f')  ? c - 'a' + 10
                    : (c >= 'A' && c <= 'F')  ? c - 'A' + 10
                                              : -1;
            if (v < 0)
                return false;
            be[31 - i / 2] |= (uint8_t)(i % 2 ? v << 4 : v);
        }
        return true;
    }
    if (!*s)
        return false;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s))
            return false;
        unsigned carry = (unsigned)(*s - '0');
        for (int i = 31; i >= 0; i--) {
            unsigned v = be[i] * 10u + carry;
            be[i] = (uint8_t)v;
            carry = v >> 8;
        }
        if (carry)
            return false;
    }
    return true;
}

/* Significant bytes of a big-endian number (0 for zero). */
static unsigned number_width(const uint8_t be[32])
{
    unsigned i = 0;
    while (i < 32 && be[i] == 0)
        i++;
    return 32 - i;
}

static bool valid_label_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.')
            return false;
    return true;
}

static int add_label(asm_state *st, const char *name, unsigned line)
{
    for (size_t i = 0; i < st->nlabels; i++)
        if (!strcmp(st->labels[i].name, name))
            return seer_err(SEER_EPARSE, "line %u: label '%s' already defined on line %u", line, name,
                            st->labels[i].line);
    if (st->nlabels == st->caplabels) {
        size_t n = st->caplabels ? 2 * st->caplabels : 32;
        label *l = realloc(st->labels, n * sizeof *l);
        if (!l)
            return seer_err(SEER_ENOMEM, "assembler: label table");
        st->labels = l;
        st->caplabels = n;
    }
    label *l = &st->labels[st->nlabels++];
    snprintf(l->name, sizeof l->name, "%s", name);
    l->pos = st->code.len;
    l->line = line;
    return 0;
}

static int add_fixup(asm_state *st, const char *name, unsigned line)
{
    if (st->nfixups == st->capfixups) {
        size_t n = st->capfixups ? 2 * st->capfixups : 64;
        fixup *f = realloc(st->fixups, n * sizeof *f);
        if (!f)
            return seer_err(SEER_ENOMEM, "assembler: fixup table");
        st->fixups = f;
        st->capfixups = n;
    }
    fixup *f = &st->fixups[st->nfixups++];
    snprintf(f->name, sizeof f->name, "%s", name);
    f->at = st->code.len + 1;
    f->line = line;
    seer_buf_push(&st->code, SEER_OP_PUSH2);
    seer_buf_push(&st->code, 0);
    seer_buf_push(&st->code, 0);
    return 0;
}

static void emit_push(asm_state *st, const uint8_t be[32], unsigned width)
{
    if (width == 0) {
        seer_buf_push(&st->code, SEER_OP_PUSH0);
        return;
    }
    seer_buf_push(&st->code, (uint8_t)(SEER_OP_PUSH1 + width - 1));
    seer_buf_append(&st->code, be + 32 - width, width);
}

/* Splits the next blank-separated token off *p into tok; returns false at
 * the end of the line (a comment ends it too). */
static bool next_token(const char **p, const char *end, char *tok, size_t cap, bool *too_long)
{
    const char *s = *p;
    while (s < end && isspace((unsigned char)*s))
        s++;
    if (s == end || *s == ';' || (*s == '/' && s + 1 < end && s[1] == '/')) {
        *p = end;
        return false;
    }
    size_t n = 0;
    *too_long = false;
    while (s < end && !isspace((unsigned char)*s) && *s != ';') {
        if (n + 1 < cap)
            tok[n++] = *s;
        else
            *too_long = true;
        s++;
    }
    tok[n] = 0;
    *p = s;
    return true;
}

static int assemble_line(asm_state *st, const char *s, const char *end, unsigned line)
{
    char tok[ASM_MAX_TOKEN], arg[ASM_MAX_TOKEN];
    bool too_long;
    int rc;
    while (next_token(&s, end, tok, sizeof tok, &too_long)) {
        if (too_long)
            return seer_err(SEER_EPARSE, "line %u: token longer than %d characters", line, ASM_MAX_TOKEN - 1);
        size_t n = strlen(tok);
        if (tok[n - 1] == ':') {
            tok[n - 1] = 0;
            bool mark = tok[0] == '.';
            const char *name = mark ? tok + 1 : tok;
            if (!valid_label_name(name))
                return seer_err(SEER_EPARSE, "line %u: bad label name '%s'", line, name);
            if ((rc = add_label(st, name, line)) < 0)
                return rc;
            if (!mark)
                seer_buf_push(&st->code, SEER_OP_JUMPDEST);
            continue;
        }
        if (tok[0] == '@') {
            if (!valid_label_name(tok + 1))
                return seer_err(SEER_EPARSE, "line %u: bad label reference '%s'", line, tok);
            if ((rc = add_fixup(st, tok + 1, line)) < 0)
                return rc;
            continue;
        }
        if (!strcasecmp(tok, "db")) {
            if (!next_token(&s, end, arg, sizeof arg, &too_long))
                return seer_err(SEER_EPARSE, "line %u: db needs hex bytes (db 0x...)", line);
            const char *h = arg;
            if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
                h += 2;
            size_t hl = strlen(h);
            if (too_long || hl % 2)
                return seer_err(SEER_EPARSE, "line %u: db: odd or overlong hex '%s'", line, arg);
            for (size_t i = 0; i < hl; i += 2) {
                char two[3] = {h[i], h[i + 1], 0};
                char *e;
                if (!isxdigit((unsigned char)two[0]) || !isxdigit((unsigned char)two[1]))
                    return seer_err(SEER_EPARSE, "line %u: db: bad hex digit in '%s'", line, arg);
                seer_buf_push(&st->code, (uint8_t)strtoul(two, &e, 16));
            }
            continue;
        }
        bool auto_push = !strcasecmp(tok, "PUSH");
        int op = auto_push ? -1 : find_op(tok);
        if (!auto_push && op < 0)
            return seer_err(SEER_EPARSE, "line %u: unknown mnemonic '%s'", line, tok);
        unsigned imm = auto_push ? 1 : seer_opcode_immediate((unsigned)op);
        if (imm == 0) {
            seer_buf_push(&st->code, (uint8_t)op);
            continue;
        }
        if (!next_token(&s, end, arg, sizeof arg, &too_long))
            return seer_err(SEER_EPARSE, "line %u: %s needs a value", line, tok);
        if (arg[0] == '@') {
            /* An explicit PUSH2 @label is the label push itself; wider or
             * narrower widths would silently change the code size. */
            if (!auto_push && op != SEER_OP_PUSH2)
                return seer_err(SEER_EPARSE, "line %u: a label push is PUSH2 or PUSH (%s given)", line, tok);
            if ((rc = add_fixup(st, arg + 1, line)) < 0)
                return rc;
            continue;
        }
        uint8_t be[32];
        if (too_long || !parse_number(be, arg))
            return seer_err(SEER_EPARSE, "line %u: bad number '%s' (hex 0x.. or decimal, at most 256 bits)",
                            line, arg);
        unsigned w = number_width(be);
        if (!auto_push) {
            if (w > imm)
                return seer_err(SEER_EPARSE, "line %u: %s cannot hold %s (%u bytes)", line, tok, arg, w);
            w = imm;
        }
        emit_push(st, be, w);
    }
    return 0;
}

int seer_asm_assemble(uint8_t **out, size_t *out_len, const char *src)
{
    if (!out || !out_len || !src)
        return seer_err(SEER_EINVAL, "seer_asm_assemble: NULL argument");
    *out = NULL;
    *out_len = 0;
    asm_state st;
    memset(&st, 0, sizeof st);
    int rc = 0;
    unsigned line = 1;
    for (const char *p = src; *p; line++) {
        const char *nl = strchr(p, '\n');
        const char *end = nl ? nl : p + strlen(p);
        if ((rc = assemble_line(&st, p, end, line)) < 0)
            goto cleanup;
        if (st.code.oom) {
            rc = seer_err(SEER_ENOMEM, "assembler: code buffer");
            goto cleanup;
        }
        p = nl ? nl + 1 : end;
    }
    if (st.code.len > 0xffff) {
        rc = seer_err(SEER_ELIMIT, "assembled code is %zu bytes; label pushes reach 65535", st.code.len);
        goto cleanup;
    }
    for (size_t i = 0; i < st.nfixups; i++) {
        const fixup *f = &st.fixups[i];
        size_t j = 0;
        while (j < st.nlabels && strcmp(st.labels[j].name, f->name))
            j++;
        if (j == st.nlabels) {
            rc = seer_err(SEER_EPARSE, "line %u: undefined label '%s'", f->line, f->name);
            goto cleanup;
        }
        st.code.p[f->at] = (uint8_t)(st.labels[j].pos >> 8);
        st.code.p[f->at + 1] = (uint8_t)st.labels[j].pos;
    }
    if (!st.code.p && !seer_buf_reserve(&st.code, 1)) {
        rc = seer_err(SEER_ENOMEM, "assembler: code buffer");
        goto cleanup;
    }
    *out = st.code.p;
    *out_len = st.code.len;
    st.code.p = NULL;
cleanup:
    seer_buf_free(&st.code);
    free(st.labels);
    free(st.fixups);
    return rc;
}

int seer_asm_initcode_with(uint8_t **out, size_t *out_len, const uint8_t *ctor, size_t ctor_len,
                           const uint8_t *runtime, size_t runtime_len)
{
    if (!out || !out_len || (!ctor && ctor_len) || (!runtime && runtime_len))
        return seer_err(SEER_EINVAL, "seer_asm_initcode: NULL argument");
    size_t off = ctor_len + 11;
    if (runtime_len > 0xffff || off > 0xffff)
        return seer_err(SEER_ELIMIT,
                        "initcode: runtime of %zu bytes after %zu constructor bytes exceeds PUSH2",
                        runtime_len, ctor_len);
    /* The copy leaves the length on the stack for RETURN: len DUP1 off 0
     * CODECOPY -> len; 0 RETURN returns memory[0, len). */
    uint8_t tail[11] = {SEER_OP_PUSH2,        (uint8_t)(runtime_len >> 8),
                        (uint8_t)runtime_len, SEER_OP_DUP1,
                        SEER_OP_PUSH2,        (uint8_t)(off >> 8),
                        (uint8_t)off,         SEER_OP_PUSH0,
                        SEER_OP_CODECOPY,     SEER_OP_PUSH0,
                        SEER_OP_RETURN};
    seer_buf b = SEER_BUF_INIT;
    seer_buf_append(&b, ctor, ctor_len);
    seer_buf_append(&b, tail, sizeof tail);
    seer_buf_append(&b, runtime, runtime_len);
    if (b.oom || !b.p) {
        seer_buf_free(&b);
        return seer_err(SEER_ENOMEM, "initcode buffer");
    }
    *out = b.p;
    *out_len = b.len;
    return 0;
}

int seer_asm_initcode(uint8_t **out, size_t *out_len, const uint8_t *runtime, size_t runtime_len)
{
    return seer_asm_initcode_with(out, out_len, NULL, 0, runtime, runtime_len);
}

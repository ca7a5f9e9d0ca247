/* A small EVM assembler (internal), for the synthetic workloads' contracts
 * and for people writing new ones (`seer asm FILE`).
 *
 * Source syntax, one or more items per line, separated by blanks:
 *
 *   ADD, SSTORE, ...   any mnemonic of vm/opcodes.h (case-insensitive)
 *   PUSH <n>           a push of the smallest width that holds n (hex 0x..
 *                      or decimal, up to 256 bits); PUSH 0 is PUSH0
 *   PUSH<k> <n>        an explicit width; n must fit in k bytes
 *   name:              a label: emits a JUMPDEST at this position
 *   .name:             a position mark for data: emits nothing
 *   @name              pushes the position of a label or mark, always as
 *                      PUSH2 (so positions never move between passes)
 *   db 0x<hex>         raw bytes (e.g. an embedded child contract)
 *   ; ... or // ...    a comment to the end of the line
 *
 * Labels may be used before they are defined. Errors are SEER_EPARSE with
 * a detail naming the line ("line 12: unknown mnemonic 'FOO'"). */
#ifndef SEER_GEN_ASM_H
#define SEER_GEN_ASM_H

#include <stddef.h>
#include <stdint.h>

/** Assembles `src` (NUL-terminated) into bytecode.
 *  Returns: 0, SEER_EINVAL (NULL argument), SEER_EPARSE (with the line in
 *           the detail), SEER_ELIMIT (code over 65535 bytes: a label push
 *           is 2 bytes), SEER_ENOMEM.
 *  Out:     *out: malloc'd code (non-NULL even when empty), freed with
 *           free(); *out_len: its length. */
int seer_asm_assemble(uint8_t **out, size_t *out_len, const char *src);

/** Wraps runtime code into initcode that copies it to memory and returns
 *  it (a constructor that does nothing else): PUSH2 len DUP1 PUSH2 11
 *  PUSH0 CODECOPY PUSH0 RETURN, then the runtime.
 *  Returns: 0, SEER_EINVAL, SEER_ELIMIT (runtime over 65535 bytes),
 *           SEER_ENOMEM.
 *  Out:     *out: malloc'd initcode, freed with free(); *out_len. */
int seer_asm_initcode(uint8_t **out, size_t *out_len, const uint8_t *runtime, size_t runtime_len);

/** As seer_asm_initcode with a constructor body run before the copy: the
 *  constructor's bytes (assembled without labels, or with positions
 *  relative to the initcode start) come first and must leave the stack as
 *  it found it and fall through. */
int seer_asm_initcode_with(uint8_t **out, size_t *out_len, const uint8_t *ctor, size_t ctor_len,
                           const uint8_t *runtime, size_t runtime_len);

#endif

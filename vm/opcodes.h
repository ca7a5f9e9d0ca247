/* The EVM opcode list (internal): ONE X-macro shared by the interpreter,
 * the per-fork tables, the tracer's names and the bytecode analyzer.
 *
 * SEER_OPCODES(X) expands X once per opcode:
 *
 *     X(NAME, code, stack_in, stack_out, immediate_bytes, fork, gas)
 *
 *   NAME             mnemonic without prefix (SEER_OP_<NAME> is the enum);
 *   code             the byte value;
 *   stack_in/out     items popped / pushed;
 *   immediate_bytes  bytes following the opcode in the code (PUSHn: n);
 *   fork             suffix of the seer_fork in which it was introduced
 *                    (SEER_FORK_<fork>);
 *   gas              its base gas cost when introduced. Later changes of the
 *                    base cost are applied by the per-fork functions of
 *                    vm/fork_table.c (EIP-150, EIP-1884, EIP-2929, ...).
 *
 * Dynamic costs (memory, copies, cold access, ...) are the interpreter's.
 * Bytes not listed are undefined in every fork. 0xFE (INVALID) is listed:
 * it is "designated invalid", which is a different status from undefined. */
#ifndef SEER_VM_OPCODES_H
#define SEER_VM_OPCODES_H

/* clang-format off */
#define SEER_OPCODES(X)                                           \
    X(STOP,           0x00, 0, 0, 0, FRONTIER, 0)                 \
    X(ADD,            0x01, 2, 1, 0, FRONTIER, 3)                 \
    X(MUL,            0x02, 2, 1, 0, FRONTIER, 5)                 \
    X(SUB,            0x03, 2, 1, 0, FRONTIER, 3)                 \
    X(DIV,            0x04, 2, 1, 0, FRONTIER, 5)                 \
    X(SDIV,           0x05, 2, 1, 0, FRONTIER, 5)                 \
    X(MOD,            0x06, 2, 1, 0, FRONTIER, 5)                 \
    X(SMOD,           0x07, 2, 1, 0, FRONTIER, 5)                 \
    X(ADDMOD,         0x08, 3, 1, 0, FRONTIER, 8)                 \
    X(MULMOD,         0x09, 3, 1, 0, FRONTIER, 8)                 \
    X(EXP,            0x0a, 2, 1, 0, FRONTIER, 10)                \
    X(SIGNEXTEND,     0x0b, 2, 1, 0, FRONTIER, 5)                 \
    X(LT,             0x10, 2, 1, 0, FRONTIER, 3)                 \
    X(GT,             0x11, 2, 1, 0, FRONTIER, 3)                 \
    X(SLT,            0x12, 2, 1, 0, FRONTIER, 3)                 \
    X(SGT,            0x13, 2, 1, 0, FRONTIER, 3)                 \
    X(EQ,             0x14, 2, 1, 0, FRONTIER, 3)                 \
    X(ISZERO,         0x15, 1, 1, 0, FRONTIER, 3)                 \
    X(AND,            0x16, 2, 1, 0, FRONTIER, 3)                 \
    X(OR,             0x17, 2, 1, 0, FRONTIER, 3)                 \
    X(XOR,            0x18, 2, 1, 0, FRONTIER, 3)                 \
    X(NOT,            0x19, 1, 1, 0, FRONTIER, 3)                 \
    X(BYTE,           0x1a, 2, 1, 0, FRONTIER, 3)                 \
    X(SHL,            0x1b, 2, 1, 0, CONSTANTINOPLE, 3)           \
    X(SHR,            0x1c, 2, 1, 0, CONSTANTINOPLE, 3)           \
    X(SAR,            0x1d, 2, 1, 0, CONSTANTINOPLE, 3)           \
    X(KECCAK256,      0x20, 2, 1, 0, FRONTIER, 30)                \
    X(ADDRESS,        0x30, 0, 1, 0, FRONTIER, 2)                 \
    X(BALANCE,        0x31, 1, 1, 0, FRONTIER, 20)                \
    X(ORIGIN,         0x32, 0, 1, 0, FRONTIER, 2)                 \
    X(CALLER,         0x33, 0, 1, 0, FRONTIER, 2)                 \
    X(CALLVALUE,      0x34, 0, 1, 0, FRONTIER, 2)                 \
    X(CALLDATALOAD,   0x35, 1, 1, 0, FRONTIER, 3)                 \
    X(CALLDATASIZE,   0x36, 0, 1, 0, FRONTIER, 2)                 \
    X(CALLDATACOPY,   0x37, 3, 0, 0, FRONTIER, 3)                 \
    X(CODESIZE,       0x38, 0, 1, 0, FRONTIER, 2)                 \
    X(CODECOPY,       0x39, 3, 0, 0, FRONTIER, 3)                 \
    X(GASPRICE,       0x3a, 0, 1, 0, FRONTIER, 2)                 \
    X(EXTCODESIZE,    0x3b, 1, 1, 0, FRONTIER, 20)                \
    X(EXTCODECOPY,    0x3c, 4, 0, 0, FRONTIER, 20)                \
    X(RETURNDATASIZE, 0x3d, 0, 1, 0, BYZANTIUM, 2)                \
    X(RETURNDATACOPY, 0x3e, 3, 0, 0, BYZANTIUM, 3)                \
    X(EXTCODEHASH,    0x3f, 1, 1, 0, CONSTANTINOPLE, 400)         \
    X(BLOCKHASH,      0x40, 1, 1, 0, FRONTIER, 20)                \
    X(COINBASE,       0x41, 0, 1, 0, FRONTIER, 2)                 \
    X(TIMESTAMP,      0x42, 0, 1, 0, FRONTIER, 2)                 \
    X(NUMBER,         0x43, 0, 1, 0, FRONTIER, 2)                 \
    X(DIFFICULTY,     0x44, 0, 1, 0, FRONTIER, 2)                 \
    X(GASLIMIT,       0x45, 0, 1, 0, FRONTIER, 2)                 \
    X(CHAINID,        0x46, 0, 1, 0, ISTANBUL, 2)                 \
    X(SELFBALANCE,    0x47, 0, 1, 0, ISTANBUL, 5)                 \
    X(BASEFEE,        0x48, 0, 1, 0, LONDON, 2)                   \
    X(BLOBHASH,       0x49, 1, 1, 0, CANCUN, 3)                   \
    X(BLOBBASEFEE,    0x4a, 0, 1, 0, CANCUN, 2)                   \
    X(POP,            0x50, 1, 0, 0, FRONTIER, 2)                 \
    X(MLOAD,          0x51, 1, 1, 0, FRONTIER, 3)                 \
    X(MSTORE,         0x52, 2, 0, 0, FRONTIER, 3)                 \
    X(MSTORE8,        0x53, 2, 0, 0, FRONTIER, 3)                 \
    X(SLOAD,          0x54, 1, 1, 0, FRONTIER, 50)                \
    X(SSTORE,         0x55, 2, 0, 0, FRONTIER, 0)                 \
    X(JUMP,           0x56, 1, 0, 0, FRONTIER, 8)                 \
    X(JUMPI,          0x57, 2, 0, 0, FRONTIER, 10)                \
    X(PC,             0x58, 0, 1, 0, FRONTIER, 2)                 \
    X(MSIZE,          0x59, 0, 1, 0, FRONTIER, 2)                 \
    X(GAS,            0x5a, 0, 1, 0, FRONTIER, 2)                 \
    X(JUMPDEST,       0x5b, 0, 0, 0, FRONTIER, 1)                 \
    X(TLOAD,          0x5c, 1, 1, 0, CANCUN, 100)                 \
    X(TSTORE,         0x5d, 2, 0, 0, CANCUN, 100)                 \
    X(MCOPY,          0x5e, 3, 0, 0, CANCUN, 3)                   \
    X(PUSH0,          0x5f, 0, 1, 0, SHANGHAI, 2)                 \
    X(PUSH1,          0x60, 0, 1, 1, FRONTIER, 3)                 \
    X(PUSH2,          0x61, 0, 1, 2, FRONTIER, 3)                 \
    X(PUSH3,          0x62, 0, 1, 3, FRONTIER, 3)                 \
    X(PUSH4,          0x63, 0, 1, 4, FRONTIER, 3)                 \
    X(PUSH5,          0x64, 0, 1, 5, FRONTIER, 3)                 \
    X(PUSH6,          0x65, 0, 1, 6, FRONTIER, 3)                 \
    X(PUSH7,          0x66, 0, 1, 7, FRONTIER, 3)                 \
    X(PUSH8,          0x67, 0, 1, 8, FRONTIER, 3)                 \
    X(PUSH9,          0x68, 0, 1, 9, FRONTIER, 3)                 \
    X(PUSH10,         0x69, 0, 1, 10, FRONTIER, 3)                \
    X(PUSH11,         0x6a, 0, 1, 11, FRONTIER, 3)                \
    X(PUSH12,         0x6b, 0, 1, 12, FRONTIER, 3)                \
    X(PUSH13,         0x6c, 0, 1, 13, FRONTIER, 3)                \
    X(PUSH14,         0x6d, 0, 1, 14, FRONTIER, 3)                \
    X(PUSH15,         0x6e, 0, 1, 15, FRONTIER, 3)                \
    X(PUSH16,         0x6f, 0, 1, 16, FRONTIER, 3)                \
    X(PUSH17,         0x70, 0, 1, 17, FRONTIER, 3)                \
    X(PUSH18,         0x71, 0, 1, 18, FRONTIER, 3)                \
    X(PUSH19,         0x72, 0, 1, 19, FRONTIER, 3)                \
    X(PUSH20,         0x73, 0, 1, 20, FRONTIER, 3)                \
    X(PUSH21,         0x74, 0, 1, 21, FRONTIER, 3)                \
    X(PUSH22,         0x75, 0, 1, 22, FRONTIER, 3)                \
    X(PUSH23,         0x76, 0, 1, 23, FRONTIER, 3)                \
    X(PUSH24,         0x77, 0, 1, 24, FRONTIER, 3)                \
    X(PUSH25,         0x78, 0, 1, 25, FRONTIER, 3)                \
    X(PUSH26,         0x79, 0, 1, 26, FRONTIER, 3)                \
    X(PUSH27,         0x7a, 0, 1, 27, FRONTIER, 3)                \
    X(PUSH28,         0x7b, 0, 1, 28, FRONTIER, 3)                \
    X(PUSH29,         0x7c, 0, 1, 29, FRONTIER, 3)                \
    X(PUSH30,         0x7d, 0, 1, 30, FRONTIER, 3)                \
    X(PUSH31,         0x7e, 0, 1, 31, FRONTIER, 3)                \
    X(PUSH32,         0x7f, 0, 1, 32, FRONTIER, 3)                \
    X(DUP1,           0x80, 1, 2, 0, FRONTIER, 3)                 \
    X(DUP2,           0x81, 2, 3, 0, FRONTIER, 3)                 \
    X(DUP3,           0x82, 3, 4, 0, FRONTIER, 3)                 \
    X(DUP4,           0x83, 4, 5, 0, FRONTIER, 3)                 \
    X(DUP5,           0x84, 5, 6, 0, FRONTIER, 3)                 \
    X(DUP6,           0x85, 6, 7, 0, FRONTIER, 3)                 \
    X(DUP7,           0x86, 7, 8, 0, FRONTIER, 3)                 \
    X(DUP8,           0x87, 8, 9, 0, FRONTIER, 3)                 \
    X(DUP9,           0x88, 9, 10, 0, FRONTIER, 3)                \
    X(DUP10,          0x89, 10, 11, 0, FRONTIER, 3)               \
    X(DUP11,          0x8a, 11, 12, 0, FRONTIER, 3)               \
    X(DUP12,          0x8b, 12, 13, 0, FRONTIER, 3)               \
    X(DUP13,          0x8c, 13, 14, 0, FRONTIER, 3)               \
    X(DUP14,          0x8d, 14, 15, 0, FRONTIER, 3)               \
    X(DUP15,          0x8e, 15, 16, 0, FRONTIER, 3)               \
    X(DUP16,          0x8f, 16, 17, 0, FRONTIER, 3)               \
    X(SWAP1,          0x90, 2, 2, 0, FRONTIER, 3)                 \
    X(SWAP2,          0x91, 3, 3, 0, FRONTIER, 3)                 \
    X(SWAP3,          0x92, 4, 4, 0, FRONTIER, 3)                 \
    X(SWAP4,          0x93, 5, 5, 0, FRONTIER, 3)                 \
    X(SWAP5,          0x94, 6, 6, 0, FRONTIER, 3)                 \
    X(SWAP6,          0x95, 7, 7, 0, FRONTIER, 3)                 \
    X(SWAP7,          0x96, 8, 8, 0, FRONTIER, 3)                 \
    X(SWAP8,          0x97, 9, 9, 0, FRONTIER, 3)                 \
    X(SWAP9,          0x98, 10, 10, 0, FRONTIER, 3)               \
    X(SWAP10,         0x99, 11, 11, 0, FRONTIER, 3)               \
    X(SWAP11,         0x9a, 12, 12, 0, FRONTIER, 3)               \
    X(SWAP12,         0x9b, 13, 13, 0, FRONTIER, 3)               \
    X(SWAP13,         0x9c, 14, 14, 0, FRONTIER, 3)               \
    X(SWAP14,         0x9d, 15, 15, 0, FRONTIER, 3)               \
    X(SWAP15,         0x9e, 16, 16, 0, FRONTIER, 3)               \
    X(SWAP16,         0x9f, 17, 17, 0, FRONTIER, 3)               \
    X(LOG0,           0xa0, 2, 0, 0, FRONTIER, 375)               \
    X(LOG1,           0xa1, 3, 0, 0, FRONTIER, 750)               \
    X(LOG2,           0xa2, 4, 0, 0, FRONTIER, 1125)              \
    X(LOG3,           0xa3, 5, 0, 0, FRONTIER, 1500)              \
    X(LOG4,           0xa4, 6, 0, 0, FRONTIER, 1875)              \
    X(CREATE,         0xf0, 3, 1, 0, FRONTIER, 32000)             \
    X(CALL,           0xf1, 7, 1, 0, FRONTIER, 40)                \
    X(CALLCODE,       0xf2, 7, 1, 0, FRONTIER, 40)                \
    X(RETURN,         0xf3, 2, 0, 0, FRONTIER, 0)                 \
    X(DELEGATECALL,   0xf4, 6, 1, 0, HOMESTEAD, 40)               \
    X(CREATE2,        0xf5, 4, 1, 0, CONSTANTINOPLE, 32000)       \
    X(STATICCALL,     0xfa, 6, 1, 0, BYZANTIUM, 700)              \
    X(REVERT,         0xfd, 2, 0, 0, BYZANTIUM, 0)                \
    X(INVALID,        0xfe, 0, 0, 0, FRONTIER, 0)                 \
    X(SELFDESTRUCT,   0xff, 1, 0, 0, FRONTIER, 0)
/* clang-format on */

/** SEER_OP_<NAME> = code. */
typedef enum seer_opcode {
#define SEER_OP_ENUM_(name, code, in, out, imm, fork, gas) SEER_OP_##name = code,
    SEER_OPCODES(SEER_OP_ENUM_)
#undef SEER_OP_ENUM_
} seer_opcode;

/** Returns the mnemonic of an opcode byte as EIP-3155 traces spell it
 *  ("PUSH1", "KECCAK256", ...), or NULL for a byte that no fork defines.
 *  Fork-specific spellings (PREVRANDAO from Paris) are in the fork table's
 *  names. */
const char *seer_opcode_name(unsigned op);

/** Number of immediate bytes after op (PUSH1..PUSH32: 1..32; else 0). */
static inline unsigned seer_opcode_immediate(unsigned op)
{
    return (op >= 0x60 && op <= 0x7f) ? op - 0x5f : 0;
}

#endif

/* Per-fork opcode and gas tables (internal).
 *
 * Each fork's table is derived from the previous fork's table plus the
 * changes of the EIPs it activates (vm/fork_table.c has one function per
 * fork). The interpreter reads base costs and rules from here instead of
 * testing the fork: adding Prague means adding one function.
 *
 * Tables are built once (pthread_once) and are immutable afterwards, so any
 * number of threads may read them. */
#ifndef SEER_VM_FORK_TABLE_H
#define SEER_VM_FORK_TABLE_H

#include "seer/common.h"

#include <stdbool.h>
#include <stdint.h>

/** stack_req of an opcode the fork does not define: no stack height passes
 *  the interpreter's "height >= stack_req" test, so undefined opcodes cost
 *  nothing on the fast path. */
#define SEER_OP_UNDEFINED_REQ 0x7fff

/** What the interpreter checks before executing an opcode. */
typedef struct seer_op_info {
    int32_t gas;       /* base gas, charged before the opcode runs */
    int16_t stack_req; /* items required; SEER_OP_UNDEFINED_REQ if undefined */
    int16_t stack_max; /* the largest stack height at which the op may start */
} seer_op_info;

/** How SSTORE is priced. */
typedef enum seer_sstore_rule {
    SEER_SSTORE_CLASSIC = 0, /* 20000 set / 5000 reset / 15000 clear refund */
    SEER_SSTORE_NET = 1,     /* net metering by storage status (EIP-1283, EIP-2200) */
} seer_sstore_rule;

/** How SELFDESTRUCT charges for a beneficiary that does not exist. */
typedef enum seer_sd_new_account_rule {
    SEER_SD_NEW_ACCOUNT_NEVER = 0,          /* Frontier, Homestead */
    SEER_SD_NEW_ACCOUNT_IF_ABSENT = 1,      /* EIP-150: beneficiary does not exist */
    SEER_SD_NEW_ACCOUNT_IF_FUNDED_DEAD = 2, /* EIP-161: balance > 0 and beneficiary dead */
} seer_sd_new_account_rule;

typedef struct seer_fork_table {
    seer_fork fork;
    bool defined[256];
    seer_op_info ops[256];
    /** Mnemonics for traces (NULL where undefined); PREVRANDAO from Paris. */
    const char *names[256];

    /* EXP */
    int32_t exp_byte_gas; /* 10, 50 from EIP-160 */

    /* CALL family */
    bool call_all_but_one_64th;   /* EIP-150 */
    bool new_account_if_empty;    /* EIP-161: "new account" means dead (absent or empty) and value > 0 */
    int32_t call_value_gas;       /* 9000 */
    int32_t call_stipend;         /* 2300 */
    int32_t call_new_account_gas; /* 25000 */

    /* EIP-2929 access lists: warm costs are the base costs of ops[]; a cold
     * access adds these. All zero before Berlin. */
    bool access_lists;
    int32_t cold_sload_extra;    /* 2100 - 100 */
    int32_t cold_account_extra;  /* 2600 - 100 (BALANCE, EXTCODE*, CALL*) */
    int32_t cold_sd_beneficiary; /* 2600 (SELFDESTRUCT has no warm base) */

    /* SSTORE */
    seer_sstore_rule sstore_rule;
    int32_t sstore_noop_gas;     /* net metering: no-op and dirty writes (200, 800, 100) */
    int32_t sstore_set_gas;      /* 20000 */
    int32_t sstore_reset_gas;    /* 5000, 2900 from EIP-2929 */
    int32_t sstore_clear_refund; /* 15000, 4800 from EIP-3529 */
    int32_t sstore_sentry;       /* EIP-2200: SSTORE fails if gas left <= this (0: no sentry) */
    int32_t cold_sstore_extra;   /* 2100 from EIP-2929 */

    /* SELFDESTRUCT */
    seer_sd_new_account_rule sd_new_account;
    int32_t sd_new_account_gas; /* 25000 */
    int32_t sd_refund;          /* 24000, 0 from EIP-3529 */

    /* CREATE / CREATE2 */
    int32_t create2_word_gas;  /* 6: hashing the initcode */
    int32_t initcode_word_gas; /* EIP-3860: 2 from Shanghai */
    int64_t max_initcode_size; /* EIP-3860: 49152 from Shanghai, 0 = no limit */

    /* For the world (tx execution and code deposit); the interpreter does
     * not use these. */
    int32_t refund_quotient;            /* gas_used / quotient caps the refund: 2, 5 from EIP-3529 */
    int32_t code_deposit_gas;           /* 200 per byte */
    int64_t max_code_size;              /* EIP-170: 24576 from Spurious Dragon, 0 = no limit */
    bool code_oog_fails_create;         /* Homestead EIP-2: deposit OOG fails the create */
    bool reject_ef_code;                /* EIP-3541 */
    bool selfdestruct_only_new;         /* EIP-6780 */
    int32_t tx_gas;                     /* 21000 */
    int32_t tx_create_gas;              /* 53000 from Homestead (EIP-2) */
    int32_t tx_data_zero_gas;           /* 4 */
    int32_t tx_data_nonzero_gas;        /* 68, 16 from EIP-2028 */
    int32_t tx_access_list_address_gas; /* EIP-2930: 2400 */
    int32_t tx_access_list_key_gas;     /* EIP-2930: 1900 */
} seer_fork_table;

/** Returns the table of an implemented fork (Frontier..Cancun), or NULL for
 *  a reserved or out-of-range fork. Thread-safe; the table lives for the
 *  whole process. */
const seer_fork_table *seer_fork_table_get(seer_fork fork);

#endif

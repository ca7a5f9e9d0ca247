/* The host interface: everything the interpreter knows about the world
 * (internal). The shape of EVMC's evmc_host_interface, in seer's names.
 *
 * The interpreter (vm/interp.c) executes one call frame's bytecode and
 * reaches state, logs, nested calls and creations only through this vtable.
 * vm/world.c implements it over a journaled overlay (see vm/world.h). */
#ifndef SEER_VM_HOST_H
#define SEER_VM_HOST_H

#include "common/u256.h"
#include "seer/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Outcome of executing a frame. Mirrors evmc_status_code for the cases the
 *  EVM distinguishes; every status other than SUCCESS and REVERT consumes
 *  all gas of the frame. */
typedef enum seer_status {
    SEER_STATUS_SUCCESS = 0,
    SEER_STATUS_FAILURE = 1, /* generic exceptional halt */
    SEER_STATUS_REVERT = 2,
    SEER_STATUS_OUT_OF_GAS = 3,
    SEER_STATUS_INVALID_INSTRUCTION = 4, /* 0xFE INVALID */
    SEER_STATUS_UNDEFINED_INSTRUCTION = 5,
    SEER_STATUS_STACK_OVERFLOW = 6,
    SEER_STATUS_STACK_UNDERFLOW = 7,
    SEER_STATUS_BAD_JUMP_DESTINATION = 8,
    SEER_STATUS_INVALID_MEMORY_ACCESS = 9, /* RETURNDATACOPY out of bounds */
    SEER_STATUS_CALL_DEPTH_EXCEEDED = 10,
    SEER_STATUS_STATIC_MODE_VIOLATION = 11,
    SEER_STATUS_PRECOMPILE_FAILURE = 12,
    SEER_STATUS_ARGUMENT_OUT_OF_RANGE = 13,
    SEER_STATUS_INSUFFICIENT_BALANCE = 14, /* value transfer without funds */
    SEER_STATUS_INTERNAL_ERROR = -1,       /* host I/O failure: abort the tx */
    SEER_STATUS_OUT_OF_MEMORY = -2,
} seer_status;

typedef enum seer_call_kind {
    SEER_CALL = 0,
    SEER_DELEGATECALL = 1,
    SEER_CALLCODE = 2,
    SEER_CREATE = 3,
    SEER_CREATE2 = 4,
} seer_call_kind;

#define SEER_MSG_STATIC 1u /* STATICCALL, or anything inside one */

/** A message: the input of a call frame. */
typedef struct seer_message {
    seer_call_kind kind;
    uint32_t flags; /* SEER_MSG_STATIC */
    int32_t depth;  /* 0 for the transaction's frame */
    int64_t gas;
    seer_address recipient; /* the account whose storage/balance the frame uses */
    seer_address sender;    /* CALLER */
    const uint8_t *input_data;
    size_t input_size;
    u256 value; /* CALLVALUE (apparent value for DELEGATECALL) */
    u256 create2_salt;
    seer_address code_address; /* whose code runs (differs for DELEGATECALL/CALLCODE) */
} seer_message;

/** The result of a frame. output_data is owned by the host/VM that produced
 *  it and stays valid until the caller's next host call or the end of the
 *  calling frame (the world keeps it in a per-frame buffer). */
typedef struct seer_result {
    seer_status status;
    int64_t gas_left;
    int64_t gas_refund; /* refund counter change of the frame (may be negative) */
    const uint8_t *output_data;
    size_t output_size;
    seer_address create_address; /* CREATE/CREATE2 success only */
} seer_result;

/** The transaction and block context (EVMC's tx_context). */
typedef struct seer_tx_context {
    u256 gas_price; /* effective gas price */
    seer_address origin;
    seer_address coinbase;
    uint64_t number;
    uint64_t timestamp;
    uint64_t gas_limit; /* block gas limit */
    u256 prev_randao;   /* DIFFICULTY before Paris, PREVRANDAO after */
    u256 chain_id;
    u256 base_fee;
    u256 blob_base_fee;
    const seer_bytes32 *blob_hashes;
    size_t blob_hashes_count;
} seer_tx_context;

/** Storage status of SSTORE (EVMC's evmc_storage_status): the interpreter
 *  turns it into gas cost and refund per fork (EIP-1283 in Constantinople,
 *  EIP-2200 from Istanbul, EIP-2929/3529 from Berlin/London). Named by
 *  original (O), current (C) and new (N) values: X means zero, Y, Z other
 *  values. */
typedef enum seer_storage_status {
    SEER_STORAGE_ASSIGNED = 0,          /* dirty slot, or a no-op write */
    SEER_STORAGE_ADDED = 1,             /* 0 -> 0 -> Z */
    SEER_STORAGE_DELETED = 2,           /* X -> X -> 0 */
    SEER_STORAGE_MODIFIED = 3,          /* X -> X -> Z */
    SEER_STORAGE_DELETED_ADDED = 4,     /* X -> 0 -> Z */
    SEER_STORAGE_MODIFIED_DELETED = 5,  /* X -> Y -> 0 */
    SEER_STORAGE_DELETED_RESTORED = 6,  /* X -> 0 -> X */
    SEER_STORAGE_ADDED_DELETED = 7,     /* 0 -> Y -> 0 */
    SEER_STORAGE_MODIFIED_RESTORED = 8, /* X -> Y -> X */
} seer_storage_status;

typedef enum seer_access_status {
    SEER_ACCESS_COLD = 0,
    SEER_ACCESS_WARM = 1,
} seer_access_status;

/** The vtable. `ctx` is the host's own context pointer. Functions that read
 *  state cannot fail from the interpreter's point of view: a store I/O error
 *  is latched inside the host, returned as zero values, and the host ends
 *  the transaction with SEER_STATUS_INTERNAL_ERROR. Pre-Frontier rules such
 *  as gas are the interpreter's business, not the host's: the host only
 *  reports state and access status. */
typedef struct seer_host_vt {
    bool (*account_exists)(void *ctx, const seer_address *addr);
    /** EIP-161 "empty": nonce 0, balance 0, no code. Also false for absent. */
    bool (*account_is_empty)(void *ctx, const seer_address *addr);
    void (*get_storage)(void *ctx, u256 *out, const seer_address *addr, const u256 *key);
    seer_storage_status (*set_storage)(void *ctx, const seer_address *addr, const u256 *key,
                                       const u256 *value);
    /** Original (tx-start) value of a slot, for the pre-EIP-2200 rules the
     *  interpreter computes itself. */
    void (*get_original_storage)(void *ctx, u256 *out, const seer_address *addr, const u256 *key);
    void (*get_balance)(void *ctx, u256 *out, const seer_address *addr);
    size_t (*get_code_size)(void *ctx, const seer_address *addr);
    /** Zero for an absent (or, from Spurious Dragon, empty) account. */
    void (*get_code_hash)(void *ctx, seer_bytes32 *out, const seer_address *addr);
    /** Copies code[offset..offset+size) into buf; returns bytes copied. */
    size_t (*copy_code)(void *ctx, const seer_address *addr, size_t offset, uint8_t *buf, size_t size);
    /** SELFDESTRUCT: moves the balance to beneficiary and applies the fork's
     *  rules (EIP-6780 from Cancun). Returns true the first time the
     *  account is marked destroyed in this tx (for the pre-London refund). */
    bool (*selfdestruct)(void *ctx, const seer_address *addr, const seer_address *beneficiary);
    /** Executes a nested message (CALL*, CREATE*): value transfer, depth
     *  check, precompiles, snapshot and revert are the host's job. The
     *  interpreter has already charged the call's gas and passes msg->gas
     *  (including the stipend). */
    seer_result (*call)(void *ctx, const seer_message *msg);
    const seer_tx_context *(*get_tx_context)(void *ctx);
    void (*get_block_hash)(void *ctx, seer_bytes32 *out, uint64_t number);
    void (*emit_log)(void *ctx, const seer_address *addr, const uint8_t *data, size_t data_size,
                     const seer_bytes32 topics[], size_t topics_count);
    /** EIP-2929: marks the account warm; returns its status before. */
    seer_access_status (*access_account)(void *ctx, const seer_address *addr);
    seer_access_status (*access_storage)(void *ctx, const seer_address *addr, const u256 *key);
    void (*get_transient_storage)(void *ctx, u256 *out, const seer_address *addr, const u256 *key);
    void (*set_transient_storage)(void *ctx, const seer_address *addr, const u256 *key, const u256 *value);
} seer_host_vt;

typedef struct seer_host {
    const seer_host_vt *vt;
    void *ctx;
} seer_host;

#endif

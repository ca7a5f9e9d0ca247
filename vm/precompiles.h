/* Precompiled contracts 0x01..0x0a (internal).
 *
 * The VM's world calls seer_precompile_is_active() to recognise a precompile
 * address under a fork, then seer_precompile_run() to price and execute it. */
#ifndef SEER_VM_PRECOMPILES_H
#define SEER_VM_PRECOMPILES_H

#include "seer/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Status of a precompile call. OUT_OF_GAS and FAILURE both consume all gas
 *  given to the call (EVM semantics: a failed precompile is an exceptional
 *  halt); FAILURE covers malformed input (invalid curve points, bad
 *  lengths where the EIP says the call fails). */
typedef enum seer_precompile_status {
    SEER_PRECOMPILE_SUCCESS = 0,
    SEER_PRECOMPILE_OUT_OF_GAS = 1,
    SEER_PRECOMPILE_FAILURE = 2,
} seer_precompile_status;

typedef struct seer_precompile_result {
    seer_precompile_status status;
    int64_t gas_used; /* on failure: equals the gas given */
    uint8_t *output;  /* malloc'd (free()), NULL when output_len == 0 */
    size_t output_len;
} seer_precompile_result;

/** True if `addr` is a precompile under `fork` (0x01-0x04 from Frontier,
 *  0x05-0x08 from Byzantium, 0x09 from Istanbul, 0x0a from Cancun). */
bool seer_precompile_is_active(seer_fork fork, const seer_address *addr);

/** Runs the precompile at `addr` with `gas` available. Returns 0 and fills
 *  *out (whatever the status), or SEER_ENOMEM. The caller frees
 *  out->output. */
int seer_precompile_run(seer_precompile_result *out, seer_fork fork, const seer_address *addr,
                        const uint8_t *input, size_t input_len, int64_t gas);

#endif

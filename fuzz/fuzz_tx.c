/* libFuzzer target: random bytes into the transaction decoder
 * (seer_tx_decode, vm/tx.h) and, for what decodes, the rest of a
 * transaction's admission: the static checks and intrinsic gas under every
 * fork, the signing hash and sender recovery.
 *
 * The oracle: no crash or sanitizer report; decode and decode_ex agree;
 * the decoder is strict, so a decoded transaction encodes back to the
 * input byte for byte and keeps its hash (keccak of the input); a failed
 * decode leaves nothing to free. A violated property aborts. */
#include "common/keccak.h"
#include "vm/tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                                     \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "fuzz_tx: %s failed at line %d\n", #cond, __LINE__);                             \
            abort();                                                                                         \
        }                                                                                                    \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seer_tx tx, tx2;
    memset(&tx, 0, sizeof tx);
    memset(&tx2, 0, sizeof tx2);
    int rc = seer_tx_decode(&tx, data, size);
    const char *exc = NULL;
    int rc2 = seer_tx_decode_ex(&tx2, data, size, &exc);
    FUZZ_CHECK(rc == 0 || rc == SEER_ERLP || rc == SEER_ETX || rc == SEER_ENOMEM);
    FUZZ_CHECK(rc == rc2);
    FUZZ_CHECK((rc == 0) == (exc == NULL));
    seer_tx_clear(&tx2);
    if (rc < 0) {
        seer_tx_clear(&tx); /* must be harmless on a failed decode */
        return 0;
    }
    FUZZ_CHECK(tx.type <= 3);
    uint8_t h[32];
    seer_keccak256(h, data, size);
    FUZZ_CHECK(memcmp(h, tx.hash.bytes, 32) == 0);

    uint8_t *enc = NULL;
    size_t enc_len = 0;
    rc = seer_tx_encode(&enc, &enc_len, &tx);
    FUZZ_CHECK(rc == 0 || rc == SEER_ENOMEM);
    if (rc == 0)
        FUZZ_CHECK(enc_len == size && memcmp(enc, data, size) == 0);
    free(enc);

    for (int f = SEER_FORK_FRONTIER; f <= SEER_FORK_CANCUN; f++) {
        const char *why = NULL;
        uint64_t gas;
        rc = seer_tx_check_static(&tx, (seer_fork)f, &why);
        FUZZ_CHECK((rc == 0 && why == NULL) || (rc == SEER_ETX && why != NULL));
        (void)seer_tx_intrinsic_gas(&gas, &tx, (seer_fork)f);
        (void)seer_tx_type_allowed(tx.type, (seer_fork)f);
    }
    seer_bytes32 sh;
    rc = seer_tx_signing_hash(&sh, &tx);
    FUZZ_CHECK(rc == 0 || rc == SEER_ENOMEM || rc == SEER_ETX);
    /* Recovery is the slow part (~50 us): once, under the newest rules. */
    rc = seer_tx_recover_sender_ex(&tx, SEER_FORK_CANCUN, &exc);
    FUZZ_CHECK(rc == 0 || rc == SEER_ESIG || rc == SEER_ETX || rc == SEER_ENOMEM);
    FUZZ_CHECK(rc != 0 || tx.has_sender);
    seer_tx_clear(&tx);
    return 0;
}

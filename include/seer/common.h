/* seer — shared public definitions: export macro, version, error codes,
 * plain value types. Included by every other public header. */
#ifndef SEER_COMMON_H
#define SEER_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SEER_BUILDING) && defined(__GNUC__)
#define SEER_API __attribute__((visibility("default")))
#else
#define SEER_API
#endif

#define SEER_VERSION_MAJOR  0
#define SEER_VERSION_MINOR  1
#define SEER_VERSION_PATCH  0
#define SEER_VERSION_STRING "0.1.0"

/** Error codes. 0 is success; every failure is negative. EVM outcomes
 *  (REVERT, out of gas, invalid opcode) are not errors: they are statuses in
 *  execution results. */
typedef enum seer_error {
    SEER_OK = 0,
    SEER_EINVAL = -1,        /**< API misuse: a NULL or out-of-range argument */
    SEER_ENOMEM = -2,        /**< out of memory */
    SEER_EIO = -3,           /**< read/write failure of a file or database */
    SEER_EPARSE = -4,        /**< malformed input (JSON, numbers, fields) */
    SEER_ERLP = -5,          /**< malformed or non-canonical RLP */
    SEER_EHEX = -6,          /**< malformed hex string */
    SEER_ESIG = -7,          /**< invalid transaction signature */
    SEER_ETX = -8,           /**< transaction invalid under the fork's rules */
    SEER_EBLOCK = -9,        /**< block invalid under the fork's rules */
    SEER_EMAPFULL = -10,     /**< the state store's map is full */
    SEER_EDBVERSION = -11,   /**< the state store has another schema version */
    SEER_EDBCORRUPT = -12,   /**< the state store is corrupt or not seer's */
    SEER_EREADONLY = -13,    /**< the path or store is read-only */
    SEER_ENOTFOUND = -14,    /**< a requested item does not exist */
    SEER_EMISMATCH = -15,    /**< a result differs from the expected value */
    SEER_ELIMIT = -16,       /**< a size, depth or budget limit was exceeded */
    SEER_EUNSUPPORTED = -17, /**< a feature or fork seer does not implement */
    SEER_EINTERNAL = -18,    /**< an internal invariant failed (a bug) */
} seer_error;

/** Returns a static, human-readable description of an error code (as
 *  mdb_strerror). Never NULL; unknown codes give "unknown error". */
SEER_API const char *seer_strerror(int err);

/** Returns the detail message of the last error raised on the calling
 *  thread (what and where: file, field, byte offset), or "" if none.
 *  Valid until the next seer call on this thread that fails. */
SEER_API const char *seer_error_detail(void);

/** Clears the calling thread's error detail. */
SEER_API void seer_error_clear(void);

/** Returns the library's version string, e.g. "0.1.0". */
SEER_API const char *seer_version(void);

/** A 20-byte account address. */
typedef struct seer_address {
    uint8_t bytes[20];
} seer_address;

/** A 32-byte big-endian word or hash. */
typedef struct seer_bytes32 {
    uint8_t bytes[32];
} seer_bytes32;

/** Ethereum forks, in activation order. Prague and Osaka are reserved. */
typedef enum seer_fork {
    SEER_FORK_FRONTIER = 0,
    SEER_FORK_HOMESTEAD,
    SEER_FORK_TANGERINE_WHISTLE, /* EIP-150 */
    SEER_FORK_SPURIOUS_DRAGON,   /* EIP-155/158/160/161/170 */
    SEER_FORK_BYZANTIUM,
    SEER_FORK_CONSTANTINOPLE,
    SEER_FORK_PETERSBURG,
    SEER_FORK_ISTANBUL,
    SEER_FORK_BERLIN,
    SEER_FORK_LONDON,
    SEER_FORK_PARIS,
    SEER_FORK_SHANGHAI,
    SEER_FORK_CANCUN,
    SEER_FORK_PRAGUE, /* reserved, not implemented */
    SEER_FORK_OSAKA,  /* reserved, not implemented */
    SEER_FORK_COUNT
} seer_fork;

/** Returns the fork's canonical name as the ethereum/tests fixtures spell
 *  it ("Frontier", "EIP150", "EIP158", "Byzantium", ..., "Cancun"). */
SEER_API const char *seer_fork_name(seer_fork fork);

/** Parses a fork name (fixture spelling or common aliases such as
 *  "TangerineWhistle", "SpuriousDragon", "Merge"). Returns 0 and writes
 *  *out, or SEER_EPARSE for an unknown name. */
SEER_API int seer_fork_from_name(seer_fork *out, const char *name);

#ifdef __cplusplus
}
#endif
#endif

/* Reading the JSON fixtures (internal): typed getters over json-c whose
 * errors name the file and the field, and loaders of pre-states into a
 * seer_memstore.
 *
 * Every failure is SEER_EPARSE (unless stated) with a detail of the form
 * "<file>: field '<field>': <what is wrong>", where <field> is the path of
 * the value inside the file ("pre.0x095e...87.storage.0x01"). `file` and
 * `field` are only used for those messages and may be any label.
 *
 * Numbers: quantities are "0x"-prefixed hex (any number of leading zeros)
 * or decimal strings, or JSON integers. json-c saturates integers at
 * 2^64-1 instead of failing, so a JSON integer equal to 2^64-1 cannot be
 * told from a larger one and is refused; write such values as strings. */
#ifndef SEER_CONFORMANCE_JSON_H
#define SEER_CONFORMANCE_JSON_H

#include "common/u256.h"
#include "seer/common.h"
#include "state/memstore.h"

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

/** Parses a whole JSON file.
 *  Returns: 0, SEER_EINVAL, SEER_EIO (cannot open or read the file),
 *           SEER_EPARSE (not JSON; the detail has json-c's reason).
 *  Out:     *out: the document, released with json_object_put. */
int seer_json_parse_file(json_object **out, const char *path);

/** Gets a required member of an object.
 *  Returns: 0, or SEER_EPARSE when obj is not an object or the member is
 *           missing or null (the detail names `field`).
 *  Out:     *out: borrowed from obj. */
int seer_json_get(json_object **out, json_object *obj, const char *file, const char *field);

/** Returns an optional member of an object (borrowed), or NULL when obj is
 *  not an object or the member is missing or null. */
json_object *seer_json_get_opt(json_object *obj, const char *field);

/** Reads a string value. Out: *out borrowed from v. */
int seer_json_string(const char **out, json_object *v, const char *file, const char *field);

/** Reads a hex string ("0x..." or bare digits; "" and "0x" are empty) into
 *  a new buffer.
 *  Returns: 0, SEER_EPARSE, SEER_ENOMEM.
 *  Out:     *out: malloc'd (non-NULL even when empty), freed with free();
 *           *len: its length. */
int seer_json_bytes(uint8_t **out, size_t *len, json_object *v, const char *file, const char *field);

/** Reads exactly 20 bytes of hex. */
int seer_json_address(seer_address *out, json_object *v, const char *file, const char *field);

/** Reads exactly 32 bytes of hex. */
int seer_json_bytes32(seer_bytes32 *out, json_object *v, const char *file, const char *field);

/** Reads a quantity up to 2^256-1 (hex or decimal string, or a
 *  non-negative JSON integer). */
int seer_json_u256(u256 *out, json_object *v, const char *file, const char *field);

/** Reads a quantity up to 2^64-1; larger values are refused with a detail
 *  naming the field. */
int seer_json_u64(uint64_t *out, json_object *v, const char *file, const char *field);

/** String forms of the above, for object keys (addresses, slots, numbers)
 *  rather than values. */
int seer_json_parse_address(seer_address *out, const char *s, const char *file, const char *field);
int seer_json_parse_u256(u256 *out, const char *s, const char *file, const char *field);
int seer_json_parse_u64(uint64_t *out, const char *s, const char *file, const char *field);

/** Loads a GeneralStateTests / BlockchainTests state object
 *  ({address: {balance, code, nonce, storage: {slot: value}}}: `pre` or
 *  `postState`) into the store, on top of what it holds. `code` and
 *  `storage` may be absent (empty).
 *  Returns: 0, SEER_EPARSE (naming the field, e.g. "pre.0x...87.nonce"),
 *           SEER_ENOMEM. On failure the store holds a part of the state. */
int seer_json_load_pre(seer_memstore *store, json_object *pre, const char *file);

/** As seer_json_load_pre, with `label` naming the object in messages
 *  ("postState.0x...87.balance"; NULL gives "state"). */
int seer_json_load_state(seer_memstore *store, json_object *state, const char *file, const char *label);

/** Loads a mainnet pre_state.json object ({address: {balance, nonce (a
 *  number), code_hash?, storage}}) with its code from a bytecodes.json
 *  object ({code_hash: code}); only the codes the accounts name are
 *  decoded, and each is checked to hash to its key.
 *  Returns: 0, SEER_EPARSE (a malformed field, a code_hash missing from
 *           the bytecodes, a code that does not hash to its key),
 *           SEER_ENOMEM.
 *  In:      bytecodes may be NULL when no account has code. */
int seer_json_load_mainnet_pre(seer_memstore *store, json_object *pre_state, const char *file,
                               json_object *bytecodes, const char *bytecodes_file);

/** Loads a block_hashes.json object ({"<decimal number>": "0x<hash>"}) into
 *  the store's BLOCKHASH table.
 *  Returns: 0, SEER_EPARSE, SEER_ENOMEM. */
int seer_json_load_block_hashes(seer_memstore *store, json_object *obj, const char *file);

#endif

#include "conformance/json.h"

#include "common/hex.h"
#include "common/keccak.h"
#include "common/state_iface.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field paths for messages: long enough for "pre.<address>.storage.<slot>". */
#define FIELD_MAX  256
#define PREFIX_MAX 128

static const char *nz(const char *s)
{
    return s ? s : "?";
}

/* Turns a lower-level detail (from the hex or u256 parsers) into one that
 * names the file and field. */
static int field_err(const char *file, const char *field, const char *what)
{
    char inner[512];
    snprintf(inner, sizeof inner, "%s", seer_error_detail());
    if (inner[0])
        return seer_err(SEER_EPARSE, "%s: field '%s': %s (%s)", nz(file), nz(field), what, inner);
    return seer_err(SEER_EPARSE, "%s: field '%s': %s", nz(file), nz(field), what);
}

static const char *type_name(json_object *v)
{
    return json_type_to_name(json_object_get_type(v));
}

int seer_json_parse_file(json_object **out, const char *path)
{
    if (!out || !path)
        return seer_err(SEER_EINVAL, "json_parse_file: NULL argument");
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return seer_err(SEER_EIO, "%s: cannot open: %s", path, strerror(errno));
    fclose(f);
    json_object *doc = json_object_from_file(path);
    if (!doc) {
        const char *why = json_util_get_last_err();
        return seer_err(SEER_EPARSE, "%s: not valid JSON: %s", path, why ? why : "unknown reason");
    }
    *out = doc;
    return 0;
}

int seer_json_get(json_object **out, json_object *obj, const char *file, const char *field)
{
    if (!out || !field)
        return seer_err(SEER_EINVAL, "json_get: NULL argument");
    *out = NULL;
    if (!obj || !json_object_is_type(obj, json_type_object))
        return seer_err(SEER_EPARSE, "%s: field '%s': parent is not an object", nz(file), field);
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, field, &v) || !v)
        return seer_err(SEER_EPARSE, "%s: field '%s': missing", nz(file), field);
    *out = v;
    return 0;
}

json_object *seer_json_get_opt(json_object *obj, const char *field)
{
    json_object *v = NULL;
    if (!obj || !field || !json_object_is_type(obj, json_type_object))
        return NULL;
    if (!json_object_object_get_ex(obj, field, &v))
        return NULL;
    return v;
}

int seer_json_string(const char **out, json_object *v, const char *file, const char *field)
{
    if (!out)
        return seer_err(SEER_EINVAL, "json_string: NULL argument");
    if (!v || !json_object_is_type(v, json_type_string))
        return seer_err(SEER_EPARSE, "%s: field '%s': expected a string, got %s", nz(file), nz(field),
                        v ? type_name(v) : "null");
    *out = json_object_get_string(v);
    return 0;
}

int seer_json_bytes(uint8_t **out, size_t *len, json_object *v, const char *file, const char *field)
{
    if (!out || !len)
        return seer_err(SEER_EINVAL, "json_bytes: NULL argument");
    const char *s;
    int rc = seer_json_string(&s, v, file, field);
    if (rc)
        return rc;
    seer_error_clear();
    rc = seer_hex_decode_alloc(out, len, s);
    if (rc == SEER_ENOMEM)
        return seer_err(SEER_ENOMEM, "%s: field '%s': %zu hex digits", nz(file), nz(field), strlen(s));
    if (rc)
        return field_err(file, field, "malformed hex");
    return 0;
}

int seer_json_parse_address(seer_address *out, const char *s, const char *file, const char *field)
{
    if (!out || !s)
        return seer_err(SEER_EINVAL, "json_parse_address: NULL argument");
    seer_error_clear();
    if (seer_hex_decode_exact(out->bytes, 20, s))
        return field_err(file, field, "expected a 20-byte hex address");
    return 0;
}

int seer_json_address(seer_address *out, json_object *v, const char *file, const char *field)
{
    const char *s = NULL;
    int rc = seer_json_string(&s, v, file, field);
    return rc ? rc : seer_json_parse_address(out, s, file, field);
}

int seer_json_bytes32(seer_bytes32 *out, json_object *v, const char *file, const char *field)
{
    if (!out)
        return seer_err(SEER_EINVAL, "json_bytes32: NULL argument");
    const char *s;
    int rc = seer_json_string(&s, v, file, field);
    if (rc)
        return rc;
    seer_error_clear();
    if (seer_hex_decode_exact(out->bytes, 32, s))
        return field_err(file, field, "expected 32 bytes of hex");
    return 0;
}

int seer_json_parse_u256(u256 *out, const char *s, const char *file, const char *field)
{
    if (!out || !s)
        return seer_err(SEER_EINVAL, "json_parse_u256: NULL argument");
    /* Fixtures pad hex quantities with zeros ("0x00", 32-byte slots), which
     * u256_parse would count towards its 64-digit limit. */
    char buf[70];
    const char *p = s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        const char *d = p + 2;
        if (!*d)
            return seer_err(SEER_EPARSE, "%s: field '%s': empty hex quantity \"%s\"", nz(file), nz(field), s);
        while (d[0] == '0' && d[1])
            d++;
        if (strlen(d) > 64)
            return seer_err(SEER_EPARSE, "%s: field '%s': quantity \"%.80s\" exceeds 2^256-1", nz(file),
                            nz(field), s);
        snprintf(buf, sizeof buf, "0x%s", d);
        p = buf;
    }
    seer_error_clear();
    if (u256_parse(out, p))
        return field_err(file, field, "malformed quantity");
    return 0;
}

int seer_json_parse_u64(uint64_t *out, const char *s, const char *file, const char *field)
{
    if (!out || !s)
        return seer_err(SEER_EINVAL, "json_parse_u64: NULL argument");
    u256 v;
    int rc = seer_json_parse_u256(&v, s, file, field);
    if (rc)
        return rc;
    if (!u256_fits_u64(&v))
        return seer_err(SEER_EPARSE, "%s: field '%s': value %.80s exceeds 2^64-1", nz(file), nz(field), s);
    *out = v.w[0];
    return 0;
}

/* A JSON integer as uint64. json-c clamps out-of-range integers to
 * INT64_MIN / UINT64_MAX, so those two cannot be trusted. */
static int json_int_u64(uint64_t *out, json_object *v, const char *file, const char *field)
{
    int64_t i = json_object_get_int64(v);
    if (i < 0)
        return seer_err(SEER_EPARSE, "%s: field '%s': negative number %s", nz(file), nz(field),
                        json_object_to_json_string(v));
    uint64_t u = json_object_get_uint64(v);
    if (u == UINT64_MAX)
        return seer_err(SEER_EPARSE,
                        "%s: field '%s': JSON number %s at or past 2^64-1 (write it as a string)", nz(file),
                        nz(field), json_object_to_json_string(v));
    *out = u;
    return 0;
}

int seer_json_u256(u256 *out, json_object *v, const char *file, const char *field)
{
    if (!out)
        return seer_err(SEER_EINVAL, "json_u256: NULL argument");
    if (v && json_object_is_type(v, json_type_int)) {
        uint64_t u;
        int rc = json_int_u64(&u, v, file, field);
        if (rc)
            return rc;
        *out = u256_from_u64(u);
        return 0;
    }
    if (!v || !json_object_is_type(v, json_type_string))
        return seer_err(SEER_EPARSE, "%s: field '%s': expected a quantity (string or integer), got %s",
                        nz(file), nz(field), v ? type_name(v) : "null");
    return seer_json_parse_u256(out, json_object_get_string(v), file, field);
}

int seer_json_u64(uint64_t *out, json_object *v, const char *file, const char *field)
{
    if (!out)
        return seer_err(SEER_EINVAL, "json_u64: NULL argument");
    if (v && json_object_is_type(v, json_type_int))
        return json_int_u64(out, v, file, field);
    if (!v || !json_object_is_type(v, json_type_string))
        return seer_err(SEER_EPARSE, "%s: field '%s': expected a quantity (string or integer), got %s",
                        nz(file), nz(field), v ? type_name(v) : "null");
    return seer_json_parse_u64(out, json_object_get_string(v), file, field);
}

/* ---- loaders ---- */

static int expect_object(json_object *v, const char *file, const char *field)
{
    if (!v || !json_object_is_type(v, json_type_object))
        return seer_err(SEER_EPARSE, "%s: field '%s': expected an object, got %s", nz(file), nz(field),
                        v ? type_name(v) : "null");
    return 0;
}

/* Loads {slot: value} into an account that exists in the store. */
static int load_storage(seer_memstore *store, const seer_address *addr, json_object *storage,
                        const char *file, const char *prefix)
{
    char field[FIELD_MAX];
    snprintf(field, sizeof field, "%s.storage", prefix);
    int rc = expect_object(storage, file, field);
    if (rc)
        return rc;
    json_object_object_foreach(storage, key, val)
    {
        snprintf(field, sizeof field, "%s.storage.%.100s", prefix, key);
        u256 k, v;
        rc = seer_json_parse_u256(&k, key, file, field);
        if (rc)
            return rc;
        rc = seer_json_u256(&v, val, file, field);
        if (rc)
            return rc;
        rc = seer_memstore_set_storage(store, addr, &k, &v);
        if (rc)
            return rc;
    }
    return 0;
}

/* Balance and nonce, the two fields both pre-state formats share. */
static int load_balance_nonce(seer_account *acct, json_object *a, const char *file, const char *prefix)
{
    char field[FIELD_MAX];
    json_object *v;
    snprintf(field, sizeof field, "%s.balance", prefix);
    int rc = seer_json_get(&v, a, file, "balance");
    if (rc)
        return seer_err(SEER_EPARSE, "%s: field '%s': missing", nz(file), field);
    rc = seer_json_u256(&acct->balance, v, file, field);
    if (rc)
        return rc;
    snprintf(field, sizeof field, "%s.nonce", prefix);
    rc = seer_json_get(&v, a, file, "nonce");
    if (rc)
        return seer_err(SEER_EPARSE, "%s: field '%s': missing", nz(file), field);
    return seer_json_u64(&acct->nonce, v, file, field);
}

int seer_json_load_pre(seer_memstore *store, json_object *pre, const char *file)
{
    return seer_json_load_state(store, pre, file, "pre");
}

int seer_json_load_state(seer_memstore *store, json_object *pre, const char *file, const char *label)
{
    if (!store)
        return seer_err(SEER_EINVAL, "json_load_state: NULL store");
    if (!label)
        label = "state";
    int rc = expect_object(pre, file, label);
    if (rc)
        return rc;
    char prefix[PREFIX_MAX], field[FIELD_MAX];
    json_object_object_foreach(pre, key, a)
    {
        snprintf(prefix, sizeof prefix, "%.20s.%.100s", label, key);
        seer_address addr;
        rc = seer_json_parse_address(&addr, key, file, prefix);
        if (rc)
            return rc;
        rc = expect_object(a, file, prefix);
        if (rc)
            return rc;
        seer_account acct = {.exists = true, .code_hash = SEER_EMPTY_CODE_HASH};
        rc = load_balance_nonce(&acct, a, file, prefix);
        if (rc)
            return rc;
        rc = seer_memstore_set_account(store, &addr, &acct);
        if (rc)
            return rc;
        json_object *code = seer_json_get_opt(a, "code");
        if (code) {
            uint8_t *bytes;
            size_t len;
            snprintf(field, sizeof field, "%s.code", prefix);
            rc = seer_json_bytes(&bytes, &len, code, file, field);
            if (rc)
                return rc;
            rc = seer_memstore_set_code(store, &addr, bytes, len);
            free(bytes);
            if (rc)
                return rc;
        }
        json_object *storage = seer_json_get_opt(a, "storage");
        if (storage) {
            rc = load_storage(store, &addr, storage, file, prefix);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* Finds the code for a hash in bytecodes.json, whose keys are lowercase. */
static json_object *find_bytecode(json_object *bytecodes, const seer_bytes32 *hash)
{
    char key[67];
    seer_hex_encode(key, hash->bytes, 32, true);
    return seer_json_get_opt(bytecodes, key);
}

int seer_json_load_mainnet_pre(seer_memstore *store, json_object *pre_state, const char *file,
                               json_object *bytecodes, const char *bytecodes_file)
{
    if (!store)
        return seer_err(SEER_EINVAL, "json_load_mainnet_pre: NULL store");
    int rc = expect_object(pre_state, file, "(top level)");
    if (rc)
        return rc;
    char prefix[PREFIX_MAX], field[FIELD_MAX];
    json_object_object_foreach(pre_state, key, a)
    {
        snprintf(prefix, sizeof prefix, "%.100s", key);
        seer_address addr;
        rc = seer_json_parse_address(&addr, key, file, prefix);
        if (rc)
            return rc;
        rc = expect_object(a, file, prefix);
        if (rc)
            return rc;
        seer_account acct = {.exists = true, .code_hash = SEER_EMPTY_CODE_HASH};
        rc = load_balance_nonce(&acct, a, file, prefix);
        if (rc)
            return rc;
        json_object *ch = seer_json_get_opt(a, "code_hash");
        if (ch) {
            snprintf(field, sizeof field, "%s.code_hash", prefix);
            rc = seer_json_bytes32(&acct.code_hash, ch, file, field);
            if (rc)
                return rc;
        }
        if (memcmp(acct.code_hash.bytes, SEER_EMPTY_CODE_HASH.bytes, 32) != 0) {
            char hex[67];
            seer_hex_encode(hex, acct.code_hash.bytes, 32, true);
            json_object *code = find_bytecode(bytecodes, &acct.code_hash);
            if (!code)
                return seer_err(SEER_EPARSE, "%s: field '%s.code_hash': %s is not in %s", nz(file), prefix,
                                hex, nz(bytecodes_file));
            uint8_t *bytes;
            size_t len;
            rc = seer_json_bytes(&bytes, &len, code, bytecodes_file, hex);
            if (rc)
                return rc;
            seer_bytes32 got;
            rc = seer_memstore_put_code(store, &got, bytes, len);
            free(bytes);
            if (rc)
                return rc;
            if (memcmp(got.bytes, acct.code_hash.bytes, 32) != 0)
                return seer_err(SEER_EPARSE, "%s: field '%s': the code does not hash to its key",
                                nz(bytecodes_file), hex);
        }
        rc = seer_memstore_set_account(store, &addr, &acct);
        if (rc)
            return rc;
        json_object *storage = seer_json_get_opt(a, "storage");
        if (storage) {
            rc = load_storage(store, &addr, storage, file, prefix);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int seer_json_load_block_hashes(seer_memstore *store, json_object *obj, const char *file)
{
    if (!store)
        return seer_err(SEER_EINVAL, "json_load_block_hashes: NULL store");
    int rc = expect_object(obj, file, "(top level)");
    if (rc)
        return rc;
    json_object_object_foreach(obj, key, val)
    {
        uint64_t number;
        rc = seer_json_parse_u64(&number, key, file, key);
        if (rc)
            return rc;
        seer_bytes32 h;
        rc = seer_json_bytes32(&h, val, file, key);
        if (rc)
            return rc;
        rc = seer_memstore_set_block_hash(store, number, &h);
        if (rc)
            return rc;
    }
    return 0;
}

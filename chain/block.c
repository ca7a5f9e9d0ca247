/* Blocks: header and body decoding (RLP and JSON-RPC JSON), header
 * validation against the parent, the mainnet fork schedule. */
#include "chain/block.h"

#include "common/hex.h"
#include "common/keccak.h"
#include "common/rlp.h"
#include "common/util.h"
#include "conformance/json.h"
#include "state/mpt.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* keccak256(rlp([])) = keccak256(0xc0) */
const seer_bytes32 SEER_EMPTY_OMMERS_HASH = {
    {0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
     0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47}};

static const char *const ex_rlp = SEER_BLKEX("RLP_STRUCTURES_ENCODING");
static const char *const ex_rlp_addr = SEER_BLKEX("RLP_INVALID_ADDRESS");
static const char *const ex_rlp_u64 = SEER_BLKEX("RLP_INVALID_FIELD_OVERFLOW_64");

static void set_ex(const char **exception, const char *e)
{
    if (exception)
        *exception = e;
}

/* ---- RLP field readers: each error names the field and its offset ---- */

static int rlp_fixed(uint8_t *out, size_t n, const seer_rlp_item *it, const char *what, const char *field,
                     const char **exception, const char *ex)
{
    if (it->is_list || it->len != n) {
        set_ex(exception, ex);
        return seer_err(SEER_ERLP, "%s field '%s' at offset %zu: expected %zu bytes, got %s of %zu", what,
                        field, it->offset, n, it->is_list ? "a list" : "a string", it->len);
    }
    memcpy(out, it->payload, n);
    return 0;
}

static int rlp_u64(uint64_t *out, const seer_rlp_item *it, const char *what, const char *field,
                   const char **exception)
{
    if (it->is_list || it->len > 8 || (it->len > 0 && it->payload[0] == 0)) {
        set_ex(exception, it->len > 8 ? ex_rlp_u64 : ex_rlp);
        return seer_err(SEER_ERLP, "%s field '%s' at offset %zu: not a canonical 64-bit integer (%zu bytes)",
                        what, field, it->offset, it->len);
    }
    return seer_rlp_get_u64(out, it);
}

static int rlp_u256(u256 *out, const seer_rlp_item *it, const char *what, const char *field,
                    const char **exception)
{
    if (it->is_list || it->len > 32 || (it->len > 0 && it->payload[0] == 0)) {
        set_ex(exception, ex_rlp);
        return seer_err(SEER_ERLP, "%s field '%s' at offset %zu: not a canonical 256-bit integer", what,
                        field, it->offset);
    }
    return seer_rlp_get_u256(out, it);
}

/* ---- headers ---- */

static const char *const header_fields[] = {
    "parentHash",    "uncleHash",       "coinbase",    "stateRoot",     "transactionsTrie",
    "receiptTrie",   "bloom",           "difficulty",  "number",        "gasLimit",
    "gasUsed",       "timestamp",       "extraData",   "mixHash",       "nonce",
    "baseFeePerGas", "withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot"};

int seer_header_decode_item(seer_header *h, const seer_rlp_item *item, const char **exception)
{
    set_ex(exception, NULL);
    if (!h || !item)
        return SEER_EINVAL;
    memset(h, 0, sizeof *h);
    if (!item->is_list) {
        set_ex(exception, ex_rlp);
        return seer_err(SEER_ERLP, "header at offset %zu: not a list", item->offset);
    }
    seer_rlp_iter it;
    seer_rlp_item f[20];
    size_t n = 0;
    int rc = seer_rlp_iter_init(&it, item);
    while (rc >= 0) {
        seer_rlp_item x;
        rc = seer_rlp_iter_next(&it, &x);
        if (rc <= 0)
            break;
        if (n == 20) {
            set_ex(exception, ex_rlp);
            return seer_err(SEER_ERLP, "header at offset %zu: more than 20 fields (at offset %zu)",
                            item->offset, x.offset);
        }
        f[n++] = x;
    }
    if (rc < 0) {
        set_ex(exception, ex_rlp);
        return rc;
    }
    /* 15 fields up to Berlin, then one more per fork: 16 London, 17
     * Shanghai, 20 Cancun. 18 or 19 fields match no fork. */
    if (n < 15 || n == 18 || n == 19) {
        set_ex(exception, ex_rlp);
        return seer_err(SEER_ERLP, "header at offset %zu: %zu fields (15, 16, 17 or 20 expected)",
                        item->offset, n);
    }
    const char *w = "header";
    if ((rc = rlp_fixed(h->parent_hash.bytes, 32, &f[0], w, header_fields[0], exception, ex_rlp)) < 0 ||
        (rc = rlp_fixed(h->ommers_hash.bytes, 32, &f[1], w, header_fields[1], exception, ex_rlp)) < 0 ||
        (rc = rlp_fixed(h->coinbase.bytes, 20, &f[2], w, header_fields[2], exception, ex_rlp_addr)) < 0 ||
        (rc = rlp_fixed(h->state_root.bytes, 32, &f[3], w, header_fields[3], exception, ex_rlp)) < 0 ||
        (rc = rlp_fixed(h->tx_root.bytes, 32, &f[4], w, header_fields[4], exception, ex_rlp)) < 0 ||
        (rc = rlp_fixed(h->receipts_root.bytes, 32, &f[5], w, header_fields[5], exception, ex_rlp)) < 0 ||
        (rc = rlp_fixed(h->bloom, 256, &f[6], w, header_fields[6], exception, ex_rlp)) < 0 ||
        (rc = rlp_u256(&h->difficulty, &f[7], w, header_fields[7], exception)) < 0 ||
        (rc = rlp_u64(&h->number, &f[8], w, header_fields[8], exception)) < 0 ||
        (rc = rlp_u64(&h->gas_limit, &f[9], w, header_fields[9], exception)) < 0 ||
        (rc = rlp_u64(&h->gas_used, &f[10], w, header_fields[10], exception)) < 0 ||
        (rc = rlp_u64(&h->timestamp, &f[11], w, header_fields[11], exception)) < 0)
        return rc;
    if (f[12].is_list) {
        set_ex(exception, ex_rlp);
        return seer_err(SEER_ERLP, "header field 'extraData' at offset %zu: a list", f[12].offset);
    }
    h->extra_len = f[12].len;
    memcpy(h->extra, f[12].payload, h->extra_len < SEER_MAX_EXTRA_DATA ? h->extra_len : SEER_MAX_EXTRA_DATA);
    if ((rc = rlp_fixed(h->mix_hash.bytes, 32, &f[13], w, header_fields[13], exception, ex_rlp)) < 0 ||
        (rc = rlp_fixed(h->nonce, 8, &f[14], w, header_fields[14], exception, ex_rlp)) < 0)
        return rc;
    if (n > 15) {
        if ((rc = rlp_u256(&h->base_fee, &f[15], w, header_fields[15], exception)) < 0)
            return rc;
        h->has_base_fee = true;
    }
    if (n > 16) {
        if ((rc = rlp_fixed(h->withdrawals_root.bytes, 32, &f[16], w, header_fields[16], exception, ex_rlp)) <
            0)
            return rc;
        h->has_withdrawals_root = true;
    }
    if (n > 17) {
        if ((rc = rlp_u64(&h->blob_gas_used, &f[17], w, header_fields[17], exception)) < 0 ||
            (rc = rlp_u64(&h->excess_blob_gas, &f[18], w, header_fields[18], exception)) < 0 ||
            (rc = rlp_fixed(h->parent_beacon_root.bytes, 32, &f[19], w, header_fields[19], exception,
                            ex_rlp)) < 0)
            return rc;
        h->has_blob_gas = h->has_beacon_root = true;
    }
    seer_keccak256(h->hash.bytes, item->raw, item->raw_len);
    return 0;
}

int seer_header_decode(seer_header *h, const uint8_t *raw, size_t len, const char **exception)
{
    seer_rlp_item item;
    int rc = seer_rlp_decode_full(&item, raw, len);
    if (rc < 0) {
        set_ex(exception, ex_rlp);
        return seer_err_wrap(rc, "header: ");
    }
    return seer_header_decode_item(h, &item, exception);
}

int seer_header_encode(seer_buf *out, const seer_header *h)
{
    if (!out || !h || h->extra_len > SEER_MAX_EXTRA_DATA)
        return SEER_EINVAL;
    size_t m = seer_rlp_list_begin(out);
    seer_rlp_put_bytes(out, h->parent_hash.bytes, 32);
    seer_rlp_put_bytes(out, h->ommers_hash.bytes, 32);
    seer_rlp_put_bytes(out, h->coinbase.bytes, 20);
    seer_rlp_put_bytes(out, h->state_root.bytes, 32);
    seer_rlp_put_bytes(out, h->tx_root.bytes, 32);
    seer_rlp_put_bytes(out, h->receipts_root.bytes, 32);
    seer_rlp_put_bytes(out, h->bloom, 256);
    seer_rlp_put_u256(out, &h->difficulty);
    seer_rlp_put_u64(out, h->number);
    seer_rlp_put_u64(out, h->gas_limit);
    seer_rlp_put_u64(out, h->gas_used);
    seer_rlp_put_u64(out, h->timestamp);
    seer_rlp_put_bytes(out, h->extra, h->extra_len);
    seer_rlp_put_bytes(out, h->mix_hash.bytes, 32);
    seer_rlp_put_bytes(out, h->nonce, 8);
    if (h->has_base_fee)
        seer_rlp_put_u256(out, &h->base_fee);
    if (h->has_withdrawals_root)
        seer_rlp_put_bytes(out, h->withdrawals_root.bytes, 32);
    if (h->has_blob_gas) {
        seer_rlp_put_u64(out, h->blob_gas_used);
        seer_rlp_put_u64(out, h->excess_blob_gas);
    }
    if (h->has_beacon_root)
        seer_rlp_put_bytes(out, h->parent_beacon_root.bytes, 32);
    seer_rlp_list_end(out, m);
    return out->oom ? SEER_ENOMEM : 0;
}

int seer_header_rehash(seer_header *h)
{
    seer_buf b = SEER_BUF_INIT;
    int rc = seer_header_encode(&b, h);
    if (rc == 0)
        seer_keccak256(h->hash.bytes, b.p, b.len);
    seer_buf_free(&b);
    return rc;
}

/* A member under either of two names (JSON-RPC or BlockchainTests). */
static json_object *get2(json_object *o, const char *a, const char *b)
{
    json_object *v = seer_json_get_opt(o, a);
    return v ? v : (b ? seer_json_get_opt(o, b) : NULL);
}

static int json_req(json_object **v, json_object *o, const char *a, const char *b, const char *file,
                    const char *label, char *field, size_t cap)
{
    snprintf(field, cap, "%s.%s", label, a);
    *v = get2(o, a, b);
    if (!*v)
        return seer_err(SEER_EPARSE, "%s: field '%s': missing", file, field);
    return 0;
}

int seer_header_from_json(seer_header *h, json_object *o, const char *file, const char *label)
{
    if (!h || !o)
        return SEER_EINVAL;
    memset(h, 0, sizeof *h);
    if (!label)
        label = "header";
    char fld[128];
    json_object *v;
    int rc;
#define REQ(a, b) ((rc = json_req(&v, o, a, b, file, label, fld, sizeof fld)) < 0)
    if (REQ("parentHash", NULL) || (rc = seer_json_bytes32(&h->parent_hash, v, file, fld)) < 0 ||
        REQ("sha3Uncles", "uncleHash") || (rc = seer_json_bytes32(&h->ommers_hash, v, file, fld)) < 0 ||
        REQ("miner", "coinbase") || (rc = seer_json_address(&h->coinbase, v, file, fld)) < 0 ||
        REQ("stateRoot", NULL) || (rc = seer_json_bytes32(&h->state_root, v, file, fld)) < 0 ||
        REQ("transactionsRoot", "transactionsTrie") ||
        (rc = seer_json_bytes32(&h->tx_root, v, file, fld)) < 0 || REQ("receiptsRoot", "receiptTrie") ||
        (rc = seer_json_bytes32(&h->receipts_root, v, file, fld)) < 0 || REQ("difficulty", NULL) ||
        (rc = seer_json_u256(&h->difficulty, v, file, fld)) < 0 || REQ("number", NULL) ||
        (rc = seer_json_u64(&h->number, v, file, fld)) < 0 || REQ("gasLimit", NULL) ||
        (rc = seer_json_u64(&h->gas_limit, v, file, fld)) < 0 || REQ("gasUsed", NULL) ||
        (rc = seer_json_u64(&h->gas_used, v, file, fld)) < 0 || REQ("timestamp", NULL) ||
        (rc = seer_json_u64(&h->timestamp, v, file, fld)) < 0)
        return rc;
    if (REQ("logsBloom", "bloom"))
        return rc;
    uint8_t *bytes = NULL;
    size_t len = 0;
    if ((rc = seer_json_bytes(&bytes, &len, v, file, fld)) < 0)
        return rc;
    if (len != SEER_BLOOM_BYTES) {
        free(bytes);
        return seer_err(SEER_EPARSE, "%s: field '%s': %zu bytes, 256 expected", file, fld, len);
    }
    memcpy(h->bloom, bytes, len);
    free(bytes);
    if (REQ("extraData", NULL) || (rc = seer_json_bytes(&bytes, &len, v, file, fld)) < 0)
        return rc;
    h->extra_len = len;
    memcpy(h->extra, bytes, len < SEER_MAX_EXTRA_DATA ? len : SEER_MAX_EXTRA_DATA);
    free(bytes);
    if (REQ("nonce", NULL) || (rc = seer_json_bytes(&bytes, &len, v, file, fld)) < 0)
        return rc;
    if (len != 8) {
        free(bytes);
        return seer_err(SEER_EPARSE, "%s: field '%s': %zu bytes, 8 expected", file, fld, len);
    }
    memcpy(h->nonce, bytes, 8);
    free(bytes);
    if ((v = get2(o, "mixHash", NULL)) &&
        (rc = seer_json_bytes32(&h->mix_hash, v, file,
                                (snprintf(fld, sizeof fld, "%s.mixHash", label), fld))) < 0)
        return rc;
    if ((v = get2(o, "baseFeePerGas", NULL))) {
        snprintf(fld, sizeof fld, "%s.baseFeePerGas", label);
        if ((rc = seer_json_u256(&h->base_fee, v, file, fld)) < 0)
            return rc;
        h->has_base_fee = true;
    }
    if ((v = get2(o, "withdrawalsRoot", NULL))) {
        snprintf(fld, sizeof fld, "%s.withdrawalsRoot", label);
        if ((rc = seer_json_bytes32(&h->withdrawals_root, v, file, fld)) < 0)
            return rc;
        h->has_withdrawals_root = true;
    }
    if ((v = get2(o, "blobGasUsed", NULL))) {
        snprintf(fld, sizeof fld, "%s.blobGasUsed", label);
        if ((rc = seer_json_u64(&h->blob_gas_used, v, file, fld)) < 0 || REQ("excessBlobGas", NULL) ||
            (rc = seer_json_u64(&h->excess_blob_gas, v, file, fld)) < 0)
            return rc;
        h->has_blob_gas = true;
    }
    if ((v = get2(o, "parentBeaconBlockRoot", NULL))) {
        snprintf(fld, sizeof fld, "%s.parentBeaconBlockRoot", label);
        if ((rc = seer_json_bytes32(&h->parent_beacon_root, v, file, fld)) < 0)
            return rc;
        h->has_beacon_root = true;
    }
#undef REQ
    if ((v = get2(o, "hash", NULL))) {
        snprintf(fld, sizeof fld, "%s.hash", label);
        return seer_json_bytes32(&h->hash, v, file, fld);
    }
    return h->extra_len <= SEER_MAX_EXTRA_DATA ? seer_header_rehash(h) : 0;
}

/* ---- blocks ---- */

void seer_block_clear(seer_block *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->ntxs; i++) {
        if (b->txs)
            seer_tx_clear(&b->txs[i]);
        if (b->tx_raw)
            free(b->tx_raw[i]);
    }
    free(b->txs);
    free(b->tx_raw);
    free(b->tx_raw_len);
    free(b->has_from);
    free(b->from);
    free(b->uncles);
    free(b->withdrawals);
    memset(b, 0, sizeof *b);
}

static int alloc_txs(seer_block *b, size_t n)
{
    size_t c = n ? n : 1;
    b->txs = calloc(c, sizeof *b->txs);
    b->tx_raw = calloc(c, sizeof *b->tx_raw);
    b->tx_raw_len = calloc(c, sizeof *b->tx_raw_len);
    b->has_from = calloc(c, sizeof *b->has_from);
    b->from = calloc(c, sizeof *b->from);
    if (!b->txs || !b->tx_raw || !b->tx_raw_len || !b->has_from || !b->from)
        return SEER_ENOMEM;
    return 0;
}

int seer_block_decode(seer_block *b, const uint8_t *raw, size_t len, const char **exception)
{
    set_ex(exception, NULL);
    if (!b || (!raw && len))
        return SEER_EINVAL;
    memset(b, 0, sizeof *b);
    seer_rlp_item top, parts[4], x;
    seer_rlp_iter it;
    int rc = seer_rlp_decode_full(&top, raw, len);
    if (rc < 0)
        goto rlp_fail;
    if (!top.is_list) {
        rc = seer_err(SEER_ERLP, "block at offset 0: not a list");
        goto rlp_fail;
    }
    size_t n = 0;
    if ((rc = seer_rlp_iter_init(&it, &top)) < 0)
        goto rlp_fail;
    while ((rc = seer_rlp_iter_next(&it, &x)) > 0) {
        if (n == 4) {
            rc = seer_err(SEER_ERLP, "block: more than 4 parts (extra item at offset %zu)", x.offset);
            goto rlp_fail;
        }
        parts[n++] = x;
    }
    if (rc < 0)
        goto rlp_fail;
    if (n < 3) {
        rc = seer_err(SEER_ERLP, "block: %zu parts, [header, transactions, uncles(, withdrawals)] expected",
                      n);
        goto rlp_fail;
    }
    if ((rc = seer_header_decode_item(&b->header, &parts[0], exception)) < 0)
        goto fail;
    /* Withdrawals are in the body exactly when the header commits to them
     * (EIP-4895). */
    if ((n == 4) != b->header.has_withdrawals_root) {
        rc = seer_err(SEER_ERLP, "block: withdrawals %s but the header %s a withdrawals root",
                      n == 4 ? "present" : "absent", b->header.has_withdrawals_root ? "has" : "has no");
        set_ex(exception, SEER_BLKEX("RLP_WITHDRAWALS_NOT_READ"));
        goto fail;
    }
    for (size_t p = 1; p < n; p++)
        if (!parts[p].is_list) {
            rc = seer_err(SEER_ERLP, "block part %zu at offset %zu: not a list", p, parts[p].offset);
            goto rlp_fail;
        }
    int cnt = seer_rlp_list_count(&parts[1]);
    if (cnt < 0) {
        rc = cnt;
        goto rlp_fail;
    }
    if ((rc = alloc_txs(b, (size_t)cnt)) < 0)
        goto fail;
    seer_rlp_iter_init(&it, &parts[1]);
    for (size_t i = 0; (rc = seer_rlp_iter_next(&it, &x)) > 0; i++) {
        /* Legacy: the list itself; typed (EIP-2718): a string holding
         * type || payload. */
        const uint8_t *enc = x.is_list ? x.raw : x.payload;
        size_t enc_len = x.is_list ? x.raw_len : x.len;
        if (!x.is_list && (enc_len == 0 || enc[0] >= 0x80)) {
            rc = seer_err(SEER_ERLP,
                          "block transaction %zu at offset %zu: a string that is not a typed envelope", i,
                          x.offset);
            goto rlp_fail;
        }
        b->tx_raw[i] = malloc(enc_len ? enc_len : 1);
        if (!b->tx_raw[i]) {
            rc = SEER_ENOMEM;
            goto fail;
        }
        memcpy(b->tx_raw[i], enc, enc_len);
        b->tx_raw_len[i] = enc_len;
        b->ntxs = i + 1;
        const char *tex = NULL;
        if ((rc = seer_tx_decode_ex(&b->txs[i], enc, enc_len, &tex)) < 0) {
            seer_err_wrap(rc, "block transaction %zu at offset %zu: ", i, x.offset);
            set_ex(exception, tex ? tex : ex_rlp);
            goto fail;
        }
    }
    if (rc < 0)
        goto rlp_fail;
    cnt = seer_rlp_list_count(&parts[2]);
    if (cnt < 0) {
        rc = cnt;
        goto rlp_fail;
    }
    b->uncles = calloc(cnt ? (size_t)cnt : 1, sizeof *b->uncles);
    if (!b->uncles) {
        rc = SEER_ENOMEM;
        goto fail;
    }
    seer_rlp_iter_init(&it, &parts[2]);
    while ((rc = seer_rlp_iter_next(&it, &x)) > 0) {
        if ((rc = seer_header_decode_item(&b->uncles[b->nuncles], &x, exception)) < 0) {
            seer_err_wrap(rc, "uncle %zu: ", b->nuncles);
            goto fail;
        }
        b->nuncles++;
    }
    if (rc < 0)
        goto rlp_fail;
    if (n == 4) {
        b->has_withdrawals = true;
        cnt = seer_rlp_list_count(&parts[3]);
        if (cnt < 0) {
            rc = cnt;
            goto rlp_fail;
        }
        b->withdrawals = calloc(cnt ? (size_t)cnt : 1, sizeof *b->withdrawals);
        if (!b->withdrawals) {
            rc = SEER_ENOMEM;
            goto fail;
        }
        seer_rlp_iter_init(&it, &parts[3]);
        while ((rc = seer_rlp_iter_next(&it, &x)) > 0) {
            seer_withdrawal *wd = &b->withdrawals[b->nwithdrawals];
            seer_rlp_item wf[4], y;
            seer_rlp_iter wi;
            size_t k = 0;
            if ((rc = seer_rlp_iter_init(&wi, &x)) < 0)
                goto rlp_fail;
            while ((rc = seer_rlp_iter_next(&wi, &y)) > 0 && k < 4)
                wf[k++] = y;
            if (rc < 0)
                goto rlp_fail;
            if (k != 4 || rc > 0) {
                rc = seer_err(SEER_ERLP, "withdrawal %zu at offset %zu: 4 fields expected", b->nwithdrawals,
                              x.offset);
                goto rlp_fail;
            }
            const char *w = "withdrawal";
            if ((rc = rlp_u64(&wd->index, &wf[0], w, "index", exception)) < 0 ||
                (rc = rlp_u64(&wd->validator, &wf[1], w, "validatorIndex", exception)) < 0 ||
                (rc = rlp_fixed(wd->address.bytes, 20, &wf[2], w, "address", exception, ex_rlp_addr)) < 0 ||
                (rc = rlp_u64(&wd->amount_gwei, &wf[3], w, "amount", exception)) < 0)
                goto fail;
            b->nwithdrawals++;
        }
        if (rc < 0)
            goto rlp_fail;
    }
    return 0;
rlp_fail:
    set_ex(exception, ex_rlp);
fail:
    seer_block_clear(b);
    return rc;
}

/* ---- JSON-RPC blocks ---- */

static int tx_from_json(seer_tx *tx, json_object *t, const char *file, size_t idx)
{
    char fld[96];
    json_object *v;
    int rc;
    memset(tx, 0, sizeof *tx);
#define F(name) (snprintf(fld, sizeof fld, "transactions[%zu].%s", idx, name), fld)
#define REQ(name)                                                                                            \
    (!(v = seer_json_get_opt(t, name))                                                                       \
         ? (rc = seer_err(SEER_EPARSE, "%s: field '%s': missing", file, F(name))) < 0                        \
         : 0)
    uint64_t type = 0;
    if ((v = seer_json_get_opt(t, "type")) && (rc = seer_json_u64(&type, v, file, F("type"))) < 0)
        return rc;
    if (type > 3)
        return seer_err(SEER_ETX, "%s: field '%s': unknown transaction type %" PRIu64, file, F("type"), type);
    tx->type = (uint8_t)type;
    if (REQ("nonce") || (rc = seer_json_u64(&tx->nonce, v, file, F("nonce"))) < 0 || REQ("gas") ||
        (rc = seer_json_u64(&tx->gas_limit, v, file, F("gas"))) < 0 || REQ("value") ||
        (rc = seer_json_u256(&tx->value, v, file, F("value"))) < 0 || REQ("input") ||
        (rc = seer_json_bytes(&tx->data, &tx->data_len, v, file, F("input"))) < 0 || REQ("r") ||
        (rc = seer_json_u256(&tx->r, v, file, F("r"))) < 0 || REQ("s") ||
        (rc = seer_json_u256(&tx->s, v, file, F("s"))) < 0)
        return rc;
    if (tx->data_len == 0) {
        free(tx->data);
        tx->data = NULL;
    }
    if ((v = seer_json_get_opt(t, "to"))) {
        if ((rc = seer_json_address(&tx->to, v, file, F("to"))) < 0)
            return rc;
        tx->has_to = true;
    }
    if (tx->type >= 2) {
        if (REQ("maxFeePerGas") || (rc = seer_json_u256(&tx->max_fee, v, file, F("maxFeePerGas"))) < 0 ||
            REQ("maxPriorityFeePerGas") ||
            (rc = seer_json_u256(&tx->max_priority_fee, v, file, F("maxPriorityFeePerGas"))) < 0)
            return rc;
        tx->gas_price = tx->max_fee;
    } else {
        if (REQ("gasPrice") || (rc = seer_json_u256(&tx->gas_price, v, file, F("gasPrice"))) < 0)
            return rc;
        tx->max_fee = tx->max_priority_fee = tx->gas_price;
    }
    /* v: legacy as encoded (EIP-155: 35/36 + 2 * chain id); typed: the
     * y parity. */
    if ((v = seer_json_get_opt(t, tx->type ? "yParity" : "v")) == NULL && !(v = seer_json_get_opt(t, "v")))
        return seer_err(SEER_EPARSE, "%s: field '%s': missing", file, F("v"));
    if ((rc = seer_json_u256(&tx->v, v, file, F("v"))) < 0)
        return rc;
    if (tx->type == 0) {
        if (!u256_fits_u64(&tx->v))
            return seer_err(SEER_ETX, "%s: field '%s': out of range", file, F("v"));
        uint64_t vv = tx->v.w[0];
        if (vv >= 35) {
            tx->has_chain_id = true;
            tx->chain_id = (vv - 35) / 2;
        }
    } else {
        tx->has_chain_id = true;
        if (REQ("chainId") || (rc = seer_json_u64(&tx->chain_id, v, file, F("chainId"))) < 0)
            return rc;
    }
    json_object *al = tx->type >= 1 ? seer_json_get_opt(t, "accessList") : NULL;
    if (al) {
        size_t n = json_object_array_length(al);
        tx->access_list = calloc(n ? n : 1, sizeof *tx->access_list);
        if (!tx->access_list)
            return SEER_ENOMEM;
        for (size_t i = 0; i < n; i++) {
            json_object *e = json_object_array_get_idx(al, i), *keys;
            seer_access_list_entry *ae = &tx->access_list[i];
            tx->access_list_len = i + 1;
            if (!(v = seer_json_get_opt(e, "address")) ||
                (rc = seer_json_address(&ae->addr, v, file, F("accessList.address"))) < 0)
                return v ? rc
                         : seer_err(SEER_EPARSE, "%s: field '%s': missing", file, F("accessList.address"));
            keys = seer_json_get_opt(e, "storageKeys");
            size_t nk = keys ? json_object_array_length(keys) : 0;
            ae->keys = calloc(nk ? nk : 1, sizeof *ae->keys);
            if (!ae->keys)
                return SEER_ENOMEM;
            for (size_t k = 0; k < nk; k++)
                if ((rc = seer_json_bytes32(&ae->keys[k], json_object_array_get_idx(keys, k), file,
                                            F("accessList.storageKeys"))) < 0)
                    return rc;
            ae->nkeys = nk;
        }
    }
    if (tx->type == 3) {
        json_object *bh;
        if (REQ("maxFeePerBlobGas") ||
            (rc = seer_json_u256(&tx->max_fee_per_blob_gas, v, file, F("maxFeePerBlobGas"))) < 0 ||
            REQ("blobVersionedHashes"))
            return rc;
        bh = v;
        size_t n = json_object_array_length(bh);
        tx->blob_hashes = calloc(n ? n : 1, sizeof *tx->blob_hashes);
        if (!tx->blob_hashes)
            return SEER_ENOMEM;
        for (size_t i = 0; i < n; i++)
            if ((rc = seer_json_bytes32(&tx->blob_hashes[i], json_object_array_get_idx(bh, i), file,
                                        F("blobVersionedHashes"))) < 0)
                return rc;
        tx->nblob_hashes = n;
    }
#undef REQ
#undef F
    return 0;
}

int seer_block_from_json(seer_block *b, json_object *o, const char *file)
{
    if (!b || !o)
        return SEER_EINVAL;
    memset(b, 0, sizeof *b);
    int rc;
    json_object *txs, *v;
    if ((rc = seer_header_from_json(&b->header, o, file, "block")) < 0)
        goto fail;
    if ((rc = seer_json_get(&txs, o, file, "transactions")) < 0)
        goto fail;
    if (!json_object_is_type(txs, json_type_array)) {
        rc = seer_err(SEER_EPARSE, "%s: field 'transactions': not an array", file);
        goto fail;
    }
    size_t n = json_object_array_length(txs);
    if ((rc = alloc_txs(b, n)) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        json_object *t = json_object_array_get_idx(txs, i);
        char fld[64];
        b->ntxs = i + 1;
        if (!json_object_is_type(t, json_type_object)) {
            rc =
                seer_err(SEER_EPARSE, "%s: field 'transactions[%zu]': not an object (hashes only?)", file, i);
            goto fail;
        }
        if ((rc = tx_from_json(&b->txs[i], t, file, i)) < 0)
            goto fail;
        if ((rc = seer_tx_encode(&b->tx_raw[i], &b->tx_raw_len[i], &b->txs[i])) < 0)
            goto fail;
        seer_keccak256(b->txs[i].hash.bytes, b->tx_raw[i], b->tx_raw_len[i]);
        if ((v = seer_json_get_opt(t, "hash"))) {
            seer_bytes32 want;
            snprintf(fld, sizeof fld, "transactions[%zu].hash", i);
            if ((rc = seer_json_bytes32(&want, v, file, fld)) < 0)
                goto fail;
            if (memcmp(&want, &b->txs[i].hash, 32) != 0) {
                rc = seer_err(
                    SEER_EPARSE,
                    "%s: field '%s': the transaction rebuilt from its fields hashes to another value", file,
                    fld);
                goto fail;
            }
        }
        if ((v = seer_json_get_opt(t, "from"))) {
            snprintf(fld, sizeof fld, "transactions[%zu].from", i);
            if ((rc = seer_json_address(&b->from[i], v, file, fld)) < 0)
                goto fail;
            b->has_from[i] = true;
        }
    }
    json_object *wds = seer_json_get_opt(o, "withdrawals");
    if (wds) {
        size_t nw = json_object_array_length(wds);
        b->has_withdrawals = true;
        b->withdrawals = calloc(nw ? nw : 1, sizeof *b->withdrawals);
        if (!b->withdrawals) {
            rc = SEER_ENOMEM;
            goto fail;
        }
        for (size_t i = 0; i < nw; i++) {
            json_object *w = json_object_array_get_idx(wds, i);
            seer_withdrawal *wd = &b->withdrawals[i];
            char fld[64];
#define WF(name) (snprintf(fld, sizeof fld, "withdrawals[%zu].%s", i, name), fld)
#define WGET(name)                                                                                           \
    (!(v = seer_json_get_opt(w, name)) ? seer_err(SEER_EPARSE, "%s: field '%s': missing", file, WF(name)) : 0)
            if ((rc = WGET("index")) < 0 || (rc = seer_json_u64(&wd->index, v, file, WF("index"))) < 0 ||
                (rc = WGET("validatorIndex")) < 0 ||
                (rc = seer_json_u64(&wd->validator, v, file, WF("validatorIndex"))) < 0 ||
                (rc = WGET("address")) < 0 ||
                (rc = seer_json_address(&wd->address, v, file, WF("address"))) < 0 ||
                (rc = WGET("amount")) < 0 ||
                (rc = seer_json_u64(&wd->amount_gwei, v, file, WF("amount"))) < 0)
                goto fail;
#undef WGET
#undef WF
            b->nwithdrawals = i + 1;
        }
    }
    return 0;
fail:
    seer_block_clear(b);
    return rc;
}

int seer_block_admit_tx(const seer_block *b, size_t i, seer_fork fork, uint64_t chain_id,
                        const char **exception)
{
    const char *ex = NULL;
    seer_tx *tx = &b->txs[i];
    int rc = 0;
    if (!seer_tx_type_allowed(tx->type, fork)) {
        ex = seer_txex_type_not_supported;
        rc = seer_err(SEER_ETX, "transaction %zu: type %u not allowed under %s", i, tx->type,
                      seer_fork_name(fork));
    } else if ((rc = seer_tx_check_chain_id(tx, chain_id, &ex)) < 0 ||
               (rc = seer_tx_recover_sender_ex(tx, fork, &ex)) < 0) {
        seer_err_wrap(rc, "transaction %zu: ", i);
    } else if (fork >= SEER_FORK_LONDON && u256_lt(&tx->max_fee, &b->header.base_fee)) {
        /* EIP-1559's fee cap is checked before the intrinsic gas: the
         * fixtures name it when both fail. */
        ex = seer_txex_insufficient_max_fee_per_gas;
        rc = seer_err(SEER_ETX, "transaction %zu: max fee per gas below the block's base fee", i);
    } else if ((rc = seer_tx_check_static(tx, fork, &ex)) < 0) {
        seer_err_wrap(rc, "transaction %zu: ", i);
    }
    set_ex(exception, rc < 0 ? ex : NULL);
    return rc;
}

int seer_block_admit_txs(seer_block *b, seer_fork fork, uint64_t chain_id, size_t *bad,
                         const char **exception)
{
    set_ex(exception, NULL);
    if (!b)
        return SEER_EINVAL;
    for (size_t i = 0; i < b->ntxs; i++) {
        int rc = seer_block_admit_tx(b, i, fork, chain_id, exception);
        if (rc < 0) {
            if (bad)
                *bad = i;
            return rc;
        }
    }
    return 0;
}

int seer_block_tx_root(seer_bytes32 *out, const seer_block *b)
{
    return seer_mpt_index_root(out, (const uint8_t *const *)b->tx_raw, b->tx_raw_len, b->ntxs);
}

int seer_block_withdrawals_root(seer_bytes32 *out, const seer_block *b)
{
    size_t n = b->nwithdrawals;
    seer_buf *bufs = calloc(n ? n : 1, sizeof *bufs);
    const uint8_t **vals = calloc(n ? n : 1, sizeof *vals);
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    int rc = SEER_ENOMEM;
    if (!bufs || !vals || !lens)
        goto out;
    for (size_t i = 0; i < n; i++) {
        const seer_withdrawal *w = &b->withdrawals[i];
        size_t m = seer_rlp_list_begin(&bufs[i]);
        seer_rlp_put_u64(&bufs[i], w->index);
        seer_rlp_put_u64(&bufs[i], w->validator);
        seer_rlp_put_bytes(&bufs[i], w->address.bytes, 20);
        seer_rlp_put_u64(&bufs[i], w->amount_gwei);
        seer_rlp_list_end(&bufs[i], m);
        if (bufs[i].oom)
            goto out;
        vals[i] = bufs[i].p;
        lens[i] = bufs[i].len;
    }
    rc = seer_mpt_index_root(out, vals, lens, n);
out:
    if (bufs)
        for (size_t i = 0; i < n; i++)
            seer_buf_free(&bufs[i]);
    free(bufs);
    free(vals);
    free(lens);
    return rc;
}

int seer_block_ommers_hash(seer_bytes32 *out, const seer_block *b)
{
    seer_buf buf = SEER_BUF_INIT;
    size_t m = seer_rlp_list_begin(&buf);
    int rc = 0;
    for (size_t i = 0; i < b->nuncles && rc == 0; i++)
        rc = seer_header_encode(&buf, &b->uncles[i]);
    seer_rlp_list_end(&buf, m);
    if (rc == 0 && buf.oom)
        rc = SEER_ENOMEM;
    if (rc == 0)
        seer_keccak256(out->bytes, buf.p, buf.len);
    seer_buf_free(&buf);
    return rc;
}

/* ---- forks, environment, header rules ---- */

seer_fork seer_mainnet_fork(uint64_t number, uint64_t timestamp)
{
    if (timestamp >= 1710338135)
        return SEER_FORK_CANCUN;
    if (timestamp >= 1681338455)
        return SEER_FORK_SHANGHAI;
    if (number >= 15537394)
        return SEER_FORK_PARIS;
    if (number >= 12965000) /* Arrow and Gray Glacier only move the difficulty bomb */
        return SEER_FORK_LONDON;
    if (number >= 12244000)
        return SEER_FORK_BERLIN;
    if (number >= 9069000) /* Muir Glacier: difficulty bomb only */
        return SEER_FORK_ISTANBUL;
    if (number >= 7280000) /* Constantinople and Petersburg activated together */
        return SEER_FORK_PETERSBURG;
    if (number >= 4370000)
        return SEER_FORK_BYZANTIUM;
    if (number >= 2675000)
        return SEER_FORK_SPURIOUS_DRAGON;
    if (number >= 2463000)
        return SEER_FORK_TANGERINE_WHISTLE;
    if (number >= 1150000)
        return SEER_FORK_HOMESTEAD;
    return SEER_FORK_FRONTIER;
}

void seer_block_env_from_header(seer_block_env *env, const seer_header *h, seer_fork fork, uint64_t chain_id)
{
    memset(env, 0, sizeof *env);
    env->fork = fork;
    env->chain_id = chain_id;
    env->coinbase = h->coinbase;
    env->number = h->number;
    env->timestamp = h->timestamp;
    env->gas_limit = h->gas_limit;
    /* EIP-4399: from the Merge, mixHash carries PREVRANDAO. */
    if (fork >= SEER_FORK_PARIS)
        u256_from_be32(&env->prev_randao, h->mix_hash.bytes);
    else
        env->prev_randao = h->difficulty;
    env->base_fee = h->base_fee;
    env->excess_blob_gas = u256_from_u64(h->excess_blob_gas);
}

void seer_header_next_base_fee(u256 *out, const seer_header *parent)
{
    /* EIP-1559: elasticity 2, change denominator 8. */
    uint64_t target = parent->gas_limit / 2;
    if (target == 0 || parent->gas_used == target) {
        *out = parent->base_fee;
        return;
    }
    u256 delta, t = u256_from_u64(target), eight = u256_from_u64(8);
    if (parent->gas_used > target) {
        u256 d = u256_from_u64(parent->gas_used - target);
        u256_mul(&delta, &parent->base_fee, &d);
        u256_div(&delta, &delta, &t);
        u256_div(&delta, &delta, &eight);
        if (u256_is_zero(&delta))
            delta = u256_from_u64(1);
        u256_add(out, &parent->base_fee, &delta);
    } else {
        u256 d = u256_from_u64(target - parent->gas_used);
        u256_mul(&delta, &parent->base_fee, &d);
        u256_div(&delta, &delta, &t);
        u256_div(&delta, &delta, &eight);
        u256_sub(out, &parent->base_fee, &delta);
    }
}

#define TARGET_BLOB_GAS_PER_BLOCK 393216u /* EIP-4844 */

uint64_t seer_header_next_excess_blob_gas(const seer_header *parent)
{
    uint64_t sum = parent->excess_blob_gas + parent->blob_gas_used;
    return sum < TARGET_BLOB_GAS_PER_BLOCK ? 0 : sum - TARGET_BLOB_GAS_PER_BLOCK;
}

#define bad(exception, ex, ...) (set_ex((exception), (ex)), seer_err(SEER_EBLOCK, __VA_ARGS__))

int seer_header_validate(const seer_header *h, const seer_header *parent, seer_fork fork,
                         const char **exception)
{
    set_ex(exception, NULL);
    if (!h || !parent)
        return SEER_EINVAL;
    if (h->number != parent->number + 1)
        return bad(exception, SEER_BLKEX("INVALID_BLOCK_NUMBER"),
                   "header number %" PRIu64 ", parent's + 1 is %" PRIu64, h->number, parent->number + 1);
    if (h->timestamp <= parent->timestamp)
        return bad(exception, SEER_BLKEX("INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT"),
                   "header timestamp %" PRIu64 " not after the parent's %" PRIu64, h->timestamp,
                   parent->timestamp);
    if (h->extra_len > SEER_MAX_EXTRA_DATA)
        return bad(exception, SEER_BLKEX("EXTRA_DATA_TOO_BIG"), "header extraData: %zu bytes, at most %d",
                   h->extra_len, SEER_MAX_EXTRA_DATA);
    /* The gas limit moves by less than parent/1024 per block and stays at
     * least 5000; the first London block doubles its parent's (EIP-1559's
     * elasticity), which the caller's parent already reflects from then
     * on. */
    uint64_t pl = parent->gas_limit;
    if (fork >= SEER_FORK_LONDON && !parent->has_base_fee)
        pl *= 2;
    uint64_t bound = pl / 1024, diff = h->gas_limit > pl ? h->gas_limit - pl : pl - h->gas_limit;
    if (diff >= bound || h->gas_limit < 5000)
        return bad(exception, SEER_BLKEX("INVALID_GASLIMIT"),
                   "header gasLimit %" PRIu64 " too far from the parent's %" PRIu64, h->gas_limit, pl);
    if (h->gas_used > h->gas_limit)
        return bad(exception, SEER_BLKEX("GAS_USED_OVERFLOW"),
                   "header gasUsed %" PRIu64 " above gasLimit %" PRIu64, h->gas_used, h->gas_limit);
    if (fork >= SEER_FORK_LONDON) {
        if (!h->has_base_fee)
            return bad(exception, SEER_BLKEX("INVALID_BASEFEE_PER_GAS"),
                       "header: no base fee (block %" PRIu64 ")", h->number);
        u256 want = u256_from_u64(1000000000); /* the first London block: 1 gwei */
        if (parent->has_base_fee)
            seer_header_next_base_fee(&want, parent);
        if (!u256_eq(&want, &h->base_fee))
            return bad(exception, SEER_BLKEX("INVALID_BASEFEE_PER_GAS"),
                       "header baseFeePerGas differs from the EIP-1559 value (block %" PRIu64
                       ", want low word %" PRIu64 ")",
                       h->number, want.w[0]);
    }
    if (fork >= SEER_FORK_PARIS) {
        /* EIP-3675: proof of stake headers. */
        if (!u256_is_zero(&h->difficulty))
            return bad(exception, SEER_BLKEX("IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS"),
                       "header difficulty not zero after the Merge (block %" PRIu64 ")", h->number);
        static const uint8_t zero8[8];
        if (memcmp(h->nonce, zero8, 8) != 0)
            return bad(exception, SEER_BLKEX("IMPORT_IMPOSSIBLE_NONCE_OVER_PARIS"),
                       "header nonce not zero after the Merge (block %" PRIu64 ")", h->number);
        if (memcmp(&h->ommers_hash, &SEER_EMPTY_OMMERS_HASH, 32) != 0)
            return bad(exception, SEER_BLKEX("IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS"),
                       "header uncle hash not the empty list's after the Merge (block %" PRIu64 ")",
                       h->number);
    }
    if ((fork >= SEER_FORK_SHANGHAI) != h->has_withdrawals_root)
        return bad(exception, SEER_BLKEX("INCORRECT_BLOCK_FORMAT"),
                   "header withdrawalsRoot %s under %s (block %" PRIu64 ")",
                   h->has_withdrawals_root ? "present" : "absent", seer_fork_name(fork), h->number);
    if (fork >= SEER_FORK_CANCUN) {
        if (!h->has_blob_gas || !h->has_beacon_root)
            return bad(exception, SEER_BLKEX("INCORRECT_BLOCK_FORMAT"),
                       "header lacks the Cancun fields (block %" PRIu64 ")", h->number);
        uint64_t want = parent->has_blob_gas ? seer_header_next_excess_blob_gas(parent) : 0;
        if (h->excess_blob_gas != want)
            return bad(exception, SEER_BLKEX("INCORRECT_EXCESS_BLOB_GAS"),
                       "header excessBlobGas %" PRIu64 ", EIP-4844 gives %" PRIu64, h->excess_blob_gas, want);
    } else if (h->has_blob_gas || h->has_beacon_root) {
        return bad(exception, SEER_BLKEX("INCORRECT_BLOCK_FORMAT"),
                   "header has Cancun fields before Cancun (block %" PRIu64 ")", h->number);
    }
    return 0;
}

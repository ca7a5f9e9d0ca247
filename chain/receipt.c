/* Receipts, logs bloom, receipts root. */
#include "chain/receipt.h"

#include "common/keccak.h"
#include "common/rlp.h"
#include "common/util.h"
#include "state/mpt.h"

#include <stdlib.h>
#include <string.h>

void seer_receipt_clear(seer_receipt *r)
{
    if (!r)
        return;
    seer_tx_result tmp;
    memset(&tmp, 0, sizeof tmp);
    tmp.logs = r->logs;
    tmp.nlogs = r->nlogs;
    seer_tx_result_clear(&tmp); /* the logs came from a result: free them its way */
    memset(r, 0, sizeof *r);
}

void seer_bloom_add(uint8_t bloom[SEER_BLOOM_SIZE], const uint8_t *data, size_t len)
{
    uint8_t h[32];
    seer_keccak256(h, data, len);
    for (int i = 0; i < 6; i += 2) {
        unsigned bit = (((unsigned)h[i] << 8) | h[i + 1]) & 2047u;
        /* Bit 0 is the lowest bit of the last byte (big-endian 2048-bit). */
        bloom[SEER_BLOOM_SIZE - 1 - bit / 8] |= (uint8_t)(1u << (bit % 8));
    }
}

void seer_bloom_add_logs(uint8_t bloom[SEER_BLOOM_SIZE], const seer_log *logs, size_t nlogs)
{
    for (size_t i = 0; i < nlogs; i++) {
        seer_bloom_add(bloom, logs[i].addr.bytes, 20);
        for (size_t t = 0; t < logs[i].ntopics; t++)
            seer_bloom_add(bloom, logs[i].topics[t].bytes, 32);
    }
}

void seer_bloom_or(uint8_t dst[SEER_BLOOM_SIZE], const uint8_t src[SEER_BLOOM_SIZE])
{
    for (size_t i = 0; i < SEER_BLOOM_SIZE; i++)
        dst[i] |= src[i];
}

void seer_receipt_from_result(seer_receipt *r, seer_tx_result *res, uint8_t type, seer_fork fork,
                              uint64_t cumulative_gas)
{
    memset(r, 0, sizeof *r);
    r->type = type;
    r->has_status = fork >= SEER_FORK_BYZANTIUM; /* EIP-658 */
    r->status = res->status == SEER_STATUS_SUCCESS ? 1 : 0;
    r->cumulative_gas = cumulative_gas;
    r->gas_used = res->gas_used;
    r->logs = res->logs;
    r->nlogs = res->nlogs;
    res->logs = NULL;
    res->nlogs = 0;
    seer_bloom_add_logs(r->bloom, r->logs, r->nlogs);
}

int seer_receipt_encode(seer_buf *out, const seer_receipt *r)
{
    if (!out || !r || r->type > 3)
        return SEER_EINVAL;
    if (r->type)
        seer_buf_push(out, r->type);
    size_t m = seer_rlp_list_begin(out);
    if (r->has_status)
        seer_rlp_put_u64(out, r->status);
    else
        seer_rlp_put_bytes(out, r->post_state.bytes, 32);
    seer_rlp_put_u64(out, r->cumulative_gas);
    seer_rlp_put_bytes(out, r->bloom, SEER_BLOOM_SIZE);
    size_t ml = seer_rlp_list_begin(out);
    for (size_t i = 0; i < r->nlogs; i++) {
        const seer_log *l = &r->logs[i];
        size_t m1 = seer_rlp_list_begin(out);
        seer_rlp_put_bytes(out, l->addr.bytes, 20);
        size_t m2 = seer_rlp_list_begin(out);
        for (size_t t = 0; t < l->ntopics; t++)
            seer_rlp_put_bytes(out, l->topics[t].bytes, 32);
        seer_rlp_list_end(out, m2);
        seer_rlp_put_bytes(out, l->data, l->data_len);
        seer_rlp_list_end(out, m1);
    }
    seer_rlp_list_end(out, ml);
    seer_rlp_list_end(out, m);
    return out->oom ? SEER_ENOMEM : 0;
}

int seer_receipts_root(seer_bytes32 *out, const seer_receipt *rs, size_t n)
{
    if (!out || (!rs && n))
        return SEER_EINVAL;
    seer_buf all = SEER_BUF_INIT;
    size_t *offs = calloc(n + 1, sizeof *offs);
    size_t *lens = calloc(n ? n : 1, sizeof *lens);
    const uint8_t **vals = calloc(n ? n : 1, sizeof *vals);
    int rc = SEER_ENOMEM;
    if (!offs || !lens || !vals)
        goto out;
    /* One buffer for all encodings; pointers are taken after it stops
     * growing. */
    for (size_t i = 0; i < n; i++) {
        offs[i] = all.len;
        if ((rc = seer_receipt_encode(&all, &rs[i])) < 0)
            goto out;
        lens[i] = all.len - offs[i];
    }
    for (size_t i = 0; i < n; i++)
        vals[i] = all.p + offs[i];
    rc = seer_mpt_index_root(out, vals, lens, n);
out:
    seer_buf_free(&all);
    free(offs);
    free(lens);
    free(vals);
    return rc;
}

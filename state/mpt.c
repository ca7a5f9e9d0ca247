#include "state/mpt.h"

#include "common/buf.h"
#include "common/keccak.h"
#include "common/rlp.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

static inline unsigned nibble_at(const uint8_t *key, size_t i)
{
    return (i & 1) ? (key[i >> 1] & 0x0f) : (key[i >> 1] >> 4);
}

int seer_mpt_key_cmp(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    size_t m = a_len < b_len ? a_len : b_len;
    int c = m ? memcmp(a, b, m) : 0;
    if (c)
        return c;
    return (a_len > b_len) - (a_len < b_len);
}

static int kv_cmp(const void *pa, const void *pb)
{
    const seer_mpt_kv *a = pa, *b = pb;
    return seer_mpt_key_cmp(a->key, a->key_len, b->key, b->key_len);
}

void seer_mpt_sort(seer_mpt_kv *kvs, size_t n)
{
    if (n > 1)
        seer_qsort(kvs, n, sizeof *kvs, kv_cmp);
}

/* Hex-prefix encoding (Yellow Paper appendix C) of nibbles [from, to) of
 * key: the flag nibble says leaf-or-extension and odd-or-even length, so
 * a path of nibbles packs into bytes without ambiguity. */
static void put_hex_prefix(seer_buf *b, const uint8_t *key, size_t from, size_t to, int leaf)
{
    size_t n = to - from;
    uint8_t small[33];
    uint8_t *tmp = small;
    size_t len = n / 2 + 1;
    if (len > sizeof small) {
        tmp = malloc(len);
        if (!tmp) {
            b->oom = true;
            return;
        }
    }
    unsigned flag = (leaf ? 2u : 0u) | (unsigned)(n & 1);
    size_t i = from, o = 1;
    if (n & 1)
        tmp[0] = (uint8_t)(flag << 4 | nibble_at(key, i++));
    else
        tmp[0] = (uint8_t)(flag << 4);
    for (; i < to; i += 2)
        tmp[o++] = (uint8_t)(nibble_at(key, i) << 4 | nibble_at(key, i + 1));
    seer_rlp_put_bytes(b, tmp, o);
    if (tmp != small)
        free(tmp);
}

static int encode_node(seer_buf *b, const seer_mpt_kv *kv, size_t n, size_t depth, unsigned level);

/* Appends the reference to the node for kv[0..n) at nibble depth `depth`:
 * the node itself when its encoding is shorter than 32 bytes, else its
 * hash. The node is encoded in place and replaced by its hash, so one
 * buffer serves the whole trie. */
static int put_child_ref(seer_buf *b, const seer_mpt_kv *kv, size_t n, size_t depth, unsigned level)
{
    size_t mark = b->len;
    int rc = encode_node(b, kv, n, depth, level);
    if (rc)
        return rc;
    if (b->oom)
        return SEER_ENOMEM;
    size_t len = b->len - mark;
    if (len >= 32) {
        uint8_t h[32];
        seer_keccak256(h, b->p + mark, len);
        b->len = mark;
        seer_rlp_put_bytes(b, h, 32);
    }
    return 0;
}

/* Encodes the node for kv[0..n) (sorted, unique, n >= 1), all of whose
 * keys share their first `depth` nibbles. */
static int encode_node(seer_buf *b, const seer_mpt_kv *kv, size_t n, size_t depth, unsigned level)
{
    if (level > SEER_MPT_MAX_DEPTH)
        return seer_err(SEER_ELIMIT, "mpt: trie deeper than %d nodes", SEER_MPT_MAX_DEPTH);
    if (b->oom)
        return SEER_ENOMEM;

    if (n == 1) {
        size_t mark = seer_rlp_list_begin(b);
        put_hex_prefix(b, kv[0].key, depth, kv[0].key_len * 2, 1);
        seer_rlp_put_bytes(b, kv[0].val, kv[0].val_len);
        seer_rlp_list_end(b, mark);
        return b->oom ? SEER_ENOMEM : 0;
    }

    /* Sorted keys: the prefix shared by all is the one shared by the first
     * and the last. */
    const seer_mpt_kv *first = &kv[0], *last = &kv[n - 1];
    size_t fl = first->key_len * 2, ll = last->key_len * 2;
    size_t common = depth;
    while (common < fl && common < ll && nibble_at(first->key, common) == nibble_at(last->key, common))
        common++;

    if (common > depth) {
        /* Since n >= 2 and keys are unique, the child at `common` is a
         * branch (keys diverge there, or the first one ends there). */
        size_t mark = seer_rlp_list_begin(b);
        put_hex_prefix(b, first->key, depth, common, 0);
        int rc = put_child_ref(b, kv, n, common, level + 1);
        if (rc)
            return rc;
        seer_rlp_list_end(b, mark);
        return b->oom ? SEER_ENOMEM : 0;
    }

    /* Branch: a key ending exactly here sorts first and is the branch's
     * value; the rest split by their nibble at `depth`. */
    size_t mark = seer_rlp_list_begin(b);
    const seer_mpt_kv *value = NULL;
    size_t i = 0;
    if (first->key_len * 2 == depth) {
        value = first;
        i = 1;
    }
    for (unsigned nib = 0; nib < 16; nib++) {
        size_t j = i;
        while (j < n && nibble_at(kv[j].key, depth) == nib)
            j++;
        if (j == i) {
            seer_rlp_put_bytes(b, NULL, 0);
            continue;
        }
        int rc = put_child_ref(b, kv + i, j - i, depth + 1, level + 1);
        if (rc)
            return rc;
        i = j;
    }
    SEER_VERIFY(i == n);
    if (value)
        seer_rlp_put_bytes(b, value->val, value->val_len);
    else
        seer_rlp_put_bytes(b, NULL, 0);
    seer_rlp_list_end(b, mark);
    return b->oom ? SEER_ENOMEM : 0;
}

/* Sorts the non-empty pairs of a private copy and hashes the root node.
 * `sorted` is scratch of n entries, consumed. */
static int root_of_copy(seer_bytes32 *out, seer_mpt_kv *sorted, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (sorted[i].val_len == 0)
            continue;
        sorted[m++] = sorted[i];
    }
    if (m == 0) {
        static const uint8_t empty = 0x80;
        seer_keccak256(out->bytes, &empty, 1);
        return 0;
    }
    seer_mpt_sort(sorted, m);
    for (size_t i = 1; i < m; i++) {
        if (seer_mpt_key_cmp(sorted[i - 1].key, sorted[i - 1].key_len, sorted[i].key, sorted[i].key_len) == 0)
            return seer_err(SEER_EINVAL, "mpt: duplicate key of %zu bytes", sorted[i].key_len);
    }
    seer_buf b = SEER_BUF_INIT;
    int rc = encode_node(&b, sorted, m, 0, 0);
    if (rc == 0 && b.oom)
        rc = SEER_ENOMEM;
    /* The root is hashed whatever its size: only children are inlined. */
    if (rc == 0)
        seer_keccak256(out->bytes, b.p, b.len);
    seer_buf_free(&b);
    return rc;
}

static int check_args(const seer_bytes32 *out, const seer_mpt_kv *kvs, size_t n)
{
    if (!out || (!kvs && n))
        return seer_err(SEER_EINVAL, "mpt: NULL argument");
    for (size_t i = 0; i < n; i++) {
        if ((!kvs[i].key && kvs[i].key_len) || (!kvs[i].val && kvs[i].val_len))
            return seer_err(SEER_EINVAL, "mpt: pair %zu has a NULL pointer with a non-zero length", i);
    }
    return 0;
}

int seer_mpt_root(seer_bytes32 *out, const seer_mpt_kv *kvs, size_t n)
{
    int rc = check_args(out, kvs, n);
    if (rc)
        return rc;
    seer_mpt_kv *copy = NULL;
    if (n) {
        copy = malloc(n * sizeof *copy);
        if (!copy)
            return seer_err(SEER_ENOMEM, "mpt: %zu pairs", n);
        memcpy(copy, kvs, n * sizeof *copy);
    }
    rc = root_of_copy(out, copy, n);
    free(copy);
    return rc;
}

int seer_mpt_secure_root(seer_bytes32 *out, const seer_mpt_kv *kvs, size_t n)
{
    int rc = check_args(out, kvs, n);
    if (rc)
        return rc;
    if (n > SIZE_MAX / (sizeof(seer_mpt_kv) + 32))
        return seer_err(SEER_ENOMEM, "mpt: %zu pairs", n);
    seer_mpt_kv *copy = NULL;
    uint8_t *hashes = NULL;
    if (n) {
        copy = malloc(n * sizeof *copy);
        hashes = malloc(n * 32);
        if (!copy || !hashes) {
            rc = seer_err(SEER_ENOMEM, "mpt: %zu pairs", n);
            goto cleanup;
        }
    }
    for (size_t i = 0; i < n; i++) {
        seer_keccak256(hashes + 32 * i, kvs[i].key, kvs[i].key_len);
        copy[i] = kvs[i];
        copy[i].key = hashes + 32 * i;
        copy[i].key_len = 32;
    }
    rc = root_of_copy(out, copy, n);
cleanup:
    free(copy);
    free(hashes);
    return rc;
}

int seer_mpt_index_root(seer_bytes32 *out, const uint8_t *const *vals, const size_t *lens, size_t n)
{
    if (!out || (n && (!vals || !lens)))
        return seer_err(SEER_EINVAL, "mpt: NULL argument");
    if (n > SIZE_MAX / (sizeof(seer_mpt_kv) + 9))
        return seer_err(SEER_ENOMEM, "mpt: %zu items", n);
    int rc = 0;
    seer_mpt_kv *kvs = NULL;
    uint8_t *keys = NULL;
    if (n) {
        kvs = malloc(n * sizeof *kvs);
        keys = malloc(n * 9);
        if (!kvs || !keys) {
            rc = seer_err(SEER_ENOMEM, "mpt: %zu items", n);
            goto cleanup;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!lens[i] || !vals[i]) {
            rc = seer_err(SEER_EINVAL, "mpt: item %zu is empty", i);
            goto cleanup;
        }
        /* rlp(i) is at most 9 bytes; written in place without a buffer. */
        uint8_t *k = keys + 9 * i;
        size_t kl;
        if (i == 0) {
            k[0] = 0x80;
            kl = 1;
        } else if (i < 0x80) {
            k[0] = (uint8_t)i;
            kl = 1;
        } else {
            uint8_t be[8];
            size_t nb = 0;
            for (uint64_t v = i; v; v >>= 8)
                be[nb++] = (uint8_t)v;
            k[0] = (uint8_t)(0x80 + nb);
            for (size_t j = 0; j < nb; j++)
                k[1 + j] = be[nb - 1 - j];
            kl = 1 + nb;
        }
        kvs[i] = (seer_mpt_kv){k, kl, vals[i], lens[i]};
    }
    rc = root_of_copy(out, kvs, n);
cleanup:
    free(kvs);
    free(keys);
    return rc;
}

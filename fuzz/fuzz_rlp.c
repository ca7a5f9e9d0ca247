/* libFuzzer target: random bytes into the strict RLP decoder
 * (common/rlp.h).
 *
 * The oracle: the decoder never reads outside its input (ASan) and agrees
 * with itself: seer_rlp_decode_full accepts exactly what seer_rlp_decode
 * followed by seer_rlp_validate accepts; an accepted input is canonical, so
 * encoding the decoded tree again gives back the input byte for byte; the
 * iterator visits exactly seer_rlp_list_count items; the integer readers
 * accept a string iff it is a minimal big-endian number of their width and
 * then read back the same bytes. A violated property aborts. */
#include "common/buf.h"
#include "common/rlp.h"
#include "common/u256.h"
#include "seer/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                                     \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "fuzz_rlp: %s failed at line %d\n", #cond, __LINE__);                            \
            abort();                                                                                         \
        }                                                                                                    \
    } while (0)

/* Nesting deeper than this is re-encoded no further (the decoder itself is
 * iterative; this checker recurses). A 4 KiB input nests at most 4096. */
#define MAX_DEPTH 2048

static void check_int(const seer_rlp_item *it)
{
    bool minimal = it->len == 0 || it->payload[0] != 0;
    uint64_t v64;
    int rc = seer_rlp_get_u64(&v64, it);
    FUZZ_CHECK((rc == 0) == (minimal && it->len <= 8));
    if (rc == 0)
        for (size_t i = 0; i < it->len; i++)
            FUZZ_CHECK(it->payload[i] == (uint8_t)(v64 >> (8 * (it->len - 1 - i))));
    u256 v;
    rc = seer_rlp_get_u256(&v, it);
    FUZZ_CHECK((rc == 0) == (minimal && it->len <= 32));
    if (rc == 0) {
        uint8_t be[32];
        size_t n = u256_to_be_min(be, &v);
        FUZZ_CHECK(n == it->len && (n == 0 || memcmp(be, it->payload, n) == 0));
    }
}

/* Re-encodes a validated item into b. */
static void reencode(seer_buf *b, const seer_rlp_item *it, int depth)
{
    if (!it->is_list) {
        check_int(it);
        seer_rlp_put_bytes(b, it->payload, it->len);
        return;
    }
    int count = seer_rlp_list_count(it);
    FUZZ_CHECK(count >= 0);
    size_t mark = seer_rlp_list_begin(b);
    seer_rlp_iter iter;
    FUZZ_CHECK(seer_rlp_iter_init(&iter, it) == 0);
    seer_rlp_item child;
    int n = 0, rc;
    while ((rc = seer_rlp_iter_next(&iter, &child)) == 1) {
        FUZZ_CHECK(child.raw >= it->payload && child.raw + child.raw_len <= it->payload + it->len);
        if (depth < MAX_DEPTH)
            reencode(b, &child, depth + 1);
        else
            seer_rlp_put_raw(b, child.raw, child.raw_len);
        n++;
    }
    FUZZ_CHECK(rc == 0 && n == count);
    seer_rlp_list_end(b, mark);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seer_rlp_item top, top2;
    int full = seer_rlp_decode_full(&top, data, size);
    int shallow = seer_rlp_decode(&top2, data, size);
    FUZZ_CHECK(full == 0 || full == SEER_ERLP || full == SEER_ENOMEM);
    FUZZ_CHECK(shallow == 0 || shallow == SEER_ERLP);
    if (full == 0)
        FUZZ_CHECK(shallow == 0);
    if (shallow == 0) {
        FUZZ_CHECK(top2.raw == data && top2.raw_len == size && top2.offset == 0);
        FUZZ_CHECK(top2.payload + top2.len == data + size);
        int v = seer_rlp_validate(&top2);
        FUZZ_CHECK(v == 0 || v == SEER_ERLP || v == SEER_ENOMEM);
        if (v != SEER_ENOMEM && full != SEER_ENOMEM)
            FUZZ_CHECK((v == 0) == (full == 0));
    }
    if (full == 0) {
        seer_buf b = {0};
        reencode(&b, &top, 0);
        FUZZ_CHECK(!b.oom);
        FUZZ_CHECK(b.len == size && memcmp(b.p, data, size) == 0);
        seer_buf_free(&b);
    }
    return 0;
}

/* Hex strings <-> bytes. Offsets in error details count characters from the
 * start of the string as given, prefix included, so they point at the
 * character a user sees in the input file. */
#include "common/hex.h"

#include "common/util.h"

#include <stdlib.h>

static inline int hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20; /* folds 'A'..'F' onto 'a'..'f'; other characters stay invalid */
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static inline size_t hex_prefix_len(const char *hex, size_t hexlen)
{
    return hexlen >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X') ? 2 : 0;
}

int seer_hex_decode(uint8_t *out, size_t cap, size_t *outlen, const char *hex, size_t hexlen)
{
    if (!outlen || (!hex && hexlen > 0))
        return seer_err(SEER_EINVAL, "hex: NULL argument");
    *outlen = 0;
    size_t pre = hex_prefix_len(hex, hexlen);
    size_t digits = hexlen - pre;
    if (digits % 2 != 0)
        return seer_err(SEER_EHEX, "hex: odd number of digits (%zu), unpaired digit at offset %zu", digits,
                        hexlen - 1);
    size_t n = digits / 2;
    if (n > cap)
        return seer_err(SEER_EHEX, "hex: %zu bytes do not fit in %zu, excess starts at offset %zu", n, cap,
                        pre + 2 * cap);
    if (n > 0 && !out)
        return seer_err(SEER_EINVAL, "hex: NULL output buffer");
    const unsigned char *s = (const unsigned char *)hex + pre;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (SEER_UNLIKELY((hi | lo) < 0)) {
            size_t at = hi < 0 ? 2 * i : 2 * i + 1;
            return seer_err(SEER_EHEX, "hex: invalid character 0x%02x at offset %zu", s[at], pre + at);
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *outlen = n;
    return 0;
}

int seer_hex_decode_alloc(uint8_t **out, size_t *outlen, const char *hex)
{
    if (!out || !outlen || !hex)
        return seer_err(SEER_EINVAL, "hex: NULL argument");
    *out = NULL;
    *outlen = 0;
    size_t hexlen = strlen(hex);
    size_t cap = (hexlen - hex_prefix_len(hex, hexlen)) / 2;
    /* At least one byte, so that success always yields a non-NULL buffer. */
    uint8_t *p = malloc(cap > 0 ? cap : 1);
    if (!p)
        return seer_err(SEER_ENOMEM, "hex: cannot allocate %zu bytes", cap);
    int rc = seer_hex_decode(p, cap, outlen, hex, hexlen);
    if (rc < 0) {
        free(p);
        return rc;
    }
    *out = p;
    return 0;
}

int seer_hex_decode_exact(uint8_t *out, size_t n, const char *hex)
{
    if (!hex || (!out && n > 0))
        return seer_err(SEER_EINVAL, "hex: NULL argument");
    size_t hexlen = strlen(hex);
    size_t digits = hexlen - hex_prefix_len(hex, hexlen);
    /* The length is checked first so that nothing is written for a value
     * of the wrong size (a 19-byte "address", a truncated hash). */
    if (digits != 2 * n)
        return seer_err(SEER_EHEX, "hex: expected %zu bytes (%zu digits), got %zu digits", n, 2 * n, digits);
    size_t got;
    return seer_hex_decode(out, n, &got, hex, hexlen);
}

char *seer_hex_encode(char *out, const uint8_t *in, size_t len, bool prefix)
{
    static const char digits[] = "0123456789abcdef";
    char *p = out;
    if (prefix) {
        *p++ = '0';
        *p++ = 'x';
    }
    for (size_t i = 0; i < len; i++) {
        *p++ = digits[in[i] >> 4];
        *p++ = digits[in[i] & 15];
    }
    *p = 0;
    return out;
}

#include "common/util.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char err_detail[1024];

const char *seer_strerror(int err)
{
    switch (err) {
    case SEER_OK: return "success";
    case SEER_EINVAL: return "invalid argument";
    case SEER_ENOMEM: return "out of memory";
    case SEER_EIO: return "input/output error";
    case SEER_EPARSE: return "malformed input";
    case SEER_ERLP: return "malformed RLP";
    case SEER_EHEX: return "malformed hex string";
    case SEER_ESIG: return "invalid signature";
    case SEER_ETX: return "invalid transaction";
    case SEER_EBLOCK: return "invalid block";
    case SEER_EMAPFULL: return "state store map is full";
    case SEER_EDBVERSION: return "state store schema version mismatch";
    case SEER_EDBCORRUPT: return "state store is corrupt or not a seer store";
    case SEER_EREADONLY: return "read-only path or store";
    case SEER_ENOTFOUND: return "not found";
    case SEER_EMISMATCH: return "result mismatch";
    case SEER_ELIMIT: return "limit exceeded";
    case SEER_EUNSUPPORTED: return "unsupported";
    case SEER_EINTERNAL: return "internal error";
    default: return "unknown error";
    }
}

const char *seer_error_detail(void)
{
    return err_detail;
}

void seer_error_clear(void)
{
    err_detail[0] = 0;
}

int seer_err(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err_detail, sizeof err_detail, fmt, ap);
    va_end(ap);
    return code;
}

int seer_err_wrap(int code, const char *fmt, ...)
{
    char prefix[512], old[sizeof err_detail];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err_detail, sizeof old);
    size_t n = strlen(prefix);
    if (n >= sizeof err_detail)
        n = sizeof err_detail - 1;
    memcpy(err_detail, prefix, n);
    size_t rest = sizeof err_detail - 1 - n, ol = strlen(old);
    if (ol > rest)
        ol = rest;
    memcpy(err_detail + n, old, ol);
    err_detail[n + ol] = 0;
    return code;
}

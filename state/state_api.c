/* The public state API (include/seer/state.h) over the LMDB store. The
 * JSON import lives in conformance/import.c (it needs the fixture JSON
 * readers). */
#include "seer/state.h"

#include "common/util.h"
#include "state/lmdb.h"

#include <stdlib.h>

struct seer_state {
    seer_lmdb *db;
};

seer_lmdb *seer_state_lmdb(struct seer_state *st)
{
    return st ? st->db : NULL;
}

const char *seer_state_default_dir(void)
{
    const char *env = getenv("SEER_DB");
    return env && *env ? env : "./seer-data";
}

int seer_state_open(seer_state **out, const char *dir, const seer_state_options *opts)
{
    if (!out || !dir)
        return seer_err(SEER_EINVAL, "state_open: NULL argument");
    *out = NULL;
    seer_lmdb_options lo = SEER_LMDB_OPTIONS_INIT;
    if (opts) {
        if (opts->version != SEER_STATE_OPTIONS_VERSION)
            return seer_err(SEER_EINVAL, "state_open: options version %u (expected %d)", opts->version,
                            SEER_STATE_OPTIONS_VERSION);
        lo.read_only = opts->read_only;
        lo.create = opts->create;
        lo.map_size = opts->map_size;
        lo.max_map_size = opts->max_map_size;
    }
    seer_state *st = calloc(1, sizeof *st);
    if (!st)
        return seer_err(SEER_ENOMEM, "state_open");
    int err = seer_lmdb_open(&st->db, dir, &lo);
    if (err) {
        free(st);
        return err;
    }
    *out = st;
    return 0;
}

void seer_state_close(seer_state *st)
{
    if (!st)
        return;
    seer_lmdb_close(st->db);
    free(st);
}

int seer_state_stat_get(seer_state *st, seer_state_stat *out)
{
    if (!st || !out)
        return seer_err(SEER_EINVAL, "state_stat_get: NULL argument");
    seer_lmdb_stat ls;
    int err = seer_lmdb_stat_get(st->db, &ls);
    if (err)
        return err;
    out->accounts = ls.accounts;
    out->slots = ls.slots;
    out->codes = ls.codes;
    out->bytes = ls.bytes;
    out->map_size = ls.map_size;
    out->schema = ls.schema;
    out->has_block = ls.has_block;
    out->block_number = ls.block_number;
    out->block_hash = ls.block_hash;
    return 0;
}

int seer_state_root(seer_state *st, seer_bytes32 *out)
{
    if (!st || !out)
        return seer_err(SEER_EINVAL, "state_root: NULL argument");
    return seer_lmdb_state_root(st->db, out);
}

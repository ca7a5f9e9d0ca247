/* Helpers the conformance runners share (conformance/runner.h). */
#include "conformance/runner.h"

#include "common/hex.h"
#include "common/util.h"
#include "conformance/json.h"
#include "scheduler/sched.h"

#include <string.h>

int seer_conf_file_open(seer_conf_file *f, const char *path, const char *run_regex)
{
    memset(f, 0, sizeof *f);
    if (run_regex) {
        if (regcomp(&f->re, run_regex, REG_EXTENDED | REG_NOSUB) != 0)
            return seer_err(SEER_EINVAL, "--run: invalid regular expression '%s'", run_regex);
        f->have_re = true;
    }
    int rc = seer_json_parse_file(&f->doc, path);
    if (rc < 0)
        return rc;
    if (!json_object_is_type(f->doc, json_type_object))
        return seer_err(SEER_EPARSE, "%s: the top level is not a JSON object", path);
    return 0;
}

void seer_conf_file_close(seer_conf_file *f)
{
    if (f->doc)
        json_object_put(f->doc);
    if (f->have_re)
        regfree(&f->re);
    memset(f, 0, sizeof *f);
}

bool seer_conf_file_selected(const seer_conf_file *f, const char *name)
{
    return !f->have_re || regexec(&f->re, name, 0, NULL, 0) == 0;
}

void seer_conf_hex32(char out[67], const seer_bytes32 *h)
{
    seer_hex_encode(out, h->bytes, 32, true);
}

int seer_conf_exec_block(seer_block_result *out, const seer_exec_target *t, const seer_exec_options *opts,
                         const seer_block *b, seer_fork fork, unsigned threads, seer_analyzer *an)
{
    if (threads == 0)
        return seer_exec_block(out, t, opts, b, fork, 1);
    seer_par_options po = SEER_PAR_OPTIONS_INIT;
    po.threads = threads;
    po.analyzer = an;
    po.min_parallelism = 0; /* the parallel machinery even for one transaction */
    return seer_par_exec_block(out, NULL, t, opts, b, NULL, b->ntxs, fork, 1, &po, NULL);
}

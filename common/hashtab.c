/* The per-thread flag through which uthash_nonfatal_oom (see hashtab.h)
 * reports a failed allocation inside SEER_HASH_ADD. Thread-local because
 * every worker thread owns its own tables and adds concurrently. */
#include "common/hashtab.h"

_Thread_local bool *seer_hash_oom_flag;

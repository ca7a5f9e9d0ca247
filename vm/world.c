/* The world: a transaction's journaled overlay over a read-only base state,
 * the host vtable the interpreter runs against, and the transaction rules.
 *
 * Every change goes through the journal, so a frame's snapshot is the
 * journal length (plus the log count and the refund counter) and a revert
 * pops entries restoring old values. The base is read lazily, once per
 * account and slot; that first read is what the access record calls a read
 * when the transaction actually observed the value. */
#include "vm/world.h"

#include "common/hashtab.h"
#include "common/keccak.h"
#include "common/rlp.h"
#include "common/util.h"
#include "vm/analysis.h"
#include "vm/interp.h"
#include "vm/precompiles.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CALL_DEPTH 1024
#define MAX_CODE_SIZE  24576  /* EIP-170 */
#define GAS_PER_BLOB   131072 /* EIP-4844: 2^17 */

enum {
    READ_BALANCE = 1 << SEER_KEY_BALANCE,
    READ_NONCE = 1 << SEER_KEY_NONCE,
    READ_CODE = 1 << SEER_KEY_CODE,
    READ_EXISTS = 1 << SEER_KEY_EXISTS,
};

typedef struct wslot {
    u256 key; /* hash key: 32 bytes, no padding */
    UT_hash_handle hh;
    u256 original; /* value at the start of the transaction */
    u256 current;
    bool warm;
    bool read; /* the transaction observed the base value */
} wslot;

typedef struct wacct {
    seer_address addr; /* hash key */
    UT_hash_handle hh;
    seer_account base; /* as the reader showed it */
    u256 balance;
    uint64_t nonce;
    bool exists;
    seer_bytes32 code_hash;
    const uint8_t *code; /* borrowed from the reader, or new_code */
    size_t code_len;
    bool code_loaded;
    uint8_t *new_code; /* deployed in this transaction (owned) */
    bool code_changed;
    bool storage_cleared;
    bool created;    /* created in this transaction (EIP-6780) */
    bool destructed; /* self-destructed in this transaction */
    bool touched;    /* EIP-161 */
    bool warm;       /* EIP-2929 */
    uint8_t read_mask;
    wslot *slots;
    wslot *tslots;          /* transient storage (EIP-1153) */
    struct wacct *next_all; /* every account, in load order, for clean-up */
} wacct;

typedef enum jkind {
    J_BALANCE,
    J_NONCE,
    J_EXISTS,
    J_CODE,
    J_STORAGE,
    J_TSTORAGE,
    J_WARM_ACCT,
    J_WARM_SLOT,
    J_TOUCH,
    J_DESTRUCT,
    J_CREATED,
    J_CLEARED,
} jkind;

typedef struct jentry {
    jkind kind;
    wacct *a;
    wslot *s;
    union {
        u256 u;
        uint64_t n;
        bool b;
        struct {
            seer_bytes32 hash;
            const uint8_t *code;
            size_t len;
            uint8_t *new_code;
            bool changed, loaded;
        } code;
    } old;
} jentry;

typedef struct snapshot {
    size_t journal_len;
    size_t nlogs;
    int64_t refund;
} snapshot;

struct seer_world {
    seer_state_reader reader;
    seer_block_env env;
    const void *tracer;
    seer_vm_config vmcfg;
    seer_code_cache *code_cache; /* shared, or own_cache */
    seer_code_cache *own_cache;
    seer_tx_context txctx;
    u256 blob_base_fee;

    wacct *accts;     /* hash by address */
    wacct *all_accts; /* list of every wacct for freeing */
    /* Accounts and slots of finished transactions, kept for the next ones:
     * a world runs thousands of transactions in a row (a parallel worker),
     * and malloc/free per account and slot was a visible share of them. */
    wacct *spare_accts; /* linked by next_all */
    wslot *spare_slots; /* linked by hh.next */
    size_t nspare_accts, nspare_slots;
    jentry *journal;
    size_t jlen, jcap;
    seer_log *logs;
    size_t nlogs, logcap;
    int64_t refund;
    int err; /* latched store failure (first one wins) */

    /* Output of the last child frame per depth; valid until the next call
     * from the same parent (host.h's lifetime rule). */
    uint8_t *ret[MAX_CALL_DEPTH + 2];
    size_t ret_used; /* entries of ret[] below this may be set */

    /* Results of the last transaction. */
    seer_changeset cs;
    seer_account_change *cs_accts;
    size_t cs_cap;
    seer_slot_change *cs_slots;
    size_t cs_slot_cap;
    seer_key *reads, *writes;
    size_t nreads, nwrites, reads_cap, writes_cap;
    u256 coinbase_fee;
    bool coinbase_read;
};

static const seer_host_vt world_host_vt;

/* ------------------------------------------------------------------ */
/* overlay basics                                                      */

static void latch(seer_world *w, int err)
{
    if (w->err == 0)
        w->err = err;
}

/* Spare lists are bounded so one huge transaction does not pin its
 * working set for the world's life. */
#define SPARE_MAX 4096

static wacct *acct_alloc(seer_world *w)
{
    wacct *a = w->spare_accts;
    if (!a)
        return calloc(1, sizeof *a);
    w->spare_accts = a->next_all;
    w->nspare_accts--;
    memset(a, 0, sizeof *a);
    return a;
}

/* Takes an account out of use; its tables must already be cleared. */
static void acct_release(seer_world *w, wacct *a)
{
    free(a->new_code);
    if (w->nspare_accts >= SPARE_MAX) {
        free(a);
        return;
    }
    a->new_code = NULL;
    a->next_all = w->spare_accts;
    w->spare_accts = a;
    w->nspare_accts++;
}

static wslot *slot_alloc(seer_world *w)
{
    wslot *s = w->spare_slots;
    if (!s)
        return calloc(1, sizeof *s);
    w->spare_slots = s->hh.next;
    w->nspare_slots--;
    memset(s, 0, sizeof *s);
    return s;
}

static void slot_release(seer_world *w, wslot *s)
{
    if (w->nspare_slots >= SPARE_MAX) {
        free(s);
        return;
    }
    s->hh.next = w->spare_slots;
    w->spare_slots = s;
    w->nspare_slots++;
}

static wacct *acct_get(seer_world *w, const seer_address *addr)
{
    wacct *a = NULL;
    HASH_FIND(hh, w->accts, addr, sizeof *addr, a);
    if (a)
        return a;
    a = acct_alloc(w);
    if (!a) {
        latch(w, SEER_ENOMEM);
        return NULL;
    }
    a->addr = *addr;
    int rc = w->reader.vt->get_account(w->reader.ctx, addr, &a->base);
    if (rc < 0) {
        acct_release(w, a);
        latch(w, rc);
        return NULL;
    }
    if (!a->base.exists) {
        memset(&a->base, 0, sizeof a->base);
        a->base.code_hash = SEER_EMPTY_CODE_HASH;
    }
    a->balance = a->base.balance;
    a->nonce = a->base.nonce;
    a->exists = a->base.exists;
    a->code_hash = a->base.code_hash;
    bool oom = false;
    SEER_HASH_ADD(hh, w->accts, &a->addr, sizeof a->addr, a, &oom);
    if (oom) {
        acct_release(w, a);
        latch(w, SEER_ENOMEM);
        return NULL;
    }
    a->next_all = w->all_accts;
    w->all_accts = a;
    return a;
}

/* A stand-in for a failed load: all zero, so host calls can carry on until
 * the transaction ends with the latched error. */
static wacct *acct_or_dummy(seer_world *w, const seer_address *addr)
{
    static _Thread_local wacct dummy;
    wacct *a = acct_get(w, addr);
    if (a)
        return a;
    memset(&dummy, 0, sizeof dummy);
    dummy.code_hash = SEER_EMPTY_CODE_HASH;
    return &dummy;
}

static bool jpush(seer_world *w, const jentry *e)
{
    if (w->jlen == w->jcap) {
        size_t ncap = w->jcap ? w->jcap * 2 : 256;
        jentry *n = realloc(w->journal, ncap * sizeof *n);
        if (!n) {
            latch(w, SEER_ENOMEM);
            return false;
        }
        w->journal = n;
        w->jcap = ncap;
    }
    w->journal[w->jlen++] = *e;
    return true;
}

static void code_load(seer_world *w, wacct *a)
{
    if (a->code_loaded)
        return;
    a->code_loaded = true;
    if (memcmp(&a->code_hash, &SEER_EMPTY_CODE_HASH, 32) == 0) {
        a->code = NULL;
        a->code_len = 0;
        return;
    }
    int rc = w->reader.vt->get_code(w->reader.ctx, &a->code_hash, &a->code, &a->code_len);
    if (rc < 0) {
        seer_err_wrap(rc, "code of an account: ");
        latch(w, rc);
        a->code = NULL;
        a->code_len = 0;
    }
}

static bool acct_is_empty(const wacct *a)
{
    return a->nonce == 0 && u256_is_zero(&a->balance) &&
           memcmp(&a->code_hash, &SEER_EMPTY_CODE_HASH, 32) == 0;
}

static void set_balance(seer_world *w, wacct *a, const u256 *v)
{
    jentry e = {.kind = J_BALANCE, .a = a, .old.u = a->balance};
    if (jpush(w, &e))
        a->balance = *v;
}

static void set_nonce(seer_world *w, wacct *a, uint64_t n)
{
    jentry e = {.kind = J_NONCE, .a = a, .old.n = a->nonce};
    if (jpush(w, &e))
        a->nonce = n;
}

static void set_exists(seer_world *w, wacct *a, bool v)
{
    if (a->exists == v)
        return;
    jentry e = {.kind = J_EXISTS, .a = a, .old.b = a->exists};
    if (jpush(w, &e))
        a->exists = v;
}

static void touch(seer_world *w, wacct *a)
{
    if (a->touched)
        return;
    jentry e = {.kind = J_TOUCH, .a = a, .old.b = false};
    if (jpush(w, &e))
        a->touched = true;
}

static void set_flag(seer_world *w, wacct *a, jkind kind, bool *flag)
{
    if (*flag)
        return;
    jentry e = {.kind = kind, .a = a, .old.b = false};
    if (jpush(w, &e))
        *flag = true;
}

/* Credits or debits: the recipient "exists" afterwards (pre-EIP-161 any
 * credit creates the account; after it, an empty one is swept at the end
 * of the transaction). */
static void add_balance(seer_world *w, wacct *a, const u256 *v)
{
    u256 nb;
    u256_add(&nb, &a->balance, v);
    set_balance(w, a, &nb);
    set_exists(w, a, true);
    touch(w, a);
}

static void sub_balance(seer_world *w, wacct *a, const u256 *v)
{
    u256 nb;
    u256_sub(&nb, &a->balance, v);
    set_balance(w, a, &nb);
    touch(w, a);
}

/* Inserts a zeroed slot under `key` into *table (storage or transient). */
static wslot *slot_insert(seer_world *w, wslot **table, const u256 *key, const u256 *original)
{
    wslot *s = slot_alloc(w);
    if (!s) {
        latch(w, SEER_ENOMEM);
        return NULL;
    }
    s->key = *key;
    s->original = s->current = *original;
    bool oom = false;
    SEER_HASH_ADD(hh, *table, &s->key, sizeof s->key, s, &oom);
    if (oom) {
        slot_release(w, s);
        latch(w, SEER_ENOMEM);
        return NULL;
    }
    return s;
}

static wslot *slot_get(seer_world *w, wacct *a, const u256 *key)
{
    wslot *s = NULL;
    HASH_FIND(hh, a->slots, key, sizeof *key, s);
    if (s)
        return s;
    u256 original = U256_ZERO;
    if (!a->storage_cleared && a->base.exists) {
        int rc = w->reader.vt->get_storage(w->reader.ctx, &a->addr, key, &original);
        if (rc < 0) {
            latch(w, rc);
            return NULL;
        }
    }
    return slot_insert(w, &a->slots, key, &original);
}

static wslot *tslot_get(seer_world *w, wacct *a, const u256 *key, bool create)
{
    wslot *s = NULL;
    HASH_FIND(hh, a->tslots, key, sizeof *key, s);
    if (s || !create)
        return s;
    return slot_insert(w, &a->tslots, key, &U256_ZERO);
}

static snapshot take_snapshot(const seer_world *w)
{
    return (snapshot){w->jlen, w->nlogs, w->refund};
}

static void log_free(seer_log *l)
{
    free(l->topics);
    free(l->data);
    memset(l, 0, sizeof *l);
}

static const seer_address RIPEMD_ADDR = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}};

static void revert_to(seer_world *w, const snapshot *sn)
{
    while (w->jlen > sn->journal_len) {
        jentry *e = &w->journal[--w->jlen];
        wacct *a = e->a;
        switch (e->kind) {
        case J_BALANCE: a->balance = e->old.u; break;
        case J_NONCE: a->nonce = e->old.n; break;
        case J_EXISTS: a->exists = e->old.b; break;
        case J_CODE:
            if (a->new_code && a->new_code != e->old.code.new_code)
                free(a->new_code);
            a->code_hash = e->old.code.hash;
            a->code = e->old.code.code;
            a->code_len = e->old.code.len;
            a->new_code = e->old.code.new_code;
            a->code_changed = e->old.code.changed;
            a->code_loaded = e->old.code.loaded;
            break;
        case J_STORAGE: e->s->current = e->old.u; break;
        case J_TSTORAGE: e->s->current = e->old.u; break;
        case J_WARM_ACCT: a->warm = false; break;
        case J_WARM_SLOT: e->s->warm = false; break;
        case J_TOUCH:
            /* The touch of RIPEMD-160 (0x03) survives a revert: mainnet
             * block 2,675,119 cleared it that way and the consensus kept
             * it (see EIP-716 discussion; geth's journal does the same). */
            if (memcmp(&a->addr, &RIPEMD_ADDR, sizeof RIPEMD_ADDR) != 0)
                a->touched = false;
            break;
        case J_DESTRUCT: a->destructed = false; break;
        case J_CREATED: a->created = false; break;
        case J_CLEARED: a->storage_cleared = false; break;
        }
    }
    while (w->nlogs > sn->nlogs)
        log_free(&w->logs[--w->nlogs]);
    w->refund = sn->refund;
}

/* ------------------------------------------------------------------ */
/* host vtable                                                         */

static bool h_account_exists(void *ctx, const seer_address *addr)
{
    seer_world *w = ctx;
    wacct *a = acct_or_dummy(w, addr);
    a->read_mask |= READ_EXISTS;
    return a->exists;
}

static bool h_account_is_empty(void *ctx, const seer_address *addr)
{
    seer_world *w = ctx;
    wacct *a = acct_or_dummy(w, addr);
    a->read_mask |= READ_EXISTS;
    return !a->exists || acct_is_empty(a);
}

static void h_get_storage(void *ctx, u256 *out, const seer_address *addr, const u256 *key)
{
    seer_world *w = ctx;
    wacct *a = acct_get(w, addr);
    wslot *s = a ? slot_get(w, a, key) : NULL;
    if (!s) {
        *out = U256_ZERO;
        return;
    }
    s->read = true;
    *out = s->current;
}

static void h_get_original_storage(void *ctx, u256 *out, const seer_address *addr, const u256 *key)
{
    seer_world *w = ctx;
    wacct *a = acct_get(w, addr);
    wslot *s = a ? slot_get(w, a, key) : NULL;
    if (!s) {
        *out = U256_ZERO;
        return;
    }
    s->read = true;
    *out = s->original;
}

static seer_storage_status h_set_storage(void *ctx, const seer_address *addr, const u256 *key,
                                         const u256 *value)
{
    seer_world *w = ctx;
    wacct *a = acct_get(w, addr);
    wslot *s = a ? slot_get(w, a, key) : NULL;
    if (!s)
        return SEER_STORAGE_ASSIGNED;
    s->read = true; /* SSTORE's gas depends on the current value */
    const u256 *o = &s->original, *c = &s->current;
    seer_storage_status st;
    if (u256_eq(c, value))
        return SEER_STORAGE_ASSIGNED;
    bool oz = u256_is_zero(o), cz = u256_is_zero(c), nz = u256_is_zero(value);
    if (u256_eq(o, c)) {
        st = oz ? SEER_STORAGE_ADDED : nz ? SEER_STORAGE_DELETED : SEER_STORAGE_MODIFIED;
    } else if (!oz) {
        if (cz)
            st = u256_eq(value, o) ? SEER_STORAGE_DELETED_RESTORED : SEER_STORAGE_DELETED_ADDED;
        else if (nz)
            st = SEER_STORAGE_MODIFIED_DELETED;
        else if (u256_eq(value, o))
            st = SEER_STORAGE_MODIFIED_RESTORED;
        else
            st = SEER_STORAGE_ASSIGNED;
    } else {
        st = nz ? SEER_STORAGE_ADDED_DELETED : SEER_STORAGE_ASSIGNED;
    }
    jentry e = {.kind = J_STORAGE, .a = a, .s = s, .old.u = s->current};
    if (jpush(w, &e))
        s->current = *value;
    return st;
}

static void h_get_balance(void *ctx, u256 *out, const seer_address *addr)
{
    seer_world *w = ctx;
    wacct *a = acct_or_dummy(w, addr);
    a->read_mask |= READ_BALANCE;
    *out = a->balance;
}

static size_t h_get_code_size(void *ctx, const seer_address *addr)
{
    seer_world *w = ctx;
    wacct *a = acct_get(w, addr);
    if (!a)
        return 0;
    a->read_mask |= READ_CODE;
    code_load(w, a);
    return a->code_len;
}

static void h_get_code_hash(void *ctx, seer_bytes32 *out, const seer_address *addr)
{
    seer_world *w = ctx;
    wacct *a = acct_or_dummy(w, addr);
    a->read_mask |= READ_CODE | READ_EXISTS;
    bool dead = !a->exists || (w->env.fork >= SEER_FORK_SPURIOUS_DRAGON && acct_is_empty(a));
    if (dead)
        memset(out, 0, sizeof *out);
    else
        *out = a->code_hash;
}

static size_t h_copy_code(void *ctx, const seer_address *addr, size_t offset, uint8_t *buf, size_t size)
{
    seer_world *w = ctx;
    wacct *a = acct_get(w, addr);
    if (!a)
        return 0;
    a->read_mask |= READ_CODE;
    code_load(w, a);
    if (offset >= a->code_len)
        return 0;
    size_t n = a->code_len - offset < size ? a->code_len - offset : size;
    memcpy(buf, a->code + offset, n);
    return n;
}

static bool h_selfdestruct(void *ctx, const seer_address *addr, const seer_address *beneficiary)
{
    seer_world *w = ctx;
    wacct *a = acct_get(w, addr);
    wacct *b = acct_get(w, beneficiary);
    if (!a || !b)
        return false;
    a->read_mask |= READ_BALANCE;
    u256 bal = a->balance;
    bool same = memcmp(addr, beneficiary, sizeof *addr) == 0;
    /* EIP-6780 (Cancun): only an account created in this same transaction
     * is destroyed; otherwise SELFDESTRUCT just moves the balance. */
    if (w->env.fork >= SEER_FORK_CANCUN && !a->created) {
        if (!same) {
            set_balance(w, a, &U256_ZERO);
            add_balance(w, b, &bal);
        }
        return false;
    }
    set_balance(w, a, &U256_ZERO);
    if (!same)
        add_balance(w, b, &bal);
    else
        touch(w, b);
    bool first = !a->destructed;
    set_flag(w, a, J_DESTRUCT, &a->destructed);
    return first;
}

static const seer_tx_context *h_get_tx_context(void *ctx)
{
    seer_world *w = ctx;
    return &w->txctx;
}

static void h_get_block_hash(void *ctx, seer_bytes32 *out, uint64_t number)
{
    seer_world *w = ctx;
    int rc = w->reader.vt->get_block_hash(w->reader.ctx, number, out);
    if (rc < 0) {
        latch(w, rc);
        memset(out, 0, sizeof *out);
    }
}

static void h_emit_log(void *ctx, const seer_address *addr, const uint8_t *data, size_t data_size,
                       const seer_bytes32 topics[], size_t topics_count)
{
    seer_world *w = ctx;
    if (w->nlogs == w->logcap) {
        size_t ncap = w->logcap ? w->logcap * 2 : 16;
        seer_log *n = realloc(w->logs, ncap * sizeof *n);
        if (!n) {
            latch(w, SEER_ENOMEM);
            return;
        }
        w->logs = n;
        w->logcap = ncap;
    }
    seer_log *l = &w->logs[w->nlogs];
    memset(l, 0, sizeof *l);
    l->addr = *addr;
    if (topics_count) {
        l->topics = malloc(topics_count * sizeof *topics);
        if (!l->topics) {
            latch(w, SEER_ENOMEM);
            return;
        }
        memcpy(l->topics, topics, topics_count * sizeof *topics);
        l->ntopics = topics_count;
    }
    if (data_size) {
        l->data = malloc(data_size);
        if (!l->data) {
            free(l->topics);
            latch(w, SEER_ENOMEM);
            return;
        }
        memcpy(l->data, data, data_size);
        l->data_len = data_size;
    }
    w->nlogs++;
}

static seer_access_status h_access_account(void *ctx, const seer_address *addr)
{
    seer_world *w = ctx;
    wacct *a = acct_get(w, addr);
    if (!a)
        return SEER_ACCESS_WARM;
    if (a->warm)
        return SEER_ACCESS_WARM;
    jentry e = {.kind = J_WARM_ACCT, .a = a};
    if (jpush(w, &e))
        a->warm = true;
    return SEER_ACCESS_COLD;
}

static seer_access_status h_access_storage(void *ctx, const seer_address *addr, const u256 *key)
{
    seer_world *w = ctx;
    wacct *a = acct_get(w, addr);
    wslot *s = a ? slot_get(w, a, key) : NULL;
    if (!s)
        return SEER_ACCESS_WARM;
    if (s->warm)
        return SEER_ACCESS_WARM;
    jentry e = {.kind = J_WARM_SLOT, .a = a, .s = s};
    if (jpush(w, &e))
        s->warm = true;
    return SEER_ACCESS_COLD;
}

static void h_get_transient(void *ctx, u256 *out, const seer_address *addr, const u256 *key)
{
    seer_world *w = ctx;
    wacct *a = acct_get(w, addr);
    wslot *s = a ? tslot_get(w, a, key, false) : NULL;
    *out = s ? s->current : U256_ZERO;
}

static void h_set_transient(void *ctx, const seer_address *addr, const u256 *key, const u256 *value)
{
    seer_world *w = ctx;
    wacct *a = acct_get(w, addr);
    wslot *s = a ? tslot_get(w, a, key, true) : NULL;
    if (!s)
        return;
    jentry e = {.kind = J_TSTORAGE, .a = a, .s = s, .old.u = s->current};
    if (jpush(w, &e))
        s->current = *value;
}

static seer_result h_call(void *ctx, const seer_message *msg);

static const seer_host_vt world_host_vt = {
    .account_exists = h_account_exists,
    .account_is_empty = h_account_is_empty,
    .get_storage = h_get_storage,
    .set_storage = h_set_storage,
    .get_original_storage = h_get_original_storage,
    .get_balance = h_get_balance,
    .get_code_size = h_get_code_size,
    .get_code_hash = h_get_code_hash,
    .copy_code = h_copy_code,
    .selfdestruct = h_selfdestruct,
    .call = h_call,
    .get_tx_context = h_get_tx_context,
    .get_block_hash = h_get_block_hash,
    .emit_log = h_emit_log,
    .access_account = h_access_account,
    .access_storage = h_access_storage,
    .get_transient_storage = h_get_transient,
    .set_transient_storage = h_set_transient,
};

/* ------------------------------------------------------------------ */
/* frames                                                              */

/* Keeps a child frame's output for its parent (host.h lifetime rule). */
static void keep_output(seer_world *w, int32_t depth, seer_result *r, uint8_t *owned)
{
    size_t i = (size_t)depth;
    if (i >= SEER_ARRAY_LEN(w->ret)) {
        free(owned);
        r->output_data = NULL;
        r->output_size = 0;
        return;
    }
    free(w->ret[i]);
    w->ret[i] = owned;
    if (i >= w->ret_used)
        w->ret_used = i + 1;
    r->output_data = owned;
}

static seer_result failure(seer_status st, int64_t gas_left)
{
    seer_result r;
    memset(&r, 0, sizeof r);
    r.status = st;
    r.gas_left = gas_left;
    return r;
}

static bool is_exceptional(seer_status st)
{
    return st != SEER_STATUS_SUCCESS && st != SEER_STATUS_REVERT;
}

static seer_result run_code(seer_world *w, const seer_message *msg, const uint8_t *code, size_t len,
                            const seer_bytes32 *hash)
{
    seer_code *own = NULL;
    const seer_code *c = NULL;
    int rc =
        hash ? seer_code_cache_get(w->code_cache, &c, hash, code, len) : seer_code_analyze(&own, code, len);
    if (rc < 0) {
        latch(w, rc);
        return failure(SEER_STATUS_INTERNAL_ERROR, 0);
    }
    seer_host host = {&world_host_vt, w};
    seer_result r = seer_vm_execute(&host, &w->vmcfg, msg, own ? own : c);
    seer_code_free(own);
    return r;
}

static seer_result call_frame(seer_world *w, const seer_message *msg)
{
    seer_fork fork = w->env.fork;
    if (msg->depth > MAX_CALL_DEPTH)
        return failure(SEER_STATUS_CALL_DEPTH_EXCEEDED, msg->gas);
    wacct *sender = acct_get(w, &msg->sender);
    wacct *to = acct_get(w, &msg->recipient);
    if (!sender || !to)
        return failure(SEER_STATUS_INTERNAL_ERROR, 0);
    bool transfers = msg->kind == SEER_CALL || msg->kind == SEER_CALLCODE;
    if (transfers && !u256_is_zero(&msg->value)) {
        sender->read_mask |= READ_BALANCE;
        if (u256_lt(&sender->balance, &msg->value))
            return failure(SEER_STATUS_INSUFFICIENT_BALANCE, msg->gas);
    }
    snapshot sn = take_snapshot(w);
    bool precompile = seer_precompile_is_active(fork, &msg->code_address);
    if (msg->kind == SEER_CALL) {
        to->read_mask |= READ_EXISTS;
        if (!to->exists) {
            /* EIP-161: a zero-value call does not bring an account into
             * existence (precompiles excepted, which are swept later). */
            if (!precompile && fork >= SEER_FORK_SPURIOUS_DRAGON && u256_is_zero(&msg->value))
                return failure(SEER_STATUS_SUCCESS, msg->gas);
            set_exists(w, to, true);
        }
        sub_balance(w, sender, &msg->value);
        add_balance(w, to, &msg->value);
    }
    seer_result r;
    uint8_t *owned = NULL;
    if (precompile) {
        seer_precompile_result pr;
        int rc =
            seer_precompile_run(&pr, fork, &msg->code_address, msg->input_data, msg->input_size, msg->gas);
        if (rc < 0) {
            latch(w, rc);
            r = failure(SEER_STATUS_INTERNAL_ERROR, 0);
        } else if (pr.status == SEER_PRECOMPILE_SUCCESS) {
            r = failure(SEER_STATUS_SUCCESS, msg->gas - pr.gas_used);
            owned = pr.output;
            r.output_size = pr.output_len;
        } else {
            free(pr.output);
            r = failure(pr.status == SEER_PRECOMPILE_OUT_OF_GAS ? SEER_STATUS_OUT_OF_GAS
                                                                : SEER_STATUS_PRECOMPILE_FAILURE,
                        0);
        }
    } else {
        wacct *ca = acct_get(w, &msg->code_address);
        if (!ca)
            return failure(SEER_STATUS_INTERNAL_ERROR, 0);
        ca->read_mask |= READ_CODE;
        code_load(w, ca);
        if (ca->code_len == 0) {
            r = failure(SEER_STATUS_SUCCESS, msg->gas);
        } else {
            seer_bytes32 hash = ca->code_hash;
            r = run_code(w, msg, ca->code, ca->code_len, ca->new_code ? NULL : &hash);
            owned = (uint8_t *)r.output_data;
            if (r.status == SEER_STATUS_SUCCESS)
                w->refund += r.gas_refund;
        }
    }
    r.gas_refund = 0; /* accumulated in the world, not by the caller */
    if (r.status != SEER_STATUS_SUCCESS) {
        revert_to(w, &sn);
        if (is_exceptional(r.status))
            r.gas_left = 0;
    }
    keep_output(w, msg->depth, &r, owned);
    return r;
}

void seer_create_address(seer_address *out, const seer_address *sender, uint64_t nonce)
{
    seer_buf b = SEER_BUF_INIT;
    size_t m = seer_rlp_list_begin(&b);
    seer_rlp_put_bytes(&b, sender->bytes, 20);
    seer_rlp_put_u64(&b, nonce);
    seer_rlp_list_end(&b, m);
    uint8_t h[32];
    seer_keccak256(h, b.p, b.len);
    seer_buf_free(&b);
    memcpy(out->bytes, h + 12, 20);
}

void seer_create2_address(seer_address *out, const seer_address *sender, const u256 *salt,
                          const uint8_t *code, size_t len)
{
    uint8_t buf[1 + 20 + 32 + 32], h[32];
    buf[0] = 0xff;
    memcpy(buf + 1, sender->bytes, 20);
    u256_to_be32(buf + 21, salt);
    seer_keccak256(buf + 53, code, len);
    seer_keccak256(h, buf, sizeof buf);
    memcpy(out->bytes, h + 12, 20);
}

static seer_result create_frame(seer_world *w, const seer_message *msg)
{
    seer_fork fork = w->env.fork;
    if (msg->depth > MAX_CALL_DEPTH)
        return failure(SEER_STATUS_CALL_DEPTH_EXCEEDED, msg->gas);
    wacct *sender = acct_get(w, &msg->sender);
    if (!sender)
        return failure(SEER_STATUS_INTERNAL_ERROR, 0);
    sender->read_mask |= READ_NONCE;
    if (!u256_is_zero(&msg->value)) {
        sender->read_mask |= READ_BALANCE;
        if (u256_lt(&sender->balance, &msg->value))
            return failure(SEER_STATUS_INSUFFICIENT_BALANCE, msg->gas);
    }
    if (sender->nonce == UINT64_MAX) /* EIP-2681 */
        return failure(SEER_STATUS_FAILURE, msg->gas);
    seer_address addr;
    if (msg->kind == SEER_CREATE2)
        seer_create2_address(&addr, &msg->sender, &msg->create2_salt, msg->input_data, msg->input_size);
    else
        seer_create_address(&addr, &msg->sender, sender->nonce);
    set_nonce(w, sender, sender->nonce + 1);
    if (fork >= SEER_FORK_BERLIN) /* EIP-2929: the new address is warm */
        h_access_account(w, &addr);

    wacct *a = acct_get(w, &addr);
    if (!a)
        return failure(SEER_STATUS_INTERNAL_ERROR, 0);
    /* Collision: nonce or code (EIP-684), or storage (EIP-7610). */
    a->read_mask |= READ_NONCE | READ_CODE | READ_EXISTS;
    bool has_storage = false;
    if (a->base.exists && !a->storage_cleared) {
        int rc = w->reader.vt->has_storage(w->reader.ctx, &addr, &has_storage);
        if (rc < 0) {
            latch(w, rc);
            return failure(SEER_STATUS_INTERNAL_ERROR, 0);
        }
    }
    if (a->nonce != 0 || memcmp(&a->code_hash, &SEER_EMPTY_CODE_HASH, 32) != 0 || has_storage) {
        seer_result r = failure(SEER_STATUS_FAILURE, 0);
        return r;
    }
    snapshot sn = take_snapshot(w);
    set_exists(w, a, true);
    set_flag(w, a, J_CREATED, &a->created);
    set_flag(w, a, J_CLEARED, &a->storage_cleared);
    if (fork >= SEER_FORK_SPURIOUS_DRAGON) /* EIP-161: contracts start at nonce 1 */
        set_nonce(w, a, 1);
    sub_balance(w, sender, &msg->value);
    add_balance(w, a, &msg->value);

    seer_message m = *msg;
    m.recipient = addr;
    m.code_address = addr;
    m.input_data = NULL;
    m.input_size = 0;
    seer_result r;
    if (msg->input_size == 0) {
        r = failure(SEER_STATUS_SUCCESS, msg->gas);
    } else {
        r = run_code(w, &m, msg->input_data, msg->input_size, NULL);
    }
    uint8_t *out = (uint8_t *)r.output_data;
    if (r.status == SEER_STATUS_SUCCESS) {
        size_t len = r.output_size;
        int64_t deposit = (int64_t)len * 200;
        if (fork >= SEER_FORK_SPURIOUS_DRAGON && len > MAX_CODE_SIZE) {
            r.status = SEER_STATUS_OUT_OF_GAS; /* EIP-170 */
        } else if (fork >= SEER_FORK_LONDON && len > 0 && out[0] == 0xEF) {
            r.status = SEER_STATUS_FAILURE; /* EIP-3541 */
        } else if (r.gas_left < deposit) {
            /* Homestead (EIP-2) fails the creation; Frontier keeps the
             * account without code. */
            if (fork >= SEER_FORK_HOMESTEAD)
                r.status = SEER_STATUS_OUT_OF_GAS;
            else
                len = 0;
        } else {
            r.gas_left -= deposit;
        }
        if (r.status == SEER_STATUS_SUCCESS && len > 0) {
            jentry e = {.kind = J_CODE, .a = a};
            e.old.code.hash = a->code_hash;
            e.old.code.code = a->code;
            e.old.code.len = a->code_len;
            e.old.code.new_code = a->new_code;
            e.old.code.changed = a->code_changed;
            e.old.code.loaded = a->code_loaded;
            if (jpush(w, &e)) {
                a->new_code = out; /* ownership moves to the account */
                out = NULL;
                a->code = a->new_code;
                a->code_len = len;
                a->code_loaded = true;
                a->code_changed = true;
                seer_keccak256(a->code_hash.bytes, a->code, len);
            }
        }
    }
    if (r.status == SEER_STATUS_SUCCESS) {
        w->refund += r.gas_refund;
        r.gas_refund = 0;
        r.create_address = addr;
        free(out);
        r.output_data = NULL;
        r.output_size = 0;
        return r;
    }
    r.gas_refund = 0;
    revert_to(w, &sn);
    if (is_exceptional(r.status)) {
        r.gas_left = 0;
        free(out);
        r.output_data = NULL;
        r.output_size = 0;
        return r;
    }
    keep_output(w, msg->depth, &r, out); /* REVERT data goes back */
    return r;
}

static seer_result h_call(void *ctx, const seer_message *msg)
{
    seer_world *w = ctx;
    if (msg->kind == SEER_CREATE || msg->kind == SEER_CREATE2)
        return create_frame(w, msg);
    return call_frame(w, msg);
}

/* ------------------------------------------------------------------ */
/* life cycle                                                          */

static void free_overlay(seer_world *w)
{
    /* The table lives in the accounts' handles: clear it before they go. */
    HASH_CLEAR(hh, w->accts);
    wacct *a = w->all_accts;
    while (a) {
        wacct *next = a->next_all;
        wslot *s, *all = a->slots, *tall = a->tslots;
        HASH_CLEAR(hh, a->slots);
        HASH_CLEAR(hh, a->tslots);
        for (s = all; s;) {
            wslot *n = s->hh.next;
            slot_release(w, s);
            s = n;
        }
        for (s = tall; s;) {
            wslot *n = s->hh.next;
            slot_release(w, s);
            s = n;
        }
        acct_release(w, a);
        a = next;
    }
    w->all_accts = NULL;
    for (size_t i = 0; i < w->nlogs; i++)
        log_free(&w->logs[i]);
    w->nlogs = 0;
    w->jlen = 0;
    w->refund = 0;
    w->err = 0;
    /* only the depths a frame reached: the array is 1,026 entries long */
    for (size_t i = 0; i < w->ret_used; i++) {
        free(w->ret[i]);
        w->ret[i] = NULL;
    }
    w->ret_used = 0;
    w->cs.naccounts = 0;
    w->nreads = w->nwrites = 0;
    w->coinbase_fee = U256_ZERO;
    w->coinbase_read = false;
}

int seer_world_create(seer_world **out, const seer_state_reader *reader, const seer_block_env *env)
{
    if (!out || !reader || !reader->vt || !env)
        return SEER_EINVAL;
    seer_world *w = calloc(1, sizeof *w);
    if (!w)
        return SEER_ENOMEM;
    w->reader = *reader;
    w->env = *env;
    w->vmcfg.fork = env->fork;
    int rc = seer_code_cache_new(&w->own_cache);
    if (rc < 0) {
        free(w);
        return rc;
    }
    w->code_cache = w->own_cache;
    seer_blob_base_fee(&w->blob_base_fee, &env->excess_blob_gas);
    *out = w;
    return 0;
}

void seer_world_free(seer_world *w)
{
    if (!w)
        return;
    free_overlay(w);
    for (wacct *a = w->spare_accts, *n; a; a = n) {
        n = a->next_all;
        free(a);
    }
    for (wslot *s = w->spare_slots, *n; s; s = n) {
        n = s->hh.next;
        free(s);
    }
    free(w->journal);
    free(w->logs);
    free(w->cs_accts);
    free(w->cs_slots);
    free(w->reads);
    free(w->writes);
    seer_code_cache_free(w->own_cache);
    free(w);
}

void seer_world_reset(seer_world *w)
{
    free_overlay(w);
}

void seer_world_set_reader(seer_world *w, const seer_state_reader *reader)
{
    free_overlay(w);
    w->reader = *reader;
}

void seer_world_set_code_cache(seer_world *w, seer_code_cache *cache)
{
    w->code_cache = cache ? cache : w->own_cache;
}

void seer_world_set_tracer(seer_world *w, const void *tracer)
{
    w->tracer = tracer;
    w->vmcfg.tracer = tracer;
}

void seer_tx_result_clear(seer_tx_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nlogs; i++)
        log_free(&r->logs[i]);
    free(r->logs);
    free(r->output);
    memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------ */
/* transactions                                                        */

/* EIP-4844's fake_exponential(factor, numerator, denominator): an integer
 * Taylor series of factor * e^(numerator / denominator). */
void seer_blob_base_fee(u256 *out, const u256 *excess_blob_gas)
{
    const u256 denom = u256_from_u64(3338477);
    u256 i = U256_ONE, output = U256_ZERO, acc, t;
    acc = U256_ONE; /* factor * denominator, factor = MIN_BLOB_BASE_FEE = 1 */
    u256_mul(&acc, &acc, &denom);
    while (!u256_is_zero(&acc)) {
        u256_add(&output, &output, &acc);
        u256_mul(&t, &acc, excess_blob_gas);
        u256 d;
        u256_mul(&d, &denom, &i);
        u256_div(&acc, &t, &d);
        u256_add(&i, &i, &U256_ONE);
    }
    u256_div(out, &output, &denom);
}

/* a * b + c with overflow detection (a 257+-bit cost is unaffordable). */
static bool mul_add_overflows(u256 *r, const u256 *a, const u256 *b, const u256 *c)
{
    uint64_t full[8];
    u256_mul_full(full, a, b);
    if (full[4] | full[5] | full[6] | full[7])
        return true;
    u256 lo = {{full[0], full[1], full[2], full[3]}};
    return u256_add_carry(r, &lo, c) != 0;
}

static void warm_tx_accounts(seer_world *w, const seer_tx *tx)
{
    seer_fork fork = w->env.fork;
    if (fork < SEER_FORK_BERLIN)
        return;
    /* EIP-2929: sender, recipient and precompiles start warm; EIP-2930 adds
     * the access list; EIP-3651 (Shanghai) the coinbase. */
    h_access_account(w, &tx->sender);
    if (tx->has_to)
        h_access_account(w, &tx->to);
    for (int i = 1; i <= 0x0a; i++) {
        seer_address p;
        memset(&p, 0, sizeof p);
        p.bytes[19] = (uint8_t)i;
        if (seer_precompile_is_active(fork, &p))
            h_access_account(w, &p);
    }
    for (size_t i = 0; i < tx->access_list_len; i++) {
        const seer_access_list_entry *e = &tx->access_list[i];
        h_access_account(w, &e->addr);
        for (size_t k = 0; k < e->nkeys; k++) {
            u256 key;
            u256_from_be32(&key, e->keys[k].bytes);
            h_access_storage(w, &e->addr, &key);
        }
    }
    if (fork >= SEER_FORK_SHANGHAI)
        h_access_account(w, &w->env.coinbase);
}

/* End of transaction: self-destructed accounts go, and from Spurious
 * Dragon (EIP-161) so does every touched account left empty. */
static void sweep(seer_world *w)
{
    for (wacct *a = w->all_accts; a; a = a->next_all) {
        bool dead = a->destructed ||
                    (w->env.fork >= SEER_FORK_SPURIOUS_DRAGON && a->touched && a->exists && acct_is_empty(a));
        if (!dead)
            continue;
        a->exists = false;
        a->balance = U256_ZERO;
        a->nonce = 0;
        a->code_hash = SEER_EMPTY_CODE_HASH;
        a->code = NULL;
        a->code_len = 0;
        a->code_changed = false;
        a->storage_cleared = true;
        wslot *s, *tmp;
        HASH_ITER(hh, a->slots, s, tmp) s->current = U256_ZERO;
    }
}

int seer_world_execute_tx(seer_world *w, seer_tx_result *out, const seer_tx *tx, uint64_t block_gas_used)
{
    if (!w || !out || !tx || !tx->has_sender)
        return SEER_EINVAL;
    memset(out, 0, sizeof *out);
    free_overlay(w);
    seer_fork fork = w->env.fork;
    const char *exc = NULL;
    if (seer_tx_check_static(tx, fork, &exc) < 0) {
        out->exception = exc ? exc : "TransactionException.INVALID";
        return 0;
    }
    uint64_t intrinsic = 0;
    if (!seer_tx_intrinsic_gas(&intrinsic, tx, fork) || intrinsic > tx->gas_limit) {
        out->exception = seer_txex_intrinsic_gas_too_low;
        return 0;
    }
    wacct *sender = acct_get(w, &tx->sender);
    if (!sender)
        return w->err;
    sender->read_mask |= READ_NONCE | READ_BALANCE | READ_CODE;
    code_load(w, sender);
    if (w->err)
        return w->err;

    /* Effective gas price (EIP-1559 from London). */
    u256 price = tx->gas_price, priority = tx->gas_price;
    if (fork >= SEER_FORK_LONDON) {
        if (u256_lt(&tx->max_fee, &w->env.base_fee))
            exc = seer_txex_insufficient_max_fee_per_gas;
        u256 headroom;
        u256_sub(&headroom, &tx->max_fee, &w->env.base_fee);
        priority = u256_lt(&tx->max_priority_fee, &headroom) ? tx->max_priority_fee : headroom;
        u256_add(&price, &w->env.base_fee, &priority);
    }
    uint64_t blob_gas = tx->type == 3 ? (uint64_t)tx->nblob_hashes * GAS_PER_BLOB : 0;
    u256 gas_u = u256_from_u64(tx->gas_limit), blob_gas_u = u256_from_u64(blob_gas);

    /* The balance must cover the worst case: gas at the fee cap, the value
     * and blob gas at its cap. */
    u256 max_cost, fee_cap = fork >= SEER_FORK_LONDON ? tx->max_fee : tx->gas_price;
    bool overflow = mul_add_overflows(&max_cost, &gas_u, &fee_cap, &tx->value);
    if (!overflow && tx->type == 3)
        overflow = mul_add_overflows(&max_cost, &blob_gas_u, &tx->max_fee_per_blob_gas, &max_cost);

    if (!exc && sender->nonce == UINT64_MAX)
        exc = seer_txex_nonce_is_max;
    else if (!exc && tx->nonce < sender->nonce)
        exc = seer_txex_nonce_mismatch_too_low;
    else if (!exc && tx->nonce > sender->nonce)
        exc = seer_txex_nonce_mismatch_too_high;
    if (!exc && sender->code_len > 0) /* EIP-3607 */
        exc = seer_txex_sender_not_eoa;
    if (!exc && tx->gas_limit > w->env.gas_limit -
                                    (block_gas_used < w->env.gas_limit ? block_gas_used : w->env.gas_limit))
        exc = seer_txex_gas_allowance_exceeded;
    if (!exc && tx->type == 3 && u256_lt(&tx->max_fee_per_blob_gas, &w->blob_base_fee))
        exc = seer_txex_insufficient_max_fee_per_blob_gas;
    if (!exc && (overflow || u256_lt(&sender->balance, &max_cost)))
        exc = seer_txex_insufficient_account_funds;
    if (exc) {
        free_overlay(w);
        out->exception = exc;
        return 0;
    }

    /* Tx context for the interpreter. */
    memset(&w->txctx, 0, sizeof w->txctx);
    w->txctx.gas_price = price;
    w->txctx.origin = tx->sender;
    w->txctx.coinbase = w->env.coinbase;
    w->txctx.number = w->env.number;
    w->txctx.timestamp = w->env.timestamp;
    w->txctx.gas_limit = w->env.gas_limit;
    w->txctx.prev_randao = w->env.prev_randao;
    w->txctx.chain_id = u256_from_u64(w->env.chain_id);
    w->txctx.base_fee = w->env.base_fee;
    w->txctx.blob_base_fee = w->blob_base_fee;
    w->txctx.blob_hashes = tx->blob_hashes;
    w->txctx.blob_hashes_count = tx->nblob_hashes;

    /* Buy gas. */
    u256 cost, blob_cost;
    u256_mul(&cost, &gas_u, &price);
    u256_mul(&blob_cost, &blob_gas_u, &w->blob_base_fee);
    u256_add(&cost, &cost, &blob_cost);
    sub_balance(w, sender, &cost);
    if (tx->has_to)
        set_nonce(w, sender, sender->nonce + 1);
    warm_tx_accounts(w, tx);

    seer_message msg;
    memset(&msg, 0, sizeof msg);
    msg.kind = tx->has_to ? SEER_CALL : SEER_CREATE;
    msg.depth = 0;
    msg.gas = (int64_t)(tx->gas_limit - intrinsic);
    msg.sender = tx->sender;
    if (tx->has_to) {
        msg.recipient = tx->to;
        msg.code_address = tx->to;
    }
    msg.input_data = tx->data;
    msg.input_size = tx->data_len;
    msg.value = tx->value;
    seer_result r = h_call(w, &msg);
    if (w->err)
        return w->err;

    int64_t gas_left = r.gas_left;
    out->status = r.status;
    if (r.output_size) {
        out->output = malloc(r.output_size);
        if (!out->output)
            return SEER_ENOMEM;
        memcpy(out->output, r.output_data, r.output_size);
        out->output_len = r.output_size;
    }
    if (r.status == SEER_STATUS_SUCCESS && !tx->has_to) {
        out->created = true;
        out->create_address = r.create_address;
    }
    /* Refunds: capped at gas_used/2, or /5 from London (EIP-3529). */
    uint64_t gas_used = tx->gas_limit - (uint64_t)gas_left;
    int64_t refund = r.status == SEER_STATUS_SUCCESS ? w->refund : 0;
    if (refund < 0)
        refund = 0;
    uint64_t cap = gas_used / (fork >= SEER_FORK_LONDON ? 5 : 2);
    if ((uint64_t)refund > cap)
        refund = (int64_t)cap;
    gas_used -= (uint64_t)refund;
    gas_left += refund;

    u256 back, left_u = u256_from_u64((uint64_t)gas_left), used_u = u256_from_u64(gas_used);
    u256_mul(&back, &left_u, &price);
    add_balance(w, sender, &back);

    /* The coinbase gets the priority fee (all of the price before London;
     * the base fee is burnt after). A delta, not a read (DESIGN.md). */
    wacct *cb = acct_get(w, &w->env.coinbase);
    if (!cb)
        return w->err;
    u256 fee;
    u256_mul(&fee, &used_u, fork >= SEER_FORK_LONDON ? &priority : &price);
    w->coinbase_read = (cb->read_mask & READ_BALANCE) != 0;
    w->coinbase_fee = fee;
    add_balance(w, cb, &fee);

    sweep(w);
    if (w->err)
        return w->err;

    out->gas_used = gas_used;
    out->blob_gas_used = blob_gas;
    out->effective_gas_price = price;
    if (r.status == SEER_STATUS_SUCCESS && w->nlogs) {
        out->logs = w->logs;
        out->nlogs = w->nlogs;
        w->logs = NULL;
        w->nlogs = w->logcap = 0;
    }
    return 0;
}

int seer_world_system_call(seer_world *w, seer_tx_result *out, const seer_address *caller,
                           const seer_address *to, const uint8_t *input, size_t len, uint64_t gas)
{
    if (!w || !out || !caller || !to || (!input && len))
        return SEER_EINVAL;
    memset(out, 0, sizeof *out);
    free_overlay(w);
    wacct *t = acct_get(w, to);
    if (!t)
        return w->err;
    code_load(w, t);
    if (w->err)
        return w->err;
    if (t->code_len == 0) /* EIP-4788: no contract, no call */
        return 0;
    memset(&w->txctx, 0, sizeof w->txctx);
    w->txctx.origin = *caller;
    w->txctx.coinbase = w->env.coinbase;
    w->txctx.number = w->env.number;
    w->txctx.timestamp = w->env.timestamp;
    w->txctx.gas_limit = w->env.gas_limit;
    w->txctx.prev_randao = w->env.prev_randao;
    w->txctx.chain_id = u256_from_u64(w->env.chain_id);
    w->txctx.base_fee = w->env.base_fee;
    w->txctx.blob_base_fee = w->blob_base_fee;
    if (w->env.fork >= SEER_FORK_BERLIN)
        h_access_account(w, to);
    seer_message msg;
    memset(&msg, 0, sizeof msg);
    msg.kind = SEER_CALL;
    msg.gas = (int64_t)gas;
    msg.sender = *caller;
    msg.recipient = *to;
    msg.code_address = *to;
    msg.input_data = input;
    msg.input_size = len;
    seer_result r = h_call(w, &msg);
    if (w->err)
        return w->err;
    sweep(w);
    out->status = r.status;
    out->gas_used = gas - (uint64_t)r.gas_left;
    return w->err;
}

int seer_world_credit(seer_world *w, const seer_address *addr, const u256 *amount)
{
    if (!w || !addr || !amount)
        return SEER_EINVAL;
    wacct *a = acct_get(w, addr);
    if (!a)
        return w->err;
    add_balance(w, a, amount);
    return w->err;
}

/* ------------------------------------------------------------------ */
/* results: change set and access set                                  */

static int cmp_acct_change(const void *x, const void *y)
{
    return memcmp(&((const seer_account_change *)x)->addr, &((const seer_account_change *)y)->addr, 20);
}

static int cmp_slot_change(const void *x, const void *y)
{
    return u256_cmp(&((const seer_slot_change *)x)->key, &((const seer_slot_change *)y)->key);
}

int seer_world_changeset(seer_world *w, const seer_changeset **out)
{
    if (!w || !out)
        return SEER_EINVAL;
    size_t na = 0, ns = 0;
    for (wacct *a = w->all_accts; a; a = a->next_all) {
        na++;
        ns += HASH_COUNT(a->slots);
    }
    if (na > w->cs_cap) {
        seer_account_change *n = realloc(w->cs_accts, na * sizeof *n);
        if (!n)
            return SEER_ENOMEM;
        w->cs_accts = n;
        w->cs_cap = na;
    }
    if (ns > w->cs_slot_cap) {
        seer_slot_change *n = realloc(w->cs_slots, ns * sizeof *n);
        if (!n)
            return SEER_ENOMEM;
        w->cs_slots = n;
        w->cs_slot_cap = ns;
    }
    size_t ia = 0, is = 0;
    for (wacct *a = w->all_accts; a; a = a->next_all) {
        seer_account_change *c = &w->cs_accts[ia];
        memset(c, 0, sizeof *c);
        c->slots = w->cs_slots ? w->cs_slots + is : NULL; /* no NULL + 0 (UB) */
        wslot *s, *tmp;
        HASH_ITER(hh, a->slots, s, tmp)
        {
            bool changed =
                a->storage_cleared ? !u256_is_zero(&s->current) : !u256_eq(&s->current, &s->original);
            if (changed && a->exists) {
                c->slots[c->nslots].key = s->key;
                c->slots[c->nslots].value = s->current;
                c->nslots++;
            }
        }
        bool acct_changed = a->exists != a->base.exists || a->nonce != a->base.nonce ||
                            !u256_eq(&a->balance, &a->base.balance) ||
                            memcmp(&a->code_hash, &a->base.code_hash, 32) != 0;
        /* A cleared storage matters only if the base had any. */
        bool cleared = a->storage_cleared && a->base.exists;
        if (!acct_changed && !cleared && c->nslots == 0)
            continue;
        c->addr = a->addr;
        c->account.balance = a->balance;
        c->account.nonce = a->nonce;
        c->account.code_hash = a->code_hash;
        c->account.exists = a->exists;
        c->storage_cleared = cleared || !a->exists;
        if (a->code_changed && a->exists) {
            c->code_changed = true;
            c->code = a->code;
            c->code_len = a->code_len;
        }
        if (c->nslots > 1)
            qsort(c->slots, c->nslots, sizeof *c->slots, cmp_slot_change);
        is += c->nslots;
        ia++;
    }
    if (ia > 1)
        qsort(w->cs_accts, ia, sizeof *w->cs_accts, cmp_acct_change);
    w->cs.accounts = w->cs_accts;
    w->cs.naccounts = ia;
    *out = &w->cs;
    return 0;
}

static bool key_push(seer_key **arr, size_t *n, size_t *cap, const seer_address *addr, seer_key_field f,
                     const u256 *slot)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        seer_key *p = realloc(*arr, nc * sizeof *p);
        if (!p)
            return false;
        *arr = p;
        *cap = nc;
    }
    seer_key *k = &(*arr)[(*n)++];
    memset(k, 0, sizeof *k);
    memcpy(k->addr, addr->bytes, 20);
    k->field = (uint8_t)f;
    if (slot)
        u256_to_be32(k->slot, slot);
    return true;
}

static int cmp_key(const void *x, const void *y)
{
    return memcmp(x, y, sizeof(seer_key));
}

int seer_world_access_set(seer_world *w, const seer_key **reads, size_t *nreads, const seer_key **writes,
                          size_t *nwrites)
{
    if (!w || !reads || !nreads || !writes || !nwrites)
        return SEER_EINVAL;
    w->nreads = w->nwrites = 0;
    bool ok = true;
    bool is_cb;
    for (wacct *a = w->all_accts; a && ok; a = a->next_all) {
        is_cb = memcmp(&a->addr, &w->env.coinbase, 20) == 0;
        for (int f = SEER_KEY_BALANCE; f <= SEER_KEY_EXISTS && ok; f++)
            if (f != SEER_KEY_STORAGE && (a->read_mask & (1 << f)))
                ok = key_push(&w->reads, &w->nreads, &w->reads_cap, &a->addr, (seer_key_field)f, NULL);
        wslot *s, *tmp;
        HASH_ITER(hh, a->slots, s, tmp)
        {
            if (!ok)
                break;
            if (s->read)
                ok = key_push(&w->reads, &w->nreads, &w->reads_cap, &a->addr, SEER_KEY_STORAGE, &s->key);
            bool changed =
                a->storage_cleared ? !u256_is_zero(&s->current) : !u256_eq(&s->current, &s->original);
            if (ok && (changed || (!a->exists && a->base.exists && !u256_is_zero(&s->original))))
                ok = key_push(&w->writes, &w->nwrites, &w->writes_cap, &a->addr, SEER_KEY_STORAGE, &s->key);
        }
        bool bal_changed = !u256_eq(&a->balance, &a->base.balance);
        if (is_cb && !w->coinbase_read) {
            /* The fee credit alone is a delta: not a write. */
            u256 without;
            u256_sub(&without, &a->balance, &w->coinbase_fee);
            bal_changed = !u256_eq(&without, &a->base.balance);
        }
        if (ok && bal_changed)
            ok = key_push(&w->writes, &w->nwrites, &w->writes_cap, &a->addr, SEER_KEY_BALANCE, NULL);
        if (ok && a->nonce != a->base.nonce)
            ok = key_push(&w->writes, &w->nwrites, &w->writes_cap, &a->addr, SEER_KEY_NONCE, NULL);
        if (ok && memcmp(&a->code_hash, &a->base.code_hash, 32) != 0)
            ok = key_push(&w->writes, &w->nwrites, &w->writes_cap, &a->addr, SEER_KEY_CODE, NULL);
        if (ok && a->exists != a->base.exists)
            ok = key_push(&w->writes, &w->nwrites, &w->writes_cap, &a->addr, SEER_KEY_EXISTS, NULL);
    }
    if (!ok)
        return SEER_ENOMEM;
    if (w->nreads > 1)
        qsort(w->reads, w->nreads, sizeof *w->reads, cmp_key);
    if (w->nwrites > 1)
        qsort(w->writes, w->nwrites, sizeof *w->writes, cmp_key);
    *reads = w->reads;
    *nreads = w->nreads;
    *writes = w->writes;
    *nwrites = w->nwrites;
    return 0;
}

int seer_logs_hash(seer_bytes32 *out, const seer_log *logs, size_t nlogs)
{
    seer_buf b = SEER_BUF_INIT;
    size_t outer = seer_rlp_list_begin(&b);
    for (size_t i = 0; i < nlogs; i++) {
        const seer_log *l = &logs[i];
        size_t m = seer_rlp_list_begin(&b);
        seer_rlp_put_bytes(&b, l->addr.bytes, 20);
        size_t t = seer_rlp_list_begin(&b);
        for (size_t k = 0; k < l->ntopics; k++)
            seer_rlp_put_bytes(&b, l->topics[k].bytes, 32);
        seer_rlp_list_end(&b, t);
        seer_rlp_put_bytes(&b, l->data, l->data_len);
        seer_rlp_list_end(&b, m);
    }
    seer_rlp_list_end(&b, outer);
    if (b.oom) {
        seer_buf_free(&b);
        return SEER_ENOMEM;
    }
    seer_keccak256(out->bytes, b.p, b.len);
    seer_buf_free(&b);
    return 0;
}

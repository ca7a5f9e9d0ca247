/* Per-fork tables: each fork copies its predecessor and applies its EIPs.
 * To add a fork: write one more fork_<name>() and list it in build_all(). */
#include "vm/fork_table.h"

#include "vm/opcodes.h"

#include <pthread.h>
#include <string.h>

#define STACK_LIMIT 1024

static seer_fork_table tables[SEER_FORK_COUNT];
static bool built[SEER_FORK_COUNT];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

typedef struct op_def {
    const char *name;
    int in, out;
    seer_fork fork;
    int gas;
} op_def;

static const op_def op_defs[256] = {
#define OP_DEF_(nm, code, in_, out_, imm, fk, g)                                                             \
    [code] = {.name = #nm, .in = in_, .out = out_, .fork = SEER_FORK_##fk, .gas = g},
    SEER_OPCODES(OP_DEF_)
#undef OP_DEF_
};

const char *seer_opcode_name(unsigned op)
{
    return op < 256 ? op_defs[op].name : NULL;
}

/* Defines every opcode the X-macro introduces in `fork`, at its listed cost. */
static void define_introduced(seer_fork_table *t, seer_fork fork)
{
    for (unsigned op = 0; op < 256; op++) {
        const op_def *d = &op_defs[op];
        if (!d->name || d->fork != fork)
            continue;
        t->defined[op] = true;
        t->names[op] = d->name;
        t->ops[op].gas = d->gas;
        t->ops[op].stack_req = (int16_t)d->in;
        /* The result must fit: height - in + out <= 1024. */
        int growth = d->out - d->in;
        t->ops[op].stack_max = (int16_t)(growth > 0 ? STACK_LIMIT - growth : STACK_LIMIT);
    }
}

static void set_gas(seer_fork_table *t, unsigned op, int gas)
{
    t->ops[op].gas = gas;
}

static void derive(seer_fork_table *t, seer_fork prev, seer_fork fork)
{
    *t = tables[prev];
    t->fork = fork;
    define_introduced(t, fork);
}

static void fork_frontier(seer_fork_table *t)
{
    memset(t, 0, sizeof *t);
    t->fork = SEER_FORK_FRONTIER;
    for (unsigned op = 0; op < 256; op++) {
        t->ops[op].gas = 0;
        t->ops[op].stack_req = SEER_OP_UNDEFINED_REQ;
        t->ops[op].stack_max = -1;
    }
    define_introduced(t, SEER_FORK_FRONTIER);
    t->exp_byte_gas = 10;
    t->call_value_gas = 9000;
    t->call_stipend = 2300;
    t->call_new_account_gas = 25000;
    t->sstore_rule = SEER_SSTORE_CLASSIC;
    t->sstore_set_gas = 20000;
    t->sstore_reset_gas = 5000;
    t->sstore_clear_refund = 15000;
    t->sd_new_account = SEER_SD_NEW_ACCOUNT_NEVER;
    t->sd_new_account_gas = 25000;
    t->sd_refund = 24000;
    t->create2_word_gas = 6;
    t->refund_quotient = 2;
    t->code_deposit_gas = 200;
    t->tx_gas = 21000;
    t->tx_create_gas = 21000;
    t->tx_data_zero_gas = 4;
    t->tx_data_nonzero_gas = 68;
}

static void fork_homestead(seer_fork_table *t)
{
    derive(t, SEER_FORK_FRONTIER, SEER_FORK_HOMESTEAD); /* EIP-7: DELEGATECALL */
    t->code_oog_fails_create = true;                    /* EIP-2 */
    t->tx_create_gas = 53000;                           /* EIP-2 */
}

static void fork_tangerine_whistle(seer_fork_table *t)
{
    derive(t, SEER_FORK_HOMESTEAD, SEER_FORK_TANGERINE_WHISTLE);
    /* EIP-150: IO-heavy operations repriced, all but one 64th. */
    set_gas(t, SEER_OP_BALANCE, 400);
    set_gas(t, SEER_OP_EXTCODESIZE, 700);
    set_gas(t, SEER_OP_EXTCODECOPY, 700);
    set_gas(t, SEER_OP_SLOAD, 200);
    set_gas(t, SEER_OP_CALL, 700);
    set_gas(t, SEER_OP_CALLCODE, 700);
    set_gas(t, SEER_OP_DELEGATECALL, 700);
    set_gas(t, SEER_OP_SELFDESTRUCT, 5000);
    t->call_all_but_one_64th = true;
    t->sd_new_account = SEER_SD_NEW_ACCOUNT_IF_ABSENT;
}

static void fork_spurious_dragon(seer_fork_table *t)
{
    derive(t, SEER_FORK_TANGERINE_WHISTLE, SEER_FORK_SPURIOUS_DRAGON);
    t->exp_byte_gas = 50;           /* EIP-160 */
    t->new_account_if_empty = true; /* EIP-161 */
    t->sd_new_account = SEER_SD_NEW_ACCOUNT_IF_FUNDED_DEAD;
    t->max_code_size = 24576; /* EIP-170 */
}

static void fork_byzantium(seer_fork_table *t)
{
    /* EIP-140 REVERT, EIP-211 RETURNDATA*, EIP-214 STATICCALL. */
    derive(t, SEER_FORK_SPURIOUS_DRAGON, SEER_FORK_BYZANTIUM);
}

static void fork_constantinople(seer_fork_table *t)
{
    /* EIP-145 shifts, EIP-1014 CREATE2, EIP-1052 EXTCODEHASH. */
    derive(t, SEER_FORK_BYZANTIUM, SEER_FORK_CONSTANTINOPLE);
    /* EIP-1283: net gas metering for SSTORE, without a sentry. */
    t->sstore_rule = SEER_SSTORE_NET;
    t->sstore_noop_gas = 200;
}

static void fork_petersburg(seer_fork_table *t)
{
    derive(t, SEER_FORK_CONSTANTINOPLE, SEER_FORK_PETERSBURG);
    /* EIP-1716: EIP-1283 removed again. */
    t->sstore_rule = SEER_SSTORE_CLASSIC;
    t->sstore_noop_gas = 0;
}

static void fork_istanbul(seer_fork_table *t)
{
    /* EIP-1344 CHAINID, EIP-1884 SELFBALANCE. */
    derive(t, SEER_FORK_PETERSBURG, SEER_FORK_ISTANBUL);
    /* EIP-1884: repricing for trie-size-dependent opcodes. */
    set_gas(t, SEER_OP_SLOAD, 800);
    set_gas(t, SEER_OP_BALANCE, 700);
    set_gas(t, SEER_OP_EXTCODEHASH, 700);
    /* EIP-2200: net metering with SLOAD_GAS as the dirty cost and the 2300 sentry. */
    t->sstore_rule = SEER_SSTORE_NET;
    t->sstore_noop_gas = 800;
    t->sstore_sentry = 2300;
    t->tx_data_nonzero_gas = 16; /* EIP-2028 */
}

static void fork_berlin(seer_fork_table *t)
{
    derive(t, SEER_FORK_ISTANBUL, SEER_FORK_BERLIN);
    /* EIP-2929: the base cost is the warm cost; a cold access adds the rest. */
    const int warm = 100;
    set_gas(t, SEER_OP_SLOAD, warm);
    set_gas(t, SEER_OP_BALANCE, warm);
    set_gas(t, SEER_OP_EXTCODESIZE, warm);
    set_gas(t, SEER_OP_EXTCODECOPY, warm);
    set_gas(t, SEER_OP_EXTCODEHASH, warm);
    set_gas(t, SEER_OP_CALL, warm);
    set_gas(t, SEER_OP_CALLCODE, warm);
    set_gas(t, SEER_OP_DELEGATECALL, warm);
    set_gas(t, SEER_OP_STATICCALL, warm);
    t->access_lists = true;
    t->cold_sload_extra = 2100 - warm;
    t->cold_account_extra = 2600 - warm;
    t->cold_sd_beneficiary = 2600;
    t->cold_sstore_extra = 2100;
    t->sstore_noop_gas = warm;
    t->sstore_reset_gas = 5000 - 2100;
    /* EIP-2930 access list transactions. */
    t->tx_access_list_address_gas = 2400;
    t->tx_access_list_key_gas = 1900;
}

static void fork_london(seer_fork_table *t)
{
    derive(t, SEER_FORK_BERLIN, SEER_FORK_LONDON); /* EIP-3198 BASEFEE */
    /* EIP-3529: smaller refunds, no SELFDESTRUCT refund. */
    t->sstore_clear_refund = 4800;
    t->sd_refund = 0;
    t->refund_quotient = 5;
    t->reject_ef_code = true; /* EIP-3541 */
}

static void fork_paris(seer_fork_table *t)
{
    derive(t, SEER_FORK_LONDON, SEER_FORK_PARIS);
    /* EIP-4399: same opcode, new meaning. */
    t->names[SEER_OP_DIFFICULTY] = "PREVRANDAO";
}

static void fork_shanghai(seer_fork_table *t)
{
    derive(t, SEER_FORK_PARIS, SEER_FORK_SHANGHAI); /* EIP-3855 PUSH0 */
    /* EIP-3860: limit and meter initcode. */
    t->initcode_word_gas = 2;
    t->max_initcode_size = 2 * 24576;
}

static void fork_cancun(seer_fork_table *t)
{
    /* EIP-1153 TLOAD/TSTORE, EIP-5656 MCOPY, EIP-4844 BLOBHASH,
     * EIP-7516 BLOBBASEFEE. */
    derive(t, SEER_FORK_SHANGHAI, SEER_FORK_CANCUN);
    t->selfdestruct_only_new = true; /* EIP-6780 */
}

static void build_all(void)
{
    static void (*const builders[])(seer_fork_table *) = {
        [SEER_FORK_FRONTIER] = fork_frontier,
        [SEER_FORK_HOMESTEAD] = fork_homestead,
        [SEER_FORK_TANGERINE_WHISTLE] = fork_tangerine_whistle,
        [SEER_FORK_SPURIOUS_DRAGON] = fork_spurious_dragon,
        [SEER_FORK_BYZANTIUM] = fork_byzantium,
        [SEER_FORK_CONSTANTINOPLE] = fork_constantinople,
        [SEER_FORK_PETERSBURG] = fork_petersburg,
        [SEER_FORK_ISTANBUL] = fork_istanbul,
        [SEER_FORK_BERLIN] = fork_berlin,
        [SEER_FORK_LONDON] = fork_london,
        [SEER_FORK_PARIS] = fork_paris,
        [SEER_FORK_SHANGHAI] = fork_shanghai,
        [SEER_FORK_CANCUN] = fork_cancun,
    };
    /* Forks are built in order: each derives from the one before. */
    for (size_t f = 0; f < sizeof builders / sizeof builders[0]; f++) {
        if (!builders[f])
            break;
        builders[f](&tables[f]);
        built[f] = true;
    }
}

const seer_fork_table *seer_fork_table_get(seer_fork fork)
{
    if ((unsigned)fork >= SEER_FORK_COUNT)
        return NULL;
    pthread_once(&tables_once, build_all);
    return built[fork] ? &tables[fork] : NULL;
}

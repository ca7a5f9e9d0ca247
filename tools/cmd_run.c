/* seer run: replays mainnet fixture blocks serially and checks them against
 * their headers (gasUsed, logsBloom, receiptsRoot from Byzantium on, every
 * sender against `from`). One line per transaction, then the checks, then
 * Mgas/s; --json prints one JSON object per block instead. */
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct run_ctx {
    bool json, quiet;
    bool first_tx;
} run_ctx;

static void hex32(char out[67], const seer_bytes32 *h)
{
    static const char d[] = "0123456789abcdef";
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 32; i++) {
        out[2 + 2 * i] = d[h->bytes[i] >> 4];
        out[3 + 2 * i] = d[h->bytes[i] & 15];
    }
    out[66] = 0;
}

static void on_tx(void *ctx, const seer_replay_tx *tx)
{
    run_ctx *rc = ctx;
    char h[67];
    hex32(h, &tx->hash);
    if (rc->json) {
        printf("%s{\"index\":%zu,\"hash\":\"%s\",\"status\":%d,\"gasUsed\":%" PRIu64
               ",\"cumulativeGas\":%" PRIu64 ",\"logs\":%zu,\"senderOk\":%s%s%s%s}",
               rc->first_tx ? "" : ",", tx->index, h, tx->status, tx->gas_used, tx->cumulative_gas, tx->nlogs,
               tx->sender_checked ? (tx->sender_ok ? "true" : "false") : "null",
               tx->exception ? ",\"exception\":\"" : "", tx->exception ? tx->exception : "",
               tx->exception ? "\"" : "");
        rc->first_tx = false;
        return;
    }
    if (rc->quiet)
        return;
    if (tx->exception)
        printf("  tx %4zu %s INVALID %s\n", tx->index, h, tx->exception);
    else
        printf("  tx %4zu %s status=%d gas=%" PRIu64 " cumulative=%" PRIu64 " logs=%zu%s%s\n", tx->index, h,
               tx->status, tx->gas_used, tx->cumulative_gas, tx->nlogs,
               tx->sender_checked && !tx->sender_ok ? " SENDER MISMATCH" : "",
               tx->oracle_checked && !tx->oracle_ok ? " ORACLE MISMATCH" : "");
}

static const char *ok(bool b)
{
    return b ? "OK" : "MISMATCH";
}

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: seer run [--json] [--quiet] [--pre FILE --codes FILE] [--hashes FILE] BLOCK_DIR_OR_JSON...\n"
        "Replays mainnet fixture blocks (fixtures/mainnet/blocks/N) serially over their partial\n"
        "pre-state and checks gasUsed, logsBloom, receiptsRoot (Byzantium on) and senders.\n"
        "No block reward, withdrawals, beacon-root system call or DAO move is applied: the\n"
        "fixtures' pre-states hold the transactions' reads only.\n"
        "  --db DIR   (the LMDB store is not available yet)\n");
}

int cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},         {"quiet", no_argument, NULL, 'q'},
        {"pre", required_argument, NULL, 'p'},    {"codes", required_argument, NULL, 'c'},
        {"hashes", required_argument, NULL, 'H'}, {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    run_ctx ctx = {false, false, true};
    seer_replay_options opts = SEER_REPLAY_OPTIONS_INIT;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': ctx.json = true; break;
        case 'q': ctx.quiet = true; break;
        case 'p': opts.pre_path = optarg; break;
        case 'c': opts.codes_path = optarg; break;
        case 'H': opts.hashes_path = optarg; break;
        case 'd': opts.db_dir = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    int status = 0;
    double total_s = 0;
    uint64_t total_gas = 0;
    size_t blocks = 0, bad_blocks = 0;
    if (ctx.json)
        printf("[");
    for (int i = optind; i < argc; i++) {
        seer_replay_report r;
        if (!ctx.json && !ctx.quiet)
            printf("block %s\n", argv[i]);
        if (ctx.json)
            printf("%s{\"path\":\"%s\",\"txs\":[", blocks ? "," : "", argv[i]);
        ctx.first_tx = true;
        int rc = seer_block_replay_file(&opts, &r, argv[i], on_tx, &ctx);
        if (rc < 0) {
            if (ctx.json)
                printf("]}");
            cli_error(argv[i], rc);
            status = 3;
            blocks++;
            bad_blocks++;
            continue;
        }
        bool senders = r.senders_ok == r.senders_checked;
        bool oracle = r.oracle_ok == r.oracle_checked;
        bool pass = r.gas_used_ok && r.bloom_ok && senders && oracle && r.invalid_txs == 0 &&
                    (r.receipts_root_checked ? r.receipts_root_ok : r.cumulative_ok);
        double mgas = r.exec_seconds > 0 ? (double)r.gas_used / r.exec_seconds / 1e6 : 0;
        total_s += r.exec_seconds;
        total_gas += r.gas_used;
        blocks++;
        if (!pass) {
            bad_blocks++;
            if (status == 0)
                status = 1;
        }
        if (ctx.json) {
            printf("],\"number\":%" PRIu64 ",\"fork\":\"%s\",\"gasUsed\":%" PRIu64
                   ",\"headerGasUsed\":%" PRIu64
                   ",\"gasUsedOk\":%s,\"logsBloomOk\":%s,\"receiptsRootChecked\":%s,\"receiptsRootOk\":%s,"
                   "\"cumulativeGasOk\":%s,\"sendersChecked\":%zu,\"sendersOk\":%zu,\"oracleChecked\":%zu,"
                   "\"oracleOk\":%zu,\"rewardsApplied\":false,"
                   "\"withdrawalsApplied\":false,\"systemCallApplied\":false,\"seconds\":%.6f,\"mgasPerSec\":"
                   "%.2f,"
                   "\"pass\":%s}",
                   r.number, seer_fork_name(r.fork), r.gas_used, r.header_gas_used,
                   r.gas_used_ok ? "true" : "false", r.bloom_ok ? "true" : "false",
                   r.receipts_root_checked ? "true" : "false", r.receipts_root_ok ? "true" : "false",
                   r.cumulative_ok ? "true" : "false", r.senders_checked, r.senders_ok, r.oracle_checked,
                   r.oracle_ok, r.exec_seconds, mgas, pass ? "true" : "false");
            continue;
        }
        printf("block %" PRIu64 " (%s): %zu txs, gas %" PRIu64 "\n", r.number, seer_fork_name(r.fork), r.ntxs,
               r.gas_used);
        printf("  gasUsed      %s (%" PRIu64 ", header %" PRIu64 ")\n", ok(r.gas_used_ok), r.gas_used,
               r.header_gas_used);
        printf("  logsBloom    %s\n", ok(r.bloom_ok));
        if (r.receipts_root_checked)
            printf("  receiptsRoot %s (%s)\n", ok(r.receipts_root_ok), r.receipts_root);
        else
            printf(
                "  receiptsRoot not checked: pre-Byzantium receipts hold intermediate state roots, which the "
                "partial pre-state cannot give; checked each receipt's cumulative gas instead: %s\n",
                ok(r.cumulative_ok));
        printf("  senders      %s (%zu of %zu recovered senders equal `from`)\n", ok(senders), r.senders_ok,
               r.senders_checked);
        if (r.oracle_checked)
            printf("  per-tx       %s (%zu of %zu transactions' gasUsed and status equal the oracle's)\n",
                   ok(oracle), r.oracle_ok, r.oracle_checked);
        else
            printf("  per-tx       no oracle record: not checked\n");
        printf("  not applied: block reward, withdrawals, beacon-root system call (outside the fixture's "
               "data)\n");
        if (opts.db_dir)
            printf("  state store %s: %s\n", opts.db_dir,
                   r.committed ? "block committed" : "nothing committed");
        printf("  %s  %.3f ms, %.2f Mgas/s\n", pass ? "PASS" : "FAIL", r.exec_seconds * 1e3, mgas);
    }
    if (ctx.json) {
        printf("]\n");
    } else {
        printf("%zu blocks, %zu failed; serial replay %.2f Mgas/s (%" PRIu64 " gas in %.3f s of execution)\n",
               blocks, bad_blocks, total_s > 0 ? (double)total_gas / total_s / 1e6 : 0.0, total_gas, total_s);
    }
    return status;
}

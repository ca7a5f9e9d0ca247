/* seer — the command-line tool: dispatches to one subcommand per file. */
#include "cli.h"

#include <seer.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    seer_cmd_fn fn;
    const char *summary;
} commands[] = {
    {"demo", cmd_demo, "the main job on a generated block: LMDB store, serial vs parallel, commit"},
    {"statetest", cmd_statetest,
     "run ethereum/tests GeneralStateTests files (geth evm statetest compatible)"},
    {"db", cmd_db, "the LMDB state store: import a pre-state, stat, root"},
    {"blocktest", cmd_blocktest, "run ethereum/tests BlockchainTests files or folders"},
    {"run", cmd_run, "replay mainnet fixture blocks serially and check them against their headers"},
    {"analyze", cmd_analyze,
     "predict storage keys from bytecode: a contract's templates, a block's access sets"},
    {"gen", cmd_gen, "generate a synthetic block (transfers, ERC-20, swaps, mints, adversarial patterns)"},
    {"asm", cmd_asm, "assemble EVM assembly to hex (the syntax of the gen contracts)"},
    {"exec", cmd_exec, "execute a block in parallel (replay or build mode), optionally compared with serial"},
    {"bench", cmd_bench,
     "serial vs parallel on the same blocks or a generated workload, with a thread sweep"},
    {"graph", cmd_graph, "a block's conflict graph (dot or JSON): levels, the keys behind edges, hot keys"},
};

void cli_error(const char *what, int err)
{
    const char *detail = seer_error_detail();
    fprintf(stderr, "seer: %s: %s%s%s\n", what, seer_strerror(err), *detail ? ": " : "", detail);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: seer <command> [options]\n\n"
               "seer executes Ethereum blocks in parallel by predicting each transaction's\n"
               "storage accesses from contract bytecode.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "  %-10s %s\n", "version", "print the version");
    fprintf(f, "\n'seer <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("seer %s\n", seer_version());
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "seer: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}

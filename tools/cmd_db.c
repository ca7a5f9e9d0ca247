/* seer db: the LMDB state store.
 *   seer db import --pre pre_state.json [--codes bytecodes.json] [--db DIR]
 *   seer db stat [--db DIR] [--json]
 *   seer db root [--db DIR]
 * Without --db the store is $SEER_DB, else ./seer-data. */
#include "cli.h"

#include <getopt.h>
#include <seer.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: seer db import --pre pre_state.json [--codes bytecodes.json] [--db DIR]\n"
               "       seer db stat [--db DIR] [--json]\n"
               "       seer db root [--db DIR]\n"
               "The store is DIR, else $SEER_DB, else ./seer-data.\n");
}

static void hex32(char out[67], const seer_bytes32 *h)
{
    static const char digits[] = "0123456789abcdef";
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 32; i++) {
        out[2 + 2 * i] = digits[h->bytes[i] >> 4];
        out[3 + 2 * i] = digits[h->bytes[i] & 15];
    }
    out[66] = 0;
}

static int open_store(seer_state **st, const char *dir, bool create, bool read_only)
{
    seer_state_options o = SEER_STATE_OPTIONS_INIT;
    o.create = create;
    o.read_only = read_only;
    int err = seer_state_open(st, dir, &o);
    if (err) {
        char what[4200];
        snprintf(what, sizeof what, "opening the store %s", dir);
        cli_error(what, err);
        return 3;
    }
    return 0;
}

int cmd_db(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1];
    const char *dir = NULL, *pre = NULL, *codes = NULL;
    bool json = false;
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},    {"pre", required_argument, NULL, 'p'},
        {"codes", required_argument, NULL, 'c'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    optind = 1;
    int ch;
    while ((ch = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
        switch (ch) {
        case 'd': dir = optarg; break;
        case 'p': pre = optarg; break;
        case 'c': codes = optarg; break;
        case 'j': json = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "seer db: unexpected argument '%s'\n", argv[optind + 1]);
        return 2;
    }
    if (!dir)
        dir = seer_state_default_dir();
    seer_state *st = NULL;
    int rc = 0, err;
    if (!strcmp(sub, "import")) {
        if (!pre) {
            fprintf(stderr, "seer db import: --pre FILE is required\n");
            usage(stderr);
            return 2;
        }
        if ((rc = open_store(&st, dir, true, false)))
            return rc;
        seer_state_import_stats s;
        err = seer_state_import_json(st, &s, pre, codes);
        if (err) {
            cli_error("db import", err);
            rc = 3;
        } else {
            printf("imported %llu accounts, %llu storage slots, %llu new codes into %s in %.3f s "
                   "(%.0f accounts/s, %.0f slots/s)\n",
                   (unsigned long long)s.accounts, (unsigned long long)s.slots, (unsigned long long)s.codes,
                   dir, s.seconds, s.seconds > 0 ? (double)s.accounts / s.seconds : 0.0,
                   s.seconds > 0 ? (double)s.slots / s.seconds : 0.0);
        }
    } else if (!strcmp(sub, "stat")) {
        if ((rc = open_store(&st, dir, false, true)))
            return rc;
        seer_state_stat s;
        err = seer_state_stat_get(st, &s);
        if (err) {
            cli_error("db stat", err);
            rc = 3;
        } else {
            char h[67];
            hex32(h, &s.block_hash);
            if (json) {
                printf(
                    "{\"dir\": \"%s\", \"schema\": %u, \"accounts\": %llu, \"slots\": %llu, \"codes\": %llu, "
                    "\"bytes\": %llu, \"mapSize\": %llu, ",
                    dir, s.schema, (unsigned long long)s.accounts, (unsigned long long)s.slots,
                    (unsigned long long)s.codes, (unsigned long long)s.bytes, (unsigned long long)s.map_size);
                if (s.has_block)
                    printf("\"blockNumber\": %llu, \"blockHash\": \"%s\"}\n",
                           (unsigned long long)s.block_number, h);
                else
                    printf("\"blockNumber\": null, \"blockHash\": null}\n");
            } else {
                printf("store:    %s (schema %u)\naccounts: %llu\nslots:    %llu\ncodes:    %llu\n"
                       "size:     %llu bytes used, map %llu bytes\n",
                       dir, s.schema, (unsigned long long)s.accounts, (unsigned long long)s.slots,
                       (unsigned long long)s.codes, (unsigned long long)s.bytes,
                       (unsigned long long)s.map_size);
                if (s.has_block)
                    printf("block:    %llu %s\n", (unsigned long long)s.block_number, h);
                else
                    printf("block:    none committed\n");
            }
        }
    } else if (!strcmp(sub, "root")) {
        if ((rc = open_store(&st, dir, false, true)))
            return rc;
        seer_bytes32 root;
        err = seer_state_root(st, &root);
        if (err) {
            cli_error("db root", err);
            rc = 3;
        } else {
            char h[67];
            hex32(h, &root);
            printf("%s\n", h);
        }
    } else {
        fprintf(stderr, "seer db: unknown subcommand '%s'\n", sub);
        usage(stderr);
        return 2;
    }
    seer_state_close(st);
    return rc;
}

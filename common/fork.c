#include "common/util.h"

#include <strings.h>

static const char *const fork_names[SEER_FORK_COUNT] = {
    [SEER_FORK_FRONTIER] = "Frontier",
    [SEER_FORK_HOMESTEAD] = "Homestead",
    [SEER_FORK_TANGERINE_WHISTLE] = "EIP150",
    [SEER_FORK_SPURIOUS_DRAGON] = "EIP158",
    [SEER_FORK_BYZANTIUM] = "Byzantium",
    [SEER_FORK_CONSTANTINOPLE] = "Constantinople",
    [SEER_FORK_PETERSBURG] = "ConstantinopleFix",
    [SEER_FORK_ISTANBUL] = "Istanbul",
    [SEER_FORK_BERLIN] = "Berlin",
    [SEER_FORK_LONDON] = "London",
    [SEER_FORK_PARIS] = "Paris",
    [SEER_FORK_SHANGHAI] = "Shanghai",
    [SEER_FORK_CANCUN] = "Cancun",
    [SEER_FORK_PRAGUE] = "Prague",
    [SEER_FORK_OSAKA] = "Osaka",
};

static const struct {
    const char *name;
    seer_fork fork;
} fork_aliases[] = {
    {"TangerineWhistle", SEER_FORK_TANGERINE_WHISTLE},
    {"SpuriousDragon", SEER_FORK_SPURIOUS_DRAGON},
    {"Petersburg", SEER_FORK_PETERSBURG},
    {"Merge", SEER_FORK_PARIS},
};

const char *seer_fork_name(seer_fork fork)
{
    if ((unsigned)fork >= SEER_FORK_COUNT)
        return "unknown";
    return fork_names[fork];
}

int seer_fork_from_name(seer_fork *out, const char *name)
{
    if (!out || !name)
        return SEER_EINVAL;
    for (int i = 0; i < SEER_FORK_COUNT; i++)
        if (strcasecmp(name, fork_names[i]) == 0) {
            *out = (seer_fork)i;
            return 0;
        }
    for (size_t i = 0; i < SEER_ARRAY_LEN(fork_aliases); i++)
        if (strcasecmp(name, fork_aliases[i].name) == 0) {
            *out = fork_aliases[i].fork;
            return 0;
        }
    return seer_err(SEER_EPARSE, "unknown fork name '%s'", name);
}

#include "seer/common.h"

const char *seer_version(void)
{
    return SEER_VERSION_STRING;
}

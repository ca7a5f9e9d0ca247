/* seer — public API: block (being written). */
#ifndef SEER_BLOCK_H
#define SEER_BLOCK_H
#include "seer/common.h"
#endif

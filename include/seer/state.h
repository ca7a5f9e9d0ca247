/* seer — public API: state (being written). */
#ifndef SEER_STATE_H
#define SEER_STATE_H
#include "seer/common.h"
#endif

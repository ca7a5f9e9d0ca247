/* seer — public API: scheduler (being written). */
#ifndef SEER_SCHEDULER_H
#define SEER_SCHEDULER_H
#include "seer/common.h"
#endif

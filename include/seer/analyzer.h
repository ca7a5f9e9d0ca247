/* seer — public API: analyzer (being written). */
#ifndef SEER_ANALYZER_H
#define SEER_ANALYZER_H
#include "seer/common.h"
#endif

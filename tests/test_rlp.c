/* placeholder: being written */
#include "tests/test_util.h"
int main(void) { return 77; /* skip */ }

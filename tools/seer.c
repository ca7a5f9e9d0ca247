/* placeholder */
#include <seer.h>
int main(void) { return 0; }

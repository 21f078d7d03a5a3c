/* The smelt-cc executable: the compiler driver in ld/cc.c. */
#include "ld/cc.h"

int main(int argc, char **argv) { return smelt_cc_main(argc, argv); }

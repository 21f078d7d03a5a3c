#include "strs.h"
ALL(b_)
const char *b_long(void) { return LONG; }
const char *b_only(void) { return "only in b"; }

#include "strs.h"
ALL(b_)
GROUPS(b_)
const char *b_long(void) { return LONG; }
const char *b_only(void) { return "only in b"; }
const char *const *b_table(void) { static const char *const t[] = TABLE; return t; }

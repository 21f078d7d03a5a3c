#include "strs.h"
ALL(a_)
GROUPS(a_)
const char *a_long(void) { return LONG; }
const char *a_only(void) { return "only in a"; }
const char *const *a_table(void) { static const char *const t[] = TABLE; return t; }

const char *libname(void) { return "from libsmeltcc.a"; }

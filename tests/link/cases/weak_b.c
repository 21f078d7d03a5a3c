const char *who(void) { return "strong"; }
int overridden_data = 2;

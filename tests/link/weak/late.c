/* Linked after strong.o: these weak definitions must lose. */
__attribute__((weak)) int strong_first(void) { return -3; }
__attribute__((weak)) int late_data = -3;
__attribute__((weak)) int overridden(void) { return -2; }

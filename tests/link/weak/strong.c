int overridden(void) { return 2; }
int weak_data = 2;
int strong_first(void) { return 3; }
int late_data = 3;

int value = 2;
int pick(void) { return 20; }
int second_reads(void) { return value + pick(); }

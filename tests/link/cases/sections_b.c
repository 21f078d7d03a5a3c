struct entry { const char *name; int value; };
static const struct entry entry_gamma __attribute__((section("mysec"), used)) = {"gamma", 40};
int other_register(void) { return 1; }

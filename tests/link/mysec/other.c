struct entry { const char *name; int value; };
#define ENTRY(id, n, v) \
	__attribute__((used, section("mysec"))) static const struct entry id = { n, v }

ENTRY(e_gamma, "gamma", 300);
ENTRY(e_delta, "delta", 4000);
ENTRY(e_epsilon, "epsilon", 50000);

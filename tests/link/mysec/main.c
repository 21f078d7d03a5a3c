/* Entries placed in a section named like a C identifier from two objects,
 * found at run time through the linker-defined __start_mysec/__stop_mysec.
 * run.sh links this with and without --gc-sections: the references to
 * __start_/__stop_ keep the section alive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry { const char *name; int value; };
#define ENTRY(id, n, v) \
	__attribute__((used, section("mysec"))) static const struct entry id = { n, v }

ENTRY(e_alpha, "alpha", 1);
ENTRY(e_beta, "beta", 20);

extern const struct entry __start_mysec[], __stop_mysec[];

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

int main(void)
{
	size_t n = __stop_mysec - __start_mysec;
	struct entry copy[16];
	printf("%zu entries\n", n);
	if (n > 16)
		return 1;
	memcpy(copy, __start_mysec, n * sizeof *copy);
	qsort(copy, n, sizeof *copy, by_name);
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		printf("%s = %d\n", copy[i].name, copy[i].value);
		sum += copy[i].value;
	}
	printf("sum %d\n", sum);
	return 0;
}

/* --unresolved-symbols=ignore-all, --warn-unresolved-symbols: the link
 * succeeds and each undefined symbol is 0, as a weak undefined one is.
 * Nothing here calls or reads through them. */
#include <stdio.h>

int missing_fn(void);
extern int missing_data;
int (*volatile fp)(void) = missing_fn; /* a data relocation */

/* the compiler may not assume the address of a declared object is not 0 */
static const void *opaque(const void *p)
{
	__asm__("" : "+r"(p));
	return p;
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("missing_fn %s\n", opaque((const void *)missing_fn) ? "is not 0" : "is 0");
	printf("&missing_data %s\n", opaque(&missing_data) ? "is not 0" : "is 0");
	printf("fp %s\n", fp ? "is not 0" : "is 0");
	if (argc > 5)
		return missing_fn() + missing_data; /* a call and a load, never run */
	return 0;
}

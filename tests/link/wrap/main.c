/* --wrap and --defsym (flags from run.sh):
 *   --wrap=malloc --wrap=helper
 *   --defsym=base_addr=0x12340 --defsym=twice_alias=twice
 *   --defsym=table_third=table+8 --defsym=end_minus=_end-16
 *   --defsym=overridden=0x77
 * Undefined references to malloc and helper go to __wrap_malloc and
 * __wrap_helper, which reach the real ones through __real_*; the definition
 * of helper in other.c keeps its name. end_minus is lld's value; GNU ld
 * 2.40 gives _end's address in its script before the output sections are
 * placed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

void *__real_malloc(size_t);
int __real_helper(int);
int helper(int);
int other_calls_helper(int);
extern int table[];
extern char base_addr[], table_third[], end_minus[], _end[], overridden[];
int twice(int);
int twice_alias(int);

static int mallocs, helpers;

void *__wrap_malloc(size_t n)
{
	mallocs++;
	return __real_malloc(n);
}

int __wrap_helper(int x)
{
	helpers++;
	return __real_helper(x) + 1000;
}

/* addresses compared at run time, not folded by the compiler */
static uintptr_t addr(const void *p)
{
	uintptr_t v = (uintptr_t)p;
	__asm__("" : "+r"(v));
	return v;
}

int main(int argc, char **argv)
{
	(void)argv;
	char *volatile p = malloc(16 + argc);
	free(p);
	printf("malloc wrapped %d\n", mallocs);
	int h = helper(1);
	printf("helper(1) %d, wrapped %d\n", h, helpers);
	h = other_calls_helper(2);
	printf("other.c's helper(2) %d (defined there: not wrapped), wrapped %d\n", h, helpers);
	printf("base_addr %#lx\n", (unsigned long)addr(base_addr));
	printf("twice_alias(3) %d, same address %d\n", twice_alias(3),
	       addr((void *)twice_alias) == addr((void *)twice));
	printf("table_third %d, at table+8 %d\n", *(int *)table_third,
	       addr(table_third) == addr(table) + 8);
	printf("end_minus = _end - 16: %d\n", addr(end_minus) == addr(_end) - 16);
	printf("overridden %#lx\n", (unsigned long)addr(overridden));
	return 0;
}

/* Archive extraction: main.o needs a() from liba.a, which needs b() from an
 * earlier member of the same archive, which needs c() from libc2.a given
 * later. Members nobody needs (or needed only weakly) must stay out: each
 * prints from a constructor, and one would be a duplicate definition.
 * x1() needs a --start-group/--end-group cycle between libx.a and liby.a. */
#include <stdio.h>

int main_global = 1;               /* unused.o in liba.a defines it too */
int a(void);
int x1(void);
extern int b_data;
extern void weak_only(void) __attribute__((weak));

int main(void)
{
	printf("a() = %d\n", a());
	printf("b_data = %d\n", b_data);
	printf("x1() = %d\n", x1());
	printf("weak_only %s\n", &weak_only ? "extracted" : "absent");
	printf("main_global %d\n", main_global);
	return 0;
}

/* --allow-multiple-definition: `value` and `pick()` are defined in first.c
 * and again in second.c; the first definition on the command line wins
 * for every reference, also second.c's own (compiled without section
 * anchors, through which aarch64 code reads its own data). extra.o, in an archive whose
 * --whole-archive was undone by --pop-state, must stay out: it prints
 * from a constructor. */
#include <stdio.h>

extern int value;
int pick(void);
int second_reads(void);

int main(void)
{
	printf("value %d\n", value);
	printf("pick() %d\n", pick());
	printf("second.c reads %d\n", second_reads());
	return 0;
}

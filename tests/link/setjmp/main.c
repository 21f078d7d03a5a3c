#include <setjmp.h>
#include <stdio.h>

static jmp_buf env;
static int depth_reached;

static void dive(int depth)
{
	depth_reached = depth;
	if (depth == 5)
		longjmp(env, depth * 7);
	dive(depth + 1);
	puts("not reached");
}

int main(void)
{
	volatile int rounds = 0;
	int r = setjmp(env);
	printf("setjmp returned %d\n", r);
	if (rounds++ < 2)
		dive(1);
	printf("rounds %d, depth %d\n", rounds, depth_reached);
	return 0;
}

/* --coverage through smelt-cc: libgcov linked, counts written at exit to
 * the .gcda gcc names. */
#include <stdio.h>
static int sq(int x) { return x * x; }
int main(void)
{
	int s = 0;
	for (int i = 0; i < 7; i++)
		s += sq(i);
	printf("%d\n", s);
	return 0;
}

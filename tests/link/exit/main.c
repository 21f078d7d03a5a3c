/* exit() called deep inside nested calls: atexit handlers run in reverse
 * order of registration, stdio is flushed, nothing after exit() runs, and
 * the status reaches the parent. */
#include <stdio.h>
#include <stdlib.h>

static void h1(void) { printf("handler 1\n"); }
static void h2(void) { printf("handler 2\n"); }
static void h3(void) { printf("handler 3\n"); }

static void level3(int status)
{
	printf("level 3, exiting with %d\n", status);
	exit(status);
}
static void level2(int s) { level3(s + 1); printf("after level3\n"); }
static void level1(int s) { atexit(h3); level2(s + 1); printf("after level2\n"); }

int main(void)
{
	atexit(h1);
	atexit(h2);
	printf("main\n");
	level1(1);
	printf("after level1\n");
	return 0;
}

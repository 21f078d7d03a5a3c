/* .init_array/.fini_array ordering: prioritized entries first, in priority
 * order across objects, then the plain ones in command-line order;
 * destructors run in the reverse order; atexit handlers run before them. */
#include <stdio.h>
#include <stdlib.h>

#define CTOR(prio, msg) __attribute__((constructor(prio))) static void c##prio(void) { puts(msg); }
#define DTOR(prio, msg) __attribute__((destructor(prio))) static void d##prio(void) { puts(msg); }

CTOR(102, "ctor 102 (main.c)")
CTOR(1000, "ctor 1000 (main.c)")
__attribute__((constructor)) static void c_plain(void) { puts("ctor plain (main.c)"); }
DTOR(101, "dtor 101 (main.c)")
DTOR(102, "dtor 102 (main.c)")
__attribute__((destructor)) static void d_plain(void) { puts("dtor plain (main.c)"); }

static void at1(void) { puts("atexit 1"); }
static void at2(void) { puts("atexit 2"); }
static void at3(void) { puts("atexit 3"); }

int main(void)
{
	puts("main");
	atexit(at1);
	atexit(at2);
	atexit(at3);
	return 0;
}

/* Code goes into .text in GNU ld's order: cold code (.text.unlikely),
 * exit code (.text.exit), start-up code (.text.startup: gcc -O2 puts main
 * and constructors there), hot code (.text.hot), then the rest. The
 * program checks the addresses of one function of each kind. */
#include <stdint.h>
#include <stdio.h>

__attribute__((cold, noinline)) void cold_fn(const char *why)
{
	printf("cold: %s\n", why);
}

__attribute__((section(".text.exit.smelt"), noinline)) void exit_fn(void)
{
	printf("exit\n");
}

__attribute__((hot, noinline)) int hot_fn(int x)
{
	return x * 3 + 1;
}

__attribute__((noinline)) int plain_fn(int x)
{
	return x * 5 + 2;
}

static uintptr_t ctor_at;

__attribute__((constructor, noinline)) static void ctor(void)
{
	ctor_at = (uintptr_t)&ctor;
}

static uintptr_t at(const void *p)
{
	__asm__("" : "+r"(p));
	return (uintptr_t)p;
}

int main(int argc, char **argv)
{
	(void)argv;
	uintptr_t cold = at((const void *)cold_fn), exit = at((const void *)exit_fn);
	uintptr_t start = at((const void *)main), hot = at((const void *)hot_fn);
	uintptr_t plain = at((const void *)plain_fn);
	printf("cold < exit: %s\n", cold < exit ? "yes" : "no");
	printf("exit < main: %s\n", exit < start ? "yes" : "no");
	printf("constructor with main: %s\n",
	       ctor_at && (ctor_at < start ? start - ctor_at : ctor_at - start) < 4096 &&
	                       ctor_at > exit && ctor_at < hot
	               ? "yes"
	               : "no");
	printf("main < hot: %s\n", start < hot ? "yes" : "no");
	printf("hot < rest: %s\n", hot < plain ? "yes" : "no");
	printf("%d %d\n", hot_fn(argc), plain_fn(argc));
	if (argc > 5) {
		cold_fn("never");
		exit_fn();
	}
	return 0;
}

/* -z stack-size=4194304 (from run.sh): musl gives a new thread a stack of
 * PT_GNU_STACK's p_memsz when that is larger than its 128 KiB default, so
 * a thread that puts 1 MiB on its stack runs instead of faulting. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void *deep(void *arg)
{
	(void)arg;
	volatile char buf[1 << 20];
	memset((char *)buf, 1, sizeof buf);
	return (void *)(long)(buf[0] + buf[sizeof buf - 1]);
}

int main(void)
{
	pthread_t t;
	void *r;
	if (pthread_create(&t, 0, deep, 0))
		return 2;
	pthread_join(t, &r);
	printf("a thread used 1 MiB of stack: %ld\n", (long)r);
	return 0;
}

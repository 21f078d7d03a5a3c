/* Every thread gets its own copy of the TLS block, initialized from the
 * template: new threads see the initial values, not the main thread's. */
#include <pthread.h>
#include <stdio.h>

__thread int counter = 1000;
__thread long zeroed;
__thread char tag[16] = "template";

#define N 4
static pthread_barrier_t barrier;
static int seen_initial[N], seen_final[N], seen_zero[N];
static char seen_tag[N][16];
static void *addr[N];

static void *worker(void *arg)
{
	int id = (int)(long)arg;
	seen_initial[id] = counter;
	seen_zero[id] = zeroed == 0;
	for (int i = 0; i <= id; i++)
		counter += 1;
	zeroed = id;
	tag[0] = 'A' + id;
	addr[id] = &counter;
	pthread_barrier_wait(&barrier); /* all threads alive: copies are distinct */
	seen_final[id] = counter * 10 + (int)zeroed;
	for (int i = 0; i < 16; i++)
		seen_tag[id][i] = tag[i];
	return 0;
}

int main(void)
{
	pthread_t t[N];
	counter = 7;
	zeroed = 99;
	pthread_barrier_init(&barrier, 0, N);
	for (long i = 0; i < N; i++)
		pthread_create(&t[i], 0, worker, (void *)i);
	for (int i = 0; i < N; i++)
		pthread_join(t[i], 0);
	for (int i = 0; i < N; i++)
		printf("thread %d: initial %d zero %d final %d tag %s\n", i, seen_initial[i], seen_zero[i],
		       seen_final[i], seen_tag[i]);
	int distinct = 1;
	for (int i = 0; i < N; i++)
		for (int j = 0; j < i; j++)
			distinct &= addr[i] != addr[j];
	printf("distinct addresses %d\n", distinct);
	printf("main: %d %ld %s\n", counter, zeroed, tag);
	return 0;
}

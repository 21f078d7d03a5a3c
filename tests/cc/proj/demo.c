#include <stdio.h>
#include <pthread.h>
static void *f(void *a) { return a; }
int main(void) { pthread_t t; void *r; pthread_create(&t, 0, f, "thread ok"); pthread_join(t, &r); puts(r); return 0; }

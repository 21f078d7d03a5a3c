#include <pthread.h>
#include <stdio.h>
__thread int tls_init = 42;
__thread long tls_zero;
__thread char tls_buf[64] = "template";
static __thread int tls_static = 5;
extern __thread int tls_other;
int other_get(void);
void other_add(int);
static void *worker(void *arg)
{
  tls_init += 100;
  tls_zero = (long)(size_t)arg;
  tls_other = 9;
  tls_buf[0] = 'T';
  printf("thread: %d %ld %s %d %d\n", tls_init, tls_zero, tls_buf, tls_static, other_get());
  return NULL;
}
int main(void)
{
  tls_zero = 3;
  other_add(4);
  printf("main: %d %ld %s %d %d\n", tls_init, tls_zero, tls_buf, tls_static, other_get());
  pthread_t t;
  pthread_create(&t, NULL, worker, (void *)77);
  pthread_join(t, NULL);
  printf("main again: %d %ld %s %d\n", tls_init, tls_zero, tls_buf, other_get());
  return 0;
}

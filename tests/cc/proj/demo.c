#include <math.h>
#include <pthread.h>
#include <stdio.h>

static void *run(void *arg) { return arg; }

int main(void) {
  pthread_t t;
  void *r;
  volatile double two = 2.0;
  pthread_create(&t, 0, run, sqrt(two) > 1.41 ? "thread ok" : "sqrt wrong");
  pthread_join(t, &r);
  puts(r);
  return 0;
}

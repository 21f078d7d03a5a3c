/* Linked against glibc's static libc and libm. Its string functions
 * (memcpy, strlen, strchr...) are IFUNCs whose IRELATIVE relocations glibc
 * applies itself, early, and its x86_64 libm.a is an input script
 * (GROUP ( libm-2.36.a libmvec.a ) on Debian 12). volatile keeps gcc from
 * folding the calls away. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static __thread int counter = 10;

static void *work(void *arg) {
  counter += (int)(long)arg;
  return (void *)(long)counter;
}

int main(void) {
  volatile double x = 0.5, y = 27.0, z = 4.5;
  printf("cos(0.5) = %.9f\n", cos(x));
  printf("cbrt(27) = %.9f\n", cbrt(y));
  printf("tgamma(4.5) = %.9f\n", tgamma(z));
  printf("atan2(1, 0.5) = %.9f\n", atan2(1.0, x));
  printf("expf(0.5) = %.6f\n", (double)expf((float)x));

  char buf[64];
  volatile const char *src = "static binaries run everywhere";
  memcpy(buf, (const char *)src, strlen((const char *)src) + 1);
  printf("%s: %zu bytes, 'r' at %td\n", buf, strlen(buf), strchr(buf, 'r') - buf);

  pthread_t t[3];
  long sum = 0;
  for (long i = 0; i < 3; i++)
    pthread_create(&t[i], NULL, work, (void *)(i + 1));
  for (int i = 0; i < 3; i++) {
    void *r;
    pthread_join(t[i], &r);
    sum += (long)r;
  }
  printf("threads: %ld, main's counter %d\n", sum, counter);
  return 0;
}

/* Linked against glibc's static libm, whose libm.a is an input script
 * (GROUP ( libm-2.36.a libmvec.a ) on Debian 12 x86_64). volatile keeps
 * gcc from folding the calls away. */
#include <math.h>
#include <stdio.h>

int main(void) {
  volatile double x = 0.5, y = 27.0, z = 4.5;
  printf("cos(0.5) = %.9f\n", cos(x));
  printf("cbrt(27) = %.9f\n", cbrt(y));
  printf("tgamma(4.5) = %.9f\n", tgamma(z));
  printf("atan2(1, 0.5) = %.9f\n", atan2(1.0, x));
  printf("expf(0.5) = %.6f\n", (double)expf((float)x));
  return 0;
}

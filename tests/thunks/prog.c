/* Functions 256 MiB apart: the .farcode section is aligned to 256 MiB, so
 * every branch between it and .text is beyond B/BL's +-128 MiB and must go
 * through a range-extension thunk. Calls run both ways, through the island
 * after .text and the one after .farcode; far_tail is a tail call (B,
 * R_AARCH64_JUMP26) back to .text. */
#include <stdio.h>

#define FAR __attribute__((noinline, section(".farcode")))
#define NEAR __attribute__((noinline))

__asm__(".section .farcode,\"ax\",%progbits\n.balign 0x10000000\n.previous");

int near_counter;

NEAR int near_square(int x) { return x * x; }
NEAR int near_add(int a, int b) { return a + b + near_counter++; }

FAR int far_twice(int x) { return near_add(x, x); }              /* far -> near */
FAR int far_poly(int x) { return near_square(x) + far_twice(x); } /* far -> near, far -> far */
FAR int far_tail(int x) { return near_square(x + 1); }           /* tail call far -> near */
FAR void far_print(const char *s, int v) { printf("%s=%d\n", s, v); } /* far -> libc */

NEAR int near_chain(int x) { return far_poly(x) + far_tail(x); } /* near -> far */

static int (*const indirect)(int) = far_twice;

int main(void) {
  printf("twice=%d\n", far_twice(20));
  printf("poly=%d\n", far_poly(3));
  printf("tail=%d\n", far_tail(4));
  printf("chain=%d\n", near_chain(5));
  printf("indirect=%d\n", indirect(7));
  far_print("counter", near_counter);
  printf("far=%s\n", (unsigned long)(void *)far_tail - (unsigned long)(void *)main > (1ul << 27)
                         ? "yes" : "no");
  return 0;
}

/* Three regions inside one .text: .text (A), .text.b (B, aligned to 128 MiB)
 * and .text.c (C, the next 128 MiB boundary). A and C are 256 MiB apart;
 * neighbours are about 128 MiB apart, some in reach and some not. Thunk
 * islands land between input sections in the middle of .text. */
#include <stdio.h>

#define IN(s) __attribute__((noinline, section(s)))

__asm__(".section .text.b,\"ax\",%progbits\n.balign 0x8000000\n"
        ".section .text.c,\"ax\",%progbits\n.balign 0x8000000\n.previous");

int trace;

IN(".text.c") int c_leaf(int x) { trace = trace * 10 + 3; return x * 3; }
IN(".text.b") int b_leaf(int x) { trace = trace * 10 + 2; return x + 100; }
int a_leaf(int x) { trace = trace * 10 + 1; return x - 1; }

IN(".text.c") int c_calls(int x) { /* C -> A, C -> B */
  int a = a_leaf(x);
  return a + b_leaf(x);
}
IN(".text.b") int b_calls(int x) { /* B -> A, B -> C */
  int a = a_leaf(x);
  return a + c_leaf(x);
}
extern int w_missing(int) __attribute__((weak));
/* a call to an undefined weak symbol 384 MiB from address 0: resolves to
 * the next instruction, no thunk */
IN(".text.c") int c_weak(int x) { return w_missing ? w_missing(x) : -1; }
IN(".text.c") int c_tail(int x) { return a_leaf(x * 2); } /* tail C -> A */
int a_calls(int x) { /* A -> C, A -> B */
  int c = c_leaf(x);
  int b = b_calls(x);
  return c + b + c_calls(x);
}

int main(void) {
  printf("a_calls=%d\n", a_calls(5));
  printf("c_tail=%d\n", c_tail(21));
  printf("trace=%d\n", trace);
  printf("weak=%d\n", c_weak(1));
  printf("span=%s\n", (unsigned long)(void *)c_leaf - (unsigned long)(void *)a_leaf > (1ul << 27)
                          ? "yes" : "no");
  return 0;
}

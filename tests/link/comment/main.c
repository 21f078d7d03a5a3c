/* Both files carry the same .ident: the output's .comment must hold it once,
 * with gcc's own line, and smelt's last. */
#include <stdio.h>

__asm__(".ident \"smelt-test ident\"");

int f(void);

int main(void) {
  printf("%d\n", f());
  return 0;
}

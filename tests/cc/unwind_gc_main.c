#include <stdio.h>
int through(int (*f)(void));
int walk(void);
int main(void) {
  int ok = through(walk);
  printf("%s\n", ok ? "walked" : "not walked");
  return ok ? 0 : 1;
}

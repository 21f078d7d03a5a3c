#include <stdio.h>
#include <string.h>

extern int twice(int);   /* twice.S */
extern const char *libname(void); /* lib.c, from an archive */

int main(int argc, char **argv) {
  (void)argv;
  printf("hello from %zu-bit musl\n", sizeof(void *) * 8);
  printf("twice(21) = %d\n", twice(21));
  printf("lib: %s\n", libname());
  printf("argc %d, strlen %zu\n", argc, strlen("smelt-cc"));
  return 0;
}

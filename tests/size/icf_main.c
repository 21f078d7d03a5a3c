#include <stdio.h>
#include <string.h>

int add1(int x) { return x + 1; }
int add1_copy(int x) { return x + 1; }
int add2(int x) { return x + 2; }

/* identical code, different call targets: fold only if the callees fold */
static int twice_a(int x) { return add1(x) * 2; }
static int twice_b(int x) { return add1_copy(x) * 2; }
static int twice_c(int x) { return add2(x) * 2; }

int (*volatile fp1)(int) = add1;
int (*volatile fp2)(int) = add1_copy;

const char *greeting_here(void) { return "a string both objects contain"; }
extern const char *greeting_there(void);

int main(void)
{
  printf("calls %d %d %d\n", twice_a(1), twice_b(1), twice_c(1));
  printf("pointers to add1 and add1_copy equal: %d\n", fp1 == fp2);
  printf("fp results %d %d\n", fp1(10), fp2(20));
  printf("same string, same address: %d\n", greeting_here() == greeting_there());
  printf("%s\n", greeting_there());
  return 0;
}

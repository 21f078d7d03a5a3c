#include <stdio.h>
int unused_helper(int x) { return x * 3; }
static const char *pick(int i)
{
  switch (i) {
  case 0: return "zero";
  case 1: return "one";
  case 2: return "two";
  case 3: return "three";
  case 4: return "four";
  case 5: return "five";
  case 6: return "six";
  case 7: return "seven";
  default: return "many";
  }
}
struct entry { const char *name; int value; };
#define REGISTER(n, v) \
  static const struct entry entry_##n __attribute__((section("mysec"), used)) = {#n, v}
REGISTER(alpha, 1);
REGISTER(beta, 2);
extern const struct entry __start_mysec[], __stop_mysec[];
int other_register(void);
int main(void)
{
  for (int i = 0; i < 9; i++)
    printf("%s ", pick(i));
  puts("");
  int sum = 0;
  for (const struct entry *e = __start_mysec; e < __stop_mysec; e++)
    sum += e->value;
  printf("entries=%d sum=%d other=%d\n", (int)(__stop_mysec - __start_mysec), sum, other_register());
  return 0;
}

#include <stdio.h>

void unused_function(void) { puts("UNUSED-MARKER-STRING-1234"); }
int unused_data[4096] = {1};
int used_data = 41;

static void ctor(void) __attribute__((constructor));
static void ctor(void) { used_data++; }

int main(void)
{
  printf("used %d\n", used_data);
  return 0;
}

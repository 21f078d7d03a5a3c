#include <stdio.h>
#include <string.h>
extern const char __ehdr_start[];
extern const char __executable_start[];
extern char _end[], end[], __bss_start[], _edata[], _etext[], etext[];
static char bss_var[4096];
int data_var = 1;
int main(void)
{
  bss_var[0] = 1;
  printf("ehdr is ELF: %d\n", memcmp(__ehdr_start, "\177ELF", 4) == 0);
  printf("executable_start == ehdr: %d\n", __executable_start == __ehdr_start);
  printf("bss within [__bss_start, _end): %d\n", bss_var >= __bss_start && bss_var + 4096 <= _end);
  printf("end == _end: %d, etext == _etext: %d\n", end == _end, etext == _etext);
  printf("data before _edata: %d\n", (char *)&data_var < _edata);
  printf("main before _etext: %d\n", (char *)main < _etext && (char *)main > __ehdr_start);
  return 0;
}

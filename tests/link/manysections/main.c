/* An object of more than 0xff00 sections (made by run.sh: .data.dN holding
 * dN = N): its symbols' section indices go through SHT_SYMTAB_SHNDX, and
 * two of its sections have the indices SHN_ABS (0xfff1) and SHN_COMMON
 * (0xfff2) stand for elsewhere. The symbols around those are read. */
#include <stdio.h>

#define D(n) extern const int d##n;
#define R(n) D(n##0) D(n##1) D(n##2) D(n##3) D(n##4) D(n##5) D(n##6) D(n##7) D(n##8) D(n##9)
R(6550) R(6551) R(6552)

#define V(n) &d##n,
#define W(n) V(n##0) V(n##1) V(n##2) V(n##3) V(n##4) V(n##5) V(n##6) V(n##7) V(n##8) V(n##9)
static const int *const got[] = {W(6550) W(6551) W(6552)};
extern const int d0, d65999;

int main(void) {
  int wrong = 0;
  for (int i = 0; i < 30; i++)
    wrong += *got[i] != 65500 + i;
  printf("d65500..d65529: %d wrong; d0 %d, d65999 %d\n", wrong, d0, d65999);
  return 0;
}

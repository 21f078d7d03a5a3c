/* String literals split into one-string sections per function in two
 * objects (-fdata-sections): every equal string must end up as one copy
 * (same address), every string intact, distinct strings apart. */
#include <stdio.h>
#include <string.h>
#include "strs.h"

#define D(p, n) const char *p##n(void);
#define D10(p, t) D(p, t##0) D(p, t##1) D(p, t##2) D(p, t##3) D(p, t##4) \
  D(p, t##5) D(p, t##6) D(p, t##7) D(p, t##8) D(p, t##9)
#define DALL(p) D(p, 0) D(p, 1) D(p, 2) D(p, 3) D(p, 4) D(p, 5) D(p, 6) D(p, 7) D(p, 8) D(p, 9) \
  D10(p, 1) D10(p, 2) D10(p, 3) D10(p, 4) D10(p, 5)
DALL(a_)
DALL(b_)
#define T(p, n) p##n,
#define T10(p, t) T(p, t##0) T(p, t##1) T(p, t##2) T(p, t##3) T(p, t##4) \
  T(p, t##5) T(p, t##6) T(p, t##7) T(p, t##8) T(p, t##9)
#define TALL(p) { T(p, 0) T(p, 1) T(p, 2) T(p, 3) T(p, 4) T(p, 5) T(p, 6) T(p, 7) T(p, 8) T(p, 9) \
  T10(p, 1) T10(p, 2) T10(p, 3) T10(p, 4) T10(p, 5) }
const char *a_long(void), *b_long(void), *a_only(void), *b_only(void);
const char *const *a_table(void), *const *b_table(void);
#define E(n) extern const unsigned char a_g##n[], b_g##n[];
E(0) E(1) E(2) E(3) E(4) E(5) E(6) E(7) E(8) E(9) E(10)

/* each kind's entry in a.o and b.o, its bytes (little-endian) and alignment */
static const struct {
	const unsigned char *a, *b;
	const char *want;
	int len, align;
} groups[NGROUPS] = {
	{a_g0, b_g0, "align 2", 8, 2},
	{a_g1, b_g1, "align 4", 8, 4},
	{a_g2, b_g2, "align 16", 9, 16},
	{a_g3, b_g3, "align 32", 9, 32},
	{a_g4, b_g4, "w\0" "2\0\0", 6, 2},
	{a_g5, b_g5, "w\0" "8\0\0", 6, 8},
	{a_g6, b_g6, "w\0\0\0" "4\0\0\0\0\0\0", 12, 4},
	{a_g7, b_g7, "\x11\x22\x33\x44", 4, 4},
	{a_g8, b_g8, "\x11\x22\x33\x44\x55\x66\x77\x88", 8, 8},
	{a_g9, b_g9, "\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0", 16, 16},
	{a_g10, b_g10, "align 8", 8, 8},
};

int main(void)
{
	const char *(*a[N])(void) = TALL(a_);
	const char *(*b[N])(void) = TALL(b_);
	int same = 0, intact = 0, apart = 0;
	char want[32];
	for (int i = 0; i < N; i++) {
		snprintf(want, sizeof(want), "string number %d", i);
		same += a[i]() == b[i]();
		intact += !strcmp(a[i](), want) && !strcmp(b[i](), want);
		for (int j = 0; j < i; j++)
			apart += a[i]() != a[j]();
	}
	printf("%d strings: %d merged, %d intact, %d of %d pairs apart\n", N, same, intact, apart,
	       N * (N - 1) / 2);
	const char *l = a_long();
	int ok = strlen(l) == 5000 && !strcmp(l, LONG);
	printf("long: %d bytes, %s, %s\n", (int)strlen(l), ok ? "intact" : "CORRUPT",
	       l == b_long() ? "merged" : "two copies");
	printf("%s / %s\n", a_only(), b_only());
	const char *const *ta = a_table(), *const *tb = b_table();
	same = intact = apart = 0;
	for (int i = 0; i < NTABLE; i++) {
		snprintf(want, sizeof(want), "t%d", 1000 + i);
		same += ta[i] == tb[i];
		intact += !strcmp(ta[i], want) && !strcmp(tb[i], want);
		apart += i == 0 || ta[i] != ta[i - 1];
	}
	printf("table of %d: %d merged, %d intact, %d apart from the one before\n", NTABLE, same,
	       intact, apart);
	int aligned = 0;
	same = intact = 0;
	for (int i = 0; i < NGROUPS; i++) {
		same += groups[i].a == groups[i].b;
		intact += !memcmp(groups[i].a, groups[i].want, groups[i].len) &&
			  !memcmp(groups[i].b, groups[i].want, groups[i].len);
		aligned += (unsigned long)groups[i].a % groups[i].align == 0;
	}
	printf("%d kinds: %d merged, %d intact, %d aligned\n", NGROUPS, same, intact, aligned);
	return 0;
}

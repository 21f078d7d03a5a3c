/* A little of everything in libc.a: sorting through a callback, number
 * parsing and formatting (floating point tables and constants), strings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(void)
{
	int v[] = { 42, -7, 1000, 3, 3, 0, -100, 17 };
	qsort(v, 8, sizeof v[0], cmp_int);
	for (int i = 0; i < 8; i++)
		printf("%d%c", v[i], i == 7 ? '\n' : ' ');
	const char *w[] = { "pear", "apple", "fig", "banana", "cherry" };
	qsort(w, 5, sizeof w[0], cmp_str);
	for (int i = 0; i < 5; i++)
		printf("%s%c", w[i], i == 4 ? '\n' : ' ');

	char *endp;
	double d = strtod("  3.14159265358979xyz", &endp);
	printf("strtod %.3f rest \"%s\"\n", d, endp);
	printf("strtod %.3e %g %g\n", strtod("6.02214076e23", 0), strtod("-0x1.8p1", 0), strtod("inf", 0));
	printf("strtol %ld %ld %lu\n", strtol("-1234", 0, 10), strtol("0x7f", 0, 0), strtoul("777", 0, 8));

	char buf[64];
	int n = snprintf(buf, sizeof buf, "%.3f|%8.2f|%-6d|%x|%s", 2.0 / 3.0, -1234.5678, 42, 48879, "ok");
	printf("snprintf %d [%s]\n", n, buf);
	n = snprintf(buf, 8, "%s", "truncated output");
	printf("snprintf %d [%s]\n", n, buf);
	printf("math %.3f %.3f %.3f\n", sqrt(2.0), exp(1.0), atan2(1.0, 1.0) * 4);

	char s[32];
	strcpy(s, "hello");
	strcat(s, ", libc");
	printf("%s %zu %d %s\n", s, strlen(s), memcmp("abc", "abd", 3) < 0, strchr(s, 'l'));
	return 0;
}

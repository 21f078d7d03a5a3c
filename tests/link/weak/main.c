/* Weak definitions lose to strong ones whichever comes first on the
 * command line; weak undefined symbols resolve to address 0. */
#include <stdio.h>

__attribute__((weak)) int overridden(void) { return 1; }   /* strong one in strong.o */
__attribute__((weak)) int weak_data = 1;                    /* strong one in strong.o */
__attribute__((weak)) int kept_weak(void) { return 5; }    /* nobody overrides */
int strong_first(void);                                     /* strong in strong.o, weak in late.o */
extern int late_data;                                       /* same */

extern int missing_fn(void) __attribute__((weak));
extern int missing_data __attribute__((weak));
extern int missing_arr[] __attribute__((weak));
int (*missing_ptr)(void) = missing_fn;                      /* data relocation to a weak undef */

int main(void)
{
	printf("overridden %d, weak_data %d, kept_weak %d\n", overridden(), weak_data, kept_weak());
	printf("strong_first %d, late_data %d\n", strong_first(), late_data);
	printf("missing_fn %s\n", &missing_fn ? "present" : "absent");
	printf("missing_data %s\n", &missing_data ? "present" : "absent");
	printf("missing_arr %s\n", missing_arr ? "present" : "absent");
	printf("missing_ptr %s\n", missing_ptr ? "present" : "absent");
	if (missing_fn)
		printf("called %d\n", missing_fn());
	return 0;
}

/* Built with -ffunction-sections -fdata-sections: every function and
 * variable is its own section, and both files have static functions and
 * variables of the same names (.text.helper, .data.table, ...) that must
 * stay distinct. */
#include <stdio.h>

static int helper(int x) { return x * 2; }
static int table[4] = { 1, 2, 3, 4 };
static const char label[] = "main";
static int counter;
int other_entry(int);
const char *other_label(void);
int *other_table(void);

int shared_fn(int x) { return helper(x) + table[x & 3]; }
int shared_data[3] = { 7, 8, 9 };

int main(void)
{
	counter += 5;
	printf("%s: helper %d table %d counter %d\n", label, helper(10), table[3], counter);
	printf("%s: entry %d table %d distinct %d\n", other_label(), other_entry(10), other_table()[3],
	       other_table() != table);
	printf("shared_fn %d shared_data %d\n", shared_fn(2), shared_data[1]);
	return 0;
}

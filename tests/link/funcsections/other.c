static int helper(int x) { return x * 3; }
static int table[4] = { 10, 20, 30, 40 };
static const char label[] = "other";
static int counter = 100;
extern int shared_data[3];
int shared_fn(int);

int other_entry(int x) { counter++; return helper(x) + counter + shared_fn(1) + shared_data[2]; }
const char *other_label(void) { return label; }
int *other_table(void) { return table; }

int table[4] = { 10, 20, 30, 40 };
int overridden = 5; /* --defsym=overridden=0x77 wins */

int helper(int x) { return x * 10; }
int twice(int x) { return 2 * x; }

/* a reference inside the file that defines helper: not wrapped */
int other_calls_helper(int x) { return helper(x) + 1; }

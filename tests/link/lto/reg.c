/* Regular code (no -flto) that uses the bytecode's symbols. */
extern int used_by_regular;
int ir_exported(int);
int reg_add(int a, int b) { return a + b + used_by_regular + ir_exported(0); }
int weak_val = 2; /* over a.c's weak one */

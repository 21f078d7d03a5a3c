extern int data_b;
int fn_b(int);
int *ptr_to_data_c = &data_b;
int fn_c(int x) { return fn_b(x) * 2; }
int (*fn_ptr_from_c(void))(int) { return fn_b; }

/* An archive member in bytecode that main needs. */
int shared_counter = 5;
int lib_twice(int x) { return 2 * x; }

int printf(const char *, ...);

/* six functions in sections of their own, in this order unless the call
 * graph (profile.s, or an ordering file) says otherwise */
__attribute__((noinline)) int f1(int x) { return x + 1; }
__attribute__((noinline)) int f2(int x) { return x * 2; }
static __attribute__((noinline)) int f3(int x) { return x - 3; } /* a local: named in the ordering file */
__attribute__((noinline)) int f4(int x) { return x ^ 4; }
__attribute__((noinline)) int f5(int x) { return f2(x) + 5; }
__attribute__((noinline)) int f6(int x) { return x * 6; }

int (*volatile table[])(int) = {f1, f2, f3, f4, f5, f6};

int main(void) {
  int s = 0;
  for (int i = 0; i < 6; i++)
    s += table[i](i);
  printf("sum %d\n", s);
  return 0;
}

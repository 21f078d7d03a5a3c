// C++ exceptions in a static musl image: throw through two frames with
// destructors to run, catch in main. libsupc++'s unwinder is Debian's
// libgcc_eh.a, which finds FDEs with _dl_find_object. No headers: musl
// ships none for C++.
extern "C" int printf(const char *, ...);
struct E { int v; };
struct Guard {
  const char *n;
  ~Guard() { printf("cleanup %s\n", n); }
};
__attribute__((noinline)) void thrower(int v) {
  Guard g{"thrower"};
  if (v)
    throw E{v};
}
__attribute__((noinline)) int middle(int v) {
  Guard g{"middle"};
  thrower(v);
  return 0;
}
int main() {
  try {
    middle(42);
  } catch (E &e) {
    printf("caught %d\n", e.v);
    return 0;
  }
  return 1;
}

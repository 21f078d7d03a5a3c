// --icf=safe and clang's .llvm_addrsig: A::f and B::f are only in vtables
// (not address-significant, so not listed), pa and pb are stored as
// pointers (listed): the first pair folds, the second keeps two addresses
#include <cstdio>
struct Base { virtual int f(int) const; virtual ~Base() {} };
struct A : Base { int f(int x) const override; };
struct B : Base { int f(int x) const override; };
int Base::f(int x) const { return x; }
int A::f(int x) const { return x * 31 + 7; }
int B::f(int x) const { return x * 31 + 7; }
int pa(int x) { return x + 100; }
int pb(int x) { return x + 100; }
int (*volatile p1)(int) = pa, (*volatile p2)(int) = pb;
Base *volatile objs[2] = {new A, new B};
int main() {
  int s = 0;
  for (int i = 0; i < 2; i++) s += objs[i]->f(2);
  std::printf("%d pa==pb %d\n", s, p1 == p2);
}

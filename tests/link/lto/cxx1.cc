/* C++ under LTO: an inline function in both files (a COMDAT member), a
 * virtual class, an exception thrown in cxx2.cc and caught here. */
#include <cstdio>
#include <stdexcept>
#include <string>
inline int shared_inline(int x) { return x * 7; }
int other(int);
struct B { virtual int f() { return 1; } virtual ~B() {} };
int main() {
  try { other(-1); } catch (const std::exception &e) { printf("caught %s\n", e.what()); }
  B b; std::string s = "abc";
  printf("%d %d %zu\n", shared_inline(3), other(2), s.size());
}

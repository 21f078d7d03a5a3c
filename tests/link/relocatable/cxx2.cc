#include "cxx.h"
#include <cstdio>
int f1(int x);
static thread_local int tl = 5;
int main() {
  Box<int> b{3};
  int a = f1(4), c = shared_inline(b.get()), t = tl++;
  std::printf("%d %d %d %d\n", a, c, t, tl);
  try {
    f1(-9);
  } catch (const std::exception &e) {
    std::printf("caught: %s\n", e.what());
  }
  return 0;
}

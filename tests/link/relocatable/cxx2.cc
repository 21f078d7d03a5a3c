#include <cstdio>
#include <stdexcept>
#include <string>
inline int shared_inline(int x) {
  if (x < 0)
    throw std::runtime_error("negative " + std::to_string(x));
  return x * 2;
}
template <class T> struct Box {
  T v;
  T get() const { return v + 1; }
};
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

// C++ for -r (x86_64, glibc g++ at -O0): inline functions and template
// members both files define are COMDAT groups, some with a signature the
// assembler defines as a local symbol in the group section (the C5
// constructor groups); the second file's copies, and their .eh_frame
// entries, are dropped; an exception crosses from one file to the other.
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
int f1(int x) {
  Box<int> b{x};
  return shared_inline(b.get());
}

// Included by cxx1.cc and cxx2.cc: each emits these inline functions and
// template members as COMDAT groups (at -O0), some with a signature the
// assembler defines as a local symbol in the group section (the C5
// constructor groups of std::string); -r keeps cxx1.cc's copies.
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

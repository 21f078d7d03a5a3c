// C++ for -r (x86_64, glibc g++ at -O0): the second file's copies of the
// groups in cxx.h, and their .eh_frame entries, are dropped; an exception
// thrown here is caught in cxx2.cc.
#include "cxx.h"
int f1(int x) {
  Box<int> b{x};
  return shared_inline(b.get());
}

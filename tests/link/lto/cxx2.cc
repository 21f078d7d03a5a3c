/* The other half of cxx1.cc. */
#include <stdexcept>
inline int shared_inline(int x) { return x * 7; }
int other(int x) { if (x < 0) throw std::runtime_error("neg"); return shared_inline(x) + 1; }

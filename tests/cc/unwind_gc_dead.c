/* Two functions, each with an FDE in this object's .eh_frame. The first is
 * never called: --gc-sections drops it and its FDE, and the FDE of the
 * second, through which the stack walk of unwind_gc_walk.c goes, moves 20
 * bytes up (not a multiple of the section's 8-byte alignment on 64-bit
 * targets): its relocation must follow it. */
int unused_twice(int x) { return 2 * x + 1; }

__attribute__((noinline)) int through(int (*f)(void)) {
  int r = f();
  __asm__ volatile("" ::: "memory");
  return r;
}

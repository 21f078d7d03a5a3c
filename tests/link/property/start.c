/* _start without a libc (-nostdlib): exits with value() - 42, so 0 when
 * the call through the pointer worked. */
int value(void);

void _start(void) {
#if defined(__x86_64__)
  __asm__ volatile("syscall" ::"a"(60), "D"(value() - 42));
#elif defined(__i386__)
  __asm__ volatile("int $0x80" ::"a"(1), "b"(value() - 42));
#else
  register long x0 __asm__("x0") = value() - 42;
  register long x8 __asm__("x8") = 93;
  __asm__ volatile("svc 0" ::"r"(x0), "r"(x8));
#endif
  for (;;)
    ;
}

#include <stdio.h>

#define CTOR(prio, msg) __attribute__((constructor(prio))) static void c##prio(void) { puts(msg); }
#define DTOR(prio, msg) __attribute__((destructor(prio))) static void d##prio(void) { puts(msg); }

CTOR(101, "ctor 101 (other.c)")
CTOR(500, "ctor 500 (other.c)")
CTOR(65535, "ctor 65535 (other.c)")
DTOR(500, "dtor 500 (other.c)")
__attribute__((destructor)) static void d_plain(void) { puts("dtor plain (other.c)"); }

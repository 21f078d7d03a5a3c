/* Part of one object made with -r (with b.c and libx.a's x.c): its
 * sections share names with b.c's, so b's land at offsets past a's and
 * every reference to them must move (on i386 the addend is in the code). */
#include <stdio.h>

/* a COMDAT group b.c has too: the first one linked wins, b's is dropped */
__asm__(".section .rodata.pick,\"aG\",%progbits,pick_data,comdat\n"
        ".globl pick_data\n"
        ".type pick_data, %object\n"
        "pick_data: .asciz \"a's pick\"\n"
        ".size pick_data, 9\n"
        ".text\n");

static const char *const words[] = {"alpha", "beta", "gamma"};
static int counter = 100;
__thread int a_tls = 7;
int shared_common; /* common in a.c and b.c (-fcommon) */

static int helper(int x) { return x * 3; } /* b.c has a helper too */

extern int x_func(int);

const char *a_word(int i) { return words[i % 3]; }
int a_count(void) { return counter++ + helper(a_tls++) + x_func(1); }

#include <stdio.h>

__asm__(".section .rodata.pick,\"aG\",%progbits,pick_data,comdat\n"
        ".globl pick_data\n"
        ".type pick_data, %object\n"
        "pick_data: .asciz \"b's pick\"\n"
        ".size pick_data, 9\n"
        ".text\n");

extern const char pick_data[];
static const char *const names[] = {"one", "two", "three", "four"};
static double scale[3] = {0.5, 1.5, 2.5};
static __thread int b_tls = 40;
int shared_common;

static int helper(int x) { return x + 1000; }

static int order_b;
__attribute__((constructor(200))) static void init_b(void) { order_b = ++shared_common; }

const char *b_name(int i) { return names[i & 3]; }
double b_scale(int i) { return scale[i % 3]; }
int b_count(void) { return helper(b_tls++) + order_b * 10; }
const char *b_pick(void) { return pick_data; }

#include <stdio.h>
int a(void);
int g1(void);
int main(void) { printf("a=%d g1=%d\n", a(), g1()); return 0; }

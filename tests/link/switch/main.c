#include <stdio.h>

int sw_pic(int);
int sw_nopic(int);

int main(void)
{
	long sum = 0, weighted = 0;
	int agree = 1;
	for (int i = -5; i < 110; i++) {
		sum += sw_pic(i);
		weighted += (long)sw_nopic(i) * (i + 7);
		agree &= sw_pic(i) == sw_nopic(i);
	}
	printf("sum %ld weighted %ld agree %d\n", sum, weighted, agree);
	printf("%d %d %d %d %d\n", sw_pic(0), sw_pic(42), sw_nopic(99), sw_nopic(100), sw_pic(-1));
	return 0;
}

#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello, world\n");
	printf("argc %d, argv[1] %s\n", argc, argc > 1 ? argv[1] : "(none)");
	return 0;
}

/* Symbols the linker defines: the ELF header is mapped at __ehdr_start and
 * the kernel agrees where the program headers and the entry are; data,
 * bss and text lie within _edata, __bss_start, _end and _etext. */
#include <elf.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

#if __SIZEOF_POINTER__ == 8
typedef Elf64_Ehdr Ehdr;
#else
typedef Elf32_Ehdr Ehdr;
#endif

extern const Ehdr __ehdr_start;
extern char __bss_start[], _edata[], _end[], _etext[];
extern char etext[] __attribute__((weak)), edata[] __attribute__((weak)), end[] __attribute__((weak));
extern char _start[];

int data_var = 1;
int bss_var;
static char bss_big[100000];
const int ro_var = 3;

int main(void)
{
	const Ehdr *eh = &__ehdr_start;
	printf("__ehdr_start is an ELF header: %d\n", memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0);
	printf("ET_EXEC: %d\n", eh->e_type == ET_EXEC);
	printf("AT_PHDR matches: %d\n", getauxval(AT_PHDR) == (unsigned long)eh + eh->e_phoff);
	printf("AT_PHNUM matches: %d\n", getauxval(AT_PHNUM) == eh->e_phnum);
	printf("AT_ENTRY is _start: %d\n", getauxval(AT_ENTRY) == (unsigned long)_start);
	printf("e_entry is _start: %d\n", eh->e_entry == (unsigned long)_start);
	printf("main < _etext: %d\n", (char *)main < _etext);
	printf("__ehdr_start < main: %d\n", (char *)eh < (char *)main);
	printf("_etext <= &data_var < _edata: %d\n", _etext <= (char *)&data_var && (char *)&data_var < _edata);
	printf("_edata <= __bss_start: %d\n", _edata <= __bss_start);
	printf("&bss_var in [__bss_start, _end): %d\n",
	       __bss_start <= (char *)&bss_var && (char *)&bss_var < _end);
	printf("bss_big in [__bss_start, _end]: %d\n",
	       __bss_start <= bss_big && bss_big + sizeof bss_big <= _end);
	printf("&data_var < __bss_start: %d\n", (char *)&data_var < __bss_start);
	printf("etext edata end: %d\n", etext == _etext && edata == _edata && end == _end);
	printf("ro_var %d, bss_var %d\n", ro_var, bss_var);
	return 0;
}

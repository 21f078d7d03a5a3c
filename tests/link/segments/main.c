/* Segments as a loader uses them: the program finds its own PT_GNU_RELRO,
 * makes every page of it read-only (rounding out to whole pages, as a
 * careful loader would), then writes .data, .bss and TLS, which must not
 * share a page with RELRO, and checks that a write into RELRO now faults.
 * A layout that lets RELRO and writable data meet on one page crashes here;
 * one whose PT_GNU_RELRO misses the RELRO data lets the write through. */
#include <elf.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#if UINTPTR_MAX > 0xffffffffu
typedef Elf64_Phdr Phdr;
#else
typedef Elf32_Phdr Phdr;
#endif

int counter = 8;                      /* .data */
long zeroed[512];                     /* .bss */
static __thread int tls_value = 9;    /* .tdata, RELRO's first section */
int *const table[] __attribute__((section(".data.rel.ro"))) = {&counter, (int *)&zeroed[7]};
static void early(void) { counter -= 3; }
static void (*const hooks[])(void) __attribute__((used, section(".init_array"))) = {early};

static sigjmp_buf back;
static void on_segv(int sig) { (void)sig; siglongjmp(back, 1); }

int main(void)
{
	const Phdr *ph = (const Phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM), page = (unsigned long)sysconf(_SC_PAGESIZE);
	uintptr_t lo = 0, hi = 0;
	for (unsigned long i = 0; i < n; i++)
		if (ph[i].p_type == PT_GNU_RELRO)
			lo = ph[i].p_vaddr & -page, hi = (ph[i].p_vaddr + ph[i].p_memsz + page - 1) & -page;
	if (!lo) {
		puts("no PT_GNU_RELRO");
		return 1;
	}
	uintptr_t t = (uintptr_t)table;
	printf("table in RELRO: %d\n", t >= lo && t + sizeof table <= hi);
	if (mprotect((void *)lo, hi - lo, PROT_READ)) {
		perror("mprotect");
		return 1;
	}
	counter += 37;
	zeroed[7] = 100;
	tls_value += 1;
	printf("data %d bss %d tls %d\n", *table[0], *table[1], tls_value);

	signal(SIGSEGV, on_segv);
	if (!sigsetjmp(back, 1)) {
		*(int *volatile *)&table[1] = &counter;
		puts("write into RELRO went through");
	} else {
		puts("write into RELRO faulted");
	}
	return 0;
}

/* Built with -fcommon: tentative definitions are COMMON symbols that the
 * linker must merge into one object per name; a real definition elsewhere
 * wins over a common one. Initialized data holds pointers into other
 * objects (absolute data relocations), and large .bss arrays must read as
 * zero. */
#include <stdint.h>
#include <stdio.h>

int counter;                        /* common, also tentative in other.c */
int mixed;                          /* common here, defined (= 7) in other.c */
char common_big[1 << 20];           /* common in both files */
int common_aligned __attribute__((aligned(256)));
char common_grow[16];               /* 4096 bytes in other.c: the largest size wins */
int common_align2;                  /* aligned(512) in other.c: the largest alignment wins */
int common_after;                   /* common here only */
long zero_init = 0;                 /* .bss */
int data_init = 0x12345678;         /* .data */
const char *names[] = { "zero", "one", "two" };

struct node { int v; struct node *next; };
extern struct node n2;
struct node n1 = { 1, &n2 };

static char big_bss[64 << 20];      /* 64 MiB of .bss */
static int bss_after[16];

void other_bump(void);
int other_counter(void);
int *other_counter_addr(void);
char *other_big_addr(void);
char *other_grow_addr(void);
int *other_align2_addr(void);
void other_fill_grow(void);
extern int *other_data_ptr;
extern const char *const *other_names;

int main(void)
{
	counter = 5;
	other_bump();
	other_bump();
	printf("counter %d, seen from other %d, same object %d\n", counter, other_counter(),
	       &counter == other_counter_addr());
	printf("mixed %d\n", mixed);
	printf("common_big shared %d, ends %d %d\n", common_big == other_big_addr(),
	       common_big[0], common_big[sizeof common_big - 1]);
	printf("common_aligned aligned %d\n", (uintptr_t)&common_aligned % 256 == 0);
	common_after = 77;
	other_fill_grow();
	uintptr_t g = (uintptr_t)common_grow;
	const void *objs[] = { &counter, &mixed, common_big, &common_aligned, &common_align2,
			       &common_after, &zero_init, &data_init, big_bss, bss_after };
	int inside = 0;
	for (size_t i = 0; i < sizeof objs / sizeof *objs; i++)
		inside += (uintptr_t)objs[i] >= g && (uintptr_t)objs[i] < g + 4096;
	printf("common_grow one object %d, 4096 bytes its own %d, common_after %d, last %#x\n",
	       common_grow == other_grow_addr(), inside == 0, common_after,
	       (unsigned char)other_grow_addr()[4095]);
	printf("common_align2 one object %d, aligned 512 %d\n", &common_align2 == other_align2_addr(),
	       (uintptr_t)&common_align2 % 512 == 0);
	printf("zero_init %ld, data_init %#x\n", zero_init, data_init);
	printf("names %s %s %s, via other %s\n", names[0], names[1], names[2], other_names[2]);
	printf("other_data_ptr -> data_init %d\n", other_data_ptr == &data_init);
	int sum = 0;
	for (struct node *n = &n1; n; n = n->next)
		sum = sum * 10 + n->v;
	printf("list %d\n", sum);

	unsigned long nonzero = 0;
	for (size_t i = 0; i < sizeof big_bss; i += 4093)
		nonzero += big_bss[i] != 0;
	nonzero += big_bss[sizeof big_bss - 1] != 0;
	for (int i = 0; i < 16; i++)
		nonzero += bss_after[i] != 0;
	big_bss[0] = 1;
	big_bss[sizeof big_bss - 1] = 2;
	bss_after[15] = 3;
	printf("big_bss zero %d, writable %d\n", nonzero == 0,
	       big_bss[0] + big_bss[sizeof big_bss - 1] + bss_after[15]);
	return 0;
}

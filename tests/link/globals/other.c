int counter;                        /* common, merged with main.c's */
int mixed = 7;                      /* the real definition */
char common_big[1 << 20];
char common_grow[4096];             /* 16 bytes in main.c */
int common_align2 __attribute__((aligned(512)));
extern int data_init;
int *other_data_ptr = &data_init;
extern const char *names[];
const char *const *other_names = names;

struct node { int v; struct node *next; };
static struct node n3 = { 3, 0 };
struct node n2 = { 2, &n3 };

void other_bump(void)
{
	counter += 10;
	common_big[0] = 11;
	common_big[sizeof common_big - 1] = 22;
}
int other_counter(void) { return counter; }
int *other_counter_addr(void) { return &counter; }
char *other_big_addr(void) { return common_big; }
char *other_grow_addr(void) { return common_grow; }
int *other_align2_addr(void) { return &common_align2; }
void other_fill_grow(void)
{
	for (int i = 0; i < 4096; i++)
		common_grow[i] = (char)0xa5;
}

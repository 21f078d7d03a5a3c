/* Objects built -fpic (a.c), -fPIC (b.c), -fno-pic (c.c) and the compiler's
 * default (main.c) in one program: every object must see the same address
 * for each function and variable, whether it reaches it through the GOT,
 * PC-relative or absolute, and data initialized with addresses agrees too. */
#include <stdio.h>
#include <string.h>

struct view { int (*fa)(int); int (*fb)(int); int (*fc)(int); int *da; int *db; int *dc;
	      size_t (*libc_fn)(const char *); const char *str; };
void view_a(struct view *); void view_b(struct view *); void view_c(struct view *);
int fa(int); int fb(int); int fc(int);
extern int da, db, dc;
extern int arr_c[8];
extern int *ptrs_a[3], *ptrs_c[3];
extern int (*fptrs_b[3])(int);
extern const char shared_str[];

static void view_main(struct view *v)
{
	v->fa = fa; v->fb = fb; v->fc = fc;
	v->da = &da; v->db = &db; v->dc = &dc;
	v->libc_fn = strlen; v->str = shared_str;
}

static int same(const struct view *x, const struct view *y)
{
	return x->fa == y->fa && x->fb == y->fb && x->fc == y->fc && x->da == y->da &&
	       x->db == y->db && x->dc == y->dc && x->libc_fn == y->libc_fn && x->str == y->str;
}

int main(void)
{
	struct view m, a, b, c;
	view_main(&m); view_a(&a); view_b(&b); view_c(&c);
	printf("views agree: a %d b %d c %d\n", same(&m, &a), same(&m, &b), same(&m, &c));
	printf("calls %d %d %d\n", fa(1), fb(2), fc(3));
	printf("through a's pointers %d %d %d\n", a.fa(1), a.fb(2), a.fc(3));
	printf("through c's pointers %d %d %d\n", c.fa(1), c.fb(2), c.fc(3));
	printf("data %d %d %d\n", *a.da, *b.db, *c.dc);
	da = 11; *c.db = 22; *b.dc = 33;
	printf("writes seen %d %d %d\n", *c.da, db, dc);
	printf("ptrs_a %d %d ptrs_c %d %d\n", ptrs_a[0] == &da && ptrs_a[1] == &db && ptrs_a[2] == &dc,
	       *ptrs_a[2], ptrs_c[0] == &da && ptrs_c[1] == &db && ptrs_c[2] == &dc, *ptrs_c[0]);
	printf("fptrs_b %d %d\n", fptrs_b[0] == fa && fptrs_b[1] == fb && fptrs_b[2] == fc,
	       fptrs_b[0](10) + fptrs_b[1](10) + fptrs_b[2](10));
	printf("arr_c[5] %d %d\n", arr_c[5], *(&arr_c[2] + 3));
	printf("strlen via c: %zu, %s\n", c.libc_fn(c.str), b.str);
	return 0;
}

#include <string.h>
struct view { int (*fa)(int); int (*fb)(int); int (*fc)(int); int *da; int *db; int *dc;
	      size_t (*libc_fn)(const char *); const char *str; };
int fa(int); int fc(int);
extern int da, dc;
int db = 2;
int fb(int x) { return x + 200; }
int (*fptrs_b[3])(int) = { fa, fb, fc };
const char shared_str[] = "a string in b.o";
void view_b(struct view *v)
{
	v->fa = fa; v->fb = fb; v->fc = fc;
	v->da = &da; v->db = &db; v->dc = &dc;
	v->libc_fn = strlen; v->str = shared_str;
}

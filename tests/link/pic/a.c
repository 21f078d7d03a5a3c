#include <string.h>
struct view { int (*fa)(int); int (*fb)(int); int (*fc)(int); int *da; int *db; int *dc;
	      size_t (*libc_fn)(const char *); const char *str; };
int fb(int); int fc(int);
extern int db, dc;
extern const char shared_str[];
int da = 1;
int fa(int x) { return x + 100; }
int *ptrs_a[3] = { &da, &db, &dc };
void view_a(struct view *v)
{
	v->fa = fa; v->fb = fb; v->fc = fc;
	v->da = &da; v->db = &db; v->dc = &dc;
	v->libc_fn = strlen; v->str = shared_str;
}

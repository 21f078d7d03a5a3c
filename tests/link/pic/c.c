#include <string.h>
struct view { int (*fa)(int); int (*fb)(int); int (*fc)(int); int *da; int *db; int *dc;
	      size_t (*libc_fn)(const char *); const char *str; };
int fa(int); int fb(int);
extern int da, db;
extern const char shared_str[];
int arr_c[8] = { 0, 0, 0, 0, 0, 55, 0, 0 };
int dc = 3;
int fc(int x) { return x + 300; }
int *ptrs_c[3] = { &da, &db, &dc };
void view_c(struct view *v)
{
	v->fa = fa; v->fb = fb; v->fc = fc;
	v->da = &da; v->db = &db; v->dc = &dc;
	v->libc_fn = strlen; v->str = shared_str;
}

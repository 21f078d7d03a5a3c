/* Links against one object that smelt made with -r from a.c, b.c and an
 * archive member; prints what needs every moved relocation to be right. */
#include <stdio.h>

extern const char *a_word(int);
extern int a_count(void);
extern const char *b_name(int);
extern double b_scale(int);
extern int b_count(void);
extern const char *b_pick(void);
extern const char pick_data[];
extern __thread int a_tls;
extern int shared_common;

static int order_main;
__attribute__((constructor(300))) static void init_main(void) { order_main = ++shared_common; }

int main(void) {
  printf("%s %s %s\n", a_word(0), a_word(1), a_word(5));
  printf("%s %s %s\n", b_name(0), b_name(2), b_name(7));
  printf("%.1f %.1f\n", b_scale(1), b_scale(5));
  int c1 = a_count(), c2 = a_count();
  printf("a_count %d %d a_tls %d\n", c1, c2, a_tls);
  int b1 = b_count(), b2 = b_count();
  printf("b_count %d %d\n", b1, b2);
  printf("pick: %s / %s (same: %d)\n", pick_data, b_pick(), pick_data == b_pick());
  printf("constructors: b then main: %d\n", order_main);
  return 0;
}

struct point {
  int x, y;
};
typedef unsigned long ulong_t;
static ulong_t scale_static;

/* dropped by --gc-sections: its range in the unit starts at 0 */
int b_unused(int x) { return x * 7 + (int)scale_static; }

int b_func(struct point *p, int k) {
  scale_static += (ulong_t)k;
  return p->x * k + p->y;
}

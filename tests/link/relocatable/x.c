/* in libx.a: pulled into the -r output by a.c's reference */
static const char tag[] = "x-member";
int x_func(int v) { return v + (int)sizeof(tag); }

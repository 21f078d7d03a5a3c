/* Build tool: embed NAME IN OUT writes OUT, a C file defining
 * `const char NAME[]` with the bytes of IN and a terminating NUL. smelt-cc
 * carries the target runtime source (ld/dl_find_object.c) this way. */
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: embed NAME INPUT OUTPUT\n");
    return 2;
  }
  FILE *in = fopen(argv[2], "rb");
  FILE *out = fopen(argv[3], "w");
  if (!in || !out) {
    perror(in ? argv[3] : argv[2]);
    return 1;
  }
  fprintf(out, "/* generated from %s by ld/embed.c */\nconst char %s[] = {", argv[2], argv[1]);
  int c;
  unsigned long n = 0;
  while ((c = fgetc(in)) != EOF)
    fprintf(out, "%s%d,", n++ % 24 ? "" : "\n", c);
  fprintf(out, "0};\n");
  return ferror(in) || fclose(out) ? 1 : 0;
}

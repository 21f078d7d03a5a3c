/* libFuzzer harness over a whole link of one mutated object: the input is
 * an ELF relocatable defining main (no libc), linked with -static -e main
 * into a directory that already holds an old output file. The last byte of
 * the input picks extra options (gc, ICF, debug compression, build-id, map,
 * strip, layout), the byte before it more (static PIE, two threads, safe
 * ICF, no RELRO, zstd, no locals, one text segment), so every pass runs on
 * mutated data. Besides crashes and
 * hangs, the harness checks the promise made to users: a link that fails
 * exits 1 and leaves the old output byte-identical and nothing else behind;
 * one that succeeds leaves the new output. */
#include "harness.h"
#include "ld/ld.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char old_output[] = "an old output that a failed link must not touch\n";

struct paths {
  char in[128], out[128], map[128];
};

static void link_one(const uint8_t *data, size_t size, void *arg) {
  struct paths *p = arg;
  write_file(p->in, data, size);
  unsigned sel = size ? data[size - 1] : 0, sel2 = size > 1 ? data[size - 2] : 0;
  char map_arg[160];
  snprintf(map_arg, sizeof(map_arg), "-Map=%s", p->map);
  char *argv[32];
  int argc = 0;
  argv[argc++] = "smelt";
  argv[argc++] = "-static";
  argv[argc++] = "-e";
  argv[argc++] = "main";
  argv[argc++] = "--threads=1";
  if (sel & 1)
    argv[argc++] = "--gc-sections";
  if (sel & 2)
    argv[argc++] = "--icf=all";
  if (sel & 4)
    argv[argc++] = "--compress-debug-sections=zlib";
  if (sel & 8)
    argv[argc++] = "--build-id";
  if (sel & 16) {
    argv[argc++] = map_arg;
    argv[argc++] = "--cref";
  }
  if (sel & 32)
    argv[argc++] = "--strip-debug";
  if (sel & 64)
    argv[argc++] = "--no-rosegment";
  if (sel & 128)
    argv[argc++] = "-s";
  if (sel2 & 1)
    argv[argc++] = "-pie";
  if (sel2 & 2)
    argv[argc++] = "--threads=2"; /* after --threads=1: the last one counts */
  if (sel2 & 4)
    argv[argc++] = "--icf=safe";
  if (sel2 & 8)
    argv[argc++] = "-znorelro";
  if (sel2 & 16)
    argv[argc++] = "--compress-debug-sections=zstd";
  if (sel2 & 32)
    argv[argc++] = "-x";
  if (sel2 & 64)
    argv[argc++] = "-znoseparate-code";
  argv[argc++] = "-o";
  argv[argc++] = p->out;
  argv[argc++] = p->in;
  argv[argc] = NULL;
  smelt_main(argc, argv);
}

static void fail(const char *what) {
  fprintf(stderr, "fuzz: %s\n", what);
  abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static struct paths p;
  if (!p.in[0]) {
    const char *d = fuzz_tmpdir();
    snprintf(p.in, sizeof(p.in), "%s/in.o", d);
    snprintf(p.out, sizeof(p.out), "%s/out", d);
    snprintf(p.map, sizeof(p.map), "%s/map", d);
  }
  unlink(p.map);
  write_file(p.out, (const uint8_t *)old_output, sizeof(old_output) - 1);
  int st = run_forked(link_one, data, size, &p);

  /* what the directory holds now */
  FILE *fp = fopen(p.out, "rb");
  char buf[sizeof(old_output)];
  size_t n = fp ? fread(buf, 1, sizeof(buf), fp) : 0;
  if (fp)
    fclose(fp);
  bool old = n == sizeof(old_output) - 1 && !memcmp(buf, old_output, n);
  if (!fp)
    fail("the output file is gone");
  if (st == 1 && !old)
    fail("a failed link changed the old output file");
  if (st == 0 && old)
    fail("a successful link left the old output file");
  DIR *dir = opendir(fuzz_tmpdir());
  struct dirent *de;
  while (dir && (de = readdir(dir))) {
    const char *e = de->d_name;
    if (!strcmp(e, ".") || !strcmp(e, "..") || !strcmp(e, "in.o") || !strcmp(e, "out") ||
        !strcmp(e, "child.log") || (st == 0 && !strcmp(e, "map")))
      continue;
    fprintf(stderr, "fuzz: link with status %d left %s behind\n", st, e);
    abort();
  }
  if (dir)
    closedir(dir);
  return 0;
}

/* libFuzzer harness over a whole link of one mutated object: the input is
 * an ELF relocatable defining main (no libc), linked with -static -e main
 * into a directory that already holds an old output file. The last byte of
 * the input picks extra options (gc, ICF, debug compression, build-id, map,
 * strip, layout), the byte before it more (static PIE, two threads, safe
 * ICF, no RELRO, zstd, no locals, one text segment) and, its top bit,
 * -r (a relocatable output; then without the options -r refuses); the low
 * bit of the third byte from the end adds --gdb-index (not with -r), so
 * every pass runs on mutated data. Besides crashes and hangs, the harness checks the promise
 * made to users: a link that fails exits 1 and leaves the old output
 * byte-identical and nothing else behind; one that succeeds leaves the new
 * output. */
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
  /* bit k of the last two bytes (the last one low) turns on option k;
   * NULL is the map, whose path is this process's */
  static const char *const opts[] = {
      "--gc-sections", "--icf=all", "--compress-debug-sections=zlib", "--build-id", NULL,
      "--strip-debug", "--no-rosegment", "-s", "-pie",
      "--threads=2", /* after --threads=1: the last one counts */
      "--icf=safe", "-znorelro", "--compress-debug-sections=zstd", "-x", "-znoseparate-code",
      "-r"};
  unsigned sel = (size ? data[size - 1] : 0) | (size > 1 ? data[size - 2] : 0) << 8;
  bool gdb_index = size > 2 && (data[size - 3] & 1);
  if (sel >> 15 & 1) /* -r: not with --gc-sections, --icf, -pie, --gdb-index */
    sel &= ~(1u << 0 | 1u << 1 | 1u << 8 | 1u << 10), gdb_index = false;
  char map_arg[160];
  snprintf(map_arg, sizeof(map_arg), "-Map=%s", p->map);
  char *argv[40];
  int argc = 0;
  argv[argc++] = "smelt";
  argv[argc++] = "-static";
  argv[argc++] = "-e";
  argv[argc++] = "main";
  argv[argc++] = "--threads=1";
  for (int k = 0; k < (int)(sizeof(opts) / sizeof(opts[0])); k++) {
    if (!(sel >> k & 1))
      continue;
    if (opts[k]) {
      argv[argc++] = (char *)opts[k];
    } else {
      argv[argc++] = map_arg;
      argv[argc++] = "--cref";
    }
  }
  if (gdb_index)
    argv[argc++] = "--gdb-index";
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

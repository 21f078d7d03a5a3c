/* libFuzzer harness over the input readers: the input is one file, an ELF
 * relocatable (any of the three targets, compressed sections included) or
 * an ar archive (symbol index, long names, members). It is opened as the
 * linker opens a command-line input and every object it yields is parsed:
 * archive members first lazily (symbols), then whole, as when linked.
 * The readers must end in a clean parse or one reported error, exit 1. */
#include "harness.h"
#include "ld/ld.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void read_one(const uint8_t *data, size_t size, void *arg) {
  const char *path = arg;
  write_file(path, data, size);
  static struct input_spec in;
  in.kind = IN_FILE;
  in.path = path;
  ctx.opt.inputs = &in;
  ctx.opt.ninputs = 1;
  ctx.opt.threads = 1;
  read_inputs();
  symmap_init(ctx.files.n * 16);
  for (size_t i = 0; i < ctx.files.n; i++)
    parse_objfile(ctx.files.v[i]);
  check_errors();
  for (size_t i = 0; i < ctx.files.n; i++)
    parse_member(ctx.files.v[i]);
  check_errors();
  _exit(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static char path[128];
  if (!path[0])
    snprintf(path, sizeof(path), "%s/input", fuzz_tmpdir());
  run_forked(read_one, data, size, path);
  return 0;
}

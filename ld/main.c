/* smelt: a static ELF linker. smelt_main() is the pipeline; each pass lives in
 * its own file in ld/ and takes the global link context. */
#include "ld/ld.h"
#include <stdlib.h>
#include <sys/resource.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double t_wall, t_cpu;

/* Runs one pass; with --stats reports its wall and CPU time, resident memory
 * and heap in use on stderr. */
static void pass(const char *name, void (*fn)(void)) {
  fn();
  if (ctx.opt.print_stats) {
    double w = now(), c = cpu_now();
    long anon = 0, file = 0;
    char line[128];
    FILE *fp = fopen("/proc/self/status", "r");
    while (fp && fgets(line, sizeof(line), fp)) {
      sscanf(line, "RssAnon: %ld", &anon);
      sscanf(line, "RssFile: %ld", &file);
    }
    if (fp)
      fclose(fp);
    fprintf(stderr,
            "smelt: %-22s wall %8.3f ms  cpu %8.3f ms  "
            "rss %5ld+%5ld MiB  heap %5llu MiB\n",
            name, (w - t_wall) * 1e3, (c - t_cpu) * 1e3, anon >> 10, file >> 10,
            (unsigned long long)(heap_in_use() >> 20));
    t_wall = w, t_cpu = c;
  }
}

enum {
  SMALL_LINK = 32 << 20,   /* bytes of input files */
  LARGE_OUTPUT = 12 << 20, /* bytes of output file */
};

/* A small link without debug compression runs its loops on one thread
 * unless --threads says otherwise: handing work to a second thread and
 * waiting for it (a futex wake of a halted vCPU costs tens of
 * microseconds on a VM) costs more than the items it takes over. On the
 * 2-core VM of bench/, with --threads=1 against two threads: lua (8 MB
 * of inputs) 6.6 vs 7.6 ms, zstd (16 MB) 9.6 vs 10.5, sqlite3 (17 MB)
 * 11.1 vs 11.7, Go with --strip-debug (29 MB) 8.6 vs 9.4; CPython
 * (47 MB) 41.7 vs 32.8 gains from the second thread. The output is the
 * same either way (and its write may take every thread: write_file). A
 * link that asks for debug compression but strips the debug sections
 * (Go's external linking passes --compress-debug-sections=zlib, and -s
 * to strip) compresses nothing: it is small too. Known once the inputs
 * are read. */
static bool small_link(void) {
  bool compresses = ctx.opt.compress_debug && !ctx.opt.strip_debug; /* -s strips debug too */
  return ctx.opt.threads == 0 && !compresses && ctx.input_bytes < SMALL_LINK;
}

static void parse_one(void *arg, int64_t i) { parse_objfile(((struct objfile **)arg)[i]); }

/* A small link's output can still be large: the Go program's 29 MB of
 * inputs make 16 MB of output with its DWARF uncompressed, 15 MB of it
 * relocated and written in 38 chunks. Writing those takes the second
 * thread: on the 2-core VM of bench/, alternating 40 runs each, that link
 * took 10.4 ms against 11.1 with every pass on one thread. Below 12 MiB it
 * does not pay: with the threshold at 4 MiB, Go with --strip-debug (7.4 MB
 * of output) took 4.6% longer, sqlite3 (6.2 MB) 1.4%. */
static void write_file(void) {
  if (small_link() && ctx.filesize >= LARGE_OUTPUT)
    pool_serial(false);
  write_output();
}

static void open_inputs(void) {
  plan_open_files();
  pool_init(ctx.opt.threads);
  read_inputs();
  pool_serial(small_link());
  write_reproduce();
  symmap_init(ctx.nglobals_hint);
  parallel_for((int64_t)ctx.files.n, parse_one, ctx.files.v);
  check_errors();
  if (lto_active())
    lto_claim_inputs();
}

/* After resolve, what an executable's link runs (-r runs
 * write_relocatable() instead). */
static void link_executable(void) {
  pass("gc sections", gc_sections);
  pass("merge", merge_sections);
  pass("icf", fold_identical_sections);
  pass("output sections", create_output_sections);
  pass("synthetic symbols", define_synthetic_symbols);
  pass("scan relocations", scan_relocations);
  pass("eh_frame", parse_eh_frames);
  pass("layout", layout);
  pass("finalize symbols", finalize_synthetic_symbols);
  pass("addresses", finalize_addresses);
  pass("gdb index", build_gdb_index);
  pass("compress debug", compress_debug_sections);
  /* before the output: a report that cannot be written fails the link
   * with no output file put in place */
  pass("reports", write_reports);
  pass("write", write_file);
}

int smelt_main(int argc, char **argv) {
  t_wall = now(), t_cpu = cpu_now();
  signal(SIGXFSZ, SIG_IGN); /* a file size limit is an error to report, not a kill */
  parse_options(argc, argv, &ctx.opt);
  if (ctx.opt.ninputs == 0) {
    if (ctx.opt.verbose)
      return 0;
    fatal("no input files");
  }
  ctx.internal = xalloc(sizeof(struct objfile));
  ctx.internal->name = "<internal>";
  ctx.internal->fd = -1;
  ctx.internal->is_internal = true;

  pass("open+parse", open_inputs);
  pass("resolve", resolve_symbols);
  if (lto_claimed_any()) {
    pass("lto", lto_compile);
    lto_link_and_exit();
  }
  if (ctx.opt.relocatable) {
    pass("reports", write_reports);
    pass("write relocatable", write_relocatable);
  } else {
    link_executable();
  }
  if (ctx.opt.print_stats) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr, "smelt: %zu files, %zu live, %d thread%s, peak RSS %ld MiB\n", ctx.files.n,
            ctx.live.n, pool_size(), pool_size() == 1 ? "" : "s", ru.ru_maxrss / 1024);
  }
  fflush(stdout);
  drop_spans();
  _exit(0);
}

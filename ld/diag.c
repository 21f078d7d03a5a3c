/* Diagnostics. error() counts and continues so that one run reports every
 * problem (all undefined symbols, say); passes call check_errors() at their
 * boundary. fatal() is for I/O failures and corrupt input. Output is written
 * under a temporary name, so exiting here never leaves a partial file: the
 * registered cleanups remove the temporary and any report already written
 * for the failed link (-Map, --why-extract, --dependency-file). */
#include "ld/ld.h"
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_int nerrors;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void (*cleanups[4])(void);
static int ncleanups;

void cleanup_on_exit(void (*fn)(void)) {
  for (int i = 0; i < ncleanups; i++)
    if (cleanups[i] == fn)
      return;
  if (ncleanups == (int)(sizeof(cleanups) / sizeof(cleanups[0])))
    fatal("internal error: too many exit cleanups");
  cleanups[ncleanups++] = fn;
}

static void run_cleanups(void) {
  while (ncleanups > 0)
    cleanups[--ncleanups]();
}

static void emit(const char *kind, const char *fmt, va_list ap) {
  pthread_mutex_lock(&lock);
  fprintf(stderr, "smelt: %s", kind);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  pthread_mutex_unlock(&lock);
}

void error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit("error: ", fmt, ap);
  va_end(ap);
  atomic_fetch_add(&nerrors, 1);
}

/* Under --fatal-warnings a warning is an error, and says so (as in lld);
 * under --no-warnings it is nothing, whatever the order of the two. */
void warn(const char *fmt, ...) {
  if (ctx.opt.no_warnings)
    return;
  va_list ap;
  va_start(ap, fmt);
  emit(ctx.opt.fatal_warnings ? "error: " : "warning: ", fmt, ap);
  va_end(ap);
  if (ctx.opt.fatal_warnings)
    atomic_fetch_add(&nerrors, 1);
}

void note(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit("", fmt, ap);
  va_end(ap);
}

_Noreturn void fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  emit("error: ", fmt, ap);
  va_end(ap);
  run_cleanups();
  _exit(1);
}

int error_count(void) { return atomic_load(&nerrors); }

void check_errors(void) {
  if (atomic_load(&nerrors) == 0)
    return;
  run_cleanups();
  fflush(stderr);
  _exit(1);
}

/* Diagnostics. error() counts and continues so that one run reports every
 * problem (all undefined symbols, say); passes call check_errors() at their
 * boundary. fatal() is for I/O failures and corrupt input. Output is written
 * under a temporary name, so exiting here never leaves a partial file: the
 * registered cleanup removes the temporary. */
#include "ld/ld.h"
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_int nerrors;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void (*cleanup)(void);

void cleanup_on_exit(void (*fn)(void)) { cleanup = fn; }

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

/* Under --fatal-warnings a warning is an error, and says so (as in lld). */
void warn(const char *fmt, ...) {
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
  if (cleanup)
    cleanup();
  _exit(1);
}

int error_count(void) { return atomic_load(&nerrors); }

void check_errors(void) {
  if (atomic_load(&nerrors) == 0)
    return;
  if (cleanup)
    cleanup();
  fflush(stderr);
  _exit(1);
}

/* Fork-per-input execution for the libFuzzer harnesses (see harness.h).
 * Every exit of the linker goes through _exit(); the harness is linked with
 * --wrap=_exit so that, in the child, the coverage counters are copied into
 * a shared mapping and the exit is marked clean just before it happens. */
#include "harness.h"
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* libFuzzer's inline 8-bit counters, one per instrumented edge. */
extern uint8_t __start___sancov_cntrs[] __attribute__((weak));
extern uint8_t __stop___sancov_cntrs[] __attribute__((weak));

struct shared {
  volatile int clean; /* the child reached _exit() */
  volatile int status;
  uint8_t counters[];
};

static struct shared *shm;
static size_t ncounters;
static bool in_child;

void __real__exit(int status) __attribute__((noreturn));

void __wrap__exit(int status) {
  if (in_child) {
    memcpy(shm->counters, __start___sancov_cntrs, ncounters);
    shm->status = status;
    __atomic_store_n(&shm->clean, 1, __ATOMIC_SEQ_CST);
  }
  __real__exit(status);
}

static void show_child_log(void) {
  char log[128], buf[4096];
  snprintf(log, sizeof(log), "%s/child.log", fuzz_tmpdir());
  FILE *fp = fopen(log, "r");
  size_t n;
  while (fp && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
    fwrite(buf, 1, n, stderr);
  if (fp)
    fclose(fp);
}

static void init(void) {
  if (shm)
    return;
  ncounters = (size_t)(__stop___sancov_cntrs - __start___sancov_cntrs);
  shm = mmap(NULL, sizeof(*shm) + ncounters, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
             -1, 0);
  if (shm == MAP_FAILED) {
    perror("fuzz: mmap");
    abort();
  }
}

/* Seconds a child may run; FUZZ_CHILD_TIMEOUT overrides. Below libFuzzer's
 * own -timeout so that a hang is reported here, with the input. */
static unsigned child_timeout(void) {
  const char *s = getenv("FUZZ_CHILD_TIMEOUT");
  return s && atoi(s) > 0 ? (unsigned)atoi(s) : 10;
}

/* Peak memory a child may use; FUZZ_CHILD_RSS_MB overrides. The inputs are
 * at most a few hundred KiB: a child needing more has found a way to make
 * the linker's memory use out of all proportion to its input. */
static long child_rss_mb(void) {
  const char *s = getenv("FUZZ_CHILD_RSS_MB");
  return s && atol(s) > 0 ? atol(s) : 1024;
}

int run_forked(void (*fn)(const uint8_t *, size_t, void *), const uint8_t *data, size_t size,
               void *arg) {
  init();
  shm->clean = 0;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fuzz: fork");
    abort();
  }
  if (pid == 0) {
    in_child = true;
    /* the linker's messages (and any sanitizer report) go to a log that the
     * parent shows only when the run did not end cleanly */
    char log[128];
    snprintf(log, sizeof(log), "%s/child.log", fuzz_tmpdir());
    if (!getenv("FUZZ_VERBOSE") && !freopen(log, "w", stderr))
      abort();
    /* libFuzzer's own SIGALRM handler, inherited, would let the child run
     * on until the parent's -timeout: the default action ends it now */
    signal(SIGALRM, SIG_DFL);
    alarm(child_timeout());
    /* an output that grows past this is a "file too large" error to report */
    struct rlimit fsize = {64 << 20, 64 << 20};
    setrlimit(RLIMIT_FSIZE, &fsize);
    fn(data, size, arg);
    _exit(0);
  }
  int st;
  struct rusage ru;
  while (wait4(pid, &st, 0, &ru) < 0)
    ;
  bool clean = __atomic_load_n(&shm->clean, __ATOMIC_SEQ_CST);
  if (!clean || (shm->status != 0 && shm->status != 1))
    show_child_log();
  if (clean) {
    /* the child's coverage becomes this run's coverage */
    memcpy(__start___sancov_cntrs, shm->counters, ncounters);
    if ((shm->status == 0 || shm->status == 1) && ru.ru_maxrss / 1024 > child_rss_mb()) {
      show_child_log();
      fprintf(stderr, "fuzz: child used %ld MiB (over %ld MiB)\n", ru.ru_maxrss / 1024,
              child_rss_mb());
      abort();
    }
    if (shm->status == 0 || shm->status == 1)
      return shm->status;
    fprintf(stderr, "fuzz: child exited with status %d (expected 0 or 1)\n", shm->status);
  } else if (WIFSIGNALED(st)) {
    fprintf(stderr, "fuzz: child killed by signal %d%s\n", WTERMSIG(st),
            WTERMSIG(st) == SIGALRM ? " (hang: over the time limit)" : "");
  } else {
    fprintf(stderr, "fuzz: child ended without a clean exit (status %d): see the report above\n",
            WEXITSTATUS(st));
  }
  abort();
}

static char dir[64];

static void remove_tmpdir(void) {
  if (in_child)
    return;
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if (system(cmd))
    fprintf(stderr, "fuzz: could not remove %s\n", dir);
}

const char *fuzz_tmpdir(void) {
  if (!dir[0]) {
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof(dir), "%s/smelt-fuzz-%d", base, (int)getpid());
    if (mkdir(dir, 0700) && access(dir, W_OK)) {
      perror("fuzz: mkdir");
      abort();
    }
    atexit(remove_tmpdir);
  }
  return dir;
}

void write_file(const char *path, const uint8_t *data, size_t size) {
  FILE *fp = fopen(path, "wb");
  if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp)) {
    perror(path);
    abort();
  }
}

/* bench-timer LOG PROG [ARG...]: runs PROG with stdin from /dev/null and
 * stdout and stderr to LOG, and prints one line: its exit status (negative:
 * killed by that signal), wall seconds from just before the spawn to the
 * reap, CPU seconds (user + system, all its threads) and peak RSS in KiB.
 *
 * bench.py times every link through this small process rather than
 * spawning the linker from Python itself: a child's ru_maxrss starts from
 * the resident size of the process that spawned it (the kernel carries the
 * old address space's high-water mark across exec), so a link spawned by
 * the Python interpreter never reports less than the interpreter's own
 * ~23 MiB, whatever the linker used. Spawned from here it starts from this
 * program's ~1 MiB.
 *
 * bench-timer --c2c prints the round trip of a cache line between the first
 * two CPUs the process may run on, in ns (median of 7 trials of 20000 round
 * trips; 0 with fewer than two CPUs). On a VM it tells where the host put
 * the vCPUs: on the 2-core machines of bench/, ~90 ns when they share a
 * last-level cache and ~350 ns when they do not, and every line the two
 * threads of one link both write costs that much more. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { TRIPS = 20000, TRIALS = 7 };

static _Alignas(64) atomic_int ball;

static void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void await_ball(int v) {
  while (atomic_load_explicit(&ball, memory_order_acquire) != v)
    ;
}

static double seconds(struct timespec from, struct timespec to) {
  return (double)(to.tv_sec - from.tv_sec) + (double)(to.tv_nsec - from.tv_nsec) * 1e-9;
}

/* The other side: sends each odd value back as the next even one. */
static void *returner(void *cpu) {
  pin((int)(intptr_t)cpu);
  for (int i = 0; i < TRIALS * TRIPS; i++) {
    await_ball(2 * i + 1);
    atomic_store_explicit(&ball, 2 * i + 2, memory_order_release);
  }
  return NULL;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int c2c(void) {
  cpu_set_t allowed;
  int cpus[2], n = 0;
  if (sched_getaffinity(0, sizeof(allowed), &allowed))
    return 2;
  for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
    if (CPU_ISSET(c, &allowed))
      cpus[n++] = c;
  if (n < 2) {
    printf("0\n");
    return 0;
  }
  pin(cpus[0]);
  pthread_t t;
  if (pthread_create(&t, NULL, returner, (void *)(intptr_t)cpus[1]))
    return 2;
  double ns[TRIALS];
  for (int k = 0; k < TRIALS; k++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = k * TRIPS; i < (k + 1) * TRIPS; i++) {
      atomic_store_explicit(&ball, 2 * i + 1, memory_order_release);
      await_ball(2 * i + 2);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ns[k] = seconds(t0, t1) * 1e9 / TRIPS;
  }
  pthread_join(t, NULL);
  qsort(ns, TRIALS, sizeof(ns[0]), cmp_double);
  printf("%.1f\n", ns[TRIALS / 2]);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "--c2c"))
    return c2c();
  if (argc < 3) {
    fprintf(stderr, "usage: %s LOG PROG [ARG...] | --c2c\n", argv[0]);
    return 2;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);

  struct timespec t0, t1;
  pid_t pid;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int e = posix_spawnp(&pid, argv[2], &fa, NULL, argv + 2, environ);
  if (e) {
    fprintf(stderr, "%s: cannot run %s: %s\n", argv[0], argv[2], strerror(e));
    return 2;
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) != pid) {
    perror("wait4");
    return 2;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);

  int code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
  double wall = seconds(t0, t1);
  double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  printf("%d %.9f %.6f %ld\n", code, wall, cpu, ru.ru_maxrss);
  return 0;
}

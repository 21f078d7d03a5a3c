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
 * program's ~1 MiB. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s LOG PROG [ARG...]\n", argv[0]);
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
  double wall = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
  double cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  printf("%d %.9f %.6f %ld\n", code, wall, cpu, ru.ru_maxrss);
  return 0;
}

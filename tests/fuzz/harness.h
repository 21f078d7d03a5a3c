/* Shared by the libFuzzer harnesses: each input runs in a forked child.
 * smelt is a run-once program (global link context, arenas freed by exit,
 * fatal() ends the process), so a fresh process per input is the honest way
 * to run it many times; the child's coverage counters are copied back to
 * the parent, which is what libFuzzer watches. See forked.c. */
#ifndef SMELT_FUZZ_HARNESS_H
#define SMELT_FUZZ_HARNESS_H
#include <stddef.h>
#include <stdint.h>

/* Runs fn(data, size, arg) in a child that must end by _exit(0) or _exit(1)
 * (a clean link or a reported error). Returns that status; any other end
 * (a sanitizer report, a signal, a hang past the time limit) aborts the
 * parent so that libFuzzer records the input as a crash. */
int run_forked(void (*fn)(const uint8_t *data, size_t size, void *arg), const uint8_t *data,
               size_t size, void *arg);

/* A private directory for this process's files, created once. */
const char *fuzz_tmpdir(void);

/* Writes data to path or aborts. */
void write_file(const char *path, const uint8_t *data, size_t size);
#endif

/* A small fixed pool of worker threads and one primitive, parallel_for
 * (and lock_short for the locks the loops share, and order_by_key and
 * lock_switch to take each of them once for a batch of work). Work is
 * handed out in chunks through an atomic counter, each chunk a share of
 * what is left (guided scheduling): large chunks first, single items at
 * the end, so no thread is left with a long tail while the others wait.
 * The caller's thread takes part. Determinism is the caller's job: loop
 * bodies write only to their own slot i, never in arrival order. */
#include "ld/ld.h"
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

struct job {
  void (*fn)(void *, int64_t);
  void *arg;
  int64_t n, chunk; /* chunk: the share of the remaining items one grab takes */
  atomic_int_fast64_t next;
  atomic_int pending; /* workers still inside this job */
};

static int nthreads = 1;
static bool serial; /* loops run on the caller's thread (pool_serial) */
static pthread_t *workers;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t start_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static struct job *current;
static uint64_t generation;

static void run_job(struct job *j) {
  int64_t begin = atomic_load_explicit(&j->next, memory_order_relaxed), end;
  for (;;) {
    do {
      if (begin >= j->n)
        return;
      int64_t take = (j->n - begin) / j->chunk;
      end = begin + (take > 1 ? take : 1);
    } while (!atomic_compare_exchange_weak(&j->next, &begin, end));
    for (int64_t i = begin; i < end; i++)
      j->fn(j->arg, i);
    begin = atomic_load_explicit(&j->next, memory_order_relaxed);
  }
}

static cpu_set_t allowed; /* the CPUs the process may run on, if known */
static bool have_allowed;

static void *worker(void *unused) {
  if (have_allowed) /* it may go anywhere now that it runs (pool_init) */
    pthread_setaffinity_np(pthread_self(), sizeof(allowed), &allowed);
  uint64_t seen = 0;
  for (;;) {
    pthread_mutex_lock(&mu);
    while (generation == seen)
      pthread_cond_wait(&start_cv, &mu);
    seen = generation;
    struct job *j = current;
    pthread_mutex_unlock(&mu);

    run_job(j);

    pthread_mutex_lock(&mu);
    if (atomic_fetch_sub(&j->pending, 1) == 1)
      pthread_cond_signal(&done_cv);
    pthread_mutex_unlock(&mu);
  }
  return NULL;
}

/* The CPUs this process may run on (taskset, a container's cpuset), as
 * lld counts them; all online ones if that cannot be read. */
static int usable_cpus(void) {
  if (have_allowed)
    return CPU_COUNT(&allowed);
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  return cpus > 0 ? (int)cpus : 1;
}

/* A new thread is queued on its creator's CPU unless told otherwise, and
 * runs there only once the creator is preempted at a tick or the idle CPU
 * pulls it over: on the 2-core VM of bench/ the worker started 0.45-3.6 ms
 * after pthread_create, while the caller mapped the inputs alone. Created
 * with the caller's CPU left out of its mask, it starts within 0.2 ms on
 * another one, then widens its mask to every allowed CPU (worker()). */
static const pthread_attr_t *elsewhere(pthread_attr_t *attr) {
  cpu_set_t others = allowed;
  int me = sched_getcpu();
  if (!have_allowed || me < 0 || me >= CPU_SETSIZE)
    return NULL;
  CPU_CLR(me, &others);
  if (!CPU_COUNT(&others) || pthread_attr_init(attr))
    return NULL;
  if (pthread_attr_setaffinity_np(attr, sizeof(others), &others)) {
    pthread_attr_destroy(attr);
    return NULL;
  }
  return attr;
}

void pool_init(int n) {
  have_allowed = !sched_getaffinity(0, sizeof(allowed), &allowed) && CPU_COUNT(&allowed) > 0;
  if (n <= 0)
    n = usable_cpus();
  if (n > 256)
    n = 256;
  nthreads = n;
  workers = xcalloc(n, sizeof(pthread_t));
  pthread_attr_t attr;
  const pthread_attr_t *at = n > 1 ? elsewhere(&attr) : NULL;
  for (int i = 1; i < n; i++) {
    /* where the mask cannot be set (a cpuset that changed), the default */
    if (pthread_create(&workers[i], at, worker, NULL) &&
        (!at || pthread_create(&workers[i], NULL, worker, NULL)))
      fatal("cannot create thread");
  }
  if (at)
    pthread_attr_destroy(&attr);
}

int pool_size(void) { return serial ? 1 : nthreads; }

void pool_serial(bool on) { serial = on; }

void parallel_for(int64_t n, void (*fn)(void *, int64_t), void *arg) {
  if (n <= 0)
    return;
  if (nthreads == 1 || n == 1 || serial) {
    for (int64_t i = 0; i < n; i++)
      fn(arg, i);
    return;
  }
  struct job j = {.fn = fn, .arg = arg, .n = n};
  j.chunk = nthreads * 4; /* a chunk is 1/chunk of the items left */
  atomic_init(&j.next, 0);
  atomic_init(&j.pending, nthreads - 1);

  pthread_mutex_lock(&mu);
  current = &j;
  generation++;
  pthread_cond_broadcast(&start_cv);
  pthread_mutex_unlock(&mu);

  run_job(&j);

  pthread_mutex_lock(&mu);
  while (atomic_load(&j.pending) > 0)
    pthread_cond_wait(&done_cv, &mu);
  pthread_mutex_unlock(&mu);
}

void order_by_key(const uint8_t *key, uint32_t n, uint32_t *order) {
  uint32_t start[UINT8_MAX + 2] = {0};
  for (uint32_t i = 0; i < n; i++)
    start[key[i] + 1]++;
  for (int k = 0; k <= UINT8_MAX; k++)
    start[k + 1] += start[k];
  for (uint32_t i = 0; i < n; i++)
    order[start[key[i]]++] = i;
}

/* The hash-table shard locks are held for a probe and an insert, far less
 * time than it takes to put a thread to sleep and wake it again (a futex
 * wait and wake, and on a VM waking the halted CPU): a thread that finds
 * one taken tries again for a while before it blocks. It does block in the
 * end, so a holder that was preempted (more threads than cores) costs at
 * most the spin more than a mutex would. On synth-medium with 2 threads,
 * pthread_mutex_lock slept ~450 times and woke ~1300 times per link (symbol
 * and string interning), ~10 ms of the 2-thread wall. */
enum { SPIN_TRIES = 4096 }; /* ~100 us: merge holds a shard for a run of its pieces */

void lock_short(pthread_mutex_t *mu) {
  for (int i = 0; i < SPIN_TRIES; i++) {
    if (!pthread_mutex_trylock(mu))
      return;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
  }
  pthread_mutex_lock(mu);
}

void lock_switch(pthread_mutex_t **held, pthread_mutex_t *want) {
  if (*held == want)
    return;
  if (*held)
    pthread_mutex_unlock(*held);
  if (want)
    lock_short(want);
  *held = want;
}

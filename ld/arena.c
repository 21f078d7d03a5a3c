/* Memory. Parsed inputs produce many small objects that live until exit:
 * they come from thread-local bump arenas carved out of large mimalloc
 * blocks, so allocation is a pointer increment and needs no lock.
 * Built with -Dmimalloc=false (SMELT_LIBC_MALLOC), every object is its own
 * calloc block instead, so that AddressSanitizer sees its bounds.
 *
 * Heap use is counted where it grows in large steps (a new arena block, a
 * large object, a heap array) against a limit, physical memory unless
 * --max-memory says otherwise: an input crafted to make the link huge gets
 * an error instead of the OOM killer. */
#include "ld/ld.h"
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#ifdef SMELT_LIBC_MALLOC
#include <malloc.h>
#define mi_malloc malloc
#define mi_malloc_aligned(n, a) aligned_alloc(a, n)
#define mi_zalloc(n) calloc(1, n)
#define mi_calloc calloc
#define mi_realloc realloc
#define mi_free free
#define mi_usable_size malloc_usable_size
#else
#include <mimalloc.h>
#endif

/* Blocks of 4 MiB, faulted in a step at a time (so a thread's last block
 * costs no more memory than 1 MiB ones would), are fewer calls for
 * drop_spans: 126 blocks of 1 MiB on synth-medium each took a madvise of
 * their own. Objects above LARGE get their own heap block. */
enum { CHUNK = 4 << 20, LARGE = 256 << 10, POPULATE_STEP = 128 << 10 };

static __thread uint8_t *cur, *end, *populated;
static atomic_uint_fast64_t heap_used;
static uint64_t heap_limit;

/* Faults the pages of [p, p + size) in with one call rather than one trap
 * per page (Linux 5.14+; a no-op error before, and the pages fault in when
 * touched). */
void fault_in(void *p, size_t size) { madvise(p, size, MADV_POPULATE_WRITE); }

void set_memory_limit(uint64_t bytes) { heap_limit = bytes; }

uint64_t heap_in_use(void) { return atomic_load(&heap_used); }

static uint64_t memory_limit(void) {
  if (!heap_limit) {
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    heap_limit = pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize : UINT64_MAX;
  }
  return heap_limit;
}

/* Counts n more bytes of heap; stops the link when they pass the limit. */
static void charge(uint64_t n) {
  uint64_t used = atomic_fetch_add(&heap_used, n) + n;
  uint64_t limit = memory_limit();
  if (used > limit)
    fatal("out of memory: the link needs more than the %llu %s of heap %s",
          (unsigned long long)(limit >= (1 << 20) ? limit >> 20 : limit >> 10),
          limit >= (1 << 20) ? "MiB" : "KiB",
          ctx.opt.max_memory_set ? "that --max-memory allows"
                                 : "this machine has (--max-memory=SIZE sets the limit)");
}

static void uncharge(uint64_t n) { atomic_fetch_sub(&heap_used, n); }

/* After allocating q with `charged` bytes counted up front: count what the
 * allocator really reserved, so that xfree() takes back exactly as much. */
static void settle(void *q, uint64_t charged) {
  uint64_t real = q ? mi_usable_size(q) : 0;
  if (real > charged)
    atomic_fetch_add(&heap_used, real - charged);
  else
    uncharge(charged - real);
}

void *xalloc(size_t size) {
#ifdef SMELT_LIBC_MALLOC
  charge(size);
  void *q = calloc(1, size ? size : 1);
  if (!q)
    fatal("out of memory allocating %zu bytes", size);
  settle(q, size);
  return q;
#endif
  size = ALIGN_UP(size, 16);
  if (size > LARGE) {
    charge(size);
    void *p = mi_zalloc(size);
    if (!p)
      fatal("out of memory allocating %zu bytes", size);
    settle(p, size);
    return p;
  }
  if (!cur || (size_t)(end - cur) < size) {
    /* not zeroed here: only what is handed out gets touched */
    charge(CHUNK);
    cur = mi_malloc_aligned(CHUNK, (size_t)getpagesize()); /* whole pages, as note_span needs */
    if (!cur)
      fatal("out of memory");
    note_span(cur, CHUNK);
    end = cur + CHUNK;
    populated = cur;
  }
  if (cur + size > populated) {
    /* fault pages in ahead of the bump pointer, a step at a time; not the
     * whole block at once: a thread's last block is mostly unused on a
     * small link, and each page costs a microsecond or more to fault in */
    uint8_t *to = populated + ALIGN_UP((size_t)(cur + size - populated), POPULATE_STEP);
    if (to > end)
      to = end;
    fault_in(populated, (size_t)(to - populated));
    populated = to;
  }
  void *p = cur;
  cur += size;
  return memset(p, 0, size);
}

void *xrealloc(void *p, size_t size) {
  uint64_t old = p ? mi_usable_size(p) : 0;
  if (size > old)
    charge(size - old);
  void *q = mi_realloc(p, size);
  if (!q && size)
    fatal("out of memory allocating %zu bytes", size);
  settle(q, size > old ? size : old);
  return q;
}

void *xcalloc(size_t n, size_t size) {
  if (size && n > SIZE_MAX / size)
    fatal("out of memory allocating %zu x %zu bytes", n, size);
  charge((uint64_t)n * size);
  void *p = mi_calloc(n, size);
  if (!p && n && size)
    fatal("out of memory allocating %zu x %zu bytes", n, size);
  settle(p, (uint64_t)n * size);
  return p;
}

/* Zeroed pages straight from the kernel, not yet faulted in: a large
 * table that its users fault in, in parallel, with fault_in(). Never freed;
 * drop_spans() frees them at exit. */
void *xalloc_pages(size_t size) {
  charge(size);
  void *p = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    fatal("out of memory allocating %zu bytes", size);
  note_span(p, size);
  return p;
}

void *reuse_buf(struct reuse_buf *b, size_t n, size_t elem) {
  if (n > b->cap || !b->p) {
    size_t cap = n > 2 * b->cap ? n : 2 * b->cap;
    if (!cap)
      cap = 1;
    if (cap > SIZE_MAX / elem)
      fatal("out of memory allocating %zu x %zu bytes", cap, elem);
    xfree(b->p);
    b->p = xrealloc(NULL, cap * elem);
    b->cap = cap;
  }
  return b->p;
}

void xfree(void *p) {
  if (p)
    uncharge(mi_usable_size(p));
  mi_free(p);
}

/* ---- what exit would free ----
 * Exit frees the pages of the process's mappings on the exiting thread,
 * and its time counts: on synth-medium 20-26 ms of the 2-thread link's
 * ~245, most of it the inputs' page mappings (~11 ms) and the arena's
 * pages. Once the output is in place, madvise(MADV_DONTNEED) frees them on
 * every thread, each a share of the bytes (not munmap: unmappings
 * serialize on the address-space lock; it took 13-15 ms on two threads).
 * Adjacent spans are joined first, so that each thread makes few calls:
 * every call interrupts the other CPUs to flush their TLBs (~30 us on a
 * VM); the 973 input files of synth-medium lie in 8 runs. */
static pthread_mutex_t spans_mu = PTHREAD_MUTEX_INITIALIZER;
static struct span *spans;
static size_t nspans, spans_cap;

void note_span(const void *p, uint64_t n) {
  uint64_t lo = (uintptr_t)p;
  pthread_mutex_lock(&spans_mu);
  if (nspans == spans_cap) {
    spans_cap = spans_cap ? 2 * spans_cap : 256;
    spans = xrealloc(spans, spans_cap * sizeof(*spans));
  }
  spans[nspans++] = (struct span){lo, lo + ALIGN_UP(n, (uint64_t)getpagesize())};
  pthread_mutex_unlock(&spans_mu);
}

static int span_cmp(const void *a, const void *b) {
  const struct span *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

size_t merge_spans(struct span *s, size_t n) {
  qsort(s, n, sizeof(*s), span_cmp);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (m && s[m - 1].hi >= s[i].lo) {
      if (s[i].hi > s[m - 1].hi)
        s[m - 1].hi = s[i].hi;
    } else {
      s[m++] = s[i];
    }
  }
  return m;
}

size_t span_share(const struct span *s, size_t n, uint64_t from, uint64_t to, struct span *out) {
  size_t k = 0;
  uint64_t at = 0; /* where s[i] starts, the spans laid end to end */
  for (size_t i = 0; i < n && at < to; i++) {
    uint64_t len = s[i].hi - s[i].lo;
    uint64_t lo = at > from ? at : from, hi = at + len < to ? at + len : to;
    if (lo < hi)
      out[k++] = (struct span){s[i].lo + (lo - at), s[i].lo + (hi - at)};
    at += len;
  }
  return k;
}

struct drop_job {
  size_t n;
  uint64_t share; /* bytes per piece, whole pages */
};

static void drop_share(void *arg, int64_t t) {
  struct drop_job *j = arg;
  struct span *pieces = xcalloc(j->n, sizeof(*pieces));
  size_t k = span_share(spans, j->n, (uint64_t)t * j->share, (uint64_t)(t + 1) * j->share, pieces);
  for (size_t i = 0; i < k; i++)
    madvise((void *)(uintptr_t)pieces[i].lo, pieces[i].hi - pieces[i].lo, MADV_DONTNEED);
  xfree(pieces);
}

void drop_spans(void) {
  int nt = pool_size();
  if (nt == 1 || !nspans)
    return; /* exit frees them just as fast */
  size_t n = merge_spans(spans, nspans);
  uint64_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += spans[i].hi - spans[i].lo;
  /* pieces of equal bytes, handed out as threads come free: the pages
   * mapped in a byte vary (the arena's, an input's cached pages, an
   * object's untouched debug sections), and one share per thread left one
   * of two threads 4 ms behind the other */
  int64_t npieces = 8 * (int64_t)nt;
  struct drop_job j = {n, ALIGN_UP(total / (uint64_t)npieces + 1, (uint64_t)getpagesize())};
  parallel_for(npieces, drop_share, &j);
}

char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = xalloc(n);
  memcpy(p, s, n);
  return p;
}

char *xsprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *p = xalloc(n + 1);
  va_start(ap, fmt);
  vsnprintf(p, n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void vec_push(struct vec *vec, void *p) {
  if (vec->n == vec->cap) {
    vec->cap = vec->cap ? vec->cap * 2 : 8;
    vec->v = xrealloc(vec->v, vec->cap * sizeof(void *));
  }
  vec->v[vec->n++] = p;
}

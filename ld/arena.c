/* Memory. Parsed inputs produce many small objects that live until exit:
 * they come from thread-local bump arenas carved out of large mimalloc
 * blocks, so allocation is a pointer increment and needs no lock.
 * Built with -Dmimalloc=false (SMELT_LIBC_MALLOC), every object is its own
 * calloc block instead, so that AddressSanitizer sees its bounds. */
#include "ld/ld.h"
#include <stdlib.h>
#ifdef SMELT_LIBC_MALLOC
#define mi_malloc malloc
#define mi_zalloc(n) calloc(1, n)
#define mi_calloc calloc
#define mi_realloc realloc
#define mi_free free
#else
#include <mimalloc.h>
#endif

enum { CHUNK = 1 << 20 };

static __thread uint8_t *cur, *end;

void *xalloc(size_t size) {
#ifdef SMELT_LIBC_MALLOC
  void *q = calloc(1, size ? size : 1);
  if (!q)
    fatal("out of memory allocating %zu bytes", size);
  return q;
#endif
  size = ALIGN_UP(size, 16);
  if (size > CHUNK / 4) {
    void *p = mi_zalloc(size);
    if (!p)
      fatal("out of memory allocating %zu bytes", size);
    return p;
  }
  if (!cur || (size_t)(end - cur) < size) {
    /* not zeroed here: only what is handed out gets touched */
    cur = mi_malloc(CHUNK);
    if (!cur)
      fatal("out of memory");
    end = cur + CHUNK;
  }
  void *p = cur;
  cur += size;
  return memset(p, 0, size);
}

void *xrealloc(void *p, size_t size) {
  void *q = mi_realloc(p, size);
  if (!q && size)
    fatal("out of memory allocating %zu bytes", size);
  return q;
}

void *xcalloc(size_t n, size_t size) {
  void *p = mi_calloc(n, size);
  if (!p && n && size)
    fatal("out of memory allocating %zu x %zu bytes", n, size);
  return p;
}

void xfree(void *p) { mi_free(p); }

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

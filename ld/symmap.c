/* The global symbol table: a sharded open-addressing hash map from name to
 * struct symbol, keyed by xxh3. Interning is thread-safe (one lock per
 * shard) and idempotent, so parse can run in parallel; which definition a
 * symbol gets is decided later, by command-line order only (ld/resolve.c). */
#include "ld/ld.h"
#include <pthread.h>
#include <xxhash.h>

enum { NSHARDS = 64 };

struct slot {
  uint64_t hash;
  const char *name; /* = sym->name: a hit compares without touching sym */
  struct symbol *sym;
  uint64_t len;
};

struct shard {
  pthread_mutex_t mu;
  struct slot *slots;
  size_t cap, n;
} __attribute__((aligned(64)));

static struct shard shards[NSHARDS];

static void init_shard(void *arg, int64_t i) {
  size_t cap = *(size_t *)arg;
  pthread_mutex_init(&shards[i].mu, NULL);
  shards[i].slots = xcalloc(cap, sizeof(struct slot));
  shards[i].cap = cap;
  shards[i].n = 0;
}

/* The shards are cleared in parallel: tens of MiB on a large link. */
void symmap_init(size_t expected) {
  size_t cap = 64;
  while (cap < expected / NSHARDS * 2)
    cap *= 2;
  parallel_for(NSHARDS, init_shard, &cap);
}

static struct slot *probe(struct shard *sh, uint64_t hash, const char *name, size_t len) {
  size_t mask = sh->cap - 1;
  for (size_t i = (hash >> 8) & mask;; i = (i + 1) & mask) {
    struct slot *s = &sh->slots[i];
    if (!s->sym)
      return s;
    if (s->hash == hash && s->len == len && !memcmp(s->name, name, len))
      return s;
  }
}

static void grow(struct shard *sh) {
  struct slot *old = sh->slots;
  size_t oldcap = sh->cap;
  sh->cap *= 2;
  sh->slots = xcalloc(sh->cap, sizeof(struct slot));
  size_t mask = sh->cap - 1;
  for (size_t i = 0; i < oldcap; i++) {
    if (!old[i].sym)
      continue;
    /* names are distinct: the first free slot will do, no compare */
    size_t k = (old[i].hash >> 8) & mask;
    while (sh->slots[k].sym)
      k = (k + 1) & mask;
    sh->slots[k] = old[i];
  }
  xfree(old);
}

struct symbol *symmap_intern(const char *name, size_t len) {
  uint64_t hash = XXH3_64bits(name, len);
  struct shard *sh = &shards[hash % NSHARDS];
  pthread_mutex_lock(&sh->mu);
  struct slot *s = probe(sh, hash, name, len);
  if (!s->sym) {
    if ((sh->n + 1) * 4 > sh->cap * 3) {
      grow(sh);
      s = probe(sh, hash, name, len);
    }
    struct symbol *sym = xalloc(sizeof(*sym));
    sym->name = name; /* names point into the mmapped strtab (NUL-terminated) */
    sym->got_idx = sym->gottp_idx = -1;
    atomic_init(&sym->rank, UINT64_MAX);
    s->hash = hash;
    s->name = name;
    s->len = len;
    s->sym = sym;
    sh->n++;
  }
  struct symbol *sym = s->sym;
  pthread_mutex_unlock(&sh->mu);
  return sym;
}

struct symbol *symmap_find(const char *name) {
  size_t len = strlen(name);
  uint64_t hash = XXH3_64bits(name, len);
  struct shard *sh = &shards[hash % NSHARDS];
  pthread_mutex_lock(&sh->mu);
  struct slot *s = probe(sh, hash, name, len);
  struct symbol *sym = s->sym;
  pthread_mutex_unlock(&sh->mu);
  return sym;
}

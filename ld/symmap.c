/* The global symbol table: a sharded open-addressing hash map from name to
 * struct symbol, keyed by xxh3. Interning is thread-safe (one lock per
 * shard) and idempotent, so parse can run in parallel; which definition a
 * symbol gets is decided later, by command-line order only (ld/resolve.c). */
#include "ld/ld.h"
#include <pthread.h>
#include <unistd.h>
#include <xxhash.h>

uint64_t ptr_slot(const void *table, size_t stride, uint64_t mask, const void *key) {
  for (uint64_t h = XXH3_64bits(&key, sizeof(key)) & mask;; h = (h + 1) & mask) {
    const void *k;
    memcpy(&k, (const char *)table + h * stride, sizeof(k));
    if (!k || k == key)
      return h;
  }
}

enum { NSHARDS = 64 };

struct slot {
  uint64_t hash;
  const char *name; /* = sym->name: a hit compares without touching sym */
  struct symbol *sym;
  uint64_t len;
};

struct shard {
  pthread_mutex_t mu;
  /* written under mu; atomic so that symmap_intern_many may read them
   * without it to prefetch (a stale table is only a wasted prefetch) */
  _Atomic(struct slot *) slots;
  atomic_size_t cap;
  size_t n;
} __attribute__((aligned(64)));

static struct shard shards[NSHARDS];

static struct slot *first_tables; /* the shards' first tables, one block */
static size_t first_cap;

static void init_shard(void *unused, int64_t i) {
  struct slot *slots = first_tables + (size_t)i * first_cap;
  size_t bytes = first_cap * sizeof(struct slot);
  if (bytes % (size_t)getpagesize() == 0)
    fault_in(slots, bytes);
  else if (i == 0) /* tables smaller than a page: the block at once */
    fault_in(first_tables, NSHARDS * bytes);
  pthread_mutex_init(&shards[i].mu, NULL);
  atomic_init(&shards[i].slots, slots);
  atomic_init(&shards[i].cap, first_cap);
  shards[i].n = 0;
}

/* The shards' first tables are one block of zeroed pages, faulted in by
 * all threads, a shard's share per call (tens of MiB on a large link). On
 * synth-medium at 2 threads, 64 zeroing callocs of 128 KiB took 3.1 ms on
 * one thread or two alike; this takes half that (open+parse 42.1 -> 39.6
 * ms, median of 15). A table that grows out of it stays in place. */
void symmap_init(size_t expected) {
  size_t cap = 64;
  while (cap < expected / NSHARDS * 2)
    cap *= 2;
  first_cap = cap;
  first_tables = xalloc_pages(NSHARDS * cap * sizeof(struct slot));
  parallel_for(NSHARDS, init_shard, NULL);
}

static bool is_first_table(const struct slot *t) {
  return t >= first_tables && t < first_tables + NSHARDS * first_cap;
}

static struct slot *slots_of(const struct shard *sh) {
  return atomic_load_explicit(&sh->slots, memory_order_relaxed);
}

static size_t cap_of(const struct shard *sh) {
  return atomic_load_explicit(&sh->cap, memory_order_relaxed);
}

static struct slot *probe(struct shard *sh, uint64_t hash, const char *name, size_t len) {
  struct slot *slots = slots_of(sh);
  size_t mask = cap_of(sh) - 1;
  for (size_t i = (hash >> 8) & mask;; i = (i + 1) & mask) {
    struct slot *s = &slots[i];
    if (!s->sym)
      return s;
    if (s->hash == hash && s->len == len && !memcmp(s->name, name, len))
      return s;
  }
}

static void grow(struct shard *sh) {
  struct slot *old = slots_of(sh);
  size_t oldcap = cap_of(sh), cap = oldcap * 2, mask = cap - 1;
  struct slot *slots = xcalloc(cap, sizeof(struct slot));
  for (size_t i = 0; i < oldcap; i++) {
    if (!old[i].sym)
      continue;
    /* names are distinct: the first free slot will do, no compare */
    size_t k = (old[i].hash >> 8) & mask;
    while (slots[k].sym)
      k = (k + 1) & mask;
    slots[k] = old[i];
  }
  atomic_store_explicit(&sh->slots, slots, memory_order_relaxed);
  atomic_store_explicit(&sh->cap, cap, memory_order_relaxed);
  if (!is_first_table(old))
    xfree(old);
}

/* Finds or adds name in a shard the caller holds. */
static struct symbol *intern_locked(struct shard *sh, const char *name, size_t len,
                                    uint64_t hash) {
  struct slot *s = probe(sh, hash, name, len);
  if (!s->sym) {
    if ((sh->n + 1) * 4 > cap_of(sh) * 3) {
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
  return s->sym;
}

struct symbol *symmap_intern(const char *name, size_t len) {
  uint64_t hash = XXH3_64bits(name, len);
  struct shard *sh = &shards[hash % NSHARDS];
  lock_short(&sh->mu);
  struct symbol *sym = intern_locked(sh, name, len, hash);
  pthread_mutex_unlock(&sh->mu);
  return sym;
}

enum { PREFETCH_AHEAD = 8 };

/* A file's global symbols at once: all hashed first, then interned in
 * order of shard, each shard locked once for all of its names, with the
 * first slot of a name a few ahead already on its way (the slot is a cache
 * miss nearly every time: the table has 100k+ names). The shards are
 * taken from a point that differs between files, so that two threads do
 * not walk them in step. */
void symmap_intern_many(const char *const *names, uint32_t n, struct symbol **out) {
  static __thread struct reuse_buf hashes_buf, lens_buf, keys_buf, order_buf;
  uint64_t *hashes = reuse_buf(&hashes_buf, n, sizeof(uint64_t));
  uint32_t *lens = reuse_buf(&lens_buf, n, sizeof(uint32_t));
  uint8_t *keys = reuse_buf(&keys_buf, n, sizeof(uint8_t));
  uint32_t *order = reuse_buf(&order_buf, n, sizeof(uint32_t));
  for (uint32_t k = 0; k < n; k++) {
    lens[k] = (uint32_t)strlen(names[k]);
    hashes[k] = XXH3_64bits(names[k], lens[k]);
  }
  _Static_assert(NSHARDS <= UINT8_MAX + 1, "a shard is a byte");
  uint64_t turn = n ? hashes[0] >> 32 : 0;
  for (uint32_t k = 0; k < n; k++)
    keys[k] = (uint8_t)((hashes[k] + turn) % NSHARDS);
  order_by_key(keys, n, order);
  pthread_mutex_t *held = NULL;
  for (uint32_t j = 0; j < n; j++) {
    if (j + PREFETCH_AHEAD < n) {
      uint64_t h = hashes[order[j + PREFETCH_AHEAD]];
      const struct shard *sh = &shards[h % NSHARDS];
      /* the two loads may see a table and the capacity of the next one:
       * the address is computed, never dereferenced */
      uintptr_t slot = (uintptr_t)slots_of(sh) + ((h >> 8) & (cap_of(sh) - 1)) * sizeof(struct slot);
      __builtin_prefetch((const void *)slot);
    }
    uint32_t k = order[j];
    struct shard *sh = &shards[hashes[k] % NSHARDS];
    lock_switch(&held, &sh->mu);
    out[k] = intern_locked(sh, names[k], lens[k], hashes[k]);
  }
  lock_switch(&held, NULL);
}

struct symbol *symmap_find(const char *name) {
  size_t len = strlen(name);
  uint64_t hash = XXH3_64bits(name, len);
  struct shard *sh = &shards[hash % NSHARDS];
  lock_short(&sh->mu);
  struct slot *s = probe(sh, hash, name, len);
  struct symbol *sym = s->sym;
  pthread_mutex_unlock(&sh->mu);
  return sym;
}

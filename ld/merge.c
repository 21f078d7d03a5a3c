/* Merge: SHF_MERGE sections (strings and fixed-size constants, including
 * .debug_str) are split into pieces, and equal pieces bound for the same
 * output section become one fragment, across all inputs.
 *
 * Sections are grouped by output name, flags, entry size and alignment.
 * Splitting and insertion into the group's sharded hash map (xxh3) run in
 * parallel over spans of consecutive sections, which may hold several
 * groups; each fragment remembers its first occurrence in command-line
 * order with an atomic min, and fragments are laid out in that order (a
 * prefix sum over sections), so the bytes never depend on thread timing.
 * Each group becomes one synthetic input section; relocations and symbols
 * that point into a merged piece are redirected through find_piece(). Runs
 * after gc; ICF and layout follow. */
#include "ld/ld.h"
#include <pthread.h>
#include <xxhash.h>

enum { NSHARDS = 32 };

struct fslot {
  uint64_t hash;
  struct frag *frag;
};

struct fshard {
  pthread_mutex_t mu;
  /* written under mu; atomic so that split() may read them without it to
   * prefetch (a stale table is only a wasted prefetch) */
  _Atomic(struct fslot *) slots;
  atomic_size_t cap;
  size_t n;
} __attribute__((aligned(64)));

struct mgroup {
  const char *name;
  uint32_t type;
  uint64_t flags, entsize, align;
  bool listed; /* in groups */
  uint64_t total_in;
  struct fshard shards[NSHARDS];
  struct isec *out;
};

static struct vec groups;        /* in command-line order of their first member */
static struct vec created;       /* as found, in parallel */
static pthread_mutex_t created_mu = PTHREAD_MUTEX_INITIALIZER;

static bool mergeable(const struct isec *isec) {
  if (!(isec->flags & SHF_MERGE) || !isec->entsize || isec->relsec || !isec->data ||
      isec->type != SHT_PROGBITS || isec->size % isec->entsize || isec->size >= (1ull << 32) ||
      !isec->size)
    return false;
  if (isec->flags & SHF_STRINGS) {
    /* the last string must be terminated */
    for (uint64_t k = 0; k < isec->entsize; k++)
      if (isec->data[isec->size - isec->entsize + k])
        return false;
  }
  return true;
}

static uint64_t group_flags(const struct isec *isec) {
  return isec->flags & (SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR | SHF_STRINGS | SHF_MERGE);
}

static bool in_group(const struct mgroup *g, const struct isec *isec, const char *name) {
  return g->flags == group_flags(isec) && g->entsize == isec->entsize &&
         g->align == isec->addralign && g->type == isec->type &&
         (g->name == name || !strcmp(g->name, name));
}

static struct mgroup *group_for(const struct isec *isec, const char *name) {
  pthread_mutex_lock(&created_mu);
  for (size_t i = 0; i < created.n; i++) {
    struct mgroup *g = created.v[i];
    if (in_group(g, isec, name)) {
      pthread_mutex_unlock(&created_mu);
      return g;
    }
  }
  struct mgroup *g = xalloc(sizeof(*g));
  g->name = name;
  g->type = isec->type;
  g->flags = group_flags(isec);
  g->entsize = isec->entsize;
  g->align = isec->addralign;
  vec_push(&created, g);
  pthread_mutex_unlock(&created_mu);
  return g;
}

static struct fslot *slots_of(const struct fshard *sh) {
  return atomic_load_explicit(&sh->slots, memory_order_relaxed);
}

static size_t cap_of(const struct fshard *sh) {
  return atomic_load_explicit(&sh->cap, memory_order_relaxed);
}

/* The slot where a probe for hash starts, in a shard the caller holds. */
static struct fslot *first_slot(const struct fshard *sh, uint64_t hash) {
  return &slots_of(sh)[(hash >> 6) & (cap_of(sh) - 1)];
}

/* Fetches that slot into the cache, in any shard: without the lock, the
 * table and capacity read may belong to different generations, so the
 * address is only computed, never dereferenced (a prefetch cannot fault). */
static void prefetch_slot(const struct fshard *sh, uint64_t hash) {
  uintptr_t at = (uintptr_t)slots_of(sh) + ((hash >> 6) & (cap_of(sh) - 1)) * sizeof(struct fslot);
  __builtin_prefetch((const void *)at);
}

static struct fslot *probe(struct fshard *sh, uint64_t hash, const uint8_t *p, uint32_t len) {
  struct fslot *slots = slots_of(sh);
  size_t mask = cap_of(sh) - 1;
  for (size_t i = (hash >> 6) & mask;; i = (i + 1) & mask) {
    struct fslot *s = &slots[i];
    if (!s->frag || (s->hash == hash && s->frag->len == len && !memcmp(frag_data(s->frag), p, len)))
      return s;
  }
}

/* Finds or adds the fragment for p[0..len) in a shard the caller holds. */
static struct frag *intern_locked(struct mgroup *g, struct fshard *sh, uint64_t hash,
                                  const uint8_t *p, uint32_t len) {
  struct fslot *s = probe(sh, hash, p, len);
  if (s->frag)
    return s->frag;
  if ((sh->n + 1) * 4 > cap_of(sh) * 3) {
    struct fslot *old = slots_of(sh);
    size_t oldcap = cap_of(sh), cap = oldcap * 2, mask = cap - 1;
    struct fslot *slots = xcalloc(cap, sizeof(struct fslot));
    for (size_t i = 0; i < oldcap; i++) {
      if (!old[i].frag)
        continue;
      /* keys are distinct: the first free slot will do, no compare */
      size_t k = (old[i].hash >> 6) & mask;
      while (slots[k].frag)
        k = (k + 1) & mask;
      slots[k] = old[i];
    }
    atomic_store_explicit(&sh->slots, slots, memory_order_relaxed);
    atomic_store_explicit(&sh->cap, cap, memory_order_relaxed);
    xfree(old);
    s = probe(sh, hash, p, len);
  }
  /* the bytes follow the header: later probes compare against them without
   * touching the (cold) input they came from */
  struct frag *f = xalloc(sizeof(*f) + len);
  memcpy(f + 1, p, len);
  f->len = len;
  atomic_init(&f->owner, UINT64_MAX);
  s->hash = hash;
  s->frag = f;
  sh->n++;
  return f;
}

/* Length of the piece at off: a string with its terminator, or one entry. */
static uint64_t piece_len(const struct isec *isec, uint64_t off) {
  const uint8_t *d = isec->data;
  uint64_t n = isec->size, e = isec->entsize;
  if (!(isec->flags & SHF_STRINGS))
    return e;
  if (e == 1)
    return (uint64_t)((const uint8_t *)memchr(d + off, 0, n - off) - (d + off)) + 1;
  uint64_t k = off;
  for (;;) {
    bool zero = true;
    for (uint64_t b = 0; b < e; b++)
      zero &= d[k + b] == 0;
    k += e;
    if (zero || k >= n)
      return k - off;
  }
}

/* The first occurrence in command-line order owns a fragment; the shard
 * lock held guards the owner too. */
static void own(struct frag *f, uint64_t key) {
  if (key < atomic_load_explicit(&f->owner, memory_order_relaxed))
    atomic_store_explicit(&f->owner, key, memory_order_relaxed);
}

enum { PREFETCH_AHEAD = 16, SPAN_BYTES = 64 << 10, BATCH = 4096, BATCH_GROUPS = 8 };

/* A section to split, at its place in command-line order: that place
 * (its index in the work array) and the offset of a piece in it make the
 * piece's owner key. */
struct work {
  struct mgroup *g;
  struct isec *isec;
};

/* Up to BATCH pieces of up to BATCH_GROUPS groups on their way to the
 * tables (per thread): each one's group (an index into gs), hash, length,
 * bytes, owner key and where its fragment goes. */
struct batch {
  uint64_t hash[BATCH], key[BATCH];
  const uint8_t *src[BATCH];
  struct frag **dst[BATCH];
  uint32_t len[BATCH], by_shard[BATCH];
  uint8_t gid[BATCH], order_key[BATCH]; /* group, then shard from a turning point */
  struct mgroup *gs[BATCH_GROUPS];
  uint32_t n, ngroups;
};

/* The shard piece i of a batch goes to. */
static struct fshard *shard_of(const struct batch *b, uint32_t i) {
  return &b->gs[b->gid[i]]->shards[b->hash[i] % NSHARDS];
}

/* Interns a batch in order of group and shard, one lock per shard touched.
 * A batch holds the pieces of many small sections (a -fdata-sections
 * object has a one-string section per function, a -g object a few KiB of
 * .debug_str), so each shard is locked once for a run of them, not about
 * once per piece. The shards are taken from a point that differs between
 * batches, so that two threads do not walk them in step, each waiting for
 * the other's shard. The slot and the fragment are cache misses nearly
 * every time (100k strings across the shards): the slot of the piece
 * PREFETCH_AHEAD on is fetched whatever its shard, the fragment it holds
 * half as far ahead once that slot has arrived, if it is in the shard held
 * (another's table may be replaced under us). */
static void intern_batch(struct batch *b) {
  _Static_assert(BATCH_GROUPS * NSHARDS <= UINT8_MAX + 1, "an order key is a byte");
  uint32_t n = b->n;
  uint64_t turn = n ? b->hash[0] >> 32 : 0;
  for (uint32_t i = 0; i < n; i++)
    b->order_key[i] = (uint8_t)(b->gid[i] * NSHARDS + (b->hash[i] + turn) % NSHARDS);
  order_by_key(b->order_key, n, b->by_shard);
  pthread_mutex_t *held = NULL;
  for (uint32_t k = 0; k < n; k++) {
    if (k + PREFETCH_AHEAD < n) {
      uint32_t ahead = b->by_shard[k + PREFETCH_AHEAD];
      prefetch_slot(shard_of(b, ahead), b->hash[ahead]);
    }
    uint32_t i = b->by_shard[k];
    struct fshard *sh = shard_of(b, i);
    lock_switch(&held, &sh->mu);
    if (k + PREFETCH_AHEAD / 2 < n) {
      uint32_t ahead = b->by_shard[k + PREFETCH_AHEAD / 2];
      struct frag *f = shard_of(b, ahead) == sh ? first_slot(sh, b->hash[ahead])->frag : NULL;
      if (f)
        __builtin_prefetch(f);
    }
    struct frag *f = intern_locked(b->gs[b->gid[i]], sh, b->hash[i], b->src[i], b->len[i]);
    own(f, b->key[i]);
    *b->dst[i] = f;
  }
  lock_switch(&held, NULL);
  b->n = b->ngroups = 0;
}

/* g's index in the batch, which is interned first if it holds
 * BATCH_GROUPS other groups. */
static uint8_t batch_group(struct batch *b, struct mgroup *g) {
  for (uint32_t k = b->ngroups; k-- > 0;)
    if (b->gs[k] == g)
      return (uint8_t)k;
  if (b->ngroups == BATCH_GROUPS)
    intern_batch(b);
  b->gs[b->ngroups] = g;
  return (uint8_t)b->ngroups++;
}

/* Splits sections ws[from, to) into pieces and interns them, a batch at
 * a time. */
static void split(const struct work *ws, size_t from, size_t to) {
  static __thread struct reuse_buf batch_buf;
  struct batch *b = reuse_buf(&batch_buf, 1, sizeof(struct batch));
  b->n = b->ngroups = 0;
  for (size_t s = from; s < to; s++) {
    const struct work *w = &ws[s];
    struct isec *isec = w->isec;
    uint64_t size = isec->size;
    uint32_t count = 0;
    for (uint64_t off = 0; off < size; off += piece_len(isec, off))
      count++;
    uint8_t shift;
    uint32_t *offs = xalloc((count + piece_index_size(size, count, &shift)) * sizeof(uint32_t));
    struct frag **frags = xalloc(count * sizeof(struct frag *));
    uint8_t gid = batch_group(b, w->g);
    for (uint32_t i = 0, off = 0; i < count; i++) {
      if (b->n == BATCH) {
        intern_batch(b);
        gid = batch_group(b, w->g);
      }
      uint32_t len = (uint32_t)piece_len(isec, off), k = b->n++;
      offs[i] = off;
      b->gid[k] = gid;
      b->src[k] = isec->data + off;
      b->len[k] = len;
      b->hash[k] = XXH3_64bits(b->src[k], len);
      b->key[k] = (uint64_t)s << 32 | off;
      b->dst[k] = &frags[i];
      off += len;
    }
    struct pieces *pc = xalloc(sizeof(*pc));
    *pc = (struct pieces){.offs = offs, .frags = frags, .merged = w->g->out, .n = count};
    index_pieces(pc, size);
    isec->pieces = pc;
  }
  if (b->n)
    intern_batch(b);
}

/* Sections are split in spans of consecutive ones, ws[at[i], at[i + 1]),
 * each closed by the section that brings it to SPAN_BYTES. */
struct split_job {
  const struct work *ws;
  const size_t *at;
};

static void split_span(void *arg, int64_t i) {
  const struct split_job *j = arg;
  split(j->ws, j->at[i], j->at[i + 1]);
}

/* ---- placing the fragments ----
 * A group's fragments go out in the order of their owners (command-line
 * order of the section, then offset in it): gathered from the shards,
 * radix-sorted by owner, given offsets by a running sum, and copied in
 * parallel slices. That touches each fragment a few times rather than
 * every piece that refers to one (a -g link's .debug_str has 765k pieces
 * and 100k distinct strings). */
void radix_sort_fkeys(struct fkey *a, struct fkey *tmp, size_t n) {
  enum { BITS = 11, MAX_DIGITS = (64 + BITS - 1) / BITS };
  uint64_t any = 0;
  for (size_t i = 0; i < n; i++)
    any |= a[i].key;
  /* only the digits the widest key has, every one's histogram in one read
   * of the keys: a -g link's .debug_str owners (31 bits, 138k fragments)
   * sort in 1.3 ms instead of 2.1 with a read per digit up to 64 bits */
  int bits = any ? 64 - __builtin_clzll(any) : 0, ndigits = (bits + BITS - 1) / BITS;
  const uint64_t mask = (1u << BITS) - 1;
  uint32_t count[MAX_DIGITS][1u << BITS]; /* 48 KiB of stack */
  memset(count, 0, sizeof(count[0]) * (size_t)ndigits);
  for (size_t i = 0; i < n; i++)
    for (int d = 0; d < ndigits; d++)
      count[d][(a[i].key >> (d * BITS)) & mask]++;
  struct fkey *src = a, *dst = tmp;
  for (int d = 0; d < ndigits && n > 1; d++) {
    int shift = d * BITS;
    uint32_t *c = count[d];
    if (c[(src[0].key >> shift) & mask] == n)
      continue; /* one bucket: this digit is the same everywhere */
    uint32_t pos = 0;
    for (uint64_t b = 0; b <= mask; b++) {
      uint32_t k = c[b];
      c[b] = pos;
      pos += k;
    }
    for (size_t i = 0; i < n; i++)
      dst[c[(src[i].key >> shift) & mask]++] = src[i];
    struct fkey *t = src;
    src = dst, dst = t;
  }
  if (src != a)
    memcpy(a, src, n * sizeof(*a));
}

void pack_owners(struct fkey *a, size_t n) {
  uint64_t offs = 0;
  for (size_t k = 0; k < n; k++)
    offs |= (uint32_t)a[k].key;
  int b = offs ? 64 - __builtin_clzll(offs) : 0;
  for (size_t k = 0; k < n && b < 32; k++)
    a[k].key = (a[k].key >> 32) << b | (uint32_t)a[k].key;
}

struct placement {
  struct mgroup **gs;
  struct fkey **keys; /* per group */
  size_t *nkeys;
};

struct gather_job {
  struct placement *p;
  size_t group;
  int shard;
  size_t at; /* where the shard's fragments go in the group's keys */
};

static void gather_shard(void *arg, int64_t i) {
  struct gather_job *j = &((struct gather_job *)arg)[i];
  const struct fshard *sh = &j->p->gs[j->group]->shards[j->shard];
  struct fkey *out = j->p->keys[j->group] + j->at;
  const struct fslot *slots = slots_of(sh);
  for (size_t k = 0, cap = cap_of(sh); k < cap; k++) {
    struct frag *f = slots[k].frag;
    if (f)
      *out++ = (struct fkey){atomic_load_explicit(&f->owner, memory_order_relaxed), f};
  }
}

static void sort_group(void *arg, int64_t i) {
  struct placement *p = arg;
  struct mgroup *g = p->gs[i];
  struct fkey *keys = p->keys[i];
  size_t n = p->nkeys[i];
  pack_owners(keys, n);
  struct fkey *tmp = xrealloc(NULL, (n ? n : 1) * sizeof(*tmp));
  radix_sort_fkeys(keys, tmp, n);
  xfree(tmp);
  uint64_t off = 0;
  for (size_t k = 0; k < n; k++) {
    keys[k].key = off;
    off += ALIGN_UP(keys[k].f->len, g->align);
  }
  g->out->size = off;
}

enum { PLACE_SLICE = 4096 };

struct place_job {
  struct mgroup *g;
  struct fkey *keys;
  size_t n;
};

static void place_slice(void *arg, int64_t i) {
  struct place_job *j = &((struct place_job *)arg)[i];
  uint8_t *buf = (uint8_t *)j->g->out->data;
  for (size_t k = 0; k < j->n; k++) {
    struct frag *f = j->keys[k].f;
    f->out_off = j->keys[k].key;
    memcpy(buf + f->out_off, frag_data(f), f->len);
  }
}

static void place_fragments(void) {
  size_t ng = groups.n, njobs = 0, nslices = 0;
  struct placement p = {(struct mgroup **)groups.v, xcalloc(ng, sizeof(struct fkey *)),
                        xcalloc(ng, sizeof(size_t))};
  struct gather_job *gj = xcalloc(ng * NSHARDS, sizeof(*gj));
  for (size_t i = 0; i < ng; i++) {
    size_t at = 0;
    for (int s = 0; s < NSHARDS; s++) {
      gj[njobs++] = (struct gather_job){&p, i, s, at};
      at += p.gs[i]->shards[s].n;
    }
    p.nkeys[i] = at;
    p.keys[i] = xrealloc(NULL, (at ? at : 1) * sizeof(struct fkey));
    nslices += (at + PLACE_SLICE - 1) / PLACE_SLICE;
  }
  parallel_for((int64_t)njobs, gather_shard, gj);
  parallel_for((int64_t)ng, sort_group, &p);
  struct place_job *pj = xcalloc(nslices ? nslices : 1, sizeof(*pj));
  nslices = 0;
  for (size_t i = 0; i < ng; i++) {
    struct mgroup *g = p.gs[i];
    g->out->data = xcalloc(1, g->out->size ? g->out->size : 1);
    for (size_t k = 0; k < p.nkeys[i]; k += PLACE_SLICE)
      pj[nslices++] = (struct place_job){g, p.keys[i] + k,
                                         p.nkeys[i] - k < PLACE_SLICE ? p.nkeys[i] - k : PLACE_SLICE};
  }
  parallel_for((int64_t)nslices, place_slice, pj);
  for (size_t i = 0; i < ng; i++)
    xfree(p.keys[i]);
  xfree(pj);
  xfree(gj);
  xfree(p.keys);
  xfree(p.nkeys);
}

/* Each piece's output offset, next to its input offset: relocations read
 * both without touching the fragments. */
static void note_offsets(void *arg, int64_t i) {
  struct work *w = &((struct work *)arg)[i];
  if (w->g->out->size >> 32)
    return; /* stays NULL: the fragments are read instead */
  struct pieces *pc = w->isec->pieces;
  uint32_t *outs = xalloc(pc->n * sizeof(uint32_t));
  struct frag **frags = pc->frags;
  for (uint32_t k = 0, n = pc->n; k < n; k++) {
    if (k + PREFETCH_AHEAD < n)
      __builtin_prefetch(&frags[k + PREFETCH_AHEAD]->out_off);
    outs[k] = (uint32_t)frags[k]->out_off;
  }
  pc->outs = outs;
}

/* A file's mergeable sections, their groups and sizes, found in parallel
 * (a -fdata-sections link has hundreds of thousands of sections to look
 * at): the serial pass then only numbers the files, lists the groups and
 * cuts the spans, and the files fill their own stretches of the work array
 * in parallel. */
struct cands {
  struct isec **isecs;
  struct mgroup **groups;
  uint64_t *sizes;
  uint32_t n;
  uint64_t ord; /* its first section's place in the work array */
};

static void find_mergeable(void *arg, int64_t i) {
  struct objfile *f = ctx.live.v[i];
  struct cands *c = &((struct cands *)arg)[i];
  struct mgroup *last = NULL;
  for (size_t k = 0; k < f->merge_cands.n; k++) {
    struct isec *isec = f->merge_cands.v[k];
    if (!isec->alive || !mergeable(isec))
      continue;
    if (!c->isecs) { /* on the heap: freed once the work is filled in */
      size_t n = f->merge_cands.n;
      c->isecs = xrealloc(NULL, n * sizeof(*c->isecs));
      c->groups = xrealloc(NULL, n * sizeof(*c->groups));
      c->sizes = xrealloc(NULL, n * sizeof(*c->sizes));
    }
    const char *name = output_section_name(isec);
    /* neighbours mostly share a group */
    struct mgroup *g = last && in_group(last, isec, name) ? last : group_for(isec, name);
    c->isecs[c->n] = isec;
    c->groups[c->n] = g;
    c->sizes[c->n++] = isec->size;
    last = g;
  }
}

struct fill_job {
  struct cands *cands;
  struct work *ws;
};

static void fill_work(void *arg, int64_t i) {
  const struct fill_job *j = arg;
  struct cands *c = &j->cands[i];
  for (uint32_t k = 0; k < c->n; k++)
    j->ws[c->ord + k] = (struct work){c->groups[k], c->isecs[k]};
  xfree(c->isecs), xfree(c->groups), xfree(c->sizes);
}

/* Shard i % NSHARDS of group i / NSHARDS, sized for its share of the
 * group's input: a slot per 32 bytes in (a table grows when needed, under
 * its lock, into fresh memory, while the other threads wait for the shard).
 * On synth-medium a -g .debug_str holds a distinct string per ~50 bytes in,
 * and with a slot per 64 bytes the tables grew 128 times, 4-5 ms of one
 * thread's time; with 32, 64 times, and merge at 2 threads takes 1.1-1.5 ms
 * less (medians of 11), for the same peak RSS. */
static void init_fshard(void *unused, int64_t i) {
  struct mgroup *g = groups.v[i / NSHARDS];
  struct fshard *sh = &g->shards[i % NSHARDS];
  size_t cap = 64;
  while (cap < g->total_in / 32 / NSHARDS)
    cap *= 2;
  pthread_mutex_init(&sh->mu, NULL);
  atomic_init(&sh->slots, xcalloc(cap, sizeof(struct fslot)));
  atomic_init(&sh->cap, cap);
}

void merge_sections(void) {
  struct cands *cands = xcalloc(ctx.live.n ? ctx.live.n : 1, sizeof(*cands));
  parallel_for((int64_t)ctx.live.n, find_mergeable, cands);
  size_t total = 0;
  for (size_t i = 0; i < ctx.live.n; i++)
    total += cands[i].n;
  if (!total) {
    xfree(cands);
    return;
  }
  /* where spans start, each at a section of its own, and where the last ends */
  size_t *at = xrealloc(NULL, (total + 1) * sizeof(size_t));
  size_t nwork = 0, nspans = 0;
  uint64_t bytes = SPAN_BYTES; /* in the span open */
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct cands *c = &cands[i];
    c->ord = nwork;
    struct mgroup *last = NULL;
    for (uint32_t k = 0; k < c->n; k++) {
      struct mgroup *g = c->groups[k];
      if (g != last && !g->listed) {
        g->listed = true;
        vec_push(&groups, g);
      }
      g->total_in += c->sizes[k];
      last = g;
      if (bytes >= SPAN_BYTES)
        at[nspans++] = nwork + k, bytes = 0;
      bytes += c->sizes[k];
    }
    nwork += c->n;
  }
  at[nspans] = nwork;
  struct work *ws = xrealloc(NULL, nwork * sizeof(struct work));
  parallel_for((int64_t)ctx.live.n, fill_work, &(struct fill_job){cands, ws});
  xfree(cands);
  parallel_for((int64_t)(groups.n * NSHARDS), init_fshard, NULL);
  for (size_t i = 0; i < groups.n; i++) {
    struct mgroup *g = groups.v[i];
    struct isec *out = linker_isec(g->name, g->type, g->flags, 0, g->align);
    out->entsize = g->entsize;
    g->out = out;
    vec_push(&ctx.merged, out);
  }

  parallel_for((int64_t)nspans, split_span, &(struct split_job){ws, at});
  xfree(at);
  place_fragments();
  parallel_for((int64_t)nwork, note_offsets, ws);
  if (ctx.opt.print_stats)
    for (size_t i = 0; i < groups.n; i++) {
      struct mgroup *g = groups.v[i];
      note("merge %-16s entsize %llu: %llu bytes in, %llu out", g->name,
           (unsigned long long)g->entsize, (unsigned long long)g->total_in,
           (unsigned long long)g->out->size);
    }
  xfree(ws);
}

/* The bucket index behind offs: entry b is the piece holding input offset
 * b << shift, so a lookup searches only between two neighbouring entries
 * instead of all pieces (a .debug_str of a few hundred strings is looked up
 * once per reference to it). Buckets are about as many as pieces; a section
 * of few pieces has none. Returns the number of entries. */
uint32_t piece_index_size(uint64_t size, uint32_t npieces, uint8_t *shift) {
  *shift = 0;
  if (npieces < 16)
    return 0;
  while ((size >> *shift) > npieces)
    ++*shift;
  return (uint32_t)(size >> *shift) + 1;
}

void index_pieces(struct pieces *p, uint64_t size) {
  uint32_t n = p->n, nb = piece_index_size(size, n, &p->shift);
  p->hint = nb != 0;
  uint32_t *hint = p->offs + n;
  for (uint32_t b = 0, j = 0; b < nb; b++) {
    uint64_t at = (uint64_t)b << p->shift;
    while (j + 1 < n && p->offs[j + 1] <= at)
      j++;
    hint[b] = j;
  }
}

uint32_t find_piece(const struct isec *isec, uint64_t off) {
  const struct pieces *p = isec->pieces;
  const uint32_t *a = p->offs;
  uint32_t n = p->n, base = 0;
  if (p->hint) {
    /* the answer lies between the pieces holding the bucket's first byte
     * and the next bucket's */
    const uint32_t *hint = a + n;
    uint64_t nb = (isec->size >> p->shift) + 1, b = off >> p->shift;
    if (b >= nb)
      b = nb - 1;
    base = hint[b];
    n = (b + 1 < nb ? hint[b + 1] : p->n - 1) - base + 1;
  }
  while (n > 1) { /* branch-free: the last piece starting at or before off */
    uint32_t half = n / 2;
    base = a[base + half] <= off ? base + half : base;
    n -= half;
  }
  return base;
}

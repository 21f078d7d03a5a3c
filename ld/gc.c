/* --gc-sections: keep only the allocated sections reachable by relocations
 * from the roots: the entry point, -u symbols, init/fini arrays, .init/.fini,
 * .ctors/.dtors, notes, SHF_GNU_RETAIN sections and sections whose name is a
 * C identifier (reachable through __start_/__stop_). .eh_frame is not a root:
 * an FDE keeps its LSDA and personality alive only when its function is
 * live, and FDEs of dead functions are dropped later (ld/ehframe.c).
 * Non-alloc sections (debug info) are kept and do not keep anything alive.
 * Marking is breadth-first with a parallel loop per level; the resulting
 * set does not depend on thread timing. Runs after resolve. */
#include "ld/ld.h"

static bool is_c_ident(const char *s) {
  if (!*s)
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_'))
      return false;
  return true;
}

static bool is_root(const struct isec *isec) {
  const char *n = isec->name;
  if (isec->type == SHT_INIT_ARRAY || isec->type == SHT_FINI_ARRAY ||
      isec->type == SHT_PREINIT_ARRAY || isec->type == SHT_NOTE ||
      (isec->flags & SHF_GNU_RETAIN))
    return true;
  if (!strcmp(n, ".init") || !strcmp(n, ".fini") || !strncmp(n, ".ctors", 6) ||
      !strncmp(n, ".dtors", 6) || !strncmp(n, ".init_array", 11) ||
      !strncmp(n, ".fini_array", 11) || !strncmp(n, ".preinit_array", 14))
    return true;
  return is_c_ident(n);
}

static bool is_eh_frame(const struct isec *isec) { return isec->is_ehframe; }

static bool mark(struct isec *isec, struct vec *out) {
  if (!isec || !isec->alive || !(isec->flags & SHF_ALLOC) || is_eh_frame(isec))
    return false;
  bool expected = false;
  if (!atomic_compare_exchange_strong(&isec->gc_mark, &expected, true))
    return false;
  vec_push(out, isec);
  return true;
}

static struct isec *target_of(struct objfile *f, uint32_t symidx) {
  if (symidx >= f->nsyms)
    return NULL;
  struct symbol *sym = f->syms[symidx];
  return sym->kind == SYM_DEFINED ? sym->isec : NULL;
}

struct level {
  struct isec **items;
  struct vec *next; /* one per item */
};

static void visit(void *arg, int64_t i) {
  struct level *l = arg;
  struct isec *isec = l->items[i];
  uint32_t n = isec_nrels(isec);
  for (uint32_t k = 0; k < n; k++) {
    struct rel r;
    prefetch_rel(isec, k, n);
    get_rel(isec, k, &r);
    mark(target_of(isec->file, r.sym), &l->next[i]);
  }
}

static void propagate(struct vec *frontier) {
  while (frontier->n) {
    struct level l = {(struct isec **)frontier->v, xcalloc(frontier->n, sizeof(struct vec))};
    parallel_for((int64_t)frontier->n, visit, &l);
    struct vec next = {0};
    for (size_t i = 0; i < frontier->n; i++) {
      for (size_t k = 0; k < l.next[i].n; k++)
        vec_push(&next, l.next[i].v[k]);
      xfree(l.next[i].v);
    }
    xfree(l.next);
    xfree(frontier->v);
    *frontier = next;
  }
}

/* FDEs whose function is live keep their other references (LSDA) alive;
 * CIEs keep their personality routines. */
struct eh_job {
  struct vec *out; /* one per live file */
  atomic_bool changed;
};

static void mark_from_eh_frames_of(void *arg, int64_t fi) {
  struct eh_job *job = arg;
  struct objfile *f = ctx.live.v[fi];
  bool changed = false;
  for (uint32_t s = 1; s < f->nsecs; s++) {
    struct isec *eh = f->secs[s];
    if (!eh || !eh->alive || !is_eh_frame(eh) || !eh->data)
      continue;
    uint32_t n = isec_nrels(eh), k = 0;
    for (uint64_t off = 0; off + 8 <= eh->size;) {
      uint64_t len = rd32(eh->data + off);
      if (len == 0 || len == 0xffffffff || len > eh->size - off - 4)
        break;
      uint64_t end = off + 4 + len;
      bool cie = rd32(eh->data + off + 4) == 0;
      bool live = cie;
      for (; k < n; k++) {
        struct rel r;
        get_rel(eh, k, &r);
        if (r.offset < off)
          continue;
        if (r.offset >= end)
          break;
        struct isec *t = target_of(f, r.sym);
        if (!cie && r.offset == off + 8) {
          live = t && atomic_load(&t->gc_mark);
          continue;
        }
        if (live)
          changed |= mark(t, &job->out[fi]);
      }
      off = end;
    }
  }
  if (changed)
    atomic_store(&job->changed, true);
}

/* Runs fn over the live files, each adding to its own list, and appends
 * the lists to out in file order. */
static void per_file(void (*fn)(void *, int64_t), struct eh_job *job, struct vec *out) {
  job->out = xcalloc(ctx.live.n ? ctx.live.n : 1, sizeof(struct vec));
  parallel_for((int64_t)ctx.live.n, fn, job);
  for (size_t i = 0; i < ctx.live.n; i++) {
    for (size_t k = 0; k < job->out[i].n; k++)
      vec_push(out, job->out[i].v[k]);
    xfree(job->out[i].v);
  }
  xfree(job->out);
}

static bool mark_from_eh_frames(struct vec *out) {
  struct eh_job job = {0};
  per_file(mark_from_eh_frames_of, &job, out);
  return atomic_load(&job.changed);
}

static void mark_roots_of(void *arg, int64_t i) {
  struct eh_job *job = arg;
  struct objfile *f = ctx.live.v[i];
  for (uint32_t k = 1; k < f->nsecs; k++)
    if (f->secs[k] && is_root(f->secs[k]))
      mark(f->secs[k], &job->out[i]);
}

static void sweep(void *arg, int64_t i) {
  struct objfile *f = ctx.live.v[i];
  for (uint32_t k = 1; k < f->nsecs; k++) {
    struct isec *isec = f->secs[k];
    if (isec && isec->alive && (isec->flags & SHF_ALLOC) && !is_eh_frame(isec) &&
        !atomic_load(&isec->gc_mark))
      isec->alive = false;
  }
}

static void mark_symbol(const char *name, struct vec *out) {
  struct symbol *sym = symmap_find(name);
  if (sym && sym->kind == SYM_DEFINED)
    mark(sym->isec, out);
}

void gc_sections(void) {
  if (!ctx.opt.gc_sections)
    return;
  struct vec frontier = {0};
  struct eh_job roots = {0};
  per_file(mark_roots_of, &roots, &frontier);
  mark_symbol(ctx.opt.entry ? ctx.opt.entry : "_start", &frontier);
  for (size_t i = 0; i < ctx.opt.undefined.n; i++)
    mark_symbol(ctx.opt.undefined.v[i], &frontier);
  for (size_t i = 0; i < ctx.opt.defsyms.n; i++) {
    const struct defsym *d = ctx.opt.defsyms.v[i];
    if (d->target)
      mark_symbol(d->target, &frontier);
  }
  do
    propagate(&frontier);
  while (mark_from_eh_frames(&frontier));

  if (ctx.opt.print_gc_sections)
    for (size_t i = 0; i < ctx.live.n; i++) {
      struct objfile *f = ctx.live.v[i];
      for (uint32_t k = 1; k < f->nsecs; k++) {
        struct isec *isec = f->secs[k];
        if (isec && isec->alive && (isec->flags & SHF_ALLOC) && !is_eh_frame(isec) &&
            !atomic_load(&isec->gc_mark))
          note("removing unused section %s:(%s)", f->name, isec->name);
      }
    }
  parallel_for((int64_t)ctx.live.n, sweep, NULL);
}

/* --gc-sections: keep only the allocated sections reachable by relocations
 * from the roots: the entry point, -u symbols, init/fini arrays, .init/.fini,
 * .ctors/.dtors, notes, SHF_GNU_RETAIN sections and sections whose name is a
 * C identifier (reachable through __start_/__stop_; not under -z
 * start-stop-gc, as GNU ld 2.37 and lld read it). .eh_frame is not a root:
 * an FDE keeps its LSDA and personality alive only when its function is
 * live, and FDEs of dead functions are dropped later (ld/ehframe.c).
 * Non-alloc sections (debug info) are kept and do not keep anything alive.
 * Marking is breadth-first with a parallel loop per level; the resulting
 * set does not depend on thread timing. Runs after resolve. */
#include "ld/ld.h"
#include <fnmatch.h>
#include <stdlib.h>

static bool is_c_ident(const char *s) {
  if (!*s)
    return false;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_'))
      return false;
  return true;
}

/* Why a section is a root (--why-live says it), or NULL if it is not. */
static const char *root_reason(const struct isec *isec) {
  const char *n = isec->name;
  if (isec->flags & SHF_GNU_RETAIN)
    return "SHF_GNU_RETAIN";
  if (isec->type == SHT_INIT_ARRAY || isec->type == SHT_FINI_ARRAY ||
      isec->type == SHT_PREINIT_ARRAY || isec->type == SHT_NOTE)
    return "constructors, notes or .init/.fini";
  if (!strcmp(n, ".init") || !strcmp(n, ".fini") || !strncmp(n, ".ctors", 6) ||
      !strncmp(n, ".dtors", 6) || !strncmp(n, ".init_array", 11) ||
      !strncmp(n, ".fini_array", 11) || !strncmp(n, ".preinit_array", 14))
    return "constructors, notes or .init/.fini";
  return is_c_ident(n) && !ctx.opt.start_stop_gc ? "a C identifier name (__start_, __stop_)"
                                                 : NULL;
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

/* The references of f's .eh_frame sections, record by record: fn(arg,
 * kind, target, rel) with kind EH_CIE (a CIE's: its personality routine),
 * EH_FUNCTION (an FDE's pc_begin: the function it describes) or EH_OTHER
 * (the rest of that FDE's, after its EH_FUNCTION: its LSDA). */
enum { EH_CIE, EH_FUNCTION, EH_OTHER };
typedef void eh_ref_fn(void *arg, int kind, struct isec *t, const struct rel *r);

static void each_eh_ref(struct objfile *f, eh_ref_fn *fn, void *arg) {
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
      bool cie = rd32(eh->data + off + 4) == 0, has_fn = false;
      for (; k < n; k++) {
        struct rel r;
        get_rel(eh, k, &r);
        if (r.offset < off)
          continue;
        if (r.offset >= end)
          break;
        struct isec *t = target_of(f, r.sym);
        if (cie)
          fn(arg, EH_CIE, t, &r);
        else if (r.offset == off + 8)
          fn(arg, EH_FUNCTION, t, &r), has_fn = true;
        else if (has_fn)
          fn(arg, EH_OTHER, t, &r);
      }
      off = end;
    }
  }
}

struct eh_mark {
  struct vec *out;
  bool live; /* the function of the FDE at hand */
  bool changed;
};

static void mark_eh_ref(void *arg, int kind, struct isec *t, const struct rel *r) {
  struct eh_mark *m = arg;
  if (kind == EH_FUNCTION)
    m->live = t && atomic_load(&t->gc_mark);
  else if (kind == EH_CIE || m->live)
    m->changed |= mark(t, m->out);
}

static void mark_from_eh_frames_of(void *arg, int64_t fi) {
  struct eh_job *job = arg;
  struct eh_mark m = {.out = &job->out[fi]};
  each_eh_ref(ctx.live.v[fi], mark_eh_ref, &m);
  if (m.changed)
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
    if (f->secs[k] && root_reason(f->secs[k]))
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

static void mark_root_symbol(void *out, const char *name, int kind, const struct defsym *d) {
  struct symbol *sym = symmap_find(name);
  if (sym && sym->kind == SYM_DEFINED)
    mark(sym->isec, out);
}

/* ---- --why-live=GLOB: for each live symbol the glob matches, a chain of
 * references from a root to it, as lld prints it. The marking above runs
 * in parallel and keeps no parents; this walks the live sections again,
 * breadth-first on one thread from the roots in a fixed order (the entry
 * point, -u symbols, --defsym targets, then root sections in file order),
 * so the chain printed is the same on every run. */

struct edge {
  struct isec *to;   /* the key */
  struct isec *from; /* NULL: a root, and why */
  const char *root;
  struct rel rel;    /* that reached to: of from, or of the FDE of from's function */
  struct objfile *relfile; /* whose symbol rel names */
  bool fde;
};

struct walk {
  struct edge *e; /* open addressing over the live sections */
  uint64_t mask;
  struct vec queue;
  size_t head;
};

static struct edge *edge_of(const struct walk *w, const struct isec *isec) {
  return &w->e[ptr_slot(w->e, sizeof(struct edge), w->mask, isec)];
}

static bool is_live(const struct isec *isec) {
  return isec && isec->alive && (isec->flags & SHF_ALLOC) && atomic_load(&isec->gc_mark);
}

/* isec reached, first: from a root (from NULL), or by rel of from's, or
 * of the FDE of from's function (fde) */
static void reach(struct walk *w, struct isec *isec, struct isec *from, const char *root,
                  const struct rel *rel, struct objfile *relfile, bool fde) {
  if (!is_live(isec))
    return;
  struct edge *e = edge_of(w, isec);
  if (e->to)
    return;
  *e = (struct edge){.to = isec, .from = from, .root = root, .relfile = relfile, .fde = fde};
  if (rel)
    e->rel = *rel;
  vec_push(&w->queue, isec);
}

static void reach_root_symbol(void *arg, const char *name, int kind, const struct defsym *d) {
  struct symbol *sym = symmap_find(name);
  if (!sym || sym->kind != SYM_DEFINED)
    return;
  const char *why = kind == ROOT_ENTRY     ? xsprintf("the entry point, %s", name)
                    : kind == ROOT_DEFSYM ? xsprintf("--defsym %s=%s", d->name, name)
                                          : xsprintf("-u %s", name);
  reach(arg, sym->isec, NULL, why, NULL, NULL, false);
}

static void walk_queue(struct walk *w) {
  for (; w->head < w->queue.n; w->head++) {
    struct isec *isec = w->queue.v[w->head];
    for (uint32_t k = 0, n = isec_nrels(isec); k < n; k++) {
      struct rel r;
      get_rel(isec, k, &r);
      reach(w, target_of(isec->file, r.sym), isec, NULL, &r, isec->file, false);
    }
  }
}

/* An FDE of a reached function reaches what it refers to (its LSDA), from
 * the function's section; a CIE's personality routine is a root. */
struct eh_walk {
  struct walk *w;
  struct objfile *f;
  struct isec *fn; /* the function of the FDE at hand, if reached */
};

static void walk_eh_ref(void *arg, int kind, struct isec *t, const struct rel *r) {
  struct eh_walk *ew = arg;
  if (kind == EH_CIE && is_live(t) && !edge_of(ew->w, t)->to)
    reach(ew->w, t, NULL, xsprintf("a CIE in %s:(.eh_frame) refers to it", ew->f->name), NULL,
          NULL, false);
  else if (kind == EH_FUNCTION)
    ew->fn = t && edge_of(ew->w, t)->to ? t : NULL;
  else if (kind == EH_OTHER && ew->fn)
    reach(ew->w, t, ew->fn, NULL, r, ew->f, true);
}

/* true if it reached anything */
static bool walk_eh_frames(struct walk *w) {
  size_t before = w->queue.n;
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct eh_walk ew = {w, ctx.live.v[i], NULL};
    each_eh_ref(ew.f, walk_eh_ref, &ew);
  }
  return w->queue.n > before;
}

/* The symbol of isec's file whose extent holds offset off (a global before
 * a local), else the nearest one before off without a size (assembly
 * labels such as _start), or NULL. */
static struct symbol *covering(struct isec *isec, uint64_t off) {
  struct objfile *f = isec->file;
  struct symbol *best = NULL, *label = NULL;
  for (uint32_t k = 1; k < f->nsyms; k++) {
    struct symbol *sym = f->syms[k];
    if (!sym || sym->isec != isec || sym->kind != SYM_DEFINED || sym->type == STT_SECTION ||
        (k >= f->first_global && sym->file != f) || !sym->name || !*sym->name ||
        sym->value > off)
      continue;
    if (sym->size && off - sym->value < sym->size) {
      if (!best || (best->is_local && !sym->is_local))
        best = sym;
    } else if (!sym->size && (!label || sym->value > label->value ||
                              (sym->value == label->value && label->is_local && !sym->is_local))) {
      label = sym;
    }
  }
  return best ? best : label;
}

static void print_chain(struct walk *w, struct symbol *sym) {
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  if (!out)
    fatal("--why-live: out of memory");
  fprintf(out, "live symbol: %s", sym->name);
  const struct symbol *cur = sym;
  struct isec *isec = sym->isec;
  for (;;) { /* each section is reached once, from one before it: the chain ends */
    struct edge *e = edge_of(w, isec);
    if (!e->to) { /* not reached from the roots: cannot be, but said, not followed */
      fprintf(out, "\n>>> %s:(%s): no chain found", isec->file->name, isec->name);
      break;
    }
    if (!e->from) {
      fprintf(out, "\n>>> %s:(%s) is a root: %s", isec->file->name, isec->name, e->root);
      break;
    }
    /* the symbol the reference names, then where the reference is */
    struct objfile *rf = e->relfile;
    const struct symbol *to = e->rel.sym < rf->nsyms ? rf->syms[e->rel.sym] : NULL;
    if (to && to->is_local && to->type == STT_SECTION)
      to = NULL; /* a reference to the section itself */
    if (to != cur && cur)
      fprintf(out, "\n>>> kept alive by %s:(%s)", isec->file->name, isec->name);
    if (to && to != cur)
      fprintf(out, "\n>>> kept alive by %s", to->name);
    struct symbol *at = covering(e->from, e->fde ? 0 : e->rel.offset);
    if (e->fde)
      fprintf(out, "\n>>> kept alive by the .eh_frame entry of %s",
              at ? at->name : e->from->name);
    if (at)
      fprintf(out, "\n>>> kept alive by %s", at->name);
    else
      fprintf(out, "\n>>> kept alive by %s:(%s+0x%llx)", e->from->file->name, e->from->name,
              (unsigned long long)e->rel.offset);
    cur = at;
    isec = e->from;
  }
  fclose(out);
  note("%s", text);
  free(text);
}

static bool why_live_matches(const char *name) {
  for (size_t i = 0; i < ctx.opt.why_live.n; i++)
    if (!fnmatch(ctx.opt.why_live.v[i], name, 0))
      return true;
  return false;
}

static void report_why_live(void) {
  if (!ctx.opt.why_live.n)
    return;
  size_t nlive = 0;
  for (size_t i = 0; i < ctx.live.n; i++)
    nlive += ((struct objfile *)ctx.live.v[i])->nsecs;
  uint64_t slots = table_slots(nlive);
  struct walk w = {.e = xcalloc(slots, sizeof(struct edge)), .mask = slots - 1};
  each_root_symbol(reach_root_symbol, &w);
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (uint32_t k = 1; k < f->nsecs; k++) {
      const char *why = f->secs[k] ? root_reason(f->secs[k]) : NULL;
      if (why)
        reach(&w, f->secs[k], NULL, why, NULL, NULL, false);
    }
  }
  do
    walk_queue(&w);
  while (walk_eh_frames(&w));

  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (uint32_t k = 1; k < f->nsyms; k++) {
      struct symbol *sym = f->syms[k];
      if (!sym || sym->kind != SYM_DEFINED || sym->type == STT_SECTION ||
          sym->type == STT_FILE || (k >= f->first_global && (sym->file != f || sym->esym != k)) ||
          !sym->name || !*sym->name || !is_live(sym->isec) || !why_live_matches(sym->name))
        continue;
      print_chain(&w, sym);
    }
  }
  xfree(w.e);
  xfree(w.queue.v);
}

void gc_sections(void) {
  if (!ctx.opt.gc_sections) {
    if (ctx.opt.why_live.n)
      warn("--why-live without --gc-sections: every section is kept");
    return;
  }
  struct vec frontier = {0};
  struct eh_job roots = {0};
  per_file(mark_roots_of, &roots, &frontier);
  each_root_symbol(mark_root_symbol, &frontier);
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
  report_why_live();
  parallel_for((int64_t)ctx.live.n, sweep, NULL);
}

/* Scan relocations: per live alloc section, in parallel, the arch decides
 * which symbols need GOT or TLS slots and which accesses it will relax; it
 * only sets atomic flags here. Undefined references are collected per file
 * and reported afterwards in command-line order, all of them in one run.
 * GOT slots are then numbered in command-line order, so the layout does not
 * depend on thread timing. Follows resolve and create_output_sections. */
#include "ld/ld.h"
#include <fnmatch.h>

void mark_sym(struct symbol *sym, unsigned flag) {
  if ((atomic_load_explicit(&sym->flags, memory_order_relaxed) & flag) != flag)
    atomic_fetch_or(&sym->flags, flag);
}

bool sym_is_defined(const struct symbol *sym) { return sym->file && sym->kind != SYM_UNDEF; }

void record_undef(struct isec *isec, const struct rel *r, struct symbol *sym) {
  if (sym_is_defined(sym) || sym->is_local || !(atomic_load(&sym->flags) & REF_STRONG))
    return;
  struct undef_ref *u = xalloc(sizeof(*u));
  u->sym = sym;
  u->isec = isec;
  u->offset = r->offset;
  vec_push(&isec->file->undefs, u);
}

const char *sym_display(const struct symbol *sym) {
  if (sym->is_local && sym->type == STT_SECTION && sym->isec)
    return sym->isec->name;
  return sym->name;
}

static void scan_file(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  for (uint32_t k = 1; k < f->nsecs; k++) {
    struct isec *isec = f->secs[k];
    if (isec && isec->alive && (isec->flags & SHF_ALLOC) && isec->relsec) {
      ctx.arch->scan_relocs(isec);
      if (ctx.opt.pie)
        scan_pie_relocs(isec);
    }
  }
}

/* --ignore-unresolved-symbol names name (a few names, looked up once per
 * undefined symbol) */
static bool ignored_undefined(const char *name) {
  for (size_t i = 0; i < ctx.opt.ignore_unresolved.n; i++)
    if (!strcmp(ctx.opt.ignore_unresolved.v[i], name))
      return true;
  return false;
}

/* Undefined symbols, all with their first references; under
 * --warn-unresolved-symbols as warnings, under --unresolved-symbols=ignore-all
 * not at all (they are 0 then, as a weak undefined symbol is), nor those
 * --ignore-unresolved-symbol names. */
static void report_undefined(void) {
  if (ctx.opt.unresolved == UNRESOLVED_IGNORE)
    return;
  /* Group references by symbol, in order of first reference. */
  struct vec order = {0};
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (size_t j = 0; j < f->undefs.n; j++) {
      struct undef_ref *u = f->undefs.v[j];
      if (!u->sym->referenced) {
        u->sym->referenced = true;
        vec_push(&order, u->sym);
      }
    }
  }
  for (size_t s = 0; s < order.n; s++) {
    struct symbol *sym = order.v[s];
    if (ignored_undefined(sym->name))
      continue;
    char *msg = xsprintf("undefined symbol: %s", sym->name);
    size_t count = 0;
    for (size_t i = 0; i < ctx.live.n; i++) {
      struct objfile *f = ctx.live.v[i];
      for (size_t j = 0; j < f->undefs.n; j++) {
        struct undef_ref *u = f->undefs.v[j];
        if (u->sym != sym)
          continue;
        if (count++ < 3)
          msg = xsprintf("%s\n>>> referenced by %s:(%s+0x%llx)", msg, f->name, u->isec->name,
                         (unsigned long long)u->offset);
      }
    }
    if (count > 3)
      msg = xsprintf("%s\n>>> referenced %zu more times", msg, count - 3);
    if (ctx.opt.unresolved == UNRESOLVED_WARN)
      warn("%s", msg);
    else
      error("%s", msg);
  }
  xfree(order.v);
}

static void add_got(struct symbol *sym, bool tp) {
  if (ctx.ngot % 64 == 0)
    ctx.gotents = xrealloc(ctx.gotents, (ctx.ngot + 64) * sizeof(struct gotent));
  ctx.gotents[ctx.ngot] = (struct gotent){sym, tp};
  if (tp)
    sym->gottp_idx = (int32_t)ctx.ngot++;
  else
    sym->got_idx = (int32_t)ctx.ngot++;
}

/* Symbols of one file that want a slot, in symbol order (parallel). */
static void collect_got_users(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  f->scratch.n = 0;
  for (uint32_t k = 1; k < f->nsyms; k++) {
    unsigned fl = atomic_load_explicit(&f->syms[k]->flags, memory_order_relaxed);
    if (fl & (NEEDS_GOT | NEEDS_GOTTP))
      vec_push(&f->scratch, f->syms[k]);
  }
}

/* Slots are numbered by first use in command-line order; slots reached
 * through a short window (NEEDS_GOT_NEAR) come first. */
static void assign_got_slots(void) {
  parallel_for((int64_t)ctx.live.n, collect_got_users, ctx.live.v);
  for (int near = 1; near >= 0; near--)
    for (size_t i = 0; i < ctx.live.n; i++) {
      struct objfile *f = ctx.live.v[i];
      for (size_t k = 0; k < f->scratch.n; k++) {
        struct symbol *sym = f->scratch.v[k];
        unsigned fl = atomic_load_explicit(&sym->flags, memory_order_relaxed);
        if (!!(fl & NEEDS_GOT_NEAR) != near)
          continue;
        if ((fl & NEEDS_GOT) && sym->got_idx < 0)
          add_got(sym, false);
        if ((fl & NEEDS_GOTTP) && sym->gottp_idx < 0)
          add_got(sym, true);
      }
    }
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    xfree(f->scratch.v);
    f->scratch = (struct vec){0};
  }
}

void scan_relocations(void) {
  parallel_for((int64_t)ctx.live.n, scan_file, ctx.live.v);
  report_undefined();
  check_errors();
  assign_got_slots();
  if (ctx.arch->after_scan)
    ctx.arch->after_scan();
  if (ctx.opt.pie)
    count_relative();
}

/* ---- values shared by the arches ---- */

uint64_t isec_out_offset(const struct isec *isec, uint64_t off, bool *dead);

uint64_t isec_addr(const struct isec *isec) { return isec->osec->addr + isec->out_off; }

const struct isec *live_isec(const struct isec *isec) {
  const struct isec *leader = isec->icf_id ? ctx.icf_leader[isec->icf_id - 1] : NULL;
  return leader ? leader : isec;
}

/* Where input offset off of a split section went: its offset in the
 * merged section. */
static uint64_t piece_out(const struct isec *isec, uint64_t off) {
  const struct pieces *p = isec->pieces;
  uint32_t i = find_piece(isec, off);
  return (p->outs ? p->outs[i] : p->frags[i]->out_off) + (off - p->offs[i]);
}

static uint64_t merged_base(const struct isec *isec) {
  const struct isec *m = isec->pieces->merged;
  return m->osec->addr + m->out_off;
}

static uint64_t merged_addr(const struct isec *isec, uint64_t off) {
  return merged_base(isec) + piece_out(isec, off);
}

static uint64_t compute_addr(const struct symbol *sym);

uint64_t sym_addr(const struct symbol *sym) {
  if (!ctx.addrs_final)
    return compute_addr(sym);
  /* an undefined global was never given one: its va still holds its rank */
  return sym->kind == SYM_UNDEF ? 0 : sym->va;
}

uint64_t sym_def_addr(const struct symbol *sym) {
  switch (sym->kind) {
  case SYM_DEFINED: {
    if (!sym->isec)
      return 0;
    const struct isec *isec = live_isec(sym->isec);
    if (isec->pieces)
      return merged_addr(isec, sym->value);
    if (!isec->osec || !isec->alive)
      return 0;
    if (isec->eh) {
      bool dead;
      uint64_t off = isec_out_offset(isec, sym->value, &dead);
      return isec_addr(isec) + off;
    }
    return isec_addr(isec) + sym->value;
  }
  case SYM_OSEC:
    return sym->osec->addr + sym->value;
  case SYM_ABS:
    return sym->value;
  default:
    return 0;
  }
}

/* An IFUNC with an .iplt entry is that entry for every reference, so that
 * calls go through the slot its resolver fills and function pointers
 * compare equal (ld/ifunc.c). */
static uint64_t compute_addr(const struct symbol *sym) {
  if (sym->type == STT_GNU_IFUNC && sym->plt_idx >= 0 && ctx.iplt)
    return ctx.iplt->addr + ctx.arch->iplt_init_size + (uint64_t)sym->plt_idx * IPLT_ENTSIZE;
  return sym_def_addr(sym);
}

/* What a reference to sym resolves to; the addend of a merged section's
 * symbol picks the piece. */
static uint8_t compute_class(const struct symbol *sym) {
  if (sym->kind != SYM_DEFINED)
    return ADDR_PLAIN;
  if (!sym->isec || !live_isec(sym->isec)->alive)
    return ADDR_DEAD; /* its address is 0 */
  if (sym->type == STT_SECTION && sym->isec->pieces)
    return ADDR_MERGED;
  return ADDR_PLAIN;
}

bool moves_with_image(const struct symbol *sym) {
  switch (sym->kind) {
  case SYM_DEFINED:
    return compute_class(sym) != ADDR_DEAD; /* a dropped section's symbol is 0 */
  case SYM_OSEC:
  case SYM_COMMON:
    return true;
  case SYM_ABS:
    return sym->linker_addr;
  default:
    return false; /* undefined (weak): 0 */
  }
}

uint8_t sym_class(const struct symbol *sym) {
  return ctx.addrs_final ? sym->addr_class : compute_class(sym);
}

static void set_address(struct symbol *sym) {
  sym->va = compute_addr(sym);
  sym->addr_class = compute_class(sym);
}

/* Every symbol's address, computed once (in parallel over files, each
 * symbol by its defining file) so that relocations read one field instead
 * of following the symbol to its section and output section. Undefined
 * symbols get none (their va is still their rank): sym_addr() answers 0
 * for them, as compute_addr() does. After layout. */
static void file_addresses(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  uint32_t nl = f->first_global < f->nsyms ? f->first_global : f->nsyms;
  f->local_va = xalloc(nl * sizeof(uint64_t));
  f->local_class = xalloc(nl);
  for (uint32_t k = 1; k < f->nsyms; k++) {
    struct symbol *sym = f->syms[k];
    if (k < nl) {
      set_address(sym);
      f->local_va[k] = sym->addr_class == ADDR_MERGED ? sym->value : sym->va;
      f->local_class[k] = sym->addr_class;
    } else if (sym->file == f && sym->esym == k) {
      set_address(sym);
    }
  }
}

void finalize_addresses(void) {
  parallel_for((int64_t)ctx.live.n, file_addresses, ctx.live.v);
  for (size_t i = 0; i < ctx.synthetic.n; i++)
    set_address(ctx.synthetic.v[i]);
  ctx.addrs_final = true;
}

/* S + A. A section symbol into a merged section names a piece by
 * value + addend, so the addend takes part in finding the fragment. */
uint64_t sym_va(const struct symbol *sym, int64_t addend) {
  if (sym_class(sym) == ADDR_MERGED)
    return merged_addr(sym->isec, sym->value + (uint64_t)addend);
  return sym_addr(sym) + (uint64_t)addend;
}

uint64_t got_base(void) { return ctx.got ? ctx.got->addr : 0; }

uint64_t got_slot_addr(const struct symbol *sym) {
  return got_base() + (uint64_t)sym->got_idx * ctx.arch->got_entsize;
}

uint64_t gottp_slot_addr(const struct symbol *sym) {
  return got_base() + (uint64_t)sym->gottp_idx * ctx.arch->got_entsize;
}

uint64_t generic_value(struct isec *isec, const struct rel *r, const struct symbol *sym,
                       int expr, uint64_t P) {
  uint64_t SA = sym_va(sym, r->addend), A = (uint64_t)r->addend;
  switch (expr) {
  case RX_ABS:
    return SA;
  case RX_PC:
    return SA - P;
  case RX_GOT_PC:
    return got_slot_addr(sym) + A - P;
  case RX_GOTPC:
    return got_base() + A - P;
  case RX_GOTOFF:
    return SA - got_base();
  case RX_GOT:
    return got_slot_addr(sym) - got_base() + A;
  case RX_TPOFF:
    return SA - ctx.tp_addr;
  case RX_DTPOFF:
    return SA - ctx.tls_begin;
  case RX_SIZE:
    return sym->size + A;
  default:
    return 0;
  }
}

void report_range(struct isec *isec, const struct rel *r, const struct symbol *sym, int64_t val,
                  int64_t lo, int64_t hi) {
  error("%s:(%s+0x%llx): relocation %s against %s out of range: %lld is not in [%lld, %lld]",
        isec->file->name, isec->name, (unsigned long long)r->offset, reloc_name(r->type),
        sym_display(sym), (long long)val, (long long)lo, (long long)hi);
}

/* The one place relocated fields are written: range-checked, never truncated. */
bool write_field(struct isec *isec, const struct rel *r, const struct symbol *sym, uint8_t *loc,
                 int64_t val, int size, int check) {
  if (size < 8 && check != CK_NONE) {
    int bits = size * 8;
    int64_t smin = -(INT64_C(1) << (bits - 1)), smax = (INT64_C(1) << (bits - 1)) - 1;
    int64_t umax = (INT64_C(1) << bits) - 1;
    bool ok = check == CK_SIGNED     ? (val >= smin && val <= smax)
              : check == CK_UNSIGNED ? ((uint64_t)val <= (uint64_t)umax)
                                     : (val >= smin && val <= umax);
    if (!ok) {
      report_range(isec, r, sym, val, check == CK_UNSIGNED ? 0 : smin,
                   check == CK_SIGNED ? smax : umax);
      return false;
    }
  }
  switch (size) {
  case 1:
    *loc = (uint8_t)val;
    break;
  case 2:
    wr16(loc, (uint16_t)val);
    break;
  case 4:
    wr32(loc, (uint32_t)val);
    break;
  case 8:
    wr64(loc, (uint64_t)val);
    break;
  }
  return true;
}

/* Debug sections: absolute and DTP-relative values; references to dropped
 * sections get a tombstone (0) as lld and mold write. A debug section
 * refers to few symbols many times (its file's section symbols), so what a
 * symbol resolves to is looked up once per symbol in a small cache. */
struct na_slot {
  uint32_t sym;
  uint8_t class;            /* ADDR_* */
  uint64_t base;            /* ADDR_PLAIN: S; ADDR_MERGED: the merged section's address */
  uint64_t value;           /* ADDR_MERGED: the section symbol's value */
  const struct isec *split; /* ADDR_MERGED: the section it names, split into pieces */
};

enum { NA_CACHE = 64 }; /* slots of na_part's symbol cache, a power of two */

/* What relocating one debug section needs, loaded once per part: every
 * field written through buf may alias memory, so what nonalloc_one read
 * from ctx or the section itself would be loaded again for each entry.
 * buf holds the section's bytes from input offset lo on. */
struct na_part {
  struct isec *isec;
  const struct objfile *file;
  const struct howto *howto;
  uint32_t nhowto, nsyms;
  uint64_t size, tls_begin, lo;
  uint64_t dead; /* what a relocation against a discarded symbol gives */
  uint8_t *buf;
  struct na_slot cache[NA_CACHE];
};

/* What a relocation in the non-allocated section `name` against a
 * discarded symbol resolves to: the value of the last -z
 * dead-reloc-in-nonalloc pattern it matches, else 1 in DWARF 2-4 range and
 * location lists, as GNU ld and lld write it (there a 0, 0 pair ends the
 * list, so the entries after one for a collected function would be lost;
 * its 1, 1 is an empty range), else 0. */
uint64_t dead_reloc_value(const char *name) {
  const struct vec *d = &ctx.opt.dead_reloc;
  for (size_t k = d->n; k >= 2; k -= 2)
    if (!fnmatch(d->v[k - 2], name, 0))
      return *(const uint64_t *)d->v[k - 1];
  return !strcmp(name, ".debug_ranges") || !strcmp(name, ".debug_loc");
}

static void na_part_init(struct na_part *p, struct isec *isec, uint8_t *buf, uint64_t lo) {
  p->isec = isec;
  p->file = isec->file;
  p->howto = ctx.arch->howto;
  p->nhowto = ctx.arch->nhowto;
  p->nsyms = isec->file->nsyms;
  p->size = isec->size;
  p->tls_begin = ctx.tls_begin;
  p->lo = lo;
  p->dead = dead_reloc_value(isec->name);
  p->buf = buf;
  for (int i = 0; i < NA_CACHE; i++)
    p->cache[i].sym = UINT32_MAX;
}

/* Inlined into both loops of apply_nonalloc_part so that p stays in
 * registers. Against a call per entry that read ctx and the section again:
 * sqlite3's write pass 5.55 -> 5.42 ms (medians of 41 alternating runs),
 * synth-medium's 80.8 -> 79.6 ms (11), the Go program's with
 * --compress-debug-sections=none 6.19 -> 5.98 and 6.30 -> 6.28 ms (two
 * sets of 31). */
static inline __attribute__((always_inline)) void nonalloc_one(struct na_part *p,
                                                               const struct rel *r) {
  if (r->type >= p->nhowto || r->sym >= p->nsyms)
    return;
  const struct howto *h = &p->howto[r->type];
  if (!h->size)
    return;
  if (r->offset > p->size || p->size - r->offset < h->size) {
    error("%s:(%s+0x%llx): relocation offset out of range", p->file->name, p->isec->name,
          (unsigned long long)r->offset);
    return;
  }
  if (h->expr != RX_ABS && h->expr != RX_DTPOFF && h->expr != RX_SIZE)
    return;
  const struct objfile *f = p->file;
  struct na_slot *c = &p->cache[r->sym & (NA_CACHE - 1)];
  if (c->sym != r->sym) {
    const struct symbol *sym = f->syms[r->sym];
    /* a local's class and va (a merged one's value) are packed by
     * finalize_addresses */
    bool packed = r->sym < f->first_global && f->local_class;
    c->sym = r->sym;
    c->class = packed ? f->local_class[r->sym] : sym_class(sym);
    if (c->class == ADDR_MERGED) {
      c->value = packed ? f->local_va[r->sym] : sym->value;
      c->split = sym->isec;
      c->base = merged_base(sym->isec);
    } else {
      c->base = c->class != ADDR_PLAIN ? 0 : packed ? f->local_va[r->sym] : sym_addr(sym);
    }
  }
  uint64_t v = p->dead;
  if (c->class != ADDR_DEAD) {
    if (h->expr == RX_SIZE)
      v = f->syms[r->sym]->size + (uint64_t)r->addend;
    else {
      v = c->class == ADDR_PLAIN ? c->base + (uint64_t)r->addend
                                 : c->base + piece_out(c->split, c->value + (uint64_t)r->addend);
      if (h->expr == RX_DTPOFF)
        v -= p->tls_begin;
    }
  }
  /* never range-checked (CK_NONE): the symbol is not needed for a report */
  write_field(p->isec, r, NULL, p->buf + (r->offset - p->lo), (int64_t)v, h->size, CK_NONE);
}

/* The field r writes lies inside [p->lo, hi). */
static bool field_inside(const struct na_part *p, const struct rel *r, uint64_t hi) {
  uint64_t size = r->type < p->nhowto ? p->howto[r->type].size : 0;
  return r->offset >= p->lo && r->offset <= hi && hi - r->offset >= size;
}

/* A debug section's relocations are read once, in order, from the input's
 * mapping, and by now rarely from the cache (sqlite3.o's .rela.debug_info
 * alone is 3.2 MB); asking for the entry RELS_AHEAD on while relocating
 * this one took sqlite3's write pass from 5.89 to 5.61 ms and the Go
 * program's (--compress-debug-sections=none) from 7.25 to 6.38 ms
 * (medians of 41 and 31 alternating runs). */
enum { RELS_AHEAD = 64 };

bool apply_nonalloc_part(struct isec *isec, uint8_t *buf, uint64_t lo, uint64_t hi,
                         uint32_t first, uint32_t end) {
  struct na_part p;
  na_part_init(&p, isec, buf, lo);
  bool whole = lo == 0 && hi == UINT64_MAX;
  if (ctx.arch->is64 && isec->rela) {
    for (uint32_t i = first; i < end; i++) {
      Elf64_Rela e;
      if (end - i > RELS_AHEAD)
        __builtin_prefetch(isec->rels + (size_t)(i + RELS_AHEAD) * sizeof(e));
      memcpy(&e, isec->rels + (size_t)i * sizeof(e), sizeof(e));
      struct rel r = {e.r_offset, ELF64_R_TYPE(e.r_info), ELF64_R_SYM(e.r_info), e.r_addend};
      if (!whole && !field_inside(&p, &r, hi))
        return false;
      nonalloc_one(&p, &r);
    }
    return true;
  }
  uint64_t ent = rel_entsize(ctx.arch->is64, isec->rela);
  for (uint32_t i = first; i < end; i++) {
    struct rel r;
    if (end - i > RELS_AHEAD)
      __builtin_prefetch(isec->rels + (size_t)(i + RELS_AHEAD) * ent);
    get_rel(isec, i, &r);
    if (!whole && !field_inside(&p, &r, hi))
      return false;
    nonalloc_one(&p, &r);
  }
  return true;
}

void apply_nonalloc_whole(struct isec *isec, uint8_t *buf) {
  ctx.arch->apply_nonalloc_relocs(isec, buf, 0, UINT64_MAX, 0, isec_nrels(isec));
}

bool check_rel(const struct isec *isec, const struct rel *r) {
  const struct objfile *f = isec->file;
  const struct howto *howto = ctx.arch->howto;
  if (r->type >= ctx.arch->nhowto || !howto[r->type].name) {
    error("%s:(%s+0x%llx): unknown relocation type %u", f->name, isec->name,
          (unsigned long long)r->offset, r->type);
    return false;
  }
  if (r->sym >= f->nsyms) {
    error("%s:(%s+0x%llx): relocation %s has a bad symbol index %u", f->name, isec->name,
          (unsigned long long)r->offset, howto[r->type].name, r->sym);
    return false;
  }
  if (r->offset > isec->size || isec->size - r->offset < howto[r->type].size) {
    error("%s:(%s+0x%llx): relocation %s is outside its section (size 0x%llx)", f->name,
          isec->name, (unsigned long long)r->offset, howto[r->type].name,
          (unsigned long long)isec->size);
    return false;
  }
  return true;
}

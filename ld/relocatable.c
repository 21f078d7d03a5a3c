/* -r, --relocatable: the live inputs' sections, symbols and relocations as
 * one ELF relocatable object, which a later link reads as it reads a
 * compiler's. It runs after resolve (archive members pulled, COMDAT groups
 * chosen, commons merged) in place of every pass of an executable's link:
 *
 * - Sections of one name, type, flags and entry size are laid end to end in
 *   command-line order, in output sections in the order first seen. The
 *   sections of a COMDAT group that won stay apart, in an output group of
 *   their own (SHT_GROUP, the same signature); an SHF_LINK_ORDER section
 *   joins only others linked to the same output section, and goes with the
 *   section it is linked to when that is dropped.
 * - Every relocation is kept, its offset moved by where its section went
 *   and its symbol renumbered. One against a section symbol becomes one
 *   against the output section's symbol, the section's offset added to
 *   the addend: in RELA's field, or in place on i386, whose REL
 *   relocations keep their addends in the bytes they relocate. One against
 *   a symbol of a dropped section (the group that lost) gets symbol 0, as
 *   lld and GNU ld write it, so that the final link drops its .eh_frame
 *   entry.
 * - .symtab: the null symbol, a section symbol per output section, each
 *   file's locals (those -x or -X leave out unless a relocation or group
 *   names them), then every global once, in the order first seen, defined
 *   where it won, else undefined (weak only if every reference is), with
 *   the most restrictive visibility any file gives it.
 * - .note.GNU-stack, and .note.gnu.property with the features every input
 *   has, are made as for an executable; .gnu.warning sections again from
 *   the warnings read; with --compress-debug-sections the .debug_ sections
 *   are compressed as an executable's are.
 *
 * No address is assigned and nothing is resolved against a value. The
 * sizes and offsets are laid out on one thread, in command-line order; the
 * bytes are written in parallel (runs of one section's members with their
 * relocations, each file's local symbols), each in its own place: the
 * output does not depend on --threads. */
#include "ld/ld.h"
#include <stdlib.h>
#include <xxhash.h>

/* An output section of a relocatable link. */
struct rsec {
  struct osec os;       /* first: an isec's osec is its rsec */
  struct rsec *link;    /* SHF_LINK_ORDER: the output section it follows */
  uint64_t nrels;       /* of its members: its relocation section's entries */
  uint64_t rel_off;     /* that section's file offset */
  uint32_t rel_shndx;   /* 0: none */
  uint32_t rel_name_off;
  uint32_t sym;         /* its section symbol */
};

/* A COMDAT group kept in the output. */
struct rgroup {
  struct objfile *file;
  uint32_t sig;  /* its signature: the file's ELF symbol index */
  uint32_t in_shndx; /* its SHT_GROUP section in the file */
  struct vec members; /* struct rsec * */
  uint32_t shndx, name_off;
  uint64_t offset;
};

/* What the symbol table needs of a live file. */
struct rfile {
  struct objfile *f;
  uint32_t *map;   /* local ELF symbol index -> output index, 0 if dropped */
  uint8_t *keep;   /* locals a relocation or a group names */
  uint32_t nlocal; /* kept */
  uint32_t first;  /* output index of the first */
  uint64_t strsize, stroff;
  size_t group0, ngroups; /* its groups in the output: these of `groups` */
};

/* A global symbol in the output. */
struct rglobal {
  struct symbol *sym;
  uint64_t stroff; /* its name in .strtab */
  uint8_t type, other;
};

static struct vec rsecs;   /* struct rsec *, in output order */
static struct vec groups;  /* struct rgroup * */
static struct vec members; /* struct isec *, every member of every rsec, in rsec order */
static uint64_t *rel_first; /* per member: its first entry in its rsec's relocations */
static struct rfile *rfiles;
static size_t nrfiles;
static struct rglobal *globals;
static size_t nglobals;
static uint32_t first_global, nsyms;
static uint32_t symtab_shndx, strtab_shndx, shstrtab_shndx, xindex_shndx, nshdrs;
static uint64_t symtab_off, strtab_off, strtab_size, xindex_off, shstrtab_off, shstrtab_size;

/* ---- output sections ---- */

struct rkey_table {
  struct rsec **slots;
  uint64_t mask;
};

static uint64_t rkey_hash(const char *name, uint32_t type, uint64_t flags, uint32_t entsize,
                          const struct rsec *link) {
  uint64_t h = XXH3_64bits(name, strlen(name));
  return h ^ XXH3_64bits_withSeed(&flags, sizeof(flags),
                                  type * 0x9e3779b97f4a7c15ull + entsize + (uintptr_t)link);
}

static uint64_t out_flags(const struct isec *isec, bool grouped) {
  uint64_t f = isec->flags & ~(uint64_t)SHF_COMPRESSED;
  return grouped ? f : f & ~(uint64_t)SHF_GROUP;
}

/* clang's .eh_frame is SHT_X86_64_UNWIND, gcc's SHT_PROGBITS: one section
 * of the latter, as an executable's link makes them */
static uint32_t out_type(const struct isec *isec) {
  return isec->is_ehframe && isec->type == SHT_X86_64_UNWIND ? SHT_PROGBITS : isec->type;
}

static struct rsec *new_rsec(const struct isec *isec, bool grouped, struct rsec *link) {
  struct rsec *rs = xalloc(sizeof(*rs));
  rs->os.name = isec->name;
  rs->os.type = out_type(isec);
  rs->os.flags = out_flags(isec, grouped);
  rs->os.entsize = isec->entsize;
  rs->os.align = 1;
  rs->link = link;
  vec_push(&rsecs, rs);
  return rs;
}

/* The output section an input section of no group joins, made if new. */
static struct rsec *rsec_for(struct rkey_table *t, const struct isec *isec, struct rsec *link) {
  uint64_t flags = out_flags(isec, false);
  uint32_t type = out_type(isec);
  uint64_t h = rkey_hash(isec->name, type, flags, isec->entsize, link);
  for (uint64_t i = h & t->mask;; i = (i + 1) & t->mask) {
    struct rsec *rs = t->slots[i];
    if (!rs)
      return t->slots[i] = new_rsec(isec, false, link);
    if (rs->os.type == type && rs->os.flags == flags && rs->os.entsize == isec->entsize &&
        rs->link == link && !strcmp(rs->os.name, isec->name))
      return rs;
  }
}

static void add_member(struct rsec *rs, struct isec *isec) {
  isec->osec = &rs->os;
  vec_push(&rs->os.members, isec);
  if (isec->addralign > rs->os.align)
    rs->os.align = isec->addralign;
}

/* The output section of isec's SHF_LINK_ORDER section, or NULL if that is
 * dropped or not a content section (then isec is dropped too). */
static struct rsec *link_target(struct isec *isec) {
  struct objfile *f = isec->file;
  uint32_t l = objfile_section_link(f, isec->shndx);
  struct isec *to = l && l < f->nsecs ? f->secs[l] : NULL;
  if (!to || !to->alive || !to->osec) {
    if (!l || l >= f->nsecs)
      error("%s: section %s (SHF_LINK_ORDER): bad linked section index %u", f->name,
            isec->name, l);
    return NULL;
  }
  return (struct rsec *)to->osec;
}

/* Each file's COMDAT groups that won: an output group each, whose
 * sections get output sections of their own (of[shndx]: the group). */
static void find_groups(struct objfile *f, struct rgroup **of) {
  for (size_t g = 0; g < f->groups_.n; g++) {
    uint64_t n;
    uint32_t sig;
    const uint8_t *words = objfile_group_words(f, f->groups_.v[g], &n, &sig);
    struct rgroup *rg = NULL;
    for (uint64_t k = 0; k < n; k++) {
      uint32_t i = rd32(words + 4 * k);
      if (!f->secs[i] || !f->secs[i]->alive || of[i])
        continue;
      if (!rg) {
        rg = xalloc(sizeof(*rg));
        rg->file = f;
        rg->sig = sig;
        rg->in_shndx = objfile_group_shndx(f->groups_.v[g]);
        vec_push(&groups, rg);
      }
      of[i] = rg;
    }
  }
}

/* The file's live sections into output sections: those not SHF_LINK_ORDER
 * in the first round, those in the second, once the sections they are
 * linked to have theirs. */
static void bin_file(struct objfile *f, struct rgroup **of, struct rkey_table *t,
                     bool link_order) {
  for (uint32_t i = 1; i < f->nsecs; i++) {
    struct isec *isec = f->secs[i];
    if (!isec || !isec->alive || ((isec->flags & SHF_LINK_ORDER) != 0) != link_order)
      continue;
    struct rsec *link = NULL;
    if (link_order && !(link = link_target(isec))) {
      isec->alive = false;
      continue;
    }
    struct rsec *rs;
    if (of[i]) {
      rs = new_rsec(isec, true, link);
      vec_push(&of[i]->members, rs);
    } else {
      rs = rsec_for(t, isec, link);
    }
    add_member(rs, isec);
  }
}

/* A section the linker writes (a note), with one member holding bytes. */
static void own_rsec(const char *name, uint32_t type, uint64_t flags, const uint8_t *bytes,
                     uint64_t size, uint32_t align) {
  struct isec *isec = linker_isec(name, type, flags, size, align);
  isec->data = bytes;
  add_member(new_rsec(isec, false, NULL), isec);
}

/* .gnu.warning.SYM sections are read as warnings, not kept as sections
 * (ld/input.c): made again, one per name, for the final link. */
static void add_warnings(struct rkey_table *t) {
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (size_t k = 0; k < f->warnings.n; k++) {
      const struct gnu_warning *w = f->warnings.v[k];
      const char *name = w->sym ? xsprintf(".gnu.warning.%s", w->sym) : ".gnu.warning";
      uint8_t *text = xalloc(w->len + 1);
      memcpy(text, w->text, w->len);
      struct isec *isec = linker_isec(name, SHT_PROGBITS, 0, w->len + 1, 1);
      isec->data = text;
      add_member(rsec_for(t, isec, NULL), isec);
    }
  }
}

static void bin_sections(void) {
  uint64_t n = 16;
  for (size_t i = 0; i < ctx.live.n; i++)
    n += ((struct objfile *)ctx.live.v[i])->nsecs;
  struct rkey_table t = {xcalloc(table_slots(n), sizeof(struct rsec *)), table_slots(n) - 1};
  struct rgroup ***of = xcalloc(ctx.live.n + 1, sizeof(*of));
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    if (f == ctx.internal)
      continue;
    of[i] = xcalloc(f->nsecs, sizeof(**of));
    find_groups(f, of[i]);
    bin_file(f, of[i], &t, false);
  }
  for (size_t i = 0; i < ctx.live.n; i++)
    if (of[i]) {
      bin_file(ctx.live.v[i], of[i], &t, true);
      xfree(of[i]);
    }
  xfree(of);
  /* -d: the commons made .bss (and .tbss) sections */
  for (size_t i = 0; i < ctx.commons.n; i++) {
    struct isec *isec = ctx.commons.v[i];
    add_member(rsec_for(&t, isec, NULL), isec);
  }
  add_warnings(&t);
  xfree(t.slots);

  bool exec = ctx.opt.exec_stack;
  for (size_t i = 0; i < ctx.live.n; i++)
    exec |= ((struct objfile *)ctx.live.v[i])->exec_stack;
  own_rsec(".note.GNU-stack", SHT_PROGBITS, exec ? SHF_EXECINSTR : 0, NULL, 0, 1);
  uint32_t size;
  uint8_t *note = gnu_property_note(false, &size);
  if (note)
    own_rsec(".note.gnu.property", SHT_NOTE, SHF_ALLOC, note, size, ctx.arch->is64 ? 8 : 4);
}

/* Members' offsets, sizes, and where each member's relocations start. */
static void size_sections(void) {
  size_t n = 0;
  for (size_t i = 0; i < rsecs.n; i++)
    n += ((struct rsec *)rsecs.v[i])->os.members.n;
  rel_first = xcalloc(n + 1, sizeof(*rel_first));
  for (size_t i = 0; i < rsecs.n; i++) {
    struct rsec *rs = rsecs.v[i];
    uint64_t size = 0;
    for (size_t k = 0; k < rs->os.members.n; k++) {
      struct isec *isec = rs->os.members.v[k];
      rel_first[members.n] = rs->nrels;
      vec_push(&members, isec);
      size = ALIGN_UP(size, isec->addralign);
      isec->out_off = size;
      size += isec->size;
      rs->nrels += isec->nrels;
    }
    rs->os.size = size;
  }
}

/* ---- symbols ---- */

uint8_t stricter_visibility(uint8_t a, uint8_t b) {
  static const uint8_t rank[4] = {[STV_DEFAULT] = 0, [STV_PROTECTED] = 1, [STV_HIDDEN] = 2,
                                  [STV_INTERNAL] = 3};
  return rank[b & 3] > rank[a & 3] ? b & 3 : a & 3;
}

static bool is_section_sym(const struct symbol *s) { return s->type == STT_SECTION; }

/* The output group made of f's group section shndx, or NULL. */
static struct rgroup *group_at(const struct rfile *rf, uint32_t shndx) {
  for (size_t g = rf->group0; g < rf->group0 + rf->ngroups; g++)
    if (((struct rgroup *)groups.v[g])->in_shndx == shndx)
      return groups.v[g];
  return NULL;
}

/* The output group of a local symbol defined in a group section: the
 * assembler defines a signature no other symbol names there (gcc's C5
 * constructor groups). */
static struct rgroup *symbol_group(const struct rfile *rf, uint32_t k) {
  const struct symbol *s = rf->f->syms[k];
  if (s->kind != SYM_DEFINED || s->isec || !rf->ngroups)
    return NULL;
  uint8_t info, other;
  uint32_t shndx;
  uint64_t value, size;
  objfile_sym(rf->f, k, &info, &other, &shndx, &value, &size);
  return group_at(rf, shndx);
}

/* Whether a local symbol's place is in the output. */
static bool local_placed(const struct rfile *rf, uint32_t k) {
  const struct symbol *s = rf->f->syms[k];
  if (s->kind == SYM_ABS)
    return true;
  if (s->kind == SYM_DEFINED && s->isec)
    return s->isec->alive && s->isec->osec;
  return symbol_group(rf, k) != NULL;
}

/* Checks isec's relocations and marks the locals they name. */
static void mark_rels(struct rfile *rf, const struct isec *isec) {
  struct objfile *f = rf->f;
  for (uint32_t i = 0; i < isec->nrels; i++) {
    struct rel r;
    get_rel(isec, i, &r);
    if (!check_rel(isec, &r))
      return;
    if (r.sym < f->first_global)
      rf->keep[r.sym] = 1;
  }
}

static void count_locals(void *arg, int64_t i) {
  struct rfile *rf = &((struct rfile *)arg)[i];
  struct objfile *f = rf->f;
  uint32_t nl = f->first_global ? f->first_global : 1;
  rf->keep = xcalloc(nl, 1);
  rf->map = xcalloc(nl, sizeof(uint32_t));
  for (uint32_t k = 1; k < f->nsecs; k++) {
    struct isec *isec = f->secs[k];
    if (isec && isec->alive && isec->osec && isec->nrels)
      mark_rels(rf, isec);
  }
  for (size_t g = rf->group0; g < rf->group0 + rf->ngroups; g++) {
    struct rgroup *rg = groups.v[g];
    if (rg->sig < f->first_global)
      rf->keep[rg->sig] = 1;
  }
  uint32_t n = 0;
  uint64_t str = 0;
  for (uint32_t k = 1; k < f->first_global; k++) {
    const struct symbol *s = f->syms[k];
    if (is_section_sym(s) || !local_placed(rf, k))
      continue;
    if (!rf->keep[k] && local_discarded(s))
      continue;
    rf->map[k] = ++n; /* relative: made absolute by the prefix sum */
    str += strlen(s->name) + 1;
  }
  xfree(rf->keep);
  rf->keep = NULL;
  rf->nlocal = n;
  rf->strsize = str;
}

/* Every global of the live files once, in the order first seen, then the
 * --defsym and -u names no file has; its most restrictive visibility (and
 * an undefined one's type) from all of them. Uses symbol.va as the output
 * index: no address is ever assigned in a relocatable link. */
static void number_globals(void) {
  size_t cap = 64;
  globals = xcalloc(cap, sizeof(*globals));
  for (size_t i = 0; i < nrfiles; i++) {
    struct objfile *f = rfiles[i].f;
    for (uint32_t k = f->first_global; k < f->nsyms; k++)
      f->syms[k]->va = 0;
  }
  struct vec extra = {0};
  for (size_t i = 0; i < ctx.opt.defsyms.n; i++)
    vec_push(&extra, ((struct defsym *)ctx.opt.defsyms.v[i])->sym);
  for (size_t i = 0; i < ctx.opt.undefined.n; i++) {
    struct symbol *sym = symmap_find(ctx.opt.undefined.v[i]);
    if (sym)
      mark_sym(sym, REF_STRONG); /* -u is a reference: undefined, it is not weak */
    vec_push(&extra, sym);
  }
  for (size_t i = 0; i < extra.n; i++)
    if (extra.v[i])
      ((struct symbol *)extra.v[i])->va = 0;

  uint32_t idx = first_global;
  for (size_t i = 0; i <= nrfiles; i++) {
    struct objfile *f = i < nrfiles ? rfiles[i].f : NULL;
    uint32_t from = f ? f->first_global : 0, to = f ? f->nsyms : (uint32_t)extra.n;
    for (uint32_t k = from; k < to; k++) {
      struct symbol *sym = f ? f->syms[k] : extra.v[k];
      uint8_t info = 0, other = 0;
      if (!sym)
        continue;
      if (f) {
        uint32_t shndx;
        uint64_t value, size;
        objfile_sym(f, k, &info, &other, &shndx, &value, &size);
      }
      struct rglobal *g;
      if (!sym->va) {
        if (nglobals == cap)
          globals = xrealloc(globals, (cap *= 2) * sizeof(*globals));
        g = &globals[nglobals++];
        *g = (struct rglobal){sym, 0, ELF64_ST_TYPE(info), ELF64_ST_VISIBILITY(other)};
        sym->va = idx++;
        continue;
      }
      g = &globals[sym->va - first_global];
      g->other = stricter_visibility(g->other, ELF64_ST_VISIBILITY(other));
    }
  }
  xfree(extra.v);
  nsyms = idx;
}

static void plan_symbols(void) {
  uint32_t nsec = 0;
  for (size_t i = 0; i < rsecs.n; i++)
    ((struct rsec *)rsecs.v[i])->sym = ++nsec;
  nrfiles = 0;
  rfiles = xcalloc(ctx.live.n + 1, sizeof(*rfiles));
  for (size_t i = 0; i < ctx.live.n; i++)
    if (ctx.live.v[i] != ctx.internal) {
      struct objfile *f = ctx.live.v[i];
      f->out_local_idx = nrfiles; /* its struct rfile */
      rfiles[nrfiles++].f = f;
    }
  for (size_t g = 0; g < groups.n; g++) { /* found file by file, in this order */
    struct rfile *rf = &rfiles[((struct rgroup *)groups.v[g])->file->out_local_idx];
    if (!rf->ngroups++)
      rf->group0 = g;
  }
  parallel_for((int64_t)nrfiles, count_locals, rfiles);
  check_errors();
  uint32_t idx = 1 + nsec;
  uint64_t str = 1;
  for (size_t i = 0; i < nrfiles; i++) {
    rfiles[i].first = idx;
    rfiles[i].stroff = str;
    idx += rfiles[i].nlocal;
    str += rfiles[i].strsize;
    if (idx >= UINT32_MAX / 2)
      fatal("too many symbols for a relocatable output");
  }
  first_global = idx;
  number_globals();
  for (size_t i = 0; i < nglobals; i++) {
    globals[i].stroff = str;
    str += strlen(globals[i].sym->name) + 1;
  }
  strtab_size = str;
}

/* The output index of symbol k of f, and what a relocation against it
 * adds to its addend (a section symbol: the section's offset). */
static uint32_t out_sym(const struct rfile *rf, uint32_t k, uint64_t *delta) {
  struct objfile *f = rf->f;
  *delta = 0;
  if (k == 0)
    return 0;
  if (k >= f->first_global) {
    const struct symbol *s = f->syms[k];
    return (uint32_t)s->va;
  }
  const struct symbol *s = f->syms[k];
  if (!is_section_sym(s))
    return rf->map[k] ? rf->first - 1 + rf->map[k] : 0;
  if (s->kind != SYM_DEFINED || !s->isec || !s->isec->alive || !s->isec->osec)
    return 0;
  *delta = s->isec->out_off;
  return ((struct rsec *)s->isec->osec)->sym;
}

/* ---- writing ---- */

/* put_sym's section index of an absolute or a common symbol (an output
 * section's index may be 0xfff1 or 0xfff2 too, then written as SHN_XINDEX) */
enum { OUT_ABS = UINT32_MAX, OUT_COMMON = UINT32_MAX - 1 };

static void put_sym(uint32_t i, uint32_t name, uint64_t value, uint64_t size, uint8_t info,
                    uint8_t other, uint32_t shndx) {
  uint16_t st = shndx == OUT_ABS ? SHN_ABS
                : shndx == OUT_COMMON ? SHN_COMMON
                : shndx >= SHN_LORESERVE ? SHN_XINDEX
                                         : (uint16_t)shndx;
  if (xindex_shndx)
    wr32(ctx.out + xindex_off + 4 * (uint64_t)i, st == SHN_XINDEX ? shndx : 0);
  if (ctx.arch->is64) {
    Elf64_Sym s = {name, info, other, st, value, size};
    memcpy(ctx.out + symtab_off + sizeof(s) * (uint64_t)i, &s, sizeof(s));
  } else {
    Elf32_Sym s = {name, (uint32_t)value, (uint32_t)size, info, other, st};
    memcpy(ctx.out + symtab_off + sizeof(s) * (uint64_t)i, &s, sizeof(s));
  }
}

static uint32_t section_of(const struct symbol *s) {
  return ((struct rsec *)s->isec->osec)->os.shndx;
}

static void write_locals(void *arg, int64_t i) {
  struct rfile *rf = &((struct rfile *)arg)[i];
  struct objfile *f = rf->f;
  uint64_t str = rf->stroff;
  for (uint32_t k = 1; k < f->first_global; k++) {
    if (!rf->map[k])
      continue;
    const struct symbol *s = f->syms[k];
    uint8_t info, other;
    uint32_t shndx;
    uint64_t value, size;
    objfile_sym(f, k, &info, &other, &shndx, &value, &size);
    if (s->kind == SYM_DEFINED && s->isec)
      value += s->isec->out_off, shndx = section_of(s);
    else if (s->kind == SYM_DEFINED)
      shndx = symbol_group(rf, k)->shndx;
    else
      shndx = OUT_ABS; /* what else local_placed() keeps */
    put_sym(rf->first - 1 + rf->map[k], (uint32_t)str, value, size, info, other, shndx);
    size_t n = strlen(s->name) + 1;
    memcpy(ctx.out + strtab_off + str, s->name, n);
    str += n;
  }
}

/* The serial loops of the write, over rsecs and globals, in blocks of this
 * many items a task (382,222 sections and their names took 46 ms on one
 * thread on the synthetic bench link, its globals 40). */
enum { BLOCK = 4096 };

static size_t nblocks(size_t n) { return (n + BLOCK - 1) / BLOCK; }

static void write_globals(void *arg, int64_t b) {
  (void)arg;
  size_t end = (size_t)(b + 1) * BLOCK < nglobals ? (size_t)(b + 1) * BLOCK : nglobals;
  for (size_t i = (size_t)b * BLOCK; i < end; i++) {
    const struct rglobal *g = &globals[i];
    const struct symbol *s = g->sym;
    uint64_t value = 0, size = 0;
    uint32_t shndx = SHN_UNDEF;
    uint8_t bind = s->flags & REF_STRONG ? STB_GLOBAL : STB_WEAK, type = g->type;
    uint8_t other = g->other;
    if (s->kind == SYM_DEFINED && s->isec && s->isec->alive && s->isec->osec)
      shndx = section_of(s), value = s->value + s->isec->out_off;
    else if (s->kind == SYM_ABS)
      shndx = OUT_ABS, value = s->value;
    else if (s->kind == SYM_COMMON)
      shndx = OUT_COMMON, value = s->value;
    if (shndx != SHN_UNDEF) {
      bind = s->bind, type = s->type, size = s->size;
      if (s->file && s->file != ctx.internal) { /* the definition's other bits (aarch64's
                                                 * STO_AARCH64_VARIANT_PCS) */
        uint8_t info, o;
        uint32_t x;
        uint64_t v, z;
        objfile_sym(s->file, s->esym, &info, &o, &x, &v, &z);
        other |= o & ~3u;
      }
    }
    put_sym(first_global + (uint32_t)i, (uint32_t)g->stroff, value, size,
            ELF64_ST_INFO(bind, type), other, shndx);
    memcpy(ctx.out + strtab_off + g->stroff, s->name, strlen(s->name) + 1);
  }
}

/* Adds delta to the addend a REL relocation keeps in the bytes it
 * relocates (buf: the section's output bytes). */
static void add_implicit(const struct isec *isec, const struct rel *r, uint8_t *buf,
                         uint64_t delta) {
  const struct arch *a = ctx.arch;
  uint32_t size = r->type < a->nhowto ? a->howto[r->type].size : 0;
  if (!size) /* R_386_NONE and the like: no field */
    return;
  if (size != 1 && size != 2 && size != 4 && size != 8) {
    error("%s:(%s+0x%llx): relocation %s against a section symbol: smelt cannot move the "
          "addend it keeps in place",
          isec->file->name, isec->name, (unsigned long long)r->offset, reloc_name(r->type));
    return;
  }
  uint8_t *p = buf + r->offset;
  uint64_t v = 0;
  memcpy(&v, p, size);
  v += delta;
  memcpy(p, &v, size);
}

/* isec's bytes at buf, the addends i386 keeps there moved (see out_sym) */
static void member_bytes(struct isec *isec, uint8_t *buf) {
  if (isec->osec->type == SHT_NOBITS || !isec->data)
    return;
  read_isec(isec, 0, isec->size, buf);
  if (ctx.arch->is_rela || !isec->nrels)
    return;
  const struct rfile *rf = &rfiles[isec->file->out_local_idx];
  for (uint32_t k = 0; k < isec->nrels; k++) {
    struct rel r;
    get_rel(isec, k, &r); /* checked by mark_rels */
    uint64_t delta;
    out_sym(rf, r.sym, &delta);
    if (delta)
      add_implicit(isec, &r, buf, delta);
  }
}

/* isec's relocations as the output has them, at out. */
static void member_rels(struct isec *isec, uint8_t *out) {
  const struct rfile *rf = &rfiles[isec->file->out_local_idx];
  uint64_t ent = rel_entsize(ctx.arch->is64, ctx.arch->is_rela);
  for (uint32_t k = 0; k < isec->nrels; k++, out += ent) {
    struct rel r;
    get_rel(isec, k, &r);
    uint64_t delta;
    uint32_t sym = out_sym(rf, r.sym, &delta);
    put_rel(out, r.offset + isec->out_off, sym, r.type, (uint64_t)r.addend + delta);
  }
}

/* The members are written in runs of about RUN bytes of one output
 * section, each built in a thread's buffer, bytes and relocations, and
 * written with a pwrite apiece: the output's pages are then never faulted
 * in through the mapping (on the synthetic bench link, 280 MB of output,
 * that took 384 ms on two threads and its unmapping 65 ms). A new file
 * reads as zeros where nothing is written (the padding). */
enum { RUN = 1 << 20 };

struct run {
  uint32_t first, end; /* members [first, end) */
};
static struct run *runs;
static size_t nruns;

static void plan_runs(void) {
  runs = xcalloc(members.n + 1, sizeof(*runs));
  uint64_t bytes = 0;
  for (size_t i = 0; i < members.n; i++) {
    const struct isec *isec = members.v[i];
    if (!nruns || bytes >= RUN || ((const struct isec *)members.v[i - 1])->osec != isec->osec) {
      runs[nruns++] = (struct run){(uint32_t)i, (uint32_t)i};
      bytes = 0;
    }
    runs[nruns - 1].end = (uint32_t)i + 1;
    bytes += isec->size + isec->nrels * 24;
  }
}

static void write_run(void *arg, int64_t r) {
  (void)arg;
  const struct run *run = &runs[r];
  struct isec **m = (struct isec **)members.v;
  const struct rsec *rs = (const struct rsec *)m[run->first]->osec;
  const struct isec *last = m[run->end - 1];
  bool data = rs->os.type != SHT_NOBITS && !rs->os.zparts; /* compressed: written whole */
  uint64_t lo = m[run->first]->out_off, n = data ? last->out_off + last->size - lo : 0;
  uint64_t ent = rel_entsize(ctx.arch->is64, ctx.arch->is_rela);
  uint64_t r0 = rel_first[run->first], nr = rel_first[run->end - 1] + last->nrels - r0;
  uint8_t *buf = scratch(n + nr * ent), *rels = buf + n;
  memset(buf, 0, n);
  for (uint32_t i = run->first; i < run->end; i++) {
    if (data)
      member_bytes(m[i], buf + (m[i]->out_off - lo));
    if (m[i]->nrels)
      member_rels(m[i], rels + (rel_first[i] - r0) * ent);
  }
  write_out(buf, n, rs->os.offset + lo);
  write_out(rels, nr * ent, rs->rel_off + r0 * ent);
}

/* --compress-debug-sections: each .debug_ section is built whole and
 * compressed as an executable's are (compress_whole), before the layout
 * that needs its size; its relocations stay those of the uncompressed
 * bytes, as the gABI has them. */
struct zbuild {
  struct isec **isecs;
  uint8_t **bufs; /* per isec: its section's bytes */
};

static void build_one(void *arg, int64_t i) {
  const struct zbuild *b = arg;
  member_bytes(b->isecs[i], b->bufs[i] + b->isecs[i]->out_off);
}

static void compress_sections(void) {
  if (!ctx.opt.compress_debug)
    return;
  struct vec oss = {0}, bufs = {0}, isecs = {0}, ibufs = {0};
  for (size_t i = 0; i < rsecs.n; i++) {
    struct rsec *rs = rsecs.v[i];
    if (!is_debug_osec(&rs->os))
      continue;
    uint8_t *buf = xcalloc(1, rs->os.size);
    vec_push(&oss, &rs->os);
    vec_push(&bufs, buf);
    for (size_t k = 0; k < rs->os.members.n; k++) {
      vec_push(&isecs, rs->os.members.v[k]);
      vec_push(&ibufs, buf);
    }
  }
  struct zbuild b = {(struct isec **)isecs.v, (uint8_t **)ibufs.v};
  parallel_for((int64_t)isecs.n, build_one, &b);
  check_errors();
  compress_whole((struct osec **)oss.v, (uint8_t *const *)bufs.v, oss.n);
  for (size_t i = 0; i < bufs.n; i++)
    xfree(bufs.v[i]);
  xfree(oss.v);
  xfree(bufs.v);
  xfree(isecs.v);
  xfree(ibufs.v);
}

static void write_zparts(void) {
  for (size_t i = 0; i < rsecs.n; i++) {
    const struct osec *os = &((struct rsec *)rsecs.v[i])->os;
    for (uint32_t k = 0; k < os->nzparts; k++)
      memcpy(ctx.out + os->offset + os->zparts[k].off, os->zparts[k].p, os->zparts[k].n);
  }
}

static void write_group(const struct rgroup *rg) {
  uint8_t *p = ctx.out + rg->offset;
  wr32(p, GRP_COMDAT);
  p += 4;
  for (size_t k = 0; k < rg->members.n; k++) {
    const struct rsec *rs = rg->members.v[k];
    wr32(p, rs->os.shndx), p += 4;
    if (rs->rel_shndx)
      wr32(p, rs->rel_shndx), p += 4;
  }
}

static uint64_t group_size(const struct rgroup *rg) {
  uint64_t n = 4;
  for (size_t k = 0; k < rg->members.n; k++)
    n += ((const struct rsec *)rg->members.v[k])->rel_shndx ? 8 : 4;
  return n;
}

/* Section header i. */
static void put_shdr(uint32_t i, uint32_t name, uint32_t type, uint64_t flags, uint64_t off,
                     uint64_t size, uint32_t link, uint32_t info, uint64_t align,
                     uint64_t entsize) {
  if (ctx.arch->is64) {
    Elf64_Shdr s = {name, type, flags, 0, off, size, link, info, align, entsize};
    memcpy(ctx.out + ctx.shoff + sizeof(s) * (uint64_t)i, &s, sizeof(s));
  } else {
    Elf32_Shdr s = {name, type, (uint32_t)flags, 0, (uint32_t)off, (uint32_t)size, link, info,
                    (uint32_t)align, (uint32_t)entsize};
    memcpy(ctx.out + ctx.shoff + sizeof(s) * (uint64_t)i, &s, sizeof(s));
  }
}

static const char *const table_names[] = {".symtab", ".strtab", ".shstrtab", ".symtab_shndx"};
static uint32_t table_name[4]; /* their offsets in .shstrtab */

static const char *rel_prefix(void) { return ctx.arch->is_rela ? ".rela" : ".rel"; }

/* Section indices, names and file offsets: groups first, each section
 * followed by its relocations, then the symbol and string tables. */
static void place(void) {
  uint32_t n = 1;
  for (size_t i = 0; i < groups.n; i++)
    ((struct rgroup *)groups.v[i])->shndx = n++;
  for (size_t i = 0; i < rsecs.n; i++) {
    struct rsec *rs = rsecs.v[i];
    rs->os.shndx = n++;
    if (rs->nrels)
      rs->rel_shndx = n++;
  }
  symtab_shndx = n++;
  strtab_shndx = n++;
  shstrtab_shndx = n++;
  if (n >= SHN_LORESERVE)
    xindex_shndx = n++; /* symbols of sections past 0xff00 */
  nshdrs = n;

  /* .shstrtab: a section with relocations is named inside ".rela" NAME */
  uint64_t s = 1;
  size_t pre = strlen(rel_prefix());
  for (size_t i = 0; i < groups.n; i++) {
    ((struct rgroup *)groups.v[i])->name_off = (uint32_t)s;
    s += sizeof(".group");
  }
  for (size_t i = 0; i < rsecs.n; i++) {
    struct rsec *rs = rsecs.v[i];
    if (rs->nrels) {
      rs->rel_name_off = (uint32_t)s;
      rs->os.name_off = (uint32_t)(s + pre);
      s += pre;
    } else {
      rs->os.name_off = (uint32_t)s;
    }
    s += strlen(rs->os.name) + 1;
  }
  for (int i = 0; i < 4; i++) {
    table_name[i] = (uint32_t)s;
    s += strlen(table_names[i]) + 1;
  }
  shstrtab_size = s;
  if (s > UINT32_MAX)
    fatal("section names too long for a relocatable output (%llu bytes)", (unsigned long long)s);

  bool is64 = ctx.arch->is64;
  uint64_t off = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  for (size_t i = 0; i < groups.n; i++) {
    struct rgroup *rg = groups.v[i];
    off = ALIGN_UP(off, 4);
    rg->offset = off;
    off += group_size(rg);
  }
  uint64_t ent = rel_entsize(is64, ctx.arch->is_rela);
  for (size_t i = 0; i < rsecs.n; i++) {
    struct rsec *rs = rsecs.v[i];
    off = ALIGN_UP(off, rs->os.align);
    rs->os.offset = off;
    if (rs->os.type != SHT_NOBITS)
      off += rs->os.size;
    if (rs->nrels) {
      off = ALIGN_UP(off, is64 ? 8 : 4);
      rs->rel_off = off;
      off += rs->nrels * ent;
    }
  }
  uint64_t symsize = is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
  off = ALIGN_UP(off, is64 ? 8 : 4);
  symtab_off = off;
  off += (uint64_t)nsyms * symsize;
  strtab_off = off;
  off += strtab_size;
  shstrtab_off = off;
  off += shstrtab_size;
  if (xindex_shndx) {
    off = ALIGN_UP(off, 4);
    xindex_off = off;
    off += 4 * (uint64_t)nsyms;
  }
  ctx.shoff = ALIGN_UP(off, 8);
  ctx.filesize = ctx.shoff + (uint64_t)nshdrs * (is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr));
  if (!is64 && ctx.filesize > UINT32_MAX)
    fatal("output too large for ELF32 (%llu bytes)", (unsigned long long)ctx.filesize);
}

/* Block b of the output sections: names, headers (with their relocation
 * sections') and section symbols. */
static void write_rsecs(void *arg, int64_t b) {
  (void)arg;
  char *p = (char *)ctx.out + shstrtab_off;
  const char *pre = rel_prefix();
  uint64_t ent = rel_entsize(ctx.arch->is64, ctx.arch->is_rela);
  size_t end = (size_t)(b + 1) * BLOCK < rsecs.n ? (size_t)(b + 1) * BLOCK : rsecs.n;
  for (size_t i = (size_t)b * BLOCK; i < end; i++) {
    struct rsec *rs = rsecs.v[i];
    struct osec *os = &rs->os;
    if (rs->nrels)
      memcpy(p + rs->rel_name_off, pre, strlen(pre));
    strcpy(p + os->name_off, os->name);
    put_shdr(os->shndx, os->name_off, os->type, os->flags, os->offset, os->size,
             rs->link ? rs->link->os.shndx : 0, 0, os->align, os->entsize);
    if (rs->nrels)
      put_shdr(rs->rel_shndx, rs->rel_name_off, ctx.arch->is_rela ? SHT_RELA : SHT_REL,
               SHF_INFO_LINK | (os->flags & SHF_GROUP), rs->rel_off, rs->nrels * ent,
               symtab_shndx, os->shndx, ctx.arch->is64 ? 8 : 4, ent);
    put_sym(rs->sym, 0, 0, 0, ELF64_ST_INFO(STB_LOCAL, STT_SECTION), 0, os->shndx);
  }
}

/* The rest of .shstrtab and the section headers: groups, tables. */
static void write_shstrtab(void) {
  char *p = (char *)ctx.out + shstrtab_off;
  for (size_t i = 0; i < groups.n; i++)
    memcpy(p + ((struct rgroup *)groups.v[i])->name_off, ".group", sizeof(".group"));
  for (int i = 0; i < 4; i++)
    strcpy(p + table_name[i], table_names[i]);
  bool is64 = ctx.arch->is64;
  uint64_t symsize = is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
  put_shdr(0, 0, 0, 0, 0, nshdrs >= SHN_LORESERVE ? nshdrs : 0,
           shstrtab_shndx >= SHN_LORESERVE ? shstrtab_shndx : 0, 0, 0, 0);
  for (size_t i = 0; i < groups.n; i++) {
    struct rgroup *rg = groups.v[i];
    uint64_t delta;
    uint32_t sig = out_sym(&rfiles[rg->file->out_local_idx], rg->sig, &delta);
    if (!sig)
      error("%s: group section %u: its signature symbol %u is not in the output", rg->file->name,
            rg->in_shndx, rg->sig);
    put_shdr(rg->shndx, rg->name_off, SHT_GROUP, 0, rg->offset, group_size(rg), symtab_shndx,
             sig, 4, 4);
    write_group(rg);
  }
  put_shdr(symtab_shndx, table_name[0], SHT_SYMTAB, 0, symtab_off, (uint64_t)nsyms * symsize,
           strtab_shndx, first_global, is64 ? 8 : 4, symsize);
  put_shdr(strtab_shndx, table_name[1], SHT_STRTAB, 0, strtab_off, strtab_size, 0, 0, 1, 0);
  put_shdr(shstrtab_shndx, table_name[2], SHT_STRTAB, 0, shstrtab_off, shstrtab_size, 0, 0, 1, 0);
  if (xindex_shndx)
    put_shdr(xindex_shndx, table_name[3], SHT_SYMTAB_SHNDX, 0, xindex_off, 4 * (uint64_t)nsyms,
             symtab_shndx, 0, 4, 4);
}

static void write_ehdr(void) {
  const struct arch *a = ctx.arch;
  uint16_t shnum = (uint16_t)(nshdrs < SHN_LORESERVE ? nshdrs : 0);
  uint16_t shstrndx = (uint16_t)(shstrtab_shndx < SHN_LORESERVE ? shstrtab_shndx : SHN_XINDEX);
  uint8_t ident[EI_NIDENT] = {0};
  memcpy(ident, ELFMAG, 4);
  ident[EI_CLASS] = a->is64 ? ELFCLASS64 : ELFCLASS32;
  ident[EI_DATA] = ELFDATA2LSB;
  ident[EI_VERSION] = EV_CURRENT;
  ident[EI_OSABI] = ctx.has_ifunc ? ELFOSABI_GNU : ELFOSABI_NONE;
  if (a->is64) {
    Elf64_Ehdr e = {0};
    memcpy(e.e_ident, ident, EI_NIDENT);
    e.e_type = ET_REL, e.e_machine = a->machine, e.e_version = EV_CURRENT;
    e.e_shoff = ctx.shoff, e.e_ehsize = sizeof(e), e.e_shentsize = sizeof(Elf64_Shdr);
    e.e_shnum = shnum, e.e_shstrndx = shstrndx;
    memcpy(ctx.out, &e, sizeof(e));
  } else {
    Elf32_Ehdr e = {0};
    memcpy(e.e_ident, ident, EI_NIDENT);
    e.e_type = ET_REL, e.e_machine = a->machine, e.e_version = EV_CURRENT;
    e.e_shoff = (uint32_t)ctx.shoff, e.e_ehsize = sizeof(e), e.e_shentsize = sizeof(Elf32_Shdr);
    e.e_shnum = shnum, e.e_shstrndx = shstrndx;
    memcpy(ctx.out, &e, sizeof(e));
  }
}

/* --defsym under -r: a number is absolute, a symbol's name that of a
 * defined symbol (its section and value follow it, as define_defsyms made
 * them). */
static void check_defsyms(void) {
  for (size_t i = 0; i < ctx.opt.defsyms.n; i++) {
    const struct defsym *d = ctx.opt.defsyms.v[i];
    const struct symbol *t = d->target ? symmap_find(d->target) : NULL;
    if (d->target && (!t || !t->file || t->kind == SYM_UNDEF || t->kind == SYM_COMMON))
      error("--defsym %s=%s: %s is not defined by an input (with -r, --defsym takes a number "
            "or a defined symbol)",
            d->name, d->target, d->target);
  }
  check_errors();
}

void write_relocatable(void) {
  check_defsyms();
  bin_sections();
  check_errors();
  size_sections();
  plan_symbols();
  compress_sections();
  place();
  plan_runs();
  open_output(false);
  parallel_for((int64_t)nruns, write_run, NULL);
  write_zparts();
  parallel_for((int64_t)nrfiles, write_locals, rfiles);
  put_sym(0, 0, 0, 0, 0, 0, 0);
  parallel_for((int64_t)nblocks(nglobals), write_globals, NULL);
  parallel_for((int64_t)nblocks(rsecs.n), write_rsecs, NULL);
  write_shstrtab();
  write_ehdr();
  check_errors();
  close_output();
}

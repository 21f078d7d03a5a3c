/* --emit-relocs (-q): the executable keeps the relocations of its input
 * sections, as GNU ld and lld keep them for post-link
 * optimizers (BOLT's relocation mode), in a .rela.NAME section per output
 * section NAME (SHF_INFO_LINK, sh_info that section, sh_link .symtab).
 *
 * Each entry is the input relocation with its place moved to the final
 * address and its type unchanged (also where smelt relaxed the code, as
 * lld writes it). Its symbol is the one .symtab keeps for it; one that has
 * no entry there (a section symbol, a .L label, a symbol -x dropped, a
 * string merged into another's place, an IFUNC's .iplt entry, a
 * linker-defined address) becomes the section symbol of the output
 * section it lies in, with the addend made what S + A was; an undefined
 * weak symbol becomes symbol 0. So S + A of every entry is what smelt
 * applied.
 *
 * Non-allocated (debug) sections keep theirs too, placed by offset in the
 * section (also when it is compressed: the gABI relocates the bytes before
 * compression). .eh_frame is rewritten by smelt (CIEs shared, dead FDEs
 * dropped) and keeps none. RELA targets only:
 * i386's REL relocations would keep their addends in bytes the link has
 * overwritten (a warning there; BOLT reads x86_64 and aarch64). */
#include "ld/ld.h"

/* Whether isec's relocations are kept: an input section in the output
 * whose bytes are its own (not folded, merged or rewritten). */
static bool keeps_relocs(const struct isec *isec) {
  return isec->nrels && isec->alive && !isec->is_ehframe && !isec->pieces &&
         isec->file != ctx.internal && live_isec(isec) == isec;
}

void create_emit_relocs(void) {
  if (!ctx.opt.emit_relocs)
    return;
  if (!ctx.arch->is_rela) {
    warn("--emit-relocs ignored: not supported on %s (REL relocations keep their addends in "
         "bytes the link overwrites)",
         ctx.arch->name);
    ctx.opt.emit_relocs = false;
    return;
  }
  if (ctx.opt.strip_all) {
    warn("--emit-relocs ignored with -s: the relocations need .symtab");
    ctx.opt.emit_relocs = false;
    return;
  }
  size_t n = ctx.osecs.n; /* the .rela sections join the list */
  for (size_t i = 0; i < n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if (os->kind != OS_REGULAR)
      continue;
    uint64_t nrels = 0;
    for (size_t k = 0; k < os->members.n; k++) {
      const struct isec *isec = os->members.v[k];
      if (keeps_relocs(isec))
        nrels += isec->nrels;
    }
    if (!nrels)
      continue;
    struct osec *r = new_osec(xsprintf(".rela%s", os->name), SHT_RELA, SHF_INFO_LINK, OS_EMITREL);
    r->target = os;
    r->entsize = rel_entsize(ctx.arch->is64, true);
    r->align = ctx.arch->is64 ? 8 : 4;
    r->size = nrels * r->entsize;
  }
}

/* The output section a defined symbol lies in, or NULL (absolute). */
static const struct osec *symbol_osec(const struct symbol *sym) {
  if (sym->kind == SYM_OSEC)
    return sym->osec;
  if (sym->kind != SYM_DEFINED || !sym->isec)
    return NULL;
  if (sym->isec->pieces) /* a merged section: the section holding its fragments */
    return sym->isec->pieces->merged->osec;
  const struct isec *live = live_isec(sym->isec);
  return live ? live->osec : NULL;
}

/* The .symtab symbol and addend of relocation r of isec (see the top). */
static uint32_t out_symbol(const struct isec *isec, const struct rel *r, int64_t *addend) {
  struct objfile *f = isec->file;
  const struct symbol *sym = f->syms[r->sym];
  *addend = r->addend;
  if (r->sym == 0)
    return 0;
  uint32_t idx = 0;
  if (sym->is_local)
    idx = symtab_index(f, r->sym);
  else if (sym->file == ctx.internal)
    idx = synthetic_index(sym); /* _end, __init_array_start, a --defsym name */
  else if (sym->file && sym->type != STT_GNU_IFUNC && sym_class(sym) != ADDR_MERGED)
    idx = symtab_index(sym->file, sym->esym);
  if (idx && sym->type != STT_SECTION)
    return idx;
  if (!sym_is_defined(sym))
    return 0; /* undefined weak: S is 0 */
  uint64_t sa = sym_va(sym, r->addend);
  const struct osec *os = symbol_osec(sym);
  if (sym->kind == SYM_ABS && sym->linker_addr) { /* _end, __ehdr_start: the section
                                                   * .symtab gives it */
    uint32_t shndx = addr_shndx(sym_addr(sym));
    for (size_t i = 0; i < ctx.osecs.n && !os; i++)
      if (((struct osec *)ctx.osecs.v[i])->shndx == shndx)
        os = ctx.osecs.v[i];
  }
  if (sym->type == STT_GNU_IFUNC)
    os = ctx.iplt;
  if (!os || !os->symidx) {
    *addend = (int64_t)sa; /* absolute */
    return 0;
  }
  *addend = (int64_t)(sa - os->addr);
  return os->symidx;
}

struct emit_job {
  struct osec *rel;
  struct isec *isec;
  uint64_t first; /* its first entry */
};

static void write_member(void *arg, int64_t i) {
  const struct emit_job *j = &((const struct emit_job *)arg)[i];
  const struct isec *isec = j->isec;
  /* a place is an address in an allocated section, an offset elsewhere */
  uint64_t base = (isec->osec->flags & SHF_ALLOC ? isec->osec->addr : 0) + isec->out_off;
  uint64_t ent = j->rel->entsize;
  uint8_t *out = ctx.out + j->rel->offset + j->first * ent;
  for (uint32_t k = 0; k < isec->nrels; k++, out += ent) {
    struct rel r;
    get_rel(isec, k, &r);
    int64_t addend;
    uint32_t sym = out_symbol(isec, &r, &addend);
    if (ctx.arch->emitted_type)
      r.type = ctx.arch->emitted_type(isec, k, &r);
    put_rel(out, base + r.offset, sym, r.type, (uint64_t)addend);
  }
}

void write_emit_relocs(void) {
  if (!ctx.opt.emit_relocs)
    return;
  struct emit_job *jobs = NULL;
  size_t njobs = 0, cap = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *rel = ctx.osecs.v[i];
    if (rel->kind != OS_EMITREL || !rel->shndx)
      continue;
    rel->link = ctx.symtab->shndx;
    rel->info = rel->target->shndx;
    uint64_t at = 0;
    for (size_t k = 0; k < rel->target->members.n; k++) {
      struct isec *isec = rel->target->members.v[k];
      if (!keeps_relocs(isec))
        continue;
      if (njobs == cap)
        jobs = xrealloc(jobs, (cap = cap ? 2 * cap : 64) * sizeof(*jobs));
      jobs[njobs++] = (struct emit_job){rel, isec, at};
      at += isec->nrels;
    }
  }
  parallel_for((int64_t)njobs, write_member, jobs);
  xfree(jobs);
}

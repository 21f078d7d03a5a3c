/* Static PIE (-static -pie, what gcc and clang pass for -static-pie): an
 * ET_DYN image linked at address 0 that the kernel loads at a random base
 * and that relocates itself before main. musl's start file for it,
 * rcrt1.o, finds the dynamic array at _DYNAMIC, takes the load base from
 * the PT_DYNAMIC program header and applies every R_*_RELATIVE relocation
 * of DT_RELA (DT_REL on i386): word = base + addend (REL: word += base).
 * Nothing else runs at load time: no symbols, no other relocation types.
 *
 * So each word the link writes with an address in the image gets one
 * relative relocation: the words of absolute word-sized relocations
 * (R_X86_64_64, R_386_32, R_AARCH64_ABS64) in writable sections, and the
 * GOT slots holding addresses. Values that do not move with the image
 * (absolute symbols, undefined weak ones, TP offsets) get none. An absolute
 * address anywhere else (in code, or in a field narrower than a word) has
 * no load-time relocation that could fix it: the link stops, naming the
 * file, section, offset and symbol, and asks for -fPIE code, as lld does
 * (rcrt1.o cannot write into read-only segments, so there are no text
 * relocations either). The other way round, a PC- or GOT-relative
 * reference to an absolute value would be off by the load base, and is
 * refused too (GNU ld and lld refuse it).
 *
 * glibc's static PIE start code (_dl_relocate_static_pie) reads more: it
 * takes the symbol table from DT_SYMTAB even when no relocation names a
 * symbol, so there is an empty .dynsym (its null symbol) beside the empty
 * .dynstr, as GNU ld makes them. And glibc's libc.a calls IFUNCs (memcpy,
 * strlen) long before constructors run: it applies the R_*_IRELATIVE
 * relocations of DT_RELA itself, after the relative ones (musl's rcrt1.o
 * passes over them), and would apply those between __rela_iplt_start and
 * __rela_iplt_end without the load base, so in a static PIE the IRELATIVE
 * relocations of ld/ifunc.c are at the end of .rela.dyn, where ld/ifunc.c's
 * routine also finds them for musl, and that range is empty, as GNU ld
 * leaves it.
 *
 * The relocations are counted per file while relocations are scanned, and
 * written after the sections, in address order (see struct piece).
 * Layout: .dynsym, .dynstr and .rela.dyn with the read-only data, .dynamic
 * in RELRO before .got, PT_DYNAMIC. */
#include "ld/ld.h"

uint64_t rel_entsize(bool is64, bool rela) {
  return rela ? (is64 ? sizeof(Elf64_Rela) : sizeof(Elf32_Rela))
              : (is64 ? sizeof(Elf64_Rel) : sizeof(Elf32_Rel));
}

/* One relocation of the output's own tables (no symbol): at p, the target's
 * Elf_Rela, or Elf_Rel without the addend. */
void put_rel(uint8_t *p, uint64_t where, uint32_t sym, uint32_t type, uint64_t addend) {
  const struct arch *a = ctx.arch;
  if (a->is64) {
    wr64(p, where);
    wr64(p + 8, ELF64_R_INFO((uint64_t)sym, type));
    if (a->is_rela)
      wr64(p + 16, addend);
  } else {
    wr32(p, (uint32_t)where);
    wr32(p + 4, ELF32_R_INFO(sym, type));
    if (a->is_rela)
      wr32(p + 8, (uint32_t)addend);
  }
}

int pie_class(const struct arch *a, uint32_t type) {
  if (type >= a->nhowto || !a->howto[type].name || a->howto[type].expr != RX_ABS ||
      (a->abs_pic && a->abs_pic(type)))
    return PIE_NONE;
  return a->howto[type].size == (a->is64 ? 8 : 4) ? PIE_WORD : PIE_ABS;
}

void create_pie_sections(void) {
  bool is64 = ctx.arch->is64, rela = ctx.arch->is_rela;
  /* no symbols: an empty symbol table and string table, as GNU ld's; both
   * all zeros, left as a new file's bytes */
  struct osec *y = new_osec(".dynsym", SHT_DYNSYM, SHF_ALLOC, OS_DYNSTR);
  y->align = is64 ? 8 : 4;
  y->entsize = y->size = is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
  y->info = 1; /* one local symbol, the null one */
  struct osec *s = new_osec(".dynstr", SHT_STRTAB, SHF_ALLOC, OS_DYNSTR);
  s->size = 1;
  struct osec *r = new_osec(rela ? ".rela.dyn" : ".rel.dyn", rela ? SHT_RELA : SHT_REL,
                            SHF_ALLOC, OS_RELDYN);
  r->align = is64 ? 8 : 4;
  r->entsize = rel_entsize(is64, rela);
  struct osec *d = new_osec(".dynamic", SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE, OS_DYNAMIC);
  d->align = is64 ? 8 : 4;
  d->entsize = is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
  d->size = PIE_DYN_ENTRIES * d->entsize;
  ctx.dynamic = d;
  ctx.reldyn = r;
  ctx.dynstr = s;
  ctx.dynsym = y;
}

/* The kind of load-time fix relocation r of isec needs: PIE_NONE, or
 * PIE_WORD for a relative relocation (which only a writable section can
 * take), or PIE_ABS when none can help. */
static int needs(const struct isec *isec, const struct rel *r, const struct symbol *sym) {
  int c = pie_class(ctx.arch, r->type);
  if (c == PIE_NONE || !moves_with_image(sym))
    return PIE_NONE;
  return c == PIE_WORD && (isec->flags & SHF_WRITE) ? PIE_WORD : PIE_ABS;
}

/* A distance from a place in the image (RX_PC, ADRP) or from its GOT
 * (RX_GOTOFF) to an absolute value (not the linker's address symbols) is
 * known only at load time: GNU ld and lld refuse it in a PIE. */
static bool distance_to_value(uint32_t type, const struct symbol *sym) {
  const struct arch *a = ctx.arch;
  if (sym->kind != SYM_ABS || sym->linker_addr || type >= a->nhowto || !a->howto[type].name)
    return false;
  uint8_t e = a->howto[type].expr;
  return e == RX_PC || e == RX_GOTOFF || (a->page_relative && a->page_relative(type));
}

static bool scanned(const struct isec *isec) {
  return isec->alive && (isec->flags & SHF_ALLOC) && isec->relsec && !isec->pieces &&
         isec->file != ctx.internal;
}

void scan_pie_relocs(struct isec *isec) {
  struct objfile *f = isec->file;
  if (!scanned(isec))
    return;
  uint32_t n = isec_nrels(isec);
  for (uint32_t i = 0; i < n; i++) {
    struct rel r;
    get_rel(isec, i, &r);
    if (r.sym >= f->nsyms)
      continue; /* reported by the arch's scan */
    const struct symbol *sym = f->syms[r.sym];
    int c = needs(isec, &r, sym);
    if (c == PIE_WORD) {
      f->nrelative++;
    } else if (c == PIE_ABS) {
      bool word = pie_class(ctx.arch, r.type) == PIE_WORD;
      error("%s:(%s+0x%llx): relocation %s against %s cannot be used in a static PIE: %s; "
            "recompile with -fPIE",
            f->name, isec->name, (unsigned long long)r.offset, reloc_name(r.type),
            sym_display(sym),
            word ? "the section is read-only, and the start code can only relocate "
                   "writable data"
                 : "the field is narrower than an address");
    } else if (distance_to_value(r.type, sym)) {
      error("%s:(%s+0x%llx): relocation %s against absolute symbol %s cannot be used in a "
            "static PIE: it is relative to the image, which moves, and the symbol's value does "
            "not; recompile with -fPIC (a GOT load of it is kept)",
            f->name, isec->name, (unsigned long long)r.offset, reloc_name(r.type),
            sym_display(sym));
    }
  }
}

static bool got_needs(const struct gotent *g) { return !g->is_tp && moves_with_image(g->sym); }

void count_relative(void) {
  uint64_t n = 0;
  for (size_t i = 0; i < ctx.live.n; i++)
    n += ((struct objfile *)ctx.live.v[i])->nrelative;
  for (uint32_t i = 0; i < ctx.ngot; i++)
    n += got_needs(&ctx.gotents[i]);
  n += ctx.iplt_run != NULL; /* the .init_array word that runs the IFUNC resolvers */
  ctx.nrelative = n;
  ctx.reldyn->size = (n + ctx.nifunc) * ctx.reldyn->entsize;
}

size_t fill_dynamic(uint8_t *out, bool is64, bool rela, const struct dyn_info *d) {
  uint64_t ent = rel_entsize(is64, rela);
  uint64_t v[PIE_DYN_ENTRIES][2];
  size_t n = 0;
  v[n][0] = DT_SYMTAB, v[n++][1] = d->symtab;
  v[n][0] = DT_SYMENT, v[n++][1] = is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
  v[n][0] = DT_STRTAB, v[n++][1] = d->strtab;
  v[n][0] = DT_STRSZ, v[n++][1] = 1;
  if (d->nrelative + d->nirelative) {
    v[n][0] = rela ? DT_RELA : DT_REL, v[n++][1] = d->rel;
    v[n][0] = rela ? DT_RELASZ : DT_RELSZ, v[n++][1] = (d->nrelative + d->nirelative) * ent;
    v[n][0] = rela ? DT_RELAENT : DT_RELENT, v[n++][1] = ent;
    v[n][0] = rela ? DT_RELACOUNT : DT_RELCOUNT, v[n++][1] = d->nrelative;
  }
  v[n][0] = DT_FLAGS_1, v[n++][1] = DF_1_PIE;
  v[n][0] = DT_NULL, v[n++][1] = 0;
  for (size_t i = 0; i < n; i++) {
    if (is64) {
      wr64(out + 16 * i, v[i][0]);
      wr64(out + 16 * i + 8, v[i][1]);
    } else {
      wr32(out + 8 * i, (uint32_t)v[i][0]);
      wr32(out + 8 * i + 4, (uint32_t)v[i][1]);
    }
  }
  return n;
}

/* The relocations are written in output order, by pieces that each
 * know where theirs start: the writable sections' members and the GOT,
 * counted and then written in parallel. Within a piece they follow its
 * input relocations, which compilers emit by offset, so the table is
 * sorted by address but where an input's relocations are not. */
struct piece {
  struct isec *isec; /* NULL: the GOT; or ctx.iplt_run, the one word of ld/ifunc.c */
  uint64_t first, n;
};

static void emit(uint8_t *p, uint64_t where, uint64_t value) {
  put_rel(p, where, 0, ctx.arch->relative_type, value);
}

/* Counts the piece's relative relocations, or with out writes them there
 * (pc->n of them, as counted). */
static uint64_t do_piece(const struct piece *pc, uint8_t *out) {
  uint64_t n = 0, ent = ctx.reldyn->entsize;
  if (!pc->isec) {
    for (uint32_t i = 0; i < ctx.ngot; i++) {
      if (!got_needs(&ctx.gotents[i]))
        continue;
      if (out && n < pc->n)
        emit(out + ent * n, ctx.got->addr + (uint64_t)i * ctx.arch->got_entsize,
             sym_addr(ctx.gotents[i].sym));
      n++;
    }
    return n;
  }
  struct isec *isec = pc->isec;
  if (isec == ctx.iplt_run) {
    if (out)
      emit(out, isec_addr(isec), ctx.iplt->addr);
    return 1;
  }
  struct objfile *f = isec->file;
  uint32_t nr = isec_nrels(isec);
  for (uint32_t i = 0; i < nr; i++) {
    struct rel r;
    get_rel(isec, i, &r);
    if (r.sym >= f->nsyms || needs(isec, &r, f->syms[r.sym]) != PIE_WORD)
      continue;
    uint64_t off;
    if (out && n < pc->n) {
      if (!reloc_place(isec, r.offset, ctx.arch->howto[r.type].size, &off))
        error("internal error: %s:(%s+0x%llx): no place for a relative relocation", f->name,
              isec->name, (unsigned long long)r.offset);
      emit(out + ent * n, isec_addr(isec) + off, sym_va(f->syms[r.sym], r.addend));
    }
    n++;
  }
  return n;
}

static void count_piece(void *arg, int64_t i) {
  struct piece *pc = &((struct piece *)arg)[i];
  pc->n = do_piece(pc, NULL);
}

static void write_piece(void *arg, int64_t i) {
  const struct piece *pc = &((struct piece *)arg)[i];
  do_piece(pc, ctx.out + ctx.reldyn->offset + pc->first * ctx.reldyn->entsize);
}

void write_pie_sections(void) {
  size_t np = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if ((os->flags & SHF_ALLOC) && (os->flags & SHF_WRITE))
      np += os->kind == OS_GOT ? 1 : os->members.n;
  }
  struct piece *pcs = xcalloc(np ? np : 1, sizeof(*pcs));
  np = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if (!(os->flags & SHF_ALLOC) || !(os->flags & SHF_WRITE))
      continue;
    if (os->kind == OS_GOT)
      pcs[np++].isec = NULL;
    for (size_t k = 0; k < os->members.n; k++)
      if (scanned(os->members.v[k]) || os->members.v[k] == ctx.iplt_run)
        pcs[np++].isec = os->members.v[k];
  }
  parallel_for((int64_t)np, count_piece, pcs);
  uint64_t at = 0;
  for (size_t i = 0; i < np; i++)
    pcs[i].first = at, at += pcs[i].n;
  if (at != ctx.nrelative)
    fatal("internal error: %llu relative relocations found, %llu counted",
          (unsigned long long)at, (unsigned long long)ctx.nrelative);
  parallel_for((int64_t)np, write_piece, pcs);
  xfree(pcs);
  check_errors();
  put_irelatives(ctx.out + ctx.reldyn->offset + ctx.nrelative * ctx.reldyn->entsize);
  ctx.dynamic->link = ctx.dynsym->link = ctx.dynstr->shndx;
  struct dyn_info d = {ctx.dynsym->addr, ctx.dynstr->addr, ctx.reldyn->addr, ctx.nrelative,
                       ctx.nifunc};
  fill_dynamic(ctx.out + ctx.dynamic->offset, ctx.arch->is64, ctx.arch->is_rela, &d);
}

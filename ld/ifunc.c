/* IFUNC (STT_GNU_IFUNC) in a static executable. An indirect function is a
 * symbol whose value is a resolver: called once at start-up, it returns
 * the implementation to use (chosen by CPU features, say; gcc's
 * target_clones makes them). glibc's static start code applies the
 * R_*_IRELATIVE relocations between __rela_iplt_start and __rela_iplt_end;
 * musl's does not, so a static musl program linked by GNU ld, lld or mold
 * jumps through a slot nothing filled. smelt makes them work.
 *
 * Every live IFUNC symbol gets
 *  - a word in .got.plt, which the resolver's answer fills at start-up;
 *  - an entry in .iplt that jumps through that word. The entry is the
 *    symbol's address for every reference (calls, pointers, GOT slots), so
 *    pointers to it compare equal wherever they were taken;
 *  - an R_*_IRELATIVE relocation of the word in .rela.iplt (.rel.iplt on
 *    i386), as GNU ld writes it, between __rela_iplt_start and _end; in a
 *    static PIE, as GNU ld writes it too, at the end of .rela.dyn instead
 *    (glibc applies them there: see ld/pie.c).
 * .iplt starts with a routine (the arch's write_iplt) that applies those
 * relocations: it calls each resolver and stores what it returns. The
 * first word of .init_array runs it, so resolvers run after libc is set up
 * (environment, TLS, auxiliary vector) and before every constructor.
 * Unless the libc applies them itself: glibc's static start code does,
 * before its own first IFUNC call, and names __rela_iplt_start (i386:
 * __rel_iplt_start) to find them; the routine is then not run, as running
 * it twice would call an i386 implementation (REL keeps the resolver in
 * the word that its answer replaced) as if it were the resolver.
 * aarch64 resolvers get musl's AT_HWCAP in x0, as glibc passes it. The
 * routine finds its load address itself, so static PIEs work too, except
 * on i386, whose entries would need an absolute address.
 *
 * The symbols are found once the live sections are known (after --gc-sections
 * and ICF) and numbered in command-line and symbol order, so the layout
 * never depends on thread timing. */
#include "ld/ld.h"

static bool is_live_ifunc(const struct objfile *f, uint32_t k) {
  const struct symbol *sym = f->syms[k];
  return sym->type == STT_GNU_IFUNC && sym->file == f && sym->kind == SYM_DEFINED &&
         (k < f->first_global || sym->esym == k) && sym->isec && live_isec(sym->isec)->alive;
}

/* The live IFUNC symbols one file defines, in symbol order (parallel). */
static void collect(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  f->scratch.n = 0;
  for (uint32_t k = 1; k < f->nsyms; k++)
    if (is_live_ifunc(f, k))
      vec_push(&f->scratch, f->syms[k]);
}

static uint64_t word_size(void) { return ctx.arch->is64 ? 8 : 4; }

/* Whether the libc applies the IRELATIVE relocations (glibc's start code
 * names these; musl's never does). */
static bool libc_applies_irelative(void) {
  static const char *const names[] = {"__rela_iplt_start", "__rel_iplt_start"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    const struct symbol *sym = symmap_find(names[i]);
    if (sym && !sym->file) /* referenced, and left to the linker to define */
      return true;
  }
  return false;
}

/* The .init_array word that runs the routine: first of all constructors
 * (priority 0, and the linker's before an input's of the same priority). */
static void add_run_word(void) {
  struct osec *ia = osec_named(".init_array");
  if (!ia)
    ia = new_osec(".init_array", SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE, OS_REGULAR);
  struct isec *w = linker_isec(".init_array", SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE,
                               word_size(), (uint32_t)word_size());
  w->data = xalloc(w->size); /* its word is written with the routine */
  w->order = 0;
  w->osec = ia;
  vec_push(&ia->members, w);
  ctx.iplt_run = w;
}

void create_ifunc_sections(void) {
  parallel_for((int64_t)ctx.live.n, collect, ctx.live.v);
  uint32_t n = 0;
  for (size_t i = 0; i < ctx.live.n; i++)
    n += (uint32_t)((struct objfile *)ctx.live.v[i])->scratch.n;
  ctx.ifuncs = n ? xalloc(n * sizeof(struct symbol *)) : NULL;
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (size_t k = 0; k < f->scratch.n; k++) {
      struct symbol *sym = f->scratch.v[k];
      sym->plt_idx = (int32_t)ctx.nifunc;
      ctx.ifuncs[ctx.nifunc++] = sym;
    }
    xfree(f->scratch.v);
    f->scratch = (struct vec){0};
  }
  if (!n)
    return;
  const struct arch *a = ctx.arch;
  if (ctx.opt.pie && !a->iplt_pic) {
    const struct symbol *sym = ctx.ifuncs[0];
    fatal("%s:(%s+0x%llx): IFUNC symbol %s cannot be used in an %s static PIE: its call "
          "stubs would need an absolute address; link without -pie",
          sym->file->name, sym->isec->name, (unsigned long long)sym->value, sym->name, a->name);
  }
  ctx.iplt = new_osec(".iplt", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, OS_IPLT);
  ctx.iplt->align = 16;
  ctx.iplt->size = a->iplt_init_size + (uint64_t)n * IPLT_ENTSIZE;
  ctx.igot = new_osec(".got.plt", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, OS_IGOT);
  ctx.igot->align = ctx.igot->entsize = word_size();
  ctx.igot->size = n * word_size();
  if (!libc_applies_irelative())
    add_run_word();
  if (ctx.opt.pie)
    return;
  ctx.rela_iplt = new_osec(a->is_rela ? ".rela.iplt" : ".rel.iplt",
                           a->is_rela ? SHT_RELA : SHT_REL, SHF_ALLOC | SHF_INFO_LINK,
                           OS_RELAIPLT);
  ctx.rela_iplt->align = word_size();
  ctx.rela_iplt->entsize = rel_entsize(a->is64, a->is_rela);
  ctx.rela_iplt->size = n * rel_entsize(a->is64, a->is_rela);
}

static void put_word(uint8_t *p, uint64_t v) {
  if (ctx.arch->is64)
    wr64(p, v);
  else
    wr32(p, (uint32_t)v);
}

/* One R_*_IRELATIVE per IFUNC symbol at rel: its .got.plt word gets what
 * its resolver returns. */
void put_irelatives(uint8_t *rel) {
  const struct arch *a = ctx.arch;
  uint64_t word = word_size(), ent = rel_entsize(a->is64, a->is_rela);
  for (uint32_t i = 0; i < ctx.nifunc; i++)
    put_rel(rel + i * ent, ctx.igot->addr + i * word, 0, a->irelative_type,
            sym_def_addr(ctx.ifuncs[i]));
}

void write_ifunc_sections(void) {
  if (!ctx.iplt)
    return;
  const struct arch *a = ctx.arch;
  const struct symbol *hw = symmap_find("__hwcap");
  uint64_t ent = rel_entsize(a->is64, a->is_rela);
  uint64_t rel = ctx.rela_iplt ? ctx.rela_iplt->addr : ctx.reldyn->addr + ctx.nrelative * ent;
  struct iplt l = {
      .addr = ctx.iplt->addr,
      .rel = rel,
      .end = rel + ctx.nifunc * ent,
      .slots = ctx.igot->addr,
      .n = ctx.nifunc,
      .hwcap = hw && hw->kind == SYM_DEFINED && sym_is_defined(hw) ? sym_addr(hw) : 0,
  };
  if (!a->write_iplt(ctx.out + ctx.iplt->offset, &l))
    error("IFUNC entries in .iplt (0x%llx) cannot reach .got.plt (0x%llx) or .rela.iplt "
          "(0x%llx)",
          (unsigned long long)l.addr, (unsigned long long)l.slots, (unsigned long long)l.rel);
  uint64_t word = word_size();
  uint8_t *slots = ctx.out + ctx.igot->offset;
  for (uint32_t i = 0; i < ctx.nifunc; i++) /* REL keeps the resolver in the word (the addend) */
    put_word(slots + i * word, a->is_rela ? 0 : sym_def_addr(ctx.ifuncs[i]));
  if (ctx.rela_iplt) { /* else written with .rela.dyn */
    put_irelatives(ctx.out + ctx.rela_iplt->offset);
    ctx.rela_iplt->info = ctx.igot->shndx;
  }
  const struct isec *w = ctx.iplt_run;
  if (w)
    put_word(ctx.out + w->osec->offset + w->out_off, l.addr);
}

/* .symtab, .strtab and .shstrtab. Sizes are computed per file in parallel,
 * turned into offsets by a prefix sum in command-line order, and written in
 * parallel: each run of files owns its slice, so the bytes do not depend on
 * thread timing. Locals of every file come first, then globals (each by the
 * file that defines it), then the linker's own symbols. */
#include "ld/ld.h"

bool local_discarded(const struct symbol *sym) {
  if (!sym->name[0] || ctx.opt.discard == DISCARD_ALL)
    return true;
  return sym->name[0] == '.' && sym->name[1] == 'L' && ctx.opt.discard != DISCARD_NONE;
}

/* An input's local symbol, kept unless local_discarded() */
static bool keep_local(const struct symbol *sym) {
  if (sym->type == STT_SECTION || local_discarded(sym))
    return false;
  if (sym->kind == SYM_ABS)
    return true;
  return sym->kind == SYM_DEFINED && sym->isec && sym->isec->alive && sym->isec->osec &&
         sym->isec->osec->shndx;
}

static bool keep_global(const struct objfile *f, uint32_t k) {
  const struct symbol *sym = f->syms[k];
  if (sym->file != f || sym->esym != k)
    return false;
  if (sym->kind == SYM_DEFINED)
    return sym->isec && sym->isec->alive && sym->isec->osec && sym->isec->osec->shndx;
  return sym->kind == SYM_ABS;
}

static void count_file(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  uint64_t nl = 0, ng = 0, str = 0;
  uint32_t *idx = ctx.opt.emit_relocs ? xcalloc(f->nsyms ? f->nsyms : 1, sizeof(*idx)) : NULL;
  for (uint32_t k = 1; k < f->nsyms; k++) {
    prefetch_global(f, k);
    bool keep = k < f->first_global ? keep_local(f->syms[k]) : keep_global(f, k);
    if (!keep)
      continue;
    if (k < f->first_global)
      nl++;
    else
      ng++;
    if (idx)
      idx[k] = (uint32_t)(k < f->first_global ? nl : ng);
    str += strlen(f->syms[k]->name) + 1;
  }
  f->out_idx = idx;
  f->out_nlocal = nl, f->out_nglobal = ng, f->out_strsize = str;
}

static uint64_t nsynth_out, synth_str, synth_idx, synth_stroff;
static void index_synthetic(void);

/* A run of files' locals, globals and names are built in a thread's buffer
 * and written with three pwrites, like the streamed sections: the output
 * pages of a large .symtab and .strtab are then never faulted in through
 * the mapping. A run holds files until it has about RUN bytes, so a link of
 * many small files does not make a few small pwrites per file (each one
 * takes the inode's lock and costs about a microsecond): the Go program's
 * 199 files made 474 of them, mostly of 24 to 200 bytes. The files of a run
 * are consecutive, and so are their slices of the three. */
enum { RUN = 128 << 10 };

static struct vec runs; /* index in ctx.live of each run's first file */

void prepare_symtab(void) {
  /* .shstrtab */
  struct osec **oss = (struct osec **)ctx.osecs.v;
  uint64_t shstr = 1;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    oss[i]->name_off = (uint32_t)shstr;
    shstr += strlen(oss[i]->name) + 1;
  }
  ctx.shstrtab->size = shstr;
  if (!ctx.symtab)
    return;

  parallel_for((int64_t)ctx.live.n, count_file, ctx.live.v);
  nsynth_out = synth_str = 0;
  for (size_t i = 0; i < ctx.synthetic.n; i++) {
    struct symbol *sym = ctx.synthetic.v[i];
    nsynth_out++;
    synth_str += strlen(sym->name) + 1;
  }
  uint64_t idx = 1, str = 1;
  /* --emit-relocs: a section symbol for each section of contents first,
   * for relocations whose symbol has no place of its own in .symtab */
  for (size_t i = 0; ctx.opt.emit_relocs && i < ctx.osecs.n; i++) {
    struct osec *os = oss[i];
    bool tables = os->kind == OS_SYMTAB || os->kind == OS_STRTAB || os->kind == OS_SHSTRTAB ||
                  os->kind == OS_EMITREL;
    os->symidx = os->shndx && !tables ? (uint32_t)idx++ : 0;
  }
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    f->out_local_idx = idx;
    idx += f->out_nlocal;
  }
  uint64_t first_global = idx;
  size_t entsize = ctx.arch->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
  uint64_t run_bytes = RUN;
  runs.n = 0;
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    f->out_global_idx = idx;
    idx += f->out_nglobal;
    f->out_stroff = str;
    str += f->out_strsize;
    if (run_bytes >= RUN) {
      vec_push(&runs, (void *)(uintptr_t)i);
      run_bytes = 0;
    }
    run_bytes += (f->out_nlocal + f->out_nglobal) * entsize + f->out_strsize;
  }
  synth_idx = idx;
  synth_stroff = str;
  if (ctx.opt.emit_relocs)
    index_synthetic();
  idx += nsynth_out;
  str += synth_str;
  ctx.symtab->size = idx * entsize;
  ctx.symtab->entsize = entsize;
  ctx.symtab->align = ctx.arch->is64 ? 8 : 4;
  ctx.symtab->info = (uint32_t)first_global;
  ctx.symtab->link = ctx.strtab->shndx;
  ctx.strtab->size = str;
}

/* The section a linker-defined address belongs to, as GNU ld and lld give
 * one (so a static PIE's loader bias applies to it in gdb and perf): the
 * allocated section holding it, else the last one ending at it (_end,
 * __init_array_end), else the first section for the headers before it
 * (__ehdr_start); SHN_ABS for an address outside the image. */
uint32_t addr_shndx(uint64_t va) {
  const struct osec *ends = NULL, *first = NULL;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    const struct osec *os = ctx.osecs.v[i];
    bool tbss = (os->flags & SHF_TLS) && os->type == SHT_NOBITS; /* overlaps what follows */
    if (!(os->flags & SHF_ALLOC) || !os->shndx || tbss)
      continue;
    if (!first || os->addr < first->addr)
      first = os;
    if (va >= os->addr && va < os->addr + os->size)
      return os->shndx;
    if (va == os->addr + os->size)
      ends = os;
  }
  if (ends)
    return ends->shndx;
  return first && va >= image_base() && va < first->addr ? first->shndx : SHN_ABS;
}

static void put_sym(uint8_t *dst, uint32_t name, const struct symbol *sym, uint8_t bind) {
  /* an IFUNC's value is its resolver, as GNU ld writes it (gdb calls it) */
  uint64_t value = sym->type == STT_GNU_IFUNC ? sym_def_addr(sym) : sym_addr(sym);
  uint32_t shndx = SHN_ABS;
  if (sym->kind == SYM_DEFINED && sym->isec && sym->isec->osec)
    shndx = sym->isec->osec->shndx;
  else if (sym->kind == SYM_OSEC && sym->osec->shndx)
    shndx = sym->osec->shndx;
  else if (sym->kind == SYM_ABS && sym->linker_addr)
    shndx = addr_shndx(value);
  if (sym->type == STT_TLS)
    value -= ctx.tls_begin;
  uint8_t info = (uint8_t)(bind << 4 | (sym->type & 0xf));
  uint8_t other = sym->visibility;
  if (ctx.arch->is64) {
    Elf64_Sym s = {name, info, other, (uint16_t)(shndx >= SHN_LORESERVE && shndx != SHN_ABS ? SHN_XINDEX : shndx), value, sym->size};
    memcpy(dst, &s, sizeof(s));
  } else {
    Elf32_Sym s = {name, (uint32_t)value, (uint32_t)sym->size, info, other, (uint16_t)shndx};
    memcpy(dst, &s, sizeof(s));
  }
}

/* Run r of the files (RUN, above), with three pwrites. */
static void write_run(void *arg, int64_t r) {
  (void)arg;
  size_t b = (uintptr_t)runs.v[r], e = (size_t)r + 1 < runs.n ? (uintptr_t)runs.v[r + 1] : ctx.live.n;
  struct objfile **fs = (struct objfile **)ctx.live.v, *first = fs[b], *last = fs[e - 1];
  size_t entsize = ctx.symtab->entsize;
  uint64_t nl = (last->out_local_idx + last->out_nlocal - first->out_local_idx) * entsize;
  uint64_t ng = (last->out_global_idx + last->out_nglobal - first->out_global_idx) * entsize;
  uint64_t ns = last->out_stroff + last->out_strsize - first->out_stroff;
  if (!nl && !ng)
    return;
  uint8_t *locals = scratch(nl + ng + ns), *globals = locals + nl;
  char *names = (char *)globals + ng;
  uint64_t li = 0, gi = 0, so = 0;
  for (size_t i = b; i < e; i++) {
    struct objfile *f = fs[i];
    for (uint32_t k = 1; k < f->nsyms; k++) {
      prefetch_global(f, k);
      bool local = k < f->first_global;
      struct symbol *sym = f->syms[k];
      if (!(local ? keep_local(sym) : keep_global(f, k)))
        continue;
      size_t len = strlen(sym->name) + 1;
      memcpy(names + so, sym->name, len);
      if (local)
        put_sym(locals + li++ * entsize, (uint32_t)(first->out_stroff + so), sym, STB_LOCAL);
      else
        put_sym(globals + gi++ * entsize, (uint32_t)(first->out_stroff + so), sym, sym->bind);
      so += len;
    }
  }
  write_out(locals, nl, ctx.symtab->offset + first->out_local_idx * entsize);
  write_out(globals, ng, ctx.symtab->offset + first->out_global_idx * entsize);
  write_out((const uint8_t *)names, so, ctx.strtab->offset + first->out_stroff);
}

void write_symtab(void) {
  struct osec **oss = (struct osec **)ctx.osecs.v;
  char *shstr = (char *)ctx.out + ctx.shstrtab->offset;
  for (size_t i = 0; i < ctx.osecs.n; i++)
    memcpy(shstr + oss[i]->name_off, oss[i]->name, strlen(oss[i]->name) + 1);
  if (!ctx.symtab)
    return;
  parallel_for((int64_t)runs.n, write_run, NULL);
  size_t entsize = ctx.symtab->entsize;
  uint8_t *symtab = ctx.out + ctx.symtab->offset;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    const struct osec *os = oss[i];
    if (!os->symidx)
      continue;
    uint8_t *p = symtab + os->symidx * entsize;
    uint8_t info = ELF64_ST_INFO(STB_LOCAL, STT_SECTION);
    if (ctx.arch->is64) {
      Elf64_Sym e = {0, info, 0, (uint16_t)(os->shndx < SHN_LORESERVE ? os->shndx : SHN_XINDEX),
                     os->addr, 0};
      memcpy(p, &e, sizeof(e));
    } else {
      Elf32_Sym e = {0, (uint32_t)os->addr, 0, info, 0, (uint16_t)os->shndx};
      memcpy(p, &e, sizeof(e));
    }
  }
  char *strtab = (char *)ctx.out + ctx.strtab->offset;
  uint64_t idx = synth_idx, so = synth_stroff;
  for (size_t i = 0; i < ctx.synthetic.n; i++) {
    struct symbol *sym = ctx.synthetic.v[i];
    size_t len = strlen(sym->name) + 1;
    memcpy(strtab + so, sym->name, len);
    put_sym(symtab + idx++ * entsize, (uint32_t)so, sym, STB_GLOBAL);
    so += len;
  }
}

/* --emit-relocs: the linker's own symbols' .symtab indices, by symbol */
struct synth_slot {
  const struct symbol *sym;
  uint32_t idx;
};
static struct synth_slot *synth_table;
static uint64_t synth_mask;

static void index_synthetic(void) {
  uint64_t slots = table_slots(ctx.synthetic.n);
  synth_table = xcalloc(slots, sizeof(*synth_table));
  synth_mask = slots - 1;
  for (size_t i = 0; i < ctx.synthetic.n; i++) {
    const struct symbol *sym = ctx.synthetic.v[i];
    struct synth_slot *s = &synth_table[ptr_slot(synth_table, sizeof(*s), synth_mask, sym)];
    s->sym = sym;
    s->idx = (uint32_t)(synth_idx + i);
  }
}

uint32_t synthetic_index(const struct symbol *sym) {
  if (!synth_table)
    return 0;
  const struct synth_slot *s = &synth_table[ptr_slot(synth_table, sizeof(*s), synth_mask, sym)];
  return s->sym ? s->idx : 0;
}

uint32_t symtab_index(const struct objfile *f, uint32_t k) {
  if (!f->out_idx || !f->out_idx[k])
    return 0;
  return (uint32_t)((k < f->first_global ? f->out_local_idx : f->out_global_idx) - 1 +
                    f->out_idx[k]);
}

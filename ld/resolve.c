/* Resolve: decide which definition every global symbol binds to and which
 * archive members are linked.
 *
 * Each definition gets a key: rank << 40 | file priority, where rank orders
 * strong < weak < (archive member) strong < weak < common, and priority is
 * command-line order. The smallest key wins, installed with an atomic min,
 * so the winner is independent of thread timing. Archive members are pulled
 * by non-weak undefined references, breadth-first to a fixpoint (every
 * archive is searched, as lld and mold do, so group order never matters).
 * Then COMDAT groups keep their first copy by command-line order, and the
 * keys are recomputed over the live files only. Follows ld/input.c. */
#include "ld/ld.h"
#include <fnmatch.h>

enum { PRIO_BITS = 40 };

static uint64_t def_key(struct objfile *f, uint8_t bind, uint32_t shndx, bool lazy) {
  uint64_t rank;
  bool weak = bind == STB_WEAK;
  if (shndx == SHNDX_COMMON)
    rank = lazy ? 6 : 5;
  else if (lazy)
    rank = weak ? 4 : 3;
  else
    rank = weak ? 2 : 1;
  return rank << PRIO_BITS | (uint64_t)f->priority;
}

static struct objfile *key_file(uint64_t key) {
  uint64_t prio = key & ((1ull << PRIO_BITS) - 1);
  return ctx.files.v[prio - 1];
}

static bool defined_in_live_section(struct objfile *f, uint32_t shndx) {
  if (shndx == SHNDX_ABS || shndx == SHNDX_COMMON)
    return true;
  struct isec *isec = f->secs[shndx];
  return !isec || isec->alive;
}

static void atomic_min(atomic_uint_fast64_t *p, uint64_t v) {
  uint64_t cur = atomic_load_explicit(p, memory_order_relaxed);
  while (v < cur && !atomic_compare_exchange_weak(p, &cur, v))
    ;
}

/* Installs every definition of one file into the global keys. */
static void install_defs(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  bool lazy = !atomic_load(&f->alive);
  for (uint32_t k = f->first_global; k < f->nsyms; k++) {
    prefetch_global(f, k);
    uint8_t info, other;
    uint32_t shndx;
    uint64_t value, size;
    objfile_sym(f, k, &info, &other, &shndx, &value, &size);
    if (shndx == SHN_UNDEF || !defined_in_live_section(f, shndx))
      continue;
    atomic_min(&f->syms[k]->rank, def_key(f, ELF64_ST_BIND(info), shndx, lazy));
  }
}

static void reset_keys(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  for (uint32_t k = f->first_global; k < f->nsyms; k++) {
    prefetch_global(f, k);
    atomic_store_explicit(&f->syms[k]->rank, UINT64_MAX, memory_order_relaxed);
  }
}

/* Archive member that would satisfy an undefined reference, or NULL. */
static struct objfile *provider(struct symbol *sym) {
  uint64_t key = atomic_load(&sym->rank);
  if (key == UINT64_MAX)
    return NULL;
  struct objfile *f = key_file(key);
  return atomic_load(&f->alive) ? NULL : f;
}

static void extract(struct objfile *from, struct symbol *sym) {
  struct objfile *m = provider(sym);
  if (!m)
    return;
  bool expected = false;
  if (atomic_compare_exchange_strong(&m->alive, &expected, true))
    vec_push(&from->scratch, m);
}

static void visit(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  for (uint32_t k = f->first_global; k < f->nsyms; k++) {
    uint8_t info, other;
    uint32_t shndx;
    uint64_t value, size;
    objfile_sym(f, k, &info, &other, &shndx, &value, &size);
    if (shndx == SHN_UNDEF && ELF64_ST_BIND(info) != STB_WEAK) {
      prefetch_global(f, k);
      extract(f, f->syms[k]);
    }
  }
}

/* the global symbol entries of files (struct objfile *) */
static uint64_t count_globals(const struct vec *files) {
  uint64_t n = 0;
  for (size_t i = 0; i < files->n; i++) {
    const struct objfile *f = files->v[i];
    n += f->nsyms - f->first_global;
  }
  return n;
}

/* --undefined-glob: the globals that the inputs (archive members too)
 * define and a glob matches join the -u symbols, each once, in
 * command-line order */
static void expand_undefined_globs(void) {
  if (!ctx.opt.undefined_globs.n)
    return;
  uint64_t nslots = table_slots(count_globals(&ctx.files));
  struct symbol **seen = xcalloc(nslots, sizeof(*seen)); /* open addressing */
  for (size_t i = 0; i < ctx.files.n; i++) {
    struct objfile *f = ctx.files.v[i];
    for (uint32_t k = f->first_global; k < f->nsyms; k++) {
      bool weak;
      const char *name = f->syms[k]->name;
      if (!objfile_defines(f, k, &weak))
        continue;
      bool match = false;
      for (size_t g = 0; g < ctx.opt.undefined_globs.n && !match; g++)
        match = !fnmatch(ctx.opt.undefined_globs.v[g], name, 0);
      if (!match)
        continue;
      struct symbol *sym = f->syms[k];
      uint64_t h = ptr_slot(seen, sizeof(*seen), nslots - 1, sym);
      if (!seen[h]) {
        seen[h] = sym;
        vec_push(&ctx.opt.undefined, (void *)name);
      }
    }
  }
  xfree(seen);
}

void each_root_symbol(root_symbol_fn *fn, void *arg) {
  if (!ctx.opt.relocatable) /* -r: an object has no entry point */
    fn(arg, ctx.opt.entry ? ctx.opt.entry : "_start", ROOT_ENTRY, NULL);
  for (size_t i = 0; i < ctx.opt.undefined.n; i++)
    fn(arg, ctx.opt.undefined.v[i], ROOT_UNDEFINED, NULL);
  for (size_t i = 0; i < ctx.opt.defsyms.n; i++) {
    const struct defsym *d = ctx.opt.defsyms.v[i];
    if (d->target)
      fn(arg, d->target, ROOT_DEFSYM, d);
  }
}

static void extract_root(void *arg, const char *name, int kind, const struct defsym *d) {
  extract(ctx.internal, symmap_intern(name, strlen(name)));
}

static void mark_live_files(void) {
  struct vec frontier = {0};
  for (size_t i = 0; i < ctx.files.n; i++) {
    struct objfile *f = ctx.files.v[i];
    if (atomic_load(&f->alive))
      vec_push(&frontier, f);
  }
  /* the entry point, -u symbols and --defsym targets pull members like
   * undefined references */
  struct objfile *root = ctx.internal;
  each_root_symbol(extract_root, NULL);
  for (size_t i = 0; i < root->scratch.n; i++)
    vec_push(&frontier, root->scratch.v[i]);
  if (lto_active())
    lto_claim_members(&frontier);

  while (frontier.n) {
    parallel_for((int64_t)frontier.n, visit, frontier.v);
    struct vec next = {0};
    for (size_t i = 0; i < frontier.n; i++) {
      struct objfile *f = frontier.v[i];
      for (size_t j = 0; j < f->scratch.n; j++)
        vec_push(&next, f->scratch.v[j]);
      xfree(f->scratch.v);
      f->scratch = (struct vec){0};
    }
    xfree(frontier.v);
    frontier = next;
    /* LTO bytecode members: the plugin's symbols, undefined ones too */
    if (lto_active())
      lto_claim_members(&frontier);
    /* Newly live members now define their symbols with live rank. */
    parallel_for((int64_t)frontier.n, install_defs, frontier.v);
  }
}

static void kill_section(struct objfile *f, uint32_t shndx) {
  if (shndx < f->nsecs && f->secs[shndx])
    f->secs[shndx]->alive = false;
}

static void claim_groups(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  for (size_t g = 0; g < f->groups_.n; g++)
    atomic_min(&objfile_group_sig(f->groups_.v[g])->rank, (uint64_t)f->priority);
}

static void drop_losing_groups(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  for (size_t g = 0; g < f->groups_.n; g++)
    if (atomic_load(&objfile_group_sig(f->groups_.v[g])->rank) != (uint64_t)f->priority)
      objfile_group_members(f, f->groups_.v[g], kill_section);
}

static atomic_bool any_common;

/* The winner of each symbol fills it in; nobody else writes it. */
static void bind_winners(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  for (uint32_t k = f->first_global; k < f->nsyms; k++) {
    prefetch_global(f, k);
    uint8_t info, other;
    uint32_t shndx;
    uint64_t value, size;
    objfile_sym(f, k, &info, &other, &shndx, &value, &size);
    struct symbol *sym = f->syms[k];
    if (shndx == SHN_UNDEF) {
      if (ELF64_ST_BIND(info) != STB_WEAK)
        mark_sym(sym, REF_STRONG);
      continue;
    }
    if (!defined_in_live_section(f, shndx) ||
        atomic_load(&sym->rank) != def_key(f, ELF64_ST_BIND(info), shndx, false) ||
        sym->file == f)
      continue;
    sym->file = f;
    sym->esym = k;
    sym->type = ELF64_ST_TYPE(info);
    sym->bind = ELF64_ST_BIND(info);
    sym->visibility = ELF64_ST_VISIBILITY(other);
    sym->size = size;
    sym->value = value;
    if (shndx == SHNDX_ABS) {
      sym->kind = SYM_ABS;
    } else if (shndx == SHNDX_COMMON) {
      sym->kind = SYM_COMMON;
      atomic_store_explicit(&any_common, true, memory_order_relaxed);
    } else {
      sym->kind = SYM_DEFINED;
      sym->isec = f->secs[shndx];
    }
  }
}

static atomic_bool any_ifunc;

/* Once every symbol is bound: two strong definitions of one name are an
 * error, and so is a name that one object file uses as thread-local
 * (STT_TLS) and the one defining it does not, or the other way round: its
 * code would address the wrong block of memory. Also notes whether any
 * IFUNC is defined (ld/ifunc.c). One pass, each symbol touched once. */
static void check_definitions(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  for (uint32_t k = 1; k < f->nsyms; k++) {
    struct symbol *sym = f->syms[k];
    if (sym->type == STT_GNU_IFUNC && sym->file == f && sym->kind == SYM_DEFINED)
      atomic_store_explicit(&any_ifunc, true, memory_order_relaxed);
    if (k < f->first_global)
      continue;
    prefetch_global(f, k);
    uint8_t info, other;
    uint32_t shndx;
    uint64_t value, size;
    objfile_sym(f, k, &info, &other, &shndx, &value, &size);
    bool live = shndx == SHN_UNDEF || defined_in_live_section(f, shndx);
    if (live && sym->file && sym->file != f && sym->file != ctx.internal &&
        sym->kind != SYM_ABS && !f->lto && !sym->file->lto && /* bytecode has no STT_TLS */
        (ELF64_ST_TYPE(info) == STT_TLS) != (sym->type == STT_TLS)) {
      vec_push(&f->tls_mismatch, sym);
      continue;
    }
    if (shndx == SHN_UNDEF || shndx == SHNDX_COMMON || ELF64_ST_BIND(info) != STB_GLOBAL || !live)
      continue;
    if (sym->file && sym->file != f && sym->bind == STB_GLOBAL && sym->kind != SYM_COMMON &&
        !ctx.opt.allow_muldefs)
      vec_push(&f->dups, sym);
  }
}

/* st_value of a common symbol is its alignment (1 if it is not a power of
 * two). */
static uint64_t common_align(uint64_t value) {
  return value && !(value & (value - 1)) ? value : 1;
}

/* A zero-filled .bss (or .tbss) section of the linker's, binned with the
 * inputs' sections by create_output_sections(). */
static struct isec *zeroed_isec(bool tls, uint64_t size, uint32_t align) {
  struct isec *isec = linker_isec(tls ? ".tbss" : ".bss", SHT_NOBITS,
                                  SHF_ALLOC | SHF_WRITE | (tls ? SHF_TLS : 0), size, align);
  vec_push(&ctx.commons, isec);
  return isec;
}

/* Common symbols become zero-filled .bss sections owned by the linker
 * (.tbss for a thread-local one, `__thread int i __attribute__((common))`).
 * A name that several files leave common gets the largest size and the
 * largest alignment among them, as GNU ld, lld and mold give it: `int
 * buf[10];` in one file and `int buf[100];` in another are one array of
 * 100. */
static void allocate_commons(void) {
  if (!atomic_load(&any_common))
    return;
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (uint32_t k = f->first_global; k < f->nsyms; k++) {
      struct symbol *sym = f->syms[k];
      if (sym->kind != SYM_COMMON)
        continue;
      uint8_t info, other;
      uint32_t shndx;
      uint64_t value, size;
      objfile_sym(f, k, &info, &other, &shndx, &value, &size);
      if (shndx != SHNDX_COMMON)
        continue;
      uint64_t align = common_align(value);
      if (align > MAX_ALIGN)
        error("%s: common symbol %s: alignment 0x%llx is too large", f->name, sym->name,
              (unsigned long long)align);
      sym->size = size > sym->size ? size : sym->size;
      sym->value = align > common_align(sym->value) ? align : common_align(sym->value);
    }
  }
  check_errors();
  if (ctx.opt.relocatable && !ctx.opt.define_common)
    return; /* -r: they stay common, with that size and alignment */
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (uint32_t k = f->first_global; k < f->nsyms; k++) {
      struct symbol *sym = f->syms[k];
      if (sym->file != f || sym->esym != k || sym->kind != SYM_COMMON)
        continue;
      sym->isec = zeroed_isec(sym->type == STT_TLS, sym->size, (uint32_t)sym->value);
      sym->kind = SYM_DEFINED;
      sym->value = 0;
    }
  }
}

static void parse_live_member(void *arg, int64_t i) {
  parse_member(((struct objfile **)arg)[i]);
}

/* ---- --warn-backrefs: smelt, like lld and mold, searches every archive
 * until nothing more is needed; GNU ld searches an archive where it stands,
 * for what the files before it (and its own members) need. A member that
 * only files after its archive refer to, and no later archive defines,
 * links here and is an undefined symbol for GNU ld: each such reference is
 * a warning, naming the symbol, the first file that refers to it and the
 * member. Files of one --start-group, or of one input script, count as one
 * place; -u, --defsym and the entry point come first. */

struct backref {
  struct symbol *sym; /* the key */
  struct objfile *first; /* the referring file of the lowest group, first on the command line */
  uint32_t max_def;      /* the last group whose archive defines sym, seen so far */
};

struct backref_map {
  struct backref *v;
  uint64_t mask;
};

static struct backref *backref_of(struct backref_map *m, struct symbol *sym, bool add) {
  uint64_t h = ptr_slot(m->v, sizeof(struct backref), m->mask, sym);
  if (!m->v[h].sym && add)
    m->v[h].sym = sym;
  return m->v[h].sym ? &m->v[h] : NULL;
}

static bool lazy_definer(const struct objfile *f) {
  return f->in_archive && f != ctx.internal && !f->binary;
}

static bool backref_excluded(const struct objfile *m) {
  const char *name = m->archive ? m->archive : m->name;
  for (size_t i = 0; i < ctx.opt.backrefs_exclude.n; i++)
    if (!fnmatch(ctx.opt.backrefs_exclude.v[i], name, 0))
      return true;
  return false;
}

/* each global that f refers to (not weakly) or defines, and whether it defines it */
static void each_global(struct objfile *f, void (*fn)(struct backref_map *, struct objfile *,
                                                       struct symbol *, bool),
                        struct backref_map *m) {
  for (uint32_t k = f->first_global; k < f->nsyms; k++) {
    bool weak, defines = objfile_defines(f, k, &weak);
    if (defines || !weak)
      fn(m, f, f->syms[k], defines);
  }
}

static void note_reference(struct backref_map *m, struct objfile *f, struct symbol *sym,
                           bool defines) {
  if (defines || !sym->file || !lazy_definer(sym->file) || sym->file == f)
    return;
  struct backref *b = backref_of(m, sym, true);
  if (!b->first || f->group < b->first->group)
    b->first = f;
}

static void note_definition(struct backref_map *m, struct objfile *f, struct symbol *sym,
                            bool defines) {
  struct backref *b = defines ? backref_of(m, sym, false) : NULL;
  if (b && f->group > b->max_def)
    b->max_def = f->group;
}

/* the root symbols come first of all (the linker's own file, group 0) */
static void note_root_reference(void *arg, const char *name, int kind, const struct defsym *d) {
  struct symbol *sym = symmap_find(name);
  if (sym && sym->file && lazy_definer(sym->file))
    backref_of(arg, sym, true)->first = ctx.internal;
}

static void report_backrefs(void) {
  if (!ctx.opt.warn_backrefs)
    return;
  uint64_t slots = table_slots(count_globals(&ctx.live));
  struct backref_map m = {xcalloc(slots, sizeof(struct backref)), slots - 1};
  for (size_t i = 0; i < ctx.live.n; i++)
    if (ctx.live.v[i] != ctx.internal)
      each_global(ctx.live.v[i], note_reference, &m);
  each_root_symbol(note_root_reference, &m);
  /* every archive's definitions, linked or not: a later one would do */
  for (size_t i = 0; i < ctx.files.n; i++)
    if (lazy_definer(ctx.files.v[i]))
      each_global(ctx.files.v[i], note_definition, &m);
  /* a member that a file at or before its place refers to is linked by GNU
   * ld too, and defines all its symbols there */
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *mem = ctx.live.v[i];
    if (!lazy_definer(mem) || backref_excluded(mem))
      continue;
    bool forward = false;
    for (uint32_t k = mem->first_global; k < mem->nsyms && !forward; k++) {
      struct symbol *sym = mem->syms[k];
      struct backref *b = sym->file == mem ? backref_of(&m, sym, false) : NULL;
      forward = b && b->first->group <= mem->group;
    }
    for (uint32_t k = mem->first_global; k < mem->nsyms && !forward; k++) {
      struct symbol *sym = mem->syms[k];
      struct backref *b = sym->file == mem && sym->esym == k ? backref_of(&m, sym, false) : NULL;
      if (b && b->max_def < b->first->group)
        warn("backward reference detected: %s in %s refers to %s", sym->name, b->first->name,
             mem->name);
    }
  }
  xfree(m.v);
}

void resolve_symbols(void) {
  struct objfile **all = (struct objfile **)ctx.files.v;
  parallel_for((int64_t)ctx.files.n, install_defs, all);
  expand_undefined_globs();
  mark_live_files();

  for (size_t i = 0; i < ctx.files.n; i++)
    if (atomic_load(&all[i]->alive))
      vec_push(&ctx.live, all[i]);
  struct objfile **live = (struct objfile **)ctx.live.v;
  int64_t n = (int64_t)ctx.live.n;
  /* the members linked were read for their symbols only: now whole */
  parallel_for(n, parse_live_member, live);
  check_errors();

  parallel_for((int64_t)ctx.files.n, reset_keys, all);
  parallel_for(n, claim_groups, live);
  parallel_for(n, drop_losing_groups, live);
  parallel_for(n, install_defs, live);
  parallel_for(n, bind_winners, live);
  parallel_for(n, check_definitions, live);
  ctx.has_ifunc = atomic_load(&any_ifunc);
  trace_symbols();
  report_gnu_warnings();

  for (int64_t i = 0; i < n; i++) {
    struct objfile *f = live[i];
    for (size_t j = 0; j < f->dups.n; j++) {
      struct symbol *sym = f->dups.v[j];
      error("duplicate symbol: %s\n>>> defined in %s\n>>> defined in %s", sym->name,
            sym->file->name, f->name);
    }
    for (size_t j = 0; j < f->tls_mismatch.n; j++) {
      struct symbol *sym = f->tls_mismatch.v[j];
      bool tls = sym->type == STT_TLS;
      error("TLS attribute mismatch: %s\n>>> %sthread-local in %s%s%s%s\n>>> %sthread-local in %s",
            sym->name, tls ? "" : "not ", sym->file->name, sym->isec ? " (" : "",
            sym->isec ? sym->isec->name : "", sym->isec ? ")" : "", tls ? "not " : "", f->name);
    }
  }
  check_errors();
  allocate_commons();
  define_defsyms(false);
  report_backrefs();
  for (size_t i = 0; i < ctx.opt.required.n; i++) {
    const char *name = ctx.opt.required.v[i];
    struct symbol *sym = symmap_find(name);
    if (!sym || sym->kind == SYM_UNDEF)
      error("--require-defined: required symbol %s is not defined", name);
  }
  check_errors();
}

/* --defsym NAME=EXPR defines NAME whether or not an input file does (the
 * definition there is overridden, as in GNU ld and lld). NAME=NUMBER is
 * absolute; NAME=SYMBOL(+-NUMBER) is that symbol's address (plus the
 * number), in its section, so relocations against NAME keep the section
 * alive and follow it. Linker-defined symbols (_end, __start_SEC) have
 * addresses only after layout: until then such a NAME is absolute 0, and
 * finalize_synthetic_symbols() calls this again with final set. */
void define_defsyms(bool final) {
  for (size_t i = 0; i < ctx.opt.defsyms.n; i++) {
    struct defsym *d = ctx.opt.defsyms.v[i];
    struct symbol *sym = d->sym;
    if (!sym) {
      sym = d->sym = symmap_intern(d->name, strlen(d->name));
      /* the linker's own definitions come after layout: until then only
       * an earlier --defsym of the same name has made this one */
      if (sym->file != ctx.internal)
        vec_push(&ctx.synthetic, sym);
      sym->file = ctx.internal;
      sym->bind = STB_GLOBAL;
      sym->visibility = STV_DEFAULT;
      sym->size = 0;
      sym->esym = 0;
    }
    sym->kind = SYM_ABS;
    sym->type = STT_NOTYPE;
    sym->isec = NULL;
    sym->value = d->value;
    sym->linker_addr = false;
    if (!d->target)
      continue;
    /* interned when resolve began, so found; commons are allocated by now */
    const struct symbol *t = symmap_find(d->target);
    if (!t->file) { /* perhaps a name the linker defines after layout */
      if (final)
        error("undefined symbol: %s\n>>> referenced by --defsym %s", d->target, d->name);
      continue;
    }
    /* an address if the target is one (a static PIE relocates it) */
    sym->linker_addr = t->kind != SYM_ABS || t->linker_addr;
    /* the linker's names, and other --defsym names, have values only now */
    if (t == sym || (t->file == ctx.internal && !final))
      continue;
    sym->kind = t->kind;
    sym->type = t->type;
    sym->isec = t->isec;
    sym->osec = t->osec;
    sym->value = t->value + d->value;
    if (t->type == STT_GNU_IFUNC)
      sym->plt_idx = t->plt_idx; /* the name is the IFUNC's .iplt entry too */
  }
}

/* ---- linker-defined symbols ---- */

static struct symbol *define(const char *name) {
  struct symbol *sym = symmap_find(name);
  if (!sym || sym->file)
    return NULL;
  sym->file = ctx.internal;
  sym->kind = SYM_ABS;
  sym->linker_addr = true; /* every name below is an address in the image */
  sym->bind = STB_GLOBAL;
  sym->visibility = STV_HIDDEN;
  sym->type = STT_NOTYPE;
  vec_push(&ctx.synthetic, sym);
  return sym;
}

/* Names are fixed now; values come in finalize_synthetic_symbols() after
 * layout. Only names that some input references are defined. */
void define_synthetic_symbols(void) {
  static const char *const names[] = {
      "_GLOBAL_OFFSET_TABLE_", "__ehdr_start", "__executable_start", "__init_array_start",
      "__init_array_end", "__fini_array_start", "__fini_array_end", "__preinit_array_start",
      "__preinit_array_end", "_etext", "etext", "__etext", "_edata", "edata", "_end", "end",
      "__bss_start", "__GNU_EH_FRAME_HDR", "__rela_iplt_start", "__rela_iplt_end",
      "__rel_iplt_start", "__rel_iplt_end" /* i386's names (REL) */, "__dso_handle", "_TLS_MODULE_BASE_", "__tls_base"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    define(names[i]);
  /* a static PIE's dynamic array, where rcrt1.o looks for its relocations */
  struct symbol *dyn = ctx.dynamic ? define("_DYNAMIC") : NULL;
  if (dyn)
    dyn->osec = ctx.dynamic, dyn->kind = SYM_OSEC, dyn->value = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    bool c_ident = os->name[0] != 0;
    for (const char *p = os->name; *p && c_ident; p++)
      c_ident = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9') || *p == '_';
    if (!c_ident)
      continue;
    struct symbol *s = define(xsprintf("__start_%s", os->name));
    if (s)
      s->osec = os, s->kind = SYM_OSEC, s->value = 0;
    s = define(xsprintf("__stop_%s", os->name));
    if (s)
      s->osec = os, s->kind = SYM_OSEC, s->value = 0; /* the end: set after layout */
  }
}

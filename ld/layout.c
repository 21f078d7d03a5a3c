/* Lay out: bin live input sections into output sections under the usual
 * GNU names, order them as GNU ld does for static executables, assign
 * addresses and file offsets, and form the program headers.
 *
 * Segments: [R: headers, notes] [RX: .init .text .fini] [R: .rodata
 * .eh_frame_hdr .eh_frame] [RW: .tdata .tbss .init_array ... .got] [RW:
 * .data .bss]. The RW segment is split where RELRO ends, so RELRO can be
 * made read-only on whole pages. A static PIE (ld/pie.c) adds .dynstr and
 * .rela.dyn before .rodata, .dynamic before .got and PT_DYNAMIC over it,
 * and starts at 0. With -z separate-code (the default) the
 * text segment starts and ends on a page of the file, so nothing else is
 * mapped executable; other segments share the file page where they meet and
 * start on a new page only in memory (at an address congruent with the
 * offset), as in GNU ld and lld. -z separate-loadable-segments pads every
 * segment in the file; -z noseparate-code / --no-rosegment puts read-only
 * data in the text segment. No segment is both writable and executable. */
#include "ld/ld.h"
#include <stdlib.h>
#include <xxhash.h>

static const struct {
  const char *prefix;
  const char *out;
} name_map[] = {
    {".text.", ".text"},
    {".rodata.", ".rodata"},
    {".data.rel.ro.", ".data.rel.ro"},
    {".data.", ".data"},
    {".bss.", ".bss"},
    {".tdata.", ".tdata"},
    {".tbss.", ".tbss"},
    {".init_array.", ".init_array"},
    {".fini_array.", ".fini_array"},
    {".ctors.", ".ctors"},
    {".dtors.", ".dtors"},
    {".gcc_except_table.", ".gcc_except_table"},
    {".gnu.linkonce.t.", ".text"},
    {".gnu.linkonce.r.", ".rodata"},
    {".gnu.linkonce.d.", ".data"},
    {".gnu.linkonce.b.", ".bss"},
    {".ldata.", ".ldata"},
    {".lbss.", ".lbss"},
    {".lrodata.", ".lrodata"},
};

/* -z keep-text-section-prefix: code in these (or their NAME.* sections)
 * gets an output section of that name, as lld and gold give it, in this
 * order before .text (the order of their classes within .text without
 * the option, then lld's two others) */
static const char *const text_prefixes[] = {".text.unlikely", ".text.exit", ".text.startup",
                                            ".text.hot", ".text.unknown", ".text.split"};
enum { NTEXT_PREFIXES = sizeof(text_prefixes) / sizeof(text_prefixes[0]) };

static bool section_prefix(const char *name, const char *prefix, size_t n);

/* the index of the text_prefixes name that n is or starts, else -1 */
static int text_prefix(const char *n) {
  for (int i = 0; i < NTEXT_PREFIXES; i++)
    if (section_prefix(n, text_prefixes[i], strlen(text_prefixes[i])))
      return i;
  return -1;
}

const char *output_section_name(const struct isec *isec) {
  const char *n = isec->name;
  if (!(isec->flags & SHF_ALLOC))
    return n;
  int k;
  if (ctx.opt.keep_text_prefix && (isec->flags & SHF_EXECINSTR) && !strncmp(n, ".text.", 6) &&
      (k = text_prefix(n)) >= 0)
    return text_prefixes[k];
  if (isec->type == SHT_INIT_ARRAY)
    return ".init_array";
  if (isec->type == SHT_FINI_ARRAY)
    return ".fini_array";
  if (isec->type == SHT_PREINIT_ARRAY)
    return ".preinit_array";
  for (size_t i = 0; i < sizeof(name_map) / sizeof(name_map[0]); i++) {
    size_t len = strlen(name_map[i].prefix);
    if (!strncmp(n, name_map[i].prefix, len) || !strcmp(n, name_map[i].out))
      return name_map[i].out;
  }
  return n;
}

/* name is prefix or prefix followed by a '.' and more */
static bool section_prefix(const char *name, const char *prefix, size_t n) {
  return !strncmp(name, prefix, n) && (!name[n] || name[n] == '.');
}

/* Looked up for every section bound for .text (100k with
 * -ffunction-sections): one byte tells most of them apart. */
int text_class(const char *name) {
  if (strncmp(name, ".text.", 6))
    return TEXT_OTHER;
  switch (name[6]) {
  case 'u':
    return section_prefix(name, ".text.unlikely", 14) ? TEXT_UNLIKELY : TEXT_OTHER;
  case 'e':
    return section_prefix(name, ".text.exit", 10) ? TEXT_EXIT : TEXT_OTHER;
  case 's':
    return section_prefix(name, ".text.startup", 13) ? TEXT_STARTUP : TEXT_OTHER;
  case 'h':
    return section_prefix(name, ".text.hot", 9) ? TEXT_HOT : TEXT_OTHER;
  default:
    return TEXT_OTHER;
  }
}

static int section_rank(const struct osec *os) {
  const char *n = os->name;
  uint64_t f = os->flags;
  if (!(f & SHF_ALLOC)) {
    switch (os->kind) {
    case OS_SYMTAB:
      return 200;
    case OS_STRTAB:
      return 201;
    case OS_SHSTRTAB:
      return 202;
    case OS_COMMENT:
      return 100;
    default:
      return 101;
    }
  }
  if (os->type == SHT_NOTE)
    return 10;
  if (f & SHF_EXECINSTR) {
    if (!strcmp(n, ".init"))
      return 20;
    if (!strcmp(n, ".text"))
      return 22;
    if (ctx.opt.keep_text_prefix && text_prefix(n) >= 0)
      return 21; /* among themselves: cmp_rank */
    if (!strcmp(n, ".fini"))
      return 24;
    return 23;
  }
  if (!(f & SHF_WRITE)) {
    if (os->kind == OS_RELDYN || os->kind == OS_DYNSTR || os->kind == OS_RELAIPLT)
      return 29;
    if (!strcmp(n, ".rodata"))
      return 30;
    if (os->kind == OS_EHFRAME_HDR)
      return 32;
    if (!strcmp(n, ".eh_frame"))
      return 33;
    if (!strcmp(n, ".gcc_except_table"))
      return 34;
    return 31;
  }
  if (f & SHF_TLS)
    return os->type == SHT_NOBITS ? 41 : 40;
  if (os->type == SHT_PREINIT_ARRAY)
    return 42;
  if (os->type == SHT_INIT_ARRAY)
    return 43;
  if (os->type == SHT_FINI_ARRAY)
    return 44;
  if (!strcmp(n, ".ctors"))
    return 45;
  if (!strcmp(n, ".dtors"))
    return 46;
  if (!strcmp(n, ".data.rel.ro"))
    return 47;
  if (os->kind == OS_DYNAMIC)
    return 48;
  if (os->kind == OS_GOT)
    return 49;
  if (os->type == SHT_NOBITS)
    return strcmp(n, ".bss") ? 61 : 60;
  if (!strcmp(n, ".data"))
    return 50;
  return 51;
}

static void list_osec(struct osec *os) {
  os->listed = true;
  vec_push(&ctx.osecs, os);
}

static struct osec *make_osec(const char *name, uint32_t type, uint64_t flags, int kind) {
  struct osec *os = xalloc(sizeof(*os));
  os->name = name;
  os->type = type;
  os->flags = flags;
  os->kind = (uint8_t)kind;
  os->align = 1;
  return os;
}

struct osec *new_osec(const char *name, uint32_t type, uint64_t flags, int kind) {
  struct osec *os = make_osec(name, type, flags, kind);
  list_osec(os);
  return os;
}

struct isec *linker_isec(const char *name, uint32_t type, uint64_t flags, uint64_t size,
                         uint32_t align) {
  struct isec *isec = xalloc(sizeof(*isec));
  isec->file = ctx.internal;
  isec->name = name;
  isec->type = type;
  isec->flags = flags;
  isec->size = size;
  isec->addralign = align;
  isec->alive = true;
  isec->order = ORDER_NONE;
  return isec;
}

static uint64_t flag_class(uint64_t f) {
  return f & (SHF_ALLOC | SHF_WRITE | SHF_EXECINSTR | SHF_TLS);
}

/* The output sections made from input sections, by name, type and flag
 * class: a -ffunction-sections -g link looks one up for each of its
 * hundreds of thousands of input sections, and the previous answer is
 * often not the one (.text.* and .rodata.* alternate, each file has its
 * own .debug_* names). */
struct osec_index {
  struct osec **slots;
  size_t cap, n;
};

static uint64_t osec_hash(const char *name, uint32_t type, uint64_t flags) {
  return XXH3_64bits_withSeed(name, strlen(name), (uint64_t)type << 32 ^ flag_class(flags));
}

static struct osec **osec_slot(struct osec_index *ix, const char *name, uint32_t type,
                               uint64_t flags) {
  size_t mask = ix->cap - 1;
  for (size_t i = osec_hash(name, type, flags) & mask;; i = (i + 1) & mask) {
    struct osec *os = ix->slots[i];
    if (!os || (os->type == type && flag_class(os->flags) == flag_class(flags) &&
                !strcmp(os->name, name)))
      return &ix->slots[i];
  }
}

/* The slot for (name, type, flags) in ix, with room made for a new one. */
static struct osec **index_slot(struct osec_index *ix, const char *name, uint32_t type,
                                uint64_t flags) {
  if ((ix->n + 1) * 2 > ix->cap) {
    struct osec **old = ix->slots;
    size_t oldcap = ix->cap;
    ix->cap = ix->cap ? ix->cap * 2 : 64;
    ix->slots = xcalloc(ix->cap, sizeof(*ix->slots));
    for (size_t i = 0; i < oldcap; i++)
      if (old[i])
        *osec_slot(ix, old[i]->name, old[i]->type, old[i]->flags) = old[i];
    xfree(old);
  }
  return osec_slot(ix, name, type, flags);
}

/* An input section's type as its output section's: x86_64's .eh_frame
 * (SHT_X86_64_UNWIND) goes out as SHT_PROGBITS, with the others'. */
static uint32_t output_type(uint32_t type) {
  return type == SHT_X86_64_UNWIND ? SHT_PROGBITS : type;
}

/* The output section for (name, type, flags), type an output_type(), made
 * if new: put in ctx.osecs at once if `list`, else by the caller, in its
 * own order. */
static struct osec *find_osec(struct osec_index *ix, const char *name, uint32_t type,
                              uint64_t flags, bool list) {
  struct osec **slot = index_slot(ix, name, type, flags);
  if (*slot) {
    if (list && !(*slot)->listed)
      list_osec(*slot);
    return *slot;
  }
  struct osec *os = make_osec(name, type, flag_class(flags), OS_REGULAR);
  if (list)
    list_osec(os);
  if (!strcmp(name, ".eh_frame") && (flags & SHF_ALLOC)) {
    os->kind = OS_EHFRAME;
    ctx.ehframe = os;
  }
  ix->n++;
  return *slot = os;
}

bool constructors_osec(const struct osec *os) {
  return os->type == SHT_INIT_ARRAY || os->type == SHT_FINI_ARRAY ||
         os->type == SHT_PREINIT_ARRAY || !strcmp(os->name, ".ctors") ||
         !strcmp(os->name, ".dtors");
}

int cmp_order(const void *a, const void *b) {
  const struct isec *x = *(struct isec *const *)a, *y = *(struct isec *const *)b;
  if (x->order != y->order)
    return x->order < y->order ? -1 : 1;
  if ((x->file == ctx.internal) != (y->file == ctx.internal))
    return x->file == ctx.internal ? -1 : 1; /* the IFUNC resolvers' run, ld/ifunc.c */
  if (x->file->priority != y->file->priority)
    return x->file->priority < y->file->priority ? -1 : 1;
  return x->shndx < y->shndx ? -1 : x->shndx > y->shndx;
}

static const uint8_t eh_terminator[4];

/* Binning in parallel: the live files are cut into ranges of about equal
 * section counts, and each range bins its sections into member lists of its
 * own, one per output section it uses, in the order it meets them (a local
 * index finds them without the lock that guards the shared one). The lists
 * are then joined range by range, in file order, and an output section is
 * listed in ctx.osecs when its first list is joined: members and section
 * order come out as one pass over all files in order gives them, whatever
 * the number of ranges. A merged section is a member once, where its first
 * piece is met: each range lists it where it first meets it, and only the
 * first range's entry is kept. On synth-medium (269k input sections) the
 * pass took 6.9 ms at 2 threads as one serial loop, 4.1 ms in 8 ranges;
 * one thread bins one range, whose lists are then taken whole. */
struct olist {
  struct osec key; /* name, type and flag class, for the range's index */
  struct osec *os;
  int text; /* TEXT_*: a class of .text's code other than the rest */
  struct vec members;
};

struct omerged {
  struct isec *m;
  struct olist *list;
  size_t at;
};

struct orange {
  size_t first, end; /* ctx.live[first, end) */
  struct osec_index ix;
  struct vec lists; /* struct olist *, in the order this range met them */
  struct omerged *merged;
  size_t nmerged, merged_cap;
};

static pthread_mutex_t shared_mu = PTHREAD_MUTEX_INITIALIZER;
static struct osec_index shared;

/* rg's list for (name, type, flags), type an output_type(): found in its
 * own index, or made, with the output section found or made (unlisted) in
 * the shared one. */
static struct olist *range_list(struct orange *rg, const char *name, uint32_t type,
                                uint64_t flags, int text) {
  /* a class of .text's code has a list of its own, under its own key */
  static const char *const text_keys[] = {"\1unlikely", "\1exit", "\1startup", "\1hot"};
  const char *key = text == TEXT_OTHER ? name : text_keys[text];
  struct osec **slot = index_slot(&rg->ix, key, type, flags);
  if (*slot)
    return (struct olist *)*slot;
  struct olist *l = xalloc(sizeof(*l));
  pthread_mutex_lock(&shared_mu);
  l->os = find_osec(&shared, name, type, flags, false);
  pthread_mutex_unlock(&shared_mu);
  l->text = text;
  l->key = (struct osec){.name = key, .type = l->os->type, .flags = l->os->flags};
  rg->ix.n++;
  vec_push(&rg->lists, l);
  *slot = &l->key;
  return l;
}

/* A piece of merged section m: m joins l's members if it is the range's
 * first (merge groups are few: a short search). */
static void note_merged(struct orange *rg, struct isec *m, struct olist *l) {
  for (size_t i = rg->nmerged; i-- > 0;)
    if (rg->merged[i].m == m)
      return;
  if (rg->nmerged == rg->merged_cap) {
    rg->merged_cap = rg->merged_cap ? 2 * rg->merged_cap : 8;
    rg->merged = xrealloc(rg->merged, rg->merged_cap * sizeof(*rg->merged));
  }
  rg->merged[rg->nmerged++] = (struct omerged){m, l, l->members.n};
  vec_push(&l->members, m);
}

static void bin_range(void *arg, int64_t r) {
  struct orange *rg = &((struct orange *)arg)[r];
  struct olist *last = NULL, *last_ml = NULL;
  struct isec *last_m = NULL;
  for (size_t i = rg->first; i < rg->end; i++) {
    struct objfile *f = ctx.live.v[i];
    for (uint32_t k = 1; k < f->nsecs; k++) {
      struct isec *isec = f->secs[k];
      if (!isec || !isec->alive)
        continue;
      if (isec->pieces) {
        /* its pieces live in the merged section */
        struct isec *m = isec->pieces->merged;
        if (m != last_m) {
          last_ml = range_list(rg, m->name, output_type(m->type), m->flags, TEXT_OTHER);
          note_merged(rg, m, last_ml);
          last_m = m;
        }
        isec->osec = last_ml->os;
        continue;
      }
      const char *name = output_section_name(isec);
      uint32_t type = output_type(isec->type);
      int text = TEXT_OTHER; /* of code bound for .text (name_map's first name) */
      if (name == name_map[0].out && isec->name[5] == '.' && isec->type == SHT_PROGBITS &&
          flag_class(isec->flags) == (SHF_ALLOC | SHF_EXECINSTR))
        text = text_class(isec->name);
      /* name_map's names are constants: the same pointer */
      struct olist *l = last && last->key.name == name && last->text == text &&
                                last->key.type == type &&
                                flag_class(last->key.flags) == flag_class(isec->flags)
                            ? last
                            : range_list(rg, name, type, isec->flags, text);
      isec->osec = l->os;
      vec_push(&l->members, isec);
      last = l;
    }
  }
}

/* The lists of .text's classes of code, each in range order, until they go
 * before the rest (order_text) */
static struct vec text_lists[TEXT_OTHER];

/* Appends list's members to its output section, but for merged sections
 * that an earlier range placed. */
static void join_list(struct olist *l) {
  struct osec *os = l->os;
  if (!os->listed)
    list_osec(os);
  if (l->text != TEXT_OTHER) {
    vec_push(&text_lists[l->text], l);
    return;
  }
  if (!os->members.n && !os->members.v) {
    os->members = l->members; /* the first list: taken whole */
    return;
  }
  size_t need = os->members.n + l->members.n;
  if (need > os->members.cap) {
    os->members.cap = need;
    os->members.v = xrealloc(os->members.v, need * sizeof(void *));
  }
  for (size_t k = 0; k < l->members.n; k++)
    if (l->members.v[k])
      os->members.v[os->members.n++] = l->members.v[k];
  xfree(l->members.v);
}

/* .text's members: its classes of code in TEXT_* order, then the rest
 * (one output section: the classes are only of code bound for .text) */
static void order_text(void) {
  struct osec *os = NULL;
  size_t n = 0;
  for (int c = 0; c < TEXT_OTHER; c++)
    for (size_t i = 0; i < text_lists[c].n; i++) {
      struct olist *l = text_lists[c].v[i];
      os = l->os;
      n += l->members.n;
    }
  if (!os)
    return;
  struct isec **v = xrealloc(NULL, (n + os->members.n) * sizeof(*v)), **at = v;
  for (int c = 0; c < TEXT_OTHER; c++) {
    for (size_t i = 0; i < text_lists[c].n; i++) {
      struct olist *l = text_lists[c].v[i];
      memcpy(at, l->members.v, l->members.n * sizeof(*v));
      at += l->members.n;
      xfree(l->members.v);
    }
    xfree(text_lists[c].v);
    text_lists[c] = (struct vec){0};
  }
  if (os->members.n)
    memcpy(at, os->members.v, os->members.n * sizeof(*v));
  xfree(os->members.v);
  os->members = (struct vec){.v = (void **)v, .n = n + os->members.n, .cap = n + os->members.n};
}

void bin_input_sections(size_t nr) {
  size_t nfiles = ctx.live.n, nsecs = 0;
  for (size_t i = 0; i < nfiles; i++)
    nsecs += ((struct objfile *)ctx.live.v[i])->nsecs;
  struct orange *rs = xcalloc(nr, sizeof(*rs));
  size_t r = 0, sum = 0;
  for (size_t i = 0; i < nfiles; i++) {
    sum += ((struct objfile *)ctx.live.v[i])->nsecs;
    if (r + 1 < nr && sum * nr >= nsecs * (r + 1))
      rs[r++].end = i + 1, rs[r].first = i + 1;
  }
  rs[r].end = nfiles;
  parallel_for((int64_t)nr, bin_range, rs);
  for (r = 0; r < nr; r++) {
    struct orange *rg = &rs[r];
    for (size_t k = 0; k < rg->nmerged; k++) {
      struct omerged *e = &rg->merged[k];
      if (e->m->osec)
        e->list->members.v[e->at] = NULL;
      else
        e->m->osec = e->list->os;
    }
    for (size_t k = 0; k < rg->lists.n; k++)
      join_list(rg->lists.v[k]);
    xfree(rg->ix.slots);
    xfree(rg->lists.v);
    xfree(rg->merged);
  }
  xfree(rs);
  order_text();
  for (size_t i = 0; i < ctx.commons.n; i++) {
    struct isec *isec = ctx.commons.v[i];
    struct osec *os = find_osec(&shared, isec->name, isec->type, isec->flags, true);
    isec->osec = os;
    vec_push(&os->members, isec);
  }
  xfree(shared.slots);
  shared = (struct osec_index){0};
}

static const char comment_text[] = "smelt " SMELT_VERSION;

/* The output section the inputs made under name with type and no flags
 * of another class, else a new one of kind (~30 sections: a short search;
 * the binning index is gone by now). */
static struct osec *input_or_new_osec(const char *name, uint32_t type, uint64_t flags, int kind) {
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if (os->type == type && flag_class(os->flags) == flag_class(flags) && !strcmp(os->name, name))
      return os;
  }
  return new_osec(name, type, flags, kind);
}

/* A section of the linker's own, with its bytes, last in os */
static struct isec *add_own_isec(struct osec *os, uint64_t flags, const void *data,
                                 uint64_t size, uint32_t align) {
  struct isec *own = linker_isec(os->name, os->type, flags, size, align);
  own->data = data;
  own->osec = os;
  vec_push(&os->members, own);
  return own;
}

/* .comment: the inputs' strings (the compilers that made them), merged,
 * and smelt's own last, as lld and mold add theirs (unless
 * --disable-linker-version; then there may be no .comment at all). */
static void add_comment(void) {
  ctx.comment = input_or_new_osec(".comment", SHT_PROGBITS, 0, OS_COMMENT);
  ctx.comment->kind = OS_COMMENT;
  if (!ctx.opt.no_linker_version)
    add_own_isec(ctx.comment, SHF_MERGE | SHF_STRINGS, comment_text, sizeof(comment_text), 1)
        ->entsize = 1;
}

/* --package-metadata: an ELF note, name "FDO", type
 * NT_FDO_PACKAGING_METADATA, the JSON with its NUL as the descriptor, in
 * .note.package as GNU ld, lld and mold write it (systemd's coredumps and
 * Fedora's packages read it). */
static void add_package_note(void) {
  const char *json = ctx.opt.package_metadata;
  uint32_t descsz = (uint32_t)strlen(json) + 1, size = 16 + ALIGN_UP(descsz, 4);
  uint8_t *note = xcalloc(1, size);
  wr_note_head(note, "FDO", descsz, NT_FDO_PACKAGING_METADATA);
  memcpy(note + 16, json, descsz);
  struct osec *os = input_or_new_osec(".note.package", SHT_NOTE, SHF_ALLOC, OS_REGULAR);
  add_own_isec(os, SHF_ALLOC, note, size, 4);
}

/* .note.gnu.property, as GNU ld and lld make it: the FEATURE_1_AND bits
 * that every object file has (one without the note has none; -b binary
 * data has no code and does not count), and those -z ibt, -z shstk or
 * -z force-bti add. Bit 0 (IBT, BTI) promises a landing pad at every
 * indirect branch target: smelt's own .iplt entries, which function
 * pointers to IFUNCs reach, have none, so a link with IFUNCs does not make
 * that promise. Nothing is output when no bit is left. */
uint8_t *gnu_property_note(bool executable, uint32_t *size) {
  const struct arch *a = ctx.arch;
  bool x86 = a->machine != EM_AARCH64;
  if (x86 ? ctx.opt.z_force_bti : ctx.opt.z_ibt || ctx.opt.z_shstk)
    warn("%s ignored: not an %s option", x86 ? "-z force-bti" : "-z ibt / -z shstk",
         a->emulations[0]);
  uint32_t force = x86 ? (ctx.opt.z_ibt ? 1 : 0) | (ctx.opt.z_shstk ? 2 : 0)
                       : (ctx.opt.z_force_bti ? 1 : 0);
  uint32_t bits = ~0u;
  bool any = false;
  for (size_t i = 0; i < ctx.live.n; i++) {
    const struct objfile *f = ctx.live.v[i];
    if (f == ctx.internal || f->binary)
      continue;
    if (!x86 && ctx.opt.z_force_bti && !(f->features & 1))
      warn("%s: -z force-bti: the file has no GNU_PROPERTY_AARCH64_FEATURE_1_BTI property",
           f->name);
    bits &= f->features;
    any = true;
  }
  bits = (any ? bits : 0) | force;
  if ((bits & 1) && ctx.has_ifunc && executable) {
    if (force & 1)
      warn("%s: not marked in .note.gnu.property: the IFUNC entries smelt makes (.iplt) have "
           "no landing pads", x86 ? "IBT" : "BTI");
    bits &= ~1u;
  }
  if (!bits)
    return NULL;
  /* one note, one property: type, size 4, the bits, padded to a word */
  uint32_t word = a->is64 ? 8 : 4, descsz = 8 + word;
  *size = 16 + descsz;
  uint8_t *note = xcalloc(1, *size);
  wr_note_head(note, "GNU", descsz, NT_GNU_PROPERTY_TYPE_0);
  wr32(note + 16, a->feature_1_and);
  wr32(note + 20, 4);
  wr32(note + 24, bits);
  return note;
}

static void add_gnu_property(void) {
  uint32_t size;
  uint8_t *note = gnu_property_note(true, &size);
  if (!note)
    return;
  struct osec *os = input_or_new_osec(".note.gnu.property", SHT_NOTE, SHF_ALLOC, OS_REGULAR);
  add_own_isec(os, SHF_ALLOC, note, size, ctx.arch->is64 ? 8 : 4);
  ctx.gnu_property = os;
}

void create_output_sections(void) {
  /* one range on one thread: the join then only takes each list whole */
  bin_input_sections(pool_size() > 1 ? (size_t)pool_size() * 4 : 1);
  if (ctx.ehframe) {
    struct isec *t = linker_isec(".eh_frame", SHT_PROGBITS, SHF_ALLOC, 4, 4);
    t->data = eh_terminator;
    t->osec = ctx.ehframe;
    vec_push(&ctx.ehframe->members, t);
    ctx.ehframe_hdr = new_osec(".eh_frame_hdr", SHT_PROGBITS, SHF_ALLOC, OS_EHFRAME_HDR);
    ctx.ehframe_hdr->align = 4;
  }
  if (ctx.has_ifunc)
    create_ifunc_sections();
  add_gnu_property();
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if (constructors_osec(os))
      qsort(os->members.v, os->members.n, sizeof(void *), cmp_order);
  }
  apply_symbol_order();
  apply_call_graph_order();
  if (ctx.opt.pie)
    create_pie_sections();
  ctx.got = new_osec(".got", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, OS_GOT);
  ctx.got->align = ctx.arch->got_page_aligned ? 4096 : ctx.arch->got_entsize;
  add_comment();
  if (ctx.opt.package_metadata)
    add_package_note();
  if (!ctx.opt.strip_all) {
    ctx.symtab = new_osec(".symtab", SHT_SYMTAB, 0, OS_SYMTAB);
    ctx.strtab = new_osec(".strtab", SHT_STRTAB, 0, OS_STRTAB);
  }
  ctx.shstrtab = new_osec(".shstrtab", SHT_STRTAB, 0, OS_SHSTRTAB);
  create_emit_relocs();
  create_gdb_index();
  if (ctx.opt.build_id != BUILD_ID_NONE) {
    ctx.build_id = new_osec(".note.gnu.build-id", SHT_NOTE, SHF_ALLOC, OS_BUILD_ID);
    ctx.build_id->align = 4;
    ctx.build_id->size = 16 + build_id_size();
  }
}

/* os's members' offsets, and its size, alignment and flags. The entry
 * size stays when all members have the same (.init_array's 8), and
 * SHF_MERGE and SHF_STRINGS with it when they all have those alike too (a
 * -g link's .debug_str, .comment), as GNU ld and lld keep them. */
void size_output_section(struct osec *os) {
  const uint64_t ms = SHF_MERGE | SHF_STRINGS;
  if (!os->members.n)
    return;
  const struct isec *first = os->members.v[0];
  bool same_size = true, merge = first->flags & SHF_MERGE;
  uint64_t off = 0;
  for (size_t k = 0; k < os->members.n; k++) {
    struct isec *isec = os->members.v[k];
    if (k + 16 < os->members.n) /* a -ffunction-sections .text has 100k members */
      __builtin_prefetch(os->members.v[k + 16]);
    off = ALIGN_UP(off, isec->addralign);
    isec->out_off = off;
    off += isec->size;
    if (isec->addralign > os->align)
      os->align = isec->addralign;
    os->flags |= isec->flags & ~(SHF_MERGE | SHF_STRINGS | SHF_GROUP | SHF_COMPRESSED |
                                 SHF_LINK_ORDER | SHF_INFO_LINK | SHF_GNU_RETAIN);
    same_size &= isec->entsize == first->entsize;
    merge &= (isec->flags & ms) == (first->flags & ms);
  }
  os->size = off;
  if (same_size) {
    os->entsize = first->entsize;
    if (merge)
      os->flags |= first->flags & ms;
  }
}

static void size_osec(void *arg, int64_t i) { size_output_section(((struct osec **)arg)[i]); }

static int cmp_rank(const void *a, const void *b) {
  const struct osec *x = *(struct osec *const *)a, *y = *(struct osec *const *)b;
  if (x->rank != y->rank)
    return x->rank < y->rank ? -1 : 1;
  if (x->rank == 21) { /* -z keep-text-section-prefix's sections */
    int i = text_prefix(x->name), j = text_prefix(y->name);
    if (i != j)
      return i < j ? -1 : 1;
  }
  return x->shndx < y->shndx ? -1 : x->shndx > y->shndx; /* creation order */
}

static bool is_emitted(const struct osec *os) {
  switch (os->kind) {
  case OS_GOT:
    return ctx.ngot > 0 || symmap_find("_GLOBAL_OFFSET_TABLE_") != NULL;
  case OS_EHFRAME_HDR:
    return ctx.ehframe != NULL;
  case OS_BUILD_ID:
  case OS_DYNAMIC:
    return true;
  case OS_RELDYN:
    return ctx.nrelative > 0;
  case OS_REGULAR:
  case OS_EHFRAME:
  case OS_COMMENT:
    return os->members.n > 0;
  default:
    return true;
  }
}

static uint32_t segment_flags(const struct osec *os) {
  uint32_t f = PF_R;
  if (os->flags & SHF_WRITE)
    f |= PF_W;
  if (os->flags & SHF_EXECINSTR)
    f |= PF_X;
  if (!ctx.opt.separate_code && f == PF_R)
    f = PF_R | PF_X; /* read-only data joins the text segment */
  return f;
}

/* Sections that are only written during start-up: PT_GNU_RELRO. */
static bool is_relro(const struct osec *os) {
  return (os->flags & SHF_ALLOC) && (os->flags & SHF_WRITE) && os->rank >= 40 && os->rank <= 49;
}

static struct phdr *add_phdr(uint32_t type, uint32_t flags, uint64_t align) {
  if (ctx.nphdrs == (int)(sizeof(ctx.phdrs) / sizeof(ctx.phdrs[0])))
    fatal("too many program headers");
  struct phdr *p = &ctx.phdrs[ctx.nphdrs++];
  *p = (struct phdr){.type = type, .flags = flags, .align = align};
  return p;
}

/* Segments start on pages of this size: -z max-page-size, else the
 * largest page the arch's kernels use (64 KiB on aarch64). */
static uint64_t page_size(void) {
  return ctx.opt.max_page_size ? ctx.opt.max_page_size : ctx.arch->page_size;
}

/* --image-base, else 0 for a static PIE and the arch's for the rest,
 * rounded down to a page as GNU ld does (i386's 0x08048000 is 0x08040000
 * under -z max-page-size=0x10000). */
uint64_t image_base(void) {
  if (ctx.opt.image_base_set)
    return ctx.opt.image_base;
  return ctx.opt.pie ? 0 : ctx.arch->image_base & ~(page_size() - 1);
}

/* Whether the segment after one with flags `from` starts on a new page of
 * the file, not only of memory. */
static bool pads_file(uint32_t from, uint32_t to) {
  return ctx.opt.separate_segments || (ctx.opt.separate_code && ((from | to) & PF_X));
}

/* Move *addr and *off, the end of one segment, to the start of the next:
 * a new page of memory, and with pad a new page of the file too; without,
 * the file goes on and the address takes the offset's place in its page. */
void next_segment(uint64_t *addr, uint64_t *off, uint64_t page, bool pad) {
  if (pad) {
    *off = ALIGN_UP(*off, page);
    *addr = ALIGN_UP(*addr, page);
  } else {
    *addr = ALIGN_UP(*addr, page) + (*off & (page - 1));
  }
}

/* RELRO, ending at addr, and the segment that holds it reach the end of
 * their last page in memory, so making RELRO read-only touches nothing
 * else. */
static void end_relro(struct phdr *relro, struct phdr *load, uint64_t addr, uint64_t page) {
  relro->memsz = ALIGN_UP(addr, page) - relro->vaddr;
  load->memsz = ALIGN_UP(addr, page) - load->vaddr;
}

/* Addresses and offsets of the allocated sections and the segments that
 * hold them; returns the PT_TLS header, if any. Run again when an arch adds
 * thunks, which only grows executable sections. */
static struct phdr *assign_addresses(struct osec **oss, size_t nos, uint32_t first_flags,
                                     bool has_relro, int nph, uint64_t *end_off) {
  const struct arch *a = ctx.arch;
  uint64_t page = page_size();
  uint64_t phent = a->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
  uint32_t cur;
  ctx.nphdrs = 0;
  uint64_t base = image_base();
  uint64_t addr = base + ctx.ehdr_size + phent * (uint64_t)nph;
  uint64_t off = addr - base;
  struct phdr *load = add_phdr(PT_LOAD, first_flags, page);
  load->offset = 0;
  load->vaddr = base;
  load->filesz = load->memsz = off;
  cur = first_flags;
  uint64_t tls_first = 0;
  struct phdr *tls = NULL, *relro = NULL;
  bool relro_open = false;

  for (size_t i = 0; i < nos; i++) {
    struct osec *os = oss[i];
    if (!(os->flags & SHF_ALLOC))
      continue;
    uint32_t f = segment_flags(os);
    bool relro_ends = relro_open && !is_relro(os);
    if (relro_ends) {
      end_relro(relro, load, addr, page);
      relro_open = false;
    }
    if (f != cur || relro_ends) {
      next_segment(&addr, &off, page, pads_file(cur, f));
      load = add_phdr(PT_LOAD, f, page);
      load->offset = off;
      load->vaddr = addr;
      cur = f;
    }
    if (has_relro && is_relro(os) && !relro) {
      relro = add_phdr(PT_GNU_RELRO, PF_R, 1);
      relro_open = true;
    }
    uint64_t align = os->align;
    if ((os->flags & SHF_TLS) && !tls) {
      align = ctx.tls_align;
      tls = add_phdr(PT_TLS, PF_R, ctx.tls_align);
    }
    bool tbss = (os->flags & SHF_TLS) && os->type == SHT_NOBITS;
    /* .tbss occupies no address range outside the TLS template */
    os->addr = ALIGN_UP(addr, align);
    if (!tbss)
      addr = os->addr;
    /* file offsets stay congruent with addresses within a segment */
    if (os->type != SHT_NOBITS)
      off = load->offset + (addr - load->vaddr);
    os->offset = off;
    if (relro && relro_open) {
      if (!relro->vaddr)
        relro->vaddr = os->addr, relro->offset = off;
      if (os->type != SHT_NOBITS)
        relro->filesz = os->addr + os->size - relro->vaddr;
      relro->memsz = (tbss ? os->addr : os->addr + os->size) - relro->vaddr;
    }
    if (os->flags & SHF_TLS) {
      if (!tls_first)
        tls_first = os->addr;
      tls->offset = tls->offset ? tls->offset : off;
      tls->vaddr = tls_first;
      if (os->type != SHT_NOBITS)
        tls->filesz = os->addr + os->size - tls_first;
      tls->memsz = os->addr + os->size - tls_first;
    }
    uint64_t limit = a->is64 ? (uint64_t)1 << 47 : (uint64_t)1 << 32;
    if (os->size > limit || os->addr + os->size > limit)
      fatal("output section %s (0x%llx bytes at 0x%llx) does not fit in the address space",
            os->name, (unsigned long long)os->size, (unsigned long long)os->addr);
    if (os->type == SHT_NOBITS) {
      if (!tbss)
        addr += os->size;
    } else {
      addr += os->size;
      off += os->size;
      load->filesz = off - load->offset;
    }
    load->memsz = addr - load->vaddr;
  }
  if (relro_open)
    end_relro(relro, load, addr, page);
  *end_off = off;
  return tls;
}

void layout(void) {
  const struct arch *a = ctx.arch;
  if (ctx.opt.fix_843419 && a->machine != EM_AARCH64)
    warn("--fix-cortex-a53-843419 is for aarch64 code; ignored for %s", a->name);
  if (image_base() % page_size())
    fatal("--image-base 0x%llx is not a multiple of the page size (0x%llx)",
          (unsigned long long)image_base(), (unsigned long long)page_size());

  for (size_t i = 0; i < ctx.osecs.n; i++)
    ((struct osec *)ctx.osecs.v[i])->shndx = (uint32_t)i; /* creation order for the sort */
  parallel_for((int64_t)ctx.osecs.n, size_osec, ctx.osecs.v);
  ctx.got->size = (uint64_t)ctx.ngot * a->got_entsize;
  if (ctx.ehframe_hdr)
    ctx.ehframe_hdr->size = 12 + 8 * (uint64_t)ctx.neh_fdes;

  /* Drop what is not emitted, then sort by rank. */
  struct vec keep = {0};
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    os->rank = section_rank(os);
    if (is_emitted(os))
      vec_push(&keep, os);
    else
      os->shndx = 0;
  }
  xfree(ctx.osecs.v);
  ctx.osecs = keep;
  qsort(ctx.osecs.v, ctx.osecs.n, sizeof(void *), cmp_rank);
  struct osec **oss = (struct osec **)ctx.osecs.v;
  size_t nos = ctx.osecs.n;
  for (size_t i = 0; i < nos; i++)
    oss[i]->shndx = (uint32_t)(i + 1);

  prepare_symtab(); /* sizes of .symtab, .strtab, .shstrtab */

  /* TLS alignment must be known before the first TLS section is placed. */
  ctx.tls_align = 1;
  bool has_tls = false;
  for (size_t i = 0; i < nos; i++)
    if ((oss[i]->flags & SHF_TLS) && (oss[i]->flags & SHF_ALLOC)) {
      has_tls = true;
      if (oss[i]->align > ctx.tls_align)
        ctx.tls_align = oss[i]->align;
    }

  /* Count program headers: loads are runs of equal flags. The first load
   * also maps the ELF and program headers. */
  uint32_t first_flags = PF_R;
  for (size_t i = 0; i < nos && !ctx.opt.separate_code; i++)
    if (oss[i]->flags & SHF_ALLOC) {
      first_flags = segment_flags(oss[i]);
      break;
    }
  bool has_relro = false;
  for (size_t i = 0; i < nos && ctx.opt.relro; i++)
    has_relro |= is_relro(oss[i]);
  int nload = 1, nnote = 0;
  uint32_t cur = first_flags;
  bool in_relro = false;
  for (size_t i = 0; i < nos; i++) {
    struct osec *os = oss[i];
    if (!(os->flags & SHF_ALLOC))
      continue;
    uint32_t f = segment_flags(os);
    bool relro = has_relro && is_relro(os);
    if (f != cur || (in_relro && !relro))
      nload++, cur = f;
    in_relro = relro;
    if (os->type == SHT_NOTE && (i == 0 || oss[i - 1]->type != SHT_NOTE ||
                                 oss[i - 1]->align != os->align))
      nnote++;
  }
  int nph = nload + nnote + 1 /* GNU_STACK */ + (has_tls ? 1 : 0) +
            (ctx.ehframe_hdr ? 1 : 0) + (has_relro ? 1 : 0) + (ctx.dynamic ? 1 : 0) +
            (ctx.gnu_property ? 1 : 0);
  ctx.ehdr_size = a->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  ctx.phdr_off = ctx.ehdr_size;

  /* Addresses and offsets; an arch that adds range-extension thunks sees
   * them and may grow executable sections, which are then placed again. */
  uint64_t off;
  struct phdr *tls = assign_addresses(oss, nos, first_flags, has_relro, nph, &off);
  while (a->add_thunks && a->add_thunks()) {
    for (size_t i = 0; i < nos; i++)
      if (oss[i]->flags & SHF_EXECINSTR)
        size_osec(oss, (int64_t)i);
    tls = assign_addresses(oss, nos, first_flags, has_relro, nph, &off);
  }
  if (ctx.opt.separate_code)
    off = ALIGN_UP(off, 8);

  ctx.alloc_end = off;
  layout_nonalloc();

  if (tls) {
    ctx.tls_begin = tls->vaddr;
    ctx.tls_end = tls->vaddr + tls->memsz;
    if (a->tls_variant == 2)
      ctx.tp_addr = ALIGN_UP(ctx.tls_end, ctx.tls_align);
    else
      ctx.tp_addr = ctx.tls_begin - ALIGN_UP(16, ctx.tls_align);
  }

  /* Notes, EH frame header, stack. */
  for (size_t i = 0; i < nos; i++) {
    struct osec *os = oss[i];
    if (!(os->flags & SHF_ALLOC) || os->type != SHT_NOTE)
      continue;
    struct phdr *p = &ctx.phdrs[ctx.nphdrs - 1];
    if (p->type == PT_NOTE && p->align == os->align && p->vaddr + p->memsz == os->addr) {
      p->filesz = p->memsz = os->addr + os->size - p->vaddr;
      continue;
    }
    p = add_phdr(PT_NOTE, PF_R, os->align);
    p->offset = os->offset;
    p->vaddr = os->addr;
    p->filesz = p->memsz = os->size;
  }
  if (ctx.gnu_property) {
    struct phdr *p = add_phdr(PT_GNU_PROPERTY, PF_R, ctx.gnu_property->align);
    p->offset = ctx.gnu_property->offset;
    p->vaddr = ctx.gnu_property->addr;
    p->filesz = p->memsz = ctx.gnu_property->size;
  }
  if (ctx.dynamic) {
    struct phdr *p = add_phdr(PT_DYNAMIC, PF_R | PF_W, ctx.dynamic->align);
    p->offset = ctx.dynamic->offset;
    p->vaddr = ctx.dynamic->addr;
    p->filesz = p->memsz = ctx.dynamic->size;
  }
  if (ctx.ehframe_hdr) {
    struct phdr *p = add_phdr(PT_GNU_EH_FRAME, PF_R, 4);
    p->offset = ctx.ehframe_hdr->offset;
    p->vaddr = ctx.ehframe_hdr->addr;
    p->filesz = p->memsz = ctx.ehframe_hdr->size;
  }
  bool exec_stack = ctx.opt.exec_stack;
  for (size_t i = 0; i < ctx.live.n; i++)
    exec_stack |= ((struct objfile *)ctx.live.v[i])->exec_stack;
  /* musl sizes new threads' stacks by p_memsz, when larger than its default */
  add_phdr(PT_GNU_STACK, PF_R | PF_W | (exec_stack ? PF_X : 0), 16)->memsz = ctx.opt.stack_size;
  if (ctx.nphdrs != nph)
    fatal("internal error: program header count %d != %d", ctx.nphdrs, nph);
}

/* Non-alloc sections follow the last loaded byte, then the section header
 * table. Run again when debug compression changes their sizes. */
void layout_nonalloc(void) {
  uint64_t off = ctx.alloc_end;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if (os->flags & SHF_ALLOC)
      continue;
    off = ALIGN_UP(off, os->align ? os->align : 1);
    os->offset = off;
    os->addr = 0;
    off += os->size;
  }
  ctx.shoff = ALIGN_UP(off, 8);
  ctx.nshdrs = (uint32_t)ctx.osecs.n + 1;
  ctx.filesize = ctx.shoff + (uint64_t)ctx.nshdrs *
                                 (ctx.arch->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr));
}

/* Values of linker-defined symbols, now that addresses are known. */
struct osec *osec_named(const char *name) {
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if (!strcmp(os->name, name) && (os->flags & SHF_ALLOC))
      return os;
  }
  return NULL;
}

/* The linker's definition of name at value: absolute, or relative to os
 * (so .symtab gives it os's index, as GNU ld does). */
static void set_sym_in(const char *name, struct osec *os, uint64_t value) {
  struct symbol *sym = symmap_find(name);
  if (sym && sym->file == ctx.internal && sym->kind != SYM_OSEC) {
    sym->kind = os ? SYM_OSEC : SYM_ABS;
    sym->osec = os;
    sym->value = value;
  }
}

static void set_sym(const char *name, uint64_t value) { set_sym_in(name, NULL, value); }

/* start and stop bound os; both dflt if there is no os. */
static void set_range(const char *start, const char *stop, struct osec *os, uint64_t dflt) {
  set_sym_in(start, os, os ? 0 : dflt);
  set_sym_in(stop, os, os ? os->size : dflt);
}

void finalize_synthetic_symbols(void) {
  struct osec **oss = (struct osec **)ctx.osecs.v;
  uint64_t etext = 0, edata = 0, end = 0, bss = 0, first_rw = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = oss[i];
    if (!(os->flags & SHF_ALLOC))
      continue;
    uint64_t e = os->addr + ((os->flags & SHF_TLS) && os->type == SHT_NOBITS ? 0 : os->size);
    if (os->flags & SHF_EXECINSTR)
      etext = e;
    if ((os->flags & SHF_WRITE) && !first_rw)
      first_rw = os->addr;
    if (os->type != SHT_NOBITS)
      edata = e > edata ? e : edata;
    if (os->type == SHT_NOBITS && !(os->flags & SHF_TLS) && !bss)
      bss = os->addr;
    end = e > end ? e : end;
  }
  if (!bss)
    bss = edata;
  uint64_t base = image_base();
  set_sym("__ehdr_start", base);
  set_sym("__executable_start", base);
  set_sym("_etext", etext);
  set_sym("etext", etext);
  set_sym("__etext", etext);
  set_sym("_edata", edata);
  set_sym("edata", edata);
  set_sym("__bss_start", bss);
  set_sym("_end", end);
  set_sym("end", end);
  set_sym("_GLOBAL_OFFSET_TABLE_", got_base());
  set_sym("__GNU_EH_FRAME_HDR", ctx.ehframe_hdr ? ctx.ehframe_hdr->addr : 0);
  set_sym("__dso_handle", base);
  set_sym("_TLS_MODULE_BASE_", ctx.tls_begin);
  set_sym("__tls_base", ctx.tls_begin);
  uint64_t dflt = first_rw ? first_rw : end;
  set_range("__init_array_start", "__init_array_end", osec_named(".init_array"), dflt);
  set_range("__fini_array_start", "__fini_array_end", osec_named(".fini_array"), dflt);
  set_range("__preinit_array_start", "__preinit_array_end", osec_named(".preinit_array"), dflt);
  /* empty in a static PIE (no .rela.iplt): glibc would apply them
   * without the load base (ld/pie.c) */
  set_range("__rela_iplt_start", "__rela_iplt_end", ctx.rela_iplt, dflt);
  set_range("__rel_iplt_start", "__rel_iplt_end", ctx.rela_iplt, dflt); /* glibc's i386 names */
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct symbol *sym = symmap_find(xsprintf("__stop_%s", oss[i]->name));
    if (sym && sym->file == ctx.internal && sym->kind == SYM_OSEC)
      sym->value = oss[i]->size;
  }
  define_defsyms(true); /* last: --defsym overrides the names above too */
  check_errors();
}

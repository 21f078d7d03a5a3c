/* LTO through a linker plugin, as GNU ld, gold and mold drive one: GCC's
 * liblto_plugin.so (gcc passes `-plugin PATH -plugin-opt=...` on every
 * link) or LLVM's LLVMgold.so (clang passes it to linkers other than lld).
 * Nothing here runs unless an input holds LTO bytecode.
 *
 * An object with a .gnu.lto_.symtab section (GCC's, slim or
 * -ffat-lto-objects), or an LLVM bitcode file, is not parsed as ELF: once
 * the other inputs are read, the plugin is loaded and each such file on
 * the command line is offered to it in command-line order (claim_file);
 * the symbols it reports (add_symbols) become a stand-in ELF object
 * holding just those symbols, which resolve reads like any other file. A
 * bytecode archive member stands in first with the names the archive's
 * index gives it as definitions, and is claimed only when resolve pulls
 * it in, as GNU ld claims the members it loads (a claimed file is
 * compiled, so a member nothing needs must not be). After resolve, the
 * plugin asks how each of its symbols resolved (get_symbols: prevailing,
 * preempted by a regular object or by other bytecode, referenced from
 * outside the bytecode or not), compiles (GCC's through lto-wrapper,
 * LLVMgold in this process), and hands back the objects it made
 * (add_input_file) and libraries (add_input_library). The link is then
 * run again in a child process, on the same command line with those
 * objects read where the first bytecode file was and every bytecode file
 * left out; its exit status is the link's, and the plugin's cleanup
 * removes its temporary files afterwards (or on an error). */
#include "ld/ld.h"
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the plugin interface: an ABI (GNU binutils' plugin-api.h) ---- */

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the symbol layout below");

enum { LDPS_OK, LDPS_NO_SYMS, LDPS_BAD_HANDLE, LDPS_ERR };
enum { LDPO_REL, LDPO_EXEC, LDPO_DYN, LDPO_PIE };
enum { LDPL_INFO, LDPL_WARNING, LDPL_ERROR, LDPL_FATAL };
enum {
  LDPT_NULL = 0,
  LDPT_API_VERSION = 1,
  LDPT_LINKER_OUTPUT = 3,
  LDPT_OPTION = 4,
  LDPT_REGISTER_CLAIM_FILE_HOOK = 5,
  LDPT_REGISTER_ALL_SYMBOLS_READ_HOOK = 6,
  LDPT_REGISTER_CLEANUP_HOOK = 7,
  LDPT_ADD_SYMBOLS = 8,
  LDPT_GET_SYMBOLS = 9,
  LDPT_ADD_INPUT_FILE = 10,
  LDPT_MESSAGE = 11,
  LDPT_GET_INPUT_FILE = 12,
  LDPT_RELEASE_INPUT_FILE = 13,
  LDPT_ADD_INPUT_LIBRARY = 14,
  LDPT_OUTPUT_NAME = 15,
  LDPT_SET_EXTRA_LIBRARY_PATH = 16,
  LDPT_GET_VIEW = 18,
  LDPT_GET_SYMBOLS_V2 = 25,
  LDPT_GET_SYMBOLS_V3 = 28,
};

struct plugin_input_file {
  const char *name;
  int fd;
  off_t offset;
  off_t filesize;
  void *handle;
};


typedef void generic_fn(void);
struct plugin_tv {
  int tag;
  union {
    int val;
    const char *string;
    generic_fn *fn;
  } u;
};

typedef int claim_file_fn(const struct plugin_input_file *file, int *claimed);
typedef int hook_fn(void);

/* ---- what smelt keeps ---- */

struct lto_file {
  const uint8_t *ir; /* the object's own bytes (get_view) */
  uint64_t ir_size;
  struct lto_symbol *syms;
  int nsyms;
  bool claimed;
  int fd; /* get_input_file */
};

static bool loaded;
static claim_file_fn *claim_hook;
static hook_fn *all_read_hook, *cleanup_hook;
static struct vec added_files, added_libs, added_paths; /* const char * */
static size_t nclaimed;

bool lto_active(void) { return ctx.opt.plugin && !ctx.opt.ltrans; }
bool lto_claimed_any(void) { return nclaimed > 0; }

const uint8_t *lto_bytes(const struct objfile *f) { return f->lto->ir; }

void lto_note_bytecode(struct objfile *f) {
  struct lto_file *l = xalloc(sizeof(*l));
  l->ir = f->data;
  l->ir_size = f->size;
  l->fd = -1;
  f->lto = l;
}

/* ---- stand-in objects ---- */

struct stub_sym {
  const char *name;
  uint8_t info, other;
  uint16_t shndx;
  uint64_t value, size;
};

enum { STUB_TEXT = 1, STUB_NOTE, STUB_SYMTAB, STUB_STRTAB, STUB_SHSTRTAB, STUB_NSECS };
static const char stub_names[] = "\0.text\0.note.GNU-stack\0.symtab\0.strtab\0.shstrtab";
static const uint32_t stub_name_at[STUB_NSECS] = {0, 1, 7, 23, 31, 39};

/* An ELF relocatable of the target with an empty .text, a .note.GNU-stack
 * and these symbols, all global (after the null symbol). */
static const uint8_t *build_stub(const struct stub_sym *syms, size_t n, uint64_t *size) {
  bool w = ctx.arch->is64;
  size_t ehsize = w ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  size_t shsize = w ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
  size_t symsize = w ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
  uint64_t strsize = 1;
  for (size_t i = 0; i < n; i++)
    strsize += strlen(syms[i].name) + 1;
  uint64_t shoff = ehsize, symoff = ALIGN_UP(shoff + STUB_NSECS * shsize, 8);
  uint64_t stroff = symoff + (n + 1) * symsize, shstroff = stroff + strsize;
  *size = shstroff + sizeof(stub_names);
  uint8_t *p = xalloc(*size);
  char *str = (char *)p + stroff;
  memcpy(p + shstroff, stub_names, sizeof(stub_names));

  /* section: type, flags, offset, size, link, info, align, entsize */
  uint64_t sec[STUB_NSECS][8] = {
      [STUB_TEXT] = {SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, symoff, 0, 0, 0, 1, 0},
      [STUB_NOTE] = {SHT_PROGBITS, 0, symoff, 0, 0, 0, 1, 0},
      [STUB_SYMTAB] = {SHT_SYMTAB, 0, symoff, (n + 1) * symsize, STUB_STRTAB, 1, 8, symsize},
      [STUB_STRTAB] = {SHT_STRTAB, 0, stroff, strsize, 0, 0, 1, 0},
      [STUB_SHSTRTAB] = {SHT_STRTAB, 0, shstroff, sizeof(stub_names), 0, 0, 1, 0},
  };
  uint32_t *name_at = xcalloc(n ? n : 1, sizeof(uint32_t));
  for (size_t i = 0, at = 1; i < n; i++) {
    size_t len = strlen(syms[i].name) + 1;
    memcpy(str + at, syms[i].name, len);
    name_at[i] = (uint32_t)at;
    at += len;
  }
  if (w) {
    Elf64_Ehdr eh = {.e_type = ET_REL, .e_machine = ctx.arch->machine, .e_version = EV_CURRENT,
                     .e_shoff = shoff, .e_ehsize = (uint16_t)ehsize,
                     .e_shentsize = (uint16_t)shsize, .e_shnum = STUB_NSECS,
                     .e_shstrndx = STUB_SHSTRTAB};
    memcpy(p, &eh, sizeof(eh));
    for (int i = 1; i < STUB_NSECS; i++) {
      Elf64_Shdr sh = {stub_name_at[i], (uint32_t)sec[i][0], sec[i][1], 0, sec[i][2],
                       sec[i][3], (uint32_t)sec[i][4], (uint32_t)sec[i][5], sec[i][6],
                       sec[i][7]};
      memcpy(p + shoff + i * shsize, &sh, sizeof(sh));
    }
    for (size_t i = 0; i < n; i++) {
      Elf64_Sym s = {name_at[i], syms[i].info, syms[i].other, syms[i].shndx, syms[i].value,
                     syms[i].size};
      memcpy(p + symoff + (i + 1) * symsize, &s, sizeof(s));
    }
  } else {
    Elf32_Ehdr eh = {.e_type = ET_REL, .e_machine = ctx.arch->machine, .e_version = EV_CURRENT,
                     .e_shoff = (uint32_t)shoff, .e_ehsize = (uint16_t)ehsize,
                     .e_shentsize = (uint16_t)shsize, .e_shnum = STUB_NSECS,
                     .e_shstrndx = STUB_SHSTRTAB};
    memcpy(p, &eh, sizeof(eh));
    for (int i = 1; i < STUB_NSECS; i++) {
      Elf32_Shdr sh = {stub_name_at[i], (uint32_t)sec[i][0], (uint32_t)sec[i][1], 0,
                       (uint32_t)sec[i][2], (uint32_t)sec[i][3], (uint32_t)sec[i][4],
                       (uint32_t)sec[i][5], (uint32_t)sec[i][6], (uint32_t)sec[i][7]};
      memcpy(p + shoff + i * shsize, &sh, sizeof(sh));
    }
    for (size_t i = 0; i < n; i++) {
      Elf32_Sym s = {name_at[i], (uint32_t)syms[i].value, (uint32_t)syms[i].size, syms[i].info,
                     syms[i].other, syms[i].shndx};
      memcpy(p + symoff + (i + 1) * symsize, &s, sizeof(s));
    }
  }
  memcpy(p, ELFMAG, SELFMAG);
  p[EI_CLASS] = w ? ELFCLASS64 : ELFCLASS32;
  p[EI_DATA] = ELFDATA2LSB;
  p[EI_VERSION] = EV_CURRENT;
  xfree(name_at);
  return p;
}

const uint8_t *lto_stub(uint64_t *size) { return build_stub(NULL, 0, size); }

/* The stand-in for a claimed file: the plugin's symbols in its order (so
 * that plugin symbol i is ELF symbol i + 1). A definition in a COMDAT
 * group is weak here: its copies in other files are not duplicates. */
const uint8_t *lto_claimed_stub(const struct lto_symbol *syms, int nsyms, uint64_t *size) {
  static const uint8_t vis[] = {STV_DEFAULT, STV_PROTECTED, STV_INTERNAL, STV_HIDDEN};
  struct stub_sym *s = xcalloc(nsyms ? (size_t)nsyms : 1, sizeof(*s));
  for (int i = 0; i < nsyms; i++) {
    const struct lto_symbol *p = &syms[i];
    uint8_t bind = STB_GLOBAL, type = STT_NOTYPE;
    uint16_t shndx = STUB_TEXT;
    uint64_t value = 0;
    switch (p->def) {
    case LDPK_DEF:
      bind = p->comdat_key ? STB_WEAK : STB_GLOBAL;
      break;
    case LDPK_WEAKDEF:
      bind = STB_WEAK;
      break;
    case LDPK_UNDEF:
      shndx = SHN_UNDEF;
      break;
    case LDPK_WEAKUNDEF:
      bind = STB_WEAK, shndx = SHN_UNDEF;
      break;
    case LDPK_COMMON:
      type = STT_OBJECT, shndx = SHN_COMMON, value = 1; /* the alignment is the bytecode's */
      break;
    }
    s[i] = (struct stub_sym){p->name, (uint8_t)ELF64_ST_INFO(bind, type),
                             p->visibility >= 0 && p->visibility < 4 ? vis[p->visibility] : 0,
                             shndx, value, p->size};
  }
  const uint8_t *stub = build_stub(s, (size_t)nsyms, size);
  xfree(s);
  return stub;
}

/* ---- an archive's index: the names each bytecode member defines ---- */

struct armap_entry {
  uint64_t hdr_off;
  uint64_t at; /* its place in the index */
  const char *name;
};

struct armap {
  const uint8_t *base;
  struct armap_entry *v;
  size_t n;
};

static int by_hdr_off(const void *a, const void *b) {
  const struct armap_entry *x = a, *y = b;
  if (x->hdr_off != y->hdr_off)
    return x->hdr_off < y->hdr_off ? -1 : 1;
  return (x->at > y->at) - (x->at < y->at); /* index order within a member */
}

/* The index of the archive at base (its first member, "/" or "/SYM64/"),
 * entries sorted by member; none if it has no index or a broken one. */
static void read_armap(struct armap *m, const uint8_t *base, uint64_t size) {
  *m = (struct armap){.base = base};
  if (size < 68)
    return;
  const char *h = (const char *)base + 8;
  int w = h[0] == '/' && h[1] == ' ' ? 4 : !memcmp(h, "/SYM64/", 7) ? 8 : 0;
  uint64_t len = member_size_field(h);
  if (!w || len > size - 68)
    return;
  const uint8_t *p = base + 68, *end = p + len;
  uint64_t count = len >= (uint64_t)w ? rd_be(p, w) : 0;
  if (!count || count > (len - w) / w)
    return;
  const char *names = (const char *)p + w + count * w;
  m->v = xcalloc(count, sizeof(*m->v));
  for (uint64_t i = 0; i < count && names < (const char *)end; i++) {
    const char *e = memchr(names, 0, (size_t)((const char *)end - names));
    if (!e)
      break;
    m->v[m->n] = (struct armap_entry){rd_be(p + w + i * w, w), m->n, names};
    m->n++;
    names = e + 1;
  }
  qsort(m->v, m->n, sizeof(*m->v), by_hdr_off);
}

/* The entries of member hdr_off: *first, and how many. */
static size_t member_entries(const struct armap *m, uint64_t hdr_off, size_t *first) {
  size_t lo = 0, hi = m->n;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (m->v[mid].hdr_off < hdr_off)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t n = 0;
  while (lo + n < m->n && m->v[lo + n].hdr_off == hdr_off)
    n++;
  *first = lo;
  return n;
}

size_t lto_index_names(const uint8_t *ar, uint64_t size, uint64_t hdr_off, const char ***names) {
  struct armap m;
  read_armap(&m, ar, size);
  size_t first, n = member_entries(&m, hdr_off, &first);
  *names = xcalloc(n ? n : 1, sizeof(char *));
  for (size_t i = 0; i < n; i++)
    (*names)[i] = m.v[first + i].name;
  xfree(m.v);
  return n;
}

/* A lazy member's stand-in: a definition of each name the index gives it. */
static const uint8_t *index_stub(struct objfile *f, struct armap *m, uint64_t *size) {
  if (m->base != f->ar_base)
    read_armap(m, f->ar_base, f->ar_size);
  if (!m->n && f->ar_base)
    warn("%s: LTO bytecode in an archive without a symbol index: nothing can pull it in "
         "(make the archive with gcc-ar, or run gcc-ranlib on it)", f->name);
  size_t lo, n = member_entries(m, f->ar_hdr_off, &lo);
  struct stub_sym *s = xcalloc(n ? n : 1, sizeof(*s));
  for (size_t i = 0; i < n; i++)
    s[i] = (struct stub_sym){m->v[lo + i].name, ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE), 0,
                             STUB_TEXT, 0, 0};
  const uint8_t *stub = build_stub(s, n, size);
  xfree(s);
  return stub;
}

/* ---- the linker's side of the interface ---- */

static struct objfile *handle_file(const void *handle) {
  struct objfile *f = (struct objfile *)handle;
  return f && f->lto ? f : NULL;
}

static int register_claim_file(claim_file_fn *fn) {
  claim_hook = fn;
  return LDPS_OK;
}

static int register_all_symbols_read(hook_fn *fn) {
  all_read_hook = fn;
  return LDPS_OK;
}

static int register_cleanup(hook_fn *fn) {
  cleanup_hook = fn;
  return LDPS_OK;
}

static int add_symbols(void *handle, int n, const struct lto_symbol *syms) {
  struct objfile *f = handle_file(handle);
  if (!f || n < 0)
    return LDPS_BAD_HANDLE;
  struct lto_file *l = f->lto;
  l->syms = xcalloc(n ? (size_t)n : 1, sizeof(*l->syms));
  for (int i = 0; i < n; i++) {
    l->syms[i] = syms[i];
    l->syms[i].name = xstrdup(syms[i].name);
    l->syms[i].version = NULL;
    l->syms[i].comdat_key = syms[i].comdat_key ? xstrdup(syms[i].comdat_key) : NULL;
  }
  l->nsyms = n;
  return LDPS_OK;
}

int lto_resolution(struct objfile *f, int i, const struct lto_symbol *p) {
  struct symbol *sym = f->syms[f->first_global + (uint32_t)i];
  if (p->def == LDPK_UNDEF || p->def == LDPK_WEAKUNDEF)
    return !sym->file ? LDPR_UNDEF : sym->file->lto ? LDPR_RESOLVED_IR : LDPR_RESOLVED_EXEC;
  if (sym->file == f && sym->esym == f->first_global + (uint32_t)i)
    /* -r: every global stays one, for the link that takes the object */
    return sym->ref_regular || ctx.opt.relocatable ? LDPR_PREVAILING_DEF
                                                   : LDPR_PREVAILING_DEF_IRONLY;
  return sym->file && sym->file->lto ? LDPR_PREEMPTED_IR : LDPR_PREEMPTED_REG;
}

static int get_symbols(const void *handle, int n, struct lto_symbol *syms) {
  struct objfile *f = handle_file(handle);
  if (!f || !f->lto->claimed || n != f->lto->nsyms)
    return LDPS_BAD_HANDLE;
  for (int i = 0; i < n; i++)
    syms[i].resolution = lto_resolution(f, i, &syms[i]);
  return LDPS_OK;
}

static int add_input_file(const char *path) {
  vec_push(&added_files, xstrdup(path));
  return LDPS_OK;
}

static int add_input_library(const char *name) {
  vec_push(&added_libs, xstrdup(name));
  return LDPS_OK;
}

static int set_extra_library_path(const char *path) {
  vec_push(&added_paths, xstrdup(path));
  return LDPS_OK;
}

static int get_view(const void *handle, const void **view) {
  struct objfile *f = handle_file(handle);
  if (!f)
    return LDPS_BAD_HANDLE;
  *view = f->lto->ir;
  return LDPS_OK;
}

/* f as the plugin sees a file: where its bytes are, open as fd; f is the
 * handle the plugin passes back. */
static struct plugin_input_file input_file(struct objfile *f, int fd) {
  return (struct plugin_input_file){f->src_path, fd, (off_t)f->src_off, (off_t)f->lto->ir_size,
                                    (void *)f};
}

static int get_input_file(const void *handle, struct plugin_input_file *file) {
  struct objfile *f = handle_file(handle);
  if (!f)
    return LDPS_BAD_HANDLE;
  if (f->lto->fd < 0)
    f->lto->fd = open(f->src_path, O_RDONLY | O_CLOEXEC);
  *file = input_file(f, f->lto->fd);
  return f->lto->fd < 0 ? LDPS_ERR : LDPS_OK;
}

static int release_input_file(const void *handle) {
  struct objfile *f = handle_file(handle);
  if (!f)
    return LDPS_BAD_HANDLE;
  if (f->lto->fd >= 0)
    close(f->lto->fd);
  f->lto->fd = -1;
  return LDPS_OK;
}

static int message(int level, const char *fmt, ...) {
  char buf[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (level == LDPL_FATAL)
    fatal("LTO plugin: %s", buf);
  if (level == LDPL_ERROR)
    error("LTO plugin: %s", buf);
  else if (level == LDPL_WARNING)
    warn("LTO plugin: %s", buf);
  else
    fprintf(stderr, "smelt: LTO plugin: %s\n", buf);
  return LDPS_OK;
}

/* The plugin's temporary files go whatever way the link ends (a fatal
 * error of its own included), once. */
static void plugin_cleanup(void) {
  hook_fn *fn = cleanup_hook;
  cleanup_hook = NULL;
  if (fn)
    fn();
}

static void load_plugin(void) {
  if (loaded)
    return;
  loaded = true;
  void *h = dlopen(ctx.opt.plugin, RTLD_NOW | RTLD_LOCAL);
  if (!h)
    fatal("cannot load the LTO plugin %s: %s", ctx.opt.plugin, dlerror());
  int (*onload)(struct plugin_tv *);
  *(void **)&onload = dlsym(h, "onload");
  if (!onload)
    fatal("%s: not a linker plugin (no onload function)", ctx.opt.plugin);
  int output = ctx.opt.relocatable ? LDPO_REL : ctx.opt.pie ? LDPO_PIE : LDPO_EXEC;
  struct plugin_tv *tv = xcalloc(ctx.opt.plugin_opts.n + 24, sizeof(*tv));
  size_t n = 0;
#define TV_FN(t, f) (tv[n++] = (struct plugin_tv){t, {.fn = (generic_fn *)(f)}})
  tv[n++] = (struct plugin_tv){LDPT_API_VERSION, {.val = 1}};
  tv[n++] = (struct plugin_tv){LDPT_LINKER_OUTPUT, {.val = output}};
  tv[n++] = (struct plugin_tv){LDPT_OUTPUT_NAME, {.string = ctx.opt.output}};
  for (size_t i = 0; i < ctx.opt.plugin_opts.n; i++)
    tv[n++] = (struct plugin_tv){LDPT_OPTION, {.string = ctx.opt.plugin_opts.v[i]}};
  if (ctx.opt.relocatable) {
    /* -r: LTO compiles to a regular object (gcc's -flinker-output=nolto-rel),
     * which smelt's -r output holds; it does not carry bytecode on */
    tv[n++] = (struct plugin_tv){LDPT_OPTION, {.string = "-linker-output-known"}};
    tv[n++] = (struct plugin_tv){LDPT_OPTION, {.string = "-flinker-output=nolto-rel"}};
  }
  TV_FN(LDPT_REGISTER_CLAIM_FILE_HOOK, register_claim_file);
  TV_FN(LDPT_REGISTER_ALL_SYMBOLS_READ_HOOK, register_all_symbols_read);
  TV_FN(LDPT_REGISTER_CLEANUP_HOOK, register_cleanup);
  TV_FN(LDPT_ADD_SYMBOLS, add_symbols);
  TV_FN(LDPT_GET_SYMBOLS, get_symbols);
  TV_FN(LDPT_GET_SYMBOLS_V2, get_symbols);
  TV_FN(LDPT_GET_SYMBOLS_V3, get_symbols);
  TV_FN(LDPT_ADD_INPUT_FILE, add_input_file);
  TV_FN(LDPT_ADD_INPUT_LIBRARY, add_input_library);
  TV_FN(LDPT_SET_EXTRA_LIBRARY_PATH, set_extra_library_path);
  TV_FN(LDPT_MESSAGE, message);
  TV_FN(LDPT_GET_VIEW, get_view);
  TV_FN(LDPT_GET_INPUT_FILE, get_input_file);
  TV_FN(LDPT_RELEASE_INPUT_FILE, release_input_file);
#undef TV_FN
  tv[n] = (struct plugin_tv){LDPT_NULL, {.val = 0}};
  cleanup_on_exit(plugin_cleanup);
  if (onload(tv) != LDPS_OK)
    fatal("the LTO plugin %s did not load", ctx.opt.plugin);
  check_errors();
  if (!claim_hook)
    fatal("the LTO plugin %s registered no claim_file hook", ctx.opt.plugin);
}

/* Offers f to the plugin; it must take it (GCC's takes every file with
 * bytecode), and f becomes the stand-in for its symbols. */
static void claim(struct objfile *f) {
  load_plugin();
  int fd = open(f->src_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    fatal("cannot open %s: %s", f->src_path, strerror(errno));
  struct plugin_input_file in = input_file(f, fd);
  int claimed = 0;
  int status = claim_hook(&in, &claimed);
  close(fd);
  check_errors();
  if (status != LDPS_OK || !claimed)
    fatal("%s: the LTO plugin did not take this LTO object (was it made by another GCC "
          "version than %s's?)", f->name, ctx.opt.plugin);
  f->lto->claimed = true;
  nclaimed++;
  uint64_t n;
  const uint8_t *stub = lto_claimed_stub(f->lto->syms, f->lto->nsyms, &n);
  reparse_objfile(f, stub, n, false);
}

void lto_claim_inputs(void) {
  struct armap m = {0};
  for (size_t i = 0; i < ctx.files.n; i++) {
    struct objfile *f = ctx.files.v[i];
    if (!f->lto)
      continue;
    if (atomic_load(&f->alive)) {
      claim(f);
    } else {
      uint64_t n;
      const uint8_t *stub = index_stub(f, &m, &n);
      reparse_objfile(f, stub, n, true);
    }
  }
  xfree(m.v);
  check_errors();
}

static int by_priority(const void *a, const void *b) {
  const struct objfile *x = *(struct objfile *const *)a, *y = *(struct objfile *const *)b;
  return (x->priority > y->priority) - (x->priority < y->priority);
}

/* The bytecode members resolve has just pulled, claimed in command-line
 * order: which thread pulled which member, and so their order in files,
 * varies from run to run, and the plugin compiles its files in the order
 * they were claimed. */
void lto_claim_members(struct vec *files) {
  struct vec todo = {0};
  for (size_t i = 0; i < files->n; i++) {
    struct objfile *f = files->v[i];
    if (f->lto && !f->lto->claimed)
      vec_push(&todo, f);
  }
  if (!todo.n)
    return;
  qsort(todo.v, todo.n, sizeof(void *), by_priority);
  for (size_t i = 0; i < todo.n; i++)
    claim(todo.v[i]);
  xfree(todo.v);
  check_errors();
}

/* ---- after resolve ---- */

static void mark_root(void *arg, const char *name, int kind, const struct defsym *d) {
  struct symbol *sym = symmap_find(name);
  if (sym)
    sym->ref_regular = true;
}

/* What the plugin must keep visible: symbols that regular objects (or the
 * entry point, -u, --defsym) refer to. A regular object's definition
 * counts too: one that lost (a COMDAT copy, libstdc++'s instantiation of a
 * template the bytecode also has) is how that object's own code reaches
 * the symbol, as GNU ld reads it. */
static void mark_regular_references(void) {
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    if (f->lto)
      continue;
    for (uint32_t k = f->first_global; k < f->nsyms; k++)
      f->syms[k]->ref_regular = true;
  }
  each_root_symbol(mark_root, NULL);
  for (size_t i = 0; i < ctx.opt.wrap.n; i++)
    mark_root(NULL, ctx.opt.wrap.v[i], 0, NULL);
}

extern char **environ;

/* The link again, in a child: the same arguments and where the plugin's
 * objects go; its exit status. */
static int link_again(size_t at) {
  struct vec av = {0};
  for (int i = 0; i < ctx.opt.argc; i++)
    vec_push(&av, ctx.opt.argv[i]);
  vec_push(&av, xsprintf("--smelt-ltrans-at=%zu", at));
  for (size_t i = 0; i < added_files.n; i++)
    vec_push(&av, xsprintf("--smelt-ltrans=%s", (char *)added_files.v[i]));
  for (size_t i = 0; i < added_libs.n; i++)
    vec_push(&av, xsprintf("--smelt-ltrans-lib=%s", (char *)added_libs.v[i]));
  for (size_t i = 0; i < added_paths.n; i++)
    vec_push(&av, xsprintf("-L%s", (char *)added_paths.v[i]));
  vec_push(&av, NULL);
  fflush(stdout);
  fflush(stderr);
  pid_t pid;
  int rc = posix_spawn(&pid, "/proc/self/exe", NULL, NULL, (char **)av.v, environ);
  if (rc)
    rc = posix_spawnp(&pid, ctx.opt.argv[0], NULL, NULL, (char **)av.v, environ);
  if (rc)
    fatal("cannot run the link after LTO: %s", strerror(rc));
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      fatal("waitpid: %s", strerror(errno));
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  fprintf(stderr, "smelt: error: the link after LTO died (signal %d)\n", WTERMSIG(status));
  return 1;
}

void lto_compile(void) {
  mark_regular_references();
  if (all_read_hook)
    all_read_hook();
  check_errors();
  if (!added_files.n)
    fatal("the LTO plugin made no objects");
}

_Noreturn void lto_link_and_exit(void) {
  size_t at = SIZE_MAX;
  for (size_t i = 0; i < ctx.files.n; i++) {
    struct objfile *f = ctx.files.v[i];
    if (f->lto && f->lto->claimed && f->input_idx < at)
      at = f->input_idx;
  }
  int status = link_again(at);
  plugin_cleanup();
  _exit(status);
}

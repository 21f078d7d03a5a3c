/* --symbol-ordering-file=FILE, as lld and mold read it: FILE names
 * symbols, one a line ('#' starts a comment, blanks around a name are
 * dropped), and the input section that defines each comes first in its
 * output section, in the order of the first line naming it; the other
 * sections follow in their usual order. Global and local symbols are
 * matched by name (a static function of every file that has one). A name
 * that matches nothing, or only a symbol that has no section to move
 * (undefined, absolute, discarded, in a merged section), is a warning
 * unless --no-warn-symbol-ordering; so is a name given twice. The output
 * sections of constructors (.init_array, .ctors, ...) keep their priority
 * order. */
#include "ld/ld.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

struct order_table {
  const char **names; /* by line: the names, in file order */
  uint32_t n;
  uint32_t *slots; /* open addressing: line + 1, 0 empty */
  uint64_t mask;
  atomic_bool *found;
};

static uint64_t name_hash(const char *s) { return XXH3_64bits(s, strlen(s)); }

/* name's slot: the one holding it, or the empty one it would go in */
static uint32_t *slot_of(const struct order_table *t, const char *name) {
  uint64_t h = name_hash(name) & t->mask;
  while (t->slots[h] && strcmp(t->names[t->slots[h] - 1], name))
    h = (h + 1) & t->mask;
  return &t->slots[h];
}

/* the line of name, or UINT32_MAX */
static uint32_t lookup(const struct order_table *t, const char *name) {
  return *slot_of(t, name) - 1; /* an empty slot: 0 - 1 */
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

void ordering_names(char *text, size_t size, struct vec *out) {
  for (size_t at = 0; at < size;) {
    char *line = text + at, *nl = memchr(line, '\n', size - at);
    size_t len = nl ? (size_t)(nl - line) : size - at;
    at += len + 1;
    const char *hash = memchr(line, '#', len);
    if (hash)
      len = (size_t)(hash - line);
    while (len && is_blank(line[len - 1]))
      len--;
    while (len && is_blank(*line))
      line++, len--;
    if (len) {
      line[len] = 0; /* a blank, '#', the newline or text[size] */
      vec_push(out, line);
    }
  }
}

/* The whole of a text file an option names, NUL-terminated, its length in
 * *size; fatal if it cannot be read. */
char *read_text_file(const char *option, const char *path, size_t *size) {
  /* O_NONBLOCK: a FIFO is refused, not waited on */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0)
    fatal("cannot open %s %s: %s", option, path, strerror(errno));
  if (!S_ISREG(st.st_mode))
    fatal("cannot open %s %s: %s", option, path,
          S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
  size_t got = 0;
  *size = (size_t)st.st_size;
  char *text = xrealloc(NULL, *size + 1);
  while (got < *size) {
    ssize_t n = read(fd, text + got, *size - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      fatal("cannot read %s %s: %s", option, path, n ? strerror(errno) : "truncated");
    got += (size_t)n;
  }
  close(fd);
  text[*size] = 0;
  return text;
}

static void read_table(const char *path, struct order_table *t) {
  size_t size;
  char *text = read_text_file("--symbol-ordering-file", path, &size); /* kept: names point in */
  struct vec names = {0};
  ordering_names(text, size, &names);

  t->names = (const char **)names.v;
  t->n = (uint32_t)names.n;
  uint64_t nslots = table_slots(t->n);
  t->mask = nslots - 1;
  t->slots = xcalloc(nslots, sizeof(uint32_t));
  t->found = xcalloc(t->n ? t->n : 1, sizeof(atomic_bool));
  for (uint32_t i = 0; i < t->n; i++) {
    uint32_t *slot = slot_of(t, t->names[i]);
    if (!*slot) {
      *slot = i + 1;
    } else {
      atomic_store(&t->found[i], true); /* said here: the first line orders */
      if (ctx.opt.warn_symbol_ordering)
        warn("symbol ordering file: symbol '%s' specified multiple times", t->names[i]);
    }
  }
}

/* The section a symbol's definition can be moved with, or NULL (and why);
 * also what the call graph sort orders (ld/cgsort.c). */
struct isec *movable(const struct symbol *sym, const char **why) {
  *why = NULL;
  switch (sym->kind) {
  case SYM_DEFINED:
    break;
  case SYM_UNDEF:
    *why = "undefined";
    return NULL;
  case SYM_ABS:
    *why = "absolute";
    return NULL;
  default:
    *why = "linker-defined"; /* commons are in the linker's .bss */
    return NULL;
  }
  struct isec *isec = sym->isec ? (struct isec *)live_isec(sym->isec) : NULL;
  if (!isec || !isec->alive || !isec->osec) {
    *why = "discarded";
    return NULL;
  }
  if (isec->pieces) {
    *why = "merged";
    return NULL;
  }
  return isec;
}

/* isec's order becomes line if that is lower: the same whatever order the
 * threads come in (a section folded by --icf is ordered as the section it
 * became, which may be another file's). The constructors' sections keep
 * their priorities. */
static void place(struct isec *isec, uint32_t line) {
  if (constructors_osec(isec->osec))
    return;
  uint32_t cur = __atomic_load_n(&isec->order, __ATOMIC_RELAXED);
  while (line < cur && !__atomic_compare_exchange_n(&isec->order, &cur, line, true,
                                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
    ;
}

/* Each file's symbols: its locals, and the globals it defines (one entry
 * of each, the winning definition); files in parallel. A local that
 * matches marks its line found even if it cannot be ordered (another
 * file's static symbol of that name may be); a global only if it is. */
static void order_file(void *arg, int64_t i) {
  const struct order_table *t = arg;
  struct objfile *f = ctx.live.v[i];
  for (uint32_t k = 1; k < f->nsyms; k++) {
    struct symbol *sym = f->syms[k];
    bool local = k < f->first_global;
    if (!sym || (!local && (sym->file != f || sym->esym != k)))
      continue;
    if (local && (!sym->name || !*sym->name || sym->type == STT_SECTION || sym->type == STT_FILE))
      continue;
    uint32_t line = lookup(t, sym->name);
    if (line == UINT32_MAX)
      continue;
    const char *why;
    struct isec *isec = movable(sym, &why);
    if (isec)
      place(isec, line);
    if (isec || local)
      atomic_store_explicit(&t->found[line], true, memory_order_relaxed);
  }
}

/* os's members with an order first, by it (sections of the same order,
 * static symbols of one name, in the order they were), then the rest as
 * they were: a counting sort, the orders being lines [0, nlines). */
void reorder_members(struct osec *os, uint32_t nlines) {
  size_t n = os->members.n, k = 0;
  struct isec **m = (struct isec **)os->members.v;
  uint32_t *at = NULL; /* by order: where its first member goes */
  for (size_t i = 0; i < n; i++) {
    if (m[i]->order == ORDER_NONE)
      continue;
    if (!at)
      at = xcalloc((size_t)nlines + 1, sizeof(*at));
    at[m[i]->order + 1]++;
    k++;
  }
  if (!k)
    return;
  for (uint32_t o = 0; o < nlines; o++)
    at[o + 1] += at[o];
  struct isec **v = xrealloc(NULL, n * sizeof(*v));
  for (size_t i = 0; i < n; i++)
    v[m[i]->order == ORDER_NONE ? k++ : at[m[i]->order]++] = m[i];
  memcpy(m, v, n * sizeof(*v));
  xfree(v);
  xfree(at);
}

void apply_symbol_order(void) {
  if (!ctx.opt.symbol_ordering_file)
    return;
  struct order_table t = {0};
  read_table(ctx.opt.symbol_ordering_file, &t);
  parallel_for((int64_t)ctx.live.n, order_file, &t);
  /* a line nothing was found for: the global of that name says why */
  for (uint32_t line = 0; line < t.n && ctx.opt.warn_symbol_ordering; line++) {
    if (atomic_load_explicit(&t.found[line], memory_order_relaxed))
      continue;
    struct symbol *sym = symmap_find(t.names[line]);
    const char *why = NULL;
    if (sym)
      movable(sym, &why);
    if (why)
      warn("symbol ordering file: unable to order %s symbol: %s", why, t.names[line]);
    else
      warn("symbol ordering file: no such symbol: %s", t.names[line]);
  }
  for (size_t i = 0; i < ctx.osecs.n; i++)
    if (!constructors_osec(ctx.osecs.v[i]))
      reorder_members(ctx.osecs.v[i], t.n);
}

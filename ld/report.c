/* Reports about a link, for people: --trace (each input file linked),
 * --why-extract (which reference pulled each archive member), -Map (a GNU
 * ld style map: extracted members, discarded sections, then every output
 * section with its input sections and their symbols; --cref adds a cross
 * reference table) and -y (the files that define or reference a symbol).
 * All in command-line order, so reports are as deterministic as the
 * output; -y once symbols are resolved (before an undefined symbol stops
 * the link), the rest after layout. */
#include "ld/ld.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct why {
  struct objfile *member;
  const char *by; /* file name, or "-u"/"--entry" */
  struct symbol *sym;
};

/* The first reference, by command-line order, that a member satisfies. */
static struct why *compute_why(size_t *n) {
  struct why *w = xcalloc(ctx.live.n ? ctx.live.n : 1, sizeof(*w));
  size_t count = 0;
  /* members pulled by -u and the entry point first */
  const char *entry = ctx.opt.entry ? ctx.opt.entry : "_start";
  for (size_t i = 0; i <= ctx.opt.undefined.n; i++) {
    const char *name = i < ctx.opt.undefined.n ? ctx.opt.undefined.v[i] : entry;
    struct symbol *sym = symmap_find(name);
    if (sym && sym->file && sym->file->in_archive && !sym->file->why_done) {
      sym->file->why_done = true;
      w[count++] = (struct why){sym->file, i < ctx.opt.undefined.n ? "-u" : "--entry", sym};
    }
  }
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (uint32_t k = f->first_global; k < f->nsyms; k++) {
      bool weak;
      struct symbol *sym = f->syms[k];
      if (objfile_defines(f, k, &weak) || weak || !sym->file ||
          !sym->file->in_archive || sym->file == f || sym->file->why_done)
        continue;
      sym->file->why_done = true;
      w[count++] = (struct why){sym->file, f->name, sym};
    }
  }
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    if (f->in_archive && !f->why_done) {
      f->why_done = true; /* --whole-archive, or pulled by a common symbol */
      w[count++] = (struct why){f, "--whole-archive", NULL};
    }
  }
  *n = count;
  return w;
}

/* The report files written so far: a link that fails later (while
 * writing the output) removes them, as it removes the output. Only
 * regular files are: a report sent to /dev/null or a FIFO stays. */
static const char *written[4];
static int nwritten;

static void remove_reports(void) {
  for (int i = 0; i < nwritten; i++)
    unlink(written[i]);
  nwritten = 0;
}

static FILE *open_report(const char *path) {
  if (!strcmp(path, "-"))
    return stdout;
  FILE *fp = fopen(path, "w");
  if (!fp)
    fatal("cannot open %s: %s", path, strerror(errno));
  struct stat st;
  if (!fstat(fileno(fp), &st) && S_ISREG(st.st_mode) &&
      nwritten < (int)(sizeof(written) / sizeof(written[0])))
    written[nwritten++] = path;
  cleanup_on_exit(remove_reports);
  return fp;
}

static void close_report(FILE *fp, const char *path) {
  if (fp == stdout) {
    fflush(fp);
    return;
  }
  if (fclose(fp))
    fatal("cannot write %s: %s", path, strerror(errno));
}

struct msym {
  uint64_t addr;
  const struct isec *isec;
  const char *name;
};

static int cmp_msym(const void *a, const void *b) {
  const struct msym *x = a, *y = b;
  if (x->addr != y->addr)
    return x->addr < y->addr ? -1 : 1;
  return strcmp(x->name, y->name);
}

static void write_map(struct why *why, size_t nwhy) {
  FILE *fp = open_report(ctx.opt.map_file);
  fprintf(fp, "Archive member included to satisfy reference by file (symbol)\n\n");
  for (size_t i = 0; i < nwhy; i++) {
    fprintf(fp, "%s\n", why[i].member->name);
    fprintf(fp, "                              %s (%s)\n", why[i].by,
            why[i].sym ? why[i].sym->name : "all members");
  }

  fprintf(fp, "\nDiscarded input sections\n\n");
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (uint32_t k = 1; k < f->nsecs; k++) {
      struct isec *isec = f->secs[k];
      if (isec && !isec->alive)
        fprintf(fp, " %-14s 0x%016llx 0x%8llx %s%s\n", isec->name, 0ull,
                (unsigned long long)isec->size, f->name,
                live_isec(isec) != isec ? " (folded by --icf)" : "");
    }
  }

  /* global symbols of every emitted input section, in address order */
  struct msym *syms = NULL;
  size_t nsyms = 0, cap = 0;
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (uint32_t k = f->first_global; k < f->nsyms; k++) {
      struct symbol *sym = f->syms[k];
      if (sym->file != f || sym->esym != k || sym->kind != SYM_DEFINED || !sym->isec)
        continue;
      const struct isec *isec = live_isec(sym->isec);
      if (!isec->osec || !isec->osec->shndx || !(isec->osec->flags & SHF_ALLOC))
        continue;
      if (nsyms == cap)
        syms = xrealloc(syms, (cap = cap ? cap * 2 : 1024) * sizeof(*syms));
      syms[nsyms++] = (struct msym){sym_addr(sym), isec, sym->name};
    }
  }
  if (nsyms) /* qsort must not be given NULL, even for no elements */
    qsort(syms, nsyms, sizeof(*syms), cmp_msym);

  fprintf(fp, "\nMemory map\n\n");
  size_t si = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    fprintf(fp, "\n%-15s 0x%016llx %#10llx\n", os->name, (unsigned long long)os->addr,
            (unsigned long long)os->size);
    for (size_t m = 0; m < os->members.n; m++) {
      struct isec *isec = os->members.v[m];
      uint64_t a = os->addr + isec->out_off;
      fprintf(fp, " %-14s 0x%016llx %#10llx %s\n", isec->name, (unsigned long long)a,
              (unsigned long long)isec->size,
              isec->file == ctx.internal ? "<linker>" : isec->file->name);
      if (!(os->flags & SHF_ALLOC))
        continue;
      while (si < nsyms && syms[si].addr < a)
        si++;
      for (size_t k = si; k < nsyms && syms[k].addr <= a + isec->size; k++)
        if (syms[k].isec == isec)
          fprintf(fp, "                0x%016llx                %s\n",
                  (unsigned long long)syms[k].addr, syms[k].name);
    }
  }

  if (ctx.opt.cref) {
    fprintf(fp, "\nCross Reference Table\n\nSymbol                                            File\n");
    for (size_t i = 0; i < nsyms; i++) {
      struct symbol *sym = symmap_find(syms[i].name);
      if (!sym || !sym->file)
        continue;
      fprintf(fp, "%-50s%s\n", sym->name, sym->file->name);
      for (size_t k = 0; k < ctx.live.n; k++) {
        struct objfile *f = ctx.live.v[k];
        if (f == sym->file)
          continue;
        for (uint32_t j = f->first_global; j < f->nsyms; j++)
          if (f->syms[j] == sym) {
            fprintf(fp, "%-50s%s\n", "", f->name);
            break;
          }
      }
    }
  }
  xfree(syms);
  close_report(fp, ctx.opt.map_file);
}

/* A path as make reads it in a rule: '$' doubled, '#' and ' ' escaped
 * (with the backslashes before a space doubled), as lld and mold write. */
static void put_make_path(FILE *fp, const char *path) {
  for (const char *c = path; *c; c++) {
    if (*c == '$')
      fputc('$', fp);
    else if (*c == '#')
      fputc('\\', fp);
    else if (*c == ' ') {
      for (const char *b = c; b > path && b[-1] == '\\'; b--)
        fputc('\\', fp);
      fputc('\\', fp);
    }
    fputc(*c, fp);
  }
}

/* --dependency-file: `OUTPUT: INPUT...` and an empty rule for each input,
 * so that make neither misses a changed input nor stops at a removed one. */
static void write_dependency_file(void) {
  FILE *fp = open_report(ctx.opt.dependency_file);
  put_make_path(fp, ctx.opt.output);
  fputc(':', fp);
  size_t n;
  const char **uniq = unique_input_paths(&n);
  for (size_t i = 0; i < n; i++) {
    fputs(" \\\n  ", fp);
    put_make_path(fp, uniq[i]);
  }
  fputc('\n', fp);
  for (size_t i = 0; i < n; i++) {
    fputc('\n', fp);
    put_make_path(fp, uniq[i]);
    fputs(":\n", fp);
  }
  close_report(fp, ctx.opt.dependency_file);
}

/* Calls fn(f, shndx, j, arg) for each global symbol entry of a linked file
 * that is want[j], in command-line and symbol order; shndx is the entry's
 * own (SHN_UNDEF for a reference). */
static void visit_entries(struct symbol *const *want, size_t n,
                          void (*fn)(const struct objfile *f, uint32_t shndx, size_t j,
                                     void *arg),
                          void *arg) {
  for (size_t i = 0; i < ctx.live.n && n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (uint32_t k = f->first_global; k < f->nsyms; k++)
      for (size_t j = 0; j < n; j++) {
        if (!want[j] || f->syms[k] != want[j])
          continue;
        uint8_t info, other;
        uint32_t shndx;
        uint64_t value, size;
        objfile_sym(f, k, &info, &other, &shndx, &value, &size);
        fn(f, shndx, j, arg);
      }
  }
}

static void warn_reference(const struct objfile *f, uint32_t shndx, size_t j, void *arg) {
  const struct gnu_warning *w = ((struct vec *)arg)->v[j];
  if (shndx == SHN_UNDEF)
    warn("%s: reference to %s: %.*s", f->name, w->sym, (int)w->len, w->text);
}

/* .gnu.warning.SYM in a linked file that defines SYM (glibc's getpwnam,
 * dlopen...): each linked file that references SYM gets the section's text
 * as a warning, in command-line order, as GNU ld warns (an error under
 * --fatal-warnings); a plain .gnu.warning warns that its own file is
 * linked. Rare, so the files are searched only when one has a section
 * naming a symbol. */
void report_gnu_warnings(void) {
  struct vec ws = {0}, syms = {0}; /* the warnings of linked definitions, their symbols */
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (size_t j = 0; j < f->warnings.n; j++) {
      struct gnu_warning *w = f->warnings.v[j];
      if (!w->sym) {
        warn("%s: %.*s", f->name, (int)w->len, w->text);
        continue;
      }
      struct symbol *sym = symmap_find(w->sym);
      if (sym && sym->file == f)
        vec_push(&ws, w), vec_push(&syms, sym);
    }
  }
  visit_entries((struct symbol *const *)syms.v, syms.n, warn_reference, &ws);
  xfree(ws.v);
  xfree(syms.v);
}

static void trace_entry(const struct objfile *f, uint32_t shndx, size_t j, void *arg) {
  const struct symbol *sym = ((struct symbol **)arg)[j];
  note("%s: %s %s", f->name,
       shndx == SHN_UNDEF    ? "reference to"
       : shndx == SHNDX_COMMON ? "common definition of"
                             : "definition of",
       sym->name);
}

/* -y SYM: each linked file that defines or references SYM, in
 * command-line order, as GNU ld and lld say it. */
void trace_symbols(void) {
  size_t n = ctx.opt.trace_syms.n;
  if (!n)
    return;
  struct symbol **want = xcalloc(n, sizeof(*want));
  for (size_t j = 0; j < n; j++)
    want[j] = symmap_find(ctx.opt.trace_syms.v[j]);
  visit_entries(want, n, trace_entry, want);
  xfree(want);
}

/* --print-archive-stats=FILE, lld's format: for each archive (each time
 * it is given), its members and how many of them are linked */
static void write_archive_stats(void) {
  FILE *fp = open_report(ctx.opt.archive_stats);
  fprintf(fp, "members\textracted\tarchive\n");
  for (size_t i = 0; i < ctx.files.n;) {
    const struct objfile *f = ctx.files.v[i];
    size_t members = 0, extracted = 0;
    const char *archive = f->archive;
    for (; i < ctx.files.n && archive && ((struct objfile *)ctx.files.v[i])->archive == archive;
         i++) {
      members++;
      extracted += atomic_load(&((struct objfile *)ctx.files.v[i])->alive);
    }
    if (archive)
      fprintf(fp, "%zu\t%zu\t%s\n", members, extracted, archive);
    else
      i++;
  }
  close_report(fp, ctx.opt.archive_stats);
}

void write_reports(void) {
  if (ctx.opt.dependency_file)
    write_dependency_file();
  if (ctx.opt.archive_stats)
    write_archive_stats();
  if (ctx.opt.trace)
    for (size_t i = 0; i < ctx.live.n; i++)
      note("%s", ((struct objfile *)ctx.live.v[i])->name);
  if (!ctx.opt.why_extract && !ctx.opt.map_file)
    return;
  size_t nwhy;
  struct why *why = compute_why(&nwhy);
  if (ctx.opt.why_extract) {
    FILE *fp = open_report(ctx.opt.why_extract);
    fprintf(fp, "reference\textracted\tsymbol\n");
    for (size_t i = 0; i < nwhy; i++)
      fprintf(fp, "%s\t%s\t%s\n", why[i].by, why[i].member->name,
              why[i].sym ? why[i].sym->name : "");
    close_report(fp, ctx.opt.why_extract);
  }
  if (ctx.opt.map_file)
    write_map(why, nwhy);
  xfree(why);
}

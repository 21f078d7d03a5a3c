/* --reproduce=FILE.tar: a tar archive (ustar, GNU long names) holding every
 * input file under <base>/<its absolute path> and <base>/response.txt, the
 * command line rewritten to use those copies, so that
 *   tar xf FILE.tar && cd <base> && smelt @response.txt
 * repeats the link anywhere. Libraries given with -l are recorded as the
 * paths they resolved to, input scripts as the files they named. Written
 * before the link runs, so a failing link can be reproduced too. */
#include "ld/ld.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

struct tar {
  FILE *fp;
  const char *path;
};

static void put(struct tar *t, const void *p, size_t n) {
  if (n && fwrite(p, 1, n, t->fp) != n)
    fatal("cannot write %s: %s", t->path, strerror(errno));
}

static void header(struct tar *t, const char *name, uint64_t size, char type) {
  uint8_t h[512] = {0};
  snprintf((char *)h, 100, "%s", name);
  snprintf((char *)h + 100, 8, "%07o", 0644);
  snprintf((char *)h + 108, 8, "%07o", 0);
  snprintf((char *)h + 116, 8, "%07o", 0);
  snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
  snprintf((char *)h + 136, 12, "%011o", 0);
  h[156] = (uint8_t)type;
  memcpy(h + 257, "ustar", 6);
  memcpy(h + 263, "00", 2);
  memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (int i = 0; i < 512; i++)
    sum += h[i];
  snprintf((char *)h + 148, 8, "%06o", sum);
  h[155] = ' ';
  put(t, h, 512);
}

static void pad(struct tar *t, uint64_t size) {
  static const uint8_t zero[512];
  put(t, zero, (512 - size % 512) % 512);
}

static void add_member(struct tar *t, const char *name, const void *data, uint64_t size) {
  if (strlen(name) >= 100) {
    header(t, "././@LongLink", strlen(name) + 1, 'L');
    put(t, name, strlen(name) + 1);
    pad(t, strlen(name) + 1);
  }
  header(t, name, size, '0');
  put(t, data, size);
  pad(t, size);
}

static char *absolute(const char *path) {
  char buf[PATH_MAX];
  if (realpath(path, buf))
    return xstrdup(buf);
  return xstrdup(path);
}

/* The file at path, as the member name. */
static void add_file(struct tar *t, const char *name, const char *path) {
  int fd = open(path, O_RDONLY | O_NONBLOCK); /* a FIFO is not waited on */
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    if (fd >= 0)
      close(fd);
    return; /* the link itself reports it */
  }
  uint8_t *buf = xrealloc(NULL, st.st_size ? (size_t)st.st_size : 1);
  ssize_t got = 0;
  while (got < st.st_size) {
    ssize_t n = read(fd, buf + got, (size_t)(st.st_size - got));
    if (n <= 0)
      break;
    got += n;
  }
  close(fd);
  add_member(t, name, buf, (uint64_t)got);
  xfree(buf);
}

static bool is_input(const char *path) {
  for (size_t i = 0; i < ctx.paths.n; i++)
    if (!strcmp(ctx.paths.v[i], path))
      return true;
  return false;
}

static char *quote(const char *s) {
  size_t n = strlen(s);
  char *q = xalloc(2 * n + 3), *p = q;
  *p++ = '"';
  for (; *s; s++) {
    if (*s == '"' || *s == '\\')
      *p++ = '\\';
    *p++ = *s;
  }
  *p++ = '"';
  *p = 0;
  return q;
}

/* The rewritten command line, one argument a line. */
struct rsp {
  char *s;
  size_t len, cap;
};

static void append(struct rsp *r, const char *s) {
  size_t n = strlen(s);
  while (r->len + n + 2 > r->cap)
    r->s = xrealloc(r->s, r->cap = r->cap ? 2 * r->cap : 4096);
  memcpy(r->s + r->len, s, n);
  r->len += n;
  r->s[r->len++] = '\n';
}

/* An input, as its copy; an input script as the copies of the files it
 * named (its own paths point outside the tarball), which links the same:
 * smelt searches every archive to a fixpoint, so GROUP is INPUT. */
static void append_input(struct rsp *r, const char *path, int depth) {
  for (size_t i = 0; i < ctx.scripts.n && depth < SCRIPT_DEPTH; i++) {
    struct script_read *sr = ctx.scripts.v[i];
    if (!strcmp(sr->path, path)) {
      for (size_t j = 0; j < sr->files.n; j++)
        append_input(r, sr->files.v[j], depth + 1);
      return;
    }
  }
  append(r, quote(xsprintf(".%s", absolute(path))));
}

/* A relative path without a ".." component. */
static bool stays_inside(const char *path) {
  if (path[0] == '/')
    return false;
  for (const char *p = path; *p;) {
    size_t n = strcspn(p, "/");
    if (n == 2 && !strncmp(p, "..", 2))
      return false;
    p += n;
    p += *p == '/';
  }
  return true;
}

/* A -b binary input's symbols are named after its path: a relative path
 * inside the current directory is kept, with a copy there in the tarball;
 * any other path can only point at the copy under its absolute path, and
 * the replay's symbols differ. */
static void append_binary(struct rsp *r, struct vec *as_given, const char *path) {
  if (stays_inside(path)) {
    append(r, quote(path));
    vec_push(as_given, (void *)path);
  } else {
    warn("--reproduce: %s (-b binary) is not a path inside the current directory: the "
         "replay names its _binary_ symbols after its copy's path", path);
    append_input(r, path, 0);
  }
}

/* -l NAME as the file it found (as -lNAME if it found none: the replay
 * fails as the link does) */
static void append_library(struct rsp *r, struct vec *as_given, const char *name, bool binary) {
  const char *p = find_library(name);
  if (!p)
    append(r, quote(xsprintf("-l%s", name)));
  else if (binary)
    append_binary(r, as_given, p);
  else
    append_input(r, p, 0);
}

/* An option naming a file it reads (--symbol-ordering-file): the copy. */
static void append_file_option(struct rsp *r, struct vec *extra, const char *opt,
                               const char *path) {
  vec_push(extra, (void *)path);
  append(r, quote(xsprintf("%s=.%s", opt, absolute(path))));
}

/* --symbol-ordering-file and --call-graph-ordering-file, as FILE or =FILE
 * (one dash or two): the path, *i past it, *opt the option's name. */
static const char *read_file_option(char **args, size_t n, size_t *i, const char **opt) {
  static const char *const names[] = {"--symbol-ordering-file", "--call-graph-ordering-file"};
  const char *a = args[*i];
  for (int k = 0; k < 2; k++) {
    const char *name = names[k] + (a[1] != '-'); /* -name or --name */
    size_t len = strlen(name);
    if (strncmp(a, name, len))
      continue;
    *opt = names[k];
    if (a[len] == '=')
      return a + len + 1;
    if (!a[len] && *i + 1 < n)
      return args[++*i];
  }
  return NULL;
}

void write_reproduce(void) {
  const char *out = ctx.opt.reproduce;
  if (!out)
    return;
  struct tar t = {fopen(out, "wb"), out};
  if (!t.fp)
    fatal("cannot create %s: %s", out, strerror(errno));
  const char *slash = strrchr(out, '/');
  char *base = xstrdup(slash ? slash + 1 : out);
  char *dot = strrchr(base, '.');
  if (dot && !strcmp(dot, ".tar"))
    *dot = 0;

  /* Inputs point at the copies ("."-relative). */
  struct rsp r = {0};
  struct vec as_given = {0}; /* -b binary inputs kept as named */
  struct vec extra = {0};    /* files options read, not inputs */
  bool binary = false;
  char **args = ctx.opt.args;
  for (size_t i = 0; i < ctx.opt.nargs; i++) {
    const char *a = args[i], *v, *rooted, *opt;
    if (!strcmp(a, "-o") && i + 1 < ctx.opt.nargs) {
      append(&r, "-o");
      const char *o = strrchr(args[++i], '/');
      append(&r, quote(o ? o + 1 : args[i]));
    } else if (!strncmp(a, "--reproduce", 11) || !strncmp(a, "-reproduce", 10)) {
      if (!strchr(a, '='))
        i++;
    } else if (!strcmp(a, "-L") || !strcmp(a, "--library-path")) {
      i++; /* libraries are recorded by resolved path */
    } else if (!strncmp(a, "-L", 2) || !strncmp(a, "--library-path=", 15)) {
    } else if ((!strcmp(a, "-l") || !strcmp(a, "--library")) && i + 1 < ctx.opt.nargs) {
      append_library(&r, &as_given, args[++i], binary);
    } else if (!strncmp(a, "-l", 2) && a[2]) {
      append_library(&r, &as_given, a + 2, binary);
    } else if ((v = format_option(args, ctx.opt.nargs, &i))) {
      binary = binary_format(v);
      append(&r, quote(xsprintf("--format=%s", v)));
    } else if ((v = script_option(args, ctx.opt.nargs, &i))) {
      append_input(&r, script_option_path(v), 0);
    } else if ((v = read_file_option(args, ctx.opt.nargs, &i, &opt))) {
      append_file_option(&r, &extra, opt, v);
    } else if (!strncmp(a, "--smelt-ltrans=", 15)) {
      append(&r, quote(xsprintf("--smelt-ltrans=.%s", absolute(a + 15)))); /* LTO's objects */
    } else if (!strncmp(a, "--smelt-ltrans-lib=", 19)) {
      const char *p = ltrans_lib_path(a + 19);
      append(&r, quote(p ? xsprintf("--smelt-ltrans-lib=.%s", absolute(p)) : a));
    } else if (!strcmp(a, "--sysroot") || !strcmp(a, "-sysroot")) {
      i++; /* paths are recorded rooted */
    } else if (!strncmp(a, "--sysroot=", 10) || !strncmp(a, "-sysroot=", 9)) {
    } else if (a[0] != '-' && is_input(rooted = sysroot_path(ctx.opt.sysroot, a))) {
      if (binary)
        append_binary(&r, &as_given, rooted);
      else
        append_input(&r, rooted, 0);
    } else {
      append(&r, quote(a));
    }
  }
  add_member(&t, xsprintf("%s/response.txt", base), r.s ? r.s : "", r.len);
  add_member(&t, xsprintf("%s/version.txt", base), "smelt " SMELT_VERSION "\n",
             strlen("smelt " SMELT_VERSION "\n"));
  size_t npaths;
  const char **paths = unique_input_paths(&npaths);
  for (size_t i = 0; i < npaths; i++)
    add_file(&t, xsprintf("%s%s", base, absolute(paths[i])), paths[i]);
  for (size_t i = 0; i < extra.n; i++)
    add_file(&t, xsprintf("%s%s", base, absolute(extra.v[i])), extra.v[i]);
  for (size_t i = 0; i < as_given.n; i++)
    add_file(&t, xsprintf("%s/%s", base, (char *)as_given.v[i]), as_given.v[i]);
  static const uint8_t end[1024];
  put(&t, end, sizeof(end));
  if (fclose(t.fp))
    fatal("cannot write %s: %s", out, strerror(errno));
  xfree(r.s);
}

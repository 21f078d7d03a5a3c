/* smelt-cc: a gcc-compatible compiler driver for static musl images.
 *
 * Build systems and Go's external linking call a C compiler driver, never
 * a bare linker: Go probes flags by linking trivial.c (a flag is kept when
 * the probe exits 0 without "unrecognized"/"unknown" in its output), then
 * links its objects with `-m64 -o a.out -static go.o ... -lpthread` and
 * expects the driver to supply crt files, libc and libgcc.
 *
 * smelt-cc picks the target from argv[0] (`aarch64-...-smelt-cc`),
 * --target= or -m32/-m64, compiles sources with the target's real compiler
 * against musl's headers ($SMELT_CC, else the Debian gcc or cross gcc, else
 * clang), then links in-process with smelt_main(): musl's crt1.o, crti.o,
 * gcc's crtbeginS.o/crtendS.o (what musl-gcc links; they register no frame
 * tables, unwinding goes through PT_GNU_EH_FRAME), the user's inputs,
 * libgcc.a, libgcc_eh.a and libc.a, crtn.o.
 *
 * Debian's libgcc_eh.a calls glibc's _dl_find_object(); musl has none, so
 * smelt-cc compiles ld/dl_find_object.c for the target and offers it as a
 * one-member archive: only programs that unwind pull it in.
 *
 * -c, -S, -E, -M and the query options (--version, -###, -print-*) are the
 * real compiler's business: it runs with the musl flags added and the
 * target-selection flags removed. A link refuses flags it does not know
 * with gcc's words ("unrecognized command-line option"), exit status 1. */
#include "ld/cc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int smelt_main(int argc, char **argv);
extern const char dl_find_object_source[];

const struct cc_target cc_targets[CC_NARCH] = {
    [CC_X86_64] = {"x86_64", "x86_64-linux-musl", "x86_64-linux-gnu", "elf_x86_64"},
    [CC_I386] = {"i386", "i386-linux-musl", "i686-linux-gnu", "elf_i386"},
    [CC_AARCH64] = {"aarch64", "aarch64-linux-musl", "aarch64-linux-gnu", "aarch64linux"},
};

void cc_push(struct cc_strs *s, const char *str) {
  if (s->n + 1 >= s->cap) {
    s->cap = s->cap ? s->cap * 2 : 16;
    s->v = realloc(s->v, s->cap * sizeof(*s->v));
    if (!s->v) {
      fputs("smelt-cc: error: out of memory\n", stderr);
      exit(1);
    }
  }
  s->v[s->n++] = str;
  s->v[s->n] = NULL;
}

static char *fmt(const char *f, ...) {
  va_list ap;
  char *s;
  va_start(ap, f);
  if (vasprintf(&s, f, ap) < 0)
    s = NULL;
  va_end(ap);
  if (!s) {
    fputs("smelt-cc: error: out of memory\n", stderr);
    exit(1);
  }
  return s;
}

static bool prefix(const char *s, const char *p) { return !strncmp(s, p, strlen(p)); }

/* x86_64, amd64, i386..i686, x86, aarch64, arm64: the first component of a
 * triple or an argv[0] prefix. */
int cc_arch_by_name(const char *s) {
  size_t n = strcspn(s, "-");
  static const struct {
    const char *name;
    int arch;
  } names[] = {{"x86_64", CC_X86_64}, {"amd64", CC_X86_64}, {"i386", CC_I386},
               {"i486", CC_I386},     {"i586", CC_I386},    {"i686", CC_I386},
               {"x86", CC_I386},      {"aarch64", CC_AARCH64}, {"arm64", CC_AARCH64}};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (strlen(names[i].name) == n && !strncmp(s, names[i].name, n))
      return names[i].arch;
  return -1;
}

static void refuse(struct cc_args *a, char *msg) {
  if (!a->error)
    a->error = msg;
  else
    free(msg);
}

static void add_item(struct cc_args *a, const char *arg, const char *lang, bool source,
                     bool file) {
  a->items = realloc(a->items, (a->nitems + 1) * sizeof(*a->items));
  if (!a->items) {
    fputs("smelt-cc: error: out of memory\n", stderr);
    exit(1);
  }
  a->items[a->nitems++] = (struct cc_item){arg, lang, source, file};
  a->nsources += source;
}

/* The language gcc would infer from a file name, NULL for linker inputs. */
static const char *lang_of(const char *path) {
  const char *dot = strrchr(path, '.');
  if (!dot || strchr(dot, '/'))
    return NULL;
  static const char *const map[][2] = {
      {".c", "c"},     {".i", "cpp-output"}, {".s", "assembler"}, {".S", "assembler-with-cpp"},
      {".sx", "assembler-with-cpp"}, {".cc", "c++"}, {".cp", "c++"}, {".cxx", "c++"},
      {".cpp", "c++"}, {".c++", "c++"}, {".C", "c++"}, {".ii", "c++-cpp-output"}};
  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    if (!strcmp(dot, map[i][0]))
      return map[i][1];
  return NULL;
}

/* Compiler options taking the next argument when given alone. */
static const char *const cflag_with_arg[] = {
    "-D", "-U", "-I", "-include", "-imacros", "-isystem", "-iquote", "-idirafter", "-iprefix",
    "-iwithprefix", "-iwithprefixbefore", "-isysroot", "-imultilib", "-MF", "-MT", "-MQ",
    "-Xassembler", "-Xpreprocessor", "--param", "-aux-info", "-B", "-specs", "--sysroot",
    "-dumpdir", "-dumpbase", "-dumpbase-ext", NULL};

/* -dumpdir, -dumpbase, -dumpbase-ext: where gcc's auxiliary outputs go
 * (unlike -dumpversion and -dumpmachine, not questions) */
static bool names_aux_outputs(const char *s) {
  return !strcmp(s, "-dumpdir") || prefix(s, "-dumpbase");
}

/* Compiler option families passed to the compiler as they are. */
static bool is_cflag(const char *s) {
  static const char *const prefixes[] = {
      "-g", "-O", "-f", "-m", "-W", "-D", "-U", "-I", "-std=", "-ansi", "-pedantic", "-i",
      "-MD", "-MMD", "-MP", "-MF", "-MT", "-MQ", "-B", "-specs=", "--sysroot=", "--param=",
      "-save-temps", "-no-canonical-prefixes", "-pipe", "-Q", "-d", "-Xassembler",
      "-Xpreprocessor", "-aux-info", "--param", "-specs", "--sysroot", NULL};
  static const char *const exact[] = {"-w", "-p", "-pg", "-P", "-C", "-CC", "-H", "-undef",
                                      "-trigraphs", "-traditional-cpp", "-nostdinc",
                                      "--coverage", "-coverage", NULL};
  for (const char *const *p = exact; *p; p++)
    if (!strcmp(s, *p))
      return true;
  for (const char *const *p = prefixes; *p; p++)
    if (prefix(s, *p))
      return true;
  return false;
}

/* Splits a response file's text as libiberty's buildargv does: blanks
 * separate, '' and "" quote, backslash escapes the next character. */
void cc_split_response(const char *text, struct cc_strs *out) {
  const char *p = text;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
      p++;
    if (!*p)
      return;
    char *arg = malloc(strlen(p) + 1), *w = arg;
    char quote = 0;
    for (; *p; p++) {
      if (quote) {
        if (*p == quote)
          quote = 0;
        else if (*p == '\\' && p[1])
          *w++ = *++p;
        else
          *w++ = *p;
      } else if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' ||
                 *p == '\v') {
        break;
      } else if (*p == '\'' || *p == '"') {
        quote = *p;
      } else if (*p == '\\' && p[1]) {
        *w++ = *++p;
      } else {
        *w++ = *p;
      }
    }
    *w = 0;
    cc_push(out, arg);
  }
}

/* argv with every readable @file replaced by its arguments (nested ones
 * too, to a depth of 16); an unreadable @file stays as it is, as in gcc. */
static void expand_response(const char *arg, int depth, struct cc_strs *out) {
  FILE *f = arg[0] == '@' && depth < 16 ? fopen(arg + 1, "rb") : NULL;
  if (!f) {
    cc_push(out, arg);
    return;
  }
  size_t n = 0, cap = 4096;
  char *text = malloc(cap);
  size_t r;
  while (text && (r = fread(text + n, 1, cap - n - 1, f)) > 0)
    if ((n += r) + 1 >= cap)
      text = realloc(text, cap *= 2);
  fclose(f);
  if (!text) {
    fputs("smelt-cc: error: out of memory\n", stderr);
    exit(1);
  }
  text[n] = 0;
  struct cc_strs words = {0};
  cc_split_response(text, &words);
  for (size_t i = 0; i < words.n; i++)
    expand_response(words.v[i], depth + 1, out);
  free(words.v);
  free(text);
}

void cc_parse(int argc0, char **argv0, int host_arch, struct cc_args *a) {
  struct cc_strs args = {0};
  for (int i = 0; i < argc0; i++)
    if (i)
      expand_response(argv0[i], 0, &args);
    else
      cc_push(&args, argv0[0]);
  int argc = (int)args.n;
  char **argv = (char **)args.v;
  memset(a, 0, sizeof(*a));
  a->arch = host_arch;
  a->mode = CC_LINK;
  /* argv[0] = <arch>-...-smelt-cc selects the target, as cross gcc names do */
  const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
  if (strchr(base, '-') && cc_arch_by_name(base) >= 0) {
    a->arch = cc_arch_by_name(base);
    a->arch_explicit = true;
  }
  bool query = false, compile = false;
  const char *lang = NULL;

  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    const char *next = i + 1 < argc ? argv[i + 1] : NULL;
    bool keep = true; /* pass to the compiler in compile and query modes */
    if (s[0] != '-' || !s[1]) {
      const char *l = lang ? lang : lang_of(s);
      add_item(a, s, l, l != NULL || !strcmp(s, "-"), true);
      cc_push(&a->passthrough, s);
      continue;
    }
    if (!strcmp(s, "-m32") || !strcmp(s, "-m64")) {
      a->m = s[2] == '3' ? 32 : 64;
      keep = false;
    } else if (prefix(s, "--target=") || !strcmp(s, "-target")) {
      const char *t = s[1] == '-' ? s + 9 : next;
      if (t == next)
        i++;
      if (!t)
        refuse(a, fmt("missing argument to '%s'", s));
      else if (cc_arch_by_name(t) < 0)
        refuse(a, fmt("unsupported target '%s' (smelt-cc links x86_64, i386 and aarch64)", t));
      else
        a->arch = cc_arch_by_name(t), a->arch_explicit = true;
      keep = false;
    } else if (!strcmp(s, "-Qunused-arguments")) {
      keep = false; /* clang's; gcc never warns about unused arguments at link time */
    } else if (!strcmp(s, "-c") || !strcmp(s, "-S") || !strcmp(s, "-E") || !strcmp(s, "-M") ||
               !strcmp(s, "-MM") || !strcmp(s, "-fsyntax-only")) {
      compile = true;
    } else if (!strcmp(s, "--version") || !strcmp(s, "-###") || !strcmp(s, "--help") ||
               prefix(s, "-print-") || prefix(s, "--print-") ||
               (prefix(s, "-dump") && !names_aux_outputs(s))) {
      query = true;
    } else if (!strcmp(s, "-o") || (prefix(s, "-o") && s[2])) {
      a->output = s[2] ? s + 2 : next;
      if (!s[2]) {
        cc_push(&a->passthrough, s);
        s = next, i++;
      }
      if (!a->output)
        refuse(a, fmt("missing filename after '-o'"));
    } else if (!strcmp(s, "-v")) {
      a->verbose = true;
    } else if (!strcmp(s, "-static-pie")) {
      a->static_pie = true;
    } else if (!strcmp(s, "-no-pie") || !strcmp(s, "-nopie")) {
      a->static_pie = false; /* the last one wins: Go adds -no-pie after -extldflags */
    } else if (!strcmp(s, "-static") || !strcmp(s, "-pie") || !strcmp(s, "-rdynamic") ||
               !strcmp(s, "-static-libgcc") || !strcmp(s, "-static-libstdc++")) {
      /* every image is static; -static -pie is gcc's static non-PIE too */
    } else if (!strcmp(s, "-r")) {
      a->relocatable = true; /* a partial link, as gcc -r: no crt files, no libraries */
    } else if (!strcmp(s, "-shared") || !strcmp(s, "-shared-libgcc") || !strcmp(s, "-mx32")) {
      if (!strcmp(s, "-mx32"))
        keep = false;
      refuse(a, fmt("%s is not supported: smelt-cc makes static executables", s));
    } else if (!strcmp(s, "-pthread")) {
      cc_push(&a->cflags, s);
    } else if (!strcmp(s, "-nostdlib")) {
      a->nostartfiles = a->nodefaultlibs = true;
    } else if (!strcmp(s, "-nostartfiles")) {
      a->nostartfiles = true;
    } else if (!strcmp(s, "-nodefaultlibs")) {
      a->nodefaultlibs = true;
    } else if (!strcmp(s, "-nolibc")) {
      a->nolibc = true;
    } else if (prefix(s, "-Wl,")) {
      char *list = strdup(s + 4);
      for (char *p = strtok(list, ","); p; p = strtok(NULL, ","))
        add_item(a, p, NULL, false, false);
      a->has_ldargs = true;
    } else if (!strcmp(s, "-Xlinker")) {
      if (!next)
        refuse(a, fmt("missing argument to '-Xlinker'"));
      else
        add_item(a, next, NULL, false, false);
      a->has_ldargs = true;
      cc_push(&a->passthrough, s);
      s = next, i++;
    } else if (!strcmp(s, "-s")) {
      add_item(a, s, NULL, false, false);
    } else if (prefix(s, "-L") || prefix(s, "-l") || (prefix(s, "-u") && strcmp(s, "-undef")) ||
               !strcmp(s, "-e") || !strcmp(s, "-T") || !strcmp(s, "-z")) {
      char kind = s[1];
      const char *v = s[2] ? s + 2 : next;
      if (!s[2] && next) {
        cc_push(&a->passthrough, s);
        s = next, i++;
      }
      if (!v) {
        refuse(a, fmt("missing argument to '%s'", s));
        continue;
      }
      switch (kind) {
      case 'L':
        cc_push(&a->libdirs, v);
        break;
      case 'l':
        add_item(a, fmt("-l%s", v), NULL, false, false);
        break;
      case 'u':
        add_item(a, fmt("--undefined=%s", v), NULL, false, false);
        break;
      case 'e':
        add_item(a, fmt("--entry=%s", v), NULL, false, false);
        break;
      default: /* -T, -z */
        add_item(a, fmt("-%c", kind), NULL, false, false);
        add_item(a, v, NULL, false, false);
      }
    } else if (!strcmp(s, "-x") || (prefix(s, "-x") && s[2])) {
      const char *l = s[2] ? s + 2 : next;
      if (!s[2]) {
        cc_push(&a->passthrough, s);
        s = next, i++;
      }
      if (!l)
        refuse(a, fmt("missing argument to '-x'"));
      else
        lang = strcmp(l, "none") ? l : NULL;
    } else if (is_cflag(s)) {
      /* gcc's link spec: %{fprofile-arcs|fprofile-generate*|coverage:-lgcov} */
      if (!strcmp(s, "--coverage") || !strcmp(s, "-coverage") || !strcmp(s, "-fprofile-arcs") ||
          prefix(s, "-fprofile-generate"))
        a->profile = true;
      if (names_aux_outputs(s))
        a->dump_named = true;
      cc_push(&a->cflags, s);
      for (const char *const *p = cflag_with_arg; *p; p++)
        if (!strcmp(s, *p)) {
          if (!next) {
            refuse(a, fmt("missing argument to '%s'", s));
            break;
          }
          cc_push(&a->passthrough, s);
          cc_push(&a->cflags, next);
          s = next, i++;
          break;
        }
    } else {
      refuse(a, fmt("unrecognized command-line option '%s'", s));
    }
    if (keep)
      cc_push(&a->passthrough, s);
  }

  cc_resolve_arch(a, -1);
  a->mode = query ? CC_QUERY : compile ? CC_COMPILE : CC_LINK;
}

void cc_resolve_arch(struct cc_args *a, int input_arch) {
  if (!a->arch_explicit && input_arch >= 0)
    a->arch = input_arch;
  if (a->m == 32 && a->arch == CC_X86_64)
    a->arch = CC_I386;
  else if (a->m == 64 && a->arch == CC_I386)
    a->arch = CC_X86_64;
  else if (a->m == 32 && a->arch == CC_AARCH64)
    refuse(a, fmt("-m32 is not supported for aarch64"));
}

int cc_elf_arch(const unsigned char *h, size_t n) {
  if (n < 20 || memcmp(h, "\177ELF", 4) || h[5] != 1)
    return -1;
  switch (h[18] | h[19] << 8) {
  case 62:
    return h[4] == 2 ? CC_X86_64 : -1;
  case 3:
    return h[4] == 1 ? CC_I386 : -1;
  case 183:
    return h[4] == 2 ? CC_AARCH64 : -1;
  }
  return -1;
}

void cc_link_argv(const struct cc_args *a, const struct cc_runtime *rt, const char *const *objs,
                  struct cc_strs *out) {
  /* -r: the inputs as given, none of the runtime (crt files, -L to it,
   * libraries), as gcc -r links */
  bool runtime = !a->relocatable;
  bool startfiles = runtime && !a->nostartfiles;
  cc_push(out, "smelt");
  cc_push(out, runtime ? "-static" : "-r");
  if (a->static_pie && runtime)
    cc_push(out, "-pie");
  cc_push(out, "-m");
  cc_push(out, cc_targets[a->arch].emul);
  cc_push(out, "-o");
  cc_push(out, a->output ? a->output : "a.out");
  for (size_t i = 0; i < a->libdirs.n; i++)
    cc_push(out, fmt("-L%s", a->libdirs.v[i]));
  if (runtime) {
    cc_push(out, fmt("-L%s", rt->crt_dir));
    if (rt->gcc_dir)
      cc_push(out, fmt("-L%s", rt->gcc_dir));
  }
  if (startfiles) {
    cc_push(out, fmt("%s/%s", rt->crt_dir, a->static_pie ? "rcrt1.o" : "crt1.o"));
    cc_push(out, fmt("%s/crti.o", rt->crt_dir));
    if (rt->have_crtbegin)
      cc_push(out, fmt("%s/crtbeginS.o", rt->gcc_dir));
  }
  size_t src = 0;
  for (size_t i = 0; i < a->nitems; i++)
    cc_push(out, a->items[i].source ? objs[src++] : a->items[i].arg);
  if (a->profile && runtime)
    cc_push(out, "-lgcov");
  if (!a->nodefaultlibs && runtime) {
    cc_push(out, "--start-group");
    if (rt->gcc_dir) {
      cc_push(out, fmt("%s/libgcc.a", rt->gcc_dir));
      if (rt->have_eh)
        cc_push(out, fmt("%s/libgcc_eh.a", rt->gcc_dir));
    }
    if (!a->nolibc)
      cc_push(out, fmt("%s/libc.a", rt->crt_dir));
    if (rt->dlfo_archive)
      cc_push(out, rt->dlfo_archive);
    cc_push(out, "--end-group");
  }
  if (startfiles) {
    if (rt->have_crtbegin)
      cc_push(out, fmt("%s/crtendS.o", rt->gcc_dir));
    cc_push(out, fmt("%s/crtn.o", rt->crt_dir));
  }
}

/* ---- running the compiler and the link ---- */

static bool verbose;
static char *tmpdir;
static volatile sig_atomic_t caught; /* SIGINT/SIGTERM/SIGHUP while a child ran */

static bool exists(const char *path) { return access(path, F_OK) == 0; }

static char *on_path(const char *name) {
  if (strchr(name, '/'))
    return access(name, X_OK) ? NULL : strdup(name);
  const char *path = getenv("PATH");
  if (!path)
    path = "/usr/bin:/bin";
  char *copy = strdup(path);
  char *found = NULL;
  for (char *d = strtok(copy, ":"); d && !found; d = strtok(NULL, ":")) {
    char *f = fmt("%s/%s", *d ? d : ".", name);
    if (!access(f, X_OK))
      found = f;
    else
      free(f);
  }
  free(copy);
  return found;
}

static void rm_tmpdir(void) {
  if (!tmpdir)
    return;
  pid_t pid = fork();
  if (pid == 0) {
    execlp("rm", "rm", "-rf", tmpdir, (char *)NULL);
    _exit(127);
  }
  if (pid > 0)
    waitpid(pid, NULL, 0);
  tmpdir = NULL;
}

static void on_signal(int sig) { caught = sig; }

/* After a child exits: if we were interrupted meanwhile, remove the
 * temporary directory and die of the same signal. */
static void check_interrupt(void) {
  if (!caught)
    return;
  int sig = caught;
  rm_tmpdir();
  signal(sig, SIG_DFL);
  raise(sig);
  _exit(128 + sig);
}

static void wait_child(pid_t pid, int *st) {
  while (waitpid(pid, st, 0) < 0)
    if (errno != EINTR) {
      fprintf(stderr, "smelt-cc: error: waitpid: %s\n", strerror(errno));
      rm_tmpdir();
      exit(1);
    }
  check_interrupt();
}

static _Noreturn void die(const char *f, ...) {
  va_list ap;
  va_start(ap, f);
  fputs("smelt-cc: error: ", stderr);
  vfprintf(stderr, f, ap);
  fputc('\n', stderr);
  va_end(ap);
  rm_tmpdir();
  exit(1);
}

static void show(const struct cc_strs *cmd) {
  for (size_t i = 0; i < cmd->n; i++)
    fprintf(stderr, "%s%s", i ? " " : " ", cmd->v[i]);
  fputc('\n', stderr);
}

/* Runs cmd; returns its exit status (or 128+signal). With capture, its
 * stdout goes into *capture (NUL-terminated, trailing newline removed). */
static const char *run_dir; /* the directory commands run in, NULL: ours */

static int run(const struct cc_strs *cmd, char **capture) {
  if (verbose)
    show(cmd);
  int fds[2] = {-1, -1};
  if (capture && pipe(fds))
    die("pipe: %s", strerror(errno));
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    die("fork: %s", strerror(errno));
  if (pid == 0) {
    if (capture) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
    }
    if (run_dir && chdir(run_dir)) {
      fprintf(stderr, "smelt-cc: error: %s: %s\n", run_dir, strerror(errno));
      _exit(127);
    }
    execvp(cmd->v[0], (char **)cmd->v);
    fprintf(stderr, "smelt-cc: error: cannot run %s: %s\n", cmd->v[0], strerror(errno));
    _exit(127);
  }
  if (capture) {
    close(fds[1]);
    size_t n = 0, cap = 256;
    char *buf = malloc(cap);
    ssize_t r;
    while (buf && (r = read(fds[0], buf + n, cap - n - 1)) > 0) {
      n += (size_t)r;
      if (cap - n < 2)
        buf = realloc(buf, cap *= 2);
    }
    close(fds[0]);
    if (!buf)
      die("out of memory");
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
      n--;
    buf[n] = 0;
    *capture = buf;
  }
  int st;
  wait_child(pid, &st);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The compiler for a target: the command and the flags that make it
 * compile against musl's headers. */
struct compiler {
  struct cc_strs cmd;   /* program and target flags */
  const char *gcc;      /* a gcc for the target that knows its libgcc, NULL: none */
  bool clang;
};

static char *query(const struct cc_strs *base, const char *q) {
  struct cc_strs c = {0};
  for (size_t i = 0; i < base->n; i++)
    cc_push(&c, base->v[i]);
  cc_push(&c, q);
  bool v = verbose;
  verbose = false;
  char *out = NULL;
  int st = run(&c, &out);
  verbose = v;
  free(c.v);
  if (st) {
    free(out);
    return NULL;
  }
  return out;
}

struct musl {
  const char *lib, *include;
};

static struct musl find_musl(int arch) {
  const struct cc_target *t = &cc_targets[arch];
  const char *env = getenv("SMELT_MUSL");
  struct musl cand[4];
  int n = 0;
  if (env && *env) {
    cand[n++] = (struct musl){fmt("%s/lib", env), fmt("%s/include", env)};
  } else {
    cand[n++] = (struct musl){fmt("/usr/lib/%s", t->triple), fmt("/usr/include/%s", t->triple)};
    cand[n++] = (struct musl){fmt("/usr/%s/lib", t->triple), fmt("/usr/%s/include", t->triple)};
    cand[n++] = (struct musl){fmt("/usr/local/musl/%s/lib", t->triple),
                              fmt("/usr/local/musl/%s/include", t->triple)};
  }
  for (int i = 0; i < n; i++)
    if (exists(fmt("%s/crt1.o", cand[i].lib)) && exists(fmt("%s/libc.a", cand[i].lib)) &&
        exists(fmt("%s/stdio.h", cand[i].include)))
      return cand[i];
  if (env && *env)
    die("musl for %s not found in SMELT_MUSL=%s (want lib/crt1.o, lib/libc.a, include/stdio.h)",
        t->name, env);
  die("musl for %s not found (looked in /usr/lib/%s, /usr/%s, /usr/local/musl/%s); install "
      "musl-dev for %s or set SMELT_MUSL to a directory with lib/ and include/",
      t->name, t->triple, t->triple, t->triple, t->name);
}

static int host_arch(void) {
#if defined(__x86_64__)
  return CC_X86_64;
#elif defined(__i386__)
  return CC_I386;
#elif defined(__aarch64__)
  return CC_AARCH64;
#else
  return CC_X86_64;
#endif
}

static struct compiler find_compiler(int arch, const struct musl *musl) {
  const struct cc_target *t = &cc_targets[arch];
  struct compiler c = {0};
  char *gnu_gcc = fmt("%s-gcc", t->gnu);
  const char *env = getenv("SMELT_CC");
  if (env && *env) {
    char *copy = strdup(env);
    for (char *p = strtok(copy, " \t"); p; p = strtok(NULL, " \t"))
      cc_push(&c.cmd, p);
    if (!c.cmd.n)
      die("SMELT_CC is empty");
  } else {
    const char *names[] = {gnu_gcc, arch == host_arch() ? "gcc" : NULL, "clang"};
    for (size_t i = 0; i < 3 && !c.cmd.n; i++)
      if (names[i] && on_path(names[i]))
        cc_push(&c.cmd, names[i]);
    if (!c.cmd.n)
      die("no compiler for %s: install %s (or clang), or set SMELT_CC", t->name, gnu_gcc);
  }
  const char *base = strrchr(c.cmd.v[0], '/') ? strrchr(c.cmd.v[0], '/') + 1 : c.cmd.v[0];
  c.clang = strstr(base, "clang") != NULL;
  bool native_musl = strstr(base, "musl") != NULL;
  if (!c.clang)
    c.gcc = c.cmd.v[0];
  else if (on_path(gnu_gcc))
    c.gcc = gnu_gcc;
  else if (arch == host_arch() && on_path("gcc"))
    c.gcc = "gcc";
  if (native_musl)
    return c;

  if (c.clang) {
    cc_push(&c.cmd, fmt("--target=%s", t->triple));
    char *res = query(&c.cmd, "-print-resource-dir");
    cc_push(&c.cmd, "-nostdinc");
    cc_push(&c.cmd, "-isystem");
    cc_push(&c.cmd, musl->include);
    if (res) {
      cc_push(&c.cmd, "-isystem");
      cc_push(&c.cmd, fmt("%s/include", res));
    }
  } else {
    char *inc = query(&c.cmd, "-print-file-name=include");
    cc_push(&c.cmd, "-nostdinc");
    cc_push(&c.cmd, "-isystem");
    cc_push(&c.cmd, musl->include);
    if (inc && inc[0] == '/') {
      cc_push(&c.cmd, "-isystem");
      cc_push(&c.cmd, inc);
    }
  }
  return c;
}

static void make_tmpdir(void) {
  const char *base = getenv("TMPDIR");
  char *t = fmt("%s/smelt-cc-XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(t))
    die("cannot create a temporary directory in %s: %s", base && *base ? base : "/tmp",
        strerror(errno));
  tmpdir = t;
  struct sigaction sa = {.sa_handler = on_signal};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

static void write_file(const char *path, const void *data, size_t n) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, data, n) != (ssize_t)n || close(fd))
    die("cannot write %s: %s", path, strerror(errno));
}

static void compile(const struct compiler *c, const struct cc_strs *cflags, const char *lang,
                    const char *src, const char *obj) {
  struct cc_strs cmd = {0};
  for (size_t i = 0; i < c->cmd.n; i++)
    cc_push(&cmd, c->cmd.v[i]);
  for (size_t i = 0; i < cflags->n; i++)
    cc_push(&cmd, cflags->v[i]);
  cc_push(&cmd, "-c");
  cc_push(&cmd, "-o");
  cc_push(&cmd, obj);
  if (lang) {
    cc_push(&cmd, "-x");
    cc_push(&cmd, lang);
  }
  cc_push(&cmd, src);
  int st = run(&cmd, NULL);
  free(cmd.v);
  if (st) {
    rm_tmpdir();
    exit(1); /* the compiler said why */
  }
}

/* An ar archive holding obj as its one member, with the GNU symbol index
 * naming syms, so the member is linked only when one of them is referenced. */
static void write_archive(const char *path, const char *obj, const char *member,
                          const char *const *syms, size_t nsyms) {
  FILE *f = fopen(obj, "rb");
  if (!f)
    die("cannot read %s: %s", obj, strerror(errno));
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *body = malloc((size_t)size + 1);
  if (!body || fread(body, 1, (size_t)size, f) != (size_t)size)
    die("cannot read %s", obj);
  fclose(f);

  size_t names = 0;
  for (size_t i = 0; i < nsyms; i++)
    names += strlen(syms[i]) + 1;
  size_t index_size = 4 + 4 * nsyms + names;
  index_size += index_size & 1;
  uint32_t member_off = (uint32_t)(8 + 60 + index_size);
  size_t total = member_off + 60 + (size_t)size + (size & 1);
  char *ar = calloc(1, total + 1);
  char *p = ar;
  memcpy(p, "!<arch>\n", 8), p += 8;
  p += sprintf(p, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", "/", "0", "0", "0", "0", index_size);
  uint8_t be[4] = {0, 0, 0, (uint8_t)nsyms};
  memcpy(p, be, 4), p += 4;
  for (size_t i = 0; i < nsyms; i++) {
    uint8_t off[4] = {member_off >> 24, member_off >> 16, member_off >> 8, member_off};
    memcpy(p, off, 4), p += 4;
  }
  for (size_t i = 0; i < nsyms; i++)
    p = stpcpy(p, syms[i]) + 1;
  if ((4 + 4 * nsyms + names) & 1)
    *p++ = 0;
  char name[17];
  snprintf(name, sizeof(name), "%.15s/", member);
  p += sprintf(p, "%-16s%-12s%-6s%-6s%-8s%-10ld`\n", name, "0", "0", "0", "644", size);
  memcpy(p, body, (size_t)size), p += size;
  if (size & 1)
    *p++ = '\n';
  write_file(path, ar, (size_t)(p - ar));
  free(ar);
  free(body);
}

static struct cc_runtime find_runtime(int arch, const struct compiler *c, const struct musl *m) {
  struct cc_runtime rt = {.crt_dir = m->lib};
  const char *gcc = c->gcc;
  char *libgcc = NULL;
  if (gcc) {
    struct cc_strs q = {0};
    cc_push(&q, gcc);
    if (gcc == c->cmd.v[0])
      for (size_t i = 1; i < c->cmd.n; i++)
        cc_push(&q, c->cmd.v[i]);
    libgcc = query(&q, "-print-libgcc-file-name");
    free(q.v);
  }
  if (!libgcc || libgcc[0] != '/' || !exists(libgcc)) {
    if (exists(fmt("%s/libgcc.a", m->lib)))
      libgcc = fmt("%s/libgcc.a", m->lib);
    else
      die("libgcc.a for %s not found%s%s%s", cc_targets[arch].name, gcc ? " (asked " : "",
          gcc ? gcc : "", gcc ? " -print-libgcc-file-name)" : "; install gcc for the target");
  }
  char *dir = strdup(libgcc);
  *strrchr(dir, '/') = 0;
  rt.gcc_dir = dir;
  rt.have_eh = exists(fmt("%s/libgcc_eh.a", dir));
  rt.have_crtbegin = exists(fmt("%s/crtbeginS.o", dir)) && exists(fmt("%s/crtendS.o", dir));
  return rt;
}

/* The _dl_find_object archive for the target, compiled for this link in
 * the temporary directory under a fixed name, so the STT_FILE symbol it
 * brings is the same in every link. */
static const char *build_dlfo(const struct compiler *c, int arch) {
  char *src = fmt("%s/dl_find_object.c", tmpdir);
  char *obj = fmt("%s/dl_find_object.o", tmpdir);
  char *lib = fmt("%s/libsmelt_dlfo.a", tmpdir);
  write_file(src, dl_find_object_source, strlen(dl_find_object_source));
  struct cc_strs flags = {0};
  cc_push(&flags, "-O2");
  cc_push(&flags, "-w");
  cc_push(&flags, "-fPIE"); /* links into static PIEs too */
  run_dir = tmpdir;
  compile(c, &flags, "c", "dl_find_object.c", "dl_find_object.o");
  run_dir = NULL;
  free(flags.v);
  static const char *const syms[] = {"_dl_find_object", "fcntl64"};
  write_archive(lib, obj, "dlfo.o", syms, arch == CC_I386 ? 2 : 1);
  return lib;
}

/* The questions about libraries and search paths that build systems ask
 * (meson's find_library reads -print-search-dirs) are about the musl
 * runtime smelt-cc links, not the compiler's own glibc one. */
static bool answer_query(const char *q, const struct cc_args *a, const struct compiler *c,
                         const struct musl *m) {
  bool dirs = !strcmp(q, "-print-search-dirs") || !strcmp(q, "--print-search-dirs");
  bool libgcc = !strcmp(q, "-print-libgcc-file-name") || !strcmp(q, "--print-libgcc-file-name");
  const char *file = prefix(q, "-print-file-name=") ? q + 17
                     : prefix(q, "--print-file-name=") ? q + 18 : NULL;
  if (!dirs && !libgcc && !file)
    return false;
  struct cc_runtime rt = find_runtime(a->arch, c, m);
  if (dirs) {
    printf("install: %s/\nprograms: =%s/\nlibraries: =%s/:%s/\n", rt.gcc_dir, rt.gcc_dir, m->lib,
           rt.gcc_dir);
  } else if (libgcc) {
    printf("%s/libgcc.a\n", rt.gcc_dir);
  } else {
    const char *dirs2[] = {m->lib, rt.gcc_dir};
    const char *found = file;
    for (int i = 0; i < 2 && found == file; i++)
      if (*file && !strchr(file, '/') && exists(fmt("%s/%s", dirs2[i], file)))
        found = fmt("%s/%s", dirs2[i], file);
    printf("%s\n", found);
  }
  return true;
}

/* The compiler with the musl flags runs the whole command. */
static int pass_through(const struct cc_args *a, const struct compiler *c) {
  struct cc_strs cmd = {0};
  for (size_t i = 0; i < c->cmd.n; i++)
    cc_push(&cmd, c->cmd.v[i]);
  for (size_t i = 0; i < a->passthrough.n; i++)
    cc_push(&cmd, a->passthrough.v[i]);
  return run(&cmd, NULL);
}

/* The object of a source compiled on the way to a link lives in the
 * temporary directory, but what gcc writes beside it (--coverage's .gcno
 * and the .gcda path the program will write, -save-temps, -fdump-*) is
 * named as gcc names it when it compiles and links in one command:
 * `gcc --coverage a.c -o prog` gives prog-a.gcno. Not for clang, whose
 * names do not follow -dumpdir. */
static void cc_aux_names(const struct cc_args *a, const struct compiler *c, const char *b,
                         struct cc_strs *flags) {
  if (a->dump_named || c->clang || !strcmp(b, "-"))
    return;
  const char *ext = strrchr(b, '.');
  cc_push(flags, "-dumpdir");
  cc_push(flags, fmt("%s-", a->output ? a->output : "a"));
  cc_push(flags, "-dumpbase");
  cc_push(flags, b);
  if (ext && ext != b) {
    cc_push(flags, "-dumpbase-ext");
    cc_push(flags, ext);
  }
}

static int link_image(const struct cc_args *a) {
  struct musl m = find_musl(a->arch);
  struct compiler c = find_compiler(a->arch, &m);
  struct cc_runtime rt = find_runtime(a->arch, &c, &m);
  for (size_t i = 0; i < a->nitems; i++) {
    const struct cc_item *it = &a->items[i];
    if (it->file && strcmp(it->arg, "-") && !exists(it->arg))
      die("%s: %s", it->arg, strerror(errno));
  }

  make_tmpdir();
  const char **objs = calloc(a->nsources + 1, sizeof(*objs));
  size_t k = 0;
  for (size_t i = 0; i < a->nitems; i++) {
    const struct cc_item *it = &a->items[i];
    if (!it->source)
      continue;
    const char *b = strrchr(it->arg, '/') ? strrchr(it->arg, '/') + 1 : it->arg;
    objs[k] = fmt("%s/%zu-%.*s.o", tmpdir, k, (int)strcspn(b, "."), b);
    struct cc_strs flags = {0};
    if (a->static_pie)
      cc_push(&flags, "-fPIE"); /* before the user's flags, as gcc's own default */
    for (size_t j = 0; j < a->cflags.n; j++)
      cc_push(&flags, a->cflags.v[j]);
    cc_aux_names(a, &c, b, &flags);
    compile(&c, &flags, it->lang ? it->lang : "c", it->arg, objs[k]);
    free(flags.v);
    k++;
  }
  if (!a->nodefaultlibs && rt.have_eh)
    rt.dlfo_archive = build_dlfo(&c, a->arch);

  struct cc_strs ld = {0};
  cc_link_argv(a, &rt, objs, &ld);
  if (verbose)
    show(&ld);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    die("fork: %s", strerror(errno));
  if (pid == 0)
    _exit(smelt_main((int)ld.n, (char **)ld.v));
  int st;
  wait_child(pid, &st);
  rm_tmpdir();
  if (WIFSIGNALED(st)) {
    fprintf(stderr, "smelt-cc: error: smelt killed by signal %d\n", WTERMSIG(st));
    return 1;
  }
  return WEXITSTATUS(st) ? 1 : 0;
}

/* The target of the first ELF object among the inputs, -1 if none. */
static int first_input_arch(const struct cc_args *a) {
  for (size_t i = 0; i < a->nitems; i++) {
    if (!a->items[i].file || a->items[i].source)
      continue;
    unsigned char h[20];
    int fd = open(a->items[i].arg, O_RDONLY);
    if (fd < 0)
      continue;
    ssize_t n = read(fd, h, sizeof(h));
    close(fd);
    if (n == sizeof(h) && !memcmp(h, "\177ELF", 4))
      return cc_elf_arch(h, (size_t)n);
  }
  return -1;
}

int smelt_cc_main(int argc, char **argv) {
  struct cc_args a;
  cc_parse(argc, argv, host_arch(), &a);
  if (!a.arch_explicit && a.mode == CC_LINK)
    cc_resolve_arch(&a, first_input_arch(&a));
  verbose = a.verbose;
  if (a.error && a.mode == CC_LINK)
    die("%s", a.error);
  if (a.error && (!strncmp(a.error, "unsupported target", 18) || !strncmp(a.error, "-m32", 4)))
    die("%s", a.error);
  if (a.verbose)
    fprintf(stderr, "smelt-cc %s\nTarget: %s\n", SMELT_VERSION, cc_targets[a.arch].triple);

  /* gcc answers the first query and ignores the rest of the command */
  const char *q = NULL;
  for (size_t i = 0; a.mode == CC_QUERY && i < a.passthrough.n && !q; i++)
    if (prefix(a.passthrough.v[i], "-print-") || prefix(a.passthrough.v[i], "--print-") ||
        prefix(a.passthrough.v[i], "-dump") || !strcmp(a.passthrough.v[i], "--version") ||
        !strcmp(a.passthrough.v[i], "-###") || !strcmp(a.passthrough.v[i], "--help"))
      q = a.passthrough.v[i];
  if (q && !strcmp(q, "-dumpmachine")) {
    printf("%s\n", cc_targets[a.arch].triple);
    return 0;
  }
  if (a.mode != CC_LINK) {
    struct musl m = find_musl(a.arch);
    struct compiler c = find_compiler(a.arch, &m);
    if (q && answer_query(q, &a, &c, &m))
      return 0;
    return pass_through(&a, &c) ? 1 : 0;
  }
  if (!a.nitems) {
    if (a.verbose)
      return 0;
    die("no input files");
  }
  bool inputs = false;
  for (size_t i = 0; i < a.nitems; i++)
    inputs |= a.items[i].file;
  if (!inputs) {
    /* `cc -Wl,--version`: the linker answers, as with gcc */
    struct cc_strs ld = {0};
    cc_push(&ld, "smelt");
    for (size_t i = 0; i < a.nitems; i++)
      cc_push(&ld, a.items[i].arg);
    fflush(NULL);
    return smelt_main((int)ld.n, (char **)ld.v);
  }
  return link_image(&a);
}

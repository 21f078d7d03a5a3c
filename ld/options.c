/* Command-line options: GNU ld syntax, as gcc 12 (collect2), clang 14 and
 * Go pass them for static links. Inputs keep their command-line order, which
 * is the only thing resolution depends on. Unknown options that are harmless
 * for a static executable are accepted with a warning; requests for a
 * dynamic link are refused: smelt only makes static executables. */
#include "ld/ld.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct context ctx;

static const char usage[] =
    "Usage: smelt [options] file...\n"
    "Links ELF relocatable objects and archives into a static executable (or, with -r,\n"
    "into one relocatable object).\n"
    "\n"
    "Options:\n"
    "  -o FILE                     Write the output to FILE (default a.out)\n"
    "  -e SYM, --entry=SYM         Entry point symbol (default _start)\n"
    "  -L DIR, --library-path=DIR  Add DIR to the library search path\n"
    "  -l NAME, --library=NAME     Link libNAME.a (or -l:FILE)\n"
    "  -T FILE, --script=FILE      Read FILE's INPUT and GROUP where it stands (an input\n"
    "                              script; other linker script commands are refused)\n"
    "  -b binary, --format=binary  Link the files after it as data: each one's bytes in\n"
    "                              .data, from _binary_NAME_start to _binary_NAME_end\n"
    "                              (NAME: its path, other than letters and digits as _);\n"
    "                              -b elf (or default): ELF objects and archives again\n"
    "  --sysroot=DIR               A leading = or $SYSROOT in -L, file and script names\n"
    "                              stands for DIR\n"
    "  -u SYM, --undefined=SYM     Start with SYM undefined\n"
    "  --undefined-glob=GLOB       As -u for every symbol an input defines that GLOB matches\n"
    "  --require-defined=SYM       As -u, and an error if no input defines SYM\n"
    "  --symbol-ordering-file=FILE Put the sections of the symbols FILE names (one a line)\n"
    "                              first in their output sections, in that order\n"
    "                              (--no-warn-symbol-ordering: no warning for a name\n"
    "                              that matches nothing)\n"
    "  --dependency-file=FILE      Write a make rule: the output depends on every input\n"
    "  --wrap=SYM                  Undefined SYM means __wrap_SYM, __real_SYM means SYM\n"
    "  -y SYM, --trace-symbol=SYM  Print each linked file that defines or references SYM\n"
    "  --unresolved-symbols=ignore-all|report-all|ignore-in-object-files|ignore-in-shared-libs\n"
    "  --ignore-unresolved-symbol=SYM\n"
    "                              SYM may stay undefined (it is then 0)\n"
    "  --warn-unresolved-symbols   An undefined symbol (then 0) is a warning, not an error\n"
    "  --error-unresolved-symbols  ... an error again\n"
    "  --allow-multiple-definition, -z muldefs\n"
    "                              A symbol defined twice takes the first definition\n"
    "  --push-state, --pop-state   Save and restore --whole-archive\n"
    "  --defsym=SYM=EXPR           Define SYM as EXPR: NUMBER, SYMBOL or SYMBOL+-NUMBER\n"
    "  -m EMULATION                elf_x86_64 (also elf_i386, aarch64linux)\n"
    "  --start-group, --end-group  Archives in a group (accepted; all archives\n"
    "                              are searched until no more members are needed)\n"
    "  --whole-archive, --no-whole-archive\n"
    "  --start-lib, --end-lib      The objects between are linked as if archive members:\n"
    "                              only if they define a symbol the link needs\n"
    "  -static, -Bstatic           Static link (the only kind smelt makes)\n"
    "  -r, --relocatable, -Ur      Write one relocatable object (ET_REL) holding the\n"
    "                              inputs' sections, symbols and relocations\n"
    "  -d, -dc, -dp                With -r, give common symbols space in .bss\n"
    "  --gdb-index                 Add a .gdb_index of the units, addresses and the names\n"
    "                              of .debug_gnu_pubnames/pubtypes (-ggnu-pubnames)\n"
    "  -q, --emit-relocs           Keep the inputs' relocations in the executable\n"
    "                              (.rela.NAME, for BOLT and the like)\n"
    "  -static -pie, -no-pie       A static PIE: loaded anywhere, relocated by musl's\n"
    "                              rcrt1.o (gcc/clang -static-pie); or not\n"
    "  --threads=N                 Worker threads (default: one per usable CPU; one for a link\n"
    "                              of less than 32 MiB of inputs, unless debug sections\n"
    "                              are compressed)\n"
    "  --max-memory=SIZE           Stop with an error rather than use more heap than\n"
    "                              SIZE (K, M, G suffixes; default: physical memory)\n"
    "  -z noexecstack|execstack|separate-code|noseparate-code|relro|now|...\n"
    "  -z dead-reloc-in-nonalloc=GLOB=VALUE\n"
    "                              What a relocation in a non-allocated section matching\n"
    "                              GLOB gives for a discarded symbol (default 1 in\n"
    "                              .debug_ranges and .debug_loc, else 0)\n"
    "  --no-rosegment              Same as -z noseparate-code\n"
    "  --fix-cortex-a53-843419     Patch the code sequences of Cortex-A53 erratum 843419\n"
    "                              (aarch64)\n"
    "  -s, --strip-all             Omit .symtab, .strtab and debug sections\n"
    "  -x, --discard-all           Omit the inputs' local symbols from .symtab\n"
    "  -X, --discard-locals        Omit only their .L symbols (default); --discard-none:\n"
    "                              keep those too\n"
    "  -S, --strip-debug           Omit debug sections (they are not even read)\n"
    "  --compress-debug-sections=zlib|zstd|none\n"
    "                              Compress debug sections (SHF_COMPRESSED, in parallel)\n"
    "  --package-metadata=JSON     Add .note.package (FDO packaging metadata; %XX escapes)\n"
    "  --disable-linker-version    Leave smelt's version out of .comment\n"
    "                              (--enable-linker-version: put it in, the default)\n"
    "  --build-id[=fast|md5|sha1|uuid|0xHEX|none]\n"
    "                              Add .note.gnu.build-id (default style: fast, xxh3-128)\n"
    "  --gc-sections               Drop sections unreachable from the entry point\n"
    "  --print-gc-sections         List the sections --gc-sections drops\n"
    "  --warn-backrefs             Warn where an archive member is linked only for a file\n"
    "                              after its archive (GNU ld would not link it);\n"
    "                              --warn-backrefs-exclude=GLOB: not for these archives\n"
    "  --why-live=GLOB             For each live symbol GLOB matches, the references that\n"
    "                              keep it under --gc-sections, from a root\n"
    "  --icf=all|safe|none         Fold identical read-only sections (safe: never\n"
    "                              functions whose address is taken)\n"
    "  --print-icf-sections        List folded sections\n"
    "  --call-graph-ordering-file=FILE\n"
    "                              Place sections calling each other together, hottest\n"
    "                              first, by FILE's \"CALLER CALLEE WEIGHT\" lines and the\n"
    "                              inputs' .llvm.call-graph-profile (clang -fprofile-use)\n"
    "  --no-call-graph-profile-sort\n"
    "                              Ignore the inputs' call graph profiles\n"
    "  --keep-unique=SYM           Never fold the section defining SYM\n"
    "  -Map=FILE, -M               Write a GNU-style link map to FILE (-M: stdout);\n"
    "                              --cref adds a cross reference table\n"
    "  -t, --trace                 Print each input file that is linked\n"
    "  --print-archive-stats=FILE  Write each archive's member count and how many are\n"
    "                              linked ('-' = stdout)\n"
    "  --why-extract=FILE          Write why each archive member was extracted ('-' =\n"
    "                              stdout)\n"
    "  --reproduce=FILE.tar        Write the inputs and a response file to replay\n"
    "                              the link\n"
    "  --fatal-warnings            Treat warnings as errors\n"
    "  --no-warnings, -w           Print no warnings (and cancel --fatal-warnings)\n"
    "  -plugin PATH, -plugin-opt=OPT\n"
    "                              An LTO plugin (gcc and clang pass theirs): objects with\n"
    "                              GCC or LLVM bytecode (-flto) are compiled through it\n"
    "  --stats                     Print per-pass statistics\n"
    "  @FILE                       Read options from FILE\n"
    "  -v, --version, --verbose    Print the version\n"
    "  --help                      Print this help\n"
    "\n"
    "Accepted for compatibility and ignored in static links: -dynamic-linker\n"
    "(refused with -pie unless --no-dynamic-linker follows: a dynamic PIE),\n"
    "--hash-style, --eh-frame-hdr, --as-needed, -O1,\n"
    "-nostdlib, -z relro/now,\n"
    "--no-undefined, --sort-common, --no-warn-mismatch.\n";

struct args {
  struct vec v; /* char * */
};

static void read_response_file(struct args *out, const char *path, int depth);

static void add_arg(struct args *a, const char *s, int depth) {
  if (s[0] == '@' && s[1]) {
    read_response_file(a, s + 1, depth + 1);
    return;
  }
  vec_push(&a->v, (void *)s);
}

/* Response files use gcc's quoting: whitespace separates, '' "" and \ quote. */
static void read_response_file(struct args *out, const char *path, int depth) {
  if (depth > 16)
    fatal("%s: response files nested too deeply", path);
  FILE *fp = fopen(path, "r");
  if (!fp)
    fatal("cannot open response file %s: %s", path, strerror(errno));
  size_t cap = 64, n = 0;
  char *buf = xrealloc(NULL, cap);
  bool in_word = false;
  int quote = 0, c;
  while ((c = fgetc(fp)) != EOF) {
    if (n + 2 >= cap)
      buf = xrealloc(buf, cap *= 2);
    if (quote) {
      if (c == quote)
        quote = 0;
      else if (c == '\\' && quote == '"' && (c = fgetc(fp)) != EOF)
        buf[n++] = (char)c;
      else
        buf[n++] = (char)c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\') {
      if ((c = fgetc(fp)) == EOF)
        break;
      buf[n++] = (char)c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) {
        buf[n] = 0;
        add_arg(out, xstrdup(buf), depth);
        n = 0;
        in_word = false;
      }
    } else {
      buf[n++] = (char)c;
      in_word = true;
    }
  }
  if (in_word) {
    buf[n] = 0;
    add_arg(out, xstrdup(buf), depth);
  }
  xfree(buf);
  fclose(fp);
}

/* Matches "-name VALUE", "-name=VALUE" and "--name ..." forms; returns the
 * value or NULL. Single-dash and double-dash spellings are equivalent, as in
 * GNU ld. */
static const char *opt_value(char **argv, size_t argc, size_t *i, const char *name) {
  const char *a = argv[*i];
  if (a[0] != '-')
    return NULL;
  a += (a[1] == '-') ? 2 : 1;
  size_t len = strlen(name);
  if (strncmp(a, name, len))
    return NULL;
  if (a[len] == '=')
    return a + len + 1;
  if (a[len])
    return NULL;
  if (*i + 1 >= argc)
    fatal("option %s needs an argument", argv[*i]);
  return argv[++*i];
}

/* Short options that take their value glued or separate: -L dir, -Ldir. */
static const char *short_value(char **argv, size_t argc, size_t *i, char c) {
  const char *a = argv[*i];
  if (a[0] != '-' || a[1] != c)
    return NULL;
  if (a[2])
    return a + 2;
  if (*i + 1 >= argc)
    fatal("option -%c needs an argument", c);
  return argv[++*i];
}

/* -Ttext, -Tdata, -Tbss and their forms (-Ttext-segment among them):
 * addresses, not -T scripts */
static bool is_T_address(const char *a) {
  return !strncmp(a, "-Ttext", 6) || !strncmp(a, "-Tdata", 6) || !strncmp(a, "-Tbss", 5);
}

/* -T FILE, -TFILE, --script=FILE, -dT FILE, --default-script=FILE (not
 * -Ttext and the like): the script's name, *i past it; else NULL. */
const char *script_option(char **argv, size_t argc, size_t *i) {
  const char *v;
  if (is_T_address(argv[*i]))
    return NULL;
  if ((v = short_value(argv, argc, i, 'T')) || (v = opt_value(argv, argc, i, "script")) ||
      (v = opt_value(argv, argc, i, "dT")) || (v = opt_value(argv, argc, i, "default-script")))
    return v;
  return NULL;
}

/* -b FORMAT, -bFORMAT, --format=FORMAT (not -build-id): the input format
 * of the files after it, *i past it; else NULL. */
const char *format_option(char **argv, size_t argc, size_t *i) {
  const char *v;
  if (!strncmp(argv[*i], "-build-id", 9))
    return NULL;
  if ((v = opt_value(argv, argc, i, "format")) || (v = short_value(argv, argc, i, 'b')))
    return v;
  return NULL;
}

/* A -b value: binary, or an ELF object ("elf", "default" or a BFD ELF
 * target name such as elf64-x86-64); no other format is read. */
bool binary_format(const char *v) {
  if (!strcmp(v, "binary"))
    return true;
  if (strcmp(v, "default") && strncmp(v, "elf", 3))
    fatal("-b %s: unsupported input format (binary, elf, default or an ELF target such as "
          "elf64-x86-64)", v);
  return false;
}

static bool opt_flag(const char *a, const char *name) {
  if (a[0] != '-')
    return false;
  a += (a[1] == '-') ? 2 : 1;
  return !strcmp(a, name);
}

/* A path GNU ld roots in the sysroot: "=REST" or "$SYSROOTREST" becomes
 * the sysroot followed by REST (REST alone without a sysroot: NULL or "");
 * any other path is itself. */
const char *sysroot_path(const char *sysroot, const char *path) {
  static const char var[] = "$SYSROOT";
  const char *rest = path[0] == '=' ? path + 1
                     : !strncmp(path, var, sizeof(var) - 1) ? path + sizeof(var) - 1
                                                            : NULL;
  return rest ? xsprintf("%s%s", sysroot ? sysroot : "", rest) : path;
}

static void push_input(struct vec *inputs, int kind, const char *path) {
  struct input_spec *s = xalloc(sizeof(*s));
  s->kind = kind;
  s->path = path;
  vec_push(inputs, s);
}

static bool symbol_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' || c == '$' ||
         (!first && c >= '0' && c <= '9');
}

static const char *skip_blanks(const char *p) {
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* A number as GNU ld's expressions write one (0x hex, 0 octal, decimal,
 * as strtoull reads them with base 0), without sign or leading blanks;
 * *p moves past it. */
static bool parse_number(const char **p, uint64_t *out) {
  if (**p < '0' || **p > '9')
    return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(*p, &end, 0);
  if (errno == ERANGE || (end == *p + 1 && (*end | 32) == 'x')) /* overflow; "0x" alone */
    return false;
  *p = end, *out = v;
  return true;
}

/* All of s is one number. */
static bool parse_whole_number(const char *s, uint64_t *out) {
  return parse_number(&s, out) && !*s;
}

/* -z keywords that change nothing in a static executable; one ending in
 * '=' takes any value. */
static const char *const ignored_z[] = {
    "now", "lazy", "defs", "nodefs", "text", "notext", "origin", "nodelete", "nodlopen",
    "noexecheap", "common-page-size=", "cet-report=", "bti-report=", "pac-plt", "copyreloc",
    "nocopyreloc", "combreloc", "nocombreloc", "interpose", "initfirst", "global",
    "nodefaultlib", "rodynamic" /* of a dynamic object's .dynamic */,
    "rel", "rela" /* a static PIE's .rela.dyn reads the same either way */,
    "unique-symbol", "nounique-symbol" /* -r only */, "nopack-relative-relocs",

    "start-stop-visibility=" /* of __start_/__stop_: nothing is exported */, NULL};

static bool is_ignored_z(const char *z) {
  for (const char *const *p = ignored_z; *p; p++) {
    size_t n = strlen(*p);
    if ((*p)[n - 1] == '=' ? !strncmp(z, *p, n) : !strcmp(z, *p))
      return true;
  }
  return false;
}

static void handle_z(struct options *opt, const char *z) {
  if (!strncmp(z, "stack-size=", 11)) {
    if (!parse_whole_number(z + 11, &opt->stack_size))
      fatal("-z stack-size: expected a size in bytes, not '%s'", z + 11);
  } else if (!strncmp(z, "max-page-size=", 14)) {
    uint64_t n;
    if (!parse_whole_number(z + 14, &n) || n < 4096 || n > (1u << 28) || (n & (n - 1)))
      fatal("-z max-page-size: expected a power of two from 4096 to 256 MiB, not '%s'", z + 14);
    opt->max_page_size = n;
  } else if (!strncmp(z, "dead-reloc-in-nonalloc=", 23)) {
    /* GLOB=VALUE; the value is after the last '=' (a glob may hold one) */
    const char *pat = z + 23, *eq = strrchr(pat, '=');
    uint64_t *v = xalloc(sizeof(*v));
    if (!eq || eq == pat || !parse_whole_number(eq + 1, v))
      fatal("-z dead-reloc-in-nonalloc: expected GLOB=VALUE, not '%s'", pat);
    vec_push(&opt->dead_reloc, xsprintf("%.*s", (int)(eq - pat), pat));
    vec_push(&opt->dead_reloc, v);
  } else if (!strcmp(z, "noexecstack"))
    opt->exec_stack = false;
  else if (!strcmp(z, "execstack"))
    opt->exec_stack = true;
  else if (!strcmp(z, "separate-code"))
    opt->separate_code = true, opt->separate_code_set = true;
  else if (!strcmp(z, "noseparate-code"))
    opt->separate_code = false, opt->separate_code_set = true;
  else if (!strcmp(z, "separate-loadable-segments"))
    opt->separate_segments = true;
  else if (!strcmp(z, "noseparate-loadable-segments"))
    opt->separate_segments = false;
  else if (!strcmp(z, "muldefs"))
    opt->allow_muldefs = true;
  else if (!strcmp(z, "relro"))
    opt->relro = true;
  else if (!strcmp(z, "norelro"))
    opt->relro = false;
  else if (!strcmp(z, "start-stop-gc"))
    opt->start_stop_gc = true;
  else if (!strcmp(z, "nostart-stop-gc"))
    opt->start_stop_gc = false;
  else if (!strcmp(z, "keep-text-section-prefix"))
    opt->keep_text_prefix = true;
  else if (!strcmp(z, "nokeep-text-section-prefix"))
    opt->keep_text_prefix = false;
  else if (!strcmp(z, "ibt"))
    opt->z_ibt = true;
  else if (!strcmp(z, "shstk"))
    opt->z_shstk = true;
  else if (!strcmp(z, "force-bti"))
    opt->z_force_bti = true;
  else if (!strcmp(z, "pack-relative-relocs"))
    warn("-z pack-relative-relocs ignored: RELR is not supported (musl's rcrt1.o does not "
         "read it); a static PIE's relative relocations stay in .rela.dyn");
  else if (!is_ignored_z(z))
    warn("unknown -z option ignored: %s", z);
}

static const char *const ignored_flags[] = {
    "eh-frame-hdr", "no-eh-frame-hdr", "as-needed", "no-as-needed", "O0", "O1", "O2",
    "O3", "no-undefined", "allow-shlib-undefined", "no-allow-shlib-undefined",
    "no-copy-dt-needed-entries", "copy-dt-needed-entries", "sort-common", "no-warn-mismatch",
    "warn-common", "export-dynamic", "no-export-dynamic",
    "enable-new-dtags", "disable-new-dtags", "nostdlib", "no-demangle", "demangle",
    "Qy", "relax", "no-relax", "warn-once",
    "no-warn-rwx-segments", "warn-rwx-segments", "no-warn-execstack", "color-diagnostics",
    "no-rosegment-placeholder", "dynamic-list-data", "Bsymbolic", "Bsymbolic-functions",
    "rosegment", "disable-verify", "E" /* --export-dynamic */,
    "undefined-version", "no-undefined-version", "no-keep-memory", "reduce-memory-overheads",
    "EL" /* every target is little-endian */,
    "check-sections", "no-check-sections" /* sections never overlap without a script */,
    "warn-textrel" /* there are none: refused */, "Bno-symbolic", "gc-keep-exported",
    "print-map-discarded", "no-print-map-discarded", "strip-discarded", "no-strip-discarded",
    NULL};

static const char *const ignored_with_value[] = {
    "hash-style",
    "soname", "h", "rpath", "rpath-link", "version-script",
    "exclude-libs", "color-diagnostics", "R",
    "thread-count", "mllvm", "lto-O", "lto-partitions",
    "error-limit", "dynamic-list", "export-dynamic-symbol", "export-dynamic-symbol-list",
    "sort-section" /* orders a linker script's wildcards */, NULL};

/* Options of GNU ld or lld that smelt knows and does not do: ignored, as
 * an unknown option is, but with what that means for the output. */
#define PAGE_ALIGNED "segments stay page-aligned"
static const struct {
  const char *flag;
  const char *why;
} unsupported[] = {
    {"N", PAGE_ALIGNED " and text read-only"},
    {"omagic", PAGE_ALIGNED " and text read-only"},
    {"n", PAGE_ALIGNED},
    {"nmagic", PAGE_ALIGNED},
    {"noinhibit-exec", "a link with errors still writes no output"},
    {"print-memory-usage", "smelt has no memory regions (no linker scripts)"},
};

static bool is_unsupported(const char *arg) {
  for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
    if (opt_flag(arg, unsupported[i].flag)) {
      warn("%s ignored: %s", arg, unsupported[i].why);
      return true;
    }
  return false;
}

#define DEFSYM_FORMS "(smelt takes NUMBER, SYMBOL or SYMBOL+-NUMBER)"

const char *parse_defsym(const char *arg, struct defsym *d) {
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg)
    return "expected NAME=EXPRESSION";
  size_t n = (size_t)(eq - arg);
  while (n && (arg[n - 1] == ' ' || arg[n - 1] == '\t')) /* blanks before '=' */
    n--;
  for (size_t k = 0; k < n; k++)
    if (!symbol_char(arg[k], k == 0))
      return "expected NAME=EXPRESSION";
  *d = (struct defsym){.name = xsprintf("%.*s", (int)n, arg)};
  const char *p = skip_blanks(eq + 1);
  if (symbol_char(*p, true)) {
    const char *t = p;
    while (symbol_char(*p, false))
      p++;
    d->target = xsprintf("%.*s", (int)(p - t), t);
    p = skip_blanks(p);
    if (*p == '+' || *p == '-') {
      char op = *p;
      p = skip_blanks(p + 1);
      if (!parse_number(&p, &d->value))
        return "expected a number after the sign " DEFSYM_FORMS;
      if (op == '-')
        d->value = (uint64_t)0 - d->value;
    }
  } else if (!parse_number(&p, &d->value)) {
    return "unsupported expression " DEFSYM_FORMS;
  }
  if (*skip_blanks(p))
    return "unsupported expression " DEFSYM_FORMS;
  return NULL;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* %XX escapes, as lld 17 and GNU ld 2.41 take them (a JSON value passed
 * through a build system may not hold its commas or quotes); the note is
 * written with the terminating NUL, so an escaped NUL is refused. */
char *decode_package_metadata(const char *v, const char **err) {
  size_t n = strlen(v), k = 0;
  char *out = xalloc(n + 1);
  for (size_t i = 0; i < n; i++) {
    if (v[i] != '%') {
      out[k++] = v[i];
      continue;
    }
    int hi = hexval(v[i + 1]), lo = hi < 0 ? -1 : hexval(v[i + 2]); /* stops at the NUL */
    if (hi < 0 || lo < 0 || (hi | lo) == 0) {
      *err = xsprintf("invalid %% escape at byte %zu (expected %%XX: two hex digits, not 00)", i);
      xfree(out);
      return NULL;
    }
    out[k++] = (char)(hi << 4 | lo);
    i += 2;
  }
  out[k] = 0;
  return out;
}

static void parse_build_id(struct options *opt, const char *v) {
  if (!strcmp(v, "fast") || !strcmp(v, "tree") || !strcmp(v, "xxhash"))
    opt->build_id = BUILD_ID_FAST;
  else if (!strcmp(v, "md5"))
    opt->build_id = BUILD_ID_MD5;
  else if (!strcmp(v, "sha1"))
    opt->build_id = BUILD_ID_SHA1;
  else if (!strcmp(v, "uuid"))
    opt->build_id = BUILD_ID_UUID;
  else if (!strcmp(v, "none"))
    opt->build_id = BUILD_ID_NONE;
  else if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
    size_t n = strlen(v + 2);
    if (n == 0 || n % 2 || n / 2 > sizeof(opt->build_id_hex))
      fatal("--build-id=%s: expected an even number of hex digits (at most %zu bytes)", v,
            sizeof(opt->build_id_hex));
    for (size_t i = 0; i < n / 2; i++) {
      int hi = hexval(v[2 + 2 * i]), lo = hexval(v[3 + 2 * i]);
      if (hi < 0 || lo < 0)
        fatal("--build-id=%s: not a hex string", v);
      opt->build_id_hex[i] = (uint8_t)(hi << 4 | lo);
    }
    opt->build_id_hex_len = n / 2;
    opt->build_id = BUILD_ID_HEX;
  } else {
    fatal("--build-id=%s: expected fast, md5, sha1, uuid, 0xHEX or none", v);
  }
}

/* Options that change nothing in a static executable. Checked first so that
 * e.g. -export-dynamic is not read as -e xport-dynamic. */
static bool is_ignored(char **argv, size_t argc, size_t *i) {
  const char *arg = argv[*i];
  for (const char *const *p = ignored_flags; *p; p++)
    if (opt_flag(arg, *p))
      return true;
  for (const char *const *p = ignored_with_value; *p; p++) {
    size_t save = *i;
    if (opt_value(argv, argc, i, *p))
      return true;
    *i = save;
  }
  return false;
}

static void finish_inputs(struct options *opt, struct vec *in);

/* -r: what a relocatable link cannot be asked for is refused, what it has
 * no use for ignored, as GNU ld and lld do; -s keeps the symbols that
 * relocations need, as GNU ld's -r -s does. */
static void check_relocatable(struct options *opt) {
  if (opt->shared)
    fatal("-r and -shared may not be used together");
  if (opt->pie)
    fatal("-r and -pie may not be used together");
  if (opt->gc_sections)
    fatal("-r and --gc-sections may not be used together");
  if (opt->icf)
    fatal("-r and --icf may not be used together");
  if (opt->gdb_index)
    fatal("-r and --gdb-index may not be used together");
  if (opt->map_file) {
    warn("-Map ignored with -r: a relocatable output has no addresses to map");
    opt->map_file = NULL;
  }
  if (opt->symbol_ordering_file) {
    warn("--symbol-ordering-file ignored with -r: sections keep their order");
    opt->symbol_ordering_file = NULL;
  }
  if (opt->strip_all) {
    opt->strip_all = false;
    opt->strip_debug = true;
    opt->discard = DISCARD_ALL;
  }
}

void parse_options(int argc0, char **argv0, struct options *opt) {
  struct args a = {0};
  for (int i = 1; i < argc0; i++)
    add_arg(&a, argv0[i], 0);
  char **argv = (char **)a.v.v;
  size_t argc = a.v.n;
  opt->args = argv;
  opt->nargs = argc;

  struct vec inputs = {0};
  bool whole = false;   /* --whole-archive in effect */
  bool binary = false;  /* -b binary in effect */
  bool ignore_unresolved = false, warn_unresolved = false;
  const char *interp = NULL; /* -dynamic-linker in effect (the last of it and
                                --no-dynamic-linker wins) */
  struct vec saved = {0}; /* --push-state: whole, as (void *)1 or NULL */
  opt->argc = argc0;
  opt->argv = argv0;
  opt->output = "a.out";
  opt->threads = 0;
  opt->separate_code = true;
  opt->relro = true;
  opt->warn_symbol_ordering = true;
  opt->call_graph_profile_sort = true;
  /* --no-warnings silences the options' own warnings too, wherever it is */
  for (size_t i = 0; i < argc; i++)
    if (opt_flag(argv[i], "no-warnings") || opt_flag(argv[i], "w"))
      opt->no_warnings = true;

  for (size_t i = 0; i < argc; i++) {
    const char *arg = argv[i];
    const char *v;
    if (arg[0] != '-' || !arg[1]) {
      push_input(&inputs, IN_FILE, arg);
      continue;
    }
    if (opt_flag(arg, "help")) {
      fputs(usage, stdout);
      exit(0);
    }
    if (opt_flag(arg, "v") || opt_flag(arg, "version") || opt_flag(arg, "V") ||
        opt_flag(arg, "verbose")) {
      printf("smelt %s (compatible with GNU ld)\n", SMELT_VERSION);
      if (argc == 1)
        exit(0);
      opt->verbose = true;
      continue;
    }
    if (is_ignored(argv, argc, &i))
      continue;
    if ((v = opt_value(argv, argc, &i, "plugin-opt"))) {
      vec_push(&opt->plugin_opts, (void *)v);
      continue;
    }
    if ((v = opt_value(argv, argc, &i, "plugin"))) {
      opt->plugin = v;
      continue;
    }
    /* the link ld/lto.c starts after LTO */
    if ((v = opt_value(argv, argc, &i, "smelt-ltrans-at"))) {
      opt->ltrans = true;
      opt->ltrans_at = strtoull(v, NULL, 10);
      continue;
    }
    if ((v = opt_value(argv, argc, &i, "smelt-ltrans"))) {
      vec_push(&opt->ltrans_files, (void *)v);
      continue;
    }
    if ((v = opt_value(argv, argc, &i, "smelt-ltrans-lib"))) {
      vec_push(&opt->ltrans_libs, (void *)v);
      continue;
    }
    if ((v = opt_value(argv, argc, &i, "o")) || (v = opt_value(argv, argc, &i, "output"))) {
      opt->output = v;
    } else if ((v = opt_value(argv, argc, &i, "dynamic-linker"))) {
      interp = v;
    } else if (opt_flag(arg, "no-dynamic-linker")) {
      interp = NULL;
    } else if ((v = opt_value(argv, argc, &i, "entry")) || (v = short_value(argv, argc, &i, 'e'))) {
      opt->entry = v;
    } else if ((v = opt_value(argv, argc, &i, "library-path")) ||
               (v = short_value(argv, argc, &i, 'L'))) {
      vec_push(&opt->lib_paths, (void *)v);
    } else if ((v = opt_value(argv, argc, &i, "sysroot"))) {
      opt->sysroot = v;
    } else if ((v = opt_value(argv, argc, &i, "library")) ||
               (v = short_value(argv, argc, &i, 'l'))) {
      push_input(&inputs, IN_LIB, v);
    } else if ((v = opt_value(argv, argc, &i, "undefined-glob"))) {
      /* before -u: -undefined-glob is not -u ndefined-glob */
      vec_push(&opt->undefined_globs, (void *)v);
    } else if ((v = opt_value(argv, argc, &i, "undefined")) ||
               (v = short_value(argv, argc, &i, 'u'))) {
      vec_push(&opt->undefined, (void *)v);
    } else if ((v = opt_value(argv, argc, &i, "require-defined"))) {
      vec_push(&opt->undefined, (void *)v);
      vec_push(&opt->required, (void *)v);
    } else if ((v = opt_value(argv, argc, &i, "print-archive-stats"))) {
      opt->archive_stats = v;
    } else if (opt_flag(arg, "warn-backrefs")) {
      opt->warn_backrefs = true;
    } else if (opt_flag(arg, "no-warn-backrefs")) {
      opt->warn_backrefs = false;
    } else if ((v = opt_value(argv, argc, &i, "warn-backrefs-exclude"))) {
      vec_push(&opt->backrefs_exclude, (void *)v);
    } else if ((v = opt_value(argv, argc, &i, "why-live"))) {
      vec_push(&opt->why_live, (void *)v);
    } else if ((v = opt_value(argv, argc, &i, "symbol-ordering-file"))) {
      opt->symbol_ordering_file = v;
    } else if (opt_flag(arg, "no-symbol-ordering-file")) {
      opt->symbol_ordering_file = NULL;
    } else if (opt_flag(arg, "warn-symbol-ordering")) {
      opt->warn_symbol_ordering = true;
    } else if (opt_flag(arg, "no-warn-symbol-ordering")) {
      opt->warn_symbol_ordering = false;
    } else if ((v = opt_value(argv, argc, &i, "dependency-file"))) {
      opt->dependency_file = v;
    } else if ((v = opt_value(argv, argc, &i, "wrap"))) {
      if (!*v)
        fatal("--wrap needs a symbol name");
      vec_push(&opt->wrap, (void *)v);
      vec_push(&opt->wrap, xsprintf("__wrap_%s", v));
    } else if ((v = opt_value(argv, argc, &i, "defsym"))) {
      struct defsym *d = xcalloc(1, sizeof(*d));
      const char *why = parse_defsym(v, d);
      if (why)
        fatal("--defsym %s: %s", v, why);
      vec_push(&opt->defsyms, d);
    } else if (opt_flag(arg, "start-group") || opt_flag(arg, "(")) {
      push_input(&inputs, IN_GROUP_START, NULL);
    } else if (opt_flag(arg, "end-group") || opt_flag(arg, ")")) {
      push_input(&inputs, IN_GROUP_END, NULL);
    } else if (opt_flag(arg, "start-lib")) {
      push_input(&inputs, IN_LAZY_ON, NULL);
    } else if (opt_flag(arg, "end-lib")) {
      push_input(&inputs, IN_LAZY_OFF, NULL);
    } else if (opt_flag(arg, "whole-archive")) {
      push_input(&inputs, IN_WHOLE_ON, NULL);
      whole = true;
    } else if (opt_flag(arg, "no-whole-archive")) {
      push_input(&inputs, IN_WHOLE_OFF, NULL);
      whole = false;
    } else if (opt_flag(arg, "push-state")) {
      vec_push(&saved, whole ? (void *)1 : NULL);
    } else if (opt_flag(arg, "pop-state")) {
      if (!saved.n)
        fatal("--pop-state without --push-state");
      bool w = saved.v[--saved.n] != NULL;
      if (w != whole)
        push_input(&inputs, w ? IN_WHOLE_ON : IN_WHOLE_OFF, NULL);
      whole = w;
    } else if ((v = opt_value(argv, argc, &i, "trace-symbol")) ||
               (v = short_value(argv, argc, &i, 'y'))) {
      vec_push(&opt->trace_syms, (void *)v);
    } else if (opt_flag(arg, "x") || opt_flag(arg, "discard-all")) {
      opt->discard = DISCARD_ALL;
    } else if (opt_flag(arg, "X") || opt_flag(arg, "discard-locals")) {
      opt->discard = DISCARD_LOCALS;
    } else if (opt_flag(arg, "discard-none")) {
      opt->discard = DISCARD_NONE;
    } else if ((v = opt_value(argv, argc, &i, "package-metadata"))) {
      const char *why;
      if (!(opt->package_metadata = decode_package_metadata(v, &why)))
        fatal("--package-metadata=%s: %s", v, why);
    } else if (opt_flag(arg, "disable-linker-version")) {
      opt->no_linker_version = true;
    } else if (opt_flag(arg, "enable-linker-version")) {
      opt->no_linker_version = false;
    } else if ((v = opt_value(argv, argc, &i, "ignore-unresolved-symbol"))) {
      vec_push(&opt->ignore_unresolved, (void *)v);
    } else if ((v = opt_value(argv, argc, &i, "unresolved-symbols"))) {
      /* a static link has only object files: ignore-in-shared-libs
       * changes nothing */
      if (!strcmp(v, "ignore-all") || !strcmp(v, "ignore-in-object-files"))
        ignore_unresolved = true;
      else if (!strcmp(v, "report-all") || !strcmp(v, "ignore-in-shared-libs"))
        ignore_unresolved = false;
      else
        fatal("--unresolved-symbols: expected ignore-all, report-all, ignore-in-object-files "
              "or ignore-in-shared-libs, got '%s'", v);
    } else if (opt_flag(arg, "warn-unresolved-symbols")) {
      warn_unresolved = true;
    } else if (opt_flag(arg, "error-unresolved-symbols")) {
      warn_unresolved = false;
    } else if (opt_flag(arg, "allow-multiple-definition")) {
      opt->allow_muldefs = true;
    } else if (opt_flag(arg, "static") || opt_flag(arg, "Bstatic") ||
               opt_flag(arg, "dn") || opt_flag(arg, "non_shared")) {
      opt->is_static = true;
    } else if (opt_flag(arg, "Bdynamic") || opt_flag(arg, "dy") ||
               opt_flag(arg, "call_shared")) {
      /* gcc passes -Bdynamic around some libraries; libraries are still
       * searched as .a only. */
    } else if (opt_flag(arg, "shared") || opt_flag(arg, "Bshareable")) {
      opt->shared = true;
    } else if (opt_flag(arg, "pie") || opt_flag(arg, "pic-executable")) {
      opt->pie = true;
    } else if (opt_flag(arg, "static-pie")) {
      opt->pie = opt->is_static = true;
    } else if (opt_flag(arg, "no-pie") || opt_flag(arg, "nopie") ||
               opt_flag(arg, "no-pic-executable")) {
      opt->pie = false;
    } else if (opt_flag(arg, "nostdlib")) {
      opt->nostdlib = true;
    } else if ((v = opt_value(argv, argc, &i, "threads"))) {
      char *end;
      long n = strtol(v, &end, 10);
      if (*end || n < 1 || n > 256)
        fatal("--threads: expected a number from 1 to 256, got '%s'", v);
      opt->threads = (int)n;
    } else if (opt_flag(arg, "no-threads")) {
      opt->threads = 1;
    } else if ((v = opt_value(argv, argc, &i, "max-memory"))) {
      char *end;
      unsigned long long n = strtoull(v, &end, 10);
      int shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20
                : *end == 'G' || *end == 'g' ? 30 : 0;
      if (shift)
        end++;
      if (*end || v[0] < '0' || v[0] > '9' || n == 0 || n > (~0ULL >> shift))
        fatal("--max-memory: expected a size such as 512M or 8G, got '%s'", v);
      set_memory_limit((uint64_t)n << shift);
      opt->max_memory_set = true;
    } else if ((v = short_value(argv, argc, &i, 'z'))) {
      handle_z(opt, v);
    } else if (opt_flag(arg, "no-rosegment")) {
      opt->separate_code = false, opt->separate_code_set = true;
    } else if (opt_flag(arg, "fix-cortex-a53-843419")) {
      opt->fix_843419 = true;
    } else if (!strncmp(arg, "--fix-cortex-a53-843419=", 24)) {
      /* GNU ld's variants; here all get patches */
      v = arg + 24;
      if (strcmp(v, "full") && strcmp(v, "adr") && strcmp(v, "adrp"))
        fatal("--fix-cortex-a53-843419: expected full, adr or adrp, not '%s'", v);
      opt->fix_843419 = true;
    } else if (opt_flag(arg, "no-fix-cortex-a53-843419")) {
      opt->fix_843419 = false;
    } else if (opt_flag(arg, "EB")) {
      fatal("-EB: big-endian output is not supported");
    } else if ((v = opt_value(argv, argc, &i, "m")) || (v = short_value(argv, argc, &i, 'm'))) {
      opt->emulation = v;
    } else if (opt_flag(arg, "s") || opt_flag(arg, "strip-all")) {
      opt->strip_all = true;
      opt->strip_debug = true;
    } else if ((v = opt_value(argv, argc, &i, "Map"))) {
      opt->map_file = v;
    } else if (opt_flag(arg, "M") || opt_flag(arg, "print-map")) {
      opt->map_file = "-";
    } else if (opt_flag(arg, "cref")) {
      opt->cref = true;
    } else if (opt_flag(arg, "t") || opt_flag(arg, "trace")) {
      opt->trace = true;
    } else if ((v = opt_value(argv, argc, &i, "why-extract"))) {
      opt->why_extract = v;
    } else if ((v = opt_value(argv, argc, &i, "reproduce"))) {
      opt->reproduce = v;
    } else if (opt_flag(arg, "gc-sections")) {
      opt->gc_sections = true;
    } else if (opt_flag(arg, "no-gc-sections")) {
      opt->gc_sections = false;
    } else if (opt_flag(arg, "print-gc-sections")) {
      opt->print_gc_sections = true;
    } else if (opt_flag(arg, "no-print-gc-sections")) {
      opt->print_gc_sections = false;
    } else if ((v = opt_value(argv, argc, &i, "icf"))) {
      if (!strcmp(v, "all"))
        opt->icf = 2;
      else if (!strcmp(v, "safe"))
        opt->icf = 1;
      else if (!strcmp(v, "none"))
        opt->icf = 0;
      else
        fatal("--icf: expected all, safe or none, got '%s'", v);
    } else if (opt_flag(arg, "print-icf-sections")) {
      opt->print_icf_sections = true;
    } else if (opt_flag(arg, "build-id")) {
      opt->build_id = BUILD_ID_FAST;
    } else if ((v = opt_value(argv, argc, &i, "build-id"))) {
      parse_build_id(opt, v);
    } else if ((v = opt_value(argv, argc, &i, "compress-debug-sections"))) {
      if (!strcmp(v, "zlib") || !strcmp(v, "zlib-gabi") || !strcmp(v, "zstd"))
        opt->compress_debug = true, opt->compress_zstd = !strcmp(v, "zstd");
      else if (!strcmp(v, "none"))
        opt->compress_debug = false;
      else
        fatal("--compress-debug-sections: unsupported value '%s' (zlib, zlib-gabi, zstd or none)",
              v);
    } else if (opt_flag(arg, "S") || opt_flag(arg, "strip-debug") || opt_flag(arg, "g")) {
      if (strcmp(arg, "-g"))
        opt->strip_debug = true;
    } else if (opt_flag(arg, "fatal-warnings")) {
      opt->fatal_warnings = true;
    } else if (opt_flag(arg, "no-fatal-warnings")) {
      opt->fatal_warnings = false;
    } else if (opt_flag(arg, "no-warnings") || opt_flag(arg, "w")) {
      /* read before the others (parse_options), so it also silences them */
    } else if ((v = opt_value(argv, argc, &i, "call-graph-ordering-file"))) {
      opt->call_graph_ordering_file = v;
    } else if (opt_flag(arg, "call-graph-profile-sort") ||
               opt_flag(arg, "no-call-graph-profile-sort")) {
      opt->call_graph_profile_sort = arg[strspn(arg, "-")] == 'c';
    } else if ((v = opt_value(argv, argc, &i, "call-graph-profile-sort"))) {
      /* lld 17's spellings; cdsort is not done here: C3, as lld 16 */
      if (!strcmp(v, "none"))
        opt->call_graph_profile_sort = false;
      else if (!strcmp(v, "hfsort") || !strcmp(v, "cdsort"))
        opt->call_graph_profile_sort = true;
      else
        fatal("--call-graph-profile-sort: expected none, hfsort or cdsort, not '%s'", v);
      if (!strcmp(v, "cdsort"))
        warn("--call-graph-profile-sort=cdsort: sections are ordered by C3 (hfsort)");
    } else if ((v = opt_value(argv, argc, &i, "keep-unique"))) {
      vec_push(&opt->keep_unique, (void *)v);
    } else if (opt_flag(arg, "stats") || opt_flag(arg, "perf") || opt_flag(arg, "time-trace")) {
      opt->print_stats = true;
    } else if ((v = opt_value(argv, argc, &i, "image-base")) ||
               (v = opt_value(argv, argc, &i, "Ttext-segment"))) {
      if (!parse_whole_number(v, &opt->image_base))
        fatal("--image-base: expected an address, not '%s'", v);
      opt->image_base_set = true;
    } else if (opt_flag(arg, "r") || opt_flag(arg, "relocatable") || opt_flag(arg, "Ur")) {
      opt->relocatable = true;
    } else if (opt_flag(arg, "d") || opt_flag(arg, "dc") || opt_flag(arg, "dp") ||
               opt_flag(arg, "define-common")) {
      opt->define_common = true;
    } else if (opt_flag(arg, "gdb-index") || opt_flag(arg, "no-gdb-index")) {
      opt->gdb_index = arg[strspn(arg, "-")] == 'g';
    } else if (opt_flag(arg, "emit-relocs") || opt_flag(arg, "q")) {
      opt->emit_relocs = true;
    } else if (opt_flag(arg, "no-define-common")) {
      opt->define_common = false;
    } else if (is_T_address(arg) || opt_value(argv, argc, &i, "section-start")) {
      fatal("%s: a section at a fixed address is not supported (smelt places sections "
            "itself; --image-base moves the whole image)", arg);
    } else if ((v = script_option(argv, argc, &i))) {
      /* read where it stands if it is an input script (ld/input.c), as
       * lld and mold read one; other commands are refused there */
      push_input(&inputs, IN_SCRIPT, v);
    } else if ((v = format_option(argv, argc, &i))) {
      bool b = binary_format(v);
      if (b != binary)
        push_input(&inputs, b ? IN_BINARY_ON : IN_BINARY_OFF, NULL);
      binary = b;
    } else if ((v = short_value(argv, argc, &i, 'o'))) {
      opt->output = v;
    } else if (!is_unsupported(arg)) {
      warn("unknown option ignored: %s", arg);
    }
  }

  opt->unresolved = ignore_unresolved ? UNRESOLVED_IGNORE
                    : warn_unresolved ? UNRESOLVED_WARN
                                      : UNRESOLVED_ERROR;
  if (opt->symbol_ordering_file && opt->call_graph_ordering_file)
    fatal("--symbol-ordering-file and --call-graph-ordering-file may not be used together");
  if (opt->relocatable) {
    check_relocatable(opt);
    finish_inputs(opt, &inputs);
    return;
  }
  if (opt->shared)
    fatal("-shared: smelt only makes static executables");
  if (opt->pie && !opt->is_static)
    fatal("-pie: smelt only makes static executables; add -static (or -no-pie)");
  /* GNU ld and lld read -static as -Bstatic (static libraries only): with
   * -pie and an interpreter they make a dynamic PIE. gcc's -pie link line
   * with -Wl,-Bstatic is that, started by Scrt1.o, which would never apply
   * a static PIE's relocations; -static-pie passes --no-dynamic-linker. */
  if (opt->pie && interp)
    fatal("-pie -dynamic-linker %s asks for a dynamic PIE (-static and -Bstatic only pick "
          "static libraries); smelt only makes static executables: link with -static, "
          "-static-pie or -no-pie",
          interp);
  finish_inputs(opt, &inputs);
}

/* The last --sysroot roots every -L and file name given before it too,
 * as GNU ld reads it before the rest of the command line. */
static void finish_inputs(struct options *opt, struct vec *in) {
  struct vec inputs = *in;
  for (size_t i = 0; i < opt->lib_paths.n; i++)
    opt->lib_paths.v[i] = (void *)sysroot_path(opt->sysroot, opt->lib_paths.v[i]);
  opt->inputs = xcalloc(inputs.n ? inputs.n : 1, sizeof(struct input_spec));
  for (size_t i = 0; i < inputs.n; i++) {
    opt->inputs[i] = *(struct input_spec *)inputs.v[i];
    if (opt->inputs[i].kind == IN_FILE)
      opt->inputs[i].path = sysroot_path(opt->sysroot, opt->inputs[i].path);
  }
  opt->ninputs = inputs.n;
}

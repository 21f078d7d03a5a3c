/* smelt-cc's pure parts: target selection, argument classification and
 * the smelt command line it builds. */
#include "ld/cc.h"
#include <criterion/criterion.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

static struct cc_args parse(int host, const char *first, ...) {
  const char *v[64];
  int n = 0;
  va_list ap;
  va_start(ap, first);
  for (const char *s = first; s; s = va_arg(ap, const char *))
    v[n++] = s;
  va_end(ap);
  v[n] = NULL;
  struct cc_args a;
  cc_parse(n, (char **)v, host, &a);
  return a;
}

static char *joined(const struct cc_strs *s) {
  static char buf[4096];
  buf[0] = 0;
  for (size_t i = 0; i < s->n; i++) {
    if (i)
      strcat(buf, " ");
    strcat(buf, s->v[i]);
  }
  return buf;
}

/* ---- target selection ---- */

Test(cc_target, names) {
  cr_assert_eq(cc_arch_by_name("x86_64-linux-musl"), CC_X86_64);
  cr_assert_eq(cc_arch_by_name("amd64"), CC_X86_64);
  cr_assert_eq(cc_arch_by_name("i686-linux-gnu"), CC_I386);
  cr_assert_eq(cc_arch_by_name("i386-linux-musl"), CC_I386);
  cr_assert_eq(cc_arch_by_name("aarch64-linux-musl"), CC_AARCH64);
  cr_assert_eq(cc_arch_by_name("arm64"), CC_AARCH64);
  cr_assert_eq(cc_arch_by_name("riscv64-linux-musl"), -1);
  cr_assert_eq(cc_arch_by_name("x86_64x-linux"), -1);
  cr_assert_eq(cc_arch_by_name("smelt-cc"), -1);
}

Test(cc_target, host_default_and_m32) {
  cr_assert_eq(parse(CC_X86_64, "smelt-cc", "a.o", NULL).arch, CC_X86_64);
  cr_assert_eq(parse(CC_X86_64, "smelt-cc", "-m32", "a.o", NULL).arch, CC_I386);
  cr_assert_eq(parse(CC_X86_64, "smelt-cc", "-m32", "-m64", "a.o", NULL).arch, CC_X86_64);
  cr_assert_eq(parse(CC_AARCH64, "smelt-cc", "-m64", "a.o", NULL).arch, CC_AARCH64);
  struct cc_args a = parse(CC_AARCH64, "smelt-cc", "-m32", "a.o", NULL);
  cr_assert_not_null(a.error);
  cr_assert(strstr(a.error, "-m32"));
}

Test(cc_target, target_flag_and_argv0) {
  struct cc_args a = parse(CC_X86_64, "smelt-cc", "--target=aarch64-linux-musl", "a.o", NULL);
  cr_assert_eq(a.arch, CC_AARCH64);
  cr_assert(a.arch_explicit);
  cr_assert_eq(parse(CC_X86_64, "smelt-cc", "-target", "i686-linux-musl", NULL).arch, CC_I386);
  a = parse(CC_X86_64, "/usr/bin/aarch64-linux-musl-smelt-cc", "a.o", NULL);
  cr_assert_eq(a.arch, CC_AARCH64);
  cr_assert(a.arch_explicit);
  /* --target=x86_64 with -m32 means i386, as with clang */
  cr_assert_eq(parse(CC_X86_64, "smelt-cc", "--target=x86_64-linux-musl", "-m32", NULL).arch,
               CC_I386);
  a = parse(CC_X86_64, "smelt-cc", "--target=riscv64-linux-musl", "a.o", NULL);
  cr_assert_not_null(a.error);
  cr_assert(strstr(a.error, "unsupported target 'riscv64-linux-musl'"));
}

Test(cc_target, inferred_from_first_input) {
  /* Go links arm64 objects with no -m */
  struct cc_args a = parse(CC_X86_64, "smelt-cc", "go.o", NULL);
  cc_resolve_arch(&a, CC_AARCH64);
  cr_assert_eq(a.arch, CC_AARCH64);
  a = parse(CC_X86_64, "smelt-cc", "-m32", "go.o", NULL);
  cc_resolve_arch(&a, CC_I386);
  cr_assert_eq(a.arch, CC_I386);
  /* an explicit target is never overridden */
  a = parse(CC_X86_64, "smelt-cc", "--target=x86_64-linux-musl", "go.o", NULL);
  cc_resolve_arch(&a, CC_AARCH64);
  cr_assert_eq(a.arch, CC_X86_64);
}

Test(cc_target, elf_header) {
  unsigned char h[20] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
  h[18] = 62;
  cr_assert_eq(cc_elf_arch(h, 20), CC_X86_64);
  h[18] = 183;
  cr_assert_eq(cc_elf_arch(h, 20), CC_AARCH64);
  h[18] = 3;
  cr_assert_eq(cc_elf_arch(h, 20), -1); /* EM_386 in a 64-bit file */
  h[4] = 1;
  cr_assert_eq(cc_elf_arch(h, 20), CC_I386);
  h[5] = 2; /* big-endian */
  cr_assert_eq(cc_elf_arch(h, 20), -1);
  cr_assert_eq(cc_elf_arch((const unsigned char *)"!<arch>\n", 8), -1);
}

/* ---- classification ---- */

Test(cc_args, go_probes_are_accepted) {
  const char *probes[] = {"-Qunused-arguments", "-Wl,--compress-debug-sections=zlib", "-no-pie",
                          "-nopie", "-rdynamic", "-static", "-pie", "-pthread", "-g", "-O2"};
  for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
    struct cc_args a = parse(CC_X86_64, "smelt-cc", "-m64", probes[i], "trivial.c", NULL);
    cr_assert_null(a.error, "%s: %s", probes[i], a.error);
    cr_assert_eq(a.mode, CC_LINK);
    cr_assert_eq(a.nsources, 1);
  }
}

Test(cc_args, unknown_flags_are_unrecognized) {
  const char *bad[] = {"--frobnicate", "-qux", "-shared"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    struct cc_args a = parse(CC_X86_64, "smelt-cc", bad[i], "a.o", NULL);
    cr_assert_not_null(a.error, "%s accepted", bad[i]);
  }
  struct cc_args a = parse(CC_X86_64, "smelt-cc", "--frobnicate", "a.o", NULL);
  cr_assert_str_eq(a.error, "unrecognized command-line option '--frobnicate'");
}

Test(cc_args, go_link_line) {
  struct cc_args a = parse(CC_X86_64, "smelt-cc", "-m64", "-o", "/w/a.out", "-static",
                           "-Wl,--compress-debug-sections=zlib", "go.o", "000000.o", "-g",
                           "-O2", "-lpthread", "-no-pie", "-static", NULL);
  cr_assert_null(a.error);
  cr_assert_eq(a.mode, CC_LINK);
  cr_assert_str_eq(a.output, "/w/a.out");
  cr_assert_eq(a.nitems, 4);
  cr_assert_str_eq(a.items[0].arg, "--compress-debug-sections=zlib");
  cr_assert_not(a.items[0].file);
  cr_assert_str_eq(a.items[1].arg, "go.o");
  cr_assert(a.items[1].file);
  cr_assert_not(a.items[1].source);
  cr_assert_str_eq(a.items[3].arg, "-lpthread");
  cr_assert_str_eq(joined(&a.cflags), "-g -O2");
}

Test(cc_args, sources_languages_and_options_with_values) {
  struct cc_args a =
      parse(CC_X86_64, "smelt-cc", "-I", "inc", "-DX=1", "-include", "cfg.h", "a.c", "b.S",
            "-x", "c", "gen.inc", "-x", "none", "c.s", "lib.a", "-Xlinker", "-Map=m",
            "-Wl,-z,relro", "-L", "dir", "-Ldir2", "-l", "m", "-o", "out", NULL);
  cr_assert_null(a.error, "%s", a.error);
  cr_assert_eq(a.nsources, 4);
  cr_assert_str_eq(a.items[0].lang, "c");
  cr_assert_str_eq(a.items[1].lang, "assembler-with-cpp");
  cr_assert_str_eq(a.items[2].lang, "c");
  cr_assert_str_eq(a.items[3].lang, "assembler");
  cr_assert_str_eq(a.items[4].arg, "lib.a");
  cr_assert_not(a.items[4].source);
  cr_assert_str_eq(a.items[5].arg, "-Map=m");
  cr_assert_str_eq(a.items[6].arg, "-z");
  cr_assert_str_eq(a.items[7].arg, "relro");
  cr_assert_not(a.items[7].file);
  cr_assert_str_eq(a.items[8].arg, "-lm");
  cr_assert_str_eq(joined(&a.libdirs), "dir dir2");
  cr_assert_str_eq(joined(&a.cflags), "-I inc -DX=1 -include cfg.h");
  cr_assert_str_eq(a.output, "out");
}

Test(cc_args, compile_and_query_modes_pass_through) {
  struct cc_args a = parse(CC_X86_64, "smelt-cc", "-m32", "-Qunused-arguments", "-c", "x.c",
                           "-o", "x.o", "-fmadeup-flag", NULL);
  cr_assert_eq(a.mode, CC_COMPILE);
  cr_assert_eq(a.arch, CC_I386);
  /* target selection is smelt-cc's; the rest (even unknown flags) is the compiler's */
  cr_assert_str_eq(joined(&a.passthrough), "-c x.c -o x.o -fmadeup-flag");
  cr_assert_eq(parse(CC_X86_64, "smelt-cc", "-E", "-dM", "-", NULL).mode, CC_COMPILE);
  cr_assert_eq(parse(CC_X86_64, "smelt-cc", "-###", "-x", "c", "-c", "-", NULL).mode, CC_QUERY);
  cr_assert_eq(parse(CC_X86_64, "smelt-cc", "--version", NULL).mode, CC_QUERY);
  cr_assert_eq(parse(CC_X86_64, "smelt-cc", "-print-libgcc-file-name", NULL).mode, CC_QUERY);
}

Test(cc_args, nostdlib_family) {
  struct cc_args a = parse(CC_X86_64, "smelt-cc", "-nostdlib", "a.o", NULL);
  cr_assert(a.nostartfiles && a.nodefaultlibs);
  a = parse(CC_X86_64, "smelt-cc", "-nostartfiles", "-nolibc", "a.o", NULL);
  cr_assert(a.nostartfiles && !a.nodefaultlibs && a.nolibc);
}

/* ---- the smelt command line ---- */

Test(cc_link, full_command_line) {
  struct cc_args a = parse(CC_X86_64, "smelt-cc", "-m32", "-L", "u", "-o", "prog", "main.c",
                           "x.o", "-lz", "-Wl,--gc-sections", NULL);
  struct cc_runtime rt = {.crt_dir = "/m", .gcc_dir = "/g", .have_eh = true,
                          .have_crtbegin = true, .dlfo_archive = "/t/libsmelt_dlfo.a"};
  const char *objs[] = {"/t/0-main.o"};
  struct cc_strs out = {0};
  cc_link_argv(&a, &rt, objs, &out);
  cr_assert_str_eq(joined(&out),
                   "smelt -static -m elf_i386 -o prog -Lu -L/m -L/g /m/crt1.o /m/crti.o "
                   "/g/crtbeginS.o /t/0-main.o x.o -lz --gc-sections --start-group /g/libgcc.a "
                   "/g/libgcc_eh.a /m/libc.a /t/libsmelt_dlfo.a --end-group /g/crtendS.o "
                   "/m/crtn.o");
}

/* -static-pie: rcrt1.o and smelt -pie; a later -no-pie (Go adds one after
 * -extldflags for -buildmode=exe) takes it back */
Test(cc_link, static_pie) {
  struct cc_runtime rt = {.crt_dir = "/m", .gcc_dir = "/g", .have_crtbegin = true};
  struct cc_args a = parse(CC_X86_64, "smelt-cc", "-static-pie", "a.o", NULL);
  cr_assert_null(a.error);
  cr_assert(a.static_pie);
  struct cc_strs out = {0};
  cc_link_argv(&a, &rt, NULL, &out);
  cr_assert_str_eq(joined(&out),
                   "smelt -static -pie -m elf_x86_64 -o a.out -L/m -L/g /m/rcrt1.o /m/crti.o "
                   "/g/crtbeginS.o a.o --start-group /g/libgcc.a /m/libc.a --end-group "
                   "/g/crtendS.o /m/crtn.o");
  a = parse(CC_X86_64, "smelt-cc", "-static-pie", "a.o", "-no-pie", NULL);
  cr_assert_not(a.static_pie);
  a = parse(CC_X86_64, "smelt-cc", "-nopie", "-static-pie", "a.o", NULL);
  cr_assert(a.static_pie);
  a = parse(CC_X86_64, "smelt-cc", "-static", "-pie", "a.o", NULL); /* gcc: not a PIE */
  cr_assert_not(a.static_pie);
}

/* -r: a partial link of the inputs as given (gcc -r adds no crt files and
 * no libraries), -L and -Wl kept, -static-pie meaningless */
Test(cc_link, relocatable) {
  struct cc_args a = parse(CC_I386, "smelt-cc", "-r", "-static-pie", "-L", "u", "-o", "ab.o",
                           "a.c", "b.o", "-lz", "-Wl,-d", NULL);
  cr_assert_null(a.error);
  cr_assert(a.relocatable);
  struct cc_runtime rt = {.crt_dir = "/m", .gcc_dir = "/g", .have_eh = true, .have_crtbegin = true};
  const char *objs[] = {"/t/0-a.o"};
  struct cc_strs out = {0};
  cc_link_argv(&a, &rt, objs, &out);
  cr_assert_str_eq(joined(&out), "smelt -r -m elf_i386 -o ab.o -Lu /t/0-a.o b.o -lz -d");
}

Test(cc_link, nostdlib_and_defaults) {
  struct cc_args a = parse(CC_AARCH64, "smelt-cc", "-nostdlib", "start.o", NULL);
  struct cc_runtime rt = {.crt_dir = "/m", .gcc_dir = "/g", .have_eh = false};
  struct cc_strs out = {0};
  cc_link_argv(&a, &rt, NULL, &out);
  cr_assert_str_eq(joined(&out), "smelt -static -m aarch64linux -o a.out -L/m -L/g start.o");
}

/* gcc's link spec adds -lgcov for --coverage, -fprofile-arcs and
 * -fprofile-generate*, after the objects and even with -nodefaultlibs */
Test(cc_link, coverage_links_libgcov) {
  struct cc_runtime rt = {.crt_dir = "/m", .gcc_dir = "/g"};
  const char *const flags[] = {"--coverage", "-coverage", "-fprofile-arcs", "-fprofile-generate",
                               "-fprofile-generate=/tmp/p"};
  for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
    struct cc_args a = parse(CC_X86_64, "smelt-cc", flags[i], "-nostartfiles", "a.o", NULL);
    cr_assert_null(a.error, "%s", flags[i]);
    cr_assert_eq(a.mode, CC_LINK);
    struct cc_strs out = {0};
    cc_link_argv(&a, &rt, NULL, &out);
    cr_assert_str_eq(joined(&out),
                     "smelt -static -m elf_x86_64 -o a.out -L/m -L/g a.o -lgcov --start-group "
                     "/g/libgcc.a /m/libc.a --end-group",
                     "%s", flags[i]);
  }
  struct cc_args a = parse(CC_X86_64, "smelt-cc", "--coverage", "-nostdlib", "a.o", NULL);
  struct cc_strs out = {0};
  cc_link_argv(&a, &rt, NULL, &out);
  cr_assert_str_eq(joined(&out), "smelt -static -m elf_x86_64 -o a.out -L/m -L/g a.o -lgcov");
  a = parse(CC_X86_64, "smelt-cc", "-fprofile-use", "a.o", NULL);
  cr_assert(!a.profile);
}

/* -dumpdir and -dumpbase name auxiliary outputs; they are not queries as
 * -dumpversion and -dumpmachine are */
Test(cc_args, dump_names_are_compiler_flags) {
  struct cc_args a = parse(CC_X86_64, "smelt-cc", "-dumpdir", "out/p-", "-dumpbase", "m.c",
                           "-dumpbase-ext", ".c", "m.c", NULL);
  cr_assert_eq(a.mode, CC_LINK);
  cr_assert(a.dump_named);
  cr_assert_str_eq(joined(&a.cflags), "-dumpdir out/p- -dumpbase m.c -dumpbase-ext .c");
  cr_assert_eq(parse(CC_X86_64, "smelt-cc", "-dumpmachine", NULL).mode, CC_QUERY);
  cr_assert_eq(parse(CC_X86_64, "smelt-cc", "-dumpfullversion", NULL).mode, CC_QUERY);
}

/* ---- response files ---- */

Test(cc_args, response_file_syntax) {
  struct cc_strs out = {0};
  cc_split_response("-o out\n  'a b.o'\t\"c\\\"d\" e\\ f -lm\n", &out);
  cr_assert_eq(out.n, 6);
  cr_assert_str_eq(out.v[0], "-o");
  cr_assert_str_eq(out.v[1], "out");
  cr_assert_str_eq(out.v[2], "a b.o");
  cr_assert_str_eq(out.v[3], "c\"d");
  cr_assert_str_eq(out.v[4], "e f");
  cr_assert_str_eq(out.v[5], "-lm");
}

Test(cc_args, response_file_expanded) {
  char path[] = "/tmp/smelt-cc-rsp-XXXXXX";
  int fd = mkstemp(path);
  cr_assert_geq(fd, 0);
  const char *text = "-m32 -o prog\nmain.o -lz\n";
  cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  char *at = malloc(strlen(path) + 2);
  at[0] = '@';
  strcpy(at + 1, path);
  struct cc_args a = parse(CC_X86_64, "smelt-cc", at, "-g", "@/nonexistent/rsp", NULL);
  unlink(path);
  cr_assert_eq(a.arch, CC_I386);
  cr_assert_str_eq(a.output, "prog");
  cr_assert_eq(a.nitems, 3);
  cr_assert_str_eq(a.items[0].arg, "main.o");
  cr_assert_str_eq(a.items[1].arg, "-lz");
  cr_assert_str_eq(a.items[2].arg, "@/nonexistent/rsp"); /* unreadable: kept, as gcc does */
}

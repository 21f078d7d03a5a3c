/* smelt-cc: a gcc-compatible driver that compiles with the target's real
 * compiler against musl's headers and links static images in-process with
 * smelt. The pure parts (target selection, argument classification, the
 * linker command line) are here for ld/cc.c and its unit tests. */
#ifndef SMELT_CC_H
#define SMELT_CC_H

#include <stdbool.h>
#include <stddef.h>

enum cc_arch { CC_X86_64, CC_I386, CC_AARCH64, CC_NARCH };

struct cc_target {
  const char *name;     /* x86_64, i386, aarch64 */
  const char *triple;   /* <name>-linux-musl: Debian's musl directory names and -dumpmachine */
  const char *gnu;      /* the Debian cross gcc prefix: <gnu>-gcc */
  const char *emul;     /* smelt -m */
};
extern const struct cc_target cc_targets[CC_NARCH];

/* The architecture a --target triple or an argv[0] prefix names, -1 if none. */
int cc_arch_by_name(const char *s);

struct cc_strs {
  const char **v;
  size_t n, cap;
};
void cc_push(struct cc_strs *s, const char *str);

/* One linker input in command-line order: a file or option passed to smelt
 * as is, or a source to compile first (lang is the -x in force, or NULL). */
struct cc_item {
  const char *arg;
  const char *lang;
  bool source;
  bool file; /* an input file (source, object, archive), not an option */
};

enum cc_mode {
  CC_LINK,     /* compile the sources, link everything */
  CC_COMPILE,  /* -c, -S, -E, -M, -fsyntax-only: the compiler does it all */
  CC_QUERY,    /* --version, -###, -print-*, -dump*: the compiler answers */
};

struct cc_args {
  int arch;              /* enum cc_arch */
  bool arch_explicit;    /* from --target or argv[0], not inferred */
  int m;                 /* -m32 or -m64 (last wins), 0 if neither */
  enum cc_mode mode;
  const char *output;    /* -o, NULL if not given */
  struct cc_strs cflags; /* for the compiler, in order */
  struct cc_strs passthrough; /* CC_COMPILE/CC_QUERY: the arguments minus target selection */
  struct cc_strs libdirs;     /* -L */
  struct cc_item *items;
  size_t nitems, nsources;
  bool verbose, nostartfiles, nodefaultlibs, nolibc, has_ldargs;
  bool profile;          /* --coverage, -fprofile-arcs, -fprofile-generate*: link libgcov */
  bool static_pie;       /* -static-pie (unless a later -no-pie): rcrt1.o, smelt -pie */
  bool relocatable;      /* -r: smelt -r with the inputs alone (no crt files, no libraries) */
  bool dump_named;       /* -dumpdir, -dumpbase or -dumpbase-ext given */
  char *error;           /* the message if the command line is refused */
};

/* Appends the arguments of a response file's text (gcc's @file syntax). */
void cc_split_response(const char *text, struct cc_strs *out);

/* Classifies argv (@file arguments expanded) (argv[0] included: a `<arch>-...` prefix picks the
 * target) for a host whose native target is host_arch. */
void cc_parse(int argc, char **argv, int host_arch, struct cc_args *a);

/* Settles the target: --target or argv[0] first, else the machine of the
 * first ELF input (input_arch, -1 if none; Go passes no -m for arm64), else
 * the host; then -m32/-m64 switch between x86_64 and i386. */
void cc_resolve_arch(struct cc_args *a, int input_arch);

/* The cc_arch of an ELF header (n bytes at h), -1 if not one of ours. */
int cc_elf_arch(const unsigned char *h, size_t n);

/* Where the target's runtime lives. */
struct cc_runtime {
  const char *crt_dir;    /* musl: crt1.o crti.o crtn.o libc.a */
  const char *gcc_dir;    /* libgcc.a libgcc_eh.a crtbeginS.o crtendS.o; NULL: none */
  bool have_eh, have_crtbegin;
  const char *dlfo_archive; /* archive defining _dl_find_object, NULL: none */
};

/* The smelt command line for a link; objs[i] replaces the i-th source. */
void cc_link_argv(const struct cc_args *a, const struct cc_runtime *rt, const char *const *objs,
                  struct cc_strs *out);

int smelt_cc_main(int argc, char **argv);

#endif

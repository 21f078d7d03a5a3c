/* smelt core types: the link context, input files, sections, symbols,
 * output sections and the arch interface. Every pass in ld/ takes the global
 * `ctx` and leaves it richer; see ld/main.c for the order. */
#ifndef SMELT_LD_H
#define SMELT_LD_H

#include "ld/elf.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define MAX_ALIGN (1u << 28) /* of an input section or common symbol */
#define ORDER_NONE UINT32_MAX /* struct isec's order */

/* ---- memory: thread-local bump arenas over mimalloc ---- */
void *xalloc(size_t size);            /* zeroed, 16-aligned, never freed */
void *xrealloc(void *p, size_t size); /* plain heap memory (mimalloc) */
void *xcalloc(size_t n, size_t size);
void xfree(void *p);
/* A buffer reused across calls (one per thread, declared __thread): at least
 * n elements of elem bytes, grown by doubling; what it held is not kept when
 * it grows. */
struct reuse_buf {
  void *p;
  size_t cap;
};
void *reuse_buf(struct reuse_buf *b, size_t n, size_t elem);
char *xstrdup(const char *s);
char *xsprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The heap the link may use (arena blocks and heap arrays; the output is a
 * mapped file and not counted): default physical memory, --max-memory. */
void set_memory_limit(uint64_t bytes);
uint64_t heap_in_use(void); /* bytes counted against the limit */

/* Memory kept until exit (input mappings, arena blocks): at exit the
 * kernel frees its pages on one thread; drop_spans() frees them on every
 * thread first. */
struct span {
  uint64_t lo, hi; /* [lo, hi): addresses (page-aligned for note_span) or file offsets */
};
void *xalloc_pages(size_t size); /* zeroed pages, never freed (dropped at exit) */
void fault_in(void *p, size_t size); /* one madvise, not a trap per page */
void note_span(const void *p, uint64_t n); /* p page-aligned; n is rounded up */
void drop_spans(void); /* last thing before _exit: nothing may read the spans after */
/* sorts s and joins spans that touch or overlap; returns how many are left */
size_t merge_spans(struct span *s, size_t n);
/* Share [from, to) of the merged spans laid end to end, as pieces of them
 * (written to out, at most n); returns the number of pieces. */
size_t span_share(const struct span *s, size_t n, uint64_t from, uint64_t to, struct span *out);

/* A growable array of pointers. */
struct vec {
  void **v;
  size_t n, cap;
};
void vec_push(struct vec *vec, void *p);

/* ---- diagnostics ---- */
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int error_count(void);
void check_errors(void); /* exit(1) if any error was reported */
void cleanup_on_exit(void (*fn)(void));

/* ---- threads ---- */
void pool_init(int nthreads);
int pool_size(void); /* threads that parallel_for runs on now */
void parallel_for(int64_t n, void (*fn)(void *arg, int64_t i), void *arg);
void pool_serial(bool on); /* parallel_for runs its loop on the calling thread */
void lock_short(pthread_mutex_t *mu); /* pthread_mutex_lock for a lock held briefly */
/* Moves the hold from *held to want (lock_short), unless it is there
 * already; either may be NULL, none. For loops that take their items in
 * order of lock (order_by_key) and so each lock once for a run of them. */
void lock_switch(pthread_mutex_t **held, pthread_mutex_t *want);
/* order[0..n): the indices 0..n-1 sorted by key[i], stably; a table
 * interned in this order of its shards locks each shard once */
void order_by_key(const uint8_t *key, uint32_t n, uint32_t *order);

/* ---- inputs ---- */
struct objfile;
struct osec;
struct symbol;

struct isec {
  struct objfile *file;
  const char *name;
  const uint8_t *data; /* NULL for SHT_NOBITS */
  uint64_t size;
  uint64_t flags;
  const uint8_t *rels; /* entries of the SHT_RELA/SHT_REL section */
  struct osec *osec;
  uint64_t out_off;    /* offset within osec */
  struct ehrec *eh;    /* .eh_frame records (ld/ehframe.c) */
  struct pieces *pieces; /* SHF_MERGE sections, once split (ld/merge.c) */
  uint32_t addralign;  /* a power of two, at most MAX_ALIGN */
  uint32_t entsize;    /* 0 if the header's does not fit */
  uint32_t type;
  uint32_t shndx;
  uint32_t relsec;     /* index of the relocation section, 0 if none */
  uint32_t nrels;
  /* its place among its output section's members, lowest first: in the
   * constructors' sections (.init_array, .ctors, ...) the priority N of
   * .init_array.N (.ctors.N: 65535 - N); elsewhere the line of
   * --symbol-ordering-file that names a symbol of it (ld/order.c);
   * ORDER_NONE for neither */
  uint32_t order;
  uint32_t neh;
  uint32_t icf_id;     /* ICF candidate index + 1 */
  uint32_t stub_base;  /* first arch stub used by this section (aarch64 GOT window) */
  bool rela;
  bool alive;
  atomic_bool gc_mark; /* ld/gc.c */
  bool icf_addr_taken;
  bool icf_keep;       /* defines a --keep-unique symbol: never folded */
  bool is_ehframe;     /* named .eh_frame */
  bool streamed;       /* written with pwrite by ld/write.c, never through the mapping */
};

/* A piece of an SHF_MERGE input section and the fragment it became. */
struct frag {
  atomic_uint_fast64_t owner; /* first occurrence: input order << 32 | offset */
  uint64_t out_off;           /* within the merged section */
  uint32_t len;               /* the bytes follow the header: frag_data() */
};

static inline const uint8_t *frag_data(const struct frag *f) {
  return (const uint8_t *)(f + 1);
}

/* An SHF_MERGE input section split into pieces. */
struct pieces {
  uint32_t *offs;      /* input offsets, ascending, then the bucket index if `hint` */
  struct frag **frags; /* the fragment each piece became */
  uint32_t *outs;      /* that fragment's offset in the merged section; NULL past 4 GiB */
  struct isec *merged; /* the synthetic section holding the fragments */
  uint32_t n;
  uint8_t shift;       /* the buckets are 1 << shift input bytes */
  bool hint;
};


/* One relocation, decoded from RELA or REL. */
struct rel {
  uint64_t offset;
  uint32_t type;
  uint32_t sym;
  int64_t addend;
};

struct objfile {
  const char *name; /* "path" or "archive.a(member.o)" for diagnostics */
  const uint8_t *data;
  uint64_t size;
  /* the input file it is in, kept open to read large sections with
   * pread (read_isec), or -1; fd_off: where data starts in that file */
  int fd;
  uint64_t fd_off;
  int64_t priority; /* command-line order; smaller wins */
  uint32_t group;   /* its place for --warn-backrefs: one per command-line input, one for a
                     * --start-group's, a script's files that of the script */
  bool in_archive;
  bool lazy; /* only its global symbols are read so far (ld/input.c) */
  atomic_bool alive;
  bool is_internal; /* the linker's own symbols */
  bool exec_stack;  /* has .note.GNU-stack with SHF_EXECINSTR */
  bool binary;      /* made for a -b binary file: data, no code */
  uint32_t features; /* its .note.gnu.property's FEATURE_1_AND bits (struct arch) */

  uint32_t nsecs;
  const uint8_t *shdrs;
  struct isec **secs; /* NULL for sections that are not content */
  const char *shstrtab;
  uint64_t shstrtab_size;

  const uint8_t *symtab;
  uint32_t nsyms;
  uint32_t first_global;
  const char *strtab;
  uint64_t strtab_size;
  const uint32_t *symtab_shndx; /* SHT_SYMTAB_SHNDX content or NULL */
  struct symbol **syms;         /* one per ELF symbol; locals own, globals interned */
  struct symbol *locals;
  /* the locals' addresses and ADDR_* classes, once final (ld/scan.c),
   * packed so that debug relocations read them without the symbols; a
   * merged section's symbol has its value there (index 0, the null
   * symbol, stays 0 and ADDR_PLAIN, as the symbol itself has) */
  uint64_t *local_va;
  uint8_t *local_class;

  /* output .symtab bookkeeping (ld/symtab.c) */
  uint32_t *out_idx; /* --emit-relocs: each ELF symbol's place among the file's kept locals or
                      * globals, 1-based (0: not in .symtab) */
  uint64_t out_nlocal, out_nglobal, out_strsize;
  uint64_t out_local_idx, out_global_idx, out_stroff;

  struct vec groups_;  /* COMDAT groups (ld/input.c) */
  /* found by parse, so that the passes after it need not visit every
   * section (a -ffunction-sections object has hundreds) */
  struct vec merge_cands; /* SHF_MERGE sections (ld/merge.c) */
  struct vec ehframes;    /* .eh_frame sections (ld/ehframe.c) */
  struct vec warnings;    /* struct gnu_warning *: its .gnu.warning.SYM sections */
  /* its .llvm.call-graph-profile (ld/cgsort.c): ncg weights, and their
   * relocations (two per weight: caller, callee), REL or RELA */
  const uint8_t *cg, *cg_rels;
  uint32_t ncg, ncg_rels, cg_shndx;
  bool cg_rela;
  /* its .llvm_addrsig (clang): the uleb128 indices of the symbols whose
   * address it uses as a value, which --icf=safe must not fold (ld/icf.c) */
  const uint8_t *addrsig;
  uint64_t addrsig_size;
  bool has_addrsig;
  struct vec undefs;   /* struct undef_ref *, filled by scan */
  struct vec scratch;  /* per-pass scratch list (members pulled in, GOT users) */
  const char *archive; /* the archive's path, for members */
  /* LTO (ld/lto.c): where the file's bytes are (its path, or its
   * archive's, and the offset there) for the plugin; the archive's
   * mapping and the member's header offset, to find its index entries */
  const char *src_path;
  uint64_t src_off;
  const uint8_t *ar_base;
  uint64_t ar_size, ar_hdr_off;
  uint32_t input_idx;      /* the command-line input it came from */
  struct lto_file *lto;    /* LTO bytecode (GCC's or LLVM's) for the plugin, else NULL */
  bool why_done;       /* ld/report.c */
  uint64_t nrelative;  /* static PIE: load-time relocations its sections need (ld/pie.c) */
  struct vec dups;     /* scratch for resolve: duplicate definitions found */
  struct vec tls_mismatch; /* and symbols this file sees as TLS and the winner not, or
                            * the other way round */
};

/* A relocation reference to an undefined symbol, kept for the report. */
struct undef_ref {
  struct symbol *sym;
  struct isec *isec;
  uint64_t offset;
};

enum sym_kind {
  SYM_UNDEF,
  SYM_DEFINED, /* in an input section (isec + value) */
  SYM_ABS,     /* absolute value */
  SYM_COMMON,  /* before commons are allocated */
  SYM_OSEC,    /* linker-defined, relative to an output section */
};

enum {
  NEEDS_GOT = 1,   /* a GOT slot holding the address */
  NEEDS_GOTTP = 2, /* a GOT slot holding the TP offset */
  REF_STRONG = 4,  /* some live file has a non-weak undefined reference */
  NEEDS_GOT_NEAR = 8, /* reached through a short GOT window (aarch64 -fpic) */
};

struct symbol {
  const char *name;
  struct objfile *file; /* defining file, NULL if undefined */
  struct isec *isec;
  struct osec *osec; /* SYM_OSEC */
  uint64_t value;
  uint64_t size;
  union { /* one after the other: a symbol is resolved before it has an address */
    atomic_uint_fast64_t rank; /* resolution key, see ld/resolve.c */
    uint64_t va;               /* sym_addr() of a defined symbol, once addresses are final */
  };
  uint32_t esym;             /* index into file's ELF symtab */
  int32_t got_idx;
  union {
    int32_t gottp_idx; /* TLS */
    int32_t plt_idx;   /* STT_GNU_IFUNC: its .iplt entry (ld/ifunc.c), -1 if none */
  };
  uint8_t kind;
  uint8_t type;   /* STT_* */
  uint8_t bind;   /* STB_* of the winning definition */
  uint8_t visibility;
  atomic_uchar flags;
  bool is_local;
  bool referenced;
  bool linker_addr;   /* SYM_ABS defined by the linker as an address in the image */
  bool ref_regular;   /* referenced from outside LTO bytecode (ld/lto.c) */
  uint8_t addr_class; /* ADDR_*, set with va */
};

/* What a reference to a symbol resolves to, once addresses are final. */
enum { ADDR_PLAIN, ADDR_DEAD, ADDR_MERGED };

/* Relocation decoding, the same for every pass. */
void get_rel(const struct isec *isec, uint32_t i, struct rel *out);
uint32_t isec_nrels(const struct isec *isec);

/* ---- output sections ---- */
enum osec_kind {
  OS_REGULAR,
  OS_GOT,
  OS_EHFRAME,
  OS_EHFRAME_HDR,
  OS_COMMENT,
  OS_SYMTAB,
  OS_STRTAB,
  OS_SHSTRTAB,
  OS_BUILD_ID,
  OS_DYNAMIC,  /* static PIE: .dynamic */
  OS_RELDYN,   /* static PIE: .rela.dyn (.rel.dyn on i386) */
  OS_DYNSTR,   /* static PIE: .dynstr and .dynsym, empty (a 0 byte, a null symbol) */
  OS_IPLT,     /* IFUNC: .iplt, the start-up routine and an entry per IFUNC */
  OS_IGOT,     /* IFUNC: .got.plt, the slots the routine fills */
  OS_RELAIPLT, /* IFUNC: .rela.iplt (.rel.iplt on i386), R_*_IRELATIVE */
  OS_EMITREL,  /* --emit-relocs: .rela.NAME, the input relocations of `target` */
  OS_GDB_INDEX, /* --gdb-index: .gdb_index (ld/gdbindex.c) */
};

struct osec {
  const char *name;
  uint32_t type;
  uint64_t flags;
  uint64_t addr, offset, size, align;
  struct vec members; /* struct isec * in output order */
  int rank;
  uint8_t kind;
  bool listed; /* in ctx.osecs */
  uint32_t shndx; /* index in the output section header table; 0 = not emitted */
  uint32_t symidx; /* --emit-relocs: its STT_SECTION symbol in .symtab, 0 if none */
  struct osec *target; /* OS_EMITREL: the section whose relocations it holds */
  uint32_t name_off;
  uint32_t link, info;
  uint64_t entsize;
  /* compressed contents (--compress-debug-sections, ld/debug.c): pieces
   * at their offsets in the section, written by ld/write.c */
  struct zpart *zparts;
  uint32_t nzparts;
};

struct zpart {
  const uint8_t *p;
  uint64_t n, off;
};

/* The unit of work of the streamed writer and of debug compression
 * (ld/write.c): a run of plain members [first, end) of one output section,
 * about a MiB, or a part of one large member. */
struct chunk {
  struct osec *os;
  uint32_t first, end;
  /* a part of the one member `first`: its bytes [lo, hi) and relocations
   * [rfirst, rend); `failed` if one of those writes outside the part */
  bool part, failed;
  uint64_t lo, hi;
  uint32_t rfirst, rend;
};

/* What an arch's write_iplt needs to know (ld/ifunc.c). */
struct iplt {
  uint64_t addr;     /* of .iplt: the start-up routine, then entry i at
                      * addr + iplt_init_size + i * IPLT_ENTSIZE */
  uint64_t rel, end; /* the IRELATIVE relocations: [rel, end) */
  uint64_t slots;    /* of .got.plt: entry i jumps through the word at slots + i * word */
  uint32_t n;
  uint64_t hwcap;    /* musl's __hwcap (AT_HWCAP), 0 if the link has none */
};
enum { IPLT_ENTSIZE = 16 };

/* ---- the arch interface ---- */
enum rexpr {
  RX_NONE,
  RX_ABS,      /* S + A */
  RX_PC,       /* S + A - P */
  RX_GOT_PC,   /* GOT slot address + A - P */
  RX_GOTPC,    /* GOT base + A - P */
  RX_GOTOFF,   /* S + A - GOT base */
  RX_GOT,      /* GOT slot address - GOT base + A */
  RX_TPOFF,    /* S + A - TP */
  RX_DTPOFF,   /* S + A - TLS block start */
  RX_SIZE,     /* Z + A */
  RX_SPECIAL,  /* handled by the arch's own code */
};

enum rcheck { CK_NONE, CK_SIGNED, CK_UNSIGNED, CK_EITHER };

struct howto {
  const char *name;
  uint8_t expr;
  uint8_t size; /* bytes written */
  uint8_t check;
};

struct arch {
  const char *name;
  const char *const *emulations; /* -m values, NULL-terminated */
  uint16_t machine;
  bool is64;
  bool is_rela;
  uint64_t page_size;
  uint64_t image_base;
  int tls_variant; /* 1: TLS above TP (aarch64), 2: below TP (x86) */
  uint32_t nhowto;
  const struct howto *howto;
  uint32_t got_entsize;
  bool got_page_aligned; /* GOT windows are measured from the GOT's page */

  /* Decide GOT/TLS needs and relaxations; record undefined references. */
  void (*scan_relocs)(struct isec *isec);
  /* Apply relocations [first, end) of an alloc section at address `addr`
   * whose bytes from offset lo on are at buf (the whole section: 0, 0, n).
   * A large section is done in parts cut where no relocation's rewrite
   * reaches across (relax_before/after); false if this section cannot be
   * (then nothing was written and the section is done whole). */
  bool (*apply_relocs)(struct isec *isec, uint8_t *buf, uint64_t addr, uint64_t lo,
                       uint32_t first, uint32_t end);
  /* the most bytes a relaxation rewrites before a relocation's offset and
   * from it on (TLS sequences) */
  uint8_t relax_before, relax_after;
  /* Apply relocations [first, end) of a non-alloc section (debug info) whose
   * bytes [lo, hi) are at buf; false if one of them writes outside [lo, hi)
   * (lo 0 and hi UINT64_MAX: the whole section, nothing refused). */
  bool (*apply_nonalloc_relocs)(struct isec *isec, uint8_t *buf, uint64_t lo, uint64_t hi,
                                uint32_t first, uint32_t end);
  /* After GOT slots are numbered: add stub sections the layout must hold. */
  void (*after_scan)(void);
  /* After addresses are assigned: add range-extension thunks for branches
   * that cannot reach their targets. Returns true when it grew executable
   * sections, so the layout must place them again; it is called until it
   * returns false, and then the thunks' bytes are final. */
  bool (*add_thunks)(void);
  /* Once the allocated sections are written (ctx.out), before the build ID
   * hashes them: rewrite what only the relocated bytes decide. */
  void (*finish_output)(void);
  /* R_*_RELATIVE: a static PIE's load-time relocation of a word */
  uint32_t relative_type;
  /* IFUNC (ld/ifunc.c): R_*_IRELATIVE, the size of the start-up routine
   * that applies them, and the writer of that routine and the entries
   * (false if an address is out of the code's reach). */
  uint32_t irelative_type;
  uint32_t iplt_init_size;
  bool (*write_iplt)(uint8_t *out, const struct iplt *l);
  bool iplt_pic; /* the routine and entries work in a static PIE */
  /* Whether an absolute relocation type (expr RX_ABS, not a word) needs no
   * load-time relocation in a static PIE: aarch64's :lo12: fields, as the
   * image loads at a page-aligned address. NULL: none is. */
  bool (*abs_pic)(uint32_t type);
  /* Whether an RX_SPECIAL relocation type is a distance from its place's
   * page to the target's (aarch64's ADRP): in a static PIE it cannot reach
   * an absolute value, as RX_PC cannot. NULL: none is. */
  bool (*page_relative)(uint32_t type);
  /* Whether a relocation type is a direct call or jump (does not take the
   * target's address; used by --icf=safe). */
  bool (*is_call_reloc)(uint32_t type);
  /* --emit-relocs: the type of relocation i of isec (r) that describes the
   * bytes as relaxed (aarch64: a GOT load made adrp + add, a TLS sequence
   * made movz + movk, R_*_NONE for a word made a nop). NULL: the input's. */
  uint32_t (*emitted_type)(const struct isec *isec, uint32_t i, const struct rel *r);
  /* Implicit addend for REL targets. */
  int64_t (*implicit_addend)(uint32_t type, const uint8_t *loc);
  /* The .note.gnu.property type whose bits every input must have for the
   * output to have them (GNU_PROPERTY_X86_FEATURE_1_AND: IBT, SHSTK;
   * GNU_PROPERTY_AARCH64_FEATURE_1_AND: BTI, PAC); bit 0 asks for landing
   * pads at indirect branch targets on both (IBT, BTI) */
  uint32_t feature_1_and;
};

const struct arch *arch_by_machine(uint16_t machine, bool is64);
const struct arch *arch_by_emulation(const char *m);
const char *reloc_name(uint32_t type);

/* ---- options ---- */
enum input_kind {
  IN_FILE, IN_LIB, IN_GROUP_START, IN_GROUP_END, IN_WHOLE_ON, IN_WHOLE_OFF,
  IN_LAZY_ON, IN_LAZY_OFF, /* --start-lib, --end-lib */
  IN_SCRIPT,               /* -T and the like */
  IN_BINARY_ON, IN_BINARY_OFF, /* -b binary, -b elf: files read as data, or not */
};

struct input_spec {
  int kind;
  const char *path;
};

/* --unresolved-symbols, --warn-unresolved-symbols: an undefined symbol
 * (then 0, as a weak one) is an error, a warning or nothing */
enum { UNRESOLVED_ERROR, UNRESOLVED_WARN, UNRESOLVED_IGNORE };

/* Which local symbols of the inputs .symtab keeps: all but .L names (the
 * default, -X/--discard-locals), none (-x/--discard-all), or all
 * (--discard-none) */
enum { DISCARD_LOCALS, DISCARD_ALL, DISCARD_NONE };

/* --package-metadata: the value with its %XX escapes decoded, or what is
 * wrong with it (*err; NULL returned) */
char *decode_package_metadata(const char *v, const char **err);

enum build_id { BUILD_ID_NONE, BUILD_ID_FAST, BUILD_ID_MD5, BUILD_ID_SHA1, BUILD_ID_UUID, BUILD_ID_HEX };

/* --defsym NAME=EXPR, EXPR one of NUMBER, SYMBOL, SYMBOL+NUMBER, SYMBOL-NUMBER */
struct defsym {
  const char *name;
  const char *target; /* NULL: NAME is the absolute value */
  uint64_t value;     /* the number, or the addend to target's address */
  struct symbol *sym; /* once resolved */
};
/* Parses the NAME=EXPR of --defsym into *d; NULL, or what is wrong. */
const char *parse_defsym(const char *arg, struct defsym *d);
/* ld/options.c: "=REST" or "$SYSROOTREST" (an -L directory, a file, a
 * script's name) as the sysroot followed by REST; any other path as is */
const char *sysroot_path(const char *sysroot, const char *path);
/* ld/options.c: the name -T FILE and its other spellings give, *i past it */
const char *script_option(char **argv, size_t argc, size_t *i);
/* ld/options.c: the value of -b FORMAT or --format=FORMAT, *i past it */
const char *format_option(char **argv, size_t argc, size_t *i);
/* ld/options.c: whether a -b value is binary (else ELF; others are fatal) */
bool binary_format(const char *v);
/* ld/order.c: --symbol-ordering-file, once the output sections have
 * their members */
void apply_symbol_order(void);
void reorder_members(struct osec *os, uint32_t nlines); /* by isec->order, then the rest */
struct isec *movable(const struct symbol *sym, const char **why); /* ld/order.c */
char *read_text_file(const char *option, const char *path, size_t *size);
/* ld/layout.c: .init_array, .fini_array, .preinit_array, .ctors, .dtors,
 * whose members are sorted by priority */
bool constructors_osec(const struct osec *os);
/* ld/layout.c: qsort's order of struct isec *: by order, then the
 * linker's sections, then command-line order and section index */
int cmp_order(const void *a, const void *b);
/* ld/order.c: the names of an ordering file's text, one a line, '#'
 * comments and surrounding blanks dropped, appended to out: each is
 * NUL-terminated in place (text[size] must be writable) */
void ordering_names(char *text, size_t size, struct vec *out);
/* ld/binary.c (-b binary): "_binary_" and the path with every byte but a
 * letter or digit as '_'; and the ELF relocatable object for the target
 * that holds a file's bytes as .data, with the _start, _end and _size
 * symbols of that prefix (*out_size: its size) */
char *binary_symbol_prefix(const char *path);
uint8_t *binary_object(const char *path, const uint8_t *data, uint64_t size,
                       const struct arch *arch, uint64_t *out_size);
/* ld/input.c: where -T NAME is: NAME, else NAME in an -L directory */
const char *script_option_path(const char *name);
void define_defsyms(bool final); /* ld/resolve.c */
/* ld/resolve.c: the symbols a link needs before any file, in this order:
 * the entry point (ROOT_ENTRY), the -u symbols (ROOT_UNDEFINED; those of
 * --require-defined and --undefined-glob too) and the targets of --defsym
 * (ROOT_DEFSYM, d its definition): fn(arg, name, kind, d) for each */
enum { ROOT_ENTRY, ROOT_UNDEFINED, ROOT_DEFSYM };
typedef void root_symbol_fn(void *arg, const char *name, int kind, const struct defsym *d);
void each_root_symbol(root_symbol_fn *fn, void *arg);
uint64_t image_base(void);      /* ld/layout.c: --image-base, else the arch's */
/* ld/layout.c: from the end of one segment to the start of the next */
void next_segment(uint64_t *addr, uint64_t *off, uint64_t page, bool pad);
/* ld/input.c: ctx.paths with each path once, in the order first opened */
const char **unique_input_paths(size_t *n);

/* ld/script.c: input linker scripts, the text files that stand in for an
 * archive (glibc's libm.a: "GROUP ( libm-2.36.a libmvec.a )") */
enum { SCRIPT_FILE, SCRIPT_LIB, SCRIPT_DIR };
struct script_item {
  int kind;         /* a file; -lNAME (name is NAME); SEARCH_DIR */
  const char *name;
  int line;
};
/* Appends text's items to items (struct script_item *); false, with the
 * problem and its line, if it is not an input script smelt reads. */
bool parse_input_script(const char *text, size_t n, struct vec *items, const char **err,
                        int *err_line);
bool looks_like_script(const uint8_t *p, uint64_t n); /* text, not binary */
/* ld/input.c: a script read, and the paths of the files it named, in order;
 * scripts naming scripts go at most SCRIPT_DEPTH deep (one naming itself) */
enum { SCRIPT_DEPTH = 16 };
struct script_read {
  const char *path;
  struct vec files; /* const char * */
};

struct options {
  const char *output;
  const char *entry;
  const char *emulation;
  const char *sysroot;    /* --sysroot, NULL without it */
  struct vec lib_paths;   /* const char * */
  struct input_spec *inputs;
  size_t ninputs;
  struct vec undefined;   /* -u symbols */
  struct vec required;    /* --require-defined symbols (in undefined too) */
  struct vec undefined_globs; /* --undefined-glob: each global an input defines that one
                               * matches joins undefined (ld/resolve.c) */
  const char *symbol_ordering_file;
  struct vec why_live;    /* --why-live globs */
  bool warn_symbol_ordering; /* the default; --no-warn-symbol-ordering */
  struct vec trace_syms;  /* -y, --trace-symbol */
  struct vec wrap;        /* --wrap: SYM, __wrap_SYM, SYM, __wrap_SYM, ... */
  struct vec defsyms;     /* struct defsym * */
  uint64_t image_base;    /* --image-base, -Ttext-segment */
  uint64_t stack_size;    /* -z stack-size: PT_GNU_STACK's p_memsz (musl's thread stacks) */
  uint64_t max_page_size; /* -z max-page-size: segment alignment, 0: the arch's */
  bool image_base_set;
  int threads;
  bool is_static;
  bool relocatable;       /* -r: an ELF relocatable object (ld/relocatable.c) */
  bool emit_relocs;       /* --emit-relocs, -q: the inputs' relocations kept (ld/emitrel.c) */
  bool gdb_index;         /* --gdb-index: a .gdb_index section (ld/gdbindex.c) */
  bool call_graph_profile_sort;        /* default on (ld/cgsort.c) */
  const char *plugin;      /* -plugin: an LTO plugin, GCC's or LLVMgold (ld/lto.c) */
  struct vec plugin_opts;  /* -plugin-opt values, in order */
  /* the link after LTO: the plugin's objects (read before input
   * ltrans_at) and libraries (after all), bytecode files left out */
  bool ltrans;
  size_t ltrans_at;
  struct vec ltrans_files, ltrans_libs;
  const char *call_graph_ordering_file; /* --call-graph-ordering-file */
  bool define_common;     /* -d: with -r, common symbols are given space in .bss */
  bool nostdlib;
  bool pie;              /* with is_static: a static PIE (ld/pie.c) */
  bool shared;
  bool separate_code;
  bool separate_code_set;
  bool separate_segments; /* -z separate-loadable-segments */
  bool fix_843419;        /* --fix-cortex-a53-843419 */
  bool exec_stack;
  bool relro;
  bool z_ibt, z_shstk, z_force_bti;
  bool keep_text_prefix; /* -z keep-text-section-prefix */
  bool start_stop_gc;    /* -z start-stop-gc: C-identifier sections are not roots */
  bool warn_backrefs;
  const char *archive_stats; /* --print-archive-stats=FILE */
  struct vec backrefs_exclude; /* --warn-backrefs-exclude globs */ /* features the output is marked with (ld/layout.c) */
  bool eh_frame_hdr;
  bool strip_all;
  bool strip_debug;
  bool compress_debug;
  bool compress_zstd;     /* --compress-debug-sections=zstd, not zlib */
  int build_id;
  uint8_t build_id_hex[64];
  size_t build_id_hex_len;
  bool print_stats;
  bool gc_sections;
  bool print_gc_sections;
  int icf; /* 0 none, 1 safe, 2 all */
  bool print_icf_sections;
  const char *map_file;
  bool cref;
  bool trace;
  const char *why_extract;
  const char *dependency_file;
  const char *reproduce;
  char **argv; /* as given */
  int argc;
  char **args; /* after @file expansion */
  size_t nargs;
  bool fatal_warnings;
  bool no_warnings;       /* --no-warnings, -w: warnings not printed (nor fatal) */
  struct vec keep_unique; /* --keep-unique: names of symbols ICF must not fold */
  /* -z dead-reloc-in-nonalloc=GLOB=VALUE: GLOB, then VALUE as a pointer to a
   * uint64_t; the last pattern a non-allocated section's name matches gives
   * what a relocation there against a discarded symbol resolves to */
  struct vec dead_reloc;
  bool allow_muldefs;     /* --allow-multiple-definition, -z muldefs: the first one wins */
  int unresolved;         /* UNRESOLVED_*: what an undefined symbol is */
  struct vec ignore_unresolved; /* --ignore-unresolved-symbol: names never reported */
  int discard;            /* DISCARD_*: local symbols kept in .symtab */
  const char *package_metadata; /* --package-metadata, decoded: .note.package's JSON */
  bool no_linker_version; /* --disable-linker-version: no "smelt VERSION" in .comment */
  bool verbose;
  bool max_memory_set;
};

void parse_options(int argc, char **argv, struct options *opt);

/* ---- the link context ---- */
struct gotent {
  struct symbol *sym;
  bool is_tp; /* holds the TP offset rather than the address */
};

struct phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, filesz, memsz, align;
};

struct context {
  struct options opt;
  const struct arch *arch;
  struct objfile *internal;

  struct vec files;    /* every struct objfile parsed, in command-line order */
  uint64_t nglobals_hint; /* archive index entries + a guess per object: sizes the symbol map */
  uint64_t input_bytes;   /* of the files named on the command line */
  struct vec paths;    /* every input path opened (files and archives), in order */
  struct vec scripts;  /* struct script_read *: the input scripts read */
  struct vec live;     /* live objfiles in command-line order, after resolve */
  struct vec osecs;    /* struct osec *, in output order after layout */

  struct osec *got, *ehframe, *ehframe_hdr, *comment, *symtab, *strtab, *shstrtab, *build_id;
  struct osec *gnu_property; /* .note.gnu.property, if the output has features */
  struct osec *gdb_index;    /* --gdb-index, if the output gets one */
  struct osec *dynamic, *reldyn, *dynstr, *dynsym; /* static PIE */
  uint64_t nrelative;            /* entries of .rela.dyn */
  struct osec *iplt, *igot, *rela_iplt; /* IFUNC (ld/ifunc.c) */
  struct isec *iplt_run;  /* the .init_array word that runs the IFUNC resolvers */
  struct symbol **ifuncs; /* live IFUNC symbols, by .iplt entry */
  uint32_t nifunc;
  bool has_ifunc;         /* some live section defines an IFUNC (ld/resolve.c) */
  struct gotent *gotents;
  uint32_t ngot;
  struct vec commons;  /* struct isec * of common symbols, allocated into .bss */
  struct vec merged;   /* struct isec * holding deduplicated SHF_MERGE fragments */
  struct isec **icf_leader; /* per ICF candidate (icf_id - 1): the identical section
                             * that replaces it, or NULL */
  struct vec synthetic; /* struct symbol * defined by the linker */

  uint64_t tls_begin, tls_end, tls_align, tp_addr;
  struct phdr phdrs[16];
  int nphdrs;
  uint64_t ehdr_size, phdr_off;
  uint64_t filesize;
  uint64_t alloc_end; /* file offset after the last loaded byte */
  uint64_t shoff;
  uint32_t nshdrs;
  uint64_t entry;
  uint32_t neh_fdes;
  bool addrs_final; /* symbol addresses are set (symbol.va): layout is done */

  uint8_t *out;
};

extern struct context ctx;

/* The symbol of RELA64 relocation i, NULL if its index is bad. */
static inline const struct symbol *rela64_sym(const struct isec *isec, uint32_t i) {
  uint64_t info;
  memcpy(&info, isec->rels + (size_t)i * 24 + 8, 8);
  return (info >> 32) < isec->file->nsyms ? isec->file->syms[info >> 32] : NULL;
}

static inline void prefetch_sym(const struct isec *isec, uint32_t i) {
  const struct symbol *s = rela64_sym(isec, i);
  if (s) {
    __builtin_prefetch(s);
    __builtin_prefetch(&s->addr_class); /* with va, all a relocation reads once laid out */
  }
}

/* The passes over a file's symbols touch each symbol once, the globals
 * spread over the heap: start loading the one 8 ahead. */
static inline void prefetch_global(const struct objfile *f, uint32_t k) {
  if (k + 8 < f->nsyms)
    __builtin_prefetch(f->syms[k + 8]);
}

/* Applying relocation i of n touches its symbol and that symbol's section,
 * both cold after parsing: fetch them 16 and 8 relocations ahead (RELA64,
 * the format of large links). A section starts by fetching the symbols of
 * its first 16 at once: with -ffunction-sections most sections have fewer
 * relocations than that, and their misses then overlap. */
static inline void prefetch_rel(const struct isec *isec, uint32_t i, uint32_t n) {
  if (!isec->rela || !ctx.arch->is64)
    return;
  if (i == 0)
    for (uint32_t k = 0; k < 16 && k < n; k++)
      prefetch_sym(isec, k);
  if (i + 16 < n)
    prefetch_sym(isec, i + 16);
  if (i + 8 < n) {
    const struct symbol *s = rela64_sym(isec, i + 8);
    if (s && s->isec)
      __builtin_prefetch(s->isec);
  }
}

/* ---- symbol map (ld/symmap.c) ---- */
void symmap_init(size_t expected);
struct symbol *symmap_intern(const char *name, size_t len);
void symmap_intern_many(const char *const *names, uint32_t n, struct symbol **out);
struct symbol *symmap_find(const char *name);

/* ---- object file accessors (ld/input.c) ---- */
/* objfile_sym()'s section index of an absolute and of a common symbol:
 * not SHN_ABS and SHN_COMMON, which are real section indices too (through
 * SHT_SYMTAB_SHNDX) in an object of more than 0xff00 sections */
enum { SHNDX_ABS = 0xfffffff1u, SHNDX_COMMON = 0xfffffff2u };
void objfile_sym(const struct objfile *f, uint32_t i, uint8_t *info, uint8_t *other,
                 uint32_t *shndx, uint64_t *value, uint64_t *size);
/* Global symbol k of f: whether f defines it (not SHN_UNDEF); *weak: its
 * binding is weak */
bool objfile_defines(const struct objfile *f, uint32_t k, bool *weak);
/* Slots for an open-addressing table of n entries: a power of two, at
 * least twice n and 16 */
static inline uint64_t table_slots(uint64_t n) {
  uint64_t slots = 16;
  while (slots < 2 * n)
    slots *= 2;
  return slots;
}
/* ld/symmap.c: in an open-addressing table keyed by pointer (slots - 1 =
 * mask; each entry stride bytes, the key its first field, NULL empty), the
 * index of key's entry, or of the empty one it would take */
uint64_t ptr_slot(const void *table, size_t stride, uint64_t mask, const void *key);
void objfile_group_members(struct objfile *f, void *g, void (*fn)(struct objfile *, uint32_t));
struct symbol *objfile_group_sig(void *g);
uint32_t objfile_group_shndx(void *g); /* its SHT_GROUP section */
/* A group's member section indices (*n 32-bit words) and, if sig_sym, its
 * signature's ELF symbol index (sh_info); checked when parsed */
const uint8_t *objfile_group_words(const struct objfile *f, void *g, uint64_t *n,
                                   uint32_t *sig_sym);
uint32_t objfile_section_link(const struct objfile *f, uint32_t i); /* its sh_link */

/* The whole link, as the smelt command runs it; never returns. */
int smelt_main(int argc, char **argv);

/* ---- passes ---- */
void plan_open_files(void);             /* ld/input.c, before pool_init */
void read_inputs(void);                 /* ld/input.c */
/* Whether the file with this device and inode number was mapped as an
 * input (ld/input.c): an output that is one is never written over. */
bool is_input_file(uint64_t dev, uint64_t ino);
/* The stretches [runs[i][0], runs[i][1]) of whole pages (file offsets) of
 * the ELF object at [off, off + size) of its file that hold only
 * non-allocated PROGBITS sections (debug info) and their relocations, each
 * at least 16 KiB; shdrs is its section header table (shnum entries, at
 * shoff within the object). Returns how many, at most max_runs; none if a
 * header points outside the object (ld/input.c). */
size_t plan_fences(const uint8_t *shdrs, bool is64, uint64_t shnum, uint64_t shoff, uint64_t off,
                   uint64_t size, uint64_t page, uint64_t (*runs)[2], size_t max_runs);
const char *find_library(const char *name);
const char *ltrans_lib_path(const char *name); /* a --smelt-ltrans-lib value's file */
uint64_t member_size_field(const char *h); /* an ar member header's size, as far as it is digits */
void parse_objfile(struct objfile *f);  /* ld/input.c */
void parse_member(struct objfile *f);  /* reads a lazily parsed member whole */
/* reads f again from new bytes (a stand-in object made by ld/lto.c) */
void reparse_objfile(struct objfile *f, const uint8_t *data, uint64_t size, bool lazy);
/* LTO through a linker plugin, GCC's or LLVM's (ld/lto.c) */
/* a symbol as the plugin reports it (the linker plugin ABI's struct
 * ld_plugin_symbol, little-endian layout) */
struct lto_symbol {
  char *name;
  char *version;
  char def; /* LDPK_* */
  char symbol_type, section_kind, unused;
  int visibility; /* LDPV_* */
  uint64_t size;
  char *comdat_key;
  int resolution; /* LDPR_*, filled in by the linker */
};
enum { LDPK_DEF, LDPK_WEAKDEF, LDPK_UNDEF, LDPK_WEAKUNDEF, LDPK_COMMON };
enum { LDPV_DEFAULT, LDPV_PROTECTED, LDPV_INTERNAL, LDPV_HIDDEN };
enum {
  LDPR_UNKNOWN,
  LDPR_UNDEF,
  LDPR_PREVAILING_DEF,
  LDPR_PREVAILING_DEF_IRONLY,
  LDPR_PREEMPTED_REG,
  LDPR_PREEMPTED_IR,
  LDPR_RESOLVED_IR,
  LDPR_RESOLVED_EXEC,
  LDPR_RESOLVED_DYN,
};
/* the stand-in object for a claimed file: plugin symbol i is ELF symbol i + 1 */
const uint8_t *lto_claimed_stub(const struct lto_symbol *syms, int nsyms, uint64_t *size);
/* how plugin symbol i (p) of claimed file f resolved, once resolve is done */
int lto_resolution(struct objfile *f, int i, const struct lto_symbol *p);
/* the names an archive's index (at ar) gives the member whose header is at hdr_off */
size_t lto_index_names(const uint8_t *ar, uint64_t size, uint64_t hdr_off, const char ***names);
bool lto_active(void);                  /* -plugin given, before LTO has run */
void lto_note_bytecode(struct objfile *f); /* f holds bytecode: claimed later */
const uint8_t *lto_bytes(const struct objfile *f); /* the bytecode's own bytes */
void lto_claim_inputs(void);            /* after parse: the files on the command line */
void lto_claim_members(struct vec *files); /* archive members resolve has just pulled */
bool lto_claimed_any(void);
void lto_compile(void);                 /* after resolve: the plugin's resolutions, lto-wrapper */
_Noreturn void lto_link_and_exit(void); /* the link of LTO's objects, in a child; its status */
const uint8_t *lto_stub(uint64_t *size); /* no symbols, no code */
struct objfile *objfile_from_memory(const char *name, const uint8_t *data, uint64_t size);
void resolve_symbols(void);             /* ld/resolve.c */
void define_synthetic_symbols(void);    /* ld/resolve.c */
void scan_relocations(void);            /* ld/scan.c */
void parse_eh_frames(void);             /* ld/ehframe.c */
void write_eh_frame_isec(struct isec *isec, uint8_t *buf);
void write_eh_frame_hdr(void);
void gc_sections(void);                 /* ld/gc.c */
void merge_sections(void);              /* ld/merge.c */
void fold_identical_sections(void);     /* ld/icf.c */
void create_output_sections(void);      /* ld/layout.c */
/* A section of the linker's own, listed in ctx.osecs (align 1, size 0). */
struct osec *new_osec(const char *name, uint32_t type, uint64_t flags, int kind);
/* An input section of the linker's own (no bytes yet, no output section,
 * no init priority); the caller bins it or puts it in an osec. */
struct isec *linker_isec(const char *name, uint32_t type, uint64_t flags, uint64_t size,
                         uint32_t align);
struct osec *osec_named(const char *name); /* the allocated output section, or NULL */
/* Its first step: the live input sections (and commons) into output
 * sections, with the live files cut into nranges ranges binned in
 * parallel; the result does not depend on nranges. */
void bin_input_sections(size_t nranges);
const char *output_section_name(const struct isec *isec);
/* Where code goes in .text, as GNU ld's and gold's default order it: cold
 * code (.text.unlikely and .text.unlikely.*), exit code (.text.exit),
 * start-up code (.text.startup: gcc puts main and constructors there), hot
 * code (.text.hot), then the rest. (GNU ld's .text.*_unlikely, a name no
 * gcc since 4.6 gives, is left with the rest.) */
enum { TEXT_UNLIKELY, TEXT_EXIT, TEXT_STARTUP, TEXT_HOT, TEXT_OTHER };
int text_class(const char *name);
/* Lays out os's members: their offsets, its size, alignment and flags, and
 * the entry size when all have the same, with SHF_MERGE and SHF_STRINGS
 * when they have those alike too. */
void size_output_section(struct osec *os);
void layout(void);
void finalize_synthetic_symbols(void);
void finalize_addresses(void);          /* ld/scan.c */
void prepare_symtab(void);              /* ld/symtab.c */
uint32_t addr_shndx(uint64_t va);      /* ld/symtab.c: st_shndx of a linker-defined address */
void write_symtab(void);
void layout_nonalloc(void);
void write_reports(void);               /* ld/report.c: -Map, --trace, --why-extract */
void trace_symbols(void);               /* ld/report.c: -y, once symbols are resolved */
/* A .gnu.warning.SYM section (GNU ld's link_warning): text is printed for
 * each linked file that references SYM; for .gnu.warning (sym NULL), once
 * if its file is linked. */
struct gnu_warning {
  const char *sym, *text;
  size_t len;
};
void report_gnu_warnings(void); /* ld/report.c, once the linked files are known */
void write_reproduce(void);             /* ld/reproduce.c */
void write_output(void);                /* ld/write.c */
/* ld/write.c: the output under a temporary name, ctx.filesize bytes mapped
 * at ctx.out (may_reuse: an earlier link's output may be the file written
 * over, its stale bytes then the caller's to clear); close_output() puts it
 * in place */
void open_output(bool may_reuse);
void close_output(void);
/* ld/emitrel.c (--emit-relocs): the .rela sections, made with the output
 * sections; their entries, written once addresses and .symtab are final */
void create_emit_relocs(void);
void write_emit_relocs(void);
/* ld/symtab.c: the .symtab index of a file's ELF symbol k (0: none) */
uint32_t symtab_index(const struct objfile *f, uint32_t k);
/* ld/symtab.c: whether -x, -X (the default) or --discard-none leave an
 * input's local symbol out of .symtab by its name: all with --discard-all,
 * the assembler's .L labels unless --discard-none, nameless ones always */
bool local_discarded(const struct symbol *sym);
uint32_t synthetic_index(const struct symbol *sym); /* of a linker-defined symbol, 0: none */
/* ld/relocatable.c: -r, the whole link after resolve */
void write_relocatable(void);
/* ld/relocatable.c: of two STV_ visibilities, the more restrictive
 * (internal, then hidden, then protected, then default), as a symbol
 * several files declare gets it */
uint8_t stricter_visibility(uint8_t a, uint8_t b);
/* ld/layout.c: the .note.gnu.property the output gets (NULL: none; *size
 * its bytes): the FEATURE_1_AND bits every object has, and -z ibt/shstk/
 * force-bti's; for an executable with IFUNCs not IBT/BTI */
uint8_t *gnu_property_note(bool executable, uint32_t *size);
enum { PREAD_MIN = 256 << 10 }; /* read_isec() reads this much or more with pread */
void read_isec(const struct isec *isec, uint64_t off, uint64_t n, uint8_t *dst);
void copy_isec(struct isec *isec, uint8_t *buf); /* buf: where its output bytes go */
/* copy_isec of isecs[0..n) in parallel, each into bufs[i] (the bytes of
 * its whole output section) at its offset there. */
void copy_into_sections(struct isec **isecs, uint8_t **bufs, size_t n);
/* alive, not merged, not .eh_frame, not the linker's own, has bytes */
bool plain_member(const struct isec *isec);
/* chunks of about size bytes; every member plain */
void plan_section_chunks(struct osec *os, uint64_t size, struct vec *out);
uint64_t chunk_start(const struct chunk *c); /* the section's bytes it builds */
uint64_t chunk_end(const struct chunk *c);
/* Builds the chunk's bytes in buf; false if a part's relocations fall
 * outside it (then only the whole member can be built). */
bool build_chunk(const struct chunk *c, uint8_t *buf);
uint8_t *scratch(uint64_t n); /* this thread's buffer of at least n bytes */
/* in[0, n) as raw deflate into *out (grown to fit), ending in a full flush,
 * or in the final block if last; returns its length */
size_t deflate_part(const uint8_t *in, size_t n, bool last, uint8_t **out);
size_t zstd_part(const uint8_t *in, size_t n, uint8_t **out); /* one zstd frame */
void write_out(const uint8_t *p, uint64_t n, uint64_t off); /* pwrite to the output */
/* The parts of [0, end) that no span of covered covers, ascending, into
 * gaps (room for n + 1); merges covered (merge_spans). Returns how many. */
size_t uncovered(struct span *covered, size_t n, uint64_t end, struct span *gaps);
/* Where a part of a large allocated section may end, searching from
 * relocation r: returns the next part's first relocation, sets *cut. */
uint32_t gap_after(const struct isec *isec, uint32_t nrels, uint32_t r, uint64_t *cut);
void compress_debug_sections(void);     /* ld/debug.c */
void create_gdb_index(void);            /* ld/gdbindex.c: the section, if there will be one */
void build_gdb_index(void);             /* its bytes, once addresses are final */
/* ld/debug.c: each oss[i]'s bytes given whole (bufs[i], oss[i]->size of
 * them) compressed into its zparts, as an executable's debug sections are
 * (-r's, ld/relocatable.c); its size, flags and alignment become the
 * compressed section's */
void compress_whole(struct osec **oss, uint8_t *const *bufs, size_t n);
/* ld/debug.c: a .debug_ section with bytes, which --compress-debug-sections compresses */
bool is_debug_osec(const struct osec *os);

/* ---- static PIE (ld/pie.c) ---- */
/* What a relocation type asks of a static PIE: nothing, a load-time
 * relocation of the word it writes, or something no load-time relocation
 * gives (an absolute address in a field narrower than a word). */
enum { PIE_NONE, PIE_WORD, PIE_ABS };
int pie_class(const struct arch *a, uint32_t type);
uint64_t rel_entsize(bool is64, bool rela); /* of a RELA or REL entry, ELF64 or ELF32 */
/* ld/pie.c: a relocation entry of the target's kind (RELA or REL; REL drops the addend) */
void put_rel(uint8_t *p, uint64_t where, uint32_t sym, uint32_t type, uint64_t addend);
bool moves_with_image(const struct symbol *sym); /* ld/scan.c: its address is base + value */
void create_pie_sections(void);
void scan_pie_relocs(struct isec *isec); /* counts into isec->file->nrelative, or errors */
void count_relative(void);               /* after GOT slots: sizes .rela.dyn */
void write_pie_sections(void);
/* What a static PIE's dynamic array says: where its empty symbol and
 * string tables are, and its relocations at rel: nrelative relative ones,
 * then nirelative R_*_IRELATIVE. */
struct dyn_info {
  uint64_t symtab, strtab, rel, nrelative, nirelative;
};
/* Writes the dynamic array into out (room for PIE_DYN_ENTRIES entries);
 * returns its entries. */
enum { PIE_DYN_ENTRIES = 10 };
size_t fill_dynamic(uint8_t *out, bool is64, bool rela, const struct dyn_info *d);
/* ---- IFUNC (ld/ifunc.c) ---- */
void create_ifunc_sections(void); /* with the output sections, if ctx.has_ifunc */
void write_ifunc_sections(void);
void put_irelatives(uint8_t *rel); /* the IRELATIVE relocations, one per IFUNC */
size_t build_id_size(void);
void write_build_id(void);

/* ---- helpers shared by passes and arches ---- */
const uint8_t *elf_shdr(const struct objfile *f, uint32_t i);
uint64_t sym_addr(const struct symbol *sym); /* an IFUNC's: its .iplt entry */
uint64_t sym_def_addr(const struct symbol *sym); /* where it is defined (an IFUNC's resolver) */
uint64_t sym_va(const struct symbol *sym, int64_t addend); /* S + A, merge-aware */
uint8_t sym_class(const struct symbol *sym); /* ADDR_* */
const struct isec *live_isec(const struct isec *isec);   /* after ICF folding */
uint32_t find_piece(const struct isec *isec, uint64_t off); /* index of the piece at off */
struct fkey {
  uint64_t key; /* ld/merge.c: a fragment's owner; after the sort, its output offset */
  struct frag *f;
};
/* Sorts a[0..n) by key, least significant digit first (stable); tmp is
 * scratch of n. Digits every key shares are skipped. */
void radix_sort_fkeys(struct fkey *a, struct fkey *tmp, size_t n);
/* Owners (section ordinal << 32 | offset) packed to ordinal << b | offset,
 * b the bits of the largest offset: the same order in fewer radix passes
 * (a -g link's .debug_str pieces lie below 2^14 or so, the ordinals take 17
 * bits: three passes instead of five). */
void pack_owners(struct fkey *a, size_t n);
uint32_t piece_index_size(uint64_t size, uint32_t npieces, uint8_t *shift);
void index_pieces(struct pieces *p, uint64_t size); /* fills the bucket index after offs */
uint64_t got_slot_addr(const struct symbol *sym);
uint64_t gottp_slot_addr(const struct symbol *sym);
uint64_t got_base(void);
uint64_t isec_addr(const struct isec *isec);
uint64_t isec_out_offset(const struct isec *isec, uint64_t off, bool *dead);
/* Where a relocation at input offset `in` of isec writes its field of
 * `size` bytes in the section's output bytes: false if its .eh_frame
 * record was dropped or the field lies outside the section. */
bool reloc_place(const struct isec *isec, uint64_t in, uint32_t size, uint64_t *off);
bool sym_is_defined(const struct symbol *sym);
void report_range(struct isec *isec, const struct rel *r, const struct symbol *sym,
                  int64_t val, int64_t lo, int64_t hi);
bool write_field(struct isec *isec, const struct rel *r, const struct symbol *sym,
                 uint8_t *loc, int64_t val, int size, int check);
uint64_t generic_value(struct isec *isec, const struct rel *r, const struct symbol *sym,
                       int expr, uint64_t P);
void record_undef(struct isec *isec, const struct rel *r, struct symbol *sym);
/* A relocation's type is known, its symbol index in range and its field
 * inside the section; else an error naming file, section and offset. */
bool check_rel(const struct isec *isec, const struct rel *r);
void mark_sym(struct symbol *sym, unsigned flag);
const char *sym_display(const struct symbol *sym);
void apply_nonalloc_whole(struct isec *isec, uint8_t *buf); /* through the arch hook */
uint64_t dead_reloc_value(const char *name); /* of a discarded symbol in non-alloc `name` */
/* The first of isec's n relocations at or past off, if they are sorted by
 * offset (ld/write.c). */
uint32_t first_rel_at(const struct isec *isec, uint32_t n, uint64_t off);
/* The apply_nonalloc_relocs hook of all three targets. */
bool apply_nonalloc_part(struct isec *isec, uint8_t *buf, uint64_t lo, uint64_t hi,
                         uint32_t first, uint32_t end);

/* ---- call graph profile sort (ld/cgsort.c) ---- */
/* A section in the call graph; as a cluster, a circular list of sections
 * (next, prev: node indices) led by its first section's node. */
struct cg_node {
  struct isec *isec;
  uint64_t size, weight, initial_weight; /* weight: of the calls into it */
  int64_t best_pred;                     /* its heaviest caller's node, -1 if none */
  uint64_t best_weight;
  uint32_t next, prev, leader;
};
/* C3 over nodes[0..n), whose weights and best callers are set: out gets
 * the nodes in their final order; returns how many. */
uint32_t c3_order(struct cg_node *nodes, uint32_t n, uint32_t *out);
void apply_call_graph_order(void);

/* ---- --gdb-index (ld/gdbindex.c): DWARF read from relocated bytes ---- */
struct dw_unit {
  uint64_t size;       /* the whole unit, its length field included */
  uint64_t abbrev_off; /* in .debug_abbrev */
  uint64_t die_off;    /* its first entry, from the unit's start */
  uint16_t version;
  uint8_t unit_type, addr_size, off_size;
};
/* What a unit's first entry says of its addresses. */
struct dw_cu {
  bool has_low, low_index, has_high, high_is_size, has_ranges, ranges_index;
  bool has_addr_base, has_rnglists_base;
  uint64_t low, high, ranges, addr_base, rnglists_base;
};
struct dw_sections {
  const uint8_t *addr;
  uint64_t addr_size;
  const uint8_t *ranges;
  uint64_t ranges_size;
  const uint8_t *rnglists;
  uint64_t rnglists_size;
};
struct dw_range {
  uint64_t lo, hi;
};
struct dw_ranges {
  struct dw_range *v;
  size_t n, cap;
};
/* Each returns false and sets *why for bytes that are not what DWARF 2-5
 * describes. The unit at p (avail bytes to the section's end): */
bool dw_unit_header(const uint8_t *p, uint64_t avail, struct dw_unit *u, const char **why);
/* The unit's first entry, at die: */
bool dw_cu_die(const uint8_t *die, uint64_t avail, const struct dw_unit *u,
               const uint8_t *abbrev, uint64_t abbrev_size, struct dw_cu *cu, const char **why);
/* Its address ranges (empty ones left out), appended to out: */
bool dw_cu_ranges(const struct dw_sections *s, const struct dw_unit *u, const struct dw_cu *cu,
                  struct dw_ranges *out, const char **why);
/* fn for each entry of a .debug_gnu_pubnames/pubtypes section's sets, with
 * its set's .debug_info offset; *bad_off: where a failure was found. */
bool dw_pubnames(const uint8_t *p, uint64_t size, uint64_t *bad_off,
                 void (*fn)(void *arg, uint64_t info_off, uint8_t flags, const char *name,
                            size_t len),
                 void *arg, const char **why);

struct gdb_unit {
  uint64_t off, len; /* in .debug_info */
};
struct gdb_addr {
  uint64_t lo, hi;
  uint32_t cu;
};
struct gdb_name {
  const char *name;
  uint32_t len;
  uint32_t attr; /* unit index | the entry's flag byte << 24 */
  uint64_t key;  /* XXH3_64bits of the name */
};
uint32_t gdb_name_hash(const char *s, size_t n); /* gdb's (index version 5 on) */
uint32_t gdb_table_size(size_t nsyms);
/* The shard gdb_index_build merges a name in, by its key: given in shard
 * order (each shard's in input order) the names are not copied first. */
uint32_t gdb_shard(uint64_t key);
/* The section's bytes, *size of them (names with the same bytes merged). */
uint8_t *gdb_index_build(const struct gdb_unit *cus, uint32_t ncu, const struct gdb_addr *addrs,
                         size_t naddr, const struct gdb_name *names, size_t nnames,
                         uint64_t *size);

#endif

/* Core pieces: the symbol map, range-checked field writes, the object
 * parser on hand-built ELF files, option parsing and merged-piece lookup. */
#include "ld/ld.h"
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

static void x86_64(void) {
  ctx.arch = arch_by_machine(EM_X86_64, true);
  symmap_init(64);
}

/* ---- symbol map ---- */

Test(symmap, same_name_same_symbol, .init = x86_64) {
  struct symbol *a = symmap_intern("printf", 6);
  cr_assert_eq(a, symmap_intern("printf", 6));
  cr_assert_eq(a, symmap_find("printf"));
  cr_assert_neq(a, symmap_intern("print", 5));
  cr_assert_null(symmap_find("puts"));
}

Test(symmap, grows_past_initial_capacity, .init = x86_64) {
  enum { N = 200000 };
  char **names = calloc(N, sizeof(char *));
  struct symbol **syms = calloc(N, sizeof(struct symbol *));
  for (int i = 0; i < N; i++) {
    names[i] = xsprintf("sym_%d", i);
    syms[i] = symmap_intern(names[i], strlen(names[i]));
  }
  for (int i = 0; i < N; i += 997)
    cr_assert_eq(symmap_find(names[i]), syms[i]);
}

static void *intern_range(void *arg) {
  struct symbol **out = arg;
  for (int i = 0; i < 5000; i++) {
    char *n = xsprintf("shared_%d", i);
    out[i] = symmap_intern(n, strlen(n));
  }
  return NULL;
}

Test(symmap, concurrent_interning_agrees, .init = x86_64) {
  static struct symbol *seen[4][5000];
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, intern_range, seen[i]);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  for (int k = 0; k < 5000; k++)
    for (int i = 1; i < 4; i++)
      cr_assert_eq(seen[i][k], seen[0][k]);
}

/* ---- range-checked writes ---- */

static struct objfile dummy_file = {.name = "t.o"};
static struct isec dummy_isec = {.file = &dummy_file, .name = ".text"};
static struct symbol dummy_sym = {.name = "target"};
static struct rel dummy_rel = {.offset = 0x10, .type = R_X86_64_32};

static bool put(int64_t v, int size, int check, uint8_t *buf) {
  return write_field(&dummy_isec, &dummy_rel, &dummy_sym, buf, v, size, check);
}

Test(write_field, signed_boundaries, .init = x86_64) {
  uint8_t b[4] = {0};
  cr_assert(put(127, 1, CK_SIGNED, b));
  cr_assert_eq(b[0], 0x7f);
  cr_assert(put(-128, 1, CK_SIGNED, b));
  cr_assert_eq(b[0], 0x80);
  cr_assert(put(INT32_MIN, 4, CK_SIGNED, b));
  cr_assert_eq(rd32(b), 0x80000000u);
}

Test(write_field, signed_overflow_is_an_error, .init = x86_64) {
  cr_redirect_stderr();
  uint8_t b[4] = {0xaa, 0xaa, 0xaa, 0xaa};
  int before = error_count();
  cr_assert_not(put((int64_t)INT32_MAX + 1, 4, CK_SIGNED, b));
  cr_assert_not(put(128, 1, CK_SIGNED, b));
  cr_assert_eq(error_count(), before + 2);
  cr_assert_eq(rd32(b), 0xaaaaaaaau, "nothing written");
}

Test(write_field, unsigned_boundaries, .init = x86_64) {
  cr_redirect_stderr();
  uint8_t b[4] = {0};
  cr_assert(put(0xffffffff, 4, CK_UNSIGNED, b));
  cr_assert_eq(rd32(b), 0xffffffffu);
  cr_assert_not(put(0x100000000, 4, CK_UNSIGNED, b));
  cr_assert_not(put(-1, 4, CK_UNSIGNED, b));
  cr_assert(put(0xffff, 2, CK_UNSIGNED, b));
  cr_assert_not(put(0x10000, 2, CK_UNSIGNED, b));
}

Test(write_field, either_accepts_both_ranges, .init = x86_64) {
  cr_redirect_stderr();
  uint8_t b[2] = {0};
  cr_assert(put(-32768, 2, CK_EITHER, b));
  cr_assert(put(65535, 2, CK_EITHER, b));
  cr_assert_not(put(65536, 2, CK_EITHER, b));
  cr_assert_not(put(-32769, 2, CK_EITHER, b));
}

Test(write_field, message_names_file_section_offset_symbol, .init = x86_64) {
  cr_redirect_stderr();
  uint8_t b[4];
  put(0x100000000, 4, CK_UNSIGNED, b);
  fflush(stderr);
  cr_assert_stderr_eq_str("smelt: error: t.o:(.text+0x10): relocation R_X86_64_32 against "
                          "target out of range: 4294967296 is not in [0, 4294967295]\n");
}

/* ---- object parsing ---- */

/* A minimal relocatable: .text with one relocation against a global. */
struct tiny {
  Elf64_Ehdr eh;
  uint8_t text[8];
  Elf64_Rela rela[1];
  Elf64_Sym sym[3];
  char strtab[16];
  char shstrtab[48];
  Elf64_Shdr sh[6];
};

static struct tiny *make_tiny(void) {
  struct tiny *t = calloc(1, sizeof(*t));
  memcpy(t->eh.e_ident, ELFMAG, 4);
  t->eh.e_ident[EI_CLASS] = ELFCLASS64;
  t->eh.e_ident[EI_DATA] = ELFDATA2LSB;
  t->eh.e_ident[EI_VERSION] = EV_CURRENT;
  t->eh.e_type = ET_REL;
  t->eh.e_machine = EM_X86_64;
  t->eh.e_ehsize = sizeof(Elf64_Ehdr);
  t->eh.e_shentsize = sizeof(Elf64_Shdr);
  t->eh.e_shnum = 6;
  t->eh.e_shstrndx = 5;
  t->eh.e_shoff = offsetof(struct tiny, sh);
  memcpy(t->strtab, "\0local\0extern", 14);
  memcpy(t->shstrtab, "\0.text\0.rela.text\0.symtab\0.strtab\0.shstrtab", 44);
  t->sym[1] = (Elf64_Sym){1, ELF64_ST_INFO(STB_LOCAL, STT_FUNC), 0, 1, 2, 0};
  t->sym[2] = (Elf64_Sym){7, ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE), 0, SHN_UNDEF, 0, 0};
  t->rela[0] = (Elf64_Rela){4, ELF64_R_INFO(2, R_X86_64_PLT32), -4};
  t->sh[1] = (Elf64_Shdr){1, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0,
                          offsetof(struct tiny, text), 8, 0, 0, 16, 0};
  t->sh[2] = (Elf64_Shdr){7, SHT_RELA, SHF_INFO_LINK, 0, offsetof(struct tiny, rela),
                          sizeof(t->rela), 3, 1, 8, sizeof(Elf64_Rela)};
  t->sh[3] = (Elf64_Shdr){18, SHT_SYMTAB, 0, 0, offsetof(struct tiny, sym), sizeof(t->sym),
                          4, 2, 8, sizeof(Elf64_Sym)};
  t->sh[4] = (Elf64_Shdr){26, SHT_STRTAB, 0, 0, offsetof(struct tiny, strtab), 14, 0, 0, 1, 0};
  t->sh[5] = (Elf64_Shdr){34, SHT_STRTAB, 0, 0, offsetof(struct tiny, shstrtab), 44, 0, 0, 1, 0};
  return t;
}

static struct objfile *parse(struct tiny *t, size_t size) {
  struct objfile *f = objfile_from_memory("tiny.o", (const uint8_t *)t, size);
  parse_objfile(f);
  return f;
}

Test(parse, sections_symbols_relocations, .init = x86_64) {
  struct tiny *t = make_tiny();
  struct objfile *f = parse(t, sizeof(*t));
  cr_assert_eq(error_count(), 0);
  cr_assert_not_null(f->secs[1]);
  cr_assert_str_eq(f->secs[1]->name, ".text");
  cr_assert_eq(f->secs[1]->addralign, 16);
  cr_assert_eq(f->nsyms, 3);
  cr_assert_eq(f->first_global, 2);
  cr_assert_str_eq(f->syms[1]->name, "local");
  cr_assert(f->syms[1]->is_local);
  cr_assert_eq(f->syms[1]->isec, f->secs[1]);
  cr_assert_eq(f->syms[2], symmap_find("extern"));
  cr_assert_eq(isec_nrels(f->secs[1]), 1);
  struct rel r;
  get_rel(f->secs[1], 0, &r);
  cr_assert_eq(r.offset, 4);
  cr_assert_eq(r.type, R_X86_64_PLT32);
  cr_assert_eq(r.sym, 2);
  cr_assert_eq(r.addend, -4);
}

static void expect_error(struct tiny *t, size_t size, const char *needle) {
  cr_redirect_stderr();
  int before = error_count();
  parse(t, size);
  cr_assert_eq(error_count(), before + 1);
  fflush(stderr);
  char buf[512] = {0};
  FILE *fp = cr_get_redirected_stderr();
  fread(buf, 1, sizeof(buf) - 1, fp);
  cr_assert(strstr(buf, "tiny.o") && strstr(buf, needle), "message: %s", buf);
}

Test(parse, truncated_header, .init = x86_64) {
  expect_error(make_tiny(), 20, "truncated");
}

Test(parse, section_past_end_of_file, .init = x86_64) {
  struct tiny *t = make_tiny();
  t->sh[1].sh_offset = 1 << 20;
  expect_error(t, sizeof(*t), "past the end");
}

Test(parse, section_size_wraps, .init = x86_64) {
  struct tiny *t = make_tiny();
  t->sh[1].sh_size = UINT64_MAX - 8;
  expect_error(t, sizeof(*t), "past the end");
}

Test(parse, bad_section_name_table, .init = x86_64) {
  struct tiny *t = make_tiny();
  t->eh.e_shstrndx = 77;
  expect_error(t, sizeof(*t), "section name table");
}

Test(parse, symbol_name_out_of_range, .init = x86_64) {
  struct tiny *t = make_tiny();
  t->sym[2].st_name = 5000;
  expect_error(t, sizeof(*t), "name offset");
}

Test(parse, symbol_section_index_out_of_range, .init = x86_64) {
  struct tiny *t = make_tiny();
  t->sym[1].st_shndx = 40;
  expect_error(t, sizeof(*t), "section index 40");
}

Test(parse, bad_symtab_entry_size, .init = x86_64) {
  struct tiny *t = make_tiny();
  t->sh[3].sh_entsize = 7;
  expect_error(t, sizeof(*t), "entry size");
}

Test(parse, relocation_target_out_of_range, .init = x86_64) {
  struct tiny *t = make_tiny();
  t->sh[2].sh_info = 99;
  expect_error(t, sizeof(*t), "bad target section");
}

Test(parse, wrong_machine, .init = x86_64) {
  struct tiny *t = make_tiny();
  t->eh.e_machine = EM_AARCH64;
  expect_error(t, sizeof(*t), "incompatible");
}

Test(parse, huge_alignment, .init = x86_64) {
  struct tiny *t = make_tiny();
  t->sh[1].sh_addralign = 1ull << 40;
  expect_error(t, sizeof(*t), "too large");
}

/* ---- input paths (--reproduce, --dependency-file) ---- */

Test(paths, each_once_in_first_order, .init = x86_64) {
  const char *in[] = {"b.o", "libc.a", "a.o", "b.o", "./a.o", "libc.a", "a.o", "z.o"};
  const char *want[] = {"b.o", "libc.a", "a.o", "./a.o", "z.o"};
  for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
    vec_push(&ctx.paths, (void *)in[i]);
  size_t n;
  const char **got = unique_input_paths(&n);
  cr_assert_eq(n, sizeof(want) / sizeof(want[0]));
  for (size_t i = 0; i < n; i++)
    cr_assert_str_eq(got[i], want[i]);
}

/* ---- options ---- */

static struct options opts(int argc, const char **argv) {
  struct options o = {0};
  parse_options(argc, (char **)argv, &o);
  return o;
}

Test(options, defsym_expressions, .init = x86_64) {
  struct defsym d;
  cr_assert_null(parse_defsym("base=0x12340", &d));
  cr_assert_str_eq(d.name, "base");
  cr_assert_null(d.target);
  cr_assert_eq(d.value, 0x12340);
  cr_assert_null(parse_defsym("o=0755", &d));
  cr_assert_eq(d.value, 0755);
  cr_assert_null(parse_defsym("z=0", &d));
  cr_assert_eq(d.value, 0);
  cr_assert_null(parse_defsym("alias=_real.fn$1", &d));
  cr_assert_str_eq(d.target, "_real.fn$1");
  cr_assert_eq(d.value, 0);
  cr_assert_null(parse_defsym("third = table + 8", &d));
  cr_assert_str_eq(d.name, "third");
  cr_assert_str_eq(d.target, "table");
  cr_assert_eq(d.value, 8);
  cr_assert_null(parse_defsym("e=_end-0x10", &d));
  cr_assert_eq(d.value, (uint64_t)-16);
  cr_assert_null(parse_defsym("max=0xffffffffffffffff", &d));
  cr_assert_eq(d.value, UINT64_MAX);
  const char *bad[] = {"x", "=3", "1a=3", "a b=3", "a=", "a=b*2", "a=b+", "a=0x", "a=12z",
                       "a=3+b", "a=0x1ffffffffffffffff", "a=b+c", "a=08"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    cr_assert_not_null(parse_defsym(bad[i], &d), "%s accepted", bad[i]);
}

Test(options, wrap_and_defsym, .init = x86_64) {
  const char *argv[] = {"ld", "--wrap=malloc", "--wrap", "free", "--defsym", "a=1",
                        "-defsym=b=c+2", "x.o"};
  struct options o = opts(sizeof(argv) / sizeof(argv[0]), argv);
  cr_assert_eq(o.wrap.n, 4);
  cr_assert_str_eq(o.wrap.v[0], "malloc");
  cr_assert_str_eq(o.wrap.v[1], "__wrap_malloc");
  cr_assert_str_eq(o.wrap.v[3], "__wrap_free");
  cr_assert_eq(o.defsyms.n, 2);
  cr_assert_str_eq(((struct defsym *)o.defsyms.v[1])->target, "c");
  cr_assert_eq(o.ninputs, 1);
}

Test(options, state_stack_and_lazy_objects, .init = x86_64) {
  const char *argv[] = {"ld", "--whole-archive", "--push-state", "--no-whole-archive", "a.a",
                        "--push-state", "--pop-state", "--pop-state", "b.a", "--push-state",
                        "--whole-archive", "--pop-state", "--start-lib", "c.o", "--end-lib"};
  struct options o = opts(sizeof(argv) / sizeof(argv[0]), argv);
  int want[] = {IN_WHOLE_ON, IN_WHOLE_OFF, IN_FILE, IN_WHOLE_ON, IN_FILE,
                IN_WHOLE_ON, IN_LAZY_ON, IN_FILE, IN_LAZY_OFF};
  /* the second --pop-state restores --whole-archive; --pop-state to the
   * state in effect adds nothing; the last --whole-archive is undone by a
   * --whole-archive already on: nothing to push */
  cr_assert_eq(o.ninputs, sizeof(want) / sizeof(want[0]));
  for (size_t i = 0; i < o.ninputs; i++)
    cr_assert_eq(o.inputs[i].kind, want[i], "input %zu", i);
}

Test(options, pop_state_without_push, .init = x86_64, .exit_code = 1) {
  const char *argv[] = {"ld", "--pop-state", "a.o"};
  opts(sizeof(argv) / sizeof(argv[0]), argv);
}

Test(options, trace_symbol_and_muldefs, .init = x86_64) {
  const char *argv[] = {"ld", "-y", "foo", "-ybar", "--trace-symbol=baz", "-z", "muldefs", "a.o"};
  struct options o = opts(sizeof(argv) / sizeof(argv[0]), argv);
  cr_assert_eq(o.trace_syms.n, 3);
  cr_assert_str_eq(o.trace_syms.v[0], "foo");
  cr_assert_str_eq(o.trace_syms.v[1], "bar");
  cr_assert_str_eq(o.trace_syms.v[2], "baz");
  cr_assert(o.allow_muldefs);
  const char *argv2[] = {"ld", "--allow-multiple-definition", "a.o"};
  cr_assert(opts(3, argv2).allow_muldefs);
  const char *argv3[] = {"ld", "a.o"};
  cr_assert_not(opts(2, argv3).allow_muldefs);
}

Test(options, max_page_size, .init = x86_64) {
  const char *argv[] = {"ld", "-z", "max-page-size=0x10000", "a.o"};
  cr_assert_eq(opts(4, argv).max_page_size, 0x10000);
  const char *argv2[] = {"ld", "-zmax-page-size=4096", "a.o"};
  cr_assert_eq(opts(3, argv2).max_page_size, 4096);
}

Test(options, separate_loadable_segments, .init = x86_64) {
  const char *argv[] = {"ld", "-z", "separate-loadable-segments", "a.o"};
  cr_assert(opts(4, argv).separate_segments);
  const char *argv2[] = {"ld", "-z", "separate-loadable-segments", "-z",
                         "noseparate-loadable-segments", "a.o"};
  cr_assert_not(opts(6, argv2).separate_segments);
  const char *argv3[] = {"ld", "a.o"};
  struct options o = opts(2, argv3);
  cr_assert(o.separate_code && !o.separate_segments, "default: only the text is padded");
}

/* A segment always starts on a page of memory its predecessor does not
 * touch, at an address congruent with its file offset; padded, the file
 * skips to a page as well, and unpadded, the file goes on. */
Test(layout, next_segment_starts_a_page_in_memory) {
  const uint64_t pages[] = {4096, 65536};
  const uint64_t ends[] = {1, 0xfff, 0x1000, 0x1001, 0x12345, 0x1ffff, 0x20000};
  for (size_t p = 0; p < 2; p++)
    for (size_t i = 0; i < 7; i++)
      for (size_t j = 0; j < 7; j++)
        for (int pad = 0; pad < 2; pad++) {
          uint64_t page = pages[p], end = 0x400000 + ends[i], off = ends[j];
          uint64_t addr = end, o = off;
          next_segment(&addr, &o, page, pad);
          cr_assert_gt(addr / page, (end - 1) / page, "shares the last page of memory");
          cr_assert_eq(addr % page, o % page, "address and offset not congruent");
          cr_assert_lt(addr - end, 2 * page);
          if (pad)
            cr_assert(o % page == 0 && o >= off && o - off < page);
          else
            cr_assert_eq(o, off, "unpadded, the file must go on where it was");
        }
}

/* The section .symtab gives a linker-defined address (ld/symtab.c). */
Test(symtab, linker_address_sections, .init = x86_64) {
  static struct osec secs[] = {
      {.name = ".init", .flags = SHF_ALLOC | SHF_EXECINSTR, .addr = 0x401000, .size = 3,
       .shndx = 1},
      {.name = ".text", .flags = SHF_ALLOC | SHF_EXECINSTR, .addr = 0x401010, .size = 0x100,
       .shndx = 2},
      {.name = ".tbss", .type = SHT_NOBITS, .flags = SHF_ALLOC | SHF_WRITE | SHF_TLS,
       .addr = 0x403000, .size = 0x40, .shndx = 3},
      {.name = ".data", .flags = SHF_ALLOC | SHF_WRITE, .addr = 0x403000, .size = 0x10, .shndx = 4},
      {.name = ".empty", .flags = SHF_ALLOC | SHF_WRITE, .addr = 0x403010, .size = 0, .shndx = 5},
      {.name = ".bss", .type = SHT_NOBITS, .flags = SHF_ALLOC | SHF_WRITE, .addr = 0x403020,
       .size = 0x20, .shndx = 6},
      {.name = ".debug_info", .size = 0x1000, .shndx = 7},
  };
  void *v[7];
  for (int i = 0; i < 7; i++)
    v[i] = &secs[i];
  ctx.osecs = (struct vec){v, 7, 7};
  ctx.opt.image_base_set = true, ctx.opt.image_base = 0x400000;
  cr_assert_eq(addr_shndx(0x400000), 1, "__ehdr_start: the first section");
  cr_assert_eq(addr_shndx(0x401003), 1, "_etext after .init: the section ending there");
  cr_assert_eq(addr_shndx(0x401050), 2);
  cr_assert_eq(addr_shndx(0x401110), 2, "the end of .text");
  cr_assert_eq(addr_shndx(0x403000), 4, "not .tbss, which lies over .data");
  cr_assert_eq(addr_shndx(0x403010), 5, "the last section ending there, empty or not");
  cr_assert_eq(addr_shndx(0x403018), SHN_ABS, "in a gap");
  cr_assert_eq(addr_shndx(0x403020), 6, "__bss_start");
  cr_assert_eq(addr_shndx(0x403040), 6, "_end");
  cr_assert_eq(addr_shndx(0x3ff000), SHN_ABS, "before the image");
  cr_assert_eq(addr_shndx(0x500000), SHN_ABS, "after it");
  cr_assert_eq(addr_shndx(0), SHN_ABS, "not a non-alloc section's");
  ctx.opt.image_base_set = false;
  ctx.osecs = (struct vec){0};
}

Test(options, fix_cortex_a53_843419, .init = x86_64) {
  const char *spellings[] = {"--fix-cortex-a53-843419", "-fix-cortex-a53-843419",
                             "--fix-cortex-a53-843419=full", "--fix-cortex-a53-843419=adr",
                             "--fix-cortex-a53-843419=adrp"};
  for (size_t i = 0; i < 5; i++) {
    const char *argv[] = {"ld", spellings[i], "a.o"};
    cr_assert(opts(3, argv).fix_843419, "%s", spellings[i]);
  }
  const char *argv[] = {"ld", "--fix-cortex-a53-843419", "--no-fix-cortex-a53-843419", "-EL",
                        "a.o"};
  struct options o = opts(5, argv);
  cr_assert_not(o.fix_843419);
  cr_assert_eq(o.ninputs, 1, "-EL is taken, not an input");
  const char *argv2[] = {"ld", "a.o"};
  cr_assert_not(opts(2, argv2).fix_843419, "off by default");
}

Test(options, max_page_size_below_4k, .init = x86_64, .exit_code = 1) {
  const char *argv[] = {"ld", "-z", "max-page-size=2048", "a.o"};
  opts(4, argv);
}

Test(options, unresolved_symbols, .init = x86_64) {
  struct { const char *args[3]; int want; } cases[] = {
      {{"a.o"}, UNRESOLVED_ERROR},
      {{"--unresolved-symbols=ignore-all"}, UNRESOLVED_IGNORE},
      {{"--unresolved-symbols=ignore-in-object-files"}, UNRESOLVED_IGNORE},
      {{"--unresolved-symbols=ignore-in-shared-libs"}, UNRESOLVED_ERROR},
      {{"--warn-unresolved-symbols"}, UNRESOLVED_WARN},
      {{"--unresolved-symbols=ignore-all", "--warn-unresolved-symbols"}, UNRESOLVED_IGNORE},
      {{"--warn-unresolved-symbols", "--unresolved-symbols=report-all"}, UNRESOLVED_WARN},
      {{"--warn-unresolved-symbols", "--error-unresolved-symbols"}, UNRESOLVED_ERROR},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char *argv[4] = {"ld"};
    int argc = 1;
    for (int k = 0; k < 3 && cases[i].args[k]; k++)
      argv[argc++] = cases[i].args[k];
    cr_assert_eq(opts(argc, argv).unresolved, cases[i].want, "case %zu", i);
  }
}

Test(options, ignore_unresolved_symbol_and_discard, .init = x86_64) {
  const char *argv[] = {"ld", "--ignore-unresolved-symbol=a", "-x",
                        "--ignore-unresolved-symbol", "b", "main.o"};
  struct options o = opts(6, argv);
  cr_assert_eq(o.ignore_unresolved.n, 2);
  cr_assert_str_eq(o.ignore_unresolved.v[0], "a");
  cr_assert_str_eq(o.ignore_unresolved.v[1], "b");
  cr_assert_eq(o.unresolved, UNRESOLVED_ERROR, "other symbols are still errors");
  cr_assert_eq(o.discard, DISCARD_ALL);
  cr_assert_eq(o.ninputs, 1);
  struct { const char *args[2]; int want; } cases[] = {
      {{"a.o"}, DISCARD_LOCALS},          {{"-x"}, DISCARD_ALL},
      {{"--discard-all"}, DISCARD_ALL},   {{"-x", "-X"}, DISCARD_LOCALS},
      {{"--discard-none"}, DISCARD_NONE}, {{"--discard-none", "--discard-locals"}, DISCARD_LOCALS},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char *av[3] = {"ld", cases[i].args[0], cases[i].args[1]};
    cr_assert_eq(opts(cases[i].args[1] ? 3 : 2, av).discard, cases[i].want, "case %zu", i);
  }
}

Test(options, package_metadata_and_linker_version, .init = x86_64) {
  const char *argv[] = {"ld", "--package-metadata={\"type\":\"rpm\"%2C\"os\":\"x%25\"}",
                        "--disable-linker-version", "a.o"};
  struct options o = opts(4, argv);
  cr_assert_str_eq(o.package_metadata, "{\"type\":\"rpm\",\"os\":\"x%\"}");
  cr_assert(o.no_linker_version);
  const char *argv2[] = {"ld", "--disable-linker-version", "--enable-linker-version", "a.o"};
  cr_assert_not(opts(4, argv2).no_linker_version);
}

Test(options, package_metadata_escapes) {
  struct { const char *in, *want; size_t bad_at; } cases[] = {
      {"", "", 0},          {"plain", "plain", 0}, {"%7b%7D", "{}", 0},
      {"a%2", NULL, 1},     {"%", NULL, 0},        {"ab%g1", NULL, 2},
      {"x%00y", NULL, 1},   {"%41%zz", NULL, 3},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char *err = NULL;
    char *got = decode_package_metadata(cases[i].in, &err);
    if (cases[i].want) {
      cr_assert_str_eq(got, cases[i].want, "case %zu", i);
    } else {
      cr_assert_null(got, "case %zu", i);
      char at[32];
      snprintf(at, sizeof(at), "at byte %zu ", cases[i].bad_at);
      cr_assert(strstr(err, at), "case %zu: %s", i, err);
    }
  }
}

Test(layout, text_classes_in_gnu_order) {
  struct { const char *name; int want; } cases[] = {
      {".text", TEXT_OTHER},
      {".text.unlikely", TEXT_UNLIKELY},
      {".text.unlikely.foo", TEXT_UNLIKELY},
      {".text.foo_unlikely", TEXT_OTHER}, /* GNU ld's .text.*_unlikely is not taken */
      {".text.unlikelyfoo", TEXT_OTHER},
      {".text.exit", TEXT_EXIT},
      {".text.exit.fini", TEXT_EXIT},
      {".text.exit_group", TEXT_OTHER},
      {".text.startup", TEXT_STARTUP},
      {".text.startup.main", TEXT_STARTUP},
      {".text.hot", TEXT_HOT},
      {".text.hot.f", TEXT_HOT},
      {".text.hotter", TEXT_OTHER},
      {".text.", TEXT_OTHER},
      {".text.u", TEXT_OTHER},
      {".text.s.startup", TEXT_OTHER},
      {".text.main", TEXT_OTHER},
      {".textunlikely", TEXT_OTHER},
      {".init", TEXT_OTHER},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    cr_assert_eq(text_class(cases[i].name), cases[i].want, "%s", cases[i].name);
  cr_assert(TEXT_UNLIKELY < TEXT_EXIT && TEXT_EXIT < TEXT_STARTUP && TEXT_STARTUP < TEXT_HOT &&
            TEXT_HOT < TEXT_OTHER);
}

Test(options, sysroot_paths, .init = x86_64) {
  cr_assert_str_eq(sysroot_path("/sr", "=/usr/lib"), "/sr/usr/lib");
  cr_assert_str_eq(sysroot_path("/sr", "$SYSROOT/lib/x.a"), "/sr/lib/x.a");
  cr_assert_str_eq(sysroot_path("", "=/usr/lib"), "/usr/lib");
  cr_assert_str_eq(sysroot_path(NULL, "$SYSROOT/usr/lib"), "/usr/lib");
  cr_assert_str_eq(sysroot_path("/sr", "/usr/lib"), "/usr/lib");
  cr_assert_str_eq(sysroot_path("/sr", "lib=x"), "lib=x");
  cr_assert_str_eq(sysroot_path("/sr", "$SYS/lib"), "$SYS/lib");
  /* the last --sysroot roots the -L and files given before it too */
  const char *argv[] = {"ld", "-L=/a", "--sysroot=/old", "-L", "$SYSROOT/b", "=/c.o",
                        "-L/d", "e.o", "--sysroot", "/new"};
  struct options o = opts(sizeof(argv) / sizeof(argv[0]), argv);
  cr_assert_str_eq(o.sysroot, "/new");
  cr_assert_eq(o.lib_paths.n, 3);
  cr_assert_str_eq(o.lib_paths.v[0], "/new/a");
  cr_assert_str_eq(o.lib_paths.v[1], "/new/b");
  cr_assert_str_eq(o.lib_paths.v[2], "/d");
  cr_assert_eq(o.ninputs, 2);
  cr_assert_str_eq(o.inputs[0].path, "/new/c.o");
  cr_assert_str_eq(o.inputs[1].path, "e.o");
}

Test(options, script_spellings, .init = x86_64) {
  const char *argv[] = {"-T", "a.ld", "-Tb.ld", "--script=c.ld", "-script", "d.ld", "-dT",
                        "e.ld", "--default-script=f.ld", "-Ttext-segment=0x500000",
                        "-Ttext=0x1000", "-Tbss", "0x2000", "--scripts=g.ld", "-dTh.ld"};
  const char *want[] = {"a.ld", "b.ld", "c.ld", "d.ld", "e.ld", "f.ld"};
  size_t argc = sizeof(argv) / sizeof(argv[0]), i = 0, n = 0;
  for (; n < sizeof(want) / sizeof(want[0]); i++, n++)
    cr_assert_str_eq(script_option((char **)argv, argc, &i), want[n]);
  cr_assert_eq(i, 9);
  for (; i < 14; i++) /* -Ttext and the like, a longer name */
    cr_assert_null(script_option((char **)argv, argc, &i), "argv[%zu]", i);
  cr_assert_null(script_option((char **)argv, argc, &i)); /* -dTh.ld: -dT takes no glued value */
}

/* -b binary and its spellings: a marker where the format changes, none
 * where it stays; -build-id is not -b uild-id */
Test(options, binary_format_markers, .init = x86_64) {
  const char *argv[] = {"ld", "a.o", "-b", "binary", "x.bin", "-bbinary", "y.bin",
                        "--format=elf64-x86-64", "b.o", "-format", "binary", "-lz",
                        "-b", "default", "-build-id", "c.o"};
  struct options o = opts(sizeof(argv) / sizeof(argv[0]), argv);
  int want[] = {IN_FILE, IN_BINARY_ON, IN_FILE, IN_FILE, IN_BINARY_OFF, IN_FILE,
                IN_BINARY_ON, IN_LIB, IN_BINARY_OFF, IN_FILE};
  cr_assert_eq(o.ninputs, sizeof(want) / sizeof(want[0]));
  for (size_t i = 0; i < o.ninputs; i++)
    cr_assert_eq(o.inputs[i].kind, want[i], "inputs[%zu]", i);
  cr_assert_str_eq(o.inputs[3].path, "y.bin");
  cr_assert_eq(o.build_id, BUILD_ID_FAST);
}

/* --require-defined: pulled as -u is, and checked */
Test(options, require_defined, .init = x86_64) {
  const char *argv[] = {"ld", "-u", "a", "--require-defined=b", "-require-defined", "c", "x.o"};
  struct options o = opts(sizeof(argv) / sizeof(argv[0]), argv);
  cr_assert_eq(o.undefined.n, 3);
  cr_assert_str_eq(o.undefined.v[1], "b");
  cr_assert_eq(o.required.n, 2);
  cr_assert_str_eq(o.required.v[0], "b");
  cr_assert_str_eq(o.required.v[1], "c");
}

Test(options, undefined_glob, .init = x86_64) {
  const char *argv[] = {"ld", "--undefined-glob=plugin_*", "-undefined-glob", "init_?", "x.o"};
  struct options o = opts(5, argv);
  cr_assert_eq(o.undefined_globs.n, 2);
  cr_assert_str_eq(o.undefined_globs.v[0], "plugin_*");
  cr_assert_str_eq(o.undefined_globs.v[1], "init_?");
  cr_assert_eq(o.undefined.n, 0); /* expanded once the inputs are read */
}

Test(options, binary_format_unknown_is_refused, .init = x86_64, .exit_code = 1) {
  cr_redirect_stderr();
  const char *argv[] = {"ld", "-b", "ihex", "a.hex"};
  opts(4, argv);
}

/* -r as gcc -r passes it (with -dynamic-linker, ignored); -d; -s keeps
 * the symbols relocations need: -S and -x */
Test(options, relocatable, .init = x86_64) {
  const char *argv[] = {"ld", "-dynamic-linker", "/lib64/ld-linux-x86-64.so.2", "-r", "-dc",
                        "-s", "--build-id", "a.o"};
  struct options o = opts(sizeof(argv) / sizeof(argv[0]), argv);
  cr_assert(o.relocatable && o.define_common && o.strip_debug);
  cr_assert(!o.strip_all && !o.pie);
  cr_assert_eq(o.discard, DISCARD_ALL);
  const char *spellings[] = {"--relocatable", "-Ur", "-relocatable"};
  for (size_t i = 0; i < 3; i++) {
    const char *v[] = {"ld", spellings[i], "a.o"};
    struct options p = opts(3, v);
    cr_assert(p.relocatable && !p.define_common, "%s", spellings[i]);
  }
  const char *nd[] = {"ld", "-r", "-d", "--no-define-common", "a.o"};
  cr_assert(!opts(5, nd).define_common);
}

Test(options, emit_relocs, .init = x86_64) {
  const char *argv[] = {"ld", "-q", "a.o"};
  cr_assert(opts(3, argv).emit_relocs);
  const char *argv2[] = {"ld", "--emit-relocs", "a.o"};
  cr_assert(opts(3, argv2).emit_relocs);
  const char *argv3[] = {"ld", "a.o"};
  cr_assert(!opts(2, argv3).emit_relocs);
}

Test(options, gdb_index, .init = x86_64) {
  const char *argv[] = {"ld", "--gdb-index", "a.o"};
  cr_assert(opts(3, argv).gdb_index);
  const char *argv2[] = {"ld", "-gdb-index", "--no-gdb-index", "a.o"};
  cr_assert(!opts(4, argv2).gdb_index, "the last one counts");
  const char *argv3[] = {"ld", "a.o"};
  cr_assert(!opts(2, argv3).gdb_index);
}

Test(options, warnings_and_icf_names, .init = x86_64) {
  const char *argv[] = {"ld", "--fatal-warnings", "-w", "--keep-unique=f2", "--keep-unique",
                        "f3", "a.o"};
  struct options o = opts(7, argv);
  cr_assert(o.no_warnings);
  cr_assert_eq(o.keep_unique.n, 2);
  cr_expect_str_eq(o.keep_unique.v[0], "f2");
  cr_expect_str_eq(o.keep_unique.v[1], "f3");
  const char *argv2[] = {"ld", "--fatal-warnings", "--no-fatal-warnings", "a.o"};
  o = opts(4, argv2);
  cr_assert(!o.fatal_warnings && !o.no_warnings);
}

/* -z dead-reloc-in-nonalloc: GLOB=VALUE, the value after the last '=';
 * the last pattern a section matches wins; without one, 1 in the DWARF 4
 * range and location lists and 0 elsewhere */
Test(options, dead_reloc_in_nonalloc, .init = x86_64) {
  cr_assert_eq(dead_reloc_value(".debug_ranges"), 1);
  cr_assert_eq(dead_reloc_value(".debug_loc"), 1);
  cr_assert_eq(dead_reloc_value(".debug_info"), 0);
  cr_assert_eq(dead_reloc_value(".debug_rnglists"), 0);
  const char *argv[] = {"ld", "-z", "dead-reloc-in-nonalloc=.debug_*=0x10", "-z",
                        "dead-reloc-in-nonalloc=.debug_info=0xffffffffffffffff", "a.o"};
  ctx.opt = opts(6, argv);
  cr_assert_eq(ctx.opt.dead_reloc.n, 4);
  cr_expect_str_eq(ctx.opt.dead_reloc.v[0], ".debug_*");
  cr_expect_eq(dead_reloc_value(".debug_ranges"), 0x10);
  cr_expect_eq(dead_reloc_value(".debug_info"), UINT64_MAX, "the last match wins");
  cr_expect_eq(dead_reloc_value(".comment"), 0);
}

Test(options, dead_reloc_without_value, .init = x86_64, .exit_code = 1) {
  cr_redirect_stderr();
  const char *argv[] = {"ld", "-z", "dead-reloc-in-nonalloc=.debug_info", "a.o"};
  opts(4, argv);
}

Test(options, relocatable_gdb_index_is_refused, .init = x86_64, .exit_code = 1) {
  cr_redirect_stderr();
  const char *argv[] = {"ld", "-r", "--gdb-index", "a.o"};
  opts(4, argv);
}

Test(options, relocatable_pie_is_refused, .init = x86_64, .exit_code = 1) {
  cr_redirect_stderr();
  const char *argv[] = {"ld", "-r", "-pie", "a.o"};
  opts(4, argv);
}

/* the visibility a global gets in a -r output from the files that name it */
Test(relocatable, stricter_visibility) {
  cr_assert_eq(stricter_visibility(STV_DEFAULT, STV_HIDDEN), STV_HIDDEN);
  cr_assert_eq(stricter_visibility(STV_HIDDEN, STV_DEFAULT), STV_HIDDEN);
  cr_assert_eq(stricter_visibility(STV_PROTECTED, STV_HIDDEN), STV_HIDDEN);
  cr_assert_eq(stricter_visibility(STV_HIDDEN, STV_PROTECTED), STV_HIDDEN);
  cr_assert_eq(stricter_visibility(STV_HIDDEN, STV_INTERNAL), STV_INTERNAL);
  cr_assert_eq(stricter_visibility(STV_DEFAULT, STV_PROTECTED), STV_PROTECTED);
  cr_assert_eq(stricter_visibility(STV_DEFAULT, STV_DEFAULT), STV_DEFAULT);
  cr_assert_eq(stricter_visibility(STV_INTERNAL, STV_PROTECTED), STV_INTERNAL);
}

/* --symbol-ordering-file's text: a name a line, '#' comments and the
 * blanks around a name dropped, a last line without its newline kept */
Test(order, file_names) {
  char text[] = "# hot\nfourth\n  third\t\r\n\n  # only a comment\ntable_a  # data\n_ZN1a1bEv";
  struct vec v = {0};
  ordering_names(text, sizeof(text) - 1, &v); /* text[size]: the string's NUL */
  const char *want[] = {"fourth", "third", "table_a", "_ZN1a1bEv"};
  cr_assert_eq(v.n, 4);
  for (size_t i = 0; i < 4; i++)
    cr_assert_str_eq(v.v[i], want[i]);
}

Test(options, symbol_ordering_file, .init = x86_64) {
  const char *argv[] = {"ld", "--symbol-ordering-file", "o.txt", "a.o"};
  struct options o = opts(4, argv);
  cr_assert_str_eq(o.symbol_ordering_file, "o.txt");
  cr_assert(o.warn_symbol_ordering);
  const char *argv2[] = {"ld", "--symbol-ordering-file=o.txt", "--no-warn-symbol-ordering",
                         "--no-symbol-ordering-file", "a.o"};
  o = opts(5, argv2);
  cr_assert_null(o.symbol_ordering_file);
  cr_assert_not(o.warn_symbol_ordering);
}

/* ---- -b binary objects ---- */

Test(binary, symbol_prefix) {
  cr_assert_str_eq(binary_symbol_prefix("d-1.txt"), "_binary_d_1_txt");
  cr_assert_str_eq(binary_symbol_prefix("../x/Font.ttf"), "_binary____x_Font_ttf");
  cr_assert_str_eq(binary_symbol_prefix("/a b/\xc3\xa9.9"), "_binary__a_b____9");
}

/* the object parses as any input does: .data with the bytes, the three
 * globals where GNU ld's -b binary puts them */
static void binary_object_reads(uint16_t machine, bool is64) {
  ctx.arch = arch_by_machine(machine, is64);
  symmap_init(64);
  static const uint8_t blob[] = "0123456789abcdef!";
  uint64_t n;
  uint8_t *obj = binary_object("dir/blob.bin", blob, sizeof(blob), ctx.arch, &n);
  struct objfile *f = objfile_from_memory("dir/blob.bin", obj, n);
  parse_objfile(f);
  cr_assert_eq(error_count(), 0);
  struct isec *d = f->secs[1];
  cr_assert_not_null(d);
  cr_assert_str_eq(d->name, ".data");
  cr_assert_eq(d->flags, SHF_ALLOC | SHF_WRITE);
  cr_assert_eq(d->addralign, 1);
  cr_assert_eq(d->size, sizeof(blob));
  cr_assert_arr_eq(d->data, blob, sizeof(blob));
  cr_assert_eq(f->nsyms, 4);
  cr_assert_eq(f->first_global, 1);
  const char *names[] = {"_binary_dir_blob_bin_start", "_binary_dir_blob_bin_end",
                         "_binary_dir_blob_bin_size"};
  uint32_t want_shndx[] = {1, 1, SHNDX_ABS}; /* objfile_sym's SHN_ABS */
  uint64_t want_value[] = {0, sizeof(blob), sizeof(blob)};
  for (uint32_t i = 1; i < 4; i++) {
    uint8_t info, other;
    uint32_t shndx;
    uint64_t value, size;
    objfile_sym(f, i, &info, &other, &shndx, &value, &size);
    cr_assert_eq(f->syms[i], symmap_find(names[i - 1]), "%s", names[i - 1]);
    cr_assert_eq(info, ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE));
    cr_assert_eq(shndx, want_shndx[i - 1], "%s", names[i - 1]);
    cr_assert_eq(value, want_value[i - 1], "%s", names[i - 1]);
  }
}

Test(binary, object_x86_64) { binary_object_reads(EM_X86_64, true); }
Test(binary, object_i386) { binary_object_reads(EM_386, false); }
Test(binary, object_aarch64) { binary_object_reads(EM_AARCH64, true); }

Test(options, common_gcc_link_line, .init = x86_64) {
  const char *argv[] = {"ld", "-plugin", "/x/liblto_plugin.so", "-plugin-opt=-fresolution=a",
                        "-dynamic-linker", "/lib/ld-musl-x86_64.so.1", "-nostdlib", "-static",
                        "-o", "prog", "-L/usr/lib", "-L", "/opt/lib", "a.o", "--start-group",
                        "-lc", "--end-group", "-z", "noseparate-code", "--threads=3",
                        "-m", "elf_x86_64", "-export-dynamic"};
  struct options o = opts(sizeof(argv) / sizeof(argv[0]), argv);
  cr_assert_str_eq(o.output, "prog");
  cr_assert(o.is_static);
  cr_assert_eq(o.lib_paths.n, 2);
  cr_assert_str_eq(o.lib_paths.v[1], "/opt/lib");
  cr_assert_eq(o.ninputs, 4);
  cr_assert_eq(o.inputs[0].kind, IN_FILE);
  cr_assert_eq(o.inputs[1].kind, IN_GROUP_START);
  cr_assert_eq(o.inputs[2].kind, IN_LIB);
  cr_assert_str_eq(o.inputs[2].path, "c");
  cr_assert_not(o.separate_code);
  cr_assert_eq(o.threads, 3);
  cr_assert_str_eq(o.emulation, "elf_x86_64");
  cr_assert_null(o.entry, "-export-dynamic is not -e xport-dynamic");
}

/* GNU ld's --verbose (busybox's trylink passes it) prints the version and
 * links, as -v does */
Test(options, verbose_prints_the_version_and_links, .init = x86_64) {
  cr_redirect_stdout();
  const char *argv[] = {"ld", "--verbose", "-static", "a.o"};
  struct options o = opts(4, argv);
  cr_assert(o.verbose);
  cr_assert_eq(o.ninputs, 1);
  fflush(stdout);
  cr_assert_stdout_eq_str("smelt " SMELT_VERSION " (compatible with GNU ld)\n");
}

Test(options, size_and_debug_features, .init = x86_64) {
  const char *argv[] = {"ld", "--icf=safe", "--gc-sections", "--build-id=sha1",
                        "--compress-debug-sections=zlib", "-e", "start", "-s"};
  struct options o = opts(sizeof(argv) / sizeof(argv[0]), argv);
  cr_assert_eq(o.icf, 1);
  cr_assert(o.gc_sections);
  cr_assert_eq(o.build_id, BUILD_ID_SHA1);
  cr_assert(o.compress_debug);
  cr_assert_str_eq(o.entry, "start");
  cr_assert(o.strip_all && o.strip_debug);
}

Test(options, response_file_with_quotes, .init = x86_64) {
  char path[] = "/tmp/smelt-rsp-XXXXXX";
  int fd = mkstemp(path);
  const char text[] = "-o \"my prog\" 'a b.o' c\\ d.o\n";
  cr_assert_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
  close(fd);
  char *at = xsprintf("@%s", path);
  const char *argv[] = {"ld", at};
  struct options o = opts(2, argv);
  unlink(path);
  cr_assert_str_eq(o.output, "my prog");
  cr_assert_eq(o.ninputs, 2);
  cr_assert_str_eq(o.inputs[0].path, "a b.o");
  cr_assert_str_eq(o.inputs[1].path, "c d.o");
}

Test(options, shared_is_refused, .init = x86_64, .exit_code = 1) {
  cr_redirect_stderr();
  const char *argv[] = {"ld", "-shared", "a.o"};
  opts(3, argv);
}

Test(options, pie_without_static_is_refused, .init = x86_64, .exit_code = 1) {
  cr_redirect_stderr();
  const char *argv[] = {"ld", "-pie", "a.o"};
  opts(3, argv);
}

Test(options, pie_with_static_is_a_static_pie, .init = x86_64) {
  const char *argv[] = {"ld", "-static", "-pie", "--no-dynamic-linker", "-z", "text", "a.o"};
  struct options o = opts(7, argv);
  cr_assert(o.is_static && o.pie);
  const char *later[] = {"ld", "-static", "-pie", "a.o", "-no-pie"};
  o = opts(5, later);
  cr_assert(o.is_static && !o.pie, "-no-pie after -pie");
  const char *lng[] = {"ld", "-static", "--pic-executable", "a.o"};
  o = opts(4, lng);
  cr_assert(o.pie);
  const char *nopic[] = {"ld", "-static", "-pie", "--no-pic-executable", "a.o"};
  o = opts(5, nopic);
  cr_assert_not(o.pie);
}

/* gcc's -pie link line with -Wl,-Bstatic: a dynamic PIE to GNU ld, started
 * by Scrt1.o, which would never apply a static PIE's relocations */
Test(options, pie_with_an_interpreter_is_refused, .init = x86_64, .exit_code = 1) {
  cr_redirect_stderr();
  const char *argv[] = {"ld", "-dynamic-linker", "/lib/ld-musl-x86_64.so.1", "-pie",
                        "Scrt1.o", "a.o", "-Bstatic", "-lc"};
  opts(8, argv);
}

Test(options, no_dynamic_linker_cancels_an_interpreter, .init = x86_64) {
  const char *argv[] = {"ld", "--dynamic-linker=/lib/ld.so", "-static", "-pie",
                        "--no-dynamic-linker", "a.o"};
  struct options o = opts(6, argv);
  cr_assert(o.is_static && o.pie);
  const char *nonpie[] = {"ld", "-dynamic-linker", "/lib/ld.so", "-static", "a.o"};
  o = opts(5, nonpie);
  cr_assert(o.is_static && !o.pie, "an interpreter is ignored in a non-PIE static link");
}

/* ---- static PIE ---- */

/* Which relocations a static PIE relocates at load time (a word), which it
 * cannot have (narrower absolute fields), and which need nothing. */
Test(pie, relocation_classes) {
  const struct arch *x = arch_by_machine(EM_X86_64, true);
  cr_expect_eq(pie_class(x, R_X86_64_64), PIE_WORD);
  cr_expect_eq(pie_class(x, R_X86_64_32), PIE_ABS);
  cr_expect_eq(pie_class(x, R_X86_64_32S), PIE_ABS);
  cr_expect_eq(pie_class(x, R_X86_64_16), PIE_ABS);
  cr_expect_eq(pie_class(x, R_X86_64_PC32), PIE_NONE);
  cr_expect_eq(pie_class(x, R_X86_64_PLT32), PIE_NONE);
  cr_expect_eq(pie_class(x, R_X86_64_GOTPCRELX), PIE_NONE);
  cr_expect_eq(pie_class(x, R_X86_64_TPOFF32), PIE_NONE);
  cr_expect_eq(pie_class(x, R_X86_64_SIZE64), PIE_NONE);
  cr_expect_eq(pie_class(x, 1000), PIE_NONE);
  const struct arch *i = arch_by_machine(EM_386, false);
  cr_expect_eq(pie_class(i, R_386_32), PIE_WORD);
  cr_expect_eq(pie_class(i, R_386_16), PIE_ABS);
  cr_expect_eq(pie_class(i, R_386_GOTOFF), PIE_NONE);
  cr_expect_eq(pie_class(i, R_386_PC32), PIE_NONE);
  const struct arch *a = arch_by_machine(EM_AARCH64, true);
  cr_expect_eq(pie_class(a, R_AARCH64_ABS64), PIE_WORD);
  cr_expect_eq(pie_class(a, R_AARCH64_ABS32), PIE_ABS);
  cr_expect_eq(pie_class(a, R_AARCH64_MOVW_UABS_G0), PIE_ABS);
  cr_expect_eq(pie_class(a, R_AARCH64_MOVW_UABS_G3), PIE_ABS);
  cr_expect_eq(pie_class(a, R_AARCH64_ADD_ABS_LO12_NC), PIE_NONE);
  cr_expect_eq(pie_class(a, R_AARCH64_LDST64_ABS_LO12_NC), PIE_NONE);
  cr_expect_eq(pie_class(a, R_AARCH64_ADR_PREL_PG_HI21), PIE_NONE);
  cr_expect_eq(pie_class(a, R_AARCH64_CALL26), PIE_NONE);
  cr_expect_eq(x->relative_type, R_X86_64_RELATIVE);
  cr_expect_eq(i->relative_type, R_386_RELATIVE);
  cr_expect_eq(a->relative_type, R_AARCH64_RELATIVE);
}

/* What moves with the load address: defined addresses and the linker's
 * own (_end); not absolute values, undefined weak symbols or symbols of
 * dropped sections (0). */
Test(pie, what_moves_with_the_image, .init = x86_64) {
  struct isec live = {.alive = true}, dead = {.alive = false};
  struct symbol s = {.kind = SYM_DEFINED, .isec = &live};
  cr_expect(moves_with_image(&s));
  s.isec = &dead;
  cr_expect_not(moves_with_image(&s));
  s = (struct symbol){.kind = SYM_ABS, .value = 0x1000};
  cr_expect_not(moves_with_image(&s));
  s.linker_addr = true;
  cr_expect(moves_with_image(&s));
  s = (struct symbol){.kind = SYM_UNDEF};
  cr_expect_not(moves_with_image(&s));
  s = (struct symbol){.kind = SYM_OSEC};
  cr_expect(moves_with_image(&s));
}

/* The dynamic array rcrt1.o and glibc's static PIE start code read: the
 * empty symbol and string tables, the relocation table (relative ones,
 * then IRELATIVE), its size, entry size and count of relative entries,
 * DF_1_PIE, DT_NULL; no table without relocations. */
Test(pie, dynamic_array) {
  uint8_t b[PIE_DYN_ENTRIES * 16];
  memset(b, 0xaa, sizeof(b));
  struct dyn_info d = {0x2a8, 0x2c0, 0x8008, 20, 2};
  cr_assert_eq(fill_dynamic(b, true, true, &d), 10);
  const uint64_t want[] = {DT_SYMTAB, 0x2a8, DT_SYMENT, 24, DT_STRTAB, 0x2c0, DT_STRSZ, 1,
                           DT_RELA, 0x8008, DT_RELASZ, 528, DT_RELAENT, 24, DT_RELACOUNT, 20,
                           DT_FLAGS_1, DF_1_PIE, DT_NULL, 0};
  for (int k = 0; k < 20; k++)
    cr_expect_eq(rd64(b + 8 * k), want[k], "word %d: 0x%llx", k,
                 (unsigned long long)rd64(b + 8 * k));
  memset(b, 0xaa, sizeof(b));
  d = (struct dyn_info){0x1000, 0x1010, 0x7000, 3, 0};
  cr_assert_eq(fill_dynamic(b, false, false, &d), 10);
  const uint32_t want32[] = {DT_SYMTAB, 0x1000, DT_SYMENT, 16, DT_STRTAB, 0x1010, DT_STRSZ, 1,
                             DT_REL, 0x7000, DT_RELSZ, 24, DT_RELENT, 8, DT_RELCOUNT, 3,
                             DT_FLAGS_1, DF_1_PIE, DT_NULL, 0};
  for (int k = 0; k < 20; k++)
    cr_expect_eq(rd32(b + 4 * k), want32[k], "word %d", k);
  d = (struct dyn_info){0x1000, 0x1010, 0, 0, 0};
  cr_assert_eq(fill_dynamic(b, true, true, &d), 6);
  cr_expect_eq(rd64(b + 64), DT_FLAGS_1);
  cr_expect_eq(rd64(b + 80), DT_NULL);
}

/* ---- reading input sections ---- */

/* A file of 3 * PREAD_MIN bytes (byte i is i % 251), mapped privately and
 * writable, with the mapping's bytes then changed: what read_isec() copies
 * tells whether it read the file (pread) or the mapping. The object starts
 * 4096 bytes in, as an archive member does, and its section 4096 more. */
struct mapped_input {
  char path[32];
  struct objfile f;
  struct isec isec;
  uint8_t *map;
};

static void map_input(struct mapped_input *m) {
  strcpy(m->path, "/tmp/smelt-isec-XXXXXX");
  int fd = mkstemp(m->path);
  cr_assert(fd >= 0);
  uint64_t size = 3 * PREAD_MIN;
  uint8_t *bytes = malloc(size);
  for (uint64_t i = 0; i < size; i++)
    bytes[i] = (uint8_t)(i % 251);
  cr_assert_eq(write(fd, bytes, size), (ssize_t)size);
  free(bytes);
  m->map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  cr_assert(m->map != MAP_FAILED);
  memset(m->map, 0xee, size); /* the mapping no longer shows the file */
  m->f = (struct objfile){.name = m->path, .data = m->map + 4096, .size = size - 4096,
                          .fd = fd, .fd_off = 4096};
  m->isec = (struct isec){.name = ".debug_info", .file = &m->f, .data = m->map + 8192,
                          .size = 2 * PREAD_MIN};
}

Test(read_isec, large_stretches_come_from_the_file, .init = x86_64) {
  struct mapped_input m;
  map_input(&m);
  uint8_t *buf = malloc(PREAD_MIN + 1);
  read_isec(&m.isec, 1000, PREAD_MIN + 1, buf);
  for (uint64_t i = 0; i < PREAD_MIN + 1; i++)
    cr_assert_eq(buf[i], (uint8_t)((8192 + 1000 + i) % 251), "byte %llu", (unsigned long long)i);
  /* a small stretch, or a file not kept open, is copied from the mapping */
  read_isec(&m.isec, 1000, PREAD_MIN - 1, buf);
  cr_assert_eq(buf[0], 0xee);
  cr_assert_eq(buf[PREAD_MIN - 2], 0xee);
  m.f.fd = -1;
  read_isec(&m.isec, 0, PREAD_MIN + 1, buf);
  cr_assert_eq(buf[PREAD_MIN], 0xee);
  unlink(m.path);
  free(buf);
}

Test(read_isec, a_file_shortened_after_mapping_is_an_error, .init = x86_64, .exit_code = 1) {
  cr_redirect_stderr();
  struct mapped_input m;
  map_input(&m);
  unlink(m.path);
  cr_assert_eq(ftruncate(m.f.fd, PREAD_MIN), 0);
  static uint8_t buf[2 * PREAD_MIN];
  read_isec(&m.isec, 0, 2 * PREAD_MIN, buf);
}

/* ---- merged pieces ---- */

/* An output section keeps the entry size only when every member has the
 * same, and SHF_MERGE|SHF_STRINGS only when they also have those alike. */
Test(merge, output_flags_kept_when_members_agree) {
  struct isec a = {.flags = SHF_MERGE | SHF_STRINGS, .entsize = 1, .addralign = 1};
  struct isec b = a, plain = {.flags = 0, .addralign = 1};
  struct isec wide = {.flags = SHF_MERGE | SHF_STRINGS, .entsize = 2, .addralign = 1};
  struct isec consts = {.flags = SHF_MERGE | SHF_ALLOC, .entsize = 8, .addralign = 1};
  struct isec array = {.flags = SHF_ALLOC | SHF_WRITE, .entsize = 8, .addralign = 1};
  struct isec bytes = {.flags = SHF_ALLOC, .entsize = 1, .addralign = 1};
  struct {
    struct isec *m[2];
    uint64_t flags, entsize;
  } cases[] = {
      {{&a, &b}, SHF_MERGE | SHF_STRINGS, 1},
      {{&a, &plain}, 0, 0},
      {{&plain, &a}, 0, 0},
      {{&a, &wide}, 0, 0},
      {{&consts, &consts}, SHF_MERGE, 8},
      {{&array, &array}, 0, 8},  /* .init_array */
      {{&consts, &array}, 0, 8}, /* same size, not all merged */
      {{&a, &bytes}, 0, 1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct osec os = {.members = {.v = (void **)cases[i].m, .n = 2}};
    size_output_section(&os);
    cr_assert_eq(os.flags & (SHF_MERGE | SHF_STRINGS), cases[i].flags, "case %zu", i);
    cr_assert_eq(os.entsize, cases[i].entsize, "case %zu", i);
  }
}

Test(merge, find_piece) {
  uint32_t offs[] = {0, 6, 10, 30};
  struct pieces p = {.offs = offs, .n = 4};
  struct isec isec = {.pieces = &p};
  cr_assert_eq(find_piece(&isec, 0), 0);
  cr_assert_eq(find_piece(&isec, 5), 0);
  cr_assert_eq(find_piece(&isec, 6), 1);
  cr_assert_eq(find_piece(&isec, 29), 2);
  cr_assert_eq(find_piece(&isec, 30), 3);
  cr_assert_eq(find_piece(&isec, 1000), 3);
}

/* With a bucket index, every offset (and one past the end) must find the
 * same piece a linear scan finds, for short and long pieces mixed. */
Test(merge, find_piece_with_index) {
  for (uint32_t seed = 1; seed <= 20; seed++) {
    uint32_t offs[400 + 402], n = 0, off = 0, x = seed;
    while (n < 300 + seed * 5) {
      offs[n++] = off;
      x = x * 1103515245u + 12345u;
      off += (x >> 16) % 7 == 0 ? 1 + (x >> 8) % 300 : 1 + (x >> 8) % 9;
    }
    struct pieces p = {.offs = offs, .n = n};
    struct isec isec = {.pieces = &p, .size = off};
    uint8_t shift;
    cr_assert_leq(n + piece_index_size(off, n, &shift), sizeof(offs) / sizeof(offs[0]));
    index_pieces(&p, off);
    cr_assert(p.hint);
    for (uint32_t o = 0, want = 0; o <= off + 1; o++) {
      while (want + 1 < n && offs[want + 1] <= o)
        want++;
      cr_assert_eq(find_piece(&isec, o), want, "seed %u offset %u", seed, o);
    }
  }
}

/* ---- final addresses ----
 * finalize_addresses() stores what sym_addr()/sym_va() compute; after it,
 * both must answer exactly as before, for plain, merged-piece, dead and
 * undefined symbols, including a global the file defines. */
Test(addresses, cached_values_match_computed, .init = x86_64) {
  static struct osec text = {.name = ".text", .addr = 0x401000};
  static struct osec rodata = {.name = ".rodata", .addr = 0x500000};
  struct objfile f = {.name = "t.o", .priority = 1};
  struct isec code = {.file = &f, .osec = &text, .out_off = 0x40, .alive = true, .size = 64};
  struct isec dead = {.file = &f, .alive = false, .size = 8};
  struct isec merged = {.file = ctx.internal, .osec = &rodata, .out_off = 0x10, .alive = true};
  struct frag fr[3] = {{.out_off = 0x20}, {.out_off = 0x0}, {.out_off = 0x8}};
  struct frag *frags[3] = {&fr[0], &fr[1], &fr[2]};
  uint32_t offs[3] = {0, 6, 10}, outs[3] = {0x20, 0x0, 0x8};
  struct pieces pieces = {.offs = offs, .frags = frags, .outs = outs, .merged = &merged, .n = 3};
  struct isec str = {.file = &f, .alive = true, .size = 16, .flags = SHF_MERGE | SHF_STRINGS,
                     .pieces = &pieces};
  struct symbol locals[4] = {
      {.kind = SYM_UNDEF},
      {.kind = SYM_DEFINED, .type = STT_SECTION, .isec = &code, .is_local = true, .file = &f},
      {.kind = SYM_DEFINED, .type = STT_SECTION, .isec = &str, .is_local = true, .file = &f},
      {.kind = SYM_DEFINED, .type = STT_FUNC, .isec = &dead, .value = 4, .is_local = true,
       .file = &f}};
  struct symbol *g = symmap_intern("global_fn", 9), *u = symmap_intern("undefined_fn", 12);
  *g = (struct symbol){.name = "global_fn", .kind = SYM_DEFINED, .type = STT_FUNC,
                       .isec = &code, .value = 0x10, .file = &f, .esym = 4};
  struct symbol *syms[6] = {&locals[0], &locals[1], &locals[2], &locals[3], g, u};
  f.syms = syms, f.nsyms = 6, f.first_global = 4;
  struct objfile *live[1] = {&f};
  ctx.live = (struct vec){(void **)live, 1, 1};
  if (!ctx.internal)
    ctx.internal = xalloc(sizeof(struct objfile));
  merged.file = ctx.internal;

  int64_t addends[] = {0, 3, 6, 7, 12, -4};
  uint64_t before[6][6];
  for (int s = 0; s < 6; s++)
    for (int a = 0; a < 6; a++)
      before[s][a] = sym_va(syms[s], addends[a]);
  cr_assert_eq(sym_va(syms[1], 3), 0x401043);
  cr_assert_eq(sym_va(syms[2], 7), 0x500000 + 0x10 + 0x0 + 1); /* piece 1 starts at 6 */
  cr_assert_eq(sym_va(syms[3], 0), 0);                          /* dead: 0 */
  cr_assert_eq(sym_va(g, 0), 0x401050);

  finalize_addresses();
  cr_assert(ctx.addrs_final);
  for (int s = 0; s < 6; s++)
    for (int a = 0; a < 6; a++)
      cr_expect_eq(sym_va(syms[s], addends[a]), before[s][a], "symbol %d addend %lld", s,
                   (long long)addends[a]);
  cr_assert_eq(locals[3].addr_class, ADDR_DEAD);
  cr_assert_eq(locals[2].addr_class, ADDR_MERGED);
  cr_assert_eq(g->addr_class, ADDR_PLAIN);
  ctx.addrs_final = false;
  ctx.live = (struct vec){0};
}

/* ---- debug sections relocated in parts ----
 * A non-allocated section relocated part by part gives the bytes one pass
 * gives; a part refuses (and says so) a relocation that would write outside
 * it, so the writer can fall back to the whole section. */
Test(nonalloc, parts_match_one_pass, .init = x86_64) {
  static struct osec text = {.name = ".text", .addr = 0x401000};
  struct objfile f = {.name = "t.o"};
  struct isec code = {.file = &f, .osec = &text, .out_off = 0x40, .alive = true, .size = 64};
  struct symbol sec = {.kind = SYM_DEFINED, .type = STT_SECTION, .isec = &code,
                       .is_local = true, .file = &f};
  struct symbol *syms[2] = {&sec, &sec};
  f.syms = syms, f.nsyms = 2;
  enum { N = 40 };
  uint8_t data[N * 8] = {0};
  Elf64_Rela rels[N];
  for (int i = 0; i < N; i++) /* 8- and 4-byte fields, every 8 bytes */
    rels[i] = (Elf64_Rela){.r_offset = (uint64_t)i * 8,
                           .r_info = ELF64_R_INFO(1, i % 3 ? R_X86_64_64 : R_X86_64_32),
                           .r_addend = i};
  struct isec dbg = {.file = &f, .name = ".debug_info", .alive = true, .size = sizeof(data),
                     .data = data, .rels = (const uint8_t *)rels, .rela = true,
                     .relsec = 1, .nrels = N};
  cr_assert_eq(isec_nrels(&dbg), N);

  uint8_t whole[sizeof(data)] = {0}, parts[sizeof(data)] = {0};
  apply_nonalloc_whole(&dbg, whole);
  cr_assert_eq(rd64(whole + 8), 0x401040 + 1);
  cr_assert_eq(rd32(whole + 24), 0x401040 + 3);
  /* parts [0, 96) [96, 200) [200, 320), each with the relocations inside */
  uint64_t cut[] = {0, 96, 200, sizeof(data)};
  for (int p = 0; p < 3; p++)
    cr_assert(apply_nonalloc_part(&dbg, parts + cut[p], cut[p], cut[p + 1],
                                  (uint32_t)(cut[p] / 8), (uint32_t)(cut[p + 1] / 8)));
  cr_assert_arr_eq(parts, whole, sizeof(whole));

  /* a relocation of the next part, or one straddling the end, is refused */
  uint8_t buf[96];
  cr_assert_not(apply_nonalloc_part(&dbg, buf, 0, 96, 0, 13));
  cr_assert_not(apply_nonalloc_part(&dbg, buf, 0, 92, 0, 12));
  cr_assert_not(apply_nonalloc_part(&dbg, buf, 8, 96, 0, 12));
}

/* ---- allocated sections relocated in parts ----
 * A part of .text may end only in a gap between relocations wider than the
 * bytes relaxations rewrite around a field (x86_64: 4 before, 12 after), so
 * that no relaxed sequence straddles two parts. */
Test(parts, cut_in_gap, .init = x86_64) {
  static const uint8_t ident[EI_NIDENT] = {0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB};
  struct objfile f = {.name = "t.o", .data = ident};
  uint64_t offs[] = {0, 10, 20, 30, 60, 70, 80, 50};
  Elf64_Rela rels[8];
  for (int i = 0; i < 8; i++)
    rels[i] = (Elf64_Rela){.r_offset = offs[i], .r_info = ELF64_R_INFO(1, R_X86_64_PC32)};
  struct isec text = {.file = &f, .name = ".text", .alive = true, .size = 200,
                      .flags = SHF_ALLOC | SHF_EXECINSTR, .rels = (const uint8_t *)rels,
                      .rela = true, .relsec = 1, .nrels = 8};
  uint64_t cut = 0;
  /* 30 -> 60 is the first gap of 24 bytes: cut at 30 + 8 + 12 */
  cr_assert_eq(gap_after(&text, 7, 1, &cut), 4);
  cr_assert_eq(cut, 50);
  cr_assert_eq(gap_after(&text, 7, 4, &cut), 4);
  /* no gap after 60: no cut, the part runs to the end */
  cr_assert_eq(gap_after(&text, 7, 5, &cut), 7);
  cr_assert_eq(cut, 200);
  cr_assert_eq(gap_after(&text, 7, 7, &cut), 7);
  cr_assert_eq(cut, 200);
  /* an offset going back (unsorted table) is no gap */
  cr_assert_eq(gap_after(&text, 8, 5, &cut), 8);
  cr_assert_eq(cut, 200);
}

/* ---- merged fragments in owner order ----
 * The radix sort that orders a group's fragments by their first occurrence
 * must agree with a comparison sort, keep equal keys in order, and handle
 * keys that share digits (skipped passes) and all 64 bits. */
static int cmp_fkey(const void *a, const void *b) {
  const struct fkey *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  /* equal keys in their original order (the tests number f so), as the
   * stable radix sort leaves them */
  return (uintptr_t)x->f < (uintptr_t)y->f ? -1 : (uintptr_t)x->f > (uintptr_t)y->f;
}

Test(merge, radix_sort_matches_qsort) {
  static const size_t sizes[] = {0, 1, 2, 3, 100, 5000};
  uint64_t seed = 12345;
  for (size_t t = 0; t < sizeof(sizes) / sizeof(sizes[0]); t++) {
    for (int shape = 0; shape < 3; shape++) {
      size_t n = sizes[t];
      struct fkey *a = calloc(n + 1, sizeof(*a)), *b = calloc(n + 1, sizeof(*b)),
                  *tmp = calloc(n + 1, sizeof(*tmp));
      for (size_t i = 0; i < n; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t k = shape == 0   ? seed                                     /* all bits */
                     : shape == 1 ? (seed >> 47) << 32 | ((seed >> 8) & 0xffff) /* owners */
                                  : 7ull << 40 | (seed >> 60);               /* few values */
        a[i] = (struct fkey){k, (struct frag *)(uintptr_t)(i + 1)};
      }
      memcpy(b, a, n * sizeof(*a));
      radix_sort_fkeys(a, tmp, n);
      qsort(b, n, sizeof(*b), cmp_fkey);
      for (size_t i = 0; i < n; i++) {
        cr_assert_eq(a[i].key, b[i].key, "n=%zu shape %d: key %zu", n, shape, i);
        if (i && a[i].key == a[i - 1].key)
          cr_assert_lt((uintptr_t)a[i - 1].f, (uintptr_t)a[i].f, "not stable at %zu", i);
      }
      free(a), free(b), free(tmp);
    }
  }
}

/* Packed owners sort in the same order as the owners themselves, for
 * offsets of any width up to 32 bits (then nothing is packed). */
Test(merge, packed_owners_keep_their_order) {
  enum { N = 3000 };
  static const int widths[] = {0, 1, 5, 14, 20, 31, 32};
  uint64_t seed = 777;
  for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
    struct fkey *a = calloc(N, sizeof(*a)), *b = calloc(N, sizeof(*b)),
                *tmp = calloc(N, sizeof(*tmp));
    for (size_t i = 0; i < N; i++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      uint64_t ord = (seed >> 40) & 0x1ffff;
      uint64_t off = widths[w] ? (seed >> 3) & ((1ull << widths[w]) - 1) : 0;
      if (i == 7 && widths[w])
        off = 1ull << (widths[w] - 1); /* the widest offset is there */
      a[i] = (struct fkey){ord << 32 | off, (struct frag *)(uintptr_t)(i + 1)};
    }
    memcpy(b, a, N * sizeof(*a));
    pack_owners(a, N);
    if (widths[w] < 32)
      for (size_t i = 0; i < N; i++)
        cr_assert_lt(a[i].key, 1ull << (17 + widths[w]), "width %d: key %zu not packed", widths[w], i);
    radix_sort_fkeys(a, tmp, N);
    qsort(b, N, sizeof(*b), cmp_fkey);
    for (size_t i = 0; i < N; i++)
      cr_assert_eq(a[i].f, b[i].f, "width %d: fragment %zu out of order", widths[w], i);
    free(a), free(b), free(tmp);
  }
}

/* ---- binning input sections ----
 * However the live files are cut into ranges, the output sections come out
 * in the same order with the same members as from one range: every live
 * section once, in file order, in the section its name maps to, and each
 * merged section once, where its first piece is. */
enum { BIN_FILES = 60, BIN_SECS = 14 };

static const struct {
  const char *name;
  uint32_t type;
  uint64_t flags;
} bin_kinds[] = {
    {".text.a", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR},
    {".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR},
    {".rodata.k", SHT_PROGBITS, SHF_ALLOC},
    {".data.v", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE},
    {".bss.z", SHT_NOBITS, SHF_ALLOC | SHF_WRITE},
    {".debug_info", SHT_PROGBITS, 0},
    {".debug_line", SHT_PROGBITS, 0},
    {"custom", SHT_PROGBITS, SHF_ALLOC},
    {".init_array", SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE},
    {".eh_frame", SHT_X86_64_UNWIND, SHF_ALLOC},
};

struct bin_result {
  size_t nosecs, nmembers[64];
  const char *names[64];
  void *members[64][BIN_FILES * BIN_SECS + 4];
};

static void bin_once(size_t nranges, struct isec *merged, size_t nmerged, struct objfile *files,
                     struct bin_result *out) {
  ctx.osecs = (struct vec){0};
  ctx.ehframe = NULL;
  for (size_t m = 0; m < nmerged; m++)
    merged[m].osec = NULL;
  for (size_t i = 0; i < BIN_FILES; i++)
    for (uint32_t k = 1; k < files[i].nsecs; k++)
      if (files[i].secs[k])
        files[i].secs[k]->osec = NULL;
  bin_input_sections(nranges);
  cr_assert_leq(ctx.osecs.n, 64);
  out->nosecs = ctx.osecs.n;
  for (size_t o = 0; o < ctx.osecs.n; o++) {
    struct osec *os = ctx.osecs.v[o];
    out->names[o] = os->name;
    out->nmembers[o] = os->members.n;
    for (size_t k = 0; k < os->members.n; k++) {
      out->members[o][k] = os->members.v[k];
      cr_assert_eq(((struct isec *)os->members.v[k])->osec, os);
    }
  }
}

Test(layout, binning_does_not_depend_on_ranges) {
  pool_init(3);
  if (!ctx.internal)
    ctx.internal = xalloc(sizeof(struct objfile));
  static struct isec merged[3] = {
      {.name = ".rodata", .type = SHT_PROGBITS, .flags = SHF_ALLOC | SHF_MERGE | SHF_STRINGS},
      {.name = ".debug_str", .type = SHT_PROGBITS, .flags = SHF_MERGE | SHF_STRINGS},
      {.name = ".rodata", .type = SHT_PROGBITS, .flags = SHF_ALLOC | SHF_MERGE}};
  static struct pieces pieces[3];
  static struct objfile files[BIN_FILES];
  static struct isec secs[BIN_FILES][BIN_SECS];
  static struct isec *ptrs[BIN_FILES][BIN_SECS + 1];
  static void *live[BIN_FILES];
  for (int m = 0; m < 3; m++)
    merged[m].file = ctx.internal, merged[m].alive = true, pieces[m].merged = &merged[m];
  srand(7);
  size_t nlive = 0;
  for (int i = 0; i < BIN_FILES; i++) {
    /* some files of many sections, so that ranges differ in file count */
    int n = i % 9 == 0 ? BIN_SECS : 1 + rand() % 5;
    for (int k = 0; k < n; k++) {
      int kind = rand() % (int)(sizeof(bin_kinds) / sizeof(bin_kinds[0]));
      secs[i][k] = (struct isec){.file = &files[i], .name = bin_kinds[kind].name,
                                 .type = bin_kinds[kind].type, .flags = bin_kinds[kind].flags,
                                 .alive = rand() % 5 != 0, .size = 8};
      /* the merged ones only from file 5 on: ranges before theirs lack them */
      if (i >= 5 && rand() % 4 == 0)
        secs[i][k].pieces = &pieces[rand() % 3];
      ptrs[i][k + 1] = rand() % 7 ? &secs[i][k] : NULL;
    }
    files[i] = (struct objfile){.name = "t.o", .secs = ptrs[i], .nsecs = (uint32_t)n + 1};
    live[nlive++] = &files[i];
  }
  ctx.live = (struct vec){live, nlive, nlive};
  static struct bin_result one, many;
  bin_once(1, merged, 3, files, &one);

  /* one range: the order of first use, file by file */
  size_t placed = 0, merged_seen[3] = {0};
  for (size_t o = 0; o < one.nosecs; o++)
    for (size_t k = 0; k < one.nmembers[o]; k++) {
      struct isec *x = one.members[o][k];
      placed++;
      for (int m = 0; m < 3; m++)
        merged_seen[m] += x == &merged[m];
    }
  size_t want = 0;
  for (int i = 0; i < BIN_FILES; i++)
    for (uint32_t k = 1; k < files[i].nsecs; k++) {
      struct isec *x = files[i].secs[k];
      want += x && x->alive && !x->pieces;
      if (x && x->alive && x->pieces)
        cr_assert_eq(x->osec, x->pieces->merged->osec);
    }
  for (int m = 0; m < 3; m++) {
    cr_assert_eq(merged_seen[m], 1, "merged section %d placed %zu times", m, merged_seen[m]);
    want++;
  }
  cr_assert_eq(placed, want);
  /* output sections in the order of their first member (names are unique
   * keys here) */
  const char *order[64];
  size_t norder = 0;
  for (int i = 0; i < BIN_FILES; i++)
    for (uint32_t k = 1; k < files[i].nsecs; k++) {
      struct isec *x = files[i].secs[k];
      if (!x || !x->alive)
        continue;
      const char *name = x->pieces ? x->pieces->merged->name : output_section_name(x);
      size_t j = 0;
      while (j < norder && strcmp(order[j], name))
        j++;
      if (j == norder)
        order[norder++] = name;
    }
  cr_assert_eq(one.nosecs, norder);
  for (size_t o = 0; o < norder; o++)
    cr_assert_str_eq(one.names[o], order[o]);

  static const size_t counts[] = {2, 3, 4, 7, 12, 59, 60, 61, 200};
  for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
    bin_once(counts[c], merged, 3, files, &many);
    cr_assert_eq(many.nosecs, one.nosecs, "%zu ranges", counts[c]);
    for (size_t o = 0; o < one.nosecs; o++) {
      cr_assert_str_eq(many.names[o], one.names[o], "%zu ranges: section %zu", counts[c], o);
      cr_assert_eq(many.nmembers[o], one.nmembers[o], "%zu ranges: %s", counts[c], one.names[o]);
      for (size_t k = 0; k < one.nmembers[o]; k++)
        cr_assert_eq(many.members[o][k], one.members[o][k], "%zu ranges: %s member %zu",
                     counts[c], one.names[o], k);
    }
  }
  ctx.live = (struct vec){0};
  ctx.osecs = (struct vec){0};
}

/* ---- thread pool ----
 * Guided scheduling hands out shrinking chunks: every index must still be
 * run exactly once, for any count, on any number of threads. */
static void count_visit(void *arg, int64_t i) { atomic_fetch_add(&((atomic_int *)arg)[i], 1); }

Test(pool, every_index_exactly_once) {
  pool_init(3);
  static const int64_t sizes[] = {0, 1, 2, 3, 7, 12, 13, 100, 12345};
  for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
    int64_t n = sizes[s];
    atomic_int *seen = calloc((size_t)n + 1, sizeof(atomic_int));
    for (int round = 0; round < 3; round++)
      parallel_for(n, count_visit, seen);
    for (int64_t i = 0; i < n; i++)
      cr_assert_eq(atomic_load(&seen[i]), 3, "n=%lld: index %lld ran %d times", (long long)n,
                   (long long)i, atomic_load(&seen[i]));
    cr_assert_eq(atomic_load(&seen[n]), 0);
    free(seen);
  }
}

/* pool_serial (a small link): every loop runs on the caller's thread, in
 * index order, until it is switched off again. */
struct serial_log {
  pthread_t caller;
  int64_t next;
  bool elsewhere, out_of_order;
};

static void log_visit(void *arg, int64_t i) {
  struct serial_log *log = arg;
  log->elsewhere |= !pthread_equal(pthread_self(), log->caller);
  log->out_of_order |= i != log->next;
  log->next = i + 1;
}

Test(pool, serial_runs_on_the_caller_in_order) {
  pool_init(3);
  cr_assert_eq(pool_size(), 3);
  pool_serial(true);
  cr_assert_eq(pool_size(), 1);
  struct serial_log log = {.caller = pthread_self()};
  parallel_for(5000, log_visit, &log);
  cr_assert_eq(log.next, 5000);
  cr_assert(!log.elsewhere, "an item ran on a worker");
  cr_assert(!log.out_of_order, "items ran out of order");
  pool_serial(false);
  cr_assert_eq(pool_size(), 3);
  atomic_int *seen = calloc(1000, sizeof(atomic_int));
  parallel_for(1000, count_visit, seen);
  for (int i = 0; i < 1000; i++)
    cr_assert_eq(atomic_load(&seen[i]), 1);
  free(seen);
}

/* Workers start on a CPU other than the caller's (pool_init), then may run
 * anywhere the process may: each one's mask ends up the process's. */
struct mask_check {
  cpu_set_t want;
  pthread_t caller;
  atomic_int on_workers, wrong;
};

static void check_mask(void *arg, int64_t i) {
  struct mask_check *c = arg;
  cpu_set_t mine;
  usleep(20); /* long enough that every worker takes items */
  if (pthread_equal(pthread_self(), c->caller))
    return;
  atomic_fetch_add(&c->on_workers, 1);
  if (pthread_getaffinity_np(pthread_self(), sizeof(mine), &mine) || !CPU_EQUAL(&mine, &c->want))
    atomic_fetch_add(&c->wrong, 1);
}

Test(pool, workers_may_run_on_every_allowed_cpu) {
  static struct mask_check c;
  cr_assert_eq(sched_getaffinity(0, sizeof(c.want), &c.want), 0);
  pool_init(3);
  c.caller = pthread_self();
  parallel_for(2000, check_mask, &c);
  cr_assert_gt(atomic_load(&c.on_workers), 0, "no item ran on a worker");
  cr_assert_eq(atomic_load(&c.wrong), 0, "%d items ran on a worker with a narrower mask",
               atomic_load(&c.wrong));
}

/* lock_short: mutual exclusion like pthread_mutex_lock, whether the holder
 * lets go within the spin or long after it (the waiter then blocks). */
static pthread_mutex_t short_mu = PTHREAD_MUTEX_INITIALIZER;
static long short_count;
enum { SHORT_ROUNDS = 200000 };

static void *bump_under_lock(void *unused) {
  for (int i = 0; i < SHORT_ROUNDS; i++) {
    lock_short(&short_mu);
    long v = short_count; /* a lost update shows if two threads get in */
    __asm__ volatile("" ::: "memory");
    short_count = v + 1;
    pthread_mutex_unlock(&short_mu);
  }
  return NULL;
}

Test(pool, lock_short_excludes) {
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, bump_under_lock, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  cr_assert_eq(short_count, 4L * SHORT_ROUNDS);
}

static atomic_int waiter_in;

static void *take_and_note(void *unused) {
  lock_short(&short_mu);
  atomic_store(&waiter_in, 1);
  pthread_mutex_unlock(&short_mu);
  return NULL;
}

Test(pool, lock_short_waits_for_a_long_holder) {
  pthread_mutex_lock(&short_mu);
  pthread_t t;
  pthread_create(&t, NULL, take_and_note, NULL);
  usleep(100 * 1000); /* far past the spin: the waiter is blocked by now */
  cr_assert_eq(atomic_load(&waiter_in), 0, "got a lock that was held");
  pthread_mutex_unlock(&short_mu);
  pthread_join(t, NULL);
  cr_assert_eq(atomic_load(&waiter_in), 1);
}

/* The hold moves: the lock left is free (trylock takes it), the one
 * taken is held, the same one again is kept, NULL lets go. */
Test(pool, lock_switch_moves_the_hold) {
  pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER, *held = NULL;
  lock_switch(&held, &a);
  cr_assert_eq(held, &a);
  cr_assert_neq(pthread_mutex_trylock(&a), 0, "a is not held");
  lock_switch(&held, &a); /* already held: a second lock would deadlock */
  lock_switch(&held, &b);
  cr_assert_eq(held, &b);
  cr_assert_eq(pthread_mutex_trylock(&a), 0, "a was not let go");
  pthread_mutex_unlock(&a);
  cr_assert_neq(pthread_mutex_trylock(&b), 0, "b is not held");
  lock_switch(&held, NULL);
  cr_assert_null(held);
  cr_assert_eq(pthread_mutex_trylock(&b), 0, "b was not let go");
  pthread_mutex_unlock(&b);
}

/* Shard order: every index once, by key, and in index order within a key
 * (the interning that follows keeps each file's or batch's order per shard). */
Test(pool, order_by_key_is_a_stable_sort) {
  enum { N = 5000 };
  static uint8_t key[N];
  static uint32_t order[N];
  uint32_t x = 12345;
  for (uint32_t i = 0; i < N; i++) {
    x = x * 1103515245u + 12345u;
    key[i] = (uint8_t)(i % 7 == 0 ? 255 : i % 5 == 0 ? 0 : x >> 24);
  }
  order_by_key(key, N, order);
  static bool seen[N];
  for (uint32_t j = 0; j < N; j++) {
    cr_assert_lt(order[j], N);
    cr_assert(!seen[order[j]], "index %u twice", order[j]);
    seen[order[j]] = true;
    if (j) {
      uint32_t a = order[j - 1], b = order[j];
      cr_assert(key[a] < key[b] || (key[a] == key[b] && a < b),
                "at %u: %u (key %u) before %u (key %u)", j, a, key[a], b, key[b]);
    }
  }
  order_by_key(key, 0, order); /* nothing to order: writes nothing */
}

/* ---- heap accounting ---- */

/* The heap figure --stats reports and --max-memory limits: a large block
 * counts at least its size while it lives, and nothing once freed. */
Test(arena, heap_in_use_follows_large_blocks) {
  enum { SIZE = 3 << 20 };
  uint64_t before = heap_in_use();
  uint8_t *p = xcalloc(1, SIZE);
  cr_assert_geq(heap_in_use(), before + SIZE);
  cr_assert_eq(p[SIZE - 1], 0, "xcalloc returns zeroed memory");
  p = xrealloc(p, 2 * SIZE);
  cr_assert_geq(heap_in_use(), before + 2 * SIZE);
  xfree(p);
  cr_assert_eq(heap_in_use(), before);
}

/* A thread's arena grows block by block: 12 MiB of objects, across a
 * dozen blocks, are each zeroed when handed out and stay apart and intact. */
enum { OBJ = 4000, NOBJ = (12 << 20) / OBJ };

static void *fill_arena(void *arg) {
  uint8_t **objs = arg;
  for (int i = 0; i < NOBJ; i++) {
    objs[i] = xalloc(OBJ);
    for (int k = 0; k < OBJ; k++)
      if (objs[i][k])
        return (void *)"not zeroed";
    memset(objs[i], i & 0xff, OBJ);
  }
  return NULL;
}

Test(arena, objects_stay_apart_across_blocks) {
  uint8_t **objs = calloc(NOBJ, sizeof(*objs));
  pthread_t t;
  void *err;
  pthread_create(&t, NULL, fill_arena, objs);
  pthread_join(t, &err);
  cr_assert_null(err, "%s", (char *)err);
  for (int i = 0; i < NOBJ; i++)
    for (int k = 0; k < OBJ; k += 997)
      cr_assert_eq(objs[i][k], i & 0xff, "object %d overwritten", i);
  free(objs);
}

/* ---- what exit would free: the spans, joined and shared out ---- */

Test(arena, merge_spans_joins_what_touches) {
  struct span s[] = {{0x9000, 0xa000}, {0x1000, 0x3000}, {0x3000, 0x4000},
                     {0x6000, 0x8000}, {0x7000, 0x7800}, {0x8000, 0x9000}};
  size_t n = merge_spans(s, 6);
  cr_assert_eq(n, 2);
  cr_assert(s[0].lo == 0x1000 && s[0].hi == 0x4000);
  cr_assert(s[1].lo == 0x6000 && s[1].hi == 0xa000, "[%lx, %lx)", (unsigned long)s[1].lo,
            (unsigned long)s[1].hi);
}

/* Every byte of the spans falls in exactly one thread's share, whatever
 * the spans and the number of shares. */
Test(arena, span_shares_cover_each_byte_once) {
  srand(7);
  for (int round = 0; round < 200; round++) {
    struct span s[12];
    size_t n = (size_t)(rand() % 12) + 1;
    uintptr_t at = 0x10000;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
      at += (uintptr_t)(rand() % 3) * 0x1000; /* a gap, or none */
      s[i].lo = at;
      at += (uintptr_t)(rand() % 5 + 1) * 0x1000;
      s[i].hi = at;
    }
    n = merge_spans(s, n);
    for (size_t i = 0; i < n; i++)
      total += s[i].hi - s[i].lo;
    int nt = rand() % 5 + 1;
    uint64_t share = ALIGN_UP(total / (uint64_t)nt + 1, 0x1000);
    static uint8_t hits[0x100000];
    memset(hits, 0, sizeof(hits));
    uint64_t seen = 0;
    for (int t = 0; t < nt; t++) {
      struct span out[12];
      size_t k = span_share(s, n, (uint64_t)t * share, (uint64_t)(t + 1) * share, out);
      for (size_t i = 0; i < k; i++) {
        cr_assert(out[i].lo < out[i].hi && out[i].lo % 0x1000 == 0 && out[i].hi % 0x1000 == 0);
        for (uintptr_t p = out[i].lo; p < out[i].hi; p += 0x1000) {
          hits[(p - 0x10000) / 0x1000]++;
          seen += 0x1000;
        }
      }
    }
    cr_assert_eq(seen, total, "round %d: %llu of %llu bytes", round, (unsigned long long)seen,
                 (unsigned long long)total);
    for (size_t i = 0; i < n; i++)
      for (uintptr_t p = s[i].lo; p < s[i].hi; p += 0x1000)
        cr_assert_eq(hits[(p - 0x10000) / 0x1000], 1, "round %d: page %lx", round,
                     (unsigned long)p);
  }
}

/* ---- output written over: what must be zeroed ---- */

Test(write, uncovered_is_the_complement_of_the_ranges) {
  struct span cov[] = {{300, 400}, {100, 200}, {150, 250}, {250, 260}, {900, 1200}};
  struct span gaps[6];
  size_t n = uncovered(cov, 5, 1000, gaps);
  cr_assert_eq(n, 3);
  struct span want[] = {{0, 100}, {260, 300}, {400, 900}};
  for (size_t i = 0; i < n; i++)
    cr_assert(gaps[i].lo == want[i].lo && gaps[i].hi == want[i].hi,
              "gap %zu is [%llu, %llu)", i, (unsigned long long)gaps[i].lo,
              (unsigned long long)gaps[i].hi);
  /* nothing covered: all of it; all covered: nothing; end inside a range */
  cr_assert_eq(uncovered(cov, 0, 50, gaps), 1);
  cr_assert(gaps[0].lo == 0 && gaps[0].hi == 50);
  struct span all[] = {{0, 70}};
  cr_assert_eq(uncovered(all, 1, 50, gaps), 0);
  struct span tail[] = {{10, 20}, {40, 90}};
  cr_assert_eq(uncovered(tail, 2, 60, gaps), 2);
  cr_assert(gaps[1].lo == 20 && gaps[1].hi == 40);
}

/* ---- --strip-debug: debug stretches fenced off ---- */

/* A gcc-like object: header, code [64, 12 KiB), debug info [12, 76 KiB),
 * symbol table [76, 80 KiB), code relocations [80, 82 KiB), debug
 * relocations [82, 160 KiB), section headers at 160 KiB. */
static size_t fences_of(uint64_t off, uint64_t (*runs)[2]) {
  Elf64_Shdr sh[7] = {{0}};
  sh[1] = (Elf64_Shdr){.sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
                       .sh_offset = 64, .sh_size = (12 << 10) - 64};
  sh[2] = (Elf64_Shdr){.sh_type = SHT_PROGBITS, .sh_offset = 12 << 10, .sh_size = 64 << 10};
  sh[3] = (Elf64_Shdr){.sh_type = SHT_SYMTAB, .sh_offset = 76 << 10, .sh_size = 4 << 10};
  sh[4] = (Elf64_Shdr){.sh_type = SHT_RELA, .sh_info = 1, .sh_offset = 80 << 10,
                       .sh_size = 2 << 10};
  sh[5] = (Elf64_Shdr){.sh_type = SHT_RELA, .sh_info = 2, .sh_offset = 82 << 10,
                       .sh_size = 78 << 10};
  sh[6] = (Elf64_Shdr){.sh_type = SHT_NOBITS, .sh_flags = SHF_ALLOC, .sh_offset = 1 << 30,
                       .sh_size = 1 << 30};
  return plan_fences((const uint8_t *)sh, true, 7, 160 << 10, off, (160 << 10) + sizeof(sh),
                     4096, runs, 8);
}

Test(fence, debug_stretches_of_an_object) {
  uint64_t runs[8][2];
  size_t n = fences_of(0, runs);
  /* the debug info's whole pages, and the debug relocations' from the
   * page after the code relocations end */
  cr_assert_eq(n, 2);
  cr_assert(runs[0][0] == 12 << 10 && runs[0][1] == 76 << 10, "[%#llx, %#llx)",
            (unsigned long long)runs[0][0], (unsigned long long)runs[0][1]);
  cr_assert(runs[1][0] == 84 << 10 && runs[1][1] == 160 << 10, "[%#llx, %#llx)",
            (unsigned long long)runs[1][0], (unsigned long long)runs[1][1]);
}

Test(fence, member_at_an_odd_offset) {
  uint64_t runs[8][2];
  /* an archive member at an odd offset: its stretches move with it and
   * stay within its own whole pages */
  uint64_t off = (1 << 20) + 60 + 8;
  size_t n = fences_of(off, runs);
  cr_assert_eq(n, 2);
  cr_assert_eq(runs[0][0], ALIGN_UP(off + (12 << 10), 4096));
  cr_assert_eq(runs[0][1], (off + (76 << 10)) & ~4095ull);
  cr_assert_gt(runs[0][0], off);
  cr_assert_lt(runs[1][1], off + (160 << 10));
}

Test(fence, section_outside_the_object_fences_nothing) {
  Elf64_Shdr sh[2] = {{0}};
  sh[1] = (Elf64_Shdr){.sh_type = SHT_PROGBITS, .sh_offset = 4096, .sh_size = 1 << 20};
  uint64_t runs[4][2];
  cr_assert_eq(plan_fences((const uint8_t *)sh, true, 2, 64 << 10, 0, (64 << 10) + sizeof(sh),
                           4096, runs, 4), 0);
}

/* ---- debug compression ---- */

/* Parts deflated one by one, laid end to end, inflate as one raw deflate
 * stream to the bytes they came from: the full flush ends each on a byte
 * boundary with no history carried over, and only the last ends the
 * stream. An empty last part closes it too. */
static void inflates_to(const uint8_t *want, size_t n, const size_t *cuts, size_t ncuts) {
  uint8_t *z = NULL, *part = NULL;
  size_t zlen = 0;
  for (size_t k = 0; k <= ncuts; k++) {
    size_t lo = k ? cuts[k - 1] : 0, hi = k < ncuts ? cuts[k] : n;
    size_t len = deflate_part(want + lo, hi - lo, k == ncuts, &part);
    cr_assert_gt(len, 0);
    z = realloc(z, zlen + len);
    memcpy(z + zlen, part, len);
    zlen += len;
  }
  uint8_t *got = malloc(n + 1);
  z_stream s = {0};
  cr_assert_eq(inflateInit2(&s, -15), Z_OK);
  s.next_in = z, s.avail_in = (uInt)zlen;
  s.next_out = got, s.avail_out = (uInt)n + 1;
  cr_assert_eq(inflate(&s, Z_FINISH), Z_STREAM_END, "the parts do not end the stream");
  cr_assert_eq(s.avail_in, 0, "bytes after the final block");
  cr_assert_eq(s.total_out, n);
  cr_assert_arr_eq(got, want, n);
  inflateEnd(&s);
  free(got), free(z), xfree(part);
}

Test(compress, parts_inflate_as_one_stream) {
  enum { N = 3 << 20 };
  uint8_t *buf = malloc(N);
  uint32_t x = 12345;
  for (size_t i = 0; i < N; i++) { /* DWARF-like: repeats with noise */
    x = x * 1103515245 + 12345;
    buf[i] = (i / 4096) % 3 == 0 ? (uint8_t)(x >> 24) : (uint8_t)"DW_TAG_subprogram\0"[i % 18];
  }
  size_t cuts[] = {1, 65536, 1 << 20, (1 << 20) + 7, 2 << 20};
  inflates_to(buf, N, cuts, 5);
  size_t whole[] = {N};
  inflates_to(buf, N, whole, 1); /* and an empty last part */
  inflates_to(buf, N, NULL, 0);
  free(buf);
}

/* zstd parts are frames of their own; laid end to end they decompress as
 * one (what ELFCOMPRESS_ZSTD readers do with a section's bytes). */
Test(compress, zstd_frames_decompress_as_one) {
  enum { N = 3 << 20 };
  uint8_t *buf = malloc(N), *got = malloc(N + 1), *z = NULL, *part = NULL;
  uint32_t x = 777;
  for (size_t i = 0; i < N; i++) {
    x = x * 1103515245 + 12345;
    buf[i] = (i / 8192) % 4 == 0 ? (uint8_t)(x >> 24) : (uint8_t)"DW_AT_location\0"[i % 15];
  }
  size_t cuts[] = {0, 1, 262144, 1 << 20, (1 << 20) + 3, N};
  size_t zlen = 0;
  for (size_t k = 0; k + 1 < sizeof(cuts) / sizeof(cuts[0]); k++) {
    size_t len = zstd_part(buf + cuts[k], cuts[k + 1] - cuts[k], &part);
    cr_assert_gt(len, 0);
    z = realloc(z, zlen + len);
    memcpy(z + zlen, part, len);
    zlen += len;
  }
  cr_assert_lt(zlen, N / 2, "DWARF-like bytes should compress");
  size_t n = ZSTD_decompress(got, N + 1, z, zlen);
  cr_assert_not(ZSTD_isError(n), "%s", ZSTD_getErrorName(n));
  cr_assert_eq(n, N);
  cr_assert_arr_eq(got, buf, N);
  free(buf), free(got), free(z), xfree(part);
}

/* Random bytes do not compress: the parts come out a little larger than
 * they went in (stored blocks). */
Test(compress, incompressible_part) {
  enum { N = 1 << 20 };
  uint8_t *buf = malloc(N);
  uint64_t x = 88172645463325252ull;
  for (size_t i = 0; i < N; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    buf[i] = (uint8_t)x;
  }
  size_t cuts[] = {N / 2};
  inflates_to(buf, N, cuts, 1);
  free(buf);
}

/* gcc's plugin options are kept, in order, for ld/lto.c; the link after
 * LTO is told where the plugin's objects go */
Test(options, lto_plugin, .init = x86_64) {
  const char *argv[] = {"ld", "-plugin", "/p/liblto_plugin.so", "-plugin-opt=/p/lto-wrapper",
                        "--plugin-opt", "-fresolution=x.res", "a.o"};
  struct options o = opts(7, argv);
  cr_assert_str_eq(o.plugin, "/p/liblto_plugin.so");
  cr_assert_eq(o.plugin_opts.n, 2);
  cr_assert_str_eq(o.plugin_opts.v[0], "/p/lto-wrapper");
  cr_assert_str_eq(o.plugin_opts.v[1], "-fresolution=x.res");
  cr_assert_eq(o.ninputs, 1);
  cr_assert(!o.ltrans);
  const char *argv2[] = {"ld", "a.o", "b.o", "--smelt-ltrans-at=1", "--smelt-ltrans=/t/x.o",
                         "--smelt-ltrans-lib=c"};
  struct options o2 = opts(6, argv2);
  cr_assert(o2.ltrans);
  cr_assert_eq(o2.ltrans_at, 1);
  cr_assert_eq(o2.ninputs, 2);
  cr_assert_str_eq(o2.ltrans_files.v[0], "/t/x.o");
  cr_assert_str_eq(o2.ltrans_libs.v[0], "c");
}

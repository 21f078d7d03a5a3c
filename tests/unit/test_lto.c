/* GCC LTO (ld/lto.c): the stand-in objects for the plugin's symbols, an
 * archive index read per member, and the resolutions given back. */
#include "ld/ld.h"
#include <criterion/criterion.h>

static void x86_64(void) {
  ctx.arch = arch_by_machine(EM_X86_64, true);
  symmap_init(64);
}

static struct lto_symbol psym(const char *name, int def, int vis, const char *comdat) {
  return (struct lto_symbol){.name = (char *)name, .def = (char)def, .visibility = vis,
                             .size = 24, .comdat_key = (char *)comdat};
}

static struct objfile *stub_file(const char *name, const struct lto_symbol *s, int n) {
  uint64_t size;
  const uint8_t *p = lto_claimed_stub(s, n, &size);
  struct objfile *f = objfile_from_memory(name, p, size);
  parse_objfile(f);
  cr_assert_eq(error_count(), 0);
  return f;
}

/* each kind of plugin symbol becomes the ELF symbol resolve reads it as:
 * definitions in the empty .text (weak for a COMDAT member), undefined,
 * common with the size; the visibility kept; on both ELF classes */
static void stub_symbols(uint16_t machine, bool is64) {
  ctx.arch = arch_by_machine(machine, is64);
  symmap_init(64);
  struct lto_symbol s[] = {
      psym("f_def", LDPK_DEF, LDPV_DEFAULT, NULL),
      psym("f_inline", LDPK_DEF, LDPV_DEFAULT, "f_inline"),
      psym("f_weak", LDPK_WEAKDEF, LDPV_HIDDEN, NULL),
      psym("u_strong", LDPK_UNDEF, LDPV_DEFAULT, NULL),
      psym("u_weak", LDPK_WEAKUNDEF, LDPV_PROTECTED, NULL),
      psym("c_common", LDPK_COMMON, LDPV_DEFAULT, NULL),
  };
  struct objfile *f = stub_file("ir.o", s, 6);
  cr_assert_eq(f->nsyms, 7);
  cr_assert_eq(f->first_global, 1);
  cr_assert_str_eq(f->secs[1]->name, ".text");
  uint8_t want_bind[] = {STB_GLOBAL, STB_WEAK, STB_WEAK, STB_GLOBAL, STB_WEAK, STB_GLOBAL};
  uint32_t want_shndx[] = {1, 1, 1, SHN_UNDEF, SHN_UNDEF, SHNDX_COMMON};
  uint8_t want_vis[] = {STV_DEFAULT, STV_DEFAULT, STV_HIDDEN, STV_DEFAULT, STV_PROTECTED,
                        STV_DEFAULT};
  for (uint32_t i = 0; i < 6; i++) {
    uint8_t info, other;
    uint32_t shndx;
    uint64_t value, size;
    objfile_sym(f, i + 1, &info, &other, &shndx, &value, &size);
    cr_assert_eq(f->syms[i + 1], symmap_find(s[i].name), "%s", s[i].name);
    cr_assert_eq(ELF64_ST_BIND(info), want_bind[i], "%s", s[i].name);
    cr_assert_eq(shndx, want_shndx[i], "%s", s[i].name);
    cr_assert_eq(ELF64_ST_VISIBILITY(other), want_vis[i], "%s", s[i].name);
  }
  uint8_t info, other;
  uint32_t shndx;
  uint64_t value, size;
  objfile_sym(f, 6, &info, &other, &shndx, &value, &size);
  cr_assert_eq(size, 24);
}

Test(lto, stub_symbols_elf64) { stub_symbols(EM_X86_64, true); }
Test(lto, stub_symbols_elf32) { stub_symbols(EM_386, false); }
Test(lto, stub_symbols_aarch64) { stub_symbols(EM_AARCH64, true); }

/* an archive: "/" index of three names (two for the member at 0x100, one
 * for 0x200), big-endian offsets, as ar writes it */
static size_t make_archive(uint8_t *buf, bool sym64, uint32_t count_field) {
  int w = sym64 ? 8 : 4;
  static const char names[] = "alpha\0beta\0gamma";
  uint64_t offs[] = {0x100, 0x200, 0x100};
  size_t len = (size_t)w + 3 * (size_t)w + sizeof(names);
  memcpy(buf, "!<arch>\n", 8);
  char h[61];
  snprintf(h, sizeof(h), "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", sym64 ? "/SYM64/" : "/", "0", "0",
           "0", "0", len);
  memcpy(buf + 8, h, 60);
  uint8_t *p = buf + 68;
  for (int k = 0; k < w; k++)
    p[k] = (uint8_t)((uint64_t)count_field >> (8 * (w - 1 - k)));
  for (int i = 0; i < 3; i++)
    for (int k = 0; k < w; k++)
      p[w + i * w + k] = (uint8_t)(offs[i] >> (8 * (w - 1 - k)));
  memcpy(p + 4 * w, names, sizeof(names));
  return 68 + len;
}

static void index_names(bool sym64) {
  uint8_t ar[256] = {0};
  size_t n = make_archive(ar, sym64, 3);
  const char **names;
  cr_assert_eq(lto_index_names(ar, n, 0x100, &names), 2);
  cr_assert_str_eq(names[0], "alpha");
  cr_assert_str_eq(names[1], "gamma");
  cr_assert_eq(lto_index_names(ar, n, 0x200, &names), 1);
  cr_assert_str_eq(names[0], "beta");
  cr_assert_eq(lto_index_names(ar, n, 0x300, &names), 0);
}

Test(lto, index_names_32) { index_names(false); }
Test(lto, index_names_64) { index_names(true); }

Test(lto, index_with_a_count_past_its_size_gives_nothing) {
  uint8_t ar[256] = {0};
  size_t n = make_archive(ar, false, 1000);
  const char **names;
  cr_assert_eq(lto_index_names(ar, n, 0x100, &names), 0);
  cr_assert_eq(lto_index_names(ar, 40, 0x100, &names), 0); /* cut inside the header */
}

/* resolve's outcome as the plugin hears it: a definition that won is
 * prevailing, visible or not to regular code; one that lost, preempted by
 * a regular object or by bytecode; a reference, resolved to bytecode, to a
 * regular object, or to nothing */
Test(lto, resolutions, .init = x86_64) {
  struct lto_symbol a_syms[] = {
      psym("wins_used", LDPK_DEF, 0, NULL),  psym("wins_ir_only", LDPK_DEF, 0, NULL),
      psym("loses_reg", LDPK_WEAKDEF, 0, NULL), psym("loses_ir", LDPK_WEAKDEF, 0, NULL),
      psym("to_ir", LDPK_UNDEF, 0, NULL),    psym("to_reg", LDPK_UNDEF, 0, NULL),
      psym("to_none", LDPK_WEAKUNDEF, 0, NULL),
  };
  struct lto_symbol b_syms[] = {psym("loses_ir", LDPK_DEF, 0, NULL),
                                psym("to_ir", LDPK_DEF, 0, NULL)};
  struct objfile *a = stub_file("a.o", a_syms, 7), *b = stub_file("b.o", b_syms, 2);
  struct objfile reg = {.name = "reg.o"};
  static struct lto_file *dummy; /* any non-NULL: bytecode */
  a->lto = b->lto = (struct lto_file *)&dummy;
  struct symbol *s;
  s = symmap_find("wins_used"), s->file = a, s->esym = 1, s->ref_regular = true;
  s = symmap_find("wins_ir_only"), s->file = a, s->esym = 2;
  s = symmap_find("loses_reg"), s->file = &reg, s->esym = 5;
  s = symmap_find("loses_ir"), s->file = b, s->esym = 1;
  s = symmap_find("to_ir"), s->file = b, s->esym = 2;
  s = symmap_find("to_reg"), s->file = &reg, s->esym = 9;
  int want[] = {LDPR_PREVAILING_DEF, LDPR_PREVAILING_DEF_IRONLY, LDPR_PREEMPTED_REG,
                LDPR_PREEMPTED_IR,   LDPR_RESOLVED_IR,           LDPR_RESOLVED_EXEC,
                LDPR_UNDEF};
  for (int i = 0; i < 7; i++)
    cr_assert_eq(lto_resolution(a, i, &a_syms[i]), want[i], "%s", a_syms[i].name);
  cr_assert_eq(lto_resolution(b, 0, &b_syms[0]), LDPR_PREVAILING_DEF_IRONLY);
}

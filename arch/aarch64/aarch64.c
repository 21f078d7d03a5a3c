/* AArch64 (ELF for the Arm 64-bit Architecture, "aaelf64" §5.7 relocation
 * operations; the A64 instruction set encodings for ADRP/ADD/LDR/B/MOVZ).
 *
 * Values are computed once per relocation (page-relative for ADRP, scaled
 * for loads and branches) and then encoded into the instruction's immediate
 * field by a small pure encoder, after one range check.
 *
 * A static executable needs almost no GOT:
 *  - ADR_GOT_PAGE + LD64_GOT_LO12_NC (adrp + ldr of a GOT slot) become
 *    adrp + add of the symbol itself;
 *  - TLS: the block sits above TP + 16 bytes (variant 1); TLSDESC and IE
 *    sequences become movz/movk of the TP offset, traditional GD calls
 *    become movz/movk + mrs tpidr_el0 + add.
 * -fpic code reaches the GOT with LD64_GOTPAGE_LO15, a 15-bit scaled window
 * (4096 slots) from the GOT's page: the core page-aligns .got and numbers
 * the slots these loads use first (NEEDS_GOT_NEAR). A load whose slot still
 * lands outside the window is rewritten: every GOT slot of a static image
 * is a link-time constant, so the ldr becomes a branch to a 16-byte stub
 *     ldr xT, 8f ; b back ; 8: .quad value
 * in .text that loads the same value from a literal and branches back. */
#include "arch/aarch64/aarch64.h"
#include "ld/ld.h"

enum { NHOWTO = 572 };

/* field kinds, for the encoder */
enum {
  F_DATA,   /* plain little-endian data of howto size */
  F_ADRP,   /* ADRP imm21 of page delta */
  F_ADR,    /* ADR imm21 */
  F_ADD12,  /* ADD imm12 */
  F_LDST,   /* LDR/STR imm12, scaled by the access size (in shift) */
  F_B26,    /* B/BL imm26 */
  F_B19,    /* B.cond, CBZ, LDR literal: imm19 */
  F_B14,    /* TBZ imm14 */
  F_MOVW,   /* MOVZ/MOVK imm16 of value >> shift */
  F_SMOVW,  /* signed MOVW: switches MOVZ/MOVN */
};

struct a64how {
  uint8_t field, shift, check;
};

static struct howto howto[NHOWTO];
static struct a64how a64[NHOWTO];

#define R(n, expr, size, field, shift, check)                                    \
  do {                                                                          \
    howto[n] = (struct howto){#n, expr, size, check};                           \
    a64[n] = (struct a64how){field, shift, check};                              \
  } while (0)

__attribute__((constructor)) static void init_table(void) {
  R(R_AARCH64_NONE, RX_NONE, 0, F_DATA, 0, CK_NONE);
  R(R_AARCH64_ABS64, RX_ABS, 8, F_DATA, 0, CK_NONE);
  R(R_AARCH64_ABS32, RX_ABS, 4, F_DATA, 0, CK_EITHER);
  R(R_AARCH64_ABS16, RX_ABS, 2, F_DATA, 0, CK_EITHER);
  R(R_AARCH64_PREL64, RX_PC, 8, F_DATA, 0, CK_NONE);
  R(R_AARCH64_PREL32, RX_PC, 4, F_DATA, 0, CK_SIGNED);
  R(R_AARCH64_PREL16, RX_PC, 2, F_DATA, 0, CK_SIGNED);
  R(R_AARCH64_MOVW_UABS_G0, RX_ABS, 4, F_MOVW, 0, CK_UNSIGNED);
  R(R_AARCH64_MOVW_UABS_G0_NC, RX_ABS, 4, F_MOVW, 0, CK_NONE);
  R(R_AARCH64_MOVW_UABS_G1, RX_ABS, 4, F_MOVW, 16, CK_UNSIGNED);
  R(R_AARCH64_MOVW_UABS_G1_NC, RX_ABS, 4, F_MOVW, 16, CK_NONE);
  R(R_AARCH64_MOVW_UABS_G2, RX_ABS, 4, F_MOVW, 32, CK_UNSIGNED);
  R(R_AARCH64_MOVW_UABS_G2_NC, RX_ABS, 4, F_MOVW, 32, CK_NONE);
  R(R_AARCH64_MOVW_UABS_G3, RX_ABS, 4, F_MOVW, 48, CK_NONE);
  R(R_AARCH64_MOVW_PREL_G0, RX_PC, 4, F_SMOVW, 0, CK_SIGNED);
  R(R_AARCH64_MOVW_PREL_G0_NC, RX_PC, 4, F_MOVW, 0, CK_NONE);
  R(R_AARCH64_MOVW_PREL_G1, RX_PC, 4, F_SMOVW, 16, CK_SIGNED);
  R(R_AARCH64_MOVW_PREL_G1_NC, RX_PC, 4, F_MOVW, 16, CK_NONE);
  R(R_AARCH64_MOVW_PREL_G2, RX_PC, 4, F_SMOVW, 32, CK_SIGNED);
  R(R_AARCH64_MOVW_PREL_G2_NC, RX_PC, 4, F_MOVW, 32, CK_NONE);
  R(R_AARCH64_MOVW_PREL_G3, RX_PC, 4, F_MOVW, 48, CK_NONE);
  R(R_AARCH64_LD_PREL_LO19, RX_PC, 4, F_B19, 0, CK_SIGNED);
  R(R_AARCH64_ADR_PREL_LO21, RX_PC, 4, F_ADR, 0, CK_SIGNED);
  R(R_AARCH64_ADR_PREL_PG_HI21, RX_SPECIAL, 4, F_ADRP, 0, CK_SIGNED);
  R(R_AARCH64_ADR_PREL_PG_HI21_NC, RX_SPECIAL, 4, F_ADRP, 0, CK_NONE);
  R(R_AARCH64_ADD_ABS_LO12_NC, RX_ABS, 4, F_ADD12, 0, CK_NONE);
  R(R_AARCH64_LDST8_ABS_LO12_NC, RX_ABS, 4, F_LDST, 0, CK_NONE);
  R(R_AARCH64_LDST16_ABS_LO12_NC, RX_ABS, 4, F_LDST, 1, CK_NONE);
  R(R_AARCH64_LDST32_ABS_LO12_NC, RX_ABS, 4, F_LDST, 2, CK_NONE);
  R(R_AARCH64_LDST64_ABS_LO12_NC, RX_ABS, 4, F_LDST, 3, CK_NONE);
  R(R_AARCH64_LDST128_ABS_LO12_NC, RX_ABS, 4, F_LDST, 4, CK_NONE);
  R(R_AARCH64_TSTBR14, RX_PC, 4, F_B14, 0, CK_SIGNED);
  R(R_AARCH64_CONDBR19, RX_PC, 4, F_B19, 0, CK_SIGNED);
  R(R_AARCH64_JUMP26, RX_PC, 4, F_B26, 0, CK_SIGNED);
  R(R_AARCH64_CALL26, RX_PC, 4, F_B26, 0, CK_SIGNED);
  R(R_AARCH64_GOT_LD_PREL19, RX_GOT_PC, 4, F_B19, 0, CK_SIGNED);
  R(R_AARCH64_ADR_GOT_PAGE, RX_SPECIAL, 4, F_ADRP, 0, CK_SIGNED);
  R(R_AARCH64_LD64_GOT_LO12_NC, RX_SPECIAL, 4, F_LDST, 3, CK_NONE);
  R(R_AARCH64_LD64_GOTPAGE_LO15, RX_SPECIAL, 4, F_LDST, 3, CK_NONE);
  R(R_AARCH64_TLSGD_ADR_PAGE21, RX_SPECIAL, 4, F_DATA, 0, CK_NONE);
  R(R_AARCH64_TLSGD_ADD_LO12_NC, RX_SPECIAL, 4, F_DATA, 0, CK_NONE);
  R(R_AARCH64_TLSLD_ADD_DTPREL_HI12, RX_DTPOFF, 4, F_ADD12, 12, CK_UNSIGNED);
  R(R_AARCH64_TLSLD_ADD_DTPREL_LO12, RX_DTPOFF, 4, F_ADD12, 0, CK_NONE);
  R(R_AARCH64_TLSLD_ADD_DTPREL_LO12_NC, RX_DTPOFF, 4, F_ADD12, 0, CK_NONE);
  R(R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21, RX_SPECIAL, 4, F_DATA, 0, CK_NONE);
  R(R_AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC, RX_SPECIAL, 4, F_DATA, 0, CK_NONE);
  R(R_AARCH64_TLSLE_MOVW_TPREL_G2, RX_TPOFF, 4, F_SMOVW, 32, CK_SIGNED);
  R(R_AARCH64_TLSLE_MOVW_TPREL_G1, RX_TPOFF, 4, F_SMOVW, 16, CK_SIGNED);
  R(R_AARCH64_TLSLE_MOVW_TPREL_G1_NC, RX_TPOFF, 4, F_MOVW, 16, CK_NONE);
  R(R_AARCH64_TLSLE_MOVW_TPREL_G0, RX_TPOFF, 4, F_SMOVW, 0, CK_SIGNED);
  R(R_AARCH64_TLSLE_MOVW_TPREL_G0_NC, RX_TPOFF, 4, F_MOVW, 0, CK_NONE);
  R(R_AARCH64_TLSLE_ADD_TPREL_HI12, RX_TPOFF, 4, F_ADD12, 12, CK_UNSIGNED);
  R(R_AARCH64_TLSLE_ADD_TPREL_LO12, RX_TPOFF, 4, F_ADD12, 0, CK_UNSIGNED);
  R(R_AARCH64_TLSLE_ADD_TPREL_LO12_NC, RX_TPOFF, 4, F_ADD12, 0, CK_NONE);
  R(R_AARCH64_TLSLE_LDST8_TPREL_LO12, RX_TPOFF, 4, F_LDST, 0, CK_UNSIGNED);
  R(R_AARCH64_TLSLE_LDST8_TPREL_LO12_NC, RX_TPOFF, 4, F_LDST, 0, CK_NONE);
  R(R_AARCH64_TLSLE_LDST16_TPREL_LO12, RX_TPOFF, 4, F_LDST, 1, CK_UNSIGNED);
  R(R_AARCH64_TLSLE_LDST16_TPREL_LO12_NC, RX_TPOFF, 4, F_LDST, 1, CK_NONE);
  R(R_AARCH64_TLSLE_LDST32_TPREL_LO12, RX_TPOFF, 4, F_LDST, 2, CK_UNSIGNED);
  R(R_AARCH64_TLSLE_LDST32_TPREL_LO12_NC, RX_TPOFF, 4, F_LDST, 2, CK_NONE);
  R(R_AARCH64_TLSLE_LDST64_TPREL_LO12, RX_TPOFF, 4, F_LDST, 3, CK_UNSIGNED);
  R(R_AARCH64_TLSLE_LDST64_TPREL_LO12_NC, RX_TPOFF, 4, F_LDST, 3, CK_NONE);
  R(R_AARCH64_TLSLE_LDST128_TPREL_LO12, RX_TPOFF, 4, F_LDST, 4, CK_UNSIGNED);
  R(R_AARCH64_TLSLE_LDST128_TPREL_LO12_NC, RX_TPOFF, 4, F_LDST, 4, CK_NONE);
  R(R_AARCH64_TLSDESC_ADR_PAGE21, RX_SPECIAL, 4, F_DATA, 0, CK_NONE);
  R(R_AARCH64_TLSDESC_LD64_LO12, RX_SPECIAL, 4, F_DATA, 0, CK_NONE);
  R(R_AARCH64_TLSDESC_ADD_LO12, RX_SPECIAL, 4, F_DATA, 0, CK_NONE);
  R(R_AARCH64_TLSDESC_CALL, RX_SPECIAL, 0, F_DATA, 0, CK_NONE);
}
#undef R

/* ---- instruction encoders (pure) ---- */

uint32_t a64_adrp(uint32_t insn, int64_t pages) {
  uint32_t imm = (uint32_t)pages & 0x1fffff;
  return (insn & 0x9f00001f) | (imm & 3) << 29 | (imm >> 2) << 5;
}

uint32_t a64_imm12(uint32_t insn, uint64_t imm) {
  return (insn & ~(0xfffu << 10)) | (uint32_t)(imm & 0xfff) << 10;
}

uint32_t a64_b26(uint32_t insn, int64_t delta) {
  return (insn & 0xfc000000) | ((uint32_t)(delta >> 2) & 0x3ffffff);
}

uint32_t a64_b19(uint32_t insn, int64_t delta) {
  return (insn & ~(0x7ffffu << 5)) | ((uint32_t)(delta >> 2) & 0x7ffff) << 5;
}

uint32_t a64_b14(uint32_t insn, int64_t delta) {
  return (insn & ~(0x3fffu << 5)) | ((uint32_t)(delta >> 2) & 0x3fff) << 5;
}

uint32_t a64_movw(uint32_t insn, uint64_t imm16) {
  return (insn & ~(0xffffu << 5)) | (uint32_t)(imm16 & 0xffff) << 5;
}

/* Signed MOVW: MOVZ for non-negative values, MOVN (inverted) for negative
 * ones; MOVK is left alone. */
uint32_t a64_smovw(uint32_t insn, int64_t v, int shift) {
  uint64_t imm = (uint64_t)(v >> shift);
  if (!(insn & (1u << 29))) {
    if (v < 0) {
      imm = ~imm;
      insn &= ~(1u << 30);
    } else {
      insn |= 1u << 30;
    }
  }
  return a64_movw(insn, imm);
}

/* ldr xT, [xN, #imm] -> add xT, xN, #lo12 */
uint32_t a64_ldr_to_add(uint32_t ldr, uint64_t lo12) {
  uint32_t rt = ldr & 0x1f, rn = (ldr >> 5) & 0x1f;
  return 0x91000000 | (uint32_t)(lo12 & 0xfff) << 10 | rn << 5 | rt;
}

uint32_t a64_movz_x(uint32_t rd, uint64_t imm16, int hw) {
  return 0xd2800000 | (uint32_t)hw << 21 | (uint32_t)(imm16 & 0xffff) << 5 | (rd & 0x1f);
}

uint32_t a64_movk_x(uint32_t rd, uint64_t imm16, int hw) {
  return 0xf2800000 | (uint32_t)hw << 21 | (uint32_t)(imm16 & 0xffff) << 5 | (rd & 0x1f);
}

static const uint32_t NOP = 0xd503201f;

static uint64_t page(uint64_t x) { return x & ~(uint64_t)0xfff; }

/* ---- scan ---- */

static bool check_rel(struct isec *isec, const struct rel *r) {
  struct objfile *f = isec->file;
  if (r->type >= NHOWTO || !howto[r->type].name) {
    error("%s:(%s+0x%llx): unknown relocation type %u", f->name, isec->name,
          (unsigned long long)r->offset, r->type);
    return false;
  }
  if (r->sym >= f->nsyms) {
    error("%s:(%s+0x%llx): relocation %s has a bad symbol index %u", f->name, isec->name,
          (unsigned long long)r->offset, howto[r->type].name, r->sym);
    return false;
  }
  if (r->offset > isec->size || isec->size - r->offset < howto[r->type].size) {
    error("%s:(%s+0x%llx): relocation %s is outside its section (size 0x%llx)", f->name,
          isec->name, (unsigned long long)r->offset, howto[r->type].name,
          (unsigned long long)isec->size);
    return false;
  }
  return true;
}

static bool got_relaxable(const struct symbol *sym) {
  return sym_is_defined(sym) && sym->type != STT_GNU_IFUNC;
}

static void scan_relocs(struct isec *isec) {
  struct objfile *f = isec->file;
  uint32_t n = isec_nrels(isec);
  for (uint32_t i = 0; i < n; i++) {
    struct rel r;
    get_rel(isec, i, &r);
    if (!check_rel(isec, &r))
      continue;
    struct symbol *sym = f->syms[r.sym];
    record_undef(isec, &r, sym);
    switch (r.type) {
    case R_AARCH64_ADR_GOT_PAGE:
    case R_AARCH64_LD64_GOT_LO12_NC:
      if (!got_relaxable(sym))
        mark_sym(sym, NEEDS_GOT);
      break;
    case R_AARCH64_GOT_LD_PREL19:
      mark_sym(sym, NEEDS_GOT);
      break;
    case R_AARCH64_LD64_GOTPAGE_LO15:
      mark_sym(sym, NEEDS_GOT | NEEDS_GOT_NEAR);
      break;
    case R_AARCH64_TLSGD_ADR_PAGE21:
      /* the bl __tls_get_addr that follows the add goes away */
      break;
    case R_AARCH64_TLSGD_ADD_LO12_NC:
      if (i + 1 < n) {
        struct rel next;
        get_rel(isec, i + 1, &next);
        if (next.type == R_AARCH64_CALL26 && next.offset == r.offset + 4 &&
            isec->size - next.offset >= 8 && rd32(isec->data + next.offset + 4) == NOP) {
          i++;
          break;
        }
      }
      error("%s:(%s+0x%llx): general-dynamic TLS access to %s is not the adrp/add/bl/nop "
            "sequence smelt can relax",
            f->name, isec->name, (unsigned long long)r.offset, sym_display(sym));
      break;
    }
  }
}

/* ---- the GOT window ---- */

enum { WINDOW = 32768, STUB = 16 };

static struct isec *stubs;

static bool outside_window(const struct symbol *sym, int64_t addend) {
  return sym->got_idx >= 0 && (uint64_t)sym->got_idx * 8 + (uint64_t)addend >= WINDOW;
}

static uint32_t count_outside(struct isec *isec) {
  uint32_t n = isec_nrels(isec), count = 0;
  for (uint32_t i = 0; i < n; i++) {
    struct rel r;
    get_rel(isec, i, &r);
    if (r.type == R_AARCH64_LD64_GOTPAGE_LO15 && r.sym < isec->file->nsyms &&
        outside_window(isec->file->syms[r.sym], r.addend))
      count++;
  }
  return count;
}

/* Sizes the stub section, numbering stubs in command-line order. */
static void after_scan(void) {
  uint32_t total = 0;
  struct osec *text = NULL;
  for (size_t i = 0; i < ctx.live.n; i++) {
    struct objfile *f = ctx.live.v[i];
    for (uint32_t k = 1; k < f->nsecs; k++) {
      struct isec *isec = f->secs[k];
      if (!isec || !isec->alive || !(isec->flags & SHF_ALLOC) || !isec->relsec)
        continue;
      if ((isec->flags & SHF_EXECINSTR) && !text)
        text = isec->osec;
      isec->stub_base = total;
      if (ctx.ngot * 8 > WINDOW)
        total += count_outside(isec);
    }
  }
  if (!total || !text)
    return;
  stubs = xalloc(sizeof(*stubs));
  stubs->file = ctx.internal;
  stubs->name = ".text.smelt.got_window";
  stubs->type = SHT_PROGBITS;
  stubs->flags = SHF_ALLOC | SHF_EXECINSTR;
  stubs->size = (uint64_t)total * STUB;
  stubs->addralign = 8;
  stubs->alive = true;
  stubs->osec = text;
  stubs->data = xalloc(stubs->size); /* written during apply */
  vec_push(&text->members, stubs);
}

/* ldr xT, [xN, #lo15] -> b stub; stub: ldr xT, #8; b back; .quad value */
static void redirect_to_stub(uint8_t *loc, uint64_t P, uint32_t idx, uint64_t value) {
  uint64_t stub = isec_addr(stubs) + (uint64_t)idx * STUB;
  uint8_t *s = ctx.out + stubs->osec->offset + stubs->out_off + (uint64_t)idx * STUB;
  uint32_t rt = rd32(loc) & 0x1f;
  wr32(s, 0x58000040 | rt); /* ldr xT, #8 */
  wr32(s + 4, a64_b26(0x14000000, (int64_t)(P + 4 - (stub + 4))));
  wr64(s + 8, value);
  wr32(loc, a64_b26(0x14000000, (int64_t)(stub - P)));
}

/* ---- apply ---- */

static void encode(struct isec *isec, const struct rel *r, const struct symbol *sym,
                   uint8_t *loc, uint64_t v) {
  const struct a64how *a = &a64[r->type];
  const struct howto *h = &howto[r->type];
  uint32_t insn = h->size == 4 ? rd32(loc) : 0;
  int64_t s = (int64_t)v;
  switch (a->field) {
  case F_DATA:
    write_field(isec, r, sym, loc, s, h->size, h->check);
    return;
  case F_ADRP:
    if (a->check && (s < -(INT64_C(1) << 32) || s >= (INT64_C(1) << 32)))
      report_range(isec, r, sym, s, -(INT64_C(1) << 32), (INT64_C(1) << 32) - 1);
    wr32(loc, a64_adrp(insn, s >> 12));
    return;
  case F_ADR:
    if (s < -(1 << 20) || s >= (1 << 20))
      report_range(isec, r, sym, s, -(1 << 20), (1 << 20) - 1);
    wr32(loc, a64_adrp(insn, s)); /* same immlo/immhi layout */
    return;
  case F_ADD12:
    if (a->check == CK_UNSIGNED && (v >> a->shift) >= 4096)
      report_range(isec, r, sym, s, 0, (INT64_C(4096) << a->shift) - 1);
    wr32(loc, a64_imm12(insn, v >> a->shift));
    return;
  case F_LDST:
    if (v & ((1u << a->shift) - 1) & 0xfff)
      error("%s:(%s+0x%llx): relocation %s against %s: 0x%llx is not aligned to %u bytes",
            isec->file->name, isec->name, (unsigned long long)r->offset, h->name,
            sym_display(sym), (unsigned long long)v, 1u << a->shift);
    if (a->check == CK_UNSIGNED && v >= 4096)
      report_range(isec, r, sym, s, 0, 4095);
    wr32(loc, a64_imm12(insn, (v & 0xfff) >> a->shift));
    return;
  case F_B26:
    if (s < -(INT64_C(1) << 27) || s >= (INT64_C(1) << 27))
      report_range(isec, r, sym, s, -(INT64_C(1) << 27), (INT64_C(1) << 27) - 1);
    wr32(loc, a64_b26(insn, s));
    return;
  case F_B19:
    if (s < -(1 << 20) || s >= (1 << 20))
      report_range(isec, r, sym, s, -(1 << 20), (1 << 20) - 1);
    wr32(loc, a64_b19(insn, s));
    return;
  case F_B14:
    if (s < -(1 << 15) || s >= (1 << 15))
      report_range(isec, r, sym, s, -(1 << 15), (1 << 15) - 1);
    wr32(loc, a64_b14(insn, s));
    return;
  case F_MOVW:
    if (a->check == CK_UNSIGNED && a->shift < 48 && (v >> a->shift) > 0xffff)
      report_range(isec, r, sym, s, 0, (INT64_C(1) << (a->shift + 16)) - 1);
    wr32(loc, a64_movw(insn, v >> a->shift));
    return;
  case F_SMOVW: {
    int64_t lim = INT64_C(1) << (a->shift + 16);
    if (a->shift < 48 && (s < -lim || s >= lim))
      report_range(isec, r, sym, s, -lim, lim - 1);
    wr32(loc, a64_smovw(insn, s, a->shift));
    return;
  }
  }
}

static void apply_relocs(struct isec *isec, uint8_t *buf, uint64_t addr) {
  struct objfile *f = isec->file;
  uint32_t n = isec_nrels(isec), stub_next = 0;
  for (uint32_t i = 0; i < n; i++) {
    struct rel r;
    get_rel(isec, i, &r);
    if (r.type >= NHOWTO || !howto[r.type].name || r.sym >= f->nsyms ||
        r.offset > isec->size || isec->size - r.offset < howto[r.type].size)
      continue; /* reported by scan */
    const struct howto *h = &howto[r.type];
    struct symbol *sym = f->syms[r.sym];
    uint64_t off = r.offset;
    if (isec->eh) {
      bool dead;
      off = isec_out_offset(isec, r.offset, &dead);
      if (dead)
        continue;
    }
    uint8_t *loc = buf + off;
    uint64_t P = addr + off;
    uint64_t SA = sym_va(sym, r.addend);
    uint64_t tpoff = SA - ctx.tp_addr;
    uint32_t insn = h->size == 4 ? rd32(loc) : 0;

    switch (r.type) {
    case R_AARCH64_NONE:
      continue;
    case R_AARCH64_ADR_PREL_PG_HI21:
    case R_AARCH64_ADR_PREL_PG_HI21_NC:
      encode(isec, &r, sym, loc, page(SA) - page(P));
      continue;
    case R_AARCH64_ADR_GOT_PAGE:
      if (got_relaxable(sym))
        encode(isec, &r, sym, loc, page(SA) - page(P));
      else
        encode(isec, &r, sym, loc, page(got_slot_addr(sym) + r.addend) - page(P));
      continue;
    case R_AARCH64_LD64_GOT_LO12_NC:
      if (got_relaxable(sym))
        wr32(loc, a64_ldr_to_add(insn, SA));
      else
        encode(isec, &r, sym, loc, got_slot_addr(sym) + r.addend);
      continue;
    case R_AARCH64_LD64_GOTPAGE_LO15: {
      uint64_t v = got_slot_addr(sym) + r.addend - page(got_base());
      if (outside_window(sym, r.addend)) {
        if (r.addend) {
          error("%s:(%s+0x%llx): R_AARCH64_LD64_GOTPAGE_LO15 against %s+%lld is outside the "
                "GOT window and has an addend", f->name, isec->name,
                (unsigned long long)r.offset, sym_display(sym), (long long)r.addend);
          continue;
        }
        redirect_to_stub(loc, P, isec->stub_base + stub_next++, sym_addr(sym));
        continue;
      }
      wr32(loc, a64_imm12(insn, v >> 3));
      continue;
    }
    case R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21:
      wr32(loc, a64_movz_x(insn, tpoff >> 16, 1));
      continue;
    case R_AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC:
      wr32(loc, a64_movk_x(insn, tpoff, 0));
      continue;
    case R_AARCH64_TLSDESC_ADR_PAGE21:
      wr32(loc, a64_movz_x(0, tpoff >> 16, 1)); /* TLSDESC results are in x0 */
      continue;
    case R_AARCH64_TLSDESC_LD64_LO12:
      wr32(loc, a64_movk_x(0, tpoff, 0));
      continue;
    case R_AARCH64_TLSDESC_ADD_LO12:
    case R_AARCH64_TLSDESC_CALL:
      wr32(loc, NOP);
      continue;
    case R_AARCH64_TLSGD_ADR_PAGE21:
      wr32(loc, a64_movz_x(0, tpoff >> 16, 1));
      continue;
    case R_AARCH64_TLSGD_ADD_LO12_NC:
      wr32(loc, a64_movk_x(0, tpoff, 0));
      if (i + 1 < n) {
        wr32(loc + 4, 0xd53bd041);     /* mrs x1, tpidr_el0 (was bl __tls_get_addr) */
        wr32(loc + 8, 0x8b000020);     /* add x0, x1, x0 (was nop) */
        i++;
      }
      continue;
    case R_AARCH64_TLSLD_ADD_DTPREL_HI12:
    case R_AARCH64_TLSLD_ADD_DTPREL_LO12:
    case R_AARCH64_TLSLD_ADD_DTPREL_LO12_NC:
      encode(isec, &r, sym, loc, SA - ctx.tls_begin);
      continue;
    default:
      encode(isec, &r, sym, loc, generic_value(isec, &r, sym, h->expr, P));
    }
  }
}

static bool is_call_reloc(uint32_t type) {
  return type == R_AARCH64_CALL26 || type == R_AARCH64_JUMP26;
}

static const char *const emulations[] = {"aarch64linux", "aarch64elf", NULL};

const struct arch arch_aarch64 = {
    .name = "aarch64",
    .emulations = emulations,
    .machine = EM_AARCH64,
    .is64 = true,
    .is_rela = true,
    .page_size = 65536,
    .image_base = 0x400000,
    .tls_variant = 1,
    .nhowto = NHOWTO,
    .howto = howto,
    .got_entsize = 8,
    .got_page_aligned = true,
    .scan_relocs = scan_relocs,
    .apply_relocs = apply_relocs,
    .apply_nonalloc_relocs = apply_nonalloc_generic,
    .is_call_reloc = is_call_reloc,
    .after_scan = after_scan,
};

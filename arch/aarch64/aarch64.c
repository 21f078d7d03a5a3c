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
 * in .text that loads the same value from a literal and branches back. In
 * a static PIE, where a literal would need a load-time relocation in code,
 * the stub computes an address in the image instead:
 *     adrp xT, value ; add xT, xT, :lo12:value ; b back ; nop
 *
 * B and BL reach +-128 MiB. When the executable sections span more than
 * that, the core's layout calls add_thunks() after placing them: the text
 * is cut into groups of at most GROUP bytes, each followed by a thunk
 * island (".text.smelt.thunks"), and a branch whose target is out of reach
 * goes to a thunk in its own group's island,
 *     adrp x16, T ; add x16, x16, :lo12:T ; br x16
 * which reaches +-4 GiB (x16 is IP0, free at any call or jump, AAPCS64
 * §6.4). One thunk per (target, island), shared by every caller of the
 * group. Thunks only ever get added, so the layout reaches a fixpoint; the
 * scan walks sections in output order, so thunk order and the bytes do not
 * depend on threads. When the executable sections span less than the
 * branch range, add_thunks() returns at once. */
#include "arch/aarch64/aarch64.h"
#include "ld/ld.h"
#include <stdlib.h>

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

/* adrp xD, T placed at P. False if T is beyond adrp's +-4 GiB. */
static bool adrp(uint8_t out[4], uint32_t rd, uint64_t P, uint64_t T) {
  int64_t pages = (int64_t)((T & ~(uint64_t)0xfff) - (P & ~(uint64_t)0xfff)) >> 12;
  if (pages < -(INT64_C(1) << 20) || pages >= (INT64_C(1) << 20))
    return false;
  wr32(out, a64_adrp(0x90000000 | rd, pages));
  return true;
}

/* adrp xD, T ; add xD, xD, :lo12:T, placed at P. False if T is beyond
 * adrp's +-4 GiB. */
static bool adrp_add(uint8_t out[8], uint32_t rd, uint64_t P, uint64_t T) {
  if (!adrp(out, rd, P, T))
    return false;
  wr32(out + 4, a64_imm12(0x91000000 | rd << 5 | rd, T));
  return true;
}

/* adrp xD, T ; ldr xT, [xD, :lo12:T] (T 8-aligned), placed at P. */
static bool adrp_ldr(uint8_t out[8], uint32_t rd, uint32_t rt, uint64_t P, uint64_t T) {
  if (!adrp(out, rd, P, T))
    return false;
  wr32(out + 4, a64_imm12(0xf9400000 | rd << 5 | rt, (T & 0xfff) >> 3));
  return true;
}

/* adrp x16, T ; add x16, x16, :lo12:T ; br x16, placed at P. False if T
 * is beyond adrp's +-4 GiB. */
bool a64_thunk(uint8_t out[12], uint64_t P, uint64_t T) {
  if (!adrp_add(out, 16, P, T))
    return false;
  wr32(out + 8, 0xd61f0200);
  return true;
}

static const uint32_t NOP = 0xd503201f;

static bool b26_reaches(int64_t d) {
  return d >= -(INT64_C(1) << 27) && d < (INT64_C(1) << 27);
}

static uint64_t page(uint64_t x) { return x & ~(uint64_t)0xfff; }

/* ---- scan ---- */

/* adrp + add is PC-relative: in a static PIE only for addresses in the
 * image, not for absolute values. With --emit-relocs the GOT loads stay,
 * as GNU ld leaves them: BOLT 15 misplaces an adrp + add made of one when
 * its target ends a section (__fini_array_end), and reads the loads. */
static bool got_relaxable(const struct symbol *sym) {
  return sym_is_defined(sym) && sym->type != STT_GNU_IFUNC &&
         (!ctx.opt.pie || moves_with_image(sym)) && !ctx.opt.emit_relocs;
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

/* An executable section of the linker's in os (stubs, thunks, patches). */
static struct isec *linker_text(const char *name, uint32_t align, struct osec *os) {
  struct isec *isec = linker_isec(name, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, 0, align);
  isec->osec = os;
  return isec;
}

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
  stubs = linker_text(".text.smelt.got_window", 8, text);
  stubs->size = (uint64_t)total * STUB;
  stubs->data = xalloc(stubs->size); /* written during apply */
  vec_push(&text->members, stubs);
}

/* The GOT-window stub at address `stub` for the ldr at P: writes
 *     ldr xT, #8 ; b P+4 ; .quad value
 * to out and returns the b stub that replaces the ldr. */
uint32_t a64_window_stub(uint8_t out[16], uint32_t ldr, uint64_t P, uint64_t stub,
                         uint64_t value) {
  wr32(out, 0x58000040 | (ldr & 0x1f));
  wr32(out + 4, a64_b26(0x14000000, (int64_t)(P + 4 - (stub + 4))));
  wr64(out + 8, value);
  return a64_b26(0x14000000, (int64_t)(stub - P));
}

/* The same for an address T in a static PIE, computed PC-relatively:
 *     adrp xT, T ; add xT, xT, :lo12:T ; b P+4 ; nop
 * 0 if T is beyond adrp's +-4 GiB. */
uint32_t a64_window_stub_pc(uint8_t out[16], uint32_t ldr, uint64_t P, uint64_t stub,
                            uint64_t T) {
  if (!adrp_add(out, ldr & 0x1f, stub, T))
    return 0;
  wr32(out + 8, a64_b26(0x14000000, (int64_t)(P + 4 - (stub + 8))));
  wr32(out + 12, NOP);
  return a64_b26(0x14000000, (int64_t)(stub - P));
}

/* ldr xT, [xN, #lo15] -> b stub; stub: ldr xT, #8; b back; .quad value
 * (in a static PIE, for an address: adrp + add; b back) */
static void redirect_to_stub(struct isec *isec, const struct rel *r, uint8_t *loc, uint64_t P,
                             uint32_t idx, const struct symbol *sym) {
  uint64_t stub = isec_addr(stubs) + (uint64_t)idx * STUB;
  uint8_t *s = ctx.out + stubs->osec->offset + stubs->out_off + (uint64_t)idx * STUB;
  if (!ctx.opt.pie || !moves_with_image(sym)) {
    wr32(loc, a64_window_stub(s, rd32(loc), P, stub, sym_addr(sym)));
    return;
  }
  uint32_t b = a64_window_stub_pc(s, rd32(loc), P, stub, sym_addr(sym));
  if (!b)
    report_range(isec, r, sym, (int64_t)(sym_addr(sym) - stub), -(INT64_C(1) << 32),
                 (INT64_C(1) << 32) - 1);
  else
    wr32(loc, b);
}


/* ---- range-extension thunks ---- */

enum { THUNK = 12, GROUP = 100 << 20 };

/* Entry numbers by (pointer, number) keys, open addressing: an island's
 * thunks by (target, addend), the erratum patches by (section, offset). */
struct keymap {
  struct kslot {
    const void *p;
    uint64_t k;
    uint32_t idx1; /* entry number + 1, 0 = empty */
  } *slots;
  uint32_t n, nslots;
};

static uint32_t key_hash(const void *p, uint64_t k) {
  return (uint32_t)((((uint64_t)(uintptr_t)p ^ k * 0x9e3779b97f4a7c15u) * 0xff51afd7ed558ccdu) >>
                    32);
}

/* The entry number of (p, k), -1 if there is none. */
static int64_t keymap_find(const struct keymap *m, const void *p, uint64_t k) {
  if (!m->nslots)
    return -1;
  for (uint32_t h = key_hash(p, k) & (m->nslots - 1);; h = (h + 1) & (m->nslots - 1)) {
    const struct kslot *e = &m->slots[h];
    if (!e->idx1)
      return -1;
    if (e->p == p && e->k == k)
      return e->idx1 - 1;
  }
}

static void keymap_place(struct kslot *slots, uint32_t nslots, struct kslot e) {
  uint32_t h = key_hash(e.p, e.k) & (nslots - 1);
  while (slots[h].idx1)
    h = (h + 1) & (nslots - 1);
  slots[h] = e;
}

/* Adds (p, k) -> idx; the key must not be in the map. */
static void keymap_put(struct keymap *m, const void *p, uint64_t k, uint32_t idx) {
  if (++m->n * 2 > m->nslots) {
    uint32_t n = m->nslots ? m->nslots * 2 : 64;
    struct kslot *slots = xcalloc(n, sizeof(*slots));
    for (uint32_t i = 0; i < m->nslots; i++)
      if (m->slots[i].idx1)
        keymap_place(slots, n, m->slots[i]);
    xfree(m->slots);
    m->slots = slots, m->nslots = n;
  }
  keymap_place(m->slots, m->nslots, (struct kslot){p, k, idx + 1});
}

struct thunk {
  const struct symbol *sym;
  int64_t addend;
};

struct island {
  struct isec *isec;
  struct thunk *v;
  uint32_t n, cap;
  struct keymap index; /* thunk numbers by (target, addend) */
  struct isec *patches; /* Cortex-A53 843419 patches of its group, placed after it */
};

static struct island *islands;
static uint32_t nislands, islands_cap;
static bool thunks_checked;

/* The thunk of (sym, addend) in the island, -1 if there is none. */
static int64_t find_thunk(const struct island *is, const struct symbol *sym, int64_t addend) {
  return keymap_find(&is->index, sym, (uint64_t)addend);
}

static bool add_thunk(struct island *is, const struct symbol *sym, int64_t addend) {
  if (find_thunk(is, sym, addend) >= 0)
    return false;
  if (is->n == is->cap) {
    is->cap = is->cap ? is->cap * 2 : 16;
    is->v = xrealloc(is->v, is->cap * sizeof(*is->v));
  }
  keymap_put(&is->index, sym, (uint64_t)addend, is->n);
  is->v[is->n++] = (struct thunk){sym, addend};
  is->isec->size = (uint64_t)is->n * THUNK;
  return true;
}

/* The island of the group holding address P: the first one placed above
 * it (every group ends with its island). */
static struct island *island_for(uint64_t P) {
  uint32_t lo = 0, hi = nislands;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (isec_addr(islands[mid].isec) > P)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo < nislands ? &islands[lo] : NULL;
}

/* Targets a thunk can be made for: addresses known during layout. */
static bool thunkable(const struct symbol *sym) {
  return sym->kind == SYM_DEFINED || (sym->kind == SYM_ABS && sym->file != ctx.internal);
}

static struct island *new_island(struct osec *os) {
  struct isec *isec = linker_text(".text.smelt.thunks", 4, os);
  if (nislands == islands_cap) {
    islands_cap = islands_cap ? islands_cap * 2 : 8;
    islands = xrealloc(islands, islands_cap * sizeof(*islands));
  }
  islands[nislands] = (struct island){.isec = isec};
  return &islands[nislands++];
}

/* Cuts the executable sections, in address order, into groups of at most
 * GROUP bytes (a lone larger section is a group of its own) and ends each
 * group with an empty island. */
static void place_islands(struct osec **xs, size_t nx) {
  uint64_t start = 0;
  bool open = false;
  struct osec *last = NULL;
  for (size_t i = 0; i < nx; i++) {
    struct osec *os = xs[i];
    struct vec members = {0};
    for (size_t k = 0; k < os->members.n; k++) {
      struct isec *isec = os->members.v[k];
      uint64_t a = isec_addr(isec), end = a + isec->size;
      if (open && end - start > GROUP) {
        struct island *is = new_island(members.n ? os : last);
        vec_push(members.n ? &members : &last->members, is->isec);
        open = false;
      }
      if (!open)
        start = a, open = true;
      vec_push(&members, isec);
    }
    xfree(os->members.v);
    os->members = members;
    last = os;
  }
  struct island *is = new_island(last);
  vec_push(&last->members, is->isec);
}

/* One executable section to scan, and the branch targets it found that are
 * out of reach and have no thunk in its island yet. */
struct branch_scan {
  struct isec *isec;
  struct island *island;
  struct thunk *need;
  uint32_t nneed, cap;
};

/* Runs in parallel: reads addresses and islands, writes only its own job. */
static void scan_branches(void *arg, int64_t j) {
  struct branch_scan *job = &((struct branch_scan *)arg)[j];
  struct isec *isec = job->isec;
  struct objfile *f = isec->file;
  uint32_t n = isec_nrels(isec);
  uint64_t base = isec_addr(isec);
  for (uint32_t i = 0; i < n; i++) {
    struct rel r;
    get_rel(isec, i, &r);
    if ((r.type != R_AARCH64_CALL26 && r.type != R_AARCH64_JUMP26) || r.sym >= f->nsyms ||
        r.offset > isec->size)
      continue;
    const struct symbol *sym = f->syms[r.sym];
    if (!thunkable(sym) || b26_reaches((int64_t)(sym_va(sym, r.addend) - (base + r.offset))) ||
        find_thunk(job->island, sym, r.addend) >= 0)
      continue;
    if (job->nneed == job->cap) {
      job->cap = job->cap ? job->cap * 2 : 8;
      job->need = xrealloc(job->need, job->cap * sizeof(*job->need));
    }
    job->need[job->nneed++] = (struct thunk){sym, r.addend};
  }
}

/* A thunk whose target is beyond adrp's reach stays zero; its callers
 * report the branch as out of range. */
static void write_thunks(void) {
  for (uint32_t i = 0; i < nislands; i++) {
    struct island *is = &islands[i];
    if (!is->n)
      continue;
    uint8_t *buf = xalloc(is->isec->size);
    uint64_t at = isec_addr(is->isec);
    for (uint32_t k = 0; k < is->n; k++) {
      const struct thunk *t = &is->v[k];
      a64_thunk(buf + (uint64_t)k * THUNK, at + (uint64_t)k * THUNK, sym_va(t->sym, t->addend));
    }
    is->isec->data = buf;
  }
}

/* Address of the thunk for (sym, addend) that a branch at P can use, or 0. */
static uint64_t usable_thunk(uint64_t P, const struct symbol *sym, int64_t addend) {
  struct island *is = island_for(P);
  int64_t k = is ? find_thunk(is, sym, addend) : -1;
  if (k < 0)
    return 0;
  uint64_t at = isec_addr(is->isec) + (uint64_t)k * THUNK;
  uint8_t scratch[THUNK];
  if (!b26_reaches((int64_t)(at - P)) || !a64_thunk(scratch, at, sym_va(sym, addend)))
    return 0;
  return at;
}

/* Adds the thunks that branches out of reach need; true when it grew
 * executable sections. */
static bool range_thunks(void) {
  if (thunks_checked && !nislands)
    return false;
  struct vec xv = {0};
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if ((os->flags & SHF_ALLOC) && (os->flags & SHF_EXECINSTR) && os->members.n)
      vec_push(&xv, os);
  }
  struct osec **xs = (struct osec **)xv.v;
  if (!thunks_checked) {
    thunks_checked = true;
    /* every branch between executable sections reaches: the common case */
    if (!xv.n || b26_reaches((int64_t)(xs[xv.n - 1]->addr + xs[xv.n - 1]->size - xs[0]->addr))) {
      xfree(xv.v);
      return false;
    }
    place_islands(xs, xv.n);
    xfree(xv.v);
    return true; /* place the (empty) islands before measuring branches */
  }
  struct branch_scan *jobs = NULL;
  size_t njobs = 0, cap = 0;
  uint32_t cur = 0;
  for (size_t i = 0; i < xv.n; i++) {
    struct osec *os = xs[i];
    for (size_t k = 0; k < os->members.n; k++) {
      struct isec *isec = os->members.v[k];
      if (cur < nislands && isec == islands[cur].isec) {
        cur++;
        continue;
      }
      if (!isec->relsec || isec->file == ctx.internal || cur >= nislands)
        continue;
      if (njobs == cap) {
        cap = cap ? cap * 2 : 256;
        jobs = xrealloc(jobs, cap * sizeof(*jobs));
      }
      jobs[njobs++] = (struct branch_scan){.isec = isec, .island = &islands[cur]};
    }
  }
  parallel_for((int64_t)njobs, scan_branches, jobs);
  /* thunks are numbered in section order, whatever the threads did */
  bool grew = false;
  for (size_t j = 0; j < njobs; j++) {
    for (uint32_t k = 0; k < jobs[j].nneed; k++)
      grew |= add_thunk(jobs[j].island, jobs[j].need[k].sym, jobs[j].need[k].addend);
    xfree(jobs[j].need);
  }
  xfree(jobs);
  xfree(xv.v);
  return grew;
}

/* ---- Cortex-A53 erratum 843419 (--fix-cortex-a53-843419) ----
 *
 * Once addresses are assigned, the code of every input section (the
 * stretches its $x mapping symbols mark; $d marks data) is scanned at the
 * two words of each 4 KiB page that an ADRP must sit on for the erratum,
 * and each load or store that completes a sequence gets an 8-byte patch:
 *     <the load or store> ; b <the instruction after it>
 * in a section after the executable sections (or after the thunk island
 * of its group, when there are islands), and is itself replaced by a
 * branch to the patch. Patches only get added, so the layout reaches a
 * fixpoint; a patch whose sequence a later placement moved off the 0xff8
 * and 0xffc words stays, harmless. The scan reads input bytes; once the
 * output is written, each site is checked again in its relocated bytes
 * (relaxations can turn the ADRP into a MOVZ, the load into an ADD or a
 * branch to a GOT window stub) and only a site that still matches is
 * redirected. The patch holds the relocated instruction, which has no
 * PC-relative field, so it runs the same at its new address. */

struct code_range {
  struct isec *isec;
  uint64_t lo, hi;
};

struct patch {
  struct isec *isec; /* the load or store at off, its ADRP at off - back */
  uint64_t off;
  uint32_t back;
  struct isec *box; /* the patch is at box + 8 * slot */
  uint32_t slot;
};

static struct code_range *code;
static size_t ncode;
static bool code_found;
static struct patch *patches;
static uint32_t npatches, patches_cap;
static struct keymap patch_index; /* patch numbers by (section, offset) */
static struct isec *end_box; /* without islands: after the last executable section */

struct msym {
  uint64_t value;
  uint32_t shndx, order;
  bool code;
};

static int cmp_msym(const void *a, const void *b) {
  const struct msym *x = a, *y = b;
  if (x->shndx != y->shndx)
    return x->shndx < y->shndx ? -1 : 1;
  if (x->value != y->value)
    return x->value < y->value ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The code stretches of every live executable section, from its mapping
 * symbols; a section without them is not scanned (as in lld). In file
 * order, then section and address order. */
static void find_code(void) {
  size_t cap = 0;
  struct msym *v = NULL;
  size_t vcap = 0;
  for (size_t fi = 0; fi < ctx.live.n; fi++) {
    struct objfile *f = ctx.live.v[fi];
    if (f == ctx.internal || !f->locals)
      continue;
    size_t n = 0;
    for (uint32_t i = 1; i < f->first_global; i++) {
      const struct symbol *m = &f->locals[i];
      const char *name = m->name;
      if (m->kind != SYM_DEFINED || !m->isec || name[0] != '$' ||
          (name[1] != 'x' && name[1] != 'd') || (name[2] && name[2] != '.'))
        continue;
      const struct isec *isec = m->isec;
      if (!isec->alive || !isec->osec || !isec->data || !(isec->flags & SHF_EXECINSTR) ||
          !(isec->flags & SHF_ALLOC))
        continue;
      if (n == vcap) {
        vcap = vcap ? vcap * 2 : 64;
        v = xrealloc(v, vcap * sizeof(*v));
      }
      v[n] = (struct msym){m->value, isec->shndx, i, name[1] == 'x'};
      n++;
    }
    qsort(v, n, sizeof(*v), cmp_msym);
    for (size_t i = 0; i < n;) {
      size_t j = i;
      while (j < n && v[j].shndx == v[i].shndx)
        j++;
      struct isec *isec = f->secs[v[i].shndx];
      /* [a $x, the next $d) is code; repeats of one kind change nothing */
      for (size_t k = i; k < j; k++) {
        if (!v[k].code || (k > i && v[k - 1].code))
          continue;
        size_t e = k + 1;
        while (e < j && v[e].code)
          e++;
        uint64_t lo = v[k].value, hi = e < j ? v[e].value : isec->size;
        if (hi > isec->size)
          hi = isec->size;
        if (lo >= hi)
          continue;
        if (ncode == cap) {
          cap = cap ? cap * 2 : 256;
          code = xrealloc(code, cap * sizeof(*code));
        }
        code[ncode++] = (struct code_range){isec, lo, hi};
      }
      i = j;
    }
  }
  xfree(v);
}

/* The box for a site at P: after its group's island, or at the end of the
 * executable sections. A new box is inserted into its output section. */
static struct isec *box_for(uint64_t P, struct osec *last_exec) {
  struct island *is = island_for(P);
  if (!is) {
    if (!end_box) {
      end_box = linker_text(".text.smelt.patches", 4, last_exec);
      vec_push(&last_exec->members, end_box);
    }
    return end_box;
  }
  if (!is->patches) {
    struct osec *os = is->isec->osec;
    is->patches = linker_text(".text.smelt.patches", 4, os);
    size_t k = 0;
    while (os->members.v[k] != is->isec)
      k++;
    vec_push(&os->members, NULL);
    memmove(&os->members.v[k + 2], &os->members.v[k + 1],
            (os->members.n - k - 2) * sizeof(void *));
    os->members.v[k + 1] = is->patches;
  }
  return is->patches;
}

static void add_patch(struct isec *isec, uint64_t off, uint32_t back, struct osec *last_exec) {
  if (npatches == patches_cap) {
    patches_cap = patches_cap ? patches_cap * 2 : 64;
    patches = xrealloc(patches, patches_cap * sizeof(*patches));
  }
  struct isec *box = box_for(isec_addr(isec) + off, last_exec);
  uint32_t slot = (uint32_t)(box->size / 8);
  box->size += 8;
  keymap_put(&patch_index, isec, off, npatches);
  patches[npatches++] = (struct patch){isec, off, back, box, slot};
}

/* Adds patches for the sites at the current addresses; true if it did. */
static bool add_patches(void) {
  struct osec *last_exec = NULL;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if ((os->flags & SHF_ALLOC) && (os->flags & SHF_EXECINSTR) && os->members.n)
      last_exec = os;
  }
  if (!last_exec)
    return false;
  if (!code_found) {
    code_found = true;
    find_code();
  }
  uint32_t before = npatches;
  for (size_t i = 0; i < ncode; i++) {
    struct code_range *c = &code[i];
    uint64_t base = isec_addr(c->isec);
    /* the first word at or after lo that ends in 0xff8 or 0xffc */
    uint64_t off = c->lo + ((0xff8 - ((base + c->lo) & 0xfff)) & 0xfff);
    if (((base + c->lo) & 0xfff) == 0xffc)
      off = c->lo;
    while (off + 12 <= c->hi) {
      unsigned m = a64_843419_sites(c->isec->data + off, c->hi - off);
      if ((m & A64_SITE_8) && keymap_find(&patch_index, c->isec, off + 8) < 0)
        add_patch(c->isec, off + 8, 8, last_exec);
      if ((m & A64_SITE_12) && keymap_find(&patch_index, c->isec, off + 12) < 0)
        add_patch(c->isec, off + 12, 12, last_exec);
      off += ((base + off) & 0xfff) == 0xff8 ? 4 : 0xffc;
    }
  }
  return npatches != before;
}

static void write_boxes(void) {
  for (uint32_t i = 0; i < npatches; i++)
    if (!patches[i].box->data)
      patches[i].box->data = xcalloc(patches[i].box->size, 1);
}

/* In the written output: each site whose relocated bytes still form the
 * sequence branches to its patch, which holds the load or store and
 * branches back. */
static void finish_output(void) {
  for (uint32_t i = 0; i < npatches; i++) {
    const struct patch *p = &patches[i];
    uint8_t *site = ctx.out + p->isec->osec->offset + p->isec->out_off + p->off;
    uint8_t *slot = ctx.out + p->box->osec->offset + p->box->out_off + 8 * (uint64_t)p->slot;
    uint64_t P = isec_addr(p->isec) + p->off, T = isec_addr(p->box) + 8 * (uint64_t)p->slot;
    unsigned form = p->back == 8 ? A64_SITE_8 : A64_SITE_12;
    if (((P - p->back) & 0xfff) < 0xff8 || !(a64_843419_sites(site - p->back, p->back + 4) & form))
      continue;
    if (!b26_reaches((int64_t)(T - P)))
      fatal("%s: section %s offset 0x%llx: Cortex-A53 843419 patch at 0x%llx is out of branch "
            "range of 0x%llx", p->isec->file->name, p->isec->name, (unsigned long long)p->off,
            (unsigned long long)T, (unsigned long long)P);
    wr32(slot, rd32(site));
    wr32(slot + 4, a64_b26(0x14000000, (int64_t)(P + 4 - (T + 4))));
    wr32(site, a64_b26(0x14000000, (int64_t)(T - P)));
  }
}

static bool add_thunks(void) {
  if (range_thunks() || (ctx.opt.fix_843419 && add_patches()))
    return true;
  write_thunks();
  write_boxes();
  return false;
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

static bool apply_relocs(struct isec *isec, uint8_t *buf, uint64_t addr, uint64_t lo,
                         uint32_t first, uint32_t n) {
  struct objfile *f = isec->file;
  /* GOT window stubs are numbered from the section's start: with any, the
   * section is done whole, not in parts */
  uint32_t stub_next = 0;
  if ((first || n < isec_nrels(isec)) && ctx.ngot * 8 > WINDOW)
    return false;
  for (uint32_t i = first; i < n; i++) {
    struct rel r;
    get_rel(isec, i, &r);
    uint64_t off;
    if (r.type >= NHOWTO || !howto[r.type].name || r.sym >= f->nsyms ||
        !reloc_place(isec, r.offset, howto[r.type].size, &off))
      continue; /* reported by scan, or in a dropped .eh_frame record */
    const struct howto *h = &howto[r.type];
    struct symbol *sym = f->syms[r.sym];
    uint8_t *loc = buf + (off - lo);
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
        uint32_t idx = isec->stub_base + stub_next++;
        if (!b26_reaches((int64_t)(isec_addr(stubs) + (uint64_t)idx * STUB - P))) {
          error("%s:(%s+0x%llx): R_AARCH64_LD64_GOTPAGE_LO15 against %s is outside the GOT "
                "window and its stub in %s is beyond a branch's +-128 MiB", f->name,
                isec->name, (unsigned long long)r.offset, sym_display(sym), stubs->name);
          continue;
        }
        redirect_to_stub(isec, &r, loc, P, idx, sym);
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
    case R_AARCH64_CALL26:
    case R_AARCH64_JUMP26: {
      /* a call to an undefined weak symbol goes to the next instruction
       * (aaelf64 §5.7.9), wherever the text is */
      int64_t d = sym_is_defined(sym) ? (int64_t)(SA - P) : 4;
      uint64_t thunk = !b26_reaches(d) && nislands ? usable_thunk(P, sym, r.addend) : 0;
      if (thunk)
        d = (int64_t)(thunk - P);
      encode(isec, &r, sym, loc, (uint64_t)d);
      continue;
    }
    case R_AARCH64_TLSLD_ADD_DTPREL_HI12:
    case R_AARCH64_TLSLD_ADD_DTPREL_LO12:
    case R_AARCH64_TLSLD_ADD_DTPREL_LO12_NC:
      encode(isec, &r, sym, loc, SA - ctx.tls_begin);
      continue;
    default:
      encode(isec, &r, sym, loc, generic_value(isec, &r, sym, h->expr, P));
    }
  }
  return true;
}

static bool page_relative(uint32_t type) {
  return type == R_AARCH64_ADR_PREL_PG_HI21 || type == R_AARCH64_ADR_PREL_PG_HI21_NC;
}

/* :lo12: of an address: the same wherever the (page-aligned) image loads */
static bool abs_pic(uint32_t type) {
  switch (type) {
  case R_AARCH64_ADD_ABS_LO12_NC:
  case R_AARCH64_LDST8_ABS_LO12_NC:
  case R_AARCH64_LDST16_ABS_LO12_NC:
  case R_AARCH64_LDST32_ABS_LO12_NC:
  case R_AARCH64_LDST64_ABS_LO12_NC:
  case R_AARCH64_LDST128_ABS_LO12_NC:
    return true;
  default:
    return false;
  }
}

/* ---- IFUNC (ld/ifunc.c) ---- */

/* The start-up routine: apply R_AARCH64_IRELATIVE from rel to end, at a
 * load address base = where it runs - where it was linked; each resolver
 * gets AT_HWCAP in x0 (musl's __hwcap, or 0). The adrp that a load
 * through its register follows (here and in the entries) sits at an
 * address that is 0 mod 16, never at the end of a page: no erratum 843419
 * sequence. */
enum { LIT = 112 }; /* the routine's link address, a literal */
static const uint32_t iplt_init[A64_IPLT_INIT_SIZE / 4] = {
    0xa9bd7bfd, /*   0: stp x29, x30, [sp, #-48]! */
    0x910003fd, /*   4: mov x29, sp */
    0xa90153f3, /*   8: stp x19, x20, [sp, #16] */
    0xf90013f5, /*  12: str x21, [sp, #32] */
    0, 0,       /*  16: adrp x19, rel ; add x19, x19, :lo12:rel */
    0, 0,       /*  24: adrp x20, end ; add x20, x20, :lo12:end */
    0x10ffff15, /*  32: adr x21, 0 (here) */
    0x58000269, /*  36: ldr x9, LIT (linked here) */
    0xcb0902b5, /*  40: sub x21, x21, x9: the base */
    0xeb14027f, /*  44: cmp x19, x20 */
    0x54000182, /*  48: b.hs 96 */
    0xf9400a69, /*  52: ldr x9, [x19, #16]: r_addend */
    0x8b150129, /*  56: add x9, x9, x21 */
    0xd2800001, /*  60: mov x1, #0 */
    0xd2800000, /*  64: mov x0, #0, or adrp x0, __hwcap */
    0xd503201f, /*  68: nop, or ldr x0, [x0, :lo12:__hwcap] */
    0xd63f0120, /*  72: blr x9: the resolver */
    0xf9400269, /*  76: ldr x9, [x19]: r_offset */
    0x8b150129, /*  80: add x9, x9, x21 */
    0xf9000120, /*  84: str x0, [x9] */
    0x91006273, /*  88: add x19, x19, #24 */
    0x17fffff4, /*  92: b 44 */
    0xf94013f5, /*  96: ldr x21, [sp, #32] */
    0xa94153f3, /* 100: ldp x19, x20, [sp, #16] */
    0xa8c37bfd, /* 104: ldp x29, x30, [sp], #48 */
    0xd65f03c0, /* 108: ret */
    0, 0,       /* 112: LIT */
    NOP, NOP,
};

/* The routine, then per IFUNC
 *     adrp x16, slot ; ldr x17, [x16, :lo12:slot] ; br x17 ; nop */
bool a64_write_iplt(uint8_t *out, const struct iplt *l) {
  for (size_t i = 0; i < A64_IPLT_INIT_SIZE / 4; i++)
    wr32(out + 4 * i, iplt_init[i]);
  if (!adrp_add(out + 16, 19, l->addr + 16, l->rel) ||
      !adrp_add(out + 24, 20, l->addr + 24, l->end))
    return false;
  wr64(out + LIT, l->addr);
  if (l->hwcap && !(l->hwcap & 7) && !adrp_ldr(out + 64, 0, 0, l->addr + 64, l->hwcap))
    return false;
  for (uint32_t i = 0; i < l->n; i++) {
    uint8_t *e = out + A64_IPLT_INIT_SIZE + (uint64_t)i * IPLT_ENTSIZE;
    uint64_t E = l->addr + A64_IPLT_INIT_SIZE + (uint64_t)i * IPLT_ENTSIZE;
    if (!adrp_ldr(e, 16, 17, E, l->slots + (uint64_t)i * 8))
      return false;
    wr32(e + 8, 0xd61f0220);
    wr32(e + 12, NOP);
  }
  return true;
}

uint32_t a64_emitted_type(uint32_t type, bool got_relaxed, bool stubbed, uint32_t prev) {
  switch (type) {
  case R_AARCH64_ADR_GOT_PAGE:
    return got_relaxed ? R_AARCH64_ADR_PREL_PG_HI21 : type;
  case R_AARCH64_LD64_GOT_LO12_NC:
    return got_relaxed ? R_AARCH64_ADD_ABS_LO12_NC : type;
  case R_AARCH64_LD64_GOTPAGE_LO15: /* a branch to a stub */
    return stubbed ? R_AARCH64_NONE : type;
  case R_AARCH64_TLSIE_ADR_GOTTPREL_PAGE21:
  case R_AARCH64_TLSDESC_ADR_PAGE21:
  case R_AARCH64_TLSGD_ADR_PAGE21:
    return R_AARCH64_TLSLE_MOVW_TPREL_G1; /* movz */
  case R_AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC:
  case R_AARCH64_TLSDESC_LD64_LO12:
  case R_AARCH64_TLSGD_ADD_LO12_NC:
    return R_AARCH64_TLSLE_MOVW_TPREL_G0_NC; /* movk */
  case R_AARCH64_TLSDESC_ADD_LO12:
  case R_AARCH64_TLSDESC_CALL:
    return R_AARCH64_NONE; /* nop */
  case R_AARCH64_CALL26: /* after a GD sequence's add: the call became mrs */
    return prev == R_AARCH64_TLSGD_ADD_LO12_NC ? R_AARCH64_NONE : type;
  default:
    return type;
  }
}

static uint32_t emitted_type(const struct isec *isec, uint32_t i, const struct rel *r) {
  const struct symbol *sym = isec->file->syms[r->sym];
  struct rel prev = {0};
  if (i > 0)
    get_rel(isec, i - 1, &prev);
  return a64_emitted_type(r->type, got_relaxable(sym), outside_window(sym, r->addend),
                          i > 0 ? prev.type : R_AARCH64_NONE);
}

static bool is_call_reloc(uint32_t type) {
  return type == R_AARCH64_CALL26 || type == R_AARCH64_JUMP26;
}

static const char *const emulations[] = {"aarch64linux", "aarch64elf", NULL};

const struct arch arch_aarch64 = {
    .name = "aarch64",
    .emulations = emulations,
    .machine = EM_AARCH64,
    .feature_1_and = 0xc0000000 /* GNU_PROPERTY_AARCH64_FEATURE_1_AND */,
    .is64 = true,
    .is_rela = true,
    .page_size = 65536,
    .image_base = 0x400000,
    .tls_variant = 1,
    .nhowto = NHOWTO,
    .howto = howto,
    .got_entsize = 8,
    .got_page_aligned = true,
    .relative_type = R_AARCH64_RELATIVE,
    .irelative_type = R_AARCH64_IRELATIVE,
    .iplt_init_size = A64_IPLT_INIT_SIZE,
    .write_iplt = a64_write_iplt,
    .iplt_pic = true,
    .abs_pic = abs_pic,
    .page_relative = page_relative,
    .scan_relocs = scan_relocs,
    .apply_relocs = apply_relocs,
    .relax_after = 12, /* TLS GD: the two instructions after the add */
    .apply_nonalloc_relocs = apply_nonalloc_part,
    .is_call_reloc = is_call_reloc,
    .emitted_type = emitted_type,
    .after_scan = after_scan,
    .add_thunks = add_thunks,
    .finish_output = finish_output,
};

/* Cortex-A53 erratum 843419 (ARM-EPM-048406, "Software Developers Errata
 * Notice", sequence 1): on r0p0-r0p4 cores a load or store can use a wrong
 * address when
 *   1. an ADRP writing Xn sits at an address ending in 0xff8 or 0xffc,
 *   2. the next instruction is a load or store (a single register, STP or
 *      STNP, an exclusive, a literal load, or ST1) that does not write Xn,
 *   3. optionally one instruction that is not a branch follows, and then
 *   4. a load or store of the "register, unsigned immediate" class uses Xn
 *      as its base.
 * Only the instruction classes and register numbers matter, never the
 * immediates, so the sequence can be found in input bytes before
 * relocation and checked again in the output's. Both forms are reported
 * where both match: relaxation can turn the load at +8 into an ADD
 * (adrp + ldr of a GOT slot becomes adrp + add), leaving the one at +12. The fix (in
 * arch/aarch64/aarch64.c) moves instruction 4 to a patch and branches
 * there and back. Sequence 2 of the notice is not looked for, as in GNU ld,
 * gold and lld: it is not known to occur in compiled code.
 *
 * The encodings are the A64 "Loads and Stores" tables (Arm ARM C4.1.4). */
#include "arch/aarch64/aarch64.h"

static bool is_adrp(uint32_t i) { return (i & 0x9f000000) == 0x90000000; }

/* op0 x1x0: every load and store */
static bool is_ldst(uint32_t i) { return (i & 0x0a000000) == 0x08000000; }

static bool is_exclusive(uint32_t i) { return (i & 0x3f000000) == 0x08000000; }
static bool is_load_exclusive(uint32_t i) { return (i & 0x3f400000) == 0x08400000; }
static bool is_load_literal(uint32_t i) { return (i & 0x3b000000) == 0x18000000; }
static bool is_stnp(uint32_t i) { return (i & 0x3bc00000) == 0x28000000; }
static bool is_stp_post(uint32_t i) { return (i & 0x3bc00000) == 0x28800000; }
static bool is_stp_offset(uint32_t i) { return (i & 0x3bc00000) == 0x29000000; }
static bool is_stp_pre(uint32_t i) { return (i & 0x3bc00000) == 0x29800000; }

/* single register: unscaled, post-index, unprivileged, pre-index,
 * register offset, unsigned immediate */
static bool is_unscaled(uint32_t i) { return (i & 0x3b200c00) == 0x38000000; }
static bool is_post(uint32_t i) { return (i & 0x3b200c00) == 0x38000400; }
static bool is_unpriv(uint32_t i) { return (i & 0x3b200c00) == 0x38000800; }
static bool is_pre(uint32_t i) { return (i & 0x3b200c00) == 0x38000c00; }
static bool is_regoff(uint32_t i) { return (i & 0x3b200c00) == 0x38200800; }
static bool is_uimm(uint32_t i) { return (i & 0x3b000000) == 0x39000000; }

static bool is_single(uint32_t i) {
  return is_unscaled(i) || is_post(i) || is_unpriv(i) || is_pre(i) || is_regoff(i) || is_uimm(i);
}

/* ST1 (multiple structures: opcode 0010, 0110, 0111, 1010; single
 * structure: opcode 000, 010, 100 with R = 0), without or with post-index */
static bool st1_multiple_opcode(uint32_t i) {
  uint32_t op = i & 0xf000;
  return op == 0x2000 || op == 0x6000 || op == 0x7000 || op == 0xa000;
}
static bool st1_single_opcode(uint32_t i) {
  uint32_t op = i & 0x40e000;
  return op == 0 || op == 0x4000 || op == 0x8000;
}
static bool is_st1_multiple(uint32_t i) {
  return (i & 0xbfff0000) == 0x0c000000 && st1_multiple_opcode(i);
}
static bool is_st1_multiple_post(uint32_t i) {
  return (i & 0xbfe00000) == 0x0c800000 && st1_multiple_opcode(i);
}
static bool is_st1_single(uint32_t i) {
  return (i & 0xbfff0000) == 0x0d000000 && st1_single_opcode(i);
}
static bool is_st1_single_post(uint32_t i) {
  return (i & 0xbfe00000) == 0x0d800000 && st1_single_opcode(i);
}
static bool is_st1(uint32_t i) {
  return is_st1_multiple(i) || is_st1_multiple_post(i) || is_st1_single(i) ||
         is_st1_single_post(i);
}

/* B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, and branches to a register */
static bool is_branch(uint32_t i) {
  return (i & 0xfe000000) == 0xd6000000 || (i & 0xfe000000) == 0x54000000 ||
         (i & 0x7c000000) == 0x14000000 || (i & 0x7c000000) == 0x34000000;
}

static uint32_t rt(uint32_t i) { return i & 31; }
static uint32_t rn(uint32_t i) { return (i >> 5) & 31; }

/* A single-register or exclusive load (v8.0 only), which writes Rt:
 * opc 0 stores; opc 2 with size 0 and V (a 128-bit store) or with size 3
 * and not V (a prefetch) does not write either. */
static bool writes_rt(uint32_t i) {
  if (is_load_exclusive(i) || is_load_literal(i))
    return true;
  if (!is_single(i))
    return false;
  uint32_t size = i >> 30, v = (i >> 26) & 1, opc = (i >> 22) & 3;
  return opc != 0 && !(size == 0 && v == 1 && opc == 2) && !(size == 3 && v == 0 && opc == 2);
}

static bool writes_back(uint32_t i) {
  return is_pre(i) || is_post(i) || is_stp_pre(i) || is_stp_post(i) || is_st1_single_post(i) ||
         is_st1_multiple_post(i);
}

static bool sequence(uint32_t adrp, uint32_t second, uint32_t last) {
  uint32_t xn = rt(adrp);
  return is_adrp(adrp) && is_ldst(second) &&
         (is_exclusive(second) || is_load_literal(second) || is_single(second) ||
          is_stp_post(second) || is_stp_offset(second) || is_stp_pre(second) ||
          is_stnp(second) || is_st1(second)) &&
         !(writes_rt(second) && rt(second) == xn) && !(writes_back(second) && rn(second) == xn) &&
         is_uimm(last) && rn(last) == xn;
}

static uint32_t word(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

unsigned a64_843419_sites(const uint8_t *code, uint64_t avail) {
  if (avail < 12)
    return 0;
  uint32_t i1 = word(code), i2 = word(code + 4), i3 = word(code + 8);
  unsigned m = sequence(i1, i2, i3) ? A64_SITE_8 : 0;
  if (avail >= 16 && !is_branch(i3) && sequence(i1, i2, word(code + 12)))
    m |= A64_SITE_12;
  return m;
}

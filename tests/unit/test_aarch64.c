/* AArch64 encoders: the expected words are GNU as output for the same
 * instruction with the immediate filled in. */
#include "arch/aarch64/aarch64.h"
#include <elf.h>
#include <criterion/criterion.h>

Test(a64, adrp_pages) {
  cr_expect_eq(a64_adrp(0x90000000, 1), 0xb0000000);  /* immlo = 1 */
  cr_expect_eq(a64_adrp(0x90000007, -2), 0xd0ffffe7); /* x7, immlo = 2, immhi all ones */
  cr_expect_eq(a64_adrp(0x90000000, 4), 0x90000020);  /* immhi = 1 */
}

Test(a64, add_imm12) { cr_expect_eq(a64_imm12(0x91000000, 0x123), 0x91048c00); }

Test(a64, ldst_keeps_registers) {
  /* ldr x1, [x2] with a scaled offset of 2 (16 bytes) */
  cr_expect_eq(a64_imm12(0xf9400041, 2), 0xf9400841);
}

Test(a64, branches) {
  cr_expect_eq(a64_b26(0x94000000, 8), 0x94000002);   /* bl .+8 */
  cr_expect_eq(a64_b26(0x14000000, -16), 0x17fffffc); /* b .-16 */
  cr_expect_eq(a64_b19(0x54000000, 8), 0x54000040);   /* b.eq .+8 */
  cr_expect_eq(a64_b19(0x58000005, 8), 0x58000045);   /* ldr x5, .+8 */
  cr_expect_eq(a64_b14(0x36000000, 8), 0x36000040);   /* tbz x0, #0, .+8 */
}

Test(a64, movw) {
  cr_expect_eq(a64_movw(0xd2800000, 0x1234), 0xd2824680); /* movz x0, #0x1234 */
  cr_expect_eq(a64_smovw(0xd2800000, -1, 0), 0x92800000); /* becomes movn x0, #0 */
  cr_expect_eq(a64_smovw(0x92800000, 0x1234, 0), 0xd2824680); /* movn back to movz */
  cr_expect_eq(a64_smovw(0xf2800000, 0x1234, 0), 0xf2824680); /* movk stays movk */
}

Test(a64, got_load_becomes_add) {
  /* ldr x1, [x2, #:got_lo12:sym] -> add x1, x2, #:lo12:sym */
  cr_expect_eq(a64_ldr_to_add(0xf9400041, 0x10), 0x91004041);
  cr_expect_eq(a64_ldr_to_add(0xf9400041, 0x1010), 0x91004041, "only the low 12 bits");
}

Test(a64, tls_le_materialisation) {
  cr_expect_eq(a64_movz_x(3, 0x1234, 1), 0xd2a24683); /* movz x3, #0x1234, lsl #16 */
  cr_expect_eq(a64_movk_x(3, 0x5678, 0), 0xf28acf03); /* movk x3, #0x5678 */
  cr_expect_eq(a64_movz_x(0xd503201f, 0, 1) & 0x1f, 0x1f, "register from the old word");
}

Test(a64, branch_range_edges) {
  cr_expect_eq(a64_b26(0x94000000, (1 << 27) - 4), 0x95ffffff); /* bl .+0x7fffffc */
  cr_expect_eq(a64_b26(0x94000000, -(1 << 27)), 0x96000000);    /* bl .-0x8000000 */
}

static uint32_t word(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Expected words: GNU ld output for adrp x16, T; add x16, x16, :lo12:T;
 * br x16 linked at P with T defined by --defsym. */
static void expect_thunk(uint64_t P, uint64_t T, uint32_t adrp, uint32_t add) {
  uint8_t b[12];
  cr_assert(a64_thunk(b, P, T), "P=0x%llx T=0x%llx reachable", (unsigned long long)P,
            (unsigned long long)T);
  cr_expect_eq(word(b), adrp, "adrp at P=0x%llx: %08x", (unsigned long long)P, word(b));
  cr_expect_eq(word(b + 4), add, "add at P=0x%llx: %08x", (unsigned long long)P, word(b + 4));
  cr_expect_eq(word(b + 8), 0xd61f0200); /* br x16 */
}

Test(a64, range_extension_thunk) {
  expect_thunk(0x416674, 0x10000020, 0xd007df50, 0x91008210);   /* forward */
  expect_thunk(0x10000074, 0x410130, 0x90f82090, 0x9104c210);   /* backward */
  expect_thunk(0x400000, 0x400ffc, 0x90000010, 0x913ff210);     /* same page */
  expect_thunk(0x100000000, 0x1fffff000, 0xf07ffff0, 0x91000210); /* last page in reach */
}

Test(a64, range_extension_thunk_out_of_reach) {
  uint8_t b[12] = {0};
  cr_expect_not(a64_thunk(b, 0x100000000, 0x200000000)); /* 4 GiB ahead: one page too far */
  cr_expect_not(a64_thunk(b, 0x200000fff, 0x100000000 - 1));
  cr_expect(a64_thunk(b, 0x200000fff, 0x100000000)); /* exactly -4 GiB of pages */
}

/* GOT-window stub: ldr x5, [x1, #16] at 0x400010, stub at 0x500000. */
Test(a64, got_window_stub) {
  uint8_t s[16];
  uint32_t b = a64_window_stub(s, 0xf9400825, 0x400010, 0x500000, 0x1122334455667788);
  cr_expect_eq(b, 0x1403fffc);          /* b .+0xffff0 replaces the ldr */
  cr_expect_eq(word(s), 0x58000045);     /* ldr x5, .+8 */
  cr_expect_eq(word(s + 4), 0x17fc0004); /* b .-0xffff0, back to the ldr's successor */
  cr_expect_eq(word(s + 8), 0x55667788);
  cr_expect_eq(word(s + 12), 0x11223344);
}

/* The same in a static PIE, for an address: computed PC-relatively (the
 * words as objdump reads them: adrp x5, 0x612000; add x5, x5, #0x345;
 * b 0x400014; nop). */
Test(a64, got_window_stub_pic) {
  uint8_t s[16];
  uint32_t b = a64_window_stub_pc(s, 0xf9400825, 0x400010, 0x500000, 0x612345);
  cr_expect_eq(b, 0x1403fffc);
  cr_expect_eq(word(s), 0xd0000885);
  cr_expect_eq(word(s + 4), 0x910d14a5);
  cr_expect_eq(word(s + 8), 0x17fc0003);
  cr_expect_eq(word(s + 12), 0xd503201f);
  cr_expect_eq(a64_window_stub_pc(s, 0xf9400825, 0x400010, 0x500000, 0x100500000), 0,
               "4 GiB away: beyond adrp");
}

/* Cortex-A53 843419: the words are GNU as output. */
static unsigned sites(const uint32_t *w, int n) {
  uint8_t b[16];
  for (int i = 0; i < n; i++)
    for (int k = 0; k < 4; k++)
      b[4 * i + k] = (uint8_t)(w[i] >> (8 * k));
  return a64_843419_sites(b, 4 * (uint64_t)n);
}

enum {
  ADRP_X1 = 0x90000001,     /* adrp x1, 0 */
  ADRP_X2 = 0x90000002,     /* adrp x2, 0 */
  LDR_X2_X0 = 0xf9400002,   /* ldr x2, [x0] */
  LDR_X0_X1 = 0xf9400020,   /* ldr x0, [x1] */
  LDR_X0_X2 = 0xf9400040,   /* ldr x0, [x2] */
  STR_X3_X0_8 = 0xf9000403, /* str x3, [x0, #8] */
  MOV_X4_5 = 0xd28000a4,    /* mov x4, #5 */
  LDR_X1_X0_16 = 0xf9400801, /* ldr x1, [x0, #16] */
  B_8 = 0x14000002,         /* b .+8 */
  ADD_X1_X1 = 0x91010021,   /* add x1, x1, #0x40 */
  LDR_X2_X1_POST = 0xf8408422, /* ldr x2, [x1], #8 */
  LDR_X2_X0_POST = 0xf8408402, /* ldr x2, [x0], #8 */
  PRFM_X0 = 0xf9800000,     /* prfm pldl1keep, [x0] */
  STP_X1_X0 = 0xa9000401,   /* stp x1, x1, [x0] */
  STR_X1_X2 = 0xf9000041,   /* str x1, [x2] */
  LDXR_X2_X0 = 0xc85f7c02,  /* ldxr x2, [x0] */
  LDR_Q0_X1 = 0x3dc00020,   /* ldr q0, [x1] */
};

Test(a64, erratum_843419_forms) {
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, LDR_X2_X0, LDR_X0_X1}, 3), A64_SITE_8);
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, STR_X3_X0_8, MOV_X4_5, LDR_X0_X1}, 4), A64_SITE_12);
  cr_expect_eq(sites((uint32_t[]){ADRP_X2, STP_X1_X0, STR_X1_X2}, 3), A64_SITE_8, "STP, then a store");
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, PRFM_X0, LDR_X0_X1}, 3), A64_SITE_8, "a prefetch");
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, LDXR_X2_X0, LDR_Q0_X1}, 3), A64_SITE_8,
               "an exclusive load, then a vector load");
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, LDR_X2_X0_POST, LDR_X0_X1}, 3), A64_SITE_8,
               "write-back to another register");
  /* relaxation made the +8 load an add: the +12 one remains */
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, LDR_X2_X0, ADD_X1_X1, LDR_X0_X1}, 4), A64_SITE_12);
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, LDR_X2_X0, LDR_X0_X1, LDR_X0_X1}, 4),
               A64_SITE_8 | A64_SITE_12);
}

Test(a64, erratum_843419_lookalikes) {
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, LDR_X1_X0_16, LDR_X0_X1}, 3), 0, "second writes Xn");
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, LDR_X2_X1_POST, LDR_X0_X1}, 3), 0,
               "second writes Xn back");
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, LDR_X2_X0, LDR_X0_X2}, 3), 0, "another base");
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, MOV_X4_5, LDR_X0_X1}, 3), 0, "second not a load");
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, LDR_X2_X0, B_8, LDR_X0_X1}, 4), 0, "a branch between");
  cr_expect_eq(sites((uint32_t[]){LDR_X2_X0, LDR_X2_X0, LDR_X0_X1}, 3), 0, "no ADRP");
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, STR_X3_X0_8, MOV_X4_5, LDR_X0_X1}, 3), 0,
               "the fourth word is past the end");
  cr_expect_eq(sites((uint32_t[]){ADRP_X1, LDR_X2_X0}, 2), 0);
}

/* --emit-relocs: a relaxed relocation is written as the type of what its
 * bytes now hold */
Test(a64, emitted_types) {
  cr_expect_eq(a64_emitted_type(R_AARCH64_ADR_GOT_PAGE, true, false, 0), R_AARCH64_ADR_PREL_PG_HI21);
  cr_expect_eq(a64_emitted_type(R_AARCH64_ADR_GOT_PAGE, false, false, 0), R_AARCH64_ADR_GOT_PAGE);
  cr_expect_eq(a64_emitted_type(R_AARCH64_LD64_GOT_LO12_NC, true, false, 0),
               R_AARCH64_ADD_ABS_LO12_NC);
  cr_expect_eq(a64_emitted_type(R_AARCH64_LD64_GOTPAGE_LO15, false, true, 0), R_AARCH64_NONE);
  cr_expect_eq(a64_emitted_type(R_AARCH64_LD64_GOTPAGE_LO15, false, false, 0),
               R_AARCH64_LD64_GOTPAGE_LO15);
  cr_expect_eq(a64_emitted_type(R_AARCH64_TLSDESC_ADR_PAGE21, false, false, 0),
               R_AARCH64_TLSLE_MOVW_TPREL_G1);
  cr_expect_eq(a64_emitted_type(R_AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC, false, false, 0),
               R_AARCH64_TLSLE_MOVW_TPREL_G0_NC);
  cr_expect_eq(a64_emitted_type(R_AARCH64_TLSDESC_CALL, false, false, 0), R_AARCH64_NONE);
  cr_expect_eq(a64_emitted_type(R_AARCH64_CALL26, false, false, R_AARCH64_TLSGD_ADD_LO12_NC),
               R_AARCH64_NONE);
  cr_expect_eq(a64_emitted_type(R_AARCH64_CALL26, false, false, R_AARCH64_ADD_ABS_LO12_NC),
               R_AARCH64_CALL26);
  cr_expect_eq(a64_emitted_type(R_AARCH64_ABS64, false, false, 0), R_AARCH64_ABS64);
}

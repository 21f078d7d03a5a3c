/* AArch64 encoders: the expected words are GNU as output for the same
 * instruction with the immediate filled in. */
#include "arch/aarch64/aarch64.h"
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

/* x86_64 relaxers: byte-exact rewrites of real assembler output ("before"
 * bytes from GNU as), and no write when the code is not the expected form. */
#include "arch/x86_64/x86_64.h"
#include <criterion/criterion.h>
#include <string.h>

#define BYTES(...) ((uint8_t[]){__VA_ARGS__})

static void check(const uint8_t *got, const uint8_t *want, size_t n) {
  for (size_t i = 0; i < n; i++)
    cr_expect_eq(got[i], want[i], "byte %zu: %02x != %02x", i, got[i], want[i]);
}

Test(gotpcrelx, mov_becomes_lea) {
  uint8_t b[] = {0x48, 0x8b, 0x05, 0, 0, 0, 0};
  cr_assert(relax_gotpcrelx_to_pcrel(b + 3, 3, true));
  check(b, BYTES(0x48, 0x8d, 0x05, 0, 0, 0, 0), 7);
}

Test(gotpcrelx, mov_r11_becomes_lea) {
  uint8_t b[] = {0x4c, 0x8b, 0x1d, 0, 0, 0, 0};
  cr_assert(relax_gotpcrelx_to_pcrel(b + 3, 3, true));
  check(b, BYTES(0x4c, 0x8d, 0x1d, 0, 0, 0, 0), 7);
}

Test(gotpcrelx, indirect_call_becomes_addr32_call) {
  uint8_t b[] = {0xff, 0x15, 1, 2, 3, 4};
  cr_assert(relax_gotpcrelx_to_pcrel(b + 2, 2, true));
  check(b, BYTES(0x67, 0xe8, 1, 2, 3, 4), 6);
}

Test(gotpcrelx, indirect_jmp_becomes_jmp_nop) {
  uint8_t b[] = {0xff, 0x25, 1, 2, 3, 4};
  cr_assert(relax_gotpcrelx_to_pcrel(b + 2, 2, true));
  cr_expect_eq(b[0], 0xe9);
  cr_expect_eq(b[5], 0x90);
}

Test(gotpcrelx, other_opcode_untouched) {
  uint8_t b[] = {0x48, 0x3b, 0x05, 0, 0, 0, 0}; /* cmp foo@GOTPCREL(%rip), %rax */
  uint8_t copy[sizeof(b)];
  memcpy(copy, b, sizeof(b));
  cr_assert_not(relax_gotpcrelx_to_pcrel(b + 3, 3, true));
  cr_assert_arr_eq(b, copy, sizeof(b));
}

Test(gotpcrelx, probe_does_not_write) {
  uint8_t b[] = {0x48, 0x8b, 0x05, 0, 0, 0, 0};
  cr_assert(relax_gotpcrelx_to_pcrel(b + 3, 3, false));
  cr_expect_eq(b[1], 0x8b);
}

Test(gotpcrelx, too_close_to_section_start) {
  uint8_t b[] = {0x8b, 0, 0, 0, 0};
  cr_assert_not(relax_gotpcrelx_to_pcrel(b + 1, 1, true));
}

Test(gottpoff, mov_rax) {
  uint8_t b[] = {0x48, 0x8b, 0x05, 0, 0, 0, 0};
  cr_assert(relax_gottpoff_to_le(b + 3, 3, true));
  check(b, BYTES(0x48, 0xc7, 0xc0), 3);
}

Test(gottpoff, mov_r9) {
  uint8_t b[] = {0x4c, 0x8b, 0x0d, 0, 0, 0, 0};
  cr_assert(relax_gottpoff_to_le(b + 3, 3, true));
  check(b, BYTES(0x49, 0xc7, 0xc1), 3);
}

Test(gottpoff, add_rcx) {
  uint8_t b[] = {0x48, 0x03, 0x0d, 0, 0, 0, 0};
  cr_assert(relax_gottpoff_to_le(b + 3, 3, true));
  check(b, BYTES(0x48, 0x81, 0xc1), 3);
}

Test(gottpoff, add_r12) {
  uint8_t b[] = {0x4c, 0x03, 0x25, 0, 0, 0, 0};
  cr_assert(relax_gottpoff_to_le(b + 3, 3, true));
  check(b, BYTES(0x49, 0x81, 0xc4), 3);
}

Test(gottpoff, not_rip_relative) {
  uint8_t b[] = {0x48, 0x8b, 0x00, 0, 0, 0, 0}; /* mov (%rax), %rax */
  cr_assert_not(relax_gottpoff_to_le(b + 3, 3, true));
  cr_expect_eq(b[1], 0x8b);
}

static const uint8_t le_seq[] = {0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0, 0x48, 0x8d, 0x80};

Test(tlsgd, call_plt_form) {
  uint8_t b[16] = {0x66, 0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0x66, 0x66, 0x48, 0xe8, 0, 0, 0, 0};
  cr_assert(relax_tlsgd_to_le(b + 4, 4, sizeof(b), true));
  check(b, le_seq, sizeof(le_seq));
}

Test(tlsgd, call_got_form) {
  uint8_t b[16] = {0x66, 0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0x66, 0x48, 0xff, 0x15, 0, 0, 0, 0};
  cr_assert(relax_tlsgd_to_le(b + 4, 4, sizeof(b), true));
  check(b, le_seq, sizeof(le_seq));
}

Test(tlsgd, section_too_short) {
  uint8_t b[12] = {0x66, 0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0x66, 0x66, 0x48, 0xe8};
  cr_assert_not(relax_tlsgd_to_le(b + 4, 4, sizeof(b), true));
}

Test(tlsld, call_plt_form) {
  uint8_t b[12] = {0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0xe8, 0, 0, 0, 0};
  cr_assert(relax_tlsld_to_le(b + 3, 3, sizeof(b), true));
  check(b, BYTES(0x66, 0x66, 0x66, 0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0), 12);
}

Test(tlsld, call_got_form) {
  uint8_t b[13] = {0x48, 0x8d, 0x3d, 0, 0, 0, 0, 0xff, 0x15, 0, 0, 0, 0};
  cr_assert(relax_tlsld_to_le(b + 3, 3, sizeof(b), true));
  check(b, BYTES(0x66, 0x66, 0x66, 0x66, 0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0), 13);
}

Test(tlsdesc, lea_becomes_mov_immediate) {
  uint8_t b[] = {0x48, 0x8d, 0x05, 0, 0, 0, 0};
  cr_assert(relax_tlsdesc_to_le(b + 3, 3, true));
  check(b, BYTES(0x48, 0xc7, 0xc0), 3);
}

Test(tlsdesc, call_becomes_nop) {
  uint8_t b[] = {0xff, 0x10};
  cr_assert(relax_tlsdesc_call_to_nop(b, 0, sizeof(b), true));
  check(b, BYTES(0x66, 0x90), 2);
}

Test(tlsdesc, wrong_call_untouched) {
  uint8_t b[] = {0xff, 0x11};
  cr_assert_not(relax_tlsdesc_call_to_nop(b, 0, sizeof(b), true));
  check(b, BYTES(0xff, 0x11), 2);
}

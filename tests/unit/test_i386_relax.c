/* i386 relaxers: byte-exact rewrites of real gcc/as output (see the
 * sequences in arch/i386/i386.c), and no write when the code differs. */
#include "arch/i386/i386.h"
#include <criterion/criterion.h>
#include <string.h>

#define BYTES(...) ((uint8_t[]){__VA_ARGS__})

static void check(const uint8_t *got, const uint8_t *want, size_t n) {
  for (size_t i = 0; i < n; i++)
    cr_expect_eq(got[i], want[i], "byte %zu: %02x != %02x", i, got[i], want[i]);
}

Test(i386_got32x, mov_becomes_lea_gotoff) {
  uint8_t b[] = {0x8b, 0x80, 0, 0, 0, 0}; /* movl gdata@GOT(%eax), %eax */
  cr_assert(i386_relax_got32x_to_gotoff(b + 2, 2, true));
  check(b, BYTES(0x8d, 0x80), 2);
}

Test(i386_got32x, absolute_form_not_relaxed) {
  uint8_t b[] = {0x8b, 0x05, 0, 0, 0, 0}; /* movl gdata@GOT, %eax */
  cr_assert_not(i386_relax_got32x_to_gotoff(b + 2, 2, true));
  check(b, BYTES(0x8b, 0x05), 2);
}

Test(i386_ie, gotie_mov) {
  uint8_t b[] = {0x8b, 0x90, 0, 0, 0, 0}; /* movl x@gotntpoff(%eax), %edx */
  cr_assert(i386_relax_tls_ie_to_le(b + 2, 2, true));
  check(b, BYTES(0xc7, 0xc2), 2);
}

Test(i386_ie, gotie_add) {
  uint8_t b[] = {0x03, 0x8b, 0, 0, 0, 0}; /* addl x@gotntpoff(%ebx), %ecx */
  cr_assert(i386_relax_tls_ie_to_le(b + 2, 2, true));
  check(b, BYTES(0x81, 0xc1), 2);
}

Test(i386_ie, indntpoff_eax) {
  uint8_t b[] = {0xa1, 0, 0, 0, 0}; /* movl x@indntpoff, %eax */
  cr_assert(i386_relax_tls_ie_to_le(b + 1, 1, true));
  cr_expect_eq(b[0], 0xb8);
}

Test(i386_ie, unknown_instruction_untouched) {
  uint8_t b[] = {0x2b, 0x90, 0, 0, 0, 0}; /* subl */
  cr_assert_not(i386_relax_tls_ie_to_le(b + 2, 2, true));
  check(b, BYTES(0x2b, 0x90), 2);
}

static const uint8_t gd_le[] = {0x65, 0xa1, 0, 0, 0, 0, 0x81, 0xe8};

Test(i386_gd, sib_form_with_plt_call) {
  /* leal x@tlsgd(,%ebx,1), %eax; call ___tls_get_addr@PLT */
  uint8_t b[12] = {0x8d, 0x04, 0x1d, 0, 0, 0, 0, 0xe8, 0xfc, 0xff, 0xff, 0xff};
  uint8_t *start = i386_relax_tls_gd_to_le(b + 3, 3, sizeof(b), true);
  cr_assert_eq(start, b);
  check(b, gd_le, sizeof(gd_le));
}

Test(i386_gd, register_form_with_got_call) {
  /* leal x@tlsgd(%ebx), %eax; call *___tls_get_addr@GOT(%ebx) */
  uint8_t b[12] = {0x8d, 0x83, 0, 0, 0, 0, 0xff, 0x93, 0, 0, 0, 0};
  uint8_t *start = i386_relax_tls_gd_to_le(b + 2, 2, sizeof(b), true);
  cr_assert_eq(start, b);
  check(b, gd_le, sizeof(gd_le));
}

Test(i386_gd, other_code_rejected) {
  uint8_t b[12] = {0x8d, 0x04, 0x1d, 0, 0, 0, 0, 0x90, 0x90, 0x90, 0x90, 0x90};
  cr_assert_null(i386_relax_tls_gd_to_le(b + 3, 3, sizeof(b), true));
  cr_expect_eq(b[0], 0x8d);
}

Test(i386_ldm, plt_call) {
  uint8_t b[11] = {0x8d, 0x83, 0, 0, 0, 0, 0xe8, 0xfc, 0xff, 0xff, 0xff};
  cr_assert(i386_relax_tls_ldm_to_le(b + 2, 2, sizeof(b), true));
  check(b, BYTES(0x65, 0xa1, 0, 0, 0, 0, 0x90, 0x8d, 0x74, 0x26, 0x00), 11);
}

Test(i386_ldm, got_call) {
  uint8_t b[12] = {0x8d, 0x83, 0, 0, 0, 0, 0xff, 0x93, 0, 0, 0, 0};
  cr_assert(i386_relax_tls_ldm_to_le(b + 2, 2, sizeof(b), true));
  check(b, BYTES(0x65, 0xa1, 0, 0, 0, 0, 0x8d, 0xb6, 0, 0, 0, 0), 12);
}

Test(i386_tlsdesc, lea_becomes_absolute_lea) {
  uint8_t b[] = {0x8d, 0x83, 0, 0, 0, 0}; /* leal x@tlsdesc(%ebx), %eax */
  cr_assert(i386_relax_tlsdesc_to_le(b + 2, 2, true));
  check(b, BYTES(0x8d, 0x05), 2);
}

Test(i386_tlsdesc, call_becomes_nop) {
  uint8_t b[] = {0xff, 0x10};
  cr_assert(i386_relax_tlsdesc_call_to_nop(b, 0, 2, true));
  check(b, BYTES(0x66, 0x90), 2);
}

/* AArch64 instruction encoders, exposed for unit tests: each takes the
 * original instruction word and returns it with the immediate replaced. */
#ifndef SMELT_ARCH_AARCH64_H
#define SMELT_ARCH_AARCH64_H

#include <stdbool.h>
#include <stdint.h>

uint32_t a64_adrp(uint32_t insn, int64_t pages);
uint32_t a64_imm12(uint32_t insn, uint64_t imm);
uint32_t a64_b26(uint32_t insn, int64_t delta);
uint32_t a64_b19(uint32_t insn, int64_t delta);
uint32_t a64_b14(uint32_t insn, int64_t delta);
uint32_t a64_movw(uint32_t insn, uint64_t imm16);
uint32_t a64_smovw(uint32_t insn, int64_t v, int shift);
uint32_t a64_ldr_to_add(uint32_t ldr, uint64_t lo12);
uint32_t a64_movz_x(uint32_t rd, uint64_t imm16, int hw);
uint32_t a64_movk_x(uint32_t rd, uint64_t imm16, int hw);
bool a64_thunk(uint8_t out[12], uint64_t P, uint64_t T);
uint32_t a64_window_stub_pc(uint8_t out[16], uint32_t ldr, uint64_t P, uint64_t stub,
                            uint64_t T);
uint32_t a64_window_stub(uint8_t out[16], uint32_t ldr, uint64_t P, uint64_t stub,
                         uint64_t value);
/* Cortex-A53 erratum 843419 (arch/aarch64/errata.c): given the code from
 * an ADRP on, avail bytes of it, which loads or stores complete an erratum
 * sequence: the one 8 bytes on (the three-instruction form), 12 bytes on
 * (four), both or neither. */
enum { A64_SITE_8 = 1, A64_SITE_12 = 2 };
unsigned a64_843419_sites(const uint8_t *code, uint64_t avail);
/* --emit-relocs: the type that describes relocation `type` once applied
 * (got_relaxed: a GOT load made adrp + add; stubbed: a GOTPAGE_LO15 load
 * sent to a stub; prev: the type of the relocation before it, whose GD
 * sequence may have consumed this call) */
uint32_t a64_emitted_type(uint32_t type, bool got_relaxed, bool stubbed, uint32_t prev);
struct iplt;
enum { A64_IPLT_INIT_SIZE = 128 };
/* IFUNC: the start-up routine that applies .rela.iplt, then the entries
 * (ld/ifunc.c); false if an adrp does not reach */
bool a64_write_iplt(uint8_t *out, const struct iplt *l);

#endif

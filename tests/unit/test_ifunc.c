/* IFUNC start-up routines and entries (ld/ifunc.c): each arch's
 * write_iplt, its address fields decoded back and checked against the
 * addresses it was given; a target out of reach is refused. The
 * instruction bytes around them are GNU as output (objdump checked). */
#include "arch/aarch64/aarch64.h"
#include "arch/i386/i386.h"
#include "arch/x86_64/x86_64.h"
#include "ld/ld.h"
#include <criterion/criterion.h>

static uint32_t u32(const uint8_t *p) { return rd32(p); }

/* where a rip-relative operand of an instruction ending at `end` points */
static uint64_t rip_target(const uint8_t *disp, uint64_t end) {
  return end + (uint64_t)(int64_t)(int32_t)u32(disp);
}

static const struct iplt L = {.addr = 0x401230, .rel = 0x402008, .end = 0x402050,
                              .slots = 0x405ff0, .n = 3, .hwcap = 0x406018};

Test(ifunc, x86_64_routine_and_entries) {
  uint8_t out[IPLT_INIT_SIZE + 3 * IPLT_ENTSIZE];
  cr_assert(x86_64_write_iplt(out, &L));
  cr_expect_eq(out[0], 0x53, "push %%rbx");
  cr_expect_eq(rip_target(out + 7, L.addr + 11), L.rel, "lea rel(%%rip), %%rbx");
  cr_expect_eq(rip_target(out + 14, L.addr + 18), L.end, "lea end(%%rip), %%rbp");
  cr_expect_eq(rip_target(out + 21, L.addr + 25), L.addr, "lea here(%%rip), %%r12");
  cr_expect_eq(rd64(out + 27), L.addr, "movabs $(linked here), %%rax");
  cr_expect_eq(out[71], 0xc3, "ret");
  for (uint32_t i = 0; i < 3; i++) {
    const uint8_t *e = out + IPLT_INIT_SIZE + i * IPLT_ENTSIZE;
    uint64_t E = L.addr + IPLT_INIT_SIZE + i * IPLT_ENTSIZE;
    cr_expect(e[0] == 0xff && e[1] == 0x25, "entry %u: jmp *disp(%%rip)", i);
    cr_expect_eq(rip_target(e + 2, E + 6), L.slots + 8 * i, "entry %u jumps through its slot", i);
    cr_expect(e[6] == 0xcc && e[15] == 0xcc, "entry %u: padded with int3", i);
  }
  struct iplt far = L;
  far.slots = L.addr + (UINT64_C(1) << 32);
  cr_expect(!x86_64_write_iplt(out, &far), "a slot 4 GiB away is out of reach");
}

Test(ifunc, i386_routine_and_entries) {
  struct iplt l = {.addr = 0x8049100, .rel = 0x804a000, .end = 0x804a018, .slots = 0x804c100,
                   .n = 3};
  uint8_t out[I386_IPLT_INIT_SIZE + 3 * IPLT_ENTSIZE];
  cr_assert(i386_write_iplt(out, &l));
  cr_expect(out[3] == 0xbb && u32(out + 4) == l.rel, "mov $rel, %%ebx");
  cr_expect(out[8] == 0xbe && u32(out + 9) == l.end, "mov $end, %%esi");
  cr_expect(out[19] == 0xff && out[20] == 0x17, "call *(%%edi)");
  cr_expect_eq(out[31], 0xc3, "ret");
  for (uint32_t i = 0; i < 3; i++) {
    const uint8_t *e = out + I386_IPLT_INIT_SIZE + i * IPLT_ENTSIZE;
    cr_expect(e[0] == 0xff && e[1] == 0x25 && u32(e + 2) == l.slots + 4 * i,
              "entry %u: jmp *slot", i);
  }
}

/* adrp at P: the page it names */
static uint64_t adrp_target(uint32_t insn, uint64_t P) {
  int64_t imm = (int64_t)(((insn >> 29) & 3) | ((insn >> 5) & 0x7ffff) << 2);
  imm = imm << 43 >> 43; /* sign-extend 21 bits */
  return (P & ~(uint64_t)0xfff) + (uint64_t)(imm << 12);
}

static uint32_t imm12(uint32_t insn) { return (insn >> 10) & 0xfff; }

Test(ifunc, aarch64_routine_and_entries) {
  uint8_t out[A64_IPLT_INIT_SIZE + 3 * IPLT_ENTSIZE];
  cr_assert(a64_write_iplt(out, &L));
  uint32_t adrp19 = u32(out + 16), add19 = u32(out + 20);
  cr_expect_eq(adrp19 & 0x9f00001f, 0x90000013, "adrp x19");
  cr_expect_eq(adrp_target(adrp19, L.addr + 16) + imm12(add19), L.rel, "x19 = rel");
  cr_expect_eq(adrp_target(u32(out + 24), L.addr + 24) + imm12(u32(out + 28)), L.end, "x20 = end");
  cr_expect_eq(u32(out + 32), 0x10ffff15, "adr x21, here");
  uint32_t lit = u32(out + 36);
  cr_expect_eq(rd64(out + 36 + 4 * ((lit >> 5) & 0x7ffff)), L.addr, "ldr x9, =linked here");
  uint32_t adrp0 = u32(out + 64), ldr0 = u32(out + 68);
  cr_expect_eq(adrp0 & 0x9f00001f, 0x90000000, "adrp x0, __hwcap");
  cr_expect_eq(ldr0 & 0xffc003ff, 0xf9400000, "ldr x0, [x0, #lo12]");
  cr_expect_eq(adrp_target(adrp0, L.addr + 64) + 8 * imm12(ldr0), L.hwcap, "x0 = __hwcap");
  for (uint32_t i = 0; i < 3; i++) {
    const uint8_t *e = out + A64_IPLT_INIT_SIZE + i * IPLT_ENTSIZE;
    uint64_t E = L.addr + A64_IPLT_INIT_SIZE + i * IPLT_ENTSIZE;
    cr_expect_eq(u32(e) & 0x9f00001f, 0x90000010, "entry %u: adrp x16", i);
    cr_expect_eq(u32(e + 4) & 0xffc003ff, 0xf9400211, "entry %u: ldr x17, [x16, #lo12]", i);
    cr_expect_eq(adrp_target(u32(e), E) + 8 * imm12(u32(e + 4)), L.slots + 8 * i,
                 "entry %u loads its slot", i);
    cr_expect_eq(u32(e + 8), 0xd61f0220, "entry %u: br x17", i);
  }
  struct iplt none = L;
  none.hwcap = 0;
  cr_assert(a64_write_iplt(out, &none));
  cr_expect(u32(out + 64) == 0xd2800000 && u32(out + 68) == 0xd503201f,
            "no __hwcap: mov x0, #0; nop");
  struct iplt far = L;
  far.slots = L.addr + (UINT64_C(1) << 33);
  cr_expect(!a64_write_iplt(out, &far), "a slot 8 GiB away is beyond adrp");
}

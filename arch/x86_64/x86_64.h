/* x86_64 relaxers, exposed for unit tests. Each takes a pointer to the
 * relocated 32-bit field, its offset in the section (and the section size),
 * and returns whether the surrounding code is the expected sequence; with
 * write set it rewrites the instructions (the field itself is written by the
 * caller). */
#ifndef SMELT_ARCH_X86_64_H
#define SMELT_ARCH_X86_64_H

#include <stdbool.h>
#include <stdint.h>

bool relax_gotpcrelx_to_pcrel(uint8_t *loc, uint64_t off, bool write);
bool relax_gottpoff_to_le(uint8_t *loc, uint64_t off, bool write);
bool relax_tlsgd_to_le(uint8_t *loc, uint64_t off, uint64_t size, bool write);
bool relax_tlsld_to_le(uint8_t *loc, uint64_t off, uint64_t size, bool write);
bool relax_tlsdesc_to_le(uint8_t *loc, uint64_t off, bool write);
bool relax_tlsdesc_call_to_nop(uint8_t *loc, uint64_t off, uint64_t size, bool write);

struct iplt;
enum { IPLT_INIT_SIZE = 80 };
/* IFUNC: the start-up routine that applies .rela.iplt, then the entries
 * (ld/ifunc.c); false if a rel32 does not reach */
bool x86_64_write_iplt(uint8_t *out, const struct iplt *l);

#endif

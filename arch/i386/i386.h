/* i386 relaxers, exposed for unit tests. Each takes a pointer to the
 * relocated 32-bit field and its offset in the section (and the section
 * size); it returns whether the surrounding code is the expected sequence
 * and, with write set, rewrites the instructions (the field itself is
 * written by the caller). */
#ifndef SMELT_ARCH_I386_H
#define SMELT_ARCH_I386_H

#include <stdbool.h>
#include <stdint.h>

bool i386_relax_got32x_to_gotoff(uint8_t *loc, uint64_t off, bool write);
bool i386_relax_tls_ie_to_le(uint8_t *loc, uint64_t off, bool write);
uint8_t *i386_relax_tls_gd_to_le(uint8_t *loc, uint64_t off, uint64_t size, bool write);
bool i386_relax_tls_ldm_to_le(uint8_t *loc, uint64_t off, uint64_t size, bool write);
bool i386_relax_tlsdesc_to_le(uint8_t *loc, uint64_t off, bool write);
bool i386_relax_tlsdesc_call_to_nop(uint8_t *loc, uint64_t off, uint64_t size, bool write);

struct iplt;
enum { I386_IPLT_INIT_SIZE = 32 };
/* IFUNC: the start-up routine that applies .rel.iplt, then the entries
 * (ld/ifunc.c); absolute addresses, so not for a static PIE */
bool i386_write_iplt(uint8_t *out, const struct iplt *l);

#endif

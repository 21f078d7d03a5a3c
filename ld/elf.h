/* ELF structures and constants for the three targets, plus unaligned-safe
 * little-endian field access. The system <elf.h> supplies the structs and
 * every R_* number; what it lacks on older hosts is defined here. Input
 * bytes are never accessed by casting pointers: always through the rd and wr helpers. */
#ifndef SMELT_ELF_H
#define SMELT_ELF_H

#include <elf.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#ifndef R_X86_64_GOTPCRELX
#define R_X86_64_GOTPCRELX 41
#define R_X86_64_REX_GOTPCRELX 42
#endif
#ifndef R_X86_64_CODE_4_GOTPCRELX
#define R_X86_64_CODE_4_GOTPCRELX 43
#define R_X86_64_CODE_4_GOTTPOFF 44
#define R_X86_64_CODE_4_GOTPC32_TLSDESC 45
#endif
#ifndef R_386_GOT32X
#define R_386_GOT32X 43
#endif
#ifndef SHF_GNU_RETAIN
#define SHF_GNU_RETAIN (1u << 21)
#endif
#ifndef ELFCOMPRESS_ZSTD
#define ELFCOMPRESS_ZSTD 2
#endif
#ifndef STT_GNU_IFUNC
#define STT_GNU_IFUNC 10
#endif
/* LLVM's call graph profile (clang with -fprofile-use): 8-byte weights,
 * each with two relocations (always REL) naming the caller and callee */
#define SHT_LLVM_CALL_GRAPH_PROFILE 0x6fff4c09
#ifndef NT_FDO_PACKAGING_METADATA
#define NT_FDO_PACKAGING_METADATA 0xcafe1a7e
#endif

static inline uint16_t rd16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t rd32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t rd64(const void *p) { uint64_t v; memcpy(&v, p, 8); return v; }
/* an n-byte big-endian number (an archive's symbol index) */
static inline uint64_t rd_be(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++)
    v = v << 8 | p[i];
  return v;
}
static inline void wr16(void *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void wr32(void *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void wr64(void *p, uint64_t v) { memcpy(p, &v, 8); }

/* The ULEB128 at *p (DWARF, .eh_frame, .llvm_addrsig), *p moved past it;
 * bits past the 64th are dropped. False if it runs into end (then *p is
 * end and *out what was read). */
static inline bool read_uleb(const uint8_t **p, const uint8_t *end, uint64_t *out) {
  uint64_t v = 0;
  for (unsigned shift = 0; *p < end; shift += 7) {
    uint8_t b = *(*p)++;
    if (shift < 64)
      v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return true;
    }
  }
  *out = v;
  return false;
}

/* An ELF note's header and its owner's 4-byte name ("GNU", "FDO"); the
 * descriptor follows at p + 16. */
static inline void wr_note_head(uint8_t *p, const char owner[4], uint32_t descsz, uint32_t type) {
  wr32(p, 4);
  wr32(p + 4, descsz);
  wr32(p + 8, type);
  memcpy(p + 12, owner, 4);
}

#endif

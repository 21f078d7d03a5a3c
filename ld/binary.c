/* -b binary: a file's bytes linked as data, as GNU ld and lld link them.
 * Each such file becomes an ELF relocatable object of its own for the
 * target, made here in memory and then read like any other: its .data
 * (SHF_ALLOC | SHF_WRITE, alignment 1) holds the bytes, and three global
 * symbols give them to the program: _binary_NAME_start and
 * _binary_NAME_end (the first byte and one past the last, in .data) and
 * _binary_NAME_size (absolute), NAME being the path as the command line
 * gave it with every byte but an ASCII letter or digit made '_'. */
#include "ld/ld.h"

char *binary_symbol_prefix(const char *path) {
  char *s = xsprintf("_binary_%s", path);
  for (char *p = s + 8; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
      *p = '_';
  return s;
}

/* the object's sections, in header order */
enum { B_NULL, B_DATA, B_SYMTAB, B_STRTAB, B_SHSTRTAB, B_NSECS };
static const char shstrtab[] = "\0.data\0.symtab\0.strtab\0.shstrtab";
static const uint32_t shname[B_NSECS] = {0, 1, 7, 15, 23};

struct layout {
  bool w; /* ELF64 */
  uint8_t *p;
};

/* The ELF header: the two classes differ only in the size of e_entry,
 * e_phoff and e_shoff (a word), and so in where what follows them is. */
static void put_ehdr(const struct layout *l, uint16_t machine, uint64_t shoff) {
  uint8_t *p = l->p;
  size_t word = l->w ? 8 : 4;
  memcpy(p, ELFMAG, SELFMAG);
  p[EI_CLASS] = l->w ? ELFCLASS64 : ELFCLASS32;
  p[EI_DATA] = ELFDATA2LSB;
  p[EI_VERSION] = EV_CURRENT;
  wr16(p + 16, ET_REL);
  wr16(p + 18, machine);
  wr32(p + 20, EV_CURRENT);
  uint8_t *q = p + 24 + 2 * word; /* e_shoff */
  if (l->w)
    wr64(q, shoff);
  else
    wr32(q, (uint32_t)shoff);
  q += word + 4; /* past e_flags (0) */
  /* e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx */
  uint16_t half[6] = {l->w ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr), 0, 0,
                      l->w ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr), B_NSECS, B_SHSTRTAB};
  for (int i = 0; i < 6; i++)
    wr16(q + 2 * i, half[i]);
}

static void put_shdr(const struct layout *l, uint64_t shoff, int i, uint32_t type, uint64_t flags,
                     uint64_t offset, uint64_t size, uint32_t link, uint32_t info, uint64_t align,
                     uint64_t entsize) {
  if (l->w) {
    Elf64_Shdr s = {shname[i], type, flags, 0, offset, size, link, info, align, entsize};
    memcpy(l->p + shoff + i * sizeof(s), &s, sizeof(s));
  } else {
    Elf32_Shdr s = {shname[i], type, (uint32_t)flags, 0, (uint32_t)offset, (uint32_t)size,
                    link, info, (uint32_t)align, (uint32_t)entsize};
    memcpy(l->p + shoff + i * sizeof(s), &s, sizeof(s));
  }
}

static void put_sym(const struct layout *l, uint64_t symoff, int i, uint32_t name, uint64_t value,
                    uint16_t shndx) {
  unsigned char info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE); /* the same in ELF32 */
  if (l->w) {
    Elf64_Sym s = {name, info, STV_DEFAULT, shndx, value, 0};
    memcpy(l->p + symoff + i * sizeof(s), &s, sizeof(s));
  } else {
    Elf32_Sym s = {name, (uint32_t)value, 0, info, STV_DEFAULT, shndx};
    memcpy(l->p + symoff + i * sizeof(s), &s, sizeof(s));
  }
}

uint8_t *binary_object(const char *path, const uint8_t *data, uint64_t size,
                       const struct arch *arch, uint64_t *out_size) {
  struct layout l = {.w = arch->is64};
  uint64_t ehsize = l.w ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  uint64_t shentsize = l.w ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
  uint64_t symentsize = l.w ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
  char *prefix = binary_symbol_prefix(path);
  size_t plen = strlen(prefix);
  /* "\0PREFIX_start\0PREFIX_end\0PREFIX_size\0" */
  uint32_t start = 1, end = start + (uint32_t)plen + 7, sz = end + (uint32_t)plen + 5;
  uint64_t strsize = sz + plen + 6;

  uint64_t shoff = ALIGN_UP(ehsize, 8);
  uint64_t symoff = shoff + B_NSECS * shentsize;
  uint64_t stroff = symoff + 4 * symentsize;
  uint64_t shstroff = stroff + strsize;
  uint64_t dataoff = ALIGN_UP(shstroff + sizeof(shstrtab), 16);
  *out_size = dataoff + size;
  l.p = xalloc_pages(*out_size);

  put_ehdr(&l, arch->machine, shoff);

  put_shdr(&l, shoff, B_DATA, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, dataoff, size, 0, 0, 1, 0);
  put_shdr(&l, shoff, B_SYMTAB, SHT_SYMTAB, 0, symoff, 4 * symentsize, B_STRTAB, 1, l.w ? 8 : 4,
           symentsize);
  put_shdr(&l, shoff, B_STRTAB, SHT_STRTAB, 0, stroff, strsize, 0, 0, 1, 0);
  put_shdr(&l, shoff, B_SHSTRTAB, SHT_STRTAB, 0, shstroff, sizeof(shstrtab), 0, 0, 1, 0);

  put_sym(&l, symoff, 1, start, 0, B_DATA);
  put_sym(&l, symoff, 2, end, size, B_DATA);
  put_sym(&l, symoff, 3, sz, size, SHN_ABS);
  char *s = (char *)l.p + stroff;
  sprintf(s + start, "%s_start", prefix);
  sprintf(s + end, "%s_end", prefix);
  sprintf(s + sz, "%s_size", prefix);
  memcpy(l.p + shstroff, shstrtab, sizeof(shstrtab));
  if (size)
    memcpy(l.p + dataoff, data, size);
  return l.p;
}

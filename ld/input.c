/* Open: mmap every input read-only and recognise it. ELF relocatables
 * (32- or 64-bit, the target machine) and ar archives (GNU symbol index,
 * long names, thin archives, empty 8-byte archives) are accepted; shared
 * objects are refused. Archive members become objfiles too, not yet alive:
 * resolve decides which are pulled. Section headers, symbol tables and
 * groups of all files are then parsed in parallel. Every field read from an
 * input is bounds-checked; a corrupt file is an error naming it, never a
 * crash. Comes first; ld/resolve.c follows. */
#include "ld/ld.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

struct group {
  struct symbol *sig;
  uint32_t shndx;
};

/* Normalized views of ELF32/ELF64 headers. */
struct eshdr {
  uint32_t name, type, link, info;
  uint64_t flags, offset, size, addralign, entsize;
};

struct esym {
  uint32_t name;
  uint8_t info, other;
  uint16_t shndx;
  uint64_t value, size;
};

static bool is64(const struct objfile *f) { return f->data[EI_CLASS] == ELFCLASS64; }

const uint8_t *elf_shdr(const struct objfile *f, uint32_t i) {
  return f->shdrs + (size_t)i * (is64(f) ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr));
}

static void decode_shdr(const uint8_t *p, bool w, struct eshdr *out) {
  if (w) {
    Elf64_Shdr s;
    memcpy(&s, p, sizeof(s));
    *out = (struct eshdr){s.sh_name, s.sh_type, s.sh_link, s.sh_info, s.sh_flags,
                          s.sh_offset, s.sh_size, s.sh_addralign, s.sh_entsize};
  } else {
    Elf32_Shdr s;
    memcpy(&s, p, sizeof(s));
    *out = (struct eshdr){s.sh_name, s.sh_type, s.sh_link, s.sh_info, s.sh_flags,
                          s.sh_offset, s.sh_size, s.sh_addralign, s.sh_entsize};
  }
}

static void read_shdr(const struct objfile *f, uint32_t i, struct eshdr *out) {
  decode_shdr(elf_shdr(f, i), is64(f), out);
}

/* The ELF header fields the readers use, of either class. */
struct eehdr {
  uint64_t shoff;
  uint32_t shnum, shstrndx, shentsize;
  uint16_t type, machine;
};

static void decode_ehdr(const uint8_t *p, bool w, struct eehdr *out) {
  if (w) {
    Elf64_Ehdr e;
    memcpy(&e, p, sizeof(e));
    *out = (struct eehdr){e.e_shoff, e.e_shnum, e.e_shstrndx, e.e_shentsize, e.e_type,
                          e.e_machine};
  } else {
    Elf32_Ehdr e;
    memcpy(&e, p, sizeof(e));
    *out = (struct eehdr){e.e_shoff, e.e_shnum, e.e_shstrndx, e.e_shentsize, e.e_type,
                          e.e_machine};
  }
}

static void read_sym(const struct objfile *f, uint32_t i, struct esym *out) {
  if (is64(f)) {
    Elf64_Sym s;
    memcpy(&s, f->symtab + (size_t)i * sizeof(s), sizeof(s));
    *out = (struct esym){s.st_name, s.st_info, s.st_other, s.st_shndx, s.st_value, s.st_size};
  } else {
    Elf32_Sym s;
    memcpy(&s, f->symtab + (size_t)i * sizeof(s), sizeof(s));
    *out = (struct esym){s.st_name, s.st_info, s.st_other, s.st_shndx, s.st_value, s.st_size};
  }
}

uint32_t isec_nrels(const struct isec *isec) { return isec->nrels; }

void get_rel(const struct isec *isec, uint32_t i, struct rel *out) {
  const struct objfile *f = isec->file;
  if (is64(f)) {
    if (isec->rela) {
      Elf64_Rela r;
      memcpy(&r, isec->rels + (size_t)i * sizeof(r), sizeof(r));
      *out = (struct rel){r.r_offset, ELF64_R_TYPE(r.r_info), ELF64_R_SYM(r.r_info), r.r_addend};
    } else {
      Elf64_Rel r;
      memcpy(&r, isec->rels + (size_t)i * sizeof(r), sizeof(r));
      *out = (struct rel){r.r_offset, ELF64_R_TYPE(r.r_info), ELF64_R_SYM(r.r_info), 0};
    }
  } else {
    if (isec->rela) {
      Elf32_Rela r;
      memcpy(&r, isec->rels + (size_t)i * sizeof(r), sizeof(r));
      *out = (struct rel){r.r_offset, ELF32_R_TYPE(r.r_info), ELF32_R_SYM(r.r_info), r.r_addend};
    } else {
      Elf32_Rel r;
      memcpy(&r, isec->rels + (size_t)i * sizeof(r), sizeof(r));
      *out = (struct rel){r.r_offset, ELF32_R_TYPE(r.r_info), ELF32_R_SYM(r.r_info), 0};
    }
  }
  if (!isec->rela && ctx.arch->implicit_addend && isec->data && out->type < ctx.arch->nhowto &&
      out->offset <= isec->size && isec->size - out->offset >= ctx.arch->howto[out->type].size)
    out->addend = ctx.arch->implicit_addend(out->type, isec->data + out->offset);
}

/* ---- ELF relocatable objects ---- */

static uint32_t init_priority(const char *name) {
  static const char *const prefixes[] = {".init_array.", ".fini_array.", ".ctors.", ".dtors."};
  if (name[0] != '.' || (name[1] != 'i' && name[1] != 'f' && name[1] != 'c' && name[1] != 'd'))
    return ORDER_NONE;
  for (int i = 0; i < 4; i++) {
    size_t n = strlen(prefixes[i]);
    if (!strncmp(name, prefixes[i], n)) {
      char *end;
      unsigned long v = strtoul(name + n, &end, 10);
      if (!*end && v < 65536)
        return (uint32_t)(i >= 2 ? 65535 - v : v);
    }
  }
  return ORDER_NONE;
}

static bool is_debug_name(const char *name) {
  return !strncmp(name, ".debug", 6) || !strncmp(name, ".zdebug", 7) || !strcmp(name, ".stab") ||
         !strcmp(name, ".stabstr") || !strncmp(name, ".gnu.debuglto_", 14);
}

/* The size a compressed section says it holds, if the f->size bytes of
 * its file can hold that much: most is how many times the method can
 * expand (deflate 1032, zstd 32768: a 3-byte block header and one byte
 * repeated to 128 KiB). */
static bool plausible_size(struct objfile *f, struct isec *isec, uint64_t size, uint64_t most) {
  if (size <= ((uint64_t)1 << 32) && size <= f->size * most + 4096)
    return true;
  error("%s: section %s: implausible uncompressed size %llu", f->name, isec->name,
        (unsigned long long)size);
  return false;
}

/* The zlib stream of n bytes at src, inflated to exactly size bytes, or
 * NULL after an error. */
static uint8_t *inflate_exact(struct objfile *f, struct isec *isec, const uint8_t *src,
                              uint64_t n, uint64_t size) {
  uint8_t *out = xalloc(size ? size : 1);
  uLongf outlen = size;
  int rc = uncompress(out, &outlen, src, n);
  if (rc == Z_OK && outlen == size)
    return out;
  error("%s: section %s: corrupt zlib data (%s)", f->name, isec->name,
        rc != Z_OK ? zError(rc) : "size mismatch");
  return NULL;
}

/* A .zdebug_* section (gcc -gz=zlib-gnu, the GNU form before
 * SHF_COMPRESSED): "ZLIB", the uncompressed size (8 bytes, big-endian),
 * then a zlib stream. It becomes the .debug_* section it holds. */
static bool decompress_zdebug(struct objfile *f, struct isec *isec) {
  const uint8_t *p = isec->data;
  if (!p || isec->size < 12 || memcmp(p, "ZLIB", 4)) {
    error("%s: section %s: no ZLIB header", f->name, isec->name);
    return false;
  }
  uint64_t size = 0;
  for (int k = 4; k < 12; k++)
    size = size << 8 | p[k];
  uint8_t *out;
  if (!plausible_size(f, isec, size, 1032) ||
      !(out = inflate_exact(f, isec, p + 12, isec->size - 12, size)))
    return false;
  isec->name = xsprintf(".debug%s", isec->name + 7);
  isec->data = out;
  isec->size = size;
  return true;
}

/* An SHF_COMPRESSED input section (gcc -gz): Elf_Chdr then a zlib stream,
 * or zstd frames (-gz=zstd). It is decompressed once, here, so every later
 * pass sees plain bytes. */
static bool decompress_section(struct objfile *f, struct isec *isec) {
  uint64_t type, size, align;
  size_t hdr;
  if (!isec->data) {
    error("%s: section %s: SHT_NOBITS section marked compressed", f->name, isec->name);
    return false;
  }
  if (is64(f)) {
    Elf64_Chdr c;
    if (isec->size < sizeof(c))
      goto truncated;
    memcpy(&c, isec->data, sizeof(c));
    type = c.ch_type, size = c.ch_size, align = c.ch_addralign, hdr = sizeof(c);
  } else {
    Elf32_Chdr c;
    if (isec->size < sizeof(c))
      goto truncated;
    memcpy(&c, isec->data, sizeof(c));
    type = c.ch_type, size = c.ch_size, align = c.ch_addralign, hdr = sizeof(c);
  }
  if (type != ELFCOMPRESS_ZLIB && type != ELFCOMPRESS_ZSTD) {
    error("%s: section %s: unsupported compression type %llu (only zlib and zstd)", f->name,
          isec->name, (unsigned long long)type);
    return false;
  }
  if (align & (align - 1) || align > MAX_ALIGN) {
    error("%s: section %s: alignment 0x%llx in the compression header is %s", f->name,
          isec->name, (unsigned long long)align,
          align & (align - 1) ? "not a power of two" : "too large");
    return false;
  }
  if (!plausible_size(f, isec, size, type == ELFCOMPRESS_ZLIB ? 1032 : 32768))
    return false;
  uint8_t *out;
  if (type == ELFCOMPRESS_ZSTD) {
    out = xalloc(size ? size : 1);
    size_t n = ZSTD_decompress(out, size, isec->data + hdr, isec->size - hdr);
    if (ZSTD_isError(n) || n != size) {
      error("%s: section %s: corrupt zstd data (%s)", f->name, isec->name,
            ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch");
      return false;
    }
  } else if (!(out = inflate_exact(f, isec, isec->data + hdr, isec->size - hdr, size))) {
    return false;
  }
  isec->data = out;
  isec->size = size;
  isec->addralign = align ? (uint32_t)align : 1;
  isec->flags &= ~(uint64_t)SHF_COMPRESSED;
  return true;
truncated:
  error("%s: section %s: truncated compression header", f->name, isec->name);
  return false;
}

/* Reports a corrupt-input error and marks the file unusable. */
#define CORRUPT(f, ...)                                                     \
  do {                                                                      \
    error("%s: %s", (f)->name, xsprintf(__VA_ARGS__));                      \
    return;                                                                 \
  } while (0)

/* Archive members nothing has pulled in yet are read lazily: headers,
 * section table and global symbols only, which is all resolve needs to
 * decide whether to link them; most of a libc.a never is. The members it
 * links are then read whole (parse_member). */
static void parse(struct objfile *f, bool lazy);

void parse_objfile(struct objfile *f) { parse(f, f->in_archive && !atomic_load(&f->alive)); }

void parse_member(struct objfile *f) {
  if (f->lazy)
    parse(f, false);
}

/* Section header i: within the file, a sane alignment. */
static bool check_shdr(struct objfile *f, uint32_t i, const struct eshdr *sh) {
  if (sh->type != SHT_NOBITS && sh->type != SHT_NULL &&
      (sh->offset > f->size || sh->size > f->size - sh->offset)) {
    error("%s: truncated: section %u (offset 0x%llx, size 0x%llx) extends past the end of the "
          "file", f->name, i, (unsigned long long)sh->offset, (unsigned long long)sh->size);
    return false;
  }
  if (sh->addralign & (sh->addralign - 1)) {
    error("%s: section %u: alignment 0x%llx is not a power of two", f->name, i,
          (unsigned long long)sh->addralign);
    return false;
  }
  if (sh->addralign > MAX_ALIGN && sh->type != SHT_NULL) {
    error("%s: section %u: alignment 0x%llx is too large", f->name, i,
          (unsigned long long)sh->addralign);
    return false;
  }
  return true;
}

/* Positions in ctx.paths, by path, then by position. */
static int by_path_then_position(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  int c = strcmp(ctx.paths.v[x], ctx.paths.v[y]);
  return c ? c : (x > y) - (x < y);
}

const char **unique_input_paths(size_t *n) {
  size_t np = ctx.paths.n;
  size_t *order = xcalloc(np + 1, sizeof(size_t));
  bool *first = xcalloc(np + 1, 1);
  for (size_t i = 0; i < np; i++)
    order[i] = i;
  if (np)
    qsort(order, np, sizeof(*order), by_path_then_position);
  for (size_t i = 0; i < np; i++)
    first[order[i]] = !i || strcmp(ctx.paths.v[order[i - 1]], ctx.paths.v[order[i]]);
  const char **out = xalloc(sizeof(char *) * (np + 1));
  *n = 0;
  for (size_t i = 0; i < np; i++)
    if (first[i])
      out[(*n)++] = ctx.paths.v[i];
  xfree(order);
  xfree(first);
  return out;
}

/* --wrap=SYM: an undefined reference to SYM binds to __wrap_SYM, and one
 * to __real_SYM binds to SYM (definitions keep their names, as in GNU ld). */
static const char *wrapped_name(const char *name) {
  const char *const *w = (const char *const *)ctx.opt.wrap.v;
  bool real = !strncmp(name, "__real_", 7);
  for (size_t i = 0; i < ctx.opt.wrap.n; i += 2) {
    if (!strcmp(name, w[i]))
      return w[i + 1];
    if (real && !strcmp(name + 7, w[i]))
      return w[i];
  }
  return name;
}

/* The properties of an NT_GNU_PROPERTY_TYPE_0 note, [p, p + n): the
 * target's FEATURE_1_AND bits ORed into *bits; what is wrong, or NULL. */
static const char *read_properties(const uint8_t *p, uint64_t n, uint64_t align, uint32_t *bits) {
  for (uint64_t q = 0; q < n; q += 8 + ALIGN_UP((uint64_t)rd32(p + q + 4), align)) {
    if (n - q < 8 || rd32(p + q + 4) > n - q - 8)
      return "property larger than its note";
    if (rd32(p + q) != ctx.arch->feature_1_and)
      continue;
    if (rd32(p + q + 4) != 4)
      return "FEATURE_1_AND property not 4 bytes";
    *bits |= rd32(p + q + 8);
  }
  return NULL;
}

/* .note.gnu.property: the target's FEATURE_1_AND bits into f->features
 * (other properties are not output, as lld does); false, and reported, if
 * the notes do not hold together. */
static bool read_gnu_property(struct objfile *f, const uint8_t *p, uint64_t size) {
  uint64_t align = is64(f) ? 8 : 4;
  for (uint64_t off = 0; off < size;) {
    const char *why = NULL;
    uint32_t namesz = 0, descsz = 0;
    uint64_t desc = 0;
    if (size - off < 12) {
      why = "truncated note header";
    } else {
      namesz = rd32(p + off), descsz = rd32(p + off + 4);
      desc = off + 12 + ALIGN_UP((uint64_t)namesz, 4);
      if (desc > size || descsz > size - desc)
        why = "note larger than the section";
      else if (rd32(p + off + 8) == NT_GNU_PROPERTY_TYPE_0 && namesz == 4 &&
               !memcmp(p + off + 12, "GNU", 4))
        why = read_properties(p + desc, descsz, align, &f->features);
    }
    if (why) {
      error("%s: section .note.gnu.property: %s (note at offset 0x%llx)", f->name, why,
            (unsigned long long)off);
      return false;
    }
    off = desc + ALIGN_UP((uint64_t)descsz, align);
  }
  return true;
}

/* GCC LTO bytecode: a .gnu.lto_.symtab section (SHF_EXCLUDE, as GCC
 * writes its sections), in a slim object or a -ffat-lto-objects one. Only
 * the section headers with that flag have their names read. */
static bool is_lto_bytecode(struct objfile *f, uint32_t shnum, uint32_t shstrndx) {
  static const char prefix[] = ".gnu.lto_.symtab";
  struct eshdr strs = {0};
  for (uint32_t i = 1; i < shnum; i++) {
    const uint8_t *h = elf_shdr(f, i);
    if (rd32(h + 4) != SHT_PROGBITS || !(rd32(h + 8) & SHF_EXCLUDE))
      continue;
    if (!strs.type) {
      read_shdr(f, shstrndx, &strs);
      if (strs.type != SHT_STRTAB || strs.offset > f->size || strs.size > f->size - strs.offset)
        return false;
    }
    uint32_t name = rd32(h);
    if (name < strs.size && strs.size - name > sizeof(prefix) - 1 &&
        !memcmp(f->data + strs.offset + name, prefix, sizeof(prefix) - 1))
      return true;
  }
  return false;
}

void reparse_objfile(struct objfile *f, const uint8_t *data, uint64_t size, bool lazy) {
  f->data = data;
  f->size = size;
  f->fd = -1;
  f->lazy = false; /* nothing read from the old bytes is kept */
  f->nsecs = f->nsyms = f->first_global = 0;
  f->symtab = NULL;
  f->symtab_shndx = NULL;
  parse(f, lazy);
}

/* LTO bytecode is the plugin's, before LTO (claimed) and after it (left
 * out); without a plugin it is refused */
static bool reads_bytecode(void) { return lto_active() || ctx.opt.ltrans; }

/* After LTO: the plugin's objects stand in for the bytecode, which
 * becomes an object with nothing in it. */
static void leave_out_bytecode(struct objfile *f, bool lazy) {
  uint64_t n;
  const uint8_t *stub = lto_stub(&n);
  reparse_objfile(f, stub, n, lazy);
}

static void parse(struct objfile *f, bool lazy) {
  if (f->lto && f->data == lto_bytes(f)) { /* LLVM bitcode, not ELF */
    if (ctx.opt.ltrans)
      leave_out_bytecode(f, lazy);
    return;
  }
  bool globals_read = f->lazy; /* by the lazy pass: kept, not read again */
  f->lazy = lazy;
  bool w = is64(f);
  size_t ehsize = w ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
  if (f->size < ehsize)
    CORRUPT(f, "truncated ELF header (%llu bytes)", (unsigned long long)f->size);
  struct eehdr eh;
  decode_ehdr(f->data, w, &eh);
  uint64_t shoff = eh.shoff;
  uint32_t shnum = eh.shnum, shstrndx = eh.shstrndx, shentsize = eh.shentsize;
  uint16_t type = eh.type, machine = eh.machine;
  if (f->data[EI_DATA] != ELFDATA2LSB)
    CORRUPT(f, "big-endian ELF is not supported");
  if (type != ET_REL)
    CORRUPT(f, "not a relocatable object (ELF type %u)", type);
  if (machine != ctx.arch->machine || w != ctx.arch->is64)
    CORRUPT(f, "is incompatible with %s (machine %u, %s)", ctx.arch->emulations[0], machine,
            w ? "ELF64" : "ELF32");
  size_t shsize = w ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
  if (shoff == 0)
    CORRUPT(f, "no section header table");
  if (shentsize != shsize)
    CORRUPT(f, "bad section header size %u", shentsize);
  if (shoff > f->size || f->size - shoff < shsize)
    CORRUPT(f, "truncated: section header table at offset 0x%llx is past the end of the file",
            (unsigned long long)shoff);
  f->shdrs = f->data + shoff;
  struct eshdr sh0;
  read_shdr(f, 0, &sh0);
  if (shnum == 0)
    shnum = (uint32_t)sh0.size;
  if (shstrndx == SHN_XINDEX)
    shstrndx = sh0.link;
  if (shnum > (f->size - shoff) / shsize)
    CORRUPT(f, "truncated: %u section headers at offset 0x%llx exceed the file size", shnum,
            (unsigned long long)shoff);
  f->nsecs = shnum;
  if (shstrndx >= shnum)
    CORRUPT(f, "bad section name table index %u", shstrndx);
  if (reads_bytecode() && is_lto_bytecode(f, shnum, shstrndx)) {
    f->nsecs = 0;
    if (ctx.opt.ltrans)
      leave_out_bytecode(f, lazy);
    else
      lto_note_bytecode(f); /* read once the plugin has claimed it */
    return;
  }

  /* the normalized headers are needed only while parsing: per-thread scratch */
  static __thread struct reuse_buf shdrs;
  struct eshdr *sh = reuse_buf(&shdrs, shnum, sizeof(struct eshdr));
  if (lazy) {
    /* only the symbol table's headers are read (and checked) */
    uint32_t strtab = 0;
    for (uint32_t i = 0; i < shnum; i++) {
      uint32_t type = rd32(elf_shdr(f, i) + 4);
      sh[i] = (struct eshdr){.type = type};
      if (type == SHT_SYMTAB || type == SHT_SYMTAB_SHNDX) {
        read_shdr(f, i, &sh[i]);
        if (!check_shdr(f, i, &sh[i]))
          return;
        if (type == SHT_SYMTAB)
          strtab = sh[i].link;
      }
    }
    if (strtab && strtab < shnum) {
      read_shdr(f, strtab, &sh[strtab]);
      if (!check_shdr(f, strtab, &sh[strtab]))
        return;
    }
  } else {
    for (uint32_t i = 0; i < shnum; i++) {
      read_shdr(f, i, &sh[i]);
      if (!check_shdr(f, i, &sh[i]))
        return;
    }
    /* the offset is checked against the file only for a section with
     * contents: the type first */
    if (sh[shstrndx].type != SHT_STRTAB || !sh[shstrndx].size)
      CORRUPT(f, "corrupt section name table");
    f->shstrtab = (const char *)f->data + sh[shstrndx].offset;
    f->shstrtab_size = sh[shstrndx].size;
    if (f->shstrtab[f->shstrtab_size - 1] != 0)
      CORRUPT(f, "corrupt section name table");
  }

  f->secs = xalloc(sizeof(struct isec *) * shnum);
  struct vec groups = {0};
  uint32_t symtab_idx = 0;

  for (uint32_t i = 1; lazy && i < shnum; i++) {
    if (sh[i].type != SHT_SYMTAB)
      continue;
    if (symtab_idx)
      CORRUPT(f, "more than one symbol table");
    symtab_idx = i;
  }
  for (uint32_t i = 1; !lazy && i < shnum; i++) {
    struct eshdr *s = &sh[i];
    if (s->name >= f->shstrtab_size)
      CORRUPT(f, "section %u: name offset out of range", i);
    const char *name = f->shstrtab + s->name;
    switch (s->type) {
    case SHT_NULL:
    case SHT_STRTAB:
    case SHT_SYMTAB_SHNDX:
    case SHT_REL:
    case SHT_RELA:
      continue;
    case SHT_SYMTAB:
      if (symtab_idx)
        CORRUPT(f, "more than one symbol table");
      symtab_idx = i;
      continue;
    case SHT_GROUP:
      vec_push(&groups, (void *)(uintptr_t)i);
      continue;
    }
    /* the names below all start with .g or .n: most sections skip them */
    bool special = name[0] == '.' && (name[1] == 'g' || name[1] == 'n');
    /* GCC's LTO bytecode, beside the code of a -ffat-lto-objects object:
     * linked as that code, as GNU ld links it without its plugin (a slim
     * object, bytecode alone, has __gnu_lto_slim: refused below) */
    if (special && !strncmp(name, ".gnu.lto_", 9))
      continue;
    if (special && !strcmp(name, ".note.GNU-stack")) {
      f->exec_stack = (s->flags & SHF_EXECINSTR) != 0;
      continue;
    }
    if (s->type == SHT_LLVM_CALL_GRAPH_PROFILE) { /* read by ld/cgsort.c; not output */
      if (s->size % 8)
        CORRUPT(f, "section %u (%s): call graph profile of %llu bytes, not whole weights", i,
                name, (unsigned long long)s->size);
      f->cg = f->data + s->offset;
      f->ncg = (uint32_t)(s->size / 8);
      f->cg_shndx = i;
      continue;
    }
    if (s->type == 0x6fff4c03 /* SHT_LLVM_ADDRSIG */) {
      /* sh_link 0: objcopy or ld -r rewrote the symbol table under it,
       * and its indices may be stale (lld ignores it too) */
      if (s->link) {
        f->addrsig = f->data + s->offset;
        f->addrsig_size = s->size;
        f->has_addrsig = true;
      }
      continue;
    }
    if ((s->flags & SHF_EXCLUDE) && !ctx.opt.relocatable) /* -r keeps them, for the link */
      continue;
    if (special && !strcmp(name, ".note.gnu.property")) {
      if (s->type == SHT_NOTE && !read_gnu_property(f, f->data + s->offset, s->size))
        return;
      continue;
    }
    if (special && !strncmp(name, ".gnu.warning", 12) &&
        (!name[12] || (name[12] == '.' && name[13]))) {
      /* not output: its text is a warning for the symbol's users, or
       * without a symbol for linking the file at all (ld/report.c) */
      struct gnu_warning *w = xalloc(sizeof(*w));
      w->sym = name[12] ? name + 13 : NULL;
      w->text = s->type == SHT_NOBITS ? "" : (const char *)f->data + s->offset;
      w->len = s->type == SHT_NOBITS ? 0 : s->size;
      while (w->len && !w->text[w->len - 1])
        w->len--;
      vec_push(&f->warnings, w);
      continue;
    }
    if (ctx.opt.strip_debug && is_debug_name(name))
      continue;
    struct isec *isec = xalloc(sizeof(*isec));
    isec->file = f;
    isec->name = name;
    isec->data = s->type == SHT_NOBITS ? NULL : f->data + s->offset;
    isec->size = s->size;
    isec->addralign = s->addralign ? (uint32_t)s->addralign : 1; /* checked: at most MAX_ALIGN */
    isec->flags = s->flags;
    /* one that does not fit makes the section unmergeable, as it is anyway
     * (its size would be at least 4 GiB) */
    isec->entsize = s->entsize <= UINT32_MAX ? (uint32_t)s->entsize : 0;
    isec->type = s->type;
    isec->shndx = i;
    isec->alive = true;
    isec->order = init_priority(name);
    isec->is_ehframe = !strcmp(name, ".eh_frame");
    f->secs[i] = isec;
    if (isec->flags & SHF_MERGE)
      vec_push(&f->merge_cands, isec);
    if (isec->is_ehframe)
      vec_push(&f->ehframes, isec);
    if ((s->flags & SHF_COMPRESSED) && !decompress_section(f, isec))
      return;
    if (!(s->flags & SHF_COMPRESSED) && !strncmp(name, ".zdebug", 7) &&
        !decompress_zdebug(f, isec))
      return;
  }

  /* Relocation sections attach to their target. */
  for (uint32_t i = 1; !lazy && i < shnum; i++) {
    struct eshdr *s = &sh[i];
    if (s->type != SHT_RELA && s->type != SHT_REL)
      continue;
    if (s->info >= shnum)
      CORRUPT(f, "relocation section %u: bad target section index %u", i, s->info);
    uint64_t ent = rel_entsize(w, s->type == SHT_RELA);
    if (s->entsize != ent || s->size % ent)
      CORRUPT(f, "relocation section %u: bad entry size", i);
    if (s->info && s->info == f->cg_shndx) { /* LLVM writes these REL on every target */
      f->cg_rels = f->data + s->offset;
      f->ncg_rels = (uint32_t)(s->size / ent);
      f->cg_rela = s->type == SHT_RELA;
      continue;
    }
    if ((s->type == SHT_RELA) != ctx.arch->is_rela)
      CORRUPT(f, "relocation section %u: %s relocations are not used on %s", i,
              s->type == SHT_RELA ? "RELA" : "REL", ctx.arch->name);
    struct isec *target = f->secs[s->info];
    if (target) {
      target->relsec = i;
      target->rels = f->data + s->offset;
      target->nrels = (uint32_t)(s->size / ent);
      target->rela = s->type == SHT_RELA;
    }
  }

  /* Symbols. */
  if (symtab_idx) {
    struct eshdr *s = &sh[symtab_idx];
    size_t ent = w ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
    if (s->entsize != ent || s->size % ent)
      CORRUPT(f, "symbol table: bad entry size");
    if (s->link >= shnum || sh[s->link].type != SHT_STRTAB)
      CORRUPT(f, "symbol table: bad string table index %u", s->link);
    f->symtab = f->data + s->offset;
    f->nsyms = (uint32_t)(s->size / ent);
    f->first_global = s->info;
    if (f->first_global > f->nsyms || f->nsyms == 0)
      CORRUPT(f, "symbol table: bad first global index %u", s->info);
    f->strtab = (const char *)f->data + sh[s->link].offset;
    f->strtab_size = sh[s->link].size;
    if (!f->strtab_size || f->strtab[f->strtab_size - 1] != 0)
      CORRUPT(f, "symbol string table is not NUL-terminated");
    for (uint32_t i = 1; i < shnum; i++)
      if (sh[i].type == SHT_SYMTAB_SHNDX && sh[i].link == symtab_idx) {
        if (sh[i].size < (uint64_t)f->nsyms * 4)
          CORRUPT(f, "truncated SHT_SYMTAB_SHNDX section");
        f->symtab_shndx = (const uint32_t *)(f->data + sh[i].offset);
      }
  }

  if (!globals_read)
    f->syms = xalloc(sizeof(struct symbol *) * (f->nsyms ? f->nsyms : 1));
  if (!lazy)
    f->locals = xalloc(sizeof(struct symbol) * (f->first_global ? f->first_global : 1));
  uint32_t from = lazy ? f->first_global : 0, to = globals_read ? f->first_global : f->nsyms;
  /* the globals' names, interned together after the loop */
  static __thread struct reuse_buf gnames_buf;
  const char **gnames =
      reuse_buf(&gnames_buf, to > f->first_global ? to - f->first_global : 0, sizeof(char *));
  for (uint32_t i = from; i < to; i++) {
    struct esym es;
    read_sym(f, i, &es);
    if (es.name >= f->strtab_size)
      CORRUPT(f, "symbol %u: name offset 0x%x out of range", i, es.name);
    uint32_t shndx = es.shndx;
    if (shndx == SHN_XINDEX) {
      if (!f->symtab_shndx)
        CORRUPT(f, "symbol %u: SHN_XINDEX without SHT_SYMTAB_SHNDX", i);
      memcpy(&shndx, &f->symtab_shndx[i], 4);
    } else if (shndx == SHN_ABS || shndx == SHN_COMMON) {
      shndx = shndx == SHN_ABS ? SHNDX_ABS : SHNDX_COMMON;
    } else if (shndx >= SHN_LORESERVE) {
      CORRUPT(f, "symbol %u: unsupported section index 0x%x", i, shndx);
    }
    if (shndx != SHNDX_ABS && shndx != SHNDX_COMMON && shndx >= shnum)
      CORRUPT(f, "symbol %u: section index %u out of range", i, shndx);
    const char *name = f->strtab + es.name;
    if (!strcmp(name, "__gnu_lto_slim"))
      CORRUPT(f, "is a GCC LTO object (compiled with -flto) and no LTO plugin was given; link "
                 "with gcc -flto (which passes -plugin), or rebuild without -flto");
    if (i < f->first_global) {
      struct symbol *sym = &f->locals[i];
      sym->name = name;
      sym->file = f;
      sym->esym = i;
      sym->type = ELF64_ST_TYPE(es.info);
      sym->bind = STB_LOCAL;
      sym->is_local = true;
      sym->value = es.value;
      sym->size = es.size;
      sym->got_idx = sym->gottp_idx = -1;
      if (i == 0 || shndx == SHN_UNDEF) {
        sym->kind = SYM_UNDEF;
        sym->file = NULL;
      } else if (shndx == SHNDX_ABS) {
        sym->kind = SYM_ABS;
      } else if (shndx == SHNDX_COMMON) {
        CORRUPT(f, "symbol %u (%s): local symbol in SHN_COMMON", i, name);
      } else {
        sym->kind = SYM_DEFINED;
        sym->isec = f->secs[shndx];
      }
      f->syms[i] = sym;
    } else {
      if (ELF64_ST_BIND(es.info) == STB_LOCAL)
        CORRUPT(f, "symbol %u (%s): local symbol after the first global", i, name);
      gnames[i - f->first_global] =
          ctx.opt.wrap.n && shndx == SHN_UNDEF ? wrapped_name(name) : name;
    }
  }
  if (to > f->first_global)
    symmap_intern_many(gnames, to - f->first_global, f->syms + f->first_global);

  /* COMDAT groups: resolve keeps the first by command-line order. */
  for (size_t g = 0; !lazy && g < groups.n; g++) {
    uint32_t i = (uint32_t)(uintptr_t)groups.v[g];
    struct eshdr *s = &sh[i];
    if (s->size < 4 || s->size % 4)
      CORRUPT(f, "group section %u: bad size", i);
    const uint8_t *p = f->data + s->offset;
    if (!(rd32(p) & GRP_COMDAT))
      continue;
    if (s->link != symtab_idx || s->info >= f->nsyms)
      CORRUPT(f, "group section %u: bad signature symbol %u", i, s->info);
    for (uint64_t k = 4; k < s->size; k += 4)
      if (rd32(p + k) >= shnum)
        CORRUPT(f, "group section %u: member index %u out of range", i, rd32(p + k));
    struct esym es;
    read_sym(f, s->info, &es);
    const char *sig = f->strtab + es.name;
    /* Signatures live in their own namespace: prefix them. */
    char *key = xsprintf("\x01%s", sig);
    struct group *grp = xalloc(sizeof(*grp));
    grp->sig = symmap_intern(key, strlen(key));
    grp->shndx = i;
    vec_push(&f->groups_, grp);
  }
  xfree(groups.v);
}

const uint8_t *objfile_group_words(const struct objfile *f, void *g, uint64_t *n,
                                   uint32_t *sig_sym) {
  struct eshdr s;
  read_shdr(f, ((struct group *)g)->shndx, &s);
  *n = s.size / 4 - 1; /* after the flag word */
  if (sig_sym)
    *sig_sym = s.info;
  return f->data + s.offset + 4;
}

/* Sections of a group; used by resolve. */
void objfile_group_members(struct objfile *f, void *g, void (*fn)(struct objfile *, uint32_t)) {
  uint64_t n;
  const uint8_t *p = objfile_group_words(f, g, &n, NULL);
  for (uint64_t k = 0; k < n; k++)
    fn(f, rd32(p + 4 * k));
}

uint32_t objfile_section_link(const struct objfile *f, uint32_t i) {
  struct eshdr s;
  read_shdr(f, i, &s);
  return s.link;
}

struct symbol *objfile_group_sig(void *g) { return ((struct group *)g)->sig; }
uint32_t objfile_group_shndx(void *g) { return ((struct group *)g)->shndx; }

/* The ELF symbol of index i, normalized. */
void objfile_sym(const struct objfile *f, uint32_t i, uint8_t *info, uint8_t *other,
                 uint32_t *shndx, uint64_t *value, uint64_t *size) {
  struct esym es;
  read_sym(f, i, &es);
  uint32_t x = es.shndx;
  if (x == SHN_XINDEX && f->symtab_shndx)
    memcpy(&x, &f->symtab_shndx[i], 4);
  else if (x == SHN_ABS || x == SHN_COMMON)
    x = x == SHN_ABS ? SHNDX_ABS : SHNDX_COMMON;
  *info = es.info;
  *other = es.other;
  *shndx = x;
  *value = es.value;
  *size = es.size;
}

bool objfile_defines(const struct objfile *f, uint32_t k, bool *weak) {
  uint8_t info, other;
  uint32_t shndx;
  uint64_t value, size;
  objfile_sym(f, k, &info, &other, &shndx, &value, &size);
  *weak = ELF64_ST_BIND(info) == STB_WEAK;
  return shndx != SHN_UNDEF;
}

/* ---- files and archives ---- */

static uint32_t cur_group; /* struct objfile's group, while the inputs are read */
static uint32_t cur_input; /* and its input_idx */

static struct objfile *new_objfile(const char *name, const uint8_t *data, uint64_t size,
                                   bool in_archive) {
  struct objfile *f = xalloc(sizeof(*f));
  f->group = cur_group;
  f->name = name;
  f->data = data;
  f->fd = -1;
  f->size = size;
  f->in_archive = in_archive;
  atomic_init(&f->alive, !in_archive);
  f->priority = (int64_t)ctx.files.n + 1;
  f->src_path = name;
  f->input_idx = cur_input;
  vec_push(&ctx.files, f);
  return f;
}

struct objfile *objfile_from_memory(const char *name, const uint8_t *data, uint64_t size) {
  return new_objfile(name, data, size, false);
}

/* An input file mapped read-only (the mapping lives until exit), or why
 * it could not be. */
struct mapping {
  const char *path;
  const uint8_t *data;
  uint64_t size;
  int fd; /* kept open (keep_open), or -1 */
  const char *failed; /* the message's verb, "open" or "mmap" */
  int err;
};

/* The size field of an ar member header, as far as it is digits (the
 * walks below only follow it; read_archive() checks it). */
uint64_t member_size_field(const char *h) {
  uint64_t n = 0;
  for (int i = 48; i < 58 && h[i] >= '0' && h[i] <= '9'; i++)
    n = n * 10 + (uint64_t)(h[i] - '0');
  return n;
}

/* An archive's member headers, one page fault each in the reading pass
 * (which runs in command-line order, on one thread) unless the mapping
 * threads fault them in first: this walk only follows the sizes and stops
 * at anything odd, read_archive() checks everything. */
static void touch_member_headers(const uint8_t *p, uint64_t size) {
  if (size < 8 || memcmp(p, "!<arch>\n", 8))
    return;
  for (uint64_t off = 8; off < size && size - off >= 60;) {
    uint64_t n = member_size_field((const char *)p + off);
    if (n > size - off - 60)
      return;
    off += 60 + n + ((60 + n) & 1);
  }
}

/* Stretches of at least FENCE_MIN bytes are fenced off, and at most
 * FENCE_MAX of them per link (each adds up to two mappings, against the
 * kernel's default vm.max_map_count of 65530). */
#define FENCE_MIN ((uint64_t)16 << 10)
#define FENCE_MAX 8192
static atomic_int fences_made;

/* Marks the pages of the file bytes [lo, hi) in used[], which starts at
 * page first. */
static void mark_pages(uint8_t *used, uint64_t first, uint64_t page, uint64_t lo, uint64_t hi) {
  memset(used + (lo / page - first), 1, (hi - 1) / page - lo / page + 1);
}

size_t plan_fences(const uint8_t *shdrs, bool is64, uint64_t shnum, uint64_t shoff, uint64_t off,
                   uint64_t size, uint64_t page, uint64_t (*runs)[2], size_t max_runs) {
  uint64_t shsize = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
  static __thread struct reuse_buf sh_buf, pages_buf;
  struct eshdr *sh = reuse_buf(&sh_buf, shnum, sizeof(struct eshdr));
  for (uint64_t i = 0; i < shnum; i++) {
    decode_shdr(shdrs + i * shsize, is64, &sh[i]);
    if (sh[i].type != SHT_NOBITS && (sh[i].offset > size || sh[i].size > size - sh[i].offset))
      return 0;
  }

  /* the pages that are read: the headers' and every section's but the
   * non-allocated PROGBITS ones' and their relocations' */
  uint64_t first = off / page;
  uint64_t npages = (off + size + page - 1) / page - first;
  uint8_t *used = reuse_buf(&pages_buf, npages, 1);
  memset(used, 0, npages);
  mark_pages(used, first, page, off, off + (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)));
  mark_pages(used, first, page, off + shoff, off + shoff + shnum * shsize);
  for (uint64_t i = 1; i < shnum; i++) {
    const struct eshdr *s = &sh[i];
    if (s->type == SHT_NOBITS || s->type == SHT_NULL || !s->size)
      continue;
    const struct eshdr *t =
        (s->type == SHT_REL || s->type == SHT_RELA) && s->info < shnum ? &sh[s->info] : s;
    if (t->type == SHT_PROGBITS && !(t->flags & SHF_ALLOC))
      continue;
    mark_pages(used, first, page, off + s->offset, off + s->offset + s->size);
  }
  /* a member's first and last pages may hold its neighbours' bytes */
  used[0] = used[npages - 1] = 1;
  size_t n = 0;
  for (uint64_t i = 0; i < npages && n < max_runs;) {
    uint64_t j = i;
    while (j < npages && !used[j])
      j++;
    if ((j - i) * page >= FENCE_MIN)
      runs[n][0] = (first + i) * page, runs[n][1] = (first + j) * page, n++;
    i = j + 1;
  }
  return n;
}

/* Under --strip-debug an object's debug sections are never read, yet they
 * would be mapped all the same: a page fault maps every cached page of the
 * 64 KiB around it (fault-around, which MADV_RANDOM does not stop), and gcc
 * writes the debug sections between an object's code and its symbol table,
 * and their relocations between the code's relocations and the section
 * headers. So each stretch that plan_fences() finds in the ELF object at
 * [off, off + size) is made a mapping of its own, which faults do not
 * cross: madvise(MADV_RANDOM) gives it other flags than its neighbours, so
 * the kernel splits it off and keeps it apart. The headers are read with
 * pread, so that finding the stretches maps nothing. Only a hint: a fenced
 * page that is read is mapped as usual, and anything odd leaves the
 * mapping whole, for the parser to check and report. Returns whether a
 * stretch was fenced. */
static bool fence_debug(int fd, const uint8_t *map, uint64_t off, uint64_t size) {
  unsigned char eh[sizeof(Elf64_Ehdr)];
  if (size <= FENCE_MIN || pread(fd, eh, sizeof(eh), (off_t)off) != (ssize_t)sizeof(eh) ||
      memcmp(eh, ELFMAG, 4) || (eh[EI_CLASS] != ELFCLASS64 && eh[EI_CLASS] != ELFCLASS32))
    return false;
  bool w = eh[EI_CLASS] == ELFCLASS64;
  struct eehdr e;
  decode_ehdr(eh, w, &e);
  uint64_t shoff = e.shoff, shnum = e.shnum, shsize = w ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
  /* extended numbering (65280 sections or more) is rare: left whole */
  if (e.shentsize != shsize || shnum < 2 || shoff > size || shnum > (size - shoff) / shsize)
    return false;
  static __thread struct reuse_buf raw_buf, runs_buf;
  uint8_t *hdrs = reuse_buf(&raw_buf, shnum, shsize);
  if (pread(fd, hdrs, shnum * shsize, (off_t)(off + shoff)) != (ssize_t)(shnum * shsize))
    return false;
  uint64_t(*runs)[2] = reuse_buf(&runs_buf, shnum + 3, sizeof(*runs));
  size_t n = plan_fences(hdrs, w, shnum, shoff, off, size, (uint64_t)sysconf(_SC_PAGESIZE), runs,
                         shnum + 3);
  for (size_t i = 0; i < n; i++) {
    if (atomic_fetch_add_explicit(&fences_made, 1, memory_order_relaxed) >= FENCE_MAX)
      return false;
    madvise((void *)(map + runs[i][0]), runs[i][1] - runs[i][0], MADV_RANDOM);
  }
  return n > 0;
}

/* fence_debug() for the members of an archive: touch_member_headers()'s
 * walk, with the headers read by pread rather than faulted in. It stops at
 * the first member with nothing to fence, taking the archive for one
 * without debug sections (libc.a's thousand members cost a pread each). */
static void fence_members(int fd, const uint8_t *map, uint64_t size) {
  if (size < 8 || memcmp(map, "!<arch>\n", 8))
    return;
  for (uint64_t off = 8; off < size && size - off >= 60;) {
    char h[60];
    if (pread(fd, h, sizeof(h), (off_t)off) != (ssize_t)sizeof(h))
      return;
    uint64_t n = member_size_field(h);
    if (n > size - off - 60)
      return;
    if (h[0] != '/' && !fence_debug(fd, map, off + 60, n))
      return;
    off += 60 + n + ((60 + n) & 1);
  }
}

/* Every input file mapped, by device and inode number. */
struct file_id {
  uint64_t dev, ino;
};
static struct file_id *input_ids;
static size_t ninput_ids, input_ids_cap;
static pthread_mutex_t input_ids_mu = PTHREAD_MUTEX_INITIALIZER;

static void note_input(const struct stat *st) {
  pthread_mutex_lock(&input_ids_mu);
  if (ninput_ids == input_ids_cap) {
    input_ids_cap = input_ids_cap ? 2 * input_ids_cap : 256;
    input_ids = xrealloc(input_ids, input_ids_cap * sizeof(*input_ids));
  }
  input_ids[ninput_ids++] = (struct file_id){(uint64_t)st->st_dev, (uint64_t)st->st_ino};
  pthread_mutex_unlock(&input_ids_mu);
}

bool is_input_file(uint64_t dev, uint64_t ino) {
  for (size_t i = 0; i < ninput_ids; i++)
    if (input_ids[i].dev == dev && input_ids[i].ino == ino)
      return true;
  return false;
}

/* Input files that may hold a section read_isec() reads with pread stay
 * open after they are mapped, as many as the descriptor limit leaves room
 * for. */
static atomic_int open_budget;

static bool keep_open(uint64_t size) {
  return size >= PREAD_MIN && atomic_fetch_sub(&open_budget, 1) > 0;
}

/* Half of the descriptors the process may have, after raising its soft
 * limit to the hard one (as mold does; 1024 is a common soft limit), up to
 * 65536, or one per input if fewer; none under a limit of 256. Called
 * before the worker threads start: the kernel's table of descriptors is
 * grown here, to hold them all, by a copy of stderr as high as they go
 * (F_DUPFD, which takes a free descriptor and so closes none inherited),
 * closed at once. Grown later, with threads sharing it, it waits for an
 * RCU grace period each time it doubles (on synth-medium at 2 threads that
 * made opening the inputs 35 -> 74 ms). */
void plan_open_files(void) {
  struct rlimit rl;
  int budget = 0;
  rlim_t cur = 0;
  if (!getrlimit(RLIMIT_NOFILE, &rl)) {
    rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
      rl.rlim_cur = want;
      if (setrlimit(RLIMIT_NOFILE, &rl))
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    cur = rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 65536 ? 65536 : rl.rlim_cur;
    budget = cur >= 256 ? (int)(cur / 2) : 0; /* a tiny limit: none */
  }
  if ((size_t)budget > ctx.opt.ninputs)
    budget = (int)ctx.opt.ninputs;
  if (budget > 0) {
    int top = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC,
                    budget + 64 < (int)cur ? budget + 64 : (int)cur - 1);
    if (top < 0)
      budget = 0;
    else
      close(top);
  }
  atomic_store(&open_budget, budget);
}

static void try_map(struct mapping *m, bool may_keep) {
  m->fd = -1;
  /* O_NONBLOCK: a FIFO (or a script naming one) is refused below, not waited on */
  int fd = open(m->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    m->failed = "open", m->err = errno;
    return;
  }
  struct stat st;
  bool statted = fstat(fd, &st) == 0;
  if (!statted || !S_ISREG(st.st_mode)) {
    /* err 0: not a regular file (a FIFO, a device) */
    m->failed = "open", m->err = !statted ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    close(fd);
    return;
  }
  m->size = (uint64_t)st.st_size;
  note_input(&st);
  if (st.st_size == 0) {
    close(fd);
    m->data = (const uint8_t *)"";
    return;
  }
  void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED)
    m->failed = "mmap", m->err = errno;
  else {
    m->data = p;
    if (ctx.opt.strip_debug) {
      fence_debug(fd, p, 0, m->size);
      fence_members(fd, p, m->size);
    }
    /* fault the first page in here, on the mapping threads, rather than
     * in the reading pass that looks at the magic number in order */
    (void)*(volatile const uint8_t *)p;
    touch_member_headers(p, m->size);
    if (may_keep && keep_open(m->size)) {
      m->fd = fd;
      return;
    }
  }
  close(fd);
}

static const uint8_t *mapped(const struct mapping *m, uint64_t *size) {
  if (!m->data)
    error("cannot %s %s: %s", m->failed, m->path,
          m->err == EISDIR ? "is a directory" : !m->err ? "not a regular file" : strerror(m->err));
  else if (m->size)
    note_span(m->data, m->size);
  *size = m->size;
  return m->data;
}

static const uint8_t *map_file(const char *path, uint64_t *size) {
  struct mapping m = {.path = path};
  try_map(&m, false);
  return mapped(&m, size);
}

static bool has_elf_magic(const uint8_t *p, uint64_t n) { return n >= 4 && !memcmp(p, ELFMAG, 4); }
static bool is_bitcode(const uint8_t *p, uint64_t n) { return n >= 4 && !memcmp(p, "BC\xc0\xde", 4); }

/* Picks the target from the first ELF input when -m was not given. */
static void infer_arch(const char *name, const uint8_t *p, uint64_t n) {
  if (ctx.arch || n < 20 || !has_elf_magic(p, n))
    return;
  uint16_t machine = rd16(p + 18);
  ctx.arch = arch_by_machine(machine, p[EI_CLASS] == ELFCLASS64);
  if (!ctx.arch)
    fatal("%s: unsupported machine %u (%s); smelt links x86_64 (ELF64), i386 (ELF32) and "
          "aarch64 (ELF64)", name, machine, p[EI_CLASS] == ELFCLASS64 ? "ELF64" : "ELF32");
}

static uint64_t parse_decimal(const char *s, size_t n, bool *ok) {
  uint64_t v = 0;
  size_t i = 0;
  while (i < n && s[i] == ' ')
    i++;
  if (i == n || s[i] < '0' || s[i] > '9') {
    *ok = false;
    return 0;
  }
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
    if (v > (UINT64_MAX - 9) / 10) {
      *ok = false;
      return 0;
    }
    v = v * 10 + (uint64_t)(s[i] - '0');
  }
  for (; i < n; i++)
    if (s[i] != ' ') {
      *ok = false;
      return 0;
    }
  *ok = true;
  return v;
}

static void check_symbol_index(const char *path, const uint8_t *p, uint64_t n, bool is64bit) {
  size_t w = is64bit ? 8 : 4;
  if (n < w) {
    error("%s: corrupt archive symbol index (truncated)", path);
    return;
  }
  uint64_t count = rd_be(p, (int)w);
  if (count > (n - w) / w)
    error("%s: corrupt archive symbol index (%llu entries do not fit in %llu bytes)", path,
          (unsigned long long)count, (unsigned long long)n);
  else
    ctx.nglobals_hint += count;
}

/* "archive(member)", made once per member without printf (libc.a has over
 * a thousand members). */
static char *member_name(const char *path, size_t plen, const char *m, size_t mlen) {
  char *p = xalloc(plen + mlen + 3);
  memcpy(p, path, plen);
  p[plen] = '(';
  memcpy(p + plen + 1, m, mlen);
  p[plen + 1 + mlen] = ')';
  return p; /* zeroed: terminated */
}

static void read_archive(const char *path, const uint8_t *data, uint64_t size, bool whole) {
  bool thin = !memcmp(data, "!<thin>\n", 8);
  const char *longnames = NULL;
  uint64_t longnames_size = 0;
  char *dir = NULL;
  size_t plen = strlen(path);
  if (thin) {
    const char *slash = strrchr(path, '/');
    dir = slash ? xsprintf("%.*s", (int)(slash - path), path) : NULL;
  }

  uint64_t off = 8;
  while (off < size) {
    if (size - off < 60) {
      error("%s: corrupt archive: truncated member header at offset 0x%llx", path,
            (unsigned long long)off);
      return;
    }
    const char *h = (const char *)data + off;
    if (h[58] != '`' || h[59] != '\n') {
      error("%s: corrupt archive: bad member header at offset 0x%llx", path,
            (unsigned long long)off);
      return;
    }
    bool ok;
    uint64_t msize = parse_decimal(h + 48, 10, &ok);
    if (!ok) {
      error("%s: corrupt archive: bad member size at offset 0x%llx", path,
            (unsigned long long)off);
      return;
    }
    const uint8_t *body = data + off + 60;
    bool is_table = h[0] == '/' && (h[1] == ' ' || h[1] == '/' || !memcmp(h, "/SYM64/", 7));
    bool inline_body = !thin || is_table;
    if (inline_body && msize > size - off - 60) {
      error("%s: corrupt archive: member at offset 0x%llx (size %llu) extends past the end", path,
            (unsigned long long)off, (unsigned long long)msize);
      return;
    }

    const char *ms; /* the member's name, mlen bytes */
    size_t mlen;
    if (h[0] == '/' && h[1] == ' ') {
      check_symbol_index(path, body, msize, false);
      goto next;
    } else if (!memcmp(h, "/SYM64/", 7)) {
      check_symbol_index(path, body, msize, true);
      goto next;
    } else if (h[0] == '/' && h[1] == '/') {
      longnames = (const char *)body;
      longnames_size = msize;
      goto next;
    } else if (h[0] == '/') {
      uint64_t idx = parse_decimal(h + 1, 15, &ok);
      if (!ok || !longnames || idx >= longnames_size) {
        error("%s: corrupt archive: bad long member name at offset 0x%llx", path,
              (unsigned long long)off);
        return;
      }
      const char *s = longnames + idx;
      const char *e = memchr(s, '\n', longnames_size - idx);
      size_t len = e ? (size_t)(e - s) : longnames_size - idx;
      if (len && s[len - 1] == '/')
        len--;
      ms = s, mlen = len;
    } else {
      const char *e = memchr(h, '/', 16);
      size_t len = e ? (size_t)(e - h) : 16;
      while (!e && len && h[len - 1] == ' ')
        len--;
      ms = h, mlen = len;
    }

    if (thin) {
      char *mname = xsprintf("%.*s", (int)mlen, ms);
      char *mpath = (mname[0] == '/' || !dir) ? mname : xsprintf("%s/%s", dir, mname);
      uint64_t n;
      const uint8_t *p = map_file(mpath, &n);
      if (p && n >= 8 && (!memcmp(p, "!<arch>\n", 8) || !memcmp(p, "!<thin>\n", 8))) {
        /* this includes a thin archive listing itself */
        error("%s(%s): is a nested archive; smelt does not read archives inside thin archives",
              path, mname);
      } else if (p) {
        infer_arch(mpath, p, n);
        if (has_elf_magic(p, n)) {
          struct objfile *f = new_objfile(member_name(path, plen, ms, mlen), p, n, !whole);
          f->archive = path;
          f->src_path = mpath;
          f->ar_base = data, f->ar_size = size, f->ar_hdr_off = off;
          vec_push(&ctx.paths, mpath);
        }
      }
    } else if (has_elf_magic(body, msize) || (is_bitcode(body, msize) && reads_bytecode())) {
      infer_arch(path, body, msize);
      struct objfile *f = new_objfile(member_name(path, plen, ms, mlen), body, msize, !whole);
      if (!has_elf_magic(body, msize))
        lto_note_bytecode(f);
      f->archive = path;
      f->src_path = path;
      f->src_off = (uint64_t)(body - data);
      f->ar_base = data, f->ar_size = size, f->ar_hdr_off = off;
    } else if (is_bitcode(body, msize)) {
      error("%s(%.*s): is LLVM bitcode (compiled with -flto) and no LTO plugin was given; link "
            "with clang -flto (which passes LLVMgold.so), or rebuild without -flto", path,
            (int)mlen, ms);
    }
  next:
    off += 60 + (inline_body ? msize : 0);
    if (off & 1)
      off++;
  }
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && !strcmp(s + n - m, suffix);
}

/* The objects made from m (ctx.files from index first on) get its
 * descriptor; a thin archive's members are files of their own, mapped
 * without one. */
static void note_fd(const struct mapping *m, size_t first) {
  for (size_t i = first; m->fd >= 0 && i < ctx.files.n; i++) {
    struct objfile *f = ctx.files.v[i];
    if (f->data >= m->data && f->data - m->data <= (ptrdiff_t)m->size)
      f->fd = m->fd, f->fd_off = (uint64_t)(f->data - m->data);
  }
}

static void read_script(const char *path, const uint8_t *data, uint64_t size, bool whole,
                        bool lazy, bool by_T);

/* whole: under --whole-archive; lazy: between --start-lib and --end-lib,
 * where an object is read as an archive member is; by_T: given with -T,
 * so it can only be a script. */
static void read_mapped(const struct mapping *m, bool whole, bool lazy, bool by_T) {
  const char *path = m->path;
  uint64_t size;
  const uint8_t *data = mapped(m, &size);
  if (!data)
    return;
  ctx.input_bytes += size;
  vec_push(&ctx.paths, (void *)path);
  if (by_T) {
    if (looks_like_script(data, size))
      read_script(path, data, size, whole, lazy, true);
    else
      error("%s: given with -T, but not a linker script", path);
    return;
  }
  if (size >= 8 && (!memcmp(data, "!<arch>\n", 8) || !memcmp(data, "!<thin>\n", 8))) {
    read_archive(path, data, size, whole);
    return;
  }
  if (has_elf_magic(data, size)) {
    if (size >= 18 && rd16(data + 16) == ET_DYN) {
      error("%s: is a shared object; smelt only makes static executables (link with -static "
            "and the library's .a)", path);
      return;
    }
    infer_arch(path, data, size);
    new_objfile(path, data, size, lazy);
    ctx.nglobals_hint += 64; /* a guess: an object's symbol table is not read yet */
    return;
  }
  if (is_bitcode(data, size)) {
    if (reads_bytecode()) {
      lto_note_bytecode(new_objfile(path, data, size, lazy));
      return;
    }
    error("%s: is LLVM bitcode (compiled with -flto) and no LTO plugin was given; link with "
          "clang -flto (which passes LLVMgold.so), or rebuild without -flto", path);
    return;
  }
  if (ends_with(path, ".so") || strstr(path, ".so.")) {
    error("%s: shared libraries (and linker scripts standing in for them) are not supported; "
          "smelt only makes static executables", path);
    return;
  }
  if (size < 8 && !memcmp(data, "!<arch>", size < 7 ? size : 7))
    error("%s: truncated archive", path);
  else if (looks_like_script(data, size))
    read_script(path, data, size, whole, lazy, false);
  else
    error("%s: unknown file type: not an ELF relocatable, an archive or an input script",
          path);
}

static void read_file(const struct mapping *m, bool whole, bool lazy, bool by_T) {
  size_t first = ctx.files.n;
  read_mapped(m, whole, lazy, by_T);
  note_fd(m, first);
}

static bool exists(const char *path) {
  struct stat st;
  return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* NAME in the first -L directory that has it as a regular file, or NULL. */
static const char *in_lib_paths(const char *name) {
  for (size_t i = 0; i < ctx.opt.lib_paths.n; i++) {
    char *p = xsprintf("%s/%s", (char *)ctx.opt.lib_paths.v[i], name);
    if (exists(p))
      return p;
  }
  return NULL;
}

/* Whether a script lies inside the sysroot (the directory itself or one
 * of the script's parents), as GNU ld and lld ask before they root its
 * absolute names there. */
static bool under_sysroot(const char *script) {
  struct stat root, st;
  const char *dir = ctx.opt.sysroot;
  char *p = dir && *dir && !stat(dir, &root) ? realpath(script, NULL) : NULL;
  bool in = false;
  for (char *slash; p && !in && (slash = strrchr(p, '/'));) {
    slash[slash == p] = '\0'; /* the parent; "/" stays */
    in = !stat(p, &st) && st.st_dev == root.st_dev && st.st_ino == root.st_ino;
    if (slash == p)
      break;
  }
  free(p);
  return in;
}

/* A file a script names, as GNU ld looks for it: "=" or "$SYSROOT" before
 * it stands for the sysroot; an absolute path is itself, or inside the
 * sysroot if the script is (*rooted set); any other name is looked for
 * next to the script, in the current directory, then in each -L
 * directory. */
static const char *script_file(const char *script, const char *name, bool *rooted) {
  const char *p = sysroot_path(ctx.opt.sysroot, name);
  *rooted = false;
  if (p == name && name[0] == '/' && under_sysroot(script)) {
    size_t n = strlen(ctx.opt.sysroot);
    while (n && ctx.opt.sysroot[n - 1] == '/') /* "/" roots "/lib/x" at "/lib/x" */
      n--;
    *rooted = true;
    p = xsprintf("%.*s%s", (int)n, ctx.opt.sysroot, name);
    return exists(p) ? p : NULL;
  }
  if (p[0] == '/')
    return p;
  const char *slash = strrchr(script, '/');
  if (slash) {
    char *q = xsprintf("%.*s/%s", (int)(slash - script), script, p);
    if (exists(q))
      return q;
  }
  return exists(p) ? p : in_lib_paths(p);
}

/* -T NAME: NAME if it is a file, else the first in the -L directories
 * (as lld looks), else NAME for the error. */
const char *script_option_path(const char *name) {
  const char *p = exists(name) ? NULL : in_lib_paths(name);
  return p ? p : name;
}

/* Reads the inputs an input script names, in order, where the script
 * stands on the command line. */
static void read_script(const char *path, const uint8_t *data, uint64_t size, bool whole,
                        bool lazy, bool by_T) {
  static int depth;
  struct vec items = {0};
  const char *err;
  int line;
  if (!parse_input_script((const char *)data, size, &items, &err, &line)) {
    error("%s:%d: %s%s", path, line, err, by_T ? " (given with -T)" : "");
    return;
  }
  if (depth == SCRIPT_DEPTH) {
    error("%s: input scripts nested %d deep (a script that names itself?)", path, SCRIPT_DEPTH);
    return;
  }
  struct script_read *sr = xcalloc(1, sizeof(*sr));
  sr->path = path;
  vec_push(&ctx.scripts, sr);
  depth++;
  for (size_t i = 0; i < items.n; i++) {
    struct script_item *it = items.v[i];
    const char *p = NULL;
    if (it->kind == SCRIPT_DIR) {
      vec_push(&ctx.opt.lib_paths, (void *)sysroot_path(ctx.opt.sysroot, it->name));
      continue;
    }
    bool rooted;
    if (it->kind == SCRIPT_LIB)
      p = find_library(it->name);
    else if (!(p = script_file(path, it->name, &rooted)))
      error("%s:%d: cannot find %s%s%s", path, it->line, it->name, rooted ? " inside " : "",
            rooted ? ctx.opt.sysroot : "");
    if (!p)
      continue;
    vec_push(&sr->files, (void *)p);
    struct mapping m = {.path = p};
    try_map(&m, true);
    read_file(&m, whole, lazy, false);
  }
  depth--;
}

/* A library the LTO plugin handed back (--smelt-ltrans-lib): a name
 * searched as -l is, or a path (as a --reproduce replay gives it). */
const char *ltrans_lib_path(const char *name) {
  return strchr(name, '/') ? name : find_library(name);
}

const char *find_library(const char *name) {
  struct vec *dirs = &ctx.opt.lib_paths;
  if (name[0] == ':') {
    for (size_t i = 0; i < dirs->n; i++) {
      char *p = xsprintf("%s/%s", (char *)dirs->v[i], name + 1);
      if (!access(p, F_OK))
        return p;
    }
    error("unable to find library -l%s", name);
    return NULL;
  }
  bool only_shared = false;
  for (size_t i = 0; i < dirs->n; i++) {
    char *p = xsprintf("%s/lib%s.a", (char *)dirs->v[i], name);
    if (!access(p, F_OK))
      return p;
    if (!access(xsprintf("%s/lib%s.so", (char *)dirs->v[i], name), F_OK))
      only_shared = true;
  }
  if (only_shared)
    error("unable to find library -l%s: only a shared library exists; smelt only makes static "
          "executables",
          name);
  else
    error("unable to find library -l%s", name);
  return NULL;
}

/* A file read under -b binary: its object is made once the target is
 * known (finish_binaries), in the place the file took among the inputs. */
struct blob {
  struct objfile *f;
  const uint8_t *data;
  uint64_t size;
};
static struct vec blobs;

static void read_binary(const struct mapping *m) {
  uint64_t size;
  const uint8_t *data = mapped(m, &size);
  if (!data)
    return;
  ctx.input_bytes += size;
  vec_push(&ctx.paths, (void *)m->path);
  struct blob *b = xalloc(sizeof(*b));
  *b = (struct blob){new_objfile(m->path, NULL, 0, false), data, size};
  vec_push(&blobs, b);
}

static void finish_binaries(void) {
  for (size_t i = 0; i < blobs.n; i++) {
    struct blob *b = blobs.v[i];
    if (!ctx.arch->is64 && b->size > UINT32_MAX)
      error("%s: %llu bytes (-b binary) do not fit a 32-bit target", b->f->name,
            (unsigned long long)b->size);
    else
      b->f->data = binary_object(b->f->name, b->data, b->size, ctx.arch, &b->f->size),
      b->f->binary = true;
  }
}

/* A file the LTO plugin added, read where it stands. */
static void read_extra_file(const char *path) {
  struct mapping m = {.path = path};
  try_map(&m, true);
  cur_group++;
  read_file(&m, false, false, false);
}

/* The objects LTO made, where the first bytecode file was. */
static void read_ltrans_files(void) {
  for (size_t i = 0; i < ctx.opt.ltrans_files.n; i++)
    read_extra_file(ctx.opt.ltrans_files.v[i]);
}

static void map_one(void *arg, int64_t i) {
  struct mapping *m = &((struct mapping *)arg)[i];
  if (m->path)
    try_map(m, true);
}

/* The files and libraries named on the command line are opened and mapped
 * by all threads first (a link of a thousand objects spends more time in
 * open and mmap than in reading their headers), then read in order. */
void read_inputs(void) {
  bool whole = false, lazy = false, binary = false;
  int group_depth = 0;
  if (ctx.opt.emulation) {
    ctx.arch = arch_by_emulation(ctx.opt.emulation);
    if (!ctx.arch)
      fatal("unknown emulation: %s", ctx.opt.emulation);
  }
  /* per input: the file to map, if it is one */
  struct mapping *maps = xcalloc(ctx.opt.ninputs ? ctx.opt.ninputs : 1, sizeof(*maps));
  for (size_t i = 0; i < ctx.opt.ninputs; i++) {
    struct input_spec *in = &ctx.opt.inputs[i];
    if (in->kind == IN_FILE)
      maps[i].path = in->path;
    else if (in->kind == IN_SCRIPT)
      maps[i].path = script_option_path(in->path);
    else if (in->kind == IN_LIB)
      maps[i].path = find_library(in->path);
  }
  parallel_for((int64_t)ctx.opt.ninputs, map_one, maps);
  for (size_t i = 0; i < ctx.opt.ninputs; i++) {
    struct input_spec *in = &ctx.opt.inputs[i];
    cur_input = (uint32_t)i;
    if (ctx.opt.ltrans && i == ctx.opt.ltrans_at)
      read_ltrans_files();
    switch (in->kind) {
    case IN_FILE:
    case IN_LIB:
    case IN_SCRIPT:
      if (!group_depth)
        cur_group++;
      if (!maps[i].path)
        break;
      if (binary && in->kind != IN_SCRIPT)
        read_binary(&maps[i]);
      else
        read_file(&maps[i], whole, lazy, in->kind == IN_SCRIPT);
      break;
    case IN_BINARY_ON:
    case IN_BINARY_OFF:
      binary = in->kind == IN_BINARY_ON;
      break;
    case IN_WHOLE_ON:
      whole = true;
      break;
    case IN_WHOLE_OFF:
      whole = false;
      break;
    case IN_LAZY_ON:
      if (lazy)
        error("nested --start-lib");
      lazy = true;
      break;
    case IN_LAZY_OFF:
      if (!lazy)
        error("--end-lib without --start-lib");
      lazy = false;
      break;
    case IN_GROUP_START:
      if (group_depth++)
        error("nested --start-group");
      cur_group++;
      break;
    case IN_GROUP_END:
      if (--group_depth < 0)
        error("--end-group without --start-group");
      break;
    }
  }
  xfree(maps);
  if (ctx.opt.ltrans && ctx.opt.ltrans_at >= ctx.opt.ninputs)
    read_ltrans_files();
  for (size_t i = 0; i < ctx.opt.ltrans_libs.n; i++) {
    const char *path = ltrans_lib_path(ctx.opt.ltrans_libs.v[i]);
    if (path)
      read_extra_file(path);
  }
  if (group_depth > 0)
    warn("--start-group without --end-group");
  if (lazy)
    warn("--start-lib without --end-lib");
  check_errors();
  if (!ctx.arch)
    fatal(ctx.opt.ninputs ? "no ELF input files; cannot infer the target (use -m)"
                          : "no input files");
  finish_binaries();
  check_errors();
}

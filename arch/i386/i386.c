/* i386 (System V i386 psABI; Drepper's "ELF Handling For Thread-Local
 * Storage" §4.4 and §5.4 for the TLS code sequences; the TLSDESC RFC).
 *
 * ELF32 with REL relocations: addends live in the section contents and are
 * read by implicit_addend(). Arithmetic is modulo 2^32, so 32-bit fields
 * are written without a range check, as every i386 linker does.
 *
 * musl's i386 libc.a is PIC through %ebx: code computes the GOT base with
 * __x86.get_pc_thunk.* + R_386_GOTPC (_GLOBAL_OFFSET_TABLE_ is the start
 * of .got here) and reaches data with GOTOFF, or with GOT32X loads, which
 * a static link turns into `lea sym@GOTOFF(%reg)`. The thunks are COMDAT
 * groups, deduplicated by the core. TLS is variant 2 (block below %gs:0)
 * and every model relaxes to local-exec: GD and LDM replace their
 * ___tls_get_addr call, IE/GOTIE loads become immediates, TLSDESC an
 * immediate lea and a nop. A GOTIE access in an unknown instruction keeps a
 * GOT slot holding the TP offset. */
#include "arch/i386/i386.h"
#include "ld/ld.h"

#define H(name, expr, size, check) [name] = {#name, expr, size, check}
static const struct howto howto[] = {
    H(R_386_NONE, RX_NONE, 0, CK_NONE),
    H(R_386_32, RX_ABS, 4, CK_NONE),
    H(R_386_PC32, RX_PC, 4, CK_NONE),
    H(R_386_GOT32, RX_SPECIAL, 4, CK_NONE),
    H(R_386_PLT32, RX_PC, 4, CK_NONE),
    H(R_386_GOTOFF, RX_GOTOFF, 4, CK_NONE),
    H(R_386_GOTPC, RX_GOTPC, 4, CK_NONE),
    H(R_386_TLS_TPOFF, RX_TPOFF, 4, CK_NONE),
    H(R_386_TLS_IE, RX_SPECIAL, 4, CK_NONE),
    H(R_386_TLS_GOTIE, RX_SPECIAL, 4, CK_NONE),
    H(R_386_TLS_LE, RX_TPOFF, 4, CK_NONE),
    H(R_386_TLS_GD, RX_SPECIAL, 4, CK_NONE),
    H(R_386_TLS_LDM, RX_SPECIAL, 4, CK_NONE),
    H(R_386_16, RX_ABS, 2, CK_EITHER),
    H(R_386_PC16, RX_PC, 2, CK_SIGNED),
    H(R_386_8, RX_ABS, 1, CK_EITHER),
    H(R_386_PC8, RX_PC, 1, CK_SIGNED),
    H(R_386_TLS_LDO_32, RX_DTPOFF, 4, CK_NONE), /* in debug info; code: see apply */
    H(R_386_TLS_IE_32, RX_SPECIAL, 4, CK_NONE),
    H(R_386_TLS_LE_32, RX_SPECIAL, 4, CK_NONE),
    H(R_386_TLS_DTPOFF32, RX_DTPOFF, 4, CK_NONE),
    H(R_386_TLS_TPOFF32, RX_SPECIAL, 4, CK_NONE),
    H(R_386_SIZE32, RX_SIZE, 4, CK_NONE),
    H(R_386_TLS_GOTDESC, RX_SPECIAL, 4, CK_NONE),
    H(R_386_TLS_DESC_CALL, RX_SPECIAL, 0, CK_NONE),
    H(R_386_GOT32X, RX_SPECIAL, 4, CK_NONE),
};
#undef H

/* ---- relaxers: `loc` points at the relocated 32-bit field ---- */

/* movl foo@GOT(%reg1), %reg2 -> leal foo@GOTOFF(%reg1), %reg2 */
bool i386_relax_got32x_to_gotoff(uint8_t *loc, uint64_t off, bool write) {
  if (off < 2 || loc[-2] != 0x8b || (loc[-1] & 0xc0) != 0x80)
    return false;
  if (write)
    loc[-2] = 0x8d;
  return true;
}

/* Whether a GOT32(X) access has a base register (the GOT base) or uses the
 * slot's absolute address (mod 00, r/m 101: disp32 only). */
static bool got_has_base(const uint8_t *loc, uint64_t off) {
  return !(off >= 1 && (loc[-1] & 0xc7) == 0x05);
}

/* movl foo@gotntpoff(%reg1), %reg2 -> movl $foo@ntpoff, %reg2
 * addl foo@gotntpoff(%reg1), %reg2 -> addl $foo@ntpoff, %reg2
 * and the absolute forms of R_386_TLS_IE:
 * movl foo@indntpoff, %eax -> movl $foo@ntpoff, %eax (a1 -> b8)
 * movl foo@indntpoff, %reg -> movl $foo@ntpoff, %reg
 * addl foo@indntpoff, %reg -> addl $foo@ntpoff, %reg */
bool i386_relax_tls_ie_to_le(uint8_t *loc, uint64_t off, bool write) {
  if (off < 1)
    return false;
  if (loc[-1] == 0xa1) { /* movl abs, %eax: one-byte opcode, no modrm */
    if (write)
      loc[-1] = 0xb8;
    return true;
  }
  if (off < 2)
    return false;
  uint8_t op = loc[-2], modrm = loc[-1], mod = modrm & 0xc0, rm = modrm & 7;
  bool based = mod == 0x80 && rm != 4;        /* disp32(%reg), no SIB */
  bool absolute = mod == 0x00 && rm == 5;     /* disp32 */
  if ((op != 0x8b && op != 0x03) || !(based || absolute))
    return false;
  if (write) {
    uint8_t reg = (modrm >> 3) & 7;
    loc[-2] = op == 0x8b ? 0xc7 : 0x81;
    loc[-1] = 0xc0 | reg;
  }
  return true;
}

/* leal x@tlsgd(,%ebx,1), %eax; call ___tls_get_addr@plt
 * or leal x@tlsgd(%reg), %eax; call *___tls_get_addr@GOT(%reg)
 * -> movl %gs:0, %eax; subl $x@tpoff, %eax  (12 bytes; returns the start) */
uint8_t *i386_relax_tls_gd_to_le(uint8_t *loc, uint64_t off, uint64_t size, bool write) {
  uint8_t *start;
  if (off >= 3 && loc[-3] == 0x8d && loc[-2] == 0x04 && loc[-1] == 0x1d && size - off >= 9 &&
      loc[4] == 0xe8)
    start = loc - 3;
  else if (off >= 2 && loc[-2] == 0x8d && (loc[-1] & 0xf8) == 0x80 && (loc[-1] & 7) != 4 &&
           size - off >= 10 && loc[4] == 0xff && (loc[5] & 0xf8) == 0x90)
    start = loc - 2;
  else
    return NULL;
  if (write) {
    static const uint8_t le[] = {0x65, 0xa1, 0, 0, 0, 0, 0x81, 0xe8};
    memcpy(start, le, sizeof(le));
  }
  return start;
}

/* leal x@tlsldm(%reg), %eax; call ___tls_get_addr@plt (or call *...@GOT(%reg))
 * -> movl %gs:0, %eax, padded with nops to the same length */
bool i386_relax_tls_ldm_to_le(uint8_t *loc, uint64_t off, uint64_t size, bool write) {
  if (off < 2 || loc[-2] != 0x8d || (loc[-1] & 0xf8) != 0x80 || (loc[-1] & 7) == 4)
    return false;
  if (size - off >= 9 && loc[4] == 0xe8) {
    static const uint8_t le[] = {0x65, 0xa1, 0, 0, 0, 0, 0x90, 0x8d, 0x74, 0x26, 0x00};
    if (write)
      memcpy(loc - 2, le, sizeof(le));
    return true;
  }
  if (size - off >= 10 && loc[4] == 0xff && (loc[5] & 0xf8) == 0x90) {
    static const uint8_t le[] = {0x65, 0xa1, 0, 0, 0, 0, 0x8d, 0xb6, 0, 0, 0, 0};
    if (write)
      memcpy(loc - 2, le, sizeof(le));
    return true;
  }
  return false;
}

/* leal x@tlsdesc(%ebx), %reg -> leal x@ntpoff, %reg */
bool i386_relax_tlsdesc_to_le(uint8_t *loc, uint64_t off, bool write) {
  if (off < 2 || loc[-2] != 0x8d || (loc[-1] & 0xc0) != 0x80 || (loc[-1] & 7) == 4)
    return false;
  if (write)
    loc[-1] = 0x05 | (loc[-1] & 0x38);
  return true;
}

/* call *x@tlscall(%eax) -> xchg %ax, %ax */
bool i386_relax_tlsdesc_call_to_nop(uint8_t *loc, uint64_t off, uint64_t size, bool write) {
  if (size - off < 2 || loc[0] != 0xff || loc[1] != 0x10)
    return false;
  if (write)
    loc[0] = 0x66, loc[1] = 0x90;
  return true;
}

static int64_t implicit_addend(uint32_t type, const uint8_t *loc) {
  if (type >= sizeof(howto) / sizeof(howto[0]))
    return 0;
  switch (howto[type].size) {
  case 1:
    return (int8_t)loc[0];
  case 2:
    return (int16_t)rd16(loc);
  case 4:
    return (int32_t)rd32(loc);
  default:
    return 0;
  }
}

/* GOTOFF is relative to the GOT: in a static PIE only for addresses in
 * the image, not for absolute values. */
static bool got32x_target_ok(const struct symbol *sym) {
  return sym_is_defined(sym) && sym->type != STT_GNU_IFUNC &&
         (!ctx.opt.pie || moves_with_image(sym));
}

/* ---- scan ---- */

static void bad_sequence(struct isec *isec, const struct rel *r, const char *what) {
  error("%s:(%s+0x%llx): %s against %s is not the %s code sequence smelt can relax",
        isec->file->name, isec->name, (unsigned long long)r->offset, reloc_name(r->type),
        sym_display(isec->file->syms[r->sym]), what);
}

/* A static PIE cannot hold a GOT slot's absolute address in code
 * (ld/pie.c): code without a GOT base register is not position-independent. */
static void pie_absolute(struct isec *isec, const struct rel *r) {
  if (ctx.opt.pie)
    error("%s:(%s+0x%llx): relocation %s against %s cannot be used in a static PIE: the "
          "instruction takes a GOT slot's absolute address; recompile with -fPIE",
          isec->file->name, isec->name, (unsigned long long)r->offset, reloc_name(r->type),
          sym_display(isec->file->syms[r->sym]));
}

static void scan_relocs(struct isec *isec) {
  struct objfile *f = isec->file;
  uint32_t n = isec_nrels(isec);
  uint8_t *data = (uint8_t *)isec->data; /* only read here */
  for (uint32_t i = 0; i < n; i++) {
    struct rel r;
    get_rel(isec, i, &r);
    if (!check_rel(isec, &r))
      continue;
    struct symbol *sym = f->syms[r.sym];
    record_undef(isec, &r, sym);
    if (!data)
      continue;
    uint8_t *loc = data + r.offset;
    switch (r.type) {
    case R_386_GOT32:
    case R_386_GOT32X:
      if (r.type == R_386_GOT32X && got32x_target_ok(sym) &&
          i386_relax_got32x_to_gotoff(loc, r.offset, false))
        break;
      mark_sym(sym, NEEDS_GOT);
      if (!got_has_base(loc, r.offset))
        pie_absolute(isec, &r);
      break;
    case R_386_TLS_IE:
    case R_386_TLS_GOTIE:
      if (!i386_relax_tls_ie_to_le(loc, r.offset, false)) {
        mark_sym(sym, NEEDS_GOTTP);
        if (r.type == R_386_TLS_IE)
          pie_absolute(isec, &r);
      }
      break;
    case R_386_TLS_IE_32:
    case R_386_TLS_TPOFF32:
      error("%s:(%s+0x%llx): %s against %s is not supported (negated TP offsets in the GOT)",
            f->name, isec->name, (unsigned long long)r.offset, reloc_name(r.type),
            sym_display(sym));
      break;
    case R_386_TLS_GD:
      if (!i386_relax_tls_gd_to_le(loc, r.offset, isec->size, false))
        bad_sequence(isec, &r, "general-dynamic");
      i++; /* the ___tls_get_addr call goes away */
      break;
    case R_386_TLS_LDM:
      if (!i386_relax_tls_ldm_to_le(loc, r.offset, isec->size, false))
        bad_sequence(isec, &r, "local-dynamic");
      i++;
      break;
    case R_386_TLS_GOTDESC:
      if (!i386_relax_tlsdesc_to_le(loc, r.offset, false))
        bad_sequence(isec, &r, "TLS descriptor");
      break;
    case R_386_TLS_DESC_CALL:
      if (!i386_relax_tlsdesc_call_to_nop(loc, r.offset, isec->size, false))
        bad_sequence(isec, &r, "TLS descriptor call");
      break;
    }
  }
}

/* ---- apply ---- */

static bool apply_relocs(struct isec *isec, uint8_t *buf, uint64_t addr, uint64_t lo,
                         uint32_t first, uint32_t n) {
  struct objfile *f = isec->file;
  for (uint32_t i = first; i < n; i++) {
    struct rel r;
    get_rel(isec, i, &r);
    uint64_t off;
    if (r.type >= sizeof(howto) / sizeof(howto[0]) || !howto[r.type].name ||
        r.sym >= f->nsyms || !reloc_place(isec, r.offset, howto[r.type].size, &off))
      continue; /* reported by scan, or in a dropped .eh_frame record */
    const struct howto *h = &howto[r.type];
    struct symbol *sym = f->syms[r.sym];
    uint8_t *loc = buf + (off - lo);
    uint64_t P = addr + off;
    uint64_t SA = sym_va(sym, r.addend), A = (uint64_t)r.addend;
    uint64_t tpoff = SA - ctx.tp_addr; /* negative: the block is below TP */
    uint64_t v;

    switch (r.type) {
    case R_386_NONE:
      continue;
    case R_386_GOT32:
    case R_386_GOT32X:
      if (r.type == R_386_GOT32X && got32x_target_ok(sym) &&
          i386_relax_got32x_to_gotoff(loc, off, true))
        v = SA - got_base();
      else if (got_has_base(loc, off))
        v = got_slot_addr(sym) - got_base() + A;
      else
        v = got_slot_addr(sym) + A;
      break;
    case R_386_TLS_IE:
    case R_386_TLS_GOTIE:
      /* The immediate is the symbol's TP offset without the field's
       * addend, as GNU ld writes it: Go's -buildmode=pie code puts a
       * GOTPC relocation at the same field (its GOT load is relative to
       * a PC thunk, the two values add up) and the field holds GOTPC's
       * addend, not this one's. */
      if (i386_relax_tls_ie_to_le(loc, off, true))
        v = sym_va(sym, 0) - ctx.tp_addr;
      else if (r.type == R_386_TLS_IE)
        v = gottp_slot_addr(sym) + A;
      else
        v = gottp_slot_addr(sym) - got_base() + A;
      break;
    case R_386_TLS_LE_32:
      v = ctx.tp_addr - SA;
      break;
    case R_386_TLS_GD: {
      uint8_t *start = i386_relax_tls_gd_to_le(loc, off, isec->size, true);
      if (start)
        wr32(start + 8, (uint32_t)(ctx.tp_addr - sym_va(sym, 0)));
      i++;
      continue;
    }
    case R_386_TLS_LDM:
      i386_relax_tls_ldm_to_le(loc, off, isec->size, true);
      i++;
      continue;
    case R_386_TLS_LDO_32:
      v = tpoff; /* local-dynamic became local-exec: %eax holds the TP */
      break;
    case R_386_TLS_GOTDESC:
      i386_relax_tlsdesc_to_le(loc, off, true);
      v = tpoff;
      break;
    case R_386_TLS_DESC_CALL:
      i386_relax_tlsdesc_call_to_nop(loc, off, isec->size, true);
      continue;
    default:
      v = generic_value(isec, &r, sym, h->expr, P);
    }
    write_field(isec, &r, sym, loc, (int64_t)v, h->size, h->check);
  }
  return true;
}

/* ---- IFUNC (ld/ifunc.c) ---- */

/* The start-up routine: apply R_386_IRELATIVE from rel to end. Each word
 * holds its resolver (the implicit addend); the image is not a PIE here. */
static const uint8_t iplt_init[I386_IPLT_INIT_SIZE] = {
    0x53,                   /*  0: push %ebx */
    0x56,                   /*  1: push %esi */
    0x57,                   /*  2: push %edi (the stack is aligned now) */
    0xbb, 0, 0, 0, 0,       /*  3: mov $rel, %ebx */
    0xbe, 0, 0, 0, 0,       /*  8: mov $end, %esi */
    0x39, 0xf3,             /* 13: cmp %esi, %ebx */
    0x73, 0x0b,             /* 15: jae 28 */
    0x8b, 0x3b,             /* 17: mov (%ebx), %edi: r_offset */
    0xff, 0x17,             /* 19: call *(%edi): the resolver */
    0x89, 0x07,             /* 21: mov %eax, (%edi) */
    0x83, 0xc3, 0x08,       /* 23: add $8, %ebx */
    0xeb, 0xf1,             /* 26: jmp 13 */
    0x5f,                   /* 28: pop %edi */
    0x5e,                   /* 29: pop %esi */
    0x5b,                   /* 30: pop %ebx */
    0xc3,                   /* 31: ret */
};

/* The routine, then per IFUNC `jmp *slot` padded with int3. */
bool i386_write_iplt(uint8_t *out, const struct iplt *l) {
  memcpy(out, iplt_init, sizeof(iplt_init));
  wr32(out + 4, (uint32_t)l->rel);
  wr32(out + 9, (uint32_t)l->end);
  for (uint32_t i = 0; i < l->n; i++) {
    uint8_t *e = out + I386_IPLT_INIT_SIZE + (uint64_t)i * IPLT_ENTSIZE;
    memset(e, 0xcc, IPLT_ENTSIZE);
    e[0] = 0xff, e[1] = 0x25;
    wr32(e + 2, (uint32_t)(l->slots + (uint64_t)i * 4));
  }
  return true;
}

static bool is_call_reloc(uint32_t type) { return type == R_386_PLT32 || type == R_386_PC32; }

static const char *const emulations[] = {"elf_i386", NULL};

const struct arch arch_i386 = {
    .name = "i386",
    .emulations = emulations,
    .machine = EM_386,
    .feature_1_and = 0xc0000002 /* GNU_PROPERTY_X86_FEATURE_1_AND */,
    .is64 = false,
    .is_rela = false,
    .page_size = 4096,
    .image_base = 0x08048000,
    .tls_variant = 2,
    .nhowto = sizeof(howto) / sizeof(howto[0]),
    .howto = howto,
    .got_entsize = 4,
    .relative_type = R_386_RELATIVE,
    .irelative_type = R_386_IRELATIVE,
    .iplt_init_size = I386_IPLT_INIT_SIZE,
    .write_iplt = i386_write_iplt,
    .scan_relocs = scan_relocs,
    .apply_relocs = apply_relocs,
    .relax_before = 3, /* TLS GD: the lea before the field */
    .relax_after = 9,  /* ... and the call after it */
    .apply_nonalloc_relocs = apply_nonalloc_part,
    .is_call_reloc = is_call_reloc,
    .implicit_addend = implicit_addend,
};

/* x86_64 (System V psABI, "x86-64-ABI" §4.4 relocations; Drepper's "ELF
 * Handling For Thread-Local Storage" §5.5 and the TLSDESC RFC for the TLS
 * code sequences).
 *
 * A static executable knows every address at link time, so almost every
 * indirection can go:
 *  - GOTPCRELX/REX_GOTPCRELX: `mov foo@GOTPCREL(%rip), %reg` becomes
 *    `lea foo(%rip), %reg`; `call/jmp *foo@GOTPCREL(%rip)` become direct
 *    calls/jumps. Anything else keeps a GOT slot, filled with the address.
 *  - TLS: the main executable's TLS block sits right below the thread
 *    pointer (%fs:0, variant 2), so every model relaxes to local-exec:
 *    initial-exec loads become immediates, general- and local-dynamic
 *    __tls_get_addr calls are replaced by a %fs:0 load, TLSDESC by an
 *    immediate and a nop. An IE access whose instruction is not the
 *    documented form keeps a GOT slot holding the TP offset.
 * Relaxers return false without writing when the code is not the expected
 * sequence; scan and apply use the same predicates, so they always agree. */
#include "arch/x86_64/x86_64.h"
#include "ld/ld.h"

#define H(name, expr, size, check) [name] = {#name, expr, size, check}
static const struct howto howto[] = {
    H(R_X86_64_NONE, RX_NONE, 0, CK_NONE),
    H(R_X86_64_64, RX_ABS, 8, CK_NONE),
    H(R_X86_64_PC32, RX_PC, 4, CK_SIGNED),
    H(R_X86_64_GOT32, RX_GOT, 4, CK_SIGNED),
    H(R_X86_64_PLT32, RX_PC, 4, CK_SIGNED),
    H(R_X86_64_GOTPCREL, RX_GOT_PC, 4, CK_SIGNED),
    H(R_X86_64_32, RX_ABS, 4, CK_UNSIGNED),
    H(R_X86_64_32S, RX_ABS, 4, CK_SIGNED),
    H(R_X86_64_16, RX_ABS, 2, CK_EITHER),
    H(R_X86_64_PC16, RX_PC, 2, CK_SIGNED),
    H(R_X86_64_8, RX_ABS, 1, CK_EITHER),
    H(R_X86_64_PC8, RX_PC, 1, CK_SIGNED),
    H(R_X86_64_DTPOFF64, RX_DTPOFF, 8, CK_NONE),
    H(R_X86_64_TPOFF64, RX_TPOFF, 8, CK_NONE),
    H(R_X86_64_TLSGD, RX_SPECIAL, 4, CK_SIGNED),
    H(R_X86_64_TLSLD, RX_SPECIAL, 4, CK_SIGNED),
    H(R_X86_64_DTPOFF32, RX_DTPOFF, 4, CK_SIGNED),
    H(R_X86_64_GOTTPOFF, RX_SPECIAL, 4, CK_SIGNED),
    H(R_X86_64_TPOFF32, RX_TPOFF, 4, CK_SIGNED),
    H(R_X86_64_PC64, RX_PC, 8, CK_NONE),
    H(R_X86_64_GOTOFF64, RX_GOTOFF, 8, CK_NONE),
    H(R_X86_64_GOTPC32, RX_GOTPC, 4, CK_SIGNED),
    H(R_X86_64_GOT64, RX_GOT, 8, CK_NONE),
    H(R_X86_64_GOTPCREL64, RX_GOT_PC, 8, CK_NONE),
    H(R_X86_64_GOTPC64, RX_GOTPC, 8, CK_NONE),
    H(R_X86_64_SIZE32, RX_SIZE, 4, CK_UNSIGNED),
    H(R_X86_64_SIZE64, RX_SIZE, 8, CK_NONE),
    H(R_X86_64_GOTPC32_TLSDESC, RX_SPECIAL, 4, CK_SIGNED),
    H(R_X86_64_TLSDESC_CALL, RX_SPECIAL, 0, CK_NONE),
    H(R_X86_64_GOTPCRELX, RX_SPECIAL, 4, CK_SIGNED),
    H(R_X86_64_REX_GOTPCRELX, RX_SPECIAL, 4, CK_SIGNED),
};
#undef H

/* ---- relaxers: `loc` points at the relocated 32-bit field ---- */

/* mov foo@GOTPCREL(%rip), %reg -> lea foo(%rip), %reg
 * call *foo@GOTPCREL(%rip)     -> addr32 call foo
 * jmp  *foo@GOTPCREL(%rip)     -> jmp foo; nop */
bool relax_gotpcrelx_to_pcrel(uint8_t *loc, uint64_t off, bool write) {
  if (off < 2)
    return false;
  uint8_t op = loc[-2], modrm = loc[-1];
  if (op == 0x8b) {
    if (write)
      loc[-2] = 0x8d;
    return true;
  }
  if (op == 0xff && modrm == 0x15) {
    if (write)
      loc[-2] = 0x67, loc[-1] = 0xe8;
    return true;
  }
  if (op == 0xff && modrm == 0x25) {
    if (write)
      loc[-2] = 0xe9, loc[3] = 0x90; /* the displacement moves to loc - 1 */
    return true;
  }
  return false;
}

/* movq foo@gottpoff(%rip), %reg -> movq $tpoff, %reg
 * addq foo@gottpoff(%rip), %reg -> addq $tpoff, %reg */
bool relax_gottpoff_to_le(uint8_t *loc, uint64_t off, bool write) {
  if (off < 3)
    return false;
  uint8_t rex = loc[-3], op = loc[-2], modrm = loc[-1];
  if ((rex != 0x48 && rex != 0x4c) || (modrm & 0xc7) != 0x05 || (op != 0x8b && op != 0x03))
    return false;
  if (write) {
    uint8_t reg = (modrm >> 3) & 7;
    loc[-3] = rex == 0x4c ? 0x49 : 0x48; /* REX.R -> REX.B */
    loc[-2] = op == 0x8b ? 0xc7 : 0x81;
    loc[-1] = 0xc0 | reg;
  }
  return true;
}

/* .byte 0x66; leaq x@tlsgd(%rip), %rdi; .word 0x6666; rex64; call __tls_get_addr@plt
 * (or: .byte 0x66; leaq ...; .byte 0x66; rex64; call *__tls_get_addr@GOTPCREL(%rip))
 * -> movq %fs:0, %rax; leaq x@tpoff(%rax), %rax */
bool relax_tlsgd_to_le(uint8_t *loc, uint64_t off, uint64_t size, bool write) {
  if (off < 4 || size - off < 12)
    return false;
  static const uint8_t lea[] = {0x66, 0x48, 0x8d, 0x3d};
  static const uint8_t call_plt[] = {0x66, 0x66, 0x48, 0xe8};
  static const uint8_t call_got[] = {0x66, 0x48, 0xff, 0x15};
  if (memcmp(loc - 4, lea, 4) || (memcmp(loc + 4, call_plt, 4) && memcmp(loc + 4, call_got, 4)))
    return false;
  if (write) {
    static const uint8_t le[] = {0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0, 0x48, 0x8d, 0x80};
    memcpy(loc - 4, le, sizeof(le));
  }
  return true;
}

/* leaq x@tlsld(%rip), %rdi; call __tls_get_addr@plt (or call *...@GOTPCREL)
 * -> data16 data16 data16 movq %fs:0, %rax (padded to the same length) */
bool relax_tlsld_to_le(uint8_t *loc, uint64_t off, uint64_t size, bool write) {
  if (off < 3 || size - off < 9)
    return false;
  if (loc[-3] != 0x48 || loc[-2] != 0x8d || loc[-1] != 0x3d)
    return false;
  static const uint8_t mov[] = {0x64, 0x48, 0x8b, 0x04, 0x25, 0, 0, 0, 0};
  if (loc[4] == 0xe8) {
    if (write) {
      memset(loc - 3, 0x66, 3);
      memcpy(loc, mov, sizeof(mov));
    }
    return true;
  }
  if (loc[4] == 0xff && loc[5] == 0x15 && size - off >= 10) {
    if (write) {
      memset(loc - 3, 0x66, 4);
      memcpy(loc + 1, mov, sizeof(mov));
    }
    return true;
  }
  return false;
}

/* leaq x@tlsdesc(%rip), %reg -> movq $tpoff, %reg */
bool relax_tlsdesc_to_le(uint8_t *loc, uint64_t off, bool write) {
  if (off < 3)
    return false;
  uint8_t rex = loc[-3], modrm = loc[-1];
  if ((rex != 0x48 && rex != 0x4c) || loc[-2] != 0x8d || (modrm & 0xc7) != 0x05)
    return false;
  if (write) {
    loc[-3] = rex == 0x4c ? 0x49 : 0x48;
    loc[-2] = 0xc7;
    loc[-1] = 0xc0 | ((modrm >> 3) & 7);
  }
  return true;
}

/* call *x@tlscall(%rax) -> xchg %ax, %ax (2-byte nop) */
bool relax_tlsdesc_call_to_nop(uint8_t *loc, uint64_t off, uint64_t size, bool write) {
  if (size - off < 2 || loc[0] != 0xff || loc[1] != 0x10)
    return false;
  if (write)
    loc[0] = 0x66, loc[1] = 0x90;
  return true;
}

/* GOT loads can become PC-relative when the target's address is known and
 * is not an absolute value (out of reach, and fixed in a static PIE); the
 * linker's own address symbols (__init_array_start) are in the image. */
static bool gotpcrelx_target_ok(const struct symbol *sym) {
  return sym_is_defined(sym) && (sym->kind != SYM_ABS || sym->linker_addr) &&
         sym->type != STT_GNU_IFUNC;
}

/* ---- scan ---- */

static void bad_sequence(struct isec *isec, const struct rel *r, const char *what) {
  error("%s:(%s+0x%llx): %s against %s is not the %s code sequence smelt can relax",
        isec->file->name, isec->name, (unsigned long long)r->offset, reloc_name(r->type),
        sym_display(isec->file->syms[r->sym]), what);
}

static void scan_relocs(struct isec *isec) {
  struct objfile *f = isec->file;
  uint32_t n = isec_nrels(isec);
  uint8_t *data = (uint8_t *)isec->data; /* only read here */
  for (uint32_t i = 0; i < n; i++) {
    struct rel r;
    prefetch_rel(isec, i, n);
    get_rel(isec, i, &r);
    if (!check_rel(isec, &r))
      continue;
    struct symbol *sym = f->syms[r.sym];
    record_undef(isec, &r, sym);
    if (!data)
      continue;
    uint8_t *loc = data + r.offset;
    switch (r.type) {
    case R_X86_64_GOTPCREL:
    case R_X86_64_GOT32:
    case R_X86_64_GOT64:
    case R_X86_64_GOTPCREL64:
      mark_sym(sym, NEEDS_GOT);
      break;
    case R_X86_64_GOTPCRELX:
    case R_X86_64_REX_GOTPCRELX:
      if (!gotpcrelx_target_ok(sym) || !relax_gotpcrelx_to_pcrel(loc, r.offset, false))
        mark_sym(sym, NEEDS_GOT);
      break;
    case R_X86_64_GOTTPOFF:
      if (!relax_gottpoff_to_le(loc, r.offset, false))
        mark_sym(sym, NEEDS_GOTTP);
      break;
    case R_X86_64_TLSGD:
      if (!relax_tlsgd_to_le(loc, r.offset, isec->size, false))
        bad_sequence(isec, &r, "general-dynamic");
      i++; /* the __tls_get_addr call goes away */
      break;
    case R_X86_64_TLSLD:
      if (!relax_tlsld_to_le(loc, r.offset, isec->size, false))
        bad_sequence(isec, &r, "local-dynamic");
      i++;
      break;
    case R_X86_64_GOTPC32_TLSDESC:
      if (!relax_tlsdesc_to_le(loc, r.offset, false))
        bad_sequence(isec, &r, "TLS descriptor");
      break;
    case R_X86_64_TLSDESC_CALL:
      if (!relax_tlsdesc_call_to_nop(loc, r.offset, isec->size, false))
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
    prefetch_rel(isec, i, n);
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
    int64_t v;

    switch (r.type) {
    case R_X86_64_NONE:
      continue;
    case R_X86_64_GOTPCRELX:
    case R_X86_64_REX_GOTPCRELX:
      if (gotpcrelx_target_ok(sym) && relax_gotpcrelx_to_pcrel(loc, off, true)) {
        if (loc[-2] == 0xe9) /* jmp: the displacement moved one byte back */
          write_field(isec, &r, sym, loc - 1, (int64_t)(SA - P + 1), 4, CK_SIGNED);
        else
          write_field(isec, &r, sym, loc, (int64_t)(SA - P), 4, CK_SIGNED);
      } else {
        write_field(isec, &r, sym, loc, (int64_t)(got_slot_addr(sym) + A - P), 4, CK_SIGNED);
      }
      continue;
    case R_X86_64_GOTTPOFF:
      if (relax_gottpoff_to_le(loc, off, true))
        v = (int64_t)(SA + 4 - ctx.tp_addr);
      else
        v = (int64_t)(gottp_slot_addr(sym) + A - P);
      write_field(isec, &r, sym, loc, v, 4, CK_SIGNED);
      continue;
    case R_X86_64_TLSGD:
      relax_tlsgd_to_le(loc, off, isec->size, true);
      write_field(isec, &r, sym, loc + 8, (int64_t)(SA + 4 - ctx.tp_addr), 4, CK_SIGNED);
      i++;
      continue;
    case R_X86_64_TLSLD:
      relax_tlsld_to_le(loc, off, isec->size, true);
      i++;
      continue;
    case R_X86_64_GOTPC32_TLSDESC:
      relax_tlsdesc_to_le(loc, off, true);
      write_field(isec, &r, sym, loc, (int64_t)(SA + 4 - ctx.tp_addr), 4, CK_SIGNED);
      continue;
    case R_X86_64_TLSDESC_CALL:
      relax_tlsdesc_call_to_nop(loc, off, isec->size, true);
      continue;
    case R_X86_64_DTPOFF32:
    case R_X86_64_DTPOFF64:
      /* local-dynamic was relaxed to local-exec: offsets are from the TP */
      write_field(isec, &r, sym, loc, (int64_t)(SA - ctx.tp_addr), h->size, h->check);
      continue;
    default:
      v = (int64_t)generic_value(isec, &r, sym, h->expr, P);
      write_field(isec, &r, sym, loc, v, h->size, h->check);
    }
  }
  return true;
}

/* ---- IFUNC (ld/ifunc.c) ---- */

/* rel32 from the end of the instruction at P (len bytes) to T */
static bool put_rel32(uint8_t *p, uint64_t P, unsigned len, uint64_t T) {
  int64_t d = (int64_t)(T - (P + len));
  if (d < INT32_MIN || d > INT32_MAX)
    return false;
  wr32(p + len - 4, (uint32_t)d);
  return true;
}

/* The start-up routine: apply R_X86_64_IRELATIVE from rel to end, at a
 * load address base = where it runs - where it was linked. */
static const uint8_t iplt_init[IPLT_INIT_SIZE] = {
    0x53,                               /*  0: push %rbx */
    0x55,                               /*  1: push %rbp */
    0x41, 0x54,                         /*  2: push %r12 (the stack is aligned now) */
    0x48, 0x8d, 0x1d, 0, 0, 0, 0,       /*  4: lea rel(%rip), %rbx */
    0x48, 0x8d, 0x2d, 0, 0, 0, 0,       /* 11: lea end(%rip), %rbp */
    0x4c, 0x8d, 0x25, 0xe7, 0xff, 0xff, 0xff, /* 18: lea 0(%rip) - 25, %r12: here */
    0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, /* 25: movabs $(linked here), %rax */
    0x49, 0x29, 0xc4,                   /* 35: sub %rax, %r12: the base */
    0x48, 0x39, 0xeb,                   /* 38: cmp %rbp, %rbx */
    0x73, 0x18,                         /* 41: jae 67 */
    0x48, 0x8b, 0x43, 0x10,             /* 43: mov 16(%rbx), %rax: r_addend */
    0x4c, 0x01, 0xe0,                   /* 47: add %r12, %rax */
    0xff, 0xd0,                         /* 50: call *%rax: the resolver */
    0x48, 0x8b, 0x0b,                   /* 52: mov (%rbx), %rcx: r_offset */
    0x4c, 0x01, 0xe1,                   /* 55: add %r12, %rcx */
    0x48, 0x89, 0x01,                   /* 58: mov %rax, (%rcx) */
    0x48, 0x83, 0xc3, 0x18,             /* 61: add $24, %rbx */
    0xeb, 0xe3,                         /* 65: jmp 38 */
    0x41, 0x5c,                         /* 67: pop %r12 */
    0x5d,                               /* 69: pop %rbp */
    0x5b,                               /* 70: pop %rbx */
    0xc3,                               /* 71: ret */
    0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
};

/* The routine, then per IFUNC `jmp *slot(%rip)` padded with int3. */
bool x86_64_write_iplt(uint8_t *out, const struct iplt *l) {
  memcpy(out, iplt_init, sizeof(iplt_init));
  if (!put_rel32(out + 4, l->addr + 4, 7, l->rel) || !put_rel32(out + 11, l->addr + 11, 7, l->end))
    return false;
  wr64(out + 27, l->addr);
  for (uint32_t i = 0; i < l->n; i++) {
    uint8_t *e = out + IPLT_INIT_SIZE + (uint64_t)i * IPLT_ENTSIZE;
    uint64_t E = l->addr + IPLT_INIT_SIZE + (uint64_t)i * IPLT_ENTSIZE;
    memset(e, 0xcc, IPLT_ENTSIZE);
    e[0] = 0xff, e[1] = 0x25;
    if (!put_rel32(e, E, 6, l->slots + (uint64_t)i * 8))
      return false;
  }
  return true;
}

static bool is_call_reloc(uint32_t type) { return type == R_X86_64_PLT32; }

static const char *const emulations[] = {"elf_x86_64", NULL};

const struct arch arch_x86_64 = {
    .name = "x86_64",
    .emulations = emulations,
    .machine = EM_X86_64,
    .feature_1_and = 0xc0000002 /* GNU_PROPERTY_X86_FEATURE_1_AND */,
    .is64 = true,
    .is_rela = true,
    .page_size = 4096,
    .image_base = 0x400000,
    .tls_variant = 2,
    .nhowto = sizeof(howto) / sizeof(howto[0]),
    .howto = howto,
    .got_entsize = 8,
    .relative_type = R_X86_64_RELATIVE,
    .irelative_type = R_X86_64_IRELATIVE,
    .iplt_init_size = IPLT_INIT_SIZE,
    .write_iplt = x86_64_write_iplt,
    .iplt_pic = true,
    .scan_relocs = scan_relocs,
    .apply_relocs = apply_relocs,
    .relax_before = 4, /* TLS GD: the data16 lea before the field */
    .relax_after = 12, /* ... and the call after it */
    .apply_nonalloc_relocs = apply_nonalloc_part,
    .is_call_reloc = is_call_reloc,
};

/* .eh_frame and .eh_frame_hdr. Each input .eh_frame is split into its CIE
 * and FDE records; an FDE whose function lives in a discarded section
 * (a losing COMDAT copy) is dropped, as are zero terminators (one is written
 * at the very end). Records keep their input order, so the output is
 * deterministic. Relocations are applied through the record map
 * (isec_out_offset). After .eh_frame is written and relocated, the binary
 * search table of .eh_frame_hdr is built from the output itself. Runs after
 * resolve; layout uses the new sizes. */
#include "ld/ld.h"
#include <stdlib.h>

/* One record; offsets fit 32 bits: a larger .eh_frame is refused. */
struct ehrec {
  uint32_t in_off, size;
  uint32_t out_off; /* DROPPED when dropped */
  uint32_t cie_in;  /* FDE: input offset of its CIE */
  bool is_cie;
};

#define DROPPED UINT32_MAX

static void parse_one(struct isec *isec) {
  const uint8_t *d = isec->data;
  uint64_t n = isec->size, off = 0;
  if (n >= DROPPED) {
    error("%s:(%s): .eh_frame of 4 GiB or more is not supported", isec->file->name, isec->name);
    return;
  }
  /* counted first (the lengths only; checked below), then sized exactly:
   * a -ffunction-sections object has an FDE per function */
  uint32_t cap = 0;
  for (uint64_t o = 0; n - o >= 4 && cap < UINT32_MAX; cap++) {
    uint64_t len = rd32(d + o);
    if (len > n - o - 4)
      break;
    o += len + 4;
  }
  struct ehrec *recs = xalloc((cap + 1) * sizeof(*recs));
  uint32_t nrec = 0;
  while (off < n) {
    if (n - off < 4) {
      error("%s:(%s+0x%llx): truncated .eh_frame record", isec->file->name, isec->name,
            (unsigned long long)off);
      return;
    }
    uint64_t len = rd32(d + off);
    if (len == 0xffffffff) {
      error("%s:(%s+0x%llx): 64-bit .eh_frame records are not supported", isec->file->name,
            isec->name, (unsigned long long)off);
      return;
    }
    if (len > n - off - 4 || (len && len < 4)) {
      error("%s:(%s+0x%llx): .eh_frame record extends past the section", isec->file->name,
            isec->name, (unsigned long long)off);
      return;
    }
    struct ehrec *r = &recs[nrec++];
    r->in_off = (uint32_t)off;
    r->size = (uint32_t)(len + 4);
    r->out_off = 0;
    r->is_cie = len == 0 ? false : rd32(d + off + 4) == 0;
    r->cie_in = 0;
    if (len == 0) {
      r->out_off = DROPPED; /* terminator */
    } else if (!r->is_cie) {
      uint32_t ptr = rd32(d + off + 4);
      if (ptr > off + 4) {
        error("%s:(%s+0x%llx): FDE points before the start of .eh_frame", isec->file->name,
              isec->name, (unsigned long long)off);
        return;
      }
      r->cie_in = (uint32_t)(off + 4 - ptr);
    }
    off += len + 4;
  }

  /* An FDE is live when its first relocation (pc_begin) targets a live section. */
  uint32_t nrels = isec_nrels(isec), ri = 0;
  for (uint32_t k = 0; k < nrec; k++) {
    struct ehrec *r = &recs[k];
    if (r->is_cie || r->out_off == DROPPED)
      continue;
    struct rel rel;
    bool found = false;
    while (ri < nrels) {
      get_rel(isec, ri, &rel);
      if (rel.offset >= r->in_off + 8) {
        found = rel.offset < r->in_off + r->size;
        break;
      }
      ri++;
    }
    if (!found || rel.sym >= isec->file->nsyms) {
      r->out_off = DROPPED;
      continue;
    }
    struct symbol *sym = isec->file->syms[rel.sym];
    bool live = sym->kind == SYM_DEFINED && sym->isec && sym->isec->alive;
    if (!live && !sym->is_local && sym->kind == SYM_DEFINED && sym->isec)
      live = sym->isec->alive;
    if (!live)
      r->out_off = DROPPED;
  }

  uint64_t out = 0;
  uint32_t nfde = 0;
  for (uint32_t k = 0; k < nrec; k++) {
    if (recs[k].out_off == DROPPED)
      continue;
    recs[k].out_off = (uint32_t)out;
    out += recs[k].size;
    nfde += !recs[k].is_cie;
  }
  isec->eh = recs;
  isec->neh = nrec;
  isec->size = out;
  /* records are 4-byte aligned and as long: with the input's alignment (8
   * on 64-bit targets) a section that lost an FDE would be followed by
   * zero padding, which readers of .eh_frame take for its end */
  if (isec->addralign > 4)
    isec->addralign = 4;
  atomic_fetch_add((atomic_uint *)&ctx.neh_fdes, nfde);
}

static void parse_file(void *arg, int64_t i) {
  struct objfile *f = ((struct objfile **)arg)[i];
  for (size_t k = 0; k < f->ehframes.n; k++) {
    struct isec *isec = f->ehframes.v[k];
    if (isec->alive && isec->data)
      parse_one(isec);
  }
}

void parse_eh_frames(void) {
  parallel_for((int64_t)ctx.live.n, parse_file, ctx.live.v);
  check_errors();
  /* the inputs are now aligned to 4 (parse_one); the section keeps the
   * word alignment compilers give them */
  uint32_t word = ctx.arch->is64 ? 8 : 4;
  if (ctx.ehframe && ctx.ehframe->align < word)
    ctx.ehframe->align = word;
}

static struct ehrec *find_rec(const struct isec *isec, uint64_t off) {
  uint32_t lo = 0, hi = isec->neh;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (isec->eh[mid].in_off + isec->eh[mid].size <= off)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < isec->neh && off >= isec->eh[lo].in_off ? &isec->eh[lo] : NULL;
}

uint64_t isec_out_offset(const struct isec *isec, uint64_t off, bool *dead) {
  *dead = false;
  if (!isec->eh)
    return off;
  struct ehrec *r = find_rec(isec, off);
  if (!r) {
    /* the end of the section (an empty .eh_frame has no records) */
    const struct ehrec *last = isec->neh ? &isec->eh[isec->neh - 1] : NULL;
    *dead = off != (last ? (uint64_t)last->in_off + last->size : 0);
    return isec->size;
  }
  if (r->out_off == DROPPED) {
    *dead = true;
    return 0;
  }
  return r->out_off + (off - r->in_off);
}

/* A record of .eh_frame moves when records before it are dropped, and
 * isec->size is then the output's: the bounds are checked where it went. */
bool reloc_place(const struct isec *isec, uint64_t in, uint32_t size, uint64_t *off) {
  uint64_t o = in;
  if (isec->eh) {
    bool dead;
    o = isec_out_offset(isec, in, &dead);
    if (dead)
      return false;
  }
  if (o > isec->size || isec->size - o < size)
    return false;
  *off = o;
  return true;
}

/* Copies the live records of one input .eh_frame, fixing CIE pointers. */
void write_eh_frame_isec(struct isec *isec, uint8_t *buf) {
  for (uint32_t k = 0; k < isec->neh; k++) {
    struct ehrec *r = &isec->eh[k];
    if (r->out_off == DROPPED)
      continue;
    memcpy(buf + r->out_off, isec->data + r->in_off, r->size);
    if (!r->is_cie) {
      struct ehrec *cie = find_rec(isec, r->cie_in);
      if (!cie || !cie->is_cie || cie->in_off != r->cie_in || cie->out_off == DROPPED) {
        error("%s:(%s+0x%llx): FDE does not point to a CIE", isec->file->name, isec->name,
              (unsigned long long)r->in_off);
        continue;
      }
      wr32(buf + r->out_off + 4, (uint32_t)(r->out_off + 4 - cie->out_off));
    }
  }
}

/* ---- .eh_frame_hdr ---- */

/* A ULEB128 that is only skipped (a truncated one stops at end, and the
 * checks after it see that). */
static void skip_uleb(const uint8_t **p, const uint8_t *end) {
  uint64_t v;
  read_uleb(p, end, &v);
}

/* Reads a DW_EH_PE-encoded pointer at p (address addr). */
static bool read_encoded(uint8_t enc, const uint8_t *p, const uint8_t *end, uint64_t addr,
                         uint64_t *out) {
  uint64_t v;
  switch (enc & 0x0f) {
  case 0x00: /* absptr */
    if (ctx.arch->is64) {
      if (end - p < 8)
        return false;
      v = rd64(p);
    } else {
      if (end - p < 4)
        return false;
      v = rd32(p);
    }
    break;
  case 0x03:
    if (end - p < 4)
      return false;
    v = rd32(p);
    break;
  case 0x0b:
    if (end - p < 4)
      return false;
    v = (uint64_t)(int64_t)(int32_t)rd32(p);
    break;
  case 0x04:
  case 0x0c:
    if (end - p < 8)
      return false;
    v = rd64(p);
    break;
  case 0x02:
    if (end - p < 2)
      return false;
    v = rd16(p);
    break;
  case 0x0a:
    if (end - p < 2)
      return false;
    v = (uint64_t)(int64_t)(int16_t)rd16(p);
    break;
  default:
    return false;
  }
  switch (enc & 0x70) {
  case 0x00:
    break;
  case 0x10:
    v += addr;
    break;
  default:
    return false;
  }
  if (!ctx.arch->is64)
    v &= 0xffffffff;
  *out = v;
  return true;
}

/* The FDE pointer encoding from a CIE's augmentation ('R'), absptr if none. */
static uint8_t cie_fde_encoding(const uint8_t *cie, const uint8_t *end) {
  const uint8_t *p = cie + 8; /* length, id, version */
  if (p >= end)
    return 0;
  uint8_t version = cie[8];
  p = cie + 9;
  const char *aug = (const char *)p;
  while (p < end && *p)
    p++;
  if (p >= end)
    return 0;
  p++;
  if (aug[0] == 'e' && aug[1] == 'h')
    p += ctx.arch->is64 ? 8 : 4;
  skip_uleb(&p, end); /* code alignment */
  skip_uleb(&p, end); /* data alignment (sleb, same length) */
  if (version == 1)
    p++;
  else
    skip_uleb(&p, end);
  if (aug[0] != 'z')
    return 0;
  skip_uleb(&p, end); /* augmentation length */
  for (const char *a = aug + 1; *a && p < end; a++) {
    switch (*a) {
    case 'R':
      return *p;
    case 'L':
      p++;
      break;
    case 'P': {
      uint8_t enc = *p++;
      int sz = (enc & 0x0f) == 0x00 ? (ctx.arch->is64 ? 8 : 4)
               : (enc & 0x07) == 0x02 ? 2
               : (enc & 0x07) == 0x03 ? 4
               : (enc & 0x07) == 0x04 ? 8 : 0;
      p += sz; /* DW_EH_PE_indirect does not change the size */
      break;
    }
    case 'S':
    case 'B':
      break;
    default:
      return 0;
    }
  }
  return 0;
}

struct hdr_entry {
  int32_t pc, fde;
};

static int cmp_entry(const void *a, const void *b) {
  const struct hdr_entry *x = a, *y = b;
  return x->pc < y->pc ? -1 : x->pc > y->pc;
}

/* The table is built from the output, a member (an input .eh_frame, whole
 * records) at a time, in parallel: its FDEs are decoded into its own
 * stretch of the table, one entry per record it had in the input (no more
 * FDEs can go out), and the table is closed up behind them. A
 * -ffunction-sections link has an FDE per function (130k on synth-medium). */
struct hdr_part {
  uint32_t first, cap, n; /* ents[first, first + n) of the cap reserved */
  bool sorted;
};

struct hdr_job {
  const struct osec *eh, *hdr;
  struct hdr_entry *ents;
  struct hdr_part *parts;
  uint32_t n; /* the table's length, once closed up */
};

static void decode_fdes(void *arg, int64_t i) {
  struct hdr_job *j = arg;
  struct hdr_part *part = &j->parts[i];
  const uint8_t *base = ctx.out + j->eh->offset, *send = base + j->eh->size;
  const struct isec *m = j->eh->members.v[i];
  const uint8_t *p = base + m->out_off, *end = p + m->size;
  struct hdr_entry *ents = j->ents + part->first;
  const uint8_t *last_cie = NULL;
  uint8_t enc = 0;
  uint32_t n = 0;
  bool sorted = true;
  while (end - p >= 8 && n < part->cap) {
    uint32_t len = rd32(p);
    if (len == 0 || (uint64_t)(end - p) - 4 < len)
      break;
    const uint8_t *next = p + 4 + len;
    uint32_t id = rd32(p + 4);
    if (id != 0) {
      const uint8_t *cie = p + 4 - id;
      uint64_t pc;
      uint64_t addr = j->eh->addr + (uint64_t)(p + 8 - base);
      if (cie >= base && cie != last_cie) /* FDEs mostly share their file's CIE */
        last_cie = cie, enc = cie_fde_encoding(cie, send);
      if (cie == last_cie && read_encoded(enc, p + 8, next, addr, &pc)) {
        ents[n].pc = (int32_t)(pc - j->hdr->addr);
        ents[n].fde = (int32_t)(j->eh->addr + (uint64_t)(p - base) - j->hdr->addr);
        sorted &= n == 0 || cmp_entry(&ents[n - 1], &ents[n]) <= 0;
        n++;
      }
    }
    p = next;
  }
  part->n = n;
  part->sorted = sorted;
}

enum { HDR_SLICE = 8192 };

static void write_slice(void *arg, int64_t i) {
  const struct hdr_job *j = arg;
  uint8_t *out = ctx.out + j->hdr->offset + 12;
  for (uint32_t k = (uint32_t)i * HDR_SLICE; k < j->n && k < (uint32_t)(i + 1) * HDR_SLICE; k++) {
    wr32(out + 8 * (uint64_t)k, (uint32_t)j->ents[k].pc);
    wr32(out + 8 * (uint64_t)k + 4, (uint32_t)j->ents[k].fde);
  }
}

void write_eh_frame_hdr(void) {
  struct osec *hdr = ctx.ehframe_hdr, *eh = ctx.ehframe;
  if (!hdr || !hdr->shndx)
    return;
  size_t nm = eh->members.n;
  struct hdr_job j = {eh, hdr, NULL, xcalloc(nm ? nm : 1, sizeof(struct hdr_part)), 0};
  uint64_t cap = 0; /* neh is 0 for a section the pass did not split (the terminator) */
  for (size_t i = 0; i < nm; i++) {
    j.parts[i].first = (uint32_t)cap;
    j.parts[i].cap = ((const struct isec *)eh->members.v[i])->neh;
    cap += j.parts[i].cap;
  }
  j.ents = xrealloc(NULL, (cap ? cap : 1) * sizeof(struct hdr_entry));
  parallel_for((int64_t)nm, decode_fdes, &j);
  /* close up what was not decoded; sorted if every stretch is and they
   * follow each other (FDEs follow their functions, so they mostly are) */
  uint32_t n = 0;
  bool sorted = true;
  for (size_t i = 0; i < nm; i++) {
    struct hdr_part *part = &j.parts[i];
    if (!part->n)
      continue;
    if (part->first != n)
      memmove(j.ents + n, j.ents + part->first, part->n * sizeof(struct hdr_entry));
    sorted &= part->sorted && (n == 0 || cmp_entry(&j.ents[n - 1], &j.ents[n]) <= 0);
    n += part->n;
  }
  if (!sorted)
    qsort(j.ents, n, sizeof(*j.ents), cmp_entry);
  uint8_t *out = ctx.out + hdr->offset;
  out[0] = 1;    /* version */
  out[1] = 0x1b; /* eh_frame_ptr: pcrel sdata4 */
  out[2] = 0x03; /* fde_count: udata4 */
  out[3] = 0x3b; /* table: datarel sdata4 */
  wr32(out + 4, (uint32_t)(eh->addr - (hdr->addr + 4)));
  wr32(out + 8, n);
  /* Space reserved for FDEs that could not be decoded stays zero; shrink the count. */
  j.n = n;
  parallel_for((int64_t)((n + HDR_SLICE - 1) / HDR_SLICE), write_slice, &j);
  xfree(j.ents);
  xfree(j.parts);
}

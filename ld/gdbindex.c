/* --gdb-index: a .gdb_index section (version 7, the format gdb's own
 * "save gdb-index" writes and lld and mold make), which gdb reads at
 * start-up instead of indexing the DWARF itself: the list of units of
 * .debug_info, the address ranges of each, and a hash table of the names
 * the compiler listed in .debug_gnu_pubnames and .debug_gnu_pubtypes
 * (gcc and clang with -ggnu-pubnames, or -gsplit-dwarf), each with the
 * units that have it and what it is there (function, variable, type;
 * global or static). A unit without those tables is listed with its
 * addresses and no names, as lld does (gdb then reads it when a lookup by
 * address leads there); a link where no unit has them gets no index, with
 * a warning, since gdb has nothing to gain from one.
 *
 * Runs after addresses are final and before debug compression: it reads
 * the inputs' debug sections relocated as the output holds them (whole for
 * the small ones: .debug_abbrev, .debug_addr, .debug_ranges and
 * .debug_rnglists; the name tables member by member; of .debug_info only
 * each unit's header and first entry), files in parallel, and its size
 * then places the non-allocated sections again. The names are merged in
 * a fixed number of shards, each in input order, so the bytes do not
 * depend on the thread count.
 *
 * Format: https://sourceware.org/gdb/onlinedocs/gdb/Index-Section-Format.html */
#include "ld/ld.h"
#include <stdlib.h>
#include <xxhash.h>

enum { GDB_INDEX_VERSION = 7, DIE_WINDOW = 1024 };

/* DWARF 5 (and the GNU extensions gcc writes for DWARF 4 -gsplit-dwarf):
 * the unit types, attributes, forms and range list entries read here */
enum {
  DW_UT_compile = 1, DW_UT_type = 2, DW_UT_skeleton = 4, DW_UT_split_compile = 5,
  DW_UT_split_type = 6,
};
enum {
  DW_AT_low_pc = 0x11, DW_AT_high_pc = 0x12, DW_AT_ranges = 0x55, DW_AT_addr_base = 0x73,
  DW_AT_rnglists_base = 0x74, DW_AT_GNU_addr_base = 0x2133,
};
enum {
  DW_FORM_addr = 0x01, DW_FORM_block2 = 0x03, DW_FORM_block4 = 0x04, DW_FORM_data2 = 0x05,
  DW_FORM_data4 = 0x06, DW_FORM_data8 = 0x07, DW_FORM_string = 0x08, DW_FORM_block = 0x09,
  DW_FORM_block1 = 0x0a, DW_FORM_data1 = 0x0b, DW_FORM_flag = 0x0c, DW_FORM_sdata = 0x0d,
  DW_FORM_strp = 0x0e, DW_FORM_udata = 0x0f, DW_FORM_ref_addr = 0x10, DW_FORM_ref1 = 0x11,
  DW_FORM_ref2 = 0x12, DW_FORM_ref4 = 0x13, DW_FORM_ref8 = 0x14, DW_FORM_ref_udata = 0x15,
  DW_FORM_indirect = 0x16, DW_FORM_sec_offset = 0x17, DW_FORM_exprloc = 0x18,
  DW_FORM_flag_present = 0x19, DW_FORM_strx = 0x1a, DW_FORM_addrx = 0x1b,
  DW_FORM_ref_sup4 = 0x1c, DW_FORM_strp_sup = 0x1d, DW_FORM_data16 = 0x1e,
  DW_FORM_line_strp = 0x1f, DW_FORM_ref_sig8 = 0x20, DW_FORM_implicit_const = 0x21,
  DW_FORM_loclistx = 0x22, DW_FORM_rnglistx = 0x23, DW_FORM_ref_sup8 = 0x24,
  DW_FORM_strx1 = 0x25, DW_FORM_strx2 = 0x26, DW_FORM_strx3 = 0x27, DW_FORM_strx4 = 0x28,
  DW_FORM_addrx1 = 0x29, DW_FORM_addrx2 = 0x2a, DW_FORM_addrx3 = 0x2b, DW_FORM_addrx4 = 0x2c,
  DW_FORM_GNU_addr_index = 0x1f01, DW_FORM_GNU_str_index = 0x1f02, DW_FORM_GNU_ref_alt = 0x1f20,
  DW_FORM_GNU_strp_alt = 0x1f21,
};
enum {
  DW_RLE_end_of_list, DW_RLE_base_addressx, DW_RLE_startx_endx, DW_RLE_startx_length,
  DW_RLE_offset_pair, DW_RLE_base_address, DW_RLE_start_end, DW_RLE_start_length,
};

/* ---- DWARF, read from bytes as the output holds them ---- */

/* A cursor over [p, end); `bad` once a read would pass end. */
struct dw {
  const uint8_t *p, *end;
  bool bad;
};

static uint64_t dw_fixed(struct dw *d, unsigned n) {
  if (d->bad || (size_t)(d->end - d->p) < n) {
    d->bad = true;
    return 0;
  }
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++)
    v |= (uint64_t)d->p[i] << (8 * i);
  d->p += n;
  return v;
}

static uint64_t dw_uleb(struct dw *d) {
  uint64_t v = 0;
  if (!d->bad && !read_uleb(&d->p, d->end, &v))
    d->bad = true;
  return v;
}

static void dw_skip(struct dw *d, uint64_t n) {
  if (d->bad || (uint64_t)(d->end - d->p) < n)
    d->bad = true;
  else
    d->p += n;
}

/* A NUL-terminated string at the cursor; its length in *len. */
static const char *dw_cstr(struct dw *d, size_t *len) {
  const uint8_t *nul = d->bad ? NULL : memchr(d->p, 0, (size_t)(d->end - d->p));
  if (!nul) {
    d->bad = true;
    return NULL;
  }
  const char *s = (const char *)d->p;
  *len = (size_t)(nul - d->p);
  d->p = nul + 1;
  return s;
}

/* A unit's length field: the unit's size after it, and 4 or 8 for the
 * offsets inside (the 64-bit DWARF format); 0 for a reserved length. */
static uint64_t dw_length(struct dw *d, uint8_t *off_size) {
  uint64_t len = dw_fixed(d, 4);
  *off_size = 4;
  if (len == 0xffffffff) {
    *off_size = 8;
    return dw_fixed(d, 8);
  }
  return len >= 0xfffffff0 ? (d->bad = true, 0) : len;
}

bool dw_unit_header(const uint8_t *p, uint64_t avail, struct dw_unit *u, const char **why) {
  struct dw d = {p, p + avail, false};
  uint64_t len = dw_length(&d, &u->off_size);
  if (d.bad) {
    *why = "unit length runs past the section";
    return false;
  }
  u->size = (uint64_t)(d.p - p) + len;
  if (u->size > avail) {
    *why = "unit length runs past the section";
    return false;
  }
  d.end = p + u->size;
  u->version = (uint16_t)dw_fixed(&d, 2);
  if (u->version < 2 || u->version > 5) {
    *why = "unknown DWARF version";
    return false;
  }
  if (u->version == 5) {
    u->unit_type = (uint8_t)dw_fixed(&d, 1);
    u->addr_size = (uint8_t)dw_fixed(&d, 1);
    u->abbrev_off = dw_fixed(&d, u->off_size);
    if (u->unit_type == DW_UT_skeleton || u->unit_type == DW_UT_split_compile)
      dw_skip(&d, 8); /* dwo id */
    else if (u->unit_type == DW_UT_type || u->unit_type == DW_UT_split_type)
      dw_skip(&d, 8 + u->off_size); /* signature, type offset */
  } else {
    u->unit_type = DW_UT_compile;
    u->abbrev_off = dw_fixed(&d, u->off_size);
    u->addr_size = (uint8_t)dw_fixed(&d, 1);
  }
  if (d.bad) {
    *why = "unit header runs past the unit";
    return false;
  }
  if (u->addr_size != 4 && u->addr_size != 8) {
    *why = "address size is neither 4 nor 8";
    return false;
  }
  u->die_off = (uint64_t)(d.p - p);
  return true;
}

/* Reads one attribute value of `form`: numbers and offsets in *val, the
 * rest skipped. False for a form no DWARF version defines. */
static bool dw_form(struct dw *d, uint64_t form, const struct dw_unit *u, int64_t implicit,
                    uint64_t *val) {
  size_t len;
  *val = 0;
  switch (form) {
  case DW_FORM_addr:
    *val = dw_fixed(d, u->addr_size);
    return true;
  case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag: case DW_FORM_strx1:
  case DW_FORM_addrx1:
    *val = dw_fixed(d, 1);
    return true;
  case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2: case DW_FORM_addrx2:
    *val = dw_fixed(d, 2);
    return true;
  case DW_FORM_strx3: case DW_FORM_addrx3:
    *val = dw_fixed(d, 3);
    return true;
  case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_strx4: case DW_FORM_addrx4:
  case DW_FORM_ref_sup4:
    *val = dw_fixed(d, 4);
    return true;
  case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8:
    *val = dw_fixed(d, 8);
    return true;
  case DW_FORM_data16:
    dw_skip(d, 16);
    return true;
  case DW_FORM_strp: case DW_FORM_line_strp: case DW_FORM_sec_offset: case DW_FORM_strp_sup:
  case DW_FORM_GNU_ref_alt: case DW_FORM_GNU_strp_alt:
    *val = dw_fixed(d, u->off_size);
    return true;
  case DW_FORM_ref_addr:
    *val = dw_fixed(d, u->version == 2 ? u->addr_size : u->off_size);
    return true;
  case DW_FORM_sdata: case DW_FORM_udata: case DW_FORM_ref_udata: case DW_FORM_strx:
  case DW_FORM_addrx: case DW_FORM_loclistx: case DW_FORM_rnglistx: case DW_FORM_GNU_addr_index:
  case DW_FORM_GNU_str_index:
    *val = dw_uleb(d); /* an sdata's value is not needed, only its length */
    return true;
  case DW_FORM_string:
    dw_cstr(d, &len);
    return true;
  case DW_FORM_block1:
    dw_skip(d, dw_fixed(d, 1));
    return true;
  case DW_FORM_block2:
    dw_skip(d, dw_fixed(d, 2));
    return true;
  case DW_FORM_block4:
    dw_skip(d, dw_fixed(d, 4));
    return true;
  case DW_FORM_block: case DW_FORM_exprloc:
    dw_skip(d, dw_uleb(d));
    return true;
  case DW_FORM_flag_present:
    *val = 1;
    return true;
  case DW_FORM_implicit_const:
    *val = (uint64_t)implicit;
    return true;
  case DW_FORM_indirect:
    return dw_form(d, dw_uleb(d), u, implicit, val);
  default:
    return false;
  }
}

static int64_t dw_sleb(struct dw *d) {
  int64_t v = 0;
  unsigned shift = 0;
  uint8_t b = 0x80;
  while ((b & 0x80) && !d->bad) {
    if (d->p >= d->end) {
      d->bad = true;
      break;
    }
    b = *d->p++;
    if (shift < 64)
      v |= (int64_t)((uint64_t)(b & 0x7f) << shift);
    shift += 7;
  }
  if (shift < 64 && (b & 0x40))
    v |= (int64_t)(~0ULL << shift);
  return v;
}

static bool is_data_form(uint64_t form) {
  switch (form) {
  case DW_FORM_data1: case DW_FORM_data2: case DW_FORM_data4: case DW_FORM_data8:
  case DW_FORM_udata: case DW_FORM_sdata: case DW_FORM_implicit_const:
    return true;
  default:
    return false;
  }
}

static bool is_addrx_form(uint64_t form) {
  switch (form) {
  case DW_FORM_addrx: case DW_FORM_addrx1: case DW_FORM_addrx2: case DW_FORM_addrx3:
  case DW_FORM_addrx4: case DW_FORM_GNU_addr_index:
    return true;
  default:
    return false;
  }
}

bool dw_cu_die(const uint8_t *die, uint64_t avail, const struct dw_unit *u,
               const uint8_t *abbrev, uint64_t abbrev_size, struct dw_cu *cu,
               const char **why) {
  *cu = (struct dw_cu){0};
  struct dw d = {die, die + avail, false};
  uint64_t code = dw_uleb(&d);
  if (d.bad || !code) {
    *why = d.bad ? "the unit's first entry runs past the unit" : "the unit has no entry";
    return false;
  }
  if (u->abbrev_off >= abbrev_size) {
    *why = "abbreviation offset past .debug_abbrev";
    return false;
  }
  /* the abbreviation declaring `code` */
  struct dw a = {abbrev + u->abbrev_off, abbrev + abbrev_size, false};
  for (;;) {
    uint64_t c = dw_uleb(&a);
    if (a.bad || !c) {
      *why = "the unit's first entry has no abbreviation";
      return false;
    }
    dw_uleb(&a); /* tag */
    dw_skip(&a, 1); /* children */
    if (c == code)
      break;
    for (uint64_t at = 1, form = 1; (at || form) && !a.bad;) {
      at = dw_uleb(&a), form = dw_uleb(&a);
      if (form == DW_FORM_implicit_const)
        dw_sleb(&a);
    }
  }
  for (;;) {
    uint64_t at = dw_uleb(&a), form = dw_uleb(&a);
    int64_t implicit = form == DW_FORM_implicit_const ? dw_sleb(&a) : 0;
    if (a.bad) {
      *why = "abbreviation runs past .debug_abbrev";
      return false;
    }
    if (!at && !form)
      break;
    uint64_t v;
    if (!dw_form(&d, form, u, implicit, &v)) {
      *why = "unknown attribute form";
      return false;
    }
    switch (at) {
    case DW_AT_low_pc:
      cu->has_low = true, cu->low = v, cu->low_index = is_addrx_form(form);
      break;
    case DW_AT_high_pc:
      cu->has_high = true, cu->high = v, cu->high_is_size = is_data_form(form);
      break;
    case DW_AT_ranges:
      cu->has_ranges = true, cu->ranges = v, cu->ranges_index = form == DW_FORM_rnglistx;
      break;
    case DW_AT_addr_base:
    case DW_AT_GNU_addr_base:
      cu->has_addr_base = true, cu->addr_base = v;
      break;
    case DW_AT_rnglists_base:
      cu->has_rnglists_base = true, cu->rnglists_base = v;
      break;
    }
  }
  if (d.bad) {
    *why = "the unit's first entry runs past the unit";
    return false;
  }
  return true;
}

/* Entry `index` of .debug_addr from the unit's base; false if outside. */
static bool dw_addrx(const struct dw_sections *s, const struct dw_unit *u,
                     const struct dw_cu *cu, uint64_t index, uint64_t *addr) {
  if (!cu->has_addr_base || !s->addr)
    return false;
  uint64_t at = cu->addr_base + index * u->addr_size;
  if (at < cu->addr_base || at > s->addr_size || s->addr_size - at < u->addr_size)
    return false;
  struct dw d = {s->addr + at, s->addr + s->addr_size, false};
  *addr = dw_fixed(&d, u->addr_size);
  return true;
}

static void add_range(struct dw_ranges *out, uint64_t lo, uint64_t hi) {
  if (lo >= hi)
    return;
  if (out->n == out->cap) {
    out->cap = out->cap ? 2 * out->cap : 8;
    out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
  }
  out->v[out->n++] = (struct dw_range){lo, hi};
}

/* A DWARF 2-4 range list in .debug_ranges: address pairs, relative to
 * the base (the unit's low_pc, or a base selection entry), ending in 0, 0. */
static bool ranges_v4(const struct dw_sections *s, const struct dw_unit *u, uint64_t off,
                      uint64_t base, struct dw_ranges *out, const char **why) {
  if (!s->ranges || off >= s->ranges_size) {
    *why = "DW_AT_ranges past .debug_ranges";
    return false;
  }
  uint64_t max = u->addr_size == 8 ? UINT64_MAX : UINT32_MAX;
  struct dw d = {s->ranges + off, s->ranges + s->ranges_size, false};
  for (;;) {
    uint64_t a = dw_fixed(&d, u->addr_size), b = dw_fixed(&d, u->addr_size);
    if (d.bad) {
      *why = "range list runs past .debug_ranges";
      return false;
    }
    if (!a && !b)
      return true;
    if (a == max)
      base = b;
    else
      add_range(out, base + a, base + b);
  }
}

/* A DWARF 5 range list in .debug_rnglists. */
static bool ranges_v5(const struct dw_sections *s, const struct dw_unit *u,
                      const struct dw_cu *cu, uint64_t off, uint64_t base,
                      struct dw_ranges *out, const char **why) {
  if (!s->rnglists || off >= s->rnglists_size) {
    *why = "DW_AT_ranges past .debug_rnglists";
    return false;
  }
  struct dw d = {s->rnglists + off, s->rnglists + s->rnglists_size, false};
  for (;;) {
    uint8_t kind = (uint8_t)dw_fixed(&d, 1);
    uint64_t a = 0, b = 0;
    bool ok = true, is_base = false;
    switch (kind) {
    case DW_RLE_end_of_list:
      if (!d.bad)
        return true;
      break;
    case DW_RLE_base_addressx:
      ok = dw_addrx(s, u, cu, dw_uleb(&d), &base);
      is_base = true;
      break;
    case DW_RLE_startx_endx:
      a = dw_uleb(&d), b = dw_uleb(&d);
      ok = dw_addrx(s, u, cu, a, &a) && dw_addrx(s, u, cu, b, &b);
      break;
    case DW_RLE_startx_length:
      a = dw_uleb(&d), b = dw_uleb(&d);
      ok = dw_addrx(s, u, cu, a, &a);
      b += a;
      break;
    case DW_RLE_offset_pair:
      a = base + dw_uleb(&d), b = base + dw_uleb(&d);
      break;
    case DW_RLE_base_address:
      base = dw_fixed(&d, u->addr_size);
      is_base = true;
      break;
    case DW_RLE_start_end:
      a = dw_fixed(&d, u->addr_size), b = dw_fixed(&d, u->addr_size);
      break;
    case DW_RLE_start_length:
      a = dw_fixed(&d, u->addr_size);
      b = a + dw_uleb(&d);
      break;
    default:
      *why = "unknown range list entry";
      return false;
    }
    if (d.bad) {
      *why = "range list runs past .debug_rnglists";
      return false;
    }
    if (!ok) {
      *why = "range list entry names no .debug_addr entry";
      return false;
    }
    if (!is_base)
      add_range(out, a, b);
  }
}

bool dw_cu_ranges(const struct dw_sections *s, const struct dw_unit *u, const struct dw_cu *cu,
                  struct dw_ranges *out, const char **why) {
  uint64_t low = cu->low;
  if (cu->has_low && cu->low_index && !dw_addrx(s, u, cu, cu->low, &low)) {
    *why = "DW_AT_low_pc names no .debug_addr entry";
    return false;
  }
  if (!cu->has_low)
    low = 0;
  if (cu->has_ranges) {
    if (u->version < 5)
      return ranges_v4(s, u, cu->ranges, low, out, why);
    uint64_t off = cu->ranges;
    if (cu->ranges_index) {
      /* an offset from the table's offsets array, relative to the base */
      uint64_t at = cu->rnglists_base + cu->ranges * u->off_size;
      if (!cu->has_rnglists_base || !s->rnglists || at > s->rnglists_size ||
          s->rnglists_size - at < u->off_size) {
        *why = "DW_FORM_rnglistx names no .debug_rnglists entry";
        return false;
      }
      struct dw d = {s->rnglists + at, s->rnglists + s->rnglists_size, false};
      off = cu->rnglists_base + dw_fixed(&d, u->off_size);
    }
    return ranges_v5(s, u, cu, off, low, out, why);
  }
  if (cu->has_low && cu->has_high)
    add_range(out, low, cu->high_is_size ? low + cu->high : cu->high);
  return true;
}

bool dw_pubnames(const uint8_t *p, uint64_t size, uint64_t *bad_off,
                 void (*fn)(void *arg, uint64_t info_off, uint8_t flags, const char *name,
                            size_t len),
                 void *arg, const char **why) {
  const uint8_t *end = p + size;
  for (const uint8_t *set = p; set < end;) {
    *bad_off = (uint64_t)(set - p);
    struct dw d = {set, end, false};
    uint8_t off_size;
    uint64_t len = dw_length(&d, &off_size);
    if (d.bad || len > (uint64_t)(end - d.p)) {
      *why = "name table length runs past the section";
      return false;
    }
    d.end = d.p + len;
    uint16_t version = (uint16_t)dw_fixed(&d, 2);
    uint64_t info_off = dw_fixed(&d, off_size);
    dw_fixed(&d, off_size); /* the unit's size */
    if (d.bad || version != 2) {
      *why = d.bad ? "name table header runs past its end" : "name table version is not 2";
      return false;
    }
    for (;;) {
      *bad_off = (uint64_t)(d.p - p);
      uint64_t die = dw_fixed(&d, off_size);
      if (!die && !d.bad)
        break;
      uint8_t flags = (uint8_t)dw_fixed(&d, 1);
      size_t n = 0;
      const char *name = dw_cstr(&d, &n);
      if (d.bad) {
        *why = "name table entry runs past its end";
        return false;
      }
      fn(arg, info_off, flags, name, n);
    }
    set = d.end;
  }
  return true;
}

/* ---- the index, from plain arrays ---- */

uint32_t gdb_name_hash(const char *s, size_t n) {
  uint32_t r = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = (uint8_t)s[i];
    if (c >= 'A' && c <= 'Z')
      c += 'a' - 'A';
    r = r * 67 + c - 113;
  }
  return r;
}

/* The hash table's slots: a power of two above 4/3 of the names, at
 * least 1024, as lld sizes it. */
uint32_t gdb_table_size(size_t nsyms) {
  uint64_t want = (uint64_t)nsyms * 4 / 3, size = 1024;
  while (size <= want)
    size *= 2;
  return (uint32_t)size;
}

/* Names are merged in NSHARD shards by the top bits of their xxh3 key,
 * each on its own and in input order; the index lists each shard's
 * distinct names in order of first appearance, shard after shard. The
 * shard count is fixed, so the bytes do not depend on the threads. */
enum { SHARD_BITS = 6, NSHARD = 1 << SHARD_BITS };

uint32_t gdb_shard(uint64_t key) { return (uint32_t)(key >> (64 - SHARD_BITS)); }

/* A distinct name: its first entry, its hash, its unit vector (sorted,
 * without repeats) and where that and the name go in the constant pool. */
struct gsym {
  const char *name;
  uint32_t len, hash, nvals;
  uint32_t vec_off, name_off;
  uint32_t *vals;
  uint64_t key;
};

struct shard {
  const struct gdb_name *entries; /* its names' entries, in input order */
  uint32_t n;
  uint32_t *vals;    /* its symbols' unit vectors */
  struct gsym *syms;
  uint32_t nsyms;
};

struct merge {
  const struct gdb_name *names;
  struct shard *shards;
  uint8_t *pool;
};

/* v[0..n) sorted, without repeats; the new n. Most names have one or
 * two units: insertion sort. */
static uint32_t sort_unique(uint32_t *v, uint32_t n) {
  for (uint32_t k = 1; k < n; k++) {
    uint32_t x = v[k], j = k;
    for (; j > 0 && v[j - 1] > x; j--)
      v[j] = v[j - 1];
    v[j] = x;
  }
  uint32_t m = 0;
  for (uint32_t k = 0; k < n; k++)
    if (!m || v[m - 1] != v[k])
      v[m++] = v[k];
  return m;
}

static void merge_shard(void *arg, int64_t i) {
  struct merge *m = arg;
  struct shard *sh = &m->shards[i];
  uint32_t n = sh->n ? sh->n : 1;
  uint64_t mapsize = 16;
  while (mapsize < 2 * (uint64_t)sh->n)
    mapsize *= 2;
  uint32_t *map = xcalloc(mapsize, sizeof(uint32_t)); /* symbol + 1 */
  uint32_t *sym_of = xcalloc(n, sizeof(uint32_t)), *attr = xcalloc(n, sizeof(uint32_t));
  sh->syms = xcalloc(n, sizeof(struct gsym));
  for (uint32_t k = 0; k < sh->n; k++) {
    const struct gdb_name *e = &sh->entries[k];
    attr[k] = e->attr;
    for (uint64_t h = e->key & (mapsize - 1);; h = (h + 1) & (mapsize - 1)) {
      uint32_t s = map[h];
      if (!s) {
        map[h] = ++sh->nsyms;
        sh->syms[sh->nsyms - 1] =
            (struct gsym){.name = e->name, .len = e->len, .key = e->key};
        sym_of[k] = sh->nsyms - 1;
        break;
      }
      struct gsym *g = &sh->syms[s - 1];
      if (g->key == e->key && g->len == e->len && !memcmp(g->name, e->name, e->len)) {
        sym_of[k] = s - 1;
        break;
      }
    }
    sh->syms[sym_of[k]].nvals++;
  }
  xfree(map);
  /* each symbol's units: a slice of vals, filled in entry order */
  sh->vals = xcalloc(n, sizeof(uint32_t));
  uint32_t at = 0;
  for (uint32_t s = 0; s < sh->nsyms; s++) {
    struct gsym *g = &sh->syms[s];
    g->vals = sh->vals + at;
    at += g->nvals;
    g->nvals = 0;
    g->hash = gdb_name_hash(g->name, g->len);
  }
  for (uint32_t k = 0; k < sh->n; k++) {
    struct gsym *g = &sh->syms[sym_of[k]];
    g->vals[g->nvals++] = attr[k];
  }
  for (uint32_t s = 0; s < sh->nsyms; s++)
    sh->syms[s].nvals = sort_unique(sh->syms[s].vals, sh->syms[s].nvals);
  xfree(sym_of);
  xfree(attr);
}

static void write_shard(void *arg, int64_t i) {
  struct merge *m = arg;
  struct shard *sh = &m->shards[i];
  for (uint32_t s = 0; s < sh->nsyms; s++) {
    const struct gsym *g = &sh->syms[s];
    wr32(m->pool + g->vec_off, g->nvals);
    for (uint32_t k = 0; k < g->nvals; k++)
      wr32(m->pool + g->vec_off + 4 + 4 * (uint64_t)k, g->vals[k]);
    memcpy(m->pool + g->name_off, g->name, g->len);
  }
}

uint8_t *gdb_index_build(const struct gdb_unit *cus, uint32_t ncu, const struct gdb_addr *addrs,
                         size_t naddr, const struct gdb_name *names, size_t nnames,
                         uint64_t *size) {
  /* each shard's entries laid end to end (as the link gives them), so
   * that its merge reads them in order rather than every NSHARD-th of the
   * whole list */
  struct shard shards[NSHARD] = {0};
  bool grouped = true;
  for (size_t i = 0; i < nnames; i++) {
    uint64_t k = gdb_shard(names[i].key);
    grouped &= !i || gdb_shard(names[i - 1].key) <= k;
    shards[k].n++;
  }
  struct gdb_name *copy = grouped ? NULL : xcalloc(nnames, sizeof(*copy));
  uint64_t at = 0;
  for (int k = 0; k < NSHARD; k++) {
    shards[k].entries = (copy ? copy : names) + at;
    at += shards[k].n;
  }
  if (copy) {
    uint32_t fill[NSHARD] = {0};
    for (size_t i = 0; i < nnames; i++) {
      uint64_t k = gdb_shard(names[i].key);
      copy[shards[k].entries - copy + fill[k]++] = names[i];
    }
  }
  struct merge m = {names, shards, NULL};
  parallel_for(NSHARD, merge_shard, &m);

  /* the constant pool: every unit vector, then every name */
  uint64_t pool = 0, nsyms = 0;
  for (int k = 0; k < NSHARD; k++)
    for (uint32_t s = 0; s < shards[k].nsyms; s++, nsyms++) {
      shards[k].syms[s].vec_off = (uint32_t)pool;
      pool += 4 * (1 + (uint64_t)shards[k].syms[s].nvals);
    }
  for (int k = 0; k < NSHARD; k++)
    for (uint32_t s = 0; s < shards[k].nsyms; s++) {
      shards[k].syms[s].name_off = (uint32_t)pool;
      pool += shards[k].syms[s].len + 1;
    }
  uint32_t tsize = gdb_table_size(nsyms);
  uint64_t cu_off = 24, addr_off = cu_off + 16 * (uint64_t)ncu, tab_off = addr_off + 20 * naddr,
           pool_off = tab_off + 8 * (uint64_t)tsize;
  *size = pool_off + pool;
  if (*size > UINT32_MAX)
    fatal("--gdb-index: the index would be %llu bytes, more than its 32-bit offsets reach",
          (unsigned long long)*size);
  uint8_t *out = xcalloc(1, *size);
  wr32(out, GDB_INDEX_VERSION);
  wr32(out + 4, (uint32_t)cu_off);
  wr32(out + 8, (uint32_t)addr_off); /* no type units */
  wr32(out + 12, (uint32_t)addr_off);
  wr32(out + 16, (uint32_t)tab_off);
  wr32(out + 20, (uint32_t)pool_off);
  for (uint32_t i = 0; i < ncu; i++) {
    wr64(out + cu_off + 16 * (uint64_t)i, cus[i].off);
    wr64(out + cu_off + 16 * (uint64_t)i + 8, cus[i].len);
  }
  for (size_t i = 0; i < naddr; i++) {
    uint8_t *p = out + addr_off + 20 * i;
    wr64(p, addrs[i].lo);
    wr64(p + 8, addrs[i].hi);
    wr32(p + 16, addrs[i].cu);
  }
  /* gdb's open addressing: from hash & mask, by an odd step */
  uint32_t mask = tsize - 1;
  uint8_t *tab = out + tab_off;
  for (int k = 0; k < NSHARD; k++)
    for (uint32_t s = 0; s < shards[k].nsyms; s++) {
      const struct gsym *g = &shards[k].syms[s];
      uint32_t slot = g->hash & mask, step = ((g->hash * 17) & mask) | 1;
      while (rd32(tab + 8 * (uint64_t)slot) || rd32(tab + 8 * (uint64_t)slot + 4))
        slot = (slot + step) & mask;
      wr32(tab + 8 * (uint64_t)slot, g->name_off);
      wr32(tab + 8 * (uint64_t)slot + 4, g->vec_off);
    }
  m.pool = out + pool_off;
  parallel_for(NSHARD, write_shard, &m);
  for (int k = 0; k < NSHARD; k++) {
    xfree(shards[k].vals);
    xfree(shards[k].syms);
  }
  xfree(copy);
  return out;
}

/* ---- the link's index ---- */

static struct osec *debug_osec(const char *name) {
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if (!(os->flags & SHF_ALLOC) && os->members.n && !strcmp(os->name, name))
      return os;
  }
  return NULL;
}

/* The first member of .debug_info holding a DWARF 5 type unit, or NULL:
 * the unit headers' lengths and types, which no relocation changes. */
static struct isec *type_units(struct osec *info) {
  for (size_t k = 0; k < info->members.n; k++) {
    struct isec *isec = info->members.v[k];
    if (!plain_member(isec))
      continue;
    for (uint64_t off = 0; off + 12 <= isec->size;) {
      struct dw d = {isec->data + off, isec->data + isec->size, false};
      uint8_t off_size;
      uint64_t len = dw_length(&d, &off_size);
      uint16_t version = (uint16_t)dw_fixed(&d, 2);
      uint8_t type = (uint8_t)dw_fixed(&d, 1);
      if (d.bad || len > (uint64_t)(d.end - d.p) + 3)
        break; /* the index's reader reports it */
      if (version == 5 && (type == DW_UT_type || type == DW_UT_split_type))
        return isec;
      off = (uint64_t)(d.p - isec->data) - 3 + len;
    }
  }
  return NULL;
}

void create_gdb_index(void) {
  struct osec *info = ctx.opt.gdb_index ? debug_osec(".debug_info") : NULL;
  if (!info)
    return;
  if (!debug_osec(".debug_gnu_pubnames") && !debug_osec(".debug_gnu_pubtypes")) {
    warn("--gdb-index: no input has .debug_gnu_pubnames or .debug_gnu_pubtypes (compile with "
         "-ggnu-pubnames): no .gdb_index is made");
    return;
  }
  /* gdb finds a type unit's types through the index's type unit list,
   * which version 7 has only for .debug_types: lld leaves them out, and
   * gdb then finds none of those types */
  struct isec *tu = type_units(info);
  if (tu || debug_osec(".debug_types")) {
    warn("--gdb-index: %s has type units (-fdebug-types-section), which the index cannot "
         "describe to gdb: no .gdb_index is made",
         tu ? tu->file->name : "the link");
    return;
  }
  ctx.gdb_index = new_osec(".gdb_index", SHT_PROGBITS, 0, OS_GDB_INDEX);
  ctx.gdb_index->align = 4;
}

/* The small debug sections, relocated whole. */
struct whole {
  struct osec *os;
  uint8_t *buf;
};

static void build_wholes(struct whole *w, size_t n) {
  struct vec isecs = {0}, bufs = {0};
  for (size_t i = 0; i < n; i++) {
    if (!w[i].os)
      continue;
    w[i].buf = xcalloc(1, w[i].os->size);
    for (size_t k = 0; k < w[i].os->members.n; k++) {
      struct isec *isec = w[i].os->members.v[k];
      if (plain_member(isec)) {
        vec_push(&isecs, isec);
        vec_push(&bufs, w[i].buf);
      }
    }
  }
  copy_into_sections((struct isec **)isecs.v, (uint8_t **)bufs.v, isecs.n);
  xfree(isecs.v);
  xfree(bufs.v);
}

/* What one member of .debug_info gives: its units, and their ranges with
 * unit numbers counted from the member's first. */
struct info_job {
  struct isec *isec;
  struct gdb_unit *units;
  uint32_t nunits;
  struct gdb_addr *addrs;
  size_t naddrs, cap;
};

struct info_pass {
  struct info_job *jobs;
  const struct dw_sections *secs;
  const uint8_t *abbrev;
  uint64_t abbrev_size;
  struct span *text; /* executable sections' addresses, sorted */
  size_t ntext;
};

/* Relocations sorted by offset, as compilers write them: a scan of the
 * offsets alone (the write pass reads these pages next anyway). */
static bool rels_sorted(const struct isec *isec) {
  uint32_t n = isec_nrels(isec);
  uint64_t prev = 0;
  if (ctx.arch->is64 && isec->rela) {
    for (uint32_t i = 0; i < n; i++) {
      uint64_t off = rd64(isec->rels + (size_t)i * sizeof(Elf64_Rela));
      if (off < prev)
        return false;
      prev = off;
    }
    return true;
  }
  struct rel r;
  for (uint32_t i = 0; i < n; i++) {
    get_rel(isec, i, &r);
    if (r.offset < prev)
      return false;
    prev = r.offset;
  }
  return true;
}

/* isec's bytes [lo, hi) as the output holds them, at buf; false if a
 * relocation reaches across hi */
static bool relocated_window(struct isec *isec, uint64_t lo, uint64_t hi, uint8_t *buf) {
  read_isec(isec, lo, hi - lo, buf);
  if (!isec->relsec)
    return true;
  uint32_t n = isec_nrels(isec);
  return ctx.arch->apply_nonalloc_relocs(isec, buf, lo, hi, first_rel_at(isec, n, lo),
                                         first_rel_at(isec, n, hi));
}

/* A range the index keeps: one inside the code. A unit's ranges for code
 * the link dropped (--gc-sections, a losing COMDAT copy) start at 0. */
static bool in_text(const struct info_pass *p, uint64_t lo) {
  size_t a = 0, b = p->ntext;
  while (a < b) {
    size_t m = (a + b) / 2;
    if (p->text[m].hi <= lo)
      a = m + 1;
    else
      b = m;
  }
  return a < p->ntext && p->text[a].lo <= lo;
}

static void unit_error(struct isec *isec, uint64_t off, const char *why) {
  error("%s:(%s+0x%llx): --gdb-index: %s", isec->file->name, isec->name,
        (unsigned long long)off, why);
}

/* The unit at off: its header and first entry, from a window of its
 * relocated bytes (or from `whole`); the whole unit when the entry or a
 * relocation reaches past the window. */
static bool read_unit(struct isec *isec, const uint8_t *whole, uint64_t off,
                      struct reuse_buf *win, const struct info_pass *p, struct dw_unit *u,
                      struct dw_cu *cu, const char **why) {
  uint64_t rest = isec->size - off;
  if (whole)
    return dw_unit_header(whole + off, rest, u, why) &&
           dw_cu_die(whole + off + u->die_off, u->size - u->die_off, u, p->abbrev,
                     p->abbrev_size, cu, why);
  uint64_t n = rest < DIE_WINDOW ? rest : DIE_WINDOW;
  for (;;) {
    uint8_t *b = reuse_buf(win, n, 1);
    if (!relocated_window(isec, off, off + n, b)) {
      if (n < rest) {
        n = rest;
        continue;
      }
      *why = "a relocation reaches past the section";
      return false;
    }
    if (!dw_unit_header(b, rest, u, why))
      return false;
    uint64_t have = u->size < n ? u->size : n;
    if (dw_cu_die(b + u->die_off, have - u->die_off, u, p->abbrev, p->abbrev_size, cu, why))
      return true;
    if (have == u->size)
      return false;
    n = u->size;
  }
}

static void read_units(void *arg, int64_t i) {
  struct info_pass *p = arg;
  struct info_job *j = &p->jobs[i];
  struct isec *isec = j->isec;
  /* relocations out of order (rare) cannot be cut into windows */
  uint8_t *whole = NULL;
  if (isec->relsec && !rels_sorted(isec)) {
    whole = xcalloc(1, isec->size);
    copy_isec(isec, whole);
  }
  static __thread struct reuse_buf win;
  struct dw_ranges rs = {0};
  for (uint64_t off = 0; off < isec->size;) {
    const char *why = NULL;
    struct dw_unit u;
    struct dw_cu cu;
    rs.n = 0;
    if (!read_unit(isec, whole, off, &win, p, &u, &cu, &why) ||
        !dw_cu_ranges(p->secs, &u, &cu, &rs, &why)) {
      unit_error(isec, off, why);
      break;
    }
    j->units = xrealloc(j->units, (j->nunits + 1) * sizeof(*j->units));
    j->units[j->nunits] = (struct gdb_unit){isec->out_off + off, u.size};
    for (size_t k = 0; k < rs.n; k++) {
      if (!in_text(p, rs.v[k].lo))
        continue;
      if (j->naddrs == j->cap)
        j->addrs = xrealloc(j->addrs, (j->cap = j->cap ? 2 * j->cap : 16) * sizeof(*j->addrs));
      j->addrs[j->naddrs++] = (struct gdb_addr){rs.v[k].lo, rs.v[k].hi, j->nunits};
    }
    j->nunits++;
    off += u.size;
  }
  xfree(rs.v);
  xfree(whole);
}

/* The names of one member of .debug_gnu_pubnames or .debug_gnu_pubtypes. */
struct name_job {
  struct isec *isec;
  const struct gdb_unit *units; /* every unit of the index, by offset */
  uint32_t nunits;
  struct gdb_name *names;
  size_t n, cap;
  uint32_t per_shard[NSHARD]; /* its names in each shard of gdb_index_build */
  const uint8_t *bytes;   /* relocated, while it is read */
  uint64_t at;            /* the entry being read */
  const char *why;
  uint64_t why_at;
};

static void add_name(void *arg, uint64_t info_off, uint8_t flags, const char *name, size_t len) {
  struct name_job *j = arg;
  uint32_t a = 0, b = j->nunits;
  while (a < b) {
    uint32_t m = a + (b - a) / 2;
    if (j->units[m].off < info_off)
      a = m + 1;
    else
      b = m;
  }
  if (a == j->nunits || j->units[a].off != info_off) {
    if (!j->why)
      j->why = "name table names no unit of .debug_info", j->why_at = j->at;
    return;
  }
  if (j->n == j->cap)
    j->names = xrealloc(j->names, (j->cap = j->cap ? 2 * j->cap : 64) * sizeof(*j->names));
  /* the name's bytes are the input's (no relocation touches them) */
  name = (const char *)j->isec->data + (name - (const char *)j->bytes);
  uint64_t key = XXH3_64bits(name, len);
  j->per_shard[gdb_shard(key)]++;
  j->names[j->n++] = (struct gdb_name){name, (uint32_t)len, (uint32_t)flags << 24 | a, key};
}

/* A job's names, each where its shard's next one goes (dst: a cursor
 * per shard, its own). */
struct place {
  struct name_job *jobs;
  struct gdb_name *all;
  uint64_t (*dst)[NSHARD];
};

static void place_names(void *arg, int64_t i) {
  struct place *p = arg;
  struct name_job *j = &p->jobs[i];
  for (size_t k = 0; k < j->n; k++)
    p->all[p->dst[i][gdb_shard(j->names[k].key)]++] = j->names[k];
  xfree(j->names);
}

static void read_names(void *arg, int64_t i) {
  struct name_job *j = &((struct name_job *)arg)[i];
  static __thread struct reuse_buf buf;
  uint8_t *b = reuse_buf(&buf, j->isec->size, 1);
  copy_isec(j->isec, b);
  j->bytes = b;
  const char *why = NULL;
  if (!dw_pubnames(j->bytes, j->isec->size, &j->at, add_name, j, &why))
    unit_error(j->isec, j->at, why);
  else if (j->why)
    unit_error(j->isec, j->why_at, j->why);
}

static int cmp_span(const void *a, const void *b) {
  const struct span *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The executable sections' address ranges, sorted; their number in *n. */
static struct span *text_spans(size_t *n) {
  struct span *s = xcalloc(ctx.osecs.n + 1, sizeof(*s));
  *n = 0;
  for (size_t i = 0; i < ctx.osecs.n; i++) {
    struct osec *os = ctx.osecs.v[i];
    if ((os->flags & SHF_ALLOC) && (os->flags & SHF_EXECINSTR) && os->size)
      s[(*n)++] = (struct span){os->addr, os->addr + os->size};
  }
  qsort(s, *n, sizeof(*s), cmp_span);
  return s;
}

/* Every unit of .debug_info and its ranges, member by member in parallel,
 * joined in output order. */
static uint32_t read_all_units(const struct dw_sections *secs, const uint8_t *abbrev,
                               uint64_t abbrev_size, struct gdb_unit **units,
                               struct gdb_addr **addrs, size_t *naddrs) {
  size_t nspans;
  struct span *spans = text_spans(&nspans);
  struct osec *info = debug_osec(".debug_info");
  struct info_job *jobs = xcalloc(info->members.n, sizeof(*jobs));
  size_t njobs = 0;
  for (size_t k = 0; k < info->members.n; k++)
    if (plain_member(info->members.v[k]))
      jobs[njobs++].isec = info->members.v[k];
  struct info_pass ip = {jobs, secs, abbrev, abbrev_size, spans, nspans};
  parallel_for((int64_t)njobs, read_units, &ip);
  check_errors();
  uint64_t nunits = 0;
  *naddrs = 0;
  for (size_t k = 0; k < njobs; k++)
    nunits += jobs[k].nunits, *naddrs += jobs[k].naddrs;
  if (nunits >= 1u << 24)
    fatal("--gdb-index: %llu units in .debug_info, more than the index's 24-bit unit numbers "
          "reach", (unsigned long long)nunits);
  *units = xcalloc(nunits ? nunits : 1, sizeof(**units));
  *addrs = xcalloc(*naddrs ? *naddrs : 1, sizeof(**addrs));
  uint32_t u = 0;
  size_t a = 0;
  for (size_t k = 0; k < njobs; k++) {
    memcpy(*units + u, jobs[k].units, jobs[k].nunits * sizeof(**units));
    for (size_t r = 0; r < jobs[k].naddrs; r++) {
      (*addrs)[a] = jobs[k].addrs[r];
      (*addrs)[a++].cu += u;
    }
    u += jobs[k].nunits;
    xfree(jobs[k].units);
    xfree(jobs[k].addrs);
  }
  xfree(jobs);
  xfree(spans);
  return u;
}

/* The names of .debug_gnu_pubnames, then .debug_gnu_pubtypes, read member
 * by member in parallel and laid out by gdb_shard(), each shard's in input
 * order. */
static struct gdb_name *read_all_names(const struct gdb_unit *units, uint32_t nunits,
                                       size_t *nnames) {
  struct name_job *nj = NULL;
  size_t nnj = 0;
  static const char *const tables[] = {".debug_gnu_pubnames", ".debug_gnu_pubtypes"};
  for (int k = 0; k < 2; k++) {
    struct osec *t = debug_osec(tables[k]);
    if (!t)
      continue;
    nj = xrealloc(nj, (nnj + t->members.n) * sizeof(*nj));
    for (size_t m = 0; m < t->members.n; m++) {
      struct isec *isec = t->members.v[m];
      if (plain_member(isec))
        nj[nnj++] = (struct name_job){.isec = isec, .units = units, .nunits = nunits};
    }
  }
  parallel_for((int64_t)nnj, read_names, nj);
  check_errors();
  *nnames = 0;
  for (size_t k = 0; k < nnj; k++)
    *nnames += nj[k].n;
  struct place pl = {nj, xcalloc(*nnames ? *nnames : 1, sizeof(struct gdb_name)),
                     xcalloc(nnj ? nnj : 1, sizeof(*pl.dst))};
  uint64_t at = 0;
  for (int s = 0; s < NSHARD; s++)
    for (size_t k = 0; k < nnj; k++) {
      pl.dst[k][s] = at;
      at += nj[k].per_shard[s];
    }
  parallel_for((int64_t)nnj, place_names, &pl);
  xfree(pl.dst);
  xfree(nj);
  return pl.all;
}

void build_gdb_index(void) {
  struct osec *os = ctx.gdb_index;
  if (!os)
    return;
  enum { ABBREV, ADDR, RANGES, RNGLISTS, NWHOLE };
  static const char *const names[NWHOLE] = {".debug_abbrev", ".debug_addr", ".debug_ranges",
                                            ".debug_rnglists"};
  struct whole w[NWHOLE];
  for (int k = 0; k < NWHOLE; k++)
    w[k] = (struct whole){debug_osec(names[k]), NULL};
  build_wholes(w, NWHOLE);
  check_errors();
#define WHOLE(k) w[k].buf, w[k].os ? w[k].os->size : 0
  struct dw_sections secs = {WHOLE(ADDR), WHOLE(RANGES), WHOLE(RNGLISTS)};
  struct gdb_unit *units;
  struct gdb_addr *addrs;
  size_t naddrs, nnames;
  uint32_t nunits = read_all_units(&secs, WHOLE(ABBREV), &units, &addrs, &naddrs);
#undef WHOLE
  struct gdb_name *all = read_all_names(units, nunits, &nnames);

  uint64_t size;
  uint8_t *bytes = gdb_index_build(units, nunits, addrs, naddrs, all, nnames, &size);
  os->size = size;
  os->nzparts = 1;
  os->zparts = xcalloc(1, sizeof(struct zpart));
  os->zparts[0] = (struct zpart){bytes, size, 0};
  layout_nonalloc();

  xfree(all);
  xfree(units);
  xfree(addrs);
  for (int k = 0; k < NWHOLE; k++)
    xfree(w[k].buf);
}

/* --gdb-index (ld/gdbindex.c): gdb's name hash and table size against the
 * slots lld's and gold's outputs show for the same names; the section
 * built from plain arrays and read back; DWARF 4 and 5 unit headers,
 * first entries and range lists, and .debug_gnu_pubnames sets, from
 * hand-assembled bytes (the encodings of the DWARF 5 standard, 7.5). */
#include "ld/ld.h"
#include <criterion/criterion.h>
#include <xxhash.h>

Test(gdbindex, hash_and_table_size) {
  /* lld's test/ELF/gdb-index.s (and gold's output read by llvm-dwarfdump):
   * in a 1024-slot table, main at 489, int at 754, main2 at 956 */
  cr_expect_eq(gdb_name_hash("main", 4) & 1023, 489);
  cr_expect_eq(gdb_name_hash("int", 3) & 1023, 754);
  cr_expect_eq(gdb_name_hash("main2", 5) & 1023, 956);
  cr_expect_eq(gdb_name_hash("MAIN", 4), gdb_name_hash("main", 4), "case-folded");
  cr_expect_eq(gdb_table_size(0), 1024);
  cr_expect_eq(gdb_table_size(767), 1024);
  cr_expect_eq(gdb_table_size(768), 2048, "4/3 of 768 is 1024: the next power above");
  cr_expect_eq(gdb_table_size(100000), 262144);
}

static struct gdb_name nm(const char *s, uint32_t attr) {
  return (struct gdb_name){s, (uint32_t)strlen(s), attr, XXH3_64bits(s, strlen(s))};
}

/* the slot of name in the table at tab of size slots, and its vector */
static const uint8_t *lookup(const uint8_t *idx, const char *name, uint32_t *vec) {
  uint32_t tab = rd32(idx + 16), pool = rd32(idx + 20), size = (pool - tab) / 8;
  uint32_t h = gdb_name_hash(name, strlen(name)), slot = h & (size - 1);
  uint32_t step = ((h * 17) & (size - 1)) | 1;
  for (;;) {
    const uint8_t *s = idx + tab + 8 * slot;
    if (!rd32(s) && !rd32(s + 4))
      return NULL;
    if (!strcmp((const char *)idx + pool + rd32(s), name)) {
      *vec = pool + rd32(s + 4);
      return s;
    }
    slot = (slot + step) & (size - 1);
  }
}

Test(gdbindex, build_reads_back) {
  struct gdb_unit cus[] = {{0, 0x34}, {0x34, 0x40}};
  struct gdb_addr addrs[] = {{0x201000, 0x20100b, 0}, {0x20100b, 0x201016, 1}};
  struct gdb_name names[] = {nm("main", 0x30000000), nm("int", 0x90000001),
                             nm("int", 0x90000000), nm("int", 0x90000001),
                             nm("main2", 0x30000001)};
  uint64_t size;
  uint8_t *idx = gdb_index_build(cus, 2, addrs, 2, names, 5, &size);
  cr_assert_eq(rd32(idx), 7, "version");
  cr_expect_eq(rd32(idx + 4), 0x18, "CU list right after the header");
  cr_expect_eq(rd32(idx + 8), 0x38, "no type units");
  cr_expect_eq(rd32(idx + 12), 0x38, "address area");
  cr_expect_eq(rd32(idx + 16), 0x38 + 2 * 20, "symbol table");
  cr_expect_eq(rd32(idx + 20), 0x38 + 2 * 20 + 1024 * 8, "constant pool");
  cr_expect_eq(rd64(idx + 0x18 + 16), 0x34);
  cr_expect_eq(rd64(idx + 0x18 + 24), 0x40);
  cr_expect_eq(rd64(idx + 0x38 + 20), 0x20100b);
  cr_expect_eq(rd64(idx + 0x38 + 28), 0x201016);
  cr_expect_eq(rd32(idx + 0x38 + 36), 1);
  uint32_t vec;
  const uint8_t *s = lookup(idx, "main", &vec);
  cr_assert(s);
  cr_expect_eq((s - idx - rd32(idx + 16)) / 8, 489, "main's slot");
  cr_expect_eq(rd32(idx + vec), 1);
  cr_expect_eq(rd32(idx + vec + 4), 0x30000000);
  s = lookup(idx, "int", &vec);
  cr_assert(s);
  cr_expect_eq((s - idx - rd32(idx + 16)) / 8, 754, "int's slot");
  cr_expect_eq(rd32(idx + vec), 2, "int: its two units once each");
  cr_expect_eq(rd32(idx + vec + 4), 0x90000000, "sorted");
  cr_expect_eq(rd32(idx + vec + 8), 0x90000001);
  cr_expect(lookup(idx, "main2", &vec));
  cr_expect_null(lookup(idx, "absent", &vec));
  /* the pool: three vectors (2 + 3 + 2 words), then the three names */
  cr_expect_eq(size, rd32(idx + 20) + 28 + 5 + 4 + 6);
  /* given by shard (as the link lays them out), the same bytes */
  struct gdb_name byshard[5];
  size_t n = 0;
  for (uint32_t sh = 0; sh < 64; sh++)
    for (size_t i = 0; i < 5; i++)
      if (gdb_shard(names[i].key) == sh)
        byshard[n++] = names[i];
  uint64_t size2;
  uint8_t *idx2 = gdb_index_build(cus, 2, addrs, 2, byshard, 5, &size2);
  cr_expect_eq(size2, size);
  cr_expect(!memcmp(idx, idx2, size), "names in shard order give the same bytes");
  xfree(idx2);
  xfree(idx);
}

/* DWARF 4, 32-bit: length, version 4, abbrev offset 0x10, address size 8,
 * then a DIE of abbrev 1: low_pc (addr) 0x401000, high_pc (data4) 0x20 */
static const uint8_t v4_unit[] = {
    0x14, 0, 0, 0, 4, 0, 0x10, 0, 0, 0, 8,
    1, 0x00, 0x10, 0x40, 0, 0, 0, 0, 0, 0x20, 0, 0, 0};
/* abbrev table at 0x10: code 2 (something else, with an implicit_const
 * attribute to skip), then code 1: compile_unit, children, low_pc addr,
 * high_pc data4 */
static const uint8_t v4_abbrev[] = {
    [0x10] = 2, 0x34, 0, 0x03, 0x21, 0x7f, 0, 0,
    1, 0x11, 1, 0x11, 0x01, 0x12, 0x06, 0, 0, 0};

Test(gdbindex, dwarf4_low_high) {
  struct dw_unit u;
  struct dw_cu cu;
  const char *why = NULL;
  cr_assert(dw_unit_header(v4_unit, sizeof(v4_unit), &u, &why), "%s", why);
  cr_expect_eq(u.size, sizeof(v4_unit));
  cr_expect_eq(u.version, 4);
  cr_expect_eq(u.abbrev_off, 0x10);
  cr_expect_eq(u.die_off, 11);
  cr_assert(dw_cu_die(v4_unit + u.die_off, u.size - u.die_off, &u, v4_abbrev, sizeof(v4_abbrev),
                      &cu, &why),
            "%s", why);
  struct dw_ranges rs = {0};
  struct dw_sections none = {0};
  cr_assert(dw_cu_ranges(&none, &u, &cu, &rs, &why), "%s", why);
  cr_assert_eq(rs.n, 1);
  cr_expect_eq(rs.v[0].lo, 0x401000);
  cr_expect_eq(rs.v[0].hi, 0x401020, "high_pc of a data form is a size");
  xfree(rs.v);
}

Test(gdbindex, dwarf4_ranges_and_errors) {
  /* the same unit with abbrev 3: low_pc addr 0, ranges sec_offset 0 */
  const uint8_t unit[] = {0x14, 0, 0, 0, 4, 0, 0, 0, 0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 0,
                          0, 0, 0, 0};
  const uint8_t abbrev[] = {3, 0x11, 1, 0x11, 0x01, 0x55, 0x17, 0, 0, 0};
  /* base 0: [0x1000, 0x1010); base selection 0x400000; [0x400000 + 0x20, + 0x30); end */
  uint8_t ranges[64] = {0};
  wr64(ranges, 0x1000), wr64(ranges + 8, 0x1010);
  wr64(ranges + 16, UINT64_MAX), wr64(ranges + 24, 0x400000);
  wr64(ranges + 32, 0x20), wr64(ranges + 40, 0x30);
  struct dw_unit u;
  struct dw_cu cu;
  const char *why = NULL;
  cr_assert(dw_unit_header(unit, sizeof(unit), &u, &why));
  cr_assert(dw_cu_die(unit + u.die_off, u.size - u.die_off, &u, abbrev, sizeof(abbrev), &cu,
                      &why), "%s", why);
  struct dw_sections s = {.ranges = ranges, .ranges_size = sizeof(ranges)};
  struct dw_ranges rs = {0};
  cr_assert(dw_cu_ranges(&s, &u, &cu, &rs, &why), "%s", why);
  cr_assert_eq(rs.n, 2);
  cr_expect_eq(rs.v[0].lo, 0x1000);
  cr_expect_eq(rs.v[1].lo, 0x400020);
  cr_expect_eq(rs.v[1].hi, 0x400030);
  /* cut short: the list runs past the section */
  s.ranges_size = 40;
  rs.n = 0;
  cr_expect_not(dw_cu_ranges(&s, &u, &cu, &rs, &why));
  cr_expect_str_eq(why, "range list runs past .debug_ranges");
  xfree(rs.v);

  /* an unknown form */
  const uint8_t odd[] = {3, 0x11, 1, 0x11, 0x7e, 0, 0, 0};
  cr_expect_not(dw_cu_die(unit + u.die_off, u.size - u.die_off, &u, odd, sizeof(odd), &cu, &why));
  cr_expect_str_eq(why, "unknown attribute form");
  /* no abbreviation with the entry's code */
  cr_expect_not(dw_cu_die(unit + u.die_off, u.size - u.die_off, &u, v4_abbrev, sizeof(v4_abbrev),
                          &cu, &why));
  /* version 6, and a length past the section */
  uint8_t bad[sizeof(v4_unit)];
  memcpy(bad, v4_unit, sizeof(bad));
  bad[4] = 6;
  cr_expect_not(dw_unit_header(bad, sizeof(bad), &u, &why));
  cr_expect_str_eq(why, "unknown DWARF version");
  cr_expect_not(dw_unit_header(v4_unit, sizeof(v4_unit) - 1, &u, &why));
  cr_expect_str_eq(why, "unit length runs past the section");
}

Test(gdbindex, dwarf5_addrx_rnglistx) {
  /* DWARF 5 compile unit: unit type 1, address size 8, abbrev 0; abbrev 1:
   * low_pc addrx1, ranges rnglistx, addr_base sec_offset, rnglists_base
   * sec_offset */
  const uint8_t unit[] = {0x13, 0, 0, 0, 5, 0, 1, 8, 0, 0, 0, 0,
                          1, 0 /* low_pc: addr 0 */, 0 /* ranges: list 0 */,
                          8, 0, 0, 0 /* addr_base */, 12, 0, 0, 0 /* rnglists_base */};
  const uint8_t abbrev[] = {1, 0x11, 1, 0x11, 0x29, 0x55, 0x23, 0x73, 0x17, 0x74, 0x17, 0, 0, 0};
  /* .debug_addr: an 8-byte header, then 0x400000, 0x500000 */
  uint8_t addr[24] = {0};
  wr64(addr + 8, 0x400000), wr64(addr + 16, 0x500000);
  /* .debug_rnglists: a 12-byte header, one offset (4, from the base at 12),
   * then the list: offset_pair 0x10 0x20 (from low_pc), base_addressx 1,
   * offset_pair 0 4, startx_length 0 8, start_length 0x600000 2, end */
  const uint8_t rng[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0,
                         4, 0x10, 0x20, 1, 1, 4, 0, 4, 3, 0, 8,
                         7, 0, 0, 0x60, 0, 0, 0, 0, 0, 2, 0};
  struct dw_unit u;
  struct dw_cu cu;
  const char *why = NULL;
  cr_assert(dw_unit_header(unit, sizeof(unit), &u, &why), "%s", why);
  cr_expect_eq(u.die_off, 12);
  cr_assert(dw_cu_die(unit + u.die_off, u.size - u.die_off, &u, abbrev, sizeof(abbrev), &cu,
                      &why), "%s", why);
  struct dw_sections s = {addr, sizeof(addr), NULL, 0, rng, sizeof(rng)};
  struct dw_ranges rs = {0};
  cr_assert(dw_cu_ranges(&s, &u, &cu, &rs, &why), "%s", why);
  cr_assert_eq(rs.n, 4);
  cr_expect_eq(rs.v[0].lo, 0x400010);
  cr_expect_eq(rs.v[0].hi, 0x400020);
  cr_expect_eq(rs.v[1].lo, 0x500000);
  cr_expect_eq(rs.v[1].hi, 0x500004);
  cr_expect_eq(rs.v[2].lo, 0x400000);
  cr_expect_eq(rs.v[2].hi, 0x400008);
  cr_expect_eq(rs.v[3].lo, 0x600000);
  cr_expect_eq(rs.v[3].hi, 0x600002);
  /* an address index past .debug_addr */
  s.addr_size = 16;
  rs.n = 0;
  cr_expect_not(dw_cu_ranges(&s, &u, &cu, &rs, &why));
  xfree(rs.v);
}

struct seen {
  int n;
  uint64_t info[4];
  uint8_t flags[4];
  char names[4][16];
};

static void collect(void *arg, uint64_t info_off, uint8_t flags, const char *name, size_t len) {
  struct seen *s = arg;
  if (s->n < 4) {
    s->info[s->n] = info_off, s->flags[s->n] = flags;
    memcpy(s->names[s->n], name, len < 15 ? len : 15);
    s->n++;
  }
}

Test(gdbindex, pubnames_sets) {
  /* two sets: (unit 0x0: counter g,variable; main g,function) and
   * (unit 0x1b7: helper s,function) */
  const uint8_t sec[] = {
      0x25, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0xb6, 1, 0, 0,
      0x80, 0, 0, 0, 0x20, 'c', 'o', 'u', 'n', 't', 'e', 'r', 0,
      0xd0, 0, 0, 0, 0x30, 'm', 'a', 'i', 'n', 0,
      0, 0, 0, 0,
      0x1a, 0, 0, 0, 2, 0, 0xb7, 1, 0, 0, 0x40, 0, 0, 0,
      0x1d, 0, 0, 0, 0xb0, 'h', 'e', 'l', 'p', 'e', 'r', 0, 0, 0, 0, 0};
  struct seen s = {0};
  uint64_t at;
  const char *why = NULL;
  cr_assert(dw_pubnames(sec, sizeof(sec), &at, collect, &s, &why), "%s at %llu", why,
            (unsigned long long)at);
  cr_assert_eq(s.n, 3);
  cr_expect_eq(s.info[0], 0);
  cr_expect_eq(s.flags[0], 0x20);
  cr_expect_str_eq(s.names[1], "main");
  cr_expect_eq(s.info[2], 0x1b7);
  cr_expect_eq(s.flags[2], 0xb0);
  cr_expect_str_eq(s.names[2], "helper");
  /* the first set's length one past the section */
  uint8_t cut[sizeof(sec)];
  memcpy(cut, sec, sizeof(cut));
  cut[0] = 0x7f;
  s.n = 0;
  cr_expect_not(dw_pubnames(cut, sizeof(cut), &at, collect, &s, &why));
  cr_expect_str_eq(why, "name table length runs past the section");
  cr_expect_eq(at, 0);
}

/* Shared by a.c and b.c: N functions, each returning its own string literal,
 * so that with -fdata-sections every literal is a one-string .rodata.*.str
 * section of its own; a.c and b.c return the same strings. LONG is 5000
 * bytes: a mergeable section larger than the linker's batches. */
#define N 60
#define S10 "0123456789"
#define S100 S10 S10 S10 S10 S10 S10 S10 S10 S10 S10
#define S1000 S100 S100 S100 S100 S100 S100 S100 S100 S100 S100
#define LONG S1000 S1000 S1000 S1000 S1000
#define R(p, n) const char *p##n(void) { return "string number " #n; }
#define R10(p, t) R(p, t##0) R(p, t##1) R(p, t##2) R(p, t##3) R(p, t##4) \
  R(p, t##5) R(p, t##6) R(p, t##7) R(p, t##8) R(p, t##9)
#define ALL(p) R(p, 0) R(p, 1) R(p, 2) R(p, 3) R(p, 4) R(p, 5) R(p, 6) R(p, 7) R(p, 8) R(p, 9) \
  R10(p, 1) R10(p, 2) R10(p, 3) R10(p, 4) R10(p, 5)
/* TABLE: 5000 distinct strings in one section, more than the linker
 * interns in one batch */
#define X(n) "t" #n,
#define X10(p) X(p##0) X(p##1) X(p##2) X(p##3) X(p##4) X(p##5) X(p##6) X(p##7) X(p##8) X(p##9)
#define X100(p) X10(p##0) X10(p##1) X10(p##2) X10(p##3) X10(p##4) \
  X10(p##5) X10(p##6) X10(p##7) X10(p##8) X10(p##9)
#define X1000(p) X100(p##0) X100(p##1) X100(p##2) X100(p##3) X100(p##4) \
  X100(p##5) X100(p##6) X100(p##7) X100(p##8) X100(p##9)
#define TABLE { X1000(1) X1000(2) X1000(3) X1000(4) X1000(5) }
#define NTABLE 5000
/* GROUPS: a string or constant in each of 11 kinds of mergeable section
 * (entry size, alignment, strings or not), each kind merged on its own:
 * more kinds in one object than the linker interns in one batch. p##gN
 * labels the entry of kind N. */
#define G(p, n, flags, ent, align, data) \
  __asm__(".pushsection .rodata.grp" #n ",\"" flags "\",%progbits," #ent "\n" \
          ".balign " #align "\n.globl " #p "g" #n "\n" #p "g" #n ":\n" data "\n.popsection");
#define GROUPS(p) \
  G(p, 0, "aMS", 1, 2, ".string \"align 2\"") \
  G(p, 1, "aMS", 1, 4, ".string \"align 4\"") \
  G(p, 2, "aMS", 1, 16, ".string \"align 16\"") \
  G(p, 3, "aMS", 1, 32, ".string \"align 32\"") \
  G(p, 4, "aMS", 2, 2, ".2byte 0x77, 0x32, 0") \
  G(p, 5, "aMS", 2, 8, ".2byte 0x77, 0x38, 0") \
  G(p, 6, "aMS", 4, 4, ".4byte 0x77, 0x34, 0") \
  G(p, 7, "aM", 4, 4, ".4byte 0x44332211") \
  G(p, 8, "aM", 8, 8, ".4byte 0x44332211, 0x88776655") \
  G(p, 9, "aM", 16, 16, ".4byte 1, 2, 3, 4") \
  G(p, 10, "aMS", 1, 8, ".string \"align 8\"")
#define NGROUPS 11

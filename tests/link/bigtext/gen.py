#!/usr/bin/env python3
"""Writes a program whose one .text section is several MiB, so that the
linker relocates it in parts: big.c holds N functions (one section, no
-ffunction-sections), each mixing its argument with arithmetic, a call to
another object's function, a global array and a thread-local variable (with
-fPIC: PLT, GOT and TLS general-dynamic sequences everywhere, the ones whose
relaxations rewrite bytes around their fields), and PAD no-ops (a -D of the
compile: the target's nops differ in size) make the section large without a
large compile. main calls them all in turn; `expected` holds what it must
print, computed here.
usage: gen.py DIR N"""
import sys

M = 0xFFFFFFFF
out, n = sys.argv[1], int(sys.argv[2])
STEPS = 4


def consts(k, i):
    return (k * 2654435761 + i * 40503 + 1) & M, (k * 97 + i * 31 + 7) & 15 | 1


with open(f"{out}/big.c", "w") as f:
    f.write("#define STR2(x) #x\n#define STR(x) STR2(x)\n"
            "extern unsigned mix(unsigned, unsigned);\n"
            "extern unsigned garr[64];\nextern __thread unsigned tvar;\n")
    for k in range(n):
        f.write(f"__attribute__((noinline)) unsigned f{k}(unsigned x) {{\n")
        for i in range(STEPS):
            c, s = consts(k, i)
            f.write(f"  x = x * {c}u + {i + 1}u; x ^= x >> {s};\n")
        f.write('  __asm__ volatile(".rept " STR(PAD) "\\n\\tnop\\n\\t.endr");\n')
        f.write(f"  return mix(x + garr[{k % 64}] + tvar, {k}u);\n}}\n")
    f.write("typedef unsigned (*fn)(unsigned);\nfn const table[] = {\n")
    f.write(",\n".join(f"  f{k}" for k in range(n)))
    f.write("\n};\n")

with open(f"{out}/main.c", "w") as f:
    f.write("""#include <stdio.h>
typedef unsigned (*fn)(unsigned);
extern fn const table[];
unsigned garr[64];
__thread unsigned tvar = 5;
unsigned mix(unsigned x, unsigned k) { return (x ^ (x >> 16)) * 0x45d9f3bu + k; }
int main(void) {
  for (unsigned i = 0; i < 64; i++) garr[i] = i * i + 3;
  unsigned h = 1;
""")
    f.write(f"  for (unsigned i = 0; i < {n}u; i++) {{ h = table[i](h); tvar += h & 7; }}\n")
    f.write('  printf("%08x\\n", h);\n  return 0;\n}\n')

garr = [i * i + 3 for i in range(64)]
tvar, h = 5, 1
for k in range(n):
    x = h
    for i in range(STEPS):
        c, s = consts(k, i)
        x = (x * c + i + 1) & M
        x ^= x >> s
    x = (x + garr[k % 64] + tvar) & M
    h = (((x ^ (x >> 16)) * 0x45d9f3b) + k) & M
    tvar = (tvar + (h & 7)) & M
with open(f"{out}/expected", "w") as f:
    f.write(f"{h:08x}\n")

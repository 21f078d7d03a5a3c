#!/usr/bin/env python3
"""Generates a program that reaches N distinct global symbols through the
GOT: half data objects, half functions, defined in an archive and used from
-fpic and -fPIC objects (so LD64_GOTPAGE_LO15 and ADR_GOT_PAGE accesses mix).
main folds every loaded address and value into a checksum; this script
prints the checksum the program must print.

usage: gen.py N OUTDIR    (writes defs_*.c, use_*.c, main.c; prints expected)
"""
import os
import sys

n = int(sys.argv[1])
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
PER_FILE = 250
MASK = (1 << 64) - 1


def value(i):
    return (i * 2654435761 + 12345) & 0x7FFFFFFF


nfiles = (n + PER_FILE - 1) // PER_FILE
for f in range(nfiles):
    ids = range(f * PER_FILE, min(n, (f + 1) * PER_FILE))
    with open(f"{out}/defs_{f}.c", "w") as d:
        for i in ids:
            if i % 2 == 0:
                d.write(f"long g{i} = {value(i)};\n")
            else:
                d.write(f"long g{i}(void) {{ return {value(i)}; }}\n")
    with open(f"{out}/use_{f}.c", "w") as u:
        for i in ids:
            u.write(f"extern long g{i}{'' if i % 2 == 0 else '(void)'};\n")
        u.write(f"unsigned long use_{f}(unsigned long h) {{\n")
        u.write("  long (*volatile fp)(void);\n  long *volatile dp;\n")
        for i in ids:
            if i % 2 == 0:
                u.write(f"  dp = &g{i}; h = h * 31 + (unsigned long)*dp + {i};\n")
            else:
                u.write(f"  fp = g{i}; h = h * 31 + (unsigned long)fp() + {i};\n")
        u.write("  return h;\n}\n")

with open(f"{out}/main.c", "w") as m:
    m.write("#include <stdio.h>\n")
    for f in range(nfiles):
        m.write(f"unsigned long use_{f}(unsigned long);\n")
    m.write("int main(void) {\n  unsigned long h = 1;\n")
    for f in range(nfiles):
        m.write(f"  h = use_{f}(h);\n")
    m.write('  printf("checksum %lx\\n", h);\n  return 0;\n}\n')

h = 1
for i in range(n):
    h = (h * 31 + value(i) + i) & MASK
print(f"checksum {h:x}")

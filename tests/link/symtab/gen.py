#!/usr/bin/env python3
"""Writes a program of N objects whose symbol table runs to several hundred
KiB, so that the linker writes .symtab and .strtab in many runs of files.
Each object f<i>.c has static functions named the same in every object
(local symbols: one name, N addresses), globals of its own, and a function
that prints the name and address of each; main calls them all in turn. The
test compares what the program prints with what nm reads from the
executable's symbol table: every name at its address, no more, no fewer.
usage: gen.py DIR N"""
import sys

out, n = sys.argv[1], int(sys.argv[2])
LOCALS, GLOBALS = 40, 8
PAD = "_with_a_name_long_enough_to_fill_the_string_table"

for i in range(n):
    with open(f"{out}/f{i}.c", "w") as f:
        f.write("#include <stdio.h>\n")
        for k in range(LOCALS):
            f.write(f"__attribute__((noinline, used)) static int local{k}{PAD}(int x) "
                    f"{{ return x * {k + 3} + {i}; }}\n")
        for k in range(GLOBALS):
            f.write(f"__attribute__((noinline)) int global{i}_{k}{PAD}(int x) "
                    f"{{ return x + local{k % LOCALS}{PAD}(x + {k}); }}\n")
        f.write(f"void print{i}(void) {{\n")
        for k in range(LOCALS):
            f.write(f'  printf("local{k}{PAD} %lx\\n", (unsigned long)local{k}{PAD});\n')
        for k in range(GLOBALS):
            f.write(f'  printf("global{i}_{k}{PAD} %lx\\n", (unsigned long)global{i}_{k}{PAD});\n')
        f.write("}\n")

with open(f"{out}/main.c", "w") as f:
    for i in range(n):
        f.write(f"void print{i}(void);\n")
    f.write("int main(void) {\n")
    for i in range(n):
        f.write(f"  print{i}();\n")
    f.write("  return 0;\n}\n")

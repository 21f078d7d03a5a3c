#!/usr/bin/env python3
"""Generate a synthetic large C program for linker benchmarks.

    python3 bench/gen.py --files N [--funcs F] [--seed S] OUTDIR

writes OUTDIR/common.h, OUTDIR/f<i>.c for i in 0..N-1, OUTDIR/main.c and
OUTDIR/layout.txt.  Nothing is compiled here; bench/run.sh compiles every
file with `musl-gcc -O2 -g -ffunction-sections -fdata-sections`.

Shape of the program (all of it deterministic for a given seed):

* Files sit in L layers (file i is in layer i*L//N).  Every "live" function
  of layer k >= 1 calls one (sometimes two) live functions of layer k-1 in
  other files, and every live function of layer k-1 has at least one caller,
  so the whole call DAG is reachable from main.
* The files of the lowest layers (about 40 % of them) are archive members
  (layout.txt says which archive); the rest are plain objects.  A few archive
  members are referenced by nobody and must stay out of the link.
* Per file: a share of the functions are "dead" (never referenced: what
  --gc-sections removes) and a share are byte-identical clones of a live
  function of the same file (same body, constants, callees: what --icf=all
  folds).  Clones are called too, so they survive --gc-sections.
* Each function uses a few of the struct types of common.h and inlines one
  of its static mixing functions, so -g objects carry realistic DWARF (types,
  inlined subroutines, location lists) next to code, .rodata tables, string
  literals (SHF_MERGE), .data.rel.ro function-pointer tables, .bss and TLS.
* main() calls run_<i>() of every plain object, which calls each live
  function of its file through a pointer table; the result is a checksum that
  this script computes too and bakes into main.c: the program prints
  "synth ok <checksum>" and exits 0 only when the linked code computed it.
"""
import argparse
import os
import random
import sys

M64 = (1 << 64) - 1
NTYPES = 48      # struct types in common.h
NMIX = 16        # static inline mixing functions in common.h
LAYERS = 6
ARCHIVE_LAYERS = 2   # layers 0..1 (plus part of layer 2) go into archives
ARCHIVE_MEMBERS = 200  # members per archive


def mix_consts(k):
    r = random.Random(1000 + k)
    return (r.getrandbits(64) | 1, r.randrange(7, 40), r.randrange(7, 40), r.getrandbits(16))


def mix_py(k, x):
    m, s1, s2, add = mix_consts(k)
    x &= M64
    x ^= x >> s1
    x = (x * m) & M64
    x ^= x >> s2
    return (x + add) & M64


class Func:
    __slots__ = ("file", "idx", "kind", "clone_of", "callees", "ty", "mix", "c",
                 "ka", "kb", "tls", "name")

    def __init__(self, file, idx):
        self.file, self.idx = file, idx
        self.name = "f%d_%d" % (file, idx)
        self.callees = []
        self.clone_of = None
        self.tls = False


def build_model(n, funcs, seed):
    rnd = random.Random(seed)
    layer = [i * LAYERS // n for i in range(n)]
    n_arch = int(n * 0.4)                       # files 0..n_arch-1 are archive members
    tables = []
    for i in range(n):
        tables.append([rnd.getrandbits(64) for _ in range(16)])
    files = []
    unref_files = set()
    for i in range(n):
        if i < n_arch and i > 0 and rnd.random() < 0.05:
            unref_files.add(i)
    for i in range(n):
        fl = []
        for j in range(funcs):
            f = Func(i, j)
            r = rnd.random()
            if i in unref_files:
                f.kind = "dead"
            elif j == 0:
                f.kind = "live"
            elif r < 0.15:
                f.kind = "dead"
            elif r < 0.30:
                f.kind = "clone"
            else:
                f.kind = "live"
            f.ty = rnd.randrange(NTYPES)
            f.mix = rnd.randrange(NMIX)
            f.c = rnd.randrange(1, 1000)
            f.ka = rnd.randrange(1, 64)
            f.kb = rnd.randrange(1, 64)
            f.tls = rnd.random() < 0.05
            fl.append(f)
        # clones copy a live function of the same file
        lives = [f for f in fl if f.kind == "live"]
        for f in fl:
            if f.kind == "clone":
                f.clone_of = rnd.choice(lives)
        files.append(fl)
    # call edges: layer k live/clone-origin functions call layer k-1 live ones
    by_layer = [[] for _ in range(LAYERS)]
    for i in range(n):
        for f in files[i]:
            if f.kind == "live":
                by_layer[layer[i]].append(f)
    for k in range(1, LAYERS):
        callers = by_layer[k]
        callees = by_layer[k - 1]
        rnd.shuffle(callees)
        # cover every callee once, round-robin over callers
        for t, g in enumerate(callees):
            callers[t % len(callers)].callees.append(g)
        for f in callers:
            if not f.callees or rnd.random() < 0.2:
                f.callees.append(rnd.choice(callees))
        for f in callers:
            f.callees = [g for g in f.callees if g.file != f.file] or \
                        [rnd.choice([g for g in callees if g.file != f.file])]
    # dead functions call something too (their references must not keep
    # archive members alive under --gc-sections... but they do without it)
    for i in range(n):
        k = layer[i]
        if k == 0:
            continue
        for f in files[i]:
            if f.kind == "dead" and rnd.random() < 0.5:
                cand = by_layer[k - 1]
                g = rnd.choice(cand)
                if g.file != f.file:
                    f.callees = [g]
    for fl in files:
        for f in fl:
            if f.kind == "clone":
                o = f.clone_of
                f.ty, f.mix, f.c, f.ka, f.kb, f.tls = o.ty, o.mix, o.c, o.ka, o.kb, o.tls
                f.callees = list(o.callees)
    return layer, n_arch, unref_files, files, tables


def eval_func(f, x, tables, memo):
    key = (f.file, f.idx, x)
    v = memo.get(key)
    if v is not None:
        return v
    a = x
    b = (x >> 7) & 0xffffffff
    y = mix_py(f.mix, (a ^ ((b + f.c) & M64)) & M64)
    y = (y + tables[f.file][y & 15]) & M64
    for t, g in enumerate(f.callees):
        if t % 2 == 0:
            y ^= eval_func(g, (y + f.ka) & M64, tables, memo)
        else:
            y = (y + eval_func(g, y ^ f.kb, tables, memo)) & M64
    memo[key] = y
    return y


def write_header(out):
    r = random.Random(7)
    lines = ["/* generated by bench/gen.py */", "#ifndef SYNTH_COMMON_H", "#define SYNTH_COMMON_H",
             "#include <stdint.h>", "#include <stddef.h>", ""]
    for t in range(NTYPES):
        lines.append("struct rec_%d;" % t)
    ctypes = ["uint64_t", "uint32_t", "uint16_t", "uint8_t", "int64_t", "int32_t", "double",
              "float", "const char *", "void *"]
    for t in range(NTYPES):
        lines.append("struct rec_%d {" % t)
        lines.append("\tuint64_t a;\n\tuint32_t b;\n\tuint32_t c;\n\tconst char *name;")
        for k in range(r.randrange(4, 14)):
            ty = r.choice(ctypes)
            if r.random() < 0.15:
                lines.append("\t%s arr%d[%d];" % (ty, k, r.randrange(2, 9)))
            else:
                lines.append("\t%s m%d;" % (ty, k))
        for k in range(r.randrange(1, 4)):
            lines.append("\tstruct rec_%d *link%d;" % (r.randrange(NTYPES), k))
        if r.random() < 0.3:
            lines.append("\tunion { uint64_t u; double d; struct { uint32_t lo, hi; } w; } un;")
        if r.random() < 0.3:
            lines.append("\tenum rec_%d_state { R%d_IDLE, R%d_BUSY, R%d_DONE, R%d_FAIL } state;" % (t, t, t, t, t))
        lines.append("};")
        lines.append("typedef struct rec_%d rec_%d_t;" % (t, t))
    lines.append("")
    for k in range(NMIX):
        m, s1, s2, add = mix_consts(k)
        lines.append("static inline uint64_t mix_%d(uint64_t x)\n{\n\tx ^= x >> %d;\n\tx *= 0x%xULL;\n"
                     "\tx ^= x >> %d;\n\treturn x + %dU;\n}" % (k, s1, m, s2, add))
    lines.append("")
    lines.append("#endif")
    with open(os.path.join(out, "common.h"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


def func_body(f, tables_name):
    # a clone is the same code as its original, name string included
    shown = f.clone_of.name if f.clone_of else f.name
    fl = []
    fl.append("uint64_t %s(uint64_t x)\n{" % f.name)
    fl.append("\trec_%d_t r = { .a = x, .b = (uint32_t)(x >> 7), .c = %d, .name = \"%s\" };" %
              (f.ty, f.c, shown))
    fl.append("\tstruct rec_%d *p = &r;" % f.ty)
    fl.append("\tuint64_t y = mix_%d(p->a ^ ((uint64_t)p->b + p->c));" % f.mix)
    fl.append("\ty += %s[y & 15];" % tables_name)
    for t, g in enumerate(f.callees):
        if t % 2 == 0:
            fl.append("\ty ^= %s(y + %dU);" % (g.name, f.ka))
        else:
            fl.append("\ty += %s(y ^ %dU);" % (g.name, f.kb))
    if f.tls:
        fl.append("\ttls_hits_%d += y & 1;" % f.file)
    fl.append("\tlast_name_%d = p->name;" % f.file)
    fl.append("\treturn y;\n}")
    return "\n".join(fl)


def write_file(out, i, fl, tables, is_main_obj):
    lines = ["/* generated by bench/gen.py */", '#include "common.h"', ""]
    ext = set()
    for f in fl:
        for g in f.callees:
            ext.add(g.name)
    for name in sorted(ext):
        lines.append("uint64_t %s(uint64_t);" % name)
    lines.append("static const uint64_t tbl_%d[16] = {%s};" %
                 (i, ", ".join("0x%xULL" % v for v in tables[i])))
    lines.append("const char *last_name_%d;" % i)
    if any(f.tls for f in fl):
        lines.append("__thread uint64_t tls_hits_%d;" % i)
    lines.append("const char *const names_%d[] = {%s};" %
                 (i, ", ".join('"%s"' % f.name for f in fl)))
    lines.append("")
    for f in fl:
        lines.append("uint64_t %s(uint64_t x);" % f.name)
    lines.append("")
    for f in fl:
        lines.append(func_body(f, "tbl_%d" % i))
        lines.append("")
    if is_main_obj:
        callable_ = [f for f in fl if f.kind != "dead"]
        lines.append("static uint64_t (*const tab_%d[])(uint64_t) = {%s};" %
                     (i, ", ".join(f.name for f in callable_)))
        lines.append("uint64_t run_%d(uint64_t x)\n{\n\tuint64_t s = 0;\n"
                     "\tfor (size_t j = 0; j < sizeof tab_%d / sizeof tab_%d[0]; j++)\n"
                     "\t\ts += tab_%d[j](x + j);\n\treturn s;\n}" % (i, i, i, i))
    with open(os.path.join(out, "f%d.c" % i), "w") as fh:
        fh.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--files", type=int, required=True)
    ap.add_argument("--funcs", type=int, default=40, help="functions per file")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("outdir")
    a = ap.parse_args()
    if a.files < 2 * LAYERS:
        sys.exit("gen.py: need at least %d files" % (2 * LAYERS))
    os.makedirs(a.outdir, exist_ok=True)
    layer, n_arch, unref, files, tables = build_model(a.files, a.funcs, a.seed)
    write_header(a.outdir)
    main_objs = [i for i in range(a.files) if i >= n_arch]
    # checksum, as main.c computes it
    memo = {}
    s = 0
    for i in main_objs:
        x0 = (i * 0x9e3779b97f4a7c15) & M64
        rs = 0
        callable_ = [f for f in files[i] if f.kind != "dead"]
        for j, f in enumerate(callable_):
            rs = (rs + eval_func(f, (x0 + j) & M64, tables, memo)) & M64
        s ^= rs
    for i in range(a.files):
        write_file(a.outdir, i, files[i], tables, i >= n_arch)
    ml = ["/* generated by bench/gen.py */", "#include <stdint.h>", "#include <stdio.h>", ""]
    for i in main_objs:
        ml.append("uint64_t run_%d(uint64_t);" % i)
    ml.append("extern const char *last_name_%d;" % main_objs[-1])
    ml.append("\nint main(void)\n{\n\tuint64_t s = 0;")
    for i in main_objs:
        ml.append("\ts ^= run_%d(0x%xULL);" % (i, (i * 0x9e3779b97f4a7c15) & M64))
    ml.append("\tif (s != 0x%xULL) {" % s)
    ml.append('\t\tprintf("synth BAD %%016llx (want %016x)\\n", (unsigned long long)s);' % s)
    ml.append("\t\treturn 1;\n\t}")
    ml.append('\tprintf("synth ok %%016llx %%s\\n", (unsigned long long)s, last_name_%d);' % main_objs[-1])
    ml.append("\treturn 0;\n}")
    with open(os.path.join(a.outdir, "main.c"), "w") as fh:
        fh.write("\n".join(ml) + "\n")
    # which archive each archive-layer file goes into
    with open(os.path.join(a.outdir, "layout.txt"), "w") as fh:
        for i in range(a.files):
            if i < n_arch:
                fh.write("f%d.o libsynth%d.a\n" % (i, i // ARCHIVE_MEMBERS))
            else:
                fh.write("f%d.o -\n" % i)
    last = [f for f in files[main_objs[-1]]]
    with open(os.path.join(a.outdir, "expected.txt"), "w") as fh:
        # last_name_<i> is set by the last function main's last run_ calls
        lf = [f for f in last if f.kind != "dead"][-1]
        fh.write("synth ok %016x %s\n" % (s, (lf.clone_of or lf).name))
    nf = sum(len(fl) for fl in files)
    nd = sum(1 for fl in files for f in fl if f.kind == "dead")
    nc = sum(1 for fl in files for f in fl if f.kind == "clone")
    print("gen.py: %d files (%d archive members, %d unreferenced), %d functions "
          "(%d dead, %d identical clones), checksum %016x" %
          (a.files, n_arch, len(unref), nf, nd, nc, s))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A stand-in `ld` that freezes a link, then performs it with the real linker.

The compiler driver finds it through `-B DIR/` (DIR/ld is a symlink to this
file).  With BENCH_FREEZE_DIR=D in the environment it

  * copies every input file of the link (objects, archives, crt files, libc.a,
    libgcc.a, ...: `-lNAME` is resolved through the -L directories, static
    libraries only) into D/inputs/,
  * writes D/args.json: the linker argv with input paths made relative to D,
    `-o` pointing at the placeholder @OUT@, `-L` dropped (libraries are
    already resolved to files) and gcc's LTO plugin options dropped (no input
    is LTO bitcode, and only GNU ld/gold can load the plugin),
  * writes D/link.rsp (the same argv as a response file, for humans:
    `cd D && ld.lld @link.rsp -o /tmp/x`) and D/driver-argv.json (the argv
    as the driver passed it).

Then it runs the real linker (BENCH_REAL_LD, default ld.bfd) with the
original argv so that the build goes on as if nothing happened.
"""
import json
import os
import shutil
import sys

# GNU ld options that take their value as the next argument.  Values that are
# files are copied; the others are kept as they are.
WITH_VALUE = {"-m", "-e", "--entry", "-u", "--undefined", "-z", "-dynamic-linker",
              "--dynamic-linker", "-soname", "-h", "-rpath", "-rpath-link", "-y",
              "--trace-symbol", "-Ttext", "-Tdata", "-Tbss", "--hash-style", "-F",
              "-a", "-b", "--format", "-A", "--architecture", "-G", "-R"}
FILE_VALUE = {"-T", "--script", "--version-script", "--dynamic-list", "-Map"}


def expand_rsp(args):
    out = []
    for a in args:
        if a.startswith("@") and os.path.isfile(a[1:]):
            import shlex
            with open(a[1:]) as fh:
                out.extend(expand_rsp(shlex.split(fh.read())))
        else:
            out.append(a)
    return out


def main():
    argv = sys.argv[1:]
    real = os.environ.get("BENCH_REAL_LD", "ld.bfd")
    dest = os.environ.get("BENCH_FREEZE_DIR")
    if dest:
        freeze(expand_rsp(argv), dest)
    os.execvp(real, [real] + argv)


def freeze(args, dest):
    inputs = os.path.join(dest, "inputs")
    if os.path.isdir(dest):
        shutil.rmtree(dest)
    os.makedirs(inputs)
    copied = {}
    # -L DIR (two arguments) as well as -LDIR
    libdirs = []
    for i, a in enumerate(args):
        if a == "-L" and i + 1 < len(args):
            libdirs.append(args[i + 1])
        elif a.startswith("-L") and len(a) > 2:
            libdirs.append(a[2:])

    def copy(path):
        real = os.path.realpath(path)
        if real in copied:
            return copied[real]
        name = "%04d-%s" % (len(copied), os.path.basename(path))
        shutil.copyfile(real, os.path.join(inputs, name))
        copied[real] = "inputs/" + name
        return copied[real]

    def find_lib(spec):
        names = [spec[1:]] if spec.startswith(":") else ["lib%s.a" % spec]
        for d in libdirs:
            for n in names:
                p = os.path.join(d, n)
                if os.path.isfile(p):
                    return p
        sys.exit("freeze-ld: cannot find -l%s in %s" % (spec, libdirs))

    out = []
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if a in ("-plugin", "-plugin-opt"):
            i += 2
            continue
        if a.startswith("-plugin-opt=") or a.startswith("--plugin-opt="):
            i += 1
            continue
        if a in ("-o", "--output"):
            out += ["-o", "@OUT@"]
            i += 2
            continue
        if a.startswith("-o") and len(a) > 2 and not a.startswith("-oformat"):
            out += ["-o", "@OUT@"]
            i += 1
            continue
        if a == "-L":
            i += 2
            continue
        if a.startswith("-L"):
            i += 1
            continue
        if a == "-l":
            out.append(copy(find_lib(nxt)))
            i += 2
            continue
        if a.startswith("-l") and len(a) > 2:
            out.append(copy(find_lib(a[2:])))
            i += 1
            continue
        if a in FILE_VALUE:
            out += [a, copy(nxt)]
            i += 2
            continue
        if a in WITH_VALUE:
            out += [a, nxt]
            i += 2
            continue
        if not a.startswith("-") and os.path.isfile(a):
            out.append(copy(a))
            i += 1
            continue
        out.append(a)
        i += 1
    with open(os.path.join(dest, "args.json"), "w") as fh:
        json.dump(out, fh, indent=0)
        fh.write("\n")
    with open(os.path.join(dest, "driver-argv.json"), "w") as fh:
        json.dump(args, fh, indent=0)
        fh.write("\n")
    with open(os.path.join(dest, "link.rsp"), "w") as fh:
        fh.write("\n".join(a for a in out if a not in ("-o", "@OUT@")) + "\n")


if __name__ == "__main__":
    main()

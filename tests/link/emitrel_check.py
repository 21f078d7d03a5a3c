#!/usr/bin/env python3
"""Checks an x86_64 executable linked with --emit-relocs against itself:
for every kept relocation of a plain data or PC-relative type (R_X86_64_64,
_32, _32S, _PC32, _PLT32) against a defined symbol, the bytes at its place
must hold S + A (minus P for the PC-relative ones), P being the address in
an allocated section and the offset in any other. Relocations whose code
the link relaxed (GOT, TLS) and those against symbol 0 are not checked.
Prints "checked N, wrong M" and exits 1 if M > 0 or nothing was checked.
usage: emitrel_check.py BINARY"""
import struct
import sys

R_64, R_PC32, R_32, R_32S, R_PLT32 = 1, 2, 10, 11, 4


def main(path):
    d = open(path, "rb").read()
    shoff, = struct.unpack_from("<Q", d, 40)
    shnum, = struct.unpack_from("<H", d, 60)
    shdrs = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + 64 * i) for i in range(shnum)]
    syms = []
    for sh in shdrs:
        if sh[1] == 2:  # SHT_SYMTAB
            for k in range(sh[5] // 24):
                syms.append(struct.unpack_from("<IBBHQQ", d, sh[4] + 24 * k))
    checked = wrong = 0
    for sh in shdrs:
        if sh[1] != 4:  # SHT_RELA
            continue
        target = shdrs[sh[7]]
        alloc = target[2] & 2
        for k in range(sh[5] // 24):
            off, info, addend = struct.unpack_from("<QQq", d, sh[4] + 24 * k)
            typ, si = info & 0xffffffff, info >> 32
            if typ not in (R_64, R_PC32, R_32, R_32S, R_PLT32) or si == 0:
                continue
            name, sinfo, other, shndx, value, size = syms[si]
            if shndx == 0 or (sinfo & 0xf) == 6:  # undefined, STT_TLS
                continue
            where = target[4] + (off - target[3] if alloc else off)
            want = value + addend
            if typ in (R_PC32, R_PLT32):
                want -= off
            n = 8 if typ == R_64 else 4
            got = int.from_bytes(d[where:where + n], "little", signed=typ in (R_PC32, R_PLT32, R_32S))
            mask = (1 << (8 * n)) - 1
            checked += 1
            if (got & mask) != (want & mask):
                wrong += 1
                if wrong <= 5:
                    print("wrong: section %d offset 0x%x type %d symbol %d: 0x%x, expected 0x%x"
                          % (sh[7], off, typ, si, got & mask, want & mask))
    print("checked %d, wrong %d" % (checked, wrong))
    return 0 if checked and not wrong else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

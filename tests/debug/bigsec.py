#!/usr/bin/env python3
"""A debug section too large for one write chunk, relocated against
absolute symbols so its linked bytes are known in advance.

usage: bigsec.py gen DIR N    writes DIR/big.s, DIR/abs.s, DIR/expected.bin
       bigsec.py swap OBJ     swaps the first and last relocation of
                              .rela.debug_big in OBJ (an unsorted table)
"""
import struct
import sys

NSYMS = 61


def value(k):
    return 0x100000 * (k + 1) + 0x11


def gen(d, n):
    with open(f"{d}/big.s", "w") as f:
        f.write('\t.section .debug_big,"",@progbits\n')
        for i in range(n):
            f.write(f"\t.quad big_sym{i % NSYMS} + {i}\n")
        f.write('\t.section .note.GNU-stack,"",@progbits\n')
    with open(f"{d}/abs.s", "w") as f:
        for k in range(NSYMS):
            f.write(f"\t.globl big_sym{k}\n\tbig_sym{k} = {value(k)}\n")
        f.write('\t.section .note.GNU-stack,"",@progbits\n')
    with open(f"{d}/expected.bin", "wb") as f:
        f.write(b"".join(struct.pack("<Q", value(i % NSYMS) + i) for i in range(n)))


def swap(path):
    data = bytearray(open(path, "rb").read())
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def shdr(i):
        return struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)

    names = shdr(shstrndx)[4]
    for i in range(shnum):
        h = shdr(i)
        end = data.index(b"\0", names + h[0])
        if data[names + h[0]:end] == b".rela.debug_big":
            off, size = h[4], h[5]
            first = data[off:off + 24]
            data[off:off + 24] = data[off + size - 24:off + size]
            data[off + size - 24:off + size] = first
            open(path, "wb").write(data)
            return
    sys.exit(f"{path}: no .rela.debug_big")


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2], int(sys.argv[3]))
    else:
        swap(sys.argv[2])

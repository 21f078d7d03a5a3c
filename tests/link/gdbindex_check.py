#!/usr/bin/env python3
"""The .gdb_index of a program checked against the program itself.

usage: gdbindex_check.py check PROGRAM
         version 7; the unit list is .debug_info's units (readelf's); every
         address range lies in an executable section and names a unit; the
         functions of the gdbindex case (main and helper of a.c, b_func of
         b.c) are covered by a range of their own file's unit; the names
         have the units and kinds -ggnu-pubnames gives them; each name is
         found where gdb's hash probe looks for it. Exit 1 on a mismatch.
       gdbindex_check.py names PROGRAM
         the units and names with their unit vectors (repeats dropped),
         sorted, and the number of address ranges: two linkers' indexes of
         the same objects print the same.
"""
import re
import struct
import subprocess
import sys


def elf_sections(data):
    is64 = data[4] == 2
    if is64:
        shoff, = struct.unpack_from('<Q', data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x3a)
        fmt = '<IIQQQQIIQQ'
    else:
        shoff, = struct.unpack_from('<I', data, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from('<HHH', data, 0x2e)
        fmt = '<IIIIIIIIII'
    secs = []
    for i in range(shnum):
        name, typ, flags, addr, off, size, link, _, _, _ = struct.unpack_from(
            fmt, data, shoff + i * shentsize)
        secs.append(dict(name=name, type=typ, flags=flags, addr=addr, off=off,
                         size=size, link=link))
    strs = secs[shstrndx]['off']
    for s in secs:
        at = strs + s['name']
        s['name'] = data[at:data.index(b'\0', at)].decode()
    return is64, secs


def cstr(data, at):
    return data[at:data.index(b'\0', at)].decode()


def symbols(data, is64, secs):
    out = {}
    for s in secs:
        if s['type'] != 2:  # SHT_SYMTAB
            continue
        strs = secs[s['link']]['off']
        ent = 24 if is64 else 16
        for at in range(s['off'], s['off'] + s['size'], ent):
            if is64:
                name, info, _, shndx, value, _ = struct.unpack_from('<IBBHQQ', data, at)
            else:
                name, value, _, info, _, shndx = struct.unpack_from('<IIIBBH', data, at)
            if name and info & 0xf == 2:  # STT_FUNC
                out[cstr(data, strs + name)] = value
    return out


def gdb_hash(name):
    r = 0
    for c in name.encode():
        if 65 <= c <= 90:
            c += 32
        r = (r * 67 + c - 113) & 0xffffffff
    return r


def read_index(data, secs):
    gi = [s for s in secs if s['name'] == '.gdb_index']
    if not gi:
        sys.exit('no .gdb_index section')
    idx = data[gi[0]['off']:gi[0]['off'] + gi[0]['size']]
    ver, cu_off, tu_off, addr_off, sym_off, pool_off = struct.unpack_from('<6I', idx, 0)
    cus = [struct.unpack_from('<QQ', idx, cu_off + 16 * i)
           for i in range((tu_off - cu_off) // 16)]
    addrs = [struct.unpack_from('<QQI', idx, addr_off + 20 * i)
             for i in range((sym_off - addr_off) // 20)]
    nslots = (pool_off - sym_off) // 8
    names, bad = {}, []
    for i in range(nslots):
        n, v = struct.unpack_from('<II', idx, sym_off + 8 * i)
        if not n and not v:
            continue
        name = cstr(idx, pool_off + n)
        cnt, = struct.unpack_from('<I', idx, pool_off + v)
        names[name] = struct.unpack_from('<%dI' % cnt, idx, pool_off + v + 4)
        # where gdb looks: from the hash, by the step, until an empty slot
        h = gdb_hash(name)
        slot, step = h & (nslots - 1), ((h * 17) & (nslots - 1)) | 1
        while slot != i:
            a, b = struct.unpack_from('<II', idx, sym_off + 8 * slot)
            if not a and not b:
                bad.append(name)
                break
            slot = (slot + step) & (nslots - 1)
    return ver, cus, addr_off - tu_off, addrs, names, bad


def units(program):
    """(offset, length, file) of each unit, from readelf"""
    out, cur = [], None
    text = subprocess.run(['readelf', '-wN', '--debug-dump=info', program], capture_output=True,
                          text=True, check=True).stdout
    for line in text.splitlines():
        m = re.match(r'\s*Compilation Unit @ offset (0x[0-9a-f]+|\d+):', line)
        if m:
            cur = [int(m.group(1), 0), None, None]
            out.append(cur)
            continue
        m = re.match(r'\s*Length:\s+(0x[0-9a-f]+)', line)
        if m and cur and cur[1] is None:
            cur[1] = int(m.group(1), 16) + 4
        m = re.search(r'DW_AT_(?:dwo_|GNU_dwo_)?name\s*:.*?([^ /:]+)\s*$', line)
        if m and cur and cur[2] is None:
            cur[2] = m.group(1)
    return [tuple(u) for u in out]


def main():
    mode, program = sys.argv[1], sys.argv[2]
    data = open(program, 'rb').read()
    is64, secs = elf_sections(data)
    ver, cus, tus, addrs, names, bad = read_index(data, secs)
    if mode == 'names':
        for off, ln in cus:
            print('unit %#x %#x' % (off, ln))
        for name in sorted(names):
            print('%s: %s' % (name, ' '.join('%#x' % v for v in sorted(set(names[name])))))
        print('%d address ranges' % len(addrs))
        return
    problems = []
    if ver != 7 or tus:
        problems.append('version %d, %d bytes of type units' % (ver, tus))
    us = units(program)
    if [(o, n) for o, n, _ in us] != list(cus):
        problems.append('unit list %s is not .debug_info\'s %s' % (cus, us))
    text = [(s['addr'], s['addr'] + s['size']) for s in secs
            if s['flags'] & 2 and s['flags'] & 4]  # SHF_ALLOC, SHF_EXECINSTR
    for lo, hi, cu in addrs:
        if not (lo < hi and any(a <= lo and hi <= b for a, b in text)) or cu >= len(cus):
            problems.append('address range [%#x, %#x) of unit %d is not in the code' % (lo, hi, cu))
    unit_of = {}
    for i, (_, _, f) in enumerate(us):
        if f and f[0] in 'ab' and f[0] not in unit_of:
            unit_of[f[0]] = i
    if set(unit_of) != {'a', 'b'}:
        problems.append('no units of a.c and b.c among %s' % us)
        unit_of = {'a': -1, 'b': -1}
    syms = symbols(data, is64, secs)
    for fn, f in (('main', 'a'), ('helper', 'a'), ('b_func', 'b')):
        at = syms.get(fn, 0)
        if not any(lo <= at < hi and cu == unit_of[f] for lo, hi, cu in addrs):
            problems.append('%s (%#x) is in no range of %s.c\'s unit' % (fn, at, f))
    if 'b_unused' in syms:
        problems.append('b_unused was not collected: the case wants --gc-sections')
    a, b = unit_of['a'], unit_of['b']
    want = {'main': [a | 0x30 << 24], 'helper': [a | 0xb0 << 24], 'counter': [a | 0x20 << 24],
            'b_func': [b | 0x30 << 24], 'ulong_t': [b | 0x90 << 24],
            'scale_static': [b | 0xa0 << 24], 'point': [a | 0x90 << 24, b | 0x90 << 24]}
    for name, vec in want.items():
        if sorted(names.get(name, ())) != sorted(vec):
            problems.append('%s: units %s, want %s' % (name, names.get(name), vec))
    for name, vec in names.items():
        if list(vec) != sorted(set(vec)):
            problems.append('%s: unit vector %s not sorted or repeats' % (name, vec))
    if bad:
        problems.append('not where the hash probe finds them: %s' % bad)
    if problems:
        print('\n'.join(problems))
        sys.exit(1)
    print('%d units, %d ranges, %d names' % (len(cus), len(addrs), len(names)))


main()

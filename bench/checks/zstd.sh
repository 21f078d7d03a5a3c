#!/bin/bash
# checks/zstd.sh BINARY FROZEN-DIR: round trips (levels 1/19, two threads,
# a long window, stdin/stdout) over the link's own largest input file.
set -o pipefail
z=$1
t=$(mktemp -d) || exit 99
trap 'rm -rf "$t"' EXIT
in=$(ls -S "$2"/inputs/* | head -1)
head -c 4000000 "$in" >"$t/data"
"$z" --version >"$t/version" 2>&1 || { st=$?; cat "$t/version"; exit $st; }
grep -q 'Zstandard CLI' "$t/version" || exit 1
"$z" -q -1 "$t/data" -o "$t/d1.zst" &&
"$z" -q -19 -T2 "$t/data" -o "$t/d19.zst" &&
"$z" -q --long=24 -8 "$t/data" -o "$t/dl.zst" &&
"$z" -q -t "$t/d19.zst" &&
"$z" -q -d "$t/d1.zst" -o "$t/o1" &&
"$z" -q -d "$t/d19.zst" -o "$t/o19" &&
"$z" -q -d --long=24 "$t/dl.zst" -o "$t/ol" &&
cmp "$t/data" "$t/o1" && cmp "$t/data" "$t/o19" && cmp "$t/data" "$t/ol" &&
[ "$(stat -c %s "$t/d19.zst")" -lt "$(stat -c %s "$t/d1.zst")" ] &&
"$z" -c -5 <"$t/data" | "$z" -dc | cmp - "$t/data" &&
echo "zstd ok: $(stat -c %s "$t/data") -> $(stat -c %s "$t/d1.zst") (-1), $(stat -c %s "$t/d19.zst") (-19)"

#!/bin/bash
# checks/synth.sh BINARY FROZEN-DIR: the program verifies its own checksum
# (computed by gen.py) and prints it; compare with expected.txt as well.
out=$("$1") || exit $?
echo "$out"
[ "$out" = "$(cat "$2/expected.txt")" ]

#!/bin/bash
# checks/go.sh BINARY FROZEN-DIR
out=$("$1" 2>&1) || { st=$?; echo "$out"; exit $st; }
echo "$out"
[ "$out" = "static=d290c23b musl=ad089d60 smelt=0852d848| 3 names | sha256 087d50b306c129b2d06e48b5d7928feb98049e992ba519e2b7c844a1e4a51ad3" ]

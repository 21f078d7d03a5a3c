#!/bin/sh
# smelt's main job on real links: install what is missing, build smelt, then
# compile sqlite3, lua 5.4 and zstd from Debian sources with musl-gcc -O2 -g
# (cached), link each with smelt and run it (FTS5 queries, a Lua script,
# zstd round trips). Prints the link times and per-pass statistics.
set -eu
cd "$(dirname "$0")/.."
sh tests/install-deps.sh
[ -d build ] || meson setup build
ninja -C build
sh tests/real/run.sh build x86_64
echo
echo "smelt's own view of the sqlite3 link (--stats):"
musl-gcc -static -B"$PWD/build/" -Wl,--stats -Wl,--build-id \
  /var/cache/smelt-tests/x86_64/sqlite3/shell.o /var/cache/smelt-tests/x86_64/sqlite3/libsqlite3.a \
  -lm -o build/real-x86_64/sqlite3-demo 2>&1 | sed 's/^/  /'
printf 'create virtual table t using fts5(x); insert into t values (%s); select x from t where t match %s;\n' \
  "'static binaries run everywhere'" "'everywhere'" | build/real-x86_64/sqlite3-demo

#!/bin/bash
# checks/sqlite3.sh BINARY FROZEN-DIR: SQL, FTS5, JSON and math functions,
# then re-open the database file.
set -o pipefail
t=$(mktemp -d) || exit 99
trap 'rm -rf "$t"' EXIT
"$1" -batch "$t/t.db" >"$t/out" 2>&1 <<'SQL' || { st=$?; cat "$t/out"; exit $st; }
CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
  INSERT INTO t SELECT x, hex(x * x) FROM c;
CREATE INDEX tb ON t(b);
SELECT count(*), sum(a), max(b), min(length(b)) FROM t;
SELECT a FROM t WHERE b = hex(12345 * 12345);
CREATE VIRTUAL TABLE d USING fts5(body);
INSERT INTO d VALUES ('static linking with smelt'), ('dynamic linking'), ('linker benchmarks'), ('nothing here');
SELECT rowid FROM d WHERE d MATCH 'link*' ORDER BY rowid;
SELECT json_object('a', 1, 'b', json_array(2, 3, 'x'));
SELECT round(sqrt(2.0), 6), printf('%.3f', pi()), 7 % 3, upper('smelt');
SQL
"$1" -batch "$t/t.db" 'SELECT count(*) FROM t WHERE a % 7 = 0; PRAGMA integrity_check;' >>"$t/out" 2>&1 ||
	{ cat "$t/out"; exit 1; }
cat "$t/out"
cat >"$t/want" <<'OUT'
20000|200010000|39393938323434|2
12345
1
2
3
{"a":1,"b":[2,3,"x"]}
1.414214|3.142|1|SMELT
2857
ok
OUT
cmp -s "$t/want" "$t/out"

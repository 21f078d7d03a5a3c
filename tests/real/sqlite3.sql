-- Input for the sqlite3 shell (tests/real/run.sh); expected output in sqlite3.expected.
CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL);
INSERT INTO t(name, score) VALUES ('alpha', 1.5), ('beta', 2.25), ('gamma', -3.125);
SELECT id, name, score FROM t ORDER BY id;
SELECT count(*), sum(score), printf('%.4f', avg(score)) FROM t;
UPDATE t SET score = score * 2 WHERE name LIKE 'b%';
SELECT name, score FROM t WHERE score > 0 ORDER BY score DESC;
SELECT group_concat(upper(name), ',') FROM (SELECT name FROM t ORDER BY name DESC);
CREATE INDEX t_name ON t(name);
SELECT name FROM t INDEXED BY t_name WHERE name BETWEEN 'b' AND 'h' ORDER BY name;
CREATE VIRTUAL TABLE docs USING fts5(title, body);
INSERT INTO docs(title, body) VALUES
  ('linker', 'a static linker resolves symbols and applies relocations'),
  ('compiler', 'translates source code into relocatable object files'),
  ('loader', 'maps segments into memory'),
  ('archiver', 'the linker extracts members from archives on demand');
SELECT rowid, title FROM docs WHERE docs MATCH 'linker' ORDER BY rowid;
SELECT title, highlight(docs, 1, '[', ']') FROM docs WHERE docs MATCH 'relocations OR relocatable' ORDER BY title;
SELECT title FROM docs WHERE docs MATCH 'body:"object files"';
SELECT title FROM docs WHERE docs MATCH 'arch*' ORDER BY title;
SELECT count(*) FROM docs WHERE docs MATCH 'linker NOT static';
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) SELECT sum(x), sum(x * x) % 1000003 FROM c;
SELECT json_extract('{"a":[1,2,{"b":"x"}]}', '$.a[2].b'), json_array_length('[1,2,3,4]');
SELECT sqrt(16.0), round(pi(), 5), printf('%.3e', exp(10)), 7 / 2, 7 / 2.0, -7 % 3;
SELECT hex(zeroblob(4)), length(randomblob(33)), typeof(1e308 * 10), quote(x'00ff');
SELECT substr('smelt linker', 7), replace('a-b-c', '-', '+'), instr('hello', 'll'), trim('  x  ');
PRAGMA integrity_check;

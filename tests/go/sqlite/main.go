// go-sqlite3 (Debian golang-github-mattn-go-sqlite3-dev) with -tags fts5:
// create an FTS5 table, insert rows, run a full-text query.
package main

import (
	"database/sql"
	"fmt"
	"log"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	db, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE VIRTUAL TABLE docs USING fts5(title, body)`); err != nil {
		log.Fatal(err)
	}
	rows := [][2]string{
		{"smelt", "a fast linker for static musl executables"},
		{"go", "external linking calls a C compiler driver"},
		{"sqlite", "full text search with the fts5 extension"},
		{"musl", "a small libc for static linking"},
	}
	for _, r := range rows {
		if _, err := db.Exec(`INSERT INTO docs(title, body) VALUES (?, ?)`, r[0], r[1]); err != nil {
			log.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM docs`).Scan(&n); err != nil {
		log.Fatal(err)
	}
	fmt.Println("rows", n)
	q, err := db.Query(`SELECT title FROM docs WHERE docs MATCH 'static' ORDER BY rank, title`)
	if err != nil {
		log.Fatal(err)
	}
	defer q.Close()
	for q.Next() {
		var t string
		if err := q.Scan(&t); err != nil {
			log.Fatal(err)
		}
		fmt.Println("match", t)
	}
	var v string
	db.QueryRow(`SELECT sqlite_version()`).Scan(&v)
	fmt.Println("sqlite", v != "")
}

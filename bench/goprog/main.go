// A cgo program for the benchmark's Go link: a C function called from Go,
// plus enough of the standard library (HTTP over loopback, JSON, regexp,
// gzip, SHA-256, templates) to make a link of realistic size.
package main

/*
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

static uint32_t fnv1a(const char *s) {
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < strlen(s); i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}
*/
import "C"

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"text/template"
	"unsafe"
)

func fnv(s string) uint32 {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return uint32(C.fnv1a(cs))
}

type item struct {
	Name string `json:"name"`
	Hash uint32 `json:"hash"`
}

func main() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		items := []item{}
		for _, n := range strings.Split(r.URL.Query().Get("names"), ",") {
			items = append(items, item{n, fnv(n)})
		}
		json.NewEncoder(w).Encode(items)
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/?names=static,musl,smelt")
	if err != nil {
		fmt.Println("http:", err)
		os.Exit(1)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var items []item
	if err := json.Unmarshal(body, &items); err != nil {
		fmt.Println("json:", err)
		os.Exit(1)
	}
	var zbuf bytes.Buffer
	zw := gzip.NewWriter(&zbuf)
	zw.Write(body)
	zw.Close()
	zr, _ := gzip.NewReader(&zbuf)
	round, _ := io.ReadAll(zr)
	re := regexp.MustCompile(`"name":"([a-z]+)"`)
	names := re.FindAllStringSubmatch(string(round), -1)
	t := template.Must(template.New("t").Parse("{{range .}}{{.Name}}={{printf \"%08x\" .Hash}} {{end}}"))
	var out bytes.Buffer
	t.Execute(&out, items)
	fmt.Printf("%s| %d names | sha256 %x\n", strings.TrimSpace(out.String()), len(names), sha256.Sum256(round))
}

// A small cgo program: Go calls C, C calls back into Go, C thread-local
// storage from several goroutines (threads), libc through C.
package main

/*
#include <stdlib.h>
#include "helper.h"
*/
import "C"

import (
	"fmt"
	"sync"
	"unsafe"
)

//export goAdd
func goAdd(a, b C.int) C.int { return a + b }

func main() {
	s := C.CString("smelt")
	defer C.free(unsafe.Pointer(s))
	fmt.Println("C strlen:", C.c_len(s))
	fmt.Println("C calls Go:", C.c_call_go(20, 1))
	counts := make([]int, 8)
	var wg sync.WaitGroup
	for i := range counts {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			counts[i] = int(C.c_tls_count(C.int(i + 1)))
		}(i)
	}
	wg.Wait()
	fmt.Println("C TLS:", counts)
	fmt.Println("C getenv:", C.GoString(C.c_getenv()))
}

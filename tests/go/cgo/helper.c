#include <stdlib.h>
#include <string.h>
#include "helper.h"
#include "_cgo_export.h"

static __thread int counter;

int c_len(const char *s) { return (int)strlen(s); }

int c_call_go(int a, int b) { return goAdd(a, b) * 2; }

/* counts to n in this thread's copy: n if TLS is per thread */
int c_tls_count(int n) {
  counter = 0;
  for (int i = 0; i < n; i++)
    counter++;
  return counter;
}

const char *c_getenv(void) {
  const char *v = getenv("SMELT_GO_TEST");
  return v ? v : "(unset)";
}

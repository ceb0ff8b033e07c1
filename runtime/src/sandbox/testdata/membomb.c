// membomb: allocates and touches 1 MiB blocks until malloc fails, then aborts (as most programs
// do on out-of-memory): under a memory limit this ends as OOMKilled.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *volatile keep; /* the blocks escape: the compiler may not elide them */

int main(void) {
  for (int i = 0; i < 1000000; i++) {
    char *p = malloc(1 << 20);
    if (!p) {
      fprintf(stderr, "malloc failed after %d MiB\n", i);
      abort();
    }
    memset(p, i, 1 << 20);
    *(void **)p = keep;
    keep = p;
  }
  return 0;
}

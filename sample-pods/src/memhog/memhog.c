// memhog: allocates 1 MiB chunks and touches every page of them (so the memory is really in
// use), printing the total every 8 MiB, until malloc fails; then it says so and abort()s.
// Under `limits.memory` the sandbox caps the linear memory, memory.grow fails, malloc returns
// NULL, and the kubelet reports the container as OOMKilled with exit code 137.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (1024 * 1024)

// Every chunk is linked from here: the memory escapes, so the compiler cannot elide the mallocs.
static void *volatile chunks;

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *lim = getenv("STOP_AT_MIB"); // optional: stop politely instead (for runs without a limit)
  long stop_at = lim ? atol(lim) : 0;
  long mib = 0;
  printf("memhog: allocating 1 MiB chunks until malloc fails\n");
  for (;;) {
    char *p = malloc(CHUNK);
    if (!p) {
      printf("memhog: malloc failed after %ld MiB, aborting\n", mib);
      fprintf(stderr, "memhog: out of memory at %ld MiB\n", mib);
      abort();
    }
    for (size_t i = sizeof(void *); i < CHUNK; i += 4096) p[i] = (char)i;
    *(void **)p = chunks;
    chunks = p;
    mib++;
    if (mib % 8 == 0) printf("memhog: %ld MiB allocated\n", mib);
    if (stop_at > 0 && mib >= stop_at) {
      printf("memhog: reached STOP_AT_MIB=%ld, exiting\n", stop_at);
      return 0;
    }
  }
}

// CPU- and memory-bound: counts primes below argv[1] (default 2000000) with a byte sieve, `argv[2]` times.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 2000000;
  int reps = argc > 2 ? atoi(argv[2]) : 1;
  char *s = malloc(n);
  if (!s) { fprintf(stderr, "out of memory\n"); return 1; }
  long count = 0;
  for (int r = 0; r < reps; r++) {
    memset(s, 1, n);
    count = 0;
    for (long i = 2; i * i < n; i++)
      if (s[i]) for (long j = i * i; j < n; j += i) s[j] = 0;
    for (long i = 2; i < n; i++) count += s[i];
  }
  printf("primes below %ld: %ld\n", n, count);
  return 0;
}

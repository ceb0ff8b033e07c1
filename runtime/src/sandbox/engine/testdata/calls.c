// Call-heavy: naive recursive Fibonacci (argv[1], default 27) and qsort with a comparator
// (indirect calls) over argv[2] (default 200000) integers: the worst case for flushing the fuel
// counter around calls.
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int cmp(const void *a, const void *b) {
  unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 27;
  size_t m = argc > 2 ? (size_t)atol(argv[2]) : 200000;
  unsigned *v = malloc(m * sizeof *v);
  if (!v) return 1;
  unsigned x = 2463534242u;
  for (size_t i = 0; i < m; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; v[i] = x; }
  qsort(v, m, sizeof *v, cmp);
  printf("fib(%u)=%u min=%u max=%u\n", n, fib(n), v[0], v[m - 1]);
  return 0;
}

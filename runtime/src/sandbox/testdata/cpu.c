// cpu: a CPU-bound loop (an integer hash) for the given number of rounds; prints the result.
//   cpu ROUNDS   (0 = forever)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  long rounds = argc > 1 ? atol(argv[1]) : 1000;
  uint64_t h = 1469598103934665603ull;
  for (long r = 0; rounds == 0 || r < rounds; r++) {
    for (int i = 0; i < 100000; i++) h = (h ^ (uint64_t)i) * 1099511628211ull;
    if (rounds == 0 && (r & 0xff) == 0) { printf("round %ld\n", r); fflush(stdout); }
  }
  printf("%llu\n", (unsigned long long)h);
  return 0;
}

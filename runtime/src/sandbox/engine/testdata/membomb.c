// Allocates 1 MiB blocks (touching them) until malloc fails or argv[1] MiB are held; prints the count.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *blocks[65536];

int main(int argc, char **argv) {
  long limit = argc > 1 ? atol(argv[1]) : 65536;
  long n = 0;
  unsigned sum = 0;
  while (n < limit && n < 65536) {
    char *p = malloc(1 << 20);
    if (!p) break;
    memset(p, (int)n, 1 << 20);
    blocks[n++] = p;
  }
  for (long i = 0; i < n; i++) sum += (unsigned char)blocks[i][i];
  printf("allocated %ld MiB (%u)\n", n, sum);
  return 0;
}

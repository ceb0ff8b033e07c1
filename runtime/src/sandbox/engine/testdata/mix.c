// Exercises what renumbering must get right: indirect calls through qsort and a function-pointer
// table (element segment), recursion, varargs printf, args, environment and the exit code.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int twice(int x) { return 2 * x; }
static int square(int x) { return x * x; }
static int (*const ops[])(int) = { twice, square };

int main(int argc, char **argv) {
  int v[16];
  for (int i = 0; i < 16; i++) v[i] = (i * 7919) % 31;
  qsort(v, 16, sizeof v[0], cmp);
  int acc = 0;
  for (int i = 0; i < 16; i++) acc += ops[i & 1](v[i]);
  const char *who = getenv("WHO");
  printf("args=%d first=%s who=%s sorted=%d..%d acc=%d fib=%d\n", argc, argc > 1 ? argv[1] : "-",
         who ? who : "-", v[0], v[15], acc, fib(20));
  return argc > 2 ? atoi(argv[2]) : 0;
}

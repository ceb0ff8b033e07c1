#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
  printf("hello from a component, argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("arg %d: %s\n", i, argv[i]);
  const char *g = getenv("GREETING");
  fprintf(stderr, "greeting=%s\n", g ? g : "(none)");
  return argc > 1 ? atoi(argv[1]) : 0;
}

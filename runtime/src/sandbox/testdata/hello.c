// hello: prints its argv and an env var, writes a line to stderr, echoes stdin, exits with $EXIT_CODE.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  printf("hello");
  for (int i = 1; i < argc; i++) printf(" %s", argv[i]);
  printf("\n");
  const char *g = getenv("GREETING");
  printf("GREETING=%s\n", g ? g : "(unset)");
  fprintf(stderr, "to stderr\n");
  char buf[256];
  size_t n = fread(buf, 1, sizeof buf - 1, stdin);
  buf[n] = 0;
  if (n > 0) printf("stdin=%s\n", buf);
  printf("no newline at end");
  fflush(stdout);
  const char *code = getenv("EXIT_CODE");
  return code ? atoi(code) : 0;
}

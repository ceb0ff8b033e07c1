// cat: copies stdin to stdout in chunks until end of input, then reports the byte count on stderr.
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char buf[1024];
  long total = 0;
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    write(1, buf, n);
    total += n;
  }
  fprintf(stderr, "%ld bytes\n", total);
  return 0;
}

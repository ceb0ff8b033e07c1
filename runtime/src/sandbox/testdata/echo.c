// echo: accepts one connection on the pre-opened socket, makes it non-blocking, shows recv() fails
// with EAGAIN while no data is there, waits with poll(POLLIN), then echoes what it gets upper-cased
// with send() until the peer closes; exits 0.
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  int c = accept(3, NULL, NULL);
  if (c < 0) { perror("accept"); return 1; }
  fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK);
  char buf[512];
  ssize_t n = recv(c, buf, sizeof buf, 0);
  printf("first recv: %s\n", n < 0 && errno == EAGAIN ? "EAGAIN" : "data?");
  fflush(stdout);
  for (int rounds = 0; rounds < 1000; rounds++) {
    struct pollfd p = { .fd = c, .events = POLLIN };
    if (poll(&p, 1, 10000) <= 0) { printf("poll timeout\n"); return 1; }
    n = recv(c, buf, sizeof buf, 0);
    if (n < 0 && errno == EAGAIN) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; i++) buf[i] = toupper((unsigned char)buf[i]);
    send(c, buf, n, 0);
  }
  printf("peer closed\n");
  close(c);
  return 0;
}

// httpd: a small HTTP/1.1 server on a pre-opened listening socket (fd $LISTEN_FDS_START, default 3).
// The listener is made non-blocking and waited on with poll(), as event-loop servers do; each
// connection is read until the end of the request headers and answered with Connection: close.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  const char *s = getenv("LISTEN_FDS_START");
  int lfd = s ? atoi(s) : 3;
  const char *names = getenv("LISTEN_FDNAMES");
  if (fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK) < 0) { perror("fcntl"); return 1; }
  printf("httpd: serving on fd %d (%s)\n", lfd, names ? names : "?");
  fflush(stdout);
  long served = 0;
  for (;;) {
    struct pollfd p = { .fd = lfd, .events = POLLIN };
    int r = poll(&p, 1, 10000);
    if (r < 0) { perror("poll"); return 1; }
    if (r == 0) continue;
    int c = accept(lfd, NULL, NULL);
    if (c < 0) {
      if (errno == EAGAIN) continue;
      perror("accept");
      return 1;
    }
    char req[8192];
    size_t len = 0;
    while (len < sizeof req - 1) {
      ssize_t n = read(c, req + len, sizeof req - 1 - len);
      if (n <= 0) break;
      len += n;
      req[len] = 0;
      if (strstr(req, "\r\n\r\n")) break;
    }
    char path[256] = "/";
    sscanf(req, "%*s %255s", path);
    served++;
    char body[512];
    int blen = snprintf(body, sizeof body, "hello from wasm: %s (#%ld)\n", path, served);
    char head[256];
    int hlen = snprintf(head, sizeof head,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", blen);
    write(c, head, hlen);
    send(c, body, blen, 0);
    shutdown(c, SHUT_WR);
    close(c);
    printf("served %s\n", path);
    fflush(stdout);
  }
}

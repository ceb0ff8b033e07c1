// sidecar: every 2 s dials localhost:$PORT (default 8080), sends `GET /` and logs the answer's
// body. Run beside `web` in one pod, it shows that the containers of a pod share one network
// namespace: `localhost` is the pod's IP and the other container's port is right there.
// Outbound TCP goes through the WasmEdge socket extension (wasi-libc has no socket/connect).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "../include/wasmedge_sock.h"

// Resolves host:port to an IPv4 address; returns a WASI errno (0 = ok).
static uint32_t resolve(const char *host, const char *port, uint8_t ip[4], uint32_t *out_port) {
  we_addrinfo hints = {0}, ai = {0};
  we_sockaddr sa = {0};
  uint8_t sadata[26] = {0};
  sa.sa_data = sadata;
  sa.sa_data_len = 14;
  ai.ai_addr = &sa;
  we_addrinfo *res = &ai;
  uint32_t n = 0;
  uint32_t e = we_sock_getaddrinfo(host, strlen(host) + 1, port, strlen(port) + 1, &hints, &res, 1, &n);
  if (e) return e;
  if (n == 0) return ENOENT;
  *out_port = (sadata[0] << 8) | sadata[1];
  memcpy(ip, sadata + 2, 4);
  return 0;
}

// One request; prints one log line either way.
static void poke(const char *host, const char *port, long round) {
  uint8_t ip[4];
  uint32_t p, fd, e;
  if ((e = resolve(host, port, ip, &p))) { printf("#%ld resolve %s: %s\n", round, host, strerror(e)); return; }
  if ((e = we_sock_open(WE_AF_INET4, WE_SOCK_STREAM, &fd))) { printf("#%ld socket: %s\n", round, strerror(e)); return; }
  we_address addr = { ip, 4 };
  if ((e = we_sock_connect(fd, &addr, p))) {
    printf("#%ld connect %u.%u.%u.%u:%u: %s\n", round, ip[0], ip[1], ip[2], ip[3], p, strerror(e));
    close(fd);
    return;
  }
  char req[256];
  int len = snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n", host, port);
  if (write(fd, req, len) != len) { printf("#%ld write: %s\n", round, strerror(errno)); close(fd); return; }
  char resp[4096];
  size_t got = 0;
  ssize_t n;
  while (got < sizeof resp - 1 && (n = read(fd, resp + got, sizeof resp - 1 - got)) > 0) got += n;
  resp[got] = 0;
  close(fd);
  char *body = strstr(resp, "\r\n\r\n");
  body = body ? body + 4 : resp;
  size_t bl = strlen(body);
  while (bl > 0 && (body[bl - 1] == '\n' || body[bl - 1] == '\r')) body[--bl] = 0;
  int code = 0;
  sscanf(resp, "HTTP/1.%*d %d", &code);
  printf("#%ld %s:%s (%u.%u.%u.%u) -> %d %s\n", round, host, port, ip[0], ip[1], ip[2], ip[3], code, body);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *port = getenv("PORT");
  if (!port || !*port) port = "8080";
  const char *host = getenv("TARGET_HOST");
  if (!host || !*host) host = "localhost";
  printf("sidecar: asking %s:%s every 2 s\n", host, port);
  for (long round = 1;; round++) {
    poke(host, port, round);
    sleep(2);
  }
}

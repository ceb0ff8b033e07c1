// client: an outbound HTTP/1.0 request through the WasmEdge socket extension
// (sock_getaddrinfo, sock_open, sock_connect, sock_getlocaladdr), then read/write on the fd.
//   client HOST PORT PATH
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WE(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

typedef struct { uint8_t *buf; uint32_t size; } we_address;
typedef struct { uint8_t family; uint32_t sa_data_len; uint8_t *sa_data; } we_sockaddr;
typedef struct __attribute__((packed, aligned(4))) {
  uint16_t ai_flags; uint8_t ai_family; uint8_t ai_socktype; uint8_t ai_protocol; uint8_t pad[3];
  uint32_t ai_addrlen; we_sockaddr *ai_addr; char *ai_canonname; uint32_t ai_canonnamelen; void *ai_next;
} we_addrinfo;

WE(sock_open) uint32_t we_sock_open(uint8_t af, uint8_t type, uint32_t *fd);
WE(sock_connect) uint32_t we_sock_connect(uint32_t fd, we_address *addr, uint32_t port);
WE(sock_getlocaladdr) uint32_t we_sock_getlocaladdr(uint32_t fd, we_address *addr, uint32_t *type, uint32_t *port);
WE(sock_getaddrinfo) uint32_t we_sock_getaddrinfo(const char *node, uint32_t nlen, const char *svc, uint32_t slen,
                                                  const we_addrinfo *hints, we_addrinfo **res, uint32_t max, uint32_t *n);

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: client HOST PORT PATH\n"); return 2; }
  we_addrinfo hints = {0}, ai[2] = {0};
  we_sockaddr sa[2] = {0};
  uint8_t sadata[2][26] = {{0}};
  for (int i = 0; i < 2; i++) { sa[i].sa_data = sadata[i]; sa[i].sa_data_len = 14; ai[i].ai_addr = &sa[i]; }
  ai[0].ai_next = &ai[1];
  we_addrinfo *res = ai;
  uint32_t n = 0;
  uint32_t e = we_sock_getaddrinfo(argv[1], strlen(argv[1]) + 1, argv[2], strlen(argv[2]) + 1, &hints, &res, 2, &n);
  if (e || n == 0) { printf("getaddrinfo %s: errno %u\n", argv[1], e); return 1; }
  uint8_t *ip = sadata[0] + 2;
  uint32_t port = (sadata[0][0] << 8) | sadata[0][1];
  printf("resolved %s -> %u.%u.%u.%u:%u\n", argv[1], ip[0], ip[1], ip[2], ip[3], port);

  uint32_t fd;
  if ((e = we_sock_open(1 /* inet4 */, 2 /* stream */, &fd))) { printf("sock_open: errno %u\n", e); return 1; }
  we_address addr = { ip, 4 };
  if ((e = we_sock_connect(fd, &addr, port))) { printf("connect: errno %u\n", e); return 1; }
  uint8_t local[4]; uint32_t ltype = 0, lport = 0;
  we_address laddr = { local, 4 };
  if (!we_sock_getlocaladdr(fd, &laddr, &ltype, &lport))
    printf("local %u.%u.%u.%u\n", local[0], local[1], local[2], local[3]);
  char req[512];
  int len = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", argv[3], argv[1]);
  if (write(fd, req, len) != len) { perror("write"); return 1; }
  char buf[4096];
  ssize_t got;
  size_t total = 0;
  while ((got = read(fd, buf, sizeof buf)) > 0) {
    fwrite(buf, 1, got, stdout);
    total += got;
  }
  printf("\n[%zu bytes]\n", total);
  close(fd);
  return 0;
}

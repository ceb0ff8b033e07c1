// The WasmEdge socket extension, as the wasmkube sandbox implements it (module
// wasi_snapshot_preview1). wasi-libc (2022) has accept/recv/send/shutdown but no
// socket/bind/connect/getpeername, so guests that dial out or want their peer's address
// declare these imports themselves. Every function returns a WASI errno (0 = success).
#ifndef WASMEDGE_SOCK_H
#define WASMEDGE_SOCK_H
#include <stdint.h>

#define WE_IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

// An address: buf holds 4 raw IPv4 bytes (size 4).
typedef struct { uint8_t *buf; uint32_t size; } we_address;
typedef struct { uint8_t family; uint32_t sa_data_len; uint8_t *sa_data; } we_sockaddr;
typedef struct __attribute__((packed, aligned(4))) {
  uint16_t ai_flags; uint8_t ai_family; uint8_t ai_socktype; uint8_t ai_protocol; uint8_t pad[3];
  uint32_t ai_addrlen; we_sockaddr *ai_addr; char *ai_canonname; uint32_t ai_canonnamelen; void *ai_next;
} we_addrinfo;

enum { WE_AF_INET4 = 1, WE_SOCK_STREAM = 2 };

WE_IMPORT(sock_open) uint32_t we_sock_open(uint8_t af, uint8_t type, uint32_t *fd);
WE_IMPORT(sock_connect) uint32_t we_sock_connect(uint32_t fd, we_address *addr, uint32_t port);
WE_IMPORT(sock_getpeeraddr) uint32_t we_sock_getpeeraddr(uint32_t fd, we_address *addr, uint32_t *type, uint32_t *port);
WE_IMPORT(sock_getaddrinfo) uint32_t we_sock_getaddrinfo(const char *node, uint32_t nlen, const char *svc, uint32_t slen,
                                                         const we_addrinfo *hints, we_addrinfo **res, uint32_t max, uint32_t *n);

#endif

// web: a small HTTP/1.1 server for the sample pods, plus a few one-shot commands for exec hooks,
// exec probes and `kubectl exec` (a wasm image has no shell, so the image brings its own tools).
//
//   web                      serve on the first pre-opened listening socket (LISTEN_FDS_START)
//   web hook NAME            append "NAME <UTC time>" to /data/hooks.log (postStart/preStop hooks)
//   web check-file PATH      exit 0 iff PATH exists (exec probes)
//   web touch PATH | rm PATH | cat PATH | ls DIR    toggle and inspect files from `kubectl exec`
//
// Endpoints: /        "hello from <HOSTNAME> (<POD_IP>)"
//            /healthz 200 ok; 500 once /data/unhealthy exists or FAIL_AFTER_SECONDS have passed
//            /ready   200 ready; 503 while /data/not-ready exists
//            /whoami  the peer address this server sees (pods see each other's real IPs, no NAT)
// Connections are served one at a time with Connection: close; a client that sends nothing is
// dropped after a few seconds so it cannot stall the others.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "../include/wasmedge_sock.h"

static const char *env_or(const char *name, const char *fallback) {
  const char *v = getenv(name);
  return v && *v ? v : fallback;
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

static void utc_now(char *out, size_t n) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double monotonic_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// ---- one-shot commands ----

static int cmd_hook(const char *name) {
  FILE *f = fopen("/data/hooks.log", "a");
  if (!f) { fprintf(stderr, "web hook: /data/hooks.log: %s (is a volume mounted at /data?)\n", strerror(errno)); return 1; }
  char now[32];
  utc_now(now, sizeof now);
  fprintf(f, "%s %s\n", name, now);
  if (fclose(f) != 0) { perror("web hook: close"); return 1; }
  printf("hook %s at %s\n", name, now);
  return 0;
}

static int cmd_touch(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT, 0644);
  if (fd < 0) { fprintf(stderr, "touch %s: %s\n", path, strerror(errno)); return 1; }
  close(fd);
  return 0;
}

static int cmd_rm(const char *path) {
  if (unlink(path) != 0) { fprintf(stderr, "rm %s: %s\n", path, strerror(errno)); return 1; }
  return 0;
}

static int cmd_cat(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) { fprintf(stderr, "cat %s: %s\n", path, strerror(errno)); return 1; }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
  fclose(f);
  return 0;
}

static int cmd_ls(const char *path) {
  DIR *d = opendir(path);
  if (!d) { fprintf(stderr, "ls %s: %s\n", path, strerror(errno)); return 1; }
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) printf("%s\n", e->d_name);
  closedir(d);
  return 0;
}

// ---- the server ----

static double started;
static long fail_after = -1;

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) return -1;
    p += w;
    n -= w;
  }
  return 0;
}

static void peer_of(int fd, char *out, size_t n) {
  uint8_t ip[4] = {0};
  we_address addr = { ip, 4 };
  uint32_t type = 0, port = 0;
  if (we_sock_getpeeraddr(fd, &addr, &type, &port) == 0)
    snprintf(out, n, "%u.%u.%u.%u:%u", ip[0], ip[1], ip[2], ip[3], port);
  else
    snprintf(out, n, "?");
}

static int route(const char *path, char *body, size_t n, const char *peer) {
  if (strcmp(path, "/") == 0) {
    snprintf(body, n, "hello from %s (%s)\n", env_or("HOSTNAME", "?"), env_or("POD_IP", "?"));
    return 200;
  }
  if (strcmp(path, "/healthz") == 0) {
    if (exists("/data/unhealthy")) { snprintf(body, n, "unhealthy: /data/unhealthy exists\n"); return 500; }
    if (fail_after >= 0 && monotonic_seconds() - started >= fail_after) {
      snprintf(body, n, "unhealthy: FAIL_AFTER_SECONDS=%ld passed\n", fail_after);
      return 500;
    }
    snprintf(body, n, "ok\n");
    return 200;
  }
  if (strcmp(path, "/ready") == 0) {
    if (exists("/data/not-ready")) { snprintf(body, n, "not ready: /data/not-ready exists\n"); return 503; }
    snprintf(body, n, "ready\n");
    return 200;
  }
  if (strcmp(path, "/whoami") == 0) {
    snprintf(body, n, "%s\n", peer);
    return 200;
  }
  snprintf(body, n, "not found: %s\n", path);
  return 404;
}

static const char *status_text(int code) {
  switch (code) {
    case 200: return "OK";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Bad Request";
  }
}

static void serve_one(int c) {
  char req[8192];
  size_t len = 0;
  req[0] = 0;
  while (len < sizeof req - 1 && !strstr(req, "\r\n\r\n")) {
    struct pollfd p = { .fd = c, .events = POLLIN };
    if (poll(&p, 1, 5000) <= 0) break; // idle client: give up on it
    ssize_t n = read(c, req + len, sizeof req - 1 - len);
    if (n <= 0) break;
    len += n;
    req[len] = 0;
  }
  char peer[32];
  peer_of(c, peer, sizeof peer);
  char method[16] = "", path[512] = "";
  if (sscanf(req, "%15s %511s", method, path) != 2) {
    close(c);
    return;
  }
  char *q = strchr(path, '?');
  if (q) *q = 0;
  char body[1024];
  int code;
  if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
    code = 405;
    snprintf(body, sizeof body, "only GET and HEAD\n");
  } else {
    code = route(path, body, sizeof body, peer);
  }
  size_t blen = strlen(body);
  char head[256];
  int hlen = snprintf(head, sizeof head,
      "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
      code, status_text(code), blen);
  if (write_all(c, head, hlen) == 0 && strcmp(method, "HEAD")) write_all(c, body, blen);
  shutdown(c, SHUT_WR);
  close(c);
  printf("%s %s %d from %s\n", method, path, code, peer);
}

static int serve(void) {
  const char *nfds = getenv("LISTEN_FDS");
  if (!nfds || atoi(nfds) < 1) {
    fprintf(stderr, "web: no listening socket: declare a TCP containerPort (LISTEN_FDS is unset)\n");
    return 1;
  }
  int lfd = atoi(env_or("LISTEN_FDS_START", "3"));
  const char *fa = getenv("FAIL_AFTER_SECONDS");
  if (fa && *fa) fail_after = atol(fa);
  started = monotonic_seconds();
  printf("web: %s (%s) serving %s on fd %d%s\n", env_or("HOSTNAME", "?"), env_or("POD_IP", "?"),
         env_or("LISTEN_FDNAMES", "?"), lfd, fail_after >= 0 ? ", liveness fails after FAIL_AFTER_SECONDS" : "");
  for (;;) {
    int c = accept(lfd, NULL, NULL);
    if (c < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == ECONNABORTED) continue;
      // A closed listener is how a sandbox without signals can ask a server to stop: exit cleanly.
      if (errno == EBADF || errno == EINVAL || errno == ENOTSOCK) {
        printf("web: listener closed, shutting down\n");
        return 0;
      }
      perror("web: accept");
      return 1;
    }
    serve_one(c);
  }
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0); // one log line per request, as it happens
  if (argc >= 2) {
    const char *cmd = argv[1];
    if (argc == 3 && !strcmp(cmd, "hook")) return cmd_hook(argv[2]);
    if (argc == 3 && !strcmp(cmd, "check-file")) return exists(argv[2]) ? 0 : 1;
    if (argc == 3 && !strcmp(cmd, "touch")) return cmd_touch(argv[2]);
    if (argc == 3 && !strcmp(cmd, "rm")) return cmd_rm(argv[2]);
    if (argc == 3 && !strcmp(cmd, "cat")) return cmd_cat(argv[2]);
    if (argc == 3 && !strcmp(cmd, "ls")) return cmd_ls(argv[2]);
    if (strcmp(cmd, "serve")) {
      fprintf(stderr, "usage: web [serve] | hook NAME | check-file PATH | touch PATH | rm PATH | cat PATH | ls DIR\n");
      return 2;
    }
  }
  return serve();
}

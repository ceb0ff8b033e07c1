// files: runs filesystem operations given as argv words and prints one result line per operation:
//   cat P | write P TEXT | append P TEXT | mkdir P | rmdir P | rm P | mv A B | ls D | stat P | ln TARGET P
// "OK ..." on success, "ERR <op> <path>: <errno name>" on failure.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *ename(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EROFS: return "EROFS";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case ELOOP: return "ELOOP";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    default: return strerror(e);
  }
}

#define FAIL(op, p) do { printf("ERR %s %s: %s\n", op, p, ename(errno)); } while (0)

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *op = argv[i];
    const char *p = i + 1 < argc ? argv[i + 1] : "";
    if (!strcmp(op, "cat")) {
      i++;
      int fd = open(p, O_RDONLY);
      if (fd < 0) { FAIL(op, p); continue; }
      char buf[4096];
      ssize_t n = read(fd, buf, sizeof buf - 1);
      if (n < 0) { FAIL(op, p); close(fd); continue; }
      buf[n] = 0;
      printf("OK cat %s: %s\n", p, buf);
      close(fd);
    } else if (!strcmp(op, "write") || !strcmp(op, "append")) {
      const char *text = argv[i + 2];
      i += 2;
      int fd = open(p, O_WRONLY | O_CREAT | (op[0] == 'w' ? O_TRUNC : O_APPEND), 0644);
      if (fd < 0) { FAIL(op, p); continue; }
      if (write(fd, text, strlen(text)) < 0) FAIL(op, p);
      else printf("OK %s %s\n", op, p);
      close(fd);
    } else if (!strcmp(op, "mkdir")) {
      i++;
      if (mkdir(p, 0755) < 0) FAIL(op, p); else printf("OK mkdir %s\n", p);
    } else if (!strcmp(op, "rmdir")) {
      i++;
      if (rmdir(p) < 0) FAIL(op, p); else printf("OK rmdir %s\n", p);
    } else if (!strcmp(op, "rm")) {
      i++;
      if (unlink(p) < 0) FAIL(op, p); else printf("OK rm %s\n", p);
    } else if (!strcmp(op, "mv")) {
      const char *q = argv[i + 2];
      i += 2;
      if (rename(p, q) < 0) FAIL(op, p); else printf("OK mv %s %s\n", p, q);
    } else if (!strcmp(op, "ln")) {
      const char *q = argv[i + 2];
      i += 2;
      if (symlink(p, q) < 0) FAIL(op, q); else printf("OK ln %s %s\n", p, q);
    } else if (!strcmp(op, "ls")) {
      i++;
      DIR *d = opendir(p);
      if (!d) { FAIL(op, p); continue; }
      printf("OK ls %s:", p);
      struct dirent *e;
      while ((e = readdir(d))) if (e->d_name[0] != '.') printf(" %s", e->d_name);
      printf("\n");
      closedir(d);
    } else if (!strcmp(op, "stat")) {
      i++;
      struct stat st;
      if (stat(p, &st) < 0) FAIL(op, p);
      else printf("OK stat %s: size=%lld dir=%d\n", p, (long long)st.st_size, S_ISDIR(st.st_mode) ? 1 : 0);
    } else if (!strcmp(op, "seek")) {
      // seek P: reads the last 3 bytes via lseek(SEEK_END) and reports the position with lseek(SEEK_CUR)
      i++;
      int fd = open(p, O_RDONLY);
      if (fd < 0) { FAIL(op, p); continue; }
      off_t end = lseek(fd, -3, SEEK_END);
      char buf[4] = {0};
      read(fd, buf, 3);
      printf("OK seek %s: at=%lld tail=%s pos=%lld\n", p, (long long)end, buf, (long long)lseek(fd, 0, SEEK_CUR));
      close(fd);
    } else {
      printf("ERR unknown op %s\n", op);
    }
  }
  fflush(stdout);
  return 0;
}

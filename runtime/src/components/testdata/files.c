// wasi:filesystem through the preview1 adapter: lists /data, reads /data/in.txt, writes
// /data/out.txt, and shows that a read-only mount and a path out of the mount are refused.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
int main(void) {
  DIR *d = opendir("/data");
  if (!d) { perror("opendir"); return 1; }
  struct dirent *e;
  while ((e = readdir(d))) if (e->d_name[0] != '.') printf("entry %s\n", e->d_name);
  closedir(d);
  char buf[256] = {0};
  FILE *in = fopen("/data/in.txt", "r");
  if (!in) { perror("in"); return 1; }
  fread(buf, 1, sizeof buf - 1, in);
  fclose(in);
  printf("read %s", buf);
  FILE *out = fopen("/data/out.txt", "w");
  if (!out) { perror("out"); return 1; }
  fprintf(out, "written by a component\n");
  fclose(out);
  FILE *ro = fopen("/ro/x.txt", "w");
  printf("read-only mount: %s\n", ro ? "WRITABLE" : strerror(errno));
  FILE *esc = fopen("/data/../../etc/passwd", "r");
  printf("escape: %s\n", esc ? "OPENED" : strerror(errno));
  return 0;
}

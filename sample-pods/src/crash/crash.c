// crash: says hello on stdout and goodbye on stderr, then exits with status 1 after about a
// second. With restartPolicy Always the kubelet restarts it with a growing back-off: the pod
// shows CrashLoopBackOff and its restartCount climbs; `kubectl logs --previous` shows the last run.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void) {
  const char *who = getenv("HOSTNAME");
  printf("crash: %s starting, will exit 1 in a second\n", who ? who : "?");
  fflush(stdout);
  usleep(1000 * 1000);
  fprintf(stderr, "crash: something went wrong, exiting with status 1\n");
  return 1;
}

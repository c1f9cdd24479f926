/*
 * The native side of timed-reader.ts: one helper thread that opens and reads a file while
 * the serving thread waits for it with a deadline. Compiled at start by Bun's TinyCC
 * (bun:ffi cc). No #include: a bare container has no C headers, so the few libc functions
 * used are declared here (Linux, glibc or musl; x86-64 and arm64 share these values).
 *
 * Handoff: the serving thread writes the path into the generation's slot and one byte into
 * its request pipe, then poll(2)s the reply pipe with the deadline. A generation whose read
 * misses the deadline is abandoned: the serving thread writes 'q' after the request and
 * never uses it again; when the read returns, the thread replies, reads the 'q', and closes
 * its end of the reply pipe last, which the serving thread sees as POLLHUP (tr_reap) and
 * only then frees the generation.
 */
typedef unsigned long size_t;
extern int open(const char *, int, ...);
extern long read(int, void *, size_t);
extern long write(int, const void *, size_t);
extern int close(int);
extern int pipe2(int *, int);
extern void *malloc(size_t);
extern void *realloc(void *, size_t);
extern void free(void *);
extern int *__errno_location(void);
extern int pthread_create(unsigned long *, const void *, void *(*)(void *), void *);
extern int pthread_detach(unsigned long);
struct pollfd { int fd; short events; short revents; };
extern int poll(struct pollfd *, unsigned long, int);

#define O_CLOEXEC 02000000
#define POLLIN 1
#define POLLHUP 16
#define EINTR 4
#define ENOMEM 12
#define EFBIG 27
#define ETIMEDOUT 110
#define PATH_BYTES 4096
/* A file longer than this fails with EFBIG (a cmdline is at most ARG_MAX-ish; sensors are tiny). */
#define MAX_READ (4 << 20)

struct gen { int req[2]; int resp[2]; char path[PATH_BYTES]; char *buf; long cap; long n; };

static long read_all(struct gen *g) {
  int fd = open(g->path, O_CLOEXEC); /* O_RDONLY is 0 */
  if (fd < 0) return -*__errno_location();
  long n = 0;
  for (;;) {
    if (n == g->cap) {
      if (g->cap >= MAX_READ) { n = -EFBIG; break; }
      char *b = realloc(g->buf, g->cap * 2);
      if (!b) { n = -ENOMEM; break; }
      g->buf = b;
      g->cap *= 2;
    }
    long got = read(fd, g->buf + n, g->cap - n);
    if (got < 0) {
      if (*__errno_location() == EINTR) continue;
      n = -*__errno_location();
      break;
    }
    if (got == 0) break;
    n += got;
  }
  close(fd);
  return n;
}

static void *helper(void *arg) {
  struct gen *g = arg;
  char c;
  while (read(g->req[0], &c, 1) == 1 && c == 'r') {
    g->n = read_all(g);
    c = 'd';
    write(g->resp[1], &c, 1);
  }
  int last = g->resp[1];
  close(g->req[0]);
  close(last); /* after this the generation is the serving thread's to free */
  return 0;
}

/* A new generation with its thread, or 0. */
void *tr_start(void) {
  struct gen *g = malloc(sizeof *g);
  if (!g) return 0;
  g->cap = 65536;
  g->n = 0;
  g->buf = malloc(g->cap);
  if (!g->buf) { free(g); return 0; }
  if (pipe2(g->req, O_CLOEXEC)) { free(g->buf); free(g); return 0; }
  if (pipe2(g->resp, O_CLOEXEC)) { close(g->req[0]); close(g->req[1]); free(g->buf); free(g); return 0; }
  unsigned long t;
  if (pthread_create(&t, 0, helper, g)) {
    close(g->req[0]); close(g->req[1]); close(g->resp[0]); close(g->resp[1]); free(g->buf); free(g);
    return 0;
  }
  pthread_detach(t);
  return g;
}

/*
 * Reads `path` on g's thread: the byte count (the bytes at tr_buf(g)), -errno, or
 * -ETIMEDOUT when it did not answer within timeout_ms; g is then abandoned.
 */
long tr_read(void *p, const char *path, int timeout_ms) {
  struct gen *g = p;
  int i = 0;
  for (; path[i] && i < PATH_BYTES - 1; i++) g->path[i] = path[i];
  g->path[i] = 0;
  char c = 'r';
  if (write(g->req[1], &c, 1) != 1) return -*__errno_location();
  struct pollfd pf = { g->resp[0], POLLIN, 0 };
  int r;
  do { r = poll(&pf, 1, timeout_ms); } while (r < 0 && *__errno_location() == EINTR);
  if (r <= 0) {
    c = 'q';
    write(g->req[1], &c, 1);
    return -ETIMEDOUT;
  }
  read(g->resp[0], &c, 1);
  return g->n;
}

char *tr_buf(void *p) { return ((struct gen *)p)->buf; }

/* An abandoned generation: 1 (and freed) once its thread is gone, else 0. */
int tr_reap(void *p) {
  struct gen *g = p;
  struct pollfd pf = { g->resp[0], POLLIN, 0 };
  if (poll(&pf, 1, 0) < 1 || !(pf.revents & POLLHUP)) return 0;
  close(g->resp[0]);
  close(g->req[1]);
  free(g->buf);
  free(g);
  return 1;
}

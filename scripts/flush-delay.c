/*
 * flush-delay: an LD_PRELOAD interposer around fsync()/fdatasync() and the write calls.
 * - QCB_FLUSH_DELAY_NS: sleep that many nanoseconds before every flush (emulates storage with slow flushes).
 * - QCB_FLUSH_COUNT_FILE: at exit, append "fsync N fdatasync M" to that file (the flush counter of the audit).
 * - QCB_FLUSH_METER_FILE: at exit, write one line of what the process did, measured as it ran: flush calls, seconds
 *   inside them (summed, and with at least one in flight), median and p99 latency, write calls and bytes to regular
 *   files and block devices, and the bytes written to them that no completed flush covered ("unflushed at exit").
 * Reads and writes are otherwise untouched. Built by scripts/setup.sh (or on first use) with:
 *   cc -O2 -shared -fPIC -o libflushdelay.so flush-delay.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAX_FDS 4096
#define MAX_LATENCIES (1 << 20)

static long long delay_ns = -1;
static atomic_long fsync_calls, fdatasync_calls;
#define MAX_FILES 256

static atomic_llong wait_ns, write_calls, write_bytes;
/* The files written: a flush covers a file (an inode), whichever fd wrote to it. */
static struct { dev_t dev; ino_t ino; } files[MAX_FILES];
static atomic_llong pending[MAX_FILES]; /* bytes written to the file since the start of its last completed flush */
static int file_count;
static pthread_mutex_t files_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int file_of[MAX_FDS];     /* 0 unknown, -1 not counted (a pipe, a terminal), else file index + 1 */
static uint32_t latencies_us[MAX_LATENCIES];
static atomic_long latency_count;
static pthread_mutex_t flight_lock = PTHREAD_MUTEX_INITIALIZER;
static int in_flight;
static long long flight_start_ns, in_flight_ns;

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void delay(void) {
    if (delay_ns < 0) {
        const char *env = getenv("QCB_FLUSH_DELAY_NS");
        delay_ns = env ? atoll(env) : 0;
    }
    if (delay_ns > 0) {
        struct timespec ts = { delay_ns / 1000000000LL, delay_ns % 1000000000LL };
        while (nanosleep(&ts, &ts) != 0) { }
    }
}

/* The file index of fd (regular files and block devices, decided once per open fd), or -1 when it does not count. */
static int file_index(int fd) {
    if (fd < 0 || fd >= MAX_FDS) return -1;
    int known = atomic_load(&file_of[fd]);
    if (known != 0) return known - 1;
    struct stat st;
    int index = -1;
    if (fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
        pthread_mutex_lock(&files_lock);
        for (int i = 0; i < file_count && index < 0; i++)
            if (files[i].dev == st.st_dev && files[i].ino == st.st_ino) index = i;
        if (index < 0 && file_count < MAX_FILES) {
            files[file_count].dev = st.st_dev;
            files[file_count].ino = st.st_ino;
            index = file_count++;
        }
        pthread_mutex_unlock(&files_lock);
    }
    atomic_store(&file_of[fd], index + 1);
    return index;
}

static void wrote(int fd, ssize_t n) {
    if (n <= 0) return;
    int file = file_index(fd);
    if (file < 0) return;
    atomic_fetch_add(&write_calls, 1);
    atomic_fetch_add(&write_bytes, n);
    atomic_fetch_add(&pending[file], n);
}

static void flight(int delta, long long t) {
    pthread_mutex_lock(&flight_lock);
    if (delta > 0 && in_flight++ == 0) flight_start_ns = t;
    if (delta < 0 && --in_flight == 0) in_flight_ns += t - flight_start_ns;
    pthread_mutex_unlock(&flight_lock);
}

/* Times the real flush; a flush that completes covers what was written to its file before it started. */
static int metered_flush(int fd, int (*real)(int)) {
    int file = file_index(fd);
    long long covered = file >= 0 ? atomic_load(&pending[file]) : 0;
    long long start = now_ns();
    flight(1, start);
    int rc = real(fd);
    long long end = now_ns();
    flight(-1, end);
    atomic_fetch_add(&wait_ns, end - start);
    long i = atomic_fetch_add(&latency_count, 1);
    if (i < MAX_LATENCIES) latencies_us[i] = (uint32_t)((end - start) / 1000);
    if (rc == 0 && file >= 0) atomic_fetch_sub(&pending[file], covered);
    return rc;
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    atomic_fetch_add(&fsync_calls, 1);
    delay();
    return metered_flush(fd, real);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    atomic_fetch_add(&fdatasync_calls, 1);
    delay();
    return metered_flush(fd, real);
}

ssize_t write(int fd, const void *buf, size_t count) {
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
    ssize_t n = real(fd, buf, count);
    wrote(fd, n);
    return n;
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset) {
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real) real = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite");
    ssize_t n = real(fd, buf, count, offset);
    wrote(fd, n);
    return n;
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset) {
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real) real = (ssize_t (*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
    ssize_t n = real(fd, buf, count, offset);
    wrote(fd, n);
    return n;
}

ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset) {
    static ssize_t (*real)(int, const struct iovec *, int, off_t);
    if (!real) real = (ssize_t (*)(int, const struct iovec *, int, off_t))dlsym(RTLD_NEXT, "pwritev");
    ssize_t n = real(fd, iov, iovcnt, offset);
    wrote(fd, n);
    return n;
}

ssize_t pwritev64(int fd, const struct iovec *iov, int iovcnt, off_t offset) {
    static ssize_t (*real)(int, const struct iovec *, int, off_t);
    if (!real) real = (ssize_t (*)(int, const struct iovec *, int, off_t))dlsym(RTLD_NEXT, "pwritev64");
    ssize_t n = real(fd, iov, iovcnt, offset);
    wrote(fd, n);
    return n;
}

ssize_t pwritev2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags) {
    static ssize_t (*real)(int, const struct iovec *, int, off_t, int);
    if (!real) real = (ssize_t (*)(int, const struct iovec *, int, off_t, int))dlsym(RTLD_NEXT, "pwritev2");
    ssize_t n = real(fd, iov, iovcnt, offset, flags);
    wrote(fd, n);
    return n;
}

/* Closing flushes nothing: the file keeps what is unflushed; the fd number may next name another file. */
int close(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "close");
    if (fd >= 0 && fd < MAX_FDS) atomic_store(&file_of[fd], 0);
    return real(fd);
}

static int by_value(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The latency at quantile q (nearest rank) of the first n latencies, in microseconds. */
static uint32_t quantile_us(long n, double q) {
    if (n <= 0) return 0;
    long rank = (long)(q * n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return latencies_us[rank - 1];
}

__attribute__((destructor)) static void report(void) {
    const char *path = getenv("QCB_FLUSH_COUNT_FILE");
    if (path) {
        FILE *f = fopen(path, "a");
        if (f) {
            fprintf(f, "fsync %ld fdatasync %ld\n", atomic_load(&fsync_calls), atomic_load(&fdatasync_calls));
            fclose(f);
        }
    }
    const char *meter = getenv("QCB_FLUSH_METER_FILE");
    if (!meter) return;
    long n = atomic_load(&latency_count);
    if (n > MAX_LATENCIES) n = MAX_LATENCIES;
    qsort(latencies_us, (size_t)n, sizeof latencies_us[0], by_value);
    long long unflushed = 0;
    for (int i = 0; i < MAX_FILES; i++) unflushed += atomic_load(&pending[i]);
    FILE *f = fopen(meter, "w");
    if (!f) return;
    fprintf(f,
            "calls %ld wait_ns %lld in_flight_ns %lld median_us %u p99_us %u write_calls %lld write_bytes %lld "
            "unflushed_bytes %lld\n",
            atomic_load(&fsync_calls) + atomic_load(&fdatasync_calls), atomic_load(&wait_ns), in_flight_ns,
            quantile_us(n, 0.5), quantile_us(n, 0.99), atomic_load(&write_calls), atomic_load(&write_bytes),
            unflushed);
    fclose(f);
}

/*
 * flush-delay: an LD_PRELOAD interposer that sleeps before every fsync()/fdatasync() and then makes the real call.
 * It emulates storage with a slow flush (QCB_FLUSH_DELAY_NS nanoseconds per flush). Reads and writes are untouched.
 * With QCB_FLUSH_COUNT_FILE set, it appends "fsync N fdatasync M" to that file when the process exits.
 * Built by scripts/setup.sh (or on first use) with: cc -O2 -shared -fPIC -o libflushdelay.so flush-delay.c -ldl -lpthread
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long delay_ns = -1;
static atomic_long fsync_calls, fdatasync_calls;

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

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    atomic_fetch_add(&fsync_calls, 1);
    delay();
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    atomic_fetch_add(&fdatasync_calls, 1);
    delay();
    return real(fd);
}

__attribute__((destructor)) static void report(void) {
    const char *path = getenv("QCB_FLUSH_COUNT_FILE");
    if (!path) return;
    FILE *f = fopen(path, "a");
    if (!f) return;
    fprintf(f, "fsync %ld fdatasync %ld\n", atomic_load(&fsync_calls), atomic_load(&fdatasync_calls));
    fclose(f);
}

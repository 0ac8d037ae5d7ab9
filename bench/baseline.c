// The C baseline for pagelab's benchmarks: the same first-touch and re-touch of N fresh anonymous 4 KiB pages
// that `touch` does (one write per page, THP off), and a raw read of the same pages' /proc/self/pagemap entries.
// Prints one line per measure: name, nanoseconds, pages, faults (RUSAGE_THREAD) — the harness takes medians.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static long minflt(void) {
    struct rusage r;
    getrusage(RUSAGE_THREAD, &r);
    return r.ru_minflt;
}

int main(int argc, char **argv) {
    long pages = argc > 1 ? atol(argv[1]) : 65536;
    size_t len = pages * 4096;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { perror("mmap"); return 1; }
    madvise(p, len, MADV_NOHUGEPAGE);
    long f0 = minflt(), t0 = now_ns();
    for (long i = 0; i < pages; i++) ((volatile char *) p)[i * 4096] = 0;
    long t1 = now_ns(), f1 = minflt();
    printf("first_touch %ld %ld %ld\n", t1 - t0, pages, f1 - f0);
    f0 = minflt(); t0 = now_ns();
    for (long i = 0; i < pages; i++) ((volatile char *) p)[i * 4096] = 0;
    t1 = now_ns(); f1 = minflt();
    printf("re_touch %ld %ld %ld\n", t1 - t0, pages, f1 - f0);
    int fd = open("/proc/self/pagemap", O_RDONLY);
    uint64_t *buf = malloc(pages * 8);
    t0 = now_ns();
    ssize_t got = pread(fd, buf, pages * 8, ((uintptr_t) p / 4096) * 8);
    long present = 0;
    for (long i = 0; i < got / 8; i++) present += buf[i] >> 63;
    t1 = now_ns();
    printf("pagemap_read %ld %ld %ld\n", t1 - t0, pages, present);
    return 0;
}

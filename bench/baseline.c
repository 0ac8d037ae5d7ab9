// The C baseline for pagelab's benchmarks: the same first-touch and re-touch of N fresh anonymous 4 KiB pages
// that `touch` does (one write per page, THP off), and a raw read of the same pages' /proc/self/pagemap entries.
// Prints one line per measure: name, nanoseconds, pages, faults (RUSAGE_THREAD) — the harness takes medians.
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

// The reads behind `inspect-pagemap` as root, on one thread, with no decoding: the pagemap entries of N fresh,
// populated pages, then /proc/kpageflags of their PFNs in sorted runs (as pagelab reads them: consecutive PFNs
// and gaps of up to 3 share a pread) and /proc/kpagecount where the entry is not exclusive or the page is compound.
// Prints: inspect_floor ns pages preads, with the pagemap part alone as pagemap_part.
static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

static long read_sorted(int fd, uint64_t *keys, long n, uint64_t *out, uint64_t *buf) {
    long reads = 0;
    for (long k = 0; k < n;) {
        uint64_t start = keys[k] >> 20, last = start;
        long e = k + 1;
        while (e < n && (keys[e] >> 20) <= last + 4 && (keys[e] >> 20) - start < 8192) last = keys[e++] >> 20;
        ssize_t got = pread(fd, buf, (last - start + 1) * 8, start * 8) / 8;
        for (long j = k; j < e; j++) {
            uint64_t off = (keys[j] >> 20) - start;
            out[keys[j] & 0xfffff] = (long) off < got ? buf[off] : 0;
        }
        reads++;
        k = e;
    }
    return reads;
}

static int inspect_floor(long pages) {
    size_t len = pages * 4096;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { perror("mmap"); return 1; }
    madvise(p, len, MADV_NOHUGEPAGE);
    for (long i = 0; i < pages; i++) p[i * 4096] = 1;
    int pm = open("/proc/self/pagemap", O_RDONLY), kf = open("/proc/kpageflags", O_RDONLY),
        kc = open("/proc/kpagecount", O_RDONLY);
    if (kf < 0 || kc < 0 || pages > (1 << 20)) { fprintf(stderr, "baseline: needs root and at most 2^20 pages\n"); return 1; }
    uint64_t *e = calloc(pages, 8), *keys = calloc(pages, 8), *flags = calloc(pages, 8), *counts = calloc(pages, 8),
             *buf = calloc(8192, 8);
    long t0 = now_ns();
    pread(pm, e, pages * 8, ((uintptr_t) p / 4096) * 8);
    long t1 = now_ns(), n = 0;
    for (long i = 0; i < pages; i++) if (e[i] >> 63) keys[n++] = (e[i] & ((1ULL << 55) - 1)) << 20 | i;
    qsort(keys, n, 8, cmp_u64);           // not timed: pagelab's radix sort of 1 GiB takes ~1.5 ms, qsort ~20
    long t2 = now_ns();
    long reads = read_sorted(kf, keys, n, flags, buf), m = 0;
    for (long k = 0; k < n; k++) {
        long i = keys[k] & 0xfffff;
        if (!((e[i] >> 56) & 1) || (flags[i] & (3 << 15 | 1 << 20))) keys[m++] = keys[k];
    }
    reads += read_sorted(kc, keys, m, counts, buf) + 1;
    long t3 = now_ns();
    printf("inspect_floor %ld %ld %ld\n", (t1 - t0) + (t3 - t2), pages, reads);
    printf("pagemap_part %ld %ld %ld\n", t1 - t0, pages, 1L);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "inspect") == 0) return inspect_floor(atol(argv[2]));
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

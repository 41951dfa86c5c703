/* clock.c: the clock frequency and the float64 multiply-add peak of the core this runs on, for run.sh.
 *
 *     cc -O2 -march=native -o clock tools/bench/clock.c && taskset -c 1 ./clock [SAMPLES]
 *
 * Both loops are timed by the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), not the wall clock: on a
 * machine shared with other work the time the thread waits for the core is not counted (with the wall
 * clock a loaded machine gave 0.67 GHz and ops at "163.8% of peak"). Each loop runs SAMPLES times (default
 * 9) for about 50 ms; the medians are the results, the minimum and maximum show the spread.
 *   - GHz: a chain of dependent integer adds runs at one add per cycle on x86-64.
 *   - FMA peak: 12 independent vectors of doubles each updated by a fused multiply-add per step, enough to
 *     fill every FMA unit; 2 FLOP per double per step. Vectors of 4 doubles (AVX2 registers) and of 8
 *     (AVX-512 registers, or two AVX2 ones) are both timed and the faster is the peak: on AMD Zen 4 the
 *     512-bit operations run as two 256-bit halves and reach less. This is what one core can reach in
 *     float64; FLOP/cycle = peak / GHz (16 on Zen 4 and on AVX2 cores with two FMA units).
 * Prints one JSON object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef double vec4 __attribute__((vector_size(4 * sizeof(double))));
typedef double vec8 __attribute__((vector_size(8 * sizeof(double))));

static double thread_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Giga-adds per second of a dependent chain (= GHz). */
static double adds_ghz(unsigned long steps) {
    unsigned long x = 0;
    double start = thread_seconds();
#if defined(__x86_64__)
    for (unsigned long i = 0; i < steps; i++)
        __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
#else
    return 0;
#endif
    return x / (thread_seconds() - start) / 1e9;
}

/* GFLOP/s of 12 independent fused multiply-add chains on vectors of LANES doubles (type VEC). */
#define FMA_LOOP(NAME, VEC, LANES)                                                                          \
static double NAME(unsigned long steps, double *sink) {                                                     \
    VEC m, c, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11;                                            \
    for (int j = 0; j < LANES; j++) {                                                                       \
        m[j] = 0.999999999; c[j] = 1e-9;                                                                    \
        a0[j] = j; a1[j] = j + 1; a2[j] = j + 2; a3[j] = j + 3; a4[j] = j + 4; a5[j] = j + 5;              \
        a6[j] = j + 6; a7[j] = j + 7; a8[j] = j + 8; a9[j] = j + 9; a10[j] = j + 10; a11[j] = j + 11;      \
    }                                                                                                       \
    double start = thread_seconds();                                                                        \
    for (unsigned long i = 0; i < steps; i++) {                                                             \
        a0 = a0 * m + c; a1 = a1 * m + c; a2 = a2 * m + c; a3 = a3 * m + c; a4 = a4 * m + c;               \
        a5 = a5 * m + c; a6 = a6 * m + c; a7 = a7 * m + c; a8 = a8 * m + c; a9 = a9 * m + c;               \
        a10 = a10 * m + c; a11 = a11 * m + c;                                                               \
        __asm__ volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5));                  \
        __asm__ volatile("" : "+v"(a6), "+v"(a7), "+v"(a8), "+v"(a9), "+v"(a10), "+v"(a11));                \
    }                                                                                                       \
    double seconds = thread_seconds() - start;                                                              \
    VEC total = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;                               \
    for (int j = 0; j < LANES; j++) *sink += total[j];                                                      \
    return 12.0 * LANES * 2 * steps / seconds / 1e9;                                                        \
}
FMA_LOOP(fma4_gflops, vec4, 4)
FMA_LOOP(fma8_gflops, vec8, 8)

int main(int argc, char **argv) {
    int samples = argc > 1 ? atoi(argv[1]) : 9;
    if (samples < 1 || samples > 1000) samples = 9;
    static double ghz[1000], peak4[1000], peak8[1000];
    double sink = 0;
    adds_ghz(10000000UL);  /* warm-up: let the core reach its clock */
    for (int s = 0; s < samples; s++) {
        ghz[s] = adds_ghz(25000000UL);            /* 200 M adds: about 60 ms at 3.5 GHz */
        peak4[s] = fma4_gflops(12000000UL, &sink); /* 12 M steps of 12 FMAs on 4 doubles */
        peak8[s] = fma8_gflops(6000000UL, &sink);  /* 6 M steps of 12 FMAs on 8 doubles */
    }
    qsort(ghz, samples, sizeof(double), compare);
    qsort(peak4, samples, sizeof(double), compare);
    qsort(peak8, samples, sizeof(double), compare);
    int wide = peak8[samples / 2] > peak4[samples / 2];
    double *peak = wide ? peak8 : peak4;
    printf("{\"clock\": \"thread-cpu\", \"samples\": %d, "
           "\"ghz\": %.4f, \"ghz_min\": %.4f, \"ghz_max\": %.4f, "
           "\"fma4_gflops\": %.3f, \"fma8_gflops\": %.3f, \"peak_lanes\": %d, "
           "\"fma_gflops\": %.3f, \"fma_gflops_min\": %.3f, \"fma_gflops_max\": %.3f, \"sink\": %d}\n",
           samples, ghz[samples / 2], ghz[0], ghz[samples - 1], peak4[samples / 2], peak8[samples / 2],
           wide ? 8 : 4, peak[samples / 2], peak[0], peak[samples - 1], sink > 0);
    return 0;
}

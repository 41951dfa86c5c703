// memory_floor.c: how long one core takes just to move conv4096's data, in the orders a convolution could use
// (docs/PERFORMANCE.md, "the seventh part"). No arithmetic: each loop only reads the 4096 x 4096 input
// (134 MB) and/or writes the 4094 x 4094 output (134 MB), so its time is the floor of a convolution that
// reads and writes the same way. Timed by the thread's CPU time; the minimum of 7 runs of each loop.
//
//     cc -O2 -march=native tools/bench/memory_floor.c -o /tmp/memory_floor && taskset -c 1 /tmp/memory_floor
//
// Needs x86-64 with AVX2 (the non-temporal stores are _mm256_stream_pd and _mm_stream_pd).
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define W 4096L           // input width and height
#define OW (W - 2)        // output width and height (a 3 x 3 kernel, valid)
#define ROWS 6            // output rows per group, as cnnrepl's direct 3 x 3 loop makes them

static double *input, *output, *staging;
static double sink;

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void read_input(void) {
    __m256d sum = _mm256_setzero_pd();
    for (long i = 0; i < W * W; i += 4) sum = _mm256_add_pd(sum, _mm256_load_pd(input + i));
    sink += sum[0];
}

static void write_plain(void) {
    __m256d v = _mm256_set1_pd(1);
    for (long i = 0; i < W * W; i += 4) _mm256_store_pd(output + i, v);
}

static void write_streaming(void) {
    __m256d v = _mm256_set1_pd(1);
    for (long i = 0; i < W * W; i += 4) _mm256_stream_pd(output + i, v);
    _mm_sfence();
}

static void copy_plain(void) {
    for (long i = 0; i < W * W; i += 4) _mm256_store_pd(output + i, _mm256_load_pd(input + i));
}

static void copy_streaming(void) {
    for (long i = 0; i < W * W; i += 4) _mm256_stream_pd(output + i, _mm256_load_pd(input + i));
    _mm_sfence();
}

/// Reads 16 columns from `ox` of the six input rows that the group of output rows from `oy` adds to those the
/// group before it read (rows oy + 2 to oy + 7), as the direct 3 x 3 loop reads them; returns `sum` plus them.
static inline __m256d read_new_rows(long oy, long ox, __m256d sum) {
    for (long r = 2; r < ROWS + 2; r++)
        for (long k = 0; k < 16; k += 4) sum = _mm256_add_pd(sum, _mm256_loadu_pd(input + (oy + r) * W + ox + k));
    return sum;
}

/// The direct 3 x 3 loop's order: per group of six output rows, the group's six new input rows are read
/// and six output rows written with plain stores.
static void convolution_order_plain(void) {
    __m256d sum = _mm256_setzero_pd();
    for (long oy = 0; oy + ROWS <= OW; oy += ROWS) {
        for (long ox = 0; ox + 16 <= OW; ox += 16) {
            sum = read_new_rows(oy, ox, sum);
            for (long r = 0; r < ROWS; r++)
                for (long k = 0; k < 16; k += 4) _mm256_storeu_pd(output + (oy + r) * OW + ox + k, sum);
        }
    }
    sink += sum[0];
}

/// The same reads; each group's six rows made in a buffer in cache, then copied out row by row with
/// non-temporal stores of whole 32-byte pieces (plain stores up to the first 32-byte boundary and after the last).
static void convolution_order_staged(void) {
    __m256d sum = _mm256_setzero_pd();
    for (long oy = 0; oy + ROWS <= OW; oy += ROWS) {
        for (long ox = 0; ox + 16 <= OW; ox += 16) {
            sum = read_new_rows(oy, ox, sum);
            for (long r = 0; r < ROWS; r++)
                for (long k = 0; k < 16; k += 4) _mm256_storeu_pd(staging + r * OW + ox + k, sum);
        }
        for (long r = 0; r < ROWS; r++) {
            double *target = output + (oy + r) * OW, *source = staging + r * OW;
            long i = 0;
            while (i < OW && ((uintptr_t)(target + i) & 31) != 0) { target[i] = source[i]; i++; }
            for (; i + 4 <= OW; i += 4) _mm256_stream_pd(target + i, _mm256_loadu_pd(source + i));
            for (; i < OW; i++) target[i] = source[i];
        }
    }
    _mm_sfence();
    sink += sum[0];
}

static void time_loop(const char *name, void (*loop)(void)) {
    double best = 1e9;
    for (int run = 0; run < 7; run++) {
        double start = seconds();
        loop();
        double took = seconds() - start;
        if (took < best) best = took;
    }
    printf("%-58s %6.1f ms\n", name, best * 1e3);
}

int main(void) {
    input = aligned_alloc(64, W * W * sizeof(double));
    output = aligned_alloc(64, W * W * sizeof(double));
    staging = aligned_alloc(64, ROWS * OW * sizeof(double));
    if (!input || !output || !staging) return 1;
    for (long i = 0; i < W * W; i++) { input[i] = (double)(i % 1000); output[i] = 0; }
    for (long i = 0; i < ROWS * OW; i++) staging[i] = 0;
    time_loop("read the input", read_input);
    time_loop("write the output, plain stores", write_plain);
    time_loop("write the output, non-temporal stores", write_streaming);
    time_loop("copy, plain stores", copy_plain);
    time_loop("copy, non-temporal stores", copy_streaming);
    time_loop("convolution's order, plain stores", convolution_order_plain);
    time_loop("convolution's order, rows staged, non-temporal stores", convolution_order_staged);
    return sink == 12345.678 ? 2 : 0;
}

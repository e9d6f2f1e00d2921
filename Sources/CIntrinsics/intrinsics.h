// What Swift cannot spell, as inline C functions (header only):
// - software prefetch, for the gather loops of tree training (histograms over a leaf's rows): the
//   rows of a leaf are scattered, and the hardware prefetcher cannot guess the next one;
// - whether this processor and its operating system run AVX-512 or AVX2 code, so that the scorer
//   picks its AVX-512 or AVX2 kernels (OverturnKernelsAVX512, OverturnKernelsAVX2) only where they run.
#ifndef OVERTURN_INTRINSICS_H
#define OVERTURN_INTRINSICS_H

static inline void overturn_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#if defined(__x86_64__)
#include <cpuid.h>
#endif

/// 1 when the processor has what `-target-cpu haswell` code uses (AVX, AVX2, FMA, BMI1/2, LZCNT,
/// POPCNT, MOVBE, F16C) and the operating system saves the vector registers (XCR0: SSE and AVX);
/// 0 otherwise.
static inline int overturn_has_avx2(void) {
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const unsigned leaf1 = (1u << 12) | (1u << 22) | (1u << 23) | (1u << 27) | (1u << 28) | (1u << 29);  // FMA MOVBE POPCNT OSXSAVE AVX F16C
    if ((c & leaf1) != leaf1) return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0x6) != 0x6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const unsigned leaf7 = (1u << 3) | (1u << 5) | (1u << 8);  // BMI1 AVX2 BMI2
    if ((b & leaf7) != leaf7) return 0;
    if (!__get_cpuid(0x80000001, &a, &b, &c, &d)) return 0;
    return (c & (1u << 5)) != 0;  // LZCNT
#else
    return 0;
#endif
}

/// 1 when the processor has what `-target-cpu skylake-avx512` code uses (what `overturn_has_avx2`
/// checks, and AVX-512 F, CD, BW, DQ, VL) and the operating system saves the AVX-512 registers too
/// (XCR0: opmask and both ZMM halves); 0 otherwise.
static inline int overturn_has_avx512(void) {
#if defined(__x86_64__)
    if (!overturn_has_avx2()) return 0;
    unsigned a, b, c, d;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6) != 0xE6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const unsigned leaf7 = (1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31);
    return (b & leaf7) == leaf7;  // F DQ CD BW VL
#else
    return 0;
#endif
}

#endif

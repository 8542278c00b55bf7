#pragma once
// Function multi-versioning for the hot loops: DWMTJ_CLONES compiles a function for AVX-512,
// AVX2 and the x86-64 baseline, and the loader picks the best the CPU has (GCC target_clones,
// resolved once through an ifunc). One binary, built for any x86-64, still uses the wide
// registers of the machine it runs on. Other compilers and architectures get one version.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define DWMTJ_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DWMTJ_CLONES
#endif

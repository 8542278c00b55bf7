#pragma once
// DWMTJ_HD marks the small functions that the CPU loops and the CUDA kernels (cuda/kernels.cu)
// share: one definition for both, so that both compute the same numbers (rng.h, lut_grid.h).
#if defined(__CUDACC__)
#define DWMTJ_HD __host__ __device__ __forceinline__
#else
#define DWMTJ_HD [[gnu::always_inline]] inline
#endif

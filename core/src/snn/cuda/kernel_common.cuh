#pragma once
// What the CUDA kernel files share (kernels.cu, kernels_released.cu): error checks, launch
// geometry, the stream key, the block-wide tally and the table in shared memory, and the
// run-time choice among a kernel's 16 compile-time variants. Internal to core/src/snn/cuda.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include "dwmtj/error.h"
#include "kernels.h"

namespace dwmtj::core::snn::cuda::detail {

constexpr int kSharedBytes = 48 * 1024;  // without an opt-in attribute
constexpr int kThreads = 128;            // per block, thread-per-neuron kernels

inline void check(cudaError_t e, const char* what)
{
    if (e != cudaSuccess)
        throw Error(std::string("CUDA error in the ") + what + " kernel: " + cudaGetErrorString(e));
}

inline cudaStream_t asStream(void* s) { return static_cast<cudaStream_t>(s); }

inline unsigned blocksFor(int64_t n, int threads, int64_t cap = int64_t(1) << 30)
{
    return unsigned(std::max<int64_t>(1, std::min<int64_t>((n + threads - 1) / threads, cap)));
}

__device__ __forceinline__ uint64_t keyOf(const Key& k) { return k.slot ? *k.slot : k.key; }

/// Sum of v over the block, added to *out by one atomic per warp.
__device__ __forceinline__ void addToTotal(double v, double* out)
{
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    if ((threadIdx.x & 31) == 0 && v != 0.0) atomicAdd(out, v);
}

/// The table in shared memory when it fits (kShared), else read from global memory.
template <bool kShared>
__device__ __forceinline__ void tableArrays(const Table& tb, float* smem, const float*& val,
                                            const float*& der)
{
    if constexpr (kShared) {
        const int n = tb.size * tb.curves;
        for (int k = threadIdx.x; k < n; k += blockDim.x) {
            smem[k] = tb.value[k];
            smem[n + k] = tb.deriv[k];
        }
        __syncthreads();
        val = smem;
        der = smem + n;
    } else {
        val = tb.value;
        der = tb.deriv;
    }
}

inline bool tableFits(const Table& tb)
{
    return 2 * int64_t(tb.size) * tb.curves * 4 <= kSharedBytes;
}

template <template <bool, bool, bool, bool> class Launch, typename... Args>
void dispatch4(bool a, bool b, bool c, bool d, Args&&... args)
{
    // 16 instantiations chosen at run time.
    const int code = (a ? 8 : 0) | (b ? 4 : 0) | (c ? 2 : 0) | (d ? 1 : 0);
    switch (code) {
#define DWMTJ_CASE(n)                                                             \
    case n:                                                                       \
        Launch<bool(n & 8), bool(n & 4), bool(n & 2), bool(n & 1)>::run(args...); \
        break;
        DWMTJ_CASE(0)
        DWMTJ_CASE(1)
        DWMTJ_CASE(2) DWMTJ_CASE(3) DWMTJ_CASE(4) DWMTJ_CASE(5) DWMTJ_CASE(6) DWMTJ_CASE(7)
            DWMTJ_CASE(8) DWMTJ_CASE(9) DWMTJ_CASE(10) DWMTJ_CASE(11) DWMTJ_CASE(12) DWMTJ_CASE(13)
                DWMTJ_CASE(14) DWMTJ_CASE(15)
#undef DWMTJ_CASE
    }
}

}  // namespace dwmtj::core::snn::cuda::detail

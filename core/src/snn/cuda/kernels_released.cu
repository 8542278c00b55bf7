// The released code's cells on the GPU (kernels.h; docs/models.md, "As released"): the
// per-element arithmetic of released_cells.h, shared with neuron_released.cpp, so that the same
// voltages and keys give the same outputs. Compiled with --fmad=false like kernels.cu.
#include "kernel_common.cuh"
#include "snn/released_cells.h"
#include "snn/rng.h"

namespace dwmtj::core::snn::cuda {
namespace {

using namespace detail;

// ------------------------------------------------------------------------------- released cells

/// neuron_released.cpp's binary cell: one element per thread (grid-stride), released_cells.h.
template <bool kShared, bool kGrad, bool kTally, bool kDeterministic>
__global__ void binaryReleasedKernel(const float* __restrict__ x, float* __restrict__ z,
                                     float* __restrict__ grad, int64_t M, Table tb, Key key,
                                     Tally tally)
{
    extern __shared__ float smem[];
    const float* val;
    const float* der;
    tableArrays<kShared>(tb, smem, val, der);
    const uint64_t k = keyOf(key);
    double sv = 0, ss = 0;
    for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < M;
         e += int64_t(gridDim.x) * blockDim.x) {
        const float u = kDeterministic ? 0.5f : toUnitFloat(uniformU32(k, e));
        const ReleasedBinaryOut o =
            releasedBinaryCell(x[e], u, val, tb.size, tb.vMin, tb.invStep, tb.centre, tb.gain);
        z[e] = o.out;
        if constexpr (kGrad) grad[e] = o.slope;
        if constexpr (kTally) {
            sv += double(o.V) * o.V;
            ss += o.out;
        }
    }
    if constexpr (kTally) {
        addToTotal(sv, tally.sumSquareVoltage);
        addToTotal(ss, tally.spikes);
    }
}

/// neuron_released.cpp's multi-weight cell: one thread per neuron, the time loop inside.
template <bool kShared, bool kSave, bool kTally, bool kDeterministic>
__global__ void mwReleasedKernel(const float* __restrict__ x, float* __restrict__ z,
                                 float* __restrict__ pre, float* __restrict__ slope,
                                 int8_t* __restrict__ increments, int64_t T, int64_t N, Table tb,
                                 Key key, Tally tally)
{
    extern __shared__ float smem[];
    const float* val;
    const float* der;
    tableArrays<kShared>(tb, smem, val, der);
    const int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    double sv = 0, ss = 0;
    if (n < N) {
        const uint64_t k = keyOf(key);
        float v = 0.0f;
        for (int64_t t = 0; t < T; ++t) {
            const int64_t o = t * N + n;
            const ReleasedIncrement d =
                releasedIncrement(x[o], toUnitFloat(uniformU32(k, o)), kDeterministic, val, der,
                                  tb.size, tb.curves, tb.vMin, tb.invStep, tb.centre, tb.gain);
            float spike;
            const float a = releasedAdvance(v, d.step, spike);
            z[o] = spike;
            if constexpr (kSave) {
                pre[o] = a;
                slope[o] = d.slope;
            }
            if (increments) increments[o] = int8_t(d.signedD);
            if constexpr (kTally) {
                sv += double(d.drive) * d.drive;
                ss += spike;
            }
        }
    }
    if constexpr (kTally) {
        addToTotal(sv, tally.sumSquareVoltage);
        addToTotal(ss, tally.spikes);
    }
}

__global__ void mwReleasedBackwardKernel(const float* __restrict__ gz,
                                         const float* __restrict__ pre,
                                         const float* __restrict__ slope, float* __restrict__ gx,
                                         int64_t T, int64_t N)
{
    const int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (n >= N) return;
    float gv = 0.0f;
    for (int64_t t = T - 1; t >= 0; --t) {
        const int64_t o = t * N + n;
        gx[o] = releasedAdjoint(__ldg(pre + o), __ldg(gz + o), gv) * __ldg(slope + o);
    }
}

template <bool kShared, bool kGrad, bool kTally, bool kDeterministic>
struct BinaryReleasedLaunch {
    static void run(const float* x, float* z, float* grad, int64_t M, const Table& tb, Key key,
                    Tally tally, cudaStream_t s)
    {
        const size_t shared = kShared ? size_t(2) * tb.size * tb.curves * sizeof(float) : 0;
        binaryReleasedKernel<kShared, kGrad, kTally, kDeterministic>
            <<<blocksFor(M, 256, 132 * 16), 256, shared, s>>>(x, z, grad, M, tb, key, tally);
    }
};

template <bool kShared, bool kSave, bool kTally, bool kDeterministic>
struct MwReleasedLaunch {
    static void run(const float* x, float* z, float* pre, float* slope, int8_t* increments,
                    int64_t T, int64_t N, const Table& tb, Key key, Tally tally, cudaStream_t s)
    {
        const size_t shared = kShared ? size_t(2) * tb.size * tb.curves * sizeof(float) : 0;
        mwReleasedKernel<kShared, kSave, kTally, kDeterministic>
            <<<blocksFor(N, kThreads), kThreads, shared, s>>>(x, z, pre, slope, increments, T, N,
                                                              tb, key, tally);
    }
};
}  // namespace

void binaryReleased(const float* x, float* z, float* grad, int64_t M, const Table& table,
                    bool deterministic, Key key, Tally tally, void* stream)
{
    if (M == 0) return;
    dispatch4<BinaryReleasedLaunch>(tableFits(table), grad != nullptr, tally.spikes != nullptr,
                                    deterministic, x, z, grad, M, table, key, tally,
                                    asStream(stream));
    check(cudaGetLastError(), "released binary DW-MTJ");
}

void multiStateReleasedForward(const float* x, float* z, float* pre, float* slope,
                               int8_t* increments, int64_t T, int64_t N, const Table& table,
                               bool deterministic, Key key, Tally tally, void* stream)
{
    if (N == 0 || T == 0) return;
    if ((pre == nullptr) != (slope == nullptr))
        throw Error("released multi-weight DW-MTJ kernel: pre and slope go together");
    dispatch4<MwReleasedLaunch>(tableFits(table), pre != nullptr, tally.spikes != nullptr,
                                deterministic, x, z, pre, slope, increments, T, N, table, key,
                                tally, asStream(stream));
    check(cudaGetLastError(), "released multi-weight DW-MTJ");
}

void multiStateReleasedBackward(const float* gz, const float* pre, const float* slope, float* gx,
                                int64_t T, int64_t N, void* stream)
{
    if (N == 0 || T == 0) return;
    mwReleasedBackwardKernel<<<blocksFor(N, kThreads), kThreads, 0, asStream(stream)>>>(
        gz, pre, slope, gx, T, N);
    check(cudaGetLastError(), "released multi-weight DW-MTJ backward");
}
}  // namespace dwmtj::core::snn::cuda

// The CUDA kernels of the spiking network (kernels.h). Compiled with --fmad=false, so that every
// float operation rounds as in the CPU kernels (neuron_*.cpp, which GCC does not contract in
// ISO C++ mode): the same inputs and keys give the same spikes, bit for bit, except where the
// cycle-to-cycle jitter's logf/cosf differ from glibc's in the last bit.
#include <cuda_runtime.h>

#include <algorithm>
#include <string>

#include "dwmtj/error.h"
#include "kernel_common.cuh"
#include "kernels.h"
#include "snn/lut_grid.h"
#include "snn/neuron_constants.h"
#include "snn/rng.h"

namespace dwmtj::core::snn::cuda {
namespace {

using namespace detail;

// ------------------------------------------------------------------------------------ LIF

template <bool kSaveVd, bool kCount>
__global__ void lifForwardKernel(const float* __restrict__ x, float* __restrict__ z,
                                 float* __restrict__ vd, int64_t T, int64_t N, double* spikes)
{
    const int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    int count = 0;
    if (n < N) {
        float v = 0.0f, i = 0.0f;
#pragma unroll 8
        for (int64_t t = 0; t < T; ++t) {
            const int64_t o = t * N + n;
            const float xt = __ldg(x + o);
            const float vdk = v + kMemDecay * (i - v);
            const float idk = i - kSynDecay * i;
            const bool spike = vdk > 1.0f;
            const float s = spike ? 1.0f : 0.0f;
            z[o] = s;
            count += spike;
            v = (1.0f - s) * vdk;
            i = idk + xt;
            if constexpr (kSaveVd) vd[o] = vdk;
        }
    }
    if constexpr (kCount) addToTotal(double(count), spikes);
}

__global__ void lifBackwardKernel(const float* __restrict__ gz, const float* __restrict__ vd,
                                  float* __restrict__ gx, int64_t T, int64_t N)
{
    const int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (n >= N) return;
    float gv = 0.0f, gi = 0.0f;
#pragma unroll 8
    for (int64_t t = T - 1; t >= 0; --t) {
        const int64_t o = t * N + n;
        const float vdt = __ldg(vd + o), gzt = __ldg(gz + o);
        const float xm = vdt - 1.0f;
        const float r = 1.0f / (kAlpha * fabsf(xm) + 1.0f);
        const float s = r * r;  // SuperSpike dz/dx
        const float zk = xm > 0 ? 1.0f : 0.0f;
        const float gvd = gzt * s + gv * ((1.0f - zk) - vdt * s);
        gx[o] = gi;
        gv = (1.0f - kMemDecay) * gvd;
        gi = kMemDecay * gvd + (1.0f - kSynDecay) * gi;
    }
}

// ------------------------------------------------------------------------------------ LI

__global__ void liForwardKernel(const float* __restrict__ x, float* __restrict__ out, int64_t T,
                                int64_t N)
{
    const int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (n >= N) return;
    float v = 0.0f, i = 0.0f;
#pragma unroll 8
    for (int64_t t = 0; t < T; ++t) {
        const int64_t o = t * N + n;
        const float ij = i + __ldg(x + o);
        v = v + kMemDecay * (ij - v);
        i = ij - kSynDecay * ij;
        out[o] = v;
    }
}

__global__ void liBackwardKernel(const float* __restrict__ g, float* __restrict__ gx, int64_t T,
                                 int64_t N)
{
    const int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (n >= N) return;
    float gv = 0.0f, gi = 0.0f;
#pragma unroll 8
    for (int64_t t = T - 1; t >= 0; --t) {
        const int64_t o = t * N + n;
        const float gV = __ldg(g + o) + gv;
        const float gij = kMemDecay * gV + (1.0f - kSynDecay) * gi;
        gx[o] = gij;
        gv = (1.0f - kMemDecay) * gV;
        gi = gij;
    }
}

// ------------------------------------------------------------------------------------ binary

/// neuron_binary.cpp: binaryForward (nominal) and binaryStepVariedT (kVaried), same operations
/// in the same order.
template <bool kShared, bool kVaried, bool kGrad, bool kTally>
__global__ void binaryKernel(const float* __restrict__ x, float* __restrict__ z,
                             float* __restrict__ grad, int64_t M, int64_t neurons, Table tb,
                             Variation var, Key key, Tally tally)
{
    extern __shared__ float smem[];
    const float* val;
    const float* der;
    tableArrays<kShared>(tb, smem, val, der);
    const uint64_t k = keyOf(key), jitter = jitterKey(k);
    const float last = float(tb.size - 1);
    const int maxIndex = tb.size - 2;
    double sv = 0, ss = 0;
    for (int64_t e = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; e < M;
         e += int64_t(gridDim.x) * blockDim.x) {
        float V = tb.centre + tb.gain * x[e];
        float f, liv = 1.0f, frc = 0.0f, is = 1.0f;
        if constexpr (kVaried) {
            const int64_t dev = e % neurons;
            const float g = var.c2cSd > 0 ? normalAt(jitter, e) : 0.0f;
            V = V + var.c2cSd * g;
            is = var.invScale[dev];
            liv = var.live[dev];
            frc = var.forced[dev];
            f = (var.pivot + (V - var.pivot - var.shift[dev]) * is - tb.vMin) * tb.invStep;
        } else {
            f = (V - tb.vMin) * tb.invStep;
        }
        const GridPoint q = gridPoint(f, last, maxIndex);
        float p = interpolate(val, q.i0, 1, q.fr);
        if constexpr (kVaried) p = liv * p + frc;
        const float s = bernoulli(uniformU32(k, e), p);
        z[e] = s;
        if constexpr (kGrad) {
            const float d = interpolate(der, q.i0, 1, q.fr);
            grad[e] = kVaried ? liv * tb.gain * is * d : tb.gain * d;
        }
        if constexpr (kTally) {
            sv += double(V) * V;
            ss += s;
        }
    }
    if constexpr (kTally) {
        addToTotal(sv, tally.sumSquareVoltage);
        addToTotal(ss, tally.spikes);
    }
}

// ------------------------------------------------------------------------------- multi-weight

/// neuron_multistate.cpp: multiStateStep (nominal) and multiStateVariedSpan (kVaried), one
/// thread per neuron with the time loop inside, same operations in the same order.
template <bool kShared, bool kVaried, bool kGrad, bool kTally>
__global__ void multiStateKernel(const float* __restrict__ x, float* __restrict__ z,
                                 float* __restrict__ grad, int8_t* __restrict__ states, int64_t T,
                                 int64_t N, int64_t neurons, Table tb, Variation var, Key key,
                                 Tally tally)
{
    extern __shared__ float smem[];
    const float* val;
    const float* der;
    tableArrays<kShared>(tb, smem, val, der);
    const int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    double sv = 0, ss = 0;
    if (n < N) {
        const uint64_t k = keyOf(key), jk = jitterKey(k);
        const int nc = tb.curves, K = nc + 1;
        const float last = float(tb.size - 1);
        const int maxIndex = tb.size - 2;
        // VariedCoefs::of for this neuron's device.
        float a = 0, jit = 0, gs = 0, is = 1;
        int isLive = 1, isForced = 0;
        int64_t dev = 0;
        const bool jitter = kVaried && var.c2cSd > 0;
        if constexpr (kVaried) {
            dev = n % neurons;
            is = var.invScale[dev];
            a = tb.gain * is * tb.invStep;
            jit = var.c2cSd * is * tb.invStep;
            gs = var.live[dev] * tb.gain * is;
            isLive = int(var.live[dev] > 0);
            isForced = int(var.forced[dev] > 0);
        }
        int m = 1;
        for (int64_t t = 0; t < T; ++t) {
            const int64_t o = t * N + n;
            const float xt = x[o];
            const float uk = toUnitFloat(uniformU32(k, o));
            const int need = K - m;
            int d = 0, spike;
            float V = tb.centre + tb.gain * xt;
            if constexpr (kVaried) {
                const float g = jitter ? normalAt(jk, o) : 0.0f;
                if (jitter) V = V + var.c2cSd * g;
                float base = a * xt;
                if (jitter) base += jit * g;
                int above = 1;
                float fNeed = 0;
                for (int c = 0; c < nc; ++c) {
                    const float b =
                        (var.pivot - tb.vMin +
                         (tb.centre - var.pivot - var.shift[int64_t(c) * neurons + dev]) * is) *
                        tb.invStep;
                    const GridPoint q = gridPoint(base + b, last, maxIndex);
                    above &= int(uk < interpolate(val, q.i0 * nc + c, nc, q.fr));
                    d += above;
                    if (c == need - 1) fNeed = q.f;
                }
                if constexpr (kGrad) {
                    const GridPoint q = gridPoint(fNeed, last, maxIndex);  // fNeed is on the grid
                    grad[o] = gs * interpolate(der, q.i0 * nc + need - 1, nc, q.fr);
                }
                spike = isForced | (isLive & int(d >= need));
                m = spike ? 1 : m + d * isLive;
            } else {
                const GridPoint q = gridPoint((V - tb.vMin) * tb.invStep, last, maxIndex);
                const int base = q.i0 * nc;
                for (int c = 0; c < nc; ++c) d += uk < interpolate(val, base + c, nc, q.fr) ? 1 : 0;
                spike = d >= need ? 1 : 0;
                if constexpr (kGrad)
                    grad[o] = tb.gain * interpolate(der, base + need - 1, nc, q.fr);
                m = spike ? 1 : m + d;
            }
            z[o] = float(spike);
            if (states) states[o] = int8_t(m);
            if constexpr (kTally) {
                sv += double(V) * V;
                ss += spike;
            }
        }
    }
    if constexpr (kTally) {
        addToTotal(sv, tally.sumSquareVoltage);
        addToTotal(ss, tally.spikes);
    }
}

// ------------------------------------------------------------------------------- encoder, Adam

__global__ void poissonKernel(const float* __restrict__ prob, float* __restrict__ out, int64_t M,
                              int64_t period, Key key)
{
    const uint64_t k = keyOf(key);
    const int64_t pairs = (M + 1) / 2;
    for (int64_t j = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; j < pairs;
         j += int64_t(gridDim.x) * blockDim.x) {
        const uint64_t h = mix64(k + uint64_t(j) * kGolden);
        const int64_t e = 2 * j;
        out[e] = bernoulli(uint32_t(h), __ldg(prob + e % period));
        if (e + 1 < M) out[e + 1] = bernoulli(uint32_t(h >> 32), __ldg(prob + (e + 1) % period));
    }
}

constexpr int kAdamBatch = 16;
struct AdamBatch {
    AdamTensor t[kAdamBatch];
};

__global__ void adamKernel(AdamBatch batch, const float* step, float lr, float b1, float b2,
                           float eps)
{
    const AdamTensor a = batch.t[blockIdx.y];
    const double s = double(*step);
    const float bc1 = float(1.0 - pow(double(b1), s));
    const float bc2sqrt = float(sqrt(1.0 - pow(double(b2), s)));
    const float stepSize = lr / bc1;
    for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < a.n;
         i += int64_t(gridDim.x) * blockDim.x) {
        const float g = a.grad[i];
        const float m = a.m[i] * b1 + g * (1.0f - b1);
        const float v = a.v[i] * b2 + g * g * (1.0f - b2);
        a.m[i] = m;
        a.v[i] = v;
        a.param[i] -= stepSize * (m / (sqrtf(v) / bc2sqrt + eps));
    }
}

__global__ void incrementKernel(float* step) { *step += 1.0f; }

template <bool kShared, bool kVaried, bool kGrad, bool kTally>
struct BinaryLaunch {
    static void run(const float* x, float* z, float* grad, int64_t M, int64_t neurons,
                    const Table& tb, const Variation& var, Key key, Tally tally, cudaStream_t s)
    {
        const size_t shared = kShared ? size_t(2) * tb.size * tb.curves * sizeof(float) : 0;
        binaryKernel<kShared, kVaried, kGrad, kTally>
            <<<blocksFor(M, 256, 132 * 16), 256, shared, s>>>(x, z, grad, M, neurons, tb, var, key,
                                                              tally);
    }
};

template <bool kShared, bool kVaried, bool kGrad, bool kTally>
struct MultiStateLaunch {
    static void run(const float* x, float* z, float* grad, int8_t* states, int64_t T, int64_t N,
                    int64_t neurons, const Table& tb, const Variation& var, Key key, Tally tally,
                    cudaStream_t s)
    {
        const size_t shared = kShared ? size_t(2) * tb.size * tb.curves * sizeof(float) : 0;
        multiStateKernel<kShared, kVaried, kGrad, kTally>
            <<<blocksFor(N, kThreads), kThreads, shared, s>>>(x, z, grad, states, T, N, neurons, tb,
                                                              var, key, tally);
    }
};

}  // namespace

bool built() { return true; }

void lifForward(const float* x, float* z, float* vd, int64_t T, int64_t N, double* spikes,
                void* stream)
{
    const unsigned blocks = blocksFor(N, kThreads);
    const cudaStream_t s = asStream(stream);
    if (vd && spikes)
        lifForwardKernel<true, true><<<blocks, kThreads, 0, s>>>(x, z, vd, T, N, spikes);
    else if (vd)
        lifForwardKernel<true, false><<<blocks, kThreads, 0, s>>>(x, z, vd, T, N, spikes);
    else if (spikes)
        lifForwardKernel<false, true><<<blocks, kThreads, 0, s>>>(x, z, vd, T, N, spikes);
    else
        lifForwardKernel<false, false><<<blocks, kThreads, 0, s>>>(x, z, vd, T, N, spikes);
    check(cudaGetLastError(), "LIF forward");
}

void lifBackward(const float* gz, const float* vd, float* gx, int64_t T, int64_t N, void* stream)
{
    lifBackwardKernel<<<blocksFor(N, kThreads), kThreads, 0, asStream(stream)>>>(gz, vd, gx, T, N);
    check(cudaGetLastError(), "LIF backward");
}

void liForward(const float* x, float* v, int64_t T, int64_t N, void* stream)
{
    liForwardKernel<<<blocksFor(N, kThreads), kThreads, 0, asStream(stream)>>>(x, v, T, N);
    check(cudaGetLastError(), "LI readout forward");
}

void liBackward(const float* gv, float* gx, int64_t T, int64_t N, void* stream)
{
    liBackwardKernel<<<blocksFor(N, kThreads), kThreads, 0, asStream(stream)>>>(gv, gx, T, N);
    check(cudaGetLastError(), "LI readout backward");
}

void binarySample(const float* x, float* z, float* grad, int64_t M, int64_t neurons,
                  const Table& table, const Variation* variation, Key key, Tally tally,
                  void* stream)
{
    if (M == 0) return;
    const Variation none{};
    dispatch4<BinaryLaunch>(tableFits(table), variation != nullptr, grad != nullptr,
                            tally.spikes != nullptr, x, z, grad, M, neurons, table,
                            variation ? *variation : none, key, tally, asStream(stream));
    check(cudaGetLastError(), "binary DW-MTJ");
}

void multiStateForward(const float* x, float* z, float* grad, int8_t* states, int64_t T, int64_t N,
                       int64_t neurons, const Table& table, const Variation* variation, Key key,
                       Tally tally, void* stream)
{
    if (N == 0 || T == 0) return;
    const Variation none{};
    dispatch4<MultiStateLaunch>(tableFits(table), variation != nullptr, grad != nullptr,
                                tally.spikes != nullptr, x, z, grad, states, T, N, neurons, table,
                                variation ? *variation : none, key, tally, asStream(stream));
    check(cudaGetLastError(), "multi-weight DW-MTJ");
}

void poissonEncode(const float* prob, float* out, int64_t M, int64_t period, Key key, void* stream)
{
    if (M == 0) return;
    poissonKernel<<<blocksFor((M + 1) / 2, 256, 132 * 16), 256, 0, asStream(stream)>>>(prob, out, M,
                                                                                       period, key);
    check(cudaGetLastError(), "Poisson encoder");
}

void adamStep(const AdamTensor* tensors, int count, const float* step, double lr, double beta1,
              double beta2, double eps, void* stream)
{
    for (int first = 0; first < count; first += kAdamBatch) {
        AdamBatch batch{};
        const int n = std::min(kAdamBatch, count - first);
        int64_t largest = 1;
        for (int k = 0; k < n; ++k) {
            batch.t[k] = tensors[first + k];
            largest = std::max(largest, batch.t[k].n);
        }
        const dim3 grid(blocksFor(largest, 256, 264), unsigned(n));
        adamKernel<<<grid, 256, 0, asStream(stream)>>>(batch, step, float(lr), float(beta1),
                                                       float(beta2), float(eps));
        check(cudaGetLastError(), "Adam");
    }
}

void incrementStep(float* step, void* stream)
{
    incrementKernel<<<1, 1, 0, asStream(stream)>>>(step);
    check(cudaGetLastError(), "Adam step counter");
}

}  // namespace dwmtj::core::snn::cuda

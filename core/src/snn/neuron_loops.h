#pragma once
// What the neuron files share (internal to core/src/snn): the block loop over neurons, the
// LUT lookup (lut_grid.h), the activity tally, input checks and the autograd function of the
// stochastic device neurons. One file per neuron kind (neuron_<id>.cpp) builds on it;
// docs/models.md, "Neuron kinds", says how to add one.
#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "dwmtj/error.h"
#include "neuron_constants.h"
#include "neurons.h"
#include "rng.h"
#ifdef DWMTJ_HAVE_CUDA_KERNELS
#include "cuda/kernels.h"
#endif

namespace dwmtj::core::snn::detail {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

extern std::atomic<bool> g_forceGeneric;  ///< setForceGenericKernels
inline constexpr int64_t kBlock = 1024;   // neurons per parallel work item

inline bool fused(const Tensor& x) { return x.device().is_cpu() && !g_forceGeneric.load(); }

/// The CUDA kernels run for x (a DWMTJ_CUDA build, x on a CUDA device, not forced generic).
inline bool onCudaKernels([[maybe_unused]] const Tensor& x)
{
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    return x.is_cuda() && !g_forceGeneric.load();
#else
    return false;
#endif
}

#ifdef DWMTJ_HAVE_CUDA_KERNELS
/// The table, its variation and a layer's key as the CUDA kernels take them.
cuda::Table cudaTable(const DeviceTable& tb);
cuda::Variation cudaVariation(const DeviceVariation& v);
inline cuda::Key cudaKey(uint64_t key) { return {key, DeviceKeyScope::current()}; }
/// Two device doubles for a kernel's tally (sum of V^2, spikes), added to `tally` by
/// finishCudaTally with `samples` samples (one device-to-host copy).
Tensor cudaTallyBuffer(const Tensor& like, ActivityTally* tally);
cuda::Tally cudaTallyOf(const Tensor& buffer);
void finishCudaTally(const Tensor& buffer, ActivityTally* tally, double samples);
#endif

inline void checkInput(const Tensor& x, const char* what)
{
    if (x.dim() != 3) throw Error(std::string(what) + ": expected a [T, B, N] tensor");
    if (x.scalar_type() != torch::kFloat)
        throw Error(std::string(what) + ": expected float32 input");
}

inline int64_t blocksOf(int64_t n) { return (n + kBlock - 1) / kBlock; }

/// Runs body(block, e0, n, s0, s1) for every block of up to kBlock neurons [e0, e0 + n),
/// in parallel; s0 and s1 are the block's two state arrays, set to zero (v and i, or their
/// adjoints). Results do not depend on how blocks are spread over threads.
template <typename Body>
void forNeuronBlocks(int64_t N, Body&& body)
{
    at::parallel_for(0, blocksOf(N), 1, [&](int64_t b0, int64_t b1) {
        float s0[kBlock], s1[kBlock];
        for (int64_t b = b0; b < b1; ++b) {
            const int64_t e0 = b * kBlock, n = std::min(kBlock, N - e0);
            std::fill_n(s0, n, 0.0f);
            std::fill_n(s1, n, 0.0f);
            body(b, e0, n, s0, s1);
        }
    });
}

inline void addTally(ActivityTally* tally, const std::vector<double>& v2,
                     const std::vector<double>& spikes, double samples)
{
    if (!tally) return;
    for (double s : v2) tally->sumSquareVoltage += s;
    for (double s : spikes) tally->spikes += s;
    tally->samples += samples;
}

/// Standard normal numbers normalAt(key, start + k), k < n: the cycle-to-cycle jitter of device
/// neurons.
void fillNormal(uint64_t key, int64_t start, int64_t n, float* out);

/// The voltage-dependent part of a device neuron with variation: checks that the variation
/// fits a layer of `neurons` neurons (the last dimension) and `curves` curves.
void checkVariation(const DeviceTable& tb, int64_t neurons, const Tensor& x);

inline bool needsGrad(const Tensor& x)
{
    return torch::GradMode::is_enabled() && x.requires_grad();
}

/// A stochastic device neuron's sampler: returns the spikes z and fills localGrad (dz/dx of
/// the straight-through estimator) when it is defined on entry.
using Sampler = Tensor (*)(const Tensor& x, const DeviceTable& tb, uint64_t key, Tensor* localGrad,
                           ActivityTally* tally);

/// z = sample (computed in forward); dz/dx = the local gradient saved by the sampler.
struct StochasticFn : torch::autograd::Function<StochasticFn> {
    static Tensor forward(AutogradContext* ctx, Tensor x, const DeviceTable* tb, uint64_t key,
                          ActivityTally* tally, Sampler sampler)
    {
        Tensor local;
        Tensor z = sampler(x, *tb, key, &local, tally);
        ctx->save_for_backward({local});
        return z;
    }
    static tensor_list backward(AutogradContext* ctx, tensor_list g)
    {
        const Tensor local = ctx->get_saved_variables()[0];
        return {g[0] * local, Tensor(), Tensor(), Tensor(), Tensor()};
    }
};

}  // namespace dwmtj::core::snn::detail

// The binary DW-MTJ neuron (docs/models.md): a spike with the switching probability p(V_t) of
// the device, straight-through gradient gain * p'(V).
#include <cmath>

#include "lut_grid.h"
#include "neuron_loops.h"
#include "rng.h"
#include "simd.h"

namespace dwmtj::core::snn {

using namespace detail;

namespace {

/// n binary devices from neuron `dev0` of a layer of `devices` (DeviceTable::variation): the
/// per-device transform of the jittered voltage V + c2c g, stuck devices (p = live p + forced,
/// no gradient for them). In runs where the device index does not wrap, so that the per-device
/// arrays are read contiguously and the neuron loop vectorizes (no branches inside).
template <bool kGrad>
[[gnu::always_inline]] inline void binaryStepVariedT(const float* __restrict x,
                                                     const uint32_t* __restrict u,
                                                     const float* __restrict g, float* __restrict z,
                                                     float* __restrict grad, int64_t n,
                                                     const DeviceTable& tb, int64_t dev0,
                                                     int64_t devices)
{
    const DeviceVariation& var = *tb.variation;
    const float* __restrict val = tb.value.data();
    const float* __restrict der = tb.deriv.data();
    const float centre = tb.centre, gain = tb.gain, vMin = tb.vMin, invStep = tb.invStep;
    const float pivot = var.pivot, c2c = var.c2cSd;
    const float last = float(tb.size - 1);
    const int maxIndex = tb.size - 2;
    for (int64_t k0 = 0; k0 < n;) {
        const int64_t dev = (dev0 + k0) % devices;
        const int64_t k1 = std::min(n, k0 + (devices - dev));
        const float* __restrict is = var.invScale.data() + dev;
        const float* __restrict live = var.live.data() + dev;
        const float* __restrict forced = var.forced.data() + dev;
        const float* __restrict shift = var.shift.data() + dev;
        for (int64_t k = k0; k < k1; ++k) {
            const int64_t j = k - k0;
            const float V = centre + gain * x[k] + c2c * g[k];
            const GridPoint q = gridPoint((pivot + (V - pivot - shift[j]) * is[j] - vMin) * invStep,
                                          last, maxIndex);
            const float p = live[j] * interpolate(val, q.i0, 1, q.fr) + forced[j];
            z[k] = bernoulli(u[k], p);
            if constexpr (kGrad) grad[k] = live[j] * gain * is[j] * interpolate(der, q.i0, 1, q.fr);
        }
        k0 = k1;
    }
}

DWMTJ_CLONES void binaryStepVaried(const float* x, const uint32_t* u, const float* g, float* z,
                                   float* grad, int64_t n, const DeviceTable& tb, int64_t dev0,
                                   int64_t devices)
{
    if (grad)
        binaryStepVariedT<true>(x, u, g, z, grad, n, tb, dev0, devices);
    else
        binaryStepVariedT<false>(x, u, g, z, nullptr, n, tb, dev0, devices);
}

/// binaryForward with every neuron its own device (DeviceTable::variation): the per-device
/// transform of the voltage, the cycle-to-cycle jitter and stuck devices.
Tensor binaryForwardVaried(const Tensor& x, const DeviceTable& tb, uint64_t key, Tensor* localGrad,
                           ActivityTally* tally)
{
    const int64_t N = x.size(2);
    checkVariation(tb, N, x);
    const DeviceVariation& var = *tb.variation;
    Tensor z = torch::empty_like(x);
    if (localGrad) *localGrad = torch::empty_like(x);
    const int64_t M = x.numel();
    const float* px = x.data_ptr<float>();
    float* pz = z.data_ptr<float>();
    float* pl = localGrad ? localGrad->data_ptr<float>() : nullptr;
    const int64_t nb = blocksOf(M);
    std::vector<double> v2(tally ? nb : 0), spikes(tally ? nb : 0);
    const uint64_t jitter = jitterKey(key);
    at::parallel_for(0, nb, 1, [&](int64_t b0, int64_t b1) {
        uint32_t u[kBlock];
        float g[kBlock];
        for (int64_t b = b0; b < b1; ++b) {
            const int64_t e0 = b * kBlock, n = std::min(kBlock, M - e0);
            fillUniformU32(key, e0, n, u);
            if (var.c2cSd > 0)
                fillNormal(jitter, e0, n, g);
            else
                std::fill_n(g, n, 0.0f);
            binaryStepVaried(px + e0, u, g, pz + e0, pl ? pl + e0 : nullptr, n, tb, e0 % N, N);
            if (tally) {
                double sv = 0, ss = 0;
                for (int64_t k = 0; k < n; ++k) {
                    const float V = tb.centre + tb.gain * px[e0 + k] + var.c2cSd * g[k];
                    sv += double(V) * V;
                    ss += pz[e0 + k];
                }
                v2[b] = sv;
                spikes[b] = ss;
            }
        }
    });
    addTally(tally, v2, spikes, double(M));
    return z;
}

#ifdef DWMTJ_HAVE_CUDA_KERNELS
/// The CUDA kernel, nominal or varied: the same element indices and key as the CPU loops.
Tensor binaryForwardCuda(const Tensor& x, const DeviceTable& tb, uint64_t key, Tensor* localGrad,
                         ActivityTally* tally)
{
    const int64_t N = x.size(2);
    if (tb.variation) checkVariation(tb, N, x);
    Tensor z = torch::empty_like(x);
    if (localGrad) *localGrad = torch::empty_like(x);
    const Tensor t = cudaTallyBuffer(x, tally);
    const cuda::Variation var = tb.variation ? cudaVariation(*tb.variation) : cuda::Variation{};
    cuda::binarySample(x.data_ptr<float>(), z.data_ptr<float>(),
                       localGrad ? localGrad->data_ptr<float>() : nullptr, x.numel(), N,
                       cudaTable(tb), tb.variation ? &var : nullptr, cudaKey(key), cudaTallyOf(t),
                       cuda::currentStream());
    finishCudaTally(t, tally, double(x.numel()));
    return z;
}
#endif

/// Returns z; fills localGrad (gain * p'(V)) when it is defined on entry.
Tensor binaryForward(const Tensor& x, const DeviceTable& tb, uint64_t key, Tensor* localGrad,
                     ActivityTally* tally)
{
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (onCudaKernels(x)) return binaryForwardCuda(x, tb, key, localGrad, tally);
#endif
    if (tb.variation) return binaryForwardVaried(x, tb, key, localGrad, tally);
    Tensor z = torch::empty_like(x);
    if (localGrad) *localGrad = torch::empty_like(x);
    if (!fused(x)) {
        Tensor V = x * tb.gain + tb.centre;
        Tensor f = ((V - tb.vMin) * tb.invStep).nan_to_num(0).clamp(0, tb.size - 1);
        Tensor i0 = f.floor().clamp_max(tb.size - 2);
        Tensor fr = f - i0;
        Tensor idx = i0.to(torch::kLong);
        Tensor col = tb.valueT.select(1, 0), dcol = tb.derivT.select(1, 0);
        Tensor p = torch::take(col, idx) + fr * (torch::take(col, idx + 1) - torch::take(col, idx));
        z.copy_(torch::rand_like(x) < p);
        if (localGrad) {
            Tensor d =
                torch::take(dcol, idx) + fr * (torch::take(dcol, idx + 1) - torch::take(dcol, idx));
            localGrad->copy_(tb.gain * d);
        }
        if (tally) {
            tally->sumSquareVoltage += (V * V).sum().item<double>();
            tally->samples += double(x.numel());
            tally->spikes += z.sum().item<double>();
        }
        return z;
    }
    const int64_t M = x.numel();
    const float* px = x.data_ptr<float>();
    float* pz = z.data_ptr<float>();
    float* pl = localGrad ? localGrad->data_ptr<float>() : nullptr;
    const int64_t nb = blocksOf(M);
    std::vector<double> v2(tally ? nb : 0), spikes(tally ? nb : 0);
    at::parallel_for(0, nb, 1, [&](int64_t b0, int64_t b1) {
        uint32_t u[kBlock];
        for (int64_t b = b0; b < b1; ++b) {
            const int64_t e0 = b * kBlock, n = std::min(kBlock, M - e0);
            fillUniformU32(key, e0, n, u);
            const float* val = tb.value.data();
            const float* der = tb.deriv.data();
            const float last = float(tb.size - 1);
            const int maxIndex = tb.size - 2;
            double sv = 0, ss = 0;
            for (int64_t k = 0; k < n; ++k) {
                const float V = tb.centre + tb.gain * px[e0 + k];
                const GridPoint q = gridPoint((V - tb.vMin) * tb.invStep, last, maxIndex);
                const float s = bernoulli(u[k], interpolate(val, q.i0, 1, q.fr));
                pz[e0 + k] = s;
                if (pl) pl[e0 + k] = tb.gain * interpolate(der, q.i0, 1, q.fr);
                if (tally) {
                    sv += double(V) * V;
                    ss += s;
                }
            }
            if (tally) {
                v2[b] = sv;
                spikes[b] = ss;
            }
        }
    });
    addTally(tally, v2, spikes, double(M));
    return z;
}

}  // namespace

Tensor binaryLayer(const Tensor& x, const DeviceTable& table, uint64_t key, ActivityTally* tally)
{
    checkInput(x, "binary DW-MTJ layer");
    if (table.numCurves != 1) throw Error("the binary DW-MTJ neuron needs a binary lookup table");
    const Tensor xc = x.contiguous();
    if (!needsGrad(xc)) return binaryForward(xc, table, key, nullptr, tally);
    return StochasticFn::apply(xc, &table, key, tally, Sampler(&binaryForward));
}

}  // namespace dwmtj::core::snn

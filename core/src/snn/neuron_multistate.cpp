// The multi-weight DW-MTJ neuron (docs/models.md): notch-advance quantized integrate-and-fire.
#include <cmath>

#include "lut_grid.h"
#include "neuron_loops.h"
#include "rng.h"
#include "simd.h"

namespace dwmtj::core::snn {

using namespace detail;

namespace kernels {

/// One time step of the multi-weight neuron for n neurons (docs/models.md): the notch advance
/// d counts the cumulative curves C_c(V) above the uniform u; a spike when d reaches the notches
/// left (K - m), then m resets to 1, else m advances by d. NC curves known at compile time
/// (0: nc at run time) so that the curve loop unrolls and the neuron loop vectorizes (gathers).
template <int NC, bool kGrad>
[[gnu::always_inline]] inline void multiStateStep(const float* __restrict x,
                                                  const uint32_t* __restrict u,
                                                  int32_t* __restrict m, float* __restrict z,
                                                  float* __restrict grad, int64_t n,
                                                  const DeviceTable& tb, int ncRuntime)
{
    const int nc = NC > 0 ? NC : ncRuntime;
    const int K = nc + 1;
    const float* __restrict val = tb.value.data();
    const float* __restrict der = tb.deriv.data();
    const float centre = tb.centre, gain = tb.gain, vMin = tb.vMin, invStep = tb.invStep;
    const float last = float(tb.size - 1);
    const int maxIndex = tb.size - 2;
    for (int64_t k = 0; k < n; ++k) {
        const float V = centre + gain * x[k];
        const GridPoint q = gridPoint((V - vMin) * invStep, last, maxIndex);
        const int base = q.i0 * nc;
        const float uk = toUnitFloat(u[k]);
        int d = 0;  // notches advanced: count of c with u < C_c(V)
#pragma GCC unroll 8
        for (int c = 0; c < nc; ++c) d += uk < interpolate(val, base + c, nc, q.fr) ? 1 : 0;
        const int need = K - m[k];
        const int spike = d >= need ? 1 : 0;
        if constexpr (kGrad) grad[k] = gain * interpolate(der, base + need - 1, nc, q.fr);
        m[k] = spike ? 1 : m[k] + d;
        z[k] = float(spike);
    }
}

/// multiStateStep for the table's curve count: compiled variants for 1 .. sizeof...(I), the
/// run-time count above.
template <bool kGrad, int... I>
[[gnu::always_inline]] inline void multiStateStepAny(std::integer_sequence<int, I...>,
                                                     const float* x, const uint32_t* u, int32_t* m,
                                                     float* z, float* grad, int64_t n,
                                                     const DeviceTable& tb)
{
    const bool specialized =
        ((tb.numCurves == I + 1
              ? (multiStateStep<I + 1, kGrad>(x, u, m, z, grad, n, tb, I + 1), true)
              : false) ||
         ...);
    if (!specialized) multiStateStep<0, kGrad>(x, u, m, z, grad, n, tb, tb.numCurves);
}

DWMTJ_CLONES void multiStateStepBlock(const float* x, const uint32_t* u, int32_t* m, float* z,
                                      float* grad, int64_t n, const DeviceTable& tb)
{
    constexpr auto kCompiled = std::make_integer_sequence<int, 7>{};
    if (grad)
        multiStateStepAny<true>(kCompiled, x, u, m, z, grad, n, tb);
    else
        multiStateStepAny<false>(kCompiled, x, u, m, z, nullptr, n, tb);
}

}  // namespace kernels

namespace {

/// A varied layer's per-device coefficients, computed once per forward pass from the table
/// and the variation: curve c of device i sits at the grid position
/// f_ic = a_i x + b_ic (+ jitter_i g), i.e. (V'_ic - vMin) / step with
/// V'_ic = pivot + (centre + gain x + c2c g - pivot - shift_ic) / scale_i, and its local
/// gradient is gradScale_i = live_i gain / scale_i times the curve's slope.
struct VariedCoefs {
    std::vector<float> a, b, jitter, gradScale;  ///< b: [curves][devices]
    float last = 0;
    int maxIndex = 0;
    static VariedCoefs of(const DeviceTable& tb)
    {
        const DeviceVariation& v = *tb.variation;
        const size_t D = size_t(v.devices);
        VariedCoefs k;
        k.last = float(tb.size - 1);
        k.maxIndex = tb.size - 2;
        k.a.resize(D);
        k.jitter.resize(D);
        k.gradScale.resize(D);
        k.b.resize(D * size_t(v.curves));
        for (size_t i = 0; i < D; ++i) {
            const float is = v.invScale[i];
            k.a[i] = tb.gain * is * tb.invStep;
            k.jitter[i] = v.c2cSd * is * tb.invStep;
            k.gradScale[i] = v.live[i] * tb.gain * is;
            for (size_t c = 0; c < size_t(v.curves); ++c)
                k.b[c * D + i] =
                    (v.pivot - tb.vMin + (tb.centre - v.pivot - v.shift[c * D + i]) * is) *
                    tb.invStep;
        }
        return k;
    }
};

/// Neurons [0, len) of a run whose devices are consecutive: element j's device coefficients at
/// a[j], b[c * stride + j] (one curve of consecutive devices is contiguous), jit[j], gs[j],
/// live[j], forced[j]. Every array a restrict parameter, so that the loop vectorizes without
/// run-time alias checks; g (the cycle-to-cycle jitter) is read only with kJitter.
template <int NC, bool kGrad, bool kJitter>
[[gnu::always_inline]] inline void multiStateVariedSpan(
    const float* __restrict x, const uint32_t* __restrict u, const float* __restrict g,
    int32_t* __restrict m, float* __restrict z, float* __restrict grad, int64_t len,
    const float* __restrict a, const float* __restrict b, int64_t stride,
    const float* __restrict jit, const float* __restrict gs, const float* __restrict live,
    const float* __restrict forced, const float* __restrict val, const float* __restrict der,
    const float last, const int maxIndex, int ncRuntime)
{
    const int nc = NC > 0 ? NC : ncRuntime;
    const int K = nc + 1;
    for (int64_t j = 0; j < len; ++j) {
        float base = a[j] * x[j];
        if constexpr (kJitter) base += jit[j] * g[j];
        const float uk = toUnitFloat(u[j]);
        const int need = K - m[j];
        // d counts the c with u below the running minimum of the curves 1..c, i.e. the
        // leading curves that are all above u (bitwise: no branch, so it vectorizes).
        int d = 0, above = 1;
        float fNeed = 0;  // the grid position of the curve that decides the spike
#pragma GCC unroll 8
        for (int c = 0; c < nc; ++c) {
            const GridPoint q = gridPoint(base + b[c * stride + j], last, maxIndex);
            above &= int(uk < interpolate(val, q.i0 * nc + c, nc, q.fr));
            d += above;
            if constexpr (kGrad) fNeed += float(c == need - 1) * q.f;  // exactly one c
        }
        if constexpr (kGrad) {
            const GridPoint q = gridPoint(fNeed, last, maxIndex);  // fNeed is on the grid
            grad[j] = gs[j] * interpolate(der, q.i0 * nc + need - 1, nc, q.fr);
        }
        // A stuck-off device never advances; a stuck-on one reaches the last notch every
        // step (bitwise, no branch).
        const int isLive = int(live[j] > 0), isForced = int(forced[j] > 0);
        const int spike = isForced | (isLive & int(d >= need));
        m[j] = spike ? 1 : m[j] + d * isLive;
        z[j] = float(spike);
    }
}

/// One time step of the multi-weight neuron for n neurons that are each their own device
/// (DeviceTable::variation): curve c of device `dev` at V' = pivot + (V - pivot - shift[c]) /
/// scale; the shifted cumulative curves are taken as non-increasing in c (their running
/// minimum), so that counting u < C'_c still samples a notch advance. NC curves known at compile
/// time (0: at run time), as multiStateStep, so that the curve loop unrolls.
template <int NC, bool kGrad, bool kJitter>
[[gnu::always_inline]] inline void multiStateStepVariedN(
    const float* x, const uint32_t* u, const float* g, int32_t* m, float* z, float* grad, int64_t n,
    const DeviceTable& tb, const VariedCoefs& k, int64_t dev0, int64_t devices, int ncRuntime)
{
    const DeviceVariation& var = *tb.variation;
    // In runs where the device index does not wrap, so that the per-device arrays are read
    // contiguously.
    for (int64_t k0 = 0; k0 < n;) {
        const int64_t dev = (dev0 + k0) % devices;
        const int64_t k1 = std::min(n, k0 + (devices - dev));
        multiStateVariedSpan<NC, kGrad, kJitter>(
            x + k0, u + k0, kJitter ? g + k0 : nullptr, m + k0, z + k0, kGrad ? grad + k0 : nullptr,
            k1 - k0, k.a.data() + dev, k.b.data() + dev, devices, k.jitter.data() + dev,
            k.gradScale.data() + dev, var.live.data() + dev, var.forced.data() + dev,
            tb.value.data(), tb.deriv.data(), k.last, k.maxIndex, ncRuntime);
        k0 = k1;
    }
}

template <bool kGrad, bool kJitter, int... I>
[[gnu::always_inline]] inline void multiStateStepVariedAny(
    std::integer_sequence<int, I...>, const float* x, const uint32_t* u, const float* g, int32_t* m,
    float* z, float* grad, int64_t n, const DeviceTable& tb, const VariedCoefs& k, int64_t dev0,
    int64_t devices)
{
    const bool specialized =
        ((tb.numCurves == I + 1 ? (multiStateStepVariedN<I + 1, kGrad, kJitter>(
                                       x, u, g, m, z, grad, n, tb, k, dev0, devices, I + 1),
                                   true)
                                : false) ||
         ...);
    if (!specialized)
        multiStateStepVariedN<0, kGrad, kJitter>(x, u, g, m, z, grad, n, tb, k, dev0, devices,
                                                 tb.numCurves);
}

/// g: the jitter in units of the cycle-to-cycle sd, or null when there is none.
DWMTJ_CLONES void multiStateStepVaried(const float* x, const uint32_t* u, const float* g,
                                       int32_t* m, float* z, float* grad, int64_t n,
                                       const DeviceTable& tb, const VariedCoefs& k, int64_t dev0,
                                       int64_t devices)
{
    constexpr auto kCompiled = std::make_integer_sequence<int, 7>{};
    if (grad && g)
        multiStateStepVariedAny<true, true>(kCompiled, x, u, g, m, z, grad, n, tb, k, dev0,
                                            devices);
    else if (grad)
        multiStateStepVariedAny<true, false>(kCompiled, x, u, g, m, z, grad, n, tb, k, dev0,
                                             devices);
    else if (g)
        multiStateStepVariedAny<false, true>(kCompiled, x, u, g, m, z, nullptr, n, tb, k, dev0,
                                             devices);
    else
        multiStateStepVariedAny<false, false>(kCompiled, x, u, g, m, z, nullptr, n, tb, k, dev0,
                                              devices);
}

#ifdef DWMTJ_HAVE_CUDA_KERNELS
/// The CUDA kernel, nominal or varied: one thread per neuron, the same element indices and key
/// as the CPU loops.
Tensor multiStateForwardCuda(const Tensor& x, const DeviceTable& tb, uint64_t key,
                             Tensor* localGrad, ActivityTally* tally, Tensor* statesOut)
{
    const int64_t T = x.size(0), N = x.numel() / T;
    Tensor z = torch::empty_like(x);
    if (localGrad) *localGrad = torch::empty_like(x);
    Tensor states;
    if (statesOut) states = torch::empty(x.sizes(), x.options().dtype(torch::kInt8));
    const Tensor t = cudaTallyBuffer(x, tally);
    const cuda::Variation var = tb.variation ? cudaVariation(*tb.variation) : cuda::Variation{};
    cuda::multiStateForward(x.data_ptr<float>(), z.data_ptr<float>(),
                            localGrad ? localGrad->data_ptr<float>() : nullptr,
                            statesOut ? states.data_ptr<int8_t>() : nullptr, T, N, x.size(2),
                            cudaTable(tb), tb.variation ? &var : nullptr, cudaKey(key),
                            cudaTallyOf(t), cuda::currentStream());
    finishCudaTally(t, tally, double(x.numel()));
    if (statesOut) *statesOut = states;
    return z;
}
#endif

Tensor multiStateForward(const Tensor& x, const DeviceTable& tb, uint64_t key, Tensor* localGrad,
                         ActivityTally* tally, Tensor* statesOut)
{
    if (tb.variation) {
        checkVariation(tb, x.size(2), x);
    }
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (onCudaKernels(x)) return multiStateForwardCuda(x, tb, key, localGrad, tally, statesOut);
#endif
    const int K = tb.numCurves + 1;
    const int64_t T = x.size(0), N = x.numel() / T;
    Tensor z = torch::empty_like(x);
    if (localGrad) *localGrad = torch::empty_like(x);
    Tensor states;
    if (statesOut) states = torch::empty(x.sizes(), x.options().dtype(torch::kInt8));
    if (!fused(x) && !tb.variation) {
        Tensor m = torch::ones({N}, x.options().dtype(torch::kLong));
        for (int64_t t = 0; t < T; ++t) {
            Tensor V = x[t].reshape({N}) * tb.gain + tb.centre;
            Tensor f = ((V - tb.vMin) * tb.invStep).nan_to_num(0).clamp(0, tb.size - 1);
            Tensor i0 = f.floor().clamp_max(tb.size - 2);
            Tensor fr = (f - i0).unsqueeze(1);
            Tensor idx = i0.to(torch::kLong);
            Tensor C = tb.valueT.index_select(0, idx) +
                       fr * (tb.valueT.index_select(0, idx + 1) - tb.valueT.index_select(0, idx));
            Tensor u = torch::rand({N, 1}, x.options());
            Tensor d = (u < C).sum(1);
            Tensor need = K - m;
            Tensor spike = d >= need;
            if (localGrad) {
                Tensor D =
                    tb.derivT.index_select(0, idx) +
                    fr * (tb.derivT.index_select(0, idx + 1) - tb.derivT.index_select(0, idx));
                (*localGrad)[t].copy_(
                    (tb.gain * D.gather(1, (need - 1).unsqueeze(1))).reshape(x[t].sizes()));
            }
            m = torch::where(spike, torch::ones_like(m), m + d);
            z[t].copy_(spike.reshape(x[t].sizes()));
            if (statesOut) states[t].copy_(m.reshape(x[t].sizes()));
            if (tally) tally->sumSquareVoltage += (V * V).sum().item<double>();
        }
        if (tally) {
            tally->samples += double(x.numel());
            tally->spikes += z.sum().item<double>();
        }
        if (statesOut) *statesOut = states;
        return z;
    }
    const float* px = x.data_ptr<float>();
    float* pz = z.data_ptr<float>();
    float* pl = localGrad ? localGrad->data_ptr<float>() : nullptr;
    int8_t* pst = statesOut ? states.data_ptr<int8_t>() : nullptr;
    const int64_t nb = blocksOf(N);
    std::vector<double> v2(tally ? nb : 0), spikes(tally ? nb : 0);
    const DeviceVariation* var = tb.variation.get();
    const VariedCoefs coefs = var ? VariedCoefs::of(tb) : VariedCoefs{};
    const int64_t devices = x.size(2);
    const uint64_t jitter = jitterKey(key);
    at::parallel_for(0, nb, 1, [&](int64_t b0, int64_t b1) {
        uint32_t u[kBlock];
        int32_t m[kBlock];
        float g[kBlock];
        for (int64_t b = b0; b < b1; ++b) {
            const int64_t e0 = b * kBlock, n = std::min(kBlock, N - e0);
            std::fill_n(m, n, 1);
            double sv = 0, ss = 0;
            for (int64_t t = 0; t < T; ++t) {
                const int64_t o = t * N + e0;
                fillUniformU32(key, o, n, u);
                if (var) {
                    if (var->c2cSd > 0) fillNormal(jitter, o, n, g);
                    multiStateStepVaried(px + o, u, var->c2cSd > 0 ? g : nullptr, m, pz + o,
                                         pl ? pl + o : nullptr, n, tb, coefs, e0 % devices,
                                         devices);
                } else {
                    kernels::multiStateStepBlock(px + o, u, m, pz + o, pl ? pl + o : nullptr, n,
                                                 tb);
                }
                if (pst)
                    for (int64_t k = 0; k < n; ++k) pst[o + k] = int8_t(m[k]);
                if (tally)
                    for (int64_t k = 0; k < n; ++k) {
                        float V = tb.centre + tb.gain * px[o + k];
                        if (var && var->c2cSd > 0) V += var->c2cSd * g[k];
                        sv += double(V) * V;
                        ss += pz[o + k];
                    }
            }
            if (tally) {
                v2[b] = sv;
                spikes[b] = ss;
            }
        }
    });
    addTally(tally, v2, spikes, double(x.numel()));
    if (statesOut) *statesOut = states;
    return z;
}
Tensor multiStateSample(const Tensor& x, const DeviceTable& tb, uint64_t key, Tensor* localGrad,
                        ActivityTally* tally)
{
    return multiStateForward(x, tb, key, localGrad, tally, nullptr);
}

}  // namespace

Tensor multiStateLayer(const Tensor& x, const DeviceTable& table, uint64_t key,
                       ActivityTally* tally, Tensor* states)
{
    checkInput(x, "multi-weight DW-MTJ layer");
    if (table.numCurves < 1 || table.numCurves > 100)
        throw Error("the multi-weight DW-MTJ neuron needs a multi-state lookup table");
    const Tensor xc = x.contiguous();
    if (states || !needsGrad(xc)) {
        Tensor local;
        return multiStateForward(xc, table, key, needsGrad(xc) ? &local : nullptr, tally, states);
    }
    return StochasticFn::apply(xc, &table, key, tally, Sampler(&multiStateSample));
}

}  // namespace dwmtj::core::snn

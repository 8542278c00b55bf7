// Fused neuron layers: hand-written forward and backward time loops (see neurons.h).
#include "neurons.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <utility>

#include "dwmtj/error.h"
#include "rng.h"
#include "simd.h"

namespace dwmtj::core::snn {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

namespace {

std::atomic<bool> g_forceGeneric{false};
constexpr int64_t kBlock = 1024;  // neurons per parallel work item

// Norse v1.0.0 constants with dt = 1e-3: dt * tau_mem_inv, dt * tau_syn_inv, SuperSpike alpha.
constexpr float kMemDecay = 0.1f;
constexpr float kSynDecay = 0.2f;
constexpr float kAlpha = 100.0f;

bool fused(const Tensor& x) { return x.device().is_cpu() && !g_forceGeneric.load(); }

void checkInput(const Tensor& x, const char* what)
{
    if (x.dim() != 3) throw Error(std::string(what) + ": expected a [T, B, N] tensor");
    if (x.scalar_type() != torch::kFloat)
        throw Error(std::string(what) + ": expected float32 input");
}

int64_t blocksOf(int64_t n) { return (n + kBlock - 1) / kBlock; }

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

/// Linear interpolation of curve c (and its derivative) at V, clamped to the grid.
inline void lookup(const DeviceTable& tb, float v, int c, float& val, float& der)
{
    float f = (v - tb.vMin) * tb.invStep;
    if (!(f > 0)) f = 0;  // also catches NaN
    const float last = float(tb.size - 1);
    if (f > last) f = last;
    int i0 = int(f);
    if (i0 > tb.size - 2) i0 = tb.size - 2;
    const float fr = f - float(i0);
    const int a = i0 * tb.numCurves + c, b = a + tb.numCurves;
    val = tb.value[a] + fr * (tb.value[b] - tb.value[a]);
    der = tb.deriv[a] + fr * (tb.deriv[b] - tb.deriv[a]);
}

void addTally(ActivityTally* tally, const std::vector<double>& v2,
              const std::vector<double>& spikes, double samples)
{
    if (!tally) return;
    for (double s : v2) tally->sumSquareVoltage += s;
    for (double s : spikes) tally->spikes += s;
    tally->samples += samples;
}

// ---------------------------------------------------------------- LIF, fused CPU loops
}  // namespace

// The time loops of one block of neurons, vectorized over the block (simd.h): no branches, the
// spike count in integers, so that the compiler can use the full vector width.
namespace kernels {

template <bool kSaveVd>
[[gnu::always_inline]] inline int64_t lifForward(const float* px, float* pz, float* pvd, int64_t T,
                                                 int64_t N, int64_t e0, int64_t n, float* v,
                                                 float* i)
{
    int64_t count = 0;
    for (int64_t t = 0; t < T; ++t) {
        const float* xt = px + t * N + e0;
        float* zt = pz + t * N + e0;
        float* vdt = kSaveVd ? pvd + t * N + e0 : nullptr;
        int c = 0;
        for (int64_t k = 0; k < n; ++k) {
            const float vdk = v[k] + kMemDecay * (i[k] - v[k]);
            const float idk = i[k] - kSynDecay * i[k];
            const bool spike = vdk > 1.0f;
            const float s = spike ? 1.0f : 0.0f;
            zt[k] = s;
            c += spike;
            v[k] = (1.0f - s) * vdk;
            i[k] = idk + xt[k];
            if constexpr (kSaveVd) vdt[k] = vdk;
        }
        count += c;
    }
    return count;
}

DWMTJ_CLONES int64_t lifForwardBlock(const float* px, float* pz, float* pvd, int64_t T, int64_t N,
                                     int64_t e0, int64_t n, float* v, float* i)
{
    return pvd ? lifForward<true>(px, pz, pvd, T, N, e0, n, v, i)
               : lifForward<false>(px, pz, nullptr, T, N, e0, n, v, i);
}

DWMTJ_CLONES void lifBackwardBlock(const float* pg, const float* pvd, float* pgx, int64_t T,
                                   int64_t N, int64_t e0, int64_t n, float* gv, float* gi)
{
    for (int64_t t = T - 1; t >= 0; --t) {
        const float* vdt = pvd + t * N + e0;
        const float* gzt = pg + t * N + e0;
        float* gxt = pgx + t * N + e0;
        for (int64_t k = 0; k < n; ++k) {
            const float xm = vdt[k] - 1.0f;
            const float r = 1.0f / (kAlpha * std::fabs(xm) + 1.0f);
            const float s = r * r;  // SuperSpike dz/dx
            const float zk = xm > 0 ? 1.0f : 0.0f;
            const float gvd = gzt[k] * s + gv[k] * ((1.0f - zk) - vdt[k] * s);
            gxt[k] = gi[k];
            gv[k] = (1.0f - kMemDecay) * gvd;
            gi[k] = kMemDecay * gvd + (1.0f - kSynDecay) * gi[k];
        }
    }
}

DWMTJ_CLONES void liForwardBlock(const float* px, float* po, int64_t T, int64_t N, int64_t e0,
                                 int64_t n, float* v, float* i)
{
    for (int64_t t = 0; t < T; ++t)
        for (int64_t k = 0; k < n; ++k) {
            const float ij = i[k] + px[t * N + e0 + k];
            v[k] = v[k] + kMemDecay * (ij - v[k]);
            i[k] = ij - kSynDecay * ij;
            po[t * N + e0 + k] = v[k];
        }
}

DWMTJ_CLONES void liBackwardBlock(const float* pg, float* pgx, int64_t T, int64_t N, int64_t e0,
                                  int64_t n, float* gv, float* gi)
{
    for (int64_t t = T - 1; t >= 0; --t)
        for (int64_t k = 0; k < n; ++k) {
            const float gV = pg[t * N + e0 + k] + gv[k];
            const float gij = kMemDecay * gV + (1.0f - kSynDecay) * gi[k];
            pgx[t * N + e0 + k] = gij;
            gv[k] = (1.0f - kMemDecay) * gV;
            gi[k] = gij;
        }
}

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
        float f = (V - vMin) * invStep;
        f = f > 0 ? f : 0.0f;  // also maps NaN to 0
        f = f < last ? f : last;
        int i0 = int(f);
        i0 = i0 < maxIndex ? i0 : maxIndex;
        const float fr = f - float(i0);
        const int base = i0 * nc;
        const float uk = toUnitFloat(u[k]);
        int d = 0;  // notches advanced: count of c with u < C_c(V)
#pragma GCC unroll 8
        for (int c = 0; c < nc; ++c) {
            const float lo = val[base + c], hi = val[base + nc + c];
            d += uk < lo + fr * (hi - lo) ? 1 : 0;
        }
        const int need = K - m[k];
        const int spike = d >= need ? 1 : 0;
        if constexpr (kGrad) {
            const int j = base + need - 1;
            grad[k] = gain * (der[j] + fr * (der[j + nc] - der[j]));
        }
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

Tensor lifForwardCpu(const Tensor& x, Tensor* vdOut, ActivityTally* tally)
{
    const int64_t T = x.size(0), N = x.numel() / T;
    Tensor z = torch::empty_like(x);
    Tensor vd = vdOut ? torch::empty_like(x) : Tensor();
    const float* px = x.data_ptr<float>();
    float* pz = z.data_ptr<float>();
    float* pvd = vdOut ? vd.data_ptr<float>() : nullptr;
    std::vector<double> spikes(blocksOf(N), 0.0);
    forNeuronBlocks(N, [&](int64_t b, int64_t e0, int64_t n, float* v, float* i) {
        spikes[b] = double(kernels::lifForwardBlock(px, pz, pvd, T, N, e0, n, v, i));
    });
    if (vdOut) *vdOut = vd;
    addTally(tally, {}, spikes, 0);
    return z;
}

Tensor lifBackwardCpu(const Tensor& gz, const Tensor& vd)
{
    const int64_t T = vd.size(0), N = vd.numel() / T;
    Tensor gx = torch::empty_like(vd);
    const float* pg = gz.data_ptr<float>();
    const float* pvd = vd.data_ptr<float>();
    float* pgx = gx.data_ptr<float>();
    forNeuronBlocks(N, [&](int64_t, int64_t e0, int64_t n, float* gv, float* gi) {
        kernels::lifBackwardBlock(pg, pvd, pgx, T, N, e0, n, gv, gi);
    });
    return gx;
}

// ---------------------------------------------------------------- LIF, tensor ops
Tensor lifForwardGeneric(const Tensor& x, Tensor* vdOut, ActivityTally* tally)
{
    const int64_t T = x.size(0);
    Tensor v = torch::zeros_like(x[0]), i = torch::zeros_like(x[0]);
    Tensor z = torch::empty_like(x), vd = torch::empty_like(x);
    for (int64_t t = 0; t < T; ++t) {
        Tensor vdt = v + kMemDecay * (i - v);
        Tensor idt = i - kSynDecay * i;
        Tensor zt = (vdt > 1.0f).to(x.scalar_type());
        v = (1.0f - zt) * vdt;
        i = idt + x[t];
        z[t].copy_(zt);
        vd[t].copy_(vdt);
    }
    if (vdOut) *vdOut = vd;
    if (tally) tally->spikes += z.sum().item<double>();
    return z;
}

Tensor lifBackwardGeneric(const Tensor& gz, const Tensor& vd)
{
    const int64_t T = vd.size(0);
    Tensor gv = torch::zeros_like(vd[0]), gi = torch::zeros_like(vd[0]);
    Tensor gx = torch::empty_like(vd);
    for (int64_t t = T - 1; t >= 0; --t) {
        Tensor xm = vd[t] - 1.0f;
        Tensor s = (kAlpha * xm.abs() + 1.0f).pow(-2);
        Tensor zt = (xm > 0).to(vd.scalar_type());
        Tensor gvd = gz[t] * s + gv * ((1.0f - zt) - vd[t] * s);
        gx[t].copy_(gi);
        gv = (1.0f - kMemDecay) * gvd;
        gi = kMemDecay * gvd + (1.0f - kSynDecay) * gi;
    }
    return gx;
}

struct LifFn : torch::autograd::Function<LifFn> {
    static Tensor forward(AutogradContext* ctx, Tensor x, ActivityTally* tally)
    {
        Tensor vd;
        Tensor z = fused(x) ? lifForwardCpu(x, &vd, tally) : lifForwardGeneric(x, &vd, tally);
        ctx->save_for_backward({vd});
        return z;
    }
    static tensor_list backward(AutogradContext* ctx, tensor_list g)
    {
        const Tensor vd = ctx->get_saved_variables()[0];
        const Tensor gz = g[0].contiguous();
        return {fused(vd) ? lifBackwardCpu(gz, vd) : lifBackwardGeneric(gz, vd), Tensor()};
    }
};

// ---------------------------------------------------------------- LI readout
Tensor liForward(const Tensor& x)
{
    const int64_t T = x.size(0);
    if (!fused(x)) {
        Tensor v = torch::zeros_like(x[0]), i = torch::zeros_like(x[0]);
        Tensor out = torch::empty_like(x);
        for (int64_t t = 0; t < T; ++t) {
            Tensor ij = i + x[t];
            v = v + kMemDecay * (ij - v);
            i = ij - kSynDecay * ij;
            out[t].copy_(v);
        }
        return out;
    }
    const int64_t N = x.numel() / T;
    Tensor out = torch::empty_like(x);
    const float* px = x.data_ptr<float>();
    float* po = out.data_ptr<float>();
    forNeuronBlocks(N, [&](int64_t, int64_t e0, int64_t n, float* v, float* i) {
        kernels::liForwardBlock(px, po, T, N, e0, n, v, i);
    });
    return out;
}

Tensor liBackward(const Tensor& gout)
{
    const int64_t T = gout.size(0);
    if (!fused(gout)) {
        Tensor gv = torch::zeros_like(gout[0]), gi = torch::zeros_like(gout[0]);
        Tensor gx = torch::empty_like(gout);
        for (int64_t t = T - 1; t >= 0; --t) {
            Tensor gV = gout[t] + gv;
            Tensor gij = kMemDecay * gV + (1.0f - kSynDecay) * gi;
            gx[t].copy_(gij);
            gv = (1.0f - kMemDecay) * gV;
            gi = gij;
        }
        return gx;
    }
    const int64_t N = gout.numel() / T;
    Tensor gx = torch::empty_like(gout);
    const float* pg = gout.data_ptr<float>();
    float* pgx = gx.data_ptr<float>();
    forNeuronBlocks(N, [&](int64_t, int64_t e0, int64_t n, float* gv, float* gi) {
        kernels::liBackwardBlock(pg, pgx, T, N, e0, n, gv, gi);
    });
    return gx;
}

struct LiFn : torch::autograd::Function<LiFn> {
    static Tensor forward(AutogradContext*, Tensor x) { return liForward(x); }
    static tensor_list backward(AutogradContext*, tensor_list g)
    {
        return {liBackward(g[0].contiguous())};
    }
};

// ---------------------------------------------------------------- binary DW-MTJ
/// Returns z; fills localGrad (gain * p'(V)) when it is defined on entry.
Tensor binaryForward(const Tensor& x, const DeviceTable& tb, uint64_t key, Tensor* localGrad,
                     ActivityTally* tally)
{
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
                float f = (V - tb.vMin) * tb.invStep;
                f = f > 0 ? f : 0.0f;  // also maps NaN to 0
                f = f < last ? f : last;
                const int i0 = std::min(int(f), maxIndex);
                const float fr = f - float(i0);
                const float p = val[i0] + fr * (val[i0 + 1] - val[i0]);
                const float s = bernoulli(u[k], p);
                pz[e0 + k] = s;
                if (pl) pl[e0 + k] = tb.gain * (der[i0] + fr * (der[i0 + 1] - der[i0]));
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

// ---------------------------------------------------------------- multi-weight DW-MTJ
Tensor multiStateForward(const Tensor& x, const DeviceTable& tb, uint64_t key, Tensor* localGrad,
                         ActivityTally* tally, Tensor* statesOut)
{
    const int K = tb.numCurves + 1;
    const int64_t T = x.size(0), N = x.numel() / T;
    Tensor z = torch::empty_like(x);
    if (localGrad) *localGrad = torch::empty_like(x);
    Tensor states;
    if (statesOut) states = torch::empty(x.sizes(), x.options().dtype(torch::kInt8));
    if (!fused(x)) {
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
    at::parallel_for(0, nb, 1, [&](int64_t b0, int64_t b1) {
        uint32_t u[kBlock];
        int32_t m[kBlock];
        for (int64_t b = b0; b < b1; ++b) {
            const int64_t e0 = b * kBlock, n = std::min(kBlock, N - e0);
            std::fill_n(m, n, 1);
            double sv = 0, ss = 0;
            for (int64_t t = 0; t < T; ++t) {
                const int64_t o = t * N + e0;
                fillUniformU32(key, o, n, u);
                kernels::multiStateStepBlock(px + o, u, m, pz + o, pl ? pl + o : nullptr, n, tb);
                if (pst)
                    for (int64_t k = 0; k < n; ++k) pst[o + k] = int8_t(m[k]);
                if (tally)
                    for (int64_t k = 0; k < n; ++k) {
                        const float V = tb.centre + tb.gain * px[o + k];
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

/// z = sample (computed in forward); dz/dx = the local gradient saved by the sampler.
struct StochasticFn : torch::autograd::Function<StochasticFn> {
    static Tensor forward(AutogradContext* ctx, Tensor x, const DeviceTable* tb, uint64_t key,
                          ActivityTally* tally, bool multiState)
    {
        Tensor local;
        Tensor z = multiState ? multiStateForward(x, *tb, key, &local, tally, nullptr)
                              : binaryForward(x, *tb, key, &local, tally);
        ctx->save_for_backward({local});
        return z;
    }
    static tensor_list backward(AutogradContext* ctx, tensor_list g)
    {
        const Tensor local = ctx->get_saved_variables()[0];
        return {g[0] * local, Tensor(), Tensor(), Tensor(), Tensor()};
    }
};

bool needsGrad(const Tensor& x) { return torch::GradMode::is_enabled() && x.requires_grad(); }

}  // namespace

DeviceTable DeviceTable::fromLut(const Lut& lut, double centreVoltage, double gainVolts,
                                 const torch::Device& device)
{
    if (lut.voltage.size() < 2 || lut.curves.empty()) throw Error("the lookup table is empty");
    if (!std::isfinite(centreVoltage) || !std::isfinite(gainVolts))
        throw OptionsError("the neuron's centre voltage and gain must be finite numbers");
    DeviceTable tb;
    tb.numCurves = int(lut.curves.size());
    tb.size = int(lut.voltage.size());
    tb.vMin = float(lut.voltage.front());
    tb.invStep = float((tb.size - 1) / (lut.voltage.back() - lut.voltage.front()));
    tb.centre = float(centreVoltage);
    tb.gain = float(gainVolts);
    tb.value.resize(size_t(tb.size) * tb.numCurves);
    tb.deriv.resize(tb.value.size());
    for (int i = 0; i < tb.size; ++i) {
        double prev = 1.0;
        for (int c = 0; c < tb.numCurves; ++c) {
            // Cumulative curves must not increase with k, so that counting u < C_k samples
            // the notch advance exactly; clamp to [0, 1] for empirical tables.
            const double v = std::clamp(std::min(prev, lut.curves[c][i]), 0.0, 1.0);
            prev = v;
            tb.value[size_t(i) * tb.numCurves + c] = float(v);
            tb.deriv[size_t(i) * tb.numCurves + c] = float(lut.derivatives[c][i]);
        }
    }
    auto opts = torch::TensorOptions().dtype(torch::kFloat);
    tb.valueT = torch::from_blob(tb.value.data(), {tb.size, tb.numCurves}, opts).clone().to(device);
    tb.derivT = torch::from_blob(tb.deriv.data(), {tb.size, tb.numCurves}, opts).clone().to(device);
    return tb;
}

Tensor lifLayer(const Tensor& x, ActivityTally* tally)
{
    checkInput(x, "LIF layer");
    const Tensor xc = x.contiguous();
    if (!needsGrad(xc)) {
        torch::NoGradGuard ng;
        return fused(xc) ? lifForwardCpu(xc, nullptr, tally)
                         : lifForwardGeneric(xc, nullptr, tally);
    }
    return LifFn::apply(xc, tally);
}

Tensor liReadout(const Tensor& x)
{
    checkInput(x, "LI readout");
    const Tensor xc = x.contiguous();
    if (!needsGrad(xc)) return liForward(xc);
    return LiFn::apply(xc);
}

Tensor binaryLayer(const Tensor& x, const DeviceTable& table, uint64_t key, ActivityTally* tally)
{
    checkInput(x, "binary DW-MTJ layer");
    if (table.numCurves != 1) throw Error("the binary DW-MTJ neuron needs a binary lookup table");
    const Tensor xc = x.contiguous();
    if (!needsGrad(xc)) return binaryForward(xc, table, key, nullptr, tally);
    return StochasticFn::apply(xc, &table, key, tally, false);
}

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
    return StochasticFn::apply(xc, &table, key, tally, true);
}

void setForceGenericKernels(bool on) { g_forceGeneric = on; }

}  // namespace dwmtj::core::snn

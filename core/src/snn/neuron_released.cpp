// The released code's DW-MTJ cells (docs/models.md, "As released"), on the measured tables A and
// B: the binary cell with its linear extrapolation past the table and ceil/floor output, and the
// multi-weight cell's signed increments. Forward as released; the straight-through backward is
// this tool's (the released cells pass no gradient: TrainingConfig::deviceGradient None).
#include <cmath>

#include "neuron_loops.h"
#include "rng.h"

namespace dwmtj::core::snn {

using namespace detail;

namespace {

/// The table's segment for grid position f: index i0 in [0, size - 2] (NaN -> 0) and the
/// fraction fr, which lies outside [0, 1] past the table's ends (linear extrapolation).
struct Segment {
    int i0;
    float fr;
};
inline Segment segmentOf(float f, int size)
{
    if (!(f == f)) f = 0;  // NaN
    const float lo = std::floor(f);
    const int i0 = lo < 0 ? 0 : lo > float(size - 2) ? size - 2 : int(lo);
    return {i0, f - float(i0)};
}

void checkReleasedTable(const DeviceTable& tb, const char* what, bool binary)
{
    if (tb.variation)
        throw Error(std::string(what) +
                    ": device variability is not modelled for the released "
                    "cells");
    if (binary ? tb.numCurves != 1 : tb.numCurves != 4)
        throw Error(std::string(what) + (binary ? " needs a binary lookup table (table A)"
                                                : " needs a 5-state lookup table (table B: "
                                                  "increments 0, 0.25, 0.5, 0.75, 1)"));
}

/// Runs f(x, ...) on the CPU for a tensor elsewhere (the released cells have no CUDA kernel).
Tensor onCpu(const Tensor& x) { return x.device().is_cpu() ? x : x.cpu(); }

// ---- binary cell -----------------------------------------------------------------------------

/// p = table A at V = centre + gain x, extrapolated linearly past the ends; output ceil(p) when
/// p > U else floor(p) (0 or 1 inside the table, -1 or 2 past it). localGrad: gain * dp/dV.
Tensor binaryReleasedForward(const Tensor& xIn, const DeviceTable& tb, uint64_t key,
                             Tensor* localGrad, ActivityTally* tally)
{
    const Tensor x = onCpu(xIn);
    Tensor z = torch::empty_like(x);
    if (localGrad) *localGrad = torch::empty_like(x);
    const int64_t M = x.numel();
    const float* px = x.data_ptr<float>();
    float* pz = z.data_ptr<float>();
    float* pl = localGrad ? localGrad->data_ptr<float>() : nullptr;
    const float* val = tb.value.data();
    const int64_t nb = blocksOf(M);
    std::vector<double> v2(tally ? nb : 0), spikes(tally ? nb : 0);
    at::parallel_for(0, nb, 1, [&](int64_t b0, int64_t b1) {
        uint32_t u[kBlock];
        for (int64_t b = b0; b < b1; ++b) {
            const int64_t e0 = b * kBlock, n = std::min(kBlock, M - e0);
            fillUniformU32(key, e0, n, u);
            double sv = 0, ss = 0;
            for (int64_t k = 0; k < n; ++k) {
                const float V = tb.centre + tb.gain * px[e0 + k];
                const Segment s = segmentOf((V - tb.vMin) * tb.invStep, tb.size);
                const float rise = val[s.i0 + 1] - val[s.i0];
                const float p = val[s.i0] + s.fr * rise;
                // Deterministic: U replaced by 1/2 (a spike when p > 0.5 inside the table).
                const float uk = tb.deterministic ? 0.5f : toUnitFloat(u[k]);
                const float out = uk < p ? std::ceil(p) : std::floor(p);
                pz[e0 + k] = out;
                if (pl) pl[e0 + k] = tb.gain * rise * tb.invStep;
                sv += double(V) * V;
                ss += out;
            }
            if (tally) v2[b] = sv, spikes[b] = ss;
        }
    });
    addTally(tally, v2, spikes, double(M));
    if (localGrad && !xIn.device().is_cpu()) *localGrad = localGrad->to(xIn.device());
    return z.to(xIn.device());
}

// ---- multi-weight cell -----------------------------------------------------------------------

/// What the multi-weight cell's backward needs: per step the value a = v + dx before the
/// clamp at 0, and the straight-through slope d E[dx] / dx.
struct MwSaved {
    Tensor pre, slope;
};

/// The cell over T steps: u = |centre + gain x| on table B's grid (clamped: its last rows are
/// constant); the increment d / 4 with d = #{c : U < C_c(u)}, signed like the drive; v <-
/// max(v + dx, 0); spike when v > 0.9, then v <- 0. `increments` (optional) receives the signed
/// d per step as int8.
Tensor mwReleasedForward(const Tensor& xIn, const DeviceTable& tb, uint64_t key, MwSaved* saved,
                         ActivityTally* tally, Tensor* increments)
{
    const Tensor x = onCpu(xIn);
    const int64_t T = x.size(0), N = x.numel() / T;
    const int nc = tb.numCurves;
    Tensor z = torch::empty_like(x);
    if (saved) saved->pre = torch::empty_like(x), saved->slope = torch::empty_like(x);
    Tensor inc;
    if (increments) inc = torch::empty(x.sizes(), x.options().dtype(torch::kInt8));
    const float* px = x.data_ptr<float>();
    float* pz = z.data_ptr<float>();
    float* pa = saved ? saved->pre.data_ptr<float>() : nullptr;
    float* ps = saved ? saved->slope.data_ptr<float>() : nullptr;
    int8_t* pi = increments ? inc.data_ptr<int8_t>() : nullptr;
    const float* val = tb.value.data();
    const float* der = tb.deriv.data();
    const float last = float(tb.size - 1);
    const int64_t nb = blocksOf(N);
    std::vector<double> v2(tally ? nb : 0), spikes(tally ? nb : 0);
    forNeuronBlocks(N, [&](int64_t b, int64_t e0, int64_t n, float* v, float*) {
        uint32_t u[kBlock];
        double sv = 0, ss = 0;
        for (int64_t t = 0; t < T; ++t) {
            const int64_t o = t * N + e0;
            fillUniformU32(key, o, n, u);
            for (int64_t k = 0; k < n; ++k) {
                const float drive = tb.centre + tb.gain * px[o + k];
                float f = (std::fabs(drive) - tb.vMin) * tb.invStep;
                f = f == f ? std::clamp(f, 0.0f, last) : 0.0f;
                const int i0 = std::min(int(f), tb.size - 2);
                const float fr = f - float(i0);
                const float uk = toUnitFloat(u[k]);
                int d = 0;
                float expected = 0;  // E[d] = sum of the cumulative curves
                float dE = 0;        // d E[d] / du = sum of their slopes
                for (int c = 0; c < nc; ++c) {
                    const int at = i0 * nc + c;
                    const float C = val[at] + fr * (val[at + nc] - val[at]);
                    d += uk < C ? 1 : 0;
                    expected += C;
                    dE += der[at] + fr * (der[at + nc] - der[at]);
                }
                const int sd = drive > 0 ? d : drive < 0 ? -d : 0;
                // Deterministic: the expected increment, signed like the drive.
                const float step = tb.deterministic ? (drive > 0   ? expected
                                                       : drive < 0 ? -expected
                                                                   : 0.0f)
                                                    : float(sd);
                const float a = v[k] + 0.25f * step;
                const float vc = a > 0 ? a : 0.0f;
                const float spike = vc > 0.9f ? 1.0f : 0.0f;
                v[k] = spike > 0 ? 0.0f : vc;
                pz[o + k] = spike;
                if (pa) pa[o + k] = a, ps[o + k] = 0.25f * tb.gain * dE;
                if (pi) pi[o + k] = int8_t(sd);
                sv += double(drive) * drive;
                ss += spike;
            }
        }
        if (tally) v2[size_t(b)] = sv, spikes[size_t(b)] = ss;
    });
    addTally(tally, v2, spikes, double(x.numel()));
    if (increments) *increments = inc;
    return z.to(xIn.device());
}

/// Backward through time of the cell: SuperSpike surrogate at v > 0.9, the reset v (1 - z) not
/// detached, the clamp at 0, and the straight-through slope from the increment to x.
Tensor mwReleasedBackward(const Tensor& gIn, const MwSaved& s)
{
    const Tensor g = onCpu(gIn).contiguous();
    const int64_t T = g.size(0), N = g.numel() / T;
    Tensor gx = torch::empty_like(g);
    const float* pg = g.data_ptr<float>();
    const float* pa = s.pre.data_ptr<float>();
    const float* ps = s.slope.data_ptr<float>();
    float* px = gx.data_ptr<float>();
    forNeuronBlocks(N, [&](int64_t, int64_t e0, int64_t n, float* gv, float*) {
        for (int64_t t = T - 1; t >= 0; --t) {
            const int64_t o = t * N + e0;
            for (int64_t k = 0; k < n; ++k) {
                const float a = pa[o + k];
                const float vc = a > 0 ? a : 0.0f;
                const float z = vc > 0.9f ? 1.0f : 0.0f;
                const float den = kAlpha * std::fabs(vc - 0.9f) + 1.0f;
                const float h = 1.0f / (den * den);
                const float dvc = pg[o + k] * h + gv[k] * ((1.0f - z) - vc * h);
                const float da = a > 0 ? dvc : 0.0f;
                px[o + k] = da * ps[o + k];
                gv[k] = da;
            }
        }
    });
    return gx.to(gIn.device());
}

struct MwReleasedFn : torch::autograd::Function<MwReleasedFn> {
    static Tensor forward(AutogradContext* ctx, Tensor x, const DeviceTable* tb, uint64_t key,
                          ActivityTally* tally)
    {
        MwSaved s;
        Tensor z = mwReleasedForward(x, *tb, key, &s, tally, nullptr);
        ctx->save_for_backward({s.pre, s.slope});
        return z;
    }
    static tensor_list backward(AutogradContext* ctx, tensor_list g)
    {
        const auto saved = ctx->get_saved_variables();
        return {mwReleasedBackward(g[0], {saved[0], saved[1]}), Tensor(), Tensor(), Tensor()};
    }
};

}  // namespace

Tensor binaryReleasedLayer(const Tensor& x, const DeviceTable& table, uint64_t key,
                           ActivityTally* tally)
{
    checkInput(x, "released binary DW-MTJ layer");
    checkReleasedTable(table, "the released binary DW-MTJ cell", true);
    const Tensor xc = x.contiguous();
    if (!needsGrad(xc)) return binaryReleasedForward(xc, table, key, nullptr, tally);
    return StochasticFn::apply(xc, &table, key, tally, Sampler(&binaryReleasedForward));
}

Tensor multiStateReleasedLayer(const Tensor& x, const DeviceTable& table, uint64_t key,
                               ActivityTally* tally, Tensor* increments)
{
    checkInput(x, "released multi-weight DW-MTJ layer");
    checkReleasedTable(table, "the released multi-weight DW-MTJ cell", false);
    const Tensor xc = x.contiguous();
    if (increments || !needsGrad(xc))
        return mwReleasedForward(xc, table, key, nullptr, tally, increments);
    return MwReleasedFn::apply(xc, &table, key, tally);
}

}  // namespace dwmtj::core::snn

// The released code's DW-MTJ cells (docs/models.md, "As released"), on the measured tables A and
// B: the binary cell with its linear extrapolation past the table and ceil/floor output, and the
// multi-weight cell's signed increments. Forward as released; the straight-through backward is
// this tool's (the released cells pass no gradient: TrainingConfig::deviceGradient None).
#include "neuron_loops.h"
#include "released_cells.h"
#include "rng.h"

namespace dwmtj::core::snn {

using namespace detail;

namespace {

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

/// x itself on the CPU, else a CPU copy (a CUDA tensor in a build without the CUDA kernels).
Tensor onCpu(const Tensor& x) { return x.device().is_cpu() ? x : x.cpu(); }

// ---- binary cell -----------------------------------------------------------------------------

#ifdef DWMTJ_HAVE_CUDA_KERNELS
Tensor binaryReleasedCuda(const Tensor& x, const DeviceTable& tb, uint64_t key, Tensor* localGrad,
                          ActivityTally* tally)
{
    Tensor z = torch::empty_like(x);
    if (localGrad) *localGrad = torch::empty_like(x);
    const Tensor t = cudaTallyBuffer(x, tally);
    cuda::binaryReleased(x.data_ptr<float>(), z.data_ptr<float>(),
                         localGrad ? localGrad->data_ptr<float>() : nullptr, x.numel(),
                         cudaTable(tb), tb.deterministic, cudaKey(key), cudaTallyOf(t),
                         cuda::currentStream());
    finishCudaTally(t, tally, double(x.numel()));
    return z;
}
#endif

/// The cell on every element (released_cells.h): ceil(p) when p > U else floor(p) with p table
/// A at V = centre + gain x, extrapolated linearly past its ends. localGrad: gain * dp/dV.
Tensor binaryReleasedForward(const Tensor& xIn, const DeviceTable& tb, uint64_t key,
                             Tensor* localGrad, ActivityTally* tally)
{
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (onCudaKernels(xIn)) return binaryReleasedCuda(xIn, tb, key, localGrad, tally);
#endif
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
                // Deterministic: U replaced by 1/2 (a spike when p > 0.5 inside the table).
                const float uk = tb.deterministic ? 0.5f : toUnitFloat(u[k]);
                const ReleasedBinaryOut o = releasedBinaryCell(
                    px[e0 + k], uk, val, tb.size, tb.vMin, tb.invStep, tb.centre, tb.gain);
                pz[e0 + k] = o.out;
                if (pl) pl[e0 + k] = o.slope;
                sv += double(o.V) * o.V;
                ss += o.out;
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

#ifdef DWMTJ_HAVE_CUDA_KERNELS
Tensor mwReleasedCuda(const Tensor& x, const DeviceTable& tb, uint64_t key, MwSaved* saved,
                      ActivityTally* tally, Tensor* increments)
{
    const int64_t T = x.size(0), N = x.numel() / T;
    Tensor z = torch::empty_like(x);
    if (saved) saved->pre = torch::empty_like(x), saved->slope = torch::empty_like(x);
    Tensor inc;
    if (increments) inc = torch::empty(x.sizes(), x.options().dtype(torch::kInt8));
    const Tensor t = cudaTallyBuffer(x, tally);
    cuda::multiStateReleasedForward(
        x.data_ptr<float>(), z.data_ptr<float>(), saved ? saved->pre.data_ptr<float>() : nullptr,
        saved ? saved->slope.data_ptr<float>() : nullptr,
        increments ? inc.data_ptr<int8_t>() : nullptr, T, N, cudaTable(tb), tb.deterministic,
        cudaKey(key), cudaTallyOf(t), cuda::currentStream());
    finishCudaTally(t, tally, double(x.numel()));
    if (increments) *increments = inc;
    return z;
}
#endif

/// The cell over T steps (released_cells.h): u = |centre + gain x| on table B's grid; the
/// increment d / 4 with d = #{c : U < C_c(u)}, signed like the drive; v <- max(v + dx, 0);
/// spike when v > 0.9, then v <- 0. `increments` (optional) receives the signed d per step as
/// int8.
Tensor mwReleasedForward(const Tensor& xIn, const DeviceTable& tb, uint64_t key, MwSaved* saved,
                         ActivityTally* tally, Tensor* increments)
{
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (onCudaKernels(xIn)) return mwReleasedCuda(xIn, tb, key, saved, tally, increments);
#endif
    const Tensor x = onCpu(xIn);
    const int64_t T = x.size(0), N = x.numel() / T;
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
    const int64_t nb = blocksOf(N);
    std::vector<double> v2(tally ? nb : 0), spikes(tally ? nb : 0);
    forNeuronBlocks(N, [&](int64_t b, int64_t e0, int64_t n, float* v, float*) {
        uint32_t u[kBlock];
        double sv = 0, ss = 0;
        for (int64_t t = 0; t < T; ++t) {
            const int64_t o = t * N + e0;
            fillUniformU32(key, o, n, u);
            for (int64_t k = 0; k < n; ++k) {
                const ReleasedIncrement d = releasedIncrement(
                    px[o + k], toUnitFloat(u[k]), tb.deterministic, val, der, tb.size, tb.numCurves,
                    tb.vMin, tb.invStep, tb.centre, tb.gain);
                float spike;
                const float a = releasedAdvance(v[k], d.step, spike);
                pz[o + k] = spike;
                if (pa) pa[o + k] = a, ps[o + k] = d.slope;
                if (pi) pi[o + k] = int8_t(d.signedD);
                sv += double(d.drive) * d.drive;
                ss += spike;
            }
        }
        if (tally) v2[size_t(b)] = sv, spikes[size_t(b)] = ss;
    });
    addTally(tally, v2, spikes, double(x.numel()));
    if (increments) *increments = inc;
    return z.to(xIn.device());
}

/// Backward through time of the cell (released_cells.h, releasedAdjoint), times the
/// straight-through slope from the increment to x.
Tensor mwReleasedBackward(const Tensor& gIn, const MwSaved& s)
{
    const Tensor g = gIn.contiguous();
    const int64_t T = g.size(0), N = g.numel() / T;
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (onCudaKernels(g)) {
        Tensor gx = torch::empty_like(g);
        cuda::multiStateReleasedBackward(g.data_ptr<float>(), s.pre.data_ptr<float>(),
                                         s.slope.data_ptr<float>(), gx.data_ptr<float>(), T, N,
                                         cuda::currentStream());
        return gx;
    }
#endif
    const Tensor gc = onCpu(g);
    const Tensor pre = onCpu(s.pre), slope = onCpu(s.slope);
    Tensor gx = torch::empty_like(gc);
    const float* pg = gc.data_ptr<float>();
    const float* pa = pre.data_ptr<float>();
    const float* ps = slope.data_ptr<float>();
    float* px = gx.data_ptr<float>();
    forNeuronBlocks(N, [&](int64_t, int64_t e0, int64_t n, float* gv, float*) {
        for (int64_t t = T - 1; t >= 0; --t) {
            const int64_t o = t * N + e0;
            for (int64_t k = 0; k < n; ++k)
                px[o + k] = releasedAdjoint(pa[o + k], pg[o + k], gv[k]) * ps[o + k];
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

// The LIF neuron (docs/models.md, "Network and neurons"): fused CPU time loops with a hand-written
// backward, and the same equations as tensor ops for other devices.
#include <cmath>

#include "neuron_loops.h"
#include "simd.h"

namespace dwmtj::core::snn {

using namespace detail;

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

#ifdef DWMTJ_HAVE_CUDA_KERNELS
// ---------------------------------------------------------------- LIF, CUDA kernels
Tensor lifForwardCuda(const Tensor& x, Tensor* vdOut, ActivityTally* tally)
{
    const int64_t T = x.size(0), N = x.numel() / T;
    Tensor z = torch::empty_like(x);
    Tensor vd = vdOut ? torch::empty_like(x) : Tensor();
    const Tensor count = tally ? torch::zeros({1}, x.options().dtype(torch::kDouble)) : Tensor();
    cuda::lifForward(x.data_ptr<float>(), z.data_ptr<float>(),
                     vdOut ? vd.data_ptr<float>() : nullptr, T, N,
                     tally ? count.data_ptr<double>() : nullptr, cuda::currentStream());
    if (vdOut) *vdOut = vd;
    if (tally) tally->spikes += count.item<double>();
    return z;
}

Tensor lifBackwardCuda(const Tensor& gz, const Tensor& vd)
{
    const int64_t T = vd.size(0), N = vd.numel() / T;
    Tensor gx = torch::empty_like(vd);
    cuda::lifBackward(gz.data_ptr<float>(), vd.data_ptr<float>(), gx.data_ptr<float>(), T, N,
                      cuda::currentStream());
    return gx;
}
#endif

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

/// The fused CPU loops, the CUDA kernels or the tensor ops, by where x lives.
Tensor lifForwardAny(const Tensor& x, Tensor* vdOut, ActivityTally* tally)
{
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (onCudaKernels(x)) return lifForwardCuda(x, vdOut, tally);
#endif
    return fused(x) ? lifForwardCpu(x, vdOut, tally) : lifForwardGeneric(x, vdOut, tally);
}

Tensor lifBackwardAny(const Tensor& gz, const Tensor& vd)
{
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (onCudaKernels(vd)) return lifBackwardCuda(gz, vd);
#endif
    return fused(vd) ? lifBackwardCpu(gz, vd) : lifBackwardGeneric(gz, vd);
}

struct LifFn : torch::autograd::Function<LifFn> {
    static Tensor forward(AutogradContext* ctx, Tensor x, ActivityTally* tally)
    {
        Tensor vd;
        Tensor z = lifForwardAny(x, &vd, tally);
        ctx->save_for_backward({vd});
        return z;
    }
    static tensor_list backward(AutogradContext* ctx, tensor_list g)
    {
        const Tensor vd = ctx->get_saved_variables()[0];
        return {lifBackwardAny(g[0].contiguous(), vd), Tensor()};
    }
};

}  // namespace

Tensor lifLayer(const Tensor& x, ActivityTally* tally)
{
    checkInput(x, "LIF layer");
    const Tensor xc = x.contiguous();
    if (!needsGrad(xc)) {
        torch::NoGradGuard ng;
        return lifForwardAny(xc, nullptr, tally);
    }
    return LifFn::apply(xc, tally);
}

}  // namespace dwmtj::core::snn

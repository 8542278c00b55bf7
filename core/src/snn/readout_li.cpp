// The leaky-integrator readout (docs/models.md): not a neuron kind, the output layer of every
// network.
#include <cmath>

#include "neuron_loops.h"
#include "simd.h"

namespace dwmtj::core::snn {

using namespace detail;

namespace kernels {

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
}  // namespace kernels

namespace {

Tensor liForward(const Tensor& x)
{
    const int64_t T = x.size(0);
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (onCudaKernels(x)) {
        Tensor out = torch::empty_like(x);
        cuda::liForward(x.data_ptr<float>(), out.data_ptr<float>(), T, x.numel() / T,
                        cuda::currentStream());
        return out;
    }
#endif
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
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (onCudaKernels(gout)) {
        Tensor gx = torch::empty_like(gout);
        cuda::liBackward(gout.data_ptr<float>(), gx.data_ptr<float>(), T, gout.numel() / T,
                         cuda::currentStream());
        return gx;
    }
#endif
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

}  // namespace

Tensor liReadout(const Tensor& x)
{
    checkInput(x, "LI readout");
    const Tensor xc = x.contiguous();
    if (!needsGrad(xc)) return liForward(xc);
    return LiFn::apply(xc);
}

}  // namespace dwmtj::core::snn

// Adam with a checkpointable state (one fused CUDA kernel on DWMTJ_CUDA builds) and the
// network's state dicts (network.h).
#include <cmath>

#include "dwmtj/error.h"
#include "network.h"
#ifdef DWMTJ_HAVE_CUDA_KERNELS
#include "cuda/kernels.h"
#endif

namespace dwmtj::core::snn {

using torch::Tensor;

Adam::Adam(std::vector<Tensor> params, std::vector<std::string> names, double lr, double beta1,
           double beta2, double eps)
    : m_params(std::move(params)),
      m_names(std::move(names)),
      m_lr(lr),
      m_b1(beta1),
      m_b2(beta2),
      m_eps(eps)
{
    for (const auto& p : m_params) {
        m_m.push_back(torch::zeros_like(p));
        m_v.push_back(torch::zeros_like(p));
    }
}

namespace {
#ifdef DWMTJ_HAVE_CUDA_KERNELS
bool adamOnCuda(const std::vector<Tensor>& params)
{
    if (params.empty()) return false;
    for (const auto& p : params)
        if (!p.is_cuda() || p.scalar_type() != torch::kFloat || !p.is_contiguous()) return false;
    return true;
}
#endif
}  // namespace

Adam Adam::of(torch::nn::Module& module, double lr)
{
    std::vector<Tensor> params;
    std::vector<std::string> names;
    for (const auto& p : module.named_parameters())
        params.push_back(p.value()), names.push_back(p.key());
    return Adam(std::move(params), std::move(names), lr);
}

void Adam::zeroGrad()
{
    for (auto& p : m_params)
        if (p.grad().defined()) p.mutable_grad().zero_();
}

void Adam::step()
{
    torch::NoGradGuard ng;
    ++m_step;
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (adamOnCuda(m_params)) {
        if (!m_stepOnDevice.defined())
            m_stepOnDevice = torch::full({1}, float(m_step - 1), m_params[0].options());
        std::vector<cuda::AdamTensor> ts;
        for (size_t k = 0; k < m_params.size(); ++k) {
            const Tensor& g = m_params[k].grad();
            if (!g.defined()) continue;
            ts.push_back({m_params[k].data_ptr<float>(), g.data_ptr<float>(),
                          m_m[k].data_ptr<float>(), m_v[k].data_ptr<float>(), m_params[k].numel()});
        }
        void* stream = cuda::currentStream();
        cuda::incrementStep(m_stepOnDevice.data_ptr<float>(), stream);
        cuda::adamStep(ts.data(), int(ts.size()), m_stepOnDevice.data_ptr<float>(), m_lr, m_b1,
                       m_b2, m_eps, stream);
        return;
    }
#endif
    const double bc1 = 1 - std::pow(m_b1, double(m_step));
    const double bc2 = 1 - std::pow(m_b2, double(m_step));
    for (size_t k = 0; k < m_params.size(); ++k) {
        const Tensor& g = m_params[k].grad();
        if (!g.defined()) continue;
        m_m[k].mul_(m_b1).add_(g, 1 - m_b1);
        m_v[k].mul_(m_b2).addcmul_(g, g, 1 - m_b2);
        Tensor denom = (m_v[k].sqrt() / std::sqrt(bc2)).add_(m_eps);
        m_params[k].addcdiv_(m_m[k], denom, -m_lr / bc1);
    }
}

void Adam::saveState(StateDict& out) const
{
    for (size_t k = 0; k < m_params.size(); ++k) {
        out["adam.m." + m_names[k]] = toArray(m_m[k]);
        out["adam.v." + m_names[k]] = toArray(m_v[k]);
    }
    // On CUDA the device counter is the step number: a replayed graph advances it, not m_step.
    const double step =
        m_stepOnDevice.defined() ? m_stepOnDevice.cpu().item<double>() : double(m_step);
    out["adam.step"] = NamedArray{{1}, {float(step)}};
}

void Adam::loadState(const StateDict& in)
{
    torch::NoGradGuard ng;
    for (size_t k = 0; k < m_params.size(); ++k) {
        for (auto [prefix, dst] : {std::pair{"adam.m.", &m_m[k]}, std::pair{"adam.v.", &m_v[k]}}) {
            const auto it = in.find(prefix + m_names[k]);
            if (it == in.end())
                throw Error("checkpoint has no optimizer state " + std::string(prefix) +
                            m_names[k]);
            dst->copy_(fromArray(it->second).view(dst->sizes()));
        }
    }
    const auto it = in.find("adam.step");
    if (it == in.end() || it->second.data.empty()) throw Error("checkpoint has no adam.step");
    m_step = int64_t(std::llround(it->second.data[0]));
    if (m_stepOnDevice.defined()) m_stepOnDevice.fill_(float(m_step));
}

NamedArray toArray(const Tensor& t)
{
    const Tensor c = t.detach().to(torch::kCPU, torch::kFloat).contiguous();
    NamedArray a;
    a.shape.assign(c.sizes().begin(), c.sizes().end());
    a.data.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    return a;
}

Tensor fromArray(const NamedArray& a)
{
    int64_t n = 1;
    for (const int64_t d : a.shape) n = d < 0 ? -1 : n * d;
    if (n != int64_t(a.data.size()))
        throw Error("checkpoint entry of " + std::to_string(a.data.size()) +
                    " values does not fill its shape");
    return torch::from_blob(const_cast<float*>(a.data.data()), a.shape, torch::kFloat).clone();
}

StateDict moduleState(torch::nn::Module& module)
{
    StateDict out;
    for (const auto& p : module.named_parameters()) out[p.key()] = toArray(p.value());
    for (const auto& b : module.named_buffers()) out[b.key()] = toArray(b.value());
    return out;
}

void loadModuleState(torch::nn::Module& module, const StateDict& state)
{
    torch::NoGradGuard ng;
    auto load = [&](const std::string& name, Tensor& dst) {
        const auto it = state.find(name);
        if (it == state.end()) throw Error("checkpoint has no entry " + name);
        const auto& a = it->second;
        if (int64_t(a.data.size()) != dst.numel())
            throw Error("checkpoint entry " + name + " has " + std::to_string(a.data.size()) +
                        " values, the network expects " + std::to_string(dst.numel()) +
                        " (was it trained with another hidden size?)");
        dst.copy_(fromArray(a).view(dst.sizes()).to(dst.dtype()));
    };
    for (auto& p : module.named_parameters()) load(p.key(), p.value());
    for (auto& b : module.named_buffers()) load(b.key(), b.value());
}

}  // namespace dwmtj::core::snn

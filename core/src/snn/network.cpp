// Spiking MLP and Poisson encoding (Adam and the state dicts: optimizer.cpp).
#include "network.h"

#include <ATen/Parallel.h>

#include <cmath>
#include <cstring>

#include "dwmtj/error.h"
#include "events.h"
#ifdef DWMTJ_HAVE_CUDA_KERNELS
#include "cuda/kernels.h"
#endif
#include "neuron_registry.h"
#include "rng.h"

namespace dwmtj::core::snn {

using torch::Tensor;

namespace {

/// y = S W^T + b with the event kernels; backward: dW by column gathers, dS = G W (dense GEMM, only
/// when the spikes need a gradient), db = column sums of G. Saves the compressed rows, not
/// the spikes.
struct EventLinearFn : torch::autograd::Function<EventLinearFn> {
    /// The spikes x are the autograd edge only; the kernel reads `ev`.
    static Tensor forward(torch::autograd::AutogradContext* ctx, Tensor /*x*/, Tensor weight,
                          Tensor bias, const SpikeEvents* ev)
    {
        ctx->save_for_backward({weight, ev->rowStart, ev->index});
        ctx->saved_data["cols"] = ev->cols;
        return eventLinear(*ev, eventWeightLayout(weight), weight.size(0), bias);
    }
    static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::tensor_list g)
    {
        const auto saved = ctx->get_saved_variables();
        const Tensor grad = g[0].contiguous();
        SpikeEvents ev;
        ev.rows = grad.size(0);
        ev.cols = ctx->saved_data["cols"].toInt();
        ev.rowStart = saved[1];
        ev.index = saved[2];
        Tensor gx = ctx->needs_input_grad(0) ? grad.mm(saved[0]) : Tensor();
        Tensor gw = ctx->needs_input_grad(1) ? eventWeightGrad(ev, grad) : Tensor();
        Tensor gb = ctx->needs_input_grad(2) ? grad.sum(0) : Tensor();
        return {gx, gw, gb, Tensor()};
    }
};

}  // namespace

Tensor poissonEncode(const Tensor& imagesIn, int timesteps, uint64_t key)
{
    const Tensor images = imagesIn.contiguous();
    const bool perStep = images.dim() == 3;
    if (perStep && images.size(0) != timesteps) throw Error("per-step probabilities need T rows");
    const int64_t B = images.size(perStep ? 1 : 0), P = images.size(perStep ? 2 : 1), BP = B * P;
    Tensor out = torch::empty({timesteps, B, P}, images.options());
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (images.is_cuda()) {  // the same draws as below
        cuda::poissonEncode(images.data_ptr<float>(), out.data_ptr<float>(), out.numel(),
                            perStep ? out.numel() : BP, {key, DeviceKeyScope::current()},
                            cuda::currentStream());
        return out;
    }
#endif
    if (!images.device().is_cpu())
        return out.copy_(torch::rand({timesteps, B, P}, images.options()) <
                         (perStep ? images : images.unsqueeze(0)));
    const float* px = images.data_ptr<float>();
    float* po = out.data_ptr<float>();
    const int64_t M = int64_t(timesteps) * BP;
    // Per-step probabilities: element k of the output reads element k of the input.
    const int64_t period = perStep ? M : BP;
    constexpr int64_t kBlock = 4096;
    at::parallel_for(0, (M + kBlock - 1) / kBlock, 1, [&](int64_t b0, int64_t b1) {
        uint32_t u[kBlock];
        for (int64_t b = b0; b < b1; ++b) {
            const int64_t e0 = b * kBlock, n = std::min(kBlock, M - e0);
            fillUniformU32(key, e0, n, u);
            int64_t j = e0 % period;
            for (int64_t k = 0; k < n; ++k) {
                po[e0 + k] = bernoulli(u[k], px[j]);
                if (++j == period) j = 0;
            }
        }
    });
    return out;
}

SpikeEvents poissonEvents(const Tensor& imagesIn, int timesteps, uint64_t key)
{
    const Tensor images = imagesIn.contiguous();
    const bool perStep = images.dim() == 3;
    if (perStep && images.size(0) != timesteps) throw Error("per-step probabilities need T rows");
    const int64_t B = images.size(perStep ? 1 : 0), P = images.size(perStep ? 2 : 1), BP = B * P;
    const int64_t R = int64_t(timesteps) * B;
    Tensor counts = torch::empty({R}, torch::kInt);
    // Each block of rows writes its spikes at its own place in a scratch of P per row, then
    // the blocks are packed. Same counters as poissonEncode: element (t, b, p) = t*BP + b*P + p.
    constexpr int64_t kRows = 32;
    Tensor scratch = torch::empty({R * P}, torch::kShort);
    auto* ps = reinterpret_cast<uint16_t*>(scratch.data_ptr<int16_t>());
    int32_t* pc = counts.data_ptr<int32_t>();
    const float* px = images.data_ptr<float>();
    at::parallel_for(0, (R + kRows - 1) / kRows, 1, [&](int64_t c0, int64_t c1) {
        std::vector<uint32_t> u(size_t(P) + 1);
        for (int64_t c = c0; c < c1; ++c)
            for (int64_t r = c * kRows; r < std::min(R, (c + 1) * kRows); ++r) {
                const int64_t e0 = r * P;
                fillUniformU32(key, e0, P, u.data());
                const float* prob = px + (perStep ? e0 : e0 % BP);
                uint16_t* o = ps + e0;
                uint16_t* const begin = o;
                for (int64_t p = 0; p < P; ++p) {
                    *o = uint16_t(p);
                    o += int(bernoulli(u[size_t(p)], prob[p]));  // branch-free compaction
                }
                pc[r] = int32_t(o - begin);
            }
    });
    SpikeEvents ev = allocateEvents(R, P, counts);
    const int32_t* rs = ev.rowStart.data_ptr<int32_t>();
    auto* pi = reinterpret_cast<uint16_t*>(ev.index.data_ptr<int16_t>());
    at::parallel_for(0, R, 256, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r)
            std::memcpy(pi + rs[r], ps + r * P, sizeof(uint16_t) * size_t(pc[r]));
    });
    return ev;
}

NetworkOptions NetworkOptions::of(const TrainingConfig& c)
{
    NetworkOptions o;
    o.bnPlacement = c.bnPlacement;
    o.bnStatistics = c.bnStatistics;
    o.input = c.input;
    o.cudaGraphs = c.cudaGraphs;
    return o;
}

SpikingMlpImpl::SpikingMlpImpl(int inputs, int hidden, int classes,
                               std::vector<HiddenNeurons> layers, NetworkOptions options)
    : m_layers(std::move(layers)), m_options(options)
{
    if (m_layers.size() != size_t(TrainingConfig::kHiddenLayers))
        throw Error("the network has " + std::to_string(TrainingConfig::kHiddenLayers) +
                    " hidden layers, got neurons for " + std::to_string(m_layers.size()));
    for (const auto& l : m_layers) {
        if (neuronKindInfo(l.kind).device && !l.table)
            throw Error(std::string("the ") + neuronKindInfo(l.kind).label +
                        " DW-MTJ neuron needs a lookup table");
        neuronKernel(l.kind);  // throws now, not in the first forward pass
    }
    fc1 = register_module("fc1", torch::nn::Linear(inputs, hidden));
    bn1 = register_module("bn1", torch::nn::BatchNorm1d(hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, hidden));
    bn2 = register_module("bn2", torch::nn::BatchNorm1d(hidden));
    fc3 = register_module("fc3", torch::nn::Linear(hidden, classes));
}

SpikingMlpImpl::SpikingMlpImpl(int inputs, int hidden, int classes, NeuronKind kind,
                               std::shared_ptr<const DeviceTable> table)
    : SpikingMlpImpl(inputs, hidden, classes,
                     std::vector<HiddenNeurons>(size_t(TrainingConfig::kHiddenLayers),
                                                HiddenNeurons{kind, std::move(table)}))
{
}

void SpikingMlpImpl::initialize(WeightInit init)
{
    if (init != WeightInit::Xavier) return;
    torch::NoGradGuard ng;
    for (torch::nn::Linear* fc : {&fc1, &fc2, &fc3}) {
        torch::nn::init::xavier_uniform_((*fc)->weight);
        torch::nn::init::zeros_((*fc)->bias);
    }
}

void SpikingMlpImpl::freezeLayer(int i)
{
    if (i < 0 || i >= TrainingConfig::kHiddenLayers)
        throw Error("no hidden layer " + std::to_string(i + 1) + " to freeze");
    torch::nn::Linear& fc = i == 0 ? fc1 : fc2;
    fc->weight.set_requires_grad(false);
    fc->bias.set_requires_grad(false);
    torch::nn::BatchNorm1d* bn = nullptr;
    if (m_options.bnPlacement == BnPlacement::Before)
        bn = i == 0 ? &bn1 : &bn2;
    else if (i == 1)
        bn = &bn1;
    if (bn) {
        (*bn)->weight.set_requires_grad(false);
        (*bn)->bias.set_requires_grad(false);
    }
}

Tensor SpikingMlpImpl::deviceKeys(uint64_t key)
{
    return torch::tensor(
        {int64_t(streamKey(key, 0)), int64_t(streamKey(key, 1)), int64_t(streamKey(key, 2))},
        torch::kLong);
}

const uint64_t* SpikingMlpImpl::keySlot(int k) const
{
    if (!m_keys.defined()) return nullptr;
    return reinterpret_cast<const uint64_t*>(m_keys.data_ptr<int64_t>()) + k;
}

namespace {
/// The voltages a device layer applies, V = centre + gain x, counted into the activity's bins.
void tallyVoltages(NetworkActivity& activity, int layer, const DeviceTable& tb, const Tensor& x)
{
    const double lo = tb.vMin, hi = tb.vMin + double(tb.size - 1) / tb.invStep;
    if (!(hi > lo)) return;
    const int bins = NetworkActivity::kVoltageBins;
    const Tensor V = (x.detach() * tb.gain + tb.centre).clamp(lo, hi);
    const Tensor h = torch::histc(V, bins, lo, hi).to(torch::kDouble).cpu().contiguous();
    auto& counts = activity.voltageCounts[size_t(layer)];
    if (counts.empty()) counts.assign(size_t(bins), 0.0);
    const double* ph = h.data_ptr<double>();
    for (int k = 0; k < bins; ++k) counts[size_t(k)] += ph[k];
    activity.voltageRange[size_t(layer)] = {lo, hi};
}
}  // namespace

Tensor SpikingMlpImpl::neuron(int layer, const Tensor& x, uint64_t key, NetworkActivity* activity)
{
    const HiddenNeurons& l = m_layers[size_t(layer)];
    const DeviceKeyScope keys(keySlot(layer + 1));
    if (activity && l.table) tallyVoltages(*activity, layer, *l.table, x);
    return neuronKernel(l.kind)(x, l.table.get(), key,
                                activity ? &activity->layer[size_t(layer)] : nullptr);
}

Tensor perStepBatchNorm(torch::nn::BatchNorm1d& bn, const Tensor& x, int64_t T,
                        bool batchStatistics, bool update)
{
    const int64_t H = x.size(1);
    const Tensor xt = x.view({T, -1, H});
    const double eps = bn->options.eps();
    Tensor y;
    if (batchStatistics) {
        const Tensor mean = xt.mean(1, true);
        const Tensor var = xt.var(1, false, true);  // biased, as batch_norm normalizes
        y = (xt - mean) * torch::rsqrt(var + eps);
        if (update) {
            // T successive momentum updates, one per step, in one expression:
            // r_T = (1 - m)^T r_0 + sum_t m (1 - m)^(T - 1 - t) s_t, with the unbiased variance.
            torch::NoGradGuard ng;
            const double m = bn->options.momentum().value_or(0.1);
            const int64_t B = xt.size(1);
            const Tensor powers =
                torch::arange(T - 1, -1, -1, x.options()).mul_(std::log1p(-m)).exp_().mul_(m);
            const Tensor w = powers.view({T, 1});
            const double keep = std::pow(1 - m, double(T));
            bn->running_mean.mul_(keep).add_((w * mean.squeeze(1).detach()).sum(0));
            bn->running_var.mul_(keep).add_(
                (w * var.squeeze(1).detach() * (double(B) / double(std::max<int64_t>(1, B - 1))))
                    .sum(0));
            bn->num_batches_tracked.add_(T);
        }
    } else {
        y = (xt - bn->running_mean) * torch::rsqrt(bn->running_var + eps);
    }
    return (y * bn->weight + bn->bias).view({-1, H});
}

Tensor SpikingMlpImpl::norm(torch::nn::BatchNorm1d& bn, const Tensor& x, int64_t T)
{
    if (m_options.bnStatistics == BnStatistics::PerStep)
        return perStepBatchNorm(bn, x, T, is_training() || m_batchStats, is_training());
    if (!m_batchStats || is_training()) return bn(x);
    // training = true with no running tensors: batch statistics, nothing updated.
    return torch::batch_norm(x, bn->weight, bn->bias, {}, {}, true, 0.0, bn->options.eps(), false);
}

namespace {

Tensor eventLinearAutograd(torch::nn::Linear& fc, const Tensor& x, const SpikeEvents& ev, bool grad)
{
    if (!grad) return eventLinear(ev, eventWeightLayout(fc->weight), fc->weight.size(0), fc->bias);
    return EventLinearFn::apply(x, fc->weight, fc->bias, &ev);
}

bool wantsGrad(torch::nn::Linear& fc)
{
    return torch::GradMode::is_enabled() && fc->weight.requires_grad();
}

/// Counts the encoded input spikes x (0/1) into the activity (NeuroBench's input sparsity).
void tallyInput(NetworkActivity* tally, const Tensor& x)
{
    if (!tally) return;
    tally->input.spikes += x.sum().item<double>();
    tally->input.samples += double(x.numel());
}

}  // namespace

Tensor SpikingMlpImpl::forward(const Tensor& pixels, int T, uint64_t key, NetworkActivity* tally)
{
    // Standardized input (as released): spike probability clamp((x - mean) / sd, 0, 1); the
    // encoder's comparison u < p already never fires below 0 and always fires above 1.
    const Tensor images = spikeProbabilities(pixels);
    if (!images.device().is_cpu()) {
        Tensor spikes;
        {
            const DeviceKeyScope keys(keySlot(0));
            spikes = poissonEncode(images, T, streamKey(key, 0));
        }
        return forwardSpikes(spikes, key, tally);
    }
    const int64_t B = images.size(images.dim() == 3 ? 1 : 0), P = images.size(-1);
    // fc1's kernel is chosen before encoding, from the expected spike density (the mean firing
    // probability; over T * B * P draws the realized density differs by ~1e-4), so that the
    // encoder writes either compressed rows or the dense matrix, never both.
    const double expected = images.clamp(0, 1).mean().item<double>();
    if (useEventKernel(expected, P, wantsGrad(fc1)))
        return forwardEvents(poissonEvents(images, T, streamKey(key, 0)), T, B, key, tally);
    const Tensor x = poissonEncode(images, T, streamKey(key, 0)).view({T * B, P});
    tallyInput(tally, x);
    if (m_capture) m_capture->push_back(x);
    m_use[0] = {expected, false};
    return hiddenLayers(fc1(x), T, B, key, tally);
}

Tensor SpikingMlpImpl::spikeProbabilities(const Tensor& pixels) const
{
    if (m_options.input != InputEncoding::Standardized) return pixels;
    return (pixels - kStandardizeMean) / kStandardizeSd;
}

Tensor SpikingMlpImpl::spikeLinear(torch::nn::Linear& fc, const Tensor& x, int layer)
{
    if (m_capture) m_capture->push_back(x.detach().to(torch::kFloat).contiguous());
    if (!x.device().is_cpu()) return fc(x);
    const Tensor perRow = spikesPerRow(x);
    const double density =
        double(perRow.sum().item<int64_t>()) / double(std::max<int64_t>(1, x.numel()));
    const bool grad = wantsGrad(fc);
    const bool event = useEventKernel(density, x.size(1), grad);
    m_use[size_t(layer)] = {density, event};
    if (!event) return fc(x.scalar_type() == torch::kFloat ? x : x.to(torch::kFloat));
    return eventLinearAutograd(fc, x, toEvents(x, perRow), grad);
}

Tensor SpikingMlpImpl::forwardEvents(const SpikeEvents& ev, int64_t T, int64_t B, uint64_t key,
                                     NetworkActivity* tally)
{
    if (m_capture) m_capture->push_back(toDense(ev));
    m_use[0] = {ev.density(), true};
    if (tally) {
        tally->input.spikes += double(ev.count());
        tally->input.samples += double(ev.rows) * double(ev.cols);
    }
    // The index tensor stands in for the spikes as fc1's autograd input (it needs no gradient).
    return hiddenLayers(eventLinearAutograd(fc1, ev.index, ev, wantsGrad(fc1)), T, B, key, tally);
}

Tensor SpikingMlpImpl::forwardSpikes(const Tensor& x, uint64_t key, NetworkActivity* tally)
{
    const int64_t T = x.size(0), B = x.size(1);
    tallyInput(tally, x);
    return hiddenLayers(spikeLinear(fc1, x.contiguous().view({T * B, x.size(2)}), 0), T, B, key,
                        tally);
}

Tensor SpikingMlpImpl::hiddenLayers(Tensor h, int64_t T, int64_t B, uint64_t key,
                                    NetworkActivity* tally)
{
    // Layer-wise over time: each Linear is one product over all T*B rows, BatchNorm normalizes
    // over the T*B rows (or per step), and only the neuron recurrence loops over T (fused).
    // Before: Linear -> BatchNorm -> neuron; after (as released): Linear -> neuron -> BatchNorm.
    const bool after = m_options.bnPlacement == BnPlacement::After;
    Tensor z = neuron(0, (after ? h : norm(bn1, h, T)).view({T, B, -1}), streamKey(key, 1), tally);
    Tensor in = z.view({T * B, -1});
    if (after) in = norm(bn1, in, T);
    h = nextLinear(fc2, in, 1, !after && neuronKindInfo(m_layers[0].kind).binarySpikes);
    z = neuron(1, (after ? h : norm(bn2, h, T)).view({T, B, -1}), streamKey(key, 2), tally);
    in = z.view({T * B, -1});
    if (after) in = norm(bn2, in, T);
    Tensor o = nextLinear(fc3, in, 2, !after && neuronKindInfo(m_layers[1].kind).binarySpikes);
    return liReadout(o.view({T, B, -1}));
}

Tensor SpikingMlpImpl::nextLinear(torch::nn::Linear& fc, const Tensor& x, int layer, bool spikes)
{
    if (spikes) return spikeLinear(fc, x, layer);
    double density = std::nan("");  // the share of non-zero inputs, measured for `dwmtj bench`
    if (m_capture) {
        m_capture->push_back(x.detach().to(torch::kFloat).contiguous());
        density = (x != 0).to(torch::kFloat).mean().item<double>();
    }
    m_use[size_t(layer)] = {density, false};
    return fc(x);
}

Tensor SpikingMlpImpl::loss(const Tensor& voltage, const Tensor& labels, Tensor* logits)
{
    Tensor m = std::get<0>(voltage.max(0));
    if (logits) *logits = m.detach();
    return torch::nll_loss(torch::log_softmax(m, 1), labels);
}

Tensor SpikingMlpImpl::predictedClasses(const Tensor& voltage)
{
    return std::get<0>(voltage.max(0)).argmax(1);
}

}  // namespace dwmtj::core::snn

// TrainingStep (training_step.h).
#include "training_step.h"

#include <cmath>

#include "dwmtj/error.h"

namespace dwmtj::core::snn {

using torch::Tensor;

namespace {

/// Capture and replay only for a model on CUDA in a build with the CUDA kernels.
bool graphsUsable(const SpikingMlp& model, bool graphs)
{
    if (!graphs || !cudaGraphsBuilt()) return false;
    const auto params = model->parameters();
    return !params.empty() && params[0].is_cuda();
}

}  // namespace

TrainingStep::TrainingStep(SpikingMlp model, Adam& opt, int timesteps, bool graphs,
                           double divergenceLoss)
    : m_model(std::move(model)),
      m_opt(opt),
      m_timesteps(timesteps),
      m_graphs(graphsUsable(m_model, graphs)),
      m_divergence(divergenceLoss)
{
}

StepResult TrainingStep::run(const Tensor& images, const Tensor& labels, uint64_t key)
{
    StepResult r;
    if (!m_graphs) {
        m_opt.zeroGrad();
        Tensor logits;
        Tensor loss =
            SpikingMlpImpl::loss(m_model->forward(images, m_timesteps, key), labels, &logits);
        r.loss = loss.item<double>();
        if (!std::isfinite(r.loss) || r.loss > m_divergence) return r;
        loss.backward();
        m_opt.step();
        r.correct = (logits.argmax(1) == labels).sum().item<int64_t>();
        r.updated = true;
        return r;
    }
    if (!m_work) {
        // Static inputs: the graph reads the batch, its labels and its random keys from here.
        m_x = torch::empty_like(images);
        m_y = torch::empty_like(labels);
        m_keys = torch::empty({3}, images.options().dtype(torch::kLong));
        m_work = std::make_unique<CapturedWork>(
            [this] {
                // The kernels launched now read the keys from m_keys (the graph keeps the
                // address); the model's other passes (validation) use their own keys.
                m_model->readKeysFrom(m_keys);
                m_opt.zeroGrad();
                Tensor logits;
                Tensor loss =
                    SpikingMlpImpl::loss(m_model->forward(m_x, m_timesteps, 0), m_y, &logits);
                loss.backward();
                m_opt.step();
                m_stats = torch::stack(
                    {loss.detach(), (logits.argmax(1) == m_y).sum().to(torch::kFloat)});
                m_model->readKeysFrom(torch::Tensor());
            },
            true);
    }
    if (images.sizes() != m_x.sizes())
        throw Error("a captured training step takes batches of one size");
    m_x.copy_(images);
    m_y.copy_(labels);
    m_keys.copy_(SpikingMlpImpl::deviceKeys(key));
    m_work->run();
    const Tensor s = m_stats.cpu();
    r.loss = double(s[0].item<float>());
    r.correct = int64_t(std::llround(s[1].item<float>()));
    r.updated = true;
    return r;
}

EvaluationPass::EvaluationPass(SpikingMlp model, int timesteps, bool graphs)
    : m_model(std::move(model)), m_timesteps(timesteps), m_graphs(graphsUsable(m_model, graphs))
{
}

Tensor EvaluationPass::predict(const Tensor& images, uint64_t key, NetworkActivity* tally)
{
    if (!m_graphs || tally || (m_work && images.sizes() != m_x.sizes()))
        return SpikingMlpImpl::predictedClasses(m_model->forward(images, m_timesteps, key, tally));
    if (!m_work) {
        m_x = torch::empty_like(images);
        m_keys = torch::empty({3}, images.options().dtype(torch::kLong));
        m_work = std::make_unique<CapturedWork>(
            [this] {
                m_model->readKeysFrom(m_keys);
                m_pred = SpikingMlpImpl::predictedClasses(m_model->forward(m_x, m_timesteps, 0));
                m_model->readKeysFrom(torch::Tensor());
            },
            true);
    }
    m_x.copy_(images);
    m_keys.copy_(SpikingMlpImpl::deviceKeys(key));
    m_work->run();
    return m_pred.clone();
}

}  // namespace dwmtj::core::snn

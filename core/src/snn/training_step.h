#pragma once
// One training step of the spiking MLP (forward, loss, backward, Adam) as the trainer and
// `dwmtj bench` run it, and one evaluation pass (the predicted classes of a batch): eagerly, or
// on CUDA captured once as a CUDA graph and replayed (captured.h, docs/gpu.md).
#include <torch/torch.h>

#include <cstdint>
#include <memory>

#include "captured.h"
#include "network.h"

namespace dwmtj::core::snn {

struct StepResult {
    double loss = 0;       ///< the batch's loss before the update
    int64_t correct = 0;   ///< images of the batch classified correctly (before the update)
    bool updated = false;  ///< the update was applied (eager steps skip it for a diverged loss)
};

class TrainingStep {
public:
    /// `graphs`: capture and replay when the model is on CUDA in a DWMTJ_CUDA build (the
    /// batch size must then stay the same); eager otherwise. `divergenceLoss`: an eager step
    /// does not update for a loss above it (or NaN); a replayed step has updated already.
    TrainingStep(SpikingMlp model, Adam& opt, int timesteps, bool graphs, double divergenceLoss);
    StepResult run(const torch::Tensor& images, const torch::Tensor& labels, uint64_t key);
    /// The steps are replayed from a captured CUDA graph (after the warm-up steps).
    bool replaying() const { return m_work && m_work->captured(); }
    bool usesGraphs() const { return m_graphs; }

private:
    SpikingMlp m_model;
    Adam& m_opt;
    int m_timesteps;
    bool m_graphs;
    double m_divergence;
    torch::Tensor m_x, m_y, m_keys, m_stats;  // static buffers of the captured step
    std::unique_ptr<CapturedWork> m_work;
};

/// The classes a network predicts for batches of images (argmax over classes of the readout's
/// maximum over time), as train::evaluate runs it. With `graphs` on a CUDA model in a
/// DWMTJ_CUDA build, the forward pass for the first batch size seen is captured once as a CUDA
/// graph (after two eager warm-up batches) and replayed for every later batch of that size;
/// other sizes (the last, shorter batch) and every other case run eagerly. The caller sets
/// eval mode and no-grad. A replayed batch draws what the eager one draws for the same key.
class EvaluationPass {
public:
    EvaluationPass(SpikingMlp model, int timesteps, bool graphs);
    /// images [B, P] -> predicted classes [B] (int64, on the model's device). A pass given
    /// `tally` (device activity, copied to the host after each layer) runs eagerly.
    torch::Tensor predict(const torch::Tensor& images, uint64_t key,
                          NetworkActivity* tally = nullptr);
    bool replaying() const { return m_work && m_work->captured(); }

private:
    SpikingMlp m_model;
    int m_timesteps;
    bool m_graphs;
    torch::Tensor m_x, m_keys, m_pred;  // static buffers of the captured pass
    std::unique_ptr<CapturedWork> m_work;
};

}  // namespace dwmtj::core::snn

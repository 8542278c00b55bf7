#pragma once
// The robustness study's input perturbations (internal, torch; definitions in
// dwmtj/robustness.h and docs/models.md). All draws come from the counter-based generator:
// the same key gives the same noise whatever the thread count.
#include <torch/torch.h>

#include <cstdint>

#include "dwmtj/training_config.h"

namespace dwmtj::core::train {

/// clamp(x + sd N(0,1), 0, 1), one draw per pixel (frozen over the time steps); without
/// `clamp` x + sd N(0,1) (standardized input, as released).
torch::Tensor gaussianPixels(const torch::Tensor& images, double sd, uint64_t key,
                             bool clamp = true);
/// [T, B, P]: the same drawn afresh at every step.
torch::Tensor gaussianPixelsPerStep(const torch::Tensor& images, int timesteps, double sd,
                                    uint64_t key, bool clamp = true);
/// The gaussian-expected control (dwmtj/robustness.h): from the clean spike probabilities `p`
/// (unclamped; SpikingMlpImpl::spikeProbabilities) and the noise's sigma in the same units,
/// E[clamp(p + sigma N(0,1), 0, 1)] per pixel in closed form, returned as the pixels that the
/// network's `input` encoding turns into these probabilities.
torch::Tensor expectedNoisyPixels(const torch::Tensor& p, double sigma, InputEncoding input);
/// Each pixel replaced with probability p by 0 or 1 (equally likely).
torch::Tensor saltPepper(const torch::Tensor& images, double p, uint64_t key);
/// Input spikes (0/1): each spike removed with probability q; each silent element becomes a
/// spike with probability r.
torch::Tensor spikeNoise(const torch::Tensor& spikes, double q, double r, uint64_t key);

}  // namespace dwmtj::core::train

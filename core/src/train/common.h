#pragma once
// Helpers shared by the trainer, the noise evaluation and the benchmark (internal, torch).
#include <torch/torch.h>

#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "dwmtj/fashion_mnist.h"
#include "dwmtj/training.h"
#include "snn/network.h"

namespace dwmtj::core::train {

torch::Device resolveDevice(const std::string& name);
/// The LUT a DW-MTJ neuron uses (config path or the bundled example); throws Error.
Lut resolveLut(NeuronKind neuron, const std::string& lutPath);
/// Float sampling table at the configured (or the LUT's default) operating point.
std::shared_ptr<const snn::DeviceTable> makeTable(const Lut& lut, double centre, double gain,
                                                  const torch::Device& device);
/// Images [N, 784] float and labels [N] int64 on `device`.
void toTensors(const ImageSet& set, const torch::Device& device, torch::Tensor& x, torch::Tensor& y);

/// Classification accuracy in [0, 1] (eval mode, no grad) over X/Y in batches; NaN if
/// stopped. `transform(batchImages, batchIndex)` may alter the images (noise).
double evaluate(snn::SpikingMlp& model, const torch::Tensor& X, const torch::Tensor& Y, int timesteps,
                int batchSize, uint64_t key, snn::ActivityTally* tally, std::stop_token stop,
                const std::function<torch::Tensor(const torch::Tensor&, int)>& transform = {},
                const std::function<void()>& afterBatch = {});

/// Standard normal noise of `shape` from the counter-based generator (Box-Muller).
torch::Tensor gaussian(at::IntArrayRef shape, uint64_t key, const torch::Device& device);

snn::SpikingMlp buildModel(const TrainingConfig& c, std::shared_ptr<const snn::DeviceTable> table,
                           const torch::Device& device);

/// Energy per inference from the activity of `images` test images (paper's electrical values).
EnergyReport energyFrom(const snn::ActivityTally& tally, int images);

std::string hostName();
std::string nowIso();

}  // namespace dwmtj::core::train

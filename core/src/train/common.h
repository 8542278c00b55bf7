#pragma once
// Helpers shared by the trainer, the noise evaluation and the benchmark (internal, torch).
#include <torch/torch.h>

#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "dwmtj/experiment.h"
#include "dwmtj/fashion_mnist.h"
#include "dwmtj/training.h"
#include "dwmtj/variability.h"
#include "snn/network.h"

namespace dwmtj::core::train {

torch::Device resolveDevice(const std::string& name);
/// On a CUDA device: matrix products in TF32 (true) or float32 (TrainingConfig::tf32).
void applyMatmulPrecision(const torch::Device& device, bool tf32);
/// The LUT a DW-MTJ neuron kind uses (the path, or the kind's bundled LUT); throws Error when
/// the LUT is of another device kind than the neuron needs.
Lut resolveLut(NeuronKind neuron, const std::string& lutPath);
/// Reads the LUTs of the configuration's device layers into `e.lut` / `e.lut2`
/// (Experiment::layerLut) where the experiment does not hold them yet.
void resolveLuts(Experiment& e);
/// Hidden layer i's operating point, the kind's default from its LUT where the config says
/// NaN: centre [V] and gain [V per unit input]. NaN, NaN for a layer without device neurons.
void operatingPoint(const Experiment& e, int layer, double& centre, double& gain);
/// The one table the network's device layers use (only those whose table is of `kind`, when
/// given); nullptr when there is none. Throws OptionsError(`twoTables`) when two layers use
/// different tables.
const Lut* singleDeviceLut(const Experiment& e, const std::string& twoTables,
                           std::optional<DeviceKind> kind = std::nullopt);
/// Each hidden layer's neurons for a network of `e` (its LUTs at each layer's operating point,
/// the gains times `gainFactor`: the robustness study's device-gain choices). Throws Error when
/// a device layer has no LUT in the experiment.
std::vector<snn::HiddenNeurons> hiddenNeurons(const Experiment& e, const torch::Device& device,
                                              double gainFactor = 1.0);
/// The same with every device layer's neurons drawn as individual devices (variability.h):
/// layer i's devices from drawDevices(v, hidden, curves, mix(drawKey, i)); nominal devices
/// (the tables above, bit for bit) when `v` has nothing set. `draws`, when given, receives
/// each hidden layer's devices (devices = 0 for a layer without device neurons).
std::vector<snn::HiddenNeurons> variedNeurons(const Experiment& e, const torch::Device& device,
                                              const VariabilitySettings& v, uint64_t drawKey,
                                              std::vector<DeviceDraw>* draws = nullptr,
                                              double gainFactor = 1.0);
/// The neurons run `runSeed` of `e` was trained on: its drawn devices under hardware-aware
/// training (TrainingConfig::variabilityUse Training), else the nominal ones, the gains times
/// `gainFactor`. What the noise evaluation and the robustness study test the run with.
std::vector<snn::HiddenNeurons> trainedNeurons(const Experiment& e, uint64_t runSeed,
                                               const torch::Device& device,
                                               double gainFactor = 1.0);
/// The draw key of device draw `draw` of the run with seed `runSeed` under variability seed
/// `variabilitySeed`: a run's configured devices are draw 0, which `dwmtj variability` with
/// the same seed and spread evaluates too.
uint64_t deviceDrawKey(uint64_t variabilitySeed, uint64_t runSeed, int draw);
/// The runs of `e` that have a best checkpoint; throws Error when there is none ("train it
/// first"): what every evaluation of a trained experiment checks first.
int checkpointedRuns(const Experiment& e);
/// The test images an evaluation of a network trained with `c` uses: `dataDir` ("" = the
/// config's) and `testLimit` (< 0 = the config's), as tensors on `device`.
void testTensors(const TrainingConfig& c, const std::string& dataDir, int testLimit,
                 const torch::Device& device, torch::Tensor& x, torch::Tensor& y);
/// Images [N, 784] float and labels [N] int64 on `device`.
void toTensors(const ImageSet& set, const torch::Device& device, torch::Tensor& x,
               torch::Tensor& y);

/// Classification accuracy in [0, 1] (eval mode, no grad) over X/Y in batches; NaN if
/// stopped. `transform(batchImages, batchIndex)` may alter the images (noise). `correct`, if
/// given, receives one flag per image (1 = classified correctly).
double evaluate(snn::SpikingMlp& model, const torch::Tensor& X, const torch::Tensor& Y,
                int timesteps, int batchSize, uint64_t key, snn::NetworkActivity* tally,
                std::stop_token stop,
                const std::function<torch::Tensor(const torch::Tensor&, int)>& transform = {},
                const std::function<void()>& afterBatch = {},
                std::vector<uint8_t>* correct = nullptr);
/// Appends the per-image hits of one batch (`hit` bool [B]) to `correct` (if given) and
/// returns their count.
int64_t countHits(const torch::Tensor& hit, std::vector<uint8_t>* correct);
/// The largest class share of the labels `Y` (the chance level of always answering the most
/// frequent class).
double chanceLevel(const torch::Tensor& Y);

/// How Gaussian noise of sigma 1 enters a network trained with `c`: its standard deviation in
/// pixel units and whether the noisy pixels are clamped to [0, 1]. Pixel input: `unitScale`
/// (1 in pixel units, the training pixel std in standardized units), clamped. Standardized
/// input (as released): sigma is in the input's standardized units (0.3081 pixel units),
/// never clamped, whatever the units option says.
struct InputNoise {
    double scale = 1;
    bool clamp = true;
};
InputNoise inputNoise(const TrainingConfig& c, double unitScale);

/// Standard normal noise of `shape` from the counter-based generator (Box-Muller).
torch::Tensor gaussian(at::IntArrayRef shape, uint64_t key, const torch::Device& device);

snn::SpikingMlp buildModel(const TrainingConfig& c, std::vector<snn::HiddenNeurons> layers,
                           const torch::Device& device);

/// Energy per inference from the activity of `images` test images (the config's energy model):
/// the device layers of `c` count, per layer and in total; invalid without device layers.
/// Energy per inference of the device layers, each in its LUT's drive (Experiment::layerLut).
EnergyReport energyFrom(const snn::NetworkActivity& activity, int images, const Experiment& e);

/// NeuroBench's metrics of `model` from the activity of `images` clean test images.
NeuroBenchMetrics neuroBenchFrom(const snn::NetworkActivity& activity, int images,
                                 snn::SpikingMlp& model, const TrainingConfig& c);

std::string hostName();
std::string nowIso();

}  // namespace dwmtj::core::train

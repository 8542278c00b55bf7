#pragma once
// Configuration of a training call: network, neuron, device operating point, data.
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "dwmtj/neuron_kinds.h"
#include "dwmtj/variability.h"

namespace dwmtj::core {

/// Seeds written like "0-4" or "0,3,7" (ranges of at most 1001 seeds, no repeats); throws
/// OptionsError saying what was expected. The CLI, the Train page and sweep files use it.
std::vector<uint64_t> parseSeedList(const std::string& text);
/// Noise levels written like "A:B:STEP" or "0,0.5,1" (each >= 0); throws OptionsError.
std::vector<double> parseSigmaList(const std::string& text);

/// Units of the noise sigma: pixel units (x' = clamp(x + sigma N(0,1), 0, 1)) or
/// standardized units (sigma times the training set's pixel standard deviation).
enum class NoiseUnits { Pixel, Standardized };
const char* toString(NoiseUnits u);  ///< "pixel", "standardized"
NoiseUnits noiseUnitsFromString(const std::string& s);

/// How the network is built and trained beyond its neurons (docs/models.md, "As released"):
/// the choices that the paper's released code makes differently from this tool's defaults.
/// Straight-through: a device-neuron layer passes gain * p'(V) back to its input; none: it
/// passes nothing, so the layers below it keep their initial values (as released).
enum class DeviceGradient { StraightThrough, None };
/// BatchNorm of a hidden layer before its neuron (Linear -> BatchNorm -> neuron) or after it
/// (Linear -> neuron -> BatchNorm, as released).
enum class BnPlacement { Before, After };
/// BatchNorm statistics in training over all T x B rows of a batch (sequence) or per time step
/// over the B images of that step, the running statistics updated at every step (as released).
enum class BnStatistics { Sequence, PerStep };
/// Pixel: spike probability = pixel in [0, 1], noise clamped to [0, 1]. Standardized (as
/// released): x' = (x - 0.1307) / 0.3081, noise added in those units and never clamped,
/// spike probability clamp(x', 0, 1).
enum class InputEncoding { Pixel, Standardized };
/// Default: LibTorch's Linear initialization (Kaiming-uniform, a = sqrt 5); Xavier: Xavier-uniform
/// weights (gain 1) and zero biases (as released).
enum class WeightInit { Default, Xavier };
/// Device neurons sample their device (stochastic) or act as its expectation (deterministic;
/// the mechanism study): the released binary cell fires when p(V) > 0.5, the released
/// multi-weight cell advances by the expected increment. The released cells only.
enum class NeuronSampling { Stochastic, Deterministic };
inline constexpr double kStandardizeMean = 0.1307;  ///< the released code's Normalize constants
inline constexpr double kStandardizeSd = 0.3081;

const char* toString(DeviceGradient v);  ///< "straight-through", "none"
const char* toString(BnPlacement v);     ///< "before", "after"
const char* toString(BnStatistics v);    ///< "sequence", "per-step"
const char* toString(InputEncoding v);   ///< "pixel", "standardized"
const char* toString(WeightInit v);      ///< "default", "xavier"
const char* toString(NeuronSampling v);  ///< "stochastic", "deterministic"
/// Each throws OptionsError naming the choices.
DeviceGradient deviceGradientFromString(const std::string& s);
BnPlacement bnPlacementFromString(const std::string& s);
BnStatistics bnStatisticsFromString(const std::string& s);
InputEncoding inputEncodingFromString(const std::string& s);
WeightInit weightInitFromString(const std::string& s);
NeuronSampling neuronSamplingFromString(const std::string& s);

/// One hidden layer's neuron: its kind and, for device kinds, its LUT and operating point.
struct LayerNeuron {
    NeuronKind neuron = NeuronKind::Lif;
    std::string lutPath;  ///< device kinds: "" = the kind's bundled LUT
    double centreVoltage = std::numeric_limits<double>::quiet_NaN();  ///< NaN = the LUT's
    double gainVolts = std::numeric_limits<double>::quiet_NaN();      ///< NaN = the LUT's
    bool operator==(const LayerNeuron& o) const;                      ///< NaN equals NaN here
};

/// Options of one training call (several seeds). Defaults are the paper's network.
struct TrainingConfig {
    static constexpr int kHiddenLayers = 2;
    NeuronKind neuron = NeuronKind::Lif;
    int hidden = 500;    ///< H, units per hidden layer
    int timesteps = 80;  ///< T, steps per image
    int batchSize = 100;
    double learningRate = 1e-3;  ///< Adam
    int epochs = 10;
    std::vector<uint64_t> seeds{0};
    /// LUT for the DW-MTJ neurons (.csv or .h5 written by `dwmtj fit --lut`); empty = the
    /// bundled example LUT for the neuron kind (datasets/binary-lut.csv, multistate-lut.csv).
    std::string lutPath;
    /// Neuron operating point: V_t = centre + gain * x_t [V, V per unit input]; NaN = the
    /// LUT's suggestion (binary: V50 and 2w; multi-state: mid and half-spread of the notches).
    double centreVoltage = std::numeric_limits<double>::quiet_NaN();
    double gainVolts = std::numeric_limits<double>::quiet_NaN();
    std::string device = "cpu";  ///< "cpu", "cuda" or "auto" (CUDA when available)
    int threads = 0;             ///< intra-op threads; 0 = $DWMTJ_THREADS or all cores
    /// CUDA (DWMTJ_CUDA builds): each training step captured once as a CUDA graph and replayed
    /// (docs/gpu.md); ignored on the CPU.
    bool cudaGraphs = true;
    /// CUDA: the matrix products in TF32 (10-bit mantissa) instead of float32; ignored on the CPU.
    bool tf32 = false;
    std::string dataDir;          ///< Fashion-MNIST directory; empty = the Debian default
    int trainLimit = 0;           ///< > 0: use only the first N training-file images
    int testLimit = 0;            ///< > 0: use only the first N test images
    int validationSize = 10000;   ///< images held out of the training file (capped at 1/6)
    double divergenceLoss = 1e3;  ///< a batch loss above this (or NaN) ends the run: Diverged
    /// Noise-aware training: Gaussian noise of this sigma (pixel units, clamped to [0, 1],
    /// one draw per image and batch) on the training images; 0 = none. Validation and test
    /// images stay clean.
    double trainNoiseSigma = 0;
    /// The energy model of a DW-MTJ device sample (docs/models.md, "Energy"): the device's
    /// two-point and four-point (track) resistances, the write pulse and its rise plus fall
    /// time; the defaults are the paper's (EnergyParameters). The voltage of each sample is
    /// the one the network applies.
    double energyR2Ohm = 1029, energyR4Ohm = 365, energyPulseNs = 30, energyRiseFallNs = 10;
    /// Hybrid networks (docs/models.md, "Hybrid networks"): one entry per hidden layer, each
    /// with its own kind, LUT and operating point. Empty = a pure network: every layer as
    /// `neuron`, `lutPath`, `centreVoltage`, `gainVolts` above. Set it with setLayers(), which
    /// keeps `neuron` (and the rest) equal to layer 1's.
    std::vector<LayerNeuron> layers;
    /// The network's construction (docs/models.md, "As released"); defaults are this tool's.
    DeviceGradient deviceGradient = DeviceGradient::StraightThrough;
    BnPlacement bnPlacement = BnPlacement::Before;
    BnStatistics bnStatistics = BnStatistics::Sequence;
    InputEncoding input = InputEncoding::Pixel;
    WeightInit init = WeightInit::Default;
    NeuronSampling sampling = NeuronSampling::Stochastic;
    /// Hidden layers frozen on purpose (the mechanism study): layer i's input transform (its
    /// Linear, and its BatchNorm when that sits before the neuron, else the BatchNorm after the
    /// layer below) keeps its initial values; BatchNorm running statistics still update.
    std::array<bool, kHiddenLayers> freeze{};
    /// Hidden layer i (0-based) keeps its initial values: frozen on purpose, or below a device
    /// layer that passes no gradient (deviceGradient None).
    bool layerFrozen(int i) const;
    /// Every hidden layer's layerFrozen().
    std::array<bool, kHiddenLayers> frozenLayers() const;
    /// Device variability of every device layer (docs/models.md, "Device variability"): each
    /// run draws its devices once from (variability.seed, run seed, layer); all zero = none.
    VariabilitySettings variability;
    /// Training: hardware-aware training on those devices; Evaluation: trained on the nominal
    /// device, then its best checkpoint tested on them (RunRecord::deviceTestAccuracy).
    VariabilityUse variabilityUse = VariabilityUse::Evaluation;
    /// Hardware-aware training: the networks train (and are tested) on their drawn devices.
    bool hardwareAware() const
    {
        return variability.any() && variabilityUse == VariabilityUse::Training;
    }

    /// Hidden layer i's neuron (0-based), from `layers` or the shorthand.
    LayerNeuron layer(int i) const;
    /// Sets one neuron per hidden layer; equal layers make a pure network (`layers` empty).
    void setLayers(const std::vector<LayerNeuron>& perLayer);
    /// One kind per hidden layer (parseLayerKinds); each device layer gets `lutFor(kind)` ("" =
    /// bundled when not given) and the shorthand's operating point, other layers none.
    void setLayerKinds(const std::vector<NeuronKind>& kinds,
                       const std::function<std::string(NeuronKind)>& lutFor = {});
    std::vector<NeuronKind> layerKinds() const;  ///< one per hidden layer
    bool hybrid() const { return !layers.empty(); }
    bool anyDeviceLayer() const;  ///< some hidden layer is a DW-MTJ device neuron
    /// "binary" for a pure network, "binary,lif" for a hybrid (CLI --neurons, files).
    std::string neuronId() const;
    /// "binary" / "LIF" / "multi-weight" for a pure network, "binary / LIF" for a hybrid.
    std::string neuronLabel() const;
    void validate() const;  ///< throws OptionsError
};

/// "1,2", "2" or "none" -> which hidden layers are frozen (TrainingConfig::freeze); throws
/// OptionsError saying what was expected.
std::array<bool, TrainingConfig::kHiddenLayers> parseFrozenLayers(const std::string& text);
/// "1,2", "2" or "none" (what parseFrozenLayers reads).
std::string frozenLayersText(const std::array<bool, TrainingConfig::kHiddenLayers>& frozen);

/// The construction settings by name, as sweep files, presets and experiment files spell them
/// (the CLI with '-' for '_'): device_gradient, bn_placement, bn_statistics, input, init, freeze,
/// sampling.
const std::vector<std::string>& constructionKeys();
/// Sets construction setting `key` from its text; false for a key that is not one of them;
/// throws OptionsError naming the choices for a bad value.
bool setConstruction(TrainingConfig& c, const std::string& key, const std::string& value);
/// Construction setting `key` of `c` as text (what setConstruction reads back); Error for a
/// key that is not one of them.
std::string constructionValue(const TrainingConfig& c, const std::string& key);

/// One kind per hidden layer: "binary,lif" or "binary/lif" (layer 1, layer 2), or one kind for
/// every layer ("binary"); throws OptionsError naming the choices.
std::vector<NeuronKind> parseLayerKinds(const std::string& text);
/// "binary" when every layer has that kind, else "binary/lif" (what parseLayerKinds reads).
std::string layerKindsText(const std::vector<NeuronKind>& kinds);

}  // namespace dwmtj::core

#pragma once
// The robustness study (`dwmtj robustness`, the Robustness page's Study tab): test accuracy
// of trained networks under a grid of modelling choices the paper leaves unstated: the noise
// model, the normalization at inference, the time steps at inference and the device's
// operating point. Each choice is a documented option (docs/models.md, "Robustness study"),
// recorded with its curves in the experiment file (/runs/seed_N/study/<id>). Torch-free.
#include <cstdint>
#include <functional>
#include <limits>
#include <stop_token>
#include <string>
#include <vector>

#include "dwmtj/training_config.h"

namespace dwmtj::core {

struct Experiment;

/// How the test input is perturbed. The level axis of a choice means, per model:
///  gaussian           sigma: x' = clamp(x + sigma s N(0,1), 0, 1), frozen per image
///  gaussian-per-step  sigma: the same, drawn afresh at every time step
///  gaussian-expected  sigma: no randomness in the noise: every pixel's spike probability is
///                     the expectation of the noisy one, E[clamp(x + sigma s N(0,1), 0, 1)]
///                     (standardized input: of the standardized value, unclamped noise), the
///                     mean shift of the noise without its variance (the mechanism study)
///  salt-pepper        p: each pixel replaced with probability p by 0 or 1 (equally likely)
///  spike-deletion     q: each input spike removed with probability q
///  spike-insertion    r: a spurious spike at each silent input and step with probability r
/// (s = 1 in pixel units, the training pixel std in standardized units.)
enum class NoiseModel {
    Gaussian,
    GaussianPerStep,
    SaltPepper,
    SpikeDeletion,
    SpikeInsertion,
    GaussianExpected
};
/// The Gaussian models (a sigma axis with units).
bool gaussianModel(NoiseModel m);
const char* toString(NoiseModel m);
NoiseModel noiseModelFromString(const std::string& s);  ///< throws OptionsError
/// BatchNorm at inference: running statistics (correct) or each test batch's statistics
/// (a diagnostic of a script that forgot eval mode; not a recommended mode).
enum class NormMode { Running, Batch };
const char* toString(NormMode m);
NormMode normModeFromString(const std::string& s);  ///< throws OptionsError

/// One modelling choice: a noise model with its levels and the inference settings.
struct StudyChoice {
    std::string id;     ///< [A-Za-z0-9_.-]+, the HDF5 group name
    std::string label;  ///< for tables and panels
    NoiseModel model = NoiseModel::Gaussian;
    NoiseUnits units = NoiseUnits::Pixel;  ///< the Gaussian models only
    std::vector<double> levels;            ///< sigma, p, q or r (see NoiseModel)
    /// Level where the paper's noise claims are tested; NaN = automatic: per network
    /// configuration, the level where its networks, pooled over the neuron kinds, are
    /// nearest halfway between their clean accuracy and chance (10 %). Chosen from the pooled
    /// curve, never from the differences between kinds that the tests then examine.
    double probe = std::numeric_limits<double>::quiet_NaN();
    NormMode normalization = NormMode::Running;
    int timesteps = 0;           ///< T at inference; 0 = timestepsFactor x the trained T
    double timestepsFactor = 1;  ///< used when timesteps is 0
    double gainFactor = 1;       ///< DW-MTJ gain at inference = factor x trained gain (LIF: none)
    /// The level nearest an explicit probe; NaN when the probe is automatic.
    double probeLevel() const;
    /// "σ (pixel units)", "σ (standardized)", "p (pixels replaced)", "q (spikes deleted)", ...
    std::string levelName() const;
    /// One line: "gaussian σ 0..3, BN running, T as trained, gain x1".
    std::string describe() const;
    void validate() const;  ///< throws OptionsError naming the choice
};

struct StudyOptions {
    std::string name;  ///< the preset's or the file's name, for reports
    std::vector<StudyChoice> choices;
    uint64_t seed = 1234;  ///< noise and spike draws (the same for every network)
    int testLimit = -1;    ///< -1 = the experiment's, 0 = all test images
    int batchSize = 500;
    int threads = 0;
    std::string dataDir;  ///< empty = the experiment's
    std::string device;   ///< empty = the experiment's
};
/// Reads a study file (INI: [study] then [choice ID] sections; docs/models.md). Throws
/// FileFormatError naming the file, the section and its line.
StudyOptions loadStudyFile(const std::string& path);
/// Bundled presets (resources/robustness-<name>.ini): "paper-noise".
std::vector<std::string> studyPresetNames();
StudyOptions studyPreset(const std::string& name);  ///< throws OptionsError for unknown names

/// The curves of one choice for one run, as stored in the experiment file.
struct StudyCurve {
    StudyChoice choice;
    uint64_t seed = 0;                                            ///< the study's noise seed
    int testImages = 0;                                           ///< images per level
    int timesteps = 0;                                            ///< the T actually used
    double gainVolts = std::numeric_limits<double>::quiet_NaN();  ///< the gain used (NaN: LIF)
    double pixelStd = 1;                              ///< the scale s of standardized units
    std::vector<double> level, accuracy, normalized;  ///< accuracy in [0, 1]; / level-0 accuracy
    /// Per level, per test image: 1 when classified correctly (the endpoint's image bootstrap,
    /// dwmtj/endpoint.h); empty in files written before these records.
    std::vector<std::vector<uint8_t>> correct;
    /// The chance level of the test images used: their largest class share (NaN: not recorded).
    double chance = std::numeric_limits<double>::quiet_NaN();
};

/// Evaluates every choice on the best checkpoint of every run and returns the experiment
/// with the curves (replacing earlier curves of the same choice id). `progress` gets (done,
/// total) batches. A stop returns the input unchanged.
Experiment runStudy(const Experiment& experiment, const StudyOptions& options, std::stop_token stop,
                    const std::function<void(int, int)>& progress = {});

/// Batches runStudy() will evaluate for this experiment (for progress across files).
int studyBatches(const Experiment& experiment, const StudyOptions& options);

}  // namespace dwmtj::core

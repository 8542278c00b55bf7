#pragma once
// The experiment file: everything a training call used and produced, in one HDF5 file
// that h5py can read (layout in the README, "Experiment file"). Torch-free structs.
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dwmtj/lut.h"
#include "dwmtj/robustness.h"
#include "dwmtj/training_config.h"

namespace dwmtj::core {

/// A float array with its shape (a parameter, buffer or optimizer moment).
struct NamedArray {
    std::vector<int64_t> shape;
    std::vector<float> data;
};
/// Ordered by name: "fc1.weight", "bn1.running_mean", "adam.m.fc1.weight", ...
using StateDict = std::map<std::string, NamedArray>;

struct NoiseCurve {
    NoiseUnits units = NoiseUnits::Pixel;
    double pixelStd = 1;  ///< the training-set pixel std used for standardized units
    uint64_t seed = 0;
    std::vector<double> sigma, accuracy, normalized;  ///< accuracy in [0, 1]
    /// Per sigma, per test image: 1 when classified correctly (the endpoint's image bootstrap,
    /// dwmtj/endpoint.h); empty in files written before these records.
    std::vector<std::vector<uint8_t>> correct;
    /// The chance level of the test images used: their largest class share (NaN: not recorded).
    double chance = std::numeric_limits<double>::quiet_NaN();
};

/// Energy per inference from the device samples a network drew on the clean test set.
struct EnergyReport {
    bool valid = false;              ///< false for LIF (no device samples)
    double samplesPerInference = 0;  ///< device samples drawn per image
    double spikesPerInference = 0;   ///< hidden-layer spikes per image
    /// The first device layer's drive: a current-driven device's amplitudes are in A, its
    /// mean square in A^2, and its energy I^2 R4 t (dwmtj/energy.h).
    Drive drive = Drive::Voltage;
    double meanSquareVoltage = 0;    ///< mean of V_t^2 (or I_t^2) over the samples [V^2 or A^2]
    double energyPerSampleJ = 0;     ///< at the RMS amplitude
    double energyPerInferenceJ = 0;  ///< sum of E(V_t) over the samples, per image
    /// The same per hidden layer (0 for a layer without device neurons): the device layers of
    /// a hybrid network count, its LIF layers do not. Empty in files of format version 1.
    std::vector<double> layerEnergyPerInferenceJ;
    /// The voltages (or currents) the first device layer applied: samples per bin of equal
    /// bins from voltageLow to voltageHigh (its table's grid; beyond it in the end bins). Empty
    /// in files written before it was recorded.
    std::vector<double> voltageCounts;
    double voltageLow = 0, voltageHigh = 0;
};

/// NeuroBench's complexity metrics (Yik et al., NeuroBench, Nature Communications 2025) of a
/// network's best checkpoint on the clean test set, with NeuroBench's names and definitions
/// (docs/models.md, "NeuroBench metrics"), so that results compare with other neuromorphic work.
struct NeuroBenchMetrics {
    bool valid = false;
    double footprintBytes = 0;      ///< the network's parameters and buffers, in bytes
    double connectionSparsity = 0;  ///< zero weights / weights of the linear layers
    /// 1 - spikes / (neurons x time steps) per hidden layer, over the test images
    std::vector<double> activationSparsity;
    double inputActivationSparsity = 0;  ///< the same for the encoded input spikes
    /// Synaptic operations per sample: accumulates driven by a nonzero spike input (one per
    /// spike and nonzero outgoing weight), multiply-accumulates with a non-spike input (0 here:
    /// every linear layer's input is spikes), and every synapse at every step (dense).
    double effectiveAcsPerSample = 0, effectiveMacsPerSample = 0, denseSynOpsPerSample = 0;
};

/// Test accuracy with the device layers' neurons drawn as individual devices along one axis
/// of variability (evaluateVariability): accuracy[level][draw], in [0, 1].
struct VariabilityCurve {
    std::string axis;  ///< "v50", "width", "c2c", "stuck", "bootstrap"
    std::vector<double> level;
    std::vector<std::vector<double>> accuracy;  ///< [level][device draw or resampled LUT]
    uint64_t seed = 0;
    int testImages = 0;
    std::string source;  ///< bootstrap: the device data the LUTs were resampled from
    /// bootstrap: the accuracy with the nominal LUT on the same images and spike draws
    double nominalAccuracy = std::numeric_limits<double>::quiet_NaN();
};

enum class RunStatus { Running, Completed, Stopped, Diverged, Failed };
const char* toString(RunStatus s);
RunStatus runStatusFromString(const std::string& s);

struct RunRecord {
    uint64_t seed = 0;
    RunStatus status = RunStatus::Running;
    std::string message;            ///< why it stopped, diverged or failed
    std::vector<double> batchLoss;  ///< every training batch, in order
    std::vector<double> epochLoss, epochTrainAccuracy, epochValidationAccuracy, epochSeconds;
    int epochsDone() const { return int(epochValidationAccuracy.size()); }
    int bestEpoch = 0;  ///< 1-based; 0 = none yet
    double bestValidationAccuracy = std::numeric_limits<double>::quiet_NaN();
    double testAccuracy = std::numeric_limits<double>::quiet_NaN();  ///< best checkpoint
    StateDict bestCheckpoint;       ///< parameters and BatchNorm buffers
    StateDict lastCheckpoint;       ///< + Adam state, at the end of the last epoch
    int lastCheckpointBatches = 0;  ///< batchLoss.size() when lastCheckpoint was taken
    std::vector<NoiseCurve> noise;
    std::vector<StudyCurve> study;              ///< robustness-study curves, one per choice id
    std::vector<VariabilityCurve> variability;  ///< device-variability curves, one per axis
    EnergyReport energy;
    NeuroBenchMetrics neurobench;  ///< of the best checkpoint on the clean test set
    double trainSeconds = 0;
    /// Configured device variability (TrainingConfig::variability): the run's drawn devices,
    /// one entry per hidden layer (devices = 0 for a layer without device neurons), and its
    /// best checkpoint's test accuracy on them (NaN without variability).
    std::vector<DeviceDraw> devices;
    double deviceTestAccuracy = std::numeric_limits<double>::quiet_NaN();
};

struct Provenance {
    std::string software, gitHash, host, blas, device, startTime, endTime;
    int threads = 0;
    /// The linear-layer kernels in effect (docs/models.md, "Event-driven kernels"), e.g.
    /// "auto: event-driven at input spike density <= 0.30 (training), 0.35 (inference)".
    std::string kernels;
};

struct Experiment {
    /// 2: per-layer neurons (/config/layer_N), /lut2, per-layer energy. 3: device variability
    /// (/config/variability, /runs/seed_N/devices). 4: the network's construction
    /// (/config@device_gradient, bn_placement, bn_statistics, input, init, freeze, sampling). Older
    /// files open.
    static constexpr int kFormatVersion = 4;
    TrainingConfig config;
    std::optional<Lut> lut;  ///< the device LUT (DW-MTJ neurons): the first device layer's
    /// A hybrid of two device layers with different LUTs: the second device layer's.
    std::optional<Lut> lut2;
    /// Hidden layer i's LUT (nullptr for a layer without device neurons or none stored).
    const Lut* layerLut(int i) const;
    double pixelStd = 0;  ///< training-set pixel standard deviation
    int trainImages = 0, validationImages = 0, testImages = 0;
    Provenance provenance;
    std::vector<RunRecord> runs;
    RunRecord* findRun(uint64_t seed);
};

/// Write atomically (temp file + rename). Throws Error; the old file stays on failure.
void saveExperiment(const Experiment& e, const std::string& path);
/// Read a file written by saveExperiment. Throws FileFormatError naming the HDF5 path.
Experiment loadExperiment(const std::string& path);
/// The same; with checkpoints = false the weights are not read (headers, curves, noise,
/// study: what tables and charts show), which is much faster for large networks.
Experiment loadExperiment(const std::string& path, bool checkpoints);
/// The configuration as JSON text (stored as an attribute for people and other tools).
std::string configToJson(const TrainingConfig& c);

}  // namespace dwmtj::core

#pragma once
// Training a spiking MLP (784 -> H -> H -> 10) with LIF, binary DW-MTJ or multi-weight
// DW-MTJ neurons on Fashion-MNIST. This header is the facade the GUI and the CLI use:
// plain structs, no torch types (docs/architecture.md, "Layers").
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <stop_token>
#include <string>
#include <vector>

#include "dwmtj/experiment.h"
#include "dwmtj/sigmoid_fit.h"
#include "dwmtj/training_config.h"
#include "dwmtj/variability.h"

namespace dwmtj::core {

/// What the trainer reports while it runs (called on the training thread; keep it cheap).
struct BatchProgress {
    uint64_t seed = 0;
    int seedIndex = 0, seedCount = 1;
    int epoch = 0, epochs = 0;   ///< epoch is 1-based
    int batch = 0, batches = 0;  ///< batch is 1-based within the epoch
    double loss = 0;
    double imagesPerSecond = 0;
    double etaSeconds = 0;  ///< whole call, all seeds
};
struct EpochReport {
    uint64_t seed = 0;
    int epoch = 0;  ///< 1-based
    double trainLoss = 0, trainAccuracy = 0, validationAccuracy = 0;
    double seconds = 0;
    bool best = false;  ///< new best validation accuracy
};
class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void onBatch(const BatchProgress&) {}
    virtual void onEpoch(const EpochReport&) {}
    virtual void onRunFinished(const RunRecord&) {}
    virtual void onMessage(const std::string&) {}
};

/// Train every seed in `config.seeds` (in order) and keep everything in `experiment`
/// (config, LUT, curves, checkpoints, provenance). If `outPath` is not empty the experiment
/// file is written there atomically after every epoch and at the end. A stop request ends
/// the current seed after the batch in flight (status Stopped, best checkpoint kept) and
/// skips the remaining seeds; it is not an error. Throws Error for invalid options or data.
Experiment runTraining(const TrainingConfig& config, TrainingObserver& observer,
                       std::stop_token stop, const std::string& outPath = {});

/// Continue the runs of an experiment file that did not complete (status Stopped or
/// Running) from their last epoch checkpoint, up to `epochs` (0 = the configured epochs),
/// then train the seeds that never started. Writes back to `path`.
Experiment resumeTraining(const std::string& path, TrainingObserver& observer, std::stop_token stop,
                          int epochs = 0);

/// Test-set accuracy of a run's best checkpoint under Gaussian pixel noise.
struct NoiseOptions {
    std::vector<double> sigmas;  ///< empty = 0, 0.1, ..., 3.0
    NoiseUnits units = NoiseUnits::Pixel;
    uint64_t seed = 1234;  ///< noise and spike draws
    std::string dataDir;   ///< empty = the experiment's data directory
    int testLimit = -1;    ///< -1 = as in the experiment's config, 0 = all
    int batchSize = 500;
    int threads = 0;
    std::string device;  ///< empty = the experiment's device
};
/// Adds one NoiseCurve per run (replacing an earlier one with the same units) and the
/// energy report, and returns the updated experiment. `progress` gets (done, total).
Experiment evaluateNoise(const Experiment& experiment, const NoiseOptions& options,
                         std::stop_token stop, const std::function<void(int, int)>& progress = {});

/// The variability evaluation (`dwmtj variability`, docs/models.md "Device variability"): the
/// test accuracy of each run's best checkpoint with its device layers' neurons drawn as
/// individual devices, one curve per axis (the other settings at zero), `draws` device draws
/// per level and seed (the same draws scaled to every level: common random numbers).
struct VariabilityAxis {
    std::string id;  ///< "v50" (sd, V), "width" (relative sd), "c2c" (sd, V), "stuck" (fraction:
                     ///< half off, half on)
    std::vector<double> levels;
};
struct VariabilityOptions {
    std::vector<VariabilityAxis> axes;
    int draws = 3;
    uint64_t seed = 4321;  ///< device draws and spike draws
    int testLimit = -1;    ///< -1 = the experiment's own test limit
    int batchSize = 500;
    std::string device, dataDir;  ///< empty = the experiment's
    int threads = 0;
    /// Characterization uncertainty: > 0 = also evaluate with this many LUTs bootstrapped from
    /// the measured device data (bootstrapLuts; every device layer whose LUT is of the data's
    /// kind, at its nominal operating point), stored as axis "bootstrap" (one level, 0; the
    /// draws are the resampled LUTs).
    int bootstrap = 0;
    /// The measurements; empty = the LUT's source file (its provenance), which must still have
    /// the SHA-256 the LUT recorded.
    std::string deviceData;
};
/// The settings of one axis at one level.
VariabilitySettings variabilityAt(const std::string& axis, double level, uint64_t seed);
/// Returns a copy of the experiment with each run's curves replaced or added (RunRecord::
/// variability, by axis); the input is returned unchanged when stopped. Throws Error without
/// device layers or checkpoints, OptionsError for bad options.
Experiment evaluateVariability(const Experiment& experiment, const VariabilityOptions& options,
                               std::stop_token stop,
                               const std::function<void(int, int)>& progress = {});

/// The voltages a network's runs applied to their first device layer in their test passes
/// (EnergyReport::voltageCounts, summed over the runs on one grid); empty counts when no run
/// recorded them (files written before they were).
struct VoltageHistogram {
    std::vector<double> counts;  ///< samples per equal bin from low to high
    double low = 0, high = 0;
};
VoltageHistogram appliedVoltageHistogram(const Experiment& e);

/// The logistic width of a network's device (its first device layer's LUT fit): w, or the mean
/// of w_2..w_K for a multi-weight table; what per-chip calibration needs (dwmtj/chip_yield.h).
/// Throws Error without a device layer or for an empirical table (no fitted width).
double deviceWidthOf(const Experiment& e);

/// How a network's test accuracy depends on its binary device's switching curve
/// (docs/models.md, "Planning measurements"): central differences of the accuracy in V50 and
/// w of `fit`, each moved by `stepInSe` of its standard errors, with the device layers' tables
/// rebuilt on the network's own grid and operating point and the same spike draws for every
/// table; the mean over the runs with a checkpoint. `fit` is the 2-parameter fit of `data`
/// (the device the network was built from, or its newer measurements).
struct CurveSensitivity {
    bool valid = false;                ///< false when stopped
    std::array<double, 2> gradient{};  ///< d accuracy / d(V50, w) [per V or per A]
    std::array<double, 2> step{};      ///< the +/- steps used
    double accuracy = 0;               ///< at the fit's curve (mean over the runs)
    int runs = 0, testImages = 0;
};
CurveSensitivity curveSensitivity(const Experiment& experiment, const DeviceData& data,
                                  const SigmoidFit& fit, const VariabilityOptions& options,
                                  double stepInSe, std::stop_token stop,
                                  const std::function<void(int, int)>& progress = {});

/// One image with the noise evaluateNoise() applies: clamp(x + sigma * scale * N(0,1), 0, 1),
/// scale = 1 in pixel units or the training pixel std in standardized units (Fig. 4a).
std::vector<float> noisyImage(const std::vector<float>& pixels, double sigma, double scale,
                              uint64_t seed);

/// Speed measurement of training steps (`dwmtj bench`).
struct BenchOptions {
    NeuronKind neuron = NeuronKind::Lif;
    int hidden = 500, timesteps = 80, batchSize = 100;
    int steps = 10, warmup = 2;
    bool layers = true;  ///< also time each layer's dense and event kernels and the crossover
    /// Also time the device neuron layer alone (forward + backward, [T, B, H]) with the nominal
    /// device and with every neuron its own device (V50 sd 20 mV, width sd 10 %, 1 % stuck).
    bool variability = false;
    int threads = 0;
    std::string device = "cpu";
    std::string lutPath;
    bool tf32 = false;  ///< CUDA: matrix products in TF32
    /// The network's construction (TrainingConfig's device gradient, BatchNorm, input, init,
    /// frozen layers, sampling; its other fields are ignored): e.g. frozen hidden layers time a
    /// readout-only backward.
    TrainingConfig construction;
};
struct BenchResult {
    double secondsPerStep = 0;  ///< median
    double imagesPerSecond = 0;
    double flopsPerStep = 0;  ///< GEMM FLOPs of forward + backward
    double achievedGflops = 0;
    double gemmSecondsPerStep = 0;  ///< the same GEMMs timed alone (median)
    double gemmGflops = 0;
    double forwardSecondsPerStep = 0;  ///< inference only (median)
    /// CUDA (DWMTJ_CUDA builds): secondsPerStep is the step replayed from a captured CUDA graph;
    /// this is the same step launched eagerly (the phases), timed in the same run.
    double eagerSecondsPerStep = 0;
    /// The same step and inference with dense GEMMs only, timed in alternation with the above
    /// (0 when the kernel choice is already dense or the device is not the CPU).
    double denseSecondsPerStep = 0, denseForwardSecondsPerStep = 0;
    /// BenchOptions::variability: median seconds of the neuron layer alone, nominal and with
    /// per-device parameters, timed in alternation (0 when not measured).
    double neuronSeconds = 0, variedNeuronSeconds = 0;
    int threads = 0;
    std::string device;
    std::vector<std::pair<std::string, double>> phases;  ///< seconds per step by phase

    /// The linear layers on the spikes of one training batch: the input's spike density,
    /// the kernel the step chose, and both kernels timed alone (median seconds; the event
    /// kernel's time includes building its compressed rows).
    struct Layer {
        std::string name;
        int64_t rows = 0, inputs = 0, outputs = 0;
        double density = 0;
        bool event = false;
        double denseForward = 0, eventForward = 0, denseWeightGrad = 0, eventWeightGrad = 0;
    };
    std::vector<Layer> layers;
    /// Random spikes of fc1's shape at several densities: dense and event-driven seconds of
    /// the forward product and of the weight gradient.
    struct CrossoverPoint {
        double density = 0, denseForward = 0, eventForward = 0, denseWeightGrad = 0,
               eventWeightGrad = 0;
    };
    std::vector<CrossoverPoint> crossoverCurve;
    /// Density below which the event kernels are faster (NaN: faster at every density
    /// measured, or at none): training = forward + weight gradient, inference = forward.
    double measuredCrossoverTraining = 0, measuredCrossoverInference = 0;
    /// The kernel choice in effect ("auto", "dense", "event") and the crossovers it uses.
    std::string kernels;
    double crossoverTraining = 0, crossoverInference = 0;
};
BenchResult runBenchmark(const BenchOptions& options);

/// Compute devices this build can train on: "cpu", then "cuda" when LibTorch sees a GPU.
std::vector<std::string> availableDevices();
/// One line for About boxes and reports: CPU model and threads, CUDA devices or "none".
std::string computeDeviceDescription();

/// The linear-layer kernels in effect, one line for provenance and reports (docs/models.md,
/// "Event-driven kernels"); DWMTJ_KERNELS=auto|dense|event sets them when the process starts.
std::string linearKernelDescription();
/// Crossover densities measured on this machine by `dwmtj bench --calibrate`, kept in
/// kernelCalibrationPath() (key=value text) and read by every process when it starts.
struct KernelCalibration {
    bool valid = false;
    double training = 0, inference = 0;  ///< spike densities in [0, 1]
    std::string path, measuredAt, machine;
    std::string problem;  ///< set when the file exists but cannot be used
};
/// DWMTJ_KERNELS_CALIBRATION (a path; "none": never calibrated), else
/// $XDG_CONFIG_HOME/dwmtj/kernels.ini, else ~/.config/dwmtj/kernels.ini; "" without HOME.
std::string kernelCalibrationPath();
KernelCalibration loadKernelCalibration();
/// Writes c to c.path atomically (creating its folder). Throws Error.
void saveKernelCalibration(const KernelCalibration& c);
/// Puts c's crossovers into effect in this process.
void applyKernelCalibration(const KernelCalibration& c);
/// Empty, or why the calibration file is unusable (the built-in crossovers are then used).
std::string kernelCalibrationProblem();
/// Measures the crossovers on random spikes of fc1's shape (o.hidden, o.timesteps,
/// o.batchSize; o.steps repetitions per point), saves them and puts them into effect. The
/// curve measured is returned in `curve` when given.
KernelCalibration calibrateKernels(const BenchOptions& o, BenchResult* curve = nullptr);
/// Empty, or why DWMTJ_KERNELS holds no valid choice (the kernels then stay on auto); the CLI
/// refuses to run with it, the workbench prints it.
std::string kernelEnvironmentProblem();

/// The intra-op thread count in effect after applying `requested` (0 = default).
int applyThreadCount(int requested);
/// The default: $DWMTJ_THREADS (the launcher sets it), else every core.
int defaultThreadCount();

}  // namespace dwmtj::core

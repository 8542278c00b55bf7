#pragma once
// The device design study (docs/models.md, "Designing the device"): which DW-MTJ device (binary
// or multi-weight) is worth building for a network that must reach an accuracy and a noise
// robustness. Its axes are device parameters; its answer is the Pareto front of accuracy,
// robustness and energy per correct inference, and the loosest device that still meets a spec.
//
//  - Trained axes (a network per combination and seed, each its own synthetic device):
//    width_ratio (the device's logistic width w relative to the nominal device's; the circuit's
//    operating point, centre V50 and gain 2 w0, stays), floor and ceiling
//    (p = floor + (ceiling - floor) logistic((V - V50) / w)); multi-weight devices: notches (the
//    number of notch thresholds, K - 1), notch_spacing (the thresholds' spacing relative to the
//    nominal multi-weight device's) and notch_width (each threshold's logistic width relative to
//    the nominal's mean width), on the nominal multi-weight device's operating point.
//  - Evaluated axes (each level alone on the trained networks, drawn as chips): the
//    device-to-device spreads v50_sd [V], width_sd (relative), cycle-to-cycle c2c_sd [V] and
//    stuck (fraction, half off and half on).
//  - Energy axes (recomputed from the recorded mean square voltage, no training): pulse_ns and
//    r4 (the track resistance; r2 scales with it, so the track voltage ratio stays).
//  - Measured devices (optional): real devices' tables (a device neuron kind's bundled one, such
//    as the paper's binary-released and multistate-released, or a LUT file) trained like the
//    design's devices and placed among them: on the front or dominated, meeting the spec or not.
//  - Hardware-aware training, the alternative to per-chip calibration (optional): each device
//    named also trains networks on drawn chips of one V50 spread (hardware_aware), compared with
//    the nominal networks on the very same chips and on new chips of that spread.
// Torch-free: the folder, the analysis and the result file; the trainer runs in design_run.
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <stop_token>
#include <string>
#include <vector>

#include "dwmtj/experiment.h"
#include "dwmtj/lut.h"
#include "dwmtj/sweep.h"

namespace dwmtj::core {

/// A design file (`dwmtj design --preset FILE`; resources/design-*.ini) as read.
struct DesignSpace {
    static constexpr int kFormatVersion = 1;
    std::string name;
    /// The networks' shared training settings (neuron binary; seeds in `seeds`).
    TrainingConfig base;
    std::vector<uint64_t> seeds{0, 1, 2};
    std::string nominalLut;  ///< the nominal binary device; empty = the bundled table
    std::vector<double> widthRatio{1}, floor{0}, ceiling{1};
    /// Multi-weight devices (none when `notches` is empty): thresholds K - 1 (>= 2), spacing and
    /// width ratios to the nominal multi-weight device (`lut_multistate`; empty = bundled).
    std::string nominalMultiLut;
    std::vector<int> notches;
    std::vector<double> notchSpacing{1}, notchWidth{1};
    std::vector<double> v50Sd, widthSd, c2cSd, stuck;  ///< evaluated levels (0 is implied)
    int draws = 3;                                     ///< chips per network and level
    uint64_t deviceSeed = 4321;
    std::vector<double> pulseNs, r4Ohm;  ///< empty = the base's energy model
    std::vector<double> sigmas;          ///< the noise grid (pixel units)
    uint64_t noiseSeed = 1234;
    /// Hardware-aware networks: the V50 spread [V] they train on (0 = none; one of v50Sd, so
    /// that the nominal networks are tested on the same chips) and the devices that get them
    /// (DesignDevice::id; empty = every device).
    double hardwareAware = 0;
    std::vector<std::string> hardwareAwareDevices;
    /// Measured devices (key `measured`): each a device neuron kind with its bundled table or
    /// a LUT file (binary: the binary neuron; multi-state: the multi-weight neuron).
    struct Measured {
        std::string id;   ///< "m-binary-released", "m-<file stem>"
        std::string lut;  ///< absolute; empty = the kind's bundled table
        NeuronKind neuron = NeuronKind::Binary;
    };
    std::vector<Measured> measured;
    double specAccuracy = 0.8, specRobustness = 0.5;  ///< accuracy fraction, chance-corrected AUC
};

/// The bundled presets' names ("small", "cluster").
std::vector<std::string> designPresetNames();
/// A preset's file: NAME from resources/design-NAME.ini, else a path. Throws Error when neither.
std::string designPresetFile(const std::string& nameOrPath);
/// Reads a design file; relative paths are relative to it. Throws FileFormatError naming the
/// file, the section and the key.
DesignSpace loadDesign(const std::string& path);

/// One trained combination (a sweep configuration), or a measured device.
struct DesignDevice {
    std::string id;  ///< "w1-f0-c1"; multi-weight "n4-s1-w1"; "m-..." for a measured device
    /// Binary: w / w0, floor, ceiling. Multi-weight: the notch width ratio, floor 0, ceiling 1,
    /// `notches` thresholds spaced `notchSpacing` x the nominal multi-weight spacing.
    double widthRatio = 1, floor = 0, ceiling = 1;
    int notches = 1;  ///< 1: a binary device
    double notchSpacing = std::numeric_limits<double>::quiet_NaN();
    bool measured = false;
    NeuronKind neuron = NeuronKind::Binary;
    std::string lut;  ///< a measured device's table (empty: its kind's bundled one)
};
/// The design's devices: the grid of trained axes, then the measured devices.
std::vector<DesignDevice> designDevices(const DesignSpace& d);
/// The devices that also train hardware-aware networks (none when hardwareAware is 0).
std::vector<DesignDevice> hardwareAwareDevices(const DesignSpace& d);
/// The sweep configuration and experiment file name of a device's hardware-aware networks.
std::string hardwareAwareId(const std::string& device);  ///< "w1-f0-c1-hw"

/// The nominal binary device's V50 and w: its fit's (provenance fit_V50, fit_w), else from the
/// curve itself: where p crosses its midpoint and w = (p_max - p_min) / (4 p'(V50)). Throws Error
/// for a multi-state table or one that never crosses.
void lutCentreAndWidth(const Lut& nominal, double& v50, double& width);
/// A multi-weight table's notch thresholds V_k and widths w_k, k = 2..K: its fit's (provenance
/// fit_V_k, fit_w_k), else where each cumulative curve crosses 1/2 and 1 / (4 slope) there.
/// Throws Error for a binary table, fewer than two curves or a curve that never crosses 1/2.
void lutNotches(const Lut& lut, std::vector<double>& thresholds, std::vector<double>& widths);
/// The nominal device's table: the design's `lut`, else the bundled binary table (`multi`: the
/// design's `lut_multistate`, else the bundled multi-weight table). Throws Error when the
/// bundled datasets are not found.
std::string designNominalLutFile(const DesignSpace& d, bool multi = false);
/// The device of one design point on the nominal's operating point (the suggested centre and
/// gain as the nominal's). Binary: V50 as the nominal's, w = ratio x w0, grid V50 +/- max(8 w,
/// the nominal's span). Multi-weight (`nominal` then the multi-weight one): `notches`
/// thresholds centred on the nominal's middle threshold voltage, spaced notchSpacing x its mean
/// spacing, each curve logistic with widthRatio x its mean width.
Lut designLut(const Lut& nominal, const DesignDevice& device, int size = 1024);

/// Writes DIR/design.ini (the design file; a second run checks that it is the same),
/// DIR/luts/<id>.csv per device and the sweep DIR/design.sweep, and prepares DIR/sweep as its
/// folder. Returns the sweep folder. Throws Error when DIR holds another design.
std::string prepareDesignFolder(const std::string& designFile, const std::string& dir);
std::string designSweepFolder(const std::string& dir);  ///< DIR/sweep
/// The design the folder was prepared with.
DesignSpace loadDesignFolder(const std::string& dir);

/// A mean with its 95 % interval (NaN when missing).
struct DesignValue {
    double value = std::numeric_limits<double>::quiet_NaN();
    double low = std::numeric_limits<double>::quiet_NaN();
    double high = std::numeric_limits<double>::quiet_NaN();
};
/// One point of the front: a trained device at one energy setting.
struct DesignPoint {
    std::string device;  ///< DesignDevice::id
    /// A measured device's are read off its table when binary (its width relative to the
    /// nominal's, its curve's lowest and highest p), else NaN.
    double widthRatio = 1, floor = 0, ceiling = 1, pulseNs = 30, r4Ohm = 365;
    /// Multi-weight: notch thresholds and their spacing relative to the nominal multi-weight
    /// device's (a measured multi-weight table's read off it; NaN where not a voltage). Binary:
    /// 1 and NaN.
    int notches = 1;
    double notchSpacing = std::numeric_limits<double>::quiet_NaN();
    bool measured = false;  ///< a measured device: on the front and judged, never "loosest"
    /// A measured device off the front: the loosest design point at its energy setting that is
    /// at least as good in all three (-1: none, or on the front).
    int dominatedBy = -1;
    /// A measured device: the voltages its networks applied to it in their test passes, median
    /// with the 5 % and 95 % quantiles [V] (NaN when not recorded), and its p(V) at the 5 %
    /// quantile, the median and the 95 % quantile (a multi-state table's first curve): where to
    /// measure it next.
    DesignValue appliedV;
    std::array<double, 3> appliedP{NAN, NAN, NAN};
    std::string file;               ///< its experiment file, relative to the design folder
    int networks = 0;               ///< seeds with a test result
    DesignValue accuracy;           ///< clean test accuracy, fraction
    DesignValue robustness;         ///< chance-corrected AUC of accuracy vs pixel noise
    DesignValue energyPerCorrectJ;  ///< energy per inference / accuracy
    double energyPerInferenceJ = std::numeric_limits<double>::quiet_NaN();
    bool pareto = false;         ///< no other point is at least as good in all three, better in one
    bool meetsEstimate = false;  ///< accuracy and robustness estimates reach the spec
    bool meetsConfident = false;  ///< their interval's lower ends reach it
};
/// The accuracy of one trained device's networks drawn as chips at one spread level.
struct DesignTolerance {
    std::string device, axis;  ///< axis: v50, width, c2c, stuck
    double level = 0;
    int chips = 0;
    DesignValue accuracy;  ///< mean over networks of their chips' mean, t interval over networks
};
/// Hardware-aware training against the nominal networks of one device, on drawn chips of one V50
/// spread. Each hardware-aware network trained on chip 0 of its seed (draw 0 of the chips'
/// seed), which its nominal network of the same seed is tested on too: paired by seed, the
/// difference with its t interval over seeds. New chips: draws 1 to draws - 1, both networks.
struct DesignHardwareAware {
    std::string device, file;  ///< the design device; the hardware-aware experiment file
    double v50Sd = 0;
    int networks = 0;                             ///< seeds with both networks
    DesignValue ownChips, nominalOnOwn, gainOwn;  ///< accuracy on the training chips, fraction
    DesignValue newChips, nominalOnNew, gainNew;  ///< on new chips (NaN with one draw)
};
struct DesignResult {
    std::string name;
    double specAccuracy = 0, specRobustness = 0;
    std::vector<DesignPoint> points;
    std::vector<DesignTolerance> tolerances;
    std::vector<DesignHardwareAware> hardwareAware;
    /// The loosest point that meets the spec on the estimate / with confidence (-1: none): the
    /// fewest notches (a binary device has one), then the widest curve, the highest floor, the
    /// lowest ceiling, the closest notches, the least energy.
    int loosestEstimate = -1, loosestConfident = -1;
    std::vector<std::string> missing;  ///< devices without results yet
};

/// The result from each device's collected experiment file (noise curves, energy report and
/// variability curves): points, front, tolerances, the hardware-aware comparison and the loosest
/// spec. `experiments` are (device id or hardwareAwareId, experiment, file); a device without
/// one is missing.
struct DesignExperiment {
    std::string device, file;
    Experiment experiment;
};
DesignResult analyzeDesign(const DesignSpace& d, const std::vector<DesignExperiment>& experiments);
/// Sets the spec (accuracy fraction, chance-corrected AUC) and with it every point's meets flags
/// and the loosest points (the front does not depend on it).
void applySpec(DesignResult& r, double accuracy, double robustness);
/// Marks the Pareto points (accuracy and robustness up, energy per correct inference down; a
/// point without energy competes on the other two).
void markParetoFront(std::vector<DesignPoint>& points);
/// The spread a device tolerates: the largest evaluated level of `axis` whose accuracy
/// (estimate, or the interval's lower end when `confident`) reaches `spec`; 0 when none (no
/// spread tolerated); NaN when the axis was not evaluated.
double toleratedSpread(const DesignResult& r, const std::string& device, const std::string& axis,
                       double spec, bool confident);

/// The answer in words (the report, the CLI and the Design page).
std::string designAnswer(const DesignResult& r);
/// The result as text tables (points, tolerances, answer).
std::string designReport(const DesignResult& r);
/// Adds the section "Beyond the paper: what device to build, and where the measured devices
/// sit" (the measured and front points, the answer) to a reproduction's report.md and
/// report.html in `reproductionDir`; `designFolder` is the design's folder relative to it.
void appendDesignToReport(const std::string& reproductionDir, const DesignResult& r,
                          const std::string& designFolder);
/// DIR/design.h5 (atomically) and DIR/design.csv; read back by loadDesignResult.
void saveDesignResult(const DesignResult& r, const std::string& dir);
DesignResult loadDesignResult(const std::string& path);
std::string designResultFile(const std::string& dir);  ///< DIR/design.h5

/// The design's evaluation after training (design_run.cpp, needs the trainer): collects the
/// sweep, evaluates each device's networks on the spread levels (stored in its experiment
/// file), analyses and saves. `progress` gets (what, done, total).
DesignResult evaluateDesign(const std::string& dir, int threads, std::stop_token stop,
                            const std::function<void(const std::string&, int, int)>& progress);

}  // namespace dwmtj::core

// The variability evaluation (dwmtj/training.h, evaluateVariability): test accuracy with
// every device layer's neurons drawn as individual devices, one curve per axis.
#include <cmath>
#include <filesystem>

#include "common.h"
#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "dwmtj/paths.h"
#include "dwmtj/training.h"
#include "snn/rng.h"

namespace dwmtj::core {

VariabilitySettings variabilityAt(const std::string& axis, double level, uint64_t seed)
{
    VariabilitySettings v;
    v.seed = seed;
    if (axis == "v50")
        v.v50Sd = level;
    else if (axis == "width")
        v.widthSdRel = level;
    else if (axis == "c2c")
        v.c2cSd = level;
    else if (axis == "stuck")
        v.stuckOff = v.stuckOn = level / 2;
    else
        throw OptionsError("variability axis '" + axis + "': expected v50, width, c2c or stuck");
    v.validate();
    return v;
}

namespace {

/// The device data a bootstrap resamples and the LUT it stands for: `o.deviceData`, or the
/// source file in the LUT's provenance, which must still be the file the LUT was built from.
const Lut& bootstrapTarget(const Experiment& e, const VariabilityOptions& o, DeviceData& data)
{
    const Lut* lut = train::singleDeviceLut(
        e,
        "bootstrap: the network's two device layers have different LUTs; the bootstrap "
        "resamples one device's measurements");
    if (!lut) throw Error("the network has no DW-MTJ device layer: the bootstrap does not apply");
    std::string path = o.deviceData;
    if (path.empty()) {
        const auto it = lut->provenance.find("source_file");
        if (it == lut->provenance.end() || it->second.empty())
            throw OptionsError(
                "bootstrap: the LUT does not name the device data it was built "
                "from; give them with --device-data FILE");
        // A relative path is relative to where the LUT was made; the bundled LUTs name the
        // bundled measurements (datasets/...), found in the installed datasets folder too.
        namespace fs = std::filesystem;
        path = it->second;
        const fs::path given(path);
        for (const fs::path& alt : {given, fs::path(datasetsDir()) / given.filename()})
            if (fs::exists(alt)) {
                path = alt.string();
                break;
            }
        if (!fs::exists(path))
            throw OptionsError("bootstrap: the LUT's device data " + it->second +
                               " are not there; give them with --device-data FILE");
        const auto sha = lut->provenance.find("source_sha256");
        if (sha != lut->provenance.end() && !sha->second.empty() && sha256File(path) != sha->second)
            throw OptionsError("bootstrap: " + path +
                               " has changed since the LUT was built from it (SHA-256 differs); "
                               "give the measurements with --device-data FILE");
    }
    data = loadDeviceFile(path);
    if (data.kind != lut->kind)
        throw OptionsError("bootstrap: " + path + " holds " +
                           (data.kind == DeviceKind::Binary ? "binary" : "multi-weight") +
                           " device data, the network's LUT is of the other kind");
    return *lut;
}

}  // namespace

Experiment evaluateVariability(const Experiment& input, const VariabilityOptions& o,
                               std::stop_token stop, const std::function<void(int, int)>& progress)
{
    Experiment e = input;
    const auto& c = e.config;
    if (o.axes.empty() && o.bootstrap <= 0)
        throw OptionsError("variability: give at least one axis with its levels, or a bootstrap");
    if (o.bootstrap < 0 || o.bootstrap > 10000)
        throw OptionsError("variability: bootstrap resamples must be 0..10000");
    if (o.draws < 1 || o.draws > 1000) throw OptionsError("variability: draws must be 1..1000");
    if (o.batchSize < 2) throw OptionsError("variability: batch size must be >= 2");
    for (const auto& a : o.axes) {
        if (a.levels.empty()) throw OptionsError("variability: axis " + a.id + " has no levels");
        for (double l : a.levels) variabilityAt(a.id, l, o.seed);  // throws for bad levels
    }
    if (!c.anyDeviceLayer())
        throw Error("the network has no DW-MTJ device layer: variability does not apply");
    applyThreadCount(o.threads > 0 ? o.threads : c.threads);
    const torch::Device device = train::resolveDevice(o.device.empty() ? "cpu" : o.device);
    const int evaluated = train::checkpointedRuns(e);
    torch::Tensor X, Y;
    train::testTensors(c, o.dataDir, o.testLimit, device, X, Y);
    // The bootstrap's resampled LUTs, one table set each (every layer of the LUT's kind at its
    // nominal operating point).
    DeviceData data;
    std::vector<std::vector<snn::HiddenNeurons>> resampledLayers;
    if (o.bootstrap > 0) {
        const Lut& target = bootstrapTarget(e, o, data);
        for (const Lut& l : bootstrapLuts(data, target, o.bootstrap, o.seed)) {
            auto layers = train::hiddenNeurons(e, device);
            for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i) {
                if (e.layerLut(i) != &target) continue;
                double centre = 0, gain = 0;
                train::operatingPoint(e, i, centre, gain);
                layers[size_t(i)].table = std::make_shared<const snn::DeviceTable>(
                    snn::DeviceTable::fromLut(l, centre, gain, device));
            }
            resampledLayers.push_back(std::move(layers));
        }
    }
    int levels = 0;
    for (const auto& a : o.axes) levels += int(a.levels.size());
    const int batches = int((X.size(0) + o.batchSize - 1) / o.batchSize);
    const int bootstrapEvals =
        resampledLayers.empty() ? 0 : int(resampledLayers.size()) + 1;  // + nominal
    const int total = evaluated * (levels * o.draws + bootstrapEvals) * batches;
    int done = 0;
    auto accuracyOf = [&](const RunRecord& r, std::vector<snn::HiddenNeurons> layers) {
        auto model = train::buildModel(c, std::move(layers), device);
        snn::loadModuleState(*model, r.bestCheckpoint);
        return train::evaluate(model, X, Y, c.timesteps, o.batchSize,
                               snn::streamKey(o.seed, r.seed, 0, 29), nullptr, stop, {}, [&] {
                                   if (progress) progress(++done, total);
                               });
    };
    for (auto& r : e.runs) {
        if (r.bestCheckpoint.empty()) continue;
        for (const auto& axis : o.axes) {
            VariabilityCurve curve;
            curve.axis = axis.id;
            curve.seed = o.seed;
            curve.testImages = int(X.size(0));
            for (size_t k = 0; k < axis.levels.size(); ++k) {
                const VariabilitySettings v = variabilityAt(axis.id, axis.levels[k], o.seed);
                std::vector<double> acc;
                for (int d = 0; d < o.draws; ++d) {
                    // The same devices (scaled) at every level and the same spike draws for every
                    // level and draw (common random numbers): the curves differ by the devices.
                    const double a =
                        accuracyOf(r, train::variedNeurons(
                                          e, device, v, train::deviceDrawKey(o.seed, r.seed, d)));
                    if (std::isnan(a)) return input;  // stopped: nothing changes
                    acc.push_back(a);
                }
                curve.level.push_back(axis.levels[k]);
                curve.accuracy.push_back(std::move(acc));
            }
            std::erase_if(r.variability,
                          [&](const VariabilityCurve& x) { return x.axis == curve.axis; });
            r.variability.push_back(std::move(curve));
        }
        if (!resampledLayers.empty()) {
            VariabilityCurve curve;
            curve.axis = "bootstrap";
            curve.seed = o.seed;
            curve.testImages = int(X.size(0));
            curve.source = data.sourcePath;
            curve.level = {0};
            curve.nominalAccuracy = accuracyOf(r, train::hiddenNeurons(e, device));
            if (std::isnan(curve.nominalAccuracy)) return input;
            curve.accuracy.emplace_back();
            for (const auto& layers : resampledLayers) {
                const double a = accuracyOf(r, layers);
                if (std::isnan(a)) return input;
                curve.accuracy[0].push_back(a);
            }
            std::erase_if(r.variability,
                          [&](const VariabilityCurve& x) { return x.axis == curve.axis; });
            r.variability.push_back(std::move(curve));
        }
    }
    return e;
}

double deviceWidthOf(const Experiment& e)
{
    const Lut* lut = e.layerLut(0) ? e.layerLut(0) : e.layerLut(1);
    if (!lut) throw Error("the network has no DW-MTJ device layer");
    double sum = 0;
    int n = 0;
    for (const auto& [key, value] : lut->provenance)
        if (key == "fit_w" || key.rfind("fit_w_", 0) == 0) {
            sum += std::stod(value);
            ++n;
        }
    if (n == 0)
        throw Error(
            "its lookup table records no fitted width (an empirical table); calibration needs "
            "the device's w");
    return sum / n;
}

VoltageHistogram appliedVoltageHistogram(const Experiment& e)
{
    VoltageHistogram h;
    for (const auto& r : e.runs) {
        const EnergyReport& en = r.energy;
        if (en.voltageCounts.empty()) continue;
        if (h.counts.empty()) {
            h.counts = en.voltageCounts;
            h.low = en.voltageLow;
            h.high = en.voltageHigh;
        } else if (en.voltageCounts.size() == h.counts.size() && en.voltageLow == h.low &&
                   en.voltageHigh == h.high) {
            for (size_t k = 0; k < h.counts.size(); ++k) h.counts[k] += en.voltageCounts[k];
        }
    }
    return h;
}

}  // namespace dwmtj::core

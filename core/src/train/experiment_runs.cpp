// The experiment file's runs (docs/experiment-file.md): /runs/seed_N with its curves,
// checkpoints (shapes checked against the configuration before they are read), noise curves
// with per-image records, robustness-study curves, variability curves, drawn devices, energy.
#include <algorithm>
#include <map>

#include "train/experiment_h5.h"

namespace dwmtj::core::xfile {
namespace {

using RR = RunRecord;
/// The scalar attributes of a run group (status and message are written beside them).
const Attr<RR> kRunAttrs[] = {
    {"seed", &RR::seed, true},
    {"best_epoch", &RR::bestEpoch},
    {"best_validation_accuracy", &RR::bestValidationAccuracy},
    {"test_accuracy", &RR::testAccuracy},
    {"train_seconds", &RR::trainSeconds},
    {"last_checkpoint_batches", &RR::lastCheckpointBatches},
    {"device_test_accuracy", &RR::deviceTestAccuracy},
};

using NC = NoiseCurve;
const Attr<NC> kNoiseAttrs[] = {{"pixel_std", &NC::pixelStd}, {"seed", &NC::seed}};

using VC = VariabilityCurve;
const Attr<VC> kVariabilityCurveAttrs[] = {
    {"seed", &VC::seed},
    {"test_images", &VC::testImages},
    {"source", &VC::source},  // bootstrap curves; "" otherwise
    {"nominal_accuracy", &VC::nominalAccuracy},
};

using ER = EnergyReport;
const Attr<ER> kEnergyAttrs[] = {
    {"samples_per_inference", &ER::samplesPerInference, true},
    {"spikes_per_inference", &ER::spikesPerInference, true},
    {"mean_square_voltage_V2", &ER::meanSquareVoltage, true},
    {"energy_per_sample_J", &ER::energyPerSampleJ, true},
    {"energy_per_inference_J", &ER::energyPerInferenceJ, true},
};

using NB = NeuroBenchMetrics;
const Attr<NB> kNeuroBenchAttrs[] = {
    {"footprint_bytes", &NB::footprintBytes, true},
    {"connection_sparsity", &NB::connectionSparsity, true},
    {"input_activation_sparsity", &NB::inputActivationSparsity, true},
    {"effective_acs_per_sample", &NB::effectiveAcsPerSample, true},
    {"effective_macs_per_sample", &NB::effectiveMacsPerSample, true},
    {"dense_synops_per_sample", &NB::denseSynOpsPerSample, true},
};

void writeState(const h5::File& f, const std::string& group, const StateDict& s)
{
    h5::createGroup(f, group);
    for (const auto& [name, a] : s) {
        std::vector<uint64_t> dims(a.shape.begin(), a.shape.end());
        if (dims.empty()) dims = {a.data.size()};
        h5::writeFloats(f, group + "/" + name, a.data, dims);
        if (a.shape.empty()) h5::writeDoubleAttr(f, group + "/" + name, "scalar", 1);  // 0-d tensor
    }
}

/// The shapes of the network's parameters and buffers for `hidden` units
/// (docs/experiment-file.md, "Checkpoints"); Adam's moments have their parameter's shape.
std::map<std::string, std::vector<int64_t>> expectedShapes(int64_t hidden)
{
    const int64_t h = hidden, in = 784, classes = 10;
    std::map<std::string, std::vector<int64_t>> out{
        {"fc1.weight", {h, in}},      {"fc1.bias", {h}},
        {"fc2.weight", {h, h}},       {"fc2.bias", {h}},
        {"fc3.weight", {classes, h}}, {"fc3.bias", {classes}},
    };
    for (const char* bn : {"bn1", "bn2"}) {
        for (const char* p : {".weight", ".bias", ".running_mean", ".running_var"})
            out[std::string(bn) + p] = {h};
        out[std::string(bn) + ".num_batches_tracked"] = {};
    }
    for (const auto& [name, shape] : std::map(out))
        if (name.rfind("fc", 0) == 0 || name.ends_with(".weight") || name.ends_with(".bias")) {
            out["adam.m." + name] = shape;
            out["adam.v." + name] = shape;
        }
    out["adam.step"] = {1};
    return out;
}

/// The entries of a checkpoint group that the network and the optimiser use, each read
/// only after its shape is checked against the network of the file's configuration (one
/// place: h5::readFloats). Entries of other versions are not read.
StateDict readState(const h5::File& f, const std::string& group, int hidden)
{
    StateDict s;
    if (!h5::exists(f, group)) return s;
    const auto expected = expectedShapes(hidden);
    const std::string why = "hidden " + std::to_string(hidden) + " in /config";
    for (const auto& name : h5::children(f, group)) {
        const auto it = expected.find(name);
        if (it == expected.end()) continue;
        const std::string path = group + "/" + name;
        // A 0-d tensor is stored as one value with a "scalar" attribute.
        const bool scalar = it->second.empty();
        std::vector<uint64_t> want(it->second.begin(), it->second.end());
        if (scalar) want = {1};
        std::vector<uint64_t> dims;
        NamedArray a;
        a.data = h5::readFloats(f, path, {want, why}, dims);
        a.shape = it->second;
        s[name] = std::move(a);
    }
    return s;
}

/// Per-image records of a curve: `g/correct`, uint8 [levels, ceil(images / 8)], image i of
/// level l is bit i % 8 (least significant first) of byte i / 8 of row l; attribute `images`.
/// The curve's chance level as attribute `chance`. Nothing is written without records.
void writeImageRecords(const h5::File& f, const std::string& g,
                       const std::vector<std::vector<uint8_t>>& correct, double chance)
{
    if (std::isfinite(chance)) h5::writeDoubleAttr(f, g, "chance", chance);
    if (correct.empty() || correct.front().empty()) return;
    const size_t n = correct.front().size(), row = (n + 7) / 8;
    std::vector<uint8_t> bits(correct.size() * row, 0);
    for (size_t l = 0; l < correct.size(); ++l)
        for (size_t i = 0; i < n && i < correct[l].size(); ++i)
            if (correct[l][i]) bits[l * row + i / 8] |= uint8_t(1u << (i % 8));
    h5::writeBytes(f, g + "/correct", bits, {correct.size(), row});
    h5::writeDoubleAttr(f, g + "/correct", "images", double(n));
}

/// Reads what writeImageRecords wrote (`levels` rows); empty records when absent.
void readImageRecords(const h5::File& f, const std::string& g, size_t levels,
                      std::vector<std::vector<uint8_t>>& correct, double& chance)
{
    chance = attrOr(f, g, "chance", std::nan(""));
    if (std::isfinite(chance) && !(chance > 0 && chance < 1))
        throw FileFormatError(f.path, g + "@chance", "a chance level in (0, 1)",
                              std::to_string(chance));
    correct.clear();
    const std::string d = g + "/correct";
    if (!h5::exists(f, d)) return;
    const double images = wholeAttr(f, d, "images", 1, 1e8, "1..1e8", std::nullopt);
    const size_t n = size_t(images), row = (n + 7) / 8;
    std::vector<uint64_t> dims;
    const auto bits = h5::readBytes(
        f, d, {{levels, row}, "one row per level of " + std::to_string(n) + " images, 8 per byte"},
        dims);
    correct.assign(levels, std::vector<uint8_t>(n));
    for (size_t l = 0; l < levels; ++l)
        for (size_t i = 0; i < n; ++i) correct[l][i] = (bits[l * row + i / 8] >> (i % 8)) & 1u;
}

/// A robustness-study curve: the choice's settings as attributes, the curve as datasets.
void writeStudyCurve(const h5::File& f, const std::string& g, const StudyCurve& sc)
{
    const StudyChoice& c = sc.choice;
    writeDoubles1(f, g + "/level", sc.level);
    writeDoubles1(f, g + "/accuracy", sc.accuracy);
    writeDoubles1(f, g + "/normalized_accuracy", sc.normalized);
    h5::writeStringAttr(f, g, "label", c.label);
    h5::writeStringAttr(f, g, "model", toString(c.model));
    h5::writeStringAttr(f, g, "units", toString(c.units));
    h5::writeStringAttr(f, g, "normalization", toString(c.normalization));
    h5::writeDoubleAttr(f, g, "probe", c.probe);
    h5::writeDoubleAttr(f, g, "timesteps_setting", c.timesteps);
    h5::writeDoubleAttr(f, g, "timesteps_factor", c.timestepsFactor);
    h5::writeDoubleAttr(f, g, "gain_factor", c.gainFactor);
    h5::writeDoubleAttr(f, g, "timesteps", sc.timesteps);
    h5::writeDoubleAttr(f, g, "gain_V", sc.gainVolts);
    h5::writeDoubleAttr(f, g, "pixel_std", sc.pixelStd);
    h5::writeDoubleAttr(f, g, "seed", double(sc.seed));
    h5::writeDoubleAttr(f, g, "test_images", sc.testImages);
    writeImageRecords(f, g, sc.correct, sc.chance);
}

StudyCurve readStudyCurve(const h5::File& f, const std::string& path, const std::string& g,
                          const std::string& id)
{
    StudyCurve sc;
    StudyChoice& c = sc.choice;
    c.id = id;
    try {
        c.label = attrOr(f, g, "label", id.c_str());
        c.model = noiseModelFromString(h5::readStringAttr(f, g, "model"));
        c.units = noiseUnitsFromString(attrOr(f, g, "units", "pixel"));
        c.normalization = normModeFromString(attrOr(f, g, "normalization", "running"));
    } catch (const OptionsError& err) {
        throw FileFormatError(path, g, "a study curve with a known model, units and normalization",
                              err.what());
    }
    c.probe = attrOr(f, g, "probe", std::nan(""));
    c.timesteps = int(wholeAttr(f, g, "timesteps_setting", 0, 1000, "0..1000", 0.0));
    c.timestepsFactor = attrOr(f, g, "timesteps_factor", 1.0);
    c.gainFactor = attrOr(f, g, "gain_factor", 1.0);
    sc.level = readDoubles1(f, g + "/level");
    c.levels = sc.level;
    try {
        c.validate();
    } catch (const OptionsError& err) {
        throw FileFormatError(path, g, "valid study settings", err.what());
    }
    const h5::Shape perLevel{{sc.level.size()}, "one value per " + g + "/level"};
    sc.accuracy = readDoubles1(f, g + "/accuracy", perLevel);
    sc.normalized = readDoubles1(f, g + "/normalized_accuracy", perLevel);
    sc.timesteps = int(wholeAttr(f, g, "timesteps", 1, 1000, "1..1000", std::nullopt));
    sc.gainVolts = attrOr(f, g, "gain_V", std::nan(""));
    sc.pixelStd = attrOr(f, g, "pixel_std", 1.0);
    sc.seed = seedAttr(f, g, "seed", 0.0);
    sc.testImages = int(wholeAttr(f, g, "test_images", 0, 1e9, "0..1e9", 0.0));
    readImageRecords(f, g, sc.level.size(), sc.correct, sc.chance);
    return sc;
}

/// A run's drawn devices: one group per hidden layer with device neurons.
void writeDevices(const h5::File& f, const std::string& g, const std::vector<DeviceDraw>& draws)
{
    for (size_t i = 0; i < draws.size(); ++i) {
        const DeviceDraw& d = draws[i];
        if (d.devices == 0) continue;
        const std::string lg = g + "/layer_" + std::to_string(i + 1);
        h5::writeFloats(f, lg + "/shift_V", d.shift, {uint64_t(d.devices), uint64_t(d.curves)});
        h5::writeFloats(f, lg + "/width_scale", d.scale, {uint64_t(d.devices)});
        h5::writeFloats(f, lg + "/stuck", std::vector<float>(d.stuck.begin(), d.stuck.end()),
                        {uint64_t(d.devices)});
        h5::writeStringAttr(f, lg + "/stuck", "values", "0 working, 1 stuck off, 2 stuck on");
    }
}

std::vector<DeviceDraw> readDevices(const h5::File& f, const std::string& g,
                                    const TrainingConfig& c)
{
    std::vector<DeviceDraw> out(static_cast<size_t>(TrainingConfig::kHiddenLayers));
    for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i) {
        const std::string lg = g + "/layer_" + std::to_string(i + 1);
        if (!h5::exists(f, lg)) continue;
        DeviceDraw& d = out[size_t(i)];
        std::vector<uint64_t> dims;
        const std::string why = "hidden " + std::to_string(c.hidden) + " in /config";
        d.shift = h5::readFloats(f, lg + "/shift_V", {{uint64_t(c.hidden), h5::kAny}, why}, dims);
        d.devices = c.hidden;
        d.curves = int(dims[1]);
        d.scale = h5::readFloats(f, lg + "/width_scale", {{uint64_t(c.hidden)}, why}, dims);
        const auto stuck = h5::readFloats(f, lg + "/stuck", {{uint64_t(c.hidden)}, why}, dims);
        for (float v : stuck) d.stuck.push_back(v == 1.0f ? 1 : v == 2.0f ? 2 : 0);
    }
    return out;
}

}  // namespace

void writeRun(const h5::File& f, const RunRecord& r)
{
    const std::string rg = "/runs/seed_" + std::to_string(r.seed);
    h5::createGroup(f, rg);
    writeAttrs(f, rg, r, kRunAttrs);
    h5::writeStringAttr(f, rg, "status", toString(r.status));
    h5::writeStringAttr(f, rg, "message", r.message);
    writeDevices(f, rg + "/devices", r.devices);
    writeDoubles1(f, rg + "/batch_loss", r.batchLoss);
    writeDoubles1(f, rg + "/epoch_loss", r.epochLoss);
    writeDoubles1(f, rg + "/epoch_train_accuracy", r.epochTrainAccuracy);
    writeDoubles1(f, rg + "/epoch_validation_accuracy", r.epochValidationAccuracy);
    writeDoubles1(f, rg + "/epoch_seconds", r.epochSeconds);
    if (!r.bestCheckpoint.empty()) writeState(f, rg + "/checkpoint_best", r.bestCheckpoint);
    if (!r.lastCheckpoint.empty()) writeState(f, rg + "/checkpoint_last", r.lastCheckpoint);
    for (const auto& n : r.noise) {
        const std::string ng = rg + "/noise/" + toString(n.units);
        writeDoubles1(f, ng + "/sigma", n.sigma);
        writeDoubles1(f, ng + "/accuracy", n.accuracy);
        writeDoubles1(f, ng + "/normalized_accuracy", n.normalized);
        h5::writeStringAttr(f, ng, "units", toString(n.units));
        writeAttrs(f, ng, n, kNoiseAttrs);
        writeImageRecords(f, ng, n.correct, n.chance);
    }
    for (size_t k = 0; k < r.study.size(); ++k) {
        writeStudyCurve(f, rg + "/study/" + r.study[k].choice.id, r.study[k]);
        h5::writeDoubleAttr(f, rg + "/study/" + r.study[k].choice.id, "order", double(k));
    }
    for (size_t k = 0; k < r.variability.size(); ++k) {
        const auto& v = r.variability[k];
        const std::string vg = rg + "/variability/" + v.axis;
        writeDoubles1(f, vg + "/level", v.level);
        std::vector<double> flat;
        const size_t draws = v.accuracy.empty() ? 0 : v.accuracy.front().size();
        for (const auto& row : v.accuracy) flat.insert(flat.end(), row.begin(), row.end());
        h5::writeDoubles(f, vg + "/accuracy", flat, {v.level.size(), draws});
        writeAttrs(f, vg, v, kVariabilityCurveAttrs);
        h5::writeDoubleAttr(f, vg, "order", double(k));
    }
    if (r.neurobench.valid) {
        const std::string ng = rg + "/neurobench";
        h5::createGroup(f, ng);
        writeAttrs(f, ng, r.neurobench, kNeuroBenchAttrs);
        h5::writeDoubles(f, ng + "/activation_sparsity", r.neurobench.activationSparsity,
                         {r.neurobench.activationSparsity.size()});
    }
    if (r.energy.valid) {
        const std::string eg = rg + "/energy";
        h5::createGroup(f, eg);
        writeAttrs(f, eg, r.energy, kEnergyAttrs);
        // "current": the mean square is in A^2 and the energy I^2 R4 t (absent: voltage)
        if (r.energy.drive == Drive::Current) h5::writeStringAttr(f, eg, "drive", "current");
        if (!r.energy.layerEnergyPerInferenceJ.empty())
            h5::writeDoubles(f, eg + "/layer_energy_per_inference_J",
                             r.energy.layerEnergyPerInferenceJ,
                             {r.energy.layerEnergyPerInferenceJ.size()});
        if (!r.energy.voltageCounts.empty()) {  // the voltages the first device layer applied
            h5::writeDoubles(f, eg + "/voltage_histogram", r.energy.voltageCounts,
                             {r.energy.voltageCounts.size()});
            h5::writeDoubleAttr(f, eg + "/voltage_histogram", "low", r.energy.voltageLow);
            h5::writeDoubleAttr(f, eg + "/voltage_histogram", "high", r.energy.voltageHigh);
        }
    }
}

RunRecord readRun(const h5::File& f, const std::string& path, const std::string& rg,
                  const TrainingConfig& c, bool checkpoints)
{
    RunRecord r;
    readAttrs(f, rg, r, kRunAttrs);
    const std::string status = h5::readStringAttr(f, rg, "status");
    try {
        r.status = runStatusFromString(status);
    } catch (const Error&) {
        throw FileFormatError(path, rg + "@status",
                              "running, completed, stopped, diverged or failed",
                              "'" + status.substr(0, 60) + "'");
    }
    r.message = attrOr(f, rg, "message", "");
    if (h5::exists(f, rg + "/devices")) r.devices = readDevices(f, rg + "/devices", c);
    r.batchLoss = readDoubles1(f, rg + "/batch_loss");
    r.epochLoss = readDoubles1(f, rg + "/epoch_loss");
    r.epochTrainAccuracy = readDoubles1(f, rg + "/epoch_train_accuracy");
    r.epochValidationAccuracy = readDoubles1(f, rg + "/epoch_validation_accuracy");
    r.epochSeconds = readDoubles1(f, rg + "/epoch_seconds");
    if (checkpoints) {
        r.bestCheckpoint = readState(f, rg + "/checkpoint_best", c.hidden);
        r.lastCheckpoint = readState(f, rg + "/checkpoint_last", c.hidden);
    }
    if (h5::exists(f, rg + "/noise"))
        for (const auto& units : h5::children(f, rg + "/noise")) {
            const std::string ng = rg + "/noise/" + units;
            NoiseCurve n;
            n.units = noiseUnitsFromString(units);
            n.sigma = readDoubles1(f, ng + "/sigma");
            const h5::Shape perSigma{{n.sigma.size()}, "one value per " + ng + "/sigma"};
            n.accuracy = readDoubles1(f, ng + "/accuracy", perSigma);
            n.normalized = readDoubles1(f, ng + "/normalized_accuracy", perSigma);
            readAttrs(f, ng, n, kNoiseAttrs);
            readImageRecords(f, ng, n.sigma.size(), n.correct, n.chance);
            r.noise.push_back(std::move(n));
        }
    if (h5::exists(f, rg + "/study")) {
        // In the order they were written (HDF5 lists groups by name).
        std::vector<std::pair<double, StudyCurve>> curves;
        for (const auto& id : h5::children(f, rg + "/study")) {
            const std::string sg = rg + "/study/" + id;
            curves.emplace_back(attrOr(f, sg, "order", 0.0), readStudyCurve(f, path, sg, id));
        }
        std::stable_sort(curves.begin(), curves.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& sc : curves) r.study.push_back(std::move(sc.second));
    }
    if (h5::exists(f, rg + "/variability")) {
        std::vector<std::pair<double, VariabilityCurve>> curves;  // in written order
        for (const auto& axis : h5::children(f, rg + "/variability")) {
            const std::string vg = rg + "/variability/" + axis;
            VariabilityCurve v;
            v.axis = axis;
            v.level = readDoubles1(f, vg + "/level");
            std::vector<std::uint64_t> dims;
            const auto flat = h5::readDoubles(
                f, vg + "/accuracy",
                {{v.level.size(), h5::kAny}, "levels x device draws, as " + vg + "/level"}, dims);
            for (size_t k = 0; k < v.level.size(); ++k)
                v.accuracy.emplace_back(flat.begin() + std::ptrdiff_t(k * dims[1]),
                                        flat.begin() + std::ptrdiff_t((k + 1) * dims[1]));
            readAttrs(f, vg, v, kVariabilityCurveAttrs);
            curves.emplace_back(attrOr(f, vg, "order", 0.0), std::move(v));
        }
        std::stable_sort(curves.begin(), curves.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto& cv : curves) r.variability.push_back(std::move(cv.second));
    }
    if (h5::exists(f, rg + "/neurobench")) {  // absent before 0.2.0
        const std::string ng = rg + "/neurobench";
        r.neurobench.valid = true;
        readAttrs(f, ng, r.neurobench, kNeuroBenchAttrs);
        std::vector<std::uint64_t> dims;
        r.neurobench.activationSparsity = h5::readDoubles(
            f, ng + "/activation_sparsity",
            {{std::uint64_t(TrainingConfig::kHiddenLayers)}, "one per hidden layer"}, dims);
    }
    if (h5::exists(f, rg + "/energy")) {
        const std::string eg = rg + "/energy";
        r.energy.valid = true;
        readAttrs(f, eg, r.energy, kEnergyAttrs);
        if (h5::hasAttr(f, eg, "drive"))
            r.energy.drive =
                h5::readStringAttr(f, eg, "drive") == "current" ? Drive::Current : Drive::Voltage;
        if (h5::exists(f, eg + "/layer_energy_per_inference_J")) {
            std::vector<std::uint64_t> dims;
            r.energy.layerEnergyPerInferenceJ = h5::readDoubles(
                f, eg + "/layer_energy_per_inference_J",
                {{std::uint64_t(TrainingConfig::kHiddenLayers)}, "one per hidden layer"}, dims);
        }
        if (h5::exists(f, eg + "/voltage_histogram")) {
            std::vector<std::uint64_t> dims;
            const std::string hg = eg + "/voltage_histogram";
            r.energy.voltageCounts =
                h5::readDoubles(f, hg, {{h5::kAny}, "one count per bin"}, dims, 100000);
            r.energy.voltageLow = h5::readDoubleAttr(f, hg, "low");
            r.energy.voltageHigh = h5::readDoubleAttr(f, hg, "high");
        }
    }
    return r;
}

}  // namespace dwmtj::core::xfile

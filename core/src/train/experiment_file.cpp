// Experiment file (HDF5): layout documented in the README, "Experiment file".
#include <algorithm>
#include <cmath>
#include <optional>
#include <sstream>

#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "io/h5.h"
#include "lut/lut_h5.h"
#include "util/atomic_file.h"

namespace dwmtj::core {
namespace {

constexpr const char* kFormat = "dwmtj-experiment";

std::string seedsText(const std::vector<uint64_t>& seeds)
{
    std::string s;
    for (size_t k = 0; k < seeds.size(); ++k) s += (k ? "," : "") + std::to_string(seeds[k]);
    return s;
}

std::vector<uint64_t> parseSeeds(const std::string& text, const std::string& path)
{
    std::vector<uint64_t> out;
    std::stringstream in(text);
    std::string tok;
    while (std::getline(in, tok, ',')) try {
            out.push_back(std::stoull(tok));
        } catch (const std::exception&) {
            throw FileFormatError(path, "/config@seeds", "comma-separated integers",
                                  "'" + text + "'");
        }
    return out;
}

void writeDoubles1(const h5::File& f, const std::string& p, const std::vector<double>& v)
{
    h5::writeDoubles(f, p, v, {v.size()});
}

std::vector<double> readDoubles1(const h5::File& f, const std::string& p,
                                 const h5::Shape& shape = {{h5::kAny}, ""})
{
    std::vector<uint64_t> dims;
    return h5::readDoubles(f, p, shape, dims);
}

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

double attrOr(const h5::File& f, const std::string& obj, const std::string& name, double fallback)
{
    return h5::hasAttr(f, obj, name) ? h5::readDoubleAttr(f, obj, name) : fallback;
}
std::string attrOr(const h5::File& f, const std::string& obj, const std::string& name,
                   const char* fallback)
{
    return h5::hasAttr(f, obj, name) ? h5::readStringAttr(f, obj, name) : std::string(fallback);
}

/// A whole-number attribute (stored as a double) in [lo, hi], else FileFormatError saying
/// `expected` (a cast of NaN, 1e12 or -1 to an integer type would be undefined).
double wholeAttr(const h5::File& f, const std::string& obj, const char* name, double lo, double hi,
                 const char* expected, std::optional<double> fallback)
{
    const double v = fallback ? attrOr(f, obj, name, *fallback) : h5::readDoubleAttr(f, obj, name);
    if (!(std::isfinite(v) && v == std::floor(v) && v >= lo && v <= hi))
        throw FileFormatError(f.path, obj + "@" + name, expected, std::to_string(v));
    return v;
}

int intAttr(const h5::File& f, const std::string& obj, const char* name,
            std::optional<double> fallback = {})
{
    return int(wholeAttr(f, obj, name, -2147483648.0, 2147483647.0, "an integer", fallback));
}

/// A seed: 0 <= seed < 2^53 (every such double is exact).
uint64_t seedAttr(const h5::File& f, const std::string& obj, const char* name,
                  std::optional<double> fallback = {})
{
    return uint64_t(
        wholeAttr(f, obj, name, 0.0, 9007199254740991.0, "a seed (a whole number >= 0)", fallback));
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

void writeFile(const Experiment& e, const std::string& tmp)
{
    auto f = h5::create(tmp);
    h5::writeStringAttr(f, "/", "format", kFormat);
    h5::writeDoubleAttr(f, "/", "format_version", Experiment::kFormatVersion);
    const auto& c = e.config;
    const std::string g = "/config";
    h5::createGroup(f, g);
    h5::writeStringAttr(f, g, "json", configToJson(c));
    h5::writeStringAttr(f, g, "neuron", toString(c.neuron));
    h5::writeDoubleAttr(f, g, "hidden", c.hidden);
    h5::writeDoubleAttr(f, g, "timesteps", c.timesteps);
    h5::writeDoubleAttr(f, g, "batch_size", c.batchSize);
    h5::writeDoubleAttr(f, g, "learning_rate", c.learningRate);
    h5::writeDoubleAttr(f, g, "epochs", c.epochs);
    h5::writeStringAttr(f, g, "seeds", seedsText(c.seeds));
    h5::writeStringAttr(f, g, "lut_path", c.lutPath);
    h5::writeDoubleAttr(f, g, "centre_voltage_V", c.centreVoltage);
    h5::writeDoubleAttr(f, g, "gain_V", c.gainVolts);
    h5::writeStringAttr(f, g, "device", c.device);
    h5::writeDoubleAttr(f, g, "threads", c.threads);
    h5::writeDoubleAttr(f, g, "cuda_graphs", c.cudaGraphs ? 1 : 0);
    h5::writeDoubleAttr(f, g, "tf32", c.tf32 ? 1 : 0);
    h5::writeStringAttr(f, g, "data_dir", c.dataDir);
    h5::writeDoubleAttr(f, g, "train_limit", c.trainLimit);
    h5::writeDoubleAttr(f, g, "test_limit", c.testLimit);
    h5::writeDoubleAttr(f, g, "validation_size", c.validationSize);
    h5::writeDoubleAttr(f, g, "divergence_loss", c.divergenceLoss);
    h5::writeDoubleAttr(f, g, "train_noise_sigma", c.trainNoiseSigma);
    // Version 4: the network's construction (absent = this tool's defaults).
    for (const std::string& key : constructionKeys())
        h5::writeStringAttr(f, g, key, constructionValue(c, key));
    h5::writeStringAttr(f, g, "frozen_layers", frozenLayersText(c.frozenLayers()));
    // Version 2: every hidden layer's neuron, also for pure networks (/config@neuron etc. are
    // layer 1's, which is what a version-1 reader understands).
    for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i) {
        const LayerNeuron l = c.layer(i);
        const std::string lg = g + "/layer_" + std::to_string(i + 1);
        h5::createGroup(f, lg);
        h5::writeStringAttr(f, lg, "neuron", toString(l.neuron));
        h5::writeStringAttr(f, lg, "lut_path", l.lutPath);
        h5::writeDoubleAttr(f, lg, "centre_voltage_V", l.centreVoltage);
        h5::writeDoubleAttr(f, lg, "gain_V", l.gainVolts);
    }
    if (c.variability.any()) {  // version 3
        const auto& v = c.variability;
        const std::string vg = g + "/variability";
        h5::createGroup(f, vg);
        h5::writeDoubleAttr(f, vg, "v50_sd_V", v.v50Sd);
        h5::writeDoubleAttr(f, vg, "width_sd_rel", v.widthSdRel);
        h5::writeDoubleAttr(f, vg, "c2c_sd_V", v.c2cSd);
        h5::writeDoubleAttr(f, vg, "stuck_off", v.stuckOff);
        h5::writeDoubleAttr(f, vg, "stuck_on", v.stuckOn);
        h5::writeDoubleAttr(f, vg, "seed", double(v.seed));
        h5::writeStringAttr(f, vg, "use", toString(c.variabilityUse));
    }

    h5::createGroup(f, "/data");
    h5::writeDoubleAttr(f, "/data", "train_images", e.trainImages);
    h5::writeDoubleAttr(f, "/data", "validation_images", e.validationImages);
    h5::writeDoubleAttr(f, "/data", "test_images", e.testImages);
    h5::writeDoubleAttr(f, "/data", "pixel_std", e.pixelStd);

    if (e.lut) writeLutGroup(f, "/lut", *e.lut);
    if (e.lut2) writeLutGroup(f, "/lut2", *e.lut2);

    const auto& p = e.provenance;
    h5::createGroup(f, "/provenance");
    for (const auto& [k, v] : {std::pair{"software", p.software},
                               {"git_hash", p.gitHash},
                               {"host", p.host},
                               {"blas", p.blas},
                               {"device", p.device},
                               {"start_time", p.startTime},
                               {"end_time", p.endTime},
                               {"kernels", p.kernels}})
        h5::writeStringAttr(f, "/provenance", k, v);
    h5::writeDoubleAttr(f, "/provenance", "threads", p.threads);
    h5::writeStringAttr(f, "/provenance", "seeds", seedsText(c.seeds));

    h5::createGroup(f, "/runs");
    for (const auto& r : e.runs) {
        const std::string rg = "/runs/seed_" + std::to_string(r.seed);
        h5::createGroup(f, rg);
        h5::writeDoubleAttr(f, rg, "seed", double(r.seed));
        h5::writeStringAttr(f, rg, "status", toString(r.status));
        h5::writeStringAttr(f, rg, "message", r.message);
        h5::writeDoubleAttr(f, rg, "best_epoch", r.bestEpoch);
        h5::writeDoubleAttr(f, rg, "best_validation_accuracy", r.bestValidationAccuracy);
        h5::writeDoubleAttr(f, rg, "test_accuracy", r.testAccuracy);
        h5::writeDoubleAttr(f, rg, "train_seconds", r.trainSeconds);
        h5::writeDoubleAttr(f, rg, "last_checkpoint_batches", r.lastCheckpointBatches);
        h5::writeDoubleAttr(f, rg, "device_test_accuracy", r.deviceTestAccuracy);
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
            h5::writeDoubleAttr(f, ng, "pixel_std", n.pixelStd);
            h5::writeDoubleAttr(f, ng, "seed", double(n.seed));
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
            h5::writeDoubleAttr(f, vg, "seed", double(v.seed));
            h5::writeDoubleAttr(f, vg, "test_images", v.testImages);
            h5::writeDoubleAttr(f, vg, "order", double(k));
            if (!v.source.empty()) h5::writeStringAttr(f, vg, "source", v.source);
            if (!std::isnan(v.nominalAccuracy))
                h5::writeDoubleAttr(f, vg, "nominal_accuracy", v.nominalAccuracy);
        }
        if (r.energy.valid) {
            const std::string eg = rg + "/energy";
            h5::createGroup(f, eg);
            h5::writeDoubleAttr(f, eg, "samples_per_inference", r.energy.samplesPerInference);
            h5::writeDoubleAttr(f, eg, "spikes_per_inference", r.energy.spikesPerInference);
            h5::writeDoubleAttr(f, eg, "mean_square_voltage_V2", r.energy.meanSquareVoltage);
            h5::writeDoubleAttr(f, eg, "energy_per_sample_J", r.energy.energyPerSampleJ);
            h5::writeDoubleAttr(f, eg, "energy_per_inference_J", r.energy.energyPerInferenceJ);
            if (!r.energy.layerEnergyPerInferenceJ.empty())
                h5::writeDoubles(f, eg + "/layer_energy_per_inference_J",
                                 r.energy.layerEnergyPerInferenceJ,
                                 {r.energy.layerEnergyPerInferenceJ.size()});
        }
    }
    h5::close(f);
}

}  // namespace

RunRecord* Experiment::findRun(uint64_t seed)
{
    for (auto& r : runs)
        if (r.seed == seed) return &r;
    return nullptr;
}

void saveExperiment(const Experiment& e, const std::string& path)
{
    detail::writeAtomically(path, [&](const std::string& tmp) { writeFile(e, tmp); });
}

const Lut* Experiment::layerLut(int i) const
{
    if (!neuronKindInfo(config.layer(i).neuron).device) return nullptr;
    // The second layer has its own LUT when the first is a device layer too and lut2 is set.
    const bool firstIsDevice = neuronKindInfo(config.layer(0).neuron).device;
    if (i > 0 && firstIsDevice && lut2) return &*lut2;
    return lut ? &*lut : nullptr;
}

Experiment loadExperiment(const std::string& path) { return loadExperiment(path, true); }

Experiment loadExperiment(const std::string& path, bool checkpoints)
{
    auto f = h5::openRead(path);
    if (!h5::hasAttr(f, "/", "format") || h5::readStringAttr(f, "/", "format") != kFormat)
        throw FileFormatError(path, "/@format", std::string("'") + kFormat + "'",
                              h5::hasAttr(f, "/", "format")
                                  ? "'" + h5::readStringAttr(f, "/", "format") + "'"
                                  : "no format attribute",
                              "is this an experiment file written by dwmtj train?");
    const double version = h5::readDoubleAttr(f, "/", "format_version");
    if (version > Experiment::kFormatVersion)
        throw FileFormatError(path, "/@format_version",
                              "at most " + std::to_string(Experiment::kFormatVersion),
                              std::to_string(version), "written by a newer DW-MTJ Workbench");
    Experiment e;
    auto& c = e.config;
    const std::string g = "/config";
    if (!h5::exists(f, g)) throw FileFormatError(path, g, "a config group", "nothing at this path");
    auto kindAt = [&](const std::string& obj) {
        try {
            return neuronKindFromString(h5::readStringAttr(f, obj, "neuron"));
        } catch (const OptionsError& err) {
            throw FileFormatError(path, obj + "@neuron", neuronKindChoices(), err.what());
        }
    };
    // Version 1: the network's neuron; version 2: layer 1's (the layer groups below follow).
    const std::string first = g + "/layer_1";
    c.neuron = kindAt(g);
    c.hidden = intAttr(f, g, "hidden");
    c.timesteps = intAttr(f, g, "timesteps");
    c.batchSize = intAttr(f, g, "batch_size");
    c.learningRate = h5::readDoubleAttr(f, g, "learning_rate");
    c.epochs = intAttr(f, g, "epochs");
    c.seeds = parseSeeds(h5::readStringAttr(f, g, "seeds"), path);
    c.lutPath = attrOr(f, g, "lut_path", "");
    c.centreVoltage = attrOr(f, g, "centre_voltage_V", std::nan(""));
    c.gainVolts = attrOr(f, g, "gain_V", std::nan(""));
    c.device = attrOr(f, g, "device", "cpu");
    c.threads = intAttr(f, g, "threads", 0.0);
    c.cudaGraphs = attrOr(f, g, "cuda_graphs", 1.0) != 0;  // absent in older files
    c.tf32 = attrOr(f, g, "tf32", 0.0) != 0;
    c.dataDir = attrOr(f, g, "data_dir", "");
    c.trainLimit = intAttr(f, g, "train_limit", 0.0);
    c.testLimit = intAttr(f, g, "test_limit", 0.0);
    c.validationSize = intAttr(f, g, "validation_size", 10000.0);
    c.divergenceLoss = attrOr(f, g, "divergence_loss", 1e3);
    c.trainNoiseSigma = attrOr(f, g, "train_noise_sigma", 0.0);
    // Version 4 (older files: this tool's defaults, which is how they were trained).
    const TrainingConfig defaults;
    for (const std::string& key : constructionKeys()) {
        try {
            setConstruction(c, key, attrOr(f, g, key, constructionValue(defaults, key).c_str()));
        } catch (const OptionsError& err) {
            throw FileFormatError(path, g + "@" + key, "a known setting", err.what());
        }
    }
    if (h5::exists(f, g + "/variability")) {  // version 3
        const std::string vg = g + "/variability";
        auto& v = c.variability;
        v.v50Sd = attrOr(f, vg, "v50_sd_V", 0.0);
        v.widthSdRel = attrOr(f, vg, "width_sd_rel", 0.0);
        v.c2cSd = attrOr(f, vg, "c2c_sd_V", 0.0);
        v.stuckOff = attrOr(f, vg, "stuck_off", 0.0);
        v.stuckOn = attrOr(f, vg, "stuck_on", 0.0);
        v.seed = seedAttr(f, vg, "seed", 0.0);
        try {
            c.variabilityUse = variabilityUseFromString(attrOr(f, vg, "use", "evaluation"));
        } catch (const OptionsError& err) {
            throw FileFormatError(path, vg + "@use", "training or evaluation", err.what());
        }
    }
    if (h5::exists(f, first)) {  // version 2: one neuron per hidden layer
        std::vector<LayerNeuron> layers;
        for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i) {
            const std::string lg = g + "/layer_" + std::to_string(i + 1);
            if (!h5::exists(f, lg))
                throw FileFormatError(path, lg, "a group per hidden layer", "nothing at this path");
            LayerNeuron l;
            l.neuron = kindAt(lg);
            l.lutPath = attrOr(f, lg, "lut_path", "");
            l.centreVoltage = attrOr(f, lg, "centre_voltage_V", std::nan(""));
            l.gainVolts = attrOr(f, lg, "gain_V", std::nan(""));
            layers.push_back(std::move(l));
        }
        c.setLayers(layers);
    }
    // The file is untrusted input: a configuration outside the plausibility limits (hidden
    // 100000, threads 1e9, ...) is refused before anything is built from it.
    try {
        c.validate();
    } catch (const OptionsError& err) {
        throw FileFormatError(path, g, "a valid training configuration", err.what());
    }

    if (h5::exists(f, "/data")) {
        e.trainImages = intAttr(f, "/data", "train_images", 0.0);
        e.validationImages = intAttr(f, "/data", "validation_images", 0.0);
        e.testImages = intAttr(f, "/data", "test_images", 0.0);
        e.pixelStd = attrOr(f, "/data", "pixel_std", 0.0);
    }
    if (h5::exists(f, "/lut")) e.lut = readLutGroup(f, "/lut");
    if (h5::exists(f, "/lut2")) e.lut2 = readLutGroup(f, "/lut2");
    if (h5::exists(f, "/provenance")) {
        auto& p = e.provenance;
        p.software = attrOr(f, "/provenance", "software", "");
        p.gitHash = attrOr(f, "/provenance", "git_hash", "");
        p.host = attrOr(f, "/provenance", "host", "");
        p.blas = attrOr(f, "/provenance", "blas", "");
        p.device = attrOr(f, "/provenance", "device", "");
        p.startTime = attrOr(f, "/provenance", "start_time", "");
        p.endTime = attrOr(f, "/provenance", "end_time", "");
        p.kernels = attrOr(f, "/provenance", "kernels", "");
        p.threads = intAttr(f, "/provenance", "threads", 0.0);
    }
    if (h5::exists(f, "/runs"))
        for (const auto& name : h5::children(f, "/runs")) {
            const std::string rg = "/runs/" + name;
            RunRecord r;
            r.seed = seedAttr(f, rg, "seed");
            const std::string status = h5::readStringAttr(f, rg, "status");
            try {
                r.status = runStatusFromString(status);
            } catch (const Error&) {
                throw FileFormatError(path, rg + "@status",
                                      "running, completed, stopped, diverged or failed",
                                      "'" + status.substr(0, 60) + "'");
            }
            r.message = attrOr(f, rg, "message", "");
            r.bestEpoch = intAttr(f, rg, "best_epoch", 0.0);
            r.bestValidationAccuracy = attrOr(f, rg, "best_validation_accuracy", std::nan(""));
            r.testAccuracy = attrOr(f, rg, "test_accuracy", std::nan(""));
            r.trainSeconds = attrOr(f, rg, "train_seconds", 0.0);
            r.lastCheckpointBatches = intAttr(f, rg, "last_checkpoint_batches", 0.0);
            r.deviceTestAccuracy = attrOr(f, rg, "device_test_accuracy", std::nan(""));
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
                    n.pixelStd = attrOr(f, ng, "pixel_std", 1.0);
                    n.seed = seedAttr(f, ng, "seed", 0.0);
                    readImageRecords(f, ng, n.sigma.size(), n.correct, n.chance);
                    r.noise.push_back(std::move(n));
                }
            if (h5::exists(f, rg + "/study")) {
                // In the order they were written (HDF5 lists groups by name).
                std::vector<std::pair<double, StudyCurve>> curves;
                for (const auto& id : h5::children(f, rg + "/study")) {
                    const std::string sg = rg + "/study/" + id;
                    curves.emplace_back(attrOr(f, sg, "order", 0.0),
                                        readStudyCurve(f, path, sg, id));
                }
                std::stable_sort(curves.begin(), curves.end(),
                                 [](const auto& a, const auto& b) { return a.first < b.first; });
                for (auto& c : curves) r.study.push_back(std::move(c.second));
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
                        {{v.level.size(), h5::kAny}, "levels x device draws, as " + vg + "/level"},
                        dims);
                    for (size_t k = 0; k < v.level.size(); ++k)
                        v.accuracy.emplace_back(flat.begin() + std::ptrdiff_t(k * dims[1]),
                                                flat.begin() + std::ptrdiff_t((k + 1) * dims[1]));
                    v.seed = seedAttr(f, vg, "seed", 0.0);
                    v.testImages = intAttr(f, vg, "test_images", 0.0);
                    v.source = attrOr(f, vg, "source", "");
                    v.nominalAccuracy = attrOr(f, vg, "nominal_accuracy", std::nan(""));
                    curves.emplace_back(attrOr(f, vg, "order", 0.0), std::move(v));
                }
                std::stable_sort(curves.begin(), curves.end(),
                                 [](const auto& a, const auto& b) { return a.first < b.first; });
                for (auto& cv : curves) r.variability.push_back(std::move(cv.second));
            }
            if (h5::exists(f, rg + "/energy")) {
                const std::string eg = rg + "/energy";
                r.energy.valid = true;
                r.energy.samplesPerInference = h5::readDoubleAttr(f, eg, "samples_per_inference");
                r.energy.spikesPerInference = h5::readDoubleAttr(f, eg, "spikes_per_inference");
                r.energy.meanSquareVoltage = h5::readDoubleAttr(f, eg, "mean_square_voltage_V2");
                r.energy.energyPerSampleJ = h5::readDoubleAttr(f, eg, "energy_per_sample_J");
                r.energy.energyPerInferenceJ = h5::readDoubleAttr(f, eg, "energy_per_inference_J");
                if (h5::exists(f, eg + "/layer_energy_per_inference_J")) {
                    std::vector<std::uint64_t> dims;
                    r.energy.layerEnergyPerInferenceJ = h5::readDoubles(
                        f, eg + "/layer_energy_per_inference_J",
                        {{std::uint64_t(TrainingConfig::kHiddenLayers)}, "one per hidden layer"},
                        dims);
                }
            }
            e.runs.push_back(std::move(r));
        }
    std::sort(e.runs.begin(), e.runs.end(),
              [](const RunRecord& a, const RunRecord& b) { return a.seed < b.seed; });
    return e;
}

}  // namespace dwmtj::core

// Experiment sweeps: the sweep file, its configurations and tasks, their cost, and sweeps
// written from configurations (dwmtj/sweep.h, docs/sweeps.md). The folder a sweep runs in:
// sweep_folder.cpp; Slurm: sweep_slurm.cpp.
#include "dwmtj/sweep.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "dwmtj/error.h"
#include "train/construction_ini.h"
#include "train/sweep_internal.h"
#include "util/atomic_file.h"
#include "util/ini.h"

namespace dwmtj::core {

namespace fs = std::filesystem;

namespace {

constexpr int kPixels = 784, kClasses = 10, kTrainFile = 60000, kTestFile = 10000;

[[noreturn]] void bad(const std::string& path, const std::string& where,
                      const std::string& expected, const std::string& found)
{
    throw FileFormatError(path, where, expected, "'" + found + "'");
}

std::vector<int> integers(const ini::Section& s, const std::string& key, const std::string& path,
                          int fallback, int minimum)
{
    if (!s.has(key)) return {fallback};
    std::vector<int> out;
    for (const auto& item : ini::list(s.values.at(key))) {
        ini::Section one = s;
        one.values[key] = item;
        out.push_back(ini::integer(one, key, path, 0, minimum));
    }
    if (out.empty()) bad(path, s.where() + " " + key, "one or more values", s.values.at(key));
    return out;
}

const std::set<std::string> kSweepKeys = {
    "format_version",
    "neurons",
    "hidden",
    "timesteps",
    "seeds",
    "epochs",
    "batch",
    "lr",
    "train_limit",
    "validation",
    "test_limit",
    "data_dir",
    "lut_binary",
    "lut_multistate",
    "train_noise",
    "device",
    "gain",
    "centre",
    "energy_r2",
    "energy_r4",
    "energy_pulse_ns",
    "energy_rise_fall_ns"};  // and the construction keys (constructionKeys())
const std::set<std::string> kNoiseKeys = {"sigma", "units", "seed", "test_limit"};
const std::set<std::string> kConfigKeys = {
    "neuron",    "hidden",   "timesteps",   "v50_sd",         "width_sd", "c2c_sd", "stuck",
    "stuck_off", "stuck_on", "device_seed", "variability_in", "lut"};  // and the construction
                                                                       // keys
                                                                       // (constructionKeys())

bool isConstructionKey(const std::string& k)
{
    const auto& keys = constructionKeys();
    return std::find(keys.begin(), keys.end(), k) != keys.end();
}

bool validName(const std::string& n)
{
    return !n.empty() && n.size() <= 100 && n[0] != '.' &&
           std::all_of(n.begin(), n.end(), [](char ch) {
               return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' ||
                      ch == '.';
           });
}

/// A [config]'s device variability: stuck = half off, half on (or stuck_off / stuck_on).
void readVariability(const ini::Section& sec, const std::string& path, SweepConfig& c)
{
    auto& v = c.variability;
    v.v50Sd = ini::number(sec, "v50_sd", path, 0.0);
    v.widthSdRel = ini::number(sec, "width_sd", path, 0.0);
    v.c2cSd = ini::number(sec, "c2c_sd", path, 0.0);
    v.stuckOff = v.stuckOn = ini::number(sec, "stuck", path, 0.0) / 2;
    v.stuckOff = ini::number(sec, "stuck_off", path, v.stuckOff);
    v.stuckOn = ini::number(sec, "stuck_on", path, v.stuckOn);
    v.seed = uint64_t(ini::integer(sec, "device_seed", path, 0, 0));
    const std::string use =
        sec.has("variability_in") ? sec.values.at("variability_in") : "evaluation";
    try {
        c.variabilityUse = variabilityUseFromString(use);
        v.validate();
    } catch (const OptionsError& e) {
        throw FileFormatError(path, sec.where(), "valid device variability settings", e.what());
    }
    bool device = false;
    for (NeuronKind k : c.neurons) device = device || neuronKindInfo(k).device;
    if (v.any() && !device)
        throw FileFormatError(path, sec.where(), "a DW-MTJ device layer for the variability keys",
                              "no device layer in neuron = " + layerKindsText(c.neurons));
}

}  // namespace

Sweep loadSweep(const std::string& path)
{
    const auto sections = ini::read(path);
    Sweep s;
    bool found = false;
    for (const auto& sec : sections) {
        if (sec.kind == "sweep") {
            if (found) throw FileFormatError(path, sec.where(), "one [sweep] section", "two");
            found = true;
            for (const auto& [k, v] : sec.values)
                if (!kSweepKeys.count(k) && !isConstructionKey(k))
                    throw FileFormatError(path, sec.where(), "a known key (docs/sweeps.md)",
                                          "'" + k + "'");
            if (ini::need(sec, "format_version", path) != "1")
                bad(path, sec.where() + " format_version", "1", sec.values.at("format_version"));
            s.name = sec.name.empty() ? fs::path(path).stem().string() : sec.name;
            for (const auto& n : ini::list(sec.has("neurons") ? sec.values.at("neurons") : "")) {
                try {
                    s.neurons.push_back(parseLayerKinds(n));
                } catch (const Error&) {
                    bad(path, sec.where() + " neurons",
                        neuronKindChoices() + ", or one per hidden layer like binary/lif", n);
                }
            }
            TrainingConfig& c = s.base;
            s.hidden = integers(sec, "hidden", path, c.hidden, 1);
            s.timesteps = integers(sec, "timesteps", path, c.timesteps, 1);
            try {
                s.seeds = sec.has("seeds") ? parseSeedList(sec.values.at("seeds"))
                                           : std::vector<uint64_t>{0};
            } catch (const OptionsError&) {
                bad(path, sec.where() + " seeds", "distinct seeds like 0-4 or 0,3,7",
                    sec.values.at("seeds"));
            }
            c.epochs = ini::integer(sec, "epochs", path, c.epochs, 1);
            c.batchSize = ini::integer(sec, "batch", path, c.batchSize, 2);
            c.learningRate = ini::number(sec, "lr", path, c.learningRate);
            c.trainLimit = ini::integer(sec, "train_limit", path, 0, 0);
            c.validationSize = ini::integer(sec, "validation", path, c.validationSize, 0);
            c.testLimit = ini::integer(sec, "test_limit", path, 0, 0);
            c.trainNoiseSigma = ini::number(sec, "train_noise", path, 0.0);
            c.energyR2Ohm = ini::number(sec, "energy_r2", path, c.energyR2Ohm);
            c.energyR4Ohm = ini::number(sec, "energy_r4", path, c.energyR4Ohm);
            c.energyPulseNs = ini::number(sec, "energy_pulse_ns", path, c.energyPulseNs);
            c.energyRiseFallNs = ini::number(sec, "energy_rise_fall_ns", path, c.energyRiseFallNs);
            c.gainVolts = ini::number(sec, "gain", path, c.gainVolts);
            c.centreVoltage = ini::number(sec, "centre", path, c.centreVoltage);
            if (sec.has("device")) c.device = sec.values.at("device");
            readConstruction(sec, path, c);
            if (sec.has("data_dir")) c.dataDir = ini::resolvePath(sec.values.at("data_dir"), path);
            if (sec.has("lut_binary"))
                s.lutBinary = ini::resolvePath(sec.values.at("lut_binary"), path);
            if (sec.has("lut_multistate"))
                s.lutMultiState = ini::resolvePath(sec.values.at("lut_multistate"), path);
            try {
                c.validate();
            } catch (const Error& e) {
                throw FileFormatError(path, sec.where(), "valid training settings", e.what());
            }
        } else if (sec.kind == "config") {
            for (const auto& [k, v] : sec.values)
                if (!kConfigKeys.count(k) && !isConstructionKey(k))
                    throw FileFormatError(path, sec.where(),
                                          "neuron, hidden, timesteps, a variability or a "
                                          "construction key (docs/sweeps.md)",
                                          "'" + k + "'");
            SweepConfig c;
            c.name = sec.name;
            if (!validName(c.name))
                bad(path, sec.where(), "a name of letters, digits, '-', '_' or '.'", c.name);
            for (const auto& other : s.configs)
                if (other.name == c.name) bad(path, sec.where(), "a name used once", c.name);
            const std::string& kind = ini::need(sec, "neuron", path);
            try {
                c.neurons = parseLayerKinds(kind);
            } catch (const Error&) {
                bad(path, sec.where() + " neuron",
                    neuronKindChoices() + ", or one per hidden layer like binary/lif", kind);
            }
            c.hidden = ini::integer(sec, "hidden", path, c.hidden, 1);
            c.timesteps = ini::integer(sec, "timesteps", path, c.timesteps, 1);
            readVariability(sec, path, c);
            if (sec.has("lut")) c.lut = ini::resolvePath(sec.values.at("lut"), path);
            TrainingConfig construction;
            for (const std::string& key : readConstruction(sec, path, construction))
                c.construction.emplace_back(key, constructionValue(construction, key));
            s.configs.push_back(c);
        } else if (sec.kind == "noise") {
            for (const auto& [k, v] : sec.values)
                if (!kNoiseKeys.count(k))
                    throw FileFormatError(path, sec.where(), "sigma, units, seed or test_limit",
                                          "'" + k + "'");
            s.noise.enabled = true;
            try {
                s.noise.sigmas =
                    parseSigmaList(sec.has("sigma") ? sec.values.at("sigma") : "0:3:0.1");
            } catch (const OptionsError&) {
                bad(path, sec.where() + " sigma", "A:B:STEP or a list like 0,0.5,1 of sigmas >= 0",
                    sec.values.at("sigma"));
            }
            const std::string units = sec.has("units") ? sec.values.at("units") : "pixel";
            if (units != "pixel" && units != "standardized")
                bad(path, sec.where() + " units", "pixel or standardized", units);
            s.noise.units = units == "pixel" ? NoiseUnits::Pixel : NoiseUnits::Standardized;
            s.noise.seed = uint64_t(ini::integer(sec, "seed", path, 1234, 0));
            s.noise.testLimit = ini::integer(sec, "test_limit", path, 0, 0);
        } else if (sec.kind == "compare") {
            s.comparisons.push_back(readSweepComparison(sec, path, s.comparisons));
        } else {
            throw FileFormatError(path, sec.where(),
                                  "[sweep NAME], [config NAME], [noise] or [compare NAME]",
                                  "[" + sec.kind + "]");
        }
    }
    if (!found) throw FileFormatError(path, "", "a [sweep NAME] section", "none");
    if (s.neurons.empty() && s.configs.empty())
        throw FileFormatError(path, "[sweep " + s.name + "]",
                              "neurons = ... (or [config NAME] sections)", "neither");
    if (!s.neurons.empty() && !s.configs.empty())
        throw FileFormatError(path, "[sweep " + s.name + "]",
                              "either the neurons grid or [config NAME] sections", "both");
    checkSweepComparisons(s, path);
    return s;
}

double estimateCoreHours(const TrainingConfig& c, bool noise, int noiseLevels)
{
    // Rates measured on the development machine (2 cores, H 500, T 80, batch 100, full data):
    // an epoch with its validation took 88 s (LIF), 120 s (binary) and 150 s (multi-weight);
    // in the formula below that is 94, 69 and 55 GFLOP/s per core. Evaluation costs about a
    // third of a training step per image (the noise evaluation: 210 s for 31 levels).
    // (A hybrid: the mean over its layers' kinds.)
    double gflopsPerCore = 0;
    for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i)
        gflopsPerCore +=
            neuronKindInfo(c.layer(i).neuron).gflopsPerCore / TrainingConfig::kHiddenLayers;
    const double H = c.hidden, rowsPerImage = c.timesteps;
    const double flopsPerImage =
        2.0 * rowsPerImage * (kPixels * H + H * H + H * kClasses) * 3.0;  // forward + backward
    const int trainFile = c.trainLimit > 0 ? std::min(c.trainLimit, kTrainFile) : kTrainFile;
    const int validation = std::min(c.validationSize, trainFile / 6);
    const double trainImages = trainFile - validation;
    const double testImages = c.testLimit > 0 ? std::min(c.testLimit, kTestFile) : kTestFile;
    const double evalImages =
        c.epochs * double(validation) + testImages + (noise ? noiseLevels * testImages : 0.0);
    const double flops = c.epochs * trainImages * flopsPerImage + evalImages * flopsPerImage / 3.0;
    return flops / (gflopsPerCore * 1e9) / 3600.0;
}

namespace {
/// The configurations: the explicit ones, else the grid's.
std::vector<SweepConfig> sweepConfigs(const Sweep& s)
{
    std::vector<SweepConfig> configs = s.configs;
    if (configs.empty())
        for (const auto& n : s.neurons)
            for (const int h : s.hidden)
                for (const int t : s.timesteps) {
                    std::string kinds = layerKindsText(n);
                    std::replace(kinds.begin(), kinds.end(), '/', '-');  // "binary-lif-H500-T80"
                    SweepConfig c;
                    c.name = kinds + "-H" + std::to_string(h) + "-T" + std::to_string(t);
                    c.neurons = n;
                    c.hidden = h;
                    c.timesteps = t;
                    configs.push_back(std::move(c));
                }
    return configs;
}
}  // namespace

std::vector<std::string> sweepConfigIds(const Sweep& s)
{
    std::vector<std::string> ids;
    for (const auto& c : sweepConfigs(s)) ids.push_back(c.name);
    return ids;
}

std::vector<SweepTask> sweepTasks(const Sweep& s)
{
    const std::vector<SweepConfig> configs = sweepConfigs(s);
    std::vector<std::pair<const SweepConfig*, uint64_t>> planned;
    for (const auto& c : configs)
        for (const uint64_t seed : s.seeds) planned.emplace_back(&c, seed);
    for (const auto& [id, seed] : s.addedSeeds)
        for (const auto& c : configs)
            if (c.name == id) planned.emplace_back(&c, seed);
    std::vector<SweepTask> out;
    for (const auto& [config, seed] : planned) {
        const SweepConfig& c = *config;
        SweepTask task;
        task.index = int(out.size());
        task.configId = c.name;
        task.id = task.configId + "-seed" + std::to_string(seed);
        task.config = s.base;
        task.config.hidden = c.hidden;
        task.config.timesteps = c.timesteps;
        task.config.seeds = {seed};
        task.config.setLayerKinds(c.neurons, [&](NeuronKind k) {
            if (!c.lut.empty()) return c.lut;
            return neuronKindInfo(k).lutKind == DeviceKind::Binary ? s.lutBinary : s.lutMultiState;
        });
        task.config.variability = c.variability;
        task.config.variabilityUse = c.variabilityUse;
        for (const auto& [key, value] : c.construction) setConstruction(task.config, key, value);
        task.file = "tasks/" + task.configId + "/seed" + std::to_string(seed) + ".h5";
        task.log = "logs/task-" + std::to_string(task.index) + ".log";
        task.estimatedCoreHours =
            estimateCoreHours(task.config, s.noise.enabled, int(s.noise.sigmas.size()));
        out.push_back(task);
    }
    return out;
}

void writeSweepFile(const Sweep& s, const std::string& path, const std::string& comment)
{
    std::string text;
    std::istringstream lines(comment);
    for (std::string line; std::getline(lines, line);) text += "# " + line + "\n";
    detail::writeTextAtomically(path, text + sweepToText(s));
}

namespace {
/// What the tasks of a sweep share: the configuration without neurons, size and LUTs (the
/// operating point is the first device layer's, which the sweep's gain/centre keys carry).
TrainingConfig sharedPart(const TrainingConfig& c)
{
    TrainingConfig out = c;
    for (int i = TrainingConfig::kHiddenLayers - 1; i >= 0; --i)
        if (neuronKindInfo(c.layer(i).neuron).device) {
            out.centreVoltage = c.layer(i).centreVoltage;
            out.gainVolts = c.layer(i).gainVolts;
        }
    out.layers.clear();
    out.variability = {};  // per configuration
    out.variabilityUse = VariabilityUse::Evaluation;
    const TrainingConfig defaults;  // construction: per configuration
    for (const std::string& key : constructionKeys())
        setConstruction(out, key, constructionValue(defaults, key));
    out.neuron = NeuronKind::Lif;
    out.lutPath.clear();
    out.hidden = out.timesteps = 1;
    return out;
}
}  // namespace

Sweep sweepFromConfigs(const std::string& name,
                       const std::vector<std::pair<std::string, TrainingConfig>>& configs)
{
    if (configs.empty()) throw Error("no training configurations to run as a sweep");
    Sweep s;
    s.name = name;
    s.base = configs.front().second;
    s.seeds = s.base.seeds;
    const TrainingConfig first = s.base;
    for (const auto& [id, c] : configs) {
        // The sweep shares everything but the neurons, the size and the LUTs between tasks.
        if (configToJson(sharedPart(c)) != configToJson(sharedPart(s.base)))
            throw Error("the configuration " + id +
                        " differs from the first one in more than neuron, size and lookup "
                        "table (seeds, epochs, data...); it cannot run in the same sweep");
        for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i) {
            const LayerNeuron l = c.layer(i);
            const NeuronKindInfo& info = neuronKindInfo(l.neuron);
            if (!info.device) continue;
            std::string& lut = info.lutKind == DeviceKind::Binary ? s.lutBinary : s.lutMultiState;
            if (!lut.empty() && lut != l.lutPath)
                throw Error("two different lookup tables for one neuron kind in one sweep");
            lut = l.lutPath;
        }
        for (const auto& other : s.configs)
            if (other.name == id) throw Error("two configurations named " + id + " in one sweep");
        SweepConfig k{
            id, c.layerKinds(), c.hidden, c.timesteps, c.variability, c.variabilityUse, {}, {}};
        for (const std::string& key : constructionKeys())  // where it differs from the first
            if (const std::string v = constructionValue(c, key); v != constructionValue(first, key))
                k.construction.emplace_back(key, v);
        s.configs.push_back(k);
    }
    s.base = sharedPart(first);
    for (const std::string& key : constructionKeys())
        setConstruction(s.base, key, constructionValue(first, key));
    s.base.neuron = first.neuron;
    s.base.hidden = first.hidden;
    s.base.timesteps = first.timesteps;
    s.base.threads = 0;
    return s;
}

std::string sweepToText(const Sweep& s)
{
    const TrainingConfig& c = s.base;
    std::ostringstream o;
    o.precision(17);
    auto join = [](const auto& v) {
        std::ostringstream j;
        j.precision(17);
        for (size_t k = 0; k < v.size(); ++k) j << (k ? ", " : "") << v[k];
        return j.str();
    };
    o << "[sweep " << s.name << "]\nformat_version = 1\n";
    if (s.configs.empty()) {
        std::vector<std::string> kinds;
        for (const auto& n : s.neurons) kinds.push_back(layerKindsText(n));
        o << "neurons = " << join(kinds) << "\nhidden = " << join(s.hidden)
          << "\ntimesteps = " << join(s.timesteps) << "\n";
    }
    o << "seeds = " << join(s.seeds) << "\nepochs = " << c.epochs << "\nbatch = " << c.batchSize
      << "\nlr = " << c.learningRate << "\ntrain_limit = " << c.trainLimit
      << "\nvalidation = " << c.validationSize << "\ntest_limit = " << c.testLimit
      << "\ntrain_noise = " << c.trainNoiseSigma << "\ndevice = " << c.device << "\n";
    const TrainingConfig paper;  // the energy model only when it is not the paper's device
    if (c.energyR2Ohm != paper.energyR2Ohm || c.energyR4Ohm != paper.energyR4Ohm ||
        c.energyPulseNs != paper.energyPulseNs || c.energyRiseFallNs != paper.energyRiseFallNs)
        o << "energy_r2 = " << c.energyR2Ohm << "\nenergy_r4 = " << c.energyR4Ohm
          << "\nenergy_pulse_ns = " << c.energyPulseNs
          << "\nenergy_rise_fall_ns = " << c.energyRiseFallNs << "\n";
    for (const std::string& key : constructionKeys())
        o << key << " = " << constructionValue(c, key) << "\n";
    if (std::isfinite(c.gainVolts)) o << "gain = " << c.gainVolts << "\n";
    if (std::isfinite(c.centreVoltage)) o << "centre = " << c.centreVoltage << "\n";
    if (!c.dataDir.empty()) o << "data_dir = " << fs::absolute(c.dataDir).string() << "\n";
    if (!s.lutBinary.empty()) o << "lut_binary = " << fs::absolute(s.lutBinary).string() << "\n";
    if (!s.lutMultiState.empty())
        o << "lut_multistate = " << fs::absolute(s.lutMultiState).string() << "\n";
    for (const auto& k : s.configs) {
        o << "\n[config " << k.name << "]\nneuron = " << layerKindsText(k.neurons)
          << "\nhidden = " << k.hidden << "\ntimesteps = " << k.timesteps << "\n";
        const auto& v = k.variability;
        if (v.any())
            o << "v50_sd = " << v.v50Sd << "\nwidth_sd = " << v.widthSdRel
              << "\nc2c_sd = " << v.c2cSd << "\nstuck_off = " << v.stuckOff
              << "\nstuck_on = " << v.stuckOn << "\ndevice_seed = " << v.seed
              << "\nvariability_in = " << toString(k.variabilityUse) << "\n";
        for (const auto& [key, value] : k.construction) o << key << " = " << value << "\n";
        if (!k.lut.empty()) o << "lut = " << fs::absolute(k.lut).string() << "\n";
    }
    if (s.noise.enabled)
        o << "\n[noise]\nsigma = " << join(s.noise.sigmas)
          << "\nunits = " << (s.noise.units == NoiseUnits::Pixel ? "pixel" : "standardized")
          << "\nseed = " << s.noise.seed << "\ntest_limit = " << s.noise.testLimit << "\n";
    for (const auto& c : s.comparisons) o << "\n" << sweepComparisonText(c);
    return o.str();
}

}  // namespace dwmtj::core

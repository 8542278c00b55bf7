// Experiment sweeps: the sweep file, its tasks, their state, merging and Slurm scripts
// (see dwmtj/sweep.h and docs/sweeps.md).
#include "dwmtj/sweep.h"

#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "dwmtj/error.h"
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

int integer(const ini::Section& s, const std::string& key, const std::string& path, int fallback,
            int minimum)
{
    if (!s.has(key)) return fallback;
    const double d = ini::number(s, key, path);
    if (d != std::floor(d) || d < minimum || d > 1e9)
        bad(path, s.where() + " " + key, "a whole number >= " + std::to_string(minimum),
            s.values.at(key));
    return int(d);
}

std::vector<int> integers(const ini::Section& s, const std::string& key, const std::string& path,
                          int fallback, int minimum)
{
    if (!s.has(key)) return {fallback};
    std::vector<int> out;
    for (const auto& item : ini::list(s.values.at(key))) {
        ini::Section one = s;
        one.values[key] = item;
        out.push_back(integer(one, key, path, 0, minimum));
    }
    if (out.empty()) bad(path, s.where() + " " + key, "one or more values", s.values.at(key));
    return out;
}

std::string resolvePath(const std::string& value, const std::string& sweepFile)
{
    if (value.empty() || fs::path(value).is_absolute()) return value;
    return (fs::path(sweepFile).parent_path() / value).lexically_normal().string();
}

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The last `lines` non-empty lines of a log (progress lines end in '\r').
std::string lastLines(const std::string& path, int lines)
{
    std::vector<std::string> all;
    std::string cur;
    for (const char ch : readText(path)) {
        if (ch == '\n' || ch == '\r') {
            if (!ini::trim(cur).empty()) all.push_back(cur);
            cur.clear();
        } else {
            cur += ch;
        }
    }
    if (!ini::trim(cur).empty()) all.push_back(cur);
    std::string out;
    for (size_t k = all.size() > size_t(lines) ? all.size() - size_t(lines) : 0; k < all.size();
         ++k)
        out += (out.empty() ? "" : "\n") + all[k];
    return out;
}

const std::set<std::string> kSweepKeys = {
    "format_version", "neurons",  "hidden",     "timesteps",      "seeds",
    "epochs",         "batch",    "lr",         "train_limit",    "validation",
    "test_limit",     "data_dir", "lut_binary", "lut_multistate", "train_noise",
    "device",         "gain",     "centre"};
const std::set<std::string> kNoiseKeys = {"sigma", "units", "seed", "test_limit"};
const std::set<std::string> kConfigKeys = {"neuron",   "hidden",      "timesteps",     "v50_sd",
                                           "width_sd", "c2c_sd",      "stuck",         "stuck_off",
                                           "stuck_on", "device_seed", "variability_in"};

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
    v.seed = uint64_t(integer(sec, "device_seed", path, 0, 0));
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
                if (!kSweepKeys.count(k))
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
            c.epochs = integer(sec, "epochs", path, c.epochs, 1);
            c.batchSize = integer(sec, "batch", path, c.batchSize, 2);
            c.learningRate = ini::number(sec, "lr", path, c.learningRate);
            c.trainLimit = integer(sec, "train_limit", path, 0, 0);
            c.validationSize = integer(sec, "validation", path, c.validationSize, 0);
            c.testLimit = integer(sec, "test_limit", path, 0, 0);
            c.trainNoiseSigma = ini::number(sec, "train_noise", path, 0.0);
            c.gainVolts = ini::number(sec, "gain", path, c.gainVolts);
            c.centreVoltage = ini::number(sec, "centre", path, c.centreVoltage);
            if (sec.has("device")) c.device = sec.values.at("device");
            if (sec.has("data_dir")) c.dataDir = resolvePath(sec.values.at("data_dir"), path);
            if (sec.has("lut_binary")) s.lutBinary = resolvePath(sec.values.at("lut_binary"), path);
            if (sec.has("lut_multistate"))
                s.lutMultiState = resolvePath(sec.values.at("lut_multistate"), path);
            try {
                c.validate();
            } catch (const Error& e) {
                throw FileFormatError(path, sec.where(), "valid training settings", e.what());
            }
        } else if (sec.kind == "config") {
            for (const auto& [k, v] : sec.values)
                if (!kConfigKeys.count(k))
                    throw FileFormatError(path, sec.where(),
                                          "neuron, hidden, timesteps or a variability key "
                                          "(docs/sweeps.md)",
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
            c.hidden = integer(sec, "hidden", path, c.hidden, 1);
            c.timesteps = integer(sec, "timesteps", path, c.timesteps, 1);
            readVariability(sec, path, c);
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
            s.noise.seed = uint64_t(integer(sec, "seed", path, 1234, 0));
            s.noise.testLimit = integer(sec, "test_limit", path, 0, 0);
        } else {
            throw FileFormatError(path, sec.where(), "[sweep NAME], [config NAME] or [noise]",
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

std::vector<SweepTask> sweepTasks(const Sweep& s)
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
    std::vector<SweepTask> out;
    for (const auto& c : configs)
        for (const uint64_t seed : s.seeds) {
            SweepTask task;
            task.index = int(out.size());
            task.configId = c.name;
            task.id = task.configId + "-seed" + std::to_string(seed);
            task.config = s.base;
            task.config.hidden = c.hidden;
            task.config.timesteps = c.timesteps;
            task.config.seeds = {seed};
            task.config.setLayerKinds(c.neurons, [&](NeuronKind k) {
                return neuronKindInfo(k).lutKind == DeviceKind::Binary ? s.lutBinary
                                                                       : s.lutMultiState;
            });
            task.config.variability = c.variability;
            task.config.variabilityUse = c.variabilityUse;
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
        s.configs.push_back(
            {id, c.layerKinds(), c.hidden, c.timesteps, c.variability, c.variabilityUse});
    }
    const TrainingConfig first = s.base;
    s.base = sharedPart(first);
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
    }
    if (s.noise.enabled)
        o << "\n[noise]\nsigma = " << join(s.noise.sigmas)
          << "\nunits = " << (s.noise.units == NoiseUnits::Pixel ? "pixel" : "standardized")
          << "\nseed = " << s.noise.seed << "\ntest_limit = " << s.noise.testLimit << "\n";
    return o.str();
}

std::string sweepFileIn(const std::string& dir) { return (fs::path(dir) / "sweep.ini").string(); }

void prepareSweepFolder(const std::string& sweepFile, const std::string& dir)
{
    const Sweep s = loadSweep(sweepFile);  // refuse a bad file before touching DIR
    std::error_code ec;
    for (const char* sub : {"tasks", "logs", "results", "slurm"})
        fs::create_directories(fs::path(dir) / sub, ec);
    if (ec) throw Error("cannot create the sweep folder " + dir + ": " + ec.message());
    // Relative paths inside the copy must still point where the original's did.
    std::string text = readText(sweepFile);
    std::ostringstream copy;
    copy << "# The sweep as planned (from " << fs::absolute(sweepFile).string()
         << "); relative paths resolved.\n";
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const std::string t = ini::trim(line);
        const auto eq = t.find('=');
        if (eq != std::string::npos && t[0] != '#') {
            const std::string key = ini::trim(t.substr(0, eq)), value = ini::trim(t.substr(eq + 1));
            if (key == "data_dir" || key == "lut_binary" || key == "lut_multistate") {
                copy << key << " = " << fs::absolute(resolvePath(value, sweepFile)).string()
                     << "\n";
                continue;
            }
        }
        copy << line << "\n";
    }
    const std::string target = sweepFileIn(dir);
    if (fs::exists(target)) {
        if (fs::equivalent(target, sweepFile, ec)) return;
        const Sweep there = loadSweep(target);
        const auto a = sweepTasks(s), b = sweepTasks(there);
        bool same = a.size() == b.size() && s.noise.enabled == there.noise.enabled &&
                    s.noise.sigmas == there.noise.sigmas;
        for (size_t k = 0; same && k < a.size(); ++k)
            same = a[k].id == b[k].id && configToJson(a[k].config) == configToJson(b[k].config);
        if (!same)
            throw Error(dir + " holds another sweep (" + target +
                        "); use a new folder, or remove that one to start over");
        return;
    }
    detail::writeTextAtomically(target, copy.str());
}

const char* toString(TaskState s)
{
    switch (s) {
        case TaskState::Pending:
            return "pending";
        case TaskState::Running:
            return "running";
        case TaskState::Completed:
            return "completed";
        case TaskState::Stopped:
            return "stopped";
        case TaskState::Failed:
            return "failed";
    }
    return "?";
}

TaskStatus taskStatus(const std::string& dir, const SweepTask& task, const Sweep& s)
{
    TaskStatus st;
    st.epochs = task.config.epochs;
    const fs::path file = fs::path(dir) / task.file, log = fs::path(dir) / task.log;
    const bool hasLog = fs::exists(log);
    if (!fs::exists(file)) {
        if (hasLog) {
            const std::string tail = lastLines(log.string(), 3);
            // A task that wrote a log but no file yet is running, or failed before its first epoch.
            st.state =
                tail.find("error") != std::string::npos ? TaskState::Failed : TaskState::Running;
            st.detail = tail;
        }
        return st;
    }
    try {
        const Experiment e = loadExperiment(file.string(), false);
        if (e.runs.empty()) {
            st.state = TaskState::Running;
            return st;
        }
        const RunRecord& r = e.runs.front();
        st.epochsDone = r.epochsDone();
        st.noiseDone = !r.noise.empty();
        switch (r.status) {
            case RunStatus::Completed:
                st.state =
                    (!s.noise.enabled || st.noiseDone) ? TaskState::Completed : TaskState::Running;
                break;
            case RunStatus::Running:
                st.state = TaskState::Running;
                break;
            case RunStatus::Stopped:
                st.state = TaskState::Stopped;
                st.detail = r.message;
                break;
            case RunStatus::Diverged:
            case RunStatus::Failed:
                st.state = TaskState::Failed;
                st.detail = r.message;
                break;
        }
    } catch (const Error& e) {
        // Being replaced right now, or damaged: say so, the next look will tell.
        st.state = TaskState::Running;
        st.detail = std::string("experiment file not readable now: ") + e.what();
    }
    if (st.state == TaskState::Failed && hasLog) st.detail += "\n" + lastLines(log.string(), 5);
    return st;
}

std::vector<std::string> collectSweep(const std::string& dir, std::vector<std::string>* missing)
{
    const Sweep s = loadSweep(sweepFileIn(dir));
    std::map<std::string, std::vector<SweepTask>> byConfig;
    std::vector<std::string> order;
    for (const auto& t : sweepTasks(s)) {
        if (!byConfig.count(t.configId)) order.push_back(t.configId);
        byConfig[t.configId].push_back(t);
    }
    std::vector<std::string> written;
    for (const auto& id : order) {
        Experiment merged;
        bool any = false;
        for (const auto& t : byConfig[id]) {
            const fs::path file = fs::path(dir) / t.file;
            if (!fs::exists(file)) {
                if (missing) missing->push_back(t.id);
                continue;
            }
            Experiment e = loadExperiment(file.string());
            if (!any) {
                merged = e;
                merged.runs.clear();
                merged.config.seeds.clear();
                any = true;
            }
            for (auto& r : e.runs) {
                merged.config.seeds.push_back(r.seed);
                merged.runs.push_back(std::move(r));
            }
            merged.provenance.endTime = std::max(merged.provenance.endTime, e.provenance.endTime);
            merged.provenance.startTime =
                std::min(merged.provenance.startTime, e.provenance.startTime);
        }
        if (!any) continue;
        const std::string out = (fs::path(dir) / "results" / (id + ".h5")).string();
        saveExperiment(merged, out);
        written.push_back(out);
    }
    return written;
}

namespace {

std::string sbatchHeader(const std::string& jobName, const SlurmOptions& o)
{
    std::ostringstream h;
    h << "#!/bin/bash\n#SBATCH --job-name=" << jobName << "\n";
    if (!o.partition.empty()) h << "#SBATCH --partition=" << o.partition << "\n";
    if (!o.account.empty()) h << "#SBATCH --account=" << o.account << "\n";
    if (!o.time.empty()) h << "#SBATCH --time=" << o.time << "\n";
    if (!o.mem.empty()) h << "#SBATCH --mem=" << o.mem << "\n";
    if (!o.gres.empty()) h << "#SBATCH --gres=" << o.gres << "\n";
    for (const auto& a : o.extraArgs) h << "#SBATCH " << a << "\n";
    return h.str();
}

}  // namespace

std::string shellQuote(const std::string& s)
{
    std::string out = "'";
    for (const char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

std::string slurmArrayScript(const std::string& dir, const Sweep& s,
                             const std::vector<int>& indices, const SlurmOptions& o,
                             const std::string& command)
{
    std::string array;
    for (const int i : indices) array += (array.empty() ? "" : ",") + std::to_string(i);
    if (o.maxParallel > 0) array += "%" + std::to_string(o.maxParallel);
    const std::string absDir = fs::absolute(dir).string();
    std::ostringstream sh;
    sh << sbatchHeader("dwmtj-" + s.name, o) << "#SBATCH --array=" << array << "\n"
       << "#SBATCH --cpus-per-task=" << o.cpusPerTask << "\n"
       << "#SBATCH --output=" << absDir << "/logs/task-%a.log\n"
       << "#SBATCH --open-mode=append\n"
       << "# One task per configuration x seed (dwmtj sweep plan lists them). Slurm's SIGTERM at\n"
       << "# the time limit stops a task after the batch in flight; resubmitting resumes it.\n"
       << "export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1} "
          "OPENBLAS_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}\n"
       << "export DWMTJ_THREADS=${SLURM_CPUS_PER_TASK:-1}\n"
       << "exec " << command << " sweep task " << shellQuote(absDir)
       << " --index \"$SLURM_ARRAY_TASK_ID\"\n";
    return sh.str();
}

std::string slurmCollectScript(const std::string& dir, const Sweep& s, const SlurmOptions& o,
                               const std::string& command, const std::string& collectArgs)
{
    const std::string absDir = fs::absolute(dir).string();
    SlurmOptions one = o;
    one.gres.clear();
    std::ostringstream sh;
    sh << sbatchHeader("dwmtj-" + s.name + "-collect", one) << "#SBATCH --cpus-per-task=1\n"
       << "#SBATCH --output=" << absDir << "/logs/collect.log\n"
       << "#SBATCH --open-mode=append\n"
       << "# Runs after the array job ends, however its tasks ended (afterany).\n"
       << "exec " << command << " " << collectArgs << "\n";
    return sh.str();
}

std::string nodeCommand(const std::string& dwmtjBinary)
{
    std::string launcher;
    const fs::path dir = fs::path(dwmtjBinary).parent_path();
    if (const char* l = std::getenv("DWMTJ_LAUNCHER"))
        launcher = l;
    else if (fs::exists(dir / "dwmtj-launch"))
        launcher = (dir / "dwmtj-launch").string();
#ifdef DWMTJ_SOURCE_DIR
    else if (fs::exists(fs::path(DWMTJ_SOURCE_DIR) / "packaging" / "dwmtj-launch"))
        launcher = (fs::path(DWMTJ_SOURCE_DIR) / "packaging" / "dwmtj-launch").string();
#endif
    return (launcher.empty() ? "" : shellQuote(launcher) + " ") + shellQuote(dwmtjBinary);
}

std::string runShell(const std::string& command, int* rc)
{
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) {
        *rc = -1;
        return out;
    }
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int st = pclose(p);
    *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

bool onPath(const std::string& program)
{
    int rc = 0;
    runShell("command -v " + shellQuote(program) + " >/dev/null 2>&1", &rc);
    return rc == 0;
}

SlurmSubmission slurmScripts(const std::string& dir, const SlurmOptions& o,
                             const std::string& dwmtjBinary, const std::string& collectArgs)
{
    const Sweep s = loadSweep(sweepFileIn(dir));
    SlurmSubmission sub;
    for (const auto& t : sweepTasks(s))
        if (taskStatus(dir, t, s).state != TaskState::Completed) sub.indices.push_back(t.index);
    const std::string command = nodeCommand(dwmtjBinary);
    const fs::path slurmDir = fs::path(dir) / "slurm";
    sub.arrayScript = (slurmDir / "array.sbatch").string();
    sub.collectScript = (slurmDir / "collect.sbatch").string();
    if (!sub.indices.empty()) {
        sub.arrayText = slurmArrayScript(dir, s, sub.indices, o, command);
        sub.collectText = slurmCollectScript(dir, s, o, command, collectArgs);
    }
    sub.commands = "sbatch --parsable " + shellQuote(sub.arrayScript) +
                   "\nsbatch --parsable --dependency=afterany:<ARRAY_JOB> " +
                   shellQuote(sub.collectScript);
    return sub;
}

SlurmSubmission submitSweep(const std::string& dir, const SlurmOptions& o, bool dryRun,
                            const std::string& dwmtjBinary, const std::string& collectArgs)
{
    SlurmSubmission sub = slurmScripts(dir, o, dwmtjBinary, collectArgs);
    if (sub.indices.empty()) return sub;
    fs::create_directories(fs::path(sub.arrayScript).parent_path());
    detail::writeTextAtomically(sub.arrayScript, sub.arrayText);
    detail::writeTextAtomically(sub.collectScript, sub.collectText);
    if (dryRun || !onPath("sbatch")) return sub;
    auto firstLine = [](std::string t) { return t.substr(0, t.find_first_of(";\n")); };
    int rc = 0;
    const std::string array =
        runShell("sbatch --parsable " + shellQuote(sub.arrayScript) + " 2>&1", &rc);
    if (rc != 0) throw Error("sbatch refused the array job: " + firstLine(array));
    sub.arrayJob = firstLine(array);
    const std::string collect = runShell("sbatch --parsable --dependency=afterany:" + sub.arrayJob +
                                             " " + shellQuote(sub.collectScript) + " 2>&1",
                                         &rc);
    if (rc != 0) throw Error("sbatch refused the collect job: " + firstLine(collect));
    sub.collectJob = firstLine(collect);
    std::ofstream jobs(fs::path(dir) / "slurm" / "jobs.tsv", std::ios::app);
    jobs << sub.arrayJob << "\t" << sub.collectJob << "\t" << sub.indices.size() << "\n";
    if (!jobs) throw Error("cannot record the job ids in " + dir + "/slurm/jobs.tsv");
    sub.submitted = true;
    return sub;
}

}  // namespace dwmtj::core

// The design study's file, devices and folder (dwmtj/design.h, docs/models.md "Designing the
// device"): each trained combination of width ratio, floor and ceiling becomes a synthetic
// lookup table on the nominal device's operating point and a [config] of one sweep.
#include "dwmtj/design.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "design/design_internal.h"
#include "dwmtj/error.h"
#include "dwmtj/noise_endpoint.h"
#include "dwmtj/paths.h"
#include "dwmtj/stats.h"
#include "train/construction_ini.h"
#include "util/atomic_file.h"
#include "util/ini.h"

namespace dwmtj::core {

namespace fs = std::filesystem;
using design_detail::numberId;

namespace {

// One line per kind of key.
// clang-format off
const std::set<std::string> kDesignKeys = {
    "format_version", "hidden", "timesteps", "epochs", "seeds", "batch", "lr", "train_limit",
    "validation", "test_limit", "data_dir", "device",                  // the networks
    "lut", "width_ratio", "floor", "ceiling",                          // the trained devices
    "lut_multistate", "notches", "notch_spacing", "notch_width",       // multi-weight ones
    "v50_sd", "width_sd", "c2c_sd", "stuck", "draws", "device_seed",   // the chips
    "pulse_ns", "r4", "sigma", "noise_seed",                           // energy and noise
    "hardware_aware", "hardware_aware_devices", "measured"};  // and constructionKeys()
// clang-format on

[[noreturn]] void bad(const std::string& path, const std::string& where,
                      const std::string& expected, const std::string& found)
{
    throw FileFormatError(path, where, expected, "'" + found + "'");
}

/// A list of numbers in [lo, hi] (A:B:STEP or a comma list); `fallback` when absent.
std::vector<double> levels(const ini::Section& s, const std::string& key, const std::string& path,
                           double lo, double hi, std::vector<double> fallback)
{
    if (!s.has(key)) return fallback;
    std::vector<double> out;
    try {
        out = parseSigmaList(s.values.at(key));
    } catch (const Error&) {
        bad(path, s.where() + " " + key, "A:B:STEP or a list of numbers", s.values.at(key));
    }
    for (double v : out)
        if (!(v >= lo && v <= hi))
            bad(path, s.where() + " " + key,
                "values from " + std::to_string(lo) + " to " + std::to_string(hi),
                s.values.at(key));
    if (out.empty()) bad(path, s.where() + " " + key, "one or more values", s.values.at(key));
    return out;
}

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The multi-weight axes: notches (whole numbers from 2 to 32), notch_spacing and notch_width
/// (ratios), lut_multistate.
void readNotches(const ini::Section& sec, const std::string& path, DesignSpace& d)
{
    for (const char* key : {"notch_spacing", "notch_width", "lut_multistate"})
        if (sec.has(key) && !sec.has("notches"))
            bad(path, sec.where() + " " + key, "notches (the multi-weight devices) with it",
                "no notches");
    if (!sec.has("notches")) return;
    for (double n : levels(sec, "notches", path, 1, 32, {})) {
        if (n != std::floor(n) || n < 2)
            bad(path, sec.where() + " notches",
                "whole numbers of notch thresholds from 2 to 32 (1 is the binary device)",
                sec.values.at("notches"));
        if (std::find(d.notches.begin(), d.notches.end(), int(n)) == d.notches.end())
            d.notches.push_back(int(n));
    }
    d.notchSpacing = levels(sec, "notch_spacing", path, 0.01, 100, {1});
    d.notchWidth = levels(sec, "notch_width", path, 0.01, 100, {1});
    if (sec.has("lut_multistate"))
        d.nominalMultiLut = ini::resolvePath(sec.values.at("lut_multistate"), path);
}

/// A device neuron kind's id (multistate-released, ...): `measured` then means its cell on its
/// bundled table.
bool deviceKindName(const std::string& item)
{
    try {
        return neuronKindInfo(neuronKindFromString(item)).device;
    } catch (const Error&) {
        return false;
    }
}

/// A `measured` item that is a file name in the bundled datasets folder, not a file next to the
/// design file (released-binary-table-a.csv).
bool bundledDataName(const std::string& item, const std::string& designPath)
{
    if (deviceKindName(item) || fs::exists(ini::resolvePath(item, designPath))) return false;
    const std::string dir = datasetsDir();
    return !dir.empty() && fs::path(item).filename() == item && fs::exists(fs::path(dir) / item);
}

/// measured: device neuron kinds (their cells on their bundled tables) or LUT files (next to
/// the design file or in the bundled datasets; the binary or multi-weight neuron by the table's
/// kind), each loaded to check it.
void readMeasured(const ini::Section& sec, const std::string& path, DesignSpace& d)
{
    if (!sec.has("measured")) return;
    const std::string where = sec.where() + " measured";
    for (const std::string& item : ini::list(sec.values.at("measured"))) {
        DesignSpace::Measured m;
        if (deviceKindName(item)) {
            m.neuron = neuronKindFromString(item);
            m.id = "m-" + std::string(toString(m.neuron));
        } else {
            m.lut =
                fs::absolute(bundledDataName(item, path) ? fs::path(datasetsDir()) / item
                                                         : fs::path(ini::resolvePath(item, path)))
                    .string();
            Lut lut;
            try {
                lut = loadLut(m.lut);
            } catch (const Error& e) {
                throw FileFormatError(path, where,
                                      "device neuron kinds (" + neuronKindChoices() +
                                          "), LUT files or bundled tables",
                                      "'" + item + "' (" + e.what() + ")");
            }
            m.neuron = lut.kind == DeviceKind::Binary ? NeuronKind::Binary : NeuronKind::MultiState;
            std::string stem = fs::path(m.lut).stem().string();
            for (char& ch : stem)
                if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_')
                    ch = '_';
            m.id = "m-" + stem;
        }
        for (const auto& other : d.measured)
            if (other.id == m.id)
                throw FileFormatError(path, where, "different devices", "'" + item + "' twice");
        d.measured.push_back(m);
    }
}

/// hardware_aware (one of the v50_sd levels) and hardware_aware_devices (ids of the grid).
void readHardwareAware(const ini::Section& sec, const std::string& path, DesignSpace& d)
{
    if (!sec.has("hardware_aware")) {
        if (sec.has("hardware_aware_devices"))
            bad(path, sec.where() + " hardware_aware_devices",
                "hardware_aware (the V50 spread they train on) with it", "no hardware_aware");
        return;
    }
    const auto level = levels(sec, "hardware_aware", path, 0, 1, {});
    std::string listed;
    for (double v : d.v50Sd) listed += (listed.empty() ? "" : ", ") + numberId(v);
    if (level.size() != 1 || !(level[0] > 0) ||
        std::find(d.v50Sd.begin(), d.v50Sd.end(), level[0]) == d.v50Sd.end())
        bad(path, sec.where() + " hardware_aware",
            "one V50 spread > 0 from v50_sd (" + (listed.empty() ? "none given" : listed) +
                "), so that the nominal networks are tested on the same chips",
            sec.values.at("hardware_aware"));
    d.hardwareAware = level[0];
    if (!sec.has("hardware_aware_devices")) return;
    std::vector<std::string> ids;
    for (const auto& dev : designDevices(d)) ids.push_back(dev.id);
    std::istringstream list(sec.values.at("hardware_aware_devices"));
    for (std::string id; std::getline(list, id, ',');) {
        id = ini::trim(id);
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
            std::string known;
            for (const auto& k : ids) known += (known.empty() ? "" : ", ") + k;
            bad(path, sec.where() + " hardware_aware_devices",
                "devices of the design (" + known + ")", id);
        }
        for (const auto& m : d.measured)
            if (m.id == id && !neuronKindInfo(m.neuron).deviceVariability)
                bad(path, sec.where() + " hardware_aware_devices",
                    "devices whose neurons model device variability", id);
        if (std::find(d.hardwareAwareDevices.begin(), d.hardwareAwareDevices.end(), id) ==
            d.hardwareAwareDevices.end())
            d.hardwareAwareDevices.push_back(id);
    }
    if (d.hardwareAwareDevices.empty())
        bad(path, sec.where() + " hardware_aware_devices", "one or more device ids", "");
}

}  // namespace

std::vector<std::string> designPresetNames() { return {"small", "cluster"}; }

std::string designPresetFile(const std::string& nameOrPath)
{
    const auto names = designPresetNames();
    if (std::find(names.begin(), names.end(), nameOrPath) != names.end()) {
        const std::string file =
            (fs::path(resourcesDir()) / ("design-" + nameOrPath + ".ini")).string();
        if (!fs::exists(file))
            throw Error("the design preset " + nameOrPath + " was not found at " + file +
                        " (set DWMTJ_RESOURCES_DIR)");
        return file;
    }
    if (fs::is_regular_file(nameOrPath)) return nameOrPath;
    std::string choices;
    for (const auto& n : names) choices += (choices.empty() ? "" : ", ") + n;
    throw Error("--preset " + nameOrPath + ": expected " + choices + " or a design file");
}

DesignSpace loadDesign(const std::string& path)
{
    const auto sections = ini::read(path);
    DesignSpace d;
    bool found = false;
    for (const auto& sec : sections) {
        if (sec.kind == "design") {
            if (found) throw FileFormatError(path, sec.where(), "one [design NAME] section", "two");
            found = true;
            const auto& cons = constructionKeys();
            for (const auto& [k, v] : sec.values)
                if (!kDesignKeys.count(k) && std::find(cons.begin(), cons.end(), k) == cons.end())
                    bad(path, sec.where(), "a known key (docs/models.md, \"Designing the device\")",
                        k);
            if (ini::need(sec, "format_version", path) != "1")
                bad(path, sec.where() + " format_version", "1", sec.values.at("format_version"));
            d.name = sec.name.empty() ? fs::path(path).stem().string() : sec.name;
            TrainingConfig& c = d.base;
            c.neuron = NeuronKind::Binary;
            c.hidden = ini::integer(sec, "hidden", path, c.hidden, 1);
            c.timesteps = ini::integer(sec, "timesteps", path, c.timesteps, 1);
            c.epochs = ini::integer(sec, "epochs", path, c.epochs, 1);
            c.batchSize = ini::integer(sec, "batch", path, c.batchSize, 2);
            c.learningRate = ini::number(sec, "lr", path, c.learningRate);
            c.trainLimit = ini::integer(sec, "train_limit", path, 0, 0);
            c.validationSize = ini::integer(sec, "validation", path, c.validationSize, 0);
            c.testLimit = ini::integer(sec, "test_limit", path, 0, 0);
            if (sec.has("device")) c.device = sec.values.at("device");
            if (sec.has("data_dir")) c.dataDir = ini::resolvePath(sec.values.at("data_dir"), path);
            readConstruction(sec, path, c);
            try {
                if (sec.has("seeds")) d.seeds = parseSeedList(sec.values.at("seeds"));
            } catch (const OptionsError&) {
                bad(path, sec.where() + " seeds", "distinct seeds like 0-4 or 0,3,7",
                    sec.values.at("seeds"));
            }
            if (sec.has("lut")) d.nominalLut = ini::resolvePath(sec.values.at("lut"), path);
            d.widthRatio = levels(sec, "width_ratio", path, 0.01, 100, {1});
            for (double r : d.widthRatio)
                if (r <= 0) bad(path, sec.where() + " width_ratio", "ratios > 0", numberId(r));
            d.floor = levels(sec, "floor", path, 0, 0.49, {0});
            d.ceiling = levels(sec, "ceiling", path, 0.51, 1, {1});
            d.v50Sd = levels(sec, "v50_sd", path, 0, 10, {});
            d.widthSd = levels(sec, "width_sd", path, 0, 5, {});
            d.c2cSd = levels(sec, "c2c_sd", path, 0, 10, {});
            d.stuck = levels(sec, "stuck", path, 0, 1, {});
            d.draws = ini::integer(sec, "draws", path, d.draws, 1);
            d.deviceSeed = uint64_t(ini::integer(sec, "device_seed", path, int(d.deviceSeed), 0));
            d.pulseNs = levels(sec, "pulse_ns", path, 0.01, 1e6, {});
            d.r4Ohm = levels(sec, "r4", path, 1, 1e9, {});
            if (!sec.has("sigma") || sec.values.at("sigma") == "standard")
                d.sigmas = endpoint::standardGrid();
            else if (sec.values.at("sigma") == "paper")
                d.sigmas = endpoint::paperGrid();
            else
                d.sigmas = levels(sec, "sigma", path, 0, 100, {});
            if (d.sigmas.front() != 0)
                bad(path, sec.where() + " sigma", "a grid starting at 0 (the clean accuracy)",
                    sec.values.at("sigma"));
            d.noiseSeed = uint64_t(ini::integer(sec, "noise_seed", path, int(d.noiseSeed), 0));
            readNotches(sec, path, d);
            readMeasured(sec, path, d);
            readHardwareAware(sec, path, d);
            try {
                c.validate();
            } catch (const Error& e) {
                throw FileFormatError(path, sec.where(), "valid training settings", e.what());
            }
        } else if (sec.kind == "spec") {
            for (const auto& [k, v] : sec.values)
                if (k != "accuracy" && k != "robustness")
                    bad(path, sec.where(), "accuracy (percent) or robustness (0 to 1)", k);
            const double a = ini::number(sec, "accuracy", path, 100 * d.specAccuracy);
            const double r = ini::number(sec, "robustness", path, d.specRobustness);
            if (!(a >= 0 && a <= 100))
                bad(path, sec.where() + " accuracy", "a percentage", numberId(a));
            if (!(r >= 0 && r <= 1))
                bad(path, sec.where() + " robustness", "a chance-corrected AUC from 0 to 1",
                    numberId(r));
            d.specAccuracy = a / 100;
            d.specRobustness = r;
        } else {
            bad(path, sec.where(), "[design NAME] or [spec]", "[" + sec.kind + "]");
        }
    }
    if (!found) throw FileFormatError(path, "", "a [design NAME] section", "none");
    return d;
}

std::vector<DesignDevice> designDevices(const DesignSpace& d)
{
    std::vector<DesignDevice> out;
    for (double r : d.widthRatio)
        for (double f : d.floor)
            for (double c : d.ceiling) {
                DesignDevice dev;
                dev.id = "w" + numberId(r) + "-f" + numberId(f) + "-c" + numberId(c);
                dev.widthRatio = r;
                dev.floor = f;
                dev.ceiling = c;
                out.push_back(dev);
            }
    for (int n : d.notches)
        for (double sp : d.notchSpacing)
            for (double w : d.notchWidth) {
                DesignDevice dev;
                dev.id = "n" + std::to_string(n) + "-s" + numberId(sp) + "-w" + numberId(w);
                dev.neuron = NeuronKind::MultiState;
                dev.notches = n;
                dev.notchSpacing = sp;
                dev.widthRatio = w;
                out.push_back(dev);
            }
    for (const auto& m : d.measured) {
        DesignDevice dev;
        dev.id = m.id;
        dev.measured = true;
        dev.neuron = m.neuron;
        dev.lut = m.lut;
        dev.widthRatio = dev.floor = dev.ceiling = std::nan("");
        out.push_back(dev);
    }
    return out;
}

std::vector<DesignDevice> hardwareAwareDevices(const DesignSpace& d)
{
    std::vector<DesignDevice> out;
    if (!(d.hardwareAware > 0)) return out;
    const auto& named = d.hardwareAwareDevices;
    for (const DesignDevice& dev : designDevices(d))
        if (neuronKindInfo(dev.neuron).deviceVariability &&
            (named.empty() || std::find(named.begin(), named.end(), dev.id) != named.end()))
            out.push_back(dev);
    return out;
}

std::string hardwareAwareId(const std::string& device) { return device + "-hw"; }

std::string designSweepFolder(const std::string& dir) { return (fs::path(dir) / "sweep").string(); }

std::string prepareDesignFolder(const std::string& designFile, const std::string& dir)
{
    const DesignSpace d = loadDesign(designFile);  // refuse a bad file before touching DIR
    const Lut nominal = loadLut(designNominalLutFile(d));
    Lut nominalMulti;
    if (!d.notches.empty()) {
        const std::string file = designNominalLutFile(d, true);
        nominalMulti = loadLut(file);
        std::vector<double> v, w;
        try {
            lutNotches(nominalMulti, v, w);
        } catch (const Error& e) {
            throw Error(designFile + ": lut_multistate " + file + ": " + e.what());
        }
    }
    const std::string copy = (fs::path(dir) / "design.ini").string();
    // Relative paths in the copy must still point where the original's did.
    const std::string text = ini::withAbsolutePaths(
        readText(designFile), designFile, {"data_dir", "lut", "lut_multistate"}, {"measured"},
        [&](const std::string& item) {
            return deviceKindName(item) || bundledDataName(item, designFile);
        });
    if (fs::exists(copy)) {
        if (readText(copy) != text)
            throw Error(dir + " holds another design (" + copy +
                        " differs): choose a new --out folder");
    } else {
        std::error_code ec;
        fs::create_directories(fs::path(dir) / "luts", ec);
        if (ec) throw Error("cannot create the design folder " + dir + ": " + ec.message());
        detail::writeTextAtomically(copy, text);
    }
    Sweep s;
    s.name = "design-" + d.name;
    s.base = d.base;
    s.seeds = d.seeds;
    fs::create_directories(fs::path(dir) / "luts");
    for (const DesignDevice& dev : designDevices(d)) {
        SweepConfig c;
        c.name = dev.id;
        c.neurons = {dev.neuron, dev.neuron};
        c.hidden = d.base.hidden;
        c.timesteps = d.base.timesteps;
        if (dev.measured) {
            c.lut = dev.lut;  // empty: the kind's bundled table
        } else {
            c.lut = fs::absolute(fs::path(dir) / "luts" / (dev.id + ".csv")).string();
            if (!fs::exists(c.lut))
                saveLut(designLut(dev.notches > 1 ? nominalMulti : nominal, dev), c.lut);
        }
        s.configs.push_back(c);
    }
    for (const DesignDevice& dev : hardwareAwareDevices(d)) {
        SweepConfig c = s.configs[0];
        for (const SweepConfig& nominalConfig : s.configs)
            if (nominalConfig.name == dev.id) c = nominalConfig;
        c.name = hardwareAwareId(dev.id);
        c.variability.v50Sd = d.hardwareAware;
        c.variability.seed = d.deviceSeed;  // chip 0 of the design's V50 draws
        c.variabilityUse = VariabilityUse::Training;
        s.configs.push_back(c);
    }
    s.noise.enabled = true;
    s.noise.sigmas = d.sigmas;
    s.noise.seed = d.noiseSeed;
    s.noise.testLimit = d.base.testLimit;
    const std::string sweepFile = (fs::path(dir) / "design.sweep").string();
    writeSweepFile(
        s, sweepFile,
        "The design study " + d.name + ": one configuration per device (" + designFile + ").");
    const std::string folder = designSweepFolder(dir);
    prepareSweepFolder(sweepFile, folder);
    return folder;
}

DesignSpace loadDesignFolder(const std::string& dir)
{
    const std::string file = (fs::path(dir) / "design.ini").string();
    if (!fs::exists(file))
        throw Error(dir + " is not a design folder (no design.ini): run dwmtj design --out " + dir +
                    " --preset NAME first");
    return loadDesign(file);
}

std::string designResultFile(const std::string& dir)
{
    return (fs::path(dir) / "design.h5").string();
}

}  // namespace dwmtj::core

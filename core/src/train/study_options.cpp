// Robustness study options: names, validation, study files and presets (torch-free).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "dwmtj/error.h"
#include "dwmtj/paths.h"
#include "dwmtj/robustness.h"
#include "util/ini.h"

namespace dwmtj::core {

namespace {
constexpr std::pair<NoiseModel, const char*> kModels[] = {
    {NoiseModel::Gaussian, "gaussian"},
    {NoiseModel::GaussianPerStep, "gaussian-per-step"},
    {NoiseModel::SaltPepper, "salt-pepper"},
    {NoiseModel::SpikeDeletion, "spike-deletion"},
    {NoiseModel::SpikeInsertion, "spike-insertion"},
    {NoiseModel::GaussianExpected, "gaussian-expected"},
};

std::string num(double x)
{
    std::ostringstream o;
    o << x;
    return o.str();
}

}  // namespace

bool gaussianModel(NoiseModel m)
{
    return m == NoiseModel::Gaussian || m == NoiseModel::GaussianPerStep ||
           m == NoiseModel::GaussianExpected;
}

const char* toString(NoiseModel m)
{
    for (const auto& [k, name] : kModels)
        if (k == m) return name;
    return "?";
}

NoiseModel noiseModelFromString(const std::string& s)
{
    for (const auto& [k, name] : kModels)
        if (s == name) return k;
    throw OptionsError("unknown noise model '" + s +
                       "': expected gaussian, gaussian-per-step, gaussian-expected, salt-pepper, "
                       "spike-deletion or spike-insertion");
}

const char* toString(NormMode m) { return m == NormMode::Running ? "running" : "batch"; }

NormMode normModeFromString(const std::string& s)
{
    if (s == "running") return NormMode::Running;
    if (s == "batch") return NormMode::Batch;
    throw OptionsError("unknown normalization '" + s + "': expected running or batch");
}

double StudyChoice::probeLevel() const
{
    if (levels.empty() || !std::isfinite(probe)) return std::nan("");  // automatic: see the summary
    double best = levels.front();
    for (double l : levels)
        if (std::fabs(l - probe) < std::fabs(best - probe)) best = l;
    return best;
}

std::string StudyChoice::levelName() const
{
    switch (model) {
        case NoiseModel::Gaussian:
        case NoiseModel::GaussianPerStep:
        case NoiseModel::GaussianExpected:
            return units == NoiseUnits::Pixel ? "σ (pixel units)" : "σ (standardized)";
        case NoiseModel::SaltPepper:
            return "p (pixels replaced)";
        case NoiseModel::SpikeDeletion:
            return "q (input spikes deleted)";
        case NoiseModel::SpikeInsertion:
            return "r (spurious spikes per input and step)";
    }
    return "level";
}

std::string StudyChoice::describe() const
{
    std::string d = toString(model);
    if (gaussianModel(model)) d += std::string(" (") + toString(units) + " units)";
    if (!levels.empty())
        d += ", " + levelName().substr(0, levelName().find(' ')) + " " + num(levels.front()) +
             ".." + num(levels.back()) + " (" + std::to_string(levels.size()) + " levels)";
    d += std::string(", BatchNorm ") + (normalization == NormMode::Running
                                            ? "running statistics"
                                            : "batch statistics (diagnostic)");
    d += timesteps > 0          ? ", T " + std::to_string(timesteps)
         : timestepsFactor != 1 ? ", T x" + num(timestepsFactor)
                                : ", T as trained";
    if (gainFactor != 1) d += ", device gain x" + num(gainFactor);
    return d;
}

void StudyChoice::validate() const
{
    const std::string who = "study choice '" + id + "': ";
    auto need = [&](bool ok, const std::string& msg) {
        if (!ok) throw OptionsError(who + msg);
    };
    need(!id.empty() && id.size() <= 64 &&
             std::all_of(id.begin(), id.end(),
                         [](char c) {
                             return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                                    c == '_' || c == '.';
                         }),
         "the id must be 1-64 characters from A-Z a-z 0-9 - _ .");
    need(!levels.empty() && levels.size() <= 200, "1 to 200 levels are needed");
    const bool probability = !gaussianModel(model);
    for (double l : levels)
        need(std::isfinite(l) && l >= 0 && (!probability || l <= 1),
             probability ? "levels are probabilities in [0, 1]" : "levels must be finite and >= 0");
    need(timesteps >= 0 && timesteps <= 1000, "time steps must be 0 (as trained) to 1000");
    need(timestepsFactor > 0 && timestepsFactor <= 20, "the time-step factor must be in (0, 20]");
    need(std::isfinite(gainFactor) && gainFactor > 0 && gainFactor <= 100,
         "the gain factor must be in (0, 100]");
    need(std::isnan(probe) || std::isfinite(probe), "the probe must be a number");
}

StudyOptions loadStudyFile(const std::string& path)
{
    StudyOptions o;
    o.name = std::filesystem::path(path).stem().string();
    const auto sections = ini::read(path);
    for (const auto& s : sections) {
        if (s.kind == "study") {
            if (s.has("name")) o.name = s.values.at("name");
            o.seed = uint64_t(ini::number(s, "seed", path, double(o.seed)));
            o.testLimit = int(ini::number(s, "test_limit", path, o.testLimit));
            o.batchSize = int(ini::number(s, "batch", path, o.batchSize));
            if (o.batchSize < 2 || o.batchSize > 100000)
                throw FileFormatError(path, s.where() + " batch", "2..100000",
                                      std::to_string(o.batchSize));
            continue;
        }
        if (s.kind != "choice")
            throw FileFormatError(path, s.where(), "a [study] or [choice ID] section",
                                  "[" + s.kind + "]");
        StudyChoice c;
        c.id = s.name;
        for (const auto& choice : o.choices)
            if (choice.id == c.id)
                throw FileFormatError(path, s.where(), "a choice id used once",
                                      "'" + c.id + "' again");
        c.label = s.has("label") ? s.values.at("label") : c.id;
        try {
            c.model = noiseModelFromString(ini::need(s, "model", path));
            if (s.has("units")) c.units = noiseUnitsFromString(s.values.at("units"));
            if (s.has("normalization"))
                c.normalization = normModeFromString(s.values.at("normalization"));
        } catch (const OptionsError& e) {
            throw FileFormatError(path, s.where(), "a known model, units and normalization",
                                  e.what());
        }
        const std::string& levels = ini::need(s, "levels", path);
        double lo = 0, hi = 0, step = 0;
        char tail = 0;
        if (std::sscanf(levels.c_str(), "%lf:%lf:%lf%c", &lo, &hi, &step, &tail) == 3) {
            if (!(step > 0) || hi < lo || (hi - lo) / step > 200)
                throw FileFormatError(path, s.where() + " levels",
                                      "FROM:TO:STEP with STEP > 0, TO >= FROM, at most 200 levels",
                                      "'" + levels + "'");
            for (int k = 0; lo + k * step <= hi + 1e-9 * step; ++k)
                c.levels.push_back(std::round((lo + k * step) * 1e9) / 1e9);
        } else {
            for (const auto& item : ini::list(levels)) {
                size_t used = 0;
                double v = std::nan("");
                try {
                    v = std::stod(item, &used);
                } catch (const std::exception&) {
                }
                if (used != item.size() || !std::isfinite(v))
                    throw FileFormatError(path, s.where() + " levels",
                                          "FROM:TO:STEP or a list like 0, 0.5, 1",
                                          "'" + levels + "'");
                c.levels.push_back(v);
            }
        }
        c.probe = ini::number(s, "probe", path, std::nan(""));
        c.timesteps = int(ini::number(s, "timesteps", path, 0));
        c.timestepsFactor = ini::number(s, "timesteps_factor", path, 1);
        c.gainFactor = ini::number(s, "gain_factor", path, 1);
        for (const auto& entry : s.values) {
            const std::string& key = entry.first;  // a plain name: lambdas may capture it
            static const char* known[] = {"label",      "model", "units",     "normalization",
                                          "levels",     "probe", "timesteps", "timesteps_factor",
                                          "gain_factor"};
            if (std::none_of(std::begin(known), std::end(known),
                             [&](const char* k) { return key == k; }))
                throw FileFormatError(
                    path, s.where(),
                    "keys label, model, units, normalization, levels, probe, timesteps, "
                    "timesteps_factor, gain_factor",
                    "'" + key + "'");
        }
        try {
            c.validate();
        } catch (const OptionsError& e) {
            throw FileFormatError(path, s.where(), "a valid choice", e.what());
        }
        o.choices.push_back(std::move(c));
    }
    if (o.choices.empty())
        throw FileFormatError(path, "", "at least one [choice ID] section", "none");
    return o;
}

std::vector<std::string> studyPresetNames() { return {"paper-noise", "why-resilient"}; }

StudyOptions studyPreset(const std::string& name)
{
    const auto names = studyPresetNames();
    if (std::find(names.begin(), names.end(), name) == names.end())
        throw OptionsError("unknown study preset '" + name +
                           "': expected paper-noise or why-resilient");
    const std::string dir = resourcesDir();
    if (dir.empty())
        throw Error("the resources folder (robustness-" + name +
                    ".ini) was not found; set DWMTJ_RESOURCES_DIR");
    return loadStudyFile(dir + "/robustness-" + name + ".ini");
}

}  // namespace dwmtj::core

// The configuration's enums by name (one table each, util/enum_names.h) and its construction
// settings by key (constructionKeys(): sweep files, presets, the experiment file, the CLI).
#include <algorithm>

#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "dwmtj/training_config.h"
#include "train/construction_ini.h"
#include "util/enum_names.h"
#include "util/ini.h"

namespace dwmtj::core {

namespace {
constexpr std::pair<DeviceGradient, const char*> kDeviceGradients[] = {
    {DeviceGradient::StraightThrough, "straight-through"}, {DeviceGradient::None, "none"}};
constexpr std::pair<BnPlacement, const char*> kBnPlacements[] = {{BnPlacement::Before, "before"},
                                                                 {BnPlacement::After, "after"}};
constexpr std::pair<BnStatistics, const char*> kBnStatistics[] = {
    {BnStatistics::Sequence, "sequence"}, {BnStatistics::PerStep, "per-step"}};
constexpr std::pair<InputEncoding, const char*> kInputs[] = {
    {InputEncoding::Pixel, "pixel"}, {InputEncoding::Standardized, "standardized"}};
constexpr std::pair<WeightInit, const char*> kInits[] = {{WeightInit::Default, "default"},
                                                         {WeightInit::Xavier, "xavier"}};
constexpr std::pair<NeuronSampling, const char*> kSamplings[] = {
    {NeuronSampling::Stochastic, "stochastic"}, {NeuronSampling::Deterministic, "deterministic"}};
constexpr std::pair<NoiseUnits, const char*> kNoiseUnits[] = {
    {NoiseUnits::Pixel, "pixel"}, {NoiseUnits::Standardized, "standardized"}};
constexpr std::pair<RunStatus, const char*> kRunStatuses[] = {{RunStatus::Running, "running"},
                                                              {RunStatus::Completed, "completed"},
                                                              {RunStatus::Stopped, "stopped"},
                                                              {RunStatus::Diverged, "diverged"},
                                                              {RunStatus::Failed, "failed"}};
}  // namespace

const char* toString(DeviceGradient v) { return names::of(kDeviceGradients, v); }
const char* toString(BnPlacement v) { return names::of(kBnPlacements, v); }
const char* toString(BnStatistics v) { return names::of(kBnStatistics, v); }
const char* toString(InputEncoding v) { return names::of(kInputs, v); }
const char* toString(WeightInit v) { return names::of(kInits, v); }
const char* toString(NeuronSampling v) { return names::of(kSamplings, v); }
const char* toString(NoiseUnits v) { return names::of(kNoiseUnits, v); }
const char* toString(RunStatus v) { return names::of(kRunStatuses, v); }
NoiseUnits noiseUnitsFromString(const std::string& s)
{
    return names::parse(kNoiseUnits, s, "noise units");
}
RunStatus runStatusFromString(const std::string& s)
{
    return names::parse(kRunStatuses, s, "run status");
}
NeuronSampling neuronSamplingFromString(const std::string& s)
{
    return names::parse(kSamplings, s, "neuron sampling");
}
DeviceGradient deviceGradientFromString(const std::string& s)
{
    return names::parse(kDeviceGradients, s, "device gradient");
}
BnPlacement bnPlacementFromString(const std::string& s)
{
    return names::parse(kBnPlacements, s, "BatchNorm placement");
}
BnStatistics bnStatisticsFromString(const std::string& s)
{
    return names::parse(kBnStatistics, s, "BatchNorm statistics");
}
InputEncoding inputEncodingFromString(const std::string& s)
{
    return names::parse(kInputs, s, "input encoding");
}
WeightInit weightInitFromString(const std::string& s)
{
    return names::parse(kInits, s, "initialization");
}

std::array<bool, TrainingConfig::kHiddenLayers> parseFrozenLayers(const std::string& text)
{
    std::array<bool, TrainingConfig::kHiddenLayers> out{};
    if (text == "none" || text.empty()) return out;
    for (const std::string& item : ini::list(text)) {
        const int k = item.size() == 1 ? item[0] - '0' : -1;
        if (k < 1 || k > TrainingConfig::kHiddenLayers || out[size_t(k - 1)])
            throw OptionsError(
                "frozen layers: expected none or hidden layers like 1,2 (each "
                "once, 1.." +
                std::to_string(TrainingConfig::kHiddenLayers) + "), got '" + text + "'");
        out[size_t(k - 1)] = true;
    }
    return out;
}

namespace {
/// The construction settings: one row each, the single list the key functions below read.
struct ConstructionSetting {
    const char* key;
    std::string (*get)(const TrainingConfig&);
    void (*set)(TrainingConfig&, const std::string&);
};
const ConstructionSetting kConstruction[] = {
    {"device_gradient",
     [](const TrainingConfig& c) -> std::string { return toString(c.deviceGradient); },
     [](TrainingConfig& c, const std::string& v) {
         c.deviceGradient = deviceGradientFromString(v);
     }},
    {"bn_placement", [](const TrainingConfig& c) -> std::string { return toString(c.bnPlacement); },
     [](TrainingConfig& c, const std::string& v) { c.bnPlacement = bnPlacementFromString(v); }},
    {"bn_statistics",
     [](const TrainingConfig& c) -> std::string { return toString(c.bnStatistics); },
     [](TrainingConfig& c, const std::string& v) { c.bnStatistics = bnStatisticsFromString(v); }},
    {"input", [](const TrainingConfig& c) -> std::string { return toString(c.input); },
     [](TrainingConfig& c, const std::string& v) { c.input = inputEncodingFromString(v); }},
    {"init", [](const TrainingConfig& c) -> std::string { return toString(c.init); },
     [](TrainingConfig& c, const std::string& v) { c.init = weightInitFromString(v); }},
    {"freeze", [](const TrainingConfig& c) -> std::string { return frozenLayersText(c.freeze); },
     [](TrainingConfig& c, const std::string& v) { c.freeze = parseFrozenLayers(v); }},
    {"sampling", [](const TrainingConfig& c) -> std::string { return toString(c.sampling); },
     [](TrainingConfig& c, const std::string& v) { c.sampling = neuronSamplingFromString(v); }},
};
const ConstructionSetting* findConstruction(const std::string& key)
{
    for (const auto& row : kConstruction)
        if (key == row.key) return &row;
    return nullptr;
}
}  // namespace

const std::vector<std::string>& constructionKeys()
{
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> out;
        for (const auto& row : kConstruction) out.emplace_back(row.key);
        return out;
    }();
    return keys;
}

bool setConstruction(TrainingConfig& c, const std::string& key, const std::string& value)
{
    const ConstructionSetting* row = findConstruction(key);
    if (row) row->set(c, value);
    return row != nullptr;
}

std::string constructionValue(const TrainingConfig& c, const std::string& key)
{
    const ConstructionSetting* row = findConstruction(key);
    if (!row) throw Error("no construction setting named '" + key + "'");
    return row->get(c);
}

std::vector<std::string> readConstruction(const ini::Section& sec, const std::string& path,
                                          TrainingConfig& c)
{
    std::vector<std::string> set;
    for (const std::string& key : constructionKeys()) {
        if (!sec.has(key)) continue;
        try {
            setConstruction(c, key, sec.values.at(key));
        } catch (const OptionsError& e) {
            throw FileFormatError(path, sec.where() + " " + key, "a known setting", e.what());
        }
        set.push_back(key);
    }
    return set;
}

bool TrainingConfig::layerFrozen(int i) const
{
    if (freeze[size_t(i)]) return true;
    if (deviceGradient != DeviceGradient::None) return false;
    for (int j = i; j < kHiddenLayers; ++j)
        if (neuronKindInfo(layer(j).neuron).device) return true;
    return false;
}

std::array<bool, TrainingConfig::kHiddenLayers> TrainingConfig::frozenLayers() const
{
    std::array<bool, kHiddenLayers> out{};
    for (int i = 0; i < kHiddenLayers; ++i) out[size_t(i)] = layerFrozen(i);
    return out;
}

std::string frozenLayersText(const std::array<bool, TrainingConfig::kHiddenLayers>& frozen)
{
    std::string s;
    for (size_t i = 0; i < frozen.size(); ++i)
        if (frozen[i]) s += (s.empty() ? "" : ",") + std::to_string(i + 1);
    return s.empty() ? "none" : s;
}

}  // namespace dwmtj::core

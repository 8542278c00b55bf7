// Training configuration: layers, lists, validation, JSON text (names and construction keys:
// config_names.cpp).
#include <cmath>
#include <cstdio>
#include <set>

#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "dwmtj/training_config.h"
#include "util/enum_names.h"
#include "util/ini.h"

namespace dwmtj::core {

bool LayerNeuron::operator==(const LayerNeuron& o) const
{
    auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
    return neuron == o.neuron && lutPath == o.lutPath && same(centreVoltage, o.centreVoltage) &&
           same(gainVolts, o.gainVolts);
}

LayerNeuron TrainingConfig::layer(int i) const
{
    if (i >= 0 && size_t(i) < layers.size()) return layers[size_t(i)];
    return LayerNeuron{neuron, lutPath, centreVoltage, gainVolts};
}

void TrainingConfig::setLayers(const std::vector<LayerNeuron>& perLayer)
{
    if (perLayer.size() != size_t(kHiddenLayers))
        throw OptionsError("neurons: expected one per hidden layer (" +
                           std::to_string(kHiddenLayers) + "), got " +
                           std::to_string(perLayer.size()));
    neuron = perLayer[0].neuron;
    lutPath = perLayer[0].lutPath;
    centreVoltage = perLayer[0].centreVoltage;
    gainVolts = perLayer[0].gainVolts;
    layers.clear();
    for (const auto& l : perLayer)
        if (!(l == perLayer[0])) layers = perLayer;
}

void TrainingConfig::setLayerKinds(const std::vector<NeuronKind>& kinds,
                                   const std::function<std::string(NeuronKind)>& lutFor)
{
    bool same = !kinds.empty();
    for (NeuronKind k : kinds) same = same && k == kinds.front();
    if (same && kinds.size() == size_t(kHiddenLayers)) {  // a pure network: the shorthand
        neuron = kinds.front();
        layers.clear();
        if (neuronKindInfo(neuron).device && lutFor) lutPath = lutFor(neuron);
        return;
    }
    std::vector<LayerNeuron> perLayer;
    for (NeuronKind k : kinds) {
        LayerNeuron l;
        l.neuron = k;
        if (neuronKindInfo(k).device) {
            l.lutPath = lutFor ? lutFor(k) : lutPath;
            l.centreVoltage = centreVoltage;
            l.gainVolts = gainVolts;
        }
        perLayer.push_back(std::move(l));
    }
    setLayers(perLayer);
}

std::vector<NeuronKind> TrainingConfig::layerKinds() const
{
    std::vector<NeuronKind> out;
    for (int i = 0; i < kHiddenLayers; ++i) out.push_back(layer(i).neuron);
    return out;
}

std::string layerKindsText(const std::vector<NeuronKind>& kinds)
{
    bool same = true;
    for (NeuronKind k : kinds) same = same && k == kinds.front();
    if (kinds.empty()) return "";
    if (same) return toString(kinds.front());
    std::string out;
    for (size_t i = 0; i < kinds.size(); ++i)
        out += (i ? "/" : "") + std::string(toString(kinds[i]));
    return out;
}

bool TrainingConfig::anyDeviceLayer() const
{
    for (int i = 0; i < kHiddenLayers; ++i)
        if (neuronKindInfo(layer(i).neuron).device) return true;
    return false;
}

std::string TrainingConfig::neuronId() const
{
    if (!hybrid() || layers[0].neuron == layers[1].neuron) return toString(neuron);
    std::string out;
    for (int i = 0; i < kHiddenLayers; ++i)
        out += (i ? "," : "") + std::string(toString(layer(i).neuron));
    return out;
}

std::string TrainingConfig::neuronLabel() const
{
    if (!hybrid() || layers[0].neuron == layers[1].neuron) return neuronKindInfo(neuron).label;
    std::string out;
    for (int i = 0; i < kHiddenLayers; ++i)
        out += (i ? " / " : "") + neuronKindInfo(layer(i).neuron).label;
    return out;
}

std::vector<NeuronKind> parseLayerKinds(const std::string& text)
{
    std::vector<NeuronKind> out;
    std::string item;
    auto flush = [&] {
        const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
        out.push_back(
            neuronKindFromString(b == std::string::npos ? "" : item.substr(b, e - b + 1)));
        item.clear();
    };
    for (char ch : text) {
        if (ch == ',' || ch == '/')
            flush();
        else
            item += ch;
    }
    flush();
    if (out.size() == 1) out.resize(TrainingConfig::kHiddenLayers, out[0]);
    if (out.size() != size_t(TrainingConfig::kHiddenLayers))
        throw OptionsError("neurons: expected one kind or one per hidden layer (" +
                           std::to_string(TrainingConfig::kHiddenLayers) +
                           ") like binary,lif, got '" + text + "'");
    return out;
}

std::vector<uint64_t> parseSeedList(const std::string& text)
{
    const std::string expected =
        "seeds: expected a list like 0,3,7 or a range like 0-4, got '" + text + "'";
    std::vector<uint64_t> out;
    for (const std::string& item : ini::list(text)) {
        const auto dash = item.find('-');
        try {
            size_t used = 0;
            if (dash == std::string::npos) {
                out.push_back(std::stoull(item, &used));
                if (used != item.size()) throw std::invalid_argument(item);
            } else {
                const uint64_t a = std::stoull(item.substr(0, dash)),
                               b = std::stoull(item.substr(dash + 1), &used);
                if (used != item.size() - dash - 1 || b < a || b - a > 1000)
                    throw std::invalid_argument(item);
                for (uint64_t k = a; k <= b; ++k) out.push_back(k);
            }
        } catch (const std::exception&) {
            throw OptionsError(expected);
        }
    }
    if (out.empty()) throw OptionsError("seeds: enter at least one seed, like 0 or 0-4");
    if (std::set<uint64_t>(out.begin(), out.end()).size() != out.size())
        throw OptionsError("seeds: each seed once, got '" + text + "'");
    return out;
}

std::vector<double> parseSigmaList(const std::string& text)
{
    const std::string expected =
        "expected A:B:STEP or a list like 0,0.5,1 of sigmas >= 0, got '" + text + "'";
    std::vector<double> out;
    double lo = 0, hi = 0, step = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%lf:%lf:%lf%c", &lo, &hi, &step, &tail) == 3) {
        if (!(step > 0) || !(hi >= lo) || !(lo >= 0) || (hi - lo) / step > 10000)
            throw OptionsError("A:B:STEP needs STEP > 0 and B >= A >= 0, got '" + text + "'");
        for (int k = 0; lo + k * step <= hi + 1e-9 * step; ++k) out.push_back(lo + k * step);
        return out;
    }
    for (const std::string& item : ini::list(text)) {
        try {
            size_t used = 0;
            const double v = std::stod(item, &used);
            if (used != item.size() || !(v >= 0) || !std::isfinite(v))
                throw std::invalid_argument(item);
            out.push_back(v);
        } catch (const std::exception&) {
            throw OptionsError(expected);
        }
    }
    if (out.empty()) throw OptionsError(expected);
    return out;
}

void TrainingConfig::validate() const
{
    auto need = [](bool ok, const std::string& msg) {
        if (!ok) throw OptionsError(msg);
    };
    // Plausibility limits (docs/experiment-file.md): far above every real use (the paper:
    // H 500, T 120, batch 100), low enough that a file or a typo cannot make the program
    // allocate tens of gigabytes.
    need(hidden >= 1 && hidden <= 8192,
         "hidden size must be 1..8192, got " + std::to_string(hidden));
    need(timesteps >= 1 && timesteps <= 1000,
         "timesteps must be 1..1000, got " + std::to_string(timesteps));
    need(batchSize >= 2 && batchSize <= 100000,
         "batch size must be 2..100000 (BatchNorm needs 2), got " + std::to_string(batchSize));
    need(learningRate > 0 && std::isfinite(learningRate),
         "learning rate must be a positive number");
    need(epochs >= 1 && epochs <= 100000,
         "epochs must be 1..100000, got " + std::to_string(epochs));
    need(!seeds.empty(), "at least one seed is needed");
    need(seeds.size() <= 1000, "at most 1000 seeds, got " + std::to_string(seeds.size()));
    need(double(hidden) * timesteps * batchSize <= double(1 << 28),
         "hidden x timesteps x batch must be at most 2^28 (one layer's activations, 1 GiB), got " +
             std::to_string(hidden) + " x " + std::to_string(timesteps) + " x " +
             std::to_string(batchSize));
    need(device == "cpu" || device == "cuda" || device == "auto" || device.rfind("cuda:", 0) == 0,
         "device must be cpu, cuda, cuda:N or auto, got '" + device + "'");
    need(threads >= 0 && threads <= 1024,
         "threads must be 0..1024 (0 = all cores), got " + std::to_string(threads));
    need(trainLimit >= 0 && testLimit >= 0 && validationSize >= 0, "limits must be >= 0");
    need(divergenceLoss > 0, "divergence loss must be > 0");
    need(std::isfinite(trainNoiseSigma) && trainNoiseSigma >= 0 && trainNoiseSigma <= 10,
         "the training noise sigma must be 0..10 (pixel units)");
    need(std::isfinite(energyR2Ohm) && std::isfinite(energyR4Ohm) && energyR4Ohm > 0 &&
             energyR2Ohm > energyR4Ohm,
         "the energy model needs resistances R2 > R4 > 0 ohm (two-point includes the track)");
    need(std::isfinite(energyPulseNs) && energyPulseNs > 0 && std::isfinite(energyRiseFallNs) &&
             energyRiseFallNs >= 0,
         "the energy model needs a pulse > 0 ns and a rise plus fall time >= 0 ns");
    need(layers.empty() || layers.size() == size_t(kHiddenLayers),
         "layers: one neuron per hidden layer (" + std::to_string(kHiddenLayers) + "), got " +
             std::to_string(layers.size()));
    for (int i = 0; i < kHiddenLayers; ++i) {
        const LayerNeuron l = layer(i);
        const std::string where = hybrid() ? "layer " + std::to_string(i + 1) + ": " : "";
        try {
            neuronKindInfo(l.neuron);
        } catch (const std::exception&) {
            throw OptionsError(where + "unknown neuron kind " + std::to_string(int(l.neuron)));
        }
        need(std::isnan(l.gainVolts) || (std::isfinite(l.gainVolts) && l.gainVolts != 0),
             where + "the input-to-voltage gain must be a non-zero number");
        need(std::isnan(l.centreVoltage) || std::isfinite(l.centreVoltage),
             where + "the centre voltage must be a number");
    }
    for (int i = 0; i < kHiddenLayers && sampling == NeuronSampling::Deterministic; ++i)
        need(!neuronKindInfo(layer(i).neuron).device ||
                 layer(i).neuron == NeuronKind::BinaryReleased ||
                 layer(i).neuron == NeuronKind::MultiStateReleased,
             "deterministic sampling is defined for the released cells (binary-released, "
             "multistate-released), not for " +
                 std::string(toString(layer(i).neuron)));
    for (int i = 0; i < kHiddenLayers && variability.any(); ++i)
        need(layer(i).neuron != NeuronKind::BinaryReleased &&
                 layer(i).neuron != NeuronKind::MultiStateReleased,
             "device variability is not modelled for the released cells (" +
                 std::string(toString(layer(i).neuron)) + ")");
    variability.validate();
    need(!variability.any() || anyDeviceLayer(),
         "device variability needs a DW-MTJ device layer (binary or multi-weight neurons)");
}

namespace {
std::string q(const std::string& s)
{
    std::string o = "\"";
    for (char ch : s) {
        if (ch == '"' || ch == '\\') o += '\\';
        if (static_cast<unsigned char>(ch) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", ch);
            o += buf;
            continue;
        }
        o += ch;
    }
    return o + "\"";
}
std::string n(double x)
{
    if (!std::isfinite(x)) return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", x);
    return buf;
}
}  // namespace

namespace {
std::string variabilityJson(const TrainingConfig& c)
{
    const auto& v = c.variability;
    return "{\"v50_sd_V\":" + n(v.v50Sd) + ",\"width_sd_rel\":" + n(v.widthSdRel) +
           ",\"c2c_sd_V\":" + n(v.c2cSd) + ",\"stuck_off\":" + n(v.stuckOff) +
           ",\"stuck_on\":" + n(v.stuckOn) + ",\"seed\":" + std::to_string(v.seed) +
           ",\"use\":" + q(toString(c.variabilityUse)) + "}";
}
}  // namespace

std::string configToJson(const TrainingConfig& c)
{
    std::string seeds;
    for (size_t k = 0; k < c.seeds.size(); ++k)
        seeds += (k ? "," : "") + std::to_string(c.seeds[k]);
    std::string layers;
    for (size_t k = 0; k < c.layers.size(); ++k) {
        const auto& l = c.layers[k];
        layers += std::string(k ? "," : "") + "{\"neuron\":" + q(toString(l.neuron)) +
                  ",\"lut_path\":" + q(l.lutPath) + ",\"centre_voltage_V\":" + n(l.centreVoltage) +
                  ",\"gain_V\":" + n(l.gainVolts) + "}";
    }
    std::string construction;  // frozen_layers (in effect) after freeze, as format 4 wrote it
    for (const std::string& key : constructionKeys()) {
        construction += ",\"" + key + "\":" + q(constructionValue(c, key));
        if (key == "freeze")
            construction += ",\"frozen_layers\":" + q(frozenLayersText(c.frozenLayers()));
    }
    return "{\"neuron\":" + q(c.neuronId()) + ",\"hidden\":" + std::to_string(c.hidden) +
           ",\"timesteps\":" + std::to_string(c.timesteps) +
           ",\"batch_size\":" + std::to_string(c.batchSize) +
           ",\"learning_rate\":" + n(c.learningRate) + ",\"epochs\":" + std::to_string(c.epochs) +
           ",\"seeds\":[" + seeds + "],\"lut_path\":" + q(c.lutPath) +
           ",\"centre_voltage_V\":" + n(c.centreVoltage) + ",\"gain_V\":" + n(c.gainVolts) +
           ",\"device\":" + q(c.device) + ",\"threads\":" + std::to_string(c.threads) +
           ",\"data_dir\":" + q(c.dataDir) + ",\"train_limit\":" + std::to_string(c.trainLimit) +
           ",\"test_limit\":" + std::to_string(c.testLimit) +
           ",\"validation_size\":" + std::to_string(c.validationSize) +
           ",\"divergence_loss\":" + n(c.divergenceLoss) +
           ",\"train_noise_sigma\":" + n(c.trainNoiseSigma) +
           ",\"energy_r2_ohm\":" + n(c.energyR2Ohm) + ",\"energy_r4_ohm\":" + n(c.energyR4Ohm) +
           ",\"energy_pulse_ns\":" + n(c.energyPulseNs) +
           ",\"energy_rise_fall_ns\":" + n(c.energyRiseFallNs) + construction +
           (c.layers.empty() ? std::string() : ",\"layers\":[" + layers + "]") +
           (c.variability.any() ? ",\"variability\":" + variabilityJson(c) : std::string()) + "}";
}

}  // namespace dwmtj::core

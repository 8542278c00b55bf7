// The experiment file's /config group (docs/experiment-file.md): one attribute table for the
// scalar settings, the construction keys (constructionKeys()), the per-layer groups (version 2)
// and the variability group (version 3).
#include <sstream>

#include "train/experiment_h5.h"

namespace dwmtj::core::xfile {
namespace {

using TC = TrainingConfig;
/// The scalar settings of /config; absent in an older file = TrainingConfig's default.
const Attr<TC> kConfigAttrs[] = {
    {"hidden", &TC::hidden, true},
    {"timesteps", &TC::timesteps, true},
    {"batch_size", &TC::batchSize, true},
    {"learning_rate", &TC::learningRate, true},
    {"epochs", &TC::epochs, true},
    {"lut_path", &TC::lutPath},
    {"centre_voltage_V", &TC::centreVoltage},
    {"gain_V", &TC::gainVolts},
    {"device", &TC::device},
    {"threads", &TC::threads},
    {"cuda_graphs", &TC::cudaGraphs},  // absent before CUDA graphs: on (the default)
    {"tf32", &TC::tf32},
    {"data_dir", &TC::dataDir},
    {"train_limit", &TC::trainLimit},
    {"test_limit", &TC::testLimit},
    {"validation_size", &TC::validationSize},
    {"divergence_loss", &TC::divergenceLoss},
    {"train_noise_sigma", &TC::trainNoiseSigma},
    // The energy model (absent before 0.2.0: the paper's values, the defaults).
    {"energy_r2_ohm", &TC::energyR2Ohm},
    {"energy_r4_ohm", &TC::energyR4Ohm},
    {"energy_pulse_ns", &TC::energyPulseNs},
    {"energy_rise_fall_ns", &TC::energyRiseFallNs},
};

using VS = VariabilitySettings;
const Attr<VS> kVariabilityAttrs[] = {
    {"v50_sd_V", &VS::v50Sd},     {"width_sd_rel", &VS::widthSdRel}, {"c2c_sd_V", &VS::c2cSd},
    {"stuck_off", &VS::stuckOff}, {"stuck_on", &VS::stuckOn},        {"seed", &VS::seed},
};

using LN = LayerNeuron;
const Attr<LN> kLayerAttrs[] = {
    {"lut_path", &LN::lutPath},
    {"centre_voltage_V", &LN::centreVoltage},
    {"gain_V", &LN::gainVolts},
};

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

}  // namespace

std::string seedsText(const std::vector<uint64_t>& seeds)
{
    std::string s;
    for (size_t k = 0; k < seeds.size(); ++k) s += (k ? "," : "") + std::to_string(seeds[k]);
    return s;
}

void writeConfig(const h5::File& f, const TrainingConfig& c)
{
    const std::string g = "/config";
    h5::createGroup(f, g);
    h5::writeStringAttr(f, g, "json", configToJson(c));
    h5::writeStringAttr(f, g, "neuron", toString(c.neuron));
    h5::writeStringAttr(f, g, "seeds", seedsText(c.seeds));
    writeAttrs(f, g, c, kConfigAttrs);
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
        writeAttrs(f, lg, l, kLayerAttrs);
    }
    if (c.variability.any()) {  // version 3
        const std::string vg = g + "/variability";
        h5::createGroup(f, vg);
        writeAttrs(f, vg, c.variability, kVariabilityAttrs);
        h5::writeStringAttr(f, vg, "use", toString(c.variabilityUse));
    }
}

TrainingConfig readConfig(const h5::File& f, const std::string& path)
{
    TrainingConfig c;
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
    c.neuron = kindAt(g);
    c.seeds = parseSeeds(h5::readStringAttr(f, g, "seeds"), path);
    readAttrs(f, g, c, kConfigAttrs);
    // Version 4 (older files: this tool's defaults, which is how they were trained).
    const TrainingConfig defaults;
    for (const std::string& key : constructionKeys()) {
        try {
            setConstruction(c, key, attrOr(f, g, key, constructionValue(defaults, key).c_str()));
        } catch (const OptionsError& err) {
            throw FileFormatError(path, g + "@" + key, "a known setting", err.what());
        }
    }
    if (const std::string vg = g + "/variability"; h5::exists(f, vg)) {  // version 3
        readAttrs(f, vg, c.variability, kVariabilityAttrs);
        try {
            c.variabilityUse = variabilityUseFromString(attrOr(f, vg, "use", "evaluation"));
        } catch (const OptionsError& err) {
            throw FileFormatError(path, vg + "@use", "training or evaluation", err.what());
        }
    }
    if (h5::exists(f, g + "/layer_1")) {  // version 2: one neuron per hidden layer
        std::vector<LayerNeuron> layers;
        for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i) {
            const std::string lg = g + "/layer_" + std::to_string(i + 1);
            if (!h5::exists(f, lg))
                throw FileFormatError(path, lg, "a group per hidden layer", "nothing at this path");
            LayerNeuron l;
            l.neuron = kindAt(lg);
            readAttrs(f, lg, l, kLayerAttrs);
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
    return c;
}

}  // namespace dwmtj::core::xfile

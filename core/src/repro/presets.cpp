// Reading resources/paper-experiments.ini into a reproduction plan.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "dwmtj/error.h"
#include "dwmtj/fashion_mnist.h"
#include "dwmtj/paths.h"
#include "dwmtj/reproduce.h"
#include "dwmtj/robustness.h"
#include "train/construction_ini.h"
#include "util/ini.h"

namespace dwmtj::core {
namespace {

using ini::need;
using ini::number;
using ini::Section;
using ini::trim;

std::string presetsFile(const ReproOptions& o)
{
    // A bare name ("paper-as-released") is a presets file of the resources folder.
    const bool name = !o.presetsPath.empty() && o.presetsPath.find('/') == std::string::npos &&
                      !std::filesystem::path(o.presetsPath).has_extension();
    if (!o.presetsPath.empty() && !(name && !std::filesystem::exists(o.presetsPath))) {
        return o.presetsPath;
    }
    const std::string dir = resourcesDir();
    if (dir.empty())
        throw Error(
            "the resources folder (paper-experiments.ini) was not found; set DWMTJ_RESOURCES_DIR");
    if (name) {
        const std::string file = dir + "/" + o.presetsPath + ".ini";
        if (!std::filesystem::exists(file)) {
            std::string names;
            for (const auto& p : reproPresets()) names += (names.empty() ? "" : ", ") + p.name;
            throw OptionsError("no presets named '" + o.presetsPath + "' in " + dir + " (" + names +
                               ")");
        }
        return file;
    }
    return dir + "/paper-experiments.ini";
}

/// The sections of a presets file; `[presets] base = NAME` first reads NAME.ini of the same
/// folder, and this file's sections then add to it or override its keys (same kind and name).
std::vector<Section> readPresets(const std::string& path, int depth = 0)
{
    std::vector<Section> own = ini::read(path);
    const auto head =
        std::find_if(own.begin(), own.end(), [](const Section& s) { return s.kind == "presets"; });
    if (head == own.end() || !head->has("base")) return own;
    if (depth > 4) throw FileFormatError(path, head->where() + " base", "at most 4 levels", "more");
    const std::string base =
        (std::filesystem::path(path).parent_path() / (head->values.at("base") + ".ini")).string();
    if (!std::filesystem::exists(base))
        throw FileFormatError(path, head->where() + " base", "a presets file next to this one",
                              "no file " + base);
    std::vector<Section> out = readPresets(base, depth + 1);
    for (const Section& s : own) {
        if (s.kind == "presets") continue;
        const auto it = std::find_if(out.begin(), out.end(), [&](const Section& b) {
            return b.kind == s.kind && b.name == s.name;
        });
        if (it == out.end()) {
            out.push_back(s);
            continue;
        }
        for (const auto& [k, v] : s.values) it->values[k] = v;
    }
    return out;
}

/// A [beyond] set of kind variability: the V50 spread levels the compared networks are
/// evaluated at (0 and the hardware-aware spread always among them), the device draws per
/// level and seed, the device seed, and the spread the hardware-aware networks train at.
void parseVariabilitySet(const Section& s, const std::string& path, BeyondSet& set)
{
    set.hardwareAwareV50Sd = number(s, "hardware_aware_v50_sd", path);
    if (!(set.hardwareAwareV50Sd > 0) || set.hardwareAwareV50Sd > 1)
        throw FileFormatError(path, s.where() + " hardware_aware_v50_sd",
                              "a V50 spread in (0, 1] V", need(s, "hardware_aware_v50_sd", path));
    std::vector<double> levels = {0, set.hardwareAwareV50Sd};
    for (const std::string& item : ini::list(need(s, "spread_levels", path))) {
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (end == item.c_str() || *end != '\0' || !(v >= 0) || v > 1)
            throw FileFormatError(path, s.where() + " spread_levels",
                                  "V50 spreads in [0, 1] V, comma-separated", "'" + item + "'");
        levels.push_back(v);
    }
    std::sort(levels.begin(), levels.end());
    levels.erase(std::unique(levels.begin(), levels.end(),
                             [](double a, double b) { return std::fabs(a - b) < 1e-12; }),
                 levels.end());
    set.variability.axes = {VariabilityAxis{"v50", levels}};
    const double draws = number(s, "draws", path, 2);
    if (draws != std::floor(draws) || draws < 1 || draws > 1000)
        throw FileFormatError(path, s.where() + " draws", "a whole number of device draws, 1..1000",
                              need(s, "draws", path));
    set.variability.draws = int(draws);
    const double seed = number(s, "device_seed", path, 7);
    if (seed != std::floor(seed) || seed < 0 || seed > 9007199254740992.0)
        throw FileFormatError(path, s.where() + " device_seed", "a whole number >= 0",
                              need(s, "device_seed", path));
    set.variability.seed = uint64_t(seed);
}

}  // namespace

const std::vector<ReproPresetInfo>& reproPresets()
{
    static const std::vector<ReproPresetInfo> presets{
        {"paper-experiments",
         "the paper's experiments, this tool's construction (every layer trained)"},
        {"paper-as-released",
         "the paper as its authors' released code ran it (hidden layers untrained)"},
        {"paper-as-released-trained", "as released, but every layer trained (straight-through)"},
        {"why-resilient",
         "why resilient: trained vs frozen layers x stochastic vs deterministic neurons"},
        {"why-resilient-2core", "why resilient at a scale that fits a session on 2 cores"},
    };
    return presets;
}

const char* toString(ReproScale s)
{
    switch (s) {
        case ReproScale::Smoke:
            return "smoke";
        case ReproScale::Quick:
            return "quick";
        case ReproScale::Paper:
            return "paper";
    }
    return "?";
}

ReproScale reproScaleFromString(const std::string& s)
{
    if (s == "smoke") return ReproScale::Smoke;
    if (s == "quick") return ReproScale::Quick;
    if (s == "paper") return ReproScale::Paper;
    throw OptionsError("scale: expected smoke, quick or paper, got '" + s + "'");
}

ReproPlan makeReproPlan(const ReproOptions& o)
{
    if (o.outDir.empty()) throw OptionsError("choose an output folder (--out DIR)");
    ReproPlan plan;
    plan.scale = o.scale;
    plan.presetsPath = presetsFile(o);
    const auto sections = readPresets(plan.presetsPath);
    const Section* scale = nullptr;
    const Section* noise = nullptr;
    const Section* claims = nullptr;   // optional
    const Section* network = nullptr;  // optional: construction of every network
    for (const auto& s : sections) {
        if (s.kind == "network") network = &s;
        if (s.kind == "scale" && s.name == toString(o.scale)) scale = &s;
        if (s.kind == "noise") noise = &s;
        if (s.kind == "claims") claims = &s;
    }
    const std::string& path = plan.presetsPath;
    if (!scale)
        throw FileFormatError(path, "", std::string("a [scale ") + toString(o.scale) + "] section",
                              "none");
    if (!noise) throw FileFormatError(path, "", "a [noise] section", "none");
    const int seeds = int(number(*scale, "seeds", path));
    const int epochs = int(number(*scale, "epochs", path));
    const double hf = number(*scale, "hidden_factor", path),
                 tf = number(*scale, "timesteps_factor", path);
    const bool sample = scale->values.count("data") && scale->values.at("data") == "sample";
    std::ostringstream d;
    d << seeds << " seeds, " << epochs << " epoch(s)";
    if (hf != 1 || tf != 1) d << ", hidden units x" << hf << " and time steps x" << tf;
    const int trainLimit = int(number(*scale, "train_limit", path));
    const int validation = int(number(*scale, "validation", path));
    const int testLimit = int(number(*scale, "test_limit", path));
    if (sample)
        d << ", the bundled 3000-image Fashion-MNIST sample";
    else if (trainLimit > 0)
        d << ", the first " << trainLimit << " training images";
    else
        d << ", the full Fashion-MNIST training set";
    d << " (" << validation << " held out for validation), "
      << (testLimit > 0 ? std::to_string(testLimit) + " test images"
                        : std::string("the full test set"));
    // The paper's [experiment]s first, then the [beyond] sets (their own report section).
    std::vector<const Section*> trained;
    for (const auto& s : sections)
        if (s.kind == "experiment") trained.push_back(&s);
    for (const auto& s : sections)
        if (s.kind == "beyond") trained.push_back(&s);
    for (const Section* sp : trained) {
        const Section& s = *sp;
        const bool beyond = s.kind == "beyond";
        if (beyond) {
            BeyondSet set;
            set.name = s.name;
            set.question = need(s, "question", path);
            set.caption = s.values.count("caption") ? s.values.at("caption") : std::string();
            set.compare = need(s, "compare", path);
            set.kind = s.has("kind") ? s.values.at("kind") : std::string("hybrid");
            if (set.kind != "hybrid" && set.kind != "variability" && set.kind != "mechanism")
                throw FileFormatError(path, s.where() + " kind", "hybrid, variability or mechanism",
                                      "'" + set.kind + "'");
            if (set.kind == "variability") parseVariabilitySet(s, path, set);
            bool known = false;
            for (const auto& j : plan.jobs)
                known |= j.beyond.empty() && j.experiment == set.compare;
            if (!known)
                throw FileFormatError(path, s.where() + " compare", "the name of an [experiment]",
                                      "'" + set.compare + "'");
            for (const auto& other : plan.beyond)  // one set of curves per compared network
                if (set.kind == "variability" && other.kind == "variability" &&
                    other.compare == set.compare &&
                    (other.variability.axes[0].levels != set.variability.axes[0].levels ||
                     other.variability.draws != set.variability.draws ||
                     other.variability.seed != set.variability.seed))
                    throw FileFormatError(
                        path, s.where(),
                        "the same spread_levels, draws and device_seed as [beyond " + other.name +
                            "], which evaluates '" + set.compare + "' too",
                        "other settings");
            plan.beyond.push_back(std::move(set));
        }
        for (const std::string& n : ini::list(need(s, "neurons", path))) {
            ReproJob j;
            j.experiment = s.name;
            j.beyond = beyond ? s.name : std::string();
            j.figure = beyond ? std::string() : need(s, "figure", path);
            j.caption = s.values.count("caption") ? s.values.at("caption") : std::string();
            TrainingConfig& c = j.config;
            std::vector<NeuronKind> kinds;
            try {
                kinds = parseLayerKinds(n);
            } catch (const OptionsError& e) {
                throw FileFormatError(path, s.where() + " neurons",
                                      neuronKindChoices() + ", or one per layer like binary/lif",
                                      e.what());
            }
            c.hidden = std::max(4, int(std::lround(number(s, "hidden", path) * hf)));
            c.timesteps = std::max(4, int(std::lround(number(s, "timesteps", path) * tf)));
            c.epochs = epochs;
            c.seeds.clear();
            for (int k = 0; k < seeds; ++k) c.seeds.push_back(uint64_t(k));
            c.setLayerKinds(kinds, [&](NeuronKind k) {
                return neuronKindInfo(k).lutKind == DeviceKind::Binary ? o.lutBinary
                                                                       : o.lutMultiState;
            });
            c.device = o.device;
            c.threads = o.threads;
            c.dataDir = sample ? fashionMnistSampleDir() : o.dataDir;
            c.trainLimit = sample ? 0 : trainLimit;
            c.validationSize = validation;
            c.testLimit = testLimit;
            if (network) readConstruction(*network, plan.presetsPath, c);
            readConstruction(s, plan.presetsPath, c);
            if (beyond && plan.beyond.back().kind == "variability") {
                // Hardware-aware networks: one device kind for the whole network, trained on
                // devices drawn at the set's spread with its device seed.
                const NeuronKindInfo& info = neuronKindInfo(kinds.front());
                if (std::any_of(kinds.begin(), kinds.end(),
                                [&](NeuronKind k) { return k != kinds.front(); }) ||
                    !info.device)
                    throw FileFormatError(path, s.where() + " neurons",
                                          "DW-MTJ neuron kinds (one per network, no hybrids) to "
                                          "train hardware-aware",
                                          "'" + n + "'");
                const BeyondSet& set = plan.beyond.back();
                c.variability = VariabilitySettings{};
                c.variability.v50Sd = set.hardwareAwareV50Sd;
                c.variability.seed = set.variability.seed;
                c.variabilityUse = VariabilityUse::Training;
            }
            c.validate();
            std::string id = layerKindsText(kinds);
            std::replace(id.begin(), id.end(), '/', '-');
            j.name = s.name + "-" + id;
            j.path = (std::filesystem::path(o.outDir) / "runs" / (j.name + ".h5")).string();
            plan.jobs.push_back(std::move(j));
        }
    }
    if (plan.jobs.empty())
        throw FileFormatError(path, "", "at least one [experiment] section", "none");
    plan.noiseExperiment = need(*noise, "networks", path);
    const double from = number(*noise, "sigma_from", path), to = number(*noise, "sigma_to", path);
    const double step = number(*scale, "sigma_step", path);
    if (!(step > 0) || to < from)
        throw FileFormatError(path, "[noise]", "sigma_from <= sigma_to and sigma_step > 0",
                              "an empty range");
    for (int k = 0; from + k * step <= to + 1e-9; ++k)
        plan.noise.sigmas.push_back(std::round((from + k * step) * 1e9) / 1e9);
    plan.noise.seed = uint64_t(number(*noise, "seed", path));
    const int noiseLimit = int(number(*scale, "noise_test_limit", path));
    plan.noise.testLimit = noiseLimit > 0 ? noiseLimit : 0;
    plan.noise.device = o.device;
    plan.noise.threads = o.threads;
    for (auto& set : plan.beyond) {  // the variability sets test on the noise study's images
        set.variability.testLimit = plan.noise.testLimit;
        set.variability.device = o.device;
        set.variability.threads = o.threads;
    }
    bool found = false;
    for (const auto& j : plan.jobs) found |= j.experiment == plan.noiseExperiment;
    if (!found)
        throw FileFormatError(path, "[noise] networks", "the name of an [experiment]",
                              "'" + plan.noiseExperiment + "'");
    // The claims to evaluate, and what each needs: a missing experiment (or neuron kind) is
    // an error naming it, not a claim left "inconclusive" for want of runs.
    std::vector<std::string> wanted;
    const std::string list =
        claims && claims->values.count("evaluate") ? claims->values.at("evaluate") : "all";
    if (list == "none") {
        wanted = {"none"};  // matches no claim id: the plan evaluates none (a mechanism study)
    } else if (list == "all") {
        for (const auto& c : claimSpecs()) wanted.push_back(c.id);
    } else {
        std::stringstream ss(list);
        for (std::string id; std::getline(ss, id, ',');) {
            id = trim(id);
            if (id.empty()) continue;
            bool known = false;
            for (const auto& c : claimSpecs()) known |= c.id == id;
            if (!known) {
                std::string ids;
                for (const auto& c : claimSpecs()) ids += (ids.empty() ? "" : ", ") + c.id;
                throw FileFormatError(path, "[claims] evaluate", "'all' or claim ids from: " + ids,
                                      "'" + id + "'");
            }
            wanted.push_back(id);
        }
    }
    for (const auto& c : claimSpecs()) {
        if (std::find(wanted.begin(), wanted.end(), c.id) == wanted.end()) continue;
        for (const auto& need : c.needs) {
            const std::string exp =
                need.experiment.empty() ? plan.noiseExperiment : need.experiment;
            for (NeuronKind k : need.kinds) {
                bool have = false;
                for (const auto& j : plan.jobs)
                    have |= j.experiment == exp && !j.config.hybrid() &&
                            paperRole(j.config.neuron) == paperRole(k);
                if (!have)
                    throw FileFormatError(
                        path, "[experiment " + exp + "]",
                        std::string("an experiment '") + exp + "' that trains " + toString(k) +
                            " neurons (claim '" + c.id + "' needs it" +
                            (need.experiment.empty() ? ", through [noise] networks" : "") +
                            "; list the claims to evaluate in [claims] evaluate = ...)",
                        "none");
            }
        }
    }
    plan.claims = wanted;
    // The robustness study (optional): a bundled preset or a study file, on some or all
    // experiments, with the scale's test-image count.
    for (const auto& st : sections) {
        if (st.kind != "study") continue;
        if (st.has("file")) {
            std::filesystem::path f = st.values.at("file");
            if (f.is_relative()) f = std::filesystem::path(path).parent_path() / f;
            plan.study = loadStudyFile(f.string());
        } else {
            try {
                plan.study = studyPreset(need(st, "preset", path));
            } catch (const OptionsError& e) {
                throw FileFormatError(path, st.where() + " preset", "a bundled study preset",
                                      e.what());
            }
        }
        const std::string nets = scale->has("study_networks") ? scale->values.at("study_networks")
                                 : st.has("networks")         ? st.values.at("networks")
                                                              : "all";
        const auto named = ini::list(nets);
        auto has = [](const std::vector<std::string>& v, const std::string& x) {
            return std::find(v.begin(), v.end(), x) != v.end();
        };
        // The paper's experiments and the mechanism study's cells; other beyond sets are not
        // studied.
        auto studied = [&](const ReproJob& j) {
            return j.beyond.empty() ||
                   std::any_of(plan.beyond.begin(), plan.beyond.end(), [&](const BeyondSet& b) {
                       return b.name == j.beyond && b.kind == "mechanism";
                   });
        };
        for (const auto& j : plan.jobs)
            if (studied(j) && (nets == "all" || has(named, j.experiment)) &&
                !has(plan.studyExperiments, j.experiment))
                plan.studyExperiments.push_back(j.experiment);
        if (nets != "all")
            for (const auto& n : named)
                if (!has(plan.studyExperiments, n))
                    throw FileFormatError(path, st.where() + " networks",
                                          "'all' or [experiment] names", "'" + n + "'");
        const int limit = int(number(*scale, "study_test_limit", path, noiseLimit));
        plan.study.testLimit = limit > 0 ? limit : 0;
        plan.study.device = o.device;
        plan.study.threads = o.threads;
    }
    d << "; noise: sigma " << from << " to " << to << " in steps of " << step << " on "
      << (noiseLimit > 0 ? std::to_string(noiseLimit) + " test images"
                         : std::string("the full test set"));
    plan.scaleDescription = d.str();
    return plan;
}

}  // namespace dwmtj::core

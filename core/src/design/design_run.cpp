// The design study after training (dwmtj/design.h, evaluateDesign): collects the sweep, tests
// each device's networks as chips at every spread level (kept in DIR/networks/<device>.h5, the
// design's experiment files), analyses and saves DIR/design.h5 and design.csv.
#include <filesystem>

#include "dwmtj/design.h"
#include "dwmtj/error.h"
#include "dwmtj/training.h"

namespace dwmtj::core {

namespace fs = std::filesystem;

namespace {

/// The spread axes of the design with their levels.
std::vector<VariabilityAxis> spreadAxes(const DesignSpace& d)
{
    std::vector<VariabilityAxis> out;
    if (!d.v50Sd.empty()) out.push_back({"v50", d.v50Sd});
    if (!d.widthSd.empty()) out.push_back({"width", d.widthSd});
    if (!d.c2cSd.empty()) out.push_back({"c2c", d.c2cSd});
    if (!d.stuck.empty()) out.push_back({"stuck", d.stuck});
    return out;
}

/// Every run already has this axis at these levels with these draws and seed.
bool evaluated(const Experiment& e, const VariabilityAxis& axis, int draws, uint64_t seed)
{
    for (const RunRecord& run : e.runs) {
        bool found = false;
        for (const VariabilityCurve& c : run.variability)
            found = found || (c.axis == axis.id && c.level == axis.levels && c.seed == seed &&
                              !c.accuracy.empty() && int(c.accuracy.front().size()) == draws);
        if (!found) return false;
    }
    return true;
}

}  // namespace

DesignResult evaluateDesign(const std::string& dir, int threads, std::stop_token stop,
                            const std::function<void(const std::string&, int, int)>& progress)
{
    const DesignSpace d = loadDesignFolder(dir);
    const std::string sweep = designSweepFolder(dir);
    std::vector<std::string> missingTasks;
    bool collected = false;
    std::vector<DesignExperiment> experiments;
    fs::create_directories(fs::path(dir) / "networks");
    // One device's networks (a design device, or its hardware-aware networks with the chips
    // of their own spread): collected, tested as chips on `axes` and kept in networks/ID.h5.
    // False when stopped.
    auto device = [&](const std::string& id, const std::vector<VariabilityAxis>& axes) {
        const std::string rel = "networks/" + id + ".h5";
        const std::string file = (fs::path(dir) / rel).string();
        Experiment e;
        bool have = false;
        if (fs::exists(file)) {
            e = loadExperiment(file);
            have = e.config.seeds == d.seeds;
        }
        if (!have) {
            if (!collected) {
                collectSweep(sweep, &missingTasks);
                collected = true;
            }
            bool complete = true;
            for (const auto& m : missingTasks) complete = complete && m.rfind(id + "-seed", 0) != 0;
            const std::string result = (fs::path(sweep) / "results" / (id + ".h5")).string();
            if (!complete || !fs::exists(result)) return true;  // reported as missing
            e = loadExperiment(result);
        }
        std::vector<VariabilityAxis> unevaluated;
        for (const auto& axis : axes)
            if (!evaluated(e, axis, d.draws, d.deviceSeed)) unevaluated.push_back(axis);
        if (!unevaluated.empty() || !have) {
            if (!unevaluated.empty()) {
                VariabilityOptions o;
                o.axes = unevaluated;
                o.draws = d.draws;
                o.seed = d.deviceSeed;
                o.threads = threads;
                e = evaluateVariability(e, o, stop, [&](int done, int total) {
                    if (progress) progress("chips of " + id, done, total);
                });
                if (stop.stop_requested()) return false;
            }
            saveExperiment(e, file);
        }
        experiments.push_back({id, rel, std::move(e)});
        return true;
    };
    bool going = true;
    for (const DesignDevice& dev : designDevices(d))  // chips only where the cell models them
        if (going)
            going = device(dev.id, neuronKindInfo(dev.neuron).deviceVariability
                                       ? spreadAxes(d)
                                       : std::vector<VariabilityAxis>{});
    for (const DesignDevice& dev : hardwareAwareDevices(d))
        if (going) going = device(hardwareAwareId(dev.id), {{"v50", {d.hardwareAware}}});
    DesignResult r = analyzeDesign(d, experiments);
    if (!stop.stop_requested()) saveDesignResult(r, dir);
    return r;
}

}  // namespace dwmtj::core

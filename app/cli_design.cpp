// dwmtj design: the device design study (docs/models.md, "Designing the device"): trains the
// design's devices as a sweep here or on Slurm, tests the networks as chips, and prints the
// Pareto front and the loosest device that meets the spec.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_commands.h"
#include "cli_progress.h"
#include "cli_sweep.h"
#include "dwmtj/design.h"
#include "dwmtj/error.h"

namespace dwmtj::cli {

using namespace dwmtj::core;

namespace {

std::string valueJson(const DesignValue& v)
{
    return "{\"value\":" + jsonNumber(v.value) + ",\"ci95\":[" + jsonNumber(v.low) + "," +
           jsonNumber(v.high) + "]}";
}

std::string resultJson(const DesignResult& r, const std::string& dir)
{
    std::string j = "{\"name\":" + jsonString(r.name) + ",\"folder\":" + jsonString(dir) +
                    ",\"spec\":{\"accuracy\":" + jsonNumber(r.specAccuracy) +
                    ",\"robustness\":" + jsonNumber(r.specRobustness) + "},\"points\":[";
    for (size_t k = 0; k < r.points.size(); ++k) {
        const DesignPoint& p = r.points[k];
        j += std::string(k ? "," : "") + "{\"device\":" + jsonString(p.device) +
             ",\"width_ratio\":" + jsonNumber(p.widthRatio) + ",\"floor\":" + jsonNumber(p.floor) +
             ",\"ceiling\":" + jsonNumber(p.ceiling) + ",\"notches\":" + std::to_string(p.notches) +
             ",\"notch_spacing\":" + jsonNumber(p.notchSpacing) +
             ",\"pulse_ns\":" + jsonNumber(p.pulseNs) + ",\"r4_ohm\":" + jsonNumber(p.r4Ohm) +
             ",\"networks\":" + std::to_string(p.networks) +
             ",\"accuracy\":" + valueJson(p.accuracy) +
             ",\"robustness\":" + valueJson(p.robustness) +
             ",\"energy_per_correct_J\":" + valueJson(p.energyPerCorrectJ) +
             ",\"pareto\":" + (p.pareto ? "true" : "false") +
             ",\"meets_estimate\":" + (p.meetsEstimate ? "true" : "false") +
             ",\"meets_confident\":" + (p.meetsConfident ? "true" : "false") +
             ",\"measured\":" + (p.measured ? "true" : "false") +
             ",\"dominated_by\":" + std::to_string(p.dominatedBy) +
             ",\"file\":" + jsonString(p.file) + "}";
    }
    j += "],\"tolerances\":[";
    for (size_t k = 0; k < r.tolerances.size(); ++k) {
        const DesignTolerance& t = r.tolerances[k];
        j += std::string(k ? "," : "") + "{\"device\":" + jsonString(t.device) +
             ",\"axis\":" + jsonString(t.axis) + ",\"level\":" + jsonNumber(t.level) +
             ",\"chips\":" + std::to_string(t.chips) + ",\"accuracy\":" + valueJson(t.accuracy) +
             "}";
    }
    j += "],\"hardware_aware\":[";
    for (size_t k = 0; k < r.hardwareAware.size(); ++k) {
        const DesignHardwareAware& h = r.hardwareAware[k];
        j += std::string(k ? "," : "") + "{\"device\":" + jsonString(h.device) +
             ",\"v50_sd\":" + jsonNumber(h.v50Sd) + ",\"networks\":" + std::to_string(h.networks) +
             ",\"own_chips\":" + valueJson(h.ownChips) +
             ",\"nominal_on_own\":" + valueJson(h.nominalOnOwn) +
             ",\"gain_own\":" + valueJson(h.gainOwn) + ",\"new_chips\":" + valueJson(h.newChips) +
             ",\"nominal_on_new\":" + valueJson(h.nominalOnNew) +
             ",\"gain_new\":" + valueJson(h.gainNew) + ",\"file\":" + jsonString(h.file) + "}";
    }
    j += "],\"loosest_estimate\":" + std::to_string(r.loosestEstimate) +
         ",\"loosest_confident\":" + std::to_string(r.loosestConfident) + ",\"missing\":[";
    for (size_t k = 0; k < r.missing.size(); ++k)
        j += std::string(k ? "," : "") + jsonString(r.missing[k]);
    return j + "]}";
}

}  // namespace

int runDesign(const std::vector<std::string>& argvIn)
{
    const Args a(argvIn, commandSpec("design"));
    const bool slurm = a.has("slurm");
    bool dryRun = false;
    const SlurmOptions slurmOptions = slurmOptionsFrom(a, &dryRun);
    const std::vector<std::string> argv = withoutSlurmOptions(argvIn);
    if (!slurm && argv.size() != argvIn.size())
        throw UsageError("the Slurm options (--partition ... --dry-run) need --slurm");
    const std::string dir = a.get("out", "");
    if (dir.empty()) throw UsageError("--out DIR is required");
    const int jobs = int(a.integer("jobs", 1));
    if (jobs < 1 || jobs > 1024) throw UsageError("--jobs N needs 1 <= N <= 1024");
    const int threads = int(a.integer("threads", 0));
    std::optional<double> accuracy, robustness;
    if (a.has("accuracy")) {
        accuracy = a.number("accuracy", 0) / 100;
        if (!(*accuracy >= 0 && *accuracy <= 1))
            throw UsageError("--accuracy: expected a percentage, 0 to 100");
    }
    if (a.has("robustness")) {
        robustness = a.number("robustness", 0);
        if (!(*robustness >= 0 && *robustness <= 1))
            throw UsageError("--robustness: expected a chance-corrected AUC, 0 to 1");
    }
    auto finish = [&](DesignResult r) {
        applySpec(r, accuracy.value_or(r.specAccuracy), robustness.value_or(r.specRobustness));
        if (a.has("json"))
            std::printf("%s\n", resultJson(r, dir).c_str());
        else
            std::printf("%s", designReport(r).c_str());
        return r.missing.empty() ? 0 : 1;
    };
    if (a.has("report")) return finish(loadDesignResult(designResultFile(dir)));

    std::string file = a.get("preset", "");
    if (file.empty()) {
        file = (std::filesystem::path(dir) / "design.ini").string();
        if (!std::filesystem::exists(file))
            throw UsageError("--preset small|cluster|FILE is required for a new design folder");
    } else {
        file = designPresetFile(file);
    }
    const std::string sweep = prepareDesignFolder(file, dir);
    const DesignSpace d = loadDesignFolder(dir);
    if (!a.has("json")) {
        std::printf("dwmtj design %s: %zu device(s) x %zu seed(s) in %s\n", d.name.c_str(),
                    designDevices(d).size() - d.measured.size(), d.seeds.size(), dir.c_str());
        if (const size_t multi = d.notches.size() * d.notchSpacing.size() * d.notchWidth.size())
            std::printf("  of which %zu multi-weight (multistate neurons, notches around %s)\n",
                        multi, designNominalLutFile(d, true).c_str());
        for (const auto& m : d.measured)
            std::printf("  and the measured device %s (%s neurons, %s)\n", m.id.c_str(),
                        toString(m.neuron), m.lut.empty() ? "its bundled table" : m.lut.c_str());
        if (const size_t hw = hardwareAwareDevices(d).size())
            std::printf("  and %zu device(s) also trained hardware-aware at a V50 spread of %g V\n",
                        hw, d.hardwareAware);
    }
    if (slurm) {
        std::string again = "design";
        for (const auto& x : argv)
            if (x != "--slurm") again += " " + shellQuote(x);
        return submitSweepFolder(sweep, slurmOptions, dryRun, again);
    }
    const int rc = runSweepTasks(sweep, jobs);
    if (rc == kExitStopped) return rc;
    if (rc != 0)
        std::fprintf(stderr,
                     "warning: some networks failed to train (logs in %s/logs); their devices "
                     "are left out\n",
                     sweep.c_str());
    InterruptWatcher interrupts;
    std::string last;
    std::function<void(int, int)> bar;
    DesignResult r = evaluateDesign(dir, threads, interrupts.token(),
                                    [&](const std::string& what, int done, int total) {
                                        if (what != last) {
                                            last = what;
                                            bar = batchProgress(last.c_str());
                                        }
                                        bar(done, total);
                                    });
    if (interrupts.token().stop_requested()) {
        std::fprintf(stderr, "stopped: run the same command again to continue\n");
        return kExitStopped;
    }
    const int status = finish(r);
    if (!a.has("json"))
        std::printf("\nresult: %s (and design.csv); networks: %s/networks\n",
                    designResultFile(dir).c_str(), dir.c_str());
    return rc != 0 ? 1 : status;
}

}  // namespace dwmtj::cli

// dwmtj yield: the share of chips (every DW-MTJ neuron a drawn device) that meet an accuracy
// spec, before and after per-chip calibration (docs/models.md, "Chip yield and per-chip
// calibration").
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_commands.h"
#include "cli_eval_options.h"
#include "cli_progress.h"
#include "dwmtj/chip_yield.h"
#include "dwmtj/error.h"
#include "dwmtj/training.h"

namespace dwmtj::cli {

using namespace dwmtj::core;

namespace {

std::string yieldJson(const ChipYield& y)
{
    return "{\"chips\":" + std::to_string(y.chips) + ",\"passing\":" + std::to_string(y.passing) +
           ",\"yield\":" + jsonNumber(y.yield) + ",\"ci95\":[" + jsonNumber(y.lower) + "," +
           jsonNumber(y.upper) + "],\"accuracy_q05\":" + jsonNumber(y.q05) +
           ",\"accuracy_median\":" + jsonNumber(y.median) +
           ",\"accuracy_q95\":" + jsonNumber(y.q95) + "}";
}

void printYield(const char* label, const ChipYield& y)
{
    std::printf(
        "  %-44s yield %5.1f %% (95 %% CI %.1f-%.1f; %d of %d chips); accuracy median "
        "%.2f %%, 5-95 %% %.2f-%.2f %%\n",
        label, 100 * y.yield, 100 * y.lower, 100 * y.upper, y.passing, y.chips, 100 * y.median,
        100 * y.q05, 100 * y.q95);
}

}  // namespace

int runYield(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("yield"));
    if (a.positionals().empty())
        throw UsageError("expected experiment files: dwmtj yield RUN.h5... --v50-sd S --spec A");
    if (!a.has("v50-sd") || !a.has("spec"))
        throw UsageError("yield needs --v50-sd (the chips' device spread) and --spec (percent)");
    const double spread = a.number("v50-sd", 0), spec = a.number("spec", 0) / 100;
    if (!(spread >= 0 && spread <= 1)) throw UsageError("--v50-sd: expected 0 to 1 V");
    if (!(spec >= 0 && spec <= 1)) throw UsageError("--spec: expected a percentage, 0 to 100");
    std::vector<int> pulses;
    if (a.has("calibration-pulses"))
        for (double k : parseSigmaList(a.get("calibration-pulses", ""))) {
            if (!(k >= 1 && k == std::floor(k)))
                throw UsageError("--calibration-pulses: whole numbers >= 1");
            pulses.push_back(int(k));
        }
    VariabilityOptions o = evaluationOptions(a);
    o.draws = int(a.integer("draws", 20));
    InterruptWatcher interrupts;
    std::string json = "{\"spec\":" + jsonNumber(spec) + ",\"v50_sd\":" + jsonNumber(spread) +
                       ",\"draws\":" + std::to_string(o.draws) + ",\"files\":[";
    for (size_t f = 0; f < a.positionals().size(); ++f) {
        const std::string& path = a.positionals()[f];
        const Experiment e = loadExperiment(path);
        std::vector<double> levels{spread};
        double w = 0;
        try {
            if (!pulses.empty()) w = deviceWidthOf(e);
        } catch (const Error& err) {
            throw Error(path + ": " + err.what());
        }
        for (int k : pulses) levels.push_back(calibrationResidualSd(w, k));
        o.axes = {{"v50", levels}};
        const Experiment out =
            evaluateVariability(e, o, interrupts.token(), batchProgress("chips"));
        if (interrupts.token().stop_requested()) return kExitStopped;
        std::vector<std::vector<double>> chips(levels.size());
        for (const auto& r : out.runs)
            for (const auto& c : r.variability)
                if (c.axis == "v50")
                    for (size_t l = 0; l < levels.size() && l < c.accuracy.size(); ++l)
                        chips[l].insert(chips[l].end(), c.accuracy[l].begin(), c.accuracy[l].end());
        const ChipYield raw = chipYield(chips[0], spec);
        json += std::string(f ? "," : "") + "{\"file\":" + jsonString(path) +
                ",\"uncalibrated\":" + yieldJson(raw) + ",\"calibrated\":[";
        if (!a.has("json"))
            std::printf(
                "%s (%s, hardware-aware: %s): chips with a V50 spread of %.3g V, spec "
                "%.1f %%\n",
                path.c_str(), toString(e.config.neuron),
                e.config.variabilityUse == VariabilityUse::Training && e.config.variability.any()
                    ? "yes"
                    : "no",
                spread, 100 * spec);
        if (!a.has("json")) printYield("as drawn", raw);
        for (size_t k = 0; k < pulses.size(); ++k) {
            const ChipYield y = chipYield(chips[k + 1], spec);
            json += std::string(k ? "," : "") + "{\"pulses\":" + std::to_string(pulses[k]) +
                    ",\"residual_sd\":" + jsonNumber(levels[k + 1]) + ",\"yield\":" + yieldJson(y) +
                    "}";
            if (!a.has("json")) {
                char label[96];
                std::snprintf(label, sizeof label, "calibrated, %d pulses/neuron (sd %.3g V)",
                              pulses[k], levels[k + 1]);
                printYield(label, y);
                if (levels[k + 1] >= spread)
                    std::printf(
                        "    (%d pulses estimate V50 less well than the spread itself: "
                        "calibrating with them does not help)\n",
                        pulses[k]);
            }
        }
        json += "]}";
    }
    if (a.has("json")) std::printf("%s]}\n", json.c_str());
    return 0;
}

}  // namespace dwmtj::cli

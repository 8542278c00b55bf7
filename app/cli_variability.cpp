// dwmtj variability: the accuracy of trained networks on drawn devices (device-to-device and
// cycle-to-cycle variation, stuck devices).
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_commands.h"
#include "cli_eval_options.h"
#include "cli_progress.h"
#include "dwmtj/error.h"
#include "dwmtj/stats.h"
#include "dwmtj/training.h"

namespace dwmtj::cli {

using namespace dwmtj::core;

int runVariability(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("variability"));
    if (a.positionals().size() != 1)
        throw UsageError(
            "expected one experiment file: dwmtj variability RUN.h5 --v50-sd LIST ...");
    const std::string path = a.positionals()[0];
    VariabilityOptions o = evaluationOptions(a);
    for (const auto& [option, axis] : {std::pair{"v50-sd", "v50"},
                                       {"width-sd", "width"},
                                       {"c2c-sd", "c2c"},
                                       {"stuck", "stuck"}}) {
        if (!a.has(option)) continue;
        try {
            o.axes.push_back({axis, parseSigmaList(a.get(option, ""))});
        } catch (const OptionsError& e) {
            throw UsageError(std::string("--") + option + ": " + e.what());
        }
    }
    o.bootstrap = int(a.integer("bootstrap", 0));
    o.deviceData = a.get("device-data", "");
    if (!o.deviceData.empty() && o.bootstrap <= 0)
        throw UsageError("--device-data is the bootstrap's measurements: give --bootstrap N too");
    if (o.axes.empty() && o.bootstrap <= 0)
        throw UsageError(
            "give at least one of --v50-sd, --width-sd, --c2c-sd, --stuck (lists "
            "like 0:0.1:0.02) or --bootstrap N");
    o.draws = int(a.integer("draws", o.draws));
    InterruptWatcher interrupts;
    const Experiment before = loadExperiment(path);
    const Experiment e =
        evaluateVariability(before, o, interrupts.token(), batchProgress("variability"));
    if (stoppedUnchanged(interrupts, path)) return kExitStopped;
    saveExperiment(e, path);
    // Per axis and level: mean and sd over every seed and device draw.
    std::string j = "{\"file\":" + jsonString(path) + ",\"axes\":[";
    if (!a.has("json") && !o.axes.empty())
        std::printf(
            "device variability (%s neurons), test accuracy of each run's best checkpoint "
            "over %d device draw(s) per seed\n%-8s %10s %10s %10s %6s\n",
            e.config.neuronLabel().c_str(), o.draws, "axis", "level", "mean %", "sd %", "n");
    for (size_t ai = 0; ai < o.axes.size(); ++ai) {
        const auto& axis = o.axes[ai];
        j += std::string(ai ? "," : "") + "{\"axis\":" + jsonString(axis.id) + ",\"levels\":[";
        for (size_t k = 0; k < axis.levels.size(); ++k) {
            std::vector<double> v;
            for (const auto& r : e.runs)
                for (const auto& c : r.variability)
                    if (c.axis == axis.id && k < c.accuracy.size())
                        for (double x : c.accuracy[k]) v.push_back(100 * x);
            double m = 0, ss = 0;
            for (double x : v) m += x;
            m /= double(std::max<size_t>(1, v.size()));
            for (double x : v) ss += (x - m) * (x - m);
            const double sd = v.size() > 1 ? std::sqrt(ss / double(v.size() - 1)) : 0.0;
            j += std::string(k ? "," : "") + "{\"level\":" + jsonNumber(axis.levels[k]) +
                 ",\"mean\":" + jsonNumber(m) + ",\"sd\":" + jsonNumber(sd) +
                 ",\"n\":" + std::to_string(v.size()) + "}";
            if (!a.has("json"))
                std::printf("%-8s %10g %10.2f %10.2f %6zu\n", axis.id.c_str(), axis.levels[k], m,
                            sd, v.size());
        }
        j += "]}";
    }
    j += "]";
    if (o.bootstrap > 0) {
        // Per seed: the nominal LUT's accuracy (same images and spike draws), the accuracy over
        // the resampled LUTs, its sd and 95 % percentile interval.
        std::string source;
        std::string runs, rows;
        for (const auto& r : e.runs)
            for (const auto& c : r.variability) {
                if (c.axis != "bootstrap" || c.accuracy.empty()) continue;
                source = c.source;
                const auto& acc = c.accuracy[0];
                const auto s = stats::summarize(acc);
                const double lo = stats::quantile(acc, 0.025), hi = stats::quantile(acc, 0.975);
                runs += std::string(runs.empty() ? "" : ",") +
                        "{\"seed\":" + std::to_string(r.seed) +
                        ",\"nominal\":" + jsonNumber(c.nominalAccuracy) +
                        ",\"mean\":" + jsonNumber(s.mean) + ",\"sd\":" + jsonNumber(s.sd) +
                        ",\"lower\":" + jsonNumber(lo) + ",\"upper\":" + jsonNumber(hi) +
                        ",\"n\":" + std::to_string(s.n) + "}";
                char row[160];
                std::snprintf(row, sizeof row, "%-8llu %12s %10.2f %10.2f %8.2f - %-8.2f\n",
                              (unsigned long long)r.seed, percent(c.nominalAccuracy).c_str(),
                              100 * s.mean, 100 * s.sd, 100 * lo, 100 * hi);
                rows += row;
            }
        if (!a.has("json"))
            std::printf(
                "\ncharacterization uncertainty: test accuracy with %d LUTs resampled "
                "from the measurements in %s\n%-8s %12s %10s %10s %19s\n%s",
                o.bootstrap, source.c_str(), "seed", "nominal LUT", "mean %", "sd %",
                "95 % interval", rows.c_str());
        j += ",\"bootstrap\":{\"resamples\":" + std::to_string(o.bootstrap) +
             ",\"source\":" + jsonString(source) + ",\"runs\":[" + runs + "]}";
    }
    if (a.has("json")) std::printf("%s}\n", j.c_str());
    return 0;
}

}  // namespace dwmtj::cli

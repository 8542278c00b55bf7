// `dwmtj sweep from-presets`: a sweep file made from the paper's experiments as the presets
// describe them (resources/paper-experiments.ini, or another presets file), so that the
// experiments are written down once: the Train page's presets, `dwmtj reproduce` and sweeps
// all read that file (docs/sweeps.md, "The paper's protocol as a sweep").
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_commands.h"
#include "dwmtj/error.h"
#include "dwmtj/reproduce.h"
#include "dwmtj/sweep.h"

namespace dwmtj::cli {

using namespace dwmtj::core;

namespace {

std::vector<std::string> commaList(const std::string& text)
{
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = std::min(text.find(',', start), text.size());
        std::string item = text.substr(start, end - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) out.push_back(item);
        start = end + 1;
    }
    return out;
}

}  // namespace

int sweepFromPresets(const std::vector<std::string>& argv)
{
    const Args a(argv, commandSpec("sweep from-presets"));
    const std::string out = a.get("out", "");
    if (out.empty()) throw UsageError("sweep from-presets: --out FILE.sweep is required");
    ReproOptions o;
    o.scale = reproScaleFromString(a.get("scale", "paper"));
    o.presetsPath = a.get("presets", "");
    o.outDir = ".";
    const ReproPlan plan = makeReproPlan(o);
    const std::vector<std::string> wanted = commaList(a.get("experiments", ""));
    std::vector<std::pair<std::string, TrainingConfig>> configs;
    std::vector<std::string> known;
    for (const auto& job : plan.jobs) {
        if (std::find(known.begin(), known.end(), job.experiment) == known.end())
            known.push_back(job.experiment);
        // All the presets' training by default (what `reproduce --slurm` submits).
        const bool take = wanted.empty() ||
                          std::find(wanted.begin(), wanted.end(), job.experiment) != wanted.end();
        if (take) configs.emplace_back(job.name, job.config);
    }
    for (const auto& w : wanted)
        if (std::find(known.begin(), known.end(), w) == known.end()) {
            std::string list;
            for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
            throw UsageError("sweep from-presets: no experiment '" + w + "' in the presets (" +
                             list + ")");
        }
    std::string name = toString(plan.scale);
    for (const auto& w : wanted) name += "-" + w;
    name = a.get("name", name);
    Sweep s = sweepFromConfigs(name, configs);
    if (a.has("noise")) {  // the presets' [noise] study, run by each task after training
        s.noise.enabled = true;
        s.noise.sigmas = plan.noise.sigmas;
        s.noise.units = plan.noise.units;
        s.noise.seed = plan.noise.seed;
        s.noise.testLimit = std::max(0, plan.noise.testLimit);
    }
    const size_t tasks = sweepTasks(s).size();
    writeSweepFile(s, out,
                   "Made by `dwmtj sweep from-presets` from " +
                       (o.presetsPath.empty() ? std::string("resources/paper-experiments.ini")
                                              : o.presetsPath) +
                       ", scale " + toString(plan.scale) + ": " + std::to_string(configs.size()) +
                       " configuration(s), " + std::to_string(tasks) + " task(s).");
    std::printf("%s: %zu configuration(s), %zu task(s)\n", out.c_str(), configs.size(), tasks);
    return 0;
}

}  // namespace dwmtj::cli

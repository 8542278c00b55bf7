// `dwmtj sweep compare` and `dwmtj sweep run --seeds-until-decided` (docs/sweeps.md,
// "Comparisons"): the sweep's declared comparisons on its collected results, and seeds added to
// the configurations of the undecided ones until they are decided or have MAX networks.
#include <cstdio>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_commands.h"
#include "cli_sweep.h"
#include "dwmtj/sweep.h"
#include "dwmtj/sweep_compare.h"

namespace dwmtj::cli {

using namespace dwmtj::core;

namespace {

std::string comparisonsJson(const std::vector<SweepComparisonResult>& r, int looks)
{
    std::string j = "{\"looks\":" + std::to_string(looks) + ",\"comparisons\":[";
    for (size_t k = 0; k < r.size(); ++k) {
        const auto& c = r[k];
        const auto& t = c.test;
        j += std::string(k ? "," : "") + "{\"name\":" + jsonString(c.spec.name) +
             ",\"a\":" + jsonString(c.spec.a) + ",\"b\":" + jsonString(c.spec.b) +
             ",\"measure\":" + jsonString(c.spec.measure) +
             ",\"hypothesis\":" + jsonString(c.spec.hypothesis) +
             ",\"margin\":" + jsonNumber(c.spec.margin) +
             ",\"networks_a\":" + std::to_string(c.networksA) +
             ",\"networks_b\":" + std::to_string(c.networksB) +
             ",\"difference\":" + jsonNumber(t.difference) + ",\"ci95\":[" + jsonNumber(t.low) +
             "," + jsonNumber(t.high) + "],\"p\":" + jsonNumber(t.p) +
             ",\"p_adjusted\":" + jsonNumber(t.pAdjusted) + ",\"family\":" + jsonString(t.family) +
             ",\"min_detectable_effect\":" + jsonNumber(t.minDetectable) +
             ",\"outcome\":" + jsonString(toString(c.outcome)) +
             ",\"verdict\":" + jsonString(c.verdict) + ",\"note\":" + jsonString(t.note) + "}";
    }
    return j + "]}";
}

}  // namespace

int compareSweepFolder(const std::string& dir, bool json)
{
    const Sweep s = loadSweepFolder(dir);
    if (s.comparisons.empty()) {
        std::fprintf(stderr,
                     "dwmtj sweep compare: the sweep in %s declares no comparison ([compare NAME] "
                     "sections, docs/sweeps.md)\n",
                     dir.c_str());
        return 1;
    }
    const auto r = compareSweep(dir);
    const int looks = sweepLooks(dir);
    if (json)
        std::printf("%s\n", comparisonsJson(r, looks).c_str());
    else
        std::printf("%s", sweepComparisonReport(r, looks).c_str());
    return 0;
}

int runSweepUntilDecided(const std::string& dir, int jobs, int maxNetworks)
{
    const Sweep s = loadSweepFolder(dir);
    if (s.comparisons.empty())
        throw UsageError(
            "--seeds-until-decided: the sweep declares no comparison ([compare NAME] "
            "sections, docs/sweeps.md)");
    std::vector<SweepComparisonResult> results;
    for (;;) {
        const int rc = runSweepTasks(dir, jobs);
        if (rc != 0) return rc;
        collectSweep(dir, nullptr);
        results = compareSweep(dir);
        const auto grow = configurationsToGrow(results, maxNetworks);
        if (grow.empty()) break;
        // One more look: the adjusted p of every comparison is multiplied by the looks.
        const int looks = sweepLooks(dir) + 1;
        setSweepLooks(dir, looks);
        for (const SweepTask& t : addSweepSeeds(dir, grow))
            std::fprintf(stderr, "look %d: %s added (a comparison it serves is undecided)\n", looks,
                         t.id.c_str());
    }
    const int looks = sweepLooks(dir);
    std::printf("%s", sweepComparisonReport(results, looks).c_str());
    const Sweep grown = loadSweepFolder(dir);
    std::printf(
        "seeds until decided (at most %d networks per configuration): %d look(s), %zu "
        "seed(s) added\n",
        maxNetworks, looks, grown.addedSeeds.size());
    return 0;
}

}  // namespace dwmtj::cli

// dwmtj robustness: the robustness study (modelling choices x trained networks).
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "cli_args.h"
#include "cli_commands.h"
#include "cli_progress.h"
#include "cli_stats_json.h"
#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "dwmtj/reproduce.h"
#include "dwmtj/robustness.h"

namespace dwmtj::cli {
namespace {

using namespace dwmtj::core;

std::string groupJson(const GroupValues& g)
{
    std::string v;
    for (size_t k = 0; k < g.values.size(); ++k) v += (k ? "," : "") + jsonNumber(g.values[k]);
    return "{\"mean\":" + jsonNumber(g.n ? g.mean : std::nan("")) + ",\"sd\":" + jsonNumber(g.sd) +
           ",\"n\":" + std::to_string(g.n) + ",\"values\":[" + v + "]}";
}

std::string summaryJson(const StudySummary& s, const std::vector<std::string>& files)
{
    std::string j = "{\"files\":[";
    for (size_t k = 0; k < files.size(); ++k) j += (k ? "," : "") + jsonString(files[k]);
    j += "],\"rows\":[";
    for (size_t i = 0; i < s.rows.size(); ++i) {
        const auto& r = s.rows[i];
        j += std::string(i ? "," : "") + "{\"choice\":" + jsonString(r.choiceId) +
             ",\"label\":" + jsonString(r.choiceLabel) +
             ",\"settings\":" + jsonString(r.choiceDescription) +
             ",\"level_name\":" + jsonString(r.levelName) +
             ",\"network\":" + jsonString(r.network) + ",\"probe\":" + jsonNumber(r.probe) +
             ",\"crossing\":" + jsonNumber(r.crossing) +
             ",\"crossing_text\":" + jsonString(r.crossingText) + ",\"levels\":[";
        for (size_t k = 0; k < r.levels.size(); ++k) j += (k ? "," : "") + jsonNumber(r.levels[k]);
        j += "],\"grid\":[";
        for (size_t k = 0; k < r.grid.size(); ++k) j += (k ? "," : "") + jsonNumber(r.grid[k]);
        j += "],\"series\":[";
        for (size_t k = 0; k < r.series.size(); ++k) {
            const auto& se = r.series[k];
            j += std::string(k ? "," : "") + "{\"kind\":" + jsonString(toString(se.kind)) +
                 ",\"label\":" + jsonString(se.label) + ",\"endpoints\":" +
                 (k < r.endpoints.size() ? groupEndpointsJson(r.endpoints[k]) : "null") +
                 ",\"accuracy_percent\":[";
            for (size_t l = 0; l < se.accuracy.size(); ++l)
                j += (l ? "," : "") + groupJson(se.accuracy[l]);
            j += "],\"normalized_percent\":[";
            for (size_t l = 0; l < se.normalized.size(); ++l)
                j += (l ? "," : "") + groupJson(se.normalized[l]);
            j += "]}";
        }
        j += "],\"claims\":[" + claimJson(r.binaryAboveLif) + "," + claimJson(r.multiAboveLif) +
             "," + claimJson(r.lifBelow) + "," + claimJson(r.mwBelowBinary) + "," +
             claimJson(r.degradesLess) + "]}";
    }
    return j + "]}";
}

}  // namespace

int runRobustness(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("robustness"));
    if (a.positionals().empty())
        throw UsageError(
            "expected experiment files: dwmtj robustness RUN.h5... [--study FILE | --preset "
            "paper-noise]");
    if (a.has("study") && a.has("preset"))
        throw UsageError("give --study FILE or --preset NAME, not both");
    StudyOptions o = a.has("study") ? loadStudyFile(a.get("study", ""))
                                    : studyPreset(a.get("preset", "paper-noise"));
    if (a.has("choices")) {
        std::vector<StudyChoice> chosen;
        std::string list = a.get("choices", "");
        for (size_t pos = 0; pos <= list.size();) {
            size_t comma = list.find(',', pos);
            if (comma == std::string::npos) comma = list.size();
            const std::string id = list.substr(pos, comma - pos);
            pos = comma + 1;
            if (id.empty()) continue;
            bool found = false;
            for (const auto& c : o.choices)
                if (c.id == id) chosen.push_back(c), found = true;
            if (!found) {
                std::string ids;
                for (const auto& c : o.choices) ids += (ids.empty() ? "" : ", ") + c.id;
                throw UsageError("--choices: the study has no choice '" + id + "' (it has: " + ids +
                                 ")");
            }
        }
        o.choices = chosen;
    }
    if (a.has("seed")) o.seed = uint64_t(a.integer("seed", 0));
    if (a.has("test-limit")) o.testLimit = int(a.integer("test-limit", -1));
    if (a.has("batch")) o.batchSize = int(a.integer("batch", o.batchSize));
    o.threads = int(a.integer("threads", 0));
    o.device = a.get("device", "");
    o.dataDir = a.get("data-dir", "");
    const std::vector<std::string>& files = a.positionals();
    // Every file is read (and refused with its error) before anything runs.
    std::vector<Experiment> experiments;
    for (const auto& f : files) experiments.push_back(loadExperiment(f));

    InterruptWatcher interrupts;
    if (!a.has("summary-only")) {
        int total = 0;
        for (const auto& e : experiments) total += studyBatches(e, o);
        const bool tty = isatty(2);
        const auto start = std::chrono::steady_clock::now();
        auto lastDraw = start;
        int before = 0;
        std::fprintf(stderr, "robustness study '%s': %zu choice(s) on %zu file(s)\n",
                     o.name.c_str(), o.choices.size(), files.size());
        for (size_t i = 0; i < files.size(); ++i) {
            const int fileTotal = studyBatches(experiments[i], o);
            Experiment out = runStudy(experiments[i], o, interrupts.token(), [&](int done, int) {
                const auto now = std::chrono::steady_clock::now();
                if (now - lastDraw < std::chrono::milliseconds(tty ? 200 : 15000)) return;
                lastDraw = now;
                const double el = std::chrono::duration<double>(now - start).count();
                const int all = before + done;
                std::fprintf(stderr, "%s[file %zu/%zu] batch %d/%d  ETA %s%s", tty ? "\r" : "",
                             i + 1, files.size(), all, total,
                             duration(el / std::max(1, all) * (total - all)).c_str(),
                             tty ? "   " : "\n");
            });
            if (interrupts.token().stop_requested()) {
                if (tty) std::fputc('\n', stderr);
                std::fprintf(stderr,
                             "stopped: %s is unchanged; files before it keep their new curves\n",
                             files[i].c_str());
                return kExitStopped;
            }
            saveExperiment(out, files[i]);
            experiments[i] = std::move(out);
            before += fileTotal;
            std::fprintf(stderr, "%swritten to %s%s\n", tty ? "\r" : "", files[i].c_str(),
                         tty ? "          " : "");
        }
    }
    const StudySummary s = summarizeStudy(experiments);
    if (a.has("json")) {
        std::printf("%s\n", summaryJson(s, files).c_str());
        return 0;
    }
    if (s.rows.empty()) {
        std::printf("no study curves in these files (run without --summary-only to evaluate)\n");
        return 0;
    }
    std::printf(
        "robustness study: per choice and network, each kind's chance-corrected AUC x 100 with "
        "its 95 %% CI, and the paper's noise claims under that choice on it (difference [95 %% "
        "CI], minimum detectable effect at 80 %% power, p and Benjamini-Hochberg adjusted p over "
        "the table; docs/models.md)\n\n%s",
        studyTableMarkdown(s).c_str());
    return 0;
}

}  // namespace dwmtj::cli

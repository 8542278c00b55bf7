// A sweep's declared comparisons (dwmtj/sweep_compare.h, docs/sweeps.md "Comparisons"): the
// [compare NAME] sections, their tests on the collected results, and the looks of
// --seeds-until-decided.
#include "dwmtj/sweep_compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dwmtj/error.h"
#include "dwmtj/noise_endpoint.h"
#include "train/sweep_internal.h"
#include "util/atomic_file.h"
#include "util/enum_names.h"

namespace dwmtj::core {

namespace fs = std::filesystem;

namespace {

constexpr double kAlpha = 0.05;
constexpr std::pair<ComparisonOutcome, const char*> kOutcomes[] = {
    {ComparisonOutcome::Shown, "shown"},
    {ComparisonOutcome::RuledOut, "ruled out"},
    {ComparisonOutcome::Undecided, "undecided"},
    {ComparisonOutcome::Missing, "missing"}};

/// The endpoint's measure of a comparison (the sweep file checked its name; accuracy: clean).
endpoint::Measure measureOf(const std::string& m)
{
    return {names::parse(kComparisonMeasures, m, "measure"), 0};
}

/// A value of the measure as printed: AUC and accuracy in points, sigma50 as it is.
std::string shown(const std::string& measure, double v, bool sign = false)
{
    if (!std::isfinite(v)) return "-";
    const bool points = measure != "sigma50";
    char b[48];
    std::snprintf(b, sizeof b, sign ? (points ? "%+.2f" : "%+.3f") : (points ? "%.2f" : "%.3f"),
                  points ? 100 * v : v);
    return b;
}

std::string units(const std::string& measure)
{
    return measure == "auc"        ? "AUC points"
           : measure == "accuracy" ? "accuracy points"
                                   : "sigma50 (pixel noise sd)";
}

/// The networks of one configuration with a noise curve from sigma 0.
std::vector<endpoint::NetworkCurve> curvesOf(const Experiment& e)
{
    std::vector<endpoint::NetworkCurve> out;
    for (const RunRecord& run : e.runs)
        for (const NoiseCurve& nc : run.noise)
            if (!nc.sigma.empty() && nc.sigma.front() == 0) {
                out.push_back(endpointCurve(nc));
                break;
            }
    return out;
}

std::string verdictText(const SweepComparisonResult& r)
{
    const SweepComparison& c = r.spec;
    const std::string m = shown(c.measure, c.margin);
    const auto& t = r.test;
    std::string numbers = c.a + " - " + c.b + " = " + shown(c.measure, t.difference, true) + " [" +
                          shown(c.measure, t.low, true) + ", " + shown(c.measure, t.high, true) +
                          "] " + units(c.measure);
    switch (r.outcome) {
        case ComparisonOutcome::Missing:
            return "no collected networks with noise curves for " +
                   std::string(r.networksA == 0 ? c.a : c.b) + " yet";
        case ComparisonOutcome::Shown:
            if (c.hypothesis == "superiority")
                return c.a + " is better than " + c.b + " by more than " + m + ": " + numbers;
            if (c.hypothesis == "non-inferiority")
                return c.a + " is not worse than " + c.b + " by " + m + " or more: " + numbers;
            if (c.hypothesis == "equivalence")
                return c.a + " and " + c.b + " are equivalent within +/-" + m + ": " + numbers;
            return c.a + (t.difference > 0 ? " is above " : " is below ") + c.b + ": " + numbers;
        case ComparisonOutcome::RuledOut:
            if (c.hypothesis == "superiority")
                return c.a + " is not better than " + c.b + " by " + m +
                       " (the interval lies below it): " + numbers;
            if (c.hypothesis == "non-inferiority")
                return c.a + " is worse than " + c.b + " by more than " + m + ": " + numbers;
            return c.a + " and " + c.b + " differ by more than " + m + ": " + numbers;
        case ComparisonOutcome::Undecided:
            break;
    }
    if (r.networksA < 2 || r.networksB < 2)
        return "undecided (one network on a side: the spread between seeds is unknown): " + numbers;
    if (!t.valid())
        return "undecided (" + (t.note.empty() ? std::string("no interval") : t.note) +
               "): " + numbers;
    return "undecided: cannot tell differences smaller than " + shown(c.measure, t.minDetectable) +
           " " + units(c.measure) + " (80 % power); " + numbers;
}

}  // namespace

const char* toString(ComparisonOutcome o) { return names::of(kOutcomes, o); }

std::vector<SweepComparisonResult> compareSweepResults(
    const Sweep& s, const std::map<std::string, Experiment>& results, int looks)
{
    const std::vector<double> grid = endpointGrid(s.noise.sigmas);
    const endpoint::Options o = endpointOptions(grid);
    std::vector<SweepComparisonResult> out;
    std::vector<double> p;
    for (const SweepComparison& c : s.comparisons) {
        SweepComparisonResult r;
        r.spec = c;
        r.test.family = "sweep " + s.name;
        std::vector<endpoint::NetworkCurve> a, b;
        if (auto it = results.find(c.a); it != results.end()) a = curvesOf(it->second);
        if (auto it = results.find(c.b); it != results.end()) b = curvesOf(it->second);
        r.networksA = int(a.size());
        r.networksB = int(b.size());
        if (!a.empty() && !b.empty()) {
            r.test = endpoint::compare(
                a, b, measureOf(c.measure),
                names::parse(kComparisonHypotheses, c.hypothesis, "hypothesis"), c.margin, o);
            r.test.family = "sweep " + s.name;
            r.outcome = ComparisonOutcome::Undecided;
        }
        p.push_back(r.outcome == ComparisonOutcome::Missing ? NAN : r.test.p);
        out.push_back(r);
    }
    const std::vector<double> adjusted = endpoint::holm(p);  // within the sweep, NaN stays
    for (size_t k = 0; k < out.size(); ++k) {
        SweepComparisonResult& r = out[k];
        if (r.outcome == ComparisonOutcome::Missing) {
            r.verdict = verdictText(r);
            continue;
        }
        // Bonferroni over the looks: stopping when a verdict appears keeps its error rate.
        r.test.pAdjusted = std::isfinite(adjusted[k]) ? std::min(1.0, adjusted[k] * looks) : NAN;
        const auto& t = r.test;
        const double m = r.spec.margin;
        const std::string& h = r.spec.hypothesis;
        if (r.networksA < 2 || r.networksB < 2)  // the seed-to-seed spread is unknown
            r.outcome = ComparisonOutcome::Undecided;
        else if (t.valid() && t.pAdjusted < kAlpha)
            r.outcome = ComparisonOutcome::Shown;
        else if (t.valid() &&
                 ((h == "superiority" && t.high < m) || (h == "non-inferiority" && t.high < -m) ||
                  (h == "equivalence" && (t.low > m || t.high < -m))))
            r.outcome = ComparisonOutcome::RuledOut;  // futility: no error rate spent
        r.verdict = verdictText(r);
    }
    return out;
}

int sweepLooks(const std::string& dir)
{
    std::ifstream in(fs::path(dir) / "looks.txt");
    int looks = 1;
    if (in >> looks && looks >= 1 && looks <= 100000) return looks;
    return 1;
}

void setSweepLooks(const std::string& dir, int looks)
{
    detail::writeTextAtomically((fs::path(dir) / "looks.txt").string(),
                                std::to_string(looks) + "\n");
}

std::vector<SweepComparisonResult> compareSweep(const std::string& dir)
{
    const Sweep s = loadSweepFolder(dir);
    std::map<std::string, Experiment> results;
    for (const auto& c : s.comparisons)
        for (const std::string& id : {c.a, c.b}) {
            const fs::path file = fs::path(dir) / "results" / (id + ".h5");
            if (!results.count(id) && fs::exists(file)) results[id] = loadExperiment(file.string());
        }
    return compareSweepResults(s, results, sweepLooks(dir));
}

std::vector<std::string> configurationsToGrow(const std::vector<SweepComparisonResult>& r,
                                              int maxNetworks)
{
    std::vector<std::string> out;
    for (const auto& c : r) {
        if (c.outcome != ComparisonOutcome::Undecided) continue;
        for (const auto& [id, n] : {std::pair{c.spec.a, c.networksA}, {c.spec.b, c.networksB}})
            if (n < maxNetworks && std::find(out.begin(), out.end(), id) == out.end())
                out.push_back(id);
    }
    return out;
}

std::string sweepComparisonReport(const std::vector<SweepComparisonResult>& r, int looks)
{
    std::ostringstream o;
    o << "Comparisons (a - b, 95 % interval over seeds and test images; p adjusted by Holm within "
         "the sweep"
      << (looks > 1 ? " and x " + std::to_string(looks) + " looks" : std::string()) << "):\n";
    char line[512];
    std::snprintf(line, sizeof line, "  %-18s %-10s %-16s %9s %8s %8s %7s  %s\n", "comparison",
                  "measure", "hypothesis", "networks", "p", "p adj.", "MDE", "outcome");
    o << line;
    for (const auto& c : r) {
        const std::string n = std::to_string(c.networksA) + "+" + std::to_string(c.networksB);
        std::snprintf(line, sizeof line, "  %-18s %-10s %-16s %9s %8.3g %8.3g %7s  %s\n",
                      c.spec.name.c_str(), c.spec.measure.c_str(), c.spec.hypothesis.c_str(),
                      n.c_str(), c.test.p, c.test.pAdjusted,
                      shown(c.spec.measure, c.test.minDetectable).c_str(), toString(c.outcome));
        o << line << "    " << c.verdict << "\n";
    }
    return o.str();
}

}  // namespace dwmtj::core

// Beyond the paper: the answers of the [beyond] sets (hybrid networks, device variability),
// each a per-seed comparison with the test it used, in the report's own section.
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "claim_tests.h"
#include "dwmtj/noise_endpoint.h"
#include "dwmtj/reproduce.h"
#include "dwmtj/stats.h"
#include "mechanism.h"

namespace dwmtj::core {

using namespace claimtest;

const char* beyondAnswerText(Verdict v)
{
    switch (v) {
        case Verdict::Reproduced:
            return "yes";
        case Verdict::NotReproduced:
            return "no";
        case Verdict::Inconclusive:
            return "not shown";
    }
    return "?";
}

namespace {

/// One value per seed (percent).
using PerSeed = std::map<uint64_t, double>;

/// Per seed: the accuracy of the V50 curve at `level`, of draw `draw`, or the mean over draws
/// [first, last] (percent). Seeds without that curve are left out.
PerSeed v50Accuracy(const ReproJobResult& j, const VariabilityOptions& o, double level, int first,
                    int last)
{
    PerSeed out;
    for (const auto& r : j.experiment.runs)
        for (const auto& c : r.variability) {
            if (c.axis != "v50" || c.seed != o.seed) continue;
            for (size_t k = 0; k < c.level.size(); ++k) {
                if (std::fabs(c.level[k] - level) > 1e-12) continue;
                const auto& a = c.accuracy[k];
                if (int(a.size()) <= last) continue;
                double sum = 0;
                for (int d = first; d <= last; ++d) sum += a[size_t(d)];
                out[r.seed] = 100 * sum / (last - first + 1);
            }
        }
    return out;
}

std::vector<double> valuesOf(const PerSeed& m)
{
    std::vector<double> v;
    for (const auto& [seed, x] : m) v.push_back(x);
    return v;
}

/// The seeds both have, in seed order, and a - b for each.
struct Paired {
    std::vector<double> a, b, diff;
};
Paired pairBySeed(const PerSeed& a, const PerSeed& b)
{
    Paired p;
    for (const auto& [seed, x] : a)
        if (const auto it = b.find(seed); it != b.end()) {
            p.a.push_back(x);
            p.b.push_back(it->second);
            p.diff.push_back(x - it->second);
        }
    return p;
}

/// The common start of a paired claim (same seeds, same devices): groups over the paired
/// seeds, the measured text, the two-sided paired t-test. False (inconclusive) when no test.
bool comparePaired(ClaimResult& c, const std::string& aLabel, const std::string& bLabel,
                   const Paired& p, stats::TTest& t)
{
    const GroupValues a = group(aLabel, p.a), b = group(bLabel, p.b), d = group("", p.diff);
    c.groups = {a, b};
    c.measured = describe(a) + "; " + describe(b) + "; paired difference " +
                 (d.n ? pct(d.mean) + " ± " + pct(d.sd) : std::string("—")) + " points";
    t = stats::oneSampleTTest(p.diff, 0, stats::Alternative::TwoSided);
    if (!t.valid) {
        c.verdict = kInconclusive;
        c.reason = "fewer than 2 paired seeds (or no spread in the differences): no test possible";
        return false;
    }
    c.statistic = t.t;
    c.pValue = t.p;
    setInterval(c, d.mean, d.sd / std::sqrt(double(d.n)), double(d.n - 1),
                endpoint::Hypothesis::TwoSided, 0);
    return true;
}

/// "a above b", paired by seed: yes when the paired t-test (two-sided) is significant and a is
/// above, no when significant the other way, else not shown.
void pairedAboveClaim(ClaimResult& c, const std::string& aLabel, const std::string& bLabel,
                      const Paired& p)
{
    stats::TTest t;
    c.test = "paired t-test over seeds (two-sided), alpha 0.05";
    if (!comparePaired(c, aLabel, bLabel, p, t)) return;
    const double mean = c.groups[0].mean - c.groups[1].mean;
    if (t.p < kAlpha) {
        c.verdict = mean > 0 ? kReproduced : kNotReproduced;
        c.reason =
            (mean > 0 ? "significantly above (" : "significantly below (") + pText(t.p) + ")";
    } else {
        c.verdict = kInconclusive;
        c.reason = "difference " + pct(mean) + " points, not significant (" + pText(t.p) + ")";
    }
}

/// "a keeps b's level", paired by seed: yes when the mean paired difference is shown to be
/// above -kEquivalenceMargin (one-sided paired t), no when a is significantly below b
/// (two-sided) and that is not shown, else not shown.
void pairedKeepsLevelClaim(ClaimResult& c, const std::string& aLabel, const std::string& bLabel,
                           const Paired& p)
{
    stats::TTest t;
    c.test =
        "paired non-inferiority within " + pct(kEquivalenceMargin, 1) +
        " point (one-sided paired t), alpha 0.05; if not shown, paired t-test (two-sided) for a "
        "shortfall";
    if (!comparePaired(c, aLabel, bLabel, p, t)) return;
    const auto ni = stats::oneSampleTTest(p.diff, -kEquivalenceMargin, stats::Alternative::Greater);
    const auto d = group("", p.diff);
    setInterval(c, d.mean, d.sd / std::sqrt(double(d.n)), double(d.n - 1),
                endpoint::Hypothesis::NonInferiority, kEquivalenceMargin);
    keepsLevelVerdict(c, ni, t, c.groups[0].mean - c.groups[1].mean, "paired");
}

std::string volts(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

std::string networkLabel(const ReproJobResult& j)
{
    return j.job.config.neuronLabel() + " H" + std::to_string(j.job.config.hidden) + " T" +
           std::to_string(j.job.config.timesteps);
}

/// A hybrid set: the hybrids against the compared experiment's pure networks, clean and on the
/// noise endpoint (chance-corrected AUC over the noise grid).
BeyondResult hybridSet(const BeyondSet& set, const ReproPlan& plan,
                       const std::vector<ReproJobResult>& jobs)
{
    BeyondResult b;
    b.set = set;
    const auto grid = endpointGrid(plan.noise.sigmas);
    const auto o = endpointOptions(grid);
    b.columns = {"clean test accuracy %", "chance-corrected AUC x 100"};
    auto curvesOf = [&](const ReproJobResult& j) {
        Curves out;
        for (const auto& r : j.experiment.runs)
            for (const auto& c : r.noise)
                if (c.units == NoiseUnits::Pixel) out.push_back(endpointCurve(c));
        return out;
    };
    auto values = [&](const Curves& curves, BeyondNetwork& n) {
        n.values = {measureGroup(n.label + " clean test accuracy", curves,
                                 endpoint::Measure::accuracy(0), grid),
                    measureGroup(n.label + " chance-corrected AUC", curves,
                                 endpoint::Measure::auc(), grid)};
    };
    const ReproJobResult* lif = findJob(jobs, set.compare, NeuronKind::Lif);
    const Curves lifCurves = lif ? curvesOf(*lif) : Curves{};
    BeyondNetwork lifNet;
    lifNet.values.resize(2);
    for (const auto& j : jobs)  // the references: the compared experiment's pure networks
        if (j.job.experiment == set.compare && j.job.beyond.empty() && !j.job.config.hybrid()) {
            BeyondNetwork n;
            n.label = networkLabel(j);
            n.role = "reference";
            values(curvesOf(j), n);
            if (&j == lif) lifNet = n;
            b.networks.push_back(n);
        }
    for (const auto& j : jobs) {
        if (j.job.beyond != set.name) continue;
        BeyondNetwork n;
        n.label = networkLabel(j);
        n.role = "hybrid";
        const Curves curves = curvesOf(j);
        values(curves, n);
        b.networks.push_back(n);
        ClaimResult keeps;
        keeps.id = set.name + ": " + n.label + " clean";
        keeps.claim = n.label + " keeps the LIF network's clean accuracy";
        keepsLevelClaim(keeps, n.values[0], lifNet.values[0]);
        b.answers.push_back(keeps);
        ClaimResult gains;
        gains.id = set.name + ": " + n.label + " noise";
        gains.claim = n.label + " keeps more of its accuracy under noise than LIF";
        endpointAbove(gains, curves, lifCurves, n.values[1], lifNet.values[1],
                      endpoint::Measure::auc(), o, "AUC points");
        b.answers.push_back(gains);
    }
    return b;
}

/// A variability set: the compared experiment's DW-MTJ networks at every spread level, the
/// hardware-aware networks on their own devices (draw 0 at their spread, which the nominal
/// networks are tested on too) and on the other draws.
BeyondResult variabilitySet(const BeyondSet& set, const std::vector<ReproJobResult>& jobs)
{
    BeyondResult b;
    b.set = set;
    const VariabilityOptions& o = set.variability;
    const std::vector<double>& levels = o.axes.front().levels;
    const double hw = set.hardwareAwareV50Sd;
    const int draws = o.draws;
    for (double l : levels)
        b.columns.push_back("V50 sd " + volts(l) + " V (mean of " + std::to_string(draws) +
                            " draws) %");
    b.columns.push_back("the hardware-aware networks' devices (V50 sd " + volts(hw) +
                        " V, draw 1) %");
    if (draws > 1)
        b.columns.push_back(
            "other devices (V50 sd " + volts(hw) + " V, " +
            (draws == 2 ? std::string("draw 2") : "draws 2-" + std::to_string(draws)) + ") %");
    auto row = [&](const ReproJobResult& j, const std::string& label, const std::string& role) {
        BeyondNetwork n;
        n.label = label;
        n.role = role;
        for (double l : levels)
            n.values.push_back(group(label + " at V50 sd " + volts(l) + " V",
                                     valuesOf(v50Accuracy(j, o, l, 0, draws - 1))));
        n.values.push_back(
            group(label + " on the hardware-aware devices", valuesOf(v50Accuracy(j, o, hw, 0, 0))));
        if (draws > 1)
            n.values.push_back(
                group(label + " on other devices", valuesOf(v50Accuracy(j, o, hw, 1, draws - 1))));
        b.networks.push_back(std::move(n));
    };
    const std::string spread = "a V50 spread of " + volts(hw) + " V";
    for (const auto& j : jobs) {  // the nominal networks: the compared experiment's DW-MTJ ones
        if (j.job.experiment != set.compare || !j.job.beyond.empty() || j.job.config.hybrid() ||
            !j.job.config.anyDeviceLayer())
            continue;
        const std::string label = networkLabel(j);
        row(j, label, "nominal");
        ClaimResult loses;
        loses.id = set.name + ": " + label + " spread";
        loses.claim = label + " loses accuracy under " + spread + " (mean of " +
                      std::to_string(draws) + " device draws)";
        pairedAboveClaim(
            loses, label + " nominal devices", label + " at V50 sd " + volts(hw) + " V",
            pairBySeed(v50Accuracy(j, o, 0, 0, draws - 1), v50Accuracy(j, o, hw, 0, draws - 1)));
        b.answers.push_back(loses);
    }
    for (const auto& j : jobs) {  // the hardware-aware networks, each against its nominal one
        if (j.job.beyond != set.name) continue;
        const std::string label = networkLabel(j) + " hardware-aware";
        row(j, label, "hardware-aware");
        const ReproJobResult* nominal = findJob(jobs, set.compare, j.job.config.neuron);
        if (!nominal) continue;
        const std::string nominalLabel = networkLabel(*nominal);
        ClaimResult beats;
        beats.id = set.name + ": " + label + " same devices";
        beats.claim = label + " is more accurate than " + nominalLabel +
                      " deployed on the same devices (" + spread + ")";
        pairedAboveClaim(
            beats, label, nominalLabel,
            pairBySeed(v50Accuracy(j, o, hw, 0, 0), v50Accuracy(*nominal, o, hw, 0, 0)));
        b.answers.push_back(beats);
        ClaimResult keeps;
        keeps.id = set.name + ": " + label + " clean";
        keeps.claim =
            label + " on its devices keeps the accuracy of " + nominalLabel + " on nominal devices";
        pairedKeepsLevelClaim(
            keeps, label + " on its devices", nominalLabel + " nominal devices",
            pairBySeed(v50Accuracy(j, o, hw, 0, 0), v50Accuracy(*nominal, o, 0, 0, draws - 1)));
        b.answers.push_back(keeps);
        if (draws > 1) {
            ClaimResult other;
            other.id = set.name + ": " + label + " other devices";
            other.claim = label + " is more accurate than " + nominalLabel +
                          " on other devices with the same spread (not the ones it trained on)";
            pairedAboveClaim(other, label, nominalLabel,
                             pairBySeed(v50Accuracy(j, o, hw, 1, draws - 1),
                                        v50Accuracy(*nominal, o, hw, 1, draws - 1)));
            b.answers.push_back(other);
        }
    }
    return b;
}

}  // namespace

std::vector<BeyondResult> evaluateBeyond(const ReproPlan& plan,
                                         const std::vector<ReproJobResult>& jobs)
{
    std::vector<BeyondResult> out;
    std::vector<std::string> mechanisms;  // one result per compared experiment
    for (const auto& set : plan.beyond) {
        if (set.kind == "mechanism") {
            if (std::find(mechanisms.begin(), mechanisms.end(), set.compare) != mechanisms.end())
                continue;
            mechanisms.push_back(set.compare);
            out.push_back(mechanismResult(set, plan, jobs));
        } else {
            out.push_back(set.kind == "variability" ? variabilitySet(set, jobs)
                                                    : hybridSet(set, plan, jobs));
        }
        // Each set's answers are one family (Holm).
        std::vector<ClaimResult*> family;
        for (auto& a : out.back().answers) family.push_back(&a);
        adjustFamily(family, "the answers of " + out.back().set.name, Adjustment::Holm);
    }
    return out;
}

}  // namespace dwmtj::core

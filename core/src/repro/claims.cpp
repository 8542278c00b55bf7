// The paper's conclusions checked against the measured runs. Every comparison uses the
// per-seed values (one number per trained network) and says which test it used; a verdict
// is only "reproduced" or "not reproduced" when the test supports it at alpha = 0.05.
#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <sstream>

#include "claim_tests.h"
#include "dwmtj/energy.h"
#include "dwmtj/noise_endpoint.h"
#include "dwmtj/reproduce.h"
#include "dwmtj/stats.h"

namespace dwmtj::core {
namespace {

using namespace claimtest;

std::string netLabel(const ReproJobResult* j, NeuronKind kind)
{
    const std::string& name = neuronKindInfo(kind).label;
    if (!j) return name;
    return name + " H" + std::to_string(j->job.config.hidden) + " T" +
           std::to_string(j->job.config.timesteps);
}

/// Best validation accuracy of each finished run, in percent.
GroupValues bestValidation(const std::vector<ReproJobResult>& jobs, const std::string& experiment,
                           NeuronKind kind)
{
    const auto* j = findJob(jobs, experiment, kind);
    std::vector<double> v;
    if (j)
        for (const auto& r : j->experiment.runs)
            if (std::isfinite(r.bestValidationAccuracy) && r.status == RunStatus::Completed)
                v.push_back(100 * r.bestValidationAccuracy);
    return group(netLabel(j, kind) + " best validation accuracy", v);
}

/// The pixel-unit noise curves of each run of the pure network of `kind`.
Curves noiseCurves(const std::vector<ReproJobResult>& jobs, const std::string& experiment,
                   NeuronKind kind)
{
    Curves out;
    if (const auto* j = findJob(jobs, experiment, kind))
        for (const auto& r : j->experiment.runs)
            for (const auto& c : r.noise)
                if (c.units == NoiseUnits::Pixel) out.push_back(endpointCurve(c));
    return out;
}

std::string levelText(double level)
{
    std::ostringstream s;
    s << level;
    return s.str();
}

/// "no (significant) difference": a non-significant t test is not evidence of equality, so
/// the claim is tested as equivalence within +-kEquivalenceMargin points (Welch TOST):
/// reproduced when equivalence is shown, not reproduced when a difference is shown (Welch,
/// two-sided) and equivalence is not, inconclusive when neither is shown.
void noDifferenceClaim(ClaimResult& c, const GroupValues& a, const GroupValues& b)
{
    stats::TTest t;
    if (!compareTwo(c, a, b, t)) return;
    const auto e = stats::equivalenceTest(a.values, b.values, kEquivalenceMargin);
    c.test = "equivalence within ±" + pct(kEquivalenceMargin, 1) +
             " point (Welch two one-sided tests, TOST), alpha 0.05; if not shown, Welch t-test "
             "(two-sided) for a difference";
    setInterval(c, a.mean - b.mean, std::sqrt(a.sd * a.sd / a.n + b.sd * b.sd / b.n), t.df,
                endpoint::Hypothesis::Equivalence, kEquivalenceMargin);
    const std::string diff = "difference " + pct(a.mean - b.mean) + " points";
    if (e.valid && e.p < kAlpha) {
        c.verdict = kReproduced;
        c.statistic = e.t;
        c.pValue = e.p;
        c.reason = diff + ": equivalent within ±" + pct(kEquivalenceMargin, 1) + " point (TOST " +
                   pText(e.p) + ")";
    } else if (t.p < kAlpha) {
        c.verdict = kNotReproduced;
        c.reason = diff + ", significant (Welch " + pText(t.p) + "); equivalence not shown";
    } else {
        c.verdict = kInconclusive;
        c.statistic = e.valid ? e.t : t.t;
        c.pValue = e.valid ? e.p : t.p;
        c.reason = diff + ": neither equivalence within ±" + pct(kEquivalenceMargin, 1) +
                   " point (TOST " + pText(e.p) + ") nor a difference (Welch " + pText(t.p) +
                   ") is shown with n = " + std::to_string(std::min(a.n, b.n)) +
                   " seeds; equivalence within " + pct(c.minDetectable, 1) +
                   " points would be shown with 80 % power";
    }
}

/// What every claim's evaluation reads: the plan, the jobs, and the noise study's curves of
/// the three pure networks with the primary endpoint's grid and options.
struct ClaimInputs {
    ClaimInputs(const ReproPlan& p, const std::vector<ReproJobResult>& j)
        : plan(p),
          jobs(j),
          lc(noiseCurves(j, p.noiseExperiment, NeuronKind::Lif)),
          bc(noiseCurves(j, p.noiseExperiment, NeuronKind::Binary)),
          mc(noiseCurves(j, p.noiseExperiment, NeuronKind::MultiState)),
          grid(endpointGrid(p.noise.sigmas)),
          o(endpointOptions(grid))
    {
        aucText = "the primary endpoint: chance-corrected area under accuracy vs sigma over " +
                  levelText(grid.empty() ? 0 : grid.front()) + ".." +
                  levelText(grid.empty() ? 0 : grid.back()) + " (" + std::to_string(grid.size()) +
                  " levels), x 100";
    }
    /// "LIF H500 T80 clean test accuracy": the noise study's network of `kind`, and `what`.
    std::string label(NeuronKind kind, const std::string& what) const
    {
        return netLabel(findJob(jobs, plan.noiseExperiment, kind), kind) + " " + what;
    }
    const ReproPlan& plan;
    const std::vector<ReproJobResult>& jobs;
    Curves lc, bc, mc;  ///< LIF, binary, multi-weight
    std::vector<double> grid;
    endpoint::Options o;
    std::string aucText;
};

const auto kL = NeuronKind::Lif, kB = NeuronKind::Binary, kM = NeuronKind::MultiState;
const std::string kAucUnits = "AUC points";
const std::string kPaperFamily = "the paper's claims";

void mwAboveBinaryH500(ClaimResult& c, const ClaimInputs& in)
{
    aboveClaim(c, bestValidation(in.jobs, "fig3b-H500", kM),
               bestValidation(in.jobs, "fig3b-H500", kB));
}

void noDifferenceH200(ClaimResult& c, const ClaimInputs& in)
{
    noDifferenceClaim(c, bestValidation(in.jobs, "fig3b-H200", kM),
                      bestValidation(in.jobs, "fig3b-H200", kB));
}

void mwAboveBinaryT120(ClaimResult& c, const ClaimInputs& in)
{
    aboveClaim(c, bestValidation(in.jobs, "fig3c", kM), bestValidation(in.jobs, "fig3c", kB));
}

void noDifferenceT40(ClaimResult& c, const ClaimInputs& in)
{
    noDifferenceClaim(c, bestValidation(in.jobs, "fig3d", kM),
                      bestValidation(in.jobs, "fig3d", kB));
}

void lifHighestClean(ClaimResult& c, const ClaimInputs& in)
{
    const auto clean = endpoint::Measure::accuracy(0);
    const auto l = measureGroup(in.label(kL, "clean test accuracy"), in.lc, clean, in.grid),
               b = measureGroup(in.label(kB, "clean test accuracy"), in.bc, clean, in.grid),
               m = measureGroup(in.label(kM, "clean test accuracy"), in.mc, clean, in.grid);
    c.groups = {l, b, m};
    c.measured = describe(l) + "; " + describe(b) + "; " + describe(m);
    endpointBothAbove(c, in.lc, in.bc, in.lc, in.mc, clean, in.o, "accuracy points", "LIF − binary",
                      "LIF − multi-weight");
}

void lifBelowUnderNoise(ClaimResult& c, const ClaimInputs& in)
{
    const auto auc = endpoint::Measure::auc();
    const auto l = measureGroup(in.label(kL, "chance-corrected AUC"), in.lc, auc, in.grid),
               b = measureGroup(in.label(kB, "chance-corrected AUC"), in.bc, auc, in.grid),
               m = measureGroup(in.label(kM, "chance-corrected AUC"), in.mc, auc, in.grid);
    c.groups = {l, b, m};
    c.measured = describe(l) + "; " + describe(b) + "; " + describe(m);
    double cross = std::nan("");
    c.measured += "; " + crossingText(in.lc, in.bc, in.mc, in.grid, in.o.seed, cross);
    c.test = "on " + in.aucText +
             ": binary − LIF and multi-weight − LIF both above 0 (intersection-union test; "
             "each two-sided, 95 % CI from the seed spread and the test images paired by "
             "image; the larger p decides)";
    endpointBothAbove(c, in.bc, in.lc, in.mc, in.lc, auc, in.o, kAucUnits, "binary − LIF",
                      "multi-weight − LIF");
}

void mwBelowBinaryUnderNoise(ClaimResult& c, const ClaimInputs& in)
{
    const auto auc = endpoint::Measure::auc();
    endpointAbove(c, in.bc, in.mc,
                  measureGroup(in.label(kB, "chance-corrected AUC"), in.bc, auc, in.grid),
                  measureGroup(in.label(kM, "chance-corrected AUC"), in.mc, auc, in.grid), auc,
                  in.o, kAucUnits);
    c.test = "on " + in.aucText + ": " + c.test;
}

void sigma3Chance(ClaimResult& c, const ClaimInputs& in)
{
    const auto &lc = in.lc, &bc = in.bc, &mc = in.mc;
    const auto& grid = in.grid;
    const auto& o = in.o;
    const double top = in.plan.noise.sigmas.empty() ? 3 : in.plan.noise.sigmas.back();
    const auto above = endpoint::Measure::aboveChance(top);
    const double chance = lc.empty() ? kBalancedChance : lc.front().chance;
    const std::string what = "accuracy above chance at sigma " + levelText(top);
    const auto l = measureGroup(in.label(kL, what), lc, above, grid),
               b = measureGroup(in.label(kB, what), bc, above, grid),
               m = measureGroup(in.label(kM, what), mc, above, grid);
    c.groups = {l, b, m};
    c.measured = describe(l) + "; " + describe(b) + "; " + describe(m) +
                 " (chance = the largest class share of the test images, " + pct(100 * chance, 2) +
                 " %)";
    constexpr double kNear = 0.02, kAbove = 0.05;
    c.test =
        "LIF within 2 points of chance (95 % CI of accuracy − chance below +2 points); each "
        "DW-MTJ network at least 5 points above chance (one-sided, margin 5 points, alpha "
        "0.05); DW-MTJ − LIF above 0 (two-sided); 95 % CIs from the seed spread and the test "
        "images";
    using endpoint::Hypothesis;
    const auto lifNear = endpoint::compareWith(lc, 0, above, Hypothesis::TwoSided, 0, o);
    const auto bAbove = endpoint::compareWith(bc, 0, above, Hypothesis::Superiority, kAbove, o),
               mAbove = endpoint::compareWith(mc, 0, above, Hypothesis::Superiority, kAbove, o);
    const auto bl = endpoint::compare(bc, lc, above, Hypothesis::TwoSided, 0, o),
               ml = endpoint::compare(mc, lc, above, Hypothesis::TwoSided, 0, o);
    const std::vector<const endpoint::Comparison*> all = {&lifNear, &bAbove, &mAbove, &bl, &ml};
    const bool testable =
        std::all_of(all.begin(), all.end(), [](const auto* x) { return x->valid(); });
    auto ci = [](const endpoint::Comparison& x) {
        return pct(100 * x.difference, 1) + " [" + pct(100 * x.low, 1) + ", " +
               pct(100 * x.high, 1) + "]";
    };
    if (allAtChance({&lc, &bc, &mc}, top, grid)) {
        setEstimate(c, bl, "accuracy points");
        c.verdict = kInconclusive;
        c.reason = std::string(kNoInformation) +
                   " (every network's chance-corrected accuracy at sigma " + levelText(top) +
                   " is below " + pct(kAtChance, 2) + ")";
        return;
    }
    if (!testable) {
        c.verdict = kInconclusive;
        c.reason = "no test possible: fewer than one network per kind or no variation";
        return;
    }
    const bool lifNearShown = lifNear.high<kNear, lifFar = lifNear.low> kNear;
    const bool dwmtjShown = bAbove.p < kAlpha && mAbove.p < kAlpha && bl.low > 0 && ml.low > 0;
    const bool dwmtjFails =
        bAbove.high < kAbove || mAbove.high < kAbove || bl.high < 0 || ml.high < 0;
    // The deciding comparison: the weakest of those that must all hold.
    const endpoint::Comparison* decide = &bl;
    for (const auto* x : {&bAbove, &mAbove, &bl, &ml})
        if (x->p > decide->p) decide = x;
    setEstimate(c, *decide, "accuracy points");
    const std::string numbers = "LIF − chance " + ci(lifNear) + ", binary − chance " + ci(bAbove) +
                                ", multi-weight − chance " + ci(mAbove) + ", binary − LIF " +
                                ci(bl) + ", multi-weight − LIF " + ci(ml) + " points";
    if (lifNearShown && dwmtjShown) {
        c.verdict = kReproduced;
        c.reason = "all hold: " + numbers;
    } else if (lifFar || dwmtjFails) {
        c.verdict = kNotReproduced;
        c.reason = std::string(lifFar ? "LIF is more than 2 points above chance"
                                      : "a DW-MTJ network is shown below the claim") +
                   ": " + numbers;
    } else {
        c.verdict = kInconclusive;
        c.reason = "not all shown: " + numbers + "; " + cannotTell(c);
    }
}

void energyPerSample(ClaimResult& c, const ClaimInputs&)
{
    const double pj = sampleEnergy(EnergyParameters{}).energyJ * 1e12;
    c.groups = {group("energy per sample at the paper's parameters [pJ]", {pj})};
    c.measured =
        pct(pj) + " pJ per sample (" + pct(100 * (pj - 44.9) / 44.9, 1) + " % from 44.9 pJ)";
    c.test = "none (a computed value); agreement within 5 %";
    c.verdict = std::fabs(pj - 44.9) / 44.9 <= 0.05 ? kReproduced : kNotReproduced;
    c.reason =
        "the same formula and parameters as the paper (which rounds the track voltage "
        "0.6385 V to 0.64 V, giving 44.9 pJ)";
}

/// A claim: what it says and needs (ClaimSpec) and how it is decided.
struct ClaimEntry {
    ClaimSpec spec;
    void (*evaluate)(ClaimResult&, const ClaimInputs&);
};

/// Every claim, one entry each, in report order (docs/extending.md, "A claim").
const std::vector<ClaimEntry>& claimTable()
{
    static const std::vector<ClaimEntry> table = {
        {{"mw-above-binary-H500-T80",
          "Fig. 3b: with 500 hidden units (T 80) the multi-weight DW-MTJ network slightly "
          "outperforms the binary one",
          "3b",
          kPaperFamily,
          {{"fig3b-H500", {kM, kB}}}},
         mwAboveBinaryH500},
        {{"no-difference-H200",
          "Fig. 3b: with 200 hidden units there is no significant difference between "
          "multi-weight and binary",
          "3b",
          kPaperFamily,
          {{"fig3b-H200", {kM, kB}}}},
         noDifferenceH200},
        {{"mw-above-binary-T120",
          "Fig. 3c: at 120 time steps (H 500) the multi-weight network slightly outperforms the "
          "binary one",
          "3c",
          kPaperFamily,
          {{"fig3c", {kM, kB}}}},
         mwAboveBinaryT120},
        {{"no-difference-T40",
          "Fig. 3d: at 40 time steps both DW-MTJ networks reach similar validation accuracy",
          "3d",
          kPaperFamily,
          {{"fig3d", {kM, kB}}}},
         noDifferenceT40},
        {{"lif-highest-clean",
          "Fig. 4b: the LIF network has the highest accuracy on clean test data",
          "4b",
          kPaperFamily,
          {{"", {kL, kB, kM}}}},
         lifHighestClean},
        {{"lif-below-dwmtj-under-noise",
          "Fig. 4b: as noise grows, LIF falls below both DW-MTJ networks (the paper sees the "
          "cross near sigma 0.7)",
          "4b",
          kPaperFamily,
          {{"", {kL, kB, kM}}}},
         lifBelowUnderNoise},
        {{"mw-below-binary-under-noise",
          "Fig. 4b: under the same noise the multi-weight network falls below the binary one",
          "4b",
          kPaperFamily,
          {{"", {kB, kM}}}},
         mwBelowBinaryUnderNoise},
        {{"sigma3-chance",
          "Fig. 4b: at sigma 3 LIF is near chance while both DW-MTJ networks stay above "
          "chance",
          "4b",
          kPaperFamily,
          {{"", {kL, kB, kM}}}},
         sigma3Chance},
        {{"energy-per-sample",
          "Energy per DW-MTJ sample about 44.9 pJ (1.8 V pulse, R2 1029 ohm, R4 365 ohm, 30 ns "
          "+ 10 ns)",
          "",
          "",
          {}},
         energyPerSample},
    };
    return table;
}

}  // namespace

const char* toString(Verdict v)
{
    switch (v) {
        case Verdict::Reproduced:
            return "reproduced";
        case Verdict::NotReproduced:
            return "not reproduced";
        case Verdict::Inconclusive:
            return "inconclusive at this scale";
    }
    return "?";
}

const std::vector<ClaimSpec>& claimSpecs()
{
    static const std::vector<ClaimSpec> specs = [] {
        std::vector<ClaimSpec> out;
        for (const auto& e : claimTable()) out.push_back(e.spec);
        return out;
    }();
    return specs;
}

std::vector<ClaimResult> evaluateClaims(const ReproPlan& plan,
                                        const std::vector<ReproJobResult>& jobs)
{
    const ClaimInputs inputs(plan, jobs);
    std::vector<ClaimResult> out;
    std::map<std::string, std::vector<size_t>> families;
    for (const auto& e : claimTable()) {
        if (!plan.claims.empty() &&
            std::find(plan.claims.begin(), plan.claims.end(), e.spec.id) == plan.claims.end())
            continue;
        ClaimResult c;
        c.id = e.spec.id;
        c.claim = e.spec.claim;
        e.evaluate(c, inputs);
        if (!e.spec.family.empty()) families[e.spec.family].push_back(out.size());
        out.push_back(std::move(c));
    }
    // Each family Holm-adjusted (the paper's claims; the energy value has no test).
    for (const auto& [name, members] : families) {
        std::vector<ClaimResult*> family;
        for (size_t i : members) family.push_back(&out[i]);
        adjustFamily(family, name, Adjustment::Holm);
    }
    return out;
}

}  // namespace dwmtj::core

// The statistical tests behind the claims (shared by the reproduction and the study).
#include "claim_tests.h"

#include <cmath>
#include <random>
#include <sstream>

namespace dwmtj::core::claimtest {

std::string pct(double v, int decimals)
{
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(decimals);
    s << v;
    return s.str();
}

std::string pText(double p)
{
    if (!std::isfinite(p)) return "n/a";
    std::ostringstream s;
    if (p < 1e-4)
        s << "p < 0.0001";
    else {
        s.precision(3);
        s << "p = " << p;
    }
    return s.str();
}

GroupValues group(std::string label, std::vector<double> values)
{
    GroupValues g;
    g.label = std::move(label);
    g.values = std::move(values);
    const auto s = stats::summarize(g.values);
    g.n = s.n;
    if (s.n > 0) g.mean = s.mean;
    g.sd = s.sd;
    return g;
}

std::string describe(const GroupValues& g)
{
    if (g.n == 0) return g.label + ": no runs";
    return g.label + " " + pct(g.mean) + " ± " + pct(g.sd) + " % (n = " + std::to_string(g.n) + ")";
}

/// The common start of a two-group claim: groups, description, the Welch test. Returns
/// false (verdict inconclusive) when the test cannot be computed.
bool compareTwo(ClaimResult& c, const GroupValues& a, const GroupValues& b, stats::TTest& t)
{
    c.groups = {a, b};
    c.measured = describe(a) + "; " + describe(b);
    c.test = "Welch t-test (two-sided), alpha 0.05";
    t = stats::welchTTest(a.values, b.values);
    if (!t.valid) {
        c.verdict = kInconclusive;
        c.reason = "fewer than 2 runs per group (or no spread): no test possible";
        return false;
    }
    c.statistic = t.t;
    c.pValue = t.p;
    const double se = std::sqrt(a.sd * a.sd / a.n + b.sd * b.sd / b.n);
    setInterval(c, a.mean - b.mean, se, t.df, endpoint::Hypothesis::TwoSided, 0);
    return true;
}

/// "a above b" as a two-sided Welch test: reproduced / not reproduced / inconclusive.
void aboveClaim(ClaimResult& c, const GroupValues& a, const GroupValues& b)
{
    stats::TTest t;
    if (!compareTwo(c, a, b, t)) return;
    if (t.p < kAlpha) {
        c.verdict = a.mean > b.mean ? kReproduced : kNotReproduced;
        c.reason =
            a.mean > b.mean
                ? "the difference is in the paper's direction and significant (" + pText(t.p) + ")"
                : "significant difference in the opposite direction (" + pText(t.p) + ")";
    } else {
        c.verdict = kInconclusive;
        c.reason =
            "difference " + pct(a.mean - b.mean) + " points, not significant (" + pText(t.p) + ")";
    }
}

/// Both pairs must show first > second significantly (reproduced); a significant reversal
/// in either contradicts the claim (not reproduced; that test is shown); else inconclusive.
/// The caller sets the groups, the measured text and the test description.
void bothAboveClaim(ClaimResult& cl, const GroupValues& hi1, const GroupValues& lo1,
                    const GroupValues& hi2, const GroupValues& lo2)
{
    const auto t1 = stats::welchTTest(hi1.values, lo1.values),
               t2 = stats::welchTTest(hi2.values, lo2.values);
    if (!t1.valid || !t2.valid) {
        cl.verdict = kInconclusive;
        cl.reason = "fewer than 2 runs per group (or no spread): no test possible";
        return;
    }
    // Shown: the larger p when both tests must pass; the deciding test when one contradicts.
    cl.statistic = t1.p >= t2.p ? t1.t : t2.t;
    cl.pValue = std::max(t1.p, t2.p);
    const bool held1 = t1.p < kAlpha && hi1.mean > lo1.mean,
               held2 = t2.p < kAlpha && hi2.mean > lo2.mean;
    const bool reversed1 = t1.p < kAlpha && hi1.mean < lo1.mean,
               reversed2 = t2.p < kAlpha && hi2.mean < lo2.mean;
    if (held1 && held2) {
        cl.verdict = kReproduced;
        cl.reason = "significant in both comparisons (" + pText(t1.p) + ", " + pText(t2.p) + ")";
    } else if (reversed1 || reversed2) {
        cl.verdict = kNotReproduced;
        cl.statistic = reversed1 ? t1.t : t2.t;
        cl.pValue = reversed1 ? t1.p : t2.p;
        cl.reason = (reversed1 ? lo1.label : lo2.label) + " significantly above " +
                    (reversed1 ? hi1.label : hi2.label) + " (" + pText(cl.pValue) + ")";
    } else {
        cl.verdict = kInconclusive;
        cl.reason =
            "not significant in both comparisons (" + pText(t1.p) + ", " + pText(t2.p) + ")";
    }
}

const ReproJobResult* findJob(const std::vector<ReproJobResult>& jobs,
                              const std::string& experiment, NeuronKind kind)
{
    for (const auto& j : jobs)
        if (j.job.experiment == experiment && !j.job.config.hybrid() &&
            paperRole(j.job.config.neuron) == paperRole(kind))
            return &j;
    return nullptr;
}

void keepsLevelVerdict(ClaimResult& c, const stats::TTest& ni, const stats::TTest& t, double mean,
                       const std::string& test)
{
    const std::string diff = "difference " + pct(mean) + " points";
    if (ni.valid && ni.p < kAlpha) {
        c.verdict = kReproduced;
        c.statistic = ni.t;
        c.pValue = ni.p;
        c.reason =
            diff + ": at most " + pct(kEquivalenceMargin, 1) + " point below (" + pText(ni.p) + ")";
    } else if (t.p < kAlpha && mean < 0) {
        c.verdict = kNotReproduced;
        c.reason = diff + ": significantly below (" + test + " " + pText(t.p) + ")";
    } else {
        c.verdict = kInconclusive;
        c.statistic = ni.valid ? ni.t : t.t;
        c.pValue = ni.valid ? ni.p : t.p;
        c.reason = diff + ": neither within " + pct(kEquivalenceMargin, 1) + " point (" +
                   pText(ni.p) + ") nor significantly below (" + test + " " + pText(t.p) + ")";
    }
}

void keepsLevelClaim(ClaimResult& c, const GroupValues& a, const GroupValues& b)
{
    stats::TTest t;
    if (!compareTwo(c, a, b, t)) return;
    const auto ni = stats::nonInferiorityTest(a.values, b.values, kEquivalenceMargin);
    c.test = "non-inferiority within " + pct(kEquivalenceMargin, 1) +
             " point (one-sided Welch), alpha 0.05; if not shown, Welch t-test (two-sided) for "
             "a shortfall";
    setInterval(c, a.mean - b.mean, std::sqrt(a.sd * a.sd / a.n + b.sd * b.sd / b.n), t.df,
                endpoint::Hypothesis::NonInferiority, kEquivalenceMargin);
    keepsLevelVerdict(c, ni, t, a.mean - b.mean, "Welch");
}

GroupValues measureGroup(std::string label, const Curves& curves, const endpoint::Measure& m,
                         const std::vector<double>& grid, double scale)
{
    std::vector<double> v;
    for (const auto& c : curves) {
        const double x = endpoint::evaluate(c, m, grid);
        if (std::isfinite(x)) v.push_back(scale * x);
    }
    return group(std::move(label), std::move(v));
}

void setEstimate(ClaimResult& c, const endpoint::Comparison& cmp, const std::string& units,
                 double scale)
{
    c.units = units;
    c.difference = scale * cmp.difference;
    c.ciLow = scale * cmp.low;
    c.ciHigh = scale * cmp.high;
    c.margin = scale * cmp.margin;
    c.minDetectable = scale * cmp.minDetectable;
    c.statistic = cmp.se > 0 ? (cmp.difference - 0) / cmp.se : std::nan("");
    c.pValue = cmp.p;
}

void setInterval(ClaimResult& c, double difference, double se, double df, endpoint::Hypothesis h,
                 double margin)
{
    const auto cmp = endpoint::decide(difference, se, df, h, margin);
    const double p = c.pValue, t = c.statistic;
    setEstimate(c, cmp, "accuracy points", 1);
    c.difference = difference;
    c.pValue = p;
    c.statistic = t;
}

std::string cannotTell(const ClaimResult& c)
{
    if (!std::isfinite(c.minDetectable)) return "no test possible";
    return "cannot tell differences smaller than " + pct(c.minDetectable, 1) + " " + c.units +
           " (80 % power)";
}

namespace {
std::string interval(const ClaimResult& c)
{
    return pct(c.difference, 1) + " " + c.units + " [95 % CI " + pct(c.ciLow, 1) + ", " +
           pct(c.ciHigh, 1) + "]";
}
}  // namespace

void endpointAbove(ClaimResult& c, const Curves& a, const Curves& b, const GroupValues& ga,
                   const GroupValues& gb, const endpoint::Measure& m, const endpoint::Options& o,
                   const std::string& units)
{
    c.groups = {ga, gb};
    c.measured = describe(ga) + "; " + describe(gb);
    c.test =
        "difference of means, 95 % CI from the seed spread (Welch) and a bootstrap over the test "
        "images paired by image; two-sided, alpha 0.05";
    const auto cmp = endpoint::compare(a, b, m, endpoint::Hypothesis::TwoSided, 0, o);
    setEstimate(c, cmp, units);
    if (!cmp.valid()) {
        c.verdict = kInconclusive;
        c.reason = "no test possible: " + (cmp.note.empty() ? "no variation" : cmp.note);
        return;
    }
    if (cmp.p < kAlpha) {
        c.verdict = cmp.difference > 0 ? kReproduced : kNotReproduced;
        c.reason =
            interval(c) +
            (cmp.difference > 0 ? ": in the claim's direction (" : ": opposite to the claim (") +
            pText(cmp.p) + ")";
    } else {
        c.verdict = kInconclusive;
        c.reason = interval(c) + ", not significant (" + pText(cmp.p) + "): " + cannotTell(c);
    }
    if (!cmp.note.empty()) c.reason += " [" + cmp.note + "]";
}

void endpointBothAbove(ClaimResult& c, const Curves& hi1, const Curves& lo1, const Curves& hi2,
                       const Curves& lo2, const endpoint::Measure& m, const endpoint::Options& o,
                       const std::string& units, const std::string& name1, const std::string& name2)
{
    const auto c1 = endpoint::compare(hi1, lo1, m, endpoint::Hypothesis::TwoSided, 0, o),
               c2 = endpoint::compare(hi2, lo2, m, endpoint::Hypothesis::TwoSided, 0, o);
    if (c.test.empty())
        c.test =
            "both differences of means above 0 (intersection-union test: each two-sided, 95 % CI "
            "from the seed spread and the test images paired by image; the larger p decides)";
    if (!c1.valid() || !c2.valid()) {
        setEstimate(c, c1.valid() ? c2 : c1, units);
        c.verdict = kInconclusive;
        c.reason = "no test possible: " + (!c1.valid() ? c1.note : c2.note);
        return;
    }
    // Shown: the deciding comparison (the larger p, or the reversed one).
    const bool held1 = c1.p < kAlpha && c1.difference > 0,
               held2 = c2.p < kAlpha && c2.difference > 0;
    const bool rev1 = c1.p < kAlpha && c1.difference < 0, rev2 = c2.p < kAlpha && c2.difference < 0;
    const auto& shown = rev1 ? c1 : rev2 ? c2 : (c1.p >= c2.p ? c1 : c2);
    setEstimate(c, shown, units);
    auto text = [&](const endpoint::Comparison& x, const std::string& name) {
        return name + " " + pct(100 * x.difference, 1) + " [" + pct(100 * x.low, 1) + ", " +
               pct(100 * x.high, 1) + "] (" + pText(x.p) + ")";
    };
    const std::string both = text(c1, name1) + "; " + text(c2, name2);
    if (held1 && held2) {
        c.verdict = kReproduced;
        c.reason = "both above 0: " + both;
    } else if (rev1 || rev2) {
        c.verdict = kNotReproduced;
        c.reason = "significantly reversed: " + both;
    } else {
        c.verdict = kInconclusive;
        c.reason = "not both significant: " + both + "; " + cannotTell(c);
    }
}

/// The level from which the mean accuracy of `low` stays below the means of both `high1` and
/// `high2` (each mean curve fitted monotone first), interpolated between grid levels; NaN
/// when it never does. `pick` resamples each group's networks (a bootstrap replicate).
double crossingLevel(const Curves& low, const Curves& high1, const Curves& high2,
                     const std::vector<double>& grid, std::mt19937_64* pick)
{
    if (low.empty() || high1.empty() || high2.empty() || grid.empty()) return std::nan("");
    auto meanCurve = [&](const Curves& g) {
        std::vector<double> m(grid.size(), 0.0);
        for (size_t k = 0; k < g.size(); ++k) {
            const auto& c =
                pick ? g[std::uniform_int_distribution<size_t>(0, g.size() - 1)(*pick)] : g[k];
            for (size_t l = 0; l < grid.size(); ++l)
                m[l] += endpoint::accuracyAt(c.level, c.accuracy, grid[l]) / double(g.size());
        }
        return endpoint::isotonicDecreasing(m);
    };
    const auto l = meanCurve(low), a = meanCurve(high1), b = meanCurve(high2);
    std::vector<double> gap(grid.size());  // > 0: low below both
    for (size_t k = 0; k < grid.size(); ++k) gap[k] = std::min(a[k], b[k]) - l[k];
    size_t from = grid.size();
    while (from > 0 && gap[from - 1] > 0) --from;
    if (from == grid.size()) return std::nan("");
    if (from == 0) return grid[0];
    // Between grid[from-1] (gap <= 0) and grid[from] (gap > 0).
    const double g0 = gap[from - 1], g1 = gap[from];
    return grid[from - 1] + (0 - g0) / (g1 - g0) * (grid[from] - grid[from - 1]);
}

std::string crossingText(const Curves& low, const Curves& high1, const Curves& high2,
                         const std::vector<double>& grid, uint64_t seed, double& point)
{
    point = crossingLevel(low, high1, high2, grid, nullptr);
    if (std::isnan(point))
        return "the fitted LIF mean curve does not stay below both DW-MTJ curves";
    std::string text =
        "the fitted LIF mean curve is below both DW-MTJ curves from sigma " + pct(point, 2);
    std::vector<double> boot;
    std::mt19937_64 rng(seed);
    int never = 0;
    const int reps = 1000;
    for (int k = 0; k < reps; ++k) {
        const double x = crossingLevel(low, high1, high2, grid, &rng);
        if (std::isnan(x))
            ++never;
        else
            boot.push_back(x);
    }
    if (boot.size() < 20) return text;
    const double lo = stats::quantile(boot, 0.025), hi = stats::quantile(boot, 0.975);
    return text + " (95 % CI over the networks " + pct(lo, 2) + ".." + pct(hi, 2) +
           (never ? ", no crossing in " + pct(100.0 * never / reps, 1) + " % of resamples" : "") +
           "; the paper's 0.7 is " + (lo <= 0.7 && 0.7 <= hi ? "inside" : "outside") + " it)";
}

bool allAtChance(const std::vector<const Curves*>& groups, double level,
                 const std::vector<double>& grid)
{
    bool any = false;
    for (const auto* g : groups)
        for (const auto& c : *g) {
            const double a = endpoint::evaluate(c, endpoint::Measure::chanceCorrected(level), grid);
            if (!(a < kAtChance)) return false;
            any = true;
        }
    return any;
}

}  // namespace dwmtj::core::claimtest

namespace dwmtj::core {

void adjustForLooks(std::vector<ClaimResult>& claims, int looks)
{
    if (looks <= 1) return;
    for (auto& c : claims) {
        if (!std::isfinite(c.pAdjusted)) continue;
        const bool wasSignificant = c.pAdjusted < claimtest::kAlpha;
        c.pAdjusted = std::min(1.0, c.pAdjusted * looks);
        c.adjustment += " x " + std::to_string(looks) + " looks";
        if (c.verdict != Verdict::Inconclusive && wasSignificant &&
            !(c.pAdjusted < claimtest::kAlpha)) {
            c.verdict = Verdict::Inconclusive;
            c.reason += "; not significant over " + std::to_string(looks) +
                        " looks (seeds added until decided; adjusted " +
                        claimtest::pText(c.pAdjusted) + ")";
        }
    }
}

void adjustFamily(const std::vector<ClaimResult*>& family, const std::string& name,
                  Adjustment method)
{
    std::vector<double> p;
    for (const auto* c : family) p.push_back(c->pValue);
    const auto adj =
        method == Adjustment::Holm ? endpoint::holm(p) : endpoint::benjaminiHochberg(p);
    const char* how = method == Adjustment::Holm ? "Holm" : "Benjamini-Hochberg";
    for (size_t k = 0; k < family.size(); ++k) {
        ClaimResult& c = *family[k];
        c.family = name;
        c.adjustment = how;
        c.pAdjusted = adj[k];
        if (c.verdict != Verdict::Inconclusive && std::isfinite(c.pValue) &&
            c.pValue < claimtest::kAlpha && !(adj[k] < claimtest::kAlpha)) {
            c.verdict = Verdict::Inconclusive;
            c.reason += "; not significant after " + std::string(how) + " adjustment within " +
                        name + " (adjusted " + claimtest::pText(adj[k]) + ")";
        }
    }
}

}  // namespace dwmtj::core

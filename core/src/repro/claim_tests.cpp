// The statistical tests behind the claims (shared by the reproduction and the study).
#include "claim_tests.h"

#include <cmath>
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
        if (j.job.experiment == experiment && !j.job.config.hybrid() && j.job.config.neuron == kind)
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
    keepsLevelVerdict(c, ni, t, a.mean - b.mean, "Welch");
}

}  // namespace dwmtj::core::claimtest

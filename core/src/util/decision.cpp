// Decisions on an estimate: the t reference, p-values, intervals, power and the minimum
// detectable effect; McNemar; Holm and Benjamini-Hochberg (dwmtj/endpoint.h).
#include <algorithm>
#include <cmath>
#include <vector>

#include "dwmtj/endpoint.h"
#include "dwmtj/stats.h"
#include "t_reference.h"

namespace dwmtj::core::endpoint {
namespace detail {

/// E[f(S)], S = sqrt(W) and W ~ chi2(nu) / nu the relative error of the estimated variance,
/// by Simpson's rule over u = sqrt(nu W), whose density is
/// 2 u^(nu-1) exp(-u^2/2) / (2^(nu/2) Gamma(nu/2)) (finite at 0 for nu >= 1).
template <class F>
double expectOverS(const Reference& ref, F f)
{
    const double nu = ref.nu;
    // u has mean about sqrt(nu) and sd below 1: +-15 around it holds all but ~1e-40 of it.
    const double uLo = std::max(0.0, std::sqrt(nu) - 15), uHi = std::sqrt(nu) + 15;
    const int n = 600;
    const double h = (uHi - uLo) / n, logNorm = (nu / 2) * std::log(2.0) + std::lgamma(nu / 2);
    double sum = 0;
    for (int k = 0; k <= n; ++k) {
        const double u = uLo + k * h;
        const double dens = u > 0 ? 2 * std::exp((nu - 1) * std::log(u) - u * u / 2 - logNorm)
                                  : (nu == 1 ? 2 * std::exp(-logNorm) : 0);
        const double w = (k == 0 || k == n) ? 1 : (k % 2 ? 4 : 2);
        sum += w * dens * f(u / std::sqrt(nu));
    }
    return sum * h / 3;
}

double survival(double t, const Reference& ref)
{
    return ref.normal() ? stats::normalCdf(-t) : stats::studentTSurvival(t, ref.nu);
}

double quantile(double p, const Reference& ref)
{
    return ref.normal() ? stats::normalQuantile(p) : stats::studentTQuantile(p, ref.nu);
}

double powerOf(double delta, const Reference& ref, double alpha, bool twoSided)
{
    const double c = quantile(1 - (twoSided ? alpha / 2 : alpha), ref);
    auto given = [&](double sd) {  // power given the estimated se = sd x the true se
        double p = stats::normalCdf(delta - c * sd);
        if (twoSided) p += stats::normalCdf(-c * sd - delta);
        return p;
    };
    return ref.normal() ? given(1) : expectOverS(ref, given);
}

double deltaFor(const Reference& ref, double alpha, double target, bool twoSided)
{
    // Studies repeat the same few references: remember the last answers.
    struct Key {
        double nu, alpha, target;
        bool twoSided;
        double delta;
    };
    thread_local std::vector<Key> recent;
    for (const auto& k : recent)
        if (k.nu == ref.nu && k.alpha == alpha && k.target == target && k.twoSided == twoSided)
            return k.delta;
    double lo = 0, hi = 1;
    while (powerOf(hi, ref, alpha, twoSided) < target && hi < 1e3) hi *= 2;
    for (int i = 0; i < 40; ++i) {
        const double mid = (lo + hi) / 2;
        (powerOf(mid, ref, alpha, twoSided) < target ? lo : hi) = mid;
    }
    if (recent.size() >= 64) recent.erase(recent.begin());
    recent.push_back({ref.nu, alpha, target, twoSided, hi});
    return hi;
}

}  // namespace detail

using namespace detail;

const char* toString(Hypothesis h)
{
    switch (h) {
        case Hypothesis::TwoSided:
            return "two-sided";
        case Hypothesis::Superiority:
            return "superiority";
        case Hypothesis::NonInferiority:
            return "non-inferiority";
        case Hypothesis::Equivalence:
            return "equivalence";
    }
    return "?";
}

double power(double delta, double df, double alpha, bool twoSided)
{
    return powerOf(delta, {df}, alpha, twoSided);
}

double detectableDelta(double df, double alpha, double target, bool twoSided)
{
    return deltaFor({df}, alpha, target, twoSided);
}

Comparison decide(double difference, double se, double df, Hypothesis h, double margin,
                  double alpha)
{
    Comparison c;
    c.hypothesis = h;
    c.difference = difference;
    c.se = se;
    c.df = df;
    c.margin = margin;
    if (!(se > 0) || !std::isfinite(difference)) return c;
    const Reference ref{df};
    auto tSurvival = [&](double t, double) { return survival(t, ref); };
    auto detectableDelta = [&](double, double a, double target, bool two) {
        return deltaFor(ref, a, target, two);
    };
    const double q = quantile(1 - alpha / 2, ref);
    c.low = difference - q * se;
    c.high = difference + q * se;
    switch (h) {
        case Hypothesis::TwoSided:
            c.p = std::min(1.0, 2 * tSurvival(std::fabs(difference) / se, df));
            c.minDetectable = detectableDelta(df, alpha, 0.8, true) * se;
            break;
        case Hypothesis::Superiority:
            c.p = tSurvival((difference - margin) / se, df);
            c.minDetectable = margin + detectableDelta(df, alpha, 0.8, false) * se;
            break;
        case Hypothesis::NonInferiority:
            c.p = tSurvival((difference + margin) / se, df);
            c.minDetectable = detectableDelta(df, alpha, 0.8, false) * se - margin;
            break;
        case Hypothesis::Equivalence:
            // Two one-sided tests; 80 % power at a true difference 0 needs each at about 90 %.
            c.p = std::max(tSurvival((difference + margin) / se, df),
                           tSurvival((margin - difference) / se, df));
            c.minDetectable = detectableDelta(df, alpha, 0.9, false) * se;
            break;
    }
    return c;
}

McNemar mcnemarExact(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b)
{
    McNemar m;
    if (a.size() != b.size() || a.empty()) return m;
    for (size_t i = 0; i < a.size(); ++i) {
        m.onlyA += a[i] && !b[i];
        m.onlyB += b[i] && !a[i];
    }
    const int n = m.onlyA + m.onlyB, k = std::min(m.onlyA, m.onlyB);
    if (n == 0) {
        m.p = 1;
        return m;
    }
    // P(X <= k), X ~ Binomial(n, 1/2), as I_{1/2}(n - k, k + 1); k = n/2 covers everything.
    const double tail = k >= n - k ? 0.5 : stats::regularizedBeta(n - k, k + 1, 0.5);
    m.p = std::min(1.0, 2 * tail);
    return m;
}

namespace {
/// The indices of the finite p-values, smallest p first (NaN p-values are not in the family).
std::vector<size_t> ascending(const std::vector<double>& p)
{
    std::vector<size_t> order;
    for (size_t i = 0; i < p.size(); ++i)
        if (std::isfinite(p[i])) order.push_back(i);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
    return order;
}
}  // namespace

std::vector<double> holm(const std::vector<double>& p)
{
    const auto order = ascending(p);
    std::vector<double> out(p.size(), kNaN);
    const size_t m = order.size();
    double running = 0;
    for (size_t k = 0; k < m; ++k) {
        running = std::max(running, std::min(1.0, double(m - k) * p[order[k]]));
        out[order[k]] = running;
    }
    return out;
}

std::vector<double> benjaminiHochberg(const std::vector<double>& p)
{
    const auto order = ascending(p);
    std::vector<double> out(p.size(), kNaN);
    const size_t m = order.size();
    double running = 1;
    for (size_t k = m; k-- > 0;) {
        running = std::min(running, double(m) * p[order[k]] / double(k + 1));
        out[order[k]] = std::min(1.0, running);
    }
    return out;
}

}  // namespace dwmtj::core::endpoint

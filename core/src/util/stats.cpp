#include "dwmtj/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace dwmtj::core::stats {

double logistic(double x)
{
    if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
    const double e = std::exp(x);
    return e / (1.0 + e);
}

double normalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Acklam's rational approximation refined by one Halley step (|error| < 1e-15).
double normalQuantile(double p)
{
    if (!(p > 0 && p < 1)) throw std::domain_error("normalQuantile: p must be in (0,1)");
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    const double plow = 0.02425;
    double x;
    if (p < plow) {
        const double q = std::sqrt(-2 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - plow) {
        const double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        const double q = std::sqrt(-2 * std::log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const double e = normalCdf(x) - p;
    const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

namespace {
// Series for P(a, x); valid and accurate for x < a + 1.
double gammaSeries(double a, double x)
{
    double ap = a, sum = 1.0 / a, del = sum;
    for (int n = 0; n < 10000; ++n) {
        ap += 1;
        del *= x / ap;
        sum += del;
        if (std::fabs(del) < std::fabs(sum) * 1e-16) break;
    }
    return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

// Continued fraction for Q(a, x) (modified Lentz); valid and accurate for x >= a + 1.
double gammaContinuedFraction(double a, double x)
{
    const double tiny = 1e-300;
    double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 10000; ++i) {
        const double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (std::fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (std::fabs(c) < tiny) c = tiny;
        d = 1 / d;
        const double del = d * c;
        h *= del;
        if (std::fabs(del - 1) < 1e-16) break;
    }
    return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}
}  // namespace

// Each tail is computed directly where it is the small one, so neither suffers 1 - P
// cancellation (chi^2 = 80 on 1 d.o.f. gives 3.7e-19, not 0).
double regularizedGammaP(double a, double x)
{
    if (x <= 0) return 0;
    return x < a + 1 ? gammaSeries(a, x) : 1.0 - gammaContinuedFraction(a, x);
}

double regularizedGammaQ(double a, double x)
{
    if (x <= 0) return 1;
    return x < a + 1 ? 1.0 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

double chiSquareSurvival(double x, int df)
{
    if (df <= 0) return std::numeric_limits<double>::quiet_NaN();
    if (x <= 0) return 1.0;
    return regularizedGammaQ(df / 2.0, x / 2.0);
}

}  // namespace dwmtj::core::stats

namespace dwmtj::core::stats {

namespace {
// Continued fraction for the incomplete beta function (modified Lentz).
double betaContinuedFraction(double a, double b, double x)
{
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (std::fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m < 10000; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + aa * d;
        if (std::fabs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (std::fabs(c) < tiny) c = tiny;
        d = 1 / d;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + aa * d;
        if (std::fabs(d) < tiny) d = tiny;
        c = 1 + aa / c;
        if (std::fabs(c) < tiny) c = tiny;
        d = 1 / d;
        const double del = d * c;
        h *= del;
        if (std::fabs(del - 1) < 1e-16) break;
    }
    return h;
}
}  // namespace

double regularizedBeta(double a, double b, double x)
{
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    const double lbt =
        std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
    if (x < (a + 1) / (a + b + 2)) return std::exp(lbt) * betaContinuedFraction(a, b, x) / a;
    return 1 - std::exp(lbt) * betaContinuedFraction(b, a, 1 - x) / b;
}

double studentTCdf(double t, double df) { return studentTSurvival(-t, df); }

double studentTSurvival(double t, double df)
{
    // The tail beyond |t| is I_x(df/2, 1/2) / 2 with x = df / (df + t^2), computed directly.
    const double x = df / (df + t * t);
    const double tail = 0.5 * regularizedBeta(df / 2, 0.5, x);
    return t > 0 ? tail : 1 - tail;
}

double studentTQuantile(double p, double df)
{
    if (!(p > 0 && p < 1)) throw std::domain_error("studentTQuantile: p must be in (0,1)");
    if (!(df > 0)) throw std::domain_error("studentTQuantile: df must be positive");
    if (df == 1) return std::tan(M_PI * (p - 0.5));  // Cauchy
    if (df == 2) return (2 * p - 1) / std::sqrt(2 * p * (1 - p));
    if (p == 0.5) return 0;
    // Bracket by doubling (heavy tails at small df reach far), then bisect on the tail that
    // is small, so that extreme p keep full relative precision.
    const bool upper = p > 0.5;
    const double tailP = upper ? 1 - p : p;
    double lo = 0, hi = 1;
    while (studentTSurvival(hi, df) > tailP && hi < 1e300) lo = hi, hi *= 2;
    for (int i = 0; i < 300 && hi - lo > 1e-15 * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        (studentTSurvival(mid, df) > tailP ? lo : hi) = mid;
    }
    const double q = 0.5 * (lo + hi);
    return upper ? q : -q;
}

Summary summarize(const std::vector<double>& values)
{
    Summary s;
    s.n = int(values.size());
    if (s.n == 0) return s;
    for (double v : values) s.mean += v;
    s.mean /= s.n;
    double ss = 0;
    for (double v : values) ss += (v - s.mean) * (v - s.mean);
    s.sd = s.n > 1 ? std::sqrt(ss / (s.n - 1)) : 0.0;
    return s;
}

double quantile(std::vector<double> values, double p)
{
    if (values.empty() || !(p >= 0 && p <= 1)) return std::nan("");
    std::sort(values.begin(), values.end());
    const double h = p * double(values.size() - 1);
    const size_t lo = size_t(std::floor(h));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (h - double(lo)) * (values[hi] - values[lo]);
}

TTest welchTTest(const std::vector<double>& a, const std::vector<double>& b)
{
    TTest r;
    const Summary sa = summarize(a), sb = summarize(b);
    if (sa.n < 2 || sb.n < 2) return r;
    const double va = sa.sd * sa.sd / sa.n, vb = sb.sd * sb.sd / sb.n;
    if (!(va + vb > 0)) return r;
    r.t = (sa.mean - sb.mean) / std::sqrt(va + vb);
    // Welch-Satterthwaite degrees of freedom.
    r.df = (va + vb) * (va + vb) / (va * va / (sa.n - 1) + vb * vb / (sb.n - 1));
    r.p = 2 * studentTSurvival(std::fabs(r.t), r.df);
    r.valid = true;
    return r;
}

TTest oneSampleTTest(const std::vector<double>& a, double mu, Alternative alternative)
{
    TTest r;
    const Summary s = summarize(a);
    if (s.n < 2 || !(s.sd > 0)) return r;
    r.t = (s.mean - mu) / (s.sd / std::sqrt(double(s.n)));
    r.df = s.n - 1;
    r.p = alternative == Alternative::Greater ? studentTSurvival(r.t, r.df)
          : alternative == Alternative::Less  ? studentTSurvival(-r.t, r.df)
                                              : 2 * studentTSurvival(std::fabs(r.t), r.df);
    r.valid = true;
    return r;
}

TTest equivalenceTest(const std::vector<double>& a, const std::vector<double>& b, double margin)
{
    TTest r;
    const Summary sa = summarize(a), sb = summarize(b);
    if (sa.n < 2 || sb.n < 2 || !(margin > 0)) return r;
    const double va = sa.sd * sa.sd / sa.n, vb = sb.sd * sb.sd / sb.n;
    if (!(va + vb > 0)) return r;
    const double se = std::sqrt(va + vb), d = sa.mean - sb.mean;
    r.df = (va + vb) * (va + vb) / (va * va / (sa.n - 1) + vb * vb / (sb.n - 1));
    // Two one-sided tests: H0 d <= -margin (reject for large tLow), H0 d >= margin (reject
    // for small tHigh). Equivalence is shown when both reject: p = the larger of the two.
    const double tLow = (d + margin) / se, tHigh = (d - margin) / se;
    const double pLow = studentTSurvival(tLow, r.df), pHigh = studentTSurvival(-tHigh, r.df);
    r.t = pLow >= pHigh ? tLow : tHigh;
    r.p = std::max(pLow, pHigh);
    r.valid = true;
    return r;
}

TTest nonInferiorityTest(const std::vector<double>& a, const std::vector<double>& b, double margin)
{
    TTest r;
    const Summary sa = summarize(a), sb = summarize(b);
    if (sa.n < 2 || sb.n < 2 || !(margin > 0)) return r;
    const double va = sa.sd * sa.sd / sa.n, vb = sb.sd * sb.sd / sb.n;
    if (!(va + vb > 0)) return r;
    r.df = (va + vb) * (va + vb) / (va * va / (sa.n - 1) + vb * vb / (sb.n - 1));
    r.t = (sa.mean - sb.mean + margin) / std::sqrt(va + vb);
    r.p = studentTSurvival(r.t, r.df);
    r.valid = true;
    return r;
}

}  // namespace dwmtj::core::stats

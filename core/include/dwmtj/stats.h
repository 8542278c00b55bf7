#pragma once
// Small numerical helpers: distribution functions in double precision.
namespace dwmtj::core::stats {

double normalQuantile(double p);              ///< inverse standard normal CDF, p in (0,1)
double normalCdf(double x);
double chiSquareSurvival(double x, int df);   ///< P(X > x), X ~ chi2(df)
double regularizedGammaP(double a, double x); ///< lower regularized incomplete gamma
double logistic(double x);                    ///< 1/(1+exp(-x)), overflow-safe

}  // namespace dwmtj::core::stats

namespace dwmtj::core::stats {
double regularizedBeta(double a, double b, double x);  ///< I_x(a, b)
double studentTCdf(double t, double df);
double studentTQuantile(double p, double df);  ///< inverse of studentTCdf, p in (0,1)
}  // namespace dwmtj::core::stats

#include <vector>

namespace dwmtj::core::stats {

/// Mean, sample standard deviation (n - 1) and count.
struct Summary {
    double mean = 0, sd = 0;
    int n = 0;
};
Summary summarize(const std::vector<double>& values);

/// A t test: statistic, degrees of freedom and p-value (NaN when it cannot be computed,
/// e.g. fewer than 2 values in a group or no variance at all).
struct TTest {
    double t = 0, df = 0, p = 0;
    bool valid = false;
};
/// Welch's unequal-variance t test of mean(a) - mean(b), two-sided.
TTest welchTTest(const std::vector<double>& a, const std::vector<double>& b);
/// One-sample t test of mean(a) against mu; `greater`: one-sided H1 mean > mu, else two-sided.
TTest oneSampleTTest(const std::vector<double>& a, double mu, bool greater);

}  // namespace dwmtj::core::stats

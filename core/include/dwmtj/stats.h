#pragma once
// Small numerical helpers: distribution functions in double precision.
namespace dwmtj::core::stats {

double normalQuantile(double p);  ///< inverse standard normal CDF, p in (0,1)
double normalCdf(double x);
double chiSquareSurvival(double x, int df);    ///< P(X > x), X ~ chi2(df)
double regularizedGammaP(double a, double x);  ///< lower regularized incomplete gamma
double regularizedGammaQ(
    double a, double x);    ///< upper regularized incomplete gamma, 1 - P, computed directly
double logistic(double x);  ///< 1/(1+exp(-x)), overflow-safe

}  // namespace dwmtj::core::stats

namespace dwmtj::core::stats {
double regularizedBeta(double a, double b, double x);  ///< I_x(a, b)
double studentTCdf(double t, double df);
double studentTSurvival(double t,
                        double df);  ///< P(T > t), computed directly (no 1 - P cancellation)
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
/// The p-quantile (0 <= p <= 1) of the values by linear interpolation between order statistics
/// (Hyndman and Fan type 7, R's default); NaN for no values.
double quantile(std::vector<double> values, double p);

/// A t test: statistic, degrees of freedom and p-value (NaN when it cannot be computed,
/// e.g. fewer than 2 values in a group or no variance at all).
struct TTest {
    double t = 0, df = 0, p = 0;
    bool valid = false;
};
/// Welch's unequal-variance t test of mean(a) - mean(b), two-sided.
TTest welchTTest(const std::vector<double>& a, const std::vector<double>& b);
/// The alternative hypothesis of a test.
enum class Alternative { TwoSided, Greater, Less };
/// One-sample t test of mean(a) against mu (Greater: H1 mean > mu; Less: H1 mean < mu).
TTest oneSampleTTest(const std::vector<double>& a, double mu, Alternative alternative);
/// Equivalence of two means within +-margin: Welch-based two one-sided tests (TOST).
/// p < alpha shows |mean(a) - mean(b)| < margin; t is the statistic of the deciding
/// (larger-p) one-sided test; df Welch-Satterthwaite.
TTest equivalenceTest(const std::vector<double>& a, const std::vector<double>& b, double margin);
/// Non-inferiority of a to b within margin: Welch-based one-sided test of H0 mean(a) -
/// mean(b) <= -margin against H1 mean(a) - mean(b) > -margin. p < alpha shows a is at most
/// `margin` below b (or above it).
TTest nonInferiorityTest(const std::vector<double>& a, const std::vector<double>& b, double margin);

}  // namespace dwmtj::core::stats

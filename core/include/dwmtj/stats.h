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

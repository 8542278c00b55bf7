#pragma once
// The sigmoid device model p(V) = floor + (ceiling - floor) logistic((V - V50) / w) and the
// objective its fit maximizes (internal to fit/): the binomial log-likelihood with its score
// and information, or least squares when the trial counts are unknown. docs/models.md,
// "Fitting".
#include <vector>

#include "fit/bounded_newton.h"
#include "util/linalg.h"

namespace dwmtj::core::sigmoid {

using detail::Matrix;

/// The likelihood clamps probabilities to [kPEps, 1 - kPEps].
inline constexpr double kPEps = 1e-15;

/// One voltage: V, switches, trials, observed probability.
struct Point {
    double v, s, n, p;
};

/// p(V; theta) for theta = (V50, w[, floor, ceiling]); its gradient in theta when grad is set.
double model(const std::vector<double>& th, double v, std::vector<double>* grad);
/// Second derivatives of p(V; theta) in theta (symmetric, k x k).
Matrix modelHessian(const std::vector<double>& th, double v);
/// The objective the fit maximizes: the binomial log-likelihood, or -RSS/2 for least
/// squares (then "information" is the Gauss-Newton matrix), with its score, expected and
/// observed information. -inf outside the model.
double evaluate(const std::vector<Point>& pts, bool trialsKnown, const std::vector<double>& th,
                std::vector<double>* score, Matrix* info, Matrix* observed = nullptr);
/// The bounded maximum-likelihood problem of k parameters (floor and ceiling in [0, 1]).
detail::BoundedProblem problemFor(const std::vector<Point>& pts, bool trialsKnown, std::size_t k,
                                  int maxIterations);
/// Residual sum of squares of the observed probabilities.
double sumSquares(const std::vector<Point>& pts, const std::vector<double>& th);

}  // namespace dwmtj::core::sigmoid

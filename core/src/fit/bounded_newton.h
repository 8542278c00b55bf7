#pragma once
// Maximum likelihood under simple bounds: projected Fisher-scoring (Newton) steps with an
// active set. Parameters at a bound whose score points out of the feasible box are held
// there; the others take a Newton step on the information matrix restricted to them, the
// step is projected back onto the box and halved until the log-likelihood does not fall.
// Convergence is decided on the projected score (the Newton decrement over the free
// parameters, with the Kuhn-Tucker sign conditions holding on the active ones), never on
// "no improving step"; a stall with a score far from zero is reported as non-convergence.
// Internal to the fitters (see docs/models.md, "Fitting").
#include <functional>
#include <string>
#include <vector>

#include "util/linalg.h"

namespace dwmtj::core::detail {

struct BoundedProblem {
    std::vector<double> lower, upper;  ///< -inf / +inf where unbounded
    std::vector<bool> fixed;           ///< held at the start value (profiles); empty = none
    /// Log-likelihood at theta; with score/information non-null also its gradient and the
    /// expected (Fisher) information, and with observed non-null the observed information
    /// (minus the Hessian). Returns -inf where theta is not a valid model. Newton steps use
    /// the observed information where it is positive definite on the free parameters
    /// (quadratic convergence), Fisher scoring otherwise.
    std::function<double(const std::vector<double>& theta, std::vector<double>* score,
                         Matrix* information, Matrix* observed)>
        evaluate;
    int maxIterations = 200;
    /// Converged when the Newton decrement g_F' I_FF^-1 g_F (twice the log-likelihood a
    /// further step could still gain) falls below this.
    double tolerance = 1e-18;
};

struct BoundedResult {
    std::vector<double> theta;
    double logLikelihood = 0;
    bool converged = false;
    int iterations = 0;
    double decrement = 0;                       ///< g_F' I_FF^-1 g_F at the end
    double projectedScoreMax = 0;               ///< max |projected score| at the end
    std::vector<int> activeLower, activeUpper;  ///< indices held at a bound at the end
    std::string message;                        ///< why it stopped, in words
    /// held()[a]: parameter a is held at a bound at the end (not estimated there).
    std::vector<bool> held() const
    {
        std::vector<bool> h(theta.size(), false);
        for (int a : activeLower) h[std::size_t(a)] = true;
        for (int a : activeUpper) h[std::size_t(a)] = true;
        return h;
    }
};

BoundedResult maximizeBounded(const BoundedProblem& problem, std::vector<double> start);

/// Of two runs from different starts, is `a` the one to keep? Converged beats not
/// converged, then the higher log-likelihood.
inline bool isBetter(const BoundedResult& a, const BoundedResult& b)
{
    return (a.converged && !b.converged) ||
           (a.converged == b.converged && a.logLikelihood > b.logLikelihood);
}

/// Covariance at an optimum: the inverse of `information` over the parameters not held at a
/// bound (those are not estimated there: their rows and columns are 0, the others are
/// conditional on them). When it is singular every entry is NaN and a warning saying that
/// standard errors are not available is added to `warnings`.
Matrix covarianceAtOptimum(const Matrix& information, const BoundedResult& optimum,
                           std::vector<std::string>& warnings);

}  // namespace dwmtj::core::detail

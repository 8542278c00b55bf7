#pragma once
// Ordinal (cumulative-logit) fit of a multi-weight device:
//   P(state >= k | V) = 1 / (1 + exp(-(V - V_k)/w_k)),  k = 2..K,
// with the curves ordered (P(state >= k) >= P(state >= k+1)) over the measured voltages by
// construction, fitted by maximum multinomial likelihood (projected Fisher scoring with an
// active set, converged on the projected score), double precision. Optionally with one
// common width (proportional odds); the likelihood-ratio test between the two is always
// reported. Non-convergence or implausible curves throw FitError. See docs/models.md.
#include <string>
#include <vector>

#include "dwmtj/device_data.h"
#include "dwmtj/sigmoid_fit.h"

namespace dwmtj::core {

struct OrdinalFitOptions {
    double confidence = 0.95;
    int maxIterations = 300;
    /// One width for every threshold (proportional odds) instead of one per threshold.
    bool commonWidth = false;
};

struct OrdinalFit {
    int numStates = 0;                            ///< K
    std::vector<FitParameter> thresholds;         ///< V_2..V_K [V]
    std::vector<FitParameter> widths;             ///< w_2..w_K [V]
    std::vector<std::vector<double>> covariance;  ///< order V_2..V_K, w_2..w_K
    double logLikelihood = 0, deviance = 0, pearsonChi2 = 0, pearsonPValue = 0, aic = 0;
    int degreesOfFreedom = 0;
    int iterations = 0;
    bool commonWidth = false;  ///< the proportional-odds model (widths all equal)
    bool converged = false;    ///< always true for a returned fit (else FitError)
    std::string convergence;   ///< how the optimizer stopped
    /// Ordering constraints held at the optimum ("the curves of S2 and S3 touch at 1.2 V").
    std::vector<std::string> activeConstraints;
    /// Common width against one width per threshold (likelihood ratio, chi2 with K - 2 d.o.f.);
    /// reducedAic is the common-width model's, fullAic the separate-width model's.
    NestedModelTest commonWidthTest;
    std::vector<std::string> warnings;

    /// P(state >= k | V) for k in 1..K+1 (1 for k <= 1, 0 for k > K); made non-increasing in k.
    double cumulative(int k, double voltage) const;
    /// d/dV of cumulative(k, V) [1/V] (of the curve that attains the minimum there).
    double cumulativeDerivative(int k, double voltage) const;
    /// P(state == k | V), k in 1..K.
    double stateProbability(int k, double voltage) const;
};

/// Throws FitError when the data cannot determine the model (a threshold is perfectly
/// separated, fewer than 2 voltages, a state never observed above/below).
OrdinalFit fitOrdinal(const MultiStateDeviceData& data, const OrdinalFitOptions& options = {});

/// The state-probability table P(state = k | V) at the given voltages: rows = voltages,
/// columns = states 1..K.
std::vector<std::vector<double>> stateProbabilityTable(const OrdinalFit& fit,
                                                       const std::vector<double>& voltages);

}  // namespace dwmtj::core

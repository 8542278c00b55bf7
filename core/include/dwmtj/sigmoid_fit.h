#pragma once
// Sigmoid fit of the per-pulse switching probability p(V), in double precision.
//   2-parameter: p(V) = 1 / (1 + exp(-(V - V50)/w))
//   4-parameter: p(V) = floor + (ceiling - floor) / (1 + exp(-(V - V50)/w))
// Fitted by maximum binomial likelihood: projected Fisher scoring with floor and ceiling
// held in [0, 1] by an active set, convergence decided on the projected score. When trial
// counts are unknown the fit falls back to least squares on the probabilities. A fit that
// does not converge, or whose V50/width lie far outside the measured voltages, throws
// FitError: it is not a result. See docs/models.md.
#include <string>
#include <vector>

#include "dwmtj/device_data.h"

namespace dwmtj::core {

enum class SigmoidForm { TwoParameter, FourParameter };
enum class FitMethod { BinomialMaximumLikelihood, LeastSquares };
const char* toString(FitMethod m);

struct SigmoidFitOptions {
    SigmoidForm form = SigmoidForm::TwoParameter;
    double voltageMin = -1e300, voltageMax = 1e300;  ///< only points in [min, max] are used
    std::vector<double> excludeVoltages;  ///< points at these voltages (|dV| < 1e-9 V) are left out
    double confidence = 0.95;
    int maxIterations = 200;
    /// What the amplitudes are (only the unit-mistake warnings depend on it: pulse voltages of
    /// a few volts, pulse currents below an ampere).
    Drive drive = Drive::Voltage;
};

struct FitParameter {
    std::string name;  ///< "V50" [V], "w" [V], "floor", "ceiling"
    std::string unit;
    double value = 0, standardError = 0, lower = 0, upper = 0;
    std::string interval =
        "Wald";  ///< how [lower, upper] was made: "Wald", "profile likelihood", ...
};

/// A likelihood-ratio test of a model against a nested one.
struct NestedModelTest {
    bool available = false;
    double statistic = 0;  ///< 2 (l_full - l_reduced)
    int dof = 0;           ///< parameters added by the full model
    double pValue = 1;
    double reducedLogLikelihood = 0, reducedAic = 0, fullAic = 0;
    std::string reference;  ///< the null distribution used
};

struct SigmoidFit {
    SigmoidForm form = SigmoidForm::TwoParameter;
    FitMethod method = FitMethod::BinomialMaximumLikelihood;
    std::vector<FitParameter> parameters;         ///< V50, w[, floor, ceiling]
    std::vector<std::vector<double>> covariance;  ///< same order as parameters
    int pointsUsed = 0;
    double logLikelihood = 0;  ///< Bernoulli log-likelihood (no combinatorial constant)
    double deviance = 0;
    double pearsonChi2 = 0;
    int degreesOfFreedom = 0;
    double pearsonPValue = 0;  ///< P(chi2_df > pearsonChi2)
    double aic = 0;
    double residualSumSquares = 0;  ///< least-squares fit only
    int iterations = 0;
    bool converged = false;   ///< always true for a returned fit (else FitError)
    std::string convergence;  ///< how the optimizer stopped (projected score, iterations)
    std::vector<std::string> activeBounds;  ///< e.g. "floor = 0": parameters held at a bound
    /// 4-parameter binomial fit only: floor/ceiling against the 2-parameter model.
    NestedModelTest floorCeilingTest;
    std::vector<std::string> warnings;

    double v50() const { return parameters.at(0).value; }
    double width() const { return parameters.at(1).value; }
    double floor() const { return parameters.size() > 2 ? parameters[2].value : 0.0; }
    double ceiling() const { return parameters.size() > 3 ? parameters[3].value : 1.0; }
    /// p(V) at the fitted parameters.
    double probability(double voltage) const;
    /// dp/dV at the fitted parameters [1/V].
    double derivative(double voltage) const;
    /// Pointwise confidence band of p(V) (delta method; on the logit scale for the
    /// 2-parameter form, so it stays inside (0,1)).
    void band(double voltage, double confidence, double& lower, double& upper) const;
};

/// Residual of one per-voltage point against a fitted curve.
struct FitResidual {
    double voltage = 0;
    double observed = 0, expected = 0;  ///< probabilities
    double raw = 0;                     ///< observed - expected
    double pearson = 0;  ///< (s - n p) / sqrt(n p (1 - p)); NaN when trials are unknown
};
/// Residuals of every point in `counts` (also the points the fit left out).
std::vector<FitResidual> sigmoidResiduals(const std::vector<VoltageCounts>& counts,
                                          bool trialsKnown, const SigmoidFit& fit);

/// Fit a sigmoid to per-voltage counts. Throws FitError if the data cannot determine it
/// (fewer points than parameters, complete separation, no variation, no convergence,
/// implausible parameters).
SigmoidFit fitSigmoid(const std::vector<VoltageCounts>& counts, bool trialsKnown,
                      const SigmoidFitOptions& options = {});

}  // namespace dwmtj::core

#pragma once
// What to measure next (docs/models.md, "Planning measurements"): where one more switching
// cycle most reduces the uncertainty of a network's accuracy that comes from the uncertainty
// of the measured switching curve.
//
// The binary device's 2-parameter fit p(V) = 1 / (1 + exp(-(V - V50)/w)) has covariance
// Sigma = I^-1, I the expected Fisher information sum_v n_v p(1-p) u u^T with
// u = d eta / d(V50, w) = (-1/w, -(V - V50)/w^2), n_v the pulses applied at v (every pulse on
// a device that has not yet switched is one Bernoulli trial). The accuracy's dependence on the
// curve is linearised, acc(theta) ~ acc(theta^) + g^T (theta - theta^), so its curve-induced
// standard deviation is sqrt(g^T Sigma g). A plan adds cycles at candidate voltages (a cycle
// at v costs its expected pulses (1 - (1-p)^cap) / p) to minimise g^T (I + I_plan)^-1 g for
// an expected budget of pulses (greedy c-optimal design, one cycle at a time, by the
// reduction per pulse). The uniform plan spreads the same budget evenly over the candidates.
#include <array>
#include <vector>

#include "dwmtj/device_data.h"
#include "dwmtj/sigmoid_fit.h"

namespace dwmtj::core {

struct MeasurementPlanOptions {
    /// Voltages (or currents) the setup can apply; empty = the measured ones.
    std::vector<double> candidates;
    double budgetPulses = 1000;  ///< expected pulses to spend
    int pulseCap = 100;          ///< pulses per cycle before a cycle is given up (censored)
    void validate() const;       ///< throws OptionsError
};

struct MeasurementPlanRow {
    double voltage = 0;
    double probability = 0;     ///< p at the fitted curve
    double pulsesPerCycle = 0;  ///< expected pulses of one cycle, (1 - (1-p)^cap) / p
    /// How much one more cycle here alone would shrink sd(acc) now, per pulse it costs.
    double sdReductionPerPulse = 0;
    int cycles = 0;         ///< the plan
    int uniformCycles = 0;  ///< the uniform plan (its pulses split evenly)
};

struct MeasurementPlan {
    std::array<double, 2> gradient{};             ///< g = d acc / d(V50, w) [per V]
    double sdNow = 0;                             ///< curve-induced sd of the accuracy now
    double sdPlanned = 0, sdUniform = 0;          ///< after the plan / the uniform plan (predicted)
    double plannedPulses = 0, uniformPulses = 0;  ///< their expected pulses
    std::vector<MeasurementPlanRow> rows;         ///< one per candidate, sorted by voltage
};

/// The 2 x 2 expected Fisher information of (V50, w) for `pulses` Bernoulli trials at each
/// voltage, at the fit's parameters.
std::array<double, 4> sigmoidInformation(const SigmoidFit& fit, const std::vector<double>& voltages,
                                         const std::vector<double>& pulses);
/// The fit's information from its data (the trials at each voltage it used).
std::array<double, 4> sigmoidInformation(const SigmoidFit& fit,
                                         const std::vector<VoltageCounts>& counts);
/// g^T I^-1 g for a 2 x 2 information matrix (row-major); +inf when I is singular.
double quadraticInverse(const std::array<double, 4>& information, const std::array<double, 2>& g);

/// The voltages a network applied to its device (EnergyReport::voltageCounts: samples per
/// equal bin from `low` to `high`): their quantiles, and per candidate voltage the share of the
/// samples nearest to it (bin centres; ties to the lower candidate).
struct AppliedVoltages {
    double samples = 0;
    double q05 = 0, median = 0, q95 = 0;
    std::vector<double> share;  ///< per candidate, summing to 1 (empty without samples)
};
/// Throws OptionsError for negative counts, non-finite bounds or low >= high.
AppliedVoltages appliedVoltages(const std::vector<double>& counts, double low, double high,
                                const std::vector<double>& candidates);

/// The plan for a 2-parameter binomial fit of `counts` and the accuracy gradient `g`. Throws
/// OptionsError for bad options or a fit of another form.
MeasurementPlan planMeasurements(const std::vector<VoltageCounts>& counts, const SigmoidFit& fit,
                                 const std::array<double, 2>& g,
                                 const MeasurementPlanOptions& options);

}  // namespace dwmtj::core

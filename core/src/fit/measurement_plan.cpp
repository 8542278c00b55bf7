#include "dwmtj/measurement_plan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "dwmtj/error.h"

namespace dwmtj::core {
namespace {

/// p (1 - p) u u^T of one Bernoulli trial at v, row-major.
std::array<double, 4> trialInformation(const SigmoidFit& fit, double v)
{
    const double w = fit.width(), p = fit.probability(v);
    const double u0 = -1 / w, u1 = -(v - fit.v50()) / (w * w), q = p * (1 - p);
    return {q * u0 * u0, q * u0 * u1, q * u0 * u1, q * u1 * u1};
}

std::array<double, 4> plus(std::array<double, 4> a, const std::array<double, 4>& b, double k)
{
    for (int i = 0; i < 4; ++i) a[size_t(i)] += k * b[size_t(i)];
    return a;
}

/// Expected pulses of one cycle at switching probability p with `cap` pulses at most.
double pulsesPerCycle(double p, int cap)
{
    if (!(p > 1e-12)) return cap;
    return (1 - std::pow(1 - p, cap)) / p;
}

}  // namespace

void MeasurementPlanOptions::validate() const
{
    if (!(std::isfinite(budgetPulses) && budgetPulses > 0 && budgetPulses <= 1e8))
        throw OptionsError("plan: the budget must be 1 to 1e8 pulses, found " +
                           std::to_string(budgetPulses));
    if (pulseCap < 1 || pulseCap > 1000000)
        throw OptionsError("plan: the pulse cap must be 1..1000000");
    for (double v : candidates)
        if (!std::isfinite(v)) throw OptionsError("plan: candidate voltages must be finite");
}

std::array<double, 4> sigmoidInformation(const SigmoidFit& fit, const std::vector<double>& voltages,
                                         const std::vector<double>& pulses)
{
    std::array<double, 4> info{};
    for (size_t i = 0; i < voltages.size() && i < pulses.size(); ++i)
        info = plus(info, trialInformation(fit, voltages[i]), pulses[i]);
    return info;
}

std::array<double, 4> sigmoidInformation(const SigmoidFit& fit,
                                         const std::vector<VoltageCounts>& counts)
{
    std::vector<double> v, n;
    for (const auto& c : counts) {
        v.push_back(c.voltage);
        n.push_back(c.trials);
    }
    return sigmoidInformation(fit, v, n);
}

double quadraticInverse(const std::array<double, 4>& I, const std::array<double, 2>& g)
{
    const double det = I[0] * I[3] - I[1] * I[2];
    if (!(std::fabs(det) > 1e-300 * std::max(1.0, std::fabs(I[0] * I[3]))))
        return std::numeric_limits<double>::infinity();
    // I^-1 = [I3, -I1; -I2, I0] / det
    return (g[0] * g[0] * I[3] - g[0] * g[1] * (I[1] + I[2]) + g[1] * g[1] * I[0]) / det;
}

MeasurementPlan planMeasurements(const std::vector<VoltageCounts>& counts, const SigmoidFit& fit,
                                 const std::array<double, 2>& g,
                                 const MeasurementPlanOptions& options)
{
    options.validate();
    if (fit.form != SigmoidForm::TwoParameter || fit.method != FitMethod::BinomialMaximumLikelihood)
        throw OptionsError(
            "plan: needs a 2-parameter binomial fit (data with trial counts); the fit is " +
            std::string(fit.form == SigmoidForm::TwoParameter ? "2" : "4") + "-parameter, " +
            toString(fit.method));
    if (!(std::isfinite(g[0]) && std::isfinite(g[1])))
        throw OptionsError("plan: the accuracy gradient is not finite");
    std::vector<double> cand = options.candidates;
    if (cand.empty())
        for (const auto& c : counts) cand.push_back(c.voltage);
    std::sort(cand.begin(), cand.end());
    cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
    if (cand.empty()) throw OptionsError("plan: no candidate voltages");

    MeasurementPlan plan;
    plan.gradient = g;
    const auto I0 = sigmoidInformation(fit, counts);
    const double q0 = quadraticInverse(I0, g);
    plan.sdNow = std::sqrt(q0);
    std::vector<std::array<double, 4>> J;  // information of one expected cycle per candidate
    for (double v : cand) {
        MeasurementPlanRow r;
        r.voltage = v;
        r.probability = fit.probability(v);
        r.pulsesPerCycle = pulsesPerCycle(r.probability, options.pulseCap);
        J.push_back(plus({}, trialInformation(fit, v), r.pulsesPerCycle));
        r.sdReductionPerPulse =
            (plan.sdNow - std::sqrt(quadraticInverse(plus(I0, J.back(), 1), g))) / r.pulsesPerCycle;
        plan.rows.push_back(r);
    }
    // Greedy: the cycle that shrinks g^T Sigma g most per pulse, while the budget lasts.
    auto I = I0;
    double q = q0, left = options.budgetPulses;
    for (int step = 0; step < 10'000'000; ++step) {
        int best = -1;
        double bestGain = 0, bestQ = q;
        for (size_t k = 0; k < cand.size(); ++k) {
            const double cost = plan.rows[k].pulsesPerCycle;
            if (cost > left + 1e-9) continue;
            const double qk = quadraticInverse(plus(I, J[k], 1), g);
            const double gain = (q - qk) / cost;
            if (best < 0 || gain > bestGain) best = int(k), bestGain = gain, bestQ = qk;
        }
        if (best < 0) break;
        I = plus(I, J[size_t(best)], 1);
        q = bestQ;
        left -= plan.rows[size_t(best)].pulsesPerCycle;
        plan.plannedPulses += plan.rows[size_t(best)].pulsesPerCycle;
        ++plan.rows[size_t(best)].cycles;
    }
    plan.sdPlanned = std::sqrt(q);
    // Uniform: the same pulses split evenly over the candidates, in whole cycles.
    auto U = I0;
    const double share = options.budgetPulses / double(cand.size());
    for (size_t k = 0; k < cand.size(); ++k) {
        auto& r = plan.rows[k];
        r.uniformCycles = int(std::floor(share / r.pulsesPerCycle + 0.5));
        U = plus(U, J[k], r.uniformCycles);
        plan.uniformPulses += r.uniformCycles * r.pulsesPerCycle;
    }
    plan.sdUniform = std::sqrt(quadraticInverse(U, g));
    return plan;
}

AppliedVoltages appliedVoltages(const std::vector<double>& counts, double low, double high,
                                const std::vector<double>& candidates)
{
    if (!(std::isfinite(low) && std::isfinite(high) && low < high))
        throw OptionsError("applied voltages: the histogram's range must be finite and increasing");
    AppliedVoltages a;
    for (double c : counts) {
        if (!(c >= 0 && std::isfinite(c)))
            throw OptionsError("applied voltages: counts must be finite and >= 0");
        a.samples += c;
    }
    if (counts.empty() || a.samples <= 0) return a;
    const double width = (high - low) / double(counts.size());
    // The q-quantile, linear within the bin where the cumulative count reaches q.
    auto quantileAt = [&](double q) {
        const double target = q * a.samples;
        double cum = 0;
        for (size_t k = 0; k < counts.size(); ++k) {
            if (counts[k] > 0 && cum + counts[k] >= target)
                return low + width * (double(k) + (target - cum) / counts[k]);
            cum += counts[k];
        }
        return high;
    };
    a.q05 = quantileAt(0.05);
    a.median = quantileAt(0.5);
    a.q95 = quantileAt(0.95);
    a.share.assign(candidates.size(), 0.0);
    if (candidates.empty()) return a;
    for (size_t k = 0; k < counts.size(); ++k) {
        const double v = low + (double(k) + 0.5) * width;
        size_t best = 0;
        for (size_t c = 1; c < candidates.size(); ++c)
            if (std::abs(candidates[c] - v) < std::abs(candidates[best] - v)) best = c;
        a.share[best] += counts[k] / a.samples;
    }
    return a;
}

}  // namespace dwmtj::core

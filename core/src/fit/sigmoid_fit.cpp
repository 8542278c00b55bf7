#include "dwmtj/sigmoid_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "dwmtj/error.h"
#include "dwmtj/stats.h"
#include "fit/bounded_newton.h"
#include "fit/sigmoid_model.h"
#include "util/linalg.h"

namespace dwmtj::core {
namespace {

using detail::Matrix;

using namespace sigmoid;

// Start values: weighted least squares of the empirical logit on V.
std::vector<double> startValues(const std::vector<Point>& pts, bool trialsKnown, bool four)
{
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& pt : pts) {
        const double pa = trialsKnown ? (pt.s + 0.5) / (pt.n + 1) : std::clamp(pt.p, 0.01, 0.99);
        const double wt = trialsKnown ? (pt.n + 1) * pa * (1 - pa) : 1.0;
        const double y = std::log(pa / (1 - pa));
        sw += wt;
        sx += wt * pt.v;
        sy += wt * y;
        sxx += wt * pt.v * pt.v;
        sxy += wt * pt.v * y;
    }
    double b1 = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
    if (!std::isfinite(b1) || b1 == 0) b1 = 1.0;
    const double b0 = (sy - b1 * sx) / sw;
    std::vector<double> th = {-b0 / b1, 1.0 / b1};
    if (four) {
        double pmin = 1, pmax = 0;
        for (const auto& pt : pts) {
            pmin = std::min(pmin, pt.p);
            pmax = std::max(pmax, pt.p);
        }
        // Strictly inside the box: the projected steps can still reach a bound.
        th.push_back(std::clamp(pmin * 0.5, 0.01, 0.45));
        th.push_back(std::clamp(1 - (1 - pmax) * 0.5, 0.55, 0.99));
    }
    return th;
}

void checkSeparation(const std::vector<Point>& pts)
{
    double maxFail = -INFINITY, minFail = INFINITY, maxSucc = -INFINITY, minSucc = INFINITY;
    for (const auto& pt : pts) {
        if (pt.s > 0) {
            maxSucc = std::max(maxSucc, pt.v);
            minSucc = std::min(minSucc, pt.v);
        }
        if (pt.n - pt.s > 0) {
            maxFail = std::max(maxFail, pt.v);
            minFail = std::min(minFail, pt.v);
        }
    }
    if (!std::isfinite(maxSucc))
        throw FitError(
            "sigmoid fit: no switching was observed at any voltage (all p = 0); the "
            "curve cannot be located. Measure at higher voltages");
    if (!std::isfinite(maxFail))
        throw FitError(
            "sigmoid fit: the device switched on every pulse at every voltage (all "
            "p = 1); the curve cannot be located. Measure at lower voltages");
    if (maxFail <= minSucc || maxSucc <= minFail) {
        std::ostringstream m;
        m << "sigmoid fit: the data are completely separated (";
        if (maxFail <= minSucc)
            m << "no switch at or below " << maxFail << " V, a switch on every pulse at or above "
              << minSucc << " V";
        else
            m << "a switch on every pulse at or below " << maxSucc << " V, none at or above "
              << minFail << " V";
        m << "), so the width is not identifiable and the maximum-likelihood estimate does not "
             "exist. "
             "Measure more voltages in the transition region";
        throw FitError(m.str());
    }
}

/// A fitted curve whose centre or width lies far outside the measured voltages is not a
/// description of a transition in the data (flat or non-monotone data, voltages nearly
/// equal): refuse it rather than write a LUT from it.
void checkPlausible(const std::vector<Point>& pts, const std::vector<double>& th)
{
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& pt : pts) lo = std::min(lo, pt.v), hi = std::max(hi, pt.v);
    const double span = hi - lo, mid = 0.5 * (lo + hi);
    std::ostringstream m;
    m.precision(4);
    if (!(span > 1e-6 * std::max(1.0, std::fabs(mid))))
        m << "the measured voltages span only " << span << " V around " << mid
          << " V, too little to locate a transition";
    else if (std::fabs(th[0] - mid) > 10 * span)
        m << "the fitted V50 = " << th[0] << " V lies far outside the measured voltages [" << lo
          << ", " << hi
          << "] V (more than ten times their span): the data show no switching transition there";
    else if (std::fabs(th[1]) > 10 * span)
        m << "the fitted width w = " << th[1]
          << " V is more than ten times the span of the measured voltages (" << span
          << " V): the curve is flat over the data";
    if (m.str().empty()) return;
    throw FitError(
        "sigmoid fit: " + m.str() +
        ". This is not a usable fit (non-monotone or flat data, or voltages too close together)");
}

/// Warnings for values no pulse voltage has: the usual cause is a unit mistake.
void unitWarnings(const std::vector<Point>& pts, const std::vector<double>& th, Drive drive,
                  std::vector<std::string>& warnings)
{
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& pt : pts) lo = std::min(lo, pt.v), hi = std::max(hi, pt.v);
    std::ostringstream m;
    m.precision(4);
    if (drive == Drive::Current) {  // DW-MTJ write currents: microamperes to milliamperes
        if (std::fabs(th[0]) > 1)
            m << "I50 = " << th[0]
              << " A is implausible for a pulse current (DW-MTJ write pulses are below an "
                 "ampere): the current column looks like it is in "
              << (std::fabs(th[0]) > 1e3 ? "microamperes" : "milliamperes")
              << " without a unit; give it one, e.g. 'current (mA)'";
    } else if (std::fabs(th[0]) > 50) {
        m << "V50 = " << th[0]
          << " V is implausible for a pulse voltage (DW-MTJ switching pulses are a few volts): "
          << "the voltage column looks like it is in "
          << (std::fabs(th[0]) > 5e4 ? "microvolts" : "millivolts") << "; convert it to volts";
    } else if (std::fabs(th[1]) < 1e-4 && hi - lo < 1e-2) {
        m << "w = " << th[1] << " V and a voltage span of " << hi - lo
          << " V are implausibly small for pulse voltages: the voltage column may be in kilovolts; "
             "convert it to volts";
    }
    if (!m.str().empty()) warnings.push_back(m.str());
}

/// Wald interval on the logit scale, mapped back into [0, 1] (least-squares floor/ceiling).
void logitWald(FitParameter& p, double crit)
{
    p.interval = "Wald on the logit scale";
    const double v = p.value;
    if (!(v > 0 && v < 1) || !std::isfinite(p.standardError)) {
        p.lower = v <= 0 ? 0.0 : std::clamp(v - crit * p.standardError, 0.0, 1.0);
        p.upper = v >= 1 ? 1.0 : std::clamp(v + crit * p.standardError, 0.0, 1.0);
        if (!std::isfinite(p.standardError))
            p.lower = v <= 0 ? 0.0 : NAN, p.upper = v >= 1 ? 1.0 : NAN;
        return;
    }
    const double l = std::log(v / (1 - v)), se = p.standardError / (v * (1 - v));
    p.lower = stats::logistic(l - crit * se);
    p.upper = stats::logistic(l + crit * se);
}

/// Profile-likelihood interval of parameter a (floor or ceiling) at the chi2_1 critical
/// value `chi`: the set of values whose profile log-likelihood is within chi/2 of the
/// maximum, found by bisection on each side inside [0, 1].
void profileInterval(const std::vector<Point>& pts, int maxIterations,
                     const detail::BoundedResult& opt, std::size_t a, double chi, double& lower,
                     double& upper)
{
    auto pb = problemFor(pts, true, 4, maxIterations);
    pb.fixed.assign(4, false);
    pb.fixed[a] = true;
    auto deficit = [&](double x) {
        std::vector<double> st = opt.theta;
        st[a] = x;
        // Keep floor < ceiling in the start: move the other one out of the way.
        if (a == 2 && st[3] <= x) st[3] = 0.5 * (x + 1);
        if (a == 3 && st[2] >= x) st[2] = 0.5 * x;
        const auto r = detail::maximizeBounded(pb, st);
        return std::isfinite(r.logLikelihood) ? 2 * (opt.logLikelihood - r.logLikelihood)
                                              : INFINITY;
    };
    const double x0 = opt.theta[a];
    auto side = [&](double bound) {
        if (x0 == bound || deficit(bound) <= chi) return bound;
        double in = x0, out = bound;
        for (int i = 0; i < 50; ++i) {
            const double mid = 0.5 * (in + out);
            (deficit(mid) <= chi ? in : out) = mid;
        }
        return 0.5 * (in + out);
    };
    // The other parameter of the pair bounds this one: floor < ceiling.
    lower = side(a == 2 ? 0.0 : 1e-9);
    upper = side(a == 2 ? 1 - 1e-9 : 1.0);
}

}  // namespace

const char* toString(FitMethod m)
{
    return m == FitMethod::LeastSquares ? "least squares" : "binomial maximum likelihood";
}

double SigmoidFit::probability(double v) const
{
    std::vector<double> th;
    for (const auto& p : parameters) th.push_back(p.value);
    return model(th, v, nullptr);
}

double SigmoidFit::derivative(double v) const
{
    const double z = (v - v50()) / width();
    const double q = stats::logistic(z);
    return (ceiling() - floor()) * q * (1 - q) / width();
}

void SigmoidFit::band(double v, double confidence, double& lower, double& upper) const
{
    const double crit = method == FitMethod::LeastSquares && degreesOfFreedom > 0
                            ? stats::studentTQuantile(0.5 + confidence / 2, degreesOfFreedom)
                            : stats::normalQuantile(0.5 + confidence / 2);
    std::vector<double> th;
    for (const auto& p : parameters) th.push_back(p.value);
    if (form == SigmoidForm::TwoParameter) {
        const double z = (v - th[0]) / th[1];
        const std::vector<double> g = {-1 / th[1], -z / th[1]};
        const double se = std::sqrt(std::max(0.0, detail::quadraticForm(covariance, g)));
        lower = stats::logistic(z - crit * se);
        upper = stats::logistic(z + crit * se);
        if (lower > upper) std::swap(lower, upper);
        return;
    }
    std::vector<double> g;
    const double p = model(th, v, &g);
    const double se = std::sqrt(std::max(0.0, detail::quadraticForm(covariance, g)));
    lower = std::clamp(p - crit * se, 0.0, 1.0);
    upper = std::clamp(p + crit * se, 0.0, 1.0);
}

SigmoidFit fitSigmoid(const std::vector<VoltageCounts>& counts, bool trialsKnown,
                      const SigmoidFitOptions& options)
{
    const bool four = options.form == SigmoidForm::FourParameter;
    const std::size_t k = four ? 4 : 2;
    std::vector<Point> pts;
    for (const auto& c : counts) {
        if (c.voltage < options.voltageMin || c.voltage > options.voltageMax) continue;
        bool excluded = false;
        for (double x : options.excludeVoltages) excluded |= std::fabs(x - c.voltage) < 1e-9;
        if (excluded) continue;
        if (trialsKnown && c.trials <= 0) continue;
        pts.push_back(
            {c.voltage, c.switches, c.trials, trialsKnown ? c.switches / c.trials : c.probability});
    }
    if (pts.size() < k + (trialsKnown ? 0 : 1)) {
        std::ostringstream m;
        m << "sigmoid fit: expected at least " << k + (trialsKnown ? 0 : 1) << " voltages for the "
          << k << "-parameter form" << (trialsKnown ? "" : " by least squares") << ", found "
          << pts.size() << " after the range and exclusions";
        throw FitError(m.str());
    }
    SigmoidFit fit;
    fit.form = options.form;
    fit.method = trialsKnown ? FitMethod::BinomialMaximumLikelihood : FitMethod::LeastSquares;
    fit.pointsUsed = int(pts.size());
    if (trialsKnown) {
        checkSeparation(pts);
    } else {
        double lo = INFINITY, hi = -INFINITY;
        for (const auto& pt : pts) {
            lo = std::min(lo, pt.p);
            hi = std::max(hi, pt.p);
        }
        if (hi <= 0)
            throw FitError("sigmoid fit: all probabilities are 0; the curve cannot be located");
        if (lo >= 1)
            throw FitError("sigmoid fit: all probabilities are 1; the curve cannot be located");
        if (hi - lo <= 0)
            throw FitError("sigmoid fit: all probabilities are equal; no transition to fit");
        fit.warnings.push_back(
            "trial counts are unknown: least-squares fit on the probabilities; "
            "intervals use the residual variance and Student's t, and the "
            "binomial goodness-of-fit tests are not available");
    }

    // The 2-parameter fit always comes first: it is the answer for that form, the nested
    // model of the likelihood-ratio test, and (with floor 0, ceiling 1) a start value of the
    // 4-parameter fit, so the 4-parameter optimum is never below it.
    auto run = [&](std::size_t kk, const std::vector<double>& start) {
        return detail::maximizeBounded(problemFor(pts, trialsKnown, kk, options.maxIterations),
                                       start);
    };
    const detail::BoundedResult two = run(2, startValues(pts, trialsKnown, false));
    detail::BoundedResult res = two;
    if (four) {
        res = run(4, startValues(pts, trialsKnown, true));
        if (two.converged) {
            // The nested start wins unless another converged start is higher, so the result
            // is never below the 2-parameter optimum.
            detail::BoundedResult nested = run(4, {two.theta[0], two.theta[1], 0.0, 1.0});
            if (detail::isBetter(nested, res) || res.logLikelihood < two.logLikelihood)
                res = std::move(nested);
        }
    }
    const std::vector<double>& th = res.theta;
    fit.iterations = res.iterations;
    fit.converged = res.converged;
    fit.convergence = res.message;
    if (!res.converged)
        throw FitError(
            "sigmoid fit: the maximum-likelihood fit did not converge (" + res.message +
            "); this is not a result. Check the data for non-monotone or inconsistent points, "
            "or use the 2-parameter form");
    const char* names[] = {"V50", "w", "floor", "ceiling"};
    for (int a : res.activeLower) fit.activeBounds.push_back(std::string(names[a]) + " = 0");
    for (int a : res.activeUpper) fit.activeBounds.push_back(std::string(names[a]) + " = 1");
    checkPlausible(pts, th);

    // Covariance from the information at the optimum. A parameter held at a bound is not
    // estimated there: the others are conditional on it, and its standard error is n/a.
    Matrix info;
    evaluate(pts, trialsKnown, th, nullptr, &info);
    Matrix cov = detail::covarianceAtOptimum(info, res, fit.warnings);  // scaled by s^2 below
    const std::vector<bool> held = res.held();
    const int df = int(pts.size()) - int(k);
    fit.degreesOfFreedom = df;
    if (!trialsKnown) {
        fit.residualSumSquares = sumSquares(pts, th);
        const double s2 =
            df > 0 ? fit.residualSumSquares / df : std::numeric_limits<double>::quiet_NaN();
        for (auto& row : cov)
            for (double& x : row) x *= s2;
    }
    fit.covariance = cov;

    const double crit = trialsKnown ? stats::normalQuantile(0.5 + options.confidence / 2)
                        : df > 0    ? stats::studentTQuantile(0.5 + options.confidence / 2, df)
                                    : std::numeric_limits<double>::quiet_NaN();
    const char* units[] = {"V", "V", "", ""};
    for (std::size_t a = 0; a < k; ++a) {
        FitParameter p{
            names[a], units[a],
            th[a],    held[a] ? std::numeric_limits<double>::quiet_NaN() : std::sqrt(cov[a][a]),
            0,        0};
        p.lower = p.value - crit * p.standardError;
        p.upper = p.value + crit * p.standardError;
        p.interval = "Wald";
        fit.parameters.push_back(p);
    }
    if (four) {
        // Floor and ceiling live in [0, 1]: profile-likelihood intervals (binomial), or Wald
        // on the logit scale (least squares); both stay inside [0, 1] and work at a bound.
        for (std::size_t a = 2; a < 4; ++a) {
            auto& p = fit.parameters[a];
            if (trialsKnown) {
                const double chi = crit * crit;
                profileInterval(pts, options.maxIterations, res, a, chi, p.lower, p.upper);
                p.interval = "profile likelihood";
            } else {
                logitWald(p, crit);
            }
        }
        for (const auto& b : fit.activeBounds)
            fit.warnings.push_back("the maximum lies on the bound " + b +
                                   " (held there; its interval is one-sided)");
    }
    if (th[1] < 0)
        fit.warnings.push_back("the switching probability decreases with voltage (w < 0)");
    unitWarnings(pts, th, options.drive, fit.warnings);

    // Goodness of fit.
    double ll = 0, dev = 0, chi2 = 0;
    for (const auto& pt : trialsKnown ? pts : std::vector<Point>{}) {
        const double p = std::clamp(model(th, pt.v, nullptr), kPEps, 1 - kPEps);
        ll += pt.s * std::log(p) + (pt.n - pt.s) * std::log1p(-p);
        if (pt.s > 0) dev += 2 * pt.s * std::log(pt.s / (pt.n * p));
        if (pt.n - pt.s > 0) dev += 2 * (pt.n - pt.s) * std::log((pt.n - pt.s) / (pt.n * (1 - p)));
        chi2 += (pt.s - pt.n * p) * (pt.s - pt.n * p) / (pt.n * p * (1 - p));
    }
    if (trialsKnown) {
        fit.logLikelihood = ll;
        fit.deviance = dev;
        fit.pearsonChi2 = chi2;
        fit.pearsonPValue =
            df > 0 ? stats::chiSquareSurvival(chi2, df) : std::numeric_limits<double>::quiet_NaN();
        fit.aic = -2 * ll + 2 * double(k);
        if (four) {
            // Is a floor/ceiling supported? 2 (l4 - l2); the null (floor 0, ceiling 1) is a
            // corner of the parameter space, so the reference law is the chi-bar-squared
            // mixture 1/4 chi2_0 + 1/2 chi2_1 + 1/4 chi2_2 (Self & Liang 1987).
            auto& t = fit.floorCeilingTest;
            t.available = true;
            t.statistic = std::max(0.0, 2 * (ll - two.logLikelihood));
            t.dof = 2;
            t.pValue = t.statistic <= 0 ? 1.0
                                        : 0.5 * stats::chiSquareSurvival(t.statistic, 1) +
                                              0.25 * stats::chiSquareSurvival(t.statistic, 2);
            t.reducedLogLikelihood = two.logLikelihood;
            t.reducedAic = -2 * two.logLikelihood + 4;
            t.fullAic = fit.aic;
            t.reference =
                "chi-bar-squared 1/4 chi2_0 + 1/2 chi2_1 + 1/4 chi2_2 (null on the boundary)";
        }
        if (df > 0 && fit.pearsonPValue < 0.05)
            fit.warnings.push_back(
                "Pearson chi^2 p < 0.05: the sigmoid does not describe the data within binomial "
                "scatter (overdispersion or a different curve shape)");
    } else {
        const double n = double(pts.size());
        fit.logLikelihood = -0.5 * n * (std::log(2 * M_PI * fit.residualSumSquares / n) + 1);
        fit.aic = -2 * fit.logLikelihood + 2 * double(k + 1);
        fit.deviance = fit.pearsonChi2 = fit.pearsonPValue =
            std::numeric_limits<double>::quiet_NaN();
    }
    return fit;
}

std::vector<FitResidual> sigmoidResiduals(const std::vector<VoltageCounts>& counts,
                                          bool trialsKnown, const SigmoidFit& fit)
{
    std::vector<FitResidual> out;
    out.reserve(counts.size());
    for (const auto& c : counts) {
        FitResidual r;
        r.voltage = c.voltage;
        r.expected = fit.probability(c.voltage);
        r.observed = trialsKnown && c.trials > 0 ? c.switches / c.trials : c.probability;
        r.raw = r.observed - r.expected;
        const double var = c.trials * r.expected * (1 - r.expected);
        r.pearson = trialsKnown && var > 0 ? (c.switches - c.trials * r.expected) / std::sqrt(var)
                                           : std::numeric_limits<double>::quiet_NaN();
        out.push_back(r);
    }
    return out;
}

}  // namespace dwmtj::core

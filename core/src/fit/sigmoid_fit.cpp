#include "dwmtj/sigmoid_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "dwmtj/error.h"
#include "dwmtj/stats.h"
#include "util/linalg.h"

namespace dwmtj::core {
namespace {

using detail::Matrix;

struct Point {
    double v, s, n, p;
};

// p(V; theta) and its gradient for theta = (V50, w[, floor, ceiling]).
double model(const std::vector<double>& th, double v, std::vector<double>* grad)
{
    const double z = (v - th[0]) / th[1];
    const double q = stats::logistic(z);
    const double f = th.size() > 2 ? th[2] : 0.0, c = th.size() > 2 ? th[3] : 1.0;
    if (grad) {
        grad->assign(th.size(), 0.0);
        const double dq = (c - f) * q * (1 - q);
        (*grad)[0] = -dq / th[1];
        (*grad)[1] = -dq * z / th[1];
        if (th.size() > 2) {
            (*grad)[2] = 1 - q;
            (*grad)[3] = q;
        }
    }
    return f + (c - f) * q;
}

bool feasible(const std::vector<double>& th)
{
    if (!(std::isfinite(th[0]) && std::isfinite(th[1]) && th[1] != 0)) return false;
    if (th.size() > 2) return th[2] >= 0 && th[3] <= 1 && th[2] < th[3];
    return true;
}

constexpr double kPEps = 1e-15;

double logLik(const std::vector<Point>& pts, const std::vector<double>& th)
{
    double ll = 0;
    for (const auto& pt : pts) {
        const double p = std::clamp(model(th, pt.v, nullptr), kPEps, 1 - kPEps);
        ll += pt.s * std::log(p) + (pt.n - pt.s) * std::log1p(-p);
    }
    return ll;
}

double sumSquares(const std::vector<Point>& pts, const std::vector<double>& th)
{
    double rss = 0;
    for (const auto& pt : pts) {
        const double r = pt.p - model(th, pt.v, nullptr);
        rss += r * r;
    }
    return rss;
}

// Start values: weighted least squares of the empirical logit on V.
std::vector<double> startValues(const std::vector<Point>& pts, bool trialsKnown, bool four)
{
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const auto& pt : pts) {
        const double pa = trialsKnown ? (pt.s + 0.5) / (pt.n + 1) : std::clamp(pt.p, 0.01, 0.99);
        const double wt = trialsKnown ? (pt.n + 1) * pa * (1 - pa) : 1.0;
        const double y = std::log(pa / (1 - pa));
        sw += wt; sx += wt * pt.v; sy += wt * y; sxx += wt * pt.v * pt.v; sxy += wt * pt.v * y;
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
        th.push_back(std::clamp(pmin * 0.5, 0.0, 0.45));
        th.push_back(std::clamp(1 - (1 - pmax) * 0.5, 0.55, 1.0));
    }
    return th;
}

void checkSeparation(const std::vector<Point>& pts)
{
    double maxFail = -INFINITY, minFail = INFINITY, maxSucc = -INFINITY, minSucc = INFINITY;
    for (const auto& pt : pts) {
        if (pt.s > 0) { maxSucc = std::max(maxSucc, pt.v); minSucc = std::min(minSucc, pt.v); }
        if (pt.n - pt.s > 0) { maxFail = std::max(maxFail, pt.v); minFail = std::min(minFail, pt.v); }
    }
    if (!std::isfinite(maxSucc))
        throw FitError("sigmoid fit: no switching was observed at any voltage (all p = 0); the "
                       "curve cannot be located. Measure at higher voltages");
    if (!std::isfinite(maxFail))
        throw FitError("sigmoid fit: the device switched on every pulse at every voltage (all "
                       "p = 1); the curve cannot be located. Measure at lower voltages");
    if (maxFail <= minSucc || maxSucc <= minFail) {
        std::ostringstream m;
        m << "sigmoid fit: the data are completely separated (";
        if (maxFail <= minSucc)
            m << "no switch at or below " << maxFail << " V, a switch on every pulse at or above " << minSucc << " V";
        else
            m << "a switch on every pulse at or below " << maxSucc << " V, none at or above " << minFail << " V";
        m << "), so the width is not identifiable and the maximum-likelihood estimate does not exist. "
             "Measure more voltages in the transition region";
        throw FitError(m.str());
    }
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
        pts.push_back({c.voltage, c.switches, c.trials, trialsKnown ? c.switches / c.trials : c.probability});
    }
    if (pts.size() < k + (trialsKnown ? 0 : 1)) {
        std::ostringstream m;
        m << "sigmoid fit: expected at least " << k + (trialsKnown ? 0 : 1)
          << " voltages for the " << k << "-parameter form"
          << (trialsKnown ? "" : " by least squares") << ", found " << pts.size()
          << " after the range and exclusions";
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
        for (const auto& pt : pts) { lo = std::min(lo, pt.p); hi = std::max(hi, pt.p); }
        if (hi <= 0) throw FitError("sigmoid fit: all probabilities are 0; the curve cannot be located");
        if (lo >= 1) throw FitError("sigmoid fit: all probabilities are 1; the curve cannot be located");
        if (hi - lo <= 0) throw FitError("sigmoid fit: all probabilities are equal; no transition to fit");
        fit.warnings.push_back("trial counts are unknown: least-squares fit on the probabilities; "
                               "intervals use the residual variance and Student's t, and the "
                               "binomial goodness-of-fit tests are not available");
    }

    std::vector<double> th = startValues(pts, trialsKnown, four);
    auto objective = [&](const std::vector<double>& t) {
        return trialsKnown ? logLik(pts, t) : -sumSquares(pts, t);
    };
    // Fisher scoring (binomial) or Gauss-Newton (least squares), both with step halving and
    // a Levenberg-style ridge when the information matrix is near-singular.
    double obj = objective(th);
    bool converged = false;
    Matrix info, cov;
    for (int it = 0; it < options.maxIterations; ++it) {
        fit.iterations = it + 1;
        info.assign(k, std::vector<double>(k, 0.0));
        std::vector<double> score(k, 0.0), g;
        for (const auto& pt : pts) {
            const double p = std::clamp(model(th, pt.v, &g), kPEps, 1 - kPEps);
            const double wInfo = trialsKnown ? pt.n / (p * (1 - p)) : 1.0;
            const double r = trialsKnown ? (pt.s - pt.n * p) / (p * (1 - p)) : (pt.p - p);
            for (std::size_t a = 0; a < k; ++a) {
                score[a] += r * g[a];
                for (std::size_t b = 0; b < k; ++b) info[a][b] += wInfo * g[a] * g[b];
            }
        }
        Matrix inv;
        double ridge = 0;
        Matrix damped = info;
        while (!detail::invert(damped, inv)) {
            ridge = ridge == 0 ? 1e-10 : ridge * 100;
            if (ridge > 1e6) throw FitError("sigmoid fit: the information matrix is singular; the "
                                            "data do not determine all parameters");
            damped = info;
            for (std::size_t a = 0; a < k; ++a) damped[a][a] += ridge * (1 + info[a][a]);
        }
        const std::vector<double> step = detail::multiply(inv, score);
        double t = 1.0;
        bool improved = false;
        std::vector<double> next(k);
        for (int h = 0; h < 60; ++h, t *= 0.5) {
            for (std::size_t a = 0; a < k; ++a) next[a] = th[a] + t * step[a];
            if (!feasible(next)) continue;
            const double o = objective(next);
            if (o >= obj - 1e-12 * std::fabs(obj)) {
                improved = true;
                break;
            }
        }
        if (!improved) { converged = true; break; }
        const double change = objective(next) - obj;
        double maxRel = 0;
        for (std::size_t a = 0; a < k; ++a)
            maxRel = std::max(maxRel, std::fabs(next[a] - th[a]) / (std::fabs(th[a]) + 1e-8));
        th = next;
        obj = objective(th);
        if (std::fabs(change) < 1e-12 * (1 + std::fabs(obj)) && maxRel < 1e-9) {
            converged = true;
            break;
        }
    }
    if (!converged) fit.warnings.push_back("the fit did not converge in " + std::to_string(options.maxIterations) + " iterations");

    // Final information at the optimum -> covariance.
    info.assign(k, std::vector<double>(k, 0.0));
    std::vector<double> g;
    for (const auto& pt : pts) {
        const double p = std::clamp(model(th, pt.v, &g), kPEps, 1 - kPEps);
        const double wInfo = trialsKnown ? pt.n / (p * (1 - p)) : 1.0;
        for (std::size_t a = 0; a < k; ++a)
            for (std::size_t b = 0; b < k; ++b) info[a][b] += wInfo * g[a] * g[b];
    }
    const int df = int(pts.size()) - int(k);
    fit.degreesOfFreedom = df;
    if (!detail::invert(info, cov)) {
        cov.assign(k, std::vector<double>(k, std::numeric_limits<double>::quiet_NaN()));
        fit.warnings.push_back("the information matrix is singular at the optimum: standard errors are not available");
    }
    if (!trialsKnown) {
        fit.residualSumSquares = sumSquares(pts, th);
        const double s2 = df > 0 ? fit.residualSumSquares / df : std::numeric_limits<double>::quiet_NaN();
        for (auto& row : cov)
            for (double& x : row) x *= s2;
    }
    fit.covariance = cov;

    const double crit = trialsKnown ? stats::normalQuantile(0.5 + options.confidence / 2)
                        : df > 0   ? stats::studentTQuantile(0.5 + options.confidence / 2, df)
                                   : std::numeric_limits<double>::quiet_NaN();
    const char* names[] = {"V50", "w", "floor", "ceiling"};
    const char* units[] = {"V", "V", "", ""};
    for (std::size_t a = 0; a < k; ++a) {
        FitParameter p{names[a], units[a], th[a], std::sqrt(cov[a][a]), 0, 0};
        p.lower = p.value - crit * p.standardError;
        p.upper = p.value + crit * p.standardError;
        fit.parameters.push_back(p);
    }
    if (four) {
        if (th[2] < 1e-6) fit.warnings.push_back("the floor is at its bound 0: its interval is not reliable; consider the 2-parameter form");
        if (th[3] > 1 - 1e-6) fit.warnings.push_back("the ceiling is at its bound 1: its interval is not reliable; consider the 2-parameter form");
    }
    if (th[1] < 0) fit.warnings.push_back("the switching probability decreases with voltage (w < 0)");

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
        fit.pearsonPValue = df > 0 ? stats::chiSquareSurvival(chi2, df) : std::numeric_limits<double>::quiet_NaN();
        fit.aic = -2 * ll + 2 * double(k);
        if (df > 0 && fit.pearsonPValue < 0.05)
            fit.warnings.push_back("Pearson chi^2 p < 0.05: the sigmoid does not describe the data within binomial scatter (overdispersion or a different curve shape)");
    } else {
        const double n = double(pts.size());
        fit.logLikelihood = -0.5 * n * (std::log(2 * M_PI * fit.residualSumSquares / n) + 1);
        fit.aic = -2 * fit.logLikelihood + 2 * double(k + 1);
        fit.deviance = fit.pearsonChi2 = fit.pearsonPValue = std::numeric_limits<double>::quiet_NaN();
    }
    return fit;
}

std::vector<FitResidual> sigmoidResiduals(const std::vector<VoltageCounts>& counts, bool trialsKnown,
                                          const SigmoidFit& fit)
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

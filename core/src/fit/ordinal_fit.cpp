#include "dwmtj/ordinal_fit.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "dwmtj/error.h"
#include "dwmtj/stats.h"
#include "fit/bounded_newton.h"
#include "util/linalg.h"

namespace dwmtj::core {
namespace {

using detail::Matrix;

// The cumulative curves P(state >= k | V) = logistic(eta_k(V)), k = 2..K, with linear
// predictors eta_k(V) = (V - V_k) / w_k. They are parameterized by their values at the ends
// of the measured voltage range, L_k = eta_k(vmin) and U_k = eta_k(vmax); the curves are
// ordered (P_2 >= P_3 >= ... everywhere on [vmin, vmax]) exactly when L and U are
// non-increasing in k, because eta_k - eta_{k+1} is linear in V. So theta holds the first
// value and the non-negative decrements, and ordering is a set of simple bounds d >= 0:
//   separate widths: theta = (L_2, dL_3..dL_K, U_2, dU_3..dU_K)        (2m parameters)
//   common width:    theta = (L_2, dL_3..dL_K, b), eta_k = L_k + b (V - vmin)  (m + 1)
// Both are linear in theta: eta_k(V) = x_k(V)' theta.
struct Design {
    int m = 0;
    bool common = false;
    double vmin = 0, span = 1;
    std::size_t size() const { return std::size_t(common ? m + 1 : 2 * m); }
    /// x_k(V) for curve i = k - 2.
    std::vector<double> row(int i, double v) const
    {
        std::vector<double> x(size(), 0.0);
        const double t = (v - vmin) / span;
        if (common) {
            x[0] = 1;
            for (int j = 1; j <= i; ++j) x[std::size_t(j)] = -1;
            x[std::size_t(m)] = v - vmin;
        } else {
            x[0] = 1 - t;
            x[std::size_t(m)] = t;
            for (int j = 1; j <= i; ++j) x[std::size_t(j)] = -(1 - t), x[std::size_t(m + j)] = -t;
        }
        return x;
    }
};

/// The curves at one voltage, for the observed information: x_k(V) (rows k = 2..K, index k)
/// and q (1 - q)(1 - 2q), the factor of the curve's Hessian H P_k = that x_k x_k'.
struct Curvature {
    std::vector<std::vector<double>> x;
    std::vector<double> c2;
};

/// State probabilities pi_1..pi_K at v and (optionally) their gradients in theta and the
/// curves' curvature.
void stateProbs(const Design& d, const std::vector<double>& th, double v, std::vector<double>& pi,
                Matrix* grad, Curvature* curv = nullptr)
{
    const int K = d.m + 1;
    const std::size_t np = d.size();
    std::vector<double> P(std::size_t(K + 2), 0.0);
    Matrix dP(std::size_t(K + 2), std::vector<double>(np, 0.0));
    if (curv) {
        curv->x.assign(std::size_t(K + 2), {});
        curv->c2.assign(std::size_t(K + 2), 0.0);
    }
    P[1] = 1.0;
    for (int k = 2; k <= K; ++k) {
        auto x = d.row(k - 2, v);
        double eta = 0;
        for (std::size_t a = 0; a < np; ++a) eta += x[a] * th[a];
        const double q = stats::logistic(eta);
        P[std::size_t(k)] = q;
        for (std::size_t a = 0; a < np; ++a) dP[std::size_t(k)][a] = q * (1 - q) * x[a];
        if (curv) {
            curv->c2[std::size_t(k)] = q * (1 - q) * (1 - 2 * q);
            curv->x[std::size_t(k)] = std::move(x);
        }
    }
    pi.assign(std::size_t(K), 0.0);
    if (grad) grad->assign(std::size_t(K), std::vector<double>(np, 0.0));
    for (int j = 1; j <= K; ++j) {
        pi[std::size_t(j - 1)] = P[std::size_t(j)] - P[std::size_t(j + 1)];
        if (grad)
            for (std::size_t a = 0; a < np; ++a)
                (*grad)[std::size_t(j - 1)][a] = dP[std::size_t(j)][a] - dP[std::size_t(j + 1)][a];
    }
}

/// Log-likelihood, score, expected information n/pi g g' and observed information
/// -sum c (H pi / pi - g g' / pi^2), in one pass over the voltages.
double evaluate(const MultiStateDeviceData& data, const Design& d, const std::vector<double>& th,
                std::vector<double>* score, Matrix* info, Matrix* observed = nullptr)
{
    const std::size_t np = d.size();
    const int K = d.m + 1;
    if (score) score->assign(np, 0.0);
    if (info) info->assign(np, std::vector<double>(np, 0.0));
    if (observed) observed->assign(np, std::vector<double>(np, 0.0));
    const bool derivatives = score || info || observed;
    double ll = 0;
    std::vector<double> pi;
    Matrix g;
    Curvature curv;
    for (std::size_t i = 0; i < data.voltages.size(); ++i) {
        stateProbs(d, th, data.voltages[i], pi, derivatives ? &g : nullptr,
                   observed ? &curv : nullptr);
        double n = 0;
        for (int j = 0; j < K; ++j) n += data.stateCounts[i][std::size_t(j)];
        for (int j = 0; j < K; ++j) {
            const double c = data.stateCounts[i][std::size_t(j)];
            const double p = pi[std::size_t(j)];
            if (c > 0) {
                if (!(p > 0)) return -INFINITY;
                ll += c * std::log(p);
            }
            if (!derivatives) continue;
            // Expected information n/pi g g'; a floor on pi keeps it finite where a state
            // has (nearly) zero probability (two curves touching at an active bound).
            const double pf = std::max(p, 1e-12);
            const auto& gj = g[std::size_t(j)];
            for (std::size_t a = 0; a < np; ++a) {
                if (score && c > 0) (*score)[a] += c / p * gj[a];
                if (info)
                    for (std::size_t b = 0; b < np; ++b) (*info)[a][b] += n / pf * gj[a] * gj[b];
            }
            if (!observed || !(c > 0)) continue;
            // State j + 1 (1-based) is P_(j+1) - P_(j+2): H pi = c2 x x' of the first curve
            // minus that of the second (P_1 = 1 and P_(K+1) = 0 have none).
            const std::size_t lo = std::size_t(j + 1), hi = std::size_t(j + 2);
            for (std::size_t a = 0; a < np; ++a)
                for (std::size_t b = 0; b < np; ++b) {
                    double h = 0;
                    if (j >= 1) h += curv.c2[lo] * curv.x[lo][a] * curv.x[lo][b];
                    if (j + 1 < K) h -= curv.c2[hi] * curv.x[hi][a] * curv.x[hi][b];
                    (*observed)[a][b] -= c * (h / p - gj[a] * gj[b] / (p * p));
                }
        }
    }
    return ll;
}

struct Solved {
    Design design;
    detail::BoundedResult result;
};

/// theta from per-curve ends (L_k, U_k), made ordered.
std::vector<double> packStart(const Design& d, std::vector<double> L, std::vector<double> U)
{
    const int m = d.m;
    for (int i = 1; i < m; ++i) {
        L[std::size_t(i)] = std::min(L[std::size_t(i)], L[std::size_t(i - 1)]);
        U[std::size_t(i)] = std::min(U[std::size_t(i)], U[std::size_t(i - 1)]);
    }
    std::vector<double> th(d.size(), 0.0);
    th[0] = L[0];
    for (int i = 1; i < m; ++i) th[std::size_t(i)] = L[std::size_t(i - 1)] - L[std::size_t(i)];
    if (d.common) {
        double b = 0;
        for (int i = 0; i < m; ++i) b += (U[std::size_t(i)] - L[std::size_t(i)]) / d.span;
        th[std::size_t(m)] = b / m;
    } else {
        th[std::size_t(m)] = U[0];
        for (int i = 1; i < m; ++i)
            th[std::size_t(m + i)] = U[std::size_t(i - 1)] - U[std::size_t(i)];
    }
    return th;
}

/// Curve ends (L_k, U_k) of a solution.
void unpack(const Design& d, const std::vector<double>& th, std::vector<double>& L,
            std::vector<double>& U)
{
    L.assign(std::size_t(d.m), 0.0);
    U.assign(std::size_t(d.m), 0.0);
    for (int i = 0; i < d.m; ++i) {
        const auto x0 = d.row(i, d.vmin), x1 = d.row(i, d.vmin + d.span);
        for (std::size_t a = 0; a < d.size(); ++a)
            L[std::size_t(i)] += x0[a] * th[a], U[std::size_t(i)] += x1[a] * th[a];
    }
}

Solved solve(const MultiStateDeviceData& data, Design d,
             const std::vector<std::vector<double>>& starts, int maxIterations)
{
    detail::BoundedProblem pb;
    pb.lower.assign(d.size(), -INFINITY);
    pb.upper.assign(d.size(), INFINITY);
    for (int i = 1; i < d.m; ++i) {
        pb.lower[std::size_t(i)] = 0;
        if (!d.common) pb.lower[std::size_t(d.m + i)] = 0;
    }
    pb.maxIterations = maxIterations;
    pb.evaluate = [&data, d](const std::vector<double>& th, std::vector<double>* g, Matrix* i,
                             Matrix* o) { return evaluate(data, d, th, g, i, o); };
    Solved best{d, detail::maximizeBounded(pb, starts.front())};
    for (std::size_t i = 1; i < starts.size(); ++i)
        if (auto r = detail::maximizeBounded(pb, starts[i]); detail::isBetter(r, best.result))
            best.result = std::move(r);
    return best;
}

}  // namespace

double OrdinalFit::cumulative(int k, double v) const
{
    if (k <= 1) return 1.0;
    if (k > numStates) return 0.0;
    double c = 1.0;
    for (int j = 2; j <= k; ++j)
        c = std::min(c, stats::logistic((v - thresholds[j - 2].value) / widths[j - 2].value));
    return c;
}

double OrdinalFit::cumulativeDerivative(int k, double v) const
{
    if (k <= 1 || k > numStates) return 0.0;
    // cumulative() is the minimum of curves 2..k; its derivative is that of the curve that
    // attains it (outside the measured range, where the raw curves may cross).
    int arg = k;
    double c = INFINITY;
    for (int j = 2; j <= k; ++j) {
        const double q = stats::logistic((v - thresholds[j - 2].value) / widths[j - 2].value);
        if (q < c || (q == c && j == k)) c = q, arg = j;
    }
    const double w = widths[arg - 2].value;
    const double q = stats::logistic((v - thresholds[arg - 2].value) / w);
    return q * (1 - q) / w;
}

double OrdinalFit::stateProbability(int k, double v) const
{
    return cumulative(k, v) - cumulative(k + 1, v);
}

std::vector<std::vector<double>> stateProbabilityTable(const OrdinalFit& fit,
                                                       const std::vector<double>& voltages)
{
    std::vector<std::vector<double>> t;
    for (double v : voltages) {
        std::vector<double> row;
        for (int k = 1; k <= fit.numStates; ++k) row.push_back(fit.stateProbability(k, v));
        t.push_back(row);
    }
    return t;
}

OrdinalFit fitOrdinal(const MultiStateDeviceData& data, const OrdinalFitOptions& options)
{
    const int K = data.numStates;
    if (K < 2)
        throw FitError("ordinal fit: expected at least 2 states, found " + std::to_string(K));
    if (data.voltages.size() < 2)
        throw FitError("ordinal fit: expected at least 2 distinct voltages, found " +
                       std::to_string(data.voltages.size()));
    const int m = K - 1;
    // Per-threshold checks and start values from the binary fits of 1[state >= k].
    std::vector<double> startV, startW;
    for (int k = 2; k <= K; ++k) {
        std::vector<VoltageCounts> ind;
        double any = 0;
        for (std::size_t i = 0; i < data.voltages.size(); ++i) {
            double s = 0, n = 0;
            for (int j = 1; j <= K; ++j) {
                n += data.stateCounts[i][std::size_t(j - 1)];
                if (j >= k) s += data.stateCounts[i][std::size_t(j - 1)];
            }
            any += s;
            ind.push_back({data.voltages[i], s, n, n > 0 ? s / n : 0});
        }
        try {
            const auto f = fitSigmoid(ind, true);
            startV.push_back(f.v50());
            startW.push_back(std::fabs(f.width()));
        } catch (const FitError& e) {
            std::ostringstream msg;
            msg << "ordinal fit: the threshold to state S" << k << " (P(state >= " << k
                << ")) cannot be fitted: " << e.what();
            if (any == 0)
                msg.str("ordinal fit: state S" + std::to_string(k) +
                        " or above was never observed; expected observations of every state 1.." +
                        std::to_string(K));
            throw FitError(msg.str());
        }
    }
    const auto [vlo, vhi] = std::minmax_element(data.voltages.begin(), data.voltages.end());
    Design sep, com;
    sep.m = com.m = m;
    sep.vmin = com.vmin = *vlo;
    sep.span = com.span = *vhi - *vlo;
    com.common = true;
    if (!(sep.span > 0))
        throw FitError("ordinal fit: every measurement is at one voltage; no curve can be fitted");
    std::vector<double> L(static_cast<std::size_t>(m), 0.0), U(static_cast<std::size_t>(m), 0.0);
    std::sort(startV.begin(), startV.end());
    std::vector<double> ws = startW;
    std::nth_element(ws.begin(), ws.begin() + std::ptrdiff_t(ws.size() / 2), ws.end());
    const double wMed = ws[ws.size() / 2];
    // Curve ends (L_k, U_k) of the start thresholds with the width width(k - 2).
    auto ends = [&](auto width, std::vector<double>& l, std::vector<double>& u) {
        for (int i = 0; i < m; ++i) {
            const double w = width(std::size_t(i));
            l[std::size_t(i)] = (sep.vmin - startV[std::size_t(i)]) / w;
            u[std::size_t(i)] = (sep.vmin + sep.span - startV[std::size_t(i)]) / w;
        }
    };
    ends([&](std::size_t) { return wMed; }, L, U);
    // Both models are always fitted: one is the answer, both give the likelihood-ratio test
    // of a common width (proportional odds). The separate-width fit also starts from the
    // common-width optimum, so its log-likelihood is never below the nested model's.
    const Solved common = solve(data, com, {packStart(com, L, U)}, options.maxIterations);
    std::vector<std::vector<double>> sepStarts = {packStart(sep, L, U)};
    {
        std::vector<double> l(static_cast<std::size_t>(m), 0.0),
            u(static_cast<std::size_t>(m), 0.0);
        ends([&](std::size_t i) { return startW[i] > 0 ? startW[i] : wMed; }, l, u);
        sepStarts.push_back(packStart(sep, l, u));
        if (common.result.converged) {
            unpack(com, common.result.theta, l, u);
            sepStarts.push_back(packStart(sep, l, u));
        }
    }
    const Solved separate = solve(data, sep, sepStarts, options.maxIterations);
    const Solved& chosen = options.commonWidth ? common : separate;
    const auto& res = chosen.result;
    const Design& d = chosen.design;

    OrdinalFit fit;
    fit.numStates = K;
    fit.commonWidth = options.commonWidth;
    fit.iterations = res.iterations;
    fit.converged = res.converged;
    fit.convergence = res.message;
    if (!res.converged)
        throw FitError(std::string("ordinal fit: the maximum-likelihood fit (") +
                       (options.commonWidth ? "common width" : "one width per threshold") +
                       ") did not converge (" + res.message + "); this is not a result");
    const std::vector<double>& th = res.theta;
    const double obj = res.logLikelihood;
    for (int a : res.activeLower) {
        const int i = a < m ? a : a - m;  // decrement index: curves i+1 and i+2 (0-based i)
        std::ostringstream c;
        c << "the curves of S" << i + 1 << " and S" << i + 2 << " touch at "
          << (a < m ? sep.vmin : sep.vmin + sep.span)
          << " V (their ordering constraint is active: P(state = " << i + 1 << ") is 0 there)";
        fit.activeConstraints.push_back(c.str());
        fit.warnings.push_back(c.str());
    }

    // Covariance of theta over the free parameters (held ones are not estimated), then the
    // delta method to (V_k, w_k): w = span / (U - L), V = vmin - L span / (U - L).
    const std::size_t np = d.size();
    Matrix info;
    evaluate(data, d, th, nullptr, &info);
    const Matrix covTh = detail::covarianceAtOptimum(info, res, fit.warnings);
    unpack(d, th, L, U);
    Matrix J(std::size_t(2 * m), std::vector<double>(np, 0.0));  // d(V_2..V_K, w_2..w_K)/d theta
    for (int i = 0; i < m; ++i) {
        const auto x0 = d.row(i, d.vmin), x1 = d.row(i, d.vmin + d.span);  // dL/dtheta, dU/dtheta
        const double l = L[std::size_t(i)], u = U[std::size_t(i)], r = u - l, sp = d.span;
        const double dVdL = -sp * u / (r * r), dVdU = sp * l / (r * r);
        const double dWdL = sp / (r * r), dWdU = -sp / (r * r);
        for (std::size_t a = 0; a < np; ++a) {
            J[std::size_t(i)][a] = dVdL * x0[a] + dVdU * x1[a];
            J[std::size_t(m + i)][a] = dWdL * x0[a] + dWdU * x1[a];
        }
    }
    Matrix cov(std::size_t(2 * m), std::vector<double>(std::size_t(2 * m), 0.0));
    for (std::size_t r = 0; r < cov.size(); ++r)
        for (std::size_t c = 0; c < cov.size(); ++c)
            for (std::size_t a = 0; a < np; ++a)
                for (std::size_t b = 0; b < np; ++b) cov[r][c] += J[r][a] * covTh[a][b] * J[c][b];
    fit.covariance = cov;
    const double z = stats::normalQuantile(0.5 + options.confidence / 2);
    for (int i = 0; i < m; ++i) {
        const std::string k = std::to_string(i + 2);
        const double r = U[std::size_t(i)] - L[std::size_t(i)];
        const double w = d.span / r, v = d.vmin - L[std::size_t(i)] * w;
        FitParameter pv{"V_" + k, "V", v, std::sqrt(cov[std::size_t(i)][std::size_t(i)]), 0, 0};
        FitParameter pw{options.commonWidth ? "w" : "w_" + k,
                        "V",
                        w,
                        std::sqrt(cov[std::size_t(m + i)][std::size_t(m + i)]),
                        0,
                        0};
        for (auto* p : {&pv, &pw}) {
            p->lower = p->value - z * p->standardError;
            p->upper = p->value + z * p->standardError;
        }
        fit.thresholds.push_back(pv);
        fit.widths.push_back(pw);
    }
    // Plausibility, as for the binary fit: thresholds and widths on the scale of the data.
    for (int i = 0; i < m; ++i) {
        const double v = fit.thresholds[std::size_t(i)].value, w = fit.widths[std::size_t(i)].value;
        const double mid = d.vmin + d.span / 2;
        if (!std::isfinite(v) || !std::isfinite(w) || std::fabs(v - mid) > 10 * d.span ||
            std::fabs(w) > 10 * d.span) {
            std::ostringstream msg;
            msg << "ordinal fit: the curve of state S" << i + 2 << " and above has V = " << v
                << " V, w = " << w << " V, far outside the measured voltages [" << d.vmin << ", "
                << d.vmin + d.span
                << "] V: the data show no transition to that state. This is not a usable fit";
            throw FitError(msg.str());
        }
        if (w < 0)
            fit.warnings.push_back("the curve of state S" + std::to_string(i + 2) +
                                   " and above decreases with voltage (w < 0)");
    }

    double dev = 0, chi2 = 0;
    int cells = 0, smallCells = 0;
    std::vector<double> pi;
    for (std::size_t i = 0; i < data.voltages.size(); ++i) {
        stateProbs(d, th, data.voltages[i], pi, nullptr);
        double n = 0;
        for (int j = 0; j < K; ++j) n += data.stateCounts[i][std::size_t(j)];
        for (int j = 0; j < K; ++j) {
            const double c = data.stateCounts[i][std::size_t(j)],
                         e = n * std::max(pi[std::size_t(j)], 1e-300);
            if (c > 0) dev += 2 * c * std::log(c / e);
            chi2 += (c - e) * (c - e) / e;
            ++cells;
            if (e < 1) ++smallCells;
        }
    }
    fit.logLikelihood = obj;
    fit.deviance = dev;
    fit.pearsonChi2 = chi2;
    fit.degreesOfFreedom = int(data.voltages.size()) * m - int(np);
    fit.pearsonPValue = fit.degreesOfFreedom > 0
                            ? stats::chiSquareSurvival(chi2, fit.degreesOfFreedom)
                            : std::numeric_limits<double>::quiet_NaN();
    fit.aic = -2 * obj + 2 * double(np);
    if (smallCells * 5 > cells)
        fit.warnings.push_back(
            "more than 20 % of the expected cell counts are below 1: the Pearson chi^2 p-value is "
            "only a rough guide");
    // Common width (proportional odds) against one width per threshold.
    if (m > 1 && common.result.converged && separate.result.converged) {
        auto& t = fit.commonWidthTest;
        t.available = true;
        t.statistic =
            std::max(0.0, 2 * (separate.result.logLikelihood - common.result.logLikelihood));
        t.dof = m - 1;
        t.pValue = stats::chiSquareSurvival(t.statistic, t.dof);
        t.reducedLogLikelihood = common.result.logLikelihood;
        t.reducedAic = -2 * common.result.logLikelihood + 2 * double(m + 1);
        t.fullAic = -2 * separate.result.logLikelihood + 4 * double(m);
        t.reference = "chi2 with " + std::to_string(m - 1) + " d.o.f.";
    }
    return fit;
}

}  // namespace dwmtj::core

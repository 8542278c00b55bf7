#include "fit/bounded_newton.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace dwmtj::core::detail {
namespace {

void project(const BoundedProblem& pb, std::vector<double>& th)
{
    for (std::size_t a = 0; a < th.size(); ++a) th[a] = std::clamp(th[a], pb.lower[a], pb.upper[a]);
}

bool isFixed(const BoundedProblem& pb, std::size_t a) { return !pb.fixed.empty() && pb.fixed[a]; }

/// Is the free block of `h` positive definite (Cholesky succeeds)?
bool positiveDefinite(const Matrix& h, const std::vector<std::size_t>& free)
{
    const std::size_t f = free.size();
    Matrix l(f, std::vector<double>(f, 0.0));
    for (std::size_t i = 0; i < f; ++i)
        for (std::size_t j = 0; j <= i; ++j) {
            double s = h[free[i]][free[j]];
            for (std::size_t k = 0; k < j; ++k) s -= l[i][k] * l[j][k];
            if (i == j) {
                if (!(s > 1e-12 * std::max(1.0, std::fabs(h[free[i]][free[i]])))) return false;
                l[i][i] = std::sqrt(s);
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    return true;
}

/// Solve I_FF d = g_F on the free set with a small ridge when I_FF is near-singular.
bool solveFree(const Matrix& info, const std::vector<double>& g,
               const std::vector<std::size_t>& free, std::vector<double>& step, double& decrement)
{
    const std::size_t f = free.size();
    step.assign(g.size(), 0.0);
    decrement = 0;
    if (f == 0) return true;
    Matrix sub(f, std::vector<double>(f)), inv;
    std::vector<double> gf(f);
    for (std::size_t i = 0; i < f; ++i) {
        gf[i] = g[free[i]];
        for (std::size_t j = 0; j < f; ++j) sub[i][j] = info[free[i]][free[j]];
    }
    Matrix damped = sub;
    double ridge = 0;
    while (!invert(damped, inv)) {
        ridge = ridge == 0 ? 1e-10 : ridge * 100;
        if (ridge > 1e6) return false;
        damped = sub;
        for (std::size_t i = 0; i < f; ++i) damped[i][i] += ridge * (1 + sub[i][i]);
    }
    const std::vector<double> d = multiply(inv, gf);
    for (std::size_t i = 0; i < f; ++i) {
        step[free[i]] = d[i];
        decrement += gf[i] * d[i];
    }
    return true;
}

}  // namespace

BoundedResult maximizeBounded(const BoundedProblem& pb, std::vector<double> th)
{
    const std::size_t k = th.size();
    BoundedResult r;
    project(pb, th);
    std::vector<double> g;
    Matrix expected, observed, info;
    double ll = pb.evaluate(th, &g, &expected, &observed);
    if (!std::isfinite(ll)) {
        r.theta = th;
        r.logLikelihood = ll;
        r.message = "the start values are not a valid model";
        return r;
    }
    auto atLower = [&](std::size_t a) { return th[a] <= pb.lower[a]; };
    auto atUpper = [&](std::size_t a) { return th[a] >= pb.upper[a]; };
    for (int it = 0;; ++it) {
        // Active set: fixed parameters, and those at a bound whose score points outwards.
        // A parameter at a bound with an inward score stays free unless the Newton step
        // on the free set would push it out again (then it is held for this step, and
        // convergence also asks that moving it inward alone gains nothing).
        std::vector<bool> active(k, false);
        for (std::size_t a = 0; a < k; ++a)
            active[a] = isFixed(pb, a) || (atLower(a) && g[a] <= 0) || (atUpper(a) && g[a] >= 0);
        auto freeSet = [&] {
            std::vector<std::size_t> free;
            for (std::size_t a = 0; a < k; ++a)
                if (!active[a]) free.push_back(a);
            return free;
        };
        // Positive definite on the initial free set means on every subset the loop below
        // can shrink it to, too.
        info = !observed.empty() && positiveDefinite(observed, freeSet()) ? observed : expected;
        std::vector<double> step;
        double dec = 0;
        bool singular = false;
        for (;;) {
            const std::vector<std::size_t> free = freeSet();
            if (!solveFree(info, g, free, step, dec)) {
                singular = true;
                break;
            }
            bool changed = false;
            for (std::size_t a : free)
                if ((atLower(a) && step[a] < 0) || (atUpper(a) && step[a] > 0))
                    active[a] = changed = true;
            if (!changed) break;
        }
        if (singular) {
            r.message =
                "the information matrix is singular: the data do not determine every parameter";
            break;
        }
        r.activeLower.clear();
        r.activeUpper.clear();
        r.projectedScoreMax = 0;
        double heldGain = 0;  // largest g_a^2 / I_aa of a held parameter whose score points inwards
        for (std::size_t a = 0; a < k; ++a) {
            if (isFixed(pb, a)) continue;
            const bool inward = (atLower(a) && g[a] > 0) || (atUpper(a) && g[a] < 0);
            if (active[a] && atLower(a))
                r.activeLower.push_back(int(a));
            else if (active[a] && atUpper(a))
                r.activeUpper.push_back(int(a));
            if (!active[a] || inward)
                r.projectedScoreMax = std::max(r.projectedScoreMax, std::fabs(g[a]));
            if (active[a] && inward)
                heldGain = std::max(heldGain, g[a] * g[a] / std::max(expected[a][a], 1e-300));
        }
        r.decrement = dec;
        r.iterations = it;
        if (dec < pb.tolerance && heldGain < pb.tolerance) {
            r.converged = true;
            std::ostringstream m;
            m << "converged after " << it << " iterations (Newton decrement " << dec << ")";
            r.message = m.str();
            break;
        }
        if (it >= pb.maxIterations) {
            std::ostringstream m;
            m << "no convergence in " << pb.maxIterations << " iterations (Newton decrement " << dec
              << ", largest projected score " << r.projectedScoreMax << ")";
            r.message = m.str();
            break;
        }
        // Projected Newton step with halving; if even tiny steps do not gain, a projected
        // scaled-gradient step (diagonal information) is tried before giving up.
        auto tryDirection = [&](const std::vector<double>& dir, std::vector<double>& next,
                                double& nextLl) {
            double t = 1.0;
            for (int h = 0; h < 60; ++h, t *= 0.5) {
                for (std::size_t a = 0; a < k; ++a) next[a] = th[a] + t * dir[a];
                project(pb, next);
                nextLl = pb.evaluate(next, nullptr, nullptr, nullptr);
                if (std::isfinite(nextLl) && nextLl > ll) return true;
            }
            return false;
        };
        std::vector<double> next(k);
        double nextLl = ll;
        bool moved = tryDirection(step, next, nextLl);
        if (!moved) {
            // Every parameter not pushed outwards by its score moves along it.
            std::vector<double> grad(k, 0.0);
            for (std::size_t a = 0; a < k; ++a)
                if (!isFixed(pb, a) && !(atLower(a) && g[a] <= 0) && !(atUpper(a) && g[a] >= 0))
                    grad[a] = g[a] / std::max(expected[a][a], 1e-300);
            moved = tryDirection(grad, next, nextLl);
        }
        if (!moved) {
            // No step gains within floating point: converged only if what remains to gain
            // is negligible against the rounding of the log-likelihood itself.
            const double roundoff = 1e-12 * (1 + std::fabs(ll));
            r.converged = dec < 1e3 * roundoff && heldGain < 1e3 * roundoff;
            std::ostringstream m;
            m << (r.converged ? "converged (no further gain within rounding"
                              : "stalled: no improving step although the score is not zero (")
              << "Newton decrement " << dec << ", largest projected score " << r.projectedScoreMax
              << ")";
            r.message = m.str();
            break;
        }
        th = next;
        ll = pb.evaluate(th, &g, &expected, &observed);
    }
    r.theta = th;
    r.logLikelihood = ll;
    return r;
}

Matrix covarianceAtOptimum(const Matrix& info, const BoundedResult& opt,
                           std::vector<std::string>& warnings)
{
    const std::size_t k = info.size();
    const std::vector<bool> held = opt.held();
    std::vector<std::size_t> freeIdx;
    for (std::size_t a = 0; a < k; ++a)
        if (!held[a]) freeIdx.push_back(a);
    Matrix sub(freeIdx.size(), std::vector<double>(freeIdx.size())), subInv;
    for (std::size_t i = 0; i < freeIdx.size(); ++i)
        for (std::size_t j = 0; j < freeIdx.size(); ++j) sub[i][j] = info[freeIdx[i]][freeIdx[j]];
    if (!invert(sub, subInv)) {
        warnings.push_back(
            "the information matrix is singular at the optimum: standard errors are not available");
        return Matrix(k, std::vector<double>(k, std::numeric_limits<double>::quiet_NaN()));
    }
    Matrix cov(k, std::vector<double>(k, 0.0));
    for (std::size_t i = 0; i < freeIdx.size(); ++i)
        for (std::size_t j = 0; j < freeIdx.size(); ++j) cov[freeIdx[i]][freeIdx[j]] = subInv[i][j];
    return cov;
}

}  // namespace dwmtj::core::detail

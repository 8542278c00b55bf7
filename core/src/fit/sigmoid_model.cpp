// The sigmoid device model and its fit objective (sigmoid_model.h).
#include "sigmoid_model.h"

#include <algorithm>
#include <cmath>

#include "dwmtj/stats.h"

namespace dwmtj::core::sigmoid {

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

/// Second derivatives of p(V; theta) in theta (symmetric, k x k).
Matrix modelHessian(const std::vector<double>& th, double v)
{
    const std::size_t k = th.size();
    Matrix h(k, std::vector<double>(k, 0.0));
    const double w = th[1], z = (v - th[0]) / w, q = stats::logistic(z);
    const double q1 = q * (1 - q), q2 = q1 * (1 - 2 * q);
    const double a = k > 2 ? th[3] - th[2] : 1.0;
    h[0][0] = a * q2 / (w * w);
    h[0][1] = h[1][0] = a * (q2 * z + q1) / (w * w);
    h[1][1] = a * (q2 * z * z + 2 * q1 * z) / (w * w);
    if (k > 2) {
        h[0][2] = h[2][0] = q1 / w;
        h[1][2] = h[2][1] = q1 * z / w;
        h[0][3] = h[3][0] = -q1 / w;
        h[1][3] = h[3][1] = -q1 * z / w;
    }
    return h;
}

/// The objective the fit maximizes: the binomial log-likelihood, or -RSS/2 for least
/// squares (then "information" is the Gauss-Newton matrix), with its score, expected and
/// observed information. -inf outside the model.
double evaluate(const std::vector<Point>& pts, bool trialsKnown, const std::vector<double>& th,
                std::vector<double>* score, Matrix* info, Matrix* observed)
{
    const std::size_t k = th.size();
    if (!(std::isfinite(th[0]) && std::isfinite(th[1]) && th[1] != 0)) return -INFINITY;
    if (k > 2 && !(th[2] >= 0 && th[3] <= 1 && th[2] < th[3])) return -INFINITY;
    if (score) score->assign(k, 0.0);
    if (info) info->assign(k, std::vector<double>(k, 0.0));
    if (observed) observed->assign(k, std::vector<double>(k, 0.0));
    double obj = 0;
    std::vector<double> g;
    for (const auto& pt : pts) {
        const double raw = model(th, pt.v, score || info || observed ? &g : nullptr);
        double r, wInfo, wObs;
        if (trialsKnown) {
            const double p = std::clamp(raw, kPEps, 1 - kPEps);
            obj += pt.s * std::log(p) + (pt.n - pt.s) * std::log1p(-p);
            r = (pt.s - pt.n * p) / (p * (1 - p));
            wInfo = pt.n / (p * (1 - p));
            wObs = pt.s / (p * p) + (pt.n - pt.s) / ((1 - p) * (1 - p));
        } else {
            r = pt.p - raw;
            obj -= 0.5 * r * r;
            wInfo = wObs = 1.0;
        }
        for (std::size_t a = 0; score && a < k; ++a) (*score)[a] += r * g[a];
        for (std::size_t a = 0; info && a < k; ++a)
            for (std::size_t b = 0; b < k; ++b) (*info)[a][b] += wInfo * g[a] * g[b];
        if (observed) {
            const Matrix h = modelHessian(th, pt.v);
            for (std::size_t a = 0; a < k; ++a)
                for (std::size_t b = 0; b < k; ++b)
                    (*observed)[a][b] += wObs * g[a] * g[b] - r * h[a][b];
        }
    }
    return obj;
}

detail::BoundedProblem problemFor(const std::vector<Point>& pts, bool trialsKnown, std::size_t k,
                                  int maxIterations)
{
    detail::BoundedProblem pb;
    pb.lower.assign(k, -INFINITY);
    pb.upper.assign(k, INFINITY);
    if (k > 2) {
        pb.lower[2] = pb.lower[3] = 0;
        pb.upper[2] = pb.upper[3] = 1;
    }
    pb.maxIterations = maxIterations;
    pb.evaluate = [&pts, trialsKnown](const std::vector<double>& th, std::vector<double>* g,
                                      Matrix* i, Matrix* o) {
        return evaluate(pts, trialsKnown, th, g, i, o);
    };
    return pb;
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

}  // namespace dwmtj::core::sigmoid

#include "dwmtj/ordinal_fit.h"

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

// theta = (V_2..V_K, w_2..w_K); m = K - 1 curves.
// State probabilities pi_1..pi_K at v and their gradients.
bool stateProbs(const std::vector<double>& th, int m, double v, std::vector<double>& pi,
                Matrix* grad)
{
    const int K = m + 1;
    std::vector<double> P(K + 2, 0.0);
    Matrix dP(K + 2, std::vector<double>(2 * m, 0.0));
    P[1] = 1.0;
    for (int k = 2; k <= K; ++k) {
        const double w = th[m + k - 2];
        const double z = (v - th[k - 2]) / w;
        const double q = stats::logistic(z);
        P[k] = q;
        dP[k][k - 2] = -q * (1 - q) / w;
        dP[k][m + k - 2] = -q * (1 - q) * z / w;
    }
    pi.assign(K, 0.0);
    if (grad) grad->assign(K, std::vector<double>(2 * m, 0.0));
    bool ok = true;
    for (int j = 1; j <= K; ++j) {
        pi[j - 1] = P[j] - P[j + 1];
        if (!(pi[j - 1] > 1e-300)) ok = false;
        if (grad)
            for (int a = 0; a < 2 * m; ++a) (*grad)[j - 1][a] = dP[j][a] - dP[j + 1][a];
    }
    return ok;
}

double logLik(const MultiStateDeviceData& d, const std::vector<double>& th, int m)
{
    double ll = 0;
    std::vector<double> pi;
    for (std::size_t i = 0; i < d.voltages.size(); ++i) {
        const bool ok = stateProbs(th, m, d.voltages[i], pi, nullptr);
        for (int j = 0; j <= m; ++j) {
            const double c = d.stateCounts[i][j];
            if (c <= 0) continue;
            if (!ok && !(pi[j] > 0)) return -INFINITY;
            ll += c * std::log(std::max(pi[j], 1e-300));
        }
        if (!ok) {
            // A negative state probability anywhere on the data is not a valid model.
            for (double p : pi)
                if (p < 0) return -INFINITY;
        }
    }
    return ll;
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
    const double w = widths[k - 2].value;
    const double q = stats::logistic((v - thresholds[k - 2].value) / w);
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
    if (K < 2) throw FitError("ordinal fit: expected at least 2 states, found " + std::to_string(K));
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
                n += data.stateCounts[i][j - 1];
                if (j >= k) s += data.stateCounts[i][j - 1];
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
            if (any == 0) msg.str("ordinal fit: state S" + std::to_string(k) + " or above was never observed; expected observations of every state 1.." + std::to_string(K));
            throw FitError(msg.str());
        }
    }
    std::sort(startV.begin(), startV.end());
    std::vector<double> ws = startW;
    std::nth_element(ws.begin(), ws.begin() + ws.size() / 2, ws.end());
    const double wMed = ws[ws.size() / 2];
    std::vector<double> th(2 * m);
    for (int i = 0; i < m; ++i) {
        th[i] = startV[i] + 1e-6 * i;
        th[m + i] = wMed;
    }

    OrdinalFit fit;
    fit.numStates = K;
    const std::size_t np = 2 * m;
    double obj = logLik(data, th, m);
    if (!std::isfinite(obj)) throw FitError("ordinal fit: no valid start values (internal)");
    bool converged = false;
    auto information = [&](const std::vector<double>& t, std::vector<double>* score) {
        Matrix info(np, std::vector<double>(np, 0.0));
        if (score) score->assign(np, 0.0);
        std::vector<double> pi;
        Matrix g;
        for (std::size_t i = 0; i < data.voltages.size(); ++i) {
            stateProbs(t, m, data.voltages[i], pi, &g);
            double n = 0;
            for (int j = 0; j < K; ++j) n += data.stateCounts[i][j];
            for (int j = 0; j < K; ++j) {
                // A floor on pi keeps the scoring direction finite where a state is
                // (nearly) impossible; step halving on the exact likelihood keeps ascent.
                const double p = std::max(pi[j], 1e-8);
                for (std::size_t a = 0; a < np; ++a) {
                    if (score) (*score)[a] += data.stateCounts[i][j] / p * g[j][a];
                    for (std::size_t b = 0; b < np; ++b) info[a][b] += n / p * g[j][a] * g[j][b];
                }
            }
        }
        return info;
    };
    for (int it = 0; it < options.maxIterations; ++it) {
        fit.iterations = it + 1;
        std::vector<double> score;
        Matrix info = information(th, &score), inv, damped = info;
        double ridge = 0;
        while (!detail::invert(damped, inv)) {
            ridge = ridge == 0 ? 1e-10 : ridge * 100;
            if (ridge > 1e6) throw FitError("ordinal fit: the information matrix is singular; the data do not determine every threshold and width");
            damped = info;
            for (std::size_t a = 0; a < np; ++a) damped[a][a] += ridge * (1 + info[a][a]);
        }
        const std::vector<double> step = detail::multiply(inv, score);
        double t = 1.0;
        bool improved = false;
        std::vector<double> next(np);
        double nextObj = obj;
        for (int h = 0; h < 60; ++h, t *= 0.5) {
            for (std::size_t a = 0; a < np; ++a) next[a] = th[a] + t * step[a];
            bool ok = true;
            for (int i = 0; i < m; ++i) ok &= next[m + i] > 0 && (i == 0 || next[i] > next[i - 1]);
            if (!ok) continue;
            nextObj = logLik(data, next, m);
            if (nextObj >= obj - 1e-12 * std::fabs(obj)) { improved = true; break; }
        }
        if (!improved) { converged = true; break; }
        double maxRel = 0;
        for (std::size_t a = 0; a < np; ++a)
            maxRel = std::max(maxRel, std::fabs(next[a] - th[a]) / (std::fabs(th[a]) + 1e-8));
        const double change = nextObj - obj;
        th = next;
        obj = nextObj;
        if (std::fabs(change) < 1e-12 * (1 + std::fabs(obj)) && maxRel < 1e-9) { converged = true; break; }
    }
    if (!converged) fit.warnings.push_back("the ordinal fit did not converge in " + std::to_string(options.maxIterations) + " iterations");

    Matrix info = information(th, nullptr), cov;
    if (!detail::invert(info, cov)) {
        cov.assign(np, std::vector<double>(np, std::numeric_limits<double>::quiet_NaN()));
        fit.warnings.push_back("the information matrix is singular at the optimum: standard errors are not available");
    }
    fit.covariance = cov;
    const double z = stats::normalQuantile(0.5 + options.confidence / 2);
    for (int i = 0; i < m; ++i) {
        const std::string k = std::to_string(i + 2);
        FitParameter v{"V_" + k, "V", th[i], std::sqrt(cov[i][i]), 0, 0};
        FitParameter w{"w_" + k, "V", th[m + i], std::sqrt(cov[m + i][m + i]), 0, 0};
        for (auto* p : {&v, &w}) {
            p->lower = p->value - z * p->standardError;
            p->upper = p->value + z * p->standardError;
        }
        fit.thresholds.push_back(v);
        fit.widths.push_back(w);
    }
    double dev = 0, chi2 = 0;
    int cells = 0, smallCells = 0;
    std::vector<double> pi;
    for (std::size_t i = 0; i < data.voltages.size(); ++i) {
        stateProbs(th, m, data.voltages[i], pi, nullptr);
        double n = 0;
        for (int j = 0; j < K; ++j) n += data.stateCounts[i][j];
        for (int j = 0; j < K; ++j) {
            const double c = data.stateCounts[i][j], e = n * std::max(pi[j], 1e-300);
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
    fit.pearsonPValue = fit.degreesOfFreedom > 0 ? stats::chiSquareSurvival(chi2, fit.degreesOfFreedom)
                                                 : std::numeric_limits<double>::quiet_NaN();
    fit.aic = -2 * obj + 2 * double(np);
    if (smallCells * 5 > cells)
        fit.warnings.push_back("more than 20 % of the expected cell counts are below 1: the Pearson chi^2 p-value is only a rough guide");
    return fit;
}

}  // namespace dwmtj::core

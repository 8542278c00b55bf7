// The endpoint on noise and study curves.
#include "dwmtj/noise_endpoint.h"

#include <cmath>

namespace dwmtj::core {

endpoint::NetworkCurve endpointCurve(const NoiseCurve& c)
{
    endpoint::NetworkCurve n;
    n.level = c.sigma;
    n.accuracy = c.accuracy;
    if (c.correct.size() == c.sigma.size()) n.correct = c.correct;
    n.chance = std::isfinite(c.chance) ? c.chance : kBalancedChance;
    return n;
}

endpoint::NetworkCurve endpointCurve(const StudyCurve& c)
{
    endpoint::NetworkCurve n;
    n.level = c.level;
    n.accuracy = c.accuracy;
    if (c.correct.size() == c.level.size()) n.correct = c.correct;
    n.chance = std::isfinite(c.chance) ? c.chance : kBalancedChance;
    const bool hasClean = !c.level.empty() && c.level.front() == 0;
    if (!hasClean && !c.level.empty() && c.normalized.size() == c.level.size() &&
        c.normalized.front() > 0) {
        n.level.insert(n.level.begin(), 0.0);
        n.accuracy.insert(n.accuracy.begin(), c.accuracy.front() / c.normalized.front());
        n.correct.clear();
    }
    return n;
}

std::vector<double> endpointGrid(const std::vector<double>& levels)
{
    if (levels.empty()) return {};
    const auto standard = endpoint::standardGrid();
    if (levels.front() <= 0 && levels.back() >= standard.back() - 1e-9) return standard;
    std::vector<double> own = levels;
    if (own.front() > 0) own.insert(own.begin(), 0.0);
    return own;
}

endpoint::Options endpointOptions(const std::vector<double>& grid)
{
    endpoint::Options o;
    o.grid = grid;
    return o;
}

GroupEndpoints groupEndpoints(std::string label, const std::vector<endpoint::NetworkCurve>& curves,
                              const std::vector<bool>& chanceRecorded, const endpoint::Options& o)
{
    GroupEndpoints g;
    g.label = std::move(label);
    g.auc = endpoint::estimate(curves, endpoint::Measure::auc(), o);
    g.sigma50 = endpoint::estimate(curves, endpoint::Measure::sigma50(), o);
    if (!curves.empty()) g.chance = curves.front().chance;
    g.chanceRecorded = !chanceRecorded.empty();
    for (bool r : chanceRecorded) g.chanceRecorded = g.chanceRecorded && r;
    if (!curves.empty() && !curves.front().correct.empty())
        g.testImages = int(curves.front().correct.front().size());
    return g;
}

}  // namespace dwmtj::core

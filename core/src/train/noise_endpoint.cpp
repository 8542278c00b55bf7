// The endpoint on noise and study curves.
#include "dwmtj/noise_endpoint.h"

#include <cmath>

namespace dwmtj::core {

namespace {
/// A curve's levels, accuracies, per-image records (when there is one row per level) and
/// chance level (kBalancedChance when not recorded).
endpoint::NetworkCurve curveOf(const std::vector<double>& level,
                               const std::vector<double>& accuracy,
                               const std::vector<std::vector<uint8_t>>& correct, double chance)
{
    endpoint::NetworkCurve n;
    n.level = level;
    n.accuracy = accuracy;
    if (correct.size() == level.size()) n.correct = correct;
    n.chance = std::isfinite(chance) ? chance : kBalancedChance;
    return n;
}
}  // namespace

endpoint::NetworkCurve endpointCurve(const NoiseCurve& c)
{
    return curveOf(c.sigma, c.accuracy, c.correct, c.chance);
}

endpoint::NetworkCurve endpointCurve(const StudyCurve& c)
{
    endpoint::NetworkCurve n = curveOf(c.level, c.accuracy, c.correct, c.chance);
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

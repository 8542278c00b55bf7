#include "dwmtj/chip_yield.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "dwmtj/error.h"
#include "dwmtj/estimate.h"

namespace dwmtj::core {
namespace {

/// The q-quantile of sorted values (linear between order statistics, type 7).
double quantile(const std::vector<double>& sorted, double q)
{
    const double h = (double(sorted.size()) - 1) * q;
    const auto i = size_t(std::floor(h));
    const double f = h - double(i);
    return i + 1 < sorted.size() ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i];
}

}  // namespace

ChipYield chipYield(const std::vector<double>& accuracies, double spec)
{
    if (accuracies.empty()) throw OptionsError("yield: no chips to count");
    if (!(spec >= 0 && spec <= 1))
        throw OptionsError("yield: the accuracy spec must be in [0, 1], found " +
                           std::to_string(spec));
    ChipYield y;
    y.spec = spec;
    y.chips = int(accuracies.size());
    for (double a : accuracies) y.passing += a >= spec ? 1 : 0;
    y.yield = double(y.passing) / y.chips;
    wilsonInterval(y.passing, y.chips, 0.95, y.lower, y.upper);
    std::vector<double> s = accuracies;
    std::sort(s.begin(), s.end());
    y.q05 = quantile(s, 0.05);
    y.median = quantile(s, 0.5);
    y.q95 = quantile(s, 0.95);
    return y;
}

double calibrationResidualSd(double width, int pulses)
{
    if (pulses < 1) throw OptionsError("calibration: at least one pulse per neuron");
    if (!(width > 0 && std::isfinite(width)))
        throw OptionsError("calibration: the device's width must be positive");
    return 2 * width / std::sqrt(double(pulses));
}

}  // namespace dwmtj::core

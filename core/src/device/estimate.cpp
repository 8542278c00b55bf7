#include "dwmtj/estimate.h"

#include <algorithm>
#include <cmath>

#include "dwmtj/error.h"
#include "dwmtj/stats.h"

namespace dwmtj::core {

void wilsonInterval(double s, double n, double confidence, double& lower, double& upper)
{
    if (n <= 0) {
        lower = 0;
        upper = 1;
        return;
    }
    const double z = stats::normalQuantile(0.5 + confidence / 2);
    const double p = s / n, z2 = z * z;
    const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
    const double half = z / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    lower = std::max(0.0, centre - half);
    upper = std::min(1.0, centre + half);
    if (s <= 0) lower = 0;
    if (s >= n) upper = 1;
}

std::vector<ProportionEstimate> estimateProportions(const BinaryDeviceData& data, double confidence)
{
    std::vector<ProportionEstimate> out;
    for (const auto& c : data.counts) {
        ProportionEstimate e;
        e.voltage = c.voltage;
        e.switches = c.switches;
        e.trials = c.trials;
        e.trialsKnown = data.trialsKnown;
        if (data.trialsKnown && c.trials > 0) {
            e.p = c.switches / c.trials;
            wilsonInterval(c.switches, c.trials, confidence, e.lower, e.upper);
        } else {
            e.p = c.probability;
            e.lower = e.upper = e.p;
        }
        out.push_back(e);
    }
    return out;
}

PulseHistogram pulsesToSwitchHistogram(const std::vector<SwitchEvent>& events, double voltage, double p)
{
    if (!(p >= 0 && p <= 1)) throw Error("pulses-to-switch histogram: p must be in [0, 1]");
    PulseHistogram h;
    h.voltage = voltage;
    for (const auto& e : events)
        if (std::fabs(e.voltage - voltage) < 1e-9) {
            ++h.cycles;
            h.cap = std::max(h.cap, e.pulses);
        }
    if (h.cycles == 0) throw Error("no switching events at " + std::to_string(voltage) + " V");
    h.observed.assign(std::size_t(std::max(h.cap, 1)), 0.0);
    for (const auto& e : events) {
        if (std::fabs(e.voltage - voltage) >= 1e-9) continue;
        if (e.censored) h.censored += 1;
        else if (e.pulses >= 1) h.observed[std::size_t(e.pulses - 1)] += 1;
    }
    double survive = 1;
    for (int k = 1; k <= int(h.observed.size()); ++k) {
        h.expected.push_back(h.cycles * survive * p);
        survive *= 1 - p;
    }
    return h;
}

}  // namespace dwmtj::core

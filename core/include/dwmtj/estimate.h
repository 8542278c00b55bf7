#pragma once
// Per-voltage estimates of the per-pulse switching probability.
#include <vector>

#include "dwmtj/device_data.h"

namespace dwmtj::core {

struct ProportionEstimate {
    double voltage = 0;
    double switches = 0, trials = 0;
    double p = 0;                 ///< MLE s/n (with censoring: successes over pulses applied)
    double lower = 0, upper = 0;  ///< Wilson score interval
    bool trialsKnown = true;
};

/// Wilson score interval for s successes in n trials at the given confidence (0..1).
void wilsonInterval(double s, double n, double confidence, double& lower, double& upper);

/// Per-voltage MLE and Wilson 95 % interval. Without trial counts the interval is empty (p,p).
std::vector<ProportionEstimate> estimateProportions(const BinaryDeviceData& data,
                                                    double confidence = 0.95);

/// Pulses-to-switch distribution at one voltage (the paper's Fig. 2c) with the geometric
/// law a constant per-pulse probability p predicts.
struct PulseHistogram {
    double voltage = 0;
    int cycles = 0;                ///< events at this voltage
    int cap = 0;                   ///< largest pulse count seen (switch or censoring)
    std::vector<double> observed;  ///< [k-1] = cycles that switched at pulse k, k = 1..cap
    double censored = 0;           ///< cycles with no switch within their cap
    std::vector<double> expected;  ///< [k-1] = cycles * p (1-p)^(k-1)
};
/// Events within 1e-9 V of `voltage`. Throws Error if there are none or p is not in [0, 1].
PulseHistogram pulsesToSwitchHistogram(const std::vector<SwitchEvent>& events, double voltage,
                                       double p);

}  // namespace dwmtj::core

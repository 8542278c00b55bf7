#pragma once
// Per-voltage estimates of the per-pulse switching probability.
#include <vector>

#include "dwmtj/device_data.h"

namespace dwmtj::core {

struct ProportionEstimate {
    double voltage = 0;
    double switches = 0, trials = 0;
    double p = 0;               ///< MLE s/n (with censoring: successes over pulses applied)
    double lower = 0, upper = 0;  ///< Wilson score interval
    bool trialsKnown = true;
};

/// Wilson score interval for s successes in n trials at the given confidence (0..1).
void wilsonInterval(double s, double n, double confidence, double& lower, double& upper);

/// Per-voltage MLE and Wilson 95 % interval. Without trial counts the interval is empty (p,p).
std::vector<ProportionEstimate> estimateProportions(const BinaryDeviceData& data,
                                                    double confidence = 0.95);

}  // namespace dwmtj::core

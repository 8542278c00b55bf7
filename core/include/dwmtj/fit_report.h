#pragma once
// Plain-text reports of per-voltage estimates and fits, shared by the CLI and the GUI.
#include <string>
#include <vector>

#include "dwmtj/estimate.h"
#include "dwmtj/ordinal_fit.h"
#include "dwmtj/sigmoid_fit.h"

namespace dwmtj::core {

/// The logistic width w of p(V) = 1 / (1 + exp(-(V - V50)/w)) as device papers quote widths:
/// the voltage span from 10 % to 90 % switching is 2 ln 9 w, from 25 % to 75 % 2 ln 3 w.
inline constexpr double kWidth10To90 = 4.394449154672439;   // 2 ln 9
inline constexpr double kWidth25To75 = 2.1972245773362196;  // 2 ln 3

/// Every report shows drive amplitudes in `drive`'s unit (volts by default; a current-driven
/// device's in A, mA or uA, with I50 and p(I) for V50 and p(V)).
std::string formatEstimateTable(const std::vector<ProportionEstimate>& estimates,
                                const DriveDisplay& drive = {});
std::string formatSigmoidReport(const SigmoidFit& fit, const DriveDisplay& drive = {});
std::string formatMultiStateTable(const MultiStateDeviceData& data, const DriveDisplay& drive = {});
std::string formatOrdinalReport(const OrdinalFit& fit, const DriveDisplay& drive = {});

}  // namespace dwmtj::core

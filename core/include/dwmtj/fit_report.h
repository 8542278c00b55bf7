#pragma once
// Plain-text reports of per-voltage estimates and fits, shared by the CLI and the GUI.
#include <string>
#include <vector>

#include "dwmtj/estimate.h"
#include "dwmtj/ordinal_fit.h"
#include "dwmtj/sigmoid_fit.h"

namespace dwmtj::core {

std::string formatEstimateTable(const std::vector<ProportionEstimate>& estimates);
std::string formatSigmoidReport(const SigmoidFit& fit);
std::string formatMultiStateTable(const MultiStateDeviceData& data);
std::string formatOrdinalReport(const OrdinalFit& fit);

}  // namespace dwmtj::core

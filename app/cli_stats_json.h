#pragma once
// JSON of the endpoint and of claims (docs/models.md, "Primary endpoint"): the names the
// checks and other tools read, the same in `noise --json`, `robustness --json` and
// reproduction.h5.
#include <string>

#include "dwmtj/endpoint.h"
#include "dwmtj/noise_endpoint.h"
#include "dwmtj/reproduce.h"

namespace dwmtj::cli {

/// {"value", "ci95": [low, high], "se", "df", "networks", "image_level", "note"}.
std::string estimateJson(const core::endpoint::Estimate& e);
/// {"label", "chance", "chance_recorded", "test_images", "chance_corrected_auc": {...},
///  "sigma50": {...}}.
std::string groupEndpointsJson(const core::GroupEndpoints& g);
/// A claim or comparison: id, verdict, test, measured, reason, statistic, p, p_adjusted,
/// family, adjustment, units, difference, ci95, margin, min_detectable_effect.
std::string claimJson(const core::ClaimResult& c);

}  // namespace dwmtj::cli

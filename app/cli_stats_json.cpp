// JSON of endpoint estimates and claims.
#include "cli_stats_json.h"

#include <cmath>

#include "cli_args.h"

namespace dwmtj::cli {

using namespace dwmtj::core;

std::string estimateJson(const endpoint::Estimate& e)
{
    return "{\"value\":" + jsonNumber(e.value) + ",\"ci95\":[" + jsonNumber(e.low) + "," +
           jsonNumber(e.high) + "],\"se\":" + jsonNumber(e.se) + ",\"df\":" + jsonNumber(e.df) +
           ",\"networks\":" + std::to_string(e.networks) +
           ",\"image_level\":" + (e.imageLevel ? "true" : "false") +
           ",\"note\":" + jsonString(e.note) + "}";
}

std::string groupEndpointsJson(const GroupEndpoints& g)
{
    return "{\"label\":" + jsonString(g.label) + ",\"chance\":" + jsonNumber(g.chance) +
           ",\"chance_recorded\":" + (g.chanceRecorded ? "true" : "false") +
           ",\"test_images\":" + std::to_string(g.testImages) +
           ",\"chance_corrected_auc\":" + estimateJson(g.auc) +
           ",\"sigma50\":" + estimateJson(g.sigma50) + "}";
}

std::string claimJson(const ClaimResult& c)
{
    return "{\"id\":" + jsonString(c.id) + ",\"verdict\":" + jsonString(toString(c.verdict)) +
           ",\"p\":" + jsonNumber(c.pValue) + ",\"p_adjusted\":" + jsonNumber(c.pAdjusted) +
           ",\"family\":" + jsonString(c.family) + ",\"adjustment\":" + jsonString(c.adjustment) +
           ",\"units\":" + jsonString(c.units) + ",\"difference\":" + jsonNumber(c.difference) +
           ",\"ci95\":[" + jsonNumber(c.ciLow) + "," + jsonNumber(c.ciHigh) +
           "],\"margin\":" + jsonNumber(c.margin) +
           ",\"min_detectable_effect\":" + jsonNumber(c.minDetectable) +
           ",\"statistic\":" + jsonNumber(c.statistic) + ",\"test\":" + jsonString(c.test) +
           ",\"measured\":" + jsonString(c.measured) + ",\"reason\":" + jsonString(c.reason) + "}";
}

}  // namespace dwmtj::cli

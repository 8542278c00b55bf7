#pragma once
// Shared by the sweep's files (dwmtj/sweep.h): the [compare NAME] sections.
#include <string>
#include <utility>
#include <vector>

#include "dwmtj/endpoint.h"
#include "dwmtj/sweep.h"
#include "util/ini.h"

namespace dwmtj::core {

/// The names a [compare NAME] section uses for its measure and hypothesis (util/enum_names.h
/// tables): read by the sweep file, mapped to the endpoint's by the comparison.
inline constexpr std::pair<endpoint::Measure::Kind, const char*> kComparisonMeasures[] = {
    {endpoint::Measure::Auc, "auc"},
    {endpoint::Measure::Sigma50, "sigma50"},
    {endpoint::Measure::Accuracy, "accuracy"}};
inline constexpr std::pair<endpoint::Hypothesis, const char*> kComparisonHypotheses[] = {
    {endpoint::Hypothesis::TwoSided, "two-sided"},
    {endpoint::Hypothesis::Superiority, "superiority"},
    {endpoint::Hypothesis::NonInferiority, "non-inferiority"},
    {endpoint::Hypothesis::Equivalence, "equivalence"}};

/// A [compare NAME] section (a, b, measure, hypothesis, margin). Throws FileFormatError.
SweepComparison readSweepComparison(const ini::Section& sec, const std::string& path,
                                    const std::vector<SweepComparison>& earlier);
/// Every comparison names two different configurations of the sweep and it has the noise
/// evaluation its measures need. Throws FileFormatError naming the section.
void checkSweepComparisons(const Sweep& s, const std::string& path);
/// The section as sweep-file text.
std::string sweepComparisonText(const SweepComparison& c);

}  // namespace dwmtj::core

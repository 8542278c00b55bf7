#pragma once
// Shared by the sweep's files (dwmtj/sweep.h): the [compare NAME] sections.
#include <string>
#include <vector>

#include "dwmtj/sweep.h"
#include "util/ini.h"

namespace dwmtj::core {

/// A [compare NAME] section (a, b, measure, hypothesis, margin). Throws FileFormatError.
SweepComparison readSweepComparison(const ini::Section& sec, const std::string& path,
                                    const std::vector<SweepComparison>& earlier);
/// Every comparison names two different configurations of the sweep and it has the noise
/// evaluation its measures need. Throws FileFormatError naming the section.
void checkSweepComparisons(const Sweep& s, const std::string& path);
/// The section as sweep-file text.
std::string sweepComparisonText(const SweepComparison& c);

}  // namespace dwmtj::core

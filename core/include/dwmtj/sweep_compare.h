#pragma once
// A sweep's declared comparisons (docs/sweeps.md, "Comparisons"): per [compare NAME] the
// difference a - b of one measure per network with its 95 % interval (seeds and test images,
// paired by image: dwmtj/endpoint.h), p adjusted by Holm within the sweep and multiplied by the
// number of looks, the minimum detectable effect, and the outcome that tells
// --seeds-until-decided whether to add seeds. Torch-free.
#include <map>
#include <string>
#include <vector>

#include "dwmtj/endpoint.h"
#include "dwmtj/experiment.h"
#include "dwmtj/sweep.h"

namespace dwmtj::core {

/// Shown: H1 holds (adjusted p < 0.05). RuledOut: the interval lies where H1 does not hold
/// (superiority, non-inferiority, equivalence; a futility stop). Undecided: neither (more
/// seeds can decide it). Missing: a side has no collected networks with noise curves.
enum class ComparisonOutcome { Shown, RuledOut, Undecided, Missing };
const char* toString(ComparisonOutcome o);  ///< "shown", "ruled out", "undecided", "missing"

struct SweepComparisonResult {
    SweepComparison spec;
    endpoint::Comparison test;  ///< a - b, interval, p, pAdjusted, minDetectable, family
    int networksA = 0, networksB = 0;
    ComparisonOutcome outcome = ComparisonOutcome::Missing;
    std::string verdict;  ///< in words, with the numbers
};

/// The comparisons of `s` on experiments by configuration id (those missing: Missing).
std::vector<SweepComparisonResult> compareSweepResults(
    const Sweep& s, const std::map<std::string, Experiment>& results, int looks);
/// The comparisons of a sweep folder on its collected results (DIR/results/<id>.h5) and its
/// looks (DIR/looks.txt).
std::vector<SweepComparisonResult> compareSweep(const std::string& dir);
/// The looks taken so far in a folder (DIR/looks.txt; 1 when absent) and recording a new count.
int sweepLooks(const std::string& dir);
void setSweepLooks(const std::string& dir, int looks);
/// The configurations of the undecided comparisons with fewer than maxNetworks networks.
std::vector<std::string> configurationsToGrow(const std::vector<SweepComparisonResult>& r,
                                              int maxNetworks);
/// The comparisons as a text table and their verdicts.
std::string sweepComparisonReport(const std::vector<SweepComparisonResult>& r, int looks);

}  // namespace dwmtj::core

#pragma once
// The mechanism study (docs/models.md, "Why resilient?"; internal): the answers of the
// [beyond] sets of kind "mechanism" together.
#include <vector>

#include "dwmtj/reproduce.h"

namespace dwmtj::core {

/// One result for every mechanism set of the plan that compares with `set.compare`: each cell's
/// networks (trained or frozen hidden layers, stochastic or deterministic neurons) with clean
/// accuracy and the chance-corrected AUC, and the answers per device kind and for LIF, each an
/// endpoint comparison.
BeyondResult mechanismResult(const BeyondSet& set, const ReproPlan& plan,
                             const std::vector<ReproJobResult>& jobs);

}  // namespace dwmtj::core

#pragma once
// The noise-robustness endpoint (dwmtj/endpoint.h) on the workbench's curves: noise curves
// (`dwmtj noise`) and robustness-study curves (`dwmtj robustness`). Torch-free.
#include <string>
#include <vector>

#include "dwmtj/endpoint.h"
#include "dwmtj/experiment.h"

namespace dwmtj::core {

/// Fashion-MNIST's full test set is balanced: the chance level of a curve that did not record
/// its own (files written before the per-image records).
inline constexpr double kBalancedChance = 0.1;

/// A curve in the endpoint's terms: its levels, accuracies, per-image records and chance level
/// (kBalancedChance when not recorded). A study curve without level 0 gets it from
/// accuracy / normalized accuracy (its per-image records are then left out).
endpoint::NetworkCurve endpointCurve(const NoiseCurve& c);
endpoint::NetworkCurve endpointCurve(const StudyCurve& c);
/// The declared grid for curves evaluated on `levels`: the standard grid (0..1.5 by 0.1, 2,
/// 2.5, 3) when the levels span 0..3, else the levels themselves (a study choice's own grid,
/// e.g. salt-and-pepper probabilities).
std::vector<double> endpointGrid(const std::vector<double>& levels);
/// Endpoint options for `grid` (1000 image resamples, fixed bootstrap seed).
endpoint::Options endpointOptions(const std::vector<double>& grid);

/// Both endpoints of one group of networks (one per seed), with the chance level used.
struct GroupEndpoints {
    std::string label;
    endpoint::Estimate auc, sigma50;
    double chance = kBalancedChance;
    bool chanceRecorded = false;  ///< every curve recorded its own chance level
    int testImages = 0;           ///< per-image records' length (0: none)
};
GroupEndpoints groupEndpoints(std::string label, const std::vector<endpoint::NetworkCurve>& curves,
                              const std::vector<bool>& chanceRecorded, const endpoint::Options& o);

}  // namespace dwmtj::core

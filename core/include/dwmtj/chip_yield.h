#pragma once
// Chip yield (docs/models.md, "Chip yield and per-chip calibration"): the share of chips
// (networks whose DW-MTJ neurons are each a drawn device) that meet an accuracy spec, and the
// device-to-device spread left after calibrating each chip.
#include <vector>

namespace dwmtj::core {

struct ChipYield {
    double spec = 0;                      ///< accuracy the chip must reach (fraction)
    int chips = 0;                        ///< chips tested (device draws x networks)
    int passing = 0;                      ///< chips at or above the spec
    double yield = 0;                     ///< passing / chips
    double lower = 0, upper = 0;          ///< Wilson 95 % interval of the yield
    double q05 = 0, median = 0, q95 = 0;  ///< of the chips' accuracies
};

/// The yield of `accuracies` (one per chip) at `spec`. Throws OptionsError for no chips or a
/// spec outside [0, 1].
ChipYield chipYield(const std::vector<double>& accuracies, double spec);

/// The V50 spread left after per-chip calibration: each neuron's V50 shift is estimated from
/// `pulses` pulses applied at its nominal V50, where p = 1/2 and one pulse carries Fisher
/// information 1/(4 w^2) about the shift, so the estimate's standard error, the spread the
/// retuned operating points keep, is 2 w / sqrt(pulses) (w the logistic width). Throws
/// OptionsError for pulses < 1 or w <= 0.
double calibrationResidualSd(double width, int pulses);

}  // namespace dwmtj::core

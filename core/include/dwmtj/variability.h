#pragma once
// Device-to-device and cycle-to-cycle variability of the DW-MTJ neurons (docs/models.md,
// "Device variability"): every hidden neuron of a device layer is one physical device with its
// own switching curve. Torch-free settings and the per-device draw.
#include <cstdint>
#include <string>
#include <vector>

namespace dwmtj::core {

struct VariabilitySettings {
    /// Device to device: each device's curve shifted by delta_i ~ N(0, v50Sd) [V] (binary: its
    /// V50; multi-weight: every notch threshold its own shift) and its width scaled by
    /// (1 + eps_i), eps_i ~ N(0, widthSdRel) (clamped so that the scale stays >= 0.05).
    double v50Sd = 0, widthSdRel = 0;
    /// Cycle to cycle: the operating point of every sample jitters by N(0, c2cSd) [V].
    double c2cSd = 0;
    /// Stuck devices: fractions that never switch (off) and always switch (on).
    double stuckOff = 0, stuckOn = 0;
    uint64_t seed = 0;  ///< the device draw (with the run's seed and the layer)
    bool any() const
    {
        return v50Sd > 0 || widthSdRel > 0 || c2cSd > 0 || stuckOff > 0 || stuckOn > 0;
    }
    void validate() const;         ///< throws OptionsError naming the bad setting
    std::string describe() const;  ///< "V50 sd 0.02 V, width sd 10 %, ..." or "none"
};

/// Where a training configuration's variability applies (TrainingConfig::variability):
/// Training = hardware-aware training (the network trains, validates and tests on its drawn
/// devices); Evaluation = trained on the nominal device and then tested on the drawn ones.
enum class VariabilityUse { Training, Evaluation };
const char* toString(VariabilityUse u);                         ///< "training", "evaluation"
VariabilityUse variabilityUseFromString(const std::string& s);  ///< throws OptionsError

/// One device layer's drawn devices: per device (hidden neuron) and curve.
struct DeviceDraw {
    int devices = 0, curves = 0;
    std::vector<float> shift;   ///< [devices][curves] volts
    std::vector<float> scale;   ///< [devices] width scale 1 + eps
    std::vector<int8_t> stuck;  ///< [devices] 0 working, 1 stuck off, 2 stuck on
};

/// Draws `devices` devices with `curves` curves each (1 for binary, K - 1 for multi-weight)
/// from a counter-based generator keyed by (settings.seed, key): the same arguments give the
/// same devices on every machine.
DeviceDraw drawDevices(const VariabilitySettings& s, int devices, int curves, uint64_t key);

}  // namespace dwmtj::core

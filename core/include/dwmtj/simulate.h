#pragma once
// Device simulator: realistic synthetic raw data from a known ground truth. Every draw
// comes from the explicit seed; the same options give the same data.
#include <cstdint>
#include <vector>

#include "dwmtj/device_data.h"

namespace dwmtj::core {

struct BinarySimulationOptions {
    double v50 = 1.8, widthV = 0.1;  ///< ground-truth sigmoid
    double floor = 0, ceiling = 1;   ///< optional 4-parameter truth
    std::vector<double> voltages;    ///< empty = 11 voltages 1.0..2.2 V
    int cycles = 15;
    int pulseCap = 100;  ///< pulses per cycle before censoring
    double parallelOhm = 4000, antiparallelOhm = 4600, readNoiseOhm = 25;
    SwitchDirection direction = SwitchDirection::ParallelToAntiparallel;
    std::uint64_t seed = 1;
    void validate() const;
};

struct MultiStateSimulationOptions {
    int numStates = 5;
    std::vector<double> thresholdsV = {1.6, 2.5, 3.4, 4.3};  ///< V_2..V_K
    std::vector<double> widthsV = {0.25, 0.3, 0.3, 0.35};    ///< w_2..w_K
    double rampMaxV = 5.5, rampStepV = 0.25;                 ///< ramp 0..max
    int cycles = 10;
    std::uint64_t seed = 1;
    void validate() const;
};

/// Binary device: resistance traces (with read noise), the exact events and the counts.
DeviceData simulateBinaryDevice(const BinarySimulationOptions& options);
/// Multi-weight device: the state reached from reset at each ramp voltage and cycle.
DeviceData simulateMultiStateDevice(const MultiStateSimulationOptions& options);

}  // namespace dwmtj::core

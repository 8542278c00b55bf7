#pragma once
// Device-to-device spread from measured devices (docs/models.md, "Device variability"): one
// fit per device file, then the spread of the switching thresholds and widths across devices,
// corrected for each fit's own estimation error, as variability settings.
#include <string>
#include <vector>

#include "dwmtj/device_data.h"
#include "dwmtj/variability.h"

namespace dwmtj::core {

/// One device's fit: binary: the V50 and w of the 2-parameter sigmoid; multi-weight: the
/// thresholds V_2..V_K and widths w_2..w_K of the ordinal fit (separate widths). Each with
/// its standard error. `error` is set (and the numbers empty) when the file cannot be read or
/// fitted.
struct DeviceFitSummary {
    std::string path;
    DeviceKind kind = DeviceKind::Binary;
    std::string error;
    std::vector<double> thresholds, thresholdSe;  ///< [V]
    std::vector<double> widths, widthSe;          ///< [V]
    bool ok() const { return error.empty(); }
};
DeviceFitSummary fitDeviceFile(const std::string& path);
DeviceFitSummary fitDevice(const DeviceData& data);

/// The spread across the fitted devices of one kind (failed fits left out). Thresholds: each
/// device's deviation from the per-threshold mean, pooled over thresholds; widths: each
/// device's mean width relative to the mean over devices. The observed sd contains each
/// fit's estimation error; the device-to-device sd removes it (method of moments:
/// sqrt(max(0, observed variance - mean squared standard error))).
struct DeviceSpread {
    DeviceKind kind = DeviceKind::Binary;
    int devices = 0;
    std::vector<double> thresholdMean;                ///< per threshold [V]
    double thresholdSdObserved = 0, thresholdSd = 0;  ///< [V]
    double widthMean = 0;                             ///< [V]
    double widthSdRelObserved = 0, widthSdRel = 0;    ///< relative to widthMean
    double meanThresholdSe = 0, meanWidthSeRel = 0;   ///< root mean square of the fits' errors
};
/// Throws OptionsError with fewer than two fitted devices or devices of mixed kinds or
/// numbers of states.
DeviceSpread deviceSpread(const std::vector<DeviceFitSummary>& fits);
/// Device-to-device settings of the spread (V50 sd = thresholdSd, width sd = widthSdRel; no
/// cycle-to-cycle jitter, no stuck devices).
VariabilitySettings variabilityFromSpread(const DeviceSpread& s);

}  // namespace dwmtj::core

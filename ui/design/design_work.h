#pragma once
// The Design page's work in its worker threads (design_page.h): the design run (prepare the
// folder, train the sweep with the dwmtj program, test the chips), reading a result with its
// chips, and the calibrated chips of one device.
#include <QString>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "design/design_charts.h"
#include "dwmtj/design.h"

namespace dwmtj::ui {

class BackgroundTask;

/// Prepares `dir` with the design `preset` (a preset name or file; empty: the folder's own),
/// trains its incomplete networks `jobs` at a time with `program`, then tests the chips and
/// saves the result. Reports progress with an ETA; returns early when stopped. Throws Error.
void runDesignWork(const std::string& dir, const std::string& preset, int jobs,
                   const std::string& program, std::stop_token stop, BackgroundTask& task);
/// The chips of a device's hardware-aware networks in loadDesignView's map: on the chips they
/// trained on (one per network) and on new chips of the same V50 spread.
inline constexpr const char* kHardwareAwareOwn = "v50_hw_own";
inline constexpr const char* kHardwareAwareNew = "v50_hw_new";
/// The folder's design.h5 and, per device, the chips its networks were tested as.
void loadDesignView(const std::string& dir, core::DesignResult& result,
                    std::map<std::string, std::map<std::string, ChipLevels>>& chips);
/// One device's yield curves along `axis` (its loadDesignView entry), one per level named
/// "axisLabel level", and along v50 also its hardware-aware networks' chips.
ChipCurves deviceYieldCurves(const std::map<std::string, ChipLevels>& byAxis,
                             const std::string& axis, const QString& axisLabel);
/// The networks of `file` tested as the design's chips after per-chip calibration with
/// `pulses` per neuron (V50 spread 2 w / sqrt(pulses)); `label` names the curve.
std::vector<double> calibratedChips(const std::string& dir, const std::string& file, int pulses,
                                    std::stop_token stop, BackgroundTask& task, QString& label);

}  // namespace dwmtj::ui

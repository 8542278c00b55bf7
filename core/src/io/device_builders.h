#pragma once
// Shared validation that turns raw columns into DeviceData (internal). Used by the CSV,
// HDF5 and NumPy readers so every format applies the same checks and messages.
#include <string>
#include <vector>

#include "dwmtj/device_io.h"

namespace dwmtj::core::detail {

/// `where[i]` names the source of row i ("line 12", "/counts row 3") for messages.
void buildFromTraces(DeviceData& d, const std::string& path, std::vector<ResistanceTrace> traces,
                     const DeviceLoadOptions& o);
void buildFromEvents(DeviceData& d, const std::string& path, std::vector<SwitchEvent> events,
                     const std::vector<std::string>& where);
void buildFromCounts(DeviceData& d, const std::string& path, const std::vector<double>& v,
                     const std::vector<double>& s, const std::vector<double>& n,
                     const std::vector<std::string>& where);
/// `n` empty = trials unknown (least-squares fit later).
void buildFromProbabilities(DeviceData& d, const std::string& path, const std::vector<double>& v,
                            const std::vector<double>& p, const std::vector<double>& n,
                            const std::vector<std::string>& where);
void buildMultiState(DeviceData& d, const std::string& path, std::vector<MultiStateObservation> obs,
                     const std::vector<std::string>& where, const DeviceLoadOptions& o);

/// Checks a value is a whole number >= minimum; throws FileFormatError.
int wholeNumber(const std::string& path, const std::string& where, const std::string& what,
                double x, int minimum);

}  // namespace dwmtj::core::detail

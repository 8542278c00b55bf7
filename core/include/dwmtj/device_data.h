#pragma once
// Device measurement data model. Units: voltage in volts, resistance in ohms, counts are
// plain integers. All structs are values (copyable); nothing here owns external resources.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dwmtj::core {

enum class SwitchDirection { Unknown, ParallelToAntiparallel, AntiparallelToParallel };
const char* toString(SwitchDirection d);

/// One cycle at one voltage: resistance read after each pulse 1..N.
struct ResistanceTrace {
    double voltage = 0;
    int cycle = 0;
    std::vector<double> resistanceOhm;  ///< index i = reading after pulse i+1
};

/// One cycle at one voltage: the pulse that switched the device, or censored at the cap.
struct SwitchEvent {
    double voltage = 0;
    int cycle = 0;
    int pulses = 0;         ///< pulse number that switched (1-based), or the cap if censored
    bool censored = false;  ///< true: no switch within `pulses` pulses
};

/// Bernoulli counts at one voltage (aggregated over cycles and pulses).
struct VoltageCounts {
    double voltage = 0;
    double switches = 0;     ///< successes s
    double trials = 0;       ///< trials n (0 when unknown)
    double probability = 0;  ///< s/n, or the given probability when trials are unknown
};

/// How resistance traces were turned into switch events.
struct SwitchDetection {
    double lowLevelOhm = 0, highLevelOhm = 0, thresholdOhm = 0;
    double separation = 0;  ///< (high - low) / pooled level s.d.
    SwitchDirection direction = SwitchDirection::Unknown;
    bool directionDetected = false;  ///< false if the user chose it
};

/// A binary (one-notch) device: the per-pulse switching probability vs voltage.
struct BinaryDeviceData {
    std::vector<ResistanceTrace> traces;  ///< present when imported from traces
    std::vector<SwitchEvent> events;      ///< present for traces and event files
    std::vector<VoltageCounts> counts;    ///< always present, sorted by voltage
    bool trialsKnown = true;  ///< false: only probabilities were given (least-squares fit)
    std::optional<SwitchDetection> detection;
};

/// One observation of a multi-weight device: state reached from reset at a voltage.
struct MultiStateObservation {
    double voltage = 0;
    int cycle = 0;
    int state = 1;  ///< 1..K
};

struct MultiStateDeviceData {
    int numStates = 0;  ///< K
    std::vector<MultiStateObservation> observations;
    /// Per distinct voltage (sorted): counts[v][k-1] = cycles that reached state k.
    std::vector<double> voltages;
    std::vector<std::vector<double>> stateCounts;
};

enum class DeviceKind { Binary, MultiState };

struct LoadWarning {
    std::string location;  ///< "row 12", "/counts/trials", ...
    std::string message;
};

/// Everything loaded from one device file.
/// Plausibility limit on the states of a multi-weight device read from a file.
constexpr int kMaxDeviceStates = 64;

struct DeviceData {
    DeviceKind kind = DeviceKind::Binary;
    std::string sourcePath;
    std::string sourceSha256;  ///< of the file bytes
    std::string sourceShape;   ///< "traces", "events", "counts", "probabilities", "multistate"
    BinaryDeviceData binary;
    MultiStateDeviceData multi;
    std::vector<LoadWarning> warnings;
};

/// Aggregate switch events into per-voltage Bernoulli counts (sorted by voltage).
/// A switch at pulse k contributes 1 success in k trials; a censored cycle 0 in its cap.
std::vector<VoltageCounts> aggregateEvents(const std::vector<SwitchEvent>& events);

/// Aggregate multi-state observations into the per-voltage state-count table.
void aggregateStates(MultiStateDeviceData& data);

/// Options for turning resistance traces into switch events.
struct SwitchDetectionOptions {
    SwitchDirection direction = SwitchDirection::Unknown;  ///< Unknown = detect from the data
    std::optional<double> thresholdOhm;                    ///< unset = midpoint of the two levels
};

/// Find the two resistance levels, the threshold and the direction, and the switch events.
/// Throws Error if the traces do not show two distinct levels.
SwitchDetection detectSwitching(const std::vector<ResistanceTrace>& traces,
                                const SwitchDetectionOptions& options,
                                std::vector<SwitchEvent>& eventsOut);

}  // namespace dwmtj::core

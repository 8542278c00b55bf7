#pragma once
// Device measurement data model. Units: the drive (pulse amplitude) in volts for a
// voltage-driven device or in amperes for a current-driven one (DeviceData::drive; the fields
// keep the name `voltage`), resistance in ohms, counts are plain integers. All structs are values
// (copyable); nothing here owns external resources.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dwmtj::core {

/// What the pulse amplitude is: a voltage [V] or a current [A]. Everything stored is in the
/// SI unit; reports and charts show it in a readable unit (driveDisplay).
enum class Drive { Voltage, Current };
const char* toString(Drive d);  ///< "voltage", "current"
const char* siUnit(Drive d);    ///< "V", "A": the unit every stored amplitude is in
/// The drive column as files write it, in SI units: "voltage (V)", "current (A)".
std::string driveColumnHeader(Drive d);
/// Parses "voltage" / "current" (also "V" / "A"); throws OptionsError naming `what`.
Drive driveFromString(const std::string& s, const std::string& what);

/// How a drive amplitude is shown: its symbol ("V", "I"), the unit ("V", "mA") and the factor
/// from the SI value to that unit (1e3 for mA).
struct DriveDisplay {
    std::string symbol = "V";          ///< "V" or "I": p(V), V50 / p(I), I50
    std::string unit = "V";            ///< "V", "A", "mA", "uA"
    double factor = 1;                 ///< displayed = SI value * factor
    std::string quantity = "voltage";  ///< "voltage" or "current"
    double shown(double si) const { return si * factor; }
    /// "voltage [V]" / "current [mA]"
    std::string axisLabel() const { return quantity + " [" + unit + "]"; }
};
/// Voltages are shown in V; currents in A, mA or uA by the magnitude `typical` [A] (the
/// largest |amplitude| of the data, or 0 for mA).
DriveDisplay driveDisplay(Drive d, double typical = 0);
/// Parameter names in the drive's symbol: "V50" -> "I50", "V_2" -> "I_2", "p(V)" -> "p(I)".
std::string driveName(const std::string& voltageName, Drive d);

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
    std::string sourceSha256;      ///< of the file bytes
    std::string sourceShape;       ///< "traces", "events", "counts", "probabilities", "multistate"
    Drive drive = Drive::Voltage;  ///< what the `voltage` fields hold: volts or amperes
    BinaryDeviceData binary;
    MultiStateDeviceData multi;
    std::vector<LoadWarning> warnings;
};

/// The largest |drive amplitude| in the data (for driveDisplay).
double largestAmplitude(const DeviceData& d);
/// driveDisplay for the data's drive and magnitudes.
DriveDisplay driveDisplay(const DeviceData& d);

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

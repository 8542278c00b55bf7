#pragma once
// Import and export of device data. Formats are documented in README.md ("File formats").
//   CSV: resistance traces (voltage, cycle, pulse, resistance), switching events (voltage,
//        cycle, pulses_to_switch, censored), aggregated counts (voltage, switches, trials),
//        probabilities (voltage, probability[, trials]), multi-state (voltage, cycle, state).
//   HDF5: the layout in README.md. NumPy: .npy (N x 2) or .npz (one N x 2 array, or arrays
//        named voltage and probability[, trials]).
// Loading never modifies anything the caller already has: it returns a new DeviceData or
// throws FileFormatError naming the file, the row/column or HDF5 path, what was expected
// and what was found.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dwmtj/device_data.h"
#include "dwmtj/sha256.h"  // sha256File: the provenance hash of loaded files

namespace dwmtj::core {

/// PulseLog: one row per pulse applied, `switched` 0/1 (counted per voltage: switches out of
/// the pulses applied).
enum class CsvShape { Auto, Traces, Events, Counts, Probabilities, MultiState, PulseLog };
const char* toString(CsvShape s);

enum class ColumnRole {
    Ignore,
    Voltage,
    Cycle,
    Pulse,
    Resistance,
    PulsesToSwitch,
    Censored,
    Switches,
    Trials,
    Probability,
    State
};
const char* toString(ColumnRole r);

/// How a CSV file will be read: what a preview shows before the user accepts it.
struct CsvLayout {
    char delimiter = ',';
    bool hasHeader = true;
    int headerLine = 0;  ///< 1-based line number of the header (0 if none)
    std::vector<std::string> headers;
    std::vector<ColumnRole> roles;
    std::vector<double> scale;       ///< unit factor to volts / amperes / ohms (mV -> 1e-3)
    std::vector<std::string> units;  ///< unit as written ("mV", "mA", "kOhm", "")
    /// The drive column's quantity: from its unit (V, mV, uV / A, mA, uA, nA) or, without a
    /// unit, its name ("current", "I", "pulse_current": amperes).
    Drive drive = Drive::Voltage;
    CsvShape shape = CsvShape::Auto;
    std::vector<std::vector<std::string>> previewRows;  ///< first data rows, as text
    std::size_t dataRows = 0;                           ///< number of data rows
    std::string problem;  ///< why the columns cannot be mapped as they are ("" = fine)
};

struct DeviceLoadOptions {
    CsvShape shape = CsvShape::Auto;   ///< CSV only; Auto = from the header names
    std::vector<ColumnRole> roles;     ///< CSV only; one per column, overrides the header names
    SwitchDetectionOptions detection;  ///< for resistance traces
    int numStates = 0;                 ///< multi-state: 0 = the largest state seen
    /// CSV only: the drive column's quantity when its header gives no unit (a unit decides
    /// otherwise; a unit of the other quantity is an error). Unset: from the header's name.
    std::optional<Drive> drive;
    std::size_t maxRows = 50'000'000;  ///< refuse larger files (guards against hostile input)
};

/// Detect delimiter, header, column roles, units and shape (what the import preview shows).
/// Throws FileFormatError when the file cannot be read as a table; a table whose columns
/// cannot be mapped is returned with `problem` set, so the user can map them.
CsvLayout inspectCsv(const std::string& path, const DeviceLoadOptions& options = {});

/// A device-data format (docs/extending.md, "An import format"). Loading, folder listing, the
/// file dialogs' filters and the messages naming the accepted formats all read the registered
/// list; the tests check that each format has good and bad files and a fuzz target.
struct DeviceReader {
    std::string id;     ///< "csv", "h5", "numpy": its fuzz target is tests/fuzz/fuzz_device_<id>
    std::string label;  ///< "text table", for dialogs and messages
    std::vector<std::string> extensions;  ///< lower case, with the dot: {".npy", ".npz"}
    /// Recognizes the format from a file's first bytes, for a file without an extension; null:
    /// never chosen that way.
    std::function<bool(std::string_view head)> sniff;
    /// Reads the file; loadDeviceFile then sets sourcePath and sourceSha256.
    std::function<DeviceData(const std::string& path, const DeviceLoadOptions&)> load;
};
/// The registered formats, the built-in ones first (HDF5, NumPy, text tables).
const std::vector<DeviceReader>& deviceReaders();
/// Adds a format (an extension or a test); call it before any loading starts. Throws
/// OptionsError for an id or extension already registered.
void registerDeviceReader(DeviceReader reader);
/// The reader of `path`: by extension; a file without one by its first bytes. nullptr: none.
const DeviceReader* deviceReaderFor(const std::string& path);
/// Every registered extension as file-dialog patterns: "*.h5 *.hdf5 ... *.csv".
std::string deviceFilePatterns();
/// The registered extensions for messages: "a .h5/.hdf5/.he5, .npy/.npz or .csv/... file".
std::string deviceFormatsText();

/// Load any supported file (deviceReaderFor: .csv/.txt/.tsv/.dat, .h5/.hdf5/.he5, .npy, .npz).
DeviceData loadDeviceFile(const std::string& path, const DeviceLoadOptions& options = {});
/// The files of folder `dir` (not its subfolders) whose extension loadDeviceFile reads, sorted
/// by name: a folder of per-device measurements.
std::vector<std::string> deviceFilesIn(const std::string& dir);

/// Writers used by the simulator and tests (atomic: temp file + rename).
void saveTracesCsv(const DeviceData& data, const std::string& path);
void saveEventsCsv(const DeviceData& data, const std::string& path);
void saveCountsCsv(const DeviceData& data, const std::string& path);
void saveMultiStateCsv(const DeviceData& data, const std::string& path);
/// HDF5 device file in the documented layout (traces/events/counts or multistate groups).
void saveDeviceHdf5(const DeviceData& data, const std::string& path);
/// True when `path` is an HDF5 file whose root attribute `format` is "dwmtj-device" (one
/// attribute read; anything unreadable is false, never an exception). The workbench uses it
/// to send a dropped HDF5 file to the Device page rather than the Runs page.
bool isDeviceHdf5(const std::string& path);

}  // namespace dwmtj::core

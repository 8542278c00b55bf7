#pragma once
// CSV parsing for device files (internal): tokenizing, header/unit detection, number parsing.
#include <string>
#include <vector>

#include "dwmtj/device_io.h"

namespace dwmtj::core::detail {

struct CsvRow {
    int line = 0;  ///< 1-based line number in the file
    std::vector<std::string> fields;
};

struct CsvTable {
    CsvLayout layout;
    std::vector<CsvRow> rows;  ///< data rows (after the header)
};

/// Reads, tokenizes and maps columns; throws FileFormatError. With `tolerant`, a column
/// mapping problem is reported in layout.problem instead (for the import preview).
CsvTable readCsv(const std::string& path, const DeviceLoadOptions& options, bool tolerant = false);

/// Header cells (csv_header.cpp). trim: surrounding blanks and one pair of quotes.
std::string trim(const std::string& s);
std::string lower(std::string s);

struct UnitInfo {
    double factor;  ///< to V, A or ohm
    bool voltage;
    bool resistance;
    bool current = false;
};
/// V, mV, uV, kV (any case); A, mA, uA/µA, nA (by case); Ohm, kOhm, MOhm. False otherwise.
bool parseUnit(const std::string& u, UnitInfo& info);
/// Splits "Voltage (mV)", "voltage [V]", "voltage_mV", "R/kOhm" into name and unit.
void splitHeader(const std::string& h, std::string& name, std::string& unit);
/// The role a column's name gives it (Ignore for an unknown name).
ColumnRole roleOf(const std::string& rawName);
/// A drive column named for a current ("current", "I", ...) or for a voltage ("voltage", "V").
bool namesCurrent(const std::string& rawName);
bool namesVoltage(const std::string& rawName);

/// A drive unit: V, mV, uV, kV (voltage) or A, mA, uA, nA (current, case-sensitive); sets
/// the factor to the SI unit. False for anything else.
bool parseDriveUnit(const std::string& unit, Drive& drive, double& factor);

/// Parse a finite double; throws FileFormatError naming line and column.
double parseNumber(const std::string& path, const CsvRow& row, std::size_t col,
                   const std::string& colName);

}  // namespace dwmtj::core::detail

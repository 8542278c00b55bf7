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

/// Parse a finite double; throws FileFormatError naming line and column.
double parseNumber(const std::string& path, const CsvRow& row, std::size_t col,
                   const std::string& colName);

}  // namespace dwmtj::core::detail

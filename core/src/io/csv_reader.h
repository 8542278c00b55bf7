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

/// Reads, tokenizes and maps columns; throws FileFormatError.
CsvTable readCsv(const std::string& path, const DeviceLoadOptions& options);

/// Parse a finite double; throws FileFormatError naming line and column.
double parseNumber(const std::string& path, const CsvRow& row, std::size_t col,
                   const std::string& colName);

}  // namespace dwmtj::core::detail

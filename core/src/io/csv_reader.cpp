#include "io/csv_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "dwmtj/error.h"
#include "util/atomic_file.h"

namespace dwmtj::core {

const char* toString(CsvShape s)
{
    switch (s) {
        case CsvShape::Traces:
            return "resistance traces";
        case CsvShape::Events:
            return "switching events";
        case CsvShape::Counts:
            return "aggregated counts";
        case CsvShape::Probabilities:
            return "probabilities";
        case CsvShape::MultiState:
            return "multi-state";
        case CsvShape::PulseLog:
            return "per-pulse log";
        default:
            return "auto";
    }
}

const char* toString(ColumnRole r)
{
    switch (r) {
        case ColumnRole::Voltage:
            return "voltage";
        case ColumnRole::Cycle:
            return "cycle";
        case ColumnRole::Pulse:
            return "pulse";
        case ColumnRole::Resistance:
            return "resistance";
        case ColumnRole::PulsesToSwitch:
            return "pulses_to_switch";
        case ColumnRole::Censored:
            return "censored";
        case ColumnRole::Switches:
            return "switches";
        case ColumnRole::Trials:
            return "trials";
        case ColumnRole::Probability:
            return "probability";
        case ColumnRole::State:
            return "state";
        default:
            return "ignored";
    }
}

namespace detail {
namespace {

constexpr std::size_t kMaxLineBytes = 1 << 20;
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t(4) << 30;

std::vector<std::string> split(const std::string& line, char delim)
{
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false;
    for (char c : line) {
        if (c == '"') quoted = !quoted;
        if (c == delim && !quoted) {
            out.push_back(trim(cur));
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    out.push_back(trim(cur));
    return out;
}

bool looksNumeric(const std::string& s)
{
    if (s.empty()) return false;
    double v;
    const char* b = s.data();
    if (*b == '+') ++b;
    auto [p, ec] = std::from_chars(b, s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
}

std::vector<ColumnRole> canonicalRoles(CsvShape s)
{
    using R = ColumnRole;
    switch (s) {
        case CsvShape::Traces:
            return {R::Voltage, R::Cycle, R::Pulse, R::Resistance};
        case CsvShape::Events:
            return {R::Voltage, R::Cycle, R::PulsesToSwitch, R::Censored};
        case CsvShape::Counts:
            return {R::Voltage, R::Switches, R::Trials};
        case CsvShape::Probabilities:
            return {R::Voltage, R::Probability, R::Trials};
        case CsvShape::MultiState:
            return {R::Voltage, R::Cycle, R::State};
        case CsvShape::PulseLog:
            return {R::Voltage, R::Switches};
        default:
            return {};
    }
}

CsvShape shapeFromRoles(const std::vector<ColumnRole>& roles)
{
    std::set<ColumnRole> has(roles.begin(), roles.end());
    using R = ColumnRole;
    auto all = [&](std::initializer_list<R> rs) {
        return std::all_of(rs.begin(), rs.end(), [&](R r) { return has.count(r) > 0; });
    };
    if (all({R::Voltage, R::Cycle, R::Pulse, R::Resistance})) return CsvShape::Traces;
    if (all({R::Voltage, R::PulsesToSwitch})) return CsvShape::Events;
    if (all({R::Voltage, R::Cycle, R::State})) return CsvShape::MultiState;
    if (all({R::Voltage, R::Switches, R::Trials})) return CsvShape::Counts;
    if (all({R::Voltage, R::Probability})) return CsvShape::Probabilities;
    if (all({R::Voltage, R::Switches})) return CsvShape::PulseLog;  // 0/1 per pulse
    return CsvShape::Auto;
}

std::string describeRoles(const std::vector<std::string>& headers)
{
    std::string s;
    for (const auto& h : headers) s += (s.empty() ? "" : ", ") + ("'" + h + "'");
    return s.empty() ? "no columns" : s;
}

}  // namespace

double parseNumber(const std::string& path, const CsvRow& row, std::size_t col,
                   const std::string& colName)
{
    const std::string& s = row.fields.at(col);
    const std::string where = "line " + std::to_string(row.line) + ", column '" + colName + "'";
    if (s.empty()) throw FileFormatError(path, where, "a number", "an empty field");
    double v = 0;
    const char* b = s.data();
    if (*b == '+') ++b;
    auto [p, ec] = std::from_chars(b, s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) {
        // Decimal commas ("1,75") are a common locale artefact with ';' delimiters.
        if (s.find(',') != std::string::npos && s.find('.') == std::string::npos) {
            std::string t = s;
            std::replace(t.begin(), t.end(), ',', '.');
            auto [p2, ec2] = std::from_chars(t.data(), t.data() + t.size(), v);
            if (ec2 == std::errc() && p2 == t.data() + t.size() && std::isfinite(v)) return v;
        }
        throw FileFormatError(path, where, "a number", "'" + s + "'");
    }
    if (!std::isfinite(v)) throw FileFormatError(path, where, "a finite number", "'" + s + "'");
    return v;
}

/// Column roles, units and shape of the table: from the header names, or from the roles the
/// user chose in the import preview, or from an explicit shape for a header-less file.
void mapColumns(const std::string& path, const DeviceLoadOptions& options,
                const std::vector<std::string>& first, int firstLine, CsvLayout& L)
{
    const std::size_t ncols = first.size();
    L.roles.assign(ncols, ColumnRole::Ignore);
    L.scale.assign(ncols, 1.0);
    L.units.assign(ncols, "");
    L.headers.clear();
    const bool userRoles = !options.roles.empty();
    const std::string where = "line " + std::to_string(firstLine);
    if (L.hasHeader) {
        for (std::size_t c = 0; c < ncols; ++c) {
            std::string name, unit;
            splitHeader(first[c], name, unit);
            L.headers.push_back(first[c]);
            L.roles[c] = roleOf(name);
            if (userRoles && c < options.roles.size()) L.roles[c] = options.roles[c];
            const bool drive = L.roles[c] == ColumnRole::Voltage;
            if (drive && namesCurrent(name)) L.drive = Drive::Current;
            if (!unit.empty()) {
                UnitInfo info{1, false, false};
                const bool known = parseUnit(unit, info);
                const bool needsOhm = L.roles[c] == ColumnRole::Resistance;
                const bool currentName = namesCurrent(name), voltageName = namesVoltage(name);
                const bool driveOk = known && (currentName   ? info.current
                                               : voltageName ? info.voltage
                                                             : info.voltage || info.current);
                if ((drive && !driveOk) || (needsOhm && !(known && info.resistance)))
                    throw FileFormatError(path, where + ", column '" + first[c] + "'",
                                          !drive        ? "a resistance unit (Ohm, kOhm, MOhm)"
                                          : currentName ? "a current unit (A, mA, uA, nA)"
                                          : voltageName
                                              ? "a voltage unit (V, mV, uV)"
                                              : "a voltage unit (V, mV, uV) or a current unit "
                                                "(A, mA, uA, nA)",
                                          "unit '" + unit + "'");
                if (known && (drive || needsOhm)) {
                    L.scale[c] = info.factor;
                    L.units[c] = unit;
                    if (drive) L.drive = info.current ? Drive::Current : Drive::Voltage;
                }
            }
        }
    } else {
        for (std::size_t c = 0; c < ncols; ++c)
            L.headers.push_back("column " + std::to_string(c + 1));
    }
    if (options.drive) {  // a drive the user chose: the column's unit, if any, must agree
        for (std::size_t c = 0; c < ncols; ++c)
            if (L.roles[c] == ColumnRole::Voltage && !L.units[c].empty() &&
                L.drive != *options.drive)
                throw FileFormatError(path, where + ", column '" + first[c] + "'",
                                      std::string("a ") + toString(*options.drive) + " unit",
                                      "unit '" + L.units[c] + "'");
        L.drive = *options.drive;
    }
    if (userRoles) {
        if (options.roles.size() != ncols)
            throw FileFormatError(path, "columns", std::to_string(ncols) + " column roles",
                                  std::to_string(options.roles.size()));
        L.roles = options.roles;
    } else if (!L.hasHeader) {
        L.shape = options.shape;
        if (L.shape == CsvShape::Auto && ncols == 2) L.shape = CsvShape::Probabilities;
        if (L.shape == CsvShape::Auto)
            throw FileFormatError(path, where, "a header naming the columns (or an explicit shape)",
                                  std::to_string(ncols) + " unnamed numeric columns",
                                  "Add a header line such as 'voltage,switches,trials'");
        const auto canon = canonicalRoles(L.shape);
        for (std::size_t c = 0; c < ncols && c < canon.size(); ++c) L.roles[c] = canon[c];
        for (std::size_t c = 0; c < ncols && c < canon.size(); ++c)
            L.headers[c] = toString(canon[c]);
    }
    std::set<ColumnRole> seen;
    for (std::size_t c = 0; c < ncols; ++c) {
        if (L.roles[c] == ColumnRole::Ignore) continue;
        if (!seen.insert(L.roles[c]).second)
            throw FileFormatError(
                path, userRoles ? std::string("columns") : where, "one column per quantity",
                "two columns read as '" + std::string(toString(L.roles[c])) + "'");
    }
    if (L.hasHeader || userRoles) {
        L.shape = options.shape != CsvShape::Auto ? options.shape : shapeFromRoles(L.roles);
        if (L.shape == CsvShape::Auto)
            throw FileFormatError(
                path, userRoles ? std::string("columns") : where,
                "columns of one known shape: (voltage, cycle, pulse, resistance), "
                "(voltage, cycle, pulses_to_switch, censored), (voltage, switches, trials), "
                "(voltage, probability[, trials]), (voltage, cycle, state) or one row per "
                "pulse (voltage, switched)",
                describeRoles(L.headers), "Rename the header columns (see docs/file-formats.md)");
    }
    // The required roles must be present.
    auto required = canonicalRoles(L.shape);
    if (L.shape == CsvShape::Probabilities || L.shape == CsvShape::Events)
        required.pop_back();  // trials / censored optional
    if (L.shape == CsvShape::Events) required.erase(required.begin() + 1);  // cycle optional
    for (auto r : required)
        if (std::find(L.roles.begin(), L.roles.end(), r) == L.roles.end())
            throw FileFormatError(
                path, L.hasHeader && !userRoles ? where : std::string("columns"),
                std::string("a '") + toString(r) + "' column for " + toString(L.shape),
                describeRoles(L.headers));
}

CsvTable readCsv(const std::string& path, const DeviceLoadOptions& options, bool tolerant)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw FileFormatError(
            path, "", "a readable file",
            std::filesystem::exists(path, ec) ? "not a regular file" : "no such file");
    const auto bytes = std::filesystem::file_size(path, ec);
    if (!ec && bytes > kMaxFileBytes)
        throw FileFormatError(path, "", "a CSV file under 4 GiB", std::to_string(bytes) + " bytes");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FileFormatError(path, "", "a readable file", "permission denied or unreadable");

    CsvTable t;
    std::vector<std::pair<int, std::string>> lines;  // non-comment, non-blank
    std::string line;
    int lineNo = 0;
    for (;;) {
        const auto got = detail::getLineBounded(in, line, kMaxLineBytes);
        if (got == detail::LineRead::End) break;
        ++lineNo;
        if (got == detail::LineRead::TooLong)
            throw FileFormatError(path, "line " + std::to_string(lineNo), "lines under 1 MiB",
                                  "a longer line");
        if (line.find('\0') != std::string::npos)
            throw FileFormatError(path, "line " + std::to_string(lineNo), "text",
                                  "binary data (a NUL byte)");
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (lineNo == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line = line.substr(3);  // UTF-8 BOM
        const std::string tl = trim(line);
        if (tl.empty() || tl[0] == '#') continue;
        lines.emplace_back(lineNo, line);
        if (lines.size() > options.maxRows + 1)
            throw FileFormatError(path, "", "at most " + std::to_string(options.maxRows) + " rows",
                                  "more");
    }
    if (lines.empty())
        throw FileFormatError(path, "", "a header line and data rows",
                              "an empty file (no data lines)");

    // Delimiter: the candidate that splits the first line into the most fields and gives
    // the same count on the following lines.
    char best = ',';
    std::size_t bestFields = 0;
    for (char d : {',', ';', '\t'}) {
        const std::size_t n = split(lines[0].second, d).size();
        if (n <= 1) continue;
        bool consistent = true;
        for (std::size_t i = 1; i < std::min<std::size_t>(lines.size(), 6); ++i)
            consistent &= split(lines[i].second, d).size() == n;
        if (n > bestFields && (consistent || bestFields == 0)) {
            best = d;
            bestFields = n;
        }
    }
    CsvLayout& L = t.layout;
    L.delimiter = best;
    const auto first = split(lines[0].second, best);
    L.hasHeader = std::any_of(first.begin(), first.end(),
                              [](const std::string& f) { return !looksNumeric(f); });
    const std::size_t ncols = first.size();
    L.roles.assign(ncols, ColumnRole::Ignore);
    L.scale.assign(ncols, 1.0);
    L.units.assign(ncols, "");
    // Data rows first, so that a preview can show them even when the columns cannot be mapped.
    if (L.hasHeader) L.headerLine = lines[0].first;
    for (std::size_t i = L.hasHeader ? 1 : 0; i < lines.size(); ++i) {
        CsvRow row{lines[i].first, split(lines[i].second, best)};
        if (row.fields.size() != ncols)
            throw FileFormatError(path, "line " + std::to_string(row.line),
                                  std::to_string(ncols) + " fields separated by '" +
                                      (best == '\t' ? std::string("\\t") : std::string(1, best)) +
                                      "'",
                                  std::to_string(row.fields.size()) + " fields");
        if (L.previewRows.size() < 20) L.previewRows.push_back(row.fields);
        t.rows.push_back(std::move(row));
    }
    L.dataRows = t.rows.size();
    if (t.rows.empty())
        throw FileFormatError(path, "", "data rows after the header", "a header only");
    try {
        mapColumns(path, options, first, lines[0].first, L);
    } catch (const FileFormatError& e) {
        if (!tolerant) throw;
        L.problem = e.what();
    }
    return t;
}

}  // namespace detail

CsvLayout inspectCsv(const std::string& path, const DeviceLoadOptions& options)
{
    return detail::readCsv(path, options, true).layout;
}

}  // namespace dwmtj::core

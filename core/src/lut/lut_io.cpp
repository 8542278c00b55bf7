// LUT files. CSV: '# key=value' provenance lines, then a header
//   voltage (V),p,dp_dV                                    (binary)
//   voltage (V),P_ge_2,...,P_ge_K,dP_ge_2_dV,...,dP_ge_K_dV (multi-state)
// HDF5: /lut/voltage (N), /lut/curves (C x N), /lut/derivatives (C x N),
//   /lut@{format="dwmtj-lut", format_version, kind, num_states, centre_voltage_V, gain_V,
//   drive ("voltage" | "current"; absent = voltage)}; a current-driven device's LUT keeps the
//   names and holds amperes: the CSV header then reads "current (A)" and "# drive=current".
//   /lut/provenance@{key = value}.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dwmtj/error.h"
#include "dwmtj/lut.h"
#include "io/h5.h"
#include "lut/lut_h5.h"
#include "util/atomic_file.h"

namespace dwmtj::core {
namespace {

std::string full(double x)
{
    std::ostringstream s;
    s.precision(17);
    s << x;
    return s.str();
}

void validateLut(const Lut& lut, const std::string& path)
{
    const std::size_t n = lut.voltage.size();
    if (n < 2) throw FileFormatError(path, "voltage", "at least 2 grid points", std::to_string(n));
    const double step = (lut.voltage.back() - lut.voltage.front()) / double(n - 1);
    if (!(step > 0))
        throw FileFormatError(path, "voltage", "an increasing grid", "a non-increasing one");
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(lut.voltage[i]) ||
            std::fabs(lut.voltage[i] - (lut.voltage.front() + step * double(i))) >
                1e-6 * std::fabs(step) * double(n))  // relative: volts and (milli)amperes
            throw FileFormatError(path, "voltage[" + std::to_string(i) + "]", "a uniform grid",
                                  full(lut.voltage[i]));
    const std::size_t expectCurves =
        lut.kind == DeviceKind::Binary ? 1 : std::size_t(lut.numStates - 1);
    if (lut.curves.size() != expectCurves || lut.derivatives.size() != expectCurves)
        throw FileFormatError(path, "curves", std::to_string(expectCurves) + " curves",
                              std::to_string(lut.curves.size()));
    for (std::size_t c = 0; c < expectCurves; ++c) {
        if (lut.curves[c].size() != n || lut.derivatives[c].size() != n)
            throw FileFormatError(path, "curve " + std::to_string(c), std::to_string(n) + " values",
                                  std::to_string(lut.curves[c].size()));
        for (std::size_t i = 0; i < n; ++i) {
            if (!(lut.curves[c][i] >= 0 && lut.curves[c][i] <= 1))
                throw FileFormatError(path,
                                      "curve " + std::to_string(c) + " [" + std::to_string(i) + "]",
                                      "a probability in [0, 1]", full(lut.curves[c][i]));
            if (!std::isfinite(lut.derivatives[c][i]))
                throw FileFormatError(
                    path, "derivative " + std::to_string(c) + " [" + std::to_string(i) + "]",
                    "a finite number", "NaN or inf");
        }
    }
}

}  // namespace

void writeLutGroup(const h5::File& f, const std::string& root, const Lut& lut)
{
    const std::size_t n = lut.voltage.size(), c = lut.curves.size();
    std::vector<double> curves, ders;
    for (std::size_t k = 0; k < c; ++k) {
        curves.insert(curves.end(), lut.curves[k].begin(), lut.curves[k].end());
        ders.insert(ders.end(), lut.derivatives[k].begin(), lut.derivatives[k].end());
    }
    h5::writeDoubles(f, root + "/voltage", lut.voltage, {n});
    h5::writeDoubles(f, root + "/curves", curves, {c, n});
    h5::writeDoubles(f, root + "/derivatives", ders, {c, n});
    h5::writeStringAttr(f, root, "format", "dwmtj-lut");
    h5::writeDoubleAttr(f, root, "format_version", 1);
    h5::writeStringAttr(f, root, "kind", lut.kind == DeviceKind::Binary ? "binary" : "multistate");
    h5::writeDoubleAttr(f, root, "num_states", lut.numStates);
    h5::writeDoubleAttr(f, root, "centre_voltage_V", lut.centreVoltage);
    h5::writeDoubleAttr(f, root, "gain_V", lut.gainVolts);
    h5::writeStringAttr(f, root, "drive", toString(lut.drive));
    h5::writeStringAttr(f, root + "/voltage", "unit", siUnit(lut.drive));
    h5::createGroup(f, root + "/provenance");
    for (const auto& [k, v] : lut.provenance) h5::writeStringAttr(f, root + "/provenance", k, v);
}

Lut readLutGroup(const h5::File& f, const std::string& root)
{
    Lut lut;
    if (!h5::exists(f, root))
        throw FileFormatError(f.path, root, "a LUT group", "nothing at this path");
    const std::string kind = h5::readStringAttr(f, root, "kind");
    if (kind != "binary" && kind != "multistate")
        throw FileFormatError(f.path, root + "@kind", "'binary' or 'multistate'", "'" + kind + "'");
    lut.kind = kind == "binary" ? DeviceKind::Binary : DeviceKind::MultiState;
    const double states = h5::readDoubleAttr(f, root, "num_states");
    if (!(states >= 2 && states <= 64 && states == std::floor(states)) ||
        (lut.kind == DeviceKind::Binary && states != 2))
        throw FileFormatError(f.path, root + "@num_states", "2 (binary) or 2..64", full(states));
    lut.numStates = int(states);
    lut.centreVoltage = h5::readDoubleAttr(f, root, "centre_voltage_V");
    lut.gainVolts = h5::readDoubleAttr(f, root, "gain_V");
    if (h5::hasAttr(f, root, "drive")) {
        const std::string d = h5::readStringAttr(f, root, "drive");
        if (d != "voltage" && d != "current")
            throw FileFormatError(f.path, root + "@drive", "'voltage' or 'current'", "'" + d + "'");
        lut.drive = d == "current" ? Drive::Current : Drive::Voltage;
    }
    std::vector<std::uint64_t> dv, dc, dd;
    lut.voltage = h5::readDoubles(f, root + "/voltage", {{h5::kAny}, ""}, dv);
    const std::size_t n = lut.voltage.size(), c = std::size_t(lut.numStates - 1);
    const std::string why = "num_states - 1 rows, one column per " + root + "/voltage value";
    const auto curves = h5::readDoubles(f, root + "/curves", {{c, n}, why}, dc);
    const auto ders = h5::readDoubles(f, root + "/derivatives", {{c, n}, why}, dd);
    for (std::size_t k = 0; k < c; ++k) {
        lut.curves.emplace_back(curves.begin() + long(k * n), curves.begin() + long((k + 1) * n));
        lut.derivatives.emplace_back(ders.begin() + long(k * n), ders.begin() + long((k + 1) * n));
    }
    if (h5::exists(f, root + "/provenance"))
        for (const auto& name : h5::attrNames(f, root + "/provenance"))
            lut.provenance[name] = h5::readStringAttr(f, root + "/provenance", name);
    // Also inside experiment files: a LUT is checked (grid, shapes, probabilities in [0, 1],
    // finite derivatives) wherever it is read from.
    validateLut(lut, f.path + ":" + root);
    return lut;
}

void saveLut(const Lut& lut, const std::string& path)
{
    const std::string e = detail::lowerExtension(path);
    validateLut(lut, path);
    if (e == ".csv" || e == ".txt") {
        std::ostringstream s;
        s << "# dwmtj-lut format_version=1\n";
        s << "# kind=" << (lut.kind == DeviceKind::Binary ? "binary" : "multistate") << "\n";
        s << "# num_states=" << lut.numStates << "\n";
        s << "# centre_voltage_V=" << full(lut.centreVoltage) << "\n";
        s << "# gain_V=" << full(lut.gainVolts) << "\n";
        if (lut.drive == Drive::Current) s << "# drive=current\n";
        for (const auto& [k, v] : lut.provenance) s << "# provenance." << k << "=" << v << "\n";
        s << driveColumnHeader(lut.drive);
        if (lut.kind == DeviceKind::Binary) {
            s << ",p,dp_dV\n";
        } else {
            for (int k = 2; k <= lut.numStates; ++k) s << ",P_ge_" << k;
            for (int k = 2; k <= lut.numStates; ++k) s << ",dP_ge_" << k << "_dV";
            s << "\n";
        }
        for (std::size_t i = 0; i < lut.voltage.size(); ++i) {
            s << full(lut.voltage[i]);
            for (const auto& c : lut.curves) s << ',' << full(c[i]);
            for (const auto& d : lut.derivatives) s << ',' << full(d[i]);
            s << '\n';
        }
        detail::writeTextAtomically(path, s.str());
    } else if (e == ".h5" || e == ".hdf5") {
        detail::writeAtomically(path, [&](const std::string& tmp) {
            auto f = h5::create(tmp);
            writeLutGroup(f, "/lut", lut);
            h5::close(f);
        });
    } else {
        throw Error(path + ": expected a LUT file name ending in .csv or .h5, found '" + e + "'");
    }
}

namespace {
constexpr std::size_t kMaxLutLineBytes = 64 * 1024;
}

namespace {
Lut readLut(const std::string& path)
{
    detail::requireRegularFile(path);
    const std::string e = detail::lowerExtension(path);
    Lut lut;
    if (e == ".h5" || e == ".hdf5") {
        auto f = h5::openRead(path);
        lut = readLutGroup(f, "/lut");
    } else {
        // Plausibility limit (docs/file-formats.md): 1e7 rows of at most 64 states are
        // well under 4 GiB of text; a longer file or line is refused before it is read.
        std::error_code ec;
        const auto bytes = std::filesystem::file_size(path, ec);
        if (!ec && bytes > (std::uintmax_t(4) << 30))
            throw FileFormatError(path, "", "a LUT file under 4 GiB",
                                  std::to_string(bytes) + " bytes");
        std::ifstream in(path);
        if (!in)
            throw FileFormatError(path, "", "a readable LUT file", "no such file or unreadable");
        std::string line;
        int lineNo = 0;
        bool header = false, magic = false;
        std::size_t cols = 0;
        for (;;) {
            const auto got = detail::getLineBounded(in, line, kMaxLutLineBytes);
            if (got == detail::LineRead::End) break;
            ++lineNo;
            if (got == detail::LineRead::TooLong)
                throw FileFormatError(path, "line " + std::to_string(lineNo), "a line under 64 KiB",
                                      "a longer line");
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.empty()) continue;
            if (line[0] == '#') {
                const auto start = line.find_first_not_of("# ");
                if (start == std::string::npos) continue;  // "#" alone
                const std::string body = line.substr(start);
                if (body.rfind("dwmtj-lut", 0) == 0) {
                    magic = true;
                    continue;
                }
                const auto eq = body.find('=');
                if (eq == std::string::npos) continue;
                const std::string k = body.substr(0, eq), v = body.substr(eq + 1);
                if (header && (k == "kind" || k == "num_states"))
                    throw FileFormatError(path, "line " + std::to_string(lineNo),
                                          "'" + k + "' before the column header",
                                          "it after the header (the columns are already fixed)");
                try {
                    if (k == "kind") {
                        if (v != "binary" && v != "multistate")
                            throw FileFormatError(path, "line " + std::to_string(lineNo),
                                                  "kind=binary or kind=multistate", "'" + v + "'");
                        lut.kind = v == "multistate" ? DeviceKind::MultiState : DeviceKind::Binary;
                    } else if (k == "drive") {
                        if (v != "voltage" && v != "current")
                            throw FileFormatError(path, "line " + std::to_string(lineNo),
                                                  "drive=voltage or drive=current", "'" + v + "'");
                        lut.drive = v == "current" ? Drive::Current : Drive::Voltage;
                    } else if (k == "num_states")
                        lut.numStates = std::stoi(v);
                    else if (k == "centre_voltage_V")
                        lut.centreVoltage = std::stod(v);
                    else if (k == "gain_V")
                        lut.gainVolts = std::stod(v);
                    else if (k.rfind("provenance.", 0) == 0)
                        lut.provenance[k.substr(11)] = v;
                } catch (const FileFormatError&) {
                    throw;
                } catch (const std::exception&) {
                    throw FileFormatError(path, "line " + std::to_string(lineNo),
                                          "a number for '" + k + "'", "'" + v + "'");
                }
                continue;
            }
            if (!header) {
                if (!magic)
                    throw FileFormatError(path, "line 1",
                                          "a '# dwmtj-lut' first line (a LUT written by dwmtj)",
                                          "'" + line.substr(0, 60) + "'");
                if (lut.numStates < 2 || lut.numStates > 64)
                    throw FileFormatError(path, "num_states", "2..64",
                                          std::to_string(lut.numStates));
                cols = 1 + 2 * std::size_t(lut.numStates - 1);
                lut.curves.assign(lut.numStates - 1, {});
                lut.derivatives.assign(lut.numStates - 1, {});
                header = true;
                continue;
            }
            std::vector<double> vals;
            std::istringstream ss(line);
            std::string field;
            while (std::getline(ss, field, ',')) {
                char* end = nullptr;
                const double x = std::strtod(field.c_str(), &end);
                if (end == field.c_str() || *end != '\0')
                    throw FileFormatError(path, "line " + std::to_string(lineNo), "a number",
                                          "'" + field + "'");
                vals.push_back(x);
            }
            if (vals.size() != cols)
                throw FileFormatError(path, "line " + std::to_string(lineNo),
                                      std::to_string(cols) + " fields",
                                      std::to_string(vals.size()));
            lut.voltage.push_back(vals[0]);
            for (std::size_t k = 0; k + 1 < std::size_t(lut.numStates); ++k) {
                lut.curves[k].push_back(vals[1 + k]);
                lut.derivatives[k].push_back(vals[lut.numStates + k]);
            }
            if (lut.voltage.size() > 10'000'000)
                throw FileFormatError(path, "", "at most 1e7 rows", "more");
        }
        if (!header) throw FileFormatError(path, "", "a LUT header and rows", "no data");
    }
    validateLut(lut, path);
    return lut;
}
}  // namespace

Lut loadLut(const std::string& path)
{
    return detail::readNamingTheFile(path, [&] { return readLut(path); });
}

}  // namespace dwmtj::core

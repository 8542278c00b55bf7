// HDF5 device files. Layout (documented in docs/file-formats.md, "HDF5 device file"):
//   /@format = "dwmtj-device", /@format_version = 1, /@kind = "binary" | "multistate"
//   /traces/{voltage (M), cycle (M), resistance (M x P, NaN after a cycle's last pulse)}
//   /events/{voltage, cycle, pulses_to_switch, censored (0/1)}
//   /counts/{voltage, switches, trials} or /counts/{voltage, probability[, trials]}
//   /multistate/{voltage, cycle, state}, /multistate/@num_states (optional)
//   /@drive = "voltage" | "current" (optional, default voltage); <group>/voltage/@unit (optional:
//   V, mV, uV / A, mA, uA, nA; the values are scaled to V or A and must agree with /@drive)
// A reader uses the first group present in the order traces, events, counts, multistate.
#include <cmath>
#include <sstream>

#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "io/csv_reader.h"  // parseDriveUnit
#include "io/device_builders.h"
#include "io/device_loaders.h"
#include "io/h5.h"
#include "util/atomic_file.h"

namespace dwmtj::core {
namespace {

std::vector<double> read1d(const h5::File& f, const std::string& dset, std::size_t expectLen,
                           const DeviceLoadOptions& o)
{
    std::vector<std::uint64_t> dims;
    const bool any = expectLen == std::size_t(-1);
    const h5::Shape shape{
        {any ? h5::kAny : expectLen},
        any ? "" : "one value per row of " + dset.substr(0, dset.rfind('/')) + "/voltage"};
    auto v = h5::readDoubles(f, dset, shape, dims, o.maxRows);
    for (std::size_t i = 0; i < v.size(); ++i)
        if (!std::isfinite(v[i]))
            throw FileFormatError(f.path, dset + "[" + std::to_string(i) + "]", "a finite number",
                                  "NaN or inf");
    return v;
}

/// The drive amplitudes of `dset` (a group's voltage dataset) in V or A: /@drive and the
/// dataset's unit attribute decide the quantity and the scale.
std::vector<double> readDrive(const h5::File& f, const std::string& dset,
                              const DeviceLoadOptions& o, Drive& drive)
{
    drive = Drive::Voltage;
    if (h5::hasAttr(f, "/", "drive")) {
        const auto d = h5::readStringAttr(f, "/", "drive");
        if (d != "voltage" && d != "current")
            throw FileFormatError(f.path, "/@drive", "voltage or current", "'" + d + "'");
        drive = d == "current" ? Drive::Current : Drive::Voltage;
    }
    auto v = read1d(f, dset, std::size_t(-1), o);
    if (!h5::hasAttr(f, dset, "unit")) return v;
    const auto unit = h5::readStringAttr(f, dset, "unit");
    Drive fromUnit = Drive::Voltage;
    double factor = 1;
    if (!detail::parseDriveUnit(unit, fromUnit, factor))
        throw FileFormatError(f.path, dset + "@unit", "V, mV, uV, A, mA, uA or nA",
                              "'" + unit + "'");
    if (h5::hasAttr(f, "/", "drive") && fromUnit != drive)
        throw FileFormatError(
            f.path, dset + "@unit",
            std::string("a ") + toString(drive) + " unit (/@drive is " + toString(drive) + ")",
            "'" + unit + "'");
    drive = fromUnit;
    for (double& x : v) x *= factor;
    return v;
}

std::vector<std::string> rowNames(const std::string& group, std::size_t n)
{
    std::vector<std::string> w;
    for (std::size_t i = 0; i < n; ++i) w.push_back(group + " row " + std::to_string(i));
    return w;
}

}  // namespace

DeviceData loadDeviceHdf5(const std::string& path, const DeviceLoadOptions& o)
{
    auto f = h5::openRead(path);
    DeviceData d;
    d.sourcePath = path;
    Drive drive = Drive::Voltage;
    if (h5::exists(f, "/traces")) {
        const auto v = readDrive(f, "/traces/voltage", o, drive);
        const auto c = read1d(f, "/traces/cycle", v.size(), o);
        std::vector<std::uint64_t> dims;
        const auto r = h5::readDoubles(
            f, "/traces/resistance",
            {{v.size(), h5::kAny}, "one row per cycle of /traces/voltage, one column per pulse"},
            dims, o.maxRows);
        std::vector<ResistanceTrace> traces;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const std::string where = "/traces row " + std::to_string(i);
            ResistanceTrace t{v[i], detail::wholeNumber(path, where, "cycle", c[i], 0), {}};
            bool ended = false;
            for (std::size_t k = 0; k < dims[1]; ++k) {
                const double x = r[i * dims[1] + k];
                if (std::isnan(x)) {
                    ended = true;
                    continue;
                }
                if (ended || !(x > 0) || !std::isfinite(x))
                    throw FileFormatError(
                        path,
                        "/traces/resistance[" + std::to_string(i) + "," + std::to_string(k) + "]",
                        "positive finite readings, NaN only after the last pulse",
                        std::to_string(x));
                t.resistanceOhm.push_back(x);
            }
            if (t.resistanceOhm.empty())
                throw FileFormatError(path, "/traces/resistance[" + std::to_string(i) + "]",
                                      "at least one reading", "none");
            traces.push_back(std::move(t));
        }
        detail::buildFromTraces(d, path, std::move(traces), o);
    } else if (h5::exists(f, "/events")) {
        const auto v = readDrive(f, "/events/voltage", o, drive);
        const auto p = read1d(f, "/events/pulses_to_switch", v.size(), o);
        const auto c = h5::exists(f, "/events/cycle") ? read1d(f, "/events/cycle", v.size(), o)
                                                      : std::vector<double>(v.size(), 0);
        const auto z = h5::exists(f, "/events/censored")
                           ? read1d(f, "/events/censored", v.size(), o)
                           : std::vector<double>(v.size(), 0);
        const auto wh = rowNames("/events", v.size());
        std::vector<SwitchEvent> ev;
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (z[i] != 0 && z[i] != 1)
                throw FileFormatError(path, "/events/censored[" + std::to_string(i) + "]", "0 or 1",
                                      std::to_string(z[i]));
            ev.push_back({v[i], detail::wholeNumber(path, wh[i], "cycle", c[i], 0),
                          detail::wholeNumber(path, wh[i], "pulses_to_switch", p[i], 1),
                          z[i] == 1});
        }
        detail::buildFromEvents(d, path, std::move(ev), wh);
    } else if (h5::exists(f, "/counts")) {
        const auto v = readDrive(f, "/counts/voltage", o, drive);
        const auto wh = rowNames("/counts", v.size());
        if (h5::exists(f, "/counts/switches")) {
            const auto s = read1d(f, "/counts/switches", v.size(), o);
            const auto n = read1d(f, "/counts/trials", v.size(), o);
            detail::buildFromCounts(d, path, v, s, n, wh);
        } else {
            const auto p = read1d(f, "/counts/probability", v.size(), o);
            const auto n = h5::exists(f, "/counts/trials")
                               ? read1d(f, "/counts/trials", v.size(), o)
                               : std::vector<double>{};
            detail::buildFromProbabilities(d, path, v, p, n, wh);
        }
    } else if (h5::exists(f, "/multistate")) {
        const auto v = readDrive(f, "/multistate/voltage", o, drive);
        const auto c = read1d(f, "/multistate/cycle", v.size(), o);
        const auto s = read1d(f, "/multistate/state", v.size(), o);
        const auto wh = rowNames("/multistate", v.size());
        std::vector<MultiStateObservation> obs;
        for (std::size_t i = 0; i < v.size(); ++i)
            obs.push_back({v[i], detail::wholeNumber(path, wh[i], "cycle", c[i], 0),
                           detail::wholeNumber(path, wh[i], "state", s[i], 1)});
        DeviceLoadOptions oo = o;
        if (oo.numStates == 0 && h5::hasAttr(f, "/multistate", "num_states"))
            oo.numStates =
                detail::wholeNumber(path, "/multistate@num_states", "num_states",
                                    h5::readDoubleAttr(f, "/multistate", "num_states"), 2);
        detail::buildMultiState(d, path, std::move(obs), wh, oo);
    } else {
        throw FileFormatError(path, "/",
                              "one of the groups /traces, /events, /counts or /multistate",
                              "none of them", "See docs/file-formats.md, 'HDF5 device file'");
    }
    d.drive = drive;
    return d;
}

bool isDeviceHdf5(const std::string& path)
{
    try {
        auto f = h5::openRead(path);
        return h5::hasAttr(f, "/", "format") &&
               h5::readStringAttr(f, "/", "format") == "dwmtj-device";
    } catch (const std::exception&) {
        return false;
    }
}

void saveDeviceHdf5(const DeviceData& d, const std::string& path)
{
    detail::writeAtomically(path, [&](const std::string& tmp) {
        auto f = h5::create(tmp);
        h5::writeStringAttr(f, "/", "format", "dwmtj-device");
        h5::writeDoubleAttr(f, "/", "format_version", 1);
        h5::writeStringAttr(f, "/", "kind", d.kind == DeviceKind::Binary ? "binary" : "multistate");
        h5::writeStringAttr(f, "/", "source", d.sourcePath);
        h5::writeStringAttr(f, "/", "drive", toString(d.drive));
        const char* unit = siUnit(d.drive);
        if (d.kind == DeviceKind::MultiState) {
            std::vector<double> v, c, s;
            for (const auto& o : d.multi.observations) {
                v.push_back(o.voltage);
                c.push_back(o.cycle);
                s.push_back(o.state);
            }
            h5::writeDoubles(f, "/multistate/voltage", v, {v.size()});
            h5::writeStringAttr(f, "/multistate/voltage", "unit", unit);
            h5::writeDoubles(f, "/multistate/cycle", c, {c.size()});
            h5::writeDoubles(f, "/multistate/state", s, {s.size()});
            h5::writeDoubleAttr(f, "/multistate", "num_states", d.multi.numStates);
            h5::close(f);
            return;
        }
        const auto& b = d.binary;
        if (!b.traces.empty()) {
            std::size_t P = 0;
            for (const auto& t : b.traces) P = std::max(P, t.resistanceOhm.size());
            std::vector<double> v, c, r(b.traces.size() * P, NAN);
            for (std::size_t i = 0; i < b.traces.size(); ++i) {
                v.push_back(b.traces[i].voltage);
                c.push_back(b.traces[i].cycle);
                for (std::size_t k = 0; k < b.traces[i].resistanceOhm.size(); ++k)
                    r[i * P + k] = b.traces[i].resistanceOhm[k];
            }
            h5::writeDoubles(f, "/traces/voltage", v, {v.size()});
            h5::writeDoubles(f, "/traces/cycle", c, {c.size()});
            h5::writeDoubles(f, "/traces/resistance", r, {v.size(), P});
            h5::writeStringAttr(f, "/traces/voltage", "unit", unit);
            h5::writeStringAttr(f, "/traces/resistance", "unit", "ohm");
        }
        if (!b.events.empty()) {
            std::vector<double> v, c, p, z;
            for (const auto& e : b.events) {
                v.push_back(e.voltage);
                c.push_back(e.cycle);
                p.push_back(e.pulses);
                z.push_back(e.censored);
            }
            h5::writeDoubles(f, "/events/voltage", v, {v.size()});
            h5::writeStringAttr(f, "/events/voltage", "unit", unit);
            h5::writeDoubles(f, "/events/cycle", c, {c.size()});
            h5::writeDoubles(f, "/events/pulses_to_switch", p, {p.size()});
            h5::writeDoubles(f, "/events/censored", z, {z.size()});
        }
        std::vector<double> v, s, n, p;
        for (const auto& c : b.counts) {
            v.push_back(c.voltage);
            s.push_back(c.switches);
            n.push_back(c.trials);
            p.push_back(c.probability);
        }
        h5::writeDoubles(f, "/counts/voltage", v, {v.size()});
        h5::writeStringAttr(f, "/counts/voltage", "unit", unit);
        if (b.trialsKnown) {
            h5::writeDoubles(f, "/counts/switches", s, {s.size()});
            h5::writeDoubles(f, "/counts/trials", n, {n.size()});
        } else {
            h5::writeDoubles(f, "/counts/probability", p, {p.size()});
        }
        h5::close(f);
    });
}

}  // namespace dwmtj::core

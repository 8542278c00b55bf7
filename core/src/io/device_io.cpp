#include "dwmtj/device_io.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "dwmtj/error.h"
#include "io/csv_reader.h"
#include "io/device_builders.h"
#include "io/device_loaders.h"
#include "util/atomic_file.h"

namespace dwmtj::core {

namespace detail {

int wholeNumber(const std::string& path, const std::string& where, const std::string& what,
                double x, int minimum)
{
    if (std::floor(x) != x || x < minimum || x > 2e9) {
        std::ostringstream f;
        f << x;
        throw FileFormatError(path, where,
                              what + " as a whole number >= " + std::to_string(minimum), f.str());
    }
    return int(x);
}

namespace {
std::string fmt(double v)
{
    std::ostringstream s;
    s << v;
    return s.str();
}

void binaryWarnings(DeviceData& d)
{
    const auto& c = d.binary.counts;
    if (c.size() == 1)
        d.warnings.push_back({"", "only one voltage (" + fmt(c[0].voltage) +
                                      " V): no curve can be fitted; expected at least 2"});
    bool anyPos = false, anyBelowOne = false;
    for (const auto& x : c) {
        anyPos |= x.probability > 0;
        anyBelowOne |= x.probability < 1;
    }
    if (!c.empty() && !anyPos)
        d.warnings.push_back(
            {"", "the device never switched (p = 0 at every voltage): no curve can be fitted"});
    if (!c.empty() && !anyBelowOne)
        d.warnings.push_back({"",
                              "the device switched on every pulse (p = 1 at every voltage): no "
                              "curve can be fitted"});
}

void orderWarning(DeviceData& d, const std::vector<double>& v,
                  const std::vector<std::string>& where)
{
    for (std::size_t i = 1; i < v.size(); ++i)
        if (v[i] < v[i - 1]) {
            d.warnings.push_back({where.empty() ? "" : where[i],
                                  "voltages are not in increasing order (" + fmt(v[i]) +
                                      " V after " + fmt(v[i - 1]) + " V); the rows were sorted"});
            return;
        }
}
}  // namespace

void buildFromTraces(DeviceData& d, const std::string& path, std::vector<ResistanceTrace> traces,
                     const DeviceLoadOptions& o)
{
    d.kind = DeviceKind::Binary;
    d.sourceShape = "traces";
    std::vector<SwitchEvent> events;
    try {
        d.binary.detection = detectSwitching(traces, o.detection, events);
    } catch (const FileFormatError&) {
        throw;
    } catch (const Error& e) {
        throw FileFormatError(path, "resistance column", "two resistance levels", e.what());
    }
    d.binary.traces = std::move(traces);
    d.binary.events = std::move(events);
    d.binary.counts = aggregateEvents(d.binary.events);
    d.binary.trialsKnown = true;
    const auto& det = *d.binary.detection;
    if (det.separation < 8)
        d.warnings.push_back(
            {"resistance", "the two resistance levels are only " + fmt(det.separation) +
                               " noise s.d. apart: some readings may be misclassified"});
    binaryWarnings(d);
}

void buildFromEvents(DeviceData& d, const std::string& path, std::vector<SwitchEvent> events,
                     const std::vector<std::string>& where)
{
    std::map<std::pair<double, int>, std::size_t> seen;
    std::vector<double> v;
    for (std::size_t i = 0; i < events.size(); ++i) {
        v.push_back(events[i].voltage);
        if (events[i].cycle > 0) {
            auto [it, fresh] = seen.emplace(std::pair{events[i].voltage, events[i].cycle}, i);
            if (!fresh)
                throw FileFormatError(path, where[i], "one row per (voltage, cycle)",
                                      "a duplicate of " + where[it->second] + " (" +
                                          fmt(events[i].voltage) + " V, cycle " +
                                          std::to_string(events[i].cycle) + ")");
        }
    }
    orderWarning(d, v, where);
    d.kind = DeviceKind::Binary;
    d.sourceShape = "events";
    d.binary.events = std::move(events);
    d.binary.counts = aggregateEvents(d.binary.events);
    d.binary.trialsKnown = true;
    binaryWarnings(d);
}

void buildFromCounts(DeviceData& d, const std::string& path, const std::vector<double>& v,
                     const std::vector<double>& s, const std::vector<double>& n,
                     const std::vector<std::string>& where)
{
    std::map<double, std::size_t> seen;
    std::vector<VoltageCounts> counts;
    for (std::size_t i = 0; i < v.size(); ++i) {
        auto [it, fresh] = seen.emplace(v[i], i);
        if (!fresh)
            throw FileFormatError(
                path, where[i], "one row per voltage",
                "voltage " + fmt(v[i]) + " V again (first at " + where[it->second] + ")",
                "Merge the rows by adding switches and trials");
        wholeNumber(path, where[i], "switches", s[i], 0);
        wholeNumber(path, where[i], "trials", n[i], 1);
        if (s[i] > n[i])
            throw FileFormatError(path, where[i], "switches <= trials",
                                  fmt(s[i]) + " switches in " + fmt(n[i]) + " trials");
        counts.push_back({v[i], s[i], n[i], s[i] / n[i]});
    }
    orderWarning(d, v, where);
    std::sort(counts.begin(), counts.end(), [](auto& a, auto& b) { return a.voltage < b.voltage; });
    d.kind = DeviceKind::Binary;
    d.sourceShape = "counts";
    d.binary.counts = std::move(counts);
    d.binary.trialsKnown = true;
    binaryWarnings(d);
}

void buildFromProbabilities(DeviceData& d, const std::string& path, const std::vector<double>& v,
                            const std::vector<double>& p, const std::vector<double>& n,
                            const std::vector<std::string>& where)
{
    std::map<double, std::size_t> seen;
    std::vector<VoltageCounts> counts;
    const bool known = !n.empty();
    for (std::size_t i = 0; i < v.size(); ++i) {
        auto [it, fresh] = seen.emplace(v[i], i);
        if (!fresh)
            throw FileFormatError(
                path, where[i], "one row per voltage",
                "voltage " + fmt(v[i]) + " V again (first at " + where[it->second] + ")");
        if (!(p[i] >= 0 && p[i] <= 1))
            throw FileFormatError(path, where[i], "a probability in [0, 1]", fmt(p[i]));
        double trials = 0;
        if (known) trials = wholeNumber(path, where[i], "trials", n[i], 1);
        counts.push_back({v[i], known ? p[i] * trials : 0.0, trials, p[i]});
    }
    orderWarning(d, v, where);
    std::sort(counts.begin(), counts.end(), [](auto& a, auto& b) { return a.voltage < b.voltage; });
    d.kind = DeviceKind::Binary;
    d.sourceShape = "probabilities";
    d.binary.counts = std::move(counts);
    d.binary.trialsKnown = known;
    if (!known)
        d.warnings.push_back(
            {"", "no trial counts: the fit will use least squares and no binomial intervals"});
    binaryWarnings(d);
}

void buildMultiState(DeviceData& d, const std::string& path, std::vector<MultiStateObservation> obs,
                     const std::vector<std::string>& where, const DeviceLoadOptions& o)
{
    if (o.numStates > kMaxDeviceStates)
        throw FileFormatError(path, "number of states",
                              "at most " + std::to_string(kMaxDeviceStates),
                              std::to_string(o.numStates));
    // Plausibility limit: no multi-weight device has more than 64 notches, and the state
    // count sizes every table built from the file.
    const int limit = o.numStates > 0 ? o.numStates : kMaxDeviceStates;
    int maxState = 0;
    std::size_t maxAt = 0;
    for (std::size_t i = 0; i < obs.size(); ++i) {
        if (obs[i].state > limit)
            throw FileFormatError(path, where[i], "a state in 1.." + std::to_string(limit),
                                  std::to_string(obs[i].state));
        if (obs[i].state > maxState) {
            maxState = obs[i].state;
            maxAt = i;
        }
    }
    if (o.numStates == 0 && maxState > 2) {
        // The state count is inferred from the largest state. When most states below it
        // never occur ("1, 2, 3, 4, 43"), the largest is far more likely a typo than a
        // device with dozens of notches of which only a few were ever seen.
        std::vector<bool> seen(std::size_t(maxState) + 1, false);
        for (const auto& ob : obs) seen[std::size_t(ob.state)] = true;
        const auto observed = std::size_t(std::count(seen.begin() + 1, seen.end(), true));
        if (2 * observed < std::size_t(maxState))
            throw FileFormatError(path, where[maxAt],
                                  "states 1..K with most of them observed (K = the largest state)",
                                  "state " + std::to_string(maxState) + ", but only " +
                                      std::to_string(observed) + " of the states 1.." +
                                      std::to_string(maxState) + " occur in the file",
                                  "A typo? If the device really has " + std::to_string(maxState) +
                                      " states, say so with --states " + std::to_string(maxState));
    }
    d.kind = DeviceKind::MultiState;
    d.sourceShape = "multistate";
    d.multi.numStates = o.numStates > 0 ? o.numStates : maxState;
    if (d.multi.numStates < 2)
        throw FileFormatError(path, "state column", "at least 2 distinct states", "only state 1");
    d.multi.observations = std::move(obs);
    aggregateStates(d.multi);
    if (d.multi.voltages.size() < 2)
        d.warnings.push_back({"", "only one voltage: the ordinal curves cannot be fitted"});
}

}  // namespace detail

namespace {

using detail::CsvRow;

int column(const CsvLayout& L, ColumnRole r)
{
    for (std::size_t c = 0; c < L.roles.size(); ++c)
        if (L.roles[c] == r) return int(c);
    return -1;
}

bool parseFlag(const std::string& path, const CsvRow& row, std::size_t c, const std::string& name)
{
    std::string s = row.fields[c];
    for (char& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    if (s == "1" || s == "true" || s == "yes" || s == "y") return true;
    if (s == "0" || s == "false" || s == "no" || s == "n" || s.empty()) return false;
    throw FileFormatError(path, "line " + std::to_string(row.line) + ", column '" + name + "'",
                          "0/1, true/false or yes/no", "'" + row.fields[c] + "'");
}

}  // namespace

DeviceData loadDeviceCsv(const std::string& path, const DeviceLoadOptions& o)
{
    const auto table = detail::readCsv(path, o);
    const CsvLayout& L = table.layout;
    DeviceData d;
    d.sourcePath = path;
    auto num = [&](const CsvRow& row, ColumnRole r) {
        const int c = column(L, r);
        return detail::parseNumber(path, row, c, L.headers[c]) * L.scale[c];
    };
    auto where = [](const CsvRow& row) { return "line " + std::to_string(row.line); };
    std::vector<std::string> wh;
    for (const auto& row : table.rows) wh.push_back(where(row));

    switch (L.shape) {
        case CsvShape::Traces: {
            std::map<std::pair<double, int>, std::map<int, std::pair<double, int>>> byCycle;
            for (const auto& row : table.rows) {
                const double v = num(row, ColumnRole::Voltage);
                const int cyc =
                    detail::wholeNumber(path, where(row), "cycle", num(row, ColumnRole::Cycle), 0);
                const int pulse =
                    detail::wholeNumber(path, where(row), "pulse", num(row, ColumnRole::Pulse), 1);
                const double r = num(row, ColumnRole::Resistance);
                if (!(r > 0))
                    throw FileFormatError(path, where(row), "a positive resistance",
                                          std::to_string(r) + " ohm");
                auto [it, fresh] = byCycle[{v, cyc}].emplace(pulse, std::pair{r, row.line});
                if (!fresh)
                    throw FileFormatError(
                        path, where(row), "one reading per (voltage, cycle, pulse)",
                        "pulse " + std::to_string(pulse) + " again (first at line " +
                            std::to_string(it->second.second) + ")");
            }
            std::vector<ResistanceTrace> traces;
            for (const auto& [key, pulses] : byCycle) {
                ResistanceTrace t{key.first, key.second, {}};
                int expect = 1;
                for (const auto& [pulse, rv] : pulses) {
                    if (pulse != expect)
                        throw FileFormatError(path, "line " + std::to_string(rv.second),
                                              "pulses numbered 1, 2, 3, ... in each cycle",
                                              "pulse " + std::to_string(pulse) + " where pulse " +
                                                  std::to_string(expect) +
                                                  " was due (V = " + std::to_string(key.first) +
                                                  ", cycle " + std::to_string(key.second) + ")");
                    t.resistanceOhm.push_back(rv.first);
                    ++expect;
                }
                traces.push_back(std::move(t));
            }
            detail::buildFromTraces(d, path, std::move(traces), o);
            break;
        }
        case CsvShape::Events: {
            std::vector<SwitchEvent> ev;
            const bool hasCycle = column(L, ColumnRole::Cycle) >= 0;
            const int cens = column(L, ColumnRole::Censored);
            for (const auto& row : table.rows) {
                SwitchEvent e;
                e.voltage = num(row, ColumnRole::Voltage);
                e.cycle = hasCycle ? detail::wholeNumber(path, where(row), "cycle",
                                                         num(row, ColumnRole::Cycle), 0)
                                   : 0;
                e.pulses = detail::wholeNumber(path, where(row), "pulses_to_switch",
                                               num(row, ColumnRole::PulsesToSwitch), 1);
                e.censored = cens >= 0 && parseFlag(path, row, cens, L.headers[cens]);
                ev.push_back(e);
            }
            if (cens < 0)
                d.warnings.push_back(
                    {"", "no 'censored' column: every cycle is taken to have switched"});
            detail::buildFromEvents(d, path, std::move(ev), wh);
            break;
        }
        case CsvShape::Counts: {
            std::vector<double> v, s, n;
            for (const auto& row : table.rows) {
                v.push_back(num(row, ColumnRole::Voltage));
                s.push_back(num(row, ColumnRole::Switches));
                n.push_back(num(row, ColumnRole::Trials));
            }
            detail::buildFromCounts(d, path, v, s, n, wh);
            break;
        }
        case CsvShape::PulseLog: {  // one row per pulse applied: counted per voltage
            const int sw = column(L, ColumnRole::Switches);
            std::map<double, std::pair<double, double>> byVoltage;  // switches, pulses
            for (const auto& row : table.rows) {
                auto& c = byVoltage[num(row, ColumnRole::Voltage)];
                c.first += parseFlag(path, row, std::size_t(sw), L.headers[std::size_t(sw)]);
                c.second += 1;
            }
            std::vector<double> v, s, n;
            for (const auto& [volts, c] : byVoltage) {
                v.push_back(volts);
                s.push_back(c.first);
                n.push_back(c.second);
            }
            detail::buildFromCounts(d, path, v, s, n, wh);
            break;
        }
        case CsvShape::Probabilities: {
            std::vector<double> v, p, n;
            const bool hasTrials = column(L, ColumnRole::Trials) >= 0;
            for (const auto& row : table.rows) {
                v.push_back(num(row, ColumnRole::Voltage));
                p.push_back(num(row, ColumnRole::Probability));
                if (hasTrials) n.push_back(num(row, ColumnRole::Trials));
            }
            detail::buildFromProbabilities(d, path, v, p, n, wh);
            break;
        }
        case CsvShape::MultiState: {
            std::vector<MultiStateObservation> obs;
            for (const auto& row : table.rows) {
                MultiStateObservation m;
                m.voltage = num(row, ColumnRole::Voltage);
                m.cycle =
                    detail::wholeNumber(path, where(row), "cycle", num(row, ColumnRole::Cycle), 0);
                m.state =
                    detail::wholeNumber(path, where(row), "state", num(row, ColumnRole::State), 1);
                obs.push_back(m);
            }
            detail::buildMultiState(d, path, std::move(obs), wh, o);
            break;
        }
        default:
            throw FileFormatError(path, "", "a known CSV shape", "none");
    }
    d.drive = L.drive;
    return d;
}

namespace {

std::string fmtFull(double v)
{
    std::ostringstream s;
    s.precision(12);
    s << v;
    return s.str();
}

std::string provenanceHeader(const DeviceData& d, const char* shape)
{
    std::string h = "# dwmtj device data (" + std::string(shape) + ")\n";
    h += "# source: " + d.sourcePath + "\n";
    return h;
}

}  // namespace

void saveTracesCsv(const DeviceData& d, const std::string& path)
{
    std::ostringstream s;
    s << provenanceHeader(d, "resistance traces") << driveColumnHeader(d.drive)
      << ",cycle,pulse,resistance (Ohm)\n";
    for (const auto& t : d.binary.traces)
        for (std::size_t i = 0; i < t.resistanceOhm.size(); ++i)
            s << fmtFull(t.voltage) << ',' << t.cycle << ',' << i + 1 << ','
              << fmtFull(t.resistanceOhm[i]) << '\n';
    detail::writeTextAtomically(path, s.str());
}

void saveEventsCsv(const DeviceData& d, const std::string& path)
{
    std::ostringstream s;
    s << provenanceHeader(d, "switching events") << driveColumnHeader(d.drive)
      << ",cycle,pulses_to_switch,censored\n";
    for (const auto& e : d.binary.events)
        s << fmtFull(e.voltage) << ',' << e.cycle << ',' << e.pulses << ',' << (e.censored ? 1 : 0)
          << '\n';
    detail::writeTextAtomically(path, s.str());
}

void saveCountsCsv(const DeviceData& d, const std::string& path)
{
    std::ostringstream s;
    s << provenanceHeader(d, "aggregated counts");
    if (d.binary.trialsKnown) {
        s << driveColumnHeader(d.drive) << ",switches,trials\n";
        for (const auto& c : d.binary.counts)
            s << fmtFull(c.voltage) << ',' << c.switches << ',' << c.trials << '\n';
    } else {
        s << driveColumnHeader(d.drive) << ",probability\n";
        for (const auto& c : d.binary.counts)
            s << fmtFull(c.voltage) << ',' << fmtFull(c.probability) << '\n';
    }
    detail::writeTextAtomically(path, s.str());
}

void saveMultiStateCsv(const DeviceData& d, const std::string& path)
{
    std::ostringstream s;
    s << provenanceHeader(d, "multi-state") << driveColumnHeader(d.drive) << ",cycle,state\n";
    for (const auto& o : d.multi.observations)
        s << fmtFull(o.voltage) << ',' << o.cycle << ',' << o.state << '\n';
    detail::writeTextAtomically(path, s.str());
}

}  // namespace dwmtj::core

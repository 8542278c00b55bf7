#include "dwmtj/device_data.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "dwmtj/error.h"

namespace dwmtj::core {

const char* toString(Drive d) { return d == Drive::Current ? "current" : "voltage"; }
const char* siUnit(Drive d) { return d == Drive::Current ? "A" : "V"; }
std::string driveColumnHeader(Drive d) { return std::string(toString(d)) + " (" + siUnit(d) + ")"; }

Drive driveFromString(const std::string& s, const std::string& what)
{
    if (s == "voltage" || s == "V") return Drive::Voltage;
    if (s == "current" || s == "A") return Drive::Current;
    throw OptionsError(what + ": expected voltage or current, found '" + s + "'");
}

DriveDisplay driveDisplay(Drive d, double typical)
{
    if (d == Drive::Voltage) return {"V", "V", 1.0, "voltage"};
    const double a = std::abs(typical);
    if (a >= 1) return {"I", "A", 1.0, "current"};
    if (a > 0 && a < 1e-3) return {"I", "uA", 1e6, "current"};
    return {"I", "mA", 1e3, "current"};
}

std::string driveName(const std::string& voltageName, Drive d)
{
    if (d == Drive::Voltage) return voltageName;
    std::string s = voltageName;
    if (!s.empty() && s[0] == 'V') s[0] = 'I';
    for (std::size_t i = s.find("(V)"); i != std::string::npos; i = s.find("(V)", i + 1))
        s[i + 1] = 'I';
    return s;
}

double largestAmplitude(const DeviceData& d)
{
    double m = 0;
    for (const auto& c : d.binary.counts) m = std::max(m, std::abs(c.voltage));
    for (double v : d.multi.voltages) m = std::max(m, std::abs(v));
    return m;
}

DriveDisplay driveDisplay(const DeviceData& d)
{
    return driveDisplay(d.drive, largestAmplitude(d));
}

const char* toString(SwitchDirection d)
{
    switch (d) {
        case SwitchDirection::ParallelToAntiparallel:
            return "P->AP";
        case SwitchDirection::AntiparallelToParallel:
            return "AP->P";
        default:
            return "unknown";
    }
}

std::vector<VoltageCounts> aggregateEvents(const std::vector<SwitchEvent>& events)
{
    std::map<double, VoltageCounts> byVoltage;
    for (const auto& e : events) {
        auto& c = byVoltage[e.voltage];
        c.voltage = e.voltage;
        c.trials += e.pulses;
        if (!e.censored) c.switches += 1;
    }
    std::vector<VoltageCounts> out;
    for (auto& [v, c] : byVoltage) {
        c.probability = c.trials > 0 ? c.switches / c.trials : 0.0;
        out.push_back(c);
    }
    return out;
}

void aggregateStates(MultiStateDeviceData& data)
{
    int k = data.numStates;
    for (const auto& o : data.observations) k = std::max(k, o.state);
    data.numStates = k;
    std::map<double, std::vector<double>> byVoltage;
    for (const auto& o : data.observations) {
        auto& row = byVoltage[o.voltage];
        row.resize(k, 0.0);
        row[o.state - 1] += 1;
    }
    data.voltages.clear();
    data.stateCounts.clear();
    for (auto& [v, row] : byVoltage) {
        data.voltages.push_back(v);
        data.stateCounts.push_back(row);
    }
}

}  // namespace dwmtj::core

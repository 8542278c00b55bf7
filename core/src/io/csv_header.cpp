// CSV header cells: column names to roles, units to SI factors, and which quantity drives
// the device (volts or amperes). Internal to the CSV reader (csv_reader.h).
#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "io/csv_reader.h"

namespace dwmtj::core::detail {

std::string trim(const std::string& s)
{
    std::size_t a = 0, b = s.size();
    while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
    std::string t = s.substr(a, b - a);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
    return t;
}

std::string lower(std::string s)
{
    for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool parseUnit(const std::string& u, UnitInfo& info)
{
    // Currents are matched by case ("mA" is milliampere; "MA" is refused), micro as u or µ/μ.
    static const std::map<std::string, double> amperes = {{"A", 1},
                                                          {"amp", 1},
                                                          {"amps", 1},
                                                          {"ampere", 1},
                                                          {"amperes", 1},
                                                          {"mA", 1e-3},
                                                          {"uA", 1e-6},
                                                          {"\xc2\xb5"
                                                           "A",
                                                           1e-6},
                                                          {"\xce\xbc"
                                                           "A",
                                                           1e-6},
                                                          {"nA", 1e-9}};
    if (auto a = amperes.find(u); a != amperes.end()) {
        info = {a->second, false, false, true};
        return true;
    }
    static const std::map<std::string, UnitInfo> units = {
        {"v", {1, true, false}},           {"volt", {1, true, false}},
        {"volts", {1, true, false}},       {"mv", {1e-3, true, false}},
        {"uv", {1e-6, true, false}},       {"kv", {1e3, true, false}},
        {"ohm", {1, false, true}},         {"ohms", {1, false, true}},
        {"\xce\xa9", {1, false, true}},    {"kohm", {1e3, false, true}},
        {"k\xce\xa9", {1e3, false, true}}, {"mohm", {1e6, false, true}},
        {"m\xce\xa9", {1e6, false, true}}};
    std::string key = lower(u);
    // "MOhm" vs "mohm": in resistance context an upper-case M means mega.
    if (u == "MOhm" || u == "M\xce\xa9")
        key = "mohm";
    else if (key == "mohm")
        return false;  // milli-ohm: refuse rather than guess
    auto it = units.find(key);
    if (it == units.end()) return false;
    info = it->second;
    return true;
}

// Splits "Voltage (mV)", "voltage [V]", "voltage_mV", "R/kOhm" into name and unit.
void splitHeader(const std::string& h, std::string& name, std::string& unit)
{
    name = h;
    unit.clear();
    for (auto [open, close] : {std::pair{'(', ')'}, std::pair{'[', ']'}}) {
        const auto a = h.find(open), b = h.rfind(close);
        if (a != std::string::npos && b != std::string::npos && b > a) {
            unit = trim(h.substr(a + 1, b - a - 1));
            name = trim(h.substr(0, a));
            return;
        }
    }
    const auto slash = h.find('/');
    if (slash != std::string::npos) {
        unit = trim(h.substr(slash + 1));
        name = trim(h.substr(0, slash));
        return;
    }
    const auto us = h.find_last_of("_ ");
    if (us != std::string::npos) {
        UnitInfo info;
        if (parseUnit(h.substr(us + 1), info)) {
            unit = h.substr(us + 1);
            name = trim(h.substr(0, us));
        }
    }
}

namespace {

std::string normalName(const std::string& rawName)
{
    std::string n = lower(rawName);
    for (char& c : n)
        if (c == ' ' || c == '-') c = '_';
    return n;
}

}  // namespace

/// A drive column named for a current (read in amperes when it has no unit).
bool namesCurrent(const std::string& rawName)
{
    const std::string n = normalName(rawName);
    return n == "current" || n == "i" || n == "pulse_current" || n == "i_pulse" || n == "ipulse";
}

/// A drive column named for a voltage (a current unit on it is a contradiction).
bool namesVoltage(const std::string& rawName)
{
    const std::string n = normalName(rawName);
    return n == "voltage" || n == "v" || n == "pulse_voltage" || n == "v_pulse" || n == "vpulse";
}

ColumnRole roleOf(const std::string& rawName)
{
    const std::string n = normalName(rawName);
    static const std::map<std::string, ColumnRole> names = {
        {"voltage", ColumnRole::Voltage},
        {"v", ColumnRole::Voltage},
        {"amplitude", ColumnRole::Voltage},
        {"pulse_amplitude", ColumnRole::Voltage},
        {"pulse_voltage", ColumnRole::Voltage},
        {"v_pulse", ColumnRole::Voltage},
        {"vpulse", ColumnRole::Voltage},
        {"bias", ColumnRole::Voltage},
        {"current", ColumnRole::Voltage},
        {"i", ColumnRole::Voltage},
        {"pulse_current", ColumnRole::Voltage},
        {"i_pulse", ColumnRole::Voltage},
        {"ipulse", ColumnRole::Voltage},
        {"drive", ColumnRole::Voltage},
        {"cycle", ColumnRole::Cycle},
        {"cycle_index", ColumnRole::Cycle},
        {"run", ColumnRole::Cycle},
        {"repeat", ColumnRole::Cycle},
        {"cycle_number", ColumnRole::Cycle},
        {"pulse", ColumnRole::Pulse},
        {"pulse_number", ColumnRole::Pulse},
        {"pulse_index", ColumnRole::Pulse},
        {"resistance", ColumnRole::Resistance},
        {"r", ColumnRole::Resistance},
        {"r_mtj", ColumnRole::Resistance},
        {"pulses_to_switch", ColumnRole::PulsesToSwitch},
        {"switch_pulse", ColumnRole::PulsesToSwitch},
        {"pulses", ColumnRole::PulsesToSwitch},
        {"censored", ColumnRole::Censored},
        {"not_switched", ColumnRole::Censored},
        {"switches", ColumnRole::Switches},
        {"successes", ColumnRole::Switches},
        {"switched", ColumnRole::Switches},
        {"n_switch", ColumnRole::Switches},
        {"n_switches", ColumnRole::Switches},
        {"trials", ColumnRole::Trials},
        {"n_trials", ColumnRole::Trials},
        {"pulses_applied", ColumnRole::Trials},
        {"total_pulses", ColumnRole::Trials},
        {"probability", ColumnRole::Probability},
        {"p", ColumnRole::Probability},
        {"p_switch", ColumnRole::Probability},
        {"switching_probability", ColumnRole::Probability},
        {"prob", ColumnRole::Probability},
        {"state", ColumnRole::State},
        {"level", ColumnRole::State},
        {"notch", ColumnRole::State}};
    auto it = names.find(n);
    return it == names.end() ? ColumnRole::Ignore : it->second;
}

bool parseDriveUnit(const std::string& unit, Drive& drive, double& factor)
{
    UnitInfo info{1, false, false};
    if (!parseUnit(unit, info) || !(info.voltage || info.current)) return false;
    drive = info.current ? Drive::Current : Drive::Voltage;
    factor = info.factor;
    return true;
}

}  // namespace dwmtj::core::detail

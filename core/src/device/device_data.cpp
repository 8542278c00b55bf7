#include "dwmtj/device_data.h"

#include <algorithm>
#include <map>

namespace dwmtj::core {

const char* toString(SwitchDirection d)
{
    switch (d) {
    case SwitchDirection::ParallelToAntiparallel: return "P->AP";
    case SwitchDirection::AntiparallelToParallel: return "AP->P";
    default: return "unknown";
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

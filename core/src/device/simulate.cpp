#include "dwmtj/simulate.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "dwmtj/error.h"
#include "dwmtj/stats.h"

namespace dwmtj::core {

void BinarySimulationOptions::validate() const
{
    if (!(widthV > 0)) throw OptionsError("simulate: width must be > 0 V");
    if (!(floor >= 0 && ceiling <= 1 && floor < ceiling))
        throw OptionsError("simulate: need 0 <= floor < ceiling <= 1");
    if (cycles < 1 || cycles > 100000) throw OptionsError("simulate: cycles must be 1..100000");
    if (pulseCap < 1 || pulseCap > 1000000) throw OptionsError("simulate: pulse cap must be 1..1e6");
    if (!(readNoiseOhm >= 0)) throw OptionsError("simulate: read noise must be >= 0 ohm");
    if (!(antiparallelOhm > parallelOhm && parallelOhm > 0))
        throw OptionsError("simulate: need 0 < R_P < R_AP");
    if (direction == SwitchDirection::Unknown)
        throw OptionsError("simulate: choose a switching direction");
}

void MultiStateSimulationOptions::validate() const
{
    if (numStates < 2 || numStates > 64) throw OptionsError("simulate: states must be 2..64");
    if (int(thresholdsV.size()) != numStates - 1 || int(widthsV.size()) != numStates - 1)
        throw OptionsError("simulate: need K-1 thresholds and K-1 widths");
    for (std::size_t i = 0; i < widthsV.size(); ++i) {
        if (!(widthsV[i] > 0)) throw OptionsError("simulate: widths must be > 0 V");
        if (i > 0 && !(thresholdsV[i] > thresholdsV[i - 1]))
            throw OptionsError("simulate: thresholds must increase");
    }
    if (!(rampStepV > 0 && rampMaxV > 0)) throw OptionsError("simulate: ramp step and max must be > 0");
    if (cycles < 1 || cycles > 100000) throw OptionsError("simulate: cycles must be 1..100000");
}

DeviceData simulateBinaryDevice(const BinarySimulationOptions& o)
{
    o.validate();
    std::vector<double> volts = o.voltages;
    if (volts.empty())
        for (int i = 0; i <= 10; ++i) volts.push_back(std::round((1.0 + 0.12 * i) * 1000) / 1000);
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> uni(0.0, 1.0);
    std::normal_distribution<double> noise(0.0, o.readNoiseOhm);
    const bool up = o.direction == SwitchDirection::ParallelToAntiparallel;
    const double start = up ? o.parallelOhm : o.antiparallelOhm;
    const double end = up ? o.antiparallelOhm : o.parallelOhm;

    DeviceData d;
    d.kind = DeviceKind::Binary;
    d.sourceShape = "traces";
    std::ostringstream src;
    src << "simulated binary device (V50=" << o.v50 << " V, w=" << o.widthV << " V, seed=" << o.seed << ")";
    d.sourcePath = src.str();
    for (double v : volts) {
        const double p = o.floor + (o.ceiling - o.floor) * stats::logistic((v - o.v50) / o.widthV);
        for (int c = 1; c <= o.cycles; ++c) {
            ResistanceTrace t{v, c, {}};
            SwitchEvent e{v, c, o.pulseCap, true};
            for (int k = 1; k <= o.pulseCap; ++k) {
                const bool sw = uni(rng) < p;
                t.resistanceOhm.push_back((sw ? end : start) + (o.readNoiseOhm > 0 ? noise(rng) : 0.0));
                if (sw) {
                    e.pulses = k;
                    e.censored = false;
                    break;
                }
            }
            d.binary.traces.push_back(std::move(t));
            d.binary.events.push_back(e);
        }
    }
    d.binary.counts = aggregateEvents(d.binary.events);
    d.binary.trialsKnown = true;
    return d;
}

DeviceData simulateMultiStateDevice(const MultiStateSimulationOptions& o)
{
    o.validate();
    std::mt19937_64 rng(o.seed);
    std::uniform_real_distribution<double> uni(0.0, 1.0);
    DeviceData d;
    d.kind = DeviceKind::MultiState;
    d.sourceShape = "multistate";
    d.sourcePath = "simulated multi-weight device (K=" + std::to_string(o.numStates) +
                   ", seed=" + std::to_string(o.seed) + ")";
    d.multi.numStates = o.numStates;
    const int steps = int(std::floor(o.rampMaxV / o.rampStepV + 1e-9));
    for (int i = 0; i <= steps; ++i) {
        const double v = std::round(i * o.rampStepV * 1e6) / 1e6;
        for (int c = 1; c <= o.cycles; ++c) {
            // Reset before each voltage: the state reached is an independent draw from
            // the cumulative model; curves are made non-increasing in k.
            const double u = uni(rng);
            int state = 1;
            double cum = 1.0;
            for (int k = 2; k <= o.numStates; ++k) {
                cum = std::min(cum, stats::logistic((v - o.thresholdsV[k - 2]) / o.widthsV[k - 2]));
                if (u < cum) state = k;
            }
            d.multi.observations.push_back({v, c, state});
        }
    }
    aggregateStates(d.multi);
    return d;
}

}  // namespace dwmtj::core

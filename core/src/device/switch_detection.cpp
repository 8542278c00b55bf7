#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "dwmtj/device_data.h"
#include "dwmtj/error.h"

namespace dwmtj::core {
namespace {

// Otsu's threshold on the pooled readings: the split that maximizes the between-class
// variance. Exact over all split points of the sorted values.
double otsuThreshold(std::vector<double> r, double& lowMean, double& highMean, double& pooledSd)
{
    std::sort(r.begin(), r.end());
    const std::size_t n = r.size();
    std::vector<double> prefix(n + 1, 0.0), prefix2(n + 1, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        prefix[i + 1] = prefix[i] + r[i];
        prefix2[i + 1] = prefix2[i] + r[i] * r[i];
    }
    double best = -1;
    std::size_t split = 1;
    for (std::size_t i = 1; i < n; ++i) {
        if (r[i] == r[i - 1]) continue;
        const double n0 = double(i), n1 = double(n - i);
        const double m0 = prefix[i] / n0, m1 = (prefix[n] - prefix[i]) / n1;
        const double between = n0 * n1 * (m1 - m0) * (m1 - m0);
        if (between > best) {
            best = between;
            split = i;
        }
    }
    const double n0 = double(split), n1 = double(n - split);
    lowMean = prefix[split] / n0;
    highMean = (prefix[n] - prefix[split]) / n1;
    const double ss0 = prefix2[split] - n0 * lowMean * lowMean;
    const double ss1 = (prefix2[n] - prefix2[split]) - n1 * highMean * highMean;
    pooledSd = std::sqrt(std::max(0.0, (ss0 + ss1) / std::max(1.0, double(n) - 2)));
    return 0.5 * (r[split - 1] + r[split]);
}

}  // namespace

SwitchDetection detectSwitching(const std::vector<ResistanceTrace>& traces,
                                const SwitchDetectionOptions& options,
                                std::vector<SwitchEvent>& eventsOut)
{
    std::vector<double> all;
    for (const auto& t : traces) all.insert(all.end(), t.resistanceOhm.begin(), t.resistanceOhm.end());
    if (all.size() < 2) throw Error("resistance traces: expected at least 2 readings, found " +
                                    std::to_string(all.size()));
    SwitchDetection det;
    const double thr = otsuThreshold(all, det.lowLevelOhm, det.highLevelOhm, det.separation);
    const double sd = det.separation;
    det.separation = sd > 0 ? (det.highLevelOhm - det.lowLevelOhm) / sd : INFINITY;
    det.thresholdOhm = options.thresholdOhm.value_or(thr);
    if (!(det.separation >= 4.0) && !options.thresholdOhm) {
        std::ostringstream m;
        m << "resistance traces: expected two distinct resistance levels (parallel and "
             "antiparallel), found levels "
          << det.lowLevelOhm << " and " << det.highLevelOhm << " ohm only "
          << det.separation << " read-noise s.d. apart (need >= 4). Give the threshold "
             "explicitly if the device really switched";
        throw Error(m.str());
    }
    if (det.lowLevelOhm >= det.thresholdOhm || det.highLevelOhm <= det.thresholdOhm)
        throw Error("resistance traces: the threshold " + std::to_string(det.thresholdOhm) +
                    " ohm does not lie between the two levels");

    // Direction: majority vote over traces that start on one level and later cross.
    det.direction = options.direction;
    det.directionDetected = options.direction == SwitchDirection::Unknown;
    if (det.directionDetected) {
        int up = 0, down = 0;
        for (const auto& t : traces) {
            if (t.resistanceOhm.size() < 2) continue;
            const bool startHigh = t.resistanceOhm.front() > det.thresholdOhm;
            for (double r : t.resistanceOhm)
                if ((r > det.thresholdOhm) != startHigh) {
                    (startHigh ? down : up) += 1;
                    break;
                }
        }
        if (up == 0 && down == 0) {
            // No trace crosses after its first reading: every cycle switched on pulse 1 or
            // never. Readings on the high level then mean P->AP switching happened.
            const auto highCount = std::count_if(all.begin(), all.end(),
                                                 [&](double r) { return r > det.thresholdOhm; });
            if (highCount == 0 || highCount == long(all.size()))
                throw Error("resistance traces: cannot tell the switching direction (no trace "
                            "changes level); choose P->AP or AP->P explicitly");
            det.direction = SwitchDirection::ParallelToAntiparallel;
        } else {
            det.direction = up >= down ? SwitchDirection::ParallelToAntiparallel
                                       : SwitchDirection::AntiparallelToParallel;
        }
    }
    const bool targetHigh = det.direction == SwitchDirection::ParallelToAntiparallel;

    eventsOut.clear();
    for (const auto& t : traces) {
        SwitchEvent e{t.voltage, t.cycle, int(t.resistanceOhm.size()), true};
        for (std::size_t i = 0; i < t.resistanceOhm.size(); ++i) {
            if ((t.resistanceOhm[i] > det.thresholdOhm) == targetHigh) {
                e.pulses = int(i) + 1;
                e.censored = false;
                break;
            }
        }
        eventsOut.push_back(e);
    }
    return det;
}

}  // namespace dwmtj::core

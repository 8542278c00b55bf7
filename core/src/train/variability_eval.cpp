// The variability evaluation (dwmtj/training.h, evaluateVariability): test accuracy with
// every device layer's neurons drawn as individual devices, one curve per axis.
#include <cmath>

#include "common.h"
#include "dwmtj/error.h"
#include "dwmtj/training.h"
#include "snn/rng.h"

namespace dwmtj::core {

VariabilitySettings variabilityAt(const std::string& axis, double level, uint64_t seed)
{
    VariabilitySettings v;
    v.seed = seed;
    if (axis == "v50")
        v.v50Sd = level;
    else if (axis == "width")
        v.widthSdRel = level;
    else if (axis == "c2c")
        v.c2cSd = level;
    else if (axis == "stuck")
        v.stuckOff = v.stuckOn = level / 2;
    else
        throw OptionsError("variability axis '" + axis + "': expected v50, width, c2c or stuck");
    v.validate();
    return v;
}

Experiment evaluateVariability(const Experiment& input, const VariabilityOptions& o,
                               std::stop_token stop, const std::function<void(int, int)>& progress)
{
    Experiment e = input;
    const auto& c = e.config;
    if (o.axes.empty()) throw OptionsError("variability: give at least one axis with its levels");
    if (o.draws < 1 || o.draws > 1000) throw OptionsError("variability: draws must be 1..1000");
    if (o.batchSize < 2) throw OptionsError("variability: batch size must be >= 2");
    for (const auto& a : o.axes) {
        if (a.levels.empty()) throw OptionsError("variability: axis " + a.id + " has no levels");
        for (double l : a.levels) variabilityAt(a.id, l, o.seed);  // throws for bad levels
    }
    if (!c.anyDeviceLayer())
        throw Error("the network has no DW-MTJ device layer: variability does not apply");
    applyThreadCount(o.threads > 0 ? o.threads : c.threads);
    const torch::Device device = train::resolveDevice(o.device.empty() ? "cpu" : o.device);
    const int evaluated = train::checkpointedRuns(e);
    torch::Tensor X, Y;
    train::testTensors(c, o.dataDir, o.testLimit, device, X, Y);
    int levels = 0;
    for (const auto& a : o.axes) levels += int(a.levels.size());
    const int batches = int((X.size(0) + o.batchSize - 1) / o.batchSize);
    const int total = evaluated * levels * o.draws * batches;
    int done = 0;
    for (auto& r : e.runs) {
        if (r.bestCheckpoint.empty()) continue;
        for (const auto& axis : o.axes) {
            VariabilityCurve curve;
            curve.axis = axis.id;
            curve.seed = o.seed;
            curve.testImages = int(X.size(0));
            for (size_t k = 0; k < axis.levels.size(); ++k) {
                const VariabilitySettings v = variabilityAt(axis.id, axis.levels[k], o.seed);
                std::vector<double> acc;
                for (int d = 0; d < o.draws; ++d) {
                    // The same devices (scaled) at every level and the same spike draws for every
                    // level and draw (common random numbers): the curves differ by the devices.
                    const uint64_t drawKey = snn::streamKey(o.seed, r.seed, uint64_t(d), 23);
                    auto model =
                        train::buildModel(c, train::variedNeurons(e, device, v, drawKey), device);
                    snn::loadModuleState(*model, r.bestCheckpoint);
                    const double a = train::evaluate(model, X, Y, c.timesteps, o.batchSize,
                                                     snn::streamKey(o.seed, r.seed, 0, 29), nullptr,
                                                     stop, {}, [&] {
                                                         if (progress) progress(++done, total);
                                                     });
                    if (std::isnan(a)) return input;  // stopped: nothing changes
                    acc.push_back(a);
                }
                curve.level.push_back(axis.levels[k]);
                curve.accuracy.push_back(std::move(acc));
            }
            std::erase_if(r.variability,
                          [&](const VariabilityCurve& x) { return x.axis == curve.axis; });
            r.variability.push_back(std::move(curve));
        }
    }
    return e;
}

}  // namespace dwmtj::core

// How a trained network's accuracy depends on its device's measured switching curve
// (dwmtj/training.h, curveSensitivity): the test accuracy with the device layers' tables
// rebuilt from the fit with V50 (then w) moved by +/- h, at the network's own operating point,
// with the same spike draws for every table (common random numbers).
#include <cmath>

#include "common.h"
#include "dwmtj/error.h"
#include "dwmtj/lut.h"
#include "dwmtj/training.h"
#include "snn/rng.h"

namespace dwmtj::core {

CurveSensitivity curveSensitivity(const Experiment& e, const DeviceData& data,
                                  const SigmoidFit& fit, const VariabilityOptions& o,
                                  double stepInSe, std::stop_token stop,
                                  const std::function<void(int, int)>& progress)
{
    const auto& c = e.config;
    if (fit.form != SigmoidForm::TwoParameter)
        throw OptionsError("sensitivity: needs the 2-parameter fit of the device");
    if (!(stepInSe > 0 && stepInSe <= 10))
        throw OptionsError("sensitivity: the step must be 0 to 10 standard errors");
    // The device layers this device drives: those whose table is binary (one device per run).
    const Lut* target = train::singleDeviceLut(
        e,
        "sensitivity: the network's two device layers have different tables; the plan is for "
        "one device",
        DeviceKind::Binary);
    if (!target) throw Error("the network has no binary DW-MTJ layer: no curve to plan for");
    if (target->drive != data.drive)
        throw OptionsError(std::string("sensitivity: the network's table is ") +
                           toString(target->drive) + "-driven, the device data " +
                           toString(data.drive) + "-driven");
    applyThreadCount(o.threads > 0 ? o.threads : c.threads);
    const torch::Device device = train::resolveDevice(o.device.empty() ? "cpu" : o.device);
    const int runs = train::checkpointedRuns(e);
    torch::Tensor X, Y;
    train::testTensors(c, o.dataDir, o.testLimit, device, X, Y);
    LutOptions lo;  // the network's grid, so that only the curve changes
    lo.size = int(target->voltage.size());
    lo.voltageMin = target->vMin();
    lo.voltageMax = target->vMax();

    CurveSensitivity s;
    s.testImages = int(X.size(0));
    for (int j = 0; j < 2; ++j)
        s.step[size_t(j)] = stepInSe * fit.parameters[size_t(j)].standardError;
    if (!(s.step[0] > 0 && s.step[1] > 0 && std::isfinite(s.step[0]) && std::isfinite(s.step[1])))
        throw FitError("sensitivity: the fit's standard errors are not usable");
    auto layersFor = [&](const SigmoidFit* f) {
        auto layers = train::hiddenNeurons(e, device);
        if (!f) return layers;
        const Lut lut = buildBinaryLut(data, f, lo);
        for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i) {
            if (e.layerLut(i) != target) continue;
            double centre = 0, gain = 0;
            train::operatingPoint(e, i, centre, gain);
            layers[size_t(i)].table = std::make_shared<const snn::DeviceTable>(
                snn::DeviceTable::fromLut(lut, centre, gain, device));
        }
        return layers;
    };
    const int batches = int((X.size(0) + o.batchSize - 1) / o.batchSize);
    const int total = runs * 5 * batches;
    int done = 0;
    double gSum[2] = {0, 0}, accSum = 0;
    for (const auto& r : e.runs) {
        if (r.bestCheckpoint.empty()) continue;
        auto accuracy = [&](const SigmoidFit* f) {
            auto model = train::buildModel(c, layersFor(f), device);
            snn::loadModuleState(*model, r.bestCheckpoint);
            return train::evaluate(model, X, Y, c.timesteps, o.batchSize,
                                   snn::streamKey(o.seed, r.seed, 0, 31), nullptr, stop, {}, [&] {
                                       if (progress) progress(++done, total);
                                   });
        };
        const double at = accuracy(&fit);
        if (std::isnan(at)) return {};
        accSum += at;
        for (int j = 0; j < 2; ++j) {
            SigmoidFit up = fit, down = fit;
            up.parameters[size_t(j)].value += s.step[size_t(j)];
            down.parameters[size_t(j)].value -= s.step[size_t(j)];
            const double a = accuracy(&up), b = accuracy(&down);
            if (std::isnan(a) || std::isnan(b)) return {};
            gSum[j] += (a - b) / (2 * s.step[size_t(j)]);
        }
        ++s.runs;
    }
    if (s.runs == 0) throw Error("the experiment has no trained network (no checkpoint)");
    s.gradient = {gSum[0] / s.runs, gSum[1] / s.runs};
    s.accuracy = accSum / s.runs;
    s.valid = true;
    return s;
}

}  // namespace dwmtj::core

// Noise robustness: test accuracy of each run's best checkpoint under Gaussian pixel noise.
#include <cmath>

#include "common.h"
#include "dwmtj/error.h"
#include "snn/rng.h"

namespace dwmtj::core {

Experiment evaluateNoise(const Experiment& input, const NoiseOptions& o, std::stop_token stop,
                         const std::function<void(int, int)>& progress)
{
    Experiment e = input;
    const auto& c = e.config;
    std::vector<double> sigmas = o.sigmas;
    if (sigmas.empty())
        for (int k = 0; k <= 30; ++k) sigmas.push_back(0.1 * k);
    for (double s : sigmas)
        if (!(s >= 0) || !std::isfinite(s))
            throw OptionsError("noise sigmas must be finite and >= 0");
    if (o.batchSize < 1) throw OptionsError("batch size must be >= 1");
    applyThreadCount(o.threads > 0 ? o.threads : c.threads);
    const torch::Device device = train::resolveDevice(o.device.empty() ? c.device : o.device);
    train::hiddenNeurons(e, device);  // throws now when a device layer has no LUT
    torch::Tensor X, Y;
    train::testTensors(c, o.dataDir, o.testLimit, device, X, Y);
    double pixelStd = 1.0;
    if (o.units == NoiseUnits::Standardized && c.input == InputEncoding::Pixel) {
        if (!(e.pixelStd > 0)) throw Error("the experiment does not record the training pixel std");
        pixelStd = e.pixelStd;
    }
    const train::InputNoise in = train::inputNoise(c, pixelStd);
    pixelStd = in.scale;
    const int evaluated = train::checkpointedRuns(e);
    const int batchesPerPass = int((X.size(0) + o.batchSize - 1) / o.batchSize);
    const int total = evaluated * int(sigmas.size()) * batchesPerPass;
    int done = 0;
    for (auto& r : e.runs) {
        if (r.bestCheckpoint.empty()) continue;
        // A hardware-aware network is tested on its own devices.
        auto model = train::buildModel(c, train::trainedNeurons(e, r.seed, device), device);
        snn::loadModuleState(*model, r.bestCheckpoint);
        NoiseCurve curve;
        curve.chance = train::chanceLevel(Y);
        curve.units = o.units;
        curve.pixelStd = pixelStd;
        curve.seed = o.seed;
        snn::NetworkActivity tally;
        bool tallied = false;
        for (size_t k = 0; k < sigmas.size(); ++k) {
            const double sd = sigmas[k] * pixelStd;
            const uint64_t key = snn::streamKey(o.seed, r.seed, k, 7);
            auto addNoise = [&](const torch::Tensor& x, int b) {
                if (sd == 0) return x;
                const torch::Tensor noisy =
                    x + float(sd) *
                            train::gaussian(x.sizes(), snn::streamKey(key, uint64_t(b), 1), device);
                return in.clamp ? noisy.clamp(0.0, 1.0) : noisy;
            };
            const bool clean = sd == 0;
            std::vector<uint8_t> hits;
            const double acc = train::evaluate(
                model, X, Y, c.timesteps, o.batchSize, key, clean && !tallied ? &tally : nullptr,
                stop, addNoise,
                [&] {
                    if (progress) progress(++done, total);
                },
                &hits);
            if (std::isnan(acc)) return input;  // stopped: nothing changes
            tallied = tallied || clean;
            curve.sigma.push_back(sigmas[k]);
            curve.accuracy.push_back(acc);
            curve.correct.push_back(std::move(hits));
        }
        // Normalized accuracy = accuracy(sigma) / accuracy(0); sigma 0 evaluated if not listed.
        double clean = std::nan("");
        for (size_t k = 0; k < curve.sigma.size(); ++k)
            if (curve.sigma[k] == 0) clean = curve.accuracy[k];
        if (std::isnan(clean)) {
            clean = train::evaluate(model, X, Y, c.timesteps, o.batchSize,
                                    snn::streamKey(o.seed, r.seed, 0, 7), &tally, stop);
            if (std::isnan(clean)) return input;
            tallied = true;
        }
        for (double a : curve.accuracy)
            curve.normalized.push_back(clean > 0 ? a / clean : std::nan(""));
        std::erase_if(r.noise, [&](const NoiseCurve& n) { return n.units == curve.units; });
        r.noise.push_back(std::move(curve));
        if (tallied) {
            const EnergyReport energy = train::energyFrom(tally, int(X.size(0)), e);
            if (energy.valid) r.energy = energy;
            r.neurobench = train::neuroBenchFrom(tally, int(X.size(0)), model, c);
        }
    }
    return e;
}

std::vector<float> noisyImage(const std::vector<float>& pixels, double sigma, double scale,
                              uint64_t seed)
{
    if (!(sigma >= 0) || !std::isfinite(sigma) || !(scale > 0))
        throw OptionsError("noise sigma must be finite and >= 0");
    const auto n = int64_t(pixels.size());
    torch::Tensor x =
        torch::from_blob(const_cast<float*>(pixels.data()), {n}, torch::kFloat32).clone();
    if (sigma > 0)
        x = (x + float(sigma * scale) *
                     train::gaussian({n}, snn::streamKey(seed, 0, 0, 11), torch::kCPU))
                .clamp(0.0, 1.0);
    return std::vector<float>(x.data_ptr<float>(), x.data_ptr<float>() + n);
}

}  // namespace dwmtj::core

// The robustness study: every modelling choice of a study on every run's best checkpoint.
#include <ATen/Parallel.h>

#include <cmath>

#include "common.h"
#include "dwmtj/error.h"
#include "dwmtj/robustness.h"
#include "perturb.h"
#include "snn/rng.h"

namespace dwmtj::core {
namespace train {
namespace {

/// out[i] = f(in[i], u1, u2) over a contiguous float tensor on the CPU, with two uniforms
/// per element from the counter-based stream `key` (elements 2i and 2i + 1).
template <class F>
torch::Tensor mapWithUniforms(const torch::Tensor& inRaw, uint64_t key, F f)
{
    const torch::Tensor in = inRaw.to(torch::kCPU).contiguous();
    torch::Tensor out = torch::empty_like(in);
    const float* pi = in.data_ptr<float>();
    float* po = out.data_ptr<float>();
    const int64_t n = in.numel();
    constexpr int64_t kBlock = 2048;
    at::parallel_for(0, (n + kBlock - 1) / kBlock, 1, [&](int64_t b0, int64_t b1) {
        uint32_t u[2 * kBlock];
        for (int64_t b = b0; b < b1; ++b) {
            const int64_t e0 = b * kBlock, m = std::min(kBlock, n - e0);
            snn::fillUniformU32(key, 2 * e0, 2 * m, u);
            for (int64_t k = 0; k < m; ++k) po[e0 + k] = f(pi[e0 + k], u[2 * k], u[2 * k + 1]);
        }
    });
    return out.to(inRaw.device());
}

/// Box-Muller from two 32-bit uniforms (the cosine branch).
inline float normal(uint32_t a, uint32_t b)
{
    const double u1 = (double(a) + 0.5) / 4294967296.0, u2 = double(b) / 4294967296.0;
    return float(std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2));
}

}  // namespace

torch::Tensor gaussianPixels(const torch::Tensor& x, double sd, uint64_t key, bool clamp)
{
    const float s = float(sd);
    if (!clamp)
        return mapWithUniforms(
            x, key, [s](float v, uint32_t a, uint32_t b) { return v + s * normal(a, b); });
    return mapWithUniforms(x, key, [s](float v, uint32_t a, uint32_t b) {
        return std::clamp(v + s * normal(a, b), 0.0f, 1.0f);
    });
}

torch::Tensor expectedNoisyPixels(const torch::Tensor& p, double sigma, InputEncoding input)
{
    // E[clamp(Y, 0, 1)] for Y ~ N(p, sigma^2): with a = -p / sigma and b = (1 - p) / sigma,
    // p (Phi(b) - Phi(a)) + sigma (phi(a) - phi(b)) + 1 - Phi(b).
    const double s = std::max(sigma, 1e-12);
    const torch::Tensor a = -p / s, b = (1 - p) / s;
    auto Phi = [](const torch::Tensor& z) { return 0.5 * torch::erfc(-z / std::sqrt(2.0)); };
    auto phi = [](const torch::Tensor& z) {
        return torch::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
    };
    const torch::Tensor Pb = Phi(b);
    const torch::Tensor e = p * (Pb - Phi(a)) + s * (phi(a) - phi(b)) + (1 - Pb);
    // Pixels that the network's input encoding maps onto these probabilities.
    return input == InputEncoding::Standardized ? e * kStandardizeSd + kStandardizeMean : e;
}

torch::Tensor gaussianPixelsPerStep(const torch::Tensor& x, int T, double sd, uint64_t key,
                                    bool clamp)
{
    return gaussianPixels(x.unsqueeze(0).expand({T, x.size(0), x.size(1)}), sd, key, clamp);
}

torch::Tensor saltPepper(const torch::Tensor& x, double p, uint64_t key)
{
    const float pf = float(p);
    return mapWithUniforms(x, key, [pf](float v, uint32_t a, uint32_t b) {
        return snn::toUnitFloat(a) < pf ? float(b >> 31) : v;
    });
}

torch::Tensor spikeNoise(const torch::Tensor& s, double q, double r, uint64_t key)
{
    const float qf = float(q), rf = float(r);
    return mapWithUniforms(s, key, [qf, rf](float v, uint32_t a, uint32_t) {
        const float u = snn::toUnitFloat(a);
        return v > 0.5f ? float(u >= qf) : float(u < rf);
    });
}

}  // namespace train

namespace {

int timestepsFor(const StudyChoice& c, int trained)
{
    return c.timesteps > 0 ? c.timesteps
                           : std::max(1, int(std::lround(c.timestepsFactor * double(trained))));
}

struct Prepared {
    torch::Device device = torch::kCPU;
    torch::Tensor X, Y;
    int batchesPerPass = 0;
};

}  // namespace

int studyBatches(const Experiment& e, const StudyOptions& o)
{
    int runs = 0;
    for (const auto& r : e.runs) runs += r.bestCheckpoint.empty() ? 0 : 1;
    int images = o.testLimit >= 0 ? o.testLimit : e.config.testLimit;
    if (images <= 0) images = e.testImages > 0 ? e.testImages : 10000;
    const int perPass = (images + o.batchSize - 1) / std::max(1, o.batchSize);
    int levels = 0;
    for (const auto& c : o.choices) {
        bool zero = false;
        for (double l : c.levels) zero |= l == 0;
        levels += int(c.levels.size()) + (zero ? 0 : 1);
    }
    return runs * levels * perPass;
}

Experiment runStudy(const Experiment& input, const StudyOptions& o, std::stop_token stop,
                    const std::function<void(int, int)>& progress)
{
    if (o.choices.empty()) throw OptionsError("the study has no choices");
    for (const auto& c : o.choices) c.validate();
    if (o.batchSize < 2)
        throw OptionsError("the study's batch size must be >= 2 (BatchNorm on a batch needs 2)");
    Experiment e = input;
    const auto& cfg = e.config;
    applyThreadCount(o.threads > 0 ? o.threads : cfg.threads);
    const torch::Device device = train::resolveDevice(o.device.empty() ? cfg.device : o.device);
    const bool lif = !cfg.anyDeviceLayer();
    train::hiddenNeurons(e, torch::kCPU);  // throws now when a device layer has no LUT
    train::checkpointedRuns(e);            // throws when no run has a checkpoint
    bool standardized = false;
    for (const auto& c : o.choices)
        standardized |= c.units == NoiseUnits::Standardized && gaussianModel(c.model);
    if (standardized && !(e.pixelStd > 0))
        throw Error("the experiment does not record the training pixel std (standardized units)");

    torch::Tensor X, Y;
    train::testTensors(cfg, o.dataDir, o.testLimit, device, X, Y);
    const int total = studyBatches(e, [&] {
        StudyOptions copy = o;
        copy.testLimit = int(X.size(0));
        return copy;
    }());
    int done = 0;

    // The trained gain of the first device layer (what a study curve records).
    double centre = std::nan(""), trainedGain = std::nan("");
    for (int i = 0; i < TrainingConfig::kHiddenLayers && std::isnan(trainedGain); ++i)
        train::operatingPoint(e, i, centre, trainedGain);
    for (auto& r : e.runs) {
        if (r.bestCheckpoint.empty()) continue;
        for (size_t ci = 0; ci < o.choices.size(); ++ci) {
            const StudyChoice& c = o.choices[ci];
            StudyCurve curve;
            curve.choice = c;
            curve.seed = o.seed;
            curve.testImages = int(X.size(0));
            curve.timesteps = timestepsFor(c, cfg.timesteps);
            curve.gainVolts = lif ? std::nan("") : trainedGain * c.gainFactor;
            const bool gaussian = gaussianModel(c.model);
            const bool standardized = cfg.input == InputEncoding::Standardized;
            const train::InputNoise in = train::inputNoise(
                cfg, gaussian && c.units == NoiseUnits::Standardized ? e.pixelStd : 1.0);
            curve.pixelStd = gaussian ? in.scale : 1.0;
            // A hardware-aware network is studied on its own devices.
            auto model = train::buildModel(
                cfg, train::trainedNeurons(e, r.seed, device, c.gainFactor), device);
            snn::loadModuleState(*model, r.bestCheckpoint);
            model->setBatchStatisticsAtInference(c.normalization == NormMode::Batch);
            torch::NoGradGuard ng;
            model->eval();
            const int T = curve.timesteps;
            // The same noise for every network: keys from the study seed, choice id and level.
            uint64_t choiceKey = o.seed;
            for (char ch : c.id)
                choiceKey = snn::mix64(choiceKey ^ uint64_t(static_cast<unsigned char>(ch)));
            curve.chance = train::chanceLevel(Y);
            std::vector<uint8_t> hits;  // per image, of the level evaluated last
            auto accuracyAt = [&](double level, size_t k) -> double {
                hits.clear();
                const uint64_t key = snn::streamKey(choiceKey, k, 0, 13);
                const double sd = level * curve.pixelStd;
                const int64_t N = X.size(0);
                int64_t correct = 0;
                int b = 0;
                for (int64_t s = 0; s < N; s += o.batchSize, ++b) {
                    if (stop.stop_requested()) return std::nan("");
                    const int64_t end = std::min<int64_t>(N, s + o.batchSize);
                    const torch::Tensor x = X.slice(0, s, end);
                    const uint64_t bk = snn::streamKey(key, uint64_t(b), 1);
                    const uint64_t fk =
                        snn::streamKey(r.seed, uint64_t(b));  // the network's own draws
                    torch::Tensor v;
                    switch (c.model) {
                        case NoiseModel::Gaussian:
                            v = model->forward(
                                level > 0 ? train::gaussianPixels(x, sd, bk, in.clamp) : x, T, fk);
                            break;
                        case NoiseModel::GaussianPerStep:
                            v = level > 0 ? model->forwardSpikes(
                                                snn::poissonEncode(model->spikeProbabilities(
                                                                       train::gaussianPixelsPerStep(
                                                                           x, T, sd, bk, in.clamp)),
                                                                   T, snn::streamKey(fk, 0)),
                                                fk)
                                          : model->forward(x, T, fk);
                            break;
                        case NoiseModel::GaussianExpected:
                            // The expected spike probability, as pixels that the network's
                            // input encoding maps onto it (no randomness in the noise).
                            v = model->forward(
                                level > 0 ? train::expectedNoisyPixels(
                                                model->spikeProbabilities(x),
                                                standardized ? sd / kStandardizeSd : sd, cfg.input)
                                          : x,
                                T, fk);
                            break;
                        case NoiseModel::SaltPepper:
                            v = model->forward(level > 0 ? train::saltPepper(x, level, bk) : x, T,
                                               fk);
                            break;
                        case NoiseModel::SpikeDeletion:
                        case NoiseModel::SpikeInsertion: {
                            torch::Tensor spikes = snn::poissonEncode(model->spikeProbabilities(x),
                                                                      T, snn::streamKey(fk, 0));
                            if (level > 0)
                                spikes = c.model == NoiseModel::SpikeDeletion
                                             ? train::spikeNoise(spikes, level, 0, bk)
                                             : train::spikeNoise(spikes, 0, level, bk);
                            v = model->forwardSpikes(spikes, fk);
                            break;
                        }
                    }
                    correct += train::countHits(
                        snn::SpikingMlpImpl::predictedClasses(v) == Y.slice(0, s, end), &hits);
                    if (progress) progress(++done, total);
                }
                return N ? double(correct) / double(N) : std::nan("");
            };
            double clean = std::nan("");
            for (size_t k = 0; k < c.levels.size(); ++k) {
                const double acc = accuracyAt(c.levels[k], k);
                if (std::isnan(acc)) return input;  // stopped: nothing changes
                curve.level.push_back(c.levels[k]);
                curve.accuracy.push_back(acc);
                curve.correct.push_back(hits);
                if (c.levels[k] == 0) clean = acc;
            }
            if (std::isnan(clean)) {
                clean = accuracyAt(0, c.levels.size());
                if (std::isnan(clean)) return input;
            }
            for (double a : curve.accuracy)
                curve.normalized.push_back(clean > 0 ? a / clean : std::nan(""));
            std::erase_if(r.study, [&](const StudyCurve& s) { return s.choice.id == c.id; });
            r.study.push_back(std::move(curve));
        }
    }
    return e;
}

}  // namespace dwmtj::core

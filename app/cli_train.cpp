// dwmtj train / noise: training the spiking network and its noise evaluation (CLI).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <thread>

#include "cli_args.h"
#include "cli_commands.h"
#include "cli_progress.h"
#include "cli_stats_json.h"
#include "dwmtj/error.h"
#include "dwmtj/stats.h"
#include "dwmtj/training.h"

namespace dwmtj::cli {
namespace {

using namespace dwmtj::core;

class ConsoleObserver : public TrainingObserver {
public:
    void onBatch(const BatchProgress& p) override
    {
        const auto now = std::chrono::steady_clock::now();
        const bool last = p.batch == p.batches;
        if (m_tty) {
            if (!last && now - m_lastDraw < std::chrono::milliseconds(200)) return;
            std::fprintf(
                stderr,
                "\r[seed %llu, %d/%d] epoch %d/%d  batch %d/%d  loss %.4f  %.0f img/s  ETA %s   ",
                (unsigned long long)p.seed, p.seedIndex + 1, p.seedCount, p.epoch, p.epochs,
                p.batch, p.batches, p.loss, p.imagesPerSecond, duration(p.etaSeconds).c_str());
        } else {
            const int step = std::max(1, p.batches / 5);
            if (p.batch % step != 0 && !last) return;
            std::fprintf(stderr,
                         "[seed %llu] epoch %d/%d batch %d/%d loss %.4f %.0f img/s ETA %s\n",
                         (unsigned long long)p.seed, p.epoch, p.epochs, p.batch, p.batches, p.loss,
                         p.imagesPerSecond, duration(p.etaSeconds).c_str());
        }
        m_lastDraw = now;
    }
    void onEpoch(const EpochReport& r) override
    {
        std::fprintf(stderr, "%sseed %llu epoch %d: loss %.4f  train %s  validation %s  (%s)%s\n",
                     m_tty ? "\r" : "", (unsigned long long)r.seed, r.epoch, r.trainLoss,
                     percent(r.trainAccuracy).c_str(), percent(r.validationAccuracy).c_str(),
                     duration(r.seconds).c_str(), r.best ? "  best" : "");
    }
    void onRunFinished(const RunRecord& r) override
    {
        std::fprintf(stderr, "%sseed %llu %s: best validation %s (epoch %d), test %s%s%s\n",
                     m_tty ? "\r" : "", (unsigned long long)r.seed, toString(r.status),
                     percent(r.bestValidationAccuracy).c_str(), r.bestEpoch,
                     percent(r.testAccuracy).c_str(), r.message.empty() ? "" : "\n  ",
                     r.message.c_str());
    }
    void onMessage(const std::string& m) override
    {
        std::fprintf(stderr, "%s%s\n", m_tty ? "\r" : "", m.c_str());
    }

private:
    bool m_tty = isatty(2);
    std::chrono::steady_clock::time_point m_lastDraw{};
};

std::vector<uint64_t> parseSeeds(const std::string& text)
{
    try {
        return parseSeedList(text);
    } catch (const OptionsError& e) {
        throw UsageError(std::string("--") + e.what());
    }
}

/// NeuroBench's metrics of each run's best checkpoint (docs/models.md, "NeuroBench metrics").
void printNeuroBench(const Experiment& e)
{
    bool any = false;
    for (const auto& r : e.runs) any = any || r.neurobench.valid;
    if (!any) return;
    std::printf(
        "\nNeuroBench metrics (best checkpoint, clean test images):\n%-6s %11s %12s %15s %9s "
        "%16s %16s\n",
        "seed", "footprint", "connection", "activation", "input", "effective ACs", "dense SynOps");
    std::printf("%-6s %11s %12s %15s %9s %16s %16s\n", "", "", "sparsity", "sparsity L1/L2",
                "sparsity", "per sample", "per sample");
    for (const auto& r : e.runs) {
        const auto& m = r.neurobench;
        if (!m.valid) continue;
        char act[32];
        std::snprintf(act, sizeof act, "%.3f / %.3f", m.activationSparsity.at(0),
                      m.activationSparsity.at(1));
        std::printf("%-6llu %8.1f kB %12.4f %15s %9.3f %16.4g %16.4g\n", (unsigned long long)r.seed,
                    m.footprintBytes / 1e3, m.connectionSparsity, act, m.inputActivationSparsity,
                    m.effectiveAcsPerSample, m.denseSynOpsPerSample);
    }
}

void printSummary(const Experiment& e, const std::string& out)
{
    std::printf("\n%-6s %-10s %6s %6s %10s %10s %14s\n", "seed", "status", "epochs", "best",
                "val acc", "test acc", "energy/image");
    double sum = 0, sum2 = 0;
    int n = 0;
    for (const auto& r : e.runs) {
        char energy[32] = "-";
        if (r.energy.valid) {
            const double j = r.energy.energyPerInferenceJ;
            if (j >= 1e-6)
                std::snprintf(energy, sizeof energy, "%.3f uJ", j * 1e6);
            else
                std::snprintf(energy, sizeof energy, "%.3f nJ", j * 1e9);
        }
        std::printf("%-6llu %-10s %6d %6d %10s %10s %14s\n", (unsigned long long)r.seed,
                    toString(r.status), r.epochsDone(), r.bestEpoch,
                    percent(r.bestValidationAccuracy).c_str(), percent(r.testAccuracy).c_str(),
                    energy);
        if (std::isfinite(r.testAccuracy))
            sum += r.testAccuracy, sum2 += r.testAccuracy * r.testAccuracy, ++n;
    }
    if (n > 1) {
        const double m = sum / n, sd = std::sqrt(std::max(0.0, (sum2 - n * m * m) / (n - 1)));
        std::printf("test accuracy over %d seeds: %.2f %% +/- %.2f %% (sd)\n", n, 100 * m,
                    100 * sd);
    }
    const auto& v = e.config.variability;
    if (v.any()) {
        std::printf(
            "\ndevice variability (%s, %s): test accuracy on each run's drawn devices\n",
            v.describe().c_str(),
            e.config.hardwareAware() ? "hardware-aware training" : "trained on the nominal device");
        for (const auto& r : e.runs)
            std::printf("  seed %-6llu %10s\n", (unsigned long long)r.seed,
                        percent(r.deviceTestAccuracy).c_str());
    }
    printNeuroBench(e);
    if (!out.empty()) std::printf("experiment file: %s\n", out.c_str());
}

/// --v50-sd, --width-sd, --c2c-sd, --stuck (half off, half on; or --stuck-off, --stuck-on),
/// --device-seed and
/// --variability-in of `dwmtj train`: the network's device variability.
void readVariability(const Args& a, TrainingConfig& c)
{
    auto& v = c.variability;
    v.v50Sd = a.number("v50-sd", 0.0);
    v.widthSdRel = a.number("width-sd", 0.0);
    v.c2cSd = a.number("c2c-sd", 0.0);
    v.stuckOff = v.stuckOn = a.number("stuck", 0.0) / 2;
    v.stuckOff = a.number("stuck-off", v.stuckOff);
    v.stuckOn = a.number("stuck-on", v.stuckOn);
    v.seed = uint64_t(a.integer("device-seed", 0));
    try {
        c.variabilityUse = variabilityUseFromString(a.get("variability-in", "evaluation"));
    } catch (const OptionsError& err) {
        throw UsageError(std::string("--variability-in: ") + err.what());
    }
    if (a.has("variability-in") && !v.any())
        throw UsageError(
            "--variability-in needs a spread: --v50-sd, --width-sd, --c2c-sd or --stuck");
}

}  // namespace

int runTrain(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("train"));
    InterruptWatcher interrupts;
    ConsoleObserver observer;
    Experiment e;
    std::string out;
    if (a.has("resume")) {
        out = a.get("resume", "");
        // Without --epochs the file's own count (0); with it the new total.
        const int epochs = a.has("epochs") ? int(a.integer("epochs", TrainingConfig{}.epochs)) : 0;
        e = resumeTraining(out, observer, interrupts.token(), epochs);
    } else {
        TrainingConfig c;
        if (a.has("neuron") && a.has("neurons"))
            throw UsageError("--neuron sets every hidden layer, --neurons each one: give one");
        const std::vector<NeuronKind> kinds =
            parseLayerKinds(a.has("neurons") ? a.get("neurons", "") : a.get("neuron", "lif"));
        c.hidden = int(a.integer("hidden", c.hidden));
        c.timesteps = int(a.integer("timesteps", c.timesteps));
        c.epochs = int(a.integer("epochs", c.epochs));
        c.batchSize = int(a.integer("batch", c.batchSize));
        c.learningRate = a.number("lr", c.learningRate);
        if (a.has("seeds")) c.seeds = parseSeeds(a.get("seeds", ""));
        c.device = a.get("device", c.device);
        // Every device layer at --gain/--centre with --lut; hidden layer 2 at --lut2, --gain2,
        // --centre2 where given (its own device).
        for (const char* key : {"lut2", "gain2", "centre2"})
            if (a.has(key) && !neuronKindInfo(kinds.back()).device)
                throw UsageError(std::string("--") + key +
                                 " sets hidden layer 2's device, but "
                                 "layer 2 is " +
                                 neuronKindInfo(kinds.back()).label + " neurons");
        std::vector<LayerNeuron> layers;
        for (size_t i = 0; i < kinds.size(); ++i) {
            LayerNeuron l;
            l.neuron = kinds[i];
            if (neuronKindInfo(kinds[i]).device) {
                auto key = [&](const std::string& k) {
                    return i == 1 && a.has(k + "2") ? k + "2" : k;
                };
                l.lutPath = a.get(key("lut"), "");
                l.gainVolts = a.number(key("gain"), l.gainVolts);
                l.centreVoltage = a.number(key("centre"), l.centreVoltage);
            }
            layers.push_back(std::move(l));
        }
        c.setLayers(layers);
        c.threads = int(a.integer("threads", 0));
        c.tf32 = a.has("tf32");
        c.cudaGraphs = !a.has("no-cuda-graphs");
        c.dataDir = a.get("data-dir", "");
        c.trainLimit = int(a.integer("train-limit", 0));
        c.testLimit = int(a.integer("test-limit", 0));
        c.validationSize = int(a.integer("validation", c.validationSize));
        c.trainNoiseSigma = a.number("train-noise", c.trainNoiseSigma);
        c.energyR2Ohm = a.number("r2", c.energyR2Ohm);
        c.energyR4Ohm = a.number("r4", c.energyR4Ohm);
        c.energyPulseNs = a.number("pulse-ns", c.energyPulseNs);
        c.energyRiseFallNs = a.number("rise-fall-ns", c.energyRiseFallNs);
        readConstruction(a, c);
        readVariability(a, c);
        out = a.get("out", "");
        if (out.empty()) throw UsageError("--out RUN.h5 is required (the experiment file)");
        c.validate();
        std::fprintf(
            stderr,
            "training %s neurons, 784-%d-%d-10, T=%d, batch %d, lr %g, %d epoch(s), %zu seed(s)\n",
            c.neuronLabel().c_str(), c.hidden, c.hidden, c.timesteps, c.batchSize, c.learningRate,
            c.epochs, c.seeds.size());
        e = runTraining(c, observer, interrupts.token(), out);
    }
    printSummary(e, out);
    bool ok = true;
    for (const auto& r : e.runs)
        ok = ok && r.status != RunStatus::Diverged && r.status != RunStatus::Failed;
    if (!ok) return 1;
    return interrupts.token().stop_requested() ? kExitStopped : 0;
}

int runNoise(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("noise"));
    if (a.positionals().size() != 1)
        throw UsageError("expected one experiment file: dwmtj noise RUN.h5");
    const std::string path = a.positionals()[0];
    NoiseOptions o;
    if (a.has("sigma")) {
        try {
            o.sigmas = parseSigmaList(a.get("sigma", ""));
        } catch (const OptionsError& e) {
            throw UsageError(std::string("--sigma: ") + e.what());
        }
    }
    o.units = noiseUnitsFromString(a.get("units", "pixel"));
    o.seed = uint64_t(a.integer("seed", long(o.seed)));
    o.dataDir = a.get("data-dir", "");
    o.testLimit = int(a.integer("test-limit", -1));
    o.threads = int(a.integer("threads", 0));
    o.device = a.get("device", "");
    o.batchSize = int(a.integer("batch", o.batchSize));
    InterruptWatcher interrupts;
    const Experiment before = loadExperiment(path);
    const Experiment e =
        evaluateNoise(before, o, interrupts.token(), batchProgress("noise evaluation"));
    if (stoppedUnchanged(interrupts, path)) return kExitStopped;
    saveExperiment(e, path);
    const char* units = toString(o.units);
    // The endpoint: per network (test images only) and over the file's networks (seeds and
    // test images), on the declared grid for these sigmas.
    std::vector<endpoint::NetworkCurve> all;
    std::vector<bool> recorded;
    for (const auto& r : e.runs)
        for (const auto& n : r.noise)
            if (n.units == o.units) {
                all.push_back(endpointCurve(n));
                recorded.push_back(std::isfinite(n.chance));
            }
    const auto grid = endpointGrid(all.empty() ? std::vector<double>{} : all.front().level);
    const auto eo = endpointOptions(grid);
    const GroupEndpoints group = groupEndpoints(e.config.neuronLabel(), all, recorded, eo);
    if (a.has("json")) {
        std::string j =
            "{\"file\":" + jsonString(path) + ",\"units\":" + jsonString(units) + ",\"grid\":[";
        for (size_t k = 0; k < grid.size(); ++k) j += (k ? "," : "") + jsonNumber(grid[k]);
        j += "],\"group\":" + groupEndpointsJson(group) + ",\"runs\":[";
        bool first = true;
        size_t index = 0;
        for (const auto& r : e.runs)
            for (const auto& n : r.noise) {
                if (n.units != o.units) continue;
                const GroupEndpoints one = groupEndpoints("seed " + std::to_string(r.seed),
                                                          {all[index]}, {recorded[index]}, eo);
                ++index;
                j += std::string(first ? "" : ",") + "{\"seed\":" + std::to_string(r.seed) +
                     ",\"endpoints\":" + groupEndpointsJson(one) + ",\"sigma\":[";
                for (size_t k = 0; k < n.sigma.size(); ++k)
                    j += (k ? "," : "") + jsonNumber(n.sigma[k]);
                j += "],\"accuracy\":[";
                for (size_t k = 0; k < n.sigma.size(); ++k)
                    j += (k ? "," : "") + jsonNumber(n.accuracy[k]);
                j += "],\"normalized\":[";
                for (size_t k = 0; k < n.sigma.size(); ++k)
                    j += (k ? "," : "") + jsonNumber(n.normalized[k]);
                j += "]}";
                first = false;
            }
        std::printf("%s]}\n", j.c_str());
        return 0;
    }
    std::printf(
        "noise robustness (%s units, %s neurons), test accuracy of each run's best checkpoint\n",
        units, e.config.neuronLabel().c_str());
    std::printf("%8s", "sigma");
    std::vector<const NoiseCurve*> curves;
    for (const auto& r : e.runs)
        for (const auto& n : r.noise)
            if (n.units == o.units) {
                curves.push_back(&n);
                std::printf("  seed %-6llu", (unsigned long long)r.seed);
            }
    std::printf("  %10s %10s\n", "mean", "normalized");
    if (curves.empty()) return 0;
    for (size_t k = 0; k < curves[0]->sigma.size(); ++k) {
        std::printf("%8.2f", curves[0]->sigma[k]);
        double m = 0, mn = 0;
        for (const auto* c : curves) {
            std::printf("  %11s", percent(c->accuracy[k]).c_str());
            m += c->accuracy[k] / double(curves.size());
            mn += c->normalized[k] / double(curves.size());
        }
        std::printf("  %10s %10.4f\n", percent(m).c_str(), mn);
    }
    auto estimate = [](const endpoint::Estimate& x, double scale) {
        if (!std::isfinite(x.value)) return std::string(x.note.empty() ? "n/a" : x.note);
        char buf[160];
        if (x.valid())
            std::snprintf(buf, sizeof buf, "%.2f [95 %% CI %.2f, %.2f]", scale * x.value,
                          scale * x.low, scale * x.high);
        else
            std::snprintf(buf, sizeof buf, "%.2f", scale * x.value);
        return std::string(buf) + (x.note.empty() ? "" : " (" + x.note + ")");
    };
    std::printf(
        "\nendpoint over %zu network(s), grid %g..%g (%zu levels), chance %.2f %%%s:\n"
        "  chance-corrected AUC x 100: %s\n  sigma50: %s\n",
        curves.size(), grid.empty() ? 0.0 : grid.front(), grid.empty() ? 0.0 : grid.back(),
        grid.size(), 100 * group.chance,
        group.chanceRecorded ? " (the test images' largest class share)" : " (assumed: balanced)",
        estimate(group.auc, 100).c_str(), estimate(group.sigma50, 1).c_str());
    for (const auto& r : e.runs)
        if (r.energy.valid) {
            const auto shown = driveDisplay(r.energy.drive, std::sqrt(r.energy.meanSquareVoltage));
            std::printf(
                "seed %llu energy per inference: %.4g uJ (%.0f device samples of %.2f pJ at the "
                "RMS %s %.3f %s, %.0f spikes)\n",
                (unsigned long long)r.seed, r.energy.energyPerInferenceJ * 1e6,
                r.energy.samplesPerInference, r.energy.energyPerSampleJ * 1e12,
                shown.quantity.c_str(), shown.shown(std::sqrt(r.energy.meanSquareVoltage)),
                shown.unit.c_str(), r.energy.spikesPerInference);
        }
    printNeuroBench(e);
    std::printf("written to %s\n", path.c_str());
    return 0;
}
}  // namespace dwmtj::cli

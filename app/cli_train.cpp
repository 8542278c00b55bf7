// dwmtj train / noise / bench: the spiking-network commands of the CLI.
#include <unistd.h>

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
#include "dwmtj/error.h"
#include "dwmtj/stats.h"
#include "dwmtj/training.h"

namespace dwmtj::cli {
namespace {

/// Progress of an evaluation on stderr: "LABEL: batch d/n  ETA ..." redrawn at most 5 times a
/// second on a terminal, every 10 s into a log; the last call ends the line on a terminal.
std::function<void(int, int)> batchProgress(const char* label)
{
    const bool tty = isatty(2);
    const auto start = std::chrono::steady_clock::now();
    auto lastDraw = std::make_shared<std::chrono::steady_clock::time_point>(start);
    return [=](int done, int total) {
        const auto now = std::chrono::steady_clock::now();
        if (done != total && now - *lastDraw < std::chrono::milliseconds(tty ? 200 : 10000)) return;
        *lastDraw = now;
        const double el = std::chrono::duration<double>(now - start).count();
        std::fprintf(stderr, "%s%s: batch %d/%d  ETA %s%s", tty ? "\r" : "", label, done, total,
                     duration(el / done * (total - done)).c_str(), tty ? "   " : "\n");
        if (tty && done == total) std::fputc('\n', stderr);
    };
}

/// True (after saying so) when the evaluation was stopped: the file was not touched.
bool stoppedUnchanged(InterruptWatcher& interrupts, const std::string& path)
{
    if (!interrupts.token().stop_requested()) return false;
    std::fprintf(stderr, "\nstopped: %s is unchanged\n", path.c_str());
    return true;
}

using namespace dwmtj::core;

std::string percent(double x)
{
    if (!std::isfinite(x)) return "-";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f%%", 100 * x);
    return buf;
}

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
    Args a(argv, {"tf32", "no-cuda-graphs"},
           {"neuron",     "neurons",   "hidden",      "timesteps",   "epochs",         "seeds",
            "lut",        "lut2",      "device",      "out",         "batch",          "lr",
            "gain",       "centre",    "threads",     "data-dir",    "train-limit",    "test-limit",
            "validation", "resume",    "train-noise", "v50-sd",      "width-sd",       "c2c-sd",
            "stuck",      "stuck-off", "stuck-on",    "device-seed", "variability-in", "gain2",
            "centre2"});
    InterruptWatcher interrupts;
    ConsoleObserver observer;
    Experiment e;
    std::string out;
    if (a.has("resume")) {
        out = a.get("resume", "");
        e = resumeTraining(out, observer, interrupts.token(), int(a.integer("epochs", 0)));
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
    Args a(argv, {"json"},
           {"sigma", "units", "seed", "data-dir", "test-limit", "threads", "device", "batch"});
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
    if (a.has("json")) {
        std::string j =
            "{\"file\":" + jsonString(path) + ",\"units\":" + jsonString(units) + ",\"runs\":[";
        bool first = true;
        for (const auto& r : e.runs)
            for (const auto& n : r.noise) {
                if (n.units != o.units) continue;
                j += std::string(first ? "" : ",") + "{\"seed\":" + std::to_string(r.seed) +
                     ",\"sigma\":[";
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
    for (const auto& r : e.runs)
        if (r.energy.valid)
            std::printf(
                "seed %llu energy per inference: %.4g uJ (%.0f device samples of %.2f pJ at the "
                "RMS "
                "voltage %.3f V, %.0f spikes)\n",
                (unsigned long long)r.seed, r.energy.energyPerInferenceJ * 1e6,
                r.energy.samplesPerInference, r.energy.energyPerSampleJ * 1e12,
                std::sqrt(r.energy.meanSquareVoltage), r.energy.spikesPerInference);
    std::printf("written to %s\n", path.c_str());
    return 0;
}

namespace {
std::string formatFixed(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

std::string curveJson(const BenchResult& r);

/// `bench --calibrate`: measure the crossovers, store them for every later run, print them.
int printCalibration(const BenchOptions& o, bool json)
{
    BenchResult r;
    const KernelCalibration c = calibrateKernels(o, &r);
    if (json) {
        std::printf(
            "{\"calibration\":{\"training\":%s,\"inference\":%s,\"path\":%s,\"measured\":%s,"
            "\"machine\":%s},\"crossover_curve\":%s}\n",
            jsonNumber(c.training).c_str(), jsonNumber(c.inference).c_str(),
            jsonString(c.path).c_str(), jsonString(c.measuredAt).c_str(),
            jsonString(c.machine).c_str(), curveJson(r).c_str());
        return 0;
    }
    std::printf(
        "kernel crossover on random spikes of fc1's shape (%d x 784 -> %d, %d thread(s); ms, "
        "median of %d)\n",
        o.timesteps * o.batchSize, o.hidden, r.threads, std::max(3, o.steps));
    std::printf("  density  dense fwd  event fwd  dense fwd+dW  event fwd+dW\n");
    for (const auto& p : r.crossoverCurve)
        std::printf("  %7.2f  %9.2f  %9.2f  %12.2f  %12.2f\n", p.density, p.denseForward * 1e3,
                    p.eventForward * 1e3, (p.denseForward + p.denseWeightGrad) * 1e3,
                    (p.eventForward + p.eventWeightGrad) * 1e3);
    std::printf(
        "event-driven from now on at input spike density <= %.2f in training, <= %.2f in "
        "inference\n",
        c.training, c.inference);
    std::printf("saved to %s (every later run reads it; delete it for the built-in %s)\n",
                c.path.c_str(), "0.30 / 0.35");
    return 0;
}

std::string layersJson(const BenchResult& r)
{
    std::string out = "[";
    for (const auto& l : r.layers) {
        if (out.size() > 1) out += ",";
        out += "{\"name\":" + jsonString(l.name) + ",\"rows\":" + std::to_string(l.rows) +
               ",\"inputs\":" + std::to_string(l.inputs) +
               ",\"outputs\":" + std::to_string(l.outputs) +
               ",\"density\":" + jsonNumber(l.density) +
               ",\"kernel\":" + jsonString(l.event ? "event" : "dense") +
               ",\"dense_forward_s\":" + jsonNumber(l.denseForward) +
               ",\"event_forward_s\":" + jsonNumber(l.eventForward) +
               ",\"dense_weight_grad_s\":" + jsonNumber(l.denseWeightGrad) +
               ",\"event_weight_grad_s\":" + jsonNumber(l.eventWeightGrad) + "}";
    }
    return out + "]";
}

std::string curveJson(const BenchResult& r)
{
    std::string out = "[";
    for (const auto& c : r.crossoverCurve) {
        if (out.size() > 1) out += ",";
        out += "{\"density\":" + jsonNumber(c.density) +
               ",\"dense_forward_s\":" + jsonNumber(c.denseForward) +
               ",\"event_forward_s\":" + jsonNumber(c.eventForward) +
               ",\"dense_weight_grad_s\":" + jsonNumber(c.denseWeightGrad) +
               ",\"event_weight_grad_s\":" + jsonNumber(c.eventWeightGrad) + "}";
    }
    return out + "]";
}

}  // namespace

int runBench(const std::vector<std::string>& argv)
{
    Args a(
        argv, {"json", "no-layers", "calibrate", "variability", "tf32"},
        {"neuron", "hidden", "timesteps", "batch", "steps", "warmup", "threads", "device", "lut"});
    BenchOptions o;
    o.neuron = neuronKindFromString(a.get("neuron", "lif"));
    o.hidden = int(a.integer("hidden", o.hidden));
    o.timesteps = int(a.integer("timesteps", o.timesteps));
    o.batchSize = int(a.integer("batch", o.batchSize));
    o.steps = int(a.integer("steps", o.steps));
    o.warmup = int(a.integer("warmup", o.warmup));
    o.threads = int(a.integer("threads", 0));
    o.device = a.get("device", o.device);
    o.lutPath = a.get("lut", "");
    o.layers = !a.has("no-layers");
    o.variability = a.has("variability");
    o.tf32 = a.has("tf32");
    if (a.has("calibrate")) return printCalibration(o, a.has("json"));
    const BenchResult r = runBenchmark(o);
    if (a.has("json")) {
        std::printf(
            "{\"neuron\":%s,\"hidden\":%d,\"timesteps\":%d,\"batch\":%d,\"device\":%s,\"threads\":%"
            "d,"
            "\"seconds_per_step\":%s,\"images_per_second\":%s,\"flops_per_step\":%s,"
            "\"achieved_gflops\":%s,\"gemm_seconds_per_step\":%s,\"gemm_gflops\":%s,"
            "\"ratio_to_gemm_bound\":%s,\"inference_seconds_per_batch\":%s,\"kernels\":%s,"
            "\"dense_seconds_per_step\":%s,\"dense_inference_seconds_per_batch\":%s,"
            "\"crossover\":{\"training\":%s,\"inference\":%s},"
            "\"measured_crossover\":{\"training\":%s,\"inference\":%s},\"layers\":%s,"
            "\"crossover_curve\":%s,\"eager_seconds_per_step\":%s}\n",
            jsonString(toString(o.neuron)).c_str(), o.hidden, o.timesteps, o.batchSize,
            jsonString(r.device).c_str(), r.threads, jsonNumber(r.secondsPerStep).c_str(),
            jsonNumber(r.imagesPerSecond).c_str(), jsonNumber(r.flopsPerStep).c_str(),
            jsonNumber(r.achievedGflops).c_str(), jsonNumber(r.gemmSecondsPerStep).c_str(),
            jsonNumber(r.gemmGflops).c_str(),
            jsonNumber(r.secondsPerStep / r.gemmSecondsPerStep).c_str(),
            jsonNumber(r.forwardSecondsPerStep).c_str(), jsonString(r.kernels).c_str(),
            jsonNumber(r.denseSecondsPerStep).c_str(),
            jsonNumber(r.denseForwardSecondsPerStep).c_str(),
            jsonNumber(r.crossoverTraining).c_str(), jsonNumber(r.crossoverInference).c_str(),
            jsonNumber(r.measuredCrossoverTraining).c_str(),
            jsonNumber(r.measuredCrossoverInference).c_str(), layersJson(r).c_str(),
            curveJson(r).c_str(), jsonNumber(r.eagerSecondsPerStep).c_str());
        return 0;
    }
    std::printf(
        "training step, %s neurons, 784-%d-%d-10, T=%d, batch %d, %s, %d thread(s), median of %d "
        "steps\n",
        toString(o.neuron), o.hidden, o.hidden, o.timesteps, o.batchSize, r.device.c_str(),
        r.threads, o.steps);
    if (r.eagerSecondsPerStep > 0) {
        std::printf("  seconds per step        %10.3f ms (replayed CUDA graph)\n",
                    r.secondsPerStep * 1e3);
        std::printf("  launched eagerly        %10.3f ms (%.2f x the replayed graph)\n",
                    r.eagerSecondsPerStep * 1e3, r.eagerSecondsPerStep / r.secondsPerStep);
    } else {
        std::printf("  seconds per step        %10.4f s\n", r.secondsPerStep);
    }
    for (const auto& [name, s] : r.phases) std::printf("    %-21s %10.4f s\n", name.c_str(), s);
    std::printf("  images per second       %10.1f\n", r.imagesPerSecond);
    std::printf("  GEMM FLOPs per step     %10.2f GFLOP (forward + backward)\n",
                r.flopsPerStep * 1e-9);
    std::printf("  achieved                %10.1f GFLOP/s\n", r.achievedGflops);
    std::printf("  same GEMMs alone        %10.4f s  (%.1f GFLOP/s on this machine)\n",
                r.gemmSecondsPerStep, r.gemmGflops);
    if (r.gemmSecondsPerStep < 0.01)
        std::printf("                          %10.3f ms\n", r.gemmSecondsPerStep * 1e3);
    std::printf("  step / GEMM-bound limit %10.2f x\n", r.secondsPerStep / r.gemmSecondsPerStep);
    std::printf("  inference, one batch    %10.4f s\n", r.forwardSecondsPerStep);
    if (r.neuronSeconds > 0)
        std::printf(
            "  neuron layer alone      %10.4f s nominal, %.4f s with per-device parameters "
            "(%.2f x; forward + backward, [T, B, H])\n",
            r.neuronSeconds, r.variedNeuronSeconds, r.variedNeuronSeconds / r.neuronSeconds);
    if (r.denseSecondsPerStep > 0) {
        std::printf("the same with dense GEMMs only (timed in alternation with the above)\n");
        std::printf(
            "  seconds per step        %10.4f s  (%.2f x the GEMMs alone; kernels %s: %.2f x "
            "this)\n",
            r.denseSecondsPerStep, r.denseSecondsPerStep / r.gemmSecondsPerStep, r.kernels.c_str(),
            r.secondsPerStep / r.denseSecondsPerStep);
        std::printf("  inference, one batch    %10.4f s  (kernels %s: %.2f x this)\n",
                    r.denseForwardSecondsPerStep, r.kernels.c_str(),
                    r.forwardSecondsPerStep / r.denseForwardSecondsPerStep);
    }
    if (r.layers.empty()) return 0;
    std::printf(
        "\nlinear layers on spikes: kernels %s (event-driven at input density <= %.2f in "
        "training, <= %.2f in inference)\n",
        r.kernels.c_str(), r.crossoverTraining, r.crossoverInference);
    std::printf("  ms, median; event times include building the compressed rows\n");
    std::printf(
        "  layer  rows x in -> out      density  step used  dense fwd  event fwd  "
        "dense dW  event dW  event/dense\n");
    for (const auto& l : r.layers) {
        const std::string shape = std::to_string(l.rows) + " x " + std::to_string(l.inputs) +
                                  " -> " + std::to_string(l.outputs);
        std::printf("  %-6s %-21s %7.3f  %-9s %9.2f  %9.2f  %8.2f  %8.2f  %9.2f\n", l.name.c_str(),
                    shape.c_str(), l.density, l.event ? "event" : "dense", l.denseForward * 1e3,
                    l.eventForward * 1e3, l.denseWeightGrad * 1e3, l.eventWeightGrad * 1e3,
                    (l.eventForward + l.eventWeightGrad) / (l.denseForward + l.denseWeightGrad));
    }
    std::printf("\ncrossover on random spikes of fc1's shape (ms, forward + weight gradient):\n");
    std::printf("  density   dense   event\n");
    for (const auto& c : r.crossoverCurve)
        std::printf("  %7.2f %7.2f %7.2f\n", c.density, (c.denseForward + c.denseWeightGrad) * 1e3,
                    (c.eventForward + c.eventWeightGrad) * 1e3);
    auto crossing = [&](double d) {
        return std::isnan(d) ? std::string("no crossing in the densities measured")
                             : "event-driven is faster below density " + formatFixed(d);
    };
    std::printf("  training (forward + weight gradient): %s\n",
                crossing(r.measuredCrossoverTraining).c_str());
    std::printf("  inference (forward):                  %s\n",
                crossing(r.measuredCrossoverInference).c_str());
    return 0;
}

}  // namespace dwmtj::cli

namespace dwmtj::cli {

int runVariability(const std::vector<std::string>& argv)
{
    Args a(argv, {"json"},
           {"v50-sd", "width-sd", "c2c-sd", "stuck", "draws", "seed", "data-dir", "test-limit",
            "threads", "batch", "bootstrap", "device-data"});
    if (a.positionals().size() != 1)
        throw UsageError(
            "expected one experiment file: dwmtj variability RUN.h5 --v50-sd LIST ...");
    const std::string path = a.positionals()[0];
    VariabilityOptions o;
    for (const auto& [option, axis] : {std::pair{"v50-sd", "v50"},
                                       {"width-sd", "width"},
                                       {"c2c-sd", "c2c"},
                                       {"stuck", "stuck"}}) {
        if (!a.has(option)) continue;
        try {
            o.axes.push_back({axis, parseSigmaList(a.get(option, ""))});
        } catch (const OptionsError& e) {
            throw UsageError(std::string("--") + option + ": " + e.what());
        }
    }
    o.bootstrap = int(a.integer("bootstrap", 0));
    o.deviceData = a.get("device-data", "");
    if (!o.deviceData.empty() && o.bootstrap <= 0)
        throw UsageError("--device-data is the bootstrap's measurements: give --bootstrap N too");
    if (o.axes.empty() && o.bootstrap <= 0)
        throw UsageError(
            "give at least one of --v50-sd, --width-sd, --c2c-sd, --stuck (lists "
            "like 0:0.1:0.02) or --bootstrap N");
    o.draws = int(a.integer("draws", o.draws));
    o.seed = uint64_t(a.integer("seed", long(o.seed)));
    o.dataDir = a.get("data-dir", "");
    o.testLimit = int(a.integer("test-limit", -1));
    o.threads = int(a.integer("threads", 0));
    o.batchSize = int(a.integer("batch", o.batchSize));
    InterruptWatcher interrupts;
    const Experiment before = loadExperiment(path);
    const Experiment e =
        evaluateVariability(before, o, interrupts.token(), batchProgress("variability"));
    if (stoppedUnchanged(interrupts, path)) return kExitStopped;
    saveExperiment(e, path);
    // Per axis and level: mean and sd over every seed and device draw.
    std::string j = "{\"file\":" + jsonString(path) + ",\"axes\":[";
    if (!a.has("json") && !o.axes.empty())
        std::printf(
            "device variability (%s neurons), test accuracy of each run's best checkpoint "
            "over %d device draw(s) per seed\n%-8s %10s %10s %10s %6s\n",
            e.config.neuronLabel().c_str(), o.draws, "axis", "level", "mean %", "sd %", "n");
    for (size_t ai = 0; ai < o.axes.size(); ++ai) {
        const auto& axis = o.axes[ai];
        j += std::string(ai ? "," : "") + "{\"axis\":" + jsonString(axis.id) + ",\"levels\":[";
        for (size_t k = 0; k < axis.levels.size(); ++k) {
            std::vector<double> v;
            for (const auto& r : e.runs)
                for (const auto& c : r.variability)
                    if (c.axis == axis.id && k < c.accuracy.size())
                        for (double x : c.accuracy[k]) v.push_back(100 * x);
            double m = 0, ss = 0;
            for (double x : v) m += x;
            m /= double(std::max<size_t>(1, v.size()));
            for (double x : v) ss += (x - m) * (x - m);
            const double sd = v.size() > 1 ? std::sqrt(ss / double(v.size() - 1)) : 0.0;
            j += std::string(k ? "," : "") + "{\"level\":" + jsonNumber(axis.levels[k]) +
                 ",\"mean\":" + jsonNumber(m) + ",\"sd\":" + jsonNumber(sd) +
                 ",\"n\":" + std::to_string(v.size()) + "}";
            if (!a.has("json"))
                std::printf("%-8s %10g %10.2f %10.2f %6zu\n", axis.id.c_str(), axis.levels[k], m,
                            sd, v.size());
        }
        j += "]}";
    }
    j += "]";
    if (o.bootstrap > 0) {
        // Per seed: the nominal LUT's accuracy (same images and spike draws), the accuracy over
        // the resampled LUTs, its sd and 95 % percentile interval.
        std::string source;
        std::string runs, rows;
        for (const auto& r : e.runs)
            for (const auto& c : r.variability) {
                if (c.axis != "bootstrap" || c.accuracy.empty()) continue;
                source = c.source;
                const auto& acc = c.accuracy[0];
                const auto s = stats::summarize(acc);
                const double lo = stats::quantile(acc, 0.025), hi = stats::quantile(acc, 0.975);
                runs += std::string(runs.empty() ? "" : ",") +
                        "{\"seed\":" + std::to_string(r.seed) +
                        ",\"nominal\":" + jsonNumber(c.nominalAccuracy) +
                        ",\"mean\":" + jsonNumber(s.mean) + ",\"sd\":" + jsonNumber(s.sd) +
                        ",\"lower\":" + jsonNumber(lo) + ",\"upper\":" + jsonNumber(hi) +
                        ",\"n\":" + std::to_string(s.n) + "}";
                char row[160];
                std::snprintf(row, sizeof row, "%-8llu %12s %10.2f %10.2f %8.2f - %-8.2f\n",
                              (unsigned long long)r.seed, percent(c.nominalAccuracy).c_str(),
                              100 * s.mean, 100 * s.sd, 100 * lo, 100 * hi);
                rows += row;
            }
        if (!a.has("json"))
            std::printf(
                "\ncharacterization uncertainty: test accuracy with %d LUTs resampled "
                "from the measurements in %s\n%-8s %12s %10s %10s %19s\n%s",
                o.bootstrap, source.c_str(), "seed", "nominal LUT", "mean %", "sd %",
                "95 % interval", rows.c_str());
        j += ",\"bootstrap\":{\"resamples\":" + std::to_string(o.bootstrap) +
             ",\"source\":" + jsonString(source) + ",\"runs\":[" + runs + "]}";
    }
    if (a.has("json")) std::printf("%s}\n", j.c_str());
    return 0;
}

}  // namespace dwmtj::cli

// `dwmtj bench`: seconds per training step against the GEMM-bound limit of the same shapes.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "common.h"
#include "dwmtj/error.h"
#include "snn/events.h"
#include "snn/neuron_registry.h"
#include "snn/rng.h"
#include "snn/training_step.h"

namespace dwmtj::core {
namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0 : (n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]));
}

void sync(const torch::Device& d)
{
    if (d.is_cuda()) torch::cuda::synchronize();
}

/// Median seconds of `reps` calls of f.
template <typename F>
double timed(int reps, F&& f)
{
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = Clock::now();
        f();
        t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    return median(t);
}

/// Both kernels of one linear layer on spikes x [rows, in] (float32 or uint8), out outputs.
void timeLayer(const torch::Tensor& x, int64_t out, int reps, BenchResult::Layer& l)
{
    const torch::Tensor xf = x.to(torch::kFloat).contiguous();
    const torch::Tensor w = torch::randn({out, x.size(1)}) * 0.05, b = torch::randn({out});
    const torch::Tensor g = torch::randn({x.size(0), out});
    l.rows = x.size(0);
    l.inputs = x.size(1);
    l.outputs = out;
    l.denseForward = timed(reps, [&] { torch::addmm(b, xf, w.t()); });
    l.denseWeightGrad = timed(reps, [&] { torch::mm(g.t(), xf); });
    // What a call costs: compressed rows from the layer's input, the weight layout, the sum.
    l.eventForward =
        timed(reps, [&] { snn::eventLinear(snn::toEvents(x), snn::eventWeightLayout(w), out, b); });
    const snn::SpikeEvents ev = snn::toEvents(x);
    l.eventWeightGrad = timed(reps, [&] { snn::eventWeightGrad(ev, g); });
}

double eventTime(const BenchResult::CrossoverPoint& p, bool training)
{
    return training ? p.eventForward + p.eventWeightGrad : p.eventForward;
}

/// The dense GEMM's time does not depend on the density: the median over all points stands
/// for it, so that one slow measurement does not move the crossing.
double denseTime(const std::vector<BenchResult::CrossoverPoint>& c, bool training)
{
    std::vector<double> t;
    for (const auto& p : c)
        t.push_back(training ? p.denseForward + p.denseWeightGrad : p.denseForward);
    return median(t);
}

/// Density where event time (linear in density between measured points) meets dense time.
double crossing(const std::vector<BenchResult::CrossoverPoint>& c, bool training)
{
    const double dense = denseTime(c, training);
    auto diff = [&](const BenchResult::CrossoverPoint& p) {
        return eventTime(p, training) - dense;
    };
    for (size_t k = 1; k < c.size(); ++k) {
        const double a = diff(c[k - 1]), b = diff(c[k]);
        if (a <= 0 && b > 0)
            return c[k - 1].density + (c[k].density - c[k - 1].density) * (-a) / (b - a);
    }
    return std::numeric_limits<double>::quiet_NaN();
}

/// Random spikes of fc1's shape [rows, in] -> out at densities 0.02 .. 0.9 (bytes; the event
/// times include building compressed rows from them, which the encoder does itself in a
/// real step).
std::vector<BenchResult::CrossoverPoint> crossoverCurve(int64_t rows, int64_t in, int64_t out,
                                                        int reps)
{
    std::vector<BenchResult::CrossoverPoint> curve;
    BenchResult::Layer warmup;  // first-touch pages and the BLAS's buffers, not timed
    timeLayer((torch::rand({rows, in}) < 0.3).to(torch::kByte), out, 1, warmup);
    for (double d : {0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}) {
        const torch::Tensor s = (torch::rand({rows, in}) < d).to(torch::kByte);
        BenchResult::Layer l;
        timeLayer(s, out, reps, l);
        curve.push_back({d, l.denseForward, l.eventForward, l.denseWeightGrad, l.eventWeightGrad});
    }
    return curve;
}

/// The crossover to use: where the curves cross; 0 when the event kernels lose already at the
/// lowest density measured, the highest density measured when they never lose.
double crossoverToUse(const std::vector<BenchResult::CrossoverPoint>& c, bool training)
{
    const double x = crossing(c, training);
    if (!std::isnan(x)) return x;
    // No crossing: the event kernels lose at every density measured or win at every one.
    return eventTime(c.front(), training) > denseTime(c, training) ? 0.0 : c.back().density;
}

}  // namespace

KernelCalibration calibrateKernels(const BenchOptions& o, BenchResult* out)
{
    if (o.hidden < 1 || o.timesteps < 1 || o.batchSize < 2 || o.steps < 1)
        throw OptionsError(
            "bench --calibrate: hidden, timesteps, steps >= 1 and batch >= 2 are required");
    if (train::resolveDevice(o.device).is_cuda())
        throw OptionsError("bench --calibrate measures the CPU kernels; use --device cpu");
    BenchResult res;
    res.threads = applyThreadCount(o.threads);
    res.device = "cpu";
    torch::manual_seed(0);
    res.crossoverCurve = crossoverCurve(int64_t(o.timesteps) * o.batchSize, kImagePixels, o.hidden,
                                        std::max(3, o.steps));
    res.measuredCrossoverTraining = crossing(res.crossoverCurve, true);
    res.measuredCrossoverInference = crossing(res.crossoverCurve, false);
    KernelCalibration c;
    c.valid = true;
    c.path = kernelCalibrationPath();
    c.training = crossoverToUse(res.crossoverCurve, true);
    c.inference = crossoverToUse(res.crossoverCurve, false);
    c.measuredAt = train::nowIso();
    c.machine = computeDeviceDescription() + "; fc1 " + std::to_string(o.timesteps * o.batchSize) +
                " x 784 -> " + std::to_string(o.hidden) + ", " + std::to_string(res.threads) +
                " threads";
    saveKernelCalibration(c);
    applyKernelCalibration(c);
    if (out) *out = res;
    return c;
}

BenchResult runBenchmark(const BenchOptions& o)
{
    if (o.hidden < 1 || o.timesteps < 1 || o.batchSize < 2 || o.steps < 1 || o.warmup < 0)
        throw OptionsError(
            "bench: hidden, timesteps, steps >= 1, batch >= 2 and warmup >= 0 are required");
    BenchResult res;
    res.threads = applyThreadCount(o.threads);
    const torch::Device device = train::resolveDevice(o.device);
    res.device = device.str();
    train::applyMatmulPrecision(device, o.tf32);
    TrainingConfig c = o.construction;
    c.layers.clear();
    c.variability = {};
    c.neuron = o.neuron;
    c.hidden = o.hidden;
    c.timesteps = o.timesteps;
    c.batchSize = o.batchSize;
    c.lutPath = o.lutPath;
    Experiment luts;
    luts.config = c;
    train::resolveLuts(luts);
    torch::manual_seed(0);
    auto model = train::buildModel(c, train::hiddenNeurons(luts, device), device);
    snn::Adam opt = snn::Adam::of(*model, 1e-3);
    // Real images (the bundled sample), so that the input spike density is Fashion-MNIST's
    // (mean pixel ~0.29); uniform noise would give 0.5 and time the wrong kernels.
    torch::Tensor x;
    try {
        const ImageSet sample =
            loadFashionMnist(fashionMnistSampleDir(), FashionSplit::Train, o.batchSize);
        torch::Tensor labels;
        train::toTensors(sample, device, x, labels);
    } catch (const Error&) {
        x = (torch::rand({o.batchSize, kImagePixels}) * 0.58).to(device);
    }
    if (x.size(0) != o.batchSize)
        x = x.repeat({(o.batchSize + x.size(0) - 1) / x.size(0), 1}).narrow(0, 0, o.batchSize);
    const torch::Tensor y = torch::randint(0, kNumClasses, {o.batchSize}, torch::kLong).to(device);

    // Each step runs twice, with the kernel choice in effect and with dense GEMMs only (the
    // previous behaviour), in alternating order, so that both see the same machine load.
    const snn::KernelChoice chosen = snn::kernelChoice();
    const bool compare = device.is_cpu() && chosen != snn::KernelChoice::Dense;
    std::vector<double> total, fwd, bwd, upd, inference, denseTotal, denseInference;
    auto sec = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
    for (int s = 0; s < o.warmup + o.steps; ++s) {
        for (int pass = 0; pass < (compare ? 2 : 1); ++pass) {
            const bool dense = compare && (pass == (s % 2 == 0 ? 1 : 0));
            snn::setKernelChoice(dense ? snn::KernelChoice::Dense : chosen);
            model->train();
            const auto t0 = Clock::now();
            opt.zeroGrad();
            torch::Tensor loss =
                snn::SpikingMlpImpl::loss(model->forward(x, c.timesteps, snn::streamKey(1, s)), y);
            sync(device);
            const auto t1 = Clock::now();
            loss.backward();
            sync(device);
            const auto t2 = Clock::now();
            opt.step();
            sync(device);
            const auto t3 = Clock::now();
            if (s < o.warmup) continue;
            if (dense) {
                denseTotal.push_back(sec(t0, t3));
                continue;
            }
            fwd.push_back(sec(t0, t1));
            bwd.push_back(sec(t1, t2));
            upd.push_back(sec(t2, t3));
            total.push_back(sec(t0, t3));
        }
    }
    {
        torch::NoGradGuard ng;
        model->eval();
        for (int s = 0; s < std::max(1, o.steps / 2); ++s)
            for (int pass = 0; pass < (compare ? 2 : 1); ++pass) {
                const bool dense = compare && (pass == (s % 2 == 0 ? 1 : 0));
                snn::setKernelChoice(dense ? snn::KernelChoice::Dense : chosen);
                const auto t0 = Clock::now();
                model->forward(x, c.timesteps, snn::streamKey(2, s));
                sync(device);
                (dense ? denseInference : inference).push_back(sec(t0, Clock::now()));
            }
    }
    snn::setKernelChoice(chosen);
    if (device.is_cuda() && snn::cudaGraphsBuilt()) {
        // The same step captured once as a CUDA graph and replayed (what `dwmtj train` runs).
        model->train();
        snn::TrainingStep graphed(model, opt, c.timesteps, true, 1e30);
        std::vector<double> replayed;
        for (int s = 0; s < o.warmup + 3 + o.steps; ++s) {
            const auto t0 = Clock::now();
            graphed.run(x, y, snn::streamKey(4, s));  // returns after the device finished
            if (s >= o.warmup + 3) replayed.push_back(sec(t0, Clock::now()));
        }
        res.eagerSecondsPerStep = median(total);
        total = replayed;
    }
    res.denseSecondsPerStep = compare ? median(denseTotal) : 0;
    res.denseForwardSecondsPerStep = compare ? median(denseInference) : 0;
    res.secondsPerStep = median(total);
    res.imagesPerSecond = o.batchSize / res.secondsPerStep;
    res.forwardSecondsPerStep = median(inference);
    res.phases = {
        {"forward + loss", median(fwd)}, {"backward", median(bwd)}, {"Adam update", median(upd)}};

    // The GEMMs of one step, timed alone: forward (3), weight gradients (3), input gradients (2).
    const int64_t R = int64_t(o.timesteps) * o.batchSize, P = kImagePixels, H = o.hidden,
                  C = kNumClasses;
    struct Shape {
        int64_t m, k, n;
    };
    const std::vector<Shape> shapes = {{R, P, H}, {R, H, H}, {R, H, C},  // forward
                                       {H, R, P}, {H, R, H}, {C, R, H},  // dW = dY^T X
                                       {R, C, H}, {R, H, H}};            // dX = dY W
    res.flopsPerStep = 0;
    double gemm = 0;
    for (const auto& sh : shapes) {
        const auto a = torch::rand({sh.m, sh.k}).to(device),
                   b = torch::rand({sh.k, sh.n}).to(device);
        std::vector<double> t;
        for (int r = 0; r < std::max(3, o.steps); ++r) {
            const auto t0 = Clock::now();
            auto out = torch::mm(a, b);
            sync(device);
            t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        }
        gemm += median(t);
        res.flopsPerStep += 2.0 * double(sh.m) * double(sh.k) * double(sh.n);
    }
    res.gemmSecondsPerStep = gemm;
    res.kernels = snn::kernelChoiceName(snn::kernelChoice());
    res.crossoverTraining = snn::crossover().training;
    res.crossoverInference = snn::crossover().inference;
    if (o.layers && device.is_cpu()) {
        // The layer inputs of one training forward pass, and what the step chose for them.
        std::vector<torch::Tensor> inputs;
        model->train();
        model->captureLayerInputs(&inputs);
        model->forward(x, c.timesteps, snn::streamKey(3, 0));
        model->captureLayerInputs(nullptr);
        const auto& use = model->lastKernelUse();
        const int64_t outs[3] = {H, H, C};
        const int reps = std::max(3, o.steps);
        for (size_t k = 0; k < inputs.size() && k < 3; ++k) {
            BenchResult::Layer l;
            l.name = "fc" + std::to_string(k + 1);
            l.density = use[k].density;
            l.event = use[k].event;
            timeLayer(inputs[k], outs[k], reps, l);
            res.layers.push_back(l);
        }
        res.crossoverCurve = crossoverCurve(R, P, H, std::max(3, o.steps / 2));
        res.measuredCrossoverTraining = crossing(res.crossoverCurve, true);
        res.measuredCrossoverInference = crossing(res.crossoverCurve, false);
    }
    if (o.variability && luts.config.anyDeviceLayer()) {
        // The first hidden layer's neurons alone, nominal and varied, in alternation.
        VariabilitySettings v;
        v.v50Sd = 0.02;
        v.widthSdRel = 0.1;
        v.stuckOff = v.stuckOn = 0.005;
        const auto nominal = train::hiddenNeurons(luts, device);
        const auto varied = train::variedNeurons(luts, device, v, 1);
        const snn::NeuronKernel kernel = snn::neuronKernel(nominal[0].kind);
        const torch::Tensor in = torch::randn({o.timesteps, o.batchSize, o.hidden});
        auto once = [&](const snn::DeviceTable* table) {
            const torch::Tensor xg = in.clone().requires_grad_(true);
            const auto t0 = std::chrono::steady_clock::now();
            kernel(xg, table, 5, nullptr).sum().backward();
            return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        };
        std::vector<double> a, b;
        for (int k = 0; k < std::max(5, o.steps) + o.warmup; ++k) {
            const double ta = once(nominal[0].table.get()), tb = once(varied[0].table.get());
            if (k >= o.warmup) a.push_back(ta), b.push_back(tb);
        }
        res.neuronSeconds = median(a);
        res.variedNeuronSeconds = median(b);
    }
    res.gemmGflops = res.flopsPerStep / gemm * 1e-9;
    res.achievedGflops = res.flopsPerStep / res.secondsPerStep * 1e-9;
    return res;
}

}  // namespace dwmtj::core

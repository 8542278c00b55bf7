// `dwmtj bench`: seconds per training step against the GEMM-bound limit of the same shapes.
#include <algorithm>
#include <chrono>

#include "common.h"
#include "dwmtj/error.h"
#include "snn/rng.h"

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

}  // namespace

BenchResult runBenchmark(const BenchOptions& o)
{
    if (o.hidden < 1 || o.timesteps < 1 || o.batchSize < 2 || o.steps < 1 || o.warmup < 0)
        throw OptionsError("bench: hidden, timesteps, steps >= 1, batch >= 2 and warmup >= 0 are required");
    BenchResult res;
    res.threads = applyThreadCount(o.threads);
    const torch::Device device = train::resolveDevice(o.device);
    res.device = device.str();
    TrainingConfig c;
    c.neuron = o.neuron;
    c.hidden = o.hidden;
    c.timesteps = o.timesteps;
    c.batchSize = o.batchSize;
    std::shared_ptr<const snn::DeviceTable> table;
    if (c.neuron != NeuronKind::Lif) {
        const Lut lut = train::resolveLut(c.neuron, o.lutPath);
        table = train::makeTable(lut, c.centreVoltage, c.gainVolts, device);
    }
    torch::manual_seed(0);
    auto model = train::buildModel(c, table, device);
    std::vector<torch::Tensor> params;
    std::vector<std::string> names;
    for (const auto& p : model->named_parameters()) params.push_back(p.value()), names.push_back(p.key());
    snn::Adam opt(params, names, 1e-3);
    const torch::Tensor x = torch::rand({o.batchSize, kImagePixels}).to(device);
    const torch::Tensor y = torch::randint(0, kNumClasses, {o.batchSize}, torch::kLong).to(device);

    std::vector<double> total, fwd, bwd, upd, inference;
    for (int s = 0; s < o.warmup + o.steps; ++s) {
        model->train();
        const auto t0 = Clock::now();
        opt.zeroGrad();
        torch::Tensor loss = snn::SpikingMlpImpl::loss(model->forward(x, c.timesteps, snn::streamKey(1, s)), y);
        sync(device);
        const auto t1 = Clock::now();
        loss.backward();
        sync(device);
        const auto t2 = Clock::now();
        opt.step();
        sync(device);
        const auto t3 = Clock::now();
        if (s < o.warmup) continue;
        auto sec = [](auto a, auto b) { return std::chrono::duration<double>(b - a).count(); };
        fwd.push_back(sec(t0, t1));
        bwd.push_back(sec(t1, t2));
        upd.push_back(sec(t2, t3));
        total.push_back(sec(t0, t3));
    }
    {
        torch::NoGradGuard ng;
        model->eval();
        for (int s = 0; s < std::max(1, o.steps / 2); ++s) {
            const auto t0 = Clock::now();
            model->forward(x, c.timesteps, snn::streamKey(2, s));
            sync(device);
            inference.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        }
    }
    res.secondsPerStep = median(total);
    res.imagesPerSecond = o.batchSize / res.secondsPerStep;
    res.forwardSecondsPerStep = median(inference);
    res.phases = {{"forward + loss", median(fwd)}, {"backward", median(bwd)}, {"Adam update", median(upd)}};

    // The GEMMs of one step, timed alone: forward (3), weight gradients (3), input gradients (2).
    const int64_t R = int64_t(o.timesteps) * o.batchSize, P = kImagePixels, H = o.hidden, C = kNumClasses;
    struct Shape { int64_t m, k, n; };
    const std::vector<Shape> shapes = {{R, P, H}, {R, H, H}, {R, H, C},   // forward
                                       {H, R, P}, {H, R, H}, {C, R, H},   // dW = dY^T X
                                       {R, C, H}, {R, H, H}};             // dX = dY W
    res.flopsPerStep = 0;
    double gemm = 0;
    for (const auto& sh : shapes) {
        const auto a = torch::rand({sh.m, sh.k}).to(device), b = torch::rand({sh.k, sh.n}).to(device);
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
    res.gemmGflops = res.flopsPerStep / gemm * 1e-9;
    res.achievedGflops = res.flopsPerStep / res.secondsPerStep * 1e-9;
    return res;
}

}  // namespace dwmtj::core

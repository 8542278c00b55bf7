// CUDA check of the neuron layers and the network (the same code as on the CPU, with the
// tensor-op kernels): results against the fused CPU kernels, then training-step timings.
#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <functional>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "snn/network.h"
#include "snn/neurons.h"
#include "snn/rng.h"

using namespace dwmtj::core;
using namespace dwmtj::core::snn;
using torch::Tensor;

namespace {

int g_failures = 0;
void check(bool ok, const char* what, double value)
{
    std::printf("%s  %-58s %.6g\n", ok ? "PASS" : "FAIL", what, value);
    if (!ok) ++g_failures;
}

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

/// A binary LUT of p(V) = sigmoid((V - 1.8)/0.1) or a 5-state cumulative-logit LUT.
Lut makeLut(bool multi)
{
    Lut lut;
    lut.kind = multi ? DeviceKind::MultiState : DeviceKind::Binary;
    lut.numStates = multi ? 5 : 2;
    const double lo = multi ? 0.0 : 1.0, hi = multi ? 5.5 : 2.6;
    const std::vector<double> v0 = multi ? std::vector<double>{1.6, 2.5, 3.4, 4.3} : std::vector<double>{1.8};
    const double w = multi ? 0.3 : 0.1;
    lut.curves.resize(v0.size());
    lut.derivatives.resize(v0.size());
    for (int i = 0; i < 1024; ++i) {
        const double V = lo + (hi - lo) * i / 1023.0;
        lut.voltage.push_back(V);
        for (size_t c = 0; c < v0.size(); ++c) {
            const double p = sigmoid((V - v0[c]) / w);
            lut.curves[c].push_back(p);
            lut.derivatives[c].push_back(p * (1 - p) / w);
        }
    }
    lut.centreVoltage = multi ? 2.95 : 1.8;
    lut.gainVolts = multi ? 1.35 : 0.2;
    return lut;
}

double seconds(const std::function<void()>& f, int reps)
{
    f();
    torch::cuda::synchronize();
    std::vector<double> t;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        torch::cuda::synchronize();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

int main()
{
    if (!torch::cuda::is_available()) {
        std::puts("no CUDA device");
        return 2;
    }
    const torch::Device gpu(torch::kCUDA);
    torch::manual_seed(1);
    std::printf("torch %s, %s\n", TORCH_VERSION, gpu.str().c_str());

    // LIF: the same spikes (up to float rounding at the threshold), the same gradient.
    Tensor x = torch::randn({60, 8, 300}) * 0.7 + 0.3;
    Tensor gz = torch::randn({60, 8, 300});
    Tensor xc = x.clone().requires_grad_(true), xg = x.to(gpu).requires_grad_(true);
    Tensor zc = lifLayer(xc), zg = lifLayer(xg);
    (zc * gz).sum().backward();
    (zg * gz.to(gpu)).sum().backward();
    const double agree = (zc == zg.cpu()).to(torch::kDouble).mean().item<double>();
    check(agree > 0.999, "LIF spikes CPU == CUDA (fraction)", agree);
    const double gdiff = ((xc.grad() - xg.grad().cpu()).abs().max() / xc.grad().abs().max()).item<double>();
    check(agree < 1 || gdiff < 1e-4, "LIF gradient max relative difference", gdiff);

    Tensor y = torch::randn({50, 8, 10});
    Tensor yc = y.clone().requires_grad_(true), yg = y.to(gpu).requires_grad_(true);
    Tensor vc = liReadout(yc), vg = liReadout(yg);
    vc.sum().backward();
    vg.sum().backward();
    check((vc - vg.cpu()).abs().max().item<double>() < 1e-4, "LI readout forward max difference",
          (vc - vg.cpu()).abs().max().item<double>());
    check((yc.grad() - yg.grad().cpu()).abs().max().item<double>() < 1e-4, "LI readout gradient max difference",
          (yc.grad() - yg.grad().cpu()).abs().max().item<double>());

    // Binary: firing rate per input level against the LUT.
    const Lut bl = makeLut(false);
    const DeviceTable btg = DeviceTable::fromLut(bl, bl.centreVoltage, bl.gainVolts, gpu);
    Tensor levels = torch::linspace(-2, 2, 9);
    Tensor xb = levels.view({1, 1, 9}).expand({400, 100, 9}).contiguous().to(gpu);
    Tensor rate = binaryLayer(xb, btg, 5).mean(std::vector<int64_t>{0, 1}).cpu();
    double worst = 0;
    for (int k = 0; k < 9; ++k) {
        const double V = bl.centreVoltage + bl.gainVolts * levels[k].item<double>();
        const double p = sigmoid((V - 1.8) / 0.1), se = std::sqrt(p * (1 - p) / 40000.0) + 1e-4;
        worst = std::max(worst, std::fabs(rate[k].item<double>() - p) / se);
    }
    check(worst < 4.5, "binary rate vs LUT, worst |z| over 9 voltages", worst);

    // Multi-weight: CUDA spike rate against the fused CPU kernel.
    const Lut ml = makeLut(true);
    const DeviceTable mtc = DeviceTable::fromLut(ml, ml.centreVoltage, ml.gainVolts, torch::kCPU);
    const DeviceTable mtg = DeviceTable::fromLut(ml, ml.centreVoltage, ml.gainVolts, gpu);
    Tensor xm = torch::linspace(-1, 1, 5).view({1, 1, 5}).expand({100, 400, 5}).contiguous();
    Tensor rc = multiStateLayer(xm, mtc, 7).mean(std::vector<int64_t>{0, 1});
    Tensor rg = multiStateLayer(xm.to(gpu), mtg, 7).mean(std::vector<int64_t>{0, 1}).cpu();
    worst = 0;
    for (int k = 0; k < 5; ++k) {
        const double p = rc[k].item<double>(), se = std::sqrt(2 * p * (1 - p) / 40000.0) + 1e-4;
        worst = std::max(worst, std::fabs(rg[k].item<double>() - p) / se);
    }
    check(worst < 4.5, "multi-weight rate CUDA vs CPU, worst |z| over 5 inputs", worst);

    // Training steps of the paper network on the GPU (random images; timing only).
    for (NeuronKind kind : {NeuronKind::Lif, NeuronKind::Binary, NeuronKind::MultiState}) {
        auto table = kind == NeuronKind::Lif ? nullptr
                   : std::make_shared<const DeviceTable>(kind == NeuronKind::Binary ? btg : mtg);
        SpikingMlp model(784, 500, 10, kind, table);
        model->to(gpu);
        std::vector<Tensor> params;
        std::vector<std::string> names;
        for (const auto& p : model->named_parameters()) params.push_back(p.value()), names.push_back(p.key());
        Adam opt(params, names, 1e-3);
        Tensor img = torch::rand({100, 784}).to(gpu);
        Tensor lab = torch::randint(0, 10, {100}, torch::kLong).to(gpu);
        int step = 0;
        double first = 0, last = 0;
        const double s = seconds([&] {
            opt.zeroGrad();
            Tensor loss = SpikingMlpImpl::loss(model->forward(img, 80, streamKey(3, step++)), lab);
            loss.backward();
            opt.step();
            (step == 1 ? first : last) = loss.item<double>();
        }, 20);
        const char* name = kind == NeuronKind::Lif ? "LIF" : kind == NeuronKind::Binary ? "binary" : "multi-weight";
        std::printf("TIME  %-12s H=500 T=80 batch 100: %.4f s per training step (%.0f images/s)\n", name, s, 100 / s);
        char what[96];
        std::snprintf(what, sizeof what, "%s: loss falls when fitting one batch (first -> last)", name);
        check(std::isfinite(last) && last < first, what, last);
    }
    std::printf("%s: %d failure(s)\n", g_failures ? "FAILED" : "ALL PASSED", g_failures);
    return g_failures ? 1 : 0;
}

// The event-driven linear kernels against the dense GEMM and a float64 reference, on random
// spike matrices of several densities with all-zero and all-one rows; the network's forward
// and gradients and a few training steps with event kernels against dense ones.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "dwmtj/lut.h"
#include "dwmtj/training.h"
#include "snn/events.h"
#include "snn/network.h"
#include "snn/rng.h"
#include "test_paths.h"

using namespace dwmtj::core;
using namespace dwmtj::core::snn;
using torch::Tensor;

namespace {

class EventKernelTest : public ::testing::Test {
protected:
    void SetUp() override { torch::manual_seed(3); }
    void TearDown() override { setKernelChoice(KernelChoice::Auto); }
};

/// Random 0/1 matrix of the given density; row 0 all zero, row 1 all one, the last row zero.
Tensor randomSpikes(int64_t rows, int64_t cols, double density)
{
    Tensor s = (torch::rand({rows, cols}) < density).to(torch::kFloat);
    s[0].zero_();
    s[1].fill_(1);
    s[rows - 1].zero_();
    return s.contiguous();
}

/// Largest |a - b| relative to the largest |b| (at least 1).
double relErr(const Tensor& a, const Tensor& b)
{
    const double scale = std::max(1.0, b.abs().max().item<double>());
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>() / scale;
}

TEST_F(EventKernelTest, EventsRoundTripAndCountSpikes)
{
    for (double density : {0.0, 0.03, 0.3, 0.9, 1.0}) {
        const Tensor s = randomSpikes(37, 130, density);
        const SpikeEvents ev = toEvents(s);
        EXPECT_EQ(ev.count(), s.sum().item<int64_t>()) << density;
        EXPECT_TRUE(torch::equal(toDense(ev), s)) << density;
        // bytes and floats give the same events
        const SpikeEvents eb = toEvents(s.to(torch::kByte));
        EXPECT_TRUE(torch::equal(eb.rowStart, ev.rowStart));
        EXPECT_TRUE(torch::equal(eb.index, ev.index));
        // row 1 is all ones: every column in order
        const int32_t* rs = ev.rowStart.data_ptr<int32_t>();
        EXPECT_EQ(rs[2] - rs[1], 130);
        EXPECT_EQ(rs[1] - rs[0], 0);
    }
    // compact: 2 bytes per spike plus 4 per row, against 4 bytes per element as float32
    const SpikeEvents ev = toEvents(randomSpikes(1000, 784, 0.29));
    EXPECT_LT(double(ev.bytes()), 0.2 * 1000 * 784 * 4);
}

TEST_F(EventKernelTest, ForwardEqualsDenseAndFloat64)
{
    // Output widths around the tile sizes (16, 64) and the network's (10, 500).
    for (int64_t out : {1, 10, 16, 17, 64, 100, 500}) {
        for (double density : {0.0, 0.02, 0.29, 0.7, 1.0}) {
            const Tensor s = randomSpikes(203, 784, density);
            const Tensor w = torch::randn({out, 784}) * 0.05, b = torch::randn({out});
            const Tensor y = eventLinear(toEvents(s), eventWeightLayout(w), out, b);
            const Tensor ref64 =
                torch::addmm(b.to(torch::kDouble), s.to(torch::kDouble), w.to(torch::kDouble).t());
            const Tensor dense = torch::addmm(b, s, w.t());
            ASSERT_EQ(y.sizes(), dense.sizes());
            // float32 sums of up to 784 terms of size ~0.05: well inside 1e-5 relative
            EXPECT_LT(relErr(y, ref64), 1e-5) << out << " " << density;
            EXPECT_LT(relErr(y, dense), 1e-5) << out << " " << density;
            // all-zero rows give exactly the bias
            EXPECT_TRUE(torch::equal(y[0], b));
            // without bias
            const Tensor y0 = eventLinear(toEvents(s), eventWeightLayout(w), out, Tensor());
            EXPECT_LT(relErr(y0, torch::mm(s, w.t())), 1e-5);
        }
    }
}

TEST_F(EventKernelTest, WeightGradientEqualsDenseAndFloat64)
{
    for (int64_t out : {1, 10, 32, 33, 500}) {
        for (double density : {0.0, 0.05, 0.3, 1.0}) {
            const Tensor s = randomSpikes(311, 200, density);
            const Tensor g = torch::randn({311, out});
            const Tensor dw = eventWeightGrad(toEvents(s), g);
            const Tensor ref64 = torch::mm(g.to(torch::kDouble).t(), s.to(torch::kDouble));
            ASSERT_EQ(dw.sizes(), (std::vector<int64_t>{out, 200}));
            EXPECT_LT(relErr(dw, ref64), 1e-5) << out << " " << density;
            EXPECT_LT(relErr(dw, torch::mm(g.t(), s)), 1e-5) << out << " " << density;
        }
    }
}

TEST_F(EventKernelTest, ResultsDoNotDependOnTheThreadCount)
{
    const Tensor s = randomSpikes(500, 300, 0.2);
    const Tensor w = torch::randn({70, 300}), g = torch::randn({500, 70});
    const SpikeEvents ev = toEvents(s);
    const int threads = at::get_num_threads();
    at::set_num_threads(1);
    const Tensor y1 = eventLinear(ev, eventWeightLayout(w), 70, Tensor());
    const Tensor d1 = eventWeightGrad(ev, g);
    at::set_num_threads(std::max(2, threads));
    EXPECT_TRUE(torch::equal(y1, eventLinear(ev, eventWeightLayout(w), 70, Tensor())));
    EXPECT_TRUE(torch::equal(d1, eventWeightGrad(ev, g)));
    at::set_num_threads(threads);
}

TEST_F(EventKernelTest, ChoiceFollowsTheCrossover)
{
    setKernelChoice(KernelChoice::Auto);
    const Crossover c = crossover();
    EXPECT_TRUE(useEventKernel(c.training * 0.5, 784, true));
    EXPECT_FALSE(useEventKernel(std::min(1.0, c.training + 0.01) + 1e-9, 784, true));
    EXPECT_FALSE(useEventKernel(0.01, kMaxEventColumns + 1, true));
    setKernelChoice(KernelChoice::Dense);
    EXPECT_FALSE(useEventKernel(0.0, 784, true));
    setKernelChoice(KernelChoice::Event);
    EXPECT_TRUE(useEventKernel(1.0, 784, false));
}

/// The network's output and every parameter gradient with event kernels against dense ones.
void forwardBackward(SpikingMlp& m, const Tensor& x, const Tensor& y, Tensor& out,
                     std::vector<Tensor>& grads)
{
    m->zero_grad();
    out = m->forward(x, 12, 99);
    SpikingMlpImpl::loss(out, y).backward();
    grads.clear();
    for (const auto& p : m->parameters()) grads.push_back(p.grad().clone());
}

TEST_F(EventKernelTest, NetworkGradientsEqualDense)
{
    std::string path = DWMTJ_DATASETS_DIR;
    path += "/binary-lut.csv";
    const Lut lut = loadLut(path);
    auto table = std::make_shared<DeviceTable>(
        DeviceTable::fromLut(lut, lut.centreVoltage, lut.gainVolts, torch::kCPU));
    for (NeuronKind kind : {NeuronKind::Lif, NeuronKind::Binary}) {
        torch::manual_seed(5);
        SpikingMlp m(784, 40, 10, kind, table);
        const Tensor x = torch::rand({16, 784}), y = torch::randint(0, 10, {16});
        Tensor outD, outE;
        std::vector<Tensor> gD, gE;
        setKernelChoice(KernelChoice::Dense);
        forwardBackward(m, x, y, outD, gD);
        setKernelChoice(KernelChoice::Event);
        forwardBackward(m, x, y, outE, gE);
        // Spikes are thresholds of sums that differ in the last bit at most; on these shapes
        // no neuron sits that close to its threshold, so the spikes and outputs agree.
        EXPECT_LT(relErr(outE, outD), 1e-5) << int(kind);
        ASSERT_EQ(gD.size(), gE.size());
        for (size_t k = 0; k < gD.size(); ++k)
            EXPECT_LT(relErr(gE[k], gD[k]), 1e-4) << int(kind) << " parameter " << k;
    }
}

TEST_F(EventKernelTest, InferenceUsesTheSameKernelsWithoutAutograd)
{
    torch::manual_seed(6);
    SpikingMlp m(784, 30, 10, NeuronKind::Lif, nullptr);
    m->eval();
    torch::NoGradGuard ng;
    const Tensor x = torch::rand({8, 784});
    setKernelChoice(KernelChoice::Dense);
    const Tensor d = m->forward(x, 10, 4);
    setKernelChoice(KernelChoice::Event);
    const Tensor e = m->forward(x, 10, 4);
    EXPECT_FALSE(e.requires_grad());
    EXPECT_LT(relErr(e, d), 1e-5);
}

TEST_F(EventKernelTest, TrainingStepsMatchDense)
{
    // Five Adam steps from the same start with event and with dense kernels.
    auto run = [](KernelChoice c) {
        setKernelChoice(c);
        torch::manual_seed(11);
        SpikingMlp m(784, 48, 10, NeuronKind::Lif, nullptr);
        Adam opt = Adam::of(*m, 1e-3);
        torch::manual_seed(12);
        const Tensor x = torch::rand({32, 784}), y = torch::randint(0, 10, {32});
        std::vector<double> losses;
        for (int s = 0; s < 5; ++s) {
            opt.zeroGrad();
            Tensor loss = SpikingMlpImpl::loss(m->forward(x, 16, streamKey(1, s)), y);
            loss.backward();
            opt.step();
            losses.push_back(loss.item<double>());
        }
        return losses;
    };
    const auto dense = run(KernelChoice::Dense), event = run(KernelChoice::Event);
    ASSERT_EQ(dense.size(), event.size());
    EXPECT_LT(dense.back(), dense.front());  // it trains
    // The first step (forward only) and the second (after one update) agree to float32
    // summation order. Later, a neuron whose potential sits within rounding of its threshold
    // may spike in one run and not the other, and the runs drift apart slowly (measured: by
    // 0.0015 at step 5, against a decrease of 0.048): they stay within a fifth of the decrease.
    const double decrease = dense.front() - dense.back();
    EXPECT_NEAR(event[0], dense[0], 1e-5);
    EXPECT_NEAR(event[1], dense[1], 1e-4);
    for (size_t s = 0; s < dense.size(); ++s) EXPECT_NEAR(event[s], dense[s], 0.2 * decrease) << s;
}

}  // namespace

// The calibration file of `dwmtj bench --calibrate`: read when valid, refused with a message
// naming the file and line when not (the built-in crossovers then stay).
TEST(KernelCalibration, FileIsReadOrRefusedWithItsLine)
{
    const std::string dir = ::testing::TempDir() + "/dwmtj-calibration";
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/kernels.ini";
    auto withFile = [&](const std::string& text) {
        std::ofstream(path) << text;
        setenv("DWMTJ_KERNELS_CALIBRATION", path.c_str(), 1);
        return dwmtj::core::loadKernelCalibration();
    };
    auto c = withFile("# comment\nformat_version=1\ntraining=0.25\ninference=0.5\nmeasured=now\n");
    EXPECT_TRUE(c.valid);
    EXPECT_EQ(c.training, 0.25);
    EXPECT_EQ(c.inference, 0.5);
    EXPECT_EQ(c.measuredAt, "now");
    EXPECT_TRUE(c.problem.empty());

    c = withFile("format_version=2\ntraining=0.25\ninference=0.5\n");
    EXPECT_FALSE(c.valid);
    EXPECT_NE(c.problem.find(path + " line 1: format_version 2 is not supported"),
              std::string::npos)
        << c.problem;
    c = withFile("format_version=1\ntraining=0.25\n");
    EXPECT_FALSE(c.valid);
    EXPECT_NE(c.problem.find("the training or inference crossover is missing"), std::string::npos);
    c = withFile("format_version=1\ntraining=0.25\ninference=-0.1\n");
    EXPECT_NE(
        c.problem.find("line 3: expected a spike density in [0, 1] for inference, found '-0.1'"),
        std::string::npos)
        << c.problem;
    c = withFile("training 0.3\n");
    EXPECT_NE(c.problem.find("line 1: expected key=value"), std::string::npos) << c.problem;

    // Saved and read back; "none" and a missing file mean not calibrated, without a problem.
    dwmtj::core::KernelCalibration s;
    s.path = dir + "/sub/kernels.ini";
    s.training = 0.3125;
    s.inference = 0.40625;
    s.measuredAt = "2026-12-01T00:00:00Z";
    dwmtj::core::saveKernelCalibration(s);
    setenv("DWMTJ_KERNELS_CALIBRATION", s.path.c_str(), 1);
    c = dwmtj::core::loadKernelCalibration();
    EXPECT_TRUE(c.valid);
    EXPECT_EQ(c.training, 0.3125);
    EXPECT_EQ(c.inference, 0.4062);  // 4 decimals in the file
    setenv("DWMTJ_KERNELS_CALIBRATION", "none", 1);
    c = dwmtj::core::loadKernelCalibration();
    EXPECT_FALSE(c.valid);
    EXPECT_TRUE(c.problem.empty());
    setenv("DWMTJ_KERNELS_CALIBRATION", (dir + "/missing.ini").c_str(), 1);
    EXPECT_TRUE(dwmtj::core::loadKernelCalibration().problem.empty());
    unsetenv("DWMTJ_KERNELS_CALIBRATION");
}

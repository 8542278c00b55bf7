// The paper's code as released (docs/models.md, "As released"): no gradient through the device
// neurons (frozen hidden layers), BatchNorm after the neuron with per-step statistics,
// standardized input, Xavier initialization, and the released binary and multi-weight cells on
// the measured tables A and B.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "dwmtj/error.h"
#include "dwmtj/lut.h"
#include "dwmtj/sweep.h"
#include "dwmtj/training.h"
#include "snn/network.h"
#include "snn/neurons.h"
#include "test_paths.h"
#include "train/common.h"

using namespace dwmtj::core;

namespace {

const std::string kSample = std::string(DWMTJ_DATASETS_DIR) + "/fashion-mnist-sample";

/// Every option as released, small enough for seconds.
TrainingConfig released(NeuronKind kind, DeviceGradient gradient)
{
    TrainingConfig c;
    c.neuron = kind;
    c.hidden = 32;
    c.timesteps = 8;
    c.batchSize = 50;
    c.epochs = 1;
    c.seeds = {3};
    c.dataDir = kSample;
    c.trainLimit = 1000;
    c.validationSize = 200;
    c.testLimit = 200;
    c.threads = 2;
    c.deviceGradient = gradient;
    c.bnPlacement = BnPlacement::After;
    c.bnStatistics = BnStatistics::PerStep;
    c.input = InputEncoding::Standardized;
    c.init = WeightInit::Xavier;
    return c;
}

/// The network's parameters before training: what trainSeed builds after seeding torch's
/// generator with the run's seed.
StateDict initialState(const TrainingConfig& c)
{
    torch::manual_seed(c.seeds[0]);
    std::vector<snn::HiddenNeurons> lif(2, snn::HiddenNeurons{NeuronKind::Lif, nullptr});
    auto model = train::buildModel(c, lif, torch::kCPU);
    return snn::moduleState(*model);
}

bool same(const NamedArray& a, const NamedArray& b)
{
    return a.shape == b.shape && a.data == b.data;  // bit for bit
}

struct Quiet : TrainingObserver {};

}  // namespace

TEST(AsReleased, NoDeviceGradientKeepsTheHiddenLayersBitIdentical)
{
    for (NeuronKind kind : {NeuronKind::BinaryReleased, NeuronKind::MultiStateReleased}) {
        SCOPED_TRACE(toString(kind));
        const TrainingConfig c = released(kind, DeviceGradient::None);
        EXPECT_TRUE(c.layerFrozen(0) && c.layerFrozen(1));
        const StateDict before = initialState(c);
        Quiet q;
        const std::string out = tmpPath(std::string("released_none_") + toString(kind) + ".h5");
        std::filesystem::remove(out);
        const Experiment e = runTraining(c, q, {}, out);
        ASSERT_EQ(e.runs.size(), 1u);
        ASSERT_EQ(e.runs[0].status, RunStatus::Completed) << e.runs[0].message;
        const StateDict& after = e.runs[0].bestCheckpoint;
        // Below the last device layer: fc1, fc2 and the BatchNorm between them (after neuron 1).
        for (const char* name :
             {"fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "bn1.weight", "bn1.bias"})
            EXPECT_TRUE(same(before.at(name), after.at(name))) << name << " changed";
        // The readout learns: the last BatchNorm and the output layer.
        for (const char* name : {"fc3.weight", "fc3.bias", "bn2.weight", "bn2.bias"})
            EXPECT_FALSE(same(before.at(name), after.at(name))) << name << " did not change";
        // Running statistics still update (per step) in the frozen BatchNorm.
        EXPECT_FALSE(same(before.at("bn1.running_mean"), after.at("bn1.running_mean")));
        // Xavier-uniform (gain 1) and zero biases: |w| <= sqrt(6 / (fan_in + fan_out)).
        const double bound = std::sqrt(6.0 / (784 + 32));
        double mx = 0;
        for (float w : before.at("fc1.weight").data) mx = std::max(mx, double(std::fabs(w)));
        EXPECT_LE(mx, bound);
        EXPECT_GT(mx, 0.9 * bound);
        for (float b : before.at("fc1.bias").data) EXPECT_EQ(b, 0.0f);

        // The file records every option; it reads back as written.
        const Experiment back = loadExperiment(out);
        EXPECT_EQ(back.config.deviceGradient, DeviceGradient::None);
        EXPECT_EQ(back.config.bnPlacement, BnPlacement::After);
        EXPECT_EQ(back.config.bnStatistics, BnStatistics::PerStep);
        EXPECT_EQ(back.config.input, InputEncoding::Standardized);
        EXPECT_EQ(back.config.init, WeightInit::Xavier);
        EXPECT_EQ(back.config.neuron, kind);
        EXPECT_EQ(frozenLayersText(back.config.frozenLayers()), "1,2");
    }
}

TEST(AsReleased, StraightThroughTrainsEveryLayer)
{
    const TrainingConfig c = released(NeuronKind::BinaryReleased, DeviceGradient::StraightThrough);
    EXPECT_FALSE(c.layerFrozen(0) || c.layerFrozen(1));
    const StateDict before = initialState(c);
    Quiet q;
    const std::string out = tmpPath("released_st.h5");
    std::filesystem::remove(out);
    const Experiment e = runTraining(c, q, {}, out);
    ASSERT_EQ(e.runs[0].status, RunStatus::Completed) << e.runs[0].message;
    for (const char* name : {"fc1.weight", "fc2.weight", "bn1.weight", "fc3.weight"})
        EXPECT_FALSE(same(before.at(name), e.runs[0].bestCheckpoint.at(name))) << name;
}

TEST(AsReleased, FreezingOneLayerOfALifNetwork)
{
    TrainingConfig c = released(NeuronKind::Lif, DeviceGradient::None);
    EXPECT_FALSE(c.layerFrozen(0)) << "no device layer: nothing frozen by the gradient option";
    c.freeze = parseFrozenLayers("2");
    EXPECT_EQ(frozenLayersText(c.frozenLayers()), "2");
    const StateDict before = initialState(c);
    Quiet q;
    const std::string out = tmpPath("released_lif_freeze2.h5");
    std::filesystem::remove(out);
    const Experiment e = runTraining(c, q, {}, out);
    ASSERT_EQ(e.runs[0].status, RunStatus::Completed) << e.runs[0].message;
    const StateDict& after = e.runs[0].bestCheckpoint;
    // Layer 2's input transform with BatchNorm after the neurons: bn1 and fc2.
    for (const char* name : {"fc2.weight", "fc2.bias", "bn1.weight", "bn1.bias"})
        EXPECT_TRUE(same(before.at(name), after.at(name))) << name;
    for (const char* name : {"fc1.weight", "fc3.weight", "bn2.weight"})
        EXPECT_FALSE(same(before.at(name), after.at(name))) << name;
    EXPECT_THROW(parseFrozenLayers("3"), OptionsError);
    EXPECT_THROW(parseFrozenLayers("1,1"), OptionsError);
}

TEST(AsReleased, PerStepBatchNormEqualsOneTrainingModeBatchNormPerStep)
{
    // Reference: T successive calls of a training-mode BatchNorm, one per step (what the
    // released code does), on a copy with the same parameters and running statistics.
    const int64_t T = 5, B = 7, H = 6;
    torch::manual_seed(11);
    torch::nn::BatchNorm1d bn(H), ref(H);
    {
        torch::NoGradGuard ng;
        bn->weight.uniform_(0.5, 2);
        bn->bias.uniform_(-1, 1);
        bn->running_mean.uniform_(-1, 1);
        bn->running_var.uniform_(0.5, 2);
        ref->weight.copy_(bn->weight);
        ref->bias.copy_(bn->bias);
        ref->running_mean.copy_(bn->running_mean);
        ref->running_var.copy_(bn->running_var);
    }
    bn->train();
    ref->train();
    // Steps with different means, so per-step and sequence statistics differ.
    const torch::Tensor x =
        (torch::randn({T, B, H}) + torch::arange(T).view({T, 1, 1}) * 2).view({T * B, H});
    const torch::Tensor y = snn::perStepBatchNorm(bn, x, T, true, true);
    std::vector<torch::Tensor> steps;
    for (int64_t t = 0; t < T; ++t) steps.push_back(ref(x.view({T, B, H})[t]));
    const torch::Tensor expect = torch::cat(steps);
    EXPECT_LT((y - expect).abs().max().item<double>(), 1e-5);
    EXPECT_LT((bn->running_mean - ref->running_mean).abs().max().item<double>(), 1e-5);
    EXPECT_LT((bn->running_var - ref->running_var).abs().max().item<double>(), 1e-5);
    EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), T);
    // Gradients flow through the per-step statistics as through the reference.
    const torch::Tensor xa = x.clone().requires_grad_(true), xb = x.clone().requires_grad_(true);
    const torch::Tensor w = torch::randn({T * B, H});
    (snn::perStepBatchNorm(bn, xa, T, true, true) * w).sum().backward();
    std::vector<torch::Tensor> s2;
    for (int64_t t = 0; t < T; ++t) s2.push_back(ref(xb.view({T, B, H})[t]));
    (torch::cat(s2) * w).sum().backward();
    EXPECT_LT((xa.grad() - xb.grad()).abs().max().item<double>(), 1e-4);
    // Inference: the running statistics.
    const torch::Tensor e = snn::perStepBatchNorm(bn, x, T, false, false);
    ref->eval();
    EXPECT_LT((e - ref(x)).abs().max().item<double>(), 1e-5);
}

namespace {

Lut bundled(const char* name) { return loadLut(std::string(DWMTJ_DATASETS_DIR) + "/" + name); }

/// |observed share - p| within 5 binomial standard errors (and 1e-9 for p = 0 or 1).
void expectShare(double hits, double n, double p, const std::string& what)
{
    const double se = std::sqrt(std::max(p * (1 - p), 0.0) / n);
    EXPECT_NEAR(hits / n, p, 5 * se + 1e-9) << what;
}

}  // namespace

TEST(AsReleased, BinaryCellFiresWithTableAsProbabilityAndExtrapolatesLikeTheRelease)
{
    const Lut lut = bundled("released-binary-table-a.csv");
    EXPECT_EQ(lut.centreVoltage, 1.88);
    EXPECT_EQ(lut.gainVolts, 0.2);
    const snn::DeviceTable tb = snn::DeviceTable::fromLut(lut, 1.88, 0.2, torch::kCPU);
    // Table A's own points and one interpolated voltage: V = x / 5 + 1.88.
    const std::vector<std::pair<double, double>> cases = {
        {1.825, 0.17391304347826086},
        {1.9, 0.6521739130434783},
        {2.0, 0.9333333333333333},
        {1.5, 0.09042553191489362},
        {1.95, (0.6521739130434783 + 0.9333333333333333) / 2}};
    const int64_t T = 4, B = 50, N = 500;
    for (size_t k = 0; k < cases.size(); ++k) {
        const auto [V, p] = cases[k];
        const torch::Tensor x = torch::full({T, B, N}, float((V - 1.88) * 5));
        const torch::Tensor z = snn::binaryReleasedLayer(x, tb, 100 + k);
        EXPECT_EQ(((z == 0) | (z == 1)).all().item<bool>(), true);
        expectShare(z.sum().item<double>(), double(z.numel()), p, "V = " + std::to_string(V));
    }
    // Past the table: the end segments extrapolated, output ceil(p) when p > U else floor(p):
    // V = 2.3 gives p = 1.0318 (always 2), V = 0.3 gives p = -0.0090 (always -1).
    const torch::Tensor hi =
        snn::binaryReleasedLayer(torch::full({2, 3, 4}, float(0.42 * 5)), tb, 1);
    EXPECT_TRUE((hi == 2).all().item<bool>()) << hi;
    const torch::Tensor lo =
        snn::binaryReleasedLayer(torch::full({2, 3, 4}, float((0.3 - 1.88) * 5)), tb, 1);
    EXPECT_TRUE((lo == -1).all().item<bool>()) << lo;
}

TEST(AsReleased, MultiWeightCellDrawsTableBIncrements)
{
    const Lut lut = bundled("released-multistate-table-b.csv");
    ASSERT_EQ(lut.numStates, 5);
    const snn::DeviceTable tb = snn::DeviceTable::fromLut(lut, 0, 5, torch::kCPU);
    struct Case {
        double x;
        std::array<double, 5> p;  // increments 0, 0.25, 0.5, 0.75, 1 (table B at u = |5 x|)
    };
    const std::vector<Case> cases = {
        {0.1, {0.4, 0.1, 0.5, 0, 0}},   // u = 0.5
        {-0.4, {0, 0.2, 0.4, 0.4, 0}},  // u = 2.0, increments negative
        {0.05, {0.55, 0.45, 0, 0, 0}},  // u = 0.25: halfway between two rows
        {0.8, {0, 0, 0.3, 0.4, 0.3}},   // u = 4.0
        {0.94, {0, 0, 0, 0.5, 0.5}}};   // u = 4.7
    const int64_t T = 4, B = 50, N = 500;
    for (size_t k = 0; k < cases.size(); ++k) {
        const Case& c = cases[k];
        const torch::Tensor x = torch::full({T, B, N}, float(c.x));
        torch::Tensor inc;
        snn::multiStateReleasedLayer(x, tb, 200 + k, nullptr, &inc);
        const torch::Tensor d = inc.to(torch::kLong);
        if (c.x < 0) {
            EXPECT_TRUE((d <= 0).all().item<bool>());
        }
        const std::array<double, 5>& expect = c.p;
        for (int j = 0; j < 5; ++j)
            expectShare((d.abs() == j).sum().item<double>(), double(d.numel()), expect[size_t(j)],
                        "x = " + std::to_string(c.x) + ", increment " + std::to_string(j) + "/4");
    }
    // The state: negative drive never fires (v stays at 0); u >= 5.5 always adds 1 -> a spike
    // at every step (v = 1 > 0.9, then reset to 0).
    EXPECT_EQ(
        snn::multiStateReleasedLayer(torch::full({6, 2, 3}, -0.4f), tb, 1).sum().item<double>(), 0);
    EXPECT_TRUE((snn::multiStateReleasedLayer(torch::full({6, 2, 3}, 1.2f), tb, 1) == 1)
                    .all()
                    .item<bool>());
}

TEST(AsReleased, MultiWeightStraightThroughBackwardMatchesAutogradOfTheSameDraws)
{
    // Reference in tensor ops with the kernel's own increments: dx = d / 4 plus the slope
    // 0.25 * gain * sum_c C_c'(u) as a straight-through term, v' = relu(v + dx), the SuperSpike
    // spike (sur(s) = s / (1 + alpha |s|) has derivative 1 / (1 + alpha |s|)^2), v = v' (1 - z).
    const Lut lut = bundled("released-multistate-table-b.csv");
    const snn::DeviceTable tb = snn::DeviceTable::fromLut(lut, 0, 5, torch::kCPU);
    const int64_t T = 12, B = 3, N = 40;
    torch::manual_seed(5);
    const torch::Tensor x0 = torch::randn({T, B, N}) * 0.5;
    torch::Tensor inc;
    snn::multiStateReleasedLayer(x0, tb, 77, nullptr, &inc);
    const torch::Tensor x = x0.clone().requires_grad_(true);
    const torch::Tensor z = snn::multiStateReleasedLayer(x, tb, 77);
    const torch::Tensor w = torch::randn({T, B, N});
    (z * w).sum().backward();

    const torch::Tensor xr = x0.clone().requires_grad_(true);
    auto slopeOf = [&](const torch::Tensor& xt) {
        torch::Tensor s = torch::empty_like(xt);
        auto a = xt.accessor<float, 2>();
        auto o = s.accessor<float, 2>();
        for (int64_t b = 0; b < xt.size(0); ++b)
            for (int64_t n = 0; n < xt.size(1); ++n) {
                double dE = 0;
                for (int c = 0; c < 4; ++c) dE += lut.derivative(c, std::fabs(5.0 * a[b][n]));
                o[b][n] = float(0.25 * 5 * dE);
            }
        return s;
    };
    torch::Tensor v = torch::zeros({B, N});
    std::vector<torch::Tensor> zs;
    for (int64_t t = 0; t < T; ++t) {
        const torch::Tensor xt = xr[t];
        const torch::Tensor dx = inc[t].to(torch::kFloat) / 4 + slopeOf(x0[t]) * (xt - xt.detach());
        const torch::Tensor vc = torch::relu(v + dx);
        const torch::Tensor s = vc - 0.9;
        const torch::Tensor sur = s / (1 + 100 * s.abs());
        const torch::Tensor zt = (s > 0).to(torch::kFloat).detach() - sur.detach() + sur;
        zs.push_back(zt);
        v = vc * (1 - zt);
    }
    const torch::Tensor zr = torch::stack(zs);
    EXPECT_TRUE(torch::equal(zr.detach(), z.detach())) << "the same spikes from the same draws";
    (zr * w).sum().backward();
    const double scale = xr.grad().abs().max().item<double>();
    ASSERT_GT(scale, 0);
    EXPECT_LT((x.grad() - xr.grad()).abs().max().item<double>(), 1e-4 * scale + 1e-6);
}

TEST(AsReleased, OptionsParseAndRefuseUnknownValues)
{
    EXPECT_EQ(deviceGradientFromString("none"), DeviceGradient::None);
    EXPECT_EQ(bnStatisticsFromString("per-step"), BnStatistics::PerStep);
    EXPECT_STREQ(toString(InputEncoding::Standardized), "standardized");
    try {
        bnPlacementFromString("middle");
        FAIL();
    } catch (const OptionsError& e) {
        EXPECT_NE(std::string(e.what()).find("before or after"), std::string::npos) << e.what();
    }
    TrainingConfig c;
    c.neuron = NeuronKind::BinaryReleased;
    c.variability.v50Sd = 0.05;
    EXPECT_THROW(c.validate(), OptionsError) << "variability is not modelled for released cells";
}

// Every construction key is one row: set, read back as text, and carried per configuration by a
// sweep (any key, not only the mechanism study's three) through its file text.
TEST(AsReleased, ConstructionKeysRoundTripThroughSweepConfigurations)
{
    TrainingConfig a = released(NeuronKind::BinaryReleased, DeviceGradient::None);
    for (const std::string& key : constructionKeys()) {
        TrainingConfig back;
        ASSERT_TRUE(setConstruction(back, key, constructionValue(a, key))) << key;
        EXPECT_EQ(constructionValue(back, key), constructionValue(a, key)) << key;
    }
    EXPECT_FALSE(setConstruction(a, "no_such_key", "x"));
    EXPECT_THROW(constructionValue(a, "no_such_key"), Error);

    TrainingConfig b = a;  // differs in three keys, one of them outside the mechanism study's
    b.bnPlacement = BnPlacement::Before;
    b.sampling = NeuronSampling::Deterministic;
    b.freeze = parseFrozenLayers("1");
    const Sweep s = sweepFromConfigs("construction", {{"a", a}, {"b", b}});
    const auto dir = std::filesystem::temp_directory_path() / "dwmtj-construction-sweep";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "c.sweep").string();
    writeSweepFile(s, path, "test");
    const auto tasks = sweepTasks(loadSweep(path));
    ASSERT_EQ(tasks.size(), 2u);
    for (const std::string& key : constructionKeys()) {
        EXPECT_EQ(constructionValue(tasks[0].config, key), constructionValue(a, key)) << key;
        EXPECT_EQ(constructionValue(tasks[1].config, key), constructionValue(b, key)) << key;
    }
    // A bad value in a [config] names the file, the section and the key.
    {
        std::ofstream out(path, std::ios::app);
        out << "\n[config bad]\nneuron = lif\nbn_placement = middle\n";
    }
    try {
        loadSweep(path);
        FAIL();
    } catch (const FileFormatError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("c.sweep"), std::string::npos) << m;
        EXPECT_NE(m.find("bn_placement"), std::string::npos) << m;
        EXPECT_NE(m.find("before or after"), std::string::npos) << m;
    }
    std::filesystem::remove_all(dir);
}

// The fused neuron layers against step-by-step reference implementations of the docs/models.md
// equations (forward) and autograd on those references (backward); stochastic neurons
// against the LUT statistics.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "dwmtj/lut.h"
#include "snn/network.h"
#include "snn/neurons.h"
#include "snn/rng.h"
#include "test_paths.h"

using namespace dwmtj::core;
using namespace dwmtj::core::snn;
using torch::Tensor;

namespace {

class SnnTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        torch::manual_seed(7);
        setForceGenericKernels(false);
    }
    void TearDown() override { setForceGenericKernels(false); }
};

/// SuperSpike through autograd: forward H(x), backward 1/(100|x|+1)^2 (S is its antiderivative).
Tensor spikeRef(const Tensor& x)
{
    Tensor s = torch::sign(x) * (1 - 1 / (100 * x.abs() + 1)) / 100;
    return (x > 0).to(x.dtype()).detach() + (s - s.detach());
}

/// Norse v1.0.0 LIF, one small op per step (the reference, with autograd).
Tensor lifRef(const Tensor& x)
{
    Tensor v = torch::zeros_like(x[0]), i = torch::zeros_like(x[0]);
    std::vector<Tensor> out;
    for (int64_t t = 0; t < x.size(0); ++t) {
        Tensor vd = v + 0.1 * (-v + i);
        Tensor id = i - 0.2 * i;
        Tensor z = spikeRef(vd - 1);
        v = (1 - z) * vd;
        i = id + x[t];
        out.push_back(z);
    }
    return torch::stack(out);
}

Tensor liRef(const Tensor& x)
{
    Tensor v = torch::zeros_like(x[0]), i = torch::zeros_like(x[0]);
    std::vector<Tensor> out;
    for (int64_t t = 0; t < x.size(0); ++t) {
        Tensor ij = i + x[t];
        v = v + 0.1 * (-v + ij);
        i = ij - 0.2 * ij;
        out.push_back(v);
    }
    return torch::stack(out);
}

Lut exampleLut(const char* name) { return loadLut(std::string(DWMTJ_DATASETS_DIR) + "/" + name); }

}  // namespace

TEST_F(SnnTest, LifForwardMatchesDoublePrecisionEquations)
{
    const int64_t T = 40, N = 600;
    Tensor x = torch::randn({T, 3, N / 3}) * 0.6 + 0.35;
    Tensor z = lifLayer(x);
    auto px = x.accessor<float, 3>();
    auto pz = z.accessor<float, 3>();
    int64_t mismatches = 0, spikes = 0;
    for (int64_t b = 0; b < 3; ++b)
        for (int64_t n = 0; n < N / 3; ++n) {
            double v = 0, i = 0;
            for (int64_t t = 0; t < T; ++t) {
                const double vd = v + 0.1 * (-v + i), id = i - 0.2 * i;
                const double s = vd - 1 > 0 ? 1 : 0;
                v = (1 - s) * vd;
                i = id + px[t][b][n];
                mismatches += s != pz[t][b][n];
                spikes += int64_t(s);
            }
        }
    EXPECT_GT(spikes, T * N / 20) << "the test input must make the neurons fire";
    // float32 vs float64: a spike can flip only when v_d is within ~1e-6 of the threshold.
    EXPECT_LE(mismatches, T * N / 1000);
}

TEST_F(SnnTest, LifBackwardMatchesAutogradOnTheReference)
{
    Tensor x = (torch::randn({25, 4, 30}) * 0.7 + 0.3).requires_grad_(true);
    Tensor xr = x.detach().clone().requires_grad_(true);
    Tensor gz = torch::randn({25, 4, 30});
    Tensor z = lifLayer(x), zr = lifRef(xr);
    ASSERT_TRUE(torch::equal(z, zr.detach()));
    (z * gz).sum().backward();
    (zr * gz).sum().backward();
    const double scale = xr.grad().abs().max().item<double>();
    EXPECT_GT(scale, 1e-3);
    EXPECT_LT((x.grad() - xr.grad()).abs().max().item<double>(), 2e-5 * scale + 1e-7);
}

TEST_F(SnnTest, LifGenericKernelsMatchFusedOnes)
{
    Tensor x = (torch::randn({30, 5, 40}) * 0.7 + 0.3).requires_grad_(true);
    Tensor gz = torch::randn({30, 5, 40});
    Tensor z = lifLayer(x);
    (z * gz).sum().backward();
    Tensor g1 = x.grad().clone();
    x.mutable_grad().zero_();
    setForceGenericKernels(true);
    Tensor z2 = lifLayer(x);
    (z2 * gz).sum().backward();
    EXPECT_TRUE(torch::equal(z, z2));
    EXPECT_LT((g1 - x.grad()).abs().max().item<double>(),
              1e-5 * g1.abs().max().item<double>() + 1e-7);
}

TEST_F(SnnTest, LeakyIntegratorReadoutForwardAndBackward)
{
    Tensor x = torch::randn({20, 3, 10}).requires_grad_(true);
    Tensor xr = x.detach().clone().requires_grad_(true);
    Tensor g = torch::randn({20, 3, 10});
    Tensor v = liReadout(x), vr = liRef(xr);
    EXPECT_LT((v - vr).abs().max().item<double>(), 1e-5);
    (v * g).sum().backward();
    (vr * g).sum().backward();
    EXPECT_LT((x.grad() - xr.grad()).abs().max().item<double>(), 1e-5);
}

TEST_F(SnnTest, BinaryNeuronFiresWithTheLutProbability)
{
    const Lut lut = exampleLut("binary-lut.csv");
    const DeviceTable tb = DeviceTable::fromLut(lut, lut.centreVoltage, lut.gainVolts, torch::kCPU);
    const int64_t T = 400, B = 50, N = 9;
    // Neuron n sees the constant input x_n = -2 .. 2, i.e. V = V50 + 2w x_n.
    Tensor xs = torch::linspace(-2, 2, N);
    Tensor x = xs.view({1, 1, N}).expand({T, B, N}).contiguous();
    for (bool generic : {false, true}) {
        setForceGenericKernels(generic);
        Tensor rate = binaryLayer(x, tb, 99).mean(std::vector<int64_t>{0, 1});
        for (int64_t n = 0; n < N; ++n) {
            const double V = lut.centreVoltage + lut.gainVolts * xs[n].item<double>();
            const double p = lut.value(0, V);
            const double se = std::sqrt(p * (1 - p) / double(T * B));
            EXPECT_NEAR(rate[n].item<double>(), p, 4 * se + 1e-4)
                << "V = " << V << (generic ? " generic" : "");
        }
    }
}

TEST_F(SnnTest, BinaryNeuronIsSeededAndStraightThrough)
{
    const Lut lut = exampleLut("binary-lut.csv");
    const DeviceTable tb = DeviceTable::fromLut(lut, lut.centreVoltage, lut.gainVolts, torch::kCPU);
    Tensor x = torch::randn({10, 4, 64}).requires_grad_(true);
    Tensor z1 = binaryLayer(x, tb, 5), z2 = binaryLayer(x.detach(), tb, 5),
           z3 = binaryLayer(x.detach(), tb, 6);
    EXPECT_TRUE(torch::equal(z1.detach(), z2));
    EXPECT_FALSE(torch::equal(z2, z3));
    Tensor gz = torch::randn_like(z1);
    (z1 * gz).sum().backward();
    auto px = x.accessor<float, 3>();
    auto pg = gz.accessor<float, 3>();
    auto pgx = x.grad().accessor<float, 3>();
    double worst = 0;
    for (int t = 0; t < 10; ++t)
        for (int b = 0; b < 4; ++b)
            for (int n = 0; n < 64; ++n) {
                const double V = lut.centreVoltage + lut.gainVolts * px[t][b][n];
                const double expect = pg[t][b][n] * lut.gainVolts * lut.derivative(0, V);
                worst =
                    std::max(worst, std::fabs(pgx[t][b][n] - expect) / (std::fabs(expect) + 1e-3));
            }
    EXPECT_LT(worst, 1e-4);  // float table vs the double LUT
}

TEST_F(SnnTest, MultiWeightNeuronFollowsTheNotchAdvanceModel)
{
    const Lut lut = exampleLut("multistate-lut.csv");
    const int K = lut.numStates;
    ASSERT_EQ(K, 5);
    const DeviceTable tb = DeviceTable::fromLut(lut, lut.centreVoltage, lut.gainVolts, torch::kCPU);
    const int64_t T = 200, B = 100, N = 3;
    const std::vector<double> xs = {-0.6, 0.0, 0.5};
    Tensor x = torch::tensor(std::vector<float>(xs.begin(), xs.end()))
                   .view({1, 1, N})
                   .expand({T, B, N})
                   .contiguous();
    Tensor states;
    Tensor z = multiStateLayer(x, tb, 11, nullptr, &states);
    auto pz = z.accessor<float, 3>();
    auto ps = states.accessor<int8_t, 3>();
    for (int64_t n = 0; n < N; ++n) {
        const double V = lut.centreVoltage + lut.gainVolts * xs[size_t(n)];
        std::vector<double> C(K + 1, 0.0);  // C[k] = P(state >= k), C[1] = 1
        C[1] = 1;
        for (int k = 2; k <= K; ++k) C[k] = std::min(C[k - 1], lut.value(k - 2, V));
        // Transitions out of state 1: advance d = 0..K-2 notches, or reach K and fire.
        std::vector<double> counts(K, 0.0);
        double fromOne = 0, spikes = 0;
        for (int64_t b = 0; b < B; ++b) {
            int prev = 1;
            for (int64_t t = 0; t < T; ++t) {
                const int m = ps[t][b][n];
                const bool s = pz[t][b][n] > 0;
                ASSERT_TRUE(s ? m == 1 : (m > prev && m < K) || m == prev) << "invalid transition";
                if (prev == 1) {
                    fromOne += 1;
                    counts[s ? K - 1 : m - 1] += 1;
                }
                spikes += s;
                prev = m;
            }
        }
        for (int d = 0; d < K; ++d) {
            const double p = d < K - 1 ? C[d + 1] - C[d + 2] : C[K];
            const double se = std::sqrt(std::max(p * (1 - p), 1e-6) / fromOne);
            EXPECT_NEAR(counts[size_t(d)] / fromOne, p, 4 * se + 1e-3)
                << "V = " << V << ", d = " << d;
        }
        // Exact expected spike count from the Markov chain over states 1..K-1.
        std::vector<double> pi(K, 0.0);
        pi[1] = 1;
        double expectSpikes = 0;
        for (int64_t t = 0; t < T; ++t) {
            std::vector<double> next(K, 0.0);
            for (int m = 1; m < K; ++m) {
                if (pi[m] == 0) continue;
                for (int d = 0; d < K - m; ++d) next[m + d] += pi[m] * (C[d + 1] - C[d + 2]);
                const double fire = C[K - m + 1];
                next[1] += pi[m] * fire;
                expectSpikes += pi[m] * fire;
            }
            pi = next;
        }
        const double rate = spikes / double(B);
        EXPECT_NEAR(rate, expectSpikes, 4 * std::sqrt(expectSpikes / double(B)) + 0.05)
            << "V = " << V;
    }
}

TEST_F(SnnTest, MultiWeightBackwardIsTheSpikeProbabilityDerivative)
{
    const Lut lut = exampleLut("multistate-lut.csv");
    const int K = lut.numStates;
    const DeviceTable tb = DeviceTable::fromLut(lut, lut.centreVoltage, lut.gainVolts, torch::kCPU);
    Tensor x = torch::randn({30, 4, 20}).requires_grad_(true);
    Tensor states;
    Tensor zs = multiStateLayer(x.detach(), tb, 3, nullptr, &states);
    Tensor z = multiStateLayer(x, tb, 3);
    ASSERT_TRUE(torch::equal(zs, z.detach()));
    Tensor gz = torch::randn_like(z);
    (z * gz).sum().backward();
    auto px = x.accessor<float, 3>();
    auto pg = gz.accessor<float, 3>();
    auto pgx = x.grad().accessor<float, 3>();
    auto ps = states.accessor<int8_t, 3>();
    double worst = 0;
    for (int b = 0; b < 4; ++b)
        for (int n = 0; n < 20; ++n)
            for (int t = 0; t < 30; ++t) {
                const int prev = t == 0 ? 1 : ps[t - 1][b][n];
                const double V = lut.centreVoltage + lut.gainVolts * px[t][b][n];
                const int k = K - prev + 1;  // fire iff state reached from reset >= k
                const double expect = pg[t][b][n] * lut.gainVolts * lut.derivative(k - 2, V);
                worst =
                    std::max(worst, std::fabs(pgx[t][b][n] - expect) / (std::fabs(expect) + 1e-3));
            }
    EXPECT_LT(worst, 1e-4);
}

TEST_F(SnnTest, PoissonEncodingRateEqualsPixel)
{
    Tensor img =
        torch::tensor({0.0f, 0.1f, 0.5f, 0.9f, 1.0f}).view({1, 5}).expand({200, 5}).contiguous();
    Tensor s = poissonEncode(img, 50, 42);
    Tensor rate = s.mean(std::vector<int64_t>{0, 1});
    const double n = 200.0 * 50;
    for (int k = 0; k < 5; ++k) {
        const double p = img[0][k].item<double>();
        EXPECT_NEAR(rate[k].item<double>(), p, 4 * std::sqrt(p * (1 - p) / n) + 1e-6);
    }
    EXPECT_TRUE(torch::equal(s, poissonEncode(img, 50, 42)));
}

TEST_F(SnnTest, SgemmMatchesDoublePrecisionOnTheNetworkShapes)
{
    // The BLAS behind libtorch (OpenBLAS with a forced core type) must be accurate here.
    const std::vector<std::array<int64_t, 3>> shapes = {
        {8000, 784, 500}, {8000, 500, 500}, {500, 8000, 784}, {8000, 10, 500}};
    for (const auto& s : shapes) {
        Tensor a = torch::rand({s[0], s[1]}), b = torch::randn({s[1], s[2]});
        Tensor c = torch::mm(a, b).to(torch::kDouble);
        Tensor r = torch::mm(a.to(torch::kDouble), b.to(torch::kDouble));
        const double rel = ((c - r).norm() / r.norm()).item<double>();
        EXPECT_LT(rel, 1e-5) << s[0] << "x" << s[1] << " @ " << s[1] << "x" << s[2];
    }
}

TEST_F(SnnTest, GenericMultiWeightKernelMatchesFusedStatistics)
{
    // The tensor-op implementation (used on CUDA) against the fused CPU loop: same spike
    // rate per input level within 4 standard errors, same local gradient rule.
    const Lut lut = exampleLut("multistate-lut.csv");
    const DeviceTable tb = DeviceTable::fromLut(lut, lut.centreVoltage, lut.gainVolts, torch::kCPU);
    const int64_t T = 100, B = 200, N = 4;
    Tensor x =
        torch::tensor({-0.8f, -0.2f, 0.3f, 0.9f}).view({1, 1, N}).expand({T, B, N}).contiguous();
    Tensor fused = multiStateLayer(x, tb, 21).mean(std::vector<int64_t>{0, 1});
    setForceGenericKernels(true);
    Tensor states;
    Tensor zg = multiStateLayer(x, tb, 21, nullptr, &states);
    Tensor generic = zg.mean(std::vector<int64_t>{0, 1});
    for (int64_t n = 0; n < N; ++n) {
        const double p = fused[n].item<double>();
        const double se = std::sqrt(std::max(p * (1 - p), 1e-4) / double(T * B));
        EXPECT_NEAR(generic[n].item<double>(), p, 4 * std::sqrt(2.0) * se + 2e-3) << "input " << n;
    }
    EXPECT_EQ(states.max().item<int>(), lut.numStates - 1);  // K is reached only by firing
    EXPECT_EQ(states.min().item<int>(), 1);
    Tensor xg = x.clone().requires_grad_(true);
    Tensor z = multiStateLayer(xg, tb, 21);
    z.sum().backward();
    EXPECT_TRUE(torch::isfinite(xg.grad()).all().item<bool>());
    EXPECT_GT(xg.grad().abs().sum().item<double>(), 0);
}

namespace {

/// A K-state table with logistic cumulative curves C_k(V) = sigma((V - V_k) / w), V_k spread
/// over [1, 3] V, on a grid of 64 points over [0.5, 3.5] V.
Lut syntheticMultiStateLut(int K)
{
    Lut lut;
    lut.kind = DeviceKind::MultiState;
    lut.numStates = K;
    for (int i = 0; i < 64; ++i) lut.voltage.push_back(0.5 + 3.0 * i / 63);
    for (int k = 2; k <= K; ++k) {
        const double vk = 1.0 + 2.0 * (k - 2) / std::max(1, K - 2), w = 0.2;
        std::vector<double> c, d;
        for (const double v : lut.voltage) {
            const double s = 1 / (1 + std::exp(-(v - vk) / w));
            c.push_back(s);
            d.push_back(s * (1 - s) / w);
        }
        lut.curves.push_back(c);
        lut.derivatives.push_back(d);
    }
    lut.centreVoltage = 2.0;
    lut.gainVolts = 1.0;
    return lut;
}

}  // namespace

// The vectorized multi-weight step (one compiled variant per curve count up to 7, a run-time
// count above) against a scalar transcription of docs/models.md with the same random
// stream: spikes, states and local gradients element for element, inputs beyond the table's
// range and NaN included.
TEST_F(SnnTest, MultiWeightKernelMatchesScalarEquationsForEveryCurveCount)
{
    for (const int K : {2, 3, 5, 8, 9, 12}) {
        SCOPED_TRACE("K = " + std::to_string(K));
        const DeviceTable tb =
            DeviceTable::fromLut(syntheticMultiStateLut(K), 2.0, 1.0, torch::kCPU);
        const int64_t T = 40, B = 3, N = 700;  // N spans a full and a partial block of neurons
        Tensor x = torch::randn({T, B, N}) * 1.2;
        x[3][1][5] = std::numeric_limits<float>::quiet_NaN();
        x[7][2][9] = 40.0f;
        x[8][0][11] = -40.0f;
        x.requires_grad_(true);
        Tensor states;
        const uint64_t key = 1234 + uint64_t(K);
        Tensor z = multiStateLayer(x, tb, key, nullptr, &states);
        // Local gradients through autograd: d(sum z * g)/dx = g * local.
        Tensor zg = multiStateLayer(x, tb, key);
        Tensor gOut = torch::rand_like(zg);
        zg.backward(gOut);
        ASSERT_TRUE(torch::equal(z, zg.detach()));
        const Tensor xd = x.detach();
        auto px = xd.accessor<float, 3>();
        auto pz = z.accessor<float, 3>();
        auto ps = states.accessor<int8_t, 3>();
        auto pg = x.grad().accessor<float, 3>();
        auto pgo = gOut.accessor<float, 3>();
        const int nc = K - 1;
        const int64_t M = B * N;
        std::vector<int> m(size_t(M), 1);
        int mismatches = 0;
        for (int64_t t = 0; t < T; ++t)
            for (int64_t e = 0; e < M; ++e) {
                const int64_t b = e / N, n = e % N;
                uint32_t u = 0;
                fillUniformU32(key, t * M + e, 1, &u);
                const float V = tb.centre + tb.gain * px[t][b][n];
                float f = (V - tb.vMin) * tb.invStep;
                if (!(f > 0)) f = 0;
                f = std::min(f, float(tb.size - 1));
                const int i0 = std::min(int(f), tb.size - 2);
                const float fr = f - float(i0);
                auto at = [&](const std::vector<float>& a, int c) {
                    const float lo = a[size_t(i0 * nc + c)], hi = a[size_t((i0 + 1) * nc + c)];
                    return lo + fr * (hi - lo);
                };
                int d = 0;
                for (int c = 0; c < nc; ++c) d += toUnitFloat(u) < at(tb.value, c);
                const int need = K - m[size_t(e)];
                const bool spike = d >= need;
                const float local = tb.gain * at(tb.deriv, need - 1);
                m[size_t(e)] = spike ? 1 : m[size_t(e)] + d;
                const bool same = pz[t][b][n] == float(spike) && ps[t][b][n] == m[size_t(e)] &&
                                  std::fabs(pg[t][b][n] - pgo[t][b][n] * local) <=
                                      1e-6f * (1 + std::fabs(pgo[t][b][n] * local));
                mismatches += !same;
            }
        EXPECT_EQ(mismatches, 0);
        EXPECT_GT(z.sum().item<double>(), 0);
    }
}

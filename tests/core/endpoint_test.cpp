// The noise-robustness endpoint against known truth: exact curves, then simulated networks and
// test images with known population endpoints (coverage of the intervals, error rates of the
// tests, power at the minimum detectable effect, family-wise error under Holm).
#include "dwmtj/endpoint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "dwmtj/error.h"
#include "dwmtj/stats.h"

using namespace dwmtj::core;
using namespace dwmtj::core::endpoint;

namespace {

/// a(l) = exp(-(l / lambda)^2): the chance-corrected shape of the simulated networks.
double shape(double l, double lambda) { return std::exp(-(l / lambda) * (l / lambda)); }

NetworkCurve exactCurve(double clean, double lambda, double chance, const std::vector<double>& grid)
{
    NetworkCurve c;
    c.chance = chance;
    c.level = grid;
    for (double l : grid) c.accuracy.push_back(chance + (clean - chance) * shape(l, lambda));
    return c;
}

/// The population simulation: a network's decay lambda = lambda_g + tau z, z ~ N(0, 1);
/// its clean accuracy 0.85 + 0.01 z'; per test image a shared difficulty and a per-network
/// part (correlation rho), so every network sees the same images.
struct Population {
    double lambda = 0.6, tau = 0.08, rho = 0.7, chance = 0.1;
    int images = 4000, networks = 3;
    double width(double z) const { return std::max(0.05, lambda + tau * z); }
    /// E_z[mean over the grid of shape(l, width(z))], by quadrature over z.
    double trueAuc(const std::vector<double>& grid) const
    {
        double sum = 0, wsum = 0;
        for (double z = -8; z <= 8; z += 0.002) {
            const double w = std::exp(-z * z / 2);
            double auc = 0;
            for (double l : grid) auc += shape(l, width(z));
            sum += w * auc / double(grid.size());
            wsum += w;
        }
        return sum / wsum;
    }
};

/// Draws the test images' shared difficulties (probit scale).
std::vector<double> drawImages(int n, std::mt19937_64& rng)
{
    std::normal_distribution<double> g;
    std::vector<double> u(size_t(n), 0);
    for (auto& x : u) x = g(rng);
    return u;
}

std::vector<NetworkCurve> drawGroup(const Population& p, const std::vector<double>& images,
                                    const std::vector<double>& grid, std::mt19937_64& rng)
{
    std::normal_distribution<double> g;
    std::vector<NetworkCurve> out;
    for (int k = 0; k < p.networks; ++k) {
        const double lambda = p.width(g(rng)), clean = 0.85 + 0.01 * g(rng);
        NetworkCurve c;
        c.chance = p.chance;
        c.level = grid;
        c.correct.assign(grid.size(), std::vector<uint8_t>(images.size()));
        std::vector<double> v(images.size());
        for (size_t i = 0; i < images.size(); ++i)
            v[i] = stats::normalCdf(p.rho * images[i] + std::sqrt(1 - p.rho * p.rho) * g(rng));
        for (size_t l = 0; l < grid.size(); ++l) {
            const double prob = p.chance + (clean - p.chance) * shape(grid[l], lambda);
            int correct = 0;
            for (size_t i = 0; i < images.size(); ++i) {
                c.correct[l][i] = v[i] < prob;
                correct += c.correct[l][i];
            }
            c.accuracy.push_back(double(correct) / double(images.size()));
        }
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace

TEST(Endpoint, GridsAreTheDeclaredOnes)
{
    const auto s = standardGrid(), p = paperGrid();
    ASSERT_EQ(s.size(), 19u);
    EXPECT_DOUBLE_EQ(s.front(), 0);
    EXPECT_NEAR(s[15], 1.5, 1e-12);
    EXPECT_DOUBLE_EQ(s.back(), 3);
    ASSERT_EQ(p.size(), 16u);
    EXPECT_NEAR(p[1], 0.2, 1e-12);
    EXPECT_NEAR(p.back(), 3, 1e-12);
    EXPECT_THROW(gridByName("coarse"), OptionsError);
}

TEST(Endpoint, ChanceCorrectedAucAndSigma50OfExactCurves)
{
    const auto grid = standardGrid();
    // Evaluated on a finer grid than the declared one: the endpoint interpolates.
    std::vector<double> fine;
    for (int k = 0; k <= 300; ++k) fine.push_back(0.01 * k);
    for (double lambda : {0.3, 0.7, 1.5}) {
        const auto c = exactCurve(0.88, lambda, 0.1, fine);
        double truth = 0;
        for (double l : grid) truth += shape(l, lambda);
        truth /= double(grid.size());
        EXPECT_NEAR(chanceCorrectedAuc(c, grid), truth, 2e-4) << lambda;
        // sigma50 of exp(-(l/lambda)^2) = lambda sqrt(ln 2); linear interpolation between grid
        // levels errs by less than 0.015 for these widths.
        EXPECT_NEAR(sigma50(c, grid), lambda * std::sqrt(std::log(2.0)), 0.015) << lambda;
    }
    // A curve at chance everywhere but level 0 has area 1/19; one that never learned has none.
    auto flat = exactCurve(0.9, 1e-6, 0.1, grid);
    EXPECT_NEAR(chanceCorrectedAuc(flat, grid), 1.0 / 19, 1e-12);
    EXPECT_TRUE(std::isnan(chanceCorrectedAuc(exactCurve(0.1, 1, 0.1, grid), grid)));
    // The chance level is the one given (a test subset's largest class share), not 10 %.
    auto subset = exactCurve(0.8, 0.5, 0.1125, grid);
    EXPECT_NEAR(evaluate(subset, Measure::aboveChance(0), grid), 0.8 - 0.1125, 1e-12);
    // A curve that stays above half over the grid: sigma50 beyond it.
    EXPECT_EQ(sigma50(exactCurve(0.9, 10, 0.1, grid), grid),
              std::numeric_limits<double>::infinity());
    // Not covering the grid: no endpoint.
    EXPECT_TRUE(std::isnan(chanceCorrectedAuc(exactCurve(0.9, 1, 0.1, paperGrid()), {0, 3.5})));
}

TEST(Endpoint, IsotonicFitPoolsViolators)
{
    const auto f = isotonicDecreasing({1, 0.8, 0.9, 0.5, 0.6, 0.2});
    const std::vector<double> want = {1, 0.85, 0.85, 0.55, 0.55, 0.2};
    ASSERT_EQ(f.size(), want.size());
    for (size_t k = 0; k < f.size(); ++k) EXPECT_NEAR(f[k], want[k], 1e-12);
    // sigma50 uses the fit: a noisy bump above 0.5 after the first drop below it is pooled.
    NetworkCurve c;
    c.level = {0, 1, 2, 3};
    c.chance = 0.1;
    c.accuracy = {0.9, 0.4, 0.6, 0.2};  // a = 1, 0.375, 0.625, 0.125 -> fit 1, 0.5, 0.5, 0.125
    EXPECT_NEAR(sigma50(c, {0, 1, 2, 3}), 1.0, 1e-12);
}

TEST(Endpoint, HolmAndBenjaminiHochbergMatchHandComputedValues)
{
    // R: p.adjust(c(.01, .04, .03, .005), "holm") = 0.03 0.06 0.06 0.02; "BH" = .02 .04 .04 .02
    const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
    const auto h = holm(p), b = benjaminiHochberg(p);
    const std::vector<double> wantH = {0.03, 0.06, 0.06, 0.02}, wantB = {0.02, 0.04, 0.04, 0.02};
    for (size_t k = 0; k < p.size(); ++k) {
        EXPECT_NEAR(h[k], wantH[k], 1e-12);
        EXPECT_NEAR(b[k], wantB[k], 1e-12);
    }
    const auto withNan = holm({0.2, std::nan(""), 0.9});
    EXPECT_NEAR(withNan[0], 0.4, 1e-12);
    EXPECT_TRUE(std::isnan(withNan[1]));
    EXPECT_NEAR(withNan[2], 0.9, 1e-12);
}

TEST(Endpoint, McNemarExactMatchesTheBinomial)
{
    // 10 images only A gets right, 2 only B: p = 2 P(X <= 2 | 12, 1/2) = 2 x 79 / 4096.
    std::vector<uint8_t> a, b;
    for (int i = 0; i < 10; ++i) a.push_back(1), b.push_back(0);
    for (int i = 0; i < 2; ++i) a.push_back(0), b.push_back(1);
    for (int i = 0; i < 50; ++i) a.push_back(1), b.push_back(1);  // concordant: ignored
    const auto m = mcnemarExact(a, b);
    EXPECT_EQ(m.onlyA, 10);
    EXPECT_EQ(m.onlyB, 2);
    EXPECT_NEAR(m.p, 2.0 * 79 / 4096, 1e-12);
    EXPECT_NEAR(mcnemarExact(b, a).p, m.p, 1e-15);
    // Balanced discordance: p = 1; none at all: p = 1.
    EXPECT_NEAR(mcnemarExact({1, 0}, {0, 1}).p, 1.0, 1e-15);
    EXPECT_NEAR(mcnemarExact({1, 1}, {1, 1}).p, 1.0, 1e-15);
    EXPECT_TRUE(std::isnan(mcnemarExact({1}, {1, 0}).p));
}

TEST(Endpoint, PowerMatchesNormalAndNoncentralT)
{
    // Infinite df: 80 % power at z_.975 + z_.8 = 2.8016.
    EXPECT_NEAR(power(2.80158, 1e9, 0.05, true), 0.80, 1e-4);
    EXPECT_NEAR(detectableDelta(1e9, 0.05, 0.8, true), 2.80158, 1e-3);
    EXPECT_NEAR(power(0, 1e9, 0.05, true), 0.05, 1e-9);
    // Large finite df converges to the normal answer.
    EXPECT_NEAR(power(2.80158, 5e5, 0.05, true), 0.80, 1e-3);
    // df 4: against a Monte Carlo noncentral t (200 000 draws, MC sd < 0.001).
    std::mt19937_64 rng(7);
    std::normal_distribution<double> g;
    std::chi_squared_distribution<double> chi(4);
    const double delta = 3.5, c = stats::studentTQuantile(0.975, 4);
    int hit = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        const double t = (g(rng) + delta) / std::sqrt(chi(rng) / 4);
        hit += std::fabs(t) > c;
    }
    EXPECT_NEAR(power(delta, 4, 0.05, true), double(hit) / n, 0.004);
    EXPECT_NEAR(power(0, 4, 0.05, true), 0.05, 1e-4);
}

TEST(Endpoint, WithoutImageRecordsTheComparisonIsWelchs)
{
    // Per-network values only: the interval and p are Welch's on those values.
    const auto grid = standardGrid();
    std::vector<NetworkCurve> a, b;
    for (double l : {0.5, 0.55, 0.62}) a.push_back(exactCurve(0.85, l, 0.1, grid));
    for (double l : {0.7, 0.8, 0.74}) b.push_back(exactCurve(0.86, l, 0.1, grid));
    Options o;
    o.grid = grid;
    const auto c = compare(a, b, Measure::auc(), Hypothesis::TwoSided, 0, o);
    std::vector<double> va, vb;
    for (const auto& x : a) va.push_back(chanceCorrectedAuc(x, grid));
    for (const auto& x : b) vb.push_back(chanceCorrectedAuc(x, grid));
    const auto w = stats::welchTTest(va, vb);
    ASSERT_TRUE(c.valid());
    EXPECT_FALSE(c.imageLevel);
    EXPECT_NEAR(c.p, w.p, 1e-9);
    EXPECT_NEAR(c.df, w.df, 1e-9);
    EXPECT_NEAR(c.difference / c.se, w.t, 1e-9);
    EXPECT_NE(c.note.find("per-image"), std::string::npos);
}

TEST(Endpoint, ZeroSpreadGroupsUseTheImageBootstrap)
{
    // Three collapsed networks that always answer the same class: identical values, no seed
    // spread. The image bootstrap still gives an interval; no t test on zero variance.
    const auto grid = standardGrid();
    std::mt19937_64 rng(3);
    const int n = 2000;
    std::vector<uint8_t> isClassZero(n);
    for (auto& x : isClassZero) x = rng() % 10 == 0;
    NetworkCurve collapsed;
    collapsed.level = grid;
    collapsed.chance = 0.1;
    collapsed.correct.assign(grid.size(), isClassZero);
    double share = 0;
    for (auto x : isClassZero) share += x;
    collapsed.accuracy.assign(grid.size(), share / n);
    const std::vector<NetworkCurve> group(3, collapsed);
    Options o;
    o.grid = grid;
    o.imageResamples = 400;
    const auto e = compareWith(group, 0.1, Measure::accuracy(3), Hypothesis::TwoSided, 0, o);
    ASSERT_TRUE(e.valid());
    EXPECT_TRUE(e.imageLevel);
    // The binomial standard error of a share near 0.1 on 2000 images is 0.0067.
    EXPECT_NEAR(e.se, std::sqrt(0.1 * 0.9 / n), 0.0015);
    EXPECT_TRUE(std::isinf(e.df));
    // The same through compare(): two collapsed groups on the same images differ by nothing.
    const auto d = compare(group, group, Measure::accuracy(3), Hypothesis::TwoSided, 0, o);
    EXPECT_FALSE(d.valid());
    EXPECT_NE(d.note.find("no variation"), std::string::npos);
}

namespace {

struct Sim {
    std::vector<double> auc, low, high, p, mde, df;
};
/// `sims` draws of two groups (population a and b) on shared images; the AUC comparison a - b.
Sim simulate(const Population& pa, const Population& pb, int sims, uint64_t seed)
{
    const auto grid = standardGrid();
    Options o;
    o.grid = grid;
    o.imageResamples = 100;
    std::mt19937_64 rng(seed);
    Sim s;
    for (int k = 0; k < sims; ++k) {
        const auto images = drawImages(pa.images, rng);
        const auto a = drawGroup(pa, images, grid, rng), b = drawGroup(pb, images, grid, rng);
        o.seed = rng();
        const auto c = compare(a, b, Measure::auc(), Hypothesis::TwoSided, 0, o);
        const auto e = estimate(a, Measure::auc(), o);
        s.auc.push_back(c.difference);
        s.low.push_back(c.low);
        s.high.push_back(c.high);
        s.p.push_back(c.p);
        s.mde.push_back(c.minDetectable);
        s.df.push_back(c.df);
        // The one-group interval is checked through estimate() in the coverage test.
        s.low.push_back(e.low);
        s.high.push_back(e.high);
    }
    return s;
}

}  // namespace

namespace {

struct Coverage {
    double difference = 0, group = 0, nullRejection = 0;
};
/// `sims` simulated studies with `networks` networks per group on 4000 shared test images
/// (the seeds dominate the variance, as at paper scale); known truth: the population
/// endpoints.
Coverage coverage(int networks, int sims, uint64_t seed)
{
    Population a, b;
    a.networks = b.networks = networks;
    b.lambda = 0.5;
    const auto grid = standardGrid();
    const double truthA = a.trueAuc(grid), truthB = b.trueAuc(grid);
    const auto s = simulate(a, b, sims, seed);
    Coverage c;
    for (int k = 0; k < sims; ++k) {
        const size_t d = size_t(2 * k), g = d + 1;
        c.difference += s.low[d] <= truthA - truthB && truthA - truthB <= s.high[d];
        c.group += s.low[g] <= truthA && truthA <= s.high[g];
    }
    const auto null = simulate(a, a, sims, seed + 1);
    for (double p : null.p) c.nullRejection += p < 0.05;
    c.difference /= sims;
    c.group /= sims;
    c.nullRejection /= sims;
    return c;
}

}  // namespace

TEST(Endpoint, IntervalsCoverTheTruthAndTestsHoldTheirLevel)
{
    // 5 networks per group, 1000 studies (Monte Carlo sd 0.7 %): coverage 95 +- 2 % for the
    // group interval and the difference; the null rejection rate at most 5 % + 2 MC sd.
    const auto five = coverage(5, 1000, 11);
    EXPECT_NEAR(five.difference, 0.95, 0.02);
    EXPECT_NEAR(five.group, 0.95, 0.02);
    EXPECT_LE(five.nullRejection, 0.05 + 2 * std::sqrt(0.05 * 0.95 / 1000));
    EXPECT_GE(five.nullRejection, 0.02);
    // 3 networks per group (the default): never below nominal by more than 2 points; Welch's
    // df on 2 + 2 seeds makes the difference's interval conservative (measured 97-97.5 %).
    const auto three = coverage(3, 1000, 13);
    EXPECT_NEAR(three.group, 0.95, 0.02);
    EXPECT_GE(three.difference, 0.93);
    EXPECT_LE(three.difference, 0.98);
    EXPECT_LE(three.nullRejection, 0.05 + 2 * std::sqrt(0.05 * 0.95 / 1000));
    std::printf("coverage, 5 networks: difference %.3f, group %.3f, null rejections %.3f\n",
                five.difference, five.group, five.nullRejection);
    std::printf("coverage, 3 networks: difference %.3f, group %.3f, null rejections %.3f\n",
                three.difference, three.group, three.nullRejection);
}

TEST(Endpoint, PowerAtTheMinimumDetectableEffectAndTheEstimateOfIt)
{
    // The design's minimum detectable effect is detectableDelta(df) x the true standard error
    // (the sd of the estimated difference over simulated studies); at that true difference the
    // test rejects in at least 80 % of studies (minus 2 Monte Carlo sd). The printed MDE
    // estimates it from one study: its median is within 15 % of it.
    Population a;
    const auto grid = standardGrid();
    const int sims = 800;
    const auto null = simulate(a, a, sims, 21);
    const auto dfMedian = stats::quantile(null.df, 0.5);
    std::vector<double> diffs;
    for (size_t k = 0; k < null.auc.size(); ++k) diffs.push_back(null.auc[k]);
    const double trueSe = stats::summarize(diffs).sd;
    const double mde = detectableDelta(dfMedian, 0.05, 0.8, true) * trueSe;
    EXPECT_NEAR(stats::quantile(null.mde, 0.5) / mde, 1.0, 0.15);
    // The population whose true AUC is higher by the MDE (bisection on its decay width).
    Population up = a;
    double lo = a.lambda, hi = 3 * a.lambda;
    const double target = a.trueAuc(grid) + mde;
    for (int i = 0; i < 50; ++i) {
        up.lambda = (lo + hi) / 2;
        (up.trueAuc(grid) < target ? lo : hi) = up.lambda;
    }
    const auto alt = simulate(up, a, sims, 22);
    int detected = 0;
    for (size_t k = 0; k < alt.p.size(); ++k) detected += alt.p[k] < 0.05 && alt.auc[k] > 0;
    const double mcSd = std::sqrt(0.8 * 0.2 / sims);
    EXPECT_GE(double(detected) / sims, 0.80 - 2 * mcSd);
}

TEST(Endpoint, HolmKeepsTheFamilyWiseErrorUnderTheNull)
{
    // Three kinds with the same population, the three pairwise comparisons as one family:
    // Holm keeps P(any adjusted p < 0.05) at most 5 % (+ 2 Monte Carlo sd); uncorrected it
    // is well above (so the check can fail).
    Population p;
    const auto grid = standardGrid();
    Options o;
    o.grid = grid;
    o.imageResamples = 200;
    std::mt19937_64 rng(31);
    const int sims = 1000;
    int anyRaw = 0, anyHolm = 0;
    for (int k = 0; k < sims; ++k) {
        const auto images = drawImages(p.images, rng);
        const auto l = drawGroup(p, images, grid, rng), b = drawGroup(p, images, grid, rng),
                   m = drawGroup(p, images, grid, rng);
        o.seed = rng();
        const std::vector<double> ps = {
            compare(b, l, Measure::auc(), Hypothesis::TwoSided, 0, o).p,
            compare(m, l, Measure::auc(), Hypothesis::TwoSided, 0, o).p,
            compare(m, b, Measure::auc(), Hypothesis::TwoSided, 0, o).p};
        const auto adj = holm(ps);
        anyRaw += *std::min_element(ps.begin(), ps.end()) < 0.05;
        anyHolm += *std::min_element(adj.begin(), adj.end()) < 0.05;
    }
    EXPECT_LE(double(anyHolm) / sims, 0.05 + 2 * std::sqrt(0.05 * 0.95 / sims));
    EXPECT_GT(double(anyRaw) / sims, 0.08);
}

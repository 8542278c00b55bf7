#include "dwmtj/sigmoid_fit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "dwmtj/error.h"
#include "dwmtj/estimate.h"
#include "dwmtj/simulate.h"
#include "dwmtj/stats.h"

using namespace dwmtj::core;

namespace {
double logit(double p) { return std::log(p / (1 - p)); }

// Textbook IRLS for logistic regression in (b0, b1): an independent implementation.
void irls(const std::vector<VoltageCounts>& c, double& b0, double& b1, double cov[2][2])
{
    b0 = 0;
    b1 = 0;
    for (int it = 0; it < 100; ++it) {
        double a00 = 0, a01 = 0, a11 = 0, r0 = 0, r1 = 0;
        for (const auto& x : c) {
            const double eta = b0 + b1 * x.voltage, p = 1 / (1 + std::exp(-eta));
            const double w = x.trials * p * (1 - p);
            const double z = eta + (x.switches - x.trials * p) / w;
            a00 += w;
            a01 += w * x.voltage;
            a11 += w * x.voltage * x.voltage;
            r0 += w * z;
            r1 += w * x.voltage * z;
        }
        const double det = a00 * a11 - a01 * a01;
        b0 = (a11 * r0 - a01 * r1) / det;
        b1 = (a00 * r1 - a01 * r0) / det;
        cov[0][0] = a11 / det;
        cov[1][1] = a00 / det;
        cov[0][1] = cov[1][0] = -a01 / det;
    }
}
}  // namespace

TEST(SigmoidFit, TwoVoltagesReproduceTheObservedProportionsExactly)
{
    // Two points, two parameters: the MLE passes through both proportions, so
    // w = dV / (logit p2 - logit p1) and V50 = V1 - w logit p1 (derived by hand).
    const std::vector<VoltageCounts> c = {{1.5, 20, 100, 0.2}, {2.0, 60, 100, 0.6}};
    const auto fit = fitSigmoid(c, true);
    const double l1 = logit(0.2), l2 = logit(0.6);
    const double w = 0.5 / (l2 - l1), v50 = 1.5 - w * l1;
    EXPECT_NEAR(fit.width(), w, 1e-9);
    EXPECT_NEAR(fit.v50(), v50, 1e-9);
    EXPECT_NEAR(fit.deviance, 0.0, 1e-9);
    // Standard errors by the delta method from var(logit p_i) = 1/(n p (1-p)).
    const double var1 = 1 / (100 * 0.2 * 0.8), var2 = 1 / (100 * 0.6 * 0.4);
    const double dw1 = 0.5 / ((l2 - l1) * (l2 - l1)), dw2 = -dw1;
    const double dv1 = -w - l1 * dw1, dv2 = -l1 * dw2;
    EXPECT_NEAR(fit.parameters[1].standardError, std::sqrt(dw1 * dw1 * var1 + dw2 * dw2 * var2),
                1e-9);
    EXPECT_NEAR(fit.parameters[0].standardError, std::sqrt(dv1 * dv1 * var1 + dv2 * dv2 * var2),
                1e-9);
}

TEST(SigmoidFit, AgreesWithIndependentIrlsOnFixedData)
{
    const std::vector<VoltageCounts> c = {
        {1.0, 0, 1500, 0},  {1.12, 1, 1480, 0}, {1.24, 3, 1300, 0}, {1.36, 9, 1100, 0},
        {1.48, 13, 600, 0}, {1.6, 15, 130, 0},  {1.72, 15, 60, 0},  {1.84, 15, 31, 0},
        {1.96, 15, 20, 0},  {2.08, 15, 16, 0},  {2.2, 15, 15, 0}};
    const auto fit = fitSigmoid(c, true);
    double b0, b1, cov[2][2];
    irls(c, b0, b1, cov);
    EXPECT_NEAR(fit.v50(), -b0 / b1, 1e-8);
    EXPECT_NEAR(fit.width(), 1 / b1, 1e-8);
    // Delta method from (b0, b1) to (V50, w).
    const double g[2][2] = {{-1 / b1, b0 / (b1 * b1)}, {0, -1 / (b1 * b1)}};
    for (int r = 0; r < 2; ++r) {
        double var = 0;
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 2; ++j) var += g[r][i] * cov[i][j] * g[r][j];
        EXPECT_NEAR(fit.parameters[r].standardError, std::sqrt(var), 1e-8 * std::sqrt(var) + 1e-12);
    }
    double dev = 0, ll = 0;
    for (const auto& x : c) {
        const double p = 1 / (1 + std::exp(-(b0 + b1 * x.voltage)));
        ll += x.switches * std::log(p) + (x.trials - x.switches) * std::log(1 - p);
        if (x.switches > 0) dev += 2 * x.switches * std::log(x.switches / (x.trials * p));
        if (x.trials > x.switches)
            dev += 2 * (x.trials - x.switches) *
                   std::log((x.trials - x.switches) / (x.trials * (1 - p)));
    }
    EXPECT_NEAR(fit.logLikelihood, ll, 1e-7);
    EXPECT_NEAR(fit.deviance, dev, 1e-7);
    EXPECT_NEAR(fit.aic, -2 * ll + 4, 1e-7);
    EXPECT_EQ(fit.degreesOfFreedom, 9);
}

TEST(SigmoidFit, RecoversGroundTruthOfLargeSimulation)
{
    BinarySimulationOptions o;
    o.cycles = 400;
    o.seed = 11;
    const auto d = simulateBinaryDevice(o);
    const auto fit = fitSigmoid(d.binary.counts, true);
    // Tolerance: 4 standard errors (a false failure rate below 1e-4).
    EXPECT_NEAR(fit.v50(), 1.8, 4 * fit.parameters[0].standardError);
    EXPECT_NEAR(fit.width(), 0.1, 4 * fit.parameters[1].standardError);
    EXPECT_LT(fit.parameters[0].standardError, 0.01);
    EXPECT_GT(fit.pearsonPValue, 1e-4);
}

TEST(SigmoidFit, IntervalsCoverTheTruthInAbout95PercentOfRepetitions)
{
    // 400 seeded repetitions of the paper-sized experiment (11 voltages, 15 cycles).
    // With n = 400, the s.d. of an empirical coverage of 0.95 is 0.011; we accept
    // 0.915..0.985 (about 3 s.d.).
    const int reps = 400;
    int coverV50 = 0, coverW = 0;
    for (int i = 0; i < reps; ++i) {
        BinarySimulationOptions o;
        o.seed = 1000 + std::uint64_t(i);
        o.readNoiseOhm = 0;
        const auto d = simulateBinaryDevice(o);
        const auto fit = fitSigmoid(d.binary.counts, true);
        coverV50 += fit.parameters[0].lower <= 1.8 && 1.8 <= fit.parameters[0].upper;
        coverW += fit.parameters[1].lower <= 0.1 && 0.1 <= fit.parameters[1].upper;
    }
    EXPECT_NEAR(coverV50 / double(reps), 0.95, 0.035) << coverV50;
    EXPECT_NEAR(coverW / double(reps), 0.95, 0.035) << coverW;
}

TEST(SigmoidFit, FourParameterFormRecoversFloorAndCeiling)
{
    BinarySimulationOptions o;
    o.cycles = 3000;
    o.floor = 0.02;
    o.ceiling = 0.8;
    o.seed = 5;
    o.voltages = {1.0, 1.2, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0, 2.1, 2.2, 2.4, 2.6};
    const auto d = simulateBinaryDevice(o);
    SigmoidFitOptions fo;
    fo.form = SigmoidForm::FourParameter;
    const auto fit = fitSigmoid(d.binary.counts, true, fo);
    ASSERT_EQ(fit.parameters.size(), 4u);
    for (auto [i, truth] : {std::pair{0, 1.8}, {1, 0.1}, {2, 0.02}, {3, 0.8}})
        EXPECT_NEAR(fit.parameters[i].value, truth, 4 * fit.parameters[i].standardError)
            << fit.parameters[i].name;
    // The 2-parameter form is clearly worse here (AIC).
    const auto two = fitSigmoid(d.binary.counts, true);
    EXPECT_LT(fit.aic, two.aic - 10);
}

TEST(SigmoidFit, LeastSquaresFallbackWithoutTrialCounts)
{
    std::vector<VoltageCounts> c;
    for (int i = 0; i <= 10; ++i) {
        const double v = 1.0 + 0.12 * i;
        const double noise = 0.01 * std::sin(7.0 * i);  // deterministic small scatter
        c.push_back({v, 0, 0, std::clamp(stats::logistic((v - 1.8) / 0.1) + noise, 0.0, 1.0)});
    }
    const auto fit = fitSigmoid(c, false);
    EXPECT_EQ(fit.method, FitMethod::LeastSquares);
    ASSERT_FALSE(fit.warnings.empty());
    EXPECT_NE(fit.warnings[0].find("least-squares"), std::string::npos);
    EXPECT_NEAR(fit.v50(), 1.8, 0.01);
    EXPECT_NEAR(fit.width(), 0.1, 0.01);
    EXPECT_GT(fit.parameters[0].standardError, 0);
    EXPECT_TRUE(std::isnan(fit.pearsonPValue));
}

TEST(SigmoidFit, BandContainsTheCurveAndNarrowsWithData)
{
    BinarySimulationOptions o;
    o.seed = 3;
    const auto small = fitSigmoid(simulateBinaryDevice(o).binary.counts, true);
    o.cycles = 500;
    const auto large = fitSigmoid(simulateBinaryDevice(o).binary.counts, true);
    for (double v : {1.5, 1.8, 2.0}) {
        double lo, hi, lo2, hi2;
        small.band(v, 0.95, lo, hi);
        large.band(v, 0.95, lo2, hi2);
        EXPECT_LT(lo, small.probability(v));
        EXPECT_GT(hi, small.probability(v));
        EXPECT_LT(hi2 - lo2, hi - lo);
    }
}

TEST(SigmoidFit, UnidentifiableDataGiveClearErrors)
{
    const std::vector<VoltageCounts> separated = {
        {1.0, 0, 100, 0}, {1.5, 0, 100, 0}, {2.0, 10, 10, 1}, {2.5, 10, 10, 1}};
    try {
        fitSigmoid(separated, true);
        FAIL() << "expected FitError";
    } catch (const FitError& e) {
        EXPECT_NE(std::string(e.what()).find("separated"), std::string::npos) << e.what();
    }
    const std::vector<VoltageCounts> zeros = {{1.0, 0, 100, 0}, {1.5, 0, 100, 0}};
    EXPECT_THROW(fitSigmoid(zeros, true), FitError);
    const std::vector<VoltageCounts> single = {{1.5, 5, 100, 0.05}};
    try {
        fitSigmoid(single, true);
        FAIL();
    } catch (const FitError& e) {
        EXPECT_NE(std::string(e.what()).find("at least 2 voltages"), std::string::npos) << e.what();
    }
}

TEST(SigmoidFit, ExclusionsAndRangeAreHonoured)
{
    BinarySimulationOptions o;
    o.seed = 8;
    const auto d = simulateBinaryDevice(o);
    SigmoidFitOptions fo;
    fo.excludeVoltages = {1.0, 1.12};
    fo.voltageMax = 2.1;
    const auto fit = fitSigmoid(d.binary.counts, true, fo);
    EXPECT_EQ(fit.pointsUsed, 11 - 2 - 1);
}

TEST(SigmoidFit, ResidualsAgreeWithTheGoodnessOfFitAndCoverExcludedPoints)
{
    BinarySimulationOptions o;
    o.cycles = 200;
    o.seed = 5;
    const auto d = simulateBinaryDevice(o);
    SigmoidFitOptions fo;
    fo.excludeVoltages = {d.binary.counts[3].voltage};
    const auto fit = fitSigmoid(d.binary.counts, true, fo);
    const auto res = sigmoidResiduals(d.binary.counts, true, fit);
    ASSERT_EQ(res.size(), d.binary.counts.size());
    // The squared Pearson residuals of the points the fit used sum to its Pearson chi^2.
    double chi2 = 0;
    for (std::size_t i = 0; i < res.size(); ++i) {
        const auto& c = d.binary.counts[i];
        EXPECT_NEAR(res[i].expected, fit.probability(c.voltage), 1e-15);
        EXPECT_NEAR(res[i].raw, c.switches / c.trials - res[i].expected, 1e-15);
        if (i != 3) chi2 += res[i].pearson * res[i].pearson;
    }
    EXPECT_NEAR(chi2, fit.pearsonChi2, 1e-9 * fit.pearsonChi2);
    EXPECT_TRUE(std::isfinite(res[3].pearson));  // excluded points still get a residual
    // Without trial counts there is no Pearson residual, only the raw one.
    std::vector<VoltageCounts> p;
    for (const auto& c : d.binary.counts) p.push_back({c.voltage, 0, 0, c.switches / c.trials});
    const auto ls = fitSigmoid(p, false);
    for (const auto& r : sigmoidResiduals(p, false, ls)) {
        EXPECT_TRUE(std::isnan(r.pearson));
        EXPECT_NEAR(r.raw, r.observed - ls.probability(r.voltage), 1e-15);
    }
}

TEST(PulseHistogram, SimulatedSwitchingFollowsTheGeometricLaw)
{
    // Simulated device with p(1.8 V) = 0.5: the pulses-to-switch counts follow
    // N p (1-p)^(k-1); a Pearson chi^2 over k = 1..5 (pooled tail) stays below the
    // 99.99 % quantile of chi^2 with 5 degrees of freedom (25.7).
    BinarySimulationOptions o;
    o.voltages = {1.8};
    o.cycles = 2000;
    o.seed = 3;
    const auto d = simulateBinaryDevice(o);
    const auto h = pulsesToSwitchHistogram(d.binary.events, 1.8, 0.5);
    EXPECT_EQ(h.cycles, 2000);
    double total = h.censored;
    for (double c : h.observed) total += c;
    EXPECT_EQ(total, 2000);
    ASSERT_GE(h.observed.size(), 5u);
    double chi2 = 0, obsTail = h.censored, expTail = 2000;
    for (int k = 0; k < 5; ++k) {
        chi2 += std::pow(h.observed[k] - h.expected[k], 2) / h.expected[k];
        expTail -= h.expected[k];
    }
    for (std::size_t k = 5; k < h.observed.size(); ++k) obsTail += h.observed[k];
    chi2 += std::pow(obsTail - expTail, 2) / expTail;
    EXPECT_LT(chi2, 25.7);
    EXPECT_NEAR(h.expected[0], 1000, 1e-9);
    EXPECT_NEAR(h.expected[1], 500, 1e-9);
    EXPECT_THROW(pulsesToSwitchHistogram(d.binary.events, 2.5, 0.5), Error);
    EXPECT_THROW(pulsesToSwitchHistogram(d.binary.events, 1.8, 1.5), Error);
}

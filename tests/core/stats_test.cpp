#include "dwmtj/stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "dwmtj/device_io.h"
#include "dwmtj/estimate.h"

using namespace dwmtj::core;

TEST(Stats, NormalQuantileKnownValues)
{
    EXPECT_NEAR(stats::normalQuantile(0.975), 1.959963984540054, 1e-12);
    EXPECT_NEAR(stats::normalQuantile(0.5), 0.0, 1e-14);
    EXPECT_NEAR(stats::normalQuantile(1e-6), -4.753424308822899, 1e-9);
}

TEST(Stats, QuantileInterpolatesOrderStatistics)
{
    // R: quantile(c(3, 1, 4, 1, 5), c(0, 0.25, 0.5, 0.9, 1)) = 1, 1, 3, 4.6, 5 (type 7).
    const std::vector<double> v{3, 1, 4, 1, 5};
    EXPECT_DOUBLE_EQ(stats::quantile(v, 0), 1);
    EXPECT_DOUBLE_EQ(stats::quantile(v, 0.25), 1);
    EXPECT_DOUBLE_EQ(stats::quantile(v, 0.5), 3);
    EXPECT_NEAR(stats::quantile(v, 0.9), 4.6, 1e-12);
    EXPECT_DOUBLE_EQ(stats::quantile(v, 1), 5);
    EXPECT_DOUBLE_EQ(stats::quantile({2.5}, 0.3), 2.5);
    EXPECT_TRUE(std::isnan(stats::quantile({}, 0.5)));
    EXPECT_TRUE(std::isnan(stats::quantile(v, 1.5)));
}

TEST(Stats, ChiSquareSurvivalKnownValues)
{
    // Reference values from tables: P(chi2_1 > 3.841459) = 0.05, P(chi2_9 > 16.91898) = 0.05.
    EXPECT_NEAR(stats::chiSquareSurvival(3.841458820694124, 1), 0.05, 1e-9);
    EXPECT_NEAR(stats::chiSquareSurvival(16.918977604620448, 9), 0.05, 1e-9);
    EXPECT_NEAR(stats::chiSquareSurvival(2.0, 2), std::exp(-1.0), 1e-12);  // chi2_2 is exponential
}

TEST(Stats, StudentTQuantileKnownValues)
{
    EXPECT_NEAR(stats::studentTQuantile(0.975, 9), 2.262157162798205, 1e-7);
    EXPECT_NEAR(stats::studentTQuantile(0.975, 1), 12.706204736174698, 1e-5);
}

TEST(Stats, WilsonIntervalMatchesClosedForm)
{
    // s = 5, n = 20, z = 1.96: centre (0.25 + z^2/40)/(1 + z^2/20), computed by hand.
    double lo, hi;
    wilsonInterval(5, 20, 0.95, lo, hi);
    const double z = 1.959963984540054, n = 20, p = 0.25;
    const double c = (p + z * z / (2 * n)) / (1 + z * z / n);
    const double h = z / (1 + z * z / n) * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    EXPECT_NEAR(lo, c - h, 1e-12);
    EXPECT_NEAR(hi, c + h, 1e-12);
    EXPECT_NEAR(lo, 0.1118610, 1e-6);  // published value for 5/20
    wilsonInterval(0, 15, 0.95, lo, hi);
    EXPECT_EQ(lo, 0.0);
    EXPECT_GT(hi, 0.0);
}

TEST(Sha256, KnownVectors)
{
    EXPECT_EQ(sha256("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256(std::string(1000, 'a')).substr(0, 16), "41edece42d63e8d9");
}

TEST(Stats, WelchTTestClosedFormAndCalibration)
{
    // Closed form: a = 1..5, b = 2,4,..,10: t = -3 / sqrt(0.5 + 2), Welch df = 6.25 / 1.0625.
    const auto w = stats::welchTTest({1, 2, 3, 4, 5}, {2, 4, 6, 8, 10});
    ASSERT_TRUE(w.valid);
    EXPECT_NEAR(w.t, -3 / std::sqrt(2.5), 1e-12);
    EXPECT_NEAR(w.df, 6.25 / 1.0625, 1e-12);
    EXPECT_NEAR(w.p, 2 * stats::studentTCdf(-3 / std::sqrt(2.5), 6.25 / 1.0625), 1e-12);
    EXPECT_GT(w.p, 0.05);
    EXPECT_FALSE(stats::welchTTest({1}, {2, 3}).valid);
    EXPECT_FALSE(stats::welchTTest({1, 1}, {2, 2}).valid);
    // Calibration under the null (5 vs 5 values, unequal variances): about 5 % of p < 0.05
    // (4000 repetitions: binomial s.e. 0.34 %, tolerance 3 s.e.); power against a 3-sd shift.
    std::mt19937_64 rng(42);
    std::normal_distribution<double> n01;
    int rejectNull = 0, rejectShift = 0;
    const int reps = 4000;
    for (int r = 0; r < reps; ++r) {
        std::vector<double> a, b, c;
        for (int i = 0; i < 5; ++i) {
            a.push_back(n01(rng));
            b.push_back(3 * n01(rng));
            c.push_back(3 + n01(rng));
        }
        rejectNull += stats::welchTTest(a, b).p < 0.05;
        rejectShift += stats::welchTTest(c, a).p < 0.05;
    }
    EXPECT_NEAR(double(rejectNull) / reps, 0.05, 0.0103);
    EXPECT_GT(double(rejectShift) / reps, 0.9);
}

TEST(Stats, OneSampleTTestClosedFormAndCalibration)
{
    const auto s = stats::summarize({11, 12, 13});
    EXPECT_NEAR(s.mean, 12, 1e-12);
    EXPECT_NEAR(s.sd, 1, 1e-12);
    const auto t = stats::oneSampleTTest({11, 12, 13}, 10, stats::Alternative::Greater);
    ASSERT_TRUE(t.valid);
    EXPECT_NEAR(t.t, 2 * std::sqrt(3.0), 1e-12);
    EXPECT_EQ(t.df, 2);
    EXPECT_NEAR(t.p, stats::studentTCdf(-2 * std::sqrt(3.0), 2), 1e-12);
    EXPECT_NEAR(stats::oneSampleTTest({11, 12, 13}, 10, stats::Alternative::TwoSided).p, 2 * t.p,
                1e-12);
    std::mt19937_64 rng(7);
    std::normal_distribution<double> n01;
    int reject = 0;
    const int reps = 4000;
    for (int r = 0; r < reps; ++r) {
        std::vector<double> a;
        for (int i = 0; i < 4; ++i) a.push_back(10 + n01(rng));
        reject += stats::oneSampleTTest(a, 10, stats::Alternative::Greater).p < 0.05;
    }
    EXPECT_NEAR(double(reject) / reps, 0.05, 0.0103);
}

TEST(Stats, UpperTailsAreComputedDirectly)
{
    // P(chi2_1 > 80) = erfc(sqrt(40)) = 3.7e-19: 1 - P would give 0.
    EXPECT_NEAR(stats::chiSquareSurvival(80, 1) / std::erfc(std::sqrt(40.0)), 1.0, 1e-9);
    EXPECT_NEAR(stats::chiSquareSurvival(80, 1), 3.7e-19, 0.05e-19);
    // chi2_2 survival is exp(-x/2) exactly, far into the tail.
    EXPECT_NEAR(stats::chiSquareSurvival(200, 2) / std::exp(-100.0), 1.0, 1e-9);
    EXPECT_NEAR(stats::regularizedGammaP(3, 2) + stats::regularizedGammaQ(3, 2), 1.0, 1e-15);
    // Student t: P(T_1 > t) = 1/2 - atan(t)/pi, far into the tail.
    EXPECT_NEAR(stats::studentTSurvival(1e6, 1) / (0.5 - std::atan(1e6) / M_PI), 1.0, 1e-6);
    EXPECT_GT(stats::studentTSurvival(60, 10), 0);
    EXPECT_NEAR(stats::studentTSurvival(-2, 5) + stats::studentTSurvival(2, 5), 1.0, 1e-14);
}

TEST(Stats, StudentQuantilesHoldForEveryDf)
{
    // df = 1 is Cauchy: tan(pi (p - 1/2)), including p beyond the old +-1000 bracket.
    for (double p : {0.6, 0.975, 0.9995, 0.99999, 1e-5})
        EXPECT_NEAR(stats::studentTQuantile(p, 1), std::tan(M_PI * (p - 0.5)),
                    1e-9 * std::fabs(std::tan(M_PI * (p - 0.5))) + 1e-12)
            << p;
    // df = 2 closed form, and a round trip for others.
    EXPECT_NEAR(stats::studentTQuantile(0.975, 2), 4.302652729911275, 1e-9);
    for (double df : {3.0, 4.5, 30.0})
        for (double p : {0.001, 0.3, 0.95, 0.99995}) {
            const double q = stats::studentTQuantile(p, df);
            const double tail =
                p > 0.5 ? stats::studentTSurvival(q, df) : stats::studentTSurvival(-q, df);
            EXPECT_NEAR(tail / (p > 0.5 ? 1 - p : p), 1.0, 1e-8) << df << " " << p;
        }
}

TEST(Stats, OneSidedTestsPointTheRightWay)
{
    const std::vector<double> a = {9.0, 9.5, 10.2, 9.8, 9.1};
    const auto less = stats::oneSampleTTest(a, 12, stats::Alternative::Less);
    const auto greater = stats::oneSampleTTest(a, 12, stats::Alternative::Greater);
    EXPECT_LT(less.p, 0.001);
    EXPECT_GT(greater.p, 0.999);
    EXPECT_NEAR(less.p + greater.p, 1.0, 1e-12);
}

TEST(Stats, NonInferiorityTestIsCalibratedAtTheMargin)
{
    // One-sided at alpha 0.05: with a exactly `margin` below b, non-inferiority is "shown" in
    // about 5 % of samples (2000 draws: at most 6 % with Monte Carlo slack); with a equal to
    // b, or far above it, almost always (n = 10 per group, sd 0.5, margin 1).
    std::mt19937_64 rng(11);
    std::normal_distribution<double> z(0, 0.5);
    int atMargin = 0, equal = 0, above = 0;
    for (int r = 0; r < 2000; ++r) {
        std::vector<double> a, b, c, d;
        for (int i = 0; i < 10; ++i)
            a.push_back(80 + z(rng)), b.push_back(81 + z(rng)), c.push_back(80 + z(rng)),
                d.push_back(85 + z(rng));
        atMargin += stats::nonInferiorityTest(a, b, 1.0).p < 0.05;
        equal += stats::nonInferiorityTest(a, c, 1.0).p < 0.05;
        above += stats::nonInferiorityTest(d, c, 1.0).p < 0.05;
    }
    EXPECT_GE(atMargin, 60);  // calibrated, not conservative to the point of uselessness
    EXPECT_LE(atMargin, 120);
    EXPECT_GE(equal, 1900);
    EXPECT_EQ(above, 2000);
    EXPECT_FALSE(stats::nonInferiorityTest({1}, {2, 3}, 1).valid);
}

TEST(Stats, EquivalenceTestIsCalibratedAtTheMargin)
{
    // TOST at alpha 0.05: with the true difference exactly at the margin equivalence is
    // "shown" in at most 5 % of samples (+ Monte Carlo slack: 2000 draws, sd 0.5 points);
    // with equal means and n = 10 per group (sd 0.5, margin 1) it is shown almost always.
    std::mt19937_64 rng(7);
    std::normal_distribution<double> z(0, 0.5);
    int atMargin = 0, equal = 0;
    for (int r = 0; r < 2000; ++r) {
        std::vector<double> a, b, c;
        for (int i = 0; i < 10; ++i)
            a.push_back(80 + z(rng)), b.push_back(81 + z(rng)), c.push_back(80 + z(rng));
        atMargin += stats::equivalenceTest(a, b, 1.0).p < 0.05;
        equal += stats::equivalenceTest(a, c, 1.0).p < 0.05;
    }
    EXPECT_LE(atMargin, 120);
    EXPECT_GE(equal, 1900);
    EXPECT_FALSE(stats::equivalenceTest({1}, {2, 3}, 1).valid);
}

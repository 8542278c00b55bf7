#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "dwmtj/device_io.h"
#include "dwmtj/estimate.h"
#include "dwmtj/stats.h"

using namespace dwmtj::core;

TEST(Stats, NormalQuantileKnownValues)
{
    EXPECT_NEAR(stats::normalQuantile(0.975), 1.959963984540054, 1e-12);
    EXPECT_NEAR(stats::normalQuantile(0.5), 0.0, 1e-14);
    EXPECT_NEAR(stats::normalQuantile(1e-6), -4.753424308822899, 1e-9);
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
    const auto t = stats::oneSampleTTest({11, 12, 13}, 10, true);
    ASSERT_TRUE(t.valid);
    EXPECT_NEAR(t.t, 2 * std::sqrt(3.0), 1e-12);
    EXPECT_EQ(t.df, 2);
    EXPECT_NEAR(t.p, stats::studentTCdf(-2 * std::sqrt(3.0), 2), 1e-12);
    EXPECT_NEAR(stats::oneSampleTTest({11, 12, 13}, 10, false).p, 2 * t.p, 1e-12);
    std::mt19937_64 rng(7);
    std::normal_distribution<double> n01;
    int reject = 0;
    const int reps = 4000;
    for (int r = 0; r < reps; ++r) {
        std::vector<double> a;
        for (int i = 0; i < 4; ++i) a.push_back(10 + n01(rng));
        reject += stats::oneSampleTTest(a, 10, true).p < 0.05;
    }
    EXPECT_NEAR(double(reject) / reps, 0.05, 0.0103);
}

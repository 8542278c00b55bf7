#include <gtest/gtest.h>

#include <cmath>

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

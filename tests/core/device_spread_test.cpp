// Device-to-device spread from per-device fits (dwmtj/device_spread.h), against simulated
// devices with known spread: the corrected sd recovers the truth (no bias over repetitions),
// identical devices give a spread near zero though each fit has its own error, mixed kinds
// and failed files are handled, and the settings follow.
#include "dwmtj/device_spread.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>

#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "dwmtj/simulate.h"
#include "dwmtj/stats.h"

using namespace dwmtj::core;

namespace {

/// `n` binary devices, V50 ~ N(1.8, v50Sd), w = 0.1 (1 + N(0, wSdRel)), 15 cycles each.
std::vector<DeviceFitSummary> binaryDevices(int n, double v50Sd, double wSdRel, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> z;
    std::vector<DeviceFitSummary> out;
    for (int i = 0; i < n; ++i) {
        BinarySimulationOptions o;
        o.v50 = 1.8 + v50Sd * z(rng);
        o.widthV = 0.1 * (1 + wSdRel * z(rng));
        o.seed = seed * 1000 + uint64_t(i) + 1;
        out.push_back(fitDevice(simulateBinaryDevice(o)));
    }
    return out;
}

}  // namespace

TEST(DeviceSpread, CorrectedSpreadRecoversTheTruthWithoutBias)
{
    // 20 labs of 40 devices each: the corrected threshold sd averages to the true 50 mV
    // (within 10 %), although every fit has a standard error of about 20 mV; the observed sd
    // is larger than the truth by that error.
    std::vector<double> v50, v50Obs, w;
    for (uint64_t lab = 1; lab <= 20; ++lab) {
        const DeviceSpread s = deviceSpread(binaryDevices(40, 0.05, 0.2, lab));
        ASSERT_EQ(s.devices, 40);
        v50.push_back(s.thresholdSd);
        v50Obs.push_back(s.thresholdSdObserved);
        w.push_back(s.widthSdRel);
        EXPECT_GT(s.meanThresholdSe, 0.01);
        EXPECT_NEAR(s.thresholdMean.at(0), 1.8, 0.05);
    }
    const auto a = stats::summarize(v50), b = stats::summarize(v50Obs), c = stats::summarize(w);
    std::printf("corrected V50 sd %.4f +/- %.4f V, observed %.4f; width sd %.3f +/- %.3f\n", a.mean,
                a.sd, b.mean, c.mean, c.sd);
    EXPECT_NEAR(a.mean, 0.05, 0.005);
    EXPECT_GT(b.mean, a.mean);
    EXPECT_NEAR(c.mean, 0.2, 0.03);
    // One lab: the settings are the corrected spreads.
    const DeviceSpread one = deviceSpread(binaryDevices(40, 0.05, 0.2, 1));
    const VariabilitySettings v = variabilityFromSpread(one);
    EXPECT_EQ(v.v50Sd, one.thresholdSd);
    EXPECT_EQ(v.widthSdRel, one.widthSdRel);
    EXPECT_EQ(v.c2cSd, 0);
    EXPECT_EQ(v.stuckOff + v.stuckOn, 0);
}

TEST(DeviceSpread, IdenticalDevicesHaveNoSpreadBeyondTheirFitErrors)
{
    const DeviceSpread s = deviceSpread(binaryDevices(40, 0, 0, 7));
    std::printf("identical devices: observed %.4f V, corrected %.4f V, fit se %.4f V\n",
                s.thresholdSdObserved, s.thresholdSd, s.meanThresholdSe);
    EXPECT_GT(s.thresholdSdObserved, 0.01);  // each fit's own error
    EXPECT_LT(s.thresholdSd, 0.5 * s.thresholdSdObserved);
}

TEST(DeviceSpread, MultiWeightFilesFailuresAndMixedKinds)
{
    const auto dir = std::filesystem::temp_directory_path() / "dwmtj-device-spread-test";
    std::filesystem::create_directories(dir);
    std::vector<DeviceFitSummary> fits;
    std::mt19937_64 rng(3);
    std::normal_distribution<double> z;
    for (int i = 0; i < 12; ++i) {
        MultiStateSimulationOptions o;
        const double shift = 0.1 * z(rng);  // one shift per device, on every notch
        for (auto& t : o.thresholdsV) t += shift;
        o.seed = uint64_t(i) + 1;
        o.cycles = 30;
        const std::string path = (dir / ("ms-" + std::to_string(i) + ".h5")).string();
        saveDeviceHdf5(simulateMultiStateDevice(o), path);
        fits.push_back(fitDeviceFile(path));
        ASSERT_TRUE(fits.back().ok()) << fits.back().error;
        EXPECT_EQ(fits.back().thresholds.size(), 4u);
    }
    const DeviceSpread s = deviceSpread(fits);
    EXPECT_EQ(s.kind, DeviceKind::MultiState);
    EXPECT_EQ(s.thresholdMean.size(), 4u);
    EXPECT_GT(s.thresholdSd, 0.05);
    EXPECT_LT(s.thresholdSd, 0.2);
    // A file that cannot be read is reported and left out of the spread.
    const std::string bad = (dir / "broken.csv").string();
    {
        std::FILE* f = std::fopen(bad.c_str(), "w");
        std::fputs("voltage,pink\n1,x\n", f);
        std::fclose(f);
    }
    fits.push_back(fitDeviceFile(bad));
    EXPECT_FALSE(fits.back().ok());
    EXPECT_NE(fits.back().error.find("broken.csv"), std::string::npos) << fits.back().error;
    EXPECT_EQ(deviceSpread(fits).devices, 12);
    // Mixed kinds, or fewer than two devices, are refused.
    fits.push_back(binaryDevices(1, 0, 0, 1)[0]);
    EXPECT_THROW(deviceSpread(fits), OptionsError);
    EXPECT_THROW(deviceSpread({fits[0]}), OptionsError);
}

#include "dwmtj/energy.h"

#include <gtest/gtest.h>

#include "dwmtj/error.h"

using namespace dwmtj::core;

TEST(Energy, PaperValuesGive44point9PicojouleWithinOnePercent)
{
    const EnergyParameters p;  // defaults are the paper's: 1.8 V, 1029 / 365 ohm, 30 + 10 ns
    const auto e = sampleEnergy(p);
    EXPECT_NEAR(e.energyJ * 1e12, 44.9, 0.449);
    // Hand computation: (1.8 * 365/1029)^2 / 365 * 40e-9 J.
    const double v = 1.8 * 365.0 / 1029.0;
    EXPECT_NEAR(e.energyJ, v * v / 365.0 * 40e-9, 1e-20);
    EXPECT_NEAR(e.trackVoltageV, 0.64, 0.005);  // "0.64 V is dissipated across the DW track"
}

TEST(Energy, ScalesWithVoltageSquaredAndTime)
{
    EnergyParameters p;
    const double e1 = sampleEnergy(p).energyJ;
    EXPECT_NEAR(sampleEnergyAt(p, 3.6), 4 * e1, 1e-18);
    p.pulseWidthNs = 70;  // t_eff 80 ns
    EXPECT_NEAR(sampleEnergy(p).energyJ, 2 * e1, 1e-18);
}

TEST(Energy, InvalidParametersThrow)
{
    EnergyParameters p;
    p.fourPointResistanceOhm = 2000;  // R4 > R2 is unphysical
    EXPECT_THROW(sampleEnergy(p), OptionsError);
    p = {};
    p.pulseWidthNs = 0;
    EXPECT_THROW(sampleEnergy(p), OptionsError);
}

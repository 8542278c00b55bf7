// Characterization uncertainty (bootstrapLuts, docs/models.md "Uncertainty of the measured
// curve"), against simulated devices with known truth: the spread of the resampled LUTs
// shrinks like 1 / sqrt(cycles), matches the fit's standard error, and is centred on the
// nominal fit; the resamples are reproducible and keep the nominal grid.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "dwmtj/error.h"
#include "dwmtj/lut.h"
#include "dwmtj/simulate.h"
#include "dwmtj/stats.h"

using namespace dwmtj::core;

namespace {

/// Where curve c of the LUT crosses 1/2 (linear between grid points) [V].
double crossing(const Lut& l, int c)
{
    const auto& p = l.curves[size_t(c)];
    for (size_t i = 1; i < p.size(); ++i)
        if (p[i] >= 0.5 && p[i - 1] < 0.5)
            return l.voltage[i - 1] +
                   (0.5 - p[i - 1]) / (p[i] - p[i - 1]) * (l.voltage[i] - l.voltage[i - 1]);
    return std::nan("");
}

std::vector<double> crossings(const std::vector<Lut>& luts, int c)
{
    std::vector<double> v;
    for (const auto& l : luts) v.push_back(crossing(l, c));
    return v;
}

DeviceData binaryDevice(int cycles, uint64_t seed)
{
    BinarySimulationOptions o;  // truth: V50 1.8 V, w 0.1 V, 11 voltages 1.0..2.2 V
    o.cycles = cycles;
    o.seed = seed;
    return simulateBinaryDevice(o);
}

Lut fittedLut(const DeviceData& d, SigmoidFit& fit)
{
    fit = fitSigmoid(d.binary.counts, d.binary.trialsKnown);
    return buildBinaryLut(d, &fit, LutOptions{});
}

}  // namespace

TEST(Bootstrap, BinarySpreadShrinksWithCyclesAndMatchesTheFitsStandardError)
{
    double sdFew = 0, sdMany = 0;
    for (const int cycles : {15, 150}) {
        const DeviceData d = binaryDevice(cycles, 11);
        SigmoidFit fit;
        const Lut nominal = fittedLut(d, fit);
        int failures = -1;
        const auto luts = bootstrapLuts(d, nominal, 300, 5, &failures);
        ASSERT_EQ(luts.size(), 300u);
        EXPECT_EQ(failures, 0);
        EXPECT_EQ(luts[7].voltage, nominal.voltage) << "the nominal grid";
        const auto s = stats::summarize(crossings(luts, 0));
        const double se = fit.parameters.at(0).standardError;
        // The bootstrap sd of V50 estimates the fit's standard error: with 300 resamples its
        // own relative error is about 1 / sqrt(2 * 299) = 4 %; 25 % allows for the
        // asymptotics of 15 cycles per voltage.
        EXPECT_NEAR(s.sd, se, 0.25 * se) << cycles << " cycles";
        // Centred on the nominal fit (bias well inside one bootstrap sd).
        EXPECT_NEAR(s.mean, fit.v50(), 0.3 * s.sd) << cycles << " cycles";
        std::printf("binary, %d cycles: bootstrap V50 %.5f +/- %.5f V, fit %.5f +/- %.5f V\n",
                    cycles, s.mean, s.sd, fit.v50(), se);
        (cycles == 15 ? sdFew : sdMany) = s.sd;
    }
    // Ten times the cycles: the spread shrinks by about sqrt(10) = 3.16.
    EXPECT_GT(sdFew / sdMany, 2.3);
    EXPECT_LT(sdFew / sdMany, 4.3);
}

TEST(Bootstrap, CountsOnlyResampleTheTrialsAndEmpiricalLutsToo)
{
    DeviceData d = binaryDevice(40, 3);
    d.binary.events.clear();  // counts only: the trials are resampled as Bernoulli draws
    d.binary.traces.clear();
    SigmoidFit fit;
    const Lut nominal = fittedLut(d, fit);
    const auto luts = bootstrapLuts(d, nominal, 200, 1);
    const auto s = stats::summarize(crossings(luts, 0));
    EXPECT_NEAR(s.sd, fit.parameters[0].standardError, 0.25 * fit.parameters[0].standardError);
    std::printf("binary counts only, 40 cycles: bootstrap V50 sd %.5f V, fit se %.5f V\n", s.sd,
                fit.parameters[0].standardError);
    // An empirical LUT is resampled as an empirical LUT on the same grid.
    LutOptions eo;
    eo.source = LutSource::Empirical;
    const Lut empirical = buildBinaryLut(d, nullptr, eo);
    const auto e = bootstrapLuts(d, empirical, 50, 1);
    EXPECT_EQ(e[0].provenance.at("method"), "empirical");
    EXPECT_EQ(e[0].voltage, empirical.voltage);
    EXPECT_GT(stats::summarize(crossings(e, 0)).sd, 0);
    // Reproducible: the same seed gives the same LUTs, another seed others.
    EXPECT_EQ(bootstrapLuts(d, nominal, 3, 1)[2].curves, luts[2].curves);
    EXPECT_NE(bootstrapLuts(d, nominal, 3, 2)[2].curves, luts[2].curves);
    // Probabilities without trial counts leave nothing to resample.
    d.binary.trialsKnown = false;
    EXPECT_THROW(bootstrapLuts(d, nominal, 10, 1), OptionsError);
}

TEST(Bootstrap, MultiStateSpreadShrinksWithCycles)
{
    double sd[2] = {0, 0};
    for (int k = 0; k < 2; ++k) {
        MultiStateSimulationOptions o;  // truth: thresholds 1.6, 2.5, 3.4, 4.3 V
        o.cycles = k == 0 ? 10 : 100;
        o.seed = 9;
        const DeviceData d = simulateMultiStateDevice(o);
        const OrdinalFit fit = fitOrdinal(d.multi);
        const Lut nominal = buildMultiStateLut(d, &fit, LutOptions{});
        EXPECT_EQ(nominal.provenance.at("fit_common_width"), "no");
        int failures = 0;
        const auto luts = bootstrapLuts(d, nominal, 200, 4, &failures);
        EXPECT_LT(failures, 20) << o.cycles << " cycles";
        EXPECT_EQ(luts[0].numStates, 5);
        const auto s = stats::summarize(crossings(luts, 1));  // P(state >= 3) = 1/2 at V_3
        EXPECT_NEAR(s.sd, fit.thresholds[1].standardError, 0.3 * fit.thresholds[1].standardError)
            << o.cycles << " cycles";
        std::printf("multi-weight, %d cycles: bootstrap V_3 sd %.5f V, fit se %.5f V, %d failed\n",
                    o.cycles, s.sd, fit.thresholds[1].standardError, failures);
        sd[k] = s.sd;
    }
    EXPECT_GT(sd[0] / sd[1], 2.2);
    EXPECT_LT(sd[0] / sd[1], 4.5);
}

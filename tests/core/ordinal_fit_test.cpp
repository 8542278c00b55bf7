#include "dwmtj/ordinal_fit.h"

#include <gtest/gtest.h>

#include "dwmtj/error.h"
#include "dwmtj/simulate.h"

using namespace dwmtj::core;

TEST(OrdinalFit, RecoversGroundTruthOfLargeSimulation)
{
    MultiStateSimulationOptions o;
    o.cycles = 400;
    o.seed = 21;
    const auto d = simulateMultiStateDevice(o);
    const auto fit = fitOrdinal(d.multi);
    ASSERT_EQ(fit.numStates, 5);
    for (std::size_t i = 0; i < 4; ++i) {
        // 4 standard errors: a false failure is below 1e-4 per parameter.
        EXPECT_NEAR(fit.thresholds[i].value, o.thresholdsV[i], 4 * fit.thresholds[i].standardError)
            << i;
        EXPECT_NEAR(fit.widths[i].value, o.widthsV[i], 4 * fit.widths[i].standardError) << i;
        EXPECT_LT(fit.thresholds[i].standardError, 0.05);
    }
    EXPECT_GT(fit.pearsonPValue, 1e-4);
}

TEST(OrdinalFit, StateProbabilitiesFormADistribution)
{
    MultiStateSimulationOptions o;
    o.seed = 4;
    const auto fit = fitOrdinal(simulateMultiStateDevice(o).multi);
    std::vector<double> volts;
    for (double v = -1; v <= 7; v += 0.1) volts.push_back(v);
    for (const auto& row : stateProbabilityTable(fit, volts)) {
        double sum = 0;
        for (double p : row) {
            EXPECT_GE(p, 0.0);
            sum += p;
        }
        EXPECT_NEAR(sum, 1.0, 1e-12);
    }
    EXPECT_NEAR(fit.stateProbability(1, -1.0), 1.0, 1e-3);
    EXPECT_NEAR(fit.stateProbability(5, 7.0), 1.0, 1e-3);
}

TEST(OrdinalFit, ThresholdIntervalsCoverTheTruth)
{
    // 150 repetitions x 4 thresholds = 600 intervals at the paper's design (10 cycles).
    // s.d. of the coverage at 0.95 is 0.009; accept 0.95 +/- 0.035 (small-sample bias of
    // the asymptotic intervals included).
    int covered = 0, total = 0;
    for (int r = 0; r < 150; ++r) {
        MultiStateSimulationOptions o;
        o.seed = 500 + std::uint64_t(r);
        const auto fit = fitOrdinal(simulateMultiStateDevice(o).multi);
        for (std::size_t i = 0; i < 4; ++i) {
            covered += fit.thresholds[i].lower <= o.thresholdsV[i] &&
                       o.thresholdsV[i] <= fit.thresholds[i].upper;
            ++total;
        }
    }
    EXPECT_NEAR(covered / double(total), 0.95, 0.035) << covered << "/" << total;
}

TEST(OrdinalFit, NeverObservedStateIsAClearError)
{
    MultiStateDeviceData d;
    d.numStates = 4;
    // States 1..3 overlap between voltages (identifiable), state 4 never occurs.
    const std::vector<std::pair<double, std::vector<int>>> rows = {
        {1.0, {1, 1, 1, 2, 2}}, {2.0, {1, 2, 2, 3, 3}}, {3.0, {2, 3, 3, 3, 3}}};
    for (const auto& [v, states] : rows)
        for (std::size_t c = 0; c < states.size(); ++c)
            d.observations.push_back({v, int(c) + 1, states[c]});
    aggregateStates(d);
    d.numStates = 4;
    for (auto& row : d.stateCounts) row.resize(4, 0.0);
    try {
        fitOrdinal(d);
        FAIL() << "expected FitError";
    } catch (const FitError& e) {
        EXPECT_NE(std::string(e.what()).find("S4"), std::string::npos) << e.what();
    }
}

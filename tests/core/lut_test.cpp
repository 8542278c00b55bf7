#include "dwmtj/lut.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "dwmtj/simulate.h"
#include "test_paths.h"

using namespace dwmtj::core;

namespace {
DeviceData binaryData()
{
    BinarySimulationOptions o;
    o.seed = 77;
    auto d = simulateBinaryDevice(o);
    d.sourceSha256 = sha256("example");
    return d;
}
}  // namespace

TEST(Lut, IsotonicRegressionPoolsViolators)
{
    const auto y = isotonicRegression({1, 3, 2, 4}, {1, 1, 1, 1});
    EXPECT_EQ(y, (std::vector<double>{1, 2.5, 2.5, 4}));
    const auto w = isotonicRegression({1, 3, 2, 4}, {1, 3, 1, 1});  // weighted mean (9+2)/4
    EXPECT_DOUBLE_EQ(w[1], 2.75);
}

TEST(Lut, PchipIsExactOnLinesAndMonotone)
{
    const std::vector<double> x = {0, 1, 2, 4}, line = {1, 3, 5, 9}, step = {0, 0, 1, 1};
    double v, d;
    pchip(x, line, 2.7, v, d);
    EXPECT_NEAR(v, 6.4, 1e-12);
    EXPECT_NEAR(d, 2.0, 1e-12);
    double prev = -1;
    for (double q = 0; q <= 4; q += 0.01) {
        pchip(x, step, q, v, d);
        EXPECT_GE(v, prev - 1e-15);
        EXPECT_GE(d, -1e-12);
        EXPECT_LE(v, 1 + 1e-12);
        prev = v;
    }
}

TEST(Lut, BinaryFromFitMatchesTheFitAndItsDerivative)
{
    const auto d = binaryData();
    const auto fit = fitSigmoid(d.binary.counts, true);
    LutOptions o;
    o.size = 1024;
    const auto lut = buildBinaryLut(d, &fit, o);
    ASSERT_EQ(lut.voltage.size(), 1024u);
    EXPECT_LE(lut.vMin(), fit.v50() - 6 * fit.width() + 1e-12);
    EXPECT_GE(lut.vMax(), 2.2);
    // Linear interpolation error on a 1024-point grid: below 1e-4 (grid step ~1.2 mV).
    for (double v = lut.vMin(); v <= lut.vMax(); v += 0.0137) {
        EXPECT_NEAR(lut.value(0, v), fit.probability(v), 1e-4);
        const double h = 1e-5, fd = (fit.probability(v + h) - fit.probability(v - h)) / (2 * h);
        EXPECT_NEAR(lut.derivative(0, v), fd, 1e-3 * (1 + std::fabs(fd)));
    }
    EXPECT_EQ(lut.value(0, -100), lut.curves[0].front());  // clamped
    EXPECT_NEAR(lut.centreVoltage, fit.v50(), 1e-12);
    EXPECT_NEAR(lut.gainVolts, 2 * fit.width(), 1e-12);
    EXPECT_EQ(lut.provenance.at("method"), "fit");
    EXPECT_EQ(lut.provenance.at("source_sha256"), sha256("example"));
}

TEST(Lut, EmpiricalIsMonotoneThroughThePoints)
{
    const auto d = binaryData();
    LutOptions o;
    o.source = LutSource::Empirical;
    o.size = 500;
    const auto lut = buildBinaryLut(d, nullptr, o);
    EXPECT_NEAR(lut.vMin(), 1.0, 1e-12);
    EXPECT_NEAR(lut.vMax(), 2.2, 1e-12);
    for (std::size_t i = 1; i < lut.voltage.size(); ++i) {
        EXPECT_GE(lut.curves[0][i], lut.curves[0][i - 1] - 1e-12);
        EXPECT_GE(lut.derivatives[0][i], -1e-9);
    }
    EXPECT_GT(lut.centreVoltage, 1.6);
    EXPECT_LT(lut.centreVoltage, 2.0);
}

TEST(Lut, MultiStateCurvesAreOrdered)
{
    MultiStateSimulationOptions so;
    so.seed = 9;
    const auto d = simulateMultiStateDevice(so);
    const auto fit = fitOrdinal(d.multi);
    for (auto src : {LutSource::Fit, LutSource::Empirical}) {
        LutOptions o;
        o.source = src;
        const auto lut = buildMultiStateLut(d, &fit, o);
        ASSERT_EQ(lut.curves.size(), 4u);
        for (std::size_t k = 1; k < 4; ++k)
            for (std::size_t i = 0; i < lut.voltage.size(); ++i)
                EXPECT_LE(lut.curves[k][i], lut.curves[k - 1][i] + 1e-12);
        EXPECT_GT(lut.gainVolts, 0);
    }
}

TEST(Lut, SaveAndLoadRoundTripInCsvAndHdf5)
{
    const auto d = binaryData();
    const auto fit = fitSigmoid(d.binary.counts, true);
    LutOptions o;
    o.size = 300;
    o.voltageMin = 1.0;
    o.voltageMax = 2.5;
    const auto lut = buildBinaryLut(d, &fit, o);
    MultiStateSimulationOptions so;
    const auto md = simulateMultiStateDevice(so);
    const auto mfit = fitOrdinal(md.multi);
    const auto mlut = buildMultiStateLut(md, &mfit, LutOptions{});
    for (const auto* l : {&lut, &mlut})
        for (const std::string ext : {".csv", ".h5"}) {
            const auto path = tmpPath("lut" + std::to_string(l->numStates) + ext);
            saveLut(*l, path);
            const auto back = loadLut(path);
            EXPECT_EQ(back.kind, l->kind);
            EXPECT_EQ(back.numStates, l->numStates);
            ASSERT_EQ(back.voltage.size(), l->voltage.size());
            for (std::size_t c = 0; c < l->curves.size(); ++c)
                for (std::size_t i = 0; i < l->voltage.size(); ++i) {
                    EXPECT_NEAR(back.curves[c][i], l->curves[c][i], 1e-15);
                    EXPECT_NEAR(back.derivatives[c][i], l->derivatives[c][i], 1e-12);
                }
            EXPECT_EQ(back.provenance, l->provenance) << path;
            EXPECT_DOUBLE_EQ(back.centreVoltage, l->centreVoltage);
        }
}

TEST(Lut, BadLutFilesAndOptionsAreRejected)
{
    EXPECT_THROW(loadLut(std::string(DWMTJ_DATASETS_DIR) + "/binary-device-counts.csv"),
                 FileFormatError);
    EXPECT_THROW(loadLut(std::string(DWMTJ_TEST_DATA_DIR) + "/bad/truncated.h5"), FileFormatError);
    LutOptions o;
    o.size = 1;
    EXPECT_THROW(o.validate(), OptionsError);
    const auto d = binaryData();
    EXPECT_THROW(buildBinaryLut(d, nullptr, LutOptions{}),
                 OptionsError);  // source fit without a fit
}

TEST(Lut, EmpiricalCrossingIsFoundFromTheFirstGridPoint)
{
    // A curve already at p >= 1/2 at the lowest voltage crosses 1/2 at the grid's start (the
    // old search began at index 1 and reported the second grid voltage); crossings between
    // grid points are interpolated.
    DeviceData d;
    d.kind = DeviceKind::Binary;
    d.binary.trialsKnown = true;
    d.binary.counts = {{1.0, 60, 100, 0.6}, {1.5, 80, 100, 0.8}, {2.0, 95, 100, 0.95}};
    LutOptions o;
    o.source = LutSource::Empirical;
    o.size = 11;
    const auto lut = buildBinaryLut(d, nullptr, o);
    EXPECT_DOUBLE_EQ(lut.centreVoltage, 1.0);
    // p = 0.88 lies between grid points: the crossing is interpolated, not snapped up.
    double expected = 2.0;
    for (std::size_t i = 1; i < lut.voltage.size(); ++i)
        if (lut.curves[0][i] >= 0.88) {
            const double f =
                (0.88 - lut.curves[0][i - 1]) / (lut.curves[0][i] - lut.curves[0][i - 1]);
            expected = lut.voltage[i - 1] + f * (lut.voltage[i] - lut.voltage[i - 1]);
            break;
        }
    EXPECT_NEAR(lut.gainVolts, 0.5 * (expected - 1.0), 1e-12);
}

TEST(Lut, ClippedMultiStateCurvesTakeTheDerivativeOfTheCurveTheyFollow)
{
    // P(>= 2) = 0.1, 0.5, 0.9, 0.95 and P(>= 3) = 0, 0.2, 0.9, 0.92: equal at 2 V, where the
    // monotone cubic of P(>= 3) is flatter, so just below 2 V it runs above P(>= 2) and is
    // clipped. Where a curve is clipped to the one below it, its derivative is that curve's.
    DeviceData d;
    d.kind = DeviceKind::MultiState;
    d.multi.numStates = 3;
    d.multi.voltages = {1.0, 1.5, 2.0, 2.5};
    d.multi.stateCounts = {{90, 10, 0}, {50, 30, 20}, {10, 0, 90}, {5, 3, 92}};
    LutOptions o;
    o.source = LutSource::Empirical;
    o.size = 2000;
    const auto lut = buildMultiStateLut(d, nullptr, o);
    int clipped = 0;
    for (std::size_t i = 0; i < lut.voltage.size(); ++i)
        if (lut.curves[1][i] == lut.curves[0][i] && lut.curves[0][i] < 1) {
            EXPECT_EQ(lut.derivatives[1][i], lut.derivatives[0][i]) << lut.voltage[i];
            ++clipped;
        }
    EXPECT_GT(clipped, 10);
}

// The design study's multi-weight devices (dwmtj/design.h): the notch axes of the design file,
// the synthetic tables on the nominal multi-weight device's operating point, the folder's sweep,
// the looseness order across binary and multi-weight devices, a measured multi-weight table
// placed in the notch parameters, and the result file. Training them is checked by cli.design.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "design_test_util.h"
#include "dwmtj/design.h"
#include "dwmtj/error.h"
#include "test_paths.h"

using namespace dwmtj::core;
using namespace dwmtj::core::design_testing;

namespace {

/// kDesign with the multi-weight axes (and `extra` lines) before its noise grid.
std::string withNotches(const std::string& axes)
{
    std::string text = kDesign;
    text.insert(text.find("sigma = 0, 0.5, 1"), axes);
    return text;
}

Lut bundledMulti() { return loadLut(DWMTJ_DATASETS_DIR "/multistate-lut.csv"); }

double mean(const std::vector<double>& v)
{
    return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

}  // namespace

TEST(DesignMultiWeight, ReadsTheNotchAxesAndRefusesBadOnes)
{
    const std::string text =
        withNotches("notches = 2, 4\nnotch_spacing = 0.5, 1\nnotch_width = 2\n");
    const DesignSpace d = loadDesign(writeFile("mw.ini", text));
    EXPECT_EQ(d.notches, (std::vector<int>{2, 4}));
    EXPECT_EQ(d.notchSpacing, (std::vector<double>{0.5, 1}));
    EXPECT_EQ(d.notchWidth, (std::vector<double>{2}));
    const auto devices = designDevices(d);
    ASSERT_EQ(devices.size(), 6u);  // 2 binary widths, then 2 x 2 x 1 multi-weight devices
    const char* ids[] = {"n2-s0.5-w2", "n2-s1-w2", "n4-s0.5-w2", "n4-s1-w2"};
    for (size_t k = 0; k < 4; ++k) {
        const DesignDevice& dev = devices[k + 2];
        EXPECT_EQ(dev.id, ids[k]);
        EXPECT_EQ(dev.neuron, NeuronKind::MultiState);
        EXPECT_EQ(dev.notches, k < 2 ? 2 : 4);
        EXPECT_DOUBLE_EQ(dev.notchSpacing, k % 2 ? 1 : 0.5);
        EXPECT_DOUBLE_EQ(dev.widthRatio, 2);
    }
    EXPECT_EQ(devices[0].notches, 1);  // a binary device has one threshold
    EXPECT_TRUE(std::isnan(devices[0].notchSpacing));
    auto refused = [&](const std::string& from, const std::string& to, const char* words) {
        expectRefused(text, from, to, words, "mw-bad.ini");
    };
    refused("notches = 2, 4", "notches = 2.5", "whole numbers of notch thresholds");
    refused("notches = 2, 4", "notches = 1", "(1 is the binary device)");
    refused("notches = 2, 4\n", "", "notches (the multi-weight devices) with it");
    refused("notch_spacing = 0.5, 1", "notch_spacing = 0", "values from 0.01");
    // A nominal multi-weight table that is binary is refused when the folder is prepared,
    // naming the design file and the table.
    const std::string binaryAsMulti = writeFile(
        "mw-binary.ini",
        withNotches("notches = 2\nlut_multistate = " DWMTJ_DATASETS_DIR "/binary-lut.csv\n"));
    try {
        prepareDesignFolder(binaryAsMulti, tmpPath("mw-binary-dir"));
        FAIL() << "a binary table was accepted as the nominal multi-weight device";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("mw-binary.ini"), std::string::npos) << m;
        EXPECT_NE(m.find("lut_multistate"), std::string::npos) << m;
        EXPECT_NE(m.find("binary-lut.csv"), std::string::npos) << m;
    }
}

TEST(DesignMultiWeight, TablesPlaceTheNotchesOnTheNominalOperatingPoint)
{
    const Lut nominal = bundledMulti();
    std::vector<double> v0, w0;
    lutNotches(nominal, v0, w0);
    ASSERT_EQ(v0.size(), 4u);  // the bundled device: K = 5, thresholds V_2..V_5
    for (int k = 2; k <= 5; ++k) {
        EXPECT_DOUBLE_EQ(v0[size_t(k - 2)],
                         std::stod(nominal.provenance.at("fit_V_" + std::to_string(k))));
        EXPECT_DOUBLE_EQ(w0[size_t(k - 2)],
                         std::stod(nominal.provenance.at("fit_w_" + std::to_string(k))));
    }
    // Without its fit (an empirical table) each threshold is where its curve crosses 1/2 and
    // its width 1 / (4 slope) there: within 0.5 % of the fit's width.
    Lut bare = nominal;
    bare.provenance.clear();
    std::vector<double> ve, we;
    lutNotches(bare, ve, we);
    for (size_t k = 0; k < 4; ++k) {
        EXPECT_NEAR(ve[k], v0[k], 5e-3 * w0[k]) << k;
        EXPECT_NEAR(we[k], w0[k], 5e-3 * w0[k]) << k;
    }
    const double s0 = (v0.back() - v0.front()) / 3, mid = (v0.front() + v0.back()) / 2;
    // Three notches twice as far apart, half as wide: V_2..V_4 = mid - 2 s0, mid, mid + 2 s0.
    DesignDevice device;
    device.id = "n3-s2-w0.5";
    device.neuron = NeuronKind::MultiState;
    device.notches = 3;
    device.notchSpacing = 2;
    device.widthRatio = 0.5;
    const Lut lut = designLut(nominal, device);
    EXPECT_EQ(lut.kind, DeviceKind::MultiState);
    EXPECT_EQ(lut.numStates, 4);
    ASSERT_EQ(lut.curves.size(), 3u);
    EXPECT_DOUBLE_EQ(lut.centreVoltage, nominal.centreVoltage);  // the circuit stays
    EXPECT_DOUBLE_EQ(lut.gainVolts, nominal.gainVolts);
    const double w = 0.5 * mean(w0);
    std::vector<double> v, wk;
    lutNotches(lut, v, wk);
    const double expected[] = {mid - 2 * s0, mid, mid + 2 * s0};
    for (size_t k = 0; k < 3; ++k) {
        EXPECT_NEAR(v[k], expected[k], 1e-9) << k;
        EXPECT_NEAR(wk[k], w, 1e-9) << k;
        EXPECT_NEAR(lut.value(int(k), expected[k]), 0.5, 2e-3) << k;  // on the grid's lines
    }
    Lut bareDesign = lut;  // read off the curves, as for a measured table
    bareDesign.provenance.clear();
    lutNotches(bareDesign, v, wk);
    for (size_t k = 0; k < 3; ++k) {
        EXPECT_NEAR(v[k], expected[k], 0.01 * w) << k;
        EXPECT_NEAR(wk[k], w, 0.01 * w) << k;
    }
    // Every curve reaches 0 and 1 inside the grid, the curves are ordered, and the stored
    // derivative is the curve's.
    EXPECT_LT(lut.curves[0].front(), 1e-3);
    EXPECT_GT(lut.curves[2].back(), 1 - 1e-3);
    for (size_t i = 0; i < lut.voltage.size(); ++i)
        for (size_t c = 1; c < 3; ++c) EXPECT_LE(lut.curves[c][i], lut.curves[c - 1][i]);
    const double at = mid + 0.3 * w, h = 1e-5;
    EXPECT_NEAR(lut.derivative(1, at), (lut.value(1, at + h) - lut.value(1, at - h)) / (2 * h),
                3e-3 * lut.derivative(1, mid));
    // Two notches: half a spacing either side of the middle.
    device.notches = 2;
    device.notchSpacing = 1;
    lutNotches(designLut(nominal, device), v, wk);
    EXPECT_NEAR(v[0], mid - s0 / 2, 1e-9);
    EXPECT_NEAR(v[1], mid + s0 / 2, 1e-9);
    // A binary nominal cannot make a multi-weight device.
    EXPECT_THROW(designLut(loadLut(DWMTJ_DATASETS_DIR "/binary-lut.csv"), device), Error);
}

// Binary w1 0.84 and w4 0.70 (kDesign's); the multi-weight devices are more accurate (0.86 to
// 0.90) and as robust; the bundled multi-weight table itself is measured (0.81). The loosest device
// meeting a spec is the one with the fewest notches, then the closest notches; the measured
// table sits at 4 notches, spacing and width 1 x the nominal's.
TEST(DesignMultiWeight, FolderLoosenessMeasuredPlacementAndResultFile)
{
    setenv("DWMTJ_DATASETS_DIR", DWMTJ_DATASETS_DIR, 1);
    const std::string file = writeFile(
        "mw-front.ini",
        withNotches("notches = 2, 4\nnotch_spacing = 0.5, 1\nmeasured = multistate-lut.csv\n"));
    const DesignSpace d = loadDesign(file);
    const std::string dir = tmpPath("design-multiweight");
    std::filesystem::remove_all(dir);
    prepareDesignFolder(file, dir);
    const Sweep s = loadSweep((std::filesystem::path(dir) / "design.sweep").string());
    ASSERT_EQ(s.configs.size(), 7u);  // 2 binary, 4 multi-weight, 1 measured
    EXPECT_EQ(s.configs[2].name, "n2-s0.5-w1");
    EXPECT_EQ(s.configs[2].neurons.front(), NeuronKind::MultiState);
    const Lut table = loadLut(s.configs[2].lut);
    EXPECT_EQ(table.numStates, 3);
    EXPECT_EQ(table.provenance.at("design_point"), "n2-s0.5-w1");
    EXPECT_EQ(s.configs[6].name, "m-multistate-lut");
    EXPECT_EQ(s.configs[6].neurons.front(), NeuronKind::MultiState);

    auto multi = [](const std::vector<double>& clean, const Lut& lut) {
        Experiment e = experiment(clean, 42e-9);
        e.config.neuron = NeuronKind::MultiState;
        e.lut = lut;
        return e;
    };
    const Lut nominal = bundledMulti();
    const DesignResult r =
        analyzeDesign(d, {{"w1-f0-c1", "", experiment({0.83, 0.84, 0.85}, 42e-9)},
                          {"w4-f0-c1", "", experiment({0.69, 0.70, 0.71}, 42e-9)},
                          {"n2-s0.5-w1", "", multi({0.85, 0.86, 0.87}, table)},
                          {"n2-s1-w1", "", multi({0.86, 0.87, 0.88}, table)},
                          {"n4-s0.5-w1", "", multi({0.87, 0.88, 0.89}, nominal)},
                          {"n4-s1-w1", "", multi({0.88, 0.89, 0.90}, nominal)},
                          {"m-multistate-lut", "", multi({0.80, 0.81, 0.82}, nominal)}});
    ASSERT_EQ(r.points.size(), 14u);  // 7 devices x 2 pulse widths
    const DesignPoint& n2 = r.points[4];
    EXPECT_EQ(n2.device, "n2-s0.5-w1");
    EXPECT_EQ(n2.notches, 2);
    EXPECT_DOUBLE_EQ(n2.notchSpacing, 0.5);
    EXPECT_EQ(r.points[0].notches, 1);
    // At 80 % the binary w1 is the loosest (one threshold); at 85.5 % only the multi-weight
    // devices meet it and the loosest is the two-notch device with the closer notches.
    ASSERT_GE(r.loosestEstimate, 0);
    EXPECT_EQ(r.points[size_t(r.loosestEstimate)].device, "w1-f0-c1");
    DesignResult strict = r;
    applySpec(strict, 0.855, 0.4);
    ASSERT_GE(strict.loosestEstimate, 0);
    EXPECT_EQ(strict.points[size_t(strict.loosestEstimate)].device, "n2-s0.5-w1");
    const std::string answer = designAnswer(strict);
    EXPECT_NE(answer.find("the loosest device is n2-s0.5-w1: 2 notches spaced 0.5 x the nominal "
                          "multi-weight spacing, each w 1 x its mean width"),
              std::string::npos)
        << answer;
    // The measured table (the nominal multi-weight device itself) in the notch parameters; it is
    // beaten by the loosest design device that does at least as well: the binary w1 (0.84).
    const DesignPoint& m = r.points[12];
    EXPECT_EQ(m.device, "m-multistate-lut");
    EXPECT_EQ(m.notches, 4);
    EXPECT_NEAR(m.notchSpacing, 1, 1e-12);
    EXPECT_NEAR(m.widthRatio, 1, 1e-12);
    ASSERT_GE(m.dominatedBy, 0);
    EXPECT_EQ(r.points[size_t(m.dominatedBy)].device, "w1-f0-c1");
    EXPECT_NE(designAnswer(r).find("its table: 4 notches spaced 1 x the nominal multi-weight"),
              std::string::npos)
        << designAnswer(r);
    saveDesignResult(r, dir);
    const DesignResult back = loadDesignResult(designResultFile(dir));
    ASSERT_EQ(back.points.size(), r.points.size());
    for (size_t k = 0; k < r.points.size(); ++k) {
        EXPECT_EQ(back.points[k].notches, r.points[k].notches) << k;
        EXPECT_EQ(std::isnan(back.points[k].notchSpacing), std::isnan(r.points[k].notchSpacing));
    }
    EXPECT_DOUBLE_EQ(back.points[4].notchSpacing, 0.5);
    std::ifstream csv(std::filesystem::path(dir) / "design.csv");
    std::string header;
    std::getline(csv, header);
    EXPECT_NE(header.find("ceiling,notches,notch_spacing,"), std::string::npos) << header;
}

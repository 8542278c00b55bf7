// The design study (dwmtj/design.h): its file, the synthetic devices, the Pareto front, the
// loosest spec, the energy rescaling and the intervals, on experiments with known truth; the
// result file's round trip. The whole run (training and chips) is checked by cli.design.
#include "dwmtj/design.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "design_test_util.h"
#include "dwmtj/energy.h"
#include "dwmtj/error.h"
#include "test_paths.h"

using namespace dwmtj::core;

using namespace dwmtj::core::design_testing;

TEST(DesignFile, ReadsTheAxesAndTheSpecAndNamesTheBadKey)
{
    const DesignSpace d = loadDesign(writeFile("d.ini", kDesign));
    EXPECT_EQ(d.name, "t");
    EXPECT_EQ(d.base.hidden, 16);
    EXPECT_EQ(d.seeds.size(), 3u);
    EXPECT_EQ(d.widthRatio, (std::vector<double>{1, 4}));
    EXPECT_EQ(d.floor, (std::vector<double>{0}));
    EXPECT_EQ(d.v50Sd.size(), 3u);
    EXPECT_DOUBLE_EQ(d.specAccuracy, 0.8);
    EXPECT_DOUBLE_EQ(d.specRobustness, 0.4);
    ASSERT_EQ(designDevices(d).size(), 2u);
    EXPECT_EQ(designDevices(d)[1].id, "w4-f0-c1");

    std::string bad = kDesign;
    bad.replace(bad.find("hidden"), 6, "hiden");
    try {
        loadDesign(writeFile("bad.ini", bad));
        FAIL() << "a misspelt key was accepted";
    } catch (const FileFormatError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("bad.ini"), std::string::npos) << m;
        EXPECT_NE(m.find("[design t]"), std::string::npos) << m;
        EXPECT_NE(m.find("hiden"), std::string::npos) << m;
    }
    std::string floor = kDesign;
    floor.insert(floor.find("pulse_ns"), "floor = 0.7\n");
    EXPECT_THROW(loadDesign(writeFile("floor.ini", floor)), FileFormatError);
    std::string sigma = kDesign;
    sigma.replace(sigma.find("sigma = 0,"), 10, "sigma = 0.5,");
    EXPECT_THROW(loadDesign(writeFile("sigma.ini", sigma)), FileFormatError);
    setenv("DWMTJ_RESOURCES_DIR", DWMTJ_SOURCE_DIR "/resources", 1);  // not an installed copy
    for (const auto& name : designPresetNames())
        EXPECT_NO_THROW(loadDesign(designPresetFile(name))) << name;
}

TEST(DesignLut, KeepsTheOperatingPointAndScalesTheWidth)
{
    const Lut nominal = loadLut(std::string(DWMTJ_DATASETS_DIR) + "/binary-lut.csv");
    double v50 = 0, w0 = 0;
    lutCentreAndWidth(nominal, v50, w0);
    // The bundled table is a 2-parameter fit: its provenance says V50 and w.
    EXPECT_DOUBLE_EQ(v50, std::stod(nominal.provenance.at("fit_V50")));
    EXPECT_DOUBLE_EQ(w0, std::stod(nominal.provenance.at("fit_w")));
    // Without them (an empirical table) both come from the curve, within 1 %.
    Lut bare = nominal;
    bare.provenance.clear();
    double v50e = 0, w0e = 0;
    lutCentreAndWidth(bare, v50e, w0e);
    EXPECT_NEAR(v50e, v50, 0.01 * w0);
    EXPECT_NEAR(w0e, w0, 0.01 * w0);
    DesignDevice device;
    device.id = "w2-f0.05-c0.95";
    device.widthRatio = 2;
    device.floor = 0.05;
    device.ceiling = 0.95;
    const Lut lut = designLut(nominal, device);
    double v = 0, w = 0;
    lutCentreAndWidth(lut, v, w);
    EXPECT_NEAR(v, v50, 1e-3 * w0);
    EXPECT_NEAR(w, 2 * w0, 2e-3 * w0);
    EXPECT_NEAR(lut.value(0, v50), 0.5, 1e-6);
    EXPECT_NEAR(lut.value(0, v50 - 8 * w), 0.05, 1e-3);
    EXPECT_NEAR(lut.value(0, v50 + 8 * w), 0.95, 1e-3);
    EXPECT_DOUBLE_EQ(lut.centreVoltage, nominal.centreVoltage);
    EXPECT_DOUBLE_EQ(lut.gainVolts, nominal.gainVolts);
    // The stored derivative is the curve's (central difference).
    const double h = 1e-5;
    EXPECT_NEAR(lut.derivative(0, v50 + 0.3 * w),
                (lut.value(0, v50 + 0.3 * w + h) - lut.value(0, v50 + 0.3 * w - h)) / (2 * h),
                2e-3 * lut.derivative(0, v50));
}

TEST(DesignFront, MarksExactlyTheNondominatedPoints)
{
    auto point = [](double acc, double rob, double energy) {
        DesignPoint p;
        p.accuracy.value = acc;
        p.robustness.value = rob;
        p.energyPerCorrectJ.value = energy;
        return p;
    };
    std::vector<DesignPoint> pts = {point(0.9, 0.3, 10), point(0.8, 0.5, 10), point(0.8, 0.3, 10),
                                    point(0.9, 0.3, 5),  point(0.7, 0.5, 12), point(0.95, 0.1, 50)};
    markParetoFront(pts);
    const bool expected[] = {false, true, false, true, false, true};
    for (size_t k = 0; k < pts.size(); ++k) EXPECT_EQ(pts[k].pareto, expected[k]) << k;
    // Points without energy (a measured table whose drive is not a voltage) compete on
    // accuracy and robustness: a better one stays on the front without pushing points of known
    // energy off it; a worse one is beaten by them.
    pts.push_back(point(0.99, 0.9, NAN));
    pts.push_back(point(0.5, 0.1, NAN));
    markParetoFront(pts);
    const bool mixed[] = {false, true, false, true, false, true, true, false};
    for (size_t k = 0; k < pts.size(); ++k) EXPECT_EQ(pts[k].pareto, mixed[k]) << k;
}

TEST(DesignAnalysis, RecoversKnownAccuracyEnergyAndTheLoosestDevice)
{
    const DesignSpace d = loadDesign(writeFile("d.ini", kDesign));
    // w1: accurate (0.84 +/- 0.01), w4: inaccurate (0.70) but the same energy per inference.
    std::vector<DesignExperiment> ex = {
        {"w1-f0-c1", "networks/w1-f0-c1.h5", experiment({0.83, 0.84, 0.85}, 42e-9)},
        {"w4-f0-c1", "networks/w4-f0-c1.h5", experiment({0.69, 0.70, 0.71}, 42e-9)}};
    // The chips of w1 at each V50 spread: per network mean over its draws.
    for (auto& run : ex[0].experiment.runs) {
        VariabilityCurve c;
        c.axis = "v50";
        c.level = {0.02, 0.05, 0.1};
        c.accuracy = {{0.84, 0.84}, {0.82, 0.82}, {0.75, 0.77}};
        run.variability.push_back(c);
    }
    const DesignResult r = analyzeDesign(d, ex);
    ASSERT_EQ(r.points.size(), 4u);  // 2 devices x 2 pulse widths
    EXPECT_TRUE(r.missing.empty());
    const DesignPoint& p = r.points[0];
    EXPECT_EQ(p.device, "w1-f0-c1");
    EXPECT_NEAR(p.accuracy.value, 0.84, 1e-9);
    EXPECT_LT(p.accuracy.low, 0.84);
    EXPECT_GT(p.accuracy.high, 0.84);
    // Energy per correct inference: E / acc per network, then the mean.
    const double perCorrect = (42e-9 / 0.83 + 42e-9 / 0.84 + 42e-9 / 0.85) / 3;
    EXPECT_NEAR(p.energyPerCorrectJ.value, perCorrect, 1e-15);
    // At 10 ns the effective time is (10 + 10) / (30 + 10) of the recorded: exactly half.
    EXPECT_NEAR(r.points[1].energyPerCorrectJ.value, perCorrect / 2, 1e-15);
    // Robustness: a(l) = 1 - l on 0, 0.5, 1 has the mean 0.5.
    EXPECT_NEAR(p.robustness.value, 0.5, 1e-9);
    // The loosest device meeting 80 % and AUC 0.4 is w1 (w4 is too inaccurate), at 10 ns.
    ASSERT_GE(r.loosestEstimate, 0);
    EXPECT_EQ(r.points[size_t(r.loosestEstimate)].device, "w1-f0-c1");
    EXPECT_EQ(r.points[size_t(r.loosestEstimate)].pulseNs, 10);
    // 3 seeds on 1000 images: the interval (about 0.79-0.89) does not clear 80 % with
    // confidence; at 75 % it does.
    EXPECT_EQ(r.loosestConfident, -1);
    EXPECT_NE(designAnswer(r).find("With 95 % confidence: no device"), std::string::npos);
    DesignResult easier = r;
    applySpec(easier, 0.75, 0.4);
    ASSERT_GE(easier.loosestConfident, 0);
    EXPECT_EQ(easier.points[size_t(easier.loosestConfident)].device, "w1-f0-c1");
    // V50 spreads up to 0.05 V keep 80 %; 0.1 V does not.
    EXPECT_DOUBLE_EQ(toleratedSpread(r, "w1-f0-c1", "v50", 0.8, false), 0.05);
    EXPECT_TRUE(std::isnan(toleratedSpread(r, "w1-f0-c1", "c2c", 0.8, false)));
    // A lower spec lets the wider device through: it becomes the loosest.
    DesignResult lower = r;
    applySpec(lower, 0.65, 0.4);
    EXPECT_EQ(lower.points[size_t(lower.loosestEstimate)].device, "w4-f0-c1");
    const std::string answer = designAnswer(lower);
    EXPECT_NE(answer.find("w4-f0-c1"), std::string::npos) << answer;
    // A device without networks is reported missing, not invented.
    const DesignResult partial = analyzeDesign(d, {ex[0]});
    EXPECT_EQ(partial.missing, (std::vector<std::string>{"w4-f0-c1"}));
    EXPECT_EQ(partial.points.size(), 2u);
}

TEST(DesignAnalysis, TrackResistanceRescalesTheEnergyWithTheSeriesResistanceKept)
{
    std::string text = kDesign;
    text.replace(text.find("pulse_ns = 30, 10"), 17, "r4 = 365, 730");
    const DesignSpace d = loadDesign(writeFile("r4.ini", text));
    const DesignResult r = analyzeDesign(d, {{"w1-f0-c1", "", experiment({0.8, 0.8}, 1e-9)}});
    ASSERT_EQ(r.points.size(), 2u);
    EnergyParameters a, b;
    b.fourPointResistanceOhm = 730;
    b.twoPointResistanceOhm = 730 + (1029 - 365);
    const double ratio = sampleEnergyAt(b, 1.8) / sampleEnergyAt(a, 1.8);
    EXPECT_NEAR(r.points[1].energyPerCorrectJ.value / r.points[0].energyPerCorrectJ.value, ratio,
                1e-12);
}

TEST(DesignAnalysis, EnergyIntervalCoversTheTruth)
{
    // 1000 simulated designs of 5 networks each, energy per inference ~ N(40, 4) nJ and accuracy
    // 0.8: the 95 % interval of the energy per correct inference covers 50 nJ in 92.5-97.5 %.
    const DesignSpace d = loadDesign(writeFile("d.ini", kDesign));
    std::mt19937_64 rng(7);
    std::normal_distribution<double> energy(40e-9, 4e-9);
    int covered = 0;
    const int sims = 1000;
    for (int s = 0; s < sims; ++s) {
        Experiment e = experiment({0.8, 0.8, 0.8, 0.8, 0.8}, 0);
        for (auto& run : e.runs) {
            run.energy.energyPerInferenceJ = energy(rng);
            run.noise[0].correct.clear();  // no image bootstrap needed here
        }
        const DesignResult r = analyzeDesign(d, {{"w1-f0-c1", "", e}});
        const DesignValue& v = r.points[0].energyPerCorrectJ;
        covered += v.low <= 50e-9 && 50e-9 <= v.high;
    }
    std::printf("energy interval covered the truth in %d of %d designs\n", covered, sims);
    EXPECT_GE(covered, int(0.925 * sims));
    EXPECT_LE(covered, int(0.975 * sims));
}

TEST(DesignResultFile, RoundTripsAndRefusesOtherFiles)
{
    const DesignSpace d = loadDesign(writeFile("d.ini", kDesign));
    const DesignResult r =
        analyzeDesign(d, {{"w1-f0-c1", "networks/w1-f0-c1.h5", experiment({0.83, 0.85}, 4e-8)}});
    const std::string dir = tmpPath("design-out");
    std::filesystem::create_directories(dir);
    saveDesignResult(r, dir);
    const DesignResult back = loadDesignResult(designResultFile(dir));
    ASSERT_EQ(back.points.size(), r.points.size());
    EXPECT_EQ(back.missing, r.missing);
    EXPECT_EQ(back.loosestEstimate, r.loosestEstimate);
    for (size_t k = 0; k < r.points.size(); ++k) {
        EXPECT_EQ(back.points[k].device, r.points[k].device);
        EXPECT_EQ(back.points[k].file, r.points[k].file);
        EXPECT_DOUBLE_EQ(back.points[k].accuracy.low, r.points[k].accuracy.low);
        EXPECT_DOUBLE_EQ(back.points[k].energyPerCorrectJ.value,
                         r.points[k].energyPerCorrectJ.value);
        EXPECT_EQ(back.points[k].pareto, r.points[k].pareto);
    }
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(dir) / "design.csv"));
    const std::string lut = tmpPath("not-a-design.h5");
    saveLut(loadLut(std::string(DWMTJ_DATASETS_DIR) + "/binary-lut.csv"), lut);
    try {
        loadDesignResult(lut);
        FAIL() << "a lookup table was read as a design result";
    } catch (const FileFormatError& e) {
        EXPECT_NE(std::string(e.what()).find("not-a-design.h5"), std::string::npos) << e.what();
    }
}

// Hardware-aware networks (hardware_aware, hardware_aware_devices): the file names a V50 spread
// the nominal networks are tested at and devices of the grid; the folder's sweep trains them on
// chip 0 of the design's V50 draws; the analysis pairs them by seed with the nominal networks on
// the very same chip (draw 0) and on the new chips (draws 1 and 2), with the known differences.
TEST(DesignHardwareAware, FileSweepAndPairedComparison)
{
    std::string text = kDesign;
    text.replace(text.find("sigma = 0, 0.5, 1"), 17,
                 "sigma = 0, 0.5, 1\nhardware_aware = 0.05\nhardware_aware_devices = w1-f0-c1");
    const std::string file = writeFile("hw.ini", text);
    const DesignSpace d = loadDesign(file);
    EXPECT_DOUBLE_EQ(d.hardwareAware, 0.05);
    ASSERT_EQ(hardwareAwareDevices(d).size(), 1u);
    EXPECT_EQ(hardwareAwareDevices(d)[0].id, "w1-f0-c1");
    EXPECT_EQ(hardwareAwareId("w1-f0-c1"), "w1-f0-c1-hw");
    auto refused = [&](const std::string& from, const std::string& to, const char* words) {
        expectRefused(text, from, to, words, "hw-bad.ini");
    };
    refused("hardware_aware = 0.05", "hardware_aware = 0.07", "from v50_sd (0.02, 0.05, 0.1)");
    refused("= w1-f0-c1", "= w1-f0-c1, w9-f0-c1", "devices of the design (w1-f0-c1, w4-f0-c1)");
    refused("hardware_aware = 0.05\n", "", "hardware_aware (the V50 spread");

    // The folder: the nominal devices and one hardware-aware configuration on chip 0.
    const std::string dir = tmpPath("design-hw");
    std::filesystem::remove_all(dir);
    setenv("DWMTJ_DATASETS_DIR", DWMTJ_DATASETS_DIR, 1);  // the nominal device: bundled
    prepareDesignFolder(file, dir);
    const Sweep s = loadSweep((std::filesystem::path(dir) / "design.sweep").string());
    ASSERT_EQ(s.configs.size(), 3u);
    const SweepConfig& hw = s.configs[2];
    EXPECT_EQ(hw.name, "w1-f0-c1-hw");
    EXPECT_EQ(hw.lut, s.configs[0].lut);  // the same device as the nominal w1 networks
    EXPECT_DOUBLE_EQ(hw.variability.v50Sd, 0.05);
    EXPECT_EQ(hw.variability.seed, d.deviceSeed);
    EXPECT_EQ(hw.variabilityUse, VariabilityUse::Training);
    EXPECT_FALSE(s.configs[0].variability.any());

    // Paired by seed: on their own chip the hardware-aware networks are 6 points above the
    // nominal ones (differences 0.05, 0.06, 0.07); on new chips 1 point below (all -0.01).
    std::vector<DesignExperiment> ex = {
        {"w1-f0-c1", "networks/w1-f0-c1.h5", experiment({0.83, 0.84, 0.85}, 42e-9)},
        {"w4-f0-c1", "networks/w4-f0-c1.h5", experiment({0.69, 0.70, 0.71}, 42e-9)},
        {"w1-f0-c1-hw", "networks/w1-f0-c1-hw.h5", experiment({0.82, 0.83, 0.84}, 42e-9)}};
    auto chips = [&](Experiment& e, const std::vector<std::vector<double>>& perSeed) {
        for (size_t k = 0; k < e.runs.size(); ++k) {
            VariabilityCurve c;
            c.axis = "v50";
            c.seed = d.deviceSeed;
            c.level = {0.05};
            c.accuracy = {perSeed[k]};
            e.runs[k].variability.push_back(c);
        }
    };
    chips(ex[0].experiment, {{0.75, 0.77, 0.79}, {0.76, 0.78, 0.80}, {0.77, 0.79, 0.81}});
    chips(ex[2].experiment, {{0.80, 0.76, 0.78}, {0.82, 0.77, 0.79}, {0.84, 0.78, 0.80}});
    const DesignResult r = analyzeDesign(d, ex);
    EXPECT_TRUE(r.missing.empty());
    ASSERT_EQ(r.hardwareAware.size(), 1u);
    const DesignHardwareAware& h = r.hardwareAware[0];
    EXPECT_EQ(h.networks, 3);
    EXPECT_EQ(h.file, "networks/w1-f0-c1-hw.h5");
    EXPECT_NEAR(h.ownChips.value, 0.82, 1e-12);
    EXPECT_NEAR(h.nominalOnOwn.value, 0.76, 1e-12);
    EXPECT_NEAR(h.gainOwn.value, 0.06, 1e-12);
    // sd 0.01 over 3 seeds: half-width t(0.975, 2) x 0.01 / sqrt 3 = 0.02484.
    EXPECT_NEAR(h.gainOwn.high - h.gainOwn.value, 4.302653 * 0.01 / std::sqrt(3.0), 1e-5);
    EXPECT_NEAR(h.newChips.value, 0.78, 1e-12);
    EXPECT_NEAR(h.nominalOnNew.value, 0.79, 1e-12);
    EXPECT_NEAR(h.gainNew.value, -0.01, 1e-12);
    const std::string answer = designAnswer(r);
    EXPECT_NE(answer.find("Hardware-aware training of w1-f0-c1 at a V50 spread of 0.05 V"),
              std::string::npos)
        << answer;
    EXPECT_NE(answer.find("(difference +6.00 [+3.52, +8.48] points)"), std::string::npos) << answer;
    EXPECT_NE(designReport(r).find("own chips (hw)"), std::string::npos);
    // The result file keeps the comparison; without the hardware-aware networks they are
    // missing, not invented.
    saveDesignResult(r, dir);
    const DesignResult back = loadDesignResult(designResultFile(dir));
    ASSERT_EQ(back.hardwareAware.size(), 1u);
    EXPECT_DOUBLE_EQ(back.hardwareAware[0].gainOwn.low, h.gainOwn.low);
    EXPECT_DOUBLE_EQ(back.hardwareAware[0].nominalOnNew.value, h.nominalOnNew.value);
    EXPECT_EQ(back.hardwareAware[0].file, h.file);
    const DesignResult partial = analyzeDesign(d, {ex[0], ex[1]});
    EXPECT_EQ(partial.missing, (std::vector<std::string>{"w1-f0-c1-hw"}));
    EXPECT_TRUE(partial.hardwareAware.empty());
}

// Measured devices (measured = a LUT file, a bundled table's name, or a device neuron kind for
// its cell on its bundled table): read with their neurons, trained as configurations of their
// own, judged against the spec and placed on the front, never chosen as the loosest device; off
// the front the loosest design point that beats them is named; a binary table is placed in the
// design's parameters.
TEST(DesignMeasured, ReadsKindsAndFilesAndPlacesThemOnTheFront)
{
    setenv("DWMTJ_DATASETS_DIR", DWMTJ_DATASETS_DIR, 1);
    std::string text = kDesign;
    text.replace(text.find("sigma = 0, 0.5, 1"), 17,
                 "sigma = 0, 0.5, 1\nmeasured = released-binary-table-a.csv, multistate-released");
    const std::string file = writeFile("measured.ini", text);
    const DesignSpace d = loadDesign(file);
    ASSERT_EQ(d.measured.size(), 2u);
    EXPECT_EQ(d.measured[0].id, "m-released-binary-table-a");
    EXPECT_EQ(d.measured[0].neuron, NeuronKind::Binary);  // our binary neuron on table A
    EXPECT_EQ(std::filesystem::path(d.measured[0].lut),
              std::filesystem::absolute(DWMTJ_DATASETS_DIR "/released-binary-table-a.csv"));
    EXPECT_EQ(d.measured[1].id, "m-multistate-released");
    EXPECT_EQ(d.measured[1].neuron, NeuronKind::MultiStateReleased);
    EXPECT_TRUE(d.measured[1].lut.empty());  // the kind's bundled table (table B)
    const auto devices = designDevices(d);
    ASSERT_EQ(devices.size(), 4u);  // 2 widths, then the 2 measured devices
    EXPECT_TRUE(devices[2].measured && devices[3].measured);
    auto refused = [&](const std::string& from, const std::string& to, const char* words) {
        expectRefused(text, from, to, words, "measured-bad.ini");
    };
    refused("released-binary-table-a.csv", "no-such-table.csv", "no-such-table.csv");
    // The released cells model no device variability: no hardware-aware networks for them.
    refused("v50_sd = 0.02, 0.05, 0.1",
            "v50_sd = 0.02, 0.05, 0.1\nhardware_aware = 0.05\n"
            "hardware_aware_devices = m-multistate-released",
            "model device variability");
    // The folder: the measured devices' configurations use their own neurons and tables.
    const std::string dir = tmpPath("design-measured");
    std::filesystem::remove_all(dir);
    prepareDesignFolder(file, dir);
    const Sweep s = loadSweep((std::filesystem::path(dir) / "design.sweep").string());
    ASSERT_EQ(s.configs.size(), 4u);
    EXPECT_EQ(s.configs[2].name, "m-released-binary-table-a");
    EXPECT_EQ(s.configs[2].neurons.front(), NeuronKind::Binary);
    EXPECT_EQ(s.configs[2].lut, d.measured[0].lut);
    EXPECT_EQ(s.configs[3].neurons.front(), NeuronKind::MultiStateReleased);
    EXPECT_TRUE(s.configs[3].lut.empty());
    // The folder's copy reads the same when re-opened elsewhere.
    EXPECT_EQ(loadDesignFolder(dir).measured[0].lut, d.measured[0].lut);
    EXPECT_EQ(loadDesignFolder(dir).measured[1].id, "m-multistate-released");

    // w1 0.84 and w4 0.70 (kDesign's known values); table A 0.80, as robust as both
    // (a(l) = 1 - l) and at the same energy per inference: w1 beats it at each pulse width.
    // Table B with the released cell is more accurate than every design device (0.86); its
    // table's grid is not a voltage, so it has no energy and competes on the other two: on the
    // front at both pulse widths; it meets the spec but is never the loosest device.
    Experiment tableA = experiment({0.79, 0.80, 0.81}, 42e-9);
    tableA.lut = loadLut(DWMTJ_DATASETS_DIR "/released-binary-table-a.csv");
    for (auto& run : tableA.runs) {  // every applied voltage in the bin [1.860, 1.865) V
        run.energy.voltageCounts.assign(64, 0.0);
        run.energy.voltageCounts[32] = 100;
        run.energy.voltageLow = 1.7;
        run.energy.voltageHigh = 1.7 + 64 * 0.005;
    }
    Experiment tableB = experiment({0.85, 0.86, 0.87}, 42e-9);
    tableB.config.neuron = NeuronKind::MultiStateReleased;
    const DesignResult r =
        analyzeDesign(d, {{"w1-f0-c1", "", experiment({0.83, 0.84, 0.85}, 42e-9)},
                          {"w4-f0-c1", "", experiment({0.69, 0.70, 0.71}, 42e-9)},
                          {"m-released-binary-table-a", "", tableA},
                          {"m-multistate-released", "", tableB}});
    ASSERT_EQ(r.points.size(), 8u);  // 4 devices x 2 pulse widths
    const DesignPoint& binary = r.points[4];
    EXPECT_EQ(binary.device, "m-released-binary-table-a");
    EXPECT_TRUE(binary.measured);
    EXPECT_FALSE(binary.pareto);
    ASSERT_GE(binary.dominatedBy, 0);
    EXPECT_EQ(r.points[size_t(binary.dominatedBy)].device, "w1-f0-c1");
    EXPECT_EQ(r.points[size_t(binary.dominatedBy)].pulseNs, binary.pulseNs);
    // Table A in the design's parameters: its width over the nominal's, its p range.
    double v50 = 0, w = 0, v0 = 0, w0 = 0;
    lutCentreAndWidth(*tableA.lut, v50, w);
    lutCentreAndWidth(loadLut(DWMTJ_DATASETS_DIR "/binary-lut.csv"), v0, w0);
    EXPECT_NEAR(binary.widthRatio, w / w0, 1e-12);
    EXPECT_NEAR(binary.floor, 0.001, 1e-9);
    EXPECT_NEAR(binary.ceiling, 0.999, 1e-9);
    // Where its networks drive it: the bin's quantiles, and table A's p there (linear between
    // its measured 1.825 V, 0.1739 and 1.9 V, 0.6522).
    EXPECT_NEAR(binary.appliedV.value, 1.8625, 1e-9);
    EXPECT_NEAR(binary.appliedV.low, 1.86025, 1e-9);
    EXPECT_NEAR(binary.appliedV.high, 1.86475, 1e-9);
    EXPECT_NEAR(binary.appliedP[1], 0.17391 + 0.5 * (0.65217 - 0.17391), 1e-3);
    EXPECT_TRUE(std::isnan(r.points[0].appliedV.value));  // a design device: not asked
    const DesignPoint& multi = r.points[6];
    EXPECT_TRUE(multi.measured && multi.pareto && multi.meetsEstimate);
    EXPECT_TRUE(std::isnan(multi.energyPerCorrectJ.value));
    EXPECT_TRUE(r.points[7].pareto);
    ASSERT_GE(r.loosestEstimate, 0);
    EXPECT_EQ(r.points[size_t(r.loosestEstimate)].device, "w1-f0-c1");
    const std::string answer = designAnswer(r);
    EXPECT_NE(answer.find("Measured device m-released-binary-table-a: accuracy 80.0"),
              std::string::npos)
        << answer;
    EXPECT_NE(answer.find("at 30 ns, R4 365: by w1-f0-c1"), std::string::npos) << answer;
    EXPECT_NE(answer.find("Its networks drive it at 1.860-1.865 V (5-95 %, median "),
              std::string::npos)
        << answer;
    EXPECT_NE(answer.find("Measured device m-multistate-released"), std::string::npos) << answer;
    EXPECT_NE(answer.find("On the Pareto front at 30 ns, R4 365; 10 ns, R4 365 (its table"),
              std::string::npos)
        << answer;
    saveDesignResult(r, dir);
    const DesignResult back = loadDesignResult(designResultFile(dir));
    EXPECT_TRUE(back.points[4].measured);
    EXPECT_EQ(back.points[4].dominatedBy, binary.dominatedBy);
    EXPECT_DOUBLE_EQ(back.points[4].appliedV.high, binary.appliedV.high);
    EXPECT_DOUBLE_EQ(back.points[4].appliedP[2], binary.appliedP[2]);
    EXPECT_FALSE(back.points[0].measured);

    // The reproduction's report gains the section: the measured devices, the front and the
    // answer, in report.md and in report.html before its provenance.
    const std::string repro = tmpPath("repro-report");
    std::filesystem::create_directories(repro);
    std::ofstream(repro + "/report.md") << "# Reproduction\n";
    std::ofstream(repro + "/report.html")
        << "<html><body><h1>R</h1>\n<h2>Provenance</h2>\n<table></table></body></html>\n";
    appendDesignToReport(repro, r, "design");
    std::ifstream mdIn(repro + "/report.md"), htmlIn(repro + "/report.html");
    const std::string md((std::istreambuf_iterator<char>(mdIn)), {}),
        html((std::istreambuf_iterator<char>(htmlIn)), {});
    EXPECT_EQ(md.rfind("# Reproduction\n", 0), 0u) << md;
    EXPECT_NE(md.find("## Beyond the paper: what device to build"), std::string::npos) << md;
    EXPECT_NE(md.find("| m-released-binary-table-a (measured) | 30 |"), std::string::npos) << md;
    EXPECT_NE(md.find("| w1-f0-c1 (loosest) |"), std::string::npos) << md;
    EXPECT_NE(md.find("Measured device m-multistate-released"), std::string::npos) << md;
    const auto section = html.find("<h2>Beyond the paper");
    ASSERT_NE(section, std::string::npos) << html;
    EXPECT_LT(section, html.find("<h2>Provenance</h2>"));
}

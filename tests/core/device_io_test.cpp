#include "dwmtj/device_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "dwmtj/error.h"
#include "dwmtj/sigmoid_fit.h"
#include "dwmtj/simulate.h"
#include "test_paths.h"

using namespace dwmtj::core;

namespace {
const std::string kGood = std::string(DWMTJ_TEST_DATA_DIR) + "/good/";

void expectSameCounts(const std::vector<VoltageCounts>& a, const std::vector<VoltageCounts>& b)
{
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_NEAR(a[i].voltage, b[i].voltage, 1e-12);
        EXPECT_EQ(a[i].switches, b[i].switches);
        EXPECT_EQ(a[i].trials, b[i].trials);
    }
}
}  // namespace

TEST(DeviceIo, TracesRoundTripThroughCsvAndSwitchDetectionRecoversEvents)
{
    BinarySimulationOptions o;
    o.seed = 42;
    const auto sim = simulateBinaryDevice(o);
    const auto path = tmpPath("traces.csv");
    saveTracesCsv(sim, path);
    const auto back = loadDeviceFile(path);
    EXPECT_EQ(back.sourceShape, "traces");
    ASSERT_EQ(back.binary.traces.size(), sim.binary.traces.size());
    for (std::size_t i = 0; i < sim.binary.traces.size(); ++i) {
        ASSERT_EQ(back.binary.traces[i].resistanceOhm.size(),
                  sim.binary.traces[i].resistanceOhm.size());
        for (std::size_t k = 0; k < sim.binary.traces[i].resistanceOhm.size(); ++k)
            EXPECT_NEAR(back.binary.traces[i].resistanceOhm[k],
                        sim.binary.traces[i].resistanceOhm[k], 1e-6);
    }
    // Read noise of 25 ohm on a 600 ohm step: detection must find the simulator's own events.
    ASSERT_TRUE(back.binary.detection.has_value());
    EXPECT_EQ(back.binary.detection->direction, SwitchDirection::ParallelToAntiparallel);
    EXPECT_TRUE(back.binary.detection->directionDetected);
    EXPECT_NEAR(back.binary.detection->lowLevelOhm, 4000, 5);
    EXPECT_NEAR(back.binary.detection->highLevelOhm, 4600, 5);
    expectSameCounts(back.binary.counts, sim.binary.counts);
    EXPECT_EQ(back.sourceSha256.size(), 64u);
}

TEST(DeviceIo, ApToPDirectionIsDetected)
{
    BinarySimulationOptions o;
    o.seed = 43;
    o.direction = SwitchDirection::AntiparallelToParallel;
    const auto sim = simulateBinaryDevice(o);
    const auto path = tmpPath("traces_ap_p.csv");
    saveTracesCsv(sim, path);
    const auto back = loadDeviceFile(path);
    EXPECT_EQ(back.binary.detection->direction, SwitchDirection::AntiparallelToParallel);
    expectSameCounts(back.binary.counts, sim.binary.counts);
}

TEST(DeviceIo, EventsCountsAndHdf5RoundTrip)
{
    BinarySimulationOptions o;
    o.seed = 44;
    const auto sim = simulateBinaryDevice(o);
    for (const auto& [name, save] :
         std::vector<std::pair<std::string, void (*)(const DeviceData&, const std::string&)>>{
             {"events.csv", saveEventsCsv},
             {"counts.csv", saveCountsCsv},
             {"device.h5", saveDeviceHdf5}}) {
        const auto path = tmpPath(name);
        save(sim, path);
        const auto back = loadDeviceFile(path);
        expectSameCounts(back.binary.counts, sim.binary.counts);
        EXPECT_TRUE(back.binary.trialsKnown) << name;
    }
    const auto back = loadDeviceFile(tmpPath("device.h5"));
    EXPECT_EQ(back.sourceShape, "traces");  // traces take precedence over /events and /counts
    EXPECT_EQ(back.binary.traces.size(), sim.binary.traces.size());
}

TEST(DeviceIo, MultiStateRoundTripsThroughCsvAndHdf5)
{
    MultiStateSimulationOptions o;
    o.seed = 45;
    const auto sim = simulateMultiStateDevice(o);
    for (const std::string name : {"ms.csv", "ms.h5"}) {
        const auto path = tmpPath(name);
        name.ends_with(".csv") ? saveMultiStateCsv(sim, path) : saveDeviceHdf5(sim, path);
        const auto back = loadDeviceFile(path);
        EXPECT_EQ(back.kind, DeviceKind::MultiState);
        EXPECT_EQ(back.multi.numStates, 5);
        EXPECT_EQ(back.multi.voltages, sim.multi.voltages);
        EXPECT_EQ(back.multi.stateCounts, sim.multi.stateCounts);
    }
}

TEST(DeviceIo, CsvDialectsUnitsAndNumpy)
{
    // Semicolons, a comment line and millivolts.
    const auto semi = loadDeviceFile(kGood + "counts_semicolon_mV.csv");
    const auto layout = inspectCsv(kGood + "counts_semicolon_mV.csv");
    EXPECT_EQ(layout.delimiter, ';');
    EXPECT_EQ(layout.shape, CsvShape::Counts);
    EXPECT_EQ(layout.units[0], "mV");
    ASSERT_EQ(semi.binary.counts.size(), 4u);
    EXPECT_NEAR(semi.binary.counts[0].voltage, 1.0, 1e-12);
    EXPECT_NEAR(semi.binary.counts[3].voltage, 2.2, 1e-12);
    // Tabs, unit suffix and probabilities without trials.
    const auto tab = loadDeviceFile(kGood + "probabilities_tab.tsv");
    EXPECT_FALSE(tab.binary.trialsKnown);
    EXPECT_EQ(inspectCsv(kGood + "probabilities_tab.tsv").delimiter, '\t');
    // NumPy: (N, 2) float64, float32, compressed npz with names, npz with one matrix.
    for (const std::string f :
         {"probabilities.npy", "probabilities_f4.npy", "matrix.npz", "probabilities.npz"}) {
        const auto d = loadDeviceFile(kGood + f);
        ASSERT_EQ(d.binary.counts.size(), 11u) << f;
        EXPECT_NEAR(d.binary.counts[5].voltage, 1.6, 1e-6) << f;
        EXPECT_NEAR(d.binary.counts[5].probability, 1 / (1 + std::exp(2.0)), 1e-6) << f;
        EXPECT_EQ(d.binary.trialsKnown, f == "probabilities.npz") << f;
    }
    const auto npz = loadDeviceFile(kGood + "probabilities.npz");
    const auto fit = fitSigmoid(npz.binary.counts, true);
    EXPECT_NEAR(fit.v50(), 1.8, 1e-3);
    EXPECT_NEAR(fit.width(), 0.1, 1e-3);
}

TEST(DeviceIo, PerPulseLogIsCountedPerVoltage)
{
    // One row per pulse applied (switched 0/1), millivolts, an extra pulse-number column:
    // counted per voltage as switches out of the pulses applied.
    const std::string path = kGood + "pulse_log_mV.csv";
    const auto layout = inspectCsv(path);
    EXPECT_EQ(layout.shape, CsvShape::PulseLog);
    const auto d = loadDeviceFile(path);
    EXPECT_EQ(d.kind, DeviceKind::Binary);
    EXPECT_TRUE(d.binary.trialsKnown);
    const std::vector<double> volts{1.5, 1.6, 1.7, 1.8, 1.9, 2.0}, switches{1, 3, 6, 11, 16, 19};
    ASSERT_EQ(d.binary.counts.size(), volts.size());
    for (std::size_t i = 0; i < volts.size(); ++i) {
        EXPECT_NEAR(d.binary.counts[i].voltage, volts[i], 1e-12);
        EXPECT_EQ(d.binary.counts[i].switches, switches[i]);
        EXPECT_EQ(d.binary.counts[i].trials, 20);
    }
    // A value other than 0/1 names its line and column.
    const std::string bad = tmpPath("pulse_log_bad.csv");
    {
        std::ofstream f(bad);
        f << "voltage,switched\n1.5,0\n1.5,2\n";
    }
    try {
        loadDeviceFile(bad);
        FAIL() << "a switched value of 2 was accepted";
    } catch (const FileFormatError& e) {
        EXPECT_NE(std::string(e.what()).find("line 3, column 'switched'"), std::string::npos)
            << e.what();
    }
}

TEST(DeviceIo, BundledExamplesLoad)
{
    for (const std::string f :
         {"binary-device-traces.csv", "binary-device.h5", "binary-device-counts.csv",
          "multistate-device.csv", "multistate-device.h5", "current-driven-device.csv"}) {
        const auto d = loadDeviceFile(std::string(DWMTJ_DATASETS_DIR) + "/" + f);
        EXPECT_TRUE(d.warnings.empty())
            << f << ": " << (d.warnings.empty() ? "" : d.warnings[0].message);
    }
}

TEST(DeviceIo, AtomicWriteLeavesNoPartialFile)
{
    BinarySimulationOptions o;
    const auto sim = simulateBinaryDevice(o);
    const std::string path = "/proc/dwmtj_cannot_write_here.csv";
    EXPECT_THROW(saveCountsCsv(sim, path), Error);
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(DeviceIo, ImportPreviewShowsUnmappedColumnsAndTheUserCanMapThem)
{
    const auto dir =
        std::filesystem::temp_directory_path() / ("dwmtj-roles-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "lab.csv").string();
    {
        std::ofstream f(path);
        f << "Vpulse;n_sw;n_tot;comment\n1.6;3;100;a\n1.8;52;100;b\n2.0;97;100;c\n";
    }
    // The header names are not known: loading fails, the preview still shows the table.
    EXPECT_THROW(loadDeviceFile(path), FileFormatError);
    const auto layout = inspectCsv(path);
    EXPECT_FALSE(layout.problem.empty());
    EXPECT_NE(layout.problem.find("lab.csv"), std::string::npos);
    EXPECT_EQ(layout.delimiter, ';');
    EXPECT_TRUE(layout.hasHeader);
    EXPECT_EQ(layout.dataRows, 3u);
    ASSERT_EQ(layout.previewRows.size(), 3u);
    EXPECT_EQ(layout.previewRows[1][1], "52");
    ASSERT_EQ(layout.headers.size(), 4u);
    // Mapping the columns by hand loads the counts.
    DeviceLoadOptions o;
    o.roles = {ColumnRole::Voltage, ColumnRole::Switches, ColumnRole::Trials, ColumnRole::Ignore};
    const auto mapped = inspectCsv(path, o);
    EXPECT_TRUE(mapped.problem.empty()) << mapped.problem;
    EXPECT_EQ(mapped.shape, CsvShape::Counts);
    const auto d = loadDeviceFile(path, o);
    ASSERT_EQ(d.binary.counts.size(), 3u);
    EXPECT_EQ(d.binary.counts[1].switches, 52);
    EXPECT_EQ(d.binary.counts[2].trials, 100);
    // Two columns mapped to one quantity, or a wrong number of roles, are errors that say so.
    o.roles = {ColumnRole::Voltage, ColumnRole::Switches, ColumnRole::Switches, ColumnRole::Ignore};
    EXPECT_NE(inspectCsv(path, o).problem.find("one column per quantity"), std::string::npos);
    o.roles = {ColumnRole::Voltage, ColumnRole::Switches};
    EXPECT_NE(inspectCsv(path, o).problem.find("4 column roles"), std::string::npos);
    std::filesystem::remove_all(dir);
}

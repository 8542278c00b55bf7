// Current-driven devices (dwmtj/device_data.h, Drive): the drive column's unit or name makes a
// file's amplitudes amperes; they travel through every reader and writer, the fit report and
// the lookup table in SI units, and are shown in mA or uA.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "dwmtj/device_io.h"
#include "dwmtj/energy.h"
#include "dwmtj/error.h"
#include "dwmtj/fit_report.h"
#include "dwmtj/lut.h"
#include "dwmtj/sigmoid_fit.h"
#include "dwmtj/simulate.h"
#include "test_paths.h"

using namespace dwmtj::core;

namespace {

const std::string kGood = std::string(DWMTJ_TEST_DATA_DIR) + "/good/";

bool contains(const std::string& s, const std::string& what)
{
    return s.find(what) != std::string::npos;
}

/// A simulated binary device with its amplitudes reinterpreted as amperes: V50 1.8 V ->
/// I50 1.8 mA, width 0.1 V -> 0.1 mA (the counts are the simulator's).
DeviceData currentDevice()
{
    BinarySimulationOptions o;
    o.cycles = 40;
    o.seed = 7;
    DeviceData d = simulateBinaryDevice(o);
    d.drive = Drive::Current;
    for (auto& t : d.binary.traces) t.voltage *= 1e-3;
    for (auto& e : d.binary.events) e.voltage *= 1e-3;
    for (auto& c : d.binary.counts) c.voltage *= 1e-3;
    return d;
}

}  // namespace

TEST(Drive, CurrentUnitsAndNamesMakeAmperes)
{
    // "current (mA)": milliamperes, stored in amperes.
    const auto mA = loadDeviceFile(kGood + "counts_current_mA.csv");
    EXPECT_EQ(mA.drive, Drive::Current);
    ASSERT_EQ(mA.binary.counts.size(), 7u);
    EXPECT_NEAR(mA.binary.counts.front().voltage, 1.4e-3, 1e-15);
    EXPECT_NEAR(mA.binary.counts.back().voltage, 2.2e-3, 1e-15);
    EXPECT_EQ(inspectCsv(kGood + "counts_current_mA.csv").units[0], "mA");
    // "I_uA" with one row per pulse: microamperes, counted per current.
    const auto uA = loadDeviceFile(kGood + "pulse_log_current_uA.csv");
    EXPECT_EQ(uA.drive, Drive::Current);
    ASSERT_EQ(uA.binary.counts.size(), 5u);
    EXPECT_NEAR(uA.binary.counts[1].voltage, 950e-6, 1e-15);
    EXPECT_EQ(uA.binary.counts[3].switches, 3);
    EXPECT_EQ(uA.binary.counts[3].trials, 4);
    // A column named "current" without a unit is in amperes; volts stay volts.
    const std::string bare = tmpPath("current_bare.csv");
    {
        FILE* f = std::fopen(bare.c_str(), "w");
        std::fputs("current,switches,trials\n0.0015,10,100\n0.0020,60,100\n", f);
        std::fclose(f);
    }
    EXPECT_EQ(loadDeviceFile(bare).drive, Drive::Current);
    EXPECT_EQ(loadDeviceFile(kGood + "counts_semicolon_mV.csv").drive, Drive::Voltage);
    // NumPy: an array named `current`.
    const auto npz = loadDeviceFile(kGood + "current.npz");
    EXPECT_EQ(npz.drive, Drive::Current);
    const auto fit = fitSigmoid(npz.binary.counts, true);
    EXPECT_NEAR(fit.v50(), 1.8e-3, 1e-6);
    EXPECT_NEAR(fit.width(), 0.1e-3, 1e-6);
}

TEST(Drive, ChosenDriveAndContradictingUnitsAreChecked)
{
    // An amplitude column without a unit is volts unless the user says current.
    const std::string plain = tmpPath("amplitude.csv");
    {
        FILE* f = std::fopen(plain.c_str(), "w");
        std::fputs("amplitude,switches,trials\n0.0015,10,100\n0.0020,60,100\n", f);
        std::fclose(f);
    }
    EXPECT_EQ(loadDeviceFile(plain).drive, Drive::Voltage);
    DeviceLoadOptions o;
    o.drive = Drive::Current;
    EXPECT_EQ(loadDeviceFile(plain, o).drive, Drive::Current);
    // ... but a unit of the other quantity is an error naming the column.
    try {
        loadDeviceFile(kGood + "counts_semicolon_mV.csv", o);
        FAIL() << "no error for mV in a file read as current";
    } catch (const FileFormatError& e) {
        EXPECT_TRUE(contains(e.what(), "a current unit")) << e.what();
        EXPECT_TRUE(contains(e.what(), "'mV'")) << e.what();
    }
    // "voltage (mA)" contradicts itself.
    const std::string bad = tmpPath("voltage_mA.csv");
    {
        FILE* f = std::fopen(bad.c_str(), "w");
        std::fputs("voltage (mA),switches,trials\n1.5,10,100\n2.0,60,100\n", f);
        std::fclose(f);
    }
    EXPECT_THROW(loadDeviceFile(bad), FileFormatError);
}

TEST(Drive, SurvivesCsvHdf5AndLutRoundTrips)
{
    const DeviceData d = currentDevice();
    for (const std::string ext : {".csv", ".h5"}) {
        const std::string path = tmpPath("current_device" + ext);
        if (ext == ".csv")
            saveEventsCsv(d, path);
        else
            saveDeviceHdf5(d, path);
        const DeviceData back = loadDeviceFile(path);
        EXPECT_EQ(back.drive, Drive::Current) << ext;
        ASSERT_EQ(back.binary.counts.size(), d.binary.counts.size()) << ext;
        for (std::size_t i = 0; i < d.binary.counts.size(); ++i)
            EXPECT_NEAR(back.binary.counts[i].voltage, d.binary.counts[i].voltage, 1e-15) << ext;
    }
    const auto fit = fitSigmoid(d.binary.counts, true);
    const Lut lut = buildBinaryLut(d, &fit, LutOptions{});
    EXPECT_EQ(lut.drive, Drive::Current);
    EXPECT_NEAR(lut.centreVoltage, fit.v50(), 1e-3 * fit.v50());
    for (const std::string ext : {".csv", ".h5"}) {
        const std::string path = tmpPath("current_lut" + ext);
        saveLut(lut, path);
        const Lut back = loadLut(path);
        EXPECT_EQ(back.drive, Drive::Current) << ext;
        EXPECT_NEAR(back.vMin(), lut.vMin(), 1e-15) << ext;
        EXPECT_NEAR(back.value(0, fit.v50()), 0.5, 0.01) << ext;
    }
    // A voltage LUT stays a voltage LUT (no drive line in the CSV, as before).
    BinarySimulationOptions vo;
    const DeviceData v = simulateBinaryDevice(vo);
    const auto vfit = fitSigmoid(v.binary.counts, true);
    const std::string vpath = tmpPath("voltage_lut.csv");
    saveLut(buildBinaryLut(v, &vfit, LutOptions{}), vpath);
    EXPECT_EQ(loadLut(vpath).drive, Drive::Voltage);
}

TEST(Drive, ReportsShowMilliamperesWithTheTruthInsideTheInterval)
{
    const DeviceData d = currentDevice();
    const auto fit = fitSigmoid(d.binary.counts, true);
    // The truth (simulated in volts, read as mA) lies inside the 95 % intervals.
    EXPECT_LT(fit.parameters[0].lower, 1.8e-3);
    EXPECT_GT(fit.parameters[0].upper, 1.8e-3);
    const DriveDisplay shown = driveDisplay(d);
    EXPECT_EQ(shown.unit, "mA");
    EXPECT_EQ(shown.factor, 1e3);
    const std::string r = formatSigmoidReport(fit, shown);
    EXPECT_TRUE(contains(r, "p(I) = 1 / (1 + exp(-(I - I50)/w))")) << r;
    char line[128];
    std::snprintf(line, sizeof line, "I50      = %10.5f mA", fit.v50() * 1e3);
    EXPECT_TRUE(contains(r, line)) << r << "\nmissing: " << line;
    std::snprintf(line, sizeof line, "10-90 %% width = 2 ln 9 w = %.5f mA",
                  kWidth10To90 * fit.width() * 1e3);
    EXPECT_TRUE(contains(r, line)) << r << "\nmissing: " << line;
    EXPECT_FALSE(contains(r, "V50")) << r;
    const std::string table = formatEstimateTable(estimateProportions(d.binary), shown);
    EXPECT_TRUE(contains(table, "current [mA]")) << table;
    // The units follow the magnitude: microamperes, amperes; volts stay volts.
    EXPECT_EQ(driveDisplay(Drive::Current, 5e-4).unit, "uA");
    EXPECT_EQ(driveDisplay(Drive::Current, 2.0).unit, "A");
    EXPECT_EQ(driveDisplay(Drive::Voltage, 1e-3).unit, "V");
    EXPECT_EQ(driveName("V_3", Drive::Current), "I_3");
    EXPECT_EQ(driveName("w", Drive::Current), "w");
}

TEST(Drive, CurrentDrivenEnergyIsISquaredR4T)
{
    EnergyParameters p;
    p.drive = Drive::Current;
    p.currentA = 1e-3;  // 1 mA through the 365-ohm track for 30 + 10 ns
    const auto e = sampleEnergy(p);
    EXPECT_NEAR(e.energyJ, 1e-6 * 365 * 40e-9, 1e-24);  // 14.6 pJ
    EXPECT_NEAR(e.trackVoltageV, 0.365, 1e-12);
    EXPECT_NEAR(e.trackCurrentA, 1e-3, 1e-15);
    EXPECT_NEAR(sampleEnergyAt(p, 2e-3), 4 * e.energyJ, 1e-24);
    // The same track current from a voltage drive costs the same: V = I R2.
    EnergyParameters v;
    v.voltageV = 1e-3 * v.twoPointResistanceOhm;
    EXPECT_NEAR(sampleEnergy(v).energyJ, e.energyJ, 1e-9 * e.energyJ);
}

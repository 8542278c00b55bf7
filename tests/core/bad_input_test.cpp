// Every file in tests/data/bad/ gives one clear error (or warning) naming the file, the
// location and what was expected vs found, and a failed load leaves the caller's data as
// it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "dwmtj/sigmoid_fit.h"

using namespace dwmtj::core;

namespace {
const std::string kBad = std::string(DWMTJ_TEST_DATA_DIR) + "/bad/";

struct BadCase {
    const char* file;
    const char* expectedText;  ///< must appear in the message
};

class BadInput : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInput, GivesClearErrorAndKeepsPreviousData)
{
    const auto& c = GetParam();
    DeviceData current =
        loadDeviceFile(std::string(DWMTJ_DATASETS_DIR) + "/binary-device-counts.csv");
    const auto before = current.binary.counts;
    const std::string path = kBad + c.file;
    try {
        current = loadDeviceFile(path);
        FAIL() << c.file << ": expected a FileFormatError";
    } catch (const FileFormatError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find(path), std::string::npos) << "message does not name the file: " << msg;
        EXPECT_NE(msg.find(c.expectedText), std::string::npos) << "message: " << msg;
        EXPECT_NE(msg.find("expected"), std::string::npos) << msg;
        EXPECT_NE(msg.find("found"), std::string::npos) << msg;
    }
    ASSERT_EQ(current.binary.counts.size(), before.size());
    for (std::size_t i = 0; i < before.size(); ++i) {
        EXPECT_EQ(current.binary.counts[i].voltage, before[i].voltage);
        EXPECT_EQ(current.binary.counts[i].switches, before[i].switches);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, BadInput,
    ::testing::Values(
        BadCase{"empty.csv", "empty file"}, BadCase{"header_only.csv", "header only"},
        BadCase{"wrong_columns.csv", "columns of one known shape"},
        BadCase{"text_in_number.csv", "line 3, column 'voltage'"},
        BadCase{"nan_value.csv", "finite number"}, BadCase{"inf_value.csv", "finite number"},
        BadCase{"negative_counts.csv", "whole number >= 0"},
        BadCase{"switches_gt_trials.csv", "switches <= trials"},
        BadCase{"duplicate_voltage.csv", "one row per voltage"},
        BadCase{"ragged_row.csv", "3 fields"},
        BadCase{"probability_out_of_range.csv", "probability in [0, 1]"},
        BadCase{"unknown_unit.csv", "voltage unit"},
        BadCase{"no_header_ambiguous.csv", "header naming the columns"},
        BadCase{"state_zero.csv", "whole number >= 1"},
        BadCase{"traces_one_level.csv", "two distinct resistance levels"},
        BadCase{"traces_pulse_gap.csv", "pulses numbered 1, 2, 3"},
        BadCase{"binary_garbage.csv", "NUL byte"}, BadCase{"unsupported.xlsx", "extension '.xlsx'"},
        BadCase{"truncated.h5", "truncated"}, BadCase{"wrong_dtype.h5", "/counts/voltage"},
        BadCase{"no_groups.h5", "/traces, /events, /counts or /multistate"},
        BadCase{"mismatched_lengths.h5", "/counts/switches"}, BadCase{"huge_dims.h5", "at most"},
        BadCase{"npy_wrong_shape.npy", "shape (N, 2)"},
        BadCase{"npy_big_endian.npy", "little-endian"}, BadCase{"npy_truncated.npy", "truncated"},
        BadCase{"npz_wrong_names.npz", "arrays 'voltage' (or 'current') and 'probability'"},
        BadCase{"current_in_volts.csv", "a current unit (A, mA, uA, nA)"},
        BadCase{"npz_inflation_bomb.npz", "arrays under 256 MiB in all"},
        BadCase{"multistate_state_typo.csv", "--states 43"},
        BadCase{"lut_crashes_libhdf5.h5", "crashes libhdf5"},
        BadCase{"does_not_exist.csv", "no such file"}),
    [](const auto& info) {
        std::string n = info.param.file;
        for (char& ch : n)
            if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
        return n;
    });

struct WarnCase {
    const char* file;
    const char* warning;
    const char* fitError;  ///< nullptr: the fit works
};

class WarnInput : public ::testing::TestWithParam<WarnCase> {};

TEST_P(WarnInput, LoadsWithWarningAndFitExplains)
{
    const auto& c = GetParam();
    const auto d = loadDeviceFile(kBad + c.file);
    std::string all;
    for (const auto& w : d.warnings) all += w.message + "\n";
    EXPECT_NE(all.find(c.warning), std::string::npos) << all;
    if (c.fitError) {
        try {
            fitSigmoid(d.binary.counts, d.binary.trialsKnown);
            FAIL() << "expected FitError";
        } catch (const FitError& e) {
            EXPECT_NE(std::string(e.what()).find(c.fitError), std::string::npos) << e.what();
        }
    } else {
        EXPECT_NO_THROW(fitSigmoid(d.binary.counts, d.binary.trialsKnown));
    }
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, WarnInput,
    ::testing::Values(WarnCase{"nonmonotonic.csv", "not in increasing order", nullptr},
                      WarnCase{"single_voltage.csv", "only one voltage", "at least 2 voltages"},
                      WarnCase{"all_zero.csv", "never switched", "no switching was observed"},
                      WarnCase{"all_one.csv", "every pulse", "every pulse at every voltage"}),
    [](const auto& info) {
        std::string n = info.param.file;
        for (char& ch : n)
            if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
        return n;
    });

TEST(BadInput, EveryCorpusFileHasATest)
{
    // Keeps the corpus and the tables above in step.
    std::set<std::string> tested = {
        "empty.csv", "header_only.csv", "wrong_columns.csv", "text_in_number.csv", "nan_value.csv",
        "inf_value.csv", "negative_counts.csv", "switches_gt_trials.csv", "duplicate_voltage.csv",
        "ragged_row.csv", "probability_out_of_range.csv", "unknown_unit.csv",
        "no_header_ambiguous.csv", "state_zero.csv", "traces_one_level.csv", "traces_pulse_gap.csv",
        "binary_garbage.csv", "unsupported.xlsx", "truncated.h5", "wrong_dtype.h5", "no_groups.h5",
        "mismatched_lengths.h5", "huge_dims.h5", "npy_wrong_shape.npy", "npy_big_endian.npy",
        "npy_truncated.npy", "npz_wrong_names.npz", "nonmonotonic.csv", "single_voltage.csv",
        "all_zero.csv", "all_one.csv", "make_binary_bad.py", "npz_inflation_bomb.npz",
        "multistate_state_typo.csv", "lut_crashes_libhdf5.h5", "make_hostile.py",
        "current_in_volts.csv",
        // LUT files: tested in hostile_file_test.
        "lut_bare_comment.csv", "lut_unknown_kind.csv"};
    for (const auto& entry : std::filesystem::directory_iterator(kBad))
        EXPECT_TRUE(tested.count(entry.path().filename().string()))
            << entry.path() << " has no test";
}

// Every registered format has a good file (tests/data/good or the bundled datasets), bad files
// and a fuzz target.
TEST(DeviceReaders, EveryFormatHasGoodAndBadFilesAndAFuzzTarget)
{
    const std::string good = std::string(DWMTJ_TEST_DATA_DIR) + "/good/";
    for (const DeviceReader& r : deviceReaders()) {
        auto has = [&](const std::string& dir) {
            for (const auto& e : std::filesystem::directory_iterator(dir))
                if (deviceReaderFor(e.path().string()) == &r) return true;
            return false;
        };
        EXPECT_TRUE(has(kBad)) << r.id << ": no malformed file in " << kBad;
        EXPECT_TRUE(has(good) || has(DWMTJ_DATASETS_DIR))
            << r.id << ": no good file in " << good << " or " << DWMTJ_DATASETS_DIR;
        EXPECT_TRUE(std::filesystem::exists(std::string(DWMTJ_SOURCE_DIR) +
                                            "/tests/fuzz/fuzz_device_" + r.id + ".cpp"))
            << r.id << ": no fuzz target tests/fuzz/fuzz_device_" << r.id << ".cpp";
    }
}

// A format registered at run time is used everywhere the built-in ones are: loading, folder
// listing, the file dialogs' patterns and the message that names the accepted formats.
TEST(DeviceReaders, ARegisteredFormatIsUsedEverywhere)
{
    registerDeviceReader({"dummy",
                          "test format",
                          {".DWDummy"},
                          nullptr,
                          [](const std::string&, const DeviceLoadOptions&) {
                              DeviceData d;
                              d.kind = DeviceKind::Binary;
                              d.binary.counts = {{0.5, 3, 10, 0.3}};
                              return d;
                          }});
    EXPECT_THROW(registerDeviceReader(
                     {"dummy2",
                      "clash",
                      {".csv"},
                      nullptr,
                      [](const std::string&, const DeviceLoadOptions&) { return DeviceData{}; }}),
                 OptionsError);
    const auto dir = std::filesystem::temp_directory_path() / "dwmtj-dummy-reader";
    std::filesystem::create_directories(dir);
    const std::string file = (dir / "device.dwdummy").string();
    {
        std::ofstream(file) << "anything";
    }
    const DeviceData d = loadDeviceFile(file);
    ASSERT_EQ(d.binary.counts.size(), 1u);
    EXPECT_EQ(d.binary.counts[0].switches, 3);
    EXPECT_EQ(d.sourcePath, file);
    EXPECT_EQ(deviceFilesIn(dir.string()), std::vector<std::string>{file});
    EXPECT_NE(deviceFilePatterns().find("*.dwdummy"), std::string::npos);
    try {
        loadDeviceFile(kBad + "unsupported.xlsx");
        FAIL();
    } catch (const FileFormatError& e) {
        EXPECT_NE(std::string(e.what()).find(".dwdummy"), std::string::npos) << e.what();
    }
    std::filesystem::remove_all(dir);
}

// A file without an extension is recognized by its signature.
TEST(DeviceReaders, AFileWithoutExtensionIsSniffed)
{
    const auto dir = std::filesystem::temp_directory_path() / "dwmtj-sniff";
    std::filesystem::create_directories(dir);
    const std::string good = std::string(DWMTJ_TEST_DATA_DIR) + "/good/";
    std::filesystem::copy_file(good + "probabilities.npy", dir / "numpy",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(good + "counts_semicolon_mV.csv", dir / "table",
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(deviceReaderFor((dir / "numpy").string())->id, "numpy");
    EXPECT_EQ(deviceReaderFor((dir / "table").string())->id, "csv");
    EXPECT_EQ(loadDeviceFile((dir / "numpy").string()).binary.counts.size(),
              loadDeviceFile(good + "probabilities.npy").binary.counts.size());
    {
        std::ofstream(dir / "binary", std::ios::binary) << std::string("\x01\x00\x02", 3);
    }
    EXPECT_EQ(deviceReaderFor((dir / "binary").string()), nullptr);
    EXPECT_THROW(loadDeviceFile((dir / "binary").string()), FileFormatError);
    std::filesystem::remove_all(dir);
}

}  // namespace

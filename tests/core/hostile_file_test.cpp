// Files from elsewhere are untrusted: an HDF5 attribute that should hold one number or one
// string but holds an array (the first class of crashes a fuzzing campaign found, see
// issue 11) is refused with a FileFormatError naming the file, the attribute, what was
// expected and what was found, instead of being read past the end of one variable.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "dwmtj/lut.h"
#include "dwmtj/simulate.h"

using namespace dwmtj::core;
namespace fs = std::filesystem;

namespace {

std::string goodExperiment(const std::string& name)
{
    const auto dir = fs::temp_directory_path() / ("dwmtj-hostile-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    Experiment e;
    e.config.seeds = {0};
    RunRecord r;
    r.seed = 0;
    r.status = RunStatus::Completed;
    r.epochLoss = {1.0};
    e.runs.push_back(r);
    const std::string path = (dir / name).string();
    saveExperiment(e, path);
    return path;
}

/// Replaces attribute `name` of `obj` by an array attribute of `n` elements of `type`.
void replaceWithArray(const std::string& path, const char* obj, const char* name, hid_t type,
                      hsize_t n)
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    const hid_t o = H5Oopen(f, obj, H5P_DEFAULT);
    H5Adelete(o, name);
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t a = H5Acreate2(o, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    std::vector<char> zeros(std::size_t(n) * H5Tget_size(type), 0);
    H5Awrite(a, type, zeros.data());
    H5Aclose(a);
    H5Sclose(space);
    H5Oclose(o);
    H5Fclose(f);
}

void expectRefused(const std::string& path, const std::string& where, const std::string& found)
{
    try {
        loadExperiment(path);
        FAIL() << "expected FileFormatError for " << where;
    } catch (const FileFormatError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(path), std::string::npos) << m;
        EXPECT_NE(m.find(where), std::string::npos) << m;
        EXPECT_NE(m.find(found), std::string::npos) << m;
    }
}

}  // namespace

TEST(HostileFiles, ArrayAttributesWhereOneValueBelongsAreRefused)
{
    // /config@timesteps with 2 elements (a number read into one double).
    const std::string a = goodExperiment("timesteps.h5");
    replaceWithArray(a, "/config", "timesteps", H5T_NATIVE_DOUBLE, 2);
    expectRefused(a, "/config@timesteps", "an array of 2 elements");
    // /config@seeds as 4096 doubles where a string belongs: the type is refused first.
    const std::string b = goodExperiment("seeds.h5");
    replaceWithArray(b, "/config", "seeds", H5T_NATIVE_DOUBLE, 4096);
    expectRefused(b, "/config@seeds", "non-string");
    // /@format as a fixed-length string array of 64 (a string read into one buffer).
    const std::string c = goodExperiment("format.h5");
    const hid_t fixed = H5Tcopy(H5T_C_S1);
    H5Tset_size(fixed, 16);
    replaceWithArray(c, "/", "format", fixed, 64);
    H5Tclose(fixed);
    expectRefused(c, "/@format", "an array of 64 elements");
    // A variable-length string attribute stored as an array.
    const std::string d = goodExperiment("neuron.h5");
    const hid_t vlen = H5Tcopy(H5T_C_S1);
    H5Tset_size(vlen, H5T_VARIABLE);
    {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        const hid_t f = H5Fopen(d.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        const hid_t o = H5Oopen(f, "/config", H5P_DEFAULT);
        H5Adelete(o, "neuron");
        const hsize_t n = 3;
        const hid_t space = H5Screate_simple(1, &n, nullptr);
        const hid_t at = H5Acreate2(o, "neuron", vlen, space, H5P_DEFAULT, H5P_DEFAULT);
        const char* values[3] = {"lif", "binary", "multistate"};
        H5Awrite(at, vlen, values);
        H5Aclose(at);
        H5Sclose(space);
        H5Oclose(o);
        H5Fclose(f);
    }
    H5Tclose(vlen);
    expectRefused(d, "/config@neuron", "an array of 3 elements");
    fs::remove_all(fs::path(a).parent_path());
}

TEST(HostileFiles, SizesAFileAsksForAreCheckedBeforeAllocating)
{
    // An experiment file whose configuration asks for hidden 100000 or threads 1e9 is
    // refused at load (not built and sent to OpenMP); 1e12 is not cast to int.
    const std::string a = goodExperiment("hidden.h5");
    for (const auto& [name, value, found] :
         {std::tuple{"hidden", 100000.0, "hidden size must be 1..8192"},
          std::tuple{"threads", 1e9, "threads must be 0..1024"},
          std::tuple{"timesteps", 1e12, "an integer"}}) {
        const std::string p = goodExperiment(std::string(name) + ".h5");
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        const hid_t f = H5Fopen(p.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        const hid_t o = H5Oopen(f, "/config", H5P_DEFAULT);
        const hid_t at = H5Aopen(o, name, H5P_DEFAULT);
        H5Awrite(at, H5T_NATIVE_DOUBLE, &value);
        H5Aclose(at);
        H5Oclose(o);
        H5Fclose(f);
        expectRefused(p, "/config", found);
    }
    // A multi-state device file with a state of 2 000 000 000.
    const auto dir = fs::path(a).parent_path();
    const std::string csv = (dir / "states.csv").string();
    {
        std::ofstream out(csv);
        out << "voltage,cycle,state\n1.0,1,1\n1.5,1,2\n2.0,1,2000000000\n";
    }
    try {
        loadDeviceFile(csv);
        FAIL() << "expected FileFormatError";
    } catch (const FileFormatError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("states.csv"), std::string::npos) << m;
        EXPECT_NE(m.find("a state in 1..64"), std::string::npos) << m;
        EXPECT_NE(m.find("2000000000"), std::string::npos) << m;
    }
    // A FIFO or a character device given as a file is refused, not read (forever).
    const std::string fifo = (dir / "lut.csv").string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_THROW(loadLut(fifo), FileFormatError);
    EXPECT_THROW(loadDeviceFile(fifo), FileFormatError);
    EXPECT_THROW(loadLut("/dev/zero"), FileFormatError);
    EXPECT_THROW(loadExperiment("/dev/zero"), FileFormatError);
    fs::remove_all(dir);
}

TEST(HostileFiles, LookupTablesAreCheckedWhereverTheyAreRead)
{
    const auto dir =
        fs::temp_directory_path() / ("dwmtj-hostile-lut-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    BinarySimulationOptions so;
    so.seed = 4;
    const DeviceData d = simulateBinaryDevice(so);
    LutOptions lo;
    lo.size = 32;
    lo.source = LutSource::Empirical;
    const Lut lut = buildBinaryLut(d, nullptr, lo);
    // A LUT CSV whose '# num_states=64' comes after a binary header: the columns are fixed
    // by then (reading 64 states from 3 columns overran the row).
    const std::string csv = (dir / "late.csv").string();
    saveLut(lut, csv);
    {
        std::ofstream out(csv, std::ios::app);
        out << "# num_states=64\n";
        out << "3.0,0.5,0.1\n";
    }
    try {
        loadLut(csv);
        FAIL() << "expected FileFormatError";
    } catch (const FileFormatError& e) {
        EXPECT_NE(std::string(e.what()).find("before the column header"), std::string::npos)
            << e.what();
    }
    // An experiment file whose LUT holds a NaN probability is refused at load.
    Experiment e;
    e.config.seeds = {0};
    e.config.neuron = NeuronKind::Binary;
    e.lut = lut;
    const std::string path = (dir / "nan-lut.h5").string();
    saveExperiment(e, path);
    {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        const hid_t ds = H5Dopen2(f, "/lut/curves", H5P_DEFAULT);
        std::vector<double> v(lut.voltage.size());
        H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
        v[5] = std::nan("");
        H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
        H5Dclose(ds);
        H5Fclose(f);
    }
    expectRefused(path, "/lut", "nan");
    fs::remove_all(dir);
}

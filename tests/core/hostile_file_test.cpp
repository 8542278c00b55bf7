// Files from elsewhere are untrusted: an HDF5 attribute that should hold one number or one
// string but holds an array (the first class of crashes a fuzzing campaign found, see
// issue 11) is refused with a FileFormatError naming the file, the attribute, what was
// expected and what was found, instead of being read past the end of one variable.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "dwmtj/fashion_mnist.h"
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

/// The message of the FileFormatError that `load` throws (a test failure if it throws none).
template <typename F>
std::string refusal(F&& load)
{
    try {
        load();
    } catch (const FileFormatError& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected FileFormatError";
    return {};
}

void expectRefused(const std::string& path, const std::string& where, const std::string& found)
{
    const std::string m = refusal([&] { loadExperiment(path); });
    EXPECT_NE(m.find(path), std::string::npos) << where << ": " << m;
    EXPECT_NE(m.find(where), std::string::npos) << m;
    EXPECT_NE(m.find(found), std::string::npos) << m;
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
    const std::string m = refusal([&] { loadDeviceFile(csv); });
    EXPECT_NE(m.find("states.csv"), std::string::npos) << m;
    EXPECT_NE(m.find("a state in 1..64"), std::string::npos) << m;
    EXPECT_NE(m.find("2000000000"), std::string::npos) << m;
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
    const std::string late = refusal([&] { loadLut(csv); });
    EXPECT_NE(late.find("before the column header"), std::string::npos) << late;
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

namespace {

std::string scratch(const std::string& name)
{
    const auto dir = fs::temp_directory_path() / ("dwmtj-hostile2-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    return (dir / name).string();
}

/// A copy of a small trained experiment file (hidden 4, two seeds, checkpoints, noise
/// curves; the fuzzing campaign's base file).
std::string trainedExperiment(const std::string& name)
{
    const std::string path = scratch(name);
    fs::copy_file(std::string(DWMTJ_SOURCE_DIR) + "/tests/fuzz/bases/experiment/binary.h5", path,
                  fs::copy_options::overwrite_existing);
    return path;
}

/// Replaces dataset `dset` by a float64 dataset of extents `dims` (zeros).
void replaceDataset(const std::string& path, const char* dset, std::vector<hsize_t> dims)
{
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    ASSERT_GE(H5Ldelete(f, dset, H5P_DEFAULT), 0) << dset;
    const hid_t space = H5Screate_simple(int(dims.size()), dims.data(), nullptr);
    const hid_t d =
        H5Dcreate2(f, dset, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t n = 1;
    for (auto x : dims) n *= x;
    std::vector<double> zeros(std::size_t(n), 0.0);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data());
    H5Dclose(d);
    H5Sclose(space);
    H5Fclose(f);
}

}  // namespace

TEST(HostileFiles, DatasetShapesAreCheckedAgainstTheirSiblingsBeforeReading)
{
    // A checkpoint entry whose shape disagrees with /config@hidden, named where it is read.
    const std::string a = trainedExperiment("shape.h5");
    ASSERT_NO_THROW(loadExperiment(a));
    replaceDataset(a, "/runs/seed_0/checkpoint_best/fc2.weight", {3, 4});
    std::string m = refusal([&] { loadExperiment(a); });
    EXPECT_NE(m.find(a), std::string::npos) << m;
    EXPECT_NE(m.find("/runs/seed_0/checkpoint_best/fc2.weight"), std::string::npos) << m;
    EXPECT_NE(m.find("expected 4 x 4 (hidden 4 in /config)"), std::string::npos) << m;
    EXPECT_NE(m.find("found 3 x 4"), std::string::npos) << m;

    // A noise curve with one accuracy more than it has sigmas.
    const std::string b = trainedExperiment("noise.h5");
    replaceDataset(b, "/runs/seed_0/noise/pixel/accuracy", {3});
    m = refusal([&] { loadExperiment(b); });
    EXPECT_NE(m.find("/runs/seed_0/noise/pixel/accuracy"), std::string::npos) << m;
    EXPECT_NE(m.find("expected 2 (one value per /runs/seed_0/noise/pixel/sigma)"),
              std::string::npos)
        << m;

    // A device file whose cycle column is one row short, and one whose voltages are a matrix.
    const std::string c = scratch("device.h5");
    fs::copy_file(std::string(DWMTJ_DATASETS_DIR) + "/multistate-device.h5", c,
                  fs::copy_options::overwrite_existing);
    const auto rows = loadDeviceFile(c).multi.observations.size();
    replaceDataset(c, "/multistate/cycle", {hsize_t(rows - 1)});
    m = refusal([&] { loadDeviceFile(c); });
    EXPECT_NE(
        m.find("/multistate/cycle: expected " + std::to_string(rows) +
               " (one value per row of /multistate/voltage), found " + std::to_string(rows - 1)),
        std::string::npos)
        << m;
    replaceDataset(c, "/multistate/voltage", {2, 3});
    m = refusal([&] { loadDeviceFile(c); });
    EXPECT_NE(m.find("/multistate/voltage: expected any length, found rank 2 (2 x 3)"),
              std::string::npos)
        << m;
    fs::remove_all(fs::path(a).parent_path());
}

TEST(HostileFiles, ExternalLinksAreNeverFollowed)
{
    // A link from an experiment file to a FIFO would block the reader forever; to a device,
    // read without end. External links are not followed at all.
    const std::string path = trainedExperiment("elink.h5");
    const std::string fifo = scratch("fifo.h5");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    // Made with h5py, as a sender would: a loader run earlier in this process has
    // unregistered the external link class, and with it the means to create one here.
    const std::string cmd =
        "/usr/bin/python3 -c \"import h5py, sys; f = h5py.File(sys.argv[1], 'r+'); "
        "del f['runs/seed_0/batch_loss']; "
        "f['runs/seed_0/batch_loss'] = h5py.ExternalLink(sys.argv[2], '/x')\" " +
        path + " " + fifo;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    const auto start = std::chrono::steady_clock::now();
    const std::string m = refusal([&] { loadExperiment(path); });
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
    EXPECT_NE(m.find("/runs/seed_0/batch_loss"), std::string::npos) << m;
    fs::remove_all(fs::path(path).parent_path());
}

TEST(HostileFiles, AFileThatCrashesLibhdf5IsRefusedAndTheProgramGoesOn)
{
    // libhdf5 1.10.8 itself crashes on this corrupt LUT (tests/data/bad/make_hostile.py).
    // Every HDF5 loader reads a file in a child process first: the child dies, the loader
    // refuses the file, and this process carries on.
    const std::string bad = std::string(DWMTJ_TEST_DATA_DIR) + "/bad/lut_crashes_libhdf5.h5";
    for (const auto& m : {refusal([&] { loadLut(bad); }), refusal([&] { loadExperiment(bad); }),
                          refusal([&] { loadDeviceFile(bad); })}) {
        EXPECT_NE(m.find(bad), std::string::npos) << m;
        EXPECT_NE(m.find("crashes libhdf5"), std::string::npos) << m;
        EXPECT_NE(m.find("separate process"), std::string::npos) << m;
    }
    // The same LUT unharmed still loads in this process.
    EXPECT_NO_THROW(loadLut(std::string(DWMTJ_SOURCE_DIR) + "/tests/fuzz/bases/lut/binary.h5"));
}

TEST(HostileFiles, TextFilesOfEndlessLinesAndOddCommentsAreHandled)
{
    // A LUT CSV holding a bare '#' line loads (it threw std::out_of_range); an unknown kind
    // is refused, not read as binary; a line of 1 MB without a newline is refused without
    // being held in memory.
    const std::string bad = std::string(DWMTJ_TEST_DATA_DIR) + "/bad/";
    EXPECT_NO_THROW(loadLut(bad + "lut_bare_comment.csv"));
    const std::string kind = refusal([&] { loadLut(bad + "lut_unknown_kind.csv"); });
    EXPECT_NE(kind.find("lut_unknown_kind.csv"), std::string::npos) << kind;
    EXPECT_NE(kind.find("line 2: expected kind=binary or kind=multistate, found 'trinary'"),
              std::string::npos)
        << kind;
    const std::string endless = scratch("endless.csv");
    std::ofstream(endless) << "# dwmtj-lut format_version=1\n" << std::string(1 << 20, '1');
    EXPECT_NE(refusal([&] { loadLut(endless); }).find("line 2: expected a line under 64 KiB"),
              std::string::npos);
    const std::string device = scratch("endless-device.csv");
    std::ofstream(device) << "voltage,switches,trials\n" << std::string(3 << 20, '1');
    EXPECT_NE(refusal([&] { loadDeviceFile(device); }).find("lines under 1 MiB"),
              std::string::npos);
    fs::remove_all(fs::path(endless).parent_path());
}

TEST(HostileFiles, AGzipBombGivenAsFashionMnistIsRefused)
{
    // 300 MiB of zeros compress to a few hundred KB; the IDX reader stops at 256 MiB.
    const auto dir = fs::path(scratch("x")).parent_path() / "idx";
    fs::create_directories(dir);
    for (const char* name : {"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
        gzFile f = gzopen((dir / name).c_str(), "wb9");
        ASSERT_NE(f, nullptr);
        const std::vector<char> zeros(1 << 20, 0);
        for (int k = 0; k < 300; ++k) gzwrite(f, zeros.data(), unsigned(zeros.size()));
        gzclose(f);
    }
    const std::string m = refusal([&] { loadFashionMnist(dir.string(), FashionSplit::Test); });
    EXPECT_NE(m.find("t10k-images-idx3-ubyte.gz"), std::string::npos) << m;
    EXPECT_NE(m.find("under 256 MiB uncompressed"), std::string::npos) << m;
    fs::remove_all(dir.parent_path());
}

// A 40-million-row dataset that was declared but never written (a few KB on disk) is refused
// by name from its stored size, before anything allocates 320 MB of fill values for it (the
// probe skips it too).
TEST(HostileFile, DeclaredButUnwrittenDatasetIsRefusedWithoutAllocating)
{
    const auto dir = fs::temp_directory_path() / ("dwmtj-unwritten-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / "device.h5").string();
    saveDeviceHdf5(loadDeviceFile(std::string(DWMTJ_DATASETS_DIR) + "/binary-device-counts.csv"),
                   path);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(f, 0);
    ASSERT_GE(H5Ldelete(f, "/counts/voltage", H5P_DEFAULT), 0);
    const hsize_t rows = 40'000'000, chunk = 4096;
    const hid_t space = H5Screate_simple(1, &rows, nullptr);
    const hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(plist, 1, &chunk);
    const hid_t d =
        H5Dcreate2(f, "/counts/voltage", H5T_IEEE_F64LE, space, H5P_DEFAULT, plist, H5P_DEFAULT);
    ASSERT_GE(d, 0);
    H5Dclose(d);
    H5Pclose(plist);
    H5Sclose(space);
    H5Fclose(f);
    EXPECT_LT(fs::file_size(path), 64u * 1024);
    const std::string m = refusal([&] { loadDeviceFile(path); });
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find("/counts/voltage"), std::string::npos) << m;
    EXPECT_NE(m.find("40000000 elements declared"), std::string::npos) << m;
    fs::remove_all(dir);
}

// The probe is a separate program (fork + exec of dwmtj-h5probe, or $DWMTJ_H5PROBE): it gets
// the file's path, and a crash of that program refuses the file by name.
TEST(HostileFile, TheProbeIsAHelperProgramWhoseCrashRefusesTheFile)
{
    const auto dir = fs::temp_directory_path() / ("dwmtj-probe-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string good = goodExperiment("probed.h5");
    const std::string calls = (dir / "calls").string();
    const std::string recorder = (dir / "record.sh").string();
    std::ofstream(recorder) << "#!/bin/sh\necho \"$@\" >> '" << calls << "'\nexit 0\n";
    const std::string crasher = (dir / "crash.sh").string();
    std::ofstream(crasher) << "#!/bin/sh\nkill -SEGV $$\n";
    fs::permissions(recorder, fs::perms::owner_all);
    fs::permissions(crasher, fs::perms::owner_all);

    ::setenv("DWMTJ_H5PROBE", recorder.c_str(), 1);
    EXPECT_EQ(loadExperiment(good).runs.size(), 1u);
    std::ifstream in(calls);
    std::string line;
    std::getline(in, line);
    EXPECT_EQ(line, good) << "the helper got the file's path";

    ::setenv("DWMTJ_H5PROBE", crasher.c_str(), 1);
    const std::string m = refusal([&] { loadExperiment(good); });
    EXPECT_NE(m.find(good), std::string::npos) << m;
    EXPECT_NE(m.find("crashes libhdf5"), std::string::npos) << m;
    EXPECT_NE(m.find("signal 11"), std::string::npos) << m;
    ::unsetenv("DWMTJ_H5PROBE");
    fs::remove_all(dir);
}

// Nothing a user made is lost when the disk fills up: every writer of the core, on a
// deliberately small file system (a tmpfs mounted for the test; skipped with a message
// where that is not allowed), fails with an error naming the target file, leaves the
// previous file byte-identical and leaves no temporary file behind. Temporary files of
// killed writers are removed on the next write.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "dwmtj/lut.h"
#include "dwmtj/simulate.h"
#include "util/atomic_file.h"

using namespace dwmtj::core;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A tmpfs of `kib` KiB, unmounted at the end of the test.
class SmallDisk {
public:
    explicit SmallDisk(int kib)
    {
        m_dir = (fs::temp_directory_path() / ("dwmtj-small-disk-" + std::to_string(::getpid())))
                    .string();
        fs::create_directories(m_dir);
        const std::string opts = "size=" + std::to_string(kib) + "k";
        if (::mount("tmpfs", m_dir.c_str(), "tmpfs", 0, opts.c_str()) == 0)
            m_mounted = true;
        else
            m_why = std::strerror(errno);
    }
    ~SmallDisk()
    {
        if (m_mounted) ::umount2(m_dir.c_str(), MNT_DETACH);
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    bool mounted() const { return m_mounted; }
    const std::string& why() const { return m_why; }
    std::string path(const std::string& name) const { return m_dir + "/" + name; }
    /// Fills the disk until about `leaveKib` KiB are free.
    void fill(int leaveKib) const
    {
        const auto space = fs::space(m_dir);
        const auto want = space.available > std::uintmax_t(leaveKib) * 1024
                              ? space.available - std::uintmax_t(leaveKib) * 1024
                              : 0;
        std::ofstream f(m_dir + "/filler", std::ios::binary);
        const std::string block(4096, 'x');
        for (std::uintmax_t n = 0; n + block.size() <= want; n += block.size()) f << block;
    }
    std::vector<std::string> files() const
    {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(m_dir))
            out.push_back(e.path().filename().string());
        return out;
    }

private:
    std::string m_dir, m_why;
    bool m_mounted = false;
};

Experiment experimentOfSize(int batches)
{
    Experiment e;
    e.config.seeds = {0};
    RunRecord r;
    r.seed = 0;
    r.status = RunStatus::Completed;
    for (int i = 0; i < batches; ++i) r.batchLoss.push_back(1.0 / (1 + i));
    r.epochLoss = {1.0};
    e.runs.push_back(r);
    return e;
}

/// Expects `write` to fail on the full disk with an error naming `target` (not a temporary
/// file), the previous content of `target` unchanged and no temporary file left.
template <class Write>
void expectKeptOnFullDisk(const SmallDisk& disk, const std::string& target, Write write)
{
    const std::string before = slurp(target);
    ASSERT_FALSE(before.empty());
    try {
        write();
        FAIL() << target << ": expected an error on the full disk";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find(target), std::string::npos) << m;
        EXPECT_EQ(m.find(".tmp."), std::string::npos) << m;
        EXPECT_NE(m.find("previous file is kept"), std::string::npos) << m;
    }
    EXPECT_EQ(slurp(target), before) << target;
    for (const auto& f : disk.files()) EXPECT_EQ(f.find(".tmp."), std::string::npos) << f;
}

}  // namespace

TEST(AtomicWrite, EveryWriterKeepsThePreviousFileWhenTheDiskIsFull)
{
    SmallDisk disk(768);
    if (!disk.mounted())
        GTEST_SKIP() << "cannot mount a small tmpfs here (" << disk.why() << "; needs root)";
    // The previous versions, written while there is room.
    const std::string exp = disk.path("run.h5"), lutH5 = disk.path("lut.h5"),
                      lutCsv = disk.path("lut.csv"), dev = disk.path("device.h5"),
                      text = disk.path("report.md");
    saveExperiment(experimentOfSize(100), exp);
    BinarySimulationOptions so;
    so.seed = 3;
    const DeviceData small = simulateBinaryDevice(so);
    LutOptions lo;
    lo.size = 64;
    const Lut lut = buildBinaryLut(small, nullptr, [&] {
        lo.source = LutSource::Empirical;
        return lo;
    }());
    saveLut(lut, lutH5);
    saveLut(lut, lutCsv);
    saveDeviceHdf5(small, dev);
    detail::writeTextAtomically(text, "# report\n");
    // Now only ~48 KiB are free; every new version is larger than that.
    disk.fill(48);
    expectKeptOnFullDisk(disk, exp, [&] { saveExperiment(experimentOfSize(40000), exp); });
    LutOptions big = lo;
    big.size = 20000;
    big.source = LutSource::Empirical;
    const Lut bigLut = buildBinaryLut(small, nullptr, big);
    expectKeptOnFullDisk(disk, lutH5, [&] { saveLut(bigLut, lutH5); });
    expectKeptOnFullDisk(disk, lutCsv, [&] { saveLut(bigLut, lutCsv); });
    BinarySimulationOptions many = so;
    many.cycles = 4000;
    const DeviceData bigDevice = simulateBinaryDevice(many);
    expectKeptOnFullDisk(disk, dev, [&] { saveDeviceHdf5(bigDevice, dev); });
    expectKeptOnFullDisk(disk, text,
                         [&] { detail::writeTextAtomically(text, std::string(400000, 'x')); });
    // The kept experiment file still reads.
    EXPECT_EQ(loadExperiment(exp).runs.at(0).batchLoss.size(), 100u);
}

TEST(AtomicWrite, TemporaryFilesOfKilledWritersAreRemoved)
{
    const fs::path dir = fs::temp_directory_path() / ("dwmtj-stale-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string target = (dir / "k.h5").string();
    // A pid that cannot be running (above the kernel's pid_max) and our parent, which is.
    std::ofstream(target + ".tmp.999999999") << "left by a killed writer";
    std::ofstream(target + ".tmp." + std::to_string(::getppid())) << "a live writer's";
    std::ofstream((dir / "other.h5.tmp.999999999").string()) << "another file's";
    saveExperiment(experimentOfSize(10), target);
    EXPECT_FALSE(fs::exists(target + ".tmp.999999999"));
    EXPECT_TRUE(fs::exists(target + ".tmp." + std::to_string(::getppid())));
    EXPECT_TRUE(fs::exists(dir / "other.h5.tmp.999999999"));
    EXPECT_EQ(loadExperiment(target).runs.size(), 1u);
    fs::remove_all(dir);
}

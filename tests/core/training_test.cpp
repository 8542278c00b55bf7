// Fashion-MNIST reader, short real training runs on the committed sample, experiment files,
// resume, stop, divergence and noise evaluation (the public, torch-free API only).
#include "dwmtj/training.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "dwmtj/error.h"
#include "dwmtj/fashion_mnist.h"
#include "dwmtj/lut.h"
#include "test_paths.h"

using namespace dwmtj::core;

namespace {

const std::string kSample = std::string(DWMTJ_DATASETS_DIR) + "/fashion-mnist-sample";

TrainingConfig smallConfig(NeuronKind kind)
{
    TrainingConfig c;
    c.neuron = kind;
    c.hidden = 64;
    c.timesteps = 16;
    c.batchSize = 50;
    c.epochs = 3;
    c.seeds = {0};
    c.dataDir = kSample;
    c.validationSize = 500;
    c.learningRate = 2e-3;
    c.threads = 2;
    return c;
}

struct Recorder : TrainingObserver {
    int batches = 0, epochs = 0, finished = 0;
    std::stop_source* stopAfter = nullptr;
    int stopAt = -1;
    BatchProgress last;
    void onBatch(const BatchProgress& p) override
    {
        last = p;
        if (++batches == stopAt && stopAfter) stopAfter->request_stop();
    }
    void onEpoch(const EpochReport&) override { ++epochs; }
    void onRunFinished(const RunRecord&) override { ++finished; }
};

}  // namespace

TEST(FashionMnist, ReadsTheCommittedSample)
{
    const ImageSet train = loadFashionMnist(kSample, FashionSplit::Train);
    const ImageSet test = loadFashionMnist(kSample, FashionSplit::Test);
    EXPECT_EQ(train.size(), 3000);
    EXPECT_EQ(test.size(), 1000);
    ASSERT_EQ(train.pixels.size(), 3000u * 784u);
    float lo = 1, hi = 0;
    for (float p : train.pixels) lo = std::min(lo, p), hi = std::max(hi, p);
    EXPECT_EQ(lo, 0.0f);
    EXPECT_EQ(hi, 1.0f);
    std::vector<int> perClass(10, 0);
    for (auto l : train.labels) perClass[l]++;
    for (int n : perClass) EXPECT_NEAR(n, 300, 60);
    EXPECT_EQ(loadFashionMnist(kSample, FashionSplit::Train, 100).size(), 100);
}

TEST(FashionMnist, MissingAndCorruptFilesGiveClearErrors)
{
    const std::string dir = tmpPath("fmnist_bad");
    std::filesystem::create_directories(dir);
    try {
        loadFashionMnist(dir, FashionSplit::Train);
        FAIL() << "no error for a missing file";
    } catch (const FileFormatError& e) {
        EXPECT_NE(std::string(e.what()).find("train-images-idx3-ubyte.gz"), std::string::npos)
            << e.what();
        EXPECT_NE(std::string(e.what()).find("dataset-fashion-mnist"), std::string::npos)
            << e.what();
    }
    // Truncated data: a valid gzip stream holding only part of the images.
    std::ifstream in(kSample + "/t10k-images-idx3-ubyte.gz", std::ios::binary);
    std::string gz((std::istreambuf_iterator<char>(in)), {});
    std::vector<unsigned char> raw(16 + 784 * 1000);
    uLongf rawLen = 0;
    {
        gzFile f = gzopen((kSample + "/t10k-images-idx3-ubyte.gz").c_str(), "rb");
        rawLen = uLongf(gzread(f, raw.data(), unsigned(raw.size())));
        gzclose(f);
    }
    ASSERT_EQ(rawLen, raw.size());
    gzFile out = gzopen((dir + "/t10k-images-idx3-ubyte.gz").c_str(), "wb");
    gzwrite(out, raw.data(), unsigned(raw.size() / 2));
    gzclose(out);
    std::filesystem::copy_file(kSample + "/t10k-labels-idx1-ubyte.gz",
                               dir + "/t10k-labels-idx1-ubyte.gz",
                               std::filesystem::copy_options::overwrite_existing);
    try {
        loadFashionMnist(dir, FashionSplit::Test);
        FAIL() << "no error for a truncated file";
    } catch (const FileFormatError& e) {
        EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    }
    // Labels given as images: wrong magic number.
    std::filesystem::copy_file(kSample + "/t10k-labels-idx1-ubyte.gz",
                               dir + "/t10k-images-idx3-ubyte.gz",
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_THROW(loadFashionMnist(dir, FashionSplit::Test), FileFormatError);
    // Not gzip at all: garbage bytes are read through (transparent mode) and fail the header.
    std::ofstream(dir + "/t10k-images-idx3-ubyte.gz") << "not an idx file";
    EXPECT_THROW(loadFashionMnist(dir, FashionSplit::Test), FileFormatError);
}

TEST(FashionMnist, SplitIsSeededAndDisjoint)
{
    std::vector<int> a, va, b, vb, c, vc;
    splitTrainValidation(600, 100, 1, a, va);
    splitTrainValidation(600, 100, 1, b, vb);
    splitTrainValidation(600, 100, 2, c, vc);
    EXPECT_EQ(va, vb);
    EXPECT_NE(va, vc);
    EXPECT_EQ(a.size(), 500u);
    std::vector<int> all = a;
    all.insert(all.end(), va.begin(), va.end());
    std::sort(all.begin(), all.end());
    for (int i = 0; i < 600; ++i) ASSERT_EQ(all[size_t(i)], i);
}

// A short real training run per neuron type (H = 64, T = 16, 3 epochs on the 2500-image
// training split of the sample) must clearly beat chance (10 %) on the 1000 test images.
// Thresholds from the measured spread (packaging/training-spread.sh, docs/testing.md):
// 20 seeds x OpenBLAS kernels SkylakeX, Haswell, Sandybridge, Prescott x 1 and 2 threads,
// 160 runs per neuron type. Test accuracy: LIF 55.0-78.0 % (mean 71.4, sd 5.1; the LIF
// trajectory at this size depends strongly on the seed and the kernel: seed 0 gives 55.0 %
// with SkylakeX and 68.5 % with Haswell); binary 75.4-79.5 % (mean 77.6, sd 1.0);
// multi-weight 75.1-80.6 % (mean 78.1, sd 1.0). Best validation accuracy minimum: LIF
// 53.8 %, binary 76.4 %, multi-weight 76.6 %. The thresholds sit 8-10 points below the
// lowest measured value and far above chance.
static double accuracyThreshold(NeuronKind kind) { return kind == NeuronKind::Lif ? 0.45 : 0.67; }
class ShortTraining : public ::testing::TestWithParam<NeuronKind> {};

TEST_P(ShortTraining, LearnsFashionMnistSample)
{
    const TrainingConfig c = smallConfig(GetParam());
    Recorder rec;
    const std::string out = tmpPath(std::string("short_") + toString(GetParam()) + ".h5");
    const Experiment e = runTraining(c, rec, std::stop_token{}, out);
    ASSERT_EQ(e.runs.size(), 1u);
    const RunRecord& r = e.runs[0];
    EXPECT_EQ(r.status, RunStatus::Completed) << r.message;
    EXPECT_EQ(r.epochsDone(), 3);
    EXPECT_EQ(rec.batches, 3 * (2500 / 50));
    EXPECT_EQ(rec.epochs, 3);
    EXPECT_EQ(int(r.batchLoss.size()), 3 * 50);
    EXPECT_GT(r.testAccuracy, accuracyThreshold(GetParam())) << toString(GetParam());
    EXPECT_GT(r.bestValidationAccuracy, accuracyThreshold(GetParam())) << toString(GetParam());
    // The loss falls: the mean of the last 20 batches is below that of the first 20.
    double first = 0, last = 0;
    for (int k = 0; k < 20; ++k)
        first += r.batchLoss[size_t(k)], last += r.batchLoss[r.batchLoss.size() - 1 - size_t(k)];
    EXPECT_LT(last, 0.8 * first);
    EXPECT_EQ(r.energy.valid, GetParam() != NeuronKind::Lif);
    if (r.energy.valid) {
        // One device sample per hidden neuron per step.
        EXPECT_DOUBLE_EQ(r.energy.samplesPerInference, 2.0 * c.hidden * c.timesteps);
        EXPECT_GT(r.energy.energyPerInferenceJ, 0);
        // The voltages applied: every sample of the first device layer counted once, and the
        // histogram's mean square within a bin's reach of that layer's exact one (its share of
        // the energy times the mean square over both layers, whose samples are as many).
        const auto& h = r.energy.voltageCounts;
        ASSERT_EQ(h.size(), 64u);
        double n = 0, v2 = 0;
        const double width = (r.energy.voltageHigh - r.energy.voltageLow) / 64;
        for (size_t k = 0; k < h.size(); ++k) {
            const double v = r.energy.voltageLow + (double(k) + 0.5) * width;
            n += h[k];
            v2 += h[k] * v * v;
        }
        EXPECT_DOUBLE_EQ(n, r.energy.samplesPerInference / 2 * double(e.testImages));
        ASSERT_EQ(r.energy.layerEnergyPerInferenceJ.size(), 2u);
        const double layer1 = 2 * r.energy.meanSquareVoltage *
                              r.energy.layerEnergyPerInferenceJ[0] / r.energy.energyPerInferenceJ;
        EXPECT_NEAR(v2 / n, layer1, 2 * width * r.energy.voltageHigh + 1e-9);
    }
    const Experiment back = loadExperiment(out);
    EXPECT_EQ(back.runs.at(0).testAccuracy, r.testAccuracy);
    EXPECT_EQ(back.runs.at(0).energy.voltageCounts, r.energy.voltageCounts);
    EXPECT_EQ(back.runs.at(0).energy.voltageLow, r.energy.voltageLow);
}

INSTANTIATE_TEST_SUITE_P(Neurons, ShortTraining,
                         ::testing::Values(NeuronKind::Lif, NeuronKind::Binary,
                                           NeuronKind::MultiState),
                         [](const auto& info) { return std::string(toString(info.param)); });

TEST(Experiment, FileRoundTrips)
{
    TrainingConfig c = smallConfig(NeuronKind::Binary);
    c.epochs = 1;
    c.seeds = {3, 12};
    c.trainLimit = 600;
    c.testLimit = 200;
    c.validationSize = 100;
    c.gainVolts = 0.25;
    c.tf32 = true;  // CUDA-only choices: recorded on every device, ignored on the CPU
    c.cudaGraphs = false;
    c.energyR2Ohm = 2000;  // a device other than the paper's
    c.energyR4Ohm = 400;
    c.energyPulseNs = 20;
    c.energyRiseFallNs = 5;
    Recorder rec;
    const std::string out = tmpPath("roundtrip.h5");
    const Experiment e = runTraining(c, rec, std::stop_token{}, out);
    const Experiment b = loadExperiment(out);
    EXPECT_EQ(b.config.neuron, c.neuron);
    EXPECT_EQ(b.config.hidden, c.hidden);
    EXPECT_EQ(b.config.seeds, c.seeds);
    EXPECT_EQ(b.config.gainVolts, 0.25);
    EXPECT_TRUE(std::isnan(b.config.centreVoltage));
    EXPECT_EQ(b.config.dataDir, c.dataDir);
    EXPECT_TRUE(b.config.tf32);
    EXPECT_FALSE(b.config.cudaGraphs);
    EXPECT_EQ(b.config.energyR2Ohm, 2000);
    EXPECT_EQ(b.config.energyR4Ohm, 400);
    EXPECT_EQ(b.config.energyPulseNs, 20);
    EXPECT_EQ(b.config.energyRiseFallNs, 5);
    // The energy per inference uses that device: E(V) = (V R4/R2)^2 / R4 t summed over samples.
    const EnergyReport& en = e.runs.at(0).energy;
    ASSERT_TRUE(en.valid);
    const double perVoltSquared = 400.0 / (2000.0 * 2000.0) * 25e-9;  // J per V^2
    EXPECT_NEAR(en.energyPerInferenceJ,
                perVoltSquared * en.meanSquareVoltage * en.samplesPerInference,
                1e-9 * en.energyPerInferenceJ);
    // NeuroBench's metrics (docs/models.md): the footprint of 784-H-H-10 with two BatchNorms
    // (float32 parameters and running statistics, int64 batch counters), dense trained weights
    // (connection sparsity 0), and the effective ACs as spikes x fan-out of each layer's input.
    const NeuroBenchMetrics& nb = e.runs.at(0).neurobench;
    ASSERT_TRUE(nb.valid);
    const double H = c.hidden, T = c.timesteps;
    const double params = 784 * H + H + 2 * H + H * H + H + 2 * H + 10 * H + 10;
    EXPECT_EQ(nb.footprintBytes, 4 * params + 2 * (4 * 2 * H + 8));
    EXPECT_EQ(nb.connectionSparsity, 0);
    EXPECT_EQ(nb.effectiveMacsPerSample, 0);
    EXPECT_EQ(nb.denseSynOpsPerSample, T * (784 * H + H * H + 10 * H));
    ASSERT_EQ(nb.activationSparsity.size(), 2u);
    for (double a : nb.activationSparsity) EXPECT_TRUE(a > 0 && a < 1) << a;
    EXPECT_TRUE(nb.inputActivationSparsity > 0.5 && nb.inputActivationSparsity < 1)
        << nb.inputActivationSparsity;  // Fashion-MNIST: most pixels are dark
    EXPECT_NEAR(
        nb.effectiveAcsPerSample,
        T * ((1 - nb.inputActivationSparsity) * 784 * H + (1 - nb.activationSparsity[0]) * H * H +
             (1 - nb.activationSparsity[1]) * H * 10),
        1e-9 * nb.effectiveAcsPerSample);
    ASSERT_TRUE(b.lut.has_value());
    EXPECT_EQ(b.lut->curves, e.lut->curves);
    EXPECT_EQ(b.trainImages, 500);
    EXPECT_EQ(b.validationImages, 100);
    EXPECT_EQ(b.testImages, 200);
    EXPECT_NEAR(b.pixelStd, e.pixelStd, 1e-12);
    EXPECT_FALSE(b.provenance.software.empty());
    EXPECT_FALSE(b.provenance.startTime.empty());
    // the linear-layer kernels in effect are recorded (docs/models.md, "Event-driven kernels")
    EXPECT_EQ(b.provenance.kernels, linearKernelDescription());
    EXPECT_NE(b.provenance.kernels.find("auto: event-driven at input spike density"),
              std::string::npos);
    ASSERT_EQ(b.runs.size(), 2u);
    for (size_t k = 0; k < 2; ++k) {
        EXPECT_EQ(b.runs[k].seed, e.runs[k].seed);
        EXPECT_EQ(b.runs[k].status, e.runs[k].status);
        EXPECT_EQ(b.runs[k].batchLoss, e.runs[k].batchLoss);
        EXPECT_EQ(b.runs[k].epochValidationAccuracy, e.runs[k].epochValidationAccuracy);
        ASSERT_EQ(b.runs[k].bestCheckpoint.size(), e.runs[k].bestCheckpoint.size());
        for (const auto& [name, arr] : e.runs[k].bestCheckpoint) {
            EXPECT_EQ(b.runs[k].bestCheckpoint.at(name).shape, arr.shape) << name;
            EXPECT_EQ(b.runs[k].bestCheckpoint.at(name).data, arr.data) << name;
        }
        EXPECT_TRUE(b.runs[k].lastCheckpoint.count("adam.m.fc1.weight"));
        EXPECT_EQ(b.runs[k].neurobench.effectiveAcsPerSample,
                  e.runs[k].neurobench.effectiveAcsPerSample);
        EXPECT_EQ(b.runs[k].neurobench.activationSparsity, e.runs[k].neurobench.activationSparsity);
        EXPECT_EQ(b.runs[k].neurobench.footprintBytes, e.runs[k].neurobench.footprintBytes);
    }
    EXPECT_NE(e.runs[0].batchLoss, e.runs[1].batchLoss) << "different seeds, different runs";
    // A file that is not an experiment is rejected with the HDF5 path in the message.
    try {
        loadExperiment(std::string(DWMTJ_DATASETS_DIR) + "/binary-device.h5");
        FAIL();
    } catch (const FileFormatError& err) {
        EXPECT_NE(std::string(err.what()).find("/@format"), std::string::npos) << err.what();
    }
}

// A current-driven device (docs/models.md, "Current-driven devices"): the bundled binary LUT
// with its grid read as milliamperes (x 1e-3 A per V) is the same device driven by a current,
// so the network and its spikes match its voltage twin's; the amplitudes are 1000 x smaller and
// the energy is I^2 R4 t instead of (V R4/R2)^2 / R4 t.
TEST(Experiment, CurrentDrivenDeviceTrainsLikeItsVoltageTwinAndCostsI2R4t)
{
    Lut lut = loadLut(std::string(DWMTJ_DATASETS_DIR) + "/binary-lut.csv");
    lut.drive = Drive::Current;
    for (double& v : lut.voltage) v *= 1e-3;
    for (auto& d : lut.derivatives)
        for (double& x : d) x *= 1e3;
    lut.centreVoltage *= 1e-3;
    lut.gainVolts *= 1e-3;
    const std::string lutPath = tmpPath("current-lut.h5");
    saveLut(lut, lutPath);
    auto config = [&](bool current) {
        TrainingConfig c = smallConfig(NeuronKind::Binary);
        c.epochs = 1;
        c.trainLimit = 600;
        c.testLimit = 200;
        c.validationSize = 100;
        if (current) c.lutPath = lutPath;
        return c;
    };
    Recorder rec;
    const Experiment v = runTraining(config(false), rec, std::stop_token{}, tmpPath("twin_v.h5"));
    const std::string out = tmpPath("twin_i.h5");
    runTraining(config(true), rec, std::stop_token{}, out);
    const Experiment i = loadExperiment(out);
    ASSERT_TRUE(i.lut.has_value());
    EXPECT_EQ(i.lut->drive, Drive::Current);
    const EnergyReport &ev = v.runs.at(0).energy, &ei = i.runs.at(0).energy;
    ASSERT_TRUE(ev.valid && ei.valid);
    EXPECT_EQ(ev.drive, Drive::Voltage);
    EXPECT_EQ(ei.drive, Drive::Current);
    // Same device, same draws: rounding of the scaled grid may flip a rare sample, no more.
    EXPECT_NEAR(i.runs[0].testAccuracy, v.runs[0].testAccuracy, 0.02);
    EXPECT_NEAR(ei.meanSquareVoltage / ev.meanSquareVoltage, 1e-6, 0.02e-6);
    const TrainingConfig& c = i.config;  // the paper's R2, R4 and timing
    const double t = (c.energyPulseNs + c.energyRiseFallNs) * 1e-9;
    EXPECT_NEAR(ei.energyPerInferenceJ,
                c.energyR4Ohm * t * ei.meanSquareVoltage * ei.samplesPerInference,
                1e-9 * ei.energyPerInferenceJ);
    const double r = c.energyR4Ohm / c.energyR2Ohm;
    EXPECT_NEAR(ev.energyPerInferenceJ,
                r * r / c.energyR4Ohm * t * ev.meanSquareVoltage * ev.samplesPerInference,
                1e-9 * ev.energyPerInferenceJ);
}

TEST(Experiment, ResumedRunContinuesWhereItStopped)
{
    TrainingConfig c = smallConfig(NeuronKind::Lif);
    c.trainLimit = 1200;
    c.testLimit = 200;
    c.validationSize = 200;
    c.epochs = 2;
    Recorder rec;
    const Experiment whole = runTraining(c, rec, std::stop_token{}, tmpPath("whole.h5"));
    // Stop during epoch 2, then resume from the epoch-1 checkpoint.
    std::stop_source stop;
    Recorder r1;
    r1.stopAfter = &stop;
    r1.stopAt = 20 + 5;  // 20 batches per epoch
    const std::string path = tmpPath("resumed.h5");
    const Experiment part = runTraining(c, r1, stop.get_token(), path);
    ASSERT_EQ(part.runs[0].status, RunStatus::Stopped);
    EXPECT_EQ(part.runs[0].epochsDone(), 1);
    EXPECT_NE(part.runs[0].message.find("stopped by the user"), std::string::npos);
    EXPECT_EQ(loadExperiment(path).runs[0].status, RunStatus::Stopped);
    Recorder r2;
    const Experiment resumed = resumeTraining(path, r2, std::stop_token{});
    const auto& a = whole.runs[0];
    const auto& b = resumed.runs[0];
    EXPECT_EQ(b.status, RunStatus::Completed);
    EXPECT_EQ(r2.batches, 20);
    ASSERT_EQ(b.batchLoss.size(), a.batchLoss.size());
    for (size_t k = 0; k < a.batchLoss.size(); ++k)
        EXPECT_NEAR(b.batchLoss[k], a.batchLoss[k], 1e-4) << k;
    ASSERT_EQ(b.epochValidationAccuracy.size(), 2u);
    EXPECT_NEAR(b.epochValidationAccuracy[1], a.epochValidationAccuracy[1], 0.011);
    EXPECT_NEAR(b.testAccuracy, a.testAccuracy, 0.011);
}

TEST(Experiment, StopInTheFirstEpochThenResumeStartsClean)
{
    TrainingConfig c = smallConfig(NeuronKind::Lif);
    c.trainLimit = 1200;
    c.testLimit = 200;
    c.validationSize = 200;
    c.epochs = 1;
    std::stop_source stop;
    Recorder r1;
    r1.stopAfter = &stop;
    r1.stopAt = 3;
    const std::string path = tmpPath("stop_first.h5");
    const Experiment part = runTraining(c, r1, stop.get_token(), path);
    EXPECT_EQ(part.runs[0].status, RunStatus::Stopped);
    EXPECT_EQ(part.runs[0].epochsDone(), 0);
    EXPECT_TRUE(std::isnan(part.runs[0].testAccuracy));
    Recorder r2;
    const Experiment resumed = resumeTraining(path, r2, std::stop_token{});
    EXPECT_EQ(resumed.runs[0].status, RunStatus::Completed);
    EXPECT_EQ(resumed.runs[0].batchLoss.size(), 20u)
        << "the 3 losses of the stopped epoch are dropped";
    EXPECT_EQ(resumed.runs[0].batchLoss[0], part.runs[0].batchLoss[0])
        << "same seed, same first batch";
}

TEST(Experiment, DivergenceEndsTheRunCleanly)
{
    TrainingConfig c = smallConfig(NeuronKind::Lif);
    c.trainLimit = 600;
    c.testLimit = 100;
    c.validationSize = 100;
    c.epochs = 2;
    c.divergenceLoss = 1e-6;  // any real loss counts as divergence
    Recorder rec;
    const Experiment e = runTraining(c, rec, std::stop_token{}, tmpPath("diverged.h5"));
    EXPECT_EQ(e.runs[0].status, RunStatus::Diverged);
    EXPECT_NE(e.runs[0].message.find("diverged"), std::string::npos);
    EXPECT_TRUE(e.runs[0].batchLoss.empty());
    EXPECT_EQ(loadExperiment(tmpPath("diverged.h5")).runs[0].status, RunStatus::Diverged);
}

TEST(Experiment, InvalidOptionsAreRejected)
{
    TrainingConfig c = smallConfig(NeuronKind::Lif);
    c.hidden = 0;
    Recorder rec;
    EXPECT_THROW(runTraining(c, rec, std::stop_token{}), OptionsError);
    c = smallConfig(NeuronKind::Binary);
    c.lutPath = std::string(DWMTJ_DATASETS_DIR) + "/multistate-lut.csv";
    EXPECT_THROW(runTraining(c, rec, std::stop_token{}), FileFormatError);
    c = smallConfig(NeuronKind::Lif);
    c.dataDir = tmpPath("no_such_dir");
    EXPECT_THROW(runTraining(c, rec, std::stop_token{}), FileFormatError);
}

TEST(Noise, AccuracyFallsWithNoiseAndCurvesAreStored)
{
    TrainingConfig c = smallConfig(NeuronKind::Lif);
    c.epochs = 2;
    c.testLimit = 500;
    Recorder rec;
    const std::string path = tmpPath("noise.h5");
    const Experiment e = runTraining(c, rec, std::stop_token{}, path);
    NoiseOptions o;
    o.sigmas = {0, 0.5, 3};
    int calls = 0;
    const Experiment n =
        evaluateNoise(loadExperiment(path), o, std::stop_token{}, [&](int, int) { ++calls; });
    EXPECT_EQ(calls, 3 * 1);  // 3 sigmas x one batch of 500
    ASSERT_EQ(n.runs[0].noise.size(), 1u);
    const auto& curve = n.runs[0].noise[0];
    EXPECT_EQ(curve.units, NoiseUnits::Pixel);
    EXPECT_NEAR(curve.accuracy[0], e.runs[0].testAccuracy, 0.03);  // other spike draws, same model
    EXPECT_DOUBLE_EQ(curve.normalized[0], 1.0);
    EXPECT_LT(curve.accuracy[2], curve.accuracy[0] - 0.2);
    EXPECT_LT(curve.accuracy[2], 0.45);
    saveExperiment(n, path);
    o.units = NoiseUnits::Standardized;
    o.sigmas = {0, 1};
    const Experiment n2 = evaluateNoise(loadExperiment(path), o, std::stop_token{});
    ASSERT_EQ(n2.runs[0].noise.size(), 2u);
    EXPECT_GT(n2.runs[0].noise[1].pixelStd, 0.2);
    saveExperiment(n2, path);
    EXPECT_EQ(loadExperiment(path).runs[0].noise.size(), 2u);
}

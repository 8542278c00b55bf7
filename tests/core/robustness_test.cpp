// The robustness study: each noise model against its definition (statistics of the
// perturbation), BatchNorm on batch statistics against torch's training-mode BatchNorm,
// spike-level input against the image path, study files, and a study on the committed
// sample through the public API (curves, file round trip, summary, stop).
#include "dwmtj/robustness.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "dwmtj/reproduce.h"
#include "dwmtj/training.h"
#include "snn/network.h"
#include "snn/rng.h"
#include "test_paths.h"
#include "train/perturb.h"

using namespace dwmtj::core;
using torch::Tensor;

namespace {

const std::string kSample = std::string(DWMTJ_DATASETS_DIR) + "/fashion-mnist-sample";

/// A small network trained on the committed sample.
TrainingConfig sampleConfig(int hidden, int timesteps, int epochs)
{
    TrainingConfig c;
    c.hidden = hidden;
    c.timesteps = timesteps;
    c.batchSize = 50;
    c.epochs = epochs;
    c.seeds = {0};
    c.dataDir = kSample;
    c.validationSize = 500;
    c.learningRate = 2e-3;
    c.threads = 2;
    return c;
}

Tensor grey(int64_t b, int64_t p, float v) { return torch::full({b, p}, v); }

double meanOf(const Tensor& t) { return t.to(torch::kDouble).mean().item<double>(); }
double varOf(const Tensor& t) { return t.to(torch::kDouble).var().item<double>(); }

}  // namespace

// x' = clamp(x + sd N(0, 1), 0, 1): on mid-grey pixels with sd 0.1 the clamp is 5 sd away,
// so the perturbation has mean 0 and variance sd^2. n = 156 800: standard error of the mean
// 0.00025 (tolerance 0.002 = 8 se), of the variance about 0.36 % (tolerance 3 %).
TEST(Perturbation, GaussianFrozenHasItsDefinedMeanAndVariance)
{
    const Tensor x = grey(200, 784, 0.5f);
    const Tensor d = train::gaussianPixels(x, 0.1, 99) - x;
    EXPECT_NEAR(meanOf(d), 0.0, 0.002);
    EXPECT_NEAR(varOf(d), 0.01, 0.01 * 0.03);
    EXPECT_TRUE(torch::equal(train::gaussianPixels(x, 0.1, 99), train::gaussianPixels(x, 0.1, 99)));
    EXPECT_FALSE(
        torch::equal(train::gaussianPixels(x, 0.1, 99), train::gaussianPixels(x, 0.1, 100)));
    // Large sigma: clamped into [0, 1], about half of the pixels at each bound.
    const Tensor c = train::gaussianPixels(x, 10.0, 5);
    EXPECT_GE(c.min().item<float>(), 0.0f);
    EXPECT_LE(c.max().item<float>(), 1.0f);
    EXPECT_NEAR((c == 0).to(torch::kDouble).mean().item<double>(), 0.48, 0.01);
}

TEST(Perturbation, GaussianPerStepIsDrawnAfreshAtEveryStep)
{
    const int T = 8;
    const Tensor x = grey(100, 784, 0.5f);
    const Tensor d = train::gaussianPixelsPerStep(x, T, 0.1, 7) - x.unsqueeze(0);
    ASSERT_EQ(d.sizes(), (std::vector<int64_t>{T, 100, 784}));
    for (int t : {0, T - 1}) {
        EXPECT_NEAR(meanOf(d[t]), 0.0, 0.003);
        EXPECT_NEAR(varOf(d[t]), 0.01, 0.01 * 0.04);
    }
    // Independent steps: correlation of the step-0 and step-1 perturbations near 0
    // (standard error 1/sqrt(78 400) = 0.0036; tolerance 0.02).
    const Tensor a = d[0].flatten().to(torch::kDouble), b = d[1].flatten().to(torch::kDouble);
    const double r = ((a - a.mean()) * (b - b.mean())).mean().item<double>() /
                     (a.std(false) * b.std(false)).item<double>();
    EXPECT_LT(std::fabs(r), 0.02);
}

TEST(Perturbation, GaussianExpectedIsTheMeanOfTheClampedNoisyValue)
{
    // Against Monte Carlo: 200 000 draws of clamp(p + sigma N, 0, 1) per probability, whose
    // mean has a standard error below 0.5 / sqrt(200 000) = 0.0011; tolerance 0.006.
    const torch::Tensor p = torch::tensor({-0.42f, 0.0f, 0.3f, 0.5f, 0.95f, 1.4f, 2.5f});
    for (double sigma : {0.2, 1.0, 3.0}) {
        const torch::Tensor e = train::expectedNoisyPixels(p, sigma, InputEncoding::Pixel);
        const torch::Tensor draws =
            (p.unsqueeze(0) + sigma * torch::randn({200000, p.size(0)})).clamp(0, 1).mean(0);
        EXPECT_LT((e - draws).abs().max().item<double>(), 0.006) << "sigma " << sigma;
    }
    // Standardized input: the pixels that the network standardizes onto those probabilities.
    const torch::Tensor e = train::expectedNoisyPixels(p, 1.0, InputEncoding::Standardized);
    const torch::Tensor back = (e - kStandardizeMean) / kStandardizeSd;
    EXPECT_LT((back - train::expectedNoisyPixels(p, 1.0, InputEncoding::Pixel))
                  .abs()
                  .max()
                  .item<double>(),
              1e-5);
    // Small sigma: the clean probability clamped to [0, 1].
    EXPECT_LT((train::expectedNoisyPixels(p, 1e-6, InputEncoding::Pixel) - p.clamp(0, 1))
                  .abs()
                  .max()
                  .item<double>(),
              1e-5);
}

TEST(Perturbation, SaltAndPepperReplacesTheDefinedFraction)
{
    const Tensor x = grey(200, 784, 0.5f);
    const Tensor y = train::saltPepper(x, 0.3, 3);
    const Tensor changed = y != x;
    const double frac = changed.to(torch::kDouble).mean().item<double>();
    EXPECT_NEAR(frac, 0.3, 0.006);  // se 0.0012
    const Tensor replaced = y.masked_select(changed);
    EXPECT_TRUE(((replaced == 0) | (replaced == 1)).all().item<bool>());
    EXPECT_NEAR(meanOf(replaced), 0.5, 0.01);  // salt and pepper equally likely (se 0.002)
    EXPECT_TRUE(torch::equal(train::saltPepper(x, 0.0, 3), x));
}

TEST(Perturbation, SpikeDeletionAndInsertionHaveTheirRates)
{
    const Tensor probs = grey(50, 784, 0.3f);
    const Tensor s = snn::poissonEncode(probs, 40, 11);
    const Tensor n = train::spikeNoise(s, 0.25, 0.05, 12);
    const Tensor ones = s > 0.5, zeros = s < 0.5;
    const double deleted = (n.masked_select(ones) < 0.5).to(torch::kDouble).mean().item<double>();
    const double inserted = (n.masked_select(zeros) > 0.5).to(torch::kDouble).mean().item<double>();
    EXPECT_NEAR(deleted, 0.25, 0.005);   // about 470 000 spikes: se 0.0006
    EXPECT_NEAR(inserted, 0.05, 0.002);  // about 1 100 000 silent elements: se 0.0002
    EXPECT_TRUE(((n == 0) | (n == 1)).all().item<bool>());
    EXPECT_TRUE(torch::equal(train::spikeNoise(s, 0, 0, 12), s));
    // The expected spike rate after both: p (1 - q) + (1 - p) r = 0.3 * 0.75 + 0.7 * 0.05.
    EXPECT_NEAR(meanOf(n), 0.3 * 0.75 + 0.7 * 0.05, 0.003);
}

TEST(Perturbation, ResultsDoNotDependOnTheThreadCount)
{
    const Tensor x = torch::rand({64, 784});
    const int before = torch::get_num_threads();
    torch::set_num_threads(1);
    const Tensor a = train::gaussianPixelsPerStep(x, 4, 0.7, 21), b = train::saltPepper(x, 0.2, 22);
    torch::set_num_threads(2);
    EXPECT_TRUE(torch::equal(a, train::gaussianPixelsPerStep(x, 4, 0.7, 21)));
    EXPECT_TRUE(torch::equal(b, train::saltPepper(x, 0.2, 22)));
    torch::set_num_threads(before);
}

TEST(Network, SpikeInputAndPerStepProbabilitiesMatchTheImagePath)
{
    torch::manual_seed(1);
    snn::SpikingMlp m(784, 32, 10, NeuronKind::Lif, nullptr);
    m->eval();
    torch::NoGradGuard ng;
    const Tensor x = torch::rand({20, 784});
    const uint64_t key = 77;
    const Tensor a = m->forward(x, 12, key);
    EXPECT_TRUE(
        torch::equal(a, m->forwardSpikes(snn::poissonEncode(x, 12, snn::streamKey(key, 0)), key)));
    // The same probability at every step encodes exactly as the [B, P] image.
    const Tensor perStep = x.unsqueeze(0).expand({12, 20, 784}).contiguous();
    EXPECT_TRUE(torch::equal(snn::poissonEncode(perStep, 12, 5), snn::poissonEncode(x, 12, 5)));
}

// The diagnostic "batch statistics at inference" equals torch's training-mode BatchNorm on
// the same batch (a model in train() mode), and leaves the running statistics untouched.
TEST(Network, BatchStatisticsAtInferenceEqualTrainingModeBatchNorm)
{
    torch::manual_seed(2);
    snn::SpikingMlp a(784, 32, 10, NeuronKind::Lif, nullptr);
    {
        torch::NoGradGuard ng;
        for (auto* bn : {&a->bn1, &a->bn2}) {
            (*bn)->running_mean.uniform_(-1, 1);
            (*bn)->running_var.uniform_(0.5, 2);
        }
    }
    snn::SpikingMlp b(784, 32, 10, NeuronKind::Lif, nullptr);
    snn::loadModuleState(*b, snn::moduleState(*a));
    const Tensor meanBefore = a->bn1->running_mean.clone(), varBefore = a->bn2->running_var.clone();
    torch::NoGradGuard ng;
    const Tensor x = torch::rand({40, 784});
    a->eval();
    const Tensor running = a->forward(x, 10, 3);
    a->setBatchStatisticsAtInference(true);
    const Tensor batch = a->forward(x, 10, 3);
    b->train();
    const Tensor reference = b->forward(x, 10, 3);
    EXPECT_TRUE(torch::allclose(batch, reference, 1e-4, 1e-5));
    EXPECT_FALSE(torch::allclose(running, reference, 1e-3, 1e-3))
        << "the option changes the result";
    EXPECT_TRUE(torch::equal(a->bn1->running_mean, meanBefore));
    EXPECT_TRUE(torch::equal(a->bn2->running_var, varBefore));
    // Training mode is never affected by the switch.
    a->train();
    EXPECT_TRUE(torch::allclose(a->forward(x, 10, 3), reference, 1e-4, 1e-5));
}

TEST(StudyFile, BundledPresetIsValid)
{
    const StudyOptions o = studyPreset("paper-noise");
    ASSERT_GE(o.choices.size(), 10u);
    std::set<NoiseModel> models;
    bool batch = false, teval = false, gain = false;
    for (const auto& c : o.choices) {
        EXPECT_NO_THROW(c.validate());
        models.insert(c.model);
        batch |= c.normalization == NormMode::Batch;
        teval |= c.timestepsFactor != 1;
        gain |= c.gainFactor != 1;
    }
    EXPECT_EQ(models.size(), 5u) << "every noise model";
    EXPECT_TRUE(batch && teval && gain);
    EXPECT_TRUE(std::isnan(o.choices[0].probeLevel())) << "automatic probe";
    EXPECT_THROW(studyPreset("nonsense"), OptionsError);
}

TEST(StudyFile, ErrorsNameTheFileSectionAndValue)
{
    const std::string path = tmpPath("bad-study.ini");
    auto expectError = [&](const std::string& text, const std::string& needle) {
        std::ofstream(path) << text;
        try {
            loadStudyFile(path);
            ADD_FAILURE() << "accepted: " << text;
        } catch (const FileFormatError& e) {
            const std::string m = e.what();
            EXPECT_NE(m.find(path), std::string::npos) << m;
            EXPECT_NE(m.find(needle), std::string::npos) << m;
        }
    };
    expectError("[choice a]\nmodel = gauss\nlevels = 0:1:0.5\n", "unknown noise model 'gauss'");
    expectError("[choice a]\nmodel = salt-pepper\nlevels = 0, 0.5, 1.5\n",
                "probabilities in [0, 1]");
    expectError("[choice a]\nmodel = gaussian\nlevels = 0:1:0.5\nsigma = 2\n", "'sigma'");
    expectError("[choice a]\nmodel = gaussian\nlevels = 0:1:0\n", "FROM:TO:STEP");
    expectError("[choice a]\nmodel = gaussian\nlevels = 0, x\n", "'0, x'");
    expectError("[choice a/b]\nmodel = gaussian\nlevels = 0\n", "the id must be");
    expectError(
        "[choice a]\nmodel = gaussian\nlevels = 0\n[choice a]\nmodel = gaussian\nlevels = 0\n",
        "'a' again");
    expectError("[study]\nseed = 1\n", "at least one [choice ID]");
    expectError("[choice a]\nmodel = gaussian\n", "(line 1)");
    std::ofstream(path)
        << "[study]\nseed = 7\n[choice x]\nmodel = spike-insertion\nlevels = 0, 0.1\nprobe = 0.1\n"
           "timesteps = 30\n";
    const StudyOptions o = loadStudyFile(path);
    EXPECT_EQ(o.seed, 7u);
    ASSERT_EQ(o.choices.size(), 1u);
    EXPECT_EQ(o.choices[0].timesteps, 30);
    EXPECT_EQ(o.choices[0].probeLevel(), 0.1);
}

// A study on networks trained on the committed sample: every model and inference option
// runs, curves land in the file and read back with every setting, the summary tests the
// claims per choice, a stop leaves the experiment unchanged.
TEST(Study, RunsOnTheSampleAndRoundTripsThroughTheFile)
{
    TrainingConfig c = sampleConfig(48, 16, 2);
    c.seeds = {0, 1};
    c.testLimit = 200;
    std::vector<Experiment> files;
    std::vector<std::string> paths;
    for (NeuronKind k : {NeuronKind::Lif, NeuronKind::Binary}) {
        c.neuron = k;
        TrainingObserver quiet;
        paths.push_back(tmpPath(std::string("study-") + toString(k) + ".h5"));
        runTraining(c, quiet, std::stop_token{}, paths.back());
    }
    StudyOptions o;
    o.testLimit = 200;
    o.batchSize = 100;
    auto choice = [](std::string id, NoiseModel m, std::vector<double> levels) {
        StudyChoice ch;
        ch.id = id;
        ch.label = id;
        ch.model = m;
        ch.levels = std::move(levels);
        return ch;
    };
    o.choices = {choice("g", NoiseModel::Gaussian, {0, 3}),
                 choice("ps", NoiseModel::GaussianPerStep, {0.5}),
                 choice("sp", NoiseModel::SaltPepper, {0, 0.9}),
                 choice("del", NoiseModel::SpikeDeletion, {0, 1}),
                 choice("ins", NoiseModel::SpikeInsertion, {0, 0.5})};
    StudyChoice special = choice("bn-t-gain", NoiseModel::Gaussian, {0, 1});
    special.units = NoiseUnits::Standardized;
    special.normalization = NormMode::Batch;
    special.timestepsFactor = 2;
    special.gainFactor = 0.5;
    special.probe = 1;
    o.choices.push_back(special);
    for (const auto& p : paths) {
        const Experiment before = loadExperiment(p);
        int calls = 0, last = 0;
        const Experiment after = runStudy(before, o, std::stop_token{}, [&](int done, int total) {
            ++calls;
            last = total;
            EXPECT_LE(done, total);
        });
        // 2 runs x (2 + 1 + clean + 2 + 2 + 2 + 2 levels) x 2 batches of 100 images.
        EXPECT_EQ(calls, 2 * 12 * 2);
        EXPECT_EQ(last, studyBatches(before, o));
        for (const auto& r : after.runs) {
            ASSERT_EQ(r.study.size(), o.choices.size());
            for (const auto& sc : r.study) {
                EXPECT_EQ(sc.testImages, 200);
                if (sc.choice.levels[0] == 0) {
                    EXPECT_DOUBLE_EQ(sc.normalized[0], 1.0);
                }
                // Per-image records: one flag per test image and level, their mean the
                // accuracy; the chance level is the images' largest class share (>= 10 %).
                ASSERT_EQ(sc.correct.size(), sc.level.size());
                for (size_t l = 0; l < sc.level.size(); ++l) {
                    ASSERT_EQ(sc.correct[l].size(), 200u);
                    double hits = 0;
                    for (uint8_t h : sc.correct[l]) hits += h;
                    EXPECT_DOUBLE_EQ(hits / 200, sc.accuracy[l]);
                }
                EXPECT_GE(sc.chance, 0.1);
                EXPECT_LT(sc.chance, 0.3);
            }
            // Deleting every input spike leaves the network without input: not a trained answer.
            EXPECT_LT(r.study[3].accuracy[1], r.study[3].accuracy[0] - 0.2)
                << toString(after.config.neuron);
            EXPECT_LT(r.study[0].accuracy[1], r.study[0].accuracy[0] - 0.2);
            EXPECT_EQ(r.study[5].timesteps, 32);
        }
        saveExperiment(after, p);
        const Experiment back = loadExperiment(p);
        for (size_t i = 0; i < back.runs.size(); ++i)
            for (size_t k = 0; k < o.choices.size(); ++k) {
                const StudyCurve &x = after.runs[i].study[k], &y = back.runs[i].study[k];
                EXPECT_EQ(y.choice.id, x.choice.id);
                EXPECT_EQ(y.choice.label, x.choice.label);
                EXPECT_EQ(y.choice.model, x.choice.model);
                EXPECT_EQ(y.choice.units, x.choice.units);
                EXPECT_EQ(y.choice.normalization, x.choice.normalization);
                EXPECT_EQ(y.choice.timestepsFactor, x.choice.timestepsFactor);
                EXPECT_EQ(y.choice.gainFactor, x.choice.gainFactor);
                EXPECT_EQ(y.choice.levels, x.choice.levels);
                EXPECT_TRUE(y.choice.probe == x.choice.probe ||
                            (std::isnan(y.choice.probe) && std::isnan(x.choice.probe)));
                EXPECT_EQ(y.level, x.level);
                EXPECT_EQ(y.accuracy, x.accuracy);
                EXPECT_EQ(y.normalized, x.normalized);
                EXPECT_EQ(y.timesteps, x.timesteps);
                EXPECT_TRUE(y.gainVolts == x.gainVolts ||
                            (std::isnan(y.gainVolts) && std::isnan(x.gainVolts)));
                EXPECT_EQ(y.pixelStd, x.pixelStd);
                EXPECT_EQ(y.seed, x.seed);
                EXPECT_EQ(y.correct, x.correct);  // bit-packed in the file, the same flags back
                EXPECT_EQ(y.chance, x.chance);
            }
        if (back.config.neuron == NeuronKind::Binary) {
            EXPECT_NEAR(back.runs[0].study[5].gainVolts, 0.5 * back.lut->gainVolts, 1e-12);
            EXPECT_GT(back.runs[0].study[5].pixelStd, 0.2);
        }
        files.push_back(back);
        // A stop returns the experiment unchanged.
        std::stop_source stop;
        stop.request_stop();
        EXPECT_TRUE(runStudy(before, o, stop.get_token()).runs[0].study.empty());
    }
    const StudySummary s = summarizeStudy(files);
    ASSERT_EQ(s.rows.size(), o.choices.size()) << "one network configuration";
    for (const auto& row : s.rows) {
        EXPECT_EQ(row.network, "H48 T16");
        ASSERT_EQ(row.series.size(), 2u);
        EXPECT_EQ(row.series[0].kind, NeuronKind::Lif);
        EXPECT_EQ(row.series[0].accuracy[0].n, 2) << "two seeds";
        // No multi-weight network: claims that need it cannot be tested.
        EXPECT_EQ(row.lifBelow.verdict, Verdict::Inconclusive);
    }
    EXPECT_EQ(s.rows[5].probe, 1.0);
    EXPECT_NE(studyTableMarkdown(s).find("bn-t-gain"), std::string::npos);
}

TEST(Study, NoiseAwareTrainingIsAppliedAndRecorded)
{
    TrainingConfig c = sampleConfig(16, 10, 1);
    c.trainLimit = 1000;
    c.testLimit = 100;
    TrainingObserver quiet;
    const Experiment clean = runTraining(c, quiet, std::stop_token{});
    c.trainNoiseSigma = 0.8;
    const std::string path = tmpPath("trainnoise.h5");
    const Experiment noisy = runTraining(c, quiet, std::stop_token{}, path);
    ASSERT_FALSE(clean.runs[0].batchLoss.empty());
    // Same seed and data order: the losses differ only through the noise.
    EXPECT_NE(clean.runs[0].batchLoss, noisy.runs[0].batchLoss);
    EXPECT_GT(noisy.runs[0].epochLoss[0], clean.runs[0].epochLoss[0])
        << "noisy images are harder to fit";
    EXPECT_EQ(loadExperiment(path).config.trainNoiseSigma, 0.8);
    c.trainNoiseSigma = -1;
    EXPECT_THROW(c.validate(), OptionsError);
}

// The verdict table's rows (docs/models.md, "Hybrid and layer-wise networks"): released device
// networks (no gradient through the device neurons, so their hidden layers stay untrained)
// meet the LIF network of the same experiment in one row, as the paper compares them; a LIF
// network frozen on purpose meets the device networks frozen on purpose. Synthetic curves
// (3 seeds, 200 images, levels 0..3) where the device networks keep more accuracy than LIF.
TEST(Study, ReleasedDeviceNetworksMeetTheTrainedLifNetworkInOneRow)
{
    StudyChoice g;
    g.id = "g";
    g.label = "g";
    g.levels = {0, 1, 2, 3};
    auto file = [&](NeuronKind kind, DeviceGradient gradient, std::string freeze,
                    std::vector<double> acc) {
        Experiment e;
        e.config.neuron = kind;
        e.config.hidden = 64;
        e.config.timesteps = 12;
        e.config.deviceGradient = gradient;
        e.config.freeze = parseFrozenLayers(freeze);
        for (uint64_t seed = 0; seed < 3; ++seed) {
            RunRecord r;
            r.seed = seed;
            StudyCurve c;
            c.choice = g;
            c.testImages = 200;
            c.level = g.levels;
            c.chance = 0.1;
            for (double a : acc) {
                const double at = std::min(1.0, a + 0.02 * double(seed));
                std::vector<uint8_t> hits(200, 0);
                for (int i = 0; i < int(std::lround(at * 200)); ++i) hits[size_t(i)] = 1;
                c.correct.push_back(hits);
                c.accuracy.push_back(std::lround(at * 200) / 200.0);
                c.normalized.push_back(c.accuracy.back() / c.accuracy.front());
            }
            r.study.push_back(c);
            e.runs.push_back(r);
        }
        return e;
    };
    const auto none = DeviceGradient::None, st = DeviceGradient::StraightThrough;
    const std::vector<double> resilient{0.8, 0.7, 0.6, 0.5}, fragile{0.8, 0.5, 0.3, 0.2};
    const std::vector<Experiment> files{
        file(NeuronKind::Lif, none, "none", fragile),  // LIF as released: every layer trains
        file(NeuronKind::BinaryReleased, none, "none", resilient),
        file(NeuronKind::MultiStateReleased, none, "none", resilient),
        file(NeuronKind::Lif, st, "1,2", fragile),
        file(NeuronKind::BinaryReleased, st, "1,2", resilient)};
    const StudySummary s = summarizeStudy(files);
    ASSERT_EQ(s.rows.size(), 2u);
    std::map<std::string, const StudyRow*> rows;
    for (const auto& r : s.rows) rows[r.network] = &r;
    const StudyRow* released =
        rows["H64 T12, no gradient through the device neurons (as released)"];
    const StudyRow* frozen = rows["H64 T12, frozen layers 1,2"];
    ASSERT_TRUE(released && frozen);
    ASSERT_EQ(released->series.size(), 3u) << "LIF, binary and multi-weight in one row";
    EXPECT_EQ(released->series[0].kind, NeuronKind::Lif);
    EXPECT_EQ(released->series[0].accuracy[0].n, 3) << "the trained LIF network only";
    ASSERT_EQ(frozen->series.size(), 2u);
    EXPECT_EQ(frozen->series[0].accuracy[0].n, 3) << "the frozen LIF network only";
    // The device curves lie above LIF's by 0.2-0.3 between levels 1 and 3: a positive
    // difference whose interval excludes 0, and a verdict that LIF falls below both.
    EXPECT_GT(released->binaryAboveLif.difference, 0);
    EXPECT_GT(released->binaryAboveLif.ciLow, 0);
    EXPECT_GT(released->multiAboveLif.ciLow, 0);
    EXPECT_EQ(released->lifBelow.verdict, Verdict::Reproduced);
    EXPECT_GT(frozen->binaryAboveLif.ciLow, 0);
}

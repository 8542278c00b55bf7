// The trainer: seeds, epochs, batches, validation, checkpoints, resume, divergence.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "common.h"
#include "dwmtj/error.h"
#include "dwmtj/paths.h"
#include "perturb.h"
#include "snn/rng.h"
#include "snn/training_step.h"

namespace dwmtj::core {
namespace {

using Clock = std::chrono::steady_clock;
using torch::Tensor;
constexpr uint64_t kSplitSeed = 0;  // one train/validation split for every run seed
constexpr int kEvalBatch = 500;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

/// One training call: data, device table and bookkeeping shared by its seeds.
struct Session {
    Session(Experiment& e, TrainingObserver& o, std::stop_token st, std::string out)
        : exp(e), observer(o), stop(std::move(st)), outPath(std::move(out))
    {
    }
    Experiment& exp;
    TrainingObserver& observer;
    std::stop_token stop;
    std::string outPath;
    torch::Device device = torch::kCPU;
    std::vector<snn::HiddenNeurons> layers;  ///< each hidden layer's kind and table
    Tensor trainX, trainY, valX, valY, testX, testY;
    int64_t totalBatches = 0, doneBatches = 0;
    Clock::time_point start = Clock::now();

    void save()
    {
        if (!outPath.empty()) saveExperiment(exp, outPath);
    }
};

void prepare(Session& s)
{
    auto& e = s.exp;
    const auto& c = e.config;
    c.validate();
    e.provenance.threads = applyThreadCount(c.threads);
    s.device = train::resolveDevice(c.device);
    e.provenance.device = s.device.str();
    train::applyMatmulPrecision(s.device, c.tf32);
    train::resolveLuts(e);
    s.layers = train::hiddenNeurons(e, s.device);
    const ImageSet all = loadFashionMnist(c.dataDir, FashionSplit::Train, c.trainLimit);
    const ImageSet test = loadFashionMnist(c.dataDir, FashionSplit::Test, c.testLimit);
    const int nVal = std::min(c.validationSize, all.size() / 6);
    std::vector<int> trainIdx, valIdx;
    splitTrainValidation(all.size(), nVal, kSplitSeed, trainIdx, valIdx);
    const ImageSet tr = all.subset(trainIdx), va = all.subset(valIdx);
    if (tr.size() < c.batchSize)
        throw OptionsError("the training split has " + std::to_string(tr.size()) +
                           " images, fewer than one batch of " + std::to_string(c.batchSize));
    train::toTensors(tr, s.device, s.trainX, s.trainY);
    train::toTensors(va, s.device, s.valX, s.valY);
    train::toTensors(test, s.device, s.testX, s.testY);
    e.trainImages = tr.size();
    e.validationImages = va.size();
    e.testImages = test.size();
    double sum = 0, sum2 = 0;
    for (float p : tr.pixels) sum += p, sum2 += double(p) * p;
    const double n = double(tr.pixels.size());
    e.pixelStd = std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n)));
    e.provenance.software = std::string("dwmtj-workbench ") + version();
    e.provenance.gitHash = gitHash();
    e.provenance.host = train::hostName();
    e.provenance.blas = libraryVersions();
    e.provenance.kernels = linearKernelDescription();
    e.provenance.startTime = train::nowIso();
}

/// Trains (or continues) one seed; the run record lives in s.exp.runs.
void trainSeed(Session& s, size_t runIndex, int seedIndex, int seedCount)
{
    const auto& c = s.exp.config;
    RunRecord& run = s.exp.runs[runIndex];
    const uint64_t seed = run.seed;
    torch::manual_seed(seed);
    // Configured variability: the run's own devices, drawn once (the same on resume). Training
    // use trains, validates and tests on them; evaluation use tests the best checkpoint on them
    // after training on the nominal device.
    std::vector<snn::HiddenNeurons> devices;
    if (c.variability.any())
        devices =
            train::variedNeurons(s.exp, s.device, c.variability,
                                 train::deviceDrawKey(c.variability.seed, seed, 0), &run.devices);
    const bool onDevices = c.hardwareAware();
    auto model = train::buildModel(c, onDevices ? devices : s.layers, s.device);
    snn::Adam opt = snn::Adam::of(*model, c.learningRate);
    snn::TrainingStep step(model, opt, c.timesteps, c.cudaGraphs, c.divergenceLoss);
    // Losses of a partial epoch (after the last checkpoint) belong to no kept state.
    run.batchLoss.resize(std::min<size_t>(run.batchLoss.size(), size_t(run.lastCheckpointBatches)));
    if (!run.lastCheckpoint.empty()) {
        snn::loadModuleState(*model, run.lastCheckpoint);
        opt.loadState(run.lastCheckpoint);
        s.observer.onMessage("seed " + std::to_string(seed) + ": resuming after epoch " +
                             std::to_string(run.epochsDone()));
    }
    run.status = RunStatus::Running;
    run.message.clear();
    const int B = c.batchSize, T = c.timesteps;
    const int64_t N = s.trainX.size(0);
    const int batches = int(N / B);  // the last incomplete batch is dropped
    const auto runStart = Clock::now();
    const double priorSeconds = run.trainSeconds;
    s.save();

    for (int epoch = run.epochsDone() + 1; epoch <= c.epochs && run.status == RunStatus::Running;
         ++epoch) {
        model->train();
        std::vector<int64_t> perm(static_cast<size_t>(N));
        std::iota(perm.begin(), perm.end(), 0);
        std::mt19937_64 rng(snn::streamKey(seed, uint64_t(epoch), 0, 0xE));
        for (int64_t i = N - 1; i > 0; --i)
            std::swap(perm[size_t(i)], perm[size_t(rng() % uint64_t(i + 1))]);
        const Tensor permT = torch::tensor(perm, torch::kLong).to(s.device);
        const auto epochStart = Clock::now();
        double lossSum = 0;
        int64_t correct = 0, seen = 0;
        for (int b = 0; b < batches; ++b) {
            if (s.stop.stop_requested()) {
                run.status = RunStatus::Stopped;
                run.message = "stopped by the user in epoch " + std::to_string(epoch) + ", batch " +
                              std::to_string(b + 1) + " of " + std::to_string(batches) +
                              "; the checkpoint of epoch " + std::to_string(run.epochsDone()) +
                              " is kept";
                break;
            }
            const Tensor idx = permT.slice(0, int64_t(b) * B, int64_t(b + 1) * B);
            Tensor x = s.trainX.index_select(0, idx);
            const Tensor y = s.trainY.index_select(0, idx);
            if (c.trainNoiseSigma > 0) {  // noise-aware training (training batches only)
                const train::InputNoise in = train::inputNoise(c, 1.0);
                x = train::gaussianPixels(
                    x, c.trainNoiseSigma * in.scale,
                    snn::streamKey(seed, uint64_t(epoch), uint64_t(b + 1), 17), in.clamp);
            }
            const snn::StepResult r =
                step.run(x, y, snn::streamKey(seed, uint64_t(epoch), uint64_t(b + 1), 1));
            const double l = r.loss;
            if (!std::isfinite(l) || l > c.divergenceLoss) {
                run.status = RunStatus::Diverged;
                run.message = "training diverged in epoch " + std::to_string(epoch) + ", batch " +
                              std::to_string(b + 1) + " (loss " + std::to_string(l) +
                              "); the checkpoints up to epoch " + std::to_string(run.epochsDone()) +
                              " are kept. Try a lower learning rate.";
                break;
            }
            run.batchLoss.push_back(l);
            lossSum += l;
            correct += r.correct;
            seen += B;
            ++s.doneBatches;
            BatchProgress p;
            p.seed = seed;
            p.seedIndex = seedIndex;
            p.seedCount = seedCount;
            p.epoch = epoch;
            p.epochs = c.epochs;
            p.batch = b + 1;
            p.batches = batches;
            p.loss = l;
            const double el = secondsSince(epochStart);
            p.imagesPerSecond = el > 0 ? double(seen) / el : 0;
            const double perBatch = secondsSince(s.start) / double(s.doneBatches);
            p.etaSeconds = perBatch * double(std::max<int64_t>(0, s.totalBatches - s.doneBatches));
            s.observer.onBatch(p);
        }
        if (run.status != RunStatus::Running) break;
        // Without validation images (--validation 0) every epoch is taken as the best so far:
        // the best checkpoint is the last one, and the validation accuracy is NaN.
        const bool validating = s.valX.size(0) > 0;
        const double val = validating ? train::evaluate(model, s.valX, s.valY, T, kEvalBatch,
                                                        snn::streamKey(seed, uint64_t(epoch), 0, 2),
                                                        nullptr, s.stop)
                                      : std::numeric_limits<double>::quiet_NaN();
        if (validating && std::isnan(val)) {
            run.status = RunStatus::Stopped;
            run.message = "stopped by the user while validating epoch " + std::to_string(epoch) +
                          "; the checkpoint of epoch " + std::to_string(run.epochsDone()) +
                          " is kept";
            run.batchLoss.resize(size_t(run.lastCheckpointBatches));
            break;
        }
        EpochReport rep;
        rep.seed = seed;
        rep.epoch = epoch;
        rep.trainLoss = lossSum / std::max(1, batches);
        rep.trainAccuracy = seen ? double(correct) / double(seen) : 0;
        rep.validationAccuracy = val;
        rep.seconds = secondsSince(epochStart);
        run.epochLoss.push_back(rep.trainLoss);
        run.epochTrainAccuracy.push_back(rep.trainAccuracy);
        run.epochValidationAccuracy.push_back(val);
        run.epochSeconds.push_back(rep.seconds);
        if (!validating || run.bestEpoch == 0 || val > run.bestValidationAccuracy) {
            run.bestEpoch = epoch;
            run.bestValidationAccuracy = val;
            run.bestCheckpoint = snn::moduleState(*model);
            rep.best = true;
        }
        run.lastCheckpoint = snn::moduleState(*model);
        opt.saveState(run.lastCheckpoint);
        run.lastCheckpointBatches = int(run.batchLoss.size());
        run.trainSeconds = priorSeconds + secondsSince(runStart);
        s.observer.onEpoch(rep);
        s.save();
    }
    if (run.status == RunStatus::Running) run.status = RunStatus::Completed;
    if (run.status == RunStatus::Diverged)
        run.batchLoss.resize(
            size_t(run.lastCheckpointBatches));  // keep the curve of the kept state
    // Final evaluation of the best checkpoint on the test set (skipped after a stop request).
    if (!run.bestCheckpoint.empty() && !s.stop.stop_requested()) {
        s.observer.onMessage("seed " + std::to_string(seed) +
                             ": testing the best checkpoint (epoch " +
                             std::to_string(run.bestEpoch) + ")");
        snn::loadModuleState(*model, run.bestCheckpoint);
        snn::NetworkActivity tally;
        const double acc = train::evaluate(model, s.testX, s.testY, T, kEvalBatch,
                                           snn::streamKey(seed, 0, 0, 3), &tally, s.stop);
        if (!std::isnan(acc)) {
            run.testAccuracy = acc;
            run.energy = train::energyFrom(tally, int(s.testX.size(0)), s.exp);
            run.neurobench = train::neuroBenchFrom(tally, int(s.testX.size(0)), model, c);
        }
        if (onDevices) {
            run.deviceTestAccuracy = run.testAccuracy;
        } else if (!devices.empty() && !std::isnan(acc)) {
            s.observer.onMessage("seed " + std::to_string(seed) +
                                 ": testing the best checkpoint on the drawn devices (" +
                                 c.variability.describe() + ")");
            auto deployed = train::buildModel(c, devices, s.device);
            snn::loadModuleState(*deployed, run.bestCheckpoint);
            run.deviceTestAccuracy =
                train::evaluate(deployed, s.testX, s.testY, T, kEvalBatch,
                                snn::streamKey(seed, 0, 0, 3), nullptr, s.stop);
        }
    }
    run.trainSeconds = priorSeconds + secondsSince(runStart);
    s.exp.provenance.endTime = train::nowIso();
    s.save();
    s.observer.onRunFinished(run);
}

void trainAll(Session& s, int epochsOverride)
{
    auto& e = s.exp;
    if (epochsOverride > 0) e.config.epochs = epochsOverride;
    prepare(s);
    for (uint64_t seed : e.config.seeds)
        if (!e.findRun(seed)) {
            RunRecord r;
            r.seed = seed;
            e.runs.push_back(std::move(r));
        }
    const int64_t batches = s.trainX.size(0) / e.config.batchSize;
    std::vector<size_t> pending;  // runs to train or continue
    for (size_t k = 0; k < e.runs.size(); ++k) {
        const auto& r = e.runs[k];
        const bool unfinished =
            r.status == RunStatus::Running || r.status == RunStatus::Stopped ||
            (r.status == RunStatus::Completed && r.epochsDone() < e.config.epochs);
        if (unfinished && r.epochsDone() < e.config.epochs) {
            pending.push_back(k);
            s.totalBatches += batches * (e.config.epochs - r.epochsDone());
        }
    }
    for (size_t k = 0; k < pending.size(); ++k) {
        if (s.stop.stop_requested()) break;
        try {
            trainSeed(s, pending[k], int(k), int(pending.size()));
        } catch (const std::exception& err) {
            // Keep what the run had (its last epoch checkpoint) and say why it ended.
            auto& run = e.runs[pending[k]];
            run.status = RunStatus::Failed;
            run.message = err.what();
            try {
                s.save();
            } catch (const std::exception&) {
            }
            throw;
        }
    }
    e.provenance.endTime = train::nowIso();
    s.save();
}

}  // namespace

Experiment runTraining(const TrainingConfig& config, TrainingObserver& observer,
                       std::stop_token stop, const std::string& outPath)
{
    Experiment e;
    e.config = config;
    Session s{e, observer, stop, outPath};
    trainAll(s, 0);
    return e;
}

Experiment resumeTraining(const std::string& path, TrainingObserver& observer, std::stop_token stop,
                          int epochs)
{
    Experiment e = loadExperiment(path);
    Session s{e, observer, stop, path};
    trainAll(s, epochs);
    return e;
}

}  // namespace dwmtj::core

// Running the reproduction plan: resumable training of every job, the noise study, the
// claims, and one HDF5 file with every run (reproduction.h5).
#include "dwmtj/reproduce.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

#include "dwmtj/energy.h"
#include "dwmtj/error.h"
#include "dwmtj/paths.h"
#include "dwmtj/sweep_compare.h"
#include "io/h5.h"
#include "util/atomic_file.h"

namespace dwmtj::core {
namespace {

bool allCompleted(const Experiment& e)
{
    if (e.runs.size() != e.config.seeds.size()) return false;
    for (const auto& r : e.runs)
        if (r.status != RunStatus::Completed) return false;
    return true;
}

/// True when every run already has a noise curve over exactly these sigmas.
bool hasNoise(const Experiment& e, const NoiseOptions& o)
{
    for (const auto& r : e.runs) {
        bool found = false;
        for (const auto& c : r.noise)
            found |= c.units == o.units && c.sigma == o.sigmas && c.seed == o.seed;
        if (!found) return false;
    }
    return !e.runs.empty();
}

/// True when every run already has the study's curve for every choice, with these settings.
bool hasStudy(const Experiment& e, const StudyOptions& o, int testImages)
{
    for (const auto& r : e.runs)
        for (const auto& c : o.choices) {
            bool found = false;
            for (const auto& sc : r.study)
                found |= sc.choice.id == c.id && sc.choice.levels == c.levels &&
                         sc.seed == o.seed && sc.choice.model == c.model &&
                         sc.choice.units == c.units && sc.choice.normalization == c.normalization &&
                         sc.choice.timesteps == c.timesteps &&
                         sc.choice.timestepsFactor == c.timestepsFactor &&
                         sc.choice.gainFactor == c.gainFactor &&
                         (testImages <= 0 || sc.testImages == testImages);
            if (!found) return false;
        }
    return !e.runs.empty();
}

/// True when every run already has the variability set's V50 curve: its levels, draws and
/// seed, on the same number of test images.
bool hasVariability(const Experiment& e, const VariabilityOptions& o, int testImages)
{
    const VariabilityAxis& axis = o.axes.front();
    for (const auto& r : e.runs) {
        bool found = false;
        for (const auto& c : r.variability)
            found |= c.axis == axis.id && c.level == axis.levels && c.seed == o.seed &&
                     (testImages <= 0 || c.testImages == testImages) &&
                     std::all_of(c.accuracy.begin(), c.accuracy.end(),
                                 [&](const auto& a) { return int(a.size()) == o.draws; });
        if (!found) return false;
    }
    return !e.runs.empty();
}

/// The parts of a config that must match for a file of an earlier session to be reused.
bool sameProtocol(const TrainingConfig& a, const TrainingConfig& b)
{
    const VariabilitySettings &va = a.variability, &vb = b.variability;
    const bool sameDevices = va.v50Sd == vb.v50Sd && va.widthSdRel == vb.widthSdRel &&
                             va.c2cSd == vb.c2cSd && va.stuckOff == vb.stuckOff &&
                             va.stuckOn == vb.stuckOn && (!va.any() || va.seed == vb.seed) &&
                             (!va.any() || a.variabilityUse == b.variabilityUse);
    // A file may hold more seeds than the job (added by --seeds-until-decided), in order.
    const bool seedsExtend = a.seeds.size() >= b.seeds.size() &&
                             std::equal(b.seeds.begin(), b.seeds.end(), a.seeds.begin());
    return a.layerKinds() == b.layerKinds() && a.hidden == b.hidden && a.timesteps == b.timesteps &&
           seedsExtend && a.batchSize == b.batchSize && a.trainLimit == b.trainLimit &&
           a.testLimit == b.testLimit && a.validationSize == b.validationSize && sameDevices;
}

/// The variability set (if any) that evaluates this job: its own hardware-aware networks and
/// the DW-MTJ networks of the experiment it compares with.
const BeyondSet* variabilitySetOf(const ReproPlan& plan, const ReproJob& job)
{
    for (const auto& set : plan.beyond) {
        if (set.kind != "variability") continue;
        if (job.beyond == set.name) return &set;
        if (job.beyond.empty() && job.experiment == set.compare && !job.config.hybrid() &&
            job.config.anyDeviceLayer())
            return &set;
    }
    return nullptr;
}

bool inHybridSet(const ReproPlan& plan, const ReproJob& job)
{
    for (const auto& set : plan.beyond)
        if ((set.kind == "hybrid" || set.kind == "mechanism") && job.beyond == set.name)
            return true;
    return false;
}

void stripCheckpoints(Experiment& e)
{
    for (auto& r : e.runs) {
        r.bestCheckpoint.clear();
        r.lastCheckpoint.clear();
    }
}

std::string now()
{
    const std::time_t t = std::time(nullptr);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", std::localtime(&t));
    return buf;
}

/// A table of claim results in group `g`, one entry per result: its statement as `textName`,
/// its verdict in the words of `verdictText` as `verdictName`, and test, measured, reason,
/// statistic, p_value, and the estimate: units, difference, ci95 (n x 2), margin,
/// min_detectable_effect, p_adjusted, family, adjustment.
void writeClaimTable(const h5::File& f, const std::string& g, const std::vector<ClaimResult>& rs,
                     const char* textName, const char* verdictName,
                     const char* (*verdictText)(Verdict))
{
    std::vector<std::string> texts, verdicts, tests, measured, reasons, units, families, methods;
    std::vector<double> stat, p, diff, ci, margin, mde, padj;
    for (const auto& c : rs) {
        units.push_back(c.units);
        families.push_back(c.family);
        methods.push_back(c.adjustment);
        diff.push_back(c.difference);
        ci.push_back(c.ciLow);
        ci.push_back(c.ciHigh);
        margin.push_back(c.margin);
        mde.push_back(c.minDetectable);
        padj.push_back(c.pAdjusted);
        texts.push_back(c.claim);
        verdicts.push_back(verdictText(c.verdict));
        tests.push_back(c.test);
        measured.push_back(c.measured);
        reasons.push_back(c.reason);
        stat.push_back(c.statistic);
        p.push_back(c.pValue);
    }
    h5::writeStrings(f, g + "/" + textName, texts);
    h5::writeStrings(f, g + "/" + verdictName, verdicts);
    h5::writeStrings(f, g + "/test", tests);
    h5::writeStrings(f, g + "/measured", measured);
    h5::writeStrings(f, g + "/reason", reasons);
    h5::writeDoubles(f, g + "/statistic", stat, {stat.size()});
    h5::writeDoubles(f, g + "/p_value", p, {p.size()});
    h5::writeStrings(f, g + "/units", units);
    h5::writeStrings(f, g + "/family", families);
    h5::writeStrings(f, g + "/adjustment", methods);
    h5::writeDoubles(f, g + "/difference", diff, {diff.size()});
    h5::writeDoubles(f, g + "/ci95", ci, {rs.size(), 2});
    h5::writeDoubles(f, g + "/margin", margin, {margin.size()});
    h5::writeDoubles(f, g + "/min_detectable_effect", mde, {mde.size()});
    h5::writeDoubles(f, g + "/p_adjusted", padj, {padj.size()});
}

void writeCombined(const ReproResult& r, const std::string& path)
{
    h5::quiet();
    detail::writeAtomically(path, [&](const std::string& tmp) {
        h5::File f = h5::create(tmp);
        h5::writeStringAttr(f, "/", "format", "dwmtj-reproduction");
        // 2: /beyond; 3: the claims' estimates (difference, ci95, p_adjusted, ...)
        h5::writeDoubleAttr(f, "/", "format_version", 3);
        h5::writeStringAttr(f, "/", "scale", toString(r.plan.scale));
        h5::writeStringAttr(f, "/", "scale_description", r.plan.scaleDescription);
        h5::writeStringAttr(f, "/", "software", r.provenance.software);
        h5::writeStringAttr(f, "/", "git_hash", r.provenance.gitHash);
        h5::writeStringAttr(f, "/", "created", r.provenance.endTime);
        h5::writeStringAttr(f, "/", "noise_experiment", r.plan.noiseExperiment);
        h5::writeDoubleAttr(f, "/", "energy_per_sample_paper_J", r.energyPerSamplePaperJ);
        h5::writeDoubleAttr(f, "/", "complete", r.complete ? 1 : 0);
        h5::createGroup(f, "/experiments");
        for (const auto& j : r.jobs) {
            const std::string g = "/experiments/" + j.job.name;
            h5::copyFileInto(f, g, j.job.path);
            h5::writeStringAttr(f, g, "experiment", j.job.experiment);
            h5::writeStringAttr(f, g, "figure", j.job.figure);
            h5::writeDoubleAttr(f, g, "wall_seconds", j.wallSeconds);
        }
        // The claims table: one entry per claim; measured groups as <claim>/groups/<k>.
        std::vector<std::string> ids;
        for (const auto& c : r.claims) ids.push_back(c.id);
        h5::writeStrings(f, "/claims/id", ids);
        writeClaimTable(f, "/claims", r.claims, "claim", "verdict", toString);
        if (!r.paperComparison.empty())
            writeClaimTable(f, "/paper_comparison", r.paperComparison, "claim", "verdict",
                            toString);
        for (const auto& c : r.claims)
            for (size_t k = 0; k < c.groups.size(); ++k) {
                const std::string g = "/claims/groups/" + c.id + "/" + std::to_string(k);
                h5::writeDoubles(f, g + "/values", c.groups[k].values, {c.groups[k].values.size()});
                h5::writeStringAttr(f, g, "label", c.groups[k].label);
                h5::writeDoubleAttr(f, g, "mean", c.groups[k].mean);
                h5::writeDoubleAttr(f, g, "sd", c.groups[k].sd);
                h5::writeDoubleAttr(f, g, "n", c.groups[k].n);
            }
        // The beyond-the-paper sets (not the paper's claims): per set its networks' value
        // table (mean, sd, n per column, percent) and its answers.
        for (const auto& b : r.beyond) {
            const std::string g = "/beyond/" + b.set.name;
            h5::createGroup(f, g);
            h5::writeStringAttr(f, g, "kind", b.set.kind);
            h5::writeStringAttr(f, g, "question", b.set.question);
            h5::writeStringAttr(f, g, "compare", b.set.compare);
            if (std::isfinite(b.probe)) h5::writeDoubleAttr(f, g, "probe_sigma", b.probe);
            h5::writeStrings(f, g + "/columns", b.columns);
            if (!b.networks.empty() && !b.columns.empty()) {
                std::vector<std::string> labels, roles;
                std::vector<double> mean, sd, n;
                for (const auto& net : b.networks) {
                    labels.push_back(net.label);
                    roles.push_back(net.role);
                    for (size_t k = 0; k < b.columns.size(); ++k) {
                        const GroupValues v = k < net.values.size() ? net.values[k] : GroupValues{};
                        mean.push_back(v.mean);
                        sd.push_back(v.n ? v.sd : std::nan(""));
                        n.push_back(v.n);
                    }
                }
                const std::vector<uint64_t> dims = {b.networks.size(), b.columns.size()};
                h5::writeStrings(f, g + "/networks/label", labels);
                h5::writeStrings(f, g + "/networks/role", roles);
                h5::writeDoubles(f, g + "/networks/mean", mean, dims);
                h5::writeDoubles(f, g + "/networks/sd", sd, dims);
                h5::writeDoubles(f, g + "/networks/n", n, dims);
            }
            if (!b.answers.empty())
                writeClaimTable(f, g + "/answers", b.answers, "question", "answer",
                                beyondAnswerText);
        }
        h5::close(f);
    });
}

}  // namespace

Sweep reproductionSweep(const ReproPlan& plan)
{
    std::vector<std::pair<std::string, TrainingConfig>> configs;
    for (const auto& job : plan.jobs) configs.emplace_back(job.name, job.config);
    return sweepFromConfigs(std::string("reproduce-") + toString(plan.scale), configs);
}

std::string reproductionSweepDir(const std::string& outDir)
{
    return (std::filesystem::path(outDir) / "sweep").string();
}

namespace {

/// Training done as a sweep (`dwmtj reproduce --jobs N | --slurm`): a configuration the sweep
/// finished with every seed of its job becomes the job's runs/ file, unless that file is complete.
void adoptSweepResults(const ReproPlan& plan, const std::string& outDir, ReproObserver& observer)
{
    const std::string dir = reproductionSweepDir(outDir);
    if (!std::filesystem::exists(sweepFileIn(dir))) return;
    std::vector<std::string> missing;
    const auto merged = collectSweep(dir, &missing);
    for (const auto& job : plan.jobs) {
        const std::string file =
            (std::filesystem::path(dir) / "results" / (job.name + ".h5")).string();
        if (std::find(merged.begin(), merged.end(), file) == merged.end()) continue;
        if (std::filesystem::exists(job.path) && allCompleted(loadExperiment(job.path))) continue;
        const Experiment e = loadExperiment(file);
        if (e.config.seeds != job.config.seeds) {
            observer.onMessage(job.name + ": the sweep has " + std::to_string(e.runs.size()) +
                               " of its " + std::to_string(job.config.seeds.size()) +
                               " seeds; trained here instead");
            continue;
        }
        saveExperiment(e, job.path);
        observer.onMessage(job.name + ": trained by the sweep in " + dir);
    }
}

/// Seeds until decided: while a paper's claim is inconclusive with a test possible, one more
/// seed for every job it needs that has fewer than `maxSeeds`, then the claims again.
void growUntilDecided(ReproResult& result, const std::string& outDir, int maxSeeds,
                      ReproObserver& observer, std::stop_token stop)
{
    const auto& specs = claimSpecs();
    while (!stop.stop_requested()) {
        std::set<std::string> grow;  // job names
        for (const auto& c : result.claims) {
            if (c.verdict != Verdict::Inconclusive || !std::isfinite(c.pValue)) continue;
            for (const auto& spec : specs) {
                if (spec.id != c.id) continue;
                for (const auto& need : spec.needs) {
                    const std::string& experiment =
                        need.experiment.empty() ? result.plan.noiseExperiment : need.experiment;
                    for (const auto& j : result.jobs)
                        if (j.job.experiment == experiment && j.job.beyond.empty() &&
                            !j.job.config.hybrid() &&
                            std::find(need.kinds.begin(), need.kinds.end(),
                                      paperRole(j.job.config.neuron)) != need.kinds.end() &&
                            int(j.experiment.runs.size()) < maxSeeds)
                            grow.insert(j.job.name);
                }
            }
        }
        if (grow.empty()) return;
        ++result.looks;
        setSweepLooks(outDir, result.looks);  // OUT/looks.txt: a rerun adjusts for them too
        for (auto& j : result.jobs) {
            if (!grow.count(j.job.name) || stop.stop_requested()) continue;
            Experiment e = loadExperiment(j.job.path);
            uint64_t next = 0;
            for (uint64_t s : e.config.seeds) next = std::max(next, s + 1);
            e.config.seeds.push_back(next);
            saveExperiment(e, j.job.path);
            observer.onMessage(j.job.name + ": seed " + std::to_string(next) +
                               " added (a claim it serves is undecided; look " +
                               std::to_string(result.looks) + ")");
            e = resumeTraining(j.job.path, observer, stop, j.job.config.epochs);
            if (stop.stop_requested()) return;
            const bool noisy =
                j.job.experiment == result.plan.noiseExperiment || inHybridSet(result.plan, j.job);
            if (noisy) {
                e = evaluateNoise(e, result.plan.noise, stop, [&](int done, int total) {
                    observer.onNoiseProgress(done, total);
                });
                if (stop.stop_requested()) return;
                saveExperiment(e, j.job.path);
            }
            j.wallSeconds = 0;
            for (const auto& r : e.runs) j.wallSeconds += r.trainSeconds;
            stripCheckpoints(e);
            j.experiment = std::move(e);
            auto it = std::find_if(result.grownJobs.begin(), result.grownJobs.end(),
                                   [&](const auto& g) { return g.first == j.job.name; });
            const int n = int(j.experiment.runs.size());
            if (it == result.grownJobs.end())
                result.grownJobs.emplace_back(j.job.name, n);
            else
                it->second = n;
        }
        result.claims = evaluateClaims(result.plan, result.jobs);
    }
}

}  // namespace

ReproResult runReproduction(const ReproOptions& options, ReproObserver& observer,
                            std::stop_token stop)
{
    const auto t0 = std::chrono::steady_clock::now();
    ReproResult result;
    result.plan = makeReproPlan(options);
    result.looks = sweepLooks(options.outDir);
    std::filesystem::create_directories(std::filesystem::path(options.outDir) / "runs");
    adoptSweepResults(result.plan, options.outDir, observer);
    result.provenance.software = std::string("dwmtj-workbench ") + version();
    result.provenance.gitHash = gitHash();
    result.provenance.startTime = now();
    result.provenance.device = options.device;
    result.provenance.threads = applyThreadCount(options.threads);
    result.provenance.blas = libraryVersions();
    result.provenance.kernels = linearKernelDescription();
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    result.provenance.host = host;
    result.energyPerSamplePaperJ = sampleEnergy(EnergyParameters{}).energyJ;

    const int count = int(result.plan.jobs.size());
    for (int i = 0; i < count && !stop.stop_requested(); ++i) {
        const ReproJob& job = result.plan.jobs[size_t(i)];
        observer.onJobStarted(i, count, job);
        ReproJobResult jr;
        jr.job = job;
        Experiment e;
        bool reuse = false;
        if (std::filesystem::exists(job.path)) {
            e = loadExperiment(job.path);
            if (!sameProtocol(e.config, job.config))
                throw Error(job.path +
                            " was written with another protocol (scale, network or seeds); "
                            "use another output folder or remove the file");
            reuse = true;
        }
        if (reuse && allCompleted(e) && e.config.epochs >= job.config.epochs) {
            jr.skipped = true;
            observer.onMessage(job.name + ": complete in " + job.path + ", not trained again");
        } else if (reuse) {
            observer.onMessage(job.name + ": continuing " + job.path);
            e = resumeTraining(job.path, observer, stop, job.config.epochs);
        } else {
            e = runTraining(job.config, observer, stop, job.path);
        }
        if (stop.stop_requested()) break;
        const bool noisy =
            job.experiment == result.plan.noiseExperiment || inHybridSet(result.plan, job);
        if (noisy && !hasNoise(e, result.plan.noise)) {
            observer.onMessage(job.name + ": noise study over " +
                               std::to_string(result.plan.noise.sigmas.size()) + " sigmas");
            const Experiment withNoise =
                evaluateNoise(e, result.plan.noise, stop,
                              [&](int done, int total) { observer.onNoiseProgress(done, total); });
            if (stop.stop_requested()) break;
            saveExperiment(withNoise, job.path);
            e = withNoise;
        }
        const auto& studied = result.plan.studyExperiments;
        if (std::find(studied.begin(), studied.end(), job.experiment) != studied.end() &&
            !hasStudy(e, result.plan.study, result.plan.study.testLimit)) {
            observer.onMessage(job.name + ": robustness study, " +
                               std::to_string(result.plan.study.choices.size()) +
                               " modelling choices");
            const Experiment withStudy =
                runStudy(e, result.plan.study, stop,
                         [&](int done, int total) { observer.onNoiseProgress(done, total); });
            if (stop.stop_requested()) break;
            saveExperiment(withStudy, job.path);
            e = withStudy;
        }
        if (const BeyondSet* set = variabilitySetOf(result.plan, job);
            set && !hasVariability(e, set->variability, result.plan.noise.testLimit)) {
            observer.onMessage(job.name + ": device variability, V50 spread at " +
                               std::to_string(set->variability.axes.front().levels.size()) +
                               " levels x " + std::to_string(set->variability.draws) +
                               " device draws");
            const Experiment withCurves = evaluateVariability(
                e, set->variability, stop,
                [&](int done, int total) { observer.onNoiseProgress(done, total); });
            if (stop.stop_requested()) break;
            saveExperiment(withCurves, job.path);
            e = withCurves;
        }
        for (const auto& r : e.runs) jr.wallSeconds += r.trainSeconds;
        stripCheckpoints(e);
        jr.experiment = std::move(e);
        result.jobs.push_back(std::move(jr));
    }
    result.complete = int(result.jobs.size()) == count && !stop.stop_requested();
    result.claims = evaluateClaims(result.plan, result.jobs);
    for (const auto& j : result.jobs)  // grown by an earlier run in this folder
        if (j.experiment.runs.size() > j.job.config.seeds.size())
            result.grownJobs.emplace_back(j.job.name, int(j.experiment.runs.size()));
    if (result.complete && options.seedsUntilDecided > 0)
        growUntilDecided(result, options.outDir, options.seedsUntilDecided, observer, stop);
    adjustForLooks(result.claims, result.looks);
    result.paperComparison = evaluatePaperComparison(result.plan, result.jobs);
    result.beyond = evaluateBeyond(result.plan, result.jobs);
    {
        std::vector<Experiment> studied;
        for (const auto& j : result.jobs)
            if (std::find(result.plan.studyExperiments.begin(), result.plan.studyExperiments.end(),
                          j.job.experiment) != result.plan.studyExperiments.end())
                studied.push_back(j.experiment);
        result.study = summarizeStudy(studied);
    }
    result.provenance.endTime = now();
    result.wallSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!result.jobs.empty()) {
        result.combinedPath = (std::filesystem::path(options.outDir) / "reproduction.h5").string();
        writeCombined(result, result.combinedPath);
    }
    return result;
}

}  // namespace dwmtj::core

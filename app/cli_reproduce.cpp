// dwmtj reproduce: the paper's experiments, figures and claims report in one command.
#include <QApplication>
#include <QDir>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_commands.h"
#include "cli_progress.h"
#include "cli_sweep.h"
#include "dwmtj/design.h"
#include "dwmtj/error.h"
#include "dwmtj/reproduce.h"
#include "reproduce/figures.h"

namespace dwmtj::cli {
namespace {

using namespace dwmtj::core;

/// Relative cost of a job: GEMM work per image x images x epochs x seeds.
double cost(const ReproJob& j)
{
    const auto& c = j.config;
    return double(784 + c.hidden + 10) * c.hidden * c.timesteps * c.epochs * double(c.seeds.size());
}

/// One progress line every 2 s: job i of n, seed, epoch, batch, loss, images/s, ETA of the
/// whole reproduction (from the measured speed and the remaining jobs' relative cost).
class Printer : public ReproObserver {
public:
    explicit Printer(const ReproPlan& plan) : m_plan(plan)
    {
        for (const auto& j : plan.jobs) m_total += cost(j);
    }
    void onJobStarted(int i, int n, const ReproJob& j) override
    {
        finishJob();
        m_index = i;
        m_jobStart = clock::now();
        std::printf("[%d/%d] %s (%s, H %d, T %d, %zu seed(s), %d epoch(s)) -> %s\n", i + 1, n,
                    j.name.c_str(), j.config.neuronLabel().c_str(), j.config.hidden,
                    j.config.timesteps, j.config.seeds.size(), j.config.epochs, j.path.c_str());
        std::fflush(stdout);
    }
    void onBatch(const BatchProgress& p) override
    {
        const double jobCost = cost(m_plan.jobs[size_t(m_index)]);
        const double perSeed = double(p.epochs) * p.batches;
        const double frac = (p.seedIndex * perSeed + double(p.epoch - 1) * p.batches + p.batch) /
                            (perSeed * p.seedCount);
        // A resumed job starts part-way: only the work done by this process sets the speed.
        if (m_jobFirstFrac < 0) m_jobFirstFrac = frac - 1.0 / (perSeed * p.seedCount);
        const auto t = clock::now();
        if (t - m_lastPrint < std::chrono::seconds(2)) return;
        m_lastPrint = t;
        const double spent = m_doneSeconds + std::chrono::duration<double>(t - m_jobStart).count();
        const double doneHere = m_doneCostHere + (frac - m_jobFirstFrac) * jobCost;
        const double left = m_total - m_doneCost - frac * jobCost;
        const double eta = doneHere > 0 ? spent / doneHere * std::max(0.0, left) : -1;
        std::printf("    seed %llu epoch %d/%d batch %d/%d loss %.4f  %.0f img/s  ETA %s (all)\n",
                    (unsigned long long)p.seed, p.epoch, p.epochs, p.batch, p.batches, p.loss,
                    p.imagesPerSecond, duration(eta).c_str());
        std::fflush(stdout);
    }
    void onEpoch(const EpochReport& r) override
    {
        std::printf("    seed %llu epoch %d: validation %.2f %%%s\n", (unsigned long long)r.seed,
                    r.epoch, 100 * r.validationAccuracy, r.best ? " (best)" : "");
        std::fflush(stdout);
    }
    void onNoiseProgress(int done, int total) override
    {
        const auto t = clock::now();
        if (done != total && t - m_lastPrint < std::chrono::seconds(2)) return;
        m_lastPrint = t;
        std::printf("    evaluating: batch %d of %d\n", done, total);
        std::fflush(stdout);
    }
    void onMessage(const std::string& m) override
    {
        std::printf("    %s\n", m.c_str());
        std::fflush(stdout);
    }

private:
    using clock = std::chrono::steady_clock;
    void finishJob()
    {
        if (m_index < 0) return;
        const double jobCost = cost(m_plan.jobs[size_t(m_index)]);
        m_doneCost += jobCost;
        if (m_jobFirstFrac >= 0) {  // trained (part of) it here; a complete job is skipped
            m_doneCostHere += (1 - m_jobFirstFrac) * jobCost;
            m_doneSeconds += std::chrono::duration<double>(clock::now() - m_jobStart).count();
        }
        m_jobFirstFrac = -1;
    }
    const ReproPlan& m_plan;
    double m_total = 0, m_doneCost = 0, m_doneCostHere = 0, m_doneSeconds = 0;
    double m_jobFirstFrac = -1;  ///< progress of the current job at its first batch seen here
    int m_index = -1;
    clock::time_point m_jobStart{}, m_lastPrint{};
};

}  // namespace

int runReproduce(const std::vector<std::string>& argvIn)
{
    const Args a(argvIn, commandSpec("reproduce"));
    // --slurm takes the submit options of `dwmtj sweep submit`; they mean nothing without it.
    const bool slurm = a.has("slurm");
    bool dryRun = false;
    const SlurmOptions slurmOptions = slurmOptionsFrom(a, &dryRun);
    const std::vector<std::string> argv = withoutSlurmOptions(argvIn);
    if (!slurm && argv.size() != argvIn.size())
        throw UsageError("the Slurm options (--partition ... --dry-run) need --slurm");
    ReproOptions o;
    o.scale = reproScaleFromString(a.get("scale", "quick"));
    o.lutBinary = a.get("lut-binary", "");
    o.lutMultiState = a.get("lut-multistate", "");
    o.device = a.get("device", "cpu");
    o.outDir = a.get("out", "");
    o.dataDir = a.get("data-dir", "");
    o.presetsPath = a.get("presets", "");
    o.threads = int(a.integer("threads", 0));
    o.seedsUntilDecided = int(a.integer("seeds-until-decided", 0));
    if (o.seedsUntilDecided < 0 || o.seedsUntilDecided > 1000)
        throw UsageError("--seeds-until-decided MAX needs 0 <= MAX <= 1000");
    if (o.outDir.empty()) throw UsageError("--out DIR is required");
    const int jobs = int(a.integer("jobs", 0));
    if (jobs < 0 || jobs > 1024) throw UsageError("--jobs N needs 1 <= N <= 1024");
    if (slurm && jobs) throw UsageError("--slurm and --jobs: choose one");
    const std::string design = a.get("design", "");
    if (slurm && !design.empty())
        throw UsageError(
            "--design runs here after the reproduction: on a cluster run dwmtj design "
            "--out DIR --preset " +
            design + " --slurm beside it");
    if (!design.empty()) designPresetFile(design);  // a bad name fails before any training
    if (slurm || jobs) {
        // The training jobs as a sweep in OUT/sweep; this command, run again (by the collect
        // job under Slurm), takes the finished configurations and does the rest.
        const ReproPlan plan = makeReproPlan(o);
        const std::string dir = reproductionSweepDir(o.outDir);
        const std::string sweepFile =
            (std::filesystem::path(o.outDir) / "reproduction.sweep").string();
        std::filesystem::create_directories(o.outDir);
        writeSweepFile(reproductionSweep(plan), sweepFile,
                       std::string("The training of `dwmtj reproduce --scale ") +
                           toString(plan.scale) + "` as a sweep (docs/sweeps.md).");
        prepareSweepFolder(sweepFile, dir);
        if (slurm) {
            std::string again = "reproduce";
            for (const auto& x : argv)
                if (x != "--slurm") again += " " + shellQuote(x);
            std::printf("dwmtj reproduce --slurm, scale %s: %zu training jobs as a sweep in %s\n",
                        toString(plan.scale), plan.jobs.size(), dir.c_str());
            return submitSweepFolder(dir, slurmOptions, dryRun, again);
        }
        const int rc = runSweepTasks(dir, jobs);
        if (rc == kExitStopped) return rc;
        if (rc != 0)
            std::fprintf(stderr,
                         "warning: some sweep tasks failed (logs in %s/logs); their "
                         "configurations are trained here\n",
                         dir.c_str());
    }
    // The figures are drawn by the workbench's chart classes, off screen.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    int qargc = 1;
    char name[] = "dwmtj";
    char* qargv[] = {name, nullptr};
    QApplication app(qargc, qargv);

    const ReproPlan plan = makeReproPlan(o);
    std::printf("dwmtj reproduce, scale %s: %s\n%zu training jobs -> %s\n", toString(plan.scale),
                plan.scaleDescription.c_str(), plan.jobs.size(), o.outDir.c_str());
    Printer printer(plan);
    InterruptWatcher interrupts;
    const ReproResult r = runReproduction(o, printer, interrupts.token());
    QStringList errors;
    const QString figDir =
        QDir(QString::fromStdString(o.outDir)).filePath(QStringLiteral("figures"));
    const auto figures = ui::renderReproductionFigures(r, figDir, errors);
    for (const auto& e : errors) std::fprintf(stderr, "warning: %s\n", qPrintable(e));
    const std::string report = writeReproductionReport(r, figures, o.outDir);

    auto num = [](double v) {
        return std::isfinite(v) ? QString::number(v, 'g', 3).toStdString() : std::string("-");
    };
    // difference [95 % CI] units, MDE: the estimate behind each verdict.
    auto estimate = [&](const ClaimResult& c) {
        if (!std::isfinite(c.difference)) return std::string("-");
        return QString::number(c.difference, 'f', 2).toStdString() +
               (std::isfinite(c.ciLow)
                    ? " [" + QString::number(c.ciLow, 'f', 2).toStdString() + ", " +
                          QString::number(c.ciHigh, 'f', 2).toStdString() + "]"
                    : std::string()) +
               " " + c.units +
               (std::isfinite(c.minDetectable)
                    ? ", MDE " + QString::number(c.minDetectable, 'f', 2).toStdString()
                    : std::string());
    };
    std::printf("\n%-30s %-28s %-9s %-9s %s\n", "claim", "verdict", "p", "p (Holm)",
                "difference [95 % CI], minimum detectable effect (80 % power)");
    for (const auto& c : r.claims)
        std::printf("%-30s %-28s %-9s %-9s %s\n", c.id.c_str(), toString(c.verdict),
                    num(c.pValue).c_str(), num(c.pAdjusted).c_str(), estimate(c).c_str());
    if (o.seedsUntilDecided > 0) {
        std::printf("\nseeds until decided (at most %d per job): %d look(s)", o.seedsUntilDecided,
                    r.looks);
        for (const auto& [job, n] : r.grownJobs) std::printf("; %s %d seeds", job.c_str(), n);
        std::printf("\n");
    }
    if (!r.paperComparison.empty()) {
        std::printf("\nthe paper's comparison (one network per kind, secondary):\n");
        for (const auto& c : r.paperComparison)
            std::printf("%-30s %-28s %-9s %-9s %s\n", c.id.c_str(), toString(c.verdict),
                        num(c.pValue).c_str(), num(c.pAdjusted).c_str(), estimate(c).c_str());
    }
    for (const auto& b : r.beyond) {
        std::printf("\nbeyond the paper: %s\n%s\n", b.set.name.c_str(), b.set.question.c_str());
        for (size_t k = 0; k < b.columns.size(); ++k)
            std::printf("  [%zu] %s\n", k + 1, b.columns[k].c_str());
        for (const auto& n : b.networks) {
            std::printf("  %-44s", (n.label + " (" + n.role + ")").c_str());
            for (size_t k = 0; k < n.values.size(); ++k) {
                if (n.values[k].n)
                    std::printf(" [%zu] %6.2f", k + 1, n.values[k].mean);
                else
                    std::printf(" [%zu]      -", k + 1);
            }
            std::printf("\n");
        }
        for (const auto& c : b.answers)
            std::printf("  %-60s %-10s p %-9s p (Holm) %-9s %s\n", c.claim.c_str(),
                        beyondAnswerText(c.verdict), num(c.pValue).c_str(),
                        num(c.pAdjusted).c_str(), estimate(c).c_str());
    }
    std::printf("\n%s after %s: %zu of %zu jobs, %zu figures\nreport: %s\nall runs: %s\n",
                r.complete ? "complete" : "stopped", duration(r.wallSeconds).c_str(), r.jobs.size(),
                plan.jobs.size(), figures.size(), report.c_str(), r.combinedPath.c_str());
    if (!r.complete) std::printf("run the same command again to continue where it stopped\n");
    if (!r.complete || design.empty()) return r.complete ? 0 : kExitStopped;
    // Beyond the paper: the design study, and where the paper's devices sit on its front.
    const std::string designDir = (std::filesystem::path(o.outDir) / "design").string();
    std::printf("\nbeyond the paper: the design study %s in %s\n", design.c_str(),
                designDir.c_str());
    const int rc =
        runDesign({"--out", designDir, "--preset", design, "--jobs",
                   std::to_string(std::max(1, jobs)), "--threads", std::to_string(o.threads)});
    if (rc == kExitStopped) return rc;
    if (std::filesystem::exists(designResultFile(designDir)))
        appendDesignToReport(o.outDir, loadDesignResult(designResultFile(designDir)), "design");
    return rc;
}

}  // namespace dwmtj::cli

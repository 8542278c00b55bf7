// `dwmtj sweep plan|run|submit|status|collect|compare|task` (docs/sweeps.md).
#include "cli_sweep.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "cli_args.h"
#include "cli_commands.h"
#include "cli_progress.h"
#include "dwmtj/error.h"
#include "dwmtj/sweep.h"
#include "dwmtj/training.h"

namespace dwmtj::cli {

using namespace dwmtj::core;
namespace fs = std::filesystem;

namespace {

std::string selfExe() { return fs::read_symlink("/proc/self/exe").string(); }

std::string needOut(const Args& a, const char* what)
{
    const std::string out = a.get("out", "");
    if (out.empty())
        throw UsageError(std::string("dwmtj sweep ") + what + ": --out DIR is required");
    return out;
}

std::string sweepArg(const Args& a, const char* what)
{
    if (a.positionals().size() != 1)
        throw UsageError(std::string("dwmtj sweep ") + what + ": expected one sweep file");
    return a.positionals()[0];
}

std::string dirArg(const Args& a, const char* what)
{
    if (a.positionals().size() != 1)
        throw UsageError(std::string("dwmtj sweep ") + what + ": expected the sweep folder");
    return a.positionals()[0];
}

std::string hours(double h)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, h < 0.01 ? "%.2g" : h < 10 ? "%.2f" : "%.1f", h);
    return buf;
}

int plan(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("sweep plan"));
    const std::string file = sweepArg(a, "plan"), dir = needOut(a, "plan");
    const Sweep s = loadSweep(file);
    const auto tasks = sweepTasks(s);
    double total = 0;
    for (const auto& t : tasks) total += t.estimatedCoreHours;
    if (a.has("json")) {
        std::string list;
        for (const auto& t : tasks)
            list += std::string(list.empty() ? "" : ",") + "{\"index\":" + std::to_string(t.index) +
                    ",\"id\":" + jsonString(t.id) + ",\"config\":" + jsonString(t.configId) +
                    ",\"seed\":" + std::to_string(t.config.seeds[0]) +
                    ",\"file\":" + jsonString((fs::path(dir) / t.file).string()) +
                    ",\"estimated_core_hours\":" + jsonNumber(t.estimatedCoreHours) + "}";
        std::printf("{\"name\":%s,\"tasks\":[%s],\"estimated_core_hours\":%s}\n",
                    jsonString(s.name).c_str(), list.c_str(), jsonNumber(total).c_str());
        return 0;
    }
    char grid[160];
    if (s.configs.empty())
        std::snprintf(grid, sizeof grid,
                      "%zu neuron kind(s) x %zu hidden size(s) x %zu time step count(s)",
                      s.neurons.size(), s.hidden.size(), s.timesteps.size());
    else
        std::snprintf(grid, sizeof grid, "%zu configuration(s)", s.configs.size());
    std::printf("sweep %s: %zu task(s) (%s x %zu seed(s)), %d epoch(s) each%s\n", s.name.c_str(),
                tasks.size(), grid, s.seeds.size(), s.base.epochs,
                s.noise.enabled ? ", then the noise evaluation" : "");
    int idWidth = 29;  // the task column as wide as the longest id
    for (const auto& t : tasks) idWidth = std::max(idWidth, int(t.id.size()));
    std::printf("  index  %-*s est. core-h  file\n", idWidth, "task");
    for (const auto& t : tasks)
        std::printf("  %5d  %-*s %11s  %s\n", t.index, idWidth, t.id.c_str(),
                    hours(t.estimatedCoreHours).c_str(), (fs::path(dir) / t.file).string().c_str());
    std::printf(
        "estimated total: %s core-hours (%s h on 2 cores); an estimate scaled from this "
        "project's measured step times (docs/sweeps.md)\n",
        hours(total).c_str(), hours(total / 2).c_str());
    return 0;
}

int run(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("sweep run"));
    const std::string file = sweepArg(a, "run"), dir = needOut(a, "run");
    const int jobs = int(a.integer("jobs", 1));
    if (jobs < 1 || jobs > 1024) throw UsageError("--jobs N needs 1 <= N <= 1024");
    const long untilDecided = a.integer("seeds-until-decided", 0);
    if (untilDecided < 0 || untilDecided > 1000)
        throw UsageError("--seeds-until-decided MAX needs 0 <= MAX <= 1000");
    prepareSweepFolder(file, dir);
    if (untilDecided > 0) return runSweepUntilDecided(dir, jobs, int(untilDecided));
    return runSweepTasks(dir, jobs);
}

std::string sigmaText(const std::vector<double>& sigmas)
{
    std::string out;
    char buf[40];
    for (const double v : sigmas) {
        std::snprintf(buf, sizeof buf, "%.17g", v);
        out += (out.empty() ? "" : ",") + std::string(buf);
    }
    return out;
}

int task(const std::vector<std::string>& argv)
{
    // One watcher over the training and the noise evaluation: a SIGTERM that arrives between
    // them stops the task (exit "stopped", resumable) instead of killing it (seen on a GPU,
    // where a task's steps are short and `sweep run` was ended by a time limit).
    const InterruptWatcher whole;
    Args a(argv, commandSpec("sweep task"));
    const std::string dir = dirArg(a, "task");
    const Sweep s = loadSweepFolder(dir);
    const auto tasks = sweepTasks(s);
    const long index = a.integer("index", -1);
    if (index < 0 || index >= long(tasks.size()))
        throw UsageError("dwmtj sweep task: --index must be 0.." +
                         std::to_string(tasks.size() - 1));
    const SweepTask& t = tasks[size_t(index)];
    const std::string out = (fs::path(dir) / t.file).string();
    fs::create_directories(fs::path(out).parent_path());
    // Slurm's allocation decides the threads; otherwise DWMTJ_THREADS (the launcher) does.
    std::string threads = "0";
    if (const char* c = std::getenv("SLURM_CPUS_PER_TASK")) threads = c;
    std::fprintf(stderr, "task %ld: %s -> %s (%s thread(s))\n", index, t.id.c_str(), out.c_str(),
                 threads == "0" ? "default" : threads.c_str());
    TaskStatus st = taskStatus(dir, t, s);
    if (st.state == TaskState::Completed) {
        std::fprintf(stderr, "already complete\n");
        return 0;
    }
    int rc = 0;
    if (fs::exists(out)) {
        const Experiment e = loadExperiment(out, false);
        if (e.runs.empty() || e.runs.front().status != RunStatus::Completed)
            rc = runTrain({"--resume", out, "--threads", threads});
    } else {
        const TrainingConfig& c = t.config;
        std::vector<std::string> args = {"--neurons",     layerKindsText(c.layerKinds()),
                                         "--hidden",      std::to_string(c.hidden),
                                         "--timesteps",   std::to_string(c.timesteps),
                                         "--epochs",      std::to_string(c.epochs),
                                         "--seeds",       std::to_string(c.seeds[0]),
                                         "--batch",       std::to_string(c.batchSize),
                                         "--lr",          jsonNumber(c.learningRate),
                                         "--train-limit", std::to_string(c.trainLimit),
                                         "--validation",  std::to_string(c.validationSize),
                                         "--test-limit",  std::to_string(c.testLimit),
                                         "--train-noise", jsonNumber(c.trainNoiseSigma),
                                         "--device",      c.device,
                                         "--threads",     threads,
                                         "--out",         out};
        for (const std::string& key : constructionKeys())
            args.insert(args.end(), {"--" + constructionOption(key), constructionValue(c, key)});
        if (!c.dataDir.empty()) args.insert(args.end(), {"--data-dir", c.dataDir});
        if (const auto& v = c.variability; v.any())
            args.insert(args.end(),
                        {"--v50-sd", jsonNumber(v.v50Sd), "--width-sd", jsonNumber(v.widthSdRel),
                         "--c2c-sd", jsonNumber(v.c2cSd), "--stuck-off", jsonNumber(v.stuckOff),
                         "--stuck-on", jsonNumber(v.stuckOn), "--device-seed",
                         std::to_string(v.seed), "--variability-in", toString(c.variabilityUse)});
        // The device layers' LUT (layer 2's own with --lut2) and operating point (the first's:
        // a sweep's device layers share it).
        int first = -1;
        for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i) {
            const LayerNeuron l = c.layer(i);
            if (!neuronKindInfo(l.neuron).device) continue;
            if (first < 0) {
                first = i;
                if (!l.lutPath.empty()) args.insert(args.end(), {"--lut", l.lutPath});
                if (std::isfinite(l.gainVolts))
                    args.insert(args.end(), {"--gain", jsonNumber(l.gainVolts)});
                if (std::isfinite(l.centreVoltage))
                    args.insert(args.end(), {"--centre", jsonNumber(l.centreVoltage)});
            } else if (l.lutPath != c.layer(first).lutPath) {
                args.insert(args.end(), {"--lut2", l.lutPath});
            }
        }
        rc = runTrain(args);
    }
    if (rc != 0 || !s.noise.enabled) return rc;
    if (whole.token().stop_requested()) return kExitStopped;
    st = taskStatus(dir, t, s);
    if (st.noiseDone) return 0;
    return runNoise({out, "--sigma", sigmaText(s.noise.sigmas), "--units",
                     s.noise.units == NoiseUnits::Pixel ? "pixel" : "standardized", "--seed",
                     std::to_string(s.noise.seed), "--test-limit",
                     std::to_string(s.noise.testLimit), "--threads", threads});
}

/// Array job id and collect job id of the last submission, from DIR/slurm/jobs.tsv.
std::pair<std::string, std::string> lastJobs(const std::string& dir)
{
    std::ifstream in(fs::path(dir) / "slurm" / "jobs.tsv");
    std::pair<std::string, std::string> out;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        const auto tab = line.find('\t'), tab2 = line.find('\t', tab + 1);
        if (tab == std::string::npos) continue;
        out = {line.substr(0, tab), line.substr(tab + 1, tab2 - tab - 1)};
    }
    return out;
}

int status(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("sweep status"));
    const std::string dir = dirArg(a, "status");
    const Sweep s = loadSweepFolder(dir);
    const auto tasks = sweepTasks(s);
    // Slurm's view, when a submission is recorded and squeue answers: array index -> state.
    std::map<int, std::string> slurm;
    const auto [arrayJob, collectJob] = lastJobs(dir);
    if (!arrayJob.empty() && onPath("squeue")) {
        int rc = 0;
        const std::string text =
            runShell("squeue -h -r -j " + arrayJob + " -o '%K %T' 2>/dev/null", &rc);
        std::istringstream in(text);
        for (std::string idx, state; in >> idx >> state;)
            if (!idx.empty() && std::isdigit(static_cast<unsigned char>(idx[0])))
                slurm[std::stoi(idx)] = state;
    }
    std::map<TaskState, int> counts;
    std::string json;
    if (!a.has("json"))
        std::printf("  index  task                          state       epochs  slurm\n");
    for (const auto& t : tasks) {
        TaskStatus st = taskStatus(dir, t, s);
        const auto sl = slurm.find(t.index);
        // Queued in Slurm and no epoch saved yet: pending, even if a log exists.
        if (sl != slurm.end() && sl->second == "PENDING" && st.state == TaskState::Running &&
            st.epochsDone == 0)
            st.state = TaskState::Pending;
        ++counts[st.state];
        const std::string sstate = sl == slurm.end() ? "-" : sl->second;
        if (a.has("json")) {
            json += std::string(json.empty() ? "" : ",") + "{\"index\":" + std::to_string(t.index) +
                    ",\"id\":" + jsonString(t.id) + ",\"state\":" + jsonString(toString(st.state)) +
                    ",\"epochs_done\":" + std::to_string(st.epochsDone) +
                    ",\"epochs\":" + std::to_string(st.epochs) +
                    ",\"noise_done\":" + (st.noiseDone ? "true" : "false") +
                    ",\"slurm\":" + jsonString(sstate) + ",\"detail\":" + jsonString(st.detail) +
                    "}";
            continue;
        }
        std::printf("  %5d  %-29s %-10s %3d/%-3d  %s\n", t.index, t.id.c_str(), toString(st.state),
                    st.epochsDone, st.epochs, sstate.c_str());
        if (st.state == TaskState::Failed || st.state == TaskState::Stopped) {
            std::istringstream lines(st.detail);
            for (std::string line; std::getline(lines, line);)
                if (!line.empty()) std::printf("         | %s\n", line.c_str());
        }
    }
    if (a.has("json")) {
        std::printf("{\"name\":%s,\"array_job\":%s,\"collect_job\":%s,\"tasks\":[%s]}\n",
                    jsonString(s.name).c_str(), jsonString(arrayJob).c_str(),
                    jsonString(collectJob).c_str(), json.c_str());
        return 0;
    }
    std::printf("%zu task(s): %d completed, %d running, %d pending, %d stopped, %d failed\n",
                tasks.size(), counts[TaskState::Completed], counts[TaskState::Running],
                counts[TaskState::Pending], counts[TaskState::Stopped], counts[TaskState::Failed]);
    return 0;
}

int collect(const std::vector<std::string>& argv)
{
    Args a(argv, commandSpec("sweep collect"));
    const std::string dir = dirArg(a, "collect");
    std::vector<std::string> missing;
    const auto written = collectSweep(dir, &missing);
    for (const auto& f : written) std::printf("written %s\n", f.c_str());
    if (!missing.empty()) {
        std::printf("%zu task(s) have no file yet:", missing.size());
        for (const auto& m : missing) std::printf(" %s", m.c_str());
        std::printf("\n");
    }
    if (!loadSweepFolder(dir).comparisons.empty()) compareSweepFolder(dir, false);
    return 0;
}

int submit(const std::vector<std::string>& argv)
{
    bool dryRun = false;
    const Args a(argv, commandSpec("sweep submit"));
    const SlurmOptions o = slurmOptionsFrom(a, &dryRun);
    const std::string file = sweepArg(a, "submit"), dir = needOut(a, "submit");
    prepareSweepFolder(file, dir);
    return submitSweepFolder(dir, o, dryRun,
                             "sweep collect " + shellQuote(fs::absolute(dir).string()));
}

}  // namespace

static_assert(kExitStopped == kTaskExitStopped, "one exit status for a stopped task");

int runSweepTasks(const std::string& dir, int jobs)
{
    InterruptWatcher interrupts;
    SweepRunOptions o;
    o.jobs = jobs;
    // The threads this process would use, shared among the tasks that run at once.
    o.threadsPerTask = std::max(1, defaultThreadCount() / std::max(1, jobs));
    o.program = selfExe();
    bool saidStopping = false;
    const SweepRunSummary sum = runSweepFolder(
        dir, o, interrupts.token(),
        [](const SweepRunSummary& s) {
            std::fprintf(stderr,
                         "sweep %s: %zu of %zu task(s) to run, %d at a time, %d thread(s) each\n",
                         s.name.c_str(), s.pending, s.tasks, s.jobs, s.threadsPerTask);
        },
        [&](const SweepRunProgress& p) {
            if (std::isnan(p.etaSeconds) && !saidStopping) {
                std::fprintf(stderr, "stopping: the running tasks finish their batch and save\n");
                saidStopping = true;
            }
            const std::string eta =
                std::isnan(p.etaSeconds) ? "" : ", ETA " + duration(p.etaSeconds);
            std::fprintf(stderr, "[%zu/%zu] %s %s (log %s)%s\n", p.done, p.total, p.taskId.c_str(),
                         p.exitCode == 0              ? "completed"
                         : p.exitCode == kExitStopped ? "stopped"
                                                      : "FAILED",
                         p.log.c_str(), eta.c_str());
        });
    std::fprintf(stderr,
                 "%zu task(s) ran: %d failed, %d stopped; `dwmtj sweep collect %s` merges "
                 "them\n",
                 sum.ran, sum.failed, sum.stopped, dir.c_str());
    if (sum.interrupted) return kExitStopped;
    return sum.failed ? 1 : 0;
}

SlurmOptions slurmOptionsFrom(const Args& a, bool* dryRun)
{
    SlurmOptions o;
    o.partition = a.get("partition", "");
    o.account = a.get("account", "");
    o.time = a.get("time", "");
    o.mem = a.get("mem", "");
    o.gres = a.get("gres", "");
    o.collectTime = a.get("collect-time", "");
    o.extraArgs = a.all("sbatch-arg");
    auto count = [&](const char* name, long fallback, long lowest) {
        const long n = a.integer(name, fallback);
        if (n < lowest || n > 100000)
            throw UsageError(std::string("--") + name + ": expected a whole number >= " +
                             std::to_string(lowest) + ", got " + std::to_string(n));
        return int(n);
    };
    o.cpusPerTask = count("cpus-per-task", o.cpusPerTask, 1);
    o.maxParallel = count("max-parallel", o.maxParallel, 0);
    if (a.has("collect-cpus")) o.collectCpus = count("collect-cpus", 1, 1);
    *dryRun = a.has("dry-run");
    return o;
}

std::vector<std::string> withoutSlurmOptions(const std::vector<std::string>& argv)
{
    std::vector<std::string> rest;
    const auto options = slurmOptions();
    for (size_t k = 0; k < argv.size(); ++k) {
        const std::string& x = argv[k];
        const OptionSpec* match = nullptr;
        for (const OptionSpec& o : options)
            if (x == "--" + o.name || x.rfind("--" + o.name + "=", 0) == 0) match = &o;
        if (!match) {
            rest.push_back(x);
            continue;
        }
        if (!match->argument.empty() && x.find('=') == std::string::npos) ++k;  // its value
    }
    return rest;
}

int submitSweepFolder(const std::string& dir, const SlurmOptions& o, bool dryRun,
                      const std::string& collectArgs)
{
    const SlurmSubmission sub = submitSweep(dir, o, dryRun, selfExe(), collectArgs);
    if (sub.indices.empty()) {
        std::printf("every task is complete; `dwmtj sweep collect %s` merges them\n", dir.c_str());
        return 0;
    }
    std::printf("%zu task(s) to submit: %s\n", sub.indices.size(), sub.arrayScript.c_str());
    const std::string commands = std::regex_replace(sub.commands, std::regex("\n"), "\n  ");
    if (dryRun) {
        std::printf("dry run; the commands:\n  %s\n", commands.c_str());
        return 0;
    }
    if (!sub.submitted) {  // nothing is queued: a failure, not a success that prints commands
        std::fprintf(stderr,
                     "dwmtj sweep submit: sbatch is not on PATH here, so nothing was submitted; "
                     "the scripts are written, submit them from a login node:\n  %s\n",
                     commands.c_str());
        return 1;
    }
    std::printf(
        "submitted array job %s (%zu task(s)) and collect job %s; `dwmtj sweep status %s`\n",
        sub.arrayJob.c_str(), sub.indices.size(), sub.collectJob.c_str(), dir.c_str());
    return 0;
}

int runSweep(const std::vector<std::string>& argv)
{
    if (argv.empty())
        throw UsageError(
            "dwmtj sweep: expected plan, run, submit, status, collect, compare, task or "
            "from-presets");
    const std::string sub = argv[0];
    const std::vector<std::string> rest(argv.begin() + 1, argv.end());
    if (sub == "plan") return plan(rest);
    if (sub == "run") return run(rest);
    if (sub == "submit") return submit(rest);
    if (sub == "status") return status(rest);
    if (sub == "collect") return collect(rest);
    if (sub == "compare") {
        const Args a(rest, commandSpec("sweep compare"));
        return compareSweepFolder(dirArg(a, "compare"), a.has("json"));
    }
    if (sub == "task") return task(rest);
    if (sub == "from-presets") return sweepFromPresets(rest);
    throw UsageError("dwmtj sweep: unknown subcommand '" + sub +
                     "' (plan, run, submit, status, collect, compare, from-presets)");
}

}  // namespace dwmtj::cli

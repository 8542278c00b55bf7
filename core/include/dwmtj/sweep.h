#pragma once
// Experiment sweeps (docs/sweeps.md): a sweep file names the axes of a grid of training
// configurations (neuron kinds x hidden sizes x time steps) and what every task shares; each
// configuration x seed is one task with its own experiment file and log in the sweep folder,
// run here N at a time or as a Slurm array job. Torch-free: the CLI and the GUI plan, watch
// and collect without the trainer.
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "dwmtj/experiment.h"
#include "dwmtj/training_config.h"

namespace dwmtj::core {

struct SweepNoise {
    bool enabled = false;
    std::vector<double> sigmas;  ///< pixel or standardized units
    NoiseUnits units = NoiseUnits::Pixel;
    uint64_t seed = 1234;
    int testLimit = 0;  ///< 0 = the whole test set
};

/// An explicitly listed configuration ([config NAME]): used instead of the grid when present.
struct SweepConfig {
    std::string name;
    /// One kind per hidden layer (a hybrid network: binary/lif in the file).
    std::vector<NeuronKind> neurons{NeuronKind::Lif, NeuronKind::Lif};
    int hidden = 500, timesteps = 80;
    /// Device variability of this configuration's networks (keys v50_sd, width_sd, c2c_sd,
    /// stuck, device_seed, variability_in; TrainingConfig::variability); zero = none.
    VariabilitySettings variability;
    VariabilityUse variabilityUse = VariabilityUse::Evaluation;
    /// Per-configuration construction settings (constructionKeys(), e.g. the mechanism study's
    /// device_gradient, freeze, sampling) as (key, text), applied over the [sweep] section's.
    std::vector<std::pair<std::string, std::string>> construction;
    /// The LUT of every device layer of this configuration (key lut; the design study's
    /// per-point devices); empty = the sweep's lut_binary / lut_multistate.
    std::string lut;
};

/// A declared comparison ([compare NAME], docs/sweeps.md "Comparisons"): configuration a
/// against b (a - b) on one measure per network, with the hypothesis and margin it decides;
/// `dwmtj sweep run --seeds-until-decided MAX` adds seeds to a and b while it is undecided.
struct SweepComparison {
    std::string name, a, b;
    /// auc (the chance-corrected area under accuracy vs noise, the primary endpoint), sigma50,
    /// or accuracy (clean test accuracy, a fraction).
    std::string measure = "auc";
    /// two-sided (H1: a - b != 0), superiority (a - b > margin), non-inferiority
    /// (a - b > -margin) or equivalence (|a - b| < margin).
    std::string hypothesis = "two-sided";
    double margin = 0;  ///< in the measure's units, >= 0 (> 0 for equivalence)
};

struct Sweep {
    static constexpr int kFormatVersion = 1;
    std::string name;
    std::vector<std::vector<NeuronKind>> neurons;  ///< the axis: one kind per hidden layer each
    std::vector<int> hidden, timesteps;
    std::vector<SweepConfig> configs;  ///< non-empty: these instead of the grid
    std::vector<uint64_t> seeds;
    /// Shared settings (neuron, hidden, timesteps and seeds are set per task).
    TrainingConfig base;
    /// The LUTs of the device layers, by the LUT kind their neuron needs; empty = bundled.
    std::string lutBinary, lutMultiState;
    SweepNoise noise;
    std::vector<SweepComparison> comparisons;
    /// Seeds added to single configurations after the plan (a sweep folder's
    /// added-seeds.tsv, by --seeds-until-decided): (configuration, seed), their tasks after
    /// the planned ones.
    std::vector<std::pair<std::string, uint64_t>> addedSeeds;
};

/// The sweep as sweep-file text (format_version 1; explicit configurations when it has any).
std::string sweepToText(const Sweep& s);
/// A sweep of explicit configurations, one per (name, config) (the configs' seeds are the
/// sweep's). Throws Error when they differ in more than neuron, size and LUT, or use two
/// LUTs for one neuron kind.
Sweep sweepFromConfigs(const std::string& name,
                       const std::vector<std::pair<std::string, TrainingConfig>>& configs);
/// Writes `s` as a sweep file (atomically), after `comment` as # lines.
void writeSweepFile(const Sweep& s, const std::string& path, const std::string& comment);
/// Reads a sweep file; relative paths in it are relative to its folder. Throws
/// FileFormatError naming the file, the section and the line.
Sweep loadSweep(const std::string& path);

/// One task: a configuration and one seed.
struct SweepTask {
    int index = 0;          ///< 0-based, the Slurm array index
    std::string configId;   ///< "lif-H500-T80"
    std::string id;         ///< "lif-H500-T80-seed0"
    TrainingConfig config;  ///< seeds = {seed}
    std::string file;       ///< experiment file, relative to the sweep folder
    std::string log;        ///< log file, relative to the sweep folder
    double estimatedCoreHours = 0;
};
/// The planned tasks (configurations x seeds), then one per added seed.
std::vector<SweepTask> sweepTasks(const Sweep& s);
/// The configurations' ids, in task order ("lif-H500-T80" for a grid, else the names).
std::vector<std::string> sweepConfigIds(const Sweep& s);
/// Estimated core-hours of one task (training, validation and test passes), scaled from
/// throughputs measured on the development machine (docs/sweeps.md); an estimate.
double estimateCoreHours(const TrainingConfig& c, bool noise, int noiseLevels);

/// The sweep folder: DIR/sweep.ini (the sweep as planned), tasks/, logs/, results/, slurm/.
/// Copies the sweep file there, or checks that the one there is the same; throws Error
/// when DIR holds another sweep.
void prepareSweepFolder(const std::string& sweepFile, const std::string& dir);
std::string sweepFileIn(const std::string& dir);
/// The folder's sweep: DIR/sweep.ini with the seeds added to its configurations
/// (DIR/added-seeds.tsv). Throws FileFormatError naming a bad line.
Sweep loadSweepFolder(const std::string& dir);
/// Adds one seed to each of `configs` (the next after its highest) to the folder's
/// added-seeds.tsv (atomically); returns the new tasks (pending). Throws Error for an unknown
/// configuration.
std::vector<SweepTask> addSweepSeeds(const std::string& dir,
                                     const std::vector<std::string>& configs);

enum class TaskState { Pending, Running, Completed, Stopped, Failed };
const char* toString(TaskState s);
struct TaskStatus {
    TaskState state = TaskState::Pending;
    int epochsDone = 0, epochs = 0;
    bool noiseDone = false;
    std::string detail;  ///< failure message or the log's last lines
};
/// A task's state from its files (experiment file and log) alone.
TaskStatus taskStatus(const std::string& dir, const SweepTask& task, const Sweep& s);

/// Merges the tasks' files into one experiment file per configuration, all seeds, in
/// DIR/results/<configId>.h5 (atomically). Returns the files written; `missing` gets the ids
/// of tasks with no file yet.
std::vector<std::string> collectSweep(const std::string& dir, std::vector<std::string>* missing);

/// s in single quotes for a POSIX shell (scripts and commands the sweep writes).
std::string shellQuote(const std::string& s);

/// Options of `dwmtj sweep submit`.
struct SlurmOptions {
    std::string partition, account, time, mem, gres;
    int cpusPerTask = 2, maxParallel = 0;  ///< 0: no %K throttle
    std::vector<std::string> extraArgs;    ///< passed as #SBATCH lines
    /// The collect job's own CPUs and time limit (0 / empty: cpusPerTask / time): merging
    /// files needs one CPU, but reproduce's collect job runs the noise, robustness and
    /// variability studies too.
    int collectCpus = 0;
    std::string collectTime;
};
/// The array script for the given task indices and the collect script, as text. `command`
/// is how a compute node starts dwmtj (the launcher and the binary).
std::string slurmArrayScript(const std::string& dir, const Sweep& s,
                             const std::vector<int>& indices, const SlurmOptions& o,
                             const std::string& command);
/// The collect job: `command collectArgs` (e.g. "sweep collect 'DIR'"), after the array.
std::string slurmCollectScript(const std::string& dir, const Sweep& s, const SlurmOptions& o,
                               const std::string& command, const std::string& collectArgs);

/// How a compute node starts dwmtj: through the launcher (DWMTJ_LAUNCHER, else dwmtj-launch
/// next to the program, else the source tree's for a build folder), then `dwmtjBinary`.
std::string nodeCommand(const std::string& dwmtjBinary);

/// What submitSweep() wrote and did.
struct SlurmSubmission {
    std::vector<int> indices;  ///< the incomplete tasks submitted (empty: all complete)
    std::string arrayScript, collectScript;  ///< paths (DIR/slurm/*.sbatch)
    std::string arrayText, collectText;      ///< the scripts themselves
    bool submitted = false;  ///< false: dry run or no sbatch on PATH (commands printed)
    std::string arrayJob, collectJob;
    std::string commands;  ///< the sbatch commands (to run by hand when not submitted)
};
/// The scripts of the folder's incomplete tasks (nothing written).
SlurmSubmission slurmScripts(const std::string& dir, const SlurmOptions& o,
                             const std::string& dwmtjBinary, const std::string& collectArgs);
/// Writes the array and collect scripts (atomically) for the folder's incomplete tasks and,
/// unless dryRun or sbatch is not on PATH, submits the array with `sbatch --parsable` and the
/// collect job (`dwmtj collectArgs`) with --dependency=afterany:<array>, appending both ids
/// to DIR/slurm/jobs.tsv. Throws Error with sbatch's message when it refuses.
SlurmSubmission submitSweep(const std::string& dir, const SlurmOptions& o, bool dryRun,
                            const std::string& dwmtjBinary, const std::string& collectArgs);
/// The exit status of a task that was stopped (SIGTERM, Stop) and saved its last epoch.
inline constexpr int kTaskExitStopped = 3;

/// How runSweepFolder runs the tasks.
struct SweepRunOptions {
    int jobs = 1;            ///< tasks at a time
    int threadsPerTask = 1;  ///< DWMTJ_THREADS, OMP_NUM_THREADS, OPENBLAS_NUM_THREADS of each
    std::string program;     ///< the dwmtj program that runs `sweep task DIR --index I`
};
/// What runSweepFolder is about to do, and then did.
struct SweepRunSummary {
    std::string name;    ///< the sweep's
    size_t tasks = 0;    ///< all of the sweep's
    size_t pending = 0;  ///< those not completed, which it runs
    int jobs = 1, threadsPerTask = 1;
    size_t ran = 0;  ///< tasks that ended (completed, failed or stopped)
    int failed = 0, stopped = 0;
    bool interrupted = false;  ///< stop was requested: the rest stay pending
};
/// One task ended.
struct SweepRunProgress {
    size_t done = 0, total = 0;        ///< of the pending tasks
    std::string taskId, log;           ///< the log's path
    int exitCode = 0;                  ///< 0 completed, kTaskExitStopped stopped, else failed
    double etaSeconds = std::nan("");  ///< NaN once stopping
};
/// Runs the folder's incomplete tasks, `o.jobs` at a time, each as its own process
/// (`o.program sweep task DIR --index I`, its output appended to its log, in its own process
/// group) until all have run or `stop` is requested: then the running tasks get SIGTERM (they
/// finish their batch, save and exit kTaskExitStopped) and the rest stay pending, so a later
/// run resumes them. `dwmtj sweep run`, `reproduce --jobs` and the Train page use it.
SweepRunSummary runSweepFolder(const std::string& dir, const SweepRunOptions& o,
                               std::stop_token stop,
                               const std::function<void(const SweepRunSummary&)>& onStart,
                               const std::function<void(const SweepRunProgress&)>& onTask);

/// Whether `program` is on PATH.
bool onPath(const std::string& program);
/// Runs a shell command; its standard output (and the exit status in *rc).
std::string runShell(const std::string& command, int* rc);

}  // namespace dwmtj::core

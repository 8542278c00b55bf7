#pragma once
// The parts of `dwmtj sweep` that `dwmtj reproduce --jobs N | --slurm` uses too.
#include <string>
#include <vector>

#include "dwmtj/sweep.h"

namespace dwmtj::cli {

/// Runs the sweep folder's incomplete tasks here, `jobs` at a time, as `dwmtj sweep task`
/// processes; Ctrl+C or SIGTERM is forwarded once. 0, 1 (a task failed) or kExitStopped.
int runSweepTasks(const std::string& dir, int jobs);

/// Prints the folder's declared comparisons (text or JSON); 1 when it declares none.
int compareSweepFolder(const std::string& dir, bool json);
/// Runs the folder's tasks, then while a comparison is undecided adds a seed to its
/// configurations (up to maxNetworks networks each) and runs again; prints the comparisons.
int runSweepUntilDecided(const std::string& dir, int jobs, int maxNetworks);

class Args;
/// The Slurm options (cli_spec's slurmOptions(): --partition ... --dry-run) of parsed arguments.
core::SlurmOptions slurmOptionsFrom(const Args& a, bool* dryRun);
/// argv without the Slurm options and their values.
std::vector<std::string> withoutSlurmOptions(const std::vector<std::string>& argv);

/// Writes the array and collect scripts for the folder's incomplete tasks and submits them
/// (or prints the commands with dryRun or without sbatch). The collect job runs
/// `dwmtj <collectArgs>` (already shell-quoted). Returns 0.
int submitSweepFolder(const std::string& dir, const core::SlurmOptions& o, bool dryRun,
                      const std::string& collectArgs);

}  // namespace dwmtj::cli

// Sweeps on Slurm (dwmtj/sweep.h, docs/sweeps.md): the array and collect job scripts, the
// command that reaches the program on the nodes, and sbatch.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dwmtj/error.h"
#include "dwmtj/sweep.h"
#include "util/atomic_file.h"
#include "util/ini.h"

namespace dwmtj::core {

namespace fs = std::filesystem;

namespace {

std::string sbatchHeader(const std::string& jobName, const SlurmOptions& o)
{
    std::ostringstream h;
    h << "#!/bin/bash\n#SBATCH --job-name=" << jobName << "\n";
    if (!o.partition.empty()) h << "#SBATCH --partition=" << o.partition << "\n";
    if (!o.account.empty()) h << "#SBATCH --account=" << o.account << "\n";
    if (!o.time.empty()) h << "#SBATCH --time=" << o.time << "\n";
    if (!o.mem.empty()) h << "#SBATCH --mem=" << o.mem << "\n";
    if (!o.gres.empty()) h << "#SBATCH --gres=" << o.gres << "\n";
    for (const auto& a : o.extraArgs) h << "#SBATCH " << a << "\n";
    return h.str();
}

}  // namespace

std::string shellQuote(const std::string& s)
{
    std::string out = "'";
    for (const char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

std::string slurmArrayScript(const std::string& dir, const Sweep& s,
                             const std::vector<int>& indices, const SlurmOptions& o,
                             const std::string& command)
{
    std::string array;
    for (const int i : indices) array += (array.empty() ? "" : ",") + std::to_string(i);
    if (o.maxParallel > 0) array += "%" + std::to_string(o.maxParallel);
    const std::string absDir = fs::absolute(dir).string();
    std::ostringstream sh;
    sh << sbatchHeader("dwmtj-" + s.name, o) << "#SBATCH --array=" << array << "\n"
       << "#SBATCH --cpus-per-task=" << o.cpusPerTask << "\n"
       << "#SBATCH --output=" << absDir << "/logs/task-%a.log\n"
       << "#SBATCH --open-mode=append\n"
       << "# One task per configuration x seed (dwmtj sweep plan lists them). Slurm's SIGTERM at\n"
       << "# the time limit stops a task after the batch in flight; resubmitting resumes it.\n"
       << "export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1} "
          "OPENBLAS_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}\n"
       << "export DWMTJ_THREADS=${SLURM_CPUS_PER_TASK:-1}\n"
       << "exec " << command << " sweep task " << shellQuote(absDir)
       << " --index \"$SLURM_ARRAY_TASK_ID\"\n";
    return sh.str();
}

std::string slurmCollectScript(const std::string& dir, const Sweep& s, const SlurmOptions& o,
                               const std::string& command, const std::string& collectArgs)
{
    const std::string absDir = fs::absolute(dir).string();
    SlurmOptions one = o;
    one.gres.clear();
    if (!o.collectTime.empty()) one.time = o.collectTime;
    std::ostringstream sh;
    sh << sbatchHeader("dwmtj-" + s.name + "-collect", one)
       << "#SBATCH --cpus-per-task=" << (o.collectCpus > 0 ? o.collectCpus : o.cpusPerTask) << "\n"
       << "#SBATCH --output=" << absDir << "/logs/collect.log\n"
       << "#SBATCH --open-mode=append\n"
       << "# Runs after the array job ends, however its tasks ended (afterany).\n"
       << "exec " << command << " " << collectArgs << "\n";
    return sh.str();
}

std::string nodeCommand(const std::string& dwmtjBinary)
{
    std::string launcher;
    const fs::path dir = fs::path(dwmtjBinary).parent_path();
    if (const char* l = std::getenv("DWMTJ_LAUNCHER"))
        launcher = l;
    else if (fs::exists(dir / "dwmtj-launch"))
        launcher = (dir / "dwmtj-launch").string();
#ifdef DWMTJ_SOURCE_DIR
    else if (fs::exists(fs::path(DWMTJ_SOURCE_DIR) / "packaging" / "dwmtj-launch"))
        launcher = (fs::path(DWMTJ_SOURCE_DIR) / "packaging" / "dwmtj-launch").string();
#endif
    return (launcher.empty() ? "" : shellQuote(launcher) + " ") + shellQuote(dwmtjBinary);
}

std::string runShell(const std::string& command, int* rc)
{
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) {
        *rc = -1;
        return out;
    }
    char buf[4096];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int st = pclose(p);
    *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

bool onPath(const std::string& program)
{
    int rc = 0;
    runShell("command -v " + shellQuote(program) + " >/dev/null 2>&1", &rc);
    return rc == 0;
}

SlurmSubmission slurmScripts(const std::string& dir, const SlurmOptions& o,
                             const std::string& dwmtjBinary, const std::string& collectArgs)
{
    const Sweep s = loadSweepFolder(dir);
    SlurmSubmission sub;
    for (const auto& t : sweepTasks(s))
        if (taskStatus(dir, t, s).state != TaskState::Completed) sub.indices.push_back(t.index);
    const std::string command = nodeCommand(dwmtjBinary);
    const fs::path slurmDir = fs::path(dir) / "slurm";
    sub.arrayScript = (slurmDir / "array.sbatch").string();
    sub.collectScript = (slurmDir / "collect.sbatch").string();
    if (!sub.indices.empty()) {
        sub.arrayText = slurmArrayScript(dir, s, sub.indices, o, command);
        sub.collectText = slurmCollectScript(dir, s, o, command, collectArgs);
    }
    sub.commands = "sbatch --parsable " + shellQuote(sub.arrayScript) +
                   "\nsbatch --parsable --dependency=afterany:<ARRAY_JOB> " +
                   shellQuote(sub.collectScript);
    return sub;
}

SlurmSubmission submitSweep(const std::string& dir, const SlurmOptions& o, bool dryRun,
                            const std::string& dwmtjBinary, const std::string& collectArgs)
{
    SlurmSubmission sub = slurmScripts(dir, o, dwmtjBinary, collectArgs);
    if (sub.indices.empty()) return sub;
    fs::create_directories(fs::path(sub.arrayScript).parent_path());
    detail::writeTextAtomically(sub.arrayScript, sub.arrayText);
    detail::writeTextAtomically(sub.collectScript, sub.collectText);
    if (dryRun || !onPath("sbatch")) return sub;
    auto firstLine = [](std::string t) { return t.substr(0, t.find_first_of(";\n")); };
    int rc = 0;
    const std::string array =
        runShell("sbatch --parsable " + shellQuote(sub.arrayScript) + " 2>&1", &rc);
    if (rc != 0) throw Error("sbatch refused the array job: " + firstLine(array));
    sub.arrayJob = firstLine(array);
    const std::string collect = runShell("sbatch --parsable --dependency=afterany:" + sub.arrayJob +
                                             " " + shellQuote(sub.collectScript) + " 2>&1",
                                         &rc);
    if (rc != 0) throw Error("sbatch refused the collect job: " + firstLine(collect));
    sub.collectJob = firstLine(collect);
    std::ofstream jobs(fs::path(dir) / "slurm" / "jobs.tsv", std::ios::app);
    jobs << sub.arrayJob << "\t" << sub.collectJob << "\t" << sub.indices.size() << "\n";
    if (!jobs) throw Error("cannot record the job ids in " + dir + "/slurm/jobs.tsv");
    sub.submitted = true;
    return sub;
}

}  // namespace dwmtj::core

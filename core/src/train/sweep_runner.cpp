// The local sweep runner (dwmtj/sweep.h, docs/sweeps.md): the folder's incomplete tasks, N at
// a time, each as its own `dwmtj sweep task` process. `dwmtj sweep run`, `dwmtj reproduce
// --jobs N` and the Train page's "Run as a sweep here" all use it.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "dwmtj/error.h"
#include "dwmtj/sweep.h"

extern char** environ;

namespace dwmtj::core {

namespace fs = std::filesystem;

namespace {

/// This process's environment with the thread counts set to `threads` (built before the
/// spawn: nothing between fork and exec may allocate in a multithreaded process).
std::vector<std::string> taskEnvironment(int threads)
{
    static const char* kThreadVariables[] = {
        "DWMTJ_THREADS=", "OMP_NUM_THREADS=", "OPENBLAS_NUM_THREADS="};
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        const std::string v(*e);
        bool replaced = false;
        for (const char* t : kThreadVariables) replaced |= v.rfind(t, 0) == 0;
        if (!replaced) env.push_back(v);
    }
    for (const char* t : kThreadVariables) env.push_back(t + std::to_string(threads));
    return env;
}

/// Starts `program sweep task DIR --index I` with its output appended to the task's log, in
/// its own process group (a terminal's Ctrl+C reaches only the runner, which forwards one
/// SIGTERM).
pid_t startTask(const std::string& program, const std::string& dir, const SweepTask& t,
                const std::vector<std::string>& env)
{
    const std::string log = (fs::path(dir) / t.log).string(), index = std::to_string(t.index);
    std::vector<std::string> args = {program, "sweep", "task", dir, "--index", index};
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> envCopy = env;
    for (auto& e : envCopy) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&files);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&files, 1, 2);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, program.c_str(), &files, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
        throw Error("cannot start the task " + t.id + " (" + program + ": " + std::strerror(rc) +
                    ")");
    return pid;
}

}  // namespace

SweepRunSummary runSweepFolder(const std::string& dir, const SweepRunOptions& o,
                               std::stop_token stop,
                               const std::function<void(const SweepRunSummary&)>& onStart,
                               const std::function<void(const SweepRunProgress&)>& onTask)
{
    if (o.jobs < 1) throw Error("a sweep runs at least 1 task at a time");
    const Sweep s = loadSweepFolder(dir);
    const auto tasks = sweepTasks(s);
    std::vector<SweepTask> pending;
    for (const auto& t : tasks)
        if (taskStatus(dir, t, s).state != TaskState::Completed) pending.push_back(t);
    SweepRunSummary sum;
    sum.name = s.name;
    sum.tasks = tasks.size();
    sum.pending = pending.size();
    sum.jobs = o.jobs;
    sum.threadsPerTask = std::max(1, o.threadsPerTask);
    if (onStart) onStart(sum);
    const auto env = taskEnvironment(sum.threadsPerTask);
    std::map<pid_t, SweepTask> running;
    size_t next = 0;
    const auto start = std::chrono::steady_clock::now();
    while (next < pending.size() || !running.empty()) {
        const bool stopNow = stop.stop_requested();
        if (stopNow && !sum.interrupted) {
            for (const auto& [pid, t] : running) kill(pid, SIGTERM);
            sum.interrupted = true;
            next = pending.size();  // the rest stay pending
        }
        while (!stopNow && next < pending.size() && int(running.size()) < o.jobs) {
            const SweepTask& t = pending[next++];
            running[startTask(o.program, dir, t, env)] = t;
        }
        // Only this runner's own children: a GUI process has others (helpers it waits for).
        bool reaped = false;
        for (auto it = running.begin(); it != running.end();) {
            int status = 0;
            if (waitpid(it->first, &status, WNOHANG) != it->first) {
                ++it;
                continue;
            }
            reaped = true;
            const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            ++sum.ran;
            sum.failed += rc != 0 && rc != kTaskExitStopped;
            sum.stopped += rc == kTaskExitStopped;
            SweepRunProgress p;
            p.done = sum.ran;
            p.total = pending.size();
            p.taskId = it->second.id;
            p.exitCode = rc;
            p.log = (fs::path(dir) / it->second.log).string();
            const double elapsed =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (!sum.interrupted)
                p.etaSeconds = elapsed / double(p.done) * double(pending.size() - p.done);
            if (onTask) onTask(p);
            it = running.erase(it);
        }
        if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return sum;
}

}  // namespace dwmtj::core

#pragma once
// Shared by the long-running CLI commands: Ctrl+C handling through a std::stop_token and
// human-readable durations.
#include <functional>
#include <stop_token>
#include <string>
#include <thread>

namespace dwmtj::cli {

/// Exit status of every long-running command (train, noise, reproduce) that was stopped
/// by Ctrl+C or SIGTERM: the work done so far is kept; running it again continues.
/// (0 success, 1 bad input / failure, 2 usage error, 3 stopped.)
constexpr int kExitStopped = 3;

/// Ctrl+C or SIGTERM asks the work to stop after the batch in flight (a second one exits at once).
class InterruptWatcher {
public:
    InterruptWatcher();
    ~InterruptWatcher();
    std::stop_token token() const { return m_source.get_token(); }

private:
    std::stop_source m_source;
    std::jthread m_thread;
};

/// "1h05m", "3m07s", "42s" ("?" for negative or non-finite).
std::string duration(double seconds);

/// Progress of an evaluation on stderr: "LABEL: batch d/n  ETA ..." redrawn at most 5 times a
/// second on a terminal, every 10 s into a log; the last call ends the line on a terminal.
std::function<void(int, int)> batchProgress(const char* label);

/// True (after saying so) when the evaluation was stopped: the file was not touched.
bool stoppedUnchanged(const InterruptWatcher& interrupts, const std::string& path);

/// "87.15%" for 0.8715; "-" when not finite.
std::string percent(double fraction);

}  // namespace dwmtj::cli

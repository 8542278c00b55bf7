#pragma once
// Shared by the long-running CLI commands: Ctrl+C handling through a std::stop_token and
// human-readable durations.
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

}  // namespace dwmtj::cli

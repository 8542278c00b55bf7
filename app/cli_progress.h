#pragma once
// Shared by the long-running CLI commands: Ctrl+C handling through a std::stop_token and
// human-readable durations.
#include <stop_token>
#include <string>
#include <thread>

namespace dwmtj::cli {

/// Ctrl+C asks the work to stop after the batch in flight (a second one exits at once).
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

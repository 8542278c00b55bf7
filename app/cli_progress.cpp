#include "cli_progress.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace dwmtj::cli {
namespace {
std::atomic<int> g_interrupts{0};
std::atomic<int> g_watchers{0};  // live InterruptWatchers: the handlers stay while one lives
extern "C" void onSigint(int)
{
    if (++g_interrupts >= 2) std::_Exit(130);
}
}  // namespace

InterruptWatcher::InterruptWatcher()
    : m_thread([this](std::stop_token st) {
          while (!st.stop_requested()) {
              if (g_interrupts > 0 && !m_source.stop_requested()) {
                  std::fputs(
                      "\ninterrupt: stopping after the current batch (Ctrl+C again to quit now)\n",
                      stderr);
                  m_source.request_stop();
              }
              std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
      })
{
    // SIGTERM (kill, a batch system's time limit) stops the same way as Ctrl+C.
    if (g_watchers++ == 0) {
        std::signal(SIGINT, onSigint);
        std::signal(SIGTERM, onSigint);
    }
}

InterruptWatcher::~InterruptWatcher()
{
    // Nested watchers (a sweep task around its training and its noise evaluation) keep the
    // handlers: a signal between the two must stop the task, not kill it.
    if (--g_watchers == 0) {
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
    }
}

std::string duration(double s)
{
    if (!std::isfinite(s) || s < 0) return "?";
    char buf[32];
    const long t = long(s + 0.5);
    if (t >= 3600)
        std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
    else if (t >= 60)
        std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
    else
        std::snprintf(buf, sizeof buf, "%lds", t);
    return buf;
}

std::function<void(int, int)> batchProgress(const char* label)
{
    const bool tty = isatty(2);
    const auto start = std::chrono::steady_clock::now();
    auto lastDraw = std::make_shared<std::chrono::steady_clock::time_point>(start);
    return [=](int done, int total) {
        const auto now = std::chrono::steady_clock::now();
        if (done != total && now - *lastDraw < std::chrono::milliseconds(tty ? 200 : 10000)) return;
        *lastDraw = now;
        const double el = std::chrono::duration<double>(now - start).count();
        std::fprintf(stderr, "%s%s: batch %d/%d  ETA %s%s", tty ? "\r" : "", label, done, total,
                     duration(el / done * (total - done)).c_str(), tty ? "   " : "\n");
        if (tty && done == total) std::fputc('\n', stderr);
    };
}

bool stoppedUnchanged(const InterruptWatcher& interrupts, const std::string& path)
{
    if (!interrupts.token().stop_requested()) return false;
    std::fprintf(stderr, "\nstopped: %s is unchanged\n", path.c_str());
    return true;
}

std::string percent(double x)
{
    if (!std::isfinite(x)) return "-";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f%%", 100 * x);
    return buf;
}

}  // namespace dwmtj::cli

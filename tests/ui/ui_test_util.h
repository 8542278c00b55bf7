#pragma once
// Waiting for the experiment store's worker in UI tests: files are read off the GUI thread,
// so opening one returns at once and the answer comes through the event loop.
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QString>
#include <QTimer>
#include <functional>

#include "runs/experiment_store.h"
#include "runs/runs_page.h"

namespace dwmtj::test {

/// Opens `path` on the Runs page and waits (up to 30 s) for it: the error, or "".
inline QString openAndWait(ui::RunsPage* runs, const QString& path)
{
    QSignalSpy spy(runs, &ui::RunsPage::openFinished);
    runs->openFile(path);
    if (spy.isEmpty() && !spy.wait(30000)) return QStringLiteral("no answer within 30 s");
    return spy.at(0).at(1).toString();
}

/// Loads `path` into the store and waits (up to 30 s): the error, or "".
inline QString loadAndWait(ui::ExperimentStore* store, const QString& path)
{
    bool done = false;
    QString error;
    store->load(path, nullptr, [&](const QString& e) {
        error = e;
        done = true;
    });
    QSignalSpy spy(store, &ui::ExperimentStore::changed);
    for (int i = 0; !done && i < 300; ++i) spy.wait(100);
    return done ? error : QStringLiteral("no answer within 30 s");
}

/// Measures how promptly the GUI thread's event loop answers while `busy()` holds: a 5 ms
/// timer, and the longest time between two of its ticks that both fell while busy.
class LoopWatch {
public:
    explicit LoopWatch(std::function<bool()> busy) : m_busy(std::move(busy))
    {
        m_clock.start();
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.elapsed();
            const bool busyNow = m_busy();
            if (busyNow && m_lastBusy >= 0)
                m_longestGapMs = std::max(m_longestGapMs, now - m_lastBusy);
            if (busyNow) ++m_busyTicks;
            m_lastBusy = busyNow ? now : -1;
        });
        m_timer.start();
    }
    qint64 longestGapMs() const { return m_longestGapMs; }
    int busyTicks() const { return m_busyTicks; }

private:
    std::function<bool()> m_busy;
    QElapsedTimer m_clock;
    QTimer m_timer;
    qint64 m_lastBusy = -1;
    qint64 m_longestGapMs = 0;
    int m_busyTicks = 0;
};

}  // namespace dwmtj::test

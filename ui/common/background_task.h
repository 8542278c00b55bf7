#pragma once
// The one worker mechanism of the pages (docs/architecture.md, "Threading and cancellation"):
// one piece of long work (a training queue, a noise evaluation, a reproduction, experiment-file
// loads) in its own QThread, with the states Idle -> Running -> Stopping -> Idle and
// cooperative cancellation through a std::stop_token. The work function runs in the worker
// thread and reports through the thread-safe report*() calls and observer(), which emit
// signals that reach GUI-thread receivers queued. Results travel as value types. Every task is
// in the TaskCenter's list while it exists (common/task_center.h).
#include <QObject>
#include <QString>
#include <QThread>
#include <QVariant>
#include <functional>
#include <memory>
#include <stop_token>

#include "common/core_metatypes.h"
#include "dwmtj/reproduce.h"

namespace dwmtj::ui {

class BackgroundTask : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Stopping };
    Q_ENUM(State)
    using Work = std::function<void(std::stop_token, BackgroundTask&)>;

    explicit BackgroundTask(QObject* parent = nullptr);
    ~BackgroundTask() override;  ///< requests stop and waits for the worker
    State state() const { return m_state; }
    QString what() const { return m_what; }
    /// Whether quitting while it runs asks first (default; reading files for a view does not).
    bool askBeforeQuit() const { return m_askBeforeQuit; }
    void setAskBeforeQuit(bool ask) { m_askBeforeQuit = ask; }
    /// Starts `work` in a new thread; ignored (returns false) unless Idle.
    bool start(const QString& what, Work work);
    void stop();  ///< the work sees stop_requested() and returns early

    // Called from the work function (any thread).
    void reportProgress(double fraction, const QString& text) { Q_EMIT progress(fraction, text); }
    void reportItem(const QString& item) { Q_EMIT itemDone(item); }
    void reportMessage(const QString& text) { Q_EMIT message(text); }
    void reportJobStarted(int index, int count, const QString& name)
    {
        Q_EMIT jobStarted(index, count, name);
    }
    void reportResult(const QVariant& value) { Q_EMIT result(value); }
    /// One item of the work failed; the work goes on (an exception ends it).
    void reportError(const QString& error) { Q_EMIT failed(error); }
    /// Forwards the core's training, noise and reproduction progress to this task's signals
    /// (batch, epoch, message, jobStarted, progress). Valid while the task lives.
    core::ReproObserver& observer() { return *m_observer; }

Q_SIGNALS:
    void stateChanged(dwmtj::ui::BackgroundTask::State state);
    void progress(double fraction, const QString& text);
    void itemDone(const QString& item);  ///< e.g. a file the work has written
    void message(const QString& text);
    void jobStarted(int index, int count, const QString& name);
    void batch(const dwmtj::core::BatchProgress& progress);
    void epoch(const dwmtj::core::EpochReport& report);
    void noiseProgress(int done, int total);
    void result(const QVariant& value);  ///< a value the work produced (one per item)
    void failed(const QString& error);   ///< the work (or one item) failed; Idle follows the work
    void finished(bool stopped);         ///< the work returned (or threw)

private:
    void setState(State s);
    State m_state = State::Idle;
    QString m_what;
    bool m_askBeforeQuit = true;
    QThread* m_thread = nullptr;
    std::stop_source m_stop;
    std::unique_ptr<core::ReproObserver> m_observer;
};

}  // namespace dwmtj::ui

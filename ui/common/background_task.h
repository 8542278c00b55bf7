#pragma once
// One piece of long work (noise evaluation, a reproduction) in its own QThread, with the
// states Idle -> Running -> Stopping -> Idle and cooperative cancellation through a
// std::stop_token (docs/architecture.md, "Threading and cancellation"). The work function runs in
// the worker thread and reports through the thread-safe report*() calls, which emit signals that
// reach GUI-thread receivers queued.
#include <QObject>
#include <QString>
#include <QThread>
#include <functional>
#include <stop_token>

namespace dwmtj::ui {

class BackgroundTask : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Stopping };
    Q_ENUM(State)
    using Work = std::function<void(std::stop_token, BackgroundTask&)>;

    explicit BackgroundTask(QObject* parent = nullptr) : QObject(parent) {}
    ~BackgroundTask() override;  ///< requests stop and waits for the worker
    State state() const { return m_state; }
    QString what() const { return m_what; }
    /// Starts `work` in a new thread; ignored (returns false) unless Idle.
    bool start(const QString& what, Work work);
    void stop();  ///< the work sees stop_requested() and returns early

    // Called from the work function (any thread).
    void reportProgress(double fraction, const QString& text) { Q_EMIT progress(fraction, text); }
    void reportItem(const QString& item) { Q_EMIT itemDone(item); }
    void reportMessage(const QString& text) { Q_EMIT message(text); }

Q_SIGNALS:
    void stateChanged(dwmtj::ui::BackgroundTask::State state);
    void progress(double fraction, const QString& text);
    void itemDone(const QString& item);  ///< e.g. a file the work has written
    void message(const QString& text);
    void failed(const QString& error);  ///< the work threw; the state still returns to Idle
    void finished(bool stopped);        ///< the work returned (or threw)

private:
    void setState(State s);
    State m_state = State::Idle;
    QString m_what;
    QThread* m_thread = nullptr;
    std::stop_source m_stop;
};

}  // namespace dwmtj::ui

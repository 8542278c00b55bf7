#pragma once
// Every background task of the workbench in one list (docs/architecture.md, "Threading and
// cancellation"): a BackgroundTask registers itself when it is made and leaves when it is
// destroyed, so nothing can run unseen. The status bar's busy indicator, the quit prompt and
// Tools > Stop all background work read this list.
#include <QList>
#include <QObject>
#include <QStringList>

namespace dwmtj::ui {

class BackgroundTask;

class TaskCenter : public QObject {
    Q_OBJECT
public:
    static TaskCenter& instance();  ///< the GUI thread's one list
    /// The tasks that are running or stopping, in the order they were made.
    QList<BackgroundTask*> running() const;
    /// What each running task does (its start() text), for the quit prompt and tooltips.
    QStringList runningWork(bool onlyThoseToAskAbout = false) const;
    /// Asks every running task to stop (each stops at its next check).
    void stopAll();

Q_SIGNALS:
    /// A task started, began stopping or ended.
    void changed();

private:
    friend class BackgroundTask;
    void add(BackgroundTask* task);
    void remove(BackgroundTask* task);
    void stateChanged() { Q_EMIT changed(); }
    QList<BackgroundTask*> m_tasks;
};

}  // namespace dwmtj::ui

#pragma once
// The checkable list of open experiment files on the Robustness page's tabs.
#include <QList>
#include <QStringList>
#include <functional>
#include <stop_token>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QWidget;

namespace dwmtj::core {
struct Experiment;
}

namespace dwmtj::ui {

class BackgroundTask;
class ExperimentStore;

/// Refills `list` from the store: one checkable item per file (path in Qt::UserRole).
/// Files checked before stay checked; files the list has not seen before are checked; on
/// the first fill every file is checked. Emits no itemChanged signals.
void rebuildExperimentList(QListWidget* list, const ExperimentStore& store);
/// Checks the items whose path is in `paths` (all when empty), without itemChanged signals.
void checkExperiments(QListWidget* list, const QStringList& paths);
/// Paths of the checked items.
QStringList checkedExperiments(const QListWidget* list);

/// An evaluation of one experiment: the updated copy, `progress(done, total)` per batch.
using FileEvaluation = std::function<core::Experiment(const core::Experiment&, std::stop_token,
                                                      const std::function<void(int, int)>&)>;
/// The body of a tab's background task that rewrites experiment files: each file in turn is
/// read (in the worker), evaluated and written back atomically, then reported as an item; a
/// file stopped mid-way stays as it was. Progress: "File i of n (name): batch d of t, ETA".
void evaluateFiles(BackgroundTask& task, std::stop_token stop, const QStringList& files,
                   const FileEvaluation& evaluate);

/// "3 min 07 s", "42 s", "?" for a negative or non-finite estimate.
QString etaText(double seconds);

/// The controls of a tab whose background task rewrites experiment files (noise curves, a
/// robustness study): progress bar, status line, start and stop buttons, the inputs to
/// lock while it runs, and what its log lines call the work ("noise evaluation").
struct FileTaskControls {
    BackgroundTask* task = nullptr;
    ExperimentStore* store = nullptr;
    QProgressBar* progress = nullptr;
    QLabel* status = nullptr;
    QPushButton *start = nullptr, *stop = nullptr;
    QList<QWidget*> inputs;
    QString what;     ///< "noise evaluation"
    QString written;  ///< "noise curves" (log: "noise curves written to FILE")
};
/// Connects the task's signals to the controls: progress and status text, each finished
/// file reloaded into the store, failure in red, the stop message, buttons and inputs
/// enabled only when idle. `log` and `busy` forward to the page's signals.
void connectFileTask(QWidget* owner, const FileTaskControls& c,
                     std::function<void(const QString&)> log,
                     std::function<void(bool, const QString&)> busy);

}  // namespace dwmtj::ui

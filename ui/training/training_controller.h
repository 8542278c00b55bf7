#pragma once
// Runs a queue of training jobs in a worker thread (docs/architecture.md, "Threading and
// cancellation"): the controller lives on the GUI thread, owns the QThread and the states Idle ->
// Running -> Stopping -> Idle. Stop goes through a std::stop_source that the core checks every
// batch, never through a queued slot; it ends the job in flight (its file is kept, status
// "stopped", resumable) and leaves the jobs after it unstarted. Results travel as value structs.
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>
#include <stop_token>

#include "common/core_metatypes.h"
#include "dwmtj/training.h"

namespace dwmtj::ui {

/// One entry of the run queue: train a configuration into a new file, or continue the
/// unfinished runs of an existing experiment file.
struct TrainingJob {
    enum class Kind { Train, Resume };
    Kind kind = Kind::Train;
    core::TrainingConfig config;  ///< Train; for Resume, the file's config (for labels)
    QString outPath;
    int resumeEpochs = 0;  ///< Resume: total epochs to reach (0 = as configured)
    QString label;         ///< "binary H500 T80": the chart group
};

/// What a finished job reports back (one row per seed).
struct RunSummary {
    QString outPath;
    std::vector<core::RunRecord> runs;  ///< without checkpoints (kept small)
};

class TrainingController;

/// Lives in the worker thread; emits the controller's signals (queued to the GUI thread,
/// since the controller lives there) and `done` when the queue is finished or stopped.
class TrainingWorker : public QObject {
    Q_OBJECT
public:
    TrainingWorker(TrainingController* controller, QList<TrainingJob> jobs, std::stop_token stop);
    void run();  ///< worker thread

Q_SIGNALS:
    void done();

private:
    QPointer<TrainingController> m_controller;
    QList<TrainingJob> m_jobs;
    std::stop_token m_stop;
};

class TrainingController : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Stopping };
    Q_ENUM(State)
    explicit TrainingController(QObject* parent = nullptr);
    ~TrainingController() override;  ///< requests stop and waits for the worker
    State state() const { return m_state; }

    /// Validates every job's config (throws core::OptionsError) and starts the queue;
    /// ignored unless Idle. Job i is reported with index i.
    void start(const QList<TrainingJob>& jobs);
    void start(const core::TrainingConfig& config, const QString& outPath);  ///< one job
    void stop();  ///< takes effect after the batch in flight

Q_SIGNALS:
    void stateChanged(dwmtj::ui::TrainingController::State state);
    void jobStarted(int index);
    void batch(const dwmtj::core::BatchProgress& progress);
    void epoch(const dwmtj::core::EpochReport& report);
    void message(const QString& text);
    void finished(const dwmtj::ui::RunSummary& summary);  ///< one job done (any run status)
    void failed(const QString& error);                    ///< one job could not run

private:
    void setState(State s);
    State m_state = State::Idle;
    QThread* m_thread = nullptr;
    std::stop_source m_stop;
};

}  // namespace dwmtj::ui

Q_DECLARE_METATYPE(dwmtj::ui::RunSummary)

#pragma once
// Runs core::runTraining in a worker thread (STYLE.md section 3): the controller lives on
// the GUI thread, owns the QThread and the states Idle -> Running -> Stopping -> Idle.
// Stop goes through a std::stop_source that the core checks every batch, never through a
// queued slot. Results travel as copyable value structs.
#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>
#include <stop_token>

#include "dwmtj/training.h"

namespace dwmtj::ui {

/// What a finished call reports back (one row per seed).
struct RunSummary {
    QString outPath;
    std::vector<core::RunRecord> runs;  ///< without checkpoints (kept small)
};

class TrainingController;

/// Lives in the worker thread; emits the controller's signals (queued to the GUI thread,
/// since the controller lives there) and `done` when the call returns.
class TrainingWorker : public QObject {
    Q_OBJECT
public:
    TrainingWorker(TrainingController* controller, core::TrainingConfig config, QString outPath,
                   std::stop_token stop);
    void run();  ///< worker thread

Q_SIGNALS:
    void done();

private:
    QPointer<TrainingController> m_controller;
    core::TrainingConfig m_config;
    QString m_outPath;
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

    /// Validates the config (throws core::OptionsError) and starts; ignored unless Idle.
    void start(const core::TrainingConfig& config, const QString& outPath);
    void stop();  ///< takes effect after the batch in flight

Q_SIGNALS:
    void stateChanged(dwmtj::ui::TrainingController::State state);
    void batch(const dwmtj::core::BatchProgress& progress);
    void epoch(const dwmtj::core::EpochReport& report);
    void message(const QString& text);
    void finished(const dwmtj::ui::RunSummary& summary);
    void failed(const QString& error);

private:
    void setState(State s);
    State m_state = State::Idle;
    QThread* m_thread = nullptr;
    std::stop_source m_stop;
};

}  // namespace dwmtj::ui

Q_DECLARE_METATYPE(dwmtj::core::BatchProgress)
Q_DECLARE_METATYPE(dwmtj::core::EpochReport)
Q_DECLARE_METATYPE(dwmtj::ui::RunSummary)

#include "training/training_controller.h"

namespace dwmtj::ui {
namespace {

/// Core observer that emits the controller's signals from the training thread; the
/// connections to GUI-thread receivers are queued automatically.
class QueuedObserver : public core::TrainingObserver {
public:
    explicit QueuedObserver(TrainingController& c) : m_controller(c) {}
    void onBatch(const core::BatchProgress& p) override { Q_EMIT m_controller.batch(p); }
    void onEpoch(const core::EpochReport& r) override { Q_EMIT m_controller.epoch(r); }
    void onMessage(const std::string& m) override { Q_EMIT m_controller.message(QString::fromStdString(m)); }

private:
    TrainingController& m_controller;
};

}  // namespace

TrainingWorker::TrainingWorker(TrainingController* controller, core::TrainingConfig config, QString outPath,
                               std::stop_token stop)
    : m_controller(controller), m_config(std::move(config)), m_outPath(std::move(outPath)), m_stop(std::move(stop))
{
}

void TrainingWorker::run()
{
    // The controller waits for this thread in its destructor, so it outlives run().
    TrainingController& c = *m_controller;
    try {
        QueuedObserver observer(c);
        const core::Experiment e = core::runTraining(m_config, observer, m_stop, m_outPath.toStdString());
        RunSummary s;
        s.outPath = m_outPath;
        for (auto r : e.runs) {
            r.bestCheckpoint.clear();
            r.lastCheckpoint.clear();
            s.runs.push_back(std::move(r));
        }
        Q_EMIT c.finished(s);
    } catch (const std::exception& err) {
        Q_EMIT c.failed(QString::fromUtf8(err.what()));
    }
    Q_EMIT done();
}

TrainingController::TrainingController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<core::BatchProgress>();
    qRegisterMetaType<core::EpochReport>();
    qRegisterMetaType<RunSummary>();
}

TrainingController::~TrainingController()
{
    if (m_thread) {
        m_stop.request_stop();
        m_thread->quit();
        m_thread->wait();
    }
}

void TrainingController::setState(State s)
{
    if (s == m_state) return;
    m_state = s;
    Q_EMIT stateChanged(s);
}

void TrainingController::start(const core::TrainingConfig& config, const QString& outPath)
{
    if (m_state != State::Idle) return;
    config.validate();
    m_stop = std::stop_source();
    m_thread = new QThread;  // no parent: freed through finished -> deleteLater
    auto* worker = new TrainingWorker(this, config, outPath, m_stop.get_token());
    worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, worker, &TrainingWorker::run);
    connect(worker, &TrainingWorker::done, m_thread, &QThread::quit);
    connect(m_thread, &QThread::finished, worker, &QObject::deleteLater);
    connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
    connect(m_thread, &QThread::finished, this, [this] {
        m_thread = nullptr;
        setState(State::Idle);
    });
    setState(State::Running);
    m_thread->start();
}

void TrainingController::stop()
{
    if (m_state != State::Running) return;
    m_stop.request_stop();  // thread-safe; the core checks it every batch
    setState(State::Stopping);
}

}  // namespace dwmtj::ui

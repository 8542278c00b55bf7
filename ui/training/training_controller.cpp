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
    void onMessage(const std::string& m) override
    {
        Q_EMIT m_controller.message(QString::fromStdString(m));
    }

private:
    TrainingController& m_controller;
};

}  // namespace

TrainingWorker::TrainingWorker(TrainingController* controller, QList<TrainingJob> jobs,
                               std::stop_token stop)
    : m_controller(controller), m_jobs(std::move(jobs)), m_stop(std::move(stop))
{
}

void TrainingWorker::run()
{
    // The controller waits for this thread in its destructor, so it outlives run().
    TrainingController& c = *m_controller;
    QueuedObserver observer(c);
    for (int i = 0; i < m_jobs.size() && !m_stop.stop_requested(); ++i) {
        const TrainingJob& job = m_jobs[i];
        Q_EMIT c.jobStarted(i);
        try {
            const core::Experiment e =
                job.kind == TrainingJob::Kind::Resume
                    ? core::resumeTraining(job.outPath.toStdString(), observer, m_stop,
                                           job.resumeEpochs)
                    : core::runTraining(job.config, observer, m_stop, job.outPath.toStdString());
            RunSummary s;
            s.outPath = job.outPath;
            for (auto r : e.runs) {
                r.bestCheckpoint.clear();
                r.lastCheckpoint.clear();
                s.runs.push_back(std::move(r));
            }
            Q_EMIT c.finished(s);
        } catch (const std::exception& err) {
            Q_EMIT c.failed(QString::fromUtf8(err.what()));
        }
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
    TrainingJob job;
    job.config = config;
    job.outPath = outPath;
    start(QList<TrainingJob>{job});
}

void TrainingController::start(const QList<TrainingJob>& jobs)
{
    if (m_state != State::Idle || jobs.isEmpty()) return;
    for (const auto& j : jobs)
        if (j.kind == TrainingJob::Kind::Train) j.config.validate();
    m_stop = std::stop_source();
    m_thread = new QThread;  // no parent: freed through finished -> deleteLater
    auto* worker = new TrainingWorker(this, jobs, m_stop.get_token());
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

#include "common/background_task.h"

#include "common/task_center.h"

namespace dwmtj::ui {
namespace {

/// The core's observer interface, turned into the task's signals (emitted from the worker
/// thread; receivers on the GUI thread get them queued).
class SignalObserver : public core::ReproObserver {
public:
    explicit SignalObserver(BackgroundTask& t) : m_task(t) {}
    void onBatch(const core::BatchProgress& p) override { Q_EMIT m_task.batch(p); }
    void onEpoch(const core::EpochReport& r) override { Q_EMIT m_task.epoch(r); }
    void onMessage(const std::string& m) override
    {
        m_task.reportMessage(QString::fromStdString(m));
    }
    void onJobStarted(int index, int count, const core::ReproJob& job) override
    {
        m_task.reportJobStarted(index, count, QString::fromStdString(job.name));
    }
    void onNoiseProgress(int done, int total) override { Q_EMIT m_task.noiseProgress(done, total); }

private:
    BackgroundTask& m_task;
};

}  // namespace

BackgroundTask::BackgroundTask(QObject* parent)
    : QObject(parent), m_observer(std::make_unique<SignalObserver>(*this))
{
    qRegisterMetaType<core::BatchProgress>();
    qRegisterMetaType<core::EpochReport>();
    TaskCenter::instance().add(this);
}

BackgroundTask::~BackgroundTask()
{
    TaskCenter::instance().remove(this);
    if (m_thread) {
        m_stop.request_stop();
        m_thread->wait();
        delete m_thread;  // its finished() handler, bound to this, never runs now
    }
}

void BackgroundTask::setState(State s)
{
    if (s == m_state) return;
    m_state = s;
    Q_EMIT stateChanged(s);
    TaskCenter::instance().stateChanged();
}

bool BackgroundTask::start(const QString& what, Work work)
{
    if (m_state != State::Idle) return false;
    m_what = what;
    m_stop = std::stop_source();
    const std::stop_token token = m_stop.get_token();
    m_thread = QThread::create([this, token, work = std::move(work)] {
        // `this` outlives the thread: the destructor waits for it.
        try {
            work(token, *this);
        } catch (const std::exception& e) {
            Q_EMIT failed(QString::fromUtf8(e.what()));
        }
    });
    connect(m_thread, &QThread::finished, this, [this, token] {
        m_thread->deleteLater();
        m_thread = nullptr;
        const bool stopped = token.stop_requested();
        setState(State::Idle);
        Q_EMIT finished(stopped);
    });
    setState(State::Running);
    m_thread->start();
    return true;
}

void BackgroundTask::stop()
{
    if (m_state != State::Running) return;
    m_stop.request_stop();
    setState(State::Stopping);
}

}  // namespace dwmtj::ui

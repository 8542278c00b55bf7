#include "runs/experiment_store.h"

#include <QFileInfo>
#include <cmath>

#include "common/background_task.h"

namespace dwmtj::ui {
namespace {

/// One read, from the worker thread to the GUI thread.
struct LoadOutcome {
    int id = 0;
    QString path, error;
    core::Experiment experiment;
};

}  // namespace
}  // namespace dwmtj::ui

Q_DECLARE_METATYPE(dwmtj::ui::LoadOutcome)

namespace dwmtj::ui {

QString ExperimentStore::label(const core::TrainingConfig& c)
{
    QString l = QStringLiteral("%1 H%2 T%3")
                    .arg(c.hybrid() ? QString::fromStdString(c.neuronLabel())
                                    : QString::fromUtf8(core::toString(c.neuron)))
                    .arg(c.hidden)
                    .arg(c.timesteps);
    // Training-time variants of one configuration stay apart.
    if (c.trainNoiseSigma > 0) l += QStringLiteral(" σtrain %1").arg(c.trainNoiseSigma);
    if (!std::isnan(c.gainVolts)) l += QStringLiteral(" gain %1 V").arg(c.gainVolts, 0, 'g', 3);
    // Hardware-aware training is a training-time variant; deployment on drawn devices is not.
    if (c.hardwareAware()) l += QStringLiteral(" hw-aware");
    return l;
}

ExperimentStore::ExperimentStore(QObject* parent)
    : QObject(parent), m_worker(new BackgroundTask(this))
{
    m_worker->setAskBeforeQuit(false);  // reads files for the views; nothing is lost
    connect(m_worker, &BackgroundTask::result, this, &ExperimentStore::onResult);
    connect(m_worker, &BackgroundTask::finished, this, &ExperimentStore::startNext);
}

ExperimentStore::~ExperimentStore() = default;  // m_worker (a child) waits for its thread

void ExperimentStore::load(const QString& path, QObject* context, Done done)
{
    Request r;
    r.path = QFileInfo(path).absoluteFilePath();
    r.context = context;
    r.hasContext = context != nullptr;
    r.done = std::move(done);
    enqueue(std::move(r));
}

void ExperimentStore::copy(const QString& from, const QString& to, QObject* context, Done done)
{
    Request r;
    r.path = QFileInfo(to).absoluteFilePath();
    r.copyFrom = QFileInfo(from).absoluteFilePath();
    r.context = context;
    r.hasContext = context != nullptr;
    r.done = std::move(done);
    enqueue(std::move(r));
}

bool ExperimentStore::busy() const { return !m_queue.empty() || !m_inFlight.isEmpty(); }

void ExperimentStore::enqueue(Request r)
{
    r.id = m_nextId++;
    m_queue.push_back(std::move(r));
    startNext();
}

void ExperimentStore::startNext()
{
    if (m_queue.empty() || m_worker->state() != BackgroundTask::State::Idle) return;
    // Everything queued so far goes in one pass of the worker.
    struct Item {
        int id;
        QString path, copyFrom;
    };
    std::vector<Item> items;
    for (auto& r : m_queue) {
        items.push_back({r.id, r.path, r.copyFrom});
        m_inFlight.insert(r.id, std::move(r));
    }
    m_queue.clear();
    m_worker->start(tr("Reading experiment files"), [items = std::move(items)](
                                                        std::stop_token, BackgroundTask& task) {
        for (const auto& item : items) {
            LoadOutcome o;
            o.id = item.id;
            o.path = item.path;
            try {
                if (!item.copyFrom.isEmpty())
                    core::saveExperiment(core::loadExperiment(item.copyFrom.toStdString()),
                                         item.path.toStdString());
                o.experiment = core::loadExperiment(item.path.toStdString(), false);
            } catch (const std::exception& e) {
                o.error = QString::fromUtf8(e.what());
            }
            task.reportResult(QVariant::fromValue(o));
        }
    });
}

void ExperimentStore::onResult(const QVariant& value)
{
    auto o = value.value<LoadOutcome>();
    Request r = m_inFlight.take(o.id);
    if (o.error.isEmpty())
        put(o.path, std::move(o.experiment));
    else
        Q_EMIT loadFailed(o.path, o.error);
    if (r.done && (!r.hasContext || r.context)) r.done(o.error);
}

void ExperimentStore::put(const QString& path, core::Experiment experiment)
{
    LoadedExperiment item;
    item.path = QFileInfo(path).absoluteFilePath();
    item.experiment = std::move(experiment);
    for (auto& r : item.experiment.runs) {
        r.bestCheckpoint.clear();
        r.lastCheckpoint.clear();
    }
    bool replaced = false;
    for (auto& existing : m_items)
        if (existing.path == item.path) {
            existing = item;
            replaced = true;
        }
    if (!replaced) m_items.append(std::move(item));
    Q_EMIT changed();
}

void ExperimentStore::close(const QString& path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    const auto n = m_items.removeIf([&](const LoadedExperiment& e) { return e.path == abs; });
    if (n) Q_EMIT changed();
}

const LoadedExperiment* ExperimentStore::find(const QString& path) const
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    for (const auto& e : m_items)
        if (e.path == abs) return &e;
    return nullptr;
}

}  // namespace dwmtj::ui

#include "runs/experiment_store.h"

#include <QFileInfo>
#include <cmath>

namespace dwmtj::ui {

QString ExperimentStore::label(const core::TrainingConfig& c)
{
    QString l = QStringLiteral("%1 H%2 T%3")
                    .arg(QString::fromUtf8(core::toString(c.neuron)))
                    .arg(c.hidden)
                    .arg(c.timesteps);
    // Training-time variants of one configuration stay apart.
    if (c.trainNoiseSigma > 0) l += QStringLiteral(" σtrain %1").arg(c.trainNoiseSigma);
    if (!std::isnan(c.gainVolts)) l += QStringLiteral(" gain %1 V").arg(c.gainVolts, 0, 'g', 3);
    return l;
}

QString ExperimentStore::open(const QString& path)
{
    LoadedExperiment item;
    item.path = QFileInfo(path).absoluteFilePath();
    try {
        item.experiment = core::loadExperiment(path.toStdString(), false);
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    put(item.path, std::move(item.experiment));
    return {};
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

#pragma once
// The experiment files open in this window (training results, noise curves), shared by the
// Train, Robustness and Runs pages. Kept without checkpoints (small); work that needs the
// weights reloads the file in its worker thread.
#include <QList>
#include <QObject>
#include <QString>

#include "dwmtj/experiment.h"

namespace dwmtj::ui {

struct LoadedExperiment {
    QString path;
    core::Experiment experiment;  ///< checkpoints cleared
};

class ExperimentStore : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    /// Loads or reloads `path`. Returns an error naming the file (the store is unchanged) or "".
    QString open(const QString& path);
    /// Adds or replaces `path` with an experiment already loaded (in a worker thread).
    void put(const QString& path, core::Experiment experiment);
    void close(const QString& path);
    const QList<LoadedExperiment>& experiments() const { return m_items; }
    const LoadedExperiment* find(const QString& path) const;
    /// "binary H500 T80": how charts group runs of one configuration across seeds.
    static QString label(const core::TrainingConfig& c);

Q_SIGNALS:
    void changed();

private:
    QList<LoadedExperiment> m_items;
};

}  // namespace dwmtj::ui

#pragma once
// The experiment files open in this window (training results, noise curves), shared by the
// Train, Robustness and Runs pages. Kept without checkpoints (small); work that needs the
// weights reloads the file in its worker thread. Files are read in the store's worker thread,
// never on the GUI thread: load() and copy() return at once and the store changes (and the
// caller hears back) when the file has been read.
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <deque>
#include <functional>

#include "dwmtj/experiment.h"

namespace dwmtj::ui {

class BackgroundTask;

struct LoadedExperiment {
    QString path;
    core::Experiment experiment;  ///< checkpoints cleared
};

class ExperimentStore : public QObject {
    Q_OBJECT
public:
    /// Called on the GUI thread when a load or copy is done: "" or the error, which names the
    /// file (the store is then unchanged).
    using Done = std::function<void(const QString& error)>;

    explicit ExperimentStore(QObject* parent = nullptr);
    ~ExperimentStore() override;
    /// Reads (or rereads) the header and curves of `path` in the worker thread and adds or
    /// replaces it. `done` runs afterwards while `context` lives (no context: always).
    void load(const QString& path, QObject* context = nullptr, Done done = {});
    /// Copies the experiment file `from` (checkpoints included) to `to` atomically in the
    /// worker thread, then loads the copy.
    void copy(const QString& from, const QString& to, QObject* context = nullptr, Done done = {});
    /// Loads or copies queued or in flight.
    bool busy() const;
    /// Adds or replaces `path` with an experiment already read (in a worker thread).
    void put(const QString& path, core::Experiment experiment);
    void close(const QString& path);
    const QList<LoadedExperiment>& experiments() const { return m_items; }
    const LoadedExperiment* find(const QString& path) const;
    /// "binary H500 T80": how charts group runs of one configuration across seeds.
    static QString label(const core::TrainingConfig& c);

Q_SIGNALS:
    void changed();
    /// A load or copy failed (every caller's failures: the Runs page shows them).
    void loadFailed(const QString& path, const QString& error);

private:
    struct Request {
        int id = 0;
        QString path, copyFrom;
        QPointer<QObject> context;
        bool hasContext = false;
        Done done;
    };
    void enqueue(Request r);
    void startNext();
    void onResult(const QVariant& value);

    QList<LoadedExperiment> m_items;
    BackgroundTask* m_worker = nullptr;
    std::deque<Request> m_queue;
    QHash<int, Request> m_inFlight;
    int m_nextId = 1;
};

}  // namespace dwmtj::ui

#pragma once
// The Train page's run queue as work for a BackgroundTask (docs/architecture.md, "Threading
// and cancellation"): Stop goes through the task's std::stop_source, which the core checks every
// batch; it ends the job in flight (its file is kept, status "stopped", resumable) and leaves
// the jobs after it unstarted.
#include <QList>
#include <QMetaType>
#include <QString>
#include <stop_token>

#include "dwmtj/experiment.h"
#include "dwmtj/training.h"

namespace dwmtj::ui {

class BackgroundTask;

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

/// What a finished job reports back (BackgroundTask::result): its file as written, without
/// checkpoints (kept small; the store takes it as it is, with no reload).
struct RunSummary {
    QString outPath;
    core::Experiment experiment;
};

/// The work: runs the jobs in order in the task's thread, reporting jobStarted(i, n, label),
/// batch and epoch progress, one RunSummary result per job that ran and failed(error) for a
/// job that could not run (the queue goes on).
void runTrainingJobs(const QList<TrainingJob>& jobs, std::stop_token stop, BackgroundTask& task);

}  // namespace dwmtj::ui

Q_DECLARE_METATYPE(dwmtj::ui::RunSummary)

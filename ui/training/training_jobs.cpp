#include "training/training_jobs.h"

#include "common/background_task.h"

namespace dwmtj::ui {

void runTrainingJobs(const QList<TrainingJob>& jobs, std::stop_token stop, BackgroundTask& task)
{
    for (int i = 0; i < jobs.size() && !stop.stop_requested(); ++i) {
        const TrainingJob& job = jobs[i];
        task.reportJobStarted(i, int(jobs.size()), job.label);
        try {
            RunSummary s;
            s.outPath = job.outPath;
            s.experiment = job.kind == TrainingJob::Kind::Resume
                               ? core::resumeTraining(job.outPath.toStdString(), task.observer(),
                                                      stop, job.resumeEpochs)
                               : core::runTraining(job.config, task.observer(), stop,
                                                   job.outPath.toStdString());
            for (auto& r : s.experiment.runs) {
                r.bestCheckpoint.clear();
                r.lastCheckpoint.clear();
            }
            task.reportResult(QVariant::fromValue(s));
        } catch (const std::exception& err) {
            task.reportError(QString::fromUtf8(err.what()));
        }
    }
}

}  // namespace dwmtj::ui

// The Train page's queue as a sweep: sweep files and submission to Slurm.
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "charts/band_chart.h"
#include "charts/live_chart.h"
#include "common/cli_program.h"
#include "common/table_export.h"
#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "dwmtj/fashion_mnist.h"
#include "dwmtj/sweep.h"
#include "dwmtj/training.h"
#include "runs/experiment_store.h"
#include "training/construction_box.h"
#include "training/slurm_dialog.h"
#include "training/training_page.h"

namespace dwmtj::ui {

core::Sweep TrainingPage::queueSweep() const
{
    QList<TrainingJob> jobs;
    for (const auto& e : m_entries)
        if (e.status == QLatin1String("queued") && e.job.kind == TrainingJob::Kind::Train)
            jobs << e.job;
    if (jobs.isEmpty()) jobs = jobsFromForm();
    std::vector<std::pair<std::string, core::TrainingConfig>> configs;
    QStringList names;
    for (const auto& j : jobs) {
        // Names of letters, digits, '-', '_', '.': "binary-H500-T80".
        QString name = ExperimentStore::label(j.config);
        for (QChar& ch : name)
            if (!ch.isLetterOrNumber() && ch != QLatin1Char('.') && ch != QLatin1Char('_'))
                ch = QLatin1Char('-');
        name = QString::fromLatin1(name.toLatin1()).replace(QLatin1Char('?'), QLatin1Char('-'));
        QString unique = name;
        for (int k = 2; names.contains(unique); ++k) unique = name + QStringLiteral("-%1").arg(k);
        names << unique;
        configs.emplace_back(unique.toStdString(), j.config);
    }
    return core::sweepFromConfigs(
        "queue-" +
            QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")).toStdString(),
        configs);
}

std::string TrainingPage::queueIntoSweepFolder(const QString& folder, const char* why,
                                               const char* comment) const
{
    const core::Sweep sweep = queueSweep();
    const std::string program = dwmtjProgram().toStdString();
    if (!QFileInfo(QString::fromStdString(program)).isExecutable())
        throw core::Error("the dwmtj program is not next to the workbench (" + program + "); " +
                          why);
    QDir().mkpath(folder);
    const QString sweepFile = QDir(folder).filePath(QStringLiteral("queue.sweep"));
    core::writeSweepFile(sweep, sweepFile.toStdString(), comment);
    core::prepareSweepFolder(sweepFile.toStdString(), folder.toStdString());
    return program;
}

QString TrainingPage::submitToSlurm(const QString& folder, const core::SlurmOptions& options)
{
    std::string abs, binary;
    try {  // quick, here: the sweep, its files and the folder (refusals come back at once)
        if (m_slurmTask->state() != BackgroundTask::State::Idle)
            throw core::Error("a submission to Slurm is still under way");
        binary =
            queueIntoSweepFolder(folder, "the cluster nodes run it",
                                 "The Train page's queue, submitted to Slurm by the workbench.");
        abs = QFileInfo(folder).absoluteFilePath().toStdString();
    } catch (const std::exception& e) {
        return showError(QString::fromUtf8(e.what()));
    }
    // sbatch runs in the worker: a slow scheduler or login node never freezes the window.
    m_status->setText(tr("Submitting to Slurm: %1 ...").arg(folder));
    m_status->setStyleSheet({});
    const std::string dir = folder.toStdString();
    m_slurmTask->start(
        tr("Submitting %1 to Slurm").arg(QFileInfo(folder).fileName()),
        [dir, options, binary, abs](std::stop_token, BackgroundTask& task) {
            const core::SlurmSubmission sub = core::submitSweep(
                dir, options, false, binary, "sweep collect " + core::shellQuote(abs));
            if (!sub.indices.empty() && !sub.submitted)
                throw core::Error(
                    "sbatch is not on PATH here; the scripts are written, submit them from a "
                    "login node:\n" +
                    sub.commands);
            task.reportResult(QVariant::fromValue(QStringList{
                QString::fromStdString(dir), QString::fromStdString(sub.arrayJob),
                QString::number(sub.indices.size()), QString::fromStdString(sub.collectJob)}));
        });
    return {};
}

QString TrainingPage::runSweepHere(const QString& folder, int jobs)
{
    std::string program;
    try {  // the sweep, its files and the folder here; the tasks in the worker
        if (m_localSweepTask->state() != BackgroundTask::State::Idle)
            throw core::Error("a sweep is running here already");
        if (jobs < 1) throw core::Error("run at least 1 task at a time");
        program =
            queueIntoSweepFolder(folder, "each task runs it",
                                 "The Train page's queue, run here as a sweep by the workbench.");
    } catch (const std::exception& e) {
        return showError(QString::fromUtf8(e.what()));
    }
    core::SweepRunOptions o;
    o.jobs = jobs;
    o.threadsPerTask = std::max(1, core::defaultThreadCount() / jobs);
    o.program = program;
    const std::string dir = folder.toStdString();
    m_status->setStyleSheet({});
    m_status->setText(tr("Running the sweep in %1 ...").arg(folder));
    m_localSweepTask->start(
        tr("Sweep in %1, %2 at a time").arg(QFileInfo(folder).fileName()).arg(jobs),
        [dir, o](std::stop_token stop, BackgroundTask& task) {
            const auto sum = core::runSweepFolder(
                dir, o, stop,
                [&](const core::SweepRunSummary& s) {
                    task.reportMessage(QStringLiteral("Sweep %1: %2 of %3 task(s) to run, %4 at a "
                                                      "time, %5 thread(s) each")
                                           .arg(QString::fromStdString(s.name))
                                           .arg(s.pending)
                                           .arg(s.tasks)
                                           .arg(s.jobs)
                                           .arg(s.threadsPerTask));
                },
                [&](const core::SweepRunProgress& p) {
                    const QString state = p.exitCode == 0 ? QStringLiteral("completed")
                                          : p.exitCode == core::kTaskExitStopped
                                              ? QStringLiteral("stopped")
                                              : QStringLiteral("FAILED");
                    const QString text = QStringLiteral("[%1/%2] %3 %4 (log %5)")
                                             .arg(p.done)
                                             .arg(p.total)
                                             .arg(QString::fromStdString(p.taskId), state,
                                                  QString::fromStdString(p.log));
                    task.reportMessage(text);
                    task.reportProgress(p.total ? double(p.done) / double(p.total) : 1, text);
                });
            std::vector<std::string> missing;
            const auto written = core::collectSweep(dir, &missing);
            task.reportMessage(QStringLiteral("%1 task(s) ran: %2 failed, %3 stopped; %4 result "
                                              "file(s) in %5/results")
                                   .arg(sum.ran)
                                   .arg(sum.failed)
                                   .arg(sum.stopped)
                                   .arg(written.size())
                                   .arg(QString::fromStdString(dir)));
            if (sum.failed)
                task.reportError(
                    QStringLiteral("%1 task(s) of the sweep failed; their logs say why")
                        .arg(sum.failed));
        });
    Q_EMIT watchRequested(folder);
    return {};
}

void TrainingPage::addLocalSweepActions(QMenu* menu)
{
    m_localSweepTask = new BackgroundTask(this);
    connect(m_localSweepTask, &BackgroundTask::message, this, &TrainingPage::logMessage);
    connect(m_localSweepTask, &BackgroundTask::failed, this,
            [this](const QString& e) { showError(e); });
    connect(m_localSweepTask, &BackgroundTask::progress, this,
            [this](double, const QString& text) { m_status->setText(text); });
    menu->addSeparator();
    QAction* run = menu->addAction(tr("Run the queue as a sweep here..."));
    run->setObjectName(QStringLiteral("runSweepHere"));
    run->setToolTip(tr("Each job and seed as its own process, N at a time (as `dwmtj sweep run`)"));
    QAction* stop = menu->addAction(tr("Stop the sweep"));
    stop->setObjectName(QStringLiteral("stopSweepHere"));
    stop->setEnabled(false);
    connect(stop, &QAction::triggered, m_localSweepTask, &BackgroundTask::stop);
    connect(m_localSweepTask, &BackgroundTask::stateChanged, this,
            [run, stop](BackgroundTask::State st) {
                run->setEnabled(st == BackgroundTask::State::Idle);
                stop->setEnabled(st == BackgroundTask::State::Running);
            });
    connect(run, &QAction::triggered, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(
            this, tr("Sweep folder (tasks, logs and results go here)"),
            QFileInfo(outPath()).absolutePath());
        if (folder.isEmpty()) return;
        bool ok = false;
        const int jobs =
            QInputDialog::getInt(this, tr("Run the sweep here"),
                                 tr("Tasks at a time (the cores are shared among them):"),
                                 std::max(1, core::defaultThreadCount() / 2), 1, 256, 1, &ok);
        if (ok) runSweepHere(folder, jobs);
    });
}

void TrainingPage::onSlurmSubmitted(const QString& folder, const QStringList& jobs)
{
    if (jobs.value(1).toInt() == 0)
        Q_EMIT logMessage(tr("Every task in %1 is complete already").arg(folder));
    else
        Q_EMIT logMessage(tr("Submitted array job %1 (%2 task(s)) and collect job %3; following %4")
                              .arg(jobs.value(0), jobs.value(1), jobs.value(2), folder));
    m_status->setText(tr("Submitted to Slurm: %1").arg(folder));
    m_status->setStyleSheet({});
    Q_EMIT watchRequested(folder);
}

void TrainingPage::slurmDialog()
{
    core::Sweep sweep;
    try {
        sweep = queueSweep();
    } catch (const std::exception& e) {
        showError(QString::fromUtf8(e.what()));
        return;
    }
    const QString base = QFileInfo(outPath()).absolutePath();
    SlurmDialog dialog(sweep, dwmtjProgram(),
                       QDir(base).filePath(QString::fromStdString(sweep.name)), this);
    if (dialog.exec() != QDialog::Accepted) return;
    submitToSlurm(dialog.folder(), dialog.options());
}

QString TrainingPage::saveSweep(const QString& path)
{
    try {
        const core::Sweep sweep = queueSweep();
        core::writeSweepFile(sweep, path.toStdString(),
                             "The Train page's queue, saved by the workbench: run it with\n"
                             "dwmtj sweep run FILE --out DIR [--jobs N] or dwmtj sweep submit "
                             "FILE --out DIR.");
        const size_t tasks = core::sweepTasks(sweep).size();
        m_status->setStyleSheet({});
        m_status->setText(tr("Saved the queue as %1 (%n task(s))", nullptr, int(tasks)).arg(path));
        Q_EMIT logMessage(m_status->text());
        return {};
    } catch (const std::exception& e) {
        return showError(tr("Cannot save the sweep file: %1").arg(QString::fromUtf8(e.what())));
    }
}

QString TrainingPage::openSweep(const QString& path)
{
    try {
        const core::Sweep sweep = core::loadSweep(path.toStdString());
        // One queue job per configuration, with every seed of the sweep.
        QStringList ids;
        QList<TrainingJob> jobs;
        for (const core::SweepTask& t : core::sweepTasks(sweep)) {
            const QString id = QString::fromStdString(t.configId);
            if (const qsizetype at = ids.indexOf(id); at >= 0) {
                jobs[at].config.seeds.push_back(t.config.seeds.front());
                continue;
            }
            TrainingJob j;
            j.config = t.config;
            j.label = ExperimentStore::label(j.config);
            ids << id;
            jobs << j;
        }
        const QDir dir = outPath().isEmpty() ? QFileInfo(path).absoluteDir()
                                             : QFileInfo(outPath()).absoluteDir();
        QStringList taken;
        for (const auto& e : m_entries) taken << e.job.outPath;
        for (qsizetype k = 0; k < jobs.size(); ++k) {
            jobs[k].config.validate();
            jobs[k].outPath = uniquePath(dir.filePath(ids[k] + QStringLiteral(".h5")), taken);
            taken << jobs[k].outPath;
        }
        for (const auto& j : jobs) m_entries.append(QueueEntry{j});
        refreshQueue();
        m_status->setStyleSheet({});
        m_status->setText(tr("%n job(s) queued from %1", nullptr, int(jobs.size()))
                              .arg(QFileInfo(path).fileName()));
        Q_EMIT logMessage(
            tr("queued from the sweep file %1: %2").arg(path, ids.join(QStringLiteral(", "))));
        if (sweep.noise.enabled)
            Q_EMIT logMessage(
                tr("the sweep's noise evaluation is not run by the Train page; evaluate the "
                   "files on the Robustness page, or run the sweep with dwmtj sweep run"));
        return {};
    } catch (const std::exception& e) {
        return showError(tr("Cannot open the sweep file: %1").arg(QString::fromUtf8(e.what())));
    }
}

}  // namespace dwmtj::ui

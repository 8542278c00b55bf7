#include "training/training_page.h"

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
#include "common/table_export.h"
#include "dwmtj/error.h"
#include "dwmtj/experiment.h"
#include "dwmtj/fashion_mnist.h"
#include "dwmtj/training.h"
#include "runs/experiment_store.h"
#include "training/construction_box.h"
#include "training/slurm_dialog.h"

namespace dwmtj::ui {
namespace {

QString duration(double s)
{
    if (!(s >= 0)) return QStringLiteral("?");
    const long t = long(s + 0.5);
    if (t >= 3600) return QStringLiteral("%1 h %2 min").arg(t / 3600).arg((t / 60) % 60);
    if (t >= 60) return QStringLiteral("%1 min %2 s").arg(t / 60).arg(t % 60);
    return QStringLiteral("%1 s").arg(t);
}

}  // namespace

TrainingPage::TrainingPage(ExperimentStore* store, QWidget* parent)
    : Page(parent), m_task(new BackgroundTask(this)), m_store(store)
{
    m_startButton = new QPushButton(tr("Start"));
    m_startButton->setToolTip(tr("Run the queued jobs (the form's jobs if the queue is empty)"));
    m_stopButton = new QPushButton(tr("Stop"));
    m_stopButton->setToolTip(
        tr("Stop after the current batch; the file is kept and can be resumed"));
    m_addButton = new QPushButton(tr("Add to queue"));
    m_resumeButton = new QPushButton(tr("Resume file..."));
    m_resumeButton->setToolTip(tr("Continue the unfinished runs of an experiment file"));
    m_removeButton = new QPushButton(tr("Remove"));
    m_slurmButton = new QPushButton(tr("Submit to Slurm..."));
    m_slurmButton->setToolTip(
        tr("Run the queued jobs (the form's if the queue is empty) on a Slurm cluster: one "
           "array task per configuration and seed; the Runs page then follows their files"));
    m_sweepButton = new QPushButton(tr("Sweep file"));
    m_sweepButton->setObjectName(QStringLiteral("sweepFile"));
    m_sweepButton->setToolTip(
        tr("Open a sweep file into the queue, or save the queue as one for `dwmtj sweep run` "
           "or `dwmtj sweep submit` (docs/sweeps.md)"));
    auto* sweepMenu = new QMenu(m_sweepButton);
    connect(sweepMenu->addAction(tr("Open sweep file...")), &QAction::triggered, this, [this] {
        const QString f = QFileDialog::getOpenFileName(
            this, tr("Open sweep file"), QFileInfo(outPath()).absolutePath(),
            tr("Sweep files (*.sweep *.ini);;All files (*)"));
        if (!f.isEmpty()) openSweep(f);
    });
    connect(sweepMenu->addAction(tr("Save queue as sweep file...")), &QAction::triggered, this,
            [this] {
                const QString f = QFileDialog::getSaveFileName(
                    this, tr("Save the queue as a sweep file"),
                    QFileInfo(outPath()).absoluteDir().filePath(QStringLiteral("queue.sweep")),
                    tr("Sweep files (*.sweep)"));
                if (!f.isEmpty()) saveSweep(f);
            });
    addLocalSweepActions(sweepMenu);
    m_sweepButton->setMenu(sweepMenu);
    m_startButton->setDefault(true);
    m_stopButton->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_startButton);
    buttons->addWidget(m_stopButton);
    buttons->addStretch();
    buttons->addWidget(m_addButton);
    buttons->addWidget(m_resumeButton);
    buttons->addWidget(m_removeButton);
    buttons->addWidget(m_sweepButton);
    buttons->addWidget(m_slurmButton);
    connect(m_slurmButton, &QPushButton::clicked, this, &TrainingPage::slurmDialog);
    m_queue = new QTableWidget(0, 6);
    m_queue->setObjectName(QStringLiteral("queue"));
    m_queue->setHorizontalHeaderLabels(
        {tr("Job"), tr("Seeds"), tr("Status"), tr("Best val. %"), tr("Test %"), tr("File")});
    m_queue->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_queue->horizontalHeader()->setStretchLastSection(true);
    m_queue->verticalHeader()->hide();
    m_queue->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_queue->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_queue->setMinimumHeight(120);
    installTableExportMenu(m_queue, QStringLiteral("run-queue"));
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_status = new QLabel(tr("Idle"));
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* config = new QGroupBox(tr("Network and training"));
    auto* cl = new QVBoxLayout(config);
    cl->addLayout(buildForm());
    cl->addLayout(buttons);
    cl->addWidget(new QLabel(tr("<b>Run queue</b>")));
    cl->addWidget(m_queue, 1);
    cl->addWidget(m_progress);
    cl->addWidget(m_status);

    m_loss = new LiveChart(tr("Training loss per batch"), tr("batch (per seed)"), tr("NLL loss"));
    m_accuracy = new BandChart(tr("Validation accuracy per epoch (mean ± sd across seeds)"),
                               tr("epoch"), tr("accuracy (%)"));
    m_accuracy->setIntegerX(true);
    installExportMenu(m_loss, QStringLiteral("training-loss"));
    installExportMenu(m_accuracy, QStringLiteral("validation-accuracy"));
    auto* charts = new QSplitter(Qt::Vertical);
    charts->addWidget(m_loss);
    charts->addWidget(m_accuracy);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(config);
    split->addWidget(charts);
    split->setStretchFactor(1, 1);
    split->setSizes({480, 800});
    auto* top = new QVBoxLayout(this);
    top->addWidget(split);

    connect(m_startButton, &QPushButton::clicked, this, &TrainingPage::start);
    connect(m_stopButton, &QPushButton::clicked, this, &TrainingPage::stop);
    connect(m_addButton, &QPushButton::clicked, this, &TrainingPage::addToQueue);
    connect(m_removeButton, &QPushButton::clicked, this, [this] {
        QList<int> rows;
        for (const auto& r : m_queue->selectionModel()->selectedRows()) rows << r.row();
        std::sort(rows.rbegin(), rows.rend());
        for (int r : rows)
            if (r < m_entries.size() && !m_running.contains(r)) m_entries.removeAt(r);
        refreshQueue();
    });
    connect(m_resumeButton, &QPushButton::clicked, this, [this] {
        const int row = m_queue->currentRow();
        const QString suggestion =
            row >= 0 && row < m_entries.size() ? m_entries[row].job.outPath : m_out->text();
        const QString f = QFileDialog::getOpenFileName(this, tr("Resume experiment file"),
                                                       suggestion, tr("HDF5 experiment (*.h5)"));
        if (f.isEmpty()) return;
        // The header is read in the store's worker; the question follows.
        m_store->load(f, this, [this, f](const QString& err) {
            if (!err.isEmpty())
                showError(err);
            else
                askResumeEpochs(f);
        });
    });
    m_slurmTask = new BackgroundTask(this);
    connect(m_slurmTask, &BackgroundTask::result, this, [this](const QVariant& v) {
        const QStringList l = v.toStringList();  // folder, array job, tasks, collect job
        onSlurmSubmitted(l.value(0), l.mid(1));
    });
    connect(m_slurmTask, &BackgroundTask::failed, this, [this](const QString& e) { showError(e); });
    connect(m_slurmTask, &BackgroundTask::stateChanged, this, [this](BackgroundTask::State st) {
        m_slurmButton->setEnabled(st == BackgroundTask::State::Idle);
    });
    connect(m_task, &BackgroundTask::jobStarted, this, &TrainingPage::onJobStarted);
    connect(m_task, &BackgroundTask::batch, this, &TrainingPage::onBatch);
    connect(m_task, &BackgroundTask::epoch, this, &TrainingPage::onEpoch);
    connect(m_task, &BackgroundTask::result, this, &TrainingPage::onResult);
    connect(m_task, &BackgroundTask::failed, this, &TrainingPage::onFailed);
    connect(m_task, &BackgroundTask::stateChanged, this, &TrainingPage::onState);
    connect(m_task, &BackgroundTask::message, this, &TrainingPage::logMessage);
}

QString TrainingPage::showError(const QString& text)
{
    m_status->setText(text);
    m_status->setStyleSheet(QStringLiteral("color: #b00020"));
    Q_EMIT logMessage(tr("Error: %1").arg(text));
    return text;
}

int TrainingPage::pendingJobs() const
{
    int n = 0;
    for (const auto& e : m_entries) n += e.status == QLatin1String("queued");
    return n;
}

void TrainingPage::addToQueue()
{
    try {
        const auto jobs = jobsFromForm();
        for (const auto& j : jobs) m_entries.append(QueueEntry{j});
        refreshQueue();
        m_status->setStyleSheet(QString());
        m_status->setText(tr("%n job(s) queued", nullptr, pendingJobs()));
    } catch (const std::exception& e) {
        showError(tr("Cannot queue: %1").arg(QString::fromUtf8(e.what())));
    }
}

void TrainingPage::resumeFile(const QString& path, int epochs)
{
    m_store->load(path, this, [this, path, epochs](const QString& err) {
        if (!err.isEmpty())
            showError(err);
        else
            queueResume(path, epochs);
    });
}

void TrainingPage::askResumeEpochs(const QString& path)
{
    const auto* loaded = m_store->find(path);
    if (!loaded) return;  // closed meanwhile
    bool ok = false;
    const int epochs =
        QInputDialog::getInt(this, tr("Resume"), tr("Train the unfinished runs up to epoch:"),
                             loaded->experiment.config.epochs, 1, 100000, 1, &ok);
    if (ok) queueResume(path, epochs);
}

void TrainingPage::queueResume(const QString& path, int epochs)
{
    const auto* loaded = m_store->find(path);
    if (!loaded) return;
    const core::Experiment& e = loaded->experiment;
    TrainingJob j;
    j.kind = TrainingJob::Kind::Resume;
    j.config = e.config;
    j.outPath = QFileInfo(path).absoluteFilePath();
    j.resumeEpochs = epochs;
    j.label = ExperimentStore::label(e.config);
    bool reused = false;  // a stopped job of this file becomes the resume job
    for (auto& entry : m_entries)
        if (!reused && entry.job.outPath == j.outPath &&
            entry.status.startsWith(QLatin1String("stopped"))) {
            entry.job = j;
            entry.status = QStringLiteral("queued");
            reused = true;
        }
    if (!reused) m_entries.append(QueueEntry{j});
    refreshQueue();
    Q_EMIT logMessage(tr("queued: resume %1 up to epoch %2")
                          .arg(path)
                          .arg(epochs > 0 ? epochs : e.config.epochs));
    if (m_task->state() == BackgroundTask::State::Idle) start();
}

void TrainingPage::start()
{
    if (m_task->state() != BackgroundTask::State::Idle) return;
    // Start continues a stopped queue: stopped jobs are resumed from their files.
    for (auto& e : m_entries)
        if (e.status.startsWith(QLatin1String("stopped")) && QFileInfo::exists(e.job.outPath)) {
            e.job.kind = TrainingJob::Kind::Resume;
            e.job.resumeEpochs = e.job.config.epochs;
            e.status = QStringLiteral("queued");
        }
    if (pendingJobs() == 0) addToQueue();
    if (pendingJobs() == 0) return;  // the form was invalid; addToQueue said why
    QList<TrainingJob> jobs;
    m_running.clear();
    for (int i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].status == QLatin1String("queued")) {
            jobs << m_entries[i].job;
            m_running << i;
        }
    try {
        m_loss->clear();
        m_accuracy->clear();
        m_progress->setValue(0);
        m_status->setStyleSheet(QString());
        m_status->setText(tr("Loading data..."));
        for (const auto& j : jobs)
            if (j.kind == TrainingJob::Kind::Train) j.config.validate();
        m_task->start(tr("Training"), [jobs](std::stop_token stop, BackgroundTask& task) {
            runTrainingJobs(jobs, stop, task);
        });
        for (const auto& j : jobs)
            Q_EMIT logMessage(j.kind == TrainingJob::Kind::Resume
                                  ? tr("resume %1 (%2)").arg(j.outPath, j.label)
                                  : tr("train %1, %2 epoch(s), %3 seed(s) -> %4")
                                        .arg(j.label)
                                        .arg(j.config.epochs)
                                        .arg(j.config.seeds.size())
                                        .arg(j.outPath));
    } catch (const std::exception& e) {
        m_running.clear();
        showError(tr("Cannot start: %1").arg(QString::fromUtf8(e.what())));
    }
}

void TrainingPage::stop()
{
    m_task->stop();
    m_status->setText(tr("Stopping after the current batch..."));
}

void TrainingPage::onJobStarted(int index)
{
    m_current = index < m_running.size() ? m_running[index] : -1;
    if (m_current < 0) return;
    QueueEntry& e = m_entries[m_current];
    e.status = QStringLiteral("running");
    refreshQueue();
    if (e.job.kind == TrainingJob::Kind::Resume) {
        // Show the epochs the file already has, so the curves continue where they stopped.
        // (The store has the file: a resume reads its header first, a stopped job put it.)
        if (const auto* loaded = m_store->find(e.job.outPath)) {
            for (const auto& r : loaded->experiment.runs)
                for (int k = 0; k < r.epochsDone(); ++k)
                    m_accuracy->setValue(e.job.label, k + 1, tr("seed %1").arg(r.seed),
                                         100 * r.epochValidationAccuracy[k]);
        }
    }
}

void TrainingPage::onBatch(const core::BatchProgress& p)
{
    if (m_current < 0) return;
    const QueueEntry& e = m_entries[m_current];
    m_loss->addPoint(tr("%1 seed %2").arg(e.job.label).arg(p.seed),
                     QPointF(double(p.epoch - 1) * p.batches + p.batch, p.loss));
    const double perSeed = double(p.epochs) * p.batches;
    const double done = p.seedIndex * perSeed + double(p.epoch - 1) * p.batches + p.batch;
    const int jobIndex = int(m_running.indexOf(m_current));
    const double jobFraction = done / (perSeed * p.seedCount);
    m_progress->setValue(
        int(1000 * (jobIndex + jobFraction) / std::max<qsizetype>(1, m_running.size())));
    m_status->setStyleSheet(QString());
    m_status->setText(tr("Job %1 of %2: %3 — seed %4 (%5 of %6), epoch %7 of %8, batch %9 of %10\n"
                         "loss %11, %12 images/s, ETA %13 for this job")
                          .arg(jobIndex + 1)
                          .arg(m_running.size())
                          .arg(e.job.label)
                          .arg(p.seed)
                          .arg(p.seedIndex + 1)
                          .arg(p.seedCount)
                          .arg(p.epoch)
                          .arg(p.epochs)
                          .arg(p.batch)
                          .arg(p.batches)
                          .arg(p.loss, 0, 'f', 4)
                          .arg(p.imagesPerSecond, 0, 'f', 0)
                          .arg(duration(p.etaSeconds)));
    Q_EMIT busyChanged(true, tr("Training job %1 of %2: ETA %3")
                                 .arg(jobIndex + 1)
                                 .arg(m_running.size())
                                 .arg(duration(p.etaSeconds)));
}

void TrainingPage::onEpoch(const core::EpochReport& r)
{
    if (m_current < 0) return;
    const QString label = m_entries[m_current].job.label;
    m_accuracy->setValue(label, r.epoch, tr("seed %1").arg(r.seed), 100 * r.validationAccuracy);
    Q_EMIT logMessage(tr("%1 seed %2 epoch %3: loss %4, train %5 %, validation %6 %%7")
                          .arg(label)
                          .arg(r.seed)
                          .arg(r.epoch)
                          .arg(r.trainLoss, 0, 'f', 4)
                          .arg(100 * r.trainAccuracy, 0, 'f', 2)
                          .arg(100 * r.validationAccuracy, 0, 'f', 2)
                          .arg(r.best ? tr(" (best)") : QString()));
}

void TrainingPage::onFinished(const RunSummary& s)
{
    m_loss->flush();
    m_accuracy->flush();
    QStringList rows, statuses;
    double val = 0, test = 0;
    int n = 0;
    for (const auto& r : s.experiment.runs) {
        rows << tr("seed %1: %2, best validation %3 %, test %4 %")
                    .arg(r.seed)
                    .arg(QString::fromUtf8(core::toString(r.status)))
                    .arg(100 * r.bestValidationAccuracy, 0, 'f', 2)
                    .arg(100 * r.testAccuracy, 0, 'f', 2);
        const QString st = QString::fromUtf8(core::toString(r.status));
        if (!statuses.contains(st)) statuses << st;
        if (std::isfinite(r.testAccuracy))
            val += r.bestValidationAccuracy, test += r.testAccuracy, ++n;
    }
    if (m_current >= 0) {
        QueueEntry& e = m_entries[m_current];
        e.status = statuses.join(QStringLiteral(", "));
        if (statuses.contains(QStringLiteral("stopped"))) e.status += tr(" (resumable)");
        e.bestValidation = n ? 100 * val / n : -1;
        e.test = n ? 100 * test / n : -1;
        refreshQueue();
    }
    m_store->put(s.outPath, s.experiment);  // as the worker wrote it: no reload
    m_status->setText(rows.join(QLatin1Char('\n')) + tr("\nSaved to %1").arg(s.outPath));
    for (const auto& row : rows) Q_EMIT logMessage(row);
}

void TrainingPage::onResult(const QVariant& value)
{
    if (value.canConvert<RunSummary>()) onFinished(value.value<RunSummary>());
}

void TrainingPage::onFailed(const QString& error)
{
    if (m_current >= 0) {
        m_entries[m_current].status = tr("failed");
        refreshQueue();
    }
    showError(tr("Failed: %1").arg(error));
}

void TrainingPage::refreshQueue()
{
    m_queue->setRowCount(int(m_entries.size()));
    for (int r = 0; r < m_entries.size(); ++r) {
        const auto& e = m_entries[r];
        QStringList seeds;
        for (auto s : e.job.config.seeds) seeds << QString::number(s);
        const QStringList cells = {
            (e.job.kind == TrainingJob::Kind::Resume ? tr("resume ") : QString()) + e.job.label,
            seeds.join(QLatin1Char(',')),
            e.status,
            e.bestValidation >= 0 ? QString::number(e.bestValidation, 'f', 2) : QString(),
            e.test >= 0 ? QString::number(e.test, 'f', 2) : QString(),
            e.job.outPath};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == 5) item->setToolTip(cells[c]);
            m_queue->setItem(r, c, item);
        }
    }
}

void TrainingPage::onState(BackgroundTask::State s)
{
    const bool idle = s == BackgroundTask::State::Idle;
    m_startButton->setEnabled(idle);
    m_stopButton->setEnabled(s == BackgroundTask::State::Running);
    m_resumeButton->setEnabled(idle);
    for (QWidget* w : std::initializer_list<QWidget*>{
             m_preset, m_hybrid, m_hidden, m_timesteps, m_epochs, m_batch, m_lr, m_device, m_seeds,
             m_lutBinary, m_lutMulti, m_dataDir, m_sample, m_out})
        w->setEnabled(idle);
    for (const auto& [kind, box] : m_kindBoxes) box->setEnabled(idle);
    m_hybridLayer1->setEnabled(idle && m_hybrid->isChecked());
    m_hybridLayer2->setEnabled(idle && m_hybrid->isChecked());
    if (idle) {
        // Jobs the stop left unstarted go back to the queue.
        for (int i : std::as_const(m_running))
            if (m_entries[i].status == QLatin1String("running"))
                m_entries[i].status = tr("stopped (resumable)");
        m_running.clear();
        m_current = -1;
        refreshQueue();
        Q_EMIT busyChanged(false, QString());
    }
}

}  // namespace dwmtj::ui

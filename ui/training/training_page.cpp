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

struct Preset {
    const char* name;
    const char* hidden;
    int timesteps;
};
// The paper's experiments, each with the three neuron types over seeds 0-4
// (Fig. 3b: H 500 and 200 at T 80; Fig. 3c: T 120; Fig. 3d: T 40).
constexpr Preset kPresets[] = {{"Custom", "", 0},
                               {"Fig. 3b: H 500 and 200, T 80", "500,200", 80},
                               {"Fig. 3c: H 500, T 120", "500", 120},
                               {"Fig. 3d: H 500, T 40", "500", 40}};

}  // namespace

TrainingPage::TrainingPage(ExperimentStore* store, QWidget* parent)
    : QWidget(parent), m_task(new BackgroundTask(this)), m_store(store)
{
    auto* form = new QFormLayout;
    m_preset = new QComboBox;
    for (const auto& p : kPresets) m_preset->addItem(QString::fromUtf8(p.name));
    // The neuron kinds come from the registry (dwmtj/neuron_kinds.h).
    auto* neurons = new QHBoxLayout;
    m_hybridLayer1 = new QComboBox;
    m_hybridLayer2 = new QComboBox;
    for (const core::NeuronKind k : core::neuronKinds()) {
        const auto& info = core::neuronKindInfo(k);
        const QString label =
            QString::fromStdString(info.label) + (info.device ? tr(" DW-MTJ") : QString());
        auto* box = new QCheckBox(label);
        box->setObjectName(QStringLiteral("neuron-") + QString::fromStdString(info.id));
        box->setToolTip(QString::fromStdString(info.description));
        box->setChecked(k == core::NeuronKind::Binary);
        m_kindBoxes.append({k, box});
        neurons->addWidget(box);
        for (auto* combo : {m_hybridLayer1, m_hybridLayer2}) {
            combo->addItem(QString::fromStdString(info.label), int(k));
            combo->setItemData(combo->count() - 1, QString::fromStdString(info.description),
                               Qt::ToolTipRole);
        }
    }
    neurons->addStretch();
    m_hybrid = new QCheckBox(tr("hybrid: layer 1"));
    m_hybrid->setObjectName(QStringLiteral("hybrid"));
    m_hybrid->setToolTip(
        tr("Also queue a network with one neuron kind per hidden layer (the paper's proposal: "
           "stochastic DW-MTJ neurons in one layer, LIF neurons in the other)"));
    m_hybridLayer1->setCurrentIndex(m_hybridLayer1->findData(int(core::NeuronKind::Binary)));
    m_hybridLayer2->setCurrentIndex(m_hybridLayer2->findData(int(core::NeuronKind::Lif)));
    m_hybridLayer1->setEnabled(false);
    m_hybridLayer2->setEnabled(false);
    connect(m_hybrid, &QCheckBox::toggled, m_hybridLayer1, &QWidget::setEnabled);
    connect(m_hybrid, &QCheckBox::toggled, m_hybridLayer2, &QWidget::setEnabled);
    auto* hybridRow = new QHBoxLayout;
    hybridRow->addWidget(m_hybrid);
    hybridRow->addWidget(m_hybridLayer1);
    hybridRow->addWidget(new QLabel(tr("layer 2")));
    hybridRow->addWidget(m_hybridLayer2);
    hybridRow->addStretch();
    auto spin = [](int lo, int hi, int v) {
        auto* s = new QSpinBox;
        s->setRange(lo, hi);
        s->setValue(v);
        return s;
    };
    m_hidden = new QLineEdit(QStringLiteral("500"));
    m_hidden->setObjectName(QStringLiteral("hidden"));
    m_hidden->setToolTip(
        tr("Hidden units per layer; several sizes separated by commas queue one job each"));
    m_timesteps = spin(1, 1000, 80);  // TrainingConfig::validate's limit
    m_epochs = spin(1, 100000, 10);
    m_batch = spin(2, 100000, 100);
    m_lr = new QDoubleSpinBox;
    m_lr->setDecimals(5);
    m_lr->setRange(1e-5, 1.0);
    m_lr->setSingleStep(1e-4);
    m_lr->setValue(1e-3);
    m_trainNoise = new QDoubleSpinBox;
    m_trainNoise->setObjectName(QStringLiteral("trainNoise"));
    m_trainNoise->setRange(0, 10);
    m_trainNoise->setDecimals(2);
    m_trainNoise->setSingleStep(0.1);
    m_trainNoise->setSpecialValueText(tr("none"));
    m_trainNoise->setToolTip(
        tr("Noise-aware training: Gaussian pixel noise of this σ (pixel units, clamped) on "
           "the training images; validation and test stay clean"));
    // Device variability: every DW-MTJ neuron its own device, drawn once per run.
    auto varSpin = [](const char* name, double max, int decimals, const QString& suffix,
                      const QString& tip) {
        auto* sb = new QDoubleSpinBox;
        sb->setObjectName(QString::fromLatin1(name));
        sb->setRange(0, max);
        sb->setDecimals(decimals);
        sb->setSingleStep(max / 100);
        sb->setSuffix(suffix);
        sb->setToolTip(tip);
        return sb;
    };
    m_varV50 = varSpin("varV50", 1, 3, QStringLiteral(" V"),
                       tr("Device to device: each device's V50 (multi-weight: each notch "
                          "threshold) shifted by N(0, sd)"));
    m_varWidth = varSpin("varWidth", 100, 1, QStringLiteral(" %"),
                         tr("Device to device: each device's width scaled by 1 + N(0, sd)"));
    m_varC2c = varSpin("varC2c", 1, 3, QStringLiteral(" V"),
                       tr("Cycle to cycle: every sample's operating point jitters by N(0, sd)"));
    m_varStuck = varSpin("varStuck", 100, 1, QStringLiteral(" %"),
                         tr("Stuck devices: half never switch, half always switch"));
    m_varSeed = new QSpinBox;
    m_varSeed->setRange(0, 1 << 30);
    m_varSeed->setPrefix(tr("device seed "));
    m_varSeed->setToolTip(tr("Device seed: the same seed draws the same devices"));
    m_varUse = new QComboBox;
    m_varUse->setObjectName(QStringLiteral("varUse"));
    m_varUse->addItem(tr("deploy: train nominal, test on the devices"),
                      QString::fromLatin1(core::toString(core::VariabilityUse::Evaluation)));
    m_varUse->addItem(tr("hardware-aware: train on the devices"),
                      QString::fromLatin1(core::toString(core::VariabilityUse::Training)));
    m_varUse->setToolTip(
        tr("Evaluation: the network trains on the nominal device and its best checkpoint is then "
           "tested on its drawn devices; training: it trains and is tested on them"));
    m_gain = new QDoubleSpinBox;
    m_gain->setObjectName(QStringLiteral("gain"));
    m_gain->setRange(0, 100);
    m_gain->setDecimals(4);
    m_gain->setSingleStep(0.01);
    m_gain->setSuffix(QStringLiteral(" V"));
    m_gain->setSpecialValueText(tr("from the LUT"));
    m_gain->setToolTip(
        tr("DW-MTJ input-to-voltage gain (V per unit of normalized input): how stochastic "
           "the device neuron is; 0 = the LUT's suggestion"));
    m_device = new QComboBox;
    for (const auto& d : core::availableDevices())
        m_device->addItem(QString::fromStdString(d).toUpper(), QString::fromStdString(d));
    m_device->setToolTip(tr("CUDA appears when this build's LibTorch sees a GPU"));
    m_seeds = new QLineEdit(QStringLiteral("0"));
    m_seeds->setObjectName(QStringLiteral("seeds"));
    m_seeds->setToolTip(tr("Seeds: a list like 0,3,7 or a range like 0-4"));
    m_lutBinary = new QLineEdit;
    m_lutBinary->setPlaceholderText(tr("bundled binary-device LUT"));
    m_lutBinary->setToolTip(
        tr("Lookup table (CSV or HDF5) of a binary device; build one on the Lookup table page"));
    m_lutMulti = new QLineEdit;
    m_lutMulti->setPlaceholderText(tr("bundled multi-weight-device LUT"));
    m_lutMulti->setToolTip(tr(
        "Lookup table (CSV or HDF5) of a multi-weight device; build one on the Lookup table page"));
    m_dataDir = new QLineEdit;
    m_dataDir->setPlaceholderText(QString::fromUtf8(core::kDefaultFashionMnistDir));
    m_sample = new QCheckBox(tr("Use the bundled 3000-image sample (quick try)"));
    m_out = new QLineEdit(QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                              .filePath(QStringLiteral("dwmtj-run.h5")));
    m_out->setToolTip(
        tr("With several jobs, each writes <name>-<neuron>-H<h>-T<t>.h5; existing files are never "
           "overwritten"));
    auto* browse = new QPushButton(tr("Browse..."));
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_out);
    outRow->addWidget(browse);
    form->addRow(tr("Preset"), m_preset);
    form->addRow(tr("Neurons"), neurons);
    form->addRow(QString(), hybridRow);
    form->addRow(tr("Hidden units H"), m_hidden);
    form->addRow(tr("Time steps T"), m_timesteps);
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Batch size"), m_batch);
    form->addRow(tr("Learning rate (Adam)"), m_lr);
    form->addRow(tr("Seeds"), m_seeds);
    form->addRow(tr("Training noise σ"), m_trainNoise);
    m_construction = new ConstructionBox;
    form->addRow(tr("Network construction"), m_construction);
    form->addRow(tr("Device gain"), m_gain);
    auto* varRow = new QGridLayout;
    varRow->addWidget(new QLabel(tr("V50 sd")), 0, 0);
    varRow->addWidget(m_varV50, 0, 1);
    varRow->addWidget(new QLabel(tr("width sd")), 0, 2);
    varRow->addWidget(m_varWidth, 0, 3);
    varRow->addWidget(new QLabel(tr("jitter sd")), 1, 0);
    varRow->addWidget(m_varC2c, 1, 1);
    varRow->addWidget(new QLabel(tr("stuck")), 1, 2);
    varRow->addWidget(m_varStuck, 1, 3);
    varRow->addWidget(m_varUse, 2, 0, 1, 3);
    varRow->addWidget(m_varSeed, 2, 3);
    form->addRow(tr("Device variability"), varRow);
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Binary LUT"), m_lutBinary);
    form->addRow(tr("Multi-weight LUT"), m_lutMulti);
    form->addRow(tr("Fashion-MNIST folder"), m_dataDir);
    form->addRow(QString(), m_sample);
    form->addRow(tr("Experiment file"), outRow);

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
    cl->addLayout(form);
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

    connect(m_preset, &QComboBox::currentIndexChanged, this, &TrainingPage::applyPreset);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Experiment file"), m_out->text(),
                                                       tr("HDF5 experiment (*.h5)"));
        if (!f.isEmpty()) m_out->setText(f);
    });
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
    connect(m_task, &BackgroundTask::jobStarted, this, &TrainingPage::onJobStarted);
    connect(m_task, &BackgroundTask::batch, this, &TrainingPage::onBatch);
    connect(m_task, &BackgroundTask::epoch, this, &TrainingPage::onEpoch);
    connect(m_task, &BackgroundTask::result, this, &TrainingPage::onResult);
    connect(m_task, &BackgroundTask::failed, this, &TrainingPage::onFailed);
    connect(m_task, &BackgroundTask::stateChanged, this, &TrainingPage::onState);
    connect(m_task, &BackgroundTask::message, this, &TrainingPage::logMessage);
}

namespace {
/// The command-line program the cluster nodes run: next to the workbench (installed and in
/// a build folder alike), or DWMTJ_CLI.
QString dwmtjProgram()
{
    const QByteArray env = qgetenv("DWMTJ_CLI");
    if (!env.isEmpty()) return QString::fromLocal8Bit(env);
    return QCoreApplication::applicationDirPath() + QStringLiteral("/dwmtj");
}
}  // namespace

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

QString TrainingPage::submitToSlurm(const QString& folder, const core::SlurmOptions& options)
{
    try {
        const core::Sweep sweep = queueSweep();
        const QString binary = dwmtjProgram();
        if (!QFileInfo(binary).isExecutable())
            throw core::Error("the dwmtj program is not next to the workbench (" +
                              binary.toStdString() + "); the cluster nodes run it");
        QDir().mkpath(folder);
        const QString sweepFile = QDir(folder).filePath(QStringLiteral("queue.sweep"));
        core::writeSweepFile(sweep, sweepFile.toStdString(),
                             "The Train page's queue, submitted to Slurm by the workbench.");
        core::prepareSweepFolder(sweepFile.toStdString(), folder.toStdString());
        const std::string abs = QFileInfo(folder).absoluteFilePath().toStdString();
        const core::SlurmSubmission sub =
            core::submitSweep(folder.toStdString(), options, false, binary.toStdString(),
                              "sweep collect " + core::shellQuote(abs));
        if (sub.indices.empty()) {
            Q_EMIT logMessage(tr("Every task in %1 is complete already").arg(folder));
        } else if (!sub.submitted) {
            throw core::Error(
                "sbatch is not on PATH here; the scripts are written, submit them "
                "from a login node:\n" +
                sub.commands);
        } else {
            Q_EMIT logMessage(tr("Submitted array job %1 (%2 task(s)) and collect job %3; "
                                 "following %4")
                                  .arg(QString::fromStdString(sub.arrayJob))
                                  .arg(sub.indices.size())
                                  .arg(QString::fromStdString(sub.collectJob), folder));
        }
        m_status->setText(tr("Submitted to Slurm: %1").arg(folder));
        m_status->setStyleSheet({});
        Q_EMIT watchRequested(folder);
        return {};
    } catch (const std::exception& e) {
        return showError(QString::fromUtf8(e.what()));
    }
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

QString TrainingPage::showError(const QString& text)
{
    m_status->setText(text);
    m_status->setStyleSheet(QStringLiteral("color: #b00020"));
    Q_EMIT logMessage(tr("Error: %1").arg(text));
    return text;
}

void TrainingPage::applyPreset(int index)
{
    if (index <= 0 || index >= int(std::size(kPresets))) return;
    m_hidden->setText(QString::fromUtf8(kPresets[index].hidden));
    m_timesteps->setValue(kPresets[index].timesteps);
    for (const auto& [kind, box] : m_kindBoxes) box->setChecked(true);
    m_hybrid->setChecked(false);
    m_seeds->setText(QStringLiteral("0-4"));
    m_batch->setValue(100);
    m_lr->setValue(1e-3);
}

void TrainingPage::setNeuronTypes(const QList<core::NeuronKind>& kinds)
{
    for (const auto& [kind, box] : m_kindBoxes) box->setChecked(kinds.contains(kind));
}

void TrainingPage::setHybrid(bool on, core::NeuronKind layer1, core::NeuronKind layer2)
{
    m_hybrid->setChecked(on);
    m_hybridLayer1->setCurrentIndex(m_hybridLayer1->findData(int(layer1)));
    m_hybridLayer2->setCurrentIndex(m_hybridLayer2->findData(int(layer2)));
}

void TrainingPage::setHiddenSizes(const QString& list) { m_hidden->setText(list); }

void TrainingPage::setLutPath(const QString& path, bool multiState)
{
    (multiState ? m_lutMulti : m_lutBinary)->setText(path);
}

std::string TrainingPage::lutFor(core::NeuronKind kind) const
{
    const auto& info = core::neuronKindInfo(kind);
    if (!info.device) return {};
    return (info.lutKind == core::DeviceKind::MultiState ? m_lutMulti : m_lutBinary)
        ->text()
        .trimmed()
        .toStdString();
}

std::vector<std::vector<core::NeuronKind>> TrainingPage::networks() const
{
    std::vector<std::vector<core::NeuronKind>> out;
    for (const auto& [kind, box] : m_kindBoxes)
        if (box->isChecked())
            out.push_back(
                std::vector<core::NeuronKind>(size_t(core::TrainingConfig::kHiddenLayers), kind));
    if (m_hybrid->isChecked()) {
        const std::vector<core::NeuronKind> h = {
            core::NeuronKind(m_hybridLayer1->currentData().toInt()),
            core::NeuronKind(m_hybridLayer2->currentData().toInt())};
        if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
    }
    return out;
}

namespace {
std::vector<int> parseHidden(const QString& text)
{
    std::vector<int> out;
    for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int h = part.trimmed().toInt(&ok);
        if (!ok || h < 1 || h > 100000)
            throw core::OptionsError("hidden units: expected sizes like 500 or 500,200, got '" +
                                     text.toStdString() + "'");
        if (std::find(out.begin(), out.end(), h) == out.end()) out.push_back(h);
    }
    if (out.empty()) throw core::OptionsError("hidden units: enter at least one size, like 500");
    return out;
}
}  // namespace

core::TrainingConfig TrainingPage::config() const
{
    core::TrainingConfig c;
    const auto nets = networks();
    if (nets.empty()) throw core::OptionsError("choose at least one neuron type (or a hybrid)");
    c.hidden = parseHidden(m_hidden->text()).front();
    c.timesteps = m_timesteps->value();
    c.epochs = m_epochs->value();
    c.batchSize = m_batch->value();
    c.learningRate = m_lr->value();
    c.trainNoiseSigma = m_trainNoise->value();
    m_construction->apply(c);
    c.gainVolts = m_gain->value() > 0 ? m_gain->value() : std::nan("");
    c.device = m_device->currentData().toString().toStdString();
    c.setLayerKinds(nets.front(), [this](core::NeuronKind k) { return lutFor(k); });
    c.dataDir = m_sample->isChecked() ? core::fashionMnistSampleDir()
                                      : m_dataDir->text().trimmed().toStdString();
    if (m_sample->isChecked()) c.validationSize = 500;
    c.seeds = core::parseSeedList(m_seeds->text().toStdString());
    c.variability = variability();
    c.variabilityUse =
        core::variabilityUseFromString(m_varUse->currentData().toString().toStdString());
    return c;
}

core::VariabilitySettings TrainingPage::variability() const
{
    core::VariabilitySettings v;
    v.v50Sd = m_varV50->value();
    v.widthSdRel = m_varWidth->value() / 100;
    v.c2cSd = m_varC2c->value();
    v.stuckOff = v.stuckOn = m_varStuck->value() / 200;
    v.seed = uint64_t(m_varSeed->value());
    return v;
}

void TrainingPage::setVariability(const core::VariabilitySettings& v, core::VariabilityUse use)
{
    m_varV50->setValue(v.v50Sd);
    m_varWidth->setValue(100 * v.widthSdRel);
    m_varC2c->setValue(v.c2cSd);
    m_varStuck->setValue(100 * (v.stuckOff + v.stuckOn));
    m_varSeed->setValue(int(std::min<uint64_t>(v.seed, uint64_t(m_varSeed->maximum()))));
    m_varUse->setCurrentIndex(m_varUse->findData(QString::fromLatin1(core::toString(use))));
}

QString TrainingPage::uniquePath(const QString& wanted, const QStringList& taken) const
{
    QString p = wanted;
    const QFileInfo fi(wanted);
    for (int k = 2; QFileInfo::exists(p) || taken.contains(p); ++k)
        p = fi.dir().filePath(
            QStringLiteral("%1-%2.%3").arg(fi.completeBaseName()).arg(k).arg(fi.suffix()));
    return p;
}

QList<TrainingJob> TrainingPage::jobsFromForm() const
{
    const core::TrainingConfig base = config();
    if (outPath().isEmpty()) throw core::OptionsError("choose an experiment file to write");
    const auto hidden = parseHidden(m_hidden->text());
    const auto nets = networks();
    QStringList taken;
    for (const auto& e : m_entries) taken << e.job.outPath;
    const size_t count = nets.size() * hidden.size();
    QList<TrainingJob> jobs;
    const QFileInfo out(outPath());
    for (const auto& kinds : nets) {
        for (int h : hidden) {
            TrainingJob j;
            j.config = base;
            j.config.setLayerKinds(kinds, [this](core::NeuronKind k) { return lutFor(k); });
            j.config.hidden = h;
            if (!j.config.anyDeviceLayer()) j.config.variability = {};  // LIF: no devices
            j.config.validate();
            j.label = ExperimentStore::label(j.config);
            QString id = QString::fromStdString(core::layerKindsText(kinds));
            id.replace(QLatin1Char('/'), QLatin1Char('-'));  // "binary-lif"
            const QString wanted = count == 1
                                       ? out.absoluteFilePath()
                                       : out.dir().filePath(QStringLiteral("%1-%2-H%3-T%4.h5")
                                                                .arg(out.completeBaseName(), id)
                                                                .arg(h)
                                                                .arg(j.config.timesteps));
            j.outPath = uniquePath(wanted, taken);
            taken << j.outPath;
            jobs << j;
        }
    }
    return jobs;
}

QString TrainingPage::outPath() const { return m_out->text().trimmed(); }

void TrainingPage::setConfig(const core::TrainingConfig& c, const QString& outPath)
{
    m_preset->setCurrentIndex(0);
    if (c.hybrid()) {
        setNeuronTypes({});
        setHybrid(true, c.layer(0).neuron, c.layer(1).neuron);
    } else {
        setNeuronTypes({c.neuron});
        setHybrid(false);
    }
    m_hidden->setText(QString::number(c.hidden));
    m_timesteps->setValue(c.timesteps);
    m_epochs->setValue(c.epochs);
    m_batch->setValue(c.batchSize);
    m_lr->setValue(c.learningRate);
    m_trainNoise->setValue(c.trainNoiseSigma);
    m_construction->set(c);
    setVariability(c.variability, c.variabilityUse);
    m_gain->setValue(std::isnan(c.gainVolts) ? 0.0 : c.gainVolts);
    QStringList seeds;
    for (auto s : c.seeds) seeds << QString::number(s);
    m_seeds->setText(seeds.join(QLatin1Char(',')));
    const int dev = m_device->findData(QString::fromStdString(c.device));
    if (dev >= 0) m_device->setCurrentIndex(dev);
    for (int i = 0; i < core::TrainingConfig::kHiddenLayers; ++i) {
        const core::LayerNeuron l = c.layer(i);
        const auto& info = core::neuronKindInfo(l.neuron);
        if (info.device)
            setLutPath(QString::fromStdString(l.lutPath),
                       info.lutKind == core::DeviceKind::MultiState);
    }
    const bool sample = !c.dataDir.empty() && c.dataDir == core::fashionMnistSampleDir();
    m_sample->setChecked(sample);
    m_dataDir->setText(sample ? QString() : QString::fromStdString(c.dataDir));
    m_out->setText(outPath);
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

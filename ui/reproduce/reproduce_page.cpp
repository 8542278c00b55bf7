#include "reproduce/reproduce_page.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <cmath>

#include "charts/band_chart.h"
#include "charts/live_chart.h"
#include "common/background_task.h"
#include "common/table_export.h"
#include "dwmtj/training.h"
#include "reproduce/figures.h"

namespace dwmtj::ui {

ReproducePage::ReproducePage(QWidget* parent) : Page(parent), m_task(new BackgroundTask(this))
{
    m_scale = new QComboBox;
    m_scale->addItem(tr("smoke: a minute, bundled sample, tiny networks (a test of the pipeline)"),
                     int(core::ReproScale::Smoke));
    m_scale->addItem(
        tr("quick: about 2 hours on 2 cores (3 seeds, 2 epochs, 20 000 training images)"),
        int(core::ReproScale::Quick));
    m_scale->addItem(
        tr("paper: the full protocol (5 seeds, 10 epochs, full data; many hours on a CPU)"),
        int(core::ReproScale::Paper));
    m_scale->setCurrentIndex(1);
    // The experiments: the bundled presets, then any presets file of one's own.
    m_presets = new QComboBox;
    m_presets->setObjectName(QStringLiteral("presets"));
    for (const auto& p : core::reproPresets())
        m_presets->addItem(QStringLiteral("%1 — %2").arg(QString::fromStdString(p.name),
                                                         QString::fromStdString(p.description)),
                           QString::fromStdString(p.name));
    m_presets->addItem(tr("Other presets file..."), QString());
    m_presets->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_presets->setMinimumContentsLength(24);
    m_presets->setToolTip(
        tr("Which experiments to run (dwmtj reproduce --presets): the paper in this tool's "
           "construction, as the authors' released code ran it, or why it is resilient "
           "(docs/reproducing.md)"));
    m_device = new QComboBox;
    for (const auto& d : core::availableDevices())
        m_device->addItem(QString::fromStdString(d).toUpper(), QString::fromStdString(d));
    m_lutBinary = new QLineEdit;
    m_lutBinary->setPlaceholderText(tr("bundled binary-device LUT"));
    m_lutMulti = new QLineEdit;
    m_lutMulti->setPlaceholderText(tr("bundled multi-weight-device LUT"));
    m_dataDir = new QLineEdit;
    m_dataDir->setPlaceholderText(QStringLiteral("/usr/share/datasets/fashion-mnist"));
    m_out = new QLineEdit(QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
                              .filePath(QStringLiteral("dwmtj-reproduction")));
    m_out->setToolTip(
        tr("Everything goes here; run again with the same folder to continue an interrupted "
           "reproduction"));
    auto* browse = new QPushButton(tr("Browse..."));
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_out);
    outRow->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow(tr("Experiments"), m_presets);
    form->addRow(tr("Scale"), m_scale);
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Binary LUT"), m_lutBinary);
    form->addRow(tr("Multi-weight LUT"), m_lutMulti);
    form->addRow(tr("Fashion-MNIST folder"), m_dataDir);
    form->addRow(tr("Output folder"), outRow);
    m_seedsUntilDecided = new QSpinBox;
    m_seedsUntilDecided->setRange(0, 100);
    m_seedsUntilDecided->setSpecialValueText(tr("off"));
    m_seedsUntilDecided->setToolTip(
        tr("While a claim is inconclusive, add one seed to the jobs it needs and evaluate "
           "again, up to this many seeds per job; the adjusted p-values are multiplied by the "
           "number of evaluations (docs/models.md)"));
    form->addRow(tr("Seeds until decided (max)"), m_seedsUntilDecided);
    m_start = new QPushButton(tr("Start"));
    m_start->setToolTip(tr("Runs, or continues, the reproduction in the output folder"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setEnabled(false);
    m_open = new QPushButton(tr("Open report"));
    m_open->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_stop);
    buttons->addStretch();
    buttons->addWidget(m_open);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_status = new QLabel(
        tr("The paper's Fig. 3 and Fig. 4 experiments, the figures and a claims report."));
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    m_plan = new QLabel;
    m_plan->setWordWrap(true);
    m_plan->setStyleSheet(QStringLiteral("color: #555"));
    m_claims = new QTableWidget(0, 8);
    m_claims->setObjectName(QStringLiteral("claims"));
    m_claims->setHorizontalHeaderLabels({tr("Claim (paper)"), tr("Verdict"),
                                         tr("Difference [95 % CI]"), tr("MDE (80 % power)"),
                                         tr("p"), tr("Adjusted p"), tr("Measured"), tr("Test")});
    m_claims->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_claims->horizontalHeader()->setStretchLastSection(true);
    m_claims->verticalHeader()->hide();
    m_claims->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_claims->setWordWrap(true);
    installTableExportMenu(m_claims, QStringLiteral("claims"));
    auto* left = new QGroupBox(tr("Reproduce the paper"));
    auto* ll = new QVBoxLayout(left);
    ll->addLayout(form);
    ll->addLayout(buttons);
    ll->addWidget(m_progress);
    ll->addWidget(m_status);
    ll->addWidget(m_plan);
    ll->addStretch();
    left->setMinimumWidth(380);

    m_loss = new LiveChart(tr("Training loss (per batch, every job and seed)"),
                           tr("batch (per seed)"), tr("NLL loss"));
    m_accuracy = new BandChart(tr("Validation accuracy per job (mean ± sd across seeds)"),
                               tr("epoch"), tr("accuracy (%)"));
    m_accuracy->setIntegerX(true);
    installExportMenu(m_loss, QStringLiteral("reproduce-loss"));
    installExportMenu(m_accuracy, QStringLiteral("reproduce-validation"));
    auto* charts = new QSplitter(Qt::Horizontal);
    charts->addWidget(m_loss);
    charts->addWidget(m_accuracy);
    // Form and live charts on top, the claims table across the full width below.
    auto* upper = new QSplitter(Qt::Horizontal);
    upper->addWidget(left);
    upper->addWidget(charts);
    upper->setStretchFactor(1, 1);
    upper->setSizes({420, 860});
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(upper);
    split->addWidget(m_claims);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* top = new QVBoxLayout(this);
    top->addWidget(split);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString d =
            QFileDialog::getExistingDirectory(this, tr("Output folder"), m_out->text());
        if (!d.isEmpty()) m_out->setText(d);
    });
    connect(m_presets, &QComboBox::activated, this, [this](int i) {
        if (!m_presets->itemData(i).toString().isEmpty()) {
            m_presetsIndex = i;
            return;
        }
        const QString f = QFileDialog::getOpenFileName(this, tr("Presets file"), QString(),
                                                       tr("Presets (*.ini);;All files (*)"));
        if (f.isEmpty())
            m_presets->setCurrentIndex(m_presetsIndex);  // cancelled: keep the last choice
        else
            setPresetsPath(f);
    });
    connect(m_start, &QPushButton::clicked, this, &ReproducePage::start);
    connect(m_stop, &QPushButton::clicked, this, &ReproducePage::stop);
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (!m_reportPath.isEmpty()) QDesktopServices::openUrl(QUrl::fromLocalFile(m_reportPath));
    });
    connect(m_task, &BackgroundTask::jobStarted, this, [this](int i, int n, const QString& name) {
        m_jobIndex = i;
        m_jobCount = n;
        m_currentJob = name;
        m_progress->setValue(int(1000.0 * i / std::max(1, n)));
        Q_EMIT logMessage(tr("reproduce: job %1 of %2: %3").arg(i + 1).arg(n).arg(name));
    });
    connect(m_task, &BackgroundTask::batch, this, [this](const core::BatchProgress& p) {
        m_loss->addPoint(QStringLiteral("%1 seed %2").arg(m_currentJob).arg(p.seed),
                         QPointF(double(p.epoch - 1) * p.batches + p.batch, p.loss));
        const double perSeed = double(p.epochs) * p.batches;
        const double frac = (p.seedIndex * perSeed + double(p.epoch - 1) * p.batches + p.batch) /
                            (perSeed * p.seedCount);
        m_progress->setValue(int(1000.0 * (m_jobIndex + frac) / std::max(1, m_jobCount)));
        const QString text = tr("Job %1 of %2: %3 — seed %4, epoch %5 of %6, batch %7 of %8, %9 "
                                "images/s, ETA of this job %10 s")
                                 .arg(m_jobIndex + 1)
                                 .arg(m_jobCount)
                                 .arg(m_currentJob)
                                 .arg(p.seed)
                                 .arg(p.epoch)
                                 .arg(p.epochs)
                                 .arg(p.batch)
                                 .arg(p.batches)
                                 .arg(p.imagesPerSecond, 0, 'f', 0)
                                 .arg(std::lround(p.etaSeconds));
        m_status->setText(text);
        Q_EMIT busyChanged(true,
                           tr("Reproducing: job %1 of %2").arg(m_jobIndex + 1).arg(m_jobCount));
    });
    connect(m_task, &BackgroundTask::epoch, this, [this](const core::EpochReport& r) {
        m_accuracy->setValue(m_currentJob, r.epoch, QStringLiteral("seed %1").arg(r.seed),
                             100 * r.validationAccuracy);
    });
    connect(m_task, &BackgroundTask::noiseProgress, this, [this](int done, int total) {
        m_status->setText(
            tr("Job %1 of %2: %3 — evaluating (the log says which study), batch %4 of %5")
                .arg(m_jobIndex + 1)
                .arg(m_jobCount)
                .arg(m_currentJob)
                .arg(done)
                .arg(total));
    });
    connect(m_task, &BackgroundTask::message, this, &ReproducePage::logMessage);
    connect(m_task, &BackgroundTask::failed, this, [this](const QString& e) {
        m_status->setText(tr("Failed: %1").arg(e));
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
        Q_EMIT logMessage(tr("Error: reproduce: %1").arg(e));
    });
    connect(m_task, &BackgroundTask::finished, this, &ReproducePage::onFinished);
    connect(m_task, &BackgroundTask::stateChanged, this, [this](BackgroundTask::State s) {
        const bool idle = s == BackgroundTask::State::Idle;
        m_start->setEnabled(idle);
        m_stop->setEnabled(s == BackgroundTask::State::Running);
        for (QWidget* w : std::initializer_list<QWidget*>{m_presets, m_scale, m_device, m_lutBinary,
                                                          m_lutMulti, m_dataDir, m_out})
            w->setEnabled(idle);
        if (idle) Q_EMIT busyChanged(false, QString());
    });
}

void ReproducePage::setScale(core::ReproScale s)
{
    m_scale->setCurrentIndex(m_scale->findData(int(s)));
}
void ReproducePage::setPresetsPath(const QString& nameOrPath)
{
    int i = nameOrPath.isEmpty() ? 0 : m_presets->findData(nameOrPath);
    if (i < 0) {
        // A file of one's own: listed by its name above "Other presets file...".
        i = m_presets->count() - 1;
        m_presets->insertItem(i, QFileInfo(nameOrPath).fileName(), nameOrPath);
        m_presets->setItemData(i, nameOrPath, Qt::ToolTipRole);
    }
    m_presets->setCurrentIndex(i);
    m_presetsIndex = i;
}

QString ReproducePage::presetsPath() const { return m_presets->currentData().toString(); }

void ReproducePage::setOutDir(const QString& dir) { m_out->setText(dir); }
void ReproducePage::setLuts(const QString& binary, const QString& multiState)
{
    m_lutBinary->setText(binary);
    m_lutMulti->setText(multiState);
}

void ReproducePage::setLut(const QString& path, bool multiState)
{
    (multiState ? m_lutMulti : m_lutBinary)->setText(path);
}

void ReproducePage::start()
{
    if (m_task->state() != BackgroundTask::State::Idle) return;
    core::ReproOptions o;
    o.scale = core::ReproScale(m_scale->currentData().toInt());
    o.device = m_device->currentData().toString().toStdString();
    o.lutBinary = m_lutBinary->text().trimmed().toStdString();
    o.lutMultiState = m_lutMulti->text().trimmed().toStdString();
    o.dataDir = m_dataDir->text().trimmed().toStdString();
    o.outDir = m_out->text().trimmed().toStdString();
    o.presetsPath = presetsPath().toStdString();
    o.seedsUntilDecided = m_seedsUntilDecided->value();
    try {
        const auto plan = core::makeReproPlan(o);  // checks the options before the thread starts
        m_plan->setText(tr("%1 training jobs: %2")
                            .arg(plan.jobs.size())
                            .arg(QString::fromStdString(plan.scaleDescription)));
    } catch (const std::exception& e) {
        m_status->setText(tr("Cannot start: %1").arg(QString::fromUtf8(e.what())));
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
        return;
    }
    m_status->setStyleSheet(QString());
    m_status->setText(tr("Starting..."));
    m_loss->clear();
    m_accuracy->clear();
    m_claims->clearSpans();
    m_claims->setRowCount(0);
    m_open->setEnabled(false);
    m_progress->setValue(0);
    auto result = std::make_shared<core::ReproResult>();
    m_result = result;
    Q_EMIT logMessage(tr("reproduce, scale %1 -> %2")
                          .arg(QString::fromUtf8(core::toString(o.scale)), m_out->text()));
    m_task->start(tr("Reproducing the paper"),
                  [o, result](std::stop_token stop, BackgroundTask& task) {
                      *result = core::runReproduction(o, task.observer(), stop);
                  });
}

void ReproducePage::stop()
{
    m_task->stop();
    m_status->setText(
        tr("Stopping after the current batch; run Start again with the same folder to continue."));
}

void ReproducePage::onFinished(bool stopped)
{
    m_loss->flush();
    m_accuracy->flush();
    if (!m_result || m_result->plan.jobs.empty()) return;  // failed before the plan ran
    const auto& r = *m_result;
    // Figures and the report are drawn here, on the GUI thread (QWidget rendering).
    QStringList errors;
    const QString dir = m_out->text().trimmed();
    const auto figures =
        renderReproductionFigures(r, QDir(dir).filePath(QStringLiteral("figures")), errors);
    for (const auto& e : errors) Q_EMIT logMessage(tr("Warning: %1").arg(e));
    try {
        m_reportPath =
            QString::fromStdString(core::writeReproductionReport(r, figures, dir.toStdString()));
    } catch (const std::exception& e) {
        m_status->setText(
            tr("The report could not be written: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    showClaims(r.claims, r.paperComparison, r.beyond);
    m_open->setEnabled(true);
    m_progress->setValue(r.complete ? 1000 : m_progress->value());
    m_status->setText((r.complete ? tr("Complete in %1 min.")
                                  : tr("Stopped after %1 min; Start continues where it stopped."))
                          .arg(r.wallSeconds / 60, 0, 'f', 1) +
                      tr(" Report: %1").arg(m_reportPath));
    Q_EMIT logMessage(tr("reproduction report written to %1").arg(m_reportPath));
    Q_EMIT reportWritten(m_reportPath);
    if (m_openWhenDone && !stopped) QDesktopServices::openUrl(QUrl::fromLocalFile(m_reportPath));
}

void ReproducePage::showClaims(const std::vector<core::ClaimResult>& claims,
                               const std::vector<core::ClaimResult>& paperComparison,
                               const std::vector<core::BeyondResult>& beyond)
{
    m_claims->clearSpans();
    m_claims->setRowCount(0);
    auto addRow = [this](const core::ClaimResult& c, const QString& verdict) {
        const int row = m_claims->rowCount();
        m_claims->insertRow(row);
        auto num = [](double v, char f, int digits) {
            return std::isfinite(v) ? QString::number(v, f, digits) : QStringLiteral("—");
        };
        const QString units = QString::fromStdString(c.units);
        const QString difference =
            std::isfinite(c.difference)
                ? num(c.difference, 'f', 2) +
                      (std::isfinite(c.ciLow)
                           ? QStringLiteral(" [%1, %2]")
                                 .arg(num(c.ciLow, 'f', 2), num(c.ciHigh, 'f', 2))
                           : QString()) +
                      " " + units
                : QStringLiteral("—");
        const QString mde = std::isfinite(c.minDetectable)
                                ? num(c.minDetectable, 'f', 2) + " " + units
                                : QStringLiteral("—");
        const QString adjusted =
            std::isfinite(c.pAdjusted)
                ? QStringLiteral("%1 (%2)").arg(num(c.pAdjusted, 'g', 3),
                                                QString::fromStdString(c.adjustment))
                : QStringLiteral("—");
        const QStringList cells = {QString::fromStdString(c.claim),
                                   verdict,
                                   difference,
                                   mde,
                                   num(c.pValue, 'g', 3),
                                   adjusted,
                                   QString::fromStdString(c.measured),
                                   QString::fromStdString(c.test)};
        for (int k = 0; k < cells.size(); ++k) {
            auto* item = new QTableWidgetItem(cells[k]);
            item->setToolTip(
                k == 1   ? QString::fromStdString(c.reason)
                : k == 5 ? tr("%1 within %2").arg(cells[k], QString::fromStdString(c.family))
                         : cells[k]);
            if (k == 1)
                item->setBackground(c.verdict == core::Verdict::Reproduced ? QColor(227, 244, 232)
                                    : c.verdict == core::Verdict::NotReproduced
                                        ? QColor(251, 227, 227)
                                        : QColor(255, 246, 220));
            m_claims->setItem(row, k, item);
        }
    };
    for (const auto& c : claims) addRow(c, QString::fromUtf8(core::toString(c.verdict)));
    // A header row across the table for each section after the paper's claims.
    auto addHeader = [this](const QString& text) {
        const int row = m_claims->rowCount();
        m_claims->insertRow(row);
        auto* header = new QTableWidgetItem(text);
        QFont bold = header->font();
        bold.setBold(true);
        header->setFont(bold);
        header->setBackground(QColor(240, 243, 246));
        header->setToolTip(header->text());
        m_claims->setItem(row, 0, header);
        m_claims->setSpan(row, 0, 1, m_claims->columnCount());
    };
    if (!paperComparison.empty()) {
        addHeader(
            tr("The paper's comparison, secondary: the best network of each kind, compared "
               "on the test images (McNemar and the ordering over seeds in 'Measured')"));
        for (const auto& c : paperComparison)
            addRow(c, QString::fromUtf8(core::toString(c.verdict)));
    }
    // Beyond the paper: not the paper's claims, so each set under its own header row, with
    // its answers in words ("yes", "no", "not shown").
    for (const auto& b : beyond) {
        if (b.answers.empty()) continue;
        addHeader(
            tr("Beyond the paper (not the paper's claims): %1 — %2")
                .arg(QString::fromStdString(b.set.caption.empty() ? b.set.name : b.set.caption),
                     QString::fromStdString(b.set.question)));
        for (const auto& c : b.answers)
            addRow(c, QString::fromUtf8(core::beyondAnswerText(c.verdict)));
    }
    m_claims->setColumnWidth(0, 330);
    m_claims->setColumnWidth(1, 170);
    m_claims->setColumnWidth(2, 230);
    m_claims->setColumnWidth(3, 140);
    m_claims->setColumnWidth(4, 60);
    m_claims->setColumnWidth(5, 110);
    m_claims->setColumnWidth(6, 420);
    m_claims->resizeRowsToContents();
}

}  // namespace dwmtj::ui

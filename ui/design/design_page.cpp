#include "design/design_page.h"

#include <QChartView>
#include <QComboBox>
#include <QCursor>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <thread>

#include "charts/chart_export.h"
#include "common/background_task.h"
#include "common/cli_program.h"
#include "common/table_export.h"
#include "design/design_work.h"
#include "dwmtj/chip_yield.h"

namespace dwmtj::ui {

namespace {

const char* const kAxes[][2] = {{"v50", QT_TRANSLATE_NOOP("DesignPage", "V50 spread (sd, V)")},
                                {"width", QT_TRANSLATE_NOOP("DesignPage", "Width spread (sd)")},
                                {"c2c", QT_TRANSLATE_NOOP("DesignPage", "Cycle-to-cycle (sd, V)")},
                                {"stuck", QT_TRANSLATE_NOOP("DesignPage", "Stuck fraction")}};

QTableWidgetItem* cell(const QString& text)
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
    return item;
}

}  // namespace

struct DesignPage::Calibrated {
    std::string device;
    QString label, error;
    std::vector<double> chips;
};

struct DesignPage::Loaded {
    QString error, dir;
    core::DesignResult result;
    std::map<std::string, std::map<std::string, ChipLevels>> chips;
};

DesignPage::DesignPage(QWidget* parent)
    : Page(parent), m_task(new BackgroundTask(this)), m_calTask(new BackgroundTask(this))
{
    m_folder = new QLineEdit;
    m_folder->setObjectName(QStringLiteral("designFolder"));
    m_folder->setPlaceholderText(
        tr("a folder for the design study (created; a second run continues)"));
    m_browse = new QPushButton(tr("Browse…"));
    m_open = new QPushButton(tr("Open result"));
    m_preset = new QComboBox;
    m_preset->setObjectName(QStringLiteral("designPreset"));
    m_preset->addItem(tr("small (2 cores, under 30 min)"), QStringLiteral("small"));
    m_preset->addItem(tr("cluster (the paper's network)"), QStringLiteral("cluster"));
    m_preset->addItem(tr("Design file…"), QString());
    m_preset->setToolTip(
        tr("The design's axes and networks (docs/models.md, \"Designing the "
           "device\"); the cluster preset is for dwmtj design --slurm"));
    m_jobs = new QSpinBox;
    m_jobs->setRange(1, 256);
    m_jobs->setValue(std::max(1, int(std::thread::hardware_concurrency())));
    m_jobs->setToolTip(tr("Networks trained at a time, each in its own process"));
    m_run = new QPushButton(tr("Run design"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setEnabled(false);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_status = new QLabel(tr("Run a design, or open a folder where one ran."));
    m_status->setWordWrap(true);
    m_specAccuracy = new QDoubleSpinBox;
    m_specAccuracy->setRange(0, 100);
    m_specAccuracy->setDecimals(1);
    m_specAccuracy->setSuffix(tr(" %"));
    m_specAccuracy->setValue(80);
    m_specAccuracy->setToolTip(tr("The clean test accuracy a design must reach"));
    m_specRobustness = new QDoubleSpinBox;
    m_specRobustness->setRange(0, 1);
    m_specRobustness->setDecimals(2);
    m_specRobustness->setSingleStep(0.05);
    m_specRobustness->setValue(0.5);
    m_specRobustness->setToolTip(
        tr("The chance-corrected area under accuracy vs pixel noise a design must reach (1: no "
           "loss, 0: at chance)"));
    m_answer = new QLabel;
    m_answer->setObjectName(QStringLiteral("designAnswer"));
    m_answer->setWordWrap(true);
    m_answer->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_front = makeChartView(QStringLiteral("designFront"), tr("Accuracy vs energy"),
                            QStringLiteral("design-front"));
    m_robust = makeChartView(QStringLiteral("designRobustness"), tr("Robustness vs accuracy"),
                             QStringLiteral("design-robustness"));
    m_yield = makeChartView(QStringLiteral("designYield"), tr("Chip yield"),
                            QStringLiteral("design-yield"));
    m_yieldAxis = new QComboBox;
    for (const auto& a : kAxes) m_yieldAxis->addItem(tr(a[1]), QString::fromLatin1(a[0]));
    m_yieldText = new QLabel;
    m_yieldText->setWordWrap(true);
    m_calPulses = new QSpinBox;
    m_calPulses->setRange(1, 1000000);
    m_calPulses->setValue(100);
    m_calPulses->setSuffix(tr(" pulses"));
    m_calPulses->setToolTip(
        tr("Pulses per neuron to estimate its V50 at its nominal operating "
           "point before the chip is used (models.md, \"Chip yield and "
           "per-chip calibration\")"));
    m_calibrate = new QPushButton(tr("Test calibrated chips"));
    m_calibrate->setObjectName(QStringLiteral("designCalibrate"));
    m_points = makeResultTable(11, QStringLiteral("designPoints"), QStringLiteral("design-points"));
    m_points->setHorizontalHeaderLabels(
        {tr("Device"), tr("w / w0"), tr("Floor"), tr("Ceiling"), tr("Notches"), tr("Spacing / s0"),
         tr("Pulse [ns]"), tr("Accuracy [%] (95 % CI)"), tr("Robustness (95 % CI)"),
         tr("nJ per correct inference (95 % CI)"), tr("Front / spec")});
    m_points->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_points->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tolerances =
        makeResultTable(5, QStringLiteral("designTolerances"), QStringLiteral("design-tolerances"));
    m_tolerances->setHorizontalHeaderLabels(
        {tr("Device"), tr("Spread"), tr("Level"), tr("Chips"), tr("Accuracy [%] (95 % CI)")});

    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(new QLabel(tr("Folder:")));
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(m_browse);
    folderRow->addWidget(m_open);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Design:")));
    runRow->addWidget(m_preset);
    runRow->addWidget(new QLabel(tr("At a time:")));
    runRow->addWidget(m_jobs);
    runRow->addWidget(m_run);
    runRow->addWidget(m_stop);
    runRow->addWidget(m_progress);
    runRow->addStretch();
    runRow->addWidget(new QLabel(tr("Spec: accuracy ≥")));
    runRow->addWidget(m_specAccuracy);
    runRow->addWidget(new QLabel(tr("robustness ≥")));
    runRow->addWidget(m_specRobustness);
    auto* yieldPane = new QWidget;
    auto* yieldLayout = new QVBoxLayout(yieldPane);
    auto* yieldRow = new QHBoxLayout;
    yieldRow->addWidget(new QLabel(tr("Spread:")));
    yieldRow->addWidget(m_yieldAxis);
    yieldRow->addWidget(new QLabel(tr("Calibrate with")));
    yieldRow->addWidget(m_calPulses);
    yieldRow->addWidget(m_calibrate);
    yieldLayout->addLayout(yieldRow);
    yieldLayout->addWidget(m_yieldText);
    yieldLayout->addWidget(m_yield, 1);
    m_charts = new QTabWidget;
    m_charts->setObjectName(QStringLiteral("designCharts"));
    m_charts->addTab(m_front, tr("Accuracy vs energy"));
    m_charts->addTab(m_robust, tr("Robustness vs accuracy"));
    m_charts->addTab(yieldPane, tr("Chip yield"));
    auto* tables = new QTabWidget;
    tables->addTab(m_points, tr("Design points"));
    tables->addTab(m_tolerances, tr("Spread tolerance"));
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_charts);
    split->addWidget(tables);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* top = new QVBoxLayout(this);
    top->addLayout(folderRow);
    top->addLayout(runRow);
    top->addWidget(m_status);
    top->addWidget(m_answer);
    top->addWidget(split, 1);

    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Design folder"), folder());
        if (!d.isEmpty()) m_folder->setText(d);
    });
    connect(m_open, &QPushButton::clicked, this, [this] { open(folder()); });
    connect(m_run, &QPushButton::clicked, this, &DesignPage::run);
    connect(m_stop, &QPushButton::clicked, this, &DesignPage::stop);
    connect(m_preset, &QComboBox::activated, this, [this](int index) {
        if (!m_preset->itemData(index).toString().isEmpty()) return;
        const QString f =
            QFileDialog::getOpenFileName(this, tr("Design file"), QString(), tr("Design (*.ini)"));
        if (!f.isEmpty()) setPreset(f);
    });
    auto specChanged = [this] {
        if (!m_result) return;
        core::applySpec(*m_result, m_specAccuracy->value() / 100, m_specRobustness->value());
        refresh();
    };
    connect(m_specAccuracy, &QDoubleSpinBox::valueChanged, this, specChanged);
    connect(m_specRobustness, &QDoubleSpinBox::valueChanged, this, specChanged);
    connect(m_yieldAxis, &QComboBox::currentIndexChanged, this, &DesignPage::refreshYield);
    connect(m_points, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = m_points->selectionModel()->selectedRows();
        if (rows.isEmpty()) return;
        m_selected = rows.front().row();
        refreshYield();
    });
    connect(m_task, &BackgroundTask::progress, this, [this](double fraction, const QString& text) {
        m_progress->setValue(int(1000 * std::clamp(fraction, 0.0, 1.0)));
        m_status->setText(text);
    });
    connect(m_task, &BackgroundTask::message, this, &DesignPage::logMessage);
    connect(m_calibrate, &QPushButton::clicked, this, [this] { calibrate(m_calPulses->value()); });
    connect(m_calTask, &BackgroundTask::progress, this,
            [this](double, const QString& text) { m_yieldText->setText(text); });
    connect(m_calTask, &BackgroundTask::finished, this, [this](bool stopped) {
        m_calibrate->setEnabled(true);
        if (!m_calPending) return;
        if (!m_calPending->error.isEmpty()) {
            m_yieldText->setText(tr("<span style='color:#b00020'>No calibrated chips: %1</span>")
                                     .arg(m_calPending->error.toHtmlEscaped()));
            Q_EMIT logMessage(tr("Design: calibration: %1").arg(m_calPending->error));
        } else if (!stopped) {
            m_calibrated[m_calPending->device] = {m_calPending->label, m_calPending->chips};
            m_yieldAxis->setCurrentIndex(0);  // the V50 spread, which calibration removes
            refreshYield();
        }
        m_calPending.reset();
    });
    connect(m_task, &BackgroundTask::failed, this,
            [this](const QString& e) { Q_EMIT logMessage(tr("Design: %1").arg(e)); });
    connect(m_task, &BackgroundTask::finished, this, [this](bool stopped) {
        setBusy(false);
        if (stopped || !m_pending) {
            m_status->setText(
                tr("Stopped. Run again to continue where it stopped; the result "
                   "shown stays."));
        } else if (!m_pending->error.isEmpty()) {
            m_status->setText(
                tr("<span style='color:#b00020'>%1</span>").arg(m_pending->error.toHtmlEscaped()));
            Q_EMIT logMessage(tr("Design: %1").arg(m_pending->error));
        } else {
            showLoaded(*m_pending);
        }
        m_pending.reset();
    });
}

void DesignPage::setFolder(const QString& dir) { m_folder->setText(dir); }
QString DesignPage::folder() const { return m_folder->text().trimmed(); }
void DesignPage::setJobs(int n) { m_jobs->setValue(n); }
void DesignPage::stop() { m_task->stop(); }
QString DesignPage::answerText() const { return m_answer->text(); }

void DesignPage::setPreset(const QString& nameOrPath)
{
    int index = m_preset->findData(nameOrPath);
    if (index < 0) {
        m_preset->insertItem(m_preset->count() - 1, QFileInfo(nameOrPath).fileName(), nameOrPath);
        index = m_preset->count() - 2;
    }
    m_preset->setCurrentIndex(index);
}

void DesignPage::setSpec(double accuracyPercent, double robustness)
{
    m_specAccuracy->setValue(accuracyPercent);
    m_specRobustness->setValue(robustness);
}

void DesignPage::setBusy(bool busy)
{
    m_run->setEnabled(!busy);
    m_open->setEnabled(!busy);
    m_stop->setEnabled(busy);
    if (!busy) m_progress->setValue(m_progress->maximum());
}

void DesignPage::open(const QString& dir)
{
    if (dir.isEmpty()) {
        m_status->setText(tr("Choose the folder of a design study first."));
        return;
    }
    m_folder->setText(dir);
    auto loaded = std::make_shared<Loaded>();
    loaded->dir = dir;
    if (!m_task->start(
            tr("Opening the design in %1").arg(dir), [loaded](std::stop_token, BackgroundTask&) {
                try {
                    loadDesignView(loaded->dir.toStdString(), loaded->result, loaded->chips);
                } catch (const std::exception& e) {
                    loaded->error = QString::fromUtf8(e.what());
                }
            }))
        return;
    m_pending = loaded;
    setBusy(true);
}

void DesignPage::run()
{
    const QString dir = folder();
    QString preset = m_preset->currentData().toString();
    if (dir.isEmpty()) {
        m_status->setText(tr("Choose a folder for the design study first."));
        return;
    }
    auto loaded = std::make_shared<Loaded>();
    loaded->dir = dir;
    const int jobs = m_jobs->value();
    const std::string program = dwmtjProgram().toStdString();
    if (!m_task->start(tr("Design study in %1").arg(QFileInfo(dir).fileName()),
                       [loaded, preset, jobs, program](std::stop_token stop, BackgroundTask& task) {
                           try {
                               runDesignWork(loaded->dir.toStdString(), preset.toStdString(), jobs,
                                             program, stop, task);
                               if (stop.stop_requested()) return;
                               loadDesignView(loaded->dir.toStdString(), loaded->result,
                                              loaded->chips);
                           } catch (const std::exception& e) {
                               loaded->error = QString::fromUtf8(e.what());
                           }
                       }))
        return;
    m_pending = loaded;
    m_status->setText(tr("Preparing the design in %1 ...").arg(dir));
    setBusy(true);
}

void DesignPage::showLoaded(const Loaded& loaded)
{
    m_result = loaded.result;
    m_chips = loaded.chips;
    // The spec boxes show the design's own spec; changing them re-answers.
    const QSignalBlocker a(m_specAccuracy), b(m_specRobustness);
    m_specAccuracy->setValue(100 * m_result->specAccuracy);
    m_specRobustness->setValue(m_result->specRobustness);
    m_selected = m_result->loosestEstimate >= 0 ? m_result->loosestEstimate : 0;
    m_status->setText(
        tr("Design %1 in %2: %3 point(s), %4 on the Pareto front%5.")
            .arg(QString::fromStdString(m_result->name), loaded.dir)
            .arg(m_result->points.size())
            .arg(std::count_if(m_result->points.begin(), m_result->points.end(),
                               [](const auto& p) { return p.pareto; }))
            .arg(m_result->missing.empty()
                     ? QString()
                     : tr("; %1 device(s) not trained yet").arg(m_result->missing.size())));
    Q_EMIT logMessage(tr("Design: opened %1").arg(loaded.dir));
    refresh();
}

void DesignPage::refresh()
{
    if (!m_result) return;
    const core::DesignResult& r = *m_result;
    QString answer = QString::fromStdString(core::designAnswer(r)).toHtmlEscaped();
    answer.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    m_answer->setText(answer);
    auto onPoint = [this](int index, bool clicked) { pointEvent(index, clicked); };
    drawDesignFront(m_front, r, DesignProjection::AccuracyVsEnergy, onPoint);
    drawDesignFront(m_robust, r, DesignProjection::RobustnessVsAccuracy, onPoint);
    const QSignalBlocker block(m_points);
    m_points->setRowCount(int(r.points.size()));
    for (int k = 0; k < int(r.points.size()); ++k) {
        const auto& p = r.points[size_t(k)];
        QString flags = p.measured ? tr("measured") : QString();
        if (p.pareto) flags += (flags.isEmpty() ? QString() : QStringLiteral(", ")) + tr("front");
        if (p.meetsConfident || p.meetsEstimate)
            flags += (flags.isEmpty() ? QString() : QStringLiteral(", ")) +
                     (p.meetsConfident ? tr("meets (95 %)") : tr("meets (estimate)"));
        if (k == r.loosestEstimate) flags += tr(", loosest");
        const QString cells[] = {
            QString::fromStdString(p.device),
            QString::number(p.widthRatio),
            QString::number(p.floor),
            QString::number(p.ceiling),
            QString::number(p.notches),
            std::isfinite(p.notchSpacing) ? QString::number(p.notchSpacing) : QStringLiteral("-"),
            QString::number(p.pulseNs),
            designIntervalText(p.accuracy, 100, 2),
            designIntervalText(p.robustness, 1, 3),
            designIntervalText(p.energyPerCorrectJ, 1e9, 1),
            flags};
        for (int c = 0; c < int(std::size(cells)); ++c) m_points->setItem(k, c, cell(cells[c]));
    }
    m_points->resizeColumnsToContents();
    m_tolerances->setRowCount(int(r.tolerances.size()));
    for (int k = 0; k < int(r.tolerances.size()); ++k) {
        const auto& t = r.tolerances[size_t(k)];
        QString axis = QString::fromStdString(t.axis);
        for (const auto& a : kAxes)
            if (t.axis == a[0]) axis = tr(a[1]);
        const QString cells[] = {QString::fromStdString(t.device), axis, QString::number(t.level),
                                 QString::number(t.chips), designIntervalText(t.accuracy, 100, 2)};
        for (int c = 0; c < 5; ++c) m_tolerances->setItem(k, c, cell(cells[c]));
    }
    m_tolerances->resizeColumnsToContents();
    if (m_selected >= 0 && m_selected < m_points->rowCount()) m_points->selectRow(m_selected);
    refreshYield();
}

void DesignPage::selectPoint(int index)
{
    if (!m_result || index < 0 || index >= int(m_result->points.size())) return;
    m_selected = index;
    m_points->selectRow(index);
    refreshYield();
}

void DesignPage::refreshYield()
{
    if (!m_result || m_selected < 0 || m_selected >= int(m_result->points.size())) return;
    const core::DesignPoint& p = m_result->points[size_t(m_selected)];
    const std::string axis = m_yieldAxis->currentData().toString().toStdString();
    ChipCurves curves;
    if (auto d = m_chips.find(p.device); d != m_chips.end())
        curves = deviceYieldCurves(d->second, axis, m_yieldAxis->currentText());
    if (auto c = m_calibrated.find(p.device); c != m_calibrated.end() && axis == "v50")
        curves.push_back(c->second);
    drawYieldCurves(m_yield, curves, m_result->specAccuracy);
    if (curves.empty()) {
        m_yieldText->setText(
            tr("%1: no chips tested along this spread.").arg(QString::fromStdString(p.device)));
        return;
    }
    QStringList parts;
    for (const auto& [label, chips] : curves) {
        if (chips.empty()) continue;
        const core::ChipYield y = core::chipYield(chips, m_result->specAccuracy);
        parts << tr("%1: %2 % [%3, %4]")
                     .arg(label)
                     .arg(100 * y.yield, 0, 'f', 0)
                     .arg(100 * y.lower, 0, 'f', 0)
                     .arg(100 * y.upper, 0, 'f', 0);
    }
    m_yieldText->setText(tr("%1, yield at %2 % (Wilson 95 % CI): %3")
                             .arg(QString::fromStdString(p.device))
                             .arg(100 * m_result->specAccuracy, 0, 'f', 1)
                             .arg(parts.join(QStringLiteral("; "))));
}

void DesignPage::calibrate(int pulses)
{
    if (!m_result || m_selected < 0 || m_selected >= int(m_result->points.size())) {
        m_yieldText->setText(tr("Open or run a design and choose a point first."));
        return;
    }
    const core::DesignPoint& p = m_result->points[size_t(m_selected)];
    auto out = std::make_shared<Calibrated>();
    out->device = p.device;
    const std::string dir = folder().toStdString();
    const std::string file = (std::filesystem::path(dir) / p.file).string();
    if (!m_calTask->start(tr("Calibrated chips of %1").arg(QString::fromStdString(p.device)),
                          [out, dir, file, pulses](std::stop_token stop, BackgroundTask& task) {
                              try {
                                  out->chips =
                                      calibratedChips(dir, file, pulses, stop, task, out->label);
                              } catch (const std::exception& e) {
                                  out->error = QString::fromUtf8(e.what());
                              }
                          }))
        return;
    m_calPending = out;
    m_calibrate->setEnabled(false);
}

void DesignPage::pointEvent(int index, bool clicked)
{
    if (!m_result || index < 0 || index >= int(m_result->points.size())) return;
    const core::DesignPoint& p = m_result->points[size_t(index)];
    if (!clicked) {
        QToolTip::showText(QCursor::pos(), designPointText(p));
        return;
    }
    selectPoint(index);
    Q_EMIT openRunsRequested(QDir(folder()).filePath(QString::fromStdString(p.file)));
}

}  // namespace dwmtj::ui

#include "devices/device_page.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEventLoop>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <memory>

#include "charts/chart_export.h"
#include "charts/device_charts.h"
#include "charts/probability_chart.h"
#include "common/background_task.h"
#include "common/error_banner.h"
#include "common/table_export.h"
#include "devices/device_spread_panel.h"
#include "devices/plan_panel.h"
#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "dwmtj/estimate.h"
#include "dwmtj/fit_report.h"
#include "dwmtj/lut.h"

namespace dwmtj::ui {

DevicePage::DevicePage(QWidget* parent) : Page(parent)
{
    m_banner = makeErrorBanner();
    m_source = new QLabel(tr("No device data loaded. Use File > Open or drop a file here."));
    m_source->setWordWrap(true);
    m_form = new QComboBox;
    m_form->setObjectName(QStringLiteral("model"));
    m_form->addItem(tr("2-parameter sigmoid"), 2);
    m_form->addItem(tr("4-parameter (floor / ceiling)"), 4);
    connect(m_form, &QComboBox::currentIndexChanged, this, [this] { refit(); });

    m_table = new QTableWidget(0, 5);
    m_table->setHorizontalHeaderLabels(
        {tr("V [V]"), tr("switches"), tr("trials"), tr("p"), tr("95 % interval")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_report = new QPlainTextEdit;
    m_report->setReadOnly(true);
    m_report->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_report->setLineWrapMode(QPlainTextEdit::WidgetWidth);  // long warnings stay readable
    installTableExportMenu(m_table, QStringLiteral("per-voltage"));
    m_chart = new ProbabilityChart;
    m_residuals = new ResidualChart;
    m_traces = new TraceChart;
    m_histogram = new HistogramChart;
    installExportMenu(m_chart, QStringLiteral("switching-probability"));
    installExportMenu(m_residuals, QStringLiteral("fit-residuals"));
    installExportMenu(m_traces, QStringLiteral("resistance-trace"));
    installExportMenu(m_histogram, QStringLiteral("pulses-to-switch"));
    connect(m_chart, &ProbabilityChart::pointClicked, this, &DevicePage::toggleExcluded);

    auto vspin = [] {
        auto* s = new QDoubleSpinBox;
        s->setDecimals(3);
        s->setRange(-1000, 1000);
        s->setSingleStep(0.05);
        s->setSuffix(QStringLiteral(" V"));
        return s;
    };
    m_vmin = vspin();
    m_vmax = vspin();
    m_vmin->setToolTip(tr("Only points at or above this voltage are fitted"));
    m_vmax->setToolTip(tr("Only points at or below this voltage are fitted"));
    auto* reset = new QPushButton(tr("Use all points"));
    connect(reset, &QPushButton::clicked, this, [this] {
        m_excluded.clear();
        if (m_data && m_data->kind == core::DeviceKind::Binary && !m_data->binary.counts.empty())
            setFitRange(m_data->binary.counts.front().voltage,
                        m_data->binary.counts.back().voltage);
        refit();
    });
    for (auto* sb : {m_vmin, m_vmax})
        connect(sb, &QDoubleSpinBox::editingFinished, this, [this] { refit(); });

    auto* top = new QHBoxLayout;
    top->addWidget(m_source, 1);
    auto* options = new QHBoxLayout;
    options->addWidget(new QLabel(tr("Model:")));
    options->addWidget(m_form);
    options->addSpacing(12);
    options->addWidget(new QLabel(tr("Fit range:")));
    options->addWidget(m_vmin);
    options->addWidget(new QLabel(tr("to")));
    options->addWidget(m_vmax);
    options->addWidget(reset);
    options->addSpacing(12);
    auto* hint = new QLabel(tr("Click a point (or untick a row) to leave it out of the fit."));
    hint->setStyleSheet(QStringLiteral("color: #555"));
    options->addWidget(hint);
    options->addStretch();

    auto* left = new QSplitter(Qt::Vertical);
    left->addWidget(m_table);
    left->addWidget(m_report);
    left->setStretchFactor(0, 1);
    left->setStretchFactor(1, 1);
    auto* fitView = new QSplitter(Qt::Vertical);
    fitView->addWidget(m_chart);
    fitView->addWidget(m_residuals);
    fitView->setStretchFactor(0, 2);
    fitView->setStretchFactor(1, 1);
    m_traceVoltage = new QComboBox;
    m_traceCycle = new QSpinBox;
    m_traceCycle->setRange(0, 0);
    auto* traceControls = new QHBoxLayout;
    traceControls->addWidget(new QLabel(tr("Voltage:")));
    traceControls->addWidget(m_traceVoltage);
    traceControls->addWidget(new QLabel(tr("Cycle:")));
    traceControls->addWidget(m_traceCycle);
    traceControls->addStretch();
    auto* traceTab = new QWidget;
    auto* tl = new QVBoxLayout(traceTab);
    tl->addLayout(traceControls);
    auto* traceSplit = new QSplitter(Qt::Vertical);
    traceSplit->addWidget(m_traces);
    traceSplit->addWidget(m_histogram);
    tl->addWidget(traceSplit, 1);
    connect(m_traceVoltage, &QComboBox::currentIndexChanged, this,
            [this] { updateDeviceCharts(); });
    connect(m_traceCycle, &QSpinBox::valueChanged, this, [this] { updateDeviceCharts(); });
    m_views = new QTabWidget;
    m_views->addTab(fitView, tr("p(V), fit and residuals"));
    m_views->addTab(traceTab, tr("Traces and pulses to switch (Fig. 2b, 2c)"));
    m_loadTask = new BackgroundTask(this);
    m_loadTask->setAskBeforeQuit(false);  // a read; nothing is lost when it is cut short
    m_spread = new DeviceSpreadPanel;
    m_views->addTab(m_spread, tr("Across devices (variability)"));
    connect(m_spread, &DeviceSpreadPanel::logMessage, this, &DevicePage::logMessage);
    m_plan = new PlanPanel;
    m_views->addTab(m_plan, tr("Plan next measurements"));
    connect(m_plan, &PlanPanel::logMessage, this, &DevicePage::logMessage);
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem* item) {
        if (!m_data || m_data->kind != core::DeviceKind::Binary || item->column() != 0) return;
        const double v = item->data(Qt::UserRole).value<double>();
        const bool out = item->checkState() != Qt::Checked;
        const bool isOut = std::any_of(m_excluded.begin(), m_excluded.end(),
                                       [&](double x) { return std::fabs(x - v) < 1e-9; });
        if (out != isOut) toggleExcluded(v);
    });

    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(m_views);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({560, 720});
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(top);
    layout->addLayout(options);
    layout->addWidget(split, 1);
}

QString DevicePage::errorText() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

void DevicePage::showError(const QString& text)
{
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
    if (!text.isEmpty()) Q_EMIT logMessage(tr("Error: %1").arg(text));
}

void DevicePage::offGuiThread(const QString& what, const std::function<void()>& work)
{
    // The work runs in the page's worker; the window keeps painting and its timers and queued
    // signals run meanwhile (user input waits, so nothing re-enters this page half-way). The
    // caller's locals stay valid: this returns only when the work has returned.
    QEventLoop wait;
    const auto done = connect(m_loadTask, &BackgroundTask::finished, &wait, &QEventLoop::quit);
    if (m_loadTask->start(what, [&work](std::stop_token, BackgroundTask&) { work(); }))
        wait.exec(QEventLoop::ExcludeUserInputEvents);
    else
        work();  // the worker is busy (cannot happen from the GUI's own calls): run it here
    disconnect(done);
}

bool DevicePage::loadFile(const QString& path, const core::DeviceLoadOptions& options)
{
    if (m_loadTask->state() != BackgroundTask::State::Idle) {
        showError(tr("%1 is still loading; open %2 when it is done")
                      .arg(m_loadTask->what(), QFileInfo(path).fileName()));
        return false;
    }
    std::optional<core::DeviceData> loaded;
    QString error;
    offGuiThread(tr("Loading %1").arg(QFileInfo(path).fileName()), [&] {
        try {
            loaded = core::loadDeviceFile(path.toStdString(), options);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
    });
    if (!loaded) {
        showError(error + (m_data ? tr("\nThe previously loaded data are kept.") : QString()));
        return false;
    }
    m_data = std::move(loaded);  // swap in only on success
    showError({});
    const auto& d = *m_data;
    m_source->setText(tr("<b>%1</b> &mdash; %2, sha256 %3")
                          .arg(QFileInfo(path).fileName().toHtmlEscaped(),
                               QString::fromStdString(d.sourceShape),
                               QString::fromStdString(d.sourceSha256.substr(0, 12))));
    {
        // The model choices of this kind of device: the sigmoid's form, or the ordinal
        // fit's widths (one per threshold, or common: proportional odds).
        const QSignalBlocker block(m_form);
        const int previous = m_form->currentData().toInt();
        m_form->clear();
        if (d.kind == core::DeviceKind::Binary) {
            m_form->addItem(tr("2-parameter sigmoid"), 2);
            m_form->addItem(tr("4-parameter (floor / ceiling)"), 4);
        } else {
            m_form->addItem(tr("one width per threshold"), 10);
            m_form->addItem(tr("common width (proportional odds)"), 11);
        }
        const int keep = m_form->findData(previous);
        m_form->setCurrentIndex(keep >= 0 ? keep : 0);
    }
    m_excluded.clear();
    m_drive = core::driveDisplay(d);  // volts, or mA/uA for a current-driven device
    m_chart->setDrive(m_drive);
    m_residuals->setDrive(m_drive);
    m_views->setTabText(0,
                        tr("p(%1), fit and residuals").arg(QString::fromStdString(m_drive.symbol)));
    for (auto* sb : {m_vmin, m_vmax}) {
        sb->setSuffix(QStringLiteral(" ") + QString::fromStdString(m_drive.unit));
        sb->setToolTip(tr("Only points at or %1 this %2 are fitted")
                           .arg(sb == m_vmin ? tr("above") : tr("below"),
                                QString::fromStdString(m_drive.quantity)));
    }
    const bool binary = d.kind == core::DeviceKind::Binary && !d.binary.counts.empty();
    for (auto* sb : {m_vmin, m_vmax}) sb->setEnabled(binary);
    if (binary) setFitRange(d.binary.counts.front().voltage, d.binary.counts.back().voltage);
    fillTraceControls();
    for (const auto& w : d.warnings)
        Q_EMIT logMessage(tr("Warning: %1: %2").arg(path, QString::fromStdString(w.message)));
    Q_EMIT logMessage(tr("Loaded %1 (%2)").arg(path, QString::fromStdString(d.sourceShape)));
    refit();
    m_plan->setDevice(&*m_data, m_drive);
    Q_EMIT fileLoaded(path);
    return true;
}

void DevicePage::refit()
{
    if (!m_data) return;
    const auto& d = *m_data;
    m_fit.reset();
    m_ordinal.reset();
    QString report;
    const QString name = QFileInfo(QString::fromStdString(d.sourcePath)).fileName();
    if (d.kind == core::DeviceKind::Binary) {
        const auto est = core::estimateProportions(d.binary);
        m_table->setColumnCount(5);
        m_table->setHorizontalHeaderLabels(
            {driveHeader(), tr("switches"), tr("trials"), tr("p"), tr("95 % interval")});
        const QSignalBlocker block(m_table);  // no itemChanged while filling
        m_table->setRowCount(int(est.size()));
        core::SigmoidFitOptions fo;
        fo.form = m_form->currentData().toInt() == 4 ? core::SigmoidForm::FourParameter
                                                     : core::SigmoidForm::TwoParameter;
        fo.drive = d.drive;
        // The spin boxes show the drive's display unit; the fit works in V or A.
        fo.voltageMin = (m_vmin->value() - 1e-9) / m_drive.factor;
        fo.voltageMax = (m_vmax->value() + 1e-9) / m_drive.factor;
        std::vector<double> shownOut = m_excluded;  // clicked points and those outside the range
        for (int r = 0; r < int(est.size()); ++r) {
            const auto& e = est[r];
            const bool clicked = std::any_of(m_excluded.begin(), m_excluded.end(), [&](double v) {
                return std::fabs(v - e.voltage) < 1e-9;
            });
            const bool outside = e.voltage < fo.voltageMin || e.voltage > fo.voltageMax;
            if (outside) shownOut.push_back(e.voltage);
            const QStringList cells = {
                QString::number(m_drive.shown(e.voltage), 'f', 4),
                e.trialsKnown ? QString::number(e.switches) : "-",
                e.trialsKnown ? QString::number(e.trials) : "-", QString::number(e.p, 'f', 5),
                e.trialsKnown ? QString("%1 .. %2").arg(e.lower, 0, 'f', 4).arg(e.upper, 0, 'f', 4)
                              : "-"};
            for (int c = 0; c < cells.size(); ++c) {
                auto* item = new QTableWidgetItem(cells[c]);
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                if (c == 0) {
                    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                    item->setCheckState(clicked ? Qt::Unchecked : Qt::Checked);
                    item->setData(Qt::UserRole, e.voltage);
                    item->setToolTip(outside ? tr("outside the fit range")
                                             : tr("untick to leave this point out of the fit"));
                }
                if (clicked || outside) item->setForeground(Qt::gray);
                m_table->setItem(r, c, item);
            }
        }
        fo.excludeVoltages = m_excluded;
        QString fitError;
        offGuiThread(tr("Fitting %1").arg(name), [&] {
            try {
                m_fit = core::fitSigmoid(d.binary.counts, d.binary.trialsKnown, fo);
            } catch (const std::exception& e) {
                fitError = QString::fromStdString(e.what());
            }
        });
        try {
            if (!m_fit) throw std::runtime_error(fitError.toStdString());
            report = QString::fromStdString(core::formatSigmoidReport(*m_fit, m_drive));
            if (!shownOut.empty()) {
                QStringList vs;
                for (double v : shownOut) vs << QString::number(m_drive.shown(v), 'f', 3);
                report +=
                    tr("\nLeft out of the fit (%1): %2\n")
                        .arg(QString::fromStdString(m_drive.unit), vs.join(QStringLiteral(", ")));
            }
        } catch (const std::exception& e) {
            report = tr("No fit: %1").arg(QString::fromStdString(e.what()));
            Q_EMIT logMessage(tr("%1: %2").arg(name, QString::fromStdString(e.what())));
        }
        m_chart->showBinary(est, m_fit, tr("Switching probability per pulse — %1").arg(name),
                            shownOut);
        if (m_fit)
            m_residuals->showResiduals(
                core::sigmoidResiduals(d.binary.counts, d.binary.trialsKnown, *m_fit), shownOut);
        else
            m_residuals->showMessage(tr("No fit, no residuals"));
    } else {
        const auto& m = d.multi;
        m_table->setColumnCount(m.numStates + 2);
        QStringList headers = {driveHeader()};
        for (int k = 1; k <= m.numStates; ++k) headers << tr("S%1").arg(k);
        headers << tr("cycles");
        m_table->setHorizontalHeaderLabels(headers);
        m_table->setRowCount(int(m.voltages.size()));
        for (int r = 0; r < int(m.voltages.size()); ++r) {
            double n = 0;
            for (double c : m.stateCounts[r]) n += c;
            m_table->setItem(
                r, 0, new QTableWidgetItem(QString::number(m_drive.shown(m.voltages[r]), 'f', 3)));
            for (int k = 0; k < m.numStates; ++k)
                m_table->setItem(r, k + 1,
                                 new QTableWidgetItem(
                                     QString::number(n > 0 ? m.stateCounts[r][k] / n : 0, 'f', 2)));
            m_table->setItem(r, m.numStates + 1, new QTableWidgetItem(QString::number(n)));
        }
        QString fitError;
        core::OrdinalFitOptions oo;
        oo.commonWidth = m_form->currentData().toInt() == 11;
        offGuiThread(tr("Fitting %1").arg(name), [&] {
            try {
                m_ordinal = core::fitOrdinal(m, oo);
            } catch (const std::exception& e) {
                fitError = QString::fromStdString(e.what());
            }
        });
        try {
            if (!m_ordinal) throw std::runtime_error(fitError.toStdString());
            report = QString::fromStdString(core::formatOrdinalReport(*m_ordinal, m_drive));
        } catch (const std::exception& e) {
            report = tr("No fit: %1").arg(QString::fromStdString(e.what()));
            Q_EMIT logMessage(tr("%1: %2").arg(name, QString::fromStdString(e.what())));
        }
        m_chart->showMultiState(m, m_ordinal, tr("State probabilities — %1 (Fig. 2e)").arg(name));
        m_residuals->showMessage(tr("Residuals are shown for binary devices"));
    }
    m_report->setPlainText(report);
    updateDeviceCharts();
}

QString DevicePage::reportText() const { return m_report->toPlainText(); }

void DevicePage::setModel(const QString& model)
{
    const int code = model == "4" ? 4 : model == "separate" ? 10 : model == "common" ? 11 : 2;
    const int i = m_form->findData(code);
    if (i >= 0) m_form->setCurrentIndex(i);  // refits through currentIndexChanged
}

void DevicePage::setExcluded(const std::vector<double>& voltages)
{
    m_excluded = voltages;
    refit();
}

void DevicePage::toggleExcluded(double voltage)
{
    if (!m_data || m_data->kind != core::DeviceKind::Binary || m_data->binary.counts.empty())
        return;
    // The clicked position snaps to the nearest measured voltage.
    double nearest = m_data->binary.counts.front().voltage;
    for (const auto& c : m_data->binary.counts)
        if (std::fabs(c.voltage - voltage) < std::fabs(nearest - voltage)) nearest = c.voltage;
    const auto it = std::find_if(m_excluded.begin(), m_excluded.end(),
                                 [&](double v) { return std::fabs(v - nearest) < 1e-9; });
    const bool nowOut = it == m_excluded.end();
    if (nowOut)
        m_excluded.push_back(nearest);
    else
        m_excluded.erase(it);
    const QString at = QStringLiteral("%1 %2")
                           .arg(m_drive.shown(nearest), 0, 'f', 4)
                           .arg(QString::fromStdString(m_drive.unit));
    Q_EMIT logMessage(nowOut ? tr("%1 left out of the fit").arg(at)
                             : tr("%1 included in the fit again").arg(at));
    refit();
}

void DevicePage::setFitRange(double vmin, double vmax)
{
    const QSignalBlocker b1(m_vmin), b2(m_vmax);
    m_vmin->setValue(m_drive.shown(vmin));
    m_vmax->setValue(m_drive.shown(vmax));
}

QString DevicePage::driveHeader() const
{
    return QStringLiteral("%1 [%2]").arg(QString::fromStdString(m_drive.symbol),
                                         QString::fromStdString(m_drive.unit));
}

QString DevicePage::exportLut(const QString& path) const
{
    if (!m_data) return tr("No device data loaded");
    try {
        core::LutOptions o;
        core::Lut lut =
            m_data->kind == core::DeviceKind::Binary
                ? core::buildBinaryLut(*m_data, m_fit ? &*m_fit : nullptr, o)
                : core::buildMultiStateLut(*m_data, m_ordinal ? &*m_ordinal : nullptr, o);
        core::saveLut(lut, path.toStdString());
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

QString DevicePage::exportTableCsv(const QString& path) const
{
    return ui::exportTableCsv(m_table, path);
}

}  // namespace dwmtj::ui

#include "devices/device_spread_panel.h"

#include <QChart>
#include <QChartView>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPushButton>
#include <QScatterSeries>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>

#include "charts/chart_export.h"
#include "charts/chart_style.h"
#include "common/background_task.h"
#include "common/table_export.h"
#include "dwmtj/device_io.h"

namespace dwmtj::ui {
namespace {

QString withSe(const std::vector<double>& v, const std::vector<double>& se)
{
    QStringList parts;
    for (size_t k = 0; k < v.size(); ++k)
        parts << QStringLiteral("%1 ± %2").arg(v[k], 0, 'f', 4).arg(se[k], 0, 'f', 4);
    return parts.join(QStringLiteral(", "));
}

double mean(const std::vector<double>& v)
{
    double m = 0;
    for (double x : v) m += x / double(v.size());
    return m;
}

}  // namespace

DeviceSpreadPanel::DeviceSpreadPanel(QWidget* parent)
    : QWidget(parent), m_task(new BackgroundTask(this))
{
    m_open = new QPushButton(tr("Open device files…"));
    m_open->setToolTip(tr("One file per device (any device format the page reads)"));
    m_folder = new QPushButton(tr("Open folder…"));
    m_folder->setToolTip(tr("Every device file (.csv, .h5, .npy, .npz) in a folder"));
    m_use = new QPushButton(tr("Use as variability"));
    m_use->setEnabled(false);
    m_use->setToolTip(
        tr("Set the Train page's device-to-device variability to this spread (the "
           "device-to-device sd, without the fits' own errors)"));
    m_summary = new QLabel(
        tr("Open several devices of one kind to see how their switching curves spread."));
    m_summary->setObjectName(QStringLiteral("spreadSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table = makeResultTable(5, QStringLiteral("spreadTable"), QStringLiteral("device-spread"));
    m_table->setHorizontalHeaderLabels({tr("device file"), tr("kind"), tr("threshold(s) ± se (V)"),
                                        tr("width(s) ± se (V)"), tr("status")});
    m_chart = makeChartView(QStringLiteral("spreadChart"),
                            tr("Devices: threshold vs width (± standard error)"),
                            QStringLiteral("device-spread"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_open);
    buttons->addWidget(m_folder);
    buttons->addStretch();
    buttons->addWidget(m_use);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_chart);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* top = new QVBoxLayout(this);
    top->addLayout(buttons);
    top->addWidget(m_summary);
    top->addWidget(split, 1);

    connect(m_open, &QPushButton::clicked, this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(
            this, tr("Open device files"), QString(),
            tr("Device data (*.csv *.txt *.tsv *.h5 *.hdf5 *.npy *.npz);;All files (*)"));
        if (!files.isEmpty()) openDevices(files);
    });
    connect(m_folder, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder of device files"));
        if (dir.isEmpty()) return;
        QStringList files;
        for (const auto& f : core::deviceFilesIn(dir.toStdString()))
            files << QString::fromStdString(f);
        openDevices(files);
    });
    connect(m_use, &QPushButton::clicked, this, &DeviceSpreadPanel::useAsVariability);
    connect(m_task, &BackgroundTask::result, this,
            [this](const QVariant& v) { m_pending.push_back(v.value<core::DeviceFitSummary>()); });
    connect(m_task, &BackgroundTask::progress, this,
            [this](double, const QString& text) { m_summary->setText(text); });
    connect(m_task, &BackgroundTask::failed, this, [this](const QString& error) {
        Q_EMIT logMessage(tr("Fitting devices failed: %1").arg(error));
    });
    connect(m_task, &BackgroundTask::finished, this, [this](bool stopped) {
        if (!stopped) showFits(m_pending);
        m_pending.clear();
        m_open->setEnabled(true);
        m_folder->setEnabled(true);
    });
}

void DeviceSpreadPanel::openDevices(const QStringList& paths)
{
    if (paths.isEmpty()) {
        m_summary->setText(tr("No device files there."));
        return;
    }
    m_open->setEnabled(false);
    m_folder->setEnabled(false);
    m_pending.clear();
    m_task->start(tr("Fitting devices"), [paths](std::stop_token stop, BackgroundTask& task) {
        for (int i = 0; i < paths.size() && !stop.stop_requested(); ++i) {
            task.reportProgress(double(i) / paths.size(), QObject::tr("Fitting device %1 of %2: %3")
                                                              .arg(i + 1)
                                                              .arg(paths.size())
                                                              .arg(QFileInfo(paths[i]).fileName()));
            task.reportResult(QVariant::fromValue(core::fitDeviceFile(paths[i].toStdString())));
        }
    });
}

void DeviceSpreadPanel::showFits(const std::vector<core::DeviceFitSummary>& fits)
{
    m_fits = fits;
    m_spread.reset();
    m_table->setRowCount(0);
    int failed = 0;
    for (const auto& f : fits) {
        const int r = m_table->rowCount();
        m_table->insertRow(r);
        const QString name = QFileInfo(QString::fromStdString(f.path)).fileName();
        auto* item = new QTableWidgetItem(name);
        item->setToolTip(QString::fromStdString(f.path));
        m_table->setItem(r, 0, item);
        m_table->setItem(
            r, 1,
            new QTableWidgetItem(
                f.ok() ? (f.kind == core::DeviceKind::Binary ? tr("binary") : tr("multi-weight"))
                       : QString()));
        m_table->setItem(r, 2, new QTableWidgetItem(withSe(f.thresholds, f.thresholdSe)));
        m_table->setItem(r, 3, new QTableWidgetItem(withSe(f.widths, f.widthSe)));
        auto* status =
            new QTableWidgetItem(f.ok() ? tr("fitted") : QString::fromStdString(f.error));
        if (!f.ok()) {
            status->setForeground(QColor(0xb0, 0x00, 0x20));
            ++failed;
        }
        m_table->setItem(r, 4, status);
    }
    // The scatter: each device's mean threshold against its mean width, with error bars.
    QChart* chart = freshChart(tr("Devices: threshold vs width (± standard error)"));
    auto* points = new QScatterSeries;
    points->setName(tr("devices"));
    points->setMarkerSize(8);
    points->setColor(QColor(0x00, 0x72, 0xb2));
    chart->addSeries(points);
    std::vector<QLineSeries*> bars;
    double xlo = 1e300, xhi = -1e300, ylo = 1e300, yhi = -1e300;
    for (const auto& f : fits) {
        if (!f.ok()) continue;
        const double x = mean(f.thresholds), y = mean(f.widths);
        const double xe = mean(f.thresholdSe), ye = mean(f.widthSe);
        points->append(x, y);
        for (int d = 0; d < 2; ++d) {
            auto* bar = new QLineSeries;
            bar->setColor(QColor(0x00, 0x72, 0xb2));
            if (d == 0)
                bar->append(x - xe, y), bar->append(x + xe, y);
            else
                bar->append(x, y - ye), bar->append(x, y + ye);
            chart->addSeries(bar);
            bars.push_back(bar);
        }
        xlo = std::min(xlo, x - xe), xhi = std::max(xhi, x + xe);
        ylo = std::min(ylo, y - ye), yhi = std::max(yhi, y + ye);
    }
    QValueAxis *ax = nullptr, *ay = nullptr;
    addValueAxes(chart, tr("threshold (V50; multi-weight: mean of V_k) [V]"),
                 tr("width (multi-weight: mean of w_k) [V]"), ax, ay);
    for (auto* s : chart->series()) s->attachAxis(ax), s->attachAxis(ay);
    for (auto* b : bars)
        for (auto* m : chart->legend()->markers(b)) m->setVisible(false);
    if (xlo < xhi) ax->setRange(xlo - 0.1 * (xhi - xlo), xhi + 0.1 * (xhi - xlo));
    if (ylo < yhi) ay->setRange(ylo - 0.1 * (yhi - ylo), yhi + 0.1 * (yhi - ylo));
    ax->applyNiceNumbers();
    ay->applyNiceNumbers();
    QChart* old = m_chart->chart();
    m_chart->setChart(chart);
    delete old;
    try {
        m_spread = core::deviceSpread(fits);
    } catch (const std::exception& e) {
        m_summary->setText(tr("%1 device(s), %2 not fitted: %3")
                               .arg(fits.size())
                               .arg(failed)
                               .arg(QString::fromUtf8(e.what())));
        m_use->setEnabled(false);
        return;
    }
    const auto& s = *m_spread;
    QStringList means;  // one per threshold (multi-weight: V_2 .. V_K)
    for (double v : s.thresholdMean) means << QString::number(v, 'f', 4);
    const QString thresholds = means.join(QStringLiteral(", "));
    m_summary->setText(
        tr("<b>%1 devices</b> (%2 not fitted). Threshold: mean %10 V, observed sd %3 mV; the "
           "fits' own errors %4 mV; <b>device to device %5 mV</b>. Width: mean %6 mV, observed "
           "sd %7 %; the fits' errors %8 %; <b>device to device %9 %</b>.")
            .arg(s.devices)
            .arg(failed)
            .arg(1e3 * s.thresholdSdObserved, 0, 'f', 1)
            .arg(1e3 * s.meanThresholdSe, 0, 'f', 1)
            .arg(1e3 * s.thresholdSd, 0, 'f', 1)
            .arg(1e3 * s.widthMean, 0, 'f', 1)
            .arg(100 * s.widthSdRelObserved, 0, 'f', 1)
            .arg(100 * s.meanWidthSeRel, 0, 'f', 1)
            .arg(100 * s.widthSdRel, 0, 'f', 1)
            .arg(thresholds));
    m_use->setEnabled(true);
    Q_EMIT logMessage(tr("device spread: %1 devices, V50 sd %2 mV, width sd %3 % (device to "
                         "device)")
                          .arg(s.devices)
                          .arg(1e3 * s.thresholdSd, 0, 'f', 1)
                          .arg(100 * s.widthSdRel, 0, 'f', 1));
}

QString DeviceSpreadPanel::summaryText() const { return m_summary->text(); }

bool DeviceSpreadPanel::useAsVariability()
{
    if (!m_spread) return false;
    Q_EMIT variabilityChosen(core::variabilityFromSpread(*m_spread));
    return true;
}

}  // namespace dwmtj::ui

#include "robustness/robustness_page.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "charts/band_chart.h"
#include "common/background_task.h"
#include "common/table_export.h"
#include "dwmtj/experiment.h"
#include "dwmtj/fashion_mnist.h"
#include "dwmtj/training.h"
#include "robustness/experiment_list.h"
#include "robustness/study_panel.h"
#include "robustness/variability_panel.h"
#include "runs/experiment_store.h"

namespace dwmtj::ui {
namespace {
constexpr double kImageSigmas[] = {0.0, 0.5, 1.0, 2.0, 3.0};

}  // namespace

RobustnessPage::RobustnessPage(ExperimentStore* store, QWidget* parent)
    : Page(parent), m_store(store), m_task(new BackgroundTask(this))
{
    m_runs = new QListWidget;
    m_runs->setObjectName(QStringLiteral("runs"));
    m_runs->setMaximumHeight(160);
    m_runs->setToolTip(
        tr("Experiment files open in the workbench (train on the Train page or open them on the "
           "Runs page)"));
    auto dspin = [](double lo, double hi, double v, double step) {
        auto* s = new QDoubleSpinBox;
        s->setRange(lo, hi);
        s->setDecimals(2);
        s->setSingleStep(step);
        s->setValue(v);
        return s;
    };
    m_from = dspin(0, 100, 0, 0.1);
    m_to = dspin(0, 100, 3, 0.1);
    m_step = dspin(0.01, 10, 0.1, 0.05);
    m_units = new QComboBox;
    m_units->addItem(tr("pixel units (x + σ·N, clamped to [0, 1])"), int(core::NoiseUnits::Pixel));
    m_units->addItem(tr("standardized (σ × training pixel std)"),
                     int(core::NoiseUnits::Standardized));
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1 << 30);
    m_seed->setValue(1234);
    m_testImages = new QSpinBox;
    m_testImages->setRange(0, 10000);
    m_testImages->setValue(0);
    m_testImages->setSpecialValueText(tr("all"));
    m_testImages->setToolTip(tr("Test images per sigma (all = as in the experiment)"));
    auto* form = new QFormLayout;
    auto* range = new QHBoxLayout;
    range->addWidget(m_from);
    range->addWidget(new QLabel(tr("to")));
    range->addWidget(m_to);
    range->addWidget(new QLabel(tr("step")));
    range->addWidget(m_step);
    form->addRow(tr("σ from"), range);
    form->addRow(tr("Units"), m_units);
    form->addRow(tr("Noise seed"), m_seed);
    form->addRow(tr("Test images"), m_testImages);
    m_evaluate = new QPushButton(tr("Evaluate"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setEnabled(false);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_evaluate);
    buttons->addWidget(m_stop);
    buttons->addStretch();
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_status =
        new QLabel(tr("Choose trained experiment files and press Evaluate. Curves already in the "
                      "files are shown."));
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);

    auto* imageBox = new QGroupBox(tr("One test image under noise (Fig. 4a)"));
    auto* imageRow = new QHBoxLayout(imageBox);
    for (double s : kImageSigmas) {
        auto* col = new QVBoxLayout;
        auto* img = new QLabel;
        img->setFixedSize(84, 84);
        img->setFrameShape(QFrame::Box);
        img->setAlignment(Qt::AlignCenter);
        m_images << img;
        col->addWidget(img);
        col->addWidget(new QLabel(QStringLiteral("σ = %1").arg(s)), 0, Qt::AlignHCenter);
        imageRow->addLayout(col);
    }

    auto* left = new QGroupBox(tr("Noise evaluation"));
    auto* ll = new QVBoxLayout(left);
    ll->addWidget(new QLabel(tr("<b>Experiment files</b>")));
    ll->addWidget(m_runs);
    ll->addLayout(form);
    ll->addLayout(buttons);
    ll->addWidget(m_progress);
    ll->addWidget(m_status);
    ll->addWidget(imageBox);
    ll->addStretch();

    m_raw =
        new BandChart(tr("Test accuracy under noise (Fig. 4b)"), tr("noise σ"), tr("accuracy (%)"));
    m_normalized = new BandChart(tr("Normalized accuracy (Fig. 4c)"), tr("noise σ"),
                                 tr("accuracy / clean accuracy"));
    installExportMenu(m_raw, QStringLiteral("noise-accuracy"));
    installExportMenu(m_normalized, QStringLiteral("noise-normalized"));
    m_energy = new QTableWidget(0, 6);
    m_energy->setObjectName(QStringLiteral("energy"));
    m_energy->setHorizontalHeaderLabels(
        {tr("Network (file)"), tr("Runs"), tr("Clean test %"), tr("Energy / inference (µJ)"),
         tr("Device samples / inference"), tr("Energy / sample (pJ)")});
    m_energy->setToolTip(
        tr("Mean ± sd across the runs (seeds); energy from the device samples drawn on the clean "
           "test set"));
    m_energy->setMinimumHeight(130);
    installTableExportMenu(m_energy, QStringLiteral("energy-and-accuracy"));
    m_energy->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_energy->horizontalHeader()->setStretchLastSection(true);
    m_energy->verticalHeader()->hide();
    m_energy->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* charts = new QSplitter(Qt::Vertical);
    auto* chartRow = new QSplitter(Qt::Horizontal);
    chartRow->addWidget(m_raw);
    chartRow->addWidget(m_normalized);
    charts->addWidget(chartRow);
    charts->addWidget(m_energy);
    charts->setStretchFactor(0, 3);
    charts->setStretchFactor(1, 1);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(charts);
    split->setStretchFactor(1, 1);
    split->setSizes({440, 840});
    m_study = new StudyPanel(m_store);
    m_modes = new QTabWidget;
    m_modes->setObjectName(QStringLiteral("robustnessModes"));
    m_modes->addTab(split, tr("Noise curves (Fig. 4)"));
    m_modes->addTab(m_study, tr("Study: which choices decide the result"));
    m_variability = new VariabilityPanel(m_store);
    m_modes->addTab(m_variability, tr("Device variability"));
    connect(m_variability, &VariabilityPanel::logMessage, this, &RobustnessPage::logMessage);
    connect(m_variability, &VariabilityPanel::busyChanged, this, &RobustnessPage::busyChanged);
    auto* top = new QVBoxLayout(this);
    top->addWidget(m_modes);
    connect(m_study, &StudyPanel::logMessage, this, &RobustnessPage::logMessage);
    connect(m_study, &StudyPanel::busyChanged, this, &RobustnessPage::busyChanged);

    connect(m_store, &ExperimentStore::changed, this, &RobustnessPage::rebuildList);
    connect(m_runs, &QListWidget::itemChanged, this, &RobustnessPage::refreshCharts);
    connect(m_units, &QComboBox::currentIndexChanged, this, [this] {
        refreshCharts();
        refreshImages();
    });
    connect(m_evaluate, &QPushButton::clicked, this, &RobustnessPage::evaluate);
    connect(m_stop, &QPushButton::clicked, this, &RobustnessPage::stop);
    connectFileTask(
        this,
        {m_task,
         m_store,
         m_progress,
         m_status,
         m_evaluate,
         m_stop,
         {m_from, m_to, m_step, m_units, m_seed, m_testImages, m_runs},
         tr("noise evaluation"),
         tr("noise curves")},
        [this](const QString& t) { Q_EMIT logMessage(t); },
        [this](bool b, const QString& t) { Q_EMIT busyChanged(b, t); });
    refreshImages();
}

core::NoiseUnits RobustnessPage::units() const
{
    return core::NoiseUnits(m_units->currentData().toInt());
}

void RobustnessPage::rebuildList()
{
    rebuildExperimentList(m_runs, *m_store);
    refreshCharts();
    refreshImages();
}

void RobustnessPage::setSelection(const QStringList& paths)
{
    checkExperiments(m_runs, paths);
    refreshCharts();
}

QStringList RobustnessPage::selection() const { return checkedExperiments(m_runs); }

void RobustnessPage::setSigmaRange(double from, double to, double step)
{
    m_from->setValue(from);
    m_to->setValue(to);
    m_step->setValue(step);
}

void RobustnessPage::setTestImages(int n) { m_testImages->setValue(n); }

void RobustnessPage::refreshCharts()
{
    m_raw->clear();
    m_normalized->clear();
    m_energy->setRowCount(0);
    const QStringList chosen = selection();
    for (const auto& e : m_store->experiments()) {
        if (!chosen.contains(e.path)) continue;
        const QString label = ExperimentStore::label(e.experiment.config);
        for (const auto& r : e.experiment.runs) {
            // One member per run: seeds of several files with the same configuration add up.
            const QString member =
                tr("seed %1 (%2)").arg(r.seed).arg(QFileInfo(e.path).completeBaseName());
            for (const auto& c : r.noise) {
                if (c.units != units()) continue;
                for (size_t k = 0; k < c.sigma.size(); ++k) {
                    m_raw->setValue(label, c.sigma[k], member, 100 * c.accuracy[k]);
                    if (k < c.normalized.size())
                        m_normalized->setValue(label, c.sigma[k], member, c.normalized[k]);
                }
            }
        }
        // One row per configuration: mean +/- sd across its runs (seeds), for this file.
        std::vector<double> clean, energy, samples, perSample;
        for (const auto& r : e.experiment.runs) {
            if (!std::isfinite(r.testAccuracy)) continue;
            clean.push_back(100 * r.testAccuracy);
            if (r.energy.valid) {
                energy.push_back(r.energy.energyPerInferenceJ * 1e6);
                samples.push_back(r.energy.samplesPerInference);
                perSample.push_back(r.energy.energyPerSampleJ * 1e12);
            }
        }
        if (clean.empty()) continue;
        auto stat = [](const std::vector<double>& v, int decimals) {
            if (v.empty()) return QString();
            double m = 0, ss = 0;
            for (double x : v) m += x;
            m /= double(v.size());
            for (double x : v) ss += (x - m) * (x - m);
            const double sd = v.size() > 1 ? std::sqrt(ss / double(v.size() - 1)) : 0.0;
            return v.size() > 1 ? QStringLiteral("%1 ± %2")
                                      .arg(m, 0, 'f', decimals)
                                      .arg(sd, 0, 'f', decimals)
                                : QString::number(m, 'f', decimals);
        };
        const int row = m_energy->rowCount();
        m_energy->insertRow(row);
        const bool lif = !e.experiment.config.anyDeviceLayer();
        const QStringList cells = {
            label + QStringLiteral(" (") + QFileInfo(e.path).fileName() + QStringLiteral(")"),
            QString::number(clean.size()),
            stat(clean, 2),
            lif              ? tr("— (no device layer)")
            : energy.empty() ? tr("evaluate to measure")
                             : stat(energy, 3),
            stat(samples, 0),
            stat(perSample, 2)};
        for (int c = 0; c < cells.size(); ++c)
            m_energy->setItem(row, c, new QTableWidgetItem(cells[c]));
    }
    m_raw->flush();
    m_normalized->flush();
}

void RobustnessPage::refreshImages()
{
    // The first test image of the first chosen experiment's data (or the bundled sample).
    std::string dir = core::fashionMnistSampleDir();
    double scale = 1;
    for (const auto& e : m_store->experiments())
        if (selection().contains(e.path)) {
            dir = e.experiment.config.dataDir;
            if (units() == core::NoiseUnits::Standardized && e.experiment.pixelStd > 0)
                scale = e.experiment.pixelStd;
            break;
        }
    core::ImageSet one;
    try {
        one = core::loadFashionMnist(dir, core::FashionSplit::Test, 1);
    } catch (const std::exception& err) {
        for (auto* l : m_images) l->setText(tr("no data"));
        Q_EMIT logMessage(tr("Warning: %1").arg(QString::fromUtf8(err.what())));
        return;
    }
    for (int i = 0; i < m_images.size(); ++i) {
        const auto px =
            core::noisyImage(one.pixels, kImageSigmas[i], scale, uint64_t(m_seed->value()));
        QImage img(28, 28, QImage::Format_Grayscale8);
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x)
                img.scanLine(y)[x] = uchar(std::lround(255 * px[y * 28 + x]));
        m_images[i]->setPixmap(
            QPixmap::fromImage(img.scaled(84, 84, Qt::IgnoreAspectRatio, Qt::FastTransformation)));
    }
}

void RobustnessPage::evaluate()
{
    const QStringList files = selection();
    if (files.isEmpty()) {
        m_status->setText(
            tr("No experiment file chosen: train one on the Train page or open one on the Runs "
               "page."));
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
        return;
    }
    if (m_to->value() < m_from->value()) {
        m_status->setText(tr("The σ range is empty: 'to' (%1) is below 'from' (%2).")
                              .arg(m_to->value())
                              .arg(m_from->value()));
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
        return;
    }
    core::NoiseOptions o;
    for (double s = m_from->value(); s <= m_to->value() + 1e-9; s += m_step->value())
        o.sigmas.push_back(std::round(s * 1e6) / 1e6);
    o.units = units();
    o.seed = uint64_t(m_seed->value());
    o.testLimit = m_testImages->value() > 0 ? m_testImages->value() : -1;
    m_status->setStyleSheet(QString());
    m_progress->setValue(0);
    Q_EMIT logMessage(tr("noise evaluation: %1 file(s), %2 sigma(s) from %3 to %4")
                          .arg(files.size())
                          .arg(o.sigmas.size())
                          .arg(m_from->value())
                          .arg(m_to->value()));
    m_task->start(tr("Noise evaluation"), [files, o](std::stop_token stop, BackgroundTask& task) {
        evaluateFiles(task, stop, files,
                      [&o](const core::Experiment& e, std::stop_token st,
                           const std::function<void(int, int)>& progress) {
                          return core::evaluateNoise(e, o, st, progress);
                      });
    });
}

void RobustnessPage::stop() { m_task->stop(); }

void RobustnessPage::showMode(int index) { m_modes->setCurrentIndex(index); }

}  // namespace dwmtj::ui

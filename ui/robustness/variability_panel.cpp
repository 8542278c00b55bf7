#include "robustness/variability_panel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "charts/band_chart.h"
#include "charts/chart_export.h"
#include "common/background_task.h"
#include "common/table_export.h"
#include "dwmtj/experiment.h"
#include "dwmtj/stats.h"
#include "robustness/experiment_list.h"
#include "runs/experiment_store.h"

namespace dwmtj::ui {
namespace {

/// The spreads the panel offers: id (VariabilityAxis::id), label, x-axis title, default
/// levels and the spin boxes' range and decimals.
struct AxisInfo {
    const char* id;
    const char* label;
    const char* xTitle;
    double from, to, step, max;
    int decimals;
};
constexpr AxisInfo kAxes[] = {
    {"v50", "Device to device: V50 spread", "V50 sd (V)", 0, 0.2, 0.04, 2, 3},
    {"width", "Device to device: width spread", "width sd (relative)", 0, 0.5, 0.1, 5, 2},
    {"c2c", "Cycle to cycle: operating-point jitter", "jitter sd (V)", 0, 0.2, 0.04, 2, 3},
    {"stuck", "Stuck devices (half off, half on)", "stuck fraction", 0, 0.5, 0.1, 1, 2},
};

const AxisInfo& axisInfo(const QString& id)
{
    for (const auto& a : kAxes)
        if (id == QLatin1String(a.id)) return a;
    return kAxes[0];
}

}  // namespace

VariabilityPanel::VariabilityPanel(ExperimentStore* store, QWidget* parent)
    : QWidget(parent), m_store(store), m_task(new BackgroundTask(this))
{
    m_files = new QListWidget;
    m_files->setObjectName(QStringLiteral("variabilityFiles"));
    m_files->setMaximumHeight(150);
    m_files->setToolTip(
        tr("The trained networks to evaluate (networks with DW-MTJ neurons; "
           "LIF-only files are skipped)"));
    m_axis = new QComboBox;
    m_axis->setObjectName(QStringLiteral("variabilityAxis"));
    for (const auto& a : kAxes) m_axis->addItem(tr(a.label), QString::fromLatin1(a.id));
    auto spin = [](const QString& tip) {
        auto* s = new QDoubleSpinBox;
        s->setToolTip(tip);
        return s;
    };
    m_from = spin(tr("First level of the spread"));
    m_to = spin(tr("Last level of the spread"));
    m_step = spin(tr("Step between levels"));
    m_draws = new QSpinBox;
    m_draws->setRange(1, 100);
    m_draws->setValue(3);
    m_draws->setToolTip(
        tr("Device draws per level and network: each draw is a new set of "
           "devices (the same devices, scaled, at every level)"));
    m_bootstrap = new QSpinBox;
    m_bootstrap->setRange(0, 1000);
    m_bootstrap->setValue(0);
    m_bootstrap->setSpecialValueText(tr("off"));
    m_bootstrap->setToolTip(
        tr("Uncertainty of the measured curve: test with this many LUTs rebuilt from the "
           "device's measurements resampled (the LUT's source file), as `dwmtj variability "
           "--bootstrap N`"));
    m_testImages = new QSpinBox;
    m_testImages->setRange(0, 10000);
    m_testImages->setValue(1000);
    m_testImages->setSpecialValueText(tr("as in the experiment"));
    m_testImages->setToolTip(tr("Test images per level, draw and network"));
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1 << 30);
    m_seed->setValue(4321);
    m_seed->setToolTip(tr("Device and spike draws: every network sees the same draws"));
    m_run = new QPushButton(tr("Evaluate"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setEnabled(false);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_status =
        new QLabel(tr("Check files, choose a spread and its levels, then Evaluate. "
                      "Curves already in the files are shown."));
    m_status->setObjectName(QStringLiteral("variabilityStatus"));
    m_status->setWordWrap(true);

    auto* left = new QGroupBox(tr("Does it still work when every neuron is its own device?"));
    auto* ll = new QVBoxLayout(left);
    ll->addWidget(new QLabel(tr("<b>Networks</b> (experiment files)")));
    ll->addWidget(m_files);
    auto* form = new QFormLayout;
    form->addRow(tr("Spread"), m_axis);
    auto* levels = new QHBoxLayout;
    levels->addWidget(m_from);
    levels->addWidget(new QLabel(tr("to")));
    levels->addWidget(m_to);
    levels->addWidget(new QLabel(tr("step")));
    levels->addWidget(m_step);
    form->addRow(tr("Levels"), levels);
    form->addRow(tr("Device draws"), m_draws);
    form->addRow(tr("Curve bootstrap"), m_bootstrap);
    form->addRow(tr("Test images"), m_testImages);
    form->addRow(tr("Seed"), m_seed);
    ll->addLayout(form);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_stop);
    buttons->addStretch();
    ll->addLayout(buttons);
    ll->addWidget(m_progress);
    ll->addWidget(m_status);
    ll->addStretch();

    m_chart = new BandChart(tr("Accuracy with device variability"), QString(), tr("accuracy (%)"));
    m_chart->setObjectName(QStringLiteral("variabilityChart"));
    m_chart->setToolTip(tr("Mean +/- sd across seeds and device draws, one band per network"));
    installExportMenu(m_chart, QStringLiteral("variability"));
    m_table = new QTableWidget(0, 6);
    m_table->setObjectName(QStringLiteral("variabilityTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("network"), tr("spread"), tr("level"), tr("accuracy (%)"), tr("sd"), tr("n")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setToolTip(
        tr("Per network and level: mean and sd over seeds and device draws (n values). "
           "Bootstrap rows: the nominal LUT and the 95 % percentile interval over the resampled "
           "LUTs"));
    installTableExportMenu(m_table, QStringLiteral("variability"));
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(m_chart);
    right->addWidget(m_table);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 2);
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({400, 880});
    auto* top = new QVBoxLayout(this);
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(split);

    connect(m_store, &ExperimentStore::changed, this, &VariabilityPanel::rebuildFiles);
    connect(m_files, &QListWidget::itemChanged, this, &VariabilityPanel::refresh);
    connect(m_axis, &QComboBox::currentIndexChanged, this, [this] {
        const AxisInfo& a = axisInfo(axis());
        for (auto* s : {m_from, m_to, m_step}) {
            s->setDecimals(a.decimals);
            s->setRange(0, a.max);
            s->setSingleStep(a.step);
        }
        setLevels(a.from, a.to, a.step);
        refresh();
    });
    connect(m_run, &QPushButton::clicked, this, &VariabilityPanel::run);
    connect(m_stop, &QPushButton::clicked, this, &VariabilityPanel::stop);
    connectFileTask(
        this,
        {m_task,
         m_store,
         m_progress,
         m_status,
         m_run,
         m_stop,
         {m_files, m_axis, m_from, m_to, m_step, m_draws, m_bootstrap, m_testImages, m_seed},
         tr("variability evaluation"),
         tr("variability curves")},
        [this](const QString& t) { Q_EMIT logMessage(t); },
        [this](bool b, const QString& t) { Q_EMIT busyChanged(b, t); });
    Q_EMIT m_axis->currentIndexChanged(0);  // ranges and default levels of the first spread
}

void VariabilityPanel::setAxis(const QString& id)
{
    const int i = m_axis->findData(id);
    if (i >= 0) m_axis->setCurrentIndex(i);
}

QString VariabilityPanel::axis() const { return m_axis->currentData().toString(); }

void VariabilityPanel::setLevels(double from, double to, double step)
{
    m_from->setValue(from);
    m_to->setValue(to);
    m_step->setValue(step);
}

void VariabilityPanel::setDraws(int n) { m_draws->setValue(n); }
void VariabilityPanel::setBootstrap(int n) { m_bootstrap->setValue(n); }
void VariabilityPanel::setTestImages(int n) { m_testImages->setValue(n); }

void VariabilityPanel::rebuildFiles()
{
    rebuildExperimentList(m_files, *m_store);
    refresh();
}

void VariabilityPanel::setSelection(const QStringList& paths)
{
    checkExperiments(m_files, paths);
    refresh();
}

QStringList VariabilityPanel::selection() const { return checkedExperiments(m_files); }

core::VariabilityOptions VariabilityPanel::chosenOptions() const
{
    core::VariabilityOptions o;
    const QString levels = QStringLiteral("%1:%2:%3")
                               .arg(m_from->value(), 0, 'g', 10)
                               .arg(m_to->value(), 0, 'g', 10)
                               .arg(m_step->value(), 0, 'g', 10);
    o.axes = {{axis().toStdString(), core::parseSigmaList(levels.toStdString())}};
    o.draws = m_draws->value();
    o.bootstrap = m_bootstrap->value();
    o.seed = uint64_t(m_seed->value());
    o.testLimit = m_testImages->value() > 0 ? m_testImages->value() : -1;
    return o;
}

void VariabilityPanel::refresh()
{
    const AxisInfo& info = axisInfo(axis());
    m_chart->clear();
    m_chart->setTitles(tr("Accuracy with device variability: %1").arg(tr(info.label)),
                       tr(info.xTitle), tr("accuracy (%)"));
    m_table->setRowCount(0);
    auto addRow = [this](const QStringList& cells) {
        const int r = m_table->rowCount();
        m_table->insertRow(r);
        for (int c = 0; c < cells.size(); ++c)
            m_table->setItem(r, c, new QTableWidgetItem(cells[c]));
    };
    const QStringList chosen = selection();
    for (const auto& e : m_store->experiments()) {
        if (!chosen.contains(e.path)) continue;
        const QString label = ExperimentStore::label(e.experiment.config);
        QMap<double, std::vector<double>> byLevel;
        std::vector<double> boot, nominal;
        for (const auto& r : e.experiment.runs)
            for (const auto& c : r.variability) {
                if (c.axis == "bootstrap" && !c.accuracy.empty()) {
                    for (double a : c.accuracy[0]) boot.push_back(100 * a);
                    if (std::isfinite(c.nominalAccuracy))
                        nominal.push_back(100 * c.nominalAccuracy);
                    continue;
                }
                if (c.axis != info.id) continue;
                for (size_t k = 0; k < c.level.size(); ++k)
                    for (size_t d = 0; d < c.accuracy[k].size(); ++d) {
                        m_chart->setValue(label, c.level[k],
                                          tr("seed %1 draw %2 (%3)")
                                              .arg(r.seed)
                                              .arg(d + 1)
                                              .arg(QFileInfo(e.path).completeBaseName()),
                                          100 * c.accuracy[k][d]);
                        byLevel[c.level[k]].push_back(100 * c.accuracy[k][d]);
                    }
            }
        for (auto it = byLevel.cbegin(); it != byLevel.cend(); ++it) {
            const auto s = core::stats::summarize(it.value());
            addRow({label, axis(), QString::number(it.key()), QString::number(s.mean, 'f', 2),
                    QString::number(s.sd, 'f', 2), QString::number(s.n)});
        }
        if (!boot.empty()) {
            const auto s = core::stats::summarize(boot), n = core::stats::summarize(nominal);
            addRow({label, tr("nominal LUT"), QString(), QString::number(n.mean, 'f', 2),
                    QString::number(n.sd, 'f', 2), QString::number(n.n)});
            addRow({label,
                    tr("bootstrap 95 % interval %1-%2")
                        .arg(core::stats::quantile(boot, 0.025), 0, 'f', 2)
                        .arg(core::stats::quantile(boot, 0.975), 0, 'f', 2),
                    QString(), QString::number(s.mean, 'f', 2), QString::number(s.sd, 'f', 2),
                    QString::number(s.n)});
        }
    }
    m_chart->flush();
}

void VariabilityPanel::run()
{
    auto fail = [this](const QString& text) {
        m_status->setText(text);
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
    };
    QStringList files, skipped;
    const QStringList chosen = selection();
    for (const auto& e : m_store->experiments())
        if (chosen.contains(e.path))
            (e.experiment.config.anyDeviceLayer() ? files : skipped) << e.path;
    if (files.isEmpty())
        return fail(
            tr("No checked experiment file has DW-MTJ neurons: train binary or "
               "multi-weight networks on the Train page or open files on the Runs page."));
    core::VariabilityOptions o;
    try {
        o = chosenOptions();
    } catch (const std::exception& e) {
        return fail(tr("Levels: %1").arg(QString::fromUtf8(e.what())));
    }
    m_status->setStyleSheet(QString());
    m_progress->setValue(0);
    for (const auto& s : skipped)
        Q_EMIT logMessage(tr("variability: %1 has no DW-MTJ neurons, skipped").arg(s));
    Q_EMIT logMessage(tr("variability evaluation (%1, %2 level(s), %3 draw(s)%4) on %5 file(s)")
                          .arg(axis())
                          .arg(o.axes[0].levels.size())
                          .arg(o.draws)
                          .arg(o.bootstrap > 0 ? tr(", bootstrap %1").arg(o.bootstrap) : QString())
                          .arg(files.size()));
    m_task->start(tr("Variability"), [files, o](std::stop_token stop, BackgroundTask& task) {
        evaluateFiles(task, stop, files,
                      [&o](const core::Experiment& e, std::stop_token st,
                           const std::function<void(int, int)>& progress) {
                          return core::evaluateVariability(e, o, st, progress);
                      });
    });
}

void VariabilityPanel::stop() { m_task->stop(); }

}  // namespace dwmtj::ui

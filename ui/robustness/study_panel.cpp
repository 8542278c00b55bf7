#include "robustness/study_panel.h"

#include <QCheckBox>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "charts/band_chart.h"
#include "charts/interval_chart.h"
#include "common/background_task.h"
#include "common/table_export.h"
#include "dwmtj/experiment.h"
#include "dwmtj/reproduce.h"
#include "robustness/experiment_list.h"
#include "runs/experiment_store.h"

namespace dwmtj::ui {
namespace {

/// Background colour of a verdict cell: green where the paper's claim holds under the choice,
/// red where the opposite is significant, none when inconclusive.
QColor verdictColour(const std::string& text)
{
    if (text.find("holds") != std::string::npos) return QColor(0xd7, 0xf0, 0xdc);
    if (text.find("contradicted") != std::string::npos) return QColor(0xf8, 0xd7, 0xda);
    return {};
}

}  // namespace

StudyPanel::StudyPanel(ExperimentStore* store, QWidget* parent)
    : QWidget(parent),
      m_store(store),
      m_task(new BackgroundTask(this)),
      m_summaryTask(new BackgroundTask(this))
{
    m_files = new QListWidget;
    m_files->setObjectName(QStringLiteral("studyFiles"));
    m_files->setMaximumHeight(150);
    m_files->setToolTip(tr(
        "The trained networks to study: every configuration and seed you check (train on the Train "
        "page or open files on the Runs page)"));
    m_source = new QLabel;
    m_source->setWordWrap(true);
    m_preset = new QPushButton(tr("Bundled preset"));
    m_preset->setObjectName(QStringLiteral("studyPreset"));
    m_preset->setToolTip(
        tr("paper-noise: every choice the paper leaves unstated; why-resilient: the noise and "
           "its expectation without randomness (the mechanism study's control)"));
    m_open = new QPushButton(tr("Open study file…"));
    m_open->setToolTip(
        tr("A study file: [choice ID] sections with model, levels, normalization, timesteps, "
           "gain_factor (docs/models.md, \"Robustness study\")"));
    m_choices = new QListWidget;
    m_choices->setObjectName(QStringLiteral("choices"));
    m_choices->setMinimumHeight(120);
    m_testImages = new QSpinBox;
    m_testImages->setRange(0, 10000);
    m_testImages->setValue(1000);
    m_testImages->setSpecialValueText(tr("as in the experiment"));
    m_testImages->setToolTip(tr("Test images per level and network"));
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1 << 30);
    m_seed->setValue(1234);
    m_seed->setToolTip(tr("Noise seed: every network sees the same noisy images"));
    m_normalized = new QCheckBox(tr("Panels show accuracy / clean accuracy"));
    m_run = new QPushButton(tr("Run study"));
    m_stop = new QPushButton(tr("Stop"));
    m_stop->setEnabled(false);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_status = new QLabel(
        tr("Check files and choices, then Run study. Curves already in the files are shown."));
    m_status->setObjectName(QStringLiteral("studyStatus"));
    m_status->setWordWrap(true);

    auto* left = new QGroupBox(tr("Which modelling choices decide the noise result?"));
    auto* ll = new QVBoxLayout(left);
    ll->addWidget(new QLabel(tr("<b>Networks</b> (experiment files)")));
    ll->addWidget(m_files);
    auto* src = new QHBoxLayout;
    src->addWidget(m_preset);
    src->addWidget(m_open);
    src->addStretch();
    ll->addWidget(new QLabel(tr("<b>Choices</b>")));
    ll->addLayout(src);
    ll->addWidget(m_source);
    ll->addWidget(m_choices, 1);
    auto* form = new QFormLayout;
    form->addRow(tr("Test images"), m_testImages);
    form->addRow(tr("Noise seed"), m_seed);
    ll->addLayout(form);
    ll->addWidget(m_normalized);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_stop);
    buttons->addStretch();
    ll->addLayout(buttons);
    ll->addWidget(m_progress);
    ll->addWidget(m_status);

    m_grid = new QWidget;
    m_gridLayout = new QGridLayout(m_grid);
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_grid);
    m_table = new QTableWidget(0, int(core::studyTableHeader().size()));
    m_table->setObjectName(QStringLiteral("verdicts"));
    QStringList header;
    for (const auto& h : core::studyTableHeader()) header << QString::fromStdString(h);
    m_table->setHorizontalHeaderLabels(header);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->setToolTip(
        tr("The paper's noise claims under each choice on the endpoint (chance-corrected AUC, "
           "sigma50): differences with 95 % CIs from the seeds and the test images, the minimum "
           "detectable effect at 80 % power, p and Benjamini-Hochberg adjusted p over the table. "
           "Green: the claim holds; red: the opposite is shown. Hover for the values and the "
           "reason (docs/models.md, \"Primary endpoint\")."));
    m_endpoints = new IntervalChart(tr("Endpoint: chance-corrected AUC per kind (95 % CI)"),
                                    tr("study row (the table's order)"), tr("AUC x 100"));
    m_endpoints->setObjectName(QStringLiteral("study-endpoint"));
    m_endpoints->setMinimumSize(360, 260);
    m_endpoints->setToolTip(
        tr("Per study row (choice and network) and neuron kind: the mean chance-corrected area "
           "under accuracy vs noise level over the seeds, with its 95 % CI (seeds and test "
           "images). 100 = no loss, 0 = at chance everywhere."));
    installExportMenu(m_endpoints, QStringLiteral("study-endpoint"));
    m_gridLayout->addWidget(m_endpoints, 0, 0);  // the choices' panels follow it
    m_endpoints->hide();
    connect(m_summaryTask, &BackgroundTask::finished, this, [this](bool) {
        if (m_summaryPending) {
            m_summaryPending = false;
            startSummary(std::move(m_pending));
            return;
        }
        if (m_summary) showSummary(*m_summary);
    });
    installTableExportMenu(m_table, QStringLiteral("robustness-study"));
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(scroll);
    right->addWidget(m_table);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);
    right->setSizes({620, 220});
    auto* split = new QSplitter(Qt::Horizontal);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({400, 880});
    auto* top = new QVBoxLayout(this);
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(split);

    connect(m_store, &ExperimentStore::changed, this, &StudyPanel::rebuildFiles);
    connect(m_files, &QListWidget::itemChanged, this, &StudyPanel::refresh);
    connect(m_normalized, &QCheckBox::toggled, this, &StudyPanel::refresh);
    auto* presets = new QMenu(m_preset);
    for (const std::string& name : core::studyPresetNames()) {
        const QString n = QString::fromStdString(name);
        connect(presets->addAction(n), &QAction::triggered, this, [this, n] {
            try {
                setPreset(n);
            } catch (const std::exception& e) {  // e.g. the resources folder is missing
                m_status->setText(tr("The bundled preset could not be read: %1")
                                      .arg(QString::fromUtf8(e.what())));
                m_status->setStyleSheet(QStringLiteral("color: #b00020"));
            }
        });
    }
    m_preset->setMenu(presets);
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Open study file"), QString(),
                                                       tr("Study files (*.ini);;All files (*)"));
        if (f.isEmpty()) return;
        const QString err = loadStudy(f);
        if (!err.isEmpty()) Q_EMIT logMessage(tr("Error: %1").arg(err));
    });
    connect(m_run, &QPushButton::clicked, this, &StudyPanel::run);
    connect(m_stop, &QPushButton::clicked, this, &StudyPanel::stop);
    connectFileTask(
        this,
        {m_task,
         m_store,
         m_progress,
         m_status,
         m_run,
         m_stop,
         {m_files, m_choices, m_testImages, m_seed, m_open, m_preset},
         tr("robustness study"),
         tr("study curves")},
        [this](const QString& t) { Q_EMIT logMessage(t); },
        [this](bool b, const QString& t) { Q_EMIT busyChanged(b, t); });
    try {
        setPreset(QStringLiteral("paper-noise"));
    } catch (const std::exception& e) {
        m_source->setText(
            tr("The bundled preset could not be read: %1").arg(QString::fromUtf8(e.what())));
    }
}

void StudyPanel::setPreset(const QString& name)
{
    m_study = core::studyPreset(name.toStdString());
    m_source->setText(
        tr("Preset <b>%1</b> (bundled): %2 choices").arg(name).arg(m_study.choices.size()));
    m_seed->setValue(int(m_study.seed));
    rebuildChoices();
}

QString StudyPanel::loadStudy(const QString& path)
{
    try {
        m_study = core::loadStudyFile(path.toStdString());  // on error the previous study stays
    } catch (const std::exception& e) {
        m_status->setText(tr("Not loaded: %1").arg(QString::fromUtf8(e.what())));
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
        return QString::fromUtf8(e.what());
    }
    m_status->setStyleSheet(QString());
    m_status->setText(tr("Study file loaded."));
    m_source->setText(tr("Study file <b>%1</b>: %2 choices")
                          .arg(QFileInfo(path).fileName())
                          .arg(m_study.choices.size()));
    m_seed->setValue(int(std::min<uint64_t>(m_study.seed, uint64_t(m_seed->maximum()))));
    if (m_study.testLimit >= 0) m_testImages->setValue(m_study.testLimit);
    rebuildChoices();
    return {};
}

void StudyPanel::rebuildChoices()
{
    m_choices->clear();
    for (const auto& c : m_study.choices) {
        auto* item = new QListWidgetItem(QString::fromStdString(c.label));
        item->setData(Qt::UserRole, QString::fromStdString(c.id));
        item->setToolTip(QString::fromStdString(c.id + ": " + c.describe()));
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Checked);
        m_choices->addItem(item);
    }
}

void StudyPanel::setChoices(const QStringList& ids)
{
    for (int i = 0; i < m_choices->count(); ++i) {
        auto* item = m_choices->item(i);
        item->setCheckState(ids.isEmpty() || ids.contains(item->data(Qt::UserRole).toString())
                                ? Qt::Checked
                                : Qt::Unchecked);
    }
}

void StudyPanel::rebuildFiles()
{
    rebuildExperimentList(m_files, *m_store);
    refresh();
}

void StudyPanel::setSelection(const QStringList& paths)
{
    checkExperiments(m_files, paths);
    refresh();
}

QStringList StudyPanel::selection() const { return checkedExperiments(m_files); }

void StudyPanel::setTestImages(int n) { m_testImages->setValue(n); }

void StudyPanel::setNormalized(bool on) { m_normalized->setChecked(on); }

core::StudyOptions StudyPanel::chosenOptions() const
{
    core::StudyOptions o = m_study;
    o.choices.clear();
    for (int i = 0; i < m_choices->count(); ++i)
        if (m_choices->item(i)->checkState() == Qt::Checked)
            o.choices.push_back(m_study.choices[size_t(i)]);
    o.seed = uint64_t(m_seed->value());
    o.testLimit = m_testImages->value() > 0 ? m_testImages->value() : -1;
    return o;
}

void StudyPanel::refresh()
{
    // Panels: one per choice id found in the checked files, in order of first appearance.
    qDeleteAll(m_panels);  // never the sender of the signal that got us here
    m_panels.clear();
    const QStringList chosen = selection();
    std::vector<core::Experiment> experiments;
    QStringList ids;
    QMap<QString, BandChart*> byId;
    const bool normalized = m_normalized->isChecked();
    for (const auto& e : m_store->experiments()) {
        if (!chosen.contains(e.path)) continue;
        experiments.push_back(e.experiment);
        const QString label = ExperimentStore::label(e.experiment.config);
        for (const auto& r : e.experiment.runs)
            for (const auto& c : r.study) {
                const QString id = QString::fromStdString(c.choice.id);
                if (!byId.contains(id)) {
                    auto* chart =
                        new BandChart(QString::fromStdString(c.choice.label),
                                      QString::fromStdString(c.choice.levelName()),
                                      normalized ? tr("accuracy / clean") : tr("accuracy (%)"));
                    chart->setObjectName(QStringLiteral("study-") + id);
                    chart->setToolTip(QString::fromStdString(c.choice.describe()));
                    chart->setMinimumSize(360, 260);
                    installExportMenu(chart, QStringLiteral("study-") + id);
                    byId.insert(id, chart);
                    ids << id;
                }
                const QString member =
                    tr("seed %1 (%2)").arg(r.seed).arg(QFileInfo(e.path).completeBaseName());
                for (size_t k = 0; k < c.level.size(); ++k)
                    byId[id]->setValue(label, c.level[k], member,
                                       normalized ? c.normalized[k] : 100 * c.accuracy[k]);
            }
    }
    constexpr int kColumns = 3;
    // The endpoint chart first (cell 0), then one panel per choice.
    m_endpoints->setVisible(!ids.isEmpty());
    for (int i = 0; i < ids.size(); ++i) {
        BandChart* chart = byId[ids[i]];
        m_gridLayout->addWidget(chart, (i + 1) / kColumns, (i + 1) % kColumns);
        chart->show();  // added to a shown parent: not shown until asked (then drawn at once)
        chart->flush();
        m_panels << chart;
    }
    // The verdict table and the endpoint chart from the same curves, off the GUI thread.
    startSummary(std::move(experiments));
}

void StudyPanel::startSummary(std::vector<core::Experiment> experiments)
{
    if (m_summaryTask->state() != BackgroundTask::State::Idle) {
        m_pending = std::move(experiments);  // summarized when the running one is done
        m_summaryPending = true;
        return;
    }
    auto out = std::make_shared<core::StudySummary>();
    m_summary = out;
    m_summaryTask->start(
        tr("Robustness study statistics"),
        [experiments = std::move(experiments), out](std::stop_token, BackgroundTask&) {
            *out = core::summarizeStudy(experiments);
        });
}

void StudyPanel::showSummary(const core::StudySummary& summary)
{
    const auto cells = core::studyTableCells(summary);
    m_table->setRowCount(0);
    for (size_t r = 0; r < cells.size(); ++r) {
        m_table->insertRow(int(r));
        const auto& row = summary.rows[r];
        for (size_t c = 0; c < cells[r].size(); ++c) {
            auto* item = new QTableWidgetItem(QString::fromStdString(cells[r][c]));
            const core::ClaimResult* claim = core::studyTableClaim(row, c);
            if (claim) {
                item->setToolTip(QString::fromStdString(claim->claim + "\n" + claim->test + "\n" +
                                                        claim->measured + "\n" + claim->reason));
                const QColor bg = verdictColour(cells[r][c]);
                if (bg.isValid()) item->setBackground(bg);
            } else if (c == 0) {
                item->setToolTip(QString::fromStdString(row.choiceDescription));
            }
            m_table->setItem(int(r), int(c), item);
        }
    }
    // The endpoint per kind and row, in points of chance-corrected AUC.
    QStringList categories;
    QList<IntervalChart::Point> points;
    for (size_t r = 0; r < summary.rows.size(); ++r) {
        const auto& row = summary.rows[r];
        categories << QStringLiteral("%1 (%2)").arg(QString::fromStdString(row.choiceLabel),
                                                    QString::fromStdString(row.network));
        for (size_t k = 0; k < row.series.size() && k < row.endpoints.size(); ++k) {
            const auto& e = row.endpoints[k].auc;
            if (!std::isfinite(e.value)) continue;
            IntervalChart::Point p;
            p.group = QString::fromStdString(core::neuronKindInfo(row.series[k].kind).label);
            p.category = int(r) + 1;
            p.value = 100 * e.value;
            p.low = e.valid() ? 100 * e.low : std::nan("");
            p.high = e.valid() ? 100 * e.high : std::nan("");
            points << p;
        }
    }
    m_endpoints->setCategories(categories);
    m_endpoints->setPoints(points);
    m_endpoints->flush();
}

void StudyPanel::run()
{
    const QStringList files = selection();
    const core::StudyOptions o = chosenOptions();
    auto fail = [this](const QString& text) {
        m_status->setText(text);
        m_status->setStyleSheet(QStringLiteral("color: #b00020"));
    };
    if (files.isEmpty())
        return fail(
            tr("No experiment file checked: train networks on the Train page or open files on the "
               "Runs page."));
    if (o.choices.empty()) return fail(tr("No choice checked."));
    m_status->setStyleSheet(QString());
    m_progress->setValue(0);
    Q_EMIT logMessage(tr("robustness study '%1': %2 choice(s) on %3 file(s)")
                          .arg(QString::fromStdString(o.name))
                          .arg(o.choices.size())
                          .arg(files.size()));
    m_task->start(tr("Robustness study"), [files, o](std::stop_token stop, BackgroundTask& task) {
        // Every file is read first (checkpoints included): the total is known for the ETA.
        std::vector<core::Experiment> experiments;
        int total = 0;
        for (const auto& f : files) {
            experiments.push_back(core::loadExperiment(f.toStdString()));
            total += core::studyBatches(experiments.back(), o);
        }
        QElapsedTimer clock;
        clock.start();
        int before = 0;
        for (int i = 0; i < files.size() && !stop.stop_requested(); ++i) {
            const auto name = QFileInfo(files[i]).fileName();
            const core::Experiment out =
                core::runStudy(experiments[size_t(i)], o, stop, [&](int done, int) {
                    const double f = double(before + done) / std::max(1, total);
                    const double remaining = f > 0 ? clock.elapsed() / 1000.0 * (1 - f) / f : -1;
                    task.reportProgress(f, QObject::tr("File %1 of %2 (%3): batch %4 of %5, ETA %6")
                                               .arg(i + 1)
                                               .arg(files.size())
                                               .arg(name)
                                               .arg(before + done)
                                               .arg(total)
                                               .arg(etaText(remaining)));
                });
            if (stop.stop_requested()) break;  // this file stays as it was
            core::saveExperiment(out, files[i].toStdString());
            before += core::studyBatches(experiments[size_t(i)], o);
            task.reportItem(files[i]);
        }
    });
}

void StudyPanel::stop() { m_task->stop(); }

}  // namespace dwmtj::ui

#include "devices/plan_panel.h"

#include <QChart>
#include <QChartView>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineEdit>
#include <QLineSeries>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "charts/chart_export.h"
#include "charts/chart_style.h"
#include "common/background_task.h"
#include "common/table_export.h"
#include "dwmtj/training.h"

namespace dwmtj::ui {

struct PlanPanel::Outcome {
    QString error;
    core::SigmoidFit fit;
    core::CurveSensitivity sensitivity;
    core::MeasurementPlan plan;
    core::VoltageHistogram applied;  ///< what the network applied (empty: not recorded)
    core::AppliedVoltages appliedSummary;
};

PlanPanel::PlanPanel(QWidget* parent) : QWidget(parent), m_task(new BackgroundTask(this))
{
    m_run = new QLineEdit;
    m_run->setObjectName(QStringLiteral("planRun"));
    m_run->setPlaceholderText(tr("an experiment file of a network trained on this device"));
    m_browse = new QPushButton(tr("Browse…"));
    m_go = new QPushButton(tr("Plan"));
    m_go->setObjectName(QStringLiteral("planGo"));
    m_budget = new QDoubleSpinBox;
    m_budget->setRange(1, 1e8);
    m_budget->setDecimals(0);
    m_budget->setValue(1000);
    m_budget->setSuffix(tr(" pulses"));
    m_budget->setToolTip(tr("Pulses to spend on the next measurements (expected)"));
    m_cap = new QSpinBox;
    m_cap->setRange(1, 1000000);
    m_cap->setValue(100);
    m_cap->setToolTip(tr("Pulses per cycle before a cycle is given up (censored)"));
    m_step = new QDoubleSpinBox;
    m_step->setRange(0.1, 10);
    m_step->setValue(1);
    m_step->setSuffix(tr(" s.e."));
    m_step->setToolTip(
        tr("The accuracy's central differences move V50 and w by this many "
           "standard errors"));
    m_testLimit = new QSpinBox;
    m_testLimit->setRange(0, 10000);
    m_testLimit->setSpecialValueText(tr("the run's"));
    m_testLimit->setToolTip(tr("Test images for the sensitivity (0: the run's own limit)"));
    m_summary =
        new QLabel(tr("Load a binary device with trial counts, choose a network trained "
                      "on it, and Plan: where one more switching cycle most narrows the "
                      "network's accuracy interval."));
    m_summary->setObjectName(QStringLiteral("planSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_table = makeResultTable(7, QStringLiteral("planTable"), QStringLiteral("measurement-plan"));
    m_chart = makeChartView(QStringLiteral("planChart"), tr("Next measurements"),
                            QStringLiteral("measurement-plan"));

    auto* runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Network:")));
    runRow->addWidget(m_run, 1);
    runRow->addWidget(m_browse);
    auto* options = new QHBoxLayout;
    for (auto [label, w] : {std::pair<QString, QWidget*>{tr("Budget"), m_budget},
                            {tr("Cap"), m_cap},
                            {tr("Step"), m_step},
                            {tr("Test images"), m_testLimit}}) {
        options->addWidget(new QLabel(label));
        options->addWidget(w);
    }
    options->addStretch();
    options->addWidget(m_go);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_chart);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto* top = new QVBoxLayout(this);
    top->addLayout(runRow);
    top->addLayout(options);
    top->addWidget(m_summary);
    top->addWidget(split, 1);

    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("Network trained on this device"),
                                                       QString(), tr("Experiment (*.h5)"));
        if (!f.isEmpty()) m_run->setText(f);
    });
    connect(m_go, &QPushButton::clicked, this, [this] { planFor(m_run->text().trimmed()); });
    connect(m_task, &BackgroundTask::progress, this,
            [this](double, const QString& text) { m_summary->setText(text); });
    connect(m_task, &BackgroundTask::finished, this, [this](bool stopped) {
        m_go->setEnabled(true);
        if (stopped || !m_pending) {
            m_summary->setText(tr("Stopped; the previous plan stays."));
        } else if (!m_pending->error.isEmpty()) {
            m_summary->setText(tr("<span style='color:#b00020'>No plan: %1</span>")
                                   .arg(m_pending->error.toHtmlEscaped()));
            Q_EMIT logMessage(tr("Measurement plan: %1").arg(m_pending->error));
        } else {
            showOutcome(*m_pending);
        }
        m_pending.reset();
    });
}

void PlanPanel::setDevice(const core::DeviceData* data, const core::DriveDisplay& drive)
{
    if (data)
        m_data = *data;
    else
        m_data.reset();
    m_drive = drive;
    m_go->setEnabled(m_data && m_data->kind == core::DeviceKind::Binary &&
                     m_data->binary.trialsKnown && m_task->state() == BackgroundTask::State::Idle);
}

void PlanPanel::setBudget(double pulses) { m_budget->setValue(pulses); }
void PlanPanel::setTestLimit(int images) { m_testLimit->setValue(images); }
QString PlanPanel::summaryText() const { return m_summary->text(); }

void PlanPanel::planFor(const QString& experimentPath)
{
    if (!m_data || m_data->kind != core::DeviceKind::Binary || !m_data->binary.trialsKnown) {
        m_summary->setText(tr("The plan needs binary switching data with trial counts."));
        return;
    }
    if (experimentPath.isEmpty()) {
        m_summary->setText(tr("Choose the experiment file of a network trained on this device."));
        return;
    }
    m_run->setText(experimentPath);
    core::MeasurementPlanOptions po;
    po.budgetPulses = m_budget->value();
    po.pulseCap = m_cap->value();
    core::VariabilityOptions vo;
    vo.testLimit = m_testLimit->value() > 0 ? m_testLimit->value() : -1;
    const double step = m_step->value();
    auto outcome = std::make_shared<Outcome>();
    m_pending = outcome;
    m_go->setEnabled(false);
    const core::DeviceData data = *m_data;
    const std::string path = experimentPath.toStdString();
    m_task->start(tr("Planning measurements"), [=](std::stop_token stop, BackgroundTask& task) {
        try {
            core::SigmoidFitOptions fo;
            fo.drive = data.drive;
            outcome->fit = core::fitSigmoid(data.binary.counts, true, fo);
            const core::Experiment e = core::loadExperiment(path);
            outcome->sensitivity = core::curveSensitivity(
                e, data, outcome->fit, vo, step, stop, [&task](int done, int total) {
                    task.reportProgress(double(done) / total,
                                        QObject::tr("Testing the network with the curve moved: "
                                                    "batch %1 of %2")
                                            .arg(done)
                                            .arg(total));
                });
            if (!outcome->sensitivity.valid) return;
            outcome->plan = core::planMeasurements(data.binary.counts, outcome->fit,
                                                   outcome->sensitivity.gradient, po);
            outcome->applied = core::appliedVoltageHistogram(e);
            std::vector<double> candidates;
            for (const auto& r : outcome->plan.rows) candidates.push_back(r.voltage);
            if (!outcome->applied.counts.empty())
                outcome->appliedSummary =
                    core::appliedVoltages(outcome->applied.counts, outcome->applied.low,
                                          outcome->applied.high, candidates);
        } catch (const std::exception& e) {
            outcome->error = QString::fromUtf8(e.what());
        }
    });
}

void PlanPanel::showOutcome(const Outcome& o)
{
    m_plan = o.plan;
    const auto& plan = o.plan;
    const auto& s = o.sensitivity;
    const QString u = QString::fromStdString(m_drive.unit),
                  sym = QString::fromStdString(m_drive.symbol);
    m_summary->setText(
        tr("Accuracy %1 % (%2 network(s), %3 test images); %4 points per %5 of %6, %7 per %5 "
           "of w. The curve leaves <b>± %8 points</b> (95 %) now; <b>± %9</b> after the plan "
           "(%10 pulses), ± %11 after the same pulses spread uniformly: the plan narrows the "
           "interval by %12 %, uniform pulses by %13 %.")
            .arg(100 * s.accuracy, 0, 'f', 2)
            .arg(s.runs)
            .arg(s.testImages)
            .arg(100 * s.gradient[0] / m_drive.factor, 0, 'f', 3)
            .arg(u, sym + QStringLiteral("50"))
            .arg(100 * s.gradient[1] / m_drive.factor, 0, 'f', 3)
            .arg(196 * plan.sdNow, 0, 'f', 3)
            .arg(196 * plan.sdPlanned, 0, 'f', 3)
            .arg(plan.plannedPulses, 0, 'f', 0)
            .arg(196 * plan.sdUniform, 0, 'f', 3)
            .arg(plan.sdNow > 0 ? 100 * (1 - plan.sdPlanned / plan.sdNow) : 0.0, 0, 'f', 0)
            .arg(plan.sdNow > 0 ? 100 * (1 - plan.sdUniform / plan.sdNow) : 0.0, 0, 'f', 0) +
        (o.appliedSummary.share.empty()
             ? tr(" (The experiment file records no applied %1s: retrain or run the noise "
                  "evaluation on it.)")
                   .arg(QString::fromStdString(m_drive.quantity))
             : tr(" The network applies its device at %1-%2 %3 (5-95 % of its test pass, median "
                  "%4).")
                   .arg(m_drive.shown(o.appliedSummary.q05), 0, 'g', 4)
                   .arg(m_drive.shown(o.appliedSummary.q95), 0, 'g', 4)
                   .arg(u)
                   .arg(m_drive.shown(o.appliedSummary.median), 0, 'g', 4)));
    Q_EMIT logMessage(tr("Measurement plan: ± %1 -> ± %2 points with %3 pulses")
                          .arg(196 * plan.sdNow, 0, 'f', 3)
                          .arg(196 * plan.sdPlanned, 0, 'f', 3)
                          .arg(plan.plannedPulses, 0, 'f', 0));
    m_table->setRowCount(0);
    m_table->setHorizontalHeaderLabels({QStringLiteral("%1 [%2]").arg(sym, u), tr("p (fit)"),
                                        tr("pulses / cycle"), tr("sd cut / 100 pulses (points)"),
                                        tr("plan cycles"), tr("uniform cycles"),
                                        tr("applied (share)")});
    for (size_t i = 0; i < plan.rows.size(); ++i) {
        const auto& r = plan.rows[i];
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const QStringList cells = {
            QString::number(m_drive.shown(r.voltage), 'f', 4),
            QString::number(r.probability, 'f', 4),
            QString::number(r.pulsesPerCycle, 'f', 2),
            QString::number(1e4 * r.sdReductionPerPulse, 'f', 4),
            QString::number(r.cycles),
            QString::number(r.uniformCycles),
            o.appliedSummary.share.empty()
                ? QStringLiteral("-")
                : QStringLiteral("%1 %").arg(100 * o.appliedSummary.share[i], 0, 'f', 1)};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(row, c, item);
        }
    }
    // The fitted p(V) (left axis) and each plan's pulses as stems (right axis).
    QChart* chart = freshChart(tr("Next measurements: pulses per %1 over the fitted p(%2)")
                                   .arg(QString::fromStdString(m_drive.quantity), sym));
    auto* curve = new QLineSeries;
    curve->setName(tr("p(%1), fit").arg(sym));
    double lo = plan.rows.front().voltage, hi = plan.rows.back().voltage;
    const double pad = 0.05 * std::max(hi - lo, 1e-12);
    lo -= pad;
    hi += pad;
    for (int i = 0; i <= 200; ++i) {
        const double v = lo + (hi - lo) * i / 200;
        curve->append(m_drive.shown(v), o.fit.probability(v));
    }
    chart->addSeries(curve);
    // What the network applies: the histogram as a step line, its tallest bin at 1.
    QLineSeries* applied = nullptr;
    if (const auto& h = o.applied; !h.counts.empty() && h.high > h.low) {
        const double top = *std::max_element(h.counts.begin(), h.counts.end());
        if (top > 0) {
            applied = new QLineSeries;
            applied->setName(tr("%1s the network applies (relative)")
                                 .arg(QString::fromStdString(m_drive.quantity)));
            applied->setPen(QPen(QColor(44, 160, 44), 1.5));
            const double w = (h.high - h.low) / double(h.counts.size());
            for (size_t k = 0; k < h.counts.size(); ++k) {
                const double a = h.low + w * double(k), b = a + w;
                applied->append(m_drive.shown(a), h.counts[k] / top);
                applied->append(m_drive.shown(b), h.counts[k] / top);
            }
            chart->addSeries(applied);  // drawn over the candidates' range only
        }
    }
    double most = 1;
    for (const auto& r : plan.rows)
        most = std::max({most, r.cycles * r.pulsesPerCycle, r.uniformCycles * r.pulsesPerCycle});
    const double offset = 0.006 * m_drive.shown(hi - lo);
    std::vector<QLineSeries*> stems;
    for (int which = 0; which < 2; ++which) {
        bool named = false;
        for (const auto& r : plan.rows) {
            const double pulses = (which == 0 ? r.cycles : r.uniformCycles) * r.pulsesPerCycle;
            if (pulses <= 0) continue;
            auto* stem = new QLineSeries;
            const double x = m_drive.shown(r.voltage) + (which == 0 ? -offset : offset);
            stem->append(x, 0);
            stem->append(x, pulses);
            stem->setPen(QPen(which == 0 ? QColor(214, 39, 40) : QColor(127, 127, 127), 5));
            chart->addSeries(stem);
            if (!named) {
                stem->setName(which == 0 ? tr("planned pulses") : tr("uniform pulses"));
                named = true;
            }
            stems.push_back(stem);
        }
    }
    QValueAxis *ax = nullptr, *ay = nullptr;
    addValueAxes(chart,
                 tr("pulse %1 %2 [%3]").arg(QString::fromStdString(m_drive.quantity), sym, u),
                 tr("probability"), ax, ay);
    ax->setRange(m_drive.shown(lo), m_drive.shown(hi));
    ay->setRange(0, 1);
    auto* ap = new QValueAxis;
    ap->setTitleText(tr("pulses"));
    ap->setRange(0, 1.1 * most);
    ap->setLabelFormat(QStringLiteral("%g"));
    ap->setGridLineVisible(false);
    ap->applyNiceNumbers();
    ax->applyNiceNumbers();
    chart->addAxis(ap, Qt::AlignRight);
    curve->attachAxis(ax);
    curve->attachAxis(ay);
    if (applied) {
        applied->attachAxis(ax);
        applied->attachAxis(ay);
    }
    for (auto* s2 : stems) {
        s2->attachAxis(ax);
        s2->attachAxis(ap);
        if (s2->name().isEmpty()) chart->legend()->markers(s2).value(0)->setVisible(false);
    }
    QChart* old = m_chart->chart();
    m_chart->setChart(chart);
    delete old;
}

}  // namespace dwmtj::ui

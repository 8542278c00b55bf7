#include "charts/device_charts.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "charts/band_chart.h"
#include "charts/chart_style.h"

namespace dwmtj::ui {
namespace {

void replaceChart(QChartView* view, QChart* chart)
{
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

QValueAxis* axis(QChart* chart, Qt::Alignment where, const QString& title, double lo, double hi)
{
    auto* a = new QValueAxis;
    a->setTitleText(title);
    a->setRange(lo, hi);
    a->setLabelFormat(QStringLiteral("%g"));
    chart->addAxis(a, where);
    for (auto* s : chart->series()) s->attachAxis(a);
    return a;
}

void message(QChartView* view, const QString& text)
{
    QChart* c = freshChart(text);
    replaceChart(view, c);
}

}  // namespace

ResidualChart::ResidualChart(QWidget* parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(230);
    showMessage(tr("Residuals appear after a fit"));
}

void ResidualChart::showMessage(const QString& text) { message(this, text); }

void ResidualChart::showResiduals(const std::vector<core::FitResidual>& residuals,
                                  const std::vector<double>& excluded)
{
    const bool pearson = !residuals.empty() && std::isfinite(residuals.front().pearson);
    QChart* chart =
        freshChart(pearson ? tr("Pearson residuals (s − n·p_fit) / √(n·p_fit·(1 − p_fit))")
                           : tr("Residuals p − p_fit (no trial counts)"));
    auto* used = new QScatterSeries;
    used->setName(tr("used in the fit"));
    used->setMarkerSize(8);
    used->setColor(paletteColor(0));
    auto* left = new QScatterSeries;
    left->setName(tr("excluded"));
    left->setMarkerSize(8);
    left->setColor(Qt::white);
    left->setBorderColor(Qt::gray);
    double x0 = 1e300, x1 = -1e300, ymax = pearson ? 2.5 : 0.05;
    for (const auto& r : residuals) {
        const double y = pearson ? r.pearson : r.raw;
        const bool out = std::any_of(excluded.begin(), excluded.end(),
                                     [&](double v) { return std::fabs(v - r.voltage) < 1e-9; });
        (out ? left : used)->append(m_drive.shown(r.voltage), y);
        x0 = std::min(x0, m_drive.shown(r.voltage)), x1 = std::max(x1, m_drive.shown(r.voltage));
        if (std::isfinite(y)) ymax = std::max(ymax, std::fabs(y) * 1.15);
    }
    auto* zero = new QLineSeries;
    zero->setPen(QPen(Qt::black, 1));
    const double pad = 0.05 * std::max(1e-3, x1 - x0);
    zero->append(x0 - pad, 0);
    zero->append(x1 + pad, 0);
    chart->addSeries(zero);
    if (pearson)
        for (double lim : {-2.0, 2.0}) {  // about 95 % of Pearson residuals lie within +/- 2
            auto* l = new QLineSeries;
            l->setPen(QPen(Qt::gray, 1, Qt::DashLine));
            l->append(x0 - pad, lim);
            l->append(x1 + pad, lim);
            chart->addSeries(l);
        }
    chart->addSeries(used);
    const bool anyLeftOut = left->count() > 0;
    if (anyLeftOut)
        chart->addSeries(left);
    else
        delete left, left = nullptr;
    axis(chart, Qt::AlignBottom,
         tr("Pulse %1 %2 [%3]")
             .arg(QString::fromStdString(m_drive.quantity), QString::fromStdString(m_drive.symbol),
                  QString::fromStdString(m_drive.unit)),
         x0 - pad, x1 + pad)
        ->applyNiceNumbers();
    axis(chart, Qt::AlignLeft, pearson ? tr("residual") : tr("p − p_fit"), -ymax, ymax)
        ->applyNiceNumbers();
    // A legend only when some points are left out (then it tells the two kinds apart).
    for (auto* m : chart->legend()->markers())
        m->setVisible(m->series() == used || m->series() == left);
    chart->legend()->setVisible(anyLeftOut);
    replaceChart(this, chart);
}

TraceChart::TraceChart(QWidget* parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(260);
    showMessage(tr("No resistance traces in this file"));
}

void TraceChart::showMessage(const QString& text) { message(this, text); }

void TraceChart::showTrace(const core::ResistanceTrace& trace,
                           const std::optional<core::SwitchDetection>& detection, int switchPulse)
{
    QChart* chart = freshChart(tr("Resistance after each pulse — %1 V, cycle %2 (Fig. 2b)")
                                   .arg(trace.voltage, 0, 'f', 3)
                                   .arg(trace.cycle));
    auto* line = new QLineSeries;
    line->setName(tr("R after pulse"));
    line->setPen(QPen(paletteColor(0), 1.5));
    line->setPointsVisible(trace.resistanceOhm.size() <= 120);
    double lo = 1e300, hi = -1e300;
    for (std::size_t i = 0; i < trace.resistanceOhm.size(); ++i) {
        line->append(double(i + 1), trace.resistanceOhm[i]);
        lo = std::min(lo, trace.resistanceOhm[i]), hi = std::max(hi, trace.resistanceOhm[i]);
    }
    chart->addSeries(line);
    const double n = std::max<double>(2, double(trace.resistanceOhm.size()));
    if (detection) {
        auto level = [&](double r, const QString& name, const QPen& pen) {
            auto* l = new QLineSeries;
            l->setName(name);
            l->setPen(pen);
            l->append(1, r);
            l->append(n, r);
            chart->addSeries(l);
            lo = std::min(lo, r), hi = std::max(hi, r);
        };
        level(detection->thresholdOhm, tr("threshold %1 Ω").arg(detection->thresholdOhm, 0, 'f', 0),
              QPen(paletteColor(1), 1.5, Qt::DashLine));
        level(detection->lowLevelOhm, tr("levels"), QPen(Qt::gray, 1, Qt::DotLine));
        level(detection->highLevelOhm, QString(), QPen(Qt::gray, 1, Qt::DotLine));
    }
    if (switchPulse > 0 && switchPulse <= int(trace.resistanceOhm.size())) {
        auto* mark = new QScatterSeries;
        mark->setName(tr("switch at pulse %1").arg(switchPulse));
        mark->setMarkerSize(11);
        mark->setColor(paletteColor(1));
        mark->append(switchPulse, trace.resistanceOhm[std::size_t(switchPulse - 1)]);
        chart->addSeries(mark);
    }
    const double pad = 0.08 * std::max(1.0, hi - lo);
    auto* xa = axis(chart, Qt::AlignBottom, tr("pulse number"), 1, n);
    xa->setLabelFormat(QStringLiteral("%d"));
    if (n <= 16)
        xa->setTickCount(int(n));  // one tick per pulse
    else
        xa->applyNiceNumbers();
    auto* ya = axis(chart, Qt::AlignLeft, tr("resistance [Ω]"), lo - pad, hi + pad);
    ya->applyNiceNumbers();
    ya->setLabelFormat(QStringLiteral("%g"));
    for (auto* m : chart->legend()->markers())
        if (m->label().isEmpty()) m->setVisible(false);
    replaceChart(this, chart);
}

HistogramChart::HistogramChart(QWidget* parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(260);
    showMessage(tr("No switching events in this file"));
}

void HistogramChart::showMessage(const QString& text) { message(this, text); }

void HistogramChart::showHistogram(const core::PulseHistogram& h, double p, const QString& pSource)
{
    QChart* chart = freshChart(tr("Pulses to switch at %1 V: %2 cycles, %3 censored (Fig. 2c)")
                                   .arg(h.voltage, 0, 'f', 3)
                                   .arg(h.cycles)
                                   .arg(h.censored));
    // Show pulses 1..K where K covers 99 % of the switches (at most 60 bars).
    int shown = int(h.observed.size());
    double total = 0, acc = 0;
    for (double c : h.observed) total += c;
    for (int k = 0; k < int(h.observed.size()); ++k) {
        acc += h.observed[std::size_t(k)];
        if (acc >= 0.99 * total) {
            shown = k + 1;
            break;
        }
    }
    shown = std::clamp(shown, 1, 60);
    auto* set = new QBarSet(tr("observed"));
    set->setColor(paletteColor(0));
    QStringList categories;
    double ymax = 1;
    for (int k = 0; k < shown; ++k) {
        set->append(h.observed[std::size_t(k)]);
        categories << QString::number(k + 1);
        ymax = std::max({ymax, h.observed[std::size_t(k)], h.expected[std::size_t(k)]});
    }
    auto* bars = new QBarSeries;
    bars->append(set);
    bars->setBarWidth(0.85);
    chart->addSeries(bars);
    auto* geo = new QLineSeries;
    geo->setName(tr("geometric law, p = %1 (%2)").arg(p, 0, 'f', 3).arg(pSource));
    geo->setPen(QPen(paletteColor(1), 2));
    geo->setPointsVisible(true);
    for (int k = 0; k < shown; ++k)
        geo->append(k, h.expected[std::size_t(k)]);  // bar k sits at x = k
    chart->addSeries(geo);
    auto* cats = new QBarCategoryAxis;
    cats->append(categories);
    cats->setTitleText(tr("pulses until the device switched"));
    chart->addAxis(cats, Qt::AlignBottom);
    bars->attachAxis(cats);
    geo->attachAxis(cats);  // a line on a category axis: point k sits on bar k
    auto* y = new QValueAxis;
    y->setTitleText(tr("cycles"));
    y->setRange(0, ymax * 1.1);
    y->applyNiceNumbers();  // round tick values, so the labels are exact
    y->setLabelFormat(QStringLiteral("%g"));
    chart->addAxis(y, Qt::AlignLeft);
    bars->attachAxis(y);
    geo->attachAxis(y);
    replaceChart(this, chart);
}

}  // namespace dwmtj::ui

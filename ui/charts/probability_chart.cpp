#include "charts/probability_chart.h"

#include <QAreaSeries>
#include <QChart>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

#include "charts/chart_style.h"

namespace dwmtj::ui {
namespace {

const QColor kData(31, 119, 180), kFit(214, 39, 40);
const QList<QColor> kStates = {QColor(31, 119, 180),  QColor(255, 127, 14),  QColor(44, 160, 44),
                               QColor(214, 39, 40),   QColor(148, 103, 189), QColor(140, 86, 75),
                               QColor(227, 119, 194), QColor(127, 127, 127)};

/// The drive axis title: "Pulse voltage V [V]", "Pulse current I [mA]".
QString driveAxisTitle(const core::DriveDisplay& d)
{
    return QStringLiteral("Pulse %1 %2 [%3]")
        .arg(QString::fromStdString(d.quantity), QString::fromStdString(d.symbol),
             QString::fromStdString(d.unit));
}

void setAxes(QChart* chart, double xmin, double xmax, const core::DriveDisplay& d)
{
    auto* ax = new QValueAxis;
    ax->setTitleText(driveAxisTitle(d));
    ax->setRange(d.shown(xmin), d.shown(xmax));
    ax->setLabelFormat("%.2f");
    auto* ay = new QValueAxis;
    ay->setTitleText("Probability");
    ay->setRange(0, 1);
    ay->setLabelFormat("%.1f");
    ay->setTickCount(6);
    ax->applyNiceNumbers();
    chart->addAxis(ax, Qt::AlignBottom);
    chart->addAxis(ay, Qt::AlignLeft);
    for (auto* s : chart->series()) {
        s->attachAxis(ax);
        s->attachAxis(ay);
    }
}

}  // namespace

ProbabilityChart::ProbabilityChart(QWidget* parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(480, 360);
    setChart(freshChart(tr("No data")));
}

void ProbabilityChart::showBinary(const std::vector<core::ProportionEstimate>& est,
                                  const std::optional<core::SigmoidFit>& fit, const QString& title,
                                  const std::vector<double>& excluded)
{
    QChart* chart = freshChart(title);
    double xmin = 1e300, xmax = -1e300;
    for (const auto& e : est) {
        xmin = std::min(xmin, e.voltage);
        xmax = std::max(xmax, e.voltage);
    }
    const double pad = 0.05 * std::max(1e-3, xmax - xmin);
    xmin -= pad;
    xmax += pad;
    if (fit) {
        auto *upper = new QLineSeries, *lower = new QLineSeries, *curve = new QLineSeries;
        const int n = 300;
        for (int i = 0; i <= n; ++i) {
            const double v = xmin + (xmax - xmin) * i / n;
            double lo, hi;
            fit->band(v, 0.95, lo, hi);
            upper->append(m_drive.shown(v), hi);
            lower->append(m_drive.shown(v), lo);
            curve->append(m_drive.shown(v), fit->probability(v));
        }
        auto* band = new QAreaSeries(upper, lower);
        band->setName(tr("95 % confidence band"));
        QColor fill = kFit;
        fill.setAlpha(50);
        band->setBrush(fill);
        band->setPen(Qt::NoPen);
        chart->addSeries(band);
        const QString sym = QString::fromStdString(m_drive.symbol),
                      unit = QString::fromStdString(m_drive.unit);
        curve->setName(tr("Sigmoid fit (%1 = %2 %3, w = %4 %3)")
                           .arg(sym + QStringLiteral("50"))
                           .arg(m_drive.shown(fit->v50()), 0, 'f', 3)
                           .arg(unit)
                           .arg(m_drive.shown(fit->width()), 0, 'f', 3));
        curve->setPen(QPen(kFit, 2));
        chart->addSeries(curve);
    }
    bool barLegend = false;
    for (const auto& e : est) {
        if (!e.trialsKnown) continue;
        auto* bar = new QLineSeries;
        bar->append(m_drive.shown(e.voltage), e.lower);
        bar->append(m_drive.shown(e.voltage), e.upper);
        bar->setPen(QPen(kData, 1.5));
        chart->addSeries(bar);
        if (barLegend) {
            chart->legend()->markers(bar).value(0)->setVisible(false);
        } else {
            bar->setName(tr("95 % Wilson interval"));
            barLegend = true;
        }
    }
    auto* pts = new QScatterSeries;
    pts->setName(tr("Measured p per pulse"));
    pts->setMarkerSize(8);
    pts->setColor(kData);
    pts->setBorderColor(kData.darker());
    auto* out = new QScatterSeries;
    out->setName(tr("Excluded from the fit"));
    out->setMarkerSize(9);
    out->setColor(Qt::white);
    out->setBorderColor(Qt::darkGray);
    for (const auto& e : est) {
        const bool isOut = std::any_of(excluded.begin(), excluded.end(),
                                       [&](double v) { return std::fabs(v - e.voltage) < 1e-9; });
        (isOut ? out : pts)->append(m_drive.shown(e.voltage), e.p);
    }
    chart->addSeries(pts);
    if (out->count() > 0) chart->addSeries(out);
    for (QScatterSeries* s : {pts, out})
        connect(s, &QScatterSeries::clicked, this,
                [this](const QPointF& p) { Q_EMIT pointClicked(p.x() / m_drive.factor); });
    if (out->count() == 0) delete out;
    setAxes(chart, xmin, xmax, m_drive);
    QChart* old = this->chart();
    setChart(chart);
    delete old;
}

void ProbabilityChart::showMultiState(const core::MultiStateDeviceData& d,
                                      const std::optional<core::OrdinalFit>& fit,
                                      const QString& title)
{
    QChart* chart = freshChart(title);
    const double xmin = d.voltages.empty() ? 0 : d.voltages.front(),
                 xmax = d.voltages.empty() ? 1 : d.voltages.back();
    for (int k = 1; k <= d.numStates; ++k) {
        const QColor c = kStates[(k - 1) % kStates.size()];
        auto* pts = new QScatterSeries;
        pts->setName(tr("S%1 observed").arg(k));
        pts->setMarkerSize(7);
        pts->setColor(c);
        pts->setBorderColor(c.darker());
        for (std::size_t i = 0; i < d.voltages.size(); ++i) {
            double n = 0;
            for (double x : d.stateCounts[i]) n += x;
            pts->append(m_drive.shown(d.voltages[i]), n > 0 ? d.stateCounts[i][k - 1] / n : 0);
        }
        chart->addSeries(pts);
        if (fit) {
            auto* line = new QLineSeries;
            line->setName(tr("S%1 fit").arg(k));
            line->setPen(QPen(c, 2));
            for (int i = 0; i <= 300; ++i) {
                const double v = xmin + (xmax - xmin) * i / 300;
                line->append(m_drive.shown(v), fit->stateProbability(k, v));
            }
            chart->addSeries(line);
        }
    }
    setAxes(chart, xmin, xmax, m_drive);
    QChart* old = this->chart();
    setChart(chart);
    delete old;
}

}  // namespace dwmtj::ui

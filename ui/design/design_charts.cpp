#include "design/design_charts.h"

#include <QChart>
#include <QChartView>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <memory>

#include "charts/chart_style.h"

namespace dwmtj::ui {

namespace {

constexpr double kNanoJoule = 1e9;

/// (x, y, x interval, y interval) of a point in one projection; NaN where missing.
struct Coordinates {
    double x, y, xLow, xHigh, yLow, yHigh;
};
Coordinates coordinates(const core::DesignPoint& p, DesignProjection projection)
{
    if (projection == DesignProjection::AccuracyVsEnergy)
        return {p.energyPerCorrectJ.value * kNanoJoule,
                100 * p.accuracy.value,
                p.energyPerCorrectJ.low * kNanoJoule,
                p.energyPerCorrectJ.high * kNanoJoule,
                100 * p.accuracy.low,
                100 * p.accuracy.high};
    return {100 * p.accuracy.value, p.robustness.value, 100 * p.accuracy.low,
            100 * p.accuracy.high,  p.robustness.low,   p.robustness.high};
}

void hideFromLegend(QChart* chart, QAbstractSeries* s)
{
    for (QLegendMarker* m : chart->legend()->markers(s)) m->setVisible(false);
}

void extend(double v, double& lo, double& hi)
{
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
}

/// The range with a margin, nice numbers, and never past what the quantity can take.
void setPadded(QValueAxis* axis, double lo, double hi, double floor, double ceiling)
{
    if (!(lo <= hi)) {
        lo = 0;
        hi = 1;
    }
    const double pad = hi > lo ? 0.06 * (hi - lo) : std::max(0.5, 0.05 * std::abs(hi));
    axis->setRange(std::max(lo - pad, floor), std::min(hi + pad, ceiling));
    axis->applyNiceNumbers();
    axis->setRange(std::max(axis->min(), floor), std::min(axis->max(), ceiling));
}

}  // namespace

QString designIntervalText(const core::DesignValue& v, double scale, int digits)
{
    if (!std::isfinite(v.value)) return QStringLiteral("-");
    QString s = QString::number(v.value * scale, 'f', digits);
    if (std::isfinite(v.low))
        s += QStringLiteral(" [%1, %2]")
                 .arg(QString::number(v.low * scale, 'f', digits),
                      QString::number(v.high * scale, 'f', digits));
    return s;
}

QString designPointText(const core::DesignPoint& p)
{
    const QString device =
        p.notches > 1 ? QObject::tr("%1 notches spaced %2 x nominal, w = %3 x nominal")
                            .arg(p.notches)
                            .arg(std::isfinite(p.notchSpacing) ? QString::number(p.notchSpacing)
                                                               : QStringLiteral("-"))
                            .arg(std::isfinite(p.widthRatio) ? QString::number(p.widthRatio)
                                                             : QStringLiteral("-"))
                      : QObject::tr("w = %1 x nominal, p from %2 to %3")
                            .arg(p.widthRatio)
                            .arg(p.floor)
                            .arg(p.ceiling);
    return QObject::tr(
               "%1%2\n%3\npulse %4 ns, R4 %5 ohm\naccuracy %6 %\nrobustness (AUC) %7\n"
               "energy per correct inference %8 nJ\n%9 network(s); click: open them in Runs")
        .arg(QString::fromStdString(p.device),
             (p.measured ? QObject::tr(" (measured device)") : QString()) +
                 (p.pareto ? QObject::tr(" (Pareto front)") : QString()),
             device)
        .arg(p.pulseNs)
        .arg(p.r4Ohm)
        .arg(designIntervalText(p.accuracy, 100, 2), designIntervalText(p.robustness, 1, 3),
             designIntervalText(p.energyPerCorrectJ, kNanoJoule, 1))
        .arg(p.networks);
}

void drawDesignFront(QChartView* view, const core::DesignResult& r, DesignProjection projection,
                     const std::function<void(int, bool)>& onPoint)
{
    const bool energy = projection == DesignProjection::AccuracyVsEnergy;
    QChart* chart = freshChart(energy ? QObject::tr("Accuracy vs energy per correct inference")
                                      : QObject::tr("Noise robustness vs accuracy"));
    QValueAxis *x = nullptr, *y = nullptr;
    addValueAxes(chart,
                 energy ? QObject::tr("Energy per correct inference [nJ]")
                        : QObject::tr("Clean test accuracy [%]"),
                 energy ? QObject::tr("Clean test accuracy [%]")
                        : QObject::tr("Robustness: chance-corrected AUC"),
                 x, y);
    double xLo = INFINITY, xHi = -INFINITY, yLo = INFINITY, yHi = -INFINITY;
    // Three groups: the front, those meeting the spec (off the front), the rest; binary design
    // devices as circles, multi-weight ones as triangles; the measured devices as squares.
    struct Group {
        QString name;
        QColor colour;
        bool filled;
        QScatterSeries::MarkerShape shape = QScatterSeries::MarkerShapeCircle;
        std::shared_ptr<std::vector<int>> indices = std::make_shared<std::vector<int>>();
    };
    const QColor blue(0x1f, 0x77, 0xb4), green(0x2c, 0xa0, 0x2c), grey(0x88, 0x88, 0x88);
    const auto triangle = QScatterSeries::MarkerShapeTriangle;
    Group groups[] = {
        {QObject::tr("Pareto front"), blue, true},
        {QObject::tr("Meets the spec"), green, false},
        {QObject::tr("Other designs"), grey, false},
        {QObject::tr("Pareto front (multi-weight)"), blue, true, triangle},
        {QObject::tr("Meets the spec (multi-weight)"), green, false, triangle},
        {QObject::tr("Other multi-weight designs"), grey, false, triangle},
        {QObject::tr("Measured devices"), QColor(0xff, 0x7f, 0x0e), true,
         QScatterSeries::MarkerShapeRectangle}};  // last: drawn above the design's points
    for (size_t k = 0; k < r.points.size(); ++k) {
        const auto& p = r.points[k];
        const Coordinates c = coordinates(p, projection);
        if (!std::isfinite(c.x) || !std::isfinite(c.y)) continue;
        const int g = p.measured ? 6
                                 : (p.pareto          ? 0
                                    : p.meetsEstimate ? 1
                                                      : 2) +
                                       (p.notches > 1 ? 3 : 0);
        groups[g].indices->push_back(int(k));
        // The 95 % intervals as whiskers in the group's colour.
        for (bool vertical : {true, false}) {
            const double lo = vertical ? c.yLow : c.xLow, hi = vertical ? c.yHigh : c.xHigh;
            if (!std::isfinite(lo) || !std::isfinite(hi)) continue;
            auto* w = new QLineSeries;
            w->setColor(groups[g].colour.lighter(130));
            if (vertical) {
                w->append(c.x, lo);
                w->append(c.x, hi);
                extend(lo, yLo, yHi);
                extend(hi, yLo, yHi);
            } else {
                w->append(lo, c.y);
                w->append(hi, c.y);
                extend(lo, xLo, xHi);
                extend(hi, xLo, xHi);
            }
            chart->addSeries(w);
            w->attachAxis(x);
            w->attachAxis(y);
            hideFromLegend(chart, w);
        }
        extend(c.x, xLo, xHi);
        extend(c.y, yLo, yHi);
    }
    // The spec: a horizontal line at the accuracy (energy view) or both lines (robustness view).
    const double specAcc = 100 * r.specAccuracy;
    if (energy)
        extend(specAcc, yLo, yHi);
    else {
        extend(specAcc, xLo, xHi);
        extend(r.specRobustness, yLo, yHi);
    }
    if (energy) {  // nJ >= 0; accuracy in percent
        setPadded(x, xLo, xHi, 0, INFINITY);
        setPadded(y, yLo, yHi, 0, 100);
    } else {  // the chance-corrected AUC is 1 at best; below 0 when worse than chance
        setPadded(x, xLo, xHi, 0, 100);
        setPadded(y, yLo, yHi, -1, 1.2);
    }
    auto* spec = new QLineSeries;
    spec->setName(QObject::tr("Spec"));
    QPen pen(QColor(0xd6, 0x27, 0x28));
    pen.setStyle(Qt::DashLine);
    pen.setWidthF(1.5);
    spec->setPen(pen);
    if (energy) {
        spec->append(x->min(), specAcc);
        spec->append(x->max(), specAcc);
    } else {  // the corner of the region that meets the spec
        spec->append(specAcc, y->max());
        spec->append(specAcc, r.specRobustness);
        spec->append(x->max(), r.specRobustness);
    }
    chart->addSeries(spec);
    spec->attachAxis(x);
    spec->attachAxis(y);
    for (const Group& g : groups) {
        if (g.indices->empty()) continue;
        auto* s = new QScatterSeries;
        s->setName(g.name);
        s->setMarkerShape(g.shape);
        s->setMarkerSize(g.shape != QScatterSeries::MarkerShapeCircle ? 12 : g.filled ? 11 : 9);
        // Front: filled; meeting the spec: a light fill; the rest: hollow.
        s->setColor(g.filled            ? g.colour
                    : g.colour == green ? g.colour.lighter(170)
                                        : QColor(Qt::white));
        s->setBorderColor(g.colour);
        for (int k : *g.indices) {
            const Coordinates c = coordinates(r.points[size_t(k)], projection);
            s->append(c.x, c.y);
        }
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
        if (!onPoint) continue;
        const auto indices = g.indices;
        const auto find = [indices, s](const QPointF& at) {
            // The series' own points, in the order appended: the nearest is the one meant.
            int best = -1;
            double bestD = INFINITY;
            for (int i = 0; i < s->count(); ++i) {
                const QPointF q = s->at(i);
                const double d = std::hypot(q.x() - at.x(), q.y() - at.y());
                if (d < bestD) {
                    bestD = d;
                    best = i;
                }
            }
            return best < 0 ? -1 : (*indices)[size_t(best)];
        };
        QObject::connect(s, &QScatterSeries::hovered, s,
                         [find, onPoint](const QPointF& at, bool on) {
                             if (on) onPoint(find(at), false);
                         });
        QObject::connect(s, &QScatterSeries::clicked, s,
                         [find, onPoint](const QPointF& at) { onPoint(find(at), true); });
    }
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

void drawYieldCurves(QChartView* view, const ChipCurves& levels, double spec)
{
    QChart* chart = freshChart(QObject::tr("Chip yield: share of chips at or above the spec"));
    QValueAxis *x = nullptr, *y = nullptr;
    addValueAxes(chart, QObject::tr("Accuracy spec [%]"), QObject::tr("Yield [%]"), x, y);
    double lo = 100 * spec, hi = 100 * spec;
    for (const auto& [level, chips] : levels)
        for (double a : chips) extend(100 * a, lo, hi);
    lo = std::floor(lo - 2);
    hi = std::min(100.0, std::ceil(hi + 1));
    static const QColor colours[] = {QColor(0x1f, 0x77, 0xb4), QColor(0xff, 0x7f, 0x0e),
                                     QColor(0x2c, 0xa0, 0x2c), QColor(0x94, 0x67, 0xbd),
                                     QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2)};
    for (size_t k = 0; k < levels.size(); ++k) {
        std::vector<double> chips = levels[k].second;
        if (chips.empty()) continue;
        std::sort(chips.begin(), chips.end());
        auto* s = new QLineSeries;
        s->setName(QObject::tr("%1 (%2 chips)").arg(levels[k].first).arg(chips.size()));
        s->setColor(colours[k % std::size(colours)]);
        // A step function: yield(a) = share of chips with accuracy >= a.
        const double n = double(chips.size());
        s->append(lo, 100);
        for (size_t i = 0; i < chips.size(); ++i) {
            const double a = 100 * chips[i];
            s->append(a, 100 * (n - double(i)) / n);
            s->append(a, 100 * (n - double(i) - 1) / n);
        }
        s->append(hi, 0);
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    auto* line = new QLineSeries;
    line->setName(QObject::tr("Spec"));
    QPen pen(QColor(0xd6, 0x27, 0x28));
    pen.setStyle(Qt::DashLine);
    line->setPen(pen);
    line->append(100 * spec, 0);
    line->append(100 * spec, 100);
    chart->addSeries(line);
    line->attachAxis(x);
    line->attachAxis(y);
    x->setRange(lo, hi);
    y->setRange(0, 100);
    QChart* old = view->chart();
    view->setChart(chart);
    delete old;
}

}  // namespace dwmtj::ui

#include "charts/interval_chart.h"

#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>

#include "charts/band_chart.h"

namespace dwmtj::ui {

IntervalChart::IntervalChart(const QString& title, const QString& xTitle, const QString& yTitle,
                             QWidget* parent)
    : ThrottledChart(title, xTitle, yTitle, parent)
{
}

void IntervalChart::setCategories(const QStringList& labels)
{
    m_categories = labels;
    scheduleRedraw();
}

void IntervalChart::setPoints(const QList<Point>& points)
{
    m_points = points;
    scheduleRedraw();
}

QStringList IntervalChart::groups() const
{
    QStringList out;
    for (const auto& p : m_points)
        if (!out.contains(p.group)) out << p.group;
    return out;
}

QString IntervalChart::csv() const
{
    auto field = [](QString s) { return s.replace(QLatin1Char(','), QLatin1Char(';')); };
    QString out = QStringLiteral("group,category,label,value,ci_low,ci_high\n");
    for (const auto& p : m_points)
        out += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                   .arg(field(p.group))
                   .arg(p.category)
                   .arg(field(m_categories.value(p.category - 1)))
                   .arg(p.value, 0, 'g', 10)
                   .arg(std::isfinite(p.low) ? QString::number(p.low, 'g', 10) : QString())
                   .arg(std::isfinite(p.high) ? QString::number(p.high, 'g', 10) : QString());
    return out;
}

void IntervalChart::redraw()
{
    chart()->removeAllSeries();
    const QStringList names = groups();
    double y0 = std::numeric_limits<double>::max(), y1 = -y0;
    int maxCategory = 0;
    // Groups side by side within a category: offsets spread over +-0.25.
    const double step = names.size() > 1 ? 0.5 / double(names.size() - 1) : 0;
    for (int gi = 0; gi < names.size(); ++gi) {
        const QColor color = paletteColor(gi);
        const double offset = names.size() > 1 ? -0.25 + step * gi : 0;
        auto* marks = new QScatterSeries;
        marks->setName(names[gi]);
        marks->setColor(color);
        marks->setBorderColor(color);
        marks->setMarkerSize(9);
        for (const auto& p : m_points) {
            if (p.group != names[gi] || !std::isfinite(p.value)) continue;
            const double x = p.category + offset;
            marks->append(x, p.value);
            y0 = std::min(y0, p.value), y1 = std::max(y1, p.value);
            maxCategory = std::max(maxCategory, p.category);
            if (!std::isfinite(p.low) || !std::isfinite(p.high)) continue;
            auto* bar = new QLineSeries;
            bar->append(x, p.low);
            bar->append(x, p.high);
            QPen pen(color);
            pen.setWidthF(2);
            bar->setPen(pen);
            chart()->addSeries(bar);
            bar->attachAxis(m_x);
            bar->attachAxis(m_y);
            y0 = std::min(y0, p.low), y1 = std::max(y1, p.high);
        }
        chart()->addSeries(marks);
        marks->attachAxis(m_x);
        marks->attachAxis(m_y);
    }
    // One legend entry per group: the markers' (the bars' are hidden).
    for (auto* m : chart()->legend()->markers())
        m->setVisible(m->series()->type() == QAbstractSeries::SeriesTypeScatter);
    chart()->legend()->setVisible(!names.isEmpty());
    if (maxCategory > 0) {
        m_x->setRange(0.5, maxCategory + 0.5);
        m_x->setTickType(QValueAxis::TicksDynamic);
        m_x->setTickAnchor(1);
        m_x->setTickInterval(1);
        m_x->setLabelFormat(QStringLiteral("%d"));
        const double pad = std::max(1e-9, 0.05 * (y1 - y0));
        m_y->setRange(y0 - pad, y1 + pad);
        m_y->applyNiceNumbers();
    }
}

}  // namespace dwmtj::ui

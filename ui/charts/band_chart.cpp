#include "charts/band_chart.h"


#include <QAreaSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>
#include <limits>

namespace dwmtj::ui {

QColor paletteColor(int i)
{
    static const QColor colors[] = {QColor(0, 114, 178), QColor(213, 94, 0),  QColor(0, 158, 115),
                                    QColor(204, 121, 167), QColor(230, 159, 0), QColor(86, 180, 233),
                                    QColor(0, 0, 0),       QColor(240, 228, 66)};
    return colors[((i % 8) + 8) % 8];
}

BandChart::BandChart(const QString& title, const QString& xTitle, const QString& yTitle, QWidget* parent)
    : ThrottledChart(title, xTitle, yTitle, parent)
{
}

void BandChart::setValue(const QString& group, double x, const QString& member, double y)
{
    if (!m_values.contains(group)) m_order << group;
    m_values[group][x][member] = y;
    scheduleRedraw();
}

void BandChart::clear()
{
    m_values.clear();
    m_order.clear();
    markDirty();
    flush();
}

void BandChart::setFixedYRange(double lo, double hi)
{
    m_fixedY = true;
    m_yLo = lo;
    m_yHi = hi;
    m_y->setRange(lo, hi);
}

QList<BandChart::Point> BandChart::points(const QString& group) const
{
    QList<Point> out;
    const auto g = m_values.value(group);
    for (auto it = g.cbegin(); it != g.cend(); ++it) {
        Point p;
        p.x = it.key();
        p.n = int(it.value().size());
        for (double v : it.value()) p.values << v, p.mean += v;
        p.mean /= std::max(1, p.n);
        double ss = 0;
        for (double v : p.values) ss += (v - p.mean) * (v - p.mean);
        p.sd = p.n > 1 ? std::sqrt(ss / (p.n - 1)) : 0.0;  // sample standard deviation
        out << p;
    }
    return out;
}

QString BandChart::csv() const
{
    QStringList members;
    for (const auto& g : m_values)
        for (const auto& atX : g)
            for (auto it = atX.cbegin(); it != atX.cend(); ++it)
                if (!members.contains(it.key())) members << it.key();
    QString out = QStringLiteral("group,x,mean,sd,n");
    for (const auto& m : members) out += QLatin1Char(',') + QString(m).replace(QLatin1Char(','), QLatin1Char(';'));
    out += QLatin1Char('\n');
    for (const QString& g : m_order) {
        const auto pts = points(g);
        const auto byX = m_values.value(g);
        for (const auto& p : pts) {
            out += QStringLiteral("%1,%2,%3,%4,%5")
                       .arg(QString(g).replace(QLatin1Char(','), QLatin1Char(';')))
                       .arg(p.x, 0, 'g', 10)
                       .arg(p.mean, 0, 'g', 10)
                       .arg(p.sd, 0, 'g', 10)
                       .arg(p.n);
            const auto atX = byX.value(p.x);
            for (const auto& m : members)
                out += QLatin1Char(',') + (atX.contains(m) ? QString::number(atX.value(m), 'g', 10) : QString());
            out += QLatin1Char('\n');
        }
    }
    return out;
}

void BandChart::redraw()
{
    chart()->removeAllSeries();
    double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
    for (int gi = 0; gi < m_order.size(); ++gi) {
        const auto pts = points(m_order[gi]);
        const QColor color = paletteColor(gi);
        auto* upper = new QLineSeries;
        auto* lower = new QLineSeries;
        auto* mean = new QLineSeries;
        int maxN = 0;
        for (const auto& p : pts) {
            upper->append(p.x, p.mean + p.sd);
            lower->append(p.x, p.mean - p.sd);
            mean->append(p.x, p.mean);
            maxN = std::max(maxN, p.n);
            x0 = std::min(x0, p.x), x1 = std::max(x1, p.x);
            y0 = std::min(y0, p.mean - p.sd), y1 = std::max(y1, p.mean + p.sd);
        }
        auto* band = new QAreaSeries(upper, lower);
        upper->setParent(band);  // freed with the band by removeAllSeries()
        lower->setParent(band);
        QColor fill = color;
        fill.setAlpha(60);
        band->setBrush(fill);
        band->setPen(Qt::NoPen);
        band->setName(m_order[gi] + QStringLiteral(" ±1 sd"));
        chart()->addSeries(band);
        mean->setName(maxN > 1 ? QStringLiteral("%1 (n=%2)").arg(m_order[gi]).arg(maxN) : m_order[gi]);
        QPen pen(color);
        pen.setWidthF(2);
        mean->setPen(pen);
        mean->setPointsVisible(pts.size() <= 40);
        chart()->addSeries(mean);
        for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(band), static_cast<QAbstractSeries*>(mean)}) {
            s->attachAxis(m_x);
            s->attachAxis(m_y);
        }
    }
    // One legend entry per group (the band's marker is hidden).
    for (auto* m : chart()->legend()->markers()) m->setVisible(m->type() != QLegendMarker::LegendMarkerTypeArea);
    chart()->legend()->setVisible(!m_order.isEmpty());
    // Many groups: a column on the right keeps every label readable.
    chart()->legend()->setAlignment(m_order.size() > 4 ? Qt::AlignRight : Qt::AlignBottom);

    if (x1 >= x0) {
        m_x->setRange(x0, x1 > x0 ? x1 : x0 + 1);
        if (m_integerX && x1 - x0 <= 20) m_x->setTickCount(int(x1 - x0) + 1 > 1 ? int(x1 - x0) + 1 : 2);
        else m_x->applyNiceNumbers();
        if (m_fixedY) {
            m_y->setRange(m_yLo, m_yHi);
        } else {
            const double pad = std::max(1e-9, 0.05 * (y1 - y0));
            m_y->setRange(y0 - pad, y1 + pad);
            m_y->applyNiceNumbers();
        }
    }
}

}  // namespace dwmtj::ui

#include "charts/live_chart.h"


#include <QLineSeries>
#include <QValueAxis>
#include <algorithm>
#include <limits>

namespace dwmtj::ui {

namespace {
constexpr int kMaxVisiblePoints = 2000;
}

LiveChart::LiveChart(const QString& title, const QString& xTitle, const QString& yTitle, QWidget* parent)
    : ThrottledChart(title, xTitle, yTitle, parent)
{
}

QLineSeries* LiveChart::seriesFor(const QString& name)
{
    if (auto* s = m_series.value(name)) return s;
    auto* s = new QLineSeries;
    s->setName(name);
    chart()->addSeries(s);
    s->attachAxis(m_x);
    s->attachAxis(m_y);
    m_series.insert(name, s);
    return s;
}

void LiveChart::addPoint(const QString& series, QPointF p)
{
    m_pending[series].append(p);
    scheduleRedraw();
}

void LiveChart::setFixedYRange(double lo, double hi)
{
    m_fixedY = true;
    m_y->setRange(lo, hi);
}

void LiveChart::clear()
{
    m_pending.clear();
    m_history.clear();
    for (auto* s : std::as_const(m_series)) chart()->removeSeries(s), delete s;
    m_series.clear();
    m_x->setRange(0, 1);
    if (!m_fixedY) m_y->setRange(0, 1);
}

QList<QPointF> LiveChart::decimateMinMax(const QList<QPointF>& pts, int maxPoints)
{
    if (pts.size() <= maxPoints) return pts;
    const int buckets = maxPoints / 2;
    QList<QPointF> out;
    out.reserve(maxPoints);
    for (int b = 0; b < buckets; ++b) {
        const qsizetype lo = qsizetype(b) * pts.size() / buckets, hi = qsizetype(b + 1) * pts.size() / buckets;
        if (lo >= hi) continue;
        auto [mn, mx] = std::minmax_element(pts.begin() + lo, pts.begin() + hi,
                                            [](const QPointF& a, const QPointF& c) { return a.y() < c.y(); });
        if (mn->x() <= mx->x()) out << *mn << *mx;
        else out << *mx << *mn;
    }
    return out;
}

void LiveChart::absorbPending()
{
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) m_history[it.key()].append(it.value());
    m_pending.clear();
}

void LiveChart::redraw()
{
    double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
    for (auto it = m_history.cbegin(); it != m_history.cend(); ++it) {
        seriesFor(it.key())->replace(decimateMinMax(it.value(), kMaxVisiblePoints));
        for (const auto& p : it.value()) {
            x0 = std::min(x0, p.x()), x1 = std::max(x1, p.x());
            y0 = std::min(y0, p.y()), y1 = std::max(y1, p.y());
        }
    }
    if (x1 >= x0) {
        m_x->setRange(x0, x1 > x0 ? x1 : x0 + 1);
        m_x->applyNiceNumbers();
        if (!m_fixedY) {
            const double pad = std::max(1e-9, 0.05 * (y1 - y0));
            m_y->setRange(y0 - pad, y1 + pad);
            m_y->applyNiceNumbers();
        }
    }
    for (auto* s : std::as_const(m_series)) s->setPointsVisible(m_history.value(s->name()).size() <= 60);
    chart()->legend()->setVisible(m_series.size() <= 12);  // 30 seeds x configurations: the legend would hide the plot
}

QString LiveChart::csv() const
{
    QString out = QStringLiteral("series,x,y\n");
    auto all = m_history;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) all[it.key()].append(it.value());
    for (auto it = all.cbegin(); it != all.cend(); ++it) {
        const QString name = QString(it.key()).replace(QLatin1Char(','), QLatin1Char(';'));
        for (const QPointF& p : it.value())
            out += QStringLiteral("%1,%2,%3\n").arg(name).arg(p.x(), 0, 'g', 10).arg(p.y(), 0, 'g', 10);
    }
    return out;
}

}  // namespace dwmtj::ui

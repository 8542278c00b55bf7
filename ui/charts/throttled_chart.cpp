#include "charts/throttled_chart.h"

#include <QValueAxis>

#include "charts/chart_style.h"

namespace dwmtj::ui {

ThrottledChart::ThrottledChart(const QString& title, const QString& xTitle, const QString& yTitle,
                               QWidget* parent)
    : QChartView(parent)
{
    QChart* c = freshChart(title);
    addValueAxes(c, xTitle, yTitle, m_x, m_y);
    setChart(c);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(220);
    m_timer.setSingleShot(true);
    m_timer.setInterval(60);
    connect(&m_timer, &QTimer::timeout, this, &ThrottledChart::flush);
}

void ThrottledChart::setTitles(const QString& title, const QString& xTitle, const QString& yTitle)
{
    chart()->setTitle(title);
    m_x->setTitleText(xTitle);
    m_y->setTitleText(yTitle);
}

void ThrottledChart::scheduleRedraw()
{
    m_dirty = true;
    if (!m_timer.isActive()) m_timer.start();
}

void ThrottledChart::flush()
{
    absorbPending();
    if (!m_dirty || !isVisible()) return;  // hidden views catch up in showEvent
    m_dirty = false;
    redraw();
}

void ThrottledChart::showEvent(QShowEvent* e)
{
    QChartView::showEvent(e);
    if (!m_dirty) return;
    m_dirty = false;
    redraw();
}

}  // namespace dwmtj::ui

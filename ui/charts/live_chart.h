#pragma once
// A line chart fed while a run is going (docs/architecture.md, threading): points are buffered and
// a single-shot coalescing timer flushes them at most every 60 ms, with one replace() per series;
// at most ~2000 points per series are drawn (min/max decimation) while the full history is kept for
// export.
#include <QMap>
#include <QPointF>

#include "charts/chart_export.h"
#include "charts/throttled_chart.h"

class QLineSeries;

namespace dwmtj::ui {

class LiveChart : public ThrottledChart, public CsvSource {
    Q_OBJECT
public:
    LiveChart(const QString& title, const QString& xTitle, const QString& yTitle,
              QWidget* parent = nullptr);
    void addPoint(const QString& series, QPointF p);
    void clear();
    /// Keep the y axis at [lo, hi] instead of following the data (e.g. probabilities).
    void setFixedYRange(double lo, double hi);
    /// The full history of a series (what export writes).
    QList<QPointF> history(const QString& series) const { return m_history.value(series); }
    QStringList seriesNames() const { return m_history.keys(); }
    /// series,x,y for the full history (pending points included).
    QString csv() const override;
    static QList<QPointF> decimateMinMax(const QList<QPointF>& points, int maxPoints);

protected:
    void absorbPending() override;
    void redraw() override;

private:
    QLineSeries* seriesFor(const QString& name);
    QMap<QString, QList<QPointF>> m_pending, m_history;
    QMap<QString, QLineSeries*> m_series;
    bool m_fixedY = false;
};

}  // namespace dwmtj::ui

#pragma once
// Estimates with their 95 % confidence intervals, one marker and one vertical bar per group
// and category (a forest plot on its side): the robustness study's endpoint per neuron kind
// and study row. Plain values in; the statistics are the core's (dwmtj/endpoint.h).
#include <QList>
#include <QStringList>

#include "charts/chart_export.h"
#include "charts/throttled_chart.h"

namespace dwmtj::ui {

class IntervalChart : public ThrottledChart, public CsvSource {
    Q_OBJECT
public:
    IntervalChart(const QString& title, const QString& xTitle, const QString& yTitle,
                  QWidget* parent = nullptr);
    struct Point {
        QString group;                        ///< e.g. the neuron kind (one colour each)
        int category = 0;                     ///< 1-based position on the x axis
        double value = 0, low = 0, high = 0;  ///< NaN bounds: no interval drawn
    };
    /// Category labels (1-based positions 1..n), for the CSV and tooltips.
    void setCategories(const QStringList& labels);
    void setPoints(const QList<Point>& points);
    QList<Point> points() const { return m_points; }
    QStringList groups() const;
    /// group,category,label,value,ci_low,ci_high
    QString csv() const override;

protected:
    void redraw() override;

private:
    QStringList m_categories;
    QList<Point> m_points;
};

}  // namespace dwmtj::ui

#pragma once
// Mean line with a +/- one standard deviation band across members (seeds) for each group
// (neuron type, hidden size, ...): the paper's "clouds" in Fig. 3 and Fig. 4. Values may
// arrive while a run is going; drawing is coalesced by a 60 ms single-shot timer (docs/
// architecture.md, "Threading and cancellation") and hidden charts skip drawing until they are
// shown.
#include <QMap>

#include "charts/chart_export.h"
#include "charts/throttled_chart.h"

namespace dwmtj::ui {

class BandChart : public ThrottledChart, public CsvSource {
    Q_OBJECT
public:
    BandChart(const QString& title, const QString& xTitle, const QString& yTitle,
              QWidget* parent = nullptr);
    /// Sets the value of `member` (e.g. "seed 3") in `group` at x (replacing an earlier one).
    void setValue(const QString& group, double x, const QString& member, double y);
    void clear();
    void setFixedYRange(double lo, double hi);
    void setIntegerX(bool on) { m_integerX = on; }

    struct Point {
        double x = 0, mean = 0, sd = 0;
        int n = 0;
        QList<double> values;  ///< by member name order
    };
    QStringList groups() const { return m_order; }
    QList<Point> points(const QString& group) const;
    /// group,x,mean,sd,n then one column per member.
    QString csv() const override;

protected:
    void redraw() override;

private:
    QMap<QString, QMap<double, QMap<QString, double>>> m_values;
    QStringList m_order;  ///< groups in the order they first appeared (stable colours)
    bool m_fixedY = false, m_integerX = false;
    double m_yLo = 0, m_yHi = 1;
};

/// Colour i of the workbench palette (colour-blind safe, Okabe-Ito order).
QColor paletteColor(int i);

}  // namespace dwmtj::ui

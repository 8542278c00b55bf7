#pragma once
// A chart view fed while work is going (docs/architecture.md, threading): changes mark it dirty and
// a single-shot 60 ms timer coalesces them into one redraw; hidden views skip drawing and catch up
// when they are shown. LiveChart and BandChart build on it.
#include <QChartView>
#include <QTimer>

class QValueAxis;

namespace dwmtj::ui {

class ThrottledChart : public QChartView {
    Q_OBJECT
public:
    ThrottledChart(const QString& title, const QString& xTitle, const QString& yTitle,
                   QWidget* parent = nullptr);
    /// Draws what is pending now (also called at the end of a run); a hidden view draws
    /// when it is shown.
    void flush();
    /// Retitles the chart and its axes (a view that shows one of several quantities).
    void setTitles(const QString& title, const QString& xTitle, const QString& yTitle);

protected:
    void scheduleRedraw();  ///< mark dirty and start the coalescing timer
    void markDirty() { m_dirty = true; }
    virtual void absorbPending() {}  ///< move buffered input into the model (before drawing)
    virtual void redraw() = 0;
    void showEvent(QShowEvent* e) override;

    QValueAxis* m_x = nullptr;
    QValueAxis* m_y = nullptr;

private:
    QTimer m_timer;
    bool m_dirty = false;
};

}  // namespace dwmtj::ui

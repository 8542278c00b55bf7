#pragma once
// Charts of the Device data page besides p(V): fit residuals, raw resistance traces of one
// voltage and cycle (the paper's Fig. 2b) and the pulses-to-switch histogram with the
// geometric law of the fitted p (Fig. 2c). Plain-data inputs from the core.
#include <QChartView>
#include <vector>

#include "dwmtj/device_data.h"
#include "dwmtj/estimate.h"
#include "dwmtj/sigmoid_fit.h"

namespace dwmtj::ui {

class ResidualChart : public QChartView {
    Q_OBJECT
public:
    explicit ResidualChart(QWidget* parent = nullptr);
    /// Pearson residuals when trials are known, else raw residuals; excluded points hollow.
    void showResiduals(const std::vector<core::FitResidual>& residuals,
                       const std::vector<double>& excluded);
    void showMessage(const QString& text);
    /// The unit the drive axis shows (see ProbabilityChart::setDrive).
    void setDrive(const core::DriveDisplay& drive) { m_drive = drive; }

private:
    core::DriveDisplay m_drive;
};

class TraceChart : public QChartView {
    Q_OBJECT
public:
    explicit TraceChart(QWidget* parent = nullptr);
    /// Resistance after each pulse of one cycle, with the two levels and the threshold.
    void showTrace(const core::ResistanceTrace& trace,
                   const std::optional<core::SwitchDetection>& detection, int switchPulse);
    void showMessage(const QString& text);
};

class HistogramChart : public QChartView {
    Q_OBJECT
public:
    explicit HistogramChart(QWidget* parent = nullptr);
    void showHistogram(const core::PulseHistogram& h, double p, const QString& pSource);
    void showMessage(const QString& text);
};

}  // namespace dwmtj::ui

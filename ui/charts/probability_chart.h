#pragma once
// p(V) chart: per-voltage estimates with Wilson interval bars, the fitted sigmoid and its
// 95 % confidence band (binary), or observed state frequencies and fitted state
// probabilities (multi-state). Plain-data inputs from the core; no analysis here.
#include <QChartView>
#include <optional>
#include <vector>

#include "dwmtj/device_data.h"
#include "dwmtj/estimate.h"
#include "dwmtj/ordinal_fit.h"
#include "dwmtj/sigmoid_fit.h"

namespace dwmtj::ui {

class ProbabilityChart : public QChartView {
    Q_OBJECT
public:
    explicit ProbabilityChart(QWidget* parent = nullptr);
    /// The unit the drive axis shows (volts, or mA for a current-driven device); the data
    /// stay in SI units and pointClicked reports SI units.
    void setDrive(const core::DriveDisplay& drive) { m_drive = drive; }
    const core::DriveDisplay& drive() const { return m_drive; }
    /// Points at `excluded` voltages are drawn hollow; clicking any point emits pointClicked.
    void showBinary(const std::vector<core::ProportionEstimate>& estimates,
                    const std::optional<core::SigmoidFit>& fit, const QString& title,
                    const std::vector<double>& excluded = {});
    void showMultiState(const core::MultiStateDeviceData& data,
                        const std::optional<core::OrdinalFit>& fit, const QString& title);

Q_SIGNALS:
    void pointClicked(double voltage);

private:
    core::DriveDisplay m_drive;
};

}  // namespace dwmtj::ui

#pragma once
// The Device page's "Plan next measurements" tab (docs/models.md, "Planning measurements"):
// for the loaded binary device and a network trained on it (an experiment file), how the
// network's accuracy depends on the fitted curve, the accuracy interval the curve leaves, and
// the cycles per voltage that narrow it most for a budget of pulses, drawn over the fitted
// p(V) next to the same pulses spread uniformly. The sensitivity runs in a worker thread.
#include <QWidget>
#include <memory>
#include <optional>

#include "dwmtj/device_data.h"
#include "dwmtj/measurement_plan.h"

class QChartView;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace dwmtj::ui {

class BackgroundTask;

class PlanPanel : public QWidget {
    Q_OBJECT
public:
    explicit PlanPanel(QWidget* parent = nullptr);
    /// The device the plan is for (the Device page's data; nullptr: none loaded).
    void setDevice(const core::DeviceData* data, const core::DriveDisplay& drive);
    /// Plans for the network in `experimentPath` with the budget shown (in the worker).
    void planFor(const QString& experimentPath);
    void setBudget(double pulses);
    void setTestLimit(int images);
    BackgroundTask* task() const { return m_task; }
    QTableWidget* table() const { return m_table; }
    QChartView* chart() const { return m_chart; }
    QString summaryText() const;
    const std::optional<core::MeasurementPlan>& plan() const { return m_plan; }

Q_SIGNALS:
    void logMessage(const QString& text);

private:
    struct Outcome;
    void showOutcome(const Outcome& o);

    BackgroundTask* m_task = nullptr;
    std::optional<core::DeviceData> m_data;
    core::DriveDisplay m_drive;
    std::optional<core::MeasurementPlan> m_plan;
    std::shared_ptr<Outcome> m_pending;
    QLineEdit* m_run = nullptr;
    QPushButton *m_browse = nullptr, *m_go = nullptr;
    QDoubleSpinBox *m_budget = nullptr, *m_step = nullptr;
    QSpinBox *m_cap = nullptr, *m_testLimit = nullptr;
    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
    QChartView* m_chart = nullptr;
};

}  // namespace dwmtj::ui

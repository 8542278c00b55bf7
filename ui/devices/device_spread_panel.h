#pragma once
// The Device page's "Across devices" tab: several device files (a folder of per-device
// measurements) fitted in a worker thread, one row per device, the spread of the switching
// threshold and width across devices (scatter with standard-error bars; observed and
// device-to-device sd, the latter without the fits' own errors), and "Use as variability",
// which hands the device-to-device settings to the Train page (dwmtj/device_spread.h).
#include <QMetaType>
#include <QWidget>
#include <optional>

#include "dwmtj/device_spread.h"

Q_DECLARE_METATYPE(dwmtj::core::DeviceFitSummary)

class QChartView;
class QLabel;
class QPushButton;
class QTableWidget;

namespace dwmtj::ui {

class BackgroundTask;

class DeviceSpreadPanel : public QWidget {
    Q_OBJECT
public:
    explicit DeviceSpreadPanel(QWidget* parent = nullptr);
    /// Fits these device files in the worker (replacing the devices shown when it is done).
    void openDevices(const QStringList& paths);
    BackgroundTask* task() const { return m_task; }
    QTableWidget* table() const { return m_table; }
    QChartView* chart() const { return m_chart; }
    QString summaryText() const;
    const std::optional<core::DeviceSpread>& spread() const { return m_spread; }
    /// What "Use as variability" hands on (emits variabilityChosen); false without a spread.
    bool useAsVariability();

Q_SIGNALS:
    void variabilityChosen(const dwmtj::core::VariabilitySettings& settings);
    void logMessage(const QString& text);

private:
    void showFits(const std::vector<core::DeviceFitSummary>& fits);

    BackgroundTask* m_task = nullptr;
    std::vector<core::DeviceFitSummary> m_pending, m_fits;
    std::optional<core::DeviceSpread> m_spread;
    QPushButton *m_open = nullptr, *m_folder = nullptr, *m_use = nullptr;
    QLabel* m_summary = nullptr;
    QTableWidget* m_table = nullptr;
    QChartView* m_chart = nullptr;
};

}  // namespace dwmtj::ui

#pragma once
// Device data -> fit -> lookup table, for one loaded device file. Loading and fitting a
// device file take milliseconds, so they run on the GUI thread; training (later) does not.
#include <functional>
#include <optional>

#include "common/page.h"
#include "dwmtj/device_data.h"
#include "dwmtj/device_io.h"
#include "dwmtj/ordinal_fit.h"
#include "dwmtj/sigmoid_fit.h"

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;
class QTabWidget;
class QLabel;
class QPlainTextEdit;
class QTableWidget;

namespace dwmtj::ui {

class BackgroundTask;
class DeviceSpreadPanel;
class PlanPanel;
class ProbabilityChart;
class ResidualChart;
class TraceChart;
class HistogramChart;

class DevicePage : public Page {
    Q_OBJECT
public:
    QString pageTitle() const override { return tr("Device data && fit"); }
    QString pageId() const override { return QStringLiteral("device"); }
    explicit DevicePage(QWidget* parent = nullptr);
    /// Loads and fits `path`: the file is read in a worker while the window keeps painting and
    /// its timers run (user input waits until it is read). On failure the error is shown, the
    /// previous data stay and false is returned.
    bool loadFile(const QString& path, const core::DeviceLoadOptions& options = {});
    bool hasData() const { return m_data.has_value(); }
    const core::DeviceData* data() const { return m_data ? &*m_data : nullptr; }
    const std::optional<core::SigmoidFit>& sigmoidFit() const { return m_fit; }
    const std::optional<core::OrdinalFit>& ordinalFit() const { return m_ordinal; }
    ProbabilityChart* chart() const { return m_chart; }
    ResidualChart* residualChart() const { return m_residuals; }
    TraceChart* traceChart() const { return m_traces; }
    HistogramChart* histogramChart() const { return m_histogram; }
    /// The "Across devices" tab: several device files, their spread, "Use as variability".
    DeviceSpreadPanel* spreadPanel() const { return m_spread; }
    PlanPanel* planPanel() const { return m_plan; }
    /// Fit options: points left out (by voltage) and the voltage range used.
    void setExcluded(const std::vector<double>& voltages);
    const std::vector<double>& excluded() const { return m_excluded; }
    void toggleExcluded(double voltage);         ///< what a click on a point does
    void setFitRange(double vmin, double vmax);  ///< in V or A (the data's SI unit)
    /// How drive amplitudes are shown: volts, or mA / uA for a current-driven device.
    const core::DriveDisplay& drive() const { return m_drive; }
    /// Show the trace of (voltage index, cycle) and the histogram of that voltage.
    void showTraces(int voltageIndex, int cycle);
    QString errorText() const;
    /// The fit report as shown (parameters, convergence, tests between models, warnings).
    QString reportText() const;
    /// The model choice: "2", "4" (binary sigmoid) or "separate", "common" (ordinal widths).
    void setModel(const QString& model);
    /// Builds the LUT (fit source, 1024 points) and writes it; returns an error or "".
    QString exportLut(const QString& path) const;
    /// Writes the per-voltage table as CSV; returns an error or "".
    QString exportTableCsv(const QString& path) const;

Q_SIGNALS:
    void fileLoaded(const QString& path);

private:
    /// Runs `work` in the page's worker and returns when it has (device files are read and
    /// fitted off the GUI thread).
    void offGuiThread(const QString& what, const std::function<void()>& work);
    void refit();
    void showError(const QString& text);
    void fillTraceControls();
    void updateDeviceCharts();
    QString driveHeader() const;  ///< "V [V]", "I [mA]"

    std::optional<core::DeviceData> m_data;
    std::optional<core::SigmoidFit> m_fit;
    std::optional<core::OrdinalFit> m_ordinal;
    QLabel* m_banner = nullptr;
    QLabel* m_source = nullptr;
    QComboBox* m_form = nullptr;
    QTableWidget* m_table = nullptr;
    QPlainTextEdit* m_report = nullptr;
    ProbabilityChart* m_chart = nullptr;
    ResidualChart* m_residuals = nullptr;
    TraceChart* m_traces = nullptr;
    HistogramChart* m_histogram = nullptr;
    QTabWidget* m_views = nullptr;
    DeviceSpreadPanel* m_spread = nullptr;
    PlanPanel* m_plan = nullptr;
    BackgroundTask* m_loadTask = nullptr;  ///< reads device files off the GUI thread
    QDoubleSpinBox *m_vmin = nullptr, *m_vmax = nullptr;
    QComboBox* m_traceVoltage = nullptr;
    QSpinBox* m_traceCycle = nullptr;
    std::vector<double> m_excluded;
    core::DriveDisplay m_drive;  ///< how the loaded data's drive amplitudes are shown
};

}  // namespace dwmtj::ui

#pragma once
// The Design page (docs/workbench.md, "Design"; docs/models.md, "Designing the device"): runs a
// design study (a preset or a design file) in a folder, N networks at a time, with progress,
// ETA and Stop, or opens one that ran (here, with `dwmtj design` or on Slurm); shows the Pareto
// front in two projections with the 95 % intervals (hover: the point's parameters; click: its
// networks in Runs), the spec and the loosest device that meets it (the spec can be changed
// after the run), the points and the spread tolerances as tables, and the chip-yield curve of
// the chosen device. Training and evaluation run in a worker thread.
#include <QString>
#include <map>
#include <memory>
#include <optional>

#include "common/page.h"
#include "design/design_charts.h"
#include "dwmtj/design.h"

class QChartView;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTabWidget;

namespace dwmtj::ui {

class BackgroundTask;

class DesignPage : public Page {
    Q_OBJECT
public:
    explicit DesignPage(QWidget* parent = nullptr);
    QString pageTitle() const override { return tr("Design"); }
    QString pageId() const override { return QStringLiteral("design"); }

    void setFolder(const QString& dir);
    QString folder() const;
    /// "small", "cluster" or a design file.
    void setPreset(const QString& nameOrPath);
    void setJobs(int n);
    /// Prepares the folder with the chosen design, trains what is missing, tests the chips and
    /// shows the result (in the worker).
    void run();
    void stop();
    /// Reads the folder's design.h5 and the chips of its networks (in the worker).
    void open(const QString& dir);
    /// The spec: clean accuracy [%] and chance-corrected AUC; the answer follows at once.
    void setSpec(double accuracyPercent, double robustness);
    /// Shows this point's device in the yield chart and selects its row.
    void selectPoint(int index);
    /// Tests the selected device's networks as chips calibrated with `pulses` per neuron (each
    /// V50 estimated and retuned: a residual spread of 2 w / sqrt(pulses)), the same chips as
    /// the V50 curves, and adds their yield curve (in the worker).
    void calibrate(int pulses);

    BackgroundTask* task() const { return m_task; }
    BackgroundTask* calibrationTask() const { return m_calTask; }
    const std::optional<core::DesignResult>& result() const { return m_result; }
    QChartView* frontChart() const { return m_front; }
    QChartView* robustnessChart() const { return m_robust; }
    QChartView* yieldChart() const { return m_yield; }
    QTableWidget* pointsTable() const { return m_points; }
    QTableWidget* tolerancesTable() const { return m_tolerances; }
    QString answerText() const;

Q_SIGNALS:
    /// A point was clicked: its networks' experiment file, for the Runs page.
    void openRunsRequested(const QString& path);

private:
    struct Loaded;
    struct Calibrated;
    std::shared_ptr<Calibrated> m_calPending;
    void showLoaded(const Loaded& loaded);
    void refresh();
    void refreshYield();
    void pointEvent(int index, bool clicked);
    void setBusy(bool busy);

    BackgroundTask* m_task = nullptr;
    std::shared_ptr<Loaded> m_pending;
    std::optional<core::DesignResult> m_result;
    /// Per device, per spread axis: the chips' accuracies at each level.
    std::map<std::string, std::map<std::string, ChipLevels>> m_chips;
    /// Per device: the calibrated chips, with their label.
    std::map<std::string, std::pair<QString, std::vector<double>>> m_calibrated;
    BackgroundTask* m_calTask = nullptr;
    QSpinBox* m_calPulses = nullptr;
    QPushButton* m_calibrate = nullptr;
    int m_selected = -1;
    QLineEdit* m_folder = nullptr;
    QComboBox *m_preset = nullptr, *m_yieldAxis = nullptr;
    QSpinBox* m_jobs = nullptr;
    QDoubleSpinBox *m_specAccuracy = nullptr, *m_specRobustness = nullptr;
    QPushButton *m_browse = nullptr, *m_open = nullptr, *m_run = nullptr, *m_stop = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel *m_status = nullptr, *m_answer = nullptr, *m_yieldText = nullptr;
    QTabWidget* m_charts = nullptr;
    QChartView *m_front = nullptr, *m_robust = nullptr, *m_yield = nullptr;
    QTableWidget *m_points = nullptr, *m_tolerances = nullptr;
};

}  // namespace dwmtj::ui

#pragma once
// The Robustness page's "Device variability" tab (docs/models.md, "Device variability"): the
// checked experiment files' best checkpoints with every DW-MTJ neuron its own device, accuracy
// vs the chosen spread (V50 shift, width, cycle-to-cycle jitter, stuck fraction), mean +/- sd
// across seeds and device draws per network; optionally the bootstrap of the measured curve.
// Runs in a worker thread and writes the curves into the files, like `dwmtj variability`.
#include <QWidget>

#include "dwmtj/training.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace dwmtj::ui {

class BackgroundTask;
class BandChart;
class ExperimentStore;

class VariabilityPanel : public QWidget {
    Q_OBJECT
public:
    explicit VariabilityPanel(ExperimentStore* store, QWidget* parent = nullptr);
    BackgroundTask* task() const { return m_task; }
    BandChart* chart() const { return m_chart; }
    /// Per network and level: mean, sd and n; then the bootstrap rows.
    QTableWidget* table() const { return m_table; }
    /// "v50", "width", "c2c" or "stuck": the spread to evaluate and to show.
    void setAxis(const QString& id);
    QString axis() const;
    void setLevels(double from, double to, double step);
    void setDraws(int n);
    void setBootstrap(int n);  ///< 0 = none
    void setTestImages(int n);
    void setSelection(const QStringList& paths);  ///< experiment files (all when empty)
    QStringList selection() const;
    void run();
    void stop();

Q_SIGNALS:
    void logMessage(const QString& text);
    void busyChanged(bool busy, const QString& what);

private:
    void rebuildFiles();
    void refresh();
    core::VariabilityOptions chosenOptions() const;

    ExperimentStore* m_store = nullptr;
    BackgroundTask* m_task = nullptr;
    QListWidget* m_files = nullptr;
    QComboBox* m_axis = nullptr;
    QDoubleSpinBox *m_from = nullptr, *m_to = nullptr, *m_step = nullptr;
    QSpinBox *m_draws = nullptr, *m_bootstrap = nullptr, *m_testImages = nullptr, *m_seed = nullptr;
    QPushButton *m_run = nullptr, *m_stop = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    BandChart* m_chart = nullptr;
    QTableWidget* m_table = nullptr;
};

}  // namespace dwmtj::ui

#pragma once
// The Robustness page (the paper's Fig. 4): choose trained experiment files, a sigma range
// and units; the test accuracy of each run's best checkpoint under Gaussian pixel noise is
// evaluated in a worker thread and written back into the files. Charts of raw and
// normalized accuracy vs sigma (mean +/- sd across seeds per configuration), one test image
// at several sigmas (Fig. 4a), and the energy per inference of each network. A second tab
// runs the robustness study (study_panel.h), a third the variability study
// (variability_panel.h).

#include "common/page.h"
#include "dwmtj/training_config.h"

class QDoubleSpinBox;
class QSpinBox;
class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTabWidget;

namespace dwmtj::ui {

class BackgroundTask;
class BandChart;
class ExperimentStore;
class StudyPanel;
class VariabilityPanel;

class RobustnessPage : public Page {
    Q_OBJECT
public:
    QString pageTitle() const override { return tr("Robustness"); }
    QString pageId() const override { return QStringLiteral("robustness"); }
    explicit RobustnessPage(ExperimentStore* store, QWidget* parent = nullptr);
    BandChart* rawChart() const { return m_raw; }
    BandChart* normalizedChart() const { return m_normalized; }
    BackgroundTask* task() const { return m_task; }
    /// The "Study" tab: which modelling choices decide the noise result.
    StudyPanel* study() const { return m_study; }
    /// The "Device variability" tab.
    VariabilityPanel* variability() const { return m_variability; }
    /// Shows the noise-curve tab (0), the study tab (1) or the variability tab (2).
    void showMode(int index);
    QTableWidget* energyTable() const { return m_energy; }
    /// Check the experiment files to evaluate (all of them when empty).
    void setSelection(const QStringList& paths);
    QStringList selection() const;
    void setSigmaRange(double from, double to, double step);
    void setTestImages(int n);  ///< 0 = all test images
    void evaluate();            ///< Evaluate button
    void stop();

Q_SIGNALS:
    void busyChanged(bool busy, const QString& what);

private:
    void rebuildList();
    void refreshCharts();
    void refreshImages();
    core::NoiseUnits units() const;

    ExperimentStore* m_store = nullptr;
    BackgroundTask* m_task = nullptr;
    QListWidget* m_runs = nullptr;
    QDoubleSpinBox *m_from = nullptr, *m_to = nullptr, *m_step = nullptr;
    QComboBox* m_units = nullptr;
    QSpinBox *m_seed = nullptr, *m_testImages = nullptr;
    QPushButton *m_evaluate = nullptr, *m_stop = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QList<QLabel*> m_images;
    BandChart* m_raw = nullptr;
    BandChart* m_normalized = nullptr;
    QTableWidget* m_energy = nullptr;
    StudyPanel* m_study = nullptr;
    VariabilityPanel* m_variability = nullptr;
    QTabWidget* m_modes = nullptr;
};

}  // namespace dwmtj::ui

#pragma once
// The Robustness page's "Study" tab: which modelling choices decide the noise result. A study
// (the bundled paper-noise preset or a study file) lists choices (noise model, BatchNorm
// statistics, time steps and device gain at inference); the checked ones run on the checked
// experiment files in a worker thread and their curves are written into the files. Shown as
// small multiples (one panel per choice, every network as a band across seeds) and the
// verdict table (the paper's noise claims tested under each choice).
#include <QWidget>
#include <memory>
#include <vector>

#include "dwmtj/experiment.h"
#include "dwmtj/reproduce.h"
#include "dwmtj/robustness.h"

class QCheckBox;
class QGridLayout;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace dwmtj::ui {

class BackgroundTask;
class BandChart;
class IntervalChart;
class ExperimentStore;

class StudyPanel : public QWidget {
    Q_OBJECT
public:
    explicit StudyPanel(ExperimentStore* store, QWidget* parent = nullptr);
    BackgroundTask* task() const { return m_task; }
    QTableWidget* verdictTable() const { return m_table; }
    /// Each kind's chance-corrected AUC with its 95 % CI per study row (the table's order).
    IntervalChart* endpointChart() const { return m_endpoints; }
    /// The statistics behind the table and the endpoint chart are computed off the GUI thread
    /// (an image bootstrap per comparison); this task runs them.
    BackgroundTask* statisticsTask() const { return m_summaryTask; }
    /// One panel per choice that has curves in the checked files, in study order.
    QList<BandChart*> panels() const { return m_panels; }
    /// Loads a study file (replacing the preset); returns an error naming the file or "".
    QString loadStudy(const QString& path);
    void setPreset(const QString& name);  ///< throws dwmtj::core::Error if it cannot be read
    /// Checks only these choice ids (all when empty).
    void setChoices(const QStringList& ids);
    void setSelection(const QStringList& paths);  ///< experiment files (all when empty)
    QStringList selection() const;
    void setTestImages(int n);
    void setNormalized(bool on);
    void run();
    void stop();

Q_SIGNALS:
    void logMessage(const QString& text);
    void busyChanged(bool busy, const QString& what);

private:
    void rebuildFiles();
    void rebuildChoices();
    void refresh();
    void startSummary(std::vector<core::Experiment> experiments);
    void showSummary(const core::StudySummary& summary);
    core::StudyOptions chosenOptions() const;

    ExperimentStore* m_store = nullptr;
    BackgroundTask* m_task = nullptr;
    core::StudyOptions m_study;
    QLabel* m_source = nullptr;
    QListWidget* m_files = nullptr;
    QListWidget* m_choices = nullptr;
    QSpinBox *m_testImages = nullptr, *m_seed = nullptr;
    QCheckBox* m_normalized = nullptr;
    QPushButton *m_run = nullptr, *m_stop = nullptr, *m_open = nullptr, *m_preset = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QWidget* m_grid = nullptr;
    QGridLayout* m_gridLayout = nullptr;
    QList<BandChart*> m_panels;
    QTableWidget* m_table = nullptr;
    IntervalChart* m_endpoints = nullptr;
    BackgroundTask* m_summaryTask = nullptr;
    std::shared_ptr<core::StudySummary> m_summary;  ///< written by the statistics task
    std::vector<core::Experiment> m_pending;        ///< a newer selection to summarize next
    bool m_summaryPending = false;
};

}  // namespace dwmtj::ui

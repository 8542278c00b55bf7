#pragma once
// The Train page: configuration form with the paper's presets, a run queue (one job per
// neuron type x hidden size, plus resumed files) executed in a worker thread, Start /
// Stop, progress with images/s and ETA, and live charts: per-batch loss per seed, and the
// per-epoch validation accuracy of each configuration as mean +/- sd across seeds.

#include "common/background_task.h"
#include "common/page.h"
#include "dwmtj/sweep.h"
#include "training/training_jobs.h"

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;
class QProgressBar;
class QLabel;
class QCheckBox;
class QTableWidget;
class QFormLayout;

class QMenu;

namespace dwmtj::ui {
class ConstructionBox;
class EnergyBox;
}  // namespace dwmtj::ui

namespace dwmtj::ui {

class LiveChart;
class BandChart;
class ExperimentStore;

class TrainingPage : public Page {
    Q_OBJECT
public:
    QString pageTitle() const override { return tr("Train"); }
    QString pageId() const override { return QStringLiteral("train"); }
    explicit TrainingPage(ExperimentStore* store, QWidget* parent = nullptr);
    /// The worker that runs the queue (state, stop, progress signals).
    BackgroundTask* task() const { return m_task; }
    /// The worker that runs sbatch for submitToSlurm().
    BackgroundTask* slurmTask() const { return m_slurmTask; }
    LiveChart* lossChart() const { return m_loss; }
    BandChart* accuracyChart() const { return m_accuracy; }
    QTableWidget* queueTable() const { return m_queue; }
    /// The configuration the form describes for its first network and hidden size
    /// (throws core::OptionsError for bad seeds, hidden sizes or no neuron type).
    core::TrainingConfig config() const;
    /// One job per checked neuron type (and the hybrid, when chosen) x hidden size, with their
    /// output files.
    QList<TrainingJob> jobsFromForm() const;
    /// Fill the form (used by presets and tests): one neuron type, one hidden size.
    void setConfig(const core::TrainingConfig& c, const QString& outPath);
    void setNeuronTypes(const QList<core::NeuronKind>& kinds);
    /// Also queue a hybrid network with these kinds in hidden layers 1 and 2 (on = false: none).
    void setHybrid(bool on, core::NeuronKind layer1 = core::NeuronKind::Binary,
                   core::NeuronKind layer2 = core::NeuronKind::Lif);
    void setHiddenSizes(const QString& list);
    /// The lookup table the binary (or multi-weight) DW-MTJ jobs use ("" = bundled).
    void setLutPath(const QString& path, bool multiState);
    QString outPath() const;
    /// Device variability of the DW-MTJ jobs (docs/models.md, "Device variability"; LIF jobs
    /// of the same form get none): the spreads, the device seed and where it applies.
    void setVariability(const core::VariabilitySettings& v,
                        core::VariabilityUse use = core::VariabilityUse::Evaluation);
    core::VariabilitySettings variability() const;

    void addToQueue();  ///< Add to queue button
    void start();       ///< Start: runs the queued jobs (adds the form's if none)
    void stop();        ///< Stop button
    /// Queues a resume job and starts; the file's header is read in the store's worker first.
    void resumeFile(const QString& path, int epochs = 0);
    int pendingJobs() const;
    /// The queued training jobs (the form's when the queue is empty) as one sweep of explicit
    /// configurations. Throws core::Error when they cannot share one (docs/sweeps.md).
    core::Sweep queueSweep() const;
    /// Writes the queue as a sweep into `folder` and submits it to Slurm (array job + collect
    /// job) in a worker (slurmTask(); sbatch may be slow); on success emits
    /// watchRequested(folder). Returns an error found before submitting, or "" (a failure of
    /// sbatch itself is shown as the status when the worker ends).
    QString submitToSlurm(const QString& folder, const core::SlurmOptions& options);
    void slurmDialog();  ///< "Submit to Slurm..." button
    /// Writes the queue as a sweep into `folder` and runs its tasks here, `jobs` at a time,
    /// each as its own `dwmtj sweep task` process (core::runSweepFolder, as `dwmtj sweep run`),
    /// in a worker (localSweepTask(); Stop or Stop all stops it, and a later run resumes
    /// what is left); the Runs page follows the folder, and the finished tasks are collected
    /// into results/. Returns an error found before starting, or "".
    QString runSweepHere(const QString& folder, int jobs);
    BackgroundTask* localSweepTask() const { return m_localSweepTask; }
    /// Writes the queue (as queueSweep) as a sweep file for `dwmtj sweep run|submit`.
    /// Returns an error or "".
    QString saveSweep(const QString& path);
    /// Queues one job per configuration of a sweep file, with all its seeds, each writing
    /// its own file next to the form's experiment file. Returns an error or "".
    QString openSweep(const QString& path);

Q_SIGNALS:
    void busyChanged(bool busy, const QString& what);
    /// A sweep was submitted there: follow its experiment files (the Runs page).
    void watchRequested(const QString& folder);

private:
    struct QueueEntry {
        TrainingJob job;
        QString status = QStringLiteral("queued");
        double bestValidation = -1, test = -1;
    };
    void onJobStarted(int index);
    void queueResume(const QString& path, int epochs);
    void askResumeEpochs(const QString& path);
    void onBatch(const core::BatchProgress& p);
    void onEpoch(const core::EpochReport& r);
    void onFinished(const RunSummary& s);
    void onResult(const QVariant& value);
    void onFailed(const QString& error);
    void onState(BackgroundTask::State s);
    void onSlurmSubmitted(const QString& folder, const QStringList& jobs);
    /// Writes the queue as a sweep into `folder` (made if needed) and prepares it; returns the
    /// dwmtj program the tasks run. Throws core::Error (`why` says who needs the program).
    std::string queueIntoSweepFolder(const QString& folder, const char* why,
                                     const char* comment) const;
    /// The Sweep menu's "Run the queue as a sweep here..." and its Stop (training_sweeps.cpp).
    void addLocalSweepActions(QMenu* menu);
    void applyPreset(int index);
    QFormLayout* buildForm();  ///< the settings form with its widgets (training_form.cpp)
    /// Shows the gain and the spreads in the chosen LUTs' drive unit (drive_units.cpp).
    void updateDriveUnits();
    void refreshQueue();
    QString showError(const QString& text);  ///< shows it as the status; returns it
    QString uniquePath(const QString& wanted, const QStringList& taken) const;
    std::string lutFor(core::NeuronKind kind) const;
    /// The networks the form asks for: one kind per hidden layer each.
    std::vector<std::vector<core::NeuronKind>> networks() const;

    BackgroundTask* m_task = nullptr;
    BackgroundTask* m_slurmTask = nullptr;
    BackgroundTask* m_localSweepTask = nullptr;
    ExperimentStore* m_store = nullptr;
    QComboBox* m_preset = nullptr;
    /// The paper's experiments (resources/paper-experiments.ini, paper scale): name, and one
    /// configuration per neuron kind; item i + 1 of m_preset.
    QList<QPair<QString, std::vector<core::TrainingConfig>>> m_presets;
    /// One checkbox per registered neuron kind (a pure network of that kind each).
    QList<QPair<core::NeuronKind, QCheckBox*>> m_kindBoxes;
    QCheckBox* m_hybrid = nullptr;  ///< also queue a hybrid network
    QComboBox *m_hybridLayer1 = nullptr, *m_hybridLayer2 = nullptr;
    QLineEdit* m_hidden = nullptr;
    QSpinBox *m_timesteps = nullptr, *m_epochs = nullptr, *m_batch = nullptr;
    QDoubleSpinBox* m_lr = nullptr;
    QDoubleSpinBox *m_trainNoise = nullptr, *m_gain = nullptr;
    double m_driveFactor = 1;  ///< shown = SI value x this (1e3 for mA)
    QString m_driveUnit = QStringLiteral("V");
    ConstructionBox* m_construction = nullptr;
    EnergyBox* m_energy = nullptr;
    QDoubleSpinBox *m_varV50 = nullptr, *m_varWidth = nullptr, *m_varC2c = nullptr,
                   *m_varStuck = nullptr;
    QSpinBox* m_varSeed = nullptr;
    QComboBox* m_varUse = nullptr;
    QComboBox* m_device = nullptr;
    QLineEdit *m_seeds = nullptr, *m_lutBinary = nullptr, *m_lutMulti = nullptr,
              *m_dataDir = nullptr, *m_out = nullptr;
    QCheckBox* m_sample = nullptr;
    QPushButton *m_startButton = nullptr, *m_stopButton = nullptr, *m_addButton = nullptr,
                *m_resumeButton = nullptr, *m_removeButton = nullptr, *m_slurmButton = nullptr,
                *m_sweepButton = nullptr;
    QTableWidget* m_queue = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    LiveChart* m_loss = nullptr;
    BandChart* m_accuracy = nullptr;
    QList<QueueEntry> m_entries;
    QList<int> m_running;  ///< entry index of each job of the queue in flight
    int m_current = -1;    ///< entry index of the job in flight
};

}  // namespace dwmtj::ui

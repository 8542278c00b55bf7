#pragma once
// The Train page: configuration form, Start / Stop, progress with images/s and ETA, and
// live charts of the per-batch loss and the per-epoch validation accuracy of each seed.
#include <QWidget>

#include "training/training_controller.h"

class QComboBox;
class QSpinBox;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;
class QProgressBar;
class QLabel;
class QCheckBox;

namespace dwmtj::ui {

class LiveChart;

class TrainingPage : public QWidget {
    Q_OBJECT
public:
    explicit TrainingPage(QWidget* parent = nullptr);
    TrainingController* controller() const { return m_controller; }
    LiveChart* lossChart() const { return m_loss; }
    LiveChart* accuracyChart() const { return m_accuracy; }
    /// The configuration the form describes (throws core::OptionsError for bad seeds).
    core::TrainingConfig config() const;
    /// Fill the form (used by presets and tests).
    void setConfig(const core::TrainingConfig& c, const QString& outPath);
    QString outPath() const;

    void start();  ///< Start button
    void stop();   ///< Stop button

Q_SIGNALS:
    void logMessage(const QString& text);
    void busyChanged(bool busy, const QString& what);

private:
    void onBatch(const core::BatchProgress& p);
    void onEpoch(const core::EpochReport& r);
    void onFinished(const RunSummary& s);
    void onState(TrainingController::State s);
    void applyPreset(int index);

    TrainingController* m_controller = nullptr;
    QComboBox* m_preset = nullptr;
    QComboBox* m_neuron = nullptr;
    QSpinBox *m_hidden = nullptr, *m_timesteps = nullptr, *m_epochs = nullptr, *m_batch = nullptr;
    QDoubleSpinBox* m_lr = nullptr;
    QLineEdit *m_seeds = nullptr, *m_lut = nullptr, *m_dataDir = nullptr, *m_out = nullptr;
    QCheckBox* m_sample = nullptr;
    QPushButton *m_startButton = nullptr, *m_stopButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    LiveChart* m_loss = nullptr;
    LiveChart* m_accuracy = nullptr;
    int m_globalBatch = 0;
};

}  // namespace dwmtj::ui

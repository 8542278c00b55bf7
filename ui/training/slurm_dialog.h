#pragma once
// "Submit to Slurm": the sweep folder and the sbatch options for the Train page's queue, with
// the array script shown before anything is submitted (docs/sweeps.md).
#include <QDialog>

#include "dwmtj/sweep.h"

class QLineEdit;
class QSpinBox;
class QPlainTextEdit;

namespace dwmtj::ui {

class SlurmDialog : public QDialog {
    Q_OBJECT
public:
    /// `sweep` is what will be submitted; `dwmtjBinary` what the nodes run.
    SlurmDialog(core::Sweep sweep, QString dwmtjBinary, QString folder, QWidget* parent = nullptr);
    QString folder() const;
    core::SlurmOptions options() const;
    /// The array script as it would be submitted with the current options.
    QString preview() const;

private:
    void refresh();
    core::Sweep m_sweep;
    QString m_binary;
    QLineEdit *m_folder = nullptr, *m_partition = nullptr, *m_account = nullptr, *m_time = nullptr,
              *m_mem = nullptr, *m_gres = nullptr;
    QSpinBox *m_cpus = nullptr, *m_maxParallel = nullptr;
    QPlainTextEdit *m_extra = nullptr, *m_script = nullptr;
};

}  // namespace dwmtj::ui

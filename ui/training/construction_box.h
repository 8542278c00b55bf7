#pragma once
// The Train page's "Network construction" row (docs/models.md, "As released"): device gradient,
// BatchNorm placement and statistics, input encoding, initialization, frozen layers and neuron
// sampling, with a button that sets every option as the paper's released code has it.
#include <QWidget>

#include "dwmtj/training_config.h"

class QComboBox;

namespace dwmtj::ui {

class ConstructionBox : public QWidget {
    Q_OBJECT
public:
    explicit ConstructionBox(QWidget* parent = nullptr);
    /// Copies the chosen construction into `c` (its other fields untouched).
    void apply(core::TrainingConfig& c) const;
    /// Shows `c`'s construction.
    void set(const core::TrainingConfig& c);
    /// Every option as released (device gradient none, BatchNorm after and per step,
    /// standardized input, Xavier), or this tool's defaults.
    void setReleased(bool released);

private:
    QComboBox *m_gradient = nullptr, *m_placement = nullptr, *m_statistics = nullptr,
              *m_input = nullptr, *m_init = nullptr, *m_freeze = nullptr, *m_sampling = nullptr;
};

}  // namespace dwmtj::ui

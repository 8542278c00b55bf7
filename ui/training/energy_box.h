#pragma once
// The Train page's "Energy model" row: the device's two-point and four-point resistances, the
// write pulse and its rise plus fall time, from which every run's energy per inference is
// computed (docs/models.md, "Energy"; recorded in the experiment file's /config).
#include <QWidget>

#include "dwmtj/training_config.h"

class QDoubleSpinBox;

namespace dwmtj::ui {

class EnergyBox : public QWidget {
    Q_OBJECT
public:
    explicit EnergyBox(QWidget* parent = nullptr);
    /// Copies the energy model into `c` (its other fields untouched).
    void apply(core::TrainingConfig& c) const;
    /// Shows `c`'s energy model.
    void set(const core::TrainingConfig& c);

private:
    QDoubleSpinBox *m_r2 = nullptr, *m_r4 = nullptr, *m_pulse = nullptr, *m_riseFall = nullptr;
};

}  // namespace dwmtj::ui

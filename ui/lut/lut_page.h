#pragma once
// The Lookup table page: builds the LUT a simulated neuron samples from (source, grid size,
// voltage range) from the device page's data and fit, previews p(V) (or the cumulative
// curves of a multi-weight device) and dp/dV, exports CSV or HDF5, and shows the energy of
// one device sample for given electrical parameters.
#include <optional>

#include "common/page.h"
#include "dwmtj/lut.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QSpinBox;

namespace dwmtj::ui {

class DevicePage;
class LiveChart;

class LutPage : public Page {
    Q_OBJECT
public:
    QString pageTitle() const override { return tr("Lookup table"); }
    QString pageId() const override { return QStringLiteral("lut"); }
    explicit LutPage(DevicePage* source, QWidget* parent = nullptr);
    /// Rebuilds from the device page's current data (called when a file is loaded).
    void rebuild();
    const std::optional<core::Lut>& lut() const { return m_lut; }
    LiveChart* valueChart() const { return m_value; }
    LiveChart* derivativeChart() const { return m_derivative; }
    QString energyText() const;
    /// Writes the current LUT (.csv, .h5); returns an error message or "".
    QString exportLut(const QString& path) const;
    void setGridSize(int n);

Q_SIGNALS:
    /// The user saved the LUT at `path` for training (multi-weight or binary neurons).
    void useForTraining(const QString& path, bool multiState);

protected:
    void showEvent(QShowEvent* e) override;  ///< catches up with a refit on the device page

private:
    void updateEnergy();
    DevicePage* m_source;
    std::optional<core::Lut> m_lut;
    QComboBox* m_kind = nullptr;
    QSpinBox* m_size = nullptr;
    QCheckBox* m_autoRange = nullptr;
    QDoubleSpinBox *m_vMin = nullptr, *m_vMax = nullptr;
    QDoubleSpinBox *m_voltage = nullptr, *m_current = nullptr, *m_r2 = nullptr, *m_r4 = nullptr,
                   *m_pulse = nullptr, *m_rise = nullptr;
    QLabel* m_info = nullptr;
    QLabel* m_rangeLabel = nullptr;
    QFormLayout* m_energyForm = nullptr;
    core::DriveDisplay m_drive;  ///< the device's drive as shown (volts until a current device)
    QLabel* m_energy = nullptr;
    LiveChart* m_value = nullptr;
    LiveChart* m_derivative = nullptr;
};

}  // namespace dwmtj::ui

// The Train page's drive units: the device gain and the variability spreads are amplitudes of
// the device's drive, volts for a voltage-driven device and amperes for a current-driven one
// (dwmtj/device_data.h, Drive). The page reads the drive of the chosen lookup tables and shows
// these fields in V, mA or uA; the configuration keeps SI units.
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <cmath>
#include <set>

#include "dwmtj/lut.h"
#include "training/training_page.h"

namespace dwmtj::ui {

void TrainingPage::updateDriveUnits()
{
    std::set<core::Drive> drives;
    double typical = 0;
    for (QLineEdit* edit : {m_lutBinary, m_lutMulti}) {
        const QString path = edit->text().trimmed();
        if (path.isEmpty()) continue;  // the bundled tables are voltage-driven
        try {
            const core::Lut lut = core::loadLut(path.toStdString());
            drives.insert(lut.drive);
            typical = std::max(typical, std::abs(lut.centreVoltage));
        } catch (const std::exception&) {
            // an unreadable table is reported when a run starts; the units stay as they are
            return;
        }
    }
    const bool mixed = drives.size() > 1;
    const core::DriveDisplay d = core::driveDisplay(
        drives.count(core::Drive::Current) && !mixed ? core::Drive::Current : core::Drive::Voltage,
        typical);
    const QString unit = mixed ? QStringLiteral("V or A") : QString::fromStdString(d.unit);
    const double factor = mixed ? 1.0 : d.factor;
    if (unit == m_driveUnit) return;
    const double scale = factor / m_driveFactor;
    for (QDoubleSpinBox* sb : {m_gain, m_varV50, m_varC2c}) {
        const double v = sb->value() * scale;
        sb->setMaximum(sb->maximum() * scale);
        sb->setDecimals(factor > 1 ? 3 : 4);
        sb->setSingleStep(sb->singleStep() * scale);
        sb->setValue(v);
        sb->setSuffix(QStringLiteral(" ") + unit);
    }
    m_gain->setToolTip(
        tr("DW-MTJ input-to-drive gain (%1 per unit of normalized input): how stochastic the "
           "device neuron is; 0 = the LUT's suggestion%2")
            .arg(unit, mixed ? tr(". The chosen tables are of a voltage-driven and a "
                                  "current-driven device: the value is in each one's unit")
                             : QString()));
    m_driveFactor = factor;
    m_driveUnit = unit;
}

}  // namespace dwmtj::ui

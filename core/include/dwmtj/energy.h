#pragma once
// Energy of one device sample (one write pulse across the heavy-metal line):
//   E = (V * R4/R2)^2 / R4 * t_eff,
// V the pulse voltage across the two-point path [V], R2 the two-point resistance [ohm],
// R4 the four-point (track) resistance [ohm], t_eff the effective pulse time [s]
// (pulse width plus rise/fall time). The paper's values give 44.68 pJ; the paper's "around
// 44.9 pJ" rounds the track voltage 1.8 V x 365/1029 = 0.6385 V to 0.64 V (docs/models.md).
// A current-driven device (Drive::Current): the pulse current I flows through the track,
//   E = I^2 R4 t_eff   (R2 is not used).
#include "dwmtj/device_data.h"  // Drive

namespace dwmtj::core {

struct EnergyParameters {
    Drive drive = Drive::Voltage;
    double voltageV = 1.8;   ///< the pulse voltage (voltage drive)
    double currentA = 1e-3;  ///< the pulse current (current drive)
    double twoPointResistanceOhm = 1029;
    double fourPointResistanceOhm = 365;
    double pulseWidthNs = 30;
    double riseFallNs = 10;
    void validate() const;  ///< throws OptionsError
    double effectiveTimeNs() const { return pulseWidthNs + riseFallNs; }
};

struct EnergyBreakdown {
    double trackVoltageV = 0;  ///< V * R4/R2, the voltage across the DW track
    double trackCurrentA = 0;
    double powerW = 0;
    double energyJ = 0;
};

EnergyBreakdown sampleEnergy(const EnergyParameters& p);
/// Energy of one sample at another amplitude (V, or A for a current drive) with the same
/// resistances and timing [J].
double sampleEnergyAt(const EnergyParameters& p, double amplitude);

}  // namespace dwmtj::core

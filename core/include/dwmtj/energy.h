#pragma once
// Energy of one device sample (one write pulse across the heavy-metal line):
//   E = (V * R4/R2)^2 / R4 * t_eff,
// V the pulse voltage across the two-point path [V], R2 the two-point resistance [ohm],
// R4 the four-point (track) resistance [ohm], t_eff the effective pulse time [s]
// (pulse width plus rise/fall time). The paper's values give 44.68 pJ; the paper's "around
// 44.9 pJ" rounds the track voltage 1.8 V x 365/1029 = 0.6385 V to 0.64 V (docs/models.md).

namespace dwmtj::core {

struct EnergyParameters {
    double voltageV = 1.8;
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
/// Energy of one sample at another voltage with the same resistances and timing [J].
double sampleEnergyAt(const EnergyParameters& p, double voltageV);

}  // namespace dwmtj::core

#include "dwmtj/energy.h"

#include <cmath>
#include <string>

#include "dwmtj/error.h"

namespace dwmtj::core {

void EnergyParameters::validate() const
{
    auto positive = [](double v, const char* name) {
        if (!(std::isfinite(v) && v > 0))
            throw OptionsError(std::string("energy: ") + name +
                               " must be a positive number, found " + std::to_string(v));
    };
    positive(twoPointResistanceOhm, "two-point resistance R2 [ohm]");
    positive(fourPointResistanceOhm, "four-point resistance R4 [ohm]");
    positive(pulseWidthNs, "pulse width [ns]");
    if (!(std::isfinite(voltageV))) throw OptionsError("energy: voltage must be finite");
    if (!(std::isfinite(currentA))) throw OptionsError("energy: current must be finite");
    if (!(std::isfinite(riseFallNs) && riseFallNs >= 0))
        throw OptionsError("energy: rise/fall time [ns] must be >= 0");
    if (fourPointResistanceOhm > twoPointResistanceOhm)
        throw OptionsError(
            "energy: the four-point (track) resistance R4 cannot exceed the "
            "two-point resistance R2");
}

double sampleEnergyAt(const EnergyParameters& p, double amplitude)
{
    if (p.drive == Drive::Current)
        return amplitude * amplitude * p.fourPointResistanceOhm * p.effectiveTimeNs() * 1e-9;
    const double vTrack = amplitude * p.fourPointResistanceOhm / p.twoPointResistanceOhm;
    return vTrack * vTrack / p.fourPointResistanceOhm * p.effectiveTimeNs() * 1e-9;
}

EnergyBreakdown sampleEnergy(const EnergyParameters& p)
{
    p.validate();
    EnergyBreakdown b;
    if (p.drive == Drive::Current) {
        b.trackCurrentA = p.currentA;
        b.trackVoltageV = p.currentA * p.fourPointResistanceOhm;
    } else {
        b.trackVoltageV = p.voltageV * p.fourPointResistanceOhm / p.twoPointResistanceOhm;
        b.trackCurrentA = b.trackVoltageV / p.fourPointResistanceOhm;
    }
    b.powerW = b.trackVoltageV * b.trackCurrentA;
    b.energyJ = b.powerW * p.effectiveTimeNs() * 1e-9;
    return b;
}

}  // namespace dwmtj::core

#pragma once
// Lookup tables that a simulated neuron samples from: a uniform voltage grid with linear
// interpolation, clamped outside the range. Binary: p(V) and dp/dV. Multi-state: the
// cumulative curves P(state >= k | V), k = 2..K, and their derivatives.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dwmtj/device_data.h"
#include "dwmtj/ordinal_fit.h"
#include "dwmtj/sigmoid_fit.h"

namespace dwmtj::core {

enum class LutSource { Fit, Empirical };
const char* toString(LutSource s);

struct LutOptions {
    LutSource source = LutSource::Fit;
    int size = 1024;  ///< grid points, >= 2
    /// Voltage range [V]; unset (min >= max) = the measured range, widened for a fit to
    /// cover V50 +/- 6 w (binary) or V_2 - 6 w_2 .. V_K + 6 w_K (multi-state).
    double voltageMin = 0, voltageMax = 0;
    void validate() const;
};

struct Lut {
    DeviceKind kind = DeviceKind::Binary;
    int numStates = 2;  ///< K (2 for a binary device)
    /// What the grid holds: volts, or amperes for a current-driven device (then every "[V]"
    /// of this struct, the centre and the gain are in A).
    Drive drive = Drive::Voltage;
    std::vector<double> voltage;  ///< uniform grid [V]
    /// Binary: curves[0] = p(V). Multi-state: curves[k-2] = P(state >= k | V), k = 2..K.
    std::vector<std::vector<double>> curves;
    std::vector<std::vector<double>> derivatives;  ///< d curve / dV [1/V]
    /// Provenance: method, fit parameters, source file and its SHA-256, options.
    std::map<std::string, std::string> provenance;
    /// Suggested neuron operating point: centre voltage and gain [V per unit input].
    double centreVoltage = 0, gainVolts = 0;

    double vMin() const { return voltage.front(); }
    double vMax() const { return voltage.back(); }
    /// Linear interpolation of curve c at V, clamped to the range.
    double value(int curve, double voltageV) const;
    double derivative(int curve, double voltageV) const;
};

/// Binary LUT from a sigmoid fit (source Fit) or the empirical points (source Empirical:
/// weighted isotonic regression, then monotone cubic (Fritsch-Carlson) interpolation).
Lut buildBinaryLut(const DeviceData& data, const SigmoidFit* fit, const LutOptions& options);
/// Multi-state LUT from an ordinal fit or the empirical cumulative proportions.
Lut buildMultiStateLut(const DeviceData& data, const OrdinalFit* fit, const LutOptions& options);

/// Characterization uncertainty (docs/models.md, "Uncertainty of the measured curve"): `n` LUTs
/// built like `nominal` (its method, fit form, grid size and voltage range, from its
/// provenance) from `data` resampled with replacement at each voltage: the measured cycles
/// (binary switch events; multi-weight reached states) or, for binary counts without events,
/// the trials as Bernoulli draws at the observed proportion. The fit uses all of the data's
/// voltages. Resample k draws from a generator seeded by (seed, k); a resample whose fit fails
/// is replaced by the next one and counted in `failures`. Throws OptionsError when the data
/// have no trials to resample (probabilities only) or are of another device kind.
std::vector<Lut> bootstrapLuts(const DeviceData& data, const Lut& nominal, int n, uint64_t seed,
                               int* failures = nullptr);

/// Write the LUT atomically as CSV (provenance in # comment lines) or HDF5 (by extension
/// .csv / .h5 / .hdf5). Throws Error on failure; no partial file is left behind.
void saveLut(const Lut& lut, const std::string& path);
/// Read a LUT written by saveLut (CSV or HDF5). Throws FileFormatError.
Lut loadLut(const std::string& path);

/// Monotone (non-decreasing) weighted least-squares fit of y (pool adjacent violators).
std::vector<double> isotonicRegression(const std::vector<double>& y, const std::vector<double>& w);
/// Fritsch-Carlson monotone cubic interpolation: value and derivative at xq.
void pchip(const std::vector<double>& x, const std::vector<double>& y, double xq, double& value,
           double& derivative);

}  // namespace dwmtj::core

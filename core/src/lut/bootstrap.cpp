// Characterization uncertainty: LUTs rebuilt from resampled device measurements (dwmtj/lut.h,
// bootstrapLuts; docs/models.md "Uncertainty of the measured curve").
#include <cmath>
#include <map>
#include <random>
#include <string>

#include "dwmtj/error.h"
#include "dwmtj/lut.h"

namespace dwmtj::core {
namespace {

/// Uniform index in [0, m) (53-bit multiply; the same on every machine).
size_t pick(std::mt19937_64& rng, size_t m)
{
    return size_t((double(rng() >> 11) * (1.0 / 9007199254740992.0)) * double(m));
}

double unit(std::mt19937_64& rng) { return double(rng() >> 11) * (1.0 / 9007199254740992.0); }

std::string provenanceOr(const Lut& l, const std::string& key, const std::string& fallback)
{
    const auto it = l.provenance.find(key);
    return it == l.provenance.end() ? fallback : it->second;
}

/// Binary data resampled: each voltage's cycles (switch events) with replacement, or, with
/// counts only, each voltage's trials as Bernoulli draws at the observed proportion.
DeviceData resampleBinary(const DeviceData& d, std::mt19937_64& rng)
{
    DeviceData r = d;
    r.binary.traces.clear();
    if (!d.binary.events.empty()) {
        std::map<double, std::vector<const SwitchEvent*>> byVoltage;
        for (const auto& e : d.binary.events) byVoltage[e.voltage].push_back(&e);
        r.binary.events.clear();
        for (const auto& [v, cycles] : byVoltage)
            for (size_t k = 0; k < cycles.size(); ++k)
                r.binary.events.push_back(*cycles[pick(rng, cycles.size())]);
        r.binary.counts = aggregateEvents(r.binary.events);
        return r;
    }
    for (auto& c : r.binary.counts) {
        const double p = c.trials > 0 ? c.switches / c.trials : 0.0;
        const auto n = static_cast<long>(std::llround(c.trials));
        double s = 0;
        for (long t = 0; t < n; ++t) s += unit(rng) < p ? 1 : 0;
        c.switches = s;
        c.probability = n > 0 ? s / double(n) : 0.0;
    }
    return r;
}

/// Multi-state data resampled: each voltage's cycles (reached states) with replacement.
DeviceData resampleMultiState(const DeviceData& d, std::mt19937_64& rng)
{
    DeviceData r = d;
    auto& m = r.multi;
    m.observations.clear();
    for (size_t v = 0; v < d.multi.voltages.size(); ++v) {
        const auto& row = d.multi.stateCounts[v];
        double n = 0;
        for (double c : row) n += c;
        const auto cycles = static_cast<long>(std::llround(n));
        for (long t = 0; t < cycles; ++t) {
            // The state of a cycle drawn with replacement: state k with probability row[k] / n.
            double u = unit(rng) * n;
            int k = 0;
            while (k + 1 < int(row.size()) && u >= row[size_t(k)]) u -= row[size_t(k++)];
            m.observations.push_back({d.multi.voltages[v], int(t), k + 1});
        }
    }
    m.numStates = d.multi.numStates;
    aggregateStates(m);
    // A state no resampled cycle reached keeps its (empty) column.
    for (auto& row : m.stateCounts) row.resize(size_t(d.multi.numStates), 0.0);
    m.numStates = d.multi.numStates;
    return r;
}

}  // namespace

std::vector<Lut> bootstrapLuts(const DeviceData& data, const Lut& nominal, int n, uint64_t seed,
                               int* failures)
{
    if (n < 1 || n > 100000) throw OptionsError("bootstrap: resamples must be 1..100000");
    if (data.kind != nominal.kind)
        throw OptionsError(std::string("bootstrap: the LUT is of a ") +
                           (nominal.kind == DeviceKind::Binary ? "binary" : "multi-weight") +
                           " device, the measurements of another kind");
    if (data.kind == DeviceKind::Binary && data.binary.events.empty() && !data.binary.trialsKnown)
        throw OptionsError("bootstrap: " + data.sourcePath +
                           " gives switching probabilities without trial counts: there are no "
                           "measured cycles to resample");
    LutOptions o;
    o.source = provenanceOr(nominal, "method", "fit") == "empirical" ? LutSource::Empirical
                                                                     : LutSource::Fit;
    o.size = int(nominal.voltage.size());
    o.voltageMin = nominal.vMin();  // the nominal grid: tables comparable point by point
    o.voltageMax = nominal.vMax();
    SigmoidFitOptions sf;
    sf.drive = data.drive;
    if (provenanceOr(nominal, "fit_form", "2-parameter") == "4-parameter")
        sf.form = SigmoidForm::FourParameter;
    OrdinalFitOptions of;
    of.commonWidth = provenanceOr(nominal, "fit_common_width", "no") == "yes";
    std::vector<Lut> out;
    int failed = 0;
    // A resample whose fit cannot be made (a threshold perfectly separated in the resample) is
    // counted and replaced by the next one; at most n of them.
    for (uint64_t k = 0; int(out.size()) < n; ++k) {
        if (failed > n)
            throw FitError("bootstrap: " + std::to_string(failed) + " of " + std::to_string(k) +
                           " resamples could not be fitted");
        std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + k + 1);
        try {
            if (data.kind == DeviceKind::Binary) {
                const DeviceData r = resampleBinary(data, rng);
                if (o.source == LutSource::Fit) {
                    const SigmoidFit fit = fitSigmoid(r.binary.counts, r.binary.trialsKnown, sf);
                    out.push_back(buildBinaryLut(r, &fit, o));
                } else {
                    out.push_back(buildBinaryLut(r, nullptr, o));
                }
            } else {
                const DeviceData r = resampleMultiState(data, rng);
                if (o.source == LutSource::Fit) {
                    const OrdinalFit fit = fitOrdinal(r.multi, of);
                    out.push_back(buildMultiStateLut(r, &fit, o));
                } else {
                    out.push_back(buildMultiStateLut(r, nullptr, o));
                }
            }
        } catch (const FitError&) {
            ++failed;
        }
    }
    if (failures) *failures = failed;
    return out;
}

}  // namespace dwmtj::core

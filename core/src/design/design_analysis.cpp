// The design study's analysis (dwmtj/design.h): per device its networks' clean accuracy and
// noise endpoint (dwmtj/endpoint.h intervals: seeds and test images), energy per correct
// inference at each energy setting, the accuracy of its chips at each spread level, the Pareto
// front and the loosest device that meets the spec.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "design/design_internal.h"
#include "dwmtj/design.h"
#include "dwmtj/energy.h"
#include "dwmtj/error.h"
#include "dwmtj/measurement_plan.h"
#include "dwmtj/noise_endpoint.h"
#include "dwmtj/stats.h"
#include "dwmtj/training.h"

namespace dwmtj::core {

namespace {

/// Mean with its 95 % Student t interval over independent values (NaN interval for one).
DesignValue meanInterval(const std::vector<double>& v)
{
    DesignValue out;
    if (v.empty()) return out;
    const stats::Summary s = stats::summarize(v);
    out.value = s.mean;
    if (v.size() < 2) return out;
    const double half =
        stats::studentTQuantile(0.975, double(v.size() - 1)) * s.sd / std::sqrt(double(v.size()));
    out.low = s.mean - half;
    out.high = s.mean + half;
    return out;
}

DesignValue fromEstimate(const endpoint::Estimate& e) { return {e.value, e.low, e.high}; }

/// An interval clipped to the values the quantity can take (a t interval over 2 or 3 seeds
/// reaches past them).
DesignValue clipped(DesignValue v, double lo, double hi)
{
    if (std::isfinite(v.low)) v.low = std::clamp(v.low, lo, hi);
    if (std::isfinite(v.high)) v.high = std::clamp(v.high, lo, hi);
    return v;
}

/// The energy of one sample at the design's energy setting relative to the one the network
/// recorded (E is proportional to V^2 at fixed resistances and timing, so the ratio is exact).
/// R2 keeps the nominal series resistance R2 - R4.
double energyScale(const TrainingConfig& c, double pulseNs, double r4)
{
    EnergyParameters recorded;
    recorded.twoPointResistanceOhm = c.energyR2Ohm;
    recorded.fourPointResistanceOhm = c.energyR4Ohm;
    recorded.pulseWidthNs = c.energyPulseNs;
    recorded.riseFallNs = c.energyRiseFallNs;
    EnergyParameters design = recorded;
    design.pulseWidthNs = pulseNs;
    design.fourPointResistanceOhm = r4;
    design.twoPointResistanceOhm = r4 + (c.energyR2Ohm - c.energyR4Ohm);
    return sampleEnergyAt(design, 1.0) / sampleEnergyAt(recorded, 1.0);
}

bool meets(const DesignValue& v, double spec, bool confident)
{
    const double x = confident ? v.low : v.value;
    return std::isfinite(x) && x >= spec;
}

/// a and b differ (two NaN do not).
bool differ(double a, double b) { return a != b && !(std::isnan(a) && std::isnan(b)); }

/// Looser first: the fewest notches (binary: 1), the widest curve, the highest floor, the lowest
/// ceiling, the closest notches, the least energy.
bool looser(const DesignPoint& a, const DesignPoint& b)
{
    if (a.notches != b.notches) return a.notches < b.notches;
    if (differ(a.widthRatio, b.widthRatio)) return a.widthRatio > b.widthRatio;
    if (differ(a.floor, b.floor)) return a.floor > b.floor;
    if (differ(a.ceiling, b.ceiling)) return a.ceiling < b.ceiling;
    if (differ(a.notchSpacing, b.notchSpacing)) return a.notchSpacing < b.notchSpacing;
    return a.energyPerCorrectJ.value < b.energyPerCorrectJ.value;
}

/// a is at least as good as b in accuracy, robustness and energy per correct inference and
/// better in one; both have accuracy and robustness. A point without energy competes on the
/// other two, but never beats a point whose energy is known (its own cost is unknown).
bool dominates(const DesignPoint& a, const DesignPoint& b)
{
    if (!std::isfinite(a.accuracy.value) || !std::isfinite(a.robustness.value) ||
        !std::isfinite(b.accuracy.value) || !std::isfinite(b.robustness.value))
        return false;
    const double ea = a.energyPerCorrectJ.value, eb = b.energyPerCorrectJ.value;
    if (!std::isfinite(ea) && std::isfinite(eb)) return false;
    const bool energy = std::isfinite(ea) && std::isfinite(eb);
    if (a.accuracy.value < b.accuracy.value || a.robustness.value < b.robustness.value ||
        (energy && ea > eb))
        return false;
    return a.accuracy.value > b.accuracy.value || a.robustness.value > b.robustness.value ||
           (energy && ea < eb);
}

/// A measured device's place in the design's parameters. Binary: its width relative to the
/// nominal's and its curve's lowest and highest p. Multi-weight: its notch count, and where its
/// table's drive is the device's voltage its mean notch spacing and width relative to the
/// nominal multi-weight device's. NaN where not known.
void placeMeasured(const DesignSpace& d, const DesignDevice& dev, const Experiment& e,
                   DesignPoint& p)
{
    const Lut* lut = e.layerLut(0);
    if (!lut || lut->curves.empty()) return;
    try {
        if (lut->kind == DeviceKind::MultiState) {
            p.notches = int(lut->curves.size());
            if (!neuronKindInfo(dev.neuron).physicalDrive || lut->curves.size() < 2) return;
            const auto own = design_detail::summarizeNotches(*lut);
            const auto nominal =
                design_detail::summarizeNotches(loadLut(designNominalLutFile(d, true)));
            p.notchSpacing = own.spacing / nominal.spacing;
            p.widthRatio = own.width / nominal.width;
            return;
        }
        double v50 = 0, w = 0, v0 = 0, w0 = 0;
        lutCentreAndWidth(*lut, v50, w);
        lutCentreAndWidth(loadLut(designNominalLutFile(d)), v0, w0);
        p.widthRatio = w / w0;
        p.floor = *std::min_element(lut->curves[0].begin(), lut->curves[0].end());
        p.ceiling = *std::max_element(lut->curves[0].begin(), lut->curves[0].end());
    } catch (const Error&) {  // no midpoint crossing or no nominal table: not placed
    }
}

/// The voltages a measured device's networks applied to it (their recorded histogram) and its
/// first curve's p there.
void appliedRange(const Experiment& e, DesignPoint& p)
{
    const VoltageHistogram h = appliedVoltageHistogram(e);
    if (h.counts.empty() || !(h.high > h.low)) return;
    const AppliedVoltages a = appliedVoltages(h.counts, h.low, h.high, {});
    if (!(a.samples > 0)) return;
    p.appliedV = {a.median, a.q05, a.q95};
    if (const Lut* lut = e.layerLut(0); lut && !lut->curves.empty()) {
        const double at[] = {a.q05, a.median, a.q95};
        for (int k = 0; k < 3; ++k) p.appliedP[size_t(k)] = lut->value(0, at[k]);
    }
}

/// Per run seed, a network's accuracy on the chips of one V50 spread: chip 0 (`own`) and the mean
/// of the others (`other`, absent with one draw).
void chipAccuracies(const Experiment& e, double level, uint64_t chipSeed,
                    std::map<uint64_t, double>& own, std::map<uint64_t, double>& other)
{
    for (const RunRecord& run : e.runs)
        for (const VariabilityCurve& vc : run.variability) {
            if (vc.axis != "v50" || vc.seed != chipSeed) continue;
            for (size_t k = 0; k < vc.level.size() && k < vc.accuracy.size(); ++k) {
                const auto& a = vc.accuracy[k];
                if (vc.level[k] != level || a.empty()) continue;
                own[run.seed] = a[0];
                if (a.size() > 1) other[run.seed] = stats::summarize({a.begin() + 1, a.end()}).mean;
            }
        }
}

/// Paired by seed: the means of a and b over the seeds both have and of a - b, t intervals.
void pairedBySeed(const std::map<uint64_t, double>& a, const std::map<uint64_t, double>& b,
                  DesignValue& va, DesignValue& vb, DesignValue& diff, int* pairs = nullptr)
{
    std::vector<double> x, y, dx;
    for (const auto& [seed, v] : a)
        if (auto it = b.find(seed); it != b.end()) {
            x.push_back(v);
            y.push_back(it->second);
            dx.push_back(v - it->second);
        }
    va = clipped(meanInterval(x), 0, 1);
    vb = clipped(meanInterval(y), 0, 1);
    diff = clipped(meanInterval(dx), -1, 1);
    if (pairs) *pairs = int(x.size());
}

}  // namespace

void markParetoFront(std::vector<DesignPoint>& points)
{
    for (auto& p : points) {
        p.pareto = std::isfinite(p.accuracy.value) && std::isfinite(p.robustness.value);
        if (!p.pareto) continue;
        for (const auto& q : points)
            if (&q != &p && dominates(q, p)) {
                p.pareto = false;
                break;
            }
    }
}

DesignResult analyzeDesign(const DesignSpace& d, const std::vector<DesignExperiment>& experiments)
{
    DesignResult r;
    r.name = d.name;
    const std::vector<double> grid = endpointGrid(d.sigmas);
    const endpoint::Options o = endpointOptions(grid);
    for (const DesignDevice& dev : designDevices(d)) {
        const DesignExperiment* found = nullptr;
        for (const auto& e : experiments)
            if (e.device == dev.id) found = &e;
        if (!found) {
            r.missing.push_back(dev.id);
            continue;
        }
        const Experiment& e = found->experiment;
        std::vector<endpoint::NetworkCurve> curves;
        std::vector<double> clean, energy;
        for (const RunRecord& run : e.runs)
            for (const NoiseCurve& nc : run.noise)
                if (nc.units == NoiseUnits::Pixel && !nc.sigma.empty() && nc.sigma.front() == 0) {
                    curves.push_back(endpointCurve(nc));
                    clean.push_back(nc.accuracy.front());
                    // No energy where the table's grid is not the device's voltage.
                    energy.push_back(run.energy.valid && neuronKindInfo(dev.neuron).physicalDrive
                                         ? run.energy.energyPerInferenceJ
                                         : std::nan(""));
                }
        if (curves.empty()) {
            r.missing.push_back(dev.id);
            continue;
        }
        DesignPoint base;
        base.device = dev.id;
        base.widthRatio = dev.widthRatio;
        base.floor = dev.floor;
        base.ceiling = dev.ceiling;
        base.notches = dev.notches;
        base.notchSpacing = dev.notchSpacing;
        base.measured = dev.measured;
        if (dev.measured) {
            placeMeasured(d, dev, e, base);
            appliedRange(e, base);
        }
        base.file = found->file;
        base.networks = int(curves.size());
        base.accuracy = clipped(
            fromEstimate(endpoint::estimate(curves, endpoint::Measure::accuracy(0), o)), 0, 1);
        base.robustness = fromEstimate(endpoint::estimate(curves, endpoint::Measure::auc(), o));
        const std::vector<double> pulses =
            d.pulseNs.empty() ? std::vector<double>{e.config.energyPulseNs} : d.pulseNs;
        const std::vector<double> r4s =
            d.r4Ohm.empty() ? std::vector<double>{e.config.energyR4Ohm} : d.r4Ohm;
        for (double pulse : pulses)
            for (double r4 : r4s) {
                DesignPoint p = base;
                p.pulseNs = pulse;
                p.r4Ohm = r4;
                const double scale = energyScale(e.config, pulse, r4);
                std::vector<double> perCorrect, perInference;
                for (size_t k = 0; k < energy.size(); ++k)
                    if (std::isfinite(energy[k]) && clean[k] > 0) {
                        perInference.push_back(energy[k] * scale);
                        perCorrect.push_back(energy[k] * scale / clean[k]);
                    }
                p.energyPerCorrectJ = clipped(meanInterval(perCorrect), 0, INFINITY);
                p.energyPerInferenceJ = meanInterval(perInference).value;
                r.points.push_back(p);
            }
        // The chips at each spread level: per network the mean over its draws, then the
        // t interval over networks (the draws of one network share its weights).
        for (const char* axis : {"v50", "width", "c2c", "stuck"}) {
            std::vector<double> lv;
            for (const RunRecord& run : e.runs)
                for (const VariabilityCurve& vc : run.variability)
                    if (vc.axis == axis)
                        for (double l : vc.level)
                            if (std::find(lv.begin(), lv.end(), l) == lv.end()) lv.push_back(l);
            std::sort(lv.begin(), lv.end());
            for (double level : lv) {
                DesignTolerance t;
                t.device = dev.id;
                t.axis = axis;
                t.level = level;
                std::vector<double> perNetwork;
                for (const RunRecord& run : e.runs)
                    for (const VariabilityCurve& vc : run.variability) {
                        if (vc.axis != axis) continue;
                        for (size_t k = 0; k < vc.level.size() && k < vc.accuracy.size(); ++k)
                            if (vc.level[k] == level && !vc.accuracy[k].empty()) {
                                perNetwork.push_back(stats::summarize(vc.accuracy[k]).mean);
                                t.chips += int(vc.accuracy[k].size());
                            }
                    }
                t.accuracy = clipped(meanInterval(perNetwork), 0, 1);
                r.tolerances.push_back(t);
            }
        }
    }
    for (const DesignDevice& dev : hardwareAwareDevices(d)) {
        const DesignExperiment *nominal = nullptr, *aware = nullptr;
        for (const auto& e : experiments) {
            if (e.device == dev.id) nominal = &e;
            if (e.device == hardwareAwareId(dev.id)) aware = &e;
        }
        if (!aware) r.missing.push_back(hardwareAwareId(dev.id));
        if (!aware || !nominal) continue;
        std::map<uint64_t, double> awareOwn, awareNew, nominalOwn, nominalNew;
        chipAccuracies(aware->experiment, d.hardwareAware, d.deviceSeed, awareOwn, awareNew);
        chipAccuracies(nominal->experiment, d.hardwareAware, d.deviceSeed, nominalOwn, nominalNew);
        DesignHardwareAware h;
        h.device = dev.id;
        h.file = aware->file;
        h.v50Sd = d.hardwareAware;
        pairedBySeed(awareOwn, nominalOwn, h.ownChips, h.nominalOnOwn, h.gainOwn, &h.networks);
        pairedBySeed(awareNew, nominalNew, h.newChips, h.nominalOnNew, h.gainNew);
        r.hardwareAware.push_back(h);
    }
    markParetoFront(r.points);
    for (DesignPoint& m : r.points) {  // a measured device off the front: what beats it
        if (!m.measured || m.pareto) continue;
        for (size_t k = 0; k < r.points.size(); ++k) {
            const DesignPoint& q = r.points[k];
            if (q.measured || q.pulseNs != m.pulseNs || q.r4Ohm != m.r4Ohm || !dominates(q, m))
                continue;
            if (m.dominatedBy < 0 || looser(q, r.points[size_t(m.dominatedBy)]))
                m.dominatedBy = int(k);
        }
    }
    applySpec(r, d.specAccuracy, d.specRobustness);
    return r;
}

void applySpec(DesignResult& r, double accuracy, double robustness)
{
    r.specAccuracy = accuracy;
    r.specRobustness = robustness;
    r.loosestEstimate = r.loosestConfident = -1;
    for (size_t k = 0; k < r.points.size(); ++k) {
        DesignPoint& p = r.points[k];
        p.meetsEstimate =
            meets(p.accuracy, accuracy, false) && meets(p.robustness, robustness, false);
        p.meetsConfident =
            meets(p.accuracy, accuracy, true) && meets(p.robustness, robustness, true);
        if (p.measured) continue;  // judged, but not a spec to build to
        if (p.meetsEstimate &&
            (r.loosestEstimate < 0 || looser(p, r.points[size_t(r.loosestEstimate)])))
            r.loosestEstimate = int(k);
        if (p.meetsConfident &&
            (r.loosestConfident < 0 || looser(p, r.points[size_t(r.loosestConfident)])))
            r.loosestConfident = int(k);
    }
}

double toleratedSpread(const DesignResult& r, const std::string& device, const std::string& axis,
                       double spec, bool confident)
{
    std::vector<std::pair<double, bool>> levels;  // (level, meets), increasing
    for (const auto& t : r.tolerances)
        if (t.device == device && t.axis == axis)
            levels.emplace_back(t.level, meets(t.accuracy, spec, confident));
    if (levels.empty()) return std::nan("");
    std::sort(levels.begin(), levels.end());
    double best = 0;  // every level up to it meets the spec
    for (const auto& [level, ok] : levels) {
        if (!ok) break;
        best = level;
    }
    return best;
}

}  // namespace dwmtj::core

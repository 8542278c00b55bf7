// The design study's synthetic devices (dwmtj/design.h): the nominal devices' centre, widths and
// notch thresholds, and the table of each design point on the nominal's operating point.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "design/design_internal.h"
#include "dwmtj/design.h"
#include "dwmtj/error.h"
#include "dwmtj/paths.h"
#include "dwmtj/stats.h"

namespace dwmtj::core {

namespace fs = std::filesystem;
using design_detail::numberId;
using design_detail::preciseNumber;

namespace {

/// The provenance value `key` as a finite number, else NaN.
double provenanceNumber(const Lut& lut, const std::string& key)
{
    const auto it = lut.provenance.find(key);
    if (it == lut.provenance.end()) return std::nan("");
    try {
        const double v = std::stod(it->second);
        return std::isfinite(v) ? v : std::nan("");
    } catch (const std::exception&) {
        return std::nan("");
    }
}

/// Where curve c first reaches `level` (linear between grid points), NaN when it never does or
/// starts above it.
double crossing(const Lut& lut, int c, double level)
{
    const auto& p = lut.curves[size_t(c)];
    size_t k = 1;
    while (k < p.size() && p[k] < level) ++k;
    if (k >= p.size() || p.front() >= level) return std::nan("");
    const double t = (level - p[k - 1]) / (p[k] - p[k - 1]);
    return lut.voltage[k - 1] + t * (lut.voltage[k] - lut.voltage[k - 1]);
}

std::vector<double> uniformGrid(double lo, double hi, int size)
{
    std::vector<double> v(static_cast<size_t>(size));
    for (int i = 0; i < size; ++i) v[size_t(i)] = lo + (hi - lo) * i / (size - 1);
    return v;
}

}  // namespace

std::string designNominalLutFile(const DesignSpace& d, bool multi)
{
    const std::string& own = multi ? d.nominalMultiLut : d.nominalLut;
    if (!own.empty()) return own;
    const std::string dir = datasetsDir();
    if (dir.empty())
        throw Error("the bundled datasets folder was not found (set DWMTJ_DATASETS_DIR)");
    const NeuronKind kind = multi ? NeuronKind::MultiState : NeuronKind::Binary;
    return (fs::path(dir) / neuronKindInfo(kind).bundledLut).string();
}

void lutCentreAndWidth(const Lut& nominal, double& v50, double& width)
{
    if (nominal.kind != DeviceKind::Binary || nominal.curves.empty())
        throw Error("the design study's nominal device must be a binary lookup table");
    v50 = provenanceNumber(nominal, "fit_V50");  // a fitted table: its fit says
    width = provenanceNumber(nominal, "fit_w");
    if (std::isfinite(v50) && width > 0) return;
    const auto& p = nominal.curves[0];
    v50 = crossing(nominal, 0, (p.front() + p.back()) / 2);
    if (!std::isfinite(v50))
        throw Error("the nominal lookup table's p(V) never crosses its midpoint");
    const double slope = nominal.derivative(0, v50);
    if (!(slope > 0)) throw Error("the nominal lookup table has no slope at its midpoint");
    width = (p.back() - p.front()) / (4 * slope);
}

void lutNotches(const Lut& lut, std::vector<double>& thresholds, std::vector<double>& widths)
{
    if (lut.kind != DeviceKind::MultiState || lut.curves.size() < 2)
        throw Error("a multi-weight lookup table with two or more notch curves is needed");
    thresholds.clear();
    widths.clear();
    for (int k = 2; k < 2 + int(lut.curves.size()); ++k) {
        double v = provenanceNumber(lut, "fit_V_" + std::to_string(k));
        double w = provenanceNumber(lut, "fit_w_" + std::to_string(k));
        if (!std::isfinite(v) || !(w > 0)) {  // an empirical table: read off its curve
            v = crossing(lut, k - 2, 0.5);
            if (!std::isfinite(v))
                throw Error("the multi-weight lookup table's curve P(state >= " +
                            std::to_string(k) + ") never crosses 1/2");
            const double slope = lut.derivative(k - 2, v);
            if (!(slope > 0))
                throw Error("the multi-weight lookup table's curve P(state >= " +
                            std::to_string(k) + ") has no slope where it crosses 1/2");
            w = 1 / (4 * slope);
        }
        thresholds.push_back(v);
        widths.push_back(w);
    }
}

design_detail::NotchSummary design_detail::summarizeNotches(const Lut& lut)
{
    std::vector<double> v, w;
    lutNotches(lut, v, w);
    return {(v.front() + v.back()) / 2, (v.back() - v.front()) / double(v.size() - 1),
            std::accumulate(w.begin(), w.end(), 0.0) / double(w.size())};
}

Lut designLut(const Lut& nominal, const DesignDevice& device, int size)
{
    Lut lut;
    lut.drive = nominal.drive;
    lut.centreVoltage = nominal.centreVoltage;
    lut.gainVolts = nominal.gainVolts;
    lut.provenance = {{"method", "design"},
                      {"design_point", device.id},
                      {"width_ratio", numberId(device.widthRatio)},
                      {"grid_size", std::to_string(size)}};
    if (auto it = nominal.provenance.find("lut_file"); it != nominal.provenance.end())
        lut.provenance["nominal_lut"] = it->second;
    if (device.notches > 1) {  // multi-weight: K - 1 = notches cumulative logistic curves
        const design_detail::NotchSummary n0 = design_detail::summarizeNotches(nominal);
        const double mid = n0.mid, spacing = device.notchSpacing * n0.spacing,
                     w = device.widthRatio * n0.width;
        const int n = device.notches;
        std::vector<double> thresholds;
        for (int j = 0; j < n; ++j) thresholds.push_back(mid + (j - (n - 1) / 2.0) * spacing);
        const double lo = std::min(thresholds.front() - 8 * w, nominal.vMin());
        const double hi = std::max(thresholds.back() + 8 * w, nominal.vMax());
        lut.kind = DeviceKind::MultiState;
        lut.numStates = n + 1;
        lut.voltage = uniformGrid(lo, hi, size);
        lut.curves.assign(size_t(n), {});
        lut.derivatives.assign(size_t(n), {});
        for (int j = 0; j < n; ++j) {
            for (double v : lut.voltage) {
                const double s = stats::logistic((v - thresholds[size_t(j)]) / w);
                lut.curves[size_t(j)].push_back(s);
                lut.derivatives[size_t(j)].push_back(s * (1 - s) / w);
            }
            lut.provenance["fit_V_" + std::to_string(j + 2)] = preciseNumber(thresholds[size_t(j)]);
            lut.provenance["fit_w_" + std::to_string(j + 2)] = preciseNumber(w);
        }
        lut.provenance["num_states"] = std::to_string(n + 1);
        lut.provenance["notch_spacing_ratio"] = numberId(device.notchSpacing);
        lut.provenance["nominal_spacing"] = preciseNumber(spacing / device.notchSpacing);
        lut.provenance["nominal_w"] = preciseNumber(w / device.widthRatio);
        return lut;
    }
    double v50 = 0, w0 = 0;
    lutCentreAndWidth(nominal, v50, w0);
    const double w = device.widthRatio * w0;
    const double half = std::max(8 * w, std::max(v50 - nominal.vMin(), nominal.vMax() - v50));
    lut.kind = DeviceKind::Binary;
    lut.numStates = 2;
    lut.voltage = uniformGrid(v50 - half, v50 + half, size);
    lut.curves.assign(1, {});
    lut.derivatives.assign(1, {});
    const double span = device.ceiling - device.floor;
    for (double v : lut.voltage) {
        const double s = stats::logistic((v - v50) / w);
        lut.curves[0].push_back(device.floor + span * s);
        lut.derivatives[0].push_back(span * s * (1 - s) / w);
    }
    lut.provenance.insert({{"fit_form", "4-parameter"},
                           {"fit_V50", preciseNumber(v50)},
                           {"fit_w", preciseNumber(w)},
                           {"fit_floor", numberId(device.floor)},
                           {"fit_ceiling", numberId(device.ceiling)},
                           {"nominal_w", preciseNumber(w0)}});
    return lut;
}

}  // namespace dwmtj::core

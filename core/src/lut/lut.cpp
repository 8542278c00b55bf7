#include "dwmtj/lut.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "dwmtj/error.h"
#include "dwmtj/paths.h"

namespace dwmtj::core {

const char* toString(LutSource s) { return s == LutSource::Fit ? "fit" : "empirical"; }

void LutOptions::validate() const
{
    if (size < 2 || size > 10'000'000)
        throw OptionsError("LUT: size must be 2..10000000 points, found " + std::to_string(size));
    if (!std::isfinite(voltageMin) || !std::isfinite(voltageMax))
        throw OptionsError("LUT: the voltage range must be finite");
    if (voltageMin > voltageMax)
        throw OptionsError("LUT: the voltage range must satisfy min < max");
}

namespace {
// Linear interpolation on the uniform grid `x`, clamped to its ends.
double interpolateUniform(const std::vector<double>& x, const std::vector<double>& y, double v)
{
    const double pos = (v - x.front()) / (x.back() - x.front()) * double(x.size() - 1);
    if (!(pos > 0)) return y.front();
    if (pos >= double(x.size() - 1)) return y.back();
    const auto i = std::size_t(pos);
    const double f = pos - double(i);
    return y[i] + f * (y[i + 1] - y[i]);
}
}  // namespace

double Lut::value(int c, double v) const { return interpolateUniform(voltage, curves.at(c), v); }

double Lut::derivative(int c, double v) const
{
    return interpolateUniform(voltage, derivatives.at(c), v);
}

std::vector<double> isotonicRegression(const std::vector<double>& y, const std::vector<double>& w)
{
    struct Block {
        double sum, weight;
        std::size_t count;
    };
    std::vector<Block> blocks;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double wi = w.empty() ? 1.0 : std::max(w[i], 1e-300);
        blocks.push_back({y[i] * wi, wi, 1});
        while (blocks.size() > 1) {
            auto& b = blocks[blocks.size() - 1];
            auto& a = blocks[blocks.size() - 2];
            if (a.sum / a.weight <= b.sum / b.weight) break;
            a.sum += b.sum;
            a.weight += b.weight;
            a.count += b.count;
            blocks.pop_back();
        }
    }
    std::vector<double> out;
    for (const auto& b : blocks) out.insert(out.end(), b.count, b.sum / b.weight);
    return out;
}

void pchip(const std::vector<double>& x, const std::vector<double>& y, double xq, double& value,
           double& derivative)
{
    const std::size_t n = x.size();
    if (n == 1) {
        value = y[0];
        derivative = 0;
        return;
    }
    if (xq <= x.front()) {
        value = y.front();
        derivative = 0;
        return;
    }
    if (xq >= x.back()) {
        value = y.back();
        derivative = 0;
        return;
    }
    std::vector<double> h(n - 1), delta(n - 1), d(n, 0.0);
    for (std::size_t i = 0; i + 1 < n; ++i) {
        h[i] = x[i + 1] - x[i];
        delta[i] = (y[i + 1] - y[i]) / h[i];
    }
    if (n == 2) {
        d[0] = d[1] = delta[0];
    } else {
        for (std::size_t i = 1; i + 1 < n; ++i) {
            if (delta[i - 1] * delta[i] <= 0) {
                d[i] = 0;
                continue;
            }
            const double w1 = 2 * h[i] + h[i - 1], w2 = h[i] + 2 * h[i - 1];
            d[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i]);
        }
        auto endSlope = [](double h0, double h1, double d0, double d1) {
            double s = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
            if (s * d0 <= 0)
                s = 0;
            else if (d0 * d1 <= 0 && std::fabs(s) > 3 * std::fabs(d0))
                s = 3 * d0;
            return s;
        };
        d[0] = endSlope(h[0], h[1], delta[0], delta[1]);
        d[n - 1] = endSlope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
    }
    const std::size_t i = std::size_t(std::upper_bound(x.begin(), x.end(), xq) - x.begin()) - 1;
    const double t = (xq - x[i]) / h[i], t2 = t * t, t3 = t2 * t;
    value = (2 * t3 - 3 * t2 + 1) * y[i] + (t3 - 2 * t2 + t) * h[i] * d[i] +
            (-2 * t3 + 3 * t2) * y[i + 1] + (t3 - t2) * h[i] * d[i + 1];
    derivative = ((6 * t2 - 6 * t) * y[i] + (3 * t2 - 4 * t + 1) * h[i] * d[i] +
                  (-6 * t2 + 6 * t) * y[i + 1] + (3 * t2 - 2 * t) * h[i] * d[i + 1]) /
                 h[i];
}

namespace {

std::vector<double> grid(double lo, double hi, int n)
{
    std::vector<double> v(n);
    for (int i = 0; i < n; ++i) v[i] = lo + (hi - lo) * double(i) / double(n - 1);
    return v;
}

std::string num(double x)
{
    std::ostringstream s;
    s.precision(10);
    s << x;
    return s.str();
}

void commonProvenance(Lut& lut, const DeviceData& data, const LutOptions& o)
{
    lut.provenance["method"] = toString(o.source);
    lut.provenance["source_file"] = data.sourcePath;
    lut.provenance["source_sha256"] = data.sourceSha256;
    lut.provenance["source_shape"] = data.sourceShape;
    lut.provenance["grid_size"] = std::to_string(o.size);
    lut.provenance["software"] = std::string("dwmtj-workbench ") + version();
}

}  // namespace

Lut buildBinaryLut(const DeviceData& data, const SigmoidFit* fit, const LutOptions& o)
{
    o.validate();
    if (data.kind != DeviceKind::Binary)
        throw OptionsError("LUT: a binary LUT needs binary device data");
    const auto& counts = data.binary.counts;
    if (counts.empty()) throw OptionsError("LUT: the device data hold no voltages");
    if (o.source == LutSource::Fit && !fit)
        throw OptionsError("LUT: source 'fit' needs a sigmoid fit");
    double lo = o.voltageMin, hi = o.voltageMax;
    if (!(lo < hi)) {
        lo = counts.front().voltage;
        hi = counts.back().voltage;
        if (o.source == LutSource::Fit) {
            const double w = std::fabs(fit->width());
            lo = std::min(lo, fit->v50() - 6 * w);
            hi = std::max(hi, fit->v50() + 6 * w);
        }
        if (!(lo < hi)) throw OptionsError("LUT: the data span a single voltage; give a range");
    }
    Lut lut;
    lut.kind = DeviceKind::Binary;
    lut.numStates = 2;
    lut.drive = data.drive;
    lut.voltage = grid(lo, hi, o.size);
    lut.curves.assign(1, std::vector<double>(o.size));
    lut.derivatives.assign(1, std::vector<double>(o.size));
    commonProvenance(lut, data, o);
    if (o.source == LutSource::Fit) {
        for (int i = 0; i < o.size; ++i) {
            lut.curves[0][i] = fit->probability(lut.voltage[i]);
            lut.derivatives[0][i] = fit->derivative(lut.voltage[i]);
        }
        for (const auto& p : fit->parameters) lut.provenance["fit_" + p.name] = num(p.value);
        lut.provenance["fit_form"] =
            fit->form == SigmoidForm::TwoParameter ? "2-parameter" : "4-parameter";
        lut.provenance["fit_method"] = toString(fit->method);
        lut.centreVoltage = fit->v50();
        lut.gainVolts = 2 * std::fabs(fit->width());
    } else {
        std::vector<double> x, y, w;
        for (const auto& c : counts) {
            x.push_back(c.voltage);
            y.push_back(data.binary.trialsKnown && c.trials > 0 ? c.switches / c.trials
                                                                : c.probability);
            w.push_back(data.binary.trialsKnown ? c.trials : 1.0);
        }
        y = isotonicRegression(y, w);
        for (int i = 0; i < o.size; ++i)
            pchip(x, y, lut.voltage[i], lut.curves[0][i], lut.derivatives[0][i]);
        // Operating point: where the monotone curve crosses 1/2, gain spans 0.12..0.88.
        // First grid voltage where the curve reaches `target` (from index 0: a curve that
        // starts above it crosses at the grid's start), interpolated between grid points.
        auto crossing = [&](double target) {
            const auto& p = lut.curves[0];
            for (int i = 0; i < o.size; ++i) {
                if (p[i] < target) continue;
                if (i == 0 || p[i] == p[i - 1]) return lut.voltage[i];
                const double f = (target - p[i - 1]) / (p[i] - p[i - 1]);
                return lut.voltage[i - 1] + f * (lut.voltage[i] - lut.voltage[i - 1]);
            }
            return lut.voltage.back();
        };
        lut.centreVoltage = crossing(0.5);
        lut.gainVolts = 0.5 * (crossing(0.88) - crossing(0.12));
        lut.provenance["interpolation"] =
            "weighted isotonic regression + Fritsch-Carlson monotone cubic";
    }
    lut.provenance["voltage_min_V"] = num(lo);
    lut.provenance["voltage_max_V"] = num(hi);
    return lut;
}

Lut buildMultiStateLut(const DeviceData& data, const OrdinalFit* fit, const LutOptions& o)
{
    o.validate();
    if (data.kind != DeviceKind::MultiState)
        throw OptionsError("LUT: a multi-state LUT needs multi-state device data");
    const auto& d = data.multi;
    if (d.voltages.empty()) throw OptionsError("LUT: the device data hold no voltages");
    if (o.source == LutSource::Fit && !fit)
        throw OptionsError("LUT: source 'fit' needs an ordinal fit");
    const int K = o.source == LutSource::Fit ? fit->numStates : d.numStates;
    double lo = o.voltageMin, hi = o.voltageMax;
    if (!(lo < hi)) {
        lo = d.voltages.front();
        hi = d.voltages.back();
        if (o.source == LutSource::Fit) {
            lo = std::min(lo, fit->thresholds.front().value - 6 * fit->widths.front().value);
            hi = std::max(hi, fit->thresholds.back().value + 6 * fit->widths.back().value);
        }
        if (!(lo < hi)) throw OptionsError("LUT: the data span a single voltage; give a range");
    }
    Lut lut;
    lut.kind = DeviceKind::MultiState;
    lut.numStates = K;
    lut.drive = data.drive;
    lut.voltage = grid(lo, hi, o.size);
    lut.curves.assign(K - 1, std::vector<double>(o.size));
    lut.derivatives.assign(K - 1, std::vector<double>(o.size));
    commonProvenance(lut, data, o);
    if (o.source == LutSource::Fit) {
        for (int k = 2; k <= K; ++k)
            for (int i = 0; i < o.size; ++i) {
                lut.curves[k - 2][i] = fit->cumulative(k, lut.voltage[i]);
                lut.derivatives[k - 2][i] = fit->cumulativeDerivative(k, lut.voltage[i]);
            }
        for (const auto& p : fit->thresholds) lut.provenance["fit_" + p.name] = num(p.value);
        for (const auto& p : fit->widths) lut.provenance["fit_" + p.name] = num(p.value);
        lut.provenance["fit_method"] = "multinomial maximum likelihood (cumulative logit)";
        lut.provenance["fit_common_width"] = fit->commonWidth ? "yes" : "no";
        lut.centreVoltage = 0.5 * (fit->thresholds.front().value + fit->thresholds.back().value);
        lut.gainVolts = 0.5 * (fit->thresholds.back().value - fit->thresholds.front().value);
    } else {
        for (int k = 2; k <= K; ++k) {
            std::vector<double> y, w;
            for (const auto& row : d.stateCounts) {
                double s = 0, n = 0;
                for (int j = 1; j <= K; ++j) {
                    n += row[j - 1];
                    if (j >= k) s += row[j - 1];
                }
                y.push_back(n > 0 ? s / n : 0);
                w.push_back(n);
            }
            y = isotonicRegression(y, w);
            for (int i = 0; i < o.size; ++i)
                pchip(d.voltages, y, lut.voltage[i], lut.curves[k - 2][i],
                      lut.derivatives[k - 2][i]);
        }
        // Keep the cumulative curves ordered: P(>=k+1) <= P(>=k). Where a curve is clipped
        // to the one below it, it *is* that curve there, and so is its derivative.
        for (int k = 1; k < K - 1; ++k)
            for (int i = 0; i < o.size; ++i)
                if (lut.curves[k][i] > lut.curves[k - 1][i]) {
                    lut.curves[k][i] = lut.curves[k - 1][i];
                    lut.derivatives[k][i] = lut.derivatives[k - 1][i];
                }
        auto crossing = [&](int c) {
            for (int i = 0; i < o.size; ++i)
                if (lut.curves[c][i] >= 0.5) return lut.voltage[i];
            return lut.voltage.back();
        };
        lut.centreVoltage = 0.5 * (crossing(0) + crossing(K - 2));
        lut.gainVolts = 0.5 * (crossing(K - 2) - crossing(0));
        lut.provenance["interpolation"] =
            "weighted isotonic regression + Fritsch-Carlson monotone cubic";
    }
    lut.provenance["num_states"] = std::to_string(K);
    lut.provenance["voltage_min_V"] = num(lo);
    lut.provenance["voltage_max_V"] = num(hi);
    return lut;
}

}  // namespace dwmtj::core

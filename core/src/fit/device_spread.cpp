// Device-to-device spread from measured devices (dwmtj/device_spread.h).
#include "dwmtj/device_spread.h"

#include <algorithm>
#include <cmath>

#include "dwmtj/device_io.h"
#include "dwmtj/error.h"
#include "dwmtj/ordinal_fit.h"
#include "dwmtj/sigmoid_fit.h"

namespace dwmtj::core {

DeviceFitSummary fitDevice(const DeviceData& data)
{
    DeviceFitSummary s;
    s.path = data.sourcePath;
    s.kind = data.kind;
    try {
        if (data.kind == DeviceKind::Binary) {
            SigmoidFitOptions o;
            o.drive = data.drive;
            const SigmoidFit f = fitSigmoid(data.binary.counts, data.binary.trialsKnown, o);
            s.thresholds = {f.v50()};
            s.thresholdSe = {f.parameters.at(0).standardError};
            s.widths = {std::fabs(f.width())};
            s.widthSe = {f.parameters.at(1).standardError};
        } else {
            const OrdinalFit f = fitOrdinal(data.multi);
            for (const auto& p : f.thresholds)
                s.thresholds.push_back(p.value), s.thresholdSe.push_back(p.standardError);
            for (const auto& p : f.widths)
                s.widths.push_back(p.value), s.widthSe.push_back(p.standardError);
        }
    } catch (const Error& e) {
        s.error = e.what();
        s.thresholds.clear(), s.thresholdSe.clear(), s.widths.clear(), s.widthSe.clear();
    }
    return s;
}

DeviceFitSummary fitDeviceFile(const std::string& path)
{
    DeviceData data;
    try {
        data = loadDeviceFile(path);
    } catch (const Error& e) {
        DeviceFitSummary s;
        s.path = path;
        s.error = e.what();
        return s;
    }
    DeviceFitSummary s = fitDevice(data);
    s.path = path;
    return s;
}

DeviceSpread deviceSpread(const std::vector<DeviceFitSummary>& fits)
{
    std::vector<const DeviceFitSummary*> ok;
    for (const auto& f : fits)
        if (f.ok()) ok.push_back(&f);
    if (ok.size() < 2)
        throw OptionsError("the spread across devices needs at least two fitted devices, got " +
                           std::to_string(ok.size()));
    DeviceSpread s;
    s.kind = ok[0]->kind;
    s.devices = int(ok.size());
    const size_t K = ok[0]->thresholds.size();
    for (const auto* f : ok)
        if (f->kind != s.kind || f->thresholds.size() != K)
            throw OptionsError("the devices are of different kinds or numbers of states (" +
                               ok[0]->path + ", " + f->path + "): one spread needs one kind");
    const double n = double(ok.size());
    s.thresholdMean.assign(K, 0.0);
    for (const auto* f : ok)
        for (size_t k = 0; k < K; ++k) s.thresholdMean[k] += f->thresholds[k] / n;
    // Thresholds: pooled deviations from each threshold's mean (n - 1 per threshold).
    double ss = 0, se2 = 0;
    for (const auto* f : ok)
        for (size_t k = 0; k < K; ++k) {
            const double d = f->thresholds[k] - s.thresholdMean[k];
            ss += d * d;
            se2 += f->thresholdSe[k] * f->thresholdSe[k];
        }
    const double varObs = ss / (double(K) * (n - 1));
    const double meanSe2 = se2 / (double(K) * n);
    s.thresholdSdObserved = std::sqrt(varObs);
    s.thresholdSd = std::sqrt(std::max(0.0, varObs - meanSe2));
    s.meanThresholdSe = std::sqrt(meanSe2);
    // Widths: each device's mean width (its error: the mean of its K widths' errors, taken as
    // independent), relative to the mean over devices.
    std::vector<double> w, wse2;
    for (const auto* f : ok) {
        double m = 0, e = 0;
        for (size_t k = 0; k < K; ++k) m += f->widths[k] / double(K);
        for (size_t k = 0; k < K; ++k) e += f->widthSe[k] * f->widthSe[k] / double(K * K);
        w.push_back(m);
        wse2.push_back(e);
    }
    for (double x : w) s.widthMean += x / n;
    double wss = 0, we2 = 0;
    for (size_t i = 0; i < w.size(); ++i)
        wss += (w[i] - s.widthMean) * (w[i] - s.widthMean), we2 += wse2[i] / n;
    const double wVarObs = wss / (n - 1);
    s.widthSdRelObserved = std::sqrt(wVarObs) / s.widthMean;
    s.widthSdRel = std::sqrt(std::max(0.0, wVarObs - we2)) / s.widthMean;
    s.meanWidthSeRel = std::sqrt(we2) / s.widthMean;
    return s;
}

VariabilitySettings variabilityFromSpread(const DeviceSpread& s)
{
    VariabilitySettings v;
    v.v50Sd = s.thresholdSd;
    v.widthSdRel = s.widthSdRel;
    return v;
}

}  // namespace dwmtj::core

// Device variability: settings and the per-device draw (dwmtj/variability.h).
#include "dwmtj/variability.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "dwmtj/error.h"

namespace dwmtj::core {
namespace {

uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// Uniform in (0, 1) with 53 bits, for draw `i` of purpose `p` of device `d`.
double uniform(uint64_t key, uint64_t d, uint64_t p, uint64_t i)
{
    const uint64_t h =
        mix(mix(mix(key ^ (d * 0x9E3779B97F4A7C15ull)) ^ (p + 0x632BE59BD9B4E019ull)) ^
            (i * 0xD6E8FEB86659FD93ull + 1));
    return (double(h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/// Standard normal (Box-Muller) for draw `i` of purpose `p` of device `d`.
double normal(uint64_t key, uint64_t d, uint64_t p, uint64_t i)
{
    const double u1 = uniform(key, d, p, 2 * i), u2 = uniform(key, d, p, 2 * i + 1);
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace

const char* toString(VariabilityUse u)
{
    return u == VariabilityUse::Training ? "training" : "evaluation";
}

VariabilityUse variabilityUseFromString(const std::string& s)
{
    if (s == "training") return VariabilityUse::Training;
    if (s == "evaluation") return VariabilityUse::Evaluation;
    throw OptionsError("variability use '" + s + "': expected training or evaluation");
}

void VariabilitySettings::validate() const
{
    auto need = [](bool ok, const std::string& m) {
        if (!ok) throw OptionsError(m);
    };
    need(std::isfinite(v50Sd) && v50Sd >= 0 && v50Sd <= 10, "the V50 spread (sd) must be 0..10 V");
    need(std::isfinite(widthSdRel) && widthSdRel >= 0 && widthSdRel <= 10,
         "the relative width spread (sd) must be 0..10");
    need(std::isfinite(c2cSd) && c2cSd >= 0 && c2cSd <= 10,
         "the cycle-to-cycle jitter (sd) must be 0..10 V");
    need(stuckOff >= 0 && stuckOn >= 0 && stuckOff + stuckOn <= 1,
         "the stuck fractions must be >= 0 and add up to at most 1");
}

std::string VariabilitySettings::describe() const
{
    if (!any()) return "none";
    std::ostringstream o;
    const char* sep = "";
    if (v50Sd > 0) o << sep << "V50 sd " << v50Sd << " V", sep = ", ";
    if (widthSdRel > 0) o << sep << "width sd " << 100 * widthSdRel << " %", sep = ", ";
    if (c2cSd > 0) o << sep << "cycle-to-cycle sd " << c2cSd << " V", sep = ", ";
    if (stuckOff > 0) o << sep << 100 * stuckOff << " % stuck off", sep = ", ";
    if (stuckOn > 0) o << sep << 100 * stuckOn << " % stuck on", sep = ", ";
    o << " (device seed " << seed << ")";
    return o.str();
}

DeviceDraw drawDevices(const VariabilitySettings& s, int devices, int curves, uint64_t key)
{
    s.validate();
    DeviceDraw d;
    d.devices = devices;
    d.curves = curves;
    d.shift.assign(size_t(devices) * size_t(curves), 0.0f);
    d.scale.assign(size_t(devices), 1.0f);
    d.stuck.assign(size_t(devices), 0);
    const uint64_t k = mix(s.seed + 0x9E3779B97F4A7C15ull) ^ mix(key);
    for (int i = 0; i < devices; ++i) {
        for (int c = 0; c < curves; ++c)
            d.shift[size_t(i) * curves + c] =
                float(s.v50Sd * normal(k, uint64_t(i), 1, uint64_t(c)));
        d.scale[size_t(i)] =
            float(std::max(0.05, 1.0 + s.widthSdRel * normal(k, uint64_t(i), 2, 0)));
        const double r = uniform(k, uint64_t(i), 3, 0);
        d.stuck[size_t(i)] = r < s.stuckOff ? 1 : r < s.stuckOff + s.stuckOn ? 2 : 0;
    }
    return d;
}

}  // namespace dwmtj::core

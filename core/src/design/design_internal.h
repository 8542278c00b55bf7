#pragma once
// Shared by the design study's files (dwmtj/design.h): not part of the library's interface.
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

#include "dwmtj/design.h"

namespace dwmtj::core::design_detail {

/// A multi-weight table's notches summarised (lutNotches): the middle threshold voltage
/// (V_2 + V_K) / 2, the mean spacing (V_K - V_2) / (K - 2) and the mean width. Throws Error as
/// lutNotches does.
struct NotchSummary {
    double mid = 0, spacing = 0, width = 0;
};
NotchSummary summarizeNotches(const Lut& lut);

/// A number as it appears in a device id and a table's provenance ("0.25", "4").
inline std::string numberId(double v)
{
    std::ostringstream o;
    o << v;
    return o.str();
}

/// A number as a table's provenance keeps it (12 significant digits).
inline std::string preciseNumber(double v)
{
    std::ostringstream o;
    o.precision(12);
    o << v;
    return o.str();
}

/// A number with printf format f, "-" when not finite.
inline std::string fmt(const char* f, double v)
{
    if (!std::isfinite(v)) return "-";
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

/// "81.2 [79.0, 83.4]" in percent (scale 100) or as is.
inline std::string withInterval(const DesignValue& v, double scale, const char* f)
{
    std::string s = fmt(f, v.value * scale);
    if (std::isfinite(v.low))
        s += " [" + fmt(f, v.low * scale) + ", " + fmt(f, v.high * scale) + "]";
    return s;
}

}  // namespace dwmtj::core::design_detail

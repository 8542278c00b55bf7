#pragma once
// The table lookup that every device neuron shares, in the CPU loops (neuron_*.cpp) and in the
// CUDA kernels (cuda/kernels.cu): one definition, the same float operations in the same order,
// so that both round alike and draw the same spikes. No LibTorch and no CUDA header.
#include "host_device.h"

namespace dwmtj::core::snn {

/// A position on a table's uniform grid: f in grid steps from its first voltage, clamped to
/// [0, last] (NaN -> 0); i0 the grid point below it (at most maxIndex = last - 1) and fr the
/// fraction of a step above that point.
struct GridPoint {
    float f;
    int i0;
    float fr;
};

DWMTJ_HD GridPoint gridPoint(float f, float last, int maxIndex)
{
    f = f > 0 ? f : 0.0f;  // also maps NaN to 0
    f = f < last ? f : last;
    int i0 = int(f);
    i0 = i0 < maxIndex ? i0 : maxIndex;
    return {f, i0, f - float(i0)};
}

/// Linear interpolation at fr between a[at] and the next grid point's a[at + stride].
DWMTJ_HD float interpolate(const float* a, int at, int stride, float fr)
{
    return a[at] + fr * (a[at + stride] - a[at]);
}

}  // namespace dwmtj::core::snn

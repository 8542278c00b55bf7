#pragma once
// The released code's DW-MTJ cells (docs/models.md, "As released"), one element and one step at
// a time: what the CPU loops (neuron_released.cpp) and the CUDA kernels (cuda/kernels.cu)
// share, so that both compute the same float operations in the same order and, for the same
// voltages and keys, the same outputs. No LibTorch and no CUDA header.
#include <cmath>

#include "host_device.h"
#include "neuron_constants.h"

namespace dwmtj::core::snn {

/// A table's segment for grid position f: index i0 in [0, size - 2] (NaN -> 0) and the
/// fraction fr, which lies outside [0, 1] past the table's ends (linear extrapolation).
struct ReleasedSegment {
    int i0;
    float fr;
};

DWMTJ_HD ReleasedSegment releasedSegment(float f, int size)
{
    if (!(f == f)) f = 0;  // NaN
    const float lo = std::floor(f);
    const int i0 = lo < 0 ? 0 : lo > float(size - 2) ? size - 2 : int(lo);
    return {i0, f - float(i0)};
}

/// One output of the binary cell: V = centre + gain x, p = table A at V (extrapolated linearly
/// past its ends), out = ceil(p) when u < p else floor(p) (0 or 1 inside the table, -1 or 2
/// past it), slope = gain dp/dV (the straight-through local gradient). The deterministic cell
/// passes u = 1/2.
struct ReleasedBinaryOut {
    float V, out, slope;
};

DWMTJ_HD ReleasedBinaryOut releasedBinaryCell(float x, float u, const float* val, int size,
                                              float vMin, float invStep, float centre, float gain)
{
    const float V = centre + gain * x;
    const ReleasedSegment s = releasedSegment((V - vMin) * invStep, size);
    const float rise = val[s.i0 + 1] - val[s.i0];
    const float p = val[s.i0] + s.fr * rise;
    return {V, u < p ? std::ceil(p) : std::floor(p), gain * rise * invStep};
}

/// One step's increment of the multi-weight cell: drive = centre + gain x, u = |drive| on
/// table B's grid (clamped: its last rows are constant), d = #{c : U < C_c(u)} signed like the
/// drive (`signedD`), `step` the increment in quarters (signedD, or for the deterministic cell
/// the expected increment sum_c C_c(u) signed like the drive), `slope` the straight-through
/// d E[step / 4] / dx = gain / 4 sum_c C_c'(u). val and der are [size][curves].
struct ReleasedIncrement {
    float drive;
    int signedD;
    float step, slope;
};

DWMTJ_HD ReleasedIncrement releasedIncrement(float x, float u, bool deterministic, const float* val,
                                             const float* der, int size, int curves, float vMin,
                                             float invStep, float centre, float gain)
{
    const float drive = centre + gain * x;
    const float last = float(size - 1);
    float f = (std::fabs(drive) - vMin) * invStep;
    f = f == f ? (f < 0.0f ? 0.0f : last < f ? last : f) : 0.0f;
    const int i0 = int(f) < size - 2 ? int(f) : size - 2;
    const float fr = f - float(i0);
    int d = 0;
    float expected = 0;  // E[d] = sum of the cumulative curves
    float dE = 0;        // d E[d] / du = sum of their slopes
    for (int c = 0; c < curves; ++c) {
        const int at = i0 * curves + c;
        const float C = val[at] + fr * (val[at + curves] - val[at]);
        d += u < C ? 1 : 0;
        expected += C;
        dE += der[at] + fr * (der[at + curves] - der[at]);
    }
    const int sd = drive > 0 ? d : drive < 0 ? -d : 0;
    const float step = deterministic ? (drive > 0   ? expected
                                        : drive < 0 ? -expected
                                                    : 0.0f)
                                     : float(sd);
    return {drive, sd, step, 0.25f * gain * dE};
}

/// The cell's state after an increment: a = v + step / 4 (returned, the backward's saved
/// value), v <- max(a, 0); a spike when that exceeds 0.9, then v <- 0. `spike` is 0 or 1.
DWMTJ_HD float releasedAdvance(float& v, float step, float& spike)
{
    const float a = v + 0.25f * step;
    const float vc = a > 0 ? a : 0.0f;
    spike = vc > 0.9f ? 1.0f : 0.0f;
    v = spike > 0 ? 0.0f : vc;
    return a;
}

/// One step of the cell's backward through time, from the saved a: the SuperSpike surrogate at
/// v > 0.9, the reset v (1 - z) not detached, the clamp at 0. g is dL/dz at this step, gv the
/// adjoint of v carried from the next step (updated); returns dL/da (times `slope` for dL/dx).
DWMTJ_HD float releasedAdjoint(float a, float g, float& gv)
{
    const float vc = a > 0 ? a : 0.0f;
    const float z = vc > 0.9f ? 1.0f : 0.0f;
    const float den = kAlpha * std::fabs(vc - 0.9f) + 1.0f;
    const float h = 1.0f / (den * den);
    const float dvc = g * h + gv * ((1.0f - z) - vc * h);
    const float da = a > 0 ? dvc : 0.0f;
    gv = da;
    return da;
}

}  // namespace dwmtj::core::snn

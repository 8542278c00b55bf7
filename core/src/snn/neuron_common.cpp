// What every neuron shares: the sampling table built from a LUT, the switch to the tensor-op
// kernels (tests), and the loops' state.
#include <cmath>

#include "neuron_loops.h"

namespace dwmtj::core::snn {

namespace detail {
std::atomic<bool> g_forceGeneric{false};
}  // namespace detail

DeviceTable DeviceTable::fromLut(const Lut& lut, double centreVoltage, double gainVolts,
                                 const torch::Device& device)
{
    if (lut.voltage.size() < 2 || lut.curves.empty()) throw Error("the lookup table is empty");
    if (!std::isfinite(centreVoltage) || !std::isfinite(gainVolts))
        throw OptionsError("the neuron's centre voltage and gain must be finite numbers");
    DeviceTable tb;
    tb.numCurves = int(lut.curves.size());
    tb.size = int(lut.voltage.size());
    tb.vMin = float(lut.voltage.front());
    tb.invStep = float((tb.size - 1) / (lut.voltage.back() - lut.voltage.front()));
    tb.centre = float(centreVoltage);
    tb.gain = float(gainVolts);
    tb.value.resize(size_t(tb.size) * tb.numCurves);
    tb.deriv.resize(tb.value.size());
    for (int i = 0; i < tb.size; ++i) {
        double prev = 1.0;
        for (int c = 0; c < tb.numCurves; ++c) {
            // Cumulative curves must not increase with k, so that counting u < C_k samples
            // the notch advance exactly; clamp to [0, 1] for empirical tables.
            const double v = std::clamp(std::min(prev, lut.curves[c][i]), 0.0, 1.0);
            prev = v;
            tb.value[size_t(i) * tb.numCurves + c] = float(v);
            tb.deriv[size_t(i) * tb.numCurves + c] = float(lut.derivatives[c][i]);
        }
    }
    auto opts = torch::TensorOptions().dtype(torch::kFloat);
    tb.valueT = torch::from_blob(tb.value.data(), {tb.size, tb.numCurves}, opts).clone().to(device);
    tb.derivT = torch::from_blob(tb.deriv.data(), {tb.size, tb.numCurves}, opts).clone().to(device);
    return tb;
}

void setForceGenericKernels(bool on) { detail::g_forceGeneric = on; }

}  // namespace dwmtj::core::snn

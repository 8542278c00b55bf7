// What every neuron shares: the sampling table built from a LUT, the switch to the tensor-op
// kernels (tests), and the loops' state.
#include <cmath>

#include "neuron_loops.h"
#include "rng.h"

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

namespace detail {

void fillNormal(uint64_t key, int64_t start, int64_t n, float* out)
{
    for (int64_t k = 0; k < n; ++k) out[k] = normalAt(key, start + k);
}

void checkVariation(const DeviceTable& tb, int64_t neurons, const Tensor& x)
{
    const auto& v = *tb.variation;
    if (v.devices != neurons || v.curves != tb.numCurves)
        throw Error("device variation for " + std::to_string(v.devices) + " devices of " +
                    std::to_string(v.curves) + " curve(s), the layer has " +
                    std::to_string(neurons) + " neurons of " + std::to_string(tb.numCurves));
    if (!x.device().is_cpu() && !onCudaKernels(x))
        throw Error(
            "device variability runs on the CPU and CUDA kernels only (use --device cpu, or a "
            "DWMTJ_CUDA build for CUDA)");
    if (onCudaKernels(x) && !(v.packed.defined() && v.packed.device() == x.device()))
        throw Error("the device variation is not on the layer's CUDA device");
}

#ifdef DWMTJ_HAVE_CUDA_KERNELS
cuda::Table cudaTable(const DeviceTable& tb)
{
    if (!tb.valueT.is_cuda())
        throw Error("the device table is not on a CUDA device (build it for the layer's device)");
    cuda::Table t;
    t.value = tb.valueT.data_ptr<float>();
    t.deriv = tb.derivT.data_ptr<float>();
    t.size = tb.size;
    t.curves = tb.numCurves;
    t.vMin = tb.vMin;
    t.invStep = tb.invStep;
    t.centre = tb.centre;
    t.gain = tb.gain;
    return t;
}

cuda::Variation cudaVariation(const DeviceVariation& v)
{
    const float* p = v.packed.data_ptr<float>();
    const int64_t D = v.devices;
    cuda::Variation c;
    c.shift = p;
    c.invScale = p + int64_t(v.curves) * D;
    c.live = c.invScale + D;
    c.forced = c.live + D;
    c.devices = v.devices;
    c.pivot = v.pivot;
    c.c2cSd = v.c2cSd;
    return c;
}

Tensor cudaTallyBuffer(const Tensor& like, ActivityTally* tally)
{
    return tally ? torch::zeros({2}, like.options().dtype(torch::kDouble)) : Tensor();
}

cuda::Tally cudaTallyOf(const Tensor& buffer)
{
    if (!buffer.defined()) return {};
    double* p = buffer.data_ptr<double>();
    return {p, p + 1};
}

void finishCudaTally(const Tensor& buffer, ActivityTally* tally, double samples)
{
    if (!tally || !buffer.defined()) return;
    const Tensor h = buffer.cpu();
    tally->sumSquareVoltage += h.data_ptr<double>()[0];
    tally->spikes += h.data_ptr<double>()[1];
    tally->samples += samples;
}
#endif

}  // namespace detail

DeviceVariation DeviceVariation::from(const DeviceDraw& draw, float pivot, float c2cSd,
                                      const torch::Device& device)
{
    DeviceVariation v;
    v.devices = draw.devices;
    v.curves = draw.curves;
    // The draw is [devices][curves]; the kernels read one curve of consecutive devices.
    v.shift.resize(draw.shift.size());
    for (int n = 0; n < draw.devices; ++n)
        for (int c = 0; c < draw.curves; ++c)
            v.shift[size_t(c) * size_t(draw.devices) + size_t(n)] =
                draw.shift[size_t(n) * size_t(draw.curves) + size_t(c)];
    v.pivot = pivot;
    v.c2cSd = c2cSd;
    for (int n = 0; n < draw.devices; ++n) {
        v.invScale.push_back(1.0f / draw.scale[size_t(n)]);
        const int8_t st = draw.stuck[size_t(n)];
        v.live.push_back(st == 0 ? 1.0f : 0.0f);
        v.forced.push_back(st == 2 ? 1.0f : 0.0f);
    }
    if (!device.is_cpu()) {
        std::vector<float> all(v.shift);
        for (const auto* part : {&v.invScale, &v.live, &v.forced})
            all.insert(all.end(), part->begin(), part->end());
        v.packed = torch::tensor(all, torch::kFloat).to(device);
    }
    return v;
}

namespace {
thread_local const uint64_t* t_deviceKey = nullptr;
}  // namespace

DeviceKeyScope::DeviceKeyScope(const uint64_t* slot) : m_previous(t_deviceKey)
{
    t_deviceKey = slot;
}
DeviceKeyScope::~DeviceKeyScope() { t_deviceKey = m_previous; }
const uint64_t* DeviceKeyScope::current() { return t_deviceKey; }

void setForceGenericKernels(bool on) { detail::g_forceGeneric = on; }

}  // namespace dwmtj::core::snn

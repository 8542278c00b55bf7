#pragma once
// The neuron layers of the spiking network, each one fused custom autograd function whose
// time loop runs inside (forward and backward written by hand). Tensors are time-major
// [T, B, N] and contiguous. CPU: fused C++ loops parallel over neurons; other devices
// (CUDA): the same equations as a loop of tensor ops inside the same autograd function.
// Equations: docs/models.md "Network and neurons" (Norse v1.0.0, dt = 1e-3).
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "dwmtj/lut.h"
#include "dwmtj/variability.h"

namespace dwmtj::core::snn {

/// Float copy of a LUT for sampling. Binary: one curve p(V). Multi-state: K-1 cumulative
/// curves C_k(V) = P(state >= k | V), k = 2..K, made non-increasing in k.
/// Device-to-device and cycle-to-cycle variation of one device layer (dwmtj/variability.h):
/// device n of the layer's `devices` neurons evaluates the nominal curve c at
/// V' = pivot + (V - pivot - shift[n][c]) / scale[n], V jittered per sample by N(0, c2cSd);
/// a stuck device fires with probability 0 (off) or 1 (on) and passes no gradient.
struct DeviceVariation {
    int devices = 0, curves = 0;
    std::vector<float> shift;         ///< [curves][devices] volts (contiguous per curve)
    std::vector<float> invScale;      ///< [devices] 1 / scale
    std::vector<float> live, forced;  ///< [devices]: p -> live * p + forced
    float pivot = 0;                  ///< the voltage widths scale about (the LUT's centre)
    float c2cSd = 0;                  ///< per-sample operating-point jitter [V]
    /// shift, invScale, live, forced one after the other on the compute device (CUDA kernels).
    torch::Tensor packed;
    static DeviceVariation from(const DeviceDraw& draw, float pivot, float c2cSd,
                                const torch::Device& device = torch::kCPU);
};

struct DeviceTable {
    int numCurves = 1;
    int size = 0;
    float vMin = 0, invStep = 0;
    float centre = 0, gain = 0;       ///< V_t = centre + gain * x_t
    std::vector<float> value, deriv;  ///< [size][numCurves]
    torch::Tensor valueT, derivT;     ///< the same on the compute device, [size, numCurves]
    /// Set: every neuron is its own device (variability); null: all are the nominal device.
    std::shared_ptr<const DeviceVariation> variation;
    /// The device's expectation instead of a sample (NeuronSampling::Deterministic; the
    /// released cells only).
    bool deterministic = false;
    static DeviceTable fromLut(const Lut& lut, double centreVoltage, double gainVolts,
                               const torch::Device& device);
};

/// Device activity of a forward pass (evaluation): sum of V_t^2 and sample/spike counts.
struct ActivityTally {
    double sumSquareVoltage = 0;
    double samples = 0;
    double spikes = 0;
};

/// LIF layer: x [T,B,N] -> spikes z [T,B,N]. SuperSpike surrogate, reset not detached.
torch::Tensor lifLayer(const torch::Tensor& x, ActivityTally* tally = nullptr);
/// Leaky-integrator readout: x [T,B,C] -> membrane voltage v [T,B,C].
torch::Tensor liReadout(const torch::Tensor& x);
/// Binary DW-MTJ layer: z_t ~ Bernoulli(p(centre + gain x_t)), straight-through gain * p'.
torch::Tensor binaryLayer(const torch::Tensor& x, const DeviceTable& table, uint64_t key,
                          ActivityTally* tally = nullptr);
/// Multi-weight DW-MTJ layer (notch-advance quantized integrate-and-fire). If `states` is
/// given it receives the state m after each step, [T,B,N] int8 (for tests).
torch::Tensor multiStateLayer(const torch::Tensor& x, const DeviceTable& table, uint64_t key,
                              ActivityTally* tally = nullptr, torch::Tensor* states = nullptr);

/// The released code's binary cell (docs/models.md, "As released"): p = the table at
/// V = centre + gain x, extrapolated linearly past its ends; output ceil(p) if U < p else
/// floor(p); straight-through gradient gain * dp/dV. CPU loops (other devices via the CPU).
torch::Tensor binaryReleasedLayer(const torch::Tensor& x, const DeviceTable& table, uint64_t key,
                                  ActivityTally* tally = nullptr);
/// The released code's multi-weight cell: signed increments d / 4 drawn from the 5-state table
/// at u = |centre + gain x|, v <- max(v + d / 4, 0), spike when v > 0.9, reset to 0.
/// `increments`, if given, receives the signed d per step, [T,B,N] int8 (tests).
torch::Tensor multiStateReleasedLayer(const torch::Tensor& x, const DeviceTable& table,
                                      uint64_t key, ActivityTally* tally = nullptr,
                                      torch::Tensor* increments = nullptr);

/// Use the tensor-op implementation on the CPU and CUDA too (tests compare them).
void setForceGenericKernels(bool on);

/// While one lives, the CUDA encoder and neuron kernels called on this thread read their random
/// key from `slot` (a uint64 on the device) instead of their key argument, so that a captured
/// CUDA graph replays with each step's key (SpikingMlpImpl::readKeysFrom). Null: the argument.
class DeviceKeyScope {
public:
    explicit DeviceKeyScope(const uint64_t* slot);
    ~DeviceKeyScope();
    DeviceKeyScope(const DeviceKeyScope&) = delete;
    DeviceKeyScope& operator=(const DeviceKeyScope&) = delete;
    static const uint64_t* current();

private:
    const uint64_t* m_previous;
};

}  // namespace dwmtj::core::snn

#pragma once
// The neuron equations' constants (docs/models.md), shared by the CPU loops and the CUDA kernels:
// Norse v1.0.0 with dt = 1e-3: dt * tau_mem_inv, dt * tau_syn_inv, and the SuperSpike alpha.
namespace dwmtj::core::snn {

inline constexpr float kMemDecay = 0.1f;
inline constexpr float kSynDecay = 0.2f;
inline constexpr float kAlpha = 100.0f;

}  // namespace dwmtj::core::snn

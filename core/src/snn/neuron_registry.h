#pragma once
// The kernels of the neuron kinds (dwmtj/neuron_kinds.h describes them): one function per
// kind that the network calls for a hidden layer. The built-in kinds are listed in
// neuron_registry.cpp; docs/models.md, "Neuron kinds", says how to add one.
#include <torch/torch.h>

#include <cstdint>

#include "dwmtj/neuron_kinds.h"
#include "neurons.h"

namespace dwmtj::core::snn {

/// A hidden layer's neurons: x [T, B, N] (float32, time-major) -> spikes [T, B, N],
/// differentiable through the kind's own autograd function. `table` is the layer's device
/// table (nullptr for kinds that are not device neurons), `key` the layer's random stream,
/// `tally` (optional) collects the layer's device activity (evaluation).
using NeuronKernel = torch::Tensor (*)(const torch::Tensor& x, const DeviceTable* table,
                                       uint64_t key, ActivityTally* tally);

/// Adds a neuron kind in one call: its description (dwmtj/neuron_kinds.h) and its kernel.
/// Throws Error, registering nothing, for a null kernel or what registerNeuronKind refuses.
/// The way an extension or a test adds a kind (docs/extending.md, "A neuron kind").
NeuronKind registerNeuron(NeuronKindInfo info, NeuronKernel kernel);
/// Registers (or replaces) the kernel of a registered kind (registerNeuronKind); throws Error
/// for an unregistered kind or a null kernel.
void registerNeuronKernel(NeuronKind kind, NeuronKernel kernel);
/// The kernel of `kind`; throws Error naming the kind when it has none.
NeuronKernel neuronKernel(NeuronKind kind);

}  // namespace dwmtj::core::snn

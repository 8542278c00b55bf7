// The kernel of every neuron kind. A new kind: its description in
// core/src/device/neuron_kinds.cpp, its kernel in its own file (neuron_<id>.cpp), one line in
// builtins() below (docs/models.md, "Neuron kinds").
#include "neuron_registry.h"

#include <map>
#include <mutex>

#include "dwmtj/error.h"

namespace dwmtj::core::snn {
namespace {

torch::Tensor lifKernel(const torch::Tensor& x, const DeviceTable*, uint64_t, ActivityTally* tally)
{
    return lifLayer(x, tally);
}

torch::Tensor binaryKernel(const torch::Tensor& x, const DeviceTable* table, uint64_t key,
                           ActivityTally* tally)
{
    return binaryLayer(x, *table, key, tally);
}

torch::Tensor multiStateKernel(const torch::Tensor& x, const DeviceTable* table, uint64_t key,
                               ActivityTally* tally)
{
    return multiStateLayer(x, *table, key, tally);
}

torch::Tensor binaryReleasedKernel(const torch::Tensor& x, const DeviceTable* table, uint64_t key,
                                   ActivityTally* tally)
{
    return binaryReleasedLayer(x, *table, key, tally);
}

torch::Tensor multiStateReleasedKernel(const torch::Tensor& x, const DeviceTable* table,
                                       uint64_t key, ActivityTally* tally)
{
    return multiStateReleasedLayer(x, *table, key, tally);
}

std::map<NeuronKind, NeuronKernel> builtins()
{
    return {{NeuronKind::Lif, &lifKernel},
            {NeuronKind::Binary, &binaryKernel},
            {NeuronKind::MultiState, &multiStateKernel},
            {NeuronKind::BinaryReleased, &binaryReleasedKernel},
            {NeuronKind::MultiStateReleased, &multiStateReleasedKernel}};
}

struct Kernels {
    std::mutex mutex;
    std::map<NeuronKind, NeuronKernel> map = builtins();
};

Kernels& kernels()
{
    static Kernels k;
    return k;
}

}  // namespace

NeuronKind registerNeuron(NeuronKindInfo info, NeuronKernel kernel)
{
    if (!kernel) throw Error("a null kernel for the neuron kind '" + info.id + "'");
    const NeuronKind kind = registerNeuronKind(std::move(info));
    registerNeuronKernel(kind, kernel);
    return kind;
}

void registerNeuronKernel(NeuronKind kind, NeuronKernel kernel)
{
    neuronKindInfo(kind);  // throws for an unregistered kind
    if (!kernel) throw Error(std::string("a null kernel for the neuron kind ") + toString(kind));
    auto& k = kernels();
    std::lock_guard lock(k.mutex);
    k.map[kind] = kernel;
}

NeuronKernel neuronKernel(NeuronKind kind)
{
    auto& k = kernels();
    std::lock_guard lock(k.mutex);
    const auto it = k.map.find(kind);
    if (it == k.map.end())
        throw Error(std::string("the neuron kind '") + toString(kind) + "' has no kernel");
    return it->second;
}

}  // namespace dwmtj::core::snn

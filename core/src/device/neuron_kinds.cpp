// The neuron-kind registry (dwmtj/neuron_kinds.h). The built-in kinds are described here,
// once; their kernels are registered in core/src/snn/neuron_registry.cpp.
#include "dwmtj/neuron_kinds.h"

#include <deque>
#include <mutex>

#include "dwmtj/error.h"

namespace dwmtj::core {
namespace {

std::deque<NeuronKindInfo> builtins()
{
    std::deque<NeuronKindInfo> kinds;
    NeuronKindInfo lif;
    lif.id = "lif";
    lif.label = "LIF";
    lif.description = "ideal leaky integrate-and-fire neuron (Norse, SuperSpike surrogate)";
    lif.gflopsPerCore = 94;  // measured: an epoch with validation, H 500 T 80, 88 s
    kinds.push_back(lif);
    NeuronKindInfo binary;
    binary.id = "binary";
    binary.label = "binary";
    binary.description = "binary DW-MTJ neuron: a spike with the device's switching probability";
    binary.device = true;
    binary.lutKind = DeviceKind::Binary;
    binary.bundledLut = "binary-lut.csv";
    binary.gflopsPerCore = 69;  // 120 s
    kinds.push_back(binary);
    NeuronKindInfo multi;
    multi.id = "multistate";
    multi.aliases = {"mw"};
    multi.label = "multi-weight";
    multi.description = "multi-weight DW-MTJ neuron: the wall advances notch by notch";
    multi.device = true;
    multi.lutKind = DeviceKind::MultiState;
    multi.bundledLut = "multistate-lut.csv";
    multi.gflopsPerCore = 55;  // 150 s
    kinds.push_back(multi);
    // The released code's cells (docs/models.md, "As released"), on the measured tables A and
    // B bundled with their provenance (datasets/README.md).
    NeuronKindInfo binaryReleased;
    binaryReleased.id = "binary-released";
    binaryReleased.label = "binary (as released)";
    binaryReleased.description =
        "the released code's binary cell: measured table A, V = x / 5 + 1.88, linear "
        "interpolation extrapolated past the table, output ceil(p) or floor(p)";
    binaryReleased.device = true;
    binaryReleased.lutKind = DeviceKind::Binary;
    binaryReleased.bundledLut = "released-binary-table-a.csv";
    binaryReleased.defaultOperatingPoint = [](const Lut&, double& centre, double& gain) {
        centre = 1.88;
        gain = 0.2;
    };
    binaryReleased.binarySpikes = false;
    binaryReleased.paperRole = NeuronKind::Binary;
    binaryReleased.gflopsPerCore = 69;
    kinds.push_back(binaryReleased);
    NeuronKindInfo multiReleased;
    multiReleased.id = "multistate-released";
    multiReleased.aliases = {"mw-released"};
    multiReleased.label = "multi-weight (as released)";
    multiReleased.description =
        "the released code's multi-weight cell: measured table B, signed increments drawn at "
        "u = |5 x|, v >= 0, spike at v > 0.9, reset to 0";
    multiReleased.device = true;
    multiReleased.lutKind = DeviceKind::MultiState;
    multiReleased.bundledLut = "released-multistate-table-b.csv";
    multiReleased.defaultOperatingPoint = [](const Lut&, double& centre, double& gain) {
        centre = 0;
        gain = 5;
    };
    multiReleased.gflopsPerCore = 55;
    multiReleased.deviceVariability = false;
    multiReleased.physicalDrive = false;
    multiReleased.paperRole = NeuronKind::MultiState;
    kinds.push_back(multiReleased);
    return kinds;
}

struct Registry {
    std::mutex mutex;
    std::deque<NeuronKindInfo> infos = builtins();  // a deque: references stay valid
    std::vector<NeuronKind> kinds{NeuronKind::Lif, NeuronKind::Binary, NeuronKind::MultiState,
                                  NeuronKind::BinaryReleased, NeuronKind::MultiStateReleased};
};

Registry& registry()
{
    static Registry r;
    return r;
}

bool matches(const NeuronKindInfo& info, const std::string& name)
{
    if (info.id == name) return true;
    for (const auto& a : info.aliases)
        if (a == name) return true;
    return false;
}

}  // namespace

const std::vector<NeuronKind>& neuronKinds() { return registry().kinds; }

const NeuronKindInfo& neuronKindInfo(NeuronKind kind)
{
    auto& r = registry();
    const int i = int(kind);
    if (i < 0 || size_t(i) >= r.infos.size())
        throw Error("neuron kind " + std::to_string(i) + " is not registered");
    return r.infos[size_t(i)];
}

NeuronKind registerNeuronKind(NeuronKindInfo info)
{
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    if (info.id.empty() || info.label.empty()) throw Error("a neuron kind needs an id and a label");
    for (const auto& existing : r.infos) {
        if (matches(existing, info.id))
            throw Error("neuron kind '" + info.id + "' is already registered");
        for (const auto& a : info.aliases)
            if (matches(existing, a))
                throw Error("neuron kind alias '" + a + "' is already taken by '" + existing.id +
                            "'");
    }
    if (info.device && info.bundledLut.empty())
        throw Error("the device neuron kind '" + info.id + "' needs a bundled LUT name");
    const auto kind = NeuronKind(int(r.infos.size()));
    r.infos.push_back(std::move(info));
    r.kinds.push_back(kind);
    return kind;
}

NeuronKind paperRole(NeuronKind kind) { return neuronKindInfo(kind).paperRole.value_or(kind); }

const char* toString(NeuronKind k)
{
    const auto& r = registry();
    const int i = int(k);
    return i >= 0 && size_t(i) < r.infos.size() ? r.infos[size_t(i)].id.c_str() : "?";
}

NeuronKind neuronKindFromString(const std::string& s)
{
    for (NeuronKind k : neuronKinds())
        if (matches(neuronKindInfo(k), s)) return k;
    throw OptionsError("unknown neuron '" + s + "': expected " + neuronKindChoices());
}

std::string neuronKindChoices()
{
    std::string out;
    const auto& kinds = neuronKinds();
    for (size_t i = 0; i < kinds.size(); ++i) {
        if (i) out += i + 1 == kinds.size() ? " or " : ", ";
        out += toString(kinds[i]);
    }
    return out;
}

}  // namespace dwmtj::core

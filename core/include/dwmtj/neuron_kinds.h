#pragma once
// The neuron kinds, described once (docs/models.md, "Neuron kinds"): everything the CLI, the
// Train page, presets, sweep files, experiment files, labels and energy accounting need to know
// about a kind comes from here; its forward/backward kernel is registered next to it in the
// spiking-network code (core/src/snn/neuron_registry.cpp). Torch-free and Qt-free.
#include <optional>
#include <string>
#include <vector>

#include "dwmtj/device_data.h"

namespace dwmtj::core {

/// A registered neuron kind. The built-in ones have names; registerNeuronKind() hands out the
/// next values.
enum class NeuronKind : int {
    Lif = 0,
    Binary = 1,
    MultiState = 2,
    BinaryReleased = 3,      ///< the released code's binary cell (docs/models.md, "As released")
    MultiStateReleased = 4,  ///< the released code's multi-weight cell
};

struct Lut;

struct NeuronKindInfo {
    std::string id;                    ///< "lif": CLI, files, presets (stable, lower case)
    std::vector<std::string> aliases;  ///< other accepted spellings ("mw")
    std::string label;                 ///< "LIF", "binary", "multi-weight": charts, reports
    std::string description;           ///< one line: CLI help, Train page tooltip
    /// A DW-MTJ device neuron: it needs a LUT of `lutKind` (bundled default `bundledLut` in
    /// the datasets folder), runs at an operating point V_t = centre + gain * x_t, and its
    /// device samples count towards the energy per inference.
    bool device = false;
    DeviceKind lutKind = DeviceKind::Binary;
    std::string bundledLut;
    /// The default operating point (centre [V], gain [V per unit input]) from the LUT:
    /// the LUT's own suggestion unless set (binary: V50 and 2w; multi-weight: mid and
    /// half-spread of the notches, lut.h).
    void (*defaultOperatingPoint)(const Lut& lut, double& centre, double& gain) = nullptr;
    /// The paper's neuron type it stands for in the reproduction's claims and study (the
    /// released cells play binary and multi-weight); unset = the kind itself.
    std::optional<NeuronKind> paperRole;
    /// Its outputs are only 0 and 1 (the next layer may read them event-driven); false for a
    /// kind whose output can be another value (the released binary cell can emit -1 or 2).
    bool binarySpikes = true;
    /// Its cell models device-to-device and cycle-to-cycle variability (the variability
    /// evaluation, chips and hardware-aware training); false for the released cells.
    bool deviceVariability = true;
    /// Its table's grid is the voltage (or current) the device sees, so that the energy per
    /// inference is physical; false where it is another drive (the released multi-weight
    /// cell's u = |5 x|).
    bool physicalDrive = true;
    /// Training cost for the sweep planner's estimate: effective GFLOP/s per core measured
    /// for a network of this kind (docs/sweeps.md, "Cost estimate").
    double gflopsPerCore = 80;
};

/// Every registered kind, built-ins first, in registration order.
const std::vector<NeuronKind>& neuronKinds();
/// The description of `kind`; throws Error for a value no one registered.
const NeuronKindInfo& neuronKindInfo(NeuronKind kind);
/// Adds a kind (an extension or a test's); throws Error when its id or an alias is taken or
/// a device kind has no bundled LUT name. Extensions use snn::registerNeuron (description
/// and kernel in one call); this alone registers a description without a kernel.
NeuronKind registerNeuronKind(NeuronKindInfo info);

/// The paper's neuron type `kind` plays (NeuronKindInfo::paperRole, else the kind itself).
NeuronKind paperRole(NeuronKind kind);

const char* toString(NeuronKind k);                     ///< the id: "lif", "binary", ...
NeuronKind neuronKindFromString(const std::string& s);  ///< id or alias; throws OptionsError
/// "lif, binary or multistate": the ids, for messages and help.
std::string neuronKindChoices();

}  // namespace dwmtj::core

#pragma once
// The spiking MLP 784 -> H -> H -> 10 (Linear -> BatchNorm -> neuron per hidden layer,
// Linear -> leaky-integrator readout), Poisson input encoding, Adam, state dicts.
#include <torch/torch.h>

#include <array>
#include <memory>
#include <vector>

#include "dwmtj/experiment.h"
#include "dwmtj/training_config.h"
#include "events.h"
#include "neurons.h"

namespace dwmtj::core::snn {

/// Rate code: spikes [T, B, P] with spike = (u < pixel), pixel in [0, 1]. `images` is [B, P]
/// (the same probabilities at every step) or [T, B, P] (one per step: noise drawn per step).
torch::Tensor poissonEncode(const torch::Tensor& images, int timesteps, uint64_t key);
/// The same spikes (CPU) as compressed rows [T * B, P] (events.h), without a dense matrix:
/// what the network's first layer reads (docs/models.md, "Event-driven kernels").
SpikeEvents poissonEvents(const torch::Tensor& images, int timesteps, uint64_t key);

/// What a linear layer with spike input did in the last forward pass (`dwmtj bench`).
struct LayerKernelUse {
    double density = 0;  ///< spikes / elements of the layer's input
    bool event = false;  ///< the event-driven kernel ran (else the dense GEMM)
};

/// The activity of a forward pass: per hidden layer (device samples and voltages for the
/// energy, spikes), and the encoded input's spikes (samples = input positions x steps).
struct NetworkActivity {
    std::array<ActivityTally, TrainingConfig::kHiddenLayers> layer{};
    ActivityTally input;
    /// Per device layer: how many samples the network applied at each of kVoltageBins equal
    /// bins of the layer table's grid, V = centre + gain x (values beyond the grid in the end
    /// bins); empty for a layer without a device table.
    static constexpr int kVoltageBins = 64;
    std::array<std::vector<double>, TrainingConfig::kHiddenLayers> voltageCounts{};
    std::array<std::array<double, 2>, TrainingConfig::kHiddenLayers> voltageRange{};
};

/// One hidden layer's neurons: the kind and, for device kinds, the layer's sampling table.
struct HiddenNeurons {
    NeuronKind kind = NeuronKind::Lif;
    std::shared_ptr<const DeviceTable> table;
};

/// BatchNorm per time step of x [T*B, H] (rows time-major): with `batchStatistics` each step
/// normalized with its own batch's mean and (biased) variance and, when `update`, the running
/// statistics updated once per step (T momentum updates, in one expression), as T successive
/// calls of a training-mode BatchNorm would; else with the running statistics.
torch::Tensor perStepBatchNorm(torch::nn::BatchNorm1d& bn, const torch::Tensor& x, int64_t T,
                               bool batchStatistics, bool update);

/// The network's construction beyond its neurons (TrainingConfig, docs/models.md "As released").
struct NetworkOptions {
    BnPlacement bnPlacement = BnPlacement::Before;
    BnStatistics bnStatistics = BnStatistics::Sequence;
    InputEncoding input = InputEncoding::Pixel;
    /// On CUDA, evaluation replays a captured forward pass (EvaluationPass; TrainingConfig's
    /// cudaGraphs, which the training step follows too).
    bool cudaGraphs = true;
    static NetworkOptions of(const TrainingConfig& c);
};

class SpikingMlpImpl : public torch::nn::Module {
public:
    /// One entry per hidden layer (TrainingConfig::kHiddenLayers); device kinds need a table.
    SpikingMlpImpl(int inputs, int hidden, int classes, std::vector<HiddenNeurons> layers,
                   NetworkOptions options = {});
    /// Every hidden layer of one kind (a pure network).
    SpikingMlpImpl(int inputs, int hidden, int classes, NeuronKind kind,
                   std::shared_ptr<const DeviceTable> table);
    /// Xavier: Xavier-uniform weights (gain 1) and zero biases of fc1..fc3, drawn from torch's
    /// generator; Default leaves LibTorch's initialization.
    void initialize(WeightInit init);
    /// Hidden layer i's (0-based) input transform keeps its values: fc(i+1), and its BatchNorm
    /// before the neuron, or with BatchNorm after the neurons the one after layer i - 1. Its
    /// parameters stop requiring gradients (running statistics still update).
    void freezeLayer(int i);
    const NetworkOptions& options() const { return m_options; }
    /// images [B, P] in [0, 1] -> readout voltage [T, B, classes]. Random streams derive
    /// from `key`; `activity` (optional) collects each hidden layer's device activity.
    torch::Tensor forward(const torch::Tensor& images, int timesteps, uint64_t key,
                          NetworkActivity* activity = nullptr);
    /// The encoder's firing probabilities for pixel images in [0, 1]: the pixels, or with
    /// standardized input (x - 0.1307) / 0.3081 (the encoder fires always above 1, never below 0).
    torch::Tensor spikeProbabilities(const torch::Tensor& pixels) const;
    /// The same network on already encoded input spikes [T, B, P] (spike-level noise).
    /// `key` is forward()'s key: the neurons draw the same streams as there.
    /// `spikes` may be float32 or uint8.
    torch::Tensor forwardSpikes(const torch::Tensor& spikes, uint64_t key,
                                NetworkActivity* activity = nullptr);
    /// fc1, fc2, fc3 in the last forward pass: input spike density and the kernel used.
    const std::array<LayerKernelUse, 3>& lastKernelUse() const { return m_use; }
    /// When set, the next forward passes store each linear layer's input spikes ([T*B, in],
    /// float32) there (`dwmtj bench`).
    void captureLayerInputs(std::vector<torch::Tensor>* out) { m_capture = out; }
    /// CUDA: from now on the encoder and the neurons read their random keys from `keys`
    /// (int64 [3] on the network's device, as deviceKeys() gives them) instead of deriving them
    /// from forward()'s key, so that a captured CUDA graph replays with each step's keys. An
    /// undefined tensor switches back.
    void readKeysFrom(torch::Tensor keys) { m_keys = std::move(keys); }
    /// The keys forward(images, T, key) uses (encoder, hidden layer 1, hidden layer 2) as a
    /// CPU int64 tensor [3].
    static torch::Tensor deviceKeys(uint64_t key);
    /// Diagnostic only (robustness study, docs/models.md): in eval mode, normalize with the
    /// statistics of each batch instead of the running statistics, without updating them,
    /// as a script that forgets eval mode would. Off by default; never used in training.
    void setBatchStatisticsAtInference(bool on) { m_batchStats = on; }
    /// The loss of docs/models.md: max over time per class -> log_softmax -> NLL; also the logits.
    static torch::Tensor loss(const torch::Tensor& voltage, const torch::Tensor& labels,
                              torch::Tensor* logits = nullptr);
    /// The class each image is predicted to be: the class whose readout voltage [T, B, classes]
    /// reaches the highest maximum over time -> [B] (int64).
    static torch::Tensor predictedClasses(const torch::Tensor& voltage);

    torch::nn::Linear fc1{nullptr}, fc2{nullptr}, fc3{nullptr};
    torch::nn::BatchNorm1d bn1{nullptr}, bn2{nullptr};

private:
    torch::Tensor neuron(int layer, const torch::Tensor& x, uint64_t key,
                         NetworkActivity* activity);
    /// BatchNorm of x [T*B, H]: over all rows, or per time step (NetworkOptions::bnStatistics).
    torch::Tensor norm(torch::nn::BatchNorm1d& bn, const torch::Tensor& x, int64_t T);
    /// fc on the output of hidden layer `layer` - 1 (layer 1, 2: fc2, fc3): spikes through
    /// spikeLinear, normalized values (BatchNorm after the neurons) or non-binary outputs dense.
    torch::Tensor nextLinear(torch::nn::Linear& fc, const torch::Tensor& x, int layer, bool spikes);
    /// fc applied to spikes x [rows, in]: event-driven or dense GEMM by the input's density.
    torch::Tensor spikeLinear(torch::nn::Linear& fc, const torch::Tensor& x, int layer);
    /// fc1 event-driven on the encoder's compressed rows; then the rest of the network.
    torch::Tensor forwardEvents(const SpikeEvents& ev, int64_t T, int64_t B, uint64_t key,
                                NetworkActivity* activity);
    torch::Tensor hiddenLayers(torch::Tensor h, int64_t T, int64_t B, uint64_t key,
                               NetworkActivity* activity);
    std::array<LayerKernelUse, 3> m_use{};
    std::vector<torch::Tensor>* m_capture = nullptr;
    std::vector<HiddenNeurons> m_layers;
    NetworkOptions m_options;
    bool m_batchStats = false;
    torch::Tensor m_keys;  ///< readKeysFrom
    const uint64_t* keySlot(int k) const;
};
TORCH_MODULE(SpikingMlp);

/// Adam (Kingma & Ba, as torch.optim.Adam without weight decay) with a checkpointable state.
/// On CUDA (DWMTJ_CUDA builds) one fused kernel for all parameters, with the step number kept
/// on the device, so that the update can be captured in a CUDA graph and replayed.
class Adam {
public:
    Adam(std::vector<torch::Tensor> params, std::vector<std::string> names, double lr,
         double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8);
    /// Adam over every parameter of `module`, named as in its state dict ("fc1.weight", ...).
    static Adam of(torch::nn::Module& module, double lr);
    void zeroGrad();
    void step();
    void saveState(StateDict& out) const;  ///< adds adam.m.*, adam.v.*, adam.step
    void loadState(const StateDict& in);   ///< throws FileFormatError-like Error if missing

private:
    std::vector<torch::Tensor> m_params, m_m, m_v;
    std::vector<std::string> m_names;
    double m_lr, m_b1, m_b2, m_eps;
    int64_t m_step = 0;
    torch::Tensor m_stepOnDevice;  ///< float [1]: the step number of the CUDA kernel
};

/// Parameters and buffers (named "fc1.weight", "bn1.running_mean", ...), copied to the CPU.
StateDict moduleState(torch::nn::Module& module);
/// Copies a state dict into the module; throws Error naming a missing or misshapen entry.
void loadModuleState(torch::nn::Module& module, const StateDict& state);

NamedArray toArray(const torch::Tensor& t);
torch::Tensor fromArray(const NamedArray& a);

}  // namespace dwmtj::core::snn

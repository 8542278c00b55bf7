#include "common.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "dwmtj/energy.h"
#include "dwmtj/error.h"
#include "dwmtj/paths.h"
#include "snn/cpu_allocator.h"
#include "snn/rng.h"
#include "snn/training_step.h"

namespace dwmtj::core {

int applyThreadCount(int requested)
{
    snn::installCachingCpuAllocator();
    const int n = requested > 0 ? requested : defaultThreadCount();
    if (torch::get_num_threads() != n) torch::set_num_threads(n);
    return n;
}

int defaultThreadCount()
{
    if (const char* env = std::getenv("DWMTJ_THREADS"); env && std::atoi(env) > 0)
        return std::atoi(env);
    return int(std::max(1u, std::thread::hardware_concurrency()));
}

std::vector<std::string> availableDevices()
{
    std::vector<std::string> out{"cpu"};
    if (torch::cuda::is_available()) out.push_back("cuda");
    return out;
}

std::string computeDeviceDescription()
{
    std::string cpu = "unknown CPU";
    std::ifstream info("/proc/cpuinfo");
    for (std::string line; std::getline(info, line);)
        if (line.rfind("model name", 0) == 0) {
            const auto colon = line.find(':');
            if (colon != std::string::npos) cpu = line.substr(colon + 2);
            break;
        }
    std::string out =
        "CPU: " + cpu + ", " + std::to_string(at::get_num_threads()) + " training threads";
    out += torch::cuda::is_available()
               ? ", CUDA: " + std::to_string(torch::cuda::device_count()) + " device(s)"
               : ", CUDA: not available (CPU-only LibTorch)";
    return out;
}

namespace train {

torch::Device resolveDevice(const std::string& name)
{
    if (name == "cpu" || name.empty()) return torch::kCPU;
    const bool cuda = torch::cuda::is_available();
    if (name == "auto") return cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    if (!cuda)
        throw OptionsError("device '" + name +
                           "' requested but CUDA is not available in this build of "
                           "LibTorch (Debian's libtorch is CPU-only); use --device cpu or auto");
    return torch::Device(name);
}

void applyMatmulPrecision(const torch::Device& device, bool tf32)
{
    if (device.is_cuda()) at::globalContext().setAllowTF32CuBLAS(tf32);
}

Lut resolveLut(NeuronKind neuron, const std::string& lutPath)
{
    const NeuronKindInfo& info = neuronKindInfo(neuron);
    if (!info.device) throw Error(std::string("the ") + info.label + " neuron uses no LUT");
    std::string path = lutPath;
    if (path.empty()) {
        const std::string dir = datasetsDir();
        if (dir.empty())
            throw Error(
                "no LUT given and the bundled datasets folder was not found (set "
                "DWMTJ_DATASETS_DIR)");
        path = (std::filesystem::path(dir) / info.bundledLut).string();
    }
    Lut lut = loadLut(path);
    auto kindText = [](DeviceKind k) { return k == DeviceKind::Binary ? "binary" : "multi-state"; };
    if (lut.kind != info.lutKind)
        throw FileFormatError(
            path, "",
            std::string("a ") + kindText(info.lutKind) + " LUT for the " + info.label + " neuron",
            std::string("a ") + kindText(lut.kind) + " LUT");
    if (lut.provenance.find("lut_file") == lut.provenance.end()) lut.provenance["lut_file"] = path;
    return lut;
}

void resolveLuts(Experiment& e)
{
    const auto& c = e.config;
    const LayerNeuron first = c.layer(0), second = c.layer(1);
    const bool d0 = neuronKindInfo(first.neuron).device, d1 = neuronKindInfo(second.neuron).device;
    if (d0 && !e.lut) e.lut = resolveLut(first.neuron, first.lutPath);
    if (d1) {
        if (!d0) {
            if (!e.lut) e.lut = resolveLut(second.neuron, second.lutPath);
        } else if (second.neuron != first.neuron || second.lutPath != first.lutPath) {
            if (!e.lut2) e.lut2 = resolveLut(second.neuron, second.lutPath);
        }
    }
}

const Lut* singleDeviceLut(const Experiment& e, const std::string& twoTables,
                           std::optional<DeviceKind> kind)
{
    const Lut* lut = nullptr;
    for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i) {
        const Lut* l = e.layerLut(i);
        if (!l || (kind && l->kind != *kind)) continue;
        if (lut && l != lut) throw OptionsError(twoTables);
        lut = l;
    }
    return lut;
}

void operatingPoint(const Experiment& e, int layer, double& centre, double& gain)
{
    centre = gain = std::nan("");
    const LayerNeuron l = e.config.layer(layer);
    const Lut* lut = e.layerLut(layer);
    if (!lut) return;
    double c0 = lut->centreVoltage, g0 = lut->gainVolts;
    if (const auto op = neuronKindInfo(l.neuron).defaultOperatingPoint) op(*lut, c0, g0);
    centre = std::isnan(l.centreVoltage) ? c0 : l.centreVoltage;
    gain = std::isnan(l.gainVolts) ? g0 : l.gainVolts;
}

std::vector<snn::HiddenNeurons> hiddenNeurons(const Experiment& e, const torch::Device& device,
                                              double gainFactor)
{
    std::vector<snn::HiddenNeurons> out;
    for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i) {
        const LayerNeuron l = e.config.layer(i);
        snn::HiddenNeurons h;
        h.kind = l.neuron;
        if (neuronKindInfo(l.neuron).device) {
            const Lut* lut = e.layerLut(i);
            if (!lut)
                throw Error("the experiment has no lookup table for its " +
                            neuronKindInfo(l.neuron).label + " neurons" +
                            (e.config.hybrid() ? " (layer " + std::to_string(i + 1) + ")" : ""));
            // One table for both layers when they share kind, LUT and operating point.
            if (i > 0 && out[0].table && l == e.config.layer(0) && lut == e.layerLut(0)) {
                h.table = out[0].table;
            } else {
                double centre = 0, gain = 0;
                operatingPoint(e, i, centre, gain);
                auto table = std::make_shared<snn::DeviceTable>(
                    snn::DeviceTable::fromLut(*lut, centre, gain * gainFactor, device));
                table->deterministic = e.config.sampling == NeuronSampling::Deterministic;
                h.table = std::move(table);
            }
        }
        out.push_back(std::move(h));
    }
    return out;
}

std::vector<snn::HiddenNeurons> variedNeurons(const Experiment& e, const torch::Device& device,
                                              const VariabilitySettings& v, uint64_t drawKey,
                                              std::vector<DeviceDraw>* draws, double gainFactor)
{
    std::vector<snn::HiddenNeurons> layers = hiddenNeurons(e, device, gainFactor);
    if (draws) draws->assign(layers.size(), DeviceDraw{});
    if (!v.any()) return layers;
    for (size_t i = 0; i < layers.size(); ++i) {
        auto& l = layers[i];
        if (!l.table) continue;  // no device neurons in this layer
        const Lut* lut = e.layerLut(int(i));
        auto table = std::make_shared<snn::DeviceTable>(*l.table);
        const DeviceDraw draw =
            drawDevices(v, e.config.hidden, table->numCurves,
                        snn::mix64(drawKey ^ (0x51ED270B27A1B4F3ull * (i + 1))));
        table->variation = std::make_shared<const snn::DeviceVariation>(
            snn::DeviceVariation::from(draw, float(lut->centreVoltage), float(v.c2cSd), device));
        l.table = std::move(table);
        if (draws) (*draws)[i] = draw;
    }
    return layers;
}

std::vector<snn::HiddenNeurons> trainedNeurons(const Experiment& e, uint64_t runSeed,
                                               const torch::Device& device, double gainFactor)
{
    const auto& c = e.config;
    if (c.hardwareAware())
        return variedNeurons(e, device, c.variability,
                             deviceDrawKey(c.variability.seed, runSeed, 0), nullptr, gainFactor);
    return hiddenNeurons(e, device, gainFactor);
}

uint64_t deviceDrawKey(uint64_t variabilitySeed, uint64_t runSeed, int draw)
{
    return snn::streamKey(variabilitySeed, runSeed, uint64_t(draw), 23);
}

int checkpointedRuns(const Experiment& e)
{
    int n = 0;
    for (const auto& r : e.runs) n += r.bestCheckpoint.empty() ? 0 : 1;
    if (n == 0)
        throw Error("no run in the experiment has a checkpoint to evaluate (train it first)");
    return n;
}

void testTensors(const TrainingConfig& c, const std::string& dataDir, int testLimit,
                 const torch::Device& device, torch::Tensor& x, torch::Tensor& y)
{
    const ImageSet test =
        loadFashionMnist(dataDir.empty() ? c.dataDir : dataDir, FashionSplit::Test,
                         testLimit >= 0 ? testLimit : c.testLimit);
    toTensors(test, device, x, y);
}

void toTensors(const ImageSet& set, const torch::Device& device, torch::Tensor& x, torch::Tensor& y)
{
    x = torch::from_blob(const_cast<float*>(set.pixels.data()), {set.size(), kImagePixels},
                         torch::kFloat)
            .clone()
            .to(device);
    std::vector<int64_t> labels(set.labels.begin(), set.labels.end());
    y = torch::tensor(labels, torch::kLong).to(device);
}

double evaluate(snn::SpikingMlp& model, const torch::Tensor& X, const torch::Tensor& Y, int T,
                int batchSize, uint64_t key, snn::NetworkActivity* tally, std::stop_token stop,
                const std::function<torch::Tensor(const torch::Tensor&, int)>& transform,
                const std::function<void()>& afterBatch, std::vector<uint8_t>* hits)
{
    if (hits) hits->clear();
    torch::NoGradGuard ng;
    model->eval();
    snn::EvaluationPass pass(model, T, model->options().cudaGraphs);
    const int64_t N = X.size(0);
    int64_t correct = 0;
    int b = 0;
    for (int64_t s = 0; s < N; s += batchSize, ++b) {
        if (stop.stop_requested()) return std::nan("");
        const int64_t e = std::min<int64_t>(N, s + batchSize);
        torch::Tensor x = X.slice(0, s, e);
        if (transform) x = transform(x, b);
        const uint64_t k = snn::streamKey(key, uint64_t(b));
        correct += countHits(pass.predict(x, k, tally) == Y.slice(0, s, e), hits);
        if (afterBatch) afterBatch();
    }
    return N ? double(correct) / double(N) : std::nan("");
}

int64_t countHits(const torch::Tensor& hit, std::vector<uint8_t>* correct)
{
    if (!correct) return hit.sum().item<int64_t>();
    const torch::Tensor h = hit.to(torch::kCPU, torch::kUInt8).contiguous();
    const uint8_t* p = h.data_ptr<uint8_t>();
    correct->insert(correct->end(), p, p + h.numel());
    int64_t n = 0;
    for (int64_t i = 0; i < h.numel(); ++i) n += p[i];
    return n;
}

double chanceLevel(const torch::Tensor& Y)
{
    if (Y.numel() == 0) return std::nan("");
    const torch::Tensor counts = torch::bincount(Y.to(torch::kCPU).to(torch::kLong));
    return double(counts.max().item<int64_t>()) / double(Y.numel());
}

InputNoise inputNoise(const TrainingConfig& c, double unitScale)
{
    if (c.input == InputEncoding::Standardized) return {kStandardizeSd, false};
    return {unitScale, true};
}

torch::Tensor gaussian(at::IntArrayRef shape, uint64_t key, const torch::Device& device)
{
    torch::Tensor out = torch::empty(shape, torch::kFloat);
    const int64_t n = out.numel();
    float* p = out.data_ptr<float>();
    std::vector<uint32_t> u(size_t(n + 1) & ~size_t(1));
    snn::fillUniformU32(key, 0, int64_t(u.size()), u.data());
    for (int64_t i = 0; i < n; i += 2) {
        const double u1 = (double(u[i]) + 0.5) / 4294967296.0, u2 = double(u[i + 1]) / 4294967296.0;
        const double r = std::sqrt(-2.0 * std::log(u1));
        p[i] = float(r * std::cos(2 * M_PI * u2));
        if (i + 1 < n) p[i + 1] = float(r * std::sin(2 * M_PI * u2));
    }
    return out.to(device);
}

snn::SpikingMlp buildModel(const TrainingConfig& c, std::vector<snn::HiddenNeurons> layers,
                           const torch::Device& device)
{
    snn::SpikingMlp model(kImagePixels, c.hidden, kNumClasses, std::move(layers),
                          snn::NetworkOptions::of(c));
    model->initialize(c.init);  // from torch's generator, seeded by the caller
    for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i)
        if (c.layerFrozen(i)) model->freezeLayer(i);
    model->to(device);
    return model;
}

EnergyReport energyFrom(const snn::NetworkActivity& activity, int images, const Experiment& e)
{
    const TrainingConfig& c = e.config;
    EnergyReport r;
    snn::ActivityTally t;  // the device layers together
    EnergyParameters p;    // the amplitude is each sample's own
    p.twoPointResistanceOhm = c.energyR2Ohm;
    p.fourPointResistanceOhm = c.energyR4Ohm;
    p.pulseWidthNs = c.energyPulseNs;
    p.riseFallNs = c.energyRiseFallNs;
    // E(a) = E(1) a^2 for an amplitude a in V (or A: a current-driven device's LUT), summed
    // over the samples; each layer in its own LUT's drive.
    double energy = 0;
    bool first = true;
    for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i) {
        double layerJ = 0;
        if (neuronKindInfo(c.layer(i).neuron).device) {
            const auto& l = activity.layer[size_t(i)];
            t.samples += l.samples;
            t.spikes += l.spikes;
            t.sumSquareVoltage += l.sumSquareVoltage;
            const Lut* lut = e.layerLut(i);
            p.drive = lut ? lut->drive : Drive::Voltage;
            if (first) {  // the first device layer's
                r.drive = p.drive;
                r.voltageCounts = activity.voltageCounts[size_t(i)];
                r.voltageLow = activity.voltageRange[size_t(i)][0];
                r.voltageHigh = activity.voltageRange[size_t(i)][1];
            }
            first = false;
            layerJ = images > 0 ? sampleEnergyAt(p, 1.0) * l.sumSquareVoltage / images : 0;
        }
        r.layerEnergyPerInferenceJ.push_back(layerJ);
        energy += layerJ;
    }
    if (t.samples <= 0 || images <= 0) return EnergyReport{};
    r.valid = true;
    r.samplesPerInference = t.samples / images;
    r.spikesPerInference = t.spikes / images;
    r.meanSquareVoltage = t.sumSquareVoltage / t.samples;
    r.energyPerInferenceJ = energy;
    r.energyPerSampleJ = energy * images / t.samples;  // at the RMS amplitude for one drive
    return r;
}

NeuroBenchMetrics neuroBenchFrom(const snn::NetworkActivity& activity, int images,
                                 snn::SpikingMlp& model, const TrainingConfig& c)
{
    NeuroBenchMetrics m;
    if (images <= 0 || activity.input.samples <= 0) return m;
    torch::NoGradGuard ng;
    for (const auto& p : model->parameters())
        m.footprintBytes += double(p.numel() * p.element_size());
    for (const auto& b : model->buffers()) m.footprintBytes += double(b.numel() * b.element_size());
    // Effective accumulates: every spike into a linear layer drives one accumulate per nonzero
    // weight of its input column; with the spikes counted per layer (not per input unit), a
    // spike drives the column's mean number of nonzero weights (exact for dense weights).
    const double n = images;
    const double T = c.timesteps;
    double zeros = 0, weights = 0;
    const std::array<torch::nn::Linear*, 3> fcs{&model->fc1, &model->fc2, &model->fc3};
    const std::array<double, 3> inputSpikes{activity.input.spikes, activity.layer[0].spikes,
                                            activity.layer[1].spikes};
    for (size_t k = 0; k < fcs.size(); ++k) {
        const torch::Tensor w = (*fcs[k])->weight;  // [out, in]
        const double total = double(w.numel()), nonzero = double(w.count_nonzero().item<int64_t>());
        zeros += total - nonzero;
        weights += total;
        m.effectiveAcsPerSample += inputSpikes[k] / n * (nonzero / double(w.size(1)));
        m.denseSynOpsPerSample += T * total;
    }
    m.connectionSparsity = weights > 0 ? zeros / weights : 0;
    m.effectiveMacsPerSample = 0;  // every linear layer's input is spikes (0/1)
    m.inputActivationSparsity = 1 - activity.input.spikes / activity.input.samples;
    for (int i = 0; i < TrainingConfig::kHiddenLayers; ++i)
        m.activationSparsity.push_back(1 - activity.layer[size_t(i)].spikes / (n * T * c.hidden));
    m.valid = true;
    return m;
}

std::string hostName()
{
    char buf[256] = {0};
    if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
    return buf;
}

std::string nowIso()
{
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace train
}  // namespace dwmtj::core

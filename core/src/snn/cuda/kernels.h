#pragma once
// The CUDA kernels of the spiking network (DWMTJ_CUDA builds; docs/gpu.md): one fused kernel
// per neuron layer and direction with the time loop inside (parallel over batch x neurons,
// state in registers, the LUT in shared memory), the Poisson encoder and a multi-tensor Adam.
// Plain C++ interface over raw device pointers: no LibTorch and no CUDA header here, so that
// the neuron files include it in every build. Random numbers are rng.h's counter-based streams,
// the same key and element index as the CPU kernels: the same voltages give the same spikes.
// Every launcher runs on `stream` (a cudaStream_t) and throws dwmtj::core::Error on a CUDA error.
#include <cstdint>

namespace dwmtj::core::snn::cuda {

/// True when this build has the CUDA kernels (CMake option DWMTJ_CUDA).
bool built();

/// The current CUDA stream of LibTorch (at::cuda::getCurrentCUDAStream) as a cudaStream_t.
void* currentStream();

/// Where a kernel's random stream comes from: `key`, or when `slot` is set the key stored there
/// on the device at the time the kernel runs (a captured CUDA graph reads each replay's key).
struct Key {
    uint64_t key = 0;
    const uint64_t* slot = nullptr;
};

/// A device table (snn::DeviceTable) on the device: value and deriv [size][curves].
struct Table {
    const float* value = nullptr;
    const float* deriv = nullptr;
    int size = 0, curves = 1;
    float vMin = 0, invStep = 0, centre = 0, gain = 0;
};

/// Device-to-device variation (snn::DeviceVariation) on the device; shift [curves][devices].
struct Variation {
    const float* shift = nullptr;
    const float* invScale = nullptr;
    const float* live = nullptr;
    const float* forced = nullptr;
    int devices = 0;
    float pivot = 0, c2cSd = 0;
};

/// Device activity of a forward pass, summed into two device doubles (may be null).
struct Tally {
    double* sumSquareVoltage = nullptr;
    double* spikes = nullptr;
};

/// LIF layer over x [T, N]: spikes z, the membrane voltage before reset vd (may be null).
void lifForward(const float* x, float* z, float* vd, int64_t T, int64_t N, double* spikes,
                void* stream);
void lifBackward(const float* gz, const float* vd, float* gx, int64_t T, int64_t N, void* stream);
/// Leaky-integrator readout over x [T, N].
void liForward(const float* x, float* v, int64_t T, int64_t N, void* stream);
void liBackward(const float* gv, float* gx, int64_t T, int64_t N, void* stream);

/// Binary device layer over x [M] (element e is neuron e % neurons): z ~ Bernoulli(p(V_e)),
/// grad (may be null) the straight-through local gradient. `variation` may be null.
void binarySample(const float* x, float* z, float* grad, int64_t M, int64_t neurons,
                  const Table& table, const Variation* variation, Key key, Tally tally,
                  void* stream);
/// Multi-weight device layer over x [T, N] (element n is neuron n % neurons); states (may be
/// null) receives the notch state after each step as int8.
void multiStateForward(const float* x, float* z, float* grad, int8_t* states, int64_t T, int64_t N,
                       int64_t neurons, const Table& table, const Variation* variation, Key key,
                       Tally tally, void* stream);

/// The released code's binary cell (released_cells.h) over x [M]: z = ceil(p) or floor(p), grad
/// (may be null) gain dp/dV; `deterministic` draws no number (U = 1/2).
void binaryReleased(const float* x, float* z, float* grad, int64_t M, const Table& table,
                    bool deterministic, Key key, Tally tally, void* stream);
/// The released multi-weight cell over x [T, N]: spikes z; pre and slope (both null, or both
/// set: the backward's saved values); increments (may be null) the signed d per step as int8.
void multiStateReleasedForward(const float* x, float* z, float* pre, float* slope,
                               int8_t* increments, int64_t T, int64_t N, const Table& table,
                               bool deterministic, Key key, Tally tally, void* stream);
void multiStateReleasedBackward(const float* gz, const float* pre, const float* slope, float* gx,
                                int64_t T, int64_t N, void* stream);

/// Rate code: out[e] = (u(key, e) < prob[e % period]), e in [0, M).
void poissonEncode(const float* prob, float* out, int64_t M, int64_t period, Key key, void* stream);

/// One parameter tensor of Adam: parameter, gradient, first and second moments, elements.
struct AdamTensor {
    float* param = nullptr;
    const float* grad = nullptr;
    float* m = nullptr;
    float* v = nullptr;
    int64_t n = 0;
};
/// Adam on every tensor in one launch (as torch.optim.Adam without weight decay); the step
/// number (already incremented) is read from the device float `step`.
void adamStep(const AdamTensor* tensors, int count, const float* step, double lr, double beta1,
              double beta2, double eps, void* stream);
/// *step += 1 on the device.
void incrementStep(float* step, void* stream);

}  // namespace dwmtj::core::snn::cuda

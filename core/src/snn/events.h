#pragma once
// Event-driven linear layers for spike inputs (docs/models.md, "Event-driven kernels").
// A product with a 0/1 matrix is a sum of selected weight rows, and the weight gradient
// G^T S a sum of selected gradient rows: no multiplications, and nothing to do for the zeros.
// Spikes are kept as compressed rows (the column of every spike, 2 bytes each), the weight
// matrix transposed and padded to whole column tiles. Every output element is summed in a
// fixed order, so results do not depend on the thread count; they equal the dense GEMM up
// to float32 summation order.
#include <torch/torch.h>

#include <cstdint>

namespace dwmtj::core::snn {

/// A [rows, cols] matrix of spikes (0 or 1) as compressed rows: `index` holds the column of
/// every spike, row by row (uint16 bit patterns in an int16 tensor, so cols <= 65536), and
/// row r's spikes are index[rowStart[r] .. rowStart[r + 1]).
struct SpikeEvents {
    int64_t rows = 0, cols = 0;
    torch::Tensor rowStart;  ///< int32 [rows + 1]
    torch::Tensor index;     ///< int16 [spikes]
    int64_t count() const { return rows ? rowStart[rows].item<int64_t>() : 0; }
    double density() const { return rows && cols ? double(count()) / double(rows * cols) : 0; }
    size_t bytes() const;
};

/// Largest column count the compressed rows can address.
constexpr int64_t kMaxEventColumns = 65536;

/// Spikes per row of a [rows, cols] float32 or uint8 matrix (any non-zero is a spike),
/// int32 [rows]; parallel over rows.
torch::Tensor spikesPerRow(const torch::Tensor& dense);
/// The compressed rows of `dense`, given its spikesPerRow.
SpikeEvents toEvents(const torch::Tensor& dense, const torch::Tensor& perRow);
inline SpikeEvents toEvents(const torch::Tensor& dense)
{
    return toEvents(dense, spikesPerRow(dense));
}
/// A buffer of at least `count` elements of `type`, of one of 16 sizes between 0 and `most`
/// (narrowed to `count`): spike counts change from batch to batch, and the caching CPU
/// allocator can only reuse a freed block of the same size (a new size means fresh pages,
/// ~11 us per 4 KiB page fault on the development VM, and a growing cache).
torch::Tensor eventBuffer(int64_t count, int64_t most, torch::ScalarType type);
/// Compressed rows with room for perRow[r] spikes in row r (int32 [rows]); index unfilled.
SpikeEvents allocateEvents(int64_t rows, int64_t cols, const torch::Tensor& perRow);
/// Back to a dense float32 [rows, cols] matrix of 0 and 1.
torch::Tensor toDense(const SpikeEvents& events);

/// The weight matrix [out, in] laid out for the event kernels: transposed to [in, outPad],
/// outPad the output count rounded up to whole column tiles, padding zero.
torch::Tensor eventWeightLayout(const torch::Tensor& weight);
/// y = S W^T + b for spikes S [rows, in]: y [rows, out]. `weightT` from eventWeightLayout;
/// `bias` [out] or undefined.
torch::Tensor eventLinear(const SpikeEvents& s, const torch::Tensor& weightT, int64_t out,
                          const torch::Tensor& bias);
/// dW = G^T S for the output gradient G [rows, out]: [out, in].
torch::Tensor eventWeightGrad(const SpikeEvents& s, const torch::Tensor& grad);

/// Which kernel a linear layer with spike input uses (docs/models.md).
enum class KernelChoice { Auto, Dense, Event };
/// Process-wide choice (tests, `dwmtj bench`; DWMTJ_KERNELS=auto|dense|event overrides the
/// default Auto when the process starts).
void setKernelChoice(KernelChoice c);
KernelChoice kernelChoice();
/// Auto: the event kernels run when the input's spike density is at most this crossover.
/// Training (forward + weight gradient) and inference (forward only) have their own.
struct Crossover {
    double training = 0.0, inference = 0.0;
};
Crossover crossover();
void setCrossover(Crossover c);
/// Whether a layer whose input has `density` runs event-driven under the current choice.
bool useEventKernel(double density, int64_t cols, bool training);
const char* kernelChoiceName(KernelChoice c);

}  // namespace dwmtj::core::snn

// Event-driven linear layers for spike inputs (see events.h).
#include "events.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "dwmtj/error.h"
#include "simd.h"

// Vec16 below is passed between inlined helpers only; the ABI note does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace dwmtj::core::snn {

using torch::Tensor;

namespace {

// Column tiles: the forward kernel keeps a tile of one output row's sums in registers while it
// adds the weight rows of the row's spikes (64 wide: four AVX-512 registers per index read;
// 16 wide tiles, L1-resident with chunking, measured slower here because every spike's index
// is then read once per 16 outputs). The weight gradient does the same by column, on the
// gradient rows of each column's spikes, 32 wide (a 64-wide slab of 8000 gradient rows no
// longer fits in L2).
constexpr int64_t kWideTile = 64;
constexpr int64_t kNarrowTile = 16;
constexpr int64_t kGradTile = 32;
constexpr int64_t kRowBlock = 64;

int64_t tileFor(int64_t out) { return out <= kNarrowTile ? kNarrowTile : kWideTile; }
int64_t padded(int64_t out)
{
    const int64_t t = tileFor(out);
    return (out + t - 1) / t * t;
}

// 16 floats; unaligned loads and stores, and allowed to alias float. Compiled to one
// AVX-512 register, two AVX2 or four SSE registers, depending on the clone (below).
typedef float Vec16 __attribute__((vector_size(64), aligned(4), may_alias));
constexpr int64_t kLanes = 16;

inline Vec16 load(const float* p) { return *reinterpret_cast<const Vec16*>(p); }
inline void store(float* p, Vec16 v) { *reinterpret_cast<Vec16*>(p) = v; }

/// out[r, 0 : W) = bias + sum of the tile's weight rows wt[p, 0 : W) over the spikes p of row r,
/// four weight rows at a time; the W sums stay in registers.
template <int64_t W, typename Index>
[[gnu::always_inline]] inline void gatherRows(const int32_t* rs, const Index* idx, const float* wt,
                                              int64_t ld, const float* bias, float* out,
                                              int64_t ldOut, int64_t r0, int64_t r1, int64_t valid)
{
    constexpr int64_t NV = W / kLanes;
    for (int64_t r = r0; r < r1; ++r) {
        Vec16 acc[NV];
#pragma GCC unroll 8
        for (int64_t v = 0; v < NV; ++v) acc[v] = load(bias + v * kLanes);
        int64_t k = rs[r];
        const int64_t e = rs[r + 1];
        for (; k + 4 <= e; k += 4) {
            const float* w0 = wt + int64_t(idx[k]) * ld;
            const float* w1 = wt + int64_t(idx[k + 1]) * ld;
            const float* w2 = wt + int64_t(idx[k + 2]) * ld;
            const float* w3 = wt + int64_t(idx[k + 3]) * ld;
#pragma GCC unroll 8
            for (int64_t v = 0; v < NV; ++v) {
                const int64_t j = v * kLanes;
                acc[v] += (load(w0 + j) + load(w1 + j)) + (load(w2 + j) + load(w3 + j));
            }
        }
        for (; k < e; ++k) {
            const float* w0 = wt + int64_t(idx[k]) * ld;
#pragma GCC unroll 8
            for (int64_t v = 0; v < NV; ++v) acc[v] += load(w0 + v * kLanes);
        }
        float* o = out + r * ldOut;
        if (valid == W) {
#pragma GCC unroll 8
            for (int64_t v = 0; v < NV; ++v) store(o + v * kLanes, acc[v]);
        } else {
            float tmp[W];
            for (int64_t v = 0; v < NV; ++v) store(tmp + v * kLanes, acc[v]);
            for (int64_t j = 0; j < valid; ++j) o[j] = tmp[j];
        }
    }
}

}  // namespace

// The hot loops, compiled for AVX-512, AVX2 and the baseline (simd.h).
namespace kernels {

DWMTJ_CLONES void gatherWide(const int32_t* rs, const uint16_t* idx, const float* wt, int64_t ld,
                             const float* bias, float* out, int64_t ldOut, int64_t r0, int64_t r1,
                             int64_t valid)
{
    gatherRows<kWideTile, uint16_t>(rs, idx, wt, ld, bias, out, ldOut, r0, r1, valid);
}

DWMTJ_CLONES void gatherNarrow(const int32_t* rs, const uint16_t* idx, const float* wt, int64_t ld,
                               const float* bias, float* out, int64_t ldOut, int64_t r0, int64_t r1,
                               int64_t valid)
{
    gatherRows<kNarrowTile, uint16_t>(rs, idx, wt, ld, bias, out, ldOut, r0, r1, valid);
}

DWMTJ_CLONES void gatherGrad(const int32_t* cs, const int32_t* rows, const float* gt, int64_t ld,
                             const float* zero, float* out, int64_t ldOut, int64_t c0, int64_t c1,
                             int64_t valid)
{
    gatherRows<kGradTile, int32_t>(cs, rows, gt, ld, zero, out, ldOut, c0, c1, valid);
}

DWMTJ_CLONES void gatherGradNarrow(const int32_t* cs, const int32_t* rows, const float* gt,
                                   int64_t ld, const float* zero, float* out, int64_t ldOut,
                                   int64_t c0, int64_t c1, int64_t valid)
{
    gatherRows<kNarrowTile, int32_t>(cs, rows, gt, ld, zero, out, ldOut, c0, c1, valid);
}

}  // namespace kernels

size_t SpikeEvents::bytes() const
{
    return size_t(rowStart.defined() ? rowStart.nbytes() : 0) +
           size_t(index.defined() ? index.nbytes() : 0);
}

Tensor spikesPerRow(const Tensor& dense)
{
    if (dense.dim() != 2 || !dense.is_contiguous() || !dense.device().is_cpu())
        throw Error("spike events: expected a contiguous [rows, cols] CPU matrix");
    const int64_t R = dense.size(0), C = dense.size(1);
    Tensor counts = torch::empty({R}, torch::kInt);
    int32_t* pc = counts.data_ptr<int32_t>();
    auto count = [&](auto* p) {
        at::parallel_for(0, R, 256, [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
                const auto* row = p + r * C;
                int32_t n = 0;
                for (int64_t c = 0; c < C; ++c) n += row[c] != 0;
                pc[r] = n;
            }
        });
    };
    if (dense.scalar_type() == torch::kFloat)
        count(dense.data_ptr<float>());
    else if (dense.scalar_type() == torch::kByte)
        count(dense.data_ptr<uint8_t>());
    else
        throw Error("spike events: expected float32 or uint8 spikes");
    return counts;
}

SpikeEvents toEvents(const Tensor& dense, const Tensor& perRow)
{
    const int64_t R = dense.size(0), C = dense.size(1);
    SpikeEvents ev = allocateEvents(R, C, perRow);
    const int32_t* rs = ev.rowStart.data_ptr<int32_t>();
    const int32_t* pc = perRow.data_ptr<int32_t>();
    const int64_t total = ev.index.numel();
    if (total == 0) return ev;
    auto* idx = reinterpret_cast<uint16_t*>(ev.index.data_ptr<int16_t>());
    auto fill = [&](auto* p) {
        at::parallel_for(0, R, 256, [&](int64_t r0, int64_t r1) {
            // Branch-free: write every column into a scratch row, advance on a spike (a
            // data-dependent branch per element is mispredicted at these densities).
            std::vector<uint16_t> scratch(size_t(C) + 1);
            for (int64_t r = r0; r < r1; ++r) {
                const auto* row = p + r * C;
                uint16_t* o = scratch.data();
                for (int64_t c = 0; c < C; ++c) {
                    *o = uint16_t(c);
                    o += row[c] != 0;
                }
                std::memcpy(idx + rs[r], scratch.data(), sizeof(uint16_t) * size_t(pc[r]));
            }
        });
    };
    if (dense.scalar_type() == torch::kFloat)
        fill(dense.data_ptr<float>());
    else
        fill(dense.data_ptr<uint8_t>());
    return ev;
}

Tensor eventBuffer(int64_t count, int64_t most, torch::ScalarType type)
{
    const int64_t step = std::max<int64_t>(1, (most + 15) / 16);
    const int64_t capacity = std::max<int64_t>(1, (count + step - 1) / step * step);
    return torch::empty({capacity}, type).narrow(0, 0, count);
}

SpikeEvents allocateEvents(int64_t rows, int64_t cols, const Tensor& perRow)
{
    if (cols > kMaxEventColumns)
        throw Error("spike events: at most " + std::to_string(kMaxEventColumns) + " columns");
    SpikeEvents ev;
    ev.rows = rows;
    ev.cols = cols;
    ev.rowStart = torch::empty({rows + 1}, torch::kInt);
    int32_t* rs = ev.rowStart.data_ptr<int32_t>();
    const int32_t* pc = perRow.data_ptr<int32_t>();
    int64_t total = 0;
    for (int64_t r = 0; r < rows; ++r) {
        rs[r] = int32_t(total);
        total += pc[r];
        if (total > INT32_MAX) throw Error("spike events: more than 2^31 spikes in one matrix");
    }
    rs[rows] = int32_t(total);
    ev.index = eventBuffer(total, rows * cols, torch::kShort);
    return ev;
}

Tensor toDense(const SpikeEvents& ev)
{
    Tensor d = torch::zeros({ev.rows, ev.cols});
    float* pd = d.data_ptr<float>();
    const int32_t* rs = ev.rowStart.data_ptr<int32_t>();
    const auto* idx = ev.index.numel()
                          ? reinterpret_cast<const uint16_t*>(ev.index.data_ptr<int16_t>())
                          : nullptr;
    at::parallel_for(0, ev.rows, 256, [&](int64_t r0, int64_t r1) {
        for (int64_t r = r0; r < r1; ++r)
            for (int64_t k = rs[r]; k < rs[r + 1]; ++k) pd[r * ev.cols + idx[k]] = 1.0f;
    });
    return d;
}

Tensor eventWeightLayout(const Tensor& weight)
{
    const int64_t out = weight.size(0), in = weight.size(1), tile = tileFor(out);
    Tensor wt = torch::zeros({in, padded(out)});
    wt.narrow(1, 0, out).copy_(weight.detach().t());
    // [in, tiles * tile] -> [tiles, in, tile]: each tile's rows contiguous, so that the
    // kernel's rows do not all fall into the same few cache sets.
    return wt.view({in, padded(out) / tile, tile}).permute({1, 0, 2}).contiguous();
}

Tensor eventLinear(const SpikeEvents& s, const Tensor& weightT, int64_t out, const Tensor& bias)
{
    const int64_t R = s.rows, tile = tileFor(out), ld = padded(out);
    if (weightT.dim() != 3 || weightT.size(1) != s.cols || weightT.size(0) * tile != ld ||
        weightT.size(2) != tile || !weightT.is_contiguous())
        throw Error("event linear: the weight layout does not match the spikes");
    Tensor y = torch::empty({R, out});
    std::vector<float> biasPad(size_t(ld), 0.0f);
    if (bias.defined()) {
        const Tensor b = bias.detach().contiguous();
        std::memcpy(biasPad.data(), b.data_ptr<float>(), sizeof(float) * size_t(out));
    }
    const int32_t* rs = s.rowStart.data_ptr<int32_t>();
    const auto* idx =
        s.index.numel() ? reinterpret_cast<const uint16_t*>(s.index.data_ptr<int16_t>()) : nullptr;
    const float* wt = weightT.data_ptr<float>();
    float* py = y.data_ptr<float>();
    const int64_t tiles = ld / tile, blocks = (R + kRowBlock - 1) / kRowBlock;
    // Work items tile-major, so that each thread's share of the weight stays in its cache.
    at::parallel_for(0, tiles * blocks, 1, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
            const int64_t t = i / blocks, b = i % blocks;
            const int64_t o0 = t * tile, valid = std::min(tile, out - o0);
            const int64_t r0 = b * kRowBlock, r1 = std::min(R, r0 + kRowBlock);
            const float* wtile = wt + t * s.cols * tile;
            if (tile == kWideTile)
                kernels::gatherWide(rs, idx, wtile, tile, biasPad.data() + o0, py + o0, out, r0, r1,
                                    valid);
            else
                kernels::gatherNarrow(rs, idx, wtile, tile, biasPad.data() + o0, py + o0, out, r0,
                                      r1, valid);
        }
    });
    return y;
}

namespace {

/// The spikes by column: colStart [cols + 1] and the rows of every column's spikes, in
/// increasing row order (counting sort over a fixed number of row blocks, so the result does
/// not depend on the thread count).
void byColumn(const SpikeEvents& s, Tensor& colStart, Tensor& rowsOf)
{
    constexpr int64_t kBlocks = 16;
    const int64_t R = s.rows, C = s.cols, per = (R + kBlocks - 1) / kBlocks;
    const int32_t* rs = s.rowStart.data_ptr<int32_t>();
    const auto* idx =
        s.index.numel() ? reinterpret_cast<const uint16_t*>(s.index.data_ptr<int16_t>()) : nullptr;
    std::vector<int32_t> hist(size_t(kBlocks * C), 0);
    at::parallel_for(0, kBlocks, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) {
            int32_t* h = hist.data() + b * C;
            for (int64_t k = rs[std::min(R, b * per)]; k < rs[std::min(R, (b + 1) * per)]; ++k)
                ++h[idx[k]];
        }
    });
    colStart = torch::empty({C + 1}, torch::kInt);
    int32_t* cs = colStart.data_ptr<int32_t>();
    int32_t pos = 0;
    for (int64_t c = 0; c < C; ++c) {
        cs[c] = pos;
        for (int64_t b = 0; b < kBlocks; ++b) {
            const int32_t n = hist[size_t(b * C + c)];
            hist[size_t(b * C + c)] = pos;  // now: where block b writes column c
            pos += n;
        }
    }
    cs[C] = pos;
    rowsOf = eventBuffer(std::max<int32_t>(1, pos), R * C, torch::kInt);
    int32_t* pr = rowsOf.data_ptr<int32_t>();
    at::parallel_for(0, kBlocks, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b) {
            int32_t* at = hist.data() + b * C;
            for (int64_t r = b * per; r < std::min(R, (b + 1) * per); ++r)
                for (int64_t k = rs[r]; k < rs[r + 1]; ++k) pr[at[idx[k]]++] = int32_t(r);
        }
    });
}

}  // namespace

Tensor eventWeightGrad(const SpikeEvents& s, const Tensor& gradIn)
{
    const Tensor grad = gradIn.contiguous();
    const int64_t R = s.rows, C = s.cols, out = grad.size(1);
    if (grad.size(0) != R) throw Error("event weight gradient: row counts differ");
    // dW^T[p, :] = sum of grad[r, :] over the spikes (r, p) of column p: the forward's gather
    // with the roles of rows and columns exchanged, on the gradient laid out by column tiles.
    const int64_t tile = out <= kNarrowTile ? kNarrowTile : kGradTile;
    const int64_t tiles = (out + tile - 1) / tile;
    Tensor gt = torch::empty({tiles, R, tile});
    {
        const float* src = grad.data_ptr<float>();
        float* dst = gt.data_ptr<float>();
        at::parallel_for(0, R, 256, [&](int64_t r0, int64_t r1) {
            for (int64_t t = 0; t < tiles; ++t) {
                const int64_t o0 = t * tile, n = std::min(tile, out - o0);
                for (int64_t r = r0; r < r1; ++r) {
                    float* d = dst + (t * R + r) * tile;
                    std::memcpy(d, src + r * out + o0, sizeof(float) * size_t(n));
                    std::fill(d + n, d + tile, 0.0f);
                }
            }
        });
    }
    Tensor colStart, rowsOf;
    byColumn(s, colStart, rowsOf);
    Tensor dwt = torch::empty({C, out});
    const std::vector<float> zero(size_t(tile), 0.0f);
    const int32_t* cs = colStart.data_ptr<int32_t>();
    const int32_t* pr = rowsOf.data_ptr<int32_t>();
    const float* pg = gt.data_ptr<float>();
    float* pd = dwt.data_ptr<float>();
    constexpr int64_t kColBlock = 64;
    const int64_t blocks = (C + kColBlock - 1) / kColBlock;
    at::parallel_for(0, tiles * blocks, 1, [&](int64_t i0, int64_t i1) {
        for (int64_t i = i0; i < i1; ++i) {
            const int64_t t = i / blocks, b = i % blocks;
            const int64_t o0 = t * tile, valid = std::min(tile, out - o0);
            const int64_t c0 = b * kColBlock, c1 = std::min(C, c0 + kColBlock);
            const float* gtile = pg + t * R * tile;
            if (tile == kGradTile)
                kernels::gatherGrad(cs, pr, gtile, tile, zero.data(), pd + o0, out, c0, c1, valid);
            else
                kernels::gatherGradNarrow(cs, pr, gtile, tile, zero.data(), pd + o0, out, c0, c1,
                                          valid);
        }
    });
    return dwt.t().contiguous();
}

}  // namespace dwmtj::core::snn

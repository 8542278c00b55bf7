#pragma once
// Work captured once as a CUDA graph and replayed (docs/gpu.md). A training step launches some
// sixty small kernels; replaying them as one graph removes the launch gaps between them, which
// on a fast GPU cost more than the arithmetic. Without CUDA (or with capture off) the work
// simply runs each time. No CUDA header here.
#include <functional>
#include <memory>

namespace dwmtj::core::snn {

/// True when this build can capture CUDA graphs (a DWMTJ_CUDA build).
bool cudaGraphsBuilt();

class CapturedWork {
public:
    /// `work` must read its inputs from and write its outputs to tensors whose addresses do
    /// not change between calls, and must not synchronize with the host. With `capture` false
    /// it runs eagerly on every call. Otherwise the first `warmup` (>= 1) calls run eagerly on
    /// a side stream (lazy initialization: cuBLAS handles, workspaces), the next call captures
    /// the work and replays it, and every later call replays it: each call does the work once.
    CapturedWork(std::function<void()> work, bool capture, int warmup = 2);
    ~CapturedWork();
    CapturedWork(const CapturedWork&) = delete;
    CapturedWork& operator=(const CapturedWork&) = delete;
    void run();
    /// A graph has been captured (later calls replay it).
    bool captured() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace dwmtj::core::snn

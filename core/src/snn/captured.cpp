// CapturedWork (captured.h): LibTorch's CUDA graphs in DWMTJ_CUDA builds, eager elsewhere.
#include "captured.h"

#include <algorithm>
#include <optional>

#include "dwmtj/error.h"

#ifdef DWMTJ_HAVE_CUDA_KERNELS
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace dwmtj::core::snn {

struct CapturedWork::Impl {
    std::function<void()> work;
    bool capture = false;
    int warmup = 2;
    int calls = 0;
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    std::optional<at::cuda::CUDAGraph> graph;
    bool graphReady = false;
#endif
};

bool cudaGraphsBuilt()
{
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    return true;
#else
    return false;
#endif
}

CapturedWork::CapturedWork(std::function<void()> work, bool capture, int warmup) : m(new Impl)
{
    m->work = std::move(work);
    m->capture = capture && cudaGraphsBuilt();
    m->warmup = std::max(1, warmup);
}

CapturedWork::~CapturedWork() = default;

bool CapturedWork::captured() const
{
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    return m->graphReady;
#else
    return false;
#endif
}

void CapturedWork::run()
{
    if (!m->capture) {
        m->work();
        return;
    }
#ifdef DWMTJ_HAVE_CUDA_KERNELS
    if (m->graphReady) {
        m->graph->replay();  // on the current stream, after the inputs were copied there
        return;
    }
    // Warm-up and capture on a side stream (capture is not allowed on the default stream),
    // ordered after and before the current stream's work by events.
    const c10::cuda::CUDAStream current = c10::cuda::getCurrentCUDAStream();
    const c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool();
    at::cuda::CUDAEvent before, after;
    before.record(current);
    before.block(side);
    {
        const c10::cuda::CUDAStreamGuard guard(side);
        if (m->calls < m->warmup) {
            m->work();
        } else {
            m->graph.emplace();
            m->graph->capture_begin();
            try {
                m->work();
            } catch (...) {
                try {
                    m->graph->capture_end();
                } catch (...) {
                }
                m->graph.reset();
                throw;
            }
            m->graph->capture_end();
            m->graphReady = true;
            m->graph->replay();
        }
    }
    after.record(side);
    after.block(current);
    ++m->calls;
#else
    m->work();
#endif
}

}  // namespace dwmtj::core::snn

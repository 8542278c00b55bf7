// LibTorch's current CUDA stream for the kernels (kernels.h); compiled in DWMTJ_CUDA builds only.
#include <c10/cuda/CUDAStream.h>

#include "kernels.h"

namespace dwmtj::core::snn::cuda {

void* currentStream() { return c10::cuda::getCurrentCUDAStream().stream(); }

}  // namespace dwmtj::core::snn::cuda

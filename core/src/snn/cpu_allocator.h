#pragma once
// A caching CPU allocator for LibTorch. Every training step allocates the same large
// activation tensors; returning them to the system and touching fresh pages again costs a
// page fault per 4 KiB page, which measured ~11 us each on the VM this was developed on
// (25 MB of encoded spikes: ~70 ms per step). Freed large blocks are kept by size and
// reused; small ones go to malloc. Installed once per process; thread-safe.
#include <cstddef>

namespace dwmtj::core::snn {

void installCachingCpuAllocator();
/// Bytes currently held in the cache (not in use by any tensor).
std::size_t cachedCpuBytes();

}  // namespace dwmtj::core::snn

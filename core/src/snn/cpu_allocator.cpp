#include "cpu_allocator.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <torch/version.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <vector>

namespace dwmtj::core::snn {
namespace {

constexpr std::size_t kHeader = 64;          // keeps the data 64-byte aligned
constexpr std::size_t kLarge = 256 * 1024;   // below: plain malloc
constexpr std::size_t kGranule = 64 * 1024;  // large sizes are rounded up to this
constexpr std::size_t kMaxCached = std::size_t(3) << 30;

// LibTorch 2.3 made Allocator::allocate non-const and added the pure virtual copy_data.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
#define DWMTJ_ALLOCATOR_2_3 1
#define DWMTJ_ALLOCATE_CONST
#else
#define DWMTJ_ALLOCATOR_2_3 0
#define DWMTJ_ALLOCATE_CONST const
#endif

class CachingCpuAllocator final : public c10::Allocator {
public:
    c10::DataPtr allocate(std::size_t n) DWMTJ_ALLOCATE_CONST override
    {
        const std::size_t size = roundUp(n);
        void* base = nullptr;
        if (size >= kLarge) {
            std::lock_guard<std::mutex> lock(m_mutex);
            auto it = m_free.find(size);
            if (it != m_free.end() && !it->second.empty()) {
                base = it->second.back();
                it->second.pop_back();
                m_cached -= size;
            }
        }
        if (!base && posix_memalign(&base, kHeader, size + kHeader) != 0) throw std::bad_alloc();
        *static_cast<std::size_t*>(base) = size;
        return {static_cast<char*>(base) + kHeader, base, &release,
                c10::Device(c10::DeviceType::CPU)};
    }
    c10::DeleterFnPtr raw_deleter() const override { return nullptr; }
#if DWMTJ_ALLOCATOR_2_3
    void copy_data(void* dest, const void* src, std::size_t count) const override
    {
        std::memcpy(dest, src, count);
    }
#endif

    static void release(void* base)
    {
        if (!base) return;
        const std::size_t size = *static_cast<std::size_t*>(base);
        if (size >= kLarge) {
            auto& self = instance();
            std::lock_guard<std::mutex> lock(self.m_mutex);
            if (self.m_cached + size <= kMaxCached) {
                self.m_free[size].push_back(base);
                self.m_cached += size;
                return;
            }
        }
        std::free(base);
    }
    static CachingCpuAllocator& instance()
    {
        static auto* a = new CachingCpuAllocator;  // never destroyed: tensors may outlive main()
        return *a;
    }
    std::size_t cached() const
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_cached;
    }

private:
    static std::size_t roundUp(std::size_t n)
    {
        if (n < kLarge) return (n + 63) / 64 * 64;
        return (n + kGranule - 1) / kGranule * kGranule;
    }
    mutable std::mutex m_mutex;
    mutable std::map<std::size_t, std::vector<void*>> m_free;
    mutable std::size_t m_cached = 0;
};

}  // namespace

void installCachingCpuAllocator()
{
    static std::once_flag once;
    std::call_once(once,
                   [] { c10::SetCPUAllocator(&CachingCpuAllocator::instance(), /*priority*/ 1); });
}

std::size_t cachedCpuBytes() { return CachingCpuAllocator::instance().cached(); }

}  // namespace dwmtj::core::snn

#pragma once
// Counter-based random numbers for the spiking network: uniform u(key, i) for every
// element index i of a stream, so results do not depend on the thread count or on how
// work is split. SplitMix64 output function over a Weyl sequence; one 64-bit mix gives two
// 32-bit uniforms (elements 2j and 2j+1). Cheap: ~1 ns per pair, no state, no locks.
// The same functions serve the CUDA kernels (DWMTJ_HD), so both draw the same numbers.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "host_device.h"

namespace dwmtj::core::snn {

DWMTJ_HD uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// A stream key from a seed and up to three counters (epoch, batch, purpose).
DWMTJ_HD uint64_t streamKey(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0)
{
    uint64_t k = mix64(seed + 0x9E3779B97F4A7C15ull);
    k = mix64(k ^ (a + 0x632BE59BD9B4E019ull));
    k = mix64(k ^ (b + 0x8CB92BA72F3D8DD7ull));
    return mix64(k ^ (c + 0xD6E8FEB86659FD93ull));
}

inline constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ull;  ///< the Weyl sequence's step

/// The 32-bit uniform u(key, i): element i of the stream.
DWMTJ_HD uint32_t uniformU32(uint64_t key, int64_t i)
{
    const uint64_t h = mix64(key + uint64_t(i >> 1) * kGolden);
    return (i & 1) ? uint32_t(h >> 32) : uint32_t(h);
}

/// 32-bit uniforms u(key, start + k), k = 0..count-1, into out (one mix per pair).
inline void fillUniformU32(uint64_t key, int64_t start, int64_t count, uint32_t* out)
{
    int64_t i = start;
    const int64_t end = start + count;
    if ((i & 1) && i < end) *out++ = uint32_t(mix64(key + uint64_t(i >> 1) * kGolden) >> 32), ++i;
    for (; i + 1 < end; i += 2) {
        const uint64_t h = mix64(key + uint64_t(i >> 1) * kGolden);
        *out++ = uint32_t(h);
        *out++ = uint32_t(h >> 32);
    }
    if (i < end) *out = uint32_t(mix64(key + uint64_t(i >> 1) * kGolden));
}

/// u32 -> float in [0, 1) with 24 bits.
DWMTJ_HD float toUnitFloat(uint32_t u) { return float(u >> 8) * (1.0f / 16777216.0f); }

/// 1.0f if toUnitFloat(u) < p else 0.0f, without a branch (a data-dependent branch here
/// is mispredicted half of the time and doubled the cost of a stochastic layer).
DWMTJ_HD float bernoulli(uint32_t u, float p)
{
    const float diff = toUnitFloat(u) - p;  // negative iff u < p
#if defined(__CUDA_ARCH__)
    const uint32_t bits = __float_as_uint(diff);
#else
    uint32_t bits;
    std::memcpy(&bits, &diff, sizeof bits);
#endif
    return float(bits >> 31);
}

/// Standard normal number k of a stream: Box-Muller on the uniforms 2k and 2k+1 (one mix).
DWMTJ_HD float normalAt(uint64_t key, int64_t k)
{
    const uint64_t h = mix64(key + uint64_t(k) * kGolden);
    const float u1 = (float(uint32_t(h) >> 8) + 0.5f) * (1.0f / 16777216.0f);
    const float u2 = toUnitFloat(uint32_t(h >> 32));
    return std::sqrt(-2.0f * std::log(u1)) * std::cos(6.28318530717958647692f * u2);
}

/// The stream of the cycle-to-cycle jitter of a device layer whose spikes draw from `key`.
DWMTJ_HD uint64_t jitterKey(uint64_t key) { return key ^ 0xC2C0C2C0A5A5A5A5ull; }

}  // namespace dwmtj::core::snn

// Internal to the HDF5 layer: what h5.cpp and the probe (h5_probe.cpp) share.
#pragma once

#include <cstddef>
#include <string>

#include "io/h5.h"

namespace dwmtj::core::h5::impl {

constexpr std::size_t kMaxStringBytes = std::size_t(1) << 26;  ///< a string attribute, 64 MiB

/// The memory type the readers use for a string of file type `fileType`: variable-length
/// or fixed-size as in the file, with its character set (and padding, when fixed).
Handle memStringType(hid_t fileType);

/// Reads the whole file at `path` in a child process first (docs/architecture.md, "Untrusted
/// files"); FileFormatError when libhdf5 crashes or hangs on it there. Off: setProbeEnabled.
void probeInChild(const std::string& path);

}  // namespace dwmtj::core::h5::impl

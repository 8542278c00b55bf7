// Internal to the HDF5 layer: what h5.cpp and the probe (h5_probe.cpp) share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "io/h5.h"

namespace dwmtj::core::h5::impl {

constexpr std::size_t kMaxStringBytes = std::size_t(1) << 26;  ///< a string attribute, 64 MiB

/// The memory type the readers use for a string of file type `fileType`: variable-length
/// or fixed-size as in the file, with its character set (and padding, when fixed).
Handle memStringType(hid_t fileType);

/// Whether dataset `dset` (`elements` of `elementBytes` each) declares far more data than the
/// file stores: a crafted file whose never-written datasets would make a reader allocate
/// gigabytes of fill values. Unfiltered data must be stored in full; filtered (compressed) data
/// within deflate's largest ratio. Small datasets (under 1 MiB declared) always pass. `found`
/// says what was declared and stored.
bool unwrittenData(hid_t dset, std::uint64_t elements, std::size_t elementBytes,
                   std::string& found);

/// Reads the whole file at `path` in a child process first (docs/architecture.md, "Untrusted
/// files"); FileFormatError when libhdf5 crashes or hangs on it there. Off: setProbeEnabled.
void probeInChild(const std::string& path);
/// What the probing process runs: opens `path` and reads every object, attribute and dataset
/// within the limits (dwmtj-h5probe's main; a fault there ends that process only). Returns 0.
int probeFile(const char* path);

}  // namespace dwmtj::core::h5::impl
